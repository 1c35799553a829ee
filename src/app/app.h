/**
 * @file app.h
 * @brief The hpcast application: options and the driver that wires the data flow.
 */
#ifndef HPCAST_APP_H
#define HPCAST_APP_H

#include <petscsys.h>
#include "hpcast/data.h"
#include "hpcast/indicators.h"
#include "hpcast/io.h"
#include "hpcast/models.h"

#define HC_MAX_ORDERS 1024

/** Every option of a run, validated. */
typedef struct {
  char            data_dir[HC_PATH_LEN], data_file[HC_PATH_LEN], report[HC_PATH_LEN];
  char            column[HC_NAME_LEN];
  char            mean_models[256], vol_models[256];
  hc_gate_options gate;
  int             n_mean;
  hc_spec         mean[HC_MAX_ORDERS];
  int             seasonal_period;  /**< -seasonal_period: > 1, or 0 for auto (periodogram) */
  hc_ic           ic;
  hc_search       search;
  int             n_vol;
  hc_spec         vol[HC_MAX_VOL_SPECS];
  int             horizon;
  hc_fit_options  fit;
  char            exog[128];             /**< -exog list, "" for none */
  char            warm_start[HC_PATH_LEN]; /**< -warm_start: a previous report, "" for none */
  int             n_ind;
  hc_indicator    ind[HC_IND_COUNT];
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

/** Per-rank state of the per-ticker pipeline (pipeline.c): options, FFTW plan cache, timers. */
typedef struct hc_pipeline hc_pipeline;

/** Create the pipeline of one rank (an FFTW plan cache, the log events of load and fit). Not collective. */
PetscErrorCode hc_pipeline_create(const hc_app_options *o, PetscLogEvent ev_load, PetscLogEvent ev_fit, hc_pipeline **pl);
PetscErrorCode hc_pipeline_destroy(hc_pipeline **pl);
/**
 * Process one ticker into r (initialised here): read the CSV, quality gate, transform,
 * technical-indicator regressors (-exog, lagged one bar), seasonal period (-seasonal_period
 * or detection), order search, selection, forecasts and residual diagnostics. Every outcome
 * of the ticker (ok, rejected, failed) is a status in r; only fatal errors are returned.
 * Not collective.
 */
PetscErrorCode hc_pipeline_run(hc_pipeline *pl, const char *path, const char *ticker, hc_result *r);
/** Seconds spent reading input and fitting so far. */
void hc_pipeline_times(const hc_pipeline *pl, double *io_s, double *fit_s);

#endif
