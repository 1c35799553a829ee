/**
 * @file test_models_ssa.c
 * @brief Tests of the singular spectrum analysis kernels (src/models/ssa.c): exact
 *        reconstruction and recurrent forecasting of noise-free finite-rank series, the
 *        Gavish-Donoho rank, the window rule, and agreement with base R on the M4 weekly
 *        series W57 (tests/reference/ssa_r.csv, ssa_ar_r.csv, made by tests/reference/ssa_r.R):
 *        singular values, vectors, the rank-3 reconstruction, and the exact-ML AR(2) + mean
 *        fit of its residual by the SARIMAX family against R stats::arima.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/io.h"
#include "hpcast/models.h"

static void setup(void) { cr_assert(PetscInitializeNoArguments() == 0); }
static void teardown(void) { PetscFinalize(); }
TestSuite(ssa, .init = setup, .fini = teardown);

/** Log relative error (digits of agreement) of a against reference b, capped at 15. */
static double lre(double a, double b)
{
  const double e = b != 0.0 ? fabs(a - b) / fabs(b) : fabs(a);
  return e == 0.0 ? 15.0 : fmin(15.0, -log10(e));
}

/* Decompose y with window L; sv[L] and U[L*L] are allocated here. */
static void decompose(const double *y, int n, int L, double **sv, double **U)
{
  *sv = malloc((size_t)L * sizeof **sv);
  *U  = malloc((size_t)L * L * sizeof **U);
  cr_assert(*sv && *U);
  cr_assert_eq(hc_ssa_decompose(y, n, L, *sv, *U), 0);
}

Test(ssa, window_rule)
{
  cr_expect_eq(hc_ssa_window(5400, 0), HC_SSA_L_DEFAULT);
  cr_expect_eq(hc_ssa_window(5400, 1), HC_SSA_L_DEFAULT);
  cr_expect_eq(hc_ssa_window(5400, 5), HC_SSA_L_MAX / 5 * 5);
  cr_expect_eq(hc_ssa_window(5400, 12), HC_SSA_L_MAX / 12 * 12);
  cr_expect_eq(hc_ssa_window(5400, 7), HC_SSA_L_MAX / 7 * 7);
  cr_expect_eq(hc_ssa_window(5400, HC_SSA_L_MAX + 1), HC_SSA_L_MAX + 1); /* at least one period */
  cr_expect_eq(hc_ssa_window(5400, 52), 52 > HC_SSA_L_MAX ? 52 : HC_SSA_L_MAX / 52 * 52);
  cr_expect_eq(hc_ssa_window(30, 0), 15 < HC_SSA_L_DEFAULT ? 15 : HC_SSA_L_DEFAULT); /* cap n/2 */
  cr_expect_eq(hc_ssa_window(60, 52), 30);
  cr_expect_eq(hc_ssa_window(3, 0), 2);
  cr_expect_eq(hc_ssa_window(0, 12), 2);
  for (int n = 3; n < 400; n++)
    for (int p = 0; p < 60; p += 7) {
      const int L = hc_ssa_window(n, p);
      cr_assert(L >= 2 && (L <= n / 2 || n < 4), "n %d period %d: L %d", n, p, L);
    }
}

Test(ssa, rejects_bad_input)
{
  double y[20] = {0}, sv[12], U[144], s[20], a[11];
  for (int t = 0; t < 20; t++) y[t] = sin(0.5 * t);
  cr_expect_eq(hc_ssa_decompose(y, 20, 1, sv, U), 1);  /* L < 2 */
  cr_expect_eq(hc_ssa_decompose(y, 20, 11, sv, U), 1); /* K = 10 < L */
  cr_expect_eq(hc_ssa_decompose(y, 20, 10, sv, U), 0); /* K = 11 >= L */
  y[3] = NAN;
  cr_expect_eq(hc_ssa_decompose(y, 20, 10, sv, U), 1);
  y[3] = 0.0;
  cr_expect_eq(hc_ssa_reconstruct(y, 20, 10, 0, U, s), 1);
  cr_expect_eq(hc_ssa_reconstruct(y, 20, 10, 11, U, s), 1);
  cr_expect_eq(hc_ssa_lrr(10, 0, U, a), 2);
  cr_expect_eq(hc_ssa_lrr(1, 1, U, a), 2);
  /* the full basis contains the vertical vector e_L: no recurrence */
  cr_expect_eq(hc_ssa_decompose(y, 20, 10, sv, U), 0);
  cr_expect_eq(hc_ssa_lrr(10, 10, U, a), 1);
  cr_expect_eq(hc_ssa_rank_gd(sv, 0, 11), 0);
}

