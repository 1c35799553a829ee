/**
 * @file test_data.c
 * @brief Unit tests of the data module: quality gate, quality score, transforms.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hpcast/core.h"
#include "hpcast/data.h"
#include "hpcast/io.h"

/** Write the ISO date `start` + `offset` days into out (calendar arithmetic by mktime, not by the gate). */
static void iso_date(int y, int m, int d, int offset, char out[HC_LABEL_LEN])
{
  struct tm tm = {0};
  tm.tm_year  = y - 1900;
  tm.tm_mon   = m - 1;
  tm.tm_mday  = d + offset;
  tm.tm_hour  = 12;
  tm.tm_isdst = -1;
  cr_assert_neq(mktime(&tm), (time_t)-1);
  cr_assert_eq(strftime(out, HC_LABEL_LEN, "%Y-%m-%d", &tm), 10u);
}

/** 2000-01-03 00:00:00 UTC in seconds since 1970 (10957 + 2 days). */
#define JAN3_2000 946857600LL

/** Row i of s is dated 2000-01-03 + offset days: its label and its time. */
static void set_day(hc_series *s, int i, int offset)
{
  iso_date(2000, 1, 3, offset, s->label[i]);
  s->time[i] = JAN3_2000 + 86400LL * offset;
}

/** Row i of s gets the label and time of row j. */
static void copy_date(hc_series *s, int i, int j)
{
  hc_strlcpy(s->label[i], s->label[j], HC_LABEL_LEN);
  s->time[i] = s->time[j];
}

/**
 * A clean series of n rows with volume: dates one calendar day apart from 2000-01-03,
 * prices 100 (1 + 0.01 sin i) (moves below 3 %), volume 1e6.
 */
static void clean_series(hc_series *s, int n)
{
  cr_assert_eq(hc_series_alloc(s, n, 1), 0);
  hc_strlcpy(s->ticker, "TEST", sizeof s->ticker);
  s->time = malloc((size_t)(n > 0 ? n : 1) * sizeof *s->time);
  cr_assert_not_null(s->time);
  for (int i = 0; i < n; i++) {
    set_day(s, i, i);
    s->value[i]  = 100.0 * (1.0 + 0.01 * sin((double)i));
    s->volume[i] = 1e6;
  }
  s->labels_are_dates = 1;
}

/** Run the gate with default options, or with transform t. */
static int gate(const hc_series *s, hc_transform t, double *q, char *reason)
{
  hc_gate_options o;
  hc_gate_options_default(&o);
  o.transform = t;
  return hc_data_gate(s, &o, q, reason, HC_REASON_LEN);
}

Test(data, options_default)
{
  hc_gate_options o;
  hc_gate_options_default(&o);
  cr_assert_eq(o.min_obs, 250);
  cr_assert_eq(o.transform, HC_TRANSFORM_LOGRET100);
  cr_assert_eq(o.max_move, 0.40);
  cr_assert_eq(o.max_gap_days, 5.0);
  cr_assert_eq(o.max_zero_share, 0.25);
}

Test(data, transform_names)
{
  hc_transform t = HC_TRANSFORM_NONE;
  cr_assert_eq(hc_transform_parse("logret100", &t), 0);
  cr_assert_eq(t, HC_TRANSFORM_LOGRET100);
  cr_assert_eq(hc_transform_parse("none", &t), 0);
  cr_assert_eq(t, HC_TRANSFORM_NONE);
  cr_assert_eq(hc_transform_parse("logret", &t), 1);
  cr_assert_eq(t, HC_TRANSFORM_NONE, "a failed parse must leave *t alone");
  cr_assert_str_eq(hc_transform_name(HC_TRANSFORM_LOGRET100), "logret100");
  cr_assert_str_eq(hc_transform_name(HC_TRANSFORM_NONE), "none");
}

Test(data, clean_series_accepted_quality_one)
{
  hc_series s;
  clean_series(&s, 300);
  double q = -1;
  char reason[HC_REASON_LEN] = "stale";
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0);
  cr_assert_eq(q, 1.0);
  cr_assert_str_eq(reason, "");
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 0);
  cr_assert_eq(q, 1.0);
  hc_series_free(&s);
}

Test(data, empty_series_rejected)
{
  hc_series s;
  cr_assert_eq(hc_series_alloc(&s, 0, 0), 0);
  double q = -1;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "no data rows");
  cr_assert_eq(q, 0.0);
  hc_series_free(&s);
}

