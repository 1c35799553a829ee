/**
 * @file egarch.c
 * @brief ARMA(p,q) + constant with EGARCH(P,O,Q) errors (Nelson 1991, Econometrica 59(2)
 *        347-370), normal, Student-t, Hansen skewed-t or GED innovations, by conditional ML.
 *
 * Natural parameters theta: mu, ar1..arp, ma1..maq, omega, alpha1..P, gamma1..O, beta1..Q
 * [, nu [, lambda]] (omega absent under variance targeting). With e_t the CSS ARMA residuals
 * (t = p..n-1) and z_t = e_t / sqrt(h_t):
 *
 *   log h_t = omega + sum_i alpha_i z_{t-i} + sum_i gamma_i (|z_{t-i}| - E|z|) + sum_j beta_j log h_{t-j}
 *   loglik  = sum_{t=p}^{n-1} [log f(z_t) - log(h_t) / 2]
 *
 * (alpha on z, gamma on |z| - E|z|, the parameterisation of R rugarch's "eGARCH"; E|z| from the
 * innovation law). Presample convention of the published EGARCH benchmark on the DEM/GBP
 * returns (TSP, Brooks, Burke & Persand 2001, Int. J. Forecasting 17:45-56; TSP's egarch.tsp):
 * log h = log s2 with s2 = (1/T) sum e_t^2 and z = ebar / sqrt(s2) with ebar = (1/T) sum e_t
 * (both at the current mean parameters) for every lag before t = p, and the recursion runs
 * from the first residual, so all T = n - p terms have their own log h_t. The score is
 * analytic (forward recursions for d log h_t and d z_t, including the presample values).
 * Constraints: beta_1..Q are the coefficients of a stationary AR polynomial in log h (partial
 * autocorrelations, as for the ARMA mean; for Q = 1, |beta1| < 1), omega, alpha, gamma are
 * free. Variance targeting: omega = (1 - sum beta) log s2 (log h then has mean log s2).
 */
#include "models_impl.h"

#include <math.h>
#include <string.h>

/** Simulated paths of the EGARCH variance forecast and the seed of their stream. */
#define HC_EGARCH_NSIM 4000
#define HC_EGARCH_SEED 0x2545F4914F6CDD1DULL

static int egarch_n_params(const hc_spec *s)
{
  hc_vol_layout L;
  hc_vol_layout_of(s, &L);
  return L.np;
}

/* Log-likelihood, gradient (grad) and per-observation scores (G rows of np), see the file
 * comment. Returns 1 for an inadmissible shape, n - p < 1, n > n_max, |log h_t| > 700 or a
 * non-finite sum or gradient. No allocation. */
