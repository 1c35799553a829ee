/**
 * @file spectral.h
 * @brief Second-order and spectral diagnostics of one series: sample ACF/ACVF by
 *        FFT (with a direct reference sum), PACF by Durbin-Levinson, periodogram,
 *        seasonal-period detection, Ljung-Box / McLeod-Li portmanteau tests,
 *        Jarque-Bera normality test, chi-square tail probabilities.
 *
 * Pure numerics over arrays (FFTW 3.3 for the transforms): no MPI, no HDF5, no
 * file I/O except the two optional FFTW wisdom helpers that take a path chosen
 * by the caller. The only state is the explicit FFTW plan cache #hc_fft_cache.
 *
 * Conventions of every function here:
 * - Series are `const double x[n]`, observations in time order, any units; they
 *   must be finite. Lags, periods and frequencies are in observations (lags,
 *   periods) and cycles per observation (frequencies).
 * - Return value: 0 on success, else an errno code and the outputs are left
 *   unspecified: EINVAL for bad shapes or NULL pointers, EDOM for data on which
 *   the quantity is undefined (a non-finite value, a constant series), ENOMEM
 *   when an allocation or FFTW plan fails, EIO for wisdom files.
 * - Nothing is collective: no MPI is involved. Functions that do not take a cache
 *   are reentrant and thread-safe. Functions that take a cache may create FFTW
 *   plans (FFTW's planner is process-global and not thread-safe) and run them on
 *   the cache's buffers, so a cache is used by one thread at a time, and two
 *   threads should not plan through two caches concurrently.
 *
 * Main source: Brockwell, P.J. and Davis, R.A. (1991), Time Series: Theory and
 * Methods, 2nd ed., Springer (B&D below).
 */
#ifndef HPCAST_SPECTRAL_H
#define HPCAST_SPECTRAL_H

/** Planner rigor of a plan cache (FFTW planner flags). */
typedef enum {
  HC_FFT_ESTIMATE = 0, /**< FFTW_ESTIMATE: no timing; plans (and so results, to the last bit)
                            depend only on the length and on the imported wisdom. Default. */
  HC_FFT_MEASURE       /**< FFTW_MEASURE: time candidate algorithms at planning; faster plans,
                            but the chosen algorithm, hence the last bits, may vary run to run */
} hc_fft_rigor;

/**
 * Cache of FFTW real-to-complex (r2c) and complex-to-real (c2r) plans, one of each at
 * most per transform length, created on first use and reused by every later call of
 * that length, each with its own aligned buffers (never the caller's arrays).
 * Opaque; one per thread (see the file comment).
 */
typedef struct hc_fft_cache hc_fft_cache;

/**
 * Create an empty plan cache.
 * @param rigor  planner rigor (#HC_FFT_ESTIMATE for reproducible results)
 * @param out    receives the cache; destroy it with hc_spectral_cache_destroy()
 * @return 0, EINVAL (out NULL or unknown rigor) or ENOMEM. Not collective; thread-safe.
 */
int  hc_spectral_cache_create(hc_fft_rigor rigor, hc_fft_cache **out);

/** Destroy all plans and buffers of a cache and the cache itself. NULL is a no-op. */
void hc_spectral_cache_destroy(hc_fft_cache *c);

/**
 * Number of FFTW plans this cache has created so far (each r2c or c2r plan counts
 * one; a plan is never created twice for the same length and direction).
 * Reads the cache only.
 */
int  hc_spectral_cache_n_plans(const hc_fft_cache *c);

/**
 * Add the FFTW wisdom stored in file `path` (fftw_import_wisdom_from_filename) to
 * FFTW's process-wide wisdom, used by every later plan of every cache. Plans already
 * cached are not replaced. With wisdom, #HC_FFT_ESTIMATE plans may follow it, so
 * results are reproducible for a given wisdom file.
 * @return 0, EINVAL (path NULL) or EIO (unreadable file or not FFTW wisdom).
 * Not thread-safe (FFTW global state).
 */
int  hc_spectral_wisdom_import(const char *path);

