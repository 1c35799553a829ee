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
typedef enum {
  HC_VOL_NONE = 0, /**< homoskedastic Gaussian ARMA */
  HC_VOL_GARCH,    /**< Bollerslev (1986) GARCH(p,q) */
  HC_VOL_GJR,      /**< Glosten, Jagannathan & Runkle (1993) GJR-GARCH(p,o,q) */
  HC_VOL_EGARCH    /**< Nelson (1991) EGARCH(p,o,q) */
} hc_vol_family;
/** Distribution of the standardized innovation z_t (zero mean, unit variance). */
typedef enum {
  HC_DIST_NORMAL = 0, /**< standard normal */
  HC_DIST_T,          /**< standardized Student-t, parameter nu > 2 */
  HC_DIST_SKEWT,      /**< Hansen (1994) skewed-t, parameters nu > 2 and lambda in (-1,1) */
  HC_DIST_GED         /**< generalized error distribution, shape nu > 0 (2 = normal) */
} hc_dist;

/** How standard errors are computed (-stderr). */
typedef enum {
  HC_STDERR_HESSIAN = 0, /**< inverse observed information (-H)^{-1} */
  HC_STDERR_OPG,         /**< inverse outer product of the per-observation scores (B)^{-1} */
  HC_STDERR_ROBUST       /**< Bollerslev & Wooldridge (1992) sandwich H^{-1} B H^{-1} */
} hc_stderr_type;

/**
 * One model specification: ARMA(p,q) mean with constant, optional volatility model
 * with orders vol_p (ARCH terms alpha), vol_o (asymmetry terms gamma), vol_q (GARCH terms beta).
 */
typedef struct {
  int           p, q;                /**< AR and MA orders of the mean */
  int           d;                   /**< non-seasonal differences */
  int           P, D, Q, s;          /**< seasonal AR, differences, MA and period (s = 0: none;
                                          s = HC_SEASON_AUTO: -seasonal_period decides) */
  int           drift;               /**< d + D == 1: include a drift (slope per observation) */
  int           n_exog;              /**< exogenous regressors (regression with SARIMA errors) */
  hc_vol_family vol;                 /**< HC_VOL_NONE: homoskedastic Gaussian ARMA */
  int           vol_p, vol_o, vol_q; /**< ARCH, asymmetry and GARCH orders (vol_o = 0 for GARCH) */
  hc_dist       dist;                /**< innovation distribution */
  int           variance_targeting;  /**< 1: omega implied by the sample variance (Engle & Mezrich 1996) */
} hc_spec;

#define HC_SEASON_AUTO (-1) /**< seasonal period left to -seasonal_period */
#define HC_KPSS_CRIT_5 0.463 /**< KPSS level test, 5% critical value (Kwiatkowski et al. 1992, Table 1) */

/**
 * Parse a comma-separated list of mean-model specs into their grid of orders:
 * "arma(P,Q)", "arima(P,D,Q)" and "sarima(p,d,q)(P,D,Q)S", where each order is an
 * integer or an inclusive range lo..hi (p, q in [0,10]; d, D in [0,2]; seasonal P, Q in
 * [0,3]), S is an integer period >= 2 or the letter s (the -seasonal_period option), and
 * an optional suffix "+drift" adds a drift where d + D == 1 (ignored otherwise).
 * Only the mean fields of the output are set (vol = HC_VOL_NONE).
 * @return number of specs (duplicates removed, sorted by d, D, p, q, P, Q, drift), or -1
 *         if the text is malformed (err receives a message naming the allowed forms).
 */
int hc_spec_parse_mean(const char *text, int max_out, hc_spec *out, char *err, size_t errlen);
/**
 * Resolve the seasonal period of specs with s == HC_SEASON_AUTO: period > 1 sets it;
 * otherwise their seasonal parts are dropped (P = D = Q = 0). Duplicates are removed in
 * place, order kept. @return the new number of specs.
 */
