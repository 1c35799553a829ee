/**
 * @file test_covariance.c
 * @brief MPI test of the covariance module: the distributed estimate equals the one-rank one.
 *
 * usage: mpirun -n 1|2|4 test_covariance SOURCE_ROOT
 *
 * Real data (tests/reference/lw_z20.csv: 20 rows of 600 dates; tests/reference/dcc_z5.csv: 5 rows
 * of 1000 dates) are handed in from ranks that do not own the rows (row i by rank
 * (i * 7 + 3) % size), the panel is assembled on MPI_COMM_WORLD, and the models shrink, dcc and
 * factor:3 are estimated and gathered on rank 0. Rank 0 computes the same estimates alone on
 * PETSC_COMM_SELF from all the rows; the two must agree:
 *   - shrink: R to 1e-12 (the Gram products and the Ledoit-Wolf sums reduce over the ranks in
 *     another order; SLEPc's lambda_min only decides whether the floor moves R, and it does not);
 *   - dcc: a, b to 1e-9 and R to 1e-9 (TAO's iterates see the composite likelihood summed over
 *     the ranks in another order and the fit stops at |gradient| ~ 1e-10: room for the iterates
 *     to part; seen: |da|, |db| <= 3e-15, R <= 1e-16), the log-likelihood to 1e-9 (seen 3e-12),
 *     the standard errors to 1e-6 relative (a Hessian by differences of the gradient with step
 *     1e-5; seen 2e-11);
 *   - factor:3: R = B B' + diag(psi) to 1e-9 (eigenvectors by SLEPc to tolerance 1e-10 from a
 *     start that depends on the layout; seen 3e-11 on 4 ranks), the explained share to 1e-10.
 * (The 20 rows' dcc fit ends on the boundary a ~ 1e-10, the constant-correlation model, whose
 * composite likelihood is the largest of a grid there; its standard errors are NaN on every rank
 * count alike.)
 * Panels: the 20 rows complete; the same rows ragged (row i without its first (i % 4) * 60
 * dates, row 7 with only its last 100: not a member); the 5 DCC rows. The minimum-variance
 * backtest of the 20 rows (e = the returns, sd = each row's sample sd) is compared alike: its
 * daily series to 1e-9 relative to max(1, |x|) (seen 1.6e-10, factor), and its arrays must be
 * identical on every rank.
 * Exit code 0 when every check passed on every rank.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slepcsys.h>

#include "hpcast/covariance.h"
#include "../wide_csv.h"
#include "mpi_check.h"

static int         rank, size;
static const char *root;

#define LW_T 600
#define LW_N 20
#define DCC_T 1000
#define DCC_N 5

/* tests/reference/<name>: "date,c1..cK", T rows. Exits on a missing or malformed file. */
static wide read_wide(const char *name, int T, int K)
{
  char path[4096], err[4352];
  wide w;
  snprintf(path, sizeof path, "%s/tests/reference/%s", root, name);
  if (wide_read(path, T, K, &w, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return w;
}

/* The rows of a panel: row i is column i of w from date first[i] on, e = z, sd = sd[i]. */
typedef struct {
  int         N;
  hc_cov_row *row; /* [N] */
  double     *sd;  /* [N * T] */
} rowset;

static rowset make_rows(const wide *w, const int *first)
{
  rowset r = {.N = w->K};
  r.row    = calloc((size_t)w->K, sizeof *r.row);
  r.sd     = malloc(sizeof(double) * (size_t)w->K * (size_t)w->T);
  for (int i = 0; i < w->K; i++) {
    const int     f0 = first ? first[i] : 0;
    const double *z  = w->v + (size_t)i * w->T;
    double        m = 0, s = 0;
    for (int t = 0; t < w->T; t++) m += z[t];
    m /= w->T;
    for (int t = 0; t < w->T; t++) s += (z[t] - m) * (z[t] - m);
    for (int t = 0; t < w->T; t++) r.sd[(size_t)i * w->T + t] = sqrt(s / (w->T - 1));
    r.row[i] = (hc_cov_row){.index = i, .n = w->T - f0, .day = w->day + f0, .z = z + f0, .e = z + f0, .sd = r.sd + (size_t)i * w->T + f0};
  }
  return r;
}

/* The one-rank panel (rank 0, PETSC_COMM_SELF) and the distributed one (row i handed in by
 * rank (i * 7 + 3) % size). */
static void panels(const rowset *r, int span, hc_cov_panel **self, hc_cov_panel **world)
{
  *self = NULL;
  if (rank == 0) PetscCallAbort(PETSC_COMM_SELF, hc_cov_panel_create(PETSC_COMM_SELF, r->N, r->N, r->row, span, self));
  hc_cov_row *mine = calloc((size_t)r->N + 1, sizeof *mine);
  int         n    = 0;
  for (int i = 0; i < r->N; i++)
    if ((i * 7 + 3) % size == rank) mine[n++] = r->row[i];
  PetscCallAbort(PETSC_COMM_WORLD, hc_cov_panel_create(PETSC_COMM_WORLD, r->N, n, mine, span, world));
  free(mine);
}

/* The gathered estimate as a dense N x N R (factor: B B' + diag psi), on rank 0. */
static double *dense_R(const hc_cov_estimate *est, int **member)
{
  double *R, *B, *psi;
  int    *n_obs;
  PetscCallAbort(PETSC_COMM_WORLD, hc_cov_estimate_gather(est, &R, &B, &psi, member, &n_obs));
  PetscFree(n_obs);
  if (!B) return R;
  double   *D = NULL;
  const int N = est->N, K = est->K;
  if (psi) {
    D = malloc(sizeof(double) * (size_t)N * (size_t)N);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        double s = i == j ? psi[i] : 0.0;
        for (int k = 0; k < K; k++) s += B[i * K + k] * B[j * K + k];
        D[i * N + j] = s;
      }
  }
  PetscFree(B);
  PetscFree(psi);
  return D;
}

static void free_R(const hc_cov_estimate *est, double *R)
{
  if (est->B) free(R);
  else PetscFree(R);
}

/* relative difference; 0 when both are NaN (e.g. standard errors of a fit on the boundary) */
static double rel(double x, double ref)
{
  if (isnan(x) && isnan(ref)) return 0.0;
  return fabs(x - ref) / fmax(fabs(ref), 1e-300);
}

/* Estimate model o on both panels at date c1 and compare on rank 0. */
static void compare_estimate(const char *what, hc_cov_panel *self, hc_cov_panel *world, const hc_cov_options *o, int c1, double tol_R)
{
  hc_cov_estimate es, ew;
  int            *ms = NULL, *mw = NULL;
  double         *Rs = NULL;
  if (rank == 0) {
    PetscCallAbort(PETSC_COMM_SELF, hc_cov_estimate_compute(self, o, c1, NULL, &es));
    Rs = dense_R(&es, &ms);
  }
  PetscCallAbort(PETSC_COMM_WORLD, hc_cov_estimate_compute(world, o, c1, NULL, &ew));
  double *Rw = dense_R(&ew, &mw);
  if (rank == 0) {
    const int N = es.N;
    double    err = 0;
    CHECK(ew.model == es.model, "%s: model %s vs %s (%s | %s)", what, hc_cov_model_name(ew.model), hc_cov_model_name(es.model), ew.reason,
          es.reason);
    CHECK(ew.model == o->model, "%s: fell back: %s", what, ew.reason);
    CHECK(ew.n_members == es.n_members, "%s: members %d vs %d", what, ew.n_members, es.n_members);
    CHECK(ew.n_low_pairs == es.n_low_pairs, "%s: low pairs %ld vs %ld", what, ew.n_low_pairs, es.n_low_pairs);
    for (int i = 0; i < N; i++) CHECK(mw[i] == ms[i], "%s: member[%d] %d vs %d", what, i, mw[i], ms[i]);
    CHECK(Rw && Rs, "%s: no R", what);
    if (Rw && Rs)
      for (int k = 0; k < N * N; k++) err = fmax(err, fabs(Rw[k] - Rs[k]));
    CHECK(err <= tol_R, "%s: max |R - R_1rank| = %.3g > %.1g", what, err, tol_R);
    char extra[256] = "";
    if (o->model == HC_COV_SHRINK || o->model == HC_COV_DCC) {
      CHECK(fabs(ew.shrinkage - es.shrinkage) <= 1e-13, "%s: shrinkage %.17g vs %.17g", what, ew.shrinkage, es.shrinkage);
      CHECK(fabs(ew.lambda_min - es.lambda_min) <= 1e-8, "%s: lambda_min %.17g vs %.17g", what, ew.lambda_min, es.lambda_min);
    }
    if (o->model == HC_COV_DCC) {
      CHECK(ew.n_pairs == es.n_pairs, "%s: pairs %d vs %d", what, ew.n_pairs, es.n_pairs);
      CHECK(fabs(ew.a - es.a) <= 1e-9 && fabs(ew.b - es.b) <= 1e-9, "%s: (a, b) (%.15g, %.15g) vs (%.15g, %.15g)", what, ew.a, ew.b, es.a, es.b);
      CHECK(fabs(ew.loglik - es.loglik) <= 1e-9, "%s: loglik %.15g vs %.15g", what, ew.loglik, es.loglik);
      CHECK(rel(ew.se_a, es.se_a) <= 1e-6 && rel(ew.se_b, es.se_b) <= 1e-6, "%s: se (%.10g, %.10g) vs (%.10g, %.10g)", what, ew.se_a, ew.se_b,
            es.se_a, es.se_b);
      snprintf(extra, sizeof extra, "; a %.6g b %.6g se %.3g %.3g; |da| %.2g |db| %.2g |dloglik| %.2g, se rel %.2g %.2g", ew.a, ew.b, ew.se_a, ew.se_b, fabs(ew.a - es.a),
               fabs(ew.b - es.b), fabs(ew.loglik - es.loglik), rel(ew.se_a, es.se_a), rel(ew.se_b, es.se_b));
    }
    if (o->model == HC_COV_FACTOR) {
      CHECK(ew.K == es.K, "%s: K %d vs %d", what, ew.K, es.K);
      CHECK(fabs(ew.explained - es.explained) <= 1e-10, "%s: explained %.15g vs %.15g", what, ew.explained, es.explained);
    }
    printf("  %-28s %d ranks: max |R - R_1rank| %.2g%s\n", what, size, err, extra);
    free_R(&es, Rs);
    PetscFree(ms);
    PetscCallAbort(PETSC_COMM_SELF, hc_cov_estimate_free(&es));
  }
  free_R(&ew, Rw);
  PetscFree(mw);
  PetscCallAbort(PETSC_COMM_WORLD, hc_cov_estimate_free(&ew));
}

/* The backtest on both panels; series compared on rank 0, and identical on every rank. */
static void compare_backtest(const char *what, hc_cov_panel *self, hc_cov_panel *world, const hc_cov_options *o)
{
  hc_cov_backtest bs, bw;
  PetscCallAbort(PETSC_COMM_WORLD, hc_cov_backtest_run(world, o, &bw));
  /* the same arrays on every rank */
  double sum[8] = {bw.vol_gmv, bw.vol_ew, bw.pred_gmv, bw.pred_ew, bw.bias_gmv, bw.bias_ew, bw.n_days, bw.n_refits}, s0[8];
  memcpy(s0, sum, sizeof s0);
  (void)MPI_Bcast(s0, 8, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  CHECK(memcmp(s0, sum, sizeof s0) == 0, "%s: rank %d's backtest summary differs from rank 0's", what, rank);
  if (bw.n_days > 0) {
    double *r0 = malloc(sizeof(double) * 4 * (size_t)bw.n_days), *r = malloc(sizeof(double) * 4 * (size_t)bw.n_days);
    for (int k = 0; k < bw.n_days; k++) r[4 * k] = bw.r_gmv[k], r[4 * k + 1] = bw.s_gmv[k], r[4 * k + 2] = bw.r_ew[k], r[4 * k + 3] = bw.s_ew[k];
    memcpy(r0, r, sizeof(double) * 4 * (size_t)bw.n_days);
    (void)MPI_Bcast(r0, 4 * bw.n_days, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    CHECK(memcmp(r0, r, sizeof(double) * 4 * (size_t)bw.n_days) == 0, "%s: rank %d's daily series differ from rank 0's", what, rank);
    free(r0);
    free(r);
  }
  if (rank == 0) {
    PetscCallAbort(PETSC_COMM_SELF, hc_cov_backtest_run(self, o, &bs));
    CHECK(bw.n_days == bs.n_days && bw.n_refits == bs.n_refits && bw.n_fallbacks == bs.n_fallbacks, "%s: days/refits/fallbacks %d %d %d vs %d %d %d",
          what, bw.n_days, bw.n_refits, bw.n_fallbacks, bs.n_days, bs.n_refits, bs.n_fallbacks);
    CHECK(bw.n_fallbacks == 0, "%s: %d fallbacks", what, bw.n_fallbacks);
    double err = 0;
    for (int k = 0; k < bw.n_days && k < bs.n_days; k++) {
      CHECK(bw.day[k] == bs.day[k] && bw.n_assets[k] == bs.n_assets[k], "%s: day %d: %d/%d assets vs %d/%d", what, k, bw.day[k], bw.n_assets[k],
            bs.day[k], bs.n_assets[k]);
      const double a[4] = {bw.r_gmv[k], bw.s_gmv[k], bw.r_ew[k], bw.s_ew[k]}, b[4] = {bs.r_gmv[k], bs.s_gmv[k], bs.r_ew[k], bs.s_ew[k]};
      for (int j = 0; j < 4; j++) err = fmax(err, fabs(a[j] - b[j]) / fmax(1.0, fabs(b[j])));
    }
    const double sw[6] = {bw.vol_gmv, bw.vol_ew, bw.pred_gmv, bw.pred_ew, bw.bias_gmv, bw.bias_ew},
                 ss[6] = {bs.vol_gmv, bs.vol_ew, bs.pred_gmv, bs.pred_ew, bs.bias_gmv, bs.bias_ew};
    double errs = 0;
    for (int j = 0; j < 6; j++) errs = fmax(errs, rel(sw[j], ss[j]));
    CHECK(err <= 1e-9, "%s: daily series differ by %.3g (relative to max(1, |x|))", what, err);
    CHECK(errs <= 1e-9, "%s: summary differs by %.3g relative", what, errs);
    CHECK(bw.n_assets[0] == LW_N, "%s: %d assets", what, bw.n_assets[0]);
    printf("  %-28s %d ranks: daily series %.2g, summary %.2g (vol_gmv %.4f vol_ew %.4f bias_gmv %.4f bias_ew %.4f)\n", what, size, err, errs,
           bw.vol_gmv, bw.vol_ew, bw.bias_gmv, bw.bias_ew);
    hc_cov_backtest_free(&bs);
  }
  hc_cov_backtest_free(&bw);
}

static hc_cov_options options(hc_cov_model m, int window, int K)
{
  hc_cov_options o;
  hc_cov_options_default(&o);
  o.model = m, o.window = window, o.min_overlap = 250, o.n_factors = K;
  return o;
}

int main(int argc, char **argv)
{
  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 2) {
    if (rank == 0) fprintf(stderr, "usage: test_covariance SOURCE_ROOT\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  root                   = argv[1];
  wide          lw       = read_wide("lw_z20.csv", LW_T, LW_N);
  wide          dz       = read_wide("dcc_z5.csv", DCC_T, DCC_N);
  int           first[LW_N];
  hc_cov_panel *ps, *pw;

  /* the 20 rows, complete */
  const hc_cov_options osh = options(HC_COV_SHRINK, LW_T, 3), odc = options(HC_COV_DCC, LW_T, 3), ofa = options(HC_COV_FACTOR, LW_T, 3);
  rowset               r   = make_rows(&lw, NULL);
  panels(&r, LW_T, &ps, &pw);
  compare_estimate("lw20 shrink", ps, pw, &osh, LW_T, 1e-12);
  compare_estimate("lw20 dcc", ps, pw, &odc, LW_T, 1e-9);
  compare_estimate("lw20 factor:3", ps, pw, &ofa, LW_T, 1e-9);
  /* the minimum-variance backtest: window 300, the last 250 dates, refit every 50 */
  for (int m = 0; m < 3; m++) {
    const hc_cov_model models[] = {HC_COV_SHRINK, HC_COV_DCC, HC_COV_FACTOR};
    hc_cov_options     o        = options(models[m], 300, 3);
    char               what[64];
    o.origins = 250, o.refit_every = 50;
    snprintf(what, sizeof what, "lw20 backtest %s", hc_cov_model_name(models[m]));
    compare_backtest(what, ps, pw, &o);
  }
  PetscCall(hc_cov_panel_destroy(&ps));
  PetscCall(hc_cov_panel_destroy(&pw));
  free(r.row);
  free(r.sd);

  /* ragged: row i without its first (i % 4) * 60 dates, row 7 with its last 100 only */
  for (int i = 0; i < LW_N; i++) first[i] = i == 7 ? LW_T - 100 : (i % 4) * 60;
  r = make_rows(&lw, first);
  panels(&r, LW_T, &ps, &pw);
  compare_estimate("lw20 ragged shrink", ps, pw, &osh, LW_T, 1e-12);
  compare_estimate("lw20 ragged dcc", ps, pw, &odc, LW_T, 1e-9);
  compare_estimate("lw20 ragged factor:3", ps, pw, &ofa, LW_T, 1e-9);
  PetscCall(hc_cov_panel_destroy(&ps));
  PetscCall(hc_cov_panel_destroy(&pw));
  free(r.row);
  free(r.sd);

  /* the 5 DCC rows */
  r = make_rows(&dz, NULL);
  panels(&r, DCC_T, &ps, &pw);
  {
    const hc_cov_options o5d = options(HC_COV_DCC, DCC_T, 3), o5s = options(HC_COV_SHRINK, DCC_T, 3), o5f = options(HC_COV_FACTOR, DCC_T, 2);
    compare_estimate("dcc5 dcc", ps, pw, &o5d, DCC_T, 1e-9);
    compare_estimate("dcc5 shrink", ps, pw, &o5s, DCC_T, 1e-12);
    compare_estimate("dcc5 factor:2", ps, pw, &o5f, DCC_T, 1e-9);
  }
  PetscCall(hc_cov_panel_destroy(&ps));
  PetscCall(hc_cov_panel_destroy(&pw));
  free(r.row);
  free(r.sd);

  wide_free(&lw);
  wide_free(&dz);
  const int rc = mpi_check_result("covariance");
  PetscCall(SlepcFinalize());
  return rc;
}
