/**
 * @file m4_weekly.c
 * @brief Forecast accuracy of hpcast's automatic ARIMA on the 359 Weekly series of the M4
 *        competition, beside the Naive and Naive2 benchmarks, scored the M4 way (sMAPE, MASE,
 *        OWA, MSIS, coverage, ACD of the 95% intervals). A program, not a test; see
 *        docs/forecast-accuracy.md.
 *
 * Options (PETSc options database):
 *   -m4_dir DIR          directory with Weekly-train.csv and Weekly-test.csv    [../shared/data/m4]
 *   -mean_models LIST    mean-model grid  [arima(0..5,0..2,0..5),arima(0..5,0..2,0..5)+drift]
 *   -order_search NAME   grid | stepwise                                        [stepwise]
 *   -ic NAME             aic | aicc | bic                                       [aicc]
 *   -max_series N        score only the first N series of the file (-1: all)    [-1]
 *   -output PATH         per-series CSV, written by rank 0   [scaling/results/m4_weekly.csv]
 * Parallel: series are dealt round-robin to the ranks in order of decreasing length (static);
 * rank 0 gathers the per-series scores, prints the summary and writes the CSV.
 * Run: mpirun -n 2 build/scaling/m4_weekly (from the source root).
 */
#include <petscsys.h>
#include <stdio.h>
#include <string.h>

#include "hpcast/eval.h"
#include "hpcast/io.h"
#include "hpcast/models.h"

#define H          13   /* M4 Weekly horizon */
#define M          1    /* M4 "Frequency" of the Weekly series: period of the MASE/MSIS scale */
#define ALPHA      0.05 /* 95% intervals */
#define LEVEL_95   1    /* index of 0.95 in hc_interval_levels */
#define MAX_SPECS  1024

/** Per-series outcome, moved to rank 0 as bytes (same binary on every rank). */
typedef struct {
  int            index;                /* position in the training file */
  char           id[HC_NAME_LEN];
  int            n_train;
  int            failed;               /* 1: no ARIMA could be fitted; the Naive forecast stands in */
  char           model[HC_MODEL_LEN];  /* selected mean model (quoted in the CSV: it holds commas) */
  int            n_fits;
  double         fit_s;                /* wall seconds of hc_select_and_forecast */
  hc_eval_scores arima, naive;
} series_row;

/* Order the indices idx[0..n-1] by decreasing series length (ties by index): insertion sort,
 * enough for a few hundred series. */
static void sort_by_length(int *idx, int n, const hc_wide_series *s)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && s[idx[j - 1]].n < s[idx[j]].n; j--) {
      int t = idx[j];
      idx[j] = idx[j - 1], idx[j - 1] = t;
    }
}

/* Fit, forecast and score series `train` against its outcomes `test` into row. */
static PetscErrorCode score_series(const hc_wide_series *train, const double *test, const hc_select_options *sel, series_row *row)
{
  hc_result r;
  double    f[H], lo[H], hi[H], nf[H], nlo[H], nhi[H];

  PetscFunctionBeginUser;
  hc_strlcpy(row->id, train->id, sizeof row->id);
  row->n_train = train->n;
  PetscCheck(!hc_result_init(&r, train->id, H), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  double t0 = MPI_Wtime();
  PetscCall(hc_select_and_forecast(train->value, train->n, sel, NULL, NULL, &r));
  row->fit_s  = MPI_Wtime() - t0;
  row->n_fits = r.n_fits;
  hc_eval_naive(train->value, train->n, H, ALPHA, nf, nlo, nhi);
  row->failed = r.status != HC_STATUS_OK;
  hc_strlcpy(row->model, row->failed ? "failed" : r.mean_model, sizeof row->model);
  for (int h = 0; h < H; h++) {
    f[h]  = row->failed ? nf[h] : r.mean[h];
    lo[h] = row->failed ? nlo[h] : r.lo[h * HC_N_LEVELS + LEVEL_95];
    hi[h] = row->failed ? nhi[h] : r.hi[h * HC_N_LEVELS + LEVEL_95];
  }
  hc_result_free(&r);
  hc_eval_series(train->value, train->n, M, test, f, lo, hi, H, ALPHA, &row->arima);
  hc_eval_series(train->value, train->n, M, test, nf, nlo, nhi, H, ALPHA, &row->naive);
  PetscFunctionReturn(0);
}

static PetscErrorCode print_summary_line(const char *name, const hc_eval_summary *s, double owa)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-22s %8.3f %8.3f %7.3f %8.3f %9.4f %7.4f %6d\n", name, s->smape, s->mase, owa,
                        s->msis, s->coverage, s->acd, s->n_series));
  PetscFunctionReturn(0);
}

