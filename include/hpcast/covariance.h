/**
 * @file covariance.h
 * @brief The cross-sectional stage: a correlation forecast of a whole universe from the
 *        standardized residuals of the per-ticker models (Ledoit-Wolf shrinkage, DCC(1,1) by
 *        composite likelihood, a principal-component factor model), and its evaluation by a
 *        rolling global minimum-variance portfolio.
 *
 * Data layout. The stage works on a panel: N rows (tickers, in the caller's order, e.g. the
 * report's /summary order among the tickers that enter) by T dates (the last dates of the union
 * calendar of the rows). The panel is distributed over the ranks of a communicator by rows, in
 * PETSc's default contiguous split of N (PetscSplitOwnership): each rank holds the dates of its
 * rows only, as PETSc MATMPIDENSE matrices; a rank may hand in rows of any index (the
 * residuals stay where they were computed until the panel's assembly moves them). Nothing is
 * N x N unless the model is `shrink` or `dcc` (then N x N / ranks per rank); `factor:K` holds
 * O(N T / ranks + N K) per rank.
 *
 * Every function here is collective on the panel's communicator unless it says otherwise.
 * The module does no MPI communication itself (it asks MPI only its rank and size): reductions
 * and data movement are PETSc's (Vec assembly, VecScatter, MatMatTransposeMult, SLEPc, TAO, KSP). Errors are PETSc errors
 * (allocation, a PETSc or SLEPc failure); a numerical outcome (a DCC that does not converge,
 * too few overlapping observations) is a field of the result, never an error.
 */
#ifndef HPCAST_COVARIANCE_H
#define HPCAST_COVARIANCE_H

#include <petscmat.h>

/** Correlation models (option -covariance none|shrink|dcc|factor:K). */
typedef enum { HC_COV_NONE, HC_COV_SHRINK, HC_COV_DCC, HC_COV_FACTOR } hc_cov_model;

/** "none", "shrink", "dcc" or "factor". Not collective. */
const char *hc_cov_model_name(hc_cov_model m);

/** Options of the stage (-covariance, -covariance_min_overlap, -covariance_window, ...). */
typedef struct {
  hc_cov_model model;
  int          n_factors;   /**< K of factor:K, 1 <= K */
  int          min_overlap; /**< a row enters with at least this many observations in the window,
                                 a pair's sample correlation with at least this many common ones */
  int          window;      /**< estimation window: the last `window` dates of the calendar */
  int          full_max;    /**< largest N of an N x N model (shrink, dcc); beyond: factor form */
  int          origins;     /**< minimum-variance backtest: the last `origins` dates (0: none) */
  int          refit_every; /**< ... re-estimated every `refit_every` dates */
} hc_cov_options;

/** Defaults: shrink, K = 10, min_overlap 250, window 750, full_max 2000, origins 250, refit 20. */
void hc_cov_options_default(hc_cov_options *o);

/**
 * One row of the panel as a rank hands it in: a ticker's observations, ascending in date.
 * z are the standardized residuals e_t / sigma_t of its selected model; e and sd are its
 * out-of-sample one-step forecast errors y_t - mean_t and forecast sds (NaN where the ticker's
 * backtest made none). Units: z unitless, e and sd percent (units of the returns).
 */
typedef struct {
  int           index; /**< row of the panel, 0 <= index < N, each index handed in once */
  int           n;     /**< observations */
  const int    *day;   /**< [n] days since 1970-01-01, strictly ascending */
  const double *z;     /**< [n] standardized residuals */
  const double *e;     /**< [n] one-step forecast errors, NaN if none */
  const double *sd;    /**< [n] one-step forecast sds, NaN if none */
  const double *mu;    /**< [n] one-step forecast means (e + mu = the return), NaN if none; NULL: all NaN */
} hc_cov_row;

/** The fields of a panel row (hc_cov_row's arrays). */
typedef enum { HC_COV_Z, HC_COV_E, HC_COV_SD, HC_COV_MU, HC_COV_N_FIELDS } hc_cov_field;

/** The distributed panel (opaque). */
typedef struct hc_cov_panel hc_cov_panel;

/**
 * Assemble the panel of N rows from the rows each rank hands in (rows[0..n_local-1], any
 * indices): the calendar is the union of the rows' dates, its last `span` dates are the panel's
 * columns (a date of no row is not in it), and each row moves to the rank that owns its index
 * in PETSc's split of N. Missing cells are NaN. The caller's arrays are copied.
 * Collective on comm. Errors: PETSc's (allocation, communication).
 */
PetscErrorCode hc_cov_panel_create(MPI_Comm comm, int N, int n_local, const hc_cov_row *rows, int span, hc_cov_panel **p);
/** The panel's dates T and its rows N. Not collective. */
void hc_cov_panel_size(const hc_cov_panel *p, int *N, int *T);
/** Day (since 1970-01-01) of panel date c, 0 <= c < T. Not collective. */
int hc_cov_panel_day(const hc_cov_panel *p, int c);
/** A new [N] Vec in the panel's row layout (PETSc's split of N). Collective. */
PetscErrorCode hc_cov_panel_vec(const hc_cov_panel *p, Vec *v);
/**
 * The values of field f at panel date c (0 <= c < T) of this rank's rows into v (a Vec of
 * hc_cov_panel_vec's layout; NaN where a row has no observation). Not collective.
 */
