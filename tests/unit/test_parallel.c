/**
 * @file test_parallel.c
 * @brief Unit tests of the LPT partition and the dispatch order of the parallel module (no MPI needed).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/parallel.h"

/** Small deterministic PRNG (xorshift64*), uniform in [0,1). */
static double rnd(uint64_t *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

/** Loads per rank of an assignment; returns the makespan. */
static double loads_of(int n, const double *cost, int size, const int *owner, double *load)
{
  for (int r = 0; r < size; r++) load[r] = 0;
  for (int i = 0; i < n; i++) load[owner[i]] += cost[i];
  double mx = 0;
  for (int r = 0; r < size; r++) mx = fmax(mx, load[r]);
  return mx;
}

/** Partition and check that every owner is in [0,size). */
static void partition_checked(int n, const double *cost, int size, int *owner)
{
  for (int i = 0; i < n; i++) owner[i] = -1;
  cr_assert_eq(hc_parallel_partition(n, cost, size, owner), 0);
  for (int i = 0; i < n; i++)
    cr_assert(owner[i] >= 0 && owner[i] < size, "owner[%d] = %d outside [0,%d)", i, owner[i], size);
}

/** Exact optimal makespan by exhaustive search (small n only). */
static double brute_opt(int n, const double *cost, int size)
{
  int    *a    = calloc((size_t)n, sizeof *a);
  double *load = calloc((size_t)size, sizeof *load);
  double  best = INFINITY;
  cr_assert(a && load);
  for (;;) {
    double mx = loads_of(n, cost, size, a, load);
    if (mx < best) best = mx;
    int i = 0;
    while (i < n && ++a[i] == size) a[i++] = 0;
    if (i == n) break;
  }
  free(a);
  free(load);
  return best;
}

Test(parallel, owners_in_range)
{
  uint64_t seed = 12345;
  const int sizes[] = {1, 2, 3, 7, 16, 64};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
    int     n     = 1000;
    double *cost  = malloc((size_t)n * sizeof *cost);
    int    *owner = malloc((size_t)n * sizeof *owner);
    for (int i = 0; i < n; i++) cost[i] = 1.0 + 100.0 * rnd(&seed);
    partition_checked(n, cost, sizes[s], owner);
    /* with many more items than ranks, every rank gets work */
    int *cnt = calloc((size_t)sizes[s], sizeof *cnt);
    for (int i = 0; i < n; i++) cnt[owner[i]]++;
    for (int r = 0; r < sizes[s]; r++) cr_assert_gt(cnt[r], 0, "rank %d of %d got nothing", r, sizes[s]);
    free(cnt);
    free(cost);
    free(owner);
  }
}

Test(parallel, deterministic)
{
  uint64_t seed = 987654321;
  int      n    = 500, size = 5;
  double   cost[500];
  int      o1[500], o2[500];
  for (int i = 0; i < n; i++) cost[i] = floor(10.0 * rnd(&seed)); /* many ties */
  partition_checked(n, cost, size, o1);
  partition_checked(n, cost, size, o2);
  cr_assert_eq(memcmp(o1, o2, sizeof o1), 0);
}

Test(parallel, lpt_small_by_hand)
{
  /* LPT on 2 ranks: 7->0, 6->1, 5->1 (11), 4->0 (11), 3->0 (tie, lowest rank: 14), 2->1 (13) */
  const double cost[6] = {7, 6, 5, 4, 3, 2};
  int          owner[6];
  double       load[2];
  partition_checked(6, cost, 2, owner);
  const int expect[6] = {0, 1, 1, 0, 0, 1};
  for (int i = 0; i < 6; i++) cr_assert_eq(owner[i], expect[i], "item %d on rank %d, expected %d", i, owner[i], expect[i]);
  loads_of(6, cost, 2, owner, load);
  cr_assert_eq(load[0], 14.0);
  cr_assert_eq(load[1], 13.0);

  /* the same costs in scrambled order give the same loads (the rule sorts by cost) */
  const double perm[6] = {3, 7, 2, 5, 6, 4};
  partition_checked(6, perm, 2, owner);
  double mx = loads_of(6, perm, 2, owner, load);
  cr_assert_eq(mx, 14.0);
  cr_assert_eq(fmin(load[0], load[1]), 13.0);
}

