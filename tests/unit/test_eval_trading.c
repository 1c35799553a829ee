/**
 * @file test_eval_trading.c
 * @brief Unit tests of the trading evaluation (hc_trading_* in include/hpcast/eval.h): every
 *        metric on hand-computed cases, the drawdown of a known wealth path, position
 *        clamping, cost accounting, regime labels of constructed inputs and their boundaries,
 *        edge cases (n = 0, n = 1, sd 0, no losses, ruin, NaN), and reference values computed
 *        independently in base R (tests/reference/trading_r.R: a simulated series and the last
 *        250 AAPL returns with a Kelly rule and a sign rule, and regime labels), and the
 *        universe portfolio accumulator (hand case; against per-date sums computed directly and
 *        against hc_trading_portfolio of all points at once).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/eval.h"

#define EPS 1e-12

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

/** Log relative error (digits of agreement) of a against reference b, capped at 15. */
static double lre(double a, double b)
{
  const double e = b != 0.0 ? fabs(a - b) / fabs(b) : fabs(a);
  return e == 0.0 ? 15.0 : fmin(15.0, -log10(e));
}

/** Digits of absolute agreement, capped at 15: for quantities of unit scale that cross 0. */
static double lae(double a, double b)
{
  const double e = fabs(a - b);
  return e == 0.0 ? 15.0 : fmin(15.0, -log10(e));
}

static void assert_all_nan(const hc_trading_metrics *m)
{
  cr_assert(isnan(m->cum_return) && isnan(m->sharpe) && isnan(m->sortino) && isnan(m->calmar));
  cr_assert(isnan(m->max_drawdown) && isnan(m->hit_rate) && isnan(m->profit_factor));
}

/** One row of tests/reference/trading_r.csv (case,what,t,value,label). */
typedef struct {
  char   cas[32], what[32], label[32];
  int    t; /* -1 for NA */
  double value; /* NaN for NA */
} ref_row;

typedef struct {
  int      n;
  ref_row *row;
} ref_table;

static ref_table ref;

static void load_ref(void)
{
  const char *root = getenv("HPCAST_SOURCE_ROOT");
  cr_assert_not_null(root, "HPCAST_SOURCE_ROOT not set (run through meson test)");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/reference/trading_r.csv", root);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  char line[256];
  int  cap = 8192;
  ref.n    = 0;
  ref.row  = malloc(cap * sizeof *ref.row);
  cr_assert_not_null(ref.row);
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_assert_str_eq(line, "case,what,t,value,label\n");
  while (fgets(line, sizeof line, f)) {
    cr_assert_lt(ref.n, cap);
    ref_row *r = &ref.row[ref.n++];
    char     t[32], v[64];
    cr_assert_eq(sscanf(line, "%31[^,],%31[^,],%31[^,],%63[^,],%31s", r->cas, r->what, t, v, r->label), 5,
                 "bad row %d of %s", ref.n, path);
    r->t     = strcmp(t, "NA") ? atoi(t) : -1;
    r->value = strcmp(v, "NA") ? strtod(v, NULL) : NAN;
  }
  fclose(f);
  cr_assert_gt(ref.n, 1000);
}

static void free_ref(void) { free(ref.row); }

/** Scalar (t = NA) value of (case, what); fails the test if absent. */
static double ref_scalar(const char *cas, const char *what)
{
  for (int i = 0; i < ref.n; i++)
    if (!strcmp(ref.row[i].cas, cas) && !strcmp(ref.row[i].what, what) && ref.row[i].t < 0) return ref.row[i].value;
  cr_assert_fail("no reference value %s/%s", cas, what);
  return NAN;
}

/** Series (case, what) into a new array indexed by t; returns its length (0 if absent). */
static int ref_series(const char *cas, const char *what, double **out)
{
  int n = 0;
  for (int i = 0; i < ref.n; i++)
    if (!strcmp(ref.row[i].cas, cas) && !strcmp(ref.row[i].what, what) && ref.row[i].t >= n) n = ref.row[i].t + 1;
  *out = calloc(n > 0 ? n : 1, sizeof(double));
  cr_assert_not_null(*out);
  for (int i = 0; i < ref.n; i++)
    if (!strcmp(ref.row[i].cas, cas) && !strcmp(ref.row[i].what, what) && ref.row[i].t >= 0)
      (*out)[ref.row[i].t] = ref.row[i].value;
  return n;
}

