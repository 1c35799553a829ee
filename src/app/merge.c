/**
 * @file merge.c
 * @brief Subcommands on reports: `hpcast merge` (shard reports of a job array into one) and
 *        `hpcast report perf` (print the /perf table).
 */
#include "app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One record of the merge: its ticker, the input (shard) whose journal holds it, its offset. */
typedef struct {
  char ticker[HC_NAME_LEN];
  int  input;
  long offset;
} merge_entry;

/* The index of every input's records (the only per-ticker memory of a merge), the open
 * journals to read the records from, the report being written and the universe portfolio. */
typedef struct {
  merge_entry      *e;
  int               n, cap, input;
  hc_journal      **journal;
  hc_report_writer *w;
  hc_portfolio     *pf;
  hc_dm_counts      dm;                     /* the Diebold-Mariano counts, in ticker order */
  hc_perf          *perf;                   /* the inputs' /perf rows */
  int               n_journal;              /* inputs whose journal slot exists */
  char              err[HC_PATH_LEN + 128]; /* why reading a record failed */
} merge_index;

/* Give up everything the merge holds: the report (its temporary file is removed unless it was
 * published), the journals, the index. Safe on a partly built index. */
static void merge_release(merge_index *x)
{
  hc_io_report_abort(&x->w);
  for (int i = 0; x->journal && i < x->n_journal; i++) hc_io_journal_close(&x->journal[i], 0);
  free(x->journal);
  free(x->e);
  free(x->perf);
  hc_trading_portfolio_destroy(&x->pf);
  memset(x, 0, sizeof *x);
}

/* Why the scan of an input stopped in index_record: the report writer failed on a record
 * (ENOMEM and the journal's own errors are the other nonzero returns). */
enum { MERGE_ADD_FAILED = -2 };

/* hc_journal_visit: index a record of the input being opened and add it to the report (the
 * measure of its table rows; records may come in any order), so that the
 * scan is the merge's first pass over the records. */
static int index_record(void *ctx, const hc_result *r, long offset)
{
  merge_index *x = ctx;
  if (x->n == x->cap) {
    int          cap = x->cap ? 2 * x->cap : 1024;
    merge_entry *g   = realloc(x->e, sizeof *g * (size_t)cap);
    if (!g) return ENOMEM;
    x->e   = g;
    x->cap = cap;
  }
  hc_strlcpy(x->e[x->n].ticker, r->ticker, HC_NAME_LEN);
  x->e[x->n].input    = x->input;
  x->e[x->n++].offset = offset;
  return hc_io_report_add(x->w, r) ? MERGE_ADD_FAILED : 0;
}

static int by_ticker_input(const void *a, const void *b)
{
  const merge_entry *x = a, *y = b;
  int                c = strcmp(x->ticker, y->ticker);
  return c ? c : x->input != y->input ? (x->input > y->input) - (x->input < y->input) : (x->offset > y->offset) - (x->offset < y->offset);
}

/* hc_report_source: the i-th record in ticker order, read back from its journal, also added to
 * the universe portfolio and the Diebold-Mariano counts (in ticker order, as the main job does). */
static int read_record(void *ctx, int i, hc_result *r)
{
  merge_index *x  = ctx;
  int          rc = hc_io_journal_read_at(x->journal[x->e[i].input], x->e[i].offset, r, x->err, sizeof x->err);
  if (!rc && (rc = hc_trading_portfolio_add(x->pf, r->strategy, r->n_strategy))) hc_strlcpy(x->err, "out of memory", sizeof x->err);
  if (!rc) hc_dm_tally(&x->dm, r);
  return rc;
}

/* PetscCheck for the merge once its report is begun: give everything up (the report's temporary
 * file is removed) before the error. */
#define MergeCheck(x, cond, code, ...) \
  do { \
    if (PetscUnlikely(!(cond))) { \
      char merge_msg_[2 * HC_PATH_LEN]; /* formatted first: the message may name what is released */ \
      snprintf(merge_msg_, sizeof merge_msg_, __VA_ARGS__); \
      merge_release(x); \
      SETERRQ(PETSC_COMM_SELF, code, "%s", merge_msg_); \
    } \
  } while (0)

