/**
 * @file app.h
 * @brief The hpcast application: options and the driver that wires the data flow.
 */
#ifndef HPCAST_APP_H
#define HPCAST_APP_H

#include <petscsys.h>
#include "hpcast/data.h"
#include "hpcast/io.h"
#include "hpcast/models.h"

#define HC_MAX_ORDERS 121
#define HC_MAX_VOL    8

/** Every option of a run, validated. */
typedef struct {
  char            data_dir[HC_PATH_LEN], data_file[HC_PATH_LEN], report[HC_PATH_LEN];
  char            column[HC_NAME_LEN];
  char            mean_models[256], vol_models[256];
  hc_gate_options gate;
  int             n_mean, mean_pq[2 * HC_MAX_ORDERS];
  int             n_vol;
  hc_spec         vol[HC_MAX_VOL];
  int             horizon;
  hc_fit_options  fit;
} hc_app_options;

/**
 * Read and validate every option from the PETSc options database (collective on
 * PETSC_COMM_WORLD; -help lists them with their defaults). A bad value stops the run
 * with PETSC_ERR_USER_INPUT and a message naming the option and the allowed values.
 */
PetscErrorCode hc_app_options_load(hc_app_options *o);

/**
 * Run the main job: partition the universe over the ranks of PETSC_COMM_WORLD, load,
 * gate, fit, select and forecast each owned ticker, gather the records to rank 0, which
 * writes the report and prints a summary. Collective on PETSC_COMM_WORLD.
 */
PetscErrorCode hc_app_run(const hc_app_options *o);

#endif