int hc_spec_resolve_season(hc_spec *specs, int n, int period);
/** 1 if the mean of s is a plain ARMA(p,q) + constant (no differencing, seasonality or regressors). */
int hc_spec_is_arma(const hc_spec *s);
/**
 * Parse a comma-separated list of volatility specs: "none", "garch(P,Q):DIST", "gjr(P,O,Q):DIST",
 * "egarch(P,O,Q):DIST" with DIST one of normal, t, skewt, ged and orders 1..3 (O >= 1 for gjr
 * and egarch; at least P >= 1 or Q >= 1 for garch).
 * @param[out] vol array of max_out specs (p,q fields left 0; caller fills the mean orders).
 * @return number parsed, or -1 if malformed (err receives a message naming the allowed values).
 */
int hc_spec_parse_vol(const char *text, int max_out, hc_spec *vol, char *err, size_t errlen);
/** Parse "hessian", "opg" or "robust". @return 0, or 1 if unknown. */
int hc_stderr_parse(const char *name, hc_stderr_type *t);
/** "hessian", "opg" or "robust". */
const char *hc_stderr_name(hc_stderr_type t);
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
  /** Number of natural parameters of spec s in this family. */
  int  (*n_params)(const hc_spec *s);
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
   * Optional per-observation scores for OPG and robust standard errors: G[t*k + i] =
   * d l_t / d theta_i for each term t of the log-likelihood (k = n_params; G has room for
   * n rows). @return the number of terms T written, or -1 if theta is inadmissible.
   */
  int  (*loglik_terms_grad)(hc_model *m, const double *theta, const double *y, int n, double *G);
  /** Optional: number of terms in the log-likelihood of n observations (n - d - sD after
   * differencing, n - p when conditional on p presample values); NULL means n. */
  int  (*n_obs)(const hc_model *m, int n);
  /**
   * Optional: standardized residuals z[0..T-1] at theta (innovations divided by their
   * conditional standard deviation; unit variance under the model). z has room for n.
   * @return T, or -1 if theta is inadmissible.
   */
  int  (*residuals)(hc_model *m, const double *theta, const double *y, int n, double *z);
  /**
   * Optional volatility summary: persistence (e.g. alpha+beta for GARCH, alpha+beta+gamma/2
   * for GJR with symmetric z, beta for EGARCH) and unconditional variance of the innovation
   * (NaN if not covariance stationary). NULL for homoskedastic families.
   */
  void (*vol_summary)(const hc_model *m, const double *theta, double *persistence, double *uncond_var);
} hc_model_ops;

/** A model instance: ops, spec, parameter count and the family's workspace. */
struct hc_model {
  const hc_model_ops *ops;
  hc_spec spec;
  int     n_params;
  int     n_max;
  void   *work;
  const double *X;                         /**< exogenous regressors, see hc_model_set_exog */
  int           ldx;
  const char  (*xnames)[HC_PNAME_LEN];
};

/**
 * SARIMAX: regression with SARIMA(p,d,q)(P,D,Q)_s errors, exact Gaussian likelihood of the
 * differenced series by Kalman filter (kalman.c, sarimax.c). ARMA(p,q) + constant is the
 * case d = D = P = Q = 0 without regressors.
 */
extern const hc_model_ops hc_sarimax_ops;
/** ARMA(p,q) + constant with GARCH(p,q) or GJR(p,o,q) errors, conditional ML (garch.c). */
extern const hc_model_ops hc_garch_ops;
/** ARMA(p,q) + constant with EGARCH(p,o,q) errors, conditional ML (egarch.c). */
extern const hc_model_ops hc_egarch_ops;

/** Create the model of `spec` with workspace for n_max observations. Not collective. */
PetscErrorCode hc_model_create(const hc_spec *spec, int n_max, hc_model **m);
/**
 * Attach spec->n_exog regressors to a SARIMAX model: X is column-major with leading
 * dimension ldx >= n + 1 for a series of n observations; row t (t = 0..n-1) holds the
 * regressors of observation t and row n those of the first forecast step. Regressors must be
 * known at the time they are used (lagged by the caller); forecasts h >= 2 carry row n forward.
 * names[k] become the parameter names beta_<name>. X and names must outlive the model.
 */
