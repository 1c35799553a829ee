/**
 * @file scores.c
 * @brief M4 forecast accuracy scores (sMAPE, MASE, MSIS, coverage, ACD, OWA) and the Naive
 *        benchmark, and the Diebold-Mariano test of two loss series. Definitions and sources in
 *        include/hpcast/eval.h.
 */
#include "hpcast/eval.h"
#include "hpcast/models.h" /* hc_norm_quantile */

#include <math.h>

double hc_eval_smape(const double *y, const double *f, int h)
{
  if (h < 1) return NAN;
  double sum = 0.0;
  for (int t = 0; t < h; t++) {
    double den = fabs(y[t]) + fabs(f[t]);
    if (!isfinite(y[t]) || !isfinite(f[t]) || den == 0.0) return NAN;
    sum += fabs(y[t] - f[t]) / den;
  }
  return 200.0 * sum / h;
}

double hc_eval_mase_scale(const double *x, int n, int m)
{
  if (m < 1 || n <= m) return NAN;
  double sum = 0.0;
  for (int t = m; t < n; t++) {
    if (!isfinite(x[t]) || !isfinite(x[t - m])) return NAN;
    sum += fabs(x[t] - x[t - m]);
  }
  return sum / (n - m);
}

double hc_eval_mase(const double *y, const double *f, int h, double scale)
{
  if (h < 1 || !(scale > 0) || !isfinite(scale)) return NAN;
  double sum = 0.0;
  for (int t = 0; t < h; t++) {
    if (!isfinite(y[t]) || !isfinite(f[t])) return NAN;
    sum += fabs(y[t] - f[t]);
  }
  return sum / h / scale;
}

double hc_eval_msis(const double *y, const double *lo, const double *hi, int h, double alpha, double scale)
{
  if (h < 1 || !(alpha > 0 && alpha < 1) || !(scale > 0) || !isfinite(scale)) return NAN;
  double sum = 0.0;
  for (int t = 0; t < h; t++) {
    if (!isfinite(y[t]) || !isfinite(lo[t]) || !isfinite(hi[t])) return NAN;
    sum += hi[t] - lo[t];
    if (y[t] < lo[t]) sum += 2.0 / alpha * (lo[t] - y[t]);
    if (y[t] > hi[t]) sum += 2.0 / alpha * (y[t] - hi[t]);
  }
  return sum / h / scale;
}

int hc_eval_covered(const double *y, const double *lo, const double *hi, int h)
{
  int c = 0;
  for (int t = 0; t < h; t++) c += lo[t] <= y[t] && y[t] <= hi[t]; /* false for NaN */
  return c;
}

void hc_eval_series(const double *x, int n, int m, const double *y, const double *f, const double *lo,
                    const double *hi, int h, double alpha, hc_eval_scores *s)
{
  const double scale = hc_eval_mase_scale(x, n, m);
  s->smape   = hc_eval_smape(y, f, h);
  s->mase    = hc_eval_mase(y, f, h, scale);
  s->msis    = hc_eval_msis(y, lo, hi, h, alpha, scale);
  s->covered = hc_eval_covered(y, lo, hi, h);
  s->h       = h > 0 ? h : 0;
}

void hc_eval_summarize(const hc_eval_scores *s, int n, double level, hc_eval_summary *out)
{
  double smape = 0.0, mase = 0.0, msis = 0.0;
  long   covered = 0, points = 0;
  int    used = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(s[i].smape) || !isfinite(s[i].mase) || !isfinite(s[i].msis)) continue;
    smape += s[i].smape;
    mase += s[i].mase;
    msis += s[i].msis;
    covered += s[i].covered;
    points += s[i].h;
    used++;
  }
  out->n_series  = used;
  out->n_skipped = n - used;
  out->smape     = used ? smape / used : NAN;
  out->mase      = used ? mase / used : NAN;
  out->msis      = used ? msis / used : NAN;
  out->coverage  = points ? (double)covered / (double)points : NAN;
  out->acd       = fabs(out->coverage - level);
}

double hc_eval_owa(double smape, double mase, double smape_naive2, double mase_naive2)
{
  if (!(smape_naive2 > 0) || !(mase_naive2 > 0) || !isfinite(smape_naive2) || !isfinite(mase_naive2)) return NAN;
  return 0.5 * (smape / smape_naive2 + mase / mase_naive2); /* NaN propagates from smape, mase */
}

int hc_eval_naive(const double *x, int n, int H, double alpha, double *f, double *lo, double *hi)
{
  int bad = n < 2 || H < 1 || !(alpha > 0 && alpha < 1);
  double ss = 0.0;
  for (int t = 1; t < n && !bad; t++) {
    bad |= !isfinite(x[t]) || !isfinite(x[t - 1]);
    ss += (x[t] - x[t - 1]) * (x[t] - x[t - 1]);
  }
  const double sigma = bad ? NAN : sqrt(ss / (n - 1)), z = bad ? NAN : hc_norm_quantile(1.0 - 0.5 * alpha);
  for (int h = 0; h < H; h++) {
    f[h]  = bad ? NAN : x[n - 1];
    lo[h] = f[h] - z * sigma * sqrt(h + 1.0);
    hi[h] = f[h] + z * sigma * sqrt(h + 1.0);
  }
  return bad;
}

int hc_dm_test(const double *d, int n, int h, double *stat, double *p)
{
  *stat = *p = NAN;
  if (n < 2 || h < 1 || h >= n) return 1;
  double sum = 0.0;
  for (int t = 0; t < n; t++) {
    if (!isfinite(d[t])) return 1;
    sum += d[t];
  }
  const double mean = sum / n;
  double       v    = 0.0;
  for (int k = 0; k < h; k++) { /* gamma_k with divisor n, as R acf(type = "covariance") */
    double g = 0.0;
    for (int t = k; t < n; t++) g += (d[t] - mean) * (d[t - k] - mean);
    v += (k ? 2.0 : 1.0) * g / n;
  }
  v /= n;
  if (!(v > 0)) return 1;
  *stat = mean / sqrt(v) * sqrt((n + 1 - 2.0 * h + (double)h / n * (h - 1)) / n);
  *p    = 2.0 * hc_t_cdf(-fabs(*stat), n - 1.0);
  return 0;
}

void hc_dm_tally(hc_dm_counts *c, const hc_result *r)
{
  if (!isfinite(r->dm_p)) return;
  c->tested++;
  if (r->dm_p < 0.05 && r->dm_stat < 0) c->ensemble_better++;
  if (r->dm_p < 0.05 && r->dm_stat > 0) c->benchmark_better++;
}