static void ref_options(const char *cas, hc_trading_options *o)
{
  o->cost_bps         = ref_scalar(cas, "cost_bps");
  o->max_leverage     = ref_scalar(cas, "max_leverage");
  o->kelly_fraction   = ref_scalar(cas, "kelly_fraction");
  o->periods_per_year = ref_scalar(cas, "periods_per_year");
}

/** Every metric of m against the R values of case cas, at least `digits` LRE. */
static void assert_metrics_match(const char *cas, const hc_trading_metrics *m, int n, double digits)
{
  const struct {
    const char *name;
    double      v;
  } c[] = {{"cum_return", m->cum_return}, {"sharpe", m->sharpe},     {"sortino", m->sortino},
           {"max_drawdown", m->max_drawdown}, {"calmar", m->calmar}, {"hit_rate", m->hit_rate},
           {"profit_factor", m->profit_factor}, {"turnover", m->turnover}};
  cr_assert_eq(m->n, n);
  double worst = 15.0;
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    const double want = ref_scalar(cas, c[i].name);
    cr_assert(lre(c[i].v, want) >= digits, "%s %s: %.15g vs R %.15g (LRE %.1f)", cas, c[i].name, c[i].v, want,
              lre(c[i].v, want));
    worst = fmin(worst, lre(c[i].v, want));
  }
  cr_log_info("%s: smallest LRE of the metrics against R %.1f", cas, worst);
}

/* ------------------------------------------------------------------------------------ */
/* Options and positions                                                                 */

Test(eval_trading, options_default)
{
  hc_trading_options o;
  hc_trading_options_default(&o);
  cr_assert_eq(o.cost_bps, 5.0);
  cr_assert_eq(o.max_leverage, 1.0);
  cr_assert_eq(o.kelly_fraction, 0.5);
  cr_assert_eq(o.periods_per_year, 252.0);
}

Test(eval_trading, position_kelly_and_clamping)
{
  hc_trading_options o;
  hc_trading_options_default(&o);
  /* mu 0.02 %, sigma 2 %: Kelly 0.0002 / 0.0004 = 0.5, half Kelly 0.25 */
  cr_assert_float_eq(hc_trading_position(&o, 0.02, 2.0), 0.25, EPS);
  cr_assert_float_eq(hc_trading_position(&o, -0.02, 2.0), -0.25, EPS);
  /* mu 0.1 %, sigma 2 %: half Kelly 1.25, clamped to the cap 1 on both sides */
  cr_assert_eq(hc_trading_position(&o, 0.1, 2.0), 1.0);
  cr_assert_eq(hc_trading_position(&o, -0.1, 2.0), -1.0);
  o.max_leverage = 2.0;
  cr_assert_float_eq(hc_trading_position(&o, 0.1, 2.0), 1.25, EPS);
  cr_assert_eq(hc_trading_position(&o, 1.0, 2.0), 2.0);
  o.max_leverage = INFINITY; /* no cap: the fractional Kelly position itself */
  cr_assert_float_eq(hc_trading_position(&o, 1.0, 2.0), 12.5, EPS);
  o.max_leverage   = 0.0;
  cr_assert_eq(hc_trading_position(&o, 1.0, 2.0), 0.0);
  o.max_leverage   = 1.0;
  o.kelly_fraction = 1.0;
  cr_assert_float_eq(hc_trading_position(&o, 0.02, 2.0), 0.5, EPS);
  cr_assert_eq(hc_trading_position(&o, 0.0, 2.0), 0.0);
}

Test(eval_trading, position_edge_cases)
{
  hc_trading_options o;
  hc_trading_options_default(&o);
  cr_assert_eq(hc_trading_position(&o, 0.1, 0.0), 0.0, "sigma 0");
  cr_assert_eq(hc_trading_position(&o, 0.1, -1.0), 0.0, "sigma < 0");
  cr_assert_eq(hc_trading_position(&o, NAN, 1.0), 0.0);
  cr_assert_eq(hc_trading_position(&o, 0.1, NAN), 0.0);
  cr_assert_eq(hc_trading_position(&o, INFINITY, 1.0), 0.0);
  cr_assert_eq(hc_trading_position(&o, 0.1, INFINITY), 0.0);
  cr_assert_eq(hc_trading_position(&o, 0.0, 1e-200), 0.0, "sigma^2 underflows, mu 0");
  cr_assert_eq(hc_trading_position(&o, 1e-3, 1e-200), 1.0, "sigma^2 underflows: clamped");
  o.max_leverage = NAN;
  cr_assert_eq(hc_trading_position(&o, 0.1, 1.0), 0.0, "no valid cap");
  o.max_leverage = -1.0;
  cr_assert_eq(hc_trading_position(&o, 0.1, 1.0), 0.0, "negative cap");
  o.max_leverage   = 1.0;
  o.kelly_fraction = NAN;
  cr_assert_eq(hc_trading_position(&o, 0.1, 1.0), 0.0);
}

