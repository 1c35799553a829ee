/**
 * @file test_io.c
 * @brief Unit tests of the io module: CSV reader on the real data of
 *        ../shared/data and on crafted bad files, universe listing, and the
 *        HDF5 report (written, then read back with the plain HDF5 API).
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "hpcast/core.h"
#include "hpcast/io.h"
#include "tmpdir.h"

/* ---------------------------------------------------------------- helpers */

/** $HPCAST_SOURCE_ROOT/<rel> (the data lives at <root>/../shared/data). */
static const char *src_path(const char *rel)
{
  static char buf[8][HC_PATH_LEN];
  static int k;
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert(root, "HPCAST_SOURCE_ROOT is not set (run through meson test)");
  char *b = buf[k++ % 8];
  snprintf(b, HC_PATH_LEN, "%s/%s", root, rel);
  return b;
}

static const char *data_path(const char *rel)
{
  char tmp[HC_PATH_LEN];
  snprintf(tmp, sizeof tmp, "../shared/data/%s", rel);
  return src_path(tmp);
}

static void write_file(const char *path, const void *bytes, size_t n)
{
  FILE *f = fopen(path, "wb");
  cr_assert(f, "cannot create %s", path);
  cr_assert_eq(fwrite(bytes, 1, n, f), n);
  fclose(f);
}

/** Number of entries of dir whose name contains `part`. */
static int count_names(const char *dir, const char *part)
{
  DIR *d = opendir(dir);
  cr_assert(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, part)) n++;
  closedir(d);
  return n;
}

/* ------------------------------------------------------------- CSV: real */

Test(csv, aapl_real_file)
{
  hc_series s;
  char why[HC_REASON_LEN];
  /* wc -l: 5403 lines = header + 5402 data rows */
  cr_assert_eq(hc_io_read_csv(data_path("sp500/AAPL.csv"), "AAPL", "adjusted_close", &s, why, sizeof why), 0,
               "%s", why);
  cr_assert_eq(s.n, 5402);
  cr_assert_str_eq(s.ticker, "AAPL");
  cr_assert_str_eq(s.label[0], "1999-11-01");
  cr_assert_str_eq(s.label[s.n - 1], "2021-04-21");
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_float_eq(s.value[0], 0.596878742448, 1e-15);
  cr_assert_str_eq(s.label[999], "2003-10-23"); /* line 1001 of the file */
  cr_assert_float_eq(s.value[999], 0.353574910819, 1e-15);
  cr_assert_float_eq(s.value[s.n - 1], 133.5, 1e-12);
  cr_assert_not_null(s.volume);
  cr_assert_float_eq(s.volume[0], 2487300.0, 0.0);
  cr_assert_float_eq(s.volume[s.n - 1], 68538237.0, 0.0);
  for (int i = 0; i < s.n; i++) cr_assert(isfinite(s.value[i]) && s.value[i] > 0, "row %d", i);
  hc_series_free(&s);
}

Test(csv, dem2gbp_integer_labels)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(hc_io_read_csv(data_path("reference/dem2gbp.csv"), "dem2gbp", "Y", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 1974);
  cr_assert_str_eq(s.label[0], "1");
  cr_assert_str_eq(s.label[1973], "1974");
  cr_assert_eq(s.labels_are_dates, 0);
  cr_assert_null(s.volume);
  cr_assert_float_eq(s.value[0], 0.125333, 1e-15);
  cr_assert_float_eq(s.value[1], 0.028874, 1e-15);
  cr_assert_float_eq(s.value[1973], 0.528047, 1e-15);
  hc_series_free(&s);
}

Test(csv, airline_month_labels)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(hc_io_read_csv(data_path("reference/airline.csv"), "airline", "lg", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 144);
  cr_assert_str_eq(s.label[0], "1949M01");
  cr_assert_str_eq(s.label[143], "1960M12");
  cr_assert_eq(s.labels_are_dates, 0);
  cr_assert_float_eq(s.value[0], 4.7184988713, 1e-15);
  cr_assert_float_eq(s.value[143], 6.0684255882, 1e-15);
  hc_series_free(&s);
}

Test(csv, djclose_quoted_dates)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(hc_io_read_csv(data_path("reference/djclose.csv"), "dj", "djclose", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 2528);
  cr_assert_str_eq(s.label[0], "1980-01-02");
  cr_assert_str_eq(s.label[s.n - 1], "1989-12-29");
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_float_eq(s.value[0], 824.57, 1e-12);
  cr_assert_float_eq(s.value[s.n - 1], 2753.2, 1e-12);
  hc_series_free(&s);
}

Test(csv, whole_sp500_universe_loads)
{
  hc_universe u;
  char err[512];
  cr_assert_eq(hc_io_universe_dir(data_path("sp500"), &u, err, sizeof err), 0, "%s", err);
  cr_assert_eq(u.n, 297);
  cr_assert_str_eq(u.ticker[0], "A");
  cr_assert_str_eq(u.ticker[u.n - 1], "ZTS");
  int brk = 0;
  for (int i = 0; i < u.n; i++) {
    if (i) cr_assert_lt(strcmp(u.ticker[i - 1], u.ticker[i]), 0, "not sorted at %d", i);
    if (!strcmp(u.ticker[i], "BRK.B")) brk = 1;
    cr_assert_gt(u.bytes[i], 0);
    cr_assert_str_eq(u.reason[i], "", "%s", u.ticker[i]);
    hc_series s;
    char why[HC_REASON_LEN];
    cr_assert_eq(hc_io_read_csv(u.path[i], u.ticker[i], "adjusted_close", &s, why, sizeof why), 0, "%s: %s",
                 u.ticker[i], why);
    cr_assert_gt(s.n, 0);
    cr_assert_eq(s.labels_are_dates, 1, "%s", u.ticker[i]);
    cr_assert_str_eq(s.ticker, u.ticker[i]);
    hc_series_free(&s);
  }
  cr_assert(brk, "BRK.B.csv -> ticker BRK.B");
  hc_io_universe_free(&u);
  cr_assert_eq(u.n, 0);
}

/* -------------------------------------------------------------- CSV: bad */

static int read_bad(const char *name, hc_series *s, char *why, size_t len)
{
  char rel[64];
  snprintf(rel, sizeof rel, "tests/data/bad/%s", name);
  return hc_io_read_csv(src_path(rel), name, "adjusted_close", s, why, len);
}

Test(csv_bad, errmsg_is_rejected_with_reason)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_bad("ERRMSG.csv", &s, why, sizeof why), 1);
  cr_assert_not_null(strstr(why, "not a CSV file with column 'adjusted_close'"), "%s", why);
  cr_assert_not_null(strstr(why, "first line: '{'"), "%s", why);
  cr_assert_eq(s.n, 0);
  cr_assert_null(s.value);
}

Test(csv_bad, errmsg_single_line_is_truncated)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/X.csv", dir);
  const char *msg = "{\"Error Message\": \"Invalid API call. Please retry or visit the documentation.\"}\n";
  write_file(p, msg, strlen(msg));
  hc_series s;
  cr_assert_eq(hc_io_read_csv(p, "X", "adjusted_close", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "not a CSV file with column 'adjusted_close' "
                        "(first line: '{\"Error Message\": \"Invalid API call. Ple...')");
  test_rm_tree(dir);
}

Test(csv_bad, empty_file)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_bad("EMPTY.csv", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "empty file");
}

Test(csv_bad, nan_prices_load_as_nan)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_bad("NANPRICE.csv", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 12);
  cr_assert_eq(s.labels_are_dates, 1);
  for (int i = 0; i < s.n; i++) {
    if (i == 5 || i == 9) cr_assert(isnan(s.value[i]), "row %d ('nan' / empty cell)", i);
    else cr_assert(isfinite(s.value[i]), "row %d", i);
  }
  cr_assert_float_eq(s.volume[5], 2000000.0, 0.0);
  hc_series_free(&s);
}

Test(csv_bad, negative_price_loads)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_bad("NEGPRICE.csv", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 11);
  cr_assert_float_eq(s.value[5], -0.741061638878, 1e-15);
  hc_series_free(&s);
}

Test(csv_bad, duplicate_date_loads)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_bad("DUPDATE.csv", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 12);
  cr_assert_str_eq(s.label[4], "1999-11-05");
  cr_assert_str_eq(s.label[5], "1999-11-05");
  hc_series_free(&s);
}

Test(csv_bad, short_series_loads)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_bad("SHORT.csv", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 50);
  cr_assert_str_eq(s.label[49], "2000-01-11");
  hc_series_free(&s);
}

Test(csv_bad, missing_file_and_missing_column)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(hc_io_read_csv("/nonexistent/x.csv", "x", "y", &s, why, sizeof why), 1);
  cr_assert_not_null(strstr(why, "cannot open"), "%s", why);
  cr_assert_eq(hc_io_read_csv(data_path("sp500/AAPL.csv"), "AAPL", "adj_close", &s, why, sizeof why), 1);
  cr_assert_not_null(strstr(why, "column 'adj_close'"), "%s", why);
  cr_assert_not_null(strstr(why, "first line: 'timestamp,open,"), "%s", why);
}

Test(csv_bad, fifo_and_directory_refused_without_blocking)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/F.csv", dir);
  cr_assert_eq(mkfifo(p, 0600), 0);
  cr_assert_eq(hc_io_read_csv(p, "F", "v", &s, why, sizeof why), 1); /* no writer: would block */
  cr_assert_str_eq(why, "not a regular file");
  cr_assert_eq(hc_io_read_csv(dir, "D", "v", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "not a regular file");
  cr_assert_null(s.label);
  test_rm_tree(dir);
}

/* ---------------------------------------------------------- CSV: crafted */

