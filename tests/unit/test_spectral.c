/**
 * @file test_spectral.c
 * @brief Unit tests of the spectral module: ACF by FFT against the direct sum, PACF,
 *        periodogram (peak, Parseval), seasonal period detection, Ljung-Box, McLeod-Li,
 *        Jarque-Bera and the incomplete gamma function against R
 *        (tests/reference/spectral_r.csv, made by tests/reference/spectral_r.R),
 *        and the plan cache.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcast/core.h"
#include "hpcast/data.h"
#include "hpcast/io.h"
#include "hpcast/spectral.h"

/* ---------- helpers ---------- */

/** splitmix64 (Steele, Lea & Flood 2014): a fixed-seed generator independent of libc. */
static uint64_t rng_next(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/** Uniform on (0,1). */
static double rng_unif(uint64_t *s)
{
  return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

/** Standard normal by Box-Muller (one draw per call). */
static double rng_norm(uint64_t *s)
{
  double u = rng_unif(s), v = rng_unif(s);
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/** Path of a file under the project source root (HPCAST_SOURCE_ROOT, set by meson). */
static void source_path(char *out, size_t len, const char *rel)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert(root, "HPCAST_SOURCE_ROOT not set");
  snprintf(out, len, "%s/%s", root, rel);
}

/** Load column `col` of a CSV under the source root; *n = rows. Caller frees. */
static double *load_column(const char *rel, const char *col, int *n)
{
  char path[HC_PATH_LEN], reason[HC_REASON_LEN];
  source_path(path, sizeof path, rel);
  hc_series s = {0};
  cr_assert_eq(hc_io_read_csv(path, "x", col, &s, reason, sizeof reason), 0, "%s: %s", path, reason);
  double *y = malloc(sizeof(double) * (size_t)s.n);
  cr_assert(y);
  *n = hc_data_transform(&s, HC_TRANSFORM_NONE, y);
  hc_series_free(&s);
  return y;
}

/** AAPL percent log returns of adjusted_close (n = 5401), as in tests/reference. */
static double *aapl_returns(int *n)
{
  int     N;
  double *p = load_column("../shared/data/sp500/AAPL.csv", "adjusted_close", &N);
  hc_series s = {0};
  cr_assert_eq(hc_series_alloc(&s, N, 0), 0);
  memcpy(s.value, p, sizeof(double) * (size_t)N);
  double *r = malloc(sizeof(double) * (size_t)N);
  cr_assert(r);
  *n = hc_data_transform(&s, HC_TRANSFORM_LOGRET100, r);
  hc_series_free(&s);
  free(p);
  cr_assert_eq(*n, 5401);
  return r;
}

/** diff(lg) of the airline series (n = 143). */
static double *airline_d1(int *n)
{
  int     N;
  double *lg = load_column("../shared/data/reference/airline.csv", "lg", &N);
  for (int t = 0; t + 1 < N; t++) lg[t] = lg[t + 1] - lg[t];
  *n = N - 1;
  cr_assert_eq(*n, 143);
  return lg;
}

/** One row of tests/reference/spectral_r.csv. */
typedef struct {
  char   what[16], series[16];
  int    lag, fitdf;
  double df, statistic, pvalue;
} ref_row;

static double parse_num(const char *s)
{
  return strcmp(s, "NA") == 0 ? NAN : strtod(s, NULL);
}

/** Read every row of spectral_r.csv into *rows. @return number of rows. */
static int load_reference(ref_row **rows)
{
  char path[HC_PATH_LEN], line[512];
  source_path(path, sizeof path, "tests/reference/spectral_r.csv");
  FILE *f = fopen(path, "r");
  cr_assert(f, "cannot open %s", path);
  int n = 0, cap = 256;
  *rows = malloc(sizeof(ref_row) * (size_t)cap);
  cr_assert(*rows);
  cr_assert(fgets(line, sizeof line, f)); /* header */
  while (fgets(line, sizeof line, f)) {
    char *field[7], *save = NULL;
    int   k = 0;
    for (char *tok = strtok_r(line, ",\n", &save); tok && k < 7; tok = strtok_r(NULL, ",\n", &save))
      field[k++] = tok;
    cr_assert_eq(k, 7);
    if (n == cap) {
      cap *= 2;
      *rows = realloc(*rows, sizeof(ref_row) * (size_t)cap);
      cr_assert(*rows);
    }
    ref_row *r = &(*rows)[n++];
    hc_strlcpy(r->what, field[0], sizeof r->what);
    hc_strlcpy(r->series, field[1], sizeof r->series);
    double lag = parse_num(field[2]), fitdf = parse_num(field[3]);
    r->lag       = isnan(lag) ? -1 : (int)lag;
    r->fitdf     = isnan(fitdf) ? -1 : (int)fitdf;
    r->df        = parse_num(field[4]);
    r->statistic = parse_num(field[5]);
    r->pvalue    = parse_num(field[6]);
  }
  fclose(f);
  return n;
}

/** Log relative error (digits of agreement) of x against the reference ref. */
static double lre(double x, double ref)
{
  if (x == ref) return 17.0;
  return ref == 0.0 ? -log10(fabs(x)) : -log10(fabs(x - ref) / fabs(ref));
}

/** p-values: agree to 1e-15 absolute plus 1e-10 relative (R's 1 - pchisq rounding). */
static void assert_pvalue(double p, double ref, const char *what)
{
  cr_assert(fabs(p - ref) <= 1e-15 + 1e-10 * ref, "%s: p %.17g vs R %.17g", what, p, ref);
}

/* ---------- ACF ---------- */

/** ACF and ACVF by FFT against the direct sum at every lag 0..n-1. */
static void check_fft_vs_direct(hc_fft_cache *c, const double *x, int n)
{
  int     L  = n - 1;
  double *a1 = malloc(sizeof(double) * 4 * (size_t)n), *a2 = a1 + n, *g1 = a2 + n, *g2 = g1 + n;
  cr_assert(a1);
  cr_assert_eq(hc_spectral_acf(c, x, n, L, g1, a1), 0);
  cr_assert_eq(hc_spectral_acf_direct(x, n, L, g2, a2), 0);
  double worst = 0.0;
  for (int k = 0; k <= L; k++) {
    worst = fmax(worst, fabs(a1[k] - a2[k]));
    cr_assert(fabs(g1[k] - g2[k]) <= 1e-12 * g2[0], "n=%d acov lag %d", n, k);
  }
  cr_assert(worst <= 1e-12, "n=%d: max |acf_fft - acf_direct| = %g", n, worst);
  cr_assert_eq(a1[0], 1.0);
  free(a1);
}

Test(spectral, acf_fft_equals_direct_sum)
{
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  const int lengths[] = {2, 3, 5, 7, 13, 97, 101, 128, 257, 1000, 1009, 4099};
  uint64_t  seed      = 42;
  for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
    int     n = lengths[i];
    double *x = malloc(sizeof(double) * (size_t)n);
    cr_assert(x);
    for (int t = 0; t < n; t++) x[t] = 10.0 + rng_norm(&seed) + 0.3 * sin(0.1 * t);
    check_fft_vs_direct(c, x, n);
    free(x);
  }
  int     n;
  double *r = aapl_returns(&n);
  check_fft_vs_direct(c, r, n);
  free(r);
  hc_spectral_cache_destroy(c);
}

Test(spectral, acf_pacf_match_r)
{
  ref_row *ref;
  int      nref = load_reference(&ref), checked = 0;
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  int     na, nb;
  double *xa = aapl_returns(&na), *xb = airline_d1(&nb);
  double  acf[2][21], pacf[2][21];
  cr_assert_eq(hc_spectral_acf(c, xa, na, 20, NULL, acf[0]), 0);
  cr_assert_eq(hc_spectral_acf(c, xb, nb, 20, NULL, acf[1]), 0);
  for (int s = 0; s < 2; s++) cr_assert_eq(hc_spectral_pacf(acf[s], 20, pacf[s]), 0);
  for (int i = 0; i < nref; i++) {
    int is_acf = !strcmp(ref[i].what, "acf"), is_pacf = !strcmp(ref[i].what, "pacf");
    if (!is_acf && !is_pacf) continue;
    int    s = strcmp(ref[i].series, "aapl") ? 1 : 0;
    double v = is_acf ? acf[s][ref[i].lag] : pacf[s][ref[i].lag];
    cr_assert(fabs(v - ref[i].statistic) <= 1e-13, "%s %s lag %d: %.17g vs R %.17g", ref[i].what,
              ref[i].series, ref[i].lag, v, ref[i].statistic);
    checked++;
  }
  cr_assert_eq(checked, 80);
  free(xa);
  free(xb);
  free(ref);
  hc_spectral_cache_destroy(c);
}

/* ---------- PACF ---------- */

Test(spectral, pacf_of_exact_ar1_acf)
{
  double rho[11], pacf[11];
  for (int k = 0; k <= 10; k++) rho[k] = pow(0.7, k);
  cr_assert_eq(hc_spectral_pacf(rho, 10, pacf), 0);
  cr_assert_eq(pacf[0], 1.0);
  cr_assert(fabs(pacf[1] - 0.7) < 1e-15);
  for (int k = 2; k <= 10; k++) cr_assert(fabs(pacf[k]) < 1e-14, "lag %d: %g", k, pacf[k]);
}

Test(spectral, pacf_of_simulated_ar2)
{
  const double phi1 = 0.5, phi2 = -0.3;
  const int    n = 5000, burn = 500, L = 20;
  uint64_t     seed = 20240601;
  double      *x    = malloc(sizeof(double) * (size_t)(n + burn));
  cr_assert(x);
  x[0] = x[1] = 0.0;
  for (int t = 2; t < n + burn; t++) x[t] = phi1 * x[t - 1] + phi2 * x[t - 2] + rng_norm(&seed);
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  double acf[21], pacf[21];
  cr_assert_eq(hc_spectral_acf(c, x + burn, n, L, NULL, acf), 0);
  cr_assert_eq(hc_spectral_pacf(acf, L, pacf), 0);
  double se = 1.0 / sqrt(n);
  /* phi_11 = rho_1 = phi1 / (1 - phi2); phi_22 = phi2; phi_kk = 0 for k > 2 (B&D Ex. 3.4.1) */
  cr_assert(fabs(pacf[1] - phi1 / (1.0 - phi2)) < 4.0 * se, "pacf1 %g", pacf[1]);
  cr_assert(fabs(pacf[2] - phi2) < 4.0 * se, "pacf2 %g", pacf[2]);
  for (int k = 3; k <= L; k++) cr_assert(fabs(pacf[k]) < 4.0 * se, "lag %d: %g", k, pacf[k]);
  free(x);
  hc_spectral_cache_destroy(c);
}

/* ---------- periodogram ---------- */

Test(spectral, periodogram_of_sinusoid_peaks_at_its_frequency)
{
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  const int ns[] = {240, 101}, js[] = {10, 7};
  for (int i = 0; i < 2; i++) {
    int     n = ns[i], j0 = js[i], m = n / 2;
    double  A = 3.0, *x = malloc(sizeof(double) * (size_t)n);
    double *I = malloc(sizeof(double) * (size_t)m), *f = malloc(sizeof(double) * (size_t)m);
    cr_assert(x && I && f);
    for (int t = 0; t < n; t++) x[t] = 5.0 + A * cos(2.0 * M_PI * j0 * t / n + 0.7);
    cr_assert_eq(hc_spectral_periodogram(c, x, n, f, I), 0);
    /* |sum A cos(.) e^{-i w t}|^2 / n = (A n / 2)^2 / n at its own Fourier frequency */
    cr_assert(fabs(I[j0 - 1] - A * A * n / 4.0) < 1e-10 * A * A * n, "I = %g", I[j0 - 1]);
    cr_assert(fabs(f[j0 - 1] - (double)j0 / n) < 1e-16);
    for (int j = 1; j <= m; j++)
      if (j != j0) cr_assert(I[j - 1] < 1e-20 * A * A * n, "leak at j=%d: %g", j, I[j - 1]);
    double period, ratio;
    cr_assert_eq(hc_spectral_dominant_period(I, n, &period, &ratio), 0);
    cr_assert(fabs(period - (double)n / j0) < 1e-12);
    cr_assert(fabs(ratio - m) < 1e-6 * m); /* all the power in one of m ordinates */
    free(x);
    free(I);
    free(f);
  }
  hc_spectral_cache_destroy(c);
}

Test(spectral, periodogram_parseval_and_acvf_transform)
{
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  const int ns[] = {2, 3, 64, 97, 1000, 1001};
  uint64_t  seed = 7;
  for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
    int     n = ns[i], m = n / 2;
    double *x = malloc(sizeof(double) * (size_t)n), *g = malloc(sizeof(double) * (size_t)n);
    double *I = malloc(sizeof(double) * (size_t)(m > 0 ? m : 1));
    cr_assert(x && g && I);
    for (int t = 0; t < n; t++) x[t] = 1.0 + 2.0 * rng_norm(&seed);
    cr_assert_eq(hc_spectral_periodogram(c, x, n, NULL, I), 0);
    cr_assert_eq(hc_spectral_acf_direct(x, n, n - 1, g, NULL), 0);
    /* Parseval: n * acov0 = sum_{j=1}^{n-1} I_j = 2 sum_{j<=m} I_j - [n even] I_{n/2} */
    double s = 0.0;
    for (int j = 1; j <= m; j++) s += 2.0 * I[j - 1];
    if (n % 2 == 0) s -= I[m - 1];
    cr_assert(fabs(s - n * g[0]) <= 1e-13 * n * g[0], "n=%d: %.17g vs %.17g", n, s, n * g[0]);
    /* B&D Prop. 10.1.2: I(f_j) = sum_{|h|<n} acov(h) e^{-2 pi i f_j h} */
    for (int j = 1; j <= m; j++) {
      double v = g[0];
      for (int h = 1; h < n; h++) v += 2.0 * g[h] * cos(2.0 * M_PI * (double)j * h / n);
      cr_assert(fabs(v - I[j - 1]) <= 1e-10 * g[0], "n=%d j=%d: %g vs %g", n, j, v, I[j - 1]);
    }
    free(x);
    free(g);
    free(I);
  }
  hc_spectral_cache_destroy(c);
}

