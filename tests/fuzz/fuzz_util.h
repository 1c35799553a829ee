/**
 * @file fuzz_util.h
 * @brief Helpers of the fuzz targets: an in-memory file that the library can open by path, and
 *        the invariant check that turns a broken contract into a crash libFuzzer reports.
 *
 * The readers under test take a path (hc_io_read_csv, hc_io_journal_open). Each target writes
 * the fuzz input into one memfd created once per process (memfd_create(2); tmpfs, no disk
 * I/O, nothing to clean up) and passes its name /proc/self/fd/N, which open(2) and fopen(3)
 * resolve to the same in-memory file. If memfd_create is not available, a file in a private
 * directory mkdtemp'd once under $TMPDIR (or /tmp) is used instead and removed at exit.
 */
#ifndef HC_FUZZ_UTIL_H
#define HC_FUZZ_UTIL_H

/* memfd_create(2) needs _GNU_SOURCE before the first system header: tests/fuzz/meson.build
 * passes -D_GNU_SOURCE to every source of this directory. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/** A broken invariant: print it and abort (libFuzzer reports the input as a crash). */
#define FUZZ_CHECK(cond, ...)                                                      \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "%s:%d: invariant '%s' violated: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                \
      fputc('\n', stderr);                                                         \
      abort();                                                                     \
    }                                                                              \
  } while (0)

static char fuzz_dir[4096]; /* fallback directory, "" if unused */
static char fuzz_file_path[4200];
static int  fuzz_fd = -1;

static void fuzz_file_cleanup(void)
{
  if (fuzz_dir[0]) {
    unlink(fuzz_file_path);
    rmdir(fuzz_dir);
  }
}

/** Replace the contents of the process's fuzz file by data[size]. @return its path (never NULL:
 * aborts if no file can be made, which is a set-up failure, not a finding). */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
  if (fuzz_fd < 0) {
    fuzz_fd = memfd_create("hpcast-fuzz", 0);
    if (fuzz_fd >= 0) {
      snprintf(fuzz_file_path, sizeof fuzz_file_path, "/proc/self/fd/%d", fuzz_fd);
    } else {
      const char *t = getenv("TMPDIR");
      snprintf(fuzz_dir, sizeof fuzz_dir, "%s/hpcast-fuzz-XXXXXX", t && *t ? t : "/tmp");
      if (!mkdtemp(fuzz_dir)) {
        perror("fuzz: mkdtemp");
        abort();
      }
      snprintf(fuzz_file_path, sizeof fuzz_file_path, "%s/input", fuzz_dir);
      fuzz_fd = open(fuzz_file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
      if (fuzz_fd < 0) {
        perror("fuzz: open");
        abort();
      }
      atexit(fuzz_file_cleanup);
    }
  }
  if (ftruncate(fuzz_fd, 0)) {
    perror("fuzz: ftruncate");
    abort();
  }
  for (size_t done = 0; done < size;) {
    ssize_t w = pwrite(fuzz_fd, data + done, size - done, (off_t)done);
    if (w <= 0) {
      perror("fuzz: pwrite");
      abort();
    }
    done += (size_t)w;
  }
  return fuzz_file_path;
}

/** 1 if buf[len] holds a NUL (a C string that stays inside its array). */
static inline int fuzz_terminated(const char *buf, size_t len) { return memchr(buf, '\0', len) != NULL; }

#endif