Test(data, nan_value_rejected)
{
  hc_series s;
  clean_series(&s, 300);
  s.value[16] = NAN;
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  char want[HC_REASON_LEN];
  snprintf(want, sizeof want, "non-numeric value at row 17 (%s)", s.label[16]);
  cr_assert_str_eq(reason, want);
  cr_assert_str_eq(s.label[16], "2000-01-19");
  /* quality of the rejected series: one flagged row of 300, no gap */
  cr_assert_float_eq(q, 1.0 - 1.0 / 300.0, 1e-15);
  /* also rejected without logs */
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert_str_eq(reason, want);
  hc_series_free(&s);
}

Test(data, infinite_value_rejected)
{
  hc_series s;
  clean_series(&s, 300);
  s.value[4] = -INFINITY;
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert_str_eq(reason, "non-finite value -inf at row 5 (2000-01-07)");
  hc_series_free(&s);
}

Test(data, negative_value_logret_rejected_none_accepted)
{
  hc_series s;
  clean_series(&s, 300);
  s.value[16] = -3.2;
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "non-positive value -3.2 at row 17 (2000-01-19)");
  cr_assert_float_eq(q, 1.0 - 1.0 / 300.0, 1e-15);

  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 0, "%s", reason);
  cr_assert_str_eq(reason, "");
  cr_assert_eq(q, 1.0, "a negative value is valid data without logs");

  s.value[16] = 0.0;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "non-positive value 0 at row 17 (2000-01-19)");
  hc_series_free(&s);
}

Test(data, nan_reported_before_negative)
{
  hc_series s;
  clean_series(&s, 300);
  s.value[3]  = -1.0;
  s.value[9]  = NAN;
  copy_date(&s, 20, 19);
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "non-numeric value at row 10 (2000-01-12)");
  s.value[9] = 100.0;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "non-positive value -1 at row 4 (2000-01-06)");
  s.value[3] = 100.0;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "duplicate date 2000-01-22 at row 21");
  hc_series_free(&s);
}

Test(data, duplicate_date_rejected)
{
  hc_series s;
  clean_series(&s, 300);
  copy_date(&s, 17, 16);
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "duplicate date 2000-01-19 at row 18");
  /* the step 19 -> 19 -> 21 January: 0 and 2 days, no gap, no flagged row */
  cr_assert_eq(q, 1.0);
  /* free-text labels are not dates: no date check */
  s.labels_are_dates = 0;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  hc_series_free(&s);
}

Test(data, unsorted_dates_rejected)
{
  hc_series s;
  clean_series(&s, 300);
  /* rows 17, 18, 19 = 2000-01-19, 2000-01-20, 2000-01-17 */
  copy_date(&s, 18, 14);
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "dates not ascending: 2000-01-17 after 2000-01-20 at row 19");
  /* 2000-01-17 -> 2000-01-22 is 5 days: not beyond max_gap_days, no gap */
  cr_assert_eq(q, 1.0);
  hc_series_free(&s);
}

Test(data, too_short_rejected)
{
  hc_series s;
  clean_series(&s, 50);
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "too few observations: 49 < min_obs 250");
  cr_assert_eq(q, 1.0, "a short series is clean");
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert_str_eq(reason, "too few observations: 50 < min_obs 250");
  hc_series_free(&s);

  /* boundary: 251 rows = 250 returns is enough */
  clean_series(&s, 251);
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  hc_series_free(&s);
}

Test(data, zero_volume_and_big_move_flagged)
{
  hc_series s;
  clean_series(&s, 300);
  s.volume[10] = 0.0;
  s.volume[200] = 0.0;
  /* from row 101 on, prices are 1.5 times higher: one move of ~ +50 % at row 101 */
  for (int i = 100; i < s.n; i++) s.value[i] *= 1.5;
  /* a move of -30 % at row 251 is within max_move 0.40 */
  s.value[250] = 0.7 * s.value[249];
  for (int i = 251; i < s.n; i++) s.value[i] = s.value[250];
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  /* flagged rows 11, 201 (zero volume) and 101 (move): 3 of 300; no gap */
  cr_assert_float_eq(q, 0.99, 1e-15);
  /* without logs, moves are not flagged: only the 2 zero-volume rows */
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 0, "%s", reason);
  cr_assert_float_eq(q, 1.0 - 2.0 / 300.0, 1e-15);
  hc_series_free(&s);
}

