/**
 * @file pipeline.c
 * @brief What one rank does for one ticker, step by step: prepare (load -> quality gate ->
 *        transform -> regressors -> seasonal period), then model (select the mean -> volatility
 *        fits -> forecast -> diagnostics -> selection again on the first backtest window ->
 *        backtest -> ensemble weights -> ensemble forecast -> trading). Each step is a named call
 *        with plain arrays in and the ticker's record out, and one PETSc log event.
 */
#include "app.h"
#include "hpcast/indicators.h"
#include "hpcast/spectral.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The steps of a ticker's flow, one log event each (-log_view), nested in hcFit. */
typedef enum {
  ST_SELECT_MEAN, ST_SELECT_VOL, ST_FORECAST, ST_DIAGNOSE, ST_RESELECT, ST_BACKTEST, ST_WEIGHTS, ST_ENSEMBLE, ST_TRADING,
  ST_PREVIOUS, ST_EXTEND, ST_COUNT
} step;
static const char *const step_names[ST_COUNT] = {"hcSelectMean", "hcSelectVol", "hcForecast", "hcDiagnose", "hcReselect", "hcBacktest",
                                                  "hcWeights",    "hcEnsemble",  "hcTrading",  "hcPrevious", "hcExtend"};

struct hc_pipeline {
  const hc_app_options *o;
  hc_fft_cache         *fft;
  hc_fit_workspace     *ws;
  PetscLogEvent         ev_load, ev_fit, ev_gate, ev[ST_COUNT];
  double                io_s, fit_s;
  hc_panel_row         *rows; /* the panel rows kept for the cross-sectional stage */
  hc_panel             *panel; /* the panel file of the universe, opened at its first ticker (NULL: CSV files) */
  hc_report_reader     *prev;  /* hpcast update: the report it updates, opened at its first ticker */
  int                   n_rows, cap_rows;
};

PetscErrorCode hc_pipeline_create(const hc_app_options *o, PetscLogEvent ev_load, PetscLogEvent ev_fit, hc_pipeline **pl)
{
  PetscClassId cls;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(pl));
  (*pl)->o       = o;
  (*pl)->ev_load = ev_load;
  (*pl)->ev_fit  = ev_fit;
  PetscCall(PetscClassIdRegister("hpcast ticker", &cls));
  for (int i = 0; i < ST_COUNT; i++) PetscCall(PetscLogEventRegister(step_names[i], cls, &(*pl)->ev[i]));
  PetscCall(PetscLogEventRegister("hcGate", cls, &(*pl)->ev_gate));
  PetscCheck(!hc_spectral_cache_create(HC_FFT_ESTIMATE, &(*pl)->fft), PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot create the FFTW plan cache");
  PetscCall(hc_fit_workspace_create(&(*pl)->ws));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_pipeline_destroy(hc_pipeline **pl)
{
  PetscFunctionBeginUser;
  if (!*pl) PetscFunctionReturn(0);
  hc_spectral_cache_destroy((*pl)->fft);
  hc_io_panel_close(&(*pl)->panel);
  hc_io_report_close(&(*pl)->prev);
  PetscCall(hc_fit_workspace_destroy(&(*pl)->ws));
  for (int k = 0; k < (*pl)->n_rows; k++) PetscCall(PetscFree5((*pl)->rows[k].day, (*pl)->rows[k].z, (*pl)->rows[k].e, (*pl)->rows[k].sd, (*pl)->rows[k].mu));
  PetscCall(PetscFree((*pl)->rows));
  PetscCall(PetscFree(*pl));
  PetscFunctionReturn(0);
}

long hc_pipeline_fits(const hc_pipeline *pl) { return hc_fit_workspace_fits(pl->ws); }

void hc_pipeline_panel(const hc_pipeline *pl, int *n, const hc_panel_row **rows)
{
  *n    = pl->n_rows;
  *rows = pl->rows;
}

void hc_pipeline_times(const hc_pipeline *pl, double *io_s, double *fit_s)
{
  *io_s  = pl->io_s;
  *fit_s = pl->fit_s;
}

int hc_app_read_series(hc_panel **panel, const hc_input *in, const char *column, hc_series *s, char *reason, size_t len)
{
  if (!in->panel) return hc_io_read_csv(in->path, in->ticker, column, s, reason, len);
  if (!*panel && hc_io_panel_open(in->path, panel, reason, len)) { /* changed since it was listed */
    memset(s, 0, sizeof *s);
    return 1;
  }
  return hc_io_panel_read(*panel, in->row, in->ticker, column, s, reason, len);
}

/* Period of the sarima(...)s specs: -seasonal_period, or the X-11 stable-seasonality F test
 * on the series (first differences when KPSS rejects level stationarity); 0 if none. */
static int seasonal_period(const hc_pipeline *pl, const double *y, int n)
{
  const hc_app_options *o = pl->o;
  int                   any = 0, period = 0;
  double                F   = 0.0;
  for (int i = 0; i < o->n_mean; i++) any |= o->mean[i].s == HC_SEASON_AUTO;
  if (!any || o->seasonal_period) return o->seasonal_period;
  double *x = malloc(sizeof(double) * (size_t)n);
  if (!x) return 0;
  int m = n;
  memcpy(x, y, sizeof(double) * (size_t)n);
  if (hc_kpss_level(x, m) > HC_KPSS_CRIT_5) {
    m = n - 1;
    for (int t = 0; t < m; t++) x[t] = x[t + 1] - x[t];
  }
  int maxp = m / 2 < 400 ? m / 2 : 400;
  if (maxp < 2 || hc_spectral_detect_period(x, m, 2, maxp, &period, &F) || !(F >= HC_SPECTRAL_SEASONAL_F_MIN)) period = 0;
  free(x);
  return period;
}

/* A ticker made ready for modelling: its series, transform, regressors, resolved grid. */
typedef struct {
  hc_series           s;
  double             *y, *X;
  hc_spec            *mean;
  int                 j0, ny, shift, entry;
  hc_fit_record      *warm;
  char                xnames[HC_IND_COUNT * 4][HC_IND_NAME_LEN];
  hc_select_options   sel;
  hc_backtest_options bo;
} prepared;

static PetscErrorCode release(prepared *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(p->y));
  PetscCall(PetscFree(p->mean));
  free(p->X);
  free(p->warm);
  hc_series_free(&p->s);
  PetscFunctionReturn(0);
}

