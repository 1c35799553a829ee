/**
 * @file test_io_stream.c
 * @brief Unit tests of the streaming report writer (io/report.c, hc_io_report_write_stream and
 *        the begin/add/tables/finish steps rank 0 uses during a run): records streamed from a
 *        journal by offset give the same file as the array writer, records added in arrival
 *        order with the tables written once at the end give that file too, tables longer than
 *        one write chunk (4096 rows) hold every row in ticker order, string widths are per
 *        table, and a source out of ticker order, with a duplicate or failing, a record changed
 *        between its add and the tables, or the steps out of order, is an error that names the
 *        cause and publishes nothing.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "hpcast/io.h"
#include "tmpdir.h"

enum { N = 40, H = 4, NS = 150 }; /* 40 tickers, 150 score rows per backtested ticker */

static const hc_report_meta META = {.hpcast_version = "0.1.0-test", .options = "-stream test", .n_ranks = 2, .schedule = "static"};

static int count_tmp(const char *dir)
{
  DIR *d = opendir(dir);
  int  n = 0;
  for (struct dirent *e; (e = readdir(d));) n += strstr(e->d_name, ".tmp.") != NULL;
  closedir(d);
  return n;
}

/** Ticker k of the test universe: "T00".."T38" and, as k = 39, a long name that sorts first. */
static void ticker_of(int k, char *t) { snprintf(t, HC_NAME_LEN, k == N - 1 ? "A_VERY_LONG_TICKER.NAME" : "T%02d", k); }

/**
 * Record k: H = 4; two fits (both members of the live ensemble); NS score rows, weights, trading
 * and strategy points when backtested (k % 7 != 0), two /units rows (one for k % 7 == 0);
 * the last ticker is rejected (nothing but its status). Every value depends on k and the row.
 */
static void make_record(hc_result *r, int k)
{
  char t[HC_NAME_LEN];
  ticker_of(k, t);
  cr_assert_eq(hc_result_init(r, t, H), 0);
  if (k == N - 1) {
    hc_result_set_status(r, HC_STATUS_REJECTED, "empty file");
    return;
  }
  r->n_obs = 1000 + k;
  hc_strlcpy(r->first_date, "2001-01-02", HC_LABEL_LEN);
  hc_strlcpy(r->last_date, "2021-04-21", HC_LABEL_LEN);
  for (int f = 0; f < 2; f++) {
    hc_fit_record fit;
    memset(&fit, 0, sizeof fit);
    snprintf(fit.name, sizeof fit.name, f ? "ARMA(1,0)+GARCH(1,1)-t" : "ARMA(1,0)");
    hc_strlcpy(fit.mean_model, "ARMA(1,0)", HC_MODEL_LEN);
    hc_strlcpy(fit.vol_model, f ? "GARCH(1,1)-t" : "none", HC_MODEL_LEN);
    fit.n_params = 2 + 3 * f;
    for (int p = 0; p < fit.n_params; p++) {
      snprintf(fit.param_names[p], HC_PNAME_LEN, "p%d", p);
      fit.params[p] = k + 0.1 * p + f;
      fit.stderr_[p] = 0.01 * (p + 1);
    }
    fit.loglik = -1000 - k - f;
    cr_assert_eq(hc_result_add_fit(r, &fit), 0);
  }
  r->selected = k % 2;
  hc_strlcpy(r->mean_model, "ARMA(1,0)", HC_MODEL_LEN);
  hc_strlcpy(r->vol_model, r->fits[r->selected].vol_model, HC_MODEL_LEN);
  for (int h = 0; h < H; h++) {
    r->mean[h] = 0.01 * k + 0.001 * h;
    r->sd[h]   = 1 + 0.1 * h;
    for (int l = 0; l < HC_N_LEVELS; l++) {
      r->lo[h * HC_N_LEVELS + l] = -k - h - l;
      r->hi[h * HC_N_LEVELS + l] = k + h + l;
    }
  }
  hc_unit_row u = {.block = k % 7 ? 0 : -1, .n_specs = 3, .n_fits = 2, .rank = k % 2, .seconds = 0.5 * k, .cost = 10.0 * k};
  cr_assert_eq(hc_result_add_unit(r, &u), 0);
  if (k % 7 == 0) {
    hc_strlcpy(r->bt_reason, "series too short for the backtest", HC_REASON_LEN);
    return;
  }
  u.block = 1;
  cr_assert_eq(hc_result_add_unit(r, &u), 0);
  r->bt_origins = 250;
  hc_strlcpy(r->ensemble, k % 3 ? "stacking" : "equal", sizeof r->ensemble);
  cr_assert_eq(hc_result_set_members(r, 2), 0);
  for (int m = 0; m < 2; m++) {
    hc_strlcpy(r->member[m], r->fits[m].name, HC_MODEL_LEN);
    for (int s = 0; s < HC_N_SCHEMES; s++) r->weights[s * 2 + m] = m ? 0.25 * s : 1 - 0.25 * s;
    for (int h = 0; h < H; h++) {
      r->member_mean[m * H + h] = k + m + 0.01 * h;
      r->member_sd[m * H + h]   = 1 + m + 0.01 * h;
    }
  }
  r->n_scores = NS;
  cr_assert(r->scores = calloc(NS, sizeof *r->scores));
  for (int j = 0; j < NS; j++) {
    hc_score_row *s = &r->scores[j];
    snprintf(s->model, sizeof s->model, j % 3 ? "%s" : "ensemble:equal", r->fits[j % 2].name);
    s->horizon = j % H + 1;
    s->n       = 250 - j % H;
    s->crps    = k + 1e-3 * j;
    s->rmse    = 2 * k + 1e-3 * j;
    for (int c = 0; c < HC_N_COVER; c++) s->coverage[c] = 0.5 + 0.1 * c + 1e-5 * (k * NS + j);
    for (int b = 0; b < HC_N_PIT_BINS; b++) s->pit[b] = 0.1 + 1e-6 * b * j;
  }
  r->trading = (hc_trading_metrics){.n = 250, .cum_return = 0.01 * k, .sharpe = 0.1 * k, .max_drawdown = 0.2};
  r->n_strategy = 3;
  cr_assert(r->strategy = calloc(3, sizeof *r->strategy));
  for (int d = 0; d < 3; d++) {
    snprintf(r->strategy[d].date, HC_LABEL_LEN, "2021-04-%02d", 19 + d);
    r->strategy[d].position = 0.5;
    r->strategy[d].ret      = 0.001 * (k + d);
  }
}

