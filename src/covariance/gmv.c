/**
 * @file gmv.c
 * @brief What a correlation forecast is for, measured: the rolling global minimum-variance
 *        portfolio (long-short, weights summing to 1) against the equal-weight one, their
 *        realized volatility and the bias statistic (realized over predicted variance).
 */
#include "covariance_impl.h"

#include <math.h>
#include <petscksp.h>
#include <string.h>

/* y = M R M x + (I - M) x: R of est on the rows of mask m (0/1), the identity elsewhere. */
static PetscErrorCode masked_apply(const hc_cov_estimate *est, Vec m, Vec x, Vec y, Vec work)
{
  PetscFunctionBeginUser;
  PetscCall(VecPointwiseMult(work, m, x));
  PetscCall(hc_cov_estimate_mult(est, work, y));
  PetscCall(VecPointwiseMult(y, m, y));
  /* + (I - M) x */
  PetscCall(VecPointwiseMult(work, m, x));
  PetscCall(VecAXPY(work, -1.0, x));
  PetscCall(VecAXPY(y, -1.0, work));
  PetscFunctionReturn(0);
}

/* The masked correlation operator of the minimum-variance solve. */
typedef struct {
  const hc_cov_estimate *est;
  Vec                    m, work;
} masked;

static PetscErrorCode masked_mult(Mat A, Vec x, Vec y)
{
  masked *c;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &c));
  PetscCall(masked_apply(c->est, c->m, x, y, c->work));
  PetscFunctionReturn(0);
}

/* Minimum-variance and equal weights at refit date c: eligible rows are members with a finite
 * positive forecast sd at c; w_gmv = D^-1 x / 1'D^-1 x with (M R M + I - M) x = M D^-1 1 (CG).
 * *n = eligible rows (fewer than 2: no book). */
static PetscErrorCode weights(const hc_cov_panel *p, const hc_cov_estimate *est, int c, Vec wg, Vec we, int *n)
{
  masked       ctx = {.est = est};
  Mat          A;
  KSP          ksp;
  PC           pc;
  Vec          rhs, x, d;
  PetscScalar *ma, *ra, *da, *ga, *ea;
  const PetscScalar *mb, *xa;
  double       tot[2] = {0, 0};
  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(wg, &ctx.m));
  PetscCall(VecDuplicate(wg, &ctx.work));
  PetscCall(VecDuplicate(wg, &rhs));
  PetscCall(VecDuplicate(wg, &x));
  PetscCall(VecDuplicate(wg, &d));
  PetscCall(hc_cov_panel_column(p, HC_COV_SD, c, d));
  PetscCall(VecGetArray(ctx.m, &ma));
  PetscCall(VecGetArray(rhs, &ra));
  PetscCall(VecGetArray(d, &da));
  PetscCall(VecGetArrayRead(est->member, &mb));
  for (int i = 0; i < p->nloc; i++) {
    ma[i] = mb[i] > 0.5 && isfinite(da[i]) && da[i] > 0;
    ra[i] = ma[i] ? 1.0 / da[i] : 0.0;
    tot[0] += ma[i];
  }
  PetscCall(VecRestoreArrayRead(est->member, &mb));
  PetscCall(VecRestoreArray(rhs, &ra));
  PetscCall(VecRestoreArray(ctx.m, &ma));
  PetscCall(VecRestoreArray(d, &da));
  PetscCall(hc_cov_allsum(p->comm, 1, tot));
  *n = (int)tot[0];
  PetscCall(VecSet(wg, 0.0));
  PetscCall(VecSet(we, 0.0));
  if (*n >= 2) {
    PetscCall(MatCreateShell(p->comm, p->nloc, p->nloc, p->N, p->N, &ctx, &A));
    PetscCall(MatShellSetOperation(A, MATOP_MULT, (void (*)(void))masked_mult));
    PetscCall(KSPCreate(p->comm, &ksp));
    PetscCall(KSPSetOperators(ksp, A, A));
    PetscCall(KSPSetType(ksp, KSPCG));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCNONE));
    PetscCall(KSPSetTolerances(ksp, 1e-12, 1e-14, PETSC_DEFAULT, 10000));
    PetscCall(KSPSolve(ksp, rhs, x));
    PetscCall(KSPDestroy(&ksp));
    PetscCall(MatDestroy(&A));
    PetscCall(VecGetArrayRead(x, &xa));
    PetscCall(VecGetArray(d, &da));
    PetscCall(VecGetArray(ctx.m, &ma));
    PetscCall(VecGetArray(wg, &ga));
    PetscCall(VecGetArray(we, &ea));
    tot[1] = 0.0;
    for (int i = 0; i < p->nloc; i++) {
      ga[i] = ma[i] > 0.5 ? xa[i] / da[i] : 0.0;
      ea[i] = ma[i] > 0.5 ? 1.0 / *n : 0.0;
      tot[1] += ga[i];
    }
    PetscCall(VecRestoreArrayRead(x, &xa));
    PetscCall(VecRestoreArray(d, &da));
    PetscCall(VecRestoreArray(ctx.m, &ma));
    PetscCall(VecRestoreArray(wg, &ga));
    PetscCall(VecRestoreArray(we, &ea));
    PetscCall(hc_cov_allsum(p->comm, 1, &tot[1]));
    PetscCall(VecScale(wg, 1.0 / tot[1]));
  }
  PetscCall(VecDestroy(&ctx.m));
  PetscCall(VecDestroy(&ctx.work));
  PetscCall(VecDestroy(&rhs));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&d));
  PetscFunctionReturn(0);
}

