/**
 * @file csv.c
 * @brief CSV series reader of hpcast (hc_io_read_csv).
 *
 * Line-oriented reader for the simple CSV files of the universe (AlphaVantage
 * daily exports, classic benchmark series). One record per line (LF or CRLF);
 * fields may be double-quoted ("" inside quotes is a literal quote) but may not
 * span lines. Lines of any length are read, in blocks of the file (read(2)) parsed in place. The labels are parsed as
 * dates of one of the common formats (io.h), and a newest-first file is put oldest first.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/**
 * The lines of a file read in blocks by read(2) into one buffer, each handed out in place (no
 * copy), NUL-terminated where its LF was. A line longer than the buffer grows it. Bytes after an
 * embedded NUL are still part of the line (the parsers stop at the NUL, as they did at getline's).
 */
typedef struct {
  int    fd;
  char  *buf;
  size_t cap, beg, end; /* unread bytes buf[beg..end) */
  int    eof;
} line_reader;

#define LINE_READER_BLOCK 65536

/**
 * The next line of lr into *line (its LF removed, CRs before it too), its length in *len.
 * @return 1 with a line, 0 at the end of the file, -1 on a read error (errno set), -2 on
 *         allocation failure.
 */
static int next_line(line_reader *lr, char **line, size_t *len)
{
  for (;;) {
    char *b  = lr->end > lr->beg ? lr->buf + lr->beg : NULL; /* no buffer before the first read */
    char *nl = b ? memchr(b, '\n', lr->end - lr->beg) : NULL;
    if (nl || (lr->eof && lr->end > lr->beg)) {
      size_t n = nl ? (size_t)(nl - b) : lr->end - lr->beg;
      lr->beg += n + (nl != NULL);
      while (n > 0 && b[n - 1] == '\r') n--;
      b[n]  = '\0';
      *line = b;
      *len  = n;
      return 1;
    }
    if (lr->eof) return 0;
    if (lr->beg > 0) { /* keep the partial line at the front */
      memmove(lr->buf, lr->buf + lr->beg, lr->end - lr->beg);
      lr->end -= lr->beg;
      lr->beg = 0;
    }
    if (lr->end + 1 >= lr->cap) { /* +1: room for the NUL of a last line without LF */
      size_t cap = lr->cap ? 2 * lr->cap : LINE_READER_BLOCK;
      char  *nb  = realloc(lr->buf, cap);
      if (!nb) return -2;
      lr->buf = nb;
      lr->cap = cap;
    }
    ssize_t got = read(lr->fd, lr->buf + lr->end, lr->cap - 1 - lr->end);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) lr->eof = 1;
    lr->end += (size_t)got;
  }
}

static int is_blank(const char *s)
{
  for (; *s; s++)
    if (!isspace((unsigned char)*s)) return 0;
  return 1;
}

/**
 * The field [start, end) of a line, NUL-terminated and trimmed of ASCII whitespace at both
 * ends, in place. @return its start; *len its length.
 */
static char *trim_field(char *start, char *end, size_t *len)
{
  while (end > start && isspace((unsigned char)end[-1])) end--;
  *end = '\0';
  while (isspace((unsigned char)*start)) start++;
  *len = (size_t)(end - start);
  return start;
}

/**
 * Split off the next field of the line at *cur, in place: quotes are removed
 * ("" inside quotes is a literal quote), the field is NUL-terminated and trimmed.
 * *cur is advanced past the separating comma, or set to NULL after the last field.
 * *len receives the field's length. A field without quotes is only scanned.
 */
static char *next_field(char **cur, size_t *len)
{
  char *p = *cur, *start = p;
  for (;; p++) { /* the common field: no quote */
    const char c = *p;
    if (c == ',' || c == '\0') {
      *cur = c == ',' ? p + 1 : NULL;
      return trim_field(start, p, len);
    }
    if (c == '"') break;
  }
  char *out = p;
  int   quoted = 0;
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
  return trim_field(start, out, len); /* out <= p: never past the field's own bytes */
}

/** The powers of ten that binary64 holds exactly: 10^0 .. 10^22. */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/**
 * Value of a plain decimal [+-]digits[.digits][(e|E)[+-]digits] with at most 15 significant
 * digits and a decimal exponent k (after the point is moved) of |k| <= 22, into *v: m / 10^-k or
 * m 10^k of the exact doubles m < 10^15 and 10^|k|, one correctly rounded operation, hence
 * strtod's value to the bit (Clinger 1990, "How to read floating point numbers accurately",
 * PLDI, the fast path). @return 1, or 0 if the field is of another form (strtod decides then).
 */