/* ---- comparison of two report files, object by object ---- */

/** Dataset or attribute values of a and b (both datasets or both attributes): same type,
 * shape and bytes. */
static void same_values(hid_t a, hid_t b, int is_attr, const char *what)
{
  hid_t ta = is_attr ? H5Aget_type(a) : H5Dget_type(a), tb = is_attr ? H5Aget_type(b) : H5Dget_type(b);
  hid_t sa = is_attr ? H5Aget_space(a) : H5Dget_space(a), sb = is_attr ? H5Aget_space(b) : H5Dget_space(b);
  cr_assert(H5Tequal(ta, tb) > 0, "%s: types differ", what);
  hsize_t da[4] = {0}, db[4] = {0};
  int     ra = H5Sget_simple_extent_dims(sa, da, NULL), rb = H5Sget_simple_extent_dims(sb, db, NULL);
  cr_assert(ra == rb && !memcmp(da, db, sizeof da), "%s: shapes differ", what);
  size_t n = (size_t)H5Sget_simple_extent_npoints(sa) * H5Tget_size(ta);
  char  *va = calloc(n + 1, 1), *vb = calloc(n + 1, 1);
  if (n) {
    cr_assert_geq(is_attr ? H5Aread(a, ta, va) : H5Dread(a, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, va), 0);
    cr_assert_geq(is_attr ? H5Aread(b, tb, vb) : H5Dread(b, tb, H5S_ALL, H5S_ALL, H5P_DEFAULT, vb), 0);
  }
  cr_assert(!memcmp(va, vb, n), "%s: values differ", what);
  free(va);
  free(vb);
  H5Tclose(ta);
  H5Tclose(tb);
  H5Sclose(sa);
  H5Sclose(sb);
}

typedef struct {
  hid_t       other; /* the object of the other file */
  const char *path;
  int         n;
} attr_ctx;

