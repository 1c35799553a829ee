/**
 * @file driver.c
 * @brief The main job, wired: universe -> work units in the cost model's dispatch order -> run
 *        over the ranks by the parallel runtime (hc_parallel_run), a unit being the pipeline of a
 *        ticker or of a block of its grid -> records to rank 0 -> journal -> report.
 */
#include "app.h"
#include "hpcast/parallel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set by SIGTERM/SIGUSR1/SIGINT; read at unit boundaries (the only state a signal handler may touch). */
static volatile sig_atomic_t stop_signal = 0;
static void on_stop_signal(int sig) { stop_signal = sig; }

void hc_app_catch_stop_signals(void)
{
  struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGINT, &sa, NULL); /* Ctrl-C on a workstation: checkpoint as well */
}

/* Rank 0's state: where each finished ticker's record is in the journal, progress. The records
 * themselves stay in the journal: rank 0's memory does not grow with them. */
typedef struct {
  const hc_app_options *o;
  hc_journal           *journal;
  int                   n, n_total, n_resumed;
  double                t_start, t_last_progress;
  const hc_universe    *u;
  const int            *unit_of; /* [u->n] position of each universe entry in the group list, -1 if none */
  int                  *done;    /* [groups] 1 once the journal holds the ticker's record */
  int                  *stale;   /* [groups] 1 if the journal holds a record of an older input (resume) */
  long                 *offset;  /* [groups] its byte offset in the journal */
  hc_report_writer     *report;  /* the report being written: /fits as records arrive */
  hc_panel             *panel;   /* the universe's panel file, when resume reads an entry again */
  int                   n_filtered, n_refit, n_kept; /* hpcast update: what it did with the tickers */
  int                   n_why;
  char                  why[16][HC_REASON_LEN]; /* the refits' reasons (up to " (": without their numbers) */
  int                   why_count[16];
  char                  prev_created[32]; /* the previous report's created_utc */
  PetscLogEvent         ev_journal, ev_add; /* -log_view: journal appends, the report's measure of each record */
} collector;

static int by_ticker(const void *key, const void *entry) { return strcmp(key, entry); }

/* Rank 0: the universe entry of a record's ticker, or -1. */
static int entry_of(const collector *c, const char *ticker)
{
  const char(*hit)[HC_NAME_LEN] = bsearch(ticker, c->u->ticker, (size_t)c->u->n, sizeof *c->u->ticker, by_ticker);
  return hit ? (int)(hit - c->u->ticker) : -1;
}

/* Rank 0: the group of a record's ticker, or -1 if the ticker is not a unit of this run. */
static int group_of(const collector *c, const char *ticker)
{
  const int i = entry_of(c, ticker);
  return i >= 0 ? c->unit_of[i] : -1;
}

/* Rank 0, hpcast update: count what the update did with a ticker (its record's action). */
static void tally_action(collector *c, const char *action)
{
  if (!strcmp(action, "filtered")) c->n_filtered++;
  else if (!strncmp(action, "kept", 4)) c->n_kept++;
  if (strncmp(action, "refit: ", 7)) return;
  c->n_refit++;
  char why[HC_REASON_LEN];
  hc_strlcpy(why, action + 7, sizeof why);
  char *cut = strstr(why, " (");
  if (cut) *cut = '\0';
  int k = 0;
  while (k < c->n_why && strcmp(c->why[k], why)) k++;
  if (k == c->n_why && k < 16) hc_strlcpy(c->why[c->n_why++], why, HC_REASON_LEN), c->why_count[k] = 0;
  if (k < c->n_why) c->why_count[k]++;
}

/* Rank 0: a journalled record at offset counts as its ticker's result (the first of a ticker of
 * this run; others are ignored) and is measured into the report's tables. @return 0 or -1 (the
 * writer's error). */
static int note_record(collector *c, const hc_result *r, long offset)
{
  const int g = group_of(c, r->ticker);
  if (g < 0 || c->done[g]) return 0;
  c->done[g]   = 1;
  c->offset[g] = offset;
  c->n++;
  if (c->o->update_from[0]) tally_action(c, r->action);
  return hc_io_report_add(c->report, r);
}

/* Universe entry i as the pipeline takes it. */
static hc_input input_of(const hc_universe *u, int i)
{
  return (hc_input){.ticker = u->ticker[i], .path = u->path[i], .reason = u->reason[i], .bytes = u->bytes[i], .mtime_ns = u->mtime_ns[i],
                    .entry = i, .panel = u->is_panel, .row = u->row[i]};
}

/* Rank 0: 1 if the rows of universe entry i hash to `hash` (the file is read again). */
static int same_rows(collector *c, int i, unsigned long long hash)
{
  hc_series      s;
  char           reason[HC_REASON_LEN];
  const hc_input in = input_of(c->u, i);
  if (!hash || c->u->reason[i][0] || hc_app_read_series(&c->panel, &in, c->o->column, &s, reason, sizeof reason)) return 0;
  const int same = hc_series_hash(&s) == hash;
  hc_series_free(&s);
  return same;
}

