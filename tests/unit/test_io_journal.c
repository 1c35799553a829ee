/**
 * @file test_io_journal.c
 * @brief Unit tests of the journal of finished work units (io/journal.c): append with record
 *        offsets, random access (read_at) while appending, after a reopen for resume and on a
 *        read-only journal, the torn tail and a corrupt record (CRC), the visitor protocol,
 *        the read-ahead reader (order, depth, failure, early stop), the writer thread (more
 *        records than its queue holds, a failed write reported to the caller).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hpcast/io.h"
#include "tmpdir.h"

#define HEADER 24 /* bytes of the journal header (docs in journal.c) */
#define FRAME  12 /* bytes before each record: length and CRC-32 */

/** A fresh temporary journal path in its own directory. */
static void tmp_journal(char *dir, size_t dlen, char *path, size_t plen)
{
  test_tmpdir(dir, dlen, "journal");
  snprintf(path, plen, "%s/r.h5.journal", dir);
}

/** A record with a horizon-3 forecast, a fit and strategy points, so that it has arrays. */
static void make_record(hc_result *r, const char *ticker, double v)
{
  cr_assert_eq(hc_result_init(r, ticker, 3), 0);
  r->mean[0] = v;
  r->sd[2]   = 2 * v;
  r->n_obs   = (int)v;
  hc_fit_record f;
  memset(&f, 0, sizeof f);
  snprintf(f.name, sizeof f.name, "ARMA(%d,0)", (int)v);
  f.n_params  = 2;
  f.params[1] = v;
  cr_assert_eq(hc_result_add_fit(r, &f), 0);
  r->selected = 0;
}

/** r equals the record make_record(ticker, v). */
static void assert_record(const hc_result *r, const char *ticker, double v)
{
  cr_assert_str_eq(r->ticker, ticker);
  cr_assert_eq(r->horizon, 3);
  cr_assert(r->mean[0] == v && r->sd[2] == 2 * v && r->n_obs == (int)v, "%s: values", ticker);
  cr_assert_eq(r->n_fits, 1);
  cr_assert(r->fits[0].params[1] == v);
}

/** Visitor that records (ticker, offset) of every record it sees. */
typedef struct {
  int  n;
  char ticker[16][HC_NAME_LEN];
  long offset[16];
  int  stop_at; /* return 7 at this record (-1: never) */
} seen;

static int remember(void *ctx, const hc_result *r, long offset)
{
  seen *s = ctx;
  if (s->n == s->stop_at) return 7;
  cr_assert_lt(s->n, 16);
  hc_strlcpy(s->ticker[s->n], r->ticker, HC_NAME_LEN);
  s->offset[s->n++] = offset;
  return 0;
}

/** The visitor saw exactly records rec[0..n-1], in that order, at the offsets off[0..n-1]. */
static void assert_visited(const seen *s, const hc_result *rec, const long *off, int n)
{
  cr_assert_eq(s->n, n);
  for (int k = 0; k < n; k++) {
    cr_assert_str_eq(s->ticker[k], rec[k].ticker);
    cr_assert_eq(s->offset[k], off[k]);
  }
}

static off_t file_size(const char *path)
{
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  return st.st_size;
}

