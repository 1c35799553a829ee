/**
 * @file parallel.h
 * @brief Work distribution and movement of result records between MPI ranks.
 *
 * parallel moves records; it knows nothing of what a model is. Functions return
 * MPI error codes (MPI_SUCCESS on success) so the caller can wrap them in PetscCallMPI.
 */
#ifndef HPCAST_PARALLEL_H
#define HPCAST_PARALLEL_H

#include <mpi.h>
#include "hpcast/core.h"

/**
 * Partition n work items with costs cost[n] over n_ranks by the LPT rule (longest
 * processing time first onto the least-loaded rank; Graham 1969, SIAM J. Appl. Math.
 * 17(2):416-429, makespan <= 4/3 of optimal). Ties are broken by item index and rank
 * number, so every rank computes the same owner[n] from the same input. Not collective.
 * @return 0, or ENOMEM.
 */
int hc_parallel_partition(int n, const double *cost, int n_ranks, int *owner);

#define HC_DISPATCH_LAST_FRACTION 0.05 /**< least share of the total cost in the last block */
#define HC_DISPATCH_LAST_ROUNDS   8.0  /**< least cost of the last block, in n_ranks x the largest unit */

/**
 * Dispatch order of the dynamic schedule. The n groups (a ticker's units) are given in name
 * order with their a-priori costs gcost[n] (>= 0); umax is the largest cost of one unit.
 * order[n] receives the group indices to hand out: the groups in name order, then the last
 * block, i.e. the shortest name-order suffix whose cost is at least
 * max(HC_DISPATCH_LAST_FRACTION x total, HC_DISPATCH_LAST_ROUNDS x n_ranks x umax), in decreasing
 * cost (ties by name). Self-scheduling balances the ranks when the last units taken are small
 * against each rank's share (Hummel, Schonberg & Flynn 1992, Commun. ACM 35(8)): the last block
 * in decreasing cost gives that, as LPT over the whole list would. Before it, name order keeps
 * the records' arrival rate at rank 0 steady (LPT hands every rank its cheapest units at the
 * same time, a burst that a collector near its capacity queues: docs/scaling.md) and their
 * arrival close to name order, in which the report's tables are written. A small universe on
 * many ranks is all last block, i.e. LPT order. Deterministic (every rank computes the same
 * order). Not collective.
 * @return 0, or ENOMEM.
 */
int hc_parallel_dispatch_order(int n, const double *gcost, double umax, int n_ranks, int *order);

/**
 * Gather result records to rank 0. Collective on comm.
 * On rank 0, *all receives a newly allocated array of *n_all records (every rank's
 * records, in rank order; free each with hc_result_free and the array with free());
 * on other ranks *all = NULL and *n_all = 0.
 * @return MPI_SUCCESS, an MPI error code, or MPI_ERR_NO_MEM / MPI_ERR_COUNT if the
 *         packed records exceed memory or the 2 GiB limit of one MPI message.
 */
int hc_parallel_gather_results(MPI_Comm comm, int n_local, const hc_result *local, int *n_all, hc_result **all);

/** Gather one hc_perf per rank into all[size] on rank 0 (all may be NULL elsewhere). Collective. */
int hc_parallel_gather_perf(MPI_Comm comm, const hc_perf *mine, hc_perf *all);

/** Scheduler of work units over the ranks of a communicator (schedule.c). */
typedef struct hc_sched hc_sched;

/**
 * Create the scheduler of n units, indices 0..n-1 in the caller's order (hc_parallel_dispatch_order
 * for the dynamic schedule). dynamic = 1: every rank takes the next unit from a shared counter
 * (MPI-3 one-sided MPI_Fetch_and_op on a window of rank 0, passive target: no busy master);
 * dynamic = 0: rank r runs the units i with owner[i] == r in increasing i (owner from
 * hc_parallel_partition; may be NULL when dynamic). A stop flag in the same window lets any
 * rank stop every rank at its next unit boundary. Units come in groups of `group`
 * consecutive units (n a multiple of group; 1: no groups): the rank that takes a group's first
 * unit owns the group (dynamic: it publishes itself in the window, one word per group on
 * rank 0), see hc_parallel_sched_owner. Collective on comm.
 * @return MPI_SUCCESS or an MPI error code (MPI_ERR_NO_MEM).
 */
int hc_parallel_sched_create(MPI_Comm comm, int dynamic, int n, int group, const int *owner, hc_sched **s);
/** The owner of the group of `unit` (a unit this rank has taken): static, the rank of the group's
 * first unit; dynamic, the rank that took it (read from the window; waits the moment it may take
 * that rank to publish itself). Not collective. @return MPI_SUCCESS or an MPI error code. */
int hc_parallel_sched_owner(hc_sched *s, int unit, int *owner);
/** The next unit of this rank into *unit, or -1 when none is left or a stop was requested.
 * Not collective (one-sided). @return MPI_SUCCESS or an MPI error code. */