/* ------------------------------------------------------------------------------------ */
/* Strategy returns and costs                                                            */

Test(eval_trading, returns_price_move_and_costs)
{
  hc_trading_options o;
  hc_trading_options_default(&o); /* 5 bps */
  /* y = 100 log(1.1): simple return 10 %; position 0.5 -> 5 % before costs */
  const double y[] = {100.0 * log(1.1), 100.0 * log(0.8), 0.0, 0.0, 100.0 * log(1.25)};
  const double pos[] = {0.5, -1.0, -1.0, 0.0, 2.0};
  double       r[5];
  hc_trading_returns(&o, pos, y, 5, r);
  cr_assert_float_eq(r[0], 0.05 - 5e-4 * 0.5, EPS);        /* entry from 0 to 0.5 costs 0.5 units */
  cr_assert_float_eq(r[1], 0.2 - 5e-4 * 1.5, EPS);         /* short 1 on a 20 % fall, switch of 1.5 */
  cr_assert_float_eq(r[2], 0.0, EPS);                      /* no move, no trade */
  cr_assert_float_eq(r[3], -5e-4, EPS);                    /* flat: only the exit cost */
  cr_assert_float_eq(r[4], 2.0 * 0.25 - 5e-4 * 2.0, EPS);  /* leverage 2 on +25 % */
}

Test(eval_trading, cost_accounting_identity)
{
  /* total cost = cost_bps 1e-4 sum |pos_t - pos_{t-1}| = cost_bps 1e-4 n turnover, on a
   * deterministic oscillating path */
  enum { N = 200 };
  double y[N], pos[N], r0[N], r1[N];
  for (int t = 0; t < N; t++) {
    y[t]   = 1.5 * sin(0.7 * t) + 0.1;
    pos[t] = cos(0.3 * t);
  }
  hc_trading_options o;
  hc_trading_options_default(&o);
  o.cost_bps = 0.0;
  hc_trading_returns(&o, pos, y, N, r0);
  o.cost_bps = 7.5;
  hc_trading_returns(&o, pos, y, N, r1);
  double cost = 0.0, turn = 0.0, prev = 0.0;
  for (int t = 0; t < N; t++) {
    cost += r0[t] - r1[t];
    turn += fabs(pos[t] - prev);
    prev = pos[t];
  }
  hc_trading_metrics m;
  hc_trading_evaluate(&o, r1, pos, N, &m);
  cr_assert_float_eq(m.turnover, turn / N, EPS);
  cr_assert_float_eq(cost, 7.5e-4 * N * m.turnover, 1e-13);
  /* zero positions: zero returns whatever y and the cost */
  const double zero[3] = {0, 0, 0};
  double       rz[3];
  hc_trading_returns(&o, zero, y, 3, rz);
  for (int t = 0; t < 3; t++) cr_assert_eq(rz[t], 0.0);
}

Test(eval_trading, returns_propagate_nan)
{
  hc_trading_options o;
  hc_trading_options_default(&o);
  const double y[] = {1.0, NAN, 1.0}, pos[] = {1.0, 1.0, 1.0};
  double       r[3];
  hc_trading_returns(&o, pos, y, 3, r);
  cr_assert(isfinite(r[0]) && isnan(r[1]) && isfinite(r[2]));
  hc_trading_returns(&o, pos, y, 0, r); /* n = 0: nothing written, no crash */
}

/* ------------------------------------------------------------------------------------ */
/* Metrics                                                                               */

Test(eval_trading, metrics_hand_computed)
{
  hc_trading_options o;
  hc_trading_options_default(&o);
  const double r[] = {0.1, -0.05, 0.02}, pos[] = {1.0, -1.0, 0.5};
  hc_trading_metrics m;
  hc_trading_evaluate(&o, r, pos, 3, &m);
  cr_assert_eq(m.n, 3);
  /* wealth 1, 1.1, 1.045, 1.0659 */
  cr_assert_float_eq(m.cum_return, 0.0659, EPS);
  /* mean 0.07/3; sum of squared deviations 0.0129 - 0.0049/3 = 0.0338/3, variance 0.0338/6 */
  cr_assert_float_eq(m.sharpe, sqrt(252.0) * (0.07 / 3.0) / sqrt(0.0338 / 6.0), EPS);
  /* downside deviation sqrt(0.05^2 / 3): Sortino = sqrt(252) 0.07 / (0.05 sqrt 3) = 1.4 sqrt 84 */
  cr_assert_float_eq(m.sortino, 1.4 * sqrt(84.0), EPS);
  /* peak 1.1, trough 1.045: 0.055 / 1.1 */
  cr_assert_float_eq(m.max_drawdown, 0.05, EPS);
  /* annualised (1.0659)^(252/3) - 1 over 0.05 */
  cr_assert(lre(m.calmar, (pow(1.0659, 84.0) - 1.0) / 0.05) > 13);
  cr_assert_float_eq(m.hit_rate, 2.0 / 3.0, EPS);
  cr_assert_float_eq(m.profit_factor, 0.12 / 0.05, EPS);
  /* |1 - 0| + |-1 - 1| + |0.5 + 1| = 4.5 over 3 */
  cr_assert_float_eq(m.turnover, 1.5, EPS);
}