/* Two sinusoids (periods 12 and 7.3) plus a linear trend: rank 2 + 2 + 2 = 6. The rank-6
 * reconstruction is the series itself; the spectrum has 6 nonzero singular values, U is
 * orthonormal and follows the sign rule; the full-rank reconstruction is the identity. */
Test(ssa, reconstructs_noise_free_rank6_series)
{
  enum { N = 400, L = 60 };
  double y[N], s[N], *sv, *U;
  for (int t = 0; t < N; t++)
    y[t] = 0.3 + 0.002 * t + 0.8 * sin(2 * M_PI * t / 12.0 + 0.3) + 0.5 * cos(2 * M_PI * t / 7.3 + 1.1);
  decompose(y, N, L, &sv, &U);
  for (int k = 1; k < L; k++) cr_assert(sv[k] <= sv[k - 1]);
  /* the SVD by the cross product X X' gives the zero singular values at about sqrt(eps) sv[0] */
  cr_expect(sv[5] > 1e-3 * sv[0] && sv[6] < 1e-7 * sv[0], "sv[5] %g sv[6] %g sv[0] %g", sv[5], sv[6], sv[0]);
  double orth = 0.0;
  for (int k = 0; k < L; k++) {
    int imax = 0;
    for (int i = 1; i < L; i++)
      if (fabs(U[i + k * L]) > fabs(U[imax + k * L])) imax = i;
    cr_expect(U[imax + k * L] > 0, "column %d: largest component negative", k);
    for (int l = 0; l < L; l++) {
      double d = 0.0;
      for (int i = 0; i < L; i++) d += U[i + k * L] * U[i + l * L];
      orth = fmax(orth, fabs(d - (k == l)));
    }
  }
  cr_expect(orth < 1e-13, "U'U - I: %g", orth);
  cr_assert_eq(hc_ssa_reconstruct(y, N, L, 6, U, s), 0);
  double err = 0.0;
  for (int t = 0; t < N; t++) err = fmax(err, fabs(s[t] - y[t]));
  cr_expect(err <= 1e-10, "rank-6 reconstruction: max abs error %g", err);
  cr_assert_eq(hc_ssa_reconstruct(y, N, L, L, U, s), 0);
  err = 0.0;
  for (int t = 0; t < N; t++) err = fmax(err, fabs(s[t] - y[t]));
  cr_expect(err <= 1e-12, "full-rank reconstruction: max abs error %g", err);
  /* rank 2 keeps the trend-dominated pair and is not the series */
  cr_assert_eq(hc_ssa_reconstruct(y, N, L, 2, U, s), 0);
  err = 0.0;
  for (int t = 0; t < N; t++) err = fmax(err, fabs(s[t] - y[t]));
  cr_expect(err > 0.1, "rank-2 reconstruction equals the series (%g)", err);
  free(sv);
  free(U);
}

/* An exponentially modulated sinusoid plus a linear trend (rank 2 + 2 = 4) satisfies the
 * recurrence of its signal subspace: the H = 20 recurrent forecast from the first 400 points
 * is the true continuation. */
Test(ssa, forecasts_noise_free_rank4_series_exactly)
{
  enum { NT = 420, H = 20, N = NT - H, L = 60, R = 4 };
  double y[NT], s[N], a[L - 1], f[H], *sv, *U;
  for (int t = 0; t < NT; t++) y[t] = exp(0.003 * t) * sin(2 * M_PI * t / 10.0 + 0.4) + 0.5 + 0.004 * t;
  decompose(y, N, L, &sv, &U);
  cr_expect(sv[R] < 1e-7 * sv[0], "sv[%d] = %g", R, sv[R]); /* zero to sqrt(eps): the cross-product SVD */
  cr_assert_eq(hc_ssa_reconstruct(y, N, L, R, U, s), 0);
  cr_assert_eq(hc_ssa_lrr(L, R, U, a), 0);
  /* the recurrence reproduces the reconstruction inside the sample too */
  double in = 0.0;
  for (int t = L - 1; t < N; t++) {
    double v = 0.0;
    for (int j = 1; j <= L - 1; j++) v += a[j - 1] * s[t - j];
    in = fmax(in, fabs(v - s[t]));
  }
  cr_expect(in < 1e-10, "in-sample recurrence residual %g", in);
  hc_ssa_forecast(s, N, L, a, H, f);
  double err = 0.0;
  for (int h = 0; h < H; h++) err = fmax(err, fabs(f[h] - y[N + h]));
  cr_log_info("rank-4 recurrent forecast, H = %d: max abs error %.3g", H, err);
  cr_expect(err <= 1e-8, "recurrent forecast: max abs error %g", err);
  free(sv);
  free(U);
}

