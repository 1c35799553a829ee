/**
 * @file stage.c
 * @brief The cross-sectional stage, wired: every rank hands the panel rows its pipeline kept to
 *        the covariance module (collective over PETSC_COMM_WORLD), which estimates the
 *        correlation forecast and its minimum-variance backtest; rank 0 receives the gathered
 *        result for the report. One log event per phase: hcCovPanel, hcCovEstimate,
 *        hcCovBacktest, hcCovGather (inside hcCovariance).
 */
#include "app.h"

#include <math.h>
#include <stdio.h>
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

PetscErrorCode hc_app_covariance(const hc_app_options *o, hc_pipeline *pl, const int *pos, int N, hc_app_stage *st)
{
  static PetscLogEvent ev_stage, ev_panel, ev_est, ev_bt, ev_gather;
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
      in[n_in++] = (hc_cov_row){.index = i, .n = rows[k].n, .day = rows[k].day, .z = rows[k].z, .e = rows[k].e, .sd = rows[k].sd};
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
  PetscCall(PetscLogEventBegin(ev_bt, 0, 0, 0, 0));
  PetscCall(hc_cov_backtest_run(panel, &o->cov, &st->bt));
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

PetscErrorCode hc_app_covariance_free(hc_app_stage *st)
{
  PetscFunctionBeginUser;
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
