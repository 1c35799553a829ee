/* The covariance module (src/covariance): Ledoit-Wolf shrinkage against scikit-learn, the DCC
 * composite likelihood and its maximum against base R, a simulation study of the DCC sandwich
 * standard errors, the factor:K model against LAPACK's eigenvalues, bad input, and the
 * minimum-variance backtest on a panel whose truth is known.
 *
 * Reference files (tests/reference): lw_z20.csv, lw_sklearn.csv, lw_sklearn_shrinkage.csv
 * (lw_sklearn.py) and dcc_z5.csv, dcc_r.csv (dcc_r.R). Every test runs on one rank
 * (PETSC_COMM_WORLD of a singleton MPI); tests/mpi/test_covariance.c checks the distributed
 * computations against these. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slepcsys.h>

#include "hpcast/covariance.h"
#include "../wide_csv.h"

/* LAPACK (the test's independent eigenvalues) */
extern void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work, const int *lwork,
                   int *info);

static void setup(void) { cr_assert_eq(SlepcInitializeNoArguments(), 0); }
static void teardown(void)
{
  PetscOptionsClear(NULL);
  SlepcFinalize();
}
TestSuite(covariance, .init = setup, .fini = teardown, .timeout = 600);

static double lre(double x, double ref) { return x == ref ? 15.0 : -log10(fabs(x - ref) / fabs(ref)); }

/* ---------------------------------------------------------------------------------------- */
/* Reference files                                                                           */

static void ref_path(const char *name, char *path, size_t n)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT is not set (tests/unit/meson.build sets it)");
  snprintf(path, n, "%s/tests/reference/%s", root, name);
}

static wide read_wide(const char *name, int want_T, int want_K)
{
  char path[4096], err[4352];
  wide w;
  ref_path(name, path, sizeof path);
  cr_assert_eq(wide_read(path, want_T, want_K, &w, err, sizeof err), 0, "%s", err);
  return w;
}

/* "name,value" rows (dcc_r.csv): the value of `key`. */
static double ref_value(const char *file, const char *key)
{
  char path[4096], line[512];
  ref_path(file, path, sizeof path);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s (produced by the wt-covref branch)", path);
  double v = NAN;
  while (fgets(line, sizeof line, f)) {
    char *c = strchr(line, ',');
    if (!c) continue;
    *c = '\0';
    if (strcmp(line, key) == 0) v = strtod(c + 1, NULL);
  }
  fclose(f);
  cr_assert(isfinite(v), "%s: no value %s", path, key);
  return v;
}

/* ---------------------------------------------------------------------------------------- */
/* Panels                                                                                    */

static double *nan_array(int n)
{
  double *a = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  for (int i = 0; i < n; i++) a[i] = NAN;
  return a;
}

/* The panel of N rows on PETSC_COMM_WORLD: row k of rows[] is column col[k] of w at index
 * index[k] (index NULL: k), e and sd NaN. */
static hc_cov_panel *wide_panel(const wide *w, int N, int n, const int *col, const int *index, int span)
{
  double     *nan = nan_array(w->T);
  hc_cov_row *r   = calloc((size_t)(n > 0 ? n : 1), sizeof *r);
  for (int k = 0; k < n; k++)
    r[k] = (hc_cov_row){.index = index ? index[k] : k, .n = w->T, .day = w->day, .z = w->v + (size_t)col[k] * w->T, .e = nan, .sd = nan};
  hc_cov_panel *p = NULL;
  cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, N, n, r, span, &p), 0);
  free(r);
  free(nan);
  return p;
}

static void check_correlation(const double *R, int N, double tol, const char *what)
{
  double asym = 0, diag = 0;
  for (int i = 0; i < N; i++) {
    diag = fmax(diag, fabs(R[i * N + i] - 1.0));
    for (int j = 0; j < N; j++) {
      asym = fmax(asym, fabs(R[i * N + j] - R[j * N + i]));
      cr_expect(isfinite(R[i * N + j]) && fabs(R[i * N + j]) <= 1.0 + tol, "%s: R[%d,%d] = %g", what, i, j, R[i * N + j]);
    }
  }
  cr_expect(asym <= tol, "%s: R not symmetric, max |R_ij - R_ji| = %.3g", what, asym);
  cr_expect(diag <= tol, "%s: diagonal of R not 1, max |R_ii - 1| = %.3g", what, diag);
}

typedef struct {
  double *R, *B, *psi;
  int    *member, *n_obs;
} gathered;

static gathered gather(const hc_cov_estimate *est)
{
  gathered g;
  cr_assert_eq(hc_cov_estimate_gather(est, &g.R, &g.B, &g.psi, &g.member, &g.n_obs), 0);
  return g;
}

static void gathered_free(gathered *g)
{
  PetscFree(g->R);
  PetscFree(g->B);
  PetscFree(g->psi);
  PetscFree(g->member);
  PetscFree(g->n_obs);
}

static hc_cov_options options(hc_cov_model m, int window, int K)
{
  hc_cov_options o;
  hc_cov_options_default(&o);
  o.model       = m;
  o.window      = window;
  o.min_overlap = 250;
  o.n_factors   = K;
  return o;
}

/* ---------------------------------------------------------------------------------------- */
/* a. Ledoit-Wolf against scikit-learn                                                       */

#define LW_T 600
#define LW_N 20

static int identity_cols[64] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39};

