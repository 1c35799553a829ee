/**
 * @file spectral_internal.h
 * @brief Internals shared by the files of src/spectral (not installed, not public).
 */
#ifndef HPCAST_SPECTRAL_INTERNAL_H
#define HPCAST_SPECTRAL_INTERNAL_H

#include <fftw3.h>

#include "hpcast/spectral.h"

/** Plans and buffers of one transform length N. */
typedef struct {
  int           n;    /**< transform length N */
  double       *r;    /**< [N] real buffer (fftw_malloc) */
  fftw_complex *z;    /**< [N/2+1] half-complex buffer (fftw_malloc) */
  fftw_plan     r2c;  /**< r -> z, or NULL until first needed */
  fftw_plan     c2r;  /**< z -> r (unnormalised, destroys z), or NULL until first needed */
} hc_fft_entry;

/**
 * The entry of length N of cache c with its r2c plan, and its c2r plan too if
 * want_c2r, creating the buffers and missing plans on first use.
 * @return the entry, or NULL on allocation or planning failure.
 */
hc_fft_entry *hc_fft_cache_get(hc_fft_cache *c, int N, int want_c2r);

/**
 * Mean of x[n] in *mean. @return 0, or EDOM if some x_t is not finite.
 */
int hc_spectral_mean(const double *x, int n, double *mean);

#endif
