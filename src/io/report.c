/**
 * @file report.c
 * @brief HDF5 report writer of hpcast, schema_version 2 (docs/report-schema.md).
 *
 * Serial HDF5 1.10 C API with default property lists; only rank 0 calls it.
 * The file is written under a temporary name and published with rename(2) so
 * a reader (the live trader) sees either the previous report or the new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include <hdf5.h>

#include "hpcast/io.h"

#define SCHEMA_VERSION 2

/** Write context: the first failure is recorded in err, later ones are ignored. */
typedef struct {
  const char *path;    /**< final report path, named in every message */
  char       *err;
  size_t      errlen;
  int         failed;
  char        where[HC_PATH_LEN]; /**< HDF5 group being written, for messages */
} wctx;

static int fail(wctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(wctx *c, const char *fmt, ...)
{
  if (!c->failed && c->err && c->errlen > 0) {
    char msg[HC_PATH_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "report '%s': %s", c->path, msg);
  }
  c->failed = 1;
  return -1;
}

/** Fixed-length, NUL-padded ASCII string type of `width` bytes (caller closes). */
static hid_t str_type(size_t width)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return -1;
  if (H5Tset_size(t, width ? width : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
      H5Tset_cset(t, H5T_CSET_ASCII) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

/**
 * Create and write a dataset (is_attr = 0) or an attribute (is_attr = 1) named
 * `name` on `loc`, of shape dims[rank] (rank 0: scalar), from buf in mem_type.
 */
static int write_obj(wctx *c, hid_t loc, const char *name, int is_attr, hid_t mem_type,
                     hid_t file_type, int rank, const hsize_t *dims, const void *buf)
{
  hsize_t npts = 1;
  for (int i = 0; i < rank; i++) npts *= dims[i];
  hid_t sp = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
  hid_t o = -1;
  herr_t st = -1;
  if (sp >= 0) {
    o = is_attr ? H5Acreate2(loc, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT)
                : H5Dcreate2(loc, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  }
  if (o >= 0) {
    if (npts == 0) st = 0;
    else st = is_attr ? H5Awrite(o, mem_type, buf)
                      : H5Dwrite(o, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if ((is_attr ? H5Aclose(o) : H5Dclose(o)) < 0) st = -1;
  }
  if (sp >= 0) H5Sclose(sp);
  if (st < 0)
    return fail(c, "cannot write %s '%s' in %s", is_attr ? "attribute" : "dataset", name, c->where);
  return 0;
}

static int write_int(wctx *c, hid_t loc, const char *name, int is_attr, int rank,
                     const hsize_t *dims, const int *v)
{
  return write_obj(c, loc, name, is_attr, H5T_NATIVE_INT, H5T_STD_I32LE, rank, dims, v);
}

static int write_double(wctx *c, hid_t loc, const char *name, int is_attr, int rank,
                        const hsize_t *dims, const double *v)
{
  return write_obj(c, loc, name, is_attr, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, rank, dims, v);
}

/**
 * Write n strings as a 1-D fixed-length string dataset or attribute whose width is
 * the longest string (at least 1). String i starts at base + i*stride and holds at
 * most cap bytes (it need not be NUL-terminated at cap). base may be NULL if n == 0.
 */
static int write_strings(wctx *c, hid_t loc, const char *name, int is_attr, size_t n,
                         const char *base, size_t stride, size_t cap)
{
  size_t w = 1;
  for (size_t i = 0; i < n; i++) {
    size_t l = strnlen(base + i * stride, cap);
    if (l > w) w = l;
  }
  char *buf = calloc(n ? n : 1, w);
  if (!buf) return fail(c, "out of memory writing '%s' in %s", name, c->where);
  for (size_t i = 0; i < n; i++) memcpy(buf + i * w, base + i * stride, strnlen(base + i * stride, cap));
  hid_t t = str_type(w);
  hsize_t dims[1] = {n};
  int rc = t < 0 ? fail(c, "cannot create string type for '%s' in %s", name, c->where)
                 : write_obj(c, loc, name, is_attr, t, t, 1, dims, buf);
  if (t >= 0) H5Tclose(t);
  free(buf);
  return rc;
}

/** Scalar string attribute (fixed length strlen(s), at least 1; NULL is written as ""). */
static int write_str_attr(wctx *c, hid_t loc, const char *name, const char *s)
{
  if (!s) s = "";
  size_t w = strlen(s);
  char *buf = calloc(w ? w : 1, 1);
  if (!buf) return fail(c, "out of memory writing attribute '%s' in %s", name, c->where);
  memcpy(buf, s, w);
  hid_t t = str_type(w);
  int rc = t < 0 ? fail(c, "cannot create string type for '%s' in %s", name, c->where)
                 : write_obj(c, loc, name, 1, t, t, 0, NULL, buf);
  if (t >= 0) H5Tclose(t);
  free(buf);
  return rc;
}

static hid_t make_group(wctx *c, hid_t loc, const char *name)
{
  hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail(c, "cannot create group '%s' in %s", name, c->where);
  return g;
}

static int close_group(wctx *c, hid_t g)
{
  if (H5Gclose(g) < 0) return fail(c, "cannot close group in %s", c->where);
  return 0;
}

/** Copy n doubles (at byte offset off of each record of size stride) into out[n]. */
static void gather_double(double *out, size_t n, const void *base, size_t stride, size_t off)
{
  for (size_t i = 0; i < n; i++) memcpy(&out[i], (const char *)base + i * stride + off, sizeof *out);
}

static void gather_int(int *out, size_t n, const void *base, size_t stride, size_t off)
{
  for (size_t i = 0; i < n; i++) memcpy(&out[i], (const char *)base + i * stride + off, sizeof *out);
}

/** Value of forecast array a[k] of result r, or NaN if the result has no such entry. */
static double fc_at(const double *a, int k, int len)
{
  return (a && k < len) ? a[k] : NAN;
}

/** One column of a table of records: a string, an int, a double or a vector of len doubles. */
typedef enum { COL_STR, COL_INT, COL_DBL, COL_VEC } col_kind;
typedef struct {
  const char   *name;
  col_kind      kind;
  size_t        off;    /**< byte offset of the field in a record */
  size_t        len;    /**< string capacity (COL_STR) or vector length (COL_VEC) */
  const double *levels; /**< COL_VEC: written as the attribute "levels" when not NULL */
} column;

/** Write n records (base, stride bytes apart) as one dataset per column in group g:
 * 1-D [n] for scalars and strings, 2-D [n x len] for vectors. */
static int write_table(wctx *c, hid_t g, size_t n, const void *base, size_t stride, const column *cols, size_t ncols)
{
  const char *b  = base;
  size_t      mx = 1;
  for (size_t k = 0; k < ncols; k++)
    if (cols[k].kind == COL_VEC && cols[k].len > mx) mx = cols[k].len;
  double *dv = malloc((n ? n : 1) * mx * sizeof *dv);
  int    *iv = malloc((n ? n : 1) * sizeof *iv);
  if (!dv || !iv) fail(c, "out of memory in %s", c->where);
  for (size_t k = 0; !c->failed && k < ncols; k++) {
    const column *col  = &cols[k];
    hsize_t       d[2] = {n, col->len};
    switch (col->kind) {
    case COL_STR: write_strings(c, g, col->name, 0, n, n ? b + col->off : NULL, stride, col->len); break;
    case COL_INT:
      gather_int(iv, n, b, stride, col->off);
      write_int(c, g, col->name, 0, 1, d, iv);
      break;
    case COL_DBL:
      gather_double(dv, n, b, stride, col->off);
      write_double(c, g, col->name, 0, 1, d, dv);
      break;
    case COL_VEC:
      for (size_t i = 0; i < n; i++) memcpy(dv + i * col->len, b + i * stride + col->off, col->len * sizeof *dv);
      write_double(c, g, col->name, 0, 2, d, dv);
      if (!c->failed && col->levels) {
        hid_t   ds = H5Dopen2(g, col->name, H5P_DEFAULT);
        hsize_t lv[1] = {col->len};
        if (ds < 0) fail(c, "cannot reopen dataset '%s' in %s", col->name, c->where);
        else {
          write_double(c, ds, "levels", 1, 1, lv, col->levels);
          H5Dclose(ds);
        }
      }
      break;
    }
  }
  free(dv);
  free(iv);
  return c->failed ? -1 : 0;
}

/** /summary: one 1-D column per field, one row per (sorted) result. */
static int write_summary(wctx *c, hid_t file, int n, const hc_result *r)
{
  hc_strlcpy(c->where, "/summary", sizeof c->where);
  hid_t g = make_group(c, file, "summary");
  if (g < 0) return -1;
  size_t N = (size_t)n, S = sizeof *r;
  const char *b = (const char *)r; /* only dereferenced when n > 0 */
  hsize_t dims[1] = {N};
  double *dv = malloc((N ? N : 1) * sizeof *dv);
  char (*status)[16] = malloc((N ? N : 1) * sizeof *status);
  if (!dv || !status) fail(c, "out of memory in /summary");
  for (size_t i = 0; !c->failed && i < N; i++) hc_strlcpy(status[i], hc_status_name(r[i].status), 16);

  static const column cols[] = {
    {"ticker", COL_STR, offsetof(hc_result, ticker), HC_NAME_LEN, NULL},
    {"reason", COL_STR, offsetof(hc_result, reason), HC_REASON_LEN, NULL},
    {"first_date", COL_STR, offsetof(hc_result, first_date), HC_LABEL_LEN, NULL},
    {"last_date", COL_STR, offsetof(hc_result, last_date), HC_LABEL_LEN, NULL},
    {"mean_model", COL_STR, offsetof(hc_result, mean_model), HC_MODEL_LEN, NULL},
    {"vol_model", COL_STR, offsetof(hc_result, vol_model), HC_MODEL_LEN, NULL},
    {"n_obs", COL_INT, offsetof(hc_result, n_obs), 0, NULL},
    {"quality_score", COL_DBL, offsetof(hc_result, quality_score), 0, NULL},
    {"loglik", COL_DBL, offsetof(hc_result, loglik), 0, NULL},
    {"aic", COL_DBL, offsetof(hc_result, aic), 0, NULL},
    {"bic", COL_DBL, offsetof(hc_result, bic), 0, NULL},
    {"ljung_box_p", COL_DBL, offsetof(hc_result, lb_p), 0, NULL},
    {"mcleod_li_p", COL_DBL, offsetof(hc_result, ml_p), 0, NULL},
    {"jarque_bera_p", COL_DBL, offsetof(hc_result, jb_p), 0, NULL},
    /* schema 2: backtest, ensemble and trading evaluation */
    {"ensemble", COL_STR, offsetof(hc_result, ensemble), sizeof r->ensemble, NULL},
    {"backtest_origins", COL_INT, offsetof(hc_result, bt_origins), 0, NULL},
    {"backtest_reason", COL_STR, offsetof(hc_result, bt_reason), HC_REASON_LEN, NULL},
    {"calibration_score", COL_DBL, offsetof(hc_result, calibration_score), 0, NULL},
    {"crps_1", COL_DBL, offsetof(hc_result, crps_1), 0, NULL},
    {"coverage95_1", COL_DBL, offsetof(hc_result, coverage95_1), 0, NULL},
    {"pit_ks_1", COL_DBL, offsetof(hc_result, pit_ks_1), 0, NULL},
    {"model_uncertainty", COL_DBL, offsetof(hc_result, model_uncertainty), 0, NULL},
    {"data_uncertainty", COL_DBL, offsetof(hc_result, data_uncertainty), 0, NULL},
    {"parameter_stability", COL_DBL, offsetof(hc_result, parameter_stability), 0, NULL},
    {"sharpe", COL_DBL, offsetof(hc_result, trading) + offsetof(hc_trading_metrics, sharpe), 0, NULL},
    {"max_drawdown", COL_DBL, offsetof(hc_result, trading) + offsetof(hc_trading_metrics, max_drawdown), 0, NULL},
    {"regime", COL_STR, offsetof(hc_result, regime), sizeof r->regime, NULL},
  };
  if (!c->failed) write_table(c, g, N, b, S, cols, sizeof cols / sizeof cols[0]);
  if (!c->failed) write_strings(c, g, "status", 0, N, N ? status[0] : NULL, sizeof status[0], 16);
  /* one-step-ahead forecast: h = 1, interval level index 1 (0.95) */
  static const char *fc_names[4] = {"mu_1", "sigma_1", "lo95_1", "hi95_1"};
  for (int k = 0; !c->failed && k < 4; k++) {
    for (size_t i = 0; i < N; i++) {
      int H = r[i].horizon;
      const double *a[4] = {r[i].mean, r[i].sd, r[i].lo, r[i].hi};
      dv[i] = fc_at(a[k], k < 2 ? 0 : 1, k < 2 ? H : H * HC_N_LEVELS);
    }
    write_double(c, g, fc_names[k], 0, 1, dims, dv);
  }
  free(dv);
  free(status);
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** /forecast: mean, sd [N x H]; lo, hi [N x H x HC_N_LEVELS]; ticker [N]; H = max horizon. */
static int write_forecast(wctx *c, hid_t file, int n, const hc_result *r)
{
  hc_strlcpy(c->where, "/forecast", sizeof c->where);
  int H = 0;
  for (int i = 0; i < n; i++)
    if (r[i].horizon > H) H = r[i].horizon;
  hid_t g = make_group(c, file, "forecast");
  if (g < 0) return -1;
  size_t N = (size_t)n, L = HC_N_LEVELS, cells = N * (size_t)H * L;
  double *buf = malloc((cells ? cells : 1) * sizeof *buf);
  if (!buf) fail(c, "out of memory in /forecast");
  if (!c->failed) write_int(c, g, "horizon", 1, 0, NULL, &H);
  if (!c->failed) write_strings(c, g, "ticker", 0, N, N ? r[0].ticker : NULL, sizeof *r, HC_NAME_LEN);
  hsize_t lv[1] = {HC_N_LEVELS};
  for (int k = 0; !c->failed && k < 4; k++) {
    static const char *names[4] = {"mean", "sd", "lo", "hi"};
    size_t per = k < 2 ? (size_t)H : (size_t)H * L; /* values per ticker */
    for (size_t i = 0; i < N; i++) {
      const double *a[4] = {r[i].mean, r[i].sd, r[i].lo, r[i].hi};
      int len = k < 2 ? r[i].horizon : r[i].horizon * HC_N_LEVELS;
      for (size_t j = 0; j < per; j++) buf[i * per + j] = fc_at(a[k], (int)j, len);
    }
    hsize_t dims[3] = {N, (hsize_t)H, L};
    write_double(c, g, names[k], 0, k < 2 ? 2 : 3, dims, buf);
    if (k >= 2 && !c->failed) { /* the levels of the last axis */
      hid_t d = H5Dopen2(g, names[k], H5P_DEFAULT);
      if (d < 0) fail(c, "cannot reopen dataset '%s' in /forecast", names[k]);
      else {
        write_double(c, d, "levels", 1, 1, lv, hc_interval_levels);
        H5Dclose(d);
      }
    }
  }
  free(buf);
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** /fits/<ticker>/<fit name>: one group per fit record. */
static int write_fit(wctx *c, hid_t tg, const char *ticker, const hc_fit_record *f)
{
  snprintf(c->where, sizeof c->where, "/fits/%s/%s", ticker, f->name);
  hid_t g = make_group(c, tg, f->name);
  if (g < 0) return -1;
  int np = f->n_params < 0 ? 0 : (f->n_params > HC_MAX_PARAMS ? HC_MAX_PARAMS : f->n_params);
  hsize_t dims[1] = {(hsize_t)np};
  write_double(c, g, "params", 0, 1, dims, f->params);
  write_double(c, g, "stderr", 0, 1, dims, f->stderr_);
  if (!c->failed) write_strings(c, g, "param_names", 1, (size_t)np, f->param_names[0], HC_PNAME_LEN, HC_PNAME_LEN);
  if (!c->failed) write_double(c, g, "loglik", 1, 0, NULL, &f->loglik);
  if (!c->failed) write_double(c, g, "aic", 1, 0, NULL, &f->aic);
  if (!c->failed) write_double(c, g, "bic", 1, 0, NULL, &f->bic);
  if (!c->failed) write_int(c, g, "converged", 1, 0, NULL, &f->converged);
  if (!c->failed) write_int(c, g, "tao_reason", 1, 0, NULL, &f->tao_reason);
  if (!c->failed) write_int(c, g, "iterations", 1, 0, NULL, &f->iterations);
  if (!c->failed) write_int(c, g, "n_obs", 1, 0, NULL, &f->n_obs_used);
  if (!c->failed) write_str_attr(c, g, "mean_model", f->mean_model);
  if (!c->failed) write_str_attr(c, g, "vol_model", f->vol_model);
  if (!c->failed) write_str_attr(c, g, "stderr_type", f->stderr_type);
  if (!c->failed) write_double(c, g, "persistence", 1, 0, NULL, &f->persistence);
  if (!c->failed) write_double(c, g, "half_life", 1, 0, NULL, &f->half_life);
  if (!c->failed) write_double(c, g, "uncond_var", 1, 0, NULL, &f->uncond_var);
  if (!c->failed) write_str_attr(c, g, "status", hc_status_name((hc_status)f->status));
  if (!c->failed) write_str_attr(c, g, "reason", f->reason);
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** /fits: a group per ticker holding its fits and the `selected` soft link. */
static int write_fits(wctx *c, hid_t file, int n, const hc_result *r)
{
  hc_strlcpy(c->where, "/fits", sizeof c->where);
  hid_t g = make_group(c, file, "fits");
  if (g < 0) return -1;
  for (int i = 0; !c->failed && i < n; i++) {
    snprintf(c->where, sizeof c->where, "/fits");
    hid_t tg = make_group(c, g, r[i].ticker);
    if (tg < 0) break;
    for (int j = 0; !c->failed && j < r[i].n_fits; j++) write_fit(c, tg, r[i].ticker, &r[i].fits[j]);
    if (!c->failed && r[i].selected >= r[i].n_fits)
      fail(c, "ticker '%s': selected fit %d out of range (%d fits)", r[i].ticker, r[i].selected, r[i].n_fits);
    if (!c->failed && r[i].selected >= 0) {
      char target[HC_PATH_LEN];
      snprintf(target, sizeof target, "/fits/%s/%s", r[i].ticker, r[i].fits[r[i].selected].name);
      if (H5Lcreate_soft(target, tg, "selected", H5P_DEFAULT, H5P_DEFAULT) < 0)
        fail(c, "cannot create soft link /fits/%s/selected", r[i].ticker);
    }
    close_group(c, tg);
  }
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** /perf: one row per rank. */
static int write_perf(wctx *c, hid_t file, int n, const hc_perf *p)
{
  hc_strlcpy(c->where, "/perf", sizeof c->where);
  hid_t g = make_group(c, file, "perf");
  if (g < 0) return -1;
  size_t N = (size_t)n, S = sizeof *p;
  static const column cols[] = {
    {"rank", COL_INT, offsetof(hc_perf, rank), 0, NULL},
    {"n_tickers", COL_INT, offsetof(hc_perf, n_tickers), 0, NULL},
    {"n_fits", COL_INT, offsetof(hc_perf, n_fits), 0, NULL},
    {"wall_s", COL_DBL, offsetof(hc_perf, wall_s), 0, NULL},
    {"fit_s", COL_DBL, offsetof(hc_perf, fit_s), 0, NULL},
    {"io_s", COL_DBL, offsetof(hc_perf, io_s), 0, NULL},
    {"peak_rss_mb", COL_DBL, offsetof(hc_perf, peak_rss_mb), 0, NULL},
    {"busy_s", COL_DBL, offsetof(hc_perf, busy_s), 0, NULL},
    {"n_units", COL_INT, offsetof(hc_perf, n_units), 0, NULL},
  };
  write_table(c, g, N, p, S, cols, sizeof cols / sizeof cols[0]);
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** A row of a per-ticker table: the ticker and a pointer to the record. */
typedef struct {
  char ticker[HC_NAME_LEN];
  char model[HC_MODEL_LEN];
  union {
    hc_score_row       score;
    hc_trading_metrics trading;
    double             w[HC_N_SCHEMES];
  } u;
} ticker_row;

#define ROW_OFF(type, field) (offsetof(ticker_row, u) + offsetof(type, field))

/**
 * /backtest (schema 2): scores [one row per ticker, forecaster, horizon], weights [one row per
 * ticker and live-ensemble member, a column per scheme], trading [one row per backtested ticker]
 * and portfolio (the equal-weight universe portfolio, one row).
 */
static int write_backtest(wctx *c, hid_t file, int n, const hc_result *r, const hc_trading_metrics *portfolio)
{
  hc_strlcpy(c->where, "/backtest", sizeof c->where);
  hid_t g = make_group(c, file, "backtest");
  if (g < 0) return -1;
  size_t ns = 0, nw = 0, nt = 0;
  for (int i = 0; i < n; i++) {
    ns += (size_t)r[i].n_scores;
    nw += (size_t)r[i].n_members;
    nt += r[i].bt_origins > 0;
  }
  size_t      cap  = ns > nw ? ns : nw;
  ticker_row *rows = calloc((cap > nt ? cap : nt) + 1, sizeof *rows);
  if (!rows) fail(c, "out of memory in /backtest");
  static const column score_cols[] = {
    {"ticker", COL_STR, offsetof(ticker_row, ticker), HC_NAME_LEN, NULL},
    {"model", COL_STR, ROW_OFF(hc_score_row, model), HC_MODEL_LEN, NULL},
    {"horizon", COL_INT, ROW_OFF(hc_score_row, horizon), 0, NULL},
    {"n", COL_INT, ROW_OFF(hc_score_row, n), 0, NULL},
    {"rmse", COL_DBL, ROW_OFF(hc_score_row, rmse), 0, NULL},
    {"mae", COL_DBL, ROW_OFF(hc_score_row, mae), 0, NULL},
    {"mase", COL_DBL, ROW_OFF(hc_score_row, mase), 0, NULL},
    {"hit_rate", COL_DBL, ROW_OFF(hc_score_row, hit_rate), 0, NULL},
    {"coverage", COL_VEC, ROW_OFF(hc_score_row, coverage), HC_N_COVER, hc_cover_levels},
    {"msis", COL_DBL, ROW_OFF(hc_score_row, msis), 0, NULL},
    {"crps", COL_DBL, ROW_OFF(hc_score_row, crps), 0, NULL},
    {"log_score", COL_DBL, ROW_OFF(hc_score_row, log_score), 0, NULL},
    {"pinball", COL_VEC, ROW_OFF(hc_score_row, pinball), HC_N_PINBALL, hc_pinball_levels},
    {"pit_hist", COL_VEC, ROW_OFF(hc_score_row, pit), HC_N_PIT_BINS, NULL},
    {"pit_ks", COL_DBL, ROW_OFF(hc_score_row, pit_ks), 0, NULL},
    {"calibration_score", COL_DBL, ROW_OFF(hc_score_row, calibration_score), 0, NULL},
  };
  static const column trading_cols[] = {
    {"ticker", COL_STR, offsetof(ticker_row, ticker), HC_NAME_LEN, NULL},
    {"n", COL_INT, ROW_OFF(hc_trading_metrics, n), 0, NULL},
    {"cum_return", COL_DBL, ROW_OFF(hc_trading_metrics, cum_return), 0, NULL},
    {"sharpe", COL_DBL, ROW_OFF(hc_trading_metrics, sharpe), 0, NULL},
    {"sortino", COL_DBL, ROW_OFF(hc_trading_metrics, sortino), 0, NULL},
    {"calmar", COL_DBL, ROW_OFF(hc_trading_metrics, calmar), 0, NULL},
    {"max_drawdown", COL_DBL, ROW_OFF(hc_trading_metrics, max_drawdown), 0, NULL},
    {"hit_rate", COL_DBL, ROW_OFF(hc_trading_metrics, hit_rate), 0, NULL},
    {"profit_factor", COL_DBL, ROW_OFF(hc_trading_metrics, profit_factor), 0, NULL},
    {"turnover", COL_DBL, ROW_OFF(hc_trading_metrics, turnover), 0, NULL},
  };
  static const char *scheme_names[HC_N_SCHEMES] = {"equal", "invmse", "akaike", "stacking"};
  column weight_cols[2 + HC_N_SCHEMES] = {
    {"ticker", COL_STR, offsetof(ticker_row, ticker), HC_NAME_LEN, NULL},
    {"member", COL_STR, offsetof(ticker_row, model), HC_MODEL_LEN, NULL},
  };
  for (int s = 0; s < HC_N_SCHEMES; s++)
    weight_cols[2 + s] = (column){scheme_names[s], COL_DBL, offsetof(ticker_row, u) + (size_t)s * sizeof(double), 0, NULL};

  const char *names[3] = {"scores", "weights", "trading"};
  for (int t = 0; !c->failed && t < 3; t++) {
    size_t m = 0;
    for (int i = 0; i < n; i++) {
      if (t == 0)
        for (int j = 0; j < r[i].n_scores; j++, m++) {
          hc_strlcpy(rows[m].ticker, r[i].ticker, HC_NAME_LEN);
          rows[m].u.score = r[i].scores[j];
        }
      else if (t == 1)
        for (int j = 0; j < r[i].n_members; j++, m++) {
          hc_strlcpy(rows[m].ticker, r[i].ticker, HC_NAME_LEN);
          hc_strlcpy(rows[m].model, r[i].member[j], HC_MODEL_LEN);
          for (int s = 0; s < HC_N_SCHEMES; s++) rows[m].u.w[s] = r[i].weights[(size_t)s * r[i].n_members + j];
        }
      else if (r[i].bt_origins > 0) {
        hc_strlcpy(rows[m].ticker, r[i].ticker, HC_NAME_LEN);
        rows[m++].u.trading = r[i].trading;
      }
    }
    snprintf(c->where, sizeof c->where, "/backtest/%s", names[t]);
    hid_t tg = make_group(c, g, names[t]);
    if (tg < 0) break;
    if (t == 0) write_table(c, tg, m, rows, sizeof *rows, score_cols, sizeof score_cols / sizeof score_cols[0]);
    else if (t == 1) write_table(c, tg, m, rows, sizeof *rows, weight_cols, 2 + HC_N_SCHEMES);
    else write_table(c, tg, m, rows, sizeof *rows, trading_cols, sizeof trading_cols / sizeof trading_cols[0]);
    close_group(c, tg);
  }
  if (!c->failed) { /* the universe portfolio: the trading columns without the ticker, one row */
    hc_strlcpy(c->where, "/backtest/portfolio", sizeof c->where);
    hid_t pg = make_group(c, g, "portfolio");
    memset(rows, 0, sizeof *rows);
    hc_strlcpy(rows[0].ticker, "portfolio", HC_NAME_LEN);
    if (portfolio) rows[0].u.trading = *portfolio;
    else hc_strlcpy(rows[0].ticker, "", HC_NAME_LEN);
    if (pg >= 0) {
      write_table(c, pg, portfolio ? 1 : 0, rows, sizeof *rows, trading_cols + 1, sizeof trading_cols / sizeof trading_cols[0] - 1);
      close_group(c, pg);
    }
  }
  free(rows);
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** Member forecasts of the live ensemble: /fits/<ticker>/<member>/forecast_mean, forecast_sd [H]. */
static int write_member_forecasts(wctx *c, hid_t file, const hc_result *r)
{
  hsize_t d[1] = {(hsize_t)r->horizon};
  for (int j = 0; !c->failed && j < r->n_members; j++) {
    snprintf(c->where, sizeof c->where, "/fits/%s/%s", r->ticker, r->member[j]);
    hid_t g = H5Gopen2(file, c->where, H5P_DEFAULT);
    if (g < 0) return fail(c, "ensemble member '%s' of '%s' has no fit record", r->member[j], r->ticker);
    write_double(c, g, "forecast_mean", 0, 1, d, r->member_mean + (size_t)j * r->horizon);
    write_double(c, g, "forecast_sd", 0, 1, d, r->member_sd + (size_t)j * r->horizon);
    close_group(c, g);
  }
  return c->failed ? -1 : 0;
}

/** /units: one row per work unit (a block of a ticker's specs, or its owner's step). */
typedef struct {
  char        ticker[HC_NAME_LEN];
  int         n_obs;
  hc_unit_row u;
} unit_row;

static int write_units(wctx *c, hid_t file, int n, const hc_result *r)
{
  hc_strlcpy(c->where, "/units", sizeof c->where);
  hid_t g = make_group(c, file, "units");
  if (g < 0) return -1;
  size_t m = 0;
  for (int i = 0; i < n; i++) m += (size_t)r[i].n_units;
  unit_row *rows = calloc(m + 1, sizeof *rows);
  if (!rows) fail(c, "out of memory in /units");
  for (int i = 0, k = 0; rows && i < n; i++)
    for (int j = 0; j < r[i].n_units; j++, k++) {
      hc_strlcpy(rows[k].ticker, r[i].ticker, HC_NAME_LEN);
      rows[k].n_obs = r[i].n_obs;
      rows[k].u     = r[i].units[j];
    }
#define UOFF(f) (offsetof(unit_row, u) + offsetof(hc_unit_row, f))
  static const column cols[] = {
    {"ticker", COL_STR, offsetof(unit_row, ticker), HC_NAME_LEN, NULL},
    {"block", COL_INT, UOFF(block), 0, NULL},
    {"n_obs", COL_INT, offsetof(unit_row, n_obs), 0, NULL},
    {"n_specs", COL_INT, UOFF(n_specs), 0, NULL},
    {"n_fits", COL_INT, UOFF(n_fits), 0, NULL},
    {"rank", COL_INT, UOFF(rank), 0, NULL},
    {"seconds", COL_DBL, UOFF(seconds), 0, NULL},
    {"cost", COL_DBL, UOFF(cost), 0, NULL},
  };
#undef UOFF
  if (rows) write_table(c, g, m, rows, sizeof *rows, cols, sizeof cols / sizeof cols[0]);
  free(rows);
  close_group(c, g);
  return c->failed ? -1 : 0;
}

/** Root attributes: provenance of the run. */
static int write_root_attrs(wctx *c, hid_t file, const hc_report_meta *meta)
{
  hc_strlcpy(c->where, "/", sizeof c->where);
  int version = SCHEMA_VERSION, n_ranks = meta ? meta->n_ranks : 0;
  char stamp[32];
  time_t now = time(NULL);
  struct tm tm;
  if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm))
    return fail(c, "cannot format the creation time");
  write_int(c, file, "schema_version", 1, 0, NULL, &version);
  if (!c->failed) write_str_attr(c, file, "hpcast_version", meta ? meta->hpcast_version : NULL);
  if (!c->failed) write_str_attr(c, file, "created_utc", stamp);
  if (!c->failed) write_int(c, file, "n_ranks", 1, 0, NULL, &n_ranks);
  if (!c->failed) write_str_attr(c, file, "options", meta ? meta->options : NULL);
  if (!c->failed) write_str_attr(c, file, "schedule", meta && meta->schedule ? meta->schedule : "");
  return c->failed ? -1 : 0;
}

/** Directory part of path ("." if none) into dir[len]. */
static void parent_dir(const char *path, char *dir, size_t len)
{
  const char *slash = strrchr(path, '/');
  if (!slash) hc_strlcpy(dir, ".", len);
  else if (slash == path) hc_strlcpy(dir, "/", len);
  else {
    size_t n = (size_t)(slash - path) + 1;
    hc_strlcpy(dir, path, n < len ? n : len);
  }
}

/** mkdir -p dir. @return 0 or -1 with errno set. */
static int make_dirs(const char *dir)
{
  char buf[HC_PATH_LEN];
  hc_strlcpy(buf, dir, sizeof buf);
  for (char *p = buf + 1; ; p++) {
    if (*p == '/' || *p == '\0') {
      char save = *p;
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
      *p = save;
      if (save == '\0') break;
    }
  }
  struct stat st;
  if (stat(dir, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

/** open + fsync + close of a file or directory. @return 0 or -1 with errno set. */
static int fsync_path(const char *p, int flags)
{
  int fd = open(p, flags);
  if (fd < 0) return -1;
  if (fsync(fd) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return close(fd);
}

static int result_cmp(const void *a, const void *b)
{
  return strcmp(((const hc_result *)a)->ticker, ((const hc_result *)b)->ticker);
}

/**
 * Write the report, schema_version 1 (docs/report-schema.md), atomically.
 *
 * results[0..n-1] are sorted in place by ticker (strcmp) and written as the rows
 * of /summary and /forecast and as the groups of /fits; perf[0..n_perf-1] are the
 * rows of /perf. The forecast tables have H = the largest result horizon (equal
 * horizons are expected; shorter or missing forecast arrays read as NaN); with
 * n == 0 they are written with shape [0 x 0] and [0 x 0 x 2].
 * The file is written to `<path>.tmp.<pid>`, flushed and closed, fsync'd, renamed
 * over `path`, and the directory is fsync'd; the parent directory is created
 * (mkdir -p) if needed. Not collective: call on one rank only. Silences the HDF5
 * automatic error printing while it runs (and restores it): every HDF5 error is
 * reported through err instead.
 *
 * @return 0; -1 with err ("report '<path>': ...") on any failure: duplicate
 *         ticker or fit name, selected index >= n_fits, HDF5 or file-system error.
 *         The temporary file is removed (the previous report, if any, is left as is).
 */
int hc_io_report_write(const char *path, const hc_report_meta *meta, int n, hc_result *results,
                       int n_perf, const hc_perf *perf, char *err, size_t errlen)
{
  wctx c = {.path = path ? path : "", .err = err, .errlen = errlen};
  char tmp[HC_PATH_LEN + 32], dir[HC_PATH_LEN];
  if (err && errlen) err[0] = '\0';
  if (!path || !*path) return fail(&c, "no path given");
  if (n < 0 || n_perf < 0 || (n > 0 && !results) || (n_perf > 0 && !perf))
    return fail(&c, "invalid arguments (n = %d, n_perf = %d)", n, n_perf);
  if (strlen(path) >= HC_PATH_LEN) return fail(&c, "path too long");
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  parent_dir(path, dir, sizeof dir);
  if (make_dirs(dir) != 0) return fail(&c, "cannot create directory '%s': %s", dir, strerror(errno));
  if (n > 1) qsort(results, (size_t)n, sizeof *results, result_cmp);

  H5E_auto2_t old_func;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

  const double t_write = hc_time_wall();
  hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) fail(&c, "cannot create temporary file '%s'", tmp);
  else {
    write_root_attrs(&c, file, meta);
    if (!c.failed) write_summary(&c, file, n, results);
    if (!c.failed) write_forecast(&c, file, n, results);
    if (!c.failed) write_fits(&c, file, n, results);
    for (int i = 0; !c.failed && i < n; i++) write_member_forecasts(&c, file, &results[i]);
    if (!c.failed) write_backtest(&c, file, n, results, meta ? meta->portfolio : NULL);
    if (!c.failed) write_units(&c, file, n, results);
    if (!c.failed && n_perf > 0) { /* rank 0's io_s and wall_s include this write, up to /perf itself */
      hc_perf *p = malloc(sizeof *p * (size_t)n_perf);
      if (!p) fail(&c, "out of memory in /perf");
      else {
        double dt = hc_time_wall() - t_write;
        memcpy(p, perf, sizeof *p * (size_t)n_perf);
        p[0].io_s += dt;
        p[0].wall_s += dt;
        write_perf(&c, file, n_perf, p);
        free(p);
      }
    } else if (!c.failed) write_perf(&c, file, n_perf, perf);
    if (!c.failed && H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) fail(&c, "cannot flush '%s'", tmp);
    /* every object is closed above, so H5Fclose really closes the file */
    if (H5Fclose(file) < 0) fail(&c, "cannot close '%s'", tmp);
  }
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);

  if (!c.failed && fsync_path(tmp, O_RDONLY) != 0) fail(&c, "cannot fsync '%s': %s", tmp, strerror(errno));
  if (!c.failed && rename(tmp, path) != 0) fail(&c, "cannot rename '%s': %s", tmp, strerror(errno));
  if (c.failed) {
    unlink(tmp);
    return -1;
  }
  if (fsync_path(dir, O_RDONLY | O_DIRECTORY) != 0)
    return fail(&c, "published, but cannot fsync directory '%s': %s", dir, strerror(errno));
  return 0;
}

int hc_io_report_clean_stale(const char *path)
{
  char        dir[HC_PATH_LEN], prefix[HC_PATH_LEN + 8];
  const char *base = strrchr(path, '/');
  int         removed = 0;
  parent_dir(path, dir, sizeof dir);
  snprintf(prefix, sizeof prefix, "%s.tmp.", base ? base + 1 : path);
  DIR *d = opendir(dir);
  if (!d) return 0;
  for (struct dirent *e; (e = readdir(d));) {
    const char *pid = e->d_name + strlen(prefix);
    if (strncmp(e->d_name, prefix, strlen(prefix)) || !*pid || strspn(pid, "0123456789") != strlen(pid)) continue;
    char full[2 * HC_PATH_LEN + 2];
    snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
    removed += unlink(full) == 0;
  }
  closedir(d);
  return removed;
}
