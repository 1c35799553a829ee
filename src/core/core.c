/**
 * @file core.c
 * @brief Series and result-record management, record serialisation, probes.
 */
#include "hpcast/core.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

const double hc_interval_levels[HC_N_LEVELS] = {0.80, 0.95};
const double hc_cover_levels[HC_N_COVER]     = {0.50, 0.80, 0.95};
const double hc_pinball_levels[HC_N_PINBALL] = {0.05, 0.25, 0.50, 0.75, 0.95};

const char *hc_status_name(hc_status s)
{
  switch (s) {
  case HC_STATUS_OK:       return "ok";
  case HC_STATUS_REJECTED: return "rejected";
  case HC_STATUS_FAILED:   return "failed";
  }
  return "failed";
}

void hc_strlcpy(char *dst, const char *src, size_t n)
{
  if (!n) return;
  const size_t len = src ? strnlen(src, n - 1) : 0;
  if (len) memmove(dst, src, len);
  dst[len] = '\0';
}

int hc_series_alloc(hc_series *s, int n, int with_volume)
{
  size_t m = n > 0 ? (size_t)n : 1;
  s->n      = n;
  s->label  = calloc(m, sizeof *s->label);
  s->value  = calloc(m, sizeof *s->value);
  s->volume = with_volume ? calloc(m, sizeof *s->volume) : NULL;
  s->high = s->low = s->close = NULL;
  s->time             = NULL;
  s->labels_are_dates = 0;
  s->note[0]          = '\0';
  if (!s->label || !s->value || (with_volume && !s->volume)) {
    hc_series_free(s);
    return ENOMEM;
  }
  return 0;
}

void hc_series_free(hc_series *s)
{
  free(s->label);
  free(s->value);
  free(s->volume);
  free(s->high);
  free(s->low);
  free(s->close);
  free(s->time);
  memset(s, 0, sizeof *s);
}

/* The heap arrays of a result other than the forecast block: where each lives, its element
 * size and count. One table drives free, pack and unpack. */
typedef struct {
  void **ptr;
  size_t size;
  size_t count;
} segment;

static int segments(hc_result *r, segment s[8])
{
  const size_t M = (size_t)r->n_members, H = (size_t)r->horizon;
  s[0] = (segment){(void **)&r->fits, sizeof *r->fits, (size_t)r->n_fits};
  s[1] = (segment){(void **)&r->scores, sizeof *r->scores, (size_t)r->n_scores};
  s[2] = (segment){(void **)&r->member, sizeof *r->member, M};
  s[3] = (segment){(void **)&r->member_mean, sizeof(double), 2 * M * H}; /* member_sd follows in the same block */
  s[4] = (segment){(void **)&r->weights, sizeof(double), (size_t)HC_N_SCHEMES * M};
  s[5] = (segment){(void **)&r->strategy, sizeof *r->strategy, (size_t)r->n_strategy};
  s[6] = (segment){(void **)&r->units, sizeof *r->units, (size_t)r->n_units};
  s[7] = (segment){(void **)&r->onestep, sizeof *r->onestep, (size_t)r->n_onestep};
  return 8;
}

static void trading_nan(hc_trading_metrics *m)
{
  m->n          = 0;
  m->cum_return = m->sharpe = m->sortino = m->calmar = m->max_drawdown = NAN;
  m->hit_rate = m->profit_factor = m->turnover = NAN;
  m->bh_sharpe = m->excess_sharpe = m->information_ratio = NAN;
}

