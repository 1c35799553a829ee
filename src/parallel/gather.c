/**
 * @file gather.c
 * @brief Gather of packed result records and per-rank performance rows to rank 0.
 */
#include "hpcast/parallel.h"

#include <limits.h>
#include <stdlib.h>

int hc_parallel_gather_results(MPI_Comm comm, int n_local, const hc_result *local, int *n_all, hc_result **all)
{
  int rank, size, err;
  *n_all = 0;
  *all   = NULL;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);

  size_t bytes = 0;
  for (int i = 0; i < n_local; i++) bytes += hc_result_packed_size(&local[i]);
  int  too_big = bytes > (size_t)INT_MAX, any_too_big;
  char *buf    = malloc(bytes ? bytes : 1);
  int  no_mem  = !buf, any_no_mem;
  if ((err = MPI_Allreduce(&too_big, &any_too_big, 1, MPI_INT, MPI_MAX, comm))) return err;
  if ((err = MPI_Allreduce(&no_mem, &any_no_mem, 1, MPI_INT, MPI_MAX, comm))) return err;
  if (any_too_big || any_no_mem) {
    free(buf);
    return any_no_mem ? MPI_ERR_NO_MEM : MPI_ERR_COUNT;
  }
  size_t off = 0;
  for (int i = 0; i < n_local; i++) off += hc_result_pack(&local[i], buf + off);

  int  mine[2] = {n_local, (int)bytes}, *counts = NULL, *displs = NULL;
  char *rbuf   = NULL;
  if (rank == 0) {
    counts = malloc(2 * (size_t)size * sizeof *counts);
    displs = malloc((size_t)size * sizeof *displs);
  }
  if ((err = MPI_Gather(mine, 2, MPI_INT, counts, 2, MPI_INT, 0, comm))) goto done;
  long long total = 0;
  int       ntot  = 0;
  if (rank == 0) {
    for (int r = 0; r < size; r++) {
      ntot += counts[2 * r];
      total += counts[2 * r + 1];
    }
    /* reuse the first half of counts for the byte counts */
    for (int r = 0; r < size; r++) counts[r] = counts[2 * r + 1];
    displs[0] = 0;
    for (int r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
    rbuf = total <= INT_MAX ? malloc(total ? (size_t)total : 1) : NULL;
  }
  int ok = rank != 0 || rbuf != NULL, all_ok;
  if ((err = MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm))) goto done;
  if (!all_ok) {
    err = MPI_ERR_NO_MEM;
    goto done;
  }
  if ((err = MPI_Gatherv(buf, (int)bytes, MPI_BYTE, rbuf, counts, displs, MPI_BYTE, 0, comm))) goto done;
  if (rank == 0) {
    hc_result *res = calloc((size_t)(ntot > 0 ? ntot : 1), sizeof *res);
    size_t     pos = 0;
    int        k   = 0;
    for (; res && k < ntot; k++) {
      size_t used = hc_result_unpack(&res[k], rbuf + pos, (size_t)total - pos);
      if (!used) break;
      pos += used;
    }
    if (!res || k < ntot) {
      for (int i = 0; res && i < k; i++) hc_result_free(&res[i]);
      free(res);
      err = MPI_ERR_TRUNCATE;
      goto done;
    }
    *all   = res;
    *n_all = ntot;
  }
done:
  free(buf);
  free(rbuf);
  free(counts);
  free(displs);
  return err;
}

int hc_parallel_gather_perf(MPI_Comm comm, const hc_perf *mine, hc_perf *all)
{
  return MPI_Gather(mine, (int)sizeof *mine, MPI_BYTE, all, (int)sizeof *mine, MPI_BYTE, 0, comm);
}
