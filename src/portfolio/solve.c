/**
 * @file solve.c
 * @brief Portfolio construction by TAO: the minimum-variance and mean-variance books as a
 *        bound-constrained problem with a few linear constraints (TAOALMM over TAOBLMVM), the equal risk
 *        contribution book as a bound-constrained convex problem (TAOBQNLS).
 *
 * Variables of gmv and meanvar, four per asset (interleaved, block size 4): x = (b_p, s_p, b_n,
 * s_n), the buys and sells of the long part p = p0 + b_p - s_p and of the short part
 * n = n0 + b_n - s_n of w = p - n, with p0 and n0 the positive and negative parts of w_prev. The
 * per-name caps are bounds on x, and the budget, gross and sector limits are linear in x, so the
 * augmented Lagrangian's subproblems are bound-constrained; the turnover cost c 1'x is linear.
 * At a solution with c > 0 or a binding gross limit no asset buys and sells at once. With c = 0
 * the sells are fixed at 0 and a buy is the signed trade b = p - p0 (solve_almm).
 */
#include "hpcast/portfolio.h"

#include <math.h>
#include <petsctao.h>
#include <string.h>

const char *hc_port_method_name(hc_port_method m)
{
  static const char *name[] = {"none", "gmv", "meanvar", "riskparity"};
  return m >= HC_PORT_NONE && m <= HC_PORT_RISKPARITY ? name[m] : "?";
}

void hc_port_options_default(hc_port_options *o)
{
  *o = (hc_port_options){.method = HC_PORT_GMV, .long_only = 1, .max_weight = 0.05, .max_gross = 2.0, .max_sector_weight = 0.25,
                         .risk_aversion = 5.0, .cost_bps = 5.0, .horizon = 20};
}

/* The Jacobian of linear constraints A = At': a shell over the dense At [4N x m] with a scale
 * factor (TAO's PHR form flips the sign of the inequality Jacobian after each evaluation;
 * the evaluation resets it). */
typedef struct {
  Mat    At;
  Vec    xw, cw; /* [4N], [m] work */
  double scale;
} jac_ctx;

/* What the objective, the constraints and the report need. */
typedef struct {
  const hc_port_options *o;
  const hc_port_problem *pr;
  int                    nloc;
  Vec                    sd;         /* [N] sd where investable, else 0 */
  Vec                    inv;        /* [N] 0/1 */
  Vec                    p0, n0;     /* [N] parts of w_prev */
  Vec                    w, t, u;    /* [N] work */
  Vec                    m;          /* [N] h mu / 100 (meanvar) */
  Vec                    X0, xwork;  /* [4N] (p0, 0, n0, 0) and work */
  jac_ctx                je, ji;     /* the constraints' coefficients, transposed: [4N x me], [4N x mi] */
  Mat                    Ae, Ai;     /* the Jacobians (shells over je.At, ji.At) */
  Vec                    re, ri;     /* the constraints' constants */
  double                 scale;      /* the objective is divided by it (curvature of order 1) */
  double                 cost;       /* c / scale per unit traded */
  double                 rp_b;       /* riskparity: the budget 1/n of each asset */
  int                    evaluations;
} ctx;

/* u = S w = D R D w (D = diag(sd), 0 off the investable assets); t is work. */
static PetscErrorCode cov_mult(ctx *c, Vec w, Vec u)
{
  PetscFunctionBeginUser;
  PetscCall(VecPointwiseMult(c->t, c->sd, w));
  PetscCall(hc_cov_estimate_mult(c->pr->cov, c->t, u));
  PetscCall(VecPointwiseMult(u, c->sd, u));
  PetscFunctionReturn(0);
}

/* w = p0 - n0 + b_p - s_p - b_n + s_n from x. */
static PetscErrorCode weights_of(ctx *c, Vec x, Vec w)
{
  const PetscScalar *xa, *pa, *na;
  PetscScalar       *wa;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayRead(c->p0, &pa));
  PetscCall(VecGetArrayRead(c->n0, &na));
  PetscCall(VecGetArray(w, &wa));
  for (int i = 0; i < c->nloc; i++) wa[i] = pa[i] - na[i] + xa[4 * i] - xa[4 * i + 1] - xa[4 * i + 2] + xa[4 * i + 3];
  PetscCall(VecRestoreArray(w, &wa));
  PetscCall(VecRestoreArrayRead(c->n0, &na));
  PetscCall(VecRestoreArrayRead(c->p0, &pa));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscFunctionReturn(0);
}

/* gmv: f = w'Sw / (2 scale); meanvar: f = (-h m'w + lambda h / 2 w'Vw + c 1'x) / scale.
 * The gradient in w, gw, maps to x as (gw + c, -gw + c, -gw + c, gw + c). */
