/**
 * @file test_core.c
 * @brief Unit tests of the core module: result records (init, fits, status,
 *        pack/unpack), string helpers, status names, series allocation, probes.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hpcast/core.h"

/** 1 if a and b are equal, or both NaN. */
static int same_double(double a, double b)
{
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return a == b;
}

/** A fit record with distinct contents for index k (some stderr NaN). */
static void make_fit(hc_fit_record *f, int k)
{
  memset(f, 0, sizeof *f);
  snprintf(f->name, sizeof f->name, "ARMA(%d,1)+GARCH(1,1)-t#%d", k, k);
  snprintf(f->mean_model, sizeof f->mean_model, "ARMA(%d,1)", k);
  if (k == 0)
    snprintf(f->vol_model, sizeof f->vol_model, "none");
  else
    snprintf(f->vol_model, sizeof f->vol_model, "GARCH(1,%d)-t", k);
  f->n_params = 3 + 2 * k;
  for (int j = 0; j < f->n_params; j++) {
    snprintf(f->param_names[j], sizeof f->param_names[j], "p%d_%d", k, j);
    f->params[j]  = 0.125 * (j + 1) - 0.5 * k;
    f->stderr_[j] = (j % 2 == 1) ? NAN : 0.01 * (j + 1 + 10 * k);
  }
  f->loglik     = -1234.5 - k;
  f->aic        = 2480.25 + 3 * k;
  f->bic        = 2500.75 + 4 * k;
  f->n_obs_used = 999 - k;
  f->converged  = k != 2;
  f->tao_reason = k == 2 ? -5 : 3;
  f->iterations = 17 + k;
  f->status     = k == 2 ? HC_STATUS_FAILED : 0;
  if (k == 2) {
    /* a full-length reason, so the last bytes of the record are not zero */
    snprintf(f->reason, sizeof f->reason, "no convergence after %d iterations", 19);
    for (size_t j = strlen(f->reason); j < sizeof f->reason - 1; j++) f->reason[j] = (char)('A' + j % 26);
  }
}

/** A result with horizon H, n_fits fits, status/reason, quality, dates and forecasts (some NaN). */
static void make_result(hc_result *r, const char *ticker, int H, int n_fits, int seed)
{
  cr_assert_eq(hc_result_init(r, ticker, H), 0);
  cr_assert_eq(r->horizon, H);
  for (int k = 0; k < n_fits; k++) {
    hc_fit_record f;
    make_fit(&f, k);
    f.aic += seed;
    cr_assert_eq(hc_result_add_fit(r, &f), 0);
  }
  cr_assert_eq(r->n_fits, n_fits);
  hc_result_set_status(r, seed % 2 ? HC_STATUS_REJECTED : HC_STATUS_FAILED, "reason %d for %s", seed, ticker);
  r->n_obs         = 2500 + seed;
  hc_strlcpy(r->first_date, "2010-01-04", sizeof r->first_date);
  hc_strlcpy(r->last_date, "2019-12-31", sizeof r->last_date);
  r->quality_score = 0.875 - 0.01 * seed;
  hc_strlcpy(r->mean_model, "ARMA(1,1)", sizeof r->mean_model);
  hc_strlcpy(r->vol_model, "GARCH(1,1)-t", sizeof r->vol_model);
  r->loglik   = -3000.5 + seed;
  r->aic      = 6010.0 + seed;
  r->bic      = 6040.0 + seed;
  r->selected = n_fits > 1 ? 1 : n_fits - 1;
  for (int h = 0; h < H; h++) {
    r->mean[h] = 0.01 * h + seed;
    r->sd[h]   = (h == 3) ? NAN : 1.0 + 0.1 * h;
    for (int l = 0; l < HC_N_LEVELS; l++) {
      r->lo[h * HC_N_LEVELS + l] = -1.0 - h - 0.5 * l;
      r->hi[h * HC_N_LEVELS + l] = (h == 7 && l == 1) ? NAN : 1.0 + h + 0.5 * l;
    }
  }
}

