/**
 * @file test_eval_scores.c
 * @brief Probabilistic scores (src/eval/probabilistic.c) and ensemble weights
 *        (src/eval/ensemble.c): CRPS, CRPS matrix, mixture CDF / log-density / quantiles
 *        against R (tests/reference/scores_r.csv, produced by tests/reference/scores_r.R with
 *        integrate() and uniroot()), closed forms against the quadrature, hand-computed interval
 *        score, pinball loss, PIT KS distance and calibration score, the accumulator on
 *        simulated calibrated and miscalibrated forecasts, and CRPS stacking against a
 *        brute-force grid search on the simplex (k = 2, 3); the accumulator with known parts
 *        (hc_score_acc_add_known: standardized quantiles, CRPS as w'Aw) against the plain one on
 *        random mixtures, and the t / skewed-t CDF from prepared constants against hc_t_cdf.
 *
 * Measured agreement with R integrate() (rel.tol 1e-13): CRPS and CRPS matrix relative error
 * 4e-14 (normal, t, skewed t and their mixtures) and 2e-12 (with a GED of shape < 2, whose
 * density has a cusp at the mode); mixture CDF and log-density 4e-14, quantiles 2e-12; the
 * closed-form CRPS of the normal and t against the quadrature: 7e-12 for nu in [2.05, 150].
 */
#include <criterion/criterion.h>

#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/eval.h"

static double rel_err(double x, double ref) { return ref == 0.0 ? fabs(x) : fabs(x - ref) / fabs(ref); }

static hc_pred pred(hc_dist d, double nu, double lam, double m, double s)
{
  hc_pred p;
  double  sh[2] = {nu, lam};
  cr_assert_eq(hc_dist_prepare(d, sh, 0, &p.law), 0);
  p.mean = m;
  p.sd   = s;
  return p;
}

/* ---------------------------------------------------------------------------------------
 * Against R (tests/reference/scores_r.csv)
 * --------------------------------------------------------------------------------------- */

static hc_dist dist_of(const char *name)
{
  if (strcmp(name, "normal") == 0) return HC_DIST_NORMAL;
  if (strcmp(name, "t") == 0) return HC_DIST_T;
  if (strcmp(name, "skewt") == 0) return HC_DIST_SKEWT;
  cr_assert_str_eq(name, "ged");
  return HC_DIST_GED;
}

/* Split a CSV line in place into at most n fields. */
static int split_csv(char *line, char **fld, int n)
{
  int m = 0;
  line[strcspn(line, "\r\n")] = '\0';
  for (char *p = line; m < n;) {
    fld[m++] = p;
    char *c  = strchr(p, ',');
    if (!c) break;
    *c = '\0';
    p  = c + 1;
  }
  return m;
}

Test(scores_r, crps_cdf_logpdf_quantile_and_matrix_match_r)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  char        path[4096], line[1024];
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT is not set (tests/unit/meson.build sets it)");
  snprintf(path, sizeof path, "%s/tests/reference/scores_r.csv", root);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert(strncmp(line, "case,what,k,d1,nu1,lam1,m1,s1,w1,", 33) == 0, "unexpected header: %s", line);
  int    count[6] = {0};
  double worst[6] = {0}, worst_quad[2] = {0};
  const char *whats[6] = {"crps", "crps_closed", "A", "cdf", "logpdf", "quantile"};
  while (fgets(line, sizeof line, f)) {
    char *fld[25];
    cr_assert_eq(split_csv(line, fld, 25), 25, "bad line");
    int     k = atoi(fld[2]);
    hc_pred comp[3];
    double  w[3];
    int     is_ged_cusp = 0;
    for (int i = 0; i < k; i++) {
      char **c  = fld + 3 + 6 * i;
      hc_dist d = dist_of(c[0]);
      comp[i]   = pred(d, atof(c[1]), atof(c[2]), atof(c[3]), atof(c[4]));
      w[i]      = atof(c[5]);
      if (d == HC_DIST_GED && atof(c[1]) < 2.0) is_ged_cusp = 1;
    }
    hc_mixture mx = {k, w, comp};
    double     x = atof(fld[21]), ref = atof(fld[24]), got = NAN, tol;
    int        what = -1;
    for (int j = 0; j < 6; j++)
      if (strcmp(fld[1], whats[j]) == 0) what = j;
    cr_assert_geq(what, 0, "unknown row type %s", fld[1]);
    switch (what) {
    case 0:
    case 1:
      got = hc_crps(&mx, x);
      tol = is_ged_cusp ? 1e-10 : 1e-12;
      break;
    case 2: {
      double A[9];
      int    i = atoi(fld[22]) - 1, j = atoi(fld[23]) - 1;
      cr_assert_eq(hc_crps_matrix(k, comp, x, A), 0);
      got = A[i * k + j];
      cr_expect_eq(A[i * k + j], A[j * k + i], "A symmetric");
      tol = is_ged_cusp ? 1e-10 : 1e-12;
      break;
    }
    case 3:
      got = hc_mixture_cdf(&mx, x);
      tol = 1e-12;
      break;
    case 4:
      got = hc_mixture_logpdf(&mx, x);
      tol = 1e-12;
      break;
    default:
      got = hc_mixture_quantile(&mx, x);
      tol = 1e-11;
      break;
    }
    double e = what == 5 ? fabs(got - ref) / fmax(1.0, fabs(ref)) : rel_err(got, ref);
    cr_expect_leq(e, tol, "%s %s at %g: %.17g, R %.17g (err %.3g)", fld[0], fld[1], x, got, ref, e);
    count[what]++;
    worst[what] = fmax(worst[what], e);
    if (what <= 2) worst_quad[is_ged_cusp] = fmax(worst_quad[is_ged_cusp], e);
  }
  fclose(f);
  for (int j = 0; j < 6; j++) cr_log_info("%s: %d rows, worst error %.3g", whats[j], count[j], worst[j]);
  cr_log_info("CRPS and A: worst relative error %.3g without, %.3g with a GED of shape < 2", worst_quad[0],
              worst_quad[1]);
  cr_assert_eq(count[0], 60);
  cr_assert_eq(count[1], 12);
  cr_assert_eq(count[2], 54);
  cr_assert_eq(count[5], 60);
}

/* ---------------------------------------------------------------------------------------
 * CRPS: closed forms, quadrature, quadratic form
 * --------------------------------------------------------------------------------------- */

Test(crps, known_value_standard_normal)
{
  hc_pred    c = pred(HC_DIST_NORMAL, 0, 0, 0.0, 1.0);
  double     w = 1.0;
  hc_mixture f = {1, &w, &c};
  /* CRPS(N(0,1), 0) = 2 phi(0) - 1/sqrt(pi) = (sqrt 2 - 1)/sqrt(pi) = 0.23369497... */
  cr_assert_float_eq(hc_crps(&f, 0.0), (M_SQRT2 - 1.0) / sqrt(M_PI), 1e-15);
  cr_assert_float_eq(hc_crps(&f, 0.0), 0.23369497, 1e-8); /* 8 published digits */
}

