/**
 * @file garch.c
 * @brief ARMA(p,q) + constant with GARCH(P,Q) or GJR-GARCH(P,O,Q) errors, normal, Student-t,
 *        Hansen skewed-t or GED innovations, by conditional maximum likelihood; and the helpers
 *        shared with egarch.c (workspace, residuals, names, mean forecasts, start values).
 *
 * Natural parameters theta: mu, ar1..arp, ma1..maq, omega, alpha1..P, gamma1..O, beta1..Q
 * [, nu [, lambda]] (omega absent under variance targeting). With e_t the conditional (CSS)
 * ARMA residuals (t = p..n-1, T = n - p terms) and z_t = e_t / sqrt(h_t):
 *
 *   h_t = omega + sum_i alpha_i e_{t-i}^2 + sum_i gamma_i e_{t-i}^2 1(e_{t-i} < 0) + sum_j beta_j h_{t-j}
 *   loglik = sum_t [log f(z_t) - log(h_t) / 2]
 *
 * (Bollerslev 1986, J. Econometrics 31:307-327, eq. 5; Glosten, Jagannathan & Runkle 1993,
 * J. Finance 48(5):1779-1801, eq. 4 with the indicator on negative shocks). Presample values
 * (lags before t = p) follow Fiorentini, Calzolari & Panattoni (1996), J. Applied Econometrics
 * 11:399-417: e^2 and h are set to s2 = (1/T) sum e_t^2, and e^2 1(e < 0) to s2 / 2, so that
 * GARCH(1,1) has h_p = omega + (alpha + beta) s2 (the convention of gretl's `garch`).
 * The score is analytic: forward recursions for d e_t / d(mu, ar, ma) and d h_t / d theta,
 * including the dependence of s2 on the mean parameters; the per-observation scores are the
 * terms of the same sum (loglik_terms_grad).
 * Variance targeting (Engle & Mezrich 1996): omega = s2 (1 - S) with the persistence
 * S = sum alpha + kappa sum gamma + sum beta, kappa = E[z^2 1(z<0)] of the innovation law
 * (1/2 for the symmetric laws), so that the unconditional variance omega / (1 - S) is s2.
 */
#include "models_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Persistence S is kept below this bound by untransform. */
#define HC_GARCH_SMAX 0.9999

void hc_vol_layout_of(const hc_spec *s, hc_vol_layout *L)
{
  L->nm = 1 + s->p + s->q;
  L->iw = s->variance_targeting ? -1 : L->nm;
  L->ia = L->nm + (s->variance_targeting ? 0 : 1);
  L->ig = L->ia + s->vol_p;
  L->ib = L->ig + (s->vol == HC_VOL_GARCH ? 0 : s->vol_o);
  L->is = L->ib + s->vol_q;
  L->ns = hc_dist_n_shape(s->dist);
  L->np = L->is + L->ns;
}

static int garch_n_params(const hc_spec *s)
{
  hc_vol_layout L;
  hc_vol_layout_of(s, &L);
  return L.np;
}

void hc_vol_destroy(hc_model *m)
{
  hc_vol_work *w = m->work;
  if (!w) return;
  free(w->e);
  free(w->h);
  free(w->z);
  free(w->de);
  free(w);
  m->work = NULL;
}

int hc_vol_setup(hc_model *m, int n_max)
{
  size_t       nm = 1 + (size_t)m->spec.p + (size_t)m->spec.q, n = n_max > 0 ? (size_t)n_max : 1;
  hc_vol_work *w  = calloc(1, sizeof *w);
  if (!w) return ENOMEM;
  w->e    = malloc(n * sizeof *w->e);
  w->h    = malloc(n * sizeof *w->h);
  w->z    = malloc(n * sizeof *w->z);
  w->de   = malloc(n * nm * sizeof *w->de);
  m->work = w;
  if (!w->e || !w->h || !w->z || !w->de) {
    hc_vol_destroy(m);
    return ENOMEM;
  }
  return 0;
}