Test(covariance, shrink_matches_sklearn)
{
  wide           w = read_wide("lw_z20.csv", LW_T, LW_N);
  hc_cov_panel  *p = wide_panel(&w, LW_N, LW_N, identity_cols, NULL, LW_T);
  int            N, T;
  hc_cov_options o = options(HC_COV_SHRINK, LW_T, 10);
  hc_cov_panel_size(p, &N, &T);
  cr_assert_eq(N, LW_N);
  cr_assert_eq(T, LW_T);
  cr_expect_eq(hc_cov_panel_day(p, 0), w.day[0]);
  cr_expect_eq(hc_cov_panel_day(p, T - 1), w.day[T - 1]);
  hc_cov_estimate est;
  cr_assert_eq(hc_cov_estimate_compute(p, &o, T, NULL, &est), 0);
  cr_expect_eq(est.model, HC_COV_SHRINK);
  cr_expect_str_eq(est.reason, "");
  cr_expect_eq(est.n_members, LW_N);
  cr_expect_eq(est.window, LW_T);
  cr_expect_eq(est.n_low_pairs, 0);
  gathered g = gather(&est);

  /* sklearn's covariance_ on the standardized matrix */
  char path[4096], line[256];
  ref_path("lw_sklearn.csv", path, sizeof path);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  cr_assert_not_null(fgets(line, sizeof line, f));
  double maxerr = 0;
  int    n      = 0;
  while (fgets(line, sizeof line, f)) {
    int    i, j;
    double v;
    cr_assert_eq(sscanf(line, "%d,%d,%lf", &i, &j, &v), 3, "bad line %s", line);
    cr_assert(i >= 0 && i < LW_N && j >= 0 && j < LW_N);
    const double e = fabs(g.R[i * LW_N + j] - v);
    cr_expect(e <= 1e-10, "R[%d,%d] = %.17g, sklearn %.17g (|diff| %.3g)", i, j, g.R[i * LW_N + j], v, e);
    maxerr = fmax(maxerr, e);
    n++;
  }
  fclose(f);
  cr_expect_eq(n, LW_N * LW_N);
  /* lw_sklearn_shrinkage.csv has a header line "shrinkage,mu" and one row of values */
  ref_path("lw_sklearn_shrinkage.csv", path, sizeof path);
  f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  double s_ref, mu_ref;
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert_eq(fscanf(f, "%lf,%lf", &s_ref, &mu_ref), 2);
  fclose(f);
  cr_expect(fabs(est.shrinkage_lw - s_ref) <= 1e-12, "shrinkage_lw %.17g, sklearn %.17g", est.shrinkage_lw, s_ref);
  cr_expect(est.shrinkage == est.shrinkage_lw, "no eigenvalue floor needed: shrinkage %.17g vs LW %.17g", est.shrinkage, est.shrinkage_lw);
  cr_expect(est.lambda_min >= HC_COV_EIG_FLOOR);
  cr_log_info("shrink vs sklearn: max |R - R_sklearn| = %.3g, shrinkage %.17g (sklearn %.17g, |diff| %.3g), lambda_min %.6g", maxerr,
              est.shrinkage_lw, s_ref, fabs(est.shrinkage_lw - s_ref), est.lambda_min);
  check_correlation(g.R, LW_N, 1e-14, "shrink");
  for (int i = 0; i < LW_N; i++) {
    cr_expect_eq(g.member[i], 1);
    cr_expect_eq(g.n_obs[i], LW_T);
  }
  gathered_free(&g);
  cr_assert_eq(hc_cov_estimate_free(&est), 0);
  cr_assert_eq(hc_cov_panel_destroy(&p), 0);
  cr_expect_null(p);
  wide_free(&w);
}

/* The window: only the last `window` dates enter, so the estimate on window 400 of the full
 * panel equals the estimate on a panel of those 400 dates. */
Test(covariance, shrink_window_is_the_last_dates)
{
  wide           w = read_wide("lw_z20.csv", LW_T, LW_N);
  hc_cov_panel  *p = wide_panel(&w, LW_N, LW_N, identity_cols, NULL, LW_T);
  hc_cov_panel  *q = wide_panel(&w, LW_N, LW_N, identity_cols, NULL, 400); /* span 400: the last 400 dates */
  hc_cov_options o = options(HC_COV_SHRINK, 400, 10);
  hc_cov_estimate ep, eq;
  cr_assert_eq(hc_cov_estimate_compute(p, &o, LW_T, NULL, &ep), 0);
  cr_assert_eq(hc_cov_estimate_compute(q, &o, 400, NULL, &eq), 0);
  gathered gp = gather(&ep), gq = gather(&eq);
  double   m  = 0;
  for (int k = 0; k < LW_N * LW_N; k++) m = fmax(m, fabs(gp.R[k] - gq.R[k]));
  cr_expect(m <= 1e-14, "window 400 of 600 dates vs a panel of 400 dates: max |diff| %.3g", m);
  cr_expect(fabs(ep.shrinkage_lw - eq.shrinkage_lw) <= 1e-14);
  gathered_free(&gp);
  gathered_free(&gq);
  hc_cov_estimate_free(&ep);
  hc_cov_estimate_free(&eq);
  hc_cov_panel_destroy(&p);
  hc_cov_panel_destroy(&q);
  wide_free(&w);
}

/* ---------------------------------------------------------------------------------------- */
/* b. DCC against base R                                                                     */

#define DCC_T 1000
#define DCC_N 5

static void dcc_fit_check(const wide *w, int n, const char *prefix_a, const char *prefix_b, const char *key_ll, const char *what)
{
  hc_cov_panel  *p = wide_panel(w, n, n, identity_cols, NULL, DCC_T);
  hc_cov_options o = options(HC_COV_DCC, DCC_T, 10);
  hc_cov_estimate est;
  cr_assert_eq(hc_cov_estimate_compute(p, &o, DCC_T, NULL, &est), 0);
  const double a_ref = ref_value("dcc_r.csv", prefix_a), b_ref = ref_value("dcc_r.csv", prefix_b), ll_ref = ref_value("dcc_r.csv", key_ll);
  cr_expect_eq(est.model, HC_COV_DCC, "%s: model %s (%s)", what, hc_cov_model_name(est.model), est.reason);
  cr_expect_str_eq(est.reason, "");
  cr_expect_eq(est.n_pairs, n - 1);
  cr_expect(est.tao_reason > 0, "%s: TAO reason %d", what, est.tao_reason);
  cr_expect(lre(est.a, a_ref) >= 4, "%s: a %.10f, R %.10f (LRE %.2f)", what, est.a, a_ref, lre(est.a, a_ref));
  cr_expect(lre(est.b, b_ref) >= 4, "%s: b %.10f, R %.10f (LRE %.2f)", what, est.b, b_ref, lre(est.b, b_ref));
  cr_expect(fabs(est.loglik - ll_ref) <= 1e-6, "%s: loglik %.10f, R %.10f (|diff| %.3g)", what, est.loglik, ll_ref, fabs(est.loglik - ll_ref));
  cr_expect(isfinite(est.se_a) && est.se_a > 0, "%s: se_a %g", what, est.se_a);
  cr_expect(isfinite(est.se_b) && est.se_b > 0, "%s: se_b %g", what, est.se_b);
  cr_log_info("dcc %s: a %.8f (R %.8f, LRE %.1f) b %.8f (R %.8f, LRE %.1f) loglik %.8f (R %.8f, |diff| %.2g) se_a %.5f se_b %.5f, %d "
              "TAO iterations",
              what, est.a, a_ref, lre(est.a, a_ref), est.b, b_ref, lre(est.b, b_ref), est.loglik, ll_ref, fabs(est.loglik - ll_ref), est.se_a,
              est.se_b, est.iterations);
  gathered g = gather(&est);
  check_correlation(g.R, n, 1e-14, what);
  cr_expect(est.lambda_min >= HC_COV_EIG_FLOOR);
  gathered_free(&g);
  cr_assert_eq(hc_cov_estimate_free(&est), 0);
  cr_assert_eq(hc_cov_panel_destroy(&p), 0);
}

