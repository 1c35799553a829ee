/**
 * @file fuzz_spec.c
 * @brief libFuzzer target of the option grammar of -mean_models and -vol_models
 *        (hc_spec_parse_mean, hc_spec_parse_vol, hc_spec_resolve_season and the names of
 *        src/models/spec.c).
 *
 * The input, NUL-terminated, is parsed as a -mean_models list (at most 1024 specs, the
 * driver's HC_MAX_ORDERS) and as a -vol_models list (at most HC_MAX_VOL_SPECS). Checked:
 *  - failure (-1): a non-empty, NUL-terminated message;
 *  - success: 1 <= count <= max; every order within the documented bounds (p, q 0..10;
 *    d, D 0..2; P, Q 0..3; S 2..400 or `s`; vol orders 0..3); seasonal period set exactly when
 *    a seasonal order is; drift only where d + D == 1; mean specs sorted and distinct;
 *  - names: every mean name, vol name, and the name of each mean x vol combination (the fit
 *    names of the report, hc_fit_record.name) fits in HC_MODEL_LEN without truncation; and
 *    parsing a name back gives the same spec (the mean name after the seasonal period is
 *    resolved; the vol name with its "-DIST" written ":dist").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "hpcast/models.h"

#define MAX_MEAN 1024 /* HC_MAX_ORDERS of src/app/app.h */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hc_spec mean[MAX_MEAN], again[MAX_MEAN], vol[HC_MAX_VOL_SPECS], vagain[HC_MAX_VOL_SPECS];

/* 1 if a is of a family with its own grammar (ops->parse_mean): those specs sort last. */
static int own_grammar(const hc_spec *a)
{
  const hc_model_ops *ops = hc_model_family(a);
  return ops && ops->parse_mean;
}

/* The same model: for the ARIMA forms every order, the period and the drift; for a family with
 * its own grammar, the same name (which holds what the family's name shows). */
static int same_mean(const hc_spec *a, const hc_spec *b)
{
  char na[256], nb[256];
  if (own_grammar(a) || own_grammar(b)) {
    hc_spec_mean_name(a, na, sizeof na);
    hc_spec_mean_name(b, nb, sizeof nb);
    return own_grammar(a) == own_grammar(b) && !strcmp(na, nb);
  }
  return a->p == b->p && a->d == b->d && a->q == b->q && a->P == b->P && a->D == b->D && a->Q == b->Q && a->s == b->s &&
         a->drift == b->drift;
}

/* 1 if a sorts strictly before b in the documented order (d, D, p, q, P, Q, drift, then s; the
 * specs of a family with its own grammar after the others, then by their bytes). */
static int before(const hc_spec *a, const hc_spec *b)
{
  const int ka[] = {own_grammar(a), a->d, a->D, a->p, a->q, a->P, a->Q, a->drift, a->s};
  const int kb[] = {own_grammar(b), b->d, b->D, b->p, b->q, b->P, b->Q, b->drift, b->s};
  for (int i = 0; i < 9; i++)
    if (ka[i] != kb[i]) return ka[i] < kb[i];
  return memcmp(a, b, sizeof *a) < 0;
}

/* name(s) into buf[256]; checks it fits in HC_MODEL_LEN. */
static void check_name(void (*name)(const hc_spec *, char *, size_t), const hc_spec *s, char *buf, const char *what)
{
  memset(buf, 0, 256);
  name(s, buf, 256);
  FUZZ_CHECK(strlen(buf) < HC_MODEL_LEN, "%s name '%s' is %zu bytes: more than HC_MODEL_LEN - 1 = %d (truncated in the report)",
             what, buf, strlen(buf), HC_MODEL_LEN - 1);
}

