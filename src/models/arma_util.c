/**
 * @file arma_util.c
 * @brief ARMA parameter transformations, conditional residuals and
 *        Hannan-Rissanen start values, shared by every family with an ARMA mean.
 */
#include "models_impl.h"

#include <math.h>
#include <petscblaslapack.h>
#include <stdlib.h>
#include <string.h>

#define HC_PACF_MAX (1.0 - 1e-9)

void hc_arma_pacf_to_ar(int p, const double *u, double *phi)
{
  double tmp[HC_MAX_PARAMS];
  for (int k = 0; k < p; k++) {
    double r = tanh(u[k]);
    for (int j = 0; j < k; j++) tmp[j] = phi[j] - r * phi[k - 1 - j];
    for (int j = 0; j < k; j++) phi[j] = tmp[j];
    phi[k] = r;
  }
}

int hc_arma_ar_to_pacf(int p, const double *phi, double *u)
{
  double a[HC_MAX_PARAMS], tmp[HC_MAX_PARAMS];
  int    bad = 0;
  for (int j = 0; j < p; j++) a[j] = phi[j];
  for (int k = p - 1; k >= 0; k--) {
    double r = a[k];
    if (!(fabs(r) < HC_PACF_MAX)) {
      bad = 1;
      r   = r > 0 ? HC_PACF_MAX : -HC_PACF_MAX;
    }
    u[k]       = atanh(r);
    double den = 1.0 - r * r;
    for (int j = 0; j < k; j++) tmp[j] = (a[j] + r * a[k - 1 - j]) / den;
    for (int j = 0; j < k; j++) a[j] = tmp[j];
  }
  return bad;
}

void hc_arma_u_to_ma(int q, const double *u, double *theta)
{
  hc_arma_pacf_to_ar(q, u, theta);
  for (int j = 0; j < q; j++) theta[j] = -theta[j];
}

int hc_arma_ma_to_u(int q, const double *theta, double *u)
{
  double neg[HC_MAX_PARAMS];
  for (int j = 0; j < q; j++) neg[j] = -theta[j];
  return hc_arma_ar_to_pacf(q, neg, u);
}

void hc_arma_make_admissible(int k, double *c, int sign)
{
  double u[HC_MAX_PARAMS], test[HC_MAX_PARAMS];
  for (int it = 0; it < 200; it++) {
    for (int j = 0; j < k; j++) test[j] = sign > 0 ? c[j] : -c[j];
    if (!hc_arma_ar_to_pacf(k, test, u)) {
      /* also keep a margin from the boundary so the optimiser starts inside */
      int near = 0;
      for (int j = 0; j < k; j++) near |= fabs(tanh(u[j])) > 0.98;
      if (!near) return;
    }
    for (int j = 0; j < k; j++) c[j] *= 0.9;
  }
  for (int j = 0; j < k; j++) c[j] = 0.0;
}

void hc_arma_css_residuals(int p, int q, double mu, const double *phi, const double *theta,
                           const double *restrict y, int n, double *restrict e)
{
  for (int t = 0; t < n && t < p; t++) e[t] = 0.0;
  hc_arma_css_extend(p, q, mu, phi, theta, y, p, n, e);
}

/* The residuals of a pure AR(p) (q = 0): no recursion on e, so the steps are independent and
 * vectorise (the same operations in the same order as the ARMA loop). */
static void css_extend_ar(int p, double mu, const double *restrict phi, const double *restrict y, int t0, int n, double *restrict e)
{
  if (p == 0) {
    for (int t = t0; t < n; t++) e[t] = y[t] - mu;
    return;
  }
  for (int t = t0 > p ? t0 : p; t < n; t++) {
    double v = y[t] - mu;
    for (int i = 1; i <= p; i++) v -= phi[i - 1] * (y[t - i] - mu);
    e[t] = v;
  }
}