/* Reject r with the reason: no observation entered a model, so n_obs is 0 and the dates are "". */
static void reject(hc_result *r, const char *reason)
{
  hc_result_set_status(r, HC_STATUS_REJECTED, "%s", reason);
  r->n_obs         = 0;
  r->first_date[0] = r->last_date[0] = '\0';
}

/* The loaded series of p through the quality gate, the transform, the regressors and the
 * seasonal period, into p's modelling inputs; *ok = 0 if the ticker is rejected (r says why). */
static PetscErrorCode condition(hc_pipeline *pl, const hc_input *in, prepared *p, hc_result *r, int *ok)
{
  const hc_app_options *o = pl->o;
  char                  reason[HC_REASON_LEN];
  int                   ldx = 0, rc;

  PetscFunctionBeginUser;
  r->input_hash          = hc_series_hash(&p->s);
  r->input_rows          = p->s.n;
  const hc_series *s     = &p->s;
  const int        shift = o->gate.transform == HC_TRANSFORM_LOGRET100 ? 1 : 0;
  r->n_obs               = s->n > shift ? s->n - shift : 0;
  if (s->n > shift) {
    hc_strlcpy(r->first_date, s->label[shift], sizeof r->first_date);
    hc_strlcpy(r->last_date, s->label[s->n - 1], sizeof r->last_date);
  }
  if (hc_data_gate(&p->s, &o->gate, &r->quality_score, reason, sizeof reason)) {
    reject(r, reason);
    PetscFunctionReturn(0);
  }
  hc_strlcpy(r->reason, s->note, sizeof r->reason); /* e.g. "reversed: newest first" on an ok row */
  PetscCall(PetscMalloc1(s->n, &p->y));
  p->ny = hc_data_transform(&p->s, o->gate.transform, p->y);
  if (o->n_ind) {
    rc = hc_exog_build(o->ind, o->n_ind, &p->s, p->ny, shift, &p->X, &ldx, &p->j0, p->xnames, reason, sizeof reason);
    if (rc > 0) hc_strlcpy(reason + strlen(reason), " (-exog)", sizeof reason - strlen(reason));
    PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory building the regressors of %s", in->ticker);
    if (rc > 0) {
      reject(r, reason);
      PetscFunctionReturn(0);
    }
    p->ny -= p->j0;
    r->n_obs = p->ny;
    hc_strlcpy(r->first_date, s->label[p->j0 + shift], sizeof r->first_date);
  }
  PetscCall(PetscMalloc1(o->n_mean, &p->mean));
  PetscCall(PetscArraycpy(p->mean, o->mean, o->n_mean));
  const int n_mean = hc_spec_resolve_season(p->mean, o->n_mean, seasonal_period(pl, p->y + p->j0, p->ny));
  int       n_warm = 0;
  if (o->warm_start[0] && hc_io_report_read_fits(o->warm_start, in->ticker, &n_warm, &p->warm, reason, sizeof reason)) n_warm = 0;
  p->sel = (hc_select_options){.n_mean = n_mean, .mean = p->mean, .n_vol = o->n_vol, .vol = o->vol, .horizon = o->horizon,
                               .fit = o->fit, .ic = o->ic, .search = o->search,
                               .n_exog = p->X ? hc_indicators_ncols(o->ind, o->n_ind) : 0, .X = p->X, .ldx = ldx,
                               .xnames = (const char (*)[HC_PNAME_LEN])p->xnames, .n_warm = n_warm,
                               .warm = p->warm, .own_starts = o->own_starts};
  p->bo        = o->backtest;
  p->bo.labels = s->label + shift + p->j0;
  p->shift     = shift;
  *ok          = 1;
  PetscFunctionReturn(0);
}