static int check_mean(const char *text)
{
  char err[256];
  memset(err, 'x', sizeof err);
  const int n = hc_spec_parse_mean(text, MAX_MEAN, mean, err, sizeof err);
  if (n < 0) {
    FUZZ_CHECK(n == -1, "parse_mean returned %d", n);
    FUZZ_CHECK(fuzz_terminated(err, sizeof err) && err[0], "parse_mean: no message");
    return 0;
  }
  FUZZ_CHECK(n >= 1 && n <= MAX_MEAN, "parse_mean returned %d specs (max %d)", n, MAX_MEAN);
  for (int i = 0; i < n; i++) {
    const hc_spec *s = &mean[i];
    FUZZ_CHECK(s->p >= 0 && s->p <= 10 && s->q >= 0 && s->q <= 10 && s->d >= 0 && s->d <= 2, "spec %d: p %d d %d q %d", i, s->p,
               s->d, s->q);
    FUZZ_CHECK(s->P >= 0 && s->P <= 3 && s->Q >= 0 && s->Q <= 3 && s->D >= 0 && s->D <= 2, "spec %d: P %d D %d Q %d", i, s->P,
               s->D, s->Q);
    const int seasonal = s->P || s->D || s->Q;
    if (s->ssa_L) /* SSA: window 2..1000 or auto (then the period is left to -seasonal_period), rank auto or 1..100 */
      FUZZ_CHECK((s->ssa_L == HC_SSA_AUTO ? s->s == HC_SEASON_AUTO : s->ssa_L >= 2 && s->ssa_L <= 1000 && s->s == 0) && !seasonal &&
                     s->p <= 5 && !s->q && !s->d && !s->drift && s->ssa_r_lo >= 0 && s->ssa_r_lo <= s->ssa_r_hi && s->ssa_r_hi <= 100 &&
                     (s->ssa_r_lo > 0) == (s->ssa_r_hi > 0),
                 "ssa spec %d: L %d s %d r %d..%d p %d", i, s->ssa_L, s->s, s->ssa_r_lo, s->ssa_r_hi, s->p);
    else FUZZ_CHECK(seasonal ? (s->s == HC_SEASON_AUTO || (s->s >= 2 && s->s <= 400)) : s->s == 0, "spec %d: period %d", i, s->s);
    FUZZ_CHECK(!s->drift || (s->drift == 1 && s->d + s->D == 1), "spec %d: drift %d with d + D = %d", i, s->drift, s->d + s->D);
    FUZZ_CHECK(s->vol == HC_VOL_NONE && s->n_exog == 0, "spec %d: vol %d n_exog %d", i, (int)s->vol, s->n_exog);
    if (i) FUZZ_CHECK(before(&mean[i - 1], s), "specs %d and %d out of order or duplicated", i - 1, i);
  }
  /* names and round trip, with the seasonal period resolved as the driver does */
  const int m = hc_spec_resolve_season(mean, n, 12);
  FUZZ_CHECK(m >= 1 && m <= n, "resolve_season: %d of %d", m, n);
  for (int i = 0; i < m; i++) {
    char name[256];
    check_name(hc_spec_mean_name, &mean[i], name, "mean");
    memset(err, 'x', sizeof err);
    const int k = hc_spec_parse_mean(name, MAX_MEAN, again, err, sizeof err);
    FUZZ_CHECK(k == 1 && same_mean(&again[0], &mean[i]), "mean name '%s' does not parse back to its spec (%d specs: %s)", name, k,
               k < 0 ? err : "");
  }
  return m;
}

