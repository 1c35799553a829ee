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

/**
 * Diebold-Mariano test of equal predictive accuracy of two forecasters from their loss
 * differential d[0..n-1] (d_t = L(forecast 1, y_t) - L(forecast 2, y_t), e.g. two CRPS series),
 * with the small-sample correction of Harvey, Leybourne & Newbold (1997):
 *   dbar = (1/n) sum d_t, gamma_k = (1/n) sum_{t=k}^{n-1} (d_t - dbar)(d_{t-k} - dbar),
 *   V = (gamma_0 + 2 sum_{k=1}^{h-1} gamma_k) / n   (the h-step forecast errors are MA(h-1)),
 *   DM = dbar / sqrt(V) (Diebold & Mariano 1995, J. Business & Economic Statistics 13(3)
 *   253-263, eq. 8 with the truncated uniform-kernel long-run variance),
 *   stat = DM sqrt((n + 1 - 2h + h(h-1)/n) / n) (Harvey, Leybourne & Newbold 1997, Int. J.
 *   Forecasting 13(2) 281-291, eq. 9), compared with Student's t with n - 1 degrees of freedom:
 *   p = 2 F_t(-|stat|; n - 1) (two-sided; F_t is hc_t_cdf).
 * This is R forecast::dm.test(e1, e2, h = h, power = 1) (its default varestimator "acf") when
 * |e1| - |e2| = d, e.g. e1 and e2 the two loss series when they are >= 0.
 * stat < 0: forecaster 1 has the lower mean loss.
 * @param d  loss differential, n finite values
 * @param h  forecast horizon >= 1
 * @return 0; or 1, with *stat = *p = NaN, if n < 2, h < 1, h >= n, a d_t is not finite, or
 *         V <= 0 (d constant; R stops there for h = 1 and retries h = 1 for h > 1). Not collective.
 */
int hc_dm_test(const double *d, int n, int h, double *stat, double *p);

/**
 * Add the Diebold-Mariano verdict of one result to the universe's counts (hc_dm_counts in
 * core.h): a ticker with a finite r->dm_p is tested; at the 5 % level (dm_p < 0.05) its
 * ensemble is better if dm_stat < 0 (lower mean CRPS), the benchmark if dm_stat > 0. Callers
 * add the results in ticker order (the main job and hpcast merge). Not collective.
 */
void hc_dm_tally(hc_dm_counts *c, const hc_result *r);

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

/** CDF, log-density and quantile of a mixture (components with w_i = 0 are skipped). The
 * quantile of one component is mean + sd hc_dist_quantile(p); of a mixture, the root of
 * F(y) = p by safeguarded Newton from the moment-matched normal quantile inside the Cantelli
 * bracket [mu - sigma sqrt((1-p)/p), mu + sigma sqrt(p/(1-p))], to |F(y) - p| < 1e-12 or a
 * bracket of relative width 1e-12. NaN for p outside (0,1). */
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
 * any weights on the simplex: A_ij = int (F_i(x) - 1{x >= y}) (F_j(x) - 1{x >= y}) dx
 * (symmetric, positive semidefinite), by Gauss-Legendre quadrature (16 nodes per panel) after
 * the tail-compressing change of variable x = b + a sinh(v), with panel breaks at y, at the
 * modes of skewed-t and GED components, and around the core (mean +- 6 sd) of a component that
 * one panel would cross in more than 4 sd (narrow and far from b; docs/scores.md). Measured
 * relative accuracy: 2e-12 against R integrate(); 3e-8 in the worst random case tried (t with nu
 * near 2, member means 2 sd apart); a narrow normal 14 sd from a wide one: 1e-9 against its
 * closed form.
 * @return 0, 1 if y or a component parameter is not finite or an sd is not > 0 (A is then
 *         NaN), or ENOMEM (k > 16 needs a work array of k doubles).
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

/** Allocate for n_max forecasts (forecasts added beyond n_max are ignored). @return 0 or ENOMEM. */
int  hc_score_acc_init(hc_score_acc *a, int n_max);
void hc_score_acc_free(hc_score_acc *a);
/**
 * Add one forecast f of outcome y. Direction: a hit when (mean(f) - ref)(y - ref) > 0, with
 * ref the value the direction is taken from (0 for returns, the last observation for levels);
 * outcomes or forecasts equal to ref are not counted in the hit rate. Non-finite y is ignored.
 */
