/**
 * Tests of the SARIMAX family and the order search against R stats::arima and gretl:
 * the airline model (tests/reference/airline_r.csv, airline_gretl.csv), a drift and a
 * regression with ARMA errors (tests/reference/sarimax_r.csv, made by sarimax_r.R),
 * the integrated forecasts against R's predict, KPSS against tseries::kpss.test.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/data.h"
#include "hpcast/io.h"
#include "hpcast/models.h"
#include "shared_series.h"
#include "../../src/models/models_impl.h" /* hc_sarimax_css_hessian */

static void setup(void) { cr_assert(PetscInitializeNoArguments() == 0); }
static void teardown(void) { PetscFinalize(); }
TestSuite(sarimax, .init = setup, .fini = teardown);

static double lre(double x, double ref) { return x == ref ? 15.0 : -log10(fabs(x - ref) / fabs(ref)); }

/* Agreement with a peer's estimate in the same likelihood convention: LRE >= 4, or (in flat
 * directions, where the peer's optimiser stops early) within 1e-3 standard errors. */
static int agrees(double x, double peer, double se) { return lre(x, peer) >= 4 || fabs(x - peer) <= 1e-3 * se; }

/* The log-likelihood of spec s at theta. */
static double loglik_at(hc_spec s, const double *theta, const double *y, int n, const double *X, int ldx)
{
  hc_model *m;
  double    ll = NAN;
  cr_assert(hc_model_create(&s, n, &m) == 0);
  if (X) hc_model_set_exog(m, X, ldx, NULL);
  cr_assert(m->ops->loglik(m, theta, y, n, &ll, NULL) == 0);
  hc_model_destroy(&m);
  return ll;
}

/* value of (model, param) in tests/reference/sarimax_r.csv; loglik too if ll != NULL */
static double ref(const char *model, const char *param, double *ll)
{
  char path[4096], line[512];
  snprintf(path, sizeof path, "%s/tests/reference/sarimax_r.csv", getenv("HPCAST_SOURCE_ROOT"));
  FILE *f = fopen(path, "r");
  cr_assert(f, "cannot open %s", path);
  while (fgets(line, sizeof line, f)) {
    char *cur = line, *m = strsep(&cur, ","), *p = strsep(&cur, ",");
    if (m && p && !strcmp(m, model) && !strcmp(p, param)) {
      double v = strtod(strsep(&cur, ","), NULL);
      if (ll) *ll = strtod(strsep(&cur, ","), NULL);
      fclose(f);
      return v;
    }
  }
  fclose(f);
  cr_assert_fail("no reference %s/%s", model, param);
  return NAN;
}

static hc_fit_record fit(hc_spec s, const double *y, int n, const double *X, int ldx)
{
  hc_model      *m;
  hc_fit_record  rec;
  hc_fit_options fo;
  hc_fit_options_default(&fo);
  cr_assert(hc_model_create(&s, n, &m) == 0);
  if (X) hc_model_set_exog(m, X, ldx, NULL);
  cr_assert(hc_fit(m, y, n, &fo, NULL, 0, NULL, &rec) == 0);
  hc_model_destroy(&m);
  cr_assert_eq(rec.status, 0, "%s: %s", rec.name, rec.reason);
  return rec;
}

Test(sarimax, airline_matches_R_and_gretl)
{
  double       *y;
  int           n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  hc_spec       s = {.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12};
  hc_fit_record r = fit(s, y, n, NULL, 0);
  cr_assert_str_eq(r.name, "SARIMA(0,1,1)(0,1,1)12");
  cr_assert_str_eq(r.param_names[0], "ma1");
  cr_assert_str_eq(r.param_names[1], "sma1");
  /* R stats::arima 4.2.2 on the levels (tests/reference/airline_r.csv) */
  const double ma1 = -0.401827972905002, sma1 = -0.55694488287241, s2 = 0.00134803481094957;
  cr_expect(lre(r.params[0], ma1) >= 4, "ma1 %.10f vs R %.10f: LRE %.2f", r.params[0], ma1, lre(r.params[0], ma1));
  cr_expect(lre(r.params[1], sma1) >= 4, "sma1 %.10f vs R %.10f: LRE %.2f", r.params[1], sma1, lre(r.params[1], sma1));
  cr_expect(lre(r.params[2], s2) >= 4, "sigma2 %.10g vs R %.10g: LRE %.2f", r.params[2], s2, lre(r.params[2], s2));
  /* log-likelihood of the differenced series: gretl 2022c and statsmodels 244.696486824 */
  cr_expect(fabs(r.loglik - 244.696486824324) < 1e-3, "loglik %.6f vs gretl 244.696487", r.loglik);
  cr_expect_eq(r.n_obs_used, 131);
  free(y);
}