/* Return w'e_c and predicted sd sqrt(v'Rv), v = w o sd_c, of a book on date c (a row without an
 * observation that day contributes 0 to both). */
static PetscErrorCode book_day(const hc_cov_panel *p, const hc_cov_estimate *est, Vec w, int c, Vec v, Vec Rv, double *r, double *s)
{
  PetscScalar       *va;
  const PetscScalar *wa;
  double             acc[2] = {0, 0};
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(w, &wa));
  PetscCall(VecGetArray(v, &va));
  for (int i = 0; i < p->nloc; i++) {
    const double e = HC_CELL(p, p->e, i, c), sd = HC_CELL(p, p->s, i, c);
    const int    ok = isfinite(e) && isfinite(sd);
    acc[0] += ok ? wa[i] * e : 0.0;
    va[i] = ok ? wa[i] * sd : 0.0;
  }
  PetscCall(VecRestoreArray(v, &va));
  PetscCall(VecRestoreArrayRead(w, &wa));
  PetscCall(hc_cov_estimate_mult(est, v, Rv));
  PetscCall(VecDot(v, Rv, &acc[1]));
  PetscCall(hc_cov_allsum(p->comm, 1, acc));
  *r = acc[0];
  *s = sqrt(acc[1]);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_backtest_run(const hc_cov_panel *p, const hc_cov_options *o, hc_cov_backtest *bt)
{
  hc_cov_estimate est = {0};
  Vec             wg, we, v, Rv;
  int             n_assets = 0, have = 0;
  double          start[2];
  PetscFunctionBeginUser;
  memset(bt, 0, sizeof *bt);
  const int first = PetscMax(1, p->T - o->origins), K = p->T - first;
  if (o->origins <= 0 || K <= 0 || o->model == HC_COV_NONE) PetscFunctionReturn(0);
  PetscCall(PetscMalloc6(K, &bt->day, K, &bt->n_assets, K, &bt->r_gmv, K, &bt->s_gmv, K, &bt->r_ew, K, &bt->s_ew));
  bt->n_days = K;
  PetscCall(VecCreateMPI(p->comm, p->nloc, p->N, &wg));
  PetscCall(VecDuplicate(wg, &we));
  PetscCall(VecDuplicate(wg, &v));
  PetscCall(VecDuplicate(wg, &Rv));
  for (int k = 0; k < K; k++) {
    const int c = first + k;
    if (k % PetscMax(1, o->refit_every) == 0) {
      if (est.member && est.model == HC_COV_DCC) start[0] = est.a, start[1] = est.b, have = 1;
      PetscCall(hc_cov_estimate_free(&est));
      PetscCall(hc_cov_estimate_compute(p, o, c, have ? start : NULL, &est));
      bt->n_refits++;
      bt->n_fallbacks += est.reason[0] != '\0';
      PetscCall(weights(p, &est, c, wg, we, &n_assets));
    }
    bt->day[k]      = p->day[c];
    bt->n_assets[k] = n_assets;
    bt->r_gmv[k] = bt->s_gmv[k] = bt->r_ew[k] = bt->s_ew[k] = NAN;
    if (n_assets >= 2) {
      PetscCall(book_day(p, &est, wg, c, v, Rv, &bt->r_gmv[k], &bt->s_gmv[k]));
      PetscCall(book_day(p, &est, we, c, v, Rv, &bt->r_ew[k], &bt->s_ew[k]));
    }
  }
  PetscCall(hc_cov_estimate_free(&est));
  PetscCall(VecDestroy(&wg));
  PetscCall(VecDestroy(&we));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&Rv));
  /* summary over the days with a book and a positive predicted variance */
  double sg = 0, sg2 = 0, se = 0, se2 = 0, pg = 0, pe = 0, bg = 0, be = 0;
  int    m = 0;
  for (int k = 0; k < K; k++) {
    if (!(bt->n_assets[k] >= 2 && bt->s_gmv[k] > 0 && bt->s_ew[k] > 0)) continue;
    sg += bt->r_gmv[k], sg2 += bt->r_gmv[k] * bt->r_gmv[k];
    se += bt->r_ew[k], se2 += bt->r_ew[k] * bt->r_ew[k];
    pg += bt->s_gmv[k] * bt->s_gmv[k], pe += bt->s_ew[k] * bt->s_ew[k];
    bg += PetscSqr(bt->r_gmv[k] / bt->s_gmv[k]), be += PetscSqr(bt->r_ew[k] / bt->s_ew[k]);
    m++;
  }
  bt->vol_gmv = m > 1 ? sqrt((sg2 - sg * sg / m) / (m - 1)) : NAN;
  bt->vol_ew  = m > 1 ? sqrt((se2 - se * se / m) / (m - 1)) : NAN;
  bt->pred_gmv = m ? sqrt(pg / m) : NAN;
  bt->pred_ew  = m ? sqrt(pe / m) : NAN;
  bt->bias_gmv = m ? bg / m : NAN;
  bt->bias_ew  = m ? be / m : NAN;
  PetscFunctionReturn(0);
}

PetscErrorCode hc_cov_backtest_free(hc_cov_backtest *bt)
{
  PetscFunctionBeginUser;
  if (bt->day) PetscCall(PetscFree6(bt->day, bt->n_assets, bt->r_gmv, bt->s_gmv, bt->r_ew, bt->s_ew));
  memset(bt, 0, sizeof *bt);
  PetscFunctionReturn(0);
}
