/**
 * @file active.c
 * @brief A book against its benchmark: Jensen's alpha and beta, active return, tracking error,
 *        information ratio, and the Newey-West t-statistic of the mean active return.
 */
#include "hpcast/portfolio.h"

#include <math.h>
#include <stdlib.h>

double hc_port_newey_west(const double *x, int n, int L)
{
  double mean = 0.0, lrv = 0.0;
  if (n < 2 || L < 0) return NAN;
  for (int t = 0; t < n; t++) mean += x[t];
  mean /= n;
  for (int j = 0; j <= L && j < n; j++) {
    double g = 0.0;
    for (int t = j; t < n; t++) g += (x[t] - mean) * (x[t - j] - mean);
    g /= n;
    lrv += j == 0 ? g : 2.0 * (1.0 - (double)j / (L + 1)) * g;
  }
  return lrv;
}

int hc_port_nw_lags(int n) { return n > 0 ? (int)floor(4.0 * pow(n / 100.0, 2.0 / 9.0)) : 0; }

void hc_port_active_metrics(const double *r, const double *rb, int n, double P, hc_active_metrics *a)
{
  double *d = malloc(sizeof *d * (size_t)(n > 0 ? n : 1));
  double  mr = 0.0, mb = 0.0, sbb = 0.0, srb = 0.0, md = 0.0, sdd = 0.0;
  int     m  = 0;
  *a = (hc_active_metrics){.n = 0, .alpha = NAN, .beta = NAN, .active_return = NAN, .tracking_error = NAN, .information_ratio = NAN,
                           .t_nw = NAN, .nw_lags = 0};
  if (!d) return;
  for (int t = 0; t < n; t++)
    if (isfinite(r[t]) && isfinite(rb[t])) {
      d[m++] = r[t] - rb[t];
      mr += r[t];
      mb += rb[t];
    }
  a->n = m;
  if (m < 2) {
    free(d);
    return;
  }
  mr /= m;
  mb /= m;
  for (int t = 0; t < n; t++)
    if (isfinite(r[t]) && isfinite(rb[t])) {
      sbb += (rb[t] - mb) * (rb[t] - mb);
      srb += (r[t] - mr) * (rb[t] - mb);
    }
  for (int t = 0; t < m; t++) md += d[t];
  md /= m;
  for (int t = 0; t < m; t++) sdd += (d[t] - md) * (d[t] - md);
  if (sbb > 0.0) {
    a->beta  = srb / sbb;
    a->alpha = P * (mr - a->beta * mb);
  }
  a->active_return  = P * md;
  a->tracking_error = sqrt(P * sdd / (m - 1));
  if (a->tracking_error > 0.0) a->information_ratio = a->active_return / a->tracking_error;
  a->nw_lags       = hc_port_nw_lags(m);
  const double lrv = hc_port_newey_west(d, m, a->nw_lags);
  if (lrv > 0.0) a->t_nw = md / sqrt(lrv / m);
  free(d);
}