/** Assert that every field of b equals that of a (forecasts NaN-aware, fits by memcmp). */
static void assert_results_equal(const hc_result *a, const hc_result *b)
{
  cr_assert_str_eq(b->ticker, a->ticker);
  cr_assert_eq(b->status, a->status);
  cr_assert_str_eq(b->reason, a->reason);
  cr_assert_eq(b->n_obs, a->n_obs);
  cr_assert_str_eq(b->first_date, a->first_date);
  cr_assert_str_eq(b->last_date, a->last_date);
  cr_assert(same_double(b->quality_score, a->quality_score));
  cr_assert_str_eq(b->mean_model, a->mean_model);
  cr_assert_str_eq(b->vol_model, a->vol_model);
  cr_assert(same_double(b->loglik, a->loglik));
  cr_assert(same_double(b->aic, a->aic));
  cr_assert(same_double(b->bic, a->bic));
  cr_assert_eq(b->selected, a->selected);
  cr_assert_eq(b->horizon, a->horizon);
  int H = a->horizon;
  if (H > 0) {
    /* own storage, not aliases of the source */
    cr_assert_neq(b->mean, a->mean);
    cr_assert_not_null(b->mean);
    cr_assert_not_null(b->sd);
    cr_assert_not_null(b->lo);
    cr_assert_not_null(b->hi);
  }
  for (int h = 0; h < H; h++) {
    cr_assert(same_double(b->mean[h], a->mean[h]), "mean[%d]: %g vs %g", h, b->mean[h], a->mean[h]);
    cr_assert(same_double(b->sd[h], a->sd[h]), "sd[%d]: %g vs %g", h, b->sd[h], a->sd[h]);
    for (int l = 0; l < HC_N_LEVELS; l++) {
      int i = h * HC_N_LEVELS + l;
      cr_assert(same_double(b->lo[i], a->lo[i]), "lo[%d]: %g vs %g", i, b->lo[i], a->lo[i]);
      cr_assert(same_double(b->hi[i], a->hi[i]), "hi[%d]: %g vs %g", i, b->hi[i], a->hi[i]);
    }
  }
  cr_assert_eq(b->n_fits, a->n_fits);
  if (a->n_fits > 0) {
    cr_assert_not_null(b->fits);
    cr_assert_neq(b->fits, a->fits);
    cr_assert_eq(memcmp(b->fits, a->fits, (size_t)a->n_fits * sizeof *a->fits), 0, "fit records differ");
  }
}

Test(core, result_init_defaults)
{
  hc_result r;
  cr_assert_eq(hc_result_init(&r, "AAPL", 4), 0);
  cr_assert_str_eq(r.ticker, "AAPL");
  cr_assert_eq(r.status, HC_STATUS_OK);
  cr_assert_str_eq(r.reason, "");
  cr_assert_eq(r.selected, -1);
  cr_assert_eq(r.n_fits, 0);
  cr_assert(isnan(r.quality_score) && isnan(r.loglik) && isnan(r.aic) && isnan(r.bic));
  for (int h = 0; h < 4; h++) {
    cr_assert(isnan(r.mean[h]) && isnan(r.sd[h]));
    for (int l = 0; l < HC_N_LEVELS; l++) cr_assert(isnan(r.lo[h * HC_N_LEVELS + l]) && isnan(r.hi[h * HC_N_LEVELS + l]));
  }
  /* the four arrays do not overlap */
  cr_assert_eq(r.sd - r.mean, 4);
  cr_assert_eq(r.lo - r.sd, 4);
  cr_assert_eq(r.hi - r.lo, 4 * HC_N_LEVELS);
  hc_result_free(&r);
  cr_assert_null(r.mean);
  cr_assert_null(r.fits);
  cr_assert_eq(r.n_fits, 0);
}

Test(core, add_fit_copies)
{
  hc_result r;
  cr_assert_eq(hc_result_init(&r, "X", 1), 0);
  hc_fit_record f;
  make_fit(&f, 1);
  cr_assert_eq(hc_result_add_fit(&r, &f), 0);
  hc_fit_record keep = f;
  f.params[0] = 1e9; /* caller's copy changes; the stored one must not */
  snprintf(f.name, sizeof f.name, "changed");
  cr_assert_eq(r.n_fits, 1);
  cr_assert_eq(memcmp(&r.fits[0], &keep, sizeof keep), 0);
  hc_result_free(&r);
}

