/**
 * @file runtime.c
 * @brief The runtime of a job over the ranks of a communicator: units handed out by the
 *        scheduler (schedule.c), the blocks of a group sent to the group's owner and reduced
 *        there (blocks.c), the record of every finished group streamed to the collector, rank 0
 *        (stream.c), and a stop that any rank may request at a unit boundary. What a unit
 *        computes and what the collector does with a record are the caller's (hc_run_ops).
 */
#include "hpcast/parallel.h"

#include <stdlib.h>
#include <time.h>

/* A group whose units are blocks, owned by this rank: the blocks received so far. */
typedef struct {
  int        group, got;
  hc_result *rec; /* [2 B]: the whole records of blocks 0..B-1, then their first records */
} owned;

/* Everything a rank needs while it runs units. */
typedef struct {
  const hc_run_ops *ops;
  void             *ctx;
  int               B;      /* units per group */
  hc_sched         *sched;
  hc_stream        *stream;
  hc_blocks        *xb;
  owned            *own;    /* groups this rank owns whose blocks are not all in */
  int               n_own, cap_own;
} runtime;

static owned *find_owned(runtime *t, int group)
{
  for (int i = 0; i < t->n_own; i++)
    if (t->own[i].group == group) return &t->own[i];
  return NULL;
}

/* Sink of the block exchange: a block of a group this rank owns. */
static int take_block(void *ctx, int group, int block, hc_result *whole, hc_result *first)
{
  runtime *t = ctx;
  owned   *g = find_owned(t, group);
  if (!g) { /* the owner registers a group when it takes its first unit; blocks may come first */
    hc_result *rec = calloc(2 * (size_t)t->B, sizeof *rec);
    if (rec && t->n_own == t->cap_own) {
      owned *n = realloc(t->own, sizeof *n * (size_t)(2 * t->cap_own + 4));
      if (n) t->own = n, t->cap_own = 2 * t->cap_own + 4;
      else free(rec), rec = NULL;
    }
    if (!rec) {
      hc_result_free(whole);
      hc_result_free(first);
      return MPI_ERR_NO_MEM;
    }
    g        = &t->own[t->n_own++];
    g->group = group;
    g->got   = 0;
    g->rec   = rec;
  }
  g->rec[block]        = *whole;
  g->rec[t->B + block] = *first;
  g->got++;
  return MPI_SUCCESS;
}

static void drop_owned(runtime *t, owned *g)
{
  for (int b = 0; b < 2 * t->B; b++) hc_result_free(&g->rec[b]);
  free(g->rec);
  *g = t->own[--t->n_own];
}

/* Every owned group (incomplete after a stop or an error: the caller runs them again). */
static void drop_all(runtime *t)
{
  while (t->n_own) drop_owned(t, &t->own[0]);
  free(t->own);
  t->own = NULL;
}

/* An owned group whose blocks are all in, or NULL. */
static owned *ready_group(runtime *t)
{
  for (int i = 0; i < t->n_own; i++)
    if (t->own[i].got == t->B) return &t->own[i];
  return NULL;
}

/* Send a finished group's record to the collector, then free it. */
static int publish(runtime *t, hc_result *r)
{
  if (t->ops->gather) t->ops->gather(t->ctx, 1);
  int rc = hc_parallel_stream_send(t->stream, 1, r);
  if (!rc) rc = hc_parallel_stream_poll(t->stream);
  if (t->ops->gather) t->ops->gather(t->ctx, 0);
  hc_result_free(r);
  return rc;
}

/* The owner's step of a group whose blocks are all in: the caller reduces them into the group's record. */
static int finish_group(runtime *t, owned *g)
{
  hc_result r;
  int       rc = t->ops->finish_group(t->ctx, g->group, t->B, g->rec, &r);
  drop_owned(t, g);
  return rc ? rc : publish(t, &r);
}

/* Run unit `unit`: a whole group (B = 1), its record to the collector, or one block, sent to the group's owner. */
static int run_unit(runtime *t, int unit)
{
  const int group = unit / t->B, block = unit % t->B;
  hc_result r, first;
  int       rc, owner;
  if (t->B == 1) return (rc = t->ops->run_unit(t->ctx, group, &r)) ? rc : publish(t, &r);
  if ((rc = t->ops->run_block(t->ctx, group, block, &r, &first))) return rc;
  if (!(rc = hc_parallel_sched_owner(t->sched, unit, &owner))) rc = hc_parallel_blocks_send(t->xb, owner, group, block, &r, &first);
  hc_result_free(&r);
  hc_result_free(&first);
  return rc;
}

