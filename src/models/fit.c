/**
 * @file fit.c
 * @brief The shared maximum-likelihood fitter of every model family.
 *
 * 1. TAO minimises f(u) = -loglik(untransform(u)) / n over unconstrained u, from several
 *    starts. Models whose family has an exact analytic Hessian (ops->hessian, capability
 *    HC_CAP_HESSIAN) use Newton's method with a line search (TAONLS) on the exact Hessian in u
 *    (chain rule through untransform); models with a Newton Hessian (ops->newton_hessian,
 *    HC_CAP_NEWTON_HESSIAN, e.g. that of the conditional likelihood, which differs from the exact
 *    one by the effect of the first observations only) the same method on the exact gradient
 *    and that Hessian (Newton's method with an approximate Hessian: fast linear convergence to
 *    the exact optimum, Nocedal & Wright 2006 sec. 3.3); the others the limited-memory BFGS
 *    method (TAOLMVM, Nocedal & Wright 2006 ch. 7). -fit_tao_* options override the solver. A Newton solution that is
 *    not a maximum (a saddle, or a coefficient stuck where its transform saturates) is
 *    restarted from a nearby point (escape_point). The solvers are kept from fit to fit
 *    (solver_get) and the evaluations at a start and at a solution are the solver's own. A start
 *    equal to an earlier one to rounding is solved once (same_start); the starts can be screened
 *    by a few iterations each (run_starts) or on the conditional likelihood (run_starts_screened).
 * 2. The best start is polished by Newton steps on the full log-likelihood in natural
 *    coordinates (accepted only if the likelihood increases), which brings the optimum
 *    to near machine precision, as the published benchmarks (e.g. McCullough & Renfro
 *    1999) require. The Hessian is the analytic one (a new one per step) or one
 *    by central differences of the gradient (a chord method).
 * 3. Standard errors: square roots of the diagonal of the inverse observed information
 *    -H^{-1} at the final point (Hamilton 1994 eq. 5.8.2): the analytic Hessian, or the
 *    finite-difference Hessian of the polish, recomputed only if the polish moved the
 *    estimate by more than a small fraction of a standard error.
 */
#include "hpcast/models.h"

#include <math.h>
#include <petscblaslapack.h>
#include <petsctao.h>
#include <stdio.h>
#include <string.h>

#define HC_F_BAD 1e10 /* objective returned where the likelihood cannot be evaluated */
#define HC_CSS_NEWTON_MAX_IT 40 /* iterations of Newton's method on the CSS Hessian before LMVM takes over */

void hc_fit_options_default(hc_fit_options *o)
{
  o->max_it         = 500;
  o->gatol          = 1e-7;
  o->n_random       = 0;
  o->stderr_type    = HC_STDERR_HESSIAN;
  o->compute_stderr = 1;
  o->warm           = 0;
  o->screen_its     = 0;
  o->screen_keep    = 2;
  o->screen_css     = 0;
  o->own_given      = 0;
}

typedef struct {
  hc_model     *m;
  const double *y;
  int           n;
  int           k;                       /* parameters (optimised coordinates) */
  int           analytic_hessian;        /* ops->hessian serves m */
  int           css_hessian;             /* ops->newton_hessian serves as the Newton Hessian */
  int           conditional;             /* the evaluations are of ops->conditional_loglik (the start screen) */
  double        theta[HC_MAX_PARAMS];    /* natural parameters of the last evaluation */
  /* last second-order evaluation (analytic Hessian path): at u_c, theta_c, loglik ll_c,
   * gradient g_c and Hessian H_c in theta, and the Hessian Hf_c of f(u) = -ll/n in u */
  int           have_c, bad_c;
  double        u_c[HC_MAX_PARAMS], theta_c[HC_MAX_PARAMS], ll_c, g_c[HC_MAX_PARAMS];
  double        H_c[HC_MAX_PARAMS * HC_MAX_PARAMS], Hf_c[HC_MAX_PARAMS * HC_MAX_PARAMS], gf_c[HC_MAX_PARAMS];
  /* last first-order evaluation (the other families): at u_e, theta_e, loglik ll_e, the
   * gradient gf_e of f in u and, when the family has an analytic gradient, g_e in theta */
  int           have_e, bad_e;
  double        u_e[HC_MAX_PARAMS], theta_e[HC_MAX_PARAMS], ll_e, gf_e[HC_MAX_PARAMS], g_e[HC_MAX_PARAMS];
} fit_ctx;

static int second_order_u(fit_ctx *c, const double *u);
static int first_order_u(fit_ctx *c, const double *u);

/* 1 if the second-order cache of c holds the point u (analytic Hessian path). */
static int cached_at(const fit_ctx *c, const double *u)
{
  return c->have_c && !memcmp(u, c->u_c, (size_t)c->k * sizeof *u);
}

/* 1 if the first-order cache of c holds the point u (the other families). */
static int cached_first_at(const fit_ctx *c, const double *u)
{
  return c->have_e && !memcmp(u, c->u_e, (size_t)c->k * sizeof *u);
}

/* The log-likelihood the solver is on at theta, and (g not NULL) its gradient: the exact one, or
 * while the starts are screened the conditional one. Returns 0 if theta is admissible. */
static int loglik_of(fit_ctx *c, const double *theta, double *ll, double *g)
{
  hc_model *m = c->m;
  return c->conditional ? m->ops->conditional_loglik(m, theta, c->y, c->n, ll, g) : m->ops->loglik(m, theta, c->y, c->n, ll, g);
}

/* Log-likelihood at unconstrained u (length k); fills ctx->theta. Returns 0 if finite.
 * Through the cache of the solver's last evaluation at u when it holds one, so that the
 * evaluations of the start and of the solution are shared with the solver's; otherwise
 * (the points of a finite-difference gradient) the likelihood alone. */
static int eval_u(fit_ctx *c, const double *u, double *ll)
{
  hc_model *m = c->m;
  double    uf[HC_MAX_PARAMS];
  if (c->analytic_hessian) {
    if (!cached_at(c, u)) second_order_u(c, u);
    memcpy(c->theta, c->theta_c, sizeof c->theta);
    *ll = c->ll_c;
    return c->bad_c;
  }
  if (cached_first_at(c, u)) {
    memcpy(c->theta, c->theta_e, sizeof c->theta);
    *ll = c->ll_e;
    return c->bad_e;
  }
  memcpy(uf, u, (size_t)c->k * sizeof *u);
  m->ops->untransform(m, uf, c->theta);
  int bad = loglik_of(c, c->theta, ll, NULL);
  return bad || !isfinite(*ll);
}