/* The threshold omega(beta) median(sv): omega(1) = 2.858 (Gavish & Donoho 2014, abstract) and
 * omega(1/2) = 2.1712 (the Marchenko-Pastur median by R integrate/uniroot gives 2.171185;
 * eq. (5) approximates it by 2.1725). With median 1, a value just above omega counts, one just
 * below does not. */
Test(ssa, rank_gd_threshold_is_gavish_donoho_omega)
{
  double sv[20];
  for (int i = 0; i < 20; i++) sv[i] = 1.0;
  sv[0] = 2.8585, sv[1] = 2.8582; /* L = K = 9 */
  cr_expect_eq(hc_ssa_rank_gd(sv, 9, 9), 1);
  sv[0] = 2.1713, sv[1] = 2.1711; /* L = 10, K = 20 and L = 20, K = 10 */
  cr_expect_eq(hc_ssa_rank_gd(sv, 10, 20), 1);
  cr_expect_eq(hc_ssa_rank_gd(sv, 20, 10), 1);
  for (int i = 0; i < 20; i++) sv[i] = 1.0;
  cr_expect_eq(hc_ssa_rank_gd(sv, 10, 20), 1); /* nothing above: at least 1 */
  /* eq. (5), 0.56 b^3 - 0.95 b^2 + 1.82 b + 1.43, is within 0.01 of omega for b in [0.05, 1]:
   * a value 0.01 above the approximation counts, one 0.01 below does not */
  for (int K = 20; K <= 400; K += 20) {
    const int    L = 20;
    const double b = (double)L / K, w = ((0.56 * b - 0.95) * b + 1.82) * b + 1.43;
    for (int i = 0; i < L; i++) sv[i] = 1.0;
    sv[0] = w + 0.01, sv[1] = w - 0.01;
    cr_expect_eq(hc_ssa_rank_gd(sv, L, K), 1, "beta %g", b);
  }
}

/* Two sinusoids (rank 4) of amplitudes 1 and 0.8 plus N(0, 0.1^2) noise from a fixed
 * xorshift64* stream: the Gavish-Donoho rank is 4. */
Test(ssa, rank_gd_finds_rank4_in_noise)
{
  enum { N = 400, L = 60 };
  double             y[N], *sv, *U;
  hc_dist_eval       law;
  unsigned long long state = 20140801ULL;
  cr_assert_eq(hc_dist_prepare(HC_DIST_NORMAL, NULL, 0, &law), 0);
  for (int t = 0; t < N; t++)
    y[t] = sin(2 * M_PI * t / 12.0) + 0.8 * cos(2 * M_PI * t / 5.3 + 1.0) + 0.1 * hc_dist_draw(&law, &state);
  decompose(y, N, L, &sv, &U);
  const int r = hc_ssa_rank_gd(sv, L, N - L + 1);
  cr_log_info("rank_gd on rank 4 + noise: %d (sv[3] %.4g, sv[4] %.4g)", r, sv[3], sv[4]);
  cr_expect_eq(r, 4, "rank %d; sv[3..5] %g %g %g", r, sv[3], sv[4], sv[5]);
  free(sv);
  free(U);
}

/* ---- against base R on M4 Weekly W57 (tests/reference/ssa_r.R) ---- */

enum { REF_MAX_N = 1024, REF_MAX_L = 64, REF_R = 3 };
typedef struct {
  char   series[16];
  int    n, L;
  double sv[REF_MAX_L], u[REF_R][REF_MAX_L], recon[REF_MAX_N];
} ssa_ref;

