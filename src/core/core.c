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
  snprintf(dst, n, "%s", src ? src : "");
}

int hc_series_alloc(hc_series *s, int n, int with_volume)
{
  size_t m = n > 0 ? (size_t)n : 1;
  s->n      = n;
  s->label  = calloc(m, sizeof *s->label);
  s->value  = calloc(m, sizeof *s->value);
  s->volume = with_volume ? calloc(m, sizeof *s->volume) : NULL;
  s->high = s->low = s->close = NULL;
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
  memset(s, 0, sizeof *s);
}

int hc_result_init(hc_result *r, const char *ticker, int horizon)
{
  memset(r, 0, sizeof *r);
  hc_strlcpy(r->ticker, ticker, sizeof r->ticker);
  r->status        = HC_STATUS_OK;
  r->quality_score = NAN;
  r->loglik = r->aic = r->bic = NAN;
  r->lb_p = r->ml_p = r->jb_p = NAN;
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

void hc_result_free(hc_result *r)
{
  free(r->mean);
  free(r->fits);
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

/* Packed layout: the hc_result struct with its pointers zeroed, then the
 * forecast block (2H + 2H*L doubles), then n_fits hc_fit_record. All ranks
 * run the same binary, so the plain-old-data layout is identical on both ends. */
static size_t forecast_doubles(int H) { return (size_t)H * (2 + 2 * HC_N_LEVELS); }

size_t hc_result_packed_size(const hc_result *r)
{
  return sizeof(hc_result) + forecast_doubles(r->horizon) * sizeof(double) +
         (size_t)r->n_fits * sizeof(hc_fit_record);
}

size_t hc_result_pack(const hc_result *r, void *buf)
{
  hc_result head = *r;
  head.mean = head.sd = head.lo = head.hi = NULL;
  head.fits = NULL;
  char *p = buf;
  memcpy(p, &head, sizeof head);
  p += sizeof head;
  size_t fb = forecast_doubles(r->horizon) * sizeof(double);
  if (fb) memcpy(p, r->mean, fb);
  p += fb;
  size_t kb = (size_t)r->n_fits * sizeof(hc_fit_record);
  if (kb) memcpy(p, r->fits, kb);
  p += kb;
  return (size_t)(p - (char *)buf);
}

size_t hc_result_unpack(hc_result *r, const void *buf, size_t avail)
{
  hc_result head;
  const char *p = buf;
  if (avail < sizeof head) return 0;
  memcpy(&head, p, sizeof head);
  if (head.horizon < 0 || head.n_fits < 0 || head.horizon > 1000000 || head.n_fits > 1000000) return 0;
  size_t need = sizeof head + forecast_doubles(head.horizon) * sizeof(double) +
                (size_t)head.n_fits * sizeof(hc_fit_record);
  if (avail < need) return 0;
  if (hc_result_init(r, head.ticker, head.horizon)) return 0;
  double *block = r->mean;
  *r = head;
  r->mean = block;
  r->sd   = block + head.horizon;
  r->lo   = block + 2 * (size_t)head.horizon;
  r->hi   = block + 2 * (size_t)head.horizon + (size_t)head.horizon * HC_N_LEVELS;
  r->fits = NULL;
  r->n_fits = 0;
  p += sizeof head;
  size_t fb = forecast_doubles(head.horizon) * sizeof(double);
  if (fb) memcpy(r->mean, p, fb);
  p += fb;
  if (head.n_fits) {
    r->fits = malloc((size_t)head.n_fits * sizeof(hc_fit_record));
    if (!r->fits) {
      hc_result_free(r);
      return 0;
    }
    memcpy(r->fits, p, (size_t)head.n_fits * sizeof(hc_fit_record));
    r->n_fits = head.n_fits;
    p += (size_t)head.n_fits * sizeof(hc_fit_record);
  }
  return need;
}

int hc_iso_days(const char *label, long *days)
{
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int              y, m, d, used = 0;
  if (sscanf(label, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || label[10] != '\0' || m < 1 || m > 12 ||
      d < 1 || d > mdays[m - 1])
    return 1;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 1;
  long           yy  = y - (m <= 2);
  const long     era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = (unsigned)(yy - era * 400);                            /* [0, 399] */
  const unsigned doy = (153 * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1; /* [0, 365] */
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                /* [0, 146096] */
  *days              = era * 146097 + (long)doe - 719468;
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