void hc_vol_param_names(const hc_model *m, char names[][HC_PNAME_LEN])
{
  const hc_spec *s = &m->spec;
  hc_vol_layout  L;
  int            k = 0;
  hc_vol_layout_of(s, &L);
  snprintf(names[k++], HC_PNAME_LEN, "mu");
  for (int i = 1; i <= s->p; i++) snprintf(names[k++], HC_PNAME_LEN, "ar%d", i);
  for (int j = 1; j <= s->q; j++) snprintf(names[k++], HC_PNAME_LEN, "ma%d", j);
  if (L.iw >= 0) snprintf(names[k++], HC_PNAME_LEN, "omega");
  for (int i = 1; i <= L.ig - L.ia; i++) snprintf(names[k++], HC_PNAME_LEN, "alpha%d", i);
  for (int i = 1; i <= L.ib - L.ig; i++) snprintf(names[k++], HC_PNAME_LEN, "gamma%d", i);
  for (int j = 1; j <= L.is - L.ib; j++) snprintf(names[k++], HC_PNAME_LEN, "beta%d", j);
  for (int i = 0; i < L.ns; i++) snprintf(names[k++], HC_PNAME_LEN, "%s", hc_dist_shape_name(s->dist, i));
}

double hc_vol_residuals(hc_model *m, const double *theta, const double *y, int n, double *ds2)
{
  hc_vol_work  *w = m->work;
  int           p = m->spec.p, q = m->spec.q, nm = 1 + p + q, T = n - p;
  const double *phi = theta + 1, *ma = theta + 1 + p;
  double       *e = w->e, *de = w->de, s2 = 0.0;
  hc_arma_css_residuals(p, q, theta[0], phi, ma, y, n, e);
  for (int t = p; t < n; t++) s2 += e[t] * e[t];
  s2 /= T;
  if (ds2) {
    /* d e_t / d mu = -(1 - sum phi) - sum_j ma_j d e_{t-j} / d mu, d e_t / d phi_i = -(y_{t-i} - mu) - ...,
     * d e_t / d ma_j = -e_{t-j} - ...; zero for t < p like the residuals themselves. */
    double sphi = 0.0;
    for (int i = 0; i < p; i++) sphi += phi[i];
    for (int k = 0; k < nm; k++) ds2[k] = 0.0;
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
  }
  w->s2 = s2;
  if (m->spec.variance_targeting) {
    memcpy(w->s2_key[w->s2_next], theta, (size_t)nm * sizeof *theta);
    w->s2_val[w->s2_next] = s2;
    w->s2_next            = (w->s2_next + 1) % HC_VOL_S2_CACHE;
    if (w->s2_used < HC_VOL_S2_CACHE) w->s2_used++;
  }
  return s2;
}

double hc_vol_cached_s2(const hc_model *m, const double *theta)
{
  const hc_vol_work *w  = m->work;
  size_t             nb = (1 + (size_t)m->spec.p + (size_t)m->spec.q) * sizeof *theta;
  for (int i = 0; i < w->s2_used; i++)
    if (!memcmp(w->s2_key[i], theta, nb)) return w->s2_val[i];
  return NAN;
}

/* Persistence S = sum alpha + kappa sum gamma + sum beta (kappa = E[z^2 1(z<0)]). */
static double garch_persistence(const hc_vol_layout *L, const double *theta, double kappa)
{
  double S = 0.0;
  for (int k = L->ia; k < L->ig; k++) S += theta[k];
  for (int k = L->ig; k < L->ib; k++) S += kappa * theta[k];
  for (int k = L->ib; k < L->is; k++) S += theta[k];
  return S;
}

/* The conditional log-likelihood (file comment) into *ll; if grad != NULL its gradient
 * d loglik / d theta, and if G != NULL the per-observation scores G[(t-p) np + k].
 * One recursion serves GARCH and GJR (O = 0 for GARCH). Returns 1 for omega <= 0, a negative
 * alpha, gamma or beta, an inadmissible shape, n - p < 1, n > n_max, a non-positive or
 * non-finite h_t, or a non-finite sum or gradient. No allocation. */
