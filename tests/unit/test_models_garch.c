/* ARMA-GARCH(1,1) family of src/models/garch.c: the Fiorentini-Calzolari-Panattoni
 * (1996) benchmark on the Bollerslev-Ghysels DEM/GBP returns, analytic score vs
 * finite differences, transforms, forecasts and the fit by hc_fit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/models.h"

#define DEM_MAX 4096

/* FCP (1996) table: ARMA(0,0)+GARCH(1,1)-normal on dem2gbp. */
static const double fcp_theta[4] = {-0.00619041, 0.0107613, 0.153134, 0.805974};
static const double fcp_loglik   = -1106.608;

static double dem[DEM_MAX];
static int    n_dem;

/* Column Y of /work/shared/data/reference/dem2gbp.csv (header obs,Y,dayskip). */
static void load_dem2gbp(void)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  char        path[4096], line[256];
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT is not set (tests/unit/meson.build sets it)");
  snprintf(path, sizeof path, "%s/../shared/data/reference/dem2gbp.csv", root);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert(strncmp(line, "obs,Y", 5) == 0, "unexpected header in %s: %s", path, line);
  n_dem = 0;
  while (fgets(line, sizeof line, f) && n_dem < DEM_MAX) {
    char *c = strchr(line, ',');
    cr_assert_not_null(c, "bad line %s", line);
    dem[n_dem++] = strtod(c + 1, NULL);
  }
  fclose(f);
  cr_assert_eq(n_dem, 1974, "dem2gbp has 1974 observations, read %d", n_dem);
}

/* A model instance built by hand (no PETSc needed): ops, spec, n_params, workspace. */
static hc_model make_model(int p, int q, hc_dist dist, int n_max)
{
  hc_model m = {.ops = &hc_garch_ops, .n_max = n_max};
  m.spec     = (hc_spec){.p = p, .q = q, .vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1, .dist = dist};
  m.n_params = 1 + p + q + 3 + (dist == HC_DIST_T);
  cr_assert_eq(m.ops->setup(&m, n_max), 0);
  return m;
}

static double loglik(hc_model *m, const double *th)
{
  double ll = NAN;
  cr_assert_eq(m->ops->loglik(m, th, dem, n_dem, &ll, NULL), 0);
  return ll;
}

/* Central finite-difference gradient with step 1e-5 * max(|theta_k|, 0.01). */
static void fd_gradient(hc_model *m, const double *th, double *g)
{
  double t[HC_MAX_PARAMS];
  for (int k = 0; k < m->n_params; k++) {
    memcpy(t, th, sizeof(double) * (size_t)m->n_params);
    double h = 1e-5 * fmax(fabs(th[k]), 0.01);
    t[k]     = th[k] + h;
    double a = loglik(m, t);
    t[k]     = th[k] - h;
    double b = loglik(m, t);
    g[k]     = (a - b) / (2 * h);
  }
}

TestSuite(garch, .init = load_dem2gbp);

Test(garch, param_names)
{
  hc_model m = make_model(2, 1, HC_DIST_T, 10);
  char     names[HC_MAX_PARAMS][HC_PNAME_LEN];
  const char *want[] = {"mu", "ar1", "ar2", "ma1", "omega", "alpha1", "beta1", "nu"};
  m.ops->param_names(&m, names);
  for (int k = 0; k < m.n_params; k++) cr_expect_str_eq(names[k], want[k]);
  cr_expect_str_eq(m.ops->family, "ARMA-GARCH");
  cr_expect(m.ops->has_gradient);
  m.ops->destroy(&m);
  cr_expect_null(m.work);
}

