/**
 * @file wide.c
 * @brief Reader of the wide CSV format of the M4 competition (one series per row).
 *
 * Format (Mcompetitions/M4-methods, Dataset/Train and Dataset/Test): a header row
 * "V1","V2",...; then one row per series: its id ("W1"), then its values; rows are ragged
 * (shorter series end with empty cells); fields may be double-quoted ("" is a quote inside).
 */
#include "hpcast/io.h"
#include "fields.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* Strict number: the whole field (surrounding blanks allowed) must be a finite real. */
static int parse_value(const char *s, double *v)
{
  char *end;
  while (*s == ' ' || *s == '\t') s++;
  if (!*s) return 1;
  errno = 0;
  *v    = strtod(s, &end);
  while (*end == ' ' || *end == '\t') end++;
  return *end || errno == ERANGE || !isfinite(*v);
}

void hc_io_wide_free(hc_wide_series *series, int n_series)
{
  for (int i = 0; series && i < n_series; i++) free(series[i].value);
  free(series);
}

/* Parse one data row (line number lno) into s. @return 0, 1 malformed (err set), -1 ENOMEM. */
static int parse_row(hc_field_reader *fr, const char *path, long lno, hc_wide_series *s, char *err, size_t errlen)
{
  int at_end = 0, k, cap = 0, n_empty = 0;
  memset(s, 0, sizeof *s);
  k = hc_next_field(fr, &at_end);
  if (k < 0) return set_err(err, errlen, "%s:%ld: field 1: unterminated quote or text after a closing quote", path, lno), 1;
  if (!fr->buf[0]) return set_err(err, errlen, "%s:%ld: the first field (series id) is empty", path, lno), 1;
  if (strlen(fr->buf) >= HC_NAME_LEN)
    return set_err(err, errlen, "%s:%ld: series id longer than %d characters", path, lno, HC_NAME_LEN - 1), 1;
  hc_strlcpy(s->id, fr->buf, sizeof s->id);
  for (int col = 2; (k = hc_next_field(fr, &at_end)) != 0; col++) {
    double v;
    if (k < 0) {
      set_err(err, errlen, "%s:%ld: field %d: unterminated quote or text after a closing quote", path, lno, col);
      break;
    }
    if (!fr->buf[strspn(fr->buf, " \t")]) { /* empty cell: allowed only as trailing padding */
      n_empty++;
      continue;
    }
    if (n_empty) {
      set_err(err, errlen, "%s:%ld: series '%s' has an empty cell before field %d (only trailing cells may be empty)",
              path, lno, s->id, col);
      k = -1;
      break;
    }
    if (parse_value(fr->buf, &v)) {
      set_err(err, errlen, "%s:%ld: field %d of series '%s' is not a finite number: '%.40s'", path, lno, col, s->id, fr->buf);
      k = -1;
      break;
    }
    if (s->n == cap) {
      int     nc = cap ? 2 * cap : 256;
      double *nv = realloc(s->value, (size_t)nc * sizeof *nv);
      if (!nv) {
        free(s->value);
        s->value = NULL;
        return set_err(err, errlen, "%s:%ld: out of memory", path, lno), -1;
      }
      s->value = nv, cap = nc;
    }
    s->value[s->n++] = v;
  }
  if (k < 0) {
    free(s->value);
    s->value = NULL;
    return 1;
  }
  return 0;
}

int hc_io_read_wide(const char *path, hc_wide_series **series, int *n_series, char *err, size_t errlen)
{
  FILE          *fp = fopen(path, "r");
  char          *line = NULL;
  size_t         lcap = 0;
  ssize_t        len;
  long           lno = 0;
  int            rc = 0, n = 0, cap = 0, at_end = 0;
  hc_wide_series *out = NULL;
  hc_field_reader   fr = {0};

  *series   = NULL;
  *n_series = 0;
  if (!fp) return set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno)), 1;
  while ((len = getline(&line, &lcap, fp)) >= 0) {
    lno++;
    if (memchr(line, '\0', (size_t)len)) {
      set_err(err, errlen, "%s:%ld: NUL byte in line (not a text CSV file)", path, lno);
      rc = 1;
      break;
    }
    hc_chomp(line);
    char *text = line;
    if (lno == 1 && !strncmp(text, "\xEF\xBB\xBF", 3)) text += 3; /* UTF-8 byte order mark */
    if (fr.cap < (size_t)len + 1) {
      char *nb = realloc(fr.buf, (size_t)len + 1);
      if (!nb) {
        set_err(err, errlen, "%s:%ld: out of memory", path, lno);
        rc = -1;
        break;
      }
      fr.buf = nb, fr.cap = (size_t)len + 1;
    }
    fr.p   = text;
    at_end = 0;
    if (lno == 1) { /* header: "V1","V2",... */
      if (hc_next_field(&fr, &at_end) != 1 || strcmp(fr.buf, "V1")) {
        set_err(err, errlen, "%s:1: not an M4 wide file: the header must start with \"V1\" (got '%.40s')", path, text);
        rc = 1;
        break;
      }
      continue;
    }
    if (!text[strspn(text, " \t")]) continue; /* blank line */
    if (n == cap) {
      int             nc = cap ? 2 * cap : 64;
      hc_wide_series *ns = realloc(out, (size_t)nc * sizeof *ns);
      if (!ns) {
        set_err(err, errlen, "%s:%ld: out of memory", path, lno);
        rc = -1;
        break;
      }
      out = ns, cap = nc;
    }
    rc = parse_row(&fr, path, lno, &out[n], err, errlen);
    if (rc) break;
    n++;
  }
  if (!rc && ferror(fp)) set_err(err, errlen, "%s: read error", path), rc = 1;
  if (!rc && lno == 0) set_err(err, errlen, "%s: empty file", path), rc = 1;
  if (!rc && n == 0) set_err(err, errlen, "%s: no series after the header", path), rc = 1;
  free(line);
  free(fr.buf);
  fclose(fp);
  if (rc) {
    hc_io_wide_free(out, n);
    return rc;
  }
  *series   = out;
  *n_series = n;
  return 0;
}