static int garch_eval(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad, double *G)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p, want = grad || G;
  hc_vol_layout_of(&m->spec, &L);
  const int     nm = L.nm, np = L.np, P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib, R = Q + 1;
  const double *al = theta + L.ia, *ga = theta + L.ig, *be = theta + L.ib;
  if (n - p < 1 || n > m->n_max) return 1;
  for (int k = L.ia; k < L.is; k++)
    if (!(theta[k] >= 0.0)) return 1;
  if (hc_dist_prepare(m->spec.dist, theta + L.is, want, &D)) return 1;

  double ds2[HC_MAX_PARAMS], dom[HC_MAX_PARAMS] = {0}, ring[4][HC_MAX_PARAMS], sc[HC_MAX_PARAMS];
  double s2 = hc_vol_residuals(m, theta, y, n, want ? ds2 : NULL), omega;
  if (L.iw >= 0) {
    omega = theta[L.iw];
    dom[L.iw] = 1.0;
  } else { /* variance targeting: omega = s2 (1 - S) */
    double S = garch_persistence(&L, theta, D.m2neg), sg = 0.0;
    omega    = s2 * (1.0 - S);
    if (want) {
      for (int k = 0; k < nm; k++) dom[k] = ds2[k] * (1.0 - S);
      for (int k = L.ia; k < L.is; k++) dom[k] = -s2 * (k >= L.ig && k < L.ib ? D.m2neg : 1.0);
      for (int k = L.ig; k < L.ib; k++) sg += theta[k];
      for (int i = 0; i < L.ns; i++) dom[L.is + i] = -s2 * sg * D.d_m2neg[i];
    }
  }
  if (!(omega > 0.0) || !isfinite(omega)) return 1;
  if (grad)
    for (int k = 0; k < np; k++) grad[k] = 0.0;

  const double *e = w->e, *de = w->de;
  double       *h = w->h, sum = 0.0;
  for (int t = p; t < n; t++) {
    const int tau = t - p;
    double    ht  = omega;
    for (int i = 1; i <= P; i++) ht += al[i - 1] * (tau >= i ? e[t - i] * e[t - i] : s2);
    for (int i = 1; i <= O; i++) ht += ga[i - 1] * (tau >= i ? (e[t - i] < 0.0 ? e[t - i] * e[t - i] : 0.0) : 0.5 * s2);
    for (int j = 1; j <= Q; j++) ht += be[j - 1] * (tau >= j ? h[t - j] : s2);
    h[t] = ht;
    if (!(ht > 0.0) || !isfinite(ht)) return 1;
    double sh = sqrt(ht), z = e[t] / sh, dz, dsh[HC_DIST_MAX_SHAPE];
    sum += hc_dist_logpdf(&D, z, want ? &dz : NULL, want ? dsh : NULL) - 0.5 * log(ht);
    if (!want) continue;
    /* d h_t / d theta (row tau of the ring holds it; rows tau-j hold d h_{t-j}) */
    double *dh = ring[tau % R];
    memcpy(dh, dom, (size_t)np * sizeof *dh);
    for (int i = 1; i <= P + O; i++) {
      const int lag = i <= P ? i : i - P, col = i <= P ? L.ia + i - 1 : L.ig + i - P - 1;
      const double c = theta[col];
      if (tau >= lag) {
        double el = e[t - lag];
        if (i > P && !(el < 0.0)) continue;
        const double *d1 = de + (size_t)(t - lag) * nm;
        for (int k = 0; k < nm; k++) dh[k] += 2.0 * c * el * d1[k];
        dh[col] += el * el;
      } else {
        double f = i <= P ? 1.0 : 0.5;
        for (int k = 0; k < nm; k++) dh[k] += c * f * ds2[k];
        dh[col] += f * s2;
      }
    }
    for (int j = 1; j <= Q; j++) {
      if (tau >= j) {
        const double *d1 = ring[(tau - j) % R];
        for (int k = 0; k < np; k++) dh[k] += be[j - 1] * d1[k];
        dh[L.ib + j - 1] += h[t - j];
      } else {
        for (int k = 0; k < nm; k++) dh[k] += be[j - 1] * ds2[k];
        dh[L.ib + j - 1] += s2;
      }
    }
    /* l_t = log f(e_t / sqrt h_t) - log(h_t)/2: d l/d e = f'/sqrt h, d l/d h = -(z f' + 1) / (2h) */
    double        ge = dz / sh, gh = -0.5 * (z * dz + 1.0) / ht;
    const double *dt = de + (size_t)t * nm;
    for (int k = 0; k < np; k++) sc[k] = gh * dh[k];
    for (int k = 0; k < nm; k++) sc[k] += ge * dt[k];
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

static int garch_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  return garch_eval(m, theta, y, n, ll, grad, NULL);
}

