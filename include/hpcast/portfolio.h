/**
 * @file portfolio.h
 * @brief Portfolio construction from the forecasts and the covariance forecast (global minimum
 *        variance, mean-variance with turnover costs, equal risk contributions), solved by TAO on
 *        a distributed Vec, and the honest backtest of the book against equal-weight
 *        buy-and-hold.
 *
 * Data layout. Every [N] vector is distributed like the covariance panel's rows (PETSc's default
 * contiguous split of N over the communicator, the layout of hc_cov_estimate's Vecs). The
 * covariance of the assets is S = D R D with D = diag(sd), sd the one-period forecast sds and R
 * a correlation forecast (hc_cov_estimate): S is applied as a product, never formed, so the
 * cost of one iteration is that of hc_cov_estimate_mult (O(N K / ranks) for factor:K).
 *
 * Units: mu and sd are percent per period (percent log returns, the units of the per-ticker
 * forecasts); weights are fractions of wealth; returns of a book are decimal.
 *
 * Functions are collective on the vectors' communicator unless they say otherwise. The module
 * calls no MPI function itself (reductions are PETSc's). Errors are PETSc errors; a problem
 * without a solution (caps that cannot add up to 1) or a solver that does not converge is a
 * field of the result, never an error.
 */
#ifndef HPCAST_PORTFOLIO_H
#define HPCAST_PORTFOLIO_H

#include "hpcast/core.h"
#include "hpcast/covariance.h"

/** Construction methods (option -portfolio none|gmv|meanvar|riskparity). */
typedef enum { HC_PORT_NONE, HC_PORT_GMV, HC_PORT_MEANVAR, HC_PORT_RISKPARITY } hc_port_method;

/** "none", "gmv", "meanvar" or "riskparity". Not collective. */
const char *hc_port_method_name(hc_port_method m);

/** Options of the construction (-portfolio, -long_only, -max_weight, ...). */
typedef struct {
  hc_port_method method;
  int    long_only;         /**< 1: w >= 0 (-long_only); 0: long-short */
  double max_weight;        /**< |w_i| <= max_weight (-max_weight) */
  double max_gross;         /**< sum |w_i| <= max_gross (long-short; -max_gross) */
  double max_sector_weight; /**< |sum of a sector's w_i| <= this (-max_sector_weight; with sectors) */
  double risk_aversion;     /**< lambda of meanvar (-risk_aversion), per unit of decimal variance */
  double cost_bps;          /**< cost per unit of turnover sum |w - w_prev|, basis points (-cost_bps) */
  int    horizon;           /**< holding period h, periods (the rebalancing interval) */
} hc_port_options;

/** Defaults: gmv, long-only, max_weight 0.05, max_gross 2, max_sector_weight 0.25,
 *  risk_aversion 5, cost 5 bps, horizon 20. Not collective. */
void hc_port_options_default(hc_port_options *o);

/** The data of one construction. */
typedef struct {
  const hc_cov_estimate *cov; /**< the correlation forecast R */
  Vec mu;        /**< [N] one-period expected returns, percent (meanvar only; may be NULL otherwise) */
  Vec sd;        /**< [N] one-period forecast sds, percent, > 0 where investable */
  Vec investable; /**< [N] 1 if the asset may be held, else 0 (its weight is then 0) */
  Vec w_prev;    /**< [N] weights held before (NULL: none, all 0) */
  Vec sector;    /**< [N] sector index 0..n_sectors-1, or -1 for none (NULL: no sector caps) */
  int n_sectors;
} hc_port_problem;

/** A solved book. */
typedef struct {
  Vec    w;                /**< [N] weights (0 where not investable) */
  int    n_assets;         /**< investable assets */
  int    n_held;           /**< assets with |w_i| > 1e-8 */
  double expected_return;  /**< mu'w, percent per period (NaN without mu) */
  double predicted_vol;    /**< sqrt(w' S w), percent per period */
  double net, gross;       /**< sum w_i, sum |w_i| */
  double turnover;         /**< sum |w_i - w_prev_i| */
  double objective;        /**< the method's objective at w (the units of its definition) */
  double kkt_gradient;     /**< TAO's norm of the gradient of the Lagrangian (projected on the bounds) */
  double kkt_constraint;   /**< TAO's norm of the constraint violation (0 for riskparity) */
  double max_violation;    /**< largest violation of a cap, budget or bound, measured on w */
  int    iterations;       /**< TAO iterations (outer, for the augmented Lagrangian) */
  int    evaluations;      /**< objective and gradient evaluations (one covariance product each) */
  int    converged;        /**< 1 if TAO's reason is a convergence */
  char   status[64];       /**< TAO's converged reason, or why there is no book */
  double max_weight, max_sector_weight; /**< the caps used: the options', or raised to hold 1 (note) */
  char   note[160];        /**< why a cap was raised, "" otherwise */
} hc_port_solution;

/** Most sectors of a construction's sector caps. */
#define HC_PORT_MAX_SECTORS 64