Test(core, pack_unpack_round_trip)
{
  hc_result r, u;
  make_result(&r, "BRK.B", 10, 3, 1);
  /* distinct fit names */
  cr_assert_str_neq(r.fits[0].name, r.fits[1].name);
  cr_assert_str_neq(r.fits[1].name, r.fits[2].name);
  cr_assert_str_neq(r.fits[0].name, r.fits[2].name);
  cr_assert(isnan(r.fits[1].stderr_[1]));

  size_t sz = hc_result_packed_size(&r);
  cr_assert_gt(sz, sizeof(hc_result));
  unsigned char *buf = malloc(sz);
  cr_assert_not_null(buf);
  cr_assert_eq(hc_result_pack(&r, buf), sz);

  memset(&u, 0xA5, sizeof u);
  cr_assert_eq(hc_result_unpack(&u, buf, sz), sz);
  assert_results_equal(&r, &u);
  cr_assert_eq(u.status, HC_STATUS_REJECTED);
  cr_assert_str_eq(u.reason, "reason 1 for BRK.B");
  cr_assert_str_eq(u.first_date, "2010-01-04");
  cr_assert_str_eq(u.last_date, "2019-12-31");
  cr_assert_float_eq(u.quality_score, 0.865, 1e-15);
  cr_assert(isnan(u.sd[3]));
  cr_assert(isnan(u.hi[7 * HC_N_LEVELS + 1]));
  /* the packed bytes do not depend on the source pointers: unpack then repack gives the same size */
  cr_assert_eq(hc_result_packed_size(&u), sz);

  /* extra bytes after the record are not consumed */
  unsigned char *big = calloc(sz + 100, 1);
  cr_assert_not_null(big);
  memcpy(big, buf, sz);
  hc_result v;
  cr_assert_eq(hc_result_unpack(&v, big, sz + 100), sz);
  assert_results_equal(&r, &v);
  hc_result_free(&v);

  free(big);
  free(buf);
  hc_result_free(&u);
  hc_result_free(&r);
}

Test(core, pack_unpack_empty_result)
{
  hc_result r, u;
  cr_assert_eq(hc_result_init(&r, "EMPTY", 0), 0);
  hc_result_set_status(&r, HC_STATUS_REJECTED, "too few observations (%d < %d)", 12, 250);
  size_t sz = hc_result_packed_size(&r);
  cr_assert_eq(sz, sizeof(hc_result));
  unsigned char *buf = malloc(sz);
  cr_assert_eq(hc_result_pack(&r, buf), sz);
  cr_assert_eq(hc_result_unpack(&u, buf, sz), sz);
  assert_results_equal(&r, &u);
  cr_assert_eq(u.n_fits, 0);
  cr_assert_eq(u.horizon, 0);
  cr_assert_str_eq(u.reason, "too few observations (12 < 250)");
  free(buf);
  hc_result_free(&u);
  hc_result_free(&r);
}

Test(core, pack_several_back_to_back)
{
  enum { N = 4 };
  const int H[N]  = {10, 0, 3, 25};
  const int NF[N] = {3, 0, 1, 2};
  hc_result r[N];
  size_t    sz[N], total = 0;
  for (int i = 0; i < N; i++) {
    char t[16];
    snprintf(t, sizeof t, "TICK%d", i);
    make_result(&r[i], t, H[i], NF[i], i + 2);
    sz[i] = hc_result_packed_size(&r[i]);
    total += sz[i];
  }
  unsigned char *buf = malloc(total);
  cr_assert_not_null(buf);
  size_t off = 0;
  for (int i = 0; i < N; i++) {
    size_t w = hc_result_pack(&r[i], buf + off);
    cr_assert_eq(w, sz[i]);
    off += w;
  }
  cr_assert_eq(off, total);

  size_t pos = 0;
  for (int i = 0; i < N; i++) {
    hc_result u;
    size_t used = hc_result_unpack(&u, buf + pos, total - pos);
    cr_assert_eq(used, sz[i], "record %d: consumed %zu, expected %zu", i, used, sz[i]);
    assert_results_equal(&r[i], &u);
    hc_result_free(&u);
    pos += used;
  }
  cr_assert_eq(pos, total);
  /* nothing left: a further unpack fails */
  hc_result u;
  cr_assert_eq(hc_result_unpack(&u, buf + pos, 0), 0);

  free(buf);
  for (int i = 0; i < N; i++) hc_result_free(&r[i]);
}