int hc_parallel_sched_next(hc_sched *s, int *unit);
/** *exhausted = 1 once every unit has been taken (dynamic) or a stop was requested; always 1 for
 * the static schedule. Lets a rank that takes no units (rank 0 collecting for many ranks) know
 * when to stop waiting. Not collective (one-sided). */
int hc_parallel_sched_exhausted(hc_sched *s, int *exhausted);
/** Ask every rank to stop at its next unit boundary (e.g. on SIGTERM/SIGUSR1). Not collective. */
int hc_parallel_sched_request_stop(hc_sched *s);
/** *stopped = 1 if some rank requested a stop. Not collective. */
int hc_parallel_sched_stopped(hc_sched *s, int *stopped);
/** Free the window. Collective on the communicator of the scheduler. */
int hc_parallel_sched_destroy(hc_sched **s);

/* ---- streaming result records to rank 0 (stream.c) ---- */

/** Rank 0's handler of one batch of n records from `rank` (the callee owns and frees them). */
typedef int (*hc_stream_sink)(void *ctx, int rank, int n, hc_result *records);
/** Result stream from every rank to rank 0. */
typedef struct hc_stream hc_stream;

/** Create the stream on every rank of comm; sink and ctx are used on rank 0 only. Not collective. */
int hc_parallel_stream_create(MPI_Comm comm, hc_stream_sink sink, void *ctx, hc_stream **st);
/**
 * Send n records to rank 0 as one packed batch (tag 1); on rank 0 the sink gets copies
 * directly. At most 8 batches per rank are in flight (beyond that the oldest send is completed
 * first), so the memory a rank holds for the stream is bounded by 8 packed batches, whatever
 * the universe size. Not collective.
 * @return MPI_SUCCESS, an MPI error, MPI_ERR_NO_MEM, or (rank 0) the sink's nonzero return.
 */
int hc_parallel_stream_send(hc_stream *st, int n, const hc_result *records);
/** Rank 0: pass every batch that has already arrived to the sink (non-blocking). Others: nothing. */
int hc_parallel_stream_poll(hc_stream *st);
/**
 * End of the stream, then free it. Other ranks: complete the pending batch and send `mine`
 * (tag 2). Rank 0: receive batches until every other rank has sent its perf row; perf[size]
 * receives one row per rank. Collective on comm.
 */
int hc_parallel_stream_finish(hc_stream **st, const hc_perf *mine, hc_perf *perf);

/* ---- blocks of a ticker's model grid to the ticker's owner (blocks.c) ---- */

/** The owner's handler of one block message: the whole-sample and first-window records of
 * block `block` of group `group` (the callee owns them and frees them with hc_result_free). */
typedef int (*hc_blocks_sink)(void *ctx, int group, int block, hc_result *whole, hc_result *first);
/** Exchange of grid blocks between the ranks. */
typedef struct hc_blocks hc_blocks;

/** Create the exchange on every rank of comm; the sink receives the blocks sent to this rank. Not collective. */
int hc_parallel_blocks_create(MPI_Comm comm, hc_blocks_sink sink, void *ctx, hc_blocks **b);
/**
 * Send one block (packed whole and first records, tag 3) to rank dest (this rank included) with
 * a non-blocking send that never waits for the receiver, so two ranks sending to each other
 * cannot block each other. Not collective.
 * @return MPI_SUCCESS, an MPI error, MPI_ERR_NO_MEM or MPI_ERR_COUNT (> 2 GiB).
 */
int hc_parallel_blocks_send(hc_blocks *b, int dest, int group, int block, const hc_result *whole, const hc_result *first);
/** Hand every block that has arrived to the sink and free completed sends (non-blocking). Not collective. */
int hc_parallel_blocks_poll(hc_blocks *b);
/**
 * End of the exchange, non-blocking: call repeatedly (after this rank's last send) until *done.
 * The first call starts an MPI_Ialltoall of the number of blocks each rank sent to each rank;
 * *done = 1 once it has completed, every block addressed to this rank has reached the sink and
 * every send of this rank has completed. Collective on comm (every rank must call it).
 */
int hc_parallel_blocks_end(hc_blocks *b, int *done);
/** Free the exchange (completes any send still in flight). Not collective. */
int hc_parallel_blocks_destroy(hc_blocks **b);

/* ---- the runtime of a job: units over the ranks, blocks to their owner, records to rank 0 (runtime.c) ---- */

/**
 * Above this many ranks (dynamic schedule) rank 0 runs no unit and only collects: a collector
 * that spends ~1 ms of its own work per record (hpcast's journal append and, before its /fits
 * table, the record's /fits groups; scaling/bench_report) beside ~1 s units would spend a tenth of its time on records at 64
 * ranks, and the records would queue behind its units (docs/scaling.md). The default of
 * hc_run_plan.collector_only_ranks.
 */
#define HC_COLLECTOR_ONLY_RANKS 64

/**
 * The work of a job as hc_parallel_run sees it: n_groups groups (e.g. tickers) of group_size
 * consecutive units each (unit u = group * group_size + block), in the order they are handed
 * out (hc_parallel_dispatch_order for the dynamic schedule).
 */
