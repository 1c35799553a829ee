/**
 * @file indicators.h
 * @brief Technical indicators of daily OHLCV bars, used as exogenous regressors of the
 *        SARIMAX mean models (part of the data module; pure numerics: libc only, no MPI,
 *        no I/O, no global state).
 *
 * Every indicator is computed in one forward pass over the series with running sums,
 * Wilder recursions or monotone deques: O(n) per indicator, independent of the window.
 *
 * **No look-ahead (causality guarantee).** The value of every indicator at row t is a
 * function of the inputs at rows 0..t only: changing any input at a row t0 leaves all
 * outputs at rows t < t0 bit-identical (tested). The value at t therefore uses the bar of
 * day t itself (its close, high, low, volume); a regressor of the return of day t must be
 * lagged by one observation, which the SARIMAX caller does.
 *
 * **Warm-up.** The first rows of a column whose window is not yet full are NaN
 * (hc_indicators_warmup() gives how many); the caller drops them. After the warm-up a
 * value is NaN only where the documented input guards say so (zero volume) or where an input
 * is non-finite (the quality gate rejects those
 * series; a non-finite price propagates through the Wilder recursions from that row on).
 *
 * **Price basis.** high, low and close must be on the same basis. If close is the adjusted
 * close, scale high and low by adjusted_close / close of the same row first; otherwise the
 * true range jumps at every split and dividend.
 */
#ifndef HPCAST_INDICATORS_H
#define HPCAST_INDICATORS_H

#include <stddef.h>
#include "hpcast/core.h"

/** Length of a column name, NUL included; equal to HC_PNAME_LEN so names fit parameter names. */
#define HC_IND_NAME_LEN HC_PNAME_LEN
/** Largest window accepted (keeps every column name within HC_IND_NAME_LEN). */
#define HC_IND_MAX_WINDOW 999

/** Indicator ids, in the order of the allowed names "atr,rsi,stochrsi,volz,dow". */
typedef enum {
  HC_IND_ATR = 0,  /**< 1 column  "atr<w>": Wilder's average true range (price units) */
  HC_IND_RSI,      /**< 1 column  "rsi<w>": Wilder's relative strength index, in [0,100] */
  HC_IND_STOCHRSI, /**< 2 columns "stochrsi<w>" in [0,1] and "stochrsi<w>_sig" in {-1,0,1} */
  HC_IND_VOLZ,     /**< 1 column  "volz<w>": rolling z-score of log volume */
  HC_IND_DOW,      /**< 4 columns "dow_tue".."dow_fri": day-of-week dummies, Monday the base */
  HC_IND_COUNT     /**< number of indicators */
} hc_indicator;

/** Windows and constants of the indicators (rows are observations, i.e. trading days). */
typedef struct {
  int    atr_window;      /**< ATR smoothing window (default 14) */
  int    rsi_window;      /**< RSI smoothing window, also the RSI inside StochRSI (default 14) */
  int    stoch_window;    /**< StochRSI look-back of the RSI min/max (default 14) */
  int    band_vol_window; /**< returns in the realised volatility of the StochRSI bands (default 14) */
  int    band_z_window;   /**< rows in the rolling z-score of that volatility, >= 2 (default 20) */
  double band_c;          /**< band sensitivity c to the volatility z-score (default 0.5) */
  int    volz_window;     /**< volume z-score window, >= 2 (default 20) */
} hc_indicator_params;

/** Defaults: windows 14 (ATR, RSI, StochRSI, band volatility), 20 (band z, volume z), c = 0.5. */
void hc_indicator_params_default(hc_indicator_params *p);

/**
 * Parse a comma-separated list of indicator names ("atr,rsi,stochrsi,volz,dow"; spaces
 * around names ignored). "" and "none" give no indicator. A name may appear only once.
 * @param ids    [HC_IND_COUNT] receives the ids in list order
 * @param n_ids  receives the number of ids
 * @param err    on failure, a message naming the offending entry and the allowed values
 * @return 0, or 1 on an unknown, empty or repeated name. Not collective.
 */
int hc_indicator_parse(const char *list, hc_indicator ids[HC_IND_COUNT], int *n_ids,
                       char *err, size_t len);

/** @return the list name of id ("atr", "rsi", "stochrsi", "volz", "dow"), or "?" if invalid. */
const char *hc_indicator_name(hc_indicator id);

