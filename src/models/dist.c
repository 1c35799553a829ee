/**
 * @file dist.c
 * @brief Distribution functions of the innovation laws: standard normal
 *        quantile, Student-t CDF and quantile, standardized Student-t log-density.
 *
 * Pure numerics over doubles; no allocation, no global state.
 */
#include "models_impl.h"
#include "hpcast/spectral.h" /* hc_spectral_gamma_p */

#include <float.h>
#include <math.h>
#include <string.h>

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

/* Continued fraction of the incomplete beta function, 1 / (1 + d_1 / (1 + d_2 / (1 + ...))) with
 * d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)) and d_{2m} = m(b-m) x / ((a+2m-1)(a+2m))
 * (Numerical Recipes 3rd ed. sec. 6.4, eq. 6.4.5), by the forward recurrence of its convergents
 * A_n / B_n (Wallis; Lorentzen & Waadeland 1992 sec. 1.1): a chain of multiply-adds, where the
 * modified Lentz method (NR's Beta::betacf) chains two divisions per term. A and B are rescaled
 * by a power of two when they leave [2^-500, 2^500]; the iteration stops when two consecutive
 * convergents agree to DBL_EPSILON, the test of NR's. */
static double betacf(double a, double b, double x)
{
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  /* convergents 1 (A = B = 1) and 2 (A = 1, B = 1 + d_1) */
  double A0 = 1.0, B0 = 1.0, A1 = 1.0, B1 = 1.0 - qab * x / qap;
  for (int m = 1; m <= 100000; m++) {
    const int    m2 = 2 * m;
    const double de = m * (b - m) * x / ((qam + m2) * (a + m2)), dd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    const double A2 = A1 + de * A0, B2 = B1 + de * B0;
    const double A3 = A2 + dd * A1, B3 = B2 + dd * B1;
    A0 = A2, B0 = B2, A1 = A3, B1 = B3;
    if (fabs(A3 * B2 - A2 * B3) <= DBL_EPSILON * fabs(A2 * B3)) break;
    const double big = fmax(fmax(fabs(A0), fabs(B0)), fmax(fabs(A1), fabs(B1)));
    if (big > 0x1p500 || big < 0x1p-500) {
      const int e = -ilogb(big);
      A0 = ldexp(A0, e), B0 = ldexp(B0, e), A1 = ldexp(A1, e), B1 = ldexp(B1, e);
    }
  }
  return A1 / B1;
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

/**
 * Student-t cumulative distribution function P(T <= x), T ~ t(nu).
 * Domain: nu > 0 finite, x any double (+-inf give 1 and 0); NaN for NaN input or nu <= 0.
 * Computed as F(x) = I_{nu/(nu+x^2)}(nu/2, 1/2) / 2 for x <= 0 and 1 minus that for
 * x > 0, with the regularized incomplete beta evaluated by its continued fraction
 * (forward recurrence of the convergents, betacf). Lower-tail values keep full relative accuracy.
 * Source: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 6.4, eq. 6.14.10.
 */
/* hc_t_cdf with lb = log B(nu/2, 1/2) given (a prepared law keeps it: hc_dist_cdf). */
static double t_cdf_lb(double x, double nu, double lb)
{
  if (isnan(x) || !(nu > 0.0) || isinf(nu)) return NAN;
  if (isinf(x)) return x > 0 ? 1.0 : 0.0;
  const double x2 = x * x, a = 0.5 * nu;
  if (x2 == 0.0) return 0.5;
  /* P(T > |x|) = I_w(a, 1/2) / 2 with w = nu / (nu + x^2), v = 1 - w = x^2 / (nu + x^2), from the
   * continued fraction of the side where it converges (NR3 sec. 6.4, Beta::betai); its prefactor
   * w^a v^(1/2) / B(a, 1/2) = |x| / sqrt(nu) (1 + x^2/nu)^-(a + 1/2) / B(a, 1/2), one log1p and one exp */
  const double w = nu / (nu + x2), v = x2 / (nu + x2);
  const double bt   = fabs(x) / sqrt(nu) * exp(-(a + 0.5) * log1p(x2 / nu) - lb);
  const double tail = 0.5 * (w < (a + 1.0) / (a + 2.5) ? bt * betacf(a, 0.5, w) / a : 1.0 - 2.0 * bt * betacf(0.5, a, v));
  return x > 0 ? 1.0 - tail : tail;
}

double hc_t_cdf(double x, double nu) { return t_cdf_lb(x, nu, nu > 0.0 ? log_beta(0.5 * nu, 0.5) : NAN); }

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

/* ======================================================================
 * The innovation laws behind one interface (hc_dist_eval): log-density and its
 * derivatives, moments used by the volatility recursions, CDF, quantile, draws.
 * ====================================================================== */

/* Digamma function: recurrence psi(x) = psi(x+1) - 1/x up to x >= 15, then the
 * asymptotic series (Abramowitz & Stegun 6.3.18, truncated after x^-10; the first
 * omitted term is below 2e-16 there). */
static double digamma(double x)
{
  double r = 0.0;
  while (x < 15.0) {
    r -= 1.0 / x;
    x += 1.0;
  }
  double f = 1.0 / (x * x);
  return r + log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

/* Trigamma function: recurrence psi'(x) = psi'(x+1) + 1/x^2 up to x >= 15, then the
 * asymptotic series (Abramowitz & Stegun 6.4.12, truncated after x^-11; the first omitted
 * term is below 1e-16 there). */
static double trigamma(double x)
{
  double r = 0.0;
  while (x < 15.0) {
    r += 1.0 / (x * x);
    x += 1.0;
  }
  double f = 1.0 / (x * x);
  return r + 1.0 / x + 0.5 * f + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66)))));
}

