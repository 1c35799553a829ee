/**
 * @file driver.c
 * @brief The main job: universe -> partition -> (load, gate, transform, fit, select,
 *        forecast) per owned ticker -> gather -> report on rank 0.
 */
#include "app.h"
#include "hpcast/parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

PetscErrorCode hc_app_run(const hc_app_options *o)
{
  MPI_Comm      comm = PETSC_COMM_WORLD;
  PetscMPIInt   rank, size;
  PetscClassId  cls;
  PetscLogEvent ev_load, ev_fit, ev_gather, ev_write;
  hc_universe   u;
  char          err[HC_PATH_LEN + 256];
  double        t_start = hc_time_wall(), io_s, fit_s;
  hc_pipeline  *pl;
  int          *owner, n_local = 0, n_fits = 0;
  double       *cost;
  hc_result    *local;

  PetscFunctionBeginUser;
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

  /* cost model: observations (~ bytes) x grid size; every rank computes the same partition */
  PetscCall(PetscMalloc2(u.n, &owner, u.n, &cost));
  for (int i = 0; i < u.n; i++) cost[i] = (double)(u.bytes[i] + 1) * (o->n_mean + o->n_vol);
  PetscCheck(!hc_parallel_partition(u.n, cost, size, owner), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int i = 0; i < u.n; i++) n_local += owner[i] == rank;
  PetscCall(PetscCalloc1(n_local > 0 ? n_local : 1, &local));
  PetscCall(hc_pipeline_create(o, ev_load, ev_fit, &pl));
  for (int i = 0, k = 0; i < u.n; i++) {
    if (owner[i] != rank) continue;
    PetscCall(hc_pipeline_run(pl, u.path[i], u.ticker[i], &local[k]));
    n_fits += local[k].n_fits;
    k++;
  }
  hc_pipeline_times(pl, &io_s, &fit_s);
  PetscCall(hc_pipeline_destroy(&pl));

  int        n_all = 0;
  hc_result *all   = NULL;
  hc_perf    mine  = {.rank = rank, .fit_s = fit_s, .io_s = io_s, .n_tickers = n_local, .n_fits = n_fits}, *perf = NULL;
  PetscCall(PetscLogEventBegin(ev_gather, 0, 0, 0, 0));
  PetscCallMPI(hc_parallel_gather_results(comm, n_local, local, &n_all, &all));
  PetscCall(PetscLogEventEnd(ev_gather, 0, 0, 0, 0));
  for (int k = 0; k < n_local; k++) hc_result_free(&local[k]);
  PetscCall(PetscFree(local));
  mine.wall_s      = hc_time_wall() - t_start;
  mine.peak_rss_mb = hc_peak_rss_mb();
  if (rank == 0) PetscCall(PetscMalloc1(size, &perf));
  PetscCallMPI(hc_parallel_gather_perf(comm, &mine, perf));

  if (rank == 0) {
    char          *opts;
    hc_report_meta meta = {.hpcast_version = HPCAST_VERSION, .n_ranks = size};
    double         t_w  = hc_time_wall();
    PetscCall(PetscOptionsGetAll(NULL, &opts));
    meta.options = opts;
    PetscCall(PetscLogEventBegin(ev_write, 0, 0, 0, 0));
    rc = hc_io_report_write(o->report, &meta, n_all, all, size, perf, err, sizeof err);
    PetscCall(PetscLogEventEnd(ev_write, 0, 0, 0, 0));
    PetscCall(PetscFree(opts));
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-report %s: %s", o->report, err);
    perf[0].io_s += hc_time_wall() - t_w;
    PetscCall(print_summary(o, n_all, all, hc_time_wall() - t_start, size));
    for (int i = 0; i < n_all; i++) hc_result_free(&all[i]);
    free(all);
    PetscCall(PetscFree(perf));
  }
  PetscCall(PetscFree2(owner, cost));
  hc_io_universe_free(&u);
  PetscFunctionReturn(0);
}
