/* The portfolio module (src/portfolio): constructions against R quadprog::solve.QP on a real
 * covariance (20 tickers of the shared universe), equal risk contributions against the published
 * example of Maillard, Roncalli & Teiletche (2010), the Newey-West long-run variance against R
 * sandwich, the active metrics by their definitions, and the honesty of the backtest (data after
 * an origin do not change that origin's book).
 *
 * Reference files (tests/reference/portfolio, README.md there): sigma20.csv, mu20.csv,
 * sectors20.csv, portfolio_quadprog.csv (portfolio_quadprog.R), riskparity_mrt2010.csv
 * (riskparity_mrt2010.R), neweywest_series.csv, neweywest_sandwich.csv (neweywest_sandwich.R).
 * Every test runs on one rank; tests/mpi/test_portfolio.c checks the distributed solve. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slepcsys.h>

#include "hpcast/portfolio.h"
#include "../wide_csv.h"

static void setup(void) { cr_assert_eq(SlepcInitializeNoArguments(), 0); }
static void teardown(void)
{
  PetscOptionsClear(NULL);
  SlepcFinalize();
}
TestSuite(portfolio, .init = setup, .fini = teardown, .timeout = 600);

static FILE *ref_open(const char *name)
{
  char        path[4096];
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT is not set (tests/unit/meson.build sets it)");
  snprintf(path, sizeof path, "%s/tests/reference/%s", root, name);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  return f;
}

#define NA 20
static char   tick[NA][16];
static double Sigma[NA * NA], mu[NA];
static int    sector[NA], n_sectors;

/* sigma20.csv (header: the tickers), mu20.csv, sectors20.csv (sector indices in order of appearance). */
static void read_inputs(void)
{
  char  line[8192], names[NA][64];
  FILE *f = ref_open("portfolio/sigma20.csv");
  cr_assert(fgets(line, sizeof line, f));
  char *tok = strtok(line, ",\n");
  for (int j = 0; j < NA; j++, tok = strtok(NULL, ",\n")) {
    cr_assert_not_null(tok);
    hc_strlcpy(tick[j], tok, sizeof tick[j]);
  }
  for (int i = 0; i < NA; i++) {
    cr_assert(fgets(line, sizeof line, f));
    char *c = line;
    for (int j = 0; j < NA; j++) {
      char *end;
      Sigma[i * NA + j] = strtod(c, &end);
      cr_assert(end != c);
      c = end + 1;
    }
  }
  fclose(f);
  f = ref_open("portfolio/mu20.csv");
  cr_assert(fgets(line, sizeof line, f));
  for (int i = 0; i < NA; i++) {
    cr_assert(fgets(line, sizeof line, f));
    char *c = strchr(line, ',');
    cr_assert(c && strncmp(line, tick[i], strlen(tick[i])) == 0, "mu20.csv row %d is not %s", i, tick[i]);
    mu[i] = strtod(c + 1, NULL);
  }
  fclose(f);
  f = ref_open("portfolio/sectors20.csv");
  cr_assert(fgets(line, sizeof line, f));
  n_sectors = 0;
  for (int i = 0; i < NA; i++) {
    cr_assert(fgets(line, sizeof line, f));
    char *c = strchr(line, ',');
    cr_assert_not_null(c);
    c[strcspn(c, "\r\n")] = '\0';
    int k = 0;
    while (k < n_sectors && strcmp(names[k], c + 1)) k++;
    if (k == n_sectors) hc_strlcpy(names[n_sectors++], c + 1, sizeof names[0]);
    sector[i] = k;
  }
  fclose(f);
}

/* quadprog's weights of `name` in ticker order. */
static void read_case(const char *name, double *w)
{
  char  line[512];
  FILE *f = ref_open("portfolio/portfolio_quadprog.csv");
  int   got = 0;
  while (fgets(line, sizeof line, f)) {
    char *a = strtok(line, ","), *b = strtok(NULL, ","), *c = strtok(NULL, ",\n");
    if (!a || !b || !c || strcmp(a, name)) continue;
    for (int i = 0; i < NA; i++)
      if (!strcmp(b, tick[i])) w[i] = strtod(c, NULL), got++;
  }
  fclose(f);
  cr_assert_eq(got, NA, "portfolio_quadprog.csv: %d weights of %s", got, name);
}