/* Shapes reachable by hc_dist_shape_untransform: nu > 2.01 for the (skewed) t, GED shape in
 * (0.2, 50) (the bounds of R rugarch; beyond 50 the GED is a uniform law for all purposes). */
#define HC_DIST_NU_MIN  2.01
#define HC_DIST_GED_MIN 0.2
#define HC_DIST_GED_MAX 50.0

int hc_dist_n_shape(hc_dist d) { return d == HC_DIST_NORMAL ? 0 : d == HC_DIST_SKEWT ? 2 : 1; }

const char *hc_dist_shape_name(hc_dist d, int i)
{
  (void)d;
  return i == 0 ? "nu" : "lambda";
}

void hc_dist_shape_start(hc_dist d, double *shape)
{
  if (d == HC_DIST_T || d == HC_DIST_SKEWT) shape[0] = 8.0;
  if (d == HC_DIST_SKEWT) shape[1] = 0.0;
  if (d == HC_DIST_GED) shape[0] = 1.5;
}

void hc_dist_shape_untransform(hc_dist d, const double *u, double *shape)
{
  if (d == HC_DIST_T || d == HC_DIST_SKEWT) shape[0] = HC_DIST_NU_MIN + exp(u[0]);
  if (d == HC_DIST_SKEWT) shape[1] = tanh(u[1]);
  if (d == HC_DIST_GED) shape[0] = HC_DIST_GED_MIN + (HC_DIST_GED_MAX - HC_DIST_GED_MIN) / (1.0 + exp(-u[0]));
}

void hc_dist_shape_transform(hc_dist d, const double *shape, double *u)
{
  if (d == HC_DIST_T || d == HC_DIST_SKEWT) u[0] = log(fmax(shape[0] - HC_DIST_NU_MIN, 1e-8));
  if (d == HC_DIST_SKEWT) u[1] = atanh(fmax(fmin(shape[1], 1.0 - 1e-15), -1.0 + 1e-15));
  if (d == HC_DIST_GED) {
    double f = (shape[0] - HC_DIST_GED_MIN) / (HC_DIST_GED_MAX - HC_DIST_GED_MIN);
    f        = fmin(fmax(f, 1e-15), 1.0 - 1e-15);
    u[0]     = log(f / (1.0 - f));
  }
}

/* Unit-variance Student-t (nu > 2) pieces used by the skewed t: density q, CDF Q,
 * partial first moment PM(R) = int_{-inf}^R r q(r) dr = -(nu-2+R^2) q(R)/(nu-1) and partial
 * second moment S(R) = int_{-inf}^R r^2 q(r) dr = Q(R) - R (nu-2+R^2) q(R)/(nu-2)
 * (integration by parts, using d/dr [(nu-2+r^2) q(r)] = -(nu-1) r q(r)). */
