/**
 * @file dcc.c
 * @brief DCC(1,1) with correlation targeting (Engle 2002) estimated by the composite likelihood
 *        of contiguous pairs (Engle, Ledoit & Sheppard 2008; Pakel, Shephard, Sheppard & Engle
 *        2021) with TAO over the panel's communicator, its sandwich standard errors, and the
 *        one-step N x N correlation forecast.
 */
#include "covariance_impl.h"

#include <math.h>
#include <petsctao.h>
#include <string.h>

/* The pairs of one rank: its member rows in order and, after the last, the next member row of a
 * later rank (its window values fetched by a VecScatter), so that every contiguous pair of
 * members is on the rank of its first row. */
typedef struct {
  const hc_cov_panel    *p;
  const hc_cov_options  *o;
  int                    c0, c1, L;
  int                    n_rows;   /* local member rows, then maybe the fetched one */
  const double         **row;      /* [n_rows] window values (L each), in buf */
  double                *buf;      /* the rows' values, contiguous, the fetched one last */
  double                 scale;    /* 1 / (pair-dates) of the objective */
  int                    n_pairs;
  double                *sa, *sb;  /* [L] per-date scores summed over this rank's pairs, or NULL */
} pairs;

/* One pair's correlation log-likelihood and its gradient in (a, b) over the common dates of
 * u and v (NaN missing); per-date scores added to sa, sb at the dates' positions when given.
 * @return the common dates used (0 if fewer than min_overlap: the pair is left out). */
static int pair_loglik(const double *u, const double *v, int L, int min_overlap, double a, double b, double *ll, double *ga, double *gb,
                       double *sa, double *sb)
{
  double q11 = 0, q22 = 0, q12 = 0;
  int    n = 0;
  for (int t = 0; t < L; t++)
    if (isfinite(u[t]) && isfinite(v[t])) q11 += u[t] * u[t], q22 += v[t] * v[t], q12 += u[t] * v[t], n++;
  if (n < min_overlap || n < 2) return 0;
  const double b11 = q11 / n, b22 = q22 / n, b12 = q12 / n; /* Qbar */
  double Q[3] = {b11, b22, b12}, dA[3] = {0, 0, 0}, dB[3] = {0, 0, 0}, up[3] = {0, 0, 0}, Qp[3];
  int    first = 1;
  for (int t = 0; t < L; t++) {
    if (!(isfinite(u[t]) && isfinite(v[t]))) continue;
    if (!first) {
      const double bar[3] = {b11, b22, b12};
      for (int k = 0; k < 3; k++) {
        dA[k] = -bar[k] + up[k] + b * dA[k];
        dB[k] = -bar[k] + Qp[k] + b * dB[k];
        Q[k]  = (1 - a - b) * bar[k] + a * up[k] + b * Qp[k];
      }
    }
    first             = 0;
    const double x = u[t], y = v[t];
    const double s    = sqrt(Q[0] * Q[1]);
    const double rho  = Q[2] / s;
    const double D    = 1 - rho * rho;
    const double quad = x * x + y * y - 2 * rho * x * y;
    *ll += -0.5 * (log(D) + quad / D - (x * x + y * y));
    const double dl  = rho / D + x * y / D - rho * quad / (D * D);
    const double dra = dA[2] / s - 0.5 * rho * (dA[0] / Q[0] + dA[1] / Q[1]);
    const double drb = dB[2] / s - 0.5 * rho * (dB[0] / Q[0] + dB[1] / Q[1]);
    *ga += dl * dra;
    *gb += dl * drb;
    if (sa) sa[t] += dl * dra, sb[t] += dl * drb;
    up[0] = x * x, up[1] = y * y, up[2] = x * y;
    for (int k = 0; k < 3; k++) Qp[k] = Q[k];
  }
  return n;
}

/* The composite log-likelihood of all pairs at (a, b), its gradient, the pair-dates and the pairs
 * used (every rank gets the totals; n_dates, n_pairs may be NULL). */
