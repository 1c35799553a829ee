/**
 * @file io.h
 * @brief Input (CSV universe) and output (HDF5 report) of hpcast.
 *
 * io never includes a model header: it reads series and writes result records.
 * Functions return 0 on success; a non-zero return comes with a message in
 * err[errlen] that names the file. Not collective (rank 0 writes the report).
 */
#ifndef HPCAST_IO_H
#define HPCAST_IO_H

#include <stddef.h>
#include <stdint.h>
#include "hpcast/core.h"

#define HC_PATH_LEN 4096

/**
 * The entries of a universe: one per input entry (file, or name that looks like one), sorted by
 * ticker (strcmp), tickers unique. An entry with a non-empty reason must be reported as rejected
 * with that reason and never opened (it may be a FIFO, whose open would block).
 */
typedef struct {
  int    n;
  char (*ticker)[HC_NAME_LEN];   /**< [n] file stem, or its escaped / disambiguated form (see
                                      hc_io_universe_dir): printable ASCII, unique */
  char **path;                   /**< [n] full path (into path_pool; the entries of a panel share one) */
  char  *path_pool;              /**< the storage of the paths: a few bytes per entry, never HC_PATH_LEN */
  long  *bytes;                  /**< [n] file size in bytes (cost proxy: ~ observations); 0 for an
                                      entry that is not a regular file */
  char (*reason)[HC_REASON_LEN]; /**< [n] why the entry cannot be read ("" if it can): "dangling
                                      symbolic link", "a directory, not a file", "a FIFO, not a
                                      regular file", ... (see hc_io_universe_dir) */
  long long *mtime_ns;           /**< [n] modification time, ns since 1970-01-01 UTC (0 for an entry
                                      that is not a regular file): with bytes, what identifies the
                                      input of a journalled result on resume */
  int        is_panel;           /**< 1: the entries are the tickers of the panel file path[i], in its
                                      order (hc_io_universe_panel; read with hc_io_panel_read) */
  int       *row;                /**< [n] the entry's ticker index in the panel file (is_panel), -1 for an
                                      entry added by hc_io_universe_add; its listing index otherwise */
} hc_universe;

/**
 * List every entry `*.csv` of directory `dir` (suffix matched case-insensitively: `X.CSV` too;
 * not recursive) as a universe: one entry per such name, whatever it is.
 *
 * Ticker = the name without its 4-byte suffix. A ticker must be 1..63 bytes of the set
 * `A-Z a-z 0-9 . - _ ^ = &` (what real symbols use: BRK.B, BF-B, ^GSPC, EURUSD=X, M&M.NS), not
 * starting with `.`; a name ending in `.csv` with nothing before it (`.csv`) is skipped.
 * Any other name is listed under an escaped name, each byte outside the set (and a leading `.`)
 * written `%XX` in upper-case hex (the UTF-8 name "UNICODE.csv" with umlauts on the U and the O,
 * bytes C3 9C and C3 96, is listed as `%C3%9CNIC%C3%96DE`), with the reason "file name is not a
 * valid ticker (allowed: A-Z a-z 0-9 . - _ ^ = &, not starting with .)". A name (escaped or not)
 * longer than 63 bytes is listed as its first 46 bytes, `~` and a number k = 1, 2, ... (the k-th
 * such file name with those 46 bytes, by strcmp), with the reason "file name too long for a
 * ticker (N bytes, at most 63)" ("N bytes escaped" if it was escaped). Names that map to the same
 * ticker (`A.csv`, `A.CSV`): the one written `.csv` (else the first by strcmp of the file name)
 * keeps the ticker, each other is listed as `<ticker>~<suffix as written>` (`A~CSV`; if that
 * exceeds 63 bytes, as a too long name) with the reason "duplicate ticker A: also A.csv". Valid
 * and escaped tickers contain no `~`, and only escaped ones contain `%`, so every listed name is
 * unique.
 *
 * Reasons, the first that applies: too long, not a valid ticker, duplicate; then "dangling
 * symbolic link", "a directory, not a file", "a FIFO, not a regular file", "a socket, not a
 * regular file", "a device, not a regular file", "cannot stat: <strerror>"; then "not readable:
 * <strerror>" (access R_OK). Entries are examined with stat/lstat/access only, never opened.
 * u is overwritten (zeroed on error). Not collective (each rank may call it, or rank 0 and
 * broadcast).
 *
 * @return 0 (n > 0, also when every entry has a reason); -1 with err naming the directory if it
 *         cannot be read, holds no `*.csv` entry, a path does not fit HC_PATH_LEN, or memory
 *         runs out.
 */
