/**
 * @file probabilistic.c
 * @brief Probabilistic forecasts (finite mixtures of location-scale laws) and their scores:
 *        CDF, density, quantiles and moments of a mixture, the CRPS (closed forms and
 *        quadrature), the CRPS matrix of stacking, interval score, pinball loss, PIT KS
 *        distance, calibration score, and the per-horizon score accumulator.
 *
 * Pure numerics: no MPI, no HDF5, no file I/O, no global state. Definitions and sources in
 * docs/scores.md.
 */
#include "hpcast/eval.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Mixture CDF, density, moments and quantiles
 * ====================================================================== */

double hc_mixture_cdf(const hc_mixture *f, double y)
{
  double F = 0.0;
  for (int i = 0; i < f->k; i++) {
    if (f->w[i] == 0.0) continue;
    const hc_pred *c = &f->comp[i];
    F += f->w[i] * hc_dist_cdf(&c->law, (y - c->mean) / c->sd);
  }
  return F;
}

double hc_mixture_logpdf(const hc_mixture *f, double y)
{
  /* log sum_i w_i f_i(y) by log-sum-exp, f_i(y) = f_Z((y - m_i)/s_i) / s_i */
  double mx = -INFINITY, sum = 0.0;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < f->k; i++) {
      if (f->w[i] == 0.0) continue;
      const hc_pred *c = &f->comp[i];
      double l = log(f->w[i]) + hc_dist_logpdf(&c->law, (y - c->mean) / c->sd, NULL, NULL) - log(c->sd);
      if (isnan(l)) return NAN;
      if (pass == 0) mx = fmax(mx, l);
      else sum += exp(l - mx);
    }
    if (pass == 0 && isinf(mx)) return mx;
  }
  return mx + log(sum);
}

void hc_mixture_moments(const hc_mixture *f, double *mean, double *sd)
{
  double m = 0.0, v = 0.0;
  for (int i = 0; i < f->k; i++) m += f->w[i] * f->comp[i].mean;
  /* sum w_i (s_i^2 + m_i^2) - m^2 written without the cancellation of the raw form */
  for (int i = 0; i < f->k; i++) {
    double d = f->comp[i].mean - m;
    v += f->w[i] * (f->comp[i].sd * f->comp[i].sd + d * d);
  }
  *mean = m;
  *sd   = sqrt(v);
}

/* F(x), the density f(x) and its derivative f'(x) of the mixture in one pass. */
static void mixture_cdf_pdf(const hc_mixture *f, double x, double *F, double *dens, double *ddens)
{
  double Fs = 0.0, ds = 0.0, dds = 0.0;
  for (int i = 0; i < f->k; i++) {
    if (f->w[i] == 0.0) continue;
    const hc_pred *c = &f->comp[i];
    double z = (x - c->mean) / c->sd, dz, pd;
    Fs += f->w[i] * hc_dist_cdf(&c->law, z);
    pd = f->w[i] * exp(hc_dist_logpdf(&c->law, z, &dz, NULL)) / c->sd;
    ds += pd;
    dds += pd * dz / c->sd;
  }
  *F     = Fs;
  *dens  = ds;
  *ddens = dds;
}

/* Root of F(x) = p in the bracket [lo, hi] (F(lo) <= p <= F(hi)) from the start x: Halley
 * steps x - (r/f) / (1 - (r/f) f' / (2 f)), r = F - p (cubic convergence; Newton's step where
 * the correction exceeds a half), kept inside the bracket, bisection when a step leaves it or
 * does not halve |F - p| (rtsafe, Numerical Recipes 3rd ed. sec. 9.4, with the Halley step of
 * sec. 9.4.2). Stops at |F - p| < 1e-12, a bracket of relative width 1e-12 (relative to
 * max(|x|, scale)), or after a Halley step below 1e-6 scale (its error is of the order of the
 * step cubed, ~1e-18 scale) or 1e-9 |x| (where |x| is that much larger, the ulp of x limits). */