static PetscErrorCode objective(Tao tao, Vec x, PetscReal *f, Vec g, void *vc)
{
  ctx               *c = vc;
  const PetscScalar *ua;
  PetscScalar       *ga;
  double             quad, lin = 0.0, traded;
  (void)tao;
  PetscFunctionBeginUser;
  c->evaluations++;
  PetscCall(weights_of(c, x, c->w));
  PetscCall(cov_mult(c, c->w, c->u));
  PetscCall(VecDot(c->w, c->u, &quad));
  if (c->o->method == HC_PORT_GMV) {
    *f = 0.5 * quad / c->scale;
    PetscCall(VecScale(c->u, 1.0 / c->scale));
  } else {
    const double k = c->o->risk_aversion * c->o->horizon * 1e-4; /* lambda h, V = S / 1e4 */
    PetscCall(VecDot(c->m, c->w, &lin));
    PetscCall(VecSum(x, &traded)); /* the turnover's cost (gmv has none) */
    *f = (-lin + 0.5 * k * quad) / c->scale + c->cost * traded;
    PetscCall(VecAXPBY(c->u, -1.0 / c->scale, k / c->scale, c->m));
  }
  PetscCall(VecGetArrayRead(c->u, &ua));
  PetscCall(VecGetArray(g, &ga));
  for (int i = 0; i < c->nloc; i++) {
    ga[4 * i]     = ua[i] + c->cost;
    ga[4 * i + 1] = -ua[i] + c->cost;
    ga[4 * i + 2] = -ua[i] + c->cost;
    ga[4 * i + 3] = ua[i] + c->cost;
  }
  PetscCall(VecRestoreArray(g, &ga));
  PetscCall(VecRestoreArrayRead(c->u, &ua));
  PetscFunctionReturn(0);
}

/* Linear constraints c(x) = A (x + X0) + r (through At: the Jacobian shell may carry TAO's sign). */
static PetscErrorCode constraints(ctx *c, const jac_ctx *j, Vec r, Vec x, Vec out)
{
  PetscFunctionBeginUser;
  PetscCall(VecWAXPY(c->xwork, 1.0, x, c->X0));
  PetscCall(MatMultTranspose(j->At, c->xwork, out));
  PetscCall(VecAXPY(out, 1.0, r));
  PetscFunctionReturn(0);
}
static PetscErrorCode eq_constraints(Tao tao, Vec x, Vec ce, void *vc)
{
  (void)tao;
  return constraints(vc, &((ctx *)vc)->je, ((ctx *)vc)->re, x, ce);
}
static PetscErrorCode ineq_constraints(Tao tao, Vec x, Vec ci, void *vc)
{
  (void)tao;
  return constraints(vc, &((ctx *)vc)->ji, ((ctx *)vc)->ri, x, ci);
}
/* y = v + scale A x (v NULL: y = scale A x), or with A' (transpose): A = At', so A x is At' x. */
static PetscErrorCode jac_apply(Mat A, Vec x, Vec v, Vec y, PetscBool transpose)
{
  jac_ctx *j;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &j));
  Vec t = v ? (transpose ? j->xw : j->cw) : y;
  if (transpose) PetscCall(MatMult(j->At, x, t));
  else PetscCall(MatMultTranspose(j->At, x, t));
  if (!v) PetscCall(VecScale(y, j->scale));
  else {
    if (y != v) PetscCall(VecCopy(v, y));
    PetscCall(VecAXPY(y, j->scale, t));
  }
  PetscFunctionReturn(0);
}
static PetscErrorCode jac_mult(Mat A, Vec x, Vec y) { return jac_apply(A, x, NULL, y, PETSC_FALSE); }
static PetscErrorCode jac_mult_add(Mat A, Vec x, Vec v, Vec y) { return jac_apply(A, x, v, y, PETSC_FALSE); }
static PetscErrorCode jac_mult_transpose(Mat A, Vec c, Vec x) { return jac_apply(A, c, NULL, x, PETSC_TRUE); }
static PetscErrorCode jac_mult_transpose_add(Mat A, Vec c, Vec v, Vec x) { return jac_apply(A, c, v, x, PETSC_TRUE); }
static PetscErrorCode jac_scale(Mat A, PetscScalar a)
{
  jac_ctx *j;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &j));
  j->scale *= a;
  PetscFunctionReturn(0);
}
static PetscErrorCode jacobian(Tao tao, Vec x, Mat J, Mat Jpre, void *vc)
{
  jac_ctx *j;
  (void)tao, (void)x, (void)Jpre, (void)vc;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(J, &j));
  j->scale = 1.0; /* linear constraints: the Jacobian is constant */
  PetscFunctionReturn(0);
}

/* The rows of the linear constraints, as columns of At [4N x m] with constants r [m]:
 * kind 'w' rows a'x = sign * sum_{i in mask} w-part, kind 'g' the gross sum(p + n). */
typedef struct {
  char   kind;   /* 'w' or 'g' */
  double sign;   /* +1 or -1 */
  int    sector; /* -1: every asset, else the sector's assets */
  double r;      /* constant */
} row_def;

