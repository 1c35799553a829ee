/**
 * @file kalman.c
 * @brief Kalman filter for the exact Gaussian likelihood of a stationary ARMA(p,q), its
 *        derivatives (score recursions), and the h-step forecast covariances.
 *
 * State-space form of Harvey (1989) "Forecasting, structural time series models and
 * the Kalman filter", sec. 3.4, also used by R stats::arima (Gardner, Harvey &
 * Phillips 1980): x_t = Z alpha_t, alpha_{t+1} = T alpha_t + R eps_{t+1}, Z = e_1',
 * T the companion matrix of phi, unit innovation variance.
 *
 * 1. The stationary initial covariance P_1 (P = T P T' + R R') enters the filter only
 *    through its first column, Cov(alpha_t, x_t), a closed form in the autocovariances
 *    gamma(0..r) and the MA(inf) weights psi_0..psi_{r-1} (below); the autocovariances solve
 *    the (p+1) linear equations of Brockwell & Davis (2002) eq. 3.3.8-3.3.9.
 * 2. The gain follows the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974; Harvey
 *    1989 sec. 3.3.4; the fast recursions of Melard 1984, AS 154): P_{t+1} - P_t = W_t M_t W_t'
 *    has rank one when P_1 is stationary, so one step costs O(r) instead of the O(r^2) of
 *    the Riccati recursion. Once the increment is below 1e-14 (relative) the gain is frozen
 *    (steady state), which leaves the likelihood unchanged to round-off.
 * 3. The gradient (the score, Harvey 1989 sec. 3.4.6) is computed in reverse (adjoint) mode:
 *    the forward pass keeps the innovations, a_t[0] and the Chandrasekhar quantities of the
 *    transient phase; one backward pass through the state recursion, the Chandrasekhar
 *    recursions and the initial conditions collects the adjoints of T e_1 and of P_1 e_1, and
 *    each ARMA direction then costs one derivative of the autocovariance equations (O(r^2)),
 *    so the gradient costs about three likelihood evaluations whatever the number of
 *    parameters (Griewank & Walther 2008, ch. 3).
 */
#include "kalman.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HC_KF_R_UNROLL 4 /* state dimensions with copies of steady_forward and steady_back of their own */
#define HC_KF_STEADY_TOL 1e-14

/* kf->A holds the LU factors of the autocovariance equations [(r+1)^2] and their pivots
 * [r+1 ints]; kf->B the vectors a_{t+1} [r], G [r], (unused), psi [r], c, gamma, col [r+1 each],
 * then the two alternating Chandrasekhar records of the filter without a reverse pass
 * [2 record_len]. */
static double *vec_B(const hc_kalman *kf, int i) { return kf->B + (size_t)i * (kf->r_max + 1); }

/* Length of the record (F_t, M_t, K_t [r], W_t [r + 1], W_t[r] = 0) of one index of the
 * Chandrasekhar recursions: the padding zero lets (T W)_i = T1_i W_0 + W_{i+1} run over every i. */
static size_t record_len(int r) { return 2 * (size_t)r + 3; }

int hc_kalman_create(int r_max, hc_kalman *kf)
{
  memset(kf, 0, sizeof *kf);
  if (r_max < 1) r_max = 1;
  size_t r = (size_t)r_max, r2 = r * r, lu = (r + 1) * (r + 1) + r + 1, nb = 7 * (r + 1) + 2 * record_len(r_max);
  kf->r_max = r_max;
  kf->buf   = malloc((6 * r + 4 * r2 + lu + nb) * sizeof *kf->buf);
  if (!kf->buf) return ENOMEM;
  kf->T1 = kf->buf;
  kf->R  = kf->T1 + r;
  kf->a  = kf->R + r;
  kf->K  = kf->a + r;
  kf->P  = kf->K + r;
  kf->TP = kf->P + r2;
  kf->C  = kf->TP + r2;
  kf->A  = kf->C + r2;
  kf->B  = kf->A + lu;
  kf->Ks = kf->B + nb;
  kf->af = kf->Ks + r;
  kf->Pf = kf->af + r;
  return 0;
}

void hc_kalman_destroy(hc_kalman *kf)
{
  free(kf->buf);
  memset(kf, 0, sizeof *kf);
}


/* theta_j with theta_0 = 1 (j <= q) */
static double th(const double *theta, int j) { return j == 0 ? 1.0 : theta[j - 1]; }

/* LU factorisation with partial pivoting of the n x n column-major A (in place, pivots in
 * piv); for the small systems here, where LAPACK's call overhead would dominate. Returns 0,
 * or 1 if A is singular. */
static int lu_factor(int n, double *A, int *piv)
{
  for (int k = 0; k < n; k++) {
    int p = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(A[i + n * k]) > fabs(A[p + n * k])) p = i;
    piv[k] = p;
    if (!(A[p + n * k] != 0.0)) return 1;
    if (p != k)
      for (int j = 0; j < n; j++) {
        double t     = A[k + n * j];
        A[k + n * j] = A[p + n * j];
        A[p + n * j] = t;
      }
    for (int i = k + 1; i < n; i++) {
      A[i + n * k] /= A[k + n * k];
      for (int j = k + 1; j < n; j++) A[i + n * j] -= A[i + n * k] * A[k + n * j];
    }
  }
  return 0;
}

