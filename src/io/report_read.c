/**
 * @file report_read.c
 * @brief Reading back from a report: one ticker's fitted parameters (warm starts, from the /fits
 *        table by binary search on its sorted ticker column) and the /perf table.
 */
#include "hpcast/io.h"
#include "report_layout.h"

#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fits of ticker from the /fits table g (rows sorted by ticker): a binary search on the
 * ticker column, then the ticker's rows. @return 0 or -1. */
static int read_ticker_fits(hid_t g, const char *ticker, int *n_fits, hc_fit_record **fits)
{
  size_t  wn = 0, wp = 0;
  hid_t   tn = hc_report_str_type(g, "name", &wn), tp = hc_report_str_type(g, "param_names", &wp);
  hsize_t lo = 0, n = 0;
  int     rc = tn < 0 || tp < 0 || hc_report_ticker_rows(g, ticker, &lo, &n) ? -1 : 0;
  char   *name = NULL, *pnames = NULL;
  double *params = NULL;
  int    *np = NULL;
  hsize_t dims[2] = {0, 0};
  hid_t   dp = rc || !n ? -1 : H5Dopen2(g, "params", H5P_DEFAULT), sq = dp >= 0 ? H5Dget_space(dp) : -1;
  const int P = sq >= 0 && H5Sget_simple_extent_dims(sq, dims, NULL) == 2 ? (int)dims[1] : 0;
  if (sq >= 0) H5Sclose(sq);
  if (dp >= 0) H5Dclose(dp);
  if (!rc && n) {
    *fits  = calloc(n, sizeof **fits);
    name   = calloc(n, wn + 1);
    pnames = calloc(n, wp + 1);
    np     = calloc(n, sizeof *np);
    params = calloc(n * (size_t)(P ? P : 1), sizeof *params);
    rc     = !*fits || !name || !pnames || !np || !params || P > HC_MAX_PARAMS || hc_report_read_rows(g, "name", tn, lo, n, name) ||
         hc_report_read_rows(g, "param_names", tp, lo, n, pnames) || hc_report_read_rows(g, "n_params", H5T_NATIVE_INT, lo, n, np) ||
         (P && hc_report_read_rows(g, "params", H5T_NATIVE_DOUBLE, lo, n, params))
             ? -1
             : 0;
  }
  for (hsize_t i = 0; !rc && i < n; i++) {
    hc_fit_record *f = &(*fits)[i];
    char           buf[HC_MAX_PARAMS * HC_PNAME_LEN + 1];
    memcpy(f->name, name + i * wn, wn < HC_MODEL_LEN - 1 ? wn : HC_MODEL_LEN - 1);
    f->n_params = np[i] < 0 ? 0 : np[i] > P ? P : np[i];
    memcpy(buf, pnames + i * wp, wp < sizeof buf - 1 ? wp : sizeof buf - 1);
    buf[wp < sizeof buf - 1 ? wp : sizeof buf - 1] = '\0';
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (int k = 0; k < f->n_params; k++, tok = tok ? strtok_r(NULL, ",", &save) : NULL) {
      hc_strlcpy(f->param_names[k], tok ? tok : "", HC_PNAME_LEN);
      f->params[k] = params[i * (size_t)P + (size_t)k];
    }
  }
  if (!rc) *n_fits = (int)n;
  else {
    free(*fits);
    *fits = NULL;
  }
  free(name);
  free(pnames);
  free(np);
  free(params);
  if (tn >= 0) H5Tclose(tn);
  if (tp >= 0) H5Tclose(tp);
  return rc;
}