/* Journal visitor on resume: a record whose input file has changed since (size or modification
 * time other than the listing's, and rows that hash otherwise: a file merely touched or copied
 * again keeps its record) is stale, and its ticker runs again. */
static int resumed(void *ctx, const hc_result *r, long offset)
{
  collector *c = ctx;
  const int  i = entry_of(c, r->ticker);
  if (i >= 0 && c->unit_of[i] >= 0 && (r->input_bytes != c->u->bytes[i] || r->input_mtime_ns != c->u->mtime_ns[i]) &&
      !same_rows(c, i, r->input_hash)) {
    c->stale[c->unit_of[i]] = 1;
    return 0;
  }
  return note_record(c, r, offset) ? EIO : 0;
}

/* Stream sink on rank 0: journal the batch (durable within HC_JOURNAL_SYNC_S, at once at a
 * checkpoint), note the records. */
static int collect(void *ctx, int rank, int n, hc_result *r)
{
  collector *c = ctx;
  char       err[HC_PATH_LEN + 128];
  long      *off = malloc(sizeof *off * (size_t)(n > 0 ? n : 1));
  int        rc  = off ? MPI_SUCCESS : MPI_ERR_NO_MEM;
  (void)rank;
  if (PetscLogEventBegin(c->ev_journal, 0, 0, 0, 0)) return MPI_ERR_OTHER;
  if (off && hc_io_journal_append(c->journal, n, r, off, err, sizeof err)) {
    fprintf(stderr, "hpcast: ERROR: %s\n", err);
    rc = MPI_ERR_FILE;
  }
  if (PetscLogEventEnd(c->ev_journal, 0, 0, 0, 0) || PetscLogEventBegin(c->ev_add, 0, 0, 0, 0)) return MPI_ERR_OTHER;
  for (int k = 0; k < n && rc == MPI_SUCCESS; k++)
    if (note_record(c, &r[k], off[k])) {
      fprintf(stderr, "hpcast: ERROR: %s\n", hc_io_report_error(c->report));
      rc = MPI_ERR_FILE;
    }
  if (PetscLogEventEnd(c->ev_add, 0, 0, 0, 0)) return MPI_ERR_OTHER;
  for (int k = 0; k < n; k++) hc_result_free(&r[k]);
  free(off);
  return rc;
}

/* Rank 0: a progress line every -progress_interval seconds: done/total tickers, rate, ETA. */
static void progress(collector *c, int force)
{
  double now = hc_time_wall();
  if (!force && now - c->t_last_progress < c->o->progress_interval) return;
  c->t_last_progress = now;
  int    done = c->n, fresh = c->n - c->n_resumed;
  double rate = fresh / (now - c->t_start + 1e-9), eta = rate > 0 ? (c->n_total - done) / rate : -1;
  PetscCallVoid(PetscPrintf(PETSC_COMM_SELF, "hpcast: progress %d/%d tickers, %.2f tickers/s, ETA %.0f s\n", done, c->n_total, rate, eta));
}

/* What the run's summary prints: counts by status, selected models by frequency, the first
 * tickers that are not ok (in ticker order). */
typedef struct {
  int  count[3], n_models, n_bad;
  char model[HC_MAX_ORDERS][2][HC_MODEL_LEN];
  int  model_count[HC_MAX_ORDERS];
  char bad[20][HC_NAME_LEN + HC_REASON_LEN + 16];
} run_summary;

static void summary_add(run_summary *s, const hc_result *r)
{
  s->count[r->status]++;
  if (r->status != HC_STATUS_OK) {
    if (s->n_bad < 20) snprintf(s->bad[s->n_bad], sizeof s->bad[0], "%-8s %-8s %s", r->ticker, hc_status_name(r->status), r->reason);
    s->n_bad++;
    return;
  }
  int k = 0;
  while (k < s->n_models && (strcmp(s->model[k][0], r->mean_model) || strcmp(s->model[k][1], r->vol_model))) k++;
  if (k == s->n_models && k < HC_MAX_ORDERS) {
    hc_strlcpy(s->model[k][0], r->mean_model, HC_MODEL_LEN);
    hc_strlcpy(s->model[k][1], r->vol_model, HC_MODEL_LEN);
    s->model_count[s->n_models++] = 0;
  }
  if (k < s->n_models) s->model_count[k]++;
}