Test(core, unpack_rejects_truncated)
{
  hc_result r;
  make_result(&r, "TRUNC", 10, 3, 5);
  size_t sz = hc_result_packed_size(&r);
  unsigned char *buf = malloc(sz);
  cr_assert_eq(hc_result_pack(&r, buf), sz);
  for (size_t len = 0; len < sz; len++) {
    hc_result u;
    memset(&u, 0, sizeof u);
    size_t used = hc_result_unpack(&u, buf, len);
    cr_assert_eq(used, 0, "prefix of %zu of %zu bytes accepted (%zu)", len, sz, used);
    if (used) hc_result_free(&u);
  }
  free(buf);
  hc_result_free(&r);
}

/** Pack r, overwrite horizon and n_fits in the packed header, and check unpack rejects it: it
 * fails, or it does not consume exactly the record's bytes (the journal's reader refuses a record
 * that unpacks in fewer bytes than its frame). A header shifted by whole doubles can parse by
 * chance when the bytes it then reads as fit headers look valid. */
static void assert_corrupt_rejected(const hc_result *r, int horizon, int n_fits)
{
  size_t sz = hc_result_packed_size(r);
  unsigned char *buf = malloc(sz);
  cr_assert_not_null(buf);
  cr_assert_eq(hc_result_pack(r, buf), sz);
  hc_result head;
  memcpy(&head, buf, sizeof head);
  head.horizon = horizon;
  head.n_fits  = n_fits;
  memcpy(buf, &head, sizeof head);
  hc_result u;
  memset(&u, 0, sizeof u);
  size_t used = hc_result_unpack(&u, buf, sz);
  cr_assert(used == 0 || used != sz, "corrupt header (horizon %d, n_fits %d) accepted", horizon, n_fits);
  if (used) hc_result_free(&u);
  free(buf);
}

Test(core, unpack_rejects_corrupt_header)
{
  hc_result r;
  make_result(&r, "CORRUPT", 10, 3, 7);
  assert_corrupt_rejected(&r, -1, 3);
  assert_corrupt_rejected(&r, -10, 3);
  assert_corrupt_rejected(&r, INT_MIN, 3);
  assert_corrupt_rejected(&r, 10, -1);
  assert_corrupt_rejected(&r, 10, INT_MIN);
  /* sizes that claim more data than the buffer holds */
  assert_corrupt_rejected(&r, 11, 3);
  assert_corrupt_rejected(&r, 10, 4);
  assert_corrupt_rejected(&r, INT_MAX, 3);
  assert_corrupt_rejected(&r, 10, INT_MAX);
  hc_result_free(&r);
}

/* A fit packs only its used parameter slots, and a packed fit claiming more than HC_MAX_PARAMS
 * parameters (or fewer than 0) is rejected. */