/* Load, gate, transform, regressors and seasonal period of one ticker into p, with r's status
 * and data fields (r initialised here, with the identity of the input); *ok = 0 if the ticker is
 * rejected (r says why). */
static PetscErrorCode prepare(hc_pipeline *pl, const hc_input *in, prepared *p, hc_result *r, int *ok)
{
  const hc_app_options *o = pl->o;
  char                  reason[HC_REASON_LEN];
  double                t0 = hc_time_wall();

  PetscFunctionBeginUser;
  memset(p, 0, sizeof *p);
  p->entry = in->entry;
  *ok      = 0;
  PetscCheck(!hc_result_init(r, in->ticker, o->horizon), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for %s", in->ticker);
  r->input_bytes    = in->bytes;
  r->input_mtime_ns = in->mtime_ns;
  if (in->reason[0]) { /* the listing found it unreadable (a FIFO is never opened) */
    reject(r, in->reason);
    r->quality_score = 0.0;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscLogEventBegin(pl->ev_load, 0, 0, 0, 0));
  int rc = hc_app_read_series(&pl->panel, in, o->column, &p->s, reason, sizeof reason);
  PetscCall(PetscLogEventEnd(pl->ev_load, 0, 0, 0, 0));
  pl->io_s += hc_time_wall() - t0;
  PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory reading %s", in->path);
  if (rc > 0) {
    reject(r, reason);
    r->quality_score = 0.0;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscLogEventBegin(pl->ev_gate, 0, 0, 0, 0));
  PetscCall(condition(pl, in, p, r, ok));
  PetscCall(PetscLogEventEnd(pl->ev_gate, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* The fits of records blocks[0..n-1] concatenated, into a PetscMalloc'd array (NULL if none). */
static PetscErrorCode concat_fits(int n, const hc_result *blocks, int *n_fits, hc_fit_record **fits)
{
  PetscFunctionBeginUser;
  *n_fits = 0;
  for (int b = 0; b < n; b++) *n_fits += blocks[b].n_fits;
  PetscCall(PetscMalloc1(*n_fits, fits));
  for (int b = 0, k = 0; b < n; k += blocks[b++].n_fits) PetscCall(PetscArraycpy(*fits + k, blocks[b].fits, blocks[b].n_fits));
  PetscFunctionReturn(0);
}

/* The selection options of the first backtest window [w0, ...): no -warm_start fits (they saw
 * the whole sample) and the regressors from row w0. */
static hc_select_options first_window_options(const hc_select_options *sel, int w0)
{
  hc_select_options s0 = *sel;
  s0.n_warm            = 0;
  if (sel->X) s0.X = sel->X + w0;
  return s0;
}

/* The ticker's row of the cross-sectional panel, kept on this rank (-covariance not none): the
 * last -covariance_window + -backtest_origins observations' days, the selected model's
 * standardized residuals and the out-of-sample one-step forecasts bm[0..K-1], bs of the last K
 * observations (K = 0: none). A ticker whose labels are not daily dates, or whose selected family
 * has no residuals, gets a row of no observations that says so. */
static PetscErrorCode keep_row(hc_pipeline *pl, const prepared *p, const hc_candidates *c, int K, const double *bm, const double *bs,
                               const hc_result *r)
{
  const hc_app_options *o = pl->o;
  const double         *y = p->y + p->j0;
  const int             n = p->ny, span = o->cov.window + o->cov.origins;
  double               *z;
  int                   T;
  hc_panel_row          row = {.entry = p->entry, .code = HC_PANEL_ROW};

  PetscFunctionBeginUser;
  if (o->cov.model == HC_COV_NONE || r->status != HC_STATUS_OK) PetscFunctionReturn(0);
  if (pl->n_rows == pl->cap_rows) {
    hc_panel_row *grown;
    pl->cap_rows = pl->cap_rows ? 2 * pl->cap_rows : 64;
    PetscCall(PetscMalloc1(pl->cap_rows, &grown));
    if (pl->n_rows) PetscCall(PetscArraycpy(grown, pl->rows, pl->n_rows));
    PetscCall(PetscFree(pl->rows));
    pl->rows = grown;
  }
  PetscCall(PetscMalloc1(n, &z));
  PetscCall(hc_select_residuals(y, n, &p->sel, c, r, z, &T));
  const long long *tm    = p->s.time ? p->s.time + p->shift + p->j0 : NULL;
  int              daily = p->s.labels_are_dates && tm;
  for (int t = 0; daily && t < n; t++) daily = tm[t] % 86400 == 0 && (t == 0 || tm[t] > tm[t - 1]);
  row.code = !daily ? HC_PANEL_NOT_DAILY : T == 0 ? HC_PANEL_NO_RESIDUALS : HC_PANEL_ROW;
  row.n    = row.code == HC_PANEL_ROW ? PetscMin(T, span) : 0;
  PetscCall(PetscMalloc5(row.n, &row.day, row.n, &row.z, row.n, &row.e, row.n, &row.sd, row.n, &row.mu));
  row.mu_next = r->mean[0];
  row.sd_next = r->sd[0];
  for (int k = 0; k < row.n; k++) {
    const int t = n - row.n + k, i = t - (n - K); /* observation t of y; origin i of the backtest */
    row.day[k] = (int)(tm[t] / 86400);
    row.z[k]   = z[T - row.n + k];
    row.e[k]   = i >= 0 && i < K ? y[t] - bm[i] : NAN;
    row.sd[k]  = i >= 0 && i < K ? bs[i] : NAN;
    row.mu[k]  = i >= 0 && i < K ? bm[i] : NAN;
  }
  PetscCall(PetscFree(z));
  pl->rows[pl->n_rows++] = row;
  PetscFunctionReturn(0);
}

#define STEP(pl, st, call) \
  do { \
    PetscCall(PetscLogEventBegin((pl)->ev[st], 0, 0, 0, 0)); \
    PetscCall(call); \
    PetscCall(PetscLogEventEnd((pl)->ev[st], 0, 0, 0, 0)); \
  } while (0)

/* The modelling of a prepared ticker, step by step: the selection on the whole sample, its
 * forecast and diagnostics, then the backtest (the selection again on its first window, the
 * rolling origin, the scores), the ensemble's weights and forecast, and the trading evaluation.
 * whole and first: the blocks' fits of a grid cut into blocks (NULL: the whole grid here). */
static PetscErrorCode model(hc_pipeline *pl, const prepared *p, const hc_grid_part *whole, const hc_grid_part *first, hc_result *r)
{
  const double             *y = p->y + p->j0;
  const int                 n = p->ny;
  const hc_select_options  *sel = &p->sel;
  hc_candidates             c, c0;
  hc_backtest              *bt = NULL;
  hc_result                 tmp;
  int                       T0, w0;

  PetscFunctionBeginUser;
  STEP(pl, ST_SELECT_MEAN, hc_select_mean(y, n, sel, pl->ws, whole, r, &c));
  STEP(pl, ST_SELECT_VOL, hc_select_volatility(y, n, sel, pl->ws, r, &c));
  STEP(pl, ST_FORECAST, hc_select_forecast(y, n, sel, &c, r));
  r->data_uncertainty = isfinite(r->quality_score) ? 1.0 - r->quality_score : NAN;
  if (r->status != HC_STATUS_OK) PetscFunctionReturn(0);
  STEP(pl, ST_DIAGNOSE, hc_select_diagnostics(y, n, sel, &c, pl->fft, r));
  if (!hc_backtest_plan(n, &p->bo, &T0, &w0, r->bt_reason, sizeof r->bt_reason)) {
    PetscCall(keep_row(pl, p, &c, 0, NULL, NULL, r));
    PetscFunctionReturn(0);
  }
  const hc_select_options s0 = first_window_options(sel, w0);
  PetscCheck(!hc_result_init(&tmp, r->ticker, sel->horizon), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  STEP(pl, ST_RESELECT, hc_select_candidates(y + w0, T0 - w0, &s0, pl->ws, first, &tmp, &c0));
  PetscCall(hc_backtest_create(&c0, &tmp, n, T0, w0, &p->bo, sel->horizon, &bt));
  hc_result_free(&tmp);
  STEP(pl, ST_BACKTEST, hc_backtest_run(bt, y, n, sel, pl->ws, r));
  STEP(pl, ST_WEIGHTS, hc_ensemble_weights(bt, &c, r));
  STEP(pl, ST_ENSEMBLE, hc_ensemble_forecast(bt, y, n, sel, &c, r));
  STEP(pl, ST_TRADING, hc_backtest_trading(bt, y, r));
  double *bm, *bs;
  PetscCall(PetscMalloc2(n, &bm, n, &bs));
  const int K = hc_backtest_onestep(bt, bm, bs);
  PetscCall(keep_row(pl, p, &c, K, bm, bs, r));
  PetscCall(PetscFree2(bm, bs));
  hc_backtest_destroy(&bt);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_pipeline_run(hc_pipeline *pl, const hc_input *in, int n_blocks, const hc_result *blocks, hc_result *r)
{
  prepared       p;
  int            ok;
  hc_grid_part   whole = {0}, first = {0};
  hc_fit_record *fw = NULL, *ff = NULL;

  PetscFunctionBeginUser;
  PetscCall(prepare(pl, in, &p, r, &ok));
  if (ok) {
    if (blocks) {
      PetscCall(concat_fits(n_blocks, blocks, &whole.n_fits, &fw));
      PetscCall(concat_fits(n_blocks, blocks + n_blocks, &first.n_fits, &ff));
      whole.fits = fw;
      first.fits = ff;
    }
    double t1 = hc_time_wall();
    PetscCall(PetscLogEventBegin(pl->ev_fit, 0, 0, 0, 0));
    PetscCall(model(pl, &p, blocks ? &whole : NULL, blocks ? &first : NULL, r));
    PetscCall(PetscLogEventEnd(pl->ev_fit, 0, 0, 0, 0));
    if (r->status == HC_STATUS_OK) {
      r->fit_n_obs = r->n_obs;
      hc_strlcpy(r->action, "fitted", sizeof r->action);
    }
    pl->fit_s += hc_time_wall() - t1;
  }
  PetscCall(PetscFree(fw));
  PetscCall(PetscFree(ff));
  PetscCall(release(&p));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_pipeline_block(hc_pipeline *pl, const hc_input *in, int block, hc_result *whole, hc_result *first)
{
  prepared p;
  int      ok, best, T0, w0;
  hc_spec  spec;

  PetscFunctionBeginUser;
  PetscCall(prepare(pl, in, &p, whole, &ok));
  PetscCheck(!hc_result_init(first, in->ticker, 0), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for %s", in->ticker);
  if (ok) {
    const hc_grid_part part = {.block = block, .block_size = pl->o->spec_block};
    const double      *y    = p.y + p.j0;
    double             t1   = hc_time_wall();
    PetscCall(PetscLogEventBegin(pl->ev_fit, 0, 0, 0, 0));
    STEP(pl, ST_SELECT_MEAN, hc_search_mean(y, p.ny, &p.sel, pl->ws, &part, whole, &best, &spec));
    if (hc_backtest_plan(p.ny, &p.bo, &T0, &w0, NULL, 0)) {
      const hc_select_options s0 = first_window_options(&p.sel, w0);
      STEP(pl, ST_RESELECT, hc_search_mean(y + w0, T0 - w0, &s0, pl->ws, &part, first, &best, &spec));
    }
    PetscCall(PetscLogEventEnd(pl->ev_fit, 0, 0, 0, 0));
    pl->fit_s += hc_time_wall() - t1;
  }
  PetscCall(release(&p));
  PetscFunctionReturn(0);
}

/* Why a ticker of hpcast update must be fitted again ("" if PREV's fits can filter its new
 * observations), from its prepared data p and PREV's record prev (have: PREV has the ticker). */
static void refit_reason(const hc_app_options *o, const prepared *p, int have, const hc_result *prev, char *why, size_t len)
{
  const hc_series *s = &p->s;
  why[0]             = '\0';
  if (!have) snprintf(why, len, "new ticker");
  else if (prev->status != HC_STATUS_OK)
    snprintf(why, len, "%s in the previous report and its data changed", hc_status_name(prev->status));
  else if (s->n < prev->input_rows) snprintf(why, len, "history revised (%d rows, the previous report read %d)", s->n, prev->input_rows);
  else if (hc_series_hash_rows(s, prev->input_rows) != prev->input_hash)
    snprintf(why, len, "history revised (rows up to %s changed: a split or dividend adjustment rescales them)", prev->last_date);
  else if (p->ny - prev->fit_n_obs > o->refit_after)
    snprintf(why, len, "fit older than -refit_after %d (%d observations since)", o->refit_after, p->ny - prev->fit_n_obs);
}

/* hpcast update, a ticker whose data are PREV's and new rows: PREV's record prev moved into r
 * (r keeps the identity of the data read now), its fits filtering the new observations (no
 * fit): the live forecast, the residual diagnostics and the 1-step track extended by the new
 * origins. why: a reason to fit it again after all ("" if none): PREV's models are not of the
 * options' grid, a forecast is not finite, or the track's calibration drifted: its PIT KS
 * distance went beyond -refit_pit_ks with the new origins (a ticker already beyond it in PREV,
 * fitted so, is not refit every morning for it: -refit_after bounds its fit's age). */
static PetscErrorCode filter(hc_pipeline *pl, const prepared *p, hc_result *prev, hc_result *r, char *why, size_t len)
{
  const hc_app_options *o = pl->o;
  const double         *y = p->y + p->j0;
  const int             n = p->ny, n0 = prev->n_obs;
  hc_candidates         c;
  hc_ensemble_scheme    scheme;
  hc_result             now = *r;

  PetscFunctionBeginUser;
  if (hc_select_restore(&p->sel, prev, &c, why, len)) PetscFunctionReturn(0);
  *r = *prev; /* PREV's record, with the identity of today's data */
  memset(prev, 0, sizeof *prev);
  r->input_bytes = now.input_bytes, r->input_mtime_ns = now.input_mtime_ns, r->input_hash = now.input_hash;
  r->input_rows = now.input_rows, r->n_obs = now.n_obs, r->quality_score = now.quality_score;
  r->data_uncertainty = isfinite(now.quality_score) ? 1.0 - now.quality_score : NAN;
  hc_strlcpy(r->reason, now.reason, sizeof r->reason);
  hc_strlcpy(r->first_date, now.first_date, sizeof r->first_date);
  hc_strlcpy(r->last_date, now.last_date, sizeof r->last_date);
  hc_result_free(&now);
  PetscCall(PetscLogEventBegin(pl->ev[ST_FORECAST], 0, 0, 0, 0));
  if (r->ensemble[0] && !hc_ensemble_parse(r->ensemble, &scheme)) PetscCall(hc_ensemble_pool(y, n, &p->sel, &c, scheme, r));
  else PetscCall(hc_select_forecast(y, n, &p->sel, &c, r));
  PetscCall(PetscLogEventEnd(pl->ev[ST_FORECAST], 0, 0, 0, 0));
  if (r->status != HC_STATUS_OK || !isfinite(r->mean[0]) || !isfinite(r->sd[0])) {
    snprintf(why, len, "the forecast of the previous fits is not finite");
    PetscFunctionReturn(0);
  }
  STEP(pl, ST_DIAGNOSE, hc_select_diagnostics(y, n, &p->sel, &c, pl->fft, r));
  const double ks_before = r->pit_ks_1;
  STEP(pl, ST_EXTEND, hc_backtest_extend(y, n0, n, &p->sel, &c, &p->bo, r));
  int scored = 0;
  for (int i = 0; i < r->n_onestep; i++) scored += isfinite(r->onestep[i].pit);
  const double ks_max = o->refit_pit_ks > 0 ? o->refit_pit_ks : scored ? 1.628 / sqrt((double)scored) : INFINITY;
  if (r->pit_ks_1 > ks_max && !(ks_before > ks_max)) { /* crossed the line since the previous report */
    snprintf(why, len, "calibration drifted (PIT KS %.3f > %.3f over the last %d origins)", r->pit_ks_1, ks_max, scored);
    PetscFunctionReturn(0);
  }
  double *bm, *bs;
  PetscCall(PetscMalloc2(r->n_onestep + 1, &bm, r->n_onestep + 1, &bs));
  for (int i = 0; i < r->n_onestep; i++) bm[i] = r->onestep[i].mean, bs[i] = r->onestep[i].sd;
  PetscCall(keep_row(pl, p, &c, r->n_onestep, bm, bs, r));
  PetscCall(PetscFree2(bm, bs));
  hc_strlcpy(r->action, "filtered", sizeof r->action);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_pipeline_update(hc_pipeline *pl, const hc_input *in, hc_result *r)
{
  const hc_app_options *o = pl->o;
  prepared              p;
  hc_result             prev;
  char                  why[HC_REASON_LEN] = "", err[HC_PATH_LEN + 256];
  int                   ok, have = 0;

  PetscFunctionBeginUser;
  PetscCall(prepare(pl, in, &p, r, &ok));
  PetscCall(PetscLogEventBegin(pl->ev[ST_PREVIOUS], 0, 0, 0, 0));
  if (!pl->prev) {
    int rc = hc_io_report_open(o->update_from, &pl->prev, err, sizeof err);
    PetscCheck(rc != -1, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-from %s: %s", o->update_from, err); /* checked at start: changed since */
  }
  int rc = hc_io_report_read_record(pl->prev, in->ticker, &prev, err, sizeof err);
  PetscCall(PetscLogEventEnd(pl->ev[ST_PREVIOUS], 0, 0, 0, 0));
  PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-from %s: %s", o->update_from, err);
  have = rc == 0;
  if (!ok) { /* rejected today, with the reason (unreadable, the quality gate) */
    if (have) hc_result_free(&prev);
    PetscCall(release(&p));
    PetscFunctionReturn(0);
  }
  if (have && prev.status != HC_STATUS_OK && p.s.n == prev.input_rows && hc_series_hash(&p.s) == prev.input_hash) {
    /* not ok in PREV and the same data: PREV's row stands */
    const long long bytes = r->input_bytes, mtime = r->input_mtime_ns;
    hc_result_free(r);
    *r             = prev;
    r->input_bytes = bytes, r->input_mtime_ns = mtime;
    hc_strlcpy(r->action, "kept: the same data as the previous report", sizeof r->action);
    PetscCall(release(&p));
    PetscFunctionReturn(0);
  }
  refit_reason(o, &p, have, &prev, why, sizeof why);
  if (!why[0]) {
    const double t1 = hc_time_wall();
    PetscCall(PetscLogEventBegin(pl->ev_fit, 0, 0, 0, 0));
    PetscCall(filter(pl, &p, &prev, r, why, sizeof why));
    PetscCall(PetscLogEventEnd(pl->ev_fit, 0, 0, 0, 0));
    pl->fit_s += hc_time_wall() - t1;
  }
  if (have) hc_result_free(&prev);
  PetscCall(release(&p));
  if (why[0]) { /* fitted again, as the job fits it */
    hc_result_free(r);
    PetscCall(hc_pipeline_run(pl, in, 1, NULL, r));
    snprintf(r->action, sizeof r->action, "refit: %s", why);
  }
  PetscFunctionReturn(0);
}