/* ---------- seasonal period ---------- */

Test(spectral, detect_period_airline_is_12)
{
  int     n;
  double *x = airline_d1(&n);
  int     period;
  double  F;
  cr_assert_eq(hc_spectral_detect_period(x, n, 2, 24, &period, &F), 0);
  cr_assert_eq(period, 12);
  cr_assert(F > HC_SPECTRAL_SEASONAL_F_MIN, "F = %g", F);
  /* The single largest periodogram peak is the harmonic at period 143/24 = 5.96. */
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  double I[71], dom, ratio;
  cr_assert_eq(hc_spectral_periodogram(c, x, n, NULL, I), 0);
  cr_assert_eq(hc_spectral_dominant_period(I, n, &dom, &ratio), 0);
  cr_assert(fabs(dom - 143.0 / 24.0) < 1e-12, "dominant %g", dom);
  hc_spectral_cache_destroy(c);
  free(x);
}

Test(spectral, detect_period_f_matches_r_anova)
{
  ref_row *ref;
  int      nref = load_reference(&ref), checked = 0;
  int      na, nb;
  double  *xa = aapl_returns(&na), *xb = airline_d1(&nb);
  for (int i = 0; i < nref; i++) {
    if (strcmp(ref[i].what, "seasonal_f")) continue;
    int     aapl = !strcmp(ref[i].series, "aapl"), period;
    double  F;
    cr_assert_eq(hc_spectral_detect_period(aapl ? xa : xb, aapl ? na : nb, ref[i].lag, ref[i].lag,
                                           &period, &F), 0);
    cr_assert_eq(period, ref[i].lag);
    cr_assert(lre(F, ref[i].statistic) > 11, "%s p=%d: F %.17g vs R %.17g", ref[i].series, period,
              F, ref[i].statistic);
    checked++;
  }
  cr_assert_eq(checked, 6);
  free(xa);
  free(xb);
  free(ref);
}