Test(crps, closed_forms_match_quadrature)
{
  /* hc_crps uses the closed forms for one normal or t component, hc_crps_matrix (k = 1) the
   * quadrature: two independent computations of the same integral. */
  const double nus[] = {0, 2.05, 3.0, 5.0, 30.0, 150.0};
  double       worst = 0.0, w = 1.0;
  for (size_t a = 0; a < sizeof nus / sizeof *nus; a++) {
    hc_pred    c = nus[a] == 0 ? pred(HC_DIST_NORMAL, 0, 0, 0.3, 1.7) : pred(HC_DIST_T, nus[a], 0, 0.3, 1.7);
    hc_mixture f = {1, &w, &c};
    for (double y = -40.0; y <= 40.0; y += 0.37) {
      double A, cf = hc_crps(&f, y);
      cr_assert_eq(hc_crps_matrix(1, &c, y, &A), 0);
      worst = fmax(worst, rel_err(A, cf));
      cr_expect_leq(rel_err(A, cf), 1e-11, "nu %g y %g: closed %.17g quadrature %.17g", nus[a], y, cf, A);
    }
  }
  cr_log_info("closed form vs quadrature: worst relative error %.3g", worst);
}

Test(crps, mixture_is_quadratic_form_of_matrix)
{
  hc_pred comp[4] = {pred(HC_DIST_NORMAL, 0, 0, 0.1, 1.0), pred(HC_DIST_T, 4.5, 0, -0.2, 1.2),
                     pred(HC_DIST_SKEWT, 7, -0.25, 0.0, 0.9), pred(HC_DIST_GED, 1.2, 0, 0.05, 1.1)};
  double  w[4]    = {0.1, 0.4, 0.3, 0.2}, A[16];
  hc_mixture f    = {4, w, comp};
  for (double y = -6.0; y <= 6.0; y += 0.73) {
    cr_assert_eq(hc_crps_matrix(4, comp, y, A), 0);
    double q = 0.0, z[4] = {1.0, -2.0, 0.5, 0.7}, zq = 0.0;
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) {
        q += w[i] * A[i * 4 + j] * w[j];
        zq += z[i] * A[i * 4 + j] * z[j];
        cr_assert_eq(A[i * 4 + j], A[j * 4 + i]);
      }
    cr_expect_leq(rel_err(hc_crps(&f, y), q), 1e-12, "y %g: crps %.17g, w'Aw %.17g", y, hc_crps(&f, y), q);
    cr_expect_geq(zq, 0.0, "A is a Gram matrix (positive semidefinite)");
  }
  /* zero weights drop a component */
  double     w2[4] = {0.0, 1.0, 0.0, 0.0};
  hc_mixture g     = {4, w2, comp}, h = {1, w2 + 1, comp + 1};
  cr_assert_float_eq(hc_crps(&g, 0.7), hc_crps(&h, 0.7), 1e-15);
}

Test(crps, rejects_bad_components)
{
  hc_pred c[2] = {pred(HC_DIST_NORMAL, 0, 0, 0.0, 1.0), pred(HC_DIST_NORMAL, 0, 0, 0.0, 0.0)};
  double  A[4], w[2] = {0.5, 0.5};
  cr_assert_eq(hc_crps_matrix(2, c, 0.0, A), 1);
  cr_assert(isnan(A[0]));
  cr_assert_eq(hc_crps_matrix(1, c, NAN, A), 1);
  hc_mixture f = {2, w, c};
  cr_assert(isnan(hc_crps(&f, 0.0)));
}

/* ---------------------------------------------------------------------------------------
 * Mixture functions
 * --------------------------------------------------------------------------------------- */

Test(mixture, moments_logpdf_and_quantile_inversion)
{
  hc_pred    c[2] = {pred(HC_DIST_NORMAL, 0, 0, -1.0, 0.5), pred(HC_DIST_NORMAL, 0, 0, 2.0, 1.5)};
  double     w[2] = {0.3, 0.7}, m, s;
  hc_mixture f    = {2, w, c};
  hc_mixture_moments(&f, &m, &s);
  cr_assert_float_eq(m, 0.3 * -1.0 + 0.7 * 2.0, 1e-15);
  cr_assert_float_eq(s * s, 0.3 * (0.25 + 1.0) + 0.7 * (2.25 + 4.0) - m * m, 1e-13);
  for (double y = -4; y <= 6; y += 0.5) {
    double d = 0.3 * exp(-0.5 * pow((y + 1.0) / 0.5, 2)) / (0.5 * sqrt(2 * M_PI)) +
               0.7 * exp(-0.5 * pow((y - 2.0) / 1.5, 2)) / (1.5 * sqrt(2 * M_PI));
    cr_expect_float_eq(hc_mixture_logpdf(&f, y), log(d), 1e-13);
  }
  /* bimodal: Newton from the moment-matched start must not stall between the modes */
  hc_pred    b[2] = {pred(HC_DIST_T, 4, 0, -8.0, 0.3), pred(HC_DIST_GED, 1.1, 0, 8.0, 0.3)};
  double     wb[2] = {0.5, 0.5};
  hc_mixture g     = {2, wb, b};
  const double ps[] = {1e-6, 0.01, 0.2, 0.4999, 0.5, 0.5001, 0.8, 0.99, 1 - 1e-6};
  for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) {
    double q = hc_mixture_quantile(&g, ps[i]);
    cr_expect_leq(fabs(hc_mixture_cdf(&g, q) - ps[i]), 1e-11, "p %g: q %.17g F(q) %.17g", ps[i], q,
                  hc_mixture_cdf(&g, q));
  }
  cr_assert(isnan(hc_mixture_quantile(&g, 0.0)));
  cr_assert(isnan(hc_mixture_quantile(&g, 1.0)));
  cr_assert(isnan(hc_mixture_quantile(&g, NAN)));
}

/* ---------------------------------------------------------------------------------------
 * Interval score, pinball, PIT, calibration
 * --------------------------------------------------------------------------------------- */