Test(csv_crafted, header_only_and_blank_lines)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/h.csv", dir);
  write_file(p, "date,v\n\n  \n", 11);
  cr_assert_eq(hc_io_read_csv(p, "h", "v", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "no data rows");
  write_file(p, "\n\r\n", 3);
  cr_assert_eq(hc_io_read_csv(p, "h", "v", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "empty file");
  test_rm_tree(dir);
}

Test(csv_crafted, crlf_quotes_short_rows_and_non_numbers)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/c.csv", dir);
  const char *text =
    "\xEF\xBB\xBF\"date\", \"name, with comma\" ,value,volume\r\n"
    "\"2020-02-29\",\"a, b\",1.5,100\r\n" /* leap day, quoted comma */
    "2021-01-01,x,  2.5e1 ,\r\n"         /* whitespace around a number; empty volume */
    "2021-01-02,x,nan,7\r\n"
    "2021-01-03,x,inf,7\r\n"
    "2021-01-04,x,1.5x,7\r\n"
    "2021-01-05,x,1e999,7\r\n"
    "2021-01-06,x\r\n"                   /* short row */
    "2021-01-07,x,\"3\",\"4\"\r\n"       /* quoted numbers */
    "\r\n\r\n";
  write_file(p, text, strlen(text));
  cr_assert_eq(hc_io_read_csv(p, "c", "value", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 8);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_str_eq(s.label[0], "2020-02-29");
  cr_assert_float_eq(s.value[0], 1.5, 0.0);
  cr_assert_float_eq(s.volume[0], 100.0, 0.0);
  cr_assert_float_eq(s.value[1], 25.0, 0.0);
  cr_assert(isnan(s.volume[1]));
  for (int i = 2; i <= 6; i++) cr_assert(isnan(s.value[i]), "row %d", i);
  cr_assert(isnan(s.volume[6]));
  cr_assert_float_eq(s.value[7], 3.0, 0.0);
  cr_assert_float_eq(s.volume[7], 4.0, 0.0);
  hc_series_free(&s);

  /* the column may also be found by its quoted, spaced header name */
  cr_assert_eq(hc_io_read_csv(p, "c", "name, with comma", &s, why, sizeof why), 0, "%s", why);
  cr_assert(isnan(s.value[0])); /* "a, b" is not a number */
  hc_series_free(&s);
  test_rm_tree(dir);
}

/* Every number the reader parses is strtod's to the bit: decimals of up to 20 significant digits,
 * with and without sign, point, leading and trailing zeros and exponents from -330 to 330 (the
 * plain ones take the reader's fast path, the others strtod itself), written by a fixed-seed
 * generator, one per row. */
Test(csv_crafted, numbers_are_strtod_to_the_bit)
{
  char               dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN], (*num)[48];
  const int          n = 20000;
  unsigned long long x = 0x9E3779B97F4A7C15ULL;
  hc_series          s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/n.csv", dir);
  cr_assert_not_null(num = malloc((size_t)n * sizeof *num));
  FILE *f = fopen(p, "w");
  cr_assert_not_null(f);
  fprintf(f, "i,v\n");
  for (int i = 0; i < n; i++) {
    char *q = num[i];
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const int nd = 1 + (int)(x % 20), point = (int)((x >> 8) % (nd + 2)), ex = (int)((x >> 16) % 4);
    if ((x >> 20) & 1) *q++ = (x >> 21) & 1 ? '-' : '+';
    for (int d = 0; d < nd; d++) {
      if (d == point) *q++ = '.';
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      *q++ = (char)('0' + (d == 0 && (x >> 40) % 3 == 0 ? 0 : (int)(x % 10)));
    }
    if (point == nd) *q++ = '.';
    if (ex) q += sprintf(q, "%c%d", ex == 1 ? 'e' : 'E', (int)((x >> 24) % 661) - 330);
    *q = '\0';
    fprintf(f, "%d,%s\n", i + 1, num[i]);
  }
  fclose(f);
  cr_assert_eq(hc_io_read_csv(p, "n", "v", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, n);
  for (int i = 0; i < n; i++) {
    const double want = strtod(num[i], NULL);
    if (!isfinite(want)) cr_assert(isnan(s.value[i]), "%s: %.17g", num[i], s.value[i]);
    else cr_assert(memcmp(&s.value[i], &want, sizeof want) == 0, "%s: %.17g, strtod %.17g", num[i], s.value[i], want);
  }
  hc_series_free(&s);
  free(num);
  test_rm_tree(dir);
}

Test(csv_crafted, invalid_dates_and_long_labels)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/d.csv", dir);
  const char *bad_dates[] = {"2021-02-29", "2021-13-01", "2021-04-31", "2021-00-10", "1900-02-29", "2021-1-01",
                             "2021-01-01x"};
  for (size_t k = 0; k < sizeof bad_dates / sizeof bad_dates[0]; k++) {
    char text[128];
    snprintf(text, sizeof text, "d,v\n2000-02-29,1\n%s,2\n", bad_dates[k]);
    write_file(p, text, strlen(text));
    cr_assert_eq(hc_io_read_csv(p, "d", "v", &s, why, sizeof why), 0, "%s", why);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.labels_are_dates, 0, "%s is not a date", bad_dates[k]);
    hc_series_free(&s);
  }
  const char *text = "d,v\nthis-label-is-much-longer-than-thirty-one-bytes,1\n";
  write_file(p, text, strlen(text));
  cr_assert_eq(hc_io_read_csv(p, "d", "v", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(strlen(s.label[0]), HC_LABEL_LEN - 1);
  cr_assert_eq(strncmp(s.label[0], "this-label-is-much-longer-than-", HC_LABEL_LEN - 1), 0);
  hc_series_free(&s);
  test_rm_tree(dir);
}

Test(csv_crafted, very_long_lines)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/l.csv", dir);
  size_t big = 4u << 20; /* a 4 MiB extra field on each row */
  FILE *f = fopen(p, "wb");
  cr_assert(f);
  fputs("d,v,junk\n", f);
  for (int r = 0; r < 3; r++) {
    fprintf(f, "2020-01-0%d,%d,", r + 1, r);
    for (size_t i = 0; i < big; i++) fputc('z', f);
    fputc('\n', f);
  }
  fclose(f);
  cr_assert_eq(hc_io_read_csv(p, "l", "v", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 3);
  cr_assert_float_eq(s.value[2], 2.0, 0.0);
  hc_series_free(&s);
  cr_assert_eq(hc_io_read_csv(p, "l", "junk", &s, why, sizeof why), 0, "%s", why);
  cr_assert(isnan(s.value[0]));
  hc_series_free(&s);
  test_rm_tree(dir);
}

Test(csv_crafted, binary_garbage_never_crashes)
{
  char dir[256], p[HC_PATH_LEN], why[HC_REASON_LEN];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/g.csv", dir);
  size_t n = 1u << 16;
  unsigned char *buf = malloc(n + 64);
  cr_assert(buf);
  unsigned x = 12345u;
  for (int trial = 0; trial < 20; trial++) {
    size_t off = 0;
    if (trial % 2) { /* half the trials behind a valid header */
      memcpy(buf, "d,v\n", 4);
      off = 4;
    }
    for (size_t i = off; i < n; i++) {
      x = x * 1103515245u + 12345u;
      buf[i] = (unsigned char)(x >> 16);
    }
    write_file(p, buf, n);
    int rc = hc_io_read_csv(p, "g", "v", &s, why, sizeof why);
    cr_assert(rc == 0 || rc == 1, "trial %d rc %d", trial, rc);
    if (rc == 0) {
      for (int i = 0; i < s.n; i++) cr_assert_lt(strlen(s.label[i]), (size_t)HC_LABEL_LEN);
      hc_series_free(&s);
    } else {
      cr_assert_gt(strlen(why), 0);
      for (const char *c = why; *c; c++) cr_assert(*c >= 0x20 && *c < 0x7f, "reason is printable");
    }
  }
  free(buf);
  test_rm_tree(dir);
}

/* ------------------------------------------------------------ CSV: dates */

static int read_dates(const char *name, const char *column, hc_series *s, char *why, size_t len)
{
  char rel[96];
  snprintf(rel, sizeof rel, "tests/data/dates/%s", name);
  return hc_io_read_csv(src_path(rel), name, column, s, why, len);
}

/* Issue 25's reproduction: 600 AAPL rows, " 00:00:00" appended, newest first: dates, reversed
 * (every column), with the note. Epoch seconds by hand: 1999-11-01 is day 29 * 365 + 7 leap days
 * + 304 = 10896 after 1970-01-01; 2002-03-25 is day 11771. */
Test(csv_dates, newest_first_midnight_reversed)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_dates("newest_first_midnight.csv", "adjusted_close", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 600);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_not_null(s.time);
  cr_assert_str_eq(s.note, "reversed: newest first");
  cr_assert_str_eq(s.label[0], "1999-11-01 00:00:00");
  cr_assert_eq(s.time[0], 10896LL * 86400);
  cr_assert_eq(s.time[0], 941414400LL);
  cr_assert_str_eq(s.label[599], "2002-03-25 00:00:00");
  cr_assert_eq(s.time[599], 11771LL * 86400);
  for (int i = 1; i < s.n; i++) cr_assert_gt(s.time[i], s.time[i - 1], "row %d", i);
  /* the first AAPL row, and the 600th, in every array */
  cr_assert_float_eq(s.value[0], 0.596878742448, 1e-15);
  cr_assert_float_eq(s.volume[0], 2487300.0, 0.0);
  cr_assert_float_eq(s.high[0], 80.69, 1e-12);
  cr_assert_float_eq(s.low[0], 77.37, 1e-12);
  cr_assert_float_eq(s.close[0], 77.62, 1e-12);
  cr_assert_float_eq(s.value[599], 0.359111534042, 1e-15);
  cr_assert_float_eq(s.volume[599], 4693400.0, 0.0);
  cr_assert_float_eq(s.high[599], 24.09, 1e-12);
  cr_assert_float_eq(s.low[599], 23.24, 1e-12);
  cr_assert_float_eq(s.close[599], 23.35, 1e-12);
  hc_series_free(&s);
  cr_assert_null(s.time);
  cr_assert_str_eq(s.note, "");
}

Test(csv_dates, month_first_newest_first)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_dates("mdy_newest_first.csv", "adjusted_close", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 30);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_str_eq(s.note, "reversed: newest first");
  cr_assert_str_eq(s.label[0], "11/01/1999");
  cr_assert_eq(s.time[0], 941414400LL);
  cr_assert_str_eq(s.label[29], "12/13/1999");
  cr_assert_eq(s.time[29], 941414400LL + 42 * 86400); /* 42 days later */
  cr_assert_float_eq(s.value[29], 0.761285693151, 1e-15);
  cr_assert_float_eq(s.volume[29], 4731800.0, 0.0);
  hc_series_free(&s);
}

