/**
 * @file models.h
 * @brief Model families behind one ops table (ARMA by exact Kalman filter,
 *        ARMA-GARCH by conditional ML), the shared TAO fitter, model-grid
 *        selection and forecasting.
 *
 * Pure numerics over arrays: no MPI, no HDF5, no file I/O, no global state.
 * TAO runs on PETSC_COMM_SELF. Functions returning PetscErrorCode fail only on
 * fatal errors (allocation, PETSc); a numerical failure of one fit is reported
 * in its hc_fit_record (status/reason), never as an error code.
 */
#ifndef HPCAST_MODELS_H
#define HPCAST_MODELS_H

#include <petscsys.h>
#include "hpcast/core.h"

/** Volatility family of a specification. */
typedef enum { HC_VOL_NONE = 0, HC_VOL_GARCH } hc_vol_family;
/** Distribution of the standardized innovation z_t (zero mean, unit variance). */
typedef enum { HC_DIST_NORMAL = 0, HC_DIST_T } hc_dist;

/** One model specification: ARMA(p,q) mean with constant, optional GARCH(vol_p, vol_q) variance. */
typedef struct {
  int           p, q;           /**< AR and MA orders of the mean */
  hc_vol_family vol;            /**< HC_VOL_NONE: homoskedastic Gaussian ARMA */
  int           vol_p, vol_q;   /**< GARCH orders: ARCH (alpha) and GARCH (beta) lags */
  hc_dist       dist;           /**< innovation distribution */
} hc_spec;

/**
 * Parse a comma-separated list of mean-model specs such as "arma(0..2,0..2),arma(3,0)"
 * into (p,q) pairs. Ranges lo..hi are inclusive; orders must lie in [0, 10].
 * @param[out] pq   array of 2*max_out ints: p0,q0,p1,q1,...
 * @return number of orders parsed (duplicates removed, sorted by (p,q)),
 *         or -1 if the text is malformed (err receives a message).
 */
int hc_spec_parse_mean(const char *text, int max_out, int *pq, char *err, size_t errlen);
/**
 * Parse a comma-separated list of volatility specs: "none", "garch(P,Q):normal", "garch(P,Q):t".
 * Only P = Q = 1 is implemented; other orders are an error.
 * @param[out] vol array of max_out specs (p,q fields left 0; caller fills the mean orders).
 * @return number parsed, or -1 if malformed (err receives a message naming the allowed values).
 */
int hc_spec_parse_vol(const char *text, int max_out, hc_spec *vol, char *err, size_t errlen);
/** Format the mean part ("ARMA(1,1)"), the variance part ("GARCH(1,1)-t" or "none") and the full name. */
void hc_spec_mean_name(const hc_spec *s, char *buf, size_t len);
void hc_spec_vol_name(const hc_spec *s, char *buf, size_t len);
void hc_spec_name(const hc_spec *s, char *buf, size_t len);

typedef struct hc_model hc_model;

/**
 * Ops table of one model family. Parameters come in two coordinates:
 * natural theta (the reported parameters, e.g. mu, ar1, ma1, sigma2) and
 * unconstrained u in R^k on which the optimiser works; untransform maps any u
 * to an admissible theta (stationary, invertible, positive variance).
 */
typedef struct {
  const char *family;
  /** Allocate the workspace for series of length up to n_max. @return 0 or ENOMEM. */
  int  (*setup)(hc_model *m, int n_max);
  void (*destroy)(hc_model *m);
  /** Fill names[k][HC_PNAME_LEN] for the m->n_params parameters. */
  void (*param_names)(const hc_model *m, char names[][HC_PNAME_LEN]);
  /** Cheap consistent start value theta (e.g. Hannan-Rissanen). @return 0, or nonzero if none. */
  int  (*start)(hc_model *m, const double *y, int n, double *theta);
  /**
   * Log-likelihood of y[0..n-1] at theta. grad (length n_params, d loglik / d theta)
   * is filled when non-NULL and has_gradient is set.
   * @return 0, or nonzero if theta is inadmissible or the recursion broke down.
   */
  int  (*loglik)(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad);
  int  has_gradient;
  void (*transform)(const hc_model *m, const double *theta, double *u);
  void (*untransform)(const hc_model *m, const double *u, double *theta);
  /**
   * h-step forecasts h = 1..H from the end of y: conditional mean[h-1] and
   * forecast-error variance var[h-1] (units of y and y^2). @return 0 or nonzero.
   */
  int  (*forecast)(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var);
  /** Quantile at probability p of the standardized innovation distribution. */
  double (*quantile)(const hc_model *m, const double *theta, double p);
  /**
   * Optional profile likelihood: the last n_profiled natural parameters have a closed-form
   * maximiser given the others (e.g. sigma2 of a Gaussian ARMA). profile_loglik overwrites
   * them in theta and returns the profile log-likelihood in ll; the fitter then optimises
   * only the first n_params - n_profiled coordinates. NULL / 0 when not available.
   */
  int  (*profile_loglik)(hc_model *m, double *theta, const double *y, int n, double *ll);
  int  n_profiled;
} hc_model_ops;