static PetscErrorCode composite(pairs *pr, double a, double b, double *ll, double *g, double *n_dates, int *n_pairs)
{
  double tot[5] = {0, 0, 0, 0, 0};
  PetscFunctionBeginUser;
  if (pr->sa) {
    PetscCall(PetscArrayzero(pr->sa, pr->L));
    PetscCall(PetscArrayzero(pr->sb, pr->L));
  }
  for (int k = 0; k + 1 < pr->n_rows; k++) {
    const int n = pair_loglik(pr->row[k], pr->row[k + 1], pr->L, pr->o->min_overlap, a, b, &tot[0], &tot[1], &tot[2], pr->sa, pr->sb);
    tot[3] += n;
    tot[4] += n > 0;
  }
  PetscCall(hc_cov_allsum(pr->p->comm, 5, tot));
  *ll = tot[0];
  if (g) g[0] = tot[1], g[1] = tot[2];
  if (n_dates) *n_dates = tot[3];
  if (n_pairs) *n_pairs = (int)tot[4];
  PetscFunctionReturn(0);
}

/* The member rows of this rank and the next member row after them (on a later rank). */
static PetscErrorCode pairs_setup(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, Vec member, pairs *pr)
{
  const PetscScalar *mb;
  double            *mem;
  PetscFunctionBeginUser;
  memset(pr, 0, sizeof *pr);
  pr->p = p, pr->o = o, pr->c0 = c0, pr->c1 = c1, pr->L = c1 - c0;
  PetscCall(hc_cov_all_values(member, &mem));
  PetscCall(PetscMalloc1(p->nloc + 2, &pr->row));
  PetscCall(VecGetArrayRead(member, &mb));
  int last = -1;
  for (int i = 0; i < p->nloc; i++)
    if (mb[i] > 0.5) pr->n_rows++, last = p->rstart + i;
  PetscCall(VecRestoreArrayRead(member, &mb));
  /* the member rows' window values, contiguous (the panel is column-major), and room for one more */
  double *buf;
  PetscCall(PetscMalloc1((size_t)(pr->n_rows + 1) * pr->L + 1, &buf));
  for (int k = 0, i = 0; i < p->nloc; i++) {
    if (!(mem[p->rstart + i] > 0.5)) continue;
    for (int c = 0; c < pr->L; c++) buf[(size_t)k * pr->L + c] = HC_CELL(p, p->z, i, c0 + c);
    pr->row[k] = buf + (size_t)k * pr->L;
    k++;
  }
  /* the next member after this rank's last one, wherever it is */
  int nxt = -1;
  if (last >= 0)
    for (int j = last + 1; j < p->N && nxt < 0; j++)
      if (mem[j] > 0.5) nxt = j;
  {
    IS         is;
    Vec        loc;
    VecScatter sc;
    PetscInt  *idx;
    const int  n = nxt >= 0 ? pr->L : 0;
    PetscCall(PetscMalloc1(n + 1, &idx));
    if (n) {
      PetscInt base, stride;
      PetscCall(hc_cov_cell_layout(p, nxt, &base, &stride));
      for (int c = 0; c < n; c++) idx[c] = base + (PetscInt)(c0 + c) * stride;
    }
    PetscCall(ISCreateGeneral(PETSC_COMM_SELF, n, idx, PETSC_OWN_POINTER, &is));
    PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, n, buf + (size_t)pr->n_rows * pr->L, &loc));
    PetscCall(VecScatterCreate(p->vf[HC_COV_Z], is, loc, NULL, &sc));
    PetscCall(VecScatterBegin(sc, p->vf[HC_COV_Z], loc, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, p->vf[HC_COV_Z], loc, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&loc));
    PetscCall(ISDestroy(&is));
    if (n) {
      pr->row[pr->n_rows] = buf + (size_t)pr->n_rows * pr->L;
      pr->n_rows++;
    }
  }
  pr->buf = buf;
  PetscCall(PetscFree(mem));
  PetscFunctionReturn(0);
}

static PetscErrorCode pairs_free(pairs *pr)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(pr->buf));
  PetscCall(PetscFree(pr->row));
  PetscCall(PetscFree(pr->sa));
  PetscCall(PetscFree(pr->sb));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_dcc_loglik(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, double a, double b, double *loglik, double *grad,
                                 int *n_pairs)
{
  hc_cov_estimate est;
  pairs           pr;
  double          g[2];
  PetscFunctionBeginUser;
  PetscCall(hc_cov_estimate_compute(p, &(hc_cov_options){.model = HC_COV_NONE, .min_overlap = o->min_overlap, .window = c1 - c0}, c1, NULL, &est));
  PetscCall(pairs_setup(p, o, c0, c1, est.member, &pr));
  PetscCall(composite(&pr, a, b, loglik, g, NULL, n_pairs));
  if (grad) grad[0] = g[0], grad[1] = g[1];
  PetscCall(pairs_free(&pr));
  PetscCall(hc_cov_estimate_free(&est));
  PetscFunctionReturn(0);
}