Test(eval_trading, drawdown_of_known_wealth_path)
{
  /* wealth 1 -> 1.2 -> 0.9 -> 1.5 -> 1.05 -> 1.6: falls 25 % (1.2 -> 0.9) and 30 % (1.5 -> 1.05) */
  const double W[] = {1.0, 1.2, 0.9, 1.5, 1.05, 1.6};
  double       r[5];
  for (int t = 0; t < 5; t++) r[t] = W[t + 1] / W[t] - 1.0;
  hc_trading_options o;
  hc_trading_options_default(&o);
  hc_trading_metrics m;
  hc_trading_evaluate(&o, r, NULL, 5, &m);
  cr_assert_float_eq(m.max_drawdown, 0.3, EPS);
  cr_assert_float_eq(m.cum_return, 0.6, EPS);
  cr_assert_float_eq(m.calmar, (pow(1.6, 252.0 / 5.0) - 1.0) / 0.3, 1e-12 * pow(1.6, 252.0 / 5.0));
  cr_assert(isnan(m.turnover), "no positions given");
  /* the starting wealth is a peak: a first-period loss is a drawdown */
  const double first[] = {-0.1, 0.05};
  hc_trading_evaluate(&o, first, NULL, 2, &m);
  cr_assert_float_eq(m.max_drawdown, 0.1, EPS);
  /* a monotone rise has no drawdown: Calmar undefined */
  const double rise[] = {0.01, 0.02, 0.0, 0.03};
  hc_trading_evaluate(&o, rise, NULL, 4, &m);
  cr_assert_eq(m.max_drawdown, 0.0);
  cr_assert(isnan(m.calmar));
  cr_assert(isnan(m.sortino), "no negative return: downside deviation 0");
  cr_assert(isnan(m.profit_factor), "no losses: profit factor NaN by convention");
  cr_assert_float_eq(m.hit_rate, 1.0, EPS, "the zero return is not counted");
}

Test(eval_trading, metrics_edge_cases)
{
  hc_trading_options o;
  hc_trading_options_default(&o);
  hc_trading_metrics m;
  const double       pos[] = {1.0, 1.0, 1.0};

  hc_trading_evaluate(&o, NULL, NULL, 0, &m); /* n = 0 */
  cr_assert_eq(m.n, 0);
  assert_all_nan(&m);
  cr_assert(isnan(m.turnover));

  const double one[] = {-0.02};
  hc_trading_evaluate(&o, one, pos, 1, &m); /* n = 1: no sd */
  cr_assert(isnan(m.sharpe));
  cr_assert_float_eq(m.cum_return, -0.02, EPS);
  cr_assert_float_eq(m.sortino, -sqrt(252.0), EPS);
  cr_assert_float_eq(m.max_drawdown, 0.02, EPS);
  cr_assert_eq(m.profit_factor, 0.0, "no gains");
  cr_assert_eq(m.hit_rate, 0.0);
  cr_assert_eq(m.turnover, 1.0);

  const double flat[] = {0.01, 0.01, 0.01};
  hc_trading_evaluate(&o, flat, pos, 3, &m); /* sd exactly 0 although mean is rounded */
  cr_assert(isnan(m.sharpe));
  cr_assert_float_eq(m.turnover, 1.0 / 3.0, EPS);

  const double zeros[] = {0.0, 0.0, 0.0};
  hc_trading_evaluate(&o, zeros, NULL, 3, &m);
  cr_assert_eq(m.cum_return, 0.0);
  cr_assert_eq(m.max_drawdown, 0.0);
  cr_assert(isnan(m.sharpe) && isnan(m.sortino) && isnan(m.calmar) && isnan(m.hit_rate) &&
            isnan(m.profit_factor));

  const double withnan[] = {0.01, NAN, 0.02};
  hc_trading_evaluate(&o, withnan, pos, 3, &m);
  assert_all_nan(&m);
  cr_assert_eq(m.n, 3);
  cr_assert_float_eq(m.turnover, 1.0 / 3.0, EPS, "turnover only needs the positions");
  const double posnan[] = {1.0, NAN, 1.0};
  hc_trading_evaluate(&o, flat, posnan, 3, &m);
  cr_assert(isnan(m.turnover));

  const double mixed[] = {0.01, -0.02, 0.03};
  o.periods_per_year = 0.0; /* no annualisation possible */
  hc_trading_evaluate(&o, mixed, NULL, 3, &m);
  cr_assert(isnan(m.sharpe) && isnan(m.sortino) && isnan(m.calmar));
  cr_assert(isfinite(m.cum_return) && isfinite(m.max_drawdown) && isfinite(m.profit_factor));
}

