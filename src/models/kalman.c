/**
 * @file kalman.c
 * @brief Kalman filter for the exact Gaussian likelihood of a stationary ARMA(p,q).
 *
 * State-space form of Harvey (1989) "Forecasting, structural time series models and
 * the Kalman filter", sec. 3.4, also used by R stats::arima (Gardner, Harvey &
 * Phillips 1980): x_t = Z alpha_t, alpha_{t+1} = T alpha_t + R eps_{t+1}.
 * The companion structure of T is exploited so that one step costs O(r^2).
 */
#include "models_impl.h"

#include <errno.h>
#include <math.h>
#include <petscblaslapack.h>
#include <stdlib.h>
#include <string.h>

int hc_kalman_create(int p, int q, hc_kalman *kf)
{
  memset(kf, 0, sizeof *kf);
  int r = p > q + 1 ? p : q + 1;
  if (r > HC_KALMAN_RMAX) return 1;
  kf->r    = r;
  kf->kron = malloc((size_t)r * r * r * r * sizeof *kf->kron);
  kf->ipiv = malloc((size_t)r * r * sizeof *kf->ipiv);
  if (!kf->kron || !kf->ipiv) {
    hc_kalman_destroy(kf);
    return ENOMEM;
  }
  return 0;
}

void hc_kalman_destroy(hc_kalman *kf)
{
  free(kf->kron);
  free(kf->ipiv);
  memset(kf, 0, sizeof *kf);
}

/* Stationary covariance P solving P = T P T' + R R' (Hamilton 1994, eq. 13.2.22):
 * (I - T (x) T) vec(P) = vec(R R'), solved by LU (LAPACK dgesv). */
static int lyapunov(hc_kalman *kf)
{
  const int r = kf->r, r2 = r * r;
  double    T[HC_KALMAN_RMAX * HC_KALMAN_RMAX] = {0};
  for (int i = 0; i < r; i++) {
    T[i * r + 0] = kf->T1[i];
    if (i + 1 < r) T[i * r + i + 1] = 1.0;
  }
  if (r == 1) {
    double d = 1.0 - T[0] * T[0];
    if (!(d > 0)) return 1;
    kf->P[0] = kf->R[0] * kf->R[0] / d;
    return 0;
  }
  /* column-major matrix M[(ij),(kl)] = delta - T_ik T_jl, stored at col*(r2) + row */
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++)
      for (int k = 0; k < r; k++)
        for (int l = 0; l < r; l++) {
          int row = i * r + j, col = k * r + l;
          kf->kron[(size_t)col * r2 + row] = (row == col ? 1.0 : 0.0) - T[i * r + k] * T[j * r + l];
        }
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) kf->P[i * r + j] = kf->R[i] * kf->R[j];
  PetscBLASInt n = r2, nrhs = 1, info = 0;
  LAPACKgesv_(&n, &nrhs, kf->kron, &n, kf->ipiv, kf->P, &n, &info);
  if (info) return 1;
  /* symmetrise against round-off */
  for (int i = 0; i < r; i++)
    for (int j = 0; j < i; j++) {
      double s          = 0.5 * (kf->P[i * r + j] + kf->P[j * r + i]);
      kf->P[i * r + j] = kf->P[j * r + i] = s;
    }
  return !(kf->P[0] > 0);
}

int hc_kalman_arma(hc_kalman *kf, int p, int q, const double *phi, const double *theta,
                   const double *x, int n, double *ssq, double *sumlogF, double *resid)
{
  const int r = kf->r;
  for (int i = 0; i < r; i++) {
    kf->T1[i] = i < p ? phi[i] : 0.0;
    kf->R[i]  = i == 0 ? 1.0 : (i - 1 < q ? theta[i - 1] : 0.0);
    kf->a[i]  = 0.0;
  }
  if (lyapunov(kf)) return 1;

  double   *P = kf->P, *a = kf->a, *T1 = kf->T1, *R = kf->R;
  double    TP[HC_KALMAN_RMAX * HC_KALMAN_RMAX], K[HC_KALMAN_RMAX];
  double    s = 0.0, slf = 0.0, F = P[0];
  int       steady = 0;
  const double tol = 1e-14;
  for (int t = 0; t < n; t++) {
    double v = x[t] - a[0];
    if (!steady) {
      F = P[0];
      if (!(F > 0) || !isfinite(F)) return 1;
      /* TP = T P using the companion structure */
      for (int i = 0; i < r; i++)
        for (int j = 0; j < r; j++) TP[i * r + j] = T1[i] * P[j] + (i + 1 < r ? P[(i + 1) * r + j] : 0.0);
      for (int i = 0; i < r; i++) K[i] = TP[i * r + 0] / F;
      double change = 0.0;
      for (int i = 0; i < r; i++)
        for (int j = 0; j <= i; j++) {
          double pij = TP[i * r + 0] * T1[j] + (j + 1 < r ? TP[i * r + j + 1] : 0.0) + R[i] * R[j] -
                       K[i] * K[j] * F;
          double d = fabs(pij - P[i * r + j]);
          if (d > change) change = d;
          P[i * r + j] = P[j * r + i] = pij;
        }
      /* Once P_{t+1} = P_t to round-off the gain is constant (steady state). */
      if (change < tol * (1.0 + P[0])) steady = 1;
    }
    s += v * v / F;
    slf += log(F);
    if (resid) resid[t] = v / sqrt(F);
    /* a_{t+1} = T a_t + K v_t */
    double a0 = a[0];
    for (int i = 0; i < r; i++) a[i] = T1[i] * a0 + (i + 1 < r ? a[i + 1] : 0.0) + K[i] * v;
  }
  *ssq     = s;
  *sumlogF = slf;
  return 0;
}