/**
 * Write FFTW's process-wide wisdom to file `path` (fftw_export_wisdom_to_filename).
 * @return 0, EINVAL (path NULL) or EIO. Not thread-safe (FFTW global state).
 */
int  hc_spectral_wisdom_export(const char *path);

/**
 * Smallest integer N >= target of the form 2^a 3^b 5^c (a "fast" FFTW length).
 * @return N, or -1 if target < 1 or no such N fits in an int. Thread-safe.
 */
int  hc_spectral_fast_length(int target);

/**
 * Sample autocovariance and autocorrelation up to lag L by FFT:
 *   acov[k] = (1/n) sum_{t=0}^{n-1-k} (x_t - xbar)(x_{t+k} - xbar),   acf[k] = acov[k]/acov[0],
 * k = 0..L (biased estimator, mean removed: B&D (7.2.1)-(7.2.2), R's acf()). The
 * centred series is zero-padded to N = hc_spectral_fast_length(2n) >= n + L, so the
 * circular correlation r2c -> |.|^2 -> c2r of length N has no wrap-around and is the
 * linear one (Wiener-Khinchin; e.g. Percival & Walden 1993, Sec. 6.7). Rounding error
 * is O(eps log N) relative to acov[0], not growing with L.
 * @param c     plan cache (plans of length N are created once and reused)
 * @param x     [n] series, n >= 2
 * @param L     largest lag, 0 <= L <= n-1
 * @param acov  [L+1] autocovariances (units of x squared), or NULL
 * @param acf   [L+1] autocorrelations (acf[0] = 1), or NULL
 * @return 0, EINVAL (n < 2, n > INT_MAX/2, L out of range, x or c NULL),
 *         EDOM (non-finite value; constant series when acf is requested), ENOMEM.
 * Not collective; uses the cache (one thread per cache).
 */
int  hc_spectral_acf(hc_fft_cache *c, const double *x, int n, int L, double *acov, double *acf);

/**
 * The same quantities as hc_spectral_acf() by the direct O(n L) sum, each lag's in four
 * interleaved partial sums (reference for tests; cheaper than the FFT for few lags, where
 * hc_spectral_ljung_box() uses it). Same shapes and errors, plus ENOMEM for its [n + L + 1]
 * workspace; no cache; thread-safe.
 */
int  hc_spectral_acf_direct(const double *x, int n, int L, double *acov, double *acf);

/**
 * Partial autocorrelations phi_kk, k = 1..L, from autocorrelations by the
 * Durbin-Levinson recursion (B&D Prop. 5.2.1 and Def. 3.4.2; R's pacf()):
 *   phi_kk = (rho_k - sum_{j<k} phi_{k-1,j} rho_{k-j}) / v_{k-1},
 *   phi_kj = phi_{k-1,j} - phi_kk phi_{k-1,k-j},  v_k = v_{k-1} (1 - phi_kk^2),  v_0 = 1.
 * @param acf   [L+1] autocorrelations with acf[0] = 1 (or autocovariances: the result
 *              is scale-free, acf[0] > 0 is divided out)
 * @param L     largest lag, L >= 1
 * @param pacf  [L+1] output indexed by lag: pacf[0] = 1 by convention, pacf[k] = phi_kk
 * @return 0, EINVAL (L < 1, NULL), EDOM (acf[0] <= 0, a non-finite value, or a sequence
 *         that is not positive definite: some v_k <= 0, k < L), ENOMEM (workspace).
 * Thread-safe.
 */
int  hc_spectral_pacf(const double *acf, int L, double *pacf);

