/**
 * @file app.h
 * @brief The hpcast application: options and the driver that wires the data flow.
 */
#ifndef HPCAST_APP_H
#define HPCAST_APP_H

#include <petscsys.h>
#include "hpcast/covariance.h"
#include "hpcast/data.h"
#include "hpcast/eval.h"
#include "hpcast/indicators.h"
#include "hpcast/io.h"
#include "hpcast/models.h"
#include "hpcast/portfolio.h"

#define HC_MAX_ORDERS 1024

/** Every option of a run, validated. */
typedef struct {
  char            data_dir[HC_PATH_LEN], data_file[HC_PATH_LEN], report[HC_PATH_LEN];
  char            column[HC_NAME_LEN];
  char            mean_models[256], vol_models[256];
  hc_gate_options gate;
  int             n_mean;
  hc_spec         mean[HC_MAX_ORDERS];
  int             seasonal_period;  /**< -seasonal_period: > 1, or 0 for auto (periodogram) */
  hc_ic           ic;
  hc_search       search;
  int             n_vol;
  hc_spec         vol[HC_MAX_VOL_SPECS];
  int             horizon;
  hc_fit_options  fit;
  int             own_starts;            /**< -fit_starts own: mean-model fits from their family's own start alone */
  char            exog[128];             /**< -exog list, "" for none */
  char            warm_start[HC_PATH_LEN]; /**< -warm_start: a previous report, "" for none */
  int             n_ind;
  hc_indicator    ind[HC_IND_COUNT];
  hc_backtest_options backtest;          /**< -backtest_origins, -refit_every, -window, -ensemble, -cost_bps */
  int             dynamic;               /**< -schedule dynamic (1) or static (0) */
  int             resume;                /**< -resume no (0), auto (1), yes (2) */
  int             shard, n_shards;       /**< -shard I/N (0/1: the whole universe) */
  double          progress_interval;     /**< -progress_interval, seconds */
  int             spec_block;            /**< -spec_block: mean specs per work unit (grid search) */
  int             n_blocks;              /**< blocks per ticker: ceil(n_mean / spec_block), 1 for stepwise */
  unsigned long long fingerprint;        /**< hash of the result-affecting options (journal): hc_app_fingerprint */
  char            covariance[32];        /**< -covariance as given */
  hc_cov_options  cov;                   /**< -covariance, -covariance_min_overlap, _window, _full_max; origins and
                                              refit_every from -backtest_origins and -refit_every */
  char            portfolio[16];         /**< -portfolio as given */
  hc_port_options port;                  /**< -portfolio, -long_only, -max_weight, -max_gross, -max_sector_weight,
                                              -risk_aversion; cost from -cost_bps, horizon from -refit_every */
  char            sectors[HC_PATH_LEN];  /**< -sectors FILE ("" if none) */
  char            update_from[HC_PATH_LEN]; /**< hpcast update -from: the report it updates ("" for the main job) */
  int             refit_after;           /**< hpcast update -refit_after D: refit a fit older than D observations */
  double          refit_pit_ks;          /**< -refit_pit_ks X: refit when the 1-step track's PIT KS distance exceeds X
                                              (0: the KS test's 1 % critical value 1.628 / sqrt(n)) */
  char            model_options[2048];   /**< "name=value;..." of the options that decide the models
                                              (hc_app_model_options; the report's root attribute) */
} hc_app_options;

/**
 * Record that the running command reads option `name` (with its dash, e.g. "-horizon"), for the
 * unknown-option check and its "did you mean" hint, and for the journal fingerprint. Every
 * option a command reads goes through it (the typed readers below call it). @return name.
 * Not collective.
 */
const char *hc_app_opt(const char *name);
/**
 * Set the value of option `name` that the journal fingerprint hashes: its validated value, the
 * default when it is not given (printf format). The typed readers below set it; a command sets
 * it again when the fingerprint should see less than the text (-shard: only N). Not collective.
 */
