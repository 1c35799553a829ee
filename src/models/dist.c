/**
 * @file dist.c
 * @brief Distribution functions of the innovation laws: standard normal
 *        quantile, Student-t CDF and quantile, standardized Student-t log-density.
 *
 * Pure numerics over doubles; no allocation, no global state.
 */
#include "hpcast/models.h"

#include <float.h>
#include <math.h>

/* Lower-tail normal quantile for 0 < p <= 0.5: Acklam's rational approximation
 * (relative error < 1.15e-9) followed by one Halley step on Phi(x) - p, which
 * brings the error to the rounding level. */
static double norm_quantile_lower(double p)
{
  static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                              1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                              6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                              -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                              3.754408661907416e+00};
  const double p_low = 0.02425;
  double       x;
  if (p < p_low) {
    double q = sqrt(-2.0 * log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else {
    double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  /* Halley: Phi(x) = erfc(-x/sqrt 2)/2 is accurate in relative terms for x <= 0. */
  double e = 0.5 * erfc(-x / M_SQRT2) - p;
  double u = e * sqrt(2.0 * M_PI) * exp(0.5 * x * x);
  return x - u / (1.0 + 0.5 * x * u);
}

/**
 * Standard normal quantile Phi^{-1}(p).
 * Domain: p in [0, 1]; returns -inf at 0, +inf at 1, NaN outside [0,1] or for NaN.
 * The upper half uses the symmetry Phi^{-1}(p) = -Phi^{-1}(1-p) (1-p is exact
 * for p >= 0.5), so both tails keep full relative accuracy (|rel err| ~ 1e-15).
 * Source: P. J. Acklam (2003), "An algorithm for computing the inverse normal
 * cumulative distribution function", with the one-step Halley refinement given there.
 */
double hc_norm_quantile(double p)
{
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  if (p == 0.0) return -INFINITY;
  if (p == 1.0) return INFINITY;
  if (p > 0.5) return -norm_quantile_lower(1.0 - p);
  return norm_quantile_lower(p);
}

/* Continued fraction of the incomplete beta function by the modified Lentz
 * method (Numerical Recipes 3rd ed. sec. 6.4, Beta::betacf). */
static double betacf(double a, double b, double x)
{
  const double fpmin = DBL_MIN / DBL_EPSILON;
  double       qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double       c = 1.0, d = 1.0 - qab * x / qap;
  if (fabs(d) < fpmin) d = fpmin;
  d        = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; m++) {
    int    m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d         = 1.0 + aa * d;
    if (fabs(d) < fpmin) d = fpmin;
    c = 1.0 + aa / c;
    if (fabs(c) < fpmin) c = fpmin;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d  = 1.0 + aa * d;
    if (fabs(d) < fpmin) d = fpmin;
    c = 1.0 + aa / c;
    if (fabs(c) < fpmin) c = fpmin;
    d          = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) <= DBL_EPSILON) break;
  }
  return h;
}

/* Stirling remainder lgamma(x) - [(x - 1/2) log x - x + log(2 pi)/2] for x >= 15
 * (Abramowitz & Stegun 6.1.41; truncation error < 1e-16 there). */
static double stirling_rem(double x)
{
  double f = 1.0 / (x * x);
  return (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680 - f / 1188)))) / x;
}

/* log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). When one argument is large
 * (the t CDF has a = nu/2, b = 1/2), lgamma(a + b) - lgamma(a) is formed from the
 * Stirling series without the cancellation of two large lgamma values. */
static double log_beta(double a, double b)
{
  if (a < b) {
    double t = a;
    a        = b;
    b        = t;
  }
  if (a < 15.0) return lgamma(a) + lgamma(b) - lgamma(a + b);
  double diff = b * log(a) + (a + b - 0.5) * log1p(b / a) - b + stirling_rem(a + b) - stirling_rem(a);
  return lgamma(b) - diff;
}

/* Regularized incomplete beta I_x(a, b); y = 1 - x, lx = log x and ly = log y are
 * supplied by the caller so that none of them loses digits to cancellation
 * (NR3 sec. 6.4, Beta::betai). */
static double incbeta(double a, double b, double x, double y, double lx, double ly)
{
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  double bt = exp(a * lx + b * ly - log_beta(a, b));
  if (x < (a + 1.0) / (a + b + 2.0)) return bt * betacf(a, b, x) / a;
  return 1.0 - bt * betacf(b, a, y) / b;
}

/**
 * Student-t cumulative distribution function P(T <= x), T ~ t(nu).
 * Domain: nu > 0 finite, x any double (+-inf give 1 and 0); NaN for NaN input or nu <= 0.
 * Computed as F(x) = I_{nu/(nu+x^2)}(nu/2, 1/2) / 2 for x <= 0 and 1 minus that for
 * x > 0, with the regularized incomplete beta evaluated by its continued fraction
 * (modified Lentz). Lower-tail values keep full relative accuracy.
 * Source: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 6.4, eq. 6.14.10.
 */
