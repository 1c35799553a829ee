/**
 * @file sarimax.c
 * @brief Regression with SARIMA(p,d,q)(P,D,Q)_s errors, exact Gaussian likelihood
 *        (family "SARIMAX"; ARMA(p,q) + constant is its special case).
 *
 *   y_t = c_t + x_t' beta + u_t,   phi(B) Phi(B^s) (1-B)^d (1-B^s)^D u_t = theta(B) Theta(B^s) eps_t,
 *
 * eps_t ~ N(0, sigma2), the convention of R stats::arima (xreg) and statsmodels SARIMAX.
 * c_t is the mean mu when d + D = 0, a drift (slope per observation) when requested
 * with d + D = 1, and absent otherwise. The series and the regressors are differenced
 * first, w_t = (1-B)^d (1-B^s)^D y_t, and the exact likelihood of the stationary ARMA
 * w_t - E w_t with the expanded polynomials phi*(B) = phi(B) Phi(B^s), theta*(B) =
 * theta(B) Theta(B^s) is evaluated by the Kalman filter of kalman.c on the
 * n - d - sD differenced values: the convention of gretl and statsmodels (R's arima,
 * which keeps the differencing in the state with a diffuse prior, differs by ~0.003 on
 * the airline model; docs/models.md). The log-likelihood comes with its exact gradient (the
 * reverse pass of hc_kalman_arma_grad), so the fitter optimises every parameter, sigma2
 * included, with analytic derivatives.
 *
 * Natural parameters, in order: [mu | drift], beta_<x>.., ar1..arp, ma1..maq,
 * sar1..sarP, sma1..smaQ, sigma2.
 */
#include "hpcast/spectral.h"
#include "kalman.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC_DIFF_MAX 900 /* d + s D of the differencing polynomial */

typedef struct {
  hc_kalman      kf;
  int            m;                      /* degree of the differencing polynomial d + s D */
  double         delta[HC_DIFF_MAX + 1]; /* (1-B)^d (1-B^s)^D = sum_i delta_i B^i, delta_0 = 1 */
  int            nlag, lag[HC_DIFF_MAX + 1]; /* the lags i of the nonzero delta_i */
  double        *phi, *theta;            /* expanded AR [p + sP] and MA [q + sQ] */
  double        *w;                      /* [n_max] regression-adjusted differenced series */
  hc_kalman_grad g;                      /* score directions: ar, ma, sar, sma (ARMA), then c, beta (data) */
  double        *dphi, *dtheta, *dx;     /* the directions of g, written by directions() */
  hc_fft_cache  *fft;                    /* sample autocovariances of the start */
  /* the CSS pass in g.work (css_forward) is of theta css_at on y css_y[0..css_n-1]; any other use
   * of the work goes through differenced(), which clears css_valid */
  int            css_valid, css_n;
  const double  *css_y;
  double         css_at[HC_MAX_PARAMS];
} sarimax_work;

/* Layout of the natural parameter vector. */
typedef struct {
  int c, beta, ar, ma, sar, sma, s2, k;
} layout;

static int has_const(const hc_spec *s) { return s->d + s->D == 0 || s->drift; }

static layout layout_of(const hc_spec *s)
{
  layout L;
  L.c    = has_const(s) ? 0 : -1;
  L.beta = has_const(s) ? 1 : 0;
  L.ar   = L.beta + s->n_exog;
  L.ma   = L.ar + s->p;
  L.sar  = L.ma + s->q;
  L.sma  = L.sar + s->P;
  L.s2   = L.sma + s->Q;
  L.k    = L.s2 + 1;
  return L;
}

static int sarimax_n_params(const hc_spec *s) { return layout_of(s).k; }

static int sarimax_setup(hc_model *m, int n_max)
{
  const hc_spec *s = &m->spec;
  const int      np = s->p + s->s * s->P, nq = s->q + s->s * s->Q;
  sarimax_work  *w  = calloc(1, sizeof *w);
  if (!w) return ENOMEM;
  w->m = s->d + s->s * s->D;
  if (w->m > HC_DIFF_MAX) {
    free(w);
    return EINVAL;
  }
  /* differencing polynomial by repeated multiplication with (1 - B) and (1 - B^s) */
  w->delta[0] = 1.0;
  int deg     = 0;
  for (int k = 0; k < s->d + s->D; k++) {
    int lag = k < s->d ? 1 : s->s;
    for (int i = deg + lag; i >= lag; i--) w->delta[i] -= w->delta[i - lag];
    deg += lag;
  }
  for (int i = 0; i <= w->m; i++)
    if (w->delta[i] != 0.0) w->lag[w->nlag++] = i;
  layout       L  = layout_of(s);
  const int    ka = L.s2 - L.ar, kx = L.ar, r = np > nq + 1 ? np : nq + 1, nw = n_max > 0 ? n_max : 1;
  const size_t nwork = hc_kalman_grad_work_size(r, nw);
  w->phi           = calloc((size_t)(np + nq + 2) + (size_t)ka * (np + nq) + (size_t)kx * nw + nwork + (size_t)(ka + kx),
                            sizeof *w->phi);
  w->theta         = w->phi + np + 1;
  w->dphi          = w->theta + nq + 1;
  w->dtheta        = w->dphi + (size_t)ka * np;
  w->dx            = w->dtheta + (size_t)ka * nq;
  w->g             = (hc_kalman_grad){.k_arma = ka, .dphi = w->dphi, .dtheta = w->dtheta, .k_x = kx, .dx = w->dx,
                                      .work = w->dx + (size_t)kx * nw};
  w->g.dJ          = w->g.work + nwork;
  w->w             = malloc((size_t)nw * sizeof *w->w);
  int rc           = (w->phi && w->w) ? hc_kalman_create(r, &w->kf) : ENOMEM;
  if (!rc) rc = hc_spectral_cache_create(HC_FFT_ESTIMATE, &w->fft);
  if (rc) {
    hc_kalman_destroy(&w->kf);
    free(w->phi);
    free(w->w);
    free(w);
    return rc;
  }
  m->work = w;
  return 0;
}

