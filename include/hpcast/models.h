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
  int           ssa_L;               /**< SSA mean (ssa.c): window length L >= 2, HC_SSA_AUTO, or 0 (not SSA) */
  int           ssa_r_lo, ssa_r_hi;  /**< SSA rank: fixed (lo == hi > 0), a range clamping the Gavish-Donoho
                                          rank (lo < hi), or 0, 0 (auto: the Gavish-Donoho rank) */
} hc_spec;

#define HC_SSA_AUTO (-1) /**< SSA window length left to the rule of hc_ssa_window */

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
/** 1 if s has a volatility model (vol is not HC_VOL_NONE). */
int hc_spec_has_vol(const hc_spec *s);
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
struct hc_dist_eval;
struct hc_fft_cache;

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
  /**
   * Optional: forecast after observations were appended: y[0..n0-1] is what the model's last
   * forecast or forecast_update filtered, with the same theta (and regressors), and only
   * y[n0..n-1] is filtered now, in O(n - n0) (the filter state is kept in the model: the
   * Kalman state of SARIMAX, the residuals and variances of the GARCH families). The
   * residual mean square of the last full forecast is kept (GARCH presample variances and, under
   * variance targeting, omega: parameters between refits). Use hc_model_forecast_update.
   * @return 0; nonzero if the model cannot continue (e.g. a Kalman filter not yet steady).
   */
  int  (*forecast_update)(hc_model *m, const double *theta, const double *y, int n0, int n, int H, double *mean, double *var);
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
  /**
   * 1 if this family serves spec s (hc_model_create picks the first family of its table that
   * does). Every family has it.
   */
  int  (*serves)(const hc_spec *s);
  /**
   * 1 if the family's log-likelihood is that of y itself (so that information criteria compare
   * it with the other such families'), 0 if it is the likelihood of a derived series (the SSA
   * residual): such models are compared by backtest CRPS in the ensemble, never by AIC.
   */
  int  likelihood_of_y;
  /**
   * Optional: why the family cannot fit spec s although it serves it (e.g. a volatility model on
   * a differenced mean), into why[len]. @return 0 if it can, 1 if not. NULL: it can.
   */
  int  (*check)(const hc_spec *s, char *why, size_t len);
  /**
   * Optional: the standardized innovation law at theta (hc_model_law). NULL: standard normal.
   * @return 0, or 1 if the shape in theta is inadmissible.
   */
  int  (*law)(const hc_model *m, const double *theta, struct hc_dist_eval *e);
  /**
   * Optional: data-dependent estimation that the likelihood takes as given, done once per fit
   * before the optimisation (hc_fit calls it on the fit's y): e.g. the SSA decomposition, whose
   * signal the likelihood of the residual then conditions on. Forecasts use the last prepared
   * state (a model never prepared prepares on the series it forecasts). NULL: none.
   * @return 0, or nonzero if it fails (the fit is then failed).
   */
  int  (*prepare)(hc_model *m, const double *y, int n);
  /**
   * Optional: the second-order capabilities that serve model m, a mask of HC_CAP_HESSIAN (the
   * hessian op is exact for m) and HC_CAP_NEWTON_HESSIAN (newton_hessian is available for m).
   * NULL: none (the fitter then uses limited-memory BFGS).
   */
  unsigned (*capabilities)(const hc_model *m);
  /**
   * Optional: exact analytic Hessian: *ll, grad[k] and H[k*k] (row-major, symmetric,
   * d^2 loglik / d theta d theta') at theta, k = m->n_params, in one pass.
   * @return 0; 1 if theta is inadmissible; -1 if not available for m.
   */
  int  (*hessian)(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad, double *H);
  /**
   * Optional: a Hessian H[k*k] close to the exact one (e.g. of the conditional likelihood), which
   * the fitter uses as the Hessian of Newton's method with the exact gradient.
   * @return 0; 1 if theta is inadmissible; -1 if not available for m.
   */
  int  (*newton_hessian)(hc_model *m, const double *theta, const double *y, int n, double *H);
  /**
   * Optional: the conditional log-likelihood whose exact Hessian newton_hessian is (e.g. the CSS
   * likelihood of an ARMA model, Box, Jenkins & Reinsel 2008 sec. 7.1.2) in *ll, and its gradient
   * grad[k] (NULL: not wanted) at theta. Its optima lie within O(1/n) of the exact likelihood's,
   * and Newton's method on it converges quadratically: the fitter screens its starts on it
   * (docs/models.md, Fitter 5). Used only where newton_hessian serves m.
   * @return 0; 1 if theta is inadmissible; -1 if not available for m.
   */
  int  (*conditional_loglik)(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad);
  /**
   * Optional: a parameter whose second derivative is a closed form in the gradient (e.g. an
   * innovation variance that the likelihood profiles): its index, with d^2 loglik / d theta_i^2 in
   * *h; -1 if none. The fitter's finite-difference Hessian skips its row.
   */
  int  (*curvature)(const hc_model *m, const double *theta, const double *grad, int n, double *h);
  /**
   * Optional: start values of model m from fits already made on the same series: mean_fit, the
   * selected mean model's fit (its params and names), and the n_prev candidates fitted before
   * it (prev[0..n_prev-1]; e.g. the normal-law fit of the same volatility orders). At most max
   * vectors of m->n_params natural parameters into out. @return the number written.
   */
  int  (*starts)(const hc_model *m, const hc_fit_record *mean_fit, int n_prev, const hc_fit_record *prev, double *out, int max);
  /**
   * Optional: the family's own mean-model grammar (hc_spec_parse_mean asks every family before
   * its arma/arima/sarima forms): parse one lower-case token without blanks into *s.
   * @return 0 if the token is not of this family, 1 if parsed, -1 if it is of this family but
   *         malformed (why[len] says what is wrong).
   */
  int  (*parse_mean)(const char *token, hc_spec *s, char *why, size_t len);
  /** With parse_mean: the grammar in words, for the error text of -mean_models. */
  const char *grammar;
  /** Optional: the name of the mean part of spec s (hc_spec_mean_name), e.g. "SSA(auto,auto)+AR(1)". */
  void (*mean_name)(const hc_spec *s, char *buf, size_t len);
} hc_model_ops;

