/**
 * @file journal.c
 * @brief Durable journal of finished work units beside the report (checkpoint/resume), and the
 *        random access to its records that lets rank 0 (and hpcast merge) keep only offsets.
 *
 * Layout: an 24-byte header (magic "HCJRNL05" (04: records without the 1-step track; 03: records without their input identity; 02: fit records packed whole), the 64-bit fingerprint of the run's
 * result-affecting options, the byte size of hc_result as a layout check, reserved), then
 * records: 8-byte length L, 4-byte CRC-32 (zlib, ISO 3309) of the L bytes, the L bytes of
 * hc_result_pack(). An append packs its records, takes their offsets (the journal's logical end
 * moves at once) and queues them for the journal's writer thread, which computes each CRC, writes
 * it with pwrite(2) and makes the records durable with fsync(2) in groups (group commit): after a
 * write at least `sync interval` seconds after the last fsync, by hc_io_journal_sync and at close
 * (interval 0: every append waits for its records' fsync). The caller (rank 0, between two MPI
 * messages) thus never waits for the file system unless the queue holds HC_JOURNAL_QUEUE_BYTES.
 * A kill of the process loses the records still queued (normally none or one: a write takes a
 * tenth of the time between two records) and a crash of the node at most the records of the
 * last interval; both are redone by a resumed run. A torn or corrupt tail (a crash during a
 * write) fails its length or CRC and is cut off on reopening. Reads (hc_io_journal_read_at, a
 * reader) first wait until the queue is written. Every access is pread/pwrite at an explicit
 * offset: one record in memory at a time (a reader holds at most its read-ahead depth, the queue
 * at most HC_JOURNAL_QUEUE_BYTES).
 */
#include "hpcast/io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "HCJRNL05"
#define FRAME 12 /* bytes before a record's payload: length (8) and CRC-32 (4) */

/** A packed, framed record waiting for the writer thread. */
typedef struct pending {
  struct pending *next;
  char           *buf; /**< FRAME + payload bytes; the thread fills in the CRC */
  size_t          len;
  off_t           off;
} pending;

struct hc_journal {
  int    fd;
  off_t  end; /**< offset after the last appended record (written or queued): where the next one goes */
  char   path[HC_PATH_LEN];
  /* shared with the writer thread, under mu */
  pthread_mutex_t mu;
  pthread_cond_t  changed;    /**< the queue, busy, werr or quit changed */
  pthread_t       thread;
  int             started;    /**< the writer thread runs (from the first append) */
  int             quit;       /**< set by close: the thread ends once the queue is written */
  pending        *head, *tail;
  size_t          queued;     /**< bytes queued */
  int             busy;       /**< the thread is writing a record taken off the queue */
  int             werr;       /**< errno of the first failed write or fsync: nothing is written after it */
  int             dirty;      /**< records written since the last fsync */
  double          sync_s;     /**< group-commit interval (s); 0: fsync every append */
  double          last_sync;  /**< wall clock of the last fsync */
};

/* Start fn(arg) on a POSIX thread with every signal blocked in it, so that the process's signal
 * handlers (the driver's SIGTERM/SIGUSR1 checkpoint) run on the caller's thread. @return 0 or an
 * errno. */
static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const int rc = pthread_create(t, NULL, fn, arg);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

typedef struct {
  char     magic[8];
  uint64_t fingerprint;
  uint32_t record_size;
  uint32_t reserved;
} header;

/* pwrite(2) all of buf at off. @return 0 or -1 with errno. */
static int pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
  const char *p = buf;
  while (len) {
    ssize_t w = pwrite(fd, p, len, off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    off += w;
    len -= (size_t)w;
  }
  return 0;
}

/* pread(2) len bytes at off. @return 1 if all were read, 0 at end of file, -1 with errno. */
static int pread_all(int fd, void *buf, size_t len, off_t off)
{
  char *p = buf;
  while (len) {
    ssize_t r = pread(fd, p, len, off);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) return 0;
    p += r;
    off += r;
    len -= (size_t)r;
  }
  return 1;
}

