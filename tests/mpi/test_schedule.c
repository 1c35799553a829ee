/**
 * @file test_schedule.c
 * @brief MPI test of the work-unit scheduler (hc_parallel_sched_*) and the result stream
 *        (hc_parallel_stream_*): every unit is run exactly once under the dynamic and the
 *        static schedule; a stop requested by one rank stops every rank; every streamed
 *        record reaches rank 0 exactly once with its content, and every perf row arrives.
 * Plain MPI program: run under `mpirun -n 1|2|4`; exit code 0 when every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "hpcast/core.h"
#include "hpcast/parallel.h"
#include "mpi_check.h"

#define N_UNITS 37


typedef struct {
  int seen[N_UNITS];
  int from[N_UNITS];
} sink_state;

static int sink(void *ctx, int rank, int n, hc_result *r)
{
  sink_state *s = ctx;
  for (int i = 0; i < n; i++) {
    int u = r[i].n_obs;
    if (u >= 0 && u < N_UNITS) {
      s->seen[u]++;
      s->from[u] = rank;
      char want[HC_NAME_LEN];
      snprintf(want, sizeof want, "U%03d", u);
      CHECK(!strcmp(r[i].ticker, want) && r[i].mean[2] == 0.5 * u, "record %d arrives intact", u);
    }
    hc_result_free(&r[i]);
  }
  return 0;
}

int main(int argc, char **argv)
{
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double cost[N_UNITS];
  int    owner[N_UNITS];
  for (int i = 0; i < N_UNITS; i++) cost[i] = N_UNITS - i;
  hc_parallel_partition(N_UNITS, cost, size, owner);

  for (int dynamic = 0; dynamic < 2; dynamic++) {
    hc_sched  *s;
    hc_stream *st;
    sink_state state;
    memset(&state, 0, sizeof state);
    CHECK(hc_parallel_sched_create(MPI_COMM_WORLD, dynamic, N_UNITS, 1, owner, &s) == MPI_SUCCESS, "create");
    CHECK(hc_parallel_stream_create(MPI_COMM_WORLD, sink, &state, &st) == MPI_SUCCESS, "stream");
    int taken[N_UNITS] = {0}, u, mine = 0;
    while (hc_parallel_sched_next(s, &u) == MPI_SUCCESS && u >= 0) {
      hc_result r;
      char      name[HC_NAME_LEN];
      snprintf(name, sizeof name, "U%03d", u);
      hc_result_init(&r, name, 3);
      r.n_obs   = u;
      r.mean[2] = 0.5 * u;
      CHECK(hc_parallel_stream_send(st, 1, &r) == MPI_SUCCESS, "send");
      CHECK(hc_parallel_stream_poll(st) == MPI_SUCCESS, "poll");
      hc_result_free(&r);
      taken[u]++;
      mine++;
      if (!dynamic) CHECK(owner[u] == rank, "static unit %d runs on its owner %d (not %d)", u, owner[u], rank);
    }
    hc_perf me = {.rank = rank, .n_units = mine}, perf[64];
    CHECK(hc_parallel_stream_finish(&st, &me, perf) == MPI_SUCCESS, "finish");
    MPI_Allreduce(MPI_IN_PLACE, taken, N_UNITS, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    for (int i = 0; i < N_UNITS; i++) CHECK(taken[i] == 1, "%s: unit %d taken %d times", dynamic ? "dynamic" : "static", i, taken[i]);
    if (rank == 0) {
      int total = 0;
      for (int i = 0; i < N_UNITS; i++) CHECK(state.seen[i] == 1, "record %d received %d times", i, state.seen[i]);
      for (int r = 0; r < size; r++) {
        CHECK(perf[r].rank == r, "perf row %d", r);
        total += perf[r].n_units;
      }
      CHECK(total == N_UNITS, "perf rows count every unit (%d)", total);
    }
    int stopped;
    CHECK(hc_parallel_sched_stopped(s, &stopped) == MPI_SUCCESS && !stopped, "no stop requested");
    CHECK(hc_parallel_sched_destroy(&s) == MPI_SUCCESS, "destroy");
  }

  /* a stop requested by the last rank after its first unit: every rank stops */
  hc_sched *s;
  int       u, n_after = 0;
  hc_parallel_sched_create(MPI_COMM_WORLD, 1, 100000, 1, NULL, &s);
  CHECK(hc_parallel_sched_next(s, &u) == MPI_SUCCESS && u >= 0, "first unit");
  MPI_Barrier(MPI_COMM_WORLD); /* every rank has its first unit before the stop */
  if (rank == size - 1) hc_parallel_sched_request_stop(s);
  MPI_Barrier(MPI_COMM_WORLD);
  while (hc_parallel_sched_next(s, &u) == MPI_SUCCESS && u >= 0) n_after++;
  CHECK(n_after == 0, "rank %d took %d units after the stop", rank, n_after);
  int stopped;
  hc_parallel_sched_stopped(s, &stopped);
  CHECK(stopped, "every rank sees the stop");
  hc_parallel_sched_destroy(&s);

  const int rc = mpi_check_result("test_schedule");
  MPI_Finalize();
  return rc;
}
