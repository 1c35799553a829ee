/**
 * @file report.c
 * @brief HDF5 report writer of hpcast, schema_version 5 (docs/report-schema.md).
 *
 * Serial HDF5 1.10 C API; only rank 0 calls it. The file is in HDF5 1.8's format with a small
 * fixed metadata cache (report_fapl).
 * A report is written in three steps, so that a run can write most of it while it goes on:
 * hc_io_report_add, per record in any order (as records arrive), measures every table (rows,
 * string widths, horizon, parameters per fit); hc_io_report_tables then takes
 * the records once more, in ticker order (from the run's journal), and writes the tables in
 * hyperslabs of at most CHUNK rows, so memory does not grow with the number of tickers;
 * hc_io_report_finish writes the universe portfolio and /perf. The file is written under a
 * temporary name and published with rename(2) so a reader (the live trader) sees either the
 * previous report or the new one; its pages are written back during the tables pass
 * (start_writeback) so that the fsync before the rename has little left to write.
 */
#define _GNU_SOURCE /* sync_file_range */
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
#include "report_layout.h"

#define SCHEMA_VERSION 6

/** String widths whose HDF5 type a writer keeps (every field of a record is narrower). */
enum { STR_CACHE = HC_REASON_LEN };

/**
 * Write context: the first failure is recorded in err, later ones are ignored. It keeps the
 * scalar dataspace and the string types it has used (0: not created yet; closed by
 * wctx_release), one of each for all the attributes of the report.
 */
typedef struct {
  const char *path;    /**< final report path, named in every message */
  char       *err;
  size_t      errlen;
  int         failed;
  char        where[HC_PATH_LEN]; /**< HDF5 group being written, for messages */
  hid_t       scalar;             /**< scalar dataspace */
  int         fd;                 /**< the file's descriptor (start_writeback), or -1 */
  hid_t       str[STR_CACHE];     /**< str[w - 1]: fixed-length string type of width w */
} wctx;

/* The system error under the last failed HDF5 call of the writer (full disk, quota, I/O error):
 * HDF5's file driver writes it into its message ("..., errno = 28, error message = 'No space left
 * on device', ..."), and the error stack is cleared by the next API call, so the automatic error
 * function that quiet() installs (h5_failed) keeps it here until fail() reports it. */
static int h5_sys_errno;

/* H5Ewalk2 visitor: the innermost "errno = N" of the stack into *data. */
static herr_t driver_errno(unsigned n, const H5E_error2_t *e, void *data)
{
  const char *p = e->desc ? strstr(e->desc, "errno = ") : NULL;
  (void)n;
  if (p && !*(int *)data) *(int *)data = atoi(p + 8);
  return 0;
}

/* HDF5's automatic error function while the writer runs: print nothing, keep the system error. */
static herr_t h5_failed(hid_t stack, void *data)
{
  int sys = 0;
  (void)data;
  H5Ewalk2(stack, H5E_WALK_UPWARD, driver_errno, &sys);
  if (sys > 0) h5_sys_errno = sys;
  return 0;
}