Test(core, pack_fit_compact_and_checked)
{
  hc_result r;
  make_result(&r, "FITS", 2, 1, 3); /* one fit, 3 parameters */
  const size_t head = sizeof(hc_result) + 2 * (2 + 2 * HC_N_LEVELS) * sizeof(double);
  size_t sz = hc_result_packed_size(&r);
  cr_assert_eq(r.fits[0].n_params, 3);
  hc_result none;
  make_result(&none, "FITS", 2, 0, 3);
  const size_t fit = sz - hc_result_packed_size(&none);
  hc_result_free(&none);
  /* the fields around the parameter slots, and 3 names, values and standard errors */
  const size_t around = offsetof(hc_fit_record, param_names) + sizeof(hc_fit_record) - offsetof(hc_fit_record, stderr_type);
  cr_assert_eq(fit, around + 3 * (HC_PNAME_LEN + 2 * sizeof(double)), "a 3-parameter fit packs in %zu bytes", fit);
  cr_assert_lt(fit, sizeof(hc_fit_record) / 3);
  unsigned char *buf = malloc(sz);
  cr_assert_not_null(buf);
  cr_assert_eq(hc_result_pack(&r, buf), sz);
  const int bad[] = {-1, HC_MAX_PARAMS + 1, 4, INT_MAX};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    unsigned char *c = malloc(sz);
    cr_assert_not_null(c);
    memcpy(c, buf, sz);
    memcpy(c + head + offsetof(hc_fit_record, n_params), &bad[i], sizeof(int));
    hc_result u;
    memset(&u, 0, sizeof u);
    size_t used = hc_result_unpack(&u, c, sz);
    cr_assert_eq(used, 0, "a packed fit with n_params = %d accepted", bad[i]);
    free(c);
  }
  free(buf);
  hc_result_free(&r);
}

Test(core, set_status_truncates_and_terminates)
{
  hc_result r;
  cr_assert_eq(hc_result_init(&r, "LONG", 2), 0);
  r.n_obs = 424242; /* the field right after reason must survive */
  char long_text[4 * HC_REASON_LEN];
  for (size_t i = 0; i < sizeof long_text - 1; i++) long_text[i] = (char)('a' + i % 26);
  long_text[sizeof long_text - 1] = '\0';
  memset(r.reason, 'Z', sizeof r.reason);

  hc_result_set_status(&r, HC_STATUS_FAILED, "%s-%d", long_text, 99);
  cr_assert_eq(r.status, HC_STATUS_FAILED);
  cr_assert_eq(r.reason[HC_REASON_LEN - 1], '\0');
  cr_assert_eq(strlen(r.reason), HC_REASON_LEN - 1);
  cr_assert_eq(strncmp(r.reason, long_text, HC_REASON_LEN - 1), 0);
  cr_assert_eq(r.n_obs, 424242);
  cr_assert_eq(r.horizon, 2);

  hc_result_set_status(&r, HC_STATUS_REJECTED, "gap of %d days at %s", 12, "2020-03-01");
  cr_assert_eq(r.status, HC_STATUS_REJECTED);
  cr_assert_str_eq(r.reason, "gap of 12 days at 2020-03-01");

  hc_result_set_status(&r, HC_STATUS_OK, "%s", "");
  cr_assert_eq(r.status, HC_STATUS_OK);
  cr_assert_str_eq(r.reason, "");
  hc_result_free(&r);
}

Test(core, strlcpy_truncation)
{
  char d[8];
  memset(d, 'X', sizeof d);
  hc_strlcpy(d, "abcdefghijkl", sizeof d);
  cr_assert_str_eq(d, "abcdefg");
  cr_assert_eq(d[7], '\0');

  hc_strlcpy(d, "abc", sizeof d);
  cr_assert_str_eq(d, "abc");

  hc_strlcpy(d, "1234567", sizeof d); /* exact fit */
  cr_assert_str_eq(d, "1234567");

  hc_strlcpy(d, "abcdef", 4);
  cr_assert_str_eq(d, "abc");

  hc_strlcpy(d, "abcdef", 1);
  cr_assert_str_eq(d, "");

  memset(d, 'X', sizeof d);
  hc_strlcpy(d, "abcdef", 0); /* writes nothing */
  for (size_t i = 0; i < sizeof d; i++) cr_assert_eq(d[i], 'X');

  hc_strlcpy(d, "", sizeof d);
  cr_assert_str_eq(d, "");
}

Test(core, status_names)
{
  cr_assert_str_eq(hc_status_name(HC_STATUS_OK), "ok");
  cr_assert_str_eq(hc_status_name(HC_STATUS_REJECTED), "rejected");
  cr_assert_str_eq(hc_status_name(HC_STATUS_FAILED), "failed");
}

/* Keeps the allocation observable so the compiler cannot elide it. */
static void *volatile rss_sink;

