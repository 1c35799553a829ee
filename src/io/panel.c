/**
 * @file panel.c
 * @brief The HDF5 panel universe: every ticker's series in one file (docs/panel.md).
 *
 * Layout (format "hpcast-panel", version 1): the index `/ticker` [N] (sorted by strcmp,
 * unique), `/offset` [N+1] (int64: ticker i's rows are [offset[i], offset[i+1])), `/reason` [N]
 * (why a ticker's data could not be stored, "" if they were), `/note` [N] (a remark on accepted
 * data, e.g. "reversed: newest first"), `/dated` [N] (int8: 1 if the ticker's labels are dates);
 * the data as ragged 1-D arrays of R rows, the tickers' rows one after the other, oldest first:
 * `/time` [R] (int64 seconds since 1970-01-01 UTC; 0 for a ticker that is not dated) and one
 * float64 dataset `/columns/<name>` [R] per column (adjusted_close, close, high, low, open,
 * volume, ...; NaN where a cell was missing), with `/present/<name>` [N] (int8: 1 if the
 * ticker's source had the column, as a CSV file may lack volume). A ticker's labels are the ISO rendering of its
 * times (`YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS` off midnight), or 1, 2, ... when not dated;
 * labels written otherwise in the source (`2002-03-25 00:00:00`, `03/25/2002`, `1949M01`) are
 * kept as strings in `/label` [L] (32 bytes each) at `/label_offset` [N+1], only for the
 * tickers that need it, so that a job reads back exactly the series it would read from the
 * source. Reading one ticker is one contiguous hyperslab per dataset: its own rows and at most
 * the two chunks they straddle.
 */
#include "hpcast/io.h"
#include "universe.h"

#include <hdf5.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DATA_CHUNK  65536 /* rows per chunk of the data datasets (512 KiB of float64) */
#define INDEX_CHUNK 1024  /* entries per chunk of the index datasets */

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;
  if (!err || !errlen) return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* A fixed-width, NUL-padded ASCII string type of width w. */
static hid_t str_type(size_t w)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return -1;
  if (H5Tset_size(t, w) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 || H5Tset_cset(t, H5T_CSET_ASCII) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

int hc_io_is_panel(const char *path)
{
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char                  b[8];
  struct stat                    st;
  if (stat(path, &st) || !S_ISREG(st.st_mode)) return 0; /* a FIFO is never opened: it would block */
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t got = fread(b, 1, sizeof b, f);
  fclose(f);
  return got == sizeof b && !memcmp(b, sig, sizeof b);
}

/* ------------------------------------------------------------------------------------------
 * Writer
 * ------------------------------------------------------------------------------------------ */

struct hc_panel_writer {
  hid_t     f, d_ticker, d_offset, d_reason, d_note, d_dated, d_time, d_label, d_loff, d_col[HC_PANEL_MAX_COLUMNS];
  hid_t     d_present[HC_PANEL_MAX_COLUMNS];
  hid_t     t_name, t_reason, t_label;
  int       n_cols, n;
  long long rows, labels;
  char      last[HC_NAME_LEN];
  char      path[HC_PATH_LEN], tmp[HC_PATH_LEN + 32];
};

/* An extendible 1-D dataset of type ft, chunked by chunk, compressed at level (0: not). */
static hid_t create_1d(hid_t loc, const char *name, hid_t ft, hsize_t chunk, int level)
{
  hsize_t dims = 0, maxdims = H5S_UNLIMITED;
  hid_t   sp = H5Screate_simple(1, &dims, &maxdims), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
  if (sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0 &&
      (level <= 0 || (H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)level) >= 0)))
    d = H5Dcreate2(loc, name, ft, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (dcpl >= 0) H5Pclose(dcpl);
  if (sp >= 0) H5Sclose(sp);
  return d;
}

/* Append n elements of memory type mt from buf at the end (at) of the 1-D dataset d. */
static int append_1d(hid_t d, hid_t mt, hsize_t at, hsize_t n, const void *buf)
{
  hsize_t size = at + n;
  int     rc   = -1;
  if (!n) return 0;
  if (H5Dset_extent(d, &size) < 0) return -1;
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &n, NULL);
  if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n, NULL) >= 0 &&
      H5Dwrite(d, mt, ms, fs, H5P_DEFAULT, buf) >= 0)
    rc = 0;
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  return rc;
}