static void sarimax_destroy(hc_model *m)
{
  sarimax_work *w = m->work;
  if (!w) return;
  hc_kalman_destroy(&w->kf);
  hc_spectral_cache_destroy(w->fft);
  free(w->phi);
  free(w->w);
  free(w);
  m->work = NULL;
}

static void sarimax_param_names(const hc_model *m, char names[][HC_PNAME_LEN])
{
  const hc_spec *s = &m->spec;
  layout         L = layout_of(s);
  if (L.c >= 0) snprintf(names[L.c], HC_PNAME_LEN, "%s", s->d + s->D ? "drift" : "mu");
  for (int j = 0; j < s->n_exog; j++) {
    if (m->xnames) snprintf(names[L.beta + j], HC_PNAME_LEN, "beta_%.26s", m->xnames[j]);
    else snprintf(names[L.beta + j], HC_PNAME_LEN, "beta_x%d", j + 1);
  }
  for (int i = 0; i < s->p; i++) snprintf(names[L.ar + i], HC_PNAME_LEN, "ar%d", i + 1);
  for (int i = 0; i < s->q; i++) snprintf(names[L.ma + i], HC_PNAME_LEN, "ma%d", i + 1);
  for (int i = 0; i < s->P; i++) snprintf(names[L.sar + i], HC_PNAME_LEN, "sar%d", i + 1);
  for (int i = 0; i < s->Q; i++) snprintf(names[L.sma + i], HC_PNAME_LEN, "sma%d", i + 1);
  snprintf(names[L.s2], HC_PNAME_LEN, "sigma2");
}

/* out[t] = (delta(B) y)_{t+m} = sum_i delta_i y_{t+m-i} over the nonzero delta_i, t = 0..nd-1:
 * a lag at a time, so that the loops vectorise. */
static void diff_series(const sarimax_work *w, const double *y, int nd, double *restrict out)
{
  const double *restrict yd = y + w->m;
  for (int t = 0; t < nd; t++) out[t] = w->delta[w->lag[0]] * yd[t - w->lag[0]];
  for (int k = 1; k < w->nlag; k++) {
    const double coef = w->delta[w->lag[k]];
    const int    lag  = w->lag[k];
    for (int t = 0; t < nd; t++) out[t] += coef * yd[t - lag];
  }
}

/* Regressor j at time t, rows beyond the last given one carried forward (see hc_model_set_exog). */
static double xval(const hc_model *m, int j, int t, int n)
{
  return m->X[(size_t)j * m->ldx + (t <= n ? t : n)];
}

/* d w_t / d c of the constant c_t (mu or drift) in the differenced series: 1 for mu (d + D = 0),
 * the lag the drift is differenced over (1 or s) when d + D = 1 (delta(B) applied to c_t). */
static double c_scale(const hc_spec *s) { return s->d + s->D == 0 || s->d ? 1.0 : (double)s->s; }

/* The constant of the differenced series, c_scale times mu or the drift; 0 without one. */
static double w_const(const hc_spec *s, const double *theta)
{
  layout L = layout_of(s);
  return L.c < 0 ? 0.0 : theta[L.c] * c_scale(s);
}

/* (delta(B) x_j)_t: regressor j differenced like the series. */
static double diff_x(const hc_model *m, int j, int t, int n)
{
  const sarimax_work *w  = m->work;
  double              dx = 0.0;
  for (int k = 0; k < w->nlag; k++) dx += w->delta[w->lag[k]] * xval(m, j, t - w->lag[k], n);
  return dx;
}

/* delta(B) x_t' beta: the regression part of E w_t (0 without regressors). */
static double w_reg(const hc_model *m, const double *theta, int beta, int t, int n)
{
  double e = 0.0;
  for (int j = 0; j < m->spec.n_exog; j++) e += theta[beta + j] * diff_x(m, j, t, n);
  return e;
}

/* Expand phi(B) Phi(B^s) and theta(B) Theta(B^s) (Box, Jenkins & Reinsel 2008, eq. 9.1.7)
 * and check stationarity/invertibility of each factor. Returns 0 if admissible. */
static int expand(hc_model *m, const double *theta)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  layout         L = layout_of(s);
  const int      np = s->p + s->s * s->P, nq = s->q + s->s * s->Q;
  double         u[HC_MAX_PARAMS];
  if (hc_arma_ar_to_pacf(s->p, theta + L.ar, u) || hc_arma_ma_to_u(s->q, theta + L.ma, u) ||
      hc_arma_ar_to_pacf(s->P, theta + L.sar, u) || hc_arma_ma_to_u(s->Q, theta + L.sma, u))
    return 1;
  memset(w->phi, 0, sizeof(double) * (size_t)(np + nq + 2));
  for (int i = 0; i < s->p; i++) w->phi[i] += theta[L.ar + i];
  for (int j = 0; j < s->P; j++) {
    w->phi[s->s * (j + 1) - 1] += theta[L.sar + j];
    for (int i = 0; i < s->p; i++) w->phi[s->s * (j + 1) + i] -= theta[L.ar + i] * theta[L.sar + j];
  }
  for (int i = 0; i < s->q; i++) w->theta[i] += theta[L.ma + i];
  for (int j = 0; j < s->Q; j++) {
    w->theta[s->s * (j + 1) - 1] += theta[L.sma + j];
    for (int i = 0; i < s->q; i++) w->theta[s->s * (j + 1) + i] += theta[L.ma + i] * theta[L.sma + j];
  }
  return 0;
}