Test(scores, interval_score_and_pinball_hand_computed)
{
  cr_assert_float_eq(hc_interval_score(-1.0, 2.0, 0.5, 0.05), 3.0, 1e-15);
  cr_assert_float_eq(hc_interval_score(-1.0, 2.0, -2.0, 0.05), 3.0 + 40.0 * 1.0, 1e-13);
  cr_assert_float_eq(hc_interval_score(-1.0, 2.0, 2.5, 0.2), 3.0 + 10.0 * 0.5, 1e-13);
  cr_assert_float_eq(hc_interval_score(-1.0, 2.0, 2.0, 0.05), 3.0, 1e-15); /* bound covered */
  cr_assert_float_eq(hc_pinball(1.0, 3.0, 0.9), 0.9 * 2.0, 1e-15);
  cr_assert_float_eq(hc_pinball(1.0, -1.0, 0.9), 0.1 * 2.0, 1e-15);
  cr_assert_float_eq(hc_pinball(0.3, 1.3, 0.5), 0.5, 1e-15); /* median: |y - q| / 2 */
  /* IS_alpha(l, u, y) = (2/alpha) [pinball(l, y, alpha/2) + pinball(u, y, 1 - alpha/2)]
   * (Gneiting & Raftery 2007, sec. 6.2) */
  for (double y = -3; y <= 4; y += 0.25)
    cr_expect_float_eq(hc_interval_score(-1.0, 2.0, y, 0.1),
                       20.0 * (hc_pinball(-1.0, y, 0.05) + hc_pinball(2.0, y, 0.95)), 1e-12);
}

Test(scores, pit_ks_and_calibration_hand_computed)
{
  double u[4] = {0.9, 0.1, 0.3, 0.6};
  /* sorted 0.1 0.3 0.6 0.9: max(i/n - u_i, u_i - (i-1)/n) = max(.15,.1; .2,.05; .15,.1; .1,.15) */
  cr_assert_float_eq(hc_pit_ks(u, 4), 0.2, 1e-15);
  cr_assert_eq(u[0], 0.1); /* sorted in place */
  double g[100];
  for (int i = 0; i < 100; i++) g[i] = (i + 0.5) / 100.0;
  cr_assert_float_eq(hc_pit_ks(g, 100), 0.005, 1e-15);
  cr_assert(isnan(hc_pit_ks(u, 0)));
  const double cov[HC_N_COVER] = {0.45, 0.80, 0.99};
  /* ACE = (0.05 + 0 + 0.04) / 3 = 0.03 */
  cr_assert_float_eq(hc_calibration_score(0.1, cov), 1.0 - 0.1 - 0.03, 1e-15);
  cr_assert_eq(hc_calibration_score(0.99, cov), 0.0);
  cr_assert(isnan(hc_calibration_score(NAN, cov)));
}

/* ---------------------------------------------------------------------------------------
 * The accumulator
 * --------------------------------------------------------------------------------------- */

Test(accumulator, empty_is_nan)
{
  hc_score_acc a;
  hc_score_row r;
  cr_assert_eq(hc_score_acc_init(&a, 10), 0);
  hc_score_acc_finish(&a, 1.0, &r);
  cr_assert_eq(r.n, 0);
  cr_assert(isnan(r.rmse) && isnan(r.mae) && isnan(r.mase) && isnan(r.hit_rate) && isnan(r.msis));
  cr_assert(isnan(r.crps) && isnan(r.log_score) && isnan(r.pit_ks) && isnan(r.calibration_score));
  cr_assert(isnan(r.coverage[0]) && isnan(r.pinball[2]) && isnan(r.pit[9]));
  hc_score_acc_free(&a);
}

Test(accumulator, one_normal_forecast_hand_computed)
{
  hc_pred      c = pred(HC_DIST_NORMAL, 0, 0, 1.0, 2.0);
  double       w = 1.0;
  hc_mixture   f = {1, &w, &c};
  hc_score_acc a;
  hc_score_row r;
  cr_assert_eq(hc_score_acc_init(&a, 4), 0);
  hc_score_acc_add(&a, &f, 4.0, 0.0);
  hc_score_acc_add(&a, &f, NAN, 0.0); /* ignored */
  hc_score_acc_finish(&a, 2.0, &r);
  cr_assert_eq(r.n, 1);
  cr_assert_float_eq(r.rmse, 3.0, 1e-15);
  cr_assert_float_eq(r.mae, 3.0, 1e-15);
  cr_assert_float_eq(r.mase, 1.5, 1e-15);
  cr_assert_eq(r.hit_rate, 1.0);
  /* z = 1.5: inside the 80% (|z| < 1.2816)? no; inside the 95% (1.96)? yes */
  cr_assert_eq(r.coverage[0], 0.0);
  cr_assert_eq(r.coverage[1], 0.0);
  cr_assert_eq(r.coverage[2], 1.0);
  double z95 = hc_norm_quantile(0.975);
  cr_assert_float_eq(r.msis, 2.0 * 2.0 * z95 / 2.0, 1e-12);
  cr_assert_float_eq(r.crps, hc_crps(&f, 4.0), 1e-15);
  cr_assert_float_eq(r.log_score, 0.5 * log(2 * M_PI) + log(2.0) + 0.5 * 1.5 * 1.5, 1e-13);
  for (int j = 0; j < HC_N_PINBALL; j++) {
    double q = 1.0 + 2.0 * hc_norm_quantile(hc_pinball_levels[j]);
    cr_expect_float_eq(r.pinball[j], hc_pinball(q, 4.0, hc_pinball_levels[j]), 1e-12);
  }
  double pit = 0.5 * erfc(-1.5 / M_SQRT2);
  cr_assert_eq(r.pit[(int)(pit * 10)], 1.0);
  cr_assert_float_eq(r.pit_ks, fmax(1.0 - pit, pit), 1e-14);
  hc_score_acc_finish(&a, 0.0, &r);
  cr_assert(isnan(r.mase) && isnan(r.msis), "scale not > 0");
  hc_score_acc_free(&a);
}

/* Outcomes drawn from a law L scored with forecast f: coverage, PIT and hit rate. */
static void simulate(const hc_mixture *f, const hc_pred *truth, int n, hc_score_row *r)
{
  hc_score_acc       a;
  unsigned long long s = 0x9E3779B97F4A7C15ULL;
  cr_assert_eq(hc_score_acc_init(&a, n), 0);
  for (int i = 0; i < n; i++) hc_score_acc_add(&a, f, truth->mean + truth->sd * hc_dist_draw(&truth->law, &s), 0.0);
  hc_score_acc_finish(&a, 1.0, r);
  hc_score_acc_free(&a);
}