static void ut_pieces(double R, double nu, double *Q, double *PM, double *S)
{
  double q  = exp(hc_std_t_logpdf(R, nu)), g = nu - 2.0 + R * R;
  *Q  = isinf(R) ? (R > 0) : hc_t_cdf(R * sqrt(nu / (nu - 2.0)), nu);
  *PM = isinf(R) ? 0.0 : -g * q / (nu - 1.0);
  *S  = isinf(R) ? (R > 0) : *Q - R * g * q / (nu - 2.0);
}

/* Hansen (1994) constants c, a, b of the skewed t with shape nu, lambda (eq. 10-11). */
static void skewt_abc(double nu, double lam, double *a, double *b, double *c)
{
  *c = exp(-log_beta(0.5 * nu, 0.5)) / sqrt(nu - 2.0);
  *a = 4.0 * lam * *c * (nu - 2.0) / (nu - 1.0);
  *b = sqrt(1.0 + 3.0 * lam * lam - *a * *a);
}

/* Lower moments of the skewed t: P(z < 0), E[z; z < 0] and E[z^2; z < 0]. With x = b z + a,
 * x has density c (1 + (x/d)^2/(nu-2))^{-(nu+1)/2}, d = 1 - lambda for x < 0 and 1 + lambda for
 * x >= 0, i.e. x = d r with r unit-variance t on each half line; z < 0 <=> x < a. */
static void skewt_lower(double nu, double lam, double *m0, double *m1, double *m2)
{
  double a, b, c, Q, PM, S, Q0, PM0, S0;
  skewt_abc(nu, lam, &a, &b, &c);
  double d1 = 1.0 - lam, d2 = 1.0 + lam;
  ut_pieces(fmin(a, 0.0) / d1, nu, &Q, &PM, &S);
  double X0 = d1 * Q, X1 = d1 * d1 * PM, X2 = d1 * d1 * d1 * S;
  if (a > 0.0) {
    ut_pieces(a / d2, nu, &Q, &PM, &S);
    ut_pieces(0.0, nu, &Q0, &PM0, &S0);
    X0 += d2 * (Q - Q0);
    X1 += d2 * d2 * (PM - PM0);
    X2 += d2 * d2 * d2 * (S - S0);
  }
  *m0 = X0;
  *m1 = (X1 - a * X0) / b;
  *m2 = (X2 - 2.0 * a * X1 + a * a * X0) / (b * b);
}

/* E|z| and E[z^2 1(z<0)] of the skewed t (E z = 0, so E|z| = -2 E[z; z<0]). */
static void skewt_moments(double nu, double lam, double *abs_mean, double *m2neg)
{
  double m0, m1, m2;
  skewt_lower(nu, lam, &m0, &m1, &m2);
  *abs_mean = -2.0 * m1;
  *m2neg    = m2;
}