Test(eval_trading, ruin)
{
  /* a short position through a price rise of more than 100 %: wealth 1 -> -0.5 -> -0.55 */
  hc_trading_options o;
  hc_trading_options_default(&o);
  const double r[] = {-1.5, 0.1};
  hc_trading_metrics m;
  hc_trading_evaluate(&o, r, NULL, 2, &m);
  cr_assert_float_eq(m.cum_return, -1.55, EPS);
  cr_assert_float_eq(m.max_drawdown, 1.55, EPS);
  cr_assert_float_eq(m.calmar, -1.0 / 1.55, EPS, "annualised return of a ruin is -1");
}

/* ------------------------------------------------------------------------------------ */
/* Regime                                                                                */

static void assert_regime(const double *s, int n, double drift, double se, const char *want)
{
  char label[32];
  hc_trading_regime(s, n, drift, se, label, sizeof label);
  cr_assert_str_eq(label, want);
}

Test(eval_trading, regime_constructed)
{
  const double rising[] = {1, 2, 3, 4, 5, 6}, falling[] = {6, 5, 4, 3, 2, 1}, middle[] = {1, 3, 2};
  const double constant[] = {2, 2, 2};
  assert_regime(rising, 6, 1.0, 0.1, "high-vol/up");    /* percentile 5.5/6 */
  assert_regime(falling, 6, -1.0, 0.1, "low-vol/down"); /* percentile 0.5/6 */
  assert_regime(middle, 3, 0.1, 0.1, "normal-vol/flat");
  assert_regime(constant, 3, 0.0, 1.0, "normal-vol/flat"); /* ties: mid-rank 1/2 */
  assert_regime(rising, 1, 0.0, 1.0, "normal-vol/flat");   /* one value: 1/2 */
  /* boundaries: percentile exactly 1/3 and 2/3 are "normal"; z exactly 1.96 is "flat" */
  const double third[] = {9, 5, 5}, twothirds[] = {1, 5, 5};
  assert_regime(third, 3, 1.96, 1.0, "normal-vol/flat");
  assert_regime(twothirds, 3, -1.96, 1.0, "normal-vol/flat");
  assert_regime(third, 2, 1.97, 1.0, "low-vol/up"); /* {9, 5}: 0.5/2 */
}

Test(eval_trading, regime_unknown_and_buffers)
{
  const double s[] = {1, 2, 3}, bad[] = {1, NAN, 3};
  assert_regime(s, 0, 1.0, 1.0, "unknown");
  assert_regime(s, 3, NAN, 1.0, "unknown");
  assert_regime(s, 3, 1.0, NAN, "unknown");
  assert_regime(s, 3, 1.0, 0.0, "unknown");
  assert_regime(s, 3, 1.0, -1.0, "unknown");
  assert_regime(bad, 3, 1.0, 1.0, "unknown");
  char small[5] = "xxxx";
  hc_trading_regime(s, 3, 10.0, 1.0, small, sizeof small); /* "high-vol/up" truncated */
  cr_assert_str_eq(small, "high");
  char untouched[4] = "abc";
  hc_trading_regime(s, 3, 10.0, 1.0, untouched, 0);
  cr_assert_str_eq(untouched, "abc");
  char exact[16]; /* the longest label, "normal-vol/flat", fits in 16 */
  const double mid[] = {1, 3, 2};
  hc_trading_regime(mid, 3, 0.0, 1.0, exact, sizeof exact);
  cr_assert_str_eq(exact, "normal-vol/flat");
}

/* ------------------------------------------------------------------------------------ */
/* R reference (tests/reference/trading_r.R)                                             */