static int parse_plain_decimal(const char *p, double *v)
{
  int                neg = 0, frac = 0, e = 0, eneg = 0;
  unsigned long long m = 0; /* all the digits, leading zeros included (they add nothing) */
  if (*p == '-' || *p == '+') neg = *p++ == '-';
  const char *d0 = p;
  while ((unsigned)(*p - '0') < 10u) m = 10 * m + (unsigned)(*p++ - '0');
  int digits = (int)(p - d0);
  if (*p == '.') {
    const char *f0 = ++p;
    while ((unsigned)(*p - '0') < 10u) m = 10 * m + (unsigned)(*p++ - '0');
    frac = (int)(p - f0);
    digits += frac;
  }
  /* m < 10^15 is "at most 15 significant digits"; more than 19 digits may have wrapped m (strtod
   * decides those) */
  if (digits > 19 || m >= 1000000000000000ULL) return 0;
  if (!digits) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '-' || *p == '+') eneg = *p++ == '-';
    if (*p < '0' || *p > '9') return 0;
    for (; *p >= '0' && *p <= '9'; p++)
      if ((e = 10 * e + (*p - '0')) > 1000) return 0;
  }
  if (*p != '\0') return 0;
  const int k = (eneg ? -e : e) - frac;
  if (k < -22 || k > 22) return 0;
  const double x = (double)m;
  *v             = k < 0 ? x / exact_pow10[-k] : x * exact_pow10[k];
  if (neg) *v = -*v;
  return 1;
}

/** Numeric value of a trimmed field: NaN if empty, not wholly numeric, or not finite. */
static double parse_number(const char *f)
{
  char  *end;
  double v;
  if (*f == '\0') return NAN;
  if (parse_plain_decimal(f, &v)) return v;
  v = strtod(f, &end);
  if (end == f || *end != '\0' || !isfinite(v)) return NAN;
  return v;
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
    size_t      flen;
    const char *f = next_field(&cur, &flen);
    if (*icol < 0 && strcmp(f, column) == 0) *icol = i;
    for (int k = 0; k < N_AUX; k++)
      if (iaux[k] < 0 && strcmp(f, aux_names[k]) == 0) iaux[k] = i;
  }
}