PetscErrorCode hc_cov_panel_column(const hc_cov_panel *p, hc_cov_field f, int c, Vec v);
/** Free the panel and set *p = NULL (safe on NULL). Collective. */
PetscErrorCode hc_cov_panel_destroy(hc_cov_panel **p);

/**
 * A correlation forecast: for dates after the window, R (N x N) or R = B B' + diag(psi).
 * Rows outside the model (member[i] = 0: fewer than min_overlap observations in the window)
 * have unit diagonal and zero correlations. R is symmetric with unit diagonal and its smallest
 * eigenvalue is at least HC_COV_EIG_FLOOR (a shrink estimate is shrunk further toward the
 * identity until it is: the eigenvalue floor is reached by shrinkage, never by clipping).
 */
typedef struct {
  hc_cov_model model;           /**< the model that produced R (dcc may fall back to shrink) */
  char         reason[256];     /**< why the requested model was not used, "" otherwise */
  int          N, n_members, window; /**< rows, rows in the model, dates of the window */
  long         n_low_pairs;     /**< member pairs with fewer than min_overlap common dates (correlation 0) */
  double       shrinkage;       /**< intensity used (shrink, and the dcc target), in [0,1] */
  double       shrinkage_lw;    /**< Ledoit-Wolf's optimal intensity (before the eigenvalue floor) */
  double       lambda_min;      /**< smallest eigenvalue of R (full forms); NaN for factor */
  double       a, b, se_a, se_b; /**< DCC(1,1) parameters and sandwich standard errors; NaN otherwise */
  double       loglik;          /**< DCC composite log-likelihood (correlation part) at (a, b) */
  int          n_pairs, iterations, tao_reason; /**< DCC pairs in the likelihood, TAO iterations and reason */
  int          K;               /**< factors (factor) */
  double       explained;       /**< factor: sum of the K eigenvalues / members */
  Mat          R;               /**< N x N MATMPIDENSE (shrink, dcc), else NULL */
  Mat          B;               /**< N x K MATMPIDENSE loadings (factor), else NULL */
  Vec          psi;             /**< [N] specific variances (factor), else NULL */
  Vec          member;          /**< [N] 1 if the row is in the model, else 0 */
  Vec          n_obs;           /**< [N] observations of the row in the window */
} hc_cov_estimate;

/** Smallest eigenvalue allowed in a full correlation forecast. */
#define HC_COV_EIG_FLOOR 1e-3
/** Smallest specific variance of a factor model (a loading row is scaled down to keep it). */
#define HC_COV_PSI_FLOOR 1e-2

/**
 * Estimate the correlation forecast of model o->model from panel dates [c1 - o->window, c1)
 * (clipped at 0), for the dates from c1 on. Models:
 *  - shrink: x = z standardized per row over its window observations (mean, population sd);
 *    s_ij = sum x_it x_jt over the n_ij common dates / sqrt(n_i n_j) (0 if n_ij < min_overlap;
 *    positive semi-definite, as the pairwise mean is not; = the sample correlation for complete data),
 *    s_ii = 1; R = (1 - s) S + s I with the Ledoit-Wolf (2004) optimal intensity
 *    s = min(beta, delta) / delta, delta = ||S - I||_F^2 / N,
 *    beta = (1/N) sum_ij (1/n_ij) [(1/n_ij) sum x_it^2 x_jt^2 - m_ij^2], m_ij = the pair's mean
 *    product over its common dates
 *    (O. Ledoit and M. Wolf, J. Multivariate Anal. 88 (2004) 365-411, Lemma 3.2-3.4 and
 *    Theorem 3.2, with mu = trace(S)/N = 1; with complete data this is scikit-learn's
 *    LedoitWolf on x); then raised if needed so that lambda_min(R) >= HC_COV_EIG_FLOOR
 *    (lambda_min(S) by SLEPc).
 *  - dcc: DCC(1,1) with correlation targeting (R. Engle, JBES 20(3) 2002, eqs. 17 and 26):
 *    Q_t = (1-a-b) Qbar + a z_{t-1} z_{t-1}' + b Q_{t-1}, a, b >= 0, a + b < 1, estimated by the
 *    composite likelihood of the contiguous pairs (i, i+1) of member rows (Engle, Ledoit &
 *    Sheppard 2008; Pakel, Shephard, Sheppard & Engle, JBES 39(1) 2021): for each pair, over its
 *    common dates, Qbar = the pair's second-moment matrix, Q_1 = Qbar, and the correlation
 *    log-likelihood -1/2 sum_t (log|R_t| + z_t' R_t^-1 z_t - z_t' z_t); maximised by TAO (BQNLS
 *    on a logistic reparametrisation) from `start` (a, b) (NULL: 0.05, 0.90); standard errors
 *    by the sandwich H^-1 J H^-1 (H: Hessian of the composite likelihood by differences of its
 *    analytic gradient, J = sum_t s_t s_t' of the per-date scores summed over the pairs). The
 *    forecast: Q_{c1} from the recursion over the window with the shrink estimate as Qbar,
 *    R = diag(Q)^-1/2 Q diag(Q)^-1/2. A failed or unconverged fit, or a + b >= 0.999, falls
 *    back to shrink with the reason.
 *  - factor: the K leading eigenpairs (SLEPc, Krylov-Schur) of C = X X' / window, X the rows'
 *    standardized window observations scaled by sqrt(window / n_i), 0 where missing, by a shell
 *    operator v -> X (X' v) / window (no N x N and no window x window matrix); B = U_K
 *    Lambda_K^{1/2}, psi_i = 1 - |B_i|^2 (a row with |B_i|^2 > 1 - HC_COV_PSI_FLOOR is scaled
 *    down to it).
 * A shrink or dcc request with more than o->full_max members is estimated as factor (reason
 * says so). est is overwritten (call hc_cov_estimate_free before reusing it). Collective.
 */