static PetscErrorCode build_rows(ctx *c, MPI_Comm comm, const row_def *def, int m, jac_ctx *j, Mat *A, Vec *r)
{
  Mat               *At = &j->At;
  PetscScalar       *a;
  const PetscScalar *sa = NULL;
  PetscInt           lda, rs, re;
  PetscFunctionBeginUser;
  PetscCall(MatCreateDense(comm, 4 * c->nloc, PETSC_DECIDE, PETSC_DETERMINE, m, NULL, At));
  PetscCall(MatDenseGetLDA(*At, &lda));
  PetscCall(MatDenseGetArray(*At, &a));
  if (c->pr->sector) PetscCall(VecGetArrayRead(c->pr->sector, &sa));
  for (int k = 0; k < m; k++)
    for (int i = 0; i < c->nloc; i++) {
      const int    in = def[k].sector < 0 || (sa && (int)lround(sa[i]) == def[k].sector);
      const double s  = in ? def[k].sign : 0.0;
      PetscScalar *col = a + (size_t)k * lda + 4 * i;
      if (def[k].kind == 'w') col[0] = s, col[1] = -s, col[2] = -s, col[3] = s;
      else col[0] = s, col[1] = -s, col[2] = s, col[3] = -s;
    }
  if (sa) PetscCall(VecRestoreArrayRead(c->pr->sector, &sa));
  PetscCall(MatDenseRestoreArray(*At, &a));
  PetscCall(MatAssemblyBegin(*At, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*At, MAT_FINAL_ASSEMBLY));
  PetscInt ml, Ml, nl, Nl;
  PetscCall(MatGetLocalSize(*At, &nl, &ml));
  PetscCall(MatGetSize(*At, &Nl, &Ml));
  j->scale = 1.0;
  PetscCall(MatCreateVecs(*At, r, &j->xw));
  PetscCall(VecDuplicate(*r, &j->cw));
  PetscCall(MatCreateShell(comm, ml, nl, Ml, Nl, j, A));
  PetscCall(MatShellSetManageScalingShifts(*A));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT, (void (*)(void))jac_mult));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT_ADD, (void (*)(void))jac_mult_add));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT_TRANSPOSE, (void (*)(void))jac_mult_transpose));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT_TRANSPOSE_ADD, (void (*)(void))jac_mult_transpose_add));
  PetscCall(MatShellSetOperation(*A, MATOP_SCALE, (void (*)(void))jac_scale));
  PetscCall(VecGetOwnershipRange(*r, &rs, &re));
  for (PetscInt k = rs; k < re; k++) PetscCall(VecSetValue(*r, k, def[k].r, INSERT_VALUES));
  PetscCall(VecAssemblyBegin(*r));
  PetscCall(VecAssemblyEnd(*r));
  PetscFunctionReturn(0);
}

/* Sum over the assets of v times the mask of sector k (k < 0: every asset). */
static PetscErrorCode sector_sum(ctx *c, Vec v, int k, double *sum)
{
  const PetscScalar *va, *sa = NULL;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(v, &va));
  if (k >= 0) PetscCall(VecGetArrayRead(c->pr->sector, &sa));
  PetscScalar *ta;
  PetscCall(VecGetArray(c->t, &ta));
  for (int i = 0; i < c->nloc; i++) ta[i] = k < 0 || (int)lround(sa[i]) == k ? va[i] : 0.0;
  PetscCall(VecRestoreArray(c->t, &ta));
  if (k >= 0) PetscCall(VecRestoreArrayRead(c->pr->sector, &sa));
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscCall(VecSum(c->t, sum));
  PetscFunctionReturn(0);
}

/* The most a long-only book can hold with per-name cap `cap` and sector cap `cs`: n_k assets of
 * sector k hold min(cs, n_k cap), the n_0 assets of no sector n_0 cap. */
static double capacity(int n_all, int n_sectors, const double *nk, double cap, double cs)
{
  double tot = 0.0, in = 0.0;
  for (int k = 0; k < n_sectors; k++) tot += PetscMin(cs, nk[k] * cap), in += nk[k];
  return tot + (n_all - in) * cap;
}

/* Caps that cannot hold a budget of 1 (too few assets, or too few sectors) are raised to the
 * smallest that can, by bisection: first the per-name cap (up to 1), then the sector cap; the
 * note says which and why. */