int  hc_io_universe_dir(const char *dir, hc_universe *u, char *err, size_t errlen);
/**
 * A universe of the single file `file`: ticker = base name without its last extension
 * (`data/BRK.B.csv` -> `BRK.B`, `series` -> `series`), checked and escaped by the rules of
 * hc_io_universe_dir (an invalid or too long name gets its escaped name and reason; an unreadable
 * file the "not readable" reason); path = file as given. u is overwritten (zeroed on error).
 * Not collective.
 * @return 0; -1 with err naming the file if it does not exist, is not a regular file, its path
 *         does not fit HC_PATH_LEN, or memory runs out.
 */
int  hc_io_universe_file(const char *file, hc_universe *u, char *err, size_t errlen);
/** Free the arrays of a universe and zero it. Safe on a zeroed universe. Not collective. */
void hc_io_universe_free(hc_universe *u);
/**
 * Add to u the tickers ticker[0..n-1] it does not list, in ticker order, each with `reason` (an
 * entry that is never opened, like an unreadable one: its row in the report says why; hpcast
 * update adds the tickers of the previous report that left the universe). The entries already
 * listed keep their row (u->row). Not collective.
 * @return the number added, or -1 when memory runs out (u unchanged).
 */
int hc_io_universe_add(hc_universe *u, int n, const char (*ticker)[HC_NAME_LEN], const char *reason);

/**
 * Read one CSV series. The file must have a header line; the first column is the
 * observation label (kept as given, surrounding double quotes removed), `column` selects the
 * value column (NaN where a cell is empty or not a number), and columns named `volume`, `high`,
 * `low` and `close`, if any, fill s->volume, s->high, s->low and s->close (else they stay NULL).
 * Line endings LF or CRLF; fields may be double-quoted.
 *
 * Dates: labels_are_dates is set, and s->time filled (seconds since 1970-01-01 UTC), if every
 * label is a valid date (or date and time) in one and the same of these formats:
 * `YYYY-MM-DD`; `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS`; `YYYY-MM-DDTHH:MM[:SS]`, optionally
 * ending in `Z`; `YYYY/M/D`; `M/D/YYYY` or `D/M/YYYY`; `D.M.YYYY`; Unix epoch seconds (every label
 * 9 or 10 digits: 1973-03-03 to 2286-11-20). M and D are 1 or 2 digits except in `YYYY-MM-DD`
 * (exactly 2); the non-ISO date formats may be followed by ` HH:MM[:SS]` too; times without `Z`
 * are taken as UTC. The day/month order of `A/B/YYYY` is decided for the whole file: D/M if some
 * A > 12, M/D if some B > 12; if both occur the file is rejected ("ambiguous/inconsistent date
 * format: ..."), and if neither does ("ambiguous date format: ..."), as it cannot be read either
 * way with confidence. A file whose labels mix formats, or with a label that is not a valid date
 * (`2021-02-30`, `1949M01`, `1`, `2`, ...), has labels_are_dates = 0 and time = NULL (no order
 * check by the gate). A file with at least 2 rows whose times strictly decrease (newest first)
 * is reversed (every array: label, value, volume, high, low, close, time) so that rows are oldest
 * first, and s->note is set to "reversed: newest first"; a file neither ascending nor descending
 * is left in file order (the quality gate rejects it).
 *
 * @return 0 on success; 1 if the file is not usable, with the reason in reason[len]
 *         (e.g. "not a CSV file: first line is '{\"Error Message\": ...'",
 *         "no column 'adjusted_close' in header", "empty file", "no data rows",
 *         "not a regular file" (a FIFO is never waited for), "ambiguous date format: ...");
 *         -1 on allocation failure.
 */
int  hc_io_read_csv(const char *path, const char *ticker, const char *column, hc_series *s,
                    char *reason, size_t len);

/**
 * Call once at the start of a program that writes reports, before MPI_Init and any other io
 * function: HDF5 is initialised with no clean-up at exit (H5dont_atexit) and, being initialised
 * before MPI, none at MPI_Finalize either. A report whose close failed (a full disk) stays open
 * inside HDF5, and HDF5's own clean-up of it crashes (HDF5 1.10.8: H5F__close_cb); the writer
 * closes or gives up every report file itself, so nothing is lost. Not collective.
 */
void hc_io_init(void);

/**
 * The cross-sectional stage's output for the report's /covariance and /backtest/covariance
 * groups (docs/report-schema.md), gathered on rank 0: plain arrays, N = the /summary rows in
 * their order. Pointers may be NULL where the model has no such array.
 */
