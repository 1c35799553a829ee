/**
 * @file eval.h
 * @brief Forecast accuracy scores of the M4 competition: sMAPE, MASE and OWA for point
 *        forecasts, MSIS, coverage and ACD for prediction intervals, and the Naive (random
 *        walk) benchmark with its normal prediction intervals.
 *
 * Pure numerics over arrays: no MPI, no HDF5, no file I/O, no global state. Not collective.
 * Source of the definitions: Makridakis, Spiliotis & Assimakopoulos (2020), "The M4
 * Competition: 100,000 time series and 61 forecasting methods", Int. J. Forecasting
 * 36(1) 54-74, its section on performance measures (point forecasts and prediction
 * intervals), and the benchmark R code of the competition ("Benchmarks and Evaluation.R",
 * repository Mcompetitions/M4-methods). Interval score: Gneiting & Raftery (2007), "Strictly proper
 * scoring rules, prediction, and estimation", JASA 102(477) 359-378, eq. (43).
 *
 * Undefined scores are NaN, never an error: a zero denominator (|y| + |f| = 0 in sMAPE, a
 * constant in-sample series for the MASE/MSIS scale), a non-finite input, or h < 1.
 */
#ifndef HPCAST_EVAL_H
#define HPCAST_EVAL_H

#include <petscsys.h>
#include "hpcast/core.h"
#include "hpcast/models.h"

/** The scores of one series over its horizon h (point and interval forecasts). */
typedef struct {
  double smape;   /**< percent, in [0, 200] */
  double mase;    /**< mean absolute error over the in-sample naive scale */
  double msis;    /**< mean scaled interval score */
  int    covered; /**< horizons with lo <= y <= hi */
  int    h;       /**< horizons scored */
} hc_eval_scores;

/** Scores of a whole set of series (means over the series whose scores are finite). */
typedef struct {
  int    n_series;  /**< series averaged (finite sMAPE, MASE and MSIS) */
  int    n_skipped; /**< series left out because one of their scores is NaN */
  double smape;     /**< mean sMAPE, percent */
  double mase;      /**< mean MASE */
  double msis;      /**< mean MSIS */
  double coverage;  /**< covered horizons / scored horizons, pooled over the averaged series */
  double acd;       /**< |coverage - level| */
} hc_eval_summary;

/**
 * Symmetric mean absolute percentage error of forecasts f[0..h-1] of outcomes y[0..h-1]:
 * sMAPE = (200 / h) sum_t |y_t - f_t| / (|y_t| + |f_t|), percent (M4 paper).
 * @return sMAPE in [0, 200], or NaN if h < 1, an input is not finite, or some
 *         |y_t| + |f_t| = 0 (0/0; the M4 R code yields NaN there too).
 */
double hc_eval_smape(const double *y, const double *f, int h);

/**
 * Scale of MASE and MSIS: mean absolute seasonal-naive error in sample,
 * (1 / (n - m)) sum_{t=m}^{n-1} |x_t - x_{t-m}| (M4 paper; m = 1 for Weekly in M4).
 * @param x in-sample series x[0..n-1]
 * @param m seasonal period >= 1
 * @return the scale, or NaN if n <= m, m < 1 or an input is not finite. A constant series
 *         gives 0 (the scores divided by it are then NaN).
 */
double hc_eval_mase_scale(const double *x, int n, int m);

/**
 * Mean absolute scaled error: MASE = (1 / h) sum_t |y_t - f_t| / scale, scale from
 * hc_eval_mase_scale (M4 paper; Hyndman & Koehler 2006, Int. J. Forecasting 22(4) 679-688).
 * @return MASE, or NaN if h < 1, an input is not finite, or scale is not > 0.
 */
double hc_eval_mase(const double *y, const double *f, int h, double scale);

/**
 * Mean scaled interval score of the central (1 - alpha) intervals [lo_t, hi_t]:
 * MSIS = (1 / h) sum_t [ (hi_t - lo_t) + (2/alpha)(lo_t - y_t) 1{y_t < lo_t}
 *                                      + (2/alpha)(y_t - hi_t) 1{y_t > hi_t} ] / scale,
 * the interval score of Gneiting & Raftery (2007) eq. (43) scaled like MASE (M4 paper;
 * alpha = 0.05 for the M4 95% intervals).
 * @return MSIS, or NaN if h < 1, alpha not in (0,1), an input is not finite, or scale is not > 0.
 */