Test(csv_dates, day_first_slash_dot_and_year_first_slash)
{
  const char *files[] = {"dmy_slash.csv", "dmy_dot_duplicate.csv", "ymd_slash.csv"};
  const char *first[] = {"01/11/1999", "01.11.1999", "1999/11/01"};
  for (int k = 0; k < 3; k++) {
    hc_series s;
    char why[HC_REASON_LEN];
    cr_assert_eq(read_dates(files[k], "adjusted_close", &s, why, sizeof why), 0, "%s: %s", files[k], why);
    cr_assert_eq(s.labels_are_dates, 1, "%s", files[k]);
    cr_assert_str_eq(s.note, "", "%s is oldest first", files[k]);
    cr_assert_str_eq(s.label[0], first[k]);
    cr_assert_eq(s.time[0], 941414400LL, "%s: 1999-11-01", files[k]);
    cr_assert_eq(s.time[10], 941414400LL + 14 * 86400, "%s: 1999-11-15, day first", files[k]);
    hc_series_free(&s);
  }
}

Test(csv_dates, epoch_seconds_and_iso_t_z)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_dates("epoch.csv", "adjusted_close", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_str_eq(s.label[0], "941414400");
  for (int i = 0; i < s.n; i++) cr_assert_eq(s.time[i], atoll(s.label[i]));
  hc_series_free(&s);

  cr_assert_eq(read_dates("iso_t_z.csv", "price", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 14);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_str_eq(s.label[0], "2021-04-21T09:30Z");
  /* 2021-04-21 is day 51 * 365 + 13 + 110 = 18738; 09:30 = 34200 s */
  cr_assert_eq(s.time[0], 18738LL * 86400 + 34200);
  cr_assert_eq(s.time[13], 18738LL * 86400 + 16 * 3600);
  hc_series_free(&s);
}

Test(csv_dates, ambiguous_day_month_rejected)
{
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_dates("ambiguous.csv", "value", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "ambiguous date format: '01/01/2000' may be MM/DD/YYYY or DD/MM/YYYY (no field above 12 "
                        "decides it)");
  cr_assert_eq(s.n, 0);
  cr_assert_null(s.time);
  cr_assert_eq(read_dates("inconsistent.csv", "value", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "ambiguous/inconsistent date format: 13/12/2000 (day first) at row 2, 12/14/2000 (month "
                        "first) at row 3");
  cr_assert_null(s.label);
}

Test(csv_dates, not_dates_keep_file_order)
{
  const char *files[] = {"month_labels.csv", "mixed_formats.csv"};
  const char *column[] = {"value", "adjusted_close"};
  for (int k = 0; k < 2; k++) {
    hc_series s;
    char why[HC_REASON_LEN];
    cr_assert_eq(read_dates(files[k], column[k], &s, why, sizeof why), 0, "%s: %s", files[k], why);
    cr_assert_eq(s.labels_are_dates, 0, "%s", files[k]);
    cr_assert_null(s.time, "%s", files[k]);
    cr_assert_str_eq(s.note, "");
    hc_series_free(&s);
  }
  /* dates neither ascending nor descending: left as they are for the gate */
  hc_series s;
  char why[HC_REASON_LEN];
  cr_assert_eq(read_dates("unsorted.csv", "adjusted_close", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_str_eq(s.note, "");
  cr_assert_str_eq(s.label[5], "1999-11-09");
  cr_assert_str_eq(s.label[6], "1999-11-08");
  hc_series_free(&s);
}

/** Read a file "d,v" of the given labels (one per row, values 1, 2, ...) from a temporary file. */
static int read_labels(const char *dir, int n, const char *const *labels, hc_series *s)
{
  char p[HC_PATH_LEN], why[HC_REASON_LEN], text[2048] = "d,v\n";
  snprintf(p, sizeof p, "%s/labels.csv", dir);
  for (int i = 0; i < n; i++)
    snprintf(text + strlen(text), sizeof text - strlen(text), "\"%s\",%d\n", labels[i], i + 1);
  write_file(p, text, strlen(text));
  int rc = hc_io_read_csv(p, "x", "v", s, why, sizeof why);
  cr_assert_eq(rc, 0, "%s", why);
  return rc;
}

Test(csv_dates, crafted_formats)
{
  char dir[256];
  hc_series s;
  test_tmpdir(dir, sizeof dir, "io");
  /* ISO with a time (space or T, minutes or seconds), D/M with one-digit fields, the end of a
   * leap day (2020-03-01 is day 18322 = 50 * 365 + 12 leap days + 31 + 29) */
  const struct {
    const char *a, *b;
    long long   ta, tb;
  } ok[] = {
    {"2020-02-29 23:58:00", "2020-02-29 23:59:59", 18322LL * 86400 - 120, 18322LL * 86400 - 1},
    {"2021-01-01 10:05", "2021-01-01 10:06", 1609495500LL, 1609495560LL},
    {"2021-01-01T10:05:00", "2021-01-01T10:06:30", 1609495500LL, 1609495590LL},
    {"3/4/2002", "25/4/2002", 1017792000LL, 1017792000LL + 22 * 86400},  /* day first: 3 April */
    {"4/3/2002", "4/25/2002", 1017792000LL, 1017792000LL + 22 * 86400},  /* month first */
    {"03.04.2002 12:00", "04.04.2002 12:00", 1017792000LL + 43200, 1017792000LL + 86400 + 43200},
    {"999999999", "1000000000", 999999999LL, 1000000000LL},
  };
  for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
    const char *l[2] = {ok[k].a, ok[k].b};
    read_labels(dir, 2, l, &s);
    cr_assert_eq(s.labels_are_dates, 1, "%s, %s", ok[k].a, ok[k].b);
    cr_assert_eq(s.time[0], ok[k].ta, "%s: %lld", ok[k].a, s.time[0]);
    cr_assert_eq(s.time[1], ok[k].tb, "%s: %lld", ok[k].b, s.time[1]);
    hc_series_free(&s);
  }
  /* not dates: plain integers, 8 or 11 digits, bad times, Z without T, mixed T and space */
  const char *bad[][2] = {{"1", "2"},
                          {"20210104", "20210105"},
                          {"16094955000", "16094955600"},
                          {"2021-01-01 24:00", "2021-01-02 00:00"},
                          {"2021-01-01 10:60", "2021-01-01 11:00"},
                          {"2021-01-01 10:05Z", "2021-01-01 10:06Z"},
                          {"2021-01-01T10:05", "2021-01-01 10:06"},
                          {"2021-01-01T10:05Z", "2021-01-01T10:06"},
                          {"2021-01-01", "2021-01-02 00:00:00"},
                          {"2021/02/29", "2021/03/01"},
                          {"31.04.2021", "01.05.2021"},
                          {"1/2/03", "1/3/03"},
                          {"2021-01-01T", "2021-01-02T"}};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    read_labels(dir, 2, bad[k], &s);
    cr_assert_eq(s.labels_are_dates, 0, "%s, %s", bad[k][0], bad[k][1]);
    cr_assert_null(s.time);
    hc_series_free(&s);
  }
  /* two rows newest first are reversed; one row is not; equal dates are not descending */
  const char *two[2] = {"2021-01-05", "2021-01-04"};
  read_labels(dir, 2, two, &s);
  cr_assert_str_eq(s.note, "reversed: newest first");
  cr_assert_str_eq(s.label[0], "2021-01-04");
  cr_assert_eq(s.value[0], 2.0);
  cr_assert_null(s.volume);
  hc_series_free(&s);
  read_labels(dir, 1, two, &s);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_str_eq(s.note, "");
  hc_series_free(&s);
  const char *same[3] = {"2021-01-05", "2021-01-05", "2021-01-04"};
  read_labels(dir, 3, same, &s);
  cr_assert_str_eq(s.note, "");
  cr_assert_str_eq(s.label[2], "2021-01-04");
  hc_series_free(&s);
  test_rm_tree(dir);
}

/* --------------------------------------------------------------- universe */

Test(universe, dir_filters_and_sorts)
{
  char dir[256], p[HC_PATH_LEN], err[512];
  test_tmpdir(dir, sizeof dir, "io");
  const char *files[] = {"b.csv", "a.csv", "c.txt", "B.csv", ".csv", "x.csv.bak"};
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[k]);
    write_file(p, "d,v\n1,2\n", 8);
  }
  snprintf(p, sizeof p, "%s/sub.csv", dir); /* a directory, not a file */
  cr_assert_eq(mkdir(p, 0700), 0);
  hc_universe u;
  cr_assert_eq(hc_io_universe_dir(dir, &u, err, sizeof err), 0, "%s", err);
  cr_assert_eq(u.n, 4);
  cr_assert_str_eq(u.ticker[0], "B");
  cr_assert_str_eq(u.ticker[1], "a");
  cr_assert_str_eq(u.ticker[2], "b");
  cr_assert_str_eq(u.ticker[3], "sub");
  snprintf(p, sizeof p, "%s/a.csv", dir);
  cr_assert_str_eq(u.path[1], p);
  cr_assert_eq(u.bytes[1], 8);
  for (int i = 0; i < 3; i++) cr_assert_str_eq(u.reason[i], "");
  cr_assert_str_eq(u.reason[3], "a directory, not a file");
  cr_assert_eq(u.bytes[3], 0);
  hc_io_universe_free(&u);
  cr_assert_null(u.reason);
  test_rm_tree(dir);
}

/* Issue 25: every entry that looks like a ticker file has a row, with a reason when it cannot
 * be read or named; names stay unique, sorted, printable ASCII. */
