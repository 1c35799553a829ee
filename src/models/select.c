/**
 * @file select.c
 * @brief Fitting, selection and forecasting of one series.
 *
 * Step 1: the mean-model order search of search.c (differences by KPSS and seasonal
 *         strength, then a grid or the Hyndman-Khandakar stepwise path), each fit
 *         starting also from its lower neighbours (the grid: their unfitted starts; the
 *         stepwise path: their fits) and, for ARMA, near-cancelling roots.
 * Step 2: every volatility spec fitted jointly with the selected mean when it is a plain
 *         ARMA(p,q), GARCH starting from the ARMA estimates and Student-t from the
 *         Gaussian GARCH estimates.
 * Step 3: the candidate (mean, volatility) of lowest information criterion (Akaike 1974;
 *         -ic) is selected and forecast.
 */
#include "models_impl.h" /* hc_vol_start */
#include "hpcast/spectral.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static PetscErrorCode fit_one(const hc_spec *spec, const double *y, int n, const hc_fit_options *fo, int ns,
                              const double *starts, hc_fit_record *rec)
{
  hc_model *m;
  PetscFunctionBeginUser;
  PetscCall(hc_model_create(spec, n, &m));
  PetscCall(hc_fit(m, y, n, fo, ns, starts, rec));
  PetscCall(hc_model_destroy(&m));
  PetscFunctionReturn(0);
}

static int usable(const hc_fit_record *f) { return f->status == 0 && isfinite(f->loglik); }

/* Residual diagnostics of the selected model: Ljung-Box on z_t (df = m - ARMA coefficients),
 * McLeod-Li on z_t^2 (df = m, or m - GARCH orders for a volatility model; Li & Mak 1994),
 * Jarque-Bera on z_t. Tests that cannot be computed leave NaN. */