Test(sarimax, airline_forecasts_match_R_predict)
{
  double   *y, mean[12], var[12];
  int       n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  hc_spec   s = {.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12};
  hc_model *m;
  /* R's estimates, so that only the forecast recursions are compared */
  double th[3] = {-0.401827972905002, -0.55694488287241, 0.00134803481094957};
  cr_assert(hc_model_create(&s, n, &m) == 0);
  cr_assert(m->ops->forecast(m, th, y, n, 12, mean, var) == 0);
  for (int h = 1; h <= 12; h++) {
    char mn[16], se[16];
    snprintf(mn, sizeof mn, "mean%d", h);
    snprintf(se, sizeof se, "se%d", h);
    double rm = ref("airline_forecast", mn, NULL), rs = ref("airline_forecast", se, NULL);
    /* R keeps the differencing in a diffuse state: its filtered state differs from the
     * exact differenced filter by ~1e-6, far below the forecast standard errors */
    cr_expect(fabs(mean[h - 1] - rm) < 1e-4, "h=%d mean %.8f vs R %.8f", h, mean[h - 1], rm);
    cr_expect(fabs(sqrt(var[h - 1]) - rs) < 1e-4 * rs + 1e-6, "h=%d se %.8f vs R %.8f", h, sqrt(var[h - 1]), rs);
  }
  hc_model_destroy(&m);
  free(y);
}

Test(sarimax, drift_matches_R)
{
  double   *y;
  int       n = load("reference/djclose.csv", "djclose", HC_TRANSFORM_NONE, &y, NULL);
  for (int t = 0; t < n; t++) y[t] = 100.0 * log(y[t]);
  hc_spec       s = {.q = 1, .d = 1, .drift = 1};
  hc_fit_record r = fit(s, y, n, NULL, 0);
  cr_assert_str_eq(r.name, "ARIMA(0,1,1)+drift");
  cr_assert_str_eq(r.param_names[0], "drift");
  double ll_diff, ll_lev;
  const double drift_d = ref("drift_diff", "intercept", &ll_diff), ma_d = ref("drift_diff", "ma1", NULL);
  const double drift_l = ref("drift_levels", "seq_len(n)", &ll_lev), ma_l = ref("drift_levels", "ma1", NULL);
  /* same convention as R on the differenced series: the same optimum, and R's point is not
   * better under our likelihood (R's BFGS stops ~1e-6 short in the flat drift direction) */
  cr_expect(agrees(r.params[0], drift_d, r.stderr_[0]), "drift %.12f vs R %.12f (se %.4f)", r.params[0], drift_d, r.stderr_[0]);
  cr_expect(agrees(r.params[1], ma_d, r.stderr_[1]), "ma1 %.12f vs R %.12f", r.params[1], ma_d);
  cr_expect(fabs(r.loglik - ll_diff) < 1e-5, "loglik %.8f vs R %.8f", r.loglik, ll_diff);
  const double thR[3] = {drift_d, ma_d, ref("drift_diff", "sigma2", NULL)};
  cr_expect(loglik_at(s, thR, y, n, NULL, 0) <= r.loglik + 1e-8, "R's estimate has a higher likelihood");
  /* R on the levels (diffuse prior): still LRE >= 4 */
  cr_expect(lre(r.params[0], drift_l) >= 4 && lre(r.params[1], ma_l) >= 4, "vs R levels: drift %.10f ma1 %.10f", drift_l, ma_l);
  free(y);
}

/* The regression of tests/reference/sarimax_r.R: y_j = KO return j, j = 2..m-1; x1 = MSFT
 * return j-1; x2 = KO log volume change j-2 (volume rows j-1 -> j); one extra row for the
 * forecast step, as hc_model_set_exog wants. Returns n; *y [n] and *X [2 x ldx], ldx = n + 1. */
