/**
 * Tests of hc_model_forecast_update and the families' ops->forecast_update (SARIMAX through
 * hc_kalman_arma_extend, GARCH/GJR through the CSS residuals and the variance recursion): after
 * a full forecast from the end of y[0..n0-1], filtering only the appended observations
 * y[n0..n-1] must give what a full forecast from the end of y[0..n-1] on a fresh model gives,
 * on real series (AAPL and KO/MSFT returns, the Dow Jones log level, the airline passengers and
 * the DEM/GBP returns of ../shared/data) at fitted parameters. The comparison is an independent
 * computation: a new model that has never seen the shorter series filters all of y[0..n-1].
 * Also: the documented departure under variance targeting (omega from the residual mean
 * square of the last full forecast), the fallback to ops->forecast when the Kalman filter has
 * not reached its steady phase or the series is too short, the families without
 * forecast_update (EGARCH, SSA), and that hc_kalman_forecast leaves the filter state intact.
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
#include "../../src/models/models_impl.h" /* hc_kalman_* */

enum { H = 10 }; /* forecast horizon of every comparison */

static void setup(void) { cr_assert(PetscInitializeNoArguments() == 0); }
static void teardown(void) { PetscFinalize(); }
TestSuite(update, .init = setup, .fini = teardown);

/* Column Y of ../shared/data/reference/dem2gbp.csv (header obs,Y,dayskip): 1974 returns. */
static int load_dem2gbp(double **y)
{
  char path[4096], line[256];
  snprintf(path, sizeof path, "%s/../shared/data/reference/dem2gbp.csv", getenv("HPCAST_SOURCE_ROOT"));
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert(strncmp(line, "obs,Y", 5) == 0, "unexpected header %s", line);
  int n = 0;
  *y    = malloc(4096 * sizeof **y);
  while (n < 4096 && fgets(line, sizeof line, f)) {
    char *c = strchr(line, ',');
    cr_assert_not_null(c);
    (*y)[n++] = strtod(c + 1, NULL);
  }
  fclose(f);
  cr_assert_eq(n, 1974);
  return n;
}

static hc_model *make(const hc_spec *s, int n_max, const double *X, int ldx)
{
  hc_model *m;
  cr_assert(hc_model_create(s, n_max, &m) == 0);
  if (X) hc_model_set_exog(m, X, ldx, NULL);
  return m;
}

/* The ML estimate of spec s on y[0..n-1] (hc_fit, default options) into theta. */
static void fitted(const hc_spec *s, const double *y, int n, const double *X, int ldx, double *theta)
{
  hc_model      *m = make(s, n, X, ldx);
  hc_fit_options fo;
  hc_fit_record  rec;
  hc_fit_options_default(&fo);
  fo.compute_stderr = 0;
  cr_assert(hc_fit(m, y, n, &fo, NULL, 0, NULL, &rec) == 0);
  cr_assert_eq(rec.status, 0, "%s: %s", rec.name, rec.reason);
  memcpy(theta, rec.params, sizeof(double) * (size_t)rec.n_params);
  char buf[512];
  int  off = snprintf(buf, sizeof buf, "%s fitted (loglik %.4f):", rec.name, rec.loglik);
  for (int k = 0; k < rec.n_params && off < (int)sizeof buf; k++)
    off += snprintf(buf + off, sizeof buf - (size_t)off, " %s=%.6g", rec.param_names[k], rec.params[k]);
  cr_log_info("%s", buf);
  hc_model_destroy(&m);
}

/* A full forecast from the end of y[0..n-1] by a fresh model of spec s (workspace n_max). */
static void full_forecast(const hc_spec *s, const double *theta, const double *y, int n, int n_max, const double *X, int ldx,
                          double *mean, double *var)
{
  hc_model *m = make(s, n_max, X, ldx);
  cr_assert(m->ops->forecast(m, theta, y, n, H, mean, var) == 0, "full forecast from n = %d failed", n);
  hc_model_destroy(&m);
}

