/**
 * @file search.c
 * @brief Mean-model order search: differencing by KPSS and seasonal strength, then a
 *        grid or the stepwise path of Hyndman & Khandakar (2008), as R forecast::auto.arima.
 */
#include "models_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HC_SEAS_STRENGTH 0.64  /* threshold of forecast::nsdiffs (Wang, Smith & Hyndman 2006) */
#define HC_STEPWISE_MAX  94    /* models at most, as auto.arima's default nmodels */

int hc_ic_parse(const char *name, hc_ic *ic)
{
  static const char *names[] = {"aic", "aicc", "bic"};
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, names[i])) {
      *ic = (hc_ic)i;
      return 0;
    }
  return 1;
}

int hc_search_parse(const char *name, hc_search *s)
{
  if (!strcmp(name, "grid")) *s = HC_SEARCH_GRID;
  else if (!strcmp(name, "stepwise")) *s = HC_SEARCH_STEPWISE;
  else return 1;
  return 0;
}

double hc_ic_value(hc_ic ic, const hc_fit_record *f)
{
  const double k = f->n_params, n = f->n_obs_used;
  switch (ic) {
  case HC_IC_AIC: return f->aic;
  case HC_IC_AICC: return n - k - 1 > 0 ? f->aic + 2.0 * k * (k + 1) / (n - k - 1) : INFINITY;
  case HC_IC_BIC: return f->bic;
  }
  return f->aic;
}

double hc_kpss_level(const double *x, int n)
{
  if (n < 3) return 0.0;
  double mean = 0.0, s2 = 0.0, S = 0.0, eta = 0.0;
  for (int t = 0; t < n; t++) mean += x[t];
  mean /= n;
  for (int t = 0; t < n; t++) {
    double e = x[t] - mean;
    S += e;
    eta += S * S;
    s2 += e * e;
  }
  int l = (int)trunc(3.0 * sqrt((double)n) / 13.0); /* Hobijn et al. (1998) lag, as forecast::ndiffs */
  for (int j = 1; j <= l; j++) { /* Bartlett-weighted autocovariances (Newey & West 1987) */
    double g = 0.0;
    for (int t = j; t < n; t++) g += (x[t] - mean) * (x[t - j] - mean);
    s2 += 2.0 * (1.0 - j / (l + 1.0)) * g;
  }
  s2 /= n;
  return s2 > 0 ? eta / ((double)n * n * s2) : 0.0;
}

double hc_seasonal_strength(const double *x, int n, int s)
{
  if (s < 2 || n < 2 * s + 1) return 0.0;
  const int half = s / 2, lo = half, hi = n - half; /* trend defined on [lo, hi) */
  double   *det = malloc((size_t)n * sizeof *det), idx[512] = {0};
  int       cnt[512] = {0};
  if (!det || s > 512) {
    free(det);
    return 0.0;
  }
  for (int t = lo; t < hi; t++) { /* centred moving average: 2 x s MA for even s */
    double tr = 0.0;
    if (s % 2) {
      for (int i = -half; i <= half; i++) tr += x[t + i];
      tr /= s;
    } else {
      for (int i = -half + 1; i < half; i++) tr += x[t + i];
      tr = (tr + 0.5 * (x[t - half] + x[t + half])) / s;
    }
    det[t] = x[t] - tr;
    idx[t % s] += det[t];
    cnt[t % s]++;
  }
  double mean_idx = 0.0;
  for (int j = 0; j < s; j++) {
    idx[j] = cnt[j] ? idx[j] / cnt[j] : 0.0;
    mean_idx += idx[j] / s;
  }
  double mr = 0.0, md = 0.0, vr = 0.0, vd = 0.0;
  const int m = hi - lo;
  for (int t = lo; t < hi; t++) {
    mr += det[t] - (idx[t % s] - mean_idx);
    md += det[t];
  }
  mr /= m;
  md /= m;
  for (int t = lo; t < hi; t++) {
    double r = det[t] - (idx[t % s] - mean_idx) - mr, d = det[t] - md;
    vr += r * r;
    vd += d * d;
  }
  free(det);
  double F = vd > 0 ? 1.0 - vr / vd : 0.0;
  return F > 0 ? F : 0.0;
}