Test(core, peak_rss_grows)
{
  double before = hc_peak_rss_mb();
  cr_assert(isfinite(before));
  cr_assert_gt(before, 0.0);
  size_t bytes = (size_t)64 << 20;
  unsigned char *p = malloc(bytes);
  cr_assert_not_null(p);
  memset(p, 0x5A, bytes);
  rss_sink = p;
  volatile unsigned char *vp = rss_sink;
  unsigned sum = 0;
  for (size_t i = 0; i < bytes; i += 4096) sum += vp[i];
  cr_assert_eq(sum, 0x5Au * (unsigned)(bytes / 4096));
  double after = hc_peak_rss_mb();
  cr_assert_geq(after, before);
  cr_assert_geq(after - before, 32.0, "peak RSS grew by %.1f MiB only (%.1f -> %.1f) after touching 64 MiB",
                after - before, before, after);
  cr_assert_geq(after, 64.0);
  free(p);
  rss_sink = NULL;
}

Test(core, time_wall_monotonic)
{
  double t0 = hc_time_wall();
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);
  double t1 = hc_time_wall();
  cr_assert_gt(t0, 0.0);
  cr_assert_geq(t1 - t0, 0.019);
  cr_assert_lt(t1 - t0, 5.0);
}

Test(core, series_alloc_with_volume)
{
  hc_series s;
  memset(&s, 0, sizeof s);
  hc_strlcpy(s.ticker, "VOL", sizeof s.ticker);
  cr_assert_eq(hc_series_alloc(&s, 100, 1), 0);
  cr_assert_eq(s.n, 100);
  cr_assert_not_null(s.label);
  cr_assert_not_null(s.value);
  cr_assert_not_null(s.volume);
  for (int i = 0; i < 100; i++) {
    cr_assert_eq(s.value[i], 0.0);
    cr_assert_eq(s.volume[i], 0.0);
    cr_assert_eq(s.label[i][0], '\0');
  }
  for (int i = 0; i < 100; i++) {
    snprintf(s.label[i], HC_LABEL_LEN, "2020-01-%02d", i % 28 + 1);
    s.value[i]  = i;
    s.volume[i] = 1000.0 * i;
  }
  cr_assert_str_eq(s.label[99], "2020-01-16");
  hc_series_free(&s);
  cr_assert_eq(s.n, 0);
  cr_assert_null(s.label);
  cr_assert_null(s.value);
  cr_assert_null(s.volume);
  cr_assert_str_eq(s.ticker, "");
  hc_series_free(&s); /* safe on a zeroed series */
}

Test(core, series_alloc_without_volume)
{
  hc_series s;
  memset(&s, 0, sizeof s);
  cr_assert_eq(hc_series_alloc(&s, 7, 0), 0);
  cr_assert_eq(s.n, 7);
  cr_assert_not_null(s.label);
  cr_assert_not_null(s.value);
  cr_assert_null(s.volume);
  for (int i = 0; i < 7; i++) s.value[i] = -i;
  hc_series_free(&s);
  cr_assert_null(s.value);
  cr_assert_null(s.volume);

  cr_assert_eq(hc_series_alloc(&s, 0, 1), 0); /* zero rows is valid */
  cr_assert_eq(s.n, 0);
  hc_series_free(&s);
}

Test(core, series_alloc_clears_dates_and_note)
{
  hc_series s;
  memset(&s, 0xff, sizeof s);
  hc_strlcpy(s.ticker, "KEEP", sizeof s.ticker);
  cr_assert_eq(hc_series_alloc(&s, 3, 0), 0);
  cr_assert_str_eq(s.ticker, "KEEP");
  cr_assert_null(s.time);
  cr_assert_null(s.high);
  cr_assert_eq(s.labels_are_dates, 0);
  cr_assert_str_eq(s.note, "");
  s.time = malloc(3 * sizeof *s.time); /* freed by hc_series_free (LeakSanitizer checks) */
  cr_assert_not_null(s.time);
  hc_series_free(&s);
  cr_assert_null(s.time);
}