Test(covariance, dcc_loglik_matches_r)
{
  wide           w = read_wide("dcc_z5.csv", DCC_T, DCC_N);
  hc_cov_options o = options(HC_COV_DCC, DCC_T, 10);
  /* the composite likelihood of the 4 contiguous pairs */
  hc_cov_panel *p = wide_panel(&w, DCC_N, DCC_N, identity_cols, NULL, DCC_T);
  double        ll, g[2];
  int           np;
  cr_assert_eq(hc_cov_dcc_loglik(p, &o, 0, DCC_T, 0.05, 0.90, &ll, g, &np), 0);
  const double cl0 = ref_value("dcc_r.csv", "cl_at_start");
  cr_expect_eq(np, DCC_N - 1);
  cr_expect(fabs(ll - cl0) <= 1e-6, "CL(0.05, 0.90) %.12f, R %.12f (|diff| %.3g)", ll, cl0, fabs(ll - cl0));
  cr_log_info("CL(0.05, 0.90) = %.12f, R %.12f: |diff| %.3g, LRE %.1f", ll, cl0, fabs(ll - cl0), lre(ll, cl0));
  /* the analytic gradient against central differences of the likelihood */
  for (int k = 0; k < 2; k++) {
    const double h = 1e-6;
    double       lp, lm;
    cr_assert_eq(hc_cov_dcc_loglik(p, &o, 0, DCC_T, 0.05 + (k == 0) * h, 0.90 + (k == 1) * h, &lp, NULL, NULL), 0);
    cr_assert_eq(hc_cov_dcc_loglik(p, &o, 0, DCC_T, 0.05 - (k == 0) * h, 0.90 - (k == 1) * h, &lm, NULL, NULL), 0);
    const double fd = (lp - lm) / (2 * h);
    cr_expect(fabs(fd - g[k]) <= 1e-5 * fmax(1.0, fabs(g[k])), "gradient %d: analytic %.10g, differences %.10g", k, g[k], fd);
  }
  cr_assert_eq(hc_cov_panel_destroy(&p), 0);
  /* one pair: the composite likelihood is the full likelihood of the pair */
  p = wide_panel(&w, 2, 2, identity_cols, NULL, DCC_T);
  cr_assert_eq(hc_cov_dcc_loglik(p, &o, 0, DCC_T, 0.05, 0.90, &ll, NULL, &np), 0);
  const double f20 = ref_value("dcc_r.csv", "full2_at_start");
  cr_expect_eq(np, 1);
  cr_expect(fabs(ll - f20) <= 1e-6, "l(0.05, 0.90) of columns 1,2: %.12f, R %.12f (|diff| %.3g)", ll, f20, fabs(ll - f20));
  cr_log_info("full likelihood of columns 1,2 at (0.05, 0.90) = %.12f, R %.12f: |diff| %.3g", ll, f20, fabs(ll - f20));
  cr_assert_eq(hc_cov_panel_destroy(&p), 0);
  wide_free(&w);
}

Test(covariance, dcc_fit_matches_r)
{
  wide w = read_wide("dcc_z5.csv", DCC_T, DCC_N);
  dcc_fit_check(&w, DCC_N, "a_hat", "b_hat", "cl_hat", "composite (5 columns)");
  dcc_fit_check(&w, 2, "full2_a_hat", "full2_b_hat", "full2_hat", "full (columns 1,2)");
  wide_free(&w);
}

/* ---------------------------------------------------------------------------------------- */
/* c. Simulation study of the DCC estimator and its sandwich standard errors                 */

static uint64_t rng_state;
static double   uniform01(void)
{
  /* xorshift64*, 53 bits, in (0, 1) */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return ((double)((rng_state * 2685821657736338717ULL) >> 11) + 0.5) / 9007199254740992.0;
}
static double normal01(void)
{
  static int    have;
  static double spare;
  if (have) {
    have = 0;
    return spare;
  }
  const double u = uniform01(), v = uniform01(), r = sqrt(-2.0 * log(u));
  spare = r * sin(2 * M_PI * v);
  have  = 1;
  return r * cos(2 * M_PI * v);
}
static void rng_seed(uint64_t s)
{
  rng_state = s * 0x9E3779B97F4A7C15ULL + 1;
  for (int k = 0; k < 10; k++) uniform01();
}

/* Lower Cholesky factor of the n x n SPD matrix A (row-major) into L. */
static void cholesky(int n, const double *A, double *L)
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) {
      double s = A[i * n + j];
      for (int k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        cr_assert(s > 0, "cholesky: not positive definite");
        L[i * n + i] = sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) L[i * n + j] = 0.0;
}

#define SIM_N 10
/* z [SIM_N * n] (row i at z + i n): a DCC(1,1) path with parameters (a, b) and Qbar, after a
 * burn-in of `burn` dates. */
static void simulate_dcc(int n, int burn, double a, double b, const double *Qbar, double *z)
{
  double Q[SIM_N * SIM_N], R[SIM_N * SIM_N], L[SIM_N * SIM_N], zp[SIM_N] = {0}, e[SIM_N];
  memcpy(Q, Qbar, sizeof Q);
  for (int t = 0; t < burn + n; t++) {
    if (t > 0)
      for (int i = 0; i < SIM_N * SIM_N; i++) Q[i] = (1 - a - b) * Qbar[i] + a * zp[i / SIM_N] * zp[i % SIM_N] + b * Q[i];
    for (int i = 0; i < SIM_N; i++)
      for (int j = 0; j < SIM_N; j++) R[i * SIM_N + j] = Q[i * SIM_N + j] / sqrt(Q[i * SIM_N + i] * Q[j * SIM_N + j]);
    cholesky(SIM_N, R, L);
    for (int i = 0; i < SIM_N; i++) e[i] = normal01();
    for (int i = 0; i < SIM_N; i++) {
      double s = 0;
      for (int k = 0; k <= i; k++) s += L[i * SIM_N + k] * e[k];
      zp[i] = s;
      if (t >= burn) z[(size_t)i * n + (t - burn)] = s;
    }
  }
}