int hc_io_report_read_fits(const char *path, const char *ticker, int *n_fits, hc_fit_record **fits, char *err,
                           size_t errlen)
{
  H5E_auto2_t func;
  void       *data;
  int         rc = 0;
  *n_fits        = 0;
  *fits          = NULL;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    snprintf(err, errlen, "cannot open report %s", path);
    rc = 1;
  } else {
    if (H5Lexists(file, "/fits", H5P_DEFAULT) > 0 && H5Lexists(file, "/fits/ticker", H5P_DEFAULT) <= 0) {
      snprintf(err, errlen, "%s: its /fits is not the table of schema_version 5 (a report of an older hpcast: run the job again to write one)", path);
      rc = 1;
    } else if (H5Lexists(file, "/fits", H5P_DEFAULT) > 0) {
      hid_t g = H5Gopen2(file, "/fits", H5P_DEFAULT);
      if (g < 0 || read_ticker_fits(g, ticker, n_fits, fits)) {
        snprintf(err, errlen, "cannot read the /fits rows of %s in %s", ticker, path);
        rc = 1;
      }
      if (g >= 0) H5Gclose(g);
    }
    H5Fclose(file);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return rc;
}

/* Read the 1-D numeric dataset /perf/<name> (n values) into out (stride bytes apart) as type
 * mem (H5T_NATIVE_INT or H5T_NATIVE_DOUBLE). A missing dataset leaves out as it is. */
static int read_perf_column(hid_t g, const char *name, hid_t mem, int n, void *out, size_t stride)
{
  if (H5Lexists(g, name, H5P_DEFAULT) <= 0) return 0;
  hid_t    d  = H5Dopen2(g, name, H5P_DEFAULT);
  hid_t    sp = d >= 0 ? H5Dget_space(d) : -1;
  size_t   sz = H5Tget_size(mem);
  char    *buf = malloc((size_t)(n ? n : 1) * sz);
  int      rc  = d < 0 || sp < 0 || !buf || H5Sget_simple_extent_npoints(sp) != n ||
           H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0;
  for (int i = 0; !rc && i < n; i++) memcpy((char *)out + (size_t)i * stride, buf + (size_t)i * sz, sz);
  free(buf);
  if (sp >= 0) H5Sclose(sp);
  if (d >= 0) H5Dclose(d);
  return rc;
}

int hc_io_report_read_perf(const char *path, int *n, hc_perf **perf, char *err, size_t errlen)
{
  H5E_auto2_t old_func;
  void       *old_data;
  int         rc = 1;
  *n    = 0;
  *perf = NULL;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t g = f >= 0 ? H5Gopen2(f, "perf", H5P_DEFAULT) : -1;
  hid_t d = g >= 0 ? H5Dopen2(g, "rank", H5P_DEFAULT) : -1;
  if (d >= 0) {
    hid_t    sp = H5Dget_space(d);
    hssize_t np = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(d);
    if (np >= 0 && (*perf = calloc((size_t)np + 1, sizeof **perf))) {
      *n = (int)np;
      for (int i = 0; i < *n; i++) (*perf)[i].busy_s = NAN;
      static const struct {
        const char *name;
        int         is_int;
        size_t      off;
      } cols[] = {
        {"rank", 1, offsetof(hc_perf, rank)},       {"n_tickers", 1, offsetof(hc_perf, n_tickers)},
        {"n_fits", 1, offsetof(hc_perf, n_fits)},   {"n_units", 1, offsetof(hc_perf, n_units)},
        {"wall_s", 0, offsetof(hc_perf, wall_s)},   {"fit_s", 0, offsetof(hc_perf, fit_s)},
        {"io_s", 0, offsetof(hc_perf, io_s)},       {"peak_rss_mb", 0, offsetof(hc_perf, peak_rss_mb)},
        {"busy_s", 0, offsetof(hc_perf, busy_s)},
      };
      rc = 0;
      for (size_t k = 0; !rc && k < sizeof cols / sizeof cols[0]; k++)
        rc = read_perf_column(g, cols[k].name, cols[k].is_int ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE, *n,
                              (char *)*perf + cols[k].off, sizeof **perf);
    }
  }
  if (g >= 0) H5Gclose(g);
  if (f >= 0) H5Fclose(f);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (rc) {
    snprintf(err, errlen, "report '%s': %s", path, f < 0 ? "cannot open it as HDF5" : "no readable /perf table");
    free(*perf);
    *perf = NULL;
    *n    = 0;
  }
  return rc;
}