/* The record at off, if it lies entirely before limit, has a valid CRC and unpacks: into *r,
 * its framed size into *size. @return 0, 1 if there is no valid record there (end of the
 * journal, torn or corrupt), ENOMEM, or -1 with errno on a read error. */
static int load(int fd, off_t off, off_t limit, hc_result *r, size_t *size)
{
  unsigned char frame[FRAME];
  uint64_t      len;
  uint32_t      crc;
  if (off + FRAME > limit) return 1;
  int rc = pread_all(fd, frame, FRAME, off);
  if (rc <= 0) return rc < 0 ? -1 : 1;
  memcpy(&len, frame, 8);
  memcpy(&crc, frame + 8, 4);
  /* no record is empty: a zero frame is a file extended by a crash (its CRC of nothing is 0) */
  if (len == 0 || len > (uint64_t)(limit - off - FRAME) || len > UINT32_MAX) return 1;
  char *data = malloc((size_t)len);
  if (!data) return ENOMEM;
  rc = pread_all(fd, data, (size_t)len, off + FRAME);
  if (rc == 1 && crc32(0L, (const Bytef *)data, (uInt)len) != crc) rc = 0;
  else if (rc == 1) {
    /* the bytes are the ones written (CRC): failing to unpack them is a failed allocation; a
     * record that ends before its frame does is not one this build wrote */
    const size_t got = hc_result_unpack(r, data, (size_t)len);
    if (got == 0) rc = 2;
    else if (got != len) {
      hc_result_free(r);
      rc = 0;
    }
  }
  free(data);
  if (rc != 1) return rc < 0 ? -1 : rc == 2 ? ENOMEM : 1;
  *size = FRAME + (size_t)len;
  return 0;
}

/* Visit the valid records from the header on, in file order; j->end receives the offset after
 * the last one. @return 0, the visitor's nonzero return, ENOMEM, or -1 with err set. */
static int scan(hc_journal *j, hc_journal_visit visit, void *ctx, char *err, size_t errlen)
{
  struct stat st;
  if (fstat(j->fd, &st)) {
    snprintf(err, errlen, "journal '%s': %s", j->path, strerror(errno));
    return -1;
  }
  for (j->end = (off_t)sizeof(header);;) {
    hc_result r;
    size_t    size;
    int       rc = load(j->fd, j->end, st.st_size, &r, &size);
    if (rc == 1) return 0;
    if (rc < 0) snprintf(err, errlen, "journal '%s': %s", j->path, strerror(errno));
    if (rc) return rc;
    rc = visit ? visit(ctx, &r, (long)j->end) : 0;
    hc_result_free(&r);
    if (rc) return rc;
    j->end += (off_t)size;
  }
}

/* Read and check the header of the open journal j. @return 1 if it is a journal of this build,
 * with its fingerprint in *fp; 0 if not. */
static int header_ok(const hc_journal *j, uint64_t *fp)
{
  header h;
  if (pread_all(j->fd, &h, sizeof h, 0) != 1 || memcmp(h.magic, MAGIC, 8) || h.record_size != (uint32_t)sizeof(hc_result)) return 0;
  *fp = h.fingerprint;
  return 1;
}

/* Initialise a mutex and a condition variable, both or neither. @return 0 or an errno. */
static int sync_init(pthread_mutex_t *mu, pthread_cond_t *cv)
{
  int rc = pthread_mutex_init(mu, NULL);
  if (!rc && (rc = pthread_cond_init(cv, NULL))) pthread_mutex_destroy(mu);
  return rc;
}

/* A closed journal of path (fd -1), or NULL if out of memory. */
static hc_journal *journal_new(const char *path)
{
  hc_journal *j = calloc(1, sizeof *j);
  if (!j || sync_init(&j->mu, &j->changed)) {
    free(j);
    return NULL;
  }
  j->fd = -1;
  hc_strlcpy(j->path, path, sizeof j->path);
  return j;
}

/* Free a journal whose writer thread is not running (one that failed to open, or closed);
 * returns rc. */
static int discard(hc_journal *j, int rc)
{
  if (j->fd >= 0) close(j->fd);
  pthread_cond_destroy(&j->changed);
  pthread_mutex_destroy(&j->mu);
  free(j);
  return rc;
}

