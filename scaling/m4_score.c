/**
 * @file m4_score.c
 * @brief M4 Weekly accuracy of the ensemble forecast of an hpcast report: the `/forecast`
 *        mean and 95% interval of each series scored against Weekly-test.csv the M4 way
 *        (sMAPE, MASE, OWA, MSIS, coverage, ACD), beside the Naive and Naive2 benchmarks, with
 *        the same eval functions as m4_weekly.c; plus the ensemble weights of the SSA member.
 *        A program, not a test; see docs/forecast-accuracy.md ("The ensemble through hpcast")
 *        and scaling/m4_product.sh, which writes the per-series CSVs and runs hpcast.
 *
 * Options (PETSc options database):
 *   -report FILE   report of an hpcast run on the M4 Weekly series (one TICKER.csv per series,
 *                  ticker = M4 id, column of the training values, -transform none)   [required]
 *   -m4_dir DIR    directory with Weekly-train.csv and Weekly-test.csv    [../shared/data/m4]
 *   -label NAME    name of the forecast in the summary                     [hpcast ensemble]
 *   -output PATH   per-series CSV (none if not given)
 * Scored: the series of the training file that have a row in the report (all 359 for a
 * whole run; a report of a subset scores that subset, and the summary says how many are
 * missing). A row whose status is not `ok`, or whose forecast has a non-finite value in the
 * first 13 horizons, is scored with the Naive forecast and interval instead (as m4_weekly.c
 * does for a failed ARIMA); the summary counts them.
 * Also scored, from the /fits table's member forecasts `forecast_mean` and `forecast_sd` with the
 * Gaussian 95% interval mean -+ z_0.975 sd: the selected model's own forecast
 * (its row with `selected` = 1) and the SSA member's (member name starting with "SSA("), when
 * the report has them (Naive where a series has none; counted).
 * SSA weights: from `/backtest/weights`, per scheme the mean weight of the SSA member over the
 * series whose ensemble has one, and in the column of the reported scheme
 * (`/summary/ensemble`) the mean over all scored `ok` series (0 where there is no SSA member
 * or no backtest) and the number of series where it is > 0.
 * Not parallel: run it as a plain program (one rank).
 */
#include <hdf5.h>
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcast/eval.h"
#include "hpcast/io.h"

#define H        13   /* M4 Weekly horizon */
#define M        1    /* M4 "Frequency" of the Weekly series: period of the MASE/MSIS scale */
#define ALPHA    0.05 /* 95% intervals */
#define Z975     1.959963984540054 /* standard normal 0.975 quantile (Gaussian member intervals) */
#define N_SCHEME 4

static const char *schemes[N_SCHEME] = {"equal", "invmse", "akaike", "stacking"};

/** A fixed-length string column of the report: n values of width w (NUL-padded) in buf. */
typedef struct {
  hsize_t n;
  size_t  w;
  char   *buf;
} strcol;

/** Value i of column c, NUL-terminated, into out[len]. */
static const char *str_at(const strcol *c, hsize_t i, char *out, size_t len)
{
  size_t k = c->w < len - 1 ? c->w : len - 1;
  memcpy(out, c->buf + i * c->w, k);
  out[k] = '\0';
  return out;
}

