/**
 * @file fuzz_journal.c
 * @brief libFuzzer target of the journal reader (hc_io_journal_open in resume mode,
 *        hc_io_journal_read_at, src/io/journal.c) and of the record decoder under it
 *        (hc_result_unpack, src/core/core.c).
 *
 * Input: one mode byte, then the bytes B.
 *  1. hc_result_unpack(B): on success it consumed at most |B| bytes, the record is consistent
 *     (every array present with the size its count says: each element is read, so ASan checks
 *     the allocations), packs back to the same size, and unpacks again from its packing.
 *  2. B is written as a journal file. Mode bit 0 gives B a valid header (this build's magic
 *     and record size, from a journal the library writes; the fingerprint stays B's), bit 1 recomputes the CRC-32 of every frame of B from the
 *     header on, so that the decoder is reached through the file too (a random CRC is right
 *     once in 2^32). The journal is opened with resume = 1 and the fingerprint of B's header,
 *     with a visitor that checks each record. Checked: the return is 0, ENOMEM (a record with a
 *     valid CRC that does not unpack) or -1 with a message; after 0, every visited offset
 *     reads back (read_at) the record the visitor saw, a record appended after them is
 *     durable, and reopening the journal visits the same records plus the appended one (the
 *     torn tail was cut, nothing valid was lost). hc_io_journal_open_read must agree with it.
 *
 * Seeds: run with HPCAST_FUZZ_SEED_DIR=DIR to write seed inputs (journals of 0, 1 and 3
 * records, a packed record) into DIR and exit (test.sh does it before fuzzing).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_util.h"
#include "hpcast/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define HEADER 24 /* magic[8], fingerprint u64, record size u32, reserved u32 (journal.c) */
#define FRAME  12 /* length u64, CRC-32 u32 */
#define MAX_SEEN 64

/* The header of a journal written by this build (magic and record size; journal.c changes its
 * magic with its format), read once from a journal the library writes itself. */
static uint8_t template_header[HEADER];

static void read_template_header(void)
{
  static int done;
  if (done) return;
  done = 1;
  const char *path = fuzz_file(NULL, 0);
  hc_journal *j;
  char        err[256];
  if (hc_io_journal_open(path, 0, 0, &j, NULL, NULL, err, sizeof err) || hc_io_journal_close(&j, 0)) {
    fprintf(stderr, "fuzz_journal: cannot write a journal: %s\n", err);
    abort();
  }
  FILE *f = fopen(path, "rb");
  if (!f || fread(template_header, 1, HEADER, f) != HEADER) abort();
  fclose(f);
}

static volatile unsigned long long sink; /* defeats the optimiser when touching arrays */

static void touch(const void *p, size_t bytes)
{
  const unsigned char *c = p;
  unsigned long long   s = 0;
  for (size_t i = 0; i < bytes; i++) s += c[i];
  sink += s;
}

