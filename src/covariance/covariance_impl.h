/**
 * @file covariance_impl.h
 * @brief What the files of the covariance module share: the panel's layout and two PETSc-only
 *        collectives (a sum over the ranks of a few numbers; a distributed vector gathered on
 *        every rank).
 */
#ifndef HPCAST_COVARIANCE_IMPL_H
#define HPCAST_COVARIANCE_IMPL_H

#include "hpcast/covariance.h"

/* The panel: rows in PETSc's split of N (rank r owns rows ranges[r] .. ranges[r+1]-1); each
 * field a column-major block of the local rows by the T dates (leading dimension nloc), NaN where
 * the row has no observation. */
struct hc_cov_panel {
  MPI_Comm        comm;
  int             N, T, nloc, rstart;
  const PetscInt *ranges; /* [size + 1] of the layout */
  PetscLayout     map;
  int            *day;    /* [T] */
  Vec             vf[HC_COV_N_FIELDS]; /* the fields, in hc_cov_field order */
  double         *f[HC_COV_N_FIELDS];  /* their local arrays */
  double         *z, *e, *s;           /* = f[HC_COV_Z], f[HC_COV_E], f[HC_COV_SD] */
};

/* Cell (local row i, date c) of a panel field. */
#define HC_CELL(p, a, i, c) ((a)[(size_t)(c) * (size_t)(p)->nloc + (size_t)(i)])

/* v[0..n-1] summed over the ranks of comm, in place (every rank gets the sums). */
PetscErrorCode hc_cov_allsum(MPI_Comm comm, int n, double *v);
/* The values of a distributed Vec on every rank: out [global size], PetscMalloc'd. */
PetscErrorCode hc_cov_all_values(Vec v, double **out);
/* Observations of each local row in dates [c0, c1), their mean and population sd. */
void hc_cov_row_moments(const hc_cov_panel *p, int c0, int c1, int *n, double *mean, double *sd);
/* Where row r's cells are in a field's global Vec: date c at base + c * stride. */
PetscErrorCode hc_cov_cell_layout(const hc_cov_panel *p, int r, PetscInt *base, PetscInt *stride);

/* The shrink estimate of the member rows over [c0, c1) into est (R, shrinkage, lambda_min). */
PetscErrorCode hc_cov_shrink(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, hc_cov_estimate *est);
/* The factor:K estimate over [c0, c1) into est. */
PetscErrorCode hc_cov_factor(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, hc_cov_estimate *est);
/* The DCC estimate over [c0, c1) into est (shrink fields first; start (a,b) or NULL). */
PetscErrorCode hc_cov_dcc(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, const double *start, hc_cov_estimate *est);
/* R = (1 - t) R + t I with the t that brings lambda_min(R) to HC_COV_EIG_FLOOR if it is below
 * (SLEPc); *lambda = lambda_min after, *t (0 if no change). */
PetscErrorCode hc_cov_eigen_floor(Mat R, double *lambda, double *t);

#endif
