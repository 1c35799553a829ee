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
  int          min_obs;      /**< reject if fewer modelled observations (default 250) */
  hc_transform transform;
  double       max_move;     /**< a simple return |v_t/v_{t-1} - 1| above this is flagged (default 0.40) */
  double       max_gap_days; /**< consecutive ISO dates further apart are a gap (default 5 calendar days) */
} hc_gate_options;

/** Defaults: min_obs 250, logret100, max_move 0.40, max_gap_days 5. */
void hc_gate_options_default(hc_gate_options *o);

/** Parse "logret100" or "none". @return 0, or 1 if the name is unknown. */
int  hc_transform_parse(const char *name, hc_transform *t);
const char *hc_transform_name(hc_transform t);

/**
 * Quality gate of one loaded series. Rejects (return 1, reason filled) a series with:
 * a non-numeric or non-finite value, a non-positive value when the transform takes logs,
 * duplicate or unsorted ISO dates (when labels_are_dates), or fewer than min_obs
 * modelled observations. Always computes *quality in [0,1] (also for rejected series):
 * quality = (1 - flagged rows / n) * (1 - gaps / (n-1)), where a row is flagged if it has
 * zero volume, a non-numeric/non-positive value, or a move beyond max_move, and a gap is
 * a step between consecutive dates longer than max_gap_days (docs/report-schema.md).
 * @return 0 if accepted, 1 if rejected. Not collective.
 */
int  hc_data_gate(const hc_series *s, const hc_gate_options *o, double *quality, char *reason, size_t len);

/**
 * Apply the transform to s->value. y must hold s->n values.
 * @return the number of modelled observations written to y (n-1 for logret100, n for none).
 */
int  hc_data_transform(const hc_series *s, hc_transform t, double *y);

#endif