Test(universe, every_entry_has_a_row)
{
  char dir[256], p[HC_PATH_LEN], q[HC_PATH_LEN], err[512];
  test_tmpdir(dir, sizeof dir, "io");
  /* "\303\234NIC\303\226DE.csv": U-umlaut NIC O-umlaut DE in UTF-8, in octal (which stops after 3 digits) */
  const char *files[] = {"OK.csv", "UPPER.CSV", "A.csv", "A.CSV", "A.Csv", "\303\234NIC\303\226DE.csv",
                         ".hidden.csv", "50%.csv", "BRK.B.csv", "EURUSD=X.csv", "^GSPC.csv", "M&M.NS.csv",
                         "SPACE X.csv", "T~1.csv",
                         /* 70 and 71 bytes of stem: too long, one 46-byte prefix */
                         "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL.csv",
                         "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL.csv"};
  const int n_files = (int)(sizeof files / sizeof files[0]);
  for (int k = 0; k < n_files; k++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[k]);
    write_file(p, "d,v\n1,2\n", 8);
  }
  snprintf(p, sizeof p, "%s/DANGLING.csv", dir);
  cr_assert_eq(symlink("/nonexistent/target.csv", p), 0);
  snprintf(p, sizeof p, "%s/LINK.csv", dir);
  snprintf(q, sizeof q, "%s/OK.csv", dir);
  cr_assert_eq(symlink(q, p), 0);
  snprintf(p, sizeof p, "%s/DIR.csv", dir);
  cr_assert_eq(mkdir(p, 0700), 0);
  snprintf(p, sizeof p, "%s/FIFO.csv", dir);
  cr_assert_eq(mkfifo(p, 0600), 0);
  snprintf(p, sizeof p, "%s/notes.txt", dir);
  write_file(p, "x", 1);

  hc_universe u;
  cr_assert_eq(hc_io_universe_dir(dir, &u, err, sizeof err), 0, "%s", err);
  const char *NAME = "file name is not a valid ticker (allowed: A-Z a-z 0-9 . - _ ^ = &, not starting with .)";
  const char *L46 = "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL";
  char l1[HC_NAME_LEN], l2[HC_NAME_LEN];
  snprintf(l1, sizeof l1, "%s~1", L46);
  snprintf(l2, sizeof l2, "%s~2", L46);
  const struct {
    const char *ticker, *file, *reason;
  } want[] = {
    {"%2Ehidden", ".hidden.csv", NAME},
    {"%C3%9CNIC%C3%96DE", "\xC3\x9CNIC\xC3\x96" "DE.csv", NAME},
    {"50%25", "50%.csv", NAME},
    {"A", "A.csv", ""},
    {"A~CSV", "A.CSV", "duplicate ticker A: also A.csv"},
    {"A~Csv", "A.Csv", "duplicate ticker A: also A.csv"},
    {"BRK.B", "BRK.B.csv", ""},
    {"DANGLING", "DANGLING.csv", "dangling symbolic link"},
    {"DIR", "DIR.csv", "a directory, not a file"},
    {"EURUSD=X", "EURUSD=X.csv", ""},
    {"FIFO", "FIFO.csv", "a FIFO, not a regular file"},
    {"LINK", "LINK.csv", ""},
    {l1, files[14], "file name too long for a ticker (70 bytes, at most 63)"},
    {l2, files[15], "file name too long for a ticker (71 bytes, at most 63)"},
    {"M&M.NS", "M&M.NS.csv", ""},
    {"OK", "OK.csv", ""},
    {"SPACE%20X", "SPACE X.csv", NAME},
    {"T%7E1", "T~1.csv", NAME},
    {"UPPER", "UPPER.CSV", ""},
    {"^GSPC", "^GSPC.csv", ""},
  };
  const int n_want = (int)(sizeof want / sizeof want[0]);
  cr_assert_eq(u.n, n_want, "one row per *.csv entry (any case), got %d", u.n);
  for (int i = 0; i < n_want; i++) {
    cr_assert_str_eq(u.ticker[i], want[i].ticker, "row %d", i);
    snprintf(p, sizeof p, "%s/%s", dir, want[i].file);
    cr_assert_str_eq(u.path[i], p, "row %d", i);
    cr_assert_str_eq(u.reason[i], want[i].reason, "%s", u.ticker[i]);
    cr_assert_eq(u.bytes[i], strcmp(want[i].file, "DIR.csv") && strcmp(want[i].file, "FIFO.csv") &&
                                     strcmp(want[i].file, "DANGLING.csv") ? 8 : 0, "%s", u.ticker[i]);
    if (i) cr_assert_lt(strcmp(u.ticker[i - 1], u.ticker[i]), 0, "sorted and unique at %d", i);
    for (const char *c = u.ticker[i]; *c; c++) cr_assert(*c > 0x20 && *c < 0x7f, "printable ASCII: %s", u.ticker[i]);
  }
  hc_io_universe_free(&u);
  test_rm_tree(dir);
}

Test(universe, only_bad_entries_and_unreadable)
{
  char dir[256], p[HC_PATH_LEN], err[512];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/X.csv", dir);
  cr_assert_eq(symlink("X.csv", p), 0); /* a loop */
  snprintf(p, sizeof p, "%s/Y.csv", dir);
  cr_assert_eq(mkfifo(p, 0600), 0);
  hc_universe u;
  cr_assert_eq(hc_io_universe_dir(dir, &u, err, sizeof err), 0, "%s", err);
  cr_assert_eq(u.n, 2);
  cr_assert_str_eq(u.ticker[0], "X");
  cr_assert_str_eq(u.reason[0], "cannot stat: Too many levels of symbolic links");
  cr_assert_str_eq(u.reason[1], "a FIFO, not a regular file");
  hc_io_universe_free(&u);
  if (geteuid() != 0) { /* root reads anything */
    snprintf(p, sizeof p, "%s/Z.csv", dir);
    write_file(p, "d,v\n", 4);
    cr_assert_eq(chmod(p, 0), 0);
    cr_assert_eq(hc_io_universe_dir(dir, &u, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(u.reason[2], "not readable: Permission denied");
    hc_io_universe_free(&u);
  }
  test_rm_tree(dir);
}

Test(universe, dir_errors)
{
  char dir[256], err[512];
  hc_universe u;
  test_tmpdir(dir, sizeof dir, "io");
  cr_assert_neq(hc_io_universe_dir(dir, &u, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, dir), "%s", err);
  cr_assert_eq(u.n, 0);
  cr_assert_neq(hc_io_universe_dir("/nonexistent/dir", &u, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, "/nonexistent/dir"), "%s", err);
  test_rm_tree(dir);
}

Test(universe, single_file)
{
  char err[512];
  hc_universe u;
  cr_assert_eq(hc_io_universe_file(data_path("sp500/BRK.B.csv"), &u, err, sizeof err), 0, "%s", err);
  cr_assert_eq(u.n, 1);
  cr_assert_str_eq(u.ticker[0], "BRK.B");
  cr_assert_str_eq(u.path[0], data_path("sp500/BRK.B.csv"));
  cr_assert_gt(u.bytes[0], 0);
  hc_io_universe_free(&u);
  cr_assert_neq(hc_io_universe_file("/nonexistent/Q.csv", &u, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, "/nonexistent/Q.csv"), "%s", err);
  cr_assert_neq(hc_io_universe_file(data_path("sp500"), &u, err, sizeof err), 0, "a directory is not a file");
}

Test(universe, single_file_name_rule)
{
  char dir[256], p[HC_PATH_LEN], err[512];
  test_tmpdir(dir, sizeof dir, "io");
  hc_universe u;
  snprintf(p, sizeof p, "%s/\xC3\x9CNIC\xC3\x96" "DE.csv", dir);
  write_file(p, "d,v\n1,2\n", 8);
  cr_assert_eq(hc_io_universe_file(p, &u, err, sizeof err), 0, "%s", err);
  cr_assert_eq(u.n, 1);
  cr_assert_str_eq(u.ticker[0], "%C3%9CNIC%C3%96DE");
  cr_assert_not_null(strstr(u.reason[0], "not a valid ticker"), "%s", u.reason[0]);
  cr_assert_eq(u.bytes[0], 8);
  hc_io_universe_free(&u);
  snprintf(p, sizeof p, "%s/EURUSD=X.csv", dir);
  write_file(p, "d,v\n1,2\n", 8);
  cr_assert_eq(hc_io_universe_file(p, &u, err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(u.ticker[0], "EURUSD=X");
  cr_assert_str_eq(u.reason[0], "");
  hc_io_universe_free(&u);
  snprintf(p, sizeof p, "%s/F.csv", dir);
  cr_assert_eq(mkfifo(p, 0600), 0);
  cr_assert_neq(hc_io_universe_file(p, &u, err, sizeof err), 0, "a FIFO is not a file");
  cr_assert_not_null(strstr(err, "not a regular file"), "%s", err);
  test_rm_tree(dir);
}

/* ----------------------------------------------------------------- report */

static hc_fit_record make_fit(const char *name, const char *mean, const char *vol, int np, double base)
{
  hc_fit_record f;
  memset(&f, 0, sizeof f);
  hc_strlcpy(f.name, name, sizeof f.name);
  hc_strlcpy(f.mean_model, mean, sizeof f.mean_model);
  hc_strlcpy(f.vol_model, vol, sizeof f.vol_model);
  f.n_params = np;
  for (int i = 0; i < np; i++) {
    snprintf(f.param_names[i], HC_PNAME_LEN, i ? "p%d" : "mu", i);
    f.params[i] = base + i;
    f.stderr_[i] = 0.01 * (i + 1);
  }
  f.loglik = -1000.0 - base;
  f.aic = 2000.0 + base;
  f.bic = 2010.0 + base;
  f.n_obs_used = 1973;
  f.converged = 1;
  f.tao_reason = 3;
  f.iterations = 40 + np;
  return f;
}

/** Three results in unsorted order: ZZZ rejected, AAA ok (2 fits), MMM failed (1 failed fit). */
static void make_results(hc_result r[3], int H)
{
  cr_assert_eq(hc_result_init(&r[0], "ZZZ", H), 0);
  hc_result_set_status(&r[0], HC_STATUS_REJECTED, "not a CSV file with column '%s'", "adjusted_close");

  cr_assert_eq(hc_result_init(&r[1], "AAA", H), 0);
  r[1].n_obs = 1973;
  hc_strlcpy(r[1].first_date, "2000-01-03", HC_LABEL_LEN);
  hc_strlcpy(r[1].last_date, "2021-04-21", HC_LABEL_LEN);
  r[1].quality_score = 0.97;
  hc_fit_record f0 = make_fit("ARMA(1,1)", "ARMA(1,1)", "none", 3, 1.0);
  hc_fit_record f1 = make_fit("ARMA(1,1)+GARCH(1,1)-t", "ARMA(1,1)", "GARCH(1,1)-t", 7, 2.0);
  cr_assert_eq(hc_result_add_fit(&r[1], &f0), 0);
  cr_assert_eq(hc_result_add_fit(&r[1], &f1), 0);
  r[1].selected = 1;
  hc_strlcpy(r[1].mean_model, f1.mean_model, HC_MODEL_LEN);
  hc_strlcpy(r[1].vol_model, f1.vol_model, HC_MODEL_LEN);
  r[1].loglik = f1.loglik;
  r[1].aic = f1.aic;
  r[1].bic = f1.bic;
  for (int h = 0; h < H; h++) {
    r[1].mean[h] = 0.05 + 0.001 * h;
    r[1].sd[h] = 1.2 + 0.1 * h;
    for (int l = 0; l < HC_N_LEVELS; l++) {
      r[1].lo[h * HC_N_LEVELS + l] = -1.0 - h - l;
      r[1].hi[h * HC_N_LEVELS + l] = 1.0 + h + l;
    }
  }

  r[1].n_onestep = 2; /* the 1-step track of two origins, the second with its strategy period */
  r[1].onestep   = calloc(2, sizeof *r[1].onestep);
  r[1].onestep[0] = (hc_onestep_point){"2021-04-20", 0.5, 0.1, 1.5, 0.6, 0.4, 0.45};
  r[1].onestep[1] = (hc_onestep_point){"2021-04-21", -2.0, NAN, NAN, NAN, NAN, 0.9};
  r[1].n_strategy = 2;
  r[1].strategy   = calloc(2, sizeof *r[1].strategy);
  r[1].strategy[0] = (hc_strategy_point){"2021-04-20", 1.0, 0.005};
  r[1].strategy[1] = (hc_strategy_point){"2021-04-21", 0.25, -0.004};

  cr_assert_eq(hc_result_init(&r[2], "MMM", H), 0);
  hc_fit_record f2 = make_fit("ARMA(0,0)+EGARCH(1,1)-normal", "ARMA(0,0)", "EGARCH(1,1)-normal", 0, 3.0);
  f2.status = HC_STATUS_FAILED;
  f2.converged = 0;
  f2.loglik = f2.aic = f2.bic = NAN;
  hc_strlcpy(f2.reason, "non-stationary start", HC_REASON_LEN);
  cr_assert_eq(hc_result_add_fit(&r[2], &f2), 0);
  hc_result_set_status(&r[2], HC_STATUS_FAILED, "no model could be fitted");
}

/** Read a fixed-length string dataset [n] of `loc` into out[n][w]; returns the string width. */
static size_t read_str_dset(hid_t loc, const char *name, size_t n, char out[][64])
{
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "dataset %s", name);
  hid_t t = H5Dget_type(d);
  cr_assert_eq(H5Tget_class(t), H5T_STRING);
  cr_assert_eq(H5Tis_variable_str(t), 0);
  cr_assert_eq(H5Tget_strpad(t), H5T_STR_NULLPAD);
  size_t w = H5Tget_size(t);
  hid_t sp = H5Dget_space(d);
  cr_assert_eq((size_t)H5Sget_simple_extent_npoints(sp), n, "%s rows", name);
  char *buf = calloc(n ? n : 1, w);
  if (n) cr_assert_geq(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), 0);
  for (size_t i = 0; i < n; i++) {
    memset(out[i], 0, 64);
    memcpy(out[i], buf + i * w, w < 63 ? w : 63);
  }
  free(buf);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  return w;
}

static void read_dbl_dset(hid_t loc, const char *name, size_t n, double *out)
{
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "dataset %s", name);
  hid_t sp = H5Dget_space(d);
  cr_assert_eq((size_t)H5Sget_simple_extent_npoints(sp), n, "%s size", name);
  hid_t t = H5Dget_type(d);
  cr_assert(H5Tequal(t, H5T_IEEE_F64LE) > 0, "%s is float64", name);
  if (n) cr_assert_geq(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), 0);
  H5Tclose(t);
  H5Sclose(sp);
  H5Dclose(d);
}

