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

/** The tickers of a universe: one entry per input file, sorted by ticker (strcmp). */
typedef struct {
  int    n;
  char (*ticker)[HC_NAME_LEN]; /**< [n] file stem */
  char (*path)[HC_PATH_LEN];   /**< [n] full path */
  long  *bytes;                /**< [n] file size in bytes (cost proxy: ~ observations) */
} hc_universe;

/**
 * List every regular file `*.csv` of directory `dir` (not recursive) as a universe.
 * Ticker = file name without the `.csv` suffix. Sorted by ticker.
 * @return 0, or non-zero if the directory cannot be read or holds no CSV file.
 */
int  hc_io_universe_dir(const char *dir, hc_universe *u, char *err, size_t errlen);
/** A universe of a single file; ticker = file stem. @return 0, or non-zero if it does not exist. */
int  hc_io_universe_file(const char *file, hc_universe *u, char *err, size_t errlen);
void hc_io_universe_free(hc_universe *u);

/**
 * Read one CSV series. The file must have a header line; the first column is the
 * observation label (kept as given, surrounding double quotes removed; labels_are_dates
 * is set if every label is an ISO date YYYY-MM-DD), `column` selects the value column
 * (NaN where a cell is empty or not a number), and columns named `volume`, `high`, `low`
 * and `close`, if any, fill s->volume, s->high, s->low and s->close (else they stay NULL). Line endings LF or CRLF; fields may be double-quoted.
 * @return 0 on success; 1 if the file is not usable, with the reason in reason[len]
 *         (e.g. "not a CSV file: first line is '{\"Error Message\": ...'",
 *         "no column 'adjusted_close' in header", "empty file", "no data rows");
 *         -1 on allocation failure.
 */
int  hc_io_read_csv(const char *path, const char *ticker, const char *column, hc_series *s,
                    char *reason, size_t len);

/** Provenance written as root attributes of the report. */
typedef struct {
  const char *hpcast_version;
  const char *options;        /**< the full option string of the run */
  int         n_ranks;
  const hc_trading_metrics *portfolio; /**< the equal-weight universe portfolio, or NULL */
  const char *schedule;       /**< "dynamic" or "static" (root attribute), or NULL */
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
 * Write the report (schema_version 2, docs/report-schema.md) atomically:
 * to `<path>.tmp.<pid>` in the same directory, flushed, fsync'd, closed, then
 * renamed over `path` (and the directory fsync'd). results[0..n-1] are written
 * sorted by ticker (the array is sorted in place). perf has n_perf rows, one per rank; row 0
 * (rank 0, the writer) gets the time of this write added to its io_s and wall_s.
 * @return 0, or non-zero with err set (the temporary file is removed).
 */
int  hc_io_report_write(const char *path, const hc_report_meta *meta, int n, hc_result *results,
                        int n_perf, const hc_perf *perf, char *err, size_t errlen);

/**
 * Read the fitted models of one ticker from a report written by hc_io_report_write
 * (/fits/<ticker>/<name>: name, param_names, params; other fields zero). A ticker that is
 * not in the report gives *n_fits = 0 and success (a new ticker has nothing to warm-start).
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
/** Free the array returned by hc_io_read_wide (safe on NULL). */
void hc_io_wide_free(hc_wide_series *series, int n_series);

/* ---- journal of finished work units (journal.c) ---- */

/** An open journal (append mode). */
typedef struct hc_journal hc_journal;

/**
 * Open the journal `path` of a run whose result-affecting options hash to `fingerprint`.
 * resume = 0: start a new journal (an existing file is truncated). resume = 1 (auto): if the
 * file is a journal with the same fingerprint and record layout, its valid records are
 * returned in *done (malloc'd array of *n_done records; free each with hc_result_free and the
 * array with free()), a torn tail is cut off, and new records are appended; otherwise a new
 * journal is started. resume = 2 (required): as 1, but a journal of other options is an error.
 * Not collective (rank 0). @return 0; ENOMEM; -1 with err set on a file-system error.
 */
int hc_io_journal_open(const char *path, uint64_t fingerprint, int resume, hc_journal **j, int *n_done, hc_result **done,
                       char *err, size_t errlen);
/** Append n records and fsync: when it returns 0 they survive a crash. @return 0, ENOMEM, or -1 with err. */
int hc_io_journal_append(hc_journal *j, int n, const hc_result *records, char *err, size_t errlen);
/** Read every valid record of a journal (read only; hpcast merge), its fingerprint in *fingerprint.
 * @return 0, ENOMEM, or -1 with err if the file is not a journal of this build. */
int hc_io_journal_read(const char *path, uint64_t *fingerprint, int *n, hc_result **records, char *err, size_t errlen);
/** Close the journal; remove_file = 1 deletes it (after the report is published). @return 0 or -1. */
int hc_io_journal_close(hc_journal **j, int remove_file);

#endif