double hc_eval_msis(const double *y, const double *lo, const double *hi, int h, double alpha, double scale);

/**
 * Number of outcomes inside their interval, lo_t <= y_t <= hi_t (bounds included, consistent
 * with the strict inequalities of the MSIS penalty). Non-finite values count as not covered.
 * @return count in [0, h] (0 if h < 1).
 */
int hc_eval_covered(const double *y, const double *lo, const double *hi, int h);

/**
 * All scores of one series: sMAPE, MASE and MSIS (scale hc_eval_mase_scale(x, n, m)) and
 * coverage count, for the point forecasts f, the (1 - alpha) intervals [lo, hi] and the
 * outcomes y, all of length h. Undefined scores are NaN (see the functions above).
 */
void hc_eval_series(const double *x, int n, int m, const double *y, const double *f, const double *lo,
                    const double *hi, int h, double alpha, hc_eval_scores *s);

/**
 * Average the scores of n series the M4 way: sMAPE, MASE and MSIS are means over the
 * series, coverage pools every horizon of every series (M4 paper), and
 * ACD = |coverage - level| over the whole set. Series with a NaN score are left out of
 * every mean and counted in n_skipped (M4 had none: its data have no zero-scale series).
 * @param level nominal coverage of the intervals, e.g. 0.95
 * Every mean is NaN when no series is left.
 */
void hc_eval_summarize(const hc_eval_scores *s, int n, double level, hc_eval_summary *out);

/**
 * Overall weighted average relative to the Naive2 benchmark (M4 paper):
 * OWA = (sMAPE / sMAPE_Naive2 + MASE / MASE_Naive2) / 2, computed from the set-level means.
 * @return OWA, or NaN if a benchmark score is not > 0 or an input is not finite.
 */
double hc_eval_owa(double smape, double mase, double smape_naive2, double mase_naive2);

/**
 * Naive (random walk, "Naive 1" of M4) forecasts of x[0..n-1]: f_h = x_{n-1}, h = 1..H, with
 * the normal (1 - alpha) intervals f_h -+ z_{1-alpha/2} sigma sqrt(h), where
 * sigma^2 = (1/(n-1)) sum_{t=1}^{n-1} (x_t - x_{t-1})^2 is the mean squared one-step residual
 * of the random walk without drift; this is the interval of R forecast::naive() (rwf without
 * drift), the code of the M4 benchmark. For non-seasonal data (period 1, e.g. M4 Weekly)
 * Naive2 (naive on the seasonally adjusted series) is this same forecast.
 * @param f, lo, hi output arrays of H values
 * @return 0, or 1 if n < 2, H < 1, alpha not in (0,1) or a value of x is not finite (the
 *         outputs are then NaN).
 */
int hc_eval_naive(const double *x, int n, int H, double alpha, double *f, double *lo, double *hi);

/* ======================================================================================
 * Probabilistic forecasts and their scores (probabilistic.c; definitions in docs/scores.md)
 * ====================================================================================== */

/** A location-scale predictive distribution: Y = mean + sd Z, Z ~ law (standardized). */
typedef struct {
  double       mean; /**< location, units of y */
  double       sd;   /**< scale > 0, units of y */
  hc_dist_eval law;  /**< prepared standardized law of Z (hc_dist_prepare) */
} hc_pred;

/**
 * A finite mixture (linear pool) of k location-scale predictive distributions with weights
 * w[0..k-1] >= 0 summing to one: F(y) = sum_i w_i F_i(y). A single model is k = 1, w = {1}.
 */
typedef struct {
  int            k;
  const double  *w;    /**< [k] */
  const hc_pred *comp; /**< [k] */
} hc_mixture;

/** CDF, log-density and quantile (root of F(y) = p by bracketing + safeguarded Newton,
 * |F(y) - p| < 1e-12 or a bracket of relative width 1e-12) of a mixture. NaN for p outside (0,1). */
double hc_mixture_cdf(const hc_mixture *f, double y);
double hc_mixture_logpdf(const hc_mixture *f, double y);
double hc_mixture_quantile(const hc_mixture *f, double p);
/** Mean and standard deviation of a mixture: sum w_i m_i and sqrt(sum w_i (s_i^2 + m_i^2) - mean^2). */
void   hc_mixture_moments(const hc_mixture *f, double *mean, double *sd);