/* theta at u with u_j moved by +h (tp) and by -h (tm); uf is restored (central differences). */
static void untransform_pm(hc_model *m, double *uf, int j, double h, double *tp, double *tm)
{
  const double keep = uf[j];
  uf[j]             = keep + h;
  m->ops->untransform(m, uf, tp);
  uf[j] = keep - h;
  m->ops->untransform(m, uf, tm);
  uf[j] = keep;
}

/* The Hessian Hf[k*k] of f = -ll/n in u from the gradient g and Hessian H of ll in theta =
 * untransform(uf) (length k = n_params), and (gf not NULL) the gradient gf of f: with the
 * Jacobian J = d theta / d u and the diagonal second derivatives d^2 theta / du_j^2 of
 * untransform (central differences, step 1e-4 (1 + |u_j|)), gf = -J' g / n and Hf = -(J' H J +
 * diag_j sum_i g_i d^2 theta_i / du_j^2) / n. The error of J is relative to g and vanishes with
 * it; the mixed second derivatives of untransform are left out for the same reason, so Newton's
 * method keeps its quadratic convergence. Returns 0 if Hf (and gf) are finite. */
static int chain_u(hc_model *m, int n, double *uf, const double *theta, const double *g, const double *H, double *Hf,
                   double *gf)
{
  const int k = m->n_params;
  double    J[HC_MAX_PARAMS * HC_MAX_PARAMS], d2[HC_MAX_PARAMS];
  for (int j = 0; j < k; j++) {
    double tp[HC_MAX_PARAMS], tm[HC_MAX_PARAMS], h = 1e-4 * (1.0 + fabs(uf[j])), s = 0.0, gs = 0.0;
    untransform_pm(m, uf, j, h, tp, tm);
    for (int i = 0; i < k; i++) {
      J[i * k + j] = (tp[i] - tm[i]) / (2.0 * h);
      gs += g[i] * J[i * k + j];
      s += g[i] * (tp[i] - 2.0 * theta[i] + tm[i]) / (h * h);
    }
    if (gf) gf[j] = -gs / n;
    d2[j] = s;
  }
  for (int a = 0; a < k; a++) { /* Hf = -(J' H J + diag d2) / n, H J formed column by column */
    double HJa[HC_MAX_PARAMS];
    for (int i = 0; i < k; i++) {
      double s = 0.0;
      for (int l = 0; l < k; l++) s += H[i * k + l] * J[l * k + a];
      HJa[i] = s;
    }
    for (int b = 0; b <= a; b++) {
      double s = 0.0;
      for (int i = 0; i < k; i++) s += J[i * k + b] * HJa[i];
      Hf[a * k + b] = Hf[b * k + a] = -(s + (a == b ? d2[a] : 0.0)) / n;
    }
  }
  for (int i = 0; i < k * k; i++)
    if (!isfinite(Hf[i])) return 1;
  for (int i = 0; gf && i < k; i++)
    if (!isfinite(gf[i])) return 1;
  return 0;
}

/* Loglik, gradient and Hessian at u (length k = n_params, no profiling) into the cache of c:
 * in theta by ops->hessian, then in u by chain_u. Returns 0 if the point is
 * admissible. */
static int second_order_u(fit_ctx *c, const double *u)
{
  hc_model *m = c->m;
  const int k = m->n_params;
  double    uf[HC_MAX_PARAMS];
  memcpy(uf, u, (size_t)k * sizeof *u);
  memcpy(c->u_c, u, (size_t)k * sizeof *u);
  c->have_c = 1;
  m->ops->untransform(m, uf, c->theta_c);
  memcpy(c->theta, c->theta_c, sizeof c->theta);
  c->bad_c = m->ops->hessian(m, c->theta_c, c->y, c->n, &c->ll_c, c->g_c, c->H_c) != 0 || !isfinite(c->ll_c);
  if (c->bad_c) return 1;
  return c->bad_c = chain_u(m, c->n, uf, c->theta_c, c->g_c, c->H_c, c->Hf_c, c->gf_c);
}

/* Loglik and the gradient of f(u) = -ll/n at u into the first-order cache of c (the families
 * without an analytic Hessian): analytic (chained through d theta / d u by central differences
 * of untransform) when the family has a gradient, else central differences of f. A point where
 * the likelihood or its gradient is not finite is marked bad. Returns bad. */
static int first_order_u(fit_ctx *c, const double *u)
{
  hc_model *m = c->m;
  const int k = c->k;
  double    uf[HC_MAX_PARAMS], ll;
  int       bad;

  memcpy(uf, u, (size_t)k * sizeof *u);
  if (m->ops->has_gradient) { /* one pass gives the likelihood and its gradient */
    m->ops->untransform(m, uf, c->theta);
    bad = loglik_of(c, c->theta, &ll, c->g_e) || !isfinite(ll);
    for (int j = 0; j < k && !bad; j++) { /* chain rule through d theta / d u */
      double tp[HC_MAX_PARAMS], tm[HC_MAX_PARAMS], h = 1e-6 * (1.0 + fabs(uf[j])), s = 0.0;
      untransform_pm(m, uf, j, h, tp, tm);
      for (int i = 0; i < m->n_params; i++) s += c->g_e[i] * (tp[i] - tm[i]) / (2.0 * h);
      c->gf_e[j] = -s / c->n;
    }
  } else {
    bad = eval_u(c, uf, &ll);
    for (int j = 0; j < k && !bad; j++) {
      double h = 1e-5 * (1.0 + fabs(uf[j])), keep = uf[j], lp, lm;
      uf[j]    = keep + h;
      int bp   = eval_u(c, uf, &lp);
      uf[j]    = keep - h;
      int bm   = eval_u(c, uf, &lm);
      uf[j]    = keep;
      c->gf_e[j] = (bp || bm) ? 0.0 : -(lp - lm) / (2.0 * h * c->n);
    }
    m->ops->untransform(m, uf, c->theta);
  }
  for (int j = 0; j < k && !bad; j++) bad = !isfinite(c->gf_e[j]);
  memcpy(c->u_e, u, (size_t)k * sizeof *u);
  memcpy(c->theta_e, c->theta, sizeof c->theta);
  c->ll_e   = ll;
  c->bad_e  = bad;
  c->have_e = 1;
  return bad;
}