/* A correlation "estimate" R = D^-1 S D^-1 of an n x n covariance S (row-major), sd = sqrt(diag S). */
static void estimate_of(int n, const double *S, hc_cov_estimate *est, Vec *sd)
{
  PetscInt rs, re;
  memset(est, 0, sizeof *est);
  est->model = HC_COV_SHRINK;
  est->N = est->n_members = n;
  cr_assert_eq(MatCreateDense(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, n, n, NULL, &est->R), 0);
  cr_assert_eq(MatGetOwnershipRange(est->R, &rs, &re), 0);
  for (PetscInt i = rs; i < re; i++)
    for (int j = 0; j < n; j++) MatSetValue(est->R, i, j, S[i * n + j] / sqrt(S[i * n + i] * S[j * n + j]), INSERT_VALUES);
  MatAssemblyBegin(est->R, MAT_FINAL_ASSEMBLY);
  MatAssemblyEnd(est->R, MAT_FINAL_ASSEMBLY);
  MatCreateVecs(est->R, &est->member, sd);
  VecSet(est->member, 1.0);
  for (PetscInt i = rs; i < re; i++) VecSetValue(*sd, i, sqrt(S[i * n + i]), INSERT_VALUES);
  VecAssemblyBegin(*sd);
  VecAssemblyEnd(*sd);
}

static Vec vec_of(Vec like, const double *v)
{
  Vec      x;
  PetscInt rs, re;
  VecDuplicate(like, &x);
  VecGetOwnershipRange(x, &rs, &re);
  for (PetscInt i = rs; i < re; i++) VecSetValue(x, i, v[i], INSERT_VALUES);
  VecAssemblyBegin(x);
  VecAssemblyEnd(x);
  return x;
}

/* Solve the case with options o (sectors if with_sectors, w_prev = 1/20 if from_equal) and
 * compare with quadprog to tol. */
static void check_case(const char *name, const hc_port_options *o, int with_sectors, int from_equal, double tol)
{
  hc_cov_estimate  est;
  hc_port_solution s;
  Vec              sd;
  double           ref[NA], sec[NA], eq[NA];
  read_inputs();
  read_case(name, ref);
  estimate_of(NA, Sigma, &est, &sd);
  for (int i = 0; i < NA; i++) sec[i] = sector[i], eq[i] = 1.0 / NA;
  Vec m = vec_of(sd, mu), vs = vec_of(sd, sec), wp = vec_of(sd, eq);
  hc_port_problem pr = {.cov = &est, .mu = m, .sd = sd, .investable = est.member, .w_prev = from_equal ? wp : NULL,
                        .sector = with_sectors ? vs : NULL, .n_sectors = with_sectors ? n_sectors : 0};
  cr_assert_eq(hc_port_solve(o, &pr, &s), 0);
  cr_assert(s.converged, "%s: TAO %s after %d iterations", name, s.status, s.iterations);
  cr_assert_lt(s.max_violation, 1e-8, "%s: a constraint violated by %g", name, s.max_violation);
  const PetscScalar *w;
  VecGetArrayRead(s.w, &w);
  double worst = 0.0;
  for (int i = 0; i < NA; i++) worst = fmax(worst, fabs(w[i] - ref[i]));
  VecRestoreArrayRead(s.w, &w);
  cr_log_info("%s: max |w - quadprog| = %.2e, %d iterations, kkt %.1e / %.1e", name, worst, s.iterations, s.kkt_gradient, s.kkt_constraint);
  cr_expect_lt(worst, tol, "%s: max |w - quadprog| = %g", name, worst);
  hc_port_solution_free(&s);
  VecDestroy(&m), VecDestroy(&vs), VecDestroy(&wp), VecDestroy(&sd);
  hc_cov_estimate_free(&est);
}

