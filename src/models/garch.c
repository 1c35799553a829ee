/**
 * @file garch.c
 * @brief ARMA(p,q) + constant with GARCH(1,1) errors, normal or standardized
 *        Student-t innovations, by conditional maximum likelihood.
 *
 * Natural parameters theta: mu, ar1..arp, ma1..maq, omega, alpha1, beta1 [, nu].
 * Residuals e_t (t = p..n-1, T = n - p terms) are the conditional (CSS) ARMA
 * residuals; the variance recursion starts from the sample second moment
 * s2 = (1/T) sum e_t^2 of those residuals, h_p = omega + (alpha + beta) s2,
 * h_t = omega + alpha e_{t-1}^2 + beta h_{t-1} for t > p, and
 * loglik = sum_t [log f(e_t / sqrt h_t) - log(h_t) / 2].
 * This is the convention of Fiorentini, Calzolari & Panattoni (1996),
 * J. Applied Econometrics 11:399-417 (implemented by gretl's `garch`).
 * The score is analytic: forward recursions for d e_t / d(mu, ar, ma) and
 * d h_t / d theta, including the dependence of s2 on the mean parameters.
 */
#include "models_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/** Persistence alpha + beta is kept below this bound by untransform. */
#define HC_GARCH_SMAX 0.9999
/** Smallest degrees of freedom reachable by untransform: nu = NU_MIN + exp(u). */
#define HC_GARCH_NU_MIN 2.01

/* Workspace: residuals, variances and the residual derivatives de[t*nm + k]
 * with respect to the nm = 1 + p + q mean parameters. */
typedef struct {
  double *e, *h, *de;
} garch_work;

/* Index of omega in theta: first volatility parameter. */
static int vol_index(const hc_model *m) { return 1 + m->spec.p + m->spec.q; }

/* Free the workspace; safe on a model whose setup failed. */
static void garch_destroy(hc_model *m)
{
  garch_work *w = m->work;
  if (!w) return;
  free(w->e);
  free(w->h);
  free(w->de);
  free(w);
  m->work = NULL;
}

/* Workspace for n_max observations: e, h [n_max] and de [n_max x (1+p+q)]. 0 or ENOMEM. */
static int garch_setup(hc_model *m, int n_max)
{
  int         nm = vol_index(m);
  garch_work *w  = calloc(1, sizeof *w);
  if (!w) return ENOMEM;
  w->e    = malloc((size_t)n_max * sizeof *w->e);
  w->h    = malloc((size_t)n_max * sizeof *w->h);
  w->de   = malloc((size_t)n_max * (size_t)nm * sizeof *w->de);
  m->work = w;
  if (!w->e || !w->h || !w->de) {
    garch_destroy(m);
    return ENOMEM;
  }
  return 0;
}

/* mu, ar1..arp, ma1..maq, omega, alpha1, beta1 [, nu]. */
static void garch_param_names(const hc_model *m, char names[][HC_PNAME_LEN])
{
  int p = m->spec.p, q = m->spec.q, k = 0;
  snprintf(names[k++], HC_PNAME_LEN, "mu");
  for (int i = 1; i <= p; i++) snprintf(names[k++], HC_PNAME_LEN, "ar%d", i);
  for (int j = 1; j <= q; j++) snprintf(names[k++], HC_PNAME_LEN, "ma%d", j);
  snprintf(names[k++], HC_PNAME_LEN, "omega");
  snprintf(names[k++], HC_PNAME_LEN, "alpha1");
  snprintf(names[k++], HC_PNAME_LEN, "beta1");
  if (m->spec.dist == HC_DIST_T) snprintf(names[k], HC_PNAME_LEN, "nu");
}

/* Mean of squares of the CSS residuals w->e[p..n-1] at theta (its mean part). */
static double css_second_moment(const hc_model *m, const double *theta, const double *y, int n)
{
  garch_work *w = m->work;
  int         p = m->spec.p, q = m->spec.q;
  hc_arma_css_residuals(p, q, theta[0], theta + 1, theta + 1 + p, y, n, w->e);
  double s2 = 0.0;
  for (int t = p; t < n; t++) s2 += w->e[t] * w->e[t];
  return s2 / (n - p);
}

/* Mean part by Hannan-Rissanen (sample mean and zero coefficients if it fails), v the
 * mean square of the CSS residuals, omega = 0.05 v, alpha1 = 0.05, beta1 = 0.90, nu = 8.
 * Returns 1 if n - p < 2 or n > n_max. */
