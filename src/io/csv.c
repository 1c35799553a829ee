/**
 * @file csv.c
 * @brief CSV series reader of hpcast (hc_io_read_csv).
 *
 * Line-oriented reader for the simple CSV files of the universe (AlphaVantage
 * daily exports, classic benchmark series). One record per line (LF or CRLF);
 * fields may be double-quoted ("" inside quotes is a literal quote) but may not
 * span lines. Lines of any length are read with getline(3).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/io.h"

/** Characters of the first line quoted in a "not a CSV file" reason. */
#define FIRST_LINE_EXCERPT 40

/** Rows read so far, in growable arrays (copied into the hc_series at the end). */
/** Optional columns read when the header has them (hc_series volume, high, low, close). */
#define N_AUX 4
static const char *aux_names[N_AUX] = {"volume", "high", "low", "close"};

typedef struct {
  int     n, cap;
  char  (*label)[HC_LABEL_LEN];
  double *value;
  double *aux[N_AUX]; /* NULL when the file has no such column */
} rows;

static void rows_free(rows *r)
{
  free(r->label);
  free(r->value);
  for (int k = 0; k < N_AUX; k++) free(r->aux[k]);
}

/** Make room for one more row. @return 0 or -1 on allocation failure. */
static int rows_grow(rows *r)
{
  if (r->n < r->cap) return 0;
  int cap = r->cap ? (r->cap <= INT_MAX / 2 ? 2 * r->cap : INT_MAX) : 1024;
  void *l = realloc(r->label, (size_t)cap * sizeof *r->label);
  if (!l) return -1;
  r->label = l;
  void *v = realloc(r->value, (size_t)cap * sizeof *r->value);
  if (!v) return -1;
  r->value = v;
  for (int k = 0; k < N_AUX; k++) {
    if (!r->aux[k]) continue;
    void *w = realloc(r->aux[k], (size_t)cap * sizeof *r->aux[k]);
    if (!w) return -1;
    r->aux[k] = w;
  }
  r->cap = cap;
  return 0;
}

/** Remove the line terminator (LF, CRLF) in place. @return the new length. */
static size_t chomp(char *line, size_t len)
{
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
  return len;
}

static int is_blank(const char *s)
{
  for (; *s; s++)
    if (!isspace((unsigned char)*s)) return 0;
  return 1;
}

/** Trim ASCII whitespace at both ends of s in place. @return the trimmed start. */
static char *trim(char *s)
{
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  return s;
}

/**
 * Split off the next field of the line at *cur, in place: quotes are removed
 * ("" inside quotes is a literal quote), the field is NUL-terminated and trimmed.
 * *cur is advanced past the separating comma, or set to NULL after the last field.
 */
static char *next_field(char **cur)
{
  char *p = *cur, *out = p, *start = p;
  int quoted = 0;
  for (;;) {
    char c = *p;
    if (c == '\0') {
      *cur = NULL;
      break;
    }
    if (quoted) {
      if (c == '"' && p[1] == '"') {
        *out++ = '"';
        p += 2;
        continue;
      }
      if (c == '"') quoted = 0;
      else *out++ = c;
      p++;
      continue;
    }
    if (c == ',') {
      *cur = p + 1;
      break;
    }
    if (c == '"') quoted = 1;
    else *out++ = c;
    p++;
  }
  *out = '\0'; /* out <= p: never past the field's own bytes */
  return trim(start);
}

/** Numeric value of a trimmed field: NaN if empty, not wholly numeric, or not finite. */
static double parse_number(const char *f)
{
  char *end;
  if (*f == '\0') return NAN;
  double v = strtod(f, &end);
  if (end == f || *end != '\0' || !isfinite(v)) return NAN;
  return v;
}

/** 1 if s is an ISO calendar date YYYY-MM-DD with valid month and day. */
static int is_iso_date(const char *s)
{
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return 0;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m < 1 || m > 12 || d < 1) return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= mdays[m - 1] + (m == 2 && leap);
}

/** Printable excerpt of the first line for an error reason ('?' for control bytes). */
static void excerpt(char *dst, size_t dstlen, const char *line)
{
  size_t n = strlen(line), k = n < FIRST_LINE_EXCERPT ? n : FIRST_LINE_EXCERPT;
  char buf[FIRST_LINE_EXCERPT + 4];
  for (size_t i = 0; i < k; i++) {
    unsigned char c = (unsigned char)line[i];
    buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  if (n > k) memcpy(buf + k, "...", 4);
  else buf[k] = '\0';
  hc_strlcpy(dst, buf, dstlen);
}

/** Locate `column` and the optional columns in the header line (modified in place). */
static void find_columns(char *header, const char *column, int *icol, int *iaux)
{
  char *cur = header;
  *icol = -1;
  for (int k = 0; k < N_AUX; k++) iaux[k] = -1;
  for (int i = 0; cur; i++) {
    const char *f = next_field(&cur);
    if (*icol < 0 && strcmp(f, column) == 0) *icol = i;
    for (int k = 0; k < N_AUX; k++)
      if (iaux[k] < 0 && strcmp(f, aux_names[k]) == 0) iaux[k] = i;
  }
}

/** Parse one data line (modified in place) into row r->n. */
static void parse_row(rows *r, char *line, int icol, const int *iaux)
{
  int last = icol;
  for (int k = 0; k < N_AUX; k++) last = iaux[k] > last ? iaux[k] : last;
  char *cur = line;
  double value = NAN, aux[N_AUX] = {NAN, NAN, NAN, NAN};
  for (int i = 0; i <= last && cur; i++) {
    const char *f = next_field(&cur);
    if (i == 0) hc_strlcpy(r->label[r->n], f, HC_LABEL_LEN);
    if (i == icol) value = parse_number(f);
    for (int k = 0; k < N_AUX; k++)
      if (i == iaux[k]) aux[k] = parse_number(f);
  }
  r->value[r->n] = value;
  for (int k = 0; k < N_AUX; k++)
    if (r->aux[k]) r->aux[k][r->n] = aux[k];
  r->n++;
}

/**
 * Read the data rows after the header.
 * @return 0, 1 with reason set (read error, too many rows), or -1 on allocation failure.
 */
static int read_rows(FILE *f, rows *r, int icol, const int *iaux, char *reason, size_t len)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  int rc = 0;
  while ((got = getline(&line, &cap, f)) >= 0) {
    chomp(line, (size_t)got);
    if (is_blank(line)) continue;
    if (r->n == INT_MAX) {
      snprintf(reason, len, "too many rows (more than %d)", INT_MAX);
      rc = 1;
      break;
    }
    if (rows_grow(r)) {
      rc = -1;
      break;
    }
    parse_row(r, line, icol, iaux);
  }
  if (rc == 0 && ferror(f)) {
    snprintf(reason, len, "read error: %s", strerror(errno));
    rc = 1;
  }
  free(line);
  return rc;
}

