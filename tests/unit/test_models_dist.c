/* Distribution functions of src/models/dist.c against R's qnorm, qt and pt
 * (tests/reference/dist_r.csv, produced by tests/reference/dist_r.R). */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/models.h"
#include "../../src/models/models_impl.h" /* hc_dist_prepare_d2, hc_dist_logpdf_d2 */

/* Relative error, or absolute error when the reference is exactly zero. */
static double rel_err(double x, double ref)
{
  return ref == 0.0 ? fabs(x) : fabs(x - ref) / fabs(ref);
}

static FILE *open_reference(void)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  char        path[4096];
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT is not set (tests/unit/meson.build sets it)");
  snprintf(path, sizeof path, "%s/tests/reference/dist_r.csv", root);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  return f;
}

Test(dist, matches_r_reference)
{
  FILE *f = open_reference();
  char  line[512];
  int   n_qnorm = 0, n_qt = 0, n_pt = 0;
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert(strncmp(line, "fun,x,nu,value", 14) == 0, "unexpected header: %s", line);
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n') continue;
    char   fun[16], nus[64];
    double x, ref;
    cr_assert_eq(sscanf(line, "%15[^,],%lf,%63[^,],%lf", fun, &x, nus, &ref), 4, "bad line: %s", line);
    double got;
    if (strcmp(fun, "qnorm") == 0) {
      got = hc_norm_quantile(x);
      n_qnorm++;
    } else if (strcmp(fun, "qt") == 0) {
      got = hc_t_quantile(x, atof(nus));
      n_qt++;
    } else {
      cr_assert_str_eq(fun, "pt");
      got = hc_t_cdf(x, atof(nus));
      n_pt++;
    }
    cr_expect_leq(rel_err(got, ref), 1e-10, "%s(%.17g, nu=%s) = %.17g, R: %.17g (rel err %.3g)", fun, x, nus,
                  got, ref, rel_err(got, ref));
  }
  fclose(f);
  cr_assert_eq(n_qnorm, 8);
  cr_assert_eq(n_qt, 50);
  cr_assert_eq(n_pt, 50);
}

Test(dist, t_cdf_inverts_t_quantile)
{
  const double nus[] = {0.7, 2.5, 4.0, 8.0, 30.0, 200.0, 1e5};
  const double ps[]  = {1e-12, 1e-6, 0.01, 0.2, 0.45, 0.5, 0.55, 0.8, 0.99};
  for (size_t i = 0; i < sizeof nus / sizeof *nus; i++)
    for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
      double x = hc_t_quantile(ps[j], nus[i]);
      double p = hc_t_cdf(x, nus[i]);
      cr_expect_leq(fabs(p - ps[j]) / ps[j], 1e-12, "nu=%g p=%g: t_cdf(t_quantile) = %.17g", nus[i], ps[j], p);
    }
}

Test(dist, normal_quantile_inverts_phi_and_limit_of_t)
{
  /* Phi(z) = erfc(-z/sqrt 2)/2 reproduces p to the conditioning of the problem:
   * d log Phi / dz ~ |z| in the tail, so one rounding of z (relative 1.1e-16)
   * moves Phi by ~ z^2 * 1.1e-16 relative; allow 8 such units. */
  double worst = 0.0, worst_p = 0.0;
  for (double p = 1e-300; p < 0.5; p *= 1.37) {
    double z = hc_norm_quantile(p);
    cr_assert(isfinite(z) && z < 0.0, "p=%g z=%g", p, z);
    double err = fabs(0.5 * erfc(-z / M_SQRT2) - p) / p / (DBL_EPSILON * (1.0 + z * z));
    if (err > worst) {
      worst   = err;
      worst_p = p;
    }
  }
  cr_expect_leq(worst, 8.0, "worst error %.3g units at p=%g", worst, worst_p);
  /* t quantile tends to the normal quantile as nu grows (difference O(1/nu)). */
  cr_expect_leq(fabs(hc_t_quantile(0.025, 1e9) - hc_norm_quantile(0.025)), 1e-8);
}

Test(dist, edge_cases)
{
  cr_expect(isinf(hc_norm_quantile(0.0)) && hc_norm_quantile(0.0) < 0);
  cr_expect(isinf(hc_norm_quantile(1.0)) && hc_norm_quantile(1.0) > 0);
  cr_expect(isnan(hc_norm_quantile(-0.1)));
  cr_expect(isnan(hc_norm_quantile(NAN)));
  cr_expect(isnan(hc_t_quantile(0.3, 0.0)));
  cr_expect(isnan(hc_t_quantile(1.3, 5.0)));
  cr_expect_eq(hc_t_quantile(0.5, 3.0), 0.0);
  cr_expect(isinf(hc_t_quantile(1.0, 3.0)));
  cr_expect_eq(hc_t_cdf(-INFINITY, 3.0), 0.0);
  cr_expect_eq(hc_t_cdf(INFINITY, 3.0), 1.0);
  cr_expect(isnan(hc_t_cdf(1.0, -1.0)));
  cr_expect(isnan(hc_std_t_logpdf(0.0, 2.0)));
}

