/**
 * @file fit.c
 * @brief The shared maximum-likelihood fitter of every model family.
 *
 * 1. TAO LMVM (limited-memory BFGS, Nocedal & Wright 2006 ch. 7) minimises
 *    f(u) = -loglik(untransform(u)) / n over unconstrained u, from several starts.
 *    Profiled parameters (ops->n_profiled) are concentrated out.
 * 2. The best start is polished by Newton steps on the full log-likelihood in natural
 *    coordinates (accepted only if the likelihood increases), which brings the optimum
 *    to near machine precision, as the published benchmarks (e.g. McCullough & Renfro
 *    1999 for GARCH) require.
 * 3. Standard errors: square roots of the diagonal of the inverse observed information
 *    -H^{-1}, H the Hessian of the log-likelihood in natural coordinates by central
 *    differences (Hamilton 1994 eq. 5.8.2).
 */
#include "hpcast/models.h"

#include <math.h>
#include <petscblaslapack.h>
#include <petsctao.h>
#include <string.h>

#define HC_F_BAD 1e10 /* objective returned where the likelihood cannot be evaluated */

void hc_fit_options_default(hc_fit_options *o)
{
  o->max_it         = 500;
  o->gatol          = 1e-7;
  o->n_random       = 0;
  o->stderr_type    = HC_STDERR_HESSIAN;
  o->compute_stderr = 1;
}

typedef struct {
  hc_model     *m;
  const double *y;
  int           n;
  int           kfree;                   /* optimised coordinates */
  double        u_full[HC_MAX_PARAMS];   /* profiled coordinates keep these values */
  double        theta[HC_MAX_PARAMS];    /* natural parameters of the last evaluation */
} fit_ctx;

/* Log-likelihood at unconstrained u (length kfree); fills ctx->theta. Returns 0 if finite. */
static int eval_u(fit_ctx *c, const double *u, double *ll)
{
  hc_model *m = c->m;
  double    uf[HC_MAX_PARAMS];
  memcpy(uf, c->u_full, sizeof uf);
  memcpy(uf, u, (size_t)c->kfree * sizeof *u);
  m->ops->untransform(m, uf, c->theta);
  int bad = m->ops->n_profiled ? m->ops->profile_loglik(m, c->theta, c->y, c->n, ll)
                               : m->ops->loglik(m, c->theta, c->y, c->n, ll, NULL);
  return bad || !isfinite(*ll);
}

/* f(u) = -ll/n and its gradient: analytic (chained through d theta / d u by central
 * differences of untransform) when the family has one, else central differences of f. */
static PetscErrorCode objective(Tao tao, Vec X, PetscReal *f, Vec G, void *ptr)
{
  fit_ctx           *c = ptr;
  hc_model          *m = c->m;
  const PetscScalar *x;
  PetscScalar       *g;
  const int          k        = c->kfree;
  const int          analytic = m->ops->has_gradient && !m->ops->n_profiled;
  double             u[HC_MAX_PARAMS], uf[HC_MAX_PARAMS], ll, gt[HC_MAX_PARAMS];
  int                bad;

  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  for (int i = 0; i < k; i++) u[i] = x[i];
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecGetArray(G, &g));
  memcpy(uf, c->u_full, sizeof uf); /* the full unconstrained vector (profiled coordinates fixed) */
  memcpy(uf, u, (size_t)k * sizeof *u);
  if (analytic) { /* one pass gives the likelihood and its gradient */
    m->ops->untransform(m, uf, c->theta);
    bad = m->ops->loglik(m, c->theta, c->y, c->n, &ll, gt) || !isfinite(ll);
  } else {
    bad = eval_u(c, u, &ll);
  }
  if (!bad && analytic) {
    double tp[HC_MAX_PARAMS], tm[HC_MAX_PARAMS];
    for (int j = 0; j < k; j++) { /* chain rule through d theta / d u */
      double h = 1e-6 * (1.0 + fabs(uf[j])), keep = uf[j];
      uf[j]    = keep + h;
      m->ops->untransform(m, uf, tp);
      uf[j] = keep - h;
      m->ops->untransform(m, uf, tm);
      uf[j]    = keep;
      double s = 0.0;
      for (int i = 0; i < m->n_params; i++) s += gt[i] * (tp[i] - tm[i]) / (2.0 * h);
      g[j] = -s / c->n;
    }
  } else if (!bad) {
    for (int j = 0; j < k; j++) {
      double h = 1e-5 * (1.0 + fabs(u[j])), keep = u[j], lp, lm;
      u[j]     = keep + h;
      int bp   = eval_u(c, u, &lp);
      u[j]     = keep - h;
      int bm   = eval_u(c, u, &lm);
      u[j]     = keep;
      g[j]     = (bp || bm) ? 0.0 : -(lp - lm) / (2.0 * h * c->n);
    }
  }
  /* A point where the likelihood or its gradient is not finite is a wall for the line
   * search (a large objective, zero gradient), never a NaN handed to TAO, which would stop
   * the program: a numerical failure of one fit must stay a status of that fit. */
  for (int j = 0; j < k && !bad; j++) bad = !isfinite(g[j]);
  if (bad) {
    for (int j = 0; j < k; j++) g[j] = 0.0;
    *f = HC_F_BAD;
  } else {
    *f = -ll / c->n;
  }
  PetscCall(VecRestoreArray(G, &g));
  PetscFunctionReturn(0);
}