void hc_model_set_exog(hc_model *m, const double *X, int ldx, const char (*names)[HC_PNAME_LEN]);
PetscErrorCode hc_model_destroy(hc_model **m);


/** TAO solvers kept across the fits of one process (one per method and parameter count). */
typedef struct hc_fit_workspace hc_fit_workspace;
/** Create an empty workspace (solvers are created on first use). Not collective. */
PetscErrorCode hc_fit_workspace_create(hc_fit_workspace **ws);
/** Destroy the workspace and its solvers (before PetscFinalize). Not collective. */
PetscErrorCode hc_fit_workspace_destroy(hc_fit_workspace **ws);

/** Options of the shared fitter. */
typedef struct {
  int    max_it;   /**< TAO iteration cap per start */
  double gatol;    /**< absolute gradient tolerance on the mean log-likelihood per observation */
  int    n_random; /**< extra deterministic pseudo-random perturbations of the family's start (u-space, sd 0.5) */
  int    compute_stderr; /**< 1: standard errors of type stderr_type */
  hc_stderr_type stderr_type; /**< Hessian (default), OPG or robust sandwich */
  hc_fit_workspace *ws;        /**< solvers reused across fits (results do not depend on it); NULL: one per fit */
} hc_fit_options;

/** Defaults: max_it 500, gatol 1e-7, n_random 0, compute_stderr 1, stderr_type Hessian, no workspace. */
void hc_fit_options_default(hc_fit_options *o);

/**
 * Maximise the log-likelihood of model m on y[0..n-1] with TAO on PETSC_COMM_SELF in
 * unconstrained coordinates (Newton, TAONLS, on the analytic Hessian for the ARMA-GARCH/GJR
 * families with normal or t errors; LMVM quasi-Newton with the analytic or a finite-difference
 * gradient otherwise), from every start in
 * starts[n_starts][n_params] (natural coordinates; may be NULL/0) plus the model's
 * own start and opt->n_random perturbations of it; keep the best.
 * Fills rec: name, params, stderr (opt->stderr_type: inverse observed information
 * (-H)^{-1}, inverse outer product of scores B^{-1}, or the sandwich H^{-1} B H^{-1};
 * OPG and robust need ops->loglik_terms_grad, else NaN), loglik, aic = -2 ll + 2k,
 * bic = -2 ll + k log n, tao_reason and iterations of the best start's solve, converged (1
 * exactly when tao_reason > 0: TAO's verdict, which the Newton polish never overrules), the volatility summary
 * (persistence, half_life = log(0.5)/log(persistence), uncond_var) when the family has one,
 * status (0 or HC_STATUS_FAILED with reason).
 * Not collective. Errors: only fatal PETSc/allocation errors.
 * Source: Nocedal & Wright (2006) ch. 7 (L-BFGS); standard errors per Hamilton (1994)
 * eq. 5.8.2 (information) and Bollerslev & Wooldridge (1992) Econometric Rev. 11:143-172 (robust).
 */
PetscErrorCode hc_fit(hc_model *m, const double *y, int n, const hc_fit_options *opt,
                      int n_starts, const double *starts, hc_fit_record *rec);

/** Information criterion of the order search (-ic). */
typedef enum { HC_IC_AIC = 0, HC_IC_AICC, HC_IC_BIC } hc_ic;
/** Order search strategy (-order_search). */
typedef enum { HC_SEARCH_GRID = 0, HC_SEARCH_STEPWISE } hc_search;

/** Parse "aic", "aicc", "bic" / "grid", "stepwise". @return 0, or 1 if unknown. */
int hc_ic_parse(const char *name, hc_ic *ic);
int hc_search_parse(const char *name, hc_search *s);

