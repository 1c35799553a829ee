/**
 * @file models_impl.h
 * @brief Internal helpers shared by the model families (not installed, not public API).
 */
#ifndef HPCAST_MODELS_IMPL_H
#define HPCAST_MODELS_IMPL_H

#include "hpcast/models.h"

#include <math.h>

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
 * e [n] is an array of its own (it does not overlap y).
 */
void hc_arma_css_residuals(int p, int q, double mu, const double *phi, const double *theta,
                           const double *restrict y, int n, double *restrict e);
/** The residuals e_t of hc_arma_css_residuals for t = max(t0, p)..n-1 only, given e[0..t0-1]
 *  (appended observations: O(n - t0)); e does not overlap y. */
void hc_arma_css_extend(int p, int q, double mu, const double *phi, const double *theta, const double *restrict y, int t0,
                        int n, double *restrict e);

/**
 * Hannan-Rissanen (1982) start values for ARMA(p,q) with constant: mu = sample mean,
 * a long AR by Yule-Walker (Durbin-Levinson on the sample autocovariances, order
 * max(p+q, min(n/4, 10 log10 n))), then OLS of x_t on x_{t-1..t-p} and the long-AR
 * residuals e_{t-1..t-q} (normal equations by LAPACK dpotrf/dpotrs; QR, dgels, if X'X is not
 * numerically positive definite). Coefficients outside the stationary/invertible
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

/**
 * Least squares beta = argmin ||X beta - z||_2 for X [rows x cols] column-major (LAPACK dgels,
 * QR). Inputs are not modified. @return 0, or 1 if rows < cols, allocation or LAPACK fails.
 */
int  hc_ols(int rows, int cols, const double *X, const double *z, double *beta);
/**
 * Dot product of x[0..n-1] and y[0..n-1] (0 if n <= 0), summed in eight lanes so that it
 * vectorises and is not one chain of dependent additions; the lanes are combined pairwise in a
 * fixed order, so the result does not depend on alignment. Not collective.
 */
double hc_dot8(int n, const double *x, const double *y);

/**
 * Starts from a previous run's fits (opt->warm) whose name is that of model m and whose
 * parameter names cover m's (names, from ops->param_names): at most max vectors of
 * m->n_params natural parameters written to out. @return the number written.
 */
int  hc_warm_starts(const hc_select_options *o, const hc_model *m, char (*names)[HC_PNAME_LEN], double *out, int max);

/** Shrink the coefficient vector c[0..k-1] by 0.9 until it is stationary (sign=+1) or invertible (sign=-1). */
void hc_arma_make_admissible(int k, double *c, int sign);

/**
 * Workspace of the ARMA Kalman filter for state dimension r = max(p, q+1) <= r_max.
 * State-space form of Harvey (1989) sec. 3.4 / Durbin & Koopman (2012) sec. 3.4:
 * x_t = Z alpha_t, alpha_{t+1} = T alpha_t + R eps_{t+1}, Z = e_1', T the companion
 * matrix with first column (phi_1..phi_r), R = (1, theta_1, .., theta_{r-1})', Var eps = sigma2.
 */
typedef struct {
  int     r, r_max;
  double *T1; /**< [r] first column of T (phi padded with 0) */
  double *R;  /**< [r] (1, theta padded with 0) */
  double *a;  /**< [r] predicted state a_{t|t-1} */
  double *K;  /**< [r] gain */
  double *P;  /**< [r*r] predicted covariance / sigma2, row-major */
  double *TP, *A, *B, *C; /**< [r*r] work */
  double *Ks;     /**< [r] the steady-state gain, when steady */
  double *af, *Pf; /**< [r], [r*r] work of hc_kalman_forecast and hc_kalman_arma_extend */
  int     steady; /**< 1: the last hc_kalman_arma ended in the steady phase (P constant, gain Ks) */
  double *buf;
} hc_kalman;