static herr_t same_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
  attr_ctx *x = data;
  char      what[512];
  (void)info;
  x->n++;
  if (!strcmp(x->path, "/") && !strcmp(name, "created_utc")) return 0; /* the write time */
  snprintf(what, sizeof what, "attribute %s of %s", name, x->path);
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT), b = H5Aopen(x->other, name, H5P_DEFAULT);
  cr_assert_geq(b, 0, "%s: missing in the second file", what);
  same_values(a, b, 1, what);
  H5Aclose(a);
  H5Aclose(b);
  return 0;
}

static herr_t count_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
  (void)loc, (void)name, (void)info;
  (*(int *)data)++;
  return 0;
}

/** The attributes of objects a and b are the same (names, types, values). */
static void same_attrs(hid_t a, hid_t b, const char *path)
{
  attr_ctx x = {b, path, 0};
  int      nb = 0;
  cr_assert_geq(H5Aiterate2(a, H5_INDEX_NAME, H5_ITER_INC, NULL, same_attr, &x), 0);
  cr_assert_geq(H5Aiterate2(b, H5_INDEX_NAME, H5_ITER_INC, NULL, count_attr, &nb), 0);
  cr_assert_eq(x.n, nb, "%s: %d attributes, %d in the second file", path, x.n, nb);
}

typedef struct {
  hid_t other; /* the second file */
  int   n;
} link_ctx;

/** Every link of the first file: the same kind in the second, soft links with the same target,
 * datasets with the same values, every object with the same attributes (not /perf: times). */
static herr_t same_link(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  link_ctx *x = data;
  char      path[512];
  snprintf(path, sizeof path, "/%s", name);
  x->n++;
  H5L_info_t ib;
  cr_assert_geq(H5Lget_info(x->other, name, &ib, H5P_DEFAULT), 0, "%s: missing in the second file", path);
  cr_assert_eq(info->type, ib.type, "%s: link kinds differ", path);
  if (info->type == H5L_TYPE_SOFT) {
    char va[512] = "", vb[512] = "";
    H5Lget_val(g, name, va, sizeof va, H5P_DEFAULT);
    H5Lget_val(x->other, name, vb, sizeof vb, H5P_DEFAULT);
    cr_assert_str_eq(va, vb, "%s", path);
    return 0;
  }
  if (!strncmp(path, "/perf/", 6)) return 0;
  hid_t      a = H5Oopen(g, name, H5P_DEFAULT), b = H5Oopen(x->other, name, H5P_DEFAULT);
  H5O_info_t oa, ob;
  H5Oget_info(a, &oa);
  H5Oget_info(b, &ob);
  cr_assert_eq(oa.type, ob.type, "%s: object kinds differ", path);
  if (oa.type == H5O_TYPE_DATASET) same_values(a, b, 0, path);
  same_attrs(a, b, path);
  H5Oclose(a);
  H5Oclose(b);
  return 0;
}

static herr_t count_link(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  (void)g, (void)name, (void)info;
  (*(int *)data)++;
  return 0;
}

/** Reports a and b hold the same groups, datasets, attributes and links (but the creation time
 * and the /perf values). */
static void assert_same_report(const char *a, const char *b)
{
  hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT), fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert(fa >= 0 && fb >= 0);
  link_ctx x  = {fb, 0};
  int      nb = 0;
  cr_assert_geq(H5Lvisit(fa, H5_INDEX_NAME, H5_ITER_INC, same_link, &x), 0);
  cr_assert_geq(H5Lvisit(fb, H5_INDEX_NAME, H5_ITER_INC, count_link, &nb), 0);
  cr_assert_eq(x.n, nb, "%d links, %d in the second file", x.n, nb);
  same_attrs(fa, fb, "/");
  H5Fclose(fa);
  H5Fclose(fb);
}

/* ---- sources ---- */

/** Records in a journal, streamed in ticker order by offset (what rank 0 and merge do). */
typedef struct {
  hc_journal *j;
  int         n;
  char        ticker[N][HC_NAME_LEN];
  long        offset[N];
  int         fail_at; /* the source fails at this record (-1: never) */
} journal_source;

static int by_ticker(const void *a, const void *b) { return strcmp(a, b); }

static int from_journal(void *ctx, int i, hc_result *r)
{
  journal_source *s = ctx;
  char            err[1024];
  if (i == s->fail_at) return 5;
  int rc = hc_io_journal_read_at(s->j, s->offset[i], r, err, sizeof err);
  cr_assert_eq(rc, 0, "%s", err);
  return rc;
}

