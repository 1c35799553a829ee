/**
 * @file ensemble.c
 * @brief Ensemble weights: equal, inverse MSE (Bates & Granger 1969), Akaike (Burnham &
 *        Anderson 2002) and CRPS stacking (Hall & Mitchell 2007; Yao et al. 2018) solved with
 *        PETSc TAO on PETSC_COMM_SELF. Definitions in docs/scores.md.
 *
 * Pure numerics: no MPI communication (TAO runs on PETSC_COMM_SELF), no I/O, no global state.
 */
#include "hpcast/eval.h"

#include <petsctao.h>

#include <math.h>
#include <string.h>

static const char *const scheme_names[HC_ENS_COUNT] = {"equal", "invmse", "akaike", "stacking"};

int hc_ensemble_parse(const char *name, hc_ensemble_scheme *s)
{
  for (int i = 0; i < HC_ENS_COUNT; i++)
    if (name && strcmp(name, scheme_names[i]) == 0) {
      *s = (hc_ensemble_scheme)i;
      return 0;
    }
  return 1;
}

const char *hc_ensemble_name(hc_ensemble_scheme s) { return s >= 0 && s < HC_ENS_COUNT ? scheme_names[s] : "unknown"; }

void hc_ensemble_equal(int k, double *w)
{
  for (int i = 0; i < k; i++) w[i] = 1.0 / k;
}

int hc_ensemble_invmse(int k, const double *mse, double *w)
{
  double sum = 0.0;
  for (int i = 0; i < k; i++) {
    w[i] = isfinite(mse[i]) && mse[i] > 0.0 ? 1.0 / mse[i] : 0.0;
    sum += w[i];
  }
  if (!(sum > 0.0) || !isfinite(sum)) {
    hc_ensemble_equal(k, w);
    return 1;
  }
  for (int i = 0; i < k; i++) w[i] /= sum;
  return 0;
}

int hc_ensemble_akaike(int k, const double *ic, double *w)
{
  double best = INFINITY, sum = 0.0;
  for (int i = 0; i < k; i++)
    if (isfinite(ic[i])) best = fmin(best, ic[i]);
  if (!isfinite(best)) {
    hc_ensemble_equal(k, w);
    return 1;
  }
  for (int i = 0; i < k; i++) {
    w[i] = isfinite(ic[i]) ? exp(-0.5 * (ic[i] - best)) : 0.0;
    sum += w[i];
  }
  for (int i = 0; i < k; i++) w[i] /= sum;
  return 0;
}

/* Stacking objective on the scale-free parametrisation w = v / S, S = sum v, v >= 0:
 * f(v) = v'Av / S^2, grad f = 2 A v / S^2 - 2 (v'Av) / S^3 1. f is homogeneous of degree 0,
 * so the bounded quasi-Newton method (only the bounds v >= 0) solves the simplex problem. */
typedef struct {
  int           k;
  const double *A;
} stack_ctx;

static PetscErrorCode stack_objective(Tao tao, Vec V, PetscReal *f, Vec G, void *ptr)
{
  const stack_ctx   *c = (const stack_ctx *)ptr;
  const PetscScalar *v;
  PetscScalar       *g;
  (void)tao;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(V, &v));
  PetscCall(VecGetArray(G, &g));
  double S = 0.0, q = 0.0;
  for (int i = 0; i < c->k; i++) {
    double Av = 0.0;
    for (int j = 0; j < c->k; j++) Av += c->A[i * c->k + j] * v[j];
    g[i] = Av;
    q += v[i] * Av;
    S += v[i];
  }
  for (int i = 0; i < c->k; i++) g[i] = 2.0 * g[i] / (S * S) - 2.0 * q / (S * S * S);
  *f = q / (S * S);
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(V, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_ensemble_stacking(int k, const double *A, double *w)
{
  Tao       tao;
  Vec       v, lb, ub;
  stack_ctx ctx = {k, A};
  PetscFunctionBeginUser;
  hc_ensemble_equal(k, w);
  if (k < 2) PetscFunctionReturn(0);
  for (int i = 0; i < k; i++) {
    if (!(A[i * k + i] > 0.0)) PetscFunctionReturn(0);
    for (int j = 0; j < k; j++)
      if (!isfinite(A[i * k + j])) PetscFunctionReturn(0);
  }
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, k, &v));
  PetscCall(VecDuplicate(v, &lb));
  PetscCall(VecDuplicate(v, &ub));
  PetscCall(VecSet(v, 1.0 / k));
  PetscCall(VecSet(lb, 0.0));
  PetscCall(VecSet(ub, PETSC_INFINITY));
  PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
  PetscCall(TaoSetType(tao, TAOBLMVM));
  PetscCall(TaoSetSolution(tao, v));
  PetscCall(TaoSetVariableBounds(tao, lb, ub));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, stack_objective, &ctx));
  PetscCall(TaoSetTolerances(tao, 0.0, 1e-14, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 1000));
  PetscCall(TaoSetOptionsPrefix(tao, "ensemble_"));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));

  const PetscScalar *va;
  double             S = 0.0;
  PetscCall(VecGetArrayRead(v, &va));
  for (int i = 0; i < k; i++) S += va[i];
  if (S > 0.0 && isfinite(S)) {
    double T = 0.0;
    for (int i = 0; i < k; i++) {
      w[i] = va[i] / S;
      if (w[i] < 1e-10) w[i] = 0.0;
      T += w[i];
    }
    for (int i = 0; i < k; i++) w[i] /= T;
  }
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&lb));
  PetscCall(VecDestroy(&ub));
  PetscFunctionReturn(0);
}