static int egarch_eval(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad, double *G)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p, want = grad || G;
  hc_vol_layout_of(&m->spec, &L);
  const int     nm = L.nm, np = L.np, P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib;
  const int     mm = P > O ? (P > Q ? P : Q) : (O > Q ? O : Q), R = mm + 1;
  const double *al = theta + L.ia, *ga = theta + L.ig, *be = theta + L.ib;
  if (n - p < 1 || n > m->n_max) return 1;
  if (hc_dist_prepare(m->spec.dist, theta + L.is, want, &D)) return 1;

  double ds2[HC_MAX_PARAMS], dom[HC_MAX_PARAMS] = {0}, dL[4][HC_MAX_PARAMS], dz[4][HC_MAX_PARAMS], sc[HC_MAX_PARAMS];
  double s2 = hc_vol_residuals(m, theta, y, n, want ? ds2 : NULL), omega, sb = 0.0;
  if (!(s2 > 0.0) || !isfinite(s2)) return 1;
  const double ls2 = log(s2);
  for (int j = 0; j < Q; j++) sb += be[j];
  if (L.iw >= 0) {
    omega     = theta[L.iw];
    dom[L.iw] = 1.0;
  } else { /* variance targeting: omega = (1 - sum beta) log s2 */
    omega = (1.0 - sb) * ls2;
    if (want) {
      for (int k = 0; k < nm; k++) dom[k] = (1.0 - sb) * ds2[k] / s2;
      for (int j = 0; j < Q; j++) dom[L.ib + j] = -ls2;
    }
  }
  /* -sum gamma_i E|z| enters every step: fold it into omega and its shape derivative */
  double sg = 0.0;
  for (int i = 0; i < O; i++) sg += ga[i];
  double c0 = omega - sg * D.abs_mean;
  if (want) {
    for (int i = 0; i < O; i++) dom[L.ig + i] -= D.abs_mean;
    for (int i = 0; i < L.ns; i++) dom[L.is + i] -= sg * D.d_abs_mean[i];
  }
  if (grad)
    for (int k = 0; k < np; k++) grad[k] = 0.0;

  /* presample: log h = log s2 and z = ebar / sqrt(s2), ebar the mean residual, with their
   * derivatives in the mean parameters (dl0, dz0; zero elsewhere) */
  const double *e = w->e, *de = w->de;
  double        eb = 0.0, dl0[HC_MAX_PARAMS] = {0}, dz0[HC_MAX_PARAMS] = {0};
  for (int t = p; t < n; t++) eb += e[t];
  eb /= n - p;
  const double z0 = eb / sqrt(s2);
  if (want)
    for (int k = 0; k < nm; k++) {
      double deb = 0.0;
      for (int t = p; t < n; t++) deb += de[(size_t)t * nm + k];
      dl0[k] = ds2[k] / s2;
      dz0[k] = deb / (n - p) / sqrt(s2) - 0.5 * z0 * dl0[k];
    }

  double *h = w->h, *z = w->z, lr[4], sum = 0.0; /* lr: ring of log h_t */
  for (int t = p; t < n; t++) {
    const int tau = t - p;
    double    lh  = c0;
    for (int i = 1; i <= P; i++) lh += al[i - 1] * (tau >= i ? z[t - i] : z0);
    for (int i = 1; i <= O; i++) lh += ga[i - 1] * fabs(tau >= i ? z[t - i] : z0);
    for (int j = 1; j <= Q; j++) lh += be[j - 1] * (tau >= j ? lr[(tau - j) % R] : ls2);
    if (!(fabs(lh) <= 700.0)) return 1;
    double ht = exp(lh), sh = exp(0.5 * lh), df, dsh[HC_DIST_MAX_SHAPE];
    lr[tau % R] = lh;
    h[t]        = ht;
    z[t]        = e[t] / sh;
    sum += hc_dist_logpdf(&D, z[t], want ? &df : NULL, want ? dsh : NULL) - 0.5 * lh;
    if (!want) continue;
    double *dl = dL[tau % R], *dzt = dz[tau % R];
    memcpy(dl, dom, (size_t)np * sizeof *dl);
    for (int i = 1; i <= P || i <= O; i++) {
      double        zl = tau >= i ? z[t - i] : z0;
      double        c  = (i <= P ? al[i - 1] : 0.0) + (i <= O ? ga[i - 1] * (zl > 0 ? 1.0 : zl < 0 ? -1.0 : 0.0) : 0.0);
      const double *dzl = tau >= i ? dz[(tau - i) % R] : dz0;
      for (int k = 0; k < np; k++) dl[k] += c * dzl[k];
      if (i <= P) dl[L.ia + i - 1] += zl;
      if (i <= O) dl[L.ig + i - 1] += fabs(zl);
    }
    for (int j = 1; j <= Q; j++) {
      const double *dlj = tau >= j ? dL[(tau - j) % R] : dl0;
      for (int k = 0; k < np; k++) dl[k] += be[j - 1] * dlj[k];
      dl[L.ib + j - 1] += tau >= j ? lr[(tau - j) % R] : ls2;
    }
    /* z_t = e_t exp(-lh/2): d z = d e / sqrt h - z d lh / 2 */
    const double *dt = de + (size_t)t * nm;
    for (int k = 0; k < np; k++) dzt[k] = -0.5 * z[t] * dl[k];
    for (int k = 0; k < nm; k++) dzt[k] += dt[k] / sh;
    for (int k = 0; k < np; k++) sc[k] = df * dzt[k] - 0.5 * dl[k];
    for (int i = 0; i < L.ns; i++) sc[L.is + i] += dsh[i];
    if (grad)
      for (int k = 0; k < np; k++) grad[k] += sc[k];
    if (G) memcpy(G + (size_t)tau * np, sc, (size_t)np * sizeof *sc);
  }
  if (!isfinite(sum)) return 1;
  for (int k = 0; grad && k < np; k++)
    if (!isfinite(grad[k])) return 1;
  *ll = sum;
  return 0;
}

