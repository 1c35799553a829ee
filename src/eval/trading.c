/**
 * @file trading.c
 * @brief Trading evaluation: the fractional-Kelly position from a return forecast, strategy
 *        returns net of proportional costs, the performance metrics of a strategy return
 *        series (cumulative return, Sharpe, Sortino, Calmar, maximum drawdown, hit rate,
 *        profit factor, turnover), their comparison with buy-and-hold (Sharpe, excess Sharpe,
 *        information ratio), the equal-weight universe portfolio and the volatility/trend regime
 *        label. Definitions and
 *        sources in include/hpcast/eval.h and docs/trading.md.
 */
#include "hpcast/eval.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hc_trading_options_default(hc_trading_options *o)
{
  o->cost_bps         = 5.0;
  o->max_leverage     = 1.0;
  o->kelly_fraction   = 0.5;
  o->periods_per_year = 252.0;
}

double hc_trading_position(const hc_trading_options *o, double mu, double sigma)
{
  const double cap = o->max_leverage;
  if (!isfinite(mu) || !isfinite(sigma) || !(sigma > 0) || !isfinite(o->kelly_fraction) || !(cap >= 0))
    return 0.0;
  const double kelly = o->kelly_fraction * 100.0 * mu / (sigma * sigma);
  if (isnan(kelly)) return 0.0; /* 0 / 0: sigma^2 underflows and the numerator is 0 */
  return fmin(fmax(kelly, -cap), cap);
}

void hc_trading_returns(const hc_trading_options *o, const double *pos, const double *y, int n, double *r)
{
  const double c    = o->cost_bps * 1e-4;
  double       prev = 0.0;
  for (int t = 0; t < n; t++) {
    r[t] = pos[t] * expm1(y[t] / 100.0) - c * fabs(pos[t] - prev);
    prev = pos[t];
  }
}

/** Mean |pos_t - pos_{t-1}| with pos_{-1} = 0; NaN if pos is NULL or a position is not finite. */
static double turnover(const double *pos, int n)
{
  if (!pos) return NAN;
  double sum = 0.0, prev = 0.0;
  for (int t = 0; t < n; t++) {
    if (!isfinite(pos[t])) return NAN;
    sum += fabs(pos[t] - prev);
    prev = pos[t];
  }
  return sum / n;
}

/** Standard deviation of x[0..n-1] about its mean, divisor n - 1, by two passes; exactly 0 when
 * not varying (the rounding of mean would not give 0 for a constant series); NaN if n < 2. */
static double sd_about(const double *x, int n, double mean, int varying)
{
  double ss = 0.0;
  if (varying)
    for (int t = 0; t < n; t++) ss += (x[t] - mean) * (x[t] - mean);
  return n > 1 ? sqrt(ss / (n - 1)) : NAN;
}

/** sqrt(P) mean(x) / sd(x) (the Sharpe ratio of hc_trading_evaluate); NaN if n < 2, a value is not
 * finite, sd = 0, or P is not finite and > 0. */
static double sharpe_ratio(const double *x, int n, double P)
{
  if (n < 2 || !(P > 0) || !isfinite(P)) return NAN;
  double sum = 0.0, min = x[0], max = x[0];
  for (int t = 0; t < n; t++) {
    if (!isfinite(x[t])) return NAN;
    sum += x[t];
    min = fmin(min, x[t]);
    max = fmax(max, x[t]);
  }
  const double mean = sum / n, sd = sd_about(x, n, mean, min < max);
  return sd > 0 ? sqrt(P) * mean / sd : NAN;
}