/* f(u) = -ll/n and its gradient: with an analytic Hessian from the second-order evaluation
 * (kept for the Hessian callback), else from the first-order one; both cached, so that the
 * evaluations of hc_fit at the start and at the solution are the solver's. */
static PetscErrorCode objective(Tao tao, Vec X, PetscReal *f, Vec G, void *ptr)
{
  fit_ctx           *c = ptr;
  const PetscScalar *x;
  PetscScalar       *g;
  const int          k = c->k;
  double             u[HC_MAX_PARAMS], ll;
  const double      *gf;
  int                bad;

  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  for (int i = 0; i < k; i++) u[i] = x[i];
  PetscCall(VecRestoreArrayRead(X, &x));
  if (c->analytic_hessian) {
    bad = cached_at(c, u) ? c->bad_c : second_order_u(c, u);
    ll  = c->ll_c;
    gf  = c->gf_c;
  } else {
    bad = cached_first_at(c, u) ? c->bad_e : first_order_u(c, u);
    ll  = c->ll_e;
    gf  = c->gf_e;
  }
  /* A point where the likelihood or its gradient is not finite is a wall for the line
   * search (a large objective, zero gradient), never a NaN handed to TAO, which would stop
   * the program: a numerical failure of one fit must stay a status of that fit. */
  for (int j = 0; j < k && !bad; j++) bad = !isfinite(gf[j]);
  PetscCall(VecGetArray(G, &g));
  for (int j = 0; j < k; j++) g[j] = bad ? 0.0 : gf[j];
  PetscCall(VecRestoreArray(G, &g));
  *f = bad ? HC_F_BAD : -ll / c->n;
  PetscFunctionReturn(0);
}

/* TAO Hessian callback of the Newton path: the Hessian of f in u, from the evaluation cached
 * by objective at the same point (recomputed otherwise); with the CSS Hessian, that Hessian
 * and the exact gradient of the first-order cache, chained by chain_u. The identity where the
 * likelihood or the Hessian cannot be evaluated. */