/** Allocate the workspace of a filter for state dimension up to r_max. @return 0 or ENOMEM. */
int  hc_kalman_create(int r_max, hc_kalman *kf);
void hc_kalman_destroy(hc_kalman *kf);
/**
 * Exact Gaussian likelihood pieces of the zero-mean ARMA(p,q) series x[0..n-1] with unit
 * innovation variance: ssq = sum_t v_t^2 / F_t and sumlogF = sum_t log F_t, so that
 * loglik(sigma2) = -0.5 (n log(2 pi sigma2) + sumlogF + ssq / sigma2) (Harvey 1989 eq. 3.4.8).
 * The filter starts from a_1 = 0 and the stationary P_1 solving P = T P T' + R R' (Hamilton 1994
 * eq. 13.2.22; its first column in closed form from the autocovariances, kalman.c), follows the
 * gain by the Chandrasekhar recursions and switches to the steady-state gain once P has converged. On return kf->a holds a_{n+1|n}, and with with_P
 * kf->P holds P_{n+1|n} (hc_kalman_forecast needs it, and hc_kalman_arma_extend the steady gain
 * kept with it); its update costs O(r^2) a step of the transient phase, the rest O(r), so a
 * caller that needs only ssq, sumlogF or resid passes 0.
 * If resid is not NULL it receives the standardized innovations v_t / sqrt(F_t).
 * @return 0, or 1 if P_1 cannot be computed or F_t <= 0 (non-stationary parameters).
 */
int  hc_kalman_arma(hc_kalman *kf, int p, int q, const double *phi, const double *theta,
                    const double *x, int n, double *ssq, double *sumlogF, double *resid, int with_P);
/**
 * After hc_kalman_arma: forecasts x_{n+h|n} = Z a_{n+h|n} (mean[h-1]) and the joint
 * covariance of the forecast errors divided by sigma2, cov[(i-1)*H + (j-1)] =
 * Cov(x_{n+i}, x_{n+j} | x_1..x_n) / sigma2 = e1' T^{j-i} P_{n+i|n} e1 (j >= i), for
 * h, i, j = 1..H. The filter state is kept (hc_kalman_arma_extend may continue it). cov is
 * H x H, row-major.
 */
void hc_kalman_forecast(hc_kalman *kf, int H, double *mean, double *cov);
/**
 * Continue the filter of the last hc_kalman_arma (same p, q, phi, theta) over the next n values
 * x[0..n-1] of the series, in O(n r): a_{t+1} = T a_t + K (x_t - a_t[0]) with the steady-state
 * gain, P unchanged; the same arithmetic as hc_kalman_arma's steady phase, so that filtering
 * x_1..x_m and then extending by x_{m+1}..x_{m+n} gives the state of one filter of all m + n.
 * @return 0, or 1 if that filter had not reached its steady phase (the caller then re-filters).
 */
int  hc_kalman_arma_extend(hc_kalman *kf, const double *x, int n);

/* ---- second derivatives of the innovation laws (dist.c) ---- */

/**
 * Prepare law d for hc_dist_logpdf_d2: as hc_dist_prepare with derivatives, plus the second
 * derivative of the normalising constant in the shape (standardized t: c''(nu) =
 * (psi'((nu+1)/2) - psi'(nu/2))/4 + 1/(2 (nu-2)^2), psi' the trigamma function).
 * @return 0; 1 if the shape is inadmissible; -1 if the law has no second derivatives here
 *         (skewed t, GED).
 */
int    hc_dist_prepare_d2(hc_dist d, const double *shape, hc_dist_eval *e);
/**
 * log f(z) of a law prepared by hc_dist_prepare_d2 and its derivatives up to second order:
 * d[0] = d/dz, d[1] = d^2/dz^2, d[2] = d/dnu, d[3] = d^2/dz dnu, d[4] = d^2/dnu^2 (zero for
 * the normal law, which has no shape). Standardized t (Bollerslev 1987, eq. 1) with
 * g = nu - 2 + z^2: d/dz = -(nu+1) z / g, d^2/dz^2 = -(nu+1)(nu-2-z^2)/g^2,
 * d^2/dz dnu = z (3 - z^2)/g^2.
 */