/* Solve A x = b (b overwritten) with the factors of lu_factor. */
static void lu_solve(int n, const double *A, const int *piv, double *b)
{
  for (int k = 0; k < n; k++) { /* b <- P b: the row swaps in the order of the factorisation */
    double t  = b[piv[k]];
    b[piv[k]] = b[k];
    b[k]      = t;
  }
  for (int k = 0; k < n; k++)
    for (int i = k + 1; i < n; i++) b[i] -= A[i + n * k] * b[k];
  for (int k = n - 1; k >= 0; k--) {
    b[k] /= A[k + n * k];
    for (int i = 0; i < k; i++) b[i] -= A[i + n * k] * b[k];
  }
}

int hc_arma_acov(int p, const double *phi, int q, const double *theta, int H, double *gamma, int npsi, double *psi,
                 double *c, double *lu, int *ipiv)
{
  const int top = H > p ? H : p;
  psi[0]        = 1.0;
  for (int j = 1; j < npsi; j++) {
    double s = j <= q ? theta[j - 1] : 0.0;
    for (int i = 1; i <= p && i <= j; i++) s += phi[i - 1] * psi[j - i];
    psi[j] = s;
  }
  for (int k = 0; k <= q; k++) {
    double s = 0.0;
    for (int j = k; j <= q; j++) s += th(theta, j) * psi[j - k];
    c[k] = s;
  }
  for (int k = 0; k <= p; k++) gamma[k] = k <= q ? c[k] : 0.0;
  if (p > 0) {
    const int np1 = p + 1;
    memset(lu, 0, sizeof(double) * (size_t)np1 * np1);
    for (int k = 0; k <= p; k++) {
      lu[k + np1 * k] += 1.0;
      for (int i = 1; i <= p; i++) lu[k + np1 * abs(k - i)] -= phi[i - 1];
    }
    if (lu_factor(np1, lu, ipiv)) return 1;
    lu_solve(np1, lu, ipiv, gamma);
  }
  /* gamma(k) = c_k + sum_i phi_i gamma(k-i): the term of gamma(k-1), kept in a register, enters
   * last, so that the recursion waits for one multiply-add per lag (long for Whittle's criterion);
   * beyond lag q (c_k = 0), two lags at a time from the same p values, gamma(k) = sum_i phi_i
   * gamma(k-i) and gamma(k+1) = sum_i b_i gamma(k-i) with b_i = phi_1 phi_i + phi_{i+1}
   * (phi_{p+1} = 0), the two newest in registers: one multiply-add per two lags */
  const int kb = p > HC_MAX_PARAMS ? top + 1 : q + 1 > p + 1 ? q + 1 : p + 1; /* first lag of the two-lag steps */
  double    g1 = p > 0 ? gamma[p] : 0.0;
  int       k  = p + 1;
  for (; k <= top && (k < kb || p == 0 || k == top); k++) {
    double g = k <= q ? c[k] : 0.0;
    for (int i = 2; i <= p; i++) g += phi[i - 1] * gamma[k - i];
    gamma[k] = g1 = p > 0 ? g + phi[0] * g1 : g;
  }
  if (k < top) {
    double b[HC_MAX_PARAMS], g2 = gamma[k - 2];
    for (int i = 1; i <= p; i++) b[i - 1] = phi[0] * phi[i - 1] + (i < p ? phi[i] : 0.0);
    for (; k + 1 <= top; k += 2) {
      double g0 = phi[0] * g1, gn = b[0] * g1;
      if (p >= 2) {
        g0 += phi[1] * g2;
        gn += b[1] * g2;
      }
      for (int i = 3; i <= p; i++) {
        g0 += phi[i - 1] * gamma[k - i];
        gn += b[i - 1] * gamma[k - i];
      }
      gamma[k] = g2 = g0;
      gamma[k + 1] = g1 = gn;
    }
    if (k == top) {
      double g = 0.0;
      for (int i = 1; i <= p; i++) g += phi[i - 1] * gamma[k - i];
      gamma[k] = g;
    }
  }
  return !(gamma[0] > 0) || !isfinite(gamma[0]);
}

/* The autocovariances gamma[0..r] and MA(inf) weights psi[0..r-1] of the model (hc_arma_acov,
 * LU factors kept in kf->A for moments_tangent) and col[0..r] = Cov(alpha_t, x_t) of the
 * stationary state (col[r] = 0): alpha_{t,l} = sum_{j=0}^{r-1-l} (phi_{l+j} x_{t-1-j} +
 * R_{l+j} eps_{t-j}), so col[l] = sum_j (phi_{l+j} gamma(j+1) + R_{l+j} psi_j). Returns 0 if
 * gamma(0) > 0. */
static int moments(hc_kalman *kf, int p, int q, const double *phi, const double *theta)
{
  const int     r = kf->r;
  double       *psi = vec_B(kf, 3), *c = vec_B(kf, 4), *gamma = vec_B(kf, 5), *col = vec_B(kf, 6);
  int          *ipiv = (int *)(kf->A + (size_t)(kf->r_max + 1) * (kf->r_max + 1));
  if (hc_arma_acov(p, phi, q, theta, r, gamma, r, psi, c, kf->A, ipiv)) return 1;
  col[0] = gamma[0];
  col[r] = 0.0;
  for (int l = 1; l < r; l++) {
    double s = 0.0;
    for (int j = 0; j + l < r; j++) s += kf->T1[l + j] * gamma[j + 1] + kf->R[l + j] * psi[j];
    col[l] = s;
  }
  return 0;
}