Test(journal, offsets_read_at_resume_and_torn_tail)
{
  char        dir[256], path[512], err[1024];
  hc_journal *j;
  hc_result   rec[4], r;
  long        off[4];
  seen        s = {.stop_at = -1};
  tmp_journal(dir, sizeof dir, path, sizeof path);
  make_record(&rec[0], "AAA", 1.5);
  make_record(&rec[1], "BBB", 2.5);
  make_record(&rec[2], "CCC", 3.5);
  make_record(&rec[3], "DDD", 4.5);

  cr_assert_eq(hc_io_journal_open(path, 42, 1, &j, remember, &s, err, sizeof err), 0, "%s", err);
  cr_assert_eq(s.n, 0, "a new journal has nothing to visit");
  cr_assert_eq(hc_io_journal_append(j, 2, rec, off, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_append(j, 1, rec + 2, off + 2, err, sizeof err), 0, "%s", err);
  /* the offsets are the byte layout: header, then length + CRC + packed record, back to back */
  cr_assert_eq(off[0], HEADER);
  cr_assert_eq(off[1], off[0] + FRAME + (long)hc_result_packed_size(&rec[0]));
  cr_assert_eq(off[2], off[1] + FRAME + (long)hc_result_packed_size(&rec[1]));
  cr_assert_eq(file_size(path), off[2] + FRAME + (long)hc_result_packed_size(&rec[2]));
  /* random access while the journal is open for appending, in any order; appends go on */
  for (int k = 2; k >= 0; k--) {
    cr_assert_eq(hc_io_journal_read_at(j, off[k], &r, err, sizeof err), 0, "%s", err);
    assert_record(&r, rec[k].ticker, 1.5 + k);
    hc_result_free(&r);
  }
  cr_assert_eq(hc_io_journal_append(j, 1, rec + 3, off + 3, err, sizeof err), 0, "%s", err);
  cr_assert_eq(off[3], off[2] + FRAME + (long)hc_result_packed_size(&rec[2]));
  cr_assert_eq(hc_io_journal_read_at(j, off[3], &r, err, sizeof err), 0, "%s", err);
  assert_record(&r, "DDD", 4.5);
  hc_result_free(&r);
  /* an offset inside a record or before the first one is not a record */
  cr_assert_eq(hc_io_journal_read_at(j, off[1] + 5, &r, err, sizeof err), -1);
  cr_assert(strstr(err, "no valid record") && strstr(err, path), "%s", err);
  cr_assert_eq(hc_io_journal_read_at(j, 3, &r, err, sizeof err), -1);
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);
  const off_t whole = file_size(path);

  /* a kill in the middle of a write: half of a fifth record */
  FILE         *f         = fopen(path, "ab");
  unsigned char junk[40] = {200, 1, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9};
  fwrite(junk, 1, sizeof junk, f);
  fclose(f);

  /* resume: the four records visited in file order with the offsets append gave them, the torn
   * tail cut, random access and appends after the valid records */
  cr_assert_eq(hc_io_journal_open(path, 42, 1, &j, remember, &s, err, sizeof err), 0, "%s", err);
  assert_visited(&s, rec, off, 4);
  cr_assert_eq(file_size(path), whole, "the torn tail is cut");
  cr_assert_eq(hc_io_journal_read_at(j, off[1], &r, err, sizeof err), 0, "%s", err);
  assert_record(&r, "BBB", 2.5);
  hc_result_free(&r);
  cr_assert_eq(hc_io_journal_read_at(j, (long)whole, &r, err, sizeof err), -1, "the cut tail is no record");
  long off5;
  cr_assert_eq(hc_io_journal_append(j, 1, rec, &off5, err, sizeof err), 0, "%s", err);
  cr_assert_eq(off5, (long)whole, "the next record goes where the torn one was");
  cr_assert_eq(hc_io_journal_read_at(j, off5, &r, err, sizeof err), 0, "%s", err);
  assert_record(&r, "AAA", 1.5);
  hc_result_free(&r);
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);

  /* a flipped byte inside the second record: read-only, only the first is visited (CRC), and
   * reading the second at its offset is an error */
  f = fopen(path, "r+b");
  fseek(f, off[1] + FRAME + 30, SEEK_SET);
  fputc('#', f);
  fclose(f);
  uint64_t fp = 0;
  s.n         = 0;
  cr_assert_eq(hc_io_journal_open_read(path, &fp, &j, remember, &s, err, sizeof err), 0, "%s", err);
  cr_assert_eq(fp, 42);
  assert_visited(&s, rec, off, 1);
  cr_assert_eq(hc_io_journal_read_at(j, off[0], &r, err, sizeof err), 0, "%s", err);
  assert_record(&r, "AAA", 1.5);
  hc_result_free(&r);
  cr_assert_eq(hc_io_journal_read_at(j, off[1], &r, err, sizeof err), -1, "corrupt record");
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);
  cr_assert_gt(file_size(path), off[1] + FRAME + 30, "read-only open does not cut the file");

  /* other options: required resume is an error naming the journal, auto starts afresh */
  s.n = 0;
  cr_assert_neq(hc_io_journal_open(path, 43, 2, &j, remember, &s, err, sizeof err), 0);
  cr_assert(strstr(err, "other options") && strstr(err, path), "%s", err);
  cr_assert_null(j);
  cr_assert_eq(hc_io_journal_open(path, 43, 1, &j, remember, &s, err, sizeof err), 0, "%s", err);
  cr_assert_eq(s.n, 0);
  cr_assert_eq(file_size(path), HEADER);
  cr_assert_eq(hc_io_journal_close(&j, 1), 0);
  cr_assert_neq(access(path, F_OK), 0, "removed");
  for (int k = 0; k < 4; k++) hc_result_free(&rec[k]);
  rmdir(dir);
}