PetscErrorCode hc_app_opt_value(const char *name, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
/** Read the string option `name` into v[len] (its default on entry) inside a PetscOptionsBegin/End
 * block, as PetscOptionsString, and record it (hc_app_opt, hc_app_opt_value). Collective. */
PetscErrorCode hc_app_opt_string(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, char *v, size_t len, PetscBool *set);

/** What an option is to the journal fingerprint (the two lists of usage.c). */
typedef enum {
  HC_OPT_UNLISTED = 0, /**< in neither list (or in both): a mistake of the tables; hashed, to be safe */
  HC_OPT_RESULT,       /**< changes what a run computes: hashed */
  HC_OPT_RUN           /**< changes where, how or how visibly it computes: not hashed */
} hc_app_opt_class;
/**
 * The class of option `name` (with its dash): by the lists of the commands' options in usage.c,
 * else by the lists of PETSc option prefixes there (-fit_tao_* is a result option, -log_view
 * a run option). Not collective.
 */
hc_app_opt_class hc_app_opt_classify(const char *name);
/** The i-th option the running command has read so far (i from 0), with the value the
 * fingerprint hashes (NULL if none was set). @return 1, or 0 past the last one. */
int hc_app_opt_read(int i, const char **name, const char **value);
/**
 * The journal fingerprint of the running command: FNV-1a 64 (Fowler, Noll & Vo) of
 * "hpcast HPCAST_VERSION", then, in name order, "name=value" of every option the command read
 * that is not a run option (by its validated value: two runs of the same effective options
 * match, whether an option was given or left at its default), then "name=value" of every
 * option of the PETSc options database under a result prefix (-fit_tao_*, -fit_ksp_*,
 * -fit_pc_*, -ensemble_tao_*) as given. Call after the command has read and validated all its
 * options. Not collective (every rank sees the same options and gets the same value).
 */
PetscErrorCode hc_app_fingerprint(unsigned long long *fp);
/**
 * Read the integer option `name` inside a PetscOptionsBegin/End block (listed by -help with its
 * current value *v): a value that is not an integer in lo..hi (hi = INT_MAX: no upper bound),
 * including one that overflows, stops the run with PETSC_ERR_USER_INPUT and the message
 * "NAME VALUE: allowed values are integers lo..hi". Collective on PETSC_COMM_WORLD.
 */
PetscErrorCode hc_app_opt_int(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, long lo, long hi, int *v);
/**
 * Read the real option `name` (as hc_app_opt_int): a value that is not a finite real in the
 * interval from lo to hi (open at an end where open_lo / open_hi is 1; hi = INFINITY: no upper
 * bound) stops the run with PETSC_ERR_USER_INPUT naming the option and the interval. Collective.
 */
PetscErrorCode hc_app_opt_real(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, double lo, double hi,
                               int open_lo, int open_hi, double *v);
/** Read the boolean option `name`: true/yes/on/1 (or no value), false/no/off/0; anything else is a
 * PETSC_ERR_USER_INPUT naming the option. Collective on PETSC_COMM_WORLD. */
PetscErrorCode hc_app_opt_bool(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, PetscBool *v);
/**
 * Stop with PETSC_ERR_USER_INPUT if the options database holds an option that the command has
 * not read and that is not one of PETSc's own (by prefix: -log_, -malloc, -options_, -fit_tao_,
 * -fit_ksp_, -fit_pc_, -ensemble_tao_, -info, -help, -on_error_, debugger and trap options;
 * usage.c lists them):
 * "unknown option -horizn (did you mean -horizon?)", the hint being the closest option the
 * command reads (Levenshtein distance). Call after the command has read all its options.
 * Collective on PETSC_COMM_WORLD (every rank sees the same options).
 */
PetscErrorCode hc_app_options_check_unknown(void);
/**
 * PETSc error handler of hpcast (PetscPushErrorHandler): a PETSC_ERR_USER_INPUT error is kept
 * for hc_app_user_error() and printed by nobody (main prints it once, on rank 0, and exits 2);
 * every other error goes to PetscTraceBackErrorHandler, PETSc's full trace. Not collective.
 */
PetscErrorCode hc_app_error_handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p,
                                    const char *mess, void *ctx);