/**
 * Solve the construction o->method over the investable assets:
 *  - gmv: minimise w' S w subject to the constraints below and 1'w = 1 (global minimum variance
 *    with constraints; Markowitz 1952, J. Finance 7(1) 77-91; Clarke, de Silva & Thorley 2011,
 *    J. Portfolio Management 37(2) 31-45).
 *  - meanvar: maximise h m'w - (lambda h / 2) w' V w - c sum |w_i - w_prev_i| with m = mu / 100,
 *    V = S / 1e4 (decimal units), h = o->horizon, lambda = o->risk_aversion, c = o->cost_bps 1e-4;
 *    long-only: 1'w <= 1 (the rest in cash); long-short: 1'w = 1 (Markowitz 1952; the linear
 *    turnover cost as in Lobo, Fazel & Boyd 2007, Ann. Oper. Res. 152, 341-365).
 *  - riskparity: equal risk contributions w_i (S w)_i = w' S w / n, w >= 0, 1'w = 1, by the
 *    convex problem min_y 1/2 y' S y - (1/n) sum log y_i, w = y / 1'y (Maillard, Roncalli &
 *    Teiletche 2010, J. Portfolio Management 36(4) 60-70; Spinu 2013, arXiv:1311.4057). Caps,
 *    gross and sector limits do not apply (the ERC portfolio is unique and long-only).
 * Constraints of gmv and meanvar: 0 <= w_i <= max_weight (long-only) or |w_i| <= max_weight,
 * sum |w_i| <= max_gross (long-short), for every sector s: sum_{i in s} w_i <= max_sector_weight
 * (and >= -max_sector_weight long-short). Caps that cannot hold a budget of 1 (fewer than
 * 1 / max_weight assets, or too few sectors) are raised to the smallest that can, and s->note
 * says so (a book is always built; s->max_weight and s->max_sector_weight are the caps used). Variables: w = p - n with p = p0 + b_p - s_p,
 * n = n0 + b_n - s_n (p0, n0 the positive and negative parts of w_prev; b, s >= 0 the trades),
 * so that turnover, gross and every constraint are linear and the caps are bounds; solved by
 * TAO's augmented Lagrangian (TAOALMM, PHR form, subproblems by bound-constrained L-BFGS, TAOBLMVM;
 * options prefix "portfolio_") with the budget and the sector and gross limits as its linear
 * constraints; riskparity by TAO BQNLS. Non-investable assets end at weight 0 (a previous
 * weight is sold). s is overwritten (free it with hc_port_solution_free). Collective.
 */
PetscErrorCode hc_port_solve(const hc_port_options *o, const hc_port_problem *pr, hc_port_solution *s);
/** Free s->w and zero s (safe on a zeroed s). Collective. */
PetscErrorCode hc_port_solution_free(hc_port_solution *s);

/** The rolling backtest of a book, its benchmark, and its daily series (identical on all ranks). */
typedef struct {
  int     n_days;      /**< dates evaluated */
  int    *day;         /**< [n_days] days since 1970-01-01 */
  double *r_book;      /**< [n_days] decimal return of the book, net of costs */
  double *r_bench;     /**< [n_days] decimal return of equal-weight buy-and-hold */
  double *turnover;    /**< [n_days] sum |w - w_prev| traded that day (0 between rebalances) */
  int     n_rebalances, n_unconverged; /**< constructions, of which TAO did not converge */
  double  max_violation; /**< largest constraint violation of any construction */
  Vec     w_last;      /**< [N] the weights held at the end (the book the next construction starts from) */
} hc_port_backtest;

/**
 * The honest backtest of o->method over the panel's last co->origins dates. At every
 * co->refit_every-th date c (the first is T - origins) the book is rebuilt from information
 * up to the day before c only: the correlation forecast on the window ending at c - 1
 * (hc_cov_estimate_compute(p, co, c)), the one-step forecast means and sds the panel holds for
 * date c (made at c - 1), and the weights held until then (w_prev; the first book starts from
 * cash). The weights are held to the next rebalance; each date t the book earns
 * r_t = sum_i w_i (exp(y_it / 100) - 1) - c_bps 1e-4 turnover_t, y = e + mu the realized percent
 * log return (an asset without an observation that day earns 0). The benchmark is equal-weight
 * buy-and-hold of the assets with a forecast at the first date: 1/n each at the first date, then
 * never rebalanced (each weight drifts with its asset's wealth; an asset without an observation
 * that day earns 0); no costs. Assets investable at c: members of the correlation forecast with
 * a finite positive sd and a finite mean at c. Collective; bt's arrays are PetscMalloc'd on
 * every rank.
 */
PetscErrorCode hc_port_backtest_run(const hc_cov_panel *p, const hc_cov_options *co, const hc_port_options *o, Vec sector, int n_sectors,
                                    hc_port_backtest *bt);
/** Free bt's arrays and w_last, and zero it. Collective. */
PetscErrorCode hc_port_backtest_free(hc_port_backtest *bt);

/**
 * The long-run variance of x[0..n-1] by Newey & West (1987, Econometrica 55(3) 703-708, eq. 2):
 * gamma_0 + 2 sum_{j=1..L} (1 - j / (L + 1)) gamma_j, gamma_j = (1/n) sum_t (x_t - xbar)(x_{t-j} - xbar)
 * (divisor n, Bartlett weights; R sandwich::NeweyWest with prewhite = FALSE, adjust = FALSE,
 * times n). NaN if n < 2. Not collective.
 */
double hc_port_newey_west(const double *x, int n, int L);
/** The lag rule L = floor(4 (n / 100)^(2/9)) (Newey & West 1994, Rev. Econ. Stud. 61(4) 631-653). Not collective. */
int hc_port_nw_lags(int n);

/**
 * Active performance of the decimal returns r against rb over n periods (pairs with a non-finite
 * value are left out), P periods per year: alpha and beta (Jensen 1968, J. Finance 23(2)
 * 389-416), active return, tracking error, information ratio (Grinold & Kahn 2000, Active
 * Portfolio Management, ch. 5), and the t-statistic of the mean active return with the
 * Newey-West standard error sqrt(lrv / n), L = hc_port_nw_lags(n). Undefined values are NaN.
 * Not collective.
 */
void hc_port_active_metrics(const double *r, const double *rb, int n, double P, hc_active_metrics *a);

#endif
