/**
 * @file shrink.c
 * @brief The sample correlation of the standardized residuals on pairwise-complete dates, shrunk
 *        toward the identity with the optimal intensity of Ledoit & Wolf (2004), and the
 *        eigenvalue floor of every full correlation forecast.
 */
#include "covariance_impl.h"

#include <math.h>
#include <slepceps.h>

/* The window's standardized member rows x (0 where missing or not a member), the 0/1 mask of
 * their observations and x^2: three nloc x L dense matrices over the panel's rows. */
static PetscErrorCode window_matrices(const hc_cov_panel *p, int c0, int c1, Vec member, Mat *X, Mat *M, Mat *X2)
{
  const int          L = c1 - c0;
  int               *n;
  double            *mean, *sd;
  PetscScalar       *x, *m, *x2;
  const PetscScalar *in;
  PetscInt           lx, lm, l2;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(p->nloc + 1, &n, p->nloc + 1, &mean, p->nloc + 1, &sd));
  hc_cov_row_moments(p, c0, c1, n, mean, sd);
  Mat *out[3] = {X, M, X2};
  for (int k = 0; k < 3; k++) PetscCall(MatCreateDense(p->comm, p->nloc, PETSC_DECIDE, p->N, L, NULL, out[k]));
  PetscCall(MatDenseGetArrayWrite(*X, &x));
  PetscCall(MatDenseGetArrayWrite(*M, &m));
  PetscCall(MatDenseGetArrayWrite(*X2, &x2));
  PetscCall(MatDenseGetLDA(*X, &lx));
  PetscCall(MatDenseGetLDA(*M, &lm));
  PetscCall(MatDenseGetLDA(*X2, &l2));
  PetscCall(VecGetArrayRead(member, &in));
  for (int c = 0; c < L; c++)
    for (int i = 0; i < p->nloc; i++) {
      const double v  = HC_CELL(p, p->z, i, c0 + c);
      const int    ok = in[i] > 0.5 && isfinite(v);
      const double s  = ok ? (v - mean[i]) / sd[i] : 0.0;
      x[c * lx + i]   = s;
      m[c * lm + i]   = ok;
      x2[c * l2 + i]  = s * s;
    }
  PetscCall(VecRestoreArrayRead(member, &in));
  PetscCall(MatDenseRestoreArrayWrite(*X, &x));
  PetscCall(MatDenseRestoreArrayWrite(*M, &m));
  PetscCall(MatDenseRestoreArrayWrite(*X2, &x2));
  for (int k = 0; k < 3; k++) {
    PetscCall(MatAssemblyBegin(*out[k], MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(*out[k], MAT_FINAL_ASSEMBLY));
  }
  PetscCall(PetscFree3(n, mean, sd));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_eigen_floor(Mat R, double *lambda, double *t)
{
  EPS         eps;
  PetscInt    nconv, N;
  PetscScalar lr, li;
  PetscFunctionBeginUser;
  *t = 0.0;
  PetscCall(MatGetSize(R, &N, NULL));
  PetscCall(EPSCreate(PetscObjectComm((PetscObject)R), &eps));
  PetscCall(EPSSetOperators(eps, R, NULL));
  PetscCall(EPSSetProblemType(eps, EPS_HEP));
  PetscCall(EPSSetWhichEigenpairs(eps, EPS_SMALLEST_REAL));
  PetscCall(EPSSetDimensions(eps, 1, PetscMin(N, 64), PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-6, 2000)); /* relative: enough to place lambda_min against the floor */
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  if (nconv > 0) PetscCall(EPSGetEigenpair(eps, 0, &lr, &li, NULL, NULL));
  PetscCall(EPSDestroy(&eps));
  /* not converged: treat as singular, the floor is then reached by shrinkage alone */
  *lambda = nconv > 0 ? (double)lr : 0.0;
  if (*lambda < HC_COV_EIG_FLOOR) {
    *t = (HC_COV_EIG_FLOOR - *lambda) / (1.0 - *lambda);
    PetscCall(MatScale(R, 1.0 - *t));
    PetscCall(MatShift(R, *t));
    *lambda = HC_COV_EIG_FLOOR;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_shrink(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, hc_cov_estimate *est)
{
  Mat                X, M, X2, P, C, Q;
  const PetscScalar *cc, *qc, *mb;
  PetscScalar       *r;
  PetscInt           lp, lc, lq;
  double             sums[3] = {0, 0, 0}; /* delta, beta, low pairs */
  PetscFunctionBeginUser;
  PetscCall(window_matrices(p, c0, c1, est->member, &X, &M, &X2));
  PetscCall(MatMatTransposeMult(X, X, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &P));
  PetscCall(MatMatTransposeMult(M, M, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &C));
  PetscCall(MatMatTransposeMult(X2, X2, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &Q));
  PetscCall(MatDestroy(&X));
  PetscCall(MatDestroy(&M));
  PetscCall(MatDestroy(&X2));
  double *mem, *c_jj;
  Vec     dg;
  PetscCall(hc_cov_all_values(est->member, &mem));
  PetscCall(MatCreateVecs(C, NULL, &dg));
  PetscCall(MatGetDiagonal(C, dg)); /* n_j: each row's observations in the window */
  PetscCall(hc_cov_all_values(dg, &c_jj));
  PetscCall(VecDestroy(&dg));
  PetscCall(MatDenseGetArrayRead(C, &cc));
  PetscCall(MatDenseGetArrayRead(Q, &qc));
  PetscCall(MatDenseGetArray(P, &r)); /* P becomes S, then R, in place */
  PetscCall(MatDenseGetLDA(P, &lp));
  PetscCall(MatDenseGetLDA(C, &lc));
  PetscCall(MatDenseGetLDA(Q, &lq));
  PetscCall(VecGetArrayRead(est->member, &mb));
  for (int i = 0; i < p->nloc; i++) {
    const int gi = p->rstart + i;
    for (int j = 0; j < p->N; j++) {
      double *s = &r[(size_t)j * lp + i];
      if (!(mb[i] > 0.5 && mem[j] > 0.5)) {
        *s = j == gi;
        continue;
      }
      const double nij = cc[(size_t)j * lc + i];
      if (nij < o->min_overlap) {
        *s = 0.0;
        sums[2] += 1.0;
        continue;
      }
      /* the correlation over the common dates, normalised by both rows' own observations
       * (sqrt(n_i n_j) >= n_ij): S = D^-1/2 X X' D^-1/2 with missing x as 0, positive
       * semi-definite, where dividing by n_ij is not; the noise of the pair's mean product
       * (beta) is over its n_ij common dates */
      const double mij = *s / nij, sij = j == gi ? 1.0 : *s / sqrt(c_jj[gi] * c_jj[j]);
      const double q   = qc[(size_t)j * lq + i];
      sums[1] += (q / nij - mij * mij) / nij;
      if (j != gi) sums[0] += sij * sij;
      *s = sij;
    }
  }
  PetscCall(VecRestoreArrayRead(est->member, &mb));
  PetscCall(MatDenseRestoreArrayRead(C, &cc));
  PetscCall(MatDenseRestoreArrayRead(Q, &qc));
  PetscCall(MatDestroy(&C));
  PetscCall(MatDestroy(&Q));
  PetscCall(PetscFree(mem));
  PetscCall(PetscFree(c_jj));
  PetscCall(hc_cov_allsum(p->comm, 3, sums));
  const double Nm    = PetscMax(1, est->n_members);
  const double delta = sums[0] / Nm, beta = PetscMin(sums[1] / Nm, delta);
  const double s     = delta > 0 ? beta / delta : 0.0;
  est->n_low_pairs   = (long)(sums[2] / 2.0 + 0.5);
  est->shrinkage_lw  = s;
  /* R = (1 - s) S + s I on the members; non-member rows are already identity rows */
  PetscCall(VecGetArrayRead(est->member, &mb));
  for (int i = 0; i < p->nloc; i++)
    for (int j = 0; j < p->N; j++)
      if (mb[i] > 0.5) r[(size_t)j * lp + i] = (j == p->rstart + i) ? 1.0 : (1.0 - s) * r[(size_t)j * lp + i];
  PetscCall(VecRestoreArrayRead(est->member, &mb));
  PetscCall(MatDenseRestoreArray(P, &r));
  double t;
  PetscCall(hc_cov_eigen_floor(P, &est->lambda_min, &t));
  est->shrinkage = s + t * (1.0 - s);
  est->R         = P;
  PetscFunctionReturn(0);
}