static void load_ssa_ref(ssa_ref *r)
{
  char path[4096], line[512];
  snprintf(path, sizeof path, "%s/tests/reference/ssa_r.csv", getenv("HPCAST_SOURCE_ROOT"));
  FILE *f = fopen(path, "r");
  cr_assert(f, "cannot open %s", path);
  memset(r, 0, sizeof *r);
  cr_assert(fgets(line, sizeof line, f));
  cr_assert(!strncmp(line, "series,what,k,i,value", 21), "header %s", line);
  int nsv = 0, nu = 0, nrec = 0;
  while (fgets(line, sizeof line, f)) {
    char *cur = line, *series = strsep(&cur, ","), *what = strsep(&cur, ","), *ks = strsep(&cur, ","),
         *is = strsep(&cur, ","), *vs = strsep(&cur, ",\n");
    cr_assert(vs, "short line in %s", path);
    const int    k = strcmp(ks, "NA") ? atoi(ks) : -1, i = strcmp(is, "NA") ? atoi(is) : -1;
    const double v = strtod(vs, NULL);
    hc_strlcpy(r->series, series, sizeof r->series);
    if (!strcmp(what, "n")) r->n = (int)v;
    else if (!strcmp(what, "L")) r->L = (int)v;
    else if (!strcmp(what, "sv")) {
      cr_assert(k >= 0 && k < REF_MAX_L);
      r->sv[k] = v, nsv++;
    } else if (!strcmp(what, "u")) {
      cr_assert(k >= 0 && k < REF_R && i >= 0 && i < REF_MAX_L);
      r->u[k][i] = v, nu++;
    } else if (!strcmp(what, "recon")) {
      cr_assert(i >= 0 && i < REF_MAX_N);
      r->recon[i] = v, nrec++;
    } else cr_assert_fail("unknown row %s", what);
  }
  fclose(f);
  cr_assert(r->n > 0 && r->L >= 2 && nsv == r->L && nu == REF_R * r->L && nrec == r->n, "incomplete %s", path);
}

/* The series `id` of ../shared/data/m4/Weekly-train.csv (caller frees). */
static double *load_m4(const char *id, int *n)
{
  char            path[4096], err[512];
  hc_wide_series *s;
  int             ns;
  snprintf(path, sizeof path, "%s/../shared/data/m4/Weekly-train.csv", getenv("HPCAST_SOURCE_ROOT"));
  cr_assert_eq(hc_io_read_wide(path, &s, &ns, err, sizeof err), 0, "%s", err);
  double *y = NULL;
  for (int i = 0; i < ns && !y; i++)
    if (!strcmp(s[i].id, id)) {
      *n = s[i].n;
      y  = malloc((size_t)*n * sizeof *y);
      memcpy(y, s[i].value, (size_t)*n * sizeof *y);
    }
  hc_io_wide_free(s, ns);
  cr_assert(y, "series %s not in %s", id, path);
  return y;
}

Test(ssa, matches_r_svd_and_reconstruction)
{
  static ssa_ref ref;
  load_ssa_ref(&ref);
  int     n;
  double *y = load_m4(ref.series, &n), *sv, *U;
  cr_assert_eq(n, ref.n);
  const int L = ref.L;
  decompose(y, n, L, &sv, &U);
  double lre_sv = 15, lre_u = 15, lre_rec = 15;
  for (int k = 0; k < L; k++) {
    lre_sv = fmin(lre_sv, lre(sv[k], ref.sv[k]));
    cr_expect(fabs(sv[k] - ref.sv[k]) <= 1e-10 * ref.sv[k], "sv[%d] %.15g vs R %.15g", k, sv[k], ref.sv[k]);
  }
  /* vectors are unit vectors: absolute error, the digits of the largest component */
  for (int k = 0; k < REF_R; k++)
    for (int i = 0; i < L; i++) {
      const double e = fabs(U[i + k * L] - ref.u[k][i]);
      lre_u          = fmin(lre_u, e == 0 ? 15 : -log10(e));
      cr_expect(e <= 1e-9, "U[%d][%d] %.15g vs R %.15g", i, k, U[i + k * L], ref.u[k][i]);
    }
  double *s = malloc((size_t)n * sizeof *s);
  cr_assert_eq(hc_ssa_reconstruct(y, n, L, REF_R, U, s), 0);
  for (int t = 0; t < n; t++) {
    lre_rec = fmin(lre_rec, lre(s[t], ref.recon[t]));
    cr_expect(fabs(s[t] - ref.recon[t]) <= 1e-9 * fabs(ref.recon[t]), "recon[%d] %.15g vs R %.15g", t, s[t], ref.recon[t]);
  }
  cr_log_info("SSA of %s (n %d, L %d) against R: LRE singular values %.1f, vectors (absolute) %.1f, "
              "rank-%d reconstruction %.1f", ref.series, n, L, lre_sv, lre_u, REF_R, lre_rec);
  cr_expect(lre_sv >= 10 && lre_u >= 9 && lre_rec >= 9);
  free(s);
  free(y);
  free(sv);
  free(U);
}