/* The acceptance: N = 10, n = 2000, 50 draws of DCC(1,1) with a = 0.05, b = 0.90 and
 * Qbar = 0.5^|i-j|: the true (a, b) inside (a_hat +- 2 se_a) x (b_hat +- 2 se_b) in at least
 * 45 of the 50 draws. */
Test(covariance, dcc_simulation_coverage)
{
  enum { n = 2000, draws = 50, burn = 500 };
  const double a0 = 0.05, b0 = 0.90;
  double       Qbar[SIM_N * SIM_N];
  for (int i = 0; i < SIM_N; i++)
    for (int j = 0; j < SIM_N; j++) Qbar[i * SIM_N + j] = pow(0.5, abs(i - j));
  double     *z   = malloc(sizeof(double) * SIM_N * n);
  int        *day = malloc(sizeof(int) * n);
  double     *nan = nan_array(n);
  hc_cov_row  rows[SIM_N];
  for (int t = 0; t < n; t++) day[t] = 10000 + t;
  hc_cov_options o = options(HC_COV_DCC, n, 10);
  int            cover = 0, cover_a = 0, cover_b = 0, fitted = 0;
  double         sa = 0, sb = 0, sa2 = 0, sb2 = 0, sea = 0, seb = 0, sea2 = 0, seb2 = 0, sab = 0;
  rng_seed(20240601);
  for (int d = 0; d < draws; d++) {
    simulate_dcc(n, burn, a0, b0, Qbar, z);
    for (int i = 0; i < SIM_N; i++) rows[i] = (hc_cov_row){.index = i, .n = n, .day = day, .z = z + (size_t)i * n, .e = nan, .sd = nan};
    hc_cov_panel *p;
    cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, SIM_N, SIM_N, rows, n, &p), 0);
    hc_cov_estimate est;
    cr_assert_eq(hc_cov_estimate_compute(p, &o, n, NULL, &est), 0);
    cr_expect_eq(est.model, HC_COV_DCC, "draw %d: %s", d, est.reason);
    cr_expect_eq(est.n_pairs, SIM_N - 1);
    if (est.model == HC_COV_DCC && isfinite(est.se_a) && isfinite(est.se_b)) {
      const int ia = fabs(est.a - a0) <= 2 * est.se_a, ib = fabs(est.b - b0) <= 2 * est.se_b;
      cover += ia && ib, cover_a += ia, cover_b += ib, fitted++;
      sa += est.a, sb += est.b, sa2 += est.a * est.a, sb2 += est.b * est.b, sab += est.a * est.b;
      sea += est.se_a, seb += est.se_b, sea2 += est.se_a * est.se_a, seb2 += est.se_b * est.se_b;
      if (!(ia && ib))
        cr_log_info("draw %d: a %.5f (se %.5f) b %.5f (se %.5f) not covered", d, est.a, est.se_a, est.b, est.se_b);
    }
    cr_assert_eq(hc_cov_estimate_free(&est), 0);
    cr_assert_eq(hc_cov_panel_destroy(&p), 0);
  }
  const double m   = fitted > 0 ? fitted : 1;
  const double ma  = sa / m, mb = sb / m;
  const double sda = sqrt((sa2 - m * ma * ma) / (m - 1)), sdb = sqrt((sb2 - m * mb * mb) / (m - 1));
  const double cab = (sab - m * ma * mb) / (m - 1) / (sda * sdb);
  cr_log_info("DCC simulation (N %d, n %d, %d draws, a %.2f, b %.2f, Qbar 0.5^|i-j|): %d of %d fitted draws covered by +-2 se in both "
              "(a alone %d, b alone %d)",
              SIM_N, n, draws, a0, b0, cover, fitted, cover_a, cover_b);
  cr_log_info("  mean a_hat %.5f (bias %+.5f), empirical sd %.5f, mean se_a %.5f, rms se_a %.5f", ma, ma - a0, sda, sea / m, sqrt(sea2 / m));
  cr_log_info("  mean b_hat %.5f (bias %+.5f), empirical sd %.5f, mean se_b %.5f, rms se_b %.5f", mb, mb - b0, sdb, seb / m, sqrt(seb2 / m));
  cr_log_info("  correlation of (a_hat, b_hat) over the draws %.3f", cab);
  cr_expect_eq(fitted, draws, "every draw gives a DCC fit with finite standard errors");
  cr_expect(cover >= 45, "coverage %d of %d < 45 (see the log for mean se vs empirical sd)", cover, draws);
  free(z);
  free(day);
  free(nan);
}

/* ---------------------------------------------------------------------------------------- */
/* d. factor:K against LAPACK                                                                 */