/** Capability bits of hc_model_ops.capabilities. */
#define HC_CAP_HESSIAN        1u
#define HC_CAP_NEWTON_HESSIAN 2u

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
/** SSA signal plus an AR(p) residual (SAMoSSA), the residual by exact ML (ssa.c). */
extern const hc_model_ops hc_ssa_ops;

/**
 * Parse the mean-model token by the grammar of the family that recognises it (ops->parse_mean).
 * @return 0 if no family recognises it, 1 if parsed into *s, -1 if malformed (why says why).
 */
int hc_model_parse_mean(const char *token, hc_spec *s, char *why, size_t len);
/**
 * The mean-model grammars of the families that have one (ops->grammar), "; "-separated, into
 * buf[len] (truncated), for the help and error texts of -mean_models. Not collective.
 */
void hc_model_grammars(char *buf, size_t len);
/** The family that serves spec s (the first of the table in model.c whose serves() says so), or NULL. */
const hc_model_ops *hc_model_family(const hc_spec *s);
/**
 * Whether a model of spec s can be fitted: 0 if so; else 1 with the reason in why[len] (no family
 * serves the spec, or the family's check refuses it). Not collective.
 */
int hc_model_check(const hc_spec *s, char *why, size_t len);

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
/** The hc_fit calls made with workspace ws since its creation (every fit: grid, volatility,
 *  first backtest window, refits; 0 for NULL). Not collective. */
long hc_fit_workspace_fits(const hc_fit_workspace *ws);

