/**
 * @file app.h
 * @brief The hpcast application: options and the driver that wires the data flow.
 */
#ifndef HPCAST_APP_H
#define HPCAST_APP_H

#include <petscsys.h>
#include "hpcast/data.h"
#include "hpcast/eval.h"
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
  hc_backtest_options backtest;          /**< -backtest_origins, -refit_every, -window, -ensemble, -cost_bps */
  int             dynamic;               /**< -schedule dynamic (1) or static (0) */
  int             resume;                /**< -resume no (0), auto (1), yes (2) */
  int             shard, n_shards;       /**< -shard I/N (0/1: the whole universe) */
  double          progress_interval;     /**< -progress_interval, seconds */
  int             spec_block;            /**< -spec_block: mean specs per work unit (grid search) */
  int             n_blocks;              /**< blocks per ticker: ceil(n_mean / spec_block), 1 for stepwise */
  unsigned long long fingerprint;        /**< hash of the result-affecting options (journal) */
} hc_app_options;

/** Exit code of a run that checkpointed on SIGTERM/SIGUSR1 (resubmit to continue): EX_TEMPFAIL. */
#define HC_EXIT_CHECKPOINTED 75
/** Exit code of a bad option or usage. */
#define HC_EXIT_USAGE 2

/**
 * Read and validate every option from the PETSc options database (collective on
 * PETSC_COMM_WORLD; -help lists them with their defaults). A bad value stops the run
 * with PETSC_ERR_USER_INPUT and a message naming the option and the allowed values.
 */
PetscErrorCode hc_app_options_load(hc_app_options *o);

/**
 * Run the main job: the universe (or its -shard) as work units ordered by cost, scheduled over
 * the ranks of PETSC_COMM_WORLD (-schedule dynamic: shared counter; static: LPT partition),
 * each unit loaded, gated, fitted, backtested and forecast; records streamed to rank 0, which
 * appends them to the journal <report>.journal (resuming from it, -resume) and at the end
 * writes the report atomically and removes the journal (kept for -shard runs: hpcast merge
 * reads it). On SIGTERM or SIGUSR1 on any rank every rank stops at its next unit boundary and
 * *checkpointed = 1 (the journal holds every finished unit). Collective on PETSC_COMM_WORLD.
 */
PetscErrorCode hc_app_run(const hc_app_options *o, int *checkpointed);
/**
 * Catch SIGTERM and SIGUSR1 from now on (in place of PETSc's handlers, which abort): the
 * signal only sets a flag that hc_app_run reads at unit boundaries. Call right after
 * PetscInitialize so a signal during start-up also ends in a checkpoint. Not collective.
 */
void hc_app_catch_stop_signals(void);

/**
 * `hpcast merge -report OUT -merge_inputs A.h5,B.h5,...`: combine the shard reports of a
 * sweep (-shard I/N runs keep their journal beside the report) into one report equal to a
 * single run over the union of the tickers. Run on one process. Errors name the input.
 */
PetscErrorCode hc_app_merge(void);
/** `hpcast report perf -report FILE`: print the /perf table of a report. */
PetscErrorCode hc_app_report_perf(void);

/** Per-rank state of the per-ticker pipeline (pipeline.c): options, FFTW plan cache, timers. */
typedef struct hc_pipeline hc_pipeline;

/** Create the pipeline of one rank (an FFTW plan cache, the log events of load and fit). Not collective. */
PetscErrorCode hc_pipeline_create(const hc_app_options *o, PetscLogEvent ev_load, PetscLogEvent ev_fit, hc_pipeline **pl);
PetscErrorCode hc_pipeline_destroy(hc_pipeline **pl);
/**
 * Process one ticker into r (initialised here): read the CSV, quality gate, transform,
 * technical-indicator regressors (-exog, lagged one bar), seasonal period (-seasonal_period
 * or detection), order search, selection, backtest, ensemble forecast and residual
 * diagnostics (hc_forecast_ensemble). With blocks != NULL the mean-model grid was fitted by
 * hc_pipeline_block units: blocks[0..n_blocks-1] are their records (whole-sample fits) and
 * blocks[n_blocks..2 n_blocks-1] the first backtest window's, in block order; only the
 * selection among them is done here. Every outcome of the ticker (ok, rejected, failed) is a
 * status in r; only fatal errors are returned. Not collective.
 */
PetscErrorCode hc_pipeline_run(hc_pipeline *pl, const char *path, const char *ticker, int n_blocks, const hc_result *blocks,
                               hc_result *r);
/**
 * One block (-spec_block specs) of a ticker's mean-model grid: the same preparation as
 * hc_pipeline_run, then hc_forecast_ensemble_block into whole and first (initialised here;
 * no fits if the ticker is rejected: hc_pipeline_run on the owner records why). Not collective.
 */
PetscErrorCode hc_pipeline_block(hc_pipeline *pl, const char *path, const char *ticker, int block, hc_result *whole,
                                 hc_result *first);
/** Seconds spent reading input and fitting so far. */
void hc_pipeline_times(const hc_pipeline *pl, double *io_s, double *fit_s);

#endif