Test(accumulator, calibrated_forecast_is_calibrated)
{
  const int    n    = 4000;
  hc_pred      c[2] = {pred(HC_DIST_T, 6, 0, 0.2, 1.0), pred(HC_DIST_T, 6, 0, 0.2, 1.0)};
  double       w[2] = {0.5, 0.5};
  hc_mixture   f    = {2, w, c}; /* a two-component mixture of one law: goes through quadrature */
  hc_score_row r;
  simulate(&f, &c[0], n, &r);
  cr_assert_eq(r.n, n);
  for (int l = 0; l < HC_N_COVER; l++) {
    double lv = hc_cover_levels[l], sd = sqrt(lv * (1 - lv) / n);
    cr_expect_leq(fabs(r.coverage[l] - lv), 4.0 * sd, "coverage %g at level %g", r.coverage[l], lv);
  }
  cr_expect_leq(r.pit_ks, 1.95 / sqrt(n), "KS 0.1%% critical value"); /* 1.95: P(D > .) = 0.001 */
  double sum = 0.0;
  for (int b = 0; b < HC_N_PIT_BINS; b++) sum += r.pit[b];
  cr_assert_float_eq(sum, 1.0, 1e-12);
  cr_expect_geq(r.calibration_score, 0.9);
  /* E CRPS of a calibrated forecast = E|X - X'|/2 (Gneiting & Raftery 2007 eq. 21), the CRPS
   * of F at its own draws; for the unit-variance t(6): 2 sigma sqrt(nu) B(1/2, nu-1/2) /
   * ((nu-1) B(1/2, nu/2)^2) with sigma = sqrt(4/6) */
  double nu = 6, sig = sqrt((nu - 2) / nu);
  double lb1 = lgamma(0.5) + lgamma(nu - 0.5) - lgamma(nu), lb2 = lgamma(0.5) + lgamma(nu / 2) - lgamma(nu / 2 + 0.5);
  double ecrps = sig * 2.0 * sqrt(nu) * exp(lb1 - 2.0 * lb2) / (nu - 1.0);
  cr_expect_leq(fabs(r.crps - ecrps), 4.0 * 0.5 / sqrt(n), "mean CRPS %g, expected %g", r.crps, ecrps);
}

Test(accumulator, overconfident_forecast_is_penalised)
{
  const int    n     = 2000;
  hc_pred      truth = pred(HC_DIST_NORMAL, 0, 0, 0.0, 1.0), narrow = pred(HC_DIST_NORMAL, 0, 0, 0.0, 0.5);
  double       w     = 1.0;
  hc_mixture   ft = {1, &w, &truth}, fn = {1, &w, &narrow};
  hc_score_row rt, rn;
  simulate(&ft, &truth, n, &rt);
  simulate(&fn, &truth, n, &rn);
  cr_expect_lt(rn.coverage[2], 0.75); /* P(|Z| < 0.98) = 0.67 */
  cr_expect_gt(rn.crps, rt.crps);
  cr_expect_gt(rn.log_score, rt.log_score);
  cr_expect_gt(rn.pit_ks, 0.1);
  cr_expect_lt(rn.calibration_score, rt.calibration_score);
  cr_expect_float_eq(rn.rmse, rt.rmse, 1e-15); /* same means */
}

/* ---------------------------------------------------------------------------------------
 * The accumulator with known parts (hc_score_acc_add_known, hc_score_levels) and the CDF of
 * the t laws from their prepared constants
 * --------------------------------------------------------------------------------------- */

/* xorshift64*: uniform in (0,1). */
static double unif(unsigned long long *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return ((double)((*s * 0x2545F4914F6CDD1DULL) >> 11) + 0.5) / 9007199254740992.0;
}

/* A random component: normal, t (nu in 2.5..30), skewed t (nu in 2.5..30, lambda in -0.8..0.8)
 * or GED (nu in 0.8..3); wide: mean in -2..2 and sd in 0.1..3 (components far apart on the scale
 * of the narrowest), else mean in -0.2..0.2 and sd in 0.7..1.5 (the members of one backtest:
 * forecasts of the same series). */
static hc_pred random_pred(unsigned long long *s, int wide)
{
  const int    d   = (int)(unif(s) * 4.0);
  const double nu  = d == HC_DIST_GED ? 0.8 + 2.2 * unif(s) : 2.5 + 27.5 * unif(s), lam = -0.8 + 1.6 * unif(s);
  const double m   = wide ? -2.0 + 4.0 * unif(s) : -0.2 + 0.4 * unif(s), sd = wide ? 0.1 + 2.9 * unif(s) : 0.7 + 0.8 * unif(s);
  return pred((hc_dist)d, nu, lam, m, sd);
}

/* |x - ref| <= tol |ref| (equal if both are NaN). */
static int agree(double x, double ref, double tol) { return (isnan(x) && isnan(ref)) || fabs(x - ref) <= tol * fabs(ref); }

/* Every field of two finished rows: counts (n, coverage, PIT histogram, hence pit_ks and the
 * calibration score) exactly, the rest to 1e-9 relative (the CRPS only when with_crps). */
static void expect_rows_agree(const hc_score_row *a, const hc_score_row *b, int with_crps, const char *what)
{
  cr_expect_eq(a->n, b->n, "%s: n", what);
  for (int l = 0; l < HC_N_COVER; l++) cr_expect_eq(a->coverage[l], b->coverage[l], "%s: coverage[%d]", what, l);
  for (int i = 0; i < HC_N_PIT_BINS; i++) cr_expect_eq(a->pit[i], b->pit[i], "%s: pit[%d]", what, i);
  cr_expect(agree(a->pit_ks, b->pit_ks, 0.0) && agree(a->calibration_score, b->calibration_score, 0.0), "%s: pit_ks, calibration", what);
  const double x[] = {a->rmse, a->mae, a->mase, a->hit_rate, a->msis, a->log_score, a->crps};
  const double y[] = {b->rmse, b->mae, b->mase, b->hit_rate, b->msis, b->log_score, b->crps};
  const char  *nm[] = {"rmse", "mae", "mase", "hit_rate", "msis", "log_score", "crps"};
  for (int i = 0; i < 6 + with_crps; i++) cr_expect(agree(x[i], y[i], 1e-9), "%s: %s %.17g, plain %.17g", what, nm[i], x[i], y[i]);
  for (int j = 0; j < HC_N_PINBALL; j++)
    cr_expect(agree(a->pinball[j], b->pinball[j], 1e-9), "%s: pinball[%d] %.17g, plain %.17g", what, j, a->pinball[j], b->pinball[j]);
}

Test(accumulator, score_levels_are_the_sorted_distinct_levels)
{
  double lv[HC_SCORE_MAX_LEVELS], want[HC_SCORE_MAX_LEVELS];
  int    n = 0, m = 0;
  for (int l = 0; l < HC_N_COVER; l++) {
    want[n++] = 0.5 * (1.0 - hc_cover_levels[l]);
    want[n++] = 0.5 * (1.0 + hc_cover_levels[l]);
  }
  want[n++] = 0.025; /* the 95% interval score's ends */
  want[n++] = 0.975;
  for (int j = 0; j < HC_N_PINBALL; j++) want[n++] = hc_pinball_levels[j];
  const int k = hc_score_levels(lv);
  cr_assert(k >= 1 && k <= HC_SCORE_MAX_LEVELS);
  for (int i = 0; i < k; i++) {
    cr_expect(i == 0 || lv[i] > lv[i - 1], "sorted and distinct at %d", i);
    int found = 0;
    for (int j = 0; j < n; j++) found |= fabs(want[j] - lv[i]) < 1e-15;
    cr_expect(found, "level %g is not one of the scores' levels", lv[i]);
  }
  for (int j = 0; j < n; j++) {
    int found = 0;
    for (int i = 0; i < k; i++) found |= fabs(want[j] - lv[i]) < 1e-15;
    m += found;
  }
  cr_expect_eq(m, n, "every level of the scores is among the %d returned", k);
}