static inline double hc_dist_logpdf_d2(const hc_dist_eval *e, double z, double d[5])
{
  if (e->d == HC_DIST_NORMAL) {
    d[0] = -z;
    d[1] = -1.0;
    d[2] = d[3] = d[4] = 0.0;
    return e->k[0] - 0.5 * z * z;
  }
  /* standardized t: log f = c(nu) - (nu+1)/2 log(g/(nu-2)), g = nu - 2 + z^2; k[1] = c', k[2] = c'' */
  /* one log1p (a libm call, which the compiler may not merge while it can set errno) */
  double nu = e->shape[0], z2 = z * z, m = nu - 2.0, g = m + z2, ig = 1.0 / g, lw = log1p(z2 / m);
  d[0] = -(nu + 1.0) * z * ig;
  d[1] = -(nu + 1.0) * (m - z2) * ig * ig;
  d[2] = e->k[1] - 0.5 * lw + 0.5 * (nu + 1.0) * z2 * ig / m;
  d[3] = z * (3.0 - z2) * ig * ig;
  d[4] = e->k[2] + 0.5 * z2 * ig / m + 0.5 * z2 * (m * g - (nu + 1.0) * (g + m)) * ig * ig / (m * m);
  return e->k[0] - 0.5 * (nu + 1.0) * lw;
}

/* ---- shared by the ARMA-volatility families (garch.c, egarch.c) ---- */

/**
 * Positions of the natural parameters of an ARMA-volatility spec:
 * mu, ar1..p, ma1..q (nm = 1+p+q), omega (iw; -1 under variance targeting), alpha1..P (ia),
 * gamma1..O (ig), beta1..Q (ib), shape nu[, lambda] (is, ns of them); np in total.
 * The unconstrained vector u uses the same positions.
 */
typedef struct {
  int nm, iw, ia, ig, ib, is, ns, np;
} hc_vol_layout;
/** Fill the layout of spec s (garch.c). */
void hc_vol_layout_of(const hc_spec *s, hc_vol_layout *L);

/** Mean parameter vectors remembered with their residual mean square (variance targeting). */
#define HC_VOL_S2_CACHE 4
/** Workspace of the ARMA-volatility families (garch.c, egarch.c). */
typedef struct {
  double *e;   /**< [n_max] CSS residuals */
  double *h;   /**< [n_max] conditional variances */
  double *z;   /**< [n_max] standardized residuals */
  double *de;  /**< [n_max x nm] d e_t / d (mu, ar, ma) */
  double *det; /**< [nm x n_max] de by columns (GARCH/GJR Hessian and gradient) */
  double *dh;  /**< [np x n_max] d h_t / d theta_k, parameter by parameter (GARCH/GJR) */
  double *aux; /**< [12 x n_max] per-observation derivatives and adjoint weights (GARCH/GJR) */
  double  s2;  /**< mean square of the residuals of the last evaluation */
  double  s2_key[HC_VOL_S2_CACHE][HC_MAX_PARAMS]; /**< mean parameters of recent evaluations */
  double  s2_val[HC_VOL_S2_CACHE];                /**< their residual mean squares */
  int     s2_next, s2_used;
} hc_vol_work;

/**
 * Analytic Hessian of the log-likelihood of a volatility family (ops->hessian of the
 * ARMA-GARCH/GJR family): *ll, grad[k] and H[k*k] (row-major, symmetric, d^2 loglik /
 * d theta d theta') at theta, k = m->n_params, in one pass (see hc_vol_has_hessian; garch.c):
 * the second derivatives of l_t in (e_t, h_t, nu), those of the ARMA residuals by their
 * forward recursion, and sum_t (d loglik / d h_t) d^2 h_t through the adjoint (backward)
 * recursion of the GARCH variance (Fiorentini, Calzolari & Panattoni 1996 derive the same
 * Hessian by forward recursions of d^2 h_t; Griewank & Walther 2008, Evaluating Derivatives,
 * ch. 3, for the adjoint).
 * @return 0; 1 if theta is inadmissible; -1 if the family or law has no analytic Hessian.
 */