/** The message of the last user error (PETSC_ERR_USER_INPUT), "" if none. Not collective. */
const char *hc_app_user_error(void);

/** Exit code of a run that checkpointed on SIGTERM/SIGUSR1/SIGINT (resubmit to continue): EX_TEMPFAIL. */
#define HC_EXIT_CHECKPOINTED 75
/** Exit code of a bad option or usage. */
#define HC_EXIT_USAGE 2

/**
 * Read and validate every option from the PETSc options database (collective on
 * PETSC_COMM_WORLD; -help lists them with their defaults). A bad value stops the run
 * with PETSC_ERR_USER_INPUT and a message naming the option and the allowed values. update:
 * the options of hpcast update as well (-from, required; -refit_after, -refit_pit_ks).
 */
PetscErrorCode hc_app_options_load(hc_app_options *o, int update);
/**
 * "name=value;..." (in the order read) of the options of the running command that decide the
 * models: the result options (usage.c) other than where the data are (-data_dir, -data_file),
 * -warm_start, -shard and the daily update's own (-from, -refit_after, -refit_pit_ks), into
 * buf[len]. A daily update refuses a report whose string differs (hc_app_update_check).
 * Not collective.
 */
PetscErrorCode hc_app_model_options(char *buf, size_t len);

/**
 * Run the main job: the universe (or its -shard) as work units ordered by cost, scheduled over
 * the ranks of PETSC_COMM_WORLD (-schedule dynamic: shared counter; static: LPT partition),
 * each unit loaded, gated, fitted, backtested and forecast; records streamed to rank 0, which
 * appends them to the journal <report>.journal (resuming from it, -resume) and at the end
 * writes the report atomically and removes the journal (kept for -shard runs: hpcast merge
 * reads it). On SIGTERM, SIGUSR1 or SIGINT on any rank every rank stops at its next unit boundary and
 * *checkpointed = 1 (the journal holds every finished unit). Collective on PETSC_COMM_WORLD.
 */
PetscErrorCode hc_app_run(const hc_app_options *o, int *checkpointed);
/**
 * Catch SIGTERM, SIGUSR1 and SIGINT from now on (in place of PETSc's handlers, which abort): the
 * signal only sets a flag that hc_app_run reads at unit boundaries. Call right after
 * PetscInitialize so a signal during start-up also ends in a checkpoint. Not collective.
 */
void hc_app_catch_stop_signals(void);

/**
 * `hpcast merge -report OUT -merge_inputs A.h5,B.h5,...`: combine the shard reports of a
 * sweep (-shard I/N runs keep their journal beside the report) into one report equal to a
 * single run over the union of the tickers. Run on one process. Errors name the input.
 */
PetscErrorCode hc_app_merge(void);
/** `hpcast report perf -report FILE`: print the /perf table of a report. */
PetscErrorCode hc_app_report_perf(void);
/** hpcast convert: -data_dir DIR (or -data_file FILE [-data_format wide]) into the HDF5 panel
 *  -out FILE (docs/panel.md); one process. Errors: PETSC_ERR_USER_INPUT for a bad option or an
 *  unreadable input, PETSC_ERR_FILE_WRITE when the panel cannot be written (nothing is left). */
PetscErrorCode hc_app_convert(void);

/** Per-rank state of the per-ticker pipeline (pipeline.c): options, FFTW plan cache, timers. */
typedef struct hc_pipeline hc_pipeline;