/* n_mix random mixtures of 1-4 components (random_pred; a quarter with zero weights, one in
 * eight reduced to a single nonzero weight), each scored at three outcomes (a draw from a
 * component, one 3 sd out, one uniform over the bulk) by hc_score_acc_add and by
 * hc_score_acc_add_known with kn->zq (hc_dist_quantile of each component at the levels of
 * hc_score_levels) and kn->crps = w'Aw (hc_crps_matrix), each mixture in its own pair of
 * accumulators and all of them in one pair; the finished rows must agree (expect_rows_agree; the
 * CRPS too when with_crps). Without: the known row's CRPS must be the mean of the w'Aw given, and
 * the largest relative difference of w'Aw from hc_crps is returned (*worst). */
static void random_mixtures(unsigned long long s, int n_mix, int wide, int with_crps, double *worst)
{
  enum { N_Y = 3 };
  double       lv[HC_SCORE_MAX_LEVELS], crps_sum = 0.0;
  const int    nl = hc_score_levels(lv);
  hc_score_acc ga, gb;
  hc_score_row ra, rb;
  cr_assert_eq(hc_score_acc_init(&ga, n_mix * N_Y), 0);
  cr_assert_eq(hc_score_acc_init(&gb, n_mix * N_Y), 0);
  int n_single = 0, n_zero = 0;
  *worst       = 0.0;
  for (int it = 0; it < n_mix; it++) {
    const int k = 1 + (int)(unif(&s) * 4.0);
    hc_pred   comp[4];
    double    w[4], tot = 0.0, zq[4 * HC_SCORE_MAX_LEVELS], A[16], csum = 0.0;
    for (int i = 0; i < k; i++) {
      comp[i] = random_pred(&s, wide);
      w[i]    = 0.05 + unif(&s);
      if (k > 1 && it % 4 == 1 && i > 0) w[i] = 0.0;      /* zero weights */
      if (k > 1 && it % 8 == 3 && i != k - 1) w[i] = 0.0; /* one nonzero weight left */
      tot += w[i];
    }
    for (int i = 0; i < k; i++) w[i] /= tot;
    n_single += k == 1;
    for (int i = 0; i < k; i++) n_zero += w[i] == 0.0;
    for (int i = 0; i < k; i++)
      for (int l = 0; l < nl; l++) zq[i * HC_SCORE_MAX_LEVELS + l] = hc_dist_quantile(&comp[i].law, lv[l]);
    hc_mixture   f = {k, w, comp};
    hc_score_acc a, b;
    cr_assert_eq(hc_score_acc_init(&a, N_Y), 0);
    cr_assert_eq(hc_score_acc_init(&b, N_Y), 0);
    double mean, sd;
    hc_mixture_moments(&f, &mean, &sd);
    for (int j = 0; j < N_Y; j++) {
      const int    c = (int)(unif(&s) * k);
      const double y = j == 0 ? comp[c].mean + comp[c].sd * hc_dist_draw(&comp[c].law, &s)
                     : j == 1 ? mean + (unif(&s) < 0.5 ? -3.0 : 3.0) * sd
                              : mean + (2.0 * unif(&s) - 1.0) * 2.0 * sd;
      const double ref = j == 2 ? mean - 0.1 * sd : 0.0;
      cr_assert_eq(hc_crps_matrix(k, comp, y, A), 0);
      double crps = 0.0;
      for (int p = 0; p < k; p++)
        for (int q = 0; q < k; q++) crps += w[p] * A[p * k + q] * w[q];
      *worst = fmax(*worst, rel_err(crps, hc_crps(&f, y)));
      csum += crps;
      crps_sum += crps;
      const hc_score_known kn = {.crps = crps, .zq = zq};
      hc_score_acc_add(&a, &f, y, ref);
      hc_score_acc_add_known(&b, &f, y, ref, &kn);
      hc_score_acc_add(&ga, &f, y, ref);
      hc_score_acc_add_known(&gb, &f, y, ref, &kn);
    }
    hc_score_acc_finish(&a, 1.3, &ra);
    hc_score_acc_finish(&b, 1.3, &rb);
    char what[64];
    snprintf(what, sizeof what, "mixture %d (k = %d)", it, k);
    expect_rows_agree(&rb, &ra, with_crps, what);
    cr_expect(rel_err(rb.crps, csum / N_Y) <= 1e-15, "%s: CRPS %.17g, the mean of the given %.17g", what, rb.crps, csum / N_Y);
    hc_score_acc_free(&a);
    hc_score_acc_free(&b);
  }
  hc_score_acc_finish(&ga, 0.7, &ra);
  hc_score_acc_finish(&gb, 0.7, &rb);
  cr_assert_eq(ra.n, n_mix * N_Y);
  expect_rows_agree(&rb, &ra, with_crps, "all mixtures");
  cr_expect(rel_err(rb.crps, crps_sum / (n_mix * N_Y)) <= 1e-13);
  cr_log_info("%d %s mixtures: %d of one component, %d zero weights; w'Aw vs hc_crps: largest relative difference %.3g", n_mix,
              wide ? "wide" : "close", n_single, n_zero, *worst);
  cr_expect(n_single > n_mix / 20 && n_zero > n_mix / 8);
  hc_score_acc_free(&ga);
  hc_score_acc_free(&gb);
}

/* hc_score_acc_add_known with the known quantiles and CRPS of a backtest (random_mixtures) gives
 * the finished row of plain hc_score_acc_add, every field, CRPS included, on 300 random
 * mixtures whose components are forecasts of one series (means within 0.4, sds within 0.7..1.5:
 * the regime where hc_crps_matrix's w'Aw equals hc_crps to 1e-9). */
Test(accumulator, add_known_equals_plain_add_on_random_member_mixtures)
{
  double worst;
  random_mixtures(0x243F6A8885A308D3ULL, 300, 0, 1, &worst);
}