/* The loop of a rank: owned groups whose blocks are in first, then its next unit; then the
 * blocks still in flight and the groups they complete (none after a stop). */
static int work(runtime *t, int rank, int collect_only)
{
  int rc;
  for (int stopped = 0;;) {
    owned *g;
    if ((rc = hc_parallel_blocks_poll(t->xb))) return rc;
    if (t->ops->should_stop && t->ops->should_stop(t->ctx) && (rc = hc_parallel_sched_request_stop(t->sched))) return rc;
    if (t->B > 1 && (rc = hc_parallel_sched_stopped(t->sched, &stopped))) return rc;
    if (!stopped && (g = ready_group(t))) rc = finish_group(t, g);
    else if (collect_only) {
      int exhausted;
      if ((rc = hc_parallel_stream_poll(t->stream)) || (rc = hc_parallel_sched_exhausted(t->sched, &exhausted))) return rc;
      if (exhausted) break;
      if (t->ops->progress) t->ops->progress(t->ctx);
      nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
    } else {
      int unit;
      if ((rc = hc_parallel_sched_next(t->sched, &unit))) return rc;
      if (unit < 0) break;
      rc = run_unit(t, unit);
    }
    if (rc) return rc;
    if (rank == 0 && t->ops->progress) t->ops->progress(t->ctx);
  }
  for (int done = 0, stopped; !done;) {
    owned *g;
    if ((rc = hc_parallel_blocks_end(t->xb, &done)) || (rc = hc_parallel_stream_poll(t->stream)) ||
        (rc = hc_parallel_sched_stopped(t->sched, &stopped)))
      return rc;
    if (!stopped && (g = ready_group(t))) {
      if ((rc = finish_group(t, g))) return rc;
      done = 0;
    }
  }
  return MPI_SUCCESS;
}

int hc_parallel_run(MPI_Comm comm, const hc_run_plan *plan, const hc_run_ops *ops, void *ctx, hc_perf *perf, int *stopped)
{
  runtime   t = {.ops = ops, .ctx = ctx, .B = plan->group_size};
  const int n = plan->n_groups * plan->group_size;
  int       rank, size, rc, *owner = NULL;

  *stopped = 0;
  if ((rc = MPI_Comm_rank(comm, &rank)) || (rc = MPI_Comm_size(comm, &size))) return rc;
  if (!plan->dynamic) {
    if (!(owner = malloc(sizeof *owner * (size_t)(n > 0 ? n : 1))) || hc_parallel_partition(n, plan->cost, size, owner)) {
      free(owner);
      return MPI_ERR_NO_MEM;
    }
  }
  rc = hc_parallel_sched_create(comm, plan->dynamic, n, t.B, owner, &t.sched);
  free(owner);
  if (rc || (rc = hc_parallel_stream_create(comm, ops->collect, ctx, &t.stream)) ||
      (rc = hc_parallel_blocks_create(comm, take_block, &t, &t.xb)))
    return rc;
  /* with many ranks (dynamic schedule), rank 0 takes no units: it handles the records as they
   * arrive, which would otherwise pile up behind its own units */
  rc = work(&t, rank, rank == 0 && plan->dynamic && size > plan->collector_only_ranks);
  drop_all(&t);
  if (rc || (rc = hc_parallel_blocks_destroy(&t.xb))) return rc;

  hc_perf mine = {.rank = rank};
  ops->perf(ctx, &mine);
  if (ops->gather) ops->gather(ctx, 1);
  rc = hc_parallel_stream_finish(&t.stream, &mine, perf);
  if (ops->gather) ops->gather(ctx, 0);
  if (rc || (rc = hc_parallel_sched_stopped(t.sched, stopped)) ||
      (rc = MPI_Allreduce(MPI_IN_PLACE, stopped, 1, MPI_INT, MPI_MAX, comm)))
    return rc;
  return hc_parallel_sched_destroy(&t.sched);
}