int hc_io_journal_open(const char *path, uint64_t fingerprint, int resume, hc_journal **jout, hc_journal_visit visit, void *ctx,
                       char *err, size_t errlen)
{
  hc_journal *j = journal_new(path);
  header      h = {.fingerprint = fingerprint, .record_size = (uint32_t)sizeof(hc_result)};
  *jout         = NULL;
  if (!j) return ENOMEM;
  memcpy(h.magic, MAGIC, 8);
  if (resume && (j->fd = open(path, O_RDWR)) >= 0) {
    uint64_t fp;
    if (header_ok(j, &fp) && fp == fingerprint) {
      int rc = scan(j, visit, ctx, err, errlen);
      if (rc) return discard(j, rc);
      if (ftruncate(j->fd, j->end) || fsync(j->fd)) {
        snprintf(err, errlen, "journal '%s': cannot cut its torn tail: %s", path, strerror(errno));
        return discard(j, -1);
      }
      *jout = j;
      return 0;
    }
    close(j->fd);
    j->fd = -1;
    if (resume > 1) {
      snprintf(err, errlen, "journal '%s' was written by a run with other options (or another hpcast build)", path);
      return discard(j, -1);
    }
  }
  j->fd  = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  j->end = (off_t)sizeof h;
  if (j->fd < 0 || pwrite_all(j->fd, &h, sizeof h, 0) || fsync(j->fd)) {
    snprintf(err, errlen, "journal '%s': %s", path, strerror(errno));
    return discard(j, -1);
  }
  *jout = j;
  return 0;
}

int hc_io_journal_open_read(const char *path, uint64_t *fingerprint, hc_journal **jout, hc_journal_visit visit, void *ctx, char *err,
                            size_t errlen)
{
  hc_journal *j = journal_new(path);
  *jout         = NULL;
  if (!j) return ENOMEM;
  if ((j->fd = open(path, O_RDONLY)) < 0 || !header_ok(j, fingerprint)) {
    snprintf(err, errlen, "'%s' is not a journal of this hpcast build%s%s", path, j->fd < 0 ? ": " : "", j->fd < 0 ? strerror(errno) : "");
    return discard(j, -1);
  }
  int rc = scan(j, visit, ctx, err, errlen);
  if (rc) return discard(j, rc);
  *jout = j;
  return 0;
}

/* The writer thread: write the queued records in order (CRC, pwrite), fsync after a write at
 * least the sync interval after the last fsync; after a failure, drop what is queued. */
static void *write_behind(void *arg)
{
  hc_journal *j = arg;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    while (!j->head && !j->quit) pthread_cond_wait(&j->changed, &j->mu);
    pending *p = j->head;
    if (!p) break; /* quit, and everything is written */
    if (!(j->head = p->next)) j->tail = NULL;
    j->busy            = 1;
    const int    skip  = j->werr != 0;
    const double since = j->sync_s > 0 ? hc_time_wall() - j->last_sync : 0;
    const int    sync  = j->sync_s > 0 && since >= j->sync_s;
    pthread_mutex_unlock(&j->mu);
    int e = 0;
    if (!skip) {
      const size_t   len = p->len - FRAME;
      const uint64_t L   = len;
      const uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)p->buf + FRAME, (uInt)len);
      memcpy(p->buf, &L, 8);
      memcpy(p->buf + 8, &crc, 4);
      if (pwrite_all(j->fd, p->buf, p->len, p->off) || (sync && fsync(j->fd))) e = errno ? errno : EIO;
    }
    pthread_mutex_lock(&j->mu);
    if (!skip && !e) {
      j->dirty = !sync;
      if (sync) j->last_sync = hc_time_wall();
    }
    if (e && !j->werr) j->werr = e;
    j->queued -= p->len;
    j->busy = 0;
    pthread_cond_broadcast(&j->changed);
    free(p->buf);
    free(p);
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

/* Wait until every queued record is written; the thread's first error (an errno) or 0. */
static int drain(hc_journal *j)
{
  pthread_mutex_lock(&j->mu);
  while (j->head || j->busy) pthread_cond_wait(&j->changed, &j->mu);
  const int e = j->werr;
  pthread_mutex_unlock(&j->mu);
  return e;
}

