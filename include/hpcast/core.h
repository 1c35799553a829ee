/**
 * @file core.h
 * @brief Core types of hpcast: the input series, the per-ticker status codes,
 *        the result record that flows from the fitting ranks to the report,
 *        and small process probes (wall clock, peak RSS).
 *
 * Pure C11 over libc: no MPI, no HDF5, no PETSc. Every other module may use it.
 */
#ifndef HPCAST_CORE_H
#define HPCAST_CORE_H

#include <stddef.h>

#define HC_NAME_LEN   64  /**< ticker / series name, NUL-terminated */
#define HC_LABEL_LEN  32  /**< observation label (ISO date or free text) */
#define HC_REASON_LEN 160 /**< human-readable reason of a rejection/failure */
#define HC_MODEL_LEN  64  /**< model name, e.g. "ARMA(1,1)+GARCH(1,1)-t"; the longest the grammar allows, "SARIMAX(10,2,10)(3,2,3)400+drift+EGARCH(3,3,3)-normal", has 53 bytes */
#define HC_PNAME_LEN  32  /**< parameter name, e.g. "alpha1", "beta_rsi14" */
#define HC_MAX_PARAMS 32  /**< largest parameter vector of any model */
#define HC_N_LEVELS   2   /**< interval levels reported: 0.80 and 0.95 */

/** Interval levels of the forecast tables, in the order of the last axis. */
extern const double hc_interval_levels[HC_N_LEVELS];

/** Final status of one ticker in the report. */
typedef enum {
  HC_STATUS_OK = 0,   /**< fitted; forecasts present */
  HC_STATUS_REJECTED, /**< input failed the loader or the quality gate */
  HC_STATUS_FAILED    /**< input accepted, but no model could be fitted */
} hc_status;

/** @return "ok", "rejected" or "failed". Not collective. */
const char *hc_status_name(hc_status s);

/**
 * One input series as loaded from disk (hc_io_read_csv, io.h), rows oldest first.
 * label[i] is the observation label as given (a date, a date and time, or free text),
 * value[i] the selected column (NaN where the cell was not numeric),
 * volume[i] the traded volume when the file has a `volume` column, else volume == NULL.
 * When labels_are_dates, time[i] is the instant of label[i] (time == NULL otherwise); code that
 * builds a series itself and sets labels_are_dates must fill time too (the quality gate orders
 * and spaces the rows by time, not by the label strings).
 */
typedef struct {
  char    ticker[HC_NAME_LEN];
  int     n;                          /**< number of data rows */
  char  (*label)[HC_LABEL_LEN];       /**< [n] observation labels */
  double *value;                      /**< [n] selected column */
  double *volume;                     /**< [n] volume, or NULL */
  double *high, *low, *close;         /**< [n] OHLC columns when the file has them, else NULL
                                           (for technical indicators; see io.h) */
  long long *time;                    /**< [n] seconds since 1970-01-01 UTC of each label when
                                           labels_are_dates, else NULL */
  int     labels_are_dates;           /**< 1 if every label parsed as a date or date and time, all in
                                           one of the formats hc_io_read_csv recognises (io.h) */
  char    note[HC_REASON_LEN];        /**< remark on an accepted file, e.g. "reversed: newest first",
                                           "" if none */
} hc_series;

/** Allocate the arrays of a series of n rows (volume only if with_volume; high, low, close and
 * time are set to NULL, labels_are_dates to 0 and note to "": the CSV reader allocates and sets
 * them when the file has them). The ticker is kept. @return 0 or ENOMEM. */
int  hc_series_alloc(hc_series *s, int n, int with_volume);
/**
 * FNV-1a 64-bit hash (Fowler, Noll & Vo; IETF draft-eastlake-fnv) of the rows of s in order:
 * each label's bytes with its terminating NUL, then the 8 bytes of its value (NaN hashes as
 * its bits). Identifies the data a result was computed from (journal, resume). Not collective.
 */
