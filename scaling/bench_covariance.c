/**
 * @file bench_covariance.c
 * @brief Benchmark of the cross-sectional stage alone (a program, not a test; docs/scaling.md):
 *        a universe of N tickers made of the real tickers of a directory replicated with
 *        independent noise, its panel assembled over the ranks, the correlation forecast and
 *        (optionally) the minimum-variance backtest, with the wall time of each phase and the
 *        peak RSS of every rank.
 *
 * The generator: row i (0 <= i < N) is base ticker b = i mod B of the directory (its percent log
 * returns standardized to unit variance, u_b), z_i = (u_b + s eps_i) / sqrt(1 + s^2) with eps_i
 * iid N(0, 1) of a seed of i (a 64-bit LCG and Box-Muller), on the base ticker's dates; the
 * one-step forecast error is e_i = sd_b z_i with the constant sd sd_b of the base ticker. Each
 * rank makes the rows of its PETSc share of N only (as the pipeline's rows stay on the rank
 * that fitted them) and reads only the base tickers those rows need.
 *
 * Options (PETSc options database):
 *   -data_dir DIR            directory of TICKER.csv (adjusted_close column)     [../shared/data/sp500]
 *   -n N                     tickers of the universe                              [2000]
 *   -covariance MODEL        shrink | dcc | factor:K                              [factor:10]
 *   -covariance_window W     estimation window (dates)                            [750]
 *   -origins K               minimum-variance backtest dates (0: the estimate only) [0]
 *   -refit_every M           backtest refits every M dates                        [20]
 *   -noise S                 noise sd s of the replication                        [1.0]
 *   -min_obs M               base tickers with fewer returns are skipped          [1000]
 * Output (rank 0), one line:
 *   bench_covariance model=<m> N=<n> ranks=<r> T=<dates> members=<k> panel_s=<t> estimate_s=<t>
 *   backtest_s=<t> total_s=<t> rss_max_mib=<m> rss_rank0_mib=<m>
 * Collective (mpirun -n R).
 */
#include <math.h>
#include <petscsys.h>
#include <slepcsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "hpcast/covariance.h"
#include "hpcast/io.h"