void hc_score_acc_add(hc_score_acc *a, const hc_mixture *f, double y, double ref);
/** Room for the quantile levels of hc_score_levels. */
#define HC_SCORE_MAX_LEVELS (2 * HC_N_COVER + 2 + HC_N_PINBALL)
/**
 * The quantile levels that hc_score_acc_add evaluates, sorted and distinct, into
 * lv[HC_SCORE_MAX_LEVELS]: both ends of the central intervals of hc_cover_levels and of the 95%
 * interval score, and hc_pinball_levels. @return their number.
 */
int hc_score_levels(double *lv);
/** What a caller of hc_score_acc_add_known may already know about a forecast. */
typedef struct {
  double        crps; /**< CRPS of f at y, e.g. w' A w from one hc_crps_matrix shared by several mixtures of
                           the same components; NaN: computed by hc_crps */
  const double *zq;   /**< [f->k * HC_SCORE_MAX_LEVELS] row i: the standardized quantiles of component i's law
                           (hc_dist_quantile) at the levels of hc_score_levels; NULL: not known */
} hc_score_known;
/**
 * hc_score_acc_add with known parts of the work (kn may be NULL). With zq, a component's
 * quantile is mean + sd z (no root finding), and a mixture's quantile is found by the safeguarded
 * Newton iteration of hc_mixture_quantile inside the bracket [min_i q_i, max_i q_i] of its
 * components' quantiles, from their weighted mean. Same tolerances as hc_mixture_quantile.
 */
void hc_score_acc_add_known(hc_score_acc *a, const hc_mixture *f, double y, double ref, const hc_score_known *kn);
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
 * given as the k x k matrix A (row-major), solved by hc_minimize_bounded of models (TAO BLMVM on
 * PETSC_COMM_SELF) on the scale-free parametrisation w = v / sum(v), v >= 0, from v = 1/k
 * (grtol 1e-14, gatol = gttol = 0, at most 1000 iterations, options prefix -ensemble_); weights >= 0
 * summing to one, w_i < 1e-10 set to 0 and the rest renormalised.
 * Not collective. Errors: fatal PETSc errors only; a non-finite A or a diagonal entry not > 0
 * gives equal weights; a singular A (e.g. two identical members) has several minimisers and
 * one of them is returned.
 */
PetscErrorCode hc_ensemble_stacking(int k, const double *A, double *w);

/* ======================================================================================
 * Trading evaluation (trading.c; definitions in docs/trading.md)
 * ====================================================================================== */

/** Options of the signal. */
typedef struct {
  double cost_bps;  /**< transaction cost per unit of turnover, basis points (-cost_bps) */
  double max_leverage; /**< cap on |position| (default 1; INFINITY: no cap) */
  double kelly_fraction; /**< fraction of the Kelly position mu / sigma^2 (default 0.5) */
  double periods_per_year; /**< annualisation P (252 for daily data) */
} hc_trading_options;

/** Defaults: cost 5 bps, leverage cap 1, half Kelly, 252 periods per year. */
void hc_trading_options_default(hc_trading_options *o);

/**
 * Position held over the next period (fraction of wealth, negative = short) from the one-step
 * forecast mean mu and sd sigma of a percent log return:
 * clamp(kelly_fraction * 100 mu / sigma^2, -max_leverage, max_leverage). 100 mu / sigma^2 is
 * the growth-optimal fraction m / s^2 with m = mu / 100 and s = sigma / 100 in decimal units
 * (Kelly 1956, Bell Syst. Tech. J. 35(4) 917-926; its continuous-time form in Thorp 2006, "The
 * Kelly criterion in blackjack, sports betting and the stock market", Handbook of Asset and
 * Liability Management vol. 1, ch. 9; zero risk-free rate). Returns 0 if sigma <= 0, mu, sigma
 * or kelly_fraction is not finite, max_leverage is NaN or negative, or the fraction is 0/0
 * (a zero numerator with sigma^2 underflowing). Not collective.
 */
double hc_trading_position(const hc_trading_options *o, double mu, double sigma);

/* hc_trading_metrics (one row of /backtest/trading) is defined in core.h. */

/**
 * Strategy returns net of costs, decimal (0.01 = 1 % of wealth):
 * r_t = pos_t (exp(y_t / 100) - 1) - cost_bps 1e-4 |pos_t - pos_{t-1}|, t = 0..n-1,
 * pos_{-1} = 0 (the entry is paid, the final exit is not), y_t the percent log return of the
 * asset over period t and pos_t the position decided at the start of period t (from
 * information up to t-1). The cost is proportional to the change of the target weight
 * (the drift of the weight within a period is ignored); docs/trading.md. A non-finite y_t or
 * pos_t gives a NaN r_t (and pos_t also a NaN r_{t+1}). pos, y, r have room for n; nothing is
 * written if n < 1. Not collective.
 */
