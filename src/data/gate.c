/**
 * @file gate.c
 * @brief Quality gate of one loaded series (hc_data_gate) and its options.
 *
 * Pure numerics over the arrays of an hc_series: libc only, no I/O, no global state.
 */
#include "hpcast/data.h"

#include <math.h>
#include <stdio.h>

void hc_gate_options_default(hc_gate_options *o)
{
  o->min_obs        = 250;
  o->transform      = HC_TRANSFORM_LOGRET100;
  o->max_move       = 0.40;
  o->max_gap_days   = 5.0;
  o->max_zero_share = 0.25;
}

/** Near-zero variance: sd of the modelled series at most this fraction of its scale (data.h). */
#define MIN_SD_REL 1e-8

/** 1 if value v cannot enter the transform t (non-finite, or non-positive under logs). */
static int bad_value(double v, hc_transform t)
{
  return !isfinite(v) || (t == HC_TRANSFORM_LOGRET100 && v <= 0.0);
}

/**
 * Quality score of s, as documented at hc_data_gate(). Under HC_TRANSFORM_NONE a
 * non-positive value is legitimate data and large moves are not flagged (a simple
 * return is meaningless for a series that can cross zero): only non-finite values and
 * zero volume flag a row there. Gaps count only when labels_are_dates; a step that is
 * not ascending (duplicate, unsorted) is not a gap.
 */
static double quality_score(const hc_series *s, const hc_gate_options *o)
{
  int flagged = 0, gaps = 0;
  for (int i = 0; i < s->n; i++) {
    const double v = s->value[i];
    int flag = bad_value(v, o->transform) || (s->volume && s->volume[i] == 0.0);
    if (!flag && i > 0 && o->transform == HC_TRANSFORM_LOGRET100) {
      const double prev = s->value[i - 1];
      flag = !bad_value(prev, o->transform) && fabs(v / prev - 1.0) > o->max_move;
    }
    flagged += flag;
  }
  if (s->labels_are_dates) {
    for (int i = 1; i < s->n; i++)
      if ((double)(s->time[i] - s->time[i - 1]) / 86400.0 > o->max_gap_days) gaps++;
  }
  const double row_term = 1.0 - (double)flagged / s->n;
  const double gap_term = s->n > 1 ? 1.0 - (double)gaps / (s->n - 1) : 1.0;
  return row_term * gap_term;
}

/**
 * Sample standard deviation of the modelled series of s under t (the values of
 * hc_data_transform, computed here without a buffer by Welford's updates: B. P. Welford,
 * Technometrics 4(3), 1962), its scale (100 for logret100, mean |v| for none), and the number of
 * zero returns (v_t == v_{t-1}, logret100; 0 for none). The values are finite (and positive for
 * logret100): the gate checked them. @return the number of modelled observations m.
 */
static int spread(const hc_series *s, hc_transform t, double *sd, double *scale, int *zeros)
{
  const int lr = t == HC_TRANSFORM_LOGRET100;
  double    mean = 0.0, m2 = 0.0, abs_sum = 0.0;
  int       m = 0;
  *zeros = 0;
  for (int i = lr; i < s->n; i++) {
    const double y = lr ? 100.0 * (log(s->value[i]) - log(s->value[i - 1])) : s->value[i];
    if (lr) *zeros += s->value[i] == s->value[i - 1];
    else abs_sum += fabs(y);
    m++;
    const double d = y - mean;
    mean += d / m;
    m2 += d * (y - mean);
  }
  *sd    = m > 1 ? sqrt(m2 / (m - 1)) : 0.0;
  *scale = lr ? 100.0 : (m > 0 ? abs_sum / m : 0.0);
  return m;
}

/**
 * Checks run in this order and the first failure is reported, naming the 1-based data
 * row and its label: non-numeric (NaN) or non-finite value; non-positive value (only for
 * HC_TRANSFORM_LOGRET100); duplicate or descending date (only if labels_are_dates; compared
 * on s->time); fewer than o->min_obs modelled observations (n-1 for logret100, n for none);
 * near-zero variance ("near-zero variance: sd 0 of the logret100 series <= 1e-06"); a share of
 * zero returns above o->max_zero_share, logret100 only ("stale price: 120 of 319 returns are
 * zero (share 0.376 > max_zero_share 0.25)"; under none a repeated value is legitimate data, e.g.
 * a policy rate, and a returns column may hold exact zeros). An empty series is rejected with
 * "no data rows" and quality 0. reason may be NULL when len is 0; it is set to "" when the
 * series is accepted.
 */
int hc_data_gate(const hc_series *s, const hc_gate_options *o, double *quality, char *reason, size_t len)
{
  if (len) reason[0] = '\0';
  if (s->n <= 0) {
    *quality = 0.0;
    snprintf(reason, len, "no data rows");
    return 1;
  }
  *quality = quality_score(s, o);

  for (int i = 0; i < s->n; i++) {
    const double v = s->value[i];
    if (isnan(v)) {
      snprintf(reason, len, "non-numeric value at row %d (%.*s)", i + 1, HC_LABEL_LEN, s->label[i]);
      return 1;
    }
    if (!isfinite(v)) {
      snprintf(reason, len, "non-finite value %g at row %d (%.*s)", v, i + 1, HC_LABEL_LEN, s->label[i]);
      return 1;
    }
  }
  if (o->transform == HC_TRANSFORM_LOGRET100) {
    for (int i = 0; i < s->n; i++) {
      if (s->value[i] <= 0.0) {
        snprintf(reason, len, "non-positive value %g at row %d (%.*s)", s->value[i], i + 1,
                 HC_LABEL_LEN, s->label[i]);
        return 1;
      }
    }
  }
  if (s->labels_are_dates) {
    for (int i = 1; i < s->n; i++) {
      if (s->time[i] == s->time[i - 1]) {
        snprintf(reason, len, "duplicate date %.*s at row %d", HC_LABEL_LEN, s->label[i], i + 1);
        return 1;
      }
      if (s->time[i] < s->time[i - 1]) {
        snprintf(reason, len, "dates not ascending: %.*s after %.*s at row %d", HC_LABEL_LEN,
                 s->label[i], HC_LABEL_LEN, s->label[i - 1], i + 1);
        return 1;
      }
    }
  }
  const int n_obs = o->transform == HC_TRANSFORM_LOGRET100 ? s->n - 1 : s->n;
  if (n_obs < o->min_obs) {
    snprintf(reason, len, "too few observations: %d < min_obs %d", n_obs, o->min_obs);
    return 1;
  }
  double sd, scale;
  int    zeros;
  const int m = spread(s, o->transform, &sd, &scale, &zeros);
  if (sd <= MIN_SD_REL * scale) {
    snprintf(reason, len, "near-zero variance: sd %.3g of the %s series <= %.3g", sd, hc_transform_name(o->transform),
             MIN_SD_REL * scale);
    return 1;
  }
  if (o->transform == HC_TRANSFORM_LOGRET100 && zeros > o->max_zero_share * m) {
    snprintf(reason, len, "stale price: %d of %d returns are zero (share %.3g > max_zero_share %g)", zeros, m,
             (double)zeros / m, o->max_zero_share);
    return 1;
  }
  return 0;
}
