/**
 * @file main.c
 * @brief hpcast: fit SARIMAX/GARCH models to every ticker of a universe, backtest and
 *        combine them, and write one HDF5 report.
 *
 * Usage:
 *   mpirun -n NP hpcast -options_file config/default.yaml -data_dir DIR [-report FILE] [...]
 *   hpcast merge -report OUT -merge_inputs A.h5,B.h5,...   (combine -shard reports)
 *   hpcast report perf [-report] FILE                       (print the /perf table)
 *   hpcast convert -data_dir DIR -out universe.h5           (CSV files into one panel file)
 *   mpirun -n NP hpcast update -from PREV.h5 -report NEW.h5 -data_dir DIR [-options_file ...]
 *                                                           (the daily update: new rows through PREV's fits)
 * (-help lists every option with its default.)
 * Exit codes: 0 done; 2 user error (bad option or value, unreadable universe, unwritable report:
 * one line on rank 0); 75 checkpointed on SIGTERM/SIGUSR1/SIGINT (run the same
 * command again to resume); other non-zero: an error, reported on stderr.
 */
#include "app.h"

#include <slepcsys.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] = "hpcast: maximum-likelihood SARIMAX and GARCH fits, backtests and ensemble forecasts for a universe of tickers.\n"
                           "Subcommands: hpcast merge -report OUT -merge_inputs A.h5,B.h5 | hpcast report perf [-report] FILE\n"
                           "             | hpcast convert -data_dir DIR -out universe.h5 (CSV files into one HDF5 panel)\n"
                           "             | hpcast update -from PREV.h5 -report NEW.h5 (the daily update: new rows through PREV's fits).\n"
                           "Run with -help for the options, -log_view for a profile.\n";

/* -options_file FILE that cannot be read: PETSc would stop inside PetscInitialize with its full
 * trace, so it is checked first. @return the unreadable file, or NULL. */
static const char *unreadable_options_file(int argc, char **argv)
{
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], "-options_file") && access(argv[i + 1], R_OK)) return argv[i + 1];
  return NULL;
}

int main(int argc, char **argv)
{
  hc_app_options opts;
  PetscBool      help_only;
  PetscMPIInt    rank;
  int            checkpointed = 0, sub = 0; /* 1 merge, 2 report perf, 3 convert, 4 update */

  if (argc > 1 && !strcmp(argv[1], "merge")) sub = 1;
  else if (argc > 2 && !strcmp(argv[1], "report") && !strcmp(argv[2], "perf")) sub = 2;
  else if (argc > 1 && !strcmp(argv[1], "convert")) sub = 3;
  else if (argc > 1 && !strcmp(argv[1], "update")) sub = 4;
  for (int skip = sub == 2 ? 2 : sub ? 1 : 0; skip > 0; skip--) { /* drop the subcommand words */
    for (int i = 1; i + 1 < argc; i++) argv[i] = argv[i + 1];
    argc--;
  }
  /* MPI first, so that a user error is printed by rank 0 alone and every rank exits 2 after
   * MPI_Finalize (no abort, no "exited improperly" from mpirun) */
  hc_io_init(); /* before MPI_Init: see io.h */
  if (MPI_Init(&argc, &argv) != MPI_SUCCESS) return 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const char *bad_file = unreadable_options_file(argc, argv);
  if (bad_file || (argc > 1 && !strcmp(argv[1], "report"))) {
    if (!rank && bad_file) fprintf(stderr, "hpcast: error: -options_file %s: cannot read it: %s\n", bad_file, strerror(errno));
    else if (!rank) fprintf(stderr, "hpcast: error: unknown report '%s'; allowed: hpcast report perf [-report] FILE\n", argc > 2 ? argv[2] : "");
    MPI_Finalize();
    return HC_EXIT_USAGE;
  }
  /* hpcast report perf FILE: the report may be given without -report */
  const char *positional = sub == 2 && argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
  if (positional) { /* as -report FILE, so that no option is left unread */
    for (int i = 1; i + 1 < argc; i++) argv[i] = argv[i + 1];
    argc--;
  }
  if (SlepcInitialize(&argc, &argv, NULL, help)) { /* PETSc and SLEPc (the covariance stage) */
    MPI_Finalize();
    return 1;
  }
  PetscCall(PetscPushErrorHandler(hc_app_error_handler, NULL));
  if (positional) PetscCall(PetscOptionsSetValue(NULL, "-report", positional));
  const int job = !sub || sub == 4; /* the main job, or the daily update of its report */
  if (job) hc_app_catch_stop_signals();
  PetscErrorCode ierr = sub == 1 ? hc_app_merge() : sub == 2 ? hc_app_report_perf() : sub == 3 ? hc_app_convert() : hc_app_options_load(&opts, sub == 4);
  if (!ierr && job) {
    PetscCall(PetscOptionsHasHelp(NULL, &help_only));
    if (!help_only) ierr = hc_app_run(&opts, &checkpointed);
  }
  if (ierr && ierr != PETSC_ERR_USER_INPUT) return (int)ierr; /* PETSc printed the trace */
  if (ierr && !rank) fprintf(stderr, "hpcast: error: %s\n", hc_app_user_error());
  PetscCall(SlepcFinalize());
  MPI_Finalize();
  return ierr ? HC_EXIT_USAGE : checkpointed ? HC_EXIT_CHECKPOINTED : 0;
}
