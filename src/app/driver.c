/**
 * @file driver.c
 * @brief The main job: universe -> work units ordered by cost -> scheduled over the ranks
 *        (pipeline per unit) -> records streamed to rank 0 -> journal -> report.
 */
#include "app.h"
#include "hpcast/parallel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set by SIGTERM/SIGUSR1; read at unit boundaries (the only state a signal handler may touch). */
static volatile sig_atomic_t stop_signal = 0;
static void on_stop_signal(int sig) { stop_signal = sig; }

void hc_app_catch_stop_signals(void)
{
  struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

/* Rank 0's state: every record of the run (resumed ones first), the journal, progress. */
typedef struct {
  const hc_app_options *o;
  hc_journal           *journal;
  int                   n, cap, n_total;
  hc_result            *all;
  double                t_start, t_last_progress;
  int                   n_resumed;
} collector;

/* Rank 0: n records join the run's records (the collector takes them over). */
static PetscErrorCode keep_records(collector *c, int n, const hc_result *r)
{
  PetscFunctionBeginUser;
  if (c->n + n > c->cap) {
    int        cap = 2 * (c->n + n);
    hc_result *g   = realloc(c->all, sizeof *g * (size_t)cap);
    PetscCheck(g, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    c->all = g;
    c->cap = cap;
  }
  memcpy(c->all + c->n, r, sizeof *r * (size_t)n);
  c->n += n;
  PetscFunctionReturn(0);
}

/* Stream sink on rank 0: journal the batch (durable before it counts as done), keep it. */
static int collect(void *ctx, int rank, int n, hc_result *r)
{
  collector *c = ctx;
  char       err[HC_PATH_LEN + 128];
  (void)rank;
  if (hc_io_journal_append(c->journal, n, r, err, sizeof err)) {
    fprintf(stderr, "hpcast: ERROR: %s\n", err);
    return MPI_ERR_FILE;
  }
  return keep_records(c, n, r) ? MPI_ERR_NO_MEM : MPI_SUCCESS;
}

static int by_ticker(const void *key, const void *entry) { return strcmp(key, entry); }

/* Rank 0: a progress line every -progress_interval seconds: done/total units, rate, ETA. */
static void progress(collector *c, int force)
{
  double now = hc_time_wall();
  if (!force && now - c->t_last_progress < c->o->progress_interval) return;
  c->t_last_progress = now;
  int    done = c->n, fresh = c->n - c->n_resumed;
  double rate = fresh / (now - c->t_start + 1e-9), eta = rate > 0 ? (c->n_total - done) / rate : -1;
  PetscCallVoid(PetscPrintf(PETSC_COMM_SELF, "hpcast: progress %d/%d units, %.2f units/s, ETA %.0f s\n", done, c->n_total, rate, eta));
}

static int by_model(const void *a, const void *b)
{
  const hc_result *x = *(const hc_result *const *)a, *y = *(const hc_result *const *)b;
  int              c = strcmp(x->mean_model, y->mean_model);
  return c ? c : strcmp(x->vol_model, y->vol_model);
}

/* Rank 0: one short summary of the run. */
static PetscErrorCode print_summary(const hc_app_options *o, int n, const hc_result *res, double wall, int n_ranks)
{
  int count[3] = {0, 0, 0}, shown = 0;
  PetscFunctionBeginUser;
  for (int i = 0; i < n; i++) count[res[i].status]++;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: %d tickers: %d ok, %d rejected, %d failed (%.1f s on %d ranks)\n", n,
                        count[HC_STATUS_OK], count[HC_STATUS_REJECTED], count[HC_STATUS_FAILED], wall, n_ranks));
  /* selected models by frequency: sort the ok tickers by model, count the runs (O(N log N)) */
  const hc_result **ok;
  int               n_ok = 0;
  PetscCall(PetscMalloc1(n > 0 ? n : 1, &ok));
  for (int i = 0; i < n; i++)
    if (res[i].status == HC_STATUS_OK) ok[n_ok++] = &res[i];
  qsort(ok, (size_t)n_ok, sizeof *ok, by_model);
  for (int i = 0, j; i < n_ok; i = j) {
    for (j = i + 1; j < n_ok && !by_model(&ok[i], &ok[j]); j++) {}
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  selected %-12s %-16s %5d\n", ok[i]->mean_model, ok[i]->vol_model, j - i));
  }
  PetscCall(PetscFree(ok));
  for (int i = 0; i < n; i++) {
    if (res[i].status == HC_STATUS_OK) continue;
    if (shown++ == 20) {
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "  ... (all reasons in /summary/reason)\n"));
      break;
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %-8s %-8s %s\n", res[i].ticker, hc_status_name(res[i].status), res[i].reason));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: report written to %s\n", o->report));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_portfolio(const hc_trading_options *t, int n, const hc_result *res, hc_trading_metrics *m)
{
  hc_strategy_point *pts;
  int                np = 0;
  PetscFunctionBeginUser;
  for (int i = 0; i < n; i++) np += res[i].n_strategy;
  PetscCall(PetscMalloc1(np + 1, &pts));
  for (int i = 0, k = 0; i < n; i++)
    for (int j = 0; j < res[i].n_strategy; j++) pts[k++] = res[i].strategy[j];
  PetscCheck(!hc_trading_portfolio(t, pts, np, m), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(PetscFree(pts));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_run(const hc_app_options *o, int *checkpointed)
{
  MPI_Comm      comm = PETSC_COMM_WORLD;
  PetscMPIInt   rank, size;
  PetscClassId  cls;
  PetscLogEvent ev_load, ev_fit, ev_gather, ev_write;
  hc_universe   u;
  char          err[HC_PATH_LEN + 256], jpath[HC_PATH_LEN + 16];
  double        t_start = hc_time_wall(), io_s, fit_s, busy = 0.0;
  hc_pipeline  *pl;
  int          *order, *owner, *done_flag, *unit_of, n_units = 0, n_fits = 0, n_run = 0;
  double       *cost;
  collector     col = {.o = o, .t_start = t_start, .t_last_progress = t_start};
  hc_sched     *sched;
  hc_stream    *stream;

  PetscFunctionBeginUser;
  *checkpointed = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscClassIdRegister("hpcast", &cls));
  PetscCall(PetscLogEventRegister("hcLoad", cls, &ev_load));
  PetscCall(PetscLogEventRegister("hcFit", cls, &ev_fit));
  PetscCall(PetscLogEventRegister("hcGather", cls, &ev_gather));
  PetscCall(PetscLogEventRegister("hcWrite", cls, &ev_write));

  int rc = o->data_dir[0] ? hc_io_universe_dir(o->data_dir, &u, err, sizeof err)
                          : hc_io_universe_file(o->data_file, &u, err, sizeof err);
  PetscCheck(!rc, comm, PETSC_ERR_FILE_OPEN, "%s %s: %s", o->data_dir[0] ? "-data_dir" : "-data_file",
             o->data_dir[0] ? o->data_dir : o->data_file, err);

  /* Work units: the tickers of this shard, ordered by the cost model (observations ~ bytes x
   * grid size, backtest refits included), largest first; every rank computes the same list. */
  PetscCall(PetscMalloc5(u.n, &order, u.n, &owner, u.n, &cost, u.n, &done_flag, u.n, &unit_of));
  for (int i = 0; i < u.n; i++) unit_of[i] = -1; /* position of universe entry i in the unit list */
  const int specs = o->n_mean * o->n_vol;
  for (int i = 0; i < u.n; i++) {
    if (i % o->n_shards != o->shard) continue;
    cost[n_units]    = (double)(u.bytes[i] + 1) * specs;
    order[n_units++] = i;
  }
  for (int i = 0; i < n_units; i++) cost[i] = -cost[i]; /* largest first: sort -cost ascending */
  PetscCall(PetscSortRealWithArrayInt(n_units, cost, order));
  for (int i = 0; i < n_units; i++) {
    cost[i]           = -cost[i];
    unit_of[order[i]] = i;
  }

  /* Rank 0: stale temporaries, the journal (resume), which units are done; broadcast. */
  PetscCall(PetscArrayzero(done_flag, u.n));
  snprintf(jpath, sizeof jpath, "%s.journal", o->report);
  col.n_total = n_units;
  if (rank == 0) {
    int        n_prev;
    hc_result *prev;
    hc_io_report_clean_stale(o->report);
    rc = hc_io_journal_open(jpath, o->fingerprint, o->resume, &col.journal, &n_prev, &prev, err, sizeof err);
    PetscCheck(rc != ENOMEM, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory reading %s", jpath);
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-resume: %s", err);
    for (int k = 0; k < n_prev; k++) { /* keep a resumed record only if its ticker is a unit of this run */
      const char(*hit)[HC_NAME_LEN] = bsearch(prev[k].ticker, u.ticker, (size_t)u.n, sizeof *u.ticker, by_ticker);
      const int unit                = hit ? unit_of[hit - u.ticker] : -1;
      if (unit >= 0 && !done_flag[unit]) {
        done_flag[unit] = 1;
        PetscCall(keep_records(&col, 1, &prev[k]));
      } else hc_result_free(&prev[k]);
    }
    free(prev);
    col.n_resumed = col.n;
    if (col.n) PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast: resuming from %s: %d of %d units already done\n", jpath, col.n, n_units));
  }
  PetscCallMPI(MPI_Bcast(done_flag, n_units, MPI_INT, 0, comm));
  int n_todo = 0;
  for (int i = 0; i < n_units; i++)
    if (!done_flag[i]) {
      order[n_todo] = order[i];
      cost[n_todo++] = cost[i];
    }
  if (!o->dynamic) PetscCheck(!hc_parallel_partition(n_todo, cost, size, owner), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCallMPI(hc_parallel_sched_create(comm, o->dynamic, n_todo, owner, &sched));
  PetscCallMPI(hc_parallel_stream_create(comm, collect, &col, &stream));

  PetscCall(hc_pipeline_create(o, ev_load, ev_fit, &pl));
  for (;;) {
    int unit;
    if (stop_signal) PetscCallMPI(hc_parallel_sched_request_stop(sched));
    PetscCallMPI(hc_parallel_sched_next(sched, &unit));
    if (unit < 0) break;
    hc_result r;
    double    t0 = hc_time_wall();
    PetscCall(hc_pipeline_run(pl, u.path[order[unit]], u.ticker[order[unit]], &r));
    hc_unit_row ur = {.block = 0, .n_specs = specs, .n_fits = r.n_fits, .rank = rank, .seconds = hc_time_wall() - t0, .cost = cost[unit]};
    PetscCheck(!hc_result_add_unit(&r, &ur), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    busy += ur.seconds;
    n_fits += r.n_fits;
    n_run++;
    PetscCall(PetscLogEventBegin(ev_gather, 0, 0, 0, 0));
    PetscCallMPI(hc_parallel_stream_send(stream, 1, &r));
    PetscCallMPI(hc_parallel_stream_poll(stream));
    PetscCall(PetscLogEventEnd(ev_gather, 0, 0, 0, 0));
    hc_result_free(&r);
    if (rank == 0) progress(&col, 0);
  }
  hc_pipeline_times(pl, &io_s, &fit_s);
  PetscCall(hc_pipeline_destroy(&pl));

  hc_perf mine = {.rank = rank, .fit_s = fit_s, .io_s = io_s, .n_tickers = n_run, .n_fits = n_fits, .busy_s = busy, .n_units = n_run},
          *perf = NULL;
  mine.wall_s      = hc_time_wall() - t_start;
  mine.peak_rss_mb = hc_peak_rss_mb();
  if (rank == 0) PetscCall(PetscMalloc1(size, &perf));
  PetscCall(PetscLogEventBegin(ev_gather, 0, 0, 0, 0));
  PetscCallMPI(hc_parallel_stream_finish(&stream, &mine, perf));
  PetscCall(PetscLogEventEnd(ev_gather, 0, 0, 0, 0));
  int stopped;
  PetscCallMPI(hc_parallel_sched_stopped(sched, &stopped));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &stopped, 1, MPI_INT, MPI_MAX, comm));
  PetscCallMPI(hc_parallel_sched_destroy(&sched));

  if (rank == 0) {
    if (stopped) {
      PetscCheck(!hc_io_journal_close(&col.journal, 0), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot close %s", jpath);
      PetscCall(PetscPrintf(PETSC_COMM_SELF,
                            "hpcast: stopped by a signal: %d of %d units done and journalled in %s (%.1f s); run the same "
                            "command again to resume (exit code %d)\n",
                            col.n, n_units, jpath, hc_time_wall() - t_start, HC_EXIT_CHECKPOINTED));
    } else {
      progress(&col, 1);
      char          *opts;
      hc_report_meta meta = {.hpcast_version = HPCAST_VERSION, .n_ranks = size, .schedule = o->dynamic ? "dynamic" : "static"};
      hc_trading_metrics portfolio;
      PetscCall(hc_app_portfolio(&o->backtest.trading, col.n, col.all, &portfolio));
      meta.portfolio = &portfolio;
      PetscCall(PetscOptionsGetAll(NULL, &opts));
      meta.options = opts;
      PetscCall(PetscLogEventBegin(ev_write, 0, 0, 0, 0));
      rc = hc_io_report_write(o->report, &meta, col.n, col.all, size, perf, err, sizeof err);
      PetscCall(PetscLogEventEnd(ev_write, 0, 0, 0, 0));
      PetscCall(PetscFree(opts));
      PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-report %s: %s", o->report, err);
      /* a shard keeps its journal: it is the input of hpcast merge */
      PetscCheck(!hc_io_journal_close(&col.journal, o->n_shards == 1), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot remove %s", jpath);
      PetscCall(print_summary(o, col.n, col.all, hc_time_wall() - t_start, size));
    }
    for (int i = 0; i < col.n; i++) hc_result_free(&col.all[i]);
    free(col.all);
    PetscCall(PetscFree(perf));
  }
  *checkpointed = stopped;
  PetscCall(PetscFree5(order, owner, cost, done_flag, unit_of));
  hc_io_universe_free(&u);
  PetscFunctionReturn(0);
}
