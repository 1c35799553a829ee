/**
 * @file models_impl.h
 * @brief Internal helpers shared by the model families (not installed, not public API).
 */
#ifndef HPCAST_MODELS_IMPL_H
#define HPCAST_MODELS_IMPL_H

#include "hpcast/models.h"

/**
 * Map unconstrained u[0..p-1] to the coefficients phi[0..p-1] of a stationary AR(p)
 * polynomial 1 - phi_1 z - ... - phi_p z^p: partial autocorrelations r_k = tanh(u_k)
 * and the Durbin-Levinson recursion phi^(k)_j = phi^(k-1)_j - r_k phi^(k-1)_{k-j}.
 * Source: Jones (1980) Technometrics 22(3) 389-395; Monahan (1984) Biometrika 71(2) 403-404.
 */
void hc_arma_pacf_to_ar(int p, const double *u, double *phi);
/**
 * Inverse of hc_arma_pacf_to_ar (Barndorff-Nielsen & Schou 1973 step-down recursion).
 * Partial autocorrelations are clamped to |r| <= 1 - 1e-9 before atanh.
 * @return 0 if phi is stationary, 1 if the step-down met |r_k| >= 1 (u is then clamped).
 */
int  hc_arma_ar_to_pacf(int p, const double *phi, double *u);
/**
 * Invertible MA(q) coefficients theta (polynomial 1 + theta_1 z + ... + theta_q z^q):
 * theta = -hc_arma_pacf_to_ar(u), since 1 + theta(z) invertible <=> -theta is a stationary AR.
 */
void hc_arma_u_to_ma(int q, const double *u, double *theta);
/** Inverse of hc_arma_u_to_ma. @return as hc_arma_ar_to_pacf. */
int  hc_arma_ma_to_u(int q, const double *theta, double *u);

/**
 * Conditional (CSS) residuals of ARMA(p,q) with mean mu:
 * e_t = (y_t - mu) - sum_i phi_i (y_{t-i} - mu) - sum_j theta_j e_{t-j}, t = p..n-1,
 * with e_t = 0 for t < p (presample residuals zero). Box, Jenkins & Reinsel (2008) sec. 7.1.
 */
void hc_arma_css_residuals(int p, int q, double mu, const double *phi, const double *theta,
                           const double *y, int n, double *e);

/**
 * Hannan-Rissanen (1982) start values for ARMA(p,q) with constant: mu = sample mean,
 * a long AR by Yule-Walker (Durbin-Levinson on the sample autocovariances, order
 * max(p+q, min(n/4, 10 log10 n))), then OLS of x_t on x_{t-1..t-p} and the long-AR
 * residuals e_{t-1..t-q} (LAPACK dgels). Coefficients outside the stationary/invertible
 * region are shrunk towards zero. Brockwell & Davis (2002) sec. 5.1.4.
 * @param[out] theta_out natural parameters (mu, ar1..p, ma1..q, sigma2).
 * @return 0, or 1 if n is too small for the regression.
 */
int  hc_arma_hannan_rissanen(int p, int q, const double *y, int n, double *theta_out);

/**
 * Structured start values for ARMA(p,q) likelihoods, which are multimodal on daily returns:
 * the highest optimum often has AR roots near the unit circle nearly cancelled by MA roots
 * (a weak cycle). For min(p,q) >= 1: a real AR root at +-0.9 against an MA root at -+0.95;
 * for min(p,q) >= 2: complex AR roots 0.85 e^{+-i w} against MA roots 0.95 e^{+-i w},
 * w in {pi/8, 3pi/8, 5pi/8, 7pi/8}. Remaining coefficients are zero.
 * @param[out] out  up to 6 vectors of p+q+2 natural parameters (mu, ar, ma, sigma2), row after row.
 * @return number of starts written.
 */
int  hc_arma_cycle_starts(int p, int q, double mu, double sigma2, double *out);

/** Shrink the coefficient vector c[0..k-1] by 0.9 until it is stationary (sign=+1) or invertible (sign=-1). */
void hc_arma_make_admissible(int k, double *c, int sign);

/**
 * Workspace of the ARMA Kalman filter for state dimension r = max(p, q+1) <= HC_KALMAN_RMAX.
 * State-space form of Harvey (1989) sec. 3.4 / Durbin & Koopman (2012) sec. 3.4:
 * x_t = Z alpha_t, alpha_{t+1} = T alpha_t + R eps_{t+1}, Z = e_1', T the companion
 * matrix with first column (phi_1..phi_r), R = (1, theta_1, .., theta_{r-1})', Var eps = sigma2.
 */
#define HC_KALMAN_RMAX 11
typedef struct {
  int     r;
  double  T1[HC_KALMAN_RMAX];                  /**< first column of T (phi padded with 0) */
  double  R[HC_KALMAN_RMAX];                   /**< (1, theta padded with 0) */
  double  a[HC_KALMAN_RMAX];                   /**< predicted state a_{t|t-1} */
  double  P[HC_KALMAN_RMAX * HC_KALMAN_RMAX];  /**< predicted covariance / sigma2, row-major */
  double *kron;                                /**< [r^2 x r^2] Lyapunov system */
  int    *ipiv;                                /**< [r^2] */
} hc_kalman;

/** Allocate the Lyapunov workspace of a filter for ARMA(p,q). @return 0 or ENOMEM, 1 if r too large. */
int  hc_kalman_create(int p, int q, hc_kalman *kf);
void hc_kalman_destroy(hc_kalman *kf);
/**
 * Exact Gaussian likelihood pieces of the zero-mean ARMA(p,q) series x[0..n-1] with unit
 * innovation variance: ssq = sum_t v_t^2 / F_t and sumlogF = sum_t log F_t, so that
 * loglik(sigma2) = -0.5 (n log(2 pi sigma2) + sumlogF + ssq / sigma2) (Harvey 1989 eq. 3.4.8).
 * The filter starts from a_1 = 0 and the stationary P_1 solving P = T P T' + R R' (discrete
 * Lyapunov equation, Hamilton 1994 eq. 13.2.22, by LAPACK dgesv on vec form), and switches to
 * the steady-state gain once P has converged. On return kf->a, kf->P hold a_{n+1|n}, P_{n+1|n}.
 * If resid is not NULL it receives the standardized innovations v_t / sqrt(F_t).
 * @return 0, or 1 if P_1 cannot be computed or F_t <= 0 (non-stationary parameters).
 */
int  hc_kalman_arma(hc_kalman *kf, int p, int q, const double *phi, const double *theta,
                    const double *x, int n, double *ssq, double *sumlogF, double *resid);

#endif