/* Rank 0: summary table and per-series CSV. */
static PetscErrorCode report(const series_row *rows, int n, const char *output, double wall, int size)
{
  hc_eval_scores *a, *b;
  hc_eval_summary sa, sn;
  int             n_failed = 0;
  double          fit_total = 0.0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n, &a, n, &b));
  for (int i = 0; i < n; i++) {
    a[i] = rows[i].arima, b[i] = rows[i].naive;
    n_failed += rows[i].failed;
    fit_total += rows[i].fit_s;
  }
  hc_eval_summarize(a, n, 1.0 - ALPHA, &sa);
  hc_eval_summarize(b, n, 1.0 - ALPHA, &sn);
  PetscCall(PetscFree2(a, b));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "M4 Weekly: %d series, horizon %d, 95%% intervals, MASE/MSIS scale m = %d\n", n, H, M));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-22s %8s %8s %7s %8s %9s %7s %6s\n", "method", "sMAPE", "MASE", "OWA", "MSIS",
                        "coverage", "ACD", "series"));
  PetscCall(print_summary_line("hpcast auto ARIMA", &sa, hc_eval_owa(sa.smape, sa.mase, sn.smape, sn.mase)));
  PetscCall(print_summary_line("Naive (Naive 1)", &sn, hc_eval_owa(sn.smape, sn.mase, sn.smape, sn.mase)));
  PetscCall(print_summary_line("Naive2 (= Naive, m=1)", &sn, hc_eval_owa(sn.smape, sn.mase, sn.smape, sn.mase)));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "published M4 Weekly: Naive2 sMAPE 9.161 MASE 2.777; Theta 9.093 2.637; best sMAPE 6.582; "
                                         "auto.arima MSIS 19.575 ACD 0.005; ETS MSIS 20.386\n"));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "ARIMA fits failed (Naive forecast used instead): %d; series skipped for NaN scores: %d\n",
                        n_failed, sa.n_skipped));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "wall %.1f s on %d ranks; fitting %.1f s summed over series\n", wall, size, fit_total));

  FILE *fp = fopen(output, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-output %s: cannot open for writing (does its directory exist?)", output);
  fprintf(fp, "id,n_train,model,failed,n_fits,fit_s,arima_smape,arima_mase,arima_msis,arima_covered,"
              "naive_smape,naive_mase,naive_msis,naive_covered,h\n");
  for (int i = 0; i < n; i++) {
    const series_row *r = &rows[i];
    fprintf(fp, "%s,%d,\"%s\",%d,%d,%.3f,%.6f,%.6f,%.6f,%d,%.6f,%.6f,%.6f,%d,%d\n", r->id, r->n_train, r->model, r->failed,
            r->n_fits, r->fit_s, r->arima.smape, r->arima.mase, r->arima.msis, r->arima.covered, r->naive.smape, r->naive.mase,
            r->naive.msis, r->naive.covered, r->arima.h);
  }
  PetscCheck(!fclose(fp), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-output %s: write failed", output);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "per-series scores: %s\n", output));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char            dir[PETSC_MAX_PATH_LEN] = "../shared/data/m4", output[PETSC_MAX_PATH_LEN] = "scaling/results/m4_weekly.csv";
  char            mtext[1024] = "arima(0..5,0..2,0..5),arima(0..5,0..2,0..5)+drift", search[16] = "stepwise", ic[16] = "aicc";
  char            path[PETSC_MAX_PATH_LEN + 32], err[1024];
  PetscInt        max_series = -1;
  PetscMPIInt     rank, size;
  hc_spec        *mean, vol[1];
  hc_select_options sel = {0};
  hc_wide_series *train, *test;
  int             n_train, n_test;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "m4_weekly: M4 Weekly forecast accuracy of hpcast's automatic ARIMA\n"));
  double t_start = MPI_Wtime();
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "M4 Weekly evaluation", NULL);
  PetscCall(PetscOptionsString("-m4_dir", "Directory with Weekly-train.csv and Weekly-test.csv", NULL, dir, dir, sizeof dir, NULL));
  PetscCall(PetscOptionsString("-mean_models", "Mean-model grid of the order search", NULL, mtext, mtext, sizeof mtext, NULL));
  PetscCall(PetscOptionsString("-order_search", "Order search: grid or stepwise", NULL, search, search, sizeof search, NULL));
  PetscCall(PetscOptionsString("-ic", "Information criterion: aic, aicc or bic", NULL, ic, ic, sizeof ic, NULL));
  PetscCall(PetscOptionsInt("-max_series", "Score only the first N series (-1: all)", NULL, max_series, &max_series, NULL));
  PetscCall(PetscOptionsString("-output", "Per-series CSV written by rank 0", NULL, output, output, sizeof output, NULL));
  PetscOptionsEnd();

  PetscCall(PetscMalloc1(MAX_SPECS, &mean));
  int n_mean = hc_spec_parse_mean(mtext, MAX_SPECS, mean, err, sizeof err);
  PetscCheck(n_mean > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-mean_models: %s", err);
  n_mean = hc_spec_resolve_season(mean, n_mean, M); /* M4 Weekly has no seasonal period */
  PetscCheck(hc_spec_parse_vol("none", 1, vol, err, sizeof err) == 1, PETSC_COMM_WORLD, PETSC_ERR_LIB, "%s", err);
  PetscCheck(!hc_search_parse(search, &sel.search), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-order_search %s: allowed values are grid, stepwise", search);
  PetscCheck(!hc_ic_parse(ic, &sel.ic), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-ic %s: allowed values are aic, aicc, bic", ic);
  PetscCheck(hc_interval_levels[LEVEL_95] == 0.95, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "interval level %d is not 0.95", LEVEL_95);
  sel.n_mean  = n_mean;
  sel.mean    = mean;
  sel.n_vol   = 1;
  sel.vol     = vol;
  sel.horizon = H;
  hc_fit_options_default(&sel.fit);

  /* Every rank reads the two files (a few MB); the reader checks their format. */
  snprintf(path, sizeof path, "%s/Weekly-train.csv", dir);
  PetscCheck(!hc_io_read_wide(path, &train, &n_train, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-m4_dir: %s", err);
  snprintf(path, sizeof path, "%s/Weekly-test.csv", dir);
  PetscCheck(!hc_io_read_wide(path, &test, &n_test, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-m4_dir: %s", err);
  PetscCheck(n_test == n_train, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-m4_dir %s: %d training but %d test series", dir, n_train,
             n_test);
  for (int i = 0; i < n_train; i++) {
    PetscCheck(!strcmp(train[i].id, test[i].id), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "-m4_dir %s: row %d is series %s in the training file but %s in the test file", dir, i + 1, train[i].id, test[i].id);
    PetscCheck(test[i].n == H, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-m4_dir %s: series %s has %d test values, not %d", dir,
               test[i].id, test[i].n, H);
    PetscCheck(train[i].n >= 3, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-m4_dir %s: series %s has %d training values", dir,
               train[i].id, train[i].n);
  }
  const int n = max_series >= 0 && max_series < n_train ? (int)max_series : n_train;

  /* Static deal: longest series first, round-robin over the ranks. */
  int        *order, n_local = 0;
  series_row *local;
  PetscCall(PetscMalloc1(n, &order));
  for (int i = 0; i < n; i++) order[i] = i;
  sort_by_length(order, n, train);
  PetscCall(PetscCalloc1(n / size + 1, &local));
  for (int k = rank; k < n; k += size) {
    series_row *row = &local[n_local++];
    row->index      = order[k];
    PetscCall(score_series(&train[order[k]], test[order[k]].value, &sel, row));
  }

  /* Gather the rows on rank 0, then put them back in file order. */
  PetscMPIInt bytes = (PetscMPIInt)(n_local * sizeof(series_row)), *counts = NULL, *displs = NULL;
  series_row *all = NULL, *sorted = NULL;
  if (rank == 0) PetscCall(PetscMalloc4(size, &counts, size, &displs, n, &all, n, &sorted));
  PetscCallMPI(MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  if (rank == 0)
    for (int r = 0; r < size; r++) displs[r] = r ? displs[r - 1] + counts[r - 1] : 0;
  PetscCallMPI(MPI_Gatherv(local, bytes, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, PETSC_COMM_WORLD));
  const double wall = MPI_Wtime() - t_start;
  if (rank == 0) {
    for (int i = 0; i < n; i++) sorted[all[i].index] = all[i];
    PetscCall(report(sorted, n, output, wall, size));
    PetscCall(PetscFree4(counts, displs, all, sorted));
  }
  PetscCall(PetscFree(local));
  PetscCall(PetscFree(order));
  PetscCall(PetscFree(mean));
  hc_io_wide_free(train, n_train);
  hc_io_wide_free(test, n_test);
  PetscCall(PetscFinalize());
  return 0;
}
