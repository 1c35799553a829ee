/**
 * @file indicators.c
 * @brief Technical indicators of OHLCV bars (ATR, RSI, StochRSI with volatility bands,
 *        volume z-score, day-of-week dummies) used as exogenous regressors.
 *
 * Pure numerics over arrays: libc only, no I/O, no global state. Every indicator is one
 * forward pass (Wilder recursions, running window sums, monotone deques), so the value at
 * row t reads inputs 0..t only. Formulas and sources are documented in indicators.h.
 */
#include "hpcast/indicators.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** List names, indexed by hc_indicator. */
static const char *const ind_names[HC_IND_COUNT] = {"atr", "rsi", "stochrsi", "volz", "dow"};
/** Output columns of each indicator, indexed by hc_indicator. */
static const int ind_ncols[HC_IND_COUNT] = {1, 1, 2, 1, 4};

void hc_indicator_params_default(hc_indicator_params *p)
{
  p->atr_window      = 14;
  p->rsi_window      = 14;
  p->stoch_window    = 14;
  p->band_vol_window = 14;
  p->band_z_window   = 20;
  p->band_c          = 0.5;
  p->volz_window     = 20;
}

const char *hc_indicator_name(hc_indicator id)
{
  return (id >= 0 && id < HC_IND_COUNT) ? ind_names[id] : "?";
}

int hc_indicator_parse(const char *list, hc_indicator ids[HC_IND_COUNT], int *n_ids,
                       char *err, size_t len)
{
  static const char allowed[] = "atr, rsi, stochrsi, volz, dow (or none)";
  *n_ids = 0;
  const char *p = list;
  while (isspace((unsigned char)*p)) p++;
  if (*p == '\0' || (strncmp(p, "none", 4) == 0 && strspn(p + 4, " \t") == strlen(p + 4)))
    return 0;
  for (;;) {
    while (isspace((unsigned char)*p)) p++;
    size_t tok = strcspn(p, ",");
    size_t end = tok;
    while (end > 0 && isspace((unsigned char)p[end - 1])) end--;
    if (end == 0) {
      snprintf(err, len, "empty entry in indicator list '%s' (allowed: %s)", list, allowed);
      return 1;
    }
    int id = -1;
    for (int i = 0; i < HC_IND_COUNT; i++)
      if (strlen(ind_names[i]) == end && strncmp(p, ind_names[i], end) == 0) id = i;
    if (id < 0) {
      snprintf(err, len, "unknown indicator '%.*s' in '%s' (allowed: %s)", (int)end, p, list,
               allowed);
      return 1;
    }
    for (int i = 0; i < *n_ids; i++)
      if (ids[i] == (hc_indicator)id) {
        snprintf(err, len, "indicator '%s' listed twice in '%s' (allowed: %s)", ind_names[id],
                 list, allowed);
        return 1;
      }
    ids[(*n_ids)++] = (hc_indicator)id;
    if (p[tok] == '\0') return 0;
    p += tok + 1;
  }
}

int hc_indicators_ncols(const hc_indicator *ids, int n_ids)
{
  int k = 0;
  for (int i = 0; i < n_ids; i++)
    if (ids[i] >= 0 && ids[i] < HC_IND_COUNT) k += ind_ncols[ids[i]];
  return k;
}

static int imax(int a, int b) { return a > b ? a : b; }

int hc_indicators_warmup(const hc_indicator *ids, int n_ids, const hc_indicator_params *p)
{
  hc_indicator_params d;
  if (!p) {
    hc_indicator_params_default(&d);
    p = &d;
  }
  int w = 0;
  for (int i = 0; i < n_ids; i++) {
    switch (ids[i]) {
    case HC_IND_ATR: w = imax(w, p->atr_window - 1); break;
    case HC_IND_RSI: w = imax(w, p->rsi_window); break;
    case HC_IND_STOCHRSI:
      w = imax(w, imax(p->rsi_window + p->stoch_window - 1, p->band_vol_window + p->band_z_window - 1));
      break;
    case HC_IND_VOLZ: w = imax(w, p->volz_window - 1); break;
    default: break; /* dow: no warm-up */
    }
  }
  return w;
}

/* ------------------------------------------------------------------------------------ */
/* ATR and RSI: Wilder's smoothing                                                       */