/* Differenced, regression-adjusted series into w->w[0..n-m-1] and the expanded polynomials.
 * Returns the number of differenced values, or 0 if theta is inadmissible or n unusable. */
/* w->w[d0..nd-1] of the differenced, regression-adjusted series of y[0..n-1], nd = n - m. */
static void adjusted(hc_model *m, const double *theta, const double *y, int n, int d0)
{
  const hc_spec *s  = &m->spec;
  sarimax_work  *w  = m->work;
  const int      nd = n - w->m;
  const double   c0 = w_const(s, theta);
  const int      beta = layout_of(s).beta;
  diff_series(w, y + d0, nd - d0, w->w + d0);
  for (int t = d0; t < nd; t++) w->w[t] -= c0;
  if (s->n_exog)
    for (int t = d0; t < nd; t++) w->w[t] -= w_reg(m, theta, beta, t + w->m, n);
}

static int differenced(hc_model *m, const double *theta, const double *y, int n)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  const int      nd = n - w->m;
  w->css_valid = 0;
  if (n > m->n_max || nd < 1 || (s->n_exog && !m->X) || expand(m, theta)) return 0;
  adjusted(m, theta, y, n, 0);
  return nd;
}

/* The filter over the differenced series for forecasts (with_P: keeps P_{n+1|n}) and residuals. */
static int sarimax_filter(hc_model *m, const double *theta, const double *y, int n, double *ssq, double *slf,
                          double *resid, int with_P)
{
  const hc_spec *s  = &m->spec;
  sarimax_work  *w  = m->work;
  const int      nd = differenced(m, theta, y, n);
  return !nd || hc_kalman_arma(&w->kf, s->p + s->s * s->P, s->q + s->s * s->Q, w->phi, w->theta, w->w, nd, ssq, slf, resid, with_P);
}

/* Directions of the score into w->g: d phi* / d theta_k and d theta* / d theta_k of the expanded
 * polynomials (the derivatives of expand()) for the ARMA parameters, and d w_t / d theta_k of
 * the differenced series for the constant and the regression coefficients. */
static void directions(hc_model *m, const double *theta, int n)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  layout         L = layout_of(s);
  const int      np = s->p + s->s * s->P, nq = s->q + s->s * s->Q, ka = w->g.k_arma, nd = n - w->m;
  memset(w->dphi, 0, sizeof(double) * (size_t)ka * (size_t)(np + nq));
  for (int i = 0; i < s->p; i++) { /* ar_i */
    double *d = w->dphi + (size_t)i * np;
    d[i]      = 1.0;
    for (int j = 0; j < s->P; j++) d[s->s * (j + 1) + i] -= theta[L.sar + j];
  }
  for (int j = 0; j < s->P; j++) { /* sar_j */
    double *d              = w->dphi + (size_t)(L.sar - L.ar + j) * np;
    d[s->s * (j + 1) - 1] = 1.0;
    for (int i = 0; i < s->p; i++) d[s->s * (j + 1) + i] -= theta[L.ar + i];
  }
  for (int i = 0; i < s->q; i++) { /* ma_i */
    double *d = w->dtheta + (size_t)(L.ma - L.ar + i) * nq;
    d[i]      = 1.0;
    for (int j = 0; j < s->Q; j++) d[s->s * (j + 1) + i] += theta[L.sma + j];
  }
  for (int j = 0; j < s->Q; j++) { /* sma_j */
    double *d              = w->dtheta + (size_t)(L.sma - L.ar + j) * nq;
    d[s->s * (j + 1) - 1] = 1.0;
    for (int i = 0; i < s->q; i++) d[s->s * (j + 1) + i] += theta[L.ma + i];
  }
  if (L.c >= 0) /* rows of length nd */
    for (int t = 0; t < nd; t++) w->dx[t] = -c_scale(s);
  for (int j = 0; j < s->n_exog; j++)
    for (int t = 0; t < nd; t++) w->dx[(size_t)(L.beta + j) * nd + t] = -diff_x(m, j, t + w->m, n);
}

/* Exact log-likelihood -1/2 (nd log(2 pi sigma2) + sumlogF + ssq / sigma2) of the differenced
 * series and its gradient: d/d theta_k = -1/2 dJ/d theta_k with J = sumlogF + ssq / sigma2 (the
 * reverse pass of hc_kalman_arma_grad), d/d sigma2 = -1/2 (nd / sigma2 - ssq / sigma2^2). */
static int sarimax_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  layout         L = layout_of(s);
  double         ssq, slf, s2 = theta[L.s2];
  const int      nd = s2 > 0 ? differenced(m, theta, y, n) : 0;
  if (!nd) return 1;
  if (grad) {
    directions(m, theta, n);
    w->g.c = 1.0 / s2;
  }
  if (hc_kalman_arma_grad(&w->kf, s->p + s->s * s->P, s->q + s->s * s->Q, w->phi, w->theta, w->w, nd, grad ? &w->g : NULL,
                          &ssq, &slf))
    return 1;
  *ll = -0.5 * (nd * log(2.0 * M_PI * s2) + slf + ssq / s2);
  if (grad) {
    const int ka = w->g.k_arma;
    for (int k = 0; k < ka; k++) grad[L.ar + k] = -0.5 * w->g.dJ[k];
    for (int k = 0; k < L.ar; k++) grad[k] = -0.5 * w->g.dJ[ka + k];
    grad[L.s2] = -0.5 * (nd / s2 - ssq / (s2 * s2));
  }
  return !isfinite(*ll);
}