/* The standardized t density integrates to 1 and has unit variance, and matches the
 * ordinary t density rescaled by sqrt((nu-2)/nu) (checked through the CDF). */
Test(dist, std_t_logpdf_is_unit_variance_density)
{
  const double nus[] = {2.5, 5.0, 30.0};
  for (size_t i = 0; i < sizeof nus / sizeof *nus; i++) {
    double nu = nus[i], s0 = 0.0, s2 = 0.0, h = 1e-4;
    /* substitution z = tan(a), a in (-pi/2, pi/2), midpoint rule */
    int N = 400000;
    for (int k = 0; k < N; k++) {
      double a = -M_PI / 2 + (k + 0.5) * M_PI / N, z = tan(a), jac = 1.0 + z * z;
      double f = exp(hc_std_t_logpdf(z, nu)) * jac * M_PI / N;
      s0 += f;
      s2 += f * z * z;
    }
    cr_expect_leq(fabs(s0 - 1.0), 1e-6, "nu=%g integral %.10f", nu, s0);
    if (nu >= 5.0) cr_expect_leq(fabs(s2 - 1.0), 1e-4, "nu=%g variance %.10f", nu, s2);
    /* density = derivative of F(z sqrt(nu/(nu-2))) */
    double c = sqrt(nu / (nu - 2.0)), z = 0.7;
    double d = (hc_t_cdf((z + h) * c, nu) - hc_t_cdf((z - h) * c, nu)) / (2 * h);
    cr_expect_leq(fabs(d - exp(hc_std_t_logpdf(z, nu))) / d, 1e-6, "nu=%g", nu);
  }
}

/* ---- the shared innovation-law interface: skewed t (Hansen 1994) and GED ---- */

/* Quantiles against R (tests/reference/garch_family_quantiles.csv from garch_family.R):
 * fGarch::qged, and Hansen's skewed t by numerical integration and root finding. */
Test(dist, skewt_and_ged_quantiles_match_r)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  char        path[4096], line[512];
  int         n = 0;
  snprintf(path, sizeof path, "%s/tests/reference/garch_family_quantiles.csv", root);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  cr_assert_not_null(fgets(line, sizeof line, f));
  while (fgets(line, sizeof line, f)) {
    char         d[16], lams[64];
    double       sh[2], p, ref;
    hc_dist_eval e;
    cr_assert_eq(sscanf(line, "%15[^,],%lf,%63[^,],%lf,%lf", d, &sh[0], lams, &p, &ref), 5, "bad line %s", line);
    hc_dist dist = !strcmp(d, "ged") ? HC_DIST_GED : HC_DIST_SKEWT;
    sh[1]        = strcmp(lams, "NA") ? atof(lams) : 0.0;
    cr_assert_eq(hc_dist_prepare(dist, sh, 0, &e), 0);
    double got = hc_dist_quantile(&e, p);
    cr_expect(fabs(got - ref) <= 1e-9 * fmax(1.0, fabs(ref)), "%s nu=%g lambda=%g p=%g: %.15g, R %.15g", d, sh[0], sh[1],
              p, got, ref);
    cr_expect(fabs(hc_dist_cdf(&e, got) - p) <= 1e-12, "%s cdf(quantile(%g)) = %.15g", d, p, hc_dist_cdf(&e, got));
    n++;
  }
  fclose(f);
  cr_expect_eq(n, 104);
}

/* Every law: density integrates to 1 with mean 0 and variance 1; E|z| and E[z^2 1(z<0)]
 * match quadrature; d log f / dz and / d shape and the moment derivatives match central
 * differences. Quadrature: z = tan(a), midpoint rule. */
