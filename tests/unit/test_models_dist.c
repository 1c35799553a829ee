/* Distribution functions of src/models/dist.c against R's qnorm, qt and pt
 * (tests/reference/dist_r.csv, produced by tests/reference/dist_r.R). */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/models.h"

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
