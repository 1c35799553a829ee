/**
 * @file schedule.c
 * @brief Work-unit scheduling without a busy master: a shared counter and a stop flag in an
 *        MPI-3 one-sided window on rank 0 (MPI_Fetch_and_op, passive target), and the
 *        static LPT alternative. Units are indices 0..n-1 into the caller's list, in the order of
 *        hc_parallel_dispatch_order for the dynamic schedule.
 *
 * Dynamic self-scheduling (its last units largest first, hc_parallel_dispatch_order): Hummel, Schonberg &
 * Flynn (1992) "Factoring: a method for scheduling parallel loops", Commun. ACM 35(8);
 * the atomic counter follows the MPI-3.1 standard sec. 11.3.4 (MPI_Fetch_and_op) and
 * sec. 11.5.3 (passive target synchronisation with MPI_Win_lock).
 */
#include "hpcast/parallel.h"

#include <errno.h>
#include <stdlib.h>

struct hc_sched {
  MPI_Comm comm;
  MPI_Win  win;
  long    *base;     /* on rank 0: [0] next unit, [1] stop flag, [2 + g] owner of group g (-1: none yet) */
  int      dynamic;
  int      n;        /* units */
  int      group;    /* units per group (consecutive) */
  int     *owner;    /* static: the owner of every unit */
  int     *mine;     /* static: this rank's units, in order */
  int      n_mine, next_mine;
};

int hc_parallel_sched_create(MPI_Comm comm, int dynamic, int n, int group, const int *owner, hc_sched **out)
{
  int       rank, rc;
  hc_sched *s = calloc(1, sizeof *s);
  if (!s) return MPI_ERR_NO_MEM;
  if ((rc = MPI_Comm_rank(comm, &rank))) goto fail;
  s->comm    = comm;
  s->dynamic = dynamic;
  s->n       = n;
  s->group   = group > 0 ? group : 1;
  const MPI_Aint words = 2 + (dynamic && s->group > 1 ? n / s->group : 0);
  if ((rc = MPI_Win_allocate(rank == 0 ? words * (MPI_Aint)sizeof(long) : 0, sizeof(long), MPI_INFO_NULL, comm, &s->base, &s->win)))
    goto fail;
  if (rank == 0) {
    if ((rc = MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, s->win))) goto fail;
    s->base[0] = 0;
    s->base[1] = 0;
    for (MPI_Aint g = 2; g < words; g++) s->base[g] = -1;
    if ((rc = MPI_Win_unlock(0, s->win))) goto fail;
  }
  if (!dynamic) {
    s->mine  = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    s->owner = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!s->mine || !s->owner) {
      rc = MPI_ERR_NO_MEM;
      goto fail;
    }
    for (int i = 0; i < n; i++) {
      s->owner[i] = owner[i];
      if (owner[i] == rank) s->mine[s->n_mine++] = i;
    }
  }
  if ((rc = MPI_Barrier(comm))) goto fail; /* the counter is initialised before anyone takes a unit */
  *out = s;
  return MPI_SUCCESS;
fail:
  free(s->mine);
  free(s->owner);
  free(s);
  return rc;
}

/* Atomic fetch-and-op on word `which` of rank 0's window. */
static int fetch_op(hc_sched *s, int which, long add, MPI_Op op, long *old)
{
  int rc = MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, s->win);
  if (rc) return rc;
  rc = MPI_Fetch_and_op(&add, old, MPI_LONG, 0, which, op, s->win);
  int rc2 = MPI_Win_unlock(0, s->win);
  return rc ? rc : rc2;
}

int hc_parallel_sched_next(hc_sched *s, int *unit)
{
  long stop, next;
  int  rank, rc = fetch_op(s, 1, 0, MPI_NO_OP, &stop);
  *unit   = -1;
  if (rc || stop) return rc;
  if (!s->dynamic) {
    if (s->next_mine < s->n_mine) *unit = s->mine[s->next_mine++];
    return MPI_SUCCESS;
  }
  if ((rc = fetch_op(s, 0, 1, MPI_SUM, &next))) return rc;
  if (next >= s->n) return MPI_SUCCESS;
  *unit = (int)next;
  if (s->group > 1 && next % s->group == 0) { /* the first unit of a group: this rank owns the group */
    long me, old;
    if ((rc = MPI_Comm_rank(s->comm, &rank))) return rc;
    me = rank;
    return fetch_op(s, 2 + (int)(next / s->group), me, MPI_REPLACE, &old);
  }
  return MPI_SUCCESS;
}

int hc_parallel_sched_owner(hc_sched *s, int unit, int *owner)
{
  const int first = unit - unit % s->group;
  long      o     = -1;
  if (!s->dynamic) {
    *owner = s->owner[first];
    return MPI_SUCCESS;
  }
  if (s->group == 1) return MPI_Comm_rank(s->comm, owner); /* a group of one unit: the rank that took it */
  /* the runner of the group's first unit publishes itself right after taking it, and the
   * first unit is always taken before the others: this wait is short */
  for (int rc; o < 0;)
    if ((rc = fetch_op(s, 2 + unit / s->group, 0, MPI_NO_OP, &o))) return rc;
  *owner = (int)o;
  return MPI_SUCCESS;
}

int hc_parallel_sched_exhausted(hc_sched *s, int *exhausted)
{
  long stop, next = s->n;
  int  rc = fetch_op(s, 1, 0, MPI_NO_OP, &stop);
  if (!rc && !stop && s->dynamic) rc = fetch_op(s, 0, 0, MPI_NO_OP, &next);
  *exhausted = stop || next >= s->n || !s->dynamic;
  return rc;
}

int hc_parallel_sched_request_stop(hc_sched *s)
{
  long old;
  return fetch_op(s, 1, 1, MPI_REPLACE, &old);
}

int hc_parallel_sched_stopped(hc_sched *s, int *stopped)
{
  long stop;
  int  rc  = fetch_op(s, 1, 0, MPI_NO_OP, &stop);
  *stopped = rc ? 0 : stop != 0;
  return rc;
}

int hc_parallel_sched_destroy(hc_sched **s)
{
  if (!*s) return MPI_SUCCESS;
  int rc = MPI_Win_free(&(*s)->win);
  free((*s)->mine);
  free((*s)->owner);
  free(*s);
  *s = NULL;
  return rc;
}