/**
 * Continuous ranked probability score CRPS(F, y) = int (F(x) - 1{x >= y})^2 dx
 * (Gneiting & Raftery 2007, eq. 20), units of y. Closed forms for one normal component
 * (Gneiting et al. 2005, Mon. Weather Rev. 133, eq. 5) and one standardized Student-t
 * component (Jordan, Krueger & Lerch 2019, J. Stat. Softw. 90(12), sec. on the t family);
 * otherwise numerical quadrature of the integral (hc_crps_matrix).
 */
double hc_crps(const hc_mixture *f, double y);
/**
 * The k x k matrix A (row-major) of the quadratic form CRPS(sum_i w_i F_i, y) = w' A w for
 * any weights on the simplex: A_ij = int (F_i(x) - 1{x >= y}) (F_j(x) - 1{x >= y}) dx, by
 * Gauss-Legendre quadrature on [y - L, y] and [y, y + U] after a tail-compressing change of
 * variable (relative accuracy about 1e-8 for the laws of models.h).
 * @return 0, or 1 if a component has sd <= 0 or a non-finite parameter.
 */
int hc_crps_matrix(int k, const hc_pred *comp, double y, double *A);
/** Interval score of the central (1 - alpha) interval [lo, hi] at y (Gneiting & Raftery 2007, eq. 43). */
double hc_interval_score(double lo, double hi, double y, double alpha);
/** Pinball (quantile) loss of quantile q at level tau: (1{y < q} - tau)(q - y). */
double hc_pinball(double q, double y, double tau);
/**
 * Kolmogorov-Smirnov distance sup |F_n(u) - u| of the PIT values u[0..n-1] (in [0,1]) to the
 * uniform law; u is sorted in place. @return D in [0,1], NaN if n < 1.
 */
double hc_pit_ks(double *u, int n);
/**
 * calibration_score = max(0, 1 - D_KS - ACE), D_KS the PIT KS distance and ACE the mean over
 * the HC_N_COVER levels of |coverage_l - level_l| (docs/scores.md). NaN if an input is NaN.
 */
double hc_calibration_score(double pit_ks, const double coverage[HC_N_COVER]);

/**
 * Accumulator of the scores of one forecaster at one horizon (hc_score_row). Holds the PIT
 * values (room for n_max forecasts) for the KS distance.
 */
typedef struct {
  int     n, n_max;
  double  sse, sae, hits, n_dir;
  double  covered[HC_N_COVER], is95, crps, logs, pinball[HC_N_PINBALL];
  double *pit; /**< [n_max] */
} hc_score_acc;

/** Allocate for n_max forecasts. @return 0 or ENOMEM. */
int  hc_score_acc_init(hc_score_acc *a, int n_max);
void hc_score_acc_free(hc_score_acc *a);
/**
 * Add one forecast f of outcome y. Direction: a hit when (mean(f) - ref)(y - ref) > 0, with
 * ref the value the direction is taken from (0 for returns, the last observation for levels);
 * outcomes or forecasts equal to ref are not counted in the hit rate. Non-finite y is ignored.
 */
void hc_score_acc_add(hc_score_acc *a, const hc_mixture *f, double y, double ref);
/** Finish: fill every score field of row (not model/horizon) from a; mase_scale scales MASE and MSIS. */
void hc_score_acc_finish(const hc_score_acc *a, double mase_scale, hc_score_row *row);

/* ======================================================================================
 * Ensemble weights (ensemble.c)
 * ====================================================================================== */

/** Weighting schemes of the ensemble (-ensemble). */
typedef enum { HC_ENS_EQUAL = 0, HC_ENS_INVMSE, HC_ENS_AKAIKE, HC_ENS_STACKING, HC_ENS_COUNT } hc_ensemble_scheme;
/** Parse "equal", "invmse", "akaike", "stacking". @return 0, or 1 if unknown. */
int         hc_ensemble_parse(const char *name, hc_ensemble_scheme *s);
const char *hc_ensemble_name(hc_ensemble_scheme s);

