/**
 * @file solve.c
 * @brief A bound-constrained minimiser for the other numerical modules: TAO BLMVM on
 *        PETSC_COMM_SELF over plain arrays, so that a module that may not use PETSc's TAO
 *        (eval: the stacking weights of its ensembles) minimises through models.
 *
 * Pure numerics: no MPI communication (TAO runs on PETSC_COMM_SELF), no I/O, no global state.
 */
#include "hpcast/models.h"

#include <petsctao.h>

#include <math.h>

#if defined(PETSC_USE_COMPLEX) || !defined(PETSC_USE_REAL_DOUBLE)
#error "hc_minimize_bounded hands TAO's arrays to the objective as double: PETSc must be real, double precision"
#endif

typedef struct {
  int          k;
  hc_objective fg;
  void        *ctx;
} solve_ctx;

static PetscErrorCode objective(Tao tao, Vec X, PetscReal *f, Vec G, void *ptr)
{
  const solve_ctx   *c = (const solve_ctx *)ptr;
  const PetscScalar *x;
  PetscScalar       *g;
  double             fx = 0.0;
  (void)tao;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(G, &g));
  PetscCall(c->fg(c->k, x, &fx, g, c->ctx));
  *f = fx;
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

/* A bound as TAO takes it: +-INFINITY (no bound) as PETSc's PETSC_INFINITY / PETSC_NINFINITY. */
static PetscReal tao_bound(double b) { return isinf(b) ? (b > 0 ? PETSC_INFINITY : PETSC_NINFINITY) : b; }

void hc_minimize_options_default(hc_minimize_options *opt)
{
  opt->gatol  = -1.0;
  opt->grtol  = -1.0;
  opt->gttol  = -1.0;
  opt->max_it = -1;
  opt->prefix = NULL;
}

PetscErrorCode hc_minimize_bounded(int k, hc_objective fg, void *ctx, const double *lb, const double *ub, const hc_minimize_options *opt,
                                   double *x, hc_minimize_info *info)
{
  Tao                tao;
  Vec                v, vl, vu;
  PetscScalar       *a, *al, *au;
  const PetscScalar *va;
  hc_minimize_options def;
  solve_ctx          c = {k, fg, ctx};

  PetscFunctionBeginUser;
  PetscCheck(k >= 1 && fg && x, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "hc_minimize_bounded: k = %d, objective and x must be given", k);
  if (!opt) {
    hc_minimize_options_default(&def);
    opt = &def;
  }
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, k, &v));
  PetscCall(VecDuplicate(v, &vl));
  PetscCall(VecDuplicate(v, &vu));
  PetscCall(VecGetArray(v, &a));
  PetscCall(VecGetArray(vl, &al));
  PetscCall(VecGetArray(vu, &au));
  for (int i = 0; i < k; i++) {
    a[i]  = x[i];
    al[i] = lb ? tao_bound(lb[i]) : PETSC_NINFINITY;
    au[i] = ub ? tao_bound(ub[i]) : PETSC_INFINITY;
  }
  PetscCall(VecRestoreArray(vu, &au));
  PetscCall(VecRestoreArray(vl, &al));
  PetscCall(VecRestoreArray(v, &a));

  PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
  PetscCall(TaoSetType(tao, TAOBLMVM));
  PetscCall(TaoSetSolution(tao, v));
  PetscCall(TaoSetVariableBounds(tao, vl, vu));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, objective, &c));
  PetscCall(TaoSetTolerances(tao, opt->gatol < 0 ? PETSC_DEFAULT : opt->gatol, opt->grtol < 0 ? PETSC_DEFAULT : opt->grtol,
                             opt->gttol < 0 ? PETSC_DEFAULT : opt->gttol));
  if (opt->max_it >= 0) PetscCall(TaoSetMaximumIterations(tao, opt->max_it));
  if (opt->prefix) {
    PetscCall(TaoSetOptionsPrefix(tao, opt->prefix));
    PetscCall(TaoSetFromOptions(tao));
  }
  /* an error of the objective comes out of TaoSolve: the solver is destroyed before it is passed on */
  const PetscErrorCode solve_err = TaoSolve(tao);
  if (!solve_err) {
    PetscCall(VecGetArrayRead(v, &va));
    for (int i = 0; i < k; i++) x[i] = va[i];
    PetscCall(VecRestoreArrayRead(v, &va));
    if (info) {
      TaoConvergedReason reason;
      PetscInt           its;
      PetscReal          f, gnorm, cnorm, xdiff;
      PetscCall(TaoGetSolutionStatus(tao, &its, &f, &gnorm, &cnorm, &xdiff, &reason));
      info->f      = f;
      info->gnorm  = gnorm;
      info->its    = (int)its;
      info->reason = (int)reason;
    }
  }
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&vl));
  PetscCall(VecDestroy(&vu));
  PetscCall(solve_err);
  PetscFunctionReturn(0);
}
