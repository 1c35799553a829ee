/**
 * @file transform.c
 * @brief Transforms of a loaded column into the modelled series (percent log returns or identity).
 */
#include "hpcast/data.h"

#include <math.h>
#include <string.h>

int hc_transform_parse(const char *name, hc_transform *t)
{
  if (!strcmp(name, "logret100")) {
    *t = HC_TRANSFORM_LOGRET100;
    return 0;
  }
  if (!strcmp(name, "none")) {
    *t = HC_TRANSFORM_NONE;
    return 0;
  }
  return 1;
}

/** @return "logret100" or "none" (the names hc_transform_parse() accepts); "unknown" otherwise. */
const char *hc_transform_name(hc_transform t)
{
  switch (t) {
  case HC_TRANSFORM_LOGRET100: return "logret100";
  case HC_TRANSFORM_NONE:      return "none";
  }
  return "unknown";
}

/**
 * logret100: y[t-1] = 100 (log v[t] - log v[t-1]), t = 1..n-1 (percent log return; units
 * of the report, DESIGN.md "Units"). none: y[t] = v[t]. The values are used as given; run
 * hc_data_gate() first so that they are finite and, for logret100, positive.
 * A series of fewer than 2 rows has no log return (returns 0).
 */
int hc_data_transform(const hc_series *s, hc_transform t, double *y)
{
  if (t == HC_TRANSFORM_NONE) {
    if (s->n > 0) memcpy(y, s->value, (size_t)s->n * sizeof *y);
    return s->n > 0 ? s->n : 0;
  }
  for (int i = 1; i < s->n; i++) y[i - 1] = 100.0 * (log(s->value[i]) - log(s->value[i - 1]));
  return s->n > 1 ? s->n - 1 : 0;
}