double hc_t_cdf(double x, double nu)
{
  if (isnan(x) || !(nu > 0.0) || isinf(nu)) return NAN;
  if (isinf(x)) return x > 0 ? 1.0 : 0.0;
  double x2 = x * x, l1 = log1p(x2 / nu);
  /* P(T > |x|) = I_w(nu/2, 1/2) / 2, w = nu / (nu + x^2), log w = -log1p(x^2/nu) */
  double tail = 0.5 * incbeta(0.5 * nu, 0.5, nu / (nu + x2), x2 / (nu + x2), -l1, log(x2 / nu) - l1);
  return x > 0 ? 1.0 - tail : tail;
}

/* Student-t density with nu degrees of freedom. */
static double t_pdf(double x, double nu)
{
  return exp(-log_beta(0.5 * nu, 0.5) - 0.5 * log(nu) - 0.5 * (nu + 1.0) * log1p(x * x / nu));
}

/* Lower-tail t quantile for 0 < p < 0.5 (result < 0): Newton on log F(x) - log p,
 * kept inside a bracket [lo, hi] with F(lo) <= p < F(hi); a Newton step that
 * leaves the bracket is replaced by bisection. */
static double t_quantile_lower(double p, double nu)
{
  /* Cornish-Fisher start (Abramowitz & Stegun 26.7.5, first two terms). */
  double z = hc_norm_quantile(p), z2 = z * z;
  double x = z + z * (z2 + 1.0) / (4.0 * nu) + z * ((5.0 * z2 + 16.0) * z2 + 3.0) / (96.0 * nu * nu);
  if (!(x < 0.0)) x = -1e-3;
  double hi = 0.0, lo = x;
  while (hc_t_cdf(lo, nu) > p) {
    hi = lo;
    lo *= 2.0;
    if (isinf(lo)) return -INFINITY;
  }
  double lp = log(p);
  for (int it = 0; it < 200; it++) {
    double F = hc_t_cdf(x, nu);
    if (F > p) hi = x;
    else lo = x;
    double g  = log(F) - lp;
    double xn = x - g * F / t_pdf(x, nu);
    if (!(xn > lo && xn < hi)) xn = 0.5 * (lo + hi);
    double dx = fabs(xn - x);
    x         = xn;
    if (dx <= 1e-15 * fabs(x) || hi - lo <= 4.0 * DBL_EPSILON * fabs(lo)) break;
  }
  return x;
}

/**
 * Student-t quantile F^{-1}(p) with nu degrees of freedom.
 * Domain: p in [0, 1] (-inf at 0, +inf at 1, 0 at 1/2), nu > 0 finite; NaN otherwise.
 * Safeguarded Newton iteration on log F(x) = log p from a Cornish-Fisher start, with a
 * bisection fallback inside a bracket, to ~1e-14 relative (limited by hc_t_cdf); the
 * upper half by symmetry F^{-1}(p) = -F^{-1}(1-p).
 * Source: Cornish-Fisher start, Abramowitz & Stegun (1964) 26.7.5; Newton/bisection
 * safeguard as in Numerical Recipes 3rd ed. sec. 9.4 (rtsafe).
 */
double hc_t_quantile(double p, double nu)
{
  if (!(p >= 0.0 && p <= 1.0) || !(nu > 0.0) || isinf(nu)) return NAN;
  if (p == 0.0) return -INFINITY;
  if (p == 1.0) return INFINITY;
  if (p == 0.5) return 0.0;
  if (p > 0.5) return -t_quantile_lower(1.0 - p, nu);
  return t_quantile_lower(p, nu);
}

/**
 * Log-density at z of the standardized Student-t (zero mean, unit variance) with
 * nu > 2 degrees of freedom:
 * lgamma((nu+1)/2) - lgamma(nu/2) - log(pi (nu-2))/2 - (nu+1)/2 log(1 + z^2/(nu-2)).
 * Domain: nu > 2; NaN for nu <= 2 or NaN input.
 * Source: Bollerslev (1987), Rev. Econ. Stat. 69(3) 542-547, eq. (1).
 */
double hc_std_t_logpdf(double z, double nu)
{
  if (!(nu > 2.0)) return NAN;
  /* lgamma((nu+1)/2) - lgamma(nu/2) - log(pi)/2 = -log B(nu/2, 1/2) */
  return -log_beta(0.5 * nu, 0.5) - 0.5 * log(nu - 2.0) - 0.5 * (nu + 1.0) * log1p(z * z / (nu - 2.0));
}
