/**
 * @file main.c
 * @brief hpcast: fit SARIMAX/GARCH models to every ticker of a universe, backtest and
 *        combine them, and write one HDF5 report.
 *
 * Usage:
 *   mpirun -n NP hpcast -options_file config/default.yaml -data_dir DIR [-report FILE] [...]
 *   hpcast merge -report OUT -merge_inputs A.h5,B.h5,...   (combine -shard reports)
 *   hpcast report perf [-report] FILE                       (print the /perf table)
 * (-help lists every option with its default.)
 * Exit codes: 0 done; 2 bad option or usage; 75 checkpointed on SIGTERM/SIGUSR1 (run the same
 * command again to resume); other non-zero: an error, reported on stderr.
 */
#include "app.h"

#include <string.h>

static const char help[] = "hpcast: maximum-likelihood SARIMAX and GARCH fits, backtests and ensemble forecasts for a universe of tickers.\n"
                           "Subcommands: hpcast merge -report OUT -merge_inputs A.h5,B.h5 | hpcast report perf [-report] FILE.\n"
                           "Run with -help for the options, -log_view for a profile.\n";

int main(int argc, char **argv)
{
  hc_app_options opts;
  PetscBool      help_only;
  int            checkpointed = 0, sub = 0; /* 1 merge, 2 report perf */

  if (argc > 1 && !strcmp(argv[1], "merge")) sub = 1;
  else if (argc > 2 && !strcmp(argv[1], "report") && !strcmp(argv[2], "perf")) sub = 2;
  else if (argc > 1 && !strcmp(argv[1], "report")) {
    fprintf(stderr, "hpcast report: unknown report '%s'; allowed: hpcast report perf -report FILE\n", argc > 2 ? argv[2] : "");
    return HC_EXIT_USAGE;
  }
  for (int skip = sub == 2 ? 2 : sub; skip > 0; skip--) { /* drop the subcommand words */
    for (int i = 1; i + 1 < argc; i++) argv[i] = argv[i + 1];
    argc--;
  }
  /* hpcast report perf FILE: the report may be given without -report */
  const char *positional = sub == 2 && argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  if (positional) PetscCall(PetscOptionsSetValue(NULL, "-report", positional));
  if (!sub) hc_app_catch_stop_signals();
  /* a bad option or input of the job or of a subcommand exits with HC_EXIT_USAGE */
  PetscErrorCode ierr = sub == 1 ? hc_app_merge() : sub == 2 ? hc_app_report_perf() : hc_app_options_load(&opts);
  if (ierr) {
    PetscFinalize();
    return ierr == PETSC_ERR_USER_INPUT ? HC_EXIT_USAGE : (int)ierr;
  }
  if (!sub) {
    PetscCall(PetscOptionsHasHelp(NULL, &help_only));
    if (!help_only) PetscCall(hc_app_run(&opts, &checkpointed));
  }
  PetscCall(PetscFinalize());
  return checkpointed ? HC_EXIT_CHECKPOINTED : 0;
}