Test(covariance, factor_matches_lapack)
{
  enum { K = 3 };
  wide           w = read_wide("lw_z20.csv", LW_T, LW_N);
  hc_cov_panel  *p = wide_panel(&w, LW_N, LW_N, identity_cols, NULL, LW_T);
  hc_cov_options o = options(HC_COV_FACTOR, LW_T, K);
  hc_cov_estimate est;
  cr_assert_eq(hc_cov_estimate_compute(p, &o, LW_T, NULL, &est), 0);
  cr_expect_eq(est.model, HC_COV_FACTOR);
  cr_expect_eq(est.K, K);
  cr_expect_null(est.R);
  cr_assert_not_null(est.B);
  cr_assert_not_null(est.psi);
  cr_expect(isnan(est.lambda_min));
  gathered g = gather(&est);
  cr_assert_not_null(g.B);
  cr_assert_not_null(g.psi);

  /* the test's own C = X X' / L, X the rows standardized with population sd */
  static double C[LW_N * LW_N], X[LW_N][LW_T];
  for (int i = 0; i < LW_N; i++) {
    double m = 0, s = 0;
    for (int t = 0; t < LW_T; t++) m += w.v[i * LW_T + t];
    m /= LW_T;
    for (int t = 0; t < LW_T; t++) s += (w.v[i * LW_T + t] - m) * (w.v[i * LW_T + t] - m);
    s = sqrt(s / LW_T);
    for (int t = 0; t < LW_T; t++) X[i][t] = (w.v[i * LW_T + t] - m) / s;
  }
  for (int i = 0; i < LW_N; i++)
    for (int j = 0; j < LW_N; j++) {
      double s = 0;
      for (int t = 0; t < LW_T; t++) s += X[i][t] * X[j][t];
      C[i * LW_N + j] = s / LW_T;
    }
  double    ev[LW_N], work[20 * LW_N];
  const int n = LW_N, lwork = 20 * LW_N;
  int       info;
  dsyev_("V", "U", &n, C, &n, ev, work, &lwork, &info); /* ascending; eigenvector k in C + k n */
  cr_assert_eq(info, 0);

  double expl = 0;
  for (int k = 0; k < K; k++) {
    const double lam = ev[LW_N - 1 - k];
    double       col = 0, dot = 0, sum = 0;
    for (int i = 0; i < LW_N; i++) {
      col += g.B[i * K + k] * g.B[i * K + k];
      dot += g.B[i * K + k] * C[(LW_N - 1 - k) * LW_N + i];
      sum += g.B[i * K + k];
    }
    /* |B_k|^2 = lambda_k (B = U Lambda^1/2); B_k parallel to LAPACK's eigenvector; sign: positive sum */
    cr_expect(fabs(col - lam) <= 1e-8, "eigenvalue %d: |B_k|^2 %.15g, LAPACK %.15g (|diff| %.3g)", k, col, lam, fabs(col - lam));
    cr_expect(fabs(fabs(dot) - sqrt(lam)) <= 1e-8 * sqrt(lam), "eigenvector %d: |<B_k, u_k>| %.15g, sqrt(lambda) %.15g", k, fabs(dot), sqrt(lam));
    cr_expect(sum > 0, "eigenvector %d: sign not fixed to a positive sum", k);
    cr_log_info("factor eigenvalue %d: %.12f (LAPACK %.12f, |diff| %.2g)", k, col, lam, fabs(col - lam));
    expl += lam;
  }
  cr_expect(fabs(est.explained - expl / LW_N) <= 1e-9, "explained %.12f, LAPACK %.12f", est.explained, expl / LW_N);
  /* unit diagonal of B B' + diag(psi), psi >= floor */
  for (int i = 0; i < LW_N; i++) {
    double h = 0;
    for (int k = 0; k < K; k++) h += g.B[i * K + k] * g.B[i * K + k];
    cr_expect(fabs(h + g.psi[i] - 1.0) <= 1e-12, "row %d: |B_i|^2 + psi_i = %.17g", i, h + g.psi[i]);
    cr_expect(g.psi[i] >= HC_COV_PSI_FLOOR, "psi[%d] = %g below the floor", i, g.psi[i]);
    cr_expect_eq(g.member[i], 1);
  }
  /* hc_cov_estimate_mult: y = (B B' + diag psi) x against the dense product */
  Vec          x, y;
  PetscScalar *xa;
  cr_assert_eq(MatCreateVecs(est.B, NULL, &x), 0);
  cr_assert_eq(VecDuplicate(x, &y), 0);
  cr_assert_eq(VecGetArray(x, &xa), 0);
  for (int i = 0; i < LW_N; i++) xa[i] = sin(1.0 + i) + 0.1 * i;
  cr_assert_eq(VecRestoreArray(x, &xa), 0);
  cr_assert_eq(hc_cov_estimate_mult(&est, x, y), 0);
  const PetscScalar *ya;
  cr_assert_eq(VecGetArrayRead(y, &ya), 0);
  double err = 0;
  for (int i = 0; i < LW_N; i++) {
    double s = g.psi[i] * (sin(1.0 + i) + 0.1 * i);
    for (int j = 0; j < LW_N; j++) {
      double bb = 0;
      for (int k = 0; k < K; k++) bb += g.B[i * K + k] * g.B[j * K + k];
      s += bb * (sin(1.0 + j) + 0.1 * j);
    }
    err = fmax(err, fabs(ya[i] - s));
  }
  cr_assert_eq(VecRestoreArrayRead(y, &ya), 0);
  cr_expect(err <= 1e-12, "hc_cov_estimate_mult vs the dense (B B' + diag psi) x: max |diff| %.3g", err);
  VecDestroy(&x);
  VecDestroy(&y);
  gathered_free(&g);
  cr_assert_eq(hc_cov_estimate_free(&est), 0);
  cr_assert_eq(hc_cov_panel_destroy(&p), 0);
  wide_free(&w);
}

/* hc_cov_estimate_mult of a full form is R x. */
Test(covariance, mult_full_form)
{
  wide           w = read_wide("lw_z20.csv", LW_T, LW_N);
  hc_cov_panel  *p = wide_panel(&w, LW_N, LW_N, identity_cols, NULL, LW_T);
  hc_cov_options o = options(HC_COV_SHRINK, LW_T, 3);
  hc_cov_estimate est;
  cr_assert_eq(hc_cov_estimate_compute(p, &o, LW_T, NULL, &est), 0);
  gathered g = gather(&est);
  Vec      x, y;
  cr_assert_eq(MatCreateVecs(est.R, &x, &y), 0);
  for (PetscInt i = 0; i < LW_N; i++) VecSetValue(x, i, cos(0.3 * i), INSERT_VALUES);
  VecAssemblyBegin(x);
  VecAssemblyEnd(x);
  cr_assert_eq(hc_cov_estimate_mult(&est, x, y), 0);
  const PetscScalar *ya;
  VecGetArrayRead(y, &ya);
  double err = 0;
  for (int i = 0; i < LW_N; i++) {
    double s = 0;
    for (int j = 0; j < LW_N; j++) s += g.R[i * LW_N + j] * cos(0.3 * j);
    err = fmax(err, fabs(s - ya[i]));
  }
  VecRestoreArrayRead(y, &ya);
  cr_expect(err <= 1e-13, "R x: max |diff| %.3g", err);
  VecDestroy(&x);
  VecDestroy(&y);
  gathered_free(&g);
  hc_cov_estimate_free(&est);
  hc_cov_panel_destroy(&p);
  wide_free(&w);
}

/* ---------------------------------------------------------------------------------------- */
/* e. Bad input                                                                               */

/* Row 5 of a 21-row panel has only its last 100 observations (min_overlap 250): it is not a
 * member, its row and column of R are the identity's, and every other entry is the estimate of
 * the 20-row panel without it. */
