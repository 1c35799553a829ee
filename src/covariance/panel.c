/**
 * @file panel.c
 * @brief The distributed panel of the cross-sectional stage (the union calendar of the rows and
 *        the rows moved to their owners by PETSc's Vec assembly), the model dispatch, and the
 *        estimate's products and gathering.
 */
#include "covariance_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *hc_cov_model_name(hc_cov_model m)
{
  static const char *const names[] = {"none", "shrink", "dcc", "factor"};
  return m >= HC_COV_NONE && m <= HC_COV_FACTOR ? names[m] : "?";
}

void hc_cov_options_default(hc_cov_options *o)
{
  *o = (hc_cov_options){.model = HC_COV_SHRINK, .n_factors = 10, .min_overlap = 250, .window = 750, .full_max = 2000, .origins = 250,
                        .refit_every = 20};
}

PetscErrorCode hc_cov_allsum(MPI_Comm comm, int n, double *v)
{
  Vec          w;
  PetscScalar *a;
  PetscFunctionBeginUser;
  if (n <= 0) PetscFunctionReturn(0);
  if (n > 128) { /* VecStrideSumAll takes blocks of at most 128 */
    for (int k = 0; k < n; k += 128) PetscCall(hc_cov_allsum(comm, PetscMin(128, n - k), v + k));
    PetscFunctionReturn(0);
  }
  PetscCall(VecCreate(comm, &w));
  PetscCall(VecSetSizes(w, n, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(w, n));
  PetscCall(VecSetType(w, VECMPI));
  PetscCall(VecGetArray(w, &a));
  for (int k = 0; k < n; k++) a[k] = v[k];
  PetscCall(VecRestoreArray(w, &a));
  PetscCall(VecStrideSumAll(w, v));
  PetscCall(VecDestroy(&w));
  PetscFunctionReturn(0);
}

/* The values of a distributed Vec on every rank (everywhere) or on rank 0 only (NULL elsewhere):
 * out [global size], PetscMalloc'd. */
static PetscErrorCode vec_values(Vec v, PetscBool everywhere, double **out)
{
  VecScatter         sc;
  Vec                all;
  const PetscScalar *a;
  PetscInt           n;
  PetscMPIInt        rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)v), &rank));
  PetscCall(VecGetSize(v, &n));
  if (everywhere) PetscCall(VecScatterCreateToAll(v, &sc, &all));
  else PetscCall(VecScatterCreateToZero(v, &sc, &all));
  PetscCall(VecScatterBegin(sc, v, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, v, all, INSERT_VALUES, SCATTER_FORWARD));
  *out = NULL;
  if (everywhere || rank == 0) {
    PetscCall(PetscMalloc1(n > 0 ? n : 1, out));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < n; i++) (*out)[i] = a[i];
    PetscCall(VecRestoreArrayRead(all, &a));
  }
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&all));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_all_values(Vec v, double **out) { return vec_values(v, PETSC_TRUE, out); }

PetscErrorCode hc_cov_cell_layout(const hc_cov_panel *p, int r, PetscInt *base, PetscInt *stride)
{
  PetscMPIInt q;
  PetscFunctionBeginUser;
  PetscCall(PetscLayoutFindOwner(p->map, r, &q));
  *stride = p->ranges[q + 1] - p->ranges[q];
  *base   = p->ranges[q] * p->T + (r - p->ranges[q]);
  PetscFunctionReturn(0);
}