static PetscErrorCode hessian_u(Tao tao, Vec X, Mat Hm, Mat Hp, void *ptr)
{
  fit_ctx           *c = ptr;
  const int          k = c->k;
  const PetscScalar *x;
  PetscScalar       *a;
  double             u[HC_MAX_PARAMS];

  PetscFunctionBeginUser;
  (void)tao;
  (void)Hp;
  PetscCall(VecGetArrayRead(X, &x));
  for (int i = 0; i < k; i++) u[i] = x[i];
  PetscCall(VecRestoreArrayRead(X, &x));
  const double *Hf = c->Hf_c;
  int           bad;
  if (c->css_hessian) {
    double H[HC_MAX_PARAMS * HC_MAX_PARAMS];
    bad = cached_first_at(c, u) ? c->bad_e : first_order_u(c, u);
    bad = bad || c->m->ops->newton_hessian(c->m, c->theta_e, c->y, c->n, H) || chain_u(c->m, c->n, u, c->theta_e, c->g_e, H, c->Hf_c, NULL);
  } else {
    if (!cached_at(c, u)) second_order_u(c, u);
    bad = c->bad_c;
  }
  PetscCall(MatDenseGetArrayWrite(Hm, &a));
  for (int i = 0; i < k * k; i++) a[i] = bad ? (i % (k + 1) == 0) : Hf[i]; /* symmetric: layout-free */
  PetscCall(MatDenseRestoreArrayWrite(Hm, &a));
  PetscCall(MatAssemblyBegin(Hm, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(Hm, MAT_FINAL_ASSEMBLY));
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

/* Hessian of the log-likelihood in natural coordinates (row-major k x k) at th, whose
 * log-likelihood is ll0 and gradient g: by central differences of the gradient when it is
 * analytic, else by second differences of loglik. The row of a parameter whose curvature is a
 * closed form in g (ops->curvature, e.g. a profiled innovation variance) needs no differences of
 * its own: its other entries are those of its column, by symmetry. */
static int hessian_theta(hc_model *m, const double *y, int n, const double *th, double ll0, const double *g, double *H)
{
  const int k = m->n_params;
  double    t[HC_MAX_PARAMS], h[HC_MAX_PARAMS];
  memcpy(t, th, sizeof t);
  for (int i = 0; i < k; i++) h[i] = (m->ops->has_gradient ? 1e-5 : 1e-4) * (fabs(th[i]) + 0.1);
  if (m->ops->has_gradient) {
    double    gp[HC_MAX_PARAMS], gm[HC_MAX_PARAMS], hvv = 0.0;
    const int iv = m->ops->curvature ? m->ops->curvature(m, th, g, n, &hvv) : -1;
    for (int i = 0; i < k; i++) {
      if (i == iv) continue;
      t[i] = th[i] + h[i];
      if (grad_theta(m, y, n, t, gp)) return 1;
      t[i] = th[i] - h[i];
      if (grad_theta(m, y, n, t, gm)) return 1;
      t[i] = th[i];
      for (int j = 0; j < k; j++) H[i * k + j] = (gp[j] - gm[j]) / (2.0 * h[i]);
    }
    if (iv >= 0) {
      for (int j = 0; j < k; j++) H[iv * k + j] = H[j * k + iv];
      H[iv * k + iv] = hvv;
    }
    for (int i = 0; i < k; i++)
      for (int j = 0; j < i; j++) H[i * k + j] = H[j * k + i] = 0.5 * (H[i * k + j] + H[j * k + i]);
    return 0;
  }
  double f0 = ll0, fpp, fpm, fmp, fmm;
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

/* Log-likelihood, gradient and Hessian in natural coordinates at theta: analytic in one pass,
 * or the gradient (analytic or differenced) and the Hessian by differences. Returns 0 on success. */
static int second_order_theta(hc_model *m, int analytic, const double *y, int n, const double *th, double *ll, double *g,
                              double *H)
{
  if (analytic) return m->ops->hessian(m, th, y, n, ll, g, H) != 0 || !isfinite(*ll);
  return m->ops->loglik(m, th, y, n, ll, NULL) || grad_theta(m, y, n, th, g) || hessian_theta(m, y, n, th, *ll, g, H);
}

/* (-H)^{-1} of the k x k matrix H into Hinv. Returns 0 on success. */
static int neg_inverse(int k, const double *H, double *Hinv)
{
  for (int i = 0; i < k * k; i++) Hinv[i] = -H[i];
  return invert(k, Hinv);
}

/* Newton polish of theta on the full log-likelihood. With the analytic Hessian, Newton's
 * method proper (a Hessian per step, from the same pass as the likelihood of the step), ending
 * with a step of decrement below 1e-8 (~1e-4 standard errors) that is checked by its likelihood
 * alone and keeps the Hessian of the point it starts from; else a chord method with the
 * finite-difference Hessian of the starting point (linear convergence with a tiny rate at the
 * end of a quasi-Newton run), recomputed at the final point only if the first Newton decrement
 * exceeded 1e-6 (a step of more than ~1e-3 standard errors).
 * g0, H0: gradient and Hessian at theta if already known (else NULL; H0 only with g0). On return Hinv holds
 * (-H)^{-1} at theta (the asymptotic covariance). Returns 0 if the Hessian could be computed and inverted. */
static int polish(hc_model *m, int analytic, const double *y, int n, const double *g0, const double *H0, double *theta,
                  double *ll, double *Hinv)
{
  const int k = m->n_params;
  double    g[HC_MAX_PARAMS], H[HC_MAX_PARAMS * HC_MAX_PARAMS], cand[HC_MAX_PARAMS], llc, dec0 = INFINITY;
  int       moved = 0;
  if (g0) memcpy(g, g0, (size_t)k * sizeof *g);
  if (H0) memcpy(H, H0, (size_t)k * k * sizeof *H);
  else if (g0 ? hessian_theta(m, y, n, theta, *ll, g, H) : second_order_theta(m, analytic, y, n, theta, &llc, g, H)) return 1;
  if (neg_inverse(k, H, Hinv)) return 1;
  for (int it = 0; it < 8; it++) {
    double dec = 0.0;
    for (int i = 0; i < k; i++) {
      double s = 0.0;
      for (int j = 0; j < k; j++) s += Hinv[i * k + j] * g[j];
      cand[i] = theta[i] + s;
      dec += g[i] * s;
    }
    if (it == 0) dec0 = dec;
    if (!(dec > 1e-12) || !(dec < 1.0)) break; /* converged, or too far for a local step */
    /* a step of less than ~1e-4 standard errors is the last one: it needs the likelihood only,
     * and the Hessian of theta serves as that of the candidate */
    double gc[HC_MAX_PARAMS];
    int    last = dec < 1e-8 || !analytic;
    if (last ? m->ops->loglik(m, cand, y, n, &llc, NULL) : second_order_theta(m, 1, y, n, cand, &llc, gc, H)) break;
    /* Near the optimum the quadratic model is more reliable than a comparison of two
     * likelihoods that differ by less than their summation round-off: accept a tiny step
     * within that round-off, a larger one only if the likelihood increases. */
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
    if (analytic && last) break;
    if (analytic) {
      memcpy(g, gc, (size_t)k * sizeof *g);
      if (neg_inverse(k, H, Hinv)) return 1;
    } else if (grad_theta(m, y, n, theta, g)) {
      break;
    }
  }
  if (analytic || !moved || !(dec0 > 1e-6)) return 0;
  return hessian_theta(m, y, n, theta, *ll, g, H) || neg_inverse(k, H, Hinv);
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

/* A new start when the solution u of f (analytic Hessian path) is not a local minimum:
 * 1. a saddle of the likelihood, such as an ARMA mean on its ridge of cancelling AR and MA
 *    roots: v the eigenvector of the most negative eigenvalue of the Hessian of f at u (LAPACK
 *    dsyev), if that eigenvalue is below -1e-6 times the largest in magnitude; the point of
 *    lowest f among u + s v, s = +-0.25, +-0.5, +-1, +-2, when it is lower than f(u)
 *    (Nocedal & Wright 2006 sec. 4.3, directions of negative curvature);
 * 2. else a coordinate stuck where untransform saturates (e.g. a GJR gamma driven to 1e-7 by
 *    an early Newton step: its gradient in u vanishes although d loglik / d gamma is large):
 *    |d theta / d u_j| below 1e-3 times its value at the start's u0_j while f decreases
 *    towards u0_j; those coordinates are reset to u0 (u0 = NULL: no check).
 * Returns 1 if u_new was set. */
static int escape_point(fit_ctx *c, const double *u, const double *u0, double *u_new)
{
  hc_model    *m = c->m;
  const int    k = c->k;
  PetscBLASInt nn = k, info = 0, lwork = 3 * HC_MAX_PARAMS * HC_MAX_PARAMS;
  double       A[HC_MAX_PARAMS * HC_MAX_PARAMS], ev[HC_MAX_PARAMS], work[3 * HC_MAX_PARAMS * HC_MAX_PARAMS];
  if (!cached_at(c, u)) second_order_u(c, u);
  if (c->bad_c) return 0;
  const double f0 = -c->ll_c / c->n;
  double       fbest = f0, g[HC_MAX_PARAMS];
  memcpy(g, c->g_c, sizeof g);
  memcpy(A, c->Hf_c, (size_t)k * k * sizeof *A);
  LAPACKsyev_("V", "U", &nn, A, &nn, ev, work, &lwork, &info); /* ascending; vectors in columns */
  if (!info && ev[0] < -1e-6 * fmax(fabs(ev[0]), fabs(ev[k - 1]))) {
    for (int i = 0; i < 8; i++) {
      const double s = (i % 2 ? -1.0 : 1.0) * 0.25 * (double)(1 << (i / 2));
      double       ut[HC_MAX_PARAMS], th[HC_MAX_PARAMS], ll;
      for (int j = 0; j < k; j++) ut[j] = u[j] + s * A[j];
      m->ops->untransform(m, ut, th);
      if (m->ops->loglik(m, th, c->y, c->n, &ll, NULL) || !isfinite(ll) || !(-ll / c->n < fbest)) continue;
      fbest = -ll / c->n;
      memcpy(u_new, ut, (size_t)k * sizeof *ut);
    }
    if (fbest < f0) return 1;
  }
  int stuck = 0;
  memcpy(u_new, u, (size_t)k * sizeof *u);
  for (int j = 0; u0 && j < k; j++) {
    double ut[HC_MAX_PARAMS], tp[HC_MAX_PARAMS], tm[HC_MAX_PARAMS], d = 0.0, n1 = 0.0, n0 = 0.0, h = 1e-4;
    memcpy(ut, u, (size_t)k * sizeof *u);
    for (int pass = 0; pass < 2; pass++) { /* |d theta / d u_j| at u_j, then at u0_j */
      double keep = ut[j], nrm = 0.0;
      ut[j] = keep + h;
      m->ops->untransform(m, ut, tp);
      ut[j] = keep - h;
      m->ops->untransform(m, ut, tm);
      for (int i = 0; i < k; i++) {
        double dt = (tp[i] - tm[i]) / (2.0 * h);
        nrm += dt * dt;
        if (!pass) d += g[i] * dt; /* d loglik / d u_j */
      }
      if (pass) n0 = sqrt(nrm);
      else n1 = sqrt(nrm);
      ut[j] = u0[j];
    }
    if (n1 < 1e-3 * n0 && d * (u0[j] - u[j]) > 0.0) {
      u_new[j] = u0[j];
      stuck    = 1;
    }
  }
  return stuck;
}

/* One TAO solve from u (k values, in the solution vector x): on return u holds the
 * solution, *ll its log-likelihood (-INFINITY if the start or the solution is inadmissible),
 * *reason and *its TAO's converged reason and iteration count. */
static PetscErrorCode solve_from(Tao tao, Vec x, fit_ctx *c, double *u, double *ll, int *reason, int *its)
{
  PetscScalar       *xa;
  const PetscScalar *xs;
  TaoConvergedReason r;
  PetscInt           it;

  PetscFunctionBeginUser;
  *ll = -INFINITY;
  if (!c->analytic_hessian && !cached_first_at(c, u)) first_order_u(c, u); /* TAO's first evaluation */
  if (eval_u(c, u, ll)) { /* inadmissible start */
    *ll = -INFINITY;
    PetscFunctionReturn(0);
  }
  PetscCall(VecGetArray(x, &xa));
  for (int i = 0; i < c->k; i++) xa[i] = u[i];
  PetscCall(VecRestoreArray(x, &xa));
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetConvergedReason(tao, &r));
  PetscCall(TaoGetIterationNumber(tao, &it));
  PetscCall(VecGetArrayRead(x, &xs));
  for (int i = 0; i < c->k; i++) u[i] = xs[i];
  PetscCall(VecRestoreArrayRead(x, &xs));
  *reason = (int)r;
  *its    = (int)it;
  if (eval_u(c, u, ll)) *ll = -INFINITY;
  PetscFunctionReturn(0);
}

/* The fitter's TAO solvers, kept across fits in a workspace (hc_fit_workspace_create):
 * creating, setting up and destroying a solver costs about as much as the optimisation of a
 * short series. One solver per method (Newton or LMVM) and parameter count, holding its solution
 * vector (and the Newton Hessian matrix). TaoSolve resets its statistics and line search and the
 * methods their state (LMVM its quasi-Newton matrix, Newton its Hessian and step length) at the
 * start of each solve, and hc_fit sets the callbacks, tolerances and start of each fit, so that a
 * fit never depends on the fits before it. Without a workspace each fit has its own solver. */
typedef struct {
  Tao       tao;
  PetscBool user_gatol, user_max_it; /* -fit_tao_gatol, -fit_tao_max_it given: they win over hc_fit_options */
} fit_solver;

struct hc_fit_workspace {
  fit_solver solver[2][HC_MAX_PARAMS + 1]; /* [Newton][k] */
  long       n_fits;                       /* hc_fit calls made with it */
};

long hc_fit_workspace_fits(const hc_fit_workspace *ws) { return ws ? ws->n_fits : 0; }

PetscErrorCode hc_fit_workspace_create(hc_fit_workspace **ws)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(ws));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_fit_workspace_destroy(hc_fit_workspace **ws)
{
  PetscFunctionBeginUser;
  if (!*ws) PetscFunctionReturn(0);
  for (int a = 0; a < 2; a++)
    for (int k = 0; k <= HC_MAX_PARAMS; k++) PetscCall(TaoDestroy(&(*ws)->solver[a][k].tao));
  PetscCall(PetscFree(*ws));
  PetscFunctionReturn(0);
}

/* *flg = 1 if the options database holds an option of the fitter's solver (prefix -fit_tao_,
 * -fit_ksp_, -fit_pc_) or -help: only then is TaoSetFromOptions worth calling. */
static PetscErrorCode solver_options_given(PetscBool *flg)
{
  char *all;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  *flg = strstr(all, "-fit_tao_") || strstr(all, "-fit_ksp_") || strstr(all, "-fit_pc_") || strstr(all, "-help") ? PETSC_TRUE
                                                                                                                   : PETSC_FALSE;
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

/* The solver of a fit with k parameters (newton: TAONLS on the analytic Hessian, else TAOLMVM):
 * the workspace's, created on first use, or (ws NULL) *own, which the caller destroys; the -fit_
 * options are read when it is created. */
static PetscErrorCode solver_get(hc_fit_workspace *ws, int newton, int k, fit_solver *own, fit_solver **out)
{
  fit_solver *s = ws ? &ws->solver[newton != 0][k] : own;
  Vec         x;

  PetscFunctionBeginUser;
  if (!ws) memset(own, 0, sizeof *own);
  *out = s;
  if (s->tao) PetscFunctionReturn(0);
  PetscCall(TaoCreate(PETSC_COMM_SELF, &s->tao));
  PetscCall(TaoSetType(s->tao, newton ? TAONLS : TAOLMVM));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, k, &x));
  PetscCall(TaoSetSolution(s->tao, x));
  PetscCall(VecDestroy(&x)); /* the solver's reference remains */
  if (newton) { /* unpreconditioned CG on the small dense Newton system: it needs at most k
                   iterations, and unlike an (exact) LU preconditioner it cannot fail on a
                   singular or indefinite Hessian (a zero pivot would be a PETSc error, not a
                   numerical outcome); TAONLS then falls back to a gradient step, as its
                   documentation describes */
    KSP ksp;
    PC  pc;
    Mat H;
    PetscCall(TaoGetKSP(s->tao, &ksp));
    PetscCall(KSPSetType(ksp, KSPCG));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCNONE));
    PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, k, k, NULL, &H));
    PetscCall(TaoSetHessian(s->tao, H, H, hessian_u, NULL));
    PetscCall(MatDestroy(&H));
  }
  PetscCall(TaoSetTolerances(s->tao, PETSC_DEFAULT, 0.0, 0.0)); /* gatol: per fit */
  PetscCall(TaoSetOptionsPrefix(s->tao, "fit_"));
  PetscBool from_options = PETSC_FALSE;
  PetscCall(solver_options_given(&from_options));
  if (from_options) {
    PetscCall(TaoSetFromOptions(s->tao));
    PetscCall(PetscOptionsHasName(NULL, "fit_", "-tao_gatol", &s->user_gatol));
    PetscCall(PetscOptionsHasName(NULL, "fit_", "-tao_max_it", &s->user_max_it));
  }
  PetscFunctionReturn(0);
}

