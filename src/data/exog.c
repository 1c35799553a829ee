/**
 * @file exog.c
 * @brief Alignment of technical indicators into lagged regressors (see indicators.h).
 */
#include "hpcast/indicators.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int hc_exog_build(const hc_indicator *ids, int n_ids, const hc_series *s, int ny, int shift, double **X, int *ldx,
                  int *j0, char (*names)[HC_IND_NAME_LEN], char *reason, size_t len)
{
  const int k = hc_indicators_ncols(ids, n_ids), nb = s->n;
  int       need_ohlc = 0, need_vol = 0, need_dates = 0;
  *X = NULL;
  for (int i = 0; i < n_ids; i++) {
    need_ohlc |= ids[i] == HC_IND_ATR;
    need_vol |= ids[i] == HC_IND_VOLZ;
    need_dates |= ids[i] == HC_IND_DOW;
  }
  if (need_ohlc && (!s->high || !s->low || !s->close)) return snprintf(reason, len, "no high, low, close columns for atr"), 1;
  if (need_vol && !s->volume) return snprintf(reason, len, "no volume column for volz"), 1;
  if (need_dates && (!s->labels_are_dates || !s->time))
    return snprintf(reason, len, "labels are not dates (dow needs dates)"), 1;
  double *ind = malloc(sizeof(double) * ((size_t)nb * k + 2 * (size_t)nb));
  if (!ind) return -1;
  double *hi = ind + (size_t)nb * k, *lo = hi + nb;
  for (int t = 0; t < nb; t++) {
    double f = s->close && s->close[t] > 0 ? s->value[t] / s->close[t] : 1.0;
    hi[t]    = s->high ? s->high[t] * f : s->value[t];
    lo[t]    = s->low ? s->low[t] * f : s->value[t];
  }
  if (hc_indicators_compute(ids, n_ids, NULL, nb, hi, lo, s->value, s->volume, s->time, ind,
                            names) != k) {
    free(ind);
    return snprintf(reason, len, "indicators could not be computed"), 1;
  }
  const int warm = hc_indicators_warmup(ids, n_ids, NULL);
  *j0            = warm - shift + 1 > 1 - shift ? warm - shift + 1 : 1 - shift;
  if (*j0 < 0) *j0 = 0;
  *ldx = ny - *j0 + 1;
  if (*ldx < 2 || !(*X = malloc(sizeof(double) * (size_t)*ldx * k))) {
    free(ind);
    if (*ldx < 2) return snprintf(reason, len, "too few observations after the %d-bar indicator warm-up", warm), 1;
    return -1;
  }
  for (int c = 0; c < k; c++)
    for (int j = *j0; j <= ny; j++) {
      double v                         = ind[(size_t)c * nb + j + shift - 1];
      (*X)[(size_t)c * *ldx + j - *j0] = isfinite(v) ? v : 0.0;
    }
  free(ind);
  return 0;
}
