/**
 * @file stream.c
 * @brief Result records streamed from every rank to rank 0 in bounded batches while the
 *        ranks work (point-to-point, non-blocking sends, probe-driven receives on rank 0).
 *
 * Messages from one sender are received in the order sent (MPI-3.1 sec. 3.5, non-overtaking),
 * so a rank's perf row (tag 2) is received after all of its batches (tag 1).
 */
#include "hpcast/parallel.h"

#include <stdlib.h>
#include <string.h>

#define TAG_BATCH 1
#define TAG_DONE  2
#define IN_FLIGHT 8 /* batches a rank may have in flight: rank 0 receives only between its own
                       units, so a single slot made the other ranks wait for it */

struct hc_stream {
  MPI_Comm       comm;
  int            rank, size;
  hc_stream_sink sink;
  void          *ctx;
  MPI_Request    req[IN_FLIGHT]; /* batches in flight, MPI_REQUEST_NULL where none */
  char          *buf[IN_FLIGHT]; /* their bytes */
};

int hc_parallel_stream_create(MPI_Comm comm, hc_stream_sink sink, void *ctx, hc_stream **out)
{
  hc_stream *st = calloc(1, sizeof *st);
  if (!st) return MPI_ERR_NO_MEM;
  st->comm = comm;
  st->sink = sink;
  st->ctx  = ctx;
  for (int i = 0; i < IN_FLIGHT; i++) st->req[i] = MPI_REQUEST_NULL;
  int rc = MPI_Comm_rank(comm, &st->rank);
  if (!rc) rc = MPI_Comm_size(comm, &st->size);
  if (rc) {
    free(st);
    return rc;
  }
  *out = st;
  return MPI_SUCCESS;
}

/* Unpack a batch of bytes into records and hand them to the sink. */
static int deliver(hc_stream *st, int from, const char *buf, size_t len)
{
  int        n = 0, cap = 16;
  hc_result *r = malloc(sizeof *r * (size_t)cap);
  size_t     off = 0;
  if (!r) return MPI_ERR_NO_MEM;
  while (off < len) {
    if (n == cap) {
      hc_result *g = realloc(r, sizeof *r * (size_t)(cap *= 2));
      if (!g) break;
      r = g;
    }
    size_t used = hc_result_unpack(&r[n], buf + off, len - off);
    if (!used) break;
    off += used;
    n++;
  }
  if (off != len) {
    for (int i = 0; i < n; i++) hc_result_free(&r[i]);
    free(r);
    return MPI_ERR_TRUNCATE;
  }
  int rc = st->sink(st->ctx, from, n, r);
  free(r);
  return rc;
}

int hc_parallel_stream_send(hc_stream *st, int n, const hc_result *records)
{
  size_t len = 0;
  int    rc, slot;
  for (int i = 0; i < n; i++) len += hc_result_packed_size(&records[i]);
  /* a free slot: one never used, else wait for the first of the sends in flight to complete */
  for (slot = 0; slot < IN_FLIGHT && st->buf[slot]; slot++) {}
  if (slot == IN_FLIGHT && (rc = MPI_Waitany(IN_FLIGHT, st->req, &slot, MPI_STATUS_IGNORE))) return rc;
  if (slot == MPI_UNDEFINED) slot = 0;
  free(st->buf[slot]);
  st->buf[slot] = malloc(len ? len : 1);
  if (!st->buf[slot]) return MPI_ERR_NO_MEM;
  for (size_t i = 0, off = 0; i < (size_t)n; i++) off += hc_result_pack(&records[i], st->buf[slot] + off);
  if (st->rank == 0) {
    rc = deliver(st, 0, st->buf[slot], len);
    free(st->buf[slot]);
    st->buf[slot] = NULL;
    return rc;
  }
  if (len > (size_t)0x7fffffff) return MPI_ERR_COUNT;
  return MPI_Isend(st->buf[slot], (int)len, MPI_BYTE, 0, TAG_BATCH, st->comm, &st->req[slot]);
}

/* Rank 0: receive the probed batch of status s and deliver it. */
static int receive_batch(hc_stream *st, const MPI_Status *s)
{
  int count, rc = MPI_Get_count(s, MPI_BYTE, &count);
  if (rc) return rc;
  char *buf = malloc(count ? (size_t)count : 1);
  if (!buf) return MPI_ERR_NO_MEM;
  rc = MPI_Recv(buf, count, MPI_BYTE, s->MPI_SOURCE, TAG_BATCH, st->comm, MPI_STATUS_IGNORE);
  if (!rc) rc = deliver(st, s->MPI_SOURCE, buf, (size_t)count);
  free(buf);
  return rc;
}

int hc_parallel_stream_poll(hc_stream *st)
{
  if (st->rank != 0) return MPI_SUCCESS;
  for (;;) {
    int        flag, rc;
    MPI_Status s;
    if ((rc = MPI_Iprobe(MPI_ANY_SOURCE, TAG_BATCH, st->comm, &flag, &s)) || !flag) return rc;
    if ((rc = receive_batch(st, &s))) return rc;
  }
}

int hc_parallel_stream_finish(hc_stream **pst, const hc_perf *mine, hc_perf *perf)
{
  hc_stream *st = *pst;
  int        rc = MPI_Waitall(IN_FLIGHT, st->req, MPI_STATUSES_IGNORE);
  if (!rc && st->rank != 0) rc = MPI_Send(mine, (int)sizeof *mine, MPI_BYTE, 0, TAG_DONE, st->comm);
  if (!rc && st->rank == 0) {
    perf[0] = *mine;
    for (int left = st->size - 1; !rc && left > 0;) {
      MPI_Status s;
      if ((rc = MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, st->comm, &s))) break;
      if (s.MPI_TAG == TAG_BATCH) rc = receive_batch(st, &s);
      else {
        rc = MPI_Recv(&perf[s.MPI_SOURCE], (int)sizeof *perf, MPI_BYTE, s.MPI_SOURCE, TAG_DONE, st->comm, MPI_STATUS_IGNORE);
        left--;
      }
    }
  }
  if (!rc) rc = MPI_Barrier(st->comm);
  for (int i = 0; i < IN_FLIGHT; i++) free(st->buf[i]);
  free(st);
  *pst = NULL;
  return rc;
}