void hc_indicator_atr(int n, const double *high, const double *low, const double *close, int w,
                      double *out)
{
  double sum = 0.0, atr = 0.0;
  for (int t = 0; t < n; t++) {
    double tr = high[t] - low[t];
    if (t > 0) { /* fmax would drop a NaN previous close: propagate it instead */
      const double pc = close[t - 1];
      tr = isnan(pc) ? NAN : fmax(tr, fmax(fabs(high[t] - pc), fabs(low[t] - pc)));
    }
    if (t < w) {
      sum += tr;
      if (t == w - 1) atr = sum / w;
    } else {
      atr = ((w - 1) * atr + tr) / w;
    }
    out[t] = t < w - 1 ? NAN : atr;
  }
}

void hc_indicator_rsi(int n, const double *close, int w, double *out)
{
  double au = 0.0, ad = 0.0;
  if (n > 0) out[0] = NAN;
  for (int t = 1; t < n; t++) {
    const double d = close[t] - close[t - 1];
    /* written so that a NaN change stays NaN in both (propagates, is not read as 0) */
    const double u = d < 0.0 ? 0.0 : d, dn = d > 0.0 ? 0.0 : 0.0 - d;
    if (t <= w) {
      au += u;
      ad += dn;
      if (t == w) {
        au /= w;
        ad /= w;
      }
    } else {
      au = ((w - 1) * au + u) / w;
      ad = ((w - 1) * ad + dn) / w;
    }
    if (t < w)
      out[t] = NAN;
    else
      out[t] = au + ad > 0.0 ? 100.0 * au / (au + ad) : (au + ad == 0.0 ? 50.0 : NAN);
  }
}

/* ------------------------------------------------------------------------------------ */
/* Rolling window moments over the finite values of a window                             */

/**
 * Running sums of the finite values in a sliding window, shifted by the first finite value
 * seen (k) to limit cancellation: s1 = sum (x-k), s2 = sum (x-k)^2 (Chan, Golub & LeVeque,
 * "Algorithms for computing the sample variance", Am. Stat. 37, 1983, shifted data).
 * `run` counts the latest finite values equal to the last one, so the window's values are
 * all equal iff run >= count; this gives an exact zero variance where rounding would not.
 */
typedef struct {
  double k, s1, s2, last;
  int    have_k, count, run;
} win_sums;

static void win_add(win_sums *s, double x)
{
  if (!isfinite(x)) return;
  if (!s->have_k) {
    s->k      = x;
    s->have_k = 1;
  }
  const double y = x - s->k;
  s->s1 += y;
  s->s2 += y * y;
  s->count++;
  s->run  = (s->run > 0 && x == s->last) ? s->run + 1 : 1;
  s->last = x;
}

static void win_remove(win_sums *s, double x)
{
  if (!isfinite(x)) return;
  const double y = x - s->k;
  s->s1 -= y;
  s->s2 -= y * y;
  s->count--;
}

static double win_mean(const win_sums *s) { return s->k + s->s1 / s->count; }

/** Sample sd (divisor count-1) of the window, exactly 0 if its values are all equal; count >= 2. */
static double win_sd(const win_sums *s)
{
  if (s->run >= s->count) return 0.0;
  const double v = (s->s2 - s->s1 * s->s1 / s->count) / (s->count - 1);
  return v > 0.0 ? sqrt(v) : 0.0;
}


/** Reads element t of a derived series from its source array (NaN where it is missing). */
typedef double (*series_get)(const double *a, int t);

static double get_value(const double *a, int t) { return a[t]; }

/** log a[t]; missing (NaN) unless a[t] is finite and positive (log 0 is missing, not -inf). */
static double get_log(const double *a, int t)
{
  return (isfinite(a[t]) && a[t] > 0.0) ? log(a[t]) : NAN;
}

/** (log a[t] - log a[t-1])^2; missing at t = 0 or where a price is not finite and positive. */
static double get_sq_logret(const double *a, int t)
{
  if (t == 0) return NAN;
  const double r = get_log(a, t) - get_log(a, t - 1);
  return r * r;
}

