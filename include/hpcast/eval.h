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

#endif