/* The same with components far apart on the scale of the narrowest (means in -2..2, sds in
 * 0.1..3; 400 mixtures): every field but the CRPS agrees with plain hc_score_acc_add to 1e-9
 * (the standardized-quantile bracket of the mixture quantiles, coverage and PIT exactly), and
 * the CRPS is the given w'Aw, which agrees with hc_crps to 1e-7 relative: the zero-weight
 * components shape w'Aw's quadrature plan and not hc_crps's, two quadratures of the same
 * integral (2.2e-8 measured; 4e-5 before the plan gave narrow components breakpoints of their own,
 * crps_matrix_resolves_a_narrow_component_far_from_the_centre). */
Test(accumulator, add_known_equals_plain_add_on_random_wide_mixtures)
{
  double worst;
  random_mixtures(0x13198A2E03707344ULL, 400, 1, 0, &worst);
  cr_expect(worst <= 1e-7, "w'Aw vs hc_crps: %.3g", worst);
}

/* hc_crps_matrix resolves a narrow component far from the plan's centre (the mean of the
 * component means): two normals N(-0.36, 0.41) and N(1.24, 0.11), and with a third component
 * GED(2; -1.24, 2.24) and the second a GED(1.17): A's entry of the narrow normal equals its
 * closed-form CRPS (Gneiting et al. 2005) to 1e-9. Without the core breakpoints of the plan
 * the errors were 1.8e-6 (y = 1.1) and 5.7e-4 (y = 0.9). */
Test(crps, crps_matrix_resolves_a_narrow_component_far_from_the_centre)
{
  const hc_pred narrow = pred(HC_DIST_NORMAL, 0, 0, 1.24, 0.11);
  hc_pred       c2[2]  = {pred(HC_DIST_NORMAL, 0, 0, -0.36, 0.41), narrow};
  hc_pred       c3[3]  = {pred(HC_DIST_GED, 2.0, 0, -1.24, 2.24), pred(HC_DIST_GED, 1.17, 0, -0.36, 0.41), narrow};
  double        A[9], one = 1.0;
  hc_mixture    f = {1, &one, &narrow};
  for (double y = 0.5; y < 2.0; y += 0.1) {
    const double closed = hc_crps(&f, y);
    cr_assert_eq(hc_crps_matrix(2, c2, y, A), 0);
    cr_expect(rel_err(A[3], closed) <= 1e-9, "2 normals, y %g: A[1][1] %.17g, closed form %.17g", y, A[3], closed);
    cr_assert_eq(hc_crps_matrix(3, c3, y, A), 0);
    cr_expect(rel_err(A[8], closed) <= 1e-9, "3 components, y %g: A[2][2] %.17g, closed form %.17g", y, A[8], closed);
  }
}

/* With kn = NULL, or kn->zq = NULL and kn->crps = NaN, hc_score_acc_add_known is hc_score_acc_add
 * bit for bit; with kn->crps alone, only the CRPS is the given one. */
Test(accumulator, add_known_without_known_parts_is_plain_add)
{
  hc_pred      c[2] = {pred(HC_DIST_T, 5.0, 0, 0.2, 1.1), pred(HC_DIST_SKEWT, 8.0, -0.3, -0.4, 0.7)};
  double       w[2] = {0.6, 0.4};
  hc_mixture   f    = {2, w, c};
  hc_score_acc a, b, d;
  hc_score_row ra, rb, rd;
  memset(&ra, 0, sizeof ra); /* the finish fills every field but model and horizon: compared bytewise */
  memset(&rb, 0, sizeof rb);
  memset(&rd, 0, sizeof rd);
  cr_assert_eq(hc_score_acc_init(&a, 8), 0);
  cr_assert_eq(hc_score_acc_init(&b, 8), 0);
  cr_assert_eq(hc_score_acc_init(&d, 8), 0);
  const hc_score_known none = {.crps = NAN, .zq = NULL}, crps_only = {.crps = 0.5, .zq = NULL};
  const double         ys[4] = {-1.7, 0.05, 0.9, 3.2};
  for (int j = 0; j < 4; j++) {
    hc_score_acc_add(&a, &f, ys[j], 0.0);
    hc_score_acc_add_known(&b, &f, ys[j], 0.0, j % 2 ? NULL : &none);
    hc_score_acc_add_known(&d, &f, ys[j], 0.0, &crps_only);
  }
  hc_score_acc_finish(&a, 1.0, &ra);
  hc_score_acc_finish(&b, 1.0, &rb);
  hc_score_acc_finish(&d, 1.0, &rd);
  cr_expect(memcmp(&ra, &rb, sizeof ra) == 0, "the rows differ");
  cr_expect_eq(rd.crps, 0.5);
  rd.crps = ra.crps;
  cr_expect(memcmp(&ra, &rd, sizeof ra) == 0, "only the CRPS may differ");
  hc_score_acc_free(&a);
  hc_score_acc_free(&b);
  hc_score_acc_free(&d);
}

/* hc_dist_cdf of the t and skewed-t laws, which take log B(nu/2, 1/2) and sqrt(nu/(nu-2)) from
 * hc_dist_prepare (e->cdf), against the formula on hc_t_cdf they replaced: t, hc_t_cdf(z
 * sqrt(nu/(nu-2)), nu); skewed t (Hansen 1994), with x = b z + a, (1 - lambda) hc_t_cdf(x/(1 -
 * lambda) s, nu) for x < 0 and (1 - lambda)/2 + (1 + lambda)(hc_t_cdf(x/(1 + lambda) s, nu) - 1/2)
 * otherwise, s = sqrt(nu/(nu-2)); a and b are the prepared law's (k[0], k[1]), checked first
 * against Hansen's a = 4 lambda c (nu-2)/(nu-1), b^2 = 1 + 3 lambda^2 - a^2,
 * c = Gamma((nu+1)/2) / (sqrt(pi (nu-2)) Gamma(nu/2)). To 1e-15 relative on z in [-40, 40] and
 * nu from 2.05 to 1000. */