static hc_port_options opts(hc_port_method m, int long_only, double cap)
{
  hc_port_options o;
  hc_port_options_default(&o);
  o.method = m, o.long_only = long_only, o.max_weight = cap, o.cost_bps = 0.0;
  return o;
}

Test(portfolio, gmv_long_only_cap_vs_quadprog)
{
  hc_port_options o = opts(HC_PORT_GMV, 1, 0.15);
  check_case("gmv_lo_cap", &o, 0, 0, 1e-6);
}

Test(portfolio, gmv_sector_caps_vs_quadprog)
{
  hc_port_options o = opts(HC_PORT_GMV, 1, 0.15);
  o.max_sector_weight = 0.25;
  check_case("gmv_lo_sector", &o, 1, 0, 1e-6);
}

Test(portfolio, gmv_long_short_gross_vs_quadprog)
{
  hc_port_options o = opts(HC_PORT_GMV, 0, 0.3);
  o.max_gross = 1.6;
  check_case("gmv_ls_gross", &o, 0, 0, 1e-6);
}

Test(portfolio, meanvar_long_only_vs_quadprog)
{
  hc_port_options o = opts(HC_PORT_MEANVAR, 1, 0.15);
  o.risk_aversion = 5.0, o.horizon = 20;
  check_case("mv_lo", &o, 0, 0, 1e-6);
}

Test(portfolio, meanvar_turnover_cost_vs_quadprog)
{
  hc_port_options o = opts(HC_PORT_MEANVAR, 1, 0.15);
  o.risk_aversion = 5.0, o.horizon = 20, o.cost_bps = 10.0;
  check_case("mv_lo_cost", &o, 0, 1, 1e-6);
}

Test(portfolio, meanvar_long_short_sectors_cost_vs_quadprog)
{
  hc_port_options o = opts(HC_PORT_MEANVAR, 0, 0.3);
  o.risk_aversion = 5.0, o.horizon = 20, o.cost_bps = 10.0, o.max_gross = 1.6, o.max_sector_weight = 0.4;
  check_case("mv_ls_cost", &o, 1, 1, 1e-6);
}

/* riskparity_mrt2010.csv: the covariance [4 x 4] and the ERC weights (computed, published) of
 * one example. */
static void read_mrt(const char *example, double *S, double *computed, double *published)
{
  char  line[1024];
  FILE *f = ref_open("portfolio/riskparity_mrt2010.csv");
  int   n_cov = 0, n_w = 0;
  while (fgets(line, sizeof line, f)) {
    char *ex = strtok(line, ","), *q = strtok(NULL, ","), *i = strtok(NULL, ","), *j = strtok(NULL, ","), *c = strtok(NULL, ","),
         *p = strtok(NULL, ",");
    if (!ex || !q || !i || !j || !c || !p || strcmp(ex, example)) continue;
    if (!strcmp(q, "cov")) S[(atoi(i) - 1) * 4 + atoi(j) - 1] = strtod(c, NULL), n_cov++;
    if (!strcmp(q, "erc_weight_percent")) computed[atoi(i) - 1] = strtod(c, NULL) / 100, published[atoi(i) - 1] = strtod(p, NULL) / 100, n_w++;
  }
  fclose(f);
  cr_assert(n_cov == 16 && n_w == 4, "riskparity_mrt2010.csv: %s incomplete", example);
}