Test(data, ten_day_gap)
{
  hc_series s;
  clean_series(&s, 300);
  /* from row 151 on, dates are 9 days later: the step from row 150 to 151 is 10 days */
  for (int i = 150; i < s.n; i++) set_day(&s, i, i + 9);
  cr_assert_str_eq(s.label[149], "2000-05-31");
  cr_assert_str_eq(s.label[150], "2000-06-10");
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  /* 1 gap of 299 steps; no flagged row */
  cr_assert_float_eq(q, 1.0 - 1.0 / 299.0, 1e-15);
  /* free-text labels have no gaps */
  s.labels_are_dates = 0;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  cr_assert_eq(q, 1.0);
  hc_series_free(&s);
}

Test(data, gap_day_arithmetic)
{
  hc_series s;
  cr_assert_eq(hc_series_alloc(&s, 7, 0), 0);
  const char *dates[7] = {
    "2000-02-26", "2000-03-03",  /* 6 days over 29 Feb 2000: gap */
    "2000-03-08",                /* 5 days: not a gap */
    "2000-12-30", "2001-01-04",  /* 298 days (gap), then 5 days over the new year (not a gap) */
    "2001-02-26", "2001-03-03"}; /* 53 days (gap), then 5 days over 28 Feb 2001 (not a gap) */
  s.time = malloc(7 * sizeof *s.time);
  cr_assert_not_null(s.time);
  for (int i = 0; i < 7; i++) {
    long days;
    hc_strlcpy(s.label[i], dates[i], HC_LABEL_LEN);
    cr_assert_eq(hc_iso_days(dates[i], &days), 0);
    s.time[i]  = 86400LL * days;
    s.value[i] = 10.0 + i;
  }
  s.labels_are_dates = 1;
  hc_gate_options o;
  hc_gate_options_default(&o);
  o.min_obs = 1;
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(hc_data_gate(&s, &o, &q, reason, sizeof reason), 0, "%s", reason);
  /* gaps: 2000-02-26->03-03, 2000-03-08->12-30, 2001-01-04->02-26 = 3 of 6 steps */
  cr_assert_float_eq(q, 0.5, 1e-15);
  hc_series_free(&s);
}

Test(data, reason_truncated_to_len)
{
  hc_series s;
  clean_series(&s, 50);
  double q;
  char reason[8];
  hc_gate_options o;
  hc_gate_options_default(&o);
  cr_assert_eq(hc_data_gate(&s, &o, &q, reason, sizeof reason), 1);
  cr_assert_str_eq(reason, "too few");
  hc_series_free(&s);
}

Test(data, transform_logret100)
{
  hc_series s;
  cr_assert_eq(hc_series_alloc(&s, 4, 0), 0);
  const double v[4] = {100.0, 110.0, 99.0, 99.0};
  memcpy(s.value, v, sizeof v);
  double y[4] = {-7, -7, -7, -7};
  cr_assert_eq(hc_data_transform(&s, HC_TRANSFORM_LOGRET100, y), 3);
  /* 100 ln(1.1), 100 ln(0.9), 0 */
  cr_assert_float_eq(y[0], 9.5310179804324860, 1e-12);
  cr_assert_float_eq(y[1], -10.536051565782630, 1e-12);
  cr_assert_float_eq(y[2], 0.0, 1e-12);
  cr_assert_eq(y[3], -7.0, "nothing written past n-1");

  cr_assert_eq(hc_data_transform(&s, HC_TRANSFORM_NONE, y), 4);
  for (int i = 0; i < 4; i++) cr_assert_eq(y[i], v[i]);

  s.n = 1;
  cr_assert_eq(hc_data_transform(&s, HC_TRANSFORM_LOGRET100, y), 0);
  hc_series_free(&s);
}

/* ------------------------------------------------------------ dates on time (issue 25) */

/** 300 clean rows whose labels are MM/DD/YYYY from 2020-12-20: string order is not time order. */
static void mdy_series(hc_series *s)
{
  clean_series(s, 300);
  for (int i = 0; i < s->n; i++) {
    struct tm tm = {0};
    tm.tm_year  = 2020 - 1900;
    tm.tm_mon   = 11;
    tm.tm_mday  = 20 + i;
    tm.tm_hour  = 12;
    tm.tm_isdst = -1;
    cr_assert_neq(mktime(&tm), (time_t)-1);
    cr_assert_eq(strftime(s->label[i], HC_LABEL_LEN, "%m/%d/%Y", &tm), 10u);
    s->time[i] = 1608422400LL + 86400LL * i; /* 2020-12-20 = day 18616 */
  }
}