static void short_row_case(hc_cov_model model, double tol)
{
  wide    w = read_wide("lw_z20.csv", LW_T, LW_N);
  int     idx[21];
  double *nan = nan_array(LW_T);
  for (int k = 0; k < LW_N; k++) idx[k] = k < 5 ? k : k + 1;
  hc_cov_panel *p0 = wide_panel(&w, LW_N, LW_N, identity_cols, NULL, LW_T);
  /* the 21-row panel: the 20 columns at indices 0-4, 6-20, and a short copy of column 0 at 5 */
  hc_cov_row r[21];
  for (int k = 0; k < LW_N; k++) r[k] = (hc_cov_row){.index = idx[k], .n = LW_T, .day = w.day, .z = w.v + (size_t)k * LW_T, .e = nan, .sd = nan};
  r[20] = (hc_cov_row){.index = 5, .n = 100, .day = w.day + LW_T - 100, .z = w.v + LW_T - 100, .e = nan, .sd = nan};
  hc_cov_panel *p1;
  cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, 21, 21, r, LW_T, &p1), 0);
  int N1, T1;
  hc_cov_panel_size(p1, &N1, &T1);
  cr_assert_eq(N1, 21);
  cr_assert_eq(T1, LW_T);
  hc_cov_options  o = options(model, LW_T, 3);
  hc_cov_estimate e0, e1;
  cr_assert_eq(hc_cov_estimate_compute(p0, &o, LW_T, NULL, &e0), 0);
  cr_assert_eq(hc_cov_estimate_compute(p1, &o, LW_T, NULL, &e1), 0);
  cr_expect_eq(e1.model, e0.model);
  cr_expect_eq(e1.n_members, LW_N);
  gathered g0 = gather(&e0), g1 = gather(&e1);
  cr_expect_eq(g1.member[5], 0, "the 100-observation row is a member");
  cr_expect_eq(g1.n_obs[5], 100);
  /* dense R of both (factor: B B' + diag psi) */
  double *R0 = malloc(sizeof(double) * 21 * 21), *R1 = malloc(sizeof(double) * 21 * 21);
  for (int pass = 0; pass < 2; pass++) {
    const gathered *g = pass ? &g1 : &g0;
    const int       N = pass ? 21 : LW_N;
    double         *R = pass ? R1 : R0;
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        if (g->R) R[i * N + j] = g->R[i * N + j];
        else {
          double s = i == j ? g->psi[i] : 0.0;
          for (int k = 0; k < 3; k++) s += g->B[i * 3 + k] * g->B[j * 3 + k];
          R[i * N + j] = s;
        }
      }
  }
  /* full forms: exactly the identity's row; factor: the non-member's loadings are what the
   * Krylov solver leaves in a zero row of the operator (~1e-16, not exactly 0) */
  const double tol5 = g1.R ? 0.0 : 1e-14;
  double       err = 0, off5 = 0;
  for (int i = 0; i < 21; i++) {
    cr_expect(fabs(R1[5 * 21 + i] - (i == 5)) <= tol5 && fabs(R1[i * 21 + 5] - (i == 5)) <= tol5, "%s: R[5,%d] = %g, R[%d,5] = %g",
              hc_cov_model_name(model), i, R1[5 * 21 + i], i, R1[i * 21 + 5]);
    if (i != 5) off5 = fmax(off5, fabs(R1[5 * 21 + i]));
    for (int j = 0; j < 21; j++) {
      if (i == 5 || j == 5) continue;
      const int i0 = i < 5 ? i : i - 1, j0 = j < 5 ? j : j - 1;
      err          = fmax(err, fabs(R1[i * 21 + j] - R0[i0 * LW_N + j0]));
    }
  }
  cr_expect(err <= tol, "%s: the other rows changed by a non-member: max |diff| %.3g", hc_cov_model_name(model), err);
  cr_log_info("%s with a 100-observation row: others unchanged to %.3g; max |R[5,j]|, j != 5: %.3g", hc_cov_model_name(model), err, off5);
  if (model == HC_COV_DCC) {
    cr_expect_eq(e1.n_pairs, e0.n_pairs);
    cr_expect(fabs(e1.a - e0.a) <= 1e-10 && fabs(e1.b - e0.b) <= 1e-10, "dcc: (a, b) %.12f %.12f vs %.12f %.12f", e1.a, e1.b, e0.a, e0.b);
  }
  free(R0);
  free(R1);
  free(nan);
  gathered_free(&g0);
  gathered_free(&g1);
  hc_cov_estimate_free(&e0);
  hc_cov_estimate_free(&e1);
  hc_cov_panel_destroy(&p0);
  hc_cov_panel_destroy(&p1);
  wide_free(&w);
}

Test(covariance, short_row_is_not_a_member_shrink) { short_row_case(HC_COV_SHRINK, 1e-13); }
Test(covariance, short_row_is_not_a_member_dcc) { short_row_case(HC_COV_DCC, 1e-10); }
Test(covariance, short_row_is_not_a_member_factor) { short_row_case(HC_COV_FACTOR, 1e-9); }

/* N = 3 and no row handed in: an empty calendar, no members, the identity. */
Test(covariance, no_rows)
{
  hc_cov_panel *p = NULL;
  cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, 3, 0, NULL, 500, &p), 0);
  int N, T;
  hc_cov_panel_size(p, &N, &T);
  cr_expect_eq(N, 3);
  cr_expect_eq(T, 0);
  const hc_cov_model models[] = {HC_COV_SHRINK, HC_COV_DCC, HC_COV_FACTOR, HC_COV_NONE};
  for (int m = 0; m < 4; m++) {
    hc_cov_options  o = options(models[m], 500, 2);
    hc_cov_estimate est;
    cr_assert_eq(hc_cov_estimate_compute(p, &o, T, NULL, &est), 0, "%s on an empty panel", hc_cov_model_name(models[m]));
    cr_expect_eq(est.n_members, 0);
    gathered g = gather(&est);
    for (int i = 0; i < 3; i++) cr_expect_eq(g.member[i], 0);
    if (g.R)
      for (int i = 0; i < 9; i++) cr_expect_eq(g.R[i], (double)(i % 4 == 0), "%s: R[%d] = %g", hc_cov_model_name(models[m]), i, g.R[i]);
    if (g.psi)
      for (int i = 0; i < 3; i++) cr_expect_eq(g.psi[i], 1.0);
    /* y = R x is x */
    Vec x, y;
    cr_assert_eq(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 3, &x), 0);
    VecDuplicate(x, &y);
    VecSet(x, 2.0);
    cr_assert_eq(hc_cov_estimate_mult(&est, x, y), 0);
    PetscReal nrm;
    VecAXPY(y, -1.0, x);
    VecNorm(y, NORM_INFINITY, &nrm);
    cr_expect(nrm == 0.0, "%s: R x != x on an empty panel", hc_cov_model_name(models[m]));
    VecDestroy(&x);
    VecDestroy(&y);
    gathered_free(&g);
    cr_assert_eq(hc_cov_estimate_free(&est), 0);
  }
  hc_cov_options o = options(HC_COV_SHRINK, 500, 2);
  o.origins        = 100;
  hc_cov_backtest bt;
  cr_assert_eq(hc_cov_backtest_run(p, &o, &bt), 0);
  cr_expect_eq(bt.n_days, 0);
  cr_assert_eq(hc_cov_backtest_free(&bt), 0);
  cr_assert_eq(hc_cov_panel_destroy(&p), 0);
}