/* Rank 0: one short summary of the run. */
static PetscErrorCode print_summary(const hc_app_options *o, const run_summary *s, double wall, int n_ranks)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: %d tickers: %d ok, %d rejected, %d failed (%.1f s on %d ranks)\n",
                        s->count[0] + s->count[1] + s->count[2], s->count[HC_STATUS_OK], s->count[HC_STATUS_REJECTED],
                        s->count[HC_STATUS_FAILED], wall, n_ranks));
  for (int k = 0; k < s->n_models; k++)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  selected %-12s %-16s %5d\n", s->model[k][0], s->model[k][1], s->model_count[k]));
  for (int k = 0; k < s->n_bad && k < 20; k++) PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %s\n", s->bad[k]));
  if (s->n_bad > 20) PetscCall(PetscPrintf(PETSC_COMM_SELF, "  ... (all reasons in /summary/reason)\n"));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: report written to %s\n", o->report));
  PetscFunctionReturn(0);
}

/* The report's records in ticker order, read back once from the journal for the tables; each
 * also goes into the universe portfolio, the Diebold-Mariano counts and the run's summary (in
 * ticker order). */
typedef struct {
  hc_journal_reader  *rd;  /* reads the records ahead, in ticker order */
  hc_portfolio       *pf;
  hc_dm_counts        dm;
  run_summary        *sum;
} journal_source;

static int read_row(void *ctx, int i, hc_result *r)
{
  journal_source *js = ctx;
  char            err[HC_PATH_LEN + 128];
  int             rc = hc_io_journal_reader_next(js->rd, r, err, sizeof err);
  (void)i; /* the tables pass asks for i = 0, 1, ..., n - 1: the reader's order */
  if (rc) fprintf(stderr, "hpcast: ERROR: %s\n", err);
  else if ((rc = hc_trading_portfolio_add(js->pf, r->strategy, r->n_strategy))) fprintf(stderr, "hpcast: ERROR: out of memory\n");
  else {
    hc_dm_tally(&js->dm, r);
    summary_add(js->sum, r);
  }
  return rc;
}

/* Rank 0: the rest of the report (its tables were measured as the records arrived): the
 * tables, /fits included, from the journal in ticker order, in one pass that also feeds the
 * universe portfolio and the summary, then the portfolio and /perf (memory: one record at a
 * time). */
static PetscErrorCode write_report(collector *c, int size, const hc_perf *perf, hc_app_stage *st, PetscLogEvent ev_write, double t_start)
{
  journal_source     js = {0};
  hc_trading_metrics portfolio;
  char              *opts, err[HC_PATH_LEN + 256];
  long              *offset; /* [n] journal offset of the i-th ticker in name order */
  int                n = 0;
  hc_report_book     books[3];
  hc_report_meta     meta = {.hpcast_version = HPCAST_VERSION, .n_ranks = size, .schedule = c->o->dynamic ? "dynamic" : "static",
                             .covariance = st ? &st->report : NULL, .portfolio = st && st->has_book ? &st->book : NULL,
                             .model_options = c->o->model_options};
  char               reasons[16 * (HC_REASON_LEN + 16)] = "";
  if (c->o->update_from[0]) {
    for (int k = 0; k < c->n_why; k++) {
      char item[HC_REASON_LEN + 32];
      snprintf(item, sizeof item, "%s%s: %d", k ? "; " : "", c->why[k], c->why_count[k]);
      PetscCall(PetscStrlcat(reasons, item, sizeof reasons));
    }
    meta.update_of = c->o->update_from, meta.update_of_created = c->prev_created, meta.refit_reasons = reasons;
    meta.n_filtered = c->n_filtered, meta.n_refit = c->n_refit, meta.n_kept = c->n_kept;
  }

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(c->n_total, &offset));
  for (int i = 0; i < c->u->n; i++)
    if (c->unit_of[i] >= 0) offset[n++] = c->offset[c->unit_of[i]];
  PetscCheck(n == c->n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%d tickers finished of %d", c->n, n);
  PetscCall(PetscNew(&js.sum));
  PetscCheck(!hc_trading_portfolio_create(&js.pf), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(PetscLogEventBegin(ev_write, 0, 0, 0, 0));
  int rc = hc_io_journal_reader_start(c->journal, n, offset, HC_JOURNAL_READ_AHEAD, &js.rd, err, sizeof err);
  PetscCheck(rc != ENOMEM, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", err);
  rc = hc_io_report_tables(c->report, n, read_row, &js);
  hc_io_journal_reader_stop(&js.rd);
  if (!rc) rc = hc_trading_portfolio_finish(js.pf, &c->o->backtest.trading, &portfolio) ? ENOMEM : 0;
  if (!rc) PetscCall(hc_app_books(c->o, st, js.pf, &portfolio, books, &meta.n_books));
  hc_trading_portfolio_destroy(&js.pf);
  meta.books = books;
  meta.dm        = &js.dm;
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  meta.options = opts;
  if (rc == ENOMEM) hc_io_report_abort(&c->report);
  else rc = hc_io_report_finish(&c->report, &meta, size, perf, err, sizeof err);
  PetscCall(PetscLogEventEnd(ev_write, 0, 0, 0, 0));
  PetscCall(PetscFree(opts));
  if (rc) { /* the report is given up: nothing of this pass outlives the error */
    PetscCall(PetscFree(js.sum));
    PetscCall(PetscFree(offset));
  }
  PetscCheck(rc != ENOMEM, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  /* an unwritable report (a full disk) is the user's to fix; the journal keeps the work */
  PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-report %s: %s; every finished ticker is kept in %s.journal: run the same command again to write the report",
             c->o->report, err, c->o->report);
  PetscCall(print_summary(c->o, js.sum, hc_time_wall() - t_start, size));
  if (c->o->update_from[0])
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: update of %s: %d filtered, %d refit (%s), %d kept\n", c->o->update_from, c->n_filtered,
                          c->n_refit, reasons[0] ? reasons : "none", c->n_kept));
  PetscCall(PetscFree(js.sum));
  PetscCall(PetscFree(offset));
  PetscFunctionReturn(0);
}