/* A decoded record is consistent: counts in range, arrays present and as large as their counts. */
static void check_record(const hc_result *r)
{
  FUZZ_CHECK(r->horizon >= 0 && r->n_fits >= 0 && r->n_scores >= 0 && r->n_members >= 0 && r->n_strategy >= 0 && r->n_units >= 0,
             "negative count: H %d fits %d scores %d members %d strategy %d units %d", r->horizon, r->n_fits, r->n_scores,
             r->n_members, r->n_strategy, r->n_units);
  const size_t H = (size_t)r->horizon, M = (size_t)r->n_members;
  FUZZ_CHECK(r->mean != NULL, "no forecast block");
  FUZZ_CHECK(r->sd == r->mean + H && r->lo == r->mean + 2 * H && r->hi == r->lo + H * HC_N_LEVELS, "forecast pointers");
  touch(r->mean, (2 * H + 2 * H * HC_N_LEVELS) * sizeof(double));
  FUZZ_CHECK(!r->n_fits || r->fits, "n_fits %d, fits NULL", r->n_fits);
  for (int k = 0; k < r->n_fits; k++) {
    FUZZ_CHECK(r->fits[k].n_params >= 0 && r->fits[k].n_params <= HC_MAX_PARAMS, "fit %d: n_params %d", k, r->fits[k].n_params);
    touch(&r->fits[k], sizeof r->fits[k]);
  }
  FUZZ_CHECK(!r->n_scores || r->scores, "n_scores %d, scores NULL", r->n_scores);
  touch(r->scores, (size_t)r->n_scores * sizeof *r->scores);
  FUZZ_CHECK(!M || (r->member && r->weights), "n_members %zu, arrays NULL", M);
  touch(r->member, M * sizeof *r->member);
  touch(r->weights, (size_t)HC_N_SCHEMES * M * sizeof(double));
  if (M > 0 && H > 0) {
    FUZZ_CHECK(r->member_mean && r->member_sd == r->member_mean + M * H, "member forecast pointers");
    touch(r->member_mean, 2 * M * H * sizeof(double));
  }
  FUZZ_CHECK(!r->n_strategy || r->strategy, "n_strategy %d, strategy NULL", r->n_strategy);
  touch(r->strategy, (size_t)r->n_strategy * sizeof *r->strategy);
  FUZZ_CHECK(!r->n_units || r->units, "n_units %d, units NULL", r->n_units);
  touch(r->units, (size_t)r->n_units * sizeof *r->units);
}

/* 1: the unpack/pack round trip of data[size]. */
static void fuzz_unpack(const uint8_t *data, size_t size)
{
  hc_result    r;
  const size_t used = hc_result_unpack(&r, data, size);
  if (!used) return;
  FUZZ_CHECK(used <= size, "unpack consumed %zu of %zu bytes", used, size);
  check_record(&r);
  const size_t packed = hc_result_packed_size(&r);
  FUZZ_CHECK(packed == used, "record of %zu bytes packs to %zu", used, packed);
  char *buf = malloc(packed);
  if (buf) {
    FUZZ_CHECK(hc_result_pack(&r, buf) == packed, "pack size");
    hc_result    r2;
    const size_t again = hc_result_unpack(&r2, buf, packed);
    FUZZ_CHECK(again == packed, "its packing unpacks to %zu of %zu bytes", again, packed);
    FUZZ_CHECK(r2.horizon == r.horizon && r2.n_fits == r.n_fits && r2.n_scores == r.n_scores && r2.n_members == r.n_members &&
                   r2.n_strategy == r.n_strategy && r2.n_units == r.n_units,
               "counts changed by a pack/unpack round trip");
    hc_result_free(&r2);
    free(buf);
  }
  hc_result_free(&r);
}

/* What a visitor saw: offsets and a summary of each record. */
typedef struct {
  int  n;
  long offset[MAX_SEEN];
  int  horizon[MAX_SEEN], n_fits[MAX_SEEN];
  char ticker[MAX_SEEN][HC_NAME_LEN];
} seen;

static int visit(void *ctx, const hc_result *r, long offset)
{
  seen *s = ctx;
  check_record(r);
  FUZZ_CHECK(offset >= HEADER, "record at offset %ld, inside the header", offset);
  FUZZ_CHECK(s->n == 0 || offset > s->offset[s->n < MAX_SEEN ? s->n - 1 : MAX_SEEN - 1], "offsets not increasing");
  if (s->n < MAX_SEEN) {
    s->offset[s->n]  = offset;
    s->horizon[s->n] = r->horizon;
    s->n_fits[s->n]  = r->n_fits;
    memcpy(s->ticker[s->n], r->ticker, HC_NAME_LEN);
  }
  s->n++;
  return 0;
}

/* The fingerprint stored in a journal image (0 if it has no full header). */
static uint64_t fingerprint_of(const uint8_t *b, size_t n)
{
  uint64_t fp = 0;
  if (n >= 16) memcpy(&fp, b + 8, 8);
  return fp;
}

