/**
 * @file test_eval.c
 * @brief Unit tests of the eval module: M4 scores on hand-computed cases, identities
 *        (perfect forecast, symmetry, Naive2 OWA = 1) and edge cases (zero denominators,
 *        empty horizons, non-finite inputs give NaN).
 */
#include <criterion/criterion.h>

#include <math.h>

#include "hpcast/eval.h"

#define EPS 1e-12

Test(eval, smape_hand_computed)
{
  const double y[] = {100, 200}, f[] = {110, 180};
  /* (200/2) (10/210 + 20/380) = 100 (1/21 + 1/19) = 4000/399 */
  cr_assert_float_eq(hc_eval_smape(y, f, 2), 4000.0 / 399.0, EPS);
}

Test(eval, smape_identities)
{
  const double y[] = {3, -4, 5}, f[] = {3, -4, 5}, g[] = {1, 2, 7}, z[] = {0, 0, 0};
  cr_assert_eq(hc_eval_smape(y, f, 3), 0.0);                            /* perfect forecast */
  cr_assert_float_eq(hc_eval_smape(y, g, 3), hc_eval_smape(g, y, 3), EPS); /* symmetric */
  cr_assert_float_eq(hc_eval_smape(y, z, 3), 200.0, EPS);               /* forecast 0: the maximum */
}

Test(eval, smape_edge_cases)
{
  const double y[] = {0, 1}, f[] = {0, 1}, nan[] = {NAN, 1};
  cr_assert(isnan(hc_eval_smape(y, f, 2)), "|y| + |f| = 0 is 0/0");
  cr_assert(isnan(hc_eval_smape(y, f, 0)), "empty horizon");
  cr_assert(isnan(hc_eval_smape(nan, f, 2)), "non-finite outcome");
}

Test(eval, mase_scale_hand_computed)
{
  const double x[] = {1, 3, 2, 5};
  cr_assert_float_eq(hc_eval_mase_scale(x, 4, 1), (2.0 + 1.0 + 3.0) / 3.0, EPS);
  cr_assert_float_eq(hc_eval_mase_scale(x, 4, 2), (1.0 + 2.0) / 2.0, EPS);
  cr_assert(isnan(hc_eval_mase_scale(x, 4, 4)), "n <= m");
  cr_assert(isnan(hc_eval_mase_scale(x, 1, 1)), "one observation");
  cr_assert(isnan(hc_eval_mase_scale(x, 4, 0)), "m < 1");
}

Test(eval, mase_hand_computed_and_edges)
{
  const double x[] = {1, 3, 2, 5}, y[] = {4, 6}, f[] = {5, 5}, c[] = {7, 7, 7};
  const double s = hc_eval_mase_scale(x, 4, 1); /* 2 */
  cr_assert_float_eq(hc_eval_mase(y, f, 2, s), 0.5, EPS);
  cr_assert_eq(hc_eval_mase(y, y, 2, s), 0.0);
  cr_assert_eq(hc_eval_mase_scale(c, 3, 1), 0.0);
  cr_assert(isnan(hc_eval_mase(y, f, 2, hc_eval_mase_scale(c, 3, 1))), "constant in-sample series: scale 0");
  cr_assert(isnan(hc_eval_mase(y, f, 2, NAN)));
  cr_assert(isnan(hc_eval_mase(y, f, 0, s)));
}

Test(eval, msis_below_inside_above)
{
  /* interval [10, 20] at every step; outcomes below (8), inside (15), above (23); alpha 0.05:
   * scores 10 + 40*2 = 90, 10, 10 + 40*3 = 130 -> mean 230/3, over scale 2 -> 115/3 */
  const double y[] = {8, 15, 23}, lo[] = {10, 10, 10}, hi[] = {20, 20, 20};
  cr_assert_float_eq(hc_eval_msis(y, lo, hi, 3, 0.05, 2.0), 115.0 / 3.0, EPS);
  cr_assert_eq(hc_eval_covered(y, lo, hi, 3), 1);
}

Test(eval, msis_identities)
{
  /* all outcomes inside (bounds included): MSIS = mean width / scale, full coverage */
  const double y[] = {10, 12, 20}, lo[] = {10, 9, 14}, hi[] = {20, 13, 20};
  cr_assert_float_eq(hc_eval_msis(y, lo, hi, 3, 0.05, 4.0), (10.0 + 4.0 + 6.0) / 3.0 / 4.0, EPS);
  cr_assert_eq(hc_eval_covered(y, lo, hi, 3), 3);
  /* a degenerate interval at the point forecast: MSIS = (2/alpha) MASE */
  const double x[] = {1, 3, 2, 5}, yy[] = {4, 6}, f[] = {5, 5};
  const double s = hc_eval_mase_scale(x, 4, 1);
  cr_assert_float_eq(hc_eval_msis(yy, f, f, 2, 0.05, s), 40.0 * hc_eval_mase(yy, f, 2, s), EPS);
}