int hc_sarimax_sigma2_curvature(const hc_model *m, const double *theta, const double *grad, int n, double *h)
{
  if (m->spec.vol != HC_VOL_NONE) return -1; /* the family of the spec (hc_model_create) */
  const int    iv = layout_of(&m->spec).s2;
  const double s2 = theta[iv], nd = n - ((const sarimax_work *)m->work)->m;
  *h              = -0.5 * nd / (s2 * s2) - 2.0 * grad[iv] / s2;
  return iv;
}

int hc_sarimax_has_css_hessian(const hc_model *m)
{
  const hc_spec *s = &m->spec;
  return s->vol == HC_VOL_NONE && s->P == 0 && s->Q == 0 && s->n_exog == 0; /* the family of the spec (hc_model_create) */
}

/* sum_t u_{t-lu} v_{t-lv} over t = 0..n-1, the values at negative indices zero (hc_dot8). */
static double dot_lag(const double *u, int lu, const double *v, int lv, int n)
{
  const int t0 = lu > lv ? lu : lv;
  return hc_dot8(n - t0, u + t0 - lu, v + t0 - lv);
}

/* Derivatives of the CSS residuals as lagged series: d e_t / d beta_a = coef * z_{t - lag}. */
typedef struct {
  const double *z;
  int           lag;
  double        coef;
} lagged;

/* CSS residuals of ARMA(p,q) with zero presample values (x_t = e_t = 0 for t < 0), e = F phi(B) x
 * with F = 1 / theta(B), and the filtered series their derivatives are made of (all through F, a
 * causal filter with zero initial values, so that F and the lags B^i commute):
 *   d e / d phi_i = -B^i A, d e / d theta_j = -B^j D, d e / d c = -s G, A = F x, D = F e,
 *   G = F phi(B) 1 (the constant c enters x as -s c from t = 0 on);
 *   d^2 e / d phi_i d theta_j = B^{i+j} F A, d^2 e / d theta_j d theta_l = 2 B^{j+l} F D,
 *   d^2 e / d c d phi_i = s B^i F 1, d^2 e / d c d theta_j = s B^j F G, the others zero
 * (d F / d theta_j = -F B^j F). Box, Jenkins & Reinsel (2008) sec. 7.2.3 derive the first
 * derivatives the same way. css_forward makes e, A, D, G and the series of ones (nd values each,
 * in that order in w->g.work, the reverse pass's work, free between evaluations; kept for the next
 * call at the same point) and d1, the first derivatives d e / d beta_a as lagged series; it
 * returns nd, 0 if theta is inadmissible. */
static int css_forward(hc_model *m, const double *theta, const double *y, int n, lagged *d1)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  const layout   L  = layout_of(s);
  const int      p = s->p, q = s->q, k = L.k;
  const int      same = w->css_valid && w->css_y == y && w->css_n == n && !memcmp(w->css_at, theta, (size_t)k * sizeof *theta);
  const int      nd = same ? n - w->m : theta[L.s2] > 0 ? differenced(m, theta, y, n) : 0;
  if (!nd) return 0;
  if (L.c >= 0) d1[L.c] = (lagged){w->g.work + 3 * nd, 0, -c_scale(s)};
  for (int i = 1; i <= p; i++) d1[L.ar + i - 1] = (lagged){w->g.work + nd, i, -1.0};
  for (int j = 1; j <= q; j++) d1[L.ma + j - 1] = (lagged){w->g.work + 2 * nd, j, -1.0};
  if (same) return nd; /* the pass of the evaluation before, at the same point (the Hessian after the gradient) */
  const double *x = w->w, *phi = w->phi, *th = w->theta;
  double       *e = w->g.work, *A = e + nd, *D = A + nd, *G = D + nd, *one = G + 2 * nd;
  /* the recursions keep their values of t - 1 in registers (e1, a1, d1_, g1), so that each step
   * waits for one multiply-add of the step before, not for a reload; from t0 = max(p, q) on every
   * lag is in the sample and phi(B) 1 is the constant gs */
  const double th1 = q > 0 ? th[0] : 0.0;
  const int    t0  = p > q ? p : q;
  double       e1 = 0.0, a1 = 0.0, dd1 = 0.0, g1 = 0.0, gs = 1.0;
  for (int i = 1; i <= p; i++) gs -= phi[i - 1];
  for (int t = 0; t < nd; t++) {
    double ve = x[t], vg = gs, va = x[t], vd = 0.0;
    if (t < t0) {
      vg = 1.0;
      for (int i = 1; i <= p && i <= t; i++) {
        ve -= phi[i - 1] * x[t - i];
        vg -= phi[i - 1];
      }
      for (int j = 2; j <= q && j <= t; j++) {
        ve -= th[j - 1] * e[t - j];
        va -= th[j - 1] * A[t - j];
        vg -= th[j - 1] * G[t - j];
        vd -= th[j - 1] * D[t - j];
      }
    } else {
      for (int i = 1; i <= p; i++) ve -= phi[i - 1] * x[t - i];
      for (int j = 2; j <= q; j++) {
        ve -= th[j - 1] * e[t - j];
        va -= th[j - 1] * A[t - j];
        vg -= th[j - 1] * G[t - j];
        vd -= th[j - 1] * D[t - j];
      }
    }
    ve -= th1 * e1; /* zero at t = 0 */
    va -= th1 * a1;
    vg -= th1 * g1;
    vd += ve - th1 * dd1;
    e[t] = e1 = ve, A[t] = a1 = va, D[t] = dd1 = vd, G[t] = g1 = vg, one[t] = 1.0;
  }
  w->css_valid = 1, w->css_y = y, w->css_n = n;
  memcpy(w->css_at, theta, (size_t)k * sizeof *theta);
  return nd;
}

