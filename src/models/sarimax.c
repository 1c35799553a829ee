/**
 * @file arma.c
 * @brief ARMA(p,q) with constant, exact Gaussian likelihood (family "ARMA").
 *
 * y_t - mu = sum_i phi_i (y_{t-i} - mu) + eps_t + sum_j theta_j eps_{t-j}, eps_t ~ N(0, sigma2),
 * the sign convention of R stats::arima, gretl and statsmodels.
 * Natural parameters: mu, ar1..arp, ma1..maq, sigma2. The likelihood is evaluated by the
 * Kalman filter of kalman.c; the fitter optimises the profile likelihood in sigma2
 * (sigma2_hat = ssq / n), as R's arima does (Gardner, Harvey & Phillips 1980).
 */
#include "models_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  hc_kalman kf;
  double   *x; /* [n_max] centred series */
} arma_work;

static int arma_setup(hc_model *m, int n_max)
{
  arma_work *w = calloc(1, sizeof *w);
  if (!w) return ENOMEM;
  w->x = malloc((size_t)(n_max > 0 ? n_max : 1) * sizeof *w->x);
  int rc = w->x ? hc_kalman_create(m->spec.p, m->spec.q, &w->kf) : ENOMEM;
  if (rc) {
    free(w->x);
    free(w);
    return rc;
  }
  m->work = w;
  return 0;
}

static void arma_destroy(hc_model *m)
{
  arma_work *w = m->work;
  if (!w) return;
  hc_kalman_destroy(&w->kf);
  free(w->x);
  free(w);
  m->work = NULL;
}

static void arma_param_names(const hc_model *m, char names[][HC_PNAME_LEN])
{
  int k = 0;
  snprintf(names[k++], HC_PNAME_LEN, "mu");
  for (int i = 1; i <= m->spec.p; i++) snprintf(names[k++], HC_PNAME_LEN, "ar%d", i);
  for (int j = 1; j <= m->spec.q; j++) snprintf(names[k++], HC_PNAME_LEN, "ma%d", j);
  snprintf(names[k++], HC_PNAME_LEN, "sigma2");
}

/* Run the filter at theta; returns ssq and sum log F. */
static int arma_filter(hc_model *m, const double *theta, const double *y, int n, double *ssq, double *slf)
{
  arma_work *w = m->work;
  const int  p = m->spec.p, q = m->spec.q;
  double     u[HC_MAX_PARAMS];
  if (n > m->n_max) return 1;
  /* outside the stationary / invertible region the exact likelihood is not defined */
  if (hc_arma_ar_to_pacf(p, theta + 1, u) || hc_arma_ma_to_u(q, theta + 1 + p, u)) return 1;
  for (int t = 0; t < n; t++) w->x[t] = y[t] - theta[0];
  return hc_kalman_arma(&w->kf, p, q, theta + 1, theta + 1 + p, w->x, n, ssq, slf, NULL);
}

static int arma_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  (void)grad;
  double ssq, slf, s2 = theta[m->n_params - 1];
  if (!(s2 > 0)) return 1;
  if (arma_filter(m, theta, y, n, &ssq, &slf)) return 1;
  *ll = -0.5 * (n * log(2.0 * M_PI * s2) + slf + ssq / s2);
  return !isfinite(*ll);
}

static int arma_profile_loglik(hc_model *m, double *theta, const double *y, int n, double *ll)
{
  double ssq, slf;
  if (arma_filter(m, theta, y, n, &ssq, &slf)) return 1;
  double s2 = ssq / n;
  if (!(s2 > 0)) return 1;
  theta[m->n_params - 1] = s2;
  *ll = -0.5 * (n * log(2.0 * M_PI * s2) + slf + n);
  return !isfinite(*ll);
}

static void arma_transform(const hc_model *m, const double *theta, double *u)
{
  const int p = m->spec.p, q = m->spec.q;
  u[0] = theta[0];
  hc_arma_ar_to_pacf(p, theta + 1, u + 1);
  hc_arma_ma_to_u(q, theta + 1 + p, u + 1 + p);
  u[1 + p + q] = log(theta[1 + p + q]);
}

static void arma_untransform(const hc_model *m, const double *u, double *theta)
{
  const int p = m->spec.p, q = m->spec.q;
  theta[0] = u[0];
  hc_arma_pacf_to_ar(p, u + 1, theta + 1);
  hc_arma_u_to_ma(q, u + 1 + p, theta + 1 + p);
  theta[1 + p + q] = exp(u[1 + p + q]);
}

static int arma_start(hc_model *m, const double *y, int n, double *theta)
{
  const int p = m->spec.p, q = m->spec.q;
  if (!hc_arma_hannan_rissanen(p, q, y, n, theta)) return 0;
  double mu = 0.0, v = 0.0;
  for (int t = 0; t < n; t++) mu += y[t];
  mu /= n;
  for (int t = 0; t < n; t++) v += (y[t] - mu) * (y[t] - mu);
  theta[0] = mu;
  for (int i = 1; i <= p + q; i++) theta[i] = 0.0;
  theta[1 + p + q] = n > 1 && v > 0 ? v / (n - 1) : 1.0;
  return 0;
}

/* h-step forecasts from the filtered state: a_{n+h|n} = T^{h-1} a_{n+1|n},
 * P_{n+h|n} = T P_{n+h-1|n} T' + R R' (Harvey 1989 sec. 3.5.1). */
static int arma_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  arma_work *w = m->work;
  double     ssq, slf, s2 = theta[m->n_params - 1];
  if (arma_filter(m, theta, y, n, &ssq, &slf)) return 1;
  hc_kalman *kf = &w->kf;
  const int  r  = kf->r;
  double     TP[HC_KALMAN_RMAX * HC_KALMAN_RMAX];
  for (int h = 0; h < H; h++) {
    mean[h] = theta[0] + kf->a[0];
    var[h]  = s2 * kf->P[0];
    double a0 = kf->a[0];
    for (int i = 0; i < r; i++) kf->a[i] = kf->T1[i] * a0 + (i + 1 < r ? kf->a[i + 1] : 0.0);
    for (int i = 0; i < r; i++)
      for (int j = 0; j < r; j++) TP[i * r + j] = kf->T1[i] * kf->P[j] + (i + 1 < r ? kf->P[(i + 1) * r + j] : 0.0);
    for (int i = 0; i < r; i++)
      for (int j = 0; j < r; j++)
        kf->P[i * r + j] = TP[i * r + 0] * kf->T1[j] + (j + 1 < r ? TP[i * r + j + 1] : 0.0) + kf->R[i] * kf->R[j];
  }
  return 0;
}

static double arma_quantile(const hc_model *m, const double *theta, double p)
{
  (void)m;
  (void)theta;
  return hc_norm_quantile(p);
}

const hc_model_ops hc_arma_ops = {
  .family         = "ARMA",
  .setup          = arma_setup,
  .destroy        = arma_destroy,
  .param_names    = arma_param_names,
  .start          = arma_start,
  .loglik         = arma_loglik,
  .has_gradient   = 0,
  .transform      = arma_transform,
  .untransform    = arma_untransform,
  .forecast       = arma_forecast,
  .quantile       = arma_quantile,
  .profile_loglik = arma_profile_loglik,
  .n_profiled     = 1,
};