/* Message of the writer thread's error e into err; returns -1. */
static int write_failed(const hc_journal *j, int e, char *err, size_t errlen)
{
  snprintf(err, errlen, "journal '%s': write or fsync failed: %s", j->path, strerror(e));
  return -1;
}

int hc_io_journal_append(hc_journal *j, int n, const hc_result *r, long *offsets, char *err, size_t errlen)
{
  if (!j->started) {
    const int rc = start_thread(&j->thread, write_behind, j);
    if (rc) {
      snprintf(err, errlen, "journal '%s': cannot start the writer thread: %s", j->path, strerror(rc));
      return -1;
    }
    j->started = 1;
  }
  for (int i = 0; i < n; i++) {
    const size_t len = hc_result_packed_size(&r[i]);
    pending     *p   = malloc(sizeof *p);
    if (!p || !(p->buf = malloc(FRAME + len))) {
      free(p);
      return ENOMEM;
    }
    hc_result_pack(&r[i], p->buf + FRAME);
    *p = (pending){.next = NULL, .buf = p->buf, .len = FRAME + len, .off = j->end};
    pthread_mutex_lock(&j->mu);
    while (!j->werr && j->queued > 0 && j->queued + p->len > HC_JOURNAL_QUEUE_BYTES) pthread_cond_wait(&j->changed, &j->mu);
    const int e = j->werr;
    if (!e) {
      if (j->tail) j->tail->next = p;
      else j->head = p;
      j->tail = p;
      j->queued += p->len;
      pthread_cond_broadcast(&j->changed);
    }
    pthread_mutex_unlock(&j->mu);
    if (e) {
      free(p->buf);
      free(p);
      return write_failed(j, e, err, errlen);
    }
    if (offsets) offsets[i] = (long)j->end;
    j->end += (off_t)(FRAME + len);
  }
  pthread_mutex_lock(&j->mu);
  const double sync_s = j->sync_s;
  pthread_mutex_unlock(&j->mu);
  return sync_s <= 0 ? hc_io_journal_sync(j, err, errlen) : 0;
}

void hc_io_journal_set_sync_interval(hc_journal *j, double seconds)
{
  pthread_mutex_lock(&j->mu);
  j->sync_s = seconds > 0 ? seconds : 0;
  pthread_mutex_unlock(&j->mu);
}

int hc_io_journal_sync(hc_journal *j, char *err, size_t errlen)
{
  const int e = drain(j); /* the thread is idle now: only the caller appends */
  if (e) return write_failed(j, e, err, errlen);
  pthread_mutex_lock(&j->mu);
  const int dirty = j->dirty;
  pthread_mutex_unlock(&j->mu);
  if (!dirty) return 0;
  if (fsync(j->fd)) {
    snprintf(err, errlen, "journal '%s': fsync: %s", j->path, strerror(errno));
    return -1;
  }
  pthread_mutex_lock(&j->mu);
  j->dirty     = 0;
  j->last_sync = hc_time_wall();
  pthread_mutex_unlock(&j->mu);
  return 0;
}

/* load() of the record at a caller's offset (one before the first record is none). */
static int load_at(const hc_journal *j, long offset, hc_result *r)
{
  size_t size;
  return offset < (long)sizeof(header) ? 1 : load(j->fd, (off_t)offset, j->end, r, &size);
}

/* The public return of load_at's rc at offset, with err set on a failure (err_no: the errno
 * of a read error): 0, ENOMEM or -1. */
static int load_status(const hc_journal *j, long offset, int rc, int err_no, char *err, size_t errlen)
{
  if (rc == 1) snprintf(err, errlen, "journal '%s': no valid record at offset %ld", j->path, offset);
  else if (rc < 0) snprintf(err, errlen, "journal '%s': %s", j->path, strerror(err_no));
  return rc == 1 ? -1 : rc;
}

int hc_io_journal_read_at(hc_journal *j, long offset, hc_result *r, char *err, size_t errlen)
{
  const int e = drain(j);
  if (e) return write_failed(j, e, err, errlen);
  const int rc = load_at(j, offset, r);
  return load_status(j, offset, rc, errno, err, errlen);
}