/* Seconds since 1970 of civil dates and times, against values computed by hand (day counts:
 * 365 per year plus one per leap year) and by the ISO day count. */
Test(core, civil_seconds)
{
  long long t = -7;
  cr_assert_eq(hc_civil_seconds(1970, 1, 1, 0, 0, 0, &t), 0);
  cr_assert_eq(t, 0);
  cr_assert_eq(hc_civil_seconds(1999, 11, 1, 0, 0, 0, &t), 0);
  cr_assert_eq(t, (29LL * 365 + 7 + 304) * 86400); /* 941414400 */
  cr_assert_eq(hc_civil_seconds(2021, 4, 21, 13, 30, 0, &t), 0);
  cr_assert_eq(t, (51LL * 365 + 13 + 110) * 86400 + 13 * 3600 + 30 * 60); /* 1619011800 */
  cr_assert_eq(hc_civil_seconds(2000, 2, 29, 23, 59, 59, &t), 0);
  cr_assert_eq(t, (30LL * 365 + 7 + 59) * 86400 + 86399);
  cr_assert_eq(hc_civil_seconds(1969, 12, 31, 0, 0, 0, &t), 0);
  cr_assert_eq(t, -86400);
  cr_assert_eq(hc_civil_seconds(1600, 3, 1, 0, 0, 0, &t), 0);
  cr_assert_eq(t, -11670912000LL);
  cr_assert_eq(hc_civil_seconds(2286, 11, 20, 17, 46, 39, &t), 0);
  cr_assert_eq(t, 9999999999LL);
  /* agrees with hc_iso_days on every day of 1899..2101 */
  for (int y = 1899; y <= 2101; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= 31; d++) {
        char iso[16];
        long days;
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        const int bad = hc_iso_days(iso, &days);
        cr_assert_eq(hc_civil_seconds(y, m, d, 0, 0, 0, &t), bad, "%s", iso);
        if (!bad) cr_assert_eq(t, (long long)days * 86400, "%s", iso);
      }
  /* not a day or a time: *t untouched */
  t = 42;
  const int badf[][6] = {{2021, 2, 29, 0, 0, 0}, {1900, 2, 29, 0, 0, 0}, {2021, 13, 1, 0, 0, 0}, {2021, 0, 1, 0, 0, 0},
                         {2021, 4, 31, 0, 0, 0}, {2021, 1, 0, 0, 0, 0},  {2021, 1, 1, 24, 0, 0}, {2021, 1, 1, 0, 60, 0},
                         {2021, 1, 1, 0, 0, 60}, {2021, 1, 1, -1, 0, 0}};
  for (size_t k = 0; k < sizeof badf / sizeof badf[0]; k++) {
    const int *f = badf[k];
    cr_assert_eq(hc_civil_seconds(f[0], f[1], f[2], f[3], f[4], f[5], &t), 1, "case %zu", k);
    cr_assert_eq(t, 42);
  }
  cr_assert_eq(hc_civil_seconds(2000, 2, 29, 0, 0, 0, &t), 0, "2000 is a leap year (divisible by 400)");
}

/* The backtest arrays (scores, members, member forecasts, weights, strategy) survive the
 * round trip through the packed bytes, value for value. */
