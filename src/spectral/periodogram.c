/**
 * @file periodogram.c
 * @brief Periodogram at the Fourier frequencies and its dominant period.
 */
#include <errno.h>
#include <math.h>

#include "spectral_internal.h"

int hc_spectral_periodogram(hc_fft_cache *c, const double *x, int n, double *freq, double *pgram)
{
  if (!c || !x || !pgram || n < 2) return EINVAL;
  double mean;
  if (hc_spectral_mean(x, n, &mean)) return EDOM;
  hc_fft_entry *e = hc_fft_cache_get(c, n, 0);
  if (!e) return ENOMEM;
  for (int t = 0; t < n; t++) e->r[t] = x[t] - mean;
  fftw_execute(e->r2c);
  for (int j = 1; j <= n / 2; j++) {
    double re = e->z[j][0], im = e->z[j][1];
    pgram[j - 1] = (re * re + im * im) / n;
    if (freq) freq[j - 1] = (double)j / n;
  }
  return 0;
}

int hc_spectral_dominant_period(const double *pgram, int n, double *period, double *ratio)
{
  if (!pgram || !period || n < 2) return EINVAL;
  int    m = n / 2, best = 0;
  double sum = 0.0;
  for (int j = 0; j < m; j++) {
    if (!isfinite(pgram[j])) return EDOM;
    sum += pgram[j];
    if (pgram[j] > pgram[best]) best = j;
  }
  if (!(sum > 0.0)) return EDOM;
  *period = (double)n / (best + 1);
  if (ratio) *ratio = pgram[best] / (sum / m);
  return 0;
}