static void read_int_dset(hid_t loc, const char *name, size_t n, int *out)
{
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "dataset %s", name);
  hid_t t = H5Dget_type(d);
  cr_assert(H5Tequal(t, H5T_STD_I32LE) > 0, "%s is int32", name);
  hid_t sp = H5Dget_space(d);
  cr_assert_eq((size_t)H5Sget_simple_extent_npoints(sp), n, "%s size", name);
  if (n) cr_assert_geq(H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), 0);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
}

static int attr_int(hid_t loc, const char *name)
{
  int v = -999;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  cr_assert_geq(a, 0, "attribute %s", name);
  hid_t t = H5Aget_type(a);
  cr_assert(H5Tequal(t, H5T_STD_I32LE) > 0, "%s is int32", name);
  cr_assert_geq(H5Aread(a, H5T_NATIVE_INT, &v), 0);
  H5Tclose(t);
  H5Aclose(a);
  return v;
}

static void attr_str(hid_t loc, const char *name, char *out, size_t len)
{
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  cr_assert_geq(a, 0, "attribute %s", name);
  hid_t t = H5Aget_type(a);
  size_t w = H5Tget_size(t);
  cr_assert_lt(w, len);
  memset(out, 0, len);
  cr_assert_geq(H5Aread(a, t, out), 0);
  H5Tclose(t);
  H5Aclose(a);
}

static const hc_report_meta META = {.hpcast_version = "0.1.0-test", .options = "-universe x -horizon 5", .n_ranks = 2, .schedule = "static"};

static void make_perf(hc_perf p[2])
{
  for (int r = 0; r < 2; r++)
    p[r] = (hc_perf){.rank = r, .wall_s = 10.0 + r, .fit_s = 8.0 + r, .io_s = 0.5, .peak_rss_mb = 100.0 + r,
                     .n_tickers = 2 - r, .n_fits = 3 * (2 - r)};
}