static PetscErrorCode feasible_caps(ctx *c, hc_port_options *eff, double n_inv, hc_port_solution *s)
{
  const int n_all = (int)lround(n_inv), ns = c->pr->sector ? c->pr->n_sectors : 0;
  double    nk[HC_PORT_MAX_SECTORS];
  PetscFunctionBeginUser;
  PetscCheck(ns <= HC_PORT_MAX_SECTORS, PetscObjectComm((PetscObject)c->w), PETSC_ERR_SUP, "at most %d sectors (%d given)", HC_PORT_MAX_SECTORS, ns);
  for (int k = 0; k < ns; k++) PetscCall(sector_sum(c, c->inv, k, &nk[k]));
  if (capacity(n_all, ns, nk, eff->max_weight, eff->max_sector_weight) >= 1.0) PetscFunctionReturn(0);
  double *x = &eff->max_weight, lo = eff->max_weight, hi = 1.0;
  const char *what = "-max_weight";
  if (capacity(n_all, ns, nk, 1.0, eff->max_sector_weight) < 1.0) { /* the sectors alone cannot */
    eff->max_weight = 1.0;
    x = &eff->max_sector_weight, lo = eff->max_sector_weight, hi = 1.0, what = "-max_sector_weight";
  }
  const double was = *x;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
    *x = 0.5 * (lo + hi);
    if (capacity(n_all, ns, nk, eff->max_weight, eff->max_sector_weight) >= 1.0) hi = *x;
    else lo = *x;
  }
  *x = hi;
  PetscCall(PetscSNPrintf(s->note, sizeof s->note, "%s %g raised to %.6g: %d assets%s cannot hold 1 below it", what, was, hi, n_all,
                          ns ? " in their sectors" : ""));
  PetscFunctionReturn(0);
}

/* The book's figures measured on w = s->w: net, gross, turnover, held, the largest violation of
 * a bound, cap, budget or limit, and the predicted volatility and expected return. */
static PetscErrorCode measure(ctx *c, hc_port_solution *s)
{
  const PetscScalar *wa, *ia;
  PetscScalar       *ta;
  double             quad, held, excess, budget;
  PetscFunctionBeginUser;
  PetscCall(VecSum(s->w, &s->net));
  PetscCall(VecNorm(s->w, NORM_1, &s->gross));
  PetscCall(VecWAXPY(c->t, -1.0, c->p0, s->w));
  PetscCall(VecAXPY(c->t, 1.0, c->n0));
  PetscCall(VecNorm(c->t, NORM_1, &s->turnover));
  PetscCall(VecGetArrayRead(s->w, &wa));
  PetscCall(VecGetArrayRead(c->inv, &ia));
  PetscCall(VecGetArray(c->t, &ta));
  for (int i = 0; i < c->nloc; i++) ta[i] = fabs(wa[i]) > 1e-8;
  PetscCall(VecRestoreArray(c->t, &ta));
  PetscCall(VecSum(c->t, &held));
  s->n_held = (int)lround(held);
  PetscCall(VecGetArray(c->t, &ta));
  for (int i = 0; i < c->nloc; i++) {
    const int    rp = c->o->method == HC_PORT_RISKPARITY, in = ia[i] > 0.5;
    const double hi = in ? (rp ? 1.0 : c->o->max_weight) : 0.0, lo = in && !rp && !c->o->long_only ? -c->o->max_weight : 0.0;
    ta[i] = PetscMax(0.0, PetscMax(wa[i] - hi, lo - wa[i]));
  }
  PetscCall(VecRestoreArray(c->t, &ta));
  PetscCall(VecRestoreArrayRead(c->inv, &ia));
  PetscCall(VecRestoreArrayRead(s->w, &wa));
  PetscCall(VecMax(c->t, NULL, &excess));
  budget = c->o->method == HC_PORT_MEANVAR && c->o->long_only ? PetscMax(0.0, s->net - 1.0) : fabs(s->net - 1.0);
  s->max_violation = PetscMax(excess, budget);
  if (c->o->method != HC_PORT_RISKPARITY) {
    if (!c->o->long_only) s->max_violation = PetscMax(s->max_violation, s->gross - c->o->max_gross);
    for (int k = 0; c->pr->sector && k < c->pr->n_sectors; k++) {
      double sum;
      PetscCall(sector_sum(c, s->w, k, &sum));
      s->max_violation = PetscMax(s->max_violation, (c->o->long_only ? sum : fabs(sum)) - c->o->max_sector_weight);
    }
  }
  PetscCall(cov_mult(c, s->w, c->u));
  PetscCall(VecDot(s->w, c->u, &quad));
  s->predicted_vol = sqrt(PetscMax(quad, 0.0));
  s->expected_return = NAN;
  if (c->pr->mu) {
    PetscCall(VecPointwiseMult(c->t, c->inv, c->pr->mu)); /* NaN off the investable assets times 0 is NaN: mask first */
    PetscCall(VecGetArray(c->t, &ta));
    for (int i = 0; i < c->nloc; i++)
      if (!isfinite(ta[i])) ta[i] = 0.0;
    PetscCall(VecRestoreArray(c->t, &ta));
    PetscCall(VecDot(c->t, s->w, &s->expected_return));
  }
  PetscFunctionReturn(0);
}

/* Record TAO's outcome in s. */
static PetscErrorCode tao_outcome(Tao tao, hc_port_solution *s)
{
  PetscInt           its;
  PetscReal          f, gnorm, cnorm, xdiff;
  TaoConvergedReason reason;
  PetscFunctionBeginUser;
  PetscCall(TaoGetSolutionStatus(tao, &its, &f, &gnorm, &cnorm, &xdiff, &reason));
  s->iterations     = (int)its;
  s->kkt_gradient   = gnorm;
  s->kkt_constraint = cnorm;
  s->converged      = reason > 0;
  PetscCall(PetscStrncpy(s->status, TaoConvergedReasons[reason], sizeof s->status));
  PetscFunctionReturn(0);
}

