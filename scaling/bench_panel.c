/**
 * @file bench_panel.c
 * @brief Benchmark: reading a universe's tickers, per ticker, from an HDF5 panel file (three
 *        ways) and from a directory of CSV files (a program, not a test; docs/scaling.md).
 *
 * Each rank reads every ticker i with i mod P = rank (P ranks), as the job's ranks each read the
 * tickers they model, and keeps the series as the job would (values, times, labels):
 *   csv          hc_io_read_csv of DIR/<ticker>.csv (-data_dir; the job on a CSV directory);
 *   sec2         hc_io_panel_read: each rank opens the file itself, POSIX reads (the job's reader);
 *   mpio         the same rows through HDF5's MPI-IO driver, independent transfers;
 *   mpio_coll    MPI-IO with collective transfers: in round k every rank reads its k-th ticker in
 *                one collective H5Dread (a rank with no k-th ticker takes part with an empty
 *                selection) - the lock-step a collective read needs, which the job's dynamic
 *                schedule does not have.
 * The MPI-IO modes read the value column and /time only (the rows a job needs), by hyperslab of
 * the ticker's offsets, and format no labels: they bound what an MPI-IO reader could gain.
 *
 * Options (PETSc options database):
 *   -panel FILE     the panel                                       [required]
 *   -data_dir DIR   the CSV directory the panel was converted from  [optional: csv mode]
 *   -column NAME    value column                                    [adjusted_close]
 *   -tickers N      read the first N tickers only                   [all]
 *   -modes LIST     which modes, in this order                      [csv,sec2,mpio,mpio_coll]
 * Output, one line per mode: bench_panel mode=M ranks=P tickers=N rows=R us_per_ticker=u
 * (wall time of the slowest rank / tickers per rank). Collective (every rank).
 */
#include "hpcast/io.h"

#include <hdf5.h>
#include <mpi.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows of ticker i through an MPI-IO file: value and time by hyperslab (or an empty
 * selection when i < 0, for the collective mode). @return rows read, or -1. */
static long read_mpio(hid_t d_val, hid_t d_time, hid_t dxpl, const long long *off, int i, double *v, long long *t)
{
  hsize_t at = i >= 0 ? (hsize_t)off[i] : 0, n = i >= 0 ? (hsize_t)(off[i + 1] - off[i]) : 0;
  hid_t   fs = H5Dget_space(d_val), ms = H5Screate_simple(1, &n, NULL);
  int     ok = fs >= 0 && ms >= 0;
  if (ok && n) ok = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n, NULL) >= 0;
  else if (ok) ok = H5Sselect_none(fs) >= 0 && H5Sselect_none(ms) >= 0;
  ok = ok && H5Dread(d_val, H5T_NATIVE_DOUBLE, ms, fs, dxpl, v) >= 0 && H5Dread(d_time, H5T_NATIVE_LLONG, ms, fs, dxpl, t) >= 0;
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  return ok ? (long)n : -1;
}

