/**
 * @file pipeline.c
 * @brief What one rank does for one ticker: load -> quality gate -> transform ->
 *        regressors -> seasonal period -> model search, selection, forecast, diagnostics.
 */
#include "app.h"
#include "hpcast/indicators.h"
#include "hpcast/spectral.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hc_pipeline {
  const hc_app_options *o;
  hc_fft_cache         *fft;
  PetscLogEvent         ev_load, ev_fit;
  double                io_s, fit_s;
};

PetscErrorCode hc_pipeline_create(const hc_app_options *o, PetscLogEvent ev_load, PetscLogEvent ev_fit, hc_pipeline **pl)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(pl));
  (*pl)->o       = o;
  (*pl)->ev_load = ev_load;
  (*pl)->ev_fit  = ev_fit;
  PetscCheck(!hc_spectral_cache_create(HC_FFT_ESTIMATE, &(*pl)->fft), PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot create the FFTW plan cache");
  PetscFunctionReturn(0);
}

PetscErrorCode hc_pipeline_destroy(hc_pipeline **pl)
{
  PetscFunctionBeginUser;
  if (!*pl) PetscFunctionReturn(0);
  hc_spectral_cache_destroy((*pl)->fft);
  PetscCall(PetscFree(*pl));
  PetscFunctionReturn(0);
}

void hc_pipeline_times(const hc_pipeline *pl, double *io_s, double *fit_s)
{
  *io_s  = pl->io_s;
  *fit_s = pl->fit_s;
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

PetscErrorCode hc_pipeline_run(hc_pipeline *pl, const char *path, const char *ticker, hc_result *r)
{
  const hc_app_options *o = pl->o;
  hc_series             s = {0};
  char                  reason[HC_REASON_LEN], xnames[HC_IND_COUNT * 4][HC_IND_NAME_LEN];
  double               *y = NULL, *X = NULL, t0 = hc_time_wall();
  hc_spec              *mean = NULL;
  int                   ldx = 0, j0 = 0;

  PetscFunctionBeginUser;
  PetscCheck(!hc_result_init(r, ticker, o->horizon), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for %s", ticker);
  PetscCall(PetscLogEventBegin(pl->ev_load, 0, 0, 0, 0));
  int rc = hc_io_read_csv(path, ticker, o->column, &s, reason, sizeof reason);
  PetscCall(PetscLogEventEnd(pl->ev_load, 0, 0, 0, 0));
  pl->io_s += hc_time_wall() - t0;
  PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory reading %s", path);
  if (rc > 0) {
    hc_result_set_status(r, HC_STATUS_REJECTED, "%s", reason);
    r->quality_score = 0.0;
    PetscFunctionReturn(0);
  }
  const int shift = o->gate.transform == HC_TRANSFORM_LOGRET100 ? 1 : 0;
  r->n_obs        = s.n > shift ? s.n - shift : 0;
  if (s.n > shift) {
    hc_strlcpy(r->first_date, s.label[shift], sizeof r->first_date);
    hc_strlcpy(r->last_date, s.label[s.n - 1], sizeof r->last_date);
  }
  if (hc_data_gate(&s, &o->gate, &r->quality_score, reason, sizeof reason)) {
    hc_result_set_status(r, HC_STATUS_REJECTED, "%s", reason);
    goto done;
  }
  PetscCall(PetscMalloc1(s.n, &y));
  int ny = hc_data_transform(&s, o->gate.transform, y);
  if (o->n_ind) {
    rc = hc_exog_build(o->ind, o->n_ind, &s, ny, shift, &X, &ldx, &j0, xnames, reason, sizeof reason);
    if (rc > 0) hc_strlcpy(reason + strlen(reason), " (-exog)", sizeof reason - strlen(reason));
    PetscCheck(rc >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory building the regressors of %s", ticker);
    if (rc > 0) {
      hc_result_set_status(r, HC_STATUS_REJECTED, "%s", reason);
      goto done;
    }
    ny -= j0;
    r->n_obs = ny;
    hc_strlcpy(r->first_date, s.label[j0 + shift], sizeof r->first_date);
  }
  PetscCall(PetscMalloc1(o->n_mean, &mean));
  PetscCall(PetscArraycpy(mean, o->mean, o->n_mean));
  const int               n_mean = hc_spec_resolve_season(mean, o->n_mean, seasonal_period(pl, y + j0, ny));
  hc_select_options       sel    = {.n_mean = n_mean, .mean = mean, .n_vol = o->n_vol, .vol = o->vol,
                                    .horizon = o->horizon, .fit = o->fit, .ic = o->ic, .search = o->search,
                                    .n_exog = X ? hc_indicators_ncols(o->ind, o->n_ind) : 0, .X = X, .ldx = ldx,
                                    .xnames = (const char (*)[HC_PNAME_LEN])xnames, .fft = pl->fft};
  hc_fit_record          *warm   = NULL;
  int                     n_warm = 0;
  if (o->warm_start[0] && hc_io_report_read_fits(o->warm_start, ticker, &n_warm, &warm, reason, sizeof reason)) n_warm = 0;
  sel.n_warm = n_warm;
  sel.warm   = warm;
  double                  t1     = hc_time_wall();
  PetscCall(PetscLogEventBegin(pl->ev_fit, 0, 0, 0, 0));
  hc_backtest_options bo = o->backtest;
  bo.labels              = s.label + shift + j0;
  PetscCall(hc_forecast_ensemble(y + j0, ny, &sel, &bo, r));
  PetscCall(PetscLogEventEnd(pl->ev_fit, 0, 0, 0, 0));
  pl->fit_s += hc_time_wall() - t1;
  free(warm);
done:
  PetscCall(PetscFree(y));
  PetscCall(PetscFree(mean));
  free(X);
  hc_series_free(&s);
  PetscFunctionReturn(0);
}