static int egarch_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  return egarch_eval(m, theta, y, n, ll, grad, NULL);
}

static int egarch_terms_grad(hc_model *m, const double *theta, const double *y, int n, double *G)
{
  double ll;
  return egarch_eval(m, theta, y, n, &ll, NULL, G) ? -1 : n - m->spec.p;
}

/* u -> theta: mean by the Jones/Monahan maps; omega, alpha, gamma identity; beta the
 * stationary AR polynomial of the partial autocorrelations tanh(u); the shape by
 * hc_dist_shape_untransform. */
static void egarch_untransform(const hc_model *m, const double *u, double *theta)
{
  hc_vol_layout L;
  int           p = m->spec.p, q = m->spec.q;
  hc_vol_layout_of(&m->spec, &L);
  theta[0] = u[0];
  hc_arma_pacf_to_ar(p, u + 1, theta + 1);
  hc_arma_u_to_ma(q, u + 1 + p, theta + 1 + p);
  for (int k = L.nm; k < L.ib; k++) theta[k] = u[k];
  hc_arma_pacf_to_ar(L.is - L.ib, u + L.ib, theta + L.ib);
  hc_dist_shape_untransform(m->spec.dist, u + L.is, theta + L.is);
}

static void egarch_transform(const hc_model *m, const double *theta, double *u)
{
  hc_vol_layout L;
  int           p = m->spec.p, q = m->spec.q;
  hc_vol_layout_of(&m->spec, &L);
  u[0] = theta[0];
  hc_arma_ar_to_pacf(p, theta + 1, u + 1);
  hc_arma_ma_to_u(q, theta + 1 + p, u + 1 + p);
  for (int k = L.nm; k < L.ib; k++) u[k] = theta[k];
  hc_arma_ar_to_pacf(L.is - L.ib, theta + L.ib, u + L.ib);
  hc_dist_shape_transform(m->spec.dist, theta + L.is, u + L.is);
}

/* omega of theta (implied by the remembered s2 under variance targeting). */
static double egarch_omega(const hc_vol_layout *L, const double *theta, double s2)
{
  double sb = 0.0;
  if (L->iw >= 0) return theta[L->iw];
  for (int k = L->ib; k < L->is; k++) sb += theta[k];
  return (1.0 - sb) * log(s2);
}

/* h-step variance forecasts E[h_{n+k} | F_n]: the first step from the recursion, the later
 * ones as the mean of exp(log h) over HC_EGARCH_NSIM simulated paths with innovations drawn
 * from the fitted law (hc_dist_draw, fixed seed HC_EGARCH_SEED, so forecasts are reproducible);
 * then hc_vol_forecast_mean for the ARMA mean and the forecast-error variances. */
static int egarch_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  double        ll;
  hc_vol_layout_of(&m->spec, &L);
  const int P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib, mm = 3;
  if (H < 1 || n - m->spec.p < mm || egarch_eval(m, theta, y, n, &ll, NULL, NULL)) return 1;
  if (hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D)) return 1;
  double c0 = egarch_omega(&L, theta, w->s2);
  for (int i = 0; i < O; i++) c0 -= theta[L.ig + i] * D.abs_mean;
  unsigned long long seed = HC_EGARCH_SEED;
  for (int k = 0; k < H; k++) var[k] = 0.0;
  for (int s = 0; s < HC_EGARCH_NSIM; s++) {
    double lr[3], zr[3]; /* lr[i-1], zr[i-1]: log h and z at lag i */
    for (int i = 0; i < mm; i++) {
      lr[i] = log(w->h[n - 1 - i]);
      zr[i] = w->z[n - 1 - i];
    }
    for (int k = 0; k < H; k++) {
      double lh = c0;
      for (int i = 0; i < P; i++) lh += theta[L.ia + i] * zr[i];
      for (int i = 0; i < O; i++) lh += theta[L.ig + i] * fabs(zr[i]);
      for (int j = 0; j < Q; j++) lh += theta[L.ib + j] * lr[j];
      var[k] += exp(lh) / HC_EGARCH_NSIM;
      for (int i = mm - 1; i > 0; i--) {
        lr[i] = lr[i - 1];
        zr[i] = zr[i - 1];
      }
      lr[0] = lh;
      zr[0] = hc_dist_draw(&D, &seed);
    }
  }
  return hc_vol_forecast_mean(m, theta, y, n, H, mean, var);
}