/* Gradient of the full log-likelihood in natural coordinates (analytic or central differences). */
static int grad_theta(hc_model *m, const double *y, int n, const double *th, double *g)
{
  double ll;
  if (m->ops->has_gradient) return m->ops->loglik(m, th, y, n, &ll, g);
  double t[HC_MAX_PARAMS], lp, lm;
  memcpy(t, th, sizeof t);
  for (int i = 0; i < m->n_params; i++) {
    double h = 1e-5 * (fabs(th[i]) + 0.1);
    t[i]     = th[i] + h;
    if (m->ops->loglik(m, t, y, n, &lp, NULL)) return 1;
    t[i] = th[i] - h;
    if (m->ops->loglik(m, t, y, n, &lm, NULL)) return 1;
    t[i] = th[i];
    g[i] = (lp - lm) / (2.0 * h);
  }
  return 0;
}

/* Hessian of the log-likelihood in natural coordinates (row-major k x k), by central
 * differences of the gradient when it is analytic, else by second differences of loglik. */
static int hessian_theta(hc_model *m, const double *y, int n, const double *th, double *H)
{
  const int k = m->n_params;
  double    t[HC_MAX_PARAMS], h[HC_MAX_PARAMS];
  memcpy(t, th, sizeof t);
  for (int i = 0; i < k; i++) h[i] = (m->ops->has_gradient ? 1e-5 : 1e-4) * (fabs(th[i]) + 0.1);
  if (m->ops->has_gradient) {
    double gp[HC_MAX_PARAMS], gm[HC_MAX_PARAMS];
    for (int i = 0; i < k; i++) {
      t[i] = th[i] + h[i];
      if (grad_theta(m, y, n, t, gp)) return 1;
      t[i] = th[i] - h[i];
      if (grad_theta(m, y, n, t, gm)) return 1;
      t[i] = th[i];
      for (int j = 0; j < k; j++) H[i * k + j] = (gp[j] - gm[j]) / (2.0 * h[i]);
    }
    for (int i = 0; i < k; i++)
      for (int j = 0; j < i; j++) H[i * k + j] = H[j * k + i] = 0.5 * (H[i * k + j] + H[j * k + i]);
    return 0;
  }
  double f0, fpp, fpm, fmp, fmm;
  if (m->ops->loglik(m, th, y, n, &f0, NULL)) return 1;
  for (int i = 0; i < k; i++) {
    t[i] = th[i] + h[i];
    if (m->ops->loglik(m, t, y, n, &fpp, NULL)) return 1;
    t[i] = th[i] - h[i];
    if (m->ops->loglik(m, t, y, n, &fmm, NULL)) return 1;
    t[i]         = th[i];
    H[i * k + i] = (fpp - 2.0 * f0 + fmm) / (h[i] * h[i]);
    for (int j = 0; j < i; j++) {
      int bad = 0;
      t[i] = th[i] + h[i]; t[j] = th[j] + h[j]; bad |= m->ops->loglik(m, t, y, n, &fpp, NULL);
      t[j] = th[j] - h[j];                      bad |= m->ops->loglik(m, t, y, n, &fpm, NULL);
      t[i] = th[i] - h[i];                      bad |= m->ops->loglik(m, t, y, n, &fmm, NULL);
      t[j] = th[j] + h[j];                      bad |= m->ops->loglik(m, t, y, n, &fmp, NULL);
      t[i] = th[i]; t[j] = th[j];
      if (bad) return 1;
      H[i * k + j] = H[j * k + i] = (fpp - fpm - fmp + fmm) / (4.0 * h[i] * h[j]);
    }
  }
  return 0;
}

