/**
 * @file sectors.c
 * @brief Reader of a sector table (-sectors FILE): the sector of each ticker, for the
 *        portfolio's sector caps.
 */
#include "hpcast/io.h"
#include "fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

__attribute__((format(printf, 3, 4))) static int sec_err(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return 1;
}

int hc_io_read_sectors(const char *path, int n, const char (*ticker)[HC_NAME_LEN], int *sector, int *n_sectors,
                       char (*names)[HC_SECTOR_LEN], char *err, size_t errlen)
{
  static const size_t cap = 1 << 16;
  char               *line = malloc(cap), *buf = malloc(cap);
  char                sym[HC_NAME_LEN], sec[HC_SECTOR_LEN];
  FILE               *f    = fopen(path, "r");
  int                 rc = 0, c_sym = -1, c_sec = -1, header = 0;
  long                lno = 0;
  *n_sectors              = 0;
  for (int i = 0; i < n; i++) sector[i] = -1;
  if (!line || !buf) rc = -1;
  else if (!f) rc = sec_err(err, errlen, "%s: cannot open", path);
  while (!rc && fgets(line, (int)cap, f)) {
    lno++;
    hc_chomp(line);
    char *p = line + (lno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3) ? 3 : 0); /* a UTF-8 byte order mark */
    if (!*p) continue;
    hc_field_reader fr = {.p = p, .buf = buf, .cap = cap};
    int             at_end = 0, k, col = 0;
    sym[0] = sec[0] = '\0';
    while (!rc && (k = hc_next_field(&fr, &at_end)) != 0) {
      if (k < 0) rc = sec_err(err, errlen, "%s:%ld: field %d: unterminated quote or text after a closing quote", path, lno, col + 1);
      else if (!header) {
        if (c_sym < 0 && (!strcasecmp(buf, "symbol") || !strcasecmp(buf, "ticker"))) c_sym = col;
        if (c_sec < 0 && !strcasecmp(buf, "sector")) c_sec = col;
      } else if (col == c_sym) hc_strlcpy(sym, buf, sizeof sym);
      else if (col == c_sec) hc_strlcpy(sec, buf, sizeof sec);
      col++;
    }
    if (rc) break;
    if (!header) {
      if (c_sym < 0 || c_sec < 0) rc = sec_err(err, errlen, "%s:%ld: the header needs a Symbol (or Ticker) and a Sector column", path, lno);
      header = 1;
      continue;
    }
    if (!sym[0] || !sec[0]) continue; /* a ticker without a sector has none (no cap applies) */
    int s = 0;
    while (s < *n_sectors && strcmp(names[s], sec)) s++;
    if (s == *n_sectors) {
      if (s == HC_MAX_SECTORS) {
        rc = sec_err(err, errlen, "%s:%ld: more than %d sectors", path, lno, HC_MAX_SECTORS);
        break;
      }
      hc_strlcpy(names[(*n_sectors)++], sec, HC_SECTOR_LEN);
    }
    for (int i = 0; i < n; i++)
      if (!strcmp(ticker[i], sym)) sector[i] = s;
  }
  if (!rc && f && ferror(f)) rc = sec_err(err, errlen, "%s: read error", path);
  if (!rc && f && !header) rc = sec_err(err, errlen, "%s: empty file", path);
  if (rc == -1) sec_err(err, errlen, "out of memory");
  if (f) fclose(f);
  free(line), free(buf);
  if (rc) *n_sectors = 0;
  return rc;
}