/* riskparity: f = y'Sy / (2 scale) - b sum_inv log y, g = Sy / scale - b / y (0 off the investable assets). */
static PetscErrorCode rp_objective(Tao tao, Vec y, PetscReal *f, Vec g, void *vc)
{
  ctx               *c = vc;
  const PetscScalar *ya, *ia, *ua;
  PetscScalar       *ga, *ta;
  double             quad, logs;
  (void)tao;
  PetscFunctionBeginUser;
  c->evaluations++;
  PetscCall(cov_mult(c, y, c->u));
  PetscCall(VecDot(y, c->u, &quad));
  PetscCall(VecGetArrayRead(y, &ya));
  PetscCall(VecGetArrayRead(c->inv, &ia));
  PetscCall(VecGetArrayRead(c->u, &ua));
  PetscCall(VecGetArray(g, &ga));
  PetscCall(VecGetArray(c->t, &ta));
  for (int i = 0; i < c->nloc; i++) {
    const int in = ia[i] > 0.5 && ya[i] > 0.0;
    ta[i]        = in ? log(ya[i]) : 0.0;
    ga[i]        = ia[i] > 0.5 ? ua[i] / c->scale - (ya[i] > 0.0 ? c->rp_b / ya[i] : 1e300) : 0.0;
  }
  PetscCall(VecRestoreArray(c->t, &ta));
  PetscCall(VecRestoreArray(g, &ga));
  PetscCall(VecRestoreArrayRead(c->u, &ua));
  PetscCall(VecRestoreArrayRead(c->inv, &ia));
  PetscCall(VecRestoreArrayRead(y, &ya));
  PetscCall(VecSum(c->t, &logs));
  *f = 0.5 * quad / c->scale - c->rp_b * logs;
  PetscFunctionReturn(0);
}

/* The riskparity solve's convergence test: TAO's own (gatol), and a stall at the precision of the
 * objective. Near the optimum a quasi-Newton step lowers f = y'Sy / (2 scale) - b sum log y,
 * which is O(1), by about |g|^2 / lambda; once that is below f's rounding the line search cannot
 * tell a better point, and the iterates stop moving with |g| a few 1e-10 (seen on 8 tickers, where
 * 1e-10 was out of reach at 3.2e-10 for 10,000 iterations). A solve whose gradient norm has not
 * fallen by 0.1 % in RP_STALL_ITS iterations and is at most RP_STALL_GATOL has converged
 * (TAO_CONVERGED_USER); a stall above that stays a failure. */
#define RP_STALL_ITS 20
#define RP_STALL_GATOL 1e-8
typedef struct {
  double g_best;
  int    stalled;
} rp_stall;

static PetscErrorCode rp_converged(Tao tao, void *ptr)
{
  rp_stall          *st = ptr;
  TaoConvergedReason r;
  PetscReal          g;
  PetscFunctionBeginUser;
  PetscCall(TaoDefaultConvergenceTest(tao, NULL));
  PetscCall(TaoGetConvergedReason(tao, &r));
  if (r != TAO_CONTINUE_ITERATING) PetscFunctionReturn(0);
  PetscCall(TaoGetSolutionStatus(tao, NULL, NULL, &g, NULL, NULL, NULL));
  if (g < (1.0 - 1e-3) * st->g_best) {
    st->g_best  = g;
    st->stalled = 0;
  } else if (++st->stalled >= RP_STALL_ITS && g <= RP_STALL_GATOL) PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  PetscFunctionReturn(0);
}