int hc_sarimax_css_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  if (!hc_sarimax_has_css_hessian(m)) return -1;
  const layout L = layout_of(&m->spec);
  lagged       d1[HC_MAX_PARAMS];
  const int    nd = css_forward(m, theta, y, n, d1);
  if (!nd) return 1;
  const double *e = ((sarimax_work *)m->work)->g.work, s2 = theta[L.s2], ssq = dot_lag(e, 0, e, 0, nd);
  *ll = -0.5 * (nd * log(2.0 * M_PI * s2) + ssq / s2);
  if (grad) {
    for (int a = 0; a < L.s2; a++) grad[a] = -d1[a].coef * dot_lag(e, 0, d1[a].z, d1[a].lag, nd) / s2;
    grad[L.s2] = -0.5 * nd / s2 + 0.5 * ssq / (s2 * s2);
  }
  return !isfinite(*ll);
}

/* The second-order terms sum_t e_t (F z)_{t-l} are sum_t z_t E_{t+l} with E = F' e, the adjoint
 * (anti-causal) filter E_t = e_t - sum_j theta_j E_{t+j}: one backward pass instead of one
 * forward pass per z. */
int hc_sarimax_css_hessian(hc_model *m, const double *theta, const double *y, int n, double *H)
{
  if (!hc_sarimax_has_css_hessian(m)) return -1;
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  const layout   L  = layout_of(s);
  const int      p = s->p, q = s->q, k = L.k, nb = L.s2;
  lagged         d1[HC_MAX_PARAMS];
  const int      nd = css_forward(m, theta, y, n, d1);
  if (!nd) return 1;
  const double  s2 = theta[L.s2], cs = c_scale(s), *th = w->theta;
  double       *e = w->g.work, *A = e + nd, *D = A + nd, *G = D + nd, *E = G + nd, *one = E + nd;
  const double th1 = q > 0 ? th[0] : 0.0;
  double E1 = 0.0;
  for (int t = nd - 1; t >= 0; t--) {
    double ve = e[t];
    for (int j = 2; j <= q && t + j < nd; j++) ve -= th[j - 1] * E[t + j];
    E[t] = E1 = ve - th1 * E1;
  }
  /* sum_t z_t E_{t+l} = dot_lag(z, l, E, 0) */
  const double ssq = dot_lag(e, 0, e, 0, nd);
  for (int a = 0; a < nb; a++) {
    const double ea = d1[a].coef * dot_lag(e, 0, d1[a].z, d1[a].lag, nd); /* sum e_t d e_t / d beta_a */
    H[a * k + L.s2] = H[L.s2 * k + a] = ea / (s2 * s2);
    for (int b = 0; b <= a; b++) {
      double v = d1[a].coef * d1[b].coef * dot_lag(d1[a].z, d1[a].lag, d1[b].z, d1[b].lag, nd);
      const int ia = a - L.ar, ib = b - L.ar; /* ARMA positions: ar for 0..p-1, ma for p..p+q-1 */
      if (L.c >= 0 && b == L.c && a != L.c) v += cs * dot_lag(ia < p ? one : G, ia < p ? ia + 1 : ia - p + 1, E, 0, nd);
      else if (ia >= p && ib >= 0)
        v += ib < p ? dot_lag(A, ib + 1 + ia - p + 1, E, 0, nd) : 2.0 * dot_lag(D, ia - p + 1 + ib - p + 1, E, 0, nd);
      H[a * k + b] = H[b * k + a] = -v / s2;
    }
  }
  /* Hessian of the CSS log-likelihood -1/2 (nd log(2 pi sigma2) + sum_t e_t^2 / sigma2) */
  H[L.s2 * k + L.s2] = 0.5 * nd / (s2 * s2) - ssq / (s2 * s2 * s2);
  return 0;
}

static void sarimax_transform(const hc_model *m, const double *theta, double *u)
{
  const hc_spec *s = &m->spec;
  layout         L = layout_of(s);
  for (int i = 0; i < L.ar; i++) u[i] = theta[i];
  hc_arma_ar_to_pacf(s->p, theta + L.ar, u + L.ar);
  hc_arma_ma_to_u(s->q, theta + L.ma, u + L.ma);
  hc_arma_ar_to_pacf(s->P, theta + L.sar, u + L.sar);
  hc_arma_ma_to_u(s->Q, theta + L.sma, u + L.sma);
  u[L.s2] = log(theta[L.s2]);
}

static void sarimax_untransform(const hc_model *m, const double *u, double *theta)
{
  const hc_spec *s = &m->spec;
  layout         L = layout_of(s);
  for (int i = 0; i < L.ar; i++) theta[i] = u[i];
  hc_arma_pacf_to_ar(s->p, u + L.ar, theta + L.ar);
  hc_arma_u_to_ma(s->q, u + L.ma, theta + L.ma);
  hc_arma_pacf_to_ar(s->P, u + L.sar, theta + L.sar);
  hc_arma_u_to_ma(s->Q, u + L.sma, theta + L.sma);
  theta[L.s2] = exp(u[L.s2]);
}

#define HC_WHITTLE_LAGS 512 /* most lags of Whittle's criterion in the start (0.98^512 < 3e-5) */
#define HC_WHITTLE_MIN_N 200 /* shortest differenced series on which the start searches root pairs */

