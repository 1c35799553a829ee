/**
 * @file select.c
 * @brief Fitting, selection and forecasting of one series, through the model ops table only.
 *
 * Step 1 (hc_select_mean): the mean-model order search of search.c among the specs whose
 *         likelihood is that of y (differences by KPSS and seasonal strength, then a grid or
 *         the Hyndman-Khandakar stepwise path), and the specs whose likelihood is not (the
 *         family's likelihood_of_y is 0), fitted one by one.
 * Step 2 (hc_select_volatility): every volatility spec fitted jointly with the selected mean,
 *         from the starts its family derives from the mean fit and the candidates before it.
 * Step 3: the candidate of lowest information criterion (Akaike 1974; -ic) among those whose
 *         likelihood is that of y is selected and forecast (hc_select_forecast); models of other
 *         likelihoods take part through the backtest's ensemble weights only.
 */
#include "hpcast/models.h"
#include "hpcast/spectral.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int usable(const hc_fit_record *f) { return f->status == 0 && isfinite(f->loglik); }

static int likelihood_of_y(const hc_spec *s)
{
  const hc_model_ops *ops = hc_model_family(s);
  return ops && ops->likelihood_of_y;
}

/* A failed record of spec s with the reason, appended to r; its index in *idx. */
static PetscErrorCode add_failed(const hc_spec *s, const char *reason, hc_result *r, int *idx)
{
  hc_fit_record rec;
  PetscFunctionBeginUser;
  memset(&rec, 0, sizeof rec);
  hc_spec_name(s, rec.name, sizeof rec.name);
  hc_spec_mean_name(s, rec.mean_model, sizeof rec.mean_model);
  hc_spec_vol_name(s, rec.vol_model, sizeof rec.vol_model);
  rec.loglik = rec.aic = rec.bic = rec.persistence = rec.half_life = rec.uncond_var = NAN;
  rec.status = HC_STATUS_FAILED;
  hc_strlcpy(rec.reason, reason, sizeof rec.reason);
  PetscCheck(!hc_result_add_fit(r, &rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *idx = r->n_fits - 1;
  PetscFunctionReturn(0);
}

/* Fit spec s on y from the family's own start and the given ones; the record appended to r. */
static PetscErrorCode fit_spec(const hc_spec *s, const double *y, int n, const hc_fit_options *fo, hc_fit_workspace *ws, int ns,
                               const double *starts,
                               hc_result *r, int *idx)
{
  hc_model     *m;
  hc_fit_record rec;
  PetscFunctionBeginUser;
  PetscCall(hc_model_create(s, n, &m));
  PetscCall(hc_fit(m, y, n, fo, ws, ns, starts, &rec));
  PetscCall(hc_model_destroy(&m));
  PetscCheck(!hc_result_add_fit(r, &rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *idx = r->n_fits - 1;
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_mean(const double *y, int n, const hc_select_options *o, hc_fit_workspace *ws, const hc_grid_part *part, hc_result *r,
                              hc_candidates *c)
{
  int     n_other = 0, best_other = -1;
  hc_spec other_spec;
  PetscFunctionBeginUser;
  PetscCheck(o->n_vol >= 1 && o->n_vol <= HC_MAX_VOL_SPECS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%d volatility specs: 1 to %d supported", o->n_vol, HC_MAX_VOL_SPECS);
  memset(c, 0, sizeof *c);
  c->selected = c->mean_fit = -1;
  PetscCall(hc_search_mean(y, n, o, ws, part, r, &c->mean_fit, &c->mean_spec));
  /* the specs of other likelihoods: each fitted, the lowest IC among them kept (on the ticker's
   * owner: the grid's blocks, hc_search_mean with part, hold only the order search's specs) */
  for (int i = 0; i < o->n_mean; i++) {
    if (likelihood_of_y(&o->mean[i])) continue;
    n_other++;
    int idx;
    PetscCall(fit_spec(&o->mean[i], y, n, &o->fit, ws, 0, NULL, r, &idx));
    if (usable(&r->fits[idx]) && (best_other < 0 || hc_ic_value(o->ic, &r->fits[idx]) < hc_ic_value(o->ic, &r->fits[best_other]))) {
      best_other = idx;
      other_spec = o->mean[i];
    }
  }
  if (c->mean_fit < 0 && best_other < 0) {
    hc_result_set_status(r, HC_STATUS_FAILED, "no mean model could be fitted (%s)", r->n_fits ? r->fits[0].reason : "empty grid");
    PetscFunctionReturn(0);
  }
  c->n = o->n_vol;
  for (int v = 0; v < o->n_vol; v++) c->fit[v] = -1;
  if (n_other) {
    c->spec[c->n]  = best_other >= 0 ? other_spec : o->mean[0];
    c->fit[c->n++] = best_other;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_volatility(const double *y, int n, const hc_select_options *o, hc_fit_workspace *ws, hc_result *r,
                                    hc_candidates *c)
{
  char why[HC_REASON_LEN];
  PetscFunctionBeginUser;
  if (c->n == 0) PetscFunctionReturn(0);
  for (int v = 0; v < o->n_vol; v++) {
    hc_spec s = o->vol[v];
    if (c->mean_fit < 0) { /* only models of other likelihoods fitted: nothing to put a variance on */
      c->spec[v] = s;
      PetscCall(add_failed(&s, "no mean model of the order search could be fitted", r, &c->fit[v]));
      continue;
    }
    if (!hc_spec_has_vol(&s)) { /* the Gaussian mean model of step 1 is this candidate */
      c->spec[v] = c->mean_spec;
      c->fit[v]  = c->mean_fit;
    } else {
      hc_spec mean = c->mean_spec;
      mean.vol = s.vol, mean.vol_p = s.vol_p, mean.vol_o = s.vol_o, mean.vol_q = s.vol_q, mean.dist = s.dist;
      mean.variance_targeting = s.variance_targeting;
      c->spec[v] = mean;
      if (hc_model_check(&mean, why, sizeof why)) PetscCall(add_failed(&mean, why, r, &c->fit[v]));
      else {
        hc_model *m;
        double    start[2 * HC_MAX_PARAMS];
        int       ns = 0;
        PetscCall(hc_model_create(&mean, n, &m));
        /* the fits before this one: the candidates' records, in candidate order */
        hc_fit_record *prev;
        PetscCall(PetscMalloc1(v + 1, &prev));
        int n_prev = 0;
        for (int w = 0; w < v; w++)
          if (c->fit[w] >= 0) prev[n_prev++] = r->fits[c->fit[w]];
        if (m->ops->starts) ns = m->ops->starts(m, &r->fits[c->mean_fit], n_prev, prev, start, 2);
        PetscCall(PetscFree(prev));
        hc_fit_record rec;
        PetscCall(hc_fit(m, y, n, &o->fit, ws, ns, start, &rec));
        PetscCall(hc_model_destroy(&m));
        PetscCheck(!hc_result_add_fit(r, &rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
        c->fit[v] = r->n_fits - 1;
      }
    }
  }
  for (int v = 0; v < c->n; v++) {
    const int i = c->fit[v];
    if (i < 0 || !usable(&r->fits[i]) || !likelihood_of_y(&c->spec[v])) continue;
    if (c->selected < 0 || hc_ic_value(o->ic, &r->fits[i]) < hc_ic_value(o->ic, &r->fits[c->fit[c->selected]])) c->selected = v;
  }
  if (c->selected < 0 && c->n > o->n_vol && c->fit[o->n_vol] >= 0) c->selected = o->n_vol; /* only other likelihoods fitted */
  if (c->selected < 0) {
    char name[HC_MODEL_LEN];
    hc_spec_mean_name(&c->mean_spec, name, sizeof name);
    hc_result_set_status(r, HC_STATUS_FAILED, "no volatility model could be fitted on %s", name);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_candidates(const double *y, int n, const hc_select_options *o, hc_fit_workspace *ws, const hc_grid_part *part,
                                    hc_result *r,
                                    hc_candidates *c)
{
  PetscFunctionBeginUser;
  PetscCall(hc_select_mean(y, n, o, ws, part, r, c));
  PetscCall(hc_select_volatility(y, n, o, ws, r, c));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_forecast(const double *y, int n, const hc_select_options *o, const hc_candidates *c, hc_result *r)
{
  PetscFunctionBeginUser;
  if (c->selected < 0) PetscFunctionReturn(0);
  const int            sel = c->fit[c->selected];
  const hc_fit_record *f   = &r->fits[sel];
  const hc_spec        s   = c->spec[c->selected];
  hc_model            *m;
  hc_dist_eval         law;
  double              *var;
  PetscCall(PetscMalloc1(o->horizon, &var));
  PetscCall(hc_model_create(&s, n, &m));
  if (s.n_exog) hc_model_set_exog(m, o->X, o->ldx, o->xnames);
  int bad = m->ops->forecast(m, f->params, y, n, o->horizon, r->mean, var) || hc_model_law(m, f->params, &law);
  for (int h = 0; h < o->horizon && !bad; h++) {
    bad |= !(var[h] > 0) || !isfinite(r->mean[h]);
    r->sd[h] = sqrt(var[h]);
    for (int l = 0; l < HC_N_LEVELS; l++) {
      double a = 0.5 * (1.0 - hc_interval_levels[l]);
      r->lo[h * HC_N_LEVELS + l] = r->mean[h] + r->sd[h] * hc_dist_quantile(&law, a);
      r->hi[h * HC_N_LEVELS + l] = r->mean[h] + r->sd[h] * hc_dist_quantile(&law, 1.0 - a);
    }
  }
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

/* Ljung-Box on z_t (df = m - ARMA coefficients), McLeod-Li on z_t^2 (df = m, or m - the
 * variance-equation orders vol_p + vol_q of a volatility model; Li & Mak 1994), Jarque-Bera on z_t. Tests that cannot be computed
 * leave NaN. */
PetscErrorCode hc_select_residuals(const double *y, int n, const hc_select_options *o, const hc_candidates *c, const hc_result *r,
                                   double *z, int *T)
{
  hc_model *m;
  PetscFunctionBeginUser;
  *T = 0;
  if (c->selected < 0 || r->selected < 0) PetscFunctionReturn(0);
  const hc_spec s = c->spec[c->selected];
  PetscCall(hc_model_create(&s, n, &m));
  if (s.n_exog) hc_model_set_exog(m, o->X, o->ldx, o->xnames);
  if (m->ops->residuals) {
    const int T_m = m->ops->residuals(m, r->fits[r->selected].params, y, n, z); /* once: PetscMax evaluates its arguments twice */
    *T            = PetscMax(0, T_m);
  }
  PetscCall(hc_model_destroy(&m));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_diagnostics(const double *y, int n, const hc_select_options *o, const hc_candidates *c,
                                     struct hc_fft_cache *fft, hc_result *r)
{
  double *z, q;
  int     T;
  PetscFunctionBeginUser;
  if (c->selected < 0 || r->selected < 0 || !fft) PetscFunctionReturn(0);
  const hc_spec s = c->spec[c->selected];
  PetscCall(PetscMalloc1(n, &z));
  PetscCall(hc_select_residuals(y, n, o, c, r, z, &T));
  const int k = T / 5 < 10 ? T / 5 : 10, arma = s.p + s.q + s.P + s.Q, vol = s.vol_p + s.vol_q;
  if (T > 10 && k > arma && k > vol) {
    r->lb_lags = k;
    if (hc_spectral_ljung_box(fft, z, T, k, arma, &q, &r->lb_p)) r->lb_p = NAN;
    if (hc_spectral_mcleod_li(fft, z, T, k, vol, &q, &r->ml_p)) r->ml_p = NAN;
    if (hc_spectral_jarque_bera(z, T, &q, &r->jb_p)) r->jb_p = NAN;
  }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_select_and_forecast(const double *y, int n, const hc_select_options *o, hc_fit_workspace *ws, struct hc_fft_cache *fft,
                                      hc_result *r)
{
  hc_candidates c;
  PetscFunctionBeginUser;
  PetscCall(hc_select_candidates(y, n, o, ws, NULL, r, &c));
  PetscCall(hc_select_forecast(y, n, o, &c, r));
  if (r->status == HC_STATUS_OK) PetscCall(hc_select_diagnostics(y, n, o, &c, fft, r));
  PetscFunctionReturn(0);
}

/* The mean spec named `name` (hc_spec_mean_name): a spec of the grid of that name, else the
 * ARMA, ARIMA or SARIMA orders the name spells on a spec of the grid's family (the stepwise
 * search leaves the listed grid), accepted only if it names itself `name` again.
 * @return 0, or 1 if no spec has that name. */
static int mean_of_name(const hc_select_options *o, const char *name, hc_spec *out)
{
  char buf[HC_MODEL_LEN];
  int  base = -1;
  for (int i = 0; i < o->n_mean; i++) {
    hc_spec s = o->mean[i];
    if (likelihood_of_y(&s)) s.n_exog = o->n_exog;
    hc_spec_mean_name(&s, buf, sizeof buf);
    if (!strcmp(buf, name)) return *out = s, 0;
    if (base < 0 && likelihood_of_y(&s) && !s.ssa_L) base = i;
  }
  if (base < 0) return 1;
  hc_spec     s = o->mean[base];
  const char *c = name;
  int         end = 0, seasonal = !strncmp(c, "SARIMA", 6);
  s.n_exog = o->n_exog;
  s.d = s.P = s.D = s.Q = s.s = s.drift = 0;
  if (!strncmp(c, "ARMA(", 5)) {
    if (sscanf(c, "ARMA(%d,%d)%n", &s.p, &s.q, &end) != 2) return 1;
  } else {
    c += seasonal ? 6 : !strncmp(c, "ARIMA", 5) ? 5 : 0;
    if (c == name) return 1;
    c += *c == 'X';
    if (sscanf(c, "(%d,%d,%d)%n", &s.p, &s.d, &s.q, &end) != 3) return 1;
    if (seasonal) {
      int more = 0;
      if (sscanf(c + end, "(%d,%d,%d)%d%n", &s.P, &s.D, &s.Q, &s.s, &more) != 4) return 1;
      end += more;
    }
    s.drift = !strcmp(c + end, "+drift");
    end += s.drift ? 6 : 0;
  }
  if (c[end]) return 1;
  hc_spec_mean_name(&s, buf, sizeof buf);
  return strcmp(buf, name) ? 1 : (*out = s, 0);
}

/* The candidate of mean spec `mean` with volatility spec v (as hc_select_volatility builds it). */
static hc_spec candidate_spec(const hc_spec *mean, const hc_spec *v)
{
  hc_spec s = *mean;
  if (!hc_spec_has_vol(v)) return s;
  s.vol = v->vol, s.vol_p = v->vol_p, s.vol_o = v->vol_o, s.vol_q = v->vol_q, s.dist = v->dist;
  s.variance_targeting = v->variance_targeting;
  return s;
}

/* The index in r->fits of the fit of spec s, or -1. */
static int fit_of(const hc_result *r, const hc_spec *s)
{
  char name[HC_MODEL_LEN];
  hc_spec_name(s, name, sizeof name);
  for (int j = 0; j < r->n_fits; j++)
    if (!strcmp(r->fits[j].name, name)) return j;
  return -1;
}

int hc_select_restore(const hc_select_options *o, const hc_result *r, hc_candidates *c, char *why, size_t len)
{
  memset(c, 0, sizeof *c);
  c->selected = c->mean_fit = -1;
  if (r->selected < 0 || r->selected >= r->n_fits) return snprintf(why, len, "no selected fit"), 1;
  const hc_fit_record *sel = &r->fits[r->selected];
  hc_spec              mean;
  if (mean_of_name(o, sel->mean_model, &mean)) return snprintf(why, len, "mean model %s is not of the options' grid", sel->mean_model), 1;
  c->mean_spec = mean;
  c->mean_fit  = fit_of(r, &mean);
  for (int v = 0; v < o->n_vol; v++) {
    c->spec[v] = candidate_spec(&mean, &o->vol[v]);
    c->fit[v]  = fit_of(r, &c->spec[v]);
    if (c->fit[v] == r->selected) c->selected = v;
  }
  c->n = o->n_vol;
  for (int m = 0; m < r->n_members; m++) { /* a member of another likelihood (SSA): candidate n_vol */
    int known = 0;
    for (int v = 0; v < c->n && !known; v++) known = c->fit[v] >= 0 && !strcmp(r->fits[c->fit[v]].name, r->member[m]);
    if (known) continue;
    hc_spec s;
    if (c->n > o->n_vol || mean_of_name(o, r->member[m], &s) || likelihood_of_y(&s) || (c->fit[c->n] = fit_of(r, &s)) < 0)
      return snprintf(why, len, "ensemble member %s is not of the options' grid", r->member[m]), 1;
    c->spec[c->n] = s;
    if (c->fit[c->n] == r->selected) c->selected = c->n;
    c->n++;
  }
  if (c->selected < 0) return snprintf(why, len, "selected fit %s is not of the options' grid", sel->name), 1;
  /* the members are the candidates that fitted, in candidate order (as hc_ensemble_weights made them) */
  int m = 0, same = 1;
  for (int v = 0; v < c->n; v++) {
    const int i = c->fit[v];
    if (i < 0 || !usable(&r->fits[i])) continue;
    same &= m < r->n_members && !strcmp(r->member[m], r->fits[i].name);
    m++;
  }
  if (r->n_members && (!same || m != r->n_members)) return snprintf(why, len, "the ensemble's members are not the candidates of its selection"), 1;
  return 0;
}