/* The union calendar of the rows' last `span` observations, its last `span` dates, on every rank. */
static PetscErrorCode calendar(MPI_Comm comm, int n_local, const hc_cov_row *rows, int span, int **day, int *T)
{
  double   ext[2] = {-INFINITY, -INFINITY}; /* max day, -min day */
  PetscInt D;
  Vec      cnt;
  double  *all;
  PetscFunctionBeginUser;
  for (int k = 0; k < n_local; k++)
    if (rows[k].n > 0) {
      ext[0] = PetscMax(ext[0], (double)rows[k].day[rows[k].n - 1]);
      ext[1] = PetscMax(ext[1], -(double)rows[k].day[PetscMax(0, rows[k].n - span)]);
    }
  {
    /* maxima over the ranks: a vector of one block of 2 per rank */
    Vec          w;
    PetscScalar *a;
    PetscInt     idx;
    PetscCall(VecCreate(comm, &w));
    PetscCall(VecSetSizes(w, 2, PETSC_DETERMINE));
    PetscCall(VecSetBlockSize(w, 2));
    PetscCall(VecSetType(w, VECMPI));
    PetscCall(VecGetArray(w, &a));
    a[0] = ext[0], a[1] = ext[1];
    PetscCall(VecRestoreArray(w, &a));
    PetscCall(VecStrideMax(w, 0, &idx, &ext[0]));
    PetscCall(VecStrideMax(w, 1, &idx, &ext[1]));
    PetscCall(VecDestroy(&w));
  }
  *T   = 0;
  *day = NULL;
  if (!isfinite(ext[0])) PetscFunctionReturn(0);
  const int d0 = (int)-ext[1];
  D            = (PetscInt)ext[0] - d0 + 1;
  /* this rank's days counted locally, then one value per day it has into the shared vector */
  int *mine;
  PetscCall(PetscCalloc1(D, &mine));
  for (int k = 0; k < n_local; k++)
    for (int t = PetscMax(0, rows[k].n - span); t < rows[k].n; t++) mine[rows[k].day[t] - d0] = 1;
  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, D, &cnt));
  PetscCall(VecSet(cnt, 0.0));
  for (PetscInt i = 0; i < D; i++)
    if (mine[i]) PetscCall(VecSetValue(cnt, i, 1.0, ADD_VALUES));
  PetscCall(PetscFree(mine));
  PetscCall(VecAssemblyBegin(cnt));
  PetscCall(VecAssemblyEnd(cnt));
  PetscCall(hc_cov_all_values(cnt, &all));
  PetscCall(VecDestroy(&cnt));
  int n = 0;
  for (PetscInt i = 0; i < D; i++) n += all[i] > 0;
  *T = PetscMin(n, span);
  PetscCall(PetscMalloc1(*T > 0 ? *T : 1, day));
  for (PetscInt i = D - 1, c = *T - 1; i >= 0 && c >= 0; i--)
    if (all[i] > 0) (*day)[c--] = (int)(i + d0);
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_panel_create(MPI_Comm comm, int N, int n_local, const hc_cov_row *rows, int span, hc_cov_panel **out)
{
  hc_cov_panel *p;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  p->comm = comm;
  p->N    = N;
  PetscCall(calendar(comm, n_local, rows, span, &p->day, &p->T));
  PetscCall(PetscLayoutCreate(comm, &p->map));
  PetscCall(PetscLayoutSetSize(p->map, N));
  PetscCall(PetscLayoutSetUp(p->map));
  PetscCall(PetscLayoutGetRanges(p->map, &p->ranges));
  {
    PetscInt rs, re;
    PetscCall(PetscLayoutGetRange(p->map, &rs, &re));
    p->rstart = (int)rs;
    p->nloc   = (int)(re - rs);
  }
  for (int f = 0; f < HC_COV_N_FIELDS; f++) {
    PetscCall(VecCreateMPI(comm, (PetscInt)p->nloc * p->T, (PetscInt)N * p->T, &p->vf[f]));
    PetscCall(VecSet(p->vf[f], NAN));
  }
  /* each row's observations on the calendar's dates to their cells, one call per row and field
   * (the row's owner found once); off-rank cells move in the assembly */
  PetscInt    *idx;
  PetscScalar *val;
  PetscCall(PetscMalloc2(p->T + 1, &idx, HC_COV_N_FIELDS * (p->T + 1), &val));
  for (int k = 0; k < n_local; k++) {
    const hc_cov_row *r = &rows[k];
    PetscCheck(r->index >= 0 && r->index < N, comm, PETSC_ERR_ARG_OUTOFRANGE, "panel row index %d outside 0..%d", r->index, N - 1);
    PetscInt base, nq;
    int      m = 0, c = 0;
    PetscCall(hc_cov_cell_layout(p, r->index, &base, &nq));
    for (int t = PetscMax(0, r->n - span); t < r->n && c < p->T; t++) {
      while (c < p->T && p->day[c] < r->day[t]) c++;
      if (c == p->T || p->day[c] != r->day[t]) continue;
      idx[m]              = base + (PetscInt)c * nq;
      val[HC_COV_Z * (p->T + 1) + m]  = r->z[t];
      val[HC_COV_E * (p->T + 1) + m]  = r->e[t];
      val[HC_COV_SD * (p->T + 1) + m] = r->sd[t];
      val[HC_COV_MU * (p->T + 1) + m] = r->mu ? r->mu[t] : NAN;
      m++;
    }
    for (int f = 0; f < HC_COV_N_FIELDS; f++) PetscCall(VecSetValues(p->vf[f], m, idx, val + f * (p->T + 1), INSERT_VALUES));
  }
  PetscCall(PetscFree2(idx, val));
  for (int f = 0; f < HC_COV_N_FIELDS; f++) PetscCall(VecAssemblyBegin(p->vf[f]));
  for (int f = 0; f < HC_COV_N_FIELDS; f++) PetscCall(VecAssemblyEnd(p->vf[f]));
  for (int f = 0; f < HC_COV_N_FIELDS; f++) PetscCall(VecGetArray(p->vf[f], &p->f[f]));
  p->z = p->f[HC_COV_Z];
  p->e = p->f[HC_COV_E];
  p->s = p->f[HC_COV_SD];
  *out = p;
  PetscFunctionReturn(0);
}