typedef struct {
  const char *requested;      /**< -covariance as given ("none", "shrink", "dcc", "factor:K") */
  const char *model;          /**< the model that produced the forecast: "shrink", "dcc", "factor" or "none" */
  const char *reason;         /**< why not the requested model, or why none ("" otherwise) */
  int         N, n_members, window, min_overlap, K, n_pairs, iterations, tao_reason;
  long        n_low_pairs;    /**< member pairs below the overlap floor (their correlation is 0) */
  double      shrinkage, shrinkage_lw, lambda_min, a, b, se_a, se_b, loglik, explained;
  double      seconds;        /**< the stage's wall time, s (the slowest rank) */
  double      peak_rss_mb;    /**< peak resident set size after the stage, MiB (the largest rank) */
  const char *first_date, *last_date;       /**< the estimation window */
  const double *correlation;  /**< [N * N] row-major 1-step correlation (full forms), or NULL */
  const double *loadings;     /**< [N * K] row-major (factor), or NULL */
  const double *specific;     /**< [N] specific variances (factor), or NULL */
  const int  *in_matrix;      /**< [N] 1 if the ticker is in the model */
  const int  *n_obs;          /**< [N] its observations in the window */
  const char (*why)[HC_REASON_LEN]; /**< [N] why a ticker is not in the model ("" if it is) */
  /* the rolling minimum-variance backtest */
  int          bt_days, bt_refits, bt_fallbacks;
  const char (*bt_date)[HC_LABEL_LEN]; /**< [bt_days] ISO dates */
  const int   *bt_assets;               /**< [bt_days] */
  const double *r_gmv, *s_gmv, *r_ew, *s_ew; /**< [bt_days] percent */
  double       vol_gmv, vol_ew, pred_gmv, pred_ew, bias_gmv, bias_ew;
} hc_report_covariance;

/** One row of /backtest/portfolio: a book's trading metrics and its performance against the
 *  benchmark (equal-weight buy-and-hold); NaN where a figure does not apply. */
typedef struct {
  char               book[32];  /**< e.g. "gmv", "strategies", "benchmark" */
  hc_trading_metrics m;
  hc_active_metrics  a;
} hc_report_book;

/** /portfolio (the book to hold next) and /backtest/book (the daily series of the books). */
typedef struct {
  const char   *method;        /**< "gmv", "meanvar" or "riskparity" */
  int           long_only, horizon;
  double        max_weight, max_gross, max_sector_weight, risk_aversion, cost_bps;
  const char   *sectors;       /**< the -sectors file, "" if none */
  const char   *as_of;         /**< the last date of the data the book is built from */
  int           N;             /**< /summary rows */
  const double *weight;        /**< [N] in /summary order, 0 where not held */
  const char  (*why)[HC_REASON_LEN]; /**< [N] why a ticker cannot be held ("" if it can) */
  int           n_assets, n_held, iterations, converged;
  const char   *status;        /**< TAO's converged reason, or why no book */
  const char   *note;          /**< why a cap was raised to hold a budget of 1, "" otherwise */
  double        max_weight_used, max_sector_weight_used; /**< the caps the book respects */
  double        expected_return, predicted_vol, net, gross, turnover, objective;
  double        kkt_gradient, kkt_constraint, max_violation;
  /* the rolling backtest of the book */
  int           bt_days, bt_rebalances, bt_unconverged;
  double        bt_max_violation;
  const char  (*bt_date)[HC_LABEL_LEN]; /**< [bt_days] ISO dates */
  const double *r_book, *r_strategies, *r_bench, *turnover_t; /**< [bt_days] decimal returns, traded weight */
} hc_report_portfolio;

/** Provenance written as root attributes of the report. */
typedef struct {
  const char *hpcast_version;
  const char *options;        /**< the full option string of the run */
  int         n_ranks;
  int         n_books;        /**< rows of /backtest/portfolio */
  const hc_report_book *books; /**< [n_books]: the optimized book, the equal-weight book of the
                                    per-ticker strategies, the benchmark (or only the strategies) */
  const hc_report_portfolio *portfolio; /**< /portfolio and /backtest/book, or NULL (none written) */
  const char *schedule;       /**< "dynamic" or "static" (root attribute), or NULL */
  const hc_report_covariance *covariance; /**< /covariance and /backtest/covariance, or NULL (none written) */
  const hc_dm_counts *dm;     /**< the Diebold-Mariano counts (attributes of /backtest), or NULL (none written) */
  const char *model_options;  /**< "name=value" of every option that decides the models, ';'-separated (hpcast
                                   update compares its own with it), or NULL */
  const char *update_of;      /**< hpcast update: the report it updates (root attributes update_of,
                                   update_of_created_utc, n_filtered, n_refit, n_kept, refit_reasons); NULL otherwise */
  const char *update_of_created;
  int         n_filtered, n_refit, n_kept;
  const char *refit_reasons;  /**< "reason: count" of the refits, '; '-separated */
} hc_report_meta;

/**
 * Remove the temporary files `<path>.tmp.<pid>` that a killed writer left beside the report
 * (only names of that form, only in that directory). Not collective (rank 0).
 * @return the number of files removed.
 */
int hc_io_report_clean_stale(const char *path);