/* Per-observation scores (n - p rows), or -1 if theta is inadmissible. */
static int garch_terms_grad(hc_model *m, const double *theta, const double *y, int n, double *G)
{
  double ll;
  return garch_eval(m, theta, y, n, &ll, NULL, G) ? -1 : n - m->spec.p;
}

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* u -> theta: mu = u; AR/MA by the Jones/Monahan maps; omega = exp(u); the K = P+O+Q
 * components c = (alpha_i, kappa gamma_i, beta_j) are S w with S = SMAX logistic(u[ia]) and
 * w = softmax(u[ia+1..ia+K-1], 0) (the last component is the reference), so every u gives
 * positive coefficients of persistence S < 1 (covariance stationarity; kappa = E[z^2 1(z<0)]);
 * the shape by hc_dist_shape_untransform. For GARCH(1,1) u[ia+1] = log(alpha/beta). */
static void garch_untransform(const hc_model *m, const double *u, double *theta)
{
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p, q = m->spec.q;
  hc_vol_layout_of(&m->spec, &L);
  const int K = L.is - L.ia;
  theta[0]    = u[0];
  hc_arma_pacf_to_ar(p, u + 1, theta + 1);
  hc_arma_u_to_ma(q, u + 1 + p, theta + 1 + p);
  if (L.iw >= 0) theta[L.iw] = exp(u[L.iw]);
  hc_dist_shape_untransform(m->spec.dist, u + L.is, theta + L.is);
  double kappa = hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D) ? 0.5 : D.m2neg;
  double S = HC_GARCH_SMAX * logistic(u[L.ia]), mx = 0.0, den = 0.0;
  for (int k = 1; k < K; k++) mx = fmax(mx, u[L.ia + k]);
  for (int k = 0; k < K; k++) den += exp((k < K - 1 ? u[L.ia + 1 + k] : 0.0) - mx);
  for (int k = 0; k < K; k++) {
    double c = S * exp((k < K - 1 ? u[L.ia + 1 + k] : 0.0) - mx) / den;
    theta[L.ia + k] = L.ia + k >= L.ig && L.ia + k < L.ib ? c / kappa : c;
  }
}

/* Inverse of garch_untransform. Values on or outside the boundary are clamped (components
 * >= 1e-15 S, S rescaled below SMAX, omega >= 1e-300). */