void hc_cov_panel_size(const hc_cov_panel *p, int *N, int *T)
{
  *N = p->N;
  *T = p->T;
}

int hc_cov_panel_day(const hc_cov_panel *p, int c) { return p->day[c]; }

PetscErrorCode hc_cov_panel_vec(const hc_cov_panel *p, Vec *v)
{
  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(p->comm, p->nloc, p->N, v));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_panel_column(const hc_cov_panel *p, hc_cov_field f, int c, Vec v)
{
  PetscScalar *a;
  PetscFunctionBeginUser;
  PetscCheck(f >= 0 && f < HC_COV_N_FIELDS && c >= 0 && c < p->T, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "panel field %d date %d outside 0..%d", (int)f, c, p->T - 1);
  PetscCall(VecGetArray(v, &a));
  for (int i = 0; i < p->nloc; i++) a[i] = HC_CELL(p, p->f[f], i, c);
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_panel_destroy(hc_cov_panel **pp)
{
  hc_cov_panel *p = *pp;
  PetscFunctionBeginUser;
  if (!p) PetscFunctionReturn(0);
  for (int f = 0; f < HC_COV_N_FIELDS; f++) {
    PetscCall(VecRestoreArray(p->vf[f], &p->f[f]));
    PetscCall(VecDestroy(&p->vf[f]));
  }
  PetscCall(PetscLayoutDestroy(&p->map));
  PetscCall(PetscFree(p->day));
  PetscCall(PetscFree(*pp));
  PetscFunctionReturn(0);
}

void hc_cov_row_moments(const hc_cov_panel *p, int c0, int c1, int *n, double *mean, double *sd)
{
  for (int i = 0; i < p->nloc; i++) {
    double s = 0.0, s2 = 0.0;
    int    k = 0;
    for (int c = c0; c < c1; c++) {
      const double v = HC_CELL(p, p->z, i, c);
      if (isfinite(v)) s += v, k++;
    }
    const double m = k ? s / k : 0.0;
    for (int c = c0; c < c1; c++) {
      const double v = HC_CELL(p, p->z, i, c);
      if (isfinite(v)) s2 += (v - m) * (v - m);
    }
    n[i]    = k;
    mean[i] = m;
    sd[i]   = k ? sqrt(s2 / k) : 0.0;
  }
}

PetscErrorCode hc_cov_estimate_compute(const hc_cov_panel *p, const hc_cov_options *o, int c1, const double *start, hc_cov_estimate *est)
{
  PetscFunctionBeginUser;
  memset(est, 0, sizeof *est);
  const int c0 = PetscMax(0, c1 - o->window);
  est->N       = p->N;
  est->window  = c1 - c0;
  est->model   = o->model;
  est->a = est->b = est->se_a = est->se_b = est->loglik = est->lambda_min = NAN;
  est->shrinkage = est->shrinkage_lw = NAN;
  {
    /* membership: rows with at least min_overlap observations in the window */
    int         *n;
    double      *m, *sd, cnt = 0.0;
    PetscScalar *a, *b;
    PetscCall(PetscMalloc3(p->nloc + 1, &n, p->nloc + 1, &m, p->nloc + 1, &sd));
    hc_cov_row_moments(p, c0, c1, n, m, sd);
    PetscCall(VecCreateMPI(p->comm, p->nloc, p->N, &est->member));
    PetscCall(VecDuplicate(est->member, &est->n_obs));
    PetscCall(VecGetArray(est->member, &a));
    PetscCall(VecGetArray(est->n_obs, &b));
    for (int i = 0; i < p->nloc; i++) {
      a[i] = n[i] >= o->min_overlap && sd[i] > 0 ? 1.0 : 0.0;
      b[i] = n[i];
      cnt += a[i];
    }
    PetscCall(VecRestoreArray(est->member, &a));
    PetscCall(VecRestoreArray(est->n_obs, &b));
    PetscCall(PetscFree3(n, m, sd));
    PetscCall(hc_cov_allsum(p->comm, 1, &cnt));
    est->n_members = (int)cnt;
  }
  if (o->model == HC_COV_FACTOR || (o->model != HC_COV_NONE && est->n_members > o->full_max)) {
    if (o->model != HC_COV_FACTOR)
      snprintf(est->reason, sizeof est->reason, "%s needs an N x N matrix: %d tickers > -covariance_full_max %d; factor:%d used",
               hc_cov_model_name(o->model), est->n_members, o->full_max, o->n_factors);
    est->model = HC_COV_FACTOR;
    PetscCall(hc_cov_factor(p, o, c0, c1, est));
  } else if (o->model == HC_COV_DCC) PetscCall(hc_cov_dcc(p, o, c0, c1, start, est));
  else if (o->model == HC_COV_SHRINK) PetscCall(hc_cov_shrink(p, o, c0, c1, est));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_estimate_free(hc_cov_estimate *est)
{
  PetscFunctionBeginUser;
  PetscCall(MatDestroy(&est->R));
  PetscCall(MatDestroy(&est->B));
  PetscCall(VecDestroy(&est->psi));
  PetscCall(VecDestroy(&est->member));
  PetscCall(VecDestroy(&est->n_obs));
  memset(est, 0, sizeof *est);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_estimate_mult(const hc_cov_estimate *est, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  if (est->R) {
    PetscCall(MatMult(est->R, x, y));
    PetscFunctionReturn(0);
  }
  if (!est->B) { /* no model: the identity */
    PetscCall(VecCopy(x, y));
    PetscFunctionReturn(0);
  }
  Vec f, t;
  PetscCall(MatCreateVecs(est->B, &f, NULL));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(MatMultTranspose(est->B, x, f));
  PetscCall(MatMult(est->B, f, y));
  PetscCall(VecPointwiseMult(t, est->psi, x));
  PetscCall(VecAXPY(y, 1.0, t));
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&t));
  PetscFunctionReturn(0);
}

/* The local rows of a dense matrix (nloc x ncol) as a row-major Vec [N * ncol] gathered on rank 0. */
static PetscErrorCode gather_rows(Mat A, double **out)
{
  PetscInt           rs, re, ncol, N, lda;
  const PetscScalar *a;
  Vec                v, z;
  VecScatter         sc;
  PetscScalar       *w;
  PetscMPIInt        rank;
  MPI_Comm           comm;
  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)A, &comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MatGetSize(A, &N, &ncol));
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  PetscCall(MatDenseGetLDA(A, &lda));
  PetscCall(VecCreateMPI(comm, (re - rs) * ncol, N * ncol, &v));
  PetscCall(MatDenseGetArrayRead(A, &a));
  PetscCall(VecGetArray(v, &w));
  for (PetscInt i = 0; i < re - rs; i++)
    for (PetscInt j = 0; j < ncol; j++) w[i * ncol + j] = a[j * lda + i];
  PetscCall(VecRestoreArray(v, &w));
  PetscCall(MatDenseRestoreArrayRead(A, &a));
  PetscCall(VecScatterCreateToZero(v, &sc, &z));
  PetscCall(VecScatterBegin(sc, v, z, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, v, z, INSERT_VALUES, SCATTER_FORWARD));
  *out = NULL;
  if (rank == 0) {
    const PetscScalar *zz;
    PetscCall(PetscMalloc1(N * ncol > 0 ? N * ncol : 1, out));
    PetscCall(VecGetArrayRead(z, &zz));
    for (PetscInt k = 0; k < N * ncol; k++) (*out)[k] = zz[k];
    PetscCall(VecRestoreArrayRead(z, &zz));
  }
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_estimate_gather(const hc_cov_estimate *est, double **R, double **B, double **psi, int **member, int **n_obs)
{
  double *m = NULL, *n = NULL;
  PetscFunctionBeginUser;
  *R = *B = *psi = NULL;
  *member = *n_obs = NULL;
  if (est->R) PetscCall(gather_rows(est->R, R));
  if (est->B) PetscCall(gather_rows(est->B, B));
  if (est->psi) PetscCall(vec_values(est->psi, PETSC_FALSE, psi));
  PetscCall(vec_values(est->member, PETSC_FALSE, &m));
  PetscCall(vec_values(est->n_obs, PETSC_FALSE, &n));
  if (m) {
    PetscCall(PetscMalloc1(est->N + 1, member));
    PetscCall(PetscMalloc1(est->N + 1, n_obs));
    for (int i = 0; i < est->N; i++) (*member)[i] = m[i] > 0.5, (*n_obs)[i] = (int)n[i];
  }
  PetscCall(PetscFree(m));
  PetscCall(PetscFree(n));
  PetscFunctionReturn(0);
}
