/**
 * @file report_read.c
 * @brief Reading the fitted parameters of one ticker back from a report (warm starts).
 */
#include "hpcast/io.h"

#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read one fit group into f (name, param_names, params). Returns 0 on success. */
static int read_fit(hid_t tg, const char *name, hc_fit_record *f)
{
  int   rc = 1;
  hid_t g  = H5Gopen2(tg, name, H5P_DEFAULT);
  if (g < 0) return 1;
  memset(f, 0, sizeof *f);
  hc_strlcpy(f->name, name, sizeof f->name);
  hid_t d = H5Dopen2(g, "params", H5P_DEFAULT), a = H5Aopen(g, "param_names", H5P_DEFAULT);
  if (d >= 0 && a >= 0) {
    hid_t   sp = H5Dget_space(d), asp = H5Aget_space(a), at = H5Aget_type(a);
    hssize_t np = H5Sget_simple_extent_npoints(sp), nn = H5Sget_simple_extent_npoints(asp);
    size_t   w  = H5Tget_size(at);
    if (np >= 0 && np == nn && np <= HC_MAX_PARAMS && H5Tget_class(at) == H5T_STRING && w > 0 && !H5Tis_variable_str(at)) {
      char *buf = calloc((size_t)np * w + 1, 1);
      hid_t mt  = H5Tcopy(H5T_C_S1);
      H5Tset_size(mt, w);
      H5Tset_strpad(mt, H5T_STR_NULLPAD); /* as written: full width, no terminator */
      if (buf && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, f->params) >= 0 &&
          H5Aread(a, mt, buf) >= 0) {
        f->n_params = (int)np;
        for (int i = 0; i < f->n_params; i++) {
          size_t l = w < HC_PNAME_LEN - 1 ? w : HC_PNAME_LEN - 1;
          memcpy(f->param_names[i], buf + (size_t)i * w, l);
          f->param_names[i][l] = '\0';
        }
        rc = 0;
      }
      H5Tclose(mt);
      free(buf);
    }
    H5Tclose(at);
    H5Sclose(asp);
    H5Sclose(sp);
  }
  if (a >= 0) H5Aclose(a);
  if (d >= 0) H5Dclose(d);
  H5Gclose(g);
  return rc;
}

typedef struct {
  hid_t          tg;
  int            n, cap;
  hc_fit_record *fits;
} collect;

static herr_t visit(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  collect *c = data;
  (void)g;
  if (info->type != H5L_TYPE_HARD) return 0; /* skip the `selected` soft link */
  if (c->n == c->cap) {
    int   cap = c->cap ? 2 * c->cap : 16;
    void *p   = realloc(c->fits, (size_t)cap * sizeof *c->fits);
    if (!p) return -1;
    c->fits = p;
    c->cap  = cap;
  }
  if (!read_fit(c->tg, name, &c->fits[c->n])) c->n++;
  return 0;
}

int hc_io_report_read_fits(const char *path, const char *ticker, int *n_fits, hc_fit_record **fits, char *err,
                           size_t errlen)
{
  H5E_auto2_t func;
  void       *data;
  collect     c = {0};
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
    char where[HC_NAME_LEN + 8];
    snprintf(where, sizeof where, "/fits/%s", ticker);
    if (H5Lexists(file, "/fits", H5P_DEFAULT) > 0 && H5Lexists(file, where, H5P_DEFAULT) > 0) {
      c.tg = H5Gopen2(file, where, H5P_DEFAULT);
      if (c.tg >= 0) {
        if (H5Literate(c.tg, H5_INDEX_NAME, H5_ITER_INC, NULL, visit, &c) < 0) {
          snprintf(err, errlen, "cannot read %s in %s", where, path);
          rc = 1;
        }
        H5Gclose(c.tg);
      }
    }
    H5Fclose(file);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (rc) {
    free(c.fits);
    return rc;
  }
  *n_fits = c.n;
  *fits   = c.fits;
  return 0;
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
