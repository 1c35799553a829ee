/**
 * @file stage.c
 * @brief The cross-sectional stage, wired: every rank hands the panel rows its pipeline kept to
 *        the covariance module (collective over PETSC_COMM_WORLD), which estimates the
 *        correlation forecast and its minimum-variance backtest; rank 0 receives the gathered
 *        result for the report. One log event per phase: hcCovPanel, hcCovEstimate,
 *        hcCovBacktest, hcCovGather (inside hcCovariance).
 */
#include "app.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISO date "YYYY-MM-DD" of a day since 1970-01-01 (H. Hinnant's civil_from_days, "chrono-
 * Compatible Low-Level Date Algorithms", http://howardhinnant.github.io/date_algorithms.html). */
static void iso_date(long z, char *out, size_t len)
{
  z += 719468;
  const long     era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long     y   = (long)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp  = (5 * doy + 2) / 153;
  const unsigned d   = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m   = mp < 10 ? mp + 3 : mp - 9;
  snprintf(out, len, "%04ld-%02u-%02u", y + (m <= 2), m, d);
}

/* Days since 1970-01-01 of an ISO date "YYYY-MM-DD..." (days_from_civil of the same paper), or
 * INT_MIN if it is not one. */
static int days_of(const char *iso)
{
  int y, m, d;
  if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return INT_MIN;
  y -= m <= 2;
  const int      era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int)doe - 719468;
}

/* Why /summary row i is not in the model (code: the best hc_panel_code any rank had for it). */
static void why_not(const hc_app_options *o, int code, int member, int n_obs, char *why, size_t len)
{
  if (member) why[0] = '\0';
  else if (code == HC_PANEL_NONE) hc_strlcpy(why, "not ok (see /summary)", len);
  else if (code == HC_PANEL_NOT_DAILY) hc_strlcpy(why, "labels are not daily dates: no common calendar", len);
  else if (code == HC_PANEL_NO_RESIDUALS) hc_strlcpy(why, "the selected model gives no standardized residuals", len);
  else if (n_obs < o->cov.min_overlap)
    snprintf(why, len, "too few observations in the window: %d < -covariance_min_overlap %d", n_obs, o->cov.min_overlap);
  else hc_strlcpy(why, "constant standardized residuals in the window", len);
}

/* v[pos[entry]] = value for each of this rank's panel rows (v in the panel's layout). */
static PetscErrorCode rows_to_vec(const hc_panel_row *rows, int n_rows, const int *pos, int which, Vec v)
{
  PetscFunctionBeginUser;
  PetscCall(VecSet(v, NAN));
  for (int k = 0; k < n_rows; k++)
    if (rows[k].code == HC_PANEL_ROW) PetscCall(VecSetValue(v, pos[rows[k].entry], which ? rows[k].sd_next : rows[k].mu_next, INSERT_VALUES));
  PetscCall(VecAssemblyBegin(v));
  PetscCall(VecAssemblyEnd(v));
  PetscFunctionReturn(0);
}

/* v on rank 0 as an array [N] (PetscMalloc'd; NULL elsewhere). */
static PetscErrorCode vec_on_zero(Vec v, double **out)
{
  VecScatter         sc;
  Vec                z;
  const PetscScalar *a;
  PetscInt           n;
  PetscFunctionBeginUser;
  *out = NULL;
  PetscCall(VecScatterCreateToZero(v, &sc, &z));
  PetscCall(VecScatterBegin(sc, v, z, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, v, z, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetLocalSize(z, &n));
  if (n) {
    PetscCall(PetscMalloc1(n, out));
    PetscCall(VecGetArrayRead(z, &a));
    PetscCall(PetscArraycpy(*out, a, n));
    PetscCall(VecRestoreArrayRead(z, &a));
  }
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&z));
  PetscFunctionReturn(0);
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* hpcast update: the book's track continued into st->pbt without rebuilding past books: the
 * previous report's days, then each panel date after its last: the book the previous report
 * said to hold (its /portfolio weights, the trade into them paid on the first new date, held
 * after) earning each asset's return (y = e + mu; 0 without an observation), and equal-weight
 * buy-and-hold of the assets with a forecast on the first date kept; the last as many dates as
 * the previous report had. st->pbt.w_last: the previous book, in the panel's layout (pos: the
 * /summary row of each universe entry), from which the new book's turnover counts. Collective. */