/** @return the number of output columns of the listed indicators (sum of 1,1,2,1,4 per id). */
int hc_indicators_ncols(const hc_indicator *ids, int n_ids);

/**
 * Rows at the start of the series that are NaN by construction in at least one column of
 * the listed indicators (the caller drops them): ATR w-1, RSI w, StochRSI
 * max(rsi_window + stoch_window - 1, band_vol_window + band_z_window - 1), volume z w-1,
 * day of week 0. p NULL means defaults.
 */
int hc_indicators_warmup(const hc_indicator *ids, int n_ids, const hc_indicator_params *p);

/**
 * Compute the listed indicators over one series of n daily bars.
 * @param ids, n_ids  indicators, e.g. from hc_indicator_parse(); columns follow their order
 * @param p       windows and constants, or NULL for the defaults
 * @param high, low, close  [n] prices on one basis (needed by ATR; close also by RSI, StochRSI)
 * @param volume  [n] traded volume (needed by volz; may be NULL otherwise)
 * @param time    [n] seconds since 1970-01-01 UTC of each bar, e.g. hc_series.time (needed by
 *                dow; may be NULL otherwise)
 * @param out     [n * hc_indicators_ncols()] column-major: column j is out[j*n .. j*n+n-1]
 * @param names   [hc_indicators_ncols()] column names ("atr14", "rsi14", "stochrsi14",
 *                "stochrsi14_sig", "volz20", "dow_tue", "dow_wed", "dow_thu", "dow_fri"),
 *                or NULL
 * @return the number k of columns written, -EINVAL if n < 0, an id is invalid, a needed
 *         array is NULL or a window is outside its range ([1, HC_IND_MAX_WINDOW], >= 2 for
 *         band_z_window and volz_window) or band_c is not finite; -ENOMEM on allocation
 *         failure. Not collective. Causal: see the file documentation.
 */
int hc_indicators_compute(const hc_indicator *ids, int n_ids, const hc_indicator_params *p, int n,
                          const double *high, const double *low, const double *close,
                          const double *volume, const long long *time, double *out,
                          char (*names)[HC_IND_NAME_LEN]);

/**
 * Average true range with Wilder's smoothing (J. W. Wilder, "New Concepts in Technical
 * Trading Systems", 1978, ch. "Volatility"):
 *   TR_0 = H_0 - L_0,  TR_t = max(H_t - L_t, |H_t - C_{t-1}|, |L_t - C_{t-1}|)  (t >= 1),
 *   ATR_{w-1} = (TR_0 + ... + TR_{w-1}) / w,  ATR_t = ((w-1) ATR_{t-1} + TR_t) / w.
 * out[t] is NaN for t < w-1. Units of the prices. Requires 1 <= w.
 */
void hc_indicator_atr(int n, const double *high, const double *low, const double *close, int w,
                      double *out);

/**
 * Wilder's relative strength index (Wilder 1978, ch. "Relative Strength Index"); equal to
 * R TTR::RSI(close, n = w) (maType EMA with wilder = TRUE):
 *   d_t = C_t - C_{t-1}, U_t = max(d_t, 0), D_t = max(-d_t, 0)  (t >= 1),
 *   AU_w = (U_1 + ... + U_w) / w,  AU_t = ((w-1) AU_{t-1} + U_t) / w  (same for AD),
 *   RSI_t = 100 AU_t / (AU_t + AD_t)  (= 100 - 100 / (1 + AU/AD)); 50 if AU_t = AD_t = 0.
 * out[t] is NaN for t < w; values in [0,100]. Requires 1 <= w.
 */
void hc_indicator_rsi(int n, const double *close, int w, double *out);

