/**
 * No look-ahead of the exogenous regressors (hc_exog_build): a SARIMAX forecast made at an
 * origin does not move when every bar after the origin is changed.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/data.h"
#include "hpcast/indicators.h"
#include "hpcast/io.h"
#include "hpcast/models.h"

static void setup(void) { cr_assert(PetscInitializeNoArguments() == 0); }
static void teardown(void) { PetscFinalize(); }
TestSuite(exog, .init = setup, .fini = teardown);

static void load_aapl(hc_series *s)
{
  char path[4096], reason[256];
  snprintf(path, sizeof path, "%s/../shared/data/sp500/AAPL.csv", getenv("HPCAST_SOURCE_ROOT"));
  cr_assert(hc_io_read_csv(path, "AAPL", "adjusted_close", s, reason, sizeof reason) == 0, "%s", reason);
  cr_assert(s->high && s->low && s->close && s->volume, "AAPL.csv has OHLCV columns");
}

/* Fit ARIMAX(1,0,0) on the returns up to bar `origin` with regressors X (ldx rows) and
 * forecast H steps. */
static void fit_forecast(const double *y, int n, const double *X, int ldx, int k, double *mean, double *sd)
{
  hc_select_options o;
  hc_spec           mean_spec = {.p = 1}, none = {.vol = HC_VOL_NONE};
  memset(&o, 0, sizeof o);
  o.n_mean = 1, o.mean = &mean_spec, o.n_vol = 1, o.vol = &none, o.horizon = 5;
  o.n_exog = k, o.X = X, o.ldx = ldx;
  hc_fit_options_default(&o.fit);
  hc_result r;
  hc_result_init(&r, "AAPL", 5);
  cr_assert(hc_select_and_forecast(y, n, &o, &r) == 0);
  cr_assert_eq(r.status, HC_STATUS_OK, "%s", r.reason);
  memcpy(mean, r.mean, 5 * sizeof *mean);
  memcpy(sd, r.sd, 5 * sizeof *sd);
  hc_result_free(&r);
}

Test(exog, forecast_does_not_see_bars_after_its_origin, .timeout = 120)
{
  hc_series   full, cut;
  hc_indicator ids[HC_IND_COUNT];
  int          n_ids;
  char         err[256], names[32][HC_IND_NAME_LEN];
  cr_assert(hc_indicator_parse("atr,rsi,stochrsi,volz,dow", ids, &n_ids, err, sizeof err) == 0, "%s", err);
  load_aapl(&full);
  const int origin = 2000; /* last bar known at the origin */

  /* (a) the bars up to the origin only */
  load_aapl(&cut);
  cut.n = origin + 1;
  /* (b) every bar after the origin changed */
  for (int t = origin + 1; t < full.n; t++) {
    double f = 1.0 + 0.3 * sin(t);
    full.value[t] *= f, full.close[t] *= f, full.high[t] *= 1.1 * f, full.low[t] *= 0.9 * f;
    full.volume[t] = 1.0 + 1e9 * fabs(cos(t));
  }

  double *ya = malloc(sizeof(double) * cut.n), *yb = malloc(sizeof(double) * full.n), *Xa, *Xb;
  int     na = hc_data_transform(&cut, HC_TRANSFORM_LOGRET100, ya), nb = hc_data_transform(&full, HC_TRANSFORM_LOGRET100, yb);
  int     lda, ldb, ja, jb;
  cr_assert(hc_exog_build(ids, n_ids, &cut, na, 1, &Xa, &lda, &ja, names, err, sizeof err) == 0, "%s", err);
  cr_assert(hc_exog_build(ids, n_ids, &full, nb, 1, &Xb, &ldb, &jb, names, err, sizeof err) == 0, "%s", err);
  const int k = hc_indicators_ncols(ids, n_ids);
  cr_assert_eq(ja, jb);
  /* the regressors of every observation up to the origin, and of the first forecast step,
   * are identical to the bit */
  for (int c = 0; c < k; c++)
    for (int i = 0; i < lda; i++)
      cr_assert(Xa[(size_t)c * lda + i] == Xb[(size_t)c * ldb + i], "regressor %s row %d moved", names[c], i);
  /* and so is the forecast made at the origin from the changed series */
  double ma[5], sa[5], mb[5], sb[5];
  fit_forecast(ya + ja, na - ja, Xa, lda, k, ma, sa);
  fit_forecast(yb + jb, na - ja, Xb, ldb, k, mb, sb);
  for (int h = 0; h < 5; h++) cr_expect(ma[h] == mb[h] && sa[h] == sb[h], "h=%d: %.17g vs %.17g", h + 1, ma[h], mb[h]);

  /* sensitivity control: the perturbation does reach the regressors after the origin
   * (rows of observations ending after bar origin + 1), so the equalities above are not vacuous */
  hc_series orig;
  double   *yo = malloc(sizeof(double) * full.n), *Xo;
  int       ldo, jo, no;
  load_aapl(&orig);
  no = hc_data_transform(&orig, HC_TRANSFORM_LOGRET100, yo);
  cr_assert(hc_exog_build(ids, n_ids, &orig, no, 1, &Xo, &ldo, &jo, names, err, sizeof err) == 0, "%s", err);
  int moved = 0;
  for (int c = 0; c < k; c++) moved += Xo[(size_t)c * ldo + lda + 1] != Xb[(size_t)c * ldb + lda + 1];
  cr_assert(moved >= k - 4, "only %d of %d regressors changed after the origin", moved, k);
  hc_series_free(&orig);
  free(yo), free(Xo);
  cut.n = full.n;
  hc_series_free(&cut);
  hc_series_free(&full);
  free(ya), free(yb), free(Xa), free(Xb);
}
