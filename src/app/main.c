/**
 * @file main.c
 * @brief hpcast: fit ARMA/GARCH models to every ticker of a universe and write one HDF5 report.
 *
 * Usage: mpirun -n NP hpcast -options_file config/default.yaml -data_dir DIR [-report FILE] [...]
 * (-help lists every option with its default).
 */
#include "app.h"

static const char help[] = "hpcast: maximum-likelihood ARMA and GARCH fits and forecasts for a universe of tickers.\n"
                           "Run with -help for the options, -log_view for a profile.\n";

int main(int argc, char **argv)
{
  hc_app_options opts;
  PetscBool      help_only;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(hc_app_options_load(&opts));
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (!help_only) PetscCall(hc_app_run(&opts));
  PetscCall(PetscFinalize());
  return 0;
}