void hc_trading_returns(const hc_trading_options *o, const double *pos, const double *y, int n, double *r);
/**
 * Metrics of the decimal strategy returns r[0..n-1] with positions pos[0..n-1] (docs/trading.md).
 * P = periods_per_year, W_0 = 1, W_t = prod_{s<=t} (1 + r_s):
 *  - cum_return = W_n - 1;
 *  - sharpe = sqrt(P) mean(r) / sd(r), sd with divisor n - 1, zero risk-free rate (Sharpe 1966,
 *    J. Business 39(1) 119-138; ex-post ratio of Sharpe 1994, J. Portfolio Management 21(1)
 *    49-58; sqrt(P) annualisation as in Lo 2002, Financial Analysts J. 58(4) 36-52);
 *  - sortino = sqrt(P) mean(r) / DD, downside deviation DD = sqrt(mean(min(r_t, 0)^2)) over all
 *    n periods, target 0 (Sortino & van der Meer 1991, J. Portfolio Management 17(4) 27-31);
 *  - max_drawdown = max_t (1 - W_t / max_{s<=t} W_s), t = 0..n: the maximum drawdown of
 *    Magdon-Ismail & Atiya (2004, Risk 17(10) 99-102) taken relative to the running peak of the
 *    wealth (W_0 = 1 is a peak, so a first-period loss counts); in [0,1] while the wealth stays
 *    positive, > 1 if it falls below 0;
 *  - calmar = A / max_drawdown with the annualised return A = W_n^(P/n) - 1 (A = -1 if W_n <= 0),
 *    over the whole sample (Young 1991, "Calmar ratio: a smoother tool", Futures 20(1) 40, uses
 *    the last 36 months);
 *  - hit_rate = #{r_t > 0} / #{r_t != 0};
 *  - profit_factor = sum_{r_t > 0} r_t / sum_{r_t < 0} |r_t| (gross profit over gross loss);
 *  - turnover = (1/n) sum_t |pos_t - pos_{t-1}|, pos_{-1} = 0 (the turnover the costs are
 *    charged on).
 * Undefined values are NaN, never INFINITY or an error: every metric if n < 1 (m->n = 0) or a
 * return is not finite (then only turnover is computed); sharpe if n < 2 or sd = 0 (a constant
 * series); sortino if no return is negative; calmar if max_drawdown = 0; sharpe, sortino and
 * calmar unless P is finite and > 0; hit_rate if every r_t = 0; profit_factor if no return is
 * negative (NaN rather than +inf: the same rule as the other ratios, and means over tickers
 * stay finite); turnover if pos is NULL or a position is not finite. Not collective.
 */
void hc_trading_evaluate(const hc_trading_options *o, const double *r, const double *pos, int n, hc_trading_metrics *m);

/**
 * The comparison of strategy returns r[0..n-1] (m filled by hc_trading_evaluate from r) with the
 * buy-and-hold returns b[0..n-1] of the same asset over the same periods (docs/trading.md; the
 * backtest takes b from hc_trading_returns with every position 1: long one unit, the entry cost
 * paid in the first period, none after): m->bh_sharpe = the Sharpe ratio of b
 * (as hc_trading_evaluate's), m->excess_sharpe = m->sharpe - m->bh_sharpe, and
 * m->information_ratio = sqrt(P) mean(r - b) / sd(r - b), sd with divisor n - 1, P =
 * periods_per_year (the ex-post information ratio: Grinold & Kahn 2000, "Active Portfolio
 * Management", 2nd ed., ch. 5; the Sharpe ratio of the differential return, Sharpe 1994, J.
 * Portfolio Management 21(1) 49-58). NaN under the conditions of the Sharpe ratio (n < 2, a value
 * not finite, sd 0, P not finite and > 0). Not collective. @return 0, or ENOMEM (m unchanged).
 */
int hc_trading_compare(const hc_trading_options *o, const double *r, const double *b, int n, hc_trading_metrics *m);

