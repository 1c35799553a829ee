/**
 * @file test_io_wide.c
 * @brief Unit tests of the M4 wide-format reader (io/wide.c): the real Weekly files of
 *        ../shared/data/m4, crafted valid files (quotes, ragged rows, CRLF, BOM) and crafted
 *        malformed files, each of which must give an error message and never a crash.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcast/io.h"

/** $HPCAST_SOURCE_ROOT/../shared/data/m4/<name>. */
static const char *m4_path(const char *name, char *buf, size_t len)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert(root, "HPCAST_SOURCE_ROOT is not set (run through meson test)");
  snprintf(buf, len, "%s/../shared/data/m4/%s", root, name);
  return buf;
}

/** Write len bytes of text to a fresh temporary file; its path goes to path[HC_PATH_LEN]. */
static void write_tmp(char *path, const char *text, size_t len)
{
  const char *t = getenv("TMPDIR");
  snprintf(path, HC_PATH_LEN, "%s/hpcast-wide-XXXXXX", t && *t ? t : "/tmp");
  int fd = mkstemp(path);
  cr_assert(fd >= 0, "mkstemp failed");
  cr_assert_eq(write(fd, text, len), (ssize_t)len);
  close(fd);
}

/** Read `text` as a wide file; returns the reader's code, series in *s (caller frees). */
static int read_text(const char *text, size_t len, hc_wide_series **s, int *n, char *err, size_t errlen)
{
  char path[HC_PATH_LEN];
  write_tmp(path, text, len);
  int rc = hc_io_read_wide(path, s, n, err, errlen);
  unlink(path);
  return rc;
}

Test(io_wide, m4_weekly_files)
{
  char            p[HC_PATH_LEN], err[512];
  hc_wide_series *s;
  int             n;
  cr_assert_eq(hc_io_read_wide(m4_path("Weekly-train.csv", p, sizeof p), &s, &n, err, sizeof err), 0, "%s", err);
  cr_assert_eq(n, 359);
  cr_assert_str_eq(s[0].id, "W1");
  cr_assert_str_eq(s[358].id, "W359");
  cr_assert_eq(s[0].n, 2179);
  cr_assert_float_eq(s[0].value[0], 1089.2, 1e-12);
  cr_assert_float_eq(s[0].value[2178], 35397.16, 1e-12); /* last training value of W1 */
  long total = 0;
  int  lo = s[0].n, hi = s[0].n;
  for (int i = 0; i < n; i++) {
    total += s[i].n;
    lo = s[i].n < lo ? s[i].n : lo;
    hi = s[i].n > hi ? s[i].n : hi;
  }
  cr_assert_eq(total, 366912);
  cr_assert_eq(lo, 80);
  cr_assert_eq(hi, 2597);
  hc_io_wide_free(s, n);

  cr_assert_eq(hc_io_read_wide(m4_path("Weekly-test.csv", p, sizeof p), &s, &n, err, sizeof err), 0, "%s", err);
  cr_assert_eq(n, 359);
  for (int i = 0; i < n; i++) cr_assert_eq(s[i].n, 13, "series %s", s[i].id);
  cr_assert_float_eq(s[0].value[0], 35397.16, 1e-12);
  cr_assert_float_eq(s[358].value[12], 3965, 1e-12);
  hc_io_wide_free(s, n);
}

Test(io_wide, crafted_valid)
{
  static const char text[] = "\xEF\xBB\xBF\"V1\",\"V2\",\"V3\",\"V4\"\r\n"
                             "\"A1\",\"1.5\",\"-2\",\"3e2\"\r\n"
                             "\r\n"
                             "B \"\"x\"\",4,,\r\n"
                             "\"C,1\", 5 ,\"\",\"\"\n"
                             "D\n";
  hc_wide_series *s;
  int             n;
  char            err[512];
  cr_assert_eq(read_text(text, sizeof text - 1, &s, &n, err, sizeof err), 0, "%s", err);
  cr_assert_eq(n, 4);
  cr_assert_str_eq(s[0].id, "A1");
  cr_assert_eq(s[0].n, 3);
  cr_assert_float_eq(s[0].value[2], 300.0, 1e-12);
  cr_assert_str_eq(s[1].id, "B \"\"x\"\""); /* quotes inside an unquoted field are kept as is */
  cr_assert_eq(s[1].n, 1);
  cr_assert_str_eq(s[2].id, "C,1"); /* comma inside quotes */
  cr_assert_eq(s[2].n, 1);
  cr_assert_float_eq(s[2].value[0], 5.0, 1e-12);
  cr_assert_str_eq(s[3].id, "D");
  cr_assert_eq(s[3].n, 0);
  hc_io_wide_free(s, n);
}

/* Each malformed text must be rejected with code 1 and a message containing `what`. */
static void expect_error(const char *text, size_t len, const char *what)
{
  hc_wide_series *s = (hc_wide_series *)1;
  int             n = -1;
  char            err[512] = "";
  cr_assert_eq(read_text(text, len, &s, &n, err, sizeof err), 1, "accepted: %s", text);
  cr_assert_null(s);
  cr_assert_eq(n, 0);
  cr_assert(strstr(err, what), "message '%s' lacks '%s'", err, what);
}
#define EXPECT_ERROR(lit, what) expect_error(lit, sizeof lit - 1, what)

Test(io_wide, crafted_malformed)
{
  EXPECT_ERROR("", "empty file");
  EXPECT_ERROR("\"V1\",\"V2\"\n", "no series");
  EXPECT_ERROR("\"W1\",\"1\"\n", "header");
  EXPECT_ERROR("\"V1\",\"V2\"\n\"W1\",\"1\",\"\",\"2\"\n", "empty cell before");
  EXPECT_ERROR("\"V1\",\"V2\"\n\"W1\",\"1\",\"abc\"\n", "not a finite number");
  EXPECT_ERROR("\"V1\",\"V2\"\n\"W1\",\"nan\"\n", "not a finite number");
  EXPECT_ERROR("\"V1\",\"V2\"\n\"W1\",\"1e999\"\n", "not a finite number");
  EXPECT_ERROR("\"V1\",\"V2\"\n\"W1\",\"1\n", "unterminated quote");
  EXPECT_ERROR("\"V1\",\"V2\"\n\"W1\"x,\"1\"\n", "unterminated quote");
  EXPECT_ERROR("\"V1\",\"V2\"\n,\"1\"\n", "id) is empty");
  EXPECT_ERROR("\"V1\",\"V2\"\nW1,1\0,2\n", "NUL byte");
  EXPECT_ERROR("\"V1\"\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,1\n", "longer than");
  EXPECT_ERROR("{\"Error Message\": \"x\"}\n", "not an M4 wide file");
  EXPECT_ERROR("\"V1\",\"V2\"\nW1,1\nW2,2,x\n", ":3:"); /* names the line */

  hc_wide_series *s;
  int             n;
  char            err[512];
  cr_assert_eq(hc_io_read_wide("/nonexistent/hpcast/Weekly.csv", &s, &n, err, sizeof err), 1);
  cr_assert(strstr(err, "cannot open"), "%s", err);
  hc_io_wide_free(NULL, 0);
}