Test(dist_cdf, t_and_skewt_cdf_equal_the_hc_t_cdf_formula)
{
  const double nus[]  = {2.05, 2.5, 3.0, 4.5, 7.0, 12.0, 30.0, 100.0, 1000.0};
  const double lams[] = {-0.9, -0.35, 0.0, 0.2, 0.75};
  double       worst  = 0.0;
  int          count  = 0;
  for (size_t a = 0; a < sizeof nus / sizeof *nus; a++) {
    const double nu = nus[a], s = sqrt(nu / (nu - 2.0));
    hc_dist_eval t;
    cr_assert_eq(hc_dist_prepare(HC_DIST_T, &nu, 0, &t), 0);
    for (size_t b = 0; b < sizeof lams / sizeof *lams; b++) {
      const double lam = lams[b], sh[2] = {nu, lam};
      hc_dist_eval e;
      cr_assert_eq(hc_dist_prepare(HC_DIST_SKEWT, sh, 0, &e), 0);
      const double c = exp(lgamma(0.5 * (nu + 1.0)) - lgamma(0.5 * nu)) / sqrt(M_PI * (nu - 2.0));
      const double ha = 4.0 * lam * c * (nu - 2.0) / (nu - 1.0), hb = sqrt(1.0 + 3.0 * lam * lam - ha * ha);
      cr_expect(fabs(e.k[0] - ha) <= 1e-12 * fmax(fabs(ha), 1e-3) && fabs(e.k[1] - hb) <= 1e-12 * hb,
                "nu %g lambda %g: a %.17g vs %.17g, b %.17g vs %.17g", nu, lam, e.k[0], ha, e.k[1], hb);
      for (double z = -40.0; z <= 40.0; z += 0.0625 + 0.0078125 * fabs(z)) {
        const double zz = fabs(z) < 1e-12 ? 0.0 : z, x = e.k[1] * zz + e.k[0];
        const double ref = x < 0.0 ? (1.0 - lam) * hc_t_cdf(x / (1.0 - lam) * s, nu)
                                   : 0.5 * (1.0 - lam) + (1.0 + lam) * (hc_t_cdf(x / (1.0 + lam) * s, nu) - 0.5);
        const double got = hc_dist_cdf(&e, zz);
        worst = fmax(worst, rel_err(got, ref));
        cr_expect(rel_err(got, ref) <= 1e-15, "skewt nu %g lambda %g z %g: %.17g vs %.17g", nu, lam, zz, got, ref);
        if (b == 0) {
          const double rt = hc_t_cdf(zz * s, nu), gt = hc_dist_cdf(&t, zz);
          worst = fmax(worst, rel_err(gt, rt));
          cr_expect(rel_err(gt, rt) <= 1e-15, "t nu %g z %g: %.17g vs %.17g", nu, zz, gt, rt);
        }
        count++;
      }
    }
  }
  cr_log_info("%d points, worst relative difference %.3g", count, worst);
}

/* ---------------------------------------------------------------------------------------
 * Ensemble weights
 * --------------------------------------------------------------------------------------- */

Test(ensemble, parse_name_equal_invmse_akaike)
{
  hc_ensemble_scheme s;
  for (int i = 0; i < HC_ENS_COUNT; i++) {
    cr_assert_eq(hc_ensemble_parse(hc_ensemble_name((hc_ensemble_scheme)i), &s), 0);
    cr_assert_eq((int)s, i);
  }
  cr_assert_eq(hc_ensemble_parse("stack", &s), 1);
  cr_assert_str_eq(hc_ensemble_name(HC_ENS_STACKING), "stacking");
  double w[3];
  hc_ensemble_equal(3, w);
  cr_assert_float_eq(w[1], 1.0 / 3.0, 1e-16);
  const double mse[3] = {1.0, 2.0, NAN};
  cr_assert_eq(hc_ensemble_invmse(3, mse, w), 0);
  cr_assert_float_eq(w[0], 2.0 / 3.0, 1e-15);
  cr_assert_float_eq(w[1], 1.0 / 3.0, 1e-15);
  cr_assert_eq(w[2], 0.0);
  const double bad[2] = {0.0, NAN};
  cr_assert_eq(hc_ensemble_invmse(2, bad, w), 1);
  cr_assert_eq(w[0], 0.5);
  const double ic[3] = {100.0, 102.0, INFINITY};
  cr_assert_eq(hc_ensemble_akaike(3, ic, w), 0);
  cr_assert_float_eq(w[0], 1.0 / (1.0 + exp(-1.0)), 1e-15);
  cr_assert_float_eq(w[1], exp(-1.0) / (1.0 + exp(-1.0)), 1e-15);
  cr_assert_eq(w[2], 0.0);
  const double noic[2] = {NAN, INFINITY};
  cr_assert_eq(hc_ensemble_akaike(2, noic, w), 1);
  cr_assert_eq(w[1], 0.5);
}

static void petsc_init(void) { cr_assert_eq(PetscInitializeNoArguments(), 0); }
static void petsc_fini(void) { PetscFinalize(); }

static double quad_form(int k, const double *A, const double *w)
{
  double q = 0.0;
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) q += w[i] * A[i * k + j] * w[j];
  return q;
}

/* Mean CRPS matrix of members comp[0..k-1] over n outcomes drawn from truth. */
static void mean_crps_matrix(int k, const hc_pred *comp, const hc_pred *truth, int n, double *A)
{
  unsigned long long s = 12345;
  double             At[9];
  for (int i = 0; i < k * k; i++) A[i] = 0.0;
  for (int t = 0; t < n; t++) {
    double y = truth->mean + truth->sd * hc_dist_draw(&truth->law, &s);
    cr_assert_eq(hc_crps_matrix(k, comp, y, At), 0);
    for (int i = 0; i < k * k; i++) A[i] += At[i] / n;
  }
}

/* Brute force: the best point of the grid of step 1/m on the simplex (k = 2 or 3). */
static double grid_best(int k, const double *A, int m, double *wbest)
{
  double best = INFINITY, w[3];
  for (int a = 0; a <= m; a++)
    for (int b = 0; b <= (k == 3 ? m - a : 0); b++) {
      w[0] = (double)a / m;
      if (k == 2) w[1] = 1.0 - w[0];
      else {
        w[1] = (double)b / m;
        w[2] = 1.0 - w[0] - w[1];
      }
      double q = quad_form(k, A, w);
      if (q < best) {
        best = q;
        memcpy(wbest, w, (size_t)k * sizeof *w);
      }
    }
  return best;
}

static void check_stacking(int k, const double *A, int m)
{
  double w[3], wg[3], sum = 0.0;
  cr_assert_eq(hc_ensemble_stacking(k, A, w), 0);
  for (int i = 0; i < k; i++) {
    cr_assert_geq(w[i], 0.0);
    sum += w[i];
  }
  cr_assert_float_eq(sum, 1.0, 1e-15, "on the simplex");
  double fg = grid_best(k, A, m, wg), fw = quad_form(k, A, w);
  cr_expect_leq(fw, fg * (1.0 + 1e-12), "TAO objective %.17g above the grid minimum %.17g", fw, fg);
  for (int i = 0; i < k; i++)
    cr_expect_leq(fabs(w[i] - wg[i]), 2.0 / m, "w[%d] = %.6f, grid %.6f", i, w[i], wg[i]);
}

Test(ensemble, stacking_matches_grid_search_k2, .init = petsc_init, .fini = petsc_fini)
{
  /* truth t(5); members: a too narrow normal and a too wide t: interior optimum */
  hc_pred truth   = pred(HC_DIST_T, 5, 0, 0.0, 1.0);
  hc_pred comp[2] = {pred(HC_DIST_NORMAL, 0, 0, 0.0, 0.7), pred(HC_DIST_T, 5, 0, 0.1, 1.6)};
  double  A[4];
  mean_crps_matrix(2, comp, &truth, 400, A);
  check_stacking(2, A, 20000);
  /* a dominated member gets weight exactly 0 */
  const double B[4] = {1.0, 1.0, 1.0, 2.0};
  double       w[2];
  cr_assert_eq(hc_ensemble_stacking(2, B, w), 0);
  cr_assert_eq(w[0], 1.0);
  cr_assert_eq(w[1], 0.0);
}

