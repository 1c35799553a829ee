/**
 * @file test_runtime.c
 * @brief MPI test of the runtime of a job (hc_parallel_run) with callbacks that stand in for the
 *        pipeline: under the dynamic and the static schedule, with groups of one unit and of
 *        three blocks, and with rank 0 only collecting, every unit runs exactly once, every
 *        group's blocks reach its owner intact and in block order, every group's record reaches
 *        the collector exactly once, and every perf row arrives; a stop asked by one rank stops
 *        every rank (*stopped = 1 everywhere) and no group's record arrives twice or incomplete.
 * Plain MPI program: run under `mpirun -n 1|2|4`; exit code 0 when every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "hpcast/core.h"
#include "hpcast/parallel.h"
#include "mpi_check.h"

#define MAX_UNITS 6000


typedef struct {
  int rank, B, asks_stop; /* asks_stop: this rank asks every rank to stop at its first unit boundary */
  int ran[MAX_UNITS];      /* units this rank ran */
  int seen[MAX_UNITS];     /* rank 0: records received per group */
  int n_ran, n_finished, gather_open, gather_pairs, perf_asked;
} state;

/* A record of group g: ticker "G<g>", n_obs g, mean[0] = v, one /units row of this rank. */
static void record(state *s, hc_result *r, int g, int block, double v)
{
  char        name[HC_NAME_LEN];
  hc_unit_row ur = {.block = block, .rank = s->rank, .n_specs = 1};
  snprintf(name, sizeof name, "G%04d", g);
  hc_result_init(r, name, 2);
  r->n_obs   = g;
  r->mean[0] = v;
  hc_result_add_unit(r, &ur);
}

/* A unit takes 0.2 ms, so that a stop finds units left to run. */
static void work(void) { nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL); }

static int run_unit(void *ctx, int g, hc_result *r)
{
  state *s = ctx;
  work();
  s->ran[g]++;
  s->n_ran++;
  record(s, r, g, 0, g);
  return 0;
}

static int run_block(void *ctx, int g, int b, hc_result *whole, hc_result *first)
{
  state *s = ctx;
  work();
  s->ran[g * s->B + b]++;
  s->n_ran++;
  record(s, whole, g, b, 100.0 * g + b);
  record(s, first, g, b, -(100.0 * g + b));
  return 0;
}

static int finish_group(void *ctx, int g, int B, const hc_result *blocks, hc_result *r)
{
  state *s = ctx;
  CHECK(B == s->B, "finish_group gets %d blocks (want %d)", B, s->B);
  CHECK(blocks[0].units[0].rank == s->rank, "group %d: its owner %d ran its first unit (ran on %d)", g, s->rank, blocks[0].units[0].rank);
  for (int b = 0; b < B; b++) {
    CHECK(blocks[b].n_obs == g && blocks[b].mean[0] == 100.0 * g + b, "group %d: whole record of block %d intact", g, b);
    CHECK(blocks[B + b].n_obs == g && blocks[B + b].mean[0] == -(100.0 * g + b), "group %d: first record of block %d intact", g, b);
  }
  record(s, r, g, -1, g);
  for (int b = 0; b < B; b++) hc_result_add_unit(r, &blocks[b].units[0]);
  s->n_finished++;
  return 0;
}

static int collect(void *ctx, int from, int n, hc_result *r)
{
  state *s = ctx;
  for (int i = 0; i < n; i++) {
    const int g = r[i].n_obs;
    char      want[HC_NAME_LEN];
    snprintf(want, sizeof want, "G%04d", g);
    CHECK(g >= 0 && g < MAX_UNITS && !strcmp(r[i].ticker, want) && r[i].mean[0] == g, "record of group %d arrives intact", g);
    CHECK(r[i].n_units == (s->B == 1 ? 1 : s->B + 1), "record of group %d has its %d units (has %d)", g, s->B == 1 ? 1 : s->B + 1, r[i].n_units);
    CHECK(s->B > 1 || r[i].units[0].rank == from, "group %d comes from the rank that ran it", g);
    if (g >= 0 && g < MAX_UNITS) s->seen[g]++;
    hc_result_free(&r[i]);
  }
  return 0;
}

static int should_stop(void *ctx)
{
  state *s = ctx;
  return s->asks_stop;
}

static void gather(void *ctx, int begin)
{
  state *s = ctx;
  CHECK(s->gather_open != begin, "gather begin/end alternate");
  s->gather_open = begin;
  s->gather_pairs += !begin;
}