void hc_arma_css_extend(int p, int q, double mu, const double *phi, const double *theta, const double *restrict y, int t0,
                        int n, double *restrict e)
{
  if (q == 0) {
    css_extend_ar(p, mu, phi, y, t0, n, e);
    return;
  }
  for (int t = t0 > p ? t0 : p; t < n; t++) {
    double v = y[t] - mu;
    for (int i = 1; i <= p; i++) v -= phi[i - 1] * (y[t - i] - mu);
    for (int j = 1; j <= q && j <= t; j++) v -= theta[j - 1] * e[t - j];
    e[t] = v;
  }
}

int hc_ols(int rows, int cols, const double *X, const double *z, double *beta)
{
  PetscBLASInt m = rows, nn = cols, nrhs = 1, lda = rows, ldb = rows, info = 0, lwork = -1;
  double       wq;
  if (cols < 1 || rows < cols) return 1;
  double *A = malloc(((size_t)rows * cols + rows) * sizeof *A), *r = A + (size_t)rows * cols;
  if (!A) return 1;
  memcpy(A, X, (size_t)rows * cols * sizeof *A);
  memcpy(r, z, (size_t)rows * sizeof *r);
  LAPACKgels_("N", &m, &nn, &nrhs, A, &lda, r, &ldb, &wq, &lwork, &info);
  double *work = info ? NULL : malloc((size_t)wq * sizeof *work);
  if (work) {
    lwork = (PetscBLASInt)wq;
    LAPACKgels_("N", &m, &nn, &nrhs, A, &lda, r, &ldb, work, &lwork, &info);
  }
  int rc = !work || info != 0;
  if (!rc) memcpy(beta, r, (size_t)cols * sizeof *beta);
  free(work);
  free(A);
  return rc;
}