/** Options of the shared fitter. */
typedef struct {
  int    max_it;   /**< TAO iteration cap per start */
  double gatol;    /**< absolute gradient tolerance on the mean log-likelihood per observation */
  int    n_random; /**< extra deterministic pseudo-random perturbations of the family's start (u-space, sd 0.5) */
  int    compute_stderr; /**< 1: standard errors of type stderr_type */
  hc_stderr_type stderr_type; /**< Hessian (default), OPG or robust sandwich */
  int    warm;        /**< 1: the caller's starts are warm (e.g. the previous refit of the same model): the family's
                           own start and the perturbations run only if that fit fails, stops unconverged, or ends
                           below the log-likelihood at the family's own start */
  int    screen_its;  /**< > 0: screen the starts (more than screen_keep of them) by at most screen_its iterations
                           each; only the screen_keep best unconverged ones continue to convergence */
  int    screen_keep; /**< starts kept by the screen */
  int    screen_css;  /**< 1: families with a conditional likelihood (ops->conditional_loglik) screen more than
                           screen_keep starts on it: Newton's method on it from every start, then the exact solve
                           from the screen_keep best distinct end points by the exact likelihood there */
  int    own_given;   /**< 1: the last of the caller's starts is the family's own start (ops->start on the same y),
                           which hc_fit then does not compute again */
} hc_fit_options;

/** Defaults: max_it 500, gatol 1e-7, n_random 0, compute_stderr 1, stderr_type Hessian, warm 0, screen_its 0
 *  (every start to convergence), screen_keep 2, screen_css 0, own_given 0. */
void hc_fit_options_default(hc_fit_options *o);

/**
 * Maximise the log-likelihood of model m on y[0..n-1] with TAO on PETSC_COMM_SELF in
 * unconstrained coordinates (Newton, TAONLS, on the family's exact Hessian (HC_CAP_HESSIAN) or
 * Newton Hessian (HC_CAP_NEWTON_HESSIAN); LMVM quasi-Newton with the analytic or a
 * finite-difference gradient otherwise), after the family's prepare step, from every start in
 * starts[n_starts][n_params] (natural coordinates; may be NULL/0) plus the model's
 * own start and opt->n_random perturbations of it; keep the best.
 * Fills rec: name, params, stderr (opt->stderr_type: inverse observed information
 * (-H)^{-1}, inverse outer product of scores B^{-1}, or the sandwich H^{-1} B H^{-1};
 * OPG and robust need ops->loglik_terms_grad, else NaN), loglik, aic = -2 ll + 2k,
 * bic = -2 ll + k log n, tao_reason and iterations of the best start's solve, converged (1
 * exactly when tao_reason > 0: TAO's verdict, which the Newton polish never overrules), the volatility summary
 * (persistence, half_life = log(0.5)/log(persistence), uncond_var) when the family has one,
 * status (0 or HC_STATUS_FAILED with reason).
 * ws: the TAO solvers kept from fit to fit (hc_fit_workspace_create; the results do not depend
 * on it), or NULL for solvers made and destroyed in this call. The selection functions below
 * take the same argument and hand it to hc_fit.
 * Not collective. Errors: only fatal PETSc/allocation errors.
 * Source: Nocedal & Wright (2006) ch. 7 (L-BFGS); standard errors per Hamilton (1994)
 * eq. 5.8.2 (information) and Bollerslev & Wooldridge (1992) Econometric Rev. 11:143-172 (robust).
 */
PetscErrorCode hc_fit(hc_model *m, const double *y, int n, const hc_fit_options *opt, hc_fit_workspace *ws,
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
  int                  n_warm; /**< fits of a previous run (-warm_start): extra starts of the fit of the same name */
  const hc_fit_record *warm;
  int own_starts; /**< 1 (-fit_starts own): a mean-model fit starts from its family's own start and its -warm_start fit
                       alone, as R arima, gretl and statsmodels do; 0: also from its lower neighbours and, for a plain
                       ARMA, the near-cancelling root pairs (docs/models.md, Multimodality and starts) */
} hc_select_options;