/* The solvers of one fit: the main one (Newton or LMVM), and LMVM to continue a Newton solve on
 * the CSS Hessian that has not converged (made when first needed). */
typedef struct {
  hc_fit_workspace     *ws;
  const hc_fit_options *opt;
  fit_ctx              *ctx;
  fit_solver           *sv, own, *sv_lm, own_lm;
  Tao                   tao, tao_lm;
  Vec                   x, x_lm;
  int                   max_it; /* the main solver's iteration cap of a full solve */
} fit_solvers;

/* Solve from u (in: start, out: end point) with the main solver capped at max_it iterations;
 * a Newton solve on the CSS Hessian that ends unconverged is continued by LMVM when allow_lm. */
static PetscErrorCode run_start(fit_solvers *F, double *u, int max_it, int allow_lm, double *ll, int *reason, int *its)
{
  fit_ctx *ctx = F->ctx;
  double   u0[HC_MAX_PARAMS];
  PetscFunctionBeginUser;
  memcpy(u0, u, sizeof u0);
  if (!F->sv->user_max_it) PetscCall(TaoSetMaximumIterations(F->tao, max_it));
  PetscCall(solve_from(F->tao, F->x, ctx, u, ll, reason, its));
  if (ctx->css_hessian && *reason <= 0 && allow_lm) {
    int its_lm;
    if (!F->tao_lm) {
      PetscCall(solver_get(F->ws, 0, ctx->k, &F->own_lm, &F->sv_lm));
      F->tao_lm = F->sv_lm->tao;
      PetscCall(TaoGetSolution(F->tao_lm, &F->x_lm));
      PetscCall(TaoSetObjectiveAndGradient(F->tao_lm, NULL, objective, ctx));
      if (!F->sv_lm->user_gatol) PetscCall(TaoSetTolerances(F->tao_lm, F->opt->gatol, PETSC_DEFAULT, PETSC_DEFAULT));
      if (!F->sv_lm->user_max_it) PetscCall(TaoSetMaximumIterations(F->tao_lm, F->opt->max_it));
    }
    if (!isfinite(*ll)) memcpy(u, u0, sizeof u0);
    PetscCall(solve_from(F->tao_lm, F->x_lm, ctx, u, ll, reason, &its_lm));
    *its += its_lm;
  }
  PetscFunctionReturn(0);
}