/* Inverse of the k x k matrix A (overwritten) by LU. Returns 0 on success. */
static int invert(int k, double *A)
{
  PetscBLASInt n = k, info = 0, ipiv[HC_MAX_PARAMS], lwork = HC_MAX_PARAMS * HC_MAX_PARAMS;
  double       work[HC_MAX_PARAMS * HC_MAX_PARAMS];
  LAPACKgetrf_(&n, &n, A, &n, ipiv, &info);
  if (info) return 1;
  LAPACKgetri_(&n, A, &n, ipiv, work, &lwork, &info);
  return info != 0;
}

/* (-H)^{-1} at theta into Hinv. Returns 0 on success. */
static int neg_hessian_inverse(hc_model *m, const double *y, int n, const double *theta, double *Hinv)
{
  const int k = m->n_params;
  if (hessian_theta(m, y, n, theta, Hinv)) return 1;
  for (int i = 0; i < k * k; i++) Hinv[i] = -Hinv[i];
  return invert(k, Hinv);
}

/* Newton polish of theta on the full log-likelihood with the Hessian of the starting point
 * (a chord method: one Hessian, a gradient per step, linear convergence with a tiny rate at
 * the end of a quasi-Newton run); then the Hessian again at the final point. On return
 * Hinv holds (-H)^{-1} at theta (the asymptotic covariance) and *decrement the last Newton
 * decrement g' (-H)^{-1} g. Returns 0 if the Hessian could be computed and inverted. */
static int polish(hc_model *m, const double *y, int n, double *theta, double *ll, double *Hinv, double *decrement)
{
  const int k = m->n_params;
  double    g[HC_MAX_PARAMS], cand[HC_MAX_PARAMS], llc;
  int       moved = 0;
  *decrement      = INFINITY;
  if (neg_hessian_inverse(m, y, n, theta, Hinv)) return 1;
  for (int it = 0; it < 8; it++) {
    if (grad_theta(m, y, n, theta, g)) break;
    double dec = 0.0;
    for (int i = 0; i < k; i++) {
      double s = 0.0;
      for (int j = 0; j < k; j++) s += Hinv[i * k + j] * g[j];
      cand[i] = theta[i] + s;
      dec += g[i] * s;
    }
    *decrement = dec;
    if (!(dec > 1e-12) || !(dec < 1.0)) break; /* converged, or too far for a local step */
    /* Near the optimum the quadratic model is more reliable than a comparison of two
     * likelihoods that differ by less than their summation round-off: accept a tiny step
     * within that round-off, a larger one only if the likelihood increases. */
    if (m->ops->loglik(m, cand, y, n, &llc, NULL)) break;
    if (!(llc > *ll) && !(dec < 1e-6 && llc > *ll - 1e-11 * fabs(*ll))) break;
    /* keep only admissible points: the transform must round-trip */
    double u[HC_MAX_PARAMS], back[HC_MAX_PARAMS];
    int    ok = 1;
    m->ops->transform(m, cand, u);
    m->ops->untransform(m, u, back);
    for (int i = 0; i < k; i++) ok &= fabs(back[i] - cand[i]) <= 1e-8 * (1.0 + fabs(cand[i]));
    if (!ok) break;
    memcpy(theta, cand, (size_t)k * sizeof *theta);
    *ll   = llc;
    moved = 1;
  }
  return moved ? neg_hessian_inverse(m, y, n, theta, Hinv) : 0;
}

/* OPG or robust covariance at theta. On entry cov holds (-H)^{-1}; on return the OPG
 * B^{-1} or the sandwich (-H)^{-1} B (-H)^{-1}, B = sum_t s_t s_t' the outer product of the
 * per-observation scores (Bollerslev & Wooldridge 1992, eq. 2.8). *ok = 0 if unavailable. */