/* Derivative of moments() along (dphi[0..p-1], dtheta[0..q-1]): dpsi, dc, dgamma (w[0..]) and
 * dcol. Needs the LU factors of the last moments() call (the autocovariance equations
 * differentiated: A dgamma = dc - dA gamma, the same matrix A). */
static void moments_tangent(hc_kalman *kf, int p, int q, const double *phi, const double *theta, const double *dphi,
                            const double *dtheta, double *w, double *dcol)
{
  const int     r = kf->r, np1 = p + 1, stride = kf->r_max + 1;
  const double *psi = vec_B(kf, 3), *gamma = vec_B(kf, 5);
  double       *dpsi = w, *dc = w + stride, *dgamma = w + 2 * stride;
  const int    *ipiv = (const int *)(kf->A + (size_t)stride * stride);
  dpsi[0]            = 0.0;
  for (int j = 1; j < r; j++) {
    double s = j <= q ? dtheta[j - 1] : 0.0;
    for (int i = 1; i <= p && i <= j; i++) s += dphi[i - 1] * psi[j - i] + phi[i - 1] * dpsi[j - i];
    dpsi[j] = s;
  }
  for (int k = 0; k <= q; k++) {
    double s = 0.0;
    for (int j = k; j <= q; j++) s += (j ? dtheta[j - 1] : 0.0) * psi[j - k] + th(theta, j) * dpsi[j - k];
    dc[k] = s;
  }
  for (int k = 0; k <= r; k++) dgamma[k] = k <= q ? dc[k] : 0.0;
  if (p > 0) {
    for (int k = 0; k <= p; k++)
      for (int i = 1; i <= p; i++) dgamma[k] += dphi[i - 1] * gamma[abs(k - i)];
    lu_solve(np1, kf->A, ipiv, dgamma);
    for (int k = p + 1; k <= r; k++)
      for (int i = 1; i <= p; i++) dgamma[k] += dphi[i - 1] * gamma[k - i] + phi[i - 1] * dgamma[k - i];
  }
  dcol[0] = dgamma[0];
  dcol[r] = 0.0;
  for (int l = 1; l < r; l++) {
    double s = 0.0;
    for (int j = 0; j + l < r; j++) {
      int m = l + j;
      s += (m < p ? dphi[m] : 0.0) * gamma[j + 1] + kf->T1[m] * dgamma[j + 1] + (m <= q ? dtheta[m - 1] : 0.0) * psi[j] +
           kf->R[m] * dpsi[j];
    }
    dcol[l] = s;
  }
}

/* The stationary P_1 (row-major r x r) from its first column: P = T P T' + R R' read from the
 * bottom-right corner up, (T P T')_{il} = phi_i phi_l P_00 + phi_i P_{0,l+1} + phi_l P_{i+1,0}
 * + P_{i+1,l+1}, O(r^2). */
static void initial_covariance(hc_kalman *kf)
{
  const int     r = kf->r;
  const double *col = vec_B(kf, 6), *T1 = kf->T1, *R = kf->R;
  double       *P = kf->P;
  for (int i = r - 1; i >= 0; i--)
    for (int l = r - 1; l >= i; l--) {
      double v;
      if (i == 0) v = col[l];
      else {
        v = T1[i] * T1[l] * col[0] + T1[i] * col[l + 1] + T1[l] * col[i + 1] + R[i] * R[l];
        if (l + 1 < r) v += P[(i + 1) * r + l + 1];
      }
      P[i * r + l] = P[l * r + i] = v;
    }
}

/* The forward pass keeps, for the reverse pass of hc_kalman_arma_grad, v_t and a_t[0] for every
 * t and the record (record_len) of every index of the transient phase and of the first steady
 * one; the reverse pass keeps the adjoints of a_t and W_t as windows of two arrays [n + r + 1]
 * (below), 4 vectors [r_max + 1] and the scratch of moments_tangent [4 (r_max + 1)]. */
size_t hc_kalman_grad_work_size(int r_max, int n_max)
{
  const size_t r = (size_t)(r_max < 1 ? 1 : r_max), n = (size_t)(n_max < 1 ? 1 : n_max);
  return 2 * n + (n + 1) * record_len((int)r) + 2 * (n + r + 1) + 8 * (r + 1);
}

/* One observation: v_t = x_t - a_t[0] and a_{t+1} = T a_t + K v_t, written a_{t+1}[i] = (a_t[i+1]
 * + K_i x_t) + (T1_i - K_i) a_t[0], from a = a_t into an = a_{t+1} (two arrays, so that the shift
 * vectorises; T1 is zero beyond p). a_t[0] comes in *a0, which receives a_{t+1}[0]: the caller
 * keeps it in a register, so that the step-to-step recursion waits for one multiply-add, not for
 * a whole sum and the reload of a value just stored. Returns v_t. */
static inline double observe(int r, double xt, const double *restrict T1, const double *restrict K, double *a0,
                             const double *restrict a, double *restrict an)
{
  const double at = *a0;
  for (int i = 1; i < r - 1; i++) an[i] = (a[i + 1] + K[i] * xt) + (T1[i] - K[i]) * at;
  if (r > 1) an[r - 1] = K[r - 1] * xt + (T1[r - 1] - K[r - 1]) * at;
  an[0] = *a0 = (r > 1 ? a[1] + K[0] * xt : K[0] * xt) + (T1[0] - K[0]) * at;
  return xt - at;
}