/* (a, b) of the unconstrained theta: a + b = logistic(theta_0), a = (a + b) logistic(theta_1). */
static void natural(const double *th, double *a, double *b, double *s, double *q)
{
  *s = 1.0 / (1.0 + exp(-th[0]));
  *q = 1.0 / (1.0 + exp(-th[1]));
  *a = *s * *q;
  *b = *s * (1.0 - *q);
}

/* TAO objective: minus the composite log-likelihood per pair-date at theta (x lives on rank 0). */
static PetscErrorCode objective(Tao tao, Vec x, PetscReal *f, Vec G, void *ctx)
{
  pairs       *pr = ctx;
  double       th[2] = {0, 0}, a, b, s, q, ll, g[2];
  PetscInt     n;
  PetscFunctionBeginUser;
  (void)tao;
  {
    const PetscScalar *xa;
    PetscCall(VecGetLocalSize(x, &n));
    PetscCall(VecGetArrayRead(x, &xa));
    for (PetscInt k = 0; k < n; k++) th[k] = xa[k];
    PetscCall(VecRestoreArrayRead(x, &xa));
    PetscCall(hc_cov_allsum(pr->p->comm, 2, th)); /* rank 0 holds both: the sum is the value */
  }
  natural(th, &a, &b, &s, &q);
  PetscCall(composite(pr, a, b, &ll, g, NULL, NULL));
  *f = -ll * pr->scale;
  PetscScalar *ga;
  PetscCall(VecGetArray(G, &ga));
  if (n == 2) {
    ga[0] = -(g[0] * q + g[1] * (1 - q)) * s * (1 - s) * pr->scale;
    ga[1] = -(g[0] - g[1]) * s * q * (1 - q) * pr->scale;
  }
  PetscCall(VecRestoreArray(G, &ga));
  PetscFunctionReturn(0);
}

/* The sandwich standard errors of (a, b) at the estimate: H by central differences of the
 * analytic gradient, J = sum_t s_t s_t' of the per-date scores summed over all pairs. */
static PetscErrorCode sandwich(pairs *pr, double a, double b, double *se_a, double *se_b)
{
  double       H[2][2], gp[2], gm[2], ll, J[3] = {0, 0, 0};
  const double h = 1e-5;
  PetscFunctionBeginUser;
  for (int k = 0; k < 2; k++) {
    PetscCall(composite(pr, a + (k == 0) * h, b + (k == 1) * h, &ll, gp, NULL, NULL));
    PetscCall(composite(pr, a - (k == 0) * h, b - (k == 1) * h, &ll, gm, NULL, NULL));
    for (int j = 0; j < 2; j++) H[j][k] = -(gp[j] - gm[j]) / (2 * h);
  }
  PetscCall(PetscCalloc1(pr->L, &pr->sa));
  PetscCall(PetscCalloc1(pr->L, &pr->sb));
  PetscCall(composite(pr, a, b, &ll, gp, NULL, NULL));
  double *s;
  PetscCall(PetscMalloc1(2 * pr->L, &s));
  for (int t = 0; t < pr->L; t++) s[t] = pr->sa[t], s[pr->L + t] = pr->sb[t];
  PetscCall(hc_cov_allsum(pr->p->comm, 2 * pr->L, s));
  for (int t = 0; t < pr->L; t++) J[0] += s[t] * s[t], J[1] += s[t] * s[pr->L + t], J[2] += s[pr->L + t] * s[pr->L + t];
  PetscCall(PetscFree(s));
  const double h12 = 0.5 * (H[0][1] + H[1][0]), det = H[0][0] * H[1][1] - h12 * h12;
  *se_a = *se_b = NAN;
  if (det > 0 && H[0][0] > 0) {
    const double Hi[2][2] = {{H[1][1] / det, -h12 / det}, {-h12 / det, H[0][0] / det}};
    const double Jm[2][2] = {{J[0], J[1]}, {J[1], J[2]}};
    double       V[2][2]  = {{0, 0}, {0, 0}};
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++)
        for (int k = 0; k < 2; k++)
          for (int l = 0; l < 2; l++) V[i][j] += Hi[i][k] * Jm[k][l] * Hi[l][j];
    *se_a = V[0][0] > 0 ? sqrt(V[0][0]) : NAN;
    *se_b = V[1][1] > 0 ? sqrt(V[1][1]) : NAN;
  }
  PetscFunctionReturn(0);
}