static PetscErrorCode score_covariance(hc_model *m, const double *y, int n, const double *theta, hc_stderr_type type,
                                       double *cov, int *ok)
{
  const int k = m->n_params;
  double   *G, B[HC_MAX_PARAMS * HC_MAX_PARAMS] = {0}, tmp[HC_MAX_PARAMS * HC_MAX_PARAMS];
  int       T;

  PetscFunctionBeginUser;
  *ok = 0;
  if (!m->ops->loglik_terms_grad) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1((size_t)n * k, &G));
  T = m->ops->loglik_terms_grad(m, theta, y, n, G);
  for (int t = 0; t < T; t++)
    for (int i = 0; i < k; i++)
      for (int j = 0; j <= i; j++) B[i * k + j] += G[(size_t)t * k + i] * G[(size_t)t * k + j];
  PetscCall(PetscFree(G));
  if (T <= 0) PetscFunctionReturn(0);
  for (int i = 0; i < k; i++)
    for (int j = 0; j < i; j++) B[j * k + i] = B[i * k + j];
  if (type == HC_STDERR_OPG) {
    memcpy(cov, B, sizeof(double) * k * k);
    *ok = !invert(k, cov);
    PetscFunctionReturn(0);
  }
  for (int i = 0; i < k; i++) /* tmp = cov B */
    for (int j = 0; j < k; j++) {
      double s = 0.0;
      for (int l = 0; l < k; l++) s += cov[i * k + l] * B[l * k + j];
      tmp[i * k + j] = s;
    }
  for (int i = 0; i < k; i++) /* B = tmp cov */
    for (int j = 0; j < k; j++) {
      double s = 0.0;
      for (int l = 0; l < k; l++) s += tmp[i * k + l] * cov[l * k + j];
      B[i * k + j] = s;
    }
  memcpy(cov, B, sizeof(double) * k * k);
  *ok = 1;
  PetscFunctionReturn(0);
}

/* Deterministic standard normal draws (xorshift64* + Box-Muller), so fits never depend
 * on the rank or the order in which tickers are processed. */