/* (1 - B^lag) x in place over x[0..n-1]; returns the new length n - lag. */
static int difference(double *x, int n, int lag)
{
  for (int t = n - 1; t >= lag; t--) x[t] -= x[t - lag];
  memmove(x, x + lag, sizeof(double) * (size_t)(n - lag));
  return n - lag;
}

static int same_spec(const hc_spec *a, const hc_spec *b)
{
  return a->p == b->p && a->d == b->d && a->q == b->q && a->P == b->P && a->D == b->D && a->Q == b->Q &&
         a->s == b->s && a->drift == b->drift;
}

/* Search state: the grid restricted to the chosen differences, and what was fitted. */
typedef struct {
  const hc_select_options *o;
  hc_fit_workspace        *ws;
  const double            *y;
  int                      n;
  hc_result               *r;
  hc_spec                 *grid;
  int                      n_grid;
  hc_spec                 *done;     /* spec of each mean fit, parallel to */
  int                     *done_fit; /* its index in r->fits */
  int                      n_done;
  int                      best;
  struct own_start        *own;      /* the family's own start of each spec met so far */
  int                      n_own, max_own;
} search;

/* A spec's own start (ops->start on the search's series), computed once per search: the grid
 * needs it for the spec's fit, for its cycle starts and as the lower-order start of its two
 * larger neighbours. */
struct own_start {
  hc_spec spec;
  int     bad;
  double  theta[HC_MAX_PARAMS];
};

static int own_start(search *S, const hc_spec *s, hc_model *m, double *theta)
{
  for (int i = 0; i < S->n_own; i++)
    if (same_spec(&S->own[i].spec, s)) {
      if (!S->own[i].bad) memcpy(theta, S->own[i].theta, (size_t)m->n_params * sizeof *theta);
      return S->own[i].bad;
    }
  const int bad = m->ops->start(m, S->y, S->n, theta);
  if (S->n_own < S->max_own) {
    struct own_start *e = &S->own[S->n_own++];
    e->spec             = *s;
    e->bad              = bad;
    if (!bad) memcpy(e->theta, theta, (size_t)m->n_params * sizeof *theta);
  }
  return bad;
}

static int in_grid(const search *S, const hc_spec *s)
{
  for (int i = 0; i < S->n_grid; i++)
    if (same_spec(&S->grid[i], s)) return 1;
  return 0;
}

static int fitted(const search *S, const hc_spec *s)
{
  for (int i = 0; i < S->n_done; i++)
    if (same_spec(&S->done[i], s)) return S->done_fit[i];
  return -1;
}

/* spec of the mean fit at index i of r->fits */
static hc_spec spec_of_fit(const search *S, int i)
{
  for (int j = 0; j < S->n_done; j++)
    if (S->done_fit[j] == i) return S->done[j];
  return S->done[0];
}

static int usable(const hc_fit_record *f) { return f->status == 0 && isfinite(f->loglik); }

/* a is b with exactly one of p, q, P, Q lower by one */
static int is_neighbour(const hc_spec *a, const hc_spec *b)
{
  if (a->d != b->d || a->D != b->D || a->s != b->s || a->drift != b->drift) return 0;
  int da[4] = {b->p - a->p, b->q - a->q, b->P - a->P, b->Q - a->Q}, ones = 0, zeros = 0;
  for (int i = 0; i < 4; i++) ones += da[i] == 1, zeros += da[i] == 0;
  return ones == 1 && zeros == 3;
}

int hc_warm_starts(const hc_select_options *o, const hc_model *m, char (*names)[HC_PNAME_LEN], double *out, int max)
{
  char name[HC_MODEL_LEN];
  int  k = m->n_params, ns = 0;
  hc_spec_name(&m->spec, name, sizeof name);
  for (int w = 0; w < o->n_warm && ns < max; w++) {
    const hc_fit_record *f = &o->warm[w];
    if (strcmp(f->name, name) || f->n_params != k) continue;
    int matched = 0;
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++)
        if (!strcmp(names[a], f->param_names[b]) && isfinite(f->params[b])) out[(size_t)ns * k + a] = f->params[b], matched++;
    ns += matched == k; /* only a complete parameter vector is a start */
  }
  return ns;
}