/** Create the pipeline of one rank (an FFTW plan cache, the log events of load and fit). Not collective. */
PetscErrorCode hc_pipeline_create(const hc_app_options *o, PetscLogEvent ev_load, PetscLogEvent ev_fit, hc_pipeline **pl);
PetscErrorCode hc_pipeline_destroy(hc_pipeline **pl);
/** One entry of the universe as the pipeline takes it. */
typedef struct {
  const char *ticker, *path;
  const char *reason;   /**< why the listing found the entry unreadable ("" if it is readable) */
  long long   bytes;    /**< file size when listed, bytes */
  long long   mtime_ns; /**< modification time when listed, ns since 1970-01-01 UTC */
  int         entry;    /**< its index in the universe (the panel rows of the cross-sectional stage) */
  int         panel;    /**< 1: ticker `row` of the panel file `path` (hc_io_panel_read), 0: a CSV file */
  int         row;      /**< its index in the panel file (hc_universe.row) */
} hc_input;

/**
 * Read the series of entry `in`: its CSV file, or ticker in->row of the panel file in->path,
 * opened into *panel at the first such read and kept open for the next (hc_io_panel_close).
 * Not collective. @return as hc_io_read_csv: 0; 1 with reason (an unusable file or entry); -1
 * when memory runs out.
 */
int hc_app_read_series(hc_panel **panel, const hc_input *in, const char *column, hc_series *s, char *reason, size_t len);

/** Why an ok ticker has no observations in the cross-sectional panel (HC_PANEL_ROW: it has). */
typedef enum { HC_PANEL_NONE = 0, HC_PANEL_ROW, HC_PANEL_NOT_DAILY, HC_PANEL_NO_RESIDUALS } hc_panel_code;

/** A ticker's row of the cross-sectional panel, kept on the rank that modelled it: its last
 *  observations (at most -covariance_window + -backtest_origins) by date. */
typedef struct {
  int           entry;    /**< universe index */
  hc_panel_code code;
  int           n;
  int          *day;      /**< [n] days since 1970-01-01 */
  double       *z;        /**< [n] standardized residuals of the selected model */
  double       *e, *sd;   /**< [n] out-of-sample one-step forecast error and sd (NaN outside the backtest) */
  double       *mu;       /**< [n] its one-step forecast mean (e + mu = the return) */
  double        mu_next, sd_next; /**< the live one-step forecast (/forecast h = 1): the next date's */
} hc_panel_row;

/**
 * Process one ticker into r (initialised here, with the identity of its input: bytes, mtime_ns
 * and the hash of the rows read): an entry the listing found unreadable is rejected with its
 * reason without being opened; else read the CSV, quality gate, transform,
 * technical-indicator regressors (-exog, lagged one bar), seasonal period (-seasonal_period
 * or detection), then the steps of the per-ticker flow (pipeline.c: selection of the mean and
 * the volatility models, forecast, residual diagnostics, selection again on the first backtest
 * window, backtest, ensemble weights and forecast, trading). With blocks != NULL the mean-model grid was fitted by
 * hc_pipeline_block units: blocks[0..n_blocks-1] are their records (whole-sample fits) and
 * blocks[n_blocks..2 n_blocks-1] the first backtest window's, in block order; only the
 * selection among them is done here. Every outcome of the ticker (ok, rejected, failed) is a
 * status in r; a rejected row has n_obs 0 and no dates; an ok row's reason is the reader's note
 * on the input ("reversed: newest first") or "". Only fatal errors are returned. Not collective.
 */
PetscErrorCode hc_pipeline_run(hc_pipeline *pl, const hc_input *in, int n_blocks, const hc_result *blocks, hc_result *r);
/**
 * One block (-spec_block specs) of a ticker's mean-model grid: the same preparation as
 * hc_pipeline_run, then the order search of that block (hc_search_mean with an hc_grid_part) on
 * the whole sample into whole and, when the backtest runs, on its first window into first (initialised here;
 * no fits if the ticker is rejected: hc_pipeline_run on the owner records why). Not collective.
 */
