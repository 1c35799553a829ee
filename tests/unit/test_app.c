/* The options of the app (src/app/options.c, src/app/usage.c): the two lists of the journal
 * fingerprint are complete, and the fingerprint changes with a result option and only then. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static hc_app_options *opts;

static void petsc_init(void)
{
  cr_assert_eq(PetscInitializeNoArguments(), 0);
  cr_assert_eq(PetscPushErrorHandler(hc_app_error_handler, NULL), 0); /* user errors: returned, not printed */
  opts = calloc(1, sizeof *opts);
  cr_assert_not_null(opts);
}

static void petsc_fini(void)
{
  free(opts);
  PetscOptionsClear(NULL); /* nothing for PetscFinalize to act on (-options_left, ...) */
  PetscFinalize();
}

/* The options database holds exactly `args` (a command line); PetscErrorCode of the reader. */
static PetscErrorCode set_options(const char *args)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertString(NULL, args));
  PetscFunctionReturn(0);
}

#define BASE "-data_file /nonexistent/AAPL.csv -report /tmp/hpcast-test-app.h5 "

/* The fingerprint of hpcast run with BASE and `extra`. */
static unsigned long long fingerprint(const char *extra)
{
  char args[1024];
  snprintf(args, sizeof args, "%s%s", BASE, extra);
  cr_assert_eq(set_options(args), 0);
  PetscErrorCode ierr = hc_app_options_load(opts, 0);
  cr_assert_eq(ierr, 0, "hc_app_options_load(%s): %d %s", args, (int)ierr, hc_app_user_error());
  return opts->fingerprint;
}

/* Every option that a command reads through hc_app_opt is in exactly one of the two lists of
 * src/app/usage.c: the main command, hpcast merge and hpcast report perf. */
Test(fingerprint, every_option_read_is_listed, .init = petsc_init, .fini = petsc_fini)
{
  fingerprint("");
  cr_assert_eq(set_options("-report /tmp/hpcast-test-app-merge.h5"), 0);
  cr_assert_eq(hc_app_merge(), PETSC_ERR_USER_INPUT); /* no -merge_inputs: after reading its options */
  cr_assert_eq(set_options(""), 0);
  cr_assert_eq(hc_app_report_perf(), PETSC_ERR_USER_INPUT); /* no -report */

  const char *name, *value;
  int         n = 0, unlisted = 0;
  for (int i = 0; hc_app_opt_read(i, &name, &value); i++, n++) {
    int ok = hc_app_opt_classify(name) != HC_OPT_UNLISTED;
    cr_expect(ok, "option %s is read by hpcast but is in neither (or both) of the lists result_options and run_options of src/app/usage.c: "
                  "add it to result_options if it can change what a run computes, else to run_options", name);
    unlisted += !ok;
  }
  cr_assert_gt(n, 30, "only %d options read", n);
  cr_assert_eq(unlisted, 0);
}

/* The check itself: an option nobody listed is unlisted, PETSc's options go by prefix. */
Test(fingerprint, classes, .init = petsc_init, .fini = petsc_fini)
{
  cr_assert_eq(hc_app_opt_classify("-new_option_nobody_listed"), HC_OPT_UNLISTED);
  cr_assert_eq(hc_app_opt_classify("-horizon"), HC_OPT_RESULT);
  cr_assert_eq(hc_app_opt_classify("-progress_interval"), HC_OPT_RUN);
  cr_assert_eq(hc_app_opt_classify("-fit_tao_gatol"), HC_OPT_RESULT);
  cr_assert_eq(hc_app_opt_classify("-ensemble_tao_max_it"), HC_OPT_RESULT);
  cr_assert_eq(hc_app_opt_classify("-log_view"), HC_OPT_RUN);
  cr_assert_eq(hc_app_opt_classify("-options_file"), HC_OPT_RUN);
  cr_assert_eq(hc_app_opt_classify("-help"), HC_OPT_RUN);
}

Test(fingerprint, changes_with_result_options_only, .init = petsc_init, .fini = petsc_fini)
{
  const unsigned long long base = fingerprint("");
  /* result options, of the command and of PETSc's solvers */
  cr_expect_neq(fingerprint("-horizon 20"), base);
  cr_expect_neq(fingerprint("-fit_gatol 1e-6"), base);
  cr_expect_neq(fingerprint("-fit_tao_gatol 1e-6"), base);
  cr_expect_neq(fingerprint("-fit_tao_gatol 1e-7"), fingerprint("-fit_tao_gatol 1e-6"));
  cr_expect_neq(fingerprint("-ensemble_tao_max_it 5"), base);
  cr_expect_neq(fingerprint("-mean_models arma(0..1,0..1)"), base);
  cr_expect_neq(fingerprint("-variance_targeting"), base);
  cr_expect_neq(fingerprint("-ensemble equal"), base);
  cr_expect_neq(fingerprint("-window rolling:250"), base);
  cr_expect_neq(fingerprint("-cost_bps 2.5"), base);
  cr_expect_eq(fingerprint("-cost_bps 5.0"), base); /* the default, 5 */
  /* run options */
  cr_expect_eq(fingerprint("-progress_interval 3"), base);
  cr_expect_eq(fingerprint("-schedule static -spec_block 4 -resume no"), base);
  cr_expect_eq(fingerprint("-report /tmp/elsewhere.h5"), base);
  /* the same effective values: given or left at the default, other spellings, other order */
  cr_expect_eq(fingerprint("-horizon 10"), base);
  cr_expect_eq(fingerprint("-horizon 010"), base);
  cr_expect_eq(fingerprint("-variance_targeting false"), base);
  cr_expect_eq(fingerprint("-seasonal_period auto -window expanding"), base);
  cr_expect_eq(fingerprint("-ensemble equal,invmse,equal,akaike,stacking"), base);
  cr_expect_eq(fingerprint("-fit_gatol 1e-6 -fit_tao_gatol 1e-6"), fingerprint("-fit_tao_gatol 1e-6 -fit_gatol 1e-6"));
  cr_expect_eq(fingerprint("-FIT_TAO_GATOL 1e-6"), fingerprint("-fit_tao_gatol 1e-6"));
  /* -shard I/N: N is the journal's (the shards of a sweep share it: hpcast merge), I is not */
  const unsigned long long s02 = fingerprint("-shard 0/2");
  cr_expect_neq(s02, base);
  cr_expect_eq(fingerprint("-shard 1/2"), s02);
  cr_expect_neq(fingerprint("-shard 0/3"), s02);
  /* the value is the same in a second load of the same options (no state kept in between) */
  cr_expect_eq(fingerprint(""), base);
}