Test(journal, visitor_stop_and_not_a_journal)
{
  char        dir[256], path[512], err[1024];
  hc_journal *j;
  hc_result   rec[3];
  seen        s = {.stop_at = -1};
  tmp_journal(dir, sizeof dir, path, sizeof path);
  for (int k = 0; k < 3; k++) make_record(&rec[k], k == 0 ? "A" : k == 1 ? "B" : "C", k + 1.0);
  cr_assert_eq(hc_io_journal_open(path, 7, 0, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_append(j, 3, rec, NULL, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);

  /* a nonzero visitor return stops the scan and is returned; nothing stays open */
  s.stop_at = 1;
  uint64_t fp;
  cr_assert_eq(hc_io_journal_open_read(path, &fp, &j, remember, &s, err, sizeof err), 7);
  cr_assert_null(j);
  cr_assert_eq(s.n, 1);
  s.n = 0;
  cr_assert_eq(hc_io_journal_open(path, 7, 2, &j, remember, &s, err, sizeof err), 7);
  cr_assert_null(j);
  const off_t size = file_size(path);
  cr_assert_gt(size, HEADER, "an aborted resume does not cut the journal");
  /* visit = NULL is allowed: resume keeps every record */
  cr_assert_eq(hc_io_journal_open(path, 7, 2, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  cr_assert_eq(file_size(path), size);
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);

  /* read-only open of something that is not a journal, or of no file */
  FILE *f = fopen(path, "wb");
  fputs("not a journal at all, just text\n", f);
  fclose(f);
  cr_assert_eq(hc_io_journal_open_read(path, &fp, &j, remember, &s, err, sizeof err), -1);
  cr_assert(strstr(err, "not a journal") && strstr(err, path), "%s", err);
  cr_assert_null(j);
  unlink(path);
  cr_assert_eq(hc_io_journal_open_read(path, &fp, &j, remember, &s, err, sizeof err), -1);
  cr_assert(strstr(err, "No such file"), "%s", err);
  for (int k = 0; k < 3; k++) hc_result_free(&rec[k]);
  rmdir(dir);
}

Test(journal, group_commit_keeps_every_record_of_a_closed_or_resumed_journal)
{
  char        dir[256], path[512], err[1024];
  hc_journal *j;
  hc_result   rec[3], r;
  long        off[3];
  seen        s = {.stop_at = -1};
  tmp_journal(dir, sizeof dir, path, sizeof path);
  for (int k = 0; k < 3; k++) make_record(&rec[k], k == 0 ? "AAA" : k == 1 ? "BBB" : "CCC", 1.5 + k);
  cr_assert_eq(hc_io_journal_open(path, 42, 0, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  hc_io_journal_set_sync_interval(j, 3600); /* no fsync at the appends: only at sync and close */
  cr_assert_eq(hc_io_journal_sync(j, err, sizeof err), 0, "nothing to sync: %s", err);
  for (int k = 0; k < 3; k++) cr_assert_eq(hc_io_journal_append(j, 1, &rec[k], &off[k], err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_read_at(j, off[1], &r, err, sizeof err), 0, "%s", err);
  assert_record(&r, "BBB", 2.5);
  hc_result_free(&r);
  cr_assert_eq(hc_io_journal_sync(j, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_sync(j, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);
  cr_assert_null(j);
  /* resume: every record, in append order, at the offsets the appends returned */
  cr_assert_eq(hc_io_journal_open(path, 42, 1, &j, remember, &s, err, sizeof err), 0, "%s", err);
  assert_visited(&s, rec, off, 3);
  cr_assert_eq(hc_io_journal_close(&j, 1), 0);
  struct stat st;
  cr_assert_neq(stat(path, &st), 0, "close with remove_file deletes the journal");
  for (int k = 0; k < 3; k++) hc_result_free(&rec[k]);
  rmdir(dir);
}

/* Several read-ahead batches (HC_JOURNAL_ADVISE_BATCH records each, advised in file order): the
 * records come back in the caller's order across the batch boundaries, whether that order is
 * nearly the file's (windows scrambled, as rank 0's arrival order against ticker order) or its
 * reverse, and the last record's extent ends at the journal's end. */
Test(journal, reader_order_across_advise_batches)
{
  enum { M = 2 * HC_JOURNAL_ADVISE_BATCH + 37, W = 100 };
  char               dir[256], path[512], err[1024], name[16];
  hc_journal        *j;
  hc_journal_reader *rd;
  hc_result          r;
  static hc_result   rec[M];
  static long        off[M], order[M];
  static int         idx[M];
  tmp_journal(dir, sizeof dir, path, sizeof path);
  cr_assert_eq(hc_io_journal_open(path, 42, 0, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < M; k++) {
    snprintf(name, sizeof name, "T%05d", k);
    make_record(&rec[k], name, 0.5 + k);
  }
  cr_assert_eq(hc_io_journal_append(j, M, rec, off, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < M; k++) hc_result_free(&rec[k]);
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < M; i++) {
      const int w0 = i - i % W, len = M - w0 < W ? M - w0 : W; /* window of W, scrambled by 37 */
      idx[i]       = pass ? M - 1 - i : w0 + (int)(((long)(i - w0) * 37) % len);
      order[i]     = off[idx[i]];
    }
    cr_assert_eq(hc_io_journal_reader_start(j, M, order, 8, &rd, err, sizeof err), 0, "%s", err);
    for (int i = 0; i < M; i++) {
      snprintf(name, sizeof name, "T%05d", idx[i]);
      cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), 0, "pass %d, record %d: %s", pass, i, err);
      assert_record(&r, name, 0.5 + idx[i]);
      hc_result_free(&r);
    }
    hc_io_journal_reader_stop(&rd);
  }
  cr_assert_eq(hc_io_journal_close(&j, 1), 0);
  rmdir(dir);
}

/* The read-ahead reader returns the records at the given offsets in the given order (any order,
 * repeats allowed), whatever its depth relative to n; it stops at a bad offset with that
 * offset's error and nothing after it; stopped early, it frees what it read ahead (ASan). */
Test(journal, reader_reads_ahead_in_the_given_order)
{
  enum { M = 7, N = 12 };
  char               dir[256], path[512], err[1024], name[M][8];
  hc_journal        *j;
  hc_journal_reader *rd;
  hc_result          rec[M], r;
  long               off[M], order[N];
  tmp_journal(dir, sizeof dir, path, sizeof path);
  for (int k = 0; k < M; k++) {
    snprintf(name[k], sizeof name[k], "T%d", k);
    make_record(&rec[k], name[k], 1.5 + k);
  }
  cr_assert_eq(hc_io_journal_open(path, 42, 0, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_append(j, M, rec, off, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < N; i++) order[i] = off[(5 * i + 3) % M]; /* scrambled, with repeats */
  const int depths[] = {1, 3, N, 4 * N};
  for (size_t d = 0; d < sizeof depths / sizeof *depths; d++) {
    cr_assert_eq(hc_io_journal_reader_start(j, N, order, depths[d], &rd, err, sizeof err), 0, "%s", err);
    for (int i = 0; i < N; i++) {
      const int k = (5 * i + 3) % M;
      cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), 0, "depth %d, record %d: %s", depths[d], i, err);
      assert_record(&r, name[k], 1.5 + k);
      hc_result_free(&r);
    }
    cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), -1, "no record after the n-th");
    cr_assert(strstr(err, "all 12 records"), "%s", err);
    hc_io_journal_reader_stop(&rd);
    cr_assert_null(rd);
  }
  /* a bad offset (inside a record): the records before it, then its error, then nothing */
  order[4] = off[2] + 5;
  cr_assert_eq(hc_io_journal_reader_start(j, N, order, 2, &rd, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), 0, "%s", err);
    hc_result_free(&r);
  }
  cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), -1);
  cr_assert(strstr(err, "no valid record") && strstr(err, path), "%s", err);
  cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), -1, "the reader stops at its first failure");
  hc_io_journal_reader_stop(&rd);
  /* stopped after one record, with others read ahead: they are freed */
  order[4] = off[0];
  cr_assert_eq(hc_io_journal_reader_start(j, N, order, N, &rd, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), 0, "%s", err);
  hc_result_free(&r);
  hc_io_journal_reader_stop(&rd);
  hc_io_journal_reader_stop(&rd); /* safe on NULL */
  /* n = 0: nothing to read */
  cr_assert_eq(hc_io_journal_reader_start(j, 0, order, 8, &rd, err, sizeof err), 0, "%s", err);
  cr_assert_eq(hc_io_journal_reader_next(rd, &r, err, sizeof err), -1);
  hc_io_journal_reader_stop(&rd);
  cr_assert_eq(hc_io_journal_close(&j, 1), 0);
  for (int k = 0; k < M; k++) hc_result_free(&rec[k]);
  rmdir(dir);
}