/**
 * Periodogram at the Fourier frequencies f_j = j/n, j = 1..m with m = floor(n/2):
 *   I(f_j) = |sum_{t=0}^{n-1} (x_t - xbar) e^{-2 pi i f_j t}|^2 / n      (B&D (10.1.1)),
 * computed by one r2c transform of length n (any n; FFTW handles primes).
 * Units: units of x squared. Parseval (B&D Prop. 10.1.2 with I(0) = 0):
 *   sum_t (x_t - xbar)^2 = 2 sum_{j=1}^{m} I(f_j) - [n even] I(1/2).
 * @param c      plan cache (a plan of length n is created once and reused)
 * @param x      [n] series, n >= 2
 * @param freq   [m] frequencies j/n in cycles per observation, or NULL
 * @param pgram  [m] ordinates: pgram[j-1] = I(f_j)
 * @return 0, EINVAL (n < 2, NULL), EDOM (non-finite value), ENOMEM.
 * Not collective; uses the cache (one thread per cache).
 */
int  hc_spectral_periodogram(hc_fft_cache *c, const double *x, int n, double *freq, double *pgram);

/**
 * Dominant period of a periodogram from hc_spectral_periodogram(): the Fourier
 * frequency j* = argmax_j I(f_j), j = 1..floor(n/2) (first one on ties).
 * @param pgram   [floor(n/2)] ordinates
 * @param n       length of the series the periodogram was computed from, n >= 2
 * @param period  n / j*, observations per cycle (not rounded)
 * @param ratio   I(f_j*) / mean_j I(f_j): about log(m) + 0.58 for the largest of m
 *                ordinates of Gaussian white noise (Fisher 1929, Proc. R. Soc. A 125,
 *                54-59, g statistic times m); may be NULL
 * @return 0, EINVAL, EDOM (all ordinates zero or non-finite). Thread-safe.
 */
int  hc_spectral_dominant_period(const double *pgram, int n, double *period, double *ratio);

/**
 * Pick a seasonal period among the integer candidates p = min_period..max_period by
 * the F test for stable seasonality (one-way ANOVA of x on the phase t mod p; the
 * F_s test of X-11: Lothian, J. and Morry, M. (1978), "A test for the presence of
 * identifiable seasonality when using the X-11 program", Statistics Canada research
 * paper; Ladiray & Quenneville (2001), Seasonal Adjustment with the X-11 Method,
 * Springer, Sec. 4.2):
 *   F_p = (SS_between / (p-1)) / (SS_within / (n-p)).
 * The between sum of squares of the p phase means is the variance a period-p
 * component explains, i.e. the periodogram mass at the harmonics k/p, k = 1..floor(p/2)
 * (exactly when p divides n), so F_p is a harmonic-sum spectral test with its degrees
 * of freedom. Unlike the single largest periodogram peak, it is not fooled by a
 * harmonic (on the differenced airline series the largest peak is at period 6, but
 * F_12 = 86 against F_6 = 23); and multiples of the true period have about the same
 * SS_between with more degrees of freedom, hence a smaller F.
 * The period returned is argmax_p F_p (the smallest on ties). Under Gaussian white
 * noise F_p ~ F(p-1, n-p), mostly below 2; X-11 calls seasonality identifiable only
 * when F_s >= 7 (Lothian & Morry 1978): #HC_SPECTRAL_SEASONAL_F_MIN.
 * Cost O(n (max_period - min_period + 1)).
 * @param x           [n] series (e.g. first differences of a trending series)
 * @param min_period  smallest candidate, >= 2
 * @param max_period  largest candidate, min_period <= max_period <= n/2 (two cycles)
 * @param period      the best candidate p
 * @param strength    F_p of that candidate (+inf if x is exactly p-periodic); may be NULL
 * @return 0, EINVAL (bad range, NULL), EDOM (non-finite value or constant series),
 *         ENOMEM. Thread-safe.
 */
int  hc_spectral_detect_period(const double *x, int n, int min_period, int max_period,
                               int *period, double *strength);

/** F_s threshold of X-11 for identifiable seasonality (Lothian & Morry 1978). */
#define HC_SPECTRAL_SEASONAL_F_MIN 7.0