int  hc_vol_loglik_hessian(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad, double *H);
/** 1 if hc_vol_loglik_hessian is available for model m (ARMA-GARCH/GJR with orders P, O, Q <= 3
 * and normal or t law). */
int  hc_vol_has_hessian(const hc_model *m);

/**
 * Hessian H[k*k] (row-major, d^2 / d theta d theta') of the conditional (CSS) log-likelihood
 * -1/2 (n_d log(2 pi sigma2) + sum_t e_t^2 / sigma2) of a SARIMAX model without seasonal ARMA
 * factors and regressors (see hc_sarimax_has_css_hessian), e_t the residuals of the differenced
 * series with zero presample values, at the natural parameters theta (k = m->n_params): the
 * second derivatives of e_t by the lag algebra of Box, Jenkins & Reinsel (2008) sec. 7.2 (sarimax.c).
 * For long series it differs from the Hessian of the exact likelihood by the effect of the
 * first observations only, so the fitter uses it as the Hessian of Newton's method (the
 * gradient stays the exact one, and so does the optimum). O(n (p + q)).
 * @return 0; 1 if theta is inadmissible; -1 if the model has no such Hessian.
 */
int  hc_sarimax_css_hessian(hc_model *m, const double *theta, const double *y, int n, double *H);
/**
 * The conditional (CSS) log-likelihood -1/2 (n_d log(2 pi sigma2) + sum_t e_t^2 / sigma2) of the
 * models hc_sarimax_css_hessian serves, in *ll, and its gradient grad[k] (NULL: not wanted) at the
 * natural parameters theta: e_t the residuals of the differenced series with zero presample
 * values (Box, Jenkins & Reinsel 2008 sec. 7.1.2), the gradient by the first derivatives of e_t
 * of sec. 7.2.3. hc_sarimax_css_hessian is its exact Hessian. O(n (p + q)).
 * @return 0; 1 if theta is inadmissible; -1 if the model has no CSS Hessian.
 */
int  hc_sarimax_css_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad);
/** 1 if hc_sarimax_css_hessian serves model m: the SARIMAX family with P = Q = 0 and no regressors. */
int  hc_sarimax_has_css_hessian(const hc_model *m);

/**
 * d^2 loglik / d sigma2^2 of a SARIMAX model at theta from the gradient there: the exact
 * log-likelihood is -1/2 (n_d log(2 pi sigma2) + sumlogF + ssq / sigma2) with sumlogF and ssq
 * free of sigma2 (sarimax.c), so that ssq = 2 sigma2^2 g + n_d sigma2 with g = d loglik / d
 * sigma2 = grad[iv], and d^2 loglik / d sigma2^2 = n_d / (2 sigma2^2) - ssq / sigma2^3 =
 * -n_d / (2 sigma2^2) - 2 g / sigma2 (n_d = n minus the differencing order).
 * @param[out] h the second derivative. @return the position iv of sigma2 in theta, or -1 (h
 *             untouched) if m is not of the SARIMAX family.
 */
int  hc_sarimax_sigma2_curvature(const hc_model *m, const double *theta, const double *grad, int n, double *h);

/** ops->setup and ops->destroy of the volatility families. @return 0 or ENOMEM. */
int  hc_vol_setup(hc_model *m, int n_max);
void hc_vol_destroy(hc_model *m);
/** ops->param_names: mu, ar.., ma.., [omega], alpha.., gamma.., beta.., nu[, lambda]. */
void hc_vol_param_names(const hc_model *m, char names[][HC_PNAME_LEN]);
/**
 * CSS residuals e_t (t = p..n-1, presample residuals zero) of the mean part of theta into the
 * workspace, and their mean square s2 = (1/(n-p)) sum e_t^2 (returned; also kept in w->s2 and
 * the variance-targeting cache). If ds2 is not NULL, also d e_t / d(mu, ar, ma) into w->de
 * (forward recursions) and ds2[0..nm-1] = d s2 / d(mu, ar, ma).
 */
