/**
 * @file partition.c
 * @brief Static cost-based partition of work items over ranks (LPT rule), and the dispatch order
 *        of the dynamic schedule (name order with a cost-ordered last block).
 */
#include "hpcast/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

typedef struct {
  double cost;
  int    index;
} item;

static int by_cost_desc(const void *a, const void *b)
{
  const item *x = a, *y = b;
  if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
  return x->index - y->index;
}

int hc_parallel_partition(int n, const double *cost, int n_ranks, int *owner)
{
  item   *it   = malloc((size_t)(n > 0 ? n : 1) * sizeof *it);
  double *load = calloc((size_t)(n_ranks > 0 ? n_ranks : 1), sizeof *load);
  if (!it || !load) {
    free(it);
    free(load);
    return ENOMEM;
  }
  for (int i = 0; i < n; i++) it[i] = (item){cost[i], i};
  qsort(it, (size_t)n, sizeof *it, by_cost_desc);
  for (int k = 0; k < n; k++) {
    int r = 0;
    for (int j = 1; j < n_ranks; j++)
      if (load[j] < load[r]) r = j;
    owner[it[k].index] = r;
    load[r] += it[k].cost;
  }
  free(it);
  free(load);
  return 0;
}

int hc_parallel_dispatch_order(int n, const double *gcost, double umax, int n_ranks, int *order)
{
  double total = 0.0, tail = 0.0;
  for (int g = 0; g < n; g++) total += gcost[g];
  const double need = fmax(HC_DISPATCH_LAST_FRACTION * total, HC_DISPATCH_LAST_ROUNDS * (n_ranks > 0 ? n_ranks : 1) * umax);
  int          cut  = n; /* groups cut..n-1 form the last block */
  while (cut > 0 && tail < need) tail += gcost[--cut];
  item *it = malloc((size_t)(n - cut > 0 ? n - cut : 1) * sizeof *it);
  if (!it) return ENOMEM;
  for (int g = 0; g < cut; g++) order[g] = g;
  for (int g = cut; g < n; g++) it[g - cut] = (item){gcost[g], g};
  qsort(it, (size_t)(n - cut), sizeof *it, by_cost_desc);
  for (int k = 0; k < n - cut; k++) order[cut + k] = it[k].index;
  free(it);
  return 0;
}