PetscErrorCode hc_cov_estimate_compute(const hc_cov_panel *p, const hc_cov_options *o, int c1, const double *start, hc_cov_estimate *est);
/** Free the objects of est and zero it (safe on a zeroed est). Collective. */
PetscErrorCode hc_cov_estimate_free(hc_cov_estimate *est);

/**
 * y = R x for the estimate's correlation (dense or factor form); x, y distributed like the
 * panel's rows ([N], PETSc's split). Collective.
 */
PetscErrorCode hc_cov_estimate_mult(const hc_cov_estimate *est, Vec x, Vec y);

/**
 * The estimate's arrays gathered on rank 0 of the panel's communicator, in row order (others
 * get NULL): R [N * N] row-major (full forms) or B [N * K] row-major and psi [N] (factor), and
 * member [N], n_obs [N]. Arrays are PetscMalloc'd; free with PetscFree. Collective.
 */
PetscErrorCode hc_cov_estimate_gather(const hc_cov_estimate *est, double **R, double **B, double **psi, int **member, int **n_obs);

/**
 * The DCC composite log-likelihood and its gradient at (a, b) over the panel dates [c0, c1) of
 * the rows with at least o->min_overlap observations there, as hc_cov_estimate_compute
 * maximises it (pairs with fewer than o->min_overlap common dates are left out). grad [2] and
 * n_pairs (the pairs used) may be NULL. Collective.
 */
PetscErrorCode hc_cov_dcc_loglik(const hc_cov_panel *p, const hc_cov_options *o, int c0, int c1, double a, double b, double *loglik,
                                 double *grad, int *n_pairs);

/** The minimum-variance backtest of one model: daily series and summary (all ranks). */
typedef struct {
  int     n_days;        /**< dates evaluated */
  int    *day;           /**< [n_days] days since 1970-01-01 */
  int    *n_assets;      /**< [n_days] rows held that day */
  double *r_gmv, *s_gmv; /**< [n_days] realized return and predicted sd of the minimum-variance book, percent */
  double *r_ew, *s_ew;   /**< [n_days] the same for the equal-weight book */
  int     n_refits;      /**< estimates made (one per refit date) */
  int     n_fallbacks;   /**< of which fell back (dcc to shrink) */
  double  vol_gmv, vol_ew;   /**< realized sd of the daily book returns, percent per day */
  double  pred_gmv, pred_ew; /**< root mean predicted variance, percent per day */
  double  bias_gmv, bias_ew; /**< mean of (r / s)^2: realized over predicted variance, ideally 1 */
} hc_cov_backtest;

/**
 * Rolling-origin evaluation of the correlation model o->model over the panel's last o->origins
 * dates: at every o->refit_every-th date c (the first is T - origins), the model is estimated
 * on the window ending before c (data up to the day before c only) and the global
 * minimum-variance portfolio w = S^-1 1 / (1' S^-1 1), S = D R D with D the rows' one-step
 * forecast sds of date c, over the rows in the model with a forecast at c (long-short, weights
 * summing to 1; S^-1 1 by CG on R, KSP). The weights are held until the next refit date; each
 * date t its return r_t = w' e_t (a row without an observation contributes 0) and predicted
 * sd s_t = sqrt(w' D_t R D_t w) with that date's one-step sds. The equal-weight book of the same
 * rows is evaluated alike. Collective; bt's arrays are PetscMalloc'd on every rank (identical).
 */
PetscErrorCode hc_cov_backtest_run(const hc_cov_panel *p, const hc_cov_options *o, hc_cov_backtest *bt);
/** Free bt's arrays and zero it. Not collective. */
PetscErrorCode hc_cov_backtest_free(hc_cov_backtest *bt);

#endif
