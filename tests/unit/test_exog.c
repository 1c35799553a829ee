/**
 * No look-ahead of the exogenous regressors (hc_exog_build): a SARIMAX forecast made at an
 * origin does not move when every bar after the origin is changed. Day-of-week regressors
 * from labels in any date format the CSV reader recognises.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
  cr_assert(hc_select_and_forecast(y, n, &o, NULL, NULL, &r) == 0);
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

/** Read a CSV "date,price" of the n labels made by label(t, buf) through hc_io_read_csv. */
static void read_labels(hc_series *s, int n, void (*label)(int t, char *buf))
{
  char path[64] = "/tmp/hpcast_exog_XXXXXX", reason[256], buf[HC_LABEL_LEN];
  int  fd       = mkstemp(path);
  cr_assert_geq(fd, 0, "mkstemp");
  FILE *f = fdopen(fd, "w");
  cr_assert_not_null(f);
  fprintf(f, "date,price\n");
  for (int t = 0; t < n; t++) {
    label(t, buf);
    fprintf(f, "%s,%.2f\n", buf, 100.0 + 0.5 * t + (t % 3));
  }
  cr_assert_eq(fclose(f), 0);
  const int rc = hc_io_read_csv(path, "X", "price", s, reason, sizeof reason);
  unlink(path);
  cr_assert_eq(rc, 0, "%s", reason);
  cr_assert_eq(s->n, n);
}

/* March 2021, every calendar day (2021-03-01 a Monday), in three formats, and a non-date */
static void iso_label(int t, char *buf) { snprintf(buf, HC_LABEL_LEN, "2021-03-%02d", t + 1); }
static void mdy_label(int t, char *buf) { snprintf(buf, HC_LABEL_LEN, "03/%02d/2021", t + 1); }
static void dmy_label(int t, char *buf) { snprintf(buf, HC_LABEL_LEN, "%d.3.2021 16:00", t + 1); }
static void int_label(int t, char *buf) { snprintf(buf, HC_LABEL_LEN, "%d", t + 1); }

Test(exog, dow_from_dates_in_any_format)
{
  enum { N = 31 };
  hc_indicator ids[HC_IND_COUNT];
  int          n_ids;
  char         err[256], names[4][HC_IND_NAME_LEN];
  cr_assert(hc_indicator_parse("dow", ids, &n_ids, err, sizeof err) == 0, "%s", err);
  void (*const fmt[3])(int, char *) = {iso_label, mdy_label, dmy_label};
  double *X[3];
  for (int k = 0; k < 3; k++) {
    hc_series s;
    int       ldx, j0;
    read_labels(&s, N, fmt[k]);
    cr_assert_eq(s.labels_are_dates, 1, "format %d", k);
    cr_assert(hc_exog_build(ids, n_ids, &s, N - 1, 1, &X[k], &ldx, &j0, names, err, sizeof err) == 0,
              "format %d: %s", k, err);
    cr_assert_eq(j0, 0);
    cr_assert_eq(ldx, N);
    cr_assert_str_eq(names[3], "dow_fri");
    hc_series_free(&s);
  }
  /* row i holds bar i (shift 1): 2021-03-(i+1), weekday i % 7 with 0 Monday .. 6 Sunday */
  for (int c = 0; c < 4; c++)
    for (int i = 0; i < N; i++) {
      cr_assert_eq(X[0][c * N + i], i % 7 == c + 1 ? 1.0 : 0.0, "ISO 2021-03-%02d column %s", i + 1, names[c]);
      cr_assert_eq(X[1][c * N + i], X[0][c * N + i], "M/D/YYYY row %d column %s", i, names[c]);
      cr_assert_eq(X[2][c * N + i], X[0][c * N + i], "D.M.YYYY HH:MM row %d column %s", i, names[c]);
    }
  for (int k = 0; k < 3; k++) free(X[k]);
}

Test(exog, dow_needs_dates)
{
  hc_indicator ids[HC_IND_COUNT];
  int          n_ids, ldx, j0;
  char         err[256], names[4][HC_IND_NAME_LEN];
  double       sentinel, *X = &sentinel; /* hc_exog_build must reset it to NULL */
  hc_series    s;
  cr_assert(hc_indicator_parse("dow", ids, &n_ids, err, sizeof err) == 0, "%s", err);
  read_labels(&s, 31, int_label);
  cr_assert_eq(s.labels_are_dates, 0);
  cr_assert_eq(hc_exog_build(ids, n_ids, &s, 30, 1, &X, &ldx, &j0, names, err, sizeof err), 1);
  cr_assert_str_eq(err, "labels are not dates (dow needs dates)");
  cr_assert_null(X);
  hc_series_free(&s);
}
