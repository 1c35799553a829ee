/**
 * @file journal.c
 * @brief Durable journal of finished work units beside the report (checkpoint/resume).
 *
 * Layout: an 24-byte header (magic "HCJRNL02", the 64-bit fingerprint of the run's
 * result-affecting options, the byte size of hc_result as a layout check, reserved), then
 * records: 8-byte length L, 4-byte CRC-32 (zlib, ISO 3309) of the L bytes, the L bytes of
 * hc_result_pack(). A record is durable once hc_io_journal_append has returned (write + fsync);
 * a torn or corrupt tail (a kill during a write) fails its length or CRC and is cut off on
 * reopening, so a resumed run loses at most the records that were being written.
 */
#include "hpcast/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "HCJRNL02"

struct hc_journal {
  int  fd;
  char path[HC_PATH_LEN];
};

typedef struct {
  char     magic[8];
  uint64_t fingerprint;
  uint32_t record_size;
  uint32_t reserved;
} header;

/* write(2) all of buf. @return 0 or -1 with errno. */
static int write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

/* Read the valid records of an open journal positioned after the header; *end receives the
 * offset after the last valid record. @return 0, or ENOMEM. */
static int read_records(int fd, off_t start, int *n, hc_result **out, off_t *end)
{
  struct stat st;
  char       *data = NULL;
  *n   = 0;
  *out = NULL;
  *end = start;
  if (fstat(fd, &st) || st.st_size <= start) return 0;
  size_t size = (size_t)(st.st_size - start);
  if (!(data = malloc(size))) return ENOMEM;
  size_t got = 0;
  while (got < size) {
    ssize_t r = pread(fd, data + got, size - got, start + (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  int    cap = 0;
  size_t off = 0;
  while (off + 12 <= got) {
    uint64_t len;
    uint32_t crc;
    memcpy(&len, data + off, 8);
    memcpy(&crc, data + off + 8, 4);
    if (len > got - off - 12 || crc32(0L, (const Bytef *)data + off + 12, (uInt)len) != crc) break;
    if (*n == cap) {
      hc_result *g = realloc(*out, sizeof *g * (size_t)(cap = cap ? 2 * cap : 64));
      if (!g) {
        free(data);
        return ENOMEM;
      }
      *out = g;
    }
    if (hc_result_unpack(&(*out)[*n], data + off + 12, (size_t)len) != len) break;
    (*n)++;
    off += 12 + len;
  }
  *end = start + (off_t)off;
  free(data);
  return 0;
}

int hc_io_journal_open(const char *path, uint64_t fingerprint, int resume, hc_journal **jout, int *n_done, hc_result **done,
                       char *err, size_t errlen)
{
  hc_journal *j = calloc(1, sizeof *j);
  header      h = {.fingerprint = fingerprint, .record_size = (uint32_t)sizeof(hc_result)};
  off_t       end;
  *n_done = 0;
  *done   = NULL;
  if (!j) return ENOMEM;
  memcpy(h.magic, MAGIC, 8);
  hc_strlcpy(j->path, path, sizeof j->path);
  if (resume) {
    int fd = open(path, O_RDWR);
    if (fd >= 0) {
      header old;
      if (pread(fd, &old, sizeof old, 0) == (ssize_t)sizeof old && !memcmp(old.magic, MAGIC, 8) &&
          old.fingerprint == fingerprint && old.record_size == h.record_size) {
        int rc = read_records(fd, (off_t)sizeof old, n_done, done, &end);
        if (rc) {
          close(fd);
          free(j);
          return rc;
        }
        if (ftruncate(fd, end) || lseek(fd, 0, SEEK_END) < 0 || fsync(fd)) {
          snprintf(err, errlen, "journal '%s': cannot cut its torn tail: %s", path, strerror(errno));
          close(fd);
          free(j);
          return -1;
        }
        j->fd = fd;
        *jout = j;
        return 0;
      }
      close(fd);
      if (resume > 1) {
        snprintf(err, errlen, "journal '%s' was written by a run with other options (or another hpcast build)", path);
        free(j);
        return -1;
      }
    }
  }
  j->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (j->fd < 0 || write_all(j->fd, &h, sizeof h) || fsync(j->fd)) {
    snprintf(err, errlen, "journal '%s': %s", path, strerror(errno));
    if (j->fd >= 0) close(j->fd);
    free(j);
    return -1;
  }
  *jout = j;
  return 0;
}

int hc_io_journal_append(hc_journal *j, int n, const hc_result *r, char *err, size_t errlen)
{
  for (int i = 0; i < n; i++) {
    size_t len = hc_result_packed_size(&r[i]);
    char  *buf = malloc(12 + len);
    if (!buf) return ENOMEM;
    uint64_t L = len;
    hc_result_pack(&r[i], buf + 12);
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)buf + 12, (uInt)len);
    memcpy(buf, &L, 8);
    memcpy(buf + 8, &crc, 4);
    int rc = write_all(j->fd, buf, 12 + len);
    free(buf);
    if (rc) {
      snprintf(err, errlen, "journal '%s': %s", j->path, strerror(errno));
      return -1;
    }
  }
  if (fsync(j->fd)) {
    snprintf(err, errlen, "journal '%s': fsync: %s", j->path, strerror(errno));
    return -1;
  }
  return 0;
}

int hc_io_journal_read(const char *path, uint64_t *fingerprint, int *n, hc_result **records, char *err, size_t errlen)
{
  header h;
  off_t  end;
  int    fd = open(path, O_RDONLY);
  if (fd < 0 || pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || memcmp(h.magic, MAGIC, 8) ||
      h.record_size != (uint32_t)sizeof(hc_result)) {
    snprintf(err, errlen, "'%s' is not a journal of this hpcast build%s%s", path, fd < 0 ? ": " : "", fd < 0 ? strerror(errno) : "");
    if (fd >= 0) close(fd);
    return -1;
  }
  *fingerprint = h.fingerprint;
  int rc = read_records(fd, (off_t)sizeof h, n, records, &end);
  close(fd);
  return rc;
}

int hc_io_journal_close(hc_journal **j, int remove_file)
{
  int rc = 0;
  if (!*j) return 0;
  if (close((*j)->fd)) rc = -1;
  if (remove_file && unlink((*j)->path)) rc = -1;
  free(*j);
  *j = NULL;
  return rc;
}