unsigned long long hc_series_hash(const hc_series *s);
/** hc_series_hash of the first n rows of s (of all of them if n > s->n): a daily update checks
 * that a file only grew by comparing it with the hash of the rows the previous run read. */
unsigned long long hc_series_hash_rows(const hc_series *s, int n);
/** Free the arrays of a series (label, value, volume, high, low, close, time) and zero it. Safe on
 * a zeroed series. */
void hc_series_free(hc_series *s);

/** One fitted model of one ticker, as stored in a row of the report's /fits table. */
typedef struct {
  char   name[HC_MODEL_LEN];                  /**< e.g. "ARMA(1,1)" or "ARMA(0,0)+GARCH(1,1)-normal" */
  char   mean_model[HC_MODEL_LEN];            /**< e.g. "ARMA(1,1)" */
  char   vol_model[HC_MODEL_LEN];             /**< e.g. "GARCH(1,1)-t", or "none" */
  int    n_params;
  char   param_names[HC_MAX_PARAMS][HC_PNAME_LEN];
  double params[HC_MAX_PARAMS];               /**< natural parameters (units of the series) */
  double stderr_[HC_MAX_PARAMS];              /**< standard errors of type stderr_type; NaN if unavailable */
  char   stderr_type[16];                     /**< "hessian", "opg" or "robust" */
  double persistence;                         /**< volatility persistence; NaN for homoskedastic models */
  double half_life;                           /**< log(0.5)/log(persistence), observations; NaN if undefined */
  double uncond_var;                          /**< unconditional innovation variance; NaN if undefined */
  double loglik, aic, bic;
  int    n_obs_used;                          /**< observations in the likelihood */
  int    converged;                           /**< 1 exactly when tao_reason > 0 (TAO met a tolerance) */
  int    tao_reason;                          /**< TaoConvergedReason of the best start's solve */
  int    iterations;                          /**< iterations of the best start */
  int    status;                              /**< 0 = fitted, else hc_status of the failure */
  char   reason[HC_REASON_LEN];               /**< why a fit failed, "" otherwise */
} hc_fit_record;

#define HC_N_COVER    3  /**< backtest coverage levels: 0.50, 0.80, 0.95 */
#define HC_N_PINBALL  5  /**< backtest pinball levels: 0.05, 0.25, 0.50, 0.75, 0.95 */
#define HC_N_PIT_BINS 10 /**< bins of the PIT histogram */

/** Coverage levels of the backtest scores, in the order of hc_score_row.coverage. */
extern const double hc_cover_levels[HC_N_COVER];
/** Quantile levels of the pinball losses, in the order of hc_score_row.pinball. */
extern const double hc_pinball_levels[HC_N_PINBALL];

/**
 * Out-of-sample scores of one forecaster (a member model or an ensemble) at one horizon over
 * the rolling-origin backtest, one row of the report's /backtest/scores table. Definitions and
 * sources in docs/scores.md. Scores that cannot be computed are NaN.
 */
typedef struct {
  char   model[HC_MODEL_LEN];         /**< member fit name, or "ensemble:<scheme>" */
  int    horizon;                     /**< h = 1..H */
  int    n;                           /**< forecasts scored */
  double rmse, mae;                   /**< units of the series */
  double mase;                        /**< MAE over the in-sample mean absolute naive error */
  double hit_rate;                    /**< fraction of correctly predicted directions */
  double coverage[HC_N_COVER];        /**< empirical coverage of the central 50/80/95% intervals */
  double msis;                        /**< mean 95% interval score over the MASE scale */
  double crps;                        /**< mean CRPS, units of the series */
  double log_score;                   /**< mean negative log predictive density */
  double pinball[HC_N_PINBALL];       /**< mean pinball loss at 5/25/50/75/95% */
  double pit[HC_N_PIT_BINS];          /**< PIT histogram, fraction of forecasts per bin */
  double pit_ks;                      /**< Kolmogorov-Smirnov distance of the PITs to U(0,1) */
  double calibration_score;           /**< in [0,1], 1 = calibrated (docs/scores.md) */
} hc_score_row;

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
  double bh_sharpe;      /**< Sharpe ratio of buy-and-hold of the same asset over the same periods
                              (hc_trading_compare); NaN where it does not apply (the universe row) */
  double excess_sharpe;  /**< sharpe - bh_sharpe */
  double information_ratio; /**< sqrt(P) mean(r - b) / sd(r - b), b the buy-and-hold returns */
} hc_trading_metrics;