Test(spectral, detect_period_white_noise_is_weak)
{
  uint64_t seed = 99;
  const int ns[] = {143, 1000};
  for (int i = 0; i < 2; i++) {
    int     n = ns[i], period;
    double *x = malloc(sizeof(double) * (size_t)n), F;
    cr_assert(x);
    for (int t = 0; t < n; t++) x[t] = rng_norm(&seed);
    cr_assert_eq(hc_spectral_detect_period(x, n, 2, 24, &period, &F), 0);
    cr_assert(F < HC_SPECTRAL_SEASONAL_F_MIN / 2, "n=%d: period %d F %g", n, period, F);
    free(x);
  }
  /* an exactly periodic series: F = +inf at its period, not at its multiples */
  double y[60];
  for (int t = 0; t < 60; t++) y[t] = (double)((t % 5) * (t % 5));
  int    period;
  double F;
  cr_assert_eq(hc_spectral_detect_period(y, 60, 2, 30, &period, &F), 0);
  cr_assert_eq(period, 5);
  cr_assert(isinf(F));
}

/* ---------- tests against R ---------- */

Test(spectral, ljung_box_mcleod_li_jarque_bera_match_r)
{
  ref_row *ref;
  int      nref = load_reference(&ref), checked = 0;
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  int     na, nb;
  double *xa = aapl_returns(&na), *xb = airline_d1(&nb);
  for (int i = 0; i < nref; i++) {
    const ref_row *r = &ref[i];
    int     aapl = !strcmp(r->series, "aapl"), n = aapl ? na : nb;
    double *x = aapl ? xa : xb, q, p;
    if (!strcmp(r->what, "ljung_box"))
      cr_assert_eq(hc_spectral_ljung_box(c, x, n, r->lag, r->fitdf, &q, &p), 0);
    else if (!strcmp(r->what, "mcleod_li"))
      cr_assert_eq(hc_spectral_mcleod_li(c, x, n, r->lag, r->fitdf, &q, &p), 0);
    else if (!strcmp(r->what, "jarque_bera"))
      cr_assert_eq(hc_spectral_jarque_bera(x, n, &q, &p), 0);
    else
      continue;
    cr_assert(lre(q, r->statistic) > 11, "%s %s m=%d: %.17g vs R %.17g (LRE %.1f)", r->what,
              r->series, r->lag, q, r->statistic, lre(q, r->statistic));
    assert_pvalue(p, r->pvalue, r->what);
    checked++;
  }
  cr_assert_eq(checked, 2 * (12 + 1));
  free(xa);
  free(xb);
  free(ref);
  hc_spectral_cache_destroy(c);
}