/** A model instance: ops, spec, parameter count and the family's workspace. */
struct hc_model {
  const hc_model_ops *ops;
  hc_spec spec;
  int     n_params;
  int     n_max;
  void   *work;
};

/** ARMA(p,q) + constant, exact Gaussian likelihood by Kalman filter (kalman.c, arma.c). */
extern const hc_model_ops hc_arma_ops;
/** ARMA(p,q) + constant with GARCH(1,1) errors, conditional ML (garch.c). */
extern const hc_model_ops hc_garch_ops;

/** Create the model of `spec` with workspace for n_max observations. Not collective. */
PetscErrorCode hc_model_create(const hc_spec *spec, int n_max, hc_model **m);
PetscErrorCode hc_model_destroy(hc_model **m);

/** Options of the shared fitter. */
typedef struct {
  int    max_it;   /**< TAO iteration cap per start */
  double gatol;    /**< absolute gradient tolerance on the mean log-likelihood per observation */
  int    n_random; /**< extra deterministic pseudo-random perturbations of the family's start (u-space, sd 0.5) */
  int    compute_stderr; /**< 1: Hessian standard errors */
} hc_fit_options;

/** Defaults: max_it 500, gatol 1e-7, n_random 1, compute_stderr 1. */
void hc_fit_options_default(hc_fit_options *o);

/**
 * Maximise the log-likelihood of model m on y[0..n-1] with TAO (LMVM quasi-Newton
 * on PETSC_COMM_SELF) in unconstrained coordinates, from every start in
 * starts[n_starts][n_params] (natural coordinates; may be NULL/0) plus the model's
 * own start and opt->n_random perturbations of it; keep the best.
 * Fills rec: name, params, stderr (observed information, inverse negative Hessian),
 * loglik, aic = -2 ll + 2k, bic = -2 ll + k log n, converged, tao_reason, iterations,
 * status (0 or HC_STATUS_FAILED with reason).
 * Not collective. Errors: only fatal PETSc/allocation errors.
 * Source: Nocedal & Wright (2006) ch. 7 (L-BFGS); standard errors per
 * Hamilton (1994) eq. 5.8.2 (inverse information).
 */
PetscErrorCode hc_fit(hc_model *m, const double *y, int n, const hc_fit_options *opt,
                      int n_starts, const double *starts, hc_fit_record *rec);

/** Options of the grid selection and forecasting step. */
typedef struct {
  int      n_mean;        /**< number of ARMA orders */
  const int *mean_pq;     /**< [2*n_mean] p,q pairs */
  int      n_vol;         /**< number of volatility specs (may include HC_VOL_NONE) */
  const hc_spec *vol;     /**< [n_vol] */
  int      horizon;       /**< H >= 1 */
  hc_fit_options fit;
} hc_select_options;

/**
 * Fit every ARMA order (Gaussian, exact likelihood), select the order of lowest AIC,
 * fit every volatility spec on that order, select the pair of lowest AIC, and write
 * the selected model's forecasts h = 1..H (mean, sd, 80/95% intervals) into r.
 * r must be initialised with horizon opt->horizon; every fit is appended to r->fits.
 * If no model converges to a finite likelihood, r->status becomes HC_STATUS_FAILED.
 * Not collective.
 */
PetscErrorCode hc_select_and_forecast(const double *y, int n, const hc_select_options *opt, hc_result *r);

/* ---- distributions (dist.c) ---- */
/** Standard normal quantile (Acklam's rational approximation refined by one Halley step; |err| < 1e-15). */
double hc_norm_quantile(double p);
/** Student-t CDF with nu > 0 degrees of freedom via the regularized incomplete beta (Numerical Recipes 6.4). */
double hc_t_cdf(double x, double nu);
/** Student-t quantile with nu > 0 degrees of freedom (Newton on hc_t_cdf from a Cornish-Fisher start). */
double hc_t_quantile(double p, double nu);
/** Log-density of the standardized (unit-variance) Student-t with nu > 2 at z. */
double hc_std_t_logpdf(double z, double nu);

#endif
