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

#endif
