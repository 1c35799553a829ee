/**
 * @file select.c
 * @brief Model-grid fitting, AIC selection and forecasting of one series.
 *
 * Step 1: every ARMA(p,q) order of the grid by exact Gaussian ML; each order also
 *         starts from its already-fitted neighbours (p-1,q) and (p,q-1) with the new
 *         coefficient at zero (the nested optimum is a point of the larger model, so the
 *         larger never ends below it) and from the near-cancelling root starts of
 *         hc_arma_cycle_starts, which find the higher optima that single-start fitters
 *         (R stats::arima, statsmodels) miss on daily returns.
 * Step 2: the order of lowest AIC (Akaike 1974) is kept; every volatility spec is fitted
 *         jointly with that ARMA mean, GARCH starting from the ARMA estimates and
 *         Student-t from the Gaussian GARCH estimates.
 * Step 3: the candidate (order, volatility) of lowest AIC is selected and forecast.
 */
#include "models_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* index of order (p,q) in the grid, or -1 */
static int grid_index(const hc_select_options *o, int p, int q)
{
  for (int i = 0; i < o->n_mean; i++)
    if (o->mean_pq[2 * i] == p && o->mean_pq[2 * i + 1] == q) return i;
  return -1;
}

/* Natural ARMA parameters of a neighbour (pn,qn) embedded in order (p,q), zero-padded. */
static void embed_arma(const double *src, int pn, int qn, int p, int q, double *dst)
{
  memset(dst, 0, (size_t)(p + q + 2) * sizeof *dst);
  dst[0] = src[0];
  for (int i = 0; i < pn && i < p; i++) dst[1 + i] = src[1 + i];
  for (int j = 0; j < qn && j < q; j++) dst[1 + p + j] = src[1 + pn + j];
  dst[1 + p + q] = src[1 + pn + qn];
}

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

PetscErrorCode hc_select_and_forecast(const double *y, int n, const hc_select_options *o, hc_result *r)
{
  hc_fit_record *arma, rec;
  int            best = -1;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(o->n_mean > 0 ? o->n_mean : 1, &arma));
  /* Step 1: the ARMA grid, in (p,q) order so that neighbours are fitted first */
  for (int i = 0; i < o->n_mean; i++) {
    hc_spec s = {.p = o->mean_pq[2 * i], .q = o->mean_pq[2 * i + 1], .vol = HC_VOL_NONE};
    double  starts[8 * HC_MAX_PARAMS];
    int     ns = 0;
    int     nb[2][2] = {{s.p - 1, s.q}, {s.p, s.q - 1}};
    for (int b = 0; b < 2; b++) {
      int j = nb[b][0] >= 0 && nb[b][1] >= 0 ? grid_index(o, nb[b][0], nb[b][1]) : -1;
      if (j >= 0 && j < i && usable(&arma[j])) embed_arma(arma[j].params, nb[b][0], nb[b][1], s.p, s.q, starts + (size_t)ns++ * (s.p + s.q + 2));
    }
    if (i > 0 && usable(&arma[0]))
      ns += hc_arma_cycle_starts(s.p, s.q, arma[0].params[0], arma[0].params[arma[0].n_params - 1],
                                 starts + (size_t)ns * (s.p + s.q + 2));
    PetscCall(fit_one(&s, y, n, &o->fit, ns, starts, &arma[i]));
    PetscCheck(!hc_result_add_fit(r, &arma[i]), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    if (usable(&arma[i]) && (best < 0 || arma[i].aic < arma[best].aic)) best = i;
  }
  if (best < 0) {
    hc_result_set_status(r, HC_STATUS_FAILED, "no ARMA order could be fitted (%s)",
                         o->n_mean > 0 ? arma[0].reason : "empty grid");
    PetscCall(PetscFree(arma));
    PetscFunctionReturn(0);
  }

  /* Step 2: each volatility spec on the selected order */
  const int p = o->mean_pq[2 * best], q = o->mean_pq[2 * best + 1];
  int       sel = -1, garch_normal = -1;
  for (int v = 0; v < o->n_vol; v++) {
    hc_spec s = o->vol[v];
    s.p       = p;
    s.q       = q;
    int fit_index;
    if (s.vol == HC_VOL_NONE) {
      /* the Gaussian ARMA of step 1 is this candidate: index of arma[best] in r->fits */
      fit_index = best;
    } else {
      double start[2][HC_MAX_PARAMS];
      int    ns = 0, k = 1 + p + q;
      /* from the ARMA fit: mean parameters, omega so that the unconditional variance matches */
      memcpy(start[0], arma[best].params, (size_t)k * sizeof(double));
      double s2      = arma[best].params[k];
      start[0][k]     = 0.05 * s2;
      start[0][k + 1] = 0.05;
      start[0][k + 2] = 0.90;
      if (s.dist == HC_DIST_T) start[0][k + 3] = 8.0;
      ns = 1;
      if (s.dist == HC_DIST_T && garch_normal >= 0 && usable(&r->fits[garch_normal])) {
        memcpy(start[1], r->fits[garch_normal].params, (size_t)(k + 3) * sizeof(double));
        start[1][k + 3] = 8.0;
        ns              = 2;
      }
      PetscCall(fit_one(&s, y, n, &o->fit, ns, &start[0][0], &rec));
      PetscCheck(!hc_result_add_fit(r, &rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
      fit_index = r->n_fits - 1;
      if (s.dist == HC_DIST_NORMAL) garch_normal = fit_index;
    }
    if (usable(&r->fits[fit_index]) && (sel < 0 || r->fits[fit_index].aic < r->fits[sel].aic)) sel = fit_index;
  }
  PetscCall(PetscFree(arma));
  if (sel < 0) {
    hc_result_set_status(r, HC_STATUS_FAILED, "no volatility model could be fitted on ARMA(%d,%d)", p, q);
    PetscFunctionReturn(0);
  }

  /* Step 3: forecast with the selected model */
  const hc_fit_record *f = &r->fits[sel];
  hc_spec              s = {.p = p, .q = q, .vol = HC_VOL_NONE};
  for (int v = 0; v < o->n_vol; v++) {
    char name[HC_MODEL_LEN];
    hc_spec_vol_name(&o->vol[v], name, sizeof name);
    if (!strcmp(name, f->vol_model)) {
      s       = o->vol[v];
      s.p     = p;
      s.q     = q;
    }
  }
  hc_model *m;
  double   *var;
  PetscCall(PetscMalloc1(o->horizon, &var));
  PetscCall(hc_model_create(&s, n, &m));
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