/* One row of tests/reference/ssa_ar_r.csv: ar1, ar2, intercept, sigma2, loglik. */
static void load_ar_ref(const char *model, double v[5])
{
  char path[4096], line[512];
  snprintf(path, sizeof path, "%s/tests/reference/ssa_ar_r.csv", getenv("HPCAST_SOURCE_ROOT"));
  FILE *f = fopen(path, "r");
  cr_assert(f, "cannot open %s", path);
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) {
    char *cur = line;
    strsep(&cur, ",");                         /* series */
    if (strcmp(strsep(&cur, ","), model)) continue;
    strsep(&cur, ",");                         /* n */
    for (int i = 0; i < 5; i++) v[i] = strtod(strsep(&cur, ","), NULL);
    found = 1;
  }
  fclose(f);
  cr_assert(found, "no row %s in %s", model, path);
}

/* The residual y - s of the rank-3 reconstruction, fitted as AR(2) + mean by exact ML with the
 * SARIMAX family and the shared fitter, against R arima(e, c(2,0,0), method = "ML"): the
 * log-likelihood to 1e-6 absolute, the parameters to LRE 4. The reference is the `tight` row
 * (R's optimiser run to reltol 1e-14); R's default stop (`default` row) is 1.1e-7 lower in
 * log-likelihood and its intercept differs from the optimum in the 4th digit. */
Test(ssa, residual_ar2_matches_r_arima)
{
  static ssa_ref ref;
  load_ssa_ref(&ref);
  int     n;
  double *y = load_m4(ref.series, &n), *sv, *U;
  const int L = ref.L;
  decompose(y, n, L, &sv, &U);
  double *e = malloc((size_t)n * sizeof *e);
  cr_assert_eq(hc_ssa_reconstruct(y, n, L, REF_R, U, e), 0);
  for (int t = 0; t < n; t++) e[t] = y[t] - e[t];

  hc_spec        spec = {.p = 2, .q = 0, .vol = HC_VOL_NONE};
  hc_model      *m;
  hc_fit_options fo;
  hc_fit_record  rec;
  hc_fit_options_default(&fo);
  cr_assert(hc_model_create(&spec, n, &m) == 0);
  cr_assert(hc_fit(m, e, n, &fo, NULL, 0, NULL, &rec) == 0);
  cr_assert_eq(rec.status, HC_STATUS_OK, "%s", rec.reason);
  cr_expect(rec.converged, "AR(2) fit not converged (tao_reason %d)", rec.tao_reason);
  double tight[5], dflt[5];
  load_ar_ref("tight", tight);
  load_ar_ref("default", dflt);
  /* hpcast's natural parameters: mu, ar1, ar2, sigma2 */
  const double mine[5] = {rec.params[1], rec.params[2], rec.params[0], rec.params[3], rec.loglik};
  const char  *names[5] = {"ar1", "ar2", "intercept", "sigma2", "loglik"};
  cr_log_info("AR(2)+mean on the SSA residual of %s: LRE vs R (tight / default): ar1 %.1f/%.1f, ar2 %.1f/%.1f, "
              "mean %.1f/%.1f, sigma2 %.1f/%.1f; loglik %.10f, R %.10f (default %.10f)", ref.series,
              lre(mine[0], tight[0]), lre(mine[0], dflt[0]), lre(mine[1], tight[1]), lre(mine[1], dflt[1]),
              lre(mine[2], tight[2]), lre(mine[2], dflt[2]), lre(mine[3], tight[3]), lre(mine[3], dflt[3]), mine[4],
              tight[4], dflt[4]);
  for (int i = 0; i < 4; i++)
    cr_expect(lre(mine[i], tight[i]) >= 4, "%s %.10g vs R %.10g (LRE %.1f)", names[i], mine[i], tight[i], lre(mine[i], tight[i]));
  cr_expect(fabs(mine[4] - tight[4]) <= 1e-6, "loglik %.10f vs R %.10f", mine[4], tight[4]);
  cr_expect(mine[4] >= dflt[4] - 1e-6, "loglik %.10f below R's default stop %.10f", mine[4], dflt[4]);
  hc_model_destroy(&m);
  free(e);
  free(y);
  free(sv);
  free(U);
}