Test(eval_trading, r_reference_hand_case, .init = load_ref, .fini = free_ref)
{
  hc_trading_options o;
  double            *r, *pos;
  ref_options("hand", &o);
  const int n = ref_series("hand", "r", &r);
  cr_assert_eq(ref_series("hand", "pos", &pos), n);
  hc_trading_metrics m;
  hc_trading_evaluate(&o, r, pos, n, &m);
  assert_metrics_match("hand", &m, 3, 13.0);
  free(r);
  free(pos);
}

/** Positions (Kelly cases), strategy returns and metrics of one R case. */
static void check_case(const char *cas, int kelly)
{
  hc_trading_options o;
  double            *y, *pos, *r, *mu = NULL, *sigma = NULL;
  ref_options(cas, &o);
  const int n = ref_series(cas, "y", &y);
  cr_assert_gt(n, 200);
  cr_assert_eq(ref_series(cas, "pos", &pos), n);
  cr_assert_eq(ref_series(cas, "r", &r), n);
  double *mypos = malloc(n * sizeof(double)), *myr = malloc(n * sizeof(double));
  cr_assert(mypos && myr);
  if (kelly) {
    cr_assert_eq(ref_series(cas, "mu", &mu), n);
    cr_assert_eq(ref_series(cas, "sigma", &sigma), n);
    int clamped = 0;
    for (int t = 0; t < n; t++) {
      mypos[t] = hc_trading_position(&o, mu[t], sigma[t]); /* NA for t < 20: position 0 */
      cr_assert(lae(mypos[t], pos[t]) >= 13, "%s pos[%d] %.15g vs R %.15g", cas, t, mypos[t], pos[t]);
      clamped += fabs(pos[t]) == o.max_leverage;
    }
    cr_assert_gt(clamped, 5, "%s: the cap is exercised", cas);
    cr_assert_lt(clamped, n - 20, "%s: and not everywhere", cas);
  }
  hc_trading_returns(&o, pos, y, n, myr);
  for (int t = 0; t < n; t++)
    cr_assert(lae(myr[t], r[t]) >= 14, "%s r[%d] %.15g vs R %.15g", cas, t, myr[t], r[t]);
  hc_trading_metrics m;
  hc_trading_evaluate(&o, r, pos, n, &m); /* R's returns */
  assert_metrics_match(cas, &m, n, 12.0);
  hc_trading_evaluate(&o, myr, pos, n, &m); /* the chain of our own functions */
  assert_metrics_match(cas, &m, n, 11.0);
  /* buy-and-hold over the same periods: long 1 throughout, the entry cost paid once */
  double *bh, *mybh = malloc(n * sizeof(double)), *hold = malloc(n * sizeof(double));
  cr_assert(mybh && hold);
  cr_assert_eq(ref_series(cas, "bh", &bh), n);
  for (int t = 0; t < n; t++) hold[t] = 1.0;
  hc_trading_returns(&o, hold, y, n, mybh);
  for (int t = 0; t < n; t++) cr_assert(lae(mybh[t], bh[t]) >= 14, "%s bh[%d] %.15g vs R %.15g", cas, t, mybh[t], bh[t]);
  hc_trading_evaluate(&o, r, pos, n, &m);
  cr_assert_eq(hc_trading_compare(&o, r, bh, n, &m), 0);
  const struct {
    const char *name;
    double      v;
  } c[] = {{"bh_sharpe", m.bh_sharpe}, {"excess_sharpe", m.excess_sharpe}, {"information_ratio", m.information_ratio}};
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    const double want = ref_scalar(cas, c[i].name);
    cr_assert(lre(c[i].v, want) >= 12.0, "%s %s: %.15g vs R %.15g (LRE %.1f)", cas, c[i].name, c[i].v, want, lre(c[i].v, want));
    cr_log_info("%s %s: LRE %.1f against R", cas, c[i].name, lre(c[i].v, want));
  }
  free(bh);
  free(mybh);
  free(hold);
  free(y);
  free(pos);
  free(r);
  free(mu);
  free(sigma);
  free(mypos);
  free(myr);
}