static int ko_regression(double **y, double **X, int *ldx)
{
  hc_series ko, ms;
  double   *rk, *rm;
  int       m  = load("sp500/KO.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &rk, &ko);
  int       m2 = load("sp500/MSFT.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &rm, &ms);
  cr_assert_eq(m, m2);
  const int n = m - 2;
  *ldx        = n + 1;
  *y          = malloc(sizeof **y * n);
  *X          = malloc(sizeof **X * 2 * *ldx);
  for (int j = 2; j <= m; j++) {
    int t = j - 2;
    if (j < m) (*y)[t] = rk[j];
    (*X)[t]        = rm[j - 1];
    (*X)[*ldx + t] = log(ko.volume[j - 1]) - log(ko.volume[j - 2]);
  }
  hc_series_free(&ko);
  hc_series_free(&ms);
  free(rk);
  free(rm);
  return n;
}

Test(sarimax, regression_with_arma_errors_matches_R)
{
  double *y, *X;
  int     ldx, n = ko_regression(&y, &X, &ldx);
  hc_spec       s = {.p = 1, .n_exog = 2};
  hc_fit_record r = fit(s, y, n, X, ldx);
  cr_assert_str_eq(r.name, "ARIMAX(1,0,0)");
  double       ll;
  const double mu = ref("exog", "intercept", &ll), b1 = ref("exog", "x1", NULL), b2 = ref("exog", "x2", NULL),
               ar = ref("exog", "ar1", NULL), s2 = ref("exog", "sigma2", NULL);
  cr_assert_str_eq(r.param_names[1], "beta_x1");
  const double got[] = {r.params[0], r.params[1], r.params[2], r.params[3], r.params[4]};
  const double want[] = {mu, b1, b2, ar, s2};
  for (int i = 0; i < 5; i++)
    cr_expect(agrees(got[i], want[i], r.stderr_[i]), "%s %.10g vs R %.10g: LRE %.2f, se %.3g", r.param_names[i], got[i], want[i],
              lre(got[i], want[i]), r.stderr_[i]);
  cr_expect(fabs(r.loglik - ll) < 1e-4, "loglik %.6f vs R %.6f", r.loglik, ll);
  const double thR[5] = {mu, b1, b2, ar, s2};
  cr_expect(loglik_at(s, thR, y, n, X, ldx) <= r.loglik + 1e-8, "R's estimate has a higher likelihood");
  free(y);
  free(X);
}

/* The analytic gradient of the exact log-likelihood (ops->loglik with grad) of model s at theta
 * against the fourth-order central difference (8 (f(h) - f(-h)) - (f(2h) - f(-2h))) / (12 h),
 * h = 1e-4 (|theta_i| + 0.01), error O(h^4): agreement to 1e-6 relative, plus the rounding of
 * the quotient, 1e-13 |loglik| / h. */
static void expect_gradient(hc_spec s, const double *theta, const double *y, int n, const double *X, int ldx)
{
  hc_model *m;
  char      name[64], pn[HC_MAX_PARAMS][HC_PNAME_LEN];
  double    g[HC_MAX_PARAMS], t[HC_MAX_PARAMS], ll;
  cr_assert(hc_model_create(&s, n, &m) == 0);
  if (X) hc_model_set_exog(m, X, ldx, NULL);
  hc_spec_name(&s, name, sizeof name);
  m->ops->param_names(m, pn);
  cr_assert(m->ops->has_gradient);
  cr_assert(m->ops->loglik(m, theta, y, n, &ll, g) == 0, "%s: loglik failed", name);
  for (int i = 0; i < m->n_params; i++) {
    const double h = 1e-4 * (fabs(theta[i]) + 0.01), off[4] = {-2.0, -1.0, 1.0, 2.0};
    double       f[4];
    memcpy(t, theta, sizeof(double) * (size_t)m->n_params);
    for (int a = 0; a < 4; a++) {
      t[i] = theta[i] + off[a] * h;
      cr_assert(m->ops->loglik(m, t, y, n, &f[a], NULL) == 0);
    }
    const double fd = (8.0 * (f[2] - f[1]) - (f[3] - f[0])) / (12.0 * h);
    cr_expect(fabs(g[i] - fd) <= 1e-6 * fabs(fd) + 1e-13 * fabs(ll) / h, "%s d/d %s: analytic %.12g, differences %.12g", name,
              pn[i], g[i], fd);
  }
  hc_model_destroy(&m);
}

/* The conditional (CSS) log-likelihood of ARMA(p,q) on the series differenced d times (d <= 1),
 * written out directly: w_t = (1-B)^d y_t - c (c: the mean, or the drift when d = 1; none when
 * has_c = 0), e_t = w_t - sum_i phi_i w_{t-i} - sum_j theta_j e_{t-j} with zero presample values,
 * -1/2 (n_d log(2 pi sigma2) + sum_t e_t^2 / sigma2); theta = ([c], phi, theta, sigma2). */
static double css_loglik(int p, int q, int d, int has_c, const double *theta, const double *y, int n)
{
  const int     nd = n - d;
  const double  c = has_c ? theta[0] : 0.0, *phi = theta + has_c, *ma = phi + p, s2 = ma[q];
  double       *w = malloc(2 * (size_t)nd * sizeof *w), *e = w + nd, ssq = 0.0;
  for (int t = 0; t < nd; t++) w[t] = (d ? y[t + 1] - y[t] : y[t]) - c;
  for (int t = 0; t < nd; t++) {
    double v = w[t];
    for (int i = 1; i <= p && i <= t; i++) v -= phi[i - 1] * w[t - i];
    for (int j = 1; j <= q && j <= t; j++) v -= ma[j - 1] * e[t - j];
    e[t] = v;
    ssq += v * v;
  }
  free(w);
  return -0.5 * (nd * log(2.0 * M_PI * s2) + ssq / s2);
}

/* hc_sarimax_css_hessian of spec s at theta against central second differences of css_loglik
 * (steps 1e-4 (|theta_i| + 0.1)): each entry within 1e-4 of the scale sqrt(|H_aa H_bb|) of its
 * row and column. */
static void expect_css_hessian(hc_spec s, const double *theta, const double *y, int n)
{
  hc_model *m;
  double    H[HC_MAX_PARAMS * HC_MAX_PARAMS], t[HC_MAX_PARAMS], h[HC_MAX_PARAMS];
  cr_assert(hc_model_create(&s, n, &m) == 0);
  const int k = m->n_params, has_c = s.d == 0 || s.drift;
  cr_assert(hc_sarimax_has_css_hessian(m));
  cr_assert(hc_sarimax_css_hessian(m, theta, y, n, H) == 0);
  memcpy(t, theta, (size_t)k * sizeof *t);
  for (int i = 0; i < k; i++) h[i] = 1e-4 * (fabs(theta[i]) + 0.1);
  for (int a = 0; a < k; a++)
    for (int b = 0; b <= a; b++) {
      double f[4];
      for (int c = 0; c < 4; c++) {
        t[a] += (c < 2 ? 1 : -1) * h[a];
        t[b] += (c % 2 ? -1 : 1) * h[b];
        f[c] = css_loglik(s.p, s.q, s.d, has_c, t, y, n);
        t[a] = theta[a];
        t[b] = theta[b];
      }
      const double fd = (f[0] - f[1] - f[2] + f[3]) / (4.0 * h[a] * h[b]), scale = sqrt(fabs(H[a * k + a] * H[b * k + b]));
      cr_expect(fabs(H[a * k + b] - fd) <= 1e-4 * scale, "%s H[%d][%d] = %.10g, differences %.10g", m->ops->family, a, b,
                H[a * k + b], fd);
    }
  hc_model_destroy(&m);
}

/* hc_sarimax_css_loglik of spec s at theta against css_loglik (the recursion written out), and its
 * gradient against fourth-order central differences of css_loglik (steps 1e-4 (|theta_i| + 0.01)). */
static void expect_css_loglik(hc_spec s, const double *theta, const double *y, int n)
{
  hc_model *m;
  double    g[HC_MAX_PARAMS], t[HC_MAX_PARAMS], ll;
  cr_assert(hc_model_create(&s, n, &m) == 0);
  const int k = m->n_params, has_c = s.d == 0 || s.drift;
  cr_assert(m->ops->conditional_loglik == hc_sarimax_css_loglik);
  cr_assert(hc_sarimax_css_loglik(m, theta, y, n, &ll, g) == 0);
  const double ref = css_loglik(s.p, s.q, s.d, has_c, theta, y, n);
  cr_expect(fabs(ll - ref) <= 1e-10 * fabs(ref), "CSS loglik %.12f, the recursion written out %.12f", ll, ref);
  for (int i = 0; i < k; i++) {
    const double h = 1e-4 * (fabs(theta[i]) + 0.01), off[4] = {-2.0, -1.0, 1.0, 2.0};
    double       f[4];
    memcpy(t, theta, (size_t)k * sizeof *t);
    for (int a = 0; a < 4; a++) {
      t[i] = theta[i] + off[a] * h;
      f[a] = css_loglik(s.p, s.q, s.d, has_c, t, y, n);
    }
    const double fd = (8.0 * (f[2] - f[1]) - (f[3] - f[0])) / (12.0 * h);
    cr_expect(fabs(g[i] - fd) <= 1e-6 * fabs(fd) + 1e-12 * fabs(ref) / h, "d/d theta[%d]: analytic %.12g, differences %.12g", i, g[i], fd);
  }
  /* the pass is kept for the Hessian at the same point: the Hessian after the value equals the
   * Hessian alone (after an evaluation at another point) */
  double H1[HC_MAX_PARAMS * HC_MAX_PARAMS], H2[HC_MAX_PARAMS * HC_MAX_PARAMS];
  cr_assert(hc_sarimax_css_hessian(m, theta, y, n, H1) == 0);
  memcpy(t, theta, (size_t)k * sizeof *t);
  t[k - 1] *= 1.01;
  cr_assert(hc_sarimax_css_loglik(m, t, y, n, &ll, NULL) == 0);
  cr_assert(hc_sarimax_css_hessian(m, theta, y, n, H2) == 0);
  cr_expect(memcmp(H1, H2, (size_t)(k * k) * sizeof *H1) == 0, "the Hessian depends on the evaluation before it");
  hc_model_destroy(&m);
}

Test(sarimax, css_loglik_matches_the_recursion)
{
  double *y;
  int     n = load("sp500/AAPL.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &y, NULL);
  expect_css_loglik((hc_spec){.p = 2, .q = 2}, (const double[]){0.1, 1.2, -0.95, -1.22, 0.96, 7.0}, y, n);
  expect_css_loglik((hc_spec){.p = 1, .q = 2}, (const double[]){0.05, 0.5, -0.55, 0.1, 7.2}, y, n);
  expect_css_loglik((hc_spec){.p = 2}, (const double[]){0.08, -0.04, 0.02, 7.3}, y, n);
  expect_css_loglik((hc_spec){.q = 1}, (const double[]){0.06, 0.3, 7.3}, y, n);
  free(y);
  n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  expect_css_loglik((hc_spec){.p = 1, .q = 1, .d = 1}, (const double[]){0.3, -0.6, 0.01}, y, n);
  expect_css_loglik((hc_spec){.p = 1, .q = 1, .d = 1, .drift = 1}, (const double[]){0.01, 0.3, -0.6, 0.01}, y, n);
  /* not available with seasonal ARMA factors */
  hc_model *m;
  double    ll;
  cr_assert(hc_model_create(&(hc_spec){.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12}, n, &m) == 0);
  cr_expect_eq(m->ops->conditional_loglik(m, (const double[]){-0.4, -0.5, 0.0013}, y, n, &ll, NULL), -1);
  hc_model_destroy(&m);
  free(y);
}

Test(sarimax, css_hessian_matches_differences)
{
  double *y;
  int     n = load("sp500/AAPL.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &y, NULL);
  /* ARMA(2,2) + constant near a cancelling pair of roots; ARMA(1,2) and AR(2) + constant */
  expect_css_hessian((hc_spec){.p = 2, .q = 2}, (const double[]){0.1, 1.2, -0.95, -1.22, 0.96, 7.0}, y, n);
  expect_css_hessian((hc_spec){.p = 1, .q = 2}, (const double[]){0.05, 0.5, -0.55, 0.1, 7.2}, y, n);
  expect_css_hessian((hc_spec){.p = 2}, (const double[]){0.08, -0.04, 0.02, 7.3}, y, n);
  free(y);
  /* differenced: ARIMA(1,1,1) without and with a drift */
  n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  expect_css_hessian((hc_spec){.p = 1, .q = 1, .d = 1}, (const double[]){0.3, -0.6, 0.01}, y, n);
  expect_css_hessian((hc_spec){.p = 1, .q = 1, .d = 1, .drift = 1}, (const double[]){0.01, 0.3, -0.6, 0.01}, y, n);
  /* not available with seasonal ARMA factors */
  hc_model *m;
  double    H[16];
  cr_assert(hc_model_create(&(hc_spec){.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12}, n, &m) == 0);
  cr_expect_not(hc_sarimax_has_css_hessian(m));
  cr_expect_eq(hc_sarimax_css_hessian(m, (const double[]){-0.4, -0.5, 0.0013}, y, n, H), -1);
  hc_model_destroy(&m);
  free(y);
}

Test(sarimax, analytic_gradient_matches_differences)
{
  double *y, *X;
  int     n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL), ldx;
  /* airline model; seasonal AR and MA; drift with a seasonal AR (points away from the optimum) */
  expect_gradient((hc_spec){.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12}, (const double[]){-0.3, -0.5, 0.0015}, y, n, NULL, 0);
  expect_gradient((hc_spec){.p = 1, .q = 1, .d = 1, .P = 1, .Q = 1, .D = 1, .s = 12},
                  (const double[]){0.2, -0.5, 0.3, -0.6, 0.0015}, y, n, NULL, 0);
  expect_gradient((hc_spec){.p = 2, .q = 1, .d = 1, .P = 1, .s = 12, .drift = 1},
                  (const double[]){0.01, 0.2, -0.1, -0.5, 0.3, 0.0015}, y, n, NULL, 0);
  free(y);
  /* ARMA(2,2) + constant near a cancelling pair of roots (long transient of the filter) */
  n = load("sp500/AAPL.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &y, NULL);
  expect_gradient((hc_spec){.p = 2, .q = 2}, (const double[]){0.1, 1.2, -0.95, -1.22, 0.96, 7.0}, y, n, NULL, 0);
  free(y);
  /* regressions with ARMA errors, in levels and differenced with a drift */
  n = ko_regression(&y, &X, &ldx);
  expect_gradient((hc_spec){.p = 1, .q = 1, .n_exog = 2}, (const double[]){0.02, 0.2, -0.05, 0.3, -0.4, 1.8}, y, n, X, ldx);
  expect_gradient((hc_spec){.p = 1, .q = 1, .d = 1, .drift = 1, .n_exog = 2}, (const double[]){0.001, 0.2, -0.05, 0.3, -0.9, 1.8},
                  y, n, X, ldx);
  free(y);
  free(X);
}

Test(sarimax, random_walk_with_drift_forecast_closed_form)
{
  double y[50], mean[6], var[6];
  for (int t = 0; t < 50; t++) y[t] = 3.0 + 0.5 * t + sin(t);
  hc_spec   s = {.d = 1, .drift = 1};
  hc_model *m;
  double    th[2] = {0.4, 2.0}; /* drift, sigma2 */
  cr_assert(hc_model_create(&s, 50, &m) == 0);
  cr_assert(m->ops->forecast(m, th, y, 50, 6, mean, var) == 0);
  for (int h = 1; h <= 6; h++) {
    cr_expect(fabs(mean[h - 1] - (y[49] + 0.4 * h)) < 1e-12, "h=%d mean %.14f", h, mean[h - 1]);
    cr_expect(fabs(var[h - 1] - 2.0 * h) < 1e-12, "h=%d var %.14f", h, var[h - 1]);
  }
  hc_model_destroy(&m);
}

Test(sarimax, kpss_matches_urca)
{
  double *y;
  int     n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  double  k = hc_kpss_level(y, n), r = ref("kpss", "airline_lg", NULL);
  cr_expect(fabs(k - r) < 1e-10 * r, "KPSS %.12f vs urca %.12f", k, r);
  for (int t = 0; t < n - 1; t++) y[t] = y[t + 1] - y[t];
  k = hc_kpss_level(y, n - 1);
  r = ref("kpss", "airline_dlg", NULL);
  cr_expect(fabs(k - r) < 1e-10 * r, "KPSS of the differences %.12f vs urca %.12f", k, r);
  /* the airline series is strongly seasonal after the first difference */
  cr_expect(hc_seasonal_strength(y, n - 1, 12) > 0.64);
  free(y);
  /* after the seasonal difference KPSS still rejects (0.537 > 0.463): d = 1, as auto.arima */
  n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  for (int t = 0; t < n - 12; t++) y[t] = y[t + 12] - y[t];
  k = hc_kpss_level(y, n - 12);
  r = ref("kpss", "airline_d12lg", NULL);
  cr_expect(fabs(k - r) < 1e-10 * r && k > 0.463, "KPSS of the seasonal differences %.12f vs urca %.12f", k, r);
  free(y);
}

Test(sarimax, stepwise_search_chooses_differences_and_a_good_model, .timeout = 300)
{
  double *y;
  int     n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  hc_spec grid[300];
  char    err[1024];
  int     ng = hc_spec_parse_mean("sarima(0..2,0..2,0..2)(0..1,0..1,0..1)12", 300, grid, err, sizeof err);
  cr_assert(ng > 0, "%s", err);
  hc_spec           none = {.vol = HC_VOL_NONE};
  hc_select_options o    = {.n_mean = ng, .mean = grid, .n_vol = 1, .vol = &none, .horizon = 12,
                            .ic = HC_IC_AICC, .search = HC_SEARCH_STEPWISE};
  hc_fit_options_default(&o.fit);
  hc_result r;
  hc_result_init(&r, "airline", 12);
  cr_assert(hc_select_and_forecast(y, n, &o, NULL, NULL, &r) == 0);
  cr_assert_eq(r.status, HC_STATUS_OK, "%s", r.reason);
  /* KPSS and the seasonal strength give d = 1, D = 1 (as auto.arima); the stepwise path fits
   * far fewer models than the grid and ends at least as good as the airline model */
  const hc_fit_record *sel = &r.fits[r.selected];
  cr_expect(strstr(sel->name, ",1,") && strstr(sel->name, ")12"), "selected %s", sel->name);
  cr_expect(r.n_fits < 40, "stepwise fitted %d models", r.n_fits);
  cr_expect(sel->loglik >= 244.696 - 1e-3 || hc_ic_value(HC_IC_AICC, sel) <= -483.0, "selected %s loglik %.4f", sel->name, sel->loglik);
  hc_result_free(&r);
  free(y);
}

/* hc_sarimax_sigma2_curvature against the central second difference of the exact
 * log-likelihood in sigma2 (airline model, and AAPL ARMA(2,2) + constant), and -1 for a
 * volatility family. */
Test(sarimax, sigma2_curvature_matches_differences)
{
  static const struct { const char *file, *col; hc_transform tr; hc_spec s; double th[6]; } c[] = {
    {"reference/airline.csv", "lg", HC_TRANSFORM_NONE, {.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12}, {-0.4, -0.55, 0.0014}},
    {"sp500/AAPL.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, {.p = 2, .q = 2}, {0.1, 1.2, -0.95, -1.22, 0.96, 7.3}}};
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    double   *y, g[6], th[6], lp, lm, l0, h2;
    int       n = load(c[i].file, c[i].col, c[i].tr, &y, NULL);
    hc_model *m;
    cr_assert(hc_model_create(&c[i].s, n, &m) == 0);
    const int k = m->n_params;
    memcpy(th, c[i].th, sizeof th);
    cr_assert(m->ops->loglik(m, th, y, n, &l0, g) == 0);
    cr_assert_eq(hc_sarimax_sigma2_curvature(m, th, g, n, &h2), k - 1);
    const double s2 = th[k - 1], h = 1e-3 * s2;
    th[k - 1] = s2 + h;
    cr_assert(m->ops->loglik(m, th, y, n, &lp, NULL) == 0);
    th[k - 1] = s2 - h;
    cr_assert(m->ops->loglik(m, th, y, n, &lm, NULL) == 0);
    const double fd = (lp - 2.0 * l0 + lm) / (h * h);
    cr_expect(fabs(h2 - fd) <= 1e-5 * fabs(fd), "%s: %.10g vs %.10g", c[i].file, h2, fd);
    hc_model_destroy(&m);
    free(y);
  }
  hc_model *m;
  double    h2;
  cr_assert(hc_model_create(&(hc_spec){.vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1}, 100, &m) == 0);
  cr_expect_eq(hc_sarimax_sigma2_curvature(m, (const double[]){0, 0.1, 0.1, 0.8}, (const double[]){0, 0, 0, 0}, 100, &h2), -1);
  hc_model_destroy(&m);
}
