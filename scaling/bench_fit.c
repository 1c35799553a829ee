/**
 * @file bench_fit.c
 * @brief Benchmark: fit the model specs of a grid N times each with hc_fit and print the
 *        wall time per fit and the log-likelihood (a program, not a test; see docs/performance.md).
 *
 * Options (PETSc options database):
 *   -data_file PATH      CSV file (first column labels, header line)           [required]
 *   -column NAME         value column                                           [adjusted_close]
 *   -transform NAME      logret100 | none                                       [logret100]
 *   -mean_models LIST    mean specs as for hpcast, e.g. "arma(0,0)"             [arma(0,0)]
 *   -vol_models LIST     volatility specs, e.g. "garch(1,1):normal" or "none"   [garch(1,1):normal]
 *   -repeat N            fits per spec                                          [20]
 *   -warmup N            untimed fits per spec before the timed ones (one-time set-up such as
 *                        PETSc's registration of the solver classes then stays out of the time)  [0]
 *   -random_starts N     hc_fit_options.n_random                                [hc_fit default, 0]
 *   -stderr TYPE         none | hessian | opg | robust                          [hessian]
 *   -variance_targeting  volatility models with omega implied by the sample variance
 *   -fit_tao_*           options of the fitter's TAO solver (e.g. -fit_tao_type lmvm)
 *   -print_params        also print the estimates with their standard errors and TAO's iterations
 *   -count_evals         also print the likelihood evaluations per fit, without and with the
 *                        gradient (through a copy of the family's ops table with a counting
 *                        loglik; GARCH/GJR with normal or t errors then take the LMVM path of
 *                        the other families, since the analytic-Hessian path is chosen by table)
 * Output, one line per (mean, vol) pair:
 *   bench_fit model=<name> n=<obs> repeat=<N> time_per_fit_ms=<t> loglik=<ll> converged=<0|1>
 *   [evals_plain=<a> evals_grad=<b>]
 * followed with -print_params by one line per parameter: "  <name> <estimate> <stderr>".
 * Not collective (run on one rank).
 */
#include <petscsys.h>
#include <petsctime.h>
#include <string.h>

#include "hpcast/data.h"
#include "hpcast/io.h"
#include "hpcast/models.h"

/* -count_evals: the family's ops table with a counting likelihood in place of the model's */
static hc_model_ops counted_ops;
static const hc_model_ops *family_ops;
static long n_plain, n_grad;

static int counted_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  if (grad) n_grad++;
  else n_plain++;
  return family_ops->loglik(m, theta, y, n, ll, grad);
}

