/**
 * @file kalman.c
 * @brief Kalman filter for the exact Gaussian likelihood of a stationary ARMA(p,q),
 *        and its h-step forecast covariances.
 *
 * State-space form of Harvey (1989) "Forecasting, structural time series models and
 * the Kalman filter", sec. 3.4, also used by R stats::arima (Gardner, Harvey &
 * Phillips 1980): x_t = Z alpha_t, alpha_{t+1} = T alpha_t + R eps_{t+1}.
 * The companion structure of T is exploited so that one step costs O(r^2), and O(r)
 * once the filter has reached its steady state.
 */
#include "models_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int hc_kalman_create(int r_max, hc_kalman *kf)
{
  memset(kf, 0, sizeof *kf);
  if (r_max < 1) r_max = 1;
  size_t r = (size_t)r_max, r2 = r * r;
  kf->r_max = r_max;
  kf->buf   = malloc((4 * r + 5 * r2) * sizeof *kf->buf);
  if (!kf->buf) return ENOMEM;
  kf->T1 = kf->buf;
  kf->R  = kf->T1 + r;
  kf->a  = kf->R + r;
  kf->K  = kf->a + r;
  kf->P  = kf->K + r;
  kf->TP = kf->P + r2;
  kf->A  = kf->TP + r2;
  kf->B  = kf->A + r2;
  kf->C  = kf->B + r2;
  return 0;
}

void hc_kalman_destroy(hc_kalman *kf)
{
  free(kf->buf);
  memset(kf, 0, sizeof *kf);
}

/* C = A B (r x r, row-major) */
static void matmul(int r, const double *A, const double *B, double *C)
{
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) {
      double s = 0.0;
      for (int l = 0; l < r; l++) s += A[i * r + l] * B[l * r + j];
      C[i * r + j] = s;
    }
}

/* Stationary covariance P = sum_k T^k R R' T'^k, the solution of the discrete Lyapunov
 * equation P = T P T' + R R' (Hamilton 1994, eq. 13.2.22), by the doubling algorithm
 * (Anderson & Moore 1979, sec. 6.7): P <- P + A P A', A <- A^2, which converges
 * quadratically when the spectral radius of T is below one. O(r^3) per step. */
static int lyapunov(hc_kalman *kf)
{
  const int r = kf->r;
  double   *A = kf->A, *P = kf->P, *AP = kf->B, *tmp = kf->C;
  memset(A, 0, sizeof(double) * r * r);
  for (int i = 0; i < r; i++) {
    A[i * r] = kf->T1[i];
    if (i + 1 < r) A[i * r + i + 1] = 1.0;
    for (int j = 0; j < r; j++) P[i * r + j] = kf->R[i] * kf->R[j];
  }
  for (int it = 0; it < 64; it++) {
    matmul(r, A, P, AP);
    double inc = 0.0, size = 0.0;
    for (int i = 0; i < r; i++) /* P += (A P) A' */
      for (int j = 0; j < r; j++) {
        double s = 0.0;
        for (int l = 0; l < r; l++) s += AP[i * r + l] * A[j * r + l];
        tmp[i * r + j] = s;
      }
    for (int i = 0; i < r * r; i++) {
      P[i] += tmp[i];
      if (fabs(tmp[i]) > inc) inc = fabs(tmp[i]);
      if (fabs(P[i]) > size) size = fabs(P[i]);
    }
    if (!isfinite(size)) return 1;
    if (inc <= 1e-17 * size) return !(P[0] > 0);
    matmul(r, A, A, tmp);
    memcpy(A, tmp, sizeof(double) * r * r);
  }
  return 1; /* not converged: (numerically) non-stationary */
}

/* TP = T P with the companion structure of T */
static void companion_TP(int r, const double *T1, const double *P, double *TP)
{
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) TP[i * r + j] = T1[i] * P[j] + (i + 1 < r ? P[(i + 1) * r + j] : 0.0);
}

int hc_kalman_arma(hc_kalman *kf, int p, int q, const double *phi, const double *theta,
                   const double *x, int n, double *ssq, double *sumlogF, double *resid)
{
  const int r = p > q + 1 ? p : q + 1;
  if (r > kf->r_max) return 1;
  kf->r = r;
  for (int i = 0; i < r; i++) {
    kf->T1[i] = i < p ? phi[i] : 0.0;
    kf->R[i]  = i == 0 ? 1.0 : (i - 1 < q ? theta[i - 1] : 0.0);
    kf->a[i]  = 0.0;
  }
  if (lyapunov(kf)) return 1;

  double      *P = kf->P, *a = kf->a, *T1 = kf->T1, *R = kf->R, *TP = kf->TP, *K = kf->K;
  double       s = 0.0, slf = 0.0, F = P[0];
  int          steady = 0;
  const double tol    = 1e-14;
  for (int t = 0; t < n; t++) {
    double v = x[t] - a[0];
    if (!steady) {
      F = P[0];
      if (!(F > 0) || !isfinite(F)) return 1;
      companion_TP(r, T1, P, TP);
      for (int i = 0; i < r; i++) K[i] = TP[i * r + 0] / F;
      double change = 0.0;
      for (int i = 0; i < r; i++)
        for (int j = 0; j <= i; j++) {
          double pij = TP[i * r + 0] * T1[j] + (j + 1 < r ? TP[i * r + j + 1] : 0.0) + R[i] * R[j] - K[i] * K[j] * F;
          double d   = fabs(pij - P[i * r + j]);
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

void hc_kalman_forecast(hc_kalman *kf, int H, double *mean, double *cov)
{
  const int r = kf->r;
  double   *a = kf->a, *P = kf->P, *T1 = kf->T1, *R = kf->R, *TP = kf->TP;
  double   *u = kf->K, *c = kf->C; /* u_m = T'^m e1, c = P_{n+i|n} e1 */
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