static double mixture_solve(const hc_mixture *f, double p, double lo, double hi, double x, double scale)
{
  double prev = INFINITY;
  for (int it = 0; it < 200; it++) {
    double F, d, dd;
    mixture_cdf_pdf(f, x, &F, &d, &dd);
    double r = F - p;
    if (isnan(r)) return NAN;
    if (fabs(r) < 1e-12) return x;
    if (r < 0.0) lo = x;
    else hi = x;
    if (hi - lo <= 1e-12 * fmax(fabs(x), scale)) return 0.5 * (lo + hi);
    double step = r / d, corr = step * dd / (2.0 * d);
    if (fabs(corr) < 0.5) step /= 1.0 - corr;
    double xn = x - step;
    if (xn > lo && xn < hi && fabs(corr) < 0.5 && fabs(step) <= fmax(1e-6 * scale, 1e-9 * fabs(x))) return xn;
    if (!(xn > lo && xn < hi) || fabs(r) > 0.5 * prev) xn = 0.5 * (lo + hi);
    prev = fabs(r);
    x    = xn;
  }
  return x;
}

/* Quantile at p in (0,1) with the bracket narrowed from below by lo_known (a quantile at a
 * smaller level, or -inf). Bracket: Cantelli's inequality P(Y - mu <= -k sigma) <= 1/(1+k^2)
 * gives F(mu - sigma sqrt((1-p)/p)) <= p <= F(mu + sigma sqrt(p/(1-p))) for any law with mean
 * mu and sd sigma; start: the moment-matched normal quantile mu + sigma Phi^{-1}(p). */
static double mixture_quantile_from(const hc_mixture *f, double p, double lo_known)
{
  if (!(p > 0.0 && p < 1.0)) return NAN;
  int one = -1, n_active = 0;
  for (int i = 0; i < f->k; i++)
    if (f->w[i] != 0.0) {
      one = i;
      n_active++;
    }
  if (n_active == 0) return NAN;
  if (n_active == 1) return f->comp[one].mean + f->comp[one].sd * hc_dist_quantile(&f->comp[one].law, p);
  double mu, sigma;
  hc_mixture_moments(f, &mu, &sigma);
  if (!isfinite(mu) || !(sigma > 0.0) || !isfinite(sigma)) return NAN;
  double lo = mu - sigma * sqrt((1.0 - p) / p), hi = mu + sigma * sqrt(p / (1.0 - p));
  if (lo_known > lo && lo_known < hi) lo = lo_known;
  double x = fmin(fmax(mu + sigma * hc_norm_quantile(p), lo), hi);
  return mixture_solve(f, p, lo, hi, x, sigma);
}

double hc_mixture_quantile(const hc_mixture *f, double p) { return mixture_quantile_from(f, p, -INFINITY); }

/* ======================================================================
 * CRPS
 * ====================================================================== */

/* CRPS of N(m, s^2) at y: s [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - m)/s
 * (Gneiting et al. 2005, eq. 5). */
static double crps_normal(double m, double s, double y)
{
  double z = (y - m) / s;
  return s * (z * erf(z / M_SQRT2) + 2.0 * exp(-0.5 * z * z) / sqrt(2.0 * M_PI) - 1.0 / sqrt(M_PI));
}

/* CRPS of m + s Z, Z the unit-variance Student-t with nu > 2: Z = sqrt((nu-2)/nu) T with T a
 * classic t(nu), so Y = m + sigma T with sigma = s sqrt((nu-2)/nu), and with z = (y - m)/sigma
 * CRPS = sigma [ z (2 F(z) - 1) + 2 f(z) (nu + z^2)/(nu - 1)
 *                - 2 sqrt(nu) B(1/2, nu - 1/2) / ((nu - 1) B(1/2, nu/2)^2) ]
 * (Jordan, Krueger & Lerch 2019, sec. 3 "t distribution"; F, f of the classic t). */
static double crps_t(double m, double s, double nu, double y)
{
  double k = sqrt((nu - 2.0) / nu), sigma = s * k, z = (y - m) / sigma;
  double f    = k * exp(hc_std_t_logpdf(z * k, nu)); /* classic t density at z */
  double lb1  = lgamma(0.5) + lgamma(nu - 0.5) - lgamma(nu);
  double lb2  = lgamma(0.5) + lgamma(0.5 * nu) - lgamma(0.5 * (nu + 1.0));
  double cnst = 2.0 * sqrt(nu) * exp(lb1 - 2.0 * lb2) / (nu - 1.0);
  return sigma * (z * (2.0 * hc_t_cdf(z, nu) - 1.0) + 2.0 * f * (nu + z * z) / (nu - 1.0) - cnst);
}