static void check_erc(const char *example, double published_tol)
{
  double           S[16], computed[4], published[4];
  hc_cov_estimate  est;
  hc_port_solution s;
  Vec              sd;
  hc_port_options  o = opts(HC_PORT_RISKPARITY, 1, 1.0);
  read_mrt(example, S, computed, published);
  estimate_of(4, S, &est, &sd);
  hc_port_problem pr = {.cov = &est, .sd = sd, .investable = est.member};
  cr_assert_eq(hc_port_solve(&o, &pr, &s), 0);
  cr_assert(s.converged, "%s: TAO %s", example, s.status);
  const PetscScalar *w;
  VecGetArrayRead(s.w, &w);
  for (int i = 0; i < 4; i++) {
    cr_expect_lt(fabs(w[i] - computed[i]), 1e-8, "%s w[%d] = %.12f, Spinu's problem in R gives %.12f", example, i, w[i], computed[i]);
    cr_expect_lt(fabs(w[i] - published[i]), published_tol, "%s w[%d] = %.4f, published %.3f", example, i, w[i], published[i]);
  }
  /* the defining property: equal risk contributions w_i (S w)_i */
  double Sw[4], rc[4], tot = 0.0;
  for (int i = 0; i < 4; i++) {
    Sw[i] = 0.0;
    for (int j = 0; j < 4; j++) Sw[i] += S[i * 4 + j] * w[j];
    rc[i] = w[i] * Sw[i];
    tot += rc[i];
  }
  for (int i = 0; i < 4; i++) cr_expect_lt(fabs(rc[i] / tot - 0.25), 1e-8, "%s: risk share %d = %.10f", example, i, rc[i] / tot);
  VecRestoreArrayRead(s.w, &w);
  hc_port_solution_free(&s);
  VecDestroy(&sd);
  hc_cov_estimate_free(&est);
}

/* Maillard, Roncalli & Teiletche (2010), p. 65: vols 10/20/30/40 %, rho_12 = 0.8, rho_34 = -0.5:
 * ERC weights 38.4 / 19.2 / 24.3 / 18.2 % (published to 0.1 %); with zero correlations 48/24/16/12. */
Test(portfolio, riskparity_published_example) { check_erc("mrt2010_general", 0.0005 + 1e-12); }
Test(portfolio, riskparity_zero_correlation) { check_erc("mrt2010_zero_corr", 0.0005 + 1e-12); }

/* Newey-West long-run variance and t against R sandwich::NeweyWest (prewhite = FALSE,
 * adjust = FALSE) on a real active return (neweywest_sandwich.R). */
Test(portfolio, newey_west_vs_sandwich)
{
  char   line[256];
  double x[300];
  int    n = 0;
  FILE  *f = ref_open("portfolio/neweywest_series.csv");
  cr_assert(fgets(line, sizeof line, f));
  while (n < 300 && fgets(line, sizeof line, f)) {
    char *c = strrchr(line, ',');
    cr_assert_not_null(c);
    x[n++] = strtod(c + 1, NULL);
  }
  fclose(f);
  cr_assert_eq(n, 250);
  cr_expect_eq(hc_port_nw_lags(n), 4);
  f = ref_open("portfolio/neweywest_sandwich.csv");
  cr_assert(fgets(line, sizeof line, f));
  int rows = 0;
  double mean = 0.0;
  for (int t = 0; t < n; t++) mean += x[t] / n;
  while (fgets(line, sizeof line, f)) {
    int    L   = atoi(strtok(line, ","));
    double lrv = strtod(strtok(NULL, ","), NULL), t = strtod(strtok(NULL, ","), NULL);
    double got = hc_port_newey_west(x, n, L);
    cr_expect_lt(fabs(got - lrv) / lrv, 1e-12, "L = %d: lrv %.17g, sandwich %.17g", L, got, lrv);
    cr_expect_lt(fabs(mean / sqrt(got / n) - t), 1e-10, "L = %d: t", L);
    rows++;
  }
  fclose(f);
  cr_assert_eq(rows, 4);
  /* the metrics' t is the same statistic at the rule's lag, on r - rb */
  double zero[250] = {0}, y[250];
  for (int t = 0; t < n; t++) y[t] = x[t];
  hc_active_metrics a;
  hc_port_active_metrics(y, zero, n, 252.0, &a);
  cr_expect_eq(a.nw_lags, 4);
  cr_expect_lt(fabs(a.t_nw - mean / sqrt(hc_port_newey_west(x, n, 4) / n)), 1e-12);
}

/* Alpha, beta, tracking error and information ratio by their definitions on a constructed pair:
 * r = 0.0002 + 0.5 rb + u with u orthogonal to rb and of mean 0: alpha = 252 * 0.0002 exactly. */