static PetscErrorCode read_strings(hid_t f, const char *name, strcol *c)
{
  PetscFunctionBeginUser;
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  PetscCheck(d >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "report has no dataset %s", name);
  hid_t t  = H5Dget_type(d);
  hid_t sp = H5Dget_space(d);
  PetscCheck(H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s is not a fixed-length string dataset", name);
  PetscCheck(H5Sget_simple_extent_ndims(sp) == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is not 1-D", name);
  H5Sget_simple_extent_dims(sp, &c->n, NULL);
  c->w   = H5Tget_size(t);
  c->buf = calloc(c->n * c->w + 1, 1);
  PetscCheck(c->buf, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  if (c->n) PetscCheck(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->buf) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  PetscFunctionReturn(0);
}

/** A float64 dataset of rank <= 3 into *v (malloc'd); its dims in dims[3] (missing ones 1). */
static PetscErrorCode read_doubles(hid_t loc, const char *name, double **v, hsize_t dims[3], int *rank)
{
  PetscFunctionBeginUser;
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  PetscCheck(d >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "report has no dataset %s", name);
  hid_t sp = H5Dget_space(d);
  *rank    = H5Sget_simple_extent_ndims(sp);
  PetscCheck(*rank >= 1 && *rank <= 3, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has rank %d", name, *rank);
  dims[0] = dims[1] = dims[2] = 1;
  H5Sget_simple_extent_dims(sp, dims, NULL);
  size_t n = (size_t)(dims[0] * dims[1] * dims[2]);
  *v       = malloc((n ? n : 1) * sizeof **v);
  PetscCheck(*v, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  if (n) PetscCheck(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  H5Sclose(sp);
  H5Dclose(d);
  PetscFunctionReturn(0);
}

/** The /fits table's columns m4_score reads: which fit, and the member forecasts [rows x Hf]. */
typedef struct {
  strcol  ticker, name;
  double *selected, *mean, *sd; /* selected read as float64 (0/1) */
  hsize_t Hf;
} fits_table;

static PetscErrorCode read_fits_table(hid_t f, fits_table *ft)
{
  hsize_t d[3];
  int     rk;
  PetscFunctionBeginUser;
  PetscCall(read_strings(f, "/fits/ticker", &ft->ticker));
  PetscCall(read_strings(f, "/fits/name", &ft->name));
  PetscCall(read_doubles(f, "/fits/selected", &ft->selected, d, &rk));
  PetscCall(read_doubles(f, "/fits/forecast_mean", &ft->mean, d, &rk));
  ft->Hf = d[1];
  PetscCall(read_doubles(f, "/fits/forecast_sd", &ft->sd, d, &rk));
  PetscCheck(ft->name.n == ft->ticker.n && d[0] == ft->ticker.n && d[1] == ft->Hf, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "/fits columns disagree");
  PetscFunctionReturn(0);
}

/**
 * The Gaussian forecast of ticker t's fit `name` (NULL: its selected fit) from the member
 * forecasts of the /fits table (forecast_mean, forecast_sd [>= H]) into fc, lo, hi.
 * @return 1 if found and finite (a fit of the live ensemble), else 0.
 */
static int read_member(const fits_table *ft, const char *t, const char *name, double *fc, double *lo, double *hi)
{
  char    rt[HC_NAME_LEN], rn[HC_MODEL_LEN];
  hsize_t i = 0;
  while (i < ft->ticker.n && (strcmp(str_at(&ft->ticker, i, rt, sizeof rt), t) || (name ? strcmp(str_at(&ft->name, i, rn, sizeof rn), name) : ft->selected[i] != 1.0))) i++;
  if (i == ft->ticker.n || ft->Hf < H) return 0;
  int ok = 1;
  for (int h = 0; h < H && ok; h++) {
    const double m = ft->mean[i * ft->Hf + (hsize_t)h], s = ft->sd[i * ft->Hf + (hsize_t)h];
    fc[h] = m, lo[h] = m - Z975 * s, hi[h] = m + Z975 * s;
    ok    = isfinite(lo[h]) && isfinite(hi[h]);
  }
  return ok;
}

/** Per-series outcome. */
typedef struct {
  char           id[HC_NAME_LEN];
  int            n_train;
  char           status[16], scheme[16], model[HC_MODEL_LEN];
  int            fallback;        /* 1: Naive used for the ensemble forecast */
  int            has_ssa;         /* the ensemble has an SSA member */
  double         w_ssa[N_SCHEME]; /* its weight per scheme (NaN: scheme not run) */
  double         w_rep;           /* in the reported scheme (0 without SSA member or backtest) */
  int            sel_ok, ssa_ok;  /* member forecasts found */
  hc_eval_scores ens, naive, sel, ssa;
} series_row;

static void print_line(const char *name, const hc_eval_summary *s, double owa)
{
  printf("%-24s %8.3f %8.3f %7.3f %8.3f %9.4f %7.4f %6d\n", name, s->smape, s->mase, owa, s->msis, s->coverage, s->acd, s->n_series);
}

int main(int argc, char **argv)
{
  char            dir[PETSC_MAX_PATH_LEN] = "../shared/data/m4", report[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "";
  char            label[64] = "hpcast ensemble", path[PETSC_MAX_PATH_LEN + 32], err[1024], buf[1024];
  hc_wide_series *train, *test;
  int             n_train, n_test;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "m4_score: M4 Weekly accuracy of the ensemble forecast of an hpcast report\n"));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "M4 Weekly scoring of an hpcast report", NULL);
  PetscCall(PetscOptionsString("-report", "hpcast report (HDF5) of a run on the M4 Weekly series", NULL, report, report, sizeof report, NULL));
  PetscCall(PetscOptionsString("-m4_dir", "Directory with Weekly-train.csv and Weekly-test.csv", NULL, dir, dir, sizeof dir, NULL));
  PetscCall(PetscOptionsString("-label", "Name of the forecast in the summary", NULL, label, label, sizeof label, NULL));
  PetscCall(PetscOptionsString("-output", "Per-series CSV (none if empty)", NULL, output, output, sizeof output, NULL));
  PetscOptionsEnd();
  PetscCheck(report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report FILE is required");
  PetscMPIInt size;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_SUP, "m4_score runs on one rank (run it without mpirun)");

  snprintf(path, sizeof path, "%s/Weekly-train.csv", dir);
  PetscCheck(!hc_io_read_wide(path, &train, &n_train, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-m4_dir: %s", err);
  snprintf(path, sizeof path, "%s/Weekly-test.csv", dir);
  PetscCheck(!hc_io_read_wide(path, &test, &n_test, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "-m4_dir: %s", err);
  PetscCheck(n_test == n_train, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-m4_dir %s: %d training but %d test series", dir, n_train, n_test);
  for (int i = 0; i < n_train; i++) {
    PetscCheck(!strcmp(train[i].id, test[i].id) && test[i].n == H && train[i].n >= 3, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "-m4_dir %s: row %d: training series %s (%d values) vs test series %s (%d values, need %d)", dir, i + 1, train[i].id,
               train[i].n, test[i].id, test[i].n, H);
  }

  /* The report: schema, /summary, /forecast, /backtest/weights. */
  hid_t f = H5Fopen(report, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-report %s: cannot open as HDF5", report);
  {
    int   version = -1;
    hid_t a       = H5Aopen(f, "schema_version", H5P_DEFAULT);
    PetscCheck(a >= 0 && H5Aread(a, H5T_NATIVE_INT, &version) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no schema_version", report);
    H5Aclose(a);
    PetscCheck(version == 5 || version == 6, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: schema_version %d, this program reads 5 or 6 (the /fits table)", report, version);
  }
  strcol  ticker, status, ensemble, mean_model, fticker, wticker, wmember;
  double *mean, *lo, *hi, *w[N_SCHEME], levels[8];
  hsize_t dm[3], dl[3], dh[3], dw[3];
  int     rk, level95 = -1;
  PetscCall(read_strings(f, "/summary/ticker", &ticker));
  PetscCall(read_strings(f, "/summary/status", &status));
  PetscCall(read_strings(f, "/summary/ensemble", &ensemble));
  PetscCall(read_strings(f, "/summary/mean_model", &mean_model));
  PetscCall(read_strings(f, "/forecast/ticker", &fticker));
  PetscCall(read_doubles(f, "/forecast/mean", &mean, dm, &rk));
  PetscCall(read_doubles(f, "/forecast/lo", &lo, dl, &rk));
  PetscCall(read_doubles(f, "/forecast/hi", &hi, dh, &rk));
  const hsize_t N = ticker.n, HH = dm[1], NL = dl[2];
  PetscCheck(status.n == N && ensemble.n == N && mean_model.n == N && fticker.n == N && dm[0] == N && dl[0] == N && dh[0] == N &&
               dl[1] == HH && dh[1] == HH && dh[2] == NL && NL <= 8,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: /summary and /forecast shapes disagree", report);
  PetscCheck(N == 0 || HH >= H, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: forecast horizon %d < %d (run hpcast with -horizon 13)", report,
             (int)HH, H);
  {
    hid_t d = H5Dopen2(f, "/forecast/lo", H5P_DEFAULT);
    hid_t a = H5Aopen(d, "levels", H5P_DEFAULT);
    PetscCheck(a >= 0 && H5Aread(a, H5T_NATIVE_DOUBLE, levels) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: /forecast/lo has no levels", report);
    H5Aclose(a);
    H5Dclose(d);
    for (hsize_t l = 0; l < NL; l++)
      if (levels[l] > 0.9499 && levels[l] < 0.9501) level95 = (int)l;
    PetscCheck(level95 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no 0.95 level in /forecast/lo", report);
  }
  fits_table fits;
  PetscCall(read_fits_table(f, &fits));
  const int have_weights = H5Lexists(f, "/backtest", H5P_DEFAULT) > 0 && H5Lexists(f, "/backtest/weights", H5P_DEFAULT) > 0;
  wticker.n = wmember.n = 0;
  wticker.buf = wmember.buf = NULL;
  for (int s = 0; s < N_SCHEME; s++) w[s] = NULL;
  if (have_weights) {
    PetscCall(read_strings(f, "/backtest/weights/ticker", &wticker));
    PetscCall(read_strings(f, "/backtest/weights/member", &wmember));
    for (int s = 0; s < N_SCHEME; s++) {
      snprintf(path, sizeof path, "/backtest/weights/%s", schemes[s]);
      PetscCall(read_doubles(f, path, &w[s], dw, &rk));
      PetscCheck(dw[0] == wticker.n && wmember.n == wticker.n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: /backtest/weights columns disagree", report);
    }
  }

  /* Score the training file's series that have a report row, in file order. */
  series_row *rows = calloc((size_t)n_train + 1, sizeof *rows);
  int         n = 0, n_missing = 0, n_extra = 0, n_fallback = 0, n_nonfinite = 0, n_ssa_member = 0, n_ssa_pos = 0;
  int         n_ok = 0, n_scheme[N_SCHEME + 1] = {0}, n_sel_missing = 0, n_ssa_missing = 0;
  double      w_sum[N_SCHEME] = {0}, w_rep_sum = 0.0;
  int         w_cnt[N_SCHEME] = {0};
  PetscCheck(rows, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  H5E_auto2_t old_func;
  void       *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* absent member groups are expected, not errors */
  for (hsize_t i = 0; i < N; i++) {
    char t[HC_NAME_LEN], ft[HC_NAME_LEN];
    str_at(&ticker, i, t, sizeof t);
    PetscCheck(!strcmp(t, str_at(&fticker, i, ft, sizeof ft)), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: row %d: /summary ticker %s, /forecast ticker %s", report, (int)i, t, ft);
    int k = 0;
    while (k < n_train && strcmp(train[k].id, t)) k++;
    if (k == n_train) {
      n_extra++;
      continue;
    }
    series_row *r = &rows[k];
    PetscCheck(!r->id[0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: ticker %s twice", report, t);
    hc_strlcpy(r->id, t, sizeof r->id);
    r->n_train = train[k].n;
    str_at(&status, i, r->status, sizeof r->status);
    str_at(&ensemble, i, r->scheme, sizeof r->scheme);
    str_at(&mean_model, i, r->model, sizeof r->model);

    double fc[H], flo[H], fhi[H], nf[H], nlo[H], nhi[H];
    hc_eval_naive(train[k].value, train[k].n, H, ALPHA, nf, nlo, nhi);
    int ok = !strcmp(r->status, "ok"), finite = 1;
    for (int h = 0; h < H; h++) {
      fc[h]  = mean[i * HH + h];
      flo[h] = lo[(i * HH + h) * NL + level95];
      fhi[h] = hi[(i * HH + h) * NL + level95];
      finite = finite && isfinite(fc[h]) && isfinite(flo[h]) && isfinite(fhi[h]);
    }
    n_ok += ok;
    if (ok && !finite) n_nonfinite++;
    r->fallback = !ok || !finite;
    n_fallback += r->fallback;
    hc_eval_series(train[k].value, train[k].n, M, test[k].value, r->fallback ? nf : fc, r->fallback ? nlo : flo, r->fallback ? nhi : fhi, H,
                   ALPHA, &r->ens);
    hc_eval_series(train[k].value, train[k].n, M, test[k].value, nf, nlo, nhi, H, ALPHA, &r->naive);

    /* Members: the selected model and the SSA member. */
    double mf[H], mlo[H], mhi[H];
    char   ssa_name[HC_MODEL_LEN] = "";
    for (int s = 0; s < N_SCHEME; s++) r->w_ssa[s] = 0.0;
    for (hsize_t j = 0; j < wticker.n; j++) {
      char wt[HC_NAME_LEN], wm[HC_MODEL_LEN];
      if (strcmp(str_at(&wticker, j, wt, sizeof wt), t) || strncmp(str_at(&wmember, j, wm, sizeof wm), "SSA(", 4)) continue;
      r->has_ssa = 1;
      hc_strlcpy(ssa_name, wm, sizeof ssa_name);
      for (int s = 0; s < N_SCHEME; s++) r->w_ssa[s] += w[s][j]; /* NaN stays NaN */
    }
    r->sel_ok = ok && read_member(&fits, t, NULL, mf, mlo, mhi);
    n_sel_missing += !r->sel_ok;
    hc_eval_series(train[k].value, train[k].n, M, test[k].value, r->sel_ok ? mf : nf, r->sel_ok ? mlo : nlo, r->sel_ok ? mhi : nhi, H, ALPHA,
                   &r->sel);
    if (!ssa_name[0] && !strncmp(r->model, "SSA(", 4)) hc_strlcpy(ssa_name, r->model, sizeof ssa_name); /* SSA alone, no backtest */
    if (ssa_name[0]) {
      r->ssa_ok = ok && read_member(&fits, t, ssa_name, mf, mlo, mhi);
    }
    n_ssa_missing += !r->ssa_ok;
    hc_eval_series(train[k].value, train[k].n, M, test[k].value, r->ssa_ok ? mf : nf, r->ssa_ok ? mlo : nlo, r->ssa_ok ? mhi : nhi, H, ALPHA,
                   &r->ssa);

    /* SSA weights: per scheme over the series with an SSA member; in the reported scheme. */
    int si = N_SCHEME;
    for (int s = 0; s < N_SCHEME; s++)
      if (!strcmp(r->scheme, schemes[s])) si = s;
    if (ok) n_scheme[si]++;
    if (r->has_ssa) {
      n_ssa_member++;
      for (int s = 0; s < N_SCHEME; s++)
        if (isfinite(r->w_ssa[s])) w_sum[s] += r->w_ssa[s], w_cnt[s]++;
    }
    r->w_rep = si < N_SCHEME ? (r->has_ssa && isfinite(r->w_ssa[si]) ? r->w_ssa[si] : 0.0) : (!strncmp(r->model, "SSA(", 4) ? 1.0 : 0.0);
    if (ok) {
      w_rep_sum += r->w_rep;
      n_ssa_pos += r->w_rep > 0.0;
    }
    n++;
  }
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  H5Fclose(f);
  for (int k = 0; k < n_train; k++) n_missing += !rows[k].id[0];

  /* Summary. */
  hc_eval_scores *se, *sn, *ss, *sa;
  hc_eval_summary ae, an, as, aa;
  PetscCall(PetscMalloc4(n_train, &se, n_train, &sn, n_train, &ss, n_train, &sa));
  int m = 0;
  for (int k = 0; k < n_train; k++)
    if (rows[k].id[0]) se[m] = rows[k].ens, sn[m] = rows[k].naive, ss[m] = rows[k].sel, sa[m] = rows[k].ssa, m++;
  hc_eval_summarize(se, m, 1.0 - ALPHA, &ae);
  hc_eval_summarize(sn, m, 1.0 - ALPHA, &an);
  hc_eval_summarize(ss, m, 1.0 - ALPHA, &as);
  hc_eval_summarize(sa, m, 1.0 - ALPHA, &aa);
  PetscCall(PetscFree4(se, sn, ss, sa));

  printf("M4 Weekly, report %s: %d of %d series scored (%d not in the report, %d report rows not in the training file), horizon %d, "
         "95%% intervals (level index %d), MASE/MSIS scale m = %d\n",
         report, n, n_train, n_missing, n_extra, H, level95, M);
  printf("%-24s %8s %8s %7s %8s %9s %7s %6s\n", "method", "sMAPE", "MASE", "OWA", "MSIS", "coverage", "ACD", "series");
  print_line(label, &ae, hc_eval_owa(ae.smape, ae.mase, an.smape, an.mase));
  snprintf(buf, sizeof buf, "  selected model alone");
  print_line(buf, &as, hc_eval_owa(as.smape, as.mase, an.smape, an.mase));
  if (n_ssa_member || n - n_ssa_missing > 0) print_line("  SSA member alone", &aa, hc_eval_owa(aa.smape, aa.mase, an.smape, an.mase));
  print_line("Naive (Naive 1)", &an, 1.0);
  print_line("Naive2 (= Naive, m=1)", &an, 1.0);
  printf("fallback to Naive: %d series (status not ok: %d; ok but non-finite forecast: %d); series skipped for NaN scores: %d\n", n_fallback,
         n - n_ok, n_nonfinite, ae.n_skipped);
  printf("member rows: selected model's forecast missing in %d series", n_sel_missing);
  if (n_ssa_member || n - n_ssa_missing > 0) printf(", SSA member's in %d", n_ssa_missing);
  printf(" (Naive used there; Gaussian intervals mean -+ %.4f sd)\n", Z975);
  printf("reported scheme (ok series): equal %d, invmse %d, akaike %d, stacking %d, none (no backtest) %d\n", n_scheme[0], n_scheme[1],
         n_scheme[2], n_scheme[3], n_scheme[N_SCHEME]);
  printf("SSA member in the ensemble of %d series; its mean weight per scheme over them:", n_ssa_member);
  for (int s = 0; s < N_SCHEME; s++) printf(" %s %.4f", schemes[s], w_cnt[s] ? w_sum[s] / w_cnt[s] : NAN);
  printf("\nSSA weight in the reported scheme: mean %.4f over the %d ok series (0 without SSA member or backtest), > 0 in %d series\n",
         n_ok ? w_rep_sum / n_ok : NAN, n_ok, n_ssa_pos);

  if (output[0]) {
    FILE *fp = fopen(output, "w");
    PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-output %s: cannot open for writing", output);
    fprintf(fp, "id,n_train,status,model,scheme,fallback,ssa_weight,ens_smape,ens_mase,ens_msis,ens_covered,sel_smape,sel_mase,sel_msis,"
                "sel_covered,ssa_smape,ssa_mase,ssa_msis,ssa_covered,naive_smape,naive_mase,naive_msis,naive_covered,h\n");
    for (int k = 0; k < n_train; k++) {
      const series_row *r = &rows[k];
      if (!r->id[0]) continue;
      fprintf(fp, "%s,%d,%s,\"%s\",%s,%d,%.6f,%.6f,%.6f,%.6f,%d,%.6f,%.6f,%.6f,%d,%.6f,%.6f,%.6f,%d,%.6f,%.6f,%.6f,%d,%d\n", r->id, r->n_train,
              r->status, r->model, r->scheme, r->fallback, r->w_rep, r->ens.smape, r->ens.mase, r->ens.msis, r->ens.covered, r->sel.smape,
              r->sel.mase, r->sel.msis, r->sel.covered, r->ssa.smape, r->ssa.mase, r->ssa.msis, r->ssa.covered, r->naive.smape, r->naive.mase,
              r->naive.msis, r->naive.covered, r->ens.h);
    }
    PetscCheck(!fclose(fp), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-output %s: write failed", output);
    printf("per-series scores: %s\n", output);
  }

  free(rows);
  free(mean), free(lo), free(hi);
  for (int s = 0; s < N_SCHEME; s++) free(w[s]);
  free(ticker.buf), free(status.buf), free(ensemble.buf), free(mean_model.buf), free(fticker.buf), free(wticker.buf), free(wmember.buf);
  free(fits.ticker.buf), free(fits.name.buf), free(fits.selected), free(fits.mean), free(fits.sd);
  hc_io_wide_free(train, n_train);
  hc_io_wide_free(test, n_test);
  PetscCall(PetscFinalize());
  return 0;
}