/**
 * Read the /perf table of a report into a malloc'd array of *n rows (free()). Columns a
 * report does not have (older schema) read as NaN / 0. Not collective.
 * @return 0, or non-zero with err set.
 */
int hc_io_report_read_perf(const char *path, int *n, hc_perf **perf, char *err, size_t errlen);

/**
 * Source of the records of a streamed report: fill *r with record i (0 <= i < n) of the report,
 * records in ticker order (strcmp, no duplicates). *r is zeroed before the call and freed with
 * hc_result_free after its use, also when the source fails. hc_io_report_write_stream asks
 * for every record twice (two passes, i = 0..n-1 each), hc_io_report_tables once; a record
 * must be the same every time it is asked for.
 * @return 0, or nonzero on failure (the write then fails).
 */
typedef int (*hc_report_source)(void *ctx, int i, hc_result *r);

/**
 * Write the report (schema_version 5, docs/report-schema.md) from n records streamed from
 * source, with memory independent of n: hc_io_report_begin, then pass 1 over the source
 * (hc_io_report_add of every record), pass 2 (hc_io_report_tables), hc_io_report_finish.
 * The file is written atomically: to `<path>.tmp.<pid>` in the same directory, flushed,
 * closed, fsync'd, then renamed over `path` (and the directory fsync'd); the directory is
 * created (mkdir -p) if needed. perf has n_perf rows, one per rank; row 0 (rank 0, the writer)
 * gets the time of the tables and the finish added to its io_s and wall_s. Not collective (one
 * rank).
 * @return 0, or non-zero with err ("report '<path>': ...") set on any failure: a record out of
 *         ticker order or duplicated (named), a failing source, a duplicate fit name, selected
 *         index >= n_fits, an ensemble member without a fit, HDF5 or file-system error. The
 *         temporary file is removed; a previous report at path is left as it was.
 */
int  hc_io_report_write_stream(const char *path, const hc_report_meta *meta, int n, hc_report_source source, void *ctx,
                               int n_perf, const hc_perf *perf, char *err, size_t errlen);

/** A report written while the run goes on: the measure of every table as the records arrive
 * (in any order: rank 0's whole per-record cost, a few microseconds); the tables, /fits
 * included, in one pass in ticker order at the end; then the portfolio and /perf. */
typedef struct hc_report_writer hc_report_writer;

/**
 * Begin a report: create `<path>.tmp.<pid>` (and the directory, mkdir -p).
 * Not collective (one rank). @return 0, or -1 with err set (*w = NULL, nothing left behind).
 */
int  hc_io_report_begin(const char *path, hc_report_writer **w, char *err, size_t errlen);
/**
 * Add record r, in any order of the records, each ticker once: count its rows, string widths
 * and parameters in every table, /fits included (the tables are written by
 * hc_io_report_tables); check its fits (unique names, the selected index, a fit per ensemble
 * member). Not collective.
 * @return 0, or -1 (the message in hc_io_report_error; the finish then fails).
 */
int  hc_io_report_add(hc_report_writer *w, const hc_result *r);
/** The first error of the writer ("" if none). */
const char *hc_io_report_error(const hc_report_writer *w);
/** Seconds spent in the writer so far (begin and add). */
double hc_io_report_seconds(const hc_report_writer *w);
/**
 * Write the per-ticker tables (/summary, /forecast, /backtest/{scores,weights,trading}, /units)
 * from the n records of source, one pass in ticker order (see hc_report_source; each record is
 * asked for once here). They must be the n records added, unchanged: the table shapes and string
 * widths were measured when they were added, and a difference is an error. At most 4096 rows per
 * table are buffered (hyperslab writes). Not collective.
 * @return 0, or -1 (the message in hc_io_report_error; the finish then fails): n differs from
 *         the records added, a record out of order or duplicated, a failing source, HDF5 error.
 */
int  hc_io_report_tables(hc_report_writer *w, int n, hc_report_source source, void *ctx);
/**
 * After hc_io_report_tables: write the root attributes, /backtest/portfolio (meta->portfolio)
 * and /perf (n_perf rows; row 0 gets the time since hc_io_report_tables began added to its io_s
 * and wall_s), publish the file atomically as hc_io_report_write_stream, and free *w (*w =
 * NULL). Not collective. @return 0, or non-zero with err set (the writer's first error, if any;
 * the temporary is removed).
 */
int  hc_io_report_finish(hc_report_writer **w, const hc_report_meta *meta, int n_perf, const hc_perf *perf, char *err,
                         size_t errlen);
/** Give up a report being written (e.g. a checkpoint): remove the temporary file, free *w. Safe on NULL. */
void hc_io_report_abort(hc_report_writer **w);

/**
 * hc_io_report_write_stream of the records results[0..n-1], which are first sorted by ticker in
 * place (for tests and small callers that hold every record). Same errors.
 */
