/**
 * @file ensemble.c
 * @brief Ensemble weights: equal, inverse MSE (Bates & Granger 1969), Akaike (Burnham &
 *        Anderson 2002) and CRPS stacking (Hall & Mitchell 2007; Yao et al. 2018) solved with
 *        the bounded minimiser of models (hc_minimize_bounded: TAO BLMVM on PETSC_COMM_SELF).
 *        Definitions in docs/scores.md.
 *
 * Pure numerics: no MPI communication, no I/O, no global state.
 */
#include "hpcast/eval.h"
#include "hpcast/models.h" /* hc_minimize_bounded */

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
  const double *A; /* k x k, row-major */
} stack_ctx;

static PetscErrorCode stack_objective(int k, const double *v, double *f, double *g, void *ptr)
{
  const stack_ctx *c = (const stack_ctx *)ptr;
  PetscFunctionBeginUser;
  double S = 0.0, q = 0.0;
  for (int i = 0; i < k; i++) {
    double Av = 0.0;
    for (int j = 0; j < k; j++) Av += c->A[i * k + j] * v[j];
    g[i] = Av;
    q += v[i] * Av;
    S += v[i];
  }
  for (int i = 0; i < k; i++) g[i] = 2.0 * g[i] / (S * S) - 2.0 * q / (S * S * S);
  *f = q / (S * S);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_ensemble_stacking(int k, const double *A, double *w)
{
  stack_ctx           ctx = {A};
  hc_minimize_options opt;
  double             *v, *lb;
  PetscFunctionBeginUser;
  hc_ensemble_equal(k, w);
  if (k < 2) PetscFunctionReturn(0);
  for (int i = 0; i < k; i++) {
    if (!(A[i * k + i] > 0.0)) PetscFunctionReturn(0);
    for (int j = 0; j < k; j++)
      if (!isfinite(A[i * k + j])) PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc2(k, &v, k, &lb));
  for (int i = 0; i < k; i++) {
    v[i]  = 1.0 / k;
    lb[i] = 0.0;
  }
  hc_minimize_options_default(&opt);
  opt.gatol  = 0.0;
  opt.grtol  = 1e-14;
  opt.gttol  = 0.0;
  opt.max_it = 1000;
  opt.prefix = "ensemble_";
  PetscCall(hc_minimize_bounded(k, stack_objective, &ctx, lb, NULL, &opt, v, NULL));

  double S = 0.0;
  for (int i = 0; i < k; i++) S += v[i];
  if (S > 0.0 && isfinite(S)) {
    double T = 0.0;
    for (int i = 0; i < k; i++) {
      w[i] = v[i] / S;
      if (w[i] < 1e-10) w[i] = 0.0;
      T += w[i];
    }
    for (int i = 0; i < k; i++) w[i] /= T;
  }
  PetscCall(PetscFree2(v, lb));
  PetscFunctionReturn(0);
}
