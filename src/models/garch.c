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
  free(w->det);
  free(w->dh);
  free(w->aux);
  free(w);
  m->work = NULL;
}

int hc_vol_setup(hc_model *m, int n_max)
{
  size_t        nm = 1 + (size_t)m->spec.p + (size_t)m->spec.q, n = n_max > 0 ? (size_t)n_max : 1;
  hc_vol_layout L;
  hc_vol_layout_of(&m->spec, &L);
  hc_vol_work *w = calloc(1, sizeof *w);
  if (!w) return ENOMEM;
  w->e    = malloc(n * sizeof *w->e);
  w->h    = malloc(n * sizeof *w->h);
  w->z    = malloc(n * sizeof *w->z);
  w->de   = malloc(n * nm * sizeof *w->de);
  w->det  = malloc(n * nm * sizeof *w->det);
  w->dh   = malloc(n * (size_t)L.np * sizeof *w->dh);
  w->aux  = malloc(12 * n * sizeof *w->aux);
  m->work = w;
  if (!w->e || !w->h || !w->z || !w->de || !w->det || !w->dh || !w->aux) {
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
    for (int t = p; t < n; t++) de[(size_t)t * nm] = -(1.0 - sphi);
    for (int i = 1; i <= p; i++)
      for (int t = p; t < n; t++) de[(size_t)t * nm + i] = -(y[t - i] - theta[0]);
    for (int t = p; q && t < n; t++) { /* the MA part of the recursion */
      double *d = de + (size_t)t * nm;
      for (int j = 1; j <= q; j++) d[p + j] = t - j >= p ? -e[t - j] : 0.0;
      for (int j = 1; j <= q && t - j >= p; j++) {
        const double *dp = de + (size_t)(t - j) * nm;
        for (int k = 0; k < nm; k++) d[k] -= ma[j - 1] * dp[k];
      }
    }
    for (int k = 0; k < nm; k++) { /* ds2 = (2/T) sum_t e_t de_t */
      double v = 0.0;
      for (int t = p; t < n; t++) v += e[t] * de[(size_t)t * nm + k];
      ds2[k] = 2.0 * v / T;
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

/* Lag, column and kind of the i-th ARCH-type term (i = 1..P+O: alpha_1..P, then gamma_1..O). */
static void arch_term(const hc_vol_layout *L, int i, int *lag, int *col, int *neg)
{
  const int P = L->ig - L->ia;
  *neg        = i > P;
  *lag        = *neg ? i - P : i;
  *col        = *neg ? L->ig + i - P - 1 : L->ia + i - 1;
}

/* sum_t log x_t over t < n (x_t > 0): one logarithm per block of 8 products; a block whose
 * product leaves the normal range is summed term by term. */
static double sum_log(const double *x, int n)
{
  double s = 0.0;
  int    t = 0;
  for (; t + 8 <= n; t += 8) {
    double pr = ((x[t] * x[t + 1]) * (x[t + 2] * x[t + 3])) * ((x[t + 4] * x[t + 5]) * (x[t + 6] * x[t + 7]));
    if (isnormal(pr)) s += log(pr);
    else
      for (int k = 0; k < 8; k++) s += log(x[t + k]);
  }
  for (; t < n; t++) s += log(x[t]);
  return s;
}

/* x_t <- x_t + b x_{t-1}, t = 1..T-1, in the columns x[0..m-1] (m <= 4) side by side: each column's
 * value of t-1 stays in a register, so that a step waits for one multiply-add, not also for the
 * store and reload of the value just written; the same operations in the same order per column.
 * Inlined with a constant m (ar1_columns), whose loop over the columns then unrolls. */
static inline __attribute__((always_inline)) void ar1_columns_m(double *const *x, const int m, int T, double b)
{
  double a[4];
  for (int j = 0; j < m; j++) a[j] = x[j][0];
  for (int t = 1; t < T; t++)
    for (int j = 0; j < m; j++) x[j][t] = a[j] = x[j][t] + b * a[j];
}

static void ar1_columns(double *const *x, int m, int T, double b)
{
  switch (m) {
  case 4: ar1_columns_m(x, 4, T, b); break;
  case 3: ar1_columns_m(x, 3, T, b); break;
  case 2: ar1_columns_m(x, 2, T, b); break;
  default: ar1_columns_m(x, 1, T, b);
  }
}

/* sum_t a_t b_t over t < n (four partial sums). */
static double dot(const double *a, const double *b, int n)
{
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int    t = 0;
  for (; t + 4 <= n; t += 4) {
    s0 += a[t] * b[t];
    s1 += a[t + 1] * b[t + 1];
    s2 += a[t + 2] * b[t + 2];
    s3 += a[t + 3] * b[t + 3];
  }
  for (; t < n; t++) s0 += a[t] * b[t];
  return (s0 + s1) + (s2 + s3);
}

/* The conditional log-likelihood (file comment) into *ll; if grad != NULL its gradient
 * d loglik / d theta, if G != NULL the per-observation scores G[(t-p) np + k], and if H != NULL
 * (with grad; normal or t law) the Hessian H[np x np].
 * First pass over t: h_t, z_t, the log-density and the per-observation derivatives of
 * l_t = log f(z_t) - log(h_t)/2 in (e_t, h_t, shape) (w->aux). Then, parameter by parameter,
 * d h_t / d theta_k as a linear recursion in t (column k of w->dh):
 *   d h_t = d omega + sum_i [X_i(t-lag_i) u_i + c_i dX_i(t-lag_i)] + sum_j [h_{t-j} u_j + beta_j dh_{t-j}]
 * with X_i = e^2 (alpha), e^2 1(e<0) (gamma) or the presample s2, s2/2, c_i their
 * coefficients, u_k unit vectors; the gradient and scores are sums over t. For the Hessian,
 *   d^2 l_t = l_ee de de' + l_eh (de dh' + dh de') + l_hh dh dh' + l_e d^2 e + l_h d^2 h + shape terms,
 *   d^2 h_t = C_t + sum_j beta_j d^2 h_{t-j},
 *   C_t     = d^2 omega + sum_i [c_i d^2 X_i + u_i dX_i' + dX_i u_i'] + sum_j [u_j dh_{t-j}' + dh_{t-j} u_j']
 * (presample h = s2 enters C_t as beta_j d^2 s2). The term sum_t l_h,t d^2 h_t is summed by
 * the adjoint of the recursion, sum_t lambda_t C_t with lambda_t = l_h,t + sum_j beta_j
 * lambda_{t+j} (a backward pass), so no d^2 h_t is formed; the second derivatives of the ARMA
 * residuals enter through per-observation weights V_s of d^2 e_s and W_s of de_s de_s'
 * (d^2 s2 = (2/T) sum_s (de_s de_s' + e_s d^2 e_s) included), and sum_s V_s d^2 e_s through
 * the adjoint of the MA recursion of d^2 e_s (another backward pass, no d^2 e_s formed;
 * Griewank & Walther 2008, ch. 3, the reverse mode of a linear recursion). One recursion serves GARCH
 * and GJR (O = 0 for GARCH). Returns 1 for omega <= 0, a negative alpha, gamma or beta, an
 * inadmissible shape, n - p < 1, n > n_max, a non-positive or non-finite h_t, or a non-finite
 * sum or gradient; -1 if H is asked for a law without second derivatives. No allocation. */
static int garch_eval(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad, double *G, double *H)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p, q = m->spec.q, want = grad || G || H;
  hc_vol_layout_of(&m->spec, &L);
  const int     nm = L.nm, np = L.np, ns = L.ns, P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib, T = n - p;
  const double *be = theta + L.ib;
  if (T < 1 || n > m->n_max) return 1;
  for (int k = L.ia; k < L.is; k++)
    if (!(theta[k] >= 0.0)) return 1;
  if (H) {
    int r = P > 3 || O > 3 || Q > 3 ? -1 : hc_dist_prepare_d2(m->spec.dist, theta + L.is, &D);
    if (r) return r;
  } else if (hc_dist_prepare(m->spec.dist, theta + L.is, want, &D)) {
    return 1;
  }

  double ds2[HC_MAX_PARAMS], dom[HC_MAX_PARAMS] = {0}, omega;
  double s2 = hc_vol_residuals(m, theta, y, n, want ? ds2 : NULL), S = garch_persistence(&L, theta, D.m2neg);
  const double *e = w->e, *de = w->de;
  if (L.iw >= 0) {
    omega = theta[L.iw];
    dom[L.iw] = 1.0;
  } else { /* variance targeting: omega = s2 (1 - S) */
    double sg = 0.0;
    omega    = s2 * (1.0 - S);
    if (want) {
      for (int k = 0; k < nm; k++) dom[k] = ds2[k] * (1.0 - S);
      for (int k = L.ia; k < L.is; k++) dom[k] = -s2 * (k >= L.ig && k < L.ib ? D.m2neg : 1.0);
      for (int k = L.ig; k < L.ib; k++) sg += theta[k];
      for (int i = 0; i < ns; i++) dom[L.is + i] = -s2 * sg * D.d_m2neg[i];
    }
  }
  if (!(omega > 0.0) || !isfinite(omega)) return 1;

  /* the variance recursion, lag by lag: h_t = omega + sum_i c_i X_i(t - lag_i) (presample
   * values for tau < lag), then h_t += sum_j beta_j h_{t-j} (w->h[t], here h[tau]) */
  double *h = w->h + p, sum = 0.0;
  for (int tau = 0; tau < T; tau++) h[tau] = omega;
  for (int i = 1; i <= P + O; i++) {
    int lag, col, neg;
    arch_term(&L, i, &lag, &col, &neg);
    const double c = theta[col], *el = e + p - lag;
    for (int tau = 0; tau < lag && tau < T; tau++) h[tau] += c * (neg ? 0.5 : 1.0) * s2;
    if (neg)
      for (int tau = lag; tau < T; tau++) h[tau] += el[tau] < 0.0 ? c * el[tau] * el[tau] : 0.0;
    else
      for (int tau = lag; tau < T; tau++) h[tau] += c * el[tau] * el[tau];
  }
  for (int j = 1; j <= Q; j++)
    for (int tau = 0; tau < j && tau < T; tau++) h[tau] += be[j - 1] * s2;
  if (Q == 1 && T > 0)
    ar1_columns(&h, 1, T, be[0]);
  else
    for (int tau = 1; tau < T; tau++)
      for (int j = 1; j <= Q && j <= tau; j++) h[tau] += be[j - 1] * h[tau - j];

  /* the log-likelihood and the derivatives of l_t = log f(z_t) - log(h_t)/2 in (e_t, h_t,
   * shape): l_h (gh), l_e (ge), l_hh, l_eh, l_ee, the shape score (ls, ns rows) and, with H,
   * l_{e nu}, l_{h nu}, l_{nu nu} */
  double *gh = w->aux, *ge = gh + T, *lhh = ge + T, *leh = lhh + T, *lee = leh + T, *ls = lee + T;
  double *les = ls + 2 * (size_t)T, *lhs = les + T, *lss = lhs + T, *lam = lss + T, *rho = lam + T;
  if (D.d == HC_DIST_NORMAL) {
    /* normal law, log f = k0 - z^2/2 with z^2 = e^2 / h: every term is a product of e_t and
     * 1/h_t (l_h = -(1 - z^2)/(2h), l_e = -e/h, l_hh = (1 - 2 z^2)/(2 h^2), l_eh = e/h^2,
     * l_ee = -1/h), so one division per observation and no square root */
    const double k0 = D.k[0];
    for (int tau = 0; tau < T; tau++) {
      const double ht = h[tau];
      if (!(ht > 0.0) || !isfinite(ht)) return 1;
      const double et = e[tau + p], ih = 1.0 / ht, z2 = et * et * ih;
      sum += k0 - 0.5 * z2;
      if (want) {
        gh[tau] = -0.5 * (1.0 - z2) * ih;
        ge[tau] = -et * ih;
      }
      if (H) {
        lhh[tau] = 0.5 * (1.0 - 2.0 * z2) * ih * ih;
        leh[tau] = et * ih * ih;
        lee[tau] = -ih;
      }
    }
  } else
  for (int tau = 0; tau < T; tau++) {
    const double ht = h[tau];
    if (!(ht > 0.0) || !isfinite(ht)) return 1;
    double ih = 1.0 / ht, sh = sqrt(ht), z = e[tau + p] / sh, lf;
    if (H) {
      double dd[5];
      lf       = hc_dist_logpdf_d2(&D, z, dd);
      gh[tau]  = -0.5 * (z * dd[0] + 1.0) * ih;
      ge[tau]  = dd[0] / sh;
      lhh[tau] = 0.25 * (z * z * dd[1] + 3.0 * z * dd[0] + 2.0) * ih * ih;
      leh[tau] = -0.5 * (z * dd[1] + dd[0]) * ih / sh;
      lee[tau] = dd[1] * ih;
      if (ns) {
        ls[tau]  = dd[2];
        les[tau] = dd[3] / sh;
        lhs[tau] = -0.5 * z * dd[3] * ih;
        lss[tau] = dd[4];
      }
    } else if (want) {
      double dz, dsh[HC_DIST_MAX_SHAPE];
      lf      = hc_dist_logpdf(&D, z, &dz, dsh);
      gh[tau] = -0.5 * (z * dz + 1.0) * ih;
      ge[tau] = dz / sh;
      for (int i = 0; i < ns; i++) ls[(size_t)i * T + tau] = dsh[i];
    } else {
      lf = hc_dist_logpdf(&D, z, NULL, NULL);
    }
    sum += lf;
  }
  sum -= 0.5 * sum_log(h, T);
  if (!isfinite(sum)) return 1;
  *ll = sum;
  if (!want) return 0;

  /* d e_t / d(mu, ar, ma) by columns, det[k T + tau] = de[(tau + p) nm + k]: the sums over t
   * below read one column at a time, contiguous (hc_vol_residuals writes de by rows, the layout
   * of its recursion) */
  double *det = w->det;
  for (int tau = 0; tau < T; tau++)
    for (int k = 0; k < nm; k++) det[(size_t)k * T + tau] = de[(size_t)(tau + p) * nm + k];

  /* d h_t / d theta_k, k = 0..np-1, into dh[k T + tau]: inputs, then the beta recursion */
  double *dh = w->dh;
  for (int k = 0; k < np; k++) {
    double *dk = dh + (size_t)k * T;
    for (int tau = 0; tau < T; tau++) dk[tau] = dom[k];
    for (int i = 1; i <= P + O; i++) {
      int lag, col, neg;
      arch_term(&L, i, &lag, &col, &neg);
      const double c = theta[col], f = neg ? 0.5 : 1.0;
      for (int tau = 0; tau < lag && tau < T; tau++) dk[tau] += (k < nm ? c * f * ds2[k] : 0.0) + (k == col ? f * s2 : 0.0);
      if (k < nm)
        for (int tau = lag; tau < T; tau++) {
          double el = e[tau + p - lag];
          if (!neg || el < 0.0) dk[tau] += 2.0 * c * el * det[(size_t)k * T + tau - lag];
        }
      if (k == col)
        for (int tau = lag; tau < T; tau++) {
          double el = e[tau + p - lag];
          if (!neg || el < 0.0) dk[tau] += el * el;
        }
    }
    for (int j = 1; j <= Q; j++) {
      for (int tau = 0; tau < j && tau < T; tau++) dk[tau] += (k < nm ? be[j - 1] * ds2[k] : 0.0) + (k == L.ib + j - 1 ? s2 : 0.0);
      if (k == L.ib + j - 1)
        for (int tau = j; tau < T; tau++) dk[tau] += h[tau - j];
    }
  }
  /* the beta recursion of the np columns side by side, four at a time: each column's is a chain
   * of dependent multiply-adds, so one column at a time runs at the latency of one; several at
   * once at the throughput (the same operations in the same order per column) */
  if (Q == 1) {
    for (int k = 0; k < np; k += 4) {
      double *cols[4] = {NULL, NULL, NULL, NULL};
      for (int j = 0; j < 4 && k + j < np; j++) cols[j] = dh + (size_t)(k + j) * T;
      ar1_columns(cols, np - k < 4 ? np - k : 4, T, be[0]);
    }
  } else {
    for (int tau = 1; tau < T; tau++)
      for (int k = 0; k < np; k++) {
        double *dk = dh + (size_t)k * T;
        for (int j = 1; j <= Q && j <= tau; j++) dk[tau] += be[j - 1] * dk[tau - j];
      }
  }

  /* gradient and scores: d l_t = l_h dh + l_e de + shape score */
  if (grad) {
    for (int k = 0; k < np; k++) {
      grad[k] = dot(gh, dh + (size_t)k * T, T);
      if (k < nm) grad[k] += dot(ge, det + (size_t)k * T, T);
      if (k >= L.is) {
        double s = 0.0;
        for (int tau = 0; tau < T; tau++) s += ls[(size_t)(k - L.is) * T + tau];
        grad[k] += s;
      }
    }
    for (int k = 0; k < np; k++)
      if (!isfinite(grad[k])) return 1;
  }
  if (G)
    for (int tau = 0; tau < T; tau++)
      for (int k = 0; k < np; k++)
        G[(size_t)tau * np + k] = gh[tau] * dh[(size_t)k * T + tau] + (k < nm ? ge[tau] * det[(size_t)k * T + tau] : 0.0) +
                                  (k >= L.is ? ls[(size_t)(k - L.is) * T + tau] : 0.0);
  if (!H) return 0;

  /* Hessian, upper triangle: l_hh dh dh' + l_eh (de dh' + dh de') (the column y_a = l_hh dh_a +
   * l_eh de_a in w->dh's scratch row lam, then dot products) and the t shape terms */
  for (int a = 0; a < np; a++) {
    const double *da = dh + (size_t)a * T;
    for (int tau = 0; tau < T; tau++) lam[tau] = lhh[tau] * da[tau];
    if (a < nm)
      for (int tau = 0; tau < T; tau++) lam[tau] += leh[tau] * det[(size_t)a * T + tau];
    for (int b = a; b < np; b++) H[a * np + b] = dot(lam, dh + (size_t)b * T, T);
    if (a < nm) { /* + sum l_eh dh_a de_b (rho, free until the adjoint, holds l_eh dh_a) */
      for (int tau = 0; tau < T; tau++) rho[tau] = leh[tau] * da[tau];
      for (int b = a; b < nm; b++) H[a * np + b] += dot(rho, det + (size_t)b * T, T);
    }
  }
  if (ns) { /* t law: nu at L.is; h does not depend on nu (kappa = 1/2) */
    for (int a = 0; a < L.is; a++) H[a * np + L.is] = dot(lhs, dh + (size_t)a * T, T) + (a < nm ? dot(les, det + (size_t)a * T, T) : 0.0);
    double v = 0.0;
    for (int tau = 0; tau < T; tau++) v += lss[tau];
    H[L.is * np + L.is] = v;
  }

  /* adjoint: lambda_t = l_h,t + sum_j beta_j lambda_{t+j}, Lambda = sum lambda; A_i = sum_t
   * lambda_t dX_i(t-lag) (mean block), B_j = sum_t lambda_t dh_{t-j}, kappa the weight of
   * d^2 s2, rho_s = sum_i c_i 1(X_i at s) lambda_{s+lag_i} (the weight of d^2 X(s) / 2) */
  double A[6][HC_MAX_PARAMS] = {{0}}, B[3][HC_MAX_PARAMS] = {{0}}, Lam = 0.0, kap = 0.0;
  lam[T - 1] = gh[T - 1];
  if (Q == 1) {
    double l = lam[T - 1]; /* lambda_{t+1} in a register, as in ar1_columns */
    for (int tau = T - 2; tau >= 0; tau--) lam[tau] = l = gh[tau] + be[0] * l;
  } else
    for (int tau = T - 2; tau >= 0; tau--) {
      double v = gh[tau];
      for (int j = 1; j <= Q && tau + j < T; j++) v += be[j - 1] * lam[tau + j];
      lam[tau] = v;
    }
  for (int tau = 0; tau < T; tau++) Lam += lam[tau];
  for (int tau = 0; tau < T; tau++) rho[tau] = 0.0;
  for (int i = 1; i <= P + O; i++) {
    int lag, col, neg;
    arch_term(&L, i, &lag, &col, &neg);
    const double c = theta[col], f = neg ? 0.5 : 1.0, *el = e + p - lag;
    for (int tau = 0; tau < lag && tau < T; tau++) {
      for (int k = 0; k < nm; k++) A[i - 1][k] += lam[tau] * f * ds2[k];
      kap += lam[tau] * c * f;
    }
    /* rho_{tau-lag} += c lambda_tau 1(X_i); lhs is free scratch here: 2 lambda_tau e 1(X_i) */
    for (int tau = lag; tau < T; tau++) {
      double li = neg && !(el[tau] < 0.0) ? 0.0 : lam[tau];
      rho[tau - lag] += c * li;
      lhs[tau] = 2.0 * li * el[tau];
    }
    for (int k = 0; k < nm; k++)
      if (T > lag) A[i - 1][k] += dot(lhs + lag, det + (size_t)k * T, T - lag);
  }
  for (int j = 1; j <= Q; j++) {
    for (int tau = 0; tau < j && tau < T; tau++) {
      for (int k = 0; k < nm; k++) B[j - 1][k] += lam[tau] * ds2[k];
      kap += lam[tau] * be[j - 1];
    }
    if (T > j)
      for (int k = 0; k < np; k++) B[j - 1][k] += dot(lam + j, dh + (size_t)k * T, T - j);
  }
  if (L.iw < 0) kap += Lam * (1.0 - S); /* d^2 omega = (1 - S) d^2 s2 - ds2 dS' - dS ds2' */

  /* mean block: sum_s W_s de_s de_s' + V_s d^2 e_s with W_s = l_ee + 2 rho_s + 2 kappa / T and
   * V_s = l_e + 2 e_s rho_s + 2 kappa e_s / T (upper triangle; W in lhh, V in leh, both free) */
  for (int tau = 0; tau < T; tau++) {
    lhh[tau] = lee[tau] + 2.0 * (rho[tau] + kap / T);
    leh[tau] = ge[tau] + 2.0 * e[tau + p] * (rho[tau] + kap / T);
  }
  for (int a = 0; a < nm; a++) {
    for (int tau = 0; tau < T; tau++) lam[tau] = lhh[tau] * det[(size_t)a * T + tau];
    for (int b = a; b < nm; b++) H[a * np + b] += dot(lam, det + (size_t)b * T, T);
  }
  if (q) {
    /* sum_s V_s d^2 e_s without forming d^2 e_s: the MA recursion d^2 e_s = C_s - sum_{j <= min(q, s)}
     * ma_j d^2 e_{s-j}, C_s = D0 - sum_{j <= min(q, s)} (u_{p+j} de_{s-j}' + de_{s-j} u_{p+j}') (D0 = 1 at
     * (mu, ar_i) and (ar_i, mu)), summed by its adjoint mu_s = V_s - sum_j ma_j mu_{s+j} (lam, free here):
     * sum_s V_s d^2 e_s = D0 sum_s mu_s - sum_j (u_{p+j} r_j' + r_j u_{p+j}'), r_j = sum_{s >= j} mu_s de_{s-j} */
    const double *ma = theta + 1 + p;
    double        smu = 0.0;
    for (int tau = T - 1; tau >= 0; tau--) {
      double v = leh[tau];
      for (int j = 1; j <= q && tau + j < T; j++) v -= ma[j - 1] * lam[tau + j];
      lam[tau] = v;
      smu += v;
    }
    for (int i = 1; i <= p; i++) H[i] += smu;
    for (int j = 1; j <= q && j < T; j++) {
      const int c = p + j;
      for (int b = 0; b < nm; b++) {
        const double r = dot(lam + j, det + (size_t)b * T, T - j);
        if (b >= c) H[c * np + b] -= r; /* row c and column c of the upper triangle (twice on the diagonal) */
        if (b <= c) H[b * np + c] -= r;
      }
    }
  } else { /* d^2 e_s = D0 for every s: 1 at (mu, ar_i) */
    double v = 0.0;
    for (int tau = 0; tau < T; tau++) v += leh[tau];
    for (int i = 1; i <= p; i++) H[i] += v;
  }
  for (int a = 0; a < np; a++)
    for (int b = 0; b < a; b++) H[a * np + b] = H[b * np + a];
  /* the rank-two terms u_i A_i' + A_i u_i', u_j B_j' + B_j u_j' and, under variance
   * targeting, -Lambda (ds2 dS' + dS ds2') */
  for (int i = 1; i <= P + O; i++) {
    int lag, col, neg;
    arch_term(&L, i, &lag, &col, &neg);
    for (int a = 0; a < nm; a++) {
      H[col * np + a] += A[i - 1][a];
      H[a * np + col] += A[i - 1][a];
    }
  }
  for (int j = 1; j <= Q; j++) {
    const int col = L.ib + j - 1;
    for (int a = 0; a < np; a++) {
      H[col * np + a] += B[j - 1][a];
      H[a * np + col] += B[j - 1][a];
    }
  }
  if (L.iw < 0)
    for (int k = L.ia; k < L.is; k++)
      for (int a = 0; a < nm; a++) {
        double v = -Lam * ds2[a] * (k >= L.ig && k < L.ib ? D.m2neg : 1.0);
        H[a * np + k] += v;
        H[k * np + a] += v;
      }
  for (int k = 0; k < np * np; k++)
    if (!isfinite(H[k])) return 1;
  return 0;
}

int hc_vol_has_hessian(const hc_model *m)
{
  const hc_spec *s = &m->spec;
  return m->ops == &hc_garch_ops && (s->dist == HC_DIST_NORMAL || s->dist == HC_DIST_T) && s->vol_p <= 3 &&
         s->vol_o <= 3 && s->vol_q <= 3; /* the sizes of the adjoint sums A, B in garch_eval */
}

int hc_vol_loglik_hessian(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad, double *H)
{
  if (!hc_vol_has_hessian(m)) return -1;
  return garch_eval(m, theta, y, n, ll, grad, NULL, H);
}

static int garch_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  return garch_eval(m, theta, y, n, ll, grad, NULL, NULL);
}

/* Per-observation scores (n - p rows), or -1 if theta is inadmissible. */
static int garch_terms_grad(hc_model *m, const double *theta, const double *y, int n, double *G)
{
  double ll;
  return garch_eval(m, theta, y, n, &ll, NULL, G, NULL) ? -1 : n - m->spec.p;
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
static int forecast_from_state(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  int           p = m->spec.p;
  hc_vol_layout_of(&m->spec, &L);
  const int P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib;
  if (H < 1 || hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D)) return 1;
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

static int garch_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  double ll;
  return garch_eval(m, theta, y, n, &ll, NULL, NULL, NULL) || forecast_from_state(m, theta, y, n, H, mean, var);
}

/* The new observations y[n0..n-1] through the recursions of the last forecast (same theta): the
 * CSS residuals, then h_t = omega + sum_i c_i X_i(t - lag_i) + sum_j beta_j h_{t-j} in the order
 * of garch_eval's sums, omega from the residual mean square of that forecast. */
static int garch_forecast_update(hc_model *m, const double *theta, const double *y, int n0, int n, int H, double *mean, double *var)
{
  hc_vol_work  *w = m->work;
  hc_vol_layout L;
  hc_dist_eval  D;
  const int     p = m->spec.p, q = m->spec.q;
  hc_vol_layout_of(&m->spec, &L);
  const int P = L.ig - L.ia, O = L.ib - L.ig, Q = L.is - L.ib, lag_max = (P > O ? P : O) > Q ? (P > O ? P : O) : Q;
  if (n0 > n || n > m->n_max || n0 - p <= lag_max || hc_dist_prepare(m->spec.dist, theta + L.is, 0, &D)) return 1;
  hc_arma_css_extend(p, q, theta[0], theta + 1, theta + 1 + p, y, n0, n, w->e);
  const double omega = L.iw >= 0 ? theta[L.iw] : w->s2 * (1.0 - garch_persistence(&L, theta, D.m2neg));
  const double *e = w->e, *be = theta + L.ib;
  double       *h = w->h;
  for (int t = n0; t < n; t++) {
    double v = omega;
    for (int i = 1; i <= P + O; i++) {
      int lag, col, neg;
      arch_term(&L, i, &lag, &col, &neg);
      const double c = theta[col], el = e[t - lag];
      v += neg ? (el < 0.0 ? c * el * el : 0.0) : c * el * el;
    }
    for (int j = 1; j <= Q; j++) v += be[j - 1] * h[t - j];
    if (!(v > 0.0) || !isfinite(v)) return 1;
    h[t] = v;
  }
  return forecast_from_state(m, theta, y, n, H, mean, var);
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
  const double a = 0.10, g = 0.05, b = 0.85; /* typical of daily returns; persistence 0.95 (0.975 GJR) */
  for (int i = 0; i < P; i++) theta[L.ia + i] = a / P;
  for (int i = 0; i < O; i++) theta[L.ig + i] = g / O;
  for (int j = 0; j < Q; j++) theta[L.ib + j] = b / Q;
  if (L.iw >= 0) theta[L.iw] = sigma2 * (1.0 - (P ? a : 0.0) - (O ? 0.5 * g : 0.0) - (Q ? b : 0.0));
  return 0;
}

int hc_vol_start_model(hc_model *m, const double *y, int n, double *theta)
{
  int    p = m->spec.p, nm = 1 + p + m->spec.q;
  double hr[HC_MAX_PARAMS];
  if (n - p < 4 || n > m->n_max) return 1;
  if (nm == 1 || hc_arma_hannan_rissanen(p, m->spec.q, y, n, hr)) { /* constant mean: the sample mean */
    double mu = 0.0;
    for (int t = 0; t < n; t++) mu += y[t];
    hr[0] = mu / n;
    for (int k = 1; k < nm; k++) hr[k] = 0.0;
  }
  double v = hc_vol_residuals(m, hr, y, n, NULL);
  if (!(v > 0.0) || !isfinite(v)) v = 1.0;
  return hc_vol_start(&m->spec, hr, v, NULL, theta);
}

int hc_vol_std_residuals(hc_model *m, const double *theta, const double *y, int n, double *z)
{
  const hc_vol_work *w = m->work;
  const int          p = m->spec.p;
  double             ll;
  if (m->ops->loglik(m, theta, y, n, &ll, NULL) || !isfinite(ll)) return -1;
  for (int t = p; t < n; t++) z[t - p] = w->e[t] / sqrt(w->h[t]);
  return n - p;
}

int hc_vol_check(const hc_spec *s, char *why, size_t len)
{
  if (hc_spec_is_arma(s)) return 0;
  hc_strlcpy(why, "volatility models need a plain ARMA mean (no differencing, seasonality or regressors)", len);
  return 1;
}

int hc_vol_law(const hc_model *m, const double *theta, hc_dist_eval *law)
{
  hc_vol_layout L;
  hc_vol_layout_of(&m->spec, &L);
  return hc_dist_prepare(m->spec.dist, theta + L.is, 0, law);
}

int hc_vol_starts(const hc_model *m, const hc_fit_record *mean_fit, int n_prev, const hc_fit_record *prev, double *out, int max)
{
  const hc_spec *s  = &m->spec;
  const int      nm = 1 + s->p + s->q;
  int            ns = 0;
  if (mean_fit->n_params != nm + 1 || max < 1) return 0; /* mu, ar, ma, sigma2 of the ARMA fit */
  /* from the ARMA fit, and for t/skewt/GED also from the normal-law fit of the same family and
   * orders on this mean, when there is one */
  const hc_fit_record *normal = NULL;
  if (s->dist != HC_DIST_NORMAL) {
    hc_spec sn = *s;
    char    name[HC_MODEL_LEN];
    sn.dist = HC_DIST_NORMAL;
    hc_spec_name(&sn, name, sizeof name);
    for (int i = 0; i < n_prev; i++)
      if (!strcmp(prev[i].name, name) && prev[i].status == 0 && isfinite(prev[i].loglik)) normal = &prev[i];
  }
  if (!hc_vol_start(s, mean_fit->params, mean_fit->params[nm], NULL, out)) ns++;
  if (normal && ns < max && !hc_vol_start(s, mean_fit->params, mean_fit->params[nm], normal, out + (size_t)ns * m->n_params)) ns++;
  return ns;
}

static int garch_serves(const hc_spec *s) { return s->vol == HC_VOL_GARCH || s->vol == HC_VOL_GJR; }

static unsigned garch_capabilities(const hc_model *m) { return hc_vol_has_hessian(m) ? HC_CAP_HESSIAN : 0u; }

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
  .forecast_update   = garch_forecast_update,
  .loglik_terms_grad = garch_terms_grad,
  .vol_summary       = garch_vol_summary,
  .residuals         = hc_vol_std_residuals,
  .serves            = garch_serves,
  .likelihood_of_y   = 1,
  .check             = hc_vol_check,
  .law               = hc_vol_law,
  .capabilities      = garch_capabilities,
  .hessian           = hc_vol_loglik_hessian,
  .starts            = hc_vol_starts,
};