static int garch_start(hc_model *m, const double *y, int n, double *theta)
{
  int    p = m->spec.p, q = m->spec.q, iv = vol_index(m);
  double hr[HC_MAX_PARAMS];
  if (n - p < 2 || n > m->n_max) return 1;
  if (hc_arma_hannan_rissanen(p, q, y, n, hr)) {
    double mu = 0.0;
    for (int t = 0; t < n; t++) mu += y[t];
    hr[0] = mu / n;
    for (int k = 1; k < iv; k++) hr[k] = 0.0;
  }
  for (int k = 0; k < iv; k++) theta[k] = hr[k];
  double v = css_second_moment(m, theta, y, n);
  if (!(v > 0.0) || !isfinite(v)) v = 1.0;
  theta[iv]     = 0.05 * v;
  theta[iv + 1] = 0.05;
  theta[iv + 2] = 0.90;
  if (m->spec.dist == HC_DIST_T) theta[iv + 3] = 8.0;
  return 0;
}

/* Digamma function: recurrence psi(x) = psi(x+1) - 1/x up to x >= 15, then the
 * asymptotic series (Abramowitz & Stegun 6.3.18, truncated after x^-10; the first
 * omitted term is below 2e-16 there). Needed for d loglik / d nu. */
static double digamma(double x)
{
  double r = 0.0;
  while (x < 15.0) {
    r -= 1.0 / x;
    x += 1.0;
  }
  double f = 1.0 / (x * x);
  return r + log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

/* Conditional log-likelihood (file comment) and, when grad != NULL, its analytic
 * gradient d loglik / d theta. Returns 1 for omega <= 0, alpha < 0, beta < 0, nu <= 2,
 * n - p < 1, n > n_max, a non-positive or non-finite h_t, or a non-finite sum. */
static int garch_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  garch_work *w  = m->work;
  int         p = m->spec.p, q = m->spec.q, nm = vol_index(m), np = m->n_params;
  int         is_t = m->spec.dist == HC_DIST_T, T = n - p;
  double      omega = theta[nm], alpha = theta[nm + 1], beta = theta[nm + 2];
  double      nu = is_t ? theta[nm + 3] : 0.0;
  const double *phi = theta + 1, *ma = theta + 1 + p;
  if (T < 1 || n > m->n_max) return 1;
  if (!(omega > 0.0) || !(alpha >= 0.0) || !(beta >= 0.0) || (is_t && !(nu > 2.0))) return 1;

  double  s2 = css_second_moment(m, theta, y, n);
  double *e = w->e, *h = w->h, *de = w->de;
  double  ds2[HC_MAX_PARAMS] = {0}, dh[HC_MAX_PARAMS] = {0};

  /* Residual derivatives: d e_t / d mu = -(1 - sum phi) - sum_j ma_j d e_{t-j} / d mu,
   * d e_t / d phi_i = -(y_{t-i} - mu) - ..., d e_t / d ma_j = -e_{t-j} - ...;
   * zero for t < p like the residuals themselves. */
  if (grad) {
    double sphi = 0.0;
    for (int i = 0; i < p; i++) sphi += phi[i];
    for (int t = p; t < n; t++) {
      double *d = de + (size_t)t * nm;
      d[0]      = -(1.0 - sphi);
      for (int i = 1; i <= p; i++) d[i] = -(y[t - i] - theta[0]);
      for (int j = 1; j <= q; j++) d[p + j] = t - j >= p ? -e[t - j] : 0.0;
      for (int j = 1; j <= q && t - j >= p; j++) {
        const double *dp = de + (size_t)(t - j) * nm;
        for (int k = 0; k < nm; k++) d[k] -= ma[j - 1] * dp[k];
      }
      for (int k = 0; k < nm; k++) ds2[k] += 2.0 * e[t] * d[k] / T;
    }
    for (int k = 0; k < np; k++) grad[k] = 0.0;
  }

  double c_t = 0.0, dc_t = 0.0;
  if (is_t) {
    c_t  = hc_std_t_logpdf(0.0, nu);
    dc_t = 0.5 * (digamma(0.5 * (nu + 1.0)) - digamma(0.5 * nu)) - 0.5 / (nu - 2.0);
  }
  const double c_norm = -0.5 * log(2.0 * M_PI);
  double       sum = 0.0;
  for (int t = p; t < n; t++) {
    /* variance recursion and its derivative (dh holds d h_{t-1} on entry) */
    if (t == p) {
      h[t] = omega + (alpha + beta) * s2;
      if (grad) {
        for (int k = 0; k < nm; k++) dh[k] = (alpha + beta) * ds2[k];
        dh[nm]     = 1.0;
        dh[nm + 1] = s2;
        dh[nm + 2] = s2;
      }
    } else {
      double e1 = e[t - 1], h1 = h[t - 1];
      h[t]      = omega + alpha * e1 * e1 + beta * h1;
      if (grad) {
        const double *d1 = de + (size_t)(t - 1) * nm;
        for (int k = 0; k < nm; k++) dh[k] = 2.0 * alpha * e1 * d1[k] + beta * dh[k];
        dh[nm]     = 1.0 + beta * dh[nm];
        dh[nm + 1] = e1 * e1 + beta * dh[nm + 1];
        dh[nm + 2] = h1 + beta * dh[nm + 2];
      }
    }
    double ht = h[t], et = e[t];
    if (!(ht > 0.0) || !isfinite(ht)) return 1;
    double ge, gh; /* d ll_t / d e_t and d ll_t / d h_t */
    if (is_t) {
      double wt = et * et / (ht * (nu - 2.0)), a = 0.5 * (nu + 1.0) / (1.0 + wt);
      sum += c_t - 0.5 * (nu + 1.0) * log1p(wt) - 0.5 * log(ht);
      ge = -2.0 * a * et / (ht * (nu - 2.0));
      gh = (a * wt - 0.5) / ht;
      if (grad) grad[nm + 3] += dc_t - 0.5 * log1p(wt) + a * wt / (nu - 2.0);
    } else {
      sum += c_norm - 0.5 * (log(ht) + et * et / ht);
      ge = -et / ht;
      gh = 0.5 * (et * et / ht - 1.0) / ht;
    }
    if (grad) {
      const double *d = de + (size_t)t * nm;
      for (int k = 0; k < nm; k++) grad[k] += ge * d[k] + gh * dh[k];
      for (int k = nm; k < nm + 3; k++) grad[k] += gh * dh[k];
    }
  }
  if (!isfinite(sum)) return 1;
  *ll = sum;
  return 0;
}

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* u -> theta: mu = u; AR/MA by the Jones/Monahan maps; omega = exp(u);
 * alpha + beta = SMAX logistic(u1), alpha = (alpha + beta) logistic(u2); nu = NU_MIN + exp(u). */