static PetscErrorCode continue_book(const hc_app_options *o, const hc_universe *u, const hc_cov_panel *panel, const hc_panel_row *rows,
                                    int n_rows, const int *pos, const hc_report_tracks *prev, hc_app_stage *st)
{
  hc_port_backtest *bt = &st->pbt;
  int               Np, T, m = 0;
  PetscMPIInt       rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  hc_cov_panel_size(panel, &Np, &T);
  const int D = prev->book_days, last = D ? days_of(prev->book_date[D - 1]) : days_of(prev->as_of);
  int      *nd;
  PetscCall(PetscMalloc1(T + 1, &nd));
  for (int t = 0; t < T; t++)
    if (hc_cov_panel_day(panel, t) > last) nd[m++] = hc_cov_panel_day(panel, t);
  const int keep = D ? D : m, drop = D + m - keep;
  const int F    = !keep ? INT_MAX : drop < D ? days_of(prev->book_date[drop]) : nd[drop - D]; /* the first date kept */
  double   *acc;
  PetscCall(PetscCalloc1(3 * m + 1, &acc)); /* per new date: the book's return, the benchmark's sum of g r and of g */
  for (int k = 0; k < n_rows; k++) {
    const hc_panel_row *row = &rows[k];
    if (row->code != HC_PANEL_ROW) continue;
    const char(*hit)[HC_NAME_LEN] = bsearch(u->ticker[row->entry], prev->ticker, (size_t)prev->N, sizeof *prev->ticker, by_name);
    const double w                = hit && isfinite(prev->weight[hit - prev->ticker]) ? prev->weight[hit - prev->ticker] : 0.0;
    double       g                = 1.0;
    int          member           = 0, j = 0;
    for (int t = 0; t < row->n; t++) {
      const int    day = row->day[t];
      const double r   = isfinite(row->e[t]) && isfinite(row->mu[t]) ? exp((row->e[t] + row->mu[t]) / 100.0) - 1.0 : 0.0;
      if (day < F) continue;
      member |= day == F && isfinite(row->mu[t]);
      while (j < m && nd[j] < day) j++;
      if (j < m && nd[j] == day) {
        acc[j] += w * r;
        if (member) acc[m + j] += g * r, acc[2 * m + j] += g;
      }
      if (member) g *= 1.0 + r;
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, acc, 3 * m, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  memset(bt, 0, sizeof *bt);
  bt->n_days = keep;
  PetscCall(PetscMalloc4(keep + 1, &bt->day, keep + 1, &bt->r_book, keep + 1, &bt->r_bench, keep + 1, &bt->turnover));
  for (int c = drop, k = 0; c < D + m; c++, k++) {
    const int j = c - D;
    bt->day[k]      = c < D ? days_of(prev->book_date[c]) : nd[j];
    bt->r_book[k]   = c < D ? prev->r_book[c] : acc[j] - (j == 0 ? o->port.cost_bps * 1e-4 * prev->turnover : 0.0);
    bt->r_bench[k]  = c < D ? prev->r_bench[c] : acc[2 * m + j] > 0 ? acc[m + j] / acc[2 * m + j] : NAN;
    bt->turnover[k] = c < D ? prev->turnover_t[c] : j == 0 ? prev->turnover : 0.0;
  }
  bt->n_rebalances  = prev->rebalances;
  bt->n_unconverged = prev->unconverged;
  bt->max_violation = prev->max_violation;
  PetscCall(hc_cov_panel_vec(panel, &bt->w_last));
  PetscCall(VecSet(bt->w_last, 0.0));
  for (int i = 0; rank == 0 && i < u->n; i++) {
    const char(*hit)[HC_NAME_LEN] = pos[i] >= 0 ? bsearch(u->ticker[i], prev->ticker, (size_t)prev->N, sizeof *prev->ticker, by_name) : NULL;
    if (hit && isfinite(prev->weight[hit - prev->ticker])) PetscCall(VecSetValue(bt->w_last, pos[i], prev->weight[hit - prev->ticker], INSERT_VALUES));
  }
  PetscCall(VecAssemblyBegin(bt->w_last));
  PetscCall(VecAssemblyEnd(bt->w_last));
  PetscCall(PetscFree(acc));
  PetscCall(PetscFree(nd));
  PetscFunctionReturn(0);
}

/* hpcast update: the previous report's covariance backtest into bt, as it is (the days and
 * figures of its correlation forecasts; an update makes no new past forecast). */
static PetscErrorCode keep_cov_backtest(const hc_report_tracks *prev, hc_cov_backtest *bt)
{
  const int K = prev->cov_days;
  PetscFunctionBeginUser;
  memset(bt, 0, sizeof *bt);
  PetscCall(PetscMalloc6(K, &bt->day, K, &bt->n_assets, K, &bt->r_gmv, K, &bt->s_gmv, K, &bt->r_ew, K, &bt->s_ew));
  for (int k = 0; k < K; k++) {
    bt->day[k] = days_of(prev->cov_date[k]), bt->n_assets[k] = prev->n_assets[k];
    bt->r_gmv[k] = prev->r_gmv[k], bt->s_gmv[k] = prev->s_gmv[k], bt->r_ew[k] = prev->r_ew[k], bt->s_ew[k] = prev->s_ew[k];
  }
  bt->n_days = K, bt->n_refits = prev->refits, bt->n_fallbacks = prev->fallbacks;
  bt->vol_gmv = prev->vol_gmv, bt->vol_ew = prev->vol_ew, bt->pred_gmv = prev->pred_gmv, bt->pred_ew = prev->pred_ew;
  bt->bias_gmv = prev->bias_gmv, bt->bias_ew = prev->bias_ew;
  PetscFunctionReturn(0);
}

/* The portfolio: the sector of each /summary row (-sectors), the rolling backtest of the book,
 * and the book to hold from the live one-step forecasts and the correlation forecast est,
 * starting from the backtest's last weights; its weights and figures on rank 0. */
static PetscErrorCode build_book(const hc_app_options *o, const hc_universe *u, const hc_cov_panel *panel, const hc_cov_estimate *est,
                                 const hc_panel_row *rows, int n_rows, const int *pos, int N, const hc_report_tracks *prev, hc_app_stage *st,
                                 PetscLogEvent ev_bt, PetscLogEvent ev_solve)
{
  Vec              sector = NULL, mu, sd;
  int              n_sectors = 0;
  hc_port_solution sol;
  PetscMPIInt      rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (o->sectors[0]) {
    int  *sec, rc;
    char  names[HC_MAX_SECTORS][HC_SECTOR_LEN], err[HC_PATH_LEN + 256];
    PetscInt rs, re;
    PetscCall(PetscMalloc1(u->n + 1, &sec));
    rc = hc_io_read_sectors(o->sectors, u->n, (const char(*)[HC_NAME_LEN])u->ticker, sec, &n_sectors, names, err, sizeof err);
    PetscCheck(rc != -1, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-sectors %s: %s", o->sectors, err);
    PetscCall(hc_cov_panel_vec(panel, &sector));
    PetscCall(VecGetOwnershipRange(sector, &rs, &re));
    for (int i = 0; i < u->n; i++)
      if (pos[i] >= rs && pos[i] < re) PetscCall(VecSetValue(sector, pos[i], sec[i], INSERT_VALUES));
    PetscCall(VecAssemblyBegin(sector));
    PetscCall(VecAssemblyEnd(sector));
    PetscCall(PetscFree(sec));
  }
  PetscCall(PetscLogEventBegin(ev_bt, 0, 0, 0, 0));
  if (prev) PetscCall(continue_book(o, u, panel, rows, n_rows, pos, prev, st));
  else PetscCall(hc_port_backtest_run(panel, &o->cov, &o->port, sector, n_sectors, &st->pbt));
  PetscCall(PetscLogEventEnd(ev_bt, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(ev_solve, 0, 0, 0, 0));
  PetscCall(hc_cov_panel_vec(panel, &mu));
  PetscCall(hc_cov_panel_vec(panel, &sd));
  PetscCall(rows_to_vec(rows, n_rows, pos, 0, mu));
  PetscCall(rows_to_vec(rows, n_rows, pos, 1, sd));
  hc_port_problem pr = {.cov = est, .mu = mu, .sd = sd, .investable = est->member, .w_prev = st->pbt.w_last, .sector = sector, .n_sectors = n_sectors};
  PetscCall(hc_port_solve(&o->port, &pr, &sol));
  PetscCall(PetscLogEventEnd(ev_solve, 0, 0, 0, 0));
  double *m0, *s0;
  PetscCall(vec_on_zero(sol.w, &st->weight));
  PetscCall(vec_on_zero(mu, &m0));
  PetscCall(vec_on_zero(sd, &s0));
  if (rank == 0) {
    PetscCall(PetscMalloc1(N + 1, &st->book_why));
    for (int i = 0; i < N; i++) {
      if (!st->member[i]) hc_strlcpy(st->book_why[i], st->why[i][0] ? st->why[i] : "not in the covariance forecast", HC_REASON_LEN);
      else if (!isfinite(s0[i]) || s0[i] <= 0 || (o->port.method == HC_PORT_MEANVAR && !isfinite(m0[i])))
        hc_strlcpy(st->book_why[i], "no one-step forecast", HC_REASON_LEN);
      else st->book_why[i][0] = '\0';
    }
    hc_strlcpy(st->status, sol.status, sizeof st->status);
    hc_strlcpy(st->note, sol.note, sizeof st->note);
    PetscCall(PetscMalloc1(st->pbt.n_days + 1, &st->book_dates));
    for (int k = 0; k < st->pbt.n_days; k++) iso_date(st->pbt.day[k], st->book_dates[k], sizeof st->book_dates[k]);
  }
  st->has_book = 1;
  st->book     = (hc_report_portfolio){.method = hc_port_method_name(o->port.method), .long_only = o->port.long_only, .horizon = o->port.horizon,
                                       .max_weight = o->port.max_weight, .max_gross = o->port.max_gross,
                                       .max_sector_weight = o->port.max_sector_weight, .risk_aversion = o->port.risk_aversion,
                                       .cost_bps = o->port.cost_bps, .sectors = o->sectors, .as_of = st->last, .N = N,
                                       .weight = st->weight, .why = (const char(*)[HC_REASON_LEN])st->book_why, .n_assets = sol.n_assets,
                                       .n_held = sol.n_held, .iterations = sol.iterations, .converged = sol.converged, .status = st->status,
                                       .note = st->note, .max_weight_used = sol.max_weight, .max_sector_weight_used = sol.max_sector_weight,
                                       .expected_return = sol.expected_return, .predicted_vol = sol.predicted_vol, .net = sol.net,
                                       .gross = sol.gross, .turnover = sol.turnover, .objective = sol.objective,
                                       .kkt_gradient = sol.kkt_gradient, .kkt_constraint = sol.kkt_constraint,
                                       .max_violation = sol.max_violation, .bt_days = st->pbt.n_days,
                                       .bt_date = (const char(*)[HC_LABEL_LEN])st->book_dates,
                                       .bt_rebalances = st->pbt.n_rebalances, .bt_unconverged = st->pbt.n_unconverged,
                                       .bt_max_violation = st->pbt.max_violation, .r_book = st->pbt.r_book,
                                       .r_bench = st->pbt.r_bench, .turnover_t = st->pbt.turnover};
  PetscCall(PetscFree(m0));
  PetscCall(PetscFree(s0));
  PetscCall(hc_port_solution_free(&sol));
  PetscCall(VecDestroy(&st->pbt.w_last)); /* collective: not left for hc_app_covariance_free */
  PetscCall(VecDestroy(&mu));
  PetscCall(VecDestroy(&sd));
  PetscCall(VecDestroy(&sector));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_covariance(const hc_app_options *o, const hc_universe *u, hc_pipeline *pl, const int *pos, int N, hc_app_stage *st)
{
  static PetscLogEvent ev_stage, ev_panel, ev_est, ev_bt, ev_gather, ev_pbt, ev_psolve;
  const hc_panel_row  *rows;
  hc_cov_row          *in;
  hc_cov_panel        *panel;
  hc_cov_estimate      est;
  int                  n_rows, n_in = 0, *code, T, Np;
  PetscMPIInt          rank;

  PetscFunctionBeginUser;
  memset(st, 0, sizeof *st);
  if (!ev_stage) {
    PetscClassId cls;
    PetscCall(PetscClassIdRegister("hpcast covariance", &cls));
    PetscCall(PetscLogEventRegister("hcCovariance", cls, &ev_stage));
    PetscCall(PetscLogEventRegister("hcCovPanel", cls, &ev_panel));
    PetscCall(PetscLogEventRegister("hcCovEstimate", cls, &ev_est));
    PetscCall(PetscLogEventRegister("hcCovBacktest", cls, &ev_bt));
    PetscCall(PetscLogEventRegister("hcCovGather", cls, &ev_gather));
    PetscCall(PetscLogEventRegister("hcPortBacktest", cls, &ev_pbt));
    PetscCall(PetscLogEventRegister("hcPortSolve", cls, &ev_psolve));
  }
  const double t0 = hc_time_wall();
  PetscCall(PetscLogEventBegin(ev_stage, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  hc_pipeline_panel(pl, &n_rows, &rows);
  /* which /summary rows have a panel row, and why the others have none (on rank 0) */
  PetscCall(PetscCalloc1(N + 1, &code));
  PetscCall(PetscMalloc1(n_rows + 1, &in));
  for (int k = 0; k < n_rows; k++) {
    const int i = pos[rows[k].entry];
    code[i]     = PetscMax(code[i], (int)rows[k].code);
    if (rows[k].code == HC_PANEL_ROW)
      in[n_in++] = (hc_cov_row){.index = i, .n = rows[k].n, .day = rows[k].day, .z = rows[k].z, .e = rows[k].e, .sd = rows[k].sd, .mu = rows[k].mu};
  }
  PetscCallMPI(MPI_Reduce(rank ? code : MPI_IN_PLACE, code, N, MPI_INT, MPI_MAX, 0, PETSC_COMM_WORLD));

  PetscCall(PetscLogEventBegin(ev_panel, 0, 0, 0, 0));
  PetscCall(hc_cov_panel_create(PETSC_COMM_WORLD, N, n_in, in, o->cov.window + o->cov.origins, &panel));
  PetscCall(PetscLogEventEnd(ev_panel, 0, 0, 0, 0));
  PetscCall(PetscFree(in));
  hc_cov_panel_size(panel, &Np, &T);
  PetscCall(PetscLogEventBegin(ev_est, 0, 0, 0, 0));
  PetscCall(hc_cov_estimate_compute(panel, &o->cov, T, NULL, &est));
  PetscCall(PetscLogEventEnd(ev_est, 0, 0, 0, 0));
  /* hpcast update: the previous report's tracks (its covariance backtest kept as it is, its book
   * continued) instead of running them again */
  hc_report_tracks prev = {0};
  if (o->update_from[0]) {
    hc_report_reader *rd;
    char              err[HC_PATH_LEN + 256];
    int               rc = hc_io_report_open(o->update_from, &rd, err, sizeof err);
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-from %s", err);
    rc = hc_io_report_read_tracks(rd, &prev, err, sizeof err);
    hc_io_report_close(&rd);
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-from %s: %s", o->update_from, err);
  }
  PetscCall(PetscLogEventBegin(ev_bt, 0, 0, 0, 0));
  if (prev.cov_days) PetscCall(keep_cov_backtest(&prev, &st->bt));
  else PetscCall(hc_cov_backtest_run(panel, &o->cov, &st->bt));
  PetscCall(PetscLogEventEnd(ev_bt, 0, 0, 0, 0));

  PetscCall(PetscLogEventBegin(ev_gather, 0, 0, 0, 0));
  PetscCall(hc_cov_estimate_gather(&est, &st->R, &st->B, &st->psi, &st->member, &st->n_obs));
  if (rank == 0) {
    const hc_cov_backtest *bt = &st->bt;
    PetscCall(PetscMalloc1(N + 1, &st->why));
    for (int i = 0; i < N; i++) why_not(o, code[i], st->member[i], st->n_obs[i], st->why[i], sizeof st->why[i]);
    PetscCall(PetscMalloc1(bt->n_days + 1, &st->dates));
    for (int k = 0; k < bt->n_days; k++) iso_date(bt->day[k], st->dates[k], sizeof st->dates[k]);
    hc_strlcpy(st->model, hc_cov_model_name(est.model), sizeof st->model);
    hc_strlcpy(st->reason, est.reason, sizeof st->reason);
    if (T > 0) {
      iso_date(hc_cov_panel_day(panel, T - est.window), st->first, sizeof st->first);
      iso_date(hc_cov_panel_day(panel, T - 1), st->last, sizeof st->last);
    }
    st->report = (hc_report_covariance){.requested = o->covariance, .model = st->model, .reason = st->reason, .first_date = st->first,
                                        .last_date = st->last, .N = N, .n_members = est.n_members, .window = est.window,
                                        .min_overlap = o->cov.min_overlap, .K = est.B ? est.K : 0, .n_pairs = est.n_pairs,
                                        .iterations = est.iterations, .tao_reason = est.tao_reason, .n_low_pairs = est.n_low_pairs,
                                        .shrinkage = est.shrinkage, .shrinkage_lw = est.shrinkage_lw, .lambda_min = est.lambda_min,
                                        .a = est.a, .b = est.b, .se_a = est.se_a, .se_b = est.se_b, .loglik = est.loglik,
                                        .explained = est.B ? est.explained : NAN, .correlation = st->R, .loadings = st->B,
                                        .specific = st->psi, .in_matrix = st->member, .n_obs = st->n_obs,
                                        .why = (const char(*)[HC_REASON_LEN])st->why, .bt_days = bt->n_days,
                                        .bt_refits = bt->n_refits, .bt_fallbacks = bt->n_fallbacks,
                                        .bt_date = (const char(*)[HC_LABEL_LEN])st->dates, .bt_assets = bt->n_assets,
                                        .r_gmv = bt->r_gmv, .s_gmv = bt->s_gmv, .r_ew = bt->r_ew, .s_ew = bt->s_ew,
                                        .vol_gmv = bt->vol_gmv, .vol_ew = bt->vol_ew, .pred_gmv = bt->pred_gmv,
                                        .pred_ew = bt->pred_ew, .bias_gmv = bt->bias_gmv, .bias_ew = bt->bias_ew};
  }
  PetscCall(PetscLogEventEnd(ev_gather, 0, 0, 0, 0));
  if (o->port.method != HC_PORT_NONE) PetscCall(build_book(o, u, panel, &est, rows, n_rows, pos, N, prev.N ? &prev : NULL, st, ev_pbt, ev_psolve));
  hc_io_report_tracks_free(&prev);
  PetscCall(hc_cov_estimate_free(&est));
  PetscCall(hc_cov_panel_destroy(&panel));
  PetscCall(PetscFree(code));
  PetscCall(PetscLogEventEnd(ev_stage, 0, 0, 0, 0));
  double cost[2] = {hc_time_wall() - t0, hc_peak_rss_mb()}; /* the slowest rank, the largest one */
  PetscCallMPI(MPI_Reduce(rank ? cost : MPI_IN_PLACE, cost, 2, MPI_DOUBLE, MPI_MAX, 0, PETSC_COMM_WORLD));
  st->report.seconds     = cost[0];
  st->report.peak_rss_mb = cost[1];
  PetscFunctionReturn(0);
}

/* The trading metrics of decimal returns r [n] with turnover traded [n] (NULL: none) and the
 * figures against the benchmark rb (NULL: none). */
static void book_row(const hc_app_options *o, const char *name, const double *r, const double *traded, const double *rb, int n,
                     hc_report_book *b)
{
  double tot = 0.0;
  memset(b, 0, sizeof *b);
  hc_strlcpy(b->book, name, sizeof b->book);
  hc_trading_evaluate(&o->backtest.trading, r, NULL, n, &b->m);
  for (int t = 0; traded && t < n; t++) tot += traded[t];
  b->m.turnover = n > 0 ? tot / n : NAN;
  hc_port_active_metrics(r, rb ? rb : r, rb ? n : 0, o->backtest.trading.periods_per_year, &b->a);
  b->m.bh_sharpe         = NAN;
  b->m.excess_sharpe     = NAN;
  b->m.information_ratio = b->a.information_ratio;
}

void hc_app_strategies_row(const hc_trading_metrics *m, hc_report_book *b)
{
  memset(b, 0, sizeof *b);
  hc_strlcpy(b->book, "strategies", sizeof b->book);
  b->m = *m;
  hc_port_active_metrics(NULL, NULL, 0, 1.0, &b->a); /* no benchmark: NaN */
}

PetscErrorCode hc_app_books(const hc_app_options *o, hc_app_stage *st, const hc_portfolio *pf, const hc_trading_metrics *m_strat,
                            hc_report_book *books, int *n_books)
{
  PetscFunctionBeginUser;
  if (!st || !st->has_book) {
    hc_app_strategies_row(m_strat, &books[0]);
    *n_books = 1;
    PetscFunctionReturn(0);
  }
  const hc_port_backtest *bt = &st->pbt;
  char (*date)[HC_LABEL_LEN];
  double *ret, *pos;
  int     T;
  PetscCheck(!hc_trading_portfolio_series(pf, &T, &date, &ret, &pos), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  /* the strategies' returns on the book's dates (both sorted; labels compared on their date part) */
  PetscCall(PetscMalloc1(bt->n_days + 1, &st->r_strategies));
  for (int k = 0, t = 0; k < bt->n_days; k++) {
    while (t < T && strncmp(date[t], st->book_dates[k], 10) < 0) t++;
    st->r_strategies[k] = t < T && !strncmp(date[t], st->book_dates[k], 10) ? ret[t] : NAN;
  }
  free(date), free(ret), free(pos);
  /* the strategies' turnover is per ticker: the row keeps the universe book's (m_strat) */
  book_row(o, hc_port_method_name(o->port.method), bt->r_book, bt->turnover, bt->r_bench, bt->n_days, &books[0]);
  book_row(o, "strategies", st->r_strategies, NULL, bt->r_bench, bt->n_days, &books[1]);
  books[1].m.turnover = m_strat->turnover;
  book_row(o, "benchmark", bt->r_bench, NULL, NULL, bt->n_days, &books[2]);
  books[2].m.turnover = 0.0;
  for (int k = 0; k < 3; k++) {
    books[k].m.bh_sharpe     = books[2].m.sharpe;
    books[k].m.excess_sharpe = books[k].m.sharpe - books[2].m.sharpe;
  }
  st->book.r_strategies = st->r_strategies;
  *n_books              = 3;
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_covariance_free(hc_app_stage *st)
{
  PetscFunctionBeginUser;
  PetscCall(hc_port_backtest_free(&st->pbt)); /* its Vec is gone already (build_book) */
  PetscCall(PetscFree(st->weight));
  PetscCall(PetscFree(st->r_strategies));
  PetscCall(PetscFree(st->book_why));
  PetscCall(PetscFree(st->book_dates));
  PetscCall(hc_cov_backtest_free(&st->bt));
  PetscCall(PetscFree(st->R));
  PetscCall(PetscFree(st->B));
  PetscCall(PetscFree(st->psi));
  PetscCall(PetscFree(st->member));
  PetscCall(PetscFree(st->n_obs));
  PetscCall(PetscFree(st->why));
  PetscCall(PetscFree(st->dates));
  memset(st, 0, sizeof *st);
  PetscFunctionReturn(0);
}