/** Performance of a book's returns against a benchmark's (a row of /backtest/portfolio). */
typedef struct {
  int    n;                 /**< periods with both returns finite */
  double alpha;             /**< Jensen's alpha: P * intercept of the OLS of r on r_bench */
  double beta;              /**< its slope */
  double active_return;     /**< P * mean(r - r_bench) */
  double tracking_error;    /**< sqrt(P) * sd(r - r_bench), divisor n - 1 */
  double information_ratio; /**< active_return / tracking_error */
  double t_nw;              /**< mean(r - r_bench) / its Newey-West standard error */
  int    nw_lags;           /**< the Newey-West lag L */
} hc_active_metrics;

/**
 * Diebold-Mariano verdicts over the tickers of a report (root of /backtest, docs/report-schema.md):
 * tickers with a test (finite dm_p), those whose ensemble's 1-step CRPS is lower than the
 * constant-mean benchmark's at the 5 % level (dm_p < 0.05, dm_stat < 0), and those whose
 * benchmark's is lower at 5 % (dm_p < 0.05, dm_stat > 0). Filled by hc_dm_tally (eval.h).
 */
typedef struct {
  int tested, ensemble_better, benchmark_better;
} hc_dm_counts;

#define HC_N_SCHEMES  4  /**< ensemble weighting schemes: equal, invmse, akaike, stacking (eval.h) */

/** One period of the backtested trading strategy of a ticker (for the universe portfolio). */
typedef struct {
  char   date[HC_LABEL_LEN]; /**< label of the period's observation */
  double position;           /**< position held over the period */
  double ret;                /**< strategy return of the period, net of costs (decimal) */
} hc_strategy_point;

/**
 * One origin of the backtest's 1-step track of the reported ensemble (the scheme of lowest mean
 * 1-step CRPS): the forecast of the observation `date` made the day before, and how it scored
 * (one row of /backtest/origins). The summary's 1-step scores are these rows' means: crps_1 the
 * mean of crps, pit_ks_1 the KS distance of pit, coverage95_1 the fraction of pit in
 * [0.025, 0.975] (docs/scores.md).
 */
typedef struct {
  char   date[HC_LABEL_LEN]; /**< label of the outcome's observation */
  double y;                  /**< the outcome, units of the modelled series (percent log return) */
  double mean, sd;           /**< the ensemble's 1-step forecast mean and sd; NaN where it was not scored */
  double pit;                /**< its CDF at y (probability integral transform); NaN where not scored */
  double crps;               /**< its CRPS at y; NaN where not scored */
  double crps_bench;         /**< the constant-mean benchmark's CRPS at y; NaN where not scored */
} hc_onestep_point;

/**
 * One work unit that contributed to a result record: one row of the report's /units table.
 * A ticker's mean-model grid is cut into blocks of -spec_block specifications (block 0..B-1,
 * possibly run on different ranks); with B > 1 the owner's step (selection over the blocks,
 * volatility fits, backtest, ensemble forecast) is one more row with block = -1.
 */
typedef struct {
  int    block;   /**< block index, or -1 for the owner's step */
  int    n_specs; /**< mean-model specifications of the block (for -1: volatility specs) */
  int    n_fits;  /**< model fits the unit ran */
  int    rank;    /**< rank that ran it */
  double seconds; /**< its wall time, s */
  double cost;    /**< the scheduler's a-priori cost estimate */
} hc_unit_row;

/**
 * Everything the report needs about one ticker. Produced by the rank that owns the
 * ticker; moved to rank 0 as bytes with hc_result_pack()/hc_result_unpack().
 * Forecast arrays have horizon H: mean[H], sd[H], lo[H*HC_N_LEVELS], hi[H*HC_N_LEVELS]
 * (row-major [h][level]); NaN when status != ok.
 */