Test(dist, laws_are_standardized_and_derivatives_match)
{
  const struct { hc_dist d; double sh[2]; } laws[] = {
    {HC_DIST_NORMAL, {0, 0}}, {HC_DIST_T, {5.0, 0}}, {HC_DIST_SKEWT, {7.0, -0.35}}, {HC_DIST_SKEWT, {4.5, 0.5}},
    {HC_DIST_GED, {1.3, 0}}, {HC_DIST_GED, {2.7, 0}}};
  for (size_t i = 0; i < sizeof laws / sizeof *laws; i++) {
    hc_dist_eval e;
    cr_assert_eq(hc_dist_prepare(laws[i].d, laws[i].sh, 1, &e), 0);
    double s0 = 0, s1 = 0, s2 = 0, sa = 0, sn = 0;
    const int N = 400000;
    for (int k = 0; k < N; k++) {
      double a = -M_PI / 2 + (k + 0.5) * M_PI / N, z = tan(a), w = exp(hc_dist_logpdf(&e, z, NULL, NULL)) * (1 + z * z) * M_PI / N;
      s0 += w;
      s1 += w * z;
      s2 += w * z * z;
      sa += w * fabs(z);
      sn += z < 0 ? w * z * z : 0.0;
    }
    double tol = laws[i].sh[0] < 5 && laws[i].d != HC_DIST_GED ? 1e-3 : 1e-5;
    cr_expect(fabs(s0 - 1) < 1e-6 && fabs(s1) < tol && fabs(s2 - 1) < tol, "law %zu: %g %g %g", i, s0, s1, s2);
    cr_expect(fabs(sa - e.abs_mean) < 1e-5, "law %zu: E|z| %.8f vs %.8f", i, sa, e.abs_mean);
    cr_expect(fabs(sn - e.m2neg) < tol, "law %zu: E[z^2;z<0] %.8f vs %.8f", i, sn, e.m2neg);
    const double zs[] = {-2.3, -0.4, 0.05, 1.7};
    for (size_t j = 0; j < 4; j++) {
      double dz, ds[2], h = 1e-6;
      hc_dist_logpdf(&e, zs[j], &dz, ds);
      double fd = (hc_dist_logpdf(&e, zs[j] + h, NULL, NULL) - hc_dist_logpdf(&e, zs[j] - h, NULL, NULL)) / (2 * h);
      cr_expect(fabs(dz - fd) < 1e-6 * fmax(1, fabs(fd)), "law %zu z %g: dz %.10g fd %.10g", i, zs[j], dz, fd);
      for (int s = 0; s < hc_dist_n_shape(laws[i].d); s++) {
        double sp[2] = {laws[i].sh[0], laws[i].sh[1]}, sm[2] = {laws[i].sh[0], laws[i].sh[1]};
        hc_dist_eval ep, em;
        sp[s] += 1e-6;
        sm[s] -= 1e-6;
        hc_dist_prepare(laws[i].d, sp, 0, &ep);
        hc_dist_prepare(laws[i].d, sm, 0, &em);
        double fs = (hc_dist_logpdf(&ep, zs[j], NULL, NULL) - hc_dist_logpdf(&em, zs[j], NULL, NULL)) / 2e-6;
        cr_expect(fabs(ds[s] - fs) < 1e-6 * fmax(1, fabs(fs)), "law %zu z %g shape %d: %.10g fd %.10g", i, zs[j], s, ds[s], fs);
        if (j == 0) {
          cr_expect(fabs(e.d_abs_mean[s] - (ep.abs_mean - em.abs_mean) / 2e-6) < 1e-6, "law %zu dE|z|", i);
          cr_expect(fabs(e.d_m2neg[s] - (ep.m2neg - em.m2neg) / 2e-6) < 1e-6, "law %zu dm2neg", i);
        }
      }
    }
  }
}

/* Second derivatives of the normal and t log-densities (hc_dist_logpdf_d2, used by the GARCH
 * Hessian) against central differences of the first derivatives of hc_dist_logpdf, whose own
 * agreement with differences of the log-density is checked above; the trigamma constant enters
 * d^2/dnu^2. Skewed t and GED have no second derivatives (-1). */