/**
 * A part of the order-search grid, for a grid cut into blocks that any rank may fit and the
 * ticker's owner reduces by selection (grid search only). With block_size > 0, only the entries
 * [block * block_size, (block + 1) * block_size) of the restricted grid are fitted; with fits
 * (not NULL), they are the fits of the whole restricted grid in grid order (the blocks'
 * records concatenated), and the search only selects among them. NULL: the whole grid.
 */
typedef struct {
  int                  block, block_size;
  int                  n_fits;
  const hc_fit_record *fits;
} hc_grid_part;

/**
 * Mean-model order search on y[0..n-1] (search.c) among the specs of opt->mean whose family's
 * likelihood is that of y (ops->likelihood_of_y; the others are fitted by hc_select_mean).
 * If the grid holds several d (or D),
 * d is chosen by repeated KPSS tests (Kwiatkowski et al. 1992, level stationarity at 5%)
 * and D by the seasonal strength of Wang, Smith & Hyndman (2006) >= 0.64; then every
 * spec of the grid with those differences (grid) or the stepwise path of Hyndman &
 * Khandakar (2008, J. Stat. Softw. 27(3), sec. 3.2) within its bounds is fitted; each fit
 * also starts from its lower neighbours (one of p, q, P, Q lower by one, the new coefficient at
 * zero): in the grid from their own unfitted starts, so that a grid fit depends only on its
 * spec, y and opt (the grid is decomposition-free); in the stepwise search from their fits,
 * where the path has made them. Every fit is appended to r->fits.
 * With part (grid search): only that block of the restricted grid is fitted, or, with
 * part->fits, the restricted grid's fits are taken from there (their number must equal the
 * restricted grid's size) and only the selection is done: the blocks' fits concatenated in
 * block order are those of the whole grid, whatever the block size and the ranks that computed them.
 * @param[out] best       index in r->fits of the fit of lowest opt->ic, or -1 if none fitted.
 * @param[out] best_spec  its spec (n_exog set), when best >= 0.
 * Not collective.
 */
PetscErrorCode hc_search_mean(const double *y, int n, const hc_select_options *opt, hc_fit_workspace *ws, const hc_grid_part *part, hc_result *r,
                              int *best, hc_spec *best_spec);

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

/** Most candidates of one selection: each volatility spec on the selected mean, and the mean
 * model compared by backtest (SSA). */
#define HC_MAX_CANDIDATES (HC_MAX_VOL_SPECS + 1)

/**
 * The candidates of one selection: the selected mean order with each volatility spec
 * (candidates 0..n_vol-1), then, when the grid has specs whose likelihood is not that of y
 * (SSA), the best of those (candidate n_vol). The layout depends only on the options, so the
 * candidates of two samples (the whole sample and the first backtest window) correspond by index.
 */
typedef struct {
  int     n;                         /**< candidates (0 if no mean model fitted) */
  hc_spec spec[HC_MAX_CANDIDATES];   /**< mean x volatility spec of each candidate */
  int     fit[HC_MAX_CANDIDATES];    /**< its record in r->fits (status says whether it fitted) */
  int     selected;                  /**< candidate of lowest IC among the fitted ones whose likelihood
                                          is that of y (else the fitted SSA candidate), -1 if none */
  int     mean_fit;                  /**< the selected mean model's record in r->fits (-1: none) */
  hc_spec mean_spec;                 /**< its spec */
} hc_candidates;

/**
 * Step 1 of the selection: the mean-order search (hc_search_mean, by information criterion)
 * among the specs whose likelihood is that of y, and the specs whose likelihood is not
 * (SSA: each fitted, the one of lowest IC among them kept; compared with the others only by
 * the backtest's CRPS). Fills c->mean_fit, c->mean_spec and c->n; every fit is appended to
 * r->fits. If no mean model fits, r->status becomes HC_STATUS_FAILED with the reason. Not collective.
 */