static void garch_untransform(const hc_model *m, const double *u, double *theta)
{
  int p = m->spec.p, q = m->spec.q, iv = vol_index(m);
  theta[0] = u[0];
  hc_arma_pacf_to_ar(p, u + 1, theta + 1);
  hc_arma_u_to_ma(q, u + 1 + p, theta + 1 + p);
  double s      = HC_GARCH_SMAX * logistic(u[iv + 1]);
  theta[iv]     = exp(u[iv]);
  theta[iv + 1] = s * logistic(u[iv + 2]);
  theta[iv + 2] = s * logistic(-u[iv + 2]);
  if (m->spec.dist == HC_DIST_T) theta[iv + 3] = HC_GARCH_NU_MIN + exp(u[iv + 3]);
}

/* Inverse of garch_untransform. Values on or outside the boundary are clamped to
 * the largest finite u magnitudes used here (|u| <= ~35 for the logistic
 * coordinates, log of 1e-300 for omega, nu - NU_MIN >= 1e-8). */
static void garch_transform(const hc_model *m, const double *theta, double *u)
{
  int p = m->spec.p, q = m->spec.q, iv = vol_index(m);
  const double tiny = 1e-15;
  u[0] = theta[0];
  hc_arma_ar_to_pacf(p, theta + 1, u + 1);
  hc_arma_ma_to_u(q, theta + 1 + p, u + 1 + p);
  double a = fmax(theta[iv + 1], 0.0), b = fmax(theta[iv + 2], 0.0), s = a + b;
  if (s > HC_GARCH_SMAX * (1.0 - tiny)) { /* rescale onto the reachable region */
    double f = HC_GARCH_SMAX * (1.0 - tiny) / s;
    a *= f;
    b *= f;
    s = a + b;
  }
  s         = fmax(s, tiny);
  u[iv]     = log(fmax(theta[iv], 1e-300));
  u[iv + 1] = log(s / (HC_GARCH_SMAX - s));
  u[iv + 2] = log(fmax(a, tiny * s) / fmax(b, tiny * s));
  if (m->spec.dist == HC_DIST_T) u[iv + 3] = log(fmax(theta[iv + 3] - HC_GARCH_NU_MIN, 1e-8));
}

