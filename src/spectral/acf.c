/**
 * @file acf.c
 * @brief Sample autocovariance/autocorrelation (by FFT and by the direct sum) and
 *        partial autocorrelations by Durbin-Levinson.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "spectral_internal.h"

/** Shape checks shared by the FFT and the direct ACF. */
static int acf_args_ok(const double *x, int n, int L, const double *acov, const double *acf)
{
  return x && n >= 2 && n <= INT_MAX / 2 && L >= 0 && L <= n - 1 && (acov || acf);
}

/** Write acov[0..L] = g[0..L] * scale and/or acf = acov / acov[0]. */
static int acf_finish(const double *g, int L, double scale, double *acov, double *acf)
{
  double g0 = g[0] * scale;
  if (acf && !(g0 > 0.0)) return EDOM;
  for (int k = 0; k <= L; k++) {
    double v = g[k] * scale;
    if (acov) acov[k] = v;
    if (acf) acf[k] = v / g0;
  }
  if (acf) acf[0] = 1.0;
  return 0;
}

int hc_spectral_acf(hc_fft_cache *c, const double *x, int n, int L, double *acov, double *acf)
{
  if (!c || !acf_args_ok(x, n, L, acov, acf)) return EINVAL;
  double mean;
  if (hc_spectral_mean(x, n, &mean)) return EDOM;
  int N = hc_spectral_fast_length(2 * n);
  if (N < 0) return EINVAL;
  hc_fft_entry *e = hc_fft_cache_get(c, N, 1);
  if (!e) return ENOMEM;
  for (int t = 0; t < n; t++) e->r[t] = x[t] - mean;
  for (int t = n; t < N; t++) e->r[t] = 0.0;
  fftw_execute(e->r2c);
  for (int k = 0; k <= N / 2; k++) {
    double re = e->z[k][0], im = e->z[k][1];
    e->z[k][0] = re * re + im * im;
    e->z[k][1] = 0.0;
  }
  fftw_execute(e->c2r); /* unnormalised inverse: N * circular autocorrelation */
  return acf_finish(e->r, L, 1.0 / ((double)N * n), acov, acf);
}

int hc_spectral_acf_direct(const double *x, int n, int L, double *acov, double *acf)
{
  if (!acf_args_ok(x, n, L, acov, acf)) return EINVAL;
  double mean;
  if (hc_spectral_mean(x, n, &mean)) return EDOM;
  double *g = malloc(sizeof(double) * ((size_t)L + 1 + (size_t)n)), *d = g + L + 1;
  if (!g) return ENOMEM;
  for (int t = 0; t < n; t++) d[t] = x[t] - mean;
  /* each lag's sum in four interleaved partial sums: four independent chains of additions,
   * where one chain would wait for each addition before the next */
  for (int k = 0; k <= L; k++) {
    const int m = n - k;
    double    s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int       t = 0;
    for (; t + 4 <= m; t += 4) {
      s0 += d[t] * d[t + k];
      s1 += d[t + 1] * d[t + 1 + k];
      s2 += d[t + 2] * d[t + 2 + k];
      s3 += d[t + 3] * d[t + 3 + k];
    }
    for (; t < m; t++) s0 += d[t] * d[t + k];
    g[k] = (s0 + s1) + (s2 + s3);
  }
  int rc = acf_finish(g, L, 1.0 / n, acov, acf);
  free(g);
  return rc;
}

int hc_spectral_pacf(const double *acf, int L, double *pacf)
{
  if (!acf || !pacf || L < 1) return EINVAL;
  if (!(acf[0] > 0.0) || !isfinite(acf[0])) return EDOM;
  double *phi  = malloc(sizeof(double) * (size_t)L * 2); /* phi_{k,1..k} and phi_{k-1,.} */
  if (!phi) return ENOMEM;
  double *prev = phi + L;
  double  v    = 1.0;
  int     rc   = 0;
  pacf[0] = 1.0;
  for (int k = 1; k <= L && !rc; k++) {
    double num = acf[k] / acf[0];
    for (int j = 1; j < k; j++) num -= prev[j - 1] * acf[k - j] / acf[0];
    double a = num / v;
    if (!isfinite(a)) { rc = EDOM; break; }
    phi[k - 1] = a;
    for (int j = 1; j < k; j++) phi[j - 1] = prev[j - 1] - a * prev[k - j - 1];
    v *= 1.0 - a * a;
    if (!(v > 0.0) && k < L) rc = EDOM; /* v_k only enters the later lags */
    pacf[k] = a;
    for (int j = 0; j < k; j++) prev[j] = phi[j];
  }
  free(phi);
  return rc;
}