/** Move the rows into a freshly allocated series. @return 0 or -1 on allocation failure. */
static int rows_to_series(const rows *r, hc_series *s)
{
  if (hc_series_alloc(s, r->n, r->aux[0] != NULL)) return -1;
  memcpy(s->label, r->label, (size_t)r->n * sizeof *r->label);
  memcpy(s->value, r->value, (size_t)r->n * sizeof *r->value);
  double **dst[N_AUX] = {&s->volume, &s->high, &s->low, &s->close};
  for (int k = 0; k < N_AUX; k++) {
    if (!r->aux[k]) continue;
    if (k > 0 && !(*dst[k] = malloc((size_t)(r->n > 0 ? r->n : 1) * sizeof **dst[k]))) return -1;
    memcpy(*dst[k], r->aux[k], (size_t)r->n * sizeof *r->aux[k]);
  }
  s->labels_are_dates = 1;
  for (int i = 0; i < r->n && s->labels_are_dates; i++) s->labels_are_dates = is_iso_date(s->label[i]);
  return 0;
}

/**
 * Read one CSV series (see io.h for the contract).
 *
 * Details beyond io.h: the header is the first non-blank line (a UTF-8 byte
 * order mark is skipped); blank lines are ignored anywhere; a row with fewer
 * fields than the value (or volume) column gets NaN there; "nan", "inf" and
 * out-of-range numbers are NaN; labels longer than HC_LABEL_LEN-1 bytes are
 * truncated; an embedded NUL byte ends its line. `s` is overwritten (not freed)
 * and is zeroed on any non-zero return. Numbers are parsed with strtod(3),
 * which follows LC_NUMERIC (hpcast never calls setlocale: "C"). Not collective.
 *
 * @param path    CSV file
 * @param ticker  name stored in s->ticker (may be NULL: empty name)
 * @param column  header name of the value column, e.g. "adjusted_close"
 * @param s       output series: n rows, label[n], value[n], volume[n] or NULL
 * @param reason  on return 1 or -1, why the file is unusable (no path: the caller
 *                knows the ticker), e.g. "empty file", "no data rows",
 *                "not a CSV file with column 'adjusted_close' (first line: '...')"
 * @param len     size of reason
 * @return 0 on success, 1 if the file is unusable, -1 on allocation failure.
 */
int hc_io_read_csv(const char *path, const char *ticker, const char *column, hc_series *s,
                   char *reason, size_t len)
{
  char dummy[1];
  if (!reason || len == 0) {
    reason = dummy;
    len = sizeof dummy;
  }
  reason[0] = '\0';
  memset(s, 0, sizeof *s);

  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(reason, len, "cannot open: %s", strerror(errno));
    return 1;
  }

  char *header = NULL;
  size_t cap = 0;
  ssize_t got;
  while ((got = getline(&header, &cap, f)) >= 0) {
    chomp(header, (size_t)got);
    if (!is_blank(header)) break;
  }
  rows r = {0};
  int rc = 0;
  if (got < 0) {
    if (ferror(f)) snprintf(reason, len, "read error: %s", strerror(errno));
    else snprintf(reason, len, "empty file");
    rc = 1;
  } else {
    char *h = header;
    if (strncmp(h, "\xEF\xBB\xBF", 3) == 0) h += 3;
    char first[FIRST_LINE_EXCERPT + 4];
    excerpt(first, sizeof first, h);
    int icol, iaux[N_AUX];
    find_columns(h, column, &icol, iaux);
    if (icol < 0) {
      snprintf(reason, len, "not a CSV file with column '%s' (first line: '%s')", column, first);
      rc = 1;
    }
    /* a non-NULL array marks "has this column"; rows_grow resizes it */
    for (int k = 0; k < N_AUX && rc == 0; k++)
      if (iaux[k] >= 0 && !(r.aux[k] = malloc(sizeof *r.aux[k]))) rc = -1;
    if (rc == 0) rc = read_rows(f, &r, icol, iaux, reason, len);
  }
  if (rc == 0 && r.n == 0) {
    snprintf(reason, len, "no data rows");
    rc = 1;
  }
  if (rc == 0) rc = rows_to_series(&r, s);
  if (rc == 0) hc_strlcpy(s->ticker, ticker ? ticker : "", sizeof s->ticker);
  if (rc < 0) {
    hc_series_free(s);
    snprintf(reason, len, "out of memory");
  }
  rows_free(&r);
  free(header);
  fclose(f);
  return rc;
}
