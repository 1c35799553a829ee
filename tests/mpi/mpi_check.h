/**
 * @file mpi_check.h
 * @brief The check of the MPI test programs: CHECK(cond, fmt, ...) prints the failed line and
 *        counts it in `fails`; mpi_check_result() sums the counts over the ranks, prints the
 *        verdict on rank 0 and gives the exit status.
 */
#ifndef HPCAST_TESTS_MPI_CHECK_H
#define HPCAST_TESTS_MPI_CHECK_H

#include <mpi.h>
#include <stdio.h>

static int fails;
#define CHECK(c, ...)                                                                                 \
  do {                                                                                                \
    if (!(c)) {                                                                                       \
      fprintf(stderr, "FAIL line %d: ", __LINE__), fprintf(stderr, __VA_ARGS__), fputc('\n', stderr); \
      fails++;                                                                                        \
    }                                                                                                 \
  } while (0)

/* Collective on MPI_COMM_WORLD: 0 if no rank failed a check, else 1. */
static inline int mpi_check_result(const char *name)
{
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Allreduce(MPI_IN_PLACE, &fails, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s on %d ranks: %s\n", name, size, fails ? "FAILED" : "ok");
  return fails ? 1 : 0;
}

#endif
