/**
 * @file seasonal.c
 * @brief Seasonal period detection by the F test for stable seasonality.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "spectral_internal.h"

int hc_spectral_detect_period(const double *x, int n, int min_period, int max_period,
                              int *period, double *strength)
{
  if (!x || !period || min_period < 2 || max_period < min_period || max_period > n / 2)
    return EINVAL;
  double mean;
  if (hc_spectral_mean(x, n, &mean)) return EDOM;
  double tss = 0.0;
  for (int t = 0; t < n; t++) tss += (x[t] - mean) * (x[t] - mean);
  if (!(tss > 0.0)) return EDOM;
  double *phase = malloc(sizeof(double) * (size_t)max_period); /* phase means */
  if (!phase) return ENOMEM;
  int    best   = 0;
  double best_f = -1.0;
  for (int p = min_period; p <= max_period; p++) {
    for (int g = 0; g < p; g++) phase[g] = 0.0;
    for (int t = 0; t < n; t++) phase[t % p] += x[t] - mean;
    for (int g = 0; g < p; g++) phase[g] /= (n - g + p - 1) / p; /* observations of phase g */
    double rss = 0.0;
    for (int t = 0; t < n; t++) {
      double d = x[t] - mean - phase[t % p];
      rss += d * d;
    }
    /* SS_between = tss - rss; rss from the residuals avoids cancellation when it is small */
    double f = rss > 0.0 ? ((tss - rss) / (p - 1)) / (rss / (n - p)) : INFINITY;
    if (f > best_f) {
      best_f = f;
      best   = p;
    }
  }
  free(phase);
  *period = best;
  if (strength) *strength = best_f;
  return 0;
}