/* The best of one solve per start st[0..ns-1] into *best (ll, u, theta, reason, iterations).
 * With opt->screen_its > 0 and more than opt->screen_keep starts, each start first runs at most
 * screen_its iterations; the screen_keep best by the log-likelihood where they stopped are kept,
 * and those of them not converged by then continue to convergence from where they stopped. */
typedef struct {
  double ll, u[HC_MAX_PARAMS], theta[HC_MAX_PARAMS];
  int    reason, its;
} fit_best;

static void best_update(const fit_ctx *ctx, fit_best *b, double ll, const double *u, int reason, int its)
{
  if (!(ll > b->ll + 1e-9 * fabs(ll))) return;
  b->ll = ll;
  memcpy(b->theta, ctx->theta, sizeof b->theta);
  memcpy(b->u, u, sizeof b->u);
  b->reason = reason;
  b->its    = its;
}

/* 1 if start s of st equals an earlier one to rounding (1e-12 relative in each coordinate; e.g. the
 * family's own start of a GARCH model on a constant mean and the start from the mean's fit, which
 * differ in the last bit of omega): its solve would repeat that start's. */
static int same_start(int k, double (*st)[HC_MAX_PARAMS], int s)
{
  for (int j = 0; j < s; j++) {
    int i = 0;
    while (i < k && fabs(st[j][i] - st[s][i]) <= 1e-12 * fmax(fabs(st[j][i]), fabs(st[s][i]))) i++;
    if (i == k) return 1;
  }
  return 0;
}

static PetscErrorCode run_starts(fit_solvers *F, int ns, double (*st)[HC_MAX_PARAMS], fit_best *best)
{
  const hc_model       *m   = F->ctx->m;
  const hc_fit_options *opt = F->opt;
  double                u[16][HC_MAX_PARAMS], ll[16];
  int                   reason[16], its[16];
  const int             screen = opt->screen_its > 0 && ns > opt->screen_keep && !F->sv->user_max_it;
  PetscFunctionBeginUser;
  for (int s = 0; s < ns; s++) {
    if (same_start(F->ctx->k, st, s)) {
      ll[s] = -INFINITY, reason[s] = its[s] = 0;
      continue;
    }
    m->ops->transform(m, st[s], u[s]);
    PetscCall(run_start(F, u[s], screen ? opt->screen_its : F->max_it, !screen, &ll[s], &reason[s], &its[s]));
    if (!screen || reason[s] > 0) best_update(F->ctx, best, ll[s], u[s], reason[s], its[s]);
  }
  if (!screen) PetscFunctionReturn(0);
  /* the screen_keep best starts by the log-likelihood where they stopped (converged or not):
   * those not converged continue to convergence */
  int done[16] = {0};
  for (int kept = 0; kept < opt->screen_keep; kept++) {
    int top = -1;
    for (int s = 0; s < ns; s++)
      if (!done[s] && isfinite(ll[s]) && (top < 0 || ll[s] > ll[top])) top = s;
    if (top < 0) break;
    done[top] = 1;
    if (reason[top] > 0) continue;
    int its2;
    PetscCall(run_start(F, u[top], F->max_it, 1, &ll[top], &reason[top], &its2));
    best_update(F->ctx, best, ll[top], u[top], reason[top], its[top] + its2);
  }
  PetscFunctionReturn(0);
}