static double rel(double a, double b) { return a == b ? 0.0 : fabs(a - b) / fabs(b); }

/* Whether the op itself must continue (CONTINUES) or refuse (FALLS_BACK: the filter is not
 * steady, the series too short). */
enum { CONTINUES, FALLS_BACK };

/* The forecast of spec s at theta from the end of y[0..n0-1] by ops->forecast, then updated by
 * steps[0..ns-1] appended observations at a time with hc_model_forecast_update (a step of 0: a
 * second forecast from the same state). After each update, every mean[h] and var[h], h = 1..H,
 * must agree to tol relative with a full forecast from the same end by a fresh model. A twin
 * model goes through the same chain with ops->forecast_update called directly: with CONTINUES it
 * must succeed at every step (so that the values compared are the update's, not the
 * fallback's) and give the same values bit for bit; with FALLS_BACK it must refuse at every
 * step (the twin then re-filters with ops->forecast). Returns the largest relative difference. */
static double expect_chain(const char *what, const hc_spec *s, const double *theta, const double *y, int n_max, const double *X,
                           int ldx, int n0, const int *steps, int ns, int mode, double tol)
{
  hc_model *ma = make(s, n_max, X, ldx), *mb = make(s, n_max, X, ldx);
  double    mean[H], var[H], mb_mean[H], mb_var[H], fm[H], fv[H], worst = 0.0;
  cr_assert(ma->ops->forecast(ma, theta, y, n0, H, mean, var) == 0, "%s: forecast from %d", what, n0);
  cr_assert(mb->ops->forecast(mb, theta, y, n0, H, mb_mean, mb_var) == 0);
  cr_assert_not_null(ma->ops->forecast_update, "%s: no forecast_update", what);
  int n = n0;
  for (int i = 0; i < ns; i++) {
    const int n1 = n + steps[i];
    cr_assert(n1 <= n_max);
    cr_assert(hc_model_forecast_update(ma, theta, y, n, n1, H, mean, var) == 0, "%s: update %d -> %d", what, n, n1);
    if (mode == CONTINUES) {
      cr_assert_eq(mb->ops->forecast_update(mb, theta, y, n, n1, H, mb_mean, mb_var), 0, "%s: the op fell back at %d -> %d", what,
                   n, n1);
      for (int h = 0; h < H; h++)
        cr_expect(mb_mean[h] == mean[h] && mb_var[h] == var[h], "%s: op and hc_model_forecast_update differ at h=%d", what, h + 1);
    } else {
      cr_expect_neq(mb->ops->forecast_update(mb, theta, y, n, n1, H, mb_mean, mb_var), 0, "%s: the op continued at %d -> %d",
                    what, n, n1);
      cr_assert(mb->ops->forecast(mb, theta, y, n1, H, mb_mean, mb_var) == 0);
    }
    full_forecast(s, theta, y, n1, n_max, X, ldx, fm, fv);
    for (int h = 0; h < H; h++) {
      const double em = rel(mean[h], fm[h]), ev = rel(var[h], fv[h]);
      worst = fmax(worst, fmax(em, ev));
      cr_expect(em <= tol, "%s, %d -> %d, h=%d: mean %.17g, full forecast %.17g (rel %.3g)", what, n, n1, h + 1, mean[h], fm[h], em);
      cr_expect(ev <= tol, "%s, %d -> %d, h=%d: var %.17g, full forecast %.17g (rel %.3g)", what, n, n1, h + 1, var[h], fv[h], ev);
    }
    n = n1;
  }
  cr_log_info("%s: %d updates from n0 = %d to n = %d, largest relative difference %.3g", what, ns, n0, n, worst);
  hc_model_destroy(&ma);
  hc_model_destroy(&mb);
  return worst;
}

/* n0, then one observation at a time five times, 20 at once, a repeated forecast (0), then 300:
 * the chain of a backtest between refits. */
static const int chain[] = {0, 1, 1, 1, 1, 1, 20, 0, 300};
#define N_CHAIN ((int)(sizeof chain / sizeof chain[0]))