typedef struct {
  char      ticker[HC_NAME_LEN];
  hc_status status;
  char      reason[HC_REASON_LEN];
  int       n_obs;                    /**< rows that entered the model (returns) */
  char      first_date[HC_LABEL_LEN], last_date[HC_LABEL_LEN];
  long long input_bytes;              /**< size of the input file when the run listed it, bytes */
  long long input_mtime_ns;           /**< its modification time then, ns since 1970-01-01 UTC */
  unsigned long long input_hash;      /**< hc_series_hash of the rows read; 0 if the file was not read */
  int       input_rows;               /**< rows read (the rows input_hash is of); 0 if none */
  int       fit_n_obs;                /**< observations the fits were estimated on (n_obs after a fit; fewer
                                           after a daily update that filtered new ones); 0 if none */
  char      action[HC_REASON_LEN];    /**< what the run did with the ticker: "fitted", "filtered" (hpcast update:
                                           new observations through the previous fits) or "refit: <why>" */
  double    quality_score;            /**< in [0,1], see docs/report-schema.md */
  char      mean_model[HC_MODEL_LEN], vol_model[HC_MODEL_LEN];
  double    loglik, aic, bic;         /**< of the selected model; NaN if none */
  int       lb_lags;                  /**< lags m of the residual tests below (0 if not run) */
  double    lb_p;                     /**< Ljung-Box p-value of the standardized residuals */
  double    ml_p;                     /**< McLeod-Li p-value (squared residuals: ARCH effects left) */
  double    jb_p;                     /**< Jarque-Bera p-value of the standardized residuals */
  int       selected;                 /**< index into fits[] of the selected model, -1 if none */
  int       horizon;
  double   *mean, *sd, *lo, *hi;
  int       n_fits;
  hc_fit_record *fits;                /**< [n_fits] */

  /* ---- rolling-origin backtest and ensemble (eval module; all NaN/0 when not run) ---- */
  int       bt_origins;               /**< forecast origins backtested (0: no backtest) */
  char      bt_reason[HC_REASON_LEN]; /**< why the backtest did not run, "" otherwise */
  int       n_scores;
  hc_score_row *scores;               /**< [n_scores] per forecaster and horizon */
  char      ensemble[16];             /**< weighting scheme of the forecast tables, "" if none */
  int       n_members;                /**< members of the live ensemble forecast */
  char    (*member)[HC_MODEL_LEN];    /**< [n_members] fit names (their records are in fits) */
  double   *member_mean, *member_sd;  /**< [n_members * H] member forecasts, row-major [member][h] */
  double   *weights;                  /**< [HC_N_SCHEMES * n_members] final weights, [scheme][member];
                                           NaN for schemes not run */
  double    calibration_score, crps_1, coverage95_1, pit_ks_1; /**< of the reported ensemble, h = 1 */
  double    crps_bench_1;             /**< mean 1-step CRPS of the constant-mean benchmark (eval.h) */
  double    dm_stat, dm_p;            /**< Diebold-Mariano test (HLN-corrected, hc_dm_test) of the reported
                                           ensemble's 1-step CRPS against the benchmark's; d_t = ens - bench,
                                           so dm_stat < 0: the ensemble's CRPS is lower. NaN: no backtest */
  double    model_uncertainty;        /**< between-member variance / ensemble variance, h = 1 */
  double    data_uncertainty;         /**< 1 - quality_score */
  double    parameter_stability;      /**< 1 / (1 + mean sd across refits / stderr), in (0,1] */
  hc_trading_metrics trading;         /**< of the ensemble's trading signal over the backtest */
  char      regime[32];               /**< e.g. "high-vol/flat", "unknown" */
  int       n_strategy;
  hc_strategy_point *strategy;        /**< [n_strategy] the strategy's periods */
  int       n_onestep;
  hc_onestep_point *onestep;          /**< [n_onestep] the reported ensemble's 1-step track, one per origin */

  /* ---- the work units that produced this record (scheduling, /units) ---- */
  int          n_units;
  hc_unit_row *units;                 /**< [n_units] in block order, the owner's step last */
} hc_result;