void hc_trading_evaluate(const hc_trading_options *o, const double *r, const double *pos, int n, hc_trading_metrics *m)
{
  m->n = n > 0 ? n : 0;
  m->cum_return = m->sharpe = m->sortino = m->calmar = m->max_drawdown = NAN;
  m->hit_rate = m->profit_factor = m->turnover = NAN;
  m->bh_sharpe = m->excess_sharpe = m->information_ratio = NAN;
  if (n < 1) return;
  m->turnover = turnover(pos, n);

  double sum = 0.0, gains = 0.0, losses = 0.0, down2 = 0.0, wealth = 1.0, peak = 1.0, mdd = 0.0;
  double min = r[0], max = r[0];
  int    up = 0, nonzero = 0;
  for (int t = 0; t < n; t++) {
    if (!isfinite(r[t])) return;
    sum += r[t];
    min = fmin(min, r[t]);
    max = fmax(max, r[t]);
    if (r[t] > 0) {
      gains += r[t];
      up++;
    } else if (r[t] < 0) {
      losses -= r[t];
      down2 += r[t] * r[t];
    }
    if (r[t] != 0) nonzero++;
    wealth *= 1.0 + r[t];
    if (wealth > peak) peak = wealth;
    mdd = fmax(mdd, (peak - wealth) / peak);
  }
  const double mean = sum / n;
  const double sd   = sd_about(r, n, mean, min < max);
  const double dd   = sqrt(down2 / n);
  const double P    = o->periods_per_year;

  m->cum_return    = wealth - 1.0;
  m->max_drawdown  = mdd;
  m->hit_rate      = nonzero > 0 ? (double)up / nonzero : NAN;
  m->profit_factor = losses > 0 ? gains / losses : NAN;
  if (P > 0 && isfinite(P)) {
    const double annual = wealth > 0 ? pow(wealth, P / n) - 1.0 : -1.0;
    m->sharpe  = sd > 0 ? sqrt(P) * mean / sd : NAN;
    m->sortino = dd > 0 ? sqrt(P) * mean / dd : NAN;
    m->calmar  = mdd > 0 ? annual / mdd : NAN;
  }
}

int hc_trading_compare(const hc_trading_options *o, const double *r, const double *b, int n, hc_trading_metrics *m)
{
  const double P = o->periods_per_year;
  double      *a = malloc(sizeof *a * (size_t)(n > 0 ? n : 1));
  if (!a) return ENOMEM;
  for (int t = 0; t < n; t++) a[t] = r[t] - b[t];
  m->bh_sharpe         = sharpe_ratio(b, n, P);
  m->excess_sharpe     = m->sharpe - m->bh_sharpe;
  m->information_ratio = sharpe_ratio(a, n, P);
  free(a);
  return 0;
}

void hc_trading_regime(const double *sigma, int n, double drift, double drift_se, char *label, size_t len)
{
  if (!label || len == 0) return;
  int ok = n >= 1 && isfinite(drift) && isfinite(drift_se) && drift_se > 0;
  for (int i = 0; ok && i < n; i++) ok = isfinite(sigma[i]);
  if (!ok) {
    snprintf(label, len, "unknown");
    return;
  }
  /* mid-rank percentile p = (less + equal / 2) / n, compared with 1/3 and 2/3 in integers */
  const double last = sigma[n - 1];
  long long    less = 0, equal = 0;
  for (int i = 0; i < n; i++) {
    less += sigma[i] < last;
    equal += sigma[i] == last;
  }
  const long long twice = 2 * less + equal; /* 2 n p */
  const char     *vol   = 3 * twice < 2LL * n ? "low" : 3 * twice > 4LL * n ? "high" : "normal";
  const double    z     = drift / drift_se;
  const char     *trend = z > 1.96 ? "up" : z < -1.96 ? "down" : "flat";
  snprintf(label, len, "%s-vol/%s", vol, trend);
}

/* ---- the equal-weight universe portfolio ---- */

/** Sums of one date of the portfolio. */
typedef struct {
  char   date[HC_LABEL_LEN];
  double ret, position; /**< sums over the tickers trading on the date */
  int    count;         /**< tickers trading on the date (0: free slot) */
} date_sums;

/** Open-addressing hash table (linear probing) of the dates, capacity a power of two. */
struct hc_portfolio {
  date_sums *slot;
  size_t     cap, used;
};

/** FNV-1a hash of a label (Fowler, Noll and Vo; IETF draft-eastlake-fnv). */
static size_t date_hash(const char *d)
{
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < HC_LABEL_LEN && d[i]; i++) h = (h ^ (unsigned char)d[i]) * 1099511628211ULL;
  return (size_t)h;
}

/** The slot of date d in a table of capacity cap (its own or the free one where it goes). */
static date_sums *date_slot(date_sums *slot, size_t cap, const char *d)
{
  size_t i = date_hash(d) & (cap - 1);
  while (slot[i].count && strncmp(slot[i].date, d, HC_LABEL_LEN)) i = (i + 1) & (cap - 1);
  return &slot[i];
}

