/* hc_minimize_bounded (src/models/solve.c): the bounded minimiser that models offers the other
 * numerical modules (eval's stacking weights), on problems with known minimisers. */
#include <criterion/criterion.h>
#include <math.h>

#include "hpcast/models.h"

static void petsc_init(void) { cr_assert_eq(PetscInitializeNoArguments(), 0); }
static void petsc_fini(void) { PetscFinalize(); }

/* f(x) = sum_i (i + 1) (x_i - c_i)^2 */
static PetscErrorCode quadratic(int k, const double *x, double *f, double *g, void *ctx)
{
  const double *c = ctx;
  PetscFunctionBeginUser;
  *f = 0.0;
  for (int i = 0; i < k; i++) {
    *f += (i + 1) * (x[i] - c[i]) * (x[i] - c[i]);
    g[i] = 2.0 * (i + 1) * (x[i] - c[i]);
  }
  PetscFunctionReturn(0);
}

/* Rosenbrock (1960): minimum 0 at (1, 1) */
static PetscErrorCode rosenbrock(int k, const double *x, double *f, double *g, void *ctx)
{
  (void)k;
  (void)ctx;
  PetscFunctionBeginUser;
  const double a = 1.0 - x[0], b = x[1] - x[0] * x[0];
  *f   = a * a + 100.0 * b * b;
  g[0] = -2.0 * a - 400.0 * x[0] * b;
  g[1] = 200.0 * b;
  PetscFunctionReturn(0);
}

static PetscErrorCode failing(int k, const double *x, double *f, double *g, void *ctx)
{
  (void)k, (void)x, (void)f, (void)g, (void)ctx;
  PetscFunctionBeginUser;
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "objective failed on purpose");
}

Test(minimize, box_constrained_quadratic_is_the_clamped_centre, .init = petsc_init, .fini = petsc_fini)
{
  const double c[4] = {-2.0, 0.5, 3.0, 7.0}, lb[4] = {-1.0, -INFINITY, 0.0, 0.0}, ub[4] = {1.0, INFINITY, 2.0, INFINITY};
  const double want[4] = {-1.0, 0.5, 2.0, 7.0};
  double       x[4]    = {0.0, 0.0, 1.0, 1.0};
  hc_minimize_options opt;
  hc_minimize_info    info;
  hc_minimize_options_default(&opt);
  opt.gatol = 1e-12;
  cr_assert_eq(hc_minimize_bounded(4, quadratic, (void *)c, lb, ub, &opt, x, &info), 0);
  cr_assert_gt(info.reason, 0, "TAO reason %d", info.reason);
  for (int i = 0; i < 4; i++) cr_assert_float_eq(x[i], want[i], 1e-8, "x[%d] = %.17g, want %g", i, x[i], want[i]);
  cr_assert_float_eq(info.f, 1.0 + 3.0 * 1.0, 1e-10);
}

Test(minimize, rosenbrock_without_bounds, .init = petsc_init, .fini = petsc_fini)
{
  double           x[2] = {-1.2, 1.0};
  hc_minimize_info info;
  cr_assert_eq(hc_minimize_bounded(2, rosenbrock, NULL, NULL, NULL, NULL, x, &info), 0);
  cr_assert_gt(info.reason, 0, "TAO reason %d", info.reason);
  cr_assert_float_eq(x[0], 1.0, 1e-5, "x0 = %.17g", x[0]);
  cr_assert_float_eq(x[1], 1.0, 1e-5, "x1 = %.17g", x[1]);
  cr_assert_gt(info.its, 10);
}

Test(minimize, iteration_cap_is_a_reason_not_an_error, .init = petsc_init, .fini = petsc_fini)
{
  double              x[2] = {-1.2, 1.0};
  hc_minimize_options opt;
  hc_minimize_info    info;
  hc_minimize_options_default(&opt);
  opt.max_it = 3;
  cr_assert_eq(hc_minimize_bounded(2, rosenbrock, NULL, NULL, NULL, &opt, x, &info), 0);
  cr_assert_lt(info.reason, 0);
  cr_assert_leq(info.its, 3);
}

Test(minimize, errors, .init = petsc_init, .fini = petsc_fini)
{
  double x[2] = {0.0, 0.0};
  cr_assert_eq(PetscPushErrorHandler(PetscReturnErrorHandler, NULL), 0);
  cr_assert_eq(hc_minimize_bounded(2, failing, NULL, NULL, NULL, NULL, x, NULL), PETSC_ERR_USER);
  cr_assert_eq(hc_minimize_bounded(0, rosenbrock, NULL, NULL, NULL, NULL, x, NULL), PETSC_ERR_ARG_WRONG);
  cr_assert_eq(PetscPopErrorHandler(), 0);
}