int hc_dist_prepare(hc_dist d, const double *shape, int derivatives, hc_dist_eval *e)
{
  memset(e, 0, sizeof *e);
  e->d = d;
  for (int i = 0; i < hc_dist_n_shape(d); i++) e->shape[i] = shape[i];
  e->m2neg = 0.5;
  switch (d) {
  case HC_DIST_NORMAL:
    e->k[0]     = -0.5 * log(2.0 * M_PI);
    e->abs_mean = sqrt(2.0 / M_PI);
    return 0;
  case HC_DIST_T: {
    double nu = shape[0];
    if (!(nu > 2.0) || !isfinite(nu)) return 1;
    e->cdf[0] = log_beta(0.5 * nu, 0.5);
    e->cdf[1] = sqrt(nu / (nu - 2.0));
    e->k[0]   = -e->cdf[0] - 0.5 * log(nu - 2.0);
    e->abs_mean = 2.0 * exp(e->k[0]) * (nu - 2.0) / (nu - 1.0);
    if (derivatives) {
      double dpsi = 0.5 * (digamma(0.5 * (nu + 1.0)) - digamma(0.5 * nu));
      e->k[1]            = dpsi - 0.5 / (nu - 2.0);
      e->d_abs_mean[0]   = e->abs_mean * (e->k[1] + 1.0 / (nu - 2.0) - 1.0 / (nu - 1.0));
    }
    return 0;
  }
  case HC_DIST_SKEWT: {
    double nu = shape[0], lam = shape[1], a, b, c;
    if (!(nu > 2.0) || !isfinite(nu) || !(fabs(lam) < 1.0)) return 1;
    skewt_abc(nu, lam, &a, &b, &c);
    e->cdf[0] = log_beta(0.5 * nu, 0.5);
    e->cdf[1] = sqrt(nu / (nu - 2.0));
    e->k[0] = a;
    e->k[1] = b;
    e->k[2] = log(b) + log(c);
    skewt_moments(nu, lam, &e->abs_mean, &e->m2neg);
    if (derivatives) {
      /* a, b in nu and lambda (Hansen 1994 eq. 11), analytic */
      double lc_nu = 0.5 * (digamma(0.5 * (nu + 1.0)) - digamma(0.5 * nu)) - 0.5 / (nu - 2.0);
      double a_nu = 4.0 * lam * c * (lc_nu * (nu - 2.0) / (nu - 1.0) + 1.0 / ((nu - 1.0) * (nu - 1.0)));
      double a_lam = 4.0 * c * (nu - 2.0) / (nu - 1.0);
      e->k[3] = a_nu;
      e->k[4] = -a * a_nu / b;                /* b_nu */
      e->k[5] = a_lam;
      e->k[6] = (3.0 * lam - a * a_lam) / b;  /* b_lambda */
      e->k[7] = lc_nu;
      /* moments: central differences of their closed forms (steps 1e-5 relative) */
      for (int i = 0; i < 2; i++) {
        double sp[2] = {nu, lam}, sm[2] = {nu, lam}, h = i == 0 ? 1e-5 * (nu - 2.0) : 1e-5 * (1.0 - fabs(lam));
        double ap, am, mp, mm;
        sp[i] += h;
        sm[i] -= h;
        skewt_moments(sp[0], sp[1], &ap, &mp);
        skewt_moments(sm[0], sm[1], &am, &mm);
        e->d_abs_mean[i] = (ap - am) / (2.0 * h);
        e->d_m2neg[i]    = (mp - mm) / (2.0 * h);
      }
    }
    return 0;
  }
  case HC_DIST_GED: {
    double nu = shape[0];
    if (!(nu > 0.0) || !isfinite(nu)) return 1;
    double ll = 0.5 * (-2.0 / nu * M_LN2 + lgamma(1.0 / nu) - lgamma(3.0 / nu)); /* log lambda_g */
    e->k[0] = log(nu) - ll - (1.0 + 1.0 / nu) * M_LN2 - lgamma(1.0 / nu);
    e->k[1] = exp(ll);
    e->abs_mean = exp(ll + M_LN2 / nu + lgamma(2.0 / nu) - lgamma(1.0 / nu));
    if (derivatives) {
      double i2 = 1.0 / (nu * nu);
      double dll = 0.5 * i2 * (2.0 * M_LN2 - digamma(1.0 / nu) + 3.0 * digamma(3.0 / nu));
      e->k[2] = 1.0 / nu - dll + M_LN2 * i2 + digamma(1.0 / nu) * i2;
      e->k[3] = dll;
      e->d_abs_mean[0] = e->abs_mean * (dll - M_LN2 * i2 - 2.0 * digamma(2.0 / nu) * i2 + digamma(1.0 / nu) * i2);
    }
    return 0;
  }
  }
  return 1;
}

int hc_dist_prepare_d2(hc_dist d, const double *shape, hc_dist_eval *e)
{
  if (d != HC_DIST_NORMAL && d != HC_DIST_T) return -1;
  if (hc_dist_prepare(d, shape, 1, e)) return 1;
  if (d == HC_DIST_T) {
    double nu = shape[0];
    e->k[2]   = 0.25 * (trigamma(0.5 * (nu + 1.0)) - trigamma(0.5 * nu)) + 0.5 / ((nu - 2.0) * (nu - 2.0));
  }
  return 0;
}