/** Value of the information criterion of a fitted record: AIC = -2 ll + 2k,
 * AICc = AIC + 2k(k+1)/(n-k-1) (Hurvich & Tsai 1989), BIC = -2 ll + k log n. */
double hc_ic_value(hc_ic ic, const hc_fit_record *f);

#define HC_MAX_VOL_SPECS 16 /**< most volatility specs in one selection (-vol_models) */

/** Options of the selection and forecasting step. */
typedef struct {
  int            n_mean;    /**< number of mean specs (the grid of the search) */
  const hc_spec *mean;      /**< [n_mean] mean specs (vol = HC_VOL_NONE), seasonal period resolved */
  int            n_vol;     /**< number of volatility specs (may include HC_VOL_NONE), <= HC_MAX_VOL_SPECS */
  const hc_spec *vol;       /**< [n_vol] */
  int            horizon;   /**< H >= 1 */
  hc_fit_options fit;
  hc_ic          ic;        /**< criterion of the order search and of the final selection */
  hc_search      search;    /**< grid: every spec; stepwise: Hyndman & Khandakar (2008) within the grid's bounds */
  int            n_exog;    /**< regressors for the SARIMAX mean (see hc_model_set_exog) */
  const double  *X;         /**< [ldx x n_exog] column-major, ldx >= n + 1 */
  int            ldx;
  const char   (*xnames)[HC_PNAME_LEN];
  struct hc_fft_cache *fft; /**< plan cache for the residual diagnostics; NULL skips them */
  int                  n_warm; /**< fits of a previous run (-warm_start): extra starts of the fit of the same name */
  const hc_fit_record *warm;
  /* A grid cut into blocks (distributed over ranks, reduced by selection on the owner):
   * block_size > 0 makes hc_search_mean fit only the entries [block * block_size,
   * (block + 1) * block_size) of the restricted grid (grid search only); grid_fits, when not
   * NULL, are the fits of the whole restricted grid, in grid order (the blocks concatenated),
   * and hc_search_mean selects among them instead of fitting. */
  int                  block, block_size;
  int                  n_grid_fits;
  const hc_fit_record *grid_fits;
} hc_select_options;

/**
 * Mean-model order search on y[0..n-1] (search.c). If the grid holds several d (or D),
 * d is chosen by repeated KPSS tests (Kwiatkowski et al. 1992, level stationarity at 5%)
 * and D by the seasonal strength of Wang, Smith & Hyndman (2006) >= 0.64; then every
 * spec of the grid with those differences (grid) or the stepwise path of Hyndman &
 * Khandakar (2008, J. Stat. Softw. 27(3), sec. 3.2) within its bounds is fitted; each fit
 * also starts from its lower neighbours (one of p, q, P, Q lower by one, the new coefficient at
 * zero): in the grid from their own unfitted starts, so that a grid fit depends only on its
 * spec, y and opt (the grid is decomposition-free); in the stepwise search from their fits,
 * where the path has made them. Every fit is appended to r->fits.
 * Grid search by blocks (opt->block_size > 0): only that block of the restricted grid is fitted;
 * with opt->grid_fits the restricted grid's fits are taken from there (their number must equal
 * the restricted grid's size) and only the selection is done: the blocks' fits concatenated in
 * block order are those of the whole grid, whatever the block size and the ranks that computed them.
 * @param[out] best       index in r->fits of the fit of lowest opt->ic, or -1 if none fitted.
 * @param[out] best_spec  its spec (n_exog set), when best >= 0.
 * Not collective.
 */
PetscErrorCode hc_search_mean(const double *y, int n, const hc_select_options *opt, hc_result *r, int *best,
                              hc_spec *best_spec);

/**
 * KPSS statistic for level stationarity of x[0..n-1] (Kwiatkowski, Phillips, Schmidt &
 * Shin 1992, eq. 13) with the Bartlett long-run variance and lag truncation
 * trunc(3 sqrt(n) / 13) (Hobijn, Franses & Ooms 1998), the choice of R forecast::ndiffs
 * (urca::ur.kpss with use.lag). 5% critical value: 0.463.
 */