Test(data, order_and_duplicates_on_time_not_strings)
{
  hc_series s;
  mdy_series(&s);
  cr_assert_str_eq(s.label[11], "12/31/2020");
  cr_assert_str_eq(s.label[12], "01/01/2021");
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  cr_assert_eq(q, 1.0);
  /* rows 12 and 13 swapped: descending on time */
  char l[HC_LABEL_LEN];
  long long t = s.time[11];
  hc_strlcpy(l, s.label[11], sizeof l);
  copy_date(&s, 11, 12);
  hc_strlcpy(s.label[12], l, HC_LABEL_LEN);
  s.time[12] = t;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "dates not ascending: 12/31/2020 after 01/01/2021 at row 13");
  hc_series_free(&s);

  /* the same instant written differently is a duplicate (time, not label, decides) */
  mdy_series(&s);
  s.time[40] = s.time[39];
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert_str_eq(reason, "duplicate date 01/29/2021 at row 41");
  hc_series_free(&s);
}

Test(data, gaps_on_seconds)
{
  hc_series s;
  clean_series(&s, 300);
  for (int i = 0; i < s.n; i++) s.time[i] = JAN3_2000 + 3600LL * i; /* hourly bars: no gap */
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  cr_assert_eq(q, 1.0);
  /* steps of 5.5 days (a gap: beyond 5) at row 101 and of exactly 5 days (no gap) at row 201 */
  for (int i = 100; i < s.n; i++) s.time[i] += 132 * 3600LL - 3600;
  for (int i = 200; i < s.n; i++) s.time[i] += 5 * 86400LL - 3600;
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  cr_assert_float_eq(q, 1.0 - 1.0 / 299.0, 1e-15);
  hc_series_free(&s);
}

/* ------------------------------------------------------- constant and stale prices (issue 25) */

Test(data, constant_price_rejected)
{
  hc_series s;
  clean_series(&s, 300);
  for (int i = 0; i < s.n; i++) s.value[i] = 42.0;
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "near-zero variance: sd 0 of the logret100 series <= 1e-06");
  cr_assert_eq(q, 1.0, "a constant price has no flagged row");
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert_str_eq(reason, "near-zero variance: sd 0 of the none series <= 4.2e-07");
  for (int i = 0; i < s.n; i++) s.value[i] = 0.0;
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert_str_eq(reason, "near-zero variance: sd 0 of the none series <= 0");

  /* moves of 1e-12 (input rounding) are no variance; moves of 1e-7 are (sd ~ 1e-5 percent) */
  for (int i = 0; i < s.n; i++) s.value[i] = 100.0 * (1.0 + (i % 2) * 1e-12);
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert(!strncmp(reason, "near-zero variance: sd 1e-10 of the logret100 series", 52), "%s", reason);
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 1);
  cr_assert(!strncmp(reason, "near-zero variance: sd 5.01e-11 of the none series <= 1e-06", 59), "%s", reason);
  for (int i = 0; i < s.n; i++) s.value[i] = 100.0 * (1.0 + (i % 2) * 1e-7);
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 0, "%s", reason);
  hc_series_free(&s);
}

Test(data, stale_price_rejected)
{
  hc_series s;
  clean_series(&s, 301); /* 300 returns, none zero */
  for (int i = 225; i < s.n; i++) s.value[i] = s.value[225]; /* 75 zero returns: 0.25, not above */
  double q;
  char reason[HC_REASON_LEN];
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 0, "%s", reason);
  s.value[224] = s.value[225]; /* 76 */
  cr_assert_eq(gate(&s, HC_TRANSFORM_LOGRET100, &q, reason), 1);
  cr_assert_str_eq(reason, "stale price: 76 of 300 returns are zero (share 0.253 > max_zero_share 0.25)");
  /* a level series may repeat itself (a policy rate); 1 disables the check */
  cr_assert_eq(gate(&s, HC_TRANSFORM_NONE, &q, reason), 0, "%s", reason);
  hc_gate_options o;
  hc_gate_options_default(&o);
  o.max_zero_share = 1.0;
  cr_assert_eq(hc_data_gate(&s, &o, &q, reason, sizeof reason), 0, "%s", reason);
  o.max_zero_share = 0.3;
  cr_assert_eq(hc_data_gate(&s, &o, &q, reason, sizeof reason), 0, "%s", reason);
  hc_series_free(&s);
}

/* ------------------------------------------------------- files of tests/data through the gate */