double hc_dot8(int n, const double *restrict x, const double *restrict y)
{
  double s[8] = {0.0};
  int    i    = 0;
  for (; i + 7 < n; i += 8)
    for (int l = 0; l < 8; l++) s[l] += x[i + l] * y[i + l];
  for (; i < n; i++) s[0] += x[i] * y[i];
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

/* Yule-Walker AR(m) coefficients of the centred series x by Durbin-Levinson on the
 * sample autocovariances (biased estimator, so the fit is always stationary). */
static void yule_walker(const double *x, int n, int m, double *a)
{
  double *g = malloc((size_t)(m + 1) * sizeof *g), tmp[256];
  for (int k = 0; k <= m; k++) g[k] = hc_dot8(n - k, x + k, x) / n;
  double v = g[0];
  for (int k = 0; k < m; k++) {
    double num = g[k + 1];
    for (int j = 0; j < k; j++) num -= a[j] * g[k - j];
    double r = v > 0 ? num / v : 0.0;
    for (int j = 0; j < k; j++) tmp[j] = a[j] - r * a[k - 1 - j];
    for (int j = 0; j < k; j++) a[j] = tmp[j];
    a[k] = r;
    v *= (1.0 - r * r);
  }
  free(g);
}

/* Least squares beta[cols] of the column-major X [rows x cols] on z through the normal
 * equations X'X beta = X'z (Gram matrix by hc_dot8, Cholesky by LAPACK dpotrf/dpotrs): for the
 * few, far from collinear columns of the Hannan-Rissanen regression this is as accurate as
 * a start needs and a fraction of the cost of the QR of hc_ols, to which it falls back when
 * X'X is not numerically positive definite. Returns 0 on success. */
static int ols_normal(int rows, int cols, const double *X, const double *z, double *beta)
{
  double       G[4 * HC_MAX_PARAMS * HC_MAX_PARAMS];
  PetscBLASInt nn = cols, one = 1, info = 0;
  if (cols < 1 || cols > 2 * HC_MAX_PARAMS || rows < cols) return hc_ols(rows, cols, X, z, beta);
  for (int i = 0; i < cols; i++) {
    const double *xi = X + (size_t)i * rows;
    beta[i]          = hc_dot8(rows, xi, z);
    for (int j = 0; j <= i; j++) G[j + i * cols] = hc_dot8(rows, xi, X + (size_t)j * rows); /* upper triangle, column-major */
  }
  LAPACKpotrf_("U", &nn, G, &nn, &info);
  if (!info) LAPACKpotrs_("U", &nn, &one, G, &nn, beta, &nn, &info);
  return info ? hc_ols(rows, cols, X, z, beta) : 0;
}

int hc_arma_hannan_rissanen(int p, int q, const double *y, int n, double *theta_out)
{
  double mu = 0.0;
  for (int t = 0; t < n; t++) mu += y[t];
  mu /= n;
  int m = 0;
  if (q > 0) {
    m = (int)floor(10.0 * log10((double)n));
    if (m > n / 4) m = n / 4;
    if (m < p + q) m = p + q;
    if (m > 200) m = 200;
  }
  int start = (q > 0 ? m + q : p);
  int rows  = n - start, cols = p + q;
  if (rows < 2 * cols + 2 || n < 8) return 1;

  double *x = malloc((size_t)n * sizeof *x);
  double *e = calloc((size_t)n, sizeof *e);
  double *X = malloc((size_t)rows * (size_t)(cols > 0 ? cols : 1) * sizeof *X);
  double *z = malloc((size_t)rows * sizeof *z);
  double  a[256];
  int     rc = 0;
  for (int t = 0; t < n; t++) x[t] = y[t] - mu;
  if (q > 0) {
    yule_walker(x, n, m, a);
    double ar[256]; /* the long AR in the order of x: e_t = x_t - ar . x[t-m..t-1] */
    for (int i = 0; i < m; i++) ar[i] = a[m - 1 - i];
    for (int t = m; t < n; t++) e[t] = x[t]; /* a lag at a time, so that the loops vectorise */
    for (int i = 0; i < m; i++)
      for (int t = m; t < n; t++) e[t] -= ar[i] * x[t - m + i];
  }
  double sigma2 = 0.0;
  double *phi = theta_out + 1, *th = theta_out + 1 + p;
  if (cols > 0) {
    for (int r = 0; r < rows; r++) {
      int t = start + r;
      for (int i = 0; i < p; i++) X[(size_t)i * rows + r] = x[t - 1 - i];
      for (int j = 0; j < q; j++) X[(size_t)(p + j) * rows + r] = e[t - 1 - j];
      z[r] = x[t];
    }
    rc = ols_normal(rows, cols, X, z, theta_out + 1);
    if (rc)
      for (int i = 0; i < cols; i++) theta_out[1 + i] = 0.0;
  }
  if (!rc) {
    hc_arma_make_admissible(p, phi, +1);
    hc_arma_make_admissible(q, th, -1);
    double *res = malloc((size_t)n * sizeof *res);
    hc_arma_css_residuals(p, q, mu, phi, th, y, n, res);
    for (int t = p; t < n; t++) sigma2 += res[t] * res[t];
    sigma2 /= (n - p);
    free(res);
    theta_out[0]         = mu;
    theta_out[1 + p + q] = sigma2 > 0 ? sigma2 : 1.0;
  }
  free(x);
  free(e);
  free(X);
  free(z);
  return rc;
}

int hc_arma_cycle_starts(int p, int q, double mu, double sigma2, double *out)
{
  const int k = p + q + 2;
  int       ns = 0;
  if (p < 1 || q < 1) return 0;
  for (int sgn = -1; sgn <= 1; sgn += 2) {
    double *s = out + (size_t)ns++ * k;
    memset(s, 0, (size_t)k * sizeof *s);
    s[0]         = mu;
    s[1]         = 0.9 * sgn;   /* 1 - 0.9 sgn z */
    s[1 + p]     = -0.95 * sgn; /* 1 - 0.95 sgn z: nearly the same root */
    s[1 + p + q] = sigma2;
  }
  if (p >= 2 && q >= 2) {
    for (int w = 1; w <= 7; w += 2) {
      double  om = w * M_PI / 8.0, ra = 0.85, rm = 0.95, *s = out + (size_t)ns++ * k;
      memset(s, 0, (size_t)k * sizeof *s);
      s[0]         = mu;
      s[1]         = 2.0 * ra * cos(om); /* 1 - 2 r cos(w) z + r^2 z^2 */
      s[2]         = -ra * ra;
      s[1 + p]     = -2.0 * rm * cos(om);
      s[2 + p]     = rm * rm;
      s[1 + p + q] = sigma2;
    }
  }
  return ns;
}