/**
 * Regime label at the last date: volatility regime from the mid-rank percentile
 * p = (#{sigma_i < sigma_{n-1}} + #{sigma_i = sigma_{n-1}} / 2) / n of the last conditional sd
 * among sigma[0..n-1] (the mid-distribution function of Parzen 2004, Statistical Science 19(4)
 * 652-662; p = 1/2 for n = 1 or a constant history): "low" if p < 1/3, "high" if p > 2/3,
 * else "normal" (compared exactly, in integer counts); and trend from the drift estimate and
 * its standard error, z = drift / drift_se: "up" if z > 1.96, "down" if z < -1.96, else "flat"
 * (two-sided 5 % test of zero drift). Written as "<vol>-vol/<trend>" (e.g. "high-vol/flat")
 * into label, NUL-terminated and truncated to len - 1 characters (len >= 16 holds every
 * label; nothing is written if label is NULL or len = 0). "unknown" if n < 1, a sigma_i,
 * drift or drift_se is not finite, or drift_se <= 0. Not collective.
 */
void hc_trading_regime(const double *sigma, int n, double drift, double drift_se, char *label, size_t len);

/* ======================================================================================
 * Rolling-origin backtest and the live ensemble forecast (backtest.c)
 * ====================================================================================== */

/** Options of the backtest (-backtest_origins, -refit_every, -window, -ensemble, -cost_bps). */
typedef struct {
  int                origins;     /**< K: forecast origins, the last K observations (0: no backtest) */
  int                refit_every; /**< m >= 1: parameters re-estimated every m origins */
  int                window;      /**< 0: expanding window; N > 0: rolling window of the last N observations */
  int                n_schemes;   /**< weighting schemes to evaluate, 1..HC_ENS_COUNT */
  hc_ensemble_scheme scheme[HC_ENS_COUNT];
  int                returns;     /**< 1: y are percent log returns (directions from 0; trading evaluated) */
  hc_trading_options trading;
  const char       (*labels)[HC_LABEL_LEN]; /**< [n] labels (dates) of y, or NULL */
} hc_backtest_options;

/** Defaults: 250 origins, refit every 20, expanding window, all four schemes, returns, default trading. */
void hc_backtest_options_default(hc_backtest_options *o);

/*
 * The per-ticker flow after the selection (app/pipeline.c calls these steps in this order):
 *  1. hc_backtest_plan: the origins t = n-K .. n-1 and the first window [w_first, T0);
 *  2. the candidates selected again on the first window only (hc_select_candidates on
 *     y[w_first..T0-1]: the model structure, too, is chosen without the future);
 *  3. hc_backtest_create and hc_backtest_run: the rolling-origin backtest and its scores;
 *  4. hc_ensemble_weights: each scheme's weights on the whole backtest, mapped onto the
 *     whole-sample candidates;
 *  5. hc_ensemble_forecast: the live forecast of the reported ensemble;
 *  6. hc_backtest_trading: the trading signal over the backtest and the regime label.
 * Evaluation design: Tashman (2000), Int. J. Forecasting 16(4) 437-450 (rolling origin,
 * recalibrated parameters); linear pool: Stone (1961), Gneiting & Ranjan (2013) Electron. J.
 * Stat. 7 1747-1782. Every failure is a status or reason in r, never an error; the errors are
 * fatal PETSc and allocation errors only. None of these is collective.
 */

/**
 * Model name of the no-skill benchmark's rows in r->scores (/backtest/scores): the constant-mean
 * model ARMA(0,0) (the constant's estimate is the window's mean) with the volatility model of the
 * candidate selected on the first backtest window (none without one), refitted on the members'
 * schedule and windows; it is not a member of any ensemble (docs/scores.md).
 */
#define HC_BENCHMARK_NAME "benchmark:constant-mean"

/** The state of one backtest (members, scores, weights, 1-step ensemble history). */
typedef struct hc_backtest hc_backtest;

/**
 * The backtest's plan for n observations: K = min(bo->origins, n/2) origins t = T0..n-1 with
 * T0 = n - K, and the first estimation window [w_first, T0) (w_first > 0 for a rolling window).
 * @return 1 if a backtest runs; 0 if not (fewer than 20 origins, or -backtest_origins 0), with
 *         the reason in reason[len] when reason is not NULL.
 */
int hc_backtest_plan(int n, const hc_backtest_options *bo, int *T0, int *w_first, char *reason, size_t len);

/**
 * Set up the backtest of a series of n observations from the candidates c0 selected on its first
 * window (their fits in first->fits; nothing if first failed): a member for each candidate that
 * fitted, with its model (hc_model_law gives its predictive law mean_h + sd_h Z), H horizons and
 * the scores' accumulators. bo must outlive *b.
 */