Test(parallel, lpt_classic_worst_case)
{
  /* Graham's tight example for m = 2: {3,3,2,2,2}; LPT gives 7, optimum 6 (= 7/6 <= 4/3 - 1/6). */
  const double cost[5] = {3, 3, 2, 2, 2};
  int          owner[5];
  double       load[2];
  partition_checked(5, cost, 2, owner);
  cr_assert_eq(loads_of(5, cost, 2, owner, load), 7.0);
  cr_assert_eq(brute_opt(5, cost, 2), 6.0);
}

Test(parallel, equal_costs_balanced)
{
  const int ns[]    = {1, 5, 10, 11, 12, 97};
  const int sizes[] = {1, 2, 3, 4, 8};
  for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
    for (size_t b = 0; b < sizeof sizes / sizeof *sizes; b++) {
      int     n = ns[a], size = sizes[b];
      double *cost  = malloc((size_t)n * sizeof *cost);
      int    *owner = malloc((size_t)n * sizeof *owner);
      int    *cnt   = calloc((size_t)size, sizeof *cnt);
      for (int i = 0; i < n; i++) cost[i] = 2.5;
      partition_checked(n, cost, size, owner);
      for (int i = 0; i < n; i++) cnt[owner[i]]++;
      int lo = n, hi = 0;
      for (int r = 0; r < size; r++) {
        lo = cnt[r] < lo ? cnt[r] : lo;
        hi = cnt[r] > hi ? cnt[r] : hi;
      }
      cr_assert_leq(hi - lo, 1, "n=%d size=%d: counts from %d to %d", n, size, lo, hi);
      /* ties by index then rank number: round robin */
      for (int i = 0; i < n; i++) cr_assert_eq(owner[i], i % size, "n=%d size=%d: owner[%d]=%d", n, size, i, owner[i]);
      free(cost);
      free(owner);
      free(cnt);
    }
}

Test(parallel, graham_bound_random)
{
  uint64_t seed = 42;
  for (int trial = 0; trial < 200; trial++) {
    int     size  = 1 + (int)(rnd(&seed) * 12);
    int     n     = 1 + (int)(rnd(&seed) * 300);
    double *cost  = malloc((size_t)n * sizeof *cost);
    int    *owner = malloc((size_t)n * sizeof *owner);
    double *load  = malloc((size_t)size * sizeof *load);
    double  total = 0, big = 0;
    for (int i = 0; i < n; i++) {
      /* heavy-tailed costs, like fit times of tickers of very different lengths */
      cost[i] = trial % 2 ? 1.0 + 99.0 * rnd(&seed) : exp(4.0 * rnd(&seed));
      total += cost[i];
      big = fmax(big, cost[i]);
    }
    partition_checked(n, cost, size, owner);
    double mk = loads_of(n, cost, size, owner, load);
    double lb = fmax(total / size, big); /* lower bound of the optimum */
    double sum = 0;
    for (int r = 0; r < size; r++) sum += load[r];
    cr_assert_float_eq(sum, total, 1e-9 * total, "items lost or duplicated");
    cr_assert_geq(mk, lb * (1 - 1e-12));
    /* list scheduling: the item that ends last started on the least-loaded rank */
    cr_assert_leq(mk, total / size + big * (1.0 - 1.0 / size) + 1e-9 * total,
                  "trial %d: makespan %g > total/size + max item (%g, %g)", trial, mk, total / size, big);
    /* Graham's LPT guarantee, checked against the lower bound of the optimum plus the largest item */
    cr_assert_leq(mk, 4.0 / 3.0 * lb + big, "trial %d: makespan %g, lower bound %g", trial, mk, lb);
    free(cost);
    free(owner);
    free(load);
  }
}

Test(parallel, graham_bound_exact_small)
{
  /* small instances with the optimum by exhaustive search: LPT <= (4/3 - 1/(3m)) OPT */
  uint64_t seed = 7;
  for (int trial = 0; trial < 120; trial++) {
    int    size = 2 + trial % 2;
    int    n    = 2 + (int)(rnd(&seed) * (size == 2 ? 11 : 8));
    double cost[16], load[3];
    int    owner[16];
    for (int i = 0; i < n; i++) cost[i] = trial % 3 ? floor(1 + 20 * rnd(&seed)) : 1 + 20 * rnd(&seed);
    partition_checked(n, cost, size, owner);
    double mk  = loads_of(n, cost, size, owner, load);
    double opt = brute_opt(n, cost, size);
    cr_assert_geq(mk, opt * (1 - 1e-12));
    cr_assert_leq(mk, (4.0 / 3.0 - 1.0 / (3.0 * size)) * opt * (1 + 1e-12),
                  "trial %d (n=%d, m=%d): LPT %g, optimum %g", trial, n, size, mk, opt);
  }
}

