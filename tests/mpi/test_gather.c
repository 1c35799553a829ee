/**
 * @file test_gather.c
 * @brief MPI test of hc_parallel_gather_results and hc_parallel_gather_perf.
 *
 * Plain MPI program (no Criterion, no PETSc): run under `mpirun -n 1|2|...`.
 * Every rank builds synthetic result records whose contents depend on (rank, index),
 * so rank 0 can rebuild the expected record and compare every field.
 * Exit code 0 when every check passed on every rank.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "hpcast/core.h"
#include "hpcast/parallel.h"

static int g_rank, g_size;
static int n_pass, n_fail;

/** Record one check; print a message naming the rank and the case on failure. */
static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
  if (ok) {
    n_pass++;
    return;
  }
  n_fail++;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "FAIL [rank %d/%d]: ", g_rank, g_size);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static int same_double(double a, double b)
{
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return a == b;
}

enum { HORIZON = 5 };

/** Fill fit k of record (r, i) deterministically. */
static void make_fit(hc_fit_record *f, int r, int i, int k)
{
  memset(f, 0, sizeof *f);
  snprintf(f->name, sizeof f->name, "FIT_%d_%d_%d", r, i, k);
  snprintf(f->mean_model, sizeof f->mean_model, "ARMA(%d,%d)", k % 3, r);
  snprintf(f->vol_model, sizeof f->vol_model, "%s", k % 2 ? "GARCH(1,1)-t" : "none");
  f->n_params = 1 + (r + i + k) % HC_MAX_PARAMS;
  for (int j = 0; j < f->n_params; j++) {
    snprintf(f->param_names[j], sizeof f->param_names[j], "p%d", j);
    f->params[j]  = 1000.0 * r + 100.0 * i + 10.0 * k + j + 0.5;
    f->stderr_[j] = (j + k) % 3 == 0 ? NAN : 0.001 * (j + 1);
  }
  f->loglik     = -100.0 * (r + 1) - i - 0.01 * k;
  f->aic        = 200.0 + r + i + k;
  f->bic        = 210.0 + r + i + k;
  f->n_obs_used = 500 + 10 * r + i;
  f->converged  = (k + i) % 2;
  f->tao_reason = k - 2;
  f->iterations = 3 * k + r;
  f->status     = k % 4 == 3 ? HC_STATUS_FAILED : 0;
  if (f->status) snprintf(f->reason, sizeof f->reason, "fit %d of T%d_%d failed", k, r, i);
}

/** Build record i of rank r: ticker "T<r>_<i>", horizon 5, r+i fits. */
static int make_result(hc_result *res, int r, int i)
{
  char ticker[HC_NAME_LEN];
  snprintf(ticker, sizeof ticker, "T%d_%d", r, i);
  if (hc_result_init(res, ticker, HORIZON)) return 1;
  for (int k = 0; k < r + i; k++) {
    hc_fit_record f;
    make_fit(&f, r, i, k);
    if (hc_result_add_fit(res, &f)) return 1;
  }
  if (i % 3 == 1) hc_result_set_status(res, HC_STATUS_REJECTED, "rejected %d/%d", r, i);
  if (i % 3 == 2) hc_result_set_status(res, HC_STATUS_FAILED, "failed %d/%d", r, i);
  res->n_obs = 1000 * r + i;
  snprintf(res->first_date, sizeof res->first_date, "20%02d-01-02", r % 100);
  snprintf(res->last_date, sizeof res->last_date, "20%02d-12-%02d", r % 100, i % 28 + 1);
  res->quality_score = 1.0 / (1 + r + i);
  snprintf(res->mean_model, sizeof res->mean_model, "ARMA(%d,0)", i);
  snprintf(res->vol_model, sizeof res->vol_model, "GARCH(%d,1)", r);
  res->loglik   = -10.0 * r - i;
  res->aic      = (i % 2) ? NAN : 20.0 * r + i;
  res->bic      = 30.0 * r + i;
  res->selected = res->n_fits ? (r + i) % res->n_fits : -1;
  for (int h = 0; h < HORIZON; h++) {
    res->mean[h] = r + 0.1 * i + 0.01 * h;
    res->sd[h]   = (h == i % HORIZON) ? NAN : 1.0 + h;
    for (int l = 0; l < HC_N_LEVELS; l++) {
      res->lo[h * HC_N_LEVELS + l] = res->mean[h] - (l + 1) * 1.5;
      res->hi[h * HC_N_LEVELS + l] = res->mean[h] + (l + 1) * 1.5;
    }
  }
  return 0;
}