PetscErrorCode hc_select_mean(const double *y, int n, const hc_select_options *opt, hc_fit_workspace *ws, const hc_grid_part *part, hc_result *r,
                              hc_candidates *c);
/**
 * Step 2 of the selection: every volatility spec fitted jointly with the selected mean (starts
 * from the family's ops->starts on the mean fit; a family that cannot take the mean, ops->check,
 * records a failed fit with the reason), each fit appended to r->fits; c->selected the
 * candidate of lowest opt->ic among those whose likelihood is that of y. If none fits,
 * r->status becomes HC_STATUS_FAILED and c->selected = -1. Not collective.
 */
PetscErrorCode hc_select_volatility(const double *y, int n, const hc_select_options *opt, hc_fit_workspace *ws, hc_result *r, hc_candidates *c);
/** hc_select_mean then hc_select_volatility (part: see hc_search_mean). Not collective. */
PetscErrorCode hc_select_candidates(const double *y, int n, const hc_select_options *opt, hc_fit_workspace *ws, const hc_grid_part *part, hc_result *r,
                                    hc_candidates *c);
/**
 * Forecasts h = 1..H of the selected candidate of c (mean, sd, 80/95% intervals from its
 * innovation law) into r, its name and criteria in r's summary fields. Nothing if
 * c->selected < 0. A non-finite forecast marks r failed. Not collective.
 */
PetscErrorCode hc_select_forecast(const double *y, int n, const hc_select_options *opt, const hc_candidates *c, hc_result *r);
/**
 * The standardized residuals of the selected model of r (after hc_select_forecast) on y:
 * z[0..*T-1] are those of observations y[n - *T .. n-1] (the first n - *T observations are
 * presample or lost to differencing). z has room for n. *T = 0 if r has no selected model, its
 * family has no residuals op, or its parameters are inadmissible. Not collective.
 */
PetscErrorCode hc_select_residuals(const double *y, int n, const hc_select_options *opt, const hc_candidates *c, const hc_result *r,
                                   double *z, int *T);
/**
 * Residual diagnostics of the selected model of r (after hc_select_forecast): the Ljung-Box,
 * McLeod-Li and Jarque-Bera p-values of its standardized residuals (m = min(10, T/5) lags;
 * Ljung & Box 1978, McLeod & Li 1983, Jarque & Bera 1987) by the FFTW plan cache fft. Nothing
 * if r has no selected model or its family has no residuals. Not collective.
 */
PetscErrorCode hc_select_diagnostics(const double *y, int n, const hc_select_options *opt, const hc_candidates *c,
                                     struct hc_fft_cache *fft, hc_result *r);

/**
 * The candidates of an earlier selection, from its record r (its fits, selected fit and
 * ensemble members, e.g. read back from a report) and the options that made it: the selected
 * mean spec found by name among opt's grid (or, for a stepwise search, the orders its name
 * spells), each volatility spec of opt on it with its fit in r->fits (-1 where r has none),
 * a member of another likelihood (SSA) as candidate n_vol. A daily update forecasts with them
 * without fitting. @return 0; 1 with the reason in why[len] when r's models are not those of
 * opt's grid (the options changed). Not collective.
 */
int hc_select_restore(const hc_select_options *opt, const hc_result *r, hc_candidates *c, char *why, size_t len);

/**
 * hc_select_candidates, hc_select_forecast and, when fft is not NULL, hc_select_diagnostics:
 * the selected model's forecasts h = 1..H (mean, sd, 80/95% intervals) into r. r must be
 * initialised with horizon opt->horizon. If no model converges to a finite likelihood,
 * r->status becomes HC_STATUS_FAILED. Not collective.
 */