Test(portfolio, active_metrics_definitions)
{
  enum { n = 200 };
  double rb[n], r[n];
  for (int t = 0; t < n; t++) {
    rb[t] = 0.01 * sin(0.3 * t) + 0.001;
    const double u = (t % 2 ? 1.0 : -1.0) * 0.002; /* alternating: mean 0 */
    r[t] = 0.0002 + 0.5 * rb[t] + u;
  }
  /* make u orthogonal to rb: project it out */
  double su = 0, sb = 0, mb = 0;
  for (int t = 0; t < n; t++) mb += rb[t] / n;
  for (int t = 0; t < n; t++) {
    const double u = r[t] - 0.0002 - 0.5 * rb[t];
    su += u * (rb[t] - mb), sb += (rb[t] - mb) * (rb[t] - mb);
  }
  for (int t = 0; t < n; t++) r[t] -= su / sb * (rb[t] - mb);
  hc_active_metrics a;
  hc_port_active_metrics(r, rb, n, 252.0, &a);
  cr_expect_eq(a.n, n);
  cr_expect_lt(fabs(a.beta - 0.5), 1e-12, "beta %.15f", a.beta);
  cr_expect_lt(fabs(a.alpha - 252 * 0.0002), 1e-12, "alpha %.15f", a.alpha);
  double md = 0, sd = 0;
  for (int t = 0; t < n; t++) md += (r[t] - rb[t]) / n;
  for (int t = 0; t < n; t++) sd += (r[t] - rb[t] - md) * (r[t] - rb[t] - md) / (n - 1);
  cr_expect_lt(fabs(a.active_return - 252 * md), 1e-14);
  cr_expect_lt(fabs(a.information_ratio - sqrt(252.0) * md / sqrt(sd)), 1e-10);
  /* a non-finite pair is left out, fewer than 2 pairs gives NaN */
  r[3] = NAN;
  hc_port_active_metrics(r, rb, n, 252.0, &a);
  cr_expect_eq(a.n, n - 1);
  hc_port_active_metrics(r, rb, 1, 252.0, &a);
  cr_expect(isnan(a.information_ratio) && isnan(a.t_nw));
}

/* A panel of the 20 tickers' 600 real returns (lw_z20.csv): z = y / sd, one-step forecasts
 * mu = the mean of the 250 returns before each date and sd = their sd (computed from the past
 * only), e = y - mu. factor (optional): returns at dates >= from are replaced by factor * y
 * (z, e recomputed; forecasts at later dates see the changed past). */
static hc_cov_panel *real_panel(int from, double factor)
{
  enum { T = 600, K = 20, L = 250 };
  char          path[4096], err[4352];
  wide          w;
  hc_cov_row    rows[K];
  hc_cov_panel *p;
  snprintf(path, sizeof path, "%s/tests/reference/lw_z20.csv", getenv("HPCAST_SOURCE_ROOT"));
  cr_assert_eq(wide_read(path, T, K, &w, err, sizeof err), 0, "%s", err);
  double *z = malloc(sizeof(double) * 4 * T * K), *e = z + T * K, *sd = e + T * K, *mu = sd + T * K;
  for (int j = 0; j < K; j++) {
    double *y = w.v + (size_t)j * T;
    for (int t = from; t < T; t++) y[t] *= factor;
    for (int t = 0; t < T; t++) {
      double m = 0, s = 0;
      const int a = t < L ? 0 : t - L, n = t - a;
      for (int k = a; k < t; k++) m += y[k] / (n ? n : 1);
      for (int k = a; k < t; k++) s += (y[k] - m) * (y[k] - m) / (n > 1 ? n - 1 : 1);
      mu[j * T + t] = n >= 20 ? m : NAN;
      sd[j * T + t] = n >= 20 ? sqrt(s) : NAN;
      e[j * T + t]  = y[t] - mu[j * T + t];
      z[j * T + t]  = n >= 20 ? e[j * T + t] / sd[j * T + t] : y[t];
    }
    rows[j] = (hc_cov_row){.index = j, .n = T, .day = w.day, .z = z + j * T, .e = e + j * T, .sd = sd + j * T, .mu = mu + j * T};
  }
  cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, K, K, rows, T, &p), 0);
  free(z);
  wide_free(&w);
  return p;
}