/** Equal weights 1/k. */
void hc_ensemble_equal(int k, double *w);
/** Inverse-MSE weights w_i proportional to 1/mse_i over the members with finite mse_i > 0
 * (Bates & Granger 1969); others get 0. @return 0, or 1 if no member qualifies (w equal). */
int  hc_ensemble_invmse(int k, const double *mse, double *w);
/** Akaike weights w_i proportional to exp(-(ic_i - min ic) / 2) over finite ic_i (Burnham &
 * Anderson 2002, sec. 2.9). @return 0, or 1 if none finite (w equal). */
int  hc_ensemble_akaike(int k, const double *ic, double *w);
/**
 * CRPS-optimal stacking weights: minimise (1/T) sum_t w' A_t w over the simplex (Hall & Mitchell
 * 2007; Yao et al. 2018 with the CRPS), A = mean of the hc_crps_matrix of each past forecast,
 * given as the k x k matrix A (row-major), solved with TAO (bounded quasi-Newton on
 * PETSC_COMM_SELF); weights >= 0 summing to one, |w_i| < 1e-10 set to 0.
 * Not collective. Errors: fatal PETSc errors only; a singular or non-finite A gives equal weights.
 */
PetscErrorCode hc_ensemble_stacking(int k, const double *A, double *w);

/* ======================================================================================
 * Trading evaluation (trading.c; definitions in docs/trading.md)
 * ====================================================================================== */

/** Options of the signal. */
typedef struct {
  double cost_bps;  /**< transaction cost per unit of turnover, basis points (-cost_bps) */
  double max_leverage; /**< cap on |position| (default 1) */
  double kelly_fraction; /**< fraction of the Kelly position mu / sigma^2 (default 0.5) */
  double periods_per_year; /**< annualisation (252 for daily data) */
} hc_trading_options;

/** Defaults: cost 5 bps, leverage cap 1, half Kelly, 252 periods per year. */
void hc_trading_options_default(hc_trading_options *o);

/**
 * Position held over the next period from the one-step forecast of a percent log return:
 * clamp(kelly_fraction * 100 mu / sigma^2, -max_leverage, max_leverage), mu and sigma in
 * percent (the volatility-targeted Kelly position; Kelly 1956, Thorp 2006). 0 if sigma <= 0 or
 * an input is not finite.
 */
double hc_trading_position(const hc_trading_options *o, double mu, double sigma);

/** Performance of a strategy return series (one row of /backtest/trading). */
typedef struct {
  int    n;              /**< periods */
  double cum_return;     /**< prod(1 + r_t) - 1 */
  double sharpe;         /**< sqrt(P) mean(r) / sd(r) (zero risk-free rate) */
  double sortino;        /**< sqrt(P) mean(r) / downside deviation (target 0) */
  double calmar;         /**< annualised return / max drawdown */
  double max_drawdown;   /**< largest peak-to-trough fall of the wealth curve, in [0,1] */
  double hit_rate;       /**< fraction of periods with r_t > 0 among periods with r_t != 0 */
  double profit_factor;  /**< sum of gains / sum of losses */
  double turnover;       /**< mean |position_t - position_{t-1}| per period */
} hc_trading_metrics;

/**
 * Strategy returns net of costs: r_t = pos_t (exp(y_t / 100) - 1) - cost_bps 1e-4 |pos_t - pos_{t-1}|
 * (pos_{-1} = 0), y_t the percent log return of the asset over period t and pos_t the
 * position decided at the start of period t. r has room for n.
 */
void hc_trading_returns(const hc_trading_options *o, const double *pos, const double *y, int n, double *r);
/** Metrics of the strategy returns r[0..n-1] with positions pos[0..n-1] (for the turnover). */
void hc_trading_evaluate(const hc_trading_options *o, const double *r, const double *pos, int n, hc_trading_metrics *m);

/**
 * Regime label at the last date: volatility regime from the percentile of the last conditional
 * sd among sigma[0..n-1] ("low" < 1/3, "high" > 2/3, else "normal") and trend from the drift
 * estimate and its standard error ("up" if drift / se > 1.96, "down" if < -1.96, else "flat"),
 * written as "<vol>-vol/<trend>" (e.g. "high-vol/flat") into label. "unknown" if n < 1 or inputs are NaN.
 */
void hc_trading_regime(const double *sigma, int n, double drift, double drift_se, char *label, size_t len);

#endif