int hc_io_journal_close(hc_journal **pj, int remove_file)
{
  hc_journal *j  = *pj;
  int         rc = 0;
  char        err[8];
  if (!j) return 0;
  if (j->started) { /* the thread writes what is queued, then ends */
    pthread_mutex_lock(&j->mu);
    j->quit = 1;
    pthread_cond_broadcast(&j->changed);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    j->started = 0;
    if (j->werr) rc = -1;
  }
  if (!remove_file && hc_io_journal_sync(j, err, sizeof err)) rc = -1;
  if (close(j->fd)) rc = -1;
  j->fd = -1;
  if (remove_file && unlink(j->path)) rc = -1;
  *pj = NULL;
  return discard(j, rc);
}

/* ---- read-ahead reader: a producer thread and the caller share a ring of `depth` slots ---- */

typedef struct {
  hc_result r;
  int       rc;    /**< load()'s return: 0, 1 (no valid record), ENOMEM, -1 (errno in err_no) */
  int       err_no;
} slot;

struct hc_journal_reader {
  hc_journal     *j;
  const long     *offset;
  int             n, depth;
  int             filled, taken; /**< records loaded by the thread / taken by the caller */
  int             stop;          /**< set by hc_io_journal_reader_stop */
  slot           *ring;          /**< [depth]: record k in slot k % depth */
  long           *by_off;        /**< [n]: offset[] sorted, the extents of the records (advise) */
  long           *batch;         /**< [HC_JOURNAL_ADVISE_BATCH]: a batch's offsets, sorted */
  pthread_mutex_t mu;
  pthread_cond_t  changed;       /**< filled, taken or stop changed */
  pthread_t       thread;
};

static int by_offset(const void *a, const void *b)
{
  const long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* End of the record at offset o: the next larger offset to read, or the journal's end (a record
 * between them that is not read is only read ahead needlessly). */
static long record_end(const hc_journal_reader *rd, long o)
{
  int lo = 0, hi = rd->n; /* first index with by_off[] > o */
  while (lo < hi) {
    const int mid = lo + (hi - lo) / 2;
    if (rd->by_off[mid] > o) hi = mid;
    else lo = mid + 1;
  }
  return lo < rd->n ? rd->by_off[lo] : (long)rd->j->end;
}

/* Ask the kernel to bring the records k .. k + HC_JOURNAL_ADVISE_BATCH - 1 (in the caller's
 * order) into the page cache: their byte ranges in file order, adjacent ones merged, with
 * posix_fadvise(WILLNEED), which starts the reads and returns. The caller's order is nearly but
 * not quite the file's (ticker order against arrival order), and read one record at a time in
 * it the kernel's own read-ahead gives up: 100,000 records of 40 KB in 1,024-rank arrival order
 * (scaling/bench_report -keep) were read back in 9.4 s, 5.0 s with this, 2.8-4.5 s in file order. */
static void advise(hc_journal_reader *rd, int k)
{
  const int m = rd->n - k < HC_JOURNAL_ADVISE_BATCH ? rd->n - k : HC_JOURNAL_ADVISE_BATCH;
  if (m <= 0) return;
  memcpy(rd->batch, rd->offset + k, (size_t)m * sizeof(long));
  qsort(rd->batch, (size_t)m, sizeof(long), by_offset);
  for (int i = 0; i < m;) {
    const long lo = rd->batch[i];
    long       hi = record_end(rd, lo);
    while (++i < m && rd->batch[i] <= hi) hi = record_end(rd, rd->batch[i]);
    if (hi > lo) posix_fadvise(rd->j->fd, (off_t)lo, (off_t)(hi - lo), POSIX_FADV_WILLNEED);
  }
}

