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
} hc_report_meta;

/**
 * Write the report (schema_version 1, docs/report-schema.md) atomically:
 * to `<path>.tmp.<pid>` in the same directory, flushed, fsync'd, closed, then
 * renamed over `path` (and the directory fsync'd). results[0..n-1] are written
 * sorted by ticker (the array is sorted in place). perf has n_perf rows, one per rank.
 * @return 0, or non-zero with err set (the temporary file is removed).
 */
int  hc_io_report_write(const char *path, const hc_report_meta *meta, int n, hc_result *results,
                        int n_perf, const hc_perf *perf, char *err, size_t errlen);

#endif
