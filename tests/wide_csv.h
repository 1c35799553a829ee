/**
 * @file wide_csv.h
 * @brief The wide reference CSVs of the covariance tests ("date,c1,...,cK", ISO dates
 *        ascending; tests/reference/lw_z20.csv, dcc_z5.csv), read by the unit and the MPI tests.
 */
#ifndef HPCAST_TESTS_WIDE_CSV_H
#define HPCAST_TESTS_WIDE_CSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/core.h"

/* T dates (days since 1970-01-01) and K columns, column-major. */
typedef struct {
  int     T, K;
  int    *day; /* [T] */
  double *v;   /* [K * T], column j at v + j T */
} wide;

/* Read path into *w, which must have exactly T rows of K columns with ascending dates.
 * @return 0, or 1 with the reason in err (w is then freed). */
static int wide_read(const char *path, int T, int K, wide *w, char *err, size_t len)
{
  static char line[1 << 16];
  FILE       *f = fopen(path, "r");
  int         ok;
  *w = (wide){.K = K, .day = malloc(sizeof(int) * (size_t)T), .v = malloc(sizeof(double) * (size_t)T * (size_t)K)};
  if (!f) {
    snprintf(err, len, "cannot open %s", path);
    free(w->day), free(w->v);
    return 1;
  }
  ok = fgets(line, sizeof line, f) && !strncmp(line, "date,", 5);
  while (ok && fgets(line, sizeof line, f)) {
    long day;
    char date[11];
    if (line[0] == '\n' || line[0] == '\0') continue;
    hc_strlcpy(date, line, sizeof date);
    ok = w->T < T && !hc_iso_days(date, &day) && (w->T == 0 || day > w->day[w->T - 1]);
    if (!ok) break;
    w->day[w->T] = (int)day;
    char *c = strchr(line, ',');
    for (int j = 0; j < K && ok; j++) {
      char *end;
      ok = c != NULL;
      if (ok) w->v[(size_t)j * T + w->T] = strtod(c + 1, &end);
      ok = ok && end != c + 1;
      if (ok) c = strchr(end, ',');
    }
    w->T++;
  }
  fclose(f);
  if (!ok || w->T != T) {
    snprintf(err, len, "%s: malformed at row %d (want %d rows of %d columns, dates ascending)", path, w->T, T, K);
    free(w->day), free(w->v);
    return 1;
  }
  return 0;
}

static void wide_free(wide *w)
{
  free(w->day);
  free(w->v);
}

#endif
