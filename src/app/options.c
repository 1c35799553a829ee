/**
 * @file options.c
 * @brief Options of hpcast through the PETSc options database.
 */
#include "app.h"

#include <string.h>

PetscErrorCode hc_app_options_load(hc_app_options *o)
{
  PetscBool set_dir = PETSC_FALSE, set_file = PETSC_FALSE, flg;
  char      transform[32] = "logret100", err[512];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  hc_gate_options_default(&o->gate);
  hc_fit_options_default(&o->fit);
  PetscCall(PetscStrcpy(o->column, "adjusted_close"));
  PetscCall(PetscStrcpy(o->report, "out/report.h5"));
  PetscCall(PetscStrcpy(o->mean_models, "arma(0..2,0..2)"));
  PetscCall(PetscStrcpy(o->vol_models, "none,garch(1,1):normal,garch(1,1):t"));
  o->horizon = 10;

  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast: SARIMAX/GARCH fits and forecasts of a ticker universe", NULL);
  PetscCall(PetscOptionsString("-data_dir", "Directory with one CSV per ticker (file stem = ticker)", NULL, o->data_dir, o->data_dir, sizeof o->data_dir, &set_dir));
  PetscCall(PetscOptionsString("-data_file", "One CSV series; its ticker is the file stem", NULL, o->data_file, o->data_file, sizeof o->data_file, &set_file));
  PetscCall(PetscOptionsString("-column", "Value column of the CSV files", NULL, o->column, o->column, sizeof o->column, NULL));
  PetscCall(PetscOptionsString("-transform", "Series transform: logret100 (100 x log return) or none", NULL, transform, transform, sizeof transform, NULL));
  PetscCall(PetscOptionsString("-report", "Path of the HDF5 report", NULL, o->report, o->report, sizeof o->report, NULL));
  PetscCall(PetscOptionsString("-mean_models", "ARMA orders of the grid, e.g. arma(0..2,0..2)", NULL, o->mean_models, o->mean_models, sizeof o->mean_models, NULL));
  PetscCall(PetscOptionsString("-vol_models", "Volatility models: none, garch(1,1):normal, garch(1,1):t", NULL, o->vol_models, o->vol_models, sizeof o->vol_models, NULL));
  PetscCall(PetscOptionsInt("-horizon", "Forecast horizon H (observations)", NULL, o->horizon, &o->horizon, NULL));
  PetscCall(PetscOptionsInt("-min_obs", "Fewest modelled observations a ticker needs", NULL, o->gate.min_obs, &o->gate.min_obs, NULL));
  PetscCall(PetscOptionsInt("-fit_max_it", "TAO iteration cap per start", NULL, o->fit.max_it, &o->fit.max_it, NULL));
  PetscCall(PetscOptionsInt("-fit_random_starts", "Extra random perturbed starts per fit", NULL, o->fit.n_random, &o->fit.n_random, NULL));
  PetscCall(PetscOptionsReal("-fit_gatol", "Gradient tolerance on the mean log-likelihood per observation", NULL, o->fit.gatol, &o->fit.gatol, NULL));
  PetscOptionsEnd();

  PetscCall(PetscOptionsHasHelp(NULL, &flg));
  if (flg) PetscFunctionReturn(0);
  PetscCheck(set_dir != set_file, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "give exactly one of -data_dir DIR (one CSV per ticker) or -data_file FILE (one series)");
  PetscCheck(!hc_transform_parse(transform, &o->gate.transform), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-transform %s: allowed values are logret100, none", transform);
  PetscCheck(o->column[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-column: give the name of a CSV column, e.g. adjusted_close");
  PetscCheck(o->report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: give a file path, e.g. out/report.h5");
  PetscCheck(o->horizon >= 1 && o->horizon <= 1000, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-horizon %d: allowed values are integers 1..1000", (int)o->horizon);
  PetscCheck(o->gate.min_obs >= 20, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-min_obs %d: allowed values are integers >= 20", (int)o->gate.min_obs);
  PetscCheck(o->fit.max_it >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-fit_max_it %d: allowed values are integers >= 1", (int)o->fit.max_it);
  PetscCheck(o->fit.n_random >= 0 && o->fit.n_random <= 8, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-fit_random_starts %d: allowed values are integers 0..8", (int)o->fit.n_random);
  PetscCheck(o->fit.gatol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-fit_gatol %g: allowed values are reals > 0", (double)o->fit.gatol);
  o->n_mean = hc_spec_parse_mean(o->mean_models, HC_MAX_ORDERS, o->mean_pq, err, sizeof err);
  PetscCheck(o->n_mean > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-mean_models: %s", err);
  o->n_vol = hc_spec_parse_vol(o->vol_models, HC_MAX_VOL, o->vol, err, sizeof err);
  PetscCheck(o->n_vol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-vol_models: %s", err);
  PetscFunctionReturn(0);
}
