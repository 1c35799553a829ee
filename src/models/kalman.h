/**
 * @file kalman.h
 * @brief ARMA autocovariances and the gradient of the exact Kalman-filter likelihood
 *        (kalman.c; internal, not installed). Completes the hc_kalman interface of
 *        models_impl.h.
 */
#ifndef HPCAST_KALMAN_H
#define HPCAST_KALMAN_H

#include <stddef.h>

#include "models_impl.h"

/**
 * Directions of differentiation of hc_kalman_arma_grad and their results. k_arma directions
 * move the ARMA coefficients (d phi / d direction and d theta / d direction given); k_x
 * directions move only the data x (d x_t / d direction given: the mean and regression
 * coefficients of a series). Output: the derivative of J = sumlogF + c ssq along each
 * direction, the k_arma ARMA directions first; with c = 1 / sigma2,
 * d loglik = -dJ / 2 (Harvey 1989 eq. 3.4.8).
 */
typedef struct {
  int           k_arma; /**< ARMA directions */
  const double *dphi;   /**< [k_arma x p] row-major: d phi_i / d direction */
  const double *dtheta; /**< [k_arma x q] row-major: d theta_j / d direction */
  int           k_x;    /**< data directions */
  const double *dx;     /**< [k_x x n] row-major: d x_t / d direction */
  double        c;      /**< weight of ssq in J */
  double       *work;   /**< hc_kalman_grad_work_size(r_max, n_max) doubles */
  double       *dJ;     /**< [k_arma + k_x] out: dJ / d direction */
} hc_kalman_grad;

/**
 * Autocovariances gamma[0..max(H, p)] (unit innovation variance) of the stationary ARMA(p,q)
 * x_t = sum_i phi_i x_{t-i} + e_t + sum_j theta_j e_{t-j}: the p+1 equations
 * gamma(k) - sum_i phi_i gamma(|k-i|) = sum_{j=k}^{q} theta_j psi_{j-k}, k = 0..p (theta_0 = 1),
 * solved by LU with partial pivoting, then gamma(k) = sum_i phi_i gamma(k-i) + [k <= q]
 * sum_{j>=k} theta_j psi_{j-k} (Brockwell & Davis 2002, eq. 3.3.8-3.3.9).
 * @param[out] psi  [npsi >= q+1] MA(inf) weights psi_0..psi_{npsi-1}
 * @param[out] c    [q+1] the right-hand sides
 * @param[out] lu   [(p+1)^2] LU factors of the equations (column-major), ipiv [p+1] their row swaps
 * @return 0, or 1 if the equations are singular or gamma(0) <= 0 (not stationary). Not collective.
 */
int hc_arma_acov(int p, const double *phi, int q, const double *theta, int H, double *gamma, int npsi, double *psi,
                 double *c, double *lu, int *ipiv);

/** Doubles of work hc_kalman_arma_grad needs for state dimension up to r_max and n_max observations. */
size_t hc_kalman_grad_work_size(int r_max, int n_max);

/**
 * hc_kalman_arma's ssq and sumlogF of the zero-mean ARMA(p,q) series x[0..n-1] (unit
 * innovation variance), without P_{n+1|n} (so O(r) per step), and, when g is not NULL, the derivatives of J = sumlogF + g->c ssq along
 * the directions of g by reverse (adjoint) differentiation of the filter: one forward pass that
 * keeps the innovations, the first state element and the Chandrasekhar quantities of the
 * transient phase, one backward pass through the state recursion, the Chandrasekhar
 * recursions and the initial covariance (whose derivative is the differentiated
 * autocovariance equations), so that the gradient costs a few likelihood evaluations whatever
 * the number of directions (Griewank & Walther 2008, "Evaluating derivatives", ch. 3; the
 * score of the Kalman filter likelihood, Harvey 1989 sec. 3.4.6, computed backwards). On
 * return kf->a holds a_{n+1|n}; kf->P is not set (use hc_kalman_arma before
 * hc_kalman_forecast). Not collective.
 * @return 0, or 1 if the initial covariance cannot be computed or F_t <= 0 (non-stationary).
 */
int hc_kalman_arma_grad(hc_kalman *kf, int p, int q, const double *phi, const double *theta, const double *x, int n,
                        hc_kalman_grad *g, double *ssq, double *sumlogF);

#endif