static PetscErrorCode diagnose(hc_model *m, const hc_fit_record *f, const double *y, int n, struct hc_fft_cache *fft,
                               hc_result *r)
{
  double *z, q;
  PetscFunctionBeginUser;
  if (!m->ops->residuals) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(n, &z));
  int T = m->ops->residuals(m, f->params, y, n, z);
  int k = T / 5 < 10 ? T / 5 : 10, arma = m->spec.p + m->spec.q + m->spec.P + m->spec.Q, vol = m->spec.vol_p + m->spec.vol_q;
  if (T > 10 && k > arma && k > vol) {
    r->lb_lags = k;
    if (hc_spectral_ljung_box(fft, z, T, k, arma, &q, &r->lb_p)) r->lb_p = NAN;
    if (hc_spectral_mcleod_li(fft, z, T, k, vol, &q, &r->ml_p)) r->ml_p = NAN;
    if (hc_spectral_jarque_bera(z, T, &q, &r->jb_p)) r->jb_p = NAN;
  }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_candidates(const double *y, int n, const hc_select_options *o, hc_result *r, hc_candidates *c)
{
  hc_fit_record rec;
  int           best;

  PetscFunctionBeginUser;
  PetscCheck(o->n_vol >= 1 && o->n_vol <= HC_MAX_VOL_SPECS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%d volatility specs: 1 to %d supported", o->n_vol, HC_MAX_VOL_SPECS);
  c->n        = 0;
  c->selected = -1;
  /* Step 1: the mean-model order search */
  hc_spec mean_spec;
  PetscCall(hc_search_mean(y, n, o, r, &best, &mean_spec));
  if (best < 0) {
    hc_result_set_status(r, HC_STATUS_FAILED, "no mean model could be fitted (%s)", r->n_fits ? r->fits[0].reason : "empty grid");
    PetscFunctionReturn(0);
  }

  /* Step 2: each volatility spec on the selected mean (GARCH families need a plain ARMA mean) */
  const int p = mean_spec.p, q = mean_spec.q;
  double    arma_params[HC_MAX_PARAMS];
  memcpy(arma_params, r->fits[best].params, sizeof arma_params);
  c->n = o->n_vol;
  for (int v = 0; v < o->n_vol; v++) {
    hc_spec s = o->vol[v];
    s.p       = p;
    s.q       = q;
    int fit_index;
    c->fit[v] = -1;
    if (s.vol == HC_VOL_NONE) {
      s         = mean_spec;
      fit_index = best; /* the Gaussian mean model of step 1 is this candidate */
    } else if (!hc_spec_is_arma(&mean_spec)) {
      s       = mean_spec;
      s.vol   = o->vol[v].vol;
      s.vol_p = o->vol[v].vol_p, s.vol_o = o->vol[v].vol_o, s.vol_q = o->vol[v].vol_q, s.dist = o->vol[v].dist;
      memset(&rec, 0, sizeof rec);
      hc_spec_name(&s, rec.name, sizeof rec.name);
      hc_spec_mean_name(&s, rec.mean_model, sizeof rec.mean_model);
      hc_spec_vol_name(&s, rec.vol_model, sizeof rec.vol_model);
      rec.loglik = rec.aic = rec.bic = rec.persistence = rec.half_life = rec.uncond_var = NAN;
      rec.status = HC_STATUS_FAILED;
      hc_strlcpy(rec.reason, "volatility models need a plain ARMA mean (no differencing, seasonality or regressors)", sizeof rec.reason);
      PetscCheck(!hc_result_add_fit(r, &rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
      c->spec[v] = s;
      c->fit[v]  = r->n_fits - 1;
      continue;
    } else {
      /* family-aware starts (hc_vol_start): from the ARMA fit, and for t/skewt/GED also from
       * the normal fit of the same family and orders on this mean, when there is one */
      double               start[2 * HC_MAX_PARAMS]; /* rows of L.np values, as hc_fit reads them */
      int                  ns = 0, k = 1 + p + q;
      hc_vol_layout        L;
      const hc_fit_record *prev = NULL;
      for (int w = 0; w < v && s.dist != HC_DIST_NORMAL; w++) /* the normal fit of the same family and orders */
        if (c->fit[w] >= 0 && c->spec[w].dist == HC_DIST_NORMAL && c->spec[w].vol == s.vol && c->spec[w].vol_p == s.vol_p &&
            c->spec[w].vol_o == s.vol_o && c->spec[w].vol_q == s.vol_q && usable(&r->fits[c->fit[w]]))
          prev = &r->fits[c->fit[w]];
      hc_vol_layout_of(&s, &L);
      if (!hc_vol_start(&s, arma_params, arma_params[k], NULL, start + (size_t)ns * L.np)) ns++;
      if (prev && !hc_vol_start(&s, arma_params, arma_params[k], prev, start + (size_t)ns * L.np)) ns++;
      PetscCall(fit_one(&s, y, n, &o->fit, ns, start, &rec));
      PetscCheck(!hc_result_add_fit(r, &rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
      fit_index = r->n_fits - 1;
    }
    c->fit[v]  = fit_index;
    c->spec[v] = s;
    if (usable(&r->fits[fit_index]) &&
        (c->selected < 0 || hc_ic_value(o->ic, &r->fits[fit_index]) < hc_ic_value(o->ic, &r->fits[c->fit[c->selected]])))
      c->selected = v;
  }
  if (c->selected < 0) hc_result_set_status(r, HC_STATUS_FAILED, "no volatility model could be fitted on ARMA(%d,%d)", p, q);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_finish(const double *y, int n, const hc_select_options *o, const hc_candidates *c, hc_result *r)
{
  PetscFunctionBeginUser;
  if (c->selected < 0) PetscFunctionReturn(0);
  const int            sel = c->fit[c->selected];
  const hc_fit_record *f   = &r->fits[sel];
  const hc_spec        s   = c->spec[c->selected];
  hc_model            *m;
  double              *var;
  PetscCall(PetscMalloc1(o->horizon, &var));
  PetscCall(hc_model_create(&s, n, &m));
  if (s.n_exog) hc_model_set_exog(m, o->X, o->ldx, o->xnames);
  int bad = m->ops->forecast(m, f->params, y, n, o->horizon, r->mean, var);
  for (int h = 0; h < o->horizon && !bad; h++) {
    bad |= !(var[h] > 0) || !isfinite(r->mean[h]);
    r->sd[h] = sqrt(var[h]);
    for (int l = 0; l < HC_N_LEVELS; l++) {
      double a = 0.5 * (1.0 - hc_interval_levels[l]);
      r->lo[h * HC_N_LEVELS + l] = r->mean[h] + r->sd[h] * m->ops->quantile(m, f->params, a);
      r->hi[h * HC_N_LEVELS + l] = r->mean[h] + r->sd[h] * m->ops->quantile(m, f->params, 1.0 - a);
    }
  }
  if (!bad && o->fft) PetscCall(diagnose(m, f, y, n, o->fft, r));
  PetscCall(hc_model_destroy(&m));
  PetscCall(PetscFree(var));
  if (bad) {
    hc_result_set_status(r, HC_STATUS_FAILED, "forecast of %s is not finite", f->name);
    PetscFunctionReturn(0);
  }
  r->selected = sel;
  hc_strlcpy(r->mean_model, f->mean_model, sizeof r->mean_model);
  hc_strlcpy(r->vol_model, f->vol_model, sizeof r->vol_model);
  r->loglik = f->loglik;
  r->aic    = f->aic;
  r->bic    = f->bic;
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_and_forecast(const double *y, int n, const hc_select_options *o, hc_result *r)
{
  hc_candidates c;
  PetscFunctionBeginUser;
  PetscCall(hc_select_candidates(y, n, o, r, &c));
  PetscCall(hc_select_finish(y, n, o, &c, r));
  PetscFunctionReturn(0);
}