int  hc_io_report_write(const char *path, const hc_report_meta *meta, int n, hc_result *results,
                        int n_perf, const hc_perf *perf, char *err, size_t errlen);

/** Room for the `options` root attribute of a report read back (hc_io_report_options). */
#define HC_REPORT_OPTIONS_LEN 8192

/** A report open for reading its records back, ticker by ticker (hpcast update). */
typedef struct hc_report_reader hc_report_reader;
/**
 * Open the report `path` to read records back: it must be of the schema_version this hpcast
 * writes (6), with its per-ticker tables. Not collective (each rank opens its own).
 * @return 0; 1 with the reason in err (not HDF5, another schema_version, a table missing); -1
 * out of memory.
 */
int hc_io_report_open(const char *path, hc_report_reader **rd, char *err, size_t errlen);
/** Close a reader opened by hc_io_report_open and set *rd = NULL (safe on NULL). */
void hc_io_report_close(hc_report_reader **rd);
/** The root attributes `options` (the run's option string), `model_options` and `created_utc`
 * of the report ("" if absent), and its forecast horizon. */
const char *hc_io_report_options(const hc_report_reader *rd);
const char *hc_io_report_model_options(const hc_report_reader *rd);
const char *hc_io_report_created(const hc_report_reader *rd);
int         hc_io_report_horizon(const hc_report_reader *rd);
/** The tickers of the report's /summary, in its (sorted) order, into a malloc'd *ticker[*n].
 * @return 0 or -1. */
int hc_io_report_tickers(hc_report_reader *rd, int *n, char (**ticker)[HC_NAME_LEN]);
/** The cross-sectional tracks of a report as hpcast update continues them (NULL / 0 where the
 * report has none): /backtest/covariance, /portfolio and /backtest/book. */
typedef struct {
  int    cov_days;                  /**< rows of /backtest/covariance */
  char (*cov_date)[HC_LABEL_LEN];
  int   *n_assets;
  double *r_gmv, *s_gmv, *r_ew, *s_ew;
  int    refits, fallbacks;
  double vol_gmv, vol_ew, pred_gmv, pred_ew, bias_gmv, bias_ew;
  int    N;                         /**< rows of /portfolio (the /summary rows, in its order) */
  char (*ticker)[HC_NAME_LEN];      /**< [N] the /summary tickers */
  double *weight;                   /**< [N] the book to hold after as_of */
  double turnover;                  /**< the trade into it from the backtest's last weights */
  char   as_of[HC_LABEL_LEN];
  int    book_days;                 /**< rows of /backtest/book */
  char (*book_date)[HC_LABEL_LEN];
  double *r_book, *r_bench, *turnover_t; /**< [book_days] */
  int    rebalances, unconverged;
  double max_violation;
} hc_report_tracks;
/** Read the cross-sectional tracks of the report (all zero if it has no /covariance and no
 * /portfolio). @return 0, or -1 with the reason in err (t zeroed). Not collective. */
int hc_io_report_read_tracks(hc_report_reader *rd, hc_report_tracks *t, char *err, size_t errlen);
/** Free the arrays of t and zero it. */
void hc_io_report_tracks_free(hc_report_tracks *t);

/**
 * The record of `ticker` as the report holds it, into r (initialised here, with the report's
 * horizon): the /summary row (status, dates, input identity, models, the 1-step scores, ...),
 * the /forecast row, the /fits rows (r->fits in the report's order, r->selected), the live
 * ensemble (/backtest/weights: r->member, r->weights, the members' forecasts from /fits), the
 * /backtest/scores rows, the /backtest/trading row and the 1-step track (/backtest/origins:
 * r->onestep, and r->strategy when the ticker has a trading row). What the report does not hold
 * (units, input_bytes, input_mtime_ns, parameter names beyond the /fits column's width) is 0
 * or empty. Writing the records read back gives the same tables. Not collective.
 * @return 0; 1 if the report has no such ticker (r untouched); -1 with the reason in err.
 */
int hc_io_report_read_record(hc_report_reader *rd, const char *ticker, hc_result *r, char *err, size_t errlen);

/**
 * Read the fitted models of one ticker from a report written by hc_io_report_write (the rows
 * of the /fits table whose ticker it is, found by binary search: O(log rows) reads; name,
 * param_names, params; other fields zero). A ticker that is not in the report gives
 * *n_fits = 0 and success (nothing to warm-start from); a report whose /fits is not a table
 * (schema_version < 5) is an error that says so.
 * @param fits  receives a malloc'd array of *n_fits records (free() it), or NULL
 * @return 0, or non-zero with err set if the file cannot be opened or read.
 * Not collective; several processes may read the same report concurrently.
 */
int  hc_io_report_read_fits(const char *path, const char *ticker, int *n_fits, hc_fit_record **fits, char *err,
                            size_t errlen);

/* ---- M4 wide format (wide.c) ---- */