Test(ensemble, stacking_matches_grid_search_k3, .init = petsc_init, .fini = petsc_fini)
{
  hc_pred truth   = pred(HC_DIST_SKEWT, 6, -0.3, 0.0, 1.0);
  hc_pred comp[3] = {pred(HC_DIST_NORMAL, 0, 0, 0.3, 0.8), pred(HC_DIST_T, 4, 0, -0.3, 1.3),
                     pred(HC_DIST_GED, 1.3, 0, 0.0, 1.0)};
  double  A[9];
  mean_crps_matrix(3, comp, &truth, 300, A);
  check_stacking(3, A, 1000);
  /* an optimum on an edge of the simplex (third member dominated) */
  const double B[9] = {1.0, 0.2, 1.0, 0.2, 1.0, 1.0, 1.0, 1.0, 3.0};
  check_stacking(3, B, 1000);
  double w[3];
  cr_assert_eq(hc_ensemble_stacking(3, B, w), 0);
  cr_assert_eq(w[2], 0.0);
  cr_assert_float_eq(w[0], 0.5, 1e-8);
  /* non-finite A: equal weights */
  const double C[4] = {1.0, NAN, NAN, 1.0};
  cr_assert_eq(hc_ensemble_stacking(2, C, w), 0);
  cr_assert_eq(w[0], 0.5);
}

/* ---------------------------------------------------------------------------------------
 * Diebold-Mariano test against R forecast::dm.test (tests/reference/dm_forecast.csv, written by
 * tests/reference/dm_forecast.R): the CRPS loss series of hpcast's backtest of KO and JPM and
 * stored synthetic series, h = 1, 2, 3. Measured agreement: LRE 15 (all digits) for the statistic and
 * >= 14.3 for the p-value (smallest p 1.1e-5); 10 digits asked.
 * --------------------------------------------------------------------------------------- */

static double lre(double x, double ref) { return x == ref ? 15.0 : fmin(15.0, -log10(rel_err(x, ref))); }

Test(scores_r, dm_test_against_r_forecast)
{
  char path[4096], line[256], *fld[4];
  snprintf(path, sizeof path, "%s/tests/reference/dm_forecast.csv", getenv("HPCAST_SOURCE_ROOT"));
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  static char   cas[4096][16], what[4096][8];
  static int    t[4096];
  static double v[4096];
  int           n = 0, cases = 0;
  double        worst_s = 15.0, worst_p = 15.0;
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert_str_eq(line, "case,what,t,value\n");
  while (fgets(line, sizeof line, f)) {
    cr_assert_lt(n, 4096);
    cr_assert_eq(split_csv(line, fld, 4), 4);
    hc_strlcpy(cas[n], fld[0], sizeof cas[n]);
    hc_strlcpy(what[n], fld[1], sizeof what[n]);
    t[n]   = strcmp(fld[2], "NA") ? atoi(fld[2]) : -1;
    v[n++] = strtod(fld[3], NULL);
  }
  fclose(f);
  for (int i = 0; i < n; i++) {
    if (strcmp(what[i], "stat")) continue;
    char base[16];
    int  h = 0, m = 0;
    double stat_r = v[i], p_r = NAN, d[512];
    hc_strlcpy(base, cas[i], sizeof base);
    *strrchr(base, '_') = '\0'; /* "KO_h1" -> "KO" */
    for (int j = 0; j < n; j++) {
      if (!strcmp(cas[j], cas[i]) && !strcmp(what[j], "h")) h = (int)v[j];
      if (!strcmp(cas[j], cas[i]) && !strcmp(what[j], "p")) p_r = v[j];
      if (!strcmp(cas[j], base) && !strcmp(what[j], "e1")) d[t[j]] = v[j], m++;
    }
    for (int j = 0; j < n; j++)
      if (!strcmp(cas[j], base) && !strcmp(what[j], "e2")) d[t[j]] -= v[j];
    double stat, p;
    cr_assert_eq(hc_dm_test(d, m, h, &stat, &p), 0, "%s", cas[i]);
    cr_assert(lre(stat, stat_r) >= 10 && lre(p, p_r) >= 10, "%s (n %d, h %d): DM %.17g vs R %.17g, p %.17g vs R %.17g", cas[i], m, h,
              stat, stat_r, p, p_r);
    worst_s = fmin(worst_s, lre(stat, stat_r));
    worst_p = fmin(worst_p, lre(p, p_r));
    cases++;
  }
  cr_assert_geq(cases, 7);
  cr_log_info("DM against R forecast::dm.test, %d cases: LRE of the statistic >= %.1f, of the p-value >= %.1f", cases, worst_s, worst_p);
}

Test(dm, edge_cases_and_counts)
{
  const double c[4] = {0.1, 0.1, 0.1, 0.1}, d[4] = {0.1, -0.2, 0.3, 0.05}, bad[3] = {0.1, NAN, 0.2};
  double       stat, p;
  cr_assert_eq(hc_dm_test(c, 4, 1, &stat, &p), 1, "constant differential: no variance");
  cr_assert(isnan(stat) && isnan(p));
  cr_assert_eq(hc_dm_test(d, 1, 1, &stat, &p), 1, "one origin");
  cr_assert_eq(hc_dm_test(d, 4, 4, &stat, &p), 1, "h >= n");
  cr_assert_eq(hc_dm_test(d, 4, 0, &stat, &p), 1, "h < 1");
  cr_assert_eq(hc_dm_test(bad, 3, 1, &stat, &p), 1, "a NaN loss");
  cr_assert_eq(hc_dm_test(d, 4, 1, &stat, &p), 0);
  cr_assert(stat > 0 && p > 0 && p <= 1);
  /* the verdicts counted over a universe */
  hc_dm_counts cnt = {0};
  hc_result    r;
  cr_assert_eq(hc_result_init(&r, "X", 1), 0);
  hc_dm_tally(&cnt, &r); /* no test */
  r.dm_stat = -2.5, r.dm_p = 0.01;
  hc_dm_tally(&cnt, &r);
  r.dm_stat = 2.5;
  hc_dm_tally(&cnt, &r);
  r.dm_p = 0.2;
  hc_dm_tally(&cnt, &r);
  cr_assert(cnt.tested == 3 && cnt.ensemble_better == 1 && cnt.benchmark_better == 1);
  hc_result_free(&r);
}