/* The steady phase of the filter (constant gain K, 1/F = iF) from t to n-1: the steps of
 * observe(). Inlined into a copy per state dimension r <= HC_KF_R_UNROLL, whose loops over the
 * state unroll, so that the state a_t stays in registers instead of two arrays written and read
 * back each step; a larger r works in a and an. a (in: a_t, whose a_t[0] is the filter's register
 * copy; out: a_n) and the outputs vt, a0, resid (each may be NULL) as observe() leaves them, the
 * same operations in the same order. Returns s plus the sum of v_t^2 / F. */
static inline __attribute__((always_inline)) double steady_forward(const int r, int t, int n, const double *restrict x,
                                                                   const double *restrict T1, const double *restrict K, double iF,
                                                                   double s, double *a, double *an, double *restrict vt,
                                                                   double *restrict a0, double *restrict resid)
{
  double  stl[HC_KF_R_UNROLL], nxl[HC_KF_R_UNROLL];
  double *st = r <= HC_KF_R_UNROLL ? stl : a, *nx = r <= HC_KF_R_UNROLL ? nxl : an;
  for (int i = 0; st != a && i < r; i++) st[i] = a[i];
  for (; t < n; t++) {
    const double xt = x[t], at = st[0];
    if (a0) a0[t] = at;
    for (int i = 1; i < r - 1; i++) nx[i] = (st[i + 1] + K[i] * xt) + (T1[i] - K[i]) * at;
    if (r > 1) nx[r - 1] = K[r - 1] * xt + (T1[r - 1] - K[r - 1]) * at;
    nx[0] = (r > 1 ? st[1] + K[0] * xt : K[0] * xt) + (T1[0] - K[0]) * at;
    for (int i = 0; i < r; i++) st[i] = nx[i];
    const double v = xt - at;
    if (vt) vt[t] = v;
    s += v * v * iF;
    if (resid) resid[t] = v * sqrt(iF);
  }
  for (int i = 0; st != a && i < r; i++) a[i] = st[i];
  return s;
}

/* Record of index t: F_t, M_t, K_t [r], W_t [r + 1]. */
static double *record(double *rec, int r, int t) { return rec + (size_t)t * record_len(r); }

/* Dot product of x[0..n-1] and y[0..n-1] summed in two lanes (even and odd i), so that the
 * compiler vectorises it and the sum is not one chain of dependent additions. */
static inline double dot2(int n, const double *restrict x, const double *restrict y)
{
  double s[2] = {0.0, 0.0};
  int    i    = 0;
  for (; i + 1 < n; i += 2)
    for (int l = 0; l < 2; l++) s[l] += x[i + l] * y[i + l];
  if (i < n) s[0] += x[i] * y[i];
  return s[0] + s[1];
}

/* One step of the Chandrasekhar recursions of the gain, from W_t (W[r] = 0) to G_{t+1} (G updated),
 * K_{t+1} = G_{t+1} / F_{t+1} and W_{t+1} = T W_t - K_{t+1} u (Kn, Wn; Wn[r] = 0), with u = W_t[0],
 * Mu = M_t u and iF = 1 / F_{t+1}. Returns |W_{t+1}|^2. */
static inline double gain_step(int r, int p, double u, double Mu, double iF, const double *restrict T1,
                               const double *restrict W, double *restrict G, double *restrict Kn, double *restrict Wn)
{
  const int pa = p < r ? p : r;
  for (int i = 0; i < pa; i++) {
    const double tw = T1[i] * u + W[i + 1];
    G[i] += Mu * tw;
    Kn[i] = G[i] * iF;
    Wn[i] = tw - Kn[i] * u;
  }
  for (int i = pa; i < r; i++) {
    G[i] += Mu * W[i + 1];
    Kn[i] = G[i] * iF;
    Wn[i] = W[i + 1] - Kn[i] * u;
  }
  Wn[r] = 0.0;
  return dot2(r, Wn, Wn);
}

/* The filter: hc_kalman_arma (keep_P: accumulate P_{t+1} = P_t + W_t M_t W_t'; resid) and
 * the forward pass of hc_kalman_arma_grad (vt, a0, rec not NULL: keep what the reverse pass
 * needs; *ts receives the number of transient steps, the index of the first steady one).
 * The recursions write the record of index t+1 from that of t: into rec, or alternately into
 * the two records of kf->B. */