/* Whittle's criterion for the start: the sample autocovariances acov[0..H] of the series and
 * the work of hc_arma_acov for the inverse model. */
typedef struct {
  int           H;
  const double *acov;
  double        rho[HC_WHITTLE_LAGS + 1], psi[HC_MAX_PARAMS + 1], c[HC_MAX_PARAMS + 1];
  double        lu[(HC_MAX_PARAMS + 1) * (HC_MAX_PARAMS + 1)];
  int           ipiv[HC_MAX_PARAMS + 1];
} whittle;

/* Whittle's (1953) estimate of the innovation variance of ARMA(p,q) phi, theta on a series with
 * sample autocovariances acov: sigma2 = sum_{|h| <= H} acov_h rho_h, rho the autocovariances of
 * the inverse model theta(B) z_t = phi(B) e_t (unit variance), i.e. the mean square of the
 * innovations (phi(B) / theta(B)) x_t. For stationary invertible models the log spectral
 * density integrates to log sigma2, so -n/2 log sigma2 is Whittle's profile log-likelihood.
 * INFINITY if the inverse model is not stationary (theta not invertible). */
static double whittle_s2(whittle *wh, int p, const double *phi, int q, const double *theta)
{
  double a[HC_MAX_PARAMS], b[HC_MAX_PARAMS];
  for (int j = 0; j < q; j++) a[j] = -theta[j];
  for (int i = 0; i < p; i++) b[i] = -phi[i];
  if (hc_arma_acov(q, a, p, b, wh->H, wh->rho, p + 1, wh->psi, wh->c, wh->lu, wh->ipiv)) return INFINITY;
  double s = wh->acov[0] * wh->rho[0];
  for (int h = 1; h <= wh->H; h++) s += 2.0 * wh->acov[h] * wh->rho[h];
  return s;
}

/* A near-cancelling pair of AR and MA roots, the other coefficients zero: AR roots
 * ra e^{+-iw} and MA roots rm e^{+-iw} (needs p, q >= 2), or for p or q = 1 the real roots
 * ra cos(w), -rm cos(w) with w = 0 or pi. Returns Whittle's sigma2 of the pair. */
static double pair_s2(whittle *wh, int p, int q, double w, double ra, double rm, double *phi, double *theta)
{
  memset(phi, 0, sizeof(double) * (size_t)p);
  memset(theta, 0, sizeof(double) * (size_t)q);
  if (p >= 2 && q >= 2) {
    phi[0]   = 2.0 * ra * cos(w);
    phi[1]   = -ra * ra;
    theta[0] = -2.0 * rm * cos(w);
    theta[1] = rm * rm;
  } else {
    phi[0]   = ra * cos(w);
    theta[0] = -rm * cos(w);
  }
  return whittle_s2(wh, p, phi, q, theta);
}

/* The best near-cancelling root pair by Whittle's criterion: a grid of frequencies (64 in
 * (0, pi) for complex roots; 0 and pi for real ones) and four radius pairs (AR inside or
 * outside the MA radius: a dip or a peak of the spectrum), scored on the first half of the
 * lags, then a compass search on all of them over the
 * frequency and log(1 - radius) (radii <= 0.98). Such pairs model a narrow spectral feature
 * and are the shape of the highest optima on daily returns (docs/models.md). Writes the
 * coefficients to phi[p], theta[q] and returns their sigma2. */
static double pair_search(whittle *wh, int p, int q, double *phi, double *theta)
{
  static const double radii[4][2] = {{0.90, 0.94}, {0.95, 0.97}, {0.94, 0.90}, {0.97, 0.95}};
  const int           cx = p >= 2 && q >= 2, nw = cx ? 64 : 2, H = wh->H;
  double              best = INFINITY, x[3] = {0}, tmp[2 * HC_MAX_PARAMS];
  wh->H = H < HC_WHITTLE_LAGS / 2 ? H : HC_WHITTLE_LAGS / 2; /* the grid's radii <= 0.97: 0.97^256 < 5e-4 */
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < nw; i++) {
      double w = cx ? (i + 0.5) * M_PI / nw : i * M_PI, s2 = pair_s2(wh, p, q, w, radii[k][0], radii[k][1], tmp, tmp + p);
      if (s2 < best) {
        best = s2;
        x[0] = w;
        x[1] = log(1.0 - radii[k][0]);
        x[2] = log(1.0 - radii[k][1]);
      }
    }
  wh->H = H;
  best  = pair_s2(wh, p, q, x[0], 1.0 - exp(x[1]), 1.0 - exp(x[2]), tmp, tmp + p);
  const double lo = log(1.0 - 0.98);
  double       step[3] = {cx ? M_PI / (2.0 * nw) : 0.0, 0.25, 0.25};
  for (int halvings = 0, evals = 0; halvings < 6 && evals < 80;) {
    int moved = 0;
    for (int c = cx ? 0 : 1; c < 3; c++)
      for (int sg = -1; sg <= 1; sg += 2) {
        double y[3] = {x[0], x[1], x[2]};
        y[c] += sg * step[c];
        if ((cx && (y[0] <= 0.0 || y[0] >= M_PI)) || y[1] < lo || y[2] < lo) continue;
        double s2 = pair_s2(wh, p, q, y[0], 1.0 - exp(y[1]), 1.0 - exp(y[2]), tmp, tmp + p);
        evals++;
        if (s2 < best) {
          best = s2;
          memcpy(x, y, sizeof x);
          moved = 1;
        }
      }
    if (!moved) {
      for (int c = 0; c < 3; c++) step[c] *= 0.5;
      halvings++;
    }
  }
  return pair_s2(wh, p, q, x[0], 1.0 - exp(x[1]), 1.0 - exp(x[2]), phi, theta);
}

