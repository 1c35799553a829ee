/**
 * @file universe.c
 * @brief Universe index of hpcast: the list of input CSV files and their tickers.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hpcast/io.h"

/** One universe entry while the directory is scanned (sorted before copy-out). */
typedef struct {
  char ticker[HC_NAME_LEN];
  char path[HC_PATH_LEN];
  long bytes;
} entry;

static int entry_cmp(const void *a, const void *b)
{
  return strcmp(((const entry *)a)->ticker, ((const entry *)b)->ticker);
}

static void set_err(char *err, size_t errlen, const char *what, const char *file, int errnum)
{
  if (!err || errlen == 0) return;
  if (errnum) snprintf(err, errlen, "%s '%s': %s", what, file, strerror(errnum));
  else snprintf(err, errlen, "%s '%s'", what, file);
}

/** Allocate the arrays of u for n entries. @return 0 or -1. */
static int universe_alloc(hc_universe *u, int n)
{
  memset(u, 0, sizeof *u);
  u->ticker = malloc((size_t)n * sizeof *u->ticker);
  u->path   = malloc((size_t)n * sizeof *u->path);
  u->bytes  = malloc((size_t)n * sizeof *u->bytes);
  if (!u->ticker || !u->path || !u->bytes) {
    hc_io_universe_free(u);
    return -1;
  }
  u->n = n;
  return 0;
}

/**
 * List every regular file `*.csv` of directory `dir` (not recursive) as a universe.
 *
 * Ticker = file name without the `.csv` suffix (case-sensitive suffix; a file
 * named just `.csv` is skipped); symbolic links to regular files count.
 * Entries are sorted by ticker with strcmp. u is overwritten (zeroed on error).
 * Not collective (each rank may call it, or rank 0 and broadcast).
 *
 * @return 0; -1 with err naming the directory if it cannot be read, holds no
 *         CSV file, a ticker or path does not fit HC_NAME_LEN / HC_PATH_LEN, or
 *         memory runs out.
 */
int hc_io_universe_dir(const char *dir, hc_universe *u, char *err, size_t errlen)
{
  memset(u, 0, sizeof *u);
  DIR *d = opendir(dir);
  if (!d) {
    set_err(err, errlen, "cannot open universe directory", dir, errno);
    return -1;
  }
  entry *e = NULL;
  int n = 0, cap = 0, rc = 0;
  struct dirent *de;
  errno = 0;
  while (rc == 0 && (de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len <= 4 || strcmp(de->d_name + len - 4, ".csv") != 0) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      entry *ne = realloc(e, (size_t)cap * sizeof *e);
      if (!ne) {
        set_err(err, errlen, "out of memory listing", dir, 0);
        rc = -1;
        break;
      }
      e = ne;
    }
    entry *x = &e[n];
    struct stat st;
    if (len - 4 >= sizeof x->ticker) {
      set_err(err, errlen, "file name too long for a ticker in", dir, 0);
      rc = -1;
    } else if ((size_t)snprintf(x->path, sizeof x->path, "%s/%s", dir, de->d_name) >= sizeof x->path) {
      set_err(err, errlen, "path too long in", dir, 0);
      rc = -1;
    } else if (stat(x->path, &st) == 0 && S_ISREG(st.st_mode)) {
      memcpy(x->ticker, de->d_name, len - 4);
      x->ticker[len - 4] = '\0';
      x->bytes = (long)st.st_size;
      n++;
    }
    errno = 0;
  }
  if (rc == 0 && errno) {
    set_err(err, errlen, "cannot read universe directory", dir, errno);
    rc = -1;
  }
  closedir(d);
  if (rc == 0 && n == 0) {
    set_err(err, errlen, "no *.csv file in universe directory", dir, 0);
    rc = -1;
  }
  if (rc == 0 && universe_alloc(u, n)) {
    set_err(err, errlen, "out of memory listing", dir, 0);
    rc = -1;
  }
  if (rc == 0) {
    qsort(e, (size_t)n, sizeof *e, entry_cmp);
    for (int i = 0; i < n; i++) {
      memcpy(u->ticker[i], e[i].ticker, sizeof u->ticker[i]);
      memcpy(u->path[i], e[i].path, sizeof u->path[i]);
      u->bytes[i] = e[i].bytes;
    }
  }
  free(e);
  return rc;
}

/**
 * A universe of the single file `file`.
 *
 * Ticker = base name without its last extension (`data/BRK.B.csv` -> `BRK.B`,
 * `series` -> `series`); path = file as given. u is overwritten (zeroed on error).
 * Not collective.
 *
 * @return 0; -1 with err naming the file if it does not exist, is not a regular
 *         file, its name does not fit HC_NAME_LEN / HC_PATH_LEN, or memory runs out.
 */
int hc_io_universe_file(const char *file, hc_universe *u, char *err, size_t errlen)
{
  memset(u, 0, sizeof *u);
  struct stat st;
  if (stat(file, &st) != 0) {
    set_err(err, errlen, "cannot open universe file", file, errno);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    set_err(err, errlen, "not a regular file", file, 0);
    return -1;
  }
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  const char *dot = strrchr(base, '.');
  size_t len = (dot && dot != base) ? (size_t)(dot - base) : strlen(base);
  if (len == 0 || len >= HC_NAME_LEN || strlen(file) >= HC_PATH_LEN) {
    set_err(err, errlen, "file name unusable as a ticker (empty or too long)", file, 0);
    return -1;
  }
  if (universe_alloc(u, 1)) {
    set_err(err, errlen, "out of memory for", file, 0);
    return -1;
  }
  memcpy(u->ticker[0], base, len);
  u->ticker[0][len] = '\0';
  hc_strlcpy(u->path[0], file, HC_PATH_LEN);
  u->bytes[0] = (long)st.st_size;
  return 0;
}

/** Free the arrays of a universe and zero it. Safe on a zeroed universe. Not collective. */
void hc_io_universe_free(hc_universe *u)
{
  free(u->ticker);
  free(u->path);
  free(u->bytes);
  memset(u, 0, sizeof *u);
}
