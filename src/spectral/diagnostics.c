/**
 * @file diagnostics.c
 * @brief Residual diagnostics: Ljung-Box, McLeod-Li and Jarque-Bera tests.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "spectral_internal.h"

int hc_spectral_ljung_box(hc_fft_cache *c, const double *x, int n, int m, int fitted_params,
                          double *q, double *pvalue)
{
  if (!c || !x || !q || n < 2 || m < 1 || m > n - 1 || fitted_params < 0 || fitted_params >= m)
    return EINVAL;
  double *r = malloc(sizeof(double) * ((size_t)m + 1));
  if (!r) return ENOMEM;
  /* the direct sum costs about n (m + 1) multiply-adds, the FFT about N log2 N of its length N:
   * the direct sum where it is the cheaper (e.g. up to m of about 25 at n = 2,000) */
  const int N      = hc_spectral_fast_length(2 * n);
  const int direct = N > 0 && (double)(m + 1) * n <= N * log2((double)N);
  int       rc     = direct ? hc_spectral_acf_direct(x, n, m, NULL, r) : hc_spectral_acf(c, x, n, m, NULL, r);
  if (!rc) {
    double s = 0.0;
    for (int k = 1; k <= m; k++) s += r[k] * r[k] / (n - k);
    *q = (double)n * (n + 2.0) * s;
    if (pvalue) *pvalue = hc_spectral_chi2_sf(*q, m - fitted_params);
  }
  free(r);
  return rc;
}

int hc_spectral_mcleod_li(hc_fft_cache *c, const double *e, int n, int m, int fitted_params,
                          double *q, double *pvalue)
{
  if (!e || n < 2) return EINVAL;
  double *e2 = malloc(sizeof(double) * (size_t)n);
  if (!e2) return ENOMEM;
  for (int t = 0; t < n; t++) e2[t] = e[t] * e[t];
  int rc = hc_spectral_ljung_box(c, e2, n, m, fitted_params, q, pvalue);
  free(e2);
  return rc;
}

int hc_spectral_jarque_bera(const double *x, int n, double *jb, double *pvalue)
{
  if (!x || !jb || n < 2) return EINVAL;
  double mean;
  if (hc_spectral_mean(x, n, &mean)) return EDOM;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (int t = 0; t < n; t++) {
    double d = x[t] - mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0.0)) return EDOM;
  double skew = m3 / pow(m2, 1.5), kurt = m4 / (m2 * m2);
  *jb = n / 6.0 * (skew * skew + 0.25 * (kurt - 3.0) * (kurt - 3.0));
  if (pvalue) *pvalue = hc_spectral_chi2_sf(*jb, 2.0);
  return 0;
}