Test(eval_trading, compare_edge_cases)
{
  hc_trading_options o;
  hc_trading_metrics m;
  const double       r[3] = {0.01, -0.02, 0.03}, b[3] = {0.01, -0.02, 0.03}, c[3] = {0.02, 0.02, 0.02};
  hc_trading_options_default(&o);
  hc_trading_evaluate(&o, r, NULL, 3, &m);
  cr_assert(isnan(m.bh_sharpe) && isnan(m.excess_sharpe) && isnan(m.information_ratio), "evaluate leaves them NaN");
  cr_assert_eq(hc_trading_compare(&o, r, b, 3, &m), 0);
  cr_assert_float_eq(m.bh_sharpe, m.sharpe, 1e-15, "the asset itself");
  cr_assert_eq(m.excess_sharpe, 0.0);
  cr_assert(isnan(m.information_ratio), "no active return: sd 0");
  cr_assert_eq(hc_trading_compare(&o, r, c, 3, &m), 0);
  cr_assert(isnan(m.bh_sharpe) && isnan(m.excess_sharpe), "a constant benchmark has no Sharpe ratio");
  cr_assert(isfinite(m.information_ratio));
  cr_assert_eq(hc_trading_compare(&o, r, c, 1, &m), 0);
  cr_assert(isnan(m.bh_sharpe) && isnan(m.information_ratio), "one period");
}

Test(eval_trading, r_reference_simulated_kelly, .init = load_ref, .fini = free_ref) { check_case("sim", 1); }
Test(eval_trading, r_reference_aapl_kelly, .init = load_ref, .fini = free_ref) { check_case("aapl_kelly", 1); }
Test(eval_trading, r_reference_aapl_sign, .init = load_ref, .fini = free_ref) { check_case("aapl_sign", 0); }

Test(eval_trading, r_reference_regime, .init = load_ref, .fini = free_ref)
{
  double   *s;
  const int n = ref_series("regime", "sigma", &s);
  cr_assert_gt(n, 200);
  const char *part[] = {"low-vol/", "normal-vol/", "high-vol/", "/up", "/flat", "/down"};
  int         checked = 0, seen[6] = {0};
  for (int i = 0; i < ref.n; i++) {
    const ref_row *row = &ref.row[i];
    if (strcmp(row->cas, "regime") || strcmp(row->what, "regime_label")) continue;
    double    *drift, *se;
    const int  k = row->t;
    cr_assert_gt(ref_series("regime", "regime_drift", &drift), k);
    cr_assert_gt(ref_series("regime", "regime_se", &se), k);
    char label[32];
    hc_trading_regime(s, k + 1, drift[k], se[k], label, sizeof label);
    cr_assert_str_eq(label, row->label, "regime at t = %d", k);
    checked++;
    for (int j = 0; j < 6; j++) seen[j] += strstr(label, part[j]) != NULL;
    free(drift);
    free(se);
  }
  cr_assert_gt(checked, 10);
  for (int j = 0; j < 6; j++) cr_assert_gt(seen[j], 0, "the reference covers %s", part[j]);
  free(s);
}

/* ------------------------------------------------------------------------------------ */
/* Universe portfolio accumulator                                                        */

Test(eval_trading, portfolio_accumulator_hand_case)
{
  /* three tickers trading on 1, 2 and 3 of the dates, added ticker by ticker, dates out of
   * order: the per-date means are the series of metrics_hand_computed,
   * r = {0.1, -0.05, 0.02}, pos = {1, -1, 0.5} */
  const hc_strategy_point a[] = {{"2024-01-04", 1.0, 0.05}, {"2024-01-02", 1.0, 0.1}, {"2024-01-03", -0.5, -0.02}};
  const hc_strategy_point b[] = {{"2024-01-03", -1.5, -0.08}, {"2024-01-04", 0.0, -0.01}};
  const hc_strategy_point c[] = {{"2024-01-04", 0.5, 0.02}};
  hc_trading_options      o;
  hc_trading_metrics      m;
  hc_portfolio           *p;
  hc_trading_options_default(&o);
  cr_assert_eq(hc_trading_portfolio_create(&p), 0);
  cr_assert_eq(hc_trading_portfolio_finish(p, &o, &m), 0);
  cr_assert_eq(m.n, 0, "nothing added");
  assert_all_nan(&m);
  cr_assert_eq(hc_trading_portfolio_add(p, a, 3), 0);
  cr_assert_eq(hc_trading_portfolio_add(p, b, 2), 0);
  cr_assert_eq(hc_trading_portfolio_add(p, c, 1), 0);
  cr_assert_eq(hc_trading_portfolio_finish(p, &o, &m), 0);
  cr_assert_eq(m.n, 3);
  cr_assert_float_eq(m.cum_return, 0.0659, EPS);
  cr_assert_float_eq(m.sortino, 1.4 * sqrt(84.0), EPS);
  cr_assert_float_eq(m.max_drawdown, 0.05, EPS);
  cr_assert_float_eq(m.hit_rate, 2.0 / 3.0, EPS);
  cr_assert_float_eq(m.profit_factor, 0.12 / 0.05, EPS);
  cr_assert_float_eq(m.turnover, 1.5, EPS);
  /* finish leaves the sums: a fourth date added afterwards extends the series */
  const hc_strategy_point d[] = {{"2024-01-05", 0.5, 0.0}};
  cr_assert_eq(hc_trading_portfolio_add(p, d, 1), 0);
  cr_assert_eq(hc_trading_portfolio_finish(p, &o, &m), 0);
  cr_assert_eq(m.n, 4);
  cr_assert_float_eq(m.cum_return, 0.0659, EPS);
  cr_assert_float_eq(m.turnover, (4.5 + 0.0) / 4.0, EPS, "position unchanged on the new date: %.17g", m.turnover);
  hc_trading_portfolio_destroy(&p);
  cr_assert_null(p);
  hc_trading_portfolio_destroy(&p); /* safe on NULL */
}