static int filter(hc_kalman *kf, int p, int q, const double *phi, const double *theta, const double *x, int n,
                  double *ssq, double *sumlogF, double *resid, int keep_P, double *vt, double *a0, double *rec, int *ts)
{
  const int r = p > q + 1 ? p : q + 1;
  kf->steady  = 0;
  if (r > kf->r_max) return 1;
  kf->r = r;
  double *T1 = kf->T1, *R = kf->R, *a = kf->a, *an = vec_B(kf, 0), *P = kf->P; /* a_t, a_{t+1} alternate */
  double *G = vec_B(kf, 1), *col = vec_B(kf, 6), *alt = vec_B(kf, 7);
  for (int i = 0; i < r; i++) {
    T1[i] = i < p ? phi[i] : 0.0;
    R[i]  = i == 0 ? 1.0 : (i - 1 < q ? theta[i - 1] : 0.0);
    a[i]  = 0.0;
  }
  if (moments(kf, p, q, phi, theta)) return 1;
  /* P_2 - P_1 = -G G' / F with G = T P_1 e_1 = K F: W_1 = G, M_1 = -1 / F */
  double  F = col[0], M = -1.0 / F, *cur = rec ? rec : alt;
  double *K = cur + 2, *W = K + r;
  cur[0] = F;
  cur[1] = M;
  for (int i = 0; i < r; i++) {
    G[i] = T1[i] * F + col[i + 1];
    K[i] = G[i] / F;
    W[i] = G[i];
  }
  W[r] = 0.0;
  if (keep_P) initial_covariance(kf);

  /* transient phase: the Chandrasekhar recursions of the gain */
  double s = 0.0, slf = 0.0, prodF = 1.0, iF = 1.0 / F; /* sum log F_t = slf + log prodF */
  int    t = 0;
  double at0 = 0.0; /* a_t[0], in a register (observe) */
  int    steady = 0;
  for (; t < n && !steady; t++) {
    if (a0) a0[t] = at0;
    const double v = observe(r, x[t], T1, K, &at0, a, an);
    double      *ta = a;
    a               = an;
    an              = ta;
    if (vt) vt[t] = v;
    s += v * v * iF;
    prodF *= F;
    if (prodF > 1e100) {
      slf += log(prodF);
      prodF = 1.0;
    }
    if (resid) resid[t] = v * sqrt(iF);
    /* F += M u^2, G += M u T W, K = G / F, W = T W - K u, M *= F_new / F_old (u = W[0]) */
    const double u = W[0], Mu = M * u;
    if (keep_P)
      for (int i = 0; i < r; i++)
        for (int j = 0; j < r; j++) P[i * r + j] += W[i] * M * W[j];
    F += Mu * u;
    if (!(F > 0) || !isfinite(F)) return 1;
    M *= F * iF; /* F_new / F_old */
    iF = 1.0 / F;
    double *nxt = rec ? cur + record_len(r) : (cur == alt ? alt + record_len(r) : alt);
    double  w2  = gain_step(r, p, u, Mu, iF, T1, W, G, nxt + 2, nxt + 2 + r);
    nxt[0]      = F;
    nxt[1]      = M;
    cur         = nxt;
    K           = cur + 2;
    W           = K + r;
    /* steady once the next increment P_{t+2} - P_{t+1} = W M W' is below round-off */
    steady = fabs(M) * w2 <= HC_KF_STEADY_TOL * (1.0 + F);
  }
  if (ts) *ts = t; /* the first steady index (or n): its F and K serve every later step */
  /* steady phase: constant gain */
  slf += log(prodF) + (n - t) * log(F);
  switch (r) { /* the state dimension a constant of each copy: the state in registers */
  case 1: s = steady_forward(1, t, n, x, T1, K, iF, s, a, an, vt, a0, resid); break;
  case 2: s = steady_forward(2, t, n, x, T1, K, iF, s, a, an, vt, a0, resid); break;
  case 3: s = steady_forward(3, t, n, x, T1, K, iF, s, a, an, vt, a0, resid); break;
  case 4: s = steady_forward(4, t, n, x, T1, K, iF, s, a, an, vt, a0, resid); break;
  default: s = steady_forward(r, t, n, x, T1, K, iF, s, a, an, vt, a0, resid);
  }
  if (a != kf->a) memcpy(kf->a, a, sizeof(double) * (size_t)r);
  if (keep_P && steady) { /* P_{t+1|t} is constant from here: hc_kalman_arma_extend may go on */
    kf->steady = 1;
    memcpy(kf->Ks, K, sizeof(double) * (size_t)r);
  }
  *ssq     = s;
  *sumlogF = slf;
  return 0;
}

int hc_kalman_arma_extend(hc_kalman *kf, const double *x, int n)
{
  if (!kf->steady) return 1;
  const int r = kf->r;
  double   *a = kf->a, *an = kf->af, at0 = kf->a[0];
  for (int t = 0; t < n; t++) {
    observe(r, x[t], kf->T1, kf->Ks, &at0, a, an);
    double *ta = a;
    a          = an;
    an         = ta;
  }
  if (a != kf->a) memcpy(kf->a, a, sizeof(double) * (size_t)r);
  return 0;
}

int hc_kalman_arma(hc_kalman *kf, int p, int q, const double *phi, const double *theta, const double *x, int n,
                   double *ssq, double *sumlogF, double *resid, int with_P)
{
  return filter(kf, p, q, phi, theta, x, n, ssq, sumlogF, resid, with_P, NULL, NULL, NULL, NULL);
}

/* The element-wise part of the reverse of the Chandrasekhar step t -> t+1 (W1 = TW - K1 u,
 * K1 = G1 / F1, G1 = G0 + M0 u TW) and of the K_t part of observation t: from the adjoints wb1
 * of W_{t+1} and Kb of K_{t+1} (the part of observation t+1), Gb += (Kb - u wb1) / F1, wb1 <-
 * the adjoint of TW, wb1 + M0 u Gb, and Kb <- ab v_t, the adjoint of K_t. */