static int fail(wctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(wctx *c, const char *fmt, ...)
{
  if (!c->failed && c->err && c->errlen > 0) {
    char msg[HC_PATH_LEN];
    int  sys = 0; /* a system error under the failed HDF5 call (full disk, quota, I/O error) */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sys          = h5_sys_errno;
    h5_sys_errno = 0;
    snprintf(c->err, c->errlen, "report '%s': %s%s%s", c->path, msg, sys > 0 ? ": " : "", sys > 0 ? strerror(sys) : "");
  }
  c->failed = 1;
  return -1;
}

/** Fixed-length, NUL-padded ASCII string type of `width` bytes (at least 1), or -1. Widths up
 * to STR_CACHE are kept in c (do not close them); give a wider one back with str_type_put. */
static hid_t str_type(wctx *c, size_t width)
{
  if (width == 0) width = 1;
  if (width <= STR_CACHE && c->str[width - 1] > 0) return c->str[width - 1];
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return -1;
  if (H5Tset_size(t, width) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 || H5Tset_cset(t, H5T_CSET_ASCII) < 0) {
    H5Tclose(t);
    return -1;
  }
  if (width <= STR_CACHE) c->str[width - 1] = t;
  return t;
}

/** Release a type of str_type (closes it unless c keeps it). */
static void str_type_put(hid_t t, size_t width)
{
  if (t >= 0 && width > STR_CACHE) H5Tclose(t);
}

/** The scalar dataspace kept in c, or -1. */
static hid_t scalar_space(wctx *c)
{
  if (c->scalar <= 0) c->scalar = H5Screate(H5S_SCALAR);
  return c->scalar;
}

/**
 * Every HC_REPORT_WRITEBACK_RECORDS records of the tables pass, start writing the report's
 * dirty pages to storage: sync_file_range(2) with SYNC_FILE_RANGE_WRITE queues the writes and
 * returns. Otherwise the tables (GBs at 100,000 tickers) stay
 * dirty (the kernel writes back after 30 s, or above a tenth of memory) until the fsync that
 * publishes the report, which then writes them all after the tables. scaling/bench_report,
 * 100,000 tickers: finish 0.24-1.19 s -> 0.08 s. (Not in the add phase, where the kernel's own
 * write-back keeps up.) Failures are ignored: the fsync reports them.
 */
enum { HC_REPORT_WRITEBACK_RECORDS = 1024 };
static void start_writeback(const wctx *c, int i)
{
  if (c->fd >= 0 && i % HC_REPORT_WRITEBACK_RECORDS == HC_REPORT_WRITEBACK_RECORDS - 1)
    (void)sync_file_range(c->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

/** Close the dataspace, types and properties kept in c. */
static void wctx_release(wctx *c)
{
  if (c->scalar > 0) H5Sclose(c->scalar);
  c->scalar = 0;
  for (size_t w = 0; w < STR_CACHE; w++) {
    if (c->str[w] > 0) H5Tclose(c->str[w]);
    c->str[w] = 0;
  }
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
  hid_t sp = rank ? H5Screate_simple(rank, dims, NULL) : scalar_space(c);
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
  if (rank && sp >= 0) H5Sclose(sp);
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
  hid_t t = str_type(c, w);
  hsize_t dims[1] = {n};
  int rc = t < 0 ? fail(c, "cannot create string type for '%s' in %s", name, c->where)
                 : write_obj(c, loc, name, is_attr, t, t, 1, dims, buf);
  str_type_put(t, w);
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
  hid_t t = str_type(c, w);
  int rc = t < 0 ? fail(c, "cannot create string type for '%s' in %s", name, c->where)
                 : write_obj(c, loc, name, 1, t, t, 0, NULL, buf);
  str_type_put(t, w);
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

/** Value of forecast array a[k] of result r, or NaN if the result has no such entry. */
static double fc_at(const double *a, int k, int len)
{
  return (a && k < len) ? a[k] : NAN;
}

/* ---- columnar tables written in chunks of rows ---- */

#define CHUNK    4096 /**< rows buffered per table before they are written as one hyperslab */


/**
 * A table (an HDF5 group with one dataset per column) filled row by row in two phases. Measure
 * (buf == NULL; hc_io_report_add): table_add counts the rows and the string widths. Write (after table_create,
 * which creates every dataset with the measured shape): table_add buffers up to CHUNK rows and
 * writes them into row range [done, done + CHUNK) of every column; table_close writes the rest
 * and checks that the write phase got exactly the measured rows.
 */
typedef struct {
  const char   *name; /**< group path, for messages */
  const column *cols;
  size_t        ncols;
  size_t        stride; /**< bytes per row */
  size_t        rows;   /**< measured rows */
  size_t        width[HC_REPORT_MAX_COLS];
  size_t        done, nbuf; /**< write phase: rows written, rows buffered */
  char         *buf;        /**< [CHUNK rows] */
  char         *col;        /**< one column of CHUNK rows, gathered for H5Dwrite */
  hid_t         ds[HC_REPORT_MAX_COLS];
} table;

static void table_init(table *t, const char *name, const column *cols, size_t ncols, size_t stride)
{
  memset(t, 0, sizeof *t);
  t->name   = name;
  t->cols   = cols;
  t->ncols  = ncols;
  t->stride = stride;
  for (size_t k = 0; k < HC_REPORT_MAX_COLS; k++) {
    t->width[k] = 1; /* a string column is at least 1 byte wide */
    t->ds[k]    = -1;
  }
}

/** Write rows [done, done + nbuf) of every column from the buffer. */
static int table_flush(wctx *c, table *t)
{
  hc_strlcpy(c->where, t->name, sizeof c->where);
  for (size_t k = 0; !c->failed && t->nbuf && k < t->ncols; k++) {
    const column *col = &t->cols[k];
    const char   *row = t->buf + col->off;
    hsize_t       start[3] = {t->done, 0, 0}, count[3] = {t->nbuf, col->len, col->len2};
    int           rank = col->kind != COL_VEC ? 1 : col->len2 ? 3 : 2;
    hid_t         mt = col->kind == COL_INT ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE, st = -1;
    size_t        per = col->kind == COL_VEC ? vec_values(col) : 1;
    if (per == 0) continue; /* [rows x 0]: nothing to write */
    switch (col->kind) {
    case COL_STR:
      memset(t->col, 0, t->nbuf * t->width[k]);
      for (size_t i = 0; i < t->nbuf; i++, row += t->stride) memcpy(t->col + i * t->width[k], row, strnlen(row, col->len));
      mt = st = str_type(c, t->width[k]);
      if (st < 0) return fail(c, "cannot create string type for '%s' in %s", col->name, t->name);
      break;
    case COL_INT:
      for (size_t i = 0; i < t->nbuf; i++, row += t->stride) memcpy((int *)t->col + i, row, sizeof(int));
      break;
    case COL_DBL:
    case COL_VEC:
      for (size_t i = 0; i < t->nbuf; i++, row += t->stride) memcpy((double *)t->col + i * per, row, per * sizeof(double));
      break;
    }
    hid_t fs = H5Dget_space(t->ds[k]), ms = H5Screate_simple(rank, count, NULL);
    if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dwrite(t->ds[k], mt, ms, fs, H5P_DEFAULT, t->col) < 0)
      fail(c, "cannot write rows %zu..%zu of dataset '%s' in %s", t->done, t->done + t->nbuf - 1, col->name, t->name);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    if (col->kind == COL_STR) str_type_put(st, t->width[k]);
  }
  t->done += t->nbuf;
  t->nbuf = 0;
  return c->failed ? -1 : 0;
}

/** Add one row (stride bytes): measure it, or buffer it and write a full chunk. */
static int table_add(wctx *c, table *t, const void *row)
{
  const char *b = row;
  for (size_t k = 0; k < t->ncols; k++) {
    if (t->cols[k].kind != COL_STR) continue;
    size_t l = strnlen(b + t->cols[k].off, t->cols[k].len);
    if (!t->buf && l > t->width[k]) t->width[k] = l;
    else if (t->buf && l > t->width[k])
      return fail(c, "%s: a value of column '%s' is wider than when its record was added", t->name, t->cols[k].name);
  }
  if (!t->buf) {
    t->rows++;
    return 0;
  }
  if (t->done + t->nbuf >= t->rows) return fail(c, "%s: more rows than when the records were added", t->name);
  memcpy(t->buf + t->nbuf * t->stride, row, t->stride);
  return ++t->nbuf == CHUNK ? table_flush(c, t) : 0;
}

/** Create the datasets of t in group g with the measured shapes and start the write phase. */
static int table_create(wctx *c, table *t, hid_t g)
{
  size_t cell = sizeof(double); /* bytes per row of the widest column */
  hc_strlcpy(c->where, t->name, sizeof c->where);
  for (size_t k = 0; k < t->ncols; k++) {
    const column *col = &t->cols[k];
    size_t        b   = col->kind == COL_STR ? t->width[k] : col->kind == COL_VEC ? vec_values(col) * sizeof(double) : sizeof(double);
    cell              = b > cell ? b : cell;
  }
  size_t rows = t->rows < CHUNK ? t->rows : CHUNK;
  t->buf      = malloc((rows ? rows : 1) * t->stride);
  t->col      = malloc((rows ? rows : 1) * cell);
  if (!t->buf || !t->col) return fail(c, "out of memory in %s", t->name);
  for (size_t k = 0; !c->failed && k < t->ncols; k++) {
    const column *col     = &t->cols[k];
    hsize_t       dims[3] = {t->rows, col->len, col->len2};
    int           rank    = col->kind != COL_VEC ? 1 : col->len2 ? 3 : 2;
    hid_t         ft      = col->kind == COL_STR ? str_type(c, t->width[k]) : col->kind == COL_INT ? H5T_STD_I32LE : H5T_IEEE_F64LE;
    hid_t         sp      = H5Screate_simple(rank, dims, NULL);
    if (ft >= 0 && sp >= 0) t->ds[k] = H5Dcreate2(g, col->name, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (sp >= 0) H5Sclose(sp);
    if (col->kind == COL_STR) str_type_put(ft, t->width[k]);
    if (t->ds[k] < 0) return fail(c, "cannot create dataset '%s' in %s", col->name, t->name);
    if (col->kind == COL_VEC && col->levels) {
      hsize_t lv[1] = {col->len2 ? col->len2 : col->len};
      write_double(c, t->ds[k], "levels", 1, 1, lv, col->levels);
    }
  }
  return c->failed ? -1 : 0;
}

/** Write the buffered rows, check the row count, close the datasets and free the buffers. */
static int table_close(wctx *c, table *t)
{
  if (!c->failed && t->buf) table_flush(c, t);
  if (!c->failed && t->buf && t->done != t->rows)
    fail(c, "%s: %zu rows written, %zu when the records were added", t->name, t->done, t->rows);
  for (size_t k = 0; k < t->ncols; k++) {
    if (t->ds[k] >= 0 && H5Dclose(t->ds[k]) < 0) fail(c, "cannot close dataset '%s' in %s", t->cols[k].name, t->name);
    t->ds[k] = -1;
  }
  free(t->buf);
  free(t->col);
  t->buf = t->col = NULL;
  return c->failed ? -1 : 0;
}

/** Write n rows (base, stride bytes apart) at once as the table `name` in group g. */
static int write_table(wctx *c, hid_t g, const char *name, size_t n, const void *base, size_t stride, const column *cols,
                       size_t ncols)
{
  table t;
  table_init(&t, name, cols, ncols, stride);
  for (size_t i = 0; i < n; i++) table_add(c, &t, (const char *)base + i * stride);
  if (!c->failed) table_create(c, &t, g);
  for (size_t i = 0; !c->failed && i < n; i++) table_add(c, &t, (const char *)base + i * stride);
  return table_close(c, &t);
}


/** The per-ticker tables of the report, filled record by record in ticker order. */
enum { T_SUMMARY, T_FORECAST, T_SCORES, T_WEIGHTS, T_TRADING, T_ORIGINS, T_UNITS, T_FITS, N_TABLES };
typedef struct {
  table  t[N_TABLES];
  column fc_cols[5]; /**< /forecast: ticker, mean, sd [H], lo, hi [H x HC_N_LEVELS] */
  column ft_cols[HC_REPORT_MAX_COLS]; /**< /fits: hc_report_cols_fit, then params, stderr [P], forecast_mean, forecast_sd [H] */
  int    H;          /**< largest horizon */
  int    P;          /**< most parameters of a fit */
  char  *fc_row;     /**< one /forecast row: ticker, then mean, sd, lo, hi */
  char  *ft_row;     /**< one /fits row: fit_row, then params, stderr, forecast_mean, forecast_sd */
} tables;

/** Measure phase: every table but /forecast, which gets /summary's rows and H once known. */
static void tables_init(tables *T)
{
  memset(T, 0, sizeof *T);
  table_init(&T->t[T_FORECAST], "/forecast", T->fc_cols, 0, 0); /* defined by tables_forecast */
  table_init(&T->t[T_SUMMARY], "/summary", hc_report_cols_summary, hc_report_cols_summary_n, sizeof(summary_row));
  table_init(&T->t[T_SCORES], "/backtest/scores", hc_report_cols_score, hc_report_cols_score_n, sizeof(ticker_row));
  table_init(&T->t[T_WEIGHTS], "/backtest/weights", hc_report_cols_weight, hc_report_cols_weight_n, sizeof(ticker_row));
  table_init(&T->t[T_TRADING], "/backtest/trading", hc_report_cols_trading, hc_report_cols_trading_n, sizeof(ticker_row));
  table_init(&T->t[T_ORIGINS], "/backtest/origins", hc_report_cols_origin, hc_report_cols_origin_n, sizeof(origin_row));
  table_init(&T->t[T_UNITS], "/units", hc_report_cols_unit, hc_report_cols_unit_n, sizeof(unit_row));
  memcpy(T->ft_cols, hc_report_cols_fit, hc_report_cols_fit_n * sizeof *hc_report_cols_fit);
  table_init(&T->t[T_FITS], "/fits", T->ft_cols, hc_report_cols_fit_n, sizeof(fit_row)); /* the vectors: tables_fits */
}

/** After the measure phase: the /forecast table of horizon T->H. */
static int tables_forecast(wctx *c, tables *T)
{
  const size_t H = (size_t)T->H, L = HC_N_LEVELS, d = sizeof(double);
  T->fc_cols[0] = (column){"ticker", COL_STR, 0, HC_NAME_LEN, 0, NULL};
  T->fc_cols[1] = (column){"mean", COL_VEC, HC_NAME_LEN, H, 0, NULL};
  T->fc_cols[2] = (column){"sd", COL_VEC, HC_NAME_LEN + H * d, H, 0, NULL};
  T->fc_cols[3] = (column){"lo", COL_VEC, HC_NAME_LEN + 2 * H * d, H, L, hc_interval_levels};
  T->fc_cols[4] = (column){"hi", COL_VEC, HC_NAME_LEN + (2 + L) * H * d, H, L, hc_interval_levels};
  table *f = &T->t[T_FORECAST];
  table_init(f, "/forecast", T->fc_cols, 5, HC_NAME_LEN + (2 + 2 * L) * H * d);
  f->rows     = T->t[T_SUMMARY].rows;
  f->width[0] = T->t[T_SUMMARY].width[0]; /* the same tickers as /summary */
  if (!(T->fc_row = calloc(1, f->stride))) return fail(c, "out of memory in /forecast");
  return 0;
}

/** After the measure phase: the vector columns of /fits, P parameters and H horizons. */
static int tables_fits(wctx *c, tables *T)
{
  const size_t P = (size_t)T->P, H = (size_t)T->H, d = sizeof(double), head = sizeof(fit_row);
  T->ft_cols[hc_report_cols_fit_n + 0] = (column){"params", COL_VEC, head, P, 0, NULL};
  T->ft_cols[hc_report_cols_fit_n + 1] = (column){"stderr", COL_VEC, head + P * d, P, 0, NULL};
  T->ft_cols[hc_report_cols_fit_n + 2] = (column){"forecast_mean", COL_VEC, head + 2 * P * d, H, 0, NULL};
  T->ft_cols[hc_report_cols_fit_n + 3] = (column){"forecast_sd", COL_VEC, head + (2 * P + H) * d, H, 0, NULL};
  T->t[T_FITS].ncols  = hc_report_cols_fit_n + 4;
  T->t[T_FITS].stride = head + 2 * (P + H) * d;
  if (!(T->ft_row = calloc(1, T->t[T_FITS].stride))) return fail(c, "out of memory in /fits");
  return 0;
}

/** The /fits rows of record r: one per fit, in the record's order (the write phase fills the
 * vectors: parameters and standard errors NaN beyond the fit's, the member forecasts NaN for a
 * fit that is not a member of the live ensemble). */
static void fits_add(wctx *c, tables *T, const hc_result *r)
{
  fit_row  head;
  char    *row = T->ft_row ? T->ft_row : (char *)&head;
  fit_row *h   = (fit_row *)row;
  for (int j = 0; !c->failed && j < r->n_fits; j++) {
    const hc_fit_record *f  = &r->fits[j];
    const int            np = f->n_params < 0 ? 0 : f->n_params > HC_MAX_PARAMS ? HC_MAX_PARAMS : f->n_params;
    int                  m  = -1;
    for (int k = 0; k < r->n_members && m < 0; k++)
      if (!strcmp(r->member[k], f->name)) m = k;
    hc_strlcpy(h->ticker, r->ticker, sizeof h->ticker); /* every field is set below: no memset of the row */
    hc_strlcpy(h->name, f->name, sizeof h->name);
    hc_strlcpy(h->mean_model, f->mean_model, sizeof h->mean_model);
    hc_strlcpy(h->vol_model, f->vol_model, sizeof h->vol_model);
    hc_strlcpy(h->status, hc_status_name((hc_status)f->status), sizeof h->status);
    hc_strlcpy(h->stderr_type, f->stderr_type, sizeof h->stderr_type);
    hc_strlcpy(h->reason, f->reason, sizeof h->reason);
    size_t at = 0; /* the names joined, cut at the last one that fits */
    h->param_names[0] = '\0';
    for (int k = 0; k < np; k++) {
      const size_t l = strnlen(f->param_names[k], HC_PNAME_LEN - 1);
      if (at + (k > 0) + l >= sizeof h->param_names) break;
      if (k) h->param_names[at++] = ',';
      memcpy(h->param_names + at, f->param_names[k], l);
      h->param_names[at += l] = '\0';
    }
    h->n_params = np, h->converged = f->converged, h->tao_reason = f->tao_reason, h->iterations = f->iterations;
    h->n_obs = f->n_obs_used, h->selected = j == r->selected, h->member = m >= 0;
    h->loglik = f->loglik, h->aic = f->aic, h->bic = f->bic;
    h->persistence = f->persistence, h->half_life = f->half_life, h->uncond_var = f->uncond_var;
    if (!T->ft_row) T->P = np > T->P ? np : T->P; /* measure phase */
    else {
      double *v = (double *)(row + sizeof(fit_row));
      for (int k = 0; k < T->P; k++) {
        v[k]        = k < np ? f->params[k] : NAN;
        v[T->P + k] = k < np ? f->stderr_[k] : NAN;
      }
      for (int k = 0; k < T->H; k++) {
        v[2 * T->P + k]        = m >= 0 ? fc_at(r->member_mean + (size_t)m * r->horizon, k, r->horizon) : NAN;
        v[2 * T->P + T->H + k] = m >= 0 ? fc_at(r->member_sd + (size_t)m * r->horizon, k, r->horizon) : NAN;
      }
    }
    table_add(c, &T->t[T_FITS], row);
  }
  for (int j = 0; !c->failed && j < r->n_fits; j++)
    for (int k = 0; k < j; k++)
      if (!strcmp(r->fits[k].name, r->fits[j].name)) {
        fail(c, "ticker '%s': fit name '%s' appears twice", r->ticker, r->fits[j].name);
        break;
      }
  if (!c->failed && r->selected >= r->n_fits) fail(c, "ticker '%s': selected fit %d out of range (%d fits)", r->ticker, r->selected, r->n_fits);
  for (int k = 0; !c->failed && k < r->n_members; k++) {
    int found = 0;
    for (int j = 0; j < r->n_fits && !found; j++) found = !strcmp(r->member[k], r->fits[j].name);
    if (!found) fail(c, "ensemble member '%s' of '%s' has no fit record", r->member[k], r->ticker);
  }
}

/** Add the rows of record r to every table (/forecast only in the write phase). */
static int tables_add(wctx *c, tables *T, const hc_result *r)
{
  summary_row s;
  ticker_row  tr;
  origin_row  orow;
  unit_row    ur;
  const int   H = r->horizon, HL = r->horizon * HC_N_LEVELS;
  s.r = *r;
  hc_strlcpy(s.status, hc_status_name(r->status), sizeof s.status);
  snprintf(s.input_hash, sizeof s.input_hash, "%016llx", r->input_hash);
  s.fc[0] = fc_at(r->mean, 0, H);
  s.fc[1] = fc_at(r->sd, 0, H);
  s.fc[2] = fc_at(r->lo, 1, HL);
  s.fc[3] = fc_at(r->hi, 1, HL);
  table_add(c, &T->t[T_SUMMARY], &s);
  if (T->fc_row) {
    double      *v = (double *)(T->fc_row + HC_NAME_LEN);
    const size_t h = (size_t)T->H, hl = h * HC_N_LEVELS;
    memset(T->fc_row, 0, HC_NAME_LEN);
    hc_strlcpy(T->fc_row, r->ticker, HC_NAME_LEN);
    for (size_t j = 0; j < h; j++) {
      v[j]     = fc_at(r->mean, (int)j, H);
      v[h + j] = fc_at(r->sd, (int)j, H);
    }
    for (size_t j = 0; j < hl; j++) {
      v[2 * h + j]      = fc_at(r->lo, (int)j, HL);
      v[2 * h + hl + j] = fc_at(r->hi, (int)j, HL);
    }
    table_add(c, &T->t[T_FORECAST], T->fc_row);
  }
  memset(&tr, 0, sizeof tr);
  hc_strlcpy(tr.ticker, r->ticker, HC_NAME_LEN);
  for (int j = 0; !c->failed && j < r->n_scores; j++) {
    tr.u.score = r->scores[j];
    table_add(c, &T->t[T_SCORES], &tr);
  }
  for (int j = 0; !c->failed && j < r->n_members; j++) {
    hc_strlcpy(tr.model, r->member[j], HC_MODEL_LEN);
    for (int k = 0; k < HC_N_SCHEMES; k++) tr.u.w[k] = r->weights[(size_t)k * r->n_members + j];
    table_add(c, &T->t[T_WEIGHTS], &tr);
  }
  if (!c->failed && r->bt_origins > 0) {
    tr.u.trading = r->trading;
    table_add(c, &T->t[T_TRADING], &tr);
  }
  memset(&orow, 0, sizeof orow);
  hc_strlcpy(orow.ticker, r->ticker, HC_NAME_LEN);
  const int with_strategy = r->n_strategy == r->n_onestep;
  for (int j = 0; !c->failed && j < r->n_onestep; j++) {
    orow.p        = r->onestep[j];
    orow.position = with_strategy ? r->strategy[j].position : NAN;
    orow.ret      = with_strategy ? r->strategy[j].ret : NAN;
    table_add(c, &T->t[T_ORIGINS], &orow);
  }
  memset(&ur, 0, sizeof ur);
  hc_strlcpy(ur.ticker, r->ticker, HC_NAME_LEN);
  ur.n_obs = r->n_obs;
  for (int j = 0; !c->failed && j < r->n_units; j++) {
    ur.u = r->units[j];
    table_add(c, &T->t[T_UNITS], &ur);
  }
  if (!c->failed) fits_add(c, T, r);
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
  if (!c->failed && meta && meta->model_options) write_str_attr(c, file, "model_options", meta->model_options);
  if (meta && meta->update_of) {
    if (!c->failed) write_str_attr(c, file, "update_of", meta->update_of);
    if (!c->failed) write_str_attr(c, file, "update_of_created_utc", meta->update_of_created ? meta->update_of_created : "");
    if (!c->failed) write_int(c, file, "n_filtered", 1, 0, NULL, &meta->n_filtered);
    if (!c->failed) write_int(c, file, "n_refit", 1, 0, NULL, &meta->n_refit);
    if (!c->failed) write_int(c, file, "n_kept", 1, 0, NULL, &meta->n_kept);
    if (!c->failed) write_str_attr(c, file, "refit_reasons", meta->refit_reasons ? meta->refit_reasons : "");
  }
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

/** Record i of the source into *r (zeroed first), checked to follow prev in ticker order;
 * its ticker is copied to prev. */
static int next_record(wctx *c, hc_report_source source, void *ctx, int i, hc_result *r, char prev[HC_NAME_LEN])
{
  memset(r, 0, sizeof *r);
  r->selected = -1;
  int rc      = source(ctx, i, r);
  if (rc) return fail(c, "cannot get record %d (error %d)", i, rc);
  if (i > 0 && strncmp(prev, r->ticker, HC_NAME_LEN) >= 0)
    return fail(c, "ticker '%.*s' is %s (record %d, after '%s')", HC_NAME_LEN, r->ticker,
                strncmp(prev, r->ticker, HC_NAME_LEN) ? "out of ticker order" : "duplicated", i, prev);
  hc_strlcpy(prev, r->ticker, HC_NAME_LEN);
  return 0;
}

/** The per-ticker table groups and datasets (measured by hc_io_report_add), then the rows of the
 * n records of source, in ticker order, in one pass (owned: free each record after its use). */
static int write_tables(wctx *c, hid_t file, int n, hc_report_source source, void *ctx, int owned, tables *T)
{
  char      prev[HC_NAME_LEN] = "";
  hc_result r;
  if (tables_forecast(c, T) || tables_fits(c, T)) return -1;
  hid_t g[5], bt[4] = {-1, -1, -1, -1};
  static const char *names[5] = {"summary", "forecast", "backtest", "units", "fits"};
  for (int k = 0; k < 5; k++) {
    hc_strlcpy(c->where, "/", sizeof c->where);
    g[k] = c->failed ? -1 : make_group(c, file, names[k]);
  }
  for (int k = 0; k < 4 && !c->failed; k++) bt[k] = make_group(c, g[2], T->t[T_SCORES + k].name + strlen("/backtest/"));
  if (!c->failed) write_int(c, g[1], "horizon", 1, 0, NULL, &T->H);
  const hid_t loc[N_TABLES] = {g[0], g[1], bt[0], bt[1], bt[2], bt[3], g[3], g[4]};
  for (int k = 0; !c->failed && k < N_TABLES; k++) table_create(c, &T->t[k], loc[k]);
  for (int i = 0; !c->failed && i < n; i++) {
    if (!next_record(c, source, ctx, i, &r, prev)) tables_add(c, T, &r);
    if (owned) hc_result_free(&r);
    start_writeback(c, i);
  }
  for (int k = 0; k < N_TABLES; k++) table_close(c, &T->t[k]);
  for (int k = 0; k < 4; k++)
    if (bt[k] >= 0) close_group(c, bt[k]);
  for (int k = 4; k >= 0; k--)
    if (g[k] >= 0) close_group(c, g[k]);
  return c->failed ? -1 : 0;
}

/** /backtest/portfolio: one row per book (the trading columns, then against the benchmark). */
static int write_books(wctx *c, hid_t file, int n, const hc_report_book *books)
{
  hc_strlcpy(c->where, "/backtest", sizeof c->where);
  hid_t bt = H5Gopen2(file, "backtest", H5P_DEFAULT), g = bt < 0 ? -1 : make_group(c, bt, "portfolio");
  if (bt < 0) fail(c, "cannot open /backtest");
  if (g >= 0) {
    write_table(c, g, "/backtest/portfolio", (size_t)(books ? n : 0), books, sizeof *books, hc_report_cols_book, hc_report_cols_book_n);
    close_group(c, g);
  }
  if (bt >= 0) close_group(c, bt);
  return c->failed ? -1 : 0;
}

/** A scalar attribute of each type. */
static void attr_double(wctx *c, hid_t g, const char *name, double v) { write_double(c, g, name, 1, 0, NULL, &v); }
static void attr_int(wctx *c, hid_t g, const char *name, int v) { write_int(c, g, name, 1, 0, NULL, &v); }

/** The Diebold-Mariano counts over the universe as attributes of /backtest (nothing without d). */
static int write_dm_counts(wctx *c, hid_t file, const hc_dm_counts *d)
{
  if (!d) return 0;
  hc_strlcpy(c->where, "/backtest", sizeof c->where);
  hid_t bt = H5Gopen2(file, "backtest", H5P_DEFAULT);
  if (bt < 0) return fail(c, "cannot open /backtest");
  attr_int(c, bt, "dm_tested", d->tested);
  attr_int(c, bt, "dm_ensemble_better", d->ensemble_better);
  attr_int(c, bt, "dm_benchmark_better", d->benchmark_better);
  close_group(c, bt);
  return c->failed ? -1 : 0;
}

/** /covariance (the model, its parameters, the 1-step correlation or its factor form, the
 * per-ticker membership) and /backtest/covariance (the minimum-variance backtest). */
static int write_covariance(wctx *c, hid_t file, const hc_report_covariance *v)
{
  if (!v) return 0;
  hc_strlcpy(c->where, "/covariance", sizeof c->where);
  hid_t g = make_group(c, file, "covariance");
  if (g < 0) return -1;
  const hsize_t n = (hsize_t)v->N, nn[2] = {n, n}, nk[2] = {n, (hsize_t)v->K};
  write_str_attr(c, g, "requested", v->requested);
  write_str_attr(c, g, "model", v->model);
  write_str_attr(c, g, "reason", v->reason);
  write_str_attr(c, g, "first_date", v->first_date);
  write_str_attr(c, g, "last_date", v->last_date);
  attr_int(c, g, "n_tickers", v->N);
  attr_int(c, g, "n_members", v->n_members);
  attr_int(c, g, "window", v->window);
  attr_int(c, g, "min_overlap", v->min_overlap);
  attr_double(c, g, "n_low_pairs", (double)v->n_low_pairs);
  attr_double(c, g, "shrinkage", v->shrinkage);
  attr_double(c, g, "shrinkage_lw", v->shrinkage_lw);
  attr_double(c, g, "lambda_min", v->lambda_min);
  attr_double(c, g, "dcc_a", v->a);
  attr_double(c, g, "dcc_b", v->b);
  attr_double(c, g, "dcc_se_a", v->se_a);
  attr_double(c, g, "dcc_se_b", v->se_b);
  attr_double(c, g, "dcc_loglik", v->loglik);
  attr_int(c, g, "dcc_pairs", v->n_pairs);
  attr_int(c, g, "dcc_iterations", v->iterations);
  attr_int(c, g, "dcc_tao_reason", v->tao_reason);
  attr_int(c, g, "factors", v->K);
  attr_double(c, g, "explained", v->explained);
  /* the stage's cost is the run's, not the forecast's: beside the run's other provenance */
  attr_double(c, file, "covariance_seconds", v->seconds);
  attr_double(c, file, "covariance_peak_rss_mb", v->peak_rss_mb);
  if (v->correlation) write_double(c, g, "correlation", 0, 2, nn, v->correlation);
  if (v->loadings) write_double(c, g, "loadings", 0, 2, nk, v->loadings);
  if (v->specific) write_double(c, g, "specific_variance", 0, 1, &n, v->specific);
  if (v->in_matrix) write_int(c, g, "in_matrix", 0, 1, &n, v->in_matrix);
  if (v->n_obs) write_int(c, g, "n_obs", 0, 1, &n, v->n_obs);
  if (v->why) write_strings(c, g, "reason", 0, n, v->why[0], HC_REASON_LEN, HC_REASON_LEN);
  close_group(c, g);
  hc_strlcpy(c->where, "/backtest/covariance", sizeof c->where);
  hid_t bt = H5Gopen2(file, "backtest", H5P_DEFAULT), h = bt < 0 ? -1 : make_group(c, bt, "covariance");
  if (bt < 0) fail(c, "cannot open /backtest");
  if (h >= 0) {
    const hsize_t d = (hsize_t)v->bt_days;
    attr_int(c, h, "refits", v->bt_refits);
    attr_int(c, h, "fallbacks", v->bt_fallbacks);
    attr_double(c, h, "vol_gmv", v->vol_gmv);
    attr_double(c, h, "vol_ew", v->vol_ew);
    attr_double(c, h, "pred_gmv", v->pred_gmv);
    attr_double(c, h, "pred_ew", v->pred_ew);
    attr_double(c, h, "bias_gmv", v->bias_gmv);
    attr_double(c, h, "bias_ew", v->bias_ew);
    write_strings(c, h, "date", 0, d, d ? v->bt_date[0] : NULL, HC_LABEL_LEN, HC_LABEL_LEN);
    write_int(c, h, "n_assets", 0, 1, &d, v->bt_assets);
    write_double(c, h, "r_gmv", 0, 1, &d, v->r_gmv);
    write_double(c, h, "s_gmv", 0, 1, &d, v->s_gmv);
    write_double(c, h, "r_ew", 0, 1, &d, v->r_ew);
    write_double(c, h, "s_ew", 0, 1, &d, v->s_ew);
    close_group(c, h);
  }
  if (bt >= 0) close_group(c, bt);
  return c->failed ? -1 : 0;
}

/** /portfolio (the weights to hold and how they were found) and /backtest/book (the daily
 * returns of the books). */
static int write_portfolio(wctx *c, hid_t file, const hc_report_portfolio *v)
{
  if (!v) return 0;
  hc_strlcpy(c->where, "/portfolio", sizeof c->where);
  hid_t g = make_group(c, file, "portfolio");
  if (g < 0) return -1;
  const hsize_t n = (hsize_t)v->N;
  write_str_attr(c, g, "method", v->method);
  write_str_attr(c, g, "status", v->status);
  write_str_attr(c, g, "note", v->note);
  attr_double(c, g, "max_weight_used", v->max_weight_used);
  attr_double(c, g, "max_sector_weight_used", v->max_sector_weight_used);
  write_str_attr(c, g, "as_of", v->as_of);
  write_str_attr(c, g, "sectors", v->sectors);
  attr_int(c, g, "long_only", v->long_only);
  attr_int(c, g, "horizon", v->horizon);
  attr_double(c, g, "max_weight", v->max_weight);
  attr_double(c, g, "max_gross", v->max_gross);
  attr_double(c, g, "max_sector_weight", v->max_sector_weight);
  attr_double(c, g, "risk_aversion", v->risk_aversion);
  attr_double(c, g, "cost_bps", v->cost_bps);
  attr_int(c, g, "converged", v->converged);
  attr_int(c, g, "iterations", v->iterations);
  attr_int(c, g, "n_assets", v->n_assets);
  attr_int(c, g, "n_held", v->n_held);
  attr_double(c, g, "expected_return", v->expected_return);
  attr_double(c, g, "predicted_vol", v->predicted_vol);
  attr_double(c, g, "net", v->net);
  attr_double(c, g, "gross", v->gross);
  attr_double(c, g, "turnover", v->turnover);
  attr_double(c, g, "objective", v->objective);
  attr_double(c, g, "kkt_gradient", v->kkt_gradient);
  attr_double(c, g, "kkt_constraint", v->kkt_constraint);
  attr_double(c, g, "max_violation", v->max_violation);
  write_double(c, g, "weight", 0, 1, &n, v->weight);
  write_strings(c, g, "reason", 0, n, n ? v->why[0] : NULL, HC_REASON_LEN, HC_REASON_LEN);
  close_group(c, g);
  hc_strlcpy(c->where, "/backtest/book", sizeof c->where);
  hid_t bt = H5Gopen2(file, "backtest", H5P_DEFAULT), h = bt < 0 ? -1 : make_group(c, bt, "book");
  if (bt < 0) fail(c, "cannot open /backtest");
  if (h >= 0) {
    const hsize_t d = (hsize_t)v->bt_days;
    attr_int(c, h, "rebalances", v->bt_rebalances);
    attr_int(c, h, "unconverged", v->bt_unconverged);
    attr_double(c, h, "max_violation", v->bt_max_violation);
    write_strings(c, h, "date", 0, d, d ? v->bt_date[0] : NULL, HC_LABEL_LEN, HC_LABEL_LEN);
    write_double(c, h, "book", 0, 1, &d, v->r_book);
    write_double(c, h, "strategies", 0, 1, &d, v->r_strategies);
    write_double(c, h, "benchmark", 0, 1, &d, v->r_bench);
    write_double(c, h, "turnover", 0, 1, &d, v->turnover_t);
    close_group(c, h);
  }
  if (bt >= 0) close_group(c, bt);
  return c->failed ? -1 : 0;
}

/** Source over an array of records (sorted by ticker): record i as a shallow copy (not freed). */
static int array_source(void *ctx, int i, hc_result *r)
{
  *r = ((const hc_result *)ctx)[i];
  return 0;
}

/** A report being written: the temporary file, the tables measured so far, the first error. */
struct hc_report_writer {
  wctx   c;
  char   path[HC_PATH_LEN], tmp[HC_PATH_LEN + 32], dir[HC_PATH_LEN], err[HC_PATH_LEN + 256];
  hid_t  file;
  tables T;
  int    n_added, tables_done;
  double seconds; /* spent writing so far */
  double t_tail;  /* wall clock at the start of hc_io_report_tables */
};

/* HDF5's automatic error printing off while the writer runs (errors go through err). */
typedef struct {
  H5E_auto2_t func;
  void       *data;
} h5_quiet;

static h5_quiet quiet(void)
{
  h5_quiet q;
  H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
  H5Eset_auto2(H5E_DEFAULT, h5_failed, NULL);
  h5_sys_errno = 0;
  return q;
}

static void loud(h5_quiet q) { H5Eset_auto2(H5E_DEFAULT, q.func, q.data); }

void hc_io_init(void)
{
  H5dont_atexit();
  H5open();
}

/**
 * File-access properties of the report. File format: HDF5 1.8's (H5F_LIBVER_V18 both bounds),
 * which any HDF5 1.8 or later library reads. Metadata cache: fixed at 64 KiB instead of HDF5's
 * adaptive default (2 MiB, up to 32 MiB): the writer creates each object once and never
 * revisits it, so a large cache would only hold rank 0's memory.
 * Returns a file-access property list (caller closes) or -1.
 */
enum { HC_REPORT_MDC_BYTES = 64 << 10 };
static hid_t report_fapl(void)
{
  hid_t               fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5AC_cache_config_t cc   = {.version = H5AC__CURR_CACHE_CONFIG_VERSION};
  if (fapl < 0) return -1;
  if (H5Pget_mdc_config(fapl, &cc) < 0) goto bad;
  cc.set_initial_size = 1;
  cc.initial_size = cc.min_size = cc.max_size = HC_REPORT_MDC_BYTES;
  cc.incr_mode       = H5C_incr__off;
  cc.flash_incr_mode = H5C_flash_incr__off;
  cc.decr_mode       = H5C_decr__off;
  if (H5Pset_mdc_config(fapl, &cc) < 0) goto bad;
  if (H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0) goto bad;
  return fapl;
bad:
  H5Pclose(fapl);
  return -1;
}

int hc_io_report_begin(const char *path, hc_report_writer **out, char *err, size_t errlen)
{
  hc_report_writer *w = calloc(1, sizeof *w);
  wctx              e = {.path = path ? path : "", .err = err, .errlen = errlen};
  *out              = NULL;
  if (err && errlen) err[0] = '\0';
  if (!w) return fail(&e, "out of memory");
  w->c    = (wctx){.path = w->path, .err = w->err, .errlen = sizeof w->err, .fd = -1};
  w->file = -1;
  tables_init(&w->T);
  if (!path || !*path || strlen(path) >= HC_PATH_LEN) {
    free(w);
    return fail(&e, "%s", path && *path ? "path too long" : "no path given");
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    free(w);
    return fail(&e, "is a directory; give the path of a file, e.g. %s/report.h5", path);
  }
  hc_strlcpy(w->path, path, sizeof w->path);
  snprintf(w->tmp, sizeof w->tmp, "%s.tmp.%ld", path, (long)getpid());
  parent_dir(path, w->dir, sizeof w->dir);
  if (make_dirs(w->dir) != 0) {
    fail(&e, "cannot create directory '%s': %s", w->dir, strerror(errno));
    free(w);
    return -1;
  }
  const double t0 = hc_time_wall();
  h5_quiet     q  = quiet();
  const hid_t  fapl = report_fapl();
  w->file         = fapl < 0 ? -1 : H5Fcreate(w->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fapl >= 0) H5Pclose(fapl);
  if (w->file < 0) fail(&w->c, "cannot create temporary file '%s'", w->tmp);
  else {
    hc_strlcpy(w->c.where, "/", sizeof w->c.where);
    int *fd = NULL; /* the sec2 driver's handle is its file descriptor */
    if (H5Fget_vfd_handle(w->file, H5P_DEFAULT, (void **)&fd) >= 0 && fd) w->c.fd = *fd;
  }
  loud(q);
  w->seconds = hc_time_wall() - t0;
  if (w->c.failed) {
    hc_strlcpy(err, w->err, errlen);
    hc_io_report_abort(&w);
    return -1;
  }
  *out = w;
  return 0;
}

int hc_io_report_add(hc_report_writer *w, const hc_result *r)
{
  const double t0 = hc_time_wall();
  h5_quiet     q  = quiet();
  if (!w->c.failed && w->tables_done) fail(&w->c, "record '%s' added after the tables were written", r->ticker);
  if (!w->c.failed) tables_add(&w->c, &w->T, r); /* measure phase: rows and string widths */
  if (!w->c.failed && r->horizon > w->T.H) w->T.H = r->horizon;
  w->n_added++;
  loud(q);
  w->seconds += hc_time_wall() - t0;
  return w->c.failed ? -1 : 0;
}

const char *hc_io_report_error(const hc_report_writer *w) { return w->err; }

double hc_io_report_seconds(const hc_report_writer *w) { return w->seconds; }

/* Close the writer's file. A failed report is given up: its temporary is truncated first, so
 * that the metadata HDF5 flushes at close may find room on a full disk. A close that fails leaves
 * the file open inside HDF5 (see hc_io_init for why that is harmless).
 * @return H5Fclose's status. */
static herr_t close_file(hc_report_writer *w)
{
  if (w->c.failed && w->c.fd >= 0) {
    int rc = ftruncate(w->c.fd, 0); /* if it fails, the close below is tried all the same */
    (void)rc;
  }
  return H5Fclose(w->file);
}

void hc_io_report_abort(hc_report_writer **pw)
{
  hc_report_writer *w = *pw;
  if (!w) return;
  h5_quiet q = quiet();
  for (int k = 0; k < N_TABLES; k++) table_close(&w->c, &w->T.t[k]); /* datasets and buffers left by a failure */
  free(w->T.fc_row);
  free(w->T.ft_row);
  wctx_release(&w->c);
  if (w->file >= 0) close_file(w);
  loud(q);
  unlink(w->tmp);
  free(w);
  *pw = NULL;
}

/** hc_io_report_tables; owned = 0: the source's records are borrowed (not freed). */
static int tables_pass(hc_report_writer *w, int n, hc_report_source source, void *ctx, int owned)
{
  wctx *c   = &w->c;
  w->t_tail = hc_time_wall();
  h5_quiet q = quiet();
  if (!c->failed && w->tables_done) fail(c, "the tables are already written");
  else if (!c->failed && (n != w->n_added || (n > 0 && !source)))
    fail(c, "%d records for the tables, %d added (each record is added once, then given to the tables)", n, w->n_added);
  if (!c->failed) write_tables(c, w->file, n, source, ctx, owned, &w->T);
  w->tables_done = 1;
  loud(q);
  return c->failed ? -1 : 0;
}

int hc_io_report_tables(hc_report_writer *w, int n, hc_report_source source, void *ctx)
{
  return tables_pass(w, n, source, ctx, 1);
}

int hc_io_report_finish(hc_report_writer **pw, const hc_report_meta *meta, int n_perf, const hc_perf *perf, char *err, size_t errlen)
{
  hc_report_writer *w = *pw;
  wctx             *c = &w->c;
  h5_quiet          q = quiet();
  if (!c->failed && !w->tables_done) fail(c, "finish before the tables were written");
  if (!c->failed && (n_perf < 0 || (n_perf > 0 && !perf))) fail(c, "invalid arguments (n_perf = %d)", n_perf);
  if (!c->failed) write_root_attrs(c, w->file, meta);
  if (!c->failed) write_books(c, w->file, meta ? meta->n_books : 0, meta ? meta->books : NULL);
  if (!c->failed) write_portfolio(c, w->file, meta ? meta->portfolio : NULL);
  if (!c->failed) write_dm_counts(c, w->file, meta ? meta->dm : NULL);
  if (!c->failed) write_covariance(c, w->file, meta ? meta->covariance : NULL);
  hc_perf *p = malloc(sizeof *p * (size_t)(n_perf + 1));
  if (!c->failed && !p) fail(c, "out of memory in /perf");
  else if (!c->failed) { /* rank 0's io_s and wall_s include the tail (tables and this), up to /perf itself */
    double dt = hc_time_wall() - w->t_tail;
    if (n_perf) memcpy(p, perf, sizeof *p * (size_t)n_perf);
    if (n_perf) p[0].io_s += dt;
    if (n_perf) p[0].wall_s += dt;
    hc_strlcpy(c->where, "/", sizeof c->where);
    hid_t g = make_group(c, w->file, "perf");
    if (g >= 0) {
      write_table(c, g, "/perf", (size_t)n_perf, p, sizeof *p, hc_report_cols_perf, hc_report_cols_perf_n);
      close_group(c, g);
    }
  }
  free(p);
  if (!c->failed && H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) fail(c, "cannot flush '%s'", w->tmp);
  /* every object is closed above, so H5Fclose really closes the file */
  if (close_file(w) < 0) fail(c, "cannot close '%s'", w->tmp);
  w->file = -1;
  loud(q);
  if (!c->failed && fsync_path(w->tmp, O_RDONLY) != 0) fail(c, "cannot fsync '%s': %s", w->tmp, strerror(errno));
  if (!c->failed && rename(w->tmp, w->path) != 0) fail(c, "cannot rename '%s': %s", w->tmp, strerror(errno));
  if (!c->failed && fsync_path(w->dir, O_RDONLY | O_DIRECTORY) != 0)
    fail(c, "published, but cannot fsync directory '%s': %s", w->dir, strerror(errno));
  int rc = c->failed ? -1 : 0;
  if (rc && err && errlen) hc_strlcpy(err, w->err, errlen);
  hc_io_report_abort(pw); /* frees w; the temporary is gone after a rename, removed otherwise */
  return rc;
}

/** The one-shot writer of both public functions: records from source, twice (owned = 1: free
 * each): pass 1 adds them (the tables measured), pass 2 writes the tables. */
static int write_report(const char *path, const hc_report_meta *meta, int n, hc_report_source source, void *ctx, int owned,
                        int n_perf, const hc_perf *perf, char *err, size_t errlen)
{
  hc_report_writer *w;
  char              prev[HC_NAME_LEN] = "";
  hc_result         r;
  if (hc_io_report_begin(path, &w, err, errlen)) return -1;
  if (n < 0 || (n > 0 && !source)) fail(&w->c, "invalid arguments (n = %d)", n);
  for (int i = 0; !w->c.failed && i < n; i++) {
    if (!next_record(&w->c, source, ctx, i, &r, prev)) hc_io_report_add(w, &r);
    if (owned) hc_result_free(&r);
  }
  if (!w->c.failed) tables_pass(w, n, source, ctx, owned);
  return hc_io_report_finish(&w, meta, n_perf, perf, err, errlen);
}

int hc_io_report_write_stream(const char *path, const hc_report_meta *meta, int n, hc_report_source source, void *ctx, int n_perf,
                              const hc_perf *perf, char *err, size_t errlen)
{
  return write_report(path, meta, n, source, ctx, 1, n_perf, perf, err, errlen);
}

static int result_cmp(const void *a, const void *b)
{
  return strcmp(((const hc_result *)a)->ticker, ((const hc_result *)b)->ticker);
}

int hc_io_report_write(const char *path, const hc_report_meta *meta, int n, hc_result *results, int n_perf, const hc_perf *perf,
                       char *err, size_t errlen)
{
  if (n > 1 && results) qsort(results, (size_t)n, sizeof *results, result_cmp);
  return write_report(path, meta, n, results ? array_source : NULL, results, 0, n_perf, perf, err, errlen);
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