int hc_result_init(hc_result *r, const char *ticker, int horizon)
{
  memset(r, 0, sizeof *r);
  hc_strlcpy(r->ticker, ticker, sizeof r->ticker);
  r->status        = HC_STATUS_OK;
  r->quality_score = NAN;
  r->loglik = r->aic = r->bic = NAN;
  r->lb_p = r->ml_p = r->jb_p = NAN;
  r->calibration_score = r->crps_1 = r->coverage95_1 = r->pit_ks_1 = NAN;
  r->crps_bench_1 = r->dm_stat = r->dm_p = NAN;
  r->model_uncertainty = r->data_uncertainty = r->parameter_stability = NAN;
  trading_nan(&r->trading);
  hc_strlcpy(r->regime, "unknown", sizeof r->regime);
  r->selected      = -1;
  r->horizon       = horizon > 0 ? horizon : 0;
  hc_strlcpy(r->mean_model, "none", sizeof r->mean_model);
  hc_strlcpy(r->vol_model, "none", sizeof r->vol_model);
  size_t H = (size_t)r->horizon;
  /* one block holds mean[H], sd[H], lo[H*L], hi[H*L] */
  double *block = malloc((2 * H + 2 * H * HC_N_LEVELS + 1) * sizeof *block);
  if (!block) return ENOMEM;
  for (size_t i = 0; i < 2 * H + 2 * H * HC_N_LEVELS; i++) block[i] = NAN;
  r->mean = block;
  r->sd   = block + H;
  r->lo   = block + 2 * H;
  r->hi   = block + 2 * H + H * HC_N_LEVELS;
  return 0;
}

int hc_result_add_fit(hc_result *r, const hc_fit_record *fit)
{
  hc_fit_record *f = realloc(r->fits, (size_t)(r->n_fits + 1) * sizeof *f);
  if (!f) return ENOMEM;
  r->fits              = f;
  r->fits[r->n_fits++] = *fit;
  return 0;
}

int hc_result_add_unit(hc_result *r, const hc_unit_row *u)
{
  hc_unit_row *g = realloc(r->units, (size_t)(r->n_units + 1) * sizeof *g);
  if (!g) return ENOMEM;
  r->units               = g;
  r->units[r->n_units++] = *u;
  return 0;
}

int hc_result_set_members(hc_result *r, int n_members)
{
  const size_t M = n_members > 0 ? (size_t)n_members : 0, H = (size_t)r->horizon;
  free(r->member);
  free(r->member_mean);
  free(r->weights);
  r->n_members   = 0;
  r->member      = calloc(M + 1, sizeof *r->member);
  r->member_mean = malloc((2 * M * H + 1) * sizeof(double));
  r->weights     = malloc(((size_t)HC_N_SCHEMES * M + 1) * sizeof(double));
  if (!r->member || !r->member_mean || !r->weights) return ENOMEM;
  for (size_t i = 0; i < 2 * M * H; i++) r->member_mean[i] = NAN;
  for (size_t i = 0; i < HC_N_SCHEMES * M; i++) r->weights[i] = NAN;
  r->member_sd = r->member_mean + M * H;
  r->n_members = (int)M;
  return 0;
}

void hc_result_free(hc_result *r)
{
  segment s[8];
  int     ns = segments(r, s);
  free(r->mean);
  for (int i = 0; i < ns; i++) free(*s[i].ptr);
  memset(r, 0, sizeof *r);
  r->selected = -1;
}

void hc_result_set_status(hc_result *r, hc_status s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  r->status = s;
  vsnprintf(r->reason, sizeof r->reason, fmt, ap);
  va_end(ap);
}

/* Packed layout: the hc_result struct with its pointers zeroed, then the forecast block
 * (2H + 2H*L doubles), then each segment's elements in the order of segments(). All ranks
 * run the same binary, so the plain-old-data layout is identical on both ends. */
static size_t forecast_doubles(int H) { return (size_t)H * (2 + 2 * HC_N_LEVELS); }

/* A fit record packs without its unused parameter slots: its fields before param_names (the
 * names of the model and n_params), then n_params names, values and standard errors, then its
 * fields from stderr_type on. A fit uses 2-8 of the HC_MAX_PARAMS = 32 slots, so it packs in
 * ~600 of its 1,936 bytes; the fits were 40 % of a default job's record (scaling/bench_report:
 * every packed byte is written to the journal and read back once by rank 0). */
#define FIT_HEAD offsetof(hc_fit_record, param_names)
#define FIT_TAIL offsetof(hc_fit_record, stderr_type)
#define FIT_PARAM_BYTES (HC_PNAME_LEN + 2 * sizeof(double))