/* E exp(c z + d |z|) for standard normal z:
 * exp((c+d)^2/2) Phi(c+d) + exp((c-d)^2/2) Phi(d-c). */
static double normal_mgf_abs(double c, double d)
{
  return exp(0.5 * (c + d) * (c + d)) * 0.5 * erfc(-(c + d) / M_SQRT2) +
         exp(0.5 * (c - d) * (c - d)) * 0.5 * erfc(-(d - c) / M_SQRT2);
}

/* Persistence sum beta (memory of log h) and, for normal innovations, the unconditional
 * variance E h = exp(omega' / (1 - sum beta)) prod_s E exp(c_s z + d_s |z|), omega' = omega -
 * E|z| sum gamma, with c_s, d_s the MA(inf) weights of alpha and gamma through 1/(1 - beta(B))
 * (Nelson 1991, Theorem 2.1); NaN for the other laws (infinite for the t: E exp(d|z|) diverges)
 * and when the log-variance is not stationary. */
static void egarch_vol_summary(const hc_model *m, const double *theta, double *persistence, double *uncond_var)
{
  hc_vol_layout L;
  hc_vol_layout_of(&m->spec, &L);
  const int P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib;
  double    sb = 0.0;
  for (int j = 0; j < Q; j++) sb += theta[L.ib + j];
  *persistence = sb;
  *uncond_var  = NAN;
  double s2    = L.iw >= 0 ? 1.0 : hc_vol_cached_s2(m, theta);
  if (m->spec.dist != HC_DIST_NORMAL || !(fabs(sb) < 1.0) || !isfinite(s2)) return;
  double om = egarch_omega(&L, theta, s2), lg = 0.0, phi[4] = {1.0, 0.0, 0.0, 0.0};
  for (int i = 0; i < O; i++) om -= theta[L.ig + i] * sqrt(2.0 / M_PI);
  lg = om / (1.0 - sb);
  /* phi_j of 1/(1 - beta(B)) kept in a ring of the last 4; c_s = sum_i alpha_i phi_{s-i} */
  for (int s = 1; s < 100000; s++) {
    double c = 0.0, d = 0.0, ph = 0.0;
    for (int i = 1; i <= P && i <= s; i++) c += theta[L.ia + i - 1] * phi[(s - i) % 4];
    for (int i = 1; i <= O && i <= s; i++) d += theta[L.ig + i - 1] * phi[(s - i) % 4];
    lg += log(normal_mgf_abs(c, d));
    for (int j = 1; j <= Q && j <= s; j++) ph += theta[L.ib + j - 1] * phi[(s - j) % 4];
    phi[s % 4] = ph;
    if (s > 3 && fabs(c) + fabs(d) < 1e-17 && fabs(ph) < 1e-17) break;
  }
  *uncond_var = exp(lg);
}

void hc_egarch_start_vol(const hc_spec *s, const hc_vol_layout *L, double sigma2, double *theta)
{
  if (L->iw >= 0) theta[L->iw] = 0.1 * log(sigma2);
  for (int k = L->ia; k < L->ig; k++) theta[k] = 0.0;
  for (int k = L->ig; k < L->ib; k++) theta[k] = 0.2 / (L->ib - L->ig);
  for (int k = L->ib; k < L->is; k++) theta[k] = k == L->ib ? 0.9 : 0.0;
  (void)s;
}

static int egarch_serves(const hc_spec *s) { return s->vol == HC_VOL_EGARCH; }

/* Ops table of the family; see hpcast/models.h and the file comment above. */
const hc_model_ops hc_egarch_ops = {
  .family            = "ARMA-EGARCH",
  .n_params          = egarch_n_params,
  .setup             = hc_vol_setup,
  .destroy           = hc_vol_destroy,
  .param_names       = hc_vol_param_names,
  .start             = hc_vol_start_model,
  .loglik            = egarch_loglik,
  .has_gradient      = 1,
  .transform         = egarch_transform,
  .untransform       = egarch_untransform,
  .forecast          = egarch_forecast,
  .loglik_terms_grad = egarch_terms_grad,
  .vol_summary       = egarch_vol_summary,
  .residuals         = hc_vol_std_residuals,
  .serves            = egarch_serves,
  .likelihood_of_y   = 1,
  .check             = hc_vol_check,
  .law               = hc_vol_law,
  .starts            = hc_vol_starts,
};