/** Initialise an empty result for `ticker` with horizon H (forecasts NaN). @return 0 or ENOMEM. */
int  hc_result_init(hc_result *r, const char *ticker, int horizon);
/** Append a fit record (copied). @return 0 or ENOMEM. */
int  hc_result_add_fit(hc_result *r, const hc_fit_record *fit);
/** Append a /units row (copied). @return 0 or ENOMEM. */
int  hc_result_add_unit(hc_result *r, const hc_unit_row *u);
/**
 * (Re)allocate the live-ensemble arrays of r for n_members members: member names (""),
 * member_mean/member_sd (NaN, n_members x horizon) and weights (NaN, HC_N_SCHEMES x n_members).
 * @return 0 or ENOMEM.
 */
int  hc_result_set_members(hc_result *r, int n_members);
/** Free the arrays of a result and zero it. */
void hc_result_free(hc_result *r);
/** Mark a result rejected or failed with a printf-style reason (truncated to HC_REASON_LEN). */
void hc_result_set_status(hc_result *r, hc_status s, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/** Bytes needed by hc_result_pack() for r. */
size_t hc_result_packed_size(const hc_result *r);
/** Serialise r into buf (of hc_result_packed_size(r) bytes). @return bytes written. */
size_t hc_result_pack(const hc_result *r, void *buf);
/**
 * Deserialise one record from buf (at most `avail` bytes) into r (allocates its arrays).
 * @return bytes consumed, or 0 if buf is truncated or malformed.
 */
size_t hc_result_unpack(hc_result *r, const void *buf, size_t avail);

/** Per-rank performance record, one row of the report's /perf table. */
typedef struct {
  int    rank;
  double wall_s;      /**< whole run on this rank, seconds */
  double fit_s;       /**< time in model fitting and forecasting */
  double io_s;        /**< time reading input (and, on rank 0, writing the report) */
  double peak_rss_mb; /**< peak resident set size, MiB */
  int    n_tickers;   /**< tickers processed by this rank */
  int    n_fits;      /**< model fits run by this rank */
  double busy_s;      /**< time inside work units (load imbalance = max / mean over ranks) */
  int    n_units;     /**< work units run by this rank */
} hc_perf;

/** Wall-clock seconds since an arbitrary fixed origin (CLOCK_MONOTONIC). */
double hc_time_wall(void);
/** Peak resident set size of this process in MiB (getrusage ru_maxrss). */
double hc_peak_rss_mb(void);

/**
 * Days since 1970-01-01 of the ISO date "YYYY-MM-DD" (exactly ten characters, a real
 * calendar day of the proleptic Gregorian calendar), by H. Hinnant's days_from_civil
 * ("chrono-Compatible Low-Level Date Algorithms", http://howardhinnant.github.io/date_algorithms.html).
 * @return 0, or 1 if label is not such a date. Not collective.
 */
int  hc_iso_days(const char *label, long *days);

/**
 * Seconds since 1970-01-01 00:00:00 UTC of the civil date y-m-d and time hh:mi:ss (UTC) of the
 * proleptic Gregorian calendar, without leap seconds (POSIX time), by H. Hinnant's
 * days_from_civil ("chrono-Compatible Low-Level Date Algorithms",
 * http://howardhinnant.github.io/date_algorithms.html). Any year; negative before 1970.
 * @return 0, or 1 (and *t untouched) if the fields are not a real day and time: month 1..12,
 *         day 1..28/29/30/31 of that month (leap years: divisible by 4, not by 100 unless by 400),
 *         hh 0..23, mi 0..59, ss 0..59. Not collective.
 */
int  hc_civil_seconds(int y, int m, int d, int hh, int mi, int ss, long long *t);

/** Copy at most n-1 bytes of src into dst and NUL-terminate (snprintf semantics). */
void hc_strlcpy(char *dst, const char *src, size_t n);

#endif