/*
 * Quadrature of int g_i(x) g_j(x) dx with g = F(x) for x < y and 1 - F(x) for x >= y.
 * Change of variable x = b + a sinh(v) (b the mean of the component means, a the smallest
 * component "core width" s_i / (sqrt(2 pi) f_i(mode)), equal to s_i for a normal): dense near
 * the bulk, geometric in the tails, where power-law tails become exponential in v. The v range
 * ends where every component has F(z)^2 |z| < QUAD_TAIL (and includes y); it is cut at y (the
 * jump of the indicator) and at the modes of the skewed-t and GED components (where their CDF
 * is not smooth), and every piece longer than QUAD_DV is split into equal panels of
 * QUAD_NODES Gauss-Legendre nodes (the panels next to a GED mode graded, see quad_next).
 */
#define QUAD_NODES 16
#define QUAD_DV    1.5
#define QUAD_TAIL  1e-12
#define QUAD_MAXPT 64 /* breakpoints kept (ends, y, component modes and cores while room is left) */
#define QUAD_CORE_SPAN 4.0 /* a panel spanning more sds of a component than this: its core gets breakpoints */
#define QUAD_CORE_STEP 2.0 /* the core's breakpoints, every QUAD_CORE_STEP sd ... */
#define QUAD_CORE_N    3   /* ... out to QUAD_CORE_N steps on each side of the mean */

/* Gauss-Legendre abscissas and weights on [-1, 1], 16 points, the positive half (Abramowitz &
 * Stegun Table 25.4; recomputed by Newton on P_16 in long double). */
static const double gl16[QUAD_NODES / 2][2] = {
  {0.98940093499164993, 0.027152459411754095}, {0.94457502307323258, 0.062253523938647893},
  {0.86563120238783174, 0.095158511682492785}, {0.75540440835500303, 0.12462897125553387},
  {0.61787624440264375, 0.14959598881657673},  {0.45801677765722739, 0.16915651939500254},
  {0.28160355077925891, 0.18260341504492359},  {0.09501250983763744, 0.1894506104550685},
};

typedef struct {
  double v;    /* breakpoint in v */
  int    cusp; /* a GED mode: the pieces next to it are graded */
} quad_point;

typedef struct {
  double     b, a, vy; /* centre, width, v of the outcome */
  int        np;       /* breakpoints, sorted and distinct */
  quad_point pt[QUAD_MAXPT];
} quad_plan;

typedef struct {
  const quad_plan *p;
  int              seg, piece, npiece, node, graded;
  double           v0, h;
} quad_iter;

/* Standardized mode of a law where its CDF is not smooth (skewed t: Hansen 1994 eq. 11,
 * z = -a/b with c the unit-variance t density at 0; GED: 0), or NAN for smooth laws. */
static double law_kink(const hc_dist_eval *e)
{
  if (e->d == HC_DIST_GED) return 0.0;
  if (e->d != HC_DIST_SKEWT) return NAN;
  double nu = e->shape[0], lam = e->shape[1];
  double c = exp(hc_std_t_logpdf(0.0, nu)), a = 4.0 * lam * c * (nu - 2.0) / (nu - 1.0);
  return -a / sqrt(1.0 + 3.0 * lam * lam - a * a);
}

/* Standardized z > 0 where F(-z)^2 z (side -1) or (1 - F(z))^2 z (side +1) falls below
 * QUAD_TAIL, by doubling from 4. */
static double law_tail(const hc_dist_eval *e, int side)
{
  double z = 4.0;
  for (; z < 1e9; z *= 2.0) {
    double t = side < 0 ? hc_dist_cdf(e, -z) : 1.0 - hc_dist_cdf(e, z);
    if (t * t * z < QUAD_TAIL) break;
  }
  return z;
}

