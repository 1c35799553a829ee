/**
 * @file shared_series.h
 * @brief The unit tests' reader of a series of ../shared/data (the real data beside the
 *        repository), through the job's own CSV reader and transform.
 */
#ifndef HC_TEST_SHARED_SERIES_H
#define HC_TEST_SHARED_SERIES_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>

#include "hpcast/data.h"
#include "hpcast/io.h"

/** Column `column` of ../shared/data/<rel>, transformed by tr, into *y (malloc'ed); *keep gets
 * the series when not NULL (else it is freed). Fails the test if the file cannot be read.
 * @return the number of values. */
static inline int load(const char *rel, const char *column, hc_transform tr, double **y, hc_series *keep)
{
  char      path[4096], reason[256];
  hc_series s = {0};
  snprintf(path, sizeof path, "%s/../shared/data/%s", getenv("HPCAST_SOURCE_ROOT"), rel);
  cr_assert(hc_io_read_csv(path, "x", column, &s, reason, sizeof reason) == 0, "%s", reason);
  *y    = malloc((size_t)s.n * sizeof **y);
  int n = hc_data_transform(&s, tr, *y);
  if (keep) *keep = s;
  else hc_series_free(&s);
  return n;
}

#endif