Test(parallel, more_ranks_than_items)
{
  const double cost[3] = {1, 5, 3};
  int          owner[3];
  partition_checked(3, cost, 8, owner);
  /* each item alone on a rank, largest first on rank 0 */
  cr_assert_eq(owner[1], 0);
  cr_assert_eq(owner[2], 1);
  cr_assert_eq(owner[0], 2);
}

Test(parallel, single_rank)
{
  uint64_t seed = 3;
  double   cost[50];
  int      owner[50];
  for (int i = 0; i < 50; i++) cost[i] = rnd(&seed);
  partition_checked(50, cost, 1, owner);
  for (int i = 0; i < 50; i++) cr_assert_eq(owner[i], 0);
}

Test(parallel, zero_items)
{
  double cost[1]  = {1.0};
  int    owner[1] = {-7};
  cr_assert_eq(hc_parallel_partition(0, cost, 4, owner), 0);
  cr_assert_eq(owner[0], -7, "n = 0 wrote into owner");
  cr_assert_eq(hc_parallel_partition(0, cost, 1, owner), 0);
  cr_assert_eq(owner[0], -7);
}

Test(parallel, zero_cost_items)
{
  /* zero costs still get a valid owner (range checked), and the same one every call */
  const double cost[6] = {0, 0, 0, 0, 0, 0};
  int          o1[6], o2[6];
  partition_checked(6, cost, 3, o1);
  partition_checked(6, cost, 3, o2);
  cr_assert_eq(memcmp(o1, o2, sizeof o1), 0);
}

/* ---- dispatch order of the dynamic schedule ---- */

/** Dispatch order of n groups, checked against its definition: the groups 0..cut-1 in name
 * order, then cut..n-1 in decreasing cost (ties by name), where cut..n-1 is the shortest suffix
 * whose cost reaches max(HC_DISPATCH_LAST_FRACTION x total, HC_DISPATCH_LAST_ROUNDS x size x
 * umax) (all of it if none does); returns cut. */
static int dispatch_checked(int n, const double *gcost, double umax, int size, int *order)
{
  double total = 0, tail = 0;
  for (int g = 0; g < n; g++) total += gcost[g];
  const double need = fmax(HC_DISPATCH_LAST_FRACTION * total, HC_DISPATCH_LAST_ROUNDS * size * umax);
  int          cut  = n;
  while (cut > 0 && tail < need) tail += gcost[--cut];
  cr_assert_eq(hc_parallel_dispatch_order(n, gcost, umax, size, order), 0);
  int *seen = calloc((size_t)(n > 0 ? n : 1), sizeof *seen);
  cr_assert(seen);
  for (int k = 0; k < n; k++) {
    cr_assert(order[k] >= 0 && order[k] < n, "order[%d] = %d outside [0,%d)", k, order[k], n);
    cr_assert_eq(seen[order[k]]++, 0, "group %d handed out twice", order[k]);
    if (k < cut) cr_assert_eq(order[k], k, "head out of name order at %d (cut %d)", k, cut);
    else cr_assert_geq(order[k], cut, "group %d of the head (cut %d) in the last block", order[k], cut);
    if (k > cut) {
      const double a = gcost[order[k - 1]], b = gcost[order[k]];
      cr_assert(a > b || (a == b && order[k - 1] < order[k]), "last block not in decreasing cost at %d", k);
    }
  }
  free(seen);
  return cut;
}