static inline void back_update(int r, double u, double Mu, double iF1, double v, const double *restrict ab,
                               double *restrict wb1, double *restrict Kb, double *restrict Gb)
{
  for (int i = 0; i < r; i++) {
    const double wb = wb1[i];
    Gb[i] += (Kb[i] - u * wb) * iF1;
    wb1[i] = wb + Mu * Gb[i];
    Kb[i]  = ab[i] * v;
  }
}

/* The steady phase of the reverse pass of hc_kalman_arma_grad, backwards from t = n-1 to ts: every
 * step has F and K of record ts (Ks; c2F = 2 c / F, d0 = T1[0] - K[0]). Per step, with ab = ab_{t+1}:
 * vb = dJ/dv_t = 2 c v / F + K . ab, ab_t[0] = T1 . ab - vb, and the sums of ab v into Kb (adjoint
 * of K), of ab a0 into T1b (of T1, first p), of vb dx into xg (data directions); returns the sum
 * of v^2 (for the adjoint of F: sum_t (1 - c v^2 / F) / F). The term of ab[0] = ab_{t+1}[0], the
 * value of the step before, enters last, so that ab_t[0] = rest + (T1[0] - K[0]) ab[0] is one
 * multiply-add behind it, and it stays in a register (ab0). Inlined into a copy per state
 * dimension r = 1..4, whose loops over the state unroll: the sums of Kb, T1b and the first data
 * direction then live in registers, not in memory that each step would store and reload. The same
 * operations in the same order as one generic loop. */
static inline __attribute__((always_inline)) double steady_back(const int r, int p, int kx, int n, int ts, const double *restrict vt,
                                                                const double *restrict a0, double *restrict abuf,
                                                                const double *restrict Ks, const double *restrict T1, double c2F,
                                                                double d0, const double *restrict dx, double *Kb, double *T1b,
                                                                double *xg)
{
  double  kbl[HC_KF_R_UNROLL], t1bl[HC_KF_R_UNROLL], x0 = kx > 0 ? xg[0] : 0.0, v2 = 0.0, ab0 = abuf[n];
  double *kb = r <= HC_KF_R_UNROLL ? kbl : Kb, *t1b = r <= HC_KF_R_UNROLL ? t1bl : T1b; /* larger r: the sums in place */
  for (int i = 0; kb != Kb && i < r; i++) kb[i] = Kb[i], t1b[i] = T1b[i];
  for (int t = n - 1; t >= ts; t--) {
    const double *ab = abuf + t + 1, v = vt[t];
    double        vb = c2F * v, sT = 0.0;
    for (int i = 1; i < r; i++) {
      vb += Ks[i] * ab[i];
      kb[i] += ab[i] * v;
    }
    for (int i = 1; i < r; i++)
      if (i < p) {
        t1b[i] += ab[i] * a0[t];
        sT += T1[i] * ab[i];
      }
    const double at = (sT - vb) + d0 * ab0;
    abuf[t] = at;
    kb[0] += ab0 * v;
    if (p > 0) t1b[0] += ab0 * a0[t];
    vb += Ks[0] * ab0;
    v2 += v * v;
    if (kx > 0) x0 += vb * dx[t];
    for (int d = 1; d < kx; d++) xg[d] += vb * dx[(size_t)d * n + t];
    ab0 = at;
  }
  for (int i = 0; kb != Kb && i < r; i++) Kb[i] = kb[i], T1b[i] = t1b[i];
  if (kx > 0) xg[0] = x0;
  return v2;
}

/* White noise, p = q = 0 (hc_kalman_arma_grad): the state is never predicted (T = 0, so the gain
 * is zero and F_t = gamma(0) = 1), so v_t = x_t, sumlogF = 0 and dJ / dx_t = 2 c x_t. The same
 * values as the general filter and its reverse pass, in the same order of summation (ssq forward,
 * the data directions backward), to the bit, in one pass without the Chandrasekhar records. */
static int white_noise(hc_kalman *kf, const double *x, int n, hc_kalman_grad *g, double *ssq, double *sumlogF)
{
  double s = 0.0;
  for (int t = 0; t < n; t++) s += x[t] * x[t];
  *ssq     = s;
  *sumlogF = 0.0;
  kf->r = 1, kf->steady = 0, kf->T1[0] = 0.0, kf->R[0] = 1.0, kf->a[0] = 0.0; /* the filter's state at its end */
  if (!g) return 0;
  const double c2 = 2.0 * g->c;
  for (int d = 0; d < g->k_arma; d++) g->dJ[d] = 0.0; /* no ARMA coefficient moves J */
  for (int d = 0; d < g->k_x; d++) {
    const double *dx = g->dx + (size_t)d * n;
    double        v  = 0.0;
    for (int t = n - 1; t >= 0; t--) v += c2 * x[t] * dx[t];
    g->dJ[g->k_arma + d] = v;
  }
  return 0;
}

/* The reverse pass keeps the adjoint ab_t of a_t and Wb_t of W_t as windows of the arrays abuf
 * and wbuf: ab_t[i] = abuf[t + i], Wb_t[i] = wbuf[t + i]. The reverse observation step maps
 * ab_{t+1} to ab_t by a shift (ab_t[i] = ab_{t+1}[i-1], i >= 1) and a new first element, and
 * the reverse Chandrasekhar step Wb_{t+1} to Wb_t likewise (W_{t+1} depends on W_t through
 * T W_t), so that neither moves the vectors: a step writes abuf[t] and wbuf[t] (and updates
 * wbuf[t+1..t+r] in place). */