/**
 * z[t] = (x_t - mean) / sd over the finite values among x_{t-w+1..t}, x_t = get(a, t);
 * 0 when those values are all equal; NaN if t < w-1, x_t is missing, or fewer than
 * max(2, min_count) finite values are in the window.
 */
static void rolling_z(int n, const double *a, series_get get, int w, int min_count, double *z)
{
  win_sums s = {0};
  min_count  = imax(min_count, 2);
  for (int t = 0; t < n; t++) {
    const double x = get(a, t);
    win_add(&s, x);
    if (t >= w) win_remove(&s, get(a, t - w));
    if (t < w - 1 || !isfinite(x) || s.count < min_count) {
      z[t] = NAN;
      continue;
    }
    const double sd = win_sd(&s);
    z[t] = sd > 0.0 ? (x - win_mean(&s)) / sd : 0.0;
  }
}

void hc_indicator_volz(int n, const double *volume, int w, double *out)
{
  rolling_z(n, volume, get_log, w, 2, out);
}

/** sigma[t] = sqrt(mean of the v squared log returns ending at t); NaN unless all v exist. */
static void realised_vol(int n, const double *close, int v, double *sigma)
{
  win_sums s = {0};
  for (int t = 0; t < n; t++) {
    win_add(&s, get_sq_logret(close, t));
    if (t >= v) win_remove(&s, get_sq_logret(close, t - v));
    sigma[t] = (t >= v - 1 && s.count == v) ? sqrt(fmax(0.0, win_mean(&s))) : NAN;
  }
}

/**
 * stoch[t] = (r_t - min) / (max - min) over r_{t-m+1..t}, 0.5 if max = min; NaN unless the
 * m values are finite. Sliding min and max by monotone deques of indices (amortised O(1)
 * per row; dq_min and dq_max hold n ints each).
 */
static void stochastic(int n, const double *r, int m, int *dq_min, int *dq_max, double *stoch)
{
  int hmin = 0, tmin = 0, hmax = 0, tmax = 0, last_missing = -1;
  for (int t = 0; t < n; t++) {
    if (!isfinite(r[t])) {
      last_missing = t;
      hmin = tmin = hmax = tmax = 0;
      stoch[t] = NAN;
      continue;
    }
    while (tmin > hmin && r[dq_min[tmin - 1]] >= r[t]) tmin--;
    dq_min[tmin++] = t;
    while (tmax > hmax && r[dq_max[tmax - 1]] <= r[t]) tmax--;
    dq_max[tmax++] = t;
    while (dq_min[hmin] <= t - m) hmin++;
    while (dq_max[hmax] <= t - m) hmax++;
    if (t - last_missing < m) {
      stoch[t] = NAN;
      continue;
    }
    const double lo = r[dq_min[hmin]], hi = r[dq_max[hmax]];
    stoch[t] = hi > lo ? (r[t] - lo) / (hi - lo) : 0.5;
  }
}