Test(spectral, chi2_tail_matches_r_pchisq)
{
  ref_row *ref;
  int      nref = load_reference(&ref), checked = 0;
  for (int i = 0; i < nref; i++) {
    if (strcmp(ref[i].what, "pchisq")) continue;
    double p = hc_spectral_chi2_sf(ref[i].statistic, ref[i].df);
    cr_assert(lre(p, ref[i].pvalue) > 12, "pchisq(%g, %g): %.17g vs R %.17g (LRE %.1f)",
              ref[i].statistic, ref[i].df, p, ref[i].pvalue, lre(p, ref[i].pvalue));
    checked++;
  }
  cr_assert_eq(checked, 18);
  free(ref);
  /* closed forms and domain */
  for (double x = 0.01; x < 700.0; x *= 1.7)
    cr_assert(lre(hc_spectral_gamma_q(1.0, x), exp(-x)) > 13, "Q(1,%g)", x);
  cr_assert_eq(hc_spectral_gamma_q(2.5, 0.0), 1.0);
  cr_assert_eq(hc_spectral_gamma_q(2.5, INFINITY), 0.0);
  cr_assert_eq(hc_spectral_chi2_sf(-1.0, 3.0), 1.0);
  cr_assert(isnan(hc_spectral_gamma_q(0.0, 1.0)));
  cr_assert(isnan(hc_spectral_gamma_q(1.0, -1.0)));
  cr_assert(isnan(hc_spectral_chi2_sf(NAN, 3.0)));
  cr_assert(isnan(hc_spectral_chi2_sf(1.0, 0.0)));
}