static void garch_transform(const hc_model *m, const double *theta, double *u)
{
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p, q = m->spec.q;
  const double  tiny = 1e-15;
  double        c[3 * 3 + 1], S = 0.0;
  hc_vol_layout_of(&m->spec, &L);
  const int K = L.is - L.ia;
  u[0]        = theta[0];
  hc_arma_ar_to_pacf(p, theta + 1, u + 1);
  hc_arma_ma_to_u(q, theta + 1 + p, u + 1 + p);
  if (L.iw >= 0) u[L.iw] = log(fmax(theta[L.iw], 1e-300));
  hc_dist_shape_transform(m->spec.dist, theta + L.is, u + L.is);
  double kappa = hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D) ? 0.5 : D.m2neg;
  for (int k = 0; k < K; k++) {
    c[k] = fmax(theta[L.ia + k], 0.0) * (L.ia + k >= L.ig && L.ia + k < L.ib ? kappa : 1.0);
    S += c[k];
  }
  if (S > HC_GARCH_SMAX * (1.0 - tiny)) { /* rescale onto the reachable region */
    for (int k = 0; k < K; k++) c[k] *= HC_GARCH_SMAX * (1.0 - tiny) / S;
    S = HC_GARCH_SMAX * (1.0 - tiny);
  }
  S       = fmax(S, tiny);
  u[L.ia] = log(S / (HC_GARCH_SMAX - S));
  for (int k = 0; k < K - 1; k++) u[L.ia + 1 + k] = log(fmax(c[k], tiny * S) / fmax(c[K - 1], tiny * S));
}

int hc_vol_forecast_mean(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  hc_vol_work  *w = m->work;
  int           p = m->spec.p, q = m->spec.q;
  double        mu = theta[0];
  const double *phi = theta + 1, *ma = theta + 1 + p;
  double       *psi = malloc((size_t)H * sizeof *psi);
  if (!psi) return 1;
  /* Conditional mean: ARMA recursion with future innovations set to zero. */
  for (int k = 0; k < H; k++) {
    double v = mu;
    for (int i = 1; i <= p; i++) v += phi[i - 1] * ((k - i >= 0 ? mean[k - i] : y[n + k - i]) - mu);
    for (int j = k + 1; j <= q && n + k - j >= 0; j++) v += ma[j - 1] * w->e[n + k - j];
    mean[k] = v;
  }
  /* psi_0 = 1, psi_j = ma_j + sum_{i<=min(j,p)} phi_i psi_{j-i}; forecast-error variance of
   * y_{n+k}: sum_{j<=k} psi_j^2 hf[k-j], from the longest horizon down so var[] still holds hf. */
  for (int j = 0; j < H; j++) {
    double v = j == 0 ? 1.0 : (j <= q ? ma[j - 1] : 0.0);
    for (int i = 1; i <= p && i <= j; i++) v += phi[i - 1] * psi[j - i];
    psi[j] = v;
  }
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

/* h-step forecasts: variances by the recursion with E[e^2] = hf and E[e^2 1(e<0)] = kappa hf
 * for future innovations (Baillie & Bollerslev 1992, J. Econometrics 52:91-113, sec. 3;
 * GJR: Glosten et al. 1993), observed values for past ones; then hc_vol_forecast_mean. */
static int garch_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p;
  double        ll;
  hc_vol_layout_of(&m->spec, &L);
  const int P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib;
  if (H < 1 || garch_eval(m, theta, y, n, &ll, NULL, NULL)) return 1;
  if (hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D)) return 1;
  const double *e = w->e, *h = w->h, s2 = w->s2;
  double omega = L.iw >= 0 ? theta[L.iw] : s2 * (1.0 - garch_persistence(&L, theta, D.m2neg));
  for (int k = 0; k < H; k++) {
    double v = omega;
    for (int i = 1; i <= P + O; i++) {
      int    lag = i <= P ? i : i - P, t = n + k - lag;
      double c = theta[i <= P ? L.ia + i - 1 : L.ig + i - P - 1], x;
      if (t >= n) x = (i <= P ? 1.0 : D.m2neg) * var[t - n];
      else if (t >= p) x = i <= P || e[t] < 0.0 ? e[t] * e[t] : 0.0;
      else x = (i <= P ? 1.0 : 0.5) * s2;
      v += c * x;
    }
    for (int j = 1; j <= Q; j++) {
      int t = n + k - j;
      v += theta[L.ib + j - 1] * (t >= n ? var[t - n] : t >= p ? h[t] : s2);
    }
    var[k] = v;
  }
  return hc_vol_forecast_mean(m, theta, y, n, H, mean, var);
}