/* ARMA(2,2) + constant at its ML estimate on AAPL returns (the near-cancelling high optimum,
 * MA roots of modulus ~1.01: the filter becomes steady between 900 and 1000 steps, so n0 = 2000)
 * and on MSFT returns (n0 = 1000). */
Test(update, arma22_matches_full_forecast)
{
  const char *tick[] = {"sp500/AAPL.csv", "sp500/MSFT.csv"};
  const int   n0[]   = {2000, 1000};
  for (int i = 0; i < 2; i++) {
    double   *y, th[6];
    const int n = load(tick[i], "adjusted_close", HC_TRANSFORM_LOGRET100, &y, NULL);
    hc_spec   s = {.p = 2, .q = 2};
    fitted(&s, y, n, NULL, 0, th);
    expect_chain(tick[i], &s, th, y, n, NULL, 0, n0[i], chain, N_CHAIN, CONTINUES, 1e-10);
    free(y);
  }
}

/* Each of the ns specs s fitted on y[0..n-1] (fitted), then its update chain from n0 = 1000
 * against full forecasts to 1e-10 (expect_chain). */
static void fit_and_chain(const hc_spec *s, int ns, const double *y, int n)
{
  for (int i = 0; i < ns; i++) {
    char   name[64];
    double th[HC_MAX_PARAMS];
    hc_spec_name(&s[i], name, sizeof name);
    fitted(&s[i], y, n, NULL, 0, th);
    expect_chain(name, &s[i], th, y, n, NULL, 0, 1000, chain, N_CHAIN, CONTINUES, 1e-10);
  }
}

/* The Dow Jones Industrial Average in log levels (100 log close, 2528 days), seasonal ARIMA
 * with d = 1: SARIMA(1,1,1)(1,0,1)5 and ARIMA(0,1,1) + drift (the drift enters the
 * differenced series as a constant that the update subtracts from the new values too). */
Test(update, seasonal_arima_d1_matches_full_forecast)
{
  double   *y;
  const int n = load("reference/djclose.csv", "djclose", HC_TRANSFORM_NONE, &y, NULL);
  for (int t = 0; t < n; t++) y[t] = 100.0 * log(y[t]);
  const hc_spec s[] = {{.p = 1, .q = 1, .d = 1, .P = 1, .Q = 1, .s = 5}, {.q = 1, .d = 1, .drift = 1}};
  fit_and_chain(s, 2, y, n);
  free(y);
}

/* ARMA(1,1) + constant with one regressor: KO returns on the previous day's MSFT return (row
 * t of X is the regressor of observation t; X has one extra row, the first forecast step's,
 * as hc_model_set_exog wants, and later steps carry it forward). */