/* N = 3, one row handed in: one member, no pair for dcc (shrink used, with the reason), a
 * factor model of one row. */
Test(covariance, one_row_of_three)
{
  wide          w   = read_wide("lw_z20.csv", LW_T, LW_N);
  const int     c[] = {0}, ix[] = {1};
  hc_cov_panel *p   = wide_panel(&w, 3, 1, c, ix, LW_T);
  const hc_cov_model models[] = {HC_COV_SHRINK, HC_COV_DCC, HC_COV_FACTOR};
  for (int m = 0; m < 3; m++) {
    hc_cov_options  o = options(models[m], LW_T, 2);
    hc_cov_estimate est;
    cr_assert_eq(hc_cov_estimate_compute(p, &o, LW_T, NULL, &est), 0);
    cr_expect_eq(est.n_members, 1);
    if (models[m] == HC_COV_DCC) {
      cr_expect_eq(est.model, HC_COV_SHRINK);
      cr_expect_neq(est.reason[0], '\0');
      cr_log_info("dcc with one member: %s", est.reason);
    }
    gathered g = gather(&est);
    cr_expect(g.member[0] == 0 && g.member[1] == 1 && g.member[2] == 0);
    if (g.R)
      for (int i = 0; i < 9; i++) cr_expect(fabs(g.R[i] - (double)(i % 4 == 0)) <= 1e-15, "%s: R[%d] = %g", hc_cov_model_name(est.model), i, g.R[i]);
    if (g.psi)
      for (int i = 0; i < 3; i++) {
        double h = g.psi[i];
        for (int k = 0; k < est.K; k++) h += g.B[i * est.K + k] * g.B[i * est.K + k];
        cr_expect(fabs(h - 1) <= 1e-12, "factor: diagonal %d = %.17g", i, h);
      }
    gathered_free(&g);
    hc_cov_estimate_free(&est);
  }
  hc_cov_panel_destroy(&p);
  wide_free(&w);
}

/* A constant series (sd 0) is not a member; the others are unaffected. */
Test(covariance, constant_row_is_not_a_member)
{
  wide    w = read_wide("lw_z20.csv", LW_T, LW_N);
  double *k = malloc(sizeof(double) * LW_T), *nan = nan_array(LW_T);
  for (int t = 0; t < LW_T; t++) k[t] = 0.25;
  hc_cov_row r[4];
  for (int i = 0; i < 3; i++) r[i] = (hc_cov_row){.index = i == 0 ? 0 : i + 1, .n = LW_T, .day = w.day, .z = w.v + (size_t)i * LW_T, .e = nan, .sd = nan};
  r[3] = (hc_cov_row){.index = 1, .n = LW_T, .day = w.day, .z = k, .e = nan, .sd = nan};
  hc_cov_panel *p, *p0 = wide_panel(&w, 3, 3, identity_cols, NULL, LW_T);
  cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, 4, 4, r, LW_T, &p), 0);
  const hc_cov_model models[] = {HC_COV_SHRINK, HC_COV_DCC, HC_COV_FACTOR};
  for (int m = 0; m < 3; m++) {
    hc_cov_options  o = options(models[m], LW_T, 1);
    hc_cov_estimate est, e0;
    cr_assert_eq(hc_cov_estimate_compute(p, &o, LW_T, NULL, &est), 0);
    cr_assert_eq(hc_cov_estimate_compute(p0, &o, LW_T, NULL, &e0), 0);
    cr_expect_eq(est.n_members, 3);
    cr_expect_eq(est.model, models[m], "%s", est.reason);
    gathered g = gather(&est), g0 = gather(&e0);
    cr_expect_eq(g.member[1], 0, "%s: the constant row is a member", hc_cov_model_name(models[m]));
    cr_expect_eq(g.n_obs[1], LW_T);
    if (g.R) {
      check_correlation(g.R, 4, 1e-14, hc_cov_model_name(models[m]));
      for (int i = 0; i < 4; i++) cr_expect(g.R[4 + i] == (i == 1), "%s: R[1,%d] = %g", hc_cov_model_name(models[m]), i, g.R[4 + i]);
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
          const double v = g.R[(i ? i + 1 : 0) * 4 + (j ? j + 1 : 0)], v0 = g0.R[i * 3 + j];
          cr_expect(fabs(v - v0) <= 1e-10, "%s: R[%d,%d] %.15g without the constant row %.15g", hc_cov_model_name(models[m]), i, j, v, v0);
        }
    } else {
      cr_expect_eq(g.psi[1], 1.0);
      for (int k2 = 0; k2 < est.K; k2++) cr_expect(fabs(g.B[1 * est.K + k2]) <= 1e-14, "factor: B[1,%d] = %g", k2, g.B[1 * est.K + k2]);
    }
    for (int i = 0; i < 4; i++) {
      double rw = 0;
      if (g.R) rw = g.R[i * 4 + i];
      else {
        rw = g.psi[i];
        for (int k2 = 0; k2 < est.K; k2++) rw += g.B[i * est.K + k2] * g.B[i * est.K + k2];
      }
      cr_expect(isfinite(rw), "%s: NaN in the estimate", hc_cov_model_name(models[m]));
    }
    gathered_free(&g);
    gathered_free(&g0);
    hc_cov_estimate_free(&est);
    hc_cov_estimate_free(&e0);
  }
  hc_cov_panel_destroy(&p);
  hc_cov_panel_destroy(&p0);
  free(k);
  free(nan);
  wide_free(&w);
}

/* ---------------------------------------------------------------------------------------- */
/* f. Minimum-variance backtest on a panel whose truth is known                              */

/* 10 rows, T dates of iid e ~ N(0, D R D), R equicorrelation rho, sds 1 .. 2.8; z = e / sd,
 * one-step sd = the true sd. */