/** A record of horizon H (its forecast arrays make it about 80 H bytes packed), value v. */
static void make_big_record(hc_result *r, const char *ticker, int H, double v)
{
  cr_assert_eq(hc_result_init(r, ticker, H), 0);
  for (int h = 0; h < H; h++) r->mean[h] = v + h;
  r->n_obs = (int)v;
}

/* More records than the writer thread's queue holds (HC_JOURNAL_QUEUE_BYTES): the appends wait
 * for it instead of growing memory, every record is written in append order at the offset its
 * append returned, and a read right after an append sees the record. */
Test(journal, writer_thread_keeps_order_beyond_its_queue)
{
  enum { N = 200, H = 2000 };
  char        dir[256], path[512], err[1024];
  hc_journal *j;
  hc_result   rec, r;
  long        off[N];
  tmp_journal(dir, sizeof dir, path, sizeof path);
  cr_assert_eq(hc_io_journal_open(path, 9, 0, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  hc_io_journal_set_sync_interval(j, 3600);
  for (int k = 0; k < N; k++) {
    char name[16];
    snprintf(name, sizeof name, "T%03d", k);
    make_big_record(&rec, name, H, k);
    cr_assert_eq(hc_io_journal_append(j, 1, &rec, &off[k], err, sizeof err), 0, "%s", err);
    hc_result_free(&rec);
    if (k == 50) { /* read while the thread may still hold earlier records */
      cr_assert_eq(hc_io_journal_read_at(j, off[k], &r, err, sizeof err), 0, "%s", err);
      cr_assert(!strcmp(r.ticker, "T050") && r.mean[H - 1] == k + H - 1);
      hc_result_free(&r);
    }
  }
  cr_assert_gt((double)(off[N - 1] - off[0]), 1.5 * HC_JOURNAL_QUEUE_BYTES, "the test must overflow the queue (%ld bytes per record)", off[1] - off[0]);
  cr_assert_eq(hc_io_journal_close(&j, 0), 0);
  cr_assert_eq(file_size(path), off[N - 1] + (off[1] - off[0]), "the file ends after the last record");
  hc_journal *ro;
  uint64_t    fp;
  cr_assert_eq(hc_io_journal_open_read(path, &fp, &ro, NULL, NULL, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < N; k += 7) {
    cr_assert_eq(hc_io_journal_read_at(ro, off[k], &r, err, sizeof err), 0, "%s", err);
    cr_assert(r.n_obs == k && r.mean[0] == k && r.mean[H - 1] == k + H - 1, "record %d", k);
    hc_result_free(&r);
  }
  cr_assert_eq(hc_io_journal_close(&ro, 1), 0);
  rmdir(dir);
}

/* A write of the writer thread that fails (here: beyond RLIMIT_FSIZE, EFBIG) is not lost: the
 * next sync, append and the close report it, naming the journal. */
Test(journal, failed_write_of_the_thread_is_reported)
{
  char          dir[256], path[512], err[1024] = "";
  hc_journal   *j;
  hc_result     rec;
  struct rlimit lim = {64 << 10, RLIM_INFINITY};
  tmp_journal(dir, sizeof dir, path, sizeof path);
  cr_assert_eq(hc_io_journal_open(path, 9, 0, &j, NULL, NULL, err, sizeof err), 0, "%s", err);
  hc_io_journal_set_sync_interval(j, 3600);
  signal(SIGXFSZ, SIG_IGN);
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
  make_big_record(&rec, "BIG", 2000, 1); /* ~160 KB: its write fails */
  cr_assert_eq(hc_io_journal_append(j, 1, &rec, NULL, err, sizeof err), 0, "queued: %s", err);
  cr_assert_eq(hc_io_journal_sync(j, err, sizeof err), -1);
  cr_assert(strstr(err, path) && strstr(err, strerror(EFBIG)), "%s", err);
  err[0] = '\0';
  cr_assert_eq(hc_io_journal_append(j, 1, &rec, NULL, err, sizeof err), -1, "nothing is written after a failure");
  cr_assert(strstr(err, path), "%s", err);
  cr_assert_eq(hc_io_journal_close(&j, 1), -1);
  cr_assert_null(j);
  hc_result_free(&rec);
  rmdir(dir);
}
