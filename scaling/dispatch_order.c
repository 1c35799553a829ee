/**
 * @file dispatch_order.c
 * @brief The dynamic schedule's dispatch order (hc_parallel_dispatch_order, src/parallel/
 *        partition.c) as a filter, so that scaling/model.py simulates the driver's schedule with
 *        the driver's own code instead of a copy of it.
 *
 * Input (stdin, text, whitespace-separated): n n_ranks umax, then gcost[0..n-1]: the a-priori
 * costs of the n tickers (groups of units) in name order and the largest cost of one unit, as
 * src/app/driver.c passes them (print the costs with 17 significant digits to pass them exactly).
 * Output (stdout): order[0..n-1], one group index per line, the order the groups are handed out.
 * Exit status: 0; 1 on malformed input or out of memory (message on stderr). Not collective
 * (no MPI call).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hpcast/parallel.h"

int main(void)
{
  int    n, n_ranks;
  double umax;
  if (scanf("%d %d %lf", &n, &n_ranks, &umax) != 3 || n < 0 || n_ranks < 1 || !(umax >= 0)) {
    fprintf(stderr, "dispatch_order: expected 'n n_ranks umax' (n >= 0, n_ranks >= 1, umax >= 0) on stdin\n");
    return 1;
  }
  double *gcost = malloc((size_t)(n ? n : 1) * sizeof *gcost);
  int    *order = malloc((size_t)(n ? n : 1) * sizeof *order);
  int     rc    = 0;
  for (int g = 0; gcost && !rc && g < n; g++)
    if (scanf("%lf", &gcost[g]) != 1 || !(gcost[g] >= 0)) {
      fprintf(stderr, "dispatch_order: cost %d of %d missing or not a number >= 0\n", g, n);
      rc = 1;
    }
  if (!rc && (!gcost || !order || hc_parallel_dispatch_order(n, gcost, umax, n_ranks, order) == ENOMEM)) {
    fprintf(stderr, "dispatch_order: out of memory\n");
    rc = 1;
  }
  for (int k = 0; !rc && k < n; k++) printf("%d\n", order[k]);
  free(gcost);
  free(order);
  return rc;
}