PetscErrorCode hc_select_and_forecast(const double *y, int n, const hc_select_options *opt, hc_fit_workspace *ws, struct hc_fft_cache *fft,
                                      hc_result *r);

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
typedef struct hc_dist_eval {
  hc_dist d;
  double  shape[HC_DIST_MAX_SHAPE];      /**< nu (t, skewt: dof > 2; GED: shape > 0), lambda (skewt, |lambda| < 1) */
  double  abs_mean;                      /**< E|z| (EGARCH) */
  double  m2neg;                         /**< E[z^2 1(z < 0)] (GJR persistence; 1/2 for symmetric laws) */
  double  d_abs_mean[HC_DIST_MAX_SHAPE]; /**< d E|z| / d shape (only if prepared with derivatives) */
  double  d_m2neg[HC_DIST_MAX_SHAPE];    /**< d E[z^2 1(z<0)] / d shape (idem) */
  double  k[8];                          /**< private constants of the log-density */
  double  cdf[2];                        /**< private constants of the CDF (t, skewt: log B(nu/2, 1/2), sqrt(nu/(nu-2))) */
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
 * hc_dist_cdf/logpdf/quantile: the family's ops->law (the volatility families: the spec's
 * distribution with the shape parameters of theta), or the standard normal for a family without
 * one (SARIMAX, SSA). Forecast distributions are
 * mean + sd Z with the mean and variance of ops->forecast (for h > 1 under a volatility model
 * this is the usual approximation: the h-step error is not exactly of the law of Z).
 * @return 0, or 1 if the shape in theta is inadmissible. Not collective.
 */
int hc_model_law(const hc_model *m, const double *theta, hc_dist_eval *law);

/**
 * h-step forecasts h = 1..H from the end of y[0..n-1] (ops->forecast's mean and var), given that
 * the model's last forecast with the same theta was from the end of y[0..n0-1] (n0 = 0: none):
 * by ops->forecast_update when the family has it and it can continue (O(n - n0)), else by
 * ops->forecast (O(n)). Not collective. @return 0 or nonzero as ops->forecast.
 */
int hc_model_forecast_update(hc_model *m, const double *theta, const double *y, int n0, int n, int H, double *mean, double *var);

/* ---- singular spectrum analysis (ssa.c) ---- */
/*
 * Basic SSA of a series y[0..n-1] with window length L (Golyandina & Zhigljavsky 2013,
 * "Singular Spectrum Analysis for Time Series", Springer, sec. 2.1): the L x K trajectory
 * (Hankel) matrix X[i][j] = y[i+j], K = n - L + 1 >= L, its SVD X = sum_k sv_k U_k V_k', the
 * rank-r reconstruction by projection on U_1..U_r and diagonal averaging, and recurrent
 * forecasting by the linear recurrence of the signal subspace (op. cit., sec. 3.2.1). Every
 * function here is pure numerics over arrays, not collective, and holds no state.
 */

/** Largest window length hc_ssa_window picks for a seasonal series (cost bound, see there). */
#define HC_SSA_L_MAX 120
/** Window length hc_ssa_window picks for a non-seasonal series (before the cap at n/2). */
#define HC_SSA_L_DEFAULT 60

/**
 * Window length L of "L = auto": for period >= 2 the largest multiple of period not above
 * min(HC_SSA_L_MAX, n/20), but at least period itself (so at n = 5400 L = 120 for period 5, 119
 * for 7, 120 for 12, 104 for 52; at n = 960, L = 48 for period 24 and 52 for 52), so that
 * seasonal components of integer period separate (Golyandina 2010, "On the choice of parameters
 * in singular spectrum analysis and related subspace-based methods", Stat. Interface 3(3)
 * 259-279: L a multiple of the period); otherwise HC_SSA_L_DEFAULT. The result is then capped at
 * n/2 (K = n - L + 1 >= L needs L <= (n+1)/2) and raised to at least 2. Callers still need
 * n >= 2L - 1 >= 3 for hc_ssa_decompose.
 * The caps bound the cost, not the statistics (separability improves as L approaches n/2,
 * op. cit.): hc_ssa_decompose costs O(n L + L^3), the reconstruction O(r L n). Measured with
 * Debian's reference BLAS/LAPACK (the ones PETSc links here), one core of a loaded 2-core
 * machine, best of 15 runs of decompose + reconstruct (r = 10) + LRR: n = 960: L = 24 0.24 ms,
 * L = 60 1.2 ms, L = 120 5.4 ms; n = 5400: L = 24 1.2 ms, L = 60 3.6 ms, L = 120 18 ms. Whole
 * fits against an ARMA(2,2) fit: docs/models.md, SSA.
 * @param n      series length (observations)
 * @param period seasonal period in observations (< 2: none)
 * @return L in [2, max(2, n/2)]. Not collective.
 */