double hc_vol_quantile(const hc_model *m, const double *theta, double pr)
{
  hc_vol_layout L;
  hc_dist_eval  D;
  hc_vol_layout_of(&m->spec, &L);
  if (hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D)) return NAN;
  return hc_dist_quantile(&D, pr);
}

/* Persistence S and unconditional variance omega / (1 - S) (NaN if S >= 1); under variance
 * targeting the residual mean square remembered for the mean part of theta. */
static void garch_vol_summary(const hc_model *m, const double *theta, double *persistence, double *uncond_var)
{
  hc_vol_layout L;
  hc_dist_eval  D;
  hc_vol_layout_of(&m->spec, &L);
  double kappa = hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D) ? NAN : D.m2neg;
  double S     = garch_persistence(&L, theta, kappa);
  *persistence = S;
  if (!(S < 1.0)) *uncond_var = NAN;
  else *uncond_var = L.iw >= 0 ? theta[L.iw] / (1.0 - S) : hc_vol_cached_s2(m, theta);
}

int hc_vol_start(const hc_spec *s, const double *mean_theta, double sigma2, const hc_fit_record *prev, double *theta)
{
  hc_vol_layout L;
  hc_vol_layout_of(s, &L);
  if (!(sigma2 > 0.0) || !isfinite(sigma2)) return 1;
  memcpy(theta, mean_theta, (size_t)L.nm * sizeof *theta);
  hc_dist_shape_start(s->dist, theta + L.is);
  if (prev) {
    hc_spec sn = *s;
    char    name[HC_MODEL_LEN];
    sn.dist = HC_DIST_NORMAL;
    hc_spec_vol_name(&sn, name, sizeof name);
    if (prev->status == 0 && isfinite(prev->loglik) && prev->n_params == L.is && !strcmp(prev->vol_model, name)) {
      memcpy(theta, prev->params, (size_t)L.is * sizeof *theta);
      return 0;
    }
  }
  if (s->vol == HC_VOL_EGARCH) {
    hc_egarch_start_vol(s, &L, sigma2, theta);
    return 0;
  }
  const int P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib;
  if (L.iw >= 0) theta[L.iw] = 0.05 * sigma2;
  for (int i = 0; i < P; i++) theta[L.ia + i] = 0.05 / P;
  for (int i = 0; i < O; i++) theta[L.ig + i] = 0.05 / O;
  for (int j = 0; j < Q; j++) theta[L.ib + j] = 0.90 / Q;
  return 0;
}

int hc_vol_start_model(hc_model *m, const double *y, int n, double *theta)
{
  int    p = m->spec.p, nm = 1 + p + m->spec.q;
  double hr[HC_MAX_PARAMS];
  if (n - p < 4 || n > m->n_max) return 1;
  if (hc_arma_hannan_rissanen(p, m->spec.q, y, n, hr)) {
    double mu = 0.0;
    for (int t = 0; t < n; t++) mu += y[t];
    hr[0] = mu / n;
    for (int k = 1; k < nm; k++) hr[k] = 0.0;
  }
  double v = hc_vol_residuals(m, hr, y, n, NULL);
  if (!(v > 0.0) || !isfinite(v)) v = 1.0;
  return hc_vol_start(&m->spec, hr, v, NULL, theta);
}

/* Ops table of the family; see hpcast/models.h and the file comment above. */
const hc_model_ops hc_garch_ops = {
  .family            = "ARMA-GARCH",
  .n_params          = garch_n_params,
  .setup             = hc_vol_setup,
  .destroy           = hc_vol_destroy,
  .param_names       = hc_vol_param_names,
  .start             = hc_vol_start_model,
  .loglik            = garch_loglik,
  .has_gradient      = 1,
  .transform         = garch_transform,
  .untransform       = garch_untransform,
  .forecast          = garch_forecast,
  .quantile          = hc_vol_quantile,
  .loglik_terms_grad = garch_terms_grad,
  .vol_summary       = garch_vol_summary,
};