/* What the callbacks of the runtime (hc_parallel_run) need: the units to run, the pipeline,
 * this rank's counts for its /perf row, and rank 0's collector. */
typedef struct {
  const hc_app_options *o;
  const hc_universe    *u;
  int                   rank;
  const int            *order; /* [groups] universe index of each group (ticker) to run, dispatch order */
  const double         *cost;  /* [groups * n_blocks] a-priori cost of each unit */
  hc_pipeline          *pl;
  collector            *col;   /* rank 0 */
  PetscLogEvent         ev_gather;
  double                t_start, busy;
  int                   n_fits, n_units, n_tickers;
  PetscErrorCode        ierr;  /* the PETSc error of a callback, which ends the runtime */
} job;

/* Add the /units row of a unit of this rank that started at t0 to r; count it for /perf. */
static PetscErrorCode add_unit_row(job *j, hc_result *r, int block, int n_specs, int n_fits, double t0, double cost)
{
  hc_unit_row ur = {.block = block, .n_specs = n_specs, .n_fits = n_fits, .rank = j->rank, .seconds = hc_time_wall() - t0, .cost = cost};
  PetscFunctionBeginUser;
  PetscCheck(!hc_result_add_unit(r, &ur), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  j->busy += ur.seconds;
  j->n_fits += ur.n_fits;
  j->n_units++;
  PetscFunctionReturn(0);
}

/* A whole ticker (its grid in one unit): the pipeline. */
static PetscErrorCode run_ticker(job *j, int group, hc_result *r)
{
  const hc_input in = input_of(j->u, j->order[group]);
  const double   t0 = hc_time_wall();
  const long     f0 = hc_pipeline_fits(j->pl);
  PetscFunctionBeginUser;
  if (j->o->update_from[0]) PetscCall(hc_pipeline_update(j->pl, &in, r));
  else PetscCall(hc_pipeline_run(j->pl, &in, 1, NULL, r));
  PetscCall(add_unit_row(j, r, 0, j->o->n_mean, (int)(hc_pipeline_fits(j->pl) - f0), t0, j->cost[group]));
  j->n_tickers++;
  PetscFunctionReturn(0);
}

/* One block of a ticker's grid: its specs on the whole sample and on the first backtest window. */
static PetscErrorCode run_block(job *j, int group, int block, hc_result *whole, hc_result *first)
{
  const hc_input in = input_of(j->u, j->order[group]);
  const double   t0 = hc_time_wall();
  const long     f0 = hc_pipeline_fits(j->pl);
  PetscFunctionBeginUser;
  PetscCall(hc_pipeline_block(j->pl, &in, block, whole, first));
  PetscCall(add_unit_row(j, whole, block, PetscMin(j->o->spec_block, j->o->n_mean - block * j->o->spec_block),
                         (int)(hc_pipeline_fits(j->pl) - f0), t0, j->cost[(size_t)group * j->o->n_blocks + block]));
  PetscFunctionReturn(0);
}

/* The owner's step of a ticker whose blocks are all in: selection over the blocks, volatility
 * fits, backtest and forecast (hc_pipeline_run); the blocks' /units rows, then its own. */
static PetscErrorCode run_owner_step(job *j, int group, int n_blocks, const hc_result *blocks, hc_result *r)
{
  const hc_input in = input_of(j->u, j->order[group]);
  const double   t0 = hc_time_wall();
  const long     f0 = hc_pipeline_fits(j->pl);
  PetscFunctionBeginUser;
  PetscCall(hc_pipeline_run(j->pl, &in, n_blocks, blocks, r));
  for (int b = 0; b < n_blocks; b++)
    for (int k = 0; k < blocks[b].n_units; k++)
      PetscCheck(!hc_result_add_unit(r, &blocks[b].units[k]), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(add_unit_row(j, r, -1, j->o->n_vol, (int)(hc_pipeline_fits(j->pl) - f0), t0, 0.0));
  j->n_tickers++;
  PetscFunctionReturn(0);
}

/* The callbacks of hc_parallel_run (ctx: the job); a PETSc error is kept for run_job. */
static int on_unit(void *ctx, int group, hc_result *r) { return ((job *)ctx)->ierr = run_ticker(ctx, group, r); }
static int on_block(void *ctx, int group, int block, hc_result *whole, hc_result *first)
{
  return ((job *)ctx)->ierr = run_block(ctx, group, block, whole, first);
}
static int on_owner_step(void *ctx, int group, int n_blocks, const hc_result *blocks, hc_result *r)
{
  return ((job *)ctx)->ierr = run_owner_step(ctx, group, n_blocks, blocks, r);
}
static int  on_collect(void *ctx, int rank, int n, hc_result *r) { return collect(((job *)ctx)->col, rank, n, r); }
static int  on_should_stop(void *ctx)
{
  (void)ctx;
  return stop_signal != 0;
}
static void on_progress(void *ctx) { progress(((job *)ctx)->col, 0); }
static void on_gather(void *ctx, int begin)
{
  job *j = ctx;
  if (begin) PetscCallVoid(PetscLogEventBegin(j->ev_gather, 0, 0, 0, 0));
  else PetscCallVoid(PetscLogEventEnd(j->ev_gather, 0, 0, 0, 0));
}
static void on_perf(void *ctx, hc_perf *mine)
{
  job *j = ctx;
  hc_pipeline_times(j->pl, &mine->io_s, &mine->fit_s);
  if (j->rank == 0) mine->io_s += hc_io_report_seconds(j->col->report); /* the report's work so far */
  mine->n_tickers   = j->n_tickers;
  mine->n_fits      = j->n_fits;
  mine->busy_s      = j->busy;
  mine->n_units     = j->n_units;
  mine->wall_s      = hc_time_wall() - j->t_start;
  mine->peak_rss_mb = hc_peak_rss_mb();
}
static const hc_run_ops run_ops = {.run_unit = on_unit, .run_block = on_block, .finish_group = on_owner_step, .collect = on_collect,
                                   .should_stop = on_should_stop, .progress = on_progress, .gather = on_gather, .perf = on_perf};

/* A-priori cost of the units, in observations x fits (file bytes stand for observations): a
 * block fits its specs on the whole sample and on the first backtest window; the owner's step
 * (counted in block 0) fits every volatility spec twice and refits it every -refit_every origins. */
static void unit_costs(const hc_app_options *o, double bytes, double *cost)
{
  const double step = o->n_vol * (2.0 + (double)o->backtest.origins / o->backtest.refit_every);
  for (int b = 0; b < o->n_blocks; b++) {
    const int specs = o->n_blocks == 1 ? o->n_mean : PetscMin(o->spec_block, o->n_mean - b * o->spec_block);
    cost[b]         = (bytes + 1.0) * (2.0 * specs + (b == 0 ? step : 0.0));
  }
}

/* The universe of -data_dir (CSV files), or of -data_file: a panel file (HDF5) or one CSV file.
 * A panel without the -column is the user's error at start, with the columns it has. */
static PetscErrorCode list_universe(const hc_app_options *o, MPI_Comm comm, hc_universe *u)
{
  char      err[HC_PATH_LEN + 256], have[HC_PANEL_MAX_COLUMNS * (HC_NAME_LEN + 2)] = "";
  hc_panel *p;
  int       rc, found = 0;

  PetscFunctionBeginUser;
  if (o->data_dir[0]) rc = hc_io_universe_dir(o->data_dir, u, err, sizeof err);
  else if (hc_io_is_panel(o->data_file)) rc = hc_io_universe_panel(o->data_file, u, err, sizeof err);
  else rc = hc_io_universe_file(o->data_file, u, err, sizeof err);
  PetscCheck(!rc, comm, PETSC_ERR_USER_INPUT, "%s %s: %s", o->data_dir[0] ? "-data_dir" : "-data_file", o->data_dir[0] ? o->data_dir : o->data_file, err);
  if (!u->is_panel) PetscFunctionReturn(0);
  PetscCheck(!hc_io_panel_open(o->data_file, &p, err, sizeof err), comm, PETSC_ERR_USER_INPUT, "-data_file %s: %s", o->data_file, err);
  const char(*name)[HC_NAME_LEN];
  const int n = hc_io_panel_columns(p, &name);
  for (int c = 0; c < n; c++) {
    found |= !strcmp(name[c], o->column);
    PetscCall(PetscStrlcat(have, c ? ", " : "", sizeof have));
    PetscCall(PetscStrlcat(have, name[c], sizeof have));
  }
  hc_io_panel_close(&p);
  PetscCheck(found, comm, PETSC_ERR_USER_INPUT, "-column %s: the panel %s has no such column; allowed: %s", o->column, o->data_file, have);
  PetscFunctionReturn(0);
}

/* The first option of the previous report's "name=value;..." list a whose value in this run's
 * list b differs (or that one of them lacks), named with both values in msg[len]. An option that
 * only b has and that this run does not give (so at its default) agrees: the build that wrote a
 * did not know it, and an option added later defaults to what the builds before it did.
 * @return 1, or 0 if the lists agree. */
static int first_difference(const char *a, const char *b, char *msg, size_t len)
{
  for (int pass = 0; pass < 2; pass++) { /* a against b, then b against a (an option only b has) */
    const char *x = pass ? b : a, *y = pass ? a : b;
    for (const char *p = x; *p;) {
      const char *end = strchr(p, ';'), *eq = strchr(p, '=');
      if (!end) end = p + strlen(p);
      if (!eq || eq > end) break;
      char name[128], mine[512], theirs[512] = "(not given)";
      int  found = 0;
      snprintf(name, sizeof name, "%.*s=", (int)(eq - p), p);
      snprintf(mine, sizeof mine, "%.*s", (int)(end - eq - 1), eq + 1);
      for (const char *q = y; q && *q; q = strchr(q, ';') ? strchr(q, ';') + 1 : NULL)
        if (!strncmp(q, name, strlen(name))) {
          const char *qe = strchr(q, ';');
          snprintf(theirs, sizeof theirs, "%.*s", (int)((qe ? qe : q + strlen(q)) - q - strlen(name)), q + strlen(name));
          found = 1;
        }
      PetscBool given = PETSC_TRUE;
      name[strlen(name) - 1] = '\0';
      if (pass && !found && !PetscOptionsHasName(NULL, NULL, name, &given) && !given) {
        p = *end ? end + 1 : end;
        continue;
      }
      if (strcmp(mine, theirs)) {
        snprintf(msg, len, "%.127s: the previous report was made with %.511s, this update has %.511s", name, pass ? theirs : mine,
                 pass ? mine : theirs);
        return 1;
      }
      p = *end ? end + 1 : end;
    }
  }
  return 0;
}

/* hpcast update, at start on every rank: the report -from must be readable, of this schema and
 * made with the same model options (else the user's error, naming the option); its tickers that
 * left the universe are added to it, so that their rows say so; its creation time into created. */
static PetscErrorCode update_start(const hc_app_options *o, MPI_Comm comm, hc_universe *u, char created[32])
{
  hc_report_reader *rd;
  char              err[HC_PATH_LEN + 512];
  int               n;
  char (*tk)[HC_NAME_LEN];

  PetscFunctionBeginUser;
  int rc = hc_io_report_open(o->update_from, &rd, err, sizeof err);
  PetscCheck(rc != -1, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCheck(!rc, comm, PETSC_ERR_USER_INPUT, "-from %s", err);
  hc_strlcpy(created, hc_io_report_created(rd), 32);
  const int differ = first_difference(hc_io_report_model_options(rd), o->model_options, err, sizeof err);
  if (!differ) rc = hc_io_report_tickers(rd, &n, &tk);
  hc_io_report_close(&rd);
  PetscCheck(!differ, comm, PETSC_ERR_USER_INPUT, "%s (the models would change: run the job, hpcast without update, to fit them)", err);
  PetscCheck(!rc, comm, PETSC_ERR_USER_INPUT, "-from %s: cannot read its /summary tickers", o->update_from);
  rc = hc_io_universe_add(u, n, (const char(*)[HC_NAME_LEN])tk, "not in the universe any more (the previous report had it)");
  free(tk);
  PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscFunctionReturn(0);
}

/* What the job allocates for all its units: given up by hc_app_run on every path, an error
 * included (a user error must not leak, under the sanitizers too). */
typedef struct {
  hc_universe  u;
  int         *order, *done_flag, *stale, *unit_of;
  double      *gcost, *cost;
  long        *joff;
  hc_pipeline *pl;
  hc_perf     *perf; /* rank 0: every rank's row */
  int         *resumed; /* universe entries whose records the journal had (resume) */
  int         *pos;     /* [u.n] /summary row of each universe entry, or -1 */
  hc_app_stage stage;   /* rank 0: the cross-sectional stage's result */
} job_mem;

/* The cross-sectional stage after the per-ticker one (all ranks): the tickers the journal had
 * run again through the pipeline for their panel rows alone (their records are the journal's;
 * the pipeline is deterministic, so the rows are those of the first run), every ticker's
 * /summary row, then the stage. Not for a shard: the stage needs the whole universe. */
static PetscErrorCode cross_section(const hc_app_options *o, const hc_universe *u, const int *unit_of, int n_resumed, job_mem *m, int rank,
                                    int size)
{
  int N = 0;
  PetscFunctionBeginUser;
  if (o->n_shards > 1) {
    if (rank == 0) PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: -shard run: no /covariance (the cross-sectional stage needs the whole universe)\n"));
    PetscFunctionReturn(0);
  }
  for (int k = rank; k < n_resumed; k += size) {
    const hc_input in = input_of(u, m->resumed[k]);
    hc_result      r;
    if (o->update_from[0]) PetscCall(hc_pipeline_update(m->pl, &in, &r));
    else PetscCall(hc_pipeline_run(m->pl, &in, 1, NULL, &r));
    hc_result_free(&r);
  }
  PetscCall(PetscMalloc1(u->n + 1, &m->pos));
  for (int i = 0; i < u->n; i++) m->pos[i] = unit_of[i] >= 0 ? N++ : -1;
  PetscCall(hc_app_covariance(o, u, m->pl, m->pos, N, &m->stage));
  PetscFunctionReturn(0);
}

/* The job (hc_app_run), with rank 0's report writer and journal in *col and its arrays in *m, so
 * that the caller can give them up whatever happens. */
static PetscErrorCode run_job(const hc_app_options *o, collector *col, job_mem *m, int *checkpointed)
{
  MPI_Comm      comm = PETSC_COMM_WORLD;
  PetscMPIInt   rank, size;
  PetscClassId  cls;
  PetscLogEvent ev_load, ev_fit, ev_gather, ev_write;
  hc_universe  *u = &m->u;
  char          err[HC_PATH_LEN + 256], jpath[HC_PATH_LEN + 16];
  double        t_start = hc_time_wall();
  int          *order, *done_flag, *stale, *unit_of, n_groups = 0, stopped;
  double       *gcost, *cost;
  long         *joff;
  const int     B = o->n_blocks;

  PetscFunctionBeginUser;
  *checkpointed = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscClassIdRegister("hpcast", &cls));
  PetscCall(PetscLogEventRegister("hcLoad", cls, &ev_load));
  PetscCall(PetscLogEventRegister("hcFit", cls, &ev_fit));
  PetscCall(PetscLogEventRegister("hcGather", cls, &ev_gather));
  PetscCall(PetscLogEventRegister("hcWrite", cls, &ev_write));
  PetscCall(PetscLogEventRegister("hcJournal", cls, &col->ev_journal));
  PetscCall(PetscLogEventRegister("hcReportAdd", cls, &col->ev_add));

  PetscCall(list_universe(o, comm, u));
  if (o->update_from[0]) PetscCall(update_start(o, comm, u, col->prev_created));
  int rc;

  /* Work units: each ticker of this shard is a group of B units (the blocks of its grid), their
   * units consecutive, groups in the dispatch order of the cost model (name order, then a last
   * block largest first: hc_parallel_dispatch_order); every rank computes the same list. */
  int   *name, *pos; /* [n_groups] universe index of each group in name order; dispatch order */
  double umax = 0.0;
  PetscCall(PetscMalloc6(u->n, &m->order, u->n, &m->gcost, u->n, &m->done_flag, u->n, &m->unit_of, u->n, &m->joff, u->n, &m->stale));
  PetscCall(PetscMalloc1((size_t)u->n * B, &m->cost));
  order = m->order, gcost = m->gcost, done_flag = m->done_flag, unit_of = m->unit_of, joff = m->joff, stale = m->stale;
  cost = m->cost;
  PetscCall(PetscMalloc2(u->n, &name, u->n, &pos));
  for (int i = 0; i < u->n; i++) unit_of[i] = -1; /* position of universe entry i in the group list */
  for (int i = 0; i < u->n; i++) {
    if (i % o->n_shards != o->shard) continue;
    unit_costs(o, (double)u->bytes[i], cost);
    gcost[n_groups] = 0.0;
    for (int b = 0; b < B; b++) {
      gcost[n_groups] += cost[b];
      umax = PetscMax(umax, cost[b]);
    }
    name[n_groups++] = i;
  }
  PetscCheck(!hc_parallel_dispatch_order(n_groups, gcost, umax, size, pos), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int g = 0; g < n_groups; g++) order[g] = name[pos[g]];
  for (int g = 0; g < n_groups; g++) unit_of[order[g]] = g;
  PetscCall(PetscFree2(name, pos));

  /* Rank 0: stale temporaries, the journal (resume), which tickers are done; broadcast. */
  PetscCall(PetscArrayzero(done_flag, u->n));
  PetscCall(PetscArrayzero(stale, u->n));
  snprintf(jpath, sizeof jpath, "%s.journal", o->report);
  col->n_total = n_groups;
  col->u       = u;
  col->unit_of = unit_of;
  col->done    = done_flag;
  col->stale   = stale;
  col->offset  = joff;
  /* A report that cannot be written, or a journal of other options under -resume yes, is the
   * user's error: rank 0 finds it, every rank stops alike (exit 2). */
  int  start_rc = 0; /* 0 ok, 1 user error (msg), 2 out of memory */
  char msg[2 * sizeof err + 64] = "";
  if (rank == 0) {
    hc_io_report_clean_stale(o->report);
    if (hc_io_report_begin(o->report, &col->report, err, sizeof err)) start_rc = 1, snprintf(msg, sizeof msg, "-report %s: %s", o->report, err);
    else if ((rc = hc_io_journal_open(jpath, o->fingerprint, o->resume, &col->journal, resumed, col, err, sizeof err)) == ENOMEM) start_rc = 2;
    else if (rc == EIO) start_rc = 1, snprintf(msg, sizeof msg, "-report %s: %s", o->report, hc_io_report_error(col->report));
    else if (rc) start_rc = 1, snprintf(msg, sizeof msg, "-resume: %s", err);
  }
  PetscCallMPI(MPI_Bcast(&start_rc, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(start_rc != 2, comm, PETSC_ERR_MEM, "out of memory reading %s", jpath);
  PetscCheck(!start_rc, comm, PETSC_ERR_USER_INPUT, "%s", msg);
  if (rank == 0) {
    hc_io_journal_set_sync_interval(col->journal, HC_JOURNAL_SYNC_S); /* group commit: see io.h */
    col->n_resumed = col->n;
    int n_changed = 0; /* tickers whose journalled result is of an older input and that run again */
    for (int g = 0; g < n_groups; g++) n_changed += stale[g] && !done_flag[g];
    if (col->n || n_changed)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: resuming from %s: %d of %d tickers already done; %d with a changed input file run again\n",
                            jpath, col->n, n_groups, n_changed));
  }
  PetscCallMPI(MPI_Bcast(done_flag, n_groups, MPI_INT, 0, comm));
  int n_resumed = 0;
  PetscCall(PetscMalloc1(n_groups + 1, &m->resumed));
  for (int g = 0; g < n_groups; g++)
    if (done_flag[g]) m->resumed[n_resumed++] = order[g];
  int n_todo = 0;
  for (int g = 0; g < n_groups; g++)
    if (!done_flag[g]) order[n_todo++] = order[g];
  for (int g = 0; g < n_todo; g++) unit_costs(o, (double)u->bytes[order[g]], cost + (size_t)g * B);

  /* The tickers to do over the ranks (parallel/runtime.c): units through the callbacks above,
   * records to rank 0's journal and report, a stop at unit boundaries on a signal. */
  const hc_run_plan plan = {.dynamic = o->dynamic, .n_groups = n_todo, .group_size = B, .cost = cost,
                            .collector_only_ranks = HC_COLLECTOR_ONLY_RANKS};
  job               j    = {.o = o, .u = u, .rank = rank, .order = order, .cost = cost, .col = col, .ev_gather = ev_gather, .t_start = t_start};
  PetscCall(hc_pipeline_create(o, ev_load, ev_fit, &m->pl));
  j.pl = m->pl;
  if (rank == 0) PetscCall(PetscMalloc1(size, &m->perf));
  rc = hc_parallel_run(comm, &plan, &run_ops, &j, m->perf, &stopped);
  PetscCall(j.ierr);
  PetscCallMPI(rc);
  if (!stopped && o->cov.model != HC_COV_NONE) PetscCall(cross_section(o, u, unit_of, n_resumed, m, rank, size));
  PetscCall(hc_pipeline_destroy(&m->pl));

  if (rank == 0) {
    if (stopped) {
      hc_io_report_abort(&col->report);
      PetscCheck(!hc_io_journal_close(&col->journal, 0), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot close %s", jpath);
      PetscCall(PetscPrintf(PETSC_COMM_SELF,
                            "hpcast: stopped by a signal: %d of %d tickers done and journalled in %s (%.1f s); run the same "
                            "command again to resume (exit code %d)\n",
                            col->n, n_groups, jpath, hc_time_wall() - t_start, HC_EXIT_CHECKPOINTED));
    } else {
      progress(col, 1);
      PetscCall(write_report(col, size, m->perf, o->cov.model != HC_COV_NONE && o->n_shards == 1 ? &m->stage : NULL, ev_write, t_start));
      /* a shard keeps its journal: it is the input of hpcast merge */
      PetscCheck(!hc_io_journal_close(&col->journal, o->n_shards == 1), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot remove %s", jpath);
    }
  }
  *checkpointed = stopped;
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_run(const hc_app_options *o, int *checkpointed)
{
  const double t_start = hc_time_wall();
  collector    col     = {.o = o, .t_start = t_start, .t_last_progress = t_start};
  job_mem      m       = {0};
  PetscErrorCode ierr  = run_job(o, &col, &m, checkpointed);
  hc_io_panel_close(&col.panel);
  if (ierr) { /* rank 0: no temporary report is left behind; the journal stays for a resume */
    hc_io_report_abort(&col.report);
    if (col.journal) hc_io_journal_close(&col.journal, 0);
  }
  PetscCall(hc_pipeline_destroy(&m.pl));
  PetscCall(PetscFree(m.perf));
  PetscCall(PetscFree6(m.order, m.gcost, m.done_flag, m.unit_of, m.joff, m.stale));
  PetscCall(PetscFree(m.cost));
  PetscCall(PetscFree(m.resumed));
  PetscCall(PetscFree(m.pos));
  PetscCall(hc_app_covariance_free(&m.stage));
  hc_io_universe_free(&m.u);
  return ierr;
}