static void compare_fit(const hc_fit_record *g, const hc_fit_record *e, const char *where, int k)
{
  check(!strcmp(g->name, e->name), "%s fit %d: name '%s' != '%s'", where, k, g->name, e->name);
  check(!strcmp(g->mean_model, e->mean_model), "%s fit %d: mean_model", where, k);
  check(!strcmp(g->vol_model, e->vol_model), "%s fit %d: vol_model", where, k);
  check(g->n_params == e->n_params, "%s fit %d: n_params %d != %d", where, k, g->n_params, e->n_params);
  int np = e->n_params;
  for (int j = 0; j < np && j < HC_MAX_PARAMS; j++) {
    check(!strcmp(g->param_names[j], e->param_names[j]), "%s fit %d: param_names[%d]", where, k, j);
    check(same_double(g->params[j], e->params[j]), "%s fit %d: params[%d] %g != %g", where, k, j, g->params[j],
          e->params[j]);
    check(same_double(g->stderr_[j], e->stderr_[j]), "%s fit %d: stderr[%d] %g != %g", where, k, j, g->stderr_[j],
          e->stderr_[j]);
  }
  check(same_double(g->loglik, e->loglik), "%s fit %d: loglik", where, k);
  check(same_double(g->aic, e->aic), "%s fit %d: aic", where, k);
  check(same_double(g->bic, e->bic), "%s fit %d: bic", where, k);
  check(g->n_obs_used == e->n_obs_used, "%s fit %d: n_obs_used", where, k);
  check(g->converged == e->converged, "%s fit %d: converged", where, k);
  check(g->tao_reason == e->tao_reason, "%s fit %d: tao_reason", where, k);
  check(g->iterations == e->iterations, "%s fit %d: iterations", where, k);
  check(g->status == e->status, "%s fit %d: status", where, k);
  check(!strcmp(g->reason, e->reason), "%s fit %d: reason '%s' != '%s'", where, k, g->reason, e->reason);
}

/** Compare every field of a gathered record g with the expected record e. */
static void compare_result(const hc_result *g, const hc_result *e, const char *where)
{
  check(!strcmp(g->ticker, e->ticker), "%s: ticker '%s' != '%s' (rank order?)", where, g->ticker, e->ticker);
  check(g->status == e->status, "%s: status %d != %d", where, (int)g->status, (int)e->status);
  check(!strcmp(g->reason, e->reason), "%s: reason '%s' != '%s'", where, g->reason, e->reason);
  check(g->n_obs == e->n_obs, "%s: n_obs %d != %d", where, g->n_obs, e->n_obs);
  check(!strcmp(g->first_date, e->first_date), "%s: first_date '%s' != '%s'", where, g->first_date, e->first_date);
  check(!strcmp(g->last_date, e->last_date), "%s: last_date '%s' != '%s'", where, g->last_date, e->last_date);
  check(same_double(g->quality_score, e->quality_score), "%s: quality_score %g != %g", where, g->quality_score,
        e->quality_score);
  check(!strcmp(g->mean_model, e->mean_model), "%s: mean_model", where);
  check(!strcmp(g->vol_model, e->vol_model), "%s: vol_model", where);
  check(same_double(g->loglik, e->loglik), "%s: loglik", where);
  check(same_double(g->aic, e->aic), "%s: aic", where);
  check(same_double(g->bic, e->bic), "%s: bic", where);
  check(g->selected == e->selected, "%s: selected %d != %d", where, g->selected, e->selected);
  check(g->horizon == e->horizon, "%s: horizon %d != %d", where, g->horizon, e->horizon);
  if (g->horizon == e->horizon) {
    int ok_ptr = !e->horizon || (g->mean && g->sd && g->lo && g->hi);
    check(ok_ptr, "%s: forecast arrays missing", where);
    if (ok_ptr)
      for (int h = 0; h < e->horizon; h++) {
        check(same_double(g->mean[h], e->mean[h]), "%s: mean[%d] %g != %g", where, h, g->mean[h], e->mean[h]);
        check(same_double(g->sd[h], e->sd[h]), "%s: sd[%d] %g != %g", where, h, g->sd[h], e->sd[h]);
        for (int l = 0; l < HC_N_LEVELS; l++) {
          int q = h * HC_N_LEVELS + l;
          check(same_double(g->lo[q], e->lo[q]), "%s: lo[%d] %g != %g", where, q, g->lo[q], e->lo[q]);
          check(same_double(g->hi[q], e->hi[q]), "%s: hi[%d] %g != %g", where, q, g->hi[q], e->hi[q]);
        }
      }
  }
  check(g->n_fits == e->n_fits, "%s: n_fits %d != %d", where, g->n_fits, e->n_fits);
  if (g->n_fits == e->n_fits && e->n_fits > 0) {
    check(g->fits != NULL, "%s: fits missing", where);
    if (g->fits)
      for (int k = 0; k < e->n_fits; k++) compare_fit(&g->fits[k], &e->fits[k], where, k);
  }
}