/* 1 if the screen on the conditional likelihood serves the fit of F with ns starts. */
static int screens_conditional(const fit_solvers *F, int ns)
{
  return F->opt->screen_css && F->ctx->css_hessian && F->ctx->m->ops->conditional_loglik && ns > F->opt->screen_keep &&
         !F->sv->user_max_it;
}

/* The best of the starts st[0..ns-1] into *best, screened on the conditional likelihood (Fitter 5
 * of docs/models.md): Newton's method on it from every start, on its exact Hessian (newton_hessian:
 * quadratic convergence, each iteration one conditional pass and one Hessian); the end points are
 * ranked by the exact log-likelihood there, an end point within HC_SCREEN_SAME of one ranked higher
 * (or of the same exact log-likelihood within HC_SCREEN_SAME_LL: the points of a flat ridge) is the
 * same optimum and dropped, and the exact solve runs from the opt->screen_keep best others. The
 * conditional and exact likelihoods differ by the effect of the first observations, so their
 * optima are O(1/n) apart and the exact solve from a conditional optimum is a few iterations. If
 * no end point has a finite exact likelihood, every start is solved on the exact likelihood. */
#define HC_SCREEN_SAME 1e-3 /* end points this close (max norm of u_a - u_b) are the same optimum, */
#define HC_SCREEN_SAME_LL 1e-5 /* and so are end points of exact log-likelihoods this close (a flat ridge) */
static PetscErrorCode run_starts_screened(fit_solvers *F, int ns, double (*st)[HC_MAX_PARAMS], fit_best *best)
{
  fit_ctx  *c = F->ctx;
  hc_model *m = c->m;
  double    u[16][HC_MAX_PARAMS], ll[16], lle[16];
  int       reason[16], its[16], done[16] = {0}, kept[16], n_kept = 0;
  PetscFunctionBeginUser;
  c->conditional = 1;
  c->have_e = c->have_c = 0; /* the caches hold the other likelihood */
  for (int s = 0; s < ns; s++) {
    m->ops->transform(m, st[s], u[s]);
    if ((done[s] = same_start(c->k, st, s))) continue;
    PetscCall(run_start(F, u[s], F->max_it, 0, &ll[s], &reason[s], &its[s]));
  }
  c->conditional = 0;
  c->have_e = c->have_c = 0;
  for (int s = 0; s < ns; s++)
    if (done[s] || eval_u(c, u[s], &lle[s])) lle[s] = -INFINITY;
  while (n_kept < F->opt->screen_keep) {
    int top = -1;
    for (int s = 0; s < ns; s++)
      if (!done[s] && isfinite(lle[s]) && (top < 0 || lle[s] > lle[top])) top = s;
    if (top < 0) break;
    done[top]   = 1;
    int same    = 0;
    for (int i = 0; i < n_kept && !same; i++) {
      double d = 0.0;
      for (int j = 0; j < c->k; j++) d = fmax(d, fabs(u[top][j] - u[kept[i]][j]));
      same = d < HC_SCREEN_SAME || fabs(lle[top] - lle[kept[i]]) < HC_SCREEN_SAME_LL;
    }
    if (same) continue;
    kept[n_kept++] = top;
    int its2;
    PetscCall(run_start(F, u[top], F->max_it, 1, &ll[top], &reason[top], &its2));
    best_update(c, best, ll[top], u[top], reason[top], its[top] + its2);
  }
  if (!n_kept) PetscCall(run_starts(F, ns, st, best));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_fit(hc_model *m, const double *y, int n, const hc_fit_options *opt, hc_fit_workspace *ws, int n_starts,
                      const double *starts, hc_fit_record *rec)
{
  const int k = m->n_params;
  double    st[16][HC_MAX_PARAMS];
  int       ns = 0;
  const unsigned caps = m->ops->capabilities ? m->ops->capabilities(m) : 0u;
  fit_ctx   ctx = {.m = m, .y = y, .n = n, .k = k, .analytic_hessian = m->ops->hessian && (caps & HC_CAP_HESSIAN),
                   .css_hessian = !(m->ops->hessian && (caps & HC_CAP_HESSIAN)) && m->ops->newton_hessian && (caps & HC_CAP_NEWTON_HESSIAN)};
  fit_best  best = {.ll = -INFINITY};

  PetscFunctionBeginUser;
  if (ws) ws->n_fits++;
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

  if (m->ops->prepare && m->ops->prepare(m, y, n)) {
    rec->status = HC_STATUS_FAILED;
    snprintf(rec->reason, sizeof rec->reason, "the %s decomposition of %d observations failed", m->ops->family, n);
    PetscFunctionReturn(0);
  }
  /* start list: caller's starts, the family's own start, then random perturbations */
  for (int s = 0; s < n_starts && ns < 16; s++) memcpy(st[ns++], starts + (size_t)s * k, (size_t)k * sizeof(double));
  const int n_caller = ns;
  if (!opt->own_given && ns < 16 && !m->ops->start(m, y, n, st[ns])) ns++;
  int n_base = ns;
  if (k > 1) {
    /* perturbations of the last base start in u-space (coordinate 0, the level, is kept) */
    unsigned long long seed = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)(k * 131 + m->spec.p * 17 + m->spec.q);
    for (int r = 0; r < opt->n_random && ns < 16 && n_base > 0; r++, ns++) {
      double u[HC_MAX_PARAMS];
      m->ops->transform(m, st[n_base - 1], u);
      for (int i = 1; i < k; i++) u[i] += 0.5 * gauss(&seed);
      m->ops->untransform(m, u, st[ns]);
    }
  }
  if (!ns) {
    rec->status = HC_STATUS_FAILED;
    hc_strlcpy(rec->reason, "no start value", sizeof rec->reason);
    PetscFunctionReturn(0);
  }

  /* one solver for all starts: Newton with the analytic or CSS Hessian, else limited-memory BFGS */
  fit_solvers F = {.ws = ws, .opt = opt, .ctx = &ctx};
  PetscCall(solver_get(ws, ctx.analytic_hessian || ctx.css_hessian, k, &F.own, &F.sv));
  F.tao = F.sv->tao;
  PetscCall(TaoGetSolution(F.tao, &F.x));
  PetscCall(TaoSetObjectiveAndGradient(F.tao, NULL, objective, &ctx));
  if (ctx.analytic_hessian || ctx.css_hessian) {
    Mat H;
    PetscCall(TaoGetHessian(F.tao, &H, NULL, NULL, NULL));
    PetscCall(TaoSetHessian(F.tao, H, H, hessian_u, &ctx));
  }
  if (!F.sv->user_gatol) PetscCall(TaoSetTolerances(F.tao, opt->gatol, PETSC_DEFAULT, PETSC_DEFAULT));
  /* the CSS Hessian is a poor model of the exact likelihood where an MA root approaches the unit
   * circle (the CSS residuals then never forget their zero presample values): a Newton solve on it
   * that has not converged within HC_CSS_NEWTON_MAX_IT iterations is continued by limited-memory
   * BFGS from where it stopped (the solver of the other families) */
  F.max_it = ctx.css_hessian && opt->max_it > HC_CSS_NEWTON_MAX_IT ? HC_CSS_NEWTON_MAX_IT : opt->max_it;
  if (opt->warm && n_caller > 0 && n_caller < ns) {
    /* a warm start alone, checked against the family's own start: the rest of the start list
     * only when the warm fit fails, stops unconverged, or ends below the log-likelihood of the
     * family's own start before any optimisation (then it has left the maximum's basin) */
    double ll_own;
    PetscCall(run_starts(&F, n_caller, st, &best));
    if (m->ops->loglik(m, st[n_caller], y, n, &ll_own, NULL) || !isfinite(ll_own)) ll_own = -INFINITY;
    if (!isfinite(best.ll) || best.reason <= 0 || best.ll < ll_own) PetscCall(run_starts(&F, ns - n_caller, st + n_caller, &best));
  } else if (screens_conditional(&F, ns)) PetscCall(run_starts_screened(&F, ns, st, &best));
  else PetscCall(run_starts(&F, ns, st, &best));
  /* Newton's method converges to saddle points as readily as to maxima, and its long early
   * steps can push a coefficient where its transform saturates: restart from escape_point
   * (at most twice), relative to the family's own start */
  double u0[HC_MAX_PARAMS];
  if (n_base > 0) m->ops->transform(m, st[n_base - 1], u0);
  if (!F.sv->user_max_it) PetscCall(TaoSetMaximumIterations(F.tao, F.max_it));
  for (int esc = 0; esc < 2 && ctx.analytic_hessian && isfinite(best.ll); esc++) {
    double u[HC_MAX_PARAMS], ll;
    int    reason, its;
    if (!escape_point(&ctx, best.u, n_base > 0 ? u0 : NULL, u)) break;
    PetscCall(solve_from(F.tao, F.x, &ctx, u, &ll, &reason, &its));
    if (!(ll > best.ll + 1e-9 * fabs(ll))) break;
    best_update(&ctx, &best, ll, u, reason, its);
  }
  if (!ws) {
    PetscCall(TaoDestroy(&F.own.tao));
    if (F.tao_lm) PetscCall(TaoDestroy(&F.own_lm.tao));
  }
  if (!isfinite(best.ll)) {
    rec->status = HC_STATUS_FAILED;
    hc_strlcpy(rec->reason, "likelihood not finite at any start", sizeof rec->reason);
    PetscFunctionReturn(0);
  }
  double ll_full = best.ll, cov[HC_MAX_PARAMS * HC_MAX_PARAMS];
  /* the last evaluation of the solver is reused when it is at best.theta: the gradient and
   * Hessian of the Newton path, the analytic gradient of the others */
  int cached   = ctx.analytic_hessian && ctx.have_c && !ctx.bad_c && !memcmp(ctx.theta_c, best.theta, (size_t)k * sizeof(double));
  int cached_g = !ctx.analytic_hessian && m->ops->has_gradient && ctx.have_e && !ctx.bad_e &&
                 !memcmp(ctx.theta_e, best.theta, (size_t)k * sizeof(double));
  int have_cov = opt->compute_stderr && !polish(m, ctx.analytic_hessian, y, n, cached ? ctx.g_c : cached_g ? ctx.g_e : NULL,
                                                 cached ? ctx.H_c : NULL, best.theta, &ll_full, cov);
  if (have_cov && opt->stderr_type != HC_STDERR_HESSIAN) PetscCall(score_covariance(m, y, n, best.theta, opt->stderr_type, cov, &have_cov));
  if (m->ops->vol_summary) {
    m->ops->vol_summary(m, best.theta, &rec->persistence, &rec->uncond_var);
    if (rec->persistence > 0 && rec->persistence < 1) rec->half_life = log(0.5) / log(rec->persistence);
  }

  memcpy(rec->params, best.theta, (size_t)k * sizeof(double));
  rec->loglik     = ll_full;
  rec->aic        = -2.0 * ll_full + 2.0 * k;
  rec->bic        = -2.0 * ll_full + k * log((double)rec->n_obs_used);
  rec->tao_reason = best.reason;
  rec->iterations = best.its;
  /* TAO's word alone, so that converged and tao_reason never disagree: the polish's Newton
   * decrement is no certificate (negative where -H is indefinite, tiny at stalled points; fits
   * whose LMVM line search failed keep gradients far above gatol; docs/models.md, Fitter) */
  rec->converged  = best.reason > 0;
  for (int i = 0; i < k; i++) rec->stderr_[i] = have_cov && cov[i * k + i] > 0 ? sqrt(cov[i * k + i]) : NAN;
  PetscFunctionReturn(0);
}