/** Double the capacity. @return 0 or ENOMEM. */
static int portfolio_grow(hc_portfolio *p)
{
  size_t     cap  = p->cap ? 2 * p->cap : 256;
  date_sums *slot = calloc(cap, sizeof *slot);
  if (!slot) return ENOMEM;
  for (size_t i = 0; i < p->cap; i++)
    if (p->slot[i].count) *date_slot(slot, cap, p->slot[i].date) = p->slot[i];
  free(p->slot);
  p->slot = slot;
  p->cap  = cap;
  return 0;
}

int hc_trading_portfolio_create(hc_portfolio **p)
{
  *p = calloc(1, sizeof **p);
  if (!*p) return ENOMEM;
  if (portfolio_grow(*p)) {
    hc_trading_portfolio_destroy(p);
    return ENOMEM;
  }
  return 0;
}

int hc_trading_portfolio_add(hc_portfolio *p, const hc_strategy_point *pts, int n)
{
  for (int k = 0; k < n; k++) {
    if (2 * (p->used + 1) > p->cap && portfolio_grow(p)) return ENOMEM; /* load factor <= 1/2 */
    date_sums *s = date_slot(p->slot, p->cap, pts[k].date);
    if (!s->count++) {
      memcpy(s->date, pts[k].date, HC_LABEL_LEN);
      p->used++;
    }
    s->ret += pts[k].ret;
    s->position += pts[k].position;
  }
  return 0;
}

static int by_date_sums(const void *a, const void *b)
{
  return strncmp((*(const date_sums *const *)a)->date, (*(const date_sums *const *)b)->date, HC_LABEL_LEN);
}

int hc_trading_portfolio_series(const hc_portfolio *p, int *n, char (**date)[HC_LABEL_LEN], double **ret, double **pos)
{
  const size_t T   = p->used;
  date_sums  **day = malloc(sizeof *day * (T ? T : 1));
  *n    = 0;
  *date = malloc(sizeof **date * (T ? T : 1));
  *ret  = malloc(sizeof **ret * (T ? T : 1));
  *pos  = malloc(sizeof **pos * (T ? T : 1));
  if (!day || !*date || !*ret || !*pos) {
    free(day), free(*date), free(*ret), free(*pos);
    *date = NULL, *ret = *pos = NULL;
    return ENOMEM;
  }
  size_t t = 0;
  for (size_t i = 0; i < p->cap; i++)
    if (p->slot[i].count) day[t++] = &p->slot[i];
  qsort(day, T, sizeof *day, by_date_sums);
  for (t = 0; t < T; t++) {
    memcpy((*date)[t], day[t]->date, HC_LABEL_LEN);
    (*ret)[t] = day[t]->ret / day[t]->count;
    (*pos)[t] = day[t]->position / day[t]->count;
  }
  free(day);
  *n = (int)T;
  return 0;
}

int hc_trading_portfolio_finish(hc_portfolio *p, const hc_trading_options *o, hc_trading_metrics *m)
{
  char (*date)[HC_LABEL_LEN];
  double *ret, *pos;
  int     T, rc = hc_trading_portfolio_series(p, &T, &date, &ret, &pos);
  hc_trading_evaluate(o, rc ? NULL : ret, rc ? NULL : pos, rc ? 0 : T, m);
  if (!rc) free(date), free(ret), free(pos);
  return rc;
}

void hc_trading_portfolio_destroy(hc_portfolio **p)
{
  if (!*p) return;
  free((*p)->slot);
  free(*p);
  *p = NULL;
}

/* By date, then by return and position: a total order, so the sums of one date are added in
 * the same order whatever order the tickers' records arrived in (bit-identical reports). */
static int by_date(const void *a, const void *b)
{
  const hc_strategy_point *x = a, *y = b;
  int                      c = strncmp(x->date, y->date, HC_LABEL_LEN);
  if (c) return c;
  if (x->ret != y->ret) return x->ret < y->ret ? -1 : 1;
  return (x->position > y->position) - (x->position < y->position);
}

int hc_trading_portfolio(const hc_trading_options *o, hc_strategy_point *points, int n, hc_trading_metrics *m)
{
  hc_portfolio *p;
  int           rc = hc_trading_portfolio_create(&p);
  if (!rc) {
    qsort(points, (size_t)(n > 0 ? n : 0), sizeof *points, by_date);
    rc = hc_trading_portfolio_add(p, points, n);
  }
  if (!rc) rc = hc_trading_portfolio_finish(p, o, m);
  else hc_trading_evaluate(o, NULL, NULL, 0, m);
  hc_trading_portfolio_destroy(&p);
  return rc;
}
