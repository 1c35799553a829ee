/**
 * @file report_layout.h
 * @brief The report's columnar tables as data (internal to io): the row struct of each table and
 *        its columns (name, kind, offset of the field in the row). The writer (report.c) and the
 *        reader (report_read.c) share them, so what a reader gets back is what was written.
 */
#ifndef HPCAST_IO_REPORT_LAYOUT_H
#define HPCAST_IO_REPORT_LAYOUT_H

#include "hpcast/core.h"

#include <hdf5.h>
#include <stddef.h>

#define HC_REPORT_MAX_COLS 40 /**< columns of the widest table (/summary) */

/** One column of a table of rows: a string, an int, a double or a vector of doubles. */
typedef enum { COL_STR, COL_INT, COL_DBL, COL_VEC } col_kind;
typedef struct {
  const char   *name;
  col_kind      kind;
  size_t        off;    /**< byte offset of the field in a row */
  size_t        len;    /**< string capacity (COL_STR); COL_VEC: first axis after the row axis */
  size_t        len2;   /**< COL_VEC: 0 for shape [rows x len], else [rows x len x len2] */
  const double *levels; /**< COL_VEC: written as the attribute "levels" (length of the last axis) */
} column;

/** Values of a COL_VEC column per row. */
static inline size_t vec_values(const column *col) { return col->len * (col->len2 ? col->len2 : 1); }

/** A row of /summary: the scalar fields of the record (its pointers are not used), its status
 * name and the one-step forecast (h = 1; interval level index 1 = 0.95). */
typedef struct {
  hc_result r;
  char      status[16];
  double    fc[4]; /**< mu_1, sigma_1, lo95_1, hi95_1 */
  char      input_hash[20]; /**< r.input_hash as 16 hexadecimal digits */
} summary_row;

/** A row of a /backtest table: the ticker, a model or member name and the values. */
typedef struct {
  char ticker[HC_NAME_LEN];
  char model[HC_MODEL_LEN];
  union {
    hc_score_row       score;
    hc_trading_metrics trading;
    double             w[HC_N_SCHEMES];
  } u;
} ticker_row;

/** /backtest/origins: one row per (ticker, origin) of the 1-step track, with the strategy's
 * position and return of the period (NaN without a trading evaluation). */
typedef struct {
  char             ticker[HC_NAME_LEN];
  hc_onestep_point p;
  double           position, ret;
} origin_row;

/** /units: one row per work unit (a block of a ticker's specs, or its owner's step). */
typedef struct {
  char        ticker[HC_NAME_LEN];
  int         n_obs;
  hc_unit_row u;
} unit_row;

/** Bytes of a /fits row's comma-separated parameter names: 32 names of 15 characters. The row
 * is gathered column by column in the tables pass, so its size is the tail's memory traffic. */
enum { HC_FIT_NAMES_LEN = HC_MAX_PARAMS * 16 };
/** The fixed part of a /fits row: one fit of one ticker. Its row in the write phase is followed by
 * params, stderr [P] and forecast_mean, forecast_sd [H] (P, H: the largest of the report). */
typedef struct {
  char   ticker[HC_NAME_LEN], name[HC_MODEL_LEN], mean_model[HC_MODEL_LEN], vol_model[HC_MODEL_LEN];
  char   status[16], stderr_type[16], reason[HC_REASON_LEN];
  char   param_names[HC_FIT_NAMES_LEN]; /* comma-separated */
  int    n_params, converged, tao_reason, iterations, n_obs, selected, member;
  double loglik, aic, bic, persistence, half_life, uncond_var;
} fit_row;

/** The columns of each table (the /fits vectors params, stderr, forecast_mean and forecast_sd
 * follow hc_report_cols_fit, their widths known only once a report's records are measured). */
extern const column hc_report_cols_summary[];
extern const size_t hc_report_cols_summary_n;
extern const column hc_report_cols_score[];
extern const size_t hc_report_cols_score_n;
extern const column hc_report_cols_trading[];
extern const size_t hc_report_cols_trading_n;
extern const column hc_report_cols_book[];
extern const size_t hc_report_cols_book_n;
extern const column hc_report_cols_weight[];
extern const size_t hc_report_cols_weight_n;
extern const column hc_report_cols_origin[];
extern const size_t hc_report_cols_origin_n;
extern const column hc_report_cols_unit[];
extern const size_t hc_report_cols_unit_n;
extern const column hc_report_cols_perf[];
extern const size_t hc_report_cols_perf_n;
extern const column hc_report_cols_fit[];
extern const size_t hc_report_cols_fit_n;

/* ---- reading the tables back (report_record.c) ---- */
/** Rows [at, at + n) of dataset `name` of group g (a row of a [rows x a (x b)] dataset is its
 * a (x b) values) as memory type mt into buf. @return 0 or -1. */
int hc_report_read_rows(hid_t g, const char *name, hid_t mt, hsize_t at, hsize_t n, void *buf);
/** A fixed-width, null-padded string memory type of the width (*w) of dataset `name` of g, or -1. */
hid_t hc_report_str_type(hid_t g, const char *name, size_t *w);
/** The rows of ticker in table g (sorted by its ticker column): *n rows from *first (0 rows: *first
 * is where they would be), by binary search. @return 0 or -1. */
int hc_report_ticker_rows(hid_t g, const char *ticker, hsize_t *first, hsize_t *n);

#endif
