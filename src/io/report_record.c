/**
 * @file report_record.c
 * @brief Reading a ticker's record back from a report (hpcast update): its rows of every
 *        per-ticker table, found by binary search on each table's sorted ticker column, read
 *        through the writer's column layouts (report_layout.h) into an hc_result.
 */
#include "hpcast/io.h"
#include "report_layout.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC_REPORT_SCHEMA 6 /**< the schema_version this reader reads (report.c writes it) */

/* Rows [at, at + n) of the open dataset d as memory type mt into buf. @return 0 or -1. */
static int read_ds(hid_t d, hid_t mt, hsize_t at, hsize_t n, void *buf)
{
  hid_t   fs = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t dims[3] = {0, 1, 1}, start[3] = {at, 0, 0}, count[3] = {n, 1, 1};
  int     rank = fs >= 0 ? H5Sget_simple_extent_dims(fs, dims, NULL) : -1, rc = -1;
  for (int k = 1; k < rank && k < 3; k++) count[k] = dims[k];
  hid_t ms = rank >= 1 && rank <= 3 ? H5Screate_simple(rank, count, NULL) : -1;
  if (ms >= 0 && at + n <= dims[0] && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
      (n == 0 || H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf) >= 0))
    rc = 0;
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  return rc;
}

int hc_report_read_rows(hid_t g, const char *name, hid_t mt, hsize_t at, hsize_t n, void *buf)
{
  hid_t     d  = H5Dopen2(g, name, H5P_DEFAULT);
  const int rc = read_ds(d, mt, at, n, buf);
  if (d >= 0) H5Dclose(d);
  return rc;
}

/* The memory type of the fixed-width string file type ft (its width *w), or -1 if ft is not one. */
static hid_t str_mem_type(hid_t ft, size_t *w)
{
  hid_t mt = -1;
  if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && !H5Tis_variable_str(ft)) {
    *w = H5Tget_size(ft);
    mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, *w);
    H5Tset_strpad(mt, H5T_STR_NULLPAD); /* as written: full width, no terminator */
  }
  return mt;
}

hid_t hc_report_str_type(hid_t g, const char *name, size_t *w)
{
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT), ft = d >= 0 ? H5Dget_type(d) : -1, mt = str_mem_type(ft, w);
  if (ft >= 0) H5Tclose(ft);
  if (d >= 0) H5Dclose(d);
  return mt;
}

