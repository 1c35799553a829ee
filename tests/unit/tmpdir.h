/**
 * @file tmpdir.h
 * @brief Temporary directories of the unit tests that write files (io, journal, report stream).
 */
#ifndef HC_TEST_TMPDIR_H
#define HC_TEST_TMPDIR_H

#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hpcast/io.h" /* HC_PATH_LEN */

/** A fresh directory $TMPDIR/hpcast-<tag>-XXXXXX (or under /tmp) in dir[len]; fails the test if
 * it cannot be made. */
static inline void test_tmpdir(char *dir, size_t len, const char *tag)
{
  const char *t = getenv("TMPDIR");
  snprintf(dir, len, "%s/hpcast-%s-XXXXXX", t && *t ? t : "/tmp", tag);
  cr_assert(mkdtemp(dir), "mkdtemp failed");
}

/** Remove dir and everything under it (rm -r; symbolic links are removed, not followed). */
static inline void test_rm_tree(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) return;
  for (struct dirent *e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char        p[HC_PATH_LEN];
    struct stat st;
    if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= sizeof p) continue; /* not one of ours */
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) test_rm_tree(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

#endif