/* ---------- plan cache ---------- */

Test(spectral, plan_cache_reuses_plans_and_is_deterministic)
{
  hc_fft_cache *c, *d;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &d), 0);
  cr_assert_eq(hc_spectral_cache_n_plans(c), 0);
  enum { n = 100, L = 30 };
  double   x[n], a1[L + 1], a2[L + 1], g1[L + 1], g2[L + 1], I1[n], I2[n];
  uint64_t seed = 3;
  for (int t = 0; t < n; t++) x[t] = rng_norm(&seed);
  cr_assert_eq(hc_spectral_fast_length(2 * n), 200);
  /* first ACF of length n: one r2c and one c2r plan of length 200 */
  cr_assert_eq(hc_spectral_acf(c, x, n, L, g1, a1), 0);
  cr_assert_eq(hc_spectral_cache_n_plans(c), 2);
  for (int rep = 0; rep < 5; rep++) {
    cr_assert_eq(hc_spectral_acf(c, x, n, rep, g2, a2), 0); /* any L: same length 200 */
    cr_assert_eq(hc_spectral_acf(c, x, n, L, g2, a2), 0);
    cr_assert_eq(memcmp(a1, a2, sizeof a1), 0);
    cr_assert_eq(memcmp(g1, g2, sizeof g1), 0);
  }
  cr_assert_eq(hc_spectral_cache_n_plans(c), 2);
  /* a periodogram of length 200 reuses the r2c plan; one of length 100 adds one */
  double y[200];
  for (int t = 0; t < 200; t++) y[t] = rng_norm(&seed);
  cr_assert_eq(hc_spectral_periodogram(c, y, 200, NULL, I1), 0);
  cr_assert_eq(hc_spectral_cache_n_plans(c), 2);
  cr_assert_eq(hc_spectral_periodogram(c, x, n, NULL, I1), 0);
  cr_assert_eq(hc_spectral_periodogram(c, x, n, NULL, I2), 0);
  cr_assert_eq(hc_spectral_cache_n_plans(c), 3);
  cr_assert_eq(memcmp(I1, I2, sizeof(double) * (n / 2)), 0);
  /* the Ljung-Box test goes through the same ACF plans */
  double q1, q2;
  cr_assert_eq(hc_spectral_ljung_box(c, x, n, 10, 0, &q1, NULL), 0);
  cr_assert_eq(hc_spectral_cache_n_plans(c), 3);
  /* an independent cache gives bit-identical results */
  cr_assert_eq(hc_spectral_acf(d, x, n, L, g2, a2), 0);
  cr_assert_eq(memcmp(a1, a2, sizeof a1), 0);
  cr_assert_eq(hc_spectral_ljung_box(d, x, n, 10, 0, &q2, NULL), 0);
  cr_assert_eq(q1, q2);
  hc_spectral_cache_destroy(c);
  hc_spectral_cache_destroy(d);
  hc_spectral_cache_destroy(NULL);
}