/** One series of a wide file: its id (first field of the row) and its n values. */
typedef struct {
  char    id[HC_NAME_LEN]; /**< e.g. "W1" */
  int     n;               /**< number of values (trailing empty cells are not counted) */
  double *value;           /**< [n] */
} hc_wide_series;

/**
 * Read a file in the wide format of the M4 competition (Makridakis et al. 2020; files
 * Dataset/Train/Weekly-train.csv etc. of the repository Mcompetitions/M4-methods): a header
 * row whose first field is V1 ("V1","V2",...), then one row per series, the series id then
 * its values, rows ragged (trailing empty cells are padding). Fields may be double-quoted
 * ("" inside quotes is one quote; a field cannot span lines); LF or CRLF line ends; a UTF-8
 * byte order mark and blank lines are ignored.
 * Malformed input is an error, never a crash or a silent NaN: an empty or over-long id, an
 * empty cell followed by a value, a cell that is not a finite number, an unterminated quote.
 * @param[out] series   array of *n_series series in file order (free with hc_io_wide_free)
 * @return 0 on success; 1 if the file is not usable, with the file, line and field in err;
 *         -1 on allocation failure. On error *series is NULL and *n_series 0. Not collective.
 */
int  hc_io_read_wide(const char *path, hc_wide_series **series, int *n_series, char *err, size_t errlen);
/** Most sectors of a sector table, and the length of a sector name. */
#define HC_MAX_SECTORS 64
#define HC_SECTOR_LEN  64

/**
 * Read a sector table (-sectors FILE): a CSV whose header has a Symbol (or Ticker) column and a
 * Sector column (any case, any other columns; e.g. the S&P 500 constituents file "Symbol,Name,
 * Sector"), fields optionally double-quoted. Each of the n tickers gets the index of its sector
 * in names (the sectors in order of first appearance), or -1 if the file does not list it or
 * gives it no sector. n = 0 only checks the file.
 * @param[out] sector     [n] sector index of each ticker, or -1
 * @param[out] n_sectors  distinct sectors (at most HC_MAX_SECTORS)
 * @param[out] names      [HC_MAX_SECTORS] their names
 * @return 0; 1 if the file cannot be read or has no such columns, or more than HC_MAX_SECTORS
 *         sectors (the file and line in err); -1 on allocation failure. Not collective.
 */
int hc_io_read_sectors(const char *path, int n, const char (*ticker)[HC_NAME_LEN], int *sector, int *n_sectors,
                       char (*names)[HC_SECTOR_LEN], char *err, size_t errlen);
/** Free the array returned by hc_io_read_wide (safe on NULL). */
void hc_io_wide_free(hc_wide_series *series, int n_series);

/* ---- HDF5 panel universe (panel.c; layout in docs/panel.md) ---- */

#define HC_PANEL_FORMAT      "hpcast-panel" /**< root attribute `format` of a panel file */
#define HC_PANEL_VERSION     1              /**< root attribute `format_version` this hpcast reads and writes */
#define HC_PANEL_MAX_COLUMNS 16             /**< most value columns of a panel */

/** @return 1 if the file at path is a regular file that starts with the HDF5 signature (a panel,
 *  or another HDF5 file), else 0 (also when it cannot be opened; a FIFO is never opened). Not
 *  collective. */
int hc_io_is_panel(const char *path);

/**
 * A universe of the panel file `file`: one entry per ticker of its index, in the file's order
 * (sorted by strcmp, unique), path = file, bytes = the ticker's rows x 8 x its datasets (the
 * scheduler's cost proxy, like a CSV's size), mtime_ns = the file's, reason = the panel's
 * `/reason` of the ticker (what the converter could not store, e.g. "empty file"). Reads only
 * the index (O(N)), never the rows; is_panel = 1. u is overwritten (zeroed on error). Not collective.
 * @return 0; -1 with err if the file cannot be opened, is not an hpcast panel of
 *         HC_PANEL_VERSION, its index is malformed or unsorted, or memory runs out.
 */
int hc_io_universe_panel(const char *file, hc_universe *u, char *err, size_t errlen);

/** An open panel file (read-only), for the rows of one ticker at a time. */
typedef struct hc_panel hc_panel;
/**
 * Open a panel file for reading and read its offsets (N + 1 int64: 8 bytes per ticker held
 * while open). Each rank opens the file itself (HDF5's sec2 driver, read-only): a ticker's
 * read is independent of the other ranks', whichever rank the dynamic schedule gives it to.
 * @return 0; -1 with err as for hc_io_universe_panel (*p = NULL). Not collective.
 */
int hc_io_panel_open(const char *path, hc_panel **p, char *err, size_t errlen);
/** The panel's value columns (names [HC_NAME_LEN], in name order; valid while p is open).
 *  @return their number. */
