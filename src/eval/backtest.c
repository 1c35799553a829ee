/**
 * @file backtest.c
 * @brief Rolling-origin (walk-forward) backtest of the candidate models of one series, the
 *        ensembles built from them, and the live ensemble forecast: the steps hc_backtest_run,
 *        hc_ensemble_weights, hc_ensemble_forecast and hc_backtest_trading of app/pipeline.c.
 *
 * Evaluation design: Tashman (2000), "Out-of-sample tests of forecasting accuracy: an
 * analysis and review", Int. J. Forecasting 16(4) 437-450 (rolling origin, fixed or
 * recalibrated parameters); linear pool of predictive distributions: Stone (1961), Gneiting &
 * Ranjan (2013) Electron. J. Stat. 7 1747-1782. Definitions of every score: docs/scores.md.
 */
#include "hpcast/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_ORIGINS 20 /* fewer origins than this: no backtest */

/* -log_view events of the backtest's phases, registered by the first hc_backtest_create */
static PetscLogEvent ev_refit, ev_filter, ev_score, ev_weights;

void hc_backtest_options_default(hc_backtest_options *o)
{
  memset(o, 0, sizeof *o);
  o->origins     = 250;
  o->refit_every = 20;
  o->window      = 0;
  o->n_schemes   = HC_ENS_COUNT;
  for (int s = 0; s < HC_ENS_COUNT; s++) o->scheme[s] = (hc_ensemble_scheme)s;
  o->returns = 1;
  hc_trading_options_default(&o->trading);
}

/* One member of the backtest: its model, current parameters and law. */
typedef struct {
  int           v;        /* candidate (volatility spec) index */
  hc_model     *m;
  hc_fit_record fit;      /* current estimate */
  hc_dist_eval  law;
  double        zq[HC_SCORE_MAX_LEVELS]; /* standardized quantiles of law at the levels of hc_score_levels */
  double        se[HC_MAX_PARAMS]; /* standard errors of the first fit (parameter stability) */
  double        sum[HC_MAX_PARAMS], sum2[HC_MAX_PARAMS]; /* parameters over refits */
  int           n_refits;
  int           f_w0, f_n; /* the last forecast was from the end of y[f_w0 .. f_w0 + f_n - 1] with fit (f_n = 0: none) */
} member;

/* State of one backtest: K origins, k members, S schemes, H horizons. */
struct hc_backtest {
  int      K, k, S, H, T0, w_first;
  int      s_win;             /* the reported scheme (lowest mean 1-step CRPS), -1 before hc_backtest_run */
  const hc_backtest_options *bo;
  member  *mem;
  double  *fmean, *fsd;     /* [k * H] forecasts of the current origin */
  int     *fok;             /* [k] forecast of member i finite at this origin */
  double  *w;               /* [S * k] current weights */
  double  *sse1;            /* [k] squared 1-step errors so far */
  int     *n1;              /* [k] 1-step errors counted */
  double  *A, *Asum;        /* [k * k] CRPS matrix of one origin, sum over scored origins */
  int      nA;
  double  *ens1_mean, *ens1_sd; /* [S * K] 1-step ensemble forecasts per origin (trading) */
  double  *ens1_pit;          /* [S * K] their PIT at the outcome (NaN where not scored) */
  hc_spec  bench_spec;        /* the constant-mean benchmark: ARMA(0,0) with the selected volatility model */
  int      bench_of;          /* the member that is the benchmark's model (its forecasts reused), or -1 */
  member   bench;             /* the benchmark's own model when no member is (bench.m NULL until fitted) */
  double  *bmean, *bsd;       /* [H] the benchmark's forecasts of the current origin */
  int      bok;               /* they are finite */
  double  *crps1;             /* [(S + 1) * K] 1-step CRPS per origin of each scheme, then of the benchmark
                                 (NaN where not scored) */
  int     *s_run;             /* [K] scheme of the trading signal at each origin: lowest mean
                                 1-step CRPS over the origins before it (the first scheme at first) */
  hc_score_acc *acc;        /* [(k + S + 1) * H]: members, schemes, the benchmark */
};
typedef struct hc_backtest backtest;

/* The AIC of a member for the Akaike weights: only models whose likelihood is that of y compare
 * (SSA's is that of a residual: it takes part through the other schemes). */
static double ensemble_ic(const hc_spec *s, const hc_fit_record *f)
{
  const hc_model_ops *ops = hc_model_family(s);
  return ops && ops->likelihood_of_y && f->status == 0 && isfinite(f->aic) ? f->aic : NAN;
}

/* Weights of scheme s from the history before the current origin (equal without one). */
static PetscErrorCode update_weights(backtest *b, int s, hc_ensemble_scheme scheme)
{
  double *w = b->w + (size_t)s * b->k, x[HC_MAX_CANDIDATES];
  PetscFunctionBeginUser;
  switch (scheme) {
  case HC_ENS_EQUAL: hc_ensemble_equal(b->k, w); break;
  case HC_ENS_INVMSE:
    for (int i = 0; i < b->k; i++) x[i] = b->n1[i] ? b->sse1[i] / b->n1[i] : NAN;
    hc_ensemble_invmse(b->k, x, w);
    break;
  case HC_ENS_AKAIKE:
    for (int i = 0; i < b->k; i++) x[i] = ensemble_ic(&b->mem[i].m->spec, &b->mem[i].fit);
    hc_ensemble_akaike(b->k, x, w);
    break;
  case HC_ENS_STACKING:
    if (!b->nA) hc_ensemble_equal(b->k, w);
    else {
      double *Am;
      PetscCall(PetscMalloc1((size_t)b->k * b->k, &Am));
      for (int i = 0; i < b->k * b->k; i++) Am[i] = b->Asum[i] / b->nA;
      PetscCall(hc_ensemble_stacking(b->k, Am, w));
      PetscCall(PetscFree(Am));
    }
    break;
  default: hc_ensemble_equal(b->k, w);
  }
  PetscFunctionReturn(0);
}