static PetscErrorCode solve_riskparity(ctx *c, double n_inv, hc_port_solution *s)
{
  Tao                tao;
  Vec                y, lo, hi;
  const PetscScalar *ia, *da;
  PetscScalar       *ya, *la, *ha;
  double             sum;
  PetscFunctionBeginUser;
  c->rp_b = 1.0 / n_inv;
  PetscCall(VecDuplicate(c->w, &y));
  PetscCall(VecDuplicate(c->w, &lo));
  PetscCall(VecDuplicate(c->w, &hi));
  PetscCall(VecGetArrayRead(c->inv, &ia));
  PetscCall(VecGetArrayRead(c->sd, &da));
  PetscCall(VecGetArray(y, &ya));
  PetscCall(VecGetArray(lo, &la));
  PetscCall(VecGetArray(hi, &ha));
  for (int i = 0; i < c->nloc; i++) { /* start: inverse volatility, of the solution's scale y'Sy ~ scale */
    const int in = ia[i] > 0.5;
    ya[i]        = in ? sqrt(c->scale) / (da[i] * sqrt(n_inv)) : 0.0;
    la[i]        = in ? 1e-12 * ya[i] : 0.0;
    ha[i]        = in ? PETSC_INFINITY : 0.0;
  }
  PetscCall(VecRestoreArray(hi, &ha));
  PetscCall(VecRestoreArray(lo, &la));
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(c->sd, &da));
  PetscCall(VecRestoreArrayRead(c->inv, &ia));
  PetscCall(TaoCreate(PetscObjectComm((PetscObject)y), &tao));
  PetscCall(TaoSetType(tao, TAOBQNLS));
  PetscCall(TaoSetOptionsPrefix(tao, "portfolio_"));
  PetscCall(TaoSetSolution(tao, y));
  PetscCall(TaoSetVariableBounds(tao, lo, hi));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, rp_objective, c));
  PetscCall(TaoSetTolerances(tao, 1e-10, 0.0, 0.0)); /* the gradient entries are O(1 / sqrt(n)): 1e-12 stalled at n = 2000 */
  PetscCall(TaoSetMaximumIterations(tao, 10000));
  rp_stall stall = {.g_best = PETSC_INFINITY};
  PetscCall(TaoSetConvergenceTest(tao, rp_converged, &stall));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(tao_outcome(tao, s));
  s->kkt_constraint = 0.0;
  PetscCall(VecSum(y, &sum));
  PetscCall(VecCopy(y, s->w));
  PetscCall(VecScale(s->w, 1.0 / sum));
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&lo));
  PetscCall(VecDestroy(&hi));
  PetscFunctionReturn(0);
}