/**
 * Ljung-Box portmanteau statistic of x (Ljung & Box 1978, Biometrika 65, 297-303):
 *   Q(m) = n (n+2) sum_{k=1}^{m} r_k^2 / (n-k),
 * with r_k the sample autocorrelations (mean removed, as R's Box.test), and its asymptotic
 * p-value P(chi2_{df} > Q), df = m - fitted_params. The r_k are those of
 * hc_spectral_acf_direct() where its n (m + 1) multiply-adds are fewer than N log2 N for the
 * FFT length N of hc_spectral_acf() (e.g. m up to about 25 at n = 2,000), else of
 * hc_spectral_acf(); the two agree within 1e-12.
 * For ARMA(p,q) residuals use fitted_params = p+q (Box & Pierce 1970).
 * @param c              plan cache
 * @param x              [n] series or residuals, n >= 2
 * @param m              number of lags, 1 <= m <= n-1
 * @param fitted_params  parameters to subtract from the degrees of freedom, 0 <= fitted_params < m
 * @param q              statistic (dimensionless)
 * @param pvalue         upper tail probability; may be NULL
 * @return 0, EINVAL, EDOM (non-finite value or constant series), ENOMEM.
 * Not collective; uses the cache.
 */
int  hc_spectral_ljung_box(hc_fft_cache *c, const double *x, int n, int m, int fitted_params,
                           double *q, double *pvalue);

/**
 * McLeod-Li test for ARCH effects (McLeod, A.I. and Li, W.K. (1983), J. Time Series
 * Anal. 4, 269-273): the Ljung-Box statistic of the squared residuals e_t^2 (their
 * mean removed), with df = m - fitted_params. McLeod & Li show Q ~ chi2_m for the
 * squared residuals of a fitted ARMA model, so use fitted_params = 0 there; for the
 * standardised residuals of a fitted GARCH(p,q) a common choice is p+q (Li & Mak 1994).
 * Same arguments, shapes and errors as hc_spectral_ljung_box(), plus ENOMEM for the
 * [n] temporary of the squares.
 */
int  hc_spectral_mcleod_li(hc_fft_cache *c, const double *e, int n, int m, int fitted_params,
                           double *q, double *pvalue);

/**
 * Jarque-Bera normality test (Jarque, C.M. and Bera, A.K. (1987), Int. Stat. Rev. 55,
 * 163-172), as tseries::jarque.bera.test:
 *   JB = n/6 (S^2 + (K-3)^2/4),  S = m3 / m2^{3/2},  K = m4 / m2^2,  m_k = (1/n) sum (x_t - xbar)^k,
 * with p-value P(chi2_2 > JB) = exp(-JB/2).
 * @param x       [n] series, n >= 2
 * @param jb      statistic (dimensionless)
 * @param pvalue  upper tail probability; may be NULL
 * @return 0, EINVAL, EDOM (non-finite value or constant series). Thread-safe.
 */
int  hc_spectral_jarque_bera(const double *x, int n, double *jb, double *pvalue);

/**
 * Regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a),
 * a > 0, x >= 0: the series of P(a,x) for x < a+1, else the continued fraction of
 * Q by the modified Lentz method (Press et al. (2007), Numerical Recipes, 3rd ed.,
 * Sec. 6.2, gser/gcf), to relative accuracy ~1e-15 (less for a in the thousands,
 * through lgamma(a)).
 * @return Q(a, x) in [0, 1], or NaN if a <= 0, x < 0, or either is NaN.
 * Thread-safe for the value (glibc's lgamma also writes the global signgam).
 */
double hc_spectral_gamma_q(double a, double x);

/**
 * Regularized lower incomplete gamma function P(a, x) = 1 - Q(a, x), computed directly
 * (series for x < a+1, so small P keeps its relative accuracy; 1 - the continued fraction
 * otherwise). Same sources, domain and errors as hc_spectral_gamma_q(). Thread-safe.
 */
double hc_spectral_gamma_p(double a, double x);

/**
 * Chi-square upper tail probability P(chi2_df > x) = Q(df/2, x/2) (R's
 * pchisq(x, df, lower.tail = FALSE)); 1 for x <= 0.
 * @return the probability, or NaN if df <= 0 or an argument is NaN. Thread-safe as
 * hc_spectral_gamma_q().
 */
double hc_spectral_chi2_sf(double x, double df);

#endif