static int cmp_double(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static int cmp_point(const void *x, const void *y) { return cmp_double(&((const quad_point *)x)->v, &((const quad_point *)y)->v); }

/* Plan of the quadrature for components comp[0..k-1] (those with w[i] == 0 skipped when w is
 * given) and outcome y. @return 0, or 1 if a parameter is not admissible. */
static int quad_plan_build(int k, const hc_pred *comp, const double *w, double y, quad_plan *q)
{
  int    n = 0;
  double b = 0.0, a = INFINITY, xlo = y, xhi = y;
  if (!isfinite(y)) return 1;
  for (int i = 0; i < k; i++) {
    if (w && w[i] == 0.0) continue;
    const hc_pred *c = &comp[i];
    if (!isfinite(c->mean) || !(c->sd > 0.0) || !isfinite(c->sd)) return 1;
    double zk   = law_kink(&c->law), zm = isnan(zk) ? 0.0 : zk;
    double core = c->sd * exp(-hc_dist_logpdf(&c->law, zm, NULL, NULL)) / sqrt(2.0 * M_PI);
    if (!(core > 0.0) || !isfinite(core)) return 1;
    a = fmin(a, core);
    b += c->mean;
    n++;
    xlo = fmin(xlo, c->mean - c->sd * law_tail(&c->law, -1));
    xhi = fmax(xhi, c->mean + c->sd * law_tail(&c->law, +1));
  }
  if (n == 0) return 1;
  q->b  = b / n;
  q->a  = a;
  q->vy = asinh((y - q->b) / a);
  double vlo = asinh((xlo - q->b) / a), vhi = asinh((xhi - q->b) / a);
  int    np  = 0;
  q->pt[np++] = (quad_point){vlo, 0};
  q->pt[np++] = (quad_point){vhi, 0};
  q->pt[np++] = (quad_point){q->vy, 0};
  for (int i = 0; i < k && np < QUAD_MAXPT; i++) {
    if (w && w[i] == 0.0) continue;
    double zk = law_kink(&comp[i].law);
    if (isnan(zk)) continue;
    double vk = asinh((comp[i].mean + comp[i].sd * zk - q->b) / a);
    if (vk > vlo && vk < vhi) q->pt[np++] = (quad_point){vk, comp[i].law.d == HC_DIST_GED};
  }
  /* a component whose core a panel of the plan would cross in a few nodes (narrow, far from the
   * centre, where one panel spans QUAD_DV sqrt(a^2 + (m - b)^2) in x) gets breakpoints at
   * m + j QUAD_CORE_STEP sd, j = -QUAD_CORE_N..QUAD_CORE_N, so that its core has panels of its own */
  for (int i = 0; i < k && np + 2 * QUAD_CORE_N + 1 <= QUAD_MAXPT; i++) {
    if (w && w[i] == 0.0) continue;
    const hc_pred *c = &comp[i];
    if (!(QUAD_DV * hypot(a, c->mean - q->b) > QUAD_CORE_SPAN * c->sd)) continue;
    for (int j = -QUAD_CORE_N; j <= QUAD_CORE_N; j++) {
      double vc = asinh((c->mean + j * QUAD_CORE_STEP * c->sd - q->b) / a);
      if (vc > vlo && vc < vhi) q->pt[np++] = (quad_point){vc, 0};
    }
  }
  qsort(q->pt, (size_t)np, sizeof *q->pt, cmp_point);
  q->np = 0;
  for (int i = 0; i < np; i++) {
    if (q->np > 0 && q->pt[i].v == q->pt[q->np - 1].v) q->pt[q->np - 1].cusp |= q->pt[i].cusp;
    else q->pt[q->np++] = q->pt[i];
  }
  return 0;
}

static void quad_iter_start(const quad_plan *p, quad_iter *it)
{
  memset(it, 0, sizeof *it);
  it->p   = p;
  it->seg = -1;
}

/* Next node: x, weight dx (including the Jacobian) and whether x is right of y. A piece next
 * to a GED mode, where the CDF behaves like |x - mode|^(1 + nu), is graded by the smoothstep
 * v = v0 + L (3u^2 - 2u^3), which turns that into |u|^(2 + 2 nu) and restores the fast
 * convergence of Gauss-Legendre. @return 0 when done. */
static int quad_next(quad_iter *it, double *x, double *wt, int *right)
{
  const quad_plan *p = it->p;
  if (it->seg < 0 || it->node == QUAD_NODES) {
    it->node = 0;
    if (it->seg < 0 || ++it->piece == it->npiece) {
      double len;
      do {
        if (++it->seg >= p->np - 1) return 0;
        len = p->pt[it->seg + 1].v - p->pt[it->seg].v;
      } while (!(len > 0.0));
      it->npiece = (int)ceil(len / QUAD_DV);
      it->piece  = 0;
      it->h      = len / it->npiece;
    }
    it->v0     = p->pt[it->seg].v + it->h * it->piece;
    it->graded = (it->piece == 0 && p->pt[it->seg].cusp) || (it->piece == it->npiece - 1 && p->pt[it->seg + 1].cusp);
  }
  int    j  = it->node++;
  double t  = j < QUAD_NODES / 2 ? -gl16[j][0] : gl16[QUAD_NODES - 1 - j][0];
  double gw = j < QUAD_NODES / 2 ? gl16[j][1] : gl16[QUAD_NODES - 1 - j][1];
  double u = 0.5 * (1.0 + t), du = 0.5 * gw, v, dv;
  if (it->graded) {
    v  = it->v0 + it->h * u * u * (3.0 - 2.0 * u);
    dv = it->h * 6.0 * u * (1.0 - u) * du;
  } else {
    v  = it->v0 + it->h * u;
    dv = it->h * du;
  }
  *x     = p->b + p->a * sinh(v);
  *wt    = p->a * cosh(v) * dv;
  *right = p->pt[it->seg].v >= p->vy;
  return 1;
}

double hc_crps(const hc_mixture *f, double y)
{
  int one = -1, n_active = 0;
  for (int i = 0; i < f->k; i++)
    if (f->w[i] != 0.0) {
      one = i;
      n_active++;
    }
  if (n_active == 0 || !isfinite(y)) return NAN;
  if (n_active == 1) {
    const hc_pred *c = &f->comp[one];
    if (!(c->sd > 0.0) || !isfinite(c->mean)) return NAN;
    if (c->law.d == HC_DIST_NORMAL) return crps_normal(c->mean, c->sd, y);
    if (c->law.d == HC_DIST_T) return crps_t(c->mean, c->sd, c->law.shape[0], y);
  }
  quad_plan q;
  if (quad_plan_build(f->k, f->comp, f->w, y, &q)) return NAN;
  quad_iter it;
  double    x, wt, sum = 0.0;
  int       right;
  quad_iter_start(&q, &it);
  while (quad_next(&it, &x, &wt, &right)) {
    double F = hc_mixture_cdf(f, x), g = right ? 1.0 - F : F;
    sum += wt * g * g;
  }
  return sum;
}

int hc_crps_matrix(int k, const hc_pred *comp, double y, double *A)
{
  double  gbuf[16], *g = k <= 16 ? gbuf : malloc((size_t)k * sizeof *g);
  quad_plan q;
  if (!g) return ENOMEM;
  for (int i = 0; i < k * k; i++) A[i] = NAN;
  if (k < 1 || quad_plan_build(k, comp, NULL, y, &q)) {
    if (g != gbuf) free(g);
    return 1;
  }
  for (int i = 0; i < k * k; i++) A[i] = 0.0;
  quad_iter it;
  double    x, wt;
  int       right;
  quad_iter_start(&q, &it);
  while (quad_next(&it, &x, &wt, &right)) {
    for (int i = 0; i < k; i++) {
      double F = hc_dist_cdf(&comp[i].law, (x - comp[i].mean) / comp[i].sd);
      g[i]     = right ? 1.0 - F : F;
    }
    for (int i = 0; i < k; i++) {
      double wg = wt * g[i];
      for (int j = i; j < k; j++) A[i * k + j] += wg * g[j];
    }
  }
  for (int i = 0; i < k; i++)
    for (int j = 0; j < i; j++) A[i * k + j] = A[j * k + i];
  if (g != gbuf) free(g);
  return 0;
}

/* ======================================================================
 * Interval, quantile and calibration scores
 * ====================================================================== */

double hc_interval_score(double lo, double hi, double y, double alpha)
{
  double s = hi - lo;
  if (y < lo) s += 2.0 / alpha * (lo - y);
  if (y > hi) s += 2.0 / alpha * (y - hi);
  return s;
}

double hc_pinball(double q, double y, double tau) { return ((y < q ? 1.0 : 0.0) - tau) * (q - y); }

double hc_pit_ks(double *u, int n)
{
  if (n < 1) return NAN;
  qsort(u, (size_t)n, sizeof *u, cmp_double);
  double d = 0.0;
  for (int i = 0; i < n; i++) {
    if (isnan(u[i])) return NAN;
    d = fmax(d, fmax((i + 1.0) / n - u[i], u[i] - (double)i / n));
  }
  return d;
}

double hc_calibration_score(double pit_ks, const double coverage[HC_N_COVER])
{
  double ace = 0.0;
  for (int l = 0; l < HC_N_COVER; l++) ace += fabs(coverage[l] - hc_cover_levels[l]);
  ace /= HC_N_COVER;
  if (isnan(pit_ks) || isnan(ace)) return NAN;
  return fmax(0.0, 1.0 - pit_ks - ace);
}

/* ======================================================================
 * Score accumulator
 * ====================================================================== */

#define IS_LEVEL 0.95 /* nominal level of the interval score (alpha = 0.05; M4's MSIS) */

int hc_score_acc_init(hc_score_acc *a, int n_max)
{
  memset(a, 0, sizeof *a);
  a->n_max = n_max > 0 ? n_max : 0;
  if (a->n_max == 0) return 0;
  a->pit = malloc((size_t)a->n_max * sizeof *a->pit);
  return a->pit ? 0 : ENOMEM;
}

void hc_score_acc_free(hc_score_acc *a)
{
  free(a->pit);
  memset(a, 0, sizeof *a);
}

/* Index of level p in the sorted unique list lv[0..n-1] (p is in it by construction). */
static int level_index(const double *lv, int n, double p)
{
  for (int i = 0; i < n; i++)
    if (lv[i] == p) return i;
  return -1;
}

static int make_levels(double *lv)
{
  int n = 0, m = 0;
  for (int l = 0; l < HC_N_COVER; l++) {
    lv[n++] = 0.5 * (1.0 - hc_cover_levels[l]);
    lv[n++] = 0.5 * (1.0 + hc_cover_levels[l]);
  }
  lv[n++] = 0.5 * (1.0 - IS_LEVEL);
  lv[n++] = 0.5 * (1.0 + IS_LEVEL);
  for (int j = 0; j < HC_N_PINBALL; j++) lv[n++] = hc_pinball_levels[j];
  qsort(lv, (size_t)n, sizeof *lv, cmp_double);
  for (int i = 0; i < n; i++)
    if (m == 0 || lv[i] != lv[m - 1]) lv[m++] = lv[i];
  return m;
}

/* The sorted distinct levels, made once (they are constants of core). */
static double score_levels[HC_SCORE_MAX_LEVELS];
static int    n_score_levels;

int hc_score_levels(double *lv)
{
  if (!n_score_levels) n_score_levels = make_levels(score_levels);
  memcpy(lv, score_levels, sizeof score_levels);
  return n_score_levels;
}

/* Quantile at level lv[l] of mixture f whose components' standardized quantiles at that level
 * are zq[i * HC_SCORE_MAX_LEVELS + l]: the component quantiles q_i bracket the mixture's
 * (F(min q_i) <= p <= F(max q_i), since F_j(min q_i) <= p for every j), and their weighted
 * mean is the start of mixture_solve. */
static double mixture_quantile_zq(const hc_mixture *f, double p, const double *zq, int l)
{
  double lo = INFINITY, hi = -INFINITY, x = 0.0, tot = 0.0, scale = 0.0;
  for (int i = 0; i < f->k; i++) {
    if (f->w[i] == 0.0) continue;
    const hc_pred *c  = &f->comp[i];
    const double   qi = c->mean + c->sd * zq[i * HC_SCORE_MAX_LEVELS + l];
    lo = fmin(lo, qi);
    hi = fmax(hi, qi);
    x += f->w[i] * qi;
    tot += f->w[i];
    scale = fmax(scale, c->sd);
  }
  if (!(lo <= hi) || !(tot > 0.0)) return NAN;
  if (lo == hi) return lo;
  return mixture_solve(f, p, lo, hi, fmin(fmax(x / tot, lo), hi), scale);
}

void hc_score_acc_add(hc_score_acc *a, const hc_mixture *f, double y, double ref) { hc_score_acc_add_known(a, f, y, ref, NULL); }

void hc_score_acc_add_known(hc_score_acc *a, const hc_mixture *f, double y, double ref, const hc_score_known *kn)
{
  if (!isfinite(y) || a->n >= a->n_max) return;
  /* the quantile levels: central intervals of hc_cover_levels and IS_LEVEL, pinball levels */
  double lv[HC_SCORE_MAX_LEVELS], q[HC_SCORE_MAX_LEVELS];
  const int m = hc_score_levels(lv);
  for (int i = 0; i < m; i++)
    q[i] = kn && kn->zq ? mixture_quantile_zq(f, lv[i], kn->zq, i) : mixture_quantile_from(f, lv[i], i > 0 ? q[i - 1] : -INFINITY);

  double mean, sd;
  hc_mixture_moments(f, &mean, &sd);
  double e = y - mean;
  a->sse += e * e;
  a->sae += fabs(e);
  if (mean != ref && y != ref) {
    a->n_dir += 1.0;
    if ((mean - ref) * (y - ref) > 0.0) a->hits += 1.0;
  }
  for (int l = 0; l < HC_N_COVER; l++) {
    double lo = q[level_index(lv, m, 0.5 * (1.0 - hc_cover_levels[l]))];
    double hi = q[level_index(lv, m, 0.5 * (1.0 + hc_cover_levels[l]))];
    a->covered[l] += (lo <= y && y <= hi) ? 1.0 : 0.0;
  }
  a->is95 += hc_interval_score(q[level_index(lv, m, 0.5 * (1.0 - IS_LEVEL))], q[level_index(lv, m, 0.5 * (1.0 + IS_LEVEL))],
                               y, 1.0 - IS_LEVEL);
  for (int j = 0; j < HC_N_PINBALL; j++)
    a->pinball[j] += hc_pinball(q[level_index(lv, m, hc_pinball_levels[j])], y, hc_pinball_levels[j]);
  a->crps += kn && !isnan(kn->crps) ? kn->crps : hc_crps(f, y);
  a->logs -= hc_mixture_logpdf(f, y);
  a->pit[a->n] = hc_mixture_cdf(f, y);
  a->n++;
}

void hc_score_acc_finish(const hc_score_acc *a, double mase_scale, hc_score_row *row)
{
  int    n     = a->n;
  double scale = mase_scale > 0.0 ? mase_scale : NAN;
  row->n       = n;
  if (n == 0) {
    row->rmse = row->mae = row->mase = row->hit_rate = row->msis = row->crps = row->log_score = NAN;
    row->pit_ks = row->calibration_score = NAN;
    for (int l = 0; l < HC_N_COVER; l++) row->coverage[l] = NAN;
    for (int j = 0; j < HC_N_PINBALL; j++) row->pinball[j] = NAN;
    for (int b = 0; b < HC_N_PIT_BINS; b++) row->pit[b] = NAN;
    return;
  }
  row->rmse      = sqrt(a->sse / n);
  row->mae       = a->sae / n;
  row->mase      = row->mae / scale;
  row->hit_rate  = a->n_dir > 0.0 ? a->hits / a->n_dir : NAN;
  row->msis      = a->is95 / n / scale;
  row->crps      = a->crps / n;
  row->log_score = a->logs / n;
  for (int l = 0; l < HC_N_COVER; l++) row->coverage[l] = a->covered[l] / n;
  for (int j = 0; j < HC_N_PINBALL; j++) row->pinball[j] = a->pinball[j] / n;
  double count[HC_N_PIT_BINS] = {0};
  int    pit_nan              = 0;
  for (int i = 0; i < n; i++) {
    double u = a->pit[i];
    if (isnan(u)) {
      pit_nan = 1;
      continue;
    }
    int b = (int)floor(u * HC_N_PIT_BINS);
    count[b < 0 ? 0 : b >= HC_N_PIT_BINS ? HC_N_PIT_BINS - 1 : b] += 1.0;
  }
  for (int b = 0; b < HC_N_PIT_BINS; b++) row->pit[b] = pit_nan ? NAN : count[b] / n;
  double *u = malloc((size_t)n * sizeof *u);
  if (u) {
    memcpy(u, a->pit, (size_t)n * sizeof *u);
    row->pit_ks = hc_pit_ks(u, n);
    free(u);
  } else row->pit_ks = NAN;
  row->calibration_score = hc_calibration_score(row->pit_ks, row->coverage);
}