/** Read tests/data/<rel> (column adjusted_close) and gate it with default options. */
static int read_and_gate(const char *rel, hc_series *s, char *reason)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT must point to the source tree");
  char path[HC_PATH_LEN];
  snprintf(path, sizeof path, "%s/tests/data/%s", root, rel);
  cr_assert_eq(hc_io_read_csv(path, rel, "adjusted_close", s, reason, HC_REASON_LEN), 0, "%s: %s", rel, reason);
  hc_gate_options o;
  hc_gate_options_default(&o);
  double q;
  return hc_data_gate(s, &o, &q, reason, HC_REASON_LEN);
}

Test(data, files_through_the_gate)
{
  hc_series s;
  char reason[HC_REASON_LEN];
  /* issue 25's reproduction: accepted, reversed, with the note */
  cr_assert_eq(read_and_gate("dates/newest_first_midnight.csv", &s, reason), 0, "%s", reason);
  cr_assert_str_eq(s.note, "reversed: newest first");
  hc_series_free(&s);
  cr_assert_eq(read_and_gate("dates/dmy_dot_duplicate.csv", &s, reason), 1);
  cr_assert_str_eq(reason, "duplicate date 15.11.1999 at row 12");
  hc_series_free(&s);
  cr_assert_eq(read_and_gate("dates/unsorted.csv", &s, reason), 1);
  cr_assert_str_eq(reason, "dates not ascending: 1999-11-08 after 1999-11-09 at row 7");
  hc_series_free(&s);
  cr_assert_eq(read_and_gate("bad/CONSTANT.csv", &s, reason), 1);
  cr_assert_str_eq(reason, "near-zero variance: sd 0 of the logret100 series <= 1e-06");
  hc_series_free(&s);
  cr_assert_eq(read_and_gate("bad/STALE.csv", &s, reason), 1);
  cr_assert_str_eq(reason, "stale price: 121 of 319 returns are zero (share 0.379 > max_zero_share 0.25)");
  hc_series_free(&s);
}

/* The defaults reject no real ticker of ../shared/data/sp500 for variance or stale prices. */
Test(data, sp500_never_stale)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT must point to the source tree");
  char dir[HC_PATH_LEN], err[512];
  snprintf(dir, sizeof dir, "%s/../shared/data/sp500", root);
  hc_universe u;
  cr_assert_eq(hc_io_universe_dir(dir, &u, err, sizeof err), 0, "%s", err);
  hc_gate_options o;
  hc_gate_options_default(&o);
  int accepted = 0;
  for (int i = 0; i < u.n; i++) {
    hc_series s;
    char reason[HC_REASON_LEN];
    double q;
    cr_assert_eq(hc_io_read_csv(u.path[i], u.ticker[i], "adjusted_close", &s, reason, sizeof reason), 0, "%s", reason);
    if (hc_data_gate(&s, &o, &q, reason, sizeof reason) == 0) accepted++;
    cr_assert(!strstr(reason, "near-zero variance") && !strstr(reason, "stale price"), "%s: %s", u.ticker[i], reason);
    hc_series_free(&s);
  }
  cr_assert_gt(accepted, 250);
  hc_io_universe_free(&u);
}

Test(data, real_aapl_passes_gate)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT must point to the source tree");
  char path[HC_PATH_LEN];
  snprintf(path, sizeof path, "%s/../shared/data/sp500/AAPL.csv", root);
  hc_series s;
  char reason[HC_REASON_LEN] = "";
  cr_assert_eq(hc_io_read_csv(path, "AAPL", "adjusted_close", &s, reason, sizeof reason), 0,
               "%s: %s", path, reason);
  cr_assert_eq(s.labels_are_dates, 1);
  cr_assert_not_null(s.volume);
  cr_assert_eq(s.n, 5402, "rows 1999-11-01 .. 2021-04-21");

  hc_gate_options o;
  hc_gate_options_default(&o);
  double q = -1;
  cr_assert_eq(hc_data_gate(&s, &o, &q, reason, sizeof reason), 0, "%s", reason);
  cr_assert_gt(q, 0.9);
  cr_assert_leq(q, 1.0);

  double *y = malloc((size_t)s.n * sizeof *y);
  cr_assert_not_null(y);
  cr_assert_eq(hc_data_transform(&s, o.transform, y), 5401);
  for (int i = 0; i < 5401; i++) cr_assert(isfinite(y[i]), "return %d is %g", i, y[i]);
  /* first return: 100 ln(0.617102796721 / 0.596878742448) */
  cr_assert_float_eq(y[0], 100.0 * log(0.617102796721 / 0.596878742448), 1e-12);
  free(y);
  hc_series_free(&s);
}
