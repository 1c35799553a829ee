/**
 * @file fuzz_csv.c
 * @brief libFuzzer target of the CSV series reader (hc_io_read_csv, src/io/csv.c): headers,
 *        quoting, line endings, byte order marks and other encodings, numbers and dates.
 *
 * The input is the whole file. It is read with the value column "adjusted_close" (the
 * default -column), and the contract of io.h is checked on the result:
 *  - success (0): n > 0; label, value non-NULL; every label NUL-terminated within
 *    HC_LABEL_LEN; values finite or NaN (never +-inf), also in volume/high/low/close;
 *    the ticker is the one given; note NUL-terminated; labels_are_dates 0 or 1, with time
 *    non-NULL exactly when it is 1; then every time lies in the years 0000-9999 (all date
 *    formats have 4-digit years; epoch seconds 1973-2286), a label that is an ISO date
 *    YYYY-MM-DD has the time of its midnight UTC (hc_iso_days), the rows are not strictly
 *    newest first (such a file is reversed), and a file noted "reversed: newest first" is
 *    strictly oldest first;
 *  - unusable (1) or out of memory (-1): a non-empty, NUL-terminated reason and the series
 *    zeroed (n = 0, no arrays), as csv.c documents;
 *  - any other return value is a finding.
 * The series is then freed (LeakSanitizer checks that nothing else was kept).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "hpcast/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_column(const double *v, int n, const char *what)
{
  if (!v) return;
  for (int i = 0; i < n; i++) FUZZ_CHECK(!isinf(v[i]), "%s[%d] = %g (want finite or NaN)", what, i, v[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *path = fuzz_file(data, size);
  hc_series   s;
  char        reason[HC_REASON_LEN];
  memset(reason, 'x', sizeof reason); /* a reason that is never written stays unterminated */
  const int rc = hc_io_read_csv(path, "FUZZ", "adjusted_close", &s, reason, sizeof reason);
  FUZZ_CHECK(rc == 0 || rc == 1 || rc == -1, "return %d", rc);
  if (rc != 0) {
    FUZZ_CHECK(fuzz_terminated(reason, sizeof reason), "reason not NUL-terminated (rc %d)", rc);
    FUZZ_CHECK(reason[0] != '\0', "empty reason (rc %d)", rc);
    FUZZ_CHECK(s.n == 0 && !s.label && !s.value && !s.volume && !s.high && !s.low && !s.close && !s.time,
               "series not zeroed on failure (rc %d, n %d)", rc, s.n);
    return 0;
  }
  FUZZ_CHECK(s.n > 0, "n = %d on success", s.n);
  FUZZ_CHECK(s.label && s.value, "label %p value %p", (void *)s.label, (void *)s.value);
  FUZZ_CHECK(!strcmp(s.ticker, "FUZZ"), "ticker '%.*s'", HC_NAME_LEN, s.ticker);
  FUZZ_CHECK(fuzz_terminated(s.note, sizeof s.note), "note not NUL-terminated");
  FUZZ_CHECK(s.labels_are_dates == 0 || s.labels_are_dates == 1, "labels_are_dates = %d", s.labels_are_dates);
  FUZZ_CHECK(!s.labels_are_dates == !s.time, "labels_are_dates %d but time %p", s.labels_are_dates, (void *)s.time);
  for (int i = 0; i < s.n; i++) FUZZ_CHECK(fuzz_terminated(s.label[i], HC_LABEL_LEN), "label[%d] not NUL-terminated", i);
  if (s.time) {
    const long long t_min = -62167219200LL, t_max = 253402300799LL; /* 0000-01-01, 9999-12-31 23:59:59 UTC */
    int             up = 1, down = 1;
    for (int i = 0; i < s.n; i++) {
      FUZZ_CHECK(s.time[i] >= t_min && s.time[i] <= t_max, "time[%d] = %lld of label '%s' outside the years 0000-9999", i, s.time[i],
                 s.label[i]);
      long days;
      if (!hc_iso_days(s.label[i], &days))
        FUZZ_CHECK(s.time[i] == 86400LL * days, "time[%d] = %lld of ISO label '%s', want %lld", i, s.time[i], s.label[i],
                   86400LL * days);
      if (i) up &= s.time[i] > s.time[i - 1], down &= s.time[i] < s.time[i - 1];
    }
    FUZZ_CHECK(s.n < 2 || !down, "%d rows strictly newest first, not reversed", s.n);
    if (!strcmp(s.note, "reversed: newest first")) FUZZ_CHECK(up, "noted reversed but not strictly oldest first");
  }
  check_column(s.value, s.n, "value");
  check_column(s.volume, s.n, "volume");
  check_column(s.high, s.n, "high");
  check_column(s.low, s.n, "low");
  check_column(s.close, s.n, "close");
  hc_series_free(&s);
  return 0;
}