Test(report, write_and_read_back)
{
  enum { H = 5, N = 3 };
  char dir[256], outdir[512], path[HC_PATH_LEN], err[1024];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(outdir, sizeof outdir, "%s/out/run1", dir); /* does not exist yet: mkdir -p */
  snprintf(path, sizeof path, "%s/report.h5", outdir);
  hc_result r[N];
  make_results(r, H);
  hc_perf perf[2];
  make_perf(perf);
  cr_assert_eq(hc_io_report_write(path, &META, N, r, 2, perf, err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(r[0].ticker, "AAA", "results sorted in place");
  cr_assert_eq(count_names(outdir, ".tmp."), 0, "no temporary file left");

  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  char s[256];
  cr_assert_eq(attr_int(f, "schema_version"), 6);
  cr_assert_eq(attr_int(f, "n_ranks"), 2);
  attr_str(f, "hpcast_version", s, sizeof s);
  cr_assert_str_eq(s, "0.1.0-test");
  attr_str(f, "options", s, sizeof s);
  cr_assert_str_eq(s, "-universe x -horizon 5");
  attr_str(f, "created_utc", s, sizeof s);
  cr_assert_eq(strlen(s), 20, "%s", s);
  cr_assert(s[4] == '-' && s[10] == 'T' && s[19] == 'Z', "%s", s);

  /* /summary */
  hid_t g = H5Gopen2(f, "summary", H5P_DEFAULT);
  char str[N][64];
  cr_assert_eq(read_str_dset(g, "ticker", N, str), 3);
  cr_assert_str_eq(str[0], "AAA");
  cr_assert_str_eq(str[1], "MMM");
  cr_assert_str_eq(str[2], "ZZZ");
  read_str_dset(g, "status", N, str);
  cr_assert_str_eq(str[0], "ok");
  cr_assert_str_eq(str[1], "failed");
  cr_assert_str_eq(str[2], "rejected");
  read_str_dset(g, "reason", N, str);
  cr_assert_str_eq(str[0], "");
  cr_assert_str_eq(str[1], "no model could be fitted");
  cr_assert_str_eq(str[2], "not a CSV file with column 'adjusted_close'");
  read_str_dset(g, "first_date", N, str);
  cr_assert_str_eq(str[0], "2000-01-03");
  read_str_dset(g, "last_date", N, str);
  cr_assert_str_eq(str[0], "2021-04-21");
  read_str_dset(g, "mean_model", N, str);
  cr_assert_str_eq(str[0], "ARMA(1,1)");
  cr_assert_str_eq(str[1], "none");
  read_str_dset(g, "vol_model", N, str);
  cr_assert_str_eq(str[0], "GARCH(1,1)-t");
  int iv[N];
  read_int_dset(g, "n_obs", N, iv);
  cr_assert_eq(iv[0], 1973);
  cr_assert_eq(iv[2], 0);
  double dv[N];
  read_dbl_dset(g, "quality_score", N, dv);
  cr_assert_float_eq(dv[0], 0.97, 0.0);
  cr_assert(isnan(dv[2]));
  read_dbl_dset(g, "loglik", N, dv);
  cr_assert_float_eq(dv[0], -1002.0, 0.0);
  cr_assert(isnan(dv[1]));
  read_dbl_dset(g, "aic", N, dv);
  cr_assert_float_eq(dv[0], 2002.0, 0.0);
  read_dbl_dset(g, "bic", N, dv);
  cr_assert_float_eq(dv[0], 2012.0, 0.0);
  read_dbl_dset(g, "mu_1", N, dv);
  cr_assert_float_eq(dv[0], 0.05, 0.0);
  cr_assert(isnan(dv[1]) && isnan(dv[2]));
  read_dbl_dset(g, "sigma_1", N, dv);
  cr_assert_float_eq(dv[0], 1.2, 0.0);
  read_dbl_dset(g, "lo95_1", N, dv);
  cr_assert_float_eq(dv[0], -2.0, 0.0); /* lo[h=0][level 1] */
  read_dbl_dset(g, "hi95_1", N, dv);
  cr_assert_float_eq(dv[0], 2.0, 0.0);
  H5Gclose(g);

  /* /forecast */
  g = H5Gopen2(f, "forecast", H5P_DEFAULT);
  cr_assert_eq(attr_int(g, "horizon"), H);
  read_str_dset(g, "ticker", N, str);
  cr_assert_str_eq(str[1], "MMM");
  hid_t d = H5Dopen2(g, "lo", H5P_DEFAULT);
  hid_t sp = H5Dget_space(d);
  hsize_t dims[3];
  cr_assert_eq(H5Sget_simple_extent_dims(sp, dims, NULL), 3);
  cr_assert(dims[0] == N && dims[1] == H && dims[2] == 2);
  double lv[2];
  hid_t a = H5Aopen(d, "levels", H5P_DEFAULT);
  cr_assert_geq(H5Aread(a, H5T_NATIVE_DOUBLE, lv), 0);
  cr_assert_float_eq(lv[0], 0.80, 0.0);
  cr_assert_float_eq(lv[1], 0.95, 0.0);
  H5Aclose(a);
  H5Sclose(sp);
  H5Dclose(d);
  double hi[N * H * 2], mean[N * H], sd[N * H];
  read_dbl_dset(g, "hi", N * H * 2, hi);
  read_dbl_dset(g, "mean", N * H, mean);
  read_dbl_dset(g, "sd", N * H, sd);
  cr_assert_float_eq(hi[(0 * H + 4) * 2 + 1], 6.0, 0.0); /* AAA, h = 5, level 0.95 */
  cr_assert_float_eq(mean[4], 0.054, 1e-15);
  cr_assert_float_eq(sd[4], 1.6, 1e-15);
  for (int k = H; k < N * H; k++) cr_assert(isnan(mean[k]) && isnan(sd[k]), "no forecast for MMM/ZZZ");
  H5Gclose(g);

  /* /backtest/origins: AAA's two origins, its strategy's position and return beside them */
  g = H5Gopen2(f, "backtest/origins", H5P_DEFAULT);
  cr_assert_geq(g, 0);
  read_str_dset(g, "ticker", 2, str);
  cr_assert_str_eq(str[1], "AAA");
  read_str_dset(g, "date", 2, str);
  cr_assert_str_eq(str[0], "2021-04-20");
  double ov[2];
  read_dbl_dset(g, "pit", 2, ov);
  cr_assert(ov[0] == 0.6 && isnan(ov[1]));
  read_dbl_dset(g, "crps_bench", 2, ov);
  cr_assert(ov[0] == 0.45 && ov[1] == 0.9);
  read_dbl_dset(g, "y", 2, ov);
  cr_assert(ov[0] == 0.5 && ov[1] == -2.0);
  read_dbl_dset(g, "position", 2, ov);
  cr_assert(ov[0] == 1.0 && ov[1] == 0.25);
  read_dbl_dset(g, "ret", 2, ov);
  cr_assert(ov[0] == 0.005 && ov[1] == -0.004);
  H5Gclose(g);

  /* /fits: one row per fit, in ticker order (AAA's two, MMM's failed one; ZZZ has none) */
  g = H5Gopen2(f, "fits", H5P_DEFAULT);
  cr_assert_geq(g, 0);
  char   ft[3][64], fn[3][64], pn[3][64];
  double params[3 * 7], se[3 * 7], fm[3 * H];
  int    sel[3], mem[3], np[3], its[3];
  read_str_dset(g, "ticker", 3, ft);
  read_str_dset(g, "name", 3, fn);
  cr_assert(!strcmp(ft[0], "AAA") && !strcmp(ft[1], "AAA") && !strcmp(ft[2], "MMM"));
  cr_assert_str_eq(fn[1], "ARMA(1,1)+GARCH(1,1)-t");
  read_dbl_dset(g, "params", 3 * 7, params); /* [rows x 7]: the most parameters of a fit */
  read_dbl_dset(g, "stderr", 3 * 7, se);
  cr_assert_float_eq(params[7 + 6], 8.0, 0.0);
  cr_assert_float_eq(se[7 + 0], 0.01, 0.0);
  cr_assert(isnan(params[3]) && isnan(params[2 * 7]), "NaN beyond a fit's parameters");
  read_int_dset(g, "selected", 3, sel);
  read_int_dset(g, "member", 3, mem);
  read_int_dset(g, "n_params", 3, np);
  read_int_dset(g, "iterations", 3, its);
  cr_assert(sel[0] == 0 && sel[1] == 1 && sel[2] == 0, "the selected fit is flagged");
  cr_assert(mem[0] == 0 && mem[1] == 0 && mem[2] == 0, "no live ensemble in these records");
  cr_assert(np[0] == 3 && np[1] == 7 && np[2] == 0);
  cr_assert_eq(its[1], 47);
  read_str_dset(g, "param_names", 3, pn);
  cr_assert_str_eq(pn[1], "mu,p1,p2,p3,p4,p5,p6");
  read_dbl_dset(g, "forecast_mean", 3 * H, fm);
  for (int k = 0; k < 3 * H; k++) cr_assert(isnan(fm[k]), "no member forecast: NaN");
  double ll[3];
  read_dbl_dset(g, "loglik", 3, ll);
  cr_assert_float_eq(ll[1], -1002.0, 0.0);
  cr_assert(isnan(ll[2]), "a failed fit has no loglik");
  char st[3][64], why[3][64];
  read_str_dset(g, "status", 3, st);
  read_str_dset(g, "reason", 3, why);
  cr_assert_str_eq(st[0], "ok");
  cr_assert_str_eq(st[2], "failed");
  cr_assert_str_eq(why[2], "non-stationary start");
  read_str_dset(g, "vol_model", 3, st);
  cr_assert_str_eq(st[1], "GARCH(1,1)-t");
  H5Gclose(g);

  /* /perf */
  g = H5Gopen2(f, "perf", H5P_DEFAULT);
  int pi[2];
  double pd[2];
  read_int_dset(g, "rank", 2, pi);
  cr_assert(pi[0] == 0 && pi[1] == 1);
  read_int_dset(g, "n_fits", 2, pi);
  cr_assert(pi[0] == 6 && pi[1] == 3);
  read_int_dset(g, "n_tickers", 2, pi);
  cr_assert(pi[0] == 2 && pi[1] == 1);
  read_dbl_dset(g, "wall_s", 2, pd);
  cr_assert_float_eq(pd[1], 11.0, 0.0);
  read_dbl_dset(g, "fit_s", 2, pd);
  cr_assert_float_eq(pd[0], 8.0, 0.0);
  read_dbl_dset(g, "io_s", 2, pd);
  cr_assert(pd[0] > 0.5 && pd[0] < 10.5, "rank 0's io_s includes the write: %g", pd[0]);
  cr_assert_float_eq(pd[1], 0.5, 0.0);
  read_dbl_dset(g, "peak_rss_mb", 2, pd);
  cr_assert_float_eq(pd[1], 101.0, 0.0);
  H5Gclose(g);
  cr_assert_eq(H5Fget_obj_count(f, H5F_OBJ_ALL), 1, "test closed everything");
  H5Fclose(f);

  for (int i = 0; i < N; i++) hc_result_free(&r[i]);
  test_rm_tree(dir);
}

Test(report, failure_keeps_previous_report_and_removes_temp)
{
  char dir[256], path[HC_PATH_LEN], err[1024];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(path, sizeof path, "%s/report.h5", dir);
  hc_result r[3];
  make_results(r, 2);
  cr_assert_eq(hc_io_report_write(path, &META, 1, r, 0, NULL, err, sizeof err), 0, "%s", err);
  struct stat before;
  cr_assert_eq(stat(path, &before), 0);

  /* duplicate ticker: refused in the tables pass */
  hc_strlcpy(r[2].ticker, r[1].ticker, HC_NAME_LEN);
  cr_assert_neq(hc_io_report_write(path, &META, 3, r, 0, NULL, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, path), "%s", err);
  cr_assert_eq(count_names(dir, ".tmp."), 0, "temporary file removed");
  struct stat after;
  cr_assert_eq(stat(path, &after), 0);
  cr_assert_eq(after.st_ino, before.st_ino, "previous report untouched");

  /* parent is a regular file: cannot create the directory */
  char bad[HC_PATH_LEN];
  snprintf(bad, sizeof bad, "%s/report.h5/x.h5", dir);
  cr_assert_neq(hc_io_report_write(bad, &META, 1, r, 0, NULL, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, bad), "%s", err);

  /* selected index out of range (fresh records: the failed call sorted r in place) */
  for (int i = 0; i < 3; i++) hc_result_free(&r[i]);
  make_results(r, 2);
  r[2].selected = 5;
  cr_assert_neq(hc_io_report_write(path, &META, 3, r, 0, NULL, err, sizeof err), 0);
  cr_assert_not_null(strstr(err, "selected"), "%s", err);
  cr_assert_eq(count_names(dir, ".tmp."), 0);

  for (int i = 0; i < 3; i++) hc_result_free(&r[i]);
  test_rm_tree(dir);
}

Test(report, empty_report)
{
  char dir[256], path[HC_PATH_LEN], err[1024];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(path, sizeof path, "%s/empty.h5", dir);
  cr_assert_eq(hc_io_report_write(path, &META, 0, NULL, 0, NULL, err, sizeof err), 0, "%s", err);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t g = H5Gopen2(f, "forecast", H5P_DEFAULT);
  cr_assert_eq(attr_int(g, "horizon"), 0);
  hid_t d = H5Dopen2(g, "hi", H5P_DEFAULT);
  hid_t sp = H5Dget_space(d);
  hsize_t dims[3];
  cr_assert_eq(H5Sget_simple_extent_dims(sp, dims, NULL), 3);
  cr_assert(dims[0] == 0 && dims[1] == 0 && dims[2] == 2);
  H5Sclose(sp);
  H5Dclose(d);
  H5Gclose(g);
  char str[1][64];
  g = H5Gopen2(f, "summary", H5P_DEFAULT);
  cr_assert_eq(read_str_dset(g, "ticker", 0, str), 1);
  H5Gclose(g);
  H5Fclose(f);
  test_rm_tree(dir);
}

Test(report, fits_read_back_for_warm_starts)
{
  enum { H = 5, N = 3 };
  char dir[256], path[HC_PATH_LEN], err[1024];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(path, sizeof path, "%s/report.h5", dir);
  hc_result r[N];
  make_results(r, H);
  hc_perf perf[2];
  make_perf(perf);
  cr_assert_eq(hc_io_report_write(path, &META, N, r, 2, perf, err, sizeof err), 0, "%s", err);

  int            n;
  hc_fit_record *fits;
  cr_assert_eq(hc_io_report_read_fits(path, "AAA", &n, &fits, err, sizeof err), 0, "%s", err);
  cr_assert_eq(n, 2, "two fits, the `selected` link skipped");
  /* groups come back in name order; every parameter and name as written */
  for (int i = 0; i < n; i++) {
    const hc_fit_record *w = !strcmp(fits[i].name, r[0].fits[0].name) ? &r[0].fits[0] : &r[0].fits[1];
    cr_assert_str_eq(fits[i].name, w->name);
    cr_assert_eq(fits[i].n_params, w->n_params);
    for (int k = 0; k < w->n_params; k++) {
      cr_assert_eq(fits[i].params[k], w->params[k]);
      cr_assert_str_eq(fits[i].param_names[k], w->param_names[k]);
    }
  }
  free(fits);
  cr_assert_eq(hc_io_report_read_fits(path, "NOPE", &n, &fits, err, sizeof err), 0, "a new ticker is not an error");
  cr_assert_eq(n, 0);
  cr_assert_neq(hc_io_report_read_fits("/nonexistent/r.h5", "AAA", &n, &fits, err, sizeof err), 0);
  cr_assert(strstr(err, "/nonexistent/r.h5"), "the message names the file: %s", err);
  /* a report of schema_version 4 (/fits/<ticker>/<fit> groups) is refused with the reason */
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  cr_assert_geq(H5Ldelete(f, "/fits", H5P_DEFAULT), 0);
  hid_t g = H5Gcreate2(f, "/fits", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), t = H5Gcreate2(g, "AAA", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(t);
  H5Gclose(g);
  H5Fclose(f);
  cr_assert_neq(hc_io_report_read_fits(path, "AAA", &n, &fits, err, sizeof err), 0);
  cr_assert(strstr(err, "schema_version 5"), "%s", err);
  for (int i = 0; i < N; i++) hc_result_free(&r[i]);
  test_rm_tree(dir);
}

/* ---- stale temporaries (the journal itself: test_io_journal.c) ---- */

Test(journal, stale_temporaries_are_cleaned)
{
  char dir[256], a[600], b[600], c[600], rep[600];
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(rep, sizeof rep, "%s/r.h5", dir);
  snprintf(a, sizeof a, "%s/r.h5.tmp.123", dir);
  snprintf(b, sizeof b, "%s/r.h5.tmp.notapid", dir);
  snprintf(c, sizeof c, "%s/other.h5.tmp.123", dir);
  fclose(fopen(a, "w"));
  fclose(fopen(b, "w"));
  fclose(fopen(c, "w"));
  cr_assert_eq(hc_io_report_clean_stale(rep), 1);
  cr_assert_neq(access(a, F_OK), 0);
  cr_assert_eq(access(b, F_OK), 0, "only <report>.tmp.<digits> is removed");
  cr_assert_eq(access(c, F_OK), 0, "another report's temporary is left");
}

/* The sector table of -sectors: the shared S&P 500 constituents file (Symbol,Name,Sector; names
 * with commas are quoted), and the errors. */
Test(sectors, sp500_constituents)
{
  const char tick[4][HC_NAME_LEN] = {"AAPL", "MMM", "NOSUCH", "AOS"};
  int        sec[4], ns;
  char       names[HC_MAX_SECTORS][HC_SECTOR_LEN], err[512];
  cr_assert_eq(hc_io_read_sectors(data_path("sp500-constituents.csv"), 4, tick, sec, &ns, names, err, sizeof err), 0, "%s", err);
  cr_expect_eq(ns, 11, "the S&P 500's 11 GICS sectors, got %d", ns);
  cr_expect_str_eq(names[sec[0]], "Information Technology");
  cr_expect_str_eq(names[sec[1]], "Industrials");
  cr_expect_eq(sec[1], sec[3], "MMM and AOS are both Industrials");
  cr_expect_eq(sec[2], -1, "a ticker the file does not list has no sector");
}

Test(sectors, quoted_fields_and_errors)
{
  char dir[256], p[HC_PATH_LEN], err[512], names[HC_MAX_SECTORS][HC_SECTOR_LEN];
  int  sec[2], ns;
  const char tick[2][HC_NAME_LEN] = {"B", "A"};
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(p, sizeof p, "%s/s.csv", dir);
  const char *ok = "\xEF\xBB\xBFName,TICKER,sector\r\n\"Alpha, Inc.\",A,\"Tech, Hardware\"\r\nBeta,B,\r\n";
  write_file(p, ok, strlen(ok));
  cr_assert_eq(hc_io_read_sectors(p, 2, tick, sec, &ns, names, err, sizeof err), 0, "%s", err);
  cr_expect_eq(ns, 1);
  cr_expect_eq(sec[1], 0);
  cr_expect_str_eq(names[0], "Tech, Hardware");
  cr_expect_eq(sec[0], -1, "an empty sector is none");
  const char *no_col = "Symbol,Name\nA,Alpha\n";
  write_file(p, no_col, strlen(no_col));
  cr_expect_eq(hc_io_read_sectors(p, 2, tick, sec, &ns, names, err, sizeof err), 1);
  cr_expect(strstr(err, "Sector column"), "%s", err);
  const char *quote = "Symbol,Sector\nA,\"Tech\n";
  write_file(p, quote, strlen(quote));
  cr_expect_eq(hc_io_read_sectors(p, 2, tick, sec, &ns, names, err, sizeof err), 1);
  cr_expect(strstr(err, ":2:"), "the line is named: %s", err);
  snprintf(p, sizeof p, "%s/missing.csv", dir);
  cr_expect_eq(hc_io_read_sectors(p, 0, NULL, NULL, &ns, names, err, sizeof err), 1);
  cr_expect(strstr(err, "cannot open"), "%s", err);
}

/* ---------------------------------------------------------------- HDF5 panel universe */

/* Every array of two series equal, bit for bit (NaN as NaN), the labels byte for byte. */
static void assert_same_series(const hc_series *a, const hc_series *b)
{
  cr_assert_eq(a->n, b->n);
  cr_assert_eq(a->labels_are_dates, b->labels_are_dates);
  cr_assert_str_eq(a->note, b->note);
  const double *x[4] = {a->value, a->volume, a->high, a->close}, *y[4] = {b->value, b->volume, b->high, b->close};
  for (int k = 0; k < 4; k++) {
    cr_assert_eq(x[k] == NULL, y[k] == NULL, "array %d present in one series only", k);
    for (int t = 0; x[k] && t < a->n; t++) cr_assert(!memcmp(&x[k][t], &y[k][t], sizeof(double)), "array %d row %d: %.17g vs %.17g", k, t, x[k][t], y[k][t]);
  }
  for (int t = 0; t < a->n; t++) {
    cr_assert_str_eq(a->label[t], b->label[t], "row %d", t);
    if (a->time) cr_assert_eq(a->time[t], b->time[t], "row %d", t);
  }
  cr_assert_eq(hc_series_hash(a), hc_series_hash(b));
}

/* Real files, a newest-first file with "00:00:00" labels, non-date labels, a rejected entry and
 * an empty one: written into a panel and read back, each series is the CSV reader's. */
Test(panel, round_trip_equals_the_csv_reader)
{
  char dir[HC_PATH_LEN], path[HC_PATH_LEN + 16], err[512], why[HC_REASON_LEN];
  const char *file[] = {data_path("sp500/AAPL.csv"), src_path("tests/data/dates/newest_first_midnight.csv"),
                        src_path("tests/data/dates/month_labels.csv"), data_path("sp500/KO.csv")};
  const char *ticker[] = {"AAPL", "BNEWEST", "CMONTH", "KO"}, *value[] = {"adjusted_close", "adjusted_close", "value", "adjusted_close"};
  const char *cols[]   = {"adjusted_close", "close", "high", "low", "volume"};
  hc_series   csv[4];
  hc_panel_writer *w;
  test_tmpdir(dir, sizeof dir, "panel");
  snprintf(path, sizeof path, "%s/u.h5", dir);
  cr_assert_eq(hc_io_panel_create(path, 5, cols, 0, &w, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < 4; k++) {
    cr_assert_eq(hc_io_read_csv(file[k], ticker[k], value[k], &csv[k], why, sizeof why), 0, "%s: %s", file[k], why);
    const double *c[5] = {csv[k].value, csv[k].close, csv[k].high, csv[k].low, csv[k].volume};
    cr_assert_eq(hc_io_panel_append(w, ticker[k], csv[k].n, csv[k].labels_are_dates ? csv[k].time : NULL, (const char(*)[HC_LABEL_LEN])csv[k].label, c,
                                    "", csv[k].note, err, sizeof err), 0, "%s", err);
  }
  cr_assert_eq(hc_io_panel_append(w, "ZDEAD", 0, NULL, NULL, NULL, "empty file", "", err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_panel_append(w, "AAA", 0, NULL, NULL, NULL, "", "", err, sizeof err), -1, "a ticker out of order is refused");
  cr_assert(strstr(err, "sorted"), "%s", err);
  cr_assert_eq(hc_io_panel_finish(&w, err, sizeof err), 0, "%s", err);
  cr_assert_null(w);
  cr_assert(hc_io_is_panel(path));
  cr_assert(!hc_io_is_panel(file[0]));

  hc_universe u;
  cr_assert_eq(hc_io_universe_panel(path, &u, err, sizeof err), 0, "%s", err);
  cr_assert_eq(u.n, 5);
  cr_assert(u.is_panel);
  cr_assert_str_eq(u.ticker[1], "BNEWEST");
  cr_assert_str_eq(u.reason[4], "empty file");
  cr_assert_str_eq(u.path[3], path);
  cr_assert_eq(u.bytes[0], (long)csv[0].n * 8 * 6);
  hc_panel *p;
  cr_assert_eq(hc_io_panel_open(path, &p, err, sizeof err), 0, "%s", err);
  const char(*names)[HC_NAME_LEN];
  cr_assert_eq(hc_io_panel_columns(p, &names), 5);
  cr_assert_str_eq(names[0], "adjusted_close");
  for (int k = 0; k < 4; k++) {
    hc_series s;
    cr_assert_eq(hc_io_panel_read(p, k, u.ticker[k], "adjusted_close", &s, why, sizeof why), 0, "%s", why);
    cr_assert_str_eq(s.ticker, ticker[k]);
    assert_same_series(&csv[k], &s);
    hc_series_free(&s);
    hc_series_free(&csv[k]);
  }
  hc_series s;
  cr_assert_eq(hc_io_panel_read(p, 0, "AAPL", "adj", &s, why, sizeof why), 1);
  cr_assert_str_eq(why, "no column 'adj' in the panel");
  cr_assert_eq(hc_io_panel_read(p, 0, "AAPL", "close", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.value[0], s.close[0], "-column close reads the close column");
  hc_series_free(&s);
  hc_io_panel_close(&p);
  cr_assert_null(p);
  hc_io_universe_free(&u);
  test_rm_tree(dir);
}

/* What is not a panel of this version is refused at the listing, with a reason that says why. */
Test(panel, not_a_panel)
{
  char dir[HC_PATH_LEN], path[HC_PATH_LEN + 16], err[512];
  hc_universe u;
  test_tmpdir(dir, sizeof dir, "panel");
  snprintf(path, sizeof path, "%s/x.h5", dir);
  cr_assert_eq(hc_io_universe_panel(data_path("sp500/AAPL.csv"), &u, err, sizeof err), -1);
  cr_assert(strstr(err, "not an HDF5 file"), "%s", err);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  H5Fclose(f);
  cr_assert(hc_io_is_panel(path));
  cr_assert_eq(hc_io_universe_panel(path, &u, err, sizeof err), -1);
  cr_assert(strstr(err, "not an hpcast panel"), "%s", err);
  /* a panel of another format_version */
  hc_panel_writer *w;
  const char *cols[] = {"value"};
  cr_assert_eq(hc_io_panel_create(path, 1, cols, 0, &w, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_panel_finish(&w, err, sizeof err), 0, "%s", err);
  f         = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t a   = H5Aopen(f, "format_version", H5P_DEFAULT);
  int   two = 2;
  H5Awrite(a, H5T_NATIVE_INT, &two);
  H5Aclose(a);
  H5Fclose(f);
  cr_assert_eq(hc_io_universe_panel(path, &u, err, sizeof err), -1);
  cr_assert(strstr(err, "format_version 2"), "%s", err);
  /* a column name the layout cannot hold, a directory that does not exist: nothing left behind */
  const char *bad[] = {"a/b"};
  cr_assert_eq(hc_io_panel_create(path, 1, bad, 0, &w, err, sizeof err), -1);
  snprintf(path, sizeof path, "%s/nodir/x.h5", dir);
  cr_assert_eq(hc_io_panel_create(path, 1, cols, 0, &w, err, sizeof err), -1);
  cr_assert_null(w);
  test_rm_tree(dir);
}

/* An undated series (a wide file's) reads back with the labels 1..n; compression changes
 * nothing read. */
Test(panel, undated_and_compressed)
{
  char dir[HC_PATH_LEN], path[HC_PATH_LEN + 16], err[512], why[HC_REASON_LEN];
  double v[300];
  for (int t = 0; t < 300; t++) v[t] = t % 7 == 3 ? NAN : 100.0 + 0.25 * t;
  const double *c[1] = {v};
  const char *cols[] = {"value"};
  hc_panel_writer *w;
  test_tmpdir(dir, sizeof dir, "panel");
  snprintf(path, sizeof path, "%s/w.h5", dir);
  cr_assert_eq(hc_io_panel_create(path, 1, cols, 9, &w, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_panel_append(w, "W1", 300, NULL, NULL, c, "", "", err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_panel_append(w, "W2", 120, NULL, NULL, c, "", "", err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_panel_finish(&w, err, sizeof err), 0, "%s", err);
  hc_panel *p;
  hc_series s;
  cr_assert_eq(hc_io_panel_open(path, &p, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_panel_read(p, 1, "W2", "value", &s, why, sizeof why), 0, "%s", why);
  cr_assert_eq(s.n, 120);
  cr_assert_not(s.labels_are_dates);
  cr_assert_null(s.time);
  cr_assert_null(s.volume);
  cr_assert_str_eq(s.label[0], "1");
  cr_assert_str_eq(s.label[119], "120");
  for (int t = 0; t < 120; t++) {
    char num[16];
    snprintf(num, sizeof num, "%d", t + 1);
    cr_assert_str_eq(s.label[t], num, "row %d", t);
    cr_assert(!memcmp(&s.value[t], &v[t], sizeof v[t]), "row %d", t);
  }
  hc_series_free(&s);
  hc_io_panel_close(&p);
  test_rm_tree(dir);
}

/* A record with everything the report holds for a ticker: fits, a live ensemble of both fits with
 * its member forecasts and weights, score rows, a trading row, the 1-step track and strategy. */
static void make_rich(hc_result *r, int H)
{
  hc_result rs[3];
  make_results(rs, H);
  *r = rs[1]; /* AAA: 2 fits, the 1-step track */
  hc_result_free(&rs[0]);
  hc_result_free(&rs[2]);
  r->input_hash = 0x0123456789abcdefULL;
  r->input_rows = 1974;
  r->fit_n_obs  = 1973;
  hc_strlcpy(r->action, "fitted", sizeof r->action);
  hc_strlcpy(r->ensemble, "stacking", sizeof r->ensemble);
  r->bt_origins = 2;
  r->crps_1 = 0.61, r->pit_ks_1 = 0.2, r->coverage95_1 = 0.5, r->dm_stat = -1.5, r->regime[0] = 'x', r->regime[1] = '\0';
  cr_assert_eq(hc_result_set_members(r, 2), 0);
  for (int j = 0; j < 2; j++) {
    hc_strlcpy(r->member[j], r->fits[1 - j].name, HC_MODEL_LEN);
    for (int h = 0; h < H; h++) {
      r->member_mean[j * H + h] = 0.1 * j + 0.01 * h;
      r->member_sd[j * H + h]   = 1.0 + j + 0.1 * h;
    }
    for (int s = 0; s < HC_N_SCHEMES; s++) r->weights[s * 2 + j] = j ? 0.25 : 0.75;
  }
  r->n_scores = 2;
  r->scores   = calloc(2, sizeof *r->scores);
  for (int k = 0; k < 2; k++) {
    hc_strlcpy(r->scores[k].model, k ? "ensemble:stacking" : "ARMA(1,1)", HC_MODEL_LEN);
    r->scores[k].horizon = 1;
    r->scores[k].n       = 2;
    r->scores[k].crps    = 0.5 + k;
    r->scores[k].coverage[2] = 0.5;
    r->scores[k].pit[3]  = 0.5;
  }
  r->trading.n          = 2;
  r->trading.cum_return = 0.001;
  r->trading.sharpe     = 0.7;
}

Test(report, records_read_back_whole)
{
  enum { H = 4 };
  char      dir[256], path[HC_PATH_LEN], err[1024];
  hc_result w[2], r;
  test_tmpdir(dir, sizeof dir, "io");
  snprintf(path, sizeof path, "%s/report.h5", dir);
  make_rich(&w[0], H);
  cr_assert_eq(hc_result_init(&w[1], "BBB", H), 0);
  hc_result_set_status(&w[1], HC_STATUS_REJECTED, "empty file");
  hc_perf perf[2];
  make_perf(perf);
  cr_assert_eq(hc_io_report_write(path, &META, 2, w, 2, perf, err, sizeof err), 0, "%s", err);

  hc_report_reader *rd;
  cr_assert_eq(hc_io_report_open(path, &rd, err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(hc_io_report_options(rd), META.options);
  cr_assert_eq(hc_io_report_horizon(rd), H);
  int  n;
  char (*tk)[HC_NAME_LEN];
  cr_assert_eq(hc_io_report_tickers(rd, &n, &tk), 0);
  cr_assert(n == 2 && !strcmp(tk[0], "AAA") && !strcmp(tk[1], "BBB"));
  free(tk);
  cr_assert_eq(hc_io_report_read_record(rd, "NOPE", &r, err, sizeof err), 1, "a ticker the report does not have");

  cr_assert_eq(hc_io_report_read_record(rd, "AAA", &r, err, sizeof err), 0, "%s", err);
  const hc_result *a = &w[0];
  cr_assert_eq(r.status, HC_STATUS_OK);
  cr_assert_str_eq(r.last_date, a->last_date);
  cr_assert(r.n_obs == a->n_obs && r.input_rows == 1974 && r.fit_n_obs == 1973 && r.input_hash == a->input_hash);
  cr_assert_str_eq(r.action, "fitted");
  cr_assert(r.quality_score == a->quality_score && r.crps_1 == a->crps_1 && r.dm_stat == a->dm_stat && r.bt_origins == 2);
  cr_assert_str_eq(r.ensemble, "stacking");
  for (int h = 0; h < H; h++) cr_assert(r.mean[h] == a->mean[h] && r.sd[h] == a->sd[h]);
  for (int k = 0; k < H * HC_N_LEVELS; k++) cr_assert(r.lo[k] == a->lo[k] && r.hi[k] == a->hi[k]);
  cr_assert_eq(r.n_fits, 2);
  cr_assert_eq(r.selected, 1);
  for (int j = 0; j < 2; j++) {
    cr_assert_str_eq(r.fits[j].name, a->fits[j].name);
    cr_assert_str_eq(r.fits[j].vol_model, a->fits[j].vol_model);
    cr_assert(r.fits[j].n_params == a->fits[j].n_params && r.fits[j].loglik == a->fits[j].loglik && r.fits[j].n_obs_used == 1973);
    for (int k = 0; k < a->fits[j].n_params; k++) {
      cr_assert(r.fits[j].params[k] == a->fits[j].params[k] && r.fits[j].stderr_[k] == a->fits[j].stderr_[k]);
      cr_assert_str_eq(r.fits[j].param_names[k], a->fits[j].param_names[k]);
    }
  }
  cr_assert_eq(r.n_members, 2);
  for (int j = 0; j < 2; j++) {
    cr_assert_str_eq(r.member[j], a->member[j]);
    for (int h = 0; h < H; h++) cr_assert(r.member_mean[j * H + h] == a->member_mean[j * H + h] && r.member_sd[j * H + h] == a->member_sd[j * H + h]);
    for (int s = 0; s < HC_N_SCHEMES; s++) cr_assert(r.weights[s * 2 + j] == a->weights[s * 2 + j]);
  }
  cr_assert_eq(r.n_scores, 2);
  cr_assert_str_eq(r.scores[1].model, "ensemble:stacking");
  cr_assert(r.scores[1].crps == 1.5 && r.scores[1].coverage[2] == 0.5 && r.scores[1].pit[3] == 0.5);
  cr_assert(r.trading.n == 2 && r.trading.cum_return == 0.001 && r.trading.sharpe == 0.7);
  cr_assert(r.n_onestep == 2 && r.n_strategy == 2);
  cr_assert_str_eq(r.onestep[1].date, "2021-04-21");
  cr_assert(r.onestep[0].pit == 0.6 && isnan(r.onestep[1].pit) && r.onestep[1].crps_bench == 0.9);
  cr_assert(r.strategy[1].position == 0.25 && r.strategy[1].ret == -0.004);
  cr_assert_str_eq(r.strategy[0].date, "2021-04-20");
  hc_result_free(&r);

  cr_assert_eq(hc_io_report_read_record(rd, "BBB", &r, err, sizeof err), 0, "%s", err);
  cr_assert_eq(r.status, HC_STATUS_REJECTED);
  cr_assert_str_eq(r.reason, "empty file");
  cr_assert(r.n_fits == 0 && r.n_members == 0 && r.n_onestep == 0 && r.selected == -1);
  hc_result_free(&r);
  hc_io_report_close(&rd);

  /* another schema_version is refused with the reason */
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), a5 = H5Aopen(f, "schema_version", H5P_DEFAULT);
  int   five = 5;
  cr_assert_geq(H5Awrite(a5, H5T_NATIVE_INT, &five), 0);
  H5Aclose(a5);
  H5Fclose(f);
  cr_assert_eq(hc_io_report_open(path, &rd, err, sizeof err), 1);
  cr_assert(strstr(err, "schema_version 5") && rd == NULL, "%s", err);
  for (int i = 0; i < 2; i++) hc_result_free(&w[i]);
}