/* R from Q_{c1} = k Qbar + a sum_{c=c0}^{c1-1} b^(c1-1-c) z_c z_c' (k = (1-a-b)(1-b^L)/(1-b) + b^L,
 * the recursion from Q_{c0} = Qbar unrolled; missing z count as 0), Qbar = est->R (the shrink
 * estimate), normalised to unit diagonal; in place in est->R. */
static PetscErrorCode forecast(const hc_cov_panel *p, int c0, int c1, double a, double b, hc_cov_estimate *est)
{
  const int          L = c1 - c0;
  Mat                Zw, W;
  PetscScalar       *zw, *r;
  const PetscScalar *w, *mb;
  PetscInt           lz, lw, lr;
  double            *d;
  Vec                dg;
  PetscFunctionBeginUser;
  PetscCall(MatCreateDense(p->comm, p->nloc, PETSC_DECIDE, p->N, L, NULL, &Zw));
  PetscCall(MatDenseGetArrayWrite(Zw, &zw));
  PetscCall(MatDenseGetLDA(Zw, &lz));
  PetscCall(VecGetArrayRead(est->member, &mb));
  for (int c = 0; c < L; c++) {
    const double sw = sqrt(a * pow(b, L - 1 - c));
    for (int i = 0; i < p->nloc; i++) {
      const double v = HC_CELL(p, p->z, i, c0 + c);
      zw[c * lz + i] = mb[i] > 0.5 && isfinite(v) ? sw * v : 0.0;
    }
  }
  PetscCall(MatDenseRestoreArrayWrite(Zw, &zw));
  PetscCall(MatAssemblyBegin(Zw, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(Zw, MAT_FINAL_ASSEMBLY));
  PetscCall(MatMatTransposeMult(Zw, Zw, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &W));
  PetscCall(MatDestroy(&Zw));
  const double k = (1 - a - b) * (1 - pow(b, L)) / (1 - b) + pow(b, L);
  PetscCall(MatDenseGetArray(est->R, &r));
  PetscCall(MatDenseGetArrayRead(W, &w));
  PetscCall(MatDenseGetLDA(est->R, &lr));
  PetscCall(MatDenseGetLDA(W, &lw));
  for (int j = 0; j < p->N; j++)
    for (int i = 0; i < p->nloc; i++) r[(size_t)j * lr + i] = k * r[(size_t)j * lr + i] + w[(size_t)j * lw + i];
  PetscCall(MatDenseRestoreArrayRead(W, &w));
  PetscCall(MatDestroy(&W));
  PetscCall(MatCreateVecs(est->R, NULL, &dg));
  PetscCall(MatDenseRestoreArray(est->R, &r));
  PetscCall(MatGetDiagonal(est->R, dg));
  PetscCall(hc_cov_all_values(dg, &d));
  PetscCall(VecDestroy(&dg));
  PetscCall(MatDenseGetArray(est->R, &r));
  for (int j = 0; j < p->N; j++)
    for (int i = 0; i < p->nloc; i++) {
      const int gi = p->rstart + i;
      r[(size_t)j * lr + i] = gi == j ? 1.0 : r[(size_t)j * lr + i] / sqrt(d[gi] * d[j]);
    }
  PetscCall(MatDenseRestoreArray(est->R, &r));
  PetscCall(VecRestoreArrayRead(est->member, &mb));
  PetscCall(PetscFree(d));
  double t;
  PetscCall(hc_cov_eigen_floor(est->R, &est->lambda_min, &t));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_dcc(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, const double *start, hc_cov_estimate *est)
{
  pairs              pr;
  Tao                tao;
  Vec                x;
  PetscMPIInt        rank;
  double             a0 = start ? start[0] : 0.05, b0 = start ? start[1] : 0.90, n_dates, ll, th[2];
  TaoConvergedReason reason;
  PetscInt           its;
  PetscBool          ls_at_optimum;
  PetscFunctionBeginUser;
  PetscCall(hc_cov_shrink(p, o, c0, c1, est)); /* the target of the forecast, and the fallback */
  PetscCallMPI(MPI_Comm_rank(p->comm, &rank));
  PetscCall(pairs_setup(p, o, c0, c1, est->member, &pr));
  PetscCall(composite(&pr, a0, b0, &ll, NULL, &n_dates, &est->n_pairs));
  if (!(n_dates > 0)) {
    snprintf(est->reason, sizeof est->reason, "dcc: no pair of tickers with %d common dates; shrink used", o->min_overlap);
    est->model = HC_COV_SHRINK;
    PetscCall(pairs_free(&pr));
    PetscFunctionReturn(0);
  }
  pr.scale = 1.0 / n_dates;
  if (!(a0 > 0 && b0 > 0 && a0 + b0 < 1)) a0 = 0.05, b0 = 0.90;
  th[0] = log((a0 + b0) / (1 - a0 - b0));
  th[1] = log(a0 / b0);
  PetscCall(VecCreateMPI(p->comm, rank == 0 ? 2 : 0, 2, &x));
  if (rank == 0) {
    PetscCall(VecSetValue(x, 0, th[0], INSERT_VALUES));
    PetscCall(VecSetValue(x, 1, th[1], INSERT_VALUES));
  }
  PetscCall(VecAssemblyBegin(x));
  PetscCall(VecAssemblyEnd(x));
  PetscCall(TaoCreate(p->comm, &tao));
  PetscCall(TaoSetType(tao, TAOLMVM));
  PetscCall(TaoSetOptionsPrefix(tao, "covariance_"));
  PetscCall(TaoSetSolution(tao, x));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, objective, &pr));
  PetscCall(TaoSetTolerances(tao, 1e-10, 0.0, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 500));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetConvergedReason(tao, &reason));
  PetscCall(TaoGetIterationNumber(tao, &its));
  {
    /* gatol 1e-10 is at the rounding level of the objective's gradient: near the optimum the
     * line search can fail to make progress. A line-search failure at a gradient norm this small
     * is the optimum (the error in theta is ~ gnorm / the Hessian's smallest eigenvalue). */
    PetscReal f, gnorm;
    PetscCall(TaoGetSolutionStatus(tao, NULL, &f, &gnorm, NULL, NULL, NULL));
    ls_at_optimum = reason == TAO_DIVERGED_LS_FAILURE && gnorm <= 1e-7;
  }
  {
    const PetscScalar *xa;
    PetscInt           n;
    th[0] = th[1] = 0;
    PetscCall(VecGetLocalSize(x, &n));
    PetscCall(VecGetArrayRead(x, &xa));
    for (PetscInt k = 0; k < n; k++) th[k] = xa[k];
    PetscCall(VecRestoreArrayRead(x, &xa));
    PetscCall(hc_cov_allsum(p->comm, 2, th));
  }
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&x));
  double a, b, s, q;
  natural(th, &a, &b, &s, &q);
  est->iterations = (int)its;
  est->tao_reason = (int)reason;
  PetscCall(composite(&pr, a, b, &est->loglik, NULL, NULL, NULL));
  if ((reason <= 0 && !ls_at_optimum) || !isfinite(est->loglik) || a + b >= 0.999) {
    snprintf(est->reason, sizeof est->reason, "dcc: %s (a = %.4g, b = %.4g, TAO reason %d); shrink used",
             reason <= 0 && !ls_at_optimum ? "the composite likelihood did not converge" : "a + b >= 0.999, not stationary", a, b, (int)reason);
    est->model = HC_COV_SHRINK;
    est->a = a, est->b = b;
    PetscCall(pairs_free(&pr));
    PetscFunctionReturn(0);
  }
  est->a = a, est->b = b;
  PetscCall(sandwich(&pr, a, b, &est->se_a, &est->se_b));
  PetscCall(pairs_free(&pr));
  PetscCall(forecast(p, c0, c1, a, b, est));
  PetscFunctionReturn(0);
}