Test(spectral, wisdom_round_trip)
{
  char path[] = "/tmp/hpcast_wisdom_XXXXXX";
  int  fd     = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_MEASURE, &c), 0);
  double x[64], acf[8];
  for (int t = 0; t < 64; t++) x[t] = sin(0.3 * t) + 0.01 * t;
  cr_assert_eq(hc_spectral_acf(c, x, 64, 7, NULL, acf), 0);
  cr_assert_eq(hc_spectral_wisdom_export(path), 0);
  cr_assert_eq(hc_spectral_wisdom_import(path), 0);
  cr_assert_eq(unlink(path), 0);
  cr_assert_eq(hc_spectral_wisdom_import(path), EIO); /* gone */
  cr_assert_eq(hc_spectral_wisdom_import(NULL), EINVAL);
  hc_spectral_cache_destroy(c);
}

Test(spectral, fast_length)
{
  const int in[]  = {1, 2, 7, 11, 13, 17, 31, 97, 121, 10802};
  const int out[] = {1, 2, 8, 12, 15, 18, 32, 100, 125, 10935};
  for (size_t i = 0; i < sizeof in / sizeof *in; i++)
    cr_assert_eq(hc_spectral_fast_length(in[i]), out[i], "fast_length(%d)", in[i]);
  cr_assert_eq(hc_spectral_fast_length(0), -1);
}