int hc_report_ticker_rows(hid_t g, const char *ticker, hsize_t *first, hsize_t *n)
{
  size_t  w  = 0;
  hid_t   tt = hc_report_str_type(g, "ticker", &w);
  hid_t   d  = H5Dopen2(g, "ticker", H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t rows = 0, lo = 0, hi;
  int     rc  = tt < 0 || sp < 0 || H5Sget_simple_extent_dims(sp, &rows, NULL) != 1 ? -1 : 0;
  char   *key = calloc(w + 1, 1);
  if (sp >= 0) H5Sclose(sp);
  if (d >= 0) H5Dclose(d);
  rc  = rc || !key ? -1 : 0;
  *n  = 0;
  for (hi = rows; !rc && lo < hi;) { /* the first row whose ticker is not below `ticker` */
    const hsize_t mid = lo + (hi - lo) / 2;
    memset(key, 0, w + 1);
    rc = hc_report_read_rows(g, "ticker", tt, mid, 1, key);
    if (strcmp(key, ticker) < 0) lo = mid + 1;
    else hi = mid;
  }
  while (!rc && lo + *n < rows) { /* its rows follow one another */
    memset(key, 0, w + 1);
    rc = hc_report_read_rows(g, "ticker", tt, lo + *n, 1, key);
    if (rc || strcmp(key, ticker)) break;
    (*n)++;
  }
  *first = lo;
  free(key);
  if (tt >= 0) H5Tclose(tt);
  return rc;
}

/* The per-ticker tables indexed by hc_report_reader (/summary and /forecast: row i is ticker i). */
enum { IX_FITS, IX_SCORES, IX_WEIGHTS, IX_TRADING, IX_ORIGINS, N_IX };

/* A dataset of the report kept open by the reader. */
typedef struct {
  hid_t       g, d, st; /* group, dataset, string memory type (-1: not a string) */
  const char *name;     /* a column name of report_layout.c or a literal: compared by address */
  size_t      w;        /* string width */
} open_ds;

struct hc_report_reader {
  hid_t file, summary, forecast, fits, scores, weights, trading, origins;
  int   H;                               /**< forecast horizon of the report */
  int   N;                               /**< tickers (/summary rows) */
  char (*ticker)[HC_NAME_LEN];           /**< [N] the /summary tickers, sorted */
  hsize_t *first[N_IX], *count[N_IX];    /**< [N] each table's rows of ticker i: count from first */
  open_ds ds[160];                       /**< the datasets read so far, kept open (the tables have 114 columns) */
  int     n_ds;
  char  options[HC_REPORT_OPTIONS_LEN];  /**< the root attribute `options` */
  char  model_options[HC_REPORT_OPTIONS_LEN];
  char  created[32];
};

/* Dataset `name` of group g, opened once and kept (with its string memory type *st, width *w;
 * *st = -1 for a number). @return it, or -1. */
static hid_t cached(hc_report_reader *rd, hid_t g, const char *name, hid_t *st, size_t *w)
{
  for (int k = 0; k < rd->n_ds; k++)
    if (rd->ds[k].g == g && rd->ds[k].name == name) return *st = rd->ds[k].st, *w = rd->ds[k].w, rd->ds[k].d;
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT), ft = d >= 0 ? H5Dget_type(d) : -1;
  *w      = 0;
  *st     = str_mem_type(ft, w);
  if (ft >= 0) H5Tclose(ft);
  if (d >= 0 && rd->n_ds == (int)(sizeof rd->ds / sizeof *rd->ds)) { /* more columns than the tables have: refuse */
    H5Dclose(d);
    if (*st >= 0) H5Tclose(*st);
    return *st = -1, -1;
  }
  if (d >= 0) rd->ds[rd->n_ds++] = (open_ds){g, d, *st, name, *w};
  return d;
}

/* Rows [at, at + n) of dataset `name` of g (a number) as mt into buf, through the cache. */
static int read_cached(hc_report_reader *rd, hid_t g, const char *name, hid_t mt, hsize_t at, hsize_t n, void *buf)
{
  hid_t  st;
  size_t w;
  return read_ds(cached(rd, g, name, &st, &w), mt, at, n, buf);
}

/** Rows [at, at + n) of the table g (columns cols[0..ncols-1]) into rows (n x stride bytes,
 * zeroed here): the inverse of the writer's table_flush; a string longer than its field is cut. */
static int table_read(hc_report_reader *rd, hid_t g, const column *cols, size_t ncols, size_t stride, hsize_t at, hsize_t n, char *rows)
{
  int rc = 0;
  memset(rows, 0, (size_t)n * stride);
  for (size_t k = 0; !rc && k < ncols && n; k++) {
    const column *col = &cols[k];
    size_t        w = sizeof(double), per = col->kind == COL_VEC ? vec_values(col) : 1, sw;
    hid_t         st, d = cached(rd, g, col->name, &st, &sw);
    hid_t         mt = col->kind == COL_INT ? H5T_NATIVE_INT : col->kind == COL_STR ? st : H5T_NATIVE_DOUBLE;
    if (col->kind == COL_STR && st < 0) return -1;
    if (col->kind == COL_STR) w = sw;
    if (col->kind == COL_INT) w = sizeof(int);
    char *buf = malloc((size_t)n * w * per);
    rc        = !buf || read_ds(d, mt, at, n, buf);
    for (hsize_t i = 0; !rc && i < n; i++) {
      char *dst = rows + i * stride + col->off;
      if (col->kind == COL_STR) memcpy(dst, buf + i * w, w < col->len - 1 ? w : col->len - 1);
      else memcpy(dst, buf + i * w * per, w * per);
    }
    free(buf);
  }
  return rc;
}

/* A string root attribute into out[len] ("" if absent). */
static void root_string(hid_t file, const char *name, char *out, size_t len)
{
  out[0]  = '\0';
  hid_t a = H5Aexists(file, name) > 0 ? H5Aopen(file, name, H5P_DEFAULT) : -1, t = a >= 0 ? H5Aget_type(a) : -1;
  if (t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t) && H5Tget_size(t) < len) {
    memset(out, 0, len);
    if (H5Aread(a, t, out) < 0) out[0] = '\0';
  }
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
}