double hc_kpss_level(const double *x, int n);
/**
 * Seasonal strength F_S = max(0, 1 - Var(R) / Var(S + R)) of x[0..n-1] with period s from a
 * classical additive decomposition (centred moving-average trend, seasonal means of the
 * detrended series); Wang, Smith & Hyndman (2006) Data Min. Knowl. Disc. 13:335-364.
 * Returns 0 if n < 2 s.
 */
double hc_seasonal_strength(const double *x, int n, int s);

/** The candidates of one selection: the selected mean order with each volatility spec. */
typedef struct {
  int     n;                       /**< candidates (= volatility specs; 0 if no mean model fitted) */
  hc_spec spec[HC_MAX_VOL_SPECS];  /**< mean x volatility spec of each candidate */
  int     fit[HC_MAX_VOL_SPECS];   /**< its record in r->fits (status says whether it fitted) */
  int     selected;                /**< candidate of lowest IC among the fitted ones, -1 if none */
} hc_candidates;

/**
 * Steps 1 and 2 of hc_select_and_forecast: the mean-order search and every volatility spec
 * fitted jointly with the selected mean, each fit appended to r->fits; c lists the candidates
 * and the one of lowest opt->ic. If none fits, r->status becomes HC_STATUS_FAILED with the
 * reason and c->selected = -1. Not collective.
 */
PetscErrorCode hc_select_candidates(const double *y, int n, const hc_select_options *opt, hc_result *r, hc_candidates *c);
/**
 * Step 3 of hc_select_and_forecast: forecasts h = 1..H of the selected candidate of c (mean,
 * sd, 80/95% intervals from its innovation law) into r, its name and criteria in r's summary
 * fields, and the residual diagnostics when opt->fft is set. Nothing if c->selected < 0.
 * A non-finite forecast marks r failed. Not collective.
 */
PetscErrorCode hc_select_finish(const double *y, int n, const hc_select_options *opt, const hc_candidates *c, hc_result *r);

/**
 * Search the mean order (hc_search_mean), fit every volatility spec jointly with the
 * selected mean when it is a plain ARMA(p,q) (otherwise the volatility fits are recorded
 * as failed with the reason), select the candidate of lowest opt->ic, and write its
 * forecasts h = 1..H (mean, sd, 80/95% intervals) into r, and, when opt->fft is set,
 * the Ljung-Box, McLeod-Li and Jarque-Bera p-values of its standardized residuals
 * (m = min(10, T/5) lags; Ljung & Box 1978, McLeod & Li 1983, Jarque & Bera 1987).
 * r must be initialised with horizon opt->horizon. If no model converges to a finite
 * likelihood, r->status becomes HC_STATUS_FAILED. Not collective.
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

/** Largest number of shape parameters of an innovation law (skewed t: nu, lambda). */
#define HC_DIST_MAX_SHAPE 2
/**
 * An innovation law with its shape fixed: the constants of its log-density and the moments
 * the volatility recursions need, computed once per likelihood evaluation by hc_dist_prepare.
 * All laws are standardized: E z = 0, E z^2 = 1.
 */
typedef struct {
  hc_dist d;
  double  shape[HC_DIST_MAX_SHAPE];      /**< nu (t, skewt: dof > 2; GED: shape > 0), lambda (skewt, |lambda| < 1) */
  double  abs_mean;                      /**< E|z| (EGARCH) */
  double  m2neg;                         /**< E[z^2 1(z < 0)] (GJR persistence; 1/2 for symmetric laws) */
  double  d_abs_mean[HC_DIST_MAX_SHAPE]; /**< d E|z| / d shape (only if prepared with derivatives) */
  double  d_m2neg[HC_DIST_MAX_SHAPE];    /**< d E[z^2 1(z<0)] / d shape (idem) */
  double  k[8];                          /**< private constants of the log-density */
} hc_dist_eval;