static void perf(void *ctx, hc_perf *mine)
{
  state *s = ctx;
  s->perf_asked++;
  mine->n_units   = s->n_ran;
  mine->n_tickers = s->B == 1 ? s->n_ran : s->n_finished;
}

static const hc_run_ops ops = {.run_unit = run_unit, .run_block = run_block, .finish_group = finish_group, .collect = collect,
                               .should_stop = should_stop, .gather = gather, .perf = perf};

/* One run of n_groups groups of B units; stop_rank >= 0: that rank asks to stop at once. */
static void run(int rank, int size, int dynamic, int n_groups, int B, int collector_only_ranks, int stop_rank)
{
  static state s;
  double      *cost = malloc(sizeof *cost * (size_t)n_groups * B);
  hc_perf     *all  = malloc(sizeof *all * (size_t)size);
  int          stopped = -1;
  char         what[128];
  snprintf(what, sizeof what, "%s, %d groups of %d, collector only above %d ranks%s", dynamic ? "dynamic" : "static", n_groups, B,
           collector_only_ranks, stop_rank >= 0 ? ", stop" : "");
  memset(&s, 0, sizeof s);
  s.rank       = rank;
  s.B          = B;
  s.asks_stop  = rank == stop_rank;
  for (int i = 0; i < n_groups * B; i++) cost[i] = 1.0 + (i * 7919 % 13);
  hc_run_plan plan = {.dynamic = dynamic, .n_groups = n_groups, .group_size = B, .cost = cost, .collector_only_ranks = collector_only_ranks};
  CHECK(hc_parallel_run(MPI_COMM_WORLD, &plan, &ops, &s, all, &stopped) == MPI_SUCCESS, "%s: hc_parallel_run", what);
  CHECK(s.perf_asked == 1, "%s: perf asked once (%d)", what, s.perf_asked);
  CHECK(!s.gather_open && s.gather_pairs >= 1, "%s: gather begin/end pairs (%d)", what, s.gather_pairs);
  CHECK(stopped == (stop_rank >= 0), "%s: *stopped = %d on rank %d", what, stopped, rank);
  if (dynamic && size > collector_only_ranks && rank == 0)
    CHECK(s.n_ran == 0, "%s: rank 0 only collects (ran %d units)", what, s.n_ran);

  int *ran = s.ran, total_ran = 0;
  MPI_Allreduce(MPI_IN_PLACE, ran, n_groups * B, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  for (int i = 0; i < n_groups * B; i++) {
    total_ran += ran[i];
    if (stop_rank < 0) CHECK(ran[i] == 1, "%s: unit %d ran %d times", what, i, ran[i]);
    else CHECK(ran[i] <= 1, "%s: unit %d ran %d times", what, i, ran[i]);
  }
  if (rank == 0) {
    int received = 0, units = 0;
    for (int g = 0; g < n_groups; g++) {
      received += s.seen[g];
      if (stop_rank < 0) CHECK(s.seen[g] == 1, "%s: group %d received %d times", what, g, s.seen[g]);
      else CHECK(s.seen[g] <= 1, "%s: group %d received %d times", what, g, s.seen[g]);
    }
    if (stop_rank >= 0) CHECK(received < n_groups, "%s: the stop left groups to run (%d of %d received)", what, received, n_groups);
    for (int r = 0; r < size; r++) {
      CHECK(all[r].rank == r, "%s: perf row %d", what, r);
      units += all[r].n_units;
    }
    CHECK(units == total_ran, "%s: the perf rows count every unit run (%d, ran %d)", what, units, total_ran);
  }
  free(cost);
  free(all);
}

int main(int argc, char **argv)
{
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int dynamic = 0; dynamic < 2; dynamic++)
    for (int B = 1; B <= 3; B += 2) {
      run(rank, size, dynamic, 23, B, HC_COLLECTOR_ONLY_RANKS, -1);
      run(rank, size, dynamic, 0, B, HC_COLLECTOR_ONLY_RANKS, -1); /* nothing to do */
      if (dynamic && size > 1) run(rank, size, dynamic, 23, B, 1, -1);
      run(rank, size, dynamic, MAX_UNITS / B, B, HC_COLLECTOR_ONLY_RANKS, size - 1);
    }
  const int rc = mpi_check_result("test_runtime");
  MPI_Finalize();
  return rc;
}