PetscErrorCode hc_backtest_create(const hc_candidates *c0, const hc_result *first, int n, int T0, int w_first,
                                  const hc_backtest_options *bo, int H, hc_backtest **b);
/** Number of members of the backtest (0: hc_backtest_run records why in r->bt_reason). */
int hc_backtest_members(const hc_backtest *b);
/**
 * The rolling-origin backtest over origins t = T0..n-1 (a forecast at origin t uses y[w0..t-1]
 * only): every refit_every origins each member is re-estimated on its window starting from its
 * previous estimate; between refits the forecasts filter the new observations with the
 * parameters fixed. Ensembles: the linear pool of the members with the weights of each scheme
 * estimated from the origins before t only (equal until the first re-estimation; Akaike weights
 * from the members' current fits, among the members whose likelihood is that of y; inverse MSE
 * and CRPS stacking from the 1-step forecasts already scored), re-estimated at every refit.
 * Scores of every member and ensemble at h = 1..H go to r->scores; the scheme of lowest mean
 * 1-step CRPS is the reported one (its 1-step scores in r's summary fields). The no-skill
 * benchmark (HC_BENCHMARK_NAME: fitted on the first window before the first origin and refitted
 * with the members, or a member's forecasts when a member is that model) is scored too, in the
 * last H rows, outside every ensemble; r->crps_bench_1 is its mean 1-step CRPS and r->dm_stat,
 * r->dm_p the Diebold-Mariano test (hc_dm_test, h = 1) of d_t = CRPS_ensemble,t - CRPS_bench,t over
 * the origins where both were scored. ws: the refits' solvers (hc_fit), or NULL.
 */
PetscErrorCode hc_backtest_run(hc_backtest *b, const double *y, int n, const hc_select_options *sel, hc_fit_workspace *ws,
                               hc_result *r);
/**
 * After hc_backtest_run: each scheme's weights re-estimated on the whole backtest (Akaike from
 * the whole-sample fits) mapped onto the whole-sample candidates c that fitted (by candidate
 * index) into r->weights and r->member, and the parameter stability of the selected
 * candidate's member. Nothing if no ensemble could be scored.
 */
PetscErrorCode hc_ensemble_weights(hc_backtest *b, const hc_candidates *c, hc_result *r);
/**
 * After hc_ensemble_weights: the member forecasts of the whole-sample candidates c on y[0..n-1]
 * (r->member_mean, member_sd) and the reported ensemble's mixture (mean, sd and quantiles) in
 * r's forecast tables, r->ensemble and r->model_uncertainty. Nothing if no ensemble was scored.
 */
PetscErrorCode hc_ensemble_forecast(const hc_backtest *b, const double *y, int n, const hc_select_options *sel,
                                    const hc_candidates *c, hc_result *r);
/**
 * The live ensemble's forecast of y[0..n-1] without a backtest: the member forecasts of the
 * candidates c that fitted, with their fits in r (r->member_mean, member_sd; r->member must list
 * them in candidate order, as hc_ensemble_weights does), and the mixture of scheme's weights
 * r->weights (mean, sd and the 80/95 % quantiles) into r's forecast tables, r->ensemble and
 * r->model_uncertainty; the forecast tables stay NaN if a weighted member's forecast is not
 * finite. hc_ensemble_forecast is this with the backtest's reported scheme; a daily update calls
 * it with the report's. Not collective.
 */
PetscErrorCode hc_ensemble_pool(const double *y, int n, const hc_select_options *sel, const hc_candidates *c, hc_ensemble_scheme scheme,
                                hc_result *r);
/**
 * A daily update's step (no fit): extend the 1-step track of r (r->onestep, r->strategy, as a
 * backtest left it) by the origins t = n0..n-1 of y: the outcome y[t] forecast from y[0..t-1]
 * by the live ensemble of r (the candidates c with their fits in r, the weights of scheme
 * r->ensemble), each member's filter run once over y[0..n0-1] and then continued one
 * observation per origin (hc_model_forecast_update); the PIT, CRPS and strategy position and
 * return (cost from the last position of the track) of each new origin; the benchmark's CRPS
 * NaN (its parameters are not kept). The track then keeps its last r->bt_origins points (a
 * rolling record of the same length as the backtest's), and the summary's 1-step scores
 * (crps_1, crps_bench_1, pit_ks_1, coverage95_1, calibration_score, the Diebold-Mariano test
 * over the origins where both CRPS are known), r->trading and the regime (with the live sd:
 * call after hc_ensemble_pool) are recomputed from it. y's labels in bo->labels. Nothing if r
 * has no track. Not collective.
 */