int main(int argc, char **argv)
{
  char           file[PETSC_MAX_PATH_LEN] = "", column[64] = "adjusted_close", tname[32] = "logret100";
  char           mtext[1024] = "arma(0,0)", vtext[1024] = "garch(1,1):normal", err[512], reason[256];
  PetscInt       repeat = 20, warmup = 0;
  PetscBool      has_file, vt = PETSC_FALSE, print_params = PETSC_FALSE, count = PETSC_FALSE;
  hc_series      s = {0};
  hc_transform   tr;
  hc_spec        mean[64], vol[64];
  hc_fit_options fo;
  hc_fit_workspace *ws;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "bench_fit: time hc_fit on one series\n"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data_file", file, sizeof file, &has_file));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-column", column, sizeof column, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-transform", tname, sizeof tname, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-mean_models", mtext, sizeof mtext, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-vol_models", vtext, sizeof vtext, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-repeat", &repeat, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-warmup", &warmup, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-variance_targeting", &vt, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-print_params", &print_params, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-count_evals", &count, NULL));
  PetscCheck(has_file, PETSC_COMM_SELF, PETSC_ERR_USER, "-data_file is required");
  PetscCheck(!hc_transform_parse(tname, &tr), PETSC_COMM_SELF, PETSC_ERR_USER, "-transform: unknown '%s' (logret100|none)", tname);
  PetscCheck(repeat >= 1, PETSC_COMM_SELF, PETSC_ERR_USER, "-repeat must be >= 1");
  PetscCheck(warmup >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "-warmup must be >= 0");
  int nm = hc_spec_parse_mean(mtext, 64, mean, err, sizeof err);
  PetscCheck(nm > 0, PETSC_COMM_SELF, PETSC_ERR_USER, "-mean_models: %s", err);
  int nv = hc_spec_parse_vol(vtext, 64, vol, err, sizeof err);
  PetscCheck(nv > 0, PETSC_COMM_SELF, PETSC_ERR_USER, "-vol_models: %s", err);
  PetscCheck(!hc_io_read_csv(file, "bench", column, &s, reason, sizeof reason), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "-data_file %s: %s", file, reason);
  double *y;
  PetscCall(PetscMalloc1(s.n, &y));
  int n = hc_data_transform(&s, tr, y);
  hc_fit_options_default(&fo);
  char      se[32] = "hessian";
  PetscInt  nr     = fo.n_random;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-random_starts", &nr, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-stderr", se, sizeof se, NULL));
  PetscCall(hc_fit_workspace_create(&ws)); /* solvers kept across the fits, as the job's pipeline does */
  fo.n_random       = (int)nr;
  fo.compute_stderr = strcmp(se, "none") != 0;
  PetscCheck(!fo.compute_stderr || !hc_stderr_parse(se, &fo.stderr_type), PETSC_COMM_SELF, PETSC_ERR_USER,
             "-stderr: unknown '%s' (none|hessian|opg|robust)", se);

  for (int i = 0; i < nm; i++)
    for (int j = 0; j < nv; j++) {
      hc_spec spec = mean[i];
      spec.vol = vol[j].vol, spec.vol_p = vol[j].vol_p, spec.vol_o = vol[j].vol_o, spec.vol_q = vol[j].vol_q;
      spec.dist = vol[j].dist, spec.variance_targeting = vol[j].vol != HC_VOL_NONE && vt;
      hc_model     *m;
      hc_fit_record rec;
      PetscLogDouble t0, t1;
      PetscCall(hc_model_create(&spec, n, &m));
      for (PetscInt r = 0; r < warmup; r++) PetscCall(hc_fit(m, y, n, &fo, ws, 0, NULL, &rec));
      if (count) {
        family_ops         = m->ops;
        counted_ops        = *m->ops;
        counted_ops.loglik = counted_loglik;
        m->ops             = &counted_ops;
        n_plain = n_grad = 0;
      }
      PetscCall(PetscTime(&t0));
      for (PetscInt r = 0; r < repeat; r++) PetscCall(hc_fit(m, y, n, &fo, ws, 0, NULL, &rec));
      PetscCall(PetscTime(&t1));
      if (count) m->ops = family_ops;
      PetscCall(hc_model_destroy(&m));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "bench_fit model=%s n=%d repeat=%d time_per_fit_ms=%.4f loglik=%.6f converged=%d", rec.name,
                            n, (int)repeat, 1e3 * (t1 - t0) / repeat, rec.loglik, rec.converged));
      if (count)
        PetscCall(PetscPrintf(PETSC_COMM_SELF, " evals_plain=%.1f evals_grad=%.1f", (double)n_plain / repeat, (double)n_grad / repeat));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "\n"));
      if (print_params) {
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "  loglik %.12f tao_reason %d iterations %d\n", rec.loglik, rec.tao_reason, rec.iterations));
        for (int k = 0; k < rec.n_params; k++)
          PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %s %.12g %.8g\n", rec.param_names[k], rec.params[k], rec.stderr_[k]));
      }
    }
  PetscCall(PetscFree(y));
  PetscCall(hc_fit_workspace_destroy(&ws));
  hc_series_free(&s);
  PetscCall(PetscFinalize());
  return 0;
}