typedef struct {
  int           dynamic;              /**< 1: shared counter (hc_parallel_sched_create); 0: static LPT partition of cost */
  int           n_groups;             /**< groups to run (>= 0) */
  int           group_size;           /**< units per group (>= 1); > 1: the blocks of a group are reduced on its owner */
  const double *cost;                 /**< [n_groups * group_size] a-priori cost of each unit (read by the static schedule) */
  int           collector_only_ranks; /**< dynamic on more ranks than this: rank 0 only collects (HC_COLLECTOR_ONLY_RANKS) */
} hc_run_plan;

/**
 * What a unit computes and what becomes of its record: the caller's side of hc_parallel_run,
 * which knows units, groups and records only. Every callback gets the ctx given to
 * hc_parallel_run and is called on the calling rank only (none is collective). A callback
 * that returns nonzero ends hc_parallel_run at once with that value, before its collective
 * end: the caller is expected to give up the job (abort).
 */
typedef struct {
  /** group_size 1: run group `group` (its one unit) into *r, initialised by the callee; the
   * runtime streams it to the collector and frees it. On error *r is not touched. */
  int (*run_unit)(void *ctx, int group, hc_result *r);
  /** group_size B > 1: run block `block` of group `group` into *whole and *first (two records,
   * initialised by the callee); the runtime sends them to the group's owner and frees them. */
  int (*run_block)(void *ctx, int group, int block, hc_result *whole, hc_result *first);
  /** group_size B > 1, on the group's owner once every block of it has arrived: reduce
   * blocks[2 B] (the whole records of blocks 0..B-1, then their first records, in block order;
   * the runtime frees them afterwards) into *r, initialised by the callee; the runtime streams
   * it to the collector and frees it. Not called for the groups of a stopped run. */
  int (*finish_group)(void *ctx, int group, int n_blocks, const hc_result *blocks, hc_result *r);
  /** The collector (rank 0): a batch of records has arrived (hc_stream_sink; it owns and frees
   * them; a nonzero return is an MPI error code). */
  hc_stream_sink collect;
  /** Nonzero: ask every rank to stop at its next unit boundary (e.g. a signal was caught).
   * Asked at every unit boundary; may be NULL (never). */
  int (*should_stop)(void *ctx);
  /** Rank 0, at every unit boundary (and about every 0.1 ms while it only collects): a chance
   * to report progress (the callee limits its own rate). May be NULL. */
  void (*progress)(void *ctx);
  /** Called with begin = 1 and then 0 around each send of a record to the collector and
   * around the final gather (for profiling, e.g. a PETSc log event). May be NULL. */
  void (*gather)(void *ctx, int begin);
  /** This rank's /perf row: *mine comes zeroed with its rank set, the callee fills the rest.
   * Asked once on every rank, after its last unit and before the final gather. */
  void (*perf)(void *ctx, hc_perf *mine);
} hc_run_ops;

/**
 * Run the units of `plan` over the ranks of comm, the records of finished groups streamed to
 * rank 0 (the collector), until every unit has run or a stop was requested.
 *
 * Units are handed out by the scheduler (hc_parallel_sched_create: plan->dynamic, or the LPT
 * partition of plan->cost; hc_parallel_partition). A rank runs its next unit with ops->run_unit
 * (group_size 1), whose record goes to rank 0 (hc_parallel_stream_send), or ops->run_block,
 * whose two records go to the group's owner, the rank that took the group's first unit
 * (hc_parallel_blocks_send); between units a rank first finishes the groups it owns whose
 * blocks are all in (ops->finish_group; the group's record goes to rank 0). Rank 0 hands each
 * batch of records to ops->collect, between its own units; on the dynamic schedule with more
 * than plan->collector_only_ranks ranks it runs no unit and only collects. After the last unit
 * the blocks still in flight are received and their groups finished (hc_parallel_blocks_end),
 * then every rank's ops->perf row is gathered into perf[] on rank 0 with the last records
 * (hc_parallel_stream_finish).
 *
 * Stop protocol: a rank whose ops->should_stop returns nonzero at a unit boundary asks every
 * rank to stop (hc_parallel_sched_request_stop); every rank then takes no further unit and
 * finishes no further group (the blocks of unfinished groups are dropped: the caller runs those
 * groups again), and *stopped = 1 on every rank. Each finished group's record has reached
 * ops->collect before hc_parallel_run returns, stopped or not.
 *
 * Collective on comm. perf: [size of comm] on rank 0, may be NULL elsewhere. *stopped: 1 if
 * some rank asked to stop, else 0 (the same on every rank).
 * @return MPI_SUCCESS; an MPI error code (MPI_ERR_NO_MEM: out of memory; a nonzero return of
 *         ops->collect on rank 0); or the nonzero return of another callback, unchanged. After
 *         an error the job cannot continue (the collective end has not run).
 */
int hc_parallel_run(MPI_Comm comm, const hc_run_plan *plan, const hc_run_ops *ops, void *ctx, hc_perf *perf, int *stopped);

#endif