/* 2: data[size] (already fixed up) as a journal file. */
static void fuzz_journal(uint8_t *b, size_t n)
{
  const char    *path = fuzz_file(b, n);
  const uint64_t fp   = fingerprint_of(b, n);
  hc_journal    *j    = NULL;
  seen           s    = {0};
  char           err[256];
  memset(err, 'x', sizeof err);
  int rc = hc_io_journal_open(path, fp, 1, &j, visit, &s, err, sizeof err);
  FUZZ_CHECK(rc == 0 || rc == ENOMEM || rc == -1, "journal_open returned %d", rc);
  if (rc == -1) FUZZ_CHECK(fuzz_terminated(err, sizeof err) && err[0], "journal_open -1 without a message");
  if (rc) {
    FUZZ_CHECK(!j, "failed open left a journal");
    return;
  }
  FUZZ_CHECK(j, "journal_open returned 0 and no journal");
  for (int i = 0; i < s.n && i < MAX_SEEN; i++) {
    hc_result r;
    rc = hc_io_journal_read_at(j, s.offset[i], &r, err, sizeof err);
    FUZZ_CHECK(rc == 0, "record %d at offset %ld was visited but does not read back (%d)", i, s.offset[i], rc);
    FUZZ_CHECK(r.horizon == s.horizon[i] && r.n_fits == s.n_fits[i] && !memcmp(r.ticker, s.ticker[i], HC_NAME_LEN),
               "record %d reads back different", i);
    hc_result_free(&r);
  }
  /* a record appended after the valid ones survives a reopen, and nothing valid is lost */
  hc_result add;
  if (hc_result_init(&add, "APPENDED", 2)) {
    hc_io_journal_close(&j, 0);
    return;
  }
  long off = -1;
  rc       = hc_io_journal_append(j, 1, &add, &off, err, sizeof err);
  hc_result_free(&add);
  FUZZ_CHECK(rc == 0, "append failed: %s", err);
  FUZZ_CHECK(hc_io_journal_close(&j, 0) == 0, "close failed");
  seen again = {0};
  rc         = hc_io_journal_open(path, fp, 2, &j, visit, &again, err, sizeof err);
  FUZZ_CHECK(rc == 0, "reopen of the journal just written failed (%d): %s", rc, rc == -1 ? err : "");
  FUZZ_CHECK(again.n == s.n + 1, "reopen visited %d records, want %d + 1 appended", again.n, s.n);
  for (int i = 0; i < s.n && i < MAX_SEEN; i++) FUZZ_CHECK(again.offset[i] == s.offset[i], "record %d moved", i);
  if (s.n < MAX_SEEN) FUZZ_CHECK(again.offset[s.n] == off && !strcmp(again.ticker[s.n], "APPENDED"), "appended record not found");
  hc_io_journal_close(&j, 0);
  /* the read-only opener (hpcast merge) sees the same */
  uint64_t fp2  = 0;
  seen     ro   = {0};
  rc            = hc_io_journal_open_read(path, &fp2, &j, visit, &ro, err, sizeof err);
  FUZZ_CHECK(rc == 0 && fp2 == fp && ro.n == again.n, "open_read: rc %d, %d records, want %d", rc, ro.n, again.n);
  hc_io_journal_close(&j, 0);
}