/**
 * Stochastic RSI (T. Chande and S. Kroll, "The New Technical Trader", Wiley 1994) with
 * volatility-adjusted bands and a band signal. With R_t = RSI_t (window rsi_window) and
 * m = stoch_window:
 *   S_t = (R_t - min R_{t-m+1..t}) / (max R_{t-m+1..t} - min R_{t-m+1..t}), 0.5 if max = min.
 * Bands (hpcast's definition; the classic fixed bands are 0.2 / 0.8, i.e. c = 0):
 *   r_t = log(C_t / C_{t-1}),  sigma_t = sqrt((r_{t-v+1}^2 + ... + r_t^2) / v)
 *     (realised volatility over v = band_vol_window returns, zero-mean convention),
 *   z_t = (sigma_t - mean sigma_{t-q+1..t}) / sd sigma_{t-q+1..t}  (q = band_z_window,
 *     sample sd with divisor q-1; z_t = 0 if the q values are equal),
 *   h_t = min(0.5, max(0, 0.3 (1 + c tanh z_t))),  upper_t = 0.5 + h_t,  lower_t = 0.5 - h_t,
 * so with c = 0 the bands are 0.8 / 0.2, and with c > 0 they widen when volatility is
 * high relative to its recent level (oscillator extremes are then less informative) and
 * narrow when it is low. Signal: +1 if S_t > upper_t, -1 if S_t < lower_t, else 0 (the
 * position of S_t relative to the bands, not a trade direction).
 * stoch[t] is NaN for t < rsi_window + m - 1; signal[t] also for t < v + q - 1.
 * Requires windows >= 1, q >= 2, c finite. @return 0, or ENOMEM.
 */
int hc_indicator_stochrsi(int n, const double *close, int rsi_window, int stoch_window,
                          int band_vol_window, int band_z_window, double band_c,
                          double *stoch, double *signal);

/**
 * Rolling z-score of log volume: x_t = log V_t (missing if V_t <= 0 or not finite),
 *   z_t = (x_t - mean) / sd over the non-missing x among rows t-w+1..t (sample sd, divisor
 *   m-1 for m non-missing values; z_t = 0 if those values are all equal).
 * out[t] is NaN for t < w-1, where x_t is missing (zero volume), or if m < 2. Requires
 * w >= 2.
 */
void hc_indicator_volz(int n, const double *volume, int w, double *out);

/**
 * Day-of-week dummies from the times of the bars (seconds since 1970-01-01 UTC, as in
 * hc_series.time, whatever the date format of the labels was). The day of bar t is
 * z = floor(time[t] / 86400) (floor division, so a negative time before midnight falls on
 * the day before 1970-01-01; a time of day within the UTC day does not change it), and its
 * weekday comes from z by H. Hinnant's weekday_from_days ("chrono-Compatible Low-Level Date
 * Algorithms", http://howardhinnant.github.io/date_algorithms.html), 1970-01-01 (z = 0)
 * being a Thursday. dow[j*n + t] = 1 if bar t falls on weekday j+1 (0 Tuesday,
 * 1 Wednesday, 2 Thursday, 3 Friday), else 0: Monday is the base (all zero); Saturday and
 * Sunday are all zero too. Every value is 0 or 1 (no NaN).
 * @param time [n] seconds since 1970-01-01 UTC
 * @param dow  [4 * n] column-major
 */
void hc_indicator_dow(int n, const long long *time, double *dow);


/**
 * Regressors of a modelled series from the technical indicators of its bars, aligned so
 * that nothing after a forecast origin is used. Observation j of y (j = 0..ny-1) ends at bar
 * j + shift (shift = 1 for returns, 0 for levels); its regressors are the indicators of bar
 * j + shift - 1, known one bar earlier. Row ny (the first forecast step) holds the
 * indicators of the last bar; later steps carry it forward (hc_model_set_exog). Leading
 * rows without indicators (warm-up, hc_indicators_warmup) are dropped: y is to be used from
 * row *j0 on, and X row i holds observation j0 + i. A regressor missing after the warm-up
 * (volume z-score on a zero-volume day) takes its neutral value 0. High and low are put on
 * the basis of s->value (e.g. the adjusted close) by the factor value/close.
 * @param ids, n_ids  indicators (hc_indicator_parse)
 * @param s           the loaded bars (needs high, low, close for ATR; volume for volz; dates,
 *                    i.e. labels_are_dates and s->time, for dow: any format the CSV reader
 *                    recognises)
 * @param ny, shift   length of the modelled series and bar offset of its observations
 * @param X           receives a malloc'd column-major [ldx x k] matrix, k = hc_indicators_ncols
 * @param ldx         receives ny - j0 + 1
 * @param names       [k] receives the column names
 * @return 0; 1 with reason set if the bars lack a needed column or too few rows remain;
 *         -1 on allocation failure. Not collective.
 */
int hc_exog_build(const hc_indicator *ids, int n_ids, const hc_series *s, int ny, int shift, double **X, int *ldx,
                  int *j0, char (*names)[HC_IND_NAME_LEN], char *reason, size_t len);

#endif
