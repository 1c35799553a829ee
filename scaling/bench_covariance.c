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
 * The portfolio stage (src/portfolio) on the estimate, solved once (docs/performance.md):
 *   -portfolio METHOD        none | gmv | meanvar | riskparity                    [none]
 *   -max_weight X            |w_i| <= X                                           [0.01]
 *   -long_only BOOL          long-only (false: long-short, net weight 1)          [true]
 *   -max_gross G             sum |w_i| <= G (long-short)                          [2]
 *   -risk_aversion L         lambda of meanvar                                    [5]
 *   -cost_bps C              cost per unit of turnover, basis points              [5]
 *   -n_sectors S             asset i in sector i mod S, capped (0: no sectors)    [0]
 *   -max_sector_weight X     |sum of a sector's w_i| <= X                         [0.25]
 *   The book's horizon is -refit_every (as the app's). Its data: mu_i and sd_i the mean and sd
 *   (percent, sd with divisor n - 1) of row i's generated series e_i over its last 250
 *   observations (a row of fewer: all of them), no previous weights, investable = the
 *   estimate's members.
 * Output (rank 0), one line:
 *   bench_covariance model=<m> N=<n> ranks=<r> T=<dates> members=<k> panel_s=<t> estimate_s=<t>
 *   backtest_s=<t> total_s=<t> rss_max_mib=<m> rss_rank0_mib=<m>
 *   and with -portfolio other than none: portfolio=<method> portfolio_s=<t> (hc_port_solve's
 *   wall, max over the ranks) port_evals=<n> port_its=<n> port_status=<reason> port_kkt=<x>
 *   (max of TAO's kkt_gradient, kkt_constraint) port_violation=<x> port_s_per_eval=<t>
 *   port_held=<n> port_net=<x> port_gross=<x> rss_pre_port_max_mib=<m> (the largest peak RSS of
 *   the ranks before the solve; rss_max_mib is after it)
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
#include "hpcast/portfolio.h"

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
  char            port_method[16] = "none";
  PetscBool       long_only = PETSC_TRUE;
  PetscInt        n_sectors = 0;
  hc_port_options po;

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
  hc_port_options_default(&po);
  po.max_weight = 0.01;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-portfolio", port_method, sizeof port_method, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-long_only", &long_only, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-max_weight", &po.max_weight, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-max_gross", &po.max_gross, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-risk_aversion", &po.risk_aversion, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-cost_bps", &po.cost_bps, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n_sectors", &n_sectors, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-max_sector_weight", &po.max_sector_weight, NULL));
  {
    int k = 0;
    while (k <= HC_PORT_RISKPARITY && strcmp(port_method, hc_port_method_name((hc_port_method)k))) k++;
    PetscCheck(k <= HC_PORT_RISKPARITY, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-portfolio %s: none, gmv, meanvar or riskparity", port_method);
    po.method = (hc_port_method)k;
  }
  po.long_only = long_only == PETSC_TRUE;
  po.horizon   = (int)refit; /* the app's: the book is held to the next refit */
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
  double     *row_mu, *row_sd; /* the book's mu and sd of each row (percent) */
  int         n_rows = 0, span = (int)(window + origins);
  PetscCall(PetscCalloc1(nf, &bases));
  PetscCall(PetscMalloc3(nloc + 1, &rows, nloc + 1, &row_mu, nloc + 1, &row_sd));
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
    const int m = PetscMin(n, 250);
    double    em = 0, ev = 0;
    for (int t = n - m; t < n; t++) em += e[t] / m;
    for (int t = n - m; t < n; t++) ev += (e[t] - em) * (e[t] - em) / (m - 1);
    row_mu[n_rows] = m > 1 ? em : NAN;
    row_sd[n_rows] = m > 1 ? sqrt(ev) : NAN;
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

  /* the book, once, on the estimate (its own log stage for -log_view) */
  hc_port_solution ps  = {0};
  double           rss_pre = hc_peak_rss_mb(), rss_pre_max = 0, t_port = 0;
  if (po.method != HC_PORT_NONE) {
    Vec            mu, sdv, sector = NULL;
    PetscLogStage  stage;
    hc_port_problem pr = {.cov = &est, .n_sectors = (int)n_sectors};
    PetscCall(hc_cov_panel_vec(panel, &mu));
    PetscCall(VecDuplicate(mu, &sdv));
    PetscCall(VecSet(mu, NAN));
    PetscCall(VecSet(sdv, NAN));
    for (int k = 0; k < n_rows; k++) {
      PetscCall(VecSetValue(mu, rows[k].index, row_mu[k], INSERT_VALUES));
      PetscCall(VecSetValue(sdv, rows[k].index, row_sd[k], INSERT_VALUES));
    }
    Vec *fill[] = {&mu, &sdv};
    for (int k = 0; k < 2; k++) {
      PetscCall(VecAssemblyBegin(*fill[k]));
      PetscCall(VecAssemblyEnd(*fill[k]));
    }
    if (n_sectors > 0) {
      PetscInt     rs, re;
      PetscScalar *sa;
      PetscCall(VecDuplicate(mu, &sector));
      PetscCall(VecGetOwnershipRange(sector, &rs, &re));
      PetscCall(VecGetArray(sector, &sa));
      for (PetscInt i = rs; i < re; i++) sa[i - rs] = (double)(i % n_sectors);
      PetscCall(VecRestoreArray(sector, &sa));
    }
    pr.mu = mu, pr.sd = sdv, pr.investable = est.member, pr.sector = sector;
    PetscCall(PetscLogStageRegister("Portfolio", &stage));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscLogStagePush(stage));
    const double t4 = MPI_Wtime();
    PetscCall(hc_port_solve(&po, &pr, &ps));
    t_port = MPI_Wtime() - t4;
    PetscCall(PetscLogStagePop());
    PetscCall(VecDestroy(&mu));
    PetscCall(VecDestroy(&sdv));
    PetscCall(VecDestroy(&sector));
  }
  double rss = hc_peak_rss_mb(), rss_max = 0, dt[4] = {t[1] - t[0], t[2] - t[1], t[3] - t[2], t_port}, dmax[4];
  PetscCallMPI(MPI_Reduce(&rss, &rss_max, 1, MPI_DOUBLE, MPI_MAX, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Reduce(&rss_pre, &rss_pre_max, 1, MPI_DOUBLE, MPI_MAX, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Reduce(dt, dmax, 4, MPI_DOUBLE, MPI_MAX, 0, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "bench_covariance model=%s N=%d ranks=%d T=%d members=%d used=%s generate_s=%.3f panel_s=%.3f estimate_s=%.3f "
                        "backtest_s=%.3f total_s=%.3f rss_max_mib=%.1f rss_rank0_mib=%.1f bias_gmv=%.4f vol_gmv=%.4f vol_ew=%.4f",
                        model, (int)N, size, T, est.n_members, hc_cov_model_name(est.model), t_gen, dmax[0], dmax[1], dmax[2],
                        dmax[0] + dmax[1] + dmax[2], rss_max, rss, bt.bias_gmv, bt.vol_gmv, bt.vol_ew));
  for (char *c = ps.status; *c; c++)
    if (*c == ' ') *c = '_'; /* one key=value field */
  if (po.method != HC_PORT_NONE)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                          " portfolio=%s long_only=%d max_weight=%g max_gross=%g n_sectors=%d portfolio_s=%.4f port_evals=%d port_its=%d "
                          "port_status=%s port_kkt=%.3e port_violation=%.3e port_s_per_eval=%.3e port_held=%d port_net=%.6f "
                          "port_gross=%.6f rss_pre_port_max_mib=%.1f",
                          hc_port_method_name(po.method), po.long_only, po.max_weight, po.max_gross, (int)n_sectors, dmax[3],
                          ps.evaluations, ps.iterations, ps.status, PetscMax(ps.kkt_gradient, ps.kkt_constraint), ps.max_violation,
                          ps.evaluations > 0 ? dmax[3] / ps.evaluations : NAN, ps.n_held, ps.net, ps.gross, rss_pre_max));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));
  PetscCall(hc_port_solution_free(&ps));
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
  PetscCall(PetscFree3(rows, row_mu, row_sd));
  PetscCall(SlepcFinalize());
  return 0;
}