static int write_str_attr(hid_t loc, const char *name, const char *v)
{
  hid_t t = str_type(strlen(v) + 1), sp = H5Screate(H5S_SCALAR), a = -1;
  int   rc = -1;
  if (t >= 0 && sp >= 0 && (a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, t, v) >= 0) rc = 0;
  if (a >= 0) H5Aclose(a);
  if (sp >= 0) H5Sclose(sp);
  if (t >= 0) H5Tclose(t);
  return rc;
}

static int write_int_attr(hid_t loc, const char *name, int v)
{
  hid_t sp = H5Screate(H5S_SCALAR), a = -1;
  int   rc = -1;
  if (sp >= 0 && (a = H5Acreate2(loc, name, H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, H5T_NATIVE_INT, &v) >= 0) rc = 0;
  if (a >= 0) H5Aclose(a);
  if (sp >= 0) H5Sclose(sp);
  return rc;
}

/* Close every handle of w (the file last). */
static void writer_close(hc_panel_writer *w)
{
  hid_t *d[] = {&w->d_ticker, &w->d_offset, &w->d_reason, &w->d_note, &w->d_dated, &w->d_time, &w->d_label, &w->d_loff};
  for (size_t k = 0; k < sizeof d / sizeof *d; k++)
    if (*d[k] >= 0) H5Dclose(*d[k]), *d[k] = -1;
  for (int c = 0; c < HC_PANEL_MAX_COLUMNS; c++)
    if (w->d_col[c] >= 0) H5Dclose(w->d_col[c]), w->d_col[c] = -1;
  for (int c = 0; c < HC_PANEL_MAX_COLUMNS; c++)
    if (w->d_present[c] >= 0) H5Dclose(w->d_present[c]), w->d_present[c] = -1;
  if (w->t_name >= 0) H5Tclose(w->t_name), w->t_name = -1;
  if (w->t_reason >= 0) H5Tclose(w->t_reason), w->t_reason = -1;
  if (w->t_label >= 0) H5Tclose(w->t_label), w->t_label = -1;
  if (w->f >= 0) H5Fclose(w->f), w->f = -1;
}

void hc_io_panel_abort(hc_panel_writer **pw)
{
  hc_panel_writer *w = *pw;
  if (!w) return;
  H5E_BEGIN_TRY { writer_close(w); }
  H5E_END_TRY;
  unlink(w->tmp);
  free(w);
  *pw = NULL;
}

int hc_io_panel_create(const char *path, int n_columns, const char *const *columns, int level,
                       hc_panel_writer **pw, char *err, size_t errlen)
{
  hc_panel_writer *w;
  const long long  zero = 0;
  *pw                   = NULL;
  if (n_columns < 1 || n_columns > HC_PANEL_MAX_COLUMNS) {
    set_err(err, errlen, "panel '%s': %d columns (1..%d allowed)", path, n_columns, HC_PANEL_MAX_COLUMNS);
    return -1;
  }
  if (strlen(path) >= HC_PATH_LEN) {
    set_err(err, errlen, "panel '%s': path too long", path);
    return -1;
  }
  if (!(w = calloc(1, sizeof *w))) return set_err(err, errlen, "panel '%s': out of memory", path), -1;
  w->f = w->d_ticker = w->d_offset = w->d_reason = w->d_note = w->d_dated = w->d_time = w->d_label = w->d_loff = -1;
  w->t_name = w->t_reason = w->t_label = -1;
  for (int c = 0; c < HC_PANEL_MAX_COLUMNS; c++) w->d_col[c] = w->d_present[c] = -1;
  w->n_cols = n_columns;
  hc_strlcpy(w->path, path, sizeof w->path);
  snprintf(w->tmp, sizeof w->tmp, "%s.tmp.%ld", path, (long)getpid());
  int ok = 0;
  H5E_BEGIN_TRY
  {
    hid_t g = -1, gp = -1;
    ok      = (w->f = H5Fcreate(w->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && (w->t_name = str_type(HC_NAME_LEN)) >= 0 &&
         (w->t_reason = str_type(HC_REASON_LEN)) >= 0 && (w->t_label = str_type(HC_LABEL_LEN)) >= 0 &&
         !write_str_attr(w->f, "format", HC_PANEL_FORMAT) && !write_int_attr(w->f, "format_version", HC_PANEL_VERSION) &&
         (w->d_ticker = create_1d(w->f, "ticker", w->t_name, INDEX_CHUNK, 0)) >= 0 &&
         (w->d_offset = create_1d(w->f, "offset", H5T_STD_I64LE, INDEX_CHUNK, 0)) >= 0 &&
         (w->d_reason = create_1d(w->f, "reason", w->t_reason, INDEX_CHUNK, 6)) >= 0 &&
         (w->d_note = create_1d(w->f, "note", w->t_reason, INDEX_CHUNK, 6)) >= 0 &&
         (w->d_dated = create_1d(w->f, "dated", H5T_STD_I8LE, INDEX_CHUNK, 0)) >= 0 &&
         (w->d_loff = create_1d(w->f, "label_offset", H5T_STD_I64LE, INDEX_CHUNK, 0)) >= 0 &&
         (w->d_label = create_1d(w->f, "label", w->t_label, INDEX_CHUNK, 6)) >= 0 &&
         (w->d_time = create_1d(w->f, "time", H5T_STD_I64LE, DATA_CHUNK, level)) >= 0 &&
         !append_1d(w->d_offset, H5T_NATIVE_LLONG, 0, 1, &zero) && !append_1d(w->d_loff, H5T_NATIVE_LLONG, 0, 1, &zero) &&
         (g = H5Gcreate2(w->f, "columns", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
         (gp = H5Gcreate2(w->f, "present", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0;
    for (int c = 0; ok && c < n_columns; c++) {
      ok = columns[c][0] && strlen(columns[c]) < HC_NAME_LEN && !strchr(columns[c], '/') && !strchr(columns[c], '.');
      for (int k = 0; ok && k < c; k++) ok = strcmp(columns[k], columns[c]) != 0;
      ok = ok && (w->d_col[c] = create_1d(g, columns[c], H5T_IEEE_F64LE, DATA_CHUNK, level)) >= 0 &&
           (w->d_present[c] = create_1d(gp, columns[c], H5T_STD_I8LE, INDEX_CHUNK, 0)) >= 0;
    }
    if (g >= 0) H5Gclose(g);
    if (gp >= 0) H5Gclose(gp);
  }
  H5E_END_TRY;
  *pw = w;
  if (!ok) {
    set_err(err, errlen, "panel '%s': cannot create it (a directory that does not exist, no permission, or a bad column name)", path);
    hc_io_panel_abort(pw);
    return -1;
  }
  return 0;
}

static void time_label(long long t, char *out, size_t len);

int hc_io_panel_append(hc_panel_writer *w, const char *ticker, int n, const long long *time, const char (*label)[HC_LABEL_LEN],
                       const double *const *columns, const char *reason, const char *note, char *err, size_t errlen)
{
  char        name[HC_NAME_LEN] = {0}, why[HC_REASON_LEN] = {0}, rem[HC_REASON_LEN] = {0}, iso[HC_LABEL_LEN];
  long long   end = w->rows + n, *zero = NULL, lend = w->labels;
  double     *nan = NULL;
  const char  dated = time != NULL;
  int         ok = 1, own = 0; /* own: the labels are not the canonical rendering, keep them */
  if (!ticker[0] || strlen(ticker) >= HC_NAME_LEN || (w->n && strcmp(w->last, ticker) >= 0)) {
    set_err(err, errlen, "panel '%s': ticker '%s' is empty, too long or not after '%s' (tickers sorted, unique)", w->path, ticker, w->last);
    return -1;
  }
  n = n > 0 ? n : 0;
  for (int t = 0; label && !own && t < n; t++) {
    if (dated) time_label(time[t], iso, sizeof iso);
    else snprintf(iso, sizeof iso, "%d", t + 1);
    own = strncmp(iso, label[t], HC_LABEL_LEN) != 0;
  }
  if (own) lend += n;
  for (int c = 0; n > 0 && c < w->n_cols && !nan; c++)
    if (!(columns && columns[c]) && !(nan = malloc(sizeof *nan * (size_t)n))) ok = 0;
  if (n > 0 && !dated && !(zero = calloc((size_t)n, sizeof *zero))) ok = 0;
  if (!ok) {
    free(nan);
    return set_err(err, errlen, "panel '%s': out of memory", w->path), -1;
  }
  for (int t = 0; nan && t < n; t++) nan[t] = NAN;
  hc_strlcpy(name, ticker, sizeof name);
  hc_strlcpy(why, reason ? reason : "", sizeof why);
  hc_strlcpy(rem, note ? note : "", sizeof rem);
  H5E_BEGIN_TRY
  {
    ok = !append_1d(w->d_time, H5T_NATIVE_LLONG, (hsize_t)w->rows, (hsize_t)n, dated ? time : zero) &&
         (!own || !append_1d(w->d_label, w->t_label, (hsize_t)w->labels, (hsize_t)n, label));
    for (int c = 0; ok && c < w->n_cols; c++) {
      const char has = n > 0 && columns && columns[c];
      ok = !append_1d(w->d_present[c], H5T_NATIVE_CHAR, (hsize_t)w->n, 1, &has) &&
           (n == 0 || !append_1d(w->d_col[c], H5T_NATIVE_DOUBLE, (hsize_t)w->rows, (hsize_t)n, has ? columns[c] : nan));
    }
    ok = ok && !append_1d(w->d_ticker, w->t_name, (hsize_t)w->n, 1, name) && !append_1d(w->d_reason, w->t_reason, (hsize_t)w->n, 1, why) &&
         !append_1d(w->d_note, w->t_reason, (hsize_t)w->n, 1, rem) && !append_1d(w->d_dated, H5T_NATIVE_CHAR, (hsize_t)w->n, 1, &dated) &&
         !append_1d(w->d_offset, H5T_NATIVE_LLONG, (hsize_t)w->n + 1, 1, &end) &&
         !append_1d(w->d_loff, H5T_NATIVE_LLONG, (hsize_t)w->n + 1, 1, &lend);
  }
  H5E_END_TRY;
  free(nan);
  free(zero);
  if (!ok) return set_err(err, errlen, "panel '%s': writing ticker '%s' failed (disk full?)", w->path, ticker), -1;
  w->rows   = end;
  w->labels = lend;
  w->n++;
  hc_strlcpy(w->last, ticker, sizeof w->last);
  return 0;
}

int hc_io_panel_finish(hc_panel_writer **pw, char *err, size_t errlen)
{
  hc_panel_writer *w  = *pw;
  int              ok = 1;
  H5E_BEGIN_TRY
  {
    ok = write_int_attr(w->f, "n_tickers", w->n) == 0 && H5Fflush(w->f, H5F_SCOPE_GLOBAL) >= 0;
    hid_t f = w->f;
    w->f    = -1;
    writer_close(w);
    ok = H5Fclose(f) >= 0 && ok;
  }
  H5E_END_TRY;
  int fd = ok ? open(w->tmp, O_RDONLY) : -1;
  ok     = ok && fd >= 0 && fsync(fd) == 0;
  if (fd >= 0) close(fd);
  if (!ok || rename(w->tmp, w->path)) {
    set_err(err, errlen, "panel '%s': cannot write it: %s", w->path, errno ? strerror(errno) : "HDF5 error");
    hc_io_panel_abort(pw);
    return -1;
  }
  free(w);
  *pw = NULL;
  return 0;
}

/* ------------------------------------------------------------------------------------------
 * Reader
 * ------------------------------------------------------------------------------------------ */

struct hc_panel {
  hid_t      f, d_time, d_note, d_label, d_col[HC_PANEL_MAX_COLUMNS];
  hid_t      t_reason, t_label;
  int        n, n_cols;
  long long *offset, *loff;                         /* [n + 1] rows and kept labels of each ticker */
  char      *dated;                                 /* [n] 1 if the ticker's labels are dates */
  char      *present[HC_PANEL_MAX_COLUMNS];          /* [n] per column: 1 if the ticker's source had it */
  char       col[HC_PANEL_MAX_COLUMNS][HC_NAME_LEN]; /* the columns, in name order */
  char       path[HC_PATH_LEN];
};

void hc_io_panel_close(hc_panel **pp)
{
  hc_panel *p = *pp;
  if (!p) return;
  H5E_BEGIN_TRY
  {
    for (int c = 0; c < p->n_cols; c++)
      if (p->d_col[c] >= 0) H5Dclose(p->d_col[c]);
    hid_t h[] = {p->d_time, p->d_note, p->d_label};
    for (size_t k = 0; k < sizeof h / sizeof *h; k++)
      if (h[k] >= 0) H5Dclose(h[k]);
    if (p->t_reason >= 0) H5Tclose(p->t_reason);
    if (p->t_label >= 0) H5Tclose(p->t_label);
    if (p->f >= 0) H5Fclose(p->f);
  }
  H5E_END_TRY;
  free(p->offset);
  free(p->loff);
  free(p->dated);
  for (int c = 0; c < HC_PANEL_MAX_COLUMNS; c++) free(p->present[c]);
  free(p);
  *pp = NULL;
}

/* 1-D extent of dataset d, or -1. */
static long long extent(hid_t d)
{
  hsize_t n  = 0;
  hid_t   sp = H5Dget_space(d);
  int     ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 && H5Sget_simple_extent_dims(sp, &n, NULL) == 1;
  if (sp >= 0) H5Sclose(sp);
  return ok ? (long long)n : -1;
}

/* Read elements [at, at + n) of the 1-D dataset d as memory type mt into buf. */
static int read_1d(hid_t d, hid_t mt, hsize_t at, hsize_t n, void *buf)
{
  int rc = -1;
  if (!n) return 0;
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &n, NULL);
  if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n, NULL) >= 0 &&
      H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf) >= 0)
    rc = 0;
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  return rc;
}

static herr_t list_column(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  hc_panel *p = data;
  (void)info;
  if (p->n_cols == HC_PANEL_MAX_COLUMNS || strlen(name) >= HC_NAME_LEN) return -1;
  hc_strlcpy(p->col[p->n_cols], name, HC_NAME_LEN);
  p->d_col[p->n_cols] = H5Dopen2(g, name, H5P_DEFAULT);
  return p->d_col[p->n_cols++] < 0 ? -1 : 0;
}

/* The value of the string attribute name of loc into v[len]; -1 if absent or not a string. */
static int read_str_attr(hid_t loc, const char *name, char *v, size_t len)
{
  int rc = -1;
  if (H5Aexists(loc, name) <= 0) return -1;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT), ft = a >= 0 ? H5Aget_type(a) : -1;
  if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && !H5Tis_variable_str(ft) && H5Tget_size(ft) < len) {
    hid_t mt = str_type(H5Tget_size(ft));
    memset(v, 0, len);
    if (mt >= 0 && H5Aread(a, mt, v) >= 0) rc = 0;
    if (mt >= 0) H5Tclose(mt);
  }
  if (ft >= 0) H5Tclose(ft);
  if (a >= 0) H5Aclose(a);
  return rc;
}

/* The int64 [n + 1] offsets of dataset name into a malloc'd *off: non-decreasing from 0 to the
 * extent of the dataset `data` they index, with steps below INT_MAX. @return 0 or -1. */
static int read_offsets(hid_t f, const char *name, int n, long long **off, hid_t data)
{
  hid_t d  = H5Dopen2(f, name, H5P_DEFAULT);
  int   ok = d >= 0 && extent(d) == (long long)n + 1 && (*off = malloc(sizeof **off * ((size_t)n + 1))) &&
           !read_1d(d, H5T_NATIVE_LLONG, 0, (hsize_t)n + 1, *off) && (*off)[0] == 0;
  for (int i = 0; ok && i < n; i++) ok = (*off)[i + 1] >= (*off)[i] && (*off)[i + 1] - (*off)[i] <= INT_MAX;
  ok = ok && (*off)[n] == extent(data);
  if (d >= 0) H5Dclose(d);
  return ok ? 0 : -1;
}

int hc_io_panel_open(const char *path, hc_panel **pp, char *err, size_t errlen)
{
  hc_panel *p;
  char      fmt[64] = "";
  int       version = 0, ok;
  *pp               = NULL;
  if (!(p = calloc(1, sizeof *p))) return set_err(err, errlen, "out of memory"), -1;
  p->f = p->d_time = p->d_note = p->d_label = p->t_reason = p->t_label = -1;
  hc_strlcpy(p->path, path, sizeof p->path);
  H5E_BEGIN_TRY
  {
    hid_t a = -1, g = -1, d_reason = -1, d_dated = -1;
    ok = (p->f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0;
    if (!ok) set_err(err, errlen, "not an HDF5 file that can be opened");
    ok = ok && !read_str_attr(p->f, "format", fmt, sizeof fmt) && !strcmp(fmt, HC_PANEL_FORMAT);
    if (!ok && p->f >= 0) set_err(err, errlen, "an HDF5 file, but not an hpcast panel (root attribute format = \"%s\" missing)", HC_PANEL_FORMAT);
    if (ok) {
      ok = (a = H5Aopen(p->f, "format_version", H5P_DEFAULT)) >= 0 && H5Aread(a, H5T_NATIVE_INT, &version) >= 0 && version == HC_PANEL_VERSION;
      if (!ok) set_err(err, errlen, "panel format_version %d, this hpcast reads version %d", version, HC_PANEL_VERSION);
    }
    if (ok) {
      ok = (d_reason = H5Dopen2(p->f, "reason", H5P_DEFAULT)) >= 0 && (d_dated = H5Dopen2(p->f, "dated", H5P_DEFAULT)) >= 0 &&
           (p->d_note = H5Dopen2(p->f, "note", H5P_DEFAULT)) >= 0 && (p->d_time = H5Dopen2(p->f, "time", H5P_DEFAULT)) >= 0 &&
           (p->d_label = H5Dopen2(p->f, "label", H5P_DEFAULT)) >= 0 && (p->t_reason = str_type(HC_REASON_LEN)) >= 0 &&
           (p->t_label = str_type(HC_LABEL_LEN)) >= 0 && (g = H5Gopen2(p->f, "columns", H5P_DEFAULT)) >= 0 &&
           H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, list_column, p) >= 0 && p->n_cols > 0;
      const long long m = ok ? extent(d_reason) : -1;
      ok = ok && m >= 0 && m <= INT_MAX && extent(p->d_note) == m && extent(d_dated) == m;
      p->n = ok ? (int)m : 0;
      ok   = ok && !read_offsets(p->f, "offset", p->n, &p->offset, p->d_time) && !read_offsets(p->f, "label_offset", p->n, &p->loff, p->d_label) &&
           (p->dated = malloc((size_t)p->n + 1)) && !read_1d(d_dated, H5T_NATIVE_CHAR, 0, (hsize_t)p->n, p->dated);
      for (int i = 0; ok && i < p->n; i++) ok = p->loff[i + 1] == p->loff[i] || p->loff[i + 1] - p->loff[i] == p->offset[i + 1] - p->offset[i];
      for (int c = 0; ok && c < p->n_cols; c++) {
        hid_t ft = H5Dget_type(p->d_col[c]), gp = H5Gopen2(p->f, "present", H5P_DEFAULT), dp = gp >= 0 ? H5Dopen2(gp, p->col[c], H5P_DEFAULT) : -1;
        ok = ft >= 0 && H5Tget_class(ft) == H5T_FLOAT && extent(p->d_col[c]) == p->offset[p->n] && dp >= 0 && extent(dp) == p->n &&
             (p->present[c] = malloc((size_t)p->n + 1)) && !read_1d(dp, H5T_NATIVE_CHAR, 0, (hsize_t)p->n, p->present[c]);
        if (dp >= 0) H5Dclose(dp);
        if (gp >= 0) H5Gclose(gp);
        if (ft >= 0) H5Tclose(ft);
      }
      if (!ok) set_err(err, errlen, "a malformed panel: its index and data (/offset, /label_offset, /reason, /note, /dated, /time, /label, /columns) do not match the layout of docs/panel.md");
    }
    if (a >= 0) H5Aclose(a);
    if (g >= 0) H5Gclose(g);
    if (d_reason >= 0) H5Dclose(d_reason);
    if (d_dated >= 0) H5Dclose(d_dated);
  }
  H5E_END_TRY;
  if (!ok) {
    hc_io_panel_close(&p);
    return -1;
  }
  *pp = p;
  return 0;
}

int hc_io_panel_columns(const hc_panel *p, const char (**names)[HC_NAME_LEN])
{
  *names = (const char (*)[HC_NAME_LEN])p->col;
  return p->n_cols;
}

/* Dataset of column name, or -1; for ticker i (>= 0), -1 also when its source lacked the column. */
static hid_t column(const hc_panel *p, const char *name, int i)
{
  for (int c = 0; c < p->n_cols; c++)
    if (!strcmp(p->col[c], name)) return i < 0 || p->present[c][i] ? p->d_col[c] : -1;
  return -1;
}

/* The label of observation i of an undated series: its number i + 1 in decimal, written out by
 * hand (snprintf cost more than the read). */
static void index_label(int i, char out[HC_LABEL_LEN])
{
  char         d[12];
  int          k = 0;
  unsigned int v = (unsigned int)i + 1u;
  do d[k++] = (char)('0' + v % 10u);
  while ((v /= 10u) != 0u);
  for (int j = 0; j < k; j++) out[j] = d[k - 1 - j];
  out[k] = '\0';
}

/* The label of instant t: ISO date (a midnight), else ISO date and time. The date of a
 * midnight by the civil-from-days algorithm of Hinnant ("chrono-Compatible Low-Level Date
 * Algorithms", 2013), written out by hand: strftime would cost more than the read. */
static void time_label(long long t, char *out, size_t len)
{
  if (t % 86400 == 0 && len >= 11) {
    const long long z = t / 86400 + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    if (y >= 0 && y <= 9999) {
      const int v[3] = {(int)y, (int)m, (int)d};
      out[0] = (char)('0' + v[0] / 1000), out[1] = (char)('0' + v[0] / 100 % 10), out[2] = (char)('0' + v[0] / 10 % 10), out[3] = (char)('0' + v[0] % 10);
      out[4] = '-', out[5] = (char)('0' + v[1] / 10), out[6] = (char)('0' + v[1] % 10);
      out[7] = '-', out[8] = (char)('0' + v[2] / 10), out[9] = (char)('0' + v[2] % 10), out[10] = '\0';
      return;
    }
  }
  const time_t tt = (time_t)t;
  struct tm    tm;
  if (!gmtime_r(&tt, &tm) || !strftime(out, len, t % 86400 == 0 ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S", &tm)) snprintf(out, len, "%lld", t);
}

int hc_io_panel_read(const hc_panel *p, int i, const char *ticker, const char *column_name, hc_series *s, char *reason, size_t len)
{
  int ok;
  memset(s, 0, sizeof *s);
  hc_strlcpy(s->ticker, ticker, sizeof s->ticker);
  if (i < 0 || i >= p->n) return set_err(reason, len, "not in the panel"), 1;
  const hid_t d_val = column(p, column_name, i);
  if (d_val < 0) return set_err(reason, len, column(p, column_name, -1) < 0 ? "no column '%s' in the panel" : "no column '%s' in its source", column_name), 1;
  const long long at = p->offset[i], lat = p->loff[i];
  const int       n = (int)(p->offset[i + 1] - at), own = p->loff[i + 1] > lat, dated = p->dated[i] != 0;
  if (n == 0) return set_err(reason, len, "no data rows"), 1;
  hid_t const d_opt[3] = {column(p, "high", i), column(p, "low", i), column(p, "close", i)}, d_vol = column(p, "volume", i);
  if (hc_series_alloc(s, n, d_vol >= 0)) return -1;
  hc_strlcpy(s->ticker, ticker, sizeof s->ticker);
  double **opt[3] = {&s->high, &s->low, &s->close};
  for (int k = 0; k < 3; k++)
    if (d_opt[k] >= 0 && !(*opt[k] = malloc(sizeof(double) * (size_t)n))) return hc_series_free(s), -1;
  if (dated && !(s->time = malloc(sizeof *s->time * (size_t)n))) return hc_series_free(s), -1;
  H5E_BEGIN_TRY
  {
    ok = !read_1d(d_val, H5T_NATIVE_DOUBLE, (hsize_t)at, (hsize_t)n, s->value) && !read_1d(p->d_note, p->t_reason, (hsize_t)i, 1, s->note) &&
         (d_vol < 0 || !read_1d(d_vol, H5T_NATIVE_DOUBLE, (hsize_t)at, (hsize_t)n, s->volume)) &&
         (!dated || !read_1d(p->d_time, H5T_NATIVE_LLONG, (hsize_t)at, (hsize_t)n, s->time)) &&
         (!own || !read_1d(p->d_label, p->t_label, (hsize_t)lat, (hsize_t)n, s->label));
    for (int k = 0; ok && k < 3; k++) ok = d_opt[k] < 0 || !read_1d(d_opt[k], H5T_NATIVE_DOUBLE, (hsize_t)at, (hsize_t)n, *opt[k]);
  }
  H5E_END_TRY;
  if (!ok) {
    hc_series_free(s);
    hc_strlcpy(s->ticker, ticker, sizeof s->ticker);
    return set_err(reason, len, "panel '%s': cannot read the rows of %s (a damaged file?)", p->path, ticker), 1;
  }
  s->note[sizeof s->note - 1] = '\0';
  for (int t = 0; t < n; t++) {
    if (own) s->label[t][HC_LABEL_LEN - 1] = '\0';
    else if (dated) time_label(s->time[t], s->label[t], sizeof s->label[t]);
    else index_label(t, s->label[t]);
  }
  s->labels_are_dates = dated;
  return 0;
}

int hc_io_universe_panel(const char *file, hc_universe *u, char *err, size_t errlen)
{
  hc_panel   *p;
  struct stat st;
  int         ok;
  memset(u, 0, sizeof *u);
  if (stat(file, &st)) return set_err(err, errlen, "%s", strerror(errno)), -1;
  if (hc_io_panel_open(file, &p, err, errlen)) return -1;
  hid_t d_ticker = -1, d_reason = -1, t_name = str_type(HC_NAME_LEN);
  ok = !hc_universe_alloc(u, p->n, strlen(file) + 1) && t_name >= 0;
  if (ok) {
    strcpy(u->path_pool, file);
    u->is_panel = 1;
  }
  H5E_BEGIN_TRY
  {
    ok = ok && (d_ticker = H5Dopen2(p->f, "ticker", H5P_DEFAULT)) >= 0 && extent(d_ticker) == p->n &&
         !read_1d(d_ticker, t_name, 0, (hsize_t)p->n, u->ticker) && (d_reason = H5Dopen2(p->f, "reason", H5P_DEFAULT)) >= 0 &&
         !read_1d(d_reason, p->t_reason, 0, (hsize_t)p->n, u->reason);
    if (d_reason >= 0) H5Dclose(d_reason);
    if (d_ticker >= 0) H5Dclose(d_ticker);
    H5Tclose(t_name);
  }
  H5E_END_TRY;
  if (!ok) set_err(err, errlen, "a malformed panel: cannot read /ticker and /reason (N = %d)", p->n);
  const long long row_bytes = 8LL * (p->n_cols + 1);
  for (int i = 0; ok && i < p->n; i++) {
    u->ticker[i][HC_NAME_LEN - 1] = u->reason[i][HC_REASON_LEN - 1] = '\0';
    ok = u->ticker[i][0] && (i == 0 || strcmp(u->ticker[i - 1], u->ticker[i]) < 0);
    for (const char *c = u->ticker[i]; ok && *c; c++) ok = *c > ' ' && *c < 127 && *c != '/';
    if (!ok) set_err(err, errlen, "panel ticker %d ('%s') is empty, not printable ASCII, or not after the one before (sorted, unique)", i, u->ticker[i]);
    u->path[i]     = u->path_pool;
    u->bytes[i]    = (long)((p->offset[i + 1] - p->offset[i]) * row_bytes); /* the rows' bytes in the file: the cost proxy */
    u->mtime_ns[i] = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  }
  hc_io_panel_close(&p);
  if (!ok) {
    hc_io_universe_free(u);
    return -1;
  }
  return 0;
}