static double lcg_uniform(unsigned long long *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return ((*s >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(unsigned long long *s) { return sqrt(-2.0 * log(lcg_uniform(s))) * cos(2.0 * M_PI * lcg_uniform(s)); }

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A base ticker: its days and standardized returns (n = 0 if unusable). */
typedef struct {
  int     n;
  int    *day;
  double *u, sd;
} base;

static PetscErrorCode load_base(const char *dir, const char *file, int min_obs, base *b)
{
  char      path[4096], reason[256], ticker[256];
  hc_series s;
  PetscFunctionBeginUser;
  memset(b, 0, sizeof *b);
  snprintf(path, sizeof path, "%s/%s", dir, file);
  hc_strlcpy(ticker, file, sizeof ticker);
  ticker[strlen(ticker) - 4] = '\0';
  if (hc_io_read_csv(path, ticker, "adjusted_close", &s, reason, sizeof reason)) PetscFunctionReturn(0);
  if (!s.labels_are_dates || s.n - 1 < min_obs) {
    hc_series_free(&s);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc2(s.n, &b->day, s.n, &b->u));
  double m = 0, v = 0;
  int    n = 0;
  for (int t = 1; t < s.n; t++)
    if (s.value[t] > 0 && s.value[t - 1] > 0) {
      b->day[n] = (int)(s.time[t] / 86400);
      b->u[n++] = 100.0 * log(s.value[t] / s.value[t - 1]);
    }
  for (int t = 0; t < n; t++) m += b->u[t] / n;
  for (int t = 0; t < n; t++) v += (b->u[t] - m) * (b->u[t] - m) / n;
  b->sd = sqrt(v);
  for (int t = 0; t < n; t++) b->u[t] = (b->u[t] - m) / b->sd;
  b->n = n;
  if (!(b->sd > 0)) b->n = 0, b->sd = 1.0;
  hc_series_free(&s);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char            dir[4096] = "../shared/data/sp500", model[32] = "factor:10";
  PetscInt        N = 2000, window = 750, origins = 0, refit = 20, min_obs = 1000;
  PetscReal       noise = 1.0;
  PetscMPIInt     rank, size;
  hc_cov_options  o;
  hc_cov_panel   *panel;
  hc_cov_estimate est;
  hc_cov_backtest bt;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data_dir", dir, sizeof dir, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-covariance", model, sizeof model, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-covariance_window", &window, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-origins", &origins, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-refit_every", &refit, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-min_obs", &min_obs, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-noise", &noise, NULL));
  hc_cov_options_default(&o);
  o.window      = (int)window;
  o.origins     = (int)origins;
  o.refit_every = (int)refit;
  o.full_max    = (int)N; /* the model asked for, whatever N */
  if (!strcmp(model, "shrink")) o.model = HC_COV_SHRINK;
  else if (!strcmp(model, "dcc")) o.model = HC_COV_DCC;
  else {
    PetscCheck(!strncmp(model, "factor:", 7) && atoi(model + 7) > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-covariance %s: shrink, dcc or factor:K", model);
    o.model     = HC_COV_FACTOR;
    o.n_factors = atoi(model + 7);
  }

  /* the directory's CSV files in name order (every rank lists it; each reads what it needs) */
  DIR *d = opendir(dir);
  PetscCheck(d, PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "-data_dir %s: cannot open", dir);
  char         **files = NULL;
  int            nf = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    const size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".csv")) continue;
    if (nf == cap) files = realloc(files, sizeof *files * (size_t)(cap = cap ? 2 * cap : 512));
    files[nf++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(files, (size_t)nf, sizeof *files, by_name);
  PetscCheck(nf > 0, PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "-data_dir %s: no CSV file", dir);

  /* this rank's rows: its PETSc share of N */
  PetscInt lo = 0, nloc = PETSC_DECIDE;
  PetscCall(PetscSplitOwnership(PETSC_COMM_WORLD, &nloc, &N));
  PetscCallMPI(MPI_Exscan(&nloc, &lo, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  if (rank == 0) lo = 0;
  base       *bases;
  hc_cov_row *rows;
  int         n_rows = 0, span = (int)(window + origins);
  PetscCall(PetscCalloc1(nf, &bases));
  PetscCall(PetscMalloc1(nloc + 1, &rows));
  double t0 = MPI_Wtime();
  for (PetscInt i = lo; i < lo + nloc; i++) {
    base *b = &bases[i % nf];
    if (!b->day) {
      PetscCall(load_base(dir, files[i % nf], (int)min_obs, b));
      if (!b->day) b->day = (int *)1; /* tried: unusable */
    }
    if (b->n <= 0) continue;
    const int          n = PetscMin(b->n, span), k0 = b->n - n;
    double            *z, *e, *sd;
    unsigned long long seed = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)i;
    PetscCall(PetscMalloc3(n, &z, n, &e, n, &sd));
    for (int t = 0; t < n; t++) {
      z[t]  = (b->u[k0 + t] + noise * normal(&seed)) / sqrt(1.0 + noise * noise);
      e[t]  = b->sd * z[t];
      sd[t] = b->sd;
    }
    rows[n_rows++] = (hc_cov_row){.index = (int)i, .n = n, .day = b->day + k0, .z = z, .e = e, .sd = sd};
  }
  const double t_gen = MPI_Wtime() - t0;

  double t[4];
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  t[0] = MPI_Wtime();
  PetscCall(hc_cov_panel_create(PETSC_COMM_WORLD, (int)N, n_rows, rows, span, &panel));
  t[1] = MPI_Wtime();
  int Np, T;
  hc_cov_panel_size(panel, &Np, &T);
  PetscCall(hc_cov_estimate_compute(panel, &o, T, NULL, &est));
  t[2] = MPI_Wtime();
  PetscCall(hc_cov_backtest_run(panel, &o, &bt));
  t[3] = MPI_Wtime();
  double rss = hc_peak_rss_mb(), rss_max = 0, dt[3] = {t[1] - t[0], t[2] - t[1], t[3] - t[2]}, dmax[3];
  PetscCallMPI(MPI_Reduce(&rss, &rss_max, 1, MPI_DOUBLE, MPI_MAX, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Reduce(dt, dmax, 3, MPI_DOUBLE, MPI_MAX, 0, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "bench_covariance model=%s N=%d ranks=%d T=%d members=%d used=%s generate_s=%.3f panel_s=%.3f estimate_s=%.3f "
                        "backtest_s=%.3f total_s=%.3f rss_max_mib=%.1f rss_rank0_mib=%.1f bias_gmv=%.4f vol_gmv=%.4f vol_ew=%.4f\n",
                        model, (int)N, size, T, est.n_members, hc_cov_model_name(est.model), t_gen, dmax[0], dmax[1], dmax[2],
                        dmax[0] + dmax[1] + dmax[2], rss_max, rss, bt.bias_gmv, bt.vol_gmv, bt.vol_ew));
  PetscCall(hc_cov_backtest_free(&bt));
  PetscCall(hc_cov_estimate_free(&est));
  PetscCall(hc_cov_panel_destroy(&panel));
  for (int k = 0; k < n_rows; k++) PetscCall(PetscFree3(rows[k].z, rows[k].e, rows[k].sd));
  for (int k = 0; k < nf; k++) {
    if (bases[k].u) PetscCall(PetscFree2(bases[k].day, bases[k].u));
    free(files[k]);
  }
  free(files);
  PetscCall(PetscFree(bases));
  PetscCall(PetscFree(rows));
  PetscCall(SlepcFinalize());
  return 0;
}