static void *read_ahead(void *arg)
{
  hc_journal_reader *rd = arg;
  advise(rd, 0);
  for (int k = 0; k < rd->n; k++) {
    if (k % HC_JOURNAL_ADVISE_BATCH == 0) advise(rd, k + HC_JOURNAL_ADVISE_BATCH); /* one batch ahead */
    pthread_mutex_lock(&rd->mu);
    while (!rd->stop && k - rd->taken >= rd->depth) pthread_cond_wait(&rd->changed, &rd->mu);
    const int stop = rd->stop;
    pthread_mutex_unlock(&rd->mu);
    if (stop) break;
    slot *s   = &rd->ring[k % rd->depth];
    s->rc     = load_at(rd->j, rd->offset[k], &s->r);
    s->err_no = errno;
    pthread_mutex_lock(&rd->mu);
    rd->filled = k + 1;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->mu);
    if (s->rc) break; /* the caller gets this failure at record k and nothing after it */
  }
  return NULL;
}

/* Free a reader's arrays and itself (its thread and lock are gone or never were). */
static void reader_free(hc_journal_reader *rd)
{
  free(rd->ring);
  free(rd->by_off);
  free(rd->batch);
  free(rd);
}

int hc_io_journal_reader_start(hc_journal *j, int n, const long *offset, int depth, hc_journal_reader **out, char *err,
                               size_t errlen)
{
  hc_journal_reader *rd = calloc(1, sizeof *rd);
  *out                  = NULL;
  const int e           = drain(j);
  if (e) {
    free(rd);
    return write_failed(j, e, err, errlen);
  }
  if (depth < 1) depth = 1;
  if (n < 0) n = 0;
  if (!rd) return ENOMEM;
  *rd = (hc_journal_reader){.j = j, .offset = offset, .n = n, .depth = depth};
  rd->ring   = calloc((size_t)depth, sizeof *rd->ring);
  rd->by_off = malloc((size_t)(n ? n : 1) * sizeof(long));
  rd->batch  = malloc(HC_JOURNAL_ADVISE_BATCH * sizeof(long));
  if (!rd->ring || !rd->by_off || !rd->batch) {
    reader_free(rd);
    return ENOMEM;
  }
  memcpy(rd->by_off, offset, (size_t)n * sizeof(long));
  qsort(rd->by_off, (size_t)n, sizeof(long), by_offset);
  int rc = sync_init(&rd->mu, &rd->changed);
  if (!rc && (rc = start_thread(&rd->thread, read_ahead, rd))) {
    pthread_cond_destroy(&rd->changed);
    pthread_mutex_destroy(&rd->mu);
  }
  if (rc) {
    snprintf(err, errlen, "journal '%s': cannot start the reader thread: %s", j->path, strerror(rc));
    reader_free(rd);
    return -1;
  }
  *out = rd;
  return 0;
}

int hc_io_journal_reader_next(hc_journal_reader *rd, hc_result *r, char *err, size_t errlen)
{
  const int k = rd->taken;
  if (k >= rd->n) {
    snprintf(err, errlen, "journal '%s': all %d records were read", rd->j->path, rd->n);
    return -1;
  }
  pthread_mutex_lock(&rd->mu);
  while (rd->filled <= k) pthread_cond_wait(&rd->changed, &rd->mu);
  pthread_mutex_unlock(&rd->mu);
  const slot *s = &rd->ring[k % rd->depth];
  const int   rc = s->rc, err_no = s->err_no; /* the slot is the thread's again once taken */
  if (!rc) *r = s->r;
  pthread_mutex_lock(&rd->mu);
  rd->taken = rc ? rd->n : k + 1; /* after a failure there is nothing more to take */
  pthread_cond_broadcast(&rd->changed);
  pthread_mutex_unlock(&rd->mu);
  return load_status(rd->j, rd->offset[k], rc, err_no, err, errlen);
}

void hc_io_journal_reader_stop(hc_journal_reader **prd)
{
  hc_journal_reader *rd = *prd;
  if (!rd) return;
  pthread_mutex_lock(&rd->mu);
  rd->stop = 1;
  pthread_cond_broadcast(&rd->changed);
  pthread_mutex_unlock(&rd->mu);
  pthread_join(rd->thread, NULL);
  for (int k = rd->taken; k < rd->filled; k++)
    if (!rd->ring[k % rd->depth].rc) hc_result_free(&rd->ring[k % rd->depth].r);
  pthread_cond_destroy(&rd->changed);
  pthread_mutex_destroy(&rd->mu);
  reader_free(rd);
  *prd = NULL;
}