static int check_vol(const char *text)
{
  char err[256];
  memset(err, 'x', sizeof err);
  const int n = hc_spec_parse_vol(text, HC_MAX_VOL_SPECS, vol, err, sizeof err);
  if (n < 0) {
    FUZZ_CHECK(n == -1, "parse_vol returned %d", n);
    FUZZ_CHECK(fuzz_terminated(err, sizeof err) && err[0], "parse_vol: no message");
    return 0;
  }
  FUZZ_CHECK(n >= 1 && n <= HC_MAX_VOL_SPECS, "parse_vol returned %d specs (max %d)", n, HC_MAX_VOL_SPECS);
  for (int i = 0; i < n; i++) {
    const hc_spec *s = &vol[i];
    FUZZ_CHECK(s->vol >= HC_VOL_NONE && s->vol <= HC_VOL_EGARCH, "vol spec %d: family %d", i, (int)s->vol);
    FUZZ_CHECK(s->dist >= HC_DIST_NORMAL && s->dist <= HC_DIST_GED, "vol spec %d: dist %d", i, (int)s->dist);
    FUZZ_CHECK(s->vol_p >= 0 && s->vol_p <= 3 && s->vol_o >= 0 && s->vol_o <= 3 && s->vol_q >= 0 && s->vol_q <= 3,
               "vol spec %d: orders %d %d %d", i, s->vol_p, s->vol_o, s->vol_q);
    if (s->vol == HC_VOL_GARCH) FUZZ_CHECK(s->vol_o == 0 && s->vol_p + s->vol_q >= 1, "garch spec %d", i);
    if (s->vol == HC_VOL_GJR || s->vol == HC_VOL_EGARCH) FUZZ_CHECK(s->vol_o >= 1, "gjr/egarch spec %d: O = 0", i);
    for (int j = 0; j < i; j++)
      FUZZ_CHECK(!(vol[j].vol == s->vol && vol[j].dist == s->dist && vol[j].vol_p == s->vol_p && vol[j].vol_o == s->vol_o &&
                   vol[j].vol_q == s->vol_q),
                 "vol specs %d and %d are duplicates", j, i);
    char name[256];
    check_name(hc_spec_vol_name, s, name, "volatility");
    if (s->vol != HC_VOL_NONE) { /* "GARCH(1,1)-t" -> "garch(1,1):t" */
      char *dash = strrchr(name, '-');
      FUZZ_CHECK(dash != NULL, "vol name '%s' has no distribution", name);
      *dash = ':';
    }
    memset(err, 'x', sizeof err);
    const int k = hc_spec_parse_vol(name, HC_MAX_VOL_SPECS, vagain, err, sizeof err);
    FUZZ_CHECK(k == 1 && vagain[0].vol == s->vol && vagain[0].dist == s->dist && vagain[0].vol_p == s->vol_p &&
                   vagain[0].vol_o == s->vol_o && vagain[0].vol_q == s->vol_q,
               "vol name '%s' does not parse back to its spec (%d specs: %s)", name, k, k < 0 ? err : "");
  }
  return n;
}

/* The fit names of the report (hc_fit_record.name, HC_MODEL_LEN): every mean spec of the list
 * combined with every vol spec of the list, as hc_select_candidates names them, with regressors
 * (-exog: "SARIMAX", the longest form). mean[] and vol[] hold the lists parsed last. */
static void check_combined(int n_mean, int n_vol)
{
  for (int i = 0; i < n_mean; i++)
    for (int v = 0; v < n_vol; v++) {
      hc_spec s = mean[i];
      s.n_exog  = 1;
      s.vol     = vol[v].vol;
      s.dist    = vol[v].dist;
      s.vol_p   = vol[v].vol_p, s.vol_o = vol[v].vol_o, s.vol_q = vol[v].vol_q;
      char name[256];
      check_name(hc_spec_name, &s, name, "fit");
      check_name(hc_spec_mean_name, &s, name, "mean (with regressors)");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  /* "MEAN|VOL": the part before the first '|' is also tried as -mean_models and the part after
   * it as -vol_models, and their combinations are named (the fit names of a run with both) */
  check_mean(text);
  check_vol(text);
  char *bar = strchr(text, '|');
  if (bar) {
    *bar = '\0';
    const int n_mean = check_mean(text); /* mean[] now holds these specs, resolved */
    const int n_vol  = check_vol(bar + 1);
    check_combined(n_mean, n_vol);
  }
  free(text);
  return 0;
}