/** Uniform in [lo, hi) from a 64-bit LCG (Knuth's MMIX constants). */
static double lcg_uniform(unsigned long long *s, double lo, double hi)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return lo + (hi - lo) * (double)(*s >> 11) / 9007199254740992.0;
}

Test(eval_trading, portfolio_accumulator_equals_all_points_at_once)
{
  /* 60 tickers with histories of different starts and lengths over 700 dates (labels D00000..),
   * more dates than the accumulator's first table (256 slots): it grows */
  enum { K = 60, D = 700 };
  static double      sum_r[D], sum_p[D];
  static int         cnt[D];
  hc_strategy_point *all = malloc(sizeof *all * K * D), *tk = malloc(sizeof *tk * D);
  hc_trading_options o;
  hc_trading_metrics m, m_all, m_direct;
  hc_portfolio      *p;
  unsigned long long seed = 20240101ULL;
  int                n_all = 0;
  cr_assert(all && tk);
  hc_trading_options_default(&o);
  cr_assert_eq(hc_trading_portfolio_create(&p), 0);
  for (int k = 0; k < K; k++) {
    const int start = (k * 37) % 200, len = 100 + (k * 53) % 400;
    for (int t = 0; t < len; t++) {
      const int day = start + t;
      snprintf(tk[t].date, HC_LABEL_LEN, "D%05d", day);
      tk[t].position = lcg_uniform(&seed, -1.0, 1.0);
      tk[t].ret      = lcg_uniform(&seed, -0.03, 0.03);
      sum_r[day] += tk[t].ret; /* the direct per-date sums, in ticker order */
      sum_p[day] += tk[t].position;
      cnt[day]++;
      all[n_all++] = tk[t];
    }
    /* one ticker's points, in reverse date order */
    for (int i = 0, j = len - 1; i < j; i++, j--) {
      hc_strategy_point x = tk[i];
      tk[i]               = tk[j];
      tk[j]               = x;
    }
    cr_assert_eq(hc_trading_portfolio_add(p, tk, len), 0);
  }
  cr_assert_eq(hc_trading_portfolio_finish(p, &o, &m), 0);
  hc_trading_portfolio_destroy(&p);

  /* the direct computation: mean over the tickers of each date, dates in order */
  double r[D], pos[D];
  int    T = 0;
  for (int d = 0; d < D; d++)
    if (cnt[d]) {
      r[T]     = sum_r[d] / cnt[d];
      pos[T++] = sum_p[d] / cnt[d];
    }
  hc_trading_evaluate(&o, r, pos, T, &m_direct);
  cr_assert_eq(m.n, T);
  cr_assert_eq(memcmp(&m, &m_direct, sizeof m), 0, "the same sums in the same order: bit-identical");

  /* the all-at-once function (sums of a date in return order): equal up to rounding */
  cr_assert_eq(hc_trading_portfolio(&o, all, n_all, &m_all), 0);
  cr_assert_eq(m_all.n, m.n);
  const double got[8]  = {m.cum_return, m.sharpe, m.sortino, m.calmar, m.max_drawdown, m.hit_rate, m.profit_factor, m.turnover};
  const double want[8] = {m_all.cum_return, m_all.sharpe,   m_all.sortino,       m_all.calmar,
                          m_all.max_drawdown, m_all.hit_rate, m_all.profit_factor, m_all.turnover};
  for (int i = 0; i < 8; i++) {
    cr_assert(isfinite(want[i]), "metric %d", i);
    cr_assert_geq(lre(got[i], want[i]), 12.0, "metric %d: %.17g vs %.17g", i, got[i], want[i]);
  }
  free(all);
  free(tk);
}
