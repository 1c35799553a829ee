/**
 * @file merge.c
 * @brief Subcommands on reports: `hpcast merge` (shard reports of a job array into one) and
 *        `hpcast report perf` (print the /perf table).
 */
#include "app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode hc_app_merge(void)
{
  char               report[HC_PATH_LEN] = "", inputs[8192] = "", err[HC_PATH_LEN + 256], *opts;
  int                n_all = 0, cap = 0, n_perf = 0;
  hc_result         *all   = NULL;
  hc_perf           *perf  = NULL;
  uint64_t           fp0   = 0;
  PetscMPIInt        size;
  hc_trading_options trading;
  hc_trading_metrics portfolio;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "hpcast merge runs on one process (got %d)", size);
  hc_trading_options_default(&trading);
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast merge: combine the shard reports of a sweep", NULL);
  PetscCall(PetscOptionsString("-report", "Path of the merged report", NULL, report, report, sizeof report, NULL));
  PetscCall(PetscOptionsString("-merge_inputs", "Comma-separated shard reports (each with its .journal beside it)", NULL, inputs, inputs, sizeof inputs, NULL));
  PetscCall(PetscOptionsReal("-cost_bps", "Trading cost of the shards' runs, basis points (the universe portfolio)", NULL, trading.cost_bps, &trading.cost_bps, NULL));
  PetscOptionsEnd();
  PetscCheck(report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: give the path of the merged report");
  PetscCheck(inputs[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-merge_inputs: give the shard reports, e.g. out/shard_0.h5,out/shard_1.h5");
  int k = 0;
  for (char *in = strtok(inputs, ","); in; in = strtok(NULL, ","), k++) {
    char       jpath[HC_PATH_LEN + 16];
    uint64_t   fp;
    int        n, np;
    hc_result *r;
    hc_perf   *p;
    snprintf(jpath, sizeof jpath, "%s.journal", in);
    int rc = hc_io_journal_read(jpath, &fp, &n, &r, err, sizeof err);
    PetscCheck(rc != ENOMEM, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory reading %s", jpath);
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-merge_inputs %s: %s (a -shard run keeps it beside its report)", in, err);
    PetscCheck(k == 0 || fp == fp0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
               "-merge_inputs %s: written with other result-affecting options than the first input", in);
    fp0 = fp;
    if (n_all + n > cap) {
      cap = 2 * (n_all + n);
      PetscCheck((all = realloc(all, sizeof *all * (size_t)cap)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    }
    memcpy(all + n_all, r, sizeof *r * (size_t)n);
    n_all += n;
    free(r);
    if (!hc_io_report_read_perf(in, &np, &p, err, sizeof err)) { /* the shards' ranks, as rows */
      PetscCheck((perf = realloc(perf, sizeof *perf * (size_t)(n_perf + np + 1))), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
      memcpy(perf + n_perf, p, sizeof *p * (size_t)np);
      n_perf += np;
      free(p);
    }
  }
  PetscCall(hc_app_portfolio(&trading, n_all, all, &portfolio));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  hc_report_meta meta = {.hpcast_version = HPCAST_VERSION, .options = opts, .n_ranks = n_perf, .portfolio = &portfolio, .schedule = "merged"};
  int            rc   = hc_io_report_write(report, &meta, n_all, all, n_perf, perf, err, sizeof err);
  PetscCall(PetscFree(opts));
  PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-report %s: %s", report, err);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "hpcast merge: %d tickers from %d shard reports written to %s\n", n_all, k, report));
  for (int i = 0; i < n_all; i++) hc_result_free(&all[i]);
  free(all);
  free(perf);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_report_perf(void)
{
  char     report[HC_PATH_LEN] = "", err[HC_PATH_LEN + 128];
  int      n;
  hc_perf *p;
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast report perf: the performance record of a report", NULL);
  PetscCall(PetscOptionsString("-report", "Path of the report", NULL, report, report, sizeof report, NULL));
  PetscOptionsEnd();
  PetscCheck(report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: give the path of a report");
  PetscCheck(!hc_io_report_read_perf(report, &n, &p, err, sizeof err), PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "-report: %s", err);
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
