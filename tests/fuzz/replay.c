/**
 * @file replay.c
 * @brief main() of the fuzz targets in builds without libFuzzer (gcc, the release and ASan
 *        builds): run LLVMFuzzerTestOneInput once on every file given, or on every regular file
 *        of every directory given (sorted by name), without fuzzing. `meson test` runs the
 *        regression inputs of tests/fuzz/regressions/<target>/ and the committed seeds this way.
 *
 *   replay_csv FILE|DIR...     exit 0 if every input ran; a finding aborts (or ASan reports).
 *   A path that does not exist counts as no input (a target without regressions yet).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int n_run;

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  size_t   cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      uint8_t *b = realloc(buf, cap *= 2);
      if (!b) free(buf);
      buf = b;
    }
  }
  const int bad = ferror(f) || !buf;
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return 1;
  }
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
  /* a copy of exactly n bytes, as libFuzzer passes it (ASan sees a read past the input) */
  uint8_t *exact = malloc(n ? n : 1);
  if (!exact) return 1;
  memcpy(exact, buf, n);
  free(buf);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  n_run++;
  return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int run_dir(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot read %s: %s\n", dir, strerror(errno));
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      char **m = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
      if (!m) break;
      names = m;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    char        path[8192];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (names[i] && !stat(path, &st) && S_ISREG(st.st_mode) && strcmp(names[i], "README.md")) rc |= run_file(path);
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv)
{
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st)) { /* a regression directory not made yet holds no input */
      if (errno != ENOENT) rc = 1;
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
      rc |= run_dir(argv[i]);
    } else {
      rc |= run_file(argv[i]);
    }
  }
  fprintf(stderr, "replay: %d input(s) ran%s\n", n_run, rc ? ", some could not be read" : "");
  return rc;
}
