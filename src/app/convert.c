/**
 * @file convert.c
 * @brief `hpcast convert`: a universe of CSV files (or one wide CSV file of the M4 format) into
 *        one HDF5 panel file (docs/panel.md), the input a large universe comes in.
 *
 * Every input ticker ends in the panel: its rows, or no rows and the reason the CSV reader
 * gave (so that a job on the panel reports it as a job on the directory does). One process:
 * the files are read one after the other and the panel written as they are read, so memory
 * holds one ticker.
 */
#include "app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The columns a panel converted from CSV files stores: the value column (-column), then the
 * others the technical indicators and the quality gate read, each once. */
static const char *const csv_columns[] = {"open", "high", "low", "close", "volume"};
#define MAX_COLS (1 + (int)(sizeof csv_columns / sizeof *csv_columns))

typedef struct {
  hc_panel_writer *w;
  hc_universe      u;
  hc_wide_series  *wide;
  int              n_wide, n_reason;
  long long        rows;
  char             err[HC_PATH_LEN + 256];
} convert_ctx;

static void convert_release(convert_ctx *c)
{
  hc_io_panel_abort(&c->w);
  hc_io_universe_free(&c->u);
  hc_io_wide_free(c->wide, c->n_wide);
  c->wide   = NULL;
  c->n_wide = 0;
}

/* PetscCheck once the panel is begun: give everything up (its temporary file is removed). */
#define ConvertCheck(c, cond, code, ...) \
  do { \
    if (PetscUnlikely(!(cond))) { \
      char convert_msg_[2 * HC_PATH_LEN]; \
      snprintf(convert_msg_, sizeof convert_msg_, __VA_ARGS__); \
      convert_release(c); \
      SETERRQ(PETSC_COMM_SELF, code, "%s", convert_msg_); \
    } \
  } while (0)

/* The array of column `name` that hc_io_read_csv fills itself (NULL: none, or not read). */
static const double *series_column(const hc_series *s, const char *name)
{
  return !strcmp(name, "high") ? s->high : !strcmp(name, "low") ? s->low : !strcmp(name, "close") ? s->close : !strcmp(name, "volume") ? s->volume : NULL;
}

/* One CSV file (universe entry i) into the panel: its rows, or its reason. The value column is
 * read with -column; "open" needs a second read (hc_io_read_csv fills the others itself). */
static PetscErrorCode convert_csv(convert_ctx *c, int i, const char *column, int n_cols, const char *const *cols)
{
  hc_series   s = {0}, so = {0};
  char        why[HC_REASON_LEN] = "";
  int         rc                 = 0;
  const char *ticker             = c->u.ticker[i];

  PetscFunctionBeginUser;
  if (c->u.reason[i][0]) hc_strlcpy(why, c->u.reason[i], sizeof why);
  else rc = hc_io_read_csv(c->u.path[i], ticker, column, &s, why, sizeof why);
  ConvertCheck(c, rc >= 0, PETSC_ERR_MEM, "out of memory reading %s", c->u.path[i]);
  const double *col[MAX_COLS] = {0};
  if (!why[0]) {
    for (int k = 0; k < n_cols; k++) {
      const char *name = cols[k];
      col[k]           = k == 0 ? s.value : series_column(&s, name);
      if (!strcmp(name, "open") && k > 0) {
        char ignore[HC_REASON_LEN];
        rc = hc_io_read_csv(c->u.path[i], ticker, "open", &so, ignore, sizeof ignore);
        ConvertCheck(c, rc >= 0, PETSC_ERR_MEM, "out of memory reading %s", c->u.path[i]);
        col[k] = rc == 0 && so.n == s.n ? so.value : NULL; /* no open column: NaN */
      }
    }
  } else c->n_reason++;
  const int n = why[0] ? 0 : s.n;
  rc          = hc_io_panel_append(c->w, ticker, n, s.labels_are_dates ? s.time : NULL, (const char(*)[HC_LABEL_LEN])s.label, col, why, s.note, c->err, sizeof c->err);
  c->rows += n;
  hc_series_free(&s);
  hc_series_free(&so);
  ConvertCheck(c, !rc, PETSC_ERR_FILE_WRITE, "-out: %s", c->err);
  PetscFunctionReturn(0);
}

static int by_id(const void *a, const void *b) { return strcmp(((const hc_wide_series *)a)->id, ((const hc_wide_series *)b)->id); }