Test(update, arimax_with_a_regressor_matches_full_forecast)
{
  double   *rk, *rm, th[6];
  const int m = load("sp500/KO.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &rk, NULL);
  cr_assert_eq(load("sp500/MSFT.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &rm, NULL), m);
  const int n = m - 1, ldx = n + 1;
  double   *y = malloc(sizeof *y * (size_t)n), *X = malloc(sizeof *X * (size_t)ldx);
  for (int t = 0; t < n; t++) y[t] = rk[t + 1];
  for (int t = 0; t <= n; t++) X[t] = rm[t]; /* MSFT return of the day before observation t */
  hc_spec s = {.p = 1, .q = 1, .n_exog = 1};
  fitted(&s, y, n, X, ldx, th);
  expect_chain("ARIMAX(1,0,1) KO on MSFT", &s, th, y, n, X, ldx, 1000, chain, N_CHAIN, CONTINUES, 1e-10);
  free(y);
  free(X);
  free(rk);
  free(rm);
}

/* ARMA(1,1) + GARCH(1,1) with normal and t errors and AR(1) + GJR(1,1,1)-t at their ML
 * estimates on the DEM/GBP returns. The update keeps the presample variance s2 of the first
 * full forecast (the residual mean square of y[0..n0-1]) where a full forecast uses that of
 * y[0..n-1]; its weight in h_t decays as beta^t, below 1e-40 after n0 = 1000 steps with the
 * fitted beta ~0.8, so the two agree to rounding (measured: from n0 = 20 they differ by 6e-5,
 * from n0 = 80 by 1e-10, from n0 = 160 not at all). */
Test(update, garch_and_gjr_match_full_forecast)
{
  double   *y;
  const int n = load_dem2gbp(&y);
  const hc_spec s[] = {{.p = 1, .q = 1, .vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1, .dist = HC_DIST_NORMAL},
                       {.p = 1, .q = 1, .vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1, .dist = HC_DIST_T},
                       {.p = 1, .vol = HC_VOL_GJR, .vol_p = 1, .vol_o = 1, .vol_q = 1, .dist = HC_DIST_T}};
  fit_and_chain(s, 3, y, n);
  free(y);
}

/* The CSS residual mean square (1/(n-p)) sum_{t>=p} e_t^2 of ARMA(1,1) + mu on y[0..n-1] (e_0 = 0),
 * written out: the s2 of garch.c's presample and variance targeting. */
static double css_s2_arma11(double mu, double phi, double ma, const double *y, int n)
{
  double e = 0.0, s = 0.0;
  for (int t = 1; t < n; t++) {
    e = y[t] - mu - phi * (y[t - 1] - mu) - ma * e;
    s += e * e;
  }
  return s / (n - 1);
}

/* Variance targeting: omega = s2 (1 - S) with s2 the CSS residual mean square. The update keeps
 * the s2 of its last full forecast (omega is a parameter between refits: the backtest refits
 * re-estimate it), so it is NOT a full re-filter once observations are appended:
 *  - with nothing appended (n == n0) it equals the full forecast from n0;
 *  - with observations appended its means still equal the full forecast's (the ARMA mean does
 *    not involve omega), its variances differ by a nonzero amount bounded by |Delta s2| / s2 (1e-3
 *    after one new observation, 0.15 after 300 here), and they equal, to 1e-10, a full forecast of
 *    the same model WITHOUT targeting whose omega is s2(y[0..n0-1]) (1 - alpha - beta), computed
 *    here independently (which pins down what the update does). */
Test(update, garch_variance_targeting_keeps_the_last_full_omega)
{
  double   *y, th[HC_MAX_PARAMS];
  const int n = load_dem2gbp(&y), n0 = 1000;
  hc_spec   vt = {.p = 1, .q = 1, .vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1, .dist = HC_DIST_NORMAL, .variance_targeting = 1};
  fitted(&vt, y, n, NULL, 0, th); /* mu, ar1, ma1, alpha1, beta1 */
  /* nothing appended: the update is the full forecast */
  const int zero[] = {0, 0};
  expect_chain("GARCH-VT, no new observations", &vt, th, y, n, NULL, 0, n0, zero, 2, CONTINUES, 1e-10);
  /* appended: against the non-targeted model with omega fixed at the update's */
  hc_spec      nt     = vt;
  nt.variance_targeting = 0;
  const double s2     = css_s2_arma11(th[0], th[1], th[2], y, n0);
  const double th_nt[6] = {th[0], th[1], th[2], s2 * (1.0 - th[3] - th[4]), th[3], th[4]};
  const int    steps[] = {1, 20, 300};
  hc_model    *m       = make(&vt, n, NULL, 0);
  double       mean[H], var[H], fm[H], fv[H], gm[H], gv[H];
  cr_assert(m->ops->forecast(m, th, y, n0, H, mean, var) == 0);
  int at = n0;
  for (int i = 0; i < 3; i++) {
    const int n1 = at + steps[i];
    cr_assert_eq(m->ops->forecast_update(m, th, y, at, n1, H, mean, var), 0);
    full_forecast(&vt, th, y, n1, n, NULL, 0, fm, fv);   /* VT, re-filtered: omega from s2(y[0..n1-1]) */
    full_forecast(&nt, th_nt, y, n1, n, NULL, 0, gm, gv); /* omega from s2(y[0..n0-1]) */
    double dmax = 0.0;
    for (int h = 0; h < H; h++) {
      cr_expect_eq(mean[h], fm[h], "n = %d h=%d: the mean does not involve omega", n1, h + 1);
      cr_expect(rel(var[h], gv[h]) <= 1e-10, "n = %d h=%d: var %.17g, non-targeted with the kept omega %.17g", n1, h + 1, var[h],
                gv[h]);
      cr_expect(rel(mean[h], gm[h]) <= 1e-10);
      dmax = fmax(dmax, rel(var[h], fv[h]));
    }
    /* var_h is omega c_h + R_h with c_h, R_h >= 0 independent of omega (the presample aside), so
     * the relative difference from the re-filtered forecast is at most |omega0 - omega1| / omega1
     * = |s2(n0) - s2(n1)| / s2(n1), and it is not zero where s2 changed */
    const double s2n1 = css_s2_arma11(th[0], th[1], th[2], y, n1), bound = fabs(s2 - s2n1) / s2n1;
    cr_log_info("GARCH-VT, %d -> %d: variances differ from the re-filtered forecast by up to %.3g (relative); "
                "|s2(n0) - s2(n)| / s2(n) = %.3g", at, n1, dmax, bound);
    cr_expect(dmax > 1e-12 && dmax <= bound * (1.0 + 1e-6), "n = %d: relative difference %.3g from the re-filtered forecast, "
              "expected nonzero and at most %.3g", n1, dmax, bound);
    at = n1;
  }
  hc_model_destroy(&m);
  free(y);
}

/* Fallback to ops->forecast where the Kalman filter has not reached its steady phase: the
 * airline model at R's estimates on the 144 log airline passengers (the seasonal MA root of
 * modulus 0.557^(-1/12) = 1.05 keeps P changing beyond the 131 differenced values), and ARMA(1,1)
 * + constant on AAPL returns with an MA root at 1/0.9999 (P converges like 0.9999^(2t)). The op
 * must refuse and hc_model_forecast_update must still return the full forecast's values. */
Test(update, falls_back_where_the_filter_is_not_steady)
{
  double   *y;
  int       n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  hc_spec   air = {.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12};
  const double th_air[3] = {-0.401827972905002, -0.55694488287241, 0.00134803481094957};
  const int    st_air[] = {0, 1, 1, 1, 1, 1, 10};
  expect_chain("airline model", &air, th_air, y, n, NULL, 0, 120, st_air, 7, FALLS_BACK, 1e-10);
  free(y);
  n = load("sp500/AAPL.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &y, NULL);
  hc_spec      arma = {.p = 1, .q = 1};
  const double th[4] = {0.1, 0.2, -0.9999, 7.05};
  expect_chain("ARMA(1,1), MA root at 1/0.9999", &arma, th, y, n, NULL, 0, 1000, chain, N_CHAIN, FALLS_BACK, 1e-10);
  free(y);
}

/* Too short a series to continue: the airline model from n0 = 20 (7 differenced values, far
 * from the steady phase) and a GARCH(1,1) from n0 = 1 (no lagged residual yet), and n0 = 0 (no
 * previous forecast): hc_model_forecast_update returns ops->forecast's values. (A SARIMAX
 * forecast from n0 <= d + s D, the op's other refusal, cannot be made: ops->forecast itself
 * needs one differenced value.) */
Test(update, falls_back_on_short_series)
{
  double   *y, *r;
  int       n = load("reference/airline.csv", "lg", HC_TRANSFORM_NONE, &y, NULL);
  hc_spec   air = {.q = 1, .d = 1, .Q = 1, .D = 1, .s = 12};
  const double th_air[3] = {-0.4, -0.55, 0.00135};
  const int    to40[] = {20};
  expect_chain("airline model from n0 = 20", &air, th_air, y, n, NULL, 0, 20, to40, 1, FALLS_BACK, 1e-10);
  const int nr = load_dem2gbp(&r);
  hc_spec   g = {.vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1, .dist = HC_DIST_NORMAL};
  const double th_g[4] = {-0.00619041, 0.0107613, 0.153134, 0.805974};
  const int    to30[] = {29};
  expect_chain("GARCH(1,1) from n0 = 1", &g, th_g, r, nr, NULL, 0, 1, to30, 1, FALLS_BACK, 1e-10);
  /* n0 = 0: no previous forecast, the full forecast */
  hc_model *m = make(&g, nr, NULL, 0);
  double    mean[H], var[H], fm[H], fv[H];
  cr_assert(hc_model_forecast_update(m, th_g, r, 0, 500, H, mean, var) == 0);
  full_forecast(&g, th_g, r, 500, nr, NULL, 0, fm, fv);
  for (int h = 0; h < H; h++) cr_expect(mean[h] == fm[h] && var[h] == fv[h], "n0 = 0, h=%d", h + 1);
  hc_model_destroy(&m);
  free(y);
  free(r);
}

/* For a family without forecast_update, the chain of expect_chain by hc_model_forecast_update
 * gives bit for bit what ops->forecast gives on a twin model with the same history (prepared on
 * y[0..n0-1] when prepare); without a prepared state also what a fresh model's full forecast gives. */
static void expect_same_as_forecast(const char *what, const hc_spec *s, const double *theta, const double *y, int n_max, int n0,
                                    int prepare)
{
  hc_model *ma = make(s, n_max, NULL, 0), *mb = make(s, n_max, NULL, 0);
  double    mean[H], var[H], fm[H], fv[H];
  cr_assert_null(ma->ops->forecast_update, "%s has forecast_update", what);
  if (prepare) {
    cr_assert(ma->ops->prepare(ma, y, n0) == 0);
    cr_assert(mb->ops->prepare(mb, y, n0) == 0);
  }
  cr_assert(ma->ops->forecast(ma, theta, y, n0, H, mean, var) == 0);
  cr_assert(mb->ops->forecast(mb, theta, y, n0, H, fm, fv) == 0);
  int n = n0;
  for (int i = 0; i < N_CHAIN; i++) {
    const int n1 = n + chain[i];
    cr_assert(hc_model_forecast_update(ma, theta, y, n, n1, H, mean, var) == 0, "%s: %d -> %d", what, n, n1);
    cr_assert(mb->ops->forecast(mb, theta, y, n1, H, fm, fv) == 0);
    for (int h = 0; h < H; h++)
      cr_expect(mean[h] == fm[h] && var[h] == fv[h], "%s, %d -> %d, h=%d: %.17g %.17g vs ops->forecast %.17g %.17g", what, n, n1,
                h + 1, mean[h], var[h], fm[h], fv[h]);
    if (!prepare) {
      full_forecast(s, theta, y, n1, n_max, NULL, 0, fm, fv);
      for (int h = 0; h < H; h++) cr_expect(mean[h] == fm[h] && var[h] == fv[h], "%s, n = %d, h=%d: fresh model differs", what, n1, h + 1);
    }
    n = n1;
  }
  hc_model_destroy(&ma);
  hc_model_destroy(&mb);
}

/* Families without forecast_update: EGARCH(1,1,1) (at the TSP benchmark estimates on DEM/GBP;
 * its forecast depends on no prepared state, and its Monte Carlo variances use a fixed seed, so a
 * fresh model's full forecast must agree too) and SSA + AR(1) (on the Dow Jones log level,
 * prepared on y[0..n0-1]: its forecasts use the last prepared decomposition, so only the twin
 * with the same history is comparable): hc_model_forecast_update gives ops->forecast's values. */
Test(update, families_without_the_op_use_forecast)
{
  double   *y;
  int       n = load_dem2gbp(&y);
  hc_spec   eg = {.vol = HC_VOL_EGARCH, .vol_p = 1, .vol_o = 1, .vol_q = 1, .dist = HC_DIST_NORMAL};
  const double th_eg[5] = {-0.01167873487, -0.12633933747, -0.03845788444, 0.33305592776, 0.91265373928};
  expect_same_as_forecast("EGARCH(1,1,1)", &eg, th_eg, y, n, 1000, 0);
  free(y);
  n = load("reference/djclose.csv", "djclose", HC_TRANSFORM_NONE, &y, NULL);
  for (int t = 0; t < n; t++) y[t] = 100.0 * log(y[t]);
  hc_spec   ssa = {.p = 1, .ssa_L = HC_SSA_AUTO};
  hc_model *m   = make(&ssa, n, NULL, 0);
  double    th[HC_MAX_PARAMS];
  cr_assert(m->ops->prepare(m, y, 1000) == 0);
  cr_assert(m->ops->start(m, y, 1000, th) == 0);
  hc_model_destroy(&m);
  expect_same_as_forecast("SSA + AR(1)", &ssa, th, y, n, 1000, 1);
  free(y);
}

/* hc_kalman_forecast keeps the filter state: two forecasts in a row give the same means and
 * covariances bit for bit; and hc_kalman_arma_extend continues a steady filter exactly (filter
 * x[0..599] then extend by x[600..999] = filter x[0..999]), but refuses a filter that is not
 * steady (an MA root at 1/0.9999, 600 steps). ARMA(2,1) on AAPL returns, demeaned. */
Test(update, kalman_forecast_keeps_the_state)
{
  double   *y;
  const int n = load("sp500/AAPL.csv", "adjusted_close", HC_TRANSFORM_LOGRET100, &y, NULL);
  cr_assert(n >= 1000);
  double *x = malloc(1000 * sizeof *x), mean = 0.0;
  for (int t = 0; t < 1000; t++) mean += y[t] / 1000;
  for (int t = 0; t < 1000; t++) x[t] = y[t] - mean;
  const double phi[2] = {0.5, -0.2}, theta[1] = {-0.3}, theta_nu[1] = {-0.9999};
  hc_kalman    kf, kg;
  double       ssq, slf, m1[H], m2[H], c1[H * H], c2[H * H];
  cr_assert(hc_kalman_create(3, &kf) == 0);
  cr_assert(hc_kalman_create(3, &kg) == 0);
  cr_assert(hc_kalman_arma(&kf, 2, 1, phi, theta, x, 1000, &ssq, &slf, NULL, 1) == 0);
  hc_kalman_forecast(&kf, H, m1, c1);
  hc_kalman_forecast(&kf, H, m2, c2);
  for (int i = 0; i < H; i++) cr_expect_eq(m1[i], m2[i], "second forecast, mean %d", i);
  for (int i = 0; i < H * H; i++) cr_expect_eq(c1[i], c2[i], "second forecast, cov %d", i);
  /* extend: filter 600 then 400 more, against the 1000 filtered at once (m1, c1) */
  cr_assert(hc_kalman_arma(&kg, 2, 1, phi, theta, x, 600, &ssq, &slf, NULL, 1) == 0);
  cr_assert_eq(hc_kalman_arma_extend(&kg, x + 600, 400), 0, "the filter of ARMA(2,1) is steady after 600 steps");
  hc_kalman_forecast(&kg, H, m2, c2);
  for (int i = 0; i < H; i++) cr_expect_eq(m2[i], m1[i], "extended, mean %d: %.17g vs %.17g", i, m2[i], m1[i]);
  for (int i = 0; i < H * H; i++) cr_expect_eq(c2[i], c1[i], "extended, cov %d", i);
  /* not steady: refused */
  cr_assert(hc_kalman_arma(&kg, 1, 1, phi, theta_nu, x, 600, &ssq, &slf, NULL, 1) == 0);
  cr_expect_neq(hc_kalman_arma_extend(&kg, x + 600, 400), 0, "MA root at 1/0.9999: not steady after 600 steps");
  hc_kalman_destroy(&kf);
  hc_kalman_destroy(&kg);
  free(x);
  free(y);
}