static double gauss(unsigned long long *s)
{
  double u[2];
  for (int i = 0; i < 2; i++) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    u[i] = ((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
  }
  return sqrt(-2.0 * log(u[0] + 1e-300)) * cos(2.0 * M_PI * u[1]);
}

PetscErrorCode hc_fit(hc_model *m, const double *y, int n, const hc_fit_options *opt, int n_starts,
                      const double *starts, hc_fit_record *rec)
{
  const int k = m->n_params, kfree = k - m->ops->n_profiled;
  double    st[16][HC_MAX_PARAMS], best_theta[HC_MAX_PARAMS], ll_best = -INFINITY;
  int       ns = 0, best_reason = 0, best_its = 0;
  fit_ctx   ctx = {.m = m, .y = y, .n = n, .kfree = kfree};
  Tao       tao;
  Vec       x;

  PetscFunctionBeginUser;
  memset(rec, 0, sizeof *rec);
  hc_strlcpy(rec->stderr_type, hc_stderr_name(opt->stderr_type), sizeof rec->stderr_type);
  rec->persistence = rec->half_life = rec->uncond_var = NAN;
  hc_spec_name(&m->spec, rec->name, sizeof rec->name);
  hc_spec_mean_name(&m->spec, rec->mean_model, sizeof rec->mean_model);
  hc_spec_vol_name(&m->spec, rec->vol_model, sizeof rec->vol_model);
  rec->n_params   = k;
  rec->n_obs_used = m->ops->n_obs ? m->ops->n_obs(m, n) : n;
  rec->loglik = rec->aic = rec->bic = NAN;
  m->ops->param_names(m, rec->param_names);
  for (int i = 0; i < k; i++) rec->params[i] = rec->stderr_[i] = NAN;

  /* start list: caller's starts, the family's own start, then random perturbations */
  for (int s = 0; s < n_starts && ns < 16; s++) memcpy(st[ns++], starts + (size_t)s * k, (size_t)k * sizeof(double));
  if (ns < 16 && !m->ops->start(m, y, n, st[ns])) ns++;
  int n_base = ns;
  if (kfree > 1) {
    /* perturbations of the last base start in u-space (coordinate 0, the level, is kept) */
    unsigned long long seed = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)(k * 131 + m->spec.p * 17 + m->spec.q);
    for (int r = 0; r < opt->n_random && ns < 16 && n_base > 0; r++, ns++) {
      double u[HC_MAX_PARAMS];
      m->ops->transform(m, st[n_base - 1], u);
      for (int i = 1; i < kfree; i++) u[i] += 0.5 * gauss(&seed);
      m->ops->untransform(m, u, st[ns]);
    }
  }
  if (!ns) {
    rec->status = HC_STATUS_FAILED;
    hc_strlcpy(rec->reason, "no start value", sizeof rec->reason);
    PetscFunctionReturn(0);
  }

  PetscCall(VecCreateSeq(PETSC_COMM_SELF, kfree, &x));
  for (int s = 0; s < ns; s++) {
    double u[HC_MAX_PARAMS], ll;
    m->ops->transform(m, st[s], u);
    memcpy(ctx.u_full, u, sizeof u);
    if (eval_u(&ctx, u, &ll)) continue; /* inadmissible start */
    PetscScalar *xa;
    PetscCall(VecGetArray(x, &xa));
    for (int i = 0; i < kfree; i++) xa[i] = u[i];
    PetscCall(VecRestoreArray(x, &xa));
    PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
    PetscCall(TaoSetType(tao, TAOLMVM));
    PetscCall(TaoSetSolution(tao, x));
    PetscCall(TaoSetObjectiveAndGradient(tao, NULL, objective, &ctx));
    PetscCall(TaoSetTolerances(tao, opt->gatol, 0.0, 0.0));
    PetscCall(TaoSetMaximumIterations(tao, opt->max_it));
    PetscCall(TaoSetOptionsPrefix(tao, "fit_"));
    PetscCall(TaoSetFromOptions(tao));
    PetscCall(TaoSolve(tao));
    TaoConvergedReason reason;
    PetscInt           its;
    PetscCall(TaoGetConvergedReason(tao, &reason));
    PetscCall(TaoGetIterationNumber(tao, &its));
    PetscCall(TaoDestroy(&tao));
    const PetscScalar *xs;
    PetscCall(VecGetArrayRead(x, &xs));
    for (int i = 0; i < kfree; i++) u[i] = xs[i];
    PetscCall(VecRestoreArrayRead(x, &xs));
    if (eval_u(&ctx, u, &ll)) continue;
    if (ll > ll_best + 1e-9 * fabs(ll)) {
      ll_best = ll;
      memcpy(best_theta, ctx.theta, sizeof best_theta);
      best_reason = (int)reason;
      best_its    = (int)its;
    }
  }
  PetscCall(VecDestroy(&x));

  if (!isfinite(ll_best)) {
    rec->status = HC_STATUS_FAILED;
    hc_strlcpy(rec->reason, "likelihood not finite at any start", sizeof rec->reason);
    PetscFunctionReturn(0);
  }
  double ll_full, cov[HC_MAX_PARAMS * HC_MAX_PARAMS], dec = INFINITY;
  if (m->ops->loglik(m, best_theta, y, n, &ll_full, NULL)) ll_full = ll_best;
  int have_cov = opt->compute_stderr && !polish(m, y, n, best_theta, &ll_full, cov, &dec);
  if (have_cov && opt->stderr_type != HC_STDERR_HESSIAN) PetscCall(score_covariance(m, y, n, best_theta, opt->stderr_type, cov, &have_cov));
  if (m->ops->vol_summary) {
    m->ops->vol_summary(m, best_theta, &rec->persistence, &rec->uncond_var);
    if (rec->persistence > 0 && rec->persistence < 1) rec->half_life = log(0.5) / log(rec->persistence);
  }

  memcpy(rec->params, best_theta, (size_t)k * sizeof(double));
  rec->loglik     = ll_full;
  rec->aic        = -2.0 * ll_full + 2.0 * k;
  rec->bic        = -2.0 * ll_full + k * log((double)rec->n_obs_used);
  rec->tao_reason = best_reason;
  rec->iterations = best_its;
  rec->converged  = best_reason > 0 || (have_cov && dec < 1e-6);
  for (int i = 0; i < k; i++) rec->stderr_[i] = have_cov && cov[i * k + i] > 0 ? sqrt(cov[i * k + i]) : NAN;
  PetscFunctionReturn(0);
}