Test(dispatch, shortest_suffix_by_hand)
{
  const double c[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  int          order[10];
  /* need = max(0.05 x 55, 8 x 1 x 1) = 8: the suffix {10} */
  cr_assert_eq(dispatch_checked(10, c, 1.0, 1, order), 9);
  /* need = 8 x 1 x 2 = 16: {9, 10}, largest first */
  cr_assert_eq(dispatch_checked(10, c, 2.0, 1, order), 8);
  cr_assert_eq(order[8], 9);
  cr_assert_eq(order[9], 8);
  /* need = 8 x 4 x 1 = 32 > 10 + 9 + 8 = 27, <= 34: the suffix from 7 */
  cr_assert_eq(dispatch_checked(10, c, 1.0, 4, order), 6);
  const int lpt[4] = {9, 8, 7, 6};
  for (int k = 0; k < 4; k++) cr_assert_eq(order[6 + k], lpt[k]);
}

Test(dispatch, small_universe_on_many_ranks_is_lpt)
{
  const double c[6] = {3, 7, 2, 7, 5, 1};
  int          order[6];
  cr_assert_eq(dispatch_checked(6, c, 7.0, 64, order), 0);
  const int lpt[6] = {1, 3, 4, 0, 2, 5}; /* decreasing cost, the tie 7 = 7 by name */
  for (int k = 0; k < 6; k++) cr_assert_eq(order[k], lpt[k], "position %d: %d, expected %d", k, order[k], lpt[k]);
}

Test(dispatch, last_block_share_and_edge_cases)
{
  uint64_t seed = 2024;
  double   c[4000];
  int      order[4000];
  for (int trial = 0; trial < 40; trial++) {
    const int n = 100 + trial * 97, size = 1 << (trial % 8);
    double    total = 0, umax = 0;
    for (int g = 0; g < n; g++) {
      c[g] = exp(3.0 * rnd(&seed));
      total += c[g];
      umax = fmax(umax, c[g]);
    }
    const int    cut  = dispatch_checked(n, c, umax, size, order);
    const double need = fmax(HC_DISPATCH_LAST_FRACTION * total, HC_DISPATCH_LAST_ROUNDS * size * umax);
    double       tail = 0;
    for (int g = cut; g < n; g++) tail += c[g];
    /* the last block holds the share (or is everything), and at least 5 % of the cost */
    cr_assert(tail >= need || cut == 0, "trial %d: last block %g < %g", trial, tail, need);
    cr_assert_geq(tail, HC_DISPATCH_LAST_FRACTION * total * (1 - 1e-12), "trial %d", trial);
    cr_assert(cut == 0 || tail - c[cut] < need, "trial %d: the last block is not the shortest", trial);
  }
  cr_assert_eq(hc_parallel_dispatch_order(0, c, 1.0, 4, order), 0);
  const double z[3] = {0, 0, 0}; /* no cost: nothing to balance, name order */
  cr_assert_eq(dispatch_checked(3, z, 0.0, 2, order), 3);
  for (int k = 0; k < 3; k++) cr_assert_eq(order[k], k);
}

/** Makespan of list scheduling in the given order: each item to the rank that frees first
 * (the dynamic schedule without communication). */
static double list_makespan(int n, const double *cost, const int *order, int size, double *free_at)
{
  for (int r = 0; r < size; r++) free_at[r] = 0;
  for (int k = 0; k < n; k++) {
    int r = 0;
    for (int j = 1; j < size; j++)
      if (free_at[j] < free_at[r]) r = j;
    free_at[r] += cost[order[k]];
  }
  double mx = 0;
  for (int r = 0; r < size; r++) mx = fmax(mx, free_at[r]);
  return mx;
}

Test(dispatch, balance_close_to_lpt)
{
  /* the last block keeps self-scheduling as balanced as LPT order over the whole list: within
   * 2 % on heavy-tailed costs (fit times of series of very different lengths) */
  uint64_t seed = 99;
  double   c[3000], free_at[64];
  int      order[3000], lpt[3000];
  for (int trial = 0; trial < 30; trial++) {
    const int n = 3000, size = 2 << (trial % 5);
    double    umax = 0, total = 0;
    for (int g = 0; g < n; g++) {
      c[g] = exp(2.5 * rnd(&seed));
      umax = fmax(umax, c[g]);
      total += c[g];
    }
    dispatch_checked(n, c, umax, size, order);
    cr_assert_eq(hc_parallel_dispatch_order(n, c, umax, n, lpt), 0); /* n ranks: all last block */
    const double a = list_makespan(n, c, order, size, free_at), b = list_makespan(n, c, lpt, size, free_at);
    cr_assert_leq(a, 1.02 * b, "trial %d (%d ranks): makespan %g, LPT order %g, mean load %g", trial, size, a, b, total / size);
  }
}