/* Sample autocorrelation of x[0..n-1] (mean removed) at lag h (Brockwell & Davis 2002, eq. 1.4.4). */
static double acf_at(const double *x, int n, int h)
{
  double mean = 0.0, c0 = 0.0, ch = 0.0;
  for (int t = 0; t < n; t++) mean += x[t];
  mean /= n;
  for (int t = 0; t < n; t++) c0 += (x[t] - mean) * (x[t] - mean);
  for (int t = h; t < n; t++) ch += (x[t] - mean) * (x[t - h] - mean);
  return c0 > 0 && h < n ? ch / c0 : 0.0;
}

/* Moment estimates of a seasonal ARMA(P,Q)_s with P, Q <= 1 from the autocorrelations rho_s,
 * rho_2s of the series (Box, Jenkins & Reinsel 2008, sec. 6.3.3, in the lag B^s): SAR(1)
 * Phi = rho_s; SMA(1) the invertible root of rho_s = Theta / (1 + Theta^2); SARMA(1,1)
 * Phi = rho_2s / rho_s and the invertible root of rho_s (1 + 2 Phi Theta + Theta^2) =
 * (1 + Phi Theta)(Phi + Theta). Coefficients are kept within +-0.9; none for P or Q > 1. */
static void seasonal_start(const hc_spec *s, const double *x, int n, double *sar, double *sma)
{
  if (s->s < 2 || s->P > 1 || s->Q > 1 || s->P + s->Q == 0) return;
  const double r1 = acf_at(x, n, s->s), r2 = acf_at(x, n, 2 * s->s);
  double       Phi = 0.0, Theta = 0.0;
  if (s->P) Phi = s->Q ? (fabs(r1) > 1e-3 ? r2 / r1 : 0.0) : r1;
  Phi = fmax(-0.9, fmin(0.9, Phi));
  if (s->Q) { /* a Theta^2 + b Theta + a = 0, a = rho - Phi, b = 2 rho Phi - 1 - Phi^2: roots t, 1/t */
    const double a = r1 - Phi, b = 2.0 * r1 * Phi - 1.0 - Phi * Phi, disc = b * b - 4.0 * a * a;
    Theta = fabs(a) < 1e-12 ? 0.0 : (disc > 0 ? (-b - copysign(sqrt(disc), b)) / (2.0 * a) : -copysign(1.0, b));
    if (fabs(Theta) > 1.0) Theta = 1.0 / Theta;
    Theta = fmax(-0.9, fmin(0.9, Theta));
  }
  if (s->P) sar[0] = Phi;
  if (s->Q) sma[0] = Theta;
}

/* Start: OLS of the differenced series on the constant and the differenced regressors;
 * for the ARMA part of the residual, the Hannan-Rissanen estimate or, when Whittle's
 * criterion prefers it, the best near-cancelling root pair (pair_search); the seasonal
 * part by moments (seasonal_start); sigma2 = ssq / n_d of the exact filter at these values. */
static int sarimax_start(hc_model *m, const double *y, int n, double *theta)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  layout         L = layout_of(s);
  const int      nd = n - w->m, nc = L.ar; /* regression columns: const + exog */
  if (nd < 3 || (s->n_exog && !m->X)) return 1;
  memset(theta, 0, sizeof(double) * (size_t)L.k);
  double *Z = malloc((size_t)nd * (size_t)(nc + 1) * sizeof *Z), *r = Z + (size_t)nd * nc, hr[2 + 2 * HC_MAX_PARAMS];
  if (!Z) return 1;
  diff_series(w, y, nd, r);
  for (int t = 0; t < nd; t++) {
    if (L.c >= 0) Z[t] = 1.0;
    for (int j = 0; j < s->n_exog; j++) Z[(size_t)(L.beta + j) * nd + t] = diff_x(m, j, t + w->m, n);
  }
  const int mean_only = nc == 1 && L.c >= 0; /* the constant alone: its least-squares value is the mean */
  if (mean_only) {
    double sum = 0.0;
    for (int t = 0; t < nd; t++) sum += r[t];
    theta[L.c] = sum / nd;
  }
  if (mean_only || (nc > 0 && !hc_ols(nd, nc, Z, r, theta))) {
    for (int t = 0; t < nd; t++) {
      double fit = 0.0;
      for (int j = 0; j < nc; j++) fit += Z[(size_t)j * nd + t] * theta[j];
      r[t] -= fit;
    }
    if (L.c >= 0) theta[L.c] /= c_scale(s); /* a drift per observation */
  }
  double v = 0.0;
  for (int t = 0; t < nd; t++) v += r[t] * r[t];
  theta[L.s2] = nd > 1 && v > 0 ? v / nd : 1.0;
  if (!hc_arma_hannan_rissanen(s->p, s->q, r, nd, hr)) {
    for (int i = 0; i < s->p + s->q; i++) theta[L.ar + i] = hr[1 + i];
    theta[L.s2] = hr[1 + s->p + s->q];
  }
  double acov[HC_WHITTLE_LAGS + 1];
  whittle wh = {.H = nd - 1 < HC_WHITTLE_LAGS ? nd - 1 : HC_WHITTLE_LAGS, .acov = acov};
  if (s->p >= 1 && s->q >= 1 && nd >= HC_WHITTLE_MIN_N && !hc_spectral_acf(w->fft, r, nd, wh.H, acov, NULL)) {
    double pair[2 * HC_MAX_PARAMS], s2_pair = pair_search(&wh, s->p, s->q, pair, pair + s->p);
    if (s2_pair < whittle_s2(&wh, s->p, theta + L.ar, s->q, theta + L.ma)) {
      memcpy(theta + L.ar, pair, sizeof(double) * (size_t)(s->p + s->q));
      theta[L.s2] = s2_pair;
    }
  }
  seasonal_start(s, r, nd, theta + L.sar, theta + L.sma);
  free(Z);
  /* sigma2 at its maximiser given the other parameters, ssq / nd of the exact filter */
  double ssq, slf;
  if (differenced(m, theta, y, n) &&
      !hc_kalman_arma_grad(&w->kf, s->p + s->s * s->P, s->q + s->s * s->Q, w->phi, w->theta, w->w, nd, NULL, &ssq, &slf) &&
      ssq > 0)
    theta[L.s2] = ssq / nd;
  return 0;
}