/** Parse one data line (modified in place) into row r->n; its fields up to index last only. */
static void parse_row(rows *r, char *line, int icol, const int *iaux, int last)
{
  char *cur = line;
  double value = NAN, aux[N_AUX] = {NAN, NAN, NAN, NAN};
  for (int i = 0; i <= last && cur; i++) {
    size_t      flen;
    const char *f = next_field(&cur, &flen);
    if (i == 0) { /* truncated to HC_LABEL_LEN - 1 bytes */
      const size_t nl = flen < HC_LABEL_LEN - 1 ? flen : HC_LABEL_LEN - 1;
      memcpy(r->label[r->n], f, nl);
      r->label[r->n][nl] = '\0';
    }
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
static int read_rows(line_reader *lr, rows *r, int icol, const int *iaux, char *reason, size_t len)
{
  int last = icol;
  for (int k = 0; k < N_AUX; k++) last = iaux[k] > last ? iaux[k] : last;
  char  *line;
  size_t n;
  int    got;
  while ((got = next_line(lr, &line, &n)) > 0) {
    if (is_blank(line)) continue;
    if (r->n == INT_MAX) {
      snprintf(reason, len, "too many rows (more than %d)", INT_MAX);
      return 1;
    }
    if (rows_grow(r)) return -1;
    parse_row(r, line, icol, iaux, last);
  }
  if (got == -2) return -1;
  if (got == -1) {
    snprintf(reason, len, "read error: %s", strerror(errno));
    return 1;
  }
  return 0;
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
  return 0;
}

/* ------------------------------------------------------------------ dates */

/** Layout of the date part of a label (io.h lists the formats). */
typedef enum {
  D_ISO = 1,   /* YYYY-MM-DD */
  D_YMD_SLASH, /* YYYY/M/D */
  D_AB_SLASH,  /* M/D/YYYY or D/M/YYYY, decided for the whole file */
  D_DMY_DOT,   /* D.M.YYYY */
  D_EPOCH      /* 9 or 10 digits: Unix seconds */
} date_layout;

/** The format of one label: all labels of a file must have the same. */
typedef struct {
  date_layout layout;
  char        sep;     /* ' ' or 'T' before a time, '\0' if there is no time */
  int         seconds; /* 1 if the time has :SS */
  int         zulu;    /* 1 if it ends in Z */
} label_format;

static int same_format(const label_format *a, const label_format *b)
{
  return a->layout == b->layout && a->sep == b->sep && a->seconds == b->seconds && a->zulu == b->zulu;
}

/** Read lo..hi decimal digits at *p into *v and advance *p. @return 0, or 1 if fewer than lo. */
static int digits(const char **p, int lo, int hi, int *v)
{
  int k = 0;
  *v = 0;
  for (; k < hi && isdigit((unsigned char)(*p)[k]); k++) *v = 10 * *v + ((*p)[k] - '0');
  if (k < lo) return 1;
  *p += k;
  return 0;
}

/** Skip the character c at *p. @return 0, or 1 if *p is not c (then *p is not moved). */
static int expect(const char **p, char c)
{
  if (**p != c) return 1;
  (*p)++;
  return 0;
}

/**
 * Split label s into its format and fields: v[0..2] the three date fields in the order written
 * (year first for D_ISO and D_YMD_SLASH, year last otherwise), v[3..5] hour, minute, second (0
 * if absent); *epoch for D_EPOCH. Field ranges are not checked here (hc_civil_seconds does).
 * @return 0, or 1 if s has none of the formats.
 */
static int parse_label(const char *s, label_format *f, int v[6], long long *epoch)
{
  memset(f, 0, sizeof *f);
  v[3] = v[4] = v[5] = 0;
  const size_t n = strlen(s);
  if ((n == 9 || n == 10) && strspn(s, "0123456789") == n) {
    f->layout = D_EPOCH;
    *epoch    = strtoll(s, NULL, 10);
    return 0;
  }
  const char *p = s;
  if (!digits(&p, 4, 4, &v[0]) && (*p == '-' || *p == '/')) {
    const char c = *p++;
    const int  w = c == '-' ? 2 : 1; /* ISO months and days have two digits */
    if (digits(&p, w, 2, &v[1]) || expect(&p, c) || digits(&p, w, 2, &v[2])) return 1;
    f->layout = c == '-' ? D_ISO : D_YMD_SLASH;
  } else {
    p = s;
    if (digits(&p, 1, 2, &v[0]) || (*p != '/' && *p != '.')) return 1;
    const char c = *p++;
    if (digits(&p, 1, 2, &v[1]) || expect(&p, c) || digits(&p, 4, 4, &v[2])) return 1;
    f->layout = c == '/' ? D_AB_SLASH : D_DMY_DOT;
  }
  if (*p == ' ' || (*p == 'T' && f->layout == D_ISO)) {
    f->sep = *p++;
    if (digits(&p, 2, 2, &v[3]) || expect(&p, ':') || digits(&p, 2, 2, &v[4])) return 1;
    if (!expect(&p, ':')) {
      if (digits(&p, 2, 2, &v[5])) return 1;
      f->seconds = 1;
    }
    f->zulu = f->sep == 'T' && !expect(&p, 'Z');
  }
  return *p != '\0';
}

/**
 * Seconds since 1970 of a parsed label (month_first decides D_AB_SLASH).
 * @return 0, or 1 if the fields are not a real day and time.
 */
static int label_time(const label_format *f, const int v[6], long long epoch, int month_first, long long *t)
{
  switch (f->layout) {
  case D_EPOCH: *t = epoch; return 0;
  case D_ISO:
  case D_YMD_SLASH: return hc_civil_seconds(v[0], v[1], v[2], v[3], v[4], v[5], t);
  case D_AB_SLASH:
    return month_first ? hc_civil_seconds(v[2], v[0], v[1], v[3], v[4], v[5], t)
                       : hc_civil_seconds(v[2], v[1], v[0], v[3], v[4], v[5], t);
  case D_DMY_DOT: return hc_civil_seconds(v[2], v[1], v[0], v[3], v[4], v[5], t);
  }
  return 1;
}

/**
 * Parse the labels of s as dates (formats and rules in io.h): on success s->time is allocated
 * and labels_are_dates set; labels that are not all dates of one format leave s as it is.
 * @return 0; 1 with reason set if the day/month order of D/M/YYYY labels cannot be decided;
 *         -1 on allocation failure.
 */
static int parse_dates(hc_series *s, char *reason, size_t len)
{
  label_format f0 = {0}, f;
  int          v[6], day_first = -1, month_first = -1; /* first row showing A > 12, B > 12 */
  long long    epoch = 0;
  for (int i = 0; i < s->n; i++) {
    if (parse_label(s->label[i], &f, v, &epoch)) return 0;
    if (i == 0) f0 = f;
    else if (!same_format(&f, &f0)) return 0;
    if (f.layout == D_AB_SLASH && v[0] > 12 && day_first < 0) day_first = i;
    if (f.layout == D_AB_SLASH && v[1] > 12 && month_first < 0) month_first = i;
  }
  if (f0.layout == D_AB_SLASH && day_first >= 0 && month_first >= 0) {
    snprintf(reason, len, "ambiguous/inconsistent date format: %s (day first) at row %d, %s (month first) at row %d",
             s->label[day_first], day_first + 1, s->label[month_first], month_first + 1);
    return 1;
  }
  if (f0.layout == D_AB_SLASH && day_first < 0 && month_first < 0) {
    snprintf(reason, len, "ambiguous date format: '%s' may be MM/DD/YYYY or DD/MM/YYYY (no field above 12 decides it)",
             s->label[0]);
    return 1;
  }
  long long *t = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *t);
  if (!t) return -1;
  for (int i = 0; i < s->n; i++) {
    parse_label(s->label[i], &f, v, &epoch);
    if (label_time(&f, v, epoch, month_first >= 0, &t[i])) {
      free(t);
      return 0;
    }
  }
  s->time             = t;
  s->labels_are_dates = 1;
  return 0;
}

static void reverse_doubles(double *a, int n)
{
  if (!a) return;
  for (int i = 0, j = n - 1; i < j; i++, j--) {
    const double x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
}

/** If s has dates that strictly decrease (newest first), reverse all its arrays and say so in s->note. */
static void oldest_first(hc_series *s)
{
  if (!s->time || s->n < 2) return;
  for (int i = 1; i < s->n; i++)
    if (s->time[i] >= s->time[i - 1]) return;
  for (int i = 0, j = s->n - 1; i < j; i++, j--) {
    char l[HC_LABEL_LEN];
    memcpy(l, s->label[i], sizeof l);
    memcpy(s->label[i], s->label[j], sizeof l);
    memcpy(s->label[j], l, sizeof l);
    const long long t = s->time[i];
    s->time[i] = s->time[j];
    s->time[j] = t;
  }
  double *cols[5] = {s->value, s->volume, s->high, s->low, s->close};
  for (int k = 0; k < 5; k++) reverse_doubles(cols[k], s->n);
  hc_strlcpy(s->note, "reversed: newest first", sizeof s->note);
}

/**
 * Read one CSV series (see io.h for the contract).
 *
 * Details beyond io.h: the header is the first non-blank line (a UTF-8 byte
 * order mark is skipped); blank lines are ignored anywhere; a row with fewer
 * fields than the value (or volume) column gets NaN there; "nan", "inf" and
 * out-of-range numbers are NaN; labels longer than HC_LABEL_LEN-1 bytes are
 * truncated; an embedded NUL byte ends its line. `s` is overwritten (not freed)
 * and is zeroed on any non-zero return. The file is opened without blocking and must
 * be a regular file (a FIFO, directory or device: "not a regular file"). Numbers are parsed with strtod(3),
 * which follows LC_NUMERIC (hpcast never calls setlocale: "C"). Dates are parsed
 * after the rows are read (a decision about the whole file: one format, the day/month
 * order), then a newest-first file is reversed, so that the row numbers in later reasons
 * (the quality gate's) count from the oldest row. Not collective.
 *
 * @param path    CSV file
 * @param ticker  name stored in s->ticker (may be NULL: empty name)
 * @param column  header name of the value column, e.g. "adjusted_close"
 * @param s       output series: n rows, label[n], value[n], volume[n] or NULL, high, low,
 *                close [n] or NULL, time[n] (labels_are_dates) or NULL, note
 * @param reason  on return 1 or -1, why the file is unusable (no path: the caller
 *                knows the ticker), e.g. "empty file", "no data rows",
 *                "not a CSV file with column 'adjusted_close' (first line: '...')",
 *                "ambiguous date format: '03/04/2002' may be MM/DD/YYYY or DD/MM/YYYY ..."
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

  /* O_NONBLOCK: a FIFO put where a file was expected must not block the open; it is then
   * refused by the fstat (the flag has no effect on a regular file's reads) */
  const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(reason, len, "cannot open: %s", strerror(errno));
    return 1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(reason, len, "not a regular file");
    close(fd);
    return 1;
  }
  line_reader lr = {.fd = fd};
  char       *header = NULL;
  size_t      hlen;
  int         got;
  while ((got = next_line(&lr, &header, &hlen)) > 0)
    if (!is_blank(header)) break;
  rows r = {0};
  int rc = 0;
  if (got <= 0) {
    if (got == -2) rc = -1;
    else {
      if (got == -1) snprintf(reason, len, "read error: %s", strerror(errno));
      else snprintf(reason, len, "empty file");
      rc = 1;
    }
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
    if (rc == 0) rc = read_rows(&lr, &r, icol, iaux, reason, len);
  }
  if (rc == 0 && r.n == 0) {
    snprintf(reason, len, "no data rows");
    rc = 1;
  }
  if (rc == 0) rc = rows_to_series(&r, s);
  if (rc == 0) rc = parse_dates(s, reason, len);
  if (rc == 0) {
    oldest_first(s);
    hc_strlcpy(s->ticker, ticker ? ticker : "", sizeof s->ticker);
  }
  if (rc != 0) hc_series_free(s);
  if (rc < 0) snprintf(reason, len, "out of memory");
  rows_free(&r);
  free(lr.buf);
  close(fd);
  return rc;
}