Test(eval, msis_edge_cases)
{
  const double y[] = {1}, lo[] = {0}, hi[] = {2}, nan[] = {NAN};
  cr_assert(isnan(hc_eval_msis(y, lo, hi, 1, 0.05, 0.0)), "zero scale");
  cr_assert(isnan(hc_eval_msis(y, lo, hi, 1, 0.0, 1.0)), "alpha out of (0,1)");
  cr_assert(isnan(hc_eval_msis(y, nan, hi, 1, 0.05, 1.0)), "non-finite bound");
  cr_assert(isnan(hc_eval_msis(y, lo, hi, 0, 0.05, 1.0)), "empty horizon");
  cr_assert_eq(hc_eval_covered(y, nan, hi, 1), 0, "NaN bound is not covered");
  cr_assert_eq(hc_eval_covered(y, lo, hi, 0), 0);
}

Test(eval, series_and_summary)
{
  const double x[] = {1, 3, 2, 5}, y[] = {4, 6}, f[] = {5, 5}, lo[] = {3, 3}, hi[] = {5, 7};
  hc_eval_scores s[3];
  hc_eval_series(x, 4, 1, y, f, lo, hi, 2, 0.05, &s[0]);
  cr_assert_float_eq(s[0].smape, 100.0 * (1.0 / 9.0 + 1.0 / 11.0), EPS);
  cr_assert_float_eq(s[0].mase, 0.5, EPS);
  cr_assert_float_eq(s[0].msis, (2.0 + 4.0) / 2.0 / 2.0, EPS);
  cr_assert_eq(s[0].covered, 2);
  cr_assert_eq(s[0].h, 2);
  /* second series: one outcome above its interval */
  const double y2[] = {4, 8};
  hc_eval_series(x, 4, 1, y2, f, lo, hi, 2, 0.05, &s[1]);
  cr_assert_eq(s[1].covered, 1);
  /* third series: constant history, NaN scale -> skipped in the summary */
  const double c[] = {2, 2, 2, 2};
  hc_eval_series(c, 4, 1, y, f, lo, hi, 2, 0.05, &s[2]);
  cr_assert(isnan(s[2].mase) && isnan(s[2].msis));

  hc_eval_summary sum;
  hc_eval_summarize(s, 3, 0.95, &sum);
  cr_assert_eq(sum.n_series, 2);
  cr_assert_eq(sum.n_skipped, 1);
  cr_assert_float_eq(sum.smape, 0.5 * (s[0].smape + s[1].smape), EPS);
  cr_assert_float_eq(sum.mase, 0.5 * (s[0].mase + s[1].mase), EPS);
  cr_assert_float_eq(sum.msis, 0.5 * (s[0].msis + s[1].msis), EPS);
  cr_assert_float_eq(sum.coverage, 3.0 / 4.0, EPS); /* pooled over horizons */
  cr_assert_float_eq(sum.acd, 0.2, EPS);

  hc_eval_summarize(s, 0, 0.95, &sum);
  cr_assert(sum.n_series == 0 && isnan(sum.smape) && isnan(sum.coverage) && isnan(sum.acd));
}

Test(eval, owa)
{
  cr_assert_float_eq(hc_eval_owa(9.161, 2.777, 9.161, 2.777), 1.0, EPS); /* Naive2 itself */
  cr_assert_float_eq(hc_eval_owa(9.0, 2.0, 10.0, 4.0), 0.5 * (0.9 + 0.5), EPS);
  cr_assert(isnan(hc_eval_owa(9.0, 2.0, 0.0, 4.0)), "zero benchmark sMAPE");
  cr_assert(isnan(hc_eval_owa(NAN, 2.0, 10.0, 4.0)));
}

Test(eval, naive_forecast_and_interval)
{
  /* sigma^2 = ((3-1)^2 + (2-3)^2 + (5-2)^2) / 3 = 14/3; z_{0.975} = 1.959963984540054 */
  const double x[] = {1, 3, 2, 5}, z = 1.959963984540054;
  double       f[3], lo[3], hi[3];
  cr_assert_eq(hc_eval_naive(x, 4, 3, 0.05, f, lo, hi), 0);
  for (int h = 0; h < 3; h++) {
    const double half = z * sqrt(14.0 / 3.0 * (h + 1));
    cr_assert_eq(f[h], 5.0);
    cr_assert_float_eq(lo[h], 5.0 - half, 1e-10);
    cr_assert_float_eq(hi[h], 5.0 + half, 1e-10);
  }
  cr_assert_eq(hc_eval_naive(x, 1, 3, 0.05, f, lo, hi), 1, "one observation");
  cr_assert(isnan(f[0]) && isnan(lo[0]) && isnan(hi[0]));
  const double bad[] = {1, NAN, 2};
  cr_assert_eq(hc_eval_naive(bad, 3, 3, 0.05, f, lo, hi), 1, "non-finite history");
  cr_assert_eq(hc_eval_naive(x, 4, 3, 1.5, f, lo, hi), 1, "alpha out of (0,1)");
}
