/**
 * @file blocks.c
 * @brief The blocks of a ticker's model grid, sent by the ranks that ran them to the ticker's
 *        owner, which reduces them by selection (non-blocking point-to-point, probe-driven
 *        receives; a count exchange by MPI_Ialltoall ends the traffic without a master).
 */
#include "hpcast/parallel.h"

#include <stdlib.h>
#include <string.h>

#define TAG_BLOCK 3

struct hc_blocks {
  MPI_Comm       comm;
  int            rank, size;
  hc_blocks_sink sink;
  void          *ctx;
  int           *sent, *expect;   /* [size] messages sent to / to be received from each rank */
  long           received, expected;
  MPI_Request    count_req;       /* the count exchange of hc_parallel_blocks_end */
  int            ending;
  MPI_Request   *req;             /* sends in flight */
  char         **buf;
  int            n_req, cap_req;
};

int hc_parallel_blocks_create(MPI_Comm comm, hc_blocks_sink sink, void *ctx, hc_blocks **out)
{
  hc_blocks *b = calloc(1, sizeof *b);
  int        rc;
  if (!b) return MPI_ERR_NO_MEM;
  b->comm      = comm;
  b->sink      = sink;
  b->ctx       = ctx;
  b->count_req = MPI_REQUEST_NULL;
  if ((rc = MPI_Comm_rank(comm, &b->rank)) || (rc = MPI_Comm_size(comm, &b->size))) {
    free(b);
    return rc;
  }
  b->sent   = calloc((size_t)b->size, sizeof *b->sent);
  b->expect = calloc((size_t)b->size, sizeof *b->expect);
  if (!b->sent || !b->expect) {
    free(b->sent);
    free(b->expect);
    free(b);
    return MPI_ERR_NO_MEM;
  }
  *out = b;
  return MPI_SUCCESS;
}

/* Free the buffers of the sends that have completed (the others stay in flight). */
static int reap(hc_blocks *b)
{
  int k = 0;
  for (int i = 0; i < b->n_req; i++) {
    int done, rc = MPI_Test(&b->req[i], &done, MPI_STATUS_IGNORE);
    if (rc) return rc;
    if (done) free(b->buf[i]);
    else {
      b->req[k]   = b->req[i];
      b->buf[k++] = b->buf[i];
    }
  }
  b->n_req = k;
  return MPI_SUCCESS;
}

int hc_parallel_blocks_send(hc_blocks *b, int dest, int group, int block, const hc_result *whole, const hc_result *first)
{
  const int    head[2] = {group, block};
  const size_t l1 = hc_result_packed_size(whole), l2 = hc_result_packed_size(first), len = sizeof head + l1 + l2;
  int          rc;
  if (len > (size_t)0x7fffffff) return MPI_ERR_COUNT;
  if ((rc = reap(b))) return rc;
  if (b->n_req == b->cap_req) {
    int          cap = 2 * b->cap_req + 8;
    MPI_Request *r   = realloc(b->req, sizeof *r * (size_t)cap);
    if (!r) return MPI_ERR_NO_MEM;
    b->req = r;
    char **g = realloc(b->buf, sizeof *g * (size_t)cap);
    if (!g) return MPI_ERR_NO_MEM;
    b->buf     = g;
    b->cap_req = cap;
  }
  char *buf = malloc(len);
  if (!buf) return MPI_ERR_NO_MEM;
  memcpy(buf, head, sizeof head);
  hc_result_pack(whole, buf + sizeof head);
  hc_result_pack(first, buf + sizeof head + l1);
  if ((rc = MPI_Isend(buf, (int)len, MPI_BYTE, dest, TAG_BLOCK, b->comm, &b->req[b->n_req]))) {
    free(buf);
    return rc;
  }
  b->buf[b->n_req++] = buf;
  b->sent[dest]++;
  return MPI_SUCCESS;
}

/* Receive the probed block message of status s and hand it to the sink. */
static int receive(hc_blocks *b, const MPI_Status *s)
{
  int count, rc = MPI_Get_count(s, MPI_BYTE, &count), head[2];
  if (rc) return rc;
  char *buf = malloc(count ? (size_t)count : 1);
  if (!buf) return MPI_ERR_NO_MEM;
  if ((rc = MPI_Recv(buf, count, MPI_BYTE, s->MPI_SOURCE, TAG_BLOCK, b->comm, MPI_STATUS_IGNORE))) {
    free(buf);
    return rc;
  }
  hc_result whole, first;
  size_t    l1 = 0, l2 = 0;
  if ((size_t)count >= sizeof head) {
    memcpy(head, buf, sizeof head);
    l1 = hc_result_unpack(&whole, buf + sizeof head, (size_t)count - sizeof head);
    if (l1) l2 = hc_result_unpack(&first, buf + sizeof head + l1, (size_t)count - sizeof head - l1);
    if (l1 && !l2) hc_result_free(&whole);
  }
  free(buf);
  if (!l1 || !l2 || sizeof head + l1 + l2 != (size_t)count) return MPI_ERR_TRUNCATE;
  b->received++;
  return b->sink(b->ctx, head[0], head[1], &whole, &first);
}

int hc_parallel_blocks_poll(hc_blocks *b)
{
  int rc = reap(b);
  while (!rc) {
    int        flag;
    MPI_Status s;
    if ((rc = MPI_Iprobe(MPI_ANY_SOURCE, TAG_BLOCK, b->comm, &flag, &s)) || !flag) break;
    rc = receive(b, &s);
  }
  return rc;
}

int hc_parallel_blocks_end(hc_blocks *b, int *done)
{
  int rc = MPI_SUCCESS, flag = 0;
  *done  = 0;
  if (!b->ending) { /* every rank has sent all its blocks: tell each rank how many to expect */
    b->ending = 1;
    if ((rc = MPI_Ialltoall(b->sent, 1, MPI_INT, b->expect, 1, MPI_INT, b->comm, &b->count_req))) return rc;
  }
  if ((rc = hc_parallel_blocks_poll(b))) return rc;
  if (b->count_req != MPI_REQUEST_NULL) {
    if ((rc = MPI_Test(&b->count_req, &flag, MPI_STATUS_IGNORE)) || !flag) return rc;
    b->expected = 0;
    for (int r = 0; r < b->size; r++) b->expected += b->expect[r];
  }
  *done = b->received == b->expected && b->n_req == 0;
  return MPI_SUCCESS;
}

int hc_parallel_blocks_destroy(hc_blocks **pb)
{
  hc_blocks *b = *pb;
  if (!b) return MPI_SUCCESS;
  int rc = b->n_req ? MPI_Waitall(b->n_req, b->req, MPI_STATUSES_IGNORE) : MPI_SUCCESS;
  for (int i = 0; i < b->n_req; i++) free(b->buf[i]);
  free(b->req);
  free(b->buf);
  free(b->sent);
  free(b->expect);
  free(b);
  *pb = NULL;
  return rc;
}