/* Sort the index by ticker and refuse a ticker that is in two inputs (name[]: the inputs). */
static PetscErrorCode sort_unique(merge_index *x, char *const *name)
{
  PetscFunctionBeginUser;
  qsort(x->e, (size_t)x->n, sizeof *x->e, by_ticker_input);
  for (int i = 1; i < x->n; i++)
    MergeCheck(x, strcmp(x->e[i - 1].ticker, x->e[i].ticker), PETSC_ERR_USER_INPUT,
               "-merge_inputs: ticker '%s' is in %s and in %s (a ticker must be in one shard only)", x->e[i].ticker,
               name[x->e[i - 1].input], name[x->e[i].input]);
  PetscFunctionReturn(0);
}

/*
 * hpcast merge: the shard reports of a sweep (each with its journal) into one report. Two
 * passes over the records: the scan of every input's journal indexes each record and adds it
 * to the report (the measure of the tables); then the tables in ticker order,
 * each record read back once more from its journal, which also feeds the universe portfolio.
 */
PetscErrorCode hc_app_merge(void)
{
  char               report[HC_PATH_LEN] = "", inputs[8192] = "", err[HC_PATH_LEN + 256], *opts, *name[4096];
  int                n_perf = 0, k = 0, rc;
  uint64_t           fp0    = 0;
  PetscMPIInt        size;
  hc_trading_options trading;
  hc_trading_metrics portfolio;
  merge_index        x = {0};
  static char        model_options[HC_REPORT_OPTIONS_LEN]; /* static: 8 KiB off the stack */

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "hpcast merge runs on one process (got %d)", size);
  hc_trading_options_default(&trading);
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast merge: combine the shard reports of a sweep", NULL);
  PetscCall(PetscOptionsString(hc_app_opt("-report"), "Path of the merged report", NULL, report, report, sizeof report, NULL));
  PetscCall(PetscOptionsString(hc_app_opt("-merge_inputs"), "Comma-separated shard reports (each with its .journal beside it)", NULL, inputs, inputs, sizeof inputs, NULL));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-cost_bps", "Trading cost of the shards' runs, basis points (the universe portfolio)", 0.0, 10000.0, 0, 1, &trading.cost_bps));
  PetscOptionsEnd();
  PetscCall(hc_app_options_check_unknown());
  PetscCheck(report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: give the path of the merged report");
  PetscCheck(inputs[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-merge_inputs: give the shard reports, e.g. out/shard_0.h5,out/shard_1.h5");
  for (char *in = strtok(inputs, ","); in; in = strtok(NULL, ",")) name[k++] = in; /* at most 4096 names fit in inputs */
  PetscCheck((x.journal = calloc((size_t)(k ? k : 1), sizeof *x.journal)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  x.n_journal = k;
  MergeCheck(&x, !hc_trading_portfolio_create(&x.pf), PETSC_ERR_MEM, "out of memory");
  MergeCheck(&x, !hc_io_report_begin(report, &x.w, err, sizeof err), PETSC_ERR_USER_INPUT, "-report %s: %s", report, err);
  /* pass 1: index every input's journal (ticker, input, offset) and add its records */
  for (x.input = 0; x.input < k; x.input++) {
    char     jpath[HC_PATH_LEN + 16];
    uint64_t fp;
    int      np;
    hc_perf *p;
    snprintf(jpath, sizeof jpath, "%s.journal", name[x.input]);
    rc = hc_io_journal_open_read(jpath, &fp, &x.journal[x.input], index_record, &x, err, sizeof err);
    MergeCheck(&x, rc != ENOMEM, PETSC_ERR_MEM, "out of memory reading %s", jpath);
    if (rc == MERGE_ADD_FAILED) { /* a ticker in two inputs is the likely cause: say so if it is */
      PetscCall(sort_unique(&x, name));
      MergeCheck(&x, 0, PETSC_ERR_FILE_WRITE, "-report %s: %s", report, hc_io_report_error(x.w));
    }
    MergeCheck(&x, !rc, PETSC_ERR_USER_INPUT, "-merge_inputs %s: %s (a -shard run keeps it beside its report)", name[x.input], err);
    MergeCheck(&x, x.input == 0 || fp == fp0, PETSC_ERR_USER_INPUT,
               "-merge_inputs %s: written with other result-affecting options than the first input", name[x.input]);
    fp0 = fp;
    if (x.input == 0) { /* the shards' models (the same fingerprint): a daily update of the merged report checks them */
      hc_report_reader *rd;
      if (!hc_io_report_open(name[0], &rd, err, sizeof err)) {
        hc_strlcpy(model_options, hc_io_report_model_options(rd), sizeof model_options);
        hc_io_report_close(&rd);
      }
    }
    if (!hc_io_report_read_perf(name[x.input], &np, &p, err, sizeof err)) { /* the shards' ranks, as rows */
      hc_perf *grown = realloc(x.perf, sizeof *x.perf * (size_t)(n_perf + np + 1));
      MergeCheck(&x, grown, PETSC_ERR_MEM, "out of memory");
      x.perf = grown;
      memcpy(x.perf + n_perf, p, sizeof *p * (size_t)np);
      n_perf += np;
      free(p);
    }
  }
  PetscCall(sort_unique(&x, name));
  /* pass 2: the tables and the universe portfolio, in ticker order (one record in memory) */
  x.err[0] = '\0';
  rc       = hc_io_report_tables(x.w, x.n, read_record, &x);
  MergeCheck(&x, !rc, PETSC_ERR_FILE_WRITE, "-report %s: %s%s%s", report, hc_io_report_error(x.w), x.err[0] ? ": " : "", x.err);
  MergeCheck(&x, !hc_trading_portfolio_finish(x.pf, &trading, &portfolio), PETSC_ERR_MEM, "out of memory");
  hc_trading_portfolio_destroy(&x.pf);
  hc_report_book book;
  hc_app_strategies_row(&portfolio, &book);
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  hc_report_meta meta = {.hpcast_version = HPCAST_VERSION, .options = opts, .n_ranks = n_perf, .n_books = 1, .books = &book, .dm = &x.dm,
                         .schedule = "merged", .model_options = model_options[0] ? model_options : NULL};
  rc                  = hc_io_report_finish(&x.w, &meta, n_perf, x.perf, err, sizeof err);
  PetscCall(PetscFree(opts));
  MergeCheck(&x, !rc, PETSC_ERR_USER_INPUT, "-report %s: %s", report, err);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast merge: %d tickers from %d shard reports written to %s\n", x.n, k, report));
  merge_release(&x);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_report_perf(void)
{
  char     report[HC_PATH_LEN] = "", err[HC_PATH_LEN + 128];
  int      n;
  hc_perf *p;
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast report perf: the performance record of a report", NULL);
  PetscCall(PetscOptionsString(hc_app_opt("-report"), "Path of the report", NULL, report, report, sizeof report, NULL));
  PetscOptionsEnd();
  PetscCall(hc_app_options_check_unknown());
  PetscCheck(report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: give the path of a report");
  /* the report is the user's input: a missing or unreadable one is a usage error (exit 2) */
  PetscCheck(!hc_io_report_read_perf(report, &n, &p, err, sizeof err), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: %s", err);
  double wmax = 0, bsum = 0, bmax = 0, rss = 0;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%5s %10s %10s %10s %10s %8s %8s %8s %8s\n", "rank", "wall_s", "busy_s", "fit_s", "io_s",
                        "rss_mb", "units", "tickers", "fits"));
  for (int i = 0; i < n; i++) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%5d %10.2f %10.2f %10.2f %10.2f %8.1f %8d %8d %8d\n", p[i].rank, p[i].wall_s, p[i].busy_s,
                          p[i].fit_s, p[i].io_s, p[i].peak_rss_mb, p[i].n_units, p[i].n_tickers, p[i].n_fits));
    wmax = p[i].wall_s > wmax ? p[i].wall_s : wmax;
    bsum += p[i].busy_s;
    bmax = p[i].busy_s > bmax ? p[i].busy_s : bmax;
    rss  = p[i].peak_rss_mb > rss ? p[i].peak_rss_mb : rss;
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ranks %d, wall %.2f s, imbalance (max/mean busy) %.3f, peak RSS %.1f MiB\n", n, wmax,
                        n && bsum > 0 ? bmax / (bsum / n) : 0.0, rss));
  free(p);
  PetscFunctionReturn(0);
}