/* Recompute the CRC of every frame from the header on (frames that fit in the image). */
static void fix_crcs(uint8_t *b, size_t n)
{
  for (size_t off = HEADER; off + FRAME <= n;) {
    uint64_t len;
    memcpy(&len, b + off, 8);
    if (len > n - off - FRAME) break;
    const uint32_t crc = (uint32_t)crc32(0L, b + off + FRAME, (uInt)len);
    memcpy(b + off + 8, &crc, 4);
    off += FRAME + (size_t)len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  const unsigned mode = data[0];
  data++, size--;
  fuzz_unpack(data, size);
  uint8_t *b = malloc(size ? size : 1);
  if (!b) return 0;
  memcpy(b, data, size);
  if ((mode & 1) && size >= HEADER) { /* this build's magic and record size */
    read_template_header();
    memcpy(b, template_header, 8);
    memcpy(b + 16, template_header + 16, 4);
  }
  if (mode & 2) fix_crcs(b, size);
  fuzz_journal(b, size);
  free(b);
  return 0;
}

/* ---- seeds ---- */

static void make_record(hc_result *r, const char *ticker, int H, int n_fits)
{
  if (hc_result_init(r, ticker, H)) abort();
  for (int h = 0; h < H; h++) r->mean[h] = 0.1 * h, r->sd[h] = 1 + h;
  for (int k = 0; k < n_fits; k++) {
    hc_fit_record f;
    memset(&f, 0, sizeof f);
    snprintf(f.name, sizeof f.name, "ARMA(%d,0)", k);
    f.n_params = k + 1;
    for (int p = 0; p <= k; p++) snprintf(f.param_names[p], HC_PNAME_LEN, "ar%d", p), f.params[p] = 0.1 * p;
    if (hc_result_add_fit(r, &f)) abort();
  }
  r->selected = n_fits ? 0 : -1;
  if (hc_result_set_members(r, 1)) abort();
  snprintf(r->member[0], HC_MODEL_LEN, "ARMA(0,0)");
  hc_unit_row u = {.block = -1, .n_specs = 1, .n_fits = n_fits, .rank = 0, .seconds = 0.5, .cost = 1};
  if (hc_result_add_unit(r, &u)) abort();
}

static void write_seed(const char *dir, const char *name, unsigned mode, const void *bytes, size_t len)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fputc((int)mode, f) == EOF || fwrite(bytes, 1, len, f) != len || fclose(f)) {
    fprintf(stderr, "fuzz_journal: cannot write %s\n", path);
    exit(1);
  }
}

/* A journal of n records written by hc_io_journal_append, as a seed of mode m. */
static void journal_seed(const char *dir, const char *name, unsigned m, int n)
{
  char jpath[4200], err[256];
  snprintf(jpath, sizeof jpath, "%s/%s.journal.tmp", dir, name);
  hc_journal *j;
  if (hc_io_journal_open(jpath, 0x1234abcdULL, 0, &j, NULL, NULL, err, sizeof err)) {
    fprintf(stderr, "fuzz_journal: %s\n", err);
    exit(1);
  }
  for (int i = 0; i < n; i++) {
    hc_result r;
    char      t[16];
    snprintf(t, sizeof t, "T%d", i);
    make_record(&r, t, 1 + i, i);
    if (hc_io_journal_append(j, 1, &r, NULL, err, sizeof err)) exit(1);
    hc_result_free(&r);
  }
  hc_io_journal_close(&j, 0);
  FILE *f = fopen(jpath, "rb");
  if (!f) exit(1);
  static char buf[1 << 20];
  const size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  remove(jpath);
  write_seed(dir, name, m, buf, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  const char *dir = getenv("HPCAST_FUZZ_SEED_DIR");
  if (!dir || !*dir) return 0;
  journal_seed(dir, "journal-empty", 0, 0);
  journal_seed(dir, "journal-1", 0, 1);
  journal_seed(dir, "journal-3", 0, 3);
  journal_seed(dir, "journal-3-fixup", 3, 3);
  hc_result r;
  make_record(&r, "PACKED", 2, 2);
  const size_t len = hc_result_packed_size(&r);
  char        *buf = malloc(len);
  if (!buf) exit(1);
  hc_result_pack(&r, buf);
  write_seed(dir, "record-packed", 0, buf, len);
  free(buf);
  hc_result_free(&r);
  fprintf(stderr, "fuzz_journal: seeds written to %s\n", dir);
  exit(0);
}