int hc_io_panel_columns(const hc_panel *p, const char (**names)[HC_NAME_LEN]);
/**
 * Read ticker i (its universe index) of the panel into s, as hc_io_read_csv reads a CSV file:
 * value = column `column`; volume, high, low, close when the panel has those columns; labels as
 * the source wrote them (the ISO rendering of the times, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`,
 * or the labels the panel keeps for the ticker; 1, 2, ... for an undated ticker of a wide
 * file); time and labels_are_dates for a dated ticker; note = the panel's `/note`. Reads the
 * ticker's own rows only: one hyperslab per dataset. Not collective.
 * @return 0; 1 with reason ("no data rows", "no column 'x' in the panel", a read error naming
 *         the file); -1 on allocation failure.
 */
int hc_io_panel_read(const hc_panel *p, int i, const char *ticker, const char *column, hc_series *s, char *reason, size_t len);
/** Close a panel and set *p = NULL (safe on NULL). */
void hc_io_panel_close(hc_panel **p);

/** A panel file being written (hc_io_panel_create, _append, _finish). */
typedef struct hc_panel_writer hc_panel_writer;
/**
 * Begin the panel `path` with the value columns columns[0..n_columns-1] (unique names without
 * '/' or '.'); the data datasets chunked by 65,536 rows, deflate-compressed at level (0..9, 0:
 * none) after a byte shuffle. Written to `<path>.tmp.<pid>`, published by hc_io_panel_finish.
 * Not collective.
 * @return 0; -1 with err (*w = NULL, nothing left behind).
 */
int hc_io_panel_create(const char *path, int n_columns, const char *const *columns, int level, hc_panel_writer **w, char *err,
                       size_t errlen);
/**
 * Append ticker `ticker` (after the previous one by strcmp) with n rows oldest first: time[n]
 * (seconds since 1970-01-01 UTC; NULL: the labels are not dates), label[n] (the labels as the
 * source wrote them; NULL: their canonical rendering, which the panel then stores nothing for,
 * as it does for labels equal to it), columns[c][n] for each column (a NULL array stores NaN),
 * its reason (non-empty: the data could not be read, n = 0) and note (NULL or "" for none).
 * Not collective.
 * @return 0; -1 with err (a ticker out of order, memory, an HDF5 or disk error).
 */
int hc_io_panel_append(hc_panel_writer *w, const char *ticker, int n, const long long *time, const char (*label)[HC_LABEL_LEN],
                       const double *const *columns, const char *reason, const char *note, char *err, size_t errlen);
/** Close the panel, fsync it and rename it to its path; frees *w and sets it NULL. @return 0,
 *  or -1 with err (the temporary file is removed). Not collective. */
int hc_io_panel_finish(hc_panel_writer **w, char *err, size_t errlen);
/** Give up a panel being written: close it and remove its temporary file (safe on NULL). */
void hc_io_panel_abort(hc_panel_writer **w);

/* ---- journal of finished work units (journal.c) ---- */

/** An open journal (append mode, or read-only from hc_io_journal_open_read). */
typedef struct hc_journal hc_journal;

/**
 * Visitor of the records of a journal, called once per valid record in file order.
 * r is owned by the journal and freed after the call (copy what must outlive it); offset is
 * the record's byte offset for hc_io_journal_read_at. A nonzero return stops the scan and is
 * returned by the opening function.
 */
typedef int (*hc_journal_visit)(void *ctx, const hc_result *r, long offset);

/**
 * Open the journal `path` of a run whose result-affecting options hash to `fingerprint`.
 * resume = 0: start a new journal (an existing file is truncated). resume = 1 (auto): if the
 * file is a journal with the same fingerprint and record layout, visit(ctx, record, offset) is
 * called for each of its valid records in file order (one record in memory at a time; visit
 * may be NULL), a torn or corrupt tail is cut off, and new records are appended after the
 * valid ones; otherwise a new journal is started. resume = 2 (required): as 1, but a journal of
 * other options is an error. Not collective (rank 0).
 * @return 0; ENOMEM; visit's nonzero return (the journal is then closed, *j = NULL); -1 with
 *         err set on a file-system error.
 */
int hc_io_journal_open(const char *path, uint64_t fingerprint, int resume, hc_journal **j, hc_journal_visit visit, void *ctx,
                       char *err, size_t errlen);
/**
 * Open the journal `path` read-only (hpcast merge): its fingerprint in *fingerprint, and
 * visit(ctx, record, offset) for each valid record in file order (a torn tail is ignored, the
 * file is not modified). The file stays open for hc_io_journal_read_at; close it with
 * hc_io_journal_close(j, 0). Not collective.
 * @return 0, ENOMEM, visit's nonzero return, or -1 with err if the file is not a journal of
 *         this build or cannot be read (*j = NULL on any failure).
 */