/**
 * One gather case: rank r contributes count_of(r) records; rank 0 checks count,
 * rank order and every field; other ranks check that they receive nothing.
 */
static void gather_case(const char *name, int (*count_of)(int r))
{
  int        n_local = count_of(g_rank);
  hc_result *local   = calloc((size_t)(n_local > 0 ? n_local : 1), sizeof *local);
  check(local != NULL, "%s: allocation", name);
  if (!local) MPI_Abort(MPI_COMM_WORLD, 2);
  for (int i = 0; i < n_local; i++) check(!make_result(&local[i], g_rank, i), "%s: make_result(%d)", name, i);

  int        n_all = -1;
  hc_result *all   = (hc_result *)&n_all; /* must be overwritten */
  int        err   = hc_parallel_gather_results(MPI_COMM_WORLD, n_local, local, &n_all, &all);
  check(err == MPI_SUCCESS, "%s: hc_parallel_gather_results returned %d", name, err);

  /* the local records are untouched by the gather */
  for (int i = 0; i < n_local; i++) {
    hc_result e;
    if (make_result(&e, g_rank, i)) continue;
    char where[96];
    snprintf(where, sizeof where, "%s: local record %d after gather", name, i);
    compare_result(&local[i], &e, where);
    hc_result_free(&e);
  }

  if (g_rank == 0 && err == MPI_SUCCESS) {
    int expect = 0;
    for (int r = 0; r < g_size; r++) expect += count_of(r);
    check(n_all == expect, "%s: n_all = %d, expected %d", name, n_all, expect);
    check(expect == 0 || (all != NULL && all != (hc_result *)&n_all), "%s: *all not set", name);
    if (n_all == expect && all && all != (hc_result *)&n_all) {
      int k = 0;
      for (int r = 0; r < g_size; r++)
        for (int i = 0; i < count_of(r); i++, k++) {
          hc_result e;
          if (make_result(&e, r, i)) {
            check(0, "%s: make_result(%d,%d)", name, r, i);
            continue;
          }
          char where[96];
          snprintf(where, sizeof where, "%s: record %d (T%d_%d)", name, k, r, i);
          compare_result(&all[k], &e, where);
          hc_result_free(&e);
        }
    }
    if (all && all != (hc_result *)&n_all) {
      for (int k = 0; k < n_all; k++) hc_result_free(&all[k]);
      free(all);
    }
  } else if (g_rank != 0) {
    check(n_all == 0, "%s: non-root n_all = %d, expected 0", name, n_all);
    check(all == NULL, "%s: non-root *all not NULL", name);
  }

  for (int i = 0; i < n_local; i++) hc_result_free(&local[i]);
  free(local);
}

static int count_rank_plus_one(int r) { return r + 1; }
static int count_zero_on_root(int r) { return r == 0 ? 0 : r + 1; }
static int count_zero_on_last(int r) { return r == g_size - 1 ? 0 : r + 1; }
static int count_zero_on_odd(int r) { return r % 2 ? 0 : r + 2; }
static int count_none(int r) { (void)r; return 0; }