double hc_dist_logpdf(const hc_dist_eval *e, double z, double *dz, double *dshape)
{
  switch (e->d) {
  case HC_DIST_NORMAL:
    if (dz) *dz = -z;
    return e->k[0] - 0.5 * z * z;
  case HC_DIST_T: {
    double nu = e->shape[0], w = z * z / (nu - 2.0), a = 0.5 * (nu + 1.0) / (1.0 + w), lw = log1p(w);
    if (dz) *dz = -2.0 * a * z / (nu - 2.0);
    if (dshape) dshape[0] = e->k[1] - 0.5 * lw + a * w / (nu - 2.0);
    return e->k[0] - 0.5 * (nu + 1.0) * lw;
  }
  case HC_DIST_SKEWT: {
    double nu = e->shape[0], lam = e->shape[1], a = e->k[0], b = e->k[1];
    double x = b * z + a, left = x < 0.0, d = left ? 1.0 - lam : 1.0 + lam, r = x / d;
    double w = r * r / (nu - 2.0), f = 0.5 * (nu + 1.0) / (1.0 + w), lw = log1p(w);
    if (dz) *dz = -2.0 * f * r * b / (d * (nu - 2.0));
    if (dshape) {
      double r_nu  = (e->k[4] * z + e->k[3]) / d;
      double r_lam = ((e->k[6] * z + e->k[5]) - r * (left ? -1.0 : 1.0)) / d;
      double w_nu  = 2.0 * r * r_nu / (nu - 2.0) - w / (nu - 2.0);
      dshape[0] = e->k[4] / b + e->k[7] - 0.5 * lw - f * w_nu;
      dshape[1] = e->k[6] / b - f * 2.0 * r * r_lam / (nu - 2.0);
    }
    return e->k[2] - 0.5 * (nu + 1.0) * lw;
  }
  case HC_DIST_GED: {
    double nu = e->shape[0], m = fabs(z) / e->k[1], mn = pow(m, nu);
    if (dz) *dz = z == 0.0 ? 0.0 : -0.5 * nu * mn / m * (z > 0 ? 1.0 : -1.0) / e->k[1];
    if (dshape) dshape[0] = e->k[2] - (m > 0.0 ? 0.5 * mn * (log(m) - nu * e->k[3]) : 0.0);
    return e->k[0] - 0.5 * mn;
  }
  }
  return NAN;
}

/* Inverse of P(a, .) at p in (0,1): start of NR3 sec. 6.2.1 (Temme-type for a > 1, power/
 * exponential tail for a <= 1), then Halley steps on P(a,x) - p. */
static double invgammp(double p, double a)
{
  double x, gln = lgamma(a), a1 = a - 1.0, lna1 = 0.0, afac = 0.0;
  if (a > 1.0) {
    lna1      = log(a1);
    afac      = exp(a1 * (lna1 - 1.0) - gln);
    double pp = p < 0.5 ? p : 1.0 - p, t = sqrt(-2.0 * log(pp));
    x         = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) x = -x;
    x = fmax(1e-3, a * pow(1.0 - 1.0 / (9.0 * a) - x / (3.0 * sqrt(a)), 3.0));
  } else {
    double t = 1.0 - a * (0.253 + a * 0.12);
    x        = p < t ? pow(p / t, 1.0 / a) : 1.0 - log(1.0 - (p - t) / (1.0 - t));
  }
  for (int j = 0; j < 100; j++) {
    if (x <= 0.0) return 0.0;
    double err = hc_spectral_gamma_p(a, x) - p;
    double t   = a > 1.0 ? afac * exp(-(x - a1) + a1 * (log(x) - lna1)) : exp(-x + a1 * log(x) - gln);
    double u   = err / t, step = u / (1.0 - 0.5 * fmin(1.0, u * ((a - 1.0) / x - 1.0)));
    x -= step;
    if (x <= 0.0) x = 0.5 * (x + step);
    if (fabs(step) <= 1e-15 * x) break;
  }
  return x;
}