/* The rows of each ticker in each per-ticker table, by one pass over the table's (sorted)
 * ticker column in blocks: first[k][i], count[k][i] for /summary's ticker i. Memory 16 bytes
 * per ticker and table, whatever the table's length; no search per record. @return 0 or -1. */
static int index_tables(hc_report_reader *rd)
{
  const hid_t g[N_IX] = {rd->fits, rd->scores, rd->weights, rd->trading, rd->origins};
  enum { BLOCK = 65536 };
  for (int k = 0; k < N_IX; k++) {
    size_t  w  = 0;
    hid_t   tt = hc_report_str_type(g[k], "ticker", &w);
    hid_t   d  = H5Dopen2(g[k], "ticker", H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t rows = 0;
    int     rc   = tt < 0 || sp < 0 || H5Sget_simple_extent_dims(sp, &rows, NULL) != 1;
    char   *buf = rc ? NULL : malloc(BLOCK * w + 1), key[HC_NAME_LEN];
    rd->first[k] = calloc((size_t)rd->N + 1, sizeof(hsize_t));
    rd->count[k] = calloc((size_t)rd->N + 1, sizeof(hsize_t));
    rc           = rc || !buf || !rd->first[k] || !rd->count[k];
    for (hsize_t at = 0, j = 0; !rc && at < rows; at += BLOCK) {
      const hsize_t n = rows - at < BLOCK ? rows - at : BLOCK;
      rc              = hc_report_read_rows(g[k], "ticker", tt, at, n, buf);
      for (hsize_t r = 0; !rc && r < n; r++) {
        memset(key, 0, sizeof key);
        memcpy(key, buf + r * w, w < sizeof key - 1 ? w : sizeof key - 1);
        while (j < (hsize_t)rd->N && strcmp(rd->ticker[j], key) < 0) j++;
        if (j == (hsize_t)rd->N || strcmp(rd->ticker[j], key)) rc = -1; /* not sorted, or a ticker /summary lacks */
        else if (!rd->count[k][j]++) rd->first[k][j] = at + r;
      }
    }
    free(buf);
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    if (tt >= 0) H5Tclose(tt);
    if (rc) {
      for (int j = 0; j <= k; j++) free(rd->first[j]), free(rd->count[j]), rd->first[j] = rd->count[j] = NULL;
      return -1;
    }
  }
  return 0;
}

/* rd->ticker[rd->N]: the /summary tickers, read once. @return 0 or -1. */
static int read_tickers(hc_report_reader *rd)
{
  size_t  w  = 0;
  hid_t   tt = hc_report_str_type(rd->summary, "ticker", &w);
  hid_t   d  = H5Dopen2(rd->summary, "ticker", H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t rows = 0;
  int     rc   = tt < 0 || sp < 0 || H5Sget_simple_extent_dims(sp, &rows, NULL) != 1;
  char   *buf  = rc ? NULL : calloc(rows + 1, w);
  rd->ticker   = rc ? NULL : calloc(rows + 1, sizeof *rd->ticker);
  rc           = rc || !buf || !rd->ticker || hc_report_read_rows(rd->summary, "ticker", tt, 0, rows, buf);
  for (hsize_t i = 0; !rc && i < rows; i++) memcpy(rd->ticker[i], buf + i * w, w < HC_NAME_LEN - 1 ? w : HC_NAME_LEN - 1);
  if (!rc) rd->N = (int)rows;
  free(buf);
  if (sp >= 0) H5Sclose(sp);
  if (d >= 0) H5Dclose(d);
  if (tt >= 0) H5Tclose(tt);
  return rc ? -1 : 0;
}

void hc_io_report_close(hc_report_reader **rd)
{
  if (!*rd) return;
  hid_t *g[] = {&(*rd)->summary, &(*rd)->forecast, &(*rd)->fits, &(*rd)->scores, &(*rd)->weights, &(*rd)->trading, &(*rd)->origins};
  for (size_t k = 0; k < sizeof g / sizeof *g; k++)
    if (*g[k] >= 0) H5Gclose(*g[k]);
  for (int k = 0; k < (*rd)->n_ds; k++) {
    H5Dclose((*rd)->ds[k].d);
    if ((*rd)->ds[k].st >= 0) H5Tclose((*rd)->ds[k].st);
  }
  if ((*rd)->file >= 0) H5Fclose((*rd)->file);
  for (int k = 0; k < N_IX; k++) free((*rd)->first[k]), free((*rd)->count[k]);
  free((*rd)->ticker);
  free(*rd);
  *rd = NULL;
}

int hc_io_report_open(const char *path, hc_report_reader **out, char *err, size_t errlen)
{
  H5E_auto2_t func;
  void       *data;
  int         version = -1;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hc_report_reader *rd = calloc(1, sizeof *rd);
  *out                 = NULL;
  if (!rd) return snprintf(err, errlen, "out of memory"), H5Eset_auto2(H5E_DEFAULT, func, data), -1;
  rd->summary = rd->forecast = rd->fits = rd->scores = rd->weights = rd->trading = rd->origins = -1;
  /* a ticker's rows are a few small hyperslabs of each dataset: HDF5's default 64 KiB sieve buffer
   * would read 64 KiB for each of them */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0) H5Pset_sieve_buf_size(fapl, 4096);
  rd->file = H5Fopen(path, H5F_ACC_RDONLY, fapl >= 0 ? fapl : H5P_DEFAULT);
  if (fapl >= 0) H5Pclose(fapl);
  hid_t a  = rd->file >= 0 && H5Aexists(rd->file, "schema_version") > 0 ? H5Aopen(rd->file, "schema_version", H5P_DEFAULT) : -1;
  if (a >= 0 && H5Aread(a, H5T_NATIVE_INT, &version) < 0) version = -1;
  if (a >= 0) H5Aclose(a);
  int rc = 0;
  if (rd->file < 0) rc = 1, snprintf(err, errlen, "%s: not an HDF5 file that can be read", path);
  else if (version != HC_REPORT_SCHEMA)
    rc = 1, snprintf(err, errlen, "%s: schema_version %d; an hpcast report of schema_version %d is needed (run the job again to write one)",
                     path, version, HC_REPORT_SCHEMA);
  else {
    static const char *names[] = {"summary", "forecast", "fits", "backtest/scores", "backtest/weights", "backtest/trading", "backtest/origins"};
    hid_t             *g[]     = {&rd->summary, &rd->forecast, &rd->fits, &rd->scores, &rd->weights, &rd->trading, &rd->origins};
    for (size_t k = 0; !rc && k < sizeof g / sizeof *g; k++)
      if ((*g[k] = H5Gopen2(rd->file, names[k], H5P_DEFAULT)) < 0) rc = 1, snprintf(err, errlen, "%s: no /%s", path, names[k]);
    hid_t h = rc ? -1 : H5Aopen(rd->forecast, "horizon", H5P_DEFAULT);
    if (!rc && (h < 0 || H5Aread(h, H5T_NATIVE_INT, &rd->H) < 0 || rd->H < 1)) rc = 1, snprintf(err, errlen, "%s: no /forecast horizon", path);
    if (h >= 0) H5Aclose(h);
    if (!rc && read_tickers(rd)) rc = 1, snprintf(err, errlen, "%s: cannot read its /summary tickers", path);
    root_string(rd->file, "options", rd->options, sizeof rd->options);
    root_string(rd->file, "model_options", rd->model_options, sizeof rd->model_options);
    root_string(rd->file, "created_utc", rd->created, sizeof rd->created);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (rc) hc_io_report_close(&rd);
  *out = rd;
  return rc;
}

const char *hc_io_report_options(const hc_report_reader *rd) { return rd->options; }
const char *hc_io_report_model_options(const hc_report_reader *rd) { return rd->model_options; }
const char *hc_io_report_created(const hc_report_reader *rd) { return rd->created; }
int         hc_io_report_horizon(const hc_report_reader *rd) { return rd->H; }

int hc_io_report_tickers(hc_report_reader *rd, int *n, char (**ticker)[HC_NAME_LEN])
{
  *n      = 0;
  *ticker = malloc(sizeof **ticker * ((size_t)rd->N + 1));
  if (!*ticker) return -1;
  memcpy(*ticker, rd->ticker, sizeof **ticker * (size_t)rd->N);
  *n = rd->N;
  return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* hc_status of a /summary or /fits status name. */
static hc_status status_of(const char *name)
{
  for (int s = HC_STATUS_OK; s <= HC_STATUS_FAILED; s++)
    if (!strcmp(hc_status_name((hc_status)s), name)) return (hc_status)s;
  return HC_STATUS_FAILED;
}

/* The ticker's /fits rows (n from row at) into r->fits, with r->selected and the member
 * forecasts of r->member (read before). */
static int read_fits(hc_report_reader *rd, hsize_t at, hsize_t n, hc_result *r)
{
  const size_t stride = sizeof(fit_row);
  hsize_t      dims[2] = {0, 0};
  hid_t        dp = H5Dopen2(rd->fits, "params", H5P_DEFAULT), sq = dp >= 0 ? H5Dget_space(dp) : -1;
  const int    P = sq >= 0 && H5Sget_simple_extent_dims(sq, dims, NULL) == 2 ? (int)dims[1] : -1;
  if (sq >= 0) H5Sclose(sq);
  if (dp >= 0) H5Dclose(dp);
  if (P < 0 || P > HC_MAX_PARAMS) return -1;
  const size_t H = (size_t)rd->H;
  char        *rows = malloc((size_t)n * stride + 1);
  double      *v    = malloc(((size_t)n * (2 * (size_t)P + 2 * H) + 1) * sizeof *v);
  double      *par = v, *se = v + n * P, *fm = v + 2 * n * P, *fs = v + 2 * n * P + n * H;
  int          rc = !rows || !v || table_read(rd, rd->fits, hc_report_cols_fit, hc_report_cols_fit_n, stride, at, n, rows) ||
           (P && (read_cached(rd, rd->fits, "params", H5T_NATIVE_DOUBLE, at, n, par) ||
                  read_cached(rd, rd->fits, "stderr", H5T_NATIVE_DOUBLE, at, n, se))) ||
           read_cached(rd, rd->fits, "forecast_mean", H5T_NATIVE_DOUBLE, at, n, fm) ||
           read_cached(rd, rd->fits, "forecast_sd", H5T_NATIVE_DOUBLE, at, n, fs);
  for (hsize_t i = 0; !rc && i < n; i++) {
    const fit_row *h = (const fit_row *)(rows + i * stride);
    hc_fit_record  f;
    memset(&f, 0, sizeof f);
    hc_strlcpy(f.name, h->name, sizeof f.name);
    hc_strlcpy(f.mean_model, h->mean_model, sizeof f.mean_model);
    hc_strlcpy(f.vol_model, h->vol_model, sizeof f.vol_model);
    hc_strlcpy(f.reason, h->reason, sizeof f.reason);
    hc_strlcpy(f.stderr_type, h->stderr_type, sizeof f.stderr_type);
    f.status   = status_of(h->status);
    f.n_params = h->n_params < 0 ? 0 : h->n_params > P ? P : h->n_params;
    f.converged = h->converged, f.tao_reason = h->tao_reason, f.iterations = h->iterations, f.n_obs_used = h->n_obs;
    f.loglik = h->loglik, f.aic = h->aic, f.bic = h->bic;
    f.persistence = h->persistence, f.half_life = h->half_life, f.uncond_var = h->uncond_var;
    char  names[HC_FIT_NAMES_LEN];
    char *save = NULL, *tok;
    hc_strlcpy(names, h->param_names, sizeof names);
    tok = strtok_r(names, ",", &save);
    for (int k = 0; k < f.n_params; k++, tok = tok ? strtok_r(NULL, ",", &save) : NULL) {
      hc_strlcpy(f.param_names[k], tok ? tok : "", HC_PNAME_LEN);
      f.params[k]  = par[i * P + k];
      f.stderr_[k] = se[i * P + k];
    }
    if ((rc = hc_result_add_fit(r, &f) ? -1 : 0)) break;
    if (h->selected) r->selected = r->n_fits - 1;
    for (int m = 0; h->member && m < r->n_members; m++)
      if (!strcmp(r->member[m], f.name))
        for (size_t k = 0; k < H && k < (size_t)r->horizon; k++) {
          r->member_mean[(size_t)m * r->horizon + k] = fm[i * H + k];
          r->member_sd[(size_t)m * r->horizon + k]   = fs[i * H + k];
        }
  }
  free(rows);
  free(v);
  return rc;
}

/* Ticker i's rows of table k (columns cols, rows of `stride` bytes) into a malloc'd *rows. */
static int ticker_table(hc_report_reader *rd, int k, int i, const column *cols, size_t ncols, size_t stride, hsize_t *n, char **rows)
{
  const hid_t g[N_IX] = {rd->fits, rd->scores, rd->weights, rd->trading, rd->origins};
  *n                  = rd->count[k][i];
  if (!(*rows = malloc((size_t)*n * stride + 1))) return -1;
  return table_read((hc_report_reader *)rd, g[k], cols, ncols, stride, rd->first[k][i], *n, *rows);
}

int hc_io_report_read_record(hc_report_reader *rd, const char *ticker, hc_result *r, char *err, size_t errlen)
{
  H5E_auto2_t func;
  void       *data;
  summary_row s;
  hsize_t     at, nw = 0, nsc = 0, ntr = 0, nor = 0;
  char       *w = NULL, *sc = NULL, *tr = NULL, *orr = NULL;
  int         rc;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (!rd->first[0] && index_tables(rd)) { /* at the first record: a reader of the tickers or tracks alone needs no index */
    H5Eset_auto2(H5E_DEFAULT, func, data);
    snprintf(err, errlen, "cannot index the per-ticker tables of the report (not sorted by ticker?)");
    return -1;
  }
  const char(*hit)[HC_NAME_LEN] = bsearch(ticker, rd->ticker, (size_t)rd->N, sizeof *rd->ticker, by_name);
  if (!hit) {
    H5Eset_auto2(H5E_DEFAULT, func, data);
    return 1;
  }
  const int i = (int)(hit - rd->ticker);
  at          = (hsize_t)i;
  rc          = table_read(rd, rd->summary, hc_report_cols_summary, hc_report_cols_summary_n, sizeof s, at, 1, (char *)&s) ||
       hc_result_init(r, ticker, rd->H);
  if (!rc) { /* the summary's scalars into r, its arrays kept */
    double *block = r->mean;
    s.r.mean = s.r.sd = s.r.lo = s.r.hi = s.r.member_mean = s.r.member_sd = s.r.weights = NULL;
    s.r.fits = NULL, s.r.scores = NULL, s.r.member = NULL, s.r.strategy = NULL, s.r.onestep = NULL, s.r.units = NULL;
    s.r.n_fits = s.r.n_scores = s.r.n_members = s.r.n_strategy = s.r.n_onestep = s.r.n_units = 0;
    s.r.horizon  = rd->H;
    s.r.selected = -1;
    s.r.status   = status_of(s.status);
    s.r.input_hash = strtoull(s.input_hash, NULL, 16);
    *r           = s.r;
    r->mean = block, r->sd = block + rd->H, r->lo = block + 2 * rd->H, r->hi = block + (2 + HC_N_LEVELS) * rd->H;
    rc = read_cached(rd, rd->forecast, "mean", H5T_NATIVE_DOUBLE, at, 1, r->mean) ||
         read_cached(rd, rd->forecast, "sd", H5T_NATIVE_DOUBLE, at, 1, r->sd) ||
         read_cached(rd, rd->forecast, "lo", H5T_NATIVE_DOUBLE, at, 1, r->lo) ||
         read_cached(rd, rd->forecast, "hi", H5T_NATIVE_DOUBLE, at, 1, r->hi);
  }
  /* the live ensemble's members and weights, then the fits (member forecasts), scores, trading, track */
  if (!rc) rc = ticker_table(rd, IX_WEIGHTS, i, hc_report_cols_weight, hc_report_cols_weight_n, sizeof(ticker_row), &nw, &w);
  if (!rc && nw) {
    rc = hc_result_set_members(r, (int)nw) ? -1 : 0;
    for (hsize_t j = 0; !rc && j < nw; j++) {
      const ticker_row *row = (const ticker_row *)(w + j * sizeof(ticker_row));
      hc_strlcpy(r->member[j], row->model, HC_MODEL_LEN);
      for (int k = 0; k < HC_N_SCHEMES; k++) r->weights[(size_t)k * nw + j] = row->u.w[k];
    }
  }
  if (!rc) rc = read_fits(rd, rd->first[IX_FITS][i], rd->count[IX_FITS][i], r);
  if (!rc) rc = ticker_table(rd, IX_SCORES, i, hc_report_cols_score, hc_report_cols_score_n, sizeof(ticker_row), &nsc, &sc);
  if (!rc && nsc) {
    rc = !(r->scores = calloc(nsc, sizeof *r->scores));
    for (hsize_t j = 0; !rc && j < nsc; j++) r->scores[j] = ((const ticker_row *)(sc + j * sizeof(ticker_row)))->u.score;
    if (!rc) r->n_scores = (int)nsc;
  }
  if (!rc) rc = ticker_table(rd, IX_TRADING, i, hc_report_cols_trading, hc_report_cols_trading_n, sizeof(ticker_row), &ntr, &tr);
  if (!rc && ntr == 1) r->trading = ((const ticker_row *)tr)->u.trading;
  if (!rc) rc = ticker_table(rd, IX_ORIGINS, i, hc_report_cols_origin, hc_report_cols_origin_n, sizeof(origin_row), &nor, &orr);
  if (!rc && nor) {
    r->onestep  = malloc(sizeof *r->onestep * nor);
    r->strategy = ntr == 1 ? malloc(sizeof *r->strategy * nor) : NULL;
    rc          = !r->onestep || (ntr == 1 && !r->strategy);
    for (hsize_t j = 0; !rc && j < nor; j++) {
      const origin_row *o = (const origin_row *)(orr + j * sizeof(origin_row));
      r->onestep[j]       = o->p;
      if (r->strategy) r->strategy[j] = (hc_strategy_point){.position = o->position, .ret = o->ret};
      if (r->strategy) hc_strlcpy(r->strategy[j].date, o->p.date, HC_LABEL_LEN);
    }
    if (!rc) r->n_onestep = (int)nor, r->n_strategy = r->strategy ? (int)nor : 0;
  }
  free(w);
  free(sc);
  free(tr);
  free(orr);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (rc) {
    snprintf(err, errlen, "cannot read the rows of %s in the report", ticker);
    hc_result_free(r);
    return -1;
  }
  return 0;
}

/* A whole 1-D dataset `name` of g: n values of memory type mt (element size sz) into a malloc'd
 * *out (strings: HC_LABEL_LEN or HC_NAME_LEN wide, cut and terminated). @return 0 or -1. */
static int read_column(hid_t g, const char *name, hid_t mt, size_t sz, int n, void **out)
{
  *out = calloc((size_t)n + 1, sz);
  if (!*out) return -1;
  if (mt >= 0) return hc_report_read_rows(g, name, mt, 0, (hsize_t)n, *out);
  size_t w  = 0;
  hid_t  st = hc_report_str_type(g, name, &w);
  char  *buf = st >= 0 ? calloc((size_t)n + 1, w) : NULL;
  int    rc  = !buf || hc_report_read_rows(g, name, st, 0, (hsize_t)n, buf);
  for (int i = 0; !rc && i < n; i++) memcpy((char *)*out + (size_t)i * sz, buf + (size_t)i * w, w < sz - 1 ? w : sz - 1);
  free(buf);
  if (st >= 0) H5Tclose(st);
  return rc;
}

/* Rows of the 1-D dataset `name` of g, or -1. */
static int rows_of(hid_t g, const char *name)
{
  hid_t   d = H5Dopen2(g, name, H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t n = 0;
  int     ok = sp >= 0 && H5Sget_simple_extent_dims(sp, &n, NULL) == 1;
  if (sp >= 0) H5Sclose(sp);
  if (d >= 0) H5Dclose(d);
  return ok ? (int)n : -1;
}

/* A numeric scalar attribute of g as double or int (*v unchanged if absent). */
static void attr_num(hid_t g, const char *name, hid_t mt, void *v)
{
  hid_t a = H5Aexists(g, name) > 0 ? H5Aopen(g, name, H5P_DEFAULT) : -1;
  if (a >= 0) H5Aread(a, mt, v);
  if (a >= 0) H5Aclose(a);
}

void hc_io_report_tracks_free(hc_report_tracks *t)
{
  void *p[] = {t->cov_date, t->n_assets, t->r_gmv, t->s_gmv, t->r_ew, t->s_ew, t->ticker, t->weight, t->book_date, t->r_book, t->r_bench, t->turnover_t};
  for (size_t k = 0; k < sizeof p / sizeof *p; k++) free(p[k]);
  memset(t, 0, sizeof *t);
}

int hc_io_report_read_tracks(hc_report_reader *rd, hc_report_tracks *t, char *err, size_t errlen)
{
  H5E_auto2_t func;
  void       *data;
  int         rc = 0;
  memset(t, 0, sizeof *t);
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t g = H5Lexists(rd->file, "backtest/covariance", H5P_DEFAULT) > 0 ? H5Gopen2(rd->file, "backtest/covariance", H5P_DEFAULT) : -1;
  if (g >= 0) {
    const int n = rows_of(g, "date");
    rc          = n < 0 || read_column(g, "date", -1, HC_LABEL_LEN, n, (void **)&t->cov_date) ||
         read_column(g, "n_assets", H5T_NATIVE_INT, sizeof(int), n, (void **)&t->n_assets) ||
         read_column(g, "r_gmv", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->r_gmv) ||
         read_column(g, "s_gmv", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->s_gmv) ||
         read_column(g, "r_ew", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->r_ew) ||
         read_column(g, "s_ew", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->s_ew);
    if (!rc) t->cov_days = n;
    attr_num(g, "refits", H5T_NATIVE_INT, &t->refits);
    attr_num(g, "fallbacks", H5T_NATIVE_INT, &t->fallbacks);
    double *v[] = {&t->vol_gmv, &t->vol_ew, &t->pred_gmv, &t->pred_ew, &t->bias_gmv, &t->bias_ew};
    static const char *names[] = {"vol_gmv", "vol_ew", "pred_gmv", "pred_ew", "bias_gmv", "bias_ew"};
    for (int k = 0; k < 6; k++) *v[k] = NAN, attr_num(g, names[k], H5T_NATIVE_DOUBLE, v[k]);
    H5Gclose(g);
  }
  g = !rc && H5Lexists(rd->file, "portfolio", H5P_DEFAULT) > 0 ? H5Gopen2(rd->file, "portfolio", H5P_DEFAULT) : -1;
  if (g >= 0) {
    const int n = rows_of(g, "weight");
    rc          = n != rd->N || read_column(g, "weight", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->weight) ||
         !(t->ticker = malloc(sizeof *t->ticker * ((size_t)n + 1)));
    if (!rc) memcpy(t->ticker, rd->ticker, sizeof *t->ticker * (size_t)n);
    if (!rc) t->N = n;
    t->turnover = NAN;
    attr_num(g, "turnover", H5T_NATIVE_DOUBLE, &t->turnover);
    root_string(g, "as_of", t->as_of, sizeof t->as_of);
    H5Gclose(g);
  }
  g = !rc && t->N && H5Lexists(rd->file, "backtest/book", H5P_DEFAULT) > 0 ? H5Gopen2(rd->file, "backtest/book", H5P_DEFAULT) : -1;
  if (g >= 0) {
    const int n = rows_of(g, "date");
    rc          = n < 0 || read_column(g, "date", -1, HC_LABEL_LEN, n, (void **)&t->book_date) ||
         read_column(g, "book", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->r_book) ||
         read_column(g, "benchmark", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->r_bench) ||
         read_column(g, "turnover", H5T_NATIVE_DOUBLE, sizeof(double), n, (void **)&t->turnover_t);
    if (!rc) t->book_days = n;
    attr_num(g, "rebalances", H5T_NATIVE_INT, &t->rebalances);
    attr_num(g, "unconverged", H5T_NATIVE_INT, &t->unconverged);
    attr_num(g, "max_violation", H5T_NATIVE_DOUBLE, &t->max_violation);
    H5Gclose(g);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (rc) {
    hc_io_report_tracks_free(t);
    snprintf(err, errlen, "cannot read /backtest/covariance, /portfolio or /backtest/book");
    return -1;
  }
  return 0;
}