static void perf_case(void)
{
  hc_perf mine;
  memset(&mine, 0, sizeof mine);
  mine.rank        = g_rank;
  mine.wall_s      = 100.0 + g_rank + 0.25;
  mine.fit_s       = 50.0 + 0.5 * g_rank;
  mine.io_s        = 1.0 / (g_rank + 1);
  mine.peak_rss_mb = 128.0 + g_rank;
  mine.n_tickers   = g_rank + 1;
  mine.n_fits      = 7 * (g_rank + 1);

  hc_perf *all = NULL;
  if (g_rank == 0) {
    all = malloc((size_t)g_size * sizeof *all);
    if (!all) MPI_Abort(MPI_COMM_WORLD, 2);
    memset(all, 0xFF, (size_t)g_size * sizeof *all);
  }
  int err = hc_parallel_gather_perf(MPI_COMM_WORLD, &mine, all);
  check(err == MPI_SUCCESS, "perf: hc_parallel_gather_perf returned %d", err);
  if (g_rank == 0 && err == MPI_SUCCESS) {
    for (int r = 0; r < g_size; r++) {
      const hc_perf *p = &all[r];
      check(p->rank == r, "perf row %d: rank %d", r, p->rank);
      check(p->wall_s == 100.0 + r + 0.25, "perf row %d: wall_s %g", r, p->wall_s);
      check(p->fit_s == 50.0 + 0.5 * r, "perf row %d: fit_s %g", r, p->fit_s);
      check(p->io_s == 1.0 / (r + 1), "perf row %d: io_s %g", r, p->io_s);
      check(p->peak_rss_mb == 128.0 + r, "perf row %d: peak_rss_mb %g", r, p->peak_rss_mb);
      check(p->n_tickers == r + 1, "perf row %d: n_tickers %d", r, p->n_tickers);
      check(p->n_fits == 7 * (r + 1), "perf row %d: n_fits %d", r, p->n_fits);
    }
  }
  free(all);

  /* real probes travel too: each rank's measured peak RSS arrives at its row */
  mine.peak_rss_mb = hc_peak_rss_mb();
  mine.wall_s      = hc_time_wall();
  check(mine.peak_rss_mb > 0, "perf: hc_peak_rss_mb() = %g", mine.peak_rss_mb);
  double *rss = g_rank == 0 ? malloc((size_t)g_size * sizeof *rss) : NULL;
  all         = g_rank == 0 ? calloc((size_t)g_size, sizeof *all) : NULL;
  MPI_Gather(&mine.peak_rss_mb, 1, MPI_DOUBLE, rss, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  err = hc_parallel_gather_perf(MPI_COMM_WORLD, &mine, all);
  check(err == MPI_SUCCESS, "perf (probes): returned %d", err);
  if (g_rank == 0 && err == MPI_SUCCESS && rss && all)
    for (int r = 0; r < g_size; r++) {
      check(all[r].rank == r, "perf (probes) row %d: rank %d", r, all[r].rank);
      check(all[r].peak_rss_mb == rss[r], "perf (probes) row %d: peak_rss_mb %g != %g", r, all[r].peak_rss_mb, rss[r]);
    }
  free(rss);
  free(all);
}

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  /* report MPI errors as return codes so the checks can see them */
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

  gather_case("rank+1 records", count_rank_plus_one);
  gather_case("root has zero records", count_zero_on_root);
  gather_case("last rank has zero records", count_zero_on_last);
  gather_case("odd ranks have zero records", count_zero_on_odd);
  gather_case("no records anywhere", count_none);
  perf_case();

  int counts[2] = {n_pass, n_fail}, totals[2] = {0, 0};
  MPI_Reduce(counts, totals, 2, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  int any_fail = 0;
  MPI_Allreduce(&n_fail, &any_fail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (g_rank == 0)
    printf("test_gather (%d ranks): %d passed, %d failed\n", g_size, totals[0], totals[1]);
  MPI_Finalize();
  return any_fail ? 1 : 0;
}