PetscErrorCode hc_backtest_extend(const double *y, int n0, int n, const hc_select_options *sel, const hc_candidates *c,
                                  const hc_backtest_options *bo, hc_result *r);
/**
 * After hc_ensemble_forecast: the trading signal over the backtest (hc_trading_position on the
 * 1-step forecast of, at each origin, the scheme of lowest mean 1-step CRPS over the origins
 * before it), its metrics and strategy periods (returns only), and the regime label (the last
 * forecast sd among the reported ensemble's 1-step sds; trend from the selected model's mean).
 */
PetscErrorCode hc_backtest_trading(const hc_backtest *b, const double *y, hc_result *r);
/**
 * After hc_backtest_run: the out-of-sample one-step forecasts that the trading signal uses, at
 * origins t = T0..n-1 (the forecast of y[t] from y[..t-1]): mean[i], sd[i] of the scheme of
 * lowest mean 1-step CRPS over the origins before t (chosen from the past only), NaN where none.
 * mean and sd have room for K = n - T0 values. @return K. Not collective.
 */
int hc_backtest_onestep(const hc_backtest *b, double *mean, double *sd);
/**
 * After hc_backtest_run: the 1-step CRPS at each origin t = T0..n-1 of the reported ensemble
 * (ens[i], NaN where it was not scored, or everywhere if no ensemble was) and of the constant-mean
 * benchmark (bench[i]), the two loss series of r->dm_stat. ens and bench have room for
 * K = n - T0 values. @return K. Not collective.
 */
int hc_backtest_crps_1(const hc_backtest *b, double *ens, double *bench);
/** Free the backtest and set *b = NULL (safe on NULL). */
void hc_backtest_destroy(hc_backtest **b);

/**
 * Accumulator of the equal-weight universe portfolio, fed one ticker at a time: per date
 * (label) the sums of the strategy returns and positions and the number of tickers trading on
 * that date. Memory O(distinct dates), independent of the number of tickers.
 */
typedef struct hc_portfolio hc_portfolio;

/** Create an empty accumulator. Not collective. @return 0 or ENOMEM (*p = NULL). */
int  hc_trading_portfolio_create(hc_portfolio **p);
/**
 * Add the strategy periods pts[0..n-1] (typically one ticker's) to the per-date sums, in call
 * order (the sums of a date are floating-point additions in the order the points arrive: add
 * the tickers in a fixed order, e.g. ticker order, for reproducible metrics). Not collective.
 * @return 0, or ENOMEM (the accumulator is unchanged for the point that failed and after it).
 */
int  hc_trading_portfolio_add(hc_portfolio *p, const hc_strategy_point *pts, int n);
/**
 * The metrics (hc_trading_evaluate) of the portfolio series, dates sorted by strcmp: on each
 * date t, r_t = (sum of the returns) / (tickers on t) and pos_t = (sum of the positions) /
 * (tickers on t). The accumulator is left as it was (more points may be added). m->n = 0 and
 * NaN metrics if no point was added. Not collective.
 * @return 0, or ENOMEM (m is then NaN).
 */
int  hc_trading_portfolio_finish(hc_portfolio *p, const hc_trading_options *o, hc_trading_metrics *m);
/**
 * The portfolio series of the accumulator, dates sorted by strcmp: date[t], r_t and pos_t as
 * hc_trading_portfolio_finish defines them, *n dates (0 if no point was added). The arrays are
 * malloc'd (free them with free). Not collective.
 * @return 0, or ENOMEM (*n = 0, the arrays NULL).
 */
int hc_trading_portfolio_series(const hc_portfolio *p, int *n, char (**date)[HC_LABEL_LEN], double **ret, double **pos);
/** Free the accumulator and set *p = NULL (safe on NULL). */
void hc_trading_portfolio_destroy(hc_portfolio **p);

/**
 * The equal-weight universe portfolio of all tickers' points at once (any order): points is
 * sorted in place by date, then return and position (a total order, so the sums of a date do
 * not depend on the order the points came in), and accumulated as by hc_trading_portfolio_add
 * and _finish. Not collective.
 * @return 0, or ENOMEM (m is then NaN).
 */
int hc_trading_portfolio(const hc_trading_options *o, hc_strategy_point *points, int n, hc_trading_metrics *m);

#endif