int hc_kalman_arma_grad(hc_kalman *kf, int p, int q, const double *phi, const double *theta, const double *x, int n,
                        hc_kalman_grad *g, double *ssq, double *sumlogF)
{
  if (p == 0 && q == 0) return white_noise(kf, x, n, g, ssq, sumlogF); /* r_max >= 1 (hc_kalman_create) */
  if (!g) return filter(kf, p, q, phi, theta, x, n, ssq, sumlogF, NULL, 0, NULL, NULL, NULL, NULL);
  const int r = p > q + 1 ? p : q + 1;
  double   *vt = g->work, *a0 = vt + n, *rec = a0 + n;
  int       ts;
  if (filter(kf, p, q, phi, theta, x, n, ssq, sumlogF, NULL, 0, vt, a0, rec, &ts)) return 1;

  const int    stride = kf->r_max + 1, ka = g->k_arma, kx = g->k_x, pa = p < r ? p : r;
  double      *abuf = rec + (size_t)(ts + 1) * record_len(r), *wbuf = abuf + n + r + 1;
  double      *Kb = wbuf + n + r + 1, *Gb = Kb + stride, *T1b = Gb + stride, *colb = T1b + stride;
  double      *scratch = colb + stride, *xg = g->dJ + ka, Fb = 0.0, Mb = 0.0;
  const double c = g->c, *T1 = kf->T1;
  memset(abuf + n, 0, sizeof(double) * (size_t)(r + 1));  /* ab_n = 0 */
  memset(wbuf + ts, 0, sizeof(double) * (size_t)(r + 1)); /* Wb_ts = 0 (W is frozen from ts on) */
  memset(Kb, 0, sizeof(double) * 4 * (size_t)stride);
  memset(xg, 0, sizeof(double) * (size_t)kx);
  /* steady phase, backwards: every step has F and K of record ts. Per step, with ab = ab_{t+1}:
   * vb = dJ/dv_t = 2 c v / F + K . ab, ab_t[0] = T1 . ab - vb, and the sums of ab v (adjoint of
   * K), ab a0 (of T1, first p), v^2 (of F: sum_t (1 - c v^2 / F) / F) and vb dx (data
   * directions). The term of ab[0] = ab_{t+1}[0], the value of the step before, enters last:
   * ab_t[0] = rest + (T1[0] - K[0]) ab[0] is then one multiply-add behind it. */
  const double *rs = record(rec, r, ts), Fs = rs[0], *Ks = rs + 2, c2F = 2.0 * c / Fs, d0 = (p > 0 ? T1[0] : 0.0) - Ks[0];
  double        v2;
  switch (r) { /* the state dimension a constant of each copy: its sums in registers */
  case 1: v2 = steady_back(1, p, kx, n, ts, vt, a0, abuf, Ks, T1, c2F, d0, g->dx, Kb, T1b, xg); break;
  case 2: v2 = steady_back(2, p, kx, n, ts, vt, a0, abuf, Ks, T1, c2F, d0, g->dx, Kb, T1b, xg); break;
  case 3: v2 = steady_back(3, p, kx, n, ts, vt, a0, abuf, Ks, T1, c2F, d0, g->dx, Kb, T1b, xg); break;
  case 4: v2 = steady_back(4, p, kx, n, ts, vt, a0, abuf, Ks, T1, c2F, d0, g->dx, Kb, T1b, xg); break;
  default: v2 = steady_back(r, p, kx, n, ts, vt, a0, abuf, Ks, T1, c2F, d0, g->dx, Kb, T1b, xg);
  }
  Fb += ((n - ts) - c * v2 / Fs) / Fs;
  double iF1 = 1.0 / Fs, kbK1 = 0.0; /* 1 / F_{t+1} and Kb . K_{t+1} in the transient phase */
  /* transient phase, backwards: the Chandrasekhar step t -> t+1, then observation t (whose
   * adjoint of K_t starts the next Kb) */
  for (int t = ts - 1; t >= 0; t--) {
    const double *r0 = record(rec, r, t), *r1 = record(rec, r, t + 1);
    const double  F0 = r0[0], M0 = r0[1], *K0 = r0 + 2, *W0 = K0 + r, F1 = r1[0], M1 = r1[1], *K1 = r1 + 2, u = W0[0];
    const double  iF0 = 1.0 / F0, Mu = M0 * u, v = vt[t], *ab = abuf + t + 1;
    double       *wb1 = wbuf + t + 1;
    /* sums over the old adjoints: ub = -Wb1 . K1, Kb1 . K1 (sK = (Kb1 - u Wb1) . K1), K0 . ab.
     * Kb1 = ab_{t+2} v_{t+1}, the part of observation t+1, except in the first step (the steady
     * phase's sum), so that Kb1 . K1 = v_{t+1} (K_{t+1} . ab_{t+2}), the sKa of the step before.
     * wb1[0] and ab[0], written at the end of the step before, enter their sums last: the
     * recursion then waits for one multiply-add instead of a whole sum (and the vector loads
     * of the sums do not straddle those fresh stores) */
    double       ub = -(dot2(r - 1, wb1 + 1, K1 + 1) + wb1[0] * K1[0]);
    const double sK = (t == ts - 1 ? dot2(r, Kb, K1) : kbK1) + u * ub, sKa = dot2(r - 1, K0 + 1, ab + 1) + K0[0] * ab[0];
    kbK1            = v * sKa;
    back_update(r, u, Mu, iF1, v, ab, wb1, Kb, Gb);
    /* sG = Gb . TW with TW = T W0 = T1 u + W0[1..], sTW = T1 . TWb (first p) */
    const double sG = dot2(r, Gb, W0 + 1) + u * dot2(pa, Gb, T1), sTW = dot2(pa, T1, wb1);
    Fb -= sK * iF1;
    double Mb0 = u * sG;
    ub += M0 * sG;
    Mb0 += Mb * F1 * iF0; /* M1 = M0 F1 / F0 */
    Fb += Mb * M0 * iF0;
    const double Fb0 = Fb - Mb * M1 * iF0; /* F1 = F0 + M0 u^2 */
    Mb0 += Fb * u * u;
    ub += 2.0 * M0 * u * Fb;
    for (int i = 0; i < p; i++) T1b[i] += wb1[i] * u; /* TW = T W0 */
    wbuf[t] = sTW + ub;
    Mb      = Mb0;
    Fb      = Fb0;
    /* observation t: v_t = x_t - a_t[0], a_{t+1} = T a_t + K_t v_t */
    double vb = 2.0 * c * v * iF0 + sKa, sT = 0.0;
    Fb += (1.0 - c * v * v * iF0) * iF0;
    iF1 = iF0;
    for (int i = 0; i < p; i++) {
      T1b[i] += ab[i] * a0[t];
      sT += T1[i] * ab[i];
    }
    abuf[t] = sT - vb;
    for (int d = 0; d < kx; d++) xg[d] += vb * g->dx[(size_t)d * n + t];
  }
  /* t = 1: K = G / F, W = G, M = -1 / F, G = T1 F + col[1..], F = col[0] */
  const double *r0 = record(rec, r, 0), F0 = r0[0], *K0 = r0 + 2, *Wb = wbuf;
  double        sK = 0.0, sT = 0.0;
  for (int i = 0; i < r; i++) {
    sK += Kb[i] * K0[i];
    Gb[i] += Kb[i] / F0 + Wb[i];
  }
  Fb += -sK / F0 + Mb / (F0 * F0);
  for (int i = 0; i < r; i++) {
    T1b[i] += i < p ? Gb[i] * F0 : 0.0;
    sT += Gb[i] * T1[i];
    colb[i + 1] = i + 1 < r ? Gb[i] : 0.0;
  }
  colb[0] = Fb + sT;
  /* ARMA directions: dJ = T1b . dT1 + colb . dcol (dcol from the derivative of the moments) */
  for (int d = 0; d < ka; d++) {
    const double *dphi = g->dphi + (size_t)d * p;
    double       *dcol = scratch + 3 * stride, v = 0.0;
    moments_tangent(kf, p, q, phi, theta, dphi, g->dtheta + (size_t)d * q, scratch, dcol);
    for (int i = 0; i < p; i++) v += T1b[i] * dphi[i];
    for (int i = 0; i < r; i++) v += colb[i] * dcol[i];
    g->dJ[d] = v;
  }
  return 0;
}