double hc_dist_cdf(const hc_dist_eval *e, double z)
{
  switch (e->d) {
  case HC_DIST_NORMAL: return 0.5 * erfc(-z / M_SQRT2);
  case HC_DIST_T: return t_cdf_lb(z * e->cdf[1], e->shape[0], e->cdf[0]);
  case HC_DIST_SKEWT: {
    double nu = e->shape[0], lam = e->shape[1], x = e->k[1] * z + e->k[0], s = e->cdf[1];
    if (x < 0.0) return (1.0 - lam) * t_cdf_lb(x / (1.0 - lam) * s, nu, e->cdf[0]);
    return 0.5 * (1.0 - lam) + (1.0 + lam) * (t_cdf_lb(x / (1.0 + lam) * s, nu, e->cdf[0]) - 0.5);
  }
  case HC_DIST_GED: {
    double nu = e->shape[0], g = hc_spectral_gamma_p(1.0 / nu, 0.5 * pow(fabs(z) / e->k[1], nu));
    return z < 0.0 ? 0.5 * (1.0 - g) : 0.5 * (1.0 + g);
  }
  }
  return NAN;
}

double hc_dist_quantile(const hc_dist_eval *e, double p)
{
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  switch (e->d) {
  case HC_DIST_NORMAL: return hc_norm_quantile(p);
  case HC_DIST_T: {
    double nu = e->shape[0];
    return hc_t_quantile(p, nu) * sqrt((nu - 2.0) / nu);
  }
  case HC_DIST_SKEWT: {
    double nu = e->shape[0], lam = e->shape[1], s = sqrt((nu - 2.0) / nu), x;
    if (p < 0.5 * (1.0 - lam)) x = (1.0 - lam) * s * hc_t_quantile(p / (1.0 - lam), nu);
    else x = (1.0 + lam) * s * hc_t_quantile(0.5 + (p - 0.5 * (1.0 - lam)) / (1.0 + lam), nu);
    return (x - e->k[0]) / e->k[1];
  }
  case HC_DIST_GED: {
    double nu = e->shape[0];
    if (p == 0.5) return 0.0;
    if (p == 0.0 || p == 1.0) return p == 0.0 ? -INFINITY : INFINITY;
    double q = fabs(2.0 * p - 1.0), r = e->k[1] * pow(2.0 * invgammp(q, 1.0 / nu), 1.0 / nu);
    return p < 0.5 ? -r : r;
  }
  }
  return NAN;
}

/* Uniform (0,1) by xorshift64* (Vigna 2016), 53-bit mantissa, never 0. */
static double uniform(unsigned long long *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (((*s * 2685821657736338717ULL) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal by the polar Box-Muller method (one of the pair is used). */
static double normal_draw(unsigned long long *s)
{
  double u, v, r;
  do {
    u = 2.0 * uniform(s) - 1.0;
    v = 2.0 * uniform(s) - 1.0;
    r = u * u + v * v;
  } while (r >= 1.0);
  return u * sqrt(-2.0 * log(r) / r);
}

/* Gamma(a, 1): Marsaglia & Tsang (2000), ACM TOMS 26(3) 363-372; a < 1 by G(a+1) U^{1/a}. */
static double gamma_draw(double a, unsigned long long *s)
{
  if (a < 1.0) return gamma_draw(a + 1.0, s) * pow(uniform(s), 1.0 / a);
  double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x = normal_draw(s), v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    double u = uniform(s);
    if (log(u) < 0.5 * x * x + d - d * v + d * log(v)) return d * v;
  }
}

double hc_dist_draw(const hc_dist_eval *e, unsigned long long *state)
{
  switch (e->d) {
  case HC_DIST_NORMAL: return normal_draw(state);
  case HC_DIST_T:
  case HC_DIST_SKEWT: {
    double nu = e->shape[0];
    double r  = normal_draw(state) * sqrt((nu - 2.0) / (2.0 * gamma_draw(0.5 * nu, state)));
    if (e->d == HC_DIST_T) return r;
    /* Hansen's skewed t: the left half (mass (1-lambda)/2) is |r| scaled by 1-lambda */
    double lam = e->shape[1], x = uniform(state) < 0.5 * (1.0 - lam) ? -(1.0 - lam) * fabs(r) : (1.0 + lam) * fabs(r);
    return (x - e->k[0]) / e->k[1];
  }
  case HC_DIST_GED: {
    double nu = e->shape[0], r = e->k[1] * pow(2.0 * gamma_draw(1.0 / nu, state), 1.0 / nu);
    return uniform(state) < 0.5 ? -r : r;
  }
  }
  return NAN;
}