/** Append records k = 0..N-1 in a scrambled order to a new journal and index them by ticker. */
static void journal_of_records(const char *path, journal_source *s)
{
  char      err[1024];
  hc_result r;
  memset(s, 0, sizeof *s);
  s->fail_at = -1;
  cr_assert_eq(hc_io_journal_open(path, 1, 0, &s->j, NULL, NULL, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < N; i++) {
    int  k = (i * 17) % N; /* 17 is prime to 40: a permutation */
    long off;
    make_record(&r, k);
    cr_assert_eq(hc_io_journal_append(s->j, 1, &r, &off, err, sizeof err), 0, "%s", err);
    hc_strlcpy(s->ticker[s->n], r.ticker, HC_NAME_LEN);
    s->offset[s->n++] = off;
    hc_result_free(&r);
  }
  /* sort the (ticker, offset) index by ticker: ticker is the first member of a row */
  struct {
    char t[HC_NAME_LEN];
    long o;
  } idx[N];
  for (int i = 0; i < N; i++) {
    memcpy(idx[i].t, s->ticker[i], HC_NAME_LEN);
    idx[i].o = s->offset[i];
  }
  qsort(idx, N, sizeof idx[0], by_ticker);
  for (int i = 0; i < N; i++) {
    memcpy(s->ticker[i], idx[i].t, HC_NAME_LEN);
    s->offset[i] = idx[i].o;
  }
}

/** An array of records in the given order (shallow copies into a fresh record each time). */
typedef struct {
  const hc_result *r;
  const int       *order;
} array_source;

static int from_array(void *ctx, int i, hc_result *r)
{
  const array_source *s = ctx;
  size_t              len = hc_result_packed_size(&s->r[s->order[i]]);
  char               *buf = malloc(len);
  hc_result_pack(&s->r[s->order[i]], buf);
  size_t got = hc_result_unpack(r, buf, len);
  free(buf);
  return got == len ? 0 : 1;
}

/* ---- readers ---- */

static size_t str_width(hid_t f, const char *path)
{
  hid_t  d = H5Dopen2(f, path, H5P_DEFAULT), t = H5Dget_type(d);
  size_t w = H5Tget_size(t);
  H5Tclose(t);
  H5Dclose(d);
  return w;
}

/** A 1-D string dataset as n strings of HC_MODEL_LEN bytes. */
static char (*read_strings(hid_t f, const char *path, size_t *n))[HC_MODEL_LEN]
{
  hid_t  d = H5Dopen2(f, path, H5P_DEFAULT), t = H5Dget_type(d), sp = H5Dget_space(d);
  size_t w = H5Tget_size(t);
  *n       = (size_t)H5Sget_simple_extent_npoints(sp);
  char *raw = calloc(*n * w + 1, 1);
  char (*out)[HC_MODEL_LEN] = calloc(*n + 1, HC_MODEL_LEN);
  cr_assert_geq(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), 0, "%s", path);
  for (size_t i = 0; i < *n; i++) memcpy(out[i], raw + i * w, w < HC_MODEL_LEN - 1 ? w : HC_MODEL_LEN - 1);
  free(raw);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  return out;
}

/** A numeric dataset as *n values of mem_type (size bytes each), malloc'd. */
static void *read_numbers(hid_t f, const char *path, hid_t mem_type, size_t size, size_t *n)
{
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT), sp = H5Dget_space(d);
  *n      = (size_t)H5Sget_simple_extent_npoints(sp);
  void *v = calloc(*n + 1, size);
  cr_assert_geq(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0, "%s", path);
  H5Sclose(sp);
  H5Dclose(d);
  return v;
}

static double *read_doubles(hid_t f, const char *path, size_t *n) { return read_numbers(f, path, H5T_NATIVE_DOUBLE, sizeof(double), n); }

static int *read_ints(hid_t f, const char *path, size_t *n) { return read_numbers(f, path, H5T_NATIVE_INT, sizeof(int), n); }

/* ---- tests ---- */