static size_t fit_np(const hc_fit_record *f)
{
  return f->n_params < 0 ? 0 : f->n_params > HC_MAX_PARAMS ? HC_MAX_PARAMS : (size_t)f->n_params;
}

static size_t fit_packed_size(size_t np) { return FIT_HEAD + np * FIT_PARAM_BYTES + (sizeof(hc_fit_record) - FIT_TAIL); }

static char *fit_pack(const hc_fit_record *f, char *p)
{
  const size_t np = fit_np(f);
  memcpy(p, f, FIT_HEAD);
  memcpy(p + offsetof(hc_fit_record, n_params), &(int){(int)np}, sizeof(int));
  p += FIT_HEAD;
  memcpy(p, f->param_names, np * HC_PNAME_LEN);
  p += np * HC_PNAME_LEN;
  memcpy(p, f->params, np * sizeof(double));
  p += np * sizeof(double);
  memcpy(p, f->stderr_, np * sizeof(double));
  p += np * sizeof(double);
  memcpy(p, (const char *)f + FIT_TAIL, sizeof(hc_fit_record) - FIT_TAIL);
  return p + (sizeof(hc_fit_record) - FIT_TAIL);
}

/* Unpack one fit from p (at most end - p bytes) into *f (unused slots zero). @return the byte
 * after it, or NULL if truncated or n_params is out of range. */
static const char *fit_unpack(hc_fit_record *f, const char *p, const char *end)
{
  if ((size_t)(end - p) < FIT_HEAD) return NULL;
  memset(f, 0, sizeof *f);
  memcpy(f, p, FIT_HEAD);
  if (f->n_params < 0 || f->n_params > HC_MAX_PARAMS || (size_t)(end - p) < fit_packed_size((size_t)f->n_params)) return NULL;
  const size_t np = (size_t)f->n_params;
  p += FIT_HEAD;
  memcpy(f->param_names, p, np * HC_PNAME_LEN);
  p += np * HC_PNAME_LEN;
  memcpy(f->params, p, np * sizeof(double));
  p += np * sizeof(double);
  memcpy(f->stderr_, p, np * sizeof(double));
  p += np * sizeof(double);
  memcpy((char *)f + FIT_TAIL, p, sizeof(hc_fit_record) - FIT_TAIL);
  return p + (sizeof(hc_fit_record) - FIT_TAIL);
}

/* Bytes of segment i of r when packed (segment 0, the fits, packs compactly). */
static size_t segment_bytes(const hc_result *r, const segment *s, int i)
{
  if (i > 0) return s[i].size * s[i].count;
  size_t b = 0;
  for (int k = 0; k < r->n_fits; k++) b += fit_packed_size(fit_np(&r->fits[k]));
  return b;
}

size_t hc_result_packed_size(const hc_result *r)
{
  segment s[8];
  int     ns   = segments((hc_result *)r, s);
  size_t  size = sizeof(hc_result) + forecast_doubles(r->horizon) * sizeof(double);
  for (int i = 0; i < ns; i++) size += segment_bytes(r, s, i);
  return size;
}

size_t hc_result_pack(const hc_result *r, void *buf)
{
  hc_result head = *r;
  segment   s[8];
  int       ns = segments((hc_result *)r, s);
  char     *p  = buf;
  head.mean = head.sd = head.lo = head.hi = head.member_mean = head.member_sd = head.weights = NULL;
  head.fits     = NULL;
  head.scores   = NULL;
  head.member   = NULL;
  head.strategy = NULL;
  head.onestep  = NULL;
  memcpy(p, &head, sizeof head);
  p += sizeof head;
  size_t fb = forecast_doubles(r->horizon) * sizeof(double);
  if (fb) memcpy(p, r->mean, fb);
  p += fb;
  for (int k = 0; k < r->n_fits; k++) p = fit_pack(&r->fits[k], p);
  for (int i = 1; i < ns; i++) {
    size_t b = s[i].size * s[i].count;
    if (b) memcpy(p, *s[i].ptr, b);
    p += b;
  }
  return (size_t)(p - (char *)buf);
}