/* Data after an origin leave that origin's book unchanged: the backtest with every return
 * from date c1 on tripled has the same book returns before c1 and the same trades at c1 (the
 * rebalance there used data up to c1 - 1 only); the same change one day earlier changes them. */
Test(portfolio, backtest_uses_only_the_past)
{
  hc_cov_options co;
  hc_port_options o = opts(HC_PORT_MEANVAR, 1, 0.15);
  hc_port_backtest a, b, c;
  hc_cov_options_default(&co);
  co.window = 250, co.min_overlap = 100, co.origins = 120, co.refit_every = 20;
  o.cost_bps = 5.0;
  const int T = 600, c1 = T - 120 + 60; /* the fourth rebalance */
  hc_cov_panel *p = real_panel(T, 1.0), *q = real_panel(c1, 3.0), *r = real_panel(c1 - 1, 3.0);
  cr_assert_eq(hc_port_backtest_run(p, &co, &o, NULL, 0, &a), 0);
  cr_assert_eq(hc_port_backtest_run(q, &co, &o, NULL, 0, &b), 0);
  cr_assert_eq(hc_port_backtest_run(r, &co, &o, NULL, 0, &c), 0);
  cr_assert_eq(a.n_days, 120);
  cr_assert_eq(a.n_rebalances, 6);
  cr_expect_eq(a.n_unconverged, 0);
  cr_expect_lt(a.max_violation, 1e-8);
  for (int k = 0; k < 60; k++) {
    cr_expect_eq(a.r_book[k], b.r_book[k], "day %d: %.17g vs %.17g", k, a.r_book[k], b.r_book[k]);
    cr_expect_eq(a.r_bench[k], b.r_bench[k]);
  }
  cr_expect_eq(a.turnover[60], b.turnover[60], "the trades at the origin changed: %.17g vs %.17g", a.turnover[60], b.turnover[60]);
  cr_expect_gt(a.turnover[60], 0.0);
  cr_expect_neq(a.turnover[60], c.turnover[60], "changing the day before the origin must change its book");
  cr_expect_neq(a.r_book[60], b.r_book[60]);
  hc_port_backtest_free(&a), hc_port_backtest_free(&b), hc_port_backtest_free(&c);
  hc_cov_panel_destroy(&p), hc_cov_panel_destroy(&q), hc_cov_panel_destroy(&r);
}

/* Caps that cannot hold the budget are raised to the smallest that can, and the note says so:
 * 4 assets at most 10 % each hold 40 %; at 25 % each the only book is equal weights. */
Test(portfolio, infeasible_caps_are_raised)
{
  double           S[16], computed[4], published[4];
  hc_cov_estimate  est;
  hc_port_solution s;
  Vec              sd;
  hc_port_options  o = opts(HC_PORT_GMV, 1, 0.1);
  read_mrt("mrt2010_general", S, computed, published);
  estimate_of(4, S, &est, &sd);
  hc_port_problem pr = {.cov = &est, .sd = sd, .investable = est.member};
  cr_assert_eq(hc_port_solve(&o, &pr, &s), 0);
  cr_expect(s.converged, "%s", s.status);
  cr_expect(strstr(s.note, "-max_weight 0.1 raised to 0.25"), "note: %s", s.note);
  cr_expect_lt(fabs(s.max_weight - 0.25), 1e-12);
  const PetscScalar *w;
  VecGetArrayRead(s.w, &w);
  for (int i = 0; i < 4; i++) cr_expect_lt(fabs(w[i] - 0.25), 1e-8, "w[%d] = %.12f", i, w[i]);
  VecRestoreArrayRead(s.w, &w);
  cr_expect_lt(s.max_violation, 1e-8);
  hc_port_solution_free(&s);
  VecDestroy(&sd);
  hc_cov_estimate_free(&est);
}