int hc_ssa_window(int n, int period);

/**
 * Singular values and left singular vectors of the L x K trajectory matrix X[i][j] = y[i+j],
 * K = n - L + 1 (Golyandina & Zhigljavsky 2013, sec. 2.1, steps 1-2: embedding and SVD), by the
 * cross product: the eigendecomposition S = X X' = U diag(sv^2) U' by LAPACK dsyev through
 * PETSc (the SVD method SLEPc calls SVDCROSS; Basic SSA is defined by the eigenvectors of the
 * lag-covariance matrix S, op. cit.). S is formed from the Hankel structure in O(n L + L^2)
 * (first row by dot products, then S[i+1][j+1] = S[i][j] - y[i] y[j] + y[i+K] y[j+K]), so the
 * cost is O(n L + L^3) against O(K L^2) for a QR-based SVD of X (5-10x less here at L = 60).
 * Accuracy: the singular values to about eps sv[0]^2 / sv[k] (the leading ones to machine
 * precision: R's svd() agrees to 13 digits on M4 Weekly W57), so a zero singular value comes
 * out near sqrt(eps) sv[0]; the leading singular vectors, the reconstruction and the forecast
 * are unaffected (tests: exact to 1e-10 on noise-free finite-rank series).
 * Sign convention: each column of U has its component of largest modulus positive (the first
 * one on ties), which makes it comparable with other SVD codes after the same normalisation.
 * @param y  series y[0..n-1], finite, in its own units
 * @param n  length, n >= 2L - 1 (so that K >= L)
 * @param L  window length, 2 <= L
 * @param sv [out] sv[0..L-1], the singular values of X, descending (units of y)
 * @param U  [out] L x L, column-major (leading dimension L), column k the left singular vector
 *           of sv[k] (unit norm, dimensionless)
 * @return 0; 1 on bad input (NULL pointer, L < 2, K < L, a non-finite y); ENOMEM if the L x L
 *         workspace cannot be allocated; 2 if LAPACK reports a failure (info != 0: the QL/QR
 *         iteration did not converge). Not collective.
 */
int hc_ssa_decompose(const double *y, int n, int L, double *sv, double *U);

/**
 * Rank of the signal by the optimal hard threshold for singular values with unknown noise
 * level of Gavish & Donoho (2014), "The optimal hard threshold for singular values is
 * 4/sqrt(3)", IEEE Trans. Inf. Theory 60(8) 5040-5053: tau = omega(beta) median(sv),
 * beta = min(L,K)/max(L,K), omega(beta) = lambda*(beta) / sqrt(mu_beta) with the optimal
 * known-noise coefficient lambda*(beta) = sqrt(2(beta+1) + 8 beta / (beta+1 + sqrt(beta^2 +
 * 14 beta + 1))) and mu_beta the median of the Marchenko-Pastur law of ratio beta, computed
 * numerically, not by the polynomial approximation of eq. (5): Newton steps in a bisection
 * bracket on the law's CDF, which after the substitution x = (1 + beta) - 2 sqrt(beta) cos phi
 * integrates in closed form (derivation in ssa.c; it agrees with R integrate/uniroot to 9 digits
 * of omega). omega(1) = 2.8584 (the paper's 2.858); omega(1/2) = 2.1712. The threshold assumes
 * i.i.d. noise entries; in a trajectory matrix the noise is Hankel-structured, so this is the
 * usual heuristic use of the rule. Cost O(min(L,K) log min(L,K)).
 * @param sv singular values, min(L,K) of them, descending
 * @param L, K dimensions of the matrix (rows, columns)
 * @return the number of sv[k] > tau, at least 1; 0 only on bad input (NULL, L < 1, K < 1,
 *         allocation failure). Not collective.
 */