double hc_vol_residuals(hc_model *m, const double *theta, const double *y, int n, double *ds2);
/**
 * ops->start of the GARCH and EGARCH families: the ARMA mean by Hannan-Rissanen (sample mean
 * and zero coefficients if it fails), the variance of its CSS residuals, then hc_vol_start.
 * @return 0, or 1 if n - p < 4 or n > n_max.
 */
int    hc_vol_start_model(hc_model *m, const double *y, int n, double *theta);
/** Residual mean square remembered for the mean part of theta, or NaN (variance targeting). */
double hc_vol_cached_s2(const hc_model *m, const double *theta);
/**
 * Conditional mean forecasts h = 1..H of the ARMA part (future innovations zero) into mean,
 * and on var: on entry the conditional variance forecasts E[h_{n+k} | F_n], on return the
 * forecast-error variances sum_{j<=k} psi_j^2 E[h_{n+k-j}] (psi the MA(inf) weights, Box,
 * Jenkins & Reinsel 2008 eq. 5.2.3). Needs w->e from a likelihood evaluation at theta.
 * @return 0, or 1 if a value is not finite or positive, or on allocation failure.
 */
int  hc_vol_forecast_mean(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var);
/**
 * Start value of a volatility spec (garch.c; EGARCH part in egarch.c):
 * mean parameters from mean_theta (mu, ar, ma of an ARMA fit or Hannan-Rissanen), and
 * GARCH/GJR: alpha = 0.10, gamma = 0.05, beta = 0.85 (each split over its lags) and omega =
 * sigma2 (1 - persistence), so that the start's unconditional variance is sigma2 (targeted);
 * EGARCH: omega = 0.1 log sigma2, alpha = 0, gamma = 0.2, beta1 = 0.9; shape hc_dist_shape_start.
 * If prev is the usable fit of the same family and orders with normal errors, its mean and
 * variance parameters are used instead (warm start of t/skewt/GED fits).
 * @param[out] theta n_params natural parameters. @return 0, or 1 if sigma2 <= 0.
 */
int  hc_vol_start(const hc_spec *s, const double *mean_theta, double sigma2, const hc_fit_record *prev, double *theta);
/**
 * ops->residuals of the volatility families: z_t = e_t / sqrt(h_t), t = p..n-1, the CSS
 * residuals over their conditional standard deviations at theta (one likelihood evaluation).
 * @return T = n - p, or -1 if theta is inadmissible.
 */
int  hc_vol_std_residuals(hc_model *m, const double *theta, const double *y, int n, double *z);
/** ops->check of the volatility families: a plain ARMA(p,q) mean only. */
int  hc_vol_check(const hc_spec *s, char *why, size_t len);
/** ops->law of the volatility families: the spec's law with the shape parameters of theta. */
int  hc_vol_law(const hc_model *m, const double *theta, hc_dist_eval *law);
/**
 * ops->starts of the volatility families: hc_vol_start from the ARMA fit mean_fit (mu, ar, ma,
 * sigma2), and for a non-normal law also from the normal-law fit of the same family and orders
 * among prev[0..n_prev-1] (found by name). @return starts written (at most max).
 */
int  hc_vol_starts(const hc_model *m, const hc_fit_record *mean_fit, int n_prev, const hc_fit_record *prev, double *out, int max);
/** EGARCH part of hc_vol_start: fill the variance parameters of theta (egarch.c). */
void hc_egarch_start_vol(const hc_spec *s, const hc_vol_layout *L, double sigma2, double *theta);

#endif