#define BT_N 10
static hc_cov_panel *iid_panel(int T, double rho, uint64_t seed, double **store)
{
  double C[BT_N * BT_N], L[BT_N * BT_N], sd[BT_N];
  for (int i = 0; i < BT_N; i++) sd[i] = 1.0 + 0.2 * i;
  for (int i = 0; i < BT_N; i++)
    for (int j = 0; j < BT_N; j++) C[i * BT_N + j] = i == j ? 1.0 : rho;
  cholesky(BT_N, C, L);
  double *buf = malloc(sizeof(double) * 3 * BT_N * (size_t)T + sizeof(int) * (size_t)T);
  double *z = buf, *e = buf + BT_N * (size_t)T, *s = buf + 2 * BT_N * (size_t)T;
  int    *day = (int *)(buf + 3 * BT_N * (size_t)T);
  rng_seed(seed);
  for (int t = 0; t < T; t++) {
    double eps[BT_N];
    day[t] = 15000 + t;
    for (int i = 0; i < BT_N; i++) eps[i] = normal01();
    for (int i = 0; i < BT_N; i++) {
      double x = 0;
      for (int k = 0; k <= i; k++) x += L[i * BT_N + k] * eps[k];
      z[(size_t)i * T + t] = x;
      e[(size_t)i * T + t] = x * sd[i];
      s[(size_t)i * T + t] = sd[i];
    }
  }
  hc_cov_row r[BT_N];
  for (int i = 0; i < BT_N; i++)
    r[i] = (hc_cov_row){.index = i, .n = T, .day = day, .z = z + (size_t)i * T, .e = e + (size_t)i * T, .sd = s + (size_t)i * T};
  hc_cov_panel *p;
  cr_assert_eq(hc_cov_panel_create(PETSC_COMM_WORLD, BT_N, BT_N, r, T, &p), 0);
  *store = buf;
  return p;
}

static void backtest_case(hc_cov_model model, int K)
{
  enum { T = 1250, origins = 500 };
  double        *buf;
  hc_cov_panel  *p = iid_panel(T, 0.6, 777, &buf);
  hc_cov_options o = options(model, 750, K);
  o.origins        = origins;
  o.refit_every    = 20;
  hc_cov_backtest bt;
  cr_assert_eq(hc_cov_backtest_run(p, &o, &bt), 0);
  const char *name = hc_cov_model_name(model);
  cr_expect_eq(bt.n_days, origins);
  cr_expect_eq(bt.n_refits, origins / 20);
  /* dcc on iid data: a on its boundary 0 (a ~ 1e-8 at every refit) is still a converged fit */
  cr_expect_eq(bt.n_fallbacks, 0, "%s: %d fallbacks", name, bt.n_fallbacks);
  for (int k = 0; k < bt.n_days; k++) {
    cr_expect_eq(bt.n_assets[k], BT_N);
    cr_expect_eq(bt.day[k], 15000 + T - origins + k);
  }
  cr_expect(fabs(bt.bias_gmv - 1) < 0.3, "%s: bias_gmv %.4f", name, bt.bias_gmv);
  cr_expect(fabs(bt.bias_ew - 1) < 0.3, "%s: bias_ew %.4f", name, bt.bias_ew);
  cr_expect(bt.vol_gmv < bt.vol_ew, "%s: vol_gmv %.4f >= vol_ew %.4f", name, bt.vol_gmv, bt.vol_ew);
  /* the truth: sd of the minimum-variance book of D R D, and of the equal-weight book */
  double Sigma[BT_N * BT_N], sdv[BT_N], w_ew = 1.0 / BT_N, v_ew = 0;
  for (int i = 0; i < BT_N; i++) sdv[i] = 1.0 + 0.2 * i;
  for (int i = 0; i < BT_N; i++)
    for (int j = 0; j < BT_N; j++) Sigma[i * BT_N + j] = sdv[i] * sdv[j] * (i == j ? 1.0 : 0.6), v_ew += w_ew * w_ew * Sigma[i * BT_N + j];
  /* 1' Sigma^-1 1 by Cholesky solves */
  double L[BT_N * BT_N], y[BT_N], one = 0;
  cholesky(BT_N, Sigma, L);
  for (int i = 0; i < BT_N; i++) {
    double s = 1.0;
    for (int k = 0; k < i; k++) s -= L[i * BT_N + k] * y[k];
    y[i] = s / L[i * BT_N + i];
    one += y[i] * y[i];
  }
  const double sd_gmv = sqrt(1.0 / one), sd_ew = sqrt(v_ew);
  cr_expect(fabs(bt.pred_ew / sd_ew - 1) < 0.05, "%s: predicted equal-weight sd %.4f, true %.4f", name, bt.pred_ew, sd_ew);
  cr_expect(fabs(bt.pred_gmv / sd_gmv - 1) < 0.1, "%s: predicted minimum-variance sd %.4f, true %.4f", name, bt.pred_gmv, sd_gmv);
  cr_log_info("backtest %s: vol_gmv %.4f vol_ew %.4f (true %.4f %.4f), pred %.4f %.4f, bias_gmv %.4f bias_ew %.4f, %d refits, %d fallbacks", name,
              bt.vol_gmv, bt.vol_ew, sd_gmv, sd_ew, bt.pred_gmv, bt.pred_ew, bt.bias_gmv, bt.bias_ew, bt.n_refits, bt.n_fallbacks);
  cr_assert_eq(hc_cov_backtest_free(&bt), 0);
  cr_expect_null(bt.day);
  hc_cov_panel_destroy(&p);
  free(buf);
}

Test(covariance, backtest_shrink) { backtest_case(HC_COV_SHRINK, 1); }
Test(covariance, backtest_factor) { backtest_case(HC_COV_FACTOR, 1); }
Test(covariance, backtest_dcc) { backtest_case(HC_COV_DCC, 1); }

Test(covariance, model_names_and_defaults)
{
  cr_expect_str_eq(hc_cov_model_name(HC_COV_NONE), "none");
  cr_expect_str_eq(hc_cov_model_name(HC_COV_SHRINK), "shrink");
  cr_expect_str_eq(hc_cov_model_name(HC_COV_DCC), "dcc");
  cr_expect_str_eq(hc_cov_model_name(HC_COV_FACTOR), "factor");
  hc_cov_options o;
  hc_cov_options_default(&o);
  cr_expect(o.model == HC_COV_SHRINK && o.n_factors == 10 && o.min_overlap == 250 && o.window == 750 && o.full_max == 2000 &&
            o.origins == 250 && o.refit_every == 20);
}
