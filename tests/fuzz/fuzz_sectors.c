/**
 * @file fuzz_sectors.c
 * @brief libFuzzer target of the sector table reader (hc_io_read_sectors, src/io/sectors.c,
 *        -sectors FILE): headers, quoting, line endings, byte order marks, many sectors.
 *
 * The input is the whole file, read for four tickers. The contract of io.h is checked:
 *  - success (0): 0 <= n_sectors <= HC_MAX_SECTORS, every name NUL-terminated and non-empty,
 *    the names distinct, every ticker's sector -1 or a valid index;
 *  - unusable (1) or out of memory (-1): a non-empty, NUL-terminated message and n_sectors 0;
 *  - any other return value is a finding.
 */
#include <string.h>

#include "fuzz_util.h"
#include "hpcast/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char tick[4][HC_NAME_LEN] = {"MMM", "AAPL", "KO", "NOSUCH"};
  static char       names[HC_MAX_SECTORS][HC_SECTOR_LEN];
  const char       *path = fuzz_file(data, size);
  int               sec[4], ns = -7;
  char              err[512];
  memset(err, 'x', sizeof err);
  const int rc = hc_io_read_sectors(path, 4, tick, sec, &ns, names, err, sizeof err);
  FUZZ_CHECK(rc == 0 || rc == 1 || rc == -1, "return %d", rc);
  if (rc) {
    FUZZ_CHECK(fuzz_terminated(err, sizeof err) && err[0], "message empty or not NUL-terminated (rc %d)", rc);
    FUZZ_CHECK(ns == 0, "n_sectors %d on failure", ns);
    return 0;
  }
  FUZZ_CHECK(ns >= 0 && ns <= HC_MAX_SECTORS, "n_sectors %d", ns);
  for (int k = 0; k < ns; k++) {
    FUZZ_CHECK(fuzz_terminated(names[k], HC_SECTOR_LEN) && names[k][0], "sector %d's name empty or not NUL-terminated", k);
    for (int j = 0; j < k; j++) FUZZ_CHECK(strcmp(names[j], names[k]), "sectors %d and %d both '%s'", j, k, names[k]);
  }
  for (int i = 0; i < 4; i++) FUZZ_CHECK(sec[i] >= -1 && sec[i] < ns, "ticker %s: sector %d of %d", tick[i], sec[i], ns);
  return 0;
}