int hc_ssa_rank_gd(const double *sv, int L, int K);

/**
 * Rank-r reconstruction of y: X_r = U_r U_r' X (projection of the trajectory matrix on the
 * first r left singular vectors; grouping I = {1..r}), then diagonal averaging (Hankelisation):
 * s[t] is the mean of the entries of X_r on the anti-diagonal i + j = t, of which there are
 * min(t + 1, L, n - t). Golyandina & Zhigljavsky (2013), sec. 2.1, steps 3-4.
 * X is never formed: w = X' u_k by sliding dot products, then the anti-diagonal sums of u_k w';
 * cost 2 r L K flops, memory K doubles.
 * @param y series y[0..n-1], the one given to hc_ssa_decompose
 * @param n, L as for hc_ssa_decompose (n >= 2L - 1, L >= 2)
 * @param r rank, 1 <= r <= L
 * @param U L x L column-major left singular vectors from hc_ssa_decompose (first r columns used)
 * @param s [out] s[0..n-1], the reconstructed series (units of y)
 * @return 0; 1 on bad input; ENOMEM on allocation failure. Not collective.
 */
int hc_ssa_reconstruct(const double *y, int n, int L, int r, const double *U, double *s);

/**
 * Coefficients of the linear recurrence of recurrent SSA forecasting (R-forecasting,
 * Golyandina & Zhigljavsky 2013, sec. 3.2.1; Golyandina, Nekrutkin & Zhigljavsky 2001,
 * "Analysis of Time Series Structure", Chapman & Hall, ch. 2): with pi_k the last component of U_k, U_k^nabla its first L - 1 components and
 * nu^2 = sum_{k<r} pi_k^2, R = (R_1, ..., R_{L-1})' = (1/(1 - nu^2)) sum_{k<r} pi_k U_k^nabla.
 * The recurrence is s_t = sum_{j=1}^{L-1} a_j s_{t-j} with a_j = R_{L-j}; this function
 * stores the lag-j coefficient in a[j-1] (as AR coefficients phi_j), i.e. a[j-1] = R_{L-j}.
 * @param L window length (>= 2), r rank (1 <= r <= L)
 * @param U L x L column-major left singular vectors (first r columns used, orthonormal)
 * @param a [out] a[0..L-2], dimensionless
 * @return 0; 1 if nu^2 >= 1 - 1e-12 (the vertical vector e_L lies in span(U_1..U_r): no
 *         recurrence exists, a is untouched); 2 on bad input (NULL, L < 2, r < 1, r > L).
 *         Not collective.
 */
int hc_ssa_lrr(int L, int r, const double *U, double *a);

/**
 * Recurrent forecast of the reconstructed series s by the recurrence of hc_ssa_lrr:
 * f[h] = sum_{j=1}^{L-1} a[j-1] z_{n+h-j}, h = 0..H-1, with z = (s[0..n-1], f[0..H-1]), so
 * forecasts feed back into the recurrence (Golyandina & Zhigljavsky 2013, sec. 3.2.1).
 * Cost H (L-1) flops, no allocation.
 * @param s reconstructed series s[0..n-1] (hc_ssa_reconstruct), n >= L - 1
 * @param L window length, a coefficients a[0..L-2] from hc_ssa_lrr
 * @param H horizon (observations), f [out] f[0..H-1] in the units of s. Not collective.
 */
void hc_ssa_forecast(const double *s, int n, int L, const double *a, int H, double *f);

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