/* h-step forecasts of y: the Kalman forecasts of the differenced ARMA (exact, with their
 * joint error covariance), integrated by y_t = w_t - sum_{i>=1} delta_i y_{t-i}; the
 * error of y_{n+h} is sum_k kappa_{h-k} e^w_{n+k} with kappa the coefficients of 1/delta(B)
 * (Box, Jenkins & Reinsel 2008, sec. 5.2). */
static int forecast_from_state(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  sarimax_work *w  = m->work;
  const double  s2 = theta[m->n_params - 1];
  double *cov = malloc(sizeof(double) * ((size_t)H * H + 2 * (size_t)H + (size_t)w->m));
  if (!cov) return 1;
  double *xw = cov + (size_t)H * H, *kappa = xw + H, *hist = kappa + H;
  hc_kalman_forecast(&w->kf, H, xw, cov);
  const double c0 = w_const(&m->spec, theta);
  const int    beta = layout_of(&m->spec).beta;
  for (int h = 0; h < H; h++) {
    kappa[h] = h == 0 ? 1.0 : 0.0;
    for (int i = 1; i <= w->m && i <= h; i++) kappa[h] -= w->delta[i] * kappa[h - i];
  }
  /* hist holds the last m values of y (observed, then forecast), oldest first */
  for (int i = 0; i < w->m; i++) hist[i] = y[n - w->m + i];
  for (int h = 0; h < H; h++) {
    double yf = xw[h] + c0 + w_reg(m, theta, beta, n + h, n);
    for (int i = 1; i <= w->m; i++) yf -= w->delta[i] * hist[w->m - i];
    if (w->m) {
      memmove(hist, hist + 1, sizeof(double) * (size_t)(w->m - 1));
      hist[w->m - 1] = yf;
    }
    mean[h]  = yf;
    double v = 0.0;
    for (int k = 0; k <= h; k++)
      for (int l = 0; l <= h; l++) v += kappa[h - k] * kappa[h - l] * cov[k * H + l];
    var[h] = s2 * v;
  }
  free(cov);
  return 0;
}

static int sarimax_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  double ssq, slf;
  return sarimax_filter(m, theta, y, n, &ssq, &slf, NULL, 1) || forecast_from_state(m, theta, y, n, H, mean, var);
}

/* The new observations y[n0..n-1] through the steady filter of the last forecast (same theta). */
static int sarimax_forecast_update(hc_model *m, const double *theta, const double *y, int n0, int n, int H, double *mean, double *var)
{
  sarimax_work *w = m->work;
  const int     d0 = n0 - w->m;
  if (d0 < 1 || n0 > n || n > m->n_max || (m->spec.n_exog && !m->X)) return 1;
  adjusted(m, theta, y, n, d0);
  return hc_kalman_arma_extend(&w->kf, w->w + d0, n - n0) || forecast_from_state(m, theta, y, n, H, mean, var);
}

static int sarimax_residuals(hc_model *m, const double *theta, const double *y, int n, double *z)
{
  double ssq, slf, s = sqrt(theta[m->n_params - 1]);
  if (!(s > 0) || sarimax_filter(m, theta, y, n, &ssq, &slf, z, 0)) return -1;
  const int nd = n - ((sarimax_work *)m->work)->m;
  for (int t = 0; t < nd; t++) z[t] /= s;
  return nd;
}

static int sarimax_n_obs(const hc_model *m, int n) { return n - ((const sarimax_work *)m->work)->m; }

static int sarimax_serves(const hc_spec *s) { return s->vol == HC_VOL_NONE; }

static unsigned sarimax_capabilities(const hc_model *m) { return hc_sarimax_has_css_hessian(m) ? HC_CAP_NEWTON_HESSIAN : 0u; }

const hc_model_ops hc_sarimax_ops = {
  .family         = "SARIMAX",
  .n_params       = sarimax_n_params,
  .setup          = sarimax_setup,
  .destroy        = sarimax_destroy,
  .param_names    = sarimax_param_names,
  .start          = sarimax_start,
  .loglik         = sarimax_loglik,
  .has_gradient   = 1,
  .transform      = sarimax_transform,
  .untransform    = sarimax_untransform,
  .forecast       = sarimax_forecast,
  .forecast_update = sarimax_forecast_update,
  .n_obs          = sarimax_n_obs,
  .residuals      = sarimax_residuals,
  .serves          = sarimax_serves,
  .likelihood_of_y = 1,
  .capabilities    = sarimax_capabilities,
  .newton_hessian  = hc_sarimax_css_hessian,
  .conditional_loglik = hc_sarimax_css_loglik,
  .curvature       = hc_sarimax_sigma2_curvature,
};