Test(core, pack_unpack_backtest_arrays)
{
  hc_result r, u;
  make_result(&r, "KO", 4, 2, 0);
  cr_assert_eq(hc_result_set_members(&r, 2), 0);
  cr_assert(isnan(r.member_sd[7]) && isnan(r.weights[HC_N_SCHEMES * 2 - 1]), "new members start as NaN");
  for (int i = 0; i < 2 * 4; i++) r.member_mean[i] = 0.25 * i, r.member_sd[i] = 1.0 + i;
  for (int i = 0; i < HC_N_SCHEMES * 2; i++) r.weights[i] = i % 2 ? 0.75 : 0.25;
  snprintf(r.member[1], HC_MODEL_LEN, "ARMA(1,0)+GARCH(1,1)-t");
  r.n_scores = 3;
  r.scores   = calloc(3, sizeof *r.scores);
  for (int i = 0; i < 3; i++) {
    snprintf(r.scores[i].model, HC_MODEL_LEN, "ensemble:%d", i);
    r.scores[i].horizon = i + 1;
    r.scores[i].crps    = 0.1 * i;
    r.scores[i].pit[9]  = 0.5;
  }
  r.n_strategy = 2;
  r.strategy   = calloc(2, sizeof *r.strategy);
  r.strategy[1] = (hc_strategy_point){"2024-05-01", -0.5, 0.0123};
  r.n_onestep    = 3;
  r.onestep      = calloc(3, sizeof *r.onestep);
  r.onestep[2]   = (hc_onestep_point){"2024-05-02", 1.25, 0.1, 1.4, 0.77, 0.61, 0.63};
  snprintf(r.ensemble, sizeof r.ensemble, "stacking");
  r.trading.sharpe = 1.25;
  size_t         sz  = hc_result_packed_size(&r);
  unsigned char *buf = malloc(sz);
  cr_assert_eq(hc_result_pack(&r, buf), sz);
  cr_assert_eq(hc_result_unpack(&u, buf, sz), sz);
  cr_assert_eq(u.n_members, 2);
  cr_assert_str_eq(u.member[1], "ARMA(1,0)+GARCH(1,1)-t");
  for (int i = 0; i < 2 * 4; i++) cr_assert(u.member_mean[i] == r.member_mean[i] && u.member_sd[i] == r.member_sd[i]);
  cr_assert(u.member_sd == u.member_mean + 2 * 4, "member_sd follows member_mean in one block");
  for (int i = 0; i < HC_N_SCHEMES * 2; i++) cr_assert(u.weights[i] == r.weights[i]);
  cr_assert_eq(u.n_scores, 3);
  cr_assert_str_eq(u.scores[2].model, "ensemble:2");
  cr_assert(u.scores[2].crps == 0.2 && u.scores[1].pit[9] == 0.5);
  cr_assert_str_eq(u.strategy[1].date, "2024-05-01");
  cr_assert(u.strategy[1].position == -0.5 && u.strategy[1].ret == 0.0123);
  cr_assert_eq(u.n_onestep, 3);
  cr_assert_str_eq(u.onestep[2].date, "2024-05-02");
  cr_assert(u.onestep[2].y == 1.25 && u.onestep[2].pit == 0.77 && u.onestep[2].crps_bench == 0.63);
  cr_assert_str_eq(u.ensemble, "stacking");
  cr_assert(u.trading.sharpe == 1.25);
  hc_result_free(&u); /* before the next unpack overwrites it */
  cr_assert_eq(hc_result_unpack(&u, buf, sz - 1), 0, "truncated bytes are rejected");
  free(buf);
  hc_result_free(&r);
}

Test(core, unpack_rejects_negative_or_huge_counts)
{
  hc_result r, u;
  cr_assert_eq(hc_result_init(&r, "AAPL", 2), 0);
  hc_unit_row row = {.block = 0, .n_specs = 9, .n_fits = 9, .rank = 1, .seconds = 1.5, .cost = 2};
  cr_assert_eq(hc_result_add_unit(&r, &row), 0);
  size_t         sz  = hc_result_packed_size(&r);
  unsigned char *buf = malloc(sz);
  cr_assert_eq(hc_result_pack(&r, buf), sz);
  hc_result head;
  memcpy(&head, buf, sizeof head);
  /* a corrupt count must not wrap the size computation into a small "needed" size */
  const int bad[] = {-1, -2, 2000000000};
  for (int k = 0; k < 3; k++) {
    hc_result h = head;
    h.n_units   = bad[k];
    memcpy(buf, &h, sizeof h);
    cr_assert_eq(hc_result_unpack(&u, buf, sz), 0, "n_units %d accepted", bad[k]);
  }
  memcpy(buf, &head, sizeof head);
  cr_assert_eq(hc_result_unpack(&u, buf, sz), sz);
  cr_assert_eq(u.n_units, 1);
  cr_assert(u.units[0].seconds == 1.5);
  hc_result_free(&u);
  free(buf);
  hc_result_free(&r);
}