/* The mixture of the members with weights w over the members whose forecast is finite
 * (renormalised); comp/wk/idx (the members used) have room for k. @return components used. */
static int pool(const backtest *b, const double *w, int h, hc_pred *comp, double *wk, int *idx, double *zq)
{
  int    c   = 0;
  double tot = 0.0;
  for (int i = 0; i < b->k; i++) {
    if (!b->fok[i] || !(w[i] > 0)) continue;
    comp[c] = (hc_pred){.mean = b->fmean[i * b->H + h], .sd = b->fsd[i * b->H + h], .law = b->mem[i].law};
    idx[c] = i;
    memcpy(zq + (size_t)c * HC_SCORE_MAX_LEVELS, b->mem[i].zq, sizeof b->mem[i].zq);
    wk[c++] = w[i];
    tot += w[i];
  }
  for (int j = 0; j < c; j++) wk[j] /= tot;
  return c;
}

/* The member's innovation law and its standardized quantiles at the score levels. */
static void set_law(member *mb, const hc_dist_eval *law)
{
  double    lv[HC_SCORE_MAX_LEVELS];
  const int m = hc_score_levels(lv);
  mb->law     = *law;
  for (int l = 0; l < m; l++) mb->zq[l] = hc_dist_quantile(law, lv[l]);
}

/* (Re)fit member i on y[0..n-1] starting from its current estimate; keep it if the refit fails. */
static PetscErrorCode refit(member *mb, const double *y, int n, const hc_fit_options *fo0, hc_fit_workspace *ws)
{
  hc_fit_options fo = *fo0;
  hc_fit_record  rec;
  PetscFunctionBeginUser;
  fo.compute_stderr = 0;
  fo.warm           = 1;
  PetscCall(hc_fit(mb->m, y, n, &fo, ws, 1, mb->fit.params, &rec));
  if (rec.status == 0 && isfinite(rec.loglik)) {
    hc_dist_eval law;
    if (!hc_model_law(mb->m, rec.params, &law)) {
      mb->fit = rec;
      mb->f_n = 0; /* new parameters: the next forecast filters from the start */
      set_law(mb, &law);
    }
  }
  PetscFunctionReturn(0);
}

static void stability_add(member *mb)
{
  for (int j = 0; j < mb->fit.n_params; j++) {
    mb->sum[j] += mb->fit.params[j];
    mb->sum2[j] += mb->fit.params[j] * mb->fit.params[j];
  }
  mb->n_refits++;
}

/* 1 / (1 + mean_j sd_j / se_j) over the parameters with a finite se > 0. */
static double stability(const member *mb)
{
  double acc = 0.0;
  int    c   = 0;
  if (mb->n_refits < 2) return NAN;
  for (int j = 0; j < mb->fit.n_params; j++) {
    double mean = mb->sum[j] / mb->n_refits, var = mb->sum2[j] / mb->n_refits - mean * mean;
    if (!(mb->se[j] > 0) || !isfinite(mb->se[j])) continue;
    acc += sqrt(var > 0 ? var * mb->n_refits / (mb->n_refits - 1) : 0.0) / mb->se[j];
    c++;
  }
  return c ? 1.0 / (1.0 + acc / c) : NAN;
}

static void free_backtest(backtest *b)
{
  for (int i = 0; i < b->k; i++) hc_model_destroy(&b->mem[i].m);
  hc_model_destroy(&b->bench.m);
  for (int i = 0; b->acc && i < (b->k + b->S + 1) * b->H; i++) hc_score_acc_free(&b->acc[i]);
  free(b->mem);
  free(b->acc);
  free(b->fmean);
  free(b->fok);
  free(b->w);
  free(b->sse1);
  free(b->n1);
  free(b->A);
  free(b->ens1_mean);
  free(b->s_run);
  free(b->bmean);
  free(b->crps1);
}

/* Forecasts mean[0..H-1], sd[0..H-1] of member mb at origin t (window y[w0..t-1]): between
 * refits, the observations since its last forecast continue its filter
 * (hc_model_forecast_update). @return 1 if they are finite (sd > 0). */
static int forecast_one(member *mb, const double *y, int w0, int t, int H, const hc_select_options *sel, double *mean, double *sd,
                        double *var)
{
  if (mb->m->spec.n_exog) hc_model_set_exog(mb->m, sel->X + w0, sel->ldx, sel->xnames);
  const int n0  = mb->f_w0 == w0 ? mb->f_n : 0;
  int       bad = hc_model_forecast_update(mb->m, mb->fit.params, y + w0, n0, t - w0, H, mean, var);
  mb->f_w0      = w0;
  mb->f_n       = bad ? 0 : t - w0;
  for (int h = 0; h < H; h++) {
    bad |= !(var[h] > 0) || !isfinite(var[h]) || !isfinite(mean[h]);
    sd[h] = bad ? NAN : sqrt(var[h]);
  }
  return !bad;
}

/* The member whose model, law and forecasts are the benchmark's. */
static const member *bench_member(const backtest *b) { return b->bench_of >= 0 ? &b->mem[b->bench_of] : &b->bench; }

/* Forecasts of every member and of the benchmark at origin t (window y[w0..t-1]). */
static void forecast_members(backtest *b, const double *y, int w0, int t, const hc_select_options *sel, double *var)
{
  for (int i = 0; i < b->k; i++) b->fok[i] = forecast_one(&b->mem[i], y, w0, t, b->H, sel, b->fmean + i * b->H, b->fsd + i * b->H, var);
  if (b->bench_of >= 0) {
    memcpy(b->bmean, b->fmean + b->bench_of * b->H, sizeof *b->bmean * (size_t)b->H);
    memcpy(b->bsd, b->fsd + b->bench_of * b->H, sizeof *b->bsd * (size_t)b->H);
    b->bok = b->fok[b->bench_of];
  } else b->bok = b->bench.m && forecast_one(&b->bench, y, w0, t, b->H, sel, b->bmean, b->bsd, var);
}

