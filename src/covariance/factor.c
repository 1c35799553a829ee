/**
 * @file factor.c
 * @brief The factor:K correlation model: the K leading principal components of the correlation
 *        of the standardized residuals by SLEPc on an implicit Gram operator (X (X' v) / L), so
 *        that neither an N x N nor an L x L matrix is formed: memory O(N L / ranks + N K).
 */
#include "covariance_impl.h"

#include <math.h>
#include <slepceps.h>

typedef struct {
  Mat    X;    /* N x L standardized, scaled window */
  Vec    w;    /* [L] */
  double invL;
} gram;

static PetscErrorCode gram_mult(Mat A, Vec v, Vec y)
{
  gram *g;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &g));
  PetscCall(MatMultTranspose(g->X, v, g->w));
  PetscCall(MatMult(g->X, g->w, y));
  PetscCall(VecScale(y, g->invL));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_factor(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, hc_cov_estimate *est)
{
  const int          L = c1 - c0, K = PetscMin(o->n_factors, PetscMax(1, est->n_members - 1));
  gram               g = {.invL = 1.0 / PetscMax(1, L)};
  Mat                G;
  EPS                eps;
  PetscInt           nconv = 0, lx, lb;
  PetscScalar       *x, *bb, *ps;
  const PetscScalar *mb;
  int               *n;
  double            *mean, *sd;
  PetscFunctionBeginUser;
  est->K = K;
  PetscCall(PetscMalloc3(p->nloc + 1, &n, p->nloc + 1, &mean, p->nloc + 1, &sd));
  hc_cov_row_moments(p, c0, c1, n, mean, sd);
  PetscCall(MatCreateDense(p->comm, p->nloc, PETSC_DECIDE, p->N, L, NULL, &g.X));
  PetscCall(MatDenseGetArrayWrite(g.X, &x));
  PetscCall(MatDenseGetLDA(g.X, &lx));
  PetscCall(VecGetArrayRead(est->member, &mb));
  for (int c = 0; c < L; c++)
    for (int i = 0; i < p->nloc; i++) {
      const double v = HC_CELL(p, p->z, i, c0 + c);
      x[c * lx + i]  = mb[i] > 0.5 && isfinite(v) ? (v - mean[i]) / sd[i] * sqrt((double)L / n[i]) : 0.0;
    }
  PetscCall(MatDenseRestoreArrayWrite(g.X, &x));
  PetscCall(MatAssemblyBegin(g.X, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(g.X, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscFree3(n, mean, sd));
  PetscCall(MatCreateVecs(g.X, &g.w, NULL));
  PetscCall(MatCreateShell(p->comm, p->nloc, p->nloc, p->N, p->N, &g, &G));
  PetscCall(MatShellSetOperation(G, MATOP_MULT, (void (*)(void))gram_mult));
  PetscCall(EPSCreate(p->comm, &eps));
  PetscCall(EPSSetOperators(eps, G, NULL));
  PetscCall(EPSSetProblemType(eps, EPS_HEP));
  PetscCall(EPSSetWhichEigenpairs(eps, EPS_LARGEST_REAL));
  PetscCall(EPSSetDimensions(eps, K, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-10, 1000));
  PetscCall(EPSSetOptionsPrefix(eps, "covariance_"));
  PetscCall(EPSSetFromOptions(eps));
  if (est->n_members >= 2) {
    PetscCall(EPSSolve(eps));
    PetscCall(EPSGetConverged(eps, &nconv));
  }
  /* B = U_K Lambda_K^1/2, each eigenvector's sign fixed (positive sum) so that B does not depend
   * on the solver's arbitrary sign; fewer than K converged: the rest are 0 */
  PetscCall(MatCreateDense(p->comm, p->nloc, PETSC_DECIDE, p->N, K, NULL, &est->B));
  PetscCall(MatDenseGetArrayWrite(est->B, &bb));
  PetscCall(MatDenseGetLDA(est->B, &lb));
  Vec u;
  PetscCall(MatCreateVecs(G, &u, NULL));
  est->explained = 0.0;
  for (int k = 0; k < K; k++) {
    PetscScalar lr = 0.0, sum = 0.0;
    if (k < nconv) {
      PetscCall(EPSGetEigenpair(eps, k, &lr, NULL, u, NULL));
      PetscCall(VecSum(u, &sum));
    }
    const double       sc = lr > 0 ? (sum < 0 ? -1.0 : 1.0) * sqrt(lr) : 0.0;
    const PetscScalar *ua;
    PetscCall(VecGetArrayRead(u, &ua));
    for (int i = 0; i < p->nloc; i++) bb[k * lb + i] = k < nconv && mb[i] > 0.5 ? sc * ua[i] : 0.0; /* exact 0 off the model */
    PetscCall(VecRestoreArrayRead(u, &ua));
    if (lr > 0) est->explained += lr;
  }
  est->explained /= PetscMax(1, est->n_members);
  PetscCall(VecDestroy(&u));
  /* psi_i = 1 - |B_i|^2 >= HC_COV_PSI_FLOOR */
  PetscCall(MatCreateVecs(G, &est->psi, NULL));
  PetscCall(VecGetArray(est->psi, &ps));
  for (int i = 0; i < p->nloc; i++) {
    double h = 0.0;
    for (int k = 0; k < K; k++) h += bb[k * lb + i] * bb[k * lb + i];
    if (h > 1.0 - HC_COV_PSI_FLOOR) {
      const double f = sqrt((1.0 - HC_COV_PSI_FLOOR) / h);
      for (int k = 0; k < K; k++) bb[k * lb + i] *= f;
      h = 1.0 - HC_COV_PSI_FLOOR;
    }
    ps[i] = mb[i] > 0.5 ? 1.0 - h : 1.0;
  }
  PetscCall(VecRestoreArray(est->psi, &ps));
  PetscCall(VecRestoreArrayRead(est->member, &mb));
  PetscCall(MatDenseRestoreArrayWrite(est->B, &bb));
  PetscCall(MatAssemblyBegin(est->B, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(est->B, MAT_FINAL_ASSEMBLY));
  PetscCall(EPSDestroy(&eps));
  PetscCall(MatDestroy(&G));
  PetscCall(VecDestroy(&g.w));
  PetscCall(MatDestroy(&g.X));
  PetscFunctionReturn(0);
}
