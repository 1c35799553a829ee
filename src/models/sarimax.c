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
 * the airline model; docs/models.md). The fitter optimises the profile likelihood in
 * sigma2 (sigma2_hat = ssq / n_d), as R's arima does.
 *
 * Natural parameters, in order: [mu | drift], beta_<x>.., ar1..arp, ma1..maq,
 * sar1..sarP, sma1..smaQ, sigma2.
 */
#include "models_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC_DIFF_MAX 900 /* d + s D of the differencing polynomial */

typedef struct {
  hc_kalman kf;
  int       m;                  /* degree of the differencing polynomial d + s D */
  double    delta[HC_DIFF_MAX + 1]; /* (1-B)^d (1-B^s)^D = sum_i delta_i B^i, delta_0 = 1 */
  double   *phi, *theta;        /* expanded AR [p + sP] and MA [q + sQ] */
  double   *w;                  /* [n_max] regression-adjusted differenced series */
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
  w->phi   = calloc((size_t)(np + nq + 2), sizeof *w->phi);
  w->theta = w->phi + np + 1;
  w->w     = malloc((size_t)(n_max > 0 ? n_max : 1) * sizeof *w->w);
  int rc   = (w->phi && w->w) ? hc_kalman_create(np > nq + 1 ? np : nq + 1, &w->kf) : ENOMEM;
  if (rc) {
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

/* Regressor j at time t, rows beyond the last given one carried forward (see hc_model_set_exog). */
static double xval(const hc_model *m, int j, int t, int n)
{
  return m->X[(size_t)j * m->ldx + (t <= n ? t : n)];
}

/* The constant of the differenced series: mu when d + D = 0, the drift times the lag it is
 * differenced over (1 or s) when d + D = 1, else 0 (delta(B) applied to c_t). */
static double w_const(const hc_spec *s, const double *theta)
{
  layout L = layout_of(s);
  if (L.c < 0) return 0.0;
  return s->d + s->D == 0 ? theta[L.c] : theta[L.c] * (s->d ? 1.0 : (double)s->s);
}

/* (delta(B) x_j)_t: regressor j differenced like the series. */
static double diff_x(const hc_model *m, int j, int t, int n)
{
  const sarimax_work *w  = m->work;
  double              dx = 0.0;
  for (int i = 0; i <= w->m; i++) dx += w->delta[i] * xval(m, j, t - i, n);
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

/* Differenced, regression-adjusted series into w->w[0..n-m-1] and the filter over it. */
static int sarimax_filter(hc_model *m, const double *theta, const double *y, int n, double *ssq, double *slf,
                          double *resid)
{
  const hc_spec *s = &m->spec;
  sarimax_work  *w = m->work;
  const int      nd = n - w->m;
  if (n > m->n_max || nd < 1 || (s->n_exog && !m->X) || expand(m, theta)) return 1;
  const double c0 = w_const(s, theta);
  const int    beta = layout_of(s).beta;
  for (int t = 0; t < nd; t++) {
    double v = 0.0;
    for (int i = 0; i <= w->m; i++) v += w->delta[i] * y[t + w->m - i];
    w->w[t] = v - c0 - (s->n_exog ? w_reg(m, theta, beta, t + w->m, n) : 0.0);
  }
  return hc_kalman_arma(&w->kf, s->p + s->s * s->P, s->q + s->s * s->Q, w->phi, w->theta, w->w, nd, ssq, slf, resid);
}

static int sarimax_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  (void)grad;
  const int nd = n - ((sarimax_work *)m->work)->m;
  double    ssq, slf, s2 = theta[m->n_params - 1];
  if (!(s2 > 0) || sarimax_filter(m, theta, y, n, &ssq, &slf, NULL)) return 1;
  *ll = -0.5 * (nd * log(2.0 * M_PI * s2) + slf + ssq / s2);
  return !isfinite(*ll);
}

static int sarimax_profile_loglik(hc_model *m, double *theta, const double *y, int n, double *ll)
{
  const int nd = n - ((sarimax_work *)m->work)->m;
  double    ssq, slf;
  if (sarimax_filter(m, theta, y, n, &ssq, &slf, NULL)) return 1;
  double s2 = ssq / nd;
  if (!(s2 > 0)) return 1;
  theta[m->n_params - 1] = s2;
  *ll                    = -0.5 * (nd * log(2.0 * M_PI * s2) + slf + nd);
  return !isfinite(*ll);
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

/* Start: OLS of the differenced series on the constant and the differenced regressors,
 * Hannan-Rissanen for the non-seasonal ARMA of the residual, seasonal coefficients 0. */
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
  for (int t = 0; t < nd; t++) {
    double v = 0.0;
    for (int i = 0; i <= w->m; i++) v += w->delta[i] * y[t + w->m - i];
    r[t] = v;
    if (L.c >= 0) Z[t] = 1.0;
    for (int j = 0; j < s->n_exog; j++) Z[(size_t)(L.beta + j) * nd + t] = diff_x(m, j, t + w->m, n);
  }
  if (nc > 0 && !hc_ols(nd, nc, Z, r, theta)) {
    for (int t = 0; t < nd; t++) {
      double fit = 0.0;
      for (int j = 0; j < nc; j++) fit += Z[(size_t)j * nd + t] * theta[j];
      r[t] -= fit;
    }
    if (L.c >= 0 && s->d + s->D) theta[L.c] /= (s->d ? 1.0 : (double)s->s); /* slope per observation */
  }
  double v = 0.0;
  for (int t = 0; t < nd; t++) v += r[t] * r[t];
  theta[L.s2] = nd > 1 && v > 0 ? v / nd : 1.0;
  if (!hc_arma_hannan_rissanen(s->p, s->q, r, nd, hr)) {
    for (int i = 0; i < s->p + s->q; i++) theta[L.ar + i] = hr[1 + i];
    theta[L.s2] = hr[1 + s->p + s->q];
  }
  free(Z);
  return 0;
}

/* h-step forecasts of y: the Kalman forecasts of the differenced ARMA (exact, with their
 * joint error covariance), integrated by y_t = w_t - sum_{i>=1} delta_i y_{t-i}; the
 * error of y_{n+h} is sum_k kappa_{h-k} e^w_{n+k} with kappa the coefficients of 1/delta(B)
 * (Box, Jenkins & Reinsel 2008, sec. 5.2). */
static int sarimax_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  sarimax_work *w = m->work;
  double        ssq, slf, s2 = theta[m->n_params - 1];
  if (sarimax_filter(m, theta, y, n, &ssq, &slf, NULL)) return 1;
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

static int sarimax_residuals(hc_model *m, const double *theta, const double *y, int n, double *z)
{
  double ssq, slf, s = sqrt(theta[m->n_params - 1]);
  if (!(s > 0) || sarimax_filter(m, theta, y, n, &ssq, &slf, z)) return -1;
  const int nd = n - ((sarimax_work *)m->work)->m;
  for (int t = 0; t < nd; t++) z[t] /= s;
  return nd;
}

static int sarimax_n_obs(const hc_model *m, int n) { return n - ((const sarimax_work *)m->work)->m; }

static double sarimax_quantile(const hc_model *m, const double *theta, double p)
{
  (void)m;
  (void)theta;
  return hc_norm_quantile(p);
}

const hc_model_ops hc_sarimax_ops = {
  .family         = "SARIMAX",
  .n_params       = sarimax_n_params,
  .setup          = sarimax_setup,
  .destroy        = sarimax_destroy,
  .param_names    = sarimax_param_names,
  .start          = sarimax_start,
  .loglik         = sarimax_loglik,
  .has_gradient   = 0,
  .transform      = sarimax_transform,
  .untransform    = sarimax_untransform,
  .forecast       = sarimax_forecast,
  .quantile       = sarimax_quantile,
  .profile_loglik = sarimax_profile_loglik,
  .n_profiled     = 1,
  .n_obs          = sarimax_n_obs,
  .residuals      = sarimax_residuals,
};