/* One mode over this rank's tickers; *rows = rows read on this rank. @return wall seconds. */
static PetscErrorCode run_mode(const char *mode, const char *panel, const char *dir, const char *column, const hc_universe *u, int N,
                               long long *rows, double *secs)
{
  PetscMPIInt rank, size;
  char        err[HC_PATH_LEN + 256], reason[HC_REASON_LEN], path[2 * HC_PATH_LEN];
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  *rows = 0;
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  const double t0 = MPI_Wtime();
  if (!strcmp(mode, "csv") || !strcmp(mode, "sec2")) {
    hc_panel *p = NULL;
    if (!strcmp(mode, "sec2")) PetscCheck(!hc_io_panel_open(panel, &p, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: %s", panel, err);
    for (int i = rank; i < N; i += size) {
      hc_series s;
      snprintf(path, sizeof path, "%s/%s.csv", dir, u->ticker[i]);
      if (u->reason[i][0]) continue;
      if (!(p ? hc_io_panel_read(p, i, u->ticker[i], column, &s, reason, sizeof reason) : hc_io_read_csv(path, u->ticker[i], column, &s, reason, sizeof reason))) {
        *rows += s.n;
        hc_series_free(&s);
      }
    }
    hc_io_panel_close(&p);
  } else {
    const int  coll = !strcmp(mode, "mpio_coll");
    hid_t      fapl = H5Pcreate(H5P_FILE_ACCESS), dxpl = H5Pcreate(H5P_DATASET_XFER);
    long long *off;
    int        rounds = (N + size - 1) / size, maxn = 0;
    PetscCall(PetscMalloc1(N + 1, &off));
    PetscCheck(H5Pset_fapl_mpio(fapl, PETSC_COMM_WORLD, MPI_INFO_NULL) >= 0 && H5Pset_dxpl_mpio(dxpl, coll ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT) >= 0,
               PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 MPI-IO properties");
    hid_t f = H5Fopen(panel, H5F_ACC_RDONLY, fapl), d_off = H5Dopen2(f, "offset", H5P_DEFAULT), d_val = -1, d_time = H5Dopen2(f, "time", H5P_DEFAULT);
    snprintf(path, sizeof path, "columns/%s", column);
    d_val = H5Dopen2(f, path, H5P_DEFAULT);
    PetscCheck(f >= 0 && d_off >= 0 && d_val >= 0 && d_time >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: not a panel with column %s", panel, column);
    { /* the first N + 1 offsets */
      hsize_t at = 0, n1 = (hsize_t)N + 1;
      hid_t   fs = H5Dget_space(d_off), ms = H5Screate_simple(1, &n1, NULL);
      PetscCheck(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n1, NULL) >= 0 && H5Dread(d_off, H5T_NATIVE_LLONG, ms, fs, H5P_DEFAULT, off) >= 0,
                 PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: /offset", panel);
      H5Sclose(ms);
      H5Sclose(fs);
    }
    for (int i = 0; i < N; i++) maxn = PetscMax(maxn, (int)(off[i + 1] - off[i]));
    double    *v;
    long long *t;
    PetscCall(PetscMalloc2(maxn + 1, &v, maxn + 1, &t));
    for (int k = 0; k < rounds; k++) {
      const int i = k * size + rank;
      if (i >= N && !coll) break;
      const long got = read_mpio(d_val, d_time, dxpl, off, i < N ? i : -1, v, t);
      PetscCheck(got >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: reading ticker %d", panel, i);
      *rows += got;
    }
    PetscCall(PetscFree2(v, t));
    PetscCall(PetscFree(off));
    H5Dclose(d_val);
    H5Dclose(d_time);
    H5Dclose(d_off);
    H5Fclose(f);
    H5Pclose(fapl);
    H5Pclose(dxpl);
  }
  const double mine = MPI_Wtime() - t0;
  PetscCallMPI(MPI_Allreduce(&mine, secs, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char        panel[HC_PATH_LEN] = "", dir[HC_PATH_LEN] = "", column[HC_NAME_LEN] = "adjusted_close", modes[128] = "csv,sec2,mpio,mpio_coll";
  char        err[HC_PATH_LEN + 256];
  PetscInt    N = -1;
  PetscMPIInt size;
  hc_universe u;

  hc_io_init();
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-panel", panel, sizeof panel, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data_dir", dir, sizeof dir, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-column", column, sizeof column, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-modes", modes, sizeof modes, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tickers", &N, NULL));
  PetscCheck(panel[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -panel FILE");
  PetscCheck(!hc_io_universe_panel(panel, &u, err, sizeof err), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-panel %s: %s", panel, err);
  N = N < 0 || N > u.n ? u.n : N;
  for (char *m = strtok(modes, ","); m; m = strtok(NULL, ",")) {
    long long rows, all;
    double    secs;
    if (!strcmp(m, "csv") && !dir[0]) continue;
    PetscCheck(!strcmp(m, "csv") || !strcmp(m, "sec2") || !strcmp(m, "mpio") || !strcmp(m, "mpio_coll"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-modes %s: allowed csv, sec2, mpio, mpio_coll", m);
    PetscCall(run_mode(m, panel, dir, column, &u, (int)N, &rows, &secs));
    PetscCallMPI(MPI_Allreduce(&rows, &all, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bench_panel mode=%s ranks=%d tickers=%d rows=%lld us_per_ticker=%.1f\n", m, size, (int)N, all,
                          1e6 * secs / ((double)N / size)));
  }
  hc_io_universe_free(&u);
  PetscCall(PetscFinalize());
  return 0;
}