/* psi weights of the ARMA: psi_0 = 1, psi_j = ma_j + sum_{i=1}^{min(j,p)} phi_i psi_{j-i}
 * (Box, Jenkins & Reinsel 2008, eq. 5.2.3). */
static void psi_weights(int p, int q, const double *phi, const double *ma, int H, double *psi)
{
  for (int j = 0; j < H; j++) {
    double v = j == 0 ? 1.0 : (j <= q ? ma[j - 1] : 0.0);
    for (int i = 1; i <= p && i <= j; i++) v += phi[i - 1] * psi[j - i];
    psi[j] = v;
  }
}

/* h-step forecasts from the end of y (see the comments inside). */
static int garch_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean,
                          double *var)
{
  garch_work *w = m->work;
  int         p = m->spec.p, q = m->spec.q, iv = vol_index(m);
  double      ll, mu = theta[0];
  const double *phi = theta + 1, *ma = theta + 1 + p;
  if (H < 1) return 1;
  /* in-sample residuals e and variances h up to t = n-1 */
  if (garch_loglik(m, theta, y, n, &ll, NULL)) return 1;
  double *psi = malloc((size_t)H * sizeof *psi);
  if (!psi) return 1;

  /* Conditional mean: ARMA recursion with future innovations set to zero. */
  for (int k = 0; k < H; k++) {
    double v = mu;
    for (int i = 1; i <= p; i++) v += phi[i - 1] * ((k - i >= 0 ? mean[k - i] : y[n + k - i]) - mu);
    for (int j = k + 1; j <= q && n + k - j >= 0; j++) v += ma[j - 1] * w->e[n + k - j];
    mean[k] = v;
  }
  /* Conditional variances hf[k] = E[h_{n+k} | F_{n-1}] (stored in var[]):
   * hf[0] = omega + alpha e_{n-1}^2 + beta h_{n-1}, hf[k] = omega + (alpha+beta) hf[k-1]
   * (Baillie & Bollerslev 1992, J. Econometrics 52:91-113, sec. 3). */
  double omega = theta[iv], alpha = theta[iv + 1], beta = theta[iv + 2];
  var[0] = omega + alpha * w->e[n - 1] * w->e[n - 1] + beta * w->h[n - 1];
  for (int k = 1; k < H; k++) var[k] = omega + (alpha + beta) * var[k - 1];
  /* Forecast-error variance of y_{n+h-1}: sum_{j<h} psi_j^2 hf[h-1-j]. Computed
   * from the longest horizon down so var[] still holds hf[] when it is read. */
  psi_weights(p, q, phi, ma, H, psi);
  for (int k = H - 1; k >= 0; k--) {
    double v = 0.0;
    for (int j = 0; j <= k; j++) v += psi[j] * psi[j] * var[k - j];
    var[k] = v;
  }
  free(psi);
  for (int k = 0; k < H; k++)
    if (!isfinite(mean[k]) || !(var[k] > 0.0) || !isfinite(var[k])) return 1;
  return 0;
}

/* Quantile of the standardized innovation: normal, or t(nu) scaled to unit variance. */
static double garch_quantile(const hc_model *m, const double *theta, double pr)
{
  if (m->spec.dist == HC_DIST_T) {
    double nu = theta[vol_index(m) + 3];
    return hc_t_quantile(pr, nu) * sqrt((nu - 2.0) / nu);
  }
  return hc_norm_quantile(pr);
}

/* Ops table of the family; see hpcast/models.h and the file comment above. */
const hc_model_ops hc_garch_ops = {
  .family       = "ARMA-GARCH",
  .setup        = garch_setup,
  .destroy      = garch_destroy,
  .param_names  = garch_param_names,
  .start        = garch_start,
  .loglik       = garch_loglik,
  .has_gradient = 1,
  .transform    = garch_transform,
  .untransform  = garch_untransform,
  .forecast     = garch_forecast,
  .quantile     = garch_quantile,
};