/* TP = T P with the companion structure of T */
static void companion_TP(int r, const double *T1, const double *P, double *TP)
{
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) TP[i * r + j] = T1[i] * P[j] + (i + 1 < r ? P[(i + 1) * r + j] : 0.0);
}

void hc_kalman_forecast(hc_kalman *kf, int H, double *mean, double *cov)
{
  const int r = kf->r;
  double   *a = kf->af, *P = kf->Pf, *T1 = kf->T1, *R = kf->R, *TP = kf->TP;
  double   *u = kf->K, *c = kf->C; /* u_m = T'^m e1, c = P_{n+i|n} e1 */
  memcpy(a, kf->a, sizeof(double) * (size_t)r);
  memcpy(P, kf->P, sizeof(double) * (size_t)r * r);
  for (int i = 0; i < H; i++) {
    mean[i] = a[0];
    for (int l = 0; l < r; l++) {
      c[l] = P[l * r];
      u[l] = l == 0 ? 1.0 : 0.0;
    }
    /* Cov(x_{n+i}, x_{n+i+m}) = e1' T^m P_{n+i|n} e1 = u_m . c (Durbin & Koopman 2012, sec. 4.11) */
    for (int m = 0; i + m < H; m++) {
      double s = 0.0;
      for (int l = 0; l < r; l++) s += u[l] * c[l];
      cov[i * H + i + m] = cov[(i + m) * H + i] = s;
      double top = 0.0; /* u <- T' u: (T'u)_0 = sum_l T1_l u_l, (T'u)_k = u_{k-1} */
      for (int l = 0; l < r; l++) top += T1[l] * u[l];
      for (int l = r - 1; l > 0; l--) u[l] = u[l - 1];
      u[0] = top;
    }
    /* a <- T a, P <- T P T' + R R' */
    double a0 = a[0];
    for (int l = 0; l < r; l++) a[l] = T1[l] * a0 + (l + 1 < r ? a[l + 1] : 0.0);
    companion_TP(r, T1, P, TP);
    for (int l = 0; l < r; l++)
      for (int j = 0; j < r; j++) P[l * r + j] = TP[l * r + 0] * T1[j] + (j + 1 < r ? TP[l * r + j + 1] : 0.0) + R[l] * R[j];
  }
}