int hc_indicator_stochrsi(int n, const double *close, int rsi_window, int stoch_window,
                          int band_vol_window, int band_z_window, double band_c,
                          double *stoch, double *signal)
{
  if (n <= 0) return 0;
  double *work = malloc(3 * (size_t)n * sizeof *work);
  int    *dq   = malloc(2 * (size_t)n * sizeof *dq);
  if (!work || !dq) {
    free(work);
    free(dq);
    return ENOMEM;
  }
  double *rsi = work, *sigma = work + n, *z = work + 2 * (size_t)n;
  hc_indicator_rsi(n, close, rsi_window, rsi);
  stochastic(n, rsi, stoch_window, dq, dq + n, stoch);
  realised_vol(n, close, band_vol_window, sigma);
  rolling_z(n, sigma, get_value, band_z_window, band_z_window, z);
  for (int t = 0; t < n; t++) {
    if (isnan(stoch[t]) || isnan(z[t])) {
      signal[t] = NAN;
      continue;
    }
    const double h = fmin(0.5, fmax(0.0, 0.3 * (1.0 + band_c * tanh(z[t]))));
    signal[t] = stoch[t] > 0.5 + h ? 1.0 : (stoch[t] < 0.5 - h ? -1.0 : 0.0);
  }
  free(work);
  free(dq);
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Day of week                                                                           */

/** Weekday of an instant (seconds since 1970-01-01 UTC), 0 = Sunday .. 6 = Saturday. */
static int time_weekday(long long time)
{
  /* days since 1970-01-01 by floor division (C's / truncates toward zero) */
  const long long z = time / 86400 - (time % 86400 < 0);
  /* Hinnant's weekday_from_days: 1970-01-01 (z = 0) was a Thursday (4). */
  return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

void hc_indicator_dow(int n, const long long *time, double *dow)
{
  for (int t = 0; t < n; t++) {
    const int wd = time_weekday(time[t]);
    for (int j = 0; j < 4; j++) dow[(size_t)j * n + t] = wd == j + 2 ? 1.0 : 0.0;
  }
}

/* ------------------------------------------------------------------------------------ */
/* Driver                                                                                */

static int window_ok(int w, int min) { return w >= min && w <= HC_IND_MAX_WINDOW; }

/** 1 if the parameters and the arrays needed by ids are valid. */
static int inputs_ok(const hc_indicator *ids, int n_ids, const hc_indicator_params *p,
                     const double *high, const double *low, const double *close,
                     const double *volume, const long long *time)
{
  for (int i = 0; i < n_ids; i++) {
    switch (ids[i]) {
    case HC_IND_ATR:
      if (!high || !low || !close || !window_ok(p->atr_window, 1)) return 0;
      break;
    case HC_IND_RSI:
      if (!close || !window_ok(p->rsi_window, 1)) return 0;
      break;
    case HC_IND_STOCHRSI:
      if (!close || !window_ok(p->rsi_window, 1) || !window_ok(p->stoch_window, 1) ||
          !window_ok(p->band_vol_window, 1) || !window_ok(p->band_z_window, 2) || !isfinite(p->band_c))
        return 0;
      break;
    case HC_IND_VOLZ:
      if (!volume || !window_ok(p->volz_window, 2)) return 0;
      break;
    case HC_IND_DOW:
      if (!time) return 0;
      break;
    default: return 0;
    }
  }
  return 1;
}

int hc_indicators_compute(const hc_indicator *ids, int n_ids, const hc_indicator_params *p, int n,
                          const double *high, const double *low, const double *close,
                          const double *volume, const long long *time, double *out,
                          char (*names)[HC_IND_NAME_LEN])
{
  static const char *const dow_names[4] = {"dow_tue", "dow_wed", "dow_thu", "dow_fri"};
  hc_indicator_params d;
  if (!p) {
    hc_indicator_params_default(&d);
    p = &d;
  }
  if (n < 0 || n_ids < 0 || !inputs_ok(ids, n_ids, p, high, low, close, volume, time))
    return -EINVAL;
  int k = 0;
  for (int i = 0; i < n_ids; i++) {
    double *col = out + (size_t)k * n;
    switch (ids[i]) {
    case HC_IND_ATR:
      hc_indicator_atr(n, high, low, close, p->atr_window, col);
      if (names) snprintf(names[k], HC_IND_NAME_LEN, "atr%d", p->atr_window);
      break;
    case HC_IND_RSI:
      hc_indicator_rsi(n, close, p->rsi_window, col);
      if (names) snprintf(names[k], HC_IND_NAME_LEN, "rsi%d", p->rsi_window);
      break;
    case HC_IND_STOCHRSI:
      if (hc_indicator_stochrsi(n, close, p->rsi_window, p->stoch_window, p->band_vol_window,
                                p->band_z_window, p->band_c, col, col + n))
        return -ENOMEM;
      if (names) {
        snprintf(names[k], HC_IND_NAME_LEN, "stochrsi%d", p->stoch_window);
        snprintf(names[k + 1], HC_IND_NAME_LEN, "stochrsi%d_sig", p->stoch_window);
      }
      break;
    case HC_IND_VOLZ:
      hc_indicator_volz(n, volume, p->volz_window, col);
      if (names) snprintf(names[k], HC_IND_NAME_LEN, "volz%d", p->volz_window);
      break;
    default: /* HC_IND_DOW (ids validated above) */
      hc_indicator_dow(n, time, col);
      if (names)
        for (int j = 0; j < 4; j++) hc_strlcpy(names[k + j], dow_names[j], HC_IND_NAME_LEN);
      break;
    }
    k += ind_ncols[ids[i]];
  }
  return k;
}