/* ---------- errors ---------- */

Test(spectral, errors)
{
  hc_fft_cache *c;
  cr_assert_eq(hc_spectral_cache_create((hc_fft_rigor)7, &c), EINVAL);
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, NULL), EINVAL);
  cr_assert_eq(hc_spectral_cache_create(HC_FFT_ESTIMATE, &c), 0);
  double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, k[10] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  double out[10], q;
  int    period;
  cr_assert_eq(hc_spectral_acf(c, x, 1, 0, out, NULL), EINVAL);
  cr_assert_eq(hc_spectral_acf(c, x, 10, 10, out, NULL), EINVAL);
  cr_assert_eq(hc_spectral_acf(c, x, 10, -1, out, NULL), EINVAL);
  cr_assert_eq(hc_spectral_acf(c, x, 10, 3, NULL, NULL), EINVAL);
  cr_assert_eq(hc_spectral_acf(NULL, x, 10, 3, out, NULL), EINVAL);
  cr_assert_eq(hc_spectral_acf(c, k, 10, 3, NULL, out), EDOM);    /* constant: no ACF */
  cr_assert_eq(hc_spectral_acf(c, k, 10, 3, out, NULL), 0);       /* but an ACVF of zeros */
  cr_assert_eq(out[0], 0.0);
  cr_assert_eq(hc_spectral_acf_direct(k, 10, 3, NULL, out), EDOM);
  x[4] = NAN;
  cr_assert_eq(hc_spectral_acf(c, x, 10, 3, out, NULL), EDOM);
  cr_assert_eq(hc_spectral_periodogram(c, x, 10, NULL, out), EDOM);
  cr_assert_eq(hc_spectral_jarque_bera(x, 10, &q, NULL), EDOM);
  x[4] = 5.0;
  cr_assert_eq(hc_spectral_ljung_box(c, x, 10, 3, 3, &q, NULL), EINVAL); /* df = 0 */
  cr_assert_eq(hc_spectral_ljung_box(c, x, 10, 10, 0, &q, NULL), EINVAL);
  cr_assert_eq(hc_spectral_ljung_box(c, k, 10, 3, 0, &q, NULL), EDOM);
  cr_assert_eq(hc_spectral_jarque_bera(k, 10, &q, NULL), EDOM);
  cr_assert_eq(hc_spectral_detect_period(x, 10, 1, 3, &period, NULL), EINVAL);
  cr_assert_eq(hc_spectral_detect_period(x, 10, 3, 6, &period, NULL), EINVAL);
  cr_assert_eq(hc_spectral_detect_period(k, 10, 2, 5, &period, NULL), EDOM);
  double rho[3] = {1.0, 1.0, 1.0}; /* singular at lag 1 */
  cr_assert_eq(hc_spectral_pacf(rho, 2, out), EDOM);
  cr_assert_eq(hc_spectral_pacf(rho, 0, out), EINVAL);
  double zero[5] = {0};
  cr_assert_eq(hc_spectral_dominant_period(zero, 10, &q, NULL), EDOM);
  hc_spectral_cache_destroy(c);
}