PetscErrorCode hc_pipeline_block(hc_pipeline *pl, const hc_input *in, int block, hc_result *whole, hc_result *first);
/**
 * hpcast update, one ticker into r: its data read and gated as hc_pipeline_run does, and its
 * record in the report -from (opened at the first call). If PREV has it ok and its data are
 * PREV's rows with new rows appended (the same count and hash of the first rows), a fit not
 * older than -refit_after observations and a calibrated track, PREV's fits filter the new
 * observations with no fit (the live forecast, the residual diagnostics, the 1-step track
 * extended by the new origins: hc_backtest_extend); r->action = "filtered". Otherwise the
 * ticker runs through hc_pipeline_run and r->action = "refit: <why>" (a new ticker, a revised
 * history, a fit too old, drifted calibration, PREV's models not restorable). A ticker not ok in
 * PREV with the same data keeps PREV's row ("kept: ..."); one rejected today is rejected with
 * today's reason. Only fatal errors are returned. Not collective.
 */
PetscErrorCode hc_pipeline_update(hc_pipeline *pl, const hc_input *in, hc_result *r);
/**
 * The panel rows this rank's pipeline kept (one per ok ticker it ran, when -covariance is not
 * none), in the order the tickers ran. Not collective.
 */
void hc_pipeline_panel(const hc_pipeline *pl, int *n, const hc_panel_row **rows);
/** The cross-sectional stage's result on rank 0: the report's view and the arrays it points to. */
typedef struct {
  hc_report_covariance report;
  hc_cov_backtest      bt;
  double              *R, *B, *psi;
  int                 *member, *n_obs;
  char               (*why)[HC_REASON_LEN];
  char               (*dates)[HC_LABEL_LEN];
  char                 model[32], reason[256], first[HC_LABEL_LEN], last[HC_LABEL_LEN];
  /* the portfolio (report.portfolio-related arrays; has_book = 0 with -portfolio none) */
  int                  has_book;
  hc_report_portfolio  book;
  hc_port_backtest     pbt;
  double              *weight, *r_strategies;
  char               (*book_why)[HC_REASON_LEN];
  char               (*book_dates)[HC_LABEL_LEN];
  char                 status[64], note[160];
} hc_app_stage;

/**
 * The cross-sectional stage (stage.c): the panel of the run's tickers from every rank's
 * pipeline rows, the correlation forecast and its minimum-variance backtest, gathered into
 * st->report on rank 0 (zeroed elsewhere); then, unless -portfolio none, the book's rolling
 * backtest and the book to hold (st->book on rank 0; u: the universe, for -sectors). pos[i]: the /summary row of universe entry i, or
 * -1; N: /summary rows. Collective on PETSC_COMM_WORLD.
 */
PetscErrorCode hc_app_covariance(const hc_app_options *o, const hc_universe *u, hc_pipeline *pl, const int *pos, int N, hc_app_stage *st);
/**
 * The rows of /backtest/portfolio on rank 0 from the stage st (NULL: none) and the equal-weight
 * book of the per-ticker strategies pf (its metrics m_strat over its own dates): with a book,
 * the book, the strategies and the benchmark, all on the book's backtest dates, with their
 * performance against the benchmark (st->book.r_strategies is set here); else the strategies
 * alone (m_strat). books has room for 3. Not collective.
 */
PetscErrorCode hc_app_books(const hc_app_options *o, hc_app_stage *st, const hc_portfolio *pf, const hc_trading_metrics *m_strat,
                            hc_report_book *books, int *n_books);
/** The /backtest/portfolio row of the equal-weight book of the per-ticker strategies alone (its
 *  metrics m; no benchmark: its active figures NaN), as a run without a book and hpcast merge
 *  write it. Not collective. */
void hc_app_strategies_row(const hc_trading_metrics *m, hc_report_book *b);
/** Free what hc_app_covariance allocated in st and zero it. Not collective. */
PetscErrorCode hc_app_covariance_free(hc_app_stage *st);
/** Seconds spent reading input and fitting so far. */
void hc_pipeline_times(const hc_pipeline *pl, double *io_s, double *fit_s);
/** Model fits (hc_fit calls) run by the pipeline so far: the grid and volatility fits on the
 *  whole sample and the first backtest window, and the backtest's refits. Not collective. */
long hc_pipeline_fits(const hc_pipeline *pl);

#endif
