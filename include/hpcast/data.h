/**
 * @file data.h
 * @brief Quality gate and transforms of input series (pure numerics: no MPI, no I/O).
 */
#ifndef HPCAST_DATA_H
#define HPCAST_DATA_H

#include <stddef.h>
#include "hpcast/core.h"

/** How the modelled series is derived from the loaded column. */
typedef enum {
  HC_TRANSFORM_LOGRET100 = 0, /**< y_t = 100 (log v_t - log v_{t-1}): percent log return, n-1 values */
  HC_TRANSFORM_NONE           /**< y_t = v_t, n values */
} hc_transform;

/** Options of the quality gate. */
typedef struct {
  int          min_obs;        /**< reject if fewer modelled observations (default 250) */
  hc_transform transform;
  double       max_move;       /**< a simple return |v_t/v_{t-1} - 1| above this is flagged (default 0.40) */
  double       max_gap_days;   /**< consecutive dates further apart are a gap (default 5 calendar days) */
  double       max_zero_share; /**< logret100: reject if a larger share of the returns is exactly zero
                                    (a stale or halted price; default 0.25, 1 disables) */
} hc_gate_options;

/**
 * Defaults: min_obs 250, logret100, max_move 0.40, max_gap_days 5, max_zero_share 0.25.
 * max_zero_share: in the 297 daily S&P 500 series of ../shared/data/sp500 (1999-2021) the
 * share of zero returns (unchanged adjusted close) is at most 0.036 (AMCR; median 0.009);
 * 0.25 is seven times that, and rejects a price that stood still over a quarter of its history
 * (a halted, delisted or forward-filled series). Not collective.
 */
void hc_gate_options_default(hc_gate_options *o);

/** Parse "logret100" or "none". @return 0, or 1 if the name is unknown. */
int  hc_transform_parse(const char *name, hc_transform *t);
const char *hc_transform_name(hc_transform t);

/**
 * Quality gate of one loaded series. Rejects (return 1, reason filled) a series with:
 * a non-numeric or non-finite value, a non-positive value when the transform takes logs,
 * a duplicate or earlier date (when labels_are_dates, compared on s->time, which must then be
 * set), fewer than min_obs modelled observations, near-zero variance of the modelled series,
 * or (logret100) a share of zero returns above max_zero_share. Always computes *quality in
 * [0,1] (also for rejected series): quality = (1 - flagged rows / n) * (1 - gaps / (n-1)),
 * where a row is flagged if it has zero volume, a non-numeric/non-positive value, or a move
 * beyond max_move, and a gap is a step between consecutive dates longer than max_gap_days
 * ((time[i] - time[i-1]) / 86400 days; docs/report-schema.md).
 * Near-zero variance: the sample standard deviation of the modelled series y (hc_data_transform)
 * is at most 1e-8 of its scale: of 100 for logret100 (sd <= 1e-6 percent: relative price moves
 * no larger than the rounding of the input), of the mean |v| for none (a constant level up to
 * rounding; an all-zero series too).
 * @return 0 if accepted, 1 if rejected. Not collective.
 */
int  hc_data_gate(const hc_series *s, const hc_gate_options *o, double *quality, char *reason, size_t len);

/**
 * Apply the transform to s->value. y must hold s->n values.
 * @return the number of modelled observations written to y (n-1 for logret100, n for none).
 */
int  hc_data_transform(const hc_series *s, hc_transform t, double *y);

#endif