int hc_io_journal_open_read(const char *path, uint64_t *fingerprint, hc_journal **j, hc_journal_visit visit, void *ctx, char *err,
                            size_t errlen);
/**
 * Append n records: pack them and queue them for the journal's writer thread (a POSIX thread
 * started at the first append, signals blocked), which writes them in order (CRC-32, pwrite), so
 * that the caller does not wait for the file system (it waits only while the queue holds
 * HC_JOURNAL_QUEUE_BYTES). They are durable (fsync) after the first write at least the sync
 * interval after the last fsync, at hc_io_journal_sync and at hc_io_journal_close (interval 0,
 * the default: before this call returns). Until written they are lost by a kill of the process,
 * once written only by a crash of the node. If offsets is not NULL, offsets[i] receives the byte
 * offset of record i (for hc_io_journal_read_at, which waits for the write). Not collective;
 * one appending thread per journal. @return 0, ENOMEM, or -1 with err set (a write or fsync of
 * the thread failed, reported by this or a later call; nothing is written after it).
 */
int hc_io_journal_append(hc_journal *j, int n, const hc_result *records, long *offsets, char *err, size_t errlen);
/**
 * Read the record at byte offset `offset` (from a visitor or hc_io_journal_append) into *r
 * (allocates its arrays; free with hc_result_free), checking its CRC. Works on a journal open
 * for appending (appends continue after it) and on a read-only one. Not collective.
 * @return 0, ENOMEM, or -1 with err if there is no valid record at offset or a read fails.
 */
int hc_io_journal_read_at(hc_journal *j, long offset, hc_result *r, char *err, size_t errlen);
/** Records of a journal read back in a given order by a background thread (read-ahead). */
typedef struct hc_journal_reader hc_journal_reader;
/**
 * Start reading the n records at offset[0..n-1] (offsets from a visitor or
 * hc_io_journal_append; any order, e.g. ticker order for the report's tables) with a POSIX
 * thread that reads up to `depth` records ahead of the caller (pread, CRC-32 check, unpack),
 * so that the file reads and checks overlap the caller's work on the previous records; the
 * thread also asks the kernel to read the next HC_JOURNAL_ADVISE_BATCH records' bytes into the
 * page cache in file order (posix_fadvise), as the caller's order need not be the file's. The
 * journal must not be appended to or closed, nor offset[] changed, until
 * hc_io_journal_reader_stop. Memory: at most depth unpacked records and 8 n bytes of offsets. Not collective.
 * @return 0, ENOMEM, or -1 with err set if the thread cannot be started.
 */
int hc_io_journal_reader_start(hc_journal *j, int n, const long *offset, int depth, hc_journal_reader **rd, char *err,
                               size_t errlen);
/**
 * The next record, offset[k] at the k-th call, into *r (as hc_io_journal_read_at: free with
 * hc_result_free). Not collective.
 * @return 0, ENOMEM, or -1 with err if there is no valid record at that offset, a read
 *         failed, or all n records were taken (the reader stops at its first failure).
 */
int hc_io_journal_reader_next(hc_journal_reader *rd, hc_result *r, char *err, size_t errlen);
/** Bytes of packed records the writer thread may have queued before hc_io_journal_append waits
 * (about 200 records of 40 KB: a few tenths of a second of rank 0's records at 1,024 ranks). */
#define HC_JOURNAL_QUEUE_BYTES (8u << 20)
/** Read-ahead depth of the main job's tables pass (records; about 40 KB each, unpacked). */
#define HC_JOURNAL_READ_AHEAD 64
/** Records a reader asks the kernel to read ahead at a time (posix_fadvise, in file order). */
#define HC_JOURNAL_ADVISE_BATCH 1024
/** Stop the reader thread, free the records read ahead and not taken, *rd = NULL (safe on NULL). */
void hc_io_journal_reader_stop(hc_journal_reader **rd);
/**
 * Group commit: fsync the appended records at most once per `seconds` (0: at every append) —
 * what a collector receiving hundreds of records per second needs, since an fsync costs about a
 * millisecond or more (much more on a parallel file system). Not collective.
 */
void hc_io_journal_set_sync_interval(hc_journal *j, double seconds);
/** The main job's group-commit interval (s): a node crash costs at most this much of finished work. */
#define HC_JOURNAL_SYNC_S 1.0
/** Make every appended record durable: wait for the writer thread to write the queue, then
 * fsync if any record was written since the last. Not collective. @return 0, or -1 with err set. */
int hc_io_journal_sync(hc_journal *j, char *err, size_t errlen);
/** Close the journal: the writer thread writes the queue and ends; remove_file = 1 deletes the
 * file (after the report is published), else its records are made durable first
 * (hc_io_journal_sync). @return 0 or -1 (a write, fsync, close or unlink failed). */
int hc_io_journal_close(hc_journal **j, int remove_file);

#endif