/* Names of the forecasters: members, then "ensemble:<scheme>", then the benchmark. */
static void row_name(const backtest *b, const hc_backtest_options *bo, int f, char *name)
{
  if (f < b->k) hc_strlcpy(name, b->mem[f].fit.name, HC_MODEL_LEN);
  else if (f < b->k + b->S) snprintf(name, HC_MODEL_LEN, "ensemble:%s", hc_ensemble_name(bo->scheme[f - b->k]));
  else hc_strlcpy(name, HC_BENCHMARK_NAME, HC_MODEL_LEN);
}

/* Score every forecaster of origin t against y[t..], accumulate the 1-step history. */
static PetscErrorCode score_origin(backtest *b, const hc_backtest_options *bo, const double *y, int n, int t, int i_origin)
{
  hc_pred comp[HC_MAX_CANDIDATES];
  double  wk[HC_MAX_CANDIDATES], one = 1.0;
  double  zq[HC_MAX_CANDIDATES * HC_SCORE_MAX_LEVELS];
  int     idx[HC_MAX_CANDIDATES], all = 1;
  PetscFunctionBeginUser;
  for (int i = 0; i < b->k; i++) all &= b->fok[i];
  const double ref = bo->returns ? 0.0 : y[t - 1];
  b->s_run[i_origin] = 0;
  for (int s = 1; s < b->S; s++) {
    const hc_score_acc *a = &b->acc[(b->k + s) * b->H], *w = &b->acc[(b->k + b->s_run[i_origin]) * b->H];
    if (a->n && (!w->n || a->crps / a->n < w->crps / w->n)) b->s_run[i_origin] = s;
  }
  for (int h = 0; h < b->H && t + h < n; h++) {
    const double yo = y[t + h];
    for (int i = 0; i < b->k; i++) {
      if (!b->fok[i]) continue;
      hc_pred              p  = {.mean = b->fmean[i * b->H + h], .sd = b->fsd[i * b->H + h], .law = b->mem[i].law};
      hc_mixture           f  = {.k = 1, .w = &one, .comp = &p};
      const hc_score_known kn = {.crps = NAN, .zq = b->mem[i].zq};
      hc_score_acc_add_known(&b->acc[i * b->H + h], &f, yo, ref, &kn);
    }
    if (b->bok) {
      const member        *bm = bench_member(b);
      hc_pred              p  = {.mean = b->bmean[h], .sd = b->bsd[h], .law = bm->law};
      hc_mixture           f  = {.k = 1, .w = &one, .comp = &p};
      const hc_score_known kn = {.crps = hc_crps(&f, yo), .zq = bm->zq};
      hc_score_acc_add_known(&b->acc[(b->k + b->S) * b->H + h], &f, yo, ref, &kn);
      if (h == 0) b->crps1[(size_t)b->S * b->K + i_origin] = kn.crps;
    }
    /* one quadrature for every scheme: the CRPS of a mixture with weights w is w' A w */
    int have_A = 0;
    if (all) {
      for (int i = 0; i < b->k; i++) comp[i] = (hc_pred){.mean = b->fmean[i * b->H + h], .sd = b->fsd[i * b->H + h], .law = b->mem[i].law};
      have_A = !hc_crps_matrix(b->k, comp, yo, b->A);
      if (have_A && h == 0) { /* the stacking history (known from origin t + 1 on) */
        for (int i = 0; i < b->k * b->k; i++) b->Asum[i] += b->A[i];
        b->nA++;
      }
    }
    for (int s = 0; s < b->S; s++) {
      int c = pool(b, b->w + (size_t)s * b->k, h, comp, wk, idx, zq);
      if (!c) continue;
      hc_mixture     f  = {.k = c, .w = wk, .comp = comp};
      hc_score_known kn = {.crps = have_A ? 0.0 : NAN, .zq = zq};
      for (int u = 0; u < c && have_A; u++)
        for (int v = 0; v < c; v++) kn.crps += wk[u] * wk[v] * b->A[idx[u] * b->k + idx[v]];
      if (!have_A) kn.crps = hc_crps(&f, yo); /* what the accumulator would compute; kept per origin */
      hc_score_acc        *acc = &b->acc[(b->k + s) * b->H + h];
      const int            n0  = acc->n;
      hc_score_acc_add_known(acc, &f, yo, ref, &kn);
      if (h == 0) {
        if (acc->n > n0) b->ens1_pit[(size_t)s * b->K + i_origin] = acc->pit[n0];
        hc_mixture_moments(&f, &b->ens1_mean[(size_t)s * b->K + i_origin], &b->ens1_sd[(size_t)s * b->K + i_origin]);
        b->crps1[(size_t)s * b->K + i_origin] = kn.crps;
      }
    }
  }
  /* 1-step history of the weights (known from origin t + 1 on) */
  for (int i = 0; i < b->k; i++) {
    if (!b->fok[i]) continue;
    double e = y[t] - b->fmean[i * b->H];
    b->sse1[i] += e * e;
    b->n1[i]++;
  }
  PetscFunctionReturn(0);
}

/* 1 if specs a and b are the same model (the same name, which spells every order, the
 * distribution and the regressors, and the same variance targeting). */
static int same_model(const hc_spec *a, const hc_spec *b)
{
  char na[HC_MODEL_LEN], nb[HC_MODEL_LEN];
  hc_spec_name(a, na, sizeof na);
  hc_spec_name(b, nb, sizeof nb);
  return !strcmp(na, nb) && a->variance_targeting == b->variance_targeting;
}

/* The benchmark's own model fitted on the first window y[w_first..T0-1] as the selection fits
 * ARMA(0,0) and then its volatility model (hc_select_candidates on that one-spec grid); left
 * without a model (never scored) if the fit fails. */
