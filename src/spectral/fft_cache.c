/**
 * @file fft_cache.c
 * @brief The FFTW plan cache (hc_fft_cache), FFTW wisdom import/export, fast lengths.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "spectral_internal.h"

struct hc_fft_cache {
  unsigned      flags;     /**< FFTW planner flags */
  int           n_entries;
  int           cap;
  hc_fft_entry *entry;     /**< [cap], n_entries used, in order of creation */
  int           n_plans;   /**< plans created (r2c and c2r counted separately) */
};

int hc_spectral_cache_create(hc_fft_rigor rigor, hc_fft_cache **out)
{
  if (!out) return EINVAL;
  unsigned flags;
  switch (rigor) {
  case HC_FFT_ESTIMATE: flags = FFTW_ESTIMATE; break;
  case HC_FFT_MEASURE:  flags = FFTW_MEASURE;  break;
  default: return EINVAL;
  }
  hc_fft_cache *c = calloc(1, sizeof *c);
  if (!c) return ENOMEM;
  c->flags = flags;
  *out = c;
  return 0;
}

void hc_spectral_cache_destroy(hc_fft_cache *c)
{
  if (!c) return;
  for (int i = 0; i < c->n_entries; i++) {
    hc_fft_entry *e = &c->entry[i];
    if (e->r2c) fftw_destroy_plan(e->r2c);
    if (e->c2r) fftw_destroy_plan(e->c2r);
    fftw_free(e->r);
    fftw_free(e->z);
  }
  free(c->entry);
  free(c);
}

int hc_spectral_cache_n_plans(const hc_fft_cache *c)
{
  return c ? c->n_plans : 0;
}

hc_fft_entry *hc_fft_cache_get(hc_fft_cache *c, int N, int want_c2r)
{
  hc_fft_entry *e = NULL;
  for (int i = 0; i < c->n_entries && !e; i++)
    if (c->entry[i].n == N) e = &c->entry[i];
  if (!e) {
    if (c->n_entries == c->cap) {
      int cap = c->cap ? 2 * c->cap : 8;
      hc_fft_entry *grown = realloc(c->entry, (size_t)cap * sizeof *grown);
      if (!grown) return NULL;
      c->entry = grown;
      c->cap   = cap;
    }
    double       *r = fftw_malloc(sizeof(double) * (size_t)N);
    fftw_complex *z = fftw_malloc(sizeof(fftw_complex) * ((size_t)N / 2 + 1));
    if (!r || !z) {
      fftw_free(r);
      fftw_free(z);
      return NULL;
    }
    e = &c->entry[c->n_entries++];
    *e = (hc_fft_entry){.n = N, .r = r, .z = z};
  }
  /* Plans are made on the entry's own buffers (FFTW_MEASURE overwrites them). */
  if (!e->r2c) {
    e->r2c = fftw_plan_dft_r2c_1d(N, e->r, e->z, c->flags);
    if (!e->r2c) return NULL;
    c->n_plans++;
  }
  if (want_c2r && !e->c2r) {
    e->c2r = fftw_plan_dft_c2r_1d(N, e->z, e->r, c->flags);
    if (!e->c2r) return NULL;
    c->n_plans++;
  }
  return e;
}

int hc_spectral_wisdom_import(const char *path)
{
  if (!path) return EINVAL;
  return fftw_import_wisdom_from_filename(path) ? 0 : EIO;
}

int hc_spectral_wisdom_export(const char *path)
{
  if (!path) return EINVAL;
  return fftw_export_wisdom_to_filename(path) ? 0 : EIO;
}

int hc_spectral_fast_length(int target)
{
  if (target < 1) return -1;
  for (long N = target; N <= INT_MAX; N++) {
    long m = N;
    while (m % 2 == 0) m /= 2;
    while (m % 3 == 0) m /= 3;
    while (m % 5 == 0) m /= 5;
    if (m == 1) return (int)N;
  }
  return -1;
}

int hc_spectral_mean(const double *x, int n, double *mean)
{
  double s = 0.0;
  for (int t = 0; t < n; t++) {
    if (!isfinite(x[t])) return EDOM;
    s += x[t];
  }
  *mean = s / n;
  return 0;
}