/** Number of shape parameters: 0 normal, 1 t, 2 skewed t (nu, lambda), 1 GED (nu). */
int  hc_dist_n_shape(hc_dist d);
/** Name of shape parameter i: "nu" (i = 0) or "lambda" (i = 1). */
const char *hc_dist_shape_name(hc_dist d, int i);
/** Start values of the shape: nu = 8 (t, skewt), lambda = 0, GED nu = 1.5. */
void hc_dist_shape_start(hc_dist d, double *shape);
/**
 * Unconstrained u -> admissible shape: nu = 2.01 + exp(u) (t, skewt), lambda = tanh(u),
 * GED nu = 0.2 + 49.8 logistic(u) (in (0.2, 50), rugarch's bounds). hc_dist_shape_transform is
 * its inverse (clamped at the boundary).
 */
void hc_dist_shape_untransform(hc_dist d, const double *u, double *shape);
void hc_dist_shape_transform(hc_dist d, const double *shape, double *u);
/**
 * Prepare law d with the given shape (hc_dist_n_shape(d) values): constants of the
 * log-density, E|z| and E[z^2 1(z<0)]; with derivatives != 0 also their derivatives in the
 * shape and the constants hc_dist_logpdf needs for dshape. Not collective; no allocation.
 * Closed forms: normal; standardized t (Bollerslev 1987); skewed t, Hansen (1994) Int. Econ.
 * Rev. 35(3) 705-730, eq. (10)-(11), its moments from the partial moments of the t on each
 * half line (derivatives of the skewed-t moments by central differences, step 1e-5);
 * GED, Nelson (1991) Econometrica 59(2) 347-370, eq. (A1.1)-(A1.2).
 * @return 0, or 1 if the shape is inadmissible (nu <= 2 for t/skewt, |lambda| >= 1, nu <= 0 for GED).
 */
int  hc_dist_prepare(hc_dist d, const double *shape, int derivatives, hc_dist_eval *e);
/**
 * log f(z) of the prepared law; dz (if not NULL) receives d log f / d z and dshape (if not
 * NULL; needs a law prepared with derivatives) d log f / d shape[i]. Pure, no allocation.
 */
double hc_dist_logpdf(const hc_dist_eval *e, double z, double *dz, double *dshape);
/**
 * CDF P(Z <= z) of the prepared law: normal by erfc; t and skewed t by hc_t_cdf on each half
 * line (Hansen 1994 eq. 10); GED by the regularized incomplete gamma P(1/nu, |z/l|^nu / 2)
 * (Numerical Recipes 3rd ed. sec. 6.2).
 */
double hc_dist_cdf(const hc_dist_eval *e, double z);
/**
 * Quantile at p in [0,1] of the prepared law (NaN outside): normal hc_norm_quantile; t the
 * scaled hc_t_quantile; skewed t by inverting Hansen's CDF piecewise,
 * z = ((1 -+ lambda) sqrt((nu-2)/nu) F_nu^{-1}(.) - a) / b; GED by the inverse incomplete gamma
 * (NR3 sec. 6.2.1 start and Halley steps), z = +-l (2 P^{-1}(1/nu, |2p-1|))^{1/nu}.
 * Accuracy about 1e-12 relative away from p = 0, 1.
 */
double hc_dist_quantile(const hc_dist_eval *e, double p);
/**
 * One draw of the prepared law from the xorshift64* stream *state (Vigna 2016): normal by the
 * polar method; t as N / sqrt(2 G(nu/2) / (nu-2)) with Marsaglia-Tsang (2000) gamma draws;
 * skewed t by reflecting |t| onto Hansen's half lines; GED as +-l (2 G(1/nu))^{1/nu}.
 * Deterministic for a given *state (never 0).
 */
double hc_dist_draw(const hc_dist_eval *e, unsigned long long *state);

