/**
 * @file backtest.c
 * @brief The honest backtest of a book: rebuilt at each rebalance from what was known the day
 *        before, held to the next, net of turnover costs; beside it equal-weight buy-and-hold.
 */
#include "hpcast/portfolio.h"

#include <math.h>
#include <string.h>

/* R_i = exp(y_i / 100) - 1 with y = e + mu at date c (0 where either is missing). */
static PetscErrorCode simple_returns(const hc_cov_panel *p, int c, Vec e, Vec mu, Vec R)
{
  const PetscScalar *ea, *ma;
  PetscScalar       *ra;
  PetscInt           n;
  PetscFunctionBeginUser;
  PetscCall(hc_cov_panel_column(p, HC_COV_E, c, e));
  PetscCall(hc_cov_panel_column(p, HC_COV_MU, c, mu));
  PetscCall(VecGetLocalSize(R, &n));
  PetscCall(VecGetArrayRead(e, &ea));
  PetscCall(VecGetArrayRead(mu, &ma));
  PetscCall(VecGetArray(R, &ra));
  for (PetscInt i = 0; i < n; i++) {
    const double y = ea[i] + ma[i];
    ra[i]          = isfinite(y) ? expm1(y / 100.0) : 0.0;
  }
  PetscCall(VecRestoreArray(R, &ra));
  PetscCall(VecRestoreArrayRead(mu, &ma));
  PetscCall(VecRestoreArrayRead(e, &ea));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_port_backtest_run(const hc_cov_panel *p, const hc_cov_options *co, const hc_port_options *o, Vec sector, int n_sectors,
                                    hc_port_backtest *bt)
{
  int             N, T;
  PetscInt        nl;
  Vec             mu, sd, e, R, v, g;
  hc_port_options po = *o;
  PetscFunctionBeginUser;
  memset(bt, 0, sizeof *bt);
  hc_cov_panel_size(p, &N, &T);
  PetscCall(hc_cov_panel_vec(p, &bt->w_last));
  PetscCall(VecSet(bt->w_last, 0.0));
  if (co->origins <= 0 || T < 3 || o->method == HC_PORT_NONE) PetscFunctionReturn(0);
  const int c0 = T - PetscMin(co->origins, T - 2), refit = PetscMax(1, co->refit_every);
  po.horizon = refit;
  Vec *vecs[] = {&mu, &sd, &e, &R, &v, &g};
  for (size_t k = 0; k < sizeof vecs / sizeof *vecs; k++) PetscCall(hc_cov_panel_vec(p, vecs[k]));
  PetscCall(VecGetLocalSize(mu, &nl));
  bt->n_days = T - c0;
  PetscCall(PetscMalloc4(bt->n_days, &bt->day, bt->n_days, &bt->r_book, bt->n_days, &bt->r_bench, bt->n_days, &bt->turnover));
  /* the benchmark: 1/n in each asset with a one-step forecast at the first date */
  PetscCall(hc_cov_panel_column(p, HC_COV_SD, c0, sd));
  PetscCall(hc_cov_panel_column(p, HC_COV_MU, c0, mu));
  {
    const PetscScalar *sa, *ma;
    PetscScalar       *va;
    double             n_b;
    PetscCall(VecGetArrayRead(sd, &sa));
    PetscCall(VecGetArrayRead(mu, &ma));
    PetscCall(VecGetArray(v, &va));
    for (PetscInt i = 0; i < nl; i++) va[i] = isfinite(sa[i]) && sa[i] > 0.0 && isfinite(ma[i]);
    PetscCall(VecRestoreArray(v, &va));
    PetscCall(VecRestoreArrayRead(mu, &ma));
    PetscCall(VecRestoreArrayRead(sd, &sa));
    PetscCall(VecSum(v, &n_b));
    if (n_b > 0) PetscCall(VecScale(v, 1.0 / n_b));
  }
  for (int c = c0; c < T; c++) {
    const int k = c - c0;
    double    traded = 0.0, rb, vb;
    if (k % refit == 0) {
      hc_cov_estimate  est;
      hc_port_solution sol;
      PetscCall(hc_cov_estimate_compute(p, co, c, NULL, &est));
      PetscCall(hc_cov_panel_column(p, HC_COV_SD, c, sd));
      PetscCall(hc_cov_panel_column(p, HC_COV_MU, c, mu));
      hc_port_problem pr = {.cov = &est, .mu = mu, .sd = sd, .investable = est.member, .w_prev = bt->w_last, .sector = sector, .n_sectors = n_sectors};
      PetscCall(hc_port_solve(&po, &pr, &sol));
      traded = sol.turnover;
      bt->n_rebalances++;
      bt->n_unconverged += !sol.converged;
      bt->max_violation = PetscMax(bt->max_violation, sol.max_violation);
      PetscCall(VecCopy(sol.w, bt->w_last));
      PetscCall(hc_port_solution_free(&sol));
      PetscCall(hc_cov_estimate_free(&est));
    }
    PetscCall(simple_returns(p, c, e, mu, R));
    bt->day[k]      = hc_cov_panel_day(p, c);
    bt->turnover[k] = traded;
    PetscCall(VecDot(bt->w_last, R, &bt->r_book[k]));
    bt->r_book[k] -= o->cost_bps * 1e-4 * traded;
    /* buy-and-hold: r = v'R / 1'v, then each value grows by its return */
    PetscCall(VecDot(v, R, &rb));
    PetscCall(VecSum(v, &vb));
    bt->r_bench[k] = vb > 0.0 ? rb / vb : 0.0;
    PetscCall(VecShift(R, 1.0));
    PetscCall(VecPointwiseMult(v, v, R));
  }
  for (size_t k = 0; k < sizeof vecs / sizeof *vecs; k++) PetscCall(VecDestroy(vecs[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_port_backtest_free(hc_port_backtest *bt)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree4(bt->day, bt->r_book, bt->r_bench, bt->turnover));
  PetscCall(VecDestroy(&bt->w_last));
  memset(bt, 0, sizeof *bt);
  PetscFunctionReturn(0);
}