Test(report_stream, journal_stream_equals_array_writer_across_chunks)
{
  char dir[256], jpath[512], a[600], b[600], err[1024];
  test_tmpdir(dir, sizeof dir, "stream");
  snprintf(jpath, sizeof jpath, "%s/b.h5.journal", dir);
  snprintf(a, sizeof a, "%s/a.h5", dir);
  snprintf(b, sizeof b, "%s/b.h5", dir);
  hc_result rec[N];
  for (int k = 0; k < N; k++) make_record(&rec[(k * 23) % N], k); /* unsorted */
  hc_report_book port = {.book = "strategies", .m = {.n = 3, .cum_return = 0.5, .sharpe = 1.25}};
  hc_report_meta     meta = META;
  meta.n_books            = 1;
  meta.books              = &port;
  hc_perf perf[2]         = {{.rank = 0, .wall_s = 1, .io_s = 0.5}, {.rank = 1, .wall_s = 2, .io_s = 0.25}};
  cr_assert_eq(hc_io_report_write(a, &meta, N, rec, 2, perf, err, sizeof err), 0, "%s", err);

  journal_source s;
  journal_of_records(jpath, &s);
  cr_assert_eq(hc_io_report_write_stream(b, &meta, N, from_journal, &s, 2, perf, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_close(&s.j, 0), 0);
  cr_assert_eq(count_tmp(dir), 0);
  assert_same_report(a, b);

  /* the streamed file's tables against the records (rec is sorted by hc_io_report_write) */
  hid_t  f = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
  size_t n, n2, n3;
  char(*tk)[HC_MODEL_LEN] = read_strings(f, "/backtest/scores/ticker", &n);
  char(*model)[HC_MODEL_LEN] = read_strings(f, "/backtest/scores/model", &n2);
  double *crps = read_doubles(f, "/backtest/scores/crps", &n3);
  double *cov  = read_doubles(f, "/backtest/scores/coverage", &n3);
  int    *hor  = read_ints(f, "/backtest/scores/horizon", &n3);
  size_t  want = 0;
  for (int i = 0; i < N; i++) want += (size_t)rec[i].n_scores;
  cr_assert_gt(want, 4096, "the scores table spans more than one write chunk");
  cr_assert(n == want && n2 == want && n3 == want, "%zu score rows, want %zu", n, want);
  for (int i = 0, row = 0; i < N; i++)
    for (int j = 0; j < rec[i].n_scores; j++, row++) {
      const hc_score_row *w = &rec[i].scores[j];
      cr_assert_str_eq(tk[row], rec[i].ticker, "row %d", row);
      cr_assert_str_eq(model[row], w->model, "row %d", row);
      cr_assert_eq(hor[row], w->horizon, "row %d", row);
      cr_assert(crps[row] == w->crps, "row %d", row);
      for (int c = 0; c < HC_N_COVER; c++) cr_assert(cov[row * HC_N_COVER + c] == w->coverage[c], "row %d", row);
    }
  free(tk), free(model), free(crps), free(cov), free(hor);

  /* /forecast and /summary rows in ticker order; string widths are per table */
  char(*st)[HC_MODEL_LEN] = read_strings(f, "/summary/ticker", &n);
  double *mean = read_doubles(f, "/forecast/mean", &n2);
  double *hi   = read_doubles(f, "/forecast/hi", &n3);
  cr_assert(n == N && n2 == (size_t)N * H && n3 == (size_t)N * H * HC_N_LEVELS);
  for (int i = 0; i < N; i++) {
    cr_assert_str_eq(st[i], rec[i].ticker);
    for (int h = 0; h < H; h++) {
      cr_assert(mean[i * H + h] == rec[i].mean[h] || (isnan(mean[i * H + h]) && isnan(rec[i].mean[h])), "%s h %d", st[i], h);
      cr_assert(hi[(i * H + h) * 2 + 1] == rec[i].hi[h * 2 + 1] || isnan(rec[i].hi[h * 2 + 1]));
    }
  }
  cr_assert_str_eq(st[0], "A_VERY_LONG_TICKER.NAME", "strcmp order: '_' sorts after 'A' and before 'T'");
  cr_assert_eq(str_width(f, "/summary/ticker"), strlen("A_VERY_LONG_TICKER.NAME"));
  cr_assert_eq(str_width(f, "/backtest/scores/ticker"), 3, "only the backtested tickers");
  cr_assert_eq(str_width(f, "/summary/status"), strlen("rejected"));
  free(st), free(mean), free(hi);

  /* /units: one row per unit, in ticker then block order */
  char(*ut)[HC_MODEL_LEN] = read_strings(f, "/units/ticker", &n);
  int *blk                = read_ints(f, "/units/block", &n2);
  for (int i = 0, row = 0; i < N; i++)
    for (int u = 0; u < rec[i].n_units; u++, row++) {
      cr_assert_str_eq(ut[row], rec[i].ticker);
      cr_assert_eq(blk[row], rec[i].units[u].block);
    }
  free(ut), free(blk);
  H5Fclose(f);
  for (int k = 0; k < N; k++) hc_result_free(&rec[k]);
  test_rm_tree(dir);
}

Test(report_stream, out_of_order_duplicate_or_failing_source_is_an_error)
{
  char dir[256], path[600], err[1024];
  test_tmpdir(dir, sizeof dir, "stream");
  snprintf(path, sizeof path, "%s/r.h5", dir);
  hc_result rec[4];
  for (int k = 0; k < 4; k++) make_record(&rec[k], k); /* T00 T01 T02 T03 */
  int          good[4] = {0, 1, 2, 3}, swapped[4] = {0, 2, 1, 3}, dup[4] = {0, 1, 1, 3};
  array_source s = {rec, good};
  cr_assert_eq(hc_io_report_write_stream(path, &META, 4, from_array, &s, 0, NULL, err, sizeof err), 0, "%s", err);
  struct stat before, after;
  cr_assert_eq(stat(path, &before), 0);

  s.order = swapped;
  cr_assert_neq(hc_io_report_write_stream(path, &META, 4, from_array, &s, 0, NULL, err, sizeof err), 0);
  cr_assert(strstr(err, "'T01'") && strstr(err, "out of ticker order") && strstr(err, path), "%s", err);
  s.order = dup;
  cr_assert_neq(hc_io_report_write_stream(path, &META, 4, from_array, &s, 0, NULL, err, sizeof err), 0);
  cr_assert(strstr(err, "'T01'") && strstr(err, "duplicated"), "%s", err);

  char           jpath[600];
  journal_source js;
  snprintf(jpath, sizeof jpath, "%s/r.h5.journal", dir);
  journal_of_records(jpath, &js);
  js.fail_at = N - 1; /* the last record, in the first pass */
  cr_assert_neq(hc_io_report_write_stream(path, &META, N, from_journal, &js, 0, NULL, err, sizeof err), 0);
  cr_assert(strstr(err, "record 39"), "%s", err);
  cr_assert_eq(hc_io_journal_close(&js.j, 1), 0);

  cr_assert_eq(count_tmp(dir), 0, "no temporary file left");
  cr_assert_eq(stat(path, &after), 0);
  cr_assert_eq(after.st_ino, before.st_ino, "the previous report is untouched");
  for (int k = 0; k < 4; k++) hc_result_free(&rec[k]);
  test_rm_tree(dir);
}

/** Add the records of the journal source in the order they were journalled (i * 17 mod N, as
 * they arrive at rank 0), as records read back from the journal. */
static void add_in_arrival_order(hc_report_writer *w, journal_source *s)
{
  char err[1024];
  for (int i = 0; i < N; i++) {
    char t[HC_NAME_LEN];
    ticker_of((i * 17) % N, t);
    const char(*hit)[HC_NAME_LEN] = bsearch(t, s->ticker, N, HC_NAME_LEN, by_ticker);
    cr_assert(hit);
    hc_result r = {0};
    cr_assert_eq(hc_io_journal_read_at(s->j, s->offset[hit - s->ticker], &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(hc_io_report_add(w, &r), 0, "%s", hc_io_report_error(w));
    hc_result_free(&r);
  }
}

Test(report_stream, records_added_as_they_arrive_then_one_tables_pass_equal_the_stream_writer)
{
  char dir[256], jpath[512], a[600], b[600], err[1024];
  test_tmpdir(dir, sizeof dir, "stream");
  snprintf(jpath, sizeof jpath, "%s/b.h5.journal", dir);
  snprintf(a, sizeof a, "%s/a.h5", dir);
  snprintf(b, sizeof b, "%s/b.h5", dir);
  hc_report_book port = {.book = "strategies", .m = {.n = 3, .cum_return = 0.5, .sharpe = 1.25}};
  hc_report_meta     meta = META;
  meta.n_books            = 1;
  meta.books              = &port;
  hc_perf perf[2]         = {{.rank = 0, .wall_s = 1, .io_s = 0.5}, {.rank = 1, .wall_s = 2, .io_s = 0.25}};
  journal_source s;
  journal_of_records(jpath, &s);
  cr_assert_eq(hc_io_report_write_stream(a, &meta, N, from_journal, &s, 2, perf, err, sizeof err), 0, "%s", err);

  hc_report_writer *w;
  cr_assert_eq(hc_io_report_begin(b, &w, err, sizeof err), 0, "%s", err);
  add_in_arrival_order(w, &s);
  cr_assert_eq(hc_io_report_tables(w, N, from_journal, &s), 0, "%s", hc_io_report_error(w));
  cr_assert_eq(hc_io_report_finish(&w, &meta, 2, perf, err, sizeof err), 0, "%s", err);
  cr_assert_null(w);
  cr_assert_eq(count_tmp(dir), 0);
  assert_same_report(a, b);
  cr_assert_eq(hc_io_journal_close(&s.j, 0), 0);
  test_rm_tree(dir);
}

/** Source over the journal whose record `change` gets one more score row (a record that is
 * not the one that was added). */
typedef struct {
  journal_source *s;
  int             change;
} changed_source;

static int from_changed(void *ctx, int i, hc_result *r)
{
  changed_source *c  = ctx;
  int             rc = from_journal(c->s, i, r);
  if (!rc && i == c->change) {
    hc_score_row *g = realloc(r->scores, sizeof *g * (size_t)(r->n_scores + 1));
    cr_assert(g);
    g[r->n_scores] = g[0];
    r->scores      = g;
    r->n_scores++;
  }
  return rc;
}

Test(report_stream, steps_out_of_order_or_records_changed_after_their_add_are_errors)
{
  char dir[256], jpath[512], path[600], err[1024];
  test_tmpdir(dir, sizeof dir, "stream");
  snprintf(jpath, sizeof jpath, "%s/r.h5.journal", dir);
  snprintf(path, sizeof path, "%s/r.h5", dir);
  journal_source s;
  journal_of_records(jpath, &s);
  hc_report_writer *w;

  /* fewer records for the tables than were added */
  cr_assert_eq(hc_io_report_begin(path, &w, err, sizeof err), 0, "%s", err);
  add_in_arrival_order(w, &s);
  cr_assert_neq(hc_io_report_tables(w, N - 1, from_journal, &s), 0);
  cr_assert(strstr(hc_io_report_error(w), "39 records for the tables, 40 added"), "%s", hc_io_report_error(w));
  cr_assert_neq(hc_io_report_finish(&w, &META, 0, NULL, err, sizeof err), 0);
  cr_assert(strstr(err, "40 added") && strstr(err, path), "%s", err);

  /* a record with one more row in the tables pass than when it was added */
  cr_assert_eq(hc_io_report_begin(path, &w, err, sizeof err), 0, "%s", err);
  add_in_arrival_order(w, &s);
  changed_source c = {&s, N - 1}; /* the last in ticker order: every row of the table before it fits */
  cr_assert_neq(hc_io_report_tables(w, N, from_changed, &c), 0);
  cr_assert(strstr(hc_io_report_error(w), "/backtest/scores: more rows than"), "%s", hc_io_report_error(w));
  hc_io_report_abort(&w);
  cr_assert_null(w);

  /* finish before the tables; a record added after them */
  cr_assert_eq(hc_io_report_begin(path, &w, err, sizeof err), 0, "%s", err);
  cr_assert_neq(hc_io_report_finish(&w, &META, 0, NULL, err, sizeof err), 0);
  cr_assert(strstr(err, "finish before the tables"), "%s", err);
  cr_assert_eq(hc_io_report_begin(path, &w, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_report_tables(w, 0, NULL, NULL), 0, "%s", hc_io_report_error(w));
  hc_result r;
  make_record(&r, 0);
  cr_assert_neq(hc_io_report_add(w, &r), 0);
  cr_assert(strstr(hc_io_report_error(w), "'T00' added after the tables"), "%s", hc_io_report_error(w));
  hc_result_free(&r);
  cr_assert_neq(hc_io_report_finish(&w, &META, 0, NULL, err, sizeof err), 0);

  cr_assert_eq(count_tmp(dir), 0, "no temporary file left");
  struct stat st;
  cr_assert_neq(stat(path, &st), 0, "nothing published");
  cr_assert_eq(hc_io_journal_close(&s.j, 1), 0);
  test_rm_tree(dir);
}