Test(garch, fcp_loglik_and_score)
{
  hc_model m = make_model(0, 0, HC_DIST_NORMAL, n_dem);
  double   ll, g[4], H[4][5], th[4];
  cr_assert_eq(m.ops->loglik(&m, fcp_theta, dem, n_dem, &ll, g), 0);
  cr_expect(fabs(ll - fcp_loglik) <= 1e-3, "loglik %.6f, FCP %.3f", ll, fcp_loglik);
  /* "Near zero" is judged by the Newton step d = -H^{-1} g to the maximum (H the
   * Hessian by central differences of the analytic score), which puts the score in
   * the units of the parameters. The published estimates carry 6 significant digits,
   * so the exact maximum lies within about one unit of the 6th digit of them; we
   * require |d_k| <= 2 such units (a half unit for rounding, the rest for the
   * optimiser tolerance of FCP). The score itself is checked against finite
   * differences in score_matches_finite_differences. */
  for (int j = 0; j < 4; j++) {
    double gp[4], gm[4], h = 1e-6 * fabs(fcp_theta[j]);
    memcpy(th, fcp_theta, sizeof th);
    th[j] = fcp_theta[j] + h;
    cr_assert_eq(m.ops->loglik(&m, th, dem, n_dem, &ll, gp), 0);
    th[j] = fcp_theta[j] - h;
    cr_assert_eq(m.ops->loglik(&m, th, dem, n_dem, &ll, gm), 0);
    for (int i = 0; i < 4; i++) H[i][j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (int i = 0; i < 4; i++) H[i][4] = -g[i];
  /* Gaussian elimination with partial pivoting on [H | -g] */
  for (int c = 0; c < 4; c++) {
    int piv = c;
    for (int r = c + 1; r < 4; r++)
      if (fabs(H[r][c]) > fabs(H[piv][c])) piv = r;
    for (int k = 0; k < 5; k++) {
      double t    = H[c][k];
      H[c][k]     = H[piv][k];
      H[piv][k]   = t;
    }
    for (int r = c + 1; r < 4; r++) {
      double f = H[r][c] / H[c][c];
      for (int k = c; k < 5; k++) H[r][k] -= f * H[c][k];
    }
  }
  double d[4];
  for (int r = 3; r >= 0; r--) {
    double v = H[r][4];
    for (int k = r + 1; k < 4; k++) v -= H[r][k] * d[k];
    d[r] = v / H[r][r];
  }
  for (int k = 0; k < 4; k++) {
    cr_log_info("FCP point: score[%d] = %.6g, Newton step %.3g", k, g[k], d[k]);
    double unit = pow(10.0, floor(log10(fabs(fcp_theta[k]))) - 5.0);
    cr_expect(fabs(d[k]) <= 2.0 * unit, "parameter %d: score %.4g implies a step of %.3g (> 2 x %g)", k, g[k], d[k],
              unit);
  }
  m.ops->destroy(&m);
}

/* Analytic score vs central differences at admissible points away from the maximum. */
Test(garch, score_matches_finite_differences)
{
  struct {
    int     p, q;
    hc_dist dist;
    double  th[8];
  } pts[] = {
    {0, 0, HC_DIST_NORMAL, {0.02, 0.02, 0.10, 0.85}},
    {0, 0, HC_DIST_NORMAL, {-0.05, 0.005, 0.25, 0.70}},
    {0, 0, HC_DIST_T, {0.0, 0.01, 0.15, 0.80, 4.5}},
    {0, 0, HC_DIST_T, {0.03, 0.03, 0.05, 0.90, 12.0}},
    {1, 1, HC_DIST_NORMAL, {0.01, 0.4, -0.3, 0.012, 0.14, 0.82}},
    {1, 1, HC_DIST_T, {-0.02, -0.5, 0.6, 0.02, 0.2, 0.7, 6.0}},
    {2, 1, HC_DIST_NORMAL, {0.0, 0.3, -0.2, 0.25, 0.015, 0.12, 0.83}},
  };
  for (size_t i = 0; i < sizeof pts / sizeof *pts; i++) {
    hc_model m = make_model(pts[i].p, pts[i].q, pts[i].dist, n_dem);
    double   ga[8], gf[8], ll;
    cr_assert_eq(m.ops->loglik(&m, pts[i].th, dem, n_dem, &ll, ga), 0);
    fd_gradient(&m, pts[i].th, gf);
    for (int k = 0; k < m.n_params; k++)
      cr_expect(fabs(ga[k] - gf[k]) <= 1e-5 * fmax(fabs(gf[k]), 1.0),
                "point %zu, param %d: analytic %.10g, finite difference %.10g", i, k, ga[k], gf[k]);
    m.ops->destroy(&m);
  }
}

/* The t log-likelihood is the sum of hc_std_t_logpdf(e/sqrt h) - log(h)/2 over the
 * FCP variance recursion, recomputed here independently for ARMA(0,0). */
Test(garch, t_loglik_by_hand)
{
  hc_model     m  = make_model(0, 0, HC_DIST_T, n_dem);
  const double th[5] = {0.01, 0.012, 0.13, 0.83, 5.0};
  double       s2 = 0.0, sum = 0.0, h = 0.0, e1 = 0.0;
  for (int t = 0; t < n_dem; t++) s2 += (dem[t] - th[0]) * (dem[t] - th[0]);
  s2 /= n_dem;
  for (int t = 0; t < n_dem; t++) {
    h = t == 0 ? th[1] + (th[2] + th[3]) * s2 : th[1] + th[2] * e1 * e1 + th[3] * h;
    e1 = dem[t] - th[0];
    sum += hc_std_t_logpdf(e1 / sqrt(h), th[4]) - 0.5 * log(h);
  }
  cr_expect(fabs(loglik(&m, th) - sum) <= 1e-9 * fabs(sum), "%.12g vs %.12g", loglik(&m, th), sum);
  m.ops->destroy(&m);
}

Test(garch, rejects_inadmissible)
{
  hc_model m = make_model(0, 0, HC_DIST_T, n_dem);
  double   ll, bad[][5] = {{0, 0.0, 0.1, 0.8, 5},  {0, -1e-3, 0.1, 0.8, 5}, {0, 0.01, -0.01, 0.8, 5},
                           {0, 0.01, 0.1, -0.1, 5}, {0, 0.01, 0.1, 0.8, 2.0}, {0, NAN, 0.1, 0.8, 5}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_expect_neq(m.ops->loglik(&m, bad[i], dem, n_dem, &ll, NULL), 0, "row %zu accepted", i);
  m.ops->destroy(&m);
}

Test(garch, transform_round_trips)
{
  hc_model m = make_model(2, 2, HC_DIST_T, 10);
  /* u -> theta -> u */
  const double us[][10] = {{0.3, -1.2, 0.7, 0.4, -2.0, -4.0, 3.0, 1.5, 2.0, 0.0},
                           {-2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 9.0, -3.0, -5.0, 6.0},
                           {5.0, 2.5, -2.5, -1.0, 1.8, -9.0, -6.0, 0.0, 0.3, -3.0}};
  for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
    double th[10], u[10];
    m.ops->untransform(&m, us[i], th);
    cr_expect(th[5] > 0 && th[6] >= 0 && th[7] >= 0 && th[6] + th[7] < 1 && th[8] > 2, "row %zu", i);
    m.ops->transform(&m, th, u);
    for (int k = 0; k < m.n_params; k++)
      cr_expect(fabs(u[k] - us[i][k]) <= 1e-9 * fmax(1.0, fabs(us[i][k])), "row %zu, k=%d: %.15g vs %.15g", i, k,
                u[k], us[i][k]);
  }
  /* theta -> u -> theta for admissible theta (stationary AR, invertible MA) */
  const double ths[][10] = {{0.1, 0.5, -0.3, 0.4, 0.2, 0.02, 0.1, 0.85, 7.0},
                            {-1.0, -0.2, 0.1, -0.6, 0.05, 1.5, 0.0001, 0.99, 2.5},
                            {0.0, 1.2, -0.4, 0.0, 0.0, 1e-4, 0.3, 0.1, 150.0}};
  for (size_t i = 0; i < sizeof ths / sizeof *ths; i++) {
    double th[10], u[10];
    m.ops->transform(&m, ths[i], u);
    m.ops->untransform(&m, u, th);
    for (int k = 0; k < m.n_params; k++)
      cr_expect(fabs(th[k] - ths[i][k]) <= 1e-12 * fmax(1.0, fabs(ths[i][k])), "row %zu, k=%d: %.15g vs %.15g", i,
                k, th[k], ths[i][k]);
  }
  m.ops->destroy(&m);
}

Test(garch, start_values)
{
  hc_model m = make_model(1, 1, HC_DIST_T, n_dem);
  double   th[7], ll;
  cr_assert_eq(m.ops->start(&m, dem, n_dem, th), 0);
  cr_expect(fabs(th[1]) < 1 && fabs(th[2]) < 1, "ar %g ma %g", th[1], th[2]);
  /* omega = 0.05 v with v near the sample variance of the returns (~0.22) */
  cr_expect(th[3] > 0.05 * 0.15 && th[3] < 0.05 * 0.3, "omega %g", th[3]);
  cr_expect_eq(th[4], 0.05);
  cr_expect_eq(th[5], 0.90);
  cr_expect_eq(th[6], 8.0);
  cr_expect_eq(m.ops->loglik(&m, th, dem, n_dem, &ll, NULL), 0);
  m.ops->destroy(&m);
}

Test(garch, forecast_arma00)
{
  hc_model m = make_model(0, 0, HC_DIST_NORMAL, n_dem);
  enum { H = 1000 };
  static double mean[H], var[H];
  cr_assert_eq(m.ops->forecast(&m, fcp_theta, dem, n_dem, H, mean, var), 0);
  /* h = 1 by the recursion, recomputed here */
  double mu = fcp_theta[0], om = fcp_theta[1], a = fcp_theta[2], b = fcp_theta[3], s2 = 0, h = 0, e = 0;
  for (int t = 0; t < n_dem; t++) s2 += (dem[t] - mu) * (dem[t] - mu) / n_dem;
  for (int t = 0; t < n_dem; t++) {
    h = t == 0 ? om + (a + b) * s2 : om + a * e * e + b * h;
    e = dem[t] - mu;
  }
  double h1 = om + a * e * e + b * h;
  cr_expect(fabs(var[0] - h1) <= 1e-12 * h1, "var[0] %.15g, recursion %.15g", var[0], h1);
  cr_expect(fabs(var[1] - (om + (a + b) * h1)) <= 1e-12 * var[1]);
  double uncond = om / (1 - a - b);
  for (int k = 0; k < H; k++) cr_expect_eq(mean[k], mu);
  /* |var_h - uncond| = (a+b)^(h-1) |h1 - uncond|: monotone approach, exact at the end */
  cr_expect(fabs(var[49] - uncond) < fabs(var[9] - uncond));
  cr_expect(fabs(var[H - 1] - uncond) <= 1e-10 * uncond, "var[H] %.15g, omega/(1-a-b) %.15g", var[H - 1], uncond);
  cr_expect(fabs(var[9] - uncond - pow(a + b, 9) * (h1 - uncond)) <= 1e-12 * uncond);
  m.ops->destroy(&m);
}

Test(garch, forecast_arma11)
{
  hc_model     m     = make_model(1, 1, HC_DIST_NORMAL, n_dem);
  const double th[6] = {0.01, 0.5, -0.3, 0.012, 0.14, 0.82};
  double       mean[3], var[3];
  cr_assert_eq(m.ops->forecast(&m, th, dem, n_dem, 3, mean, var), 0);
  double mu = th[0], phi = th[1], ma = th[2], om = th[3], a = th[4], b = th[5];
  double e[DEM_MAX] = {0}, s2 = 0.0, h = 0.0;
  for (int t = 1; t < n_dem; t++) {
    e[t] = dem[t] - mu - phi * (dem[t - 1] - mu) - ma * e[t - 1];
    s2 += e[t] * e[t] / (n_dem - 1);
  }
  for (int t = 1; t < n_dem; t++) h = t == 1 ? om + (a + b) * s2 : om + a * e[t - 1] * e[t - 1] + b * h;
  double h1 = om + a * e[n_dem - 1] * e[n_dem - 1] + b * h, h2 = om + (a + b) * h1, h3 = om + (a + b) * h2;
  double m1 = mu + phi * (dem[n_dem - 1] - mu) + ma * e[n_dem - 1];
  double psi1 = phi + ma, psi2 = phi * psi1;
  cr_expect(fabs(mean[0] - m1) <= 1e-12);
  cr_expect(fabs(mean[1] - (mu + phi * (m1 - mu))) <= 1e-12);
  cr_expect(fabs(mean[2] - (mu + phi * phi * (m1 - mu))) <= 1e-12);
  cr_expect(fabs(var[0] - h1) <= 1e-12 * h1);
  cr_expect(fabs(var[1] - (h2 + psi1 * psi1 * h1)) <= 1e-12 * var[1]);
  cr_expect(fabs(var[2] - (h3 + psi1 * psi1 * h2 + psi2 * psi2 * h1)) <= 1e-12 * var[2]);
  m.ops->destroy(&m);
}

Test(garch, quantiles)
{
  hc_model     m  = make_model(0, 0, HC_DIST_T, 10);
  const double th[5] = {0, 0.01, 0.1, 0.8, 5.0};
  /* R: qt(0.975, 5) = 2.5705818356363137, qnorm(0.975) = 1.959963984540054 */
  cr_expect(fabs(m.ops->quantile(&m, th, 0.975) - 2.5705818356363137 * sqrt(3.0 / 5.0)) <= 1e-12);
  m.ops->destroy(&m);
  m = make_model(0, 0, HC_DIST_NORMAL, 10);
  cr_expect(fabs(m.ops->quantile(&m, th, 0.975) - 1.959963984540054) <= 1e-12);
  m.ops->destroy(&m);
}

static void fit_init(void)
{
  load_dem2gbp();
  cr_assert_eq(PetscInitializeNoArguments(), 0);
}

static void fit_fini(void) { PetscFinalize(); }

static double lre(double x, double ref) { return -log10(fabs(x - ref) / fabs(ref)); }

/* hc_fit on the FCP benchmark: estimates to LRE >= 4, loglik within 1e-3. */
Test(garch_fit, fcp_benchmark, .init = fit_init, .fini = fit_fini)
{
  const hc_spec  spec = {.p = 0, .q = 0, .vol = HC_VOL_GARCH, .vol_p = 1, .vol_q = 1, .dist = HC_DIST_NORMAL};
  hc_model      *m    = NULL;
  hc_fit_options opt;
  hc_fit_record  rec;
  cr_assert_eq(hc_model_create(&spec, n_dem, &m), 0);
  cr_assert_eq(m->n_params, 4);
  hc_fit_options_default(&opt);
  cr_assert_eq(hc_fit(m, dem, n_dem, &opt, 0, NULL, &rec), 0);
  cr_assert_eq(rec.status, 0, "fit failed: %s", rec.reason);
  cr_expect(fabs(rec.loglik - fcp_loglik) <= 1e-3, "loglik %.6f, FCP %.3f", rec.loglik, fcp_loglik);
  for (int k = 0; k < 4; k++) {
    cr_log_info("%s = %.9g (FCP %.9g), LRE %.2f", rec.param_names[k], rec.params[k], fcp_theta[k],
                lre(rec.params[k], fcp_theta[k]));
    cr_expect_geq(lre(rec.params[k], fcp_theta[k]), 4.0, "%s = %.9g, FCP %.9g", rec.param_names[k], rec.params[k],
                  fcp_theta[k]);
  }
  cr_assert_eq(hc_model_destroy(&m), 0);
  cr_expect_null(m);
}