Test(dist, second_derivatives_match_differences)
{
  const double nus[] = {2.3, 4.1, 8.0, 35.0}, zs[] = {-3.1, -0.7, 0.0, 0.45, 2.6};
  for (int l = -1; l < 4; l++) {
    hc_dist      d  = l < 0 ? HC_DIST_NORMAL : HC_DIST_T;
    double       nu = l < 0 ? 0.0 : nus[l], dd[5], dz, ds[2];
    hc_dist_eval e, e1, ep, em;
    cr_assert_eq(hc_dist_prepare_d2(d, &nu, &e), 0);
    cr_assert_eq(hc_dist_prepare(d, &nu, 1, &e1), 0);
    for (size_t j = 0; j < sizeof zs / sizeof *zs; j++) {
      double z = zs[j], f = hc_dist_logpdf_d2(&e, z, dd), h = 1e-5, dzp, dzm, dsp[2], dsm[2];
      cr_expect(fabs(f - hc_dist_logpdf(&e1, z, &dz, ds)) <= 1e-14 * fmax(1.0, fabs(f)), "nu %g z %g: value", nu, z);
      cr_expect(fabs(dd[0] - dz) <= 1e-13 * fmax(1.0, fabs(dz)), "nu %g z %g: d/dz %.15g vs %.15g", nu, z, dd[0], dz);
      hc_dist_logpdf(&e1, z + h, &dzp, NULL);
      hc_dist_logpdf(&e1, z - h, &dzm, NULL);
      double fzz = (dzp - dzm) / (2 * h);
      cr_expect(fabs(dd[1] - fzz) <= 1e-7 * fmax(1.0, fabs(fzz)), "nu %g z %g: d2/dz2 %.10g fd %.10g", nu, z, dd[1], fzz);
      if (d == HC_DIST_NORMAL) {
        cr_expect(dd[2] == 0.0 && dd[3] == 0.0 && dd[4] == 0.0);
        continue;
      }
      cr_expect(fabs(dd[2] - ds[0]) <= 1e-13 * fmax(1.0, fabs(ds[0])), "nu %g z %g: d/dnu", nu, z);
      double hn = 1e-5 * (nu - 2.0), np = nu + hn, nm = nu - hn;
      cr_assert_eq(hc_dist_prepare(d, &np, 1, &ep), 0);
      cr_assert_eq(hc_dist_prepare(d, &nm, 1, &em), 0);
      hc_dist_logpdf(&ep, z, &dzp, dsp);
      hc_dist_logpdf(&em, z, &dzm, dsm);
      double fzn = (dzp - dzm) / (2 * hn), fnn = (dsp[0] - dsm[0]) / (2 * hn);
      cr_expect(fabs(dd[3] - fzn) <= 1e-7 * fmax(1.0, fabs(fzn)), "nu %g z %g: d2/dz dnu %.10g fd %.10g", nu, z, dd[3], fzn);
      cr_expect(fabs(dd[4] - fnn) <= 1e-6 * fmax(1e-3, fabs(fnn)), "nu %g z %g: d2/dnu2 %.10g fd %.10g", nu, z, dd[4], fnn);
    }
  }
  hc_dist_eval e;
  const double sk[2] = {6.0, 0.2}, ged = 1.5;
  cr_expect_eq(hc_dist_prepare_d2(HC_DIST_SKEWT, sk, &e), -1);
  cr_expect_eq(hc_dist_prepare_d2(HC_DIST_GED, &ged, &e), -1);
}

/* Draws follow the law: empirical CDF at a few quantiles within 4 binomial sds (fixed seed). */
Test(dist, draws_follow_the_law)
{
  const struct { hc_dist d; double sh[2]; } laws[] = {
    {HC_DIST_NORMAL, {0, 0}}, {HC_DIST_T, {4.0, 0}}, {HC_DIST_SKEWT, {6.0, -0.4}}, {HC_DIST_GED, {0.9, 0}}};
  for (size_t i = 0; i < sizeof laws / sizeof *laws; i++) {
    hc_dist_eval       e;
    unsigned long long s = 12345;
    enum { N = 200000 };
    const double ps[] = {0.01, 0.2, 0.5, 0.9};
    int          cnt[4] = {0};
    double       q[4];
    hc_dist_prepare(laws[i].d, laws[i].sh, 0, &e);
    for (int j = 0; j < 4; j++) q[j] = hc_dist_quantile(&e, ps[j]);
    for (int k = 0; k < N; k++) {
      double z = hc_dist_draw(&e, &s);
      for (int j = 0; j < 4; j++) cnt[j] += z <= q[j];
    }
    for (int j = 0; j < 4; j++)
      cr_expect(fabs(cnt[j] / (double)N - ps[j]) <= 4 * sqrt(ps[j] * (1 - ps[j]) / N), "law %zu p %g: %g", i, ps[j],
                cnt[j] / (double)N);
  }
}

Test(dist, shape_transforms_round_trip)
{
  const double sk[2] = {5.5, -0.7}, ged[1] = {0.9};
  double       u[2], b[2];
  hc_dist_shape_transform(HC_DIST_SKEWT, sk, u);
  hc_dist_shape_untransform(HC_DIST_SKEWT, u, b);
  cr_expect(fabs(b[0] - sk[0]) < 1e-12 && fabs(b[1] - sk[1]) < 1e-12);
  hc_dist_shape_transform(HC_DIST_GED, ged, u);
  hc_dist_shape_untransform(HC_DIST_GED, u, b);
  cr_expect(fabs(b[0] - ged[0]) < 1e-12);
  hc_dist_eval e;
  cr_expect_neq(hc_dist_prepare(HC_DIST_SKEWT, (double[]){5.0, 1.0}, 0, &e), 0);
  cr_expect_neq(hc_dist_prepare(HC_DIST_GED, (double[]){0.0}, 0, &e), 0);
  cr_expect_neq(hc_dist_prepare(HC_DIST_T, (double[]){2.0}, 0, &e), 0);
}