/* gmv and meanvar by TAOALMM on x (see the file's comment). */
static PetscErrorCode solve_almm(ctx *c, double n_inv, hc_port_solution *s)
{
  const hc_port_options *o    = c->o;
  const MPI_Comm         comm = PetscObjectComm((PetscObject)c->w);
  const int              lo_budget = o->method == HC_PORT_MEANVAR && o->long_only; /* 1'w <= 1 */
  row_def                eq[1], in[2 + 2 * HC_PORT_MAX_SECTORS];
  int                    me = 0, mi = 0;
  Tao                    tao, sub;
  Vec                    x, xl, xu, ce = NULL, ci = NULL;
  const PetscScalar     *pa, *na, *ia;
  PetscScalar           *xa, *la, *ua;
  PetscFunctionBeginUser;
  PetscCheck(!c->pr->sector || c->pr->n_sectors <= HC_PORT_MAX_SECTORS, comm, PETSC_ERR_SUP, "at most %d sectors (%d given)", HC_PORT_MAX_SECTORS, c->pr->n_sectors);
  if (lo_budget) in[mi++] = (row_def){'w', -1.0, -1, 1.0};
  else eq[me++] = (row_def){'w', 1.0, -1, -1.0};
  if (!o->long_only) in[mi++] = (row_def){'g', -1.0, -1, o->max_gross};
  for (int k = 0; c->pr->sector && k < c->pr->n_sectors; k++) {
    in[mi++] = (row_def){'w', -1.0, k, o->max_sector_weight};
    if (!o->long_only) in[mi++] = (row_def){'w', 1.0, k, o->max_sector_weight};
  }
  /* variables, bounds and a start: equal weights over the investable assets (capped) */
  PetscCall(VecCreateMPI(comm, 4 * c->nloc, PETSC_DETERMINE, &x));
  PetscCall(VecSetBlockSize(x, 4));
  PetscCall(VecDuplicate(x, &xl));
  PetscCall(VecDuplicate(x, &xu));
  PetscCall(VecDuplicate(x, &c->X0));
  PetscCall(VecDuplicate(x, &c->xwork));
  {
    const double cap_p = o->max_weight, cap_n = o->long_only ? 0.0 : o->max_weight, w_s = PetscMin(1.0 / n_inv, o->max_weight);
    double       held_p, held_n;
    PetscCall(VecSum(c->p0, &held_p));
    PetscCall(VecSum(c->n0, &held_n));
    const int held = held_p + held_n > 0.5; /* a book is held: the new one is near it */
    /* Without a turnover cost (gmv, or meanvar at 0 bps) only p and n matter, and each is one
     * variable: the buys and sells of a part move it alike, and the two copies made the bounded
     * subproblems take up to twice as many evaluations (docs/portfolio.md, Cost). */
    const int split = c->cost > 0.0;
    PetscScalar *x0;
    PetscCall(VecGetArrayRead(c->p0, &pa));
    PetscCall(VecGetArrayRead(c->n0, &na));
    PetscCall(VecGetArrayRead(c->inv, &ia));
    PetscCall(VecGetArray(x, &xa));
    PetscCall(VecGetArray(xl, &la));
    PetscCall(VecGetArray(xu, &ua));
    PetscCall(VecGetArray(c->X0, &x0));
    for (int i = 0; i < c->nloc; i++) {
      const int    inv = ia[i] > 0.5;
      const double cp = inv ? cap_p : 0.0, cn = inv ? cap_n : 0.0;
      PetscScalar *l = la + 4 * i, *u = ua + 4 * i, *v = xa + 4 * i;
      x0[4 * i] = pa[i], x0[4 * i + 1] = 0.0, x0[4 * i + 2] = na[i], x0[4 * i + 3] = 0.0;
      if (split) { /* p = p0 + b_p - s_p in [0, cp]: b_p in [0, max(0, cp - p0)], s_p in [max(0, p0 - cp), p0] */
        l[0] = 0.0, u[0] = PetscMax(0.0, cp - pa[i]);
        l[1] = PetscMax(0.0, pa[i] - cp), u[1] = pa[i];
        l[2] = 0.0, u[2] = PetscMax(0.0, cn - na[i]);
        l[3] = PetscMax(0.0, na[i] - cn), u[3] = na[i];
      } else { /* b_p = p - p0 in [-p0, cp - p0], s_p = 0; the same for n */
        l[0] = -pa[i], u[0] = cp - pa[i], l[1] = u[1] = 0.0;
        l[2] = -na[i], u[2] = cn - na[i], l[3] = u[3] = 0.0;
      }
      if (held) { /* start from the book held (no trade), inside the bounds */
        for (int k = 0; k < 4; k++) v[k] = PetscMax(l[k], PetscMin(u[k], 0.0));
      } else { /* from cash: p = w_s, n = 0 */
        const double ps = inv ? w_s : 0.0, t[4] = {ps - pa[i], 0.0, -na[i], 0.0}, ts[4] = {PetscMax(0.0, ps - pa[i]), PetscMax(0.0, pa[i] - ps), 0.0, na[i]};
        for (int k = 0; k < 4; k++) v[k] = PetscMax(l[k], PetscMin(u[k], split ? ts[k] : t[k]));
      }
    }
    PetscCall(VecRestoreArray(c->X0, &x0));
    PetscCall(VecRestoreArray(xu, &ua));
    PetscCall(VecRestoreArray(xl, &la));
    PetscCall(VecRestoreArray(x, &xa));
    PetscCall(VecRestoreArrayRead(c->inv, &ia));
    PetscCall(VecRestoreArrayRead(c->n0, &na));
    PetscCall(VecRestoreArrayRead(c->p0, &pa));
  }
  PetscCall(TaoCreate(comm, &tao));
  PetscCall(TaoSetType(tao, TAOALMM));
  PetscCall(TaoSetOptionsPrefix(tao, "portfolio_"));
  PetscCall(TaoSetSolution(tao, x));
  PetscCall(TaoSetVariableBounds(tao, xl, xu));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, objective, c));
  if (me) {
    PetscCall(build_rows(c, comm, eq, me, &c->je, &c->Ae, &c->re));
    PetscCall(VecDuplicate(c->re, &ce));
    PetscCall(TaoSetEqualityConstraintsRoutine(tao, ce, eq_constraints, c));
    PetscCall(TaoSetJacobianEqualityRoutine(tao, c->Ae, c->Ae, jacobian, c));
  }
  if (mi) {
    PetscCall(build_rows(c, comm, in, mi, &c->ji, &c->Ai, &c->ri));
    PetscCall(VecDuplicate(c->ri, &ci));
    PetscCall(TaoSetInequalityConstraintsRoutine(tao, ci, ineq_constraints, c));
    PetscCall(TaoSetJacobianInequalityRoutine(tao, c->Ai, c->Ai, jacobian, c));
  }
  PetscCall(TaoALMMSetType(tao, TAO_ALMM_PHR));
  PetscCall(TaoALMMGetSubsolver(tao, &sub));
  PetscCall(TaoSetType(sub, TAOBLMVM));
  /* 1e-9 on the scaled gradient and on the constraints (PHR takes the same for both): the
   * subproblems stall near 1e-10, where the objective's changes reach its rounding */
  PetscCall(TaoSetTolerances(tao, 1e-9, 0.0, 0.0));
  PetscCall(TaoSetConstraintTolerances(tao, 1e-9, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 200));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(tao_outcome(tao, s));
  PetscCall(weights_of(c, x, s->w));
  {
    PetscReal f;
    PetscCall(VecPointwiseMult(s->w, s->w, c->inv)); /* exact zeros off the investable assets */
    PetscCall(TaoComputeObjective(tao, x, &f));
    s->objective = o->method == HC_PORT_GMV ? 2.0 * f * c->scale : -f * c->scale; /* w'Sw; or the maximised value */
  }
  PetscCall(TaoDestroy(&tao));
  PetscCall(VecDestroy(&ce));
  PetscCall(VecDestroy(&ci));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&xl));
  PetscCall(VecDestroy(&xu));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_port_solve(const hc_port_options *o, const hc_port_problem *pr, hc_port_solution *s)
{
  hc_port_options eff = *o; /* the caps used (feasible_caps may raise them) */
  ctx          c = {.o = &eff, .pr = pr};
  PetscInt     nl;
  double       n_inv, var_sum;
  PetscScalar *sa, *ia, *pa, *na;
  const PetscScalar *da, *va, *wa = NULL;
  PetscFunctionBeginUser;
  memset(s, 0, sizeof *s);
  PetscCall(VecGetLocalSize(pr->sd, &nl));
  c.nloc = (int)nl;
  PetscCall(VecDuplicate(pr->sd, &s->w));
  PetscCall(VecSet(s->w, 0.0));
  Vec *work[] = {&c.sd, &c.inv, &c.p0, &c.n0, &c.w, &c.t, &c.u, &c.m};
  for (size_t k = 0; k < sizeof work / sizeof *work; k++) PetscCall(VecDuplicate(pr->sd, work[k]));
  /* the investable assets (a finite positive sd, and a finite mean for meanvar), the previous
   * weights' parts */
  PetscCall(VecGetArrayRead(pr->sd, &da));
  PetscCall(VecGetArrayRead(pr->investable, &va));
  if (pr->w_prev) PetscCall(VecGetArrayRead(pr->w_prev, &wa));
  PetscCall(VecGetArray(c.sd, &sa));
  PetscCall(VecGetArray(c.inv, &ia));
  PetscCall(VecGetArray(c.p0, &pa));
  PetscCall(VecGetArray(c.n0, &na));
  const PetscScalar *ma = NULL;
  PetscScalar       *mm;
  if (pr->mu) PetscCall(VecGetArrayRead(pr->mu, &ma));
  PetscCall(VecGetArray(c.m, &mm));
  for (int i = 0; i < c.nloc; i++) {
    const int in = va[i] > 0.5 && isfinite(da[i]) && da[i] > 0.0 && (o->method != HC_PORT_MEANVAR || (ma && isfinite(ma[i])));
    ia[i]        = in;
    sa[i]        = in ? da[i] : 0.0;
    mm[i]        = in && ma ? o->horizon * ma[i] / 100.0 : 0.0;
    const double wp = wa && isfinite(wa[i]) ? wa[i] : 0.0;
    pa[i]        = PetscMax(wp, 0.0);
    na[i]        = PetscMax(-wp, 0.0);
  }
  PetscCall(VecRestoreArray(c.m, &mm));
  if (pr->mu) PetscCall(VecRestoreArrayRead(pr->mu, &ma));
  PetscCall(VecRestoreArray(c.n0, &na));
  PetscCall(VecRestoreArray(c.p0, &pa));
  PetscCall(VecRestoreArray(c.inv, &ia));
  PetscCall(VecRestoreArray(c.sd, &sa));
  if (wa) PetscCall(VecRestoreArrayRead(pr->w_prev, &wa));
  PetscCall(VecRestoreArrayRead(pr->investable, &va));
  PetscCall(VecRestoreArrayRead(pr->sd, &da));
  PetscCall(VecSum(c.inv, &n_inv));
  PetscCall(VecDot(c.sd, c.sd, &var_sum));
  s->n_assets = (int)lround(n_inv);
  if (o->method == HC_PORT_NONE || s->n_assets < 1) {
    PetscCall(PetscStrncpy(s->status, s->n_assets < 1 ? "no investable asset" : "none", sizeof s->status));
  } else {
    const double vbar = var_sum / n_inv; /* mean variance: the objective's scale */
    c.scale           = o->method == HC_PORT_MEANVAR ? o->risk_aversion * o->horizon * 1e-4 * vbar : vbar;
    c.cost            = o->method == HC_PORT_MEANVAR ? o->cost_bps * 1e-4 / c.scale : 0.0;
    if (o->method == HC_PORT_RISKPARITY) PetscCall(solve_riskparity(&c, n_inv, s));
    else {
      if (!(o->method == HC_PORT_MEANVAR && o->long_only)) PetscCall(feasible_caps(&c, &eff, n_inv, s));
      PetscCall(solve_almm(&c, n_inv, s));
    }
  }
  PetscCall(measure(&c, s));
  s->evaluations       = c.evaluations;
  s->max_weight        = eff.max_weight;
  s->max_sector_weight = eff.max_sector_weight;
  for (size_t k = 0; k < sizeof work / sizeof *work; k++) PetscCall(VecDestroy(work[k]));
  PetscCall(VecDestroy(&c.X0));
  PetscCall(VecDestroy(&c.xwork));
  jac_ctx *jc[2] = {&c.je, &c.ji};
  for (int k = 0; k < 2; k++) {
    PetscCall(MatDestroy(&jc[k]->At));
    PetscCall(VecDestroy(&jc[k]->xw));
    PetscCall(VecDestroy(&jc[k]->cw));
  }
  PetscCall(MatDestroy(&c.Ae));
  PetscCall(MatDestroy(&c.Ai));
  PetscCall(VecDestroy(&c.re));
  PetscCall(VecDestroy(&c.ri));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_port_solution_free(hc_port_solution *s)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&s->w));
  memset(s, 0, sizeof *s);
  PetscFunctionReturn(0);
}