/* Record fit rec of spec s (appended to r->fits) in the search state; the best by the criterion. */
static PetscErrorCode add_fit(search *S, const hc_spec *s, const hc_fit_record *rec, int *fit_index)
{
  PetscFunctionBeginUser;
  PetscCheck(!hc_result_add_fit(S->r, rec), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *fit_index               = S->r->n_fits - 1;
  S->done[S->n_done]       = *s;
  S->done_fit[S->n_done++] = *fit_index;
  if (usable(rec) && (S->best < 0 || hc_ic_value(S->o->ic, rec) < hc_ic_value(S->o->ic, &S->r->fits[S->best])))
    S->best = *fit_index;
  PetscFunctionReturn(0);
}

/* st[0..k-1]: the parameters named names[0..k-1] taken from the k_from values theta_from named
 * names_from (matched by name), those without a match at zero. */
static void match_by_name(int k, const char (*names)[HC_PNAME_LEN], int k_from, const char (*names_from)[HC_PNAME_LEN],
                          const double *theta_from, double *st)
{
  for (int a = 0; a < k; a++) {
    st[a] = 0.0;
    for (int b = 0; b < k_from; b++)
      if (!strcmp(names[a], names_from[b])) st[a] = theta_from[b];
  }
}

/* Starts of spec s (k parameters named names) from its lower neighbours (one of p, q, P, Q lower
 * by one) without fitting them: each neighbour's own start (ops->start: Hannan-Rissanen, the
 * Whittle root-pair search, seasonal moments) with the new coefficient at zero, up to max of them
 * into out (rows of k); *ns receives their number. They depend on the spec, the data and the
 * options only, not on what else was fitted. */
static PetscErrorCode lower_order_starts(search *S, const hc_spec *s, int k, const char (*names)[HC_PNAME_LEN],
                                         double *out, int max, int *ns)
{
  PetscFunctionBeginUser;
  *ns = 0;
  for (int j = 0; j < 4 && *ns < max; j++) {
    hc_spec   t     = *s;
    int      *ord[] = {&t.p, &t.q, &t.P, &t.Q};
    hc_model *mt;
    char      tnames[HC_MAX_PARAMS][HC_PNAME_LEN];
    double    th[HC_MAX_PARAMS];
    if (*ord[j] == 0) continue;
    (*ord[j])--;
    PetscCall(hc_model_create(&t, S->n, &mt));
    if (t.n_exog) hc_model_set_exog(mt, S->o->X, S->o->ldx, S->o->xnames);
    mt->ops->param_names(mt, tnames);
    if (!own_start(S, &t, mt, th))
      match_by_name(k, names, mt->n_params, (const char (*)[HC_PNAME_LEN])tnames, th, out + (size_t)(*ns)++ * k);
    PetscCall(hc_model_destroy(&mt));
  }
  PetscFunctionReturn(0);
}

/* Fit one mean spec. Starts: with from_fits (the stepwise search), the fits of its lower
 * neighbours that the path has already fitted (parameters matched by name, the new one at zero),
 * so that a fit depends on the path; without (the grid, whose result must not depend on how it
 * is cut into blocks), the unfitted starts of those neighbours (lower_order_starts); then
 * -warm_start fits of the same name and, for a plain ARMA, the near-cancelling root starts.
 * With o->own_starts, only the -warm_start fits and the family's own start. */
static PetscErrorCode fit_mean(search *S, const hc_spec *spec, int from_fits, int *fit_index)
{
  const hc_select_options *o = S->o;
  hc_spec                  s = *spec;
  hc_model                *m;
  hc_fit_record            rec;
  hc_fit_options           fo = o->fit;
  char                     names[HC_MAX_PARAMS][HC_PNAME_LEN];
  double                   starts[16 * HC_MAX_PARAMS], own[HC_MAX_PARAMS];
  int                      ns = 0;

  PetscFunctionBeginUser;
  s.n_exog = o->n_exog;
  s.vol    = HC_VOL_NONE;
  PetscCall(hc_model_create(&s, S->n, &m));
  if (s.n_exog) hc_model_set_exog(m, o->X, o->ldx, o->xnames);
  const int k = m->n_params;
  m->ops->param_names(m, names);
  const int structured = !o->own_starts;
  if (structured && from_fits) {
    for (int i = 0; i < S->n_done && ns < 8; i++) {
      const hc_fit_record *f = &S->r->fits[S->done_fit[i]];
      if (is_neighbour(&S->done[i], &s) && usable(f))
        match_by_name(k, (const char (*)[HC_PNAME_LEN])names, f->n_params, (const char (*)[HC_PNAME_LEN])f->param_names, f->params,
                      starts + (size_t)ns++ * k);
    }
  } else if (structured) PetscCall(lower_order_starts(S, &s, k, (const char (*)[HC_PNAME_LEN])names, starts, 8, &ns));
  ns += hc_warm_starts(o, m, names, starts + (size_t)ns * k, 16 - ns);
  const int own_bad = own_start(S, &s, m, own);
  if (structured && hc_spec_is_arma(&s) && !own_bad) ns += hc_arma_cycle_starts(s.p, s.q, own[0], own[k - 1], starts + (size_t)ns * k);
  if (!own_bad && ns < 16) { /* the own start last, as hc_fit would add it */
    memcpy(starts + (size_t)ns++ * k, own, (size_t)k * sizeof *own);
    fo.own_given = 1;
  }
  PetscCall(hc_fit(m, S->y, S->n, &fo, S->ws, ns, starts, &rec));
  PetscCall(hc_model_destroy(&m));
  PetscCall(add_fit(S, &s, &rec, fit_index));
  PetscFunctionReturn(0);
}

/* Choose D (seasonal strength) and then d (repeated KPSS) within the ranges of the grid. */
static void choose_differences(const double *y, int n, const hc_spec *grid, int n_grid, int *d, int *D)
{
  int dmin = 9, dmax = -1, Dmin = 9, Dmax = -1, s = 0;
  for (int i = 0; i < n_grid; i++) {
    dmin = grid[i].d < dmin ? grid[i].d : dmin;
    dmax = grid[i].d > dmax ? grid[i].d : dmax;
    Dmin = grid[i].D < Dmin ? grid[i].D : Dmin;
    Dmax = grid[i].D > Dmax ? grid[i].D : Dmax;
    if (grid[i].s > 1) s = grid[i].s;
  }
  double *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
  int     len = n;
  *D = Dmin;
  *d = dmin;
  if (!x) return; /* no tests without memory: the lowest differences of the grid */
  memcpy(x, y, (size_t)n * sizeof *x);
  if (Dmax > Dmin && s > 1 && hc_seasonal_strength(x, len, s) >= HC_SEAS_STRENGTH) *D = Dmin + 1;
  for (int i = 0; i < *D && len > s; i++) len = difference(x, len, s);
  for (int i = 0; i < dmin && len > 1; i++) len = difference(x, len, 1);
  while (*d < dmax && len > 10 && hc_kpss_level(x, len) > HC_KPSS_CRIT_5) {
    len = difference(x, len, 1);
    (*d)++;
  }
  free(x);
}

PetscErrorCode hc_search_mean(const double *y, int n, const hc_select_options *o, hc_fit_workspace *ws, const hc_grid_part *part, hc_result *r,
                              int *best,
                              hc_spec *best_spec)
{
  search   S = {.o = o, .ws = ws, .y = y, .n = n, .r = r, .best = -1, .max_own = 5 * (o->n_mean + HC_STEPWISE_MAX)};
  int      d, D, idx, n_y = 0;
  hc_spec *of_y;

  PetscFunctionBeginUser;
  *best = -1;
  PetscCall(PetscMalloc4(o->n_mean, &S.grid, o->n_mean + HC_STEPWISE_MAX, &S.done, o->n_mean + HC_STEPWISE_MAX, &S.done_fit, o->n_mean, &of_y));
  PetscCall(PetscMalloc1(S.max_own, &S.own));
  for (int i = 0; i < o->n_mean; i++) { /* the specs whose likelihood is that of y: IC compares them */
    const hc_model_ops *ops = hc_model_family(&o->mean[i]);
    if (ops && ops->likelihood_of_y) of_y[n_y++] = o->mean[i];
  }
  choose_differences(y, n, of_y, n_y, &d, &D);
  for (int i = 0; i < n_y; i++)
    if (of_y[i].d == d && of_y[i].D == D) S.grid[S.n_grid++] = of_y[i];

  if (part && part->fits) {
    PetscCheck(part->n_fits == S.n_grid, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%d block fits for a restricted grid of %d specs",
               part->n_fits, S.n_grid);
    for (int i = 0; i < S.n_grid; i++) {
      hc_spec s = S.grid[i];
      s.n_exog  = o->n_exog;
      PetscCall(add_fit(&S, &s, &part->fits[i], &idx));
    }
  } else if (o->search == HC_SEARCH_GRID) {
    const int bs = part ? part->block_size : 0;
    const int lo = bs > 0 ? part->block * bs : 0;
    const int hi = bs > 0 && lo + bs < S.n_grid ? lo + bs : S.n_grid;
    for (int i = lo; i < hi; i++) PetscCall(fit_mean(&S, &S.grid[i], 0, &idx));
  } else {
    /* Hyndman & Khandakar (2008) sec. 3.2: four initial models, then moves of one or two
     * orders by +-1 and the drift toggle while the criterion improves. */
    int     pmax = 0, qmax = 0, Pmax = 0, Qmax = 0, seasonal = 0, cur = -1;
    hc_spec init[4];
    for (int i = 0; i < S.n_grid; i++) {
      pmax = S.grid[i].p > pmax ? S.grid[i].p : pmax;
      qmax = S.grid[i].q > qmax ? S.grid[i].q : qmax;
      Pmax = S.grid[i].P > Pmax ? S.grid[i].P : Pmax;
      Qmax = S.grid[i].Q > Qmax ? S.grid[i].Q : Qmax;
      seasonal |= S.grid[i].s > 1;
    }
    const int ip[4] = {2, 0, 1, 0}, iq[4] = {2, 0, 0, 1}, iP[4] = {1, 0, 1, 0}, iQ[4] = {1, 0, 0, 1};
    for (int k = 0; k < 4 && S.n_grid; k++) {
      init[k]   = S.grid[0];
      init[k].p = ip[k] < pmax ? ip[k] : pmax;
      init[k].q = iq[k] < qmax ? iq[k] : qmax;
      init[k].P = seasonal ? (iP[k] < Pmax ? iP[k] : Pmax) : 0;
      init[k].Q = seasonal ? (iQ[k] < Qmax ? iQ[k] : Qmax) : 0;
      for (int v = 0; v < 2; v++) { /* with and without drift where the grid has both */
        init[k].drift = v;
        if (in_grid(&S, &init[k]) && fitted(&S, &init[k]) < 0) PetscCall(fit_mean(&S, &init[k], 1, &idx));
      }
    }
    while (S.best >= 0 && S.best != cur && S.n_done < HC_STEPWISE_MAX) {
      cur             = S.best;
      const hc_spec c = spec_of_fit(&S, cur);
      const int moves[][4] = {{1, 0, 0, 0}, {-1, 0, 0, 0}, {0, 1, 0, 0}, {0, -1, 0, 0}, {1, 1, 0, 0}, {-1, -1, 0, 0},
                              {0, 0, 1, 0}, {0, 0, -1, 0}, {0, 0, 0, 1}, {0, 0, 0, -1}, {0, 0, 1, 1}, {0, 0, -1, -1}};
      for (size_t mv = 0; mv <= sizeof moves / sizeof moves[0] && S.n_done < HC_STEPWISE_MAX; mv++) {
        hc_spec t = c;
        if (mv == sizeof moves / sizeof moves[0]) t.drift = !t.drift;
        else {
          t.p += moves[mv][0], t.q += moves[mv][1], t.P += moves[mv][2], t.Q += moves[mv][3];
        }
        if (in_grid(&S, &t) && fitted(&S, &t) < 0) PetscCall(fit_mean(&S, &t, 1, &idx));
      }
    }
  }
  *best = S.best;
  if (S.best >= 0) *best_spec = spec_of_fit(&S, S.best);
  PetscCall(PetscFree4(S.grid, S.done, S.done_fit, of_y));
  PetscCall(PetscFree(S.own));
  PetscFunctionReturn(0);
}