static PetscErrorCode fit_benchmark(backtest *b, const double *y, int n, const hc_select_options *sel, hc_fit_workspace *ws)
{
  const hc_spec     mean = {.vol = HC_VOL_NONE};
  hc_select_options o    = {.n_mean = 1, .mean = &mean, .n_vol = 1, .vol = &b->bench_spec, .horizon = b->H, .fit = sel->fit,
                            .ic = sel->ic, .search = HC_SEARCH_GRID};
  hc_result         tmp;
  hc_candidates     c;
  PetscFunctionBeginUser;
  PetscCheck(!hc_result_init(&tmp, "benchmark", b->H), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(hc_select_candidates(y + b->w_first, b->T0 - b->w_first, &o, ws, NULL, &tmp, &c));
  if (c.selected == 0) {
    const hc_fit_record *f = &tmp.fits[c.fit[0]];
    hc_dist_eval         law;
    PetscCall(hc_model_create(&c.spec[0], n, &b->bench.m));
    if (hc_model_law(b->bench.m, f->params, &law)) PetscCall(hc_model_destroy(&b->bench.m));
    else {
      set_law(&b->bench, &law);
      b->bench.v   = -1;
      b->bench.fit = *f;
    }
  }
  hc_result_free(&tmp);
  PetscFunctionReturn(0);
}

void hc_backtest_destroy(hc_backtest **b)
{
  if (!*b) return;
  free_backtest(*b);
  free(*b);
  *b = NULL;
}

int hc_backtest_plan(int n, const hc_backtest_options *bo, int *T0, int *w_first, char *reason, size_t len)
{
  const int K = bo->origins < n / 2 ? bo->origins : n / 2;
  if (bo->origins <= 0) {
    if (reason) hc_strlcpy(reason, "backtest off (-backtest_origins 0)", len);
    return 0;
  }
  if (K < MIN_ORIGINS) {
    if (reason) snprintf(reason, len, "series too short for a backtest (%d observations: at least %d needed)", n, 2 * MIN_ORIGINS);
    return 0;
  }
  *T0      = n - K;
  *w_first = bo->window > 0 && *T0 > bo->window ? *T0 - bo->window : 0;
  return 1;
}

PetscErrorCode hc_backtest_create(const hc_candidates *c0, const hc_result *first, int n, int T0, int w_first,
                                  const hc_backtest_options *bo, int H, hc_backtest **bt)
{
  backtest *b;
  PetscFunctionBeginUser;
  if (!ev_refit) {
    PetscCall(PetscLogEventRegister("hcRefit", PETSC_OBJECT_CLASSID, &ev_refit));
    PetscCall(PetscLogEventRegister("hcFilter", PETSC_OBJECT_CLASSID, &ev_filter));
    PetscCall(PetscLogEventRegister("hcScore", PETSC_OBJECT_CLASSID, &ev_score));
    PetscCall(PetscLogEventRegister("hcBtWeights", PETSC_OBJECT_CLASSID, &ev_weights));
  }
  PetscCheck((b = calloc(1, sizeof *b)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *bt        = b;
  b->T0      = T0;
  b->w_first = w_first;
  b->H       = H;
  b->K       = n - T0;
  b->S       = bo->n_schemes;
  b->bo      = bo;
  b->s_win   = -1;
  const int K = b->K;
  PetscCheck((b->mem = calloc((size_t)c0->n + 1, sizeof *b->mem)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int v = 0; v < c0->n && first->status == HC_STATUS_OK; v++) {
    if (c0->fit[v] < 0) continue;
    const hc_fit_record *f  = &first->fits[c0->fit[v]];
    member              *mb = &b->mem[b->k];
    if (f->status != 0 || !isfinite(f->loglik)) continue;
    hc_dist_eval law;
    PetscCall(hc_model_create(&c0->spec[v], n, &mb->m));
    if (hc_model_law(mb->m, f->params, &law)) {
      PetscCall(hc_model_destroy(&mb->m));
      continue;
    }
    set_law(mb, &law);
    mb->v   = v;
    mb->fit = *f;
    memcpy(mb->se, f->stderr_, sizeof mb->se);
    stability_add(mb);
    b->k++;
  }
  /* the benchmark: ARMA(0,0) with the volatility model of the candidate selected on the first
   * window (none without one); a member of that very model is reused */
  b->bench_of = -1;
  if (c0->selected >= 0) {
    const hc_spec *v         = &c0->spec[c0->selected];
    b->bench_spec.vol        = v->vol;
    b->bench_spec.vol_p      = v->vol_p;
    b->bench_spec.vol_o      = v->vol_o;
    b->bench_spec.vol_q      = v->vol_q;
    b->bench_spec.dist       = v->dist;
    b->bench_spec.variance_targeting = v->variance_targeting;
  }
  for (int i = 0; i < b->k; i++)
    if (same_model(&b->mem[i].m->spec, &b->bench_spec)) b->bench_of = i;
  const size_t k = (size_t)b->k, S = (size_t)b->S, nacc = (k + S + 1) * (size_t)H;
  b->acc       = calloc(nacc + 1, sizeof *b->acc);
  b->fmean     = malloc((2 * k * H + 1) * sizeof(double));
  b->fok       = calloc(k + 1, sizeof(int));
  b->w         = malloc((S * k + 1) * sizeof(double));
  b->sse1      = calloc(k + 1, sizeof(double));
  b->n1        = calloc(k + 1, sizeof(int));
  b->A         = calloc(2 * k * k + 1, sizeof(double));
  b->ens1_mean = malloc((3 * S * (size_t)K + 1) * sizeof(double));
  b->s_run     = calloc((size_t)K + 1, sizeof(int));
  b->bmean     = malloc(2 * (size_t)H * sizeof(double));
  b->crps1     = malloc((S + 1) * (size_t)K * sizeof(double));
  PetscCheck(b->acc && b->fmean && b->fok && b->w && b->sse1 && b->n1 && b->A && b->ens1_mean && b->s_run && b->bmean && b->crps1,
             PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  b->bsd = b->bmean + H;
  for (size_t i = 0; i < (S + 1) * (size_t)K; i++) b->crps1[i] = NAN;
  b->fsd     = b->fmean + k * H;
  b->Asum    = b->A + k * k;
  b->ens1_sd  = b->ens1_mean + S * (size_t)K;
  b->ens1_pit = b->ens1_mean + 2 * S * (size_t)K;
  for (size_t i = 0; i < 3 * S * (size_t)K; i++) b->ens1_mean[i] = NAN;
  for (size_t i = 0; i < nacc; i++) PetscCheck(!hc_score_acc_init(&b->acc[i], K), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscFunctionReturn(0);
}

int hc_backtest_members(const hc_backtest *b) { return b->k; }

int hc_backtest_onestep(const hc_backtest *b, double *mean, double *sd)
{
  for (int i = 0; i < b->K; i++) {
    const size_t at = (size_t)b->s_run[i] * b->K + i;
    mean[i]         = b->ens1_mean[at];
    sd[i]           = b->ens1_sd[at];
  }
  return b->K;
}

/* The label of observation t of y: its date, or its index when y has no labels. */
static void label_of(const hc_backtest_options *bo, int t, char date[HC_LABEL_LEN])
{
  if (bo->labels) hc_strlcpy(date, bo->labels[t], HC_LABEL_LEN);
  else snprintf(date, HC_LABEL_LEN, "%012d", t);
}

/* The reported scheme's 1-step track (r->onestep), one point per origin, after the scores. */
static PetscErrorCode onestep_track(const backtest *b, const double *y, hc_result *r)
{
  const size_t w = (size_t)b->s_win * b->K;
  PetscFunctionBeginUser;
  free(r->onestep);
  PetscCheck((r->onestep = malloc(sizeof *r->onestep * (size_t)b->K)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  r->n_onestep = b->K;
  for (int i = 0; i < b->K; i++) {
    hc_onestep_point *p = &r->onestep[i];
    label_of(b->bo, b->T0 + i, p->date);
    p->y          = y[b->T0 + i];
    p->pit        = b->ens1_pit[w + i];
    p->mean       = isfinite(p->pit) ? b->ens1_mean[w + i] : NAN;
    p->sd         = isfinite(p->pit) ? b->ens1_sd[w + i] : NAN;
    p->crps       = isfinite(p->pit) ? b->crps1[w + i] : NAN;
    p->crps_bench = b->crps1[(size_t)b->S * b->K + i];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode hc_backtest_run(hc_backtest *b, const double *y, int n, const hc_select_options *sel, hc_fit_workspace *ws, hc_result *r)
{
  const hc_backtest_options *bo = b->bo;
  const int                  H = b->H, K = b->K, T0 = b->T0;
  double                    *var;
  PetscFunctionBeginUser;
  if (b->k == 0) {
    hc_strlcpy(r->bt_reason, "no candidate model could be fitted on the first backtest window", sizeof r->bt_reason);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(H, &var));
  PetscCall(PetscLogEventBegin(ev_refit, 0, 0, 0, 0));
  if (b->bench_of < 0) PetscCall(fit_benchmark(b, y, n, sel, ws));
  PetscCall(PetscLogEventEnd(ev_refit, 0, 0, 0, 0));
  for (int i = 0; i < K; i++) {
    const int t = T0 + i, w0 = bo->window > 0 && t > bo->window ? t - bo->window : 0;
    if (i > 0 && i % bo->refit_every == 0) {
      PetscCall(PetscLogEventBegin(ev_refit, 0, 0, 0, 0));
      for (int j = 0; j < b->k; j++) {
        if (b->mem[j].m->spec.n_exog) hc_model_set_exog(b->mem[j].m, sel->X + w0, sel->ldx, sel->xnames);
        PetscCall(refit(&b->mem[j], y + w0, t - w0, &sel->fit, ws));
        stability_add(&b->mem[j]);
      }
      if (b->bench.m) PetscCall(refit(&b->bench, y + w0, t - w0, &sel->fit, ws));
      PetscCall(PetscLogEventEnd(ev_refit, 0, 0, 0, 0));
    }
    PetscCall(PetscLogEventBegin(ev_weights, 0, 0, 0, 0));
    if (i % bo->refit_every == 0)
      for (int s = 0; s < b->S; s++) PetscCall(update_weights(b, s, bo->scheme[s]));
    PetscCall(PetscLogEventEnd(ev_weights, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(ev_filter, 0, 0, 0, 0));
    forecast_members(b, y, w0, t, sel, var);
    PetscCall(PetscLogEventEnd(ev_filter, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(ev_score, 0, 0, 0, 0));
    PetscCall(score_origin(b, bo, y, n, t, i));
    PetscCall(PetscLogEventEnd(ev_score, 0, 0, 0, 0));
  }
  PetscCall(PetscFree(var));
  r->bt_origins = K;

  /* scores of every forecaster and horizon; the reported scheme: lowest mean 1-step CRPS */
  const double scale = hc_eval_mase_scale(y + b->w_first, T0 - b->w_first, 1);
  const int    nf    = b->k + b->S + 1; /* members, schemes, the benchmark */
  PetscCheck((r->scores = calloc((size_t)nf * H + 1, sizeof *r->scores)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  r->n_scores = nf * H;
  for (int f = 0; f < nf; f++)
    for (int h = 0; h < H; h++) {
      hc_score_row *row = &r->scores[f * H + h];
      hc_score_acc_finish(&b->acc[f * H + h], scale, row);
      row_name(b, bo, f, row->model);
      row->horizon = h + 1;
      if (h == 0 && f >= b->k && f < b->k + b->S && isfinite(row->crps) &&
          (b->s_win < 0 || row->crps < r->scores[(b->k + b->s_win) * H].crps))
        b->s_win = f - b->k;
    }
  if (b->s_win < 0) {
    hc_strlcpy(r->bt_reason, "no ensemble forecast could be scored", sizeof r->bt_reason);
    PetscFunctionReturn(0);
  }
  const hc_score_row *win = &r->scores[(b->k + b->s_win) * H];
  r->calibration_score    = win->calibration_score;
  r->crps_1               = win->crps;
  r->coverage95_1         = win->coverage[HC_N_COVER - 1];
  r->pit_ks_1             = win->pit_ks;
  /* the Diebold-Mariano test of the reported ensemble's 1-step CRPS against the benchmark's,
   * over the origins where both were scored */
  double *e, *c;
  int     m = 0;
  PetscCall(PetscMalloc2(K, &e, K, &c));
  hc_backtest_crps_1(b, e, c);
  r->crps_bench_1 = r->scores[(b->k + b->S) * H].crps;
  for (int i = 0; i < K; i++)
    if (isfinite(e[i]) && isfinite(c[i])) e[m++] = e[i] - c[i];
  hc_dm_test(e, m, 1, &r->dm_stat, &r->dm_p);
  PetscCall(PetscFree2(e, c));
  PetscCall(onestep_track(b, y, r));
  PetscFunctionReturn(0);
}

int hc_backtest_crps_1(const hc_backtest *b, double *ens, double *bench)
{
  for (int i = 0; i < b->K; i++) {
    ens[i]   = b->s_win >= 0 ? b->crps1[(size_t)b->s_win * b->K + i] : NAN;
    bench[i] = b->crps1[(size_t)b->S * b->K + i];
  }
  return b->K;
}

/* The candidates of c that fitted (status 0, finite likelihood), in candidate order: the live
 * ensemble's members. @return their number. */
static int fitted_candidates(const hc_candidates *c, const hc_result *r, int *idx)
{
  int M = 0;
  for (int v = 0; v < c->n; v++)
    if (c->fit[v] >= 0 && r->fits[c->fit[v]].status == 0 && isfinite(r->fits[c->fit[v]].loglik)) idx[M++] = v;
  return M;
}

PetscErrorCode hc_ensemble_weights(hc_backtest *b, const hc_candidates *c, hc_result *r)
{
  const hc_backtest_options *bo = b->bo;
  int                        idx[HC_MAX_CANDIDATES];
  PetscFunctionBeginUser;
  if (b->s_win < 0) PetscFunctionReturn(0);
  for (int s = 0; s < b->S; s++) PetscCall(update_weights(b, s, bo->scheme[s]));
  const int M = fitted_candidates(c, r, idx);
  PetscCheck(!hc_result_set_members(r, M), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  /* weights of each scheme over the whole backtest, mapped onto the candidates by index */
  for (int s = 0; s < b->S; s++) {
    double x[HC_MAX_CANDIDATES], wc[HC_MAX_CANDIDATES];
    if (bo->scheme[s] == HC_ENS_AKAIKE) {
      for (int j = 0; j < M; j++) x[j] = ensemble_ic(&c->spec[idx[j]], &r->fits[c->fit[idx[j]]]);
      hc_ensemble_akaike(M, x, wc);
    } else if (bo->scheme[s] == HC_ENS_EQUAL) hc_ensemble_equal(M, wc);
    else {
      double tot = 0.0;
      for (int j = 0; j < M; j++) {
        wc[j] = 0.0;
        for (int i = 0; i < b->k; i++)
          if (b->mem[i].v == idx[j]) wc[j] = b->w[(size_t)s * b->k + i];
        tot += wc[j];
      }
      if (!(tot > 0)) hc_ensemble_equal(M, wc);
      else
        for (int j = 0; j < M; j++) wc[j] /= tot;
    }
    for (int j = 0; j < M; j++) r->weights[(size_t)bo->scheme[s] * M + j] = wc[j];
  }
  for (int j = 0; j < M; j++) hc_strlcpy(r->member[j], r->fits[c->fit[idx[j]]].name, HC_MODEL_LEN);
  /* parameter stability of the member with the selected model's candidate */
  for (int j = 0; j < b->k; j++)
    if (b->mem[j].v == c->selected) r->parameter_stability = stability(&b->mem[j]);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_ensemble_forecast(const hc_backtest *b, const double *y, int n, const hc_select_options *sel,
                                    const hc_candidates *c, hc_result *r)
{
  PetscFunctionBeginUser;
  if (b->s_win >= 0) PetscCall(hc_ensemble_pool(y, n, sel, c, b->bo->scheme[b->s_win], r));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_ensemble_pool(const double *y, int n, const hc_select_options *sel, const hc_candidates *c, hc_ensemble_scheme scheme,
                                hc_result *r)
{
  const int H = sel->horizon, M = r->n_members;
  hc_pred  *comp;
  double   *var, wk[HC_MAX_CANDIDATES];
  int       idx[HC_MAX_CANDIDATES];
  PetscFunctionBeginUser;
  const double *wc = r->weights + (size_t)scheme * M;
  const int     m_ = fitted_candidates(c, r, idx);
  PetscCheck(m_ == M, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%d members weighted, %d candidates fitted", M, m_);
  PetscCall(PetscMalloc2((size_t)M * H + 1, &comp, H, &var));
  /* member forecasts */
  int ok = 1;
  for (int j = 0; j < M; j++) {
    const hc_fit_record *f = &r->fits[c->fit[idx[j]]];
    hc_model            *m;
    hc_dist_eval         law;
    PetscCall(hc_model_create(&c->spec[idx[j]], n, &m));
    if (m->spec.n_exog) hc_model_set_exog(m, sel->X, sel->ldx, sel->xnames);
    int bad = m->ops->forecast(m, f->params, y, n, H, r->member_mean + (size_t)j * H, var) || hc_model_law(m, f->params, &law);
    PetscCall(hc_model_destroy(&m));
    for (int h = 0; h < H; h++) {
      bad |= !(var[h] > 0) || !isfinite(var[h]) || !isfinite(r->member_mean[(size_t)j * H + h]);
      r->member_sd[(size_t)j * H + h] = bad ? NAN : sqrt(var[h]);
      comp[(size_t)h * M + j] = (hc_pred){.mean = r->member_mean[(size_t)j * H + h], .sd = r->member_sd[(size_t)j * H + h], .law = law};
    }
    if (bad && wc[j] > 0) ok = 0;
  }
  if (ok && M > 0) {
    int c_used = 0;
    for (int j = 0; j < M; j++) c_used += wc[j] > 0;
    for (int h = 0; h < H; h++) {
      hc_pred pc[HC_MAX_CANDIDATES];
      int     q = 0;
      for (int j = 0; j < M; j++)
        if (wc[j] > 0) {
          pc[q]   = comp[(size_t)h * M + j];
          wk[q++] = wc[j];
        }
      hc_mixture f = {.k = c_used, .w = wk, .comp = pc};
      hc_mixture_moments(&f, &r->mean[h], &r->sd[h]);
      for (int l = 0; l < HC_N_LEVELS; l++) {
        double a = 0.5 * (1.0 - hc_interval_levels[l]);
        r->lo[h * HC_N_LEVELS + l] = hc_mixture_quantile(&f, a);
        r->hi[h * HC_N_LEVELS + l] = hc_mixture_quantile(&f, 1.0 - a);
      }
      if (h == 0) { /* model uncertainty: between-member variance over the pool's variance */
        double between = 0.0;
        for (int j = 0; j < q; j++) between += wk[j] * (pc[j].mean - r->mean[0]) * (pc[j].mean - r->mean[0]);
        r->model_uncertainty = r->sd[0] > 0 ? between / (r->sd[0] * r->sd[0]) : NAN;
      }
    }
    hc_strlcpy(r->ensemble, hc_ensemble_name(scheme), sizeof r->ensemble);
  }
  PetscCall(PetscFree2(comp, var));
  PetscFunctionReturn(0);
}

/* r->trading: the metrics of positions pos[0..K-1] with returns ret over the outcomes y[0..K-1],
 * against buy-and-hold of the same periods (long 1 throughout, the entry cost paid once). */
static PetscErrorCode trading_metrics(const hc_trading_options *o, const double *y, const double *pos, const double *ret, int K, hc_result *r)
{
  double *hold, *bh;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(K + 1, &hold, K + 1, &bh));
  hc_trading_evaluate(o, ret, pos, K, &r->trading);
  for (int i = 0; i < K; i++) hold[i] = 1.0;
  hc_trading_returns(o, hold, y, K, bh);
  PetscCheck(!hc_trading_compare(o, ret, bh, K, &r->trading), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(PetscFree2(hold, bh));
  PetscFunctionReturn(0);
}

/* r->regime from the reported ensemble's 1-step sds of the track and the live one (r->sd[0]),
 * the trend from the selected model's drift or mean. */
static PetscErrorCode set_regime(hc_result *r)
{
  double *hist, drift = NAN, drift_se = NAN;
  int     nh = 0;
  PetscFunctionBeginUser;
  if (r->selected >= 0) {
    const hc_fit_record *f = &r->fits[r->selected];
    for (int j = 0; j < f->n_params; j++)
      if (!strcmp(f->param_names[j], "drift") || (!strcmp(f->param_names[j], "mu") && isnan(drift))) {
        drift    = f->params[j];
        drift_se = f->stderr_[j];
      }
  }
  PetscCall(PetscMalloc1(r->n_onestep + 1, &hist));
  for (int i = 0; i < r->n_onestep; i++)
    if (isfinite(r->onestep[i].sd)) hist[nh++] = r->onestep[i].sd;
  hist[nh++] = r->sd[0];
  hc_trading_regime(hist, isfinite(r->sd[0]) ? nh : 0, drift, drift_se, r->regime, sizeof r->regime);
  PetscCall(PetscFree(hist));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_backtest_trading(const hc_backtest *b, const double *y, hc_result *r)
{
  const hc_backtest_options *bo = b->bo;
  PetscFunctionBeginUser;
  if (b->s_win < 0) PetscFunctionReturn(0);
  double *pos, *ret;
  PetscCall(set_regime(r));
  PetscCall(PetscMalloc2(b->K, &pos, b->K, &ret));
  if (bo->returns) {
    for (int i = 0; i < b->K; i++) {
      const size_t at = (size_t)b->s_run[i] * b->K + i;
      pos[i]          = hc_trading_position(&bo->trading, b->ens1_mean[at], b->ens1_sd[at]);
    }
    hc_trading_returns(&bo->trading, pos, y + b->T0, b->K, ret);
    PetscCall(trading_metrics(&bo->trading, y + b->T0, pos, ret, b->K, r));
    free(r->strategy);
    PetscCheck((r->strategy = malloc(sizeof *r->strategy * (size_t)b->K)), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    r->n_strategy = b->K;
    for (int i = 0; i < b->K; i++) {
      label_of(bo, b->T0 + i, r->strategy[i].date);
      r->strategy[i].position = pos[i];
      r->strategy[i].ret      = ret[i];
    }
  }
  PetscCall(PetscFree2(pos, ret));
  PetscFunctionReturn(0);
}

/* The summary's 1-step scores of r from its track: crps_1, crps_bench_1, pit_ks_1, the coverage
 * of the central intervals (the PIT inside [(1 - level)/2, (1 + level)/2]), calibration_score
 * and the Diebold-Mariano test of d = crps - crps_bench where both are known. */
static PetscErrorCode track_scores(hc_result *r)
{
  const int K = r->n_onestep;
  double   *u, *d, crps = 0.0, bench = 0.0, cover[HC_N_COVER] = {0};
  int       n = 0, nb = 0, nd = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(K + 1, &u, K + 1, &d));
  for (int i = 0; i < K; i++) {
    const hc_onestep_point *p = &r->onestep[i];
    if (isfinite(p->crps_bench)) bench += p->crps_bench, nb++;
    if (isfinite(p->crps) && isfinite(p->crps_bench)) d[nd++] = p->crps - p->crps_bench;
    if (!isfinite(p->pit)) continue;
    crps += p->crps;
    for (int l = 0; l < HC_N_COVER; l++) cover[l] += p->pit >= 0.5 * (1.0 - hc_cover_levels[l]) && p->pit <= 0.5 * (1.0 + hc_cover_levels[l]);
    u[n++] = p->pit;
  }
  for (int l = 0; l < HC_N_COVER; l++) cover[l] = n ? cover[l] / n : NAN;
  r->crps_1            = n ? crps / n : NAN;
  r->crps_bench_1      = nb ? bench / nb : NAN;
  r->pit_ks_1          = n ? hc_pit_ks(u, n) : NAN;
  r->coverage95_1      = cover[HC_N_COVER - 1];
  r->calibration_score = hc_calibration_score(r->pit_ks_1, cover);
  hc_dm_test(d, nd, 1, &r->dm_stat, &r->dm_p);
  PetscCall(PetscFree2(u, d));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_backtest_extend(const double *y, int n0, int n, const hc_select_options *sel, const hc_candidates *c,
                                  const hc_backtest_options *bo, hc_result *r)
{
  const int           K = r->n_onestep, M = r->n_members, add = n - n0;
  hc_ensemble_scheme  scheme;
  hc_model           *m[HC_MAX_CANDIDATES] = {0};
  hc_pred             comp[HC_MAX_CANDIDATES];
  double              wk[HC_MAX_CANDIDATES], var;
  int                 idx[HC_MAX_CANDIDATES], q = 0;
  hc_onestep_point   *track;
  double             *pos, *yo, *ret;
  PetscFunctionBeginUser;
  if (K == 0 || add <= 0 || hc_ensemble_parse(r->ensemble, &scheme)) PetscFunctionReturn(0);
  PetscCheck(fitted_candidates(c, r, idx) == M, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the members of %s are not its candidates", r->ticker);
  const double *wc = r->weights + (size_t)scheme * M;
  PetscCall(PetscMalloc4(K + add, &track, K + add + 1, &pos, K + add + 1, &yo, K + add + 1, &ret));
  for (int j = 0; j < M; j++) {
    if (!(wc[j] > 0)) continue;
    PetscCall(hc_model_create(&c->spec[idx[j]], n, &m[q]));
    if (m[q]->spec.n_exog) hc_model_set_exog(m[q], sel->X, sel->ldx, sel->xnames);
    PetscCheck(!hc_model_law(m[q], r->fits[c->fit[idx[j]]].params, &comp[q].law), PETSC_COMM_SELF, PETSC_ERR_PLIB, "member %s of %s has no law",
               r->member[j], r->ticker);
    idx[q]  = idx[j];
    wk[q++] = wc[j];
  }
  double tot = 0.0;
  for (int j = 0; j < q; j++) tot += wk[j];
  for (int j = 0; j < q; j++) wk[j] /= tot;
  /* the track so far, then one point per new origin */
  const int with_strategy = r->n_strategy == K;
  for (int i = 0; i < K; i++) {
    track[i] = r->onestep[i];
    yo[i]    = r->onestep[i].y;
    pos[i]   = with_strategy ? r->strategy[i].position : NAN;
    ret[i]   = with_strategy ? r->strategy[i].ret : NAN;
  }
  for (int t = n0; t < n; t++) {
    hc_onestep_point *p  = &track[K + t - n0];
    int               ok = q > 0;
    for (int j = 0; j < q && ok; j++) {
      ok = !hc_model_forecast_update(m[j], r->fits[c->fit[idx[j]]].params, y, t == n0 ? 0 : t - 1, t, 1, &comp[j].mean, &var) && var > 0 &&
           isfinite(var) && isfinite(comp[j].mean);
      comp[j].sd = sqrt(var);
    }
    hc_mixture f = {.k = q, .w = wk, .comp = comp};
    label_of(bo, t, p->date);
    p->y          = y[t];
    p->mean = p->sd = p->pit = p->crps = NAN;
    p->crps_bench = NAN;
    if (ok) {
      hc_mixture_moments(&f, &p->mean, &p->sd);
      p->pit  = hc_mixture_cdf(&f, y[t]);
      p->crps = hc_crps(&f, y[t]);
    }
    yo[K + t - n0]  = y[t];
    pos[K + t - n0] = hc_trading_position(&bo->trading, p->mean, p->sd);
  }
  for (int j = 0; j < q; j++) PetscCall(hc_model_destroy(&m[j]));
  /* the new periods' returns, the cost counted from the track's last position */
  if (with_strategy && bo->returns) {
    double *r2;
    PetscCall(PetscMalloc1(add + 1, &r2));
    hc_trading_returns(&bo->trading, pos + K - 1, yo + K - 1, add + 1, r2);
    for (int i = 0; i < add; i++) ret[K + i] = r2[1 + i];
    PetscCall(PetscFree(r2));
  }
  /* keep the last K points */
  for (int i = 0; i < K; i++) {
    r->onestep[i] = track[add + i];
    if (!with_strategy) continue;
    hc_strlcpy(r->strategy[i].date, track[add + i].date, HC_LABEL_LEN);
    r->strategy[i].position = pos[add + i];
    r->strategy[i].ret      = ret[add + i];
  }
  PetscCall(track_scores(r));
  PetscCall(set_regime(r));
  if (with_strategy && bo->returns) PetscCall(trading_metrics(&bo->trading, yo + add, pos + add, ret + add, K, r));
  PetscCall(PetscFree4(track, pos, yo, ret));
  PetscFunctionReturn(0);
}