PetscErrorCode hc_app_convert(void)
{
  char        dir[HC_PATH_LEN] = "", file[HC_PATH_LEN] = "", out[HC_PATH_LEN] = "", format[16] = "csv", column[HC_NAME_LEN] = "";
  PetscBool   set_dir, set_file;
  int         level = 0, rc;
  PetscMPIInt size;
  convert_ctx c  = {0};
  double      t0 = hc_time_wall();

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "hpcast convert runs on one process (got %d)", size);
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast convert: a universe of CSV files into one HDF5 panel file", NULL);
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-data_dir", "Directory with one CSV per ticker", dir, sizeof dir, &set_dir));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-data_file", "One CSV series, or with -data_format wide a wide CSV file (M4)", file, sizeof file, &set_file));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-data_format", "Format of -data_file: csv (one series) or wide (one series per row, M4)", format, sizeof format, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-column", "Value column: read from the CSV files (default adjusted_close), or the name of the wide file's values (default value)", column, sizeof column, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-out", "Path of the panel file", out, sizeof out, NULL));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-compress", "Deflate level of the panel's data (0: none)", 0, 9, &level));
  PetscOptionsEnd();
  PetscCall(hc_app_options_check_unknown());
  PetscCheck(set_dir != set_file, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give exactly one of -data_dir DIR (one CSV per ticker) or -data_file FILE");
  PetscCheck(!strcmp(format, "csv") || !strcmp(format, "wide"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-data_format %s: allowed values are csv, wide", format);
  PetscCheck(set_file || !strcmp(format, "csv"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-data_format wide: give the wide file as -data_file FILE");
  PetscCheck(out[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-out: give the path of the panel file, e.g. universe.h5");
  const int wide = !strcmp(format, "wide");
  if (!column[0]) PetscCall(PetscStrcpy(column, wide ? "value" : "adjusted_close"));

  if (wide) {
    rc = hc_io_read_wide(file, &c.wide, &c.n_wide, c.err, sizeof c.err);
    PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory reading %s", file);
    PetscCheck(!rc, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-data_file %s: %s", file, c.err);
    qsort(c.wide, (size_t)c.n_wide, sizeof *c.wide, by_id);
    const char *cols[1] = {column};
    ConvertCheck(&c, !hc_io_panel_create(out, 1, cols, level, &c.w, c.err, sizeof c.err), PETSC_ERR_USER_INPUT, "-out %s: %s", out, c.err);
    for (int i = 0; i < c.n_wide; i++) {
      const double *v[1] = {c.wide[i].value};
      ConvertCheck(&c, i == 0 || strcmp(c.wide[i - 1].id, c.wide[i].id), PETSC_ERR_USER_INPUT, "-data_file %s: series id '%s' appears twice", file, c.wide[i].id);
      ConvertCheck(&c, !hc_io_panel_append(c.w, c.wide[i].id, c.wide[i].n, NULL, NULL, v, c.wide[i].n ? "" : "no data rows", "", c.err, sizeof c.err),
                   PETSC_ERR_FILE_WRITE, "-out: %s", c.err);
      c.rows += c.wide[i].n;
      c.n_reason += c.wide[i].n == 0;
    }
  } else {
    const char *cols[MAX_COLS] = {column};
    int         n_cols         = 1;
    for (size_t k = 0; k < sizeof csv_columns / sizeof *csv_columns; k++)
      if (strcmp(csv_columns[k], column)) cols[n_cols++] = csv_columns[k];
    rc = set_dir ? hc_io_universe_dir(dir, &c.u, c.err, sizeof c.err) : hc_io_universe_file(file, &c.u, c.err, sizeof c.err);
    PetscCheck(!rc, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s %s: %s", set_dir ? "-data_dir" : "-data_file", set_dir ? dir : file, c.err);
    ConvertCheck(&c, !hc_io_panel_create(out, n_cols, cols, level, &c.w, c.err, sizeof c.err), PETSC_ERR_USER_INPUT, "-out %s: %s", out, c.err);
    for (int i = 0; i < c.u.n; i++) PetscCall(convert_csv(&c, i, column, n_cols, cols));
  }
  const int n = wide ? c.n_wide : c.u.n;
  ConvertCheck(&c, !hc_io_panel_finish(&c.w, c.err, sizeof c.err), PETSC_ERR_FILE_WRITE, "-out: %s", c.err);
  convert_release(&c);
  struct stat st;
  const double mib = stat(out, &st) ? 0.0 : (double)st.st_size / (1024.0 * 1024.0);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "hpcast: converted %d tickers (%d with a reason instead of rows), %lld rows, to %s (%.1f MiB, %.1f s)\n", n,
                        c.n_reason, c.rows, out, mib, hc_time_wall() - t0));
  PetscFunctionReturn(0);
}