/**
 * The standardized innovation law of model m at natural parameters theta, prepared for
 * hc_dist_cdf/logpdf/quantile (standard normal for SARIMAX; the spec's distribution with the
 * shape parameters of theta for the volatility families). Forecast distributions are
 * mean + sd Z with the mean and variance of ops->forecast (for h > 1 under a volatility model
 * this is the usual approximation: the h-step error is not exactly of the law of Z).
 * @return 0, or 1 if the shape in theta is inadmissible. Not collective.
 */
int hc_model_law(const hc_model *m, const double *theta, hc_dist_eval *law);

/* ======================================================================================
 * Bound-constrained minimisation (solve.c): the TAO solver as a service to the other
 * numerical modules, over plain arrays (eval's CRPS stacking weights use it).
 * ====================================================================================== */

/**
 * Objective of hc_minimize_bounded: store f(x) in *f and its gradient df/dx_i in grad[i],
 * i = 0..k-1, at the point x[0..k-1] (which the minimiser keeps within its bounds).
 * @return 0, or a PETSc error code (PetscCall inside works), which stops the minimisation and
 *         is returned by hc_minimize_bounded.
 */
typedef PetscErrorCode (*hc_objective)(int k, const double *x, double *f, double *grad, void *ctx);

/** Settings of hc_minimize_bounded (hc_minimize_options_default: TAO's defaults throughout). */
typedef struct {
  double      gatol, grtol, gttol; /**< TaoSetTolerances: stop when ||g|| <= gatol, ||g||/|f| <= grtol
                                        or ||g||/||g0|| <= gttol (projected gradient); < 0: TAO's default */
  int         max_it;              /**< iteration cap; < 0: TAO's default */
  const char *prefix;              /**< options prefix (e.g. "ensemble_": -ensemble_tao_monitor, ...); NULL: the
                                        solver reads no options */
} hc_minimize_options;

/** Outcome of hc_minimize_bounded. */
typedef struct {
  double f;      /**< objective at the solution */
  double gnorm;  /**< norm of the projected gradient there */
  int    its;    /**< iterations */
  int    reason; /**< TaoConvergedReason: > 0 converged, < 0 diverged or stopped (e.g. the cap) */
} hc_minimize_info;

/** Fill opt with TAO's defaults (tolerances and cap < 0) and no options prefix. */
void hc_minimize_options_default(hc_minimize_options *opt);

/**
 * Minimise a smooth f over the box lb <= x <= ub of R^k, from the start x, with TAO's BLMVM
 * on PETSC_COMM_SELF: a limited-memory BFGS model (Nocedal & Wright 2006, Numerical
 * Optimization, 2nd ed., sec. 7.2) on the variables off their bounds, with a projected line
 * search (Benson & More 2001, "A limited memory variable metric method in subspaces and bound
 * constrained optimization problems", Argonne preprint ANL/MCS-P909-0901).
 *
 * @param k     number of variables, >= 1
 * @param fg    objective and gradient (hc_objective), called with ctx
 * @param lb,ub bounds, arrays of k (entries -INFINITY / INFINITY: no bound), or NULL: no
 *              bound on any variable; lb <= ub, the start need not be inside (TAO projects it)
 * @param opt   tolerances, iteration cap and options prefix; NULL: hc_minimize_options_default
 * @param x     [in] start, [out] the last iterate (the minimiser when info->reason > 0), k values;
 *              unchanged if the objective fails
 * @param info  if not NULL: objective, projected-gradient norm, iterations and TAO's reason
 * Not collective (no MPI communication); reentrant. Errors: PETSC_ERR_ARG_WRONG for k < 1 or a
 * NULL fg or x; the objective's errors; other PETSc errors (allocation). A run that stops
 * without converging (iteration cap, line-search failure) is no error: info->reason < 0.
 */
PetscErrorCode hc_minimize_bounded(int k, hc_objective fg, void *ctx, const double *lb, const double *ub, const hc_minimize_options *opt,
                                   double *x, hc_minimize_info *info);

#endif
