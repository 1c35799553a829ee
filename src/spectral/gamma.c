/**
 * @file gamma.c
 * @brief Regularized upper incomplete gamma function and the chi-square tail
 *        (Press et al. 2007, Numerical Recipes 3rd ed., Sec. 6.2).
 */
#include <float.h>
#include <math.h>

#include "hpcast/spectral.h"

#define GAMMA_MAX_ITER 100000 /* terms; ~sqrt(a) are needed near x = a (NR 6.2) */
#define GAMMA_TINY     (DBL_MIN / DBL_EPSILON)

/** log of the common prefactor x^a e^-x / Gamma(a). */
static double log_prefactor(double a, double x)
{
  return a * log(x) - x - lgamma(a);
}

/** P(a,x) by the series sum_k x^k / (a (a+1) ... (a+k)) (NR gser), for x < a+1. */
static double gamma_p_series(double a, double x)
{
  double ap = a, del = 1.0 / a, sum = del;
  for (int k = 0; k < GAMMA_MAX_ITER; k++) {
    ap += 1.0;
    del *= x / ap;
    sum += del;
    if (fabs(del) < fabs(sum) * DBL_EPSILON) break;
  }
  return sum * exp(log_prefactor(a, x));
}

/** Q(a,x) by the continued fraction, modified Lentz (NR gcf), for x >= a+1. */
static double gamma_q_cf(double a, double x)
{
  double b = x + 1.0 - a, c = 1.0 / GAMMA_TINY, d = 1.0 / b, h = d;
  for (int i = 1; i < GAMMA_MAX_ITER; i++) {
    double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (fabs(d) < GAMMA_TINY) d = GAMMA_TINY;
    c = b + an / c;
    if (fabs(c) < GAMMA_TINY) c = GAMMA_TINY;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) <= DBL_EPSILON) break;
  }
  return exp(log_prefactor(a, x)) * h;
}

double hc_spectral_gamma_q(double a, double x)
{
  if (!(a > 0.0) || !(x >= 0.0)) return NAN;
  if (x == 0.0) return 1.0;
  if (isinf(x)) return 0.0;
  if (x < a + 1.0) {
    double q = 1.0 - gamma_p_series(a, x);
    return q > 0.0 ? q : 0.0;
  }
  return gamma_q_cf(a, x);
}

double hc_spectral_gamma_p(double a, double x)
{
  if (!(a > 0.0) || !(x >= 0.0)) return NAN;
  if (x == 0.0) return 0.0;
  if (isinf(x)) return 1.0;
  if (x < a + 1.0) return gamma_p_series(a, x);
  double p = 1.0 - gamma_q_cf(a, x);
  return p > 0.0 ? p : 0.0;
}

double hc_spectral_chi2_sf(double x, double df)
{
  if (isnan(x) || !(df > 0.0)) return NAN;
  if (x <= 0.0) return 1.0;
  return hc_spectral_gamma_q(0.5 * df, 0.5 * x);
}