size_t hc_result_unpack(hc_result *r, const void *buf, size_t avail)
{
  hc_result   head;
  segment     s[8];
  const char *p = buf;
  if (avail < sizeof head) return 0;
  memcpy(&head, p, sizeof head);
  const int lim = 1000000;
  if (head.horizon < 0 || head.n_fits < 0 || head.n_scores < 0 || head.n_members < 0 || head.n_strategy < 0 || head.n_units < 0 || head.n_onestep < 0 ||
      head.horizon > lim || head.n_fits > lim || head.n_scores > lim || head.n_members > lim || head.n_strategy > lim ||
      head.n_units > lim || head.n_onestep > lim)
    return 0;
  int    ns   = segments(&head, s);
  size_t need = sizeof head + forecast_doubles(head.horizon) * sizeof(double) + (size_t)head.n_fits * fit_packed_size(0);
  for (int i = 1; i < ns; i++) need += s[i].size * s[i].count;
  if (avail < need) return 0; /* the fits' parameters are checked as they are unpacked */
  if (hc_result_init(r, head.ticker, head.horizon)) return 0;
  double *block = r->mean;
  *r            = head;
  r->mean       = block;
  r->sd         = block + head.horizon;
  r->lo         = block + 2 * (size_t)head.horizon;
  r->hi         = block + 2 * (size_t)head.horizon + (size_t)head.horizon * HC_N_LEVELS;
  p += sizeof head;
  size_t fb = forecast_doubles(head.horizon) * sizeof(double);
  if (fb) memcpy(r->mean, p, fb);
  p += fb;
  ns = segments(r, s);
  for (int i = 0; i < ns; i++) *s[i].ptr = NULL;
  const char *end = (const char *)buf + avail;
  for (int i = 0; i < ns; i++) {
    size_t b = s[i].size * s[i].count;
    if (!b) continue;
    if (!(*s[i].ptr = malloc(b))) {
      hc_result_free(r);
      return 0;
    }
    if (i == 0) {
      for (int k = 0; k < r->n_fits && p; k++) p = fit_unpack(&r->fits[k], p, end);
    } else if (p && (size_t)(end - p) >= b) {
      memcpy(*s[i].ptr, p, b);
      p += b;
    } else p = NULL;
    if (!p) {
      hc_result_free(r);
      return 0;
    }
  }
  r->member_sd = r->member_mean ? r->member_mean + (size_t)r->n_members * (size_t)r->horizon : NULL;
  return (size_t)(p - (const char *)buf);
}

int hc_civil_seconds(int y, int m, int d, int hh, int mi, int ss, long long *t)
{
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
    return 1;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 1;
  const long long yy  = (long long)y - (m <= 2);
  const long long era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned  yoe = (unsigned)(yy - era * 400);                                         /* [0, 399] */
  const unsigned  doy = (153 * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1; /* [0, 365] */
  const unsigned  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                             /* [0, 146096] */
  const long long days = era * 146097 + (long long)doe - 719468;
  *t = days * 86400 + hh * 3600LL + mi * 60LL + ss;
  return 0;
}

int hc_iso_days(const char *label, long *days)
{
  int       y, m, d, used = 0;
  long long t;
  if (sscanf(label, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || label[10] != '\0' ||
      hc_civil_seconds(y, m, d, 0, 0, 0, &t))
    return 1;
  *days = (long)(t / 86400);
  return 0;
}

double hc_time_wall(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double hc_peak_rss_mb(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru)) return NAN;
  return (double)ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

unsigned long long hc_series_hash(const hc_series *s) { return hc_series_hash_rows(s, s->n); }

unsigned long long hc_series_hash_rows(const hc_series *s, int n)
{
  unsigned long long h = 14695981039346656037ULL;
  for (int i = 0; i < n && i < s->n; i++) {
    const unsigned char *l = (const unsigned char *)s->label[i];
    unsigned char        v[sizeof(double)];
    size_t               k = 0;
    do h = (h ^ l[k]) * 1099511628211ULL;
    while (l[k++] && k < HC_LABEL_LEN);
    memcpy(v, &s->value[i], sizeof v);
    for (size_t b = 0; b < sizeof v; b++) h = (h ^ v[b]) * 1099511628211ULL;
  }
  return h;
}
