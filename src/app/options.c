/**
 * @file options.c
 * @brief Options of hpcast through the PETSc options database.
 */
#include "app.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode hc_app_options_load(hc_app_options *o, int update)
{
  PetscBool set_dir = PETSC_FALSE, set_file = PETSC_FALSE, flg;
  char      transform[32] = "logret100", stderr_type[32] = "hessian", err[1024], season[32] = "auto";
  char      ic[16] = "aic", search[16] = "grid", fit_starts[16] = "structured";
  PetscBool vt = PETSC_FALSE, screen_css = PETSC_FALSE;
  char      window[32] = "expanding", ensemble[128] = "equal,invmse,akaike,stacking";
  char      schedule[16] = "dynamic", resume[16] = "auto", shard[32] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  hc_gate_options_default(&o->gate);
  hc_fit_options_default(&o->fit);
  PetscCall(PetscStrcpy(o->column, "adjusted_close"));
  PetscCall(PetscStrcpy(o->report, "out/report.h5"));
  PetscCall(PetscStrcpy(o->mean_models, "arma(0..2,0..2)"));
  PetscCall(PetscStrcpy(o->vol_models, "none,garch(1,1):normal,garch(1,1):t"));
  o->horizon = 10;
  hc_backtest_options_default(&o->backtest);
  hc_cov_options_default(&o->cov);
  PetscCall(PetscStrcpy(o->covariance, "shrink"));
  hc_port_options_default(&o->port);
  PetscCall(PetscStrcpy(o->portfolio, "gmv"));
  PetscBool long_only = PETSC_TRUE;
  char      pit_ks[32] = "auto";

  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "hpcast: SARIMAX/GARCH fits and forecasts of a ticker universe", NULL);
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-data_dir", "Directory with one CSV per ticker (file stem = ticker)", o->data_dir, sizeof o->data_dir, &set_dir));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-data_file", "One CSV series (its ticker is the file stem), or an HDF5 panel file of many tickers (hpcast convert)", o->data_file, sizeof o->data_file, &set_file));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-column", "Value column of the CSV files", o->column, sizeof o->column, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-transform", "Series transform: logret100 (100 x log return) or none", transform, sizeof transform, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-report", "Path of the HDF5 report", o->report, sizeof o->report, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-mean_models", "Mean models of the grid: arma(p,q), arima(p,d,q), sarima(p,d,q)(P,D,Q)S, ssa(L,r[,p]); ranges lo..hi; e.g. arma(0..2,0..2),ssa(auto,auto)", o->mean_models, sizeof o->mean_models, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-seasonal_period", "Period s of sarima(...)(...)s specs: an integer >= 2 or auto (periodogram)", season, sizeof season, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-ic", "Information criterion of the order search and selection: aic, aicc or bic", ic, sizeof ic, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-order_search", "Order search: grid (every spec) or stepwise (Hyndman-Khandakar 2008)", search, sizeof search, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-exog", "Technical indicators as regressors of the mean, lagged one bar: none or a list of atr, rsi, stochrsi, volz, dow", o->exog, sizeof o->exog, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-warm_start", "A previous report whose fits are extra starting values (daily refits)", o->warm_start, sizeof o->warm_start, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-vol_models", "Volatility models: none, garch(1,1):normal, garch(1,1):t", o->vol_models, sizeof o->vol_models, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-stderr", "Standard errors: hessian, opg or robust (Bollerslev-Wooldridge)", stderr_type, sizeof stderr_type, NULL));
  PetscCall(hc_app_opt_bool(PetscOptionsObject, "-variance_targeting", "Volatility models: omega implied by the sample variance", &vt));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-horizon", "Forecast horizon H (observations)", 1, 1000, &o->horizon));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-max_zero_share", "Quality gate: largest share of zero returns (a stale or halted price) a logret100 series may have (1: off)", 0.0, 1.0, 0, 0, &o->gate.max_zero_share));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-min_obs", "Fewest modelled observations a ticker needs", 20, INT_MAX, &o->gate.min_obs));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-fit_max_it", "TAO iteration cap per start", 1, INT_MAX, &o->fit.max_it));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-fit_random_starts", "Extra random perturbed starts per fit", 0, 8, &o->fit.n_random));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-fit_starts", "Starts of the mean-model fits: structured (the family's own start, the lower neighbours' and, for ARMA, near-cancelling root pairs) or own (the family's own start alone, as R arima and gretl)", fit_starts, sizeof fit_starts, NULL));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-fit_screen_its", "Iterations of each start before only the best -fit_screen_keep continue (0: every start to convergence)", 0, 1000, &o->fit.screen_its));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-fit_screen_keep", "Starts that continue after the screen", 1, 16, &o->fit.screen_keep));
  PetscCall(hc_app_opt_bool(PetscOptionsObject, "-fit_screen_css", "Screen the starts of ARMA fits on the conditional (CSS) likelihood; the exact solve runs from the -fit_screen_keep best", &screen_css));
  o->fit.screen_css = screen_css == PETSC_TRUE;
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-fit_gatol", "Gradient tolerance on the mean log-likelihood per observation", 0.0, INFINITY, 1, 0, &o->fit.gatol));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-backtest_origins", "Rolling-origin backtest over the last K observations (0: off)", 0, INT_MAX, &o->backtest.origins));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-refit_every", "Backtest: re-estimate the parameters every m origins", 1, INT_MAX, &o->backtest.refit_every));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-window", "Backtest estimation window: expanding or rolling:N", window, sizeof window, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-ensemble", "Ensemble weighting schemes: a list of equal, invmse, akaike, stacking", ensemble, sizeof ensemble, NULL));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-cost_bps", "Trading evaluation: cost per unit of turnover, basis points", 0.0, 10000.0, 0, 1, &o->backtest.trading.cost_bps));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-schedule", "Work distribution: dynamic (shared counter; name order, then a last block largest first) or static (LPT partition)", schedule, sizeof schedule, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-resume", "Resume from the journal beside the report: auto, yes or no", resume, sizeof resume, NULL));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-shard", "Process shard I of N of the universe (I/N, 0-based; job arrays)", shard, sizeof shard, NULL));
  o->progress_interval = 10.0;
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-progress_interval", "Seconds between progress lines of rank 0", 0.0, INFINITY, 1, 0, &o->progress_interval));
  o->spec_block = 16;
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-spec_block", "Mean-model specs per work unit: a larger grid is cut into blocks run on any rank and reduced by selection on the ticker's owner (grid search)", 1, INT_MAX, &o->spec_block));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-covariance", "Cross-sectional correlation forecast: none, shrink (Ledoit-Wolf), dcc (DCC(1,1), composite likelihood) or factor:K (K principal components)", o->covariance, sizeof o->covariance, NULL));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-covariance_min_overlap", "Covariance: fewest observations of a ticker in the window, and common observations of a pair", 2, 1000000, &o->cov.min_overlap));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-covariance_window", "Covariance: estimation window, the last W dates of the universe's calendar", 2, 1000000, &o->cov.window));
  PetscCall(hc_app_opt_int(PetscOptionsObject, "-covariance_full_max", "Covariance: most tickers of an N x N model (shrink, dcc); beyond, the factor form", 2, INT_MAX, &o->cov.full_max));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-portfolio", "Portfolio construction: none, gmv (global minimum variance), meanvar (mean-variance with turnover costs) or riskparity (equal risk contributions)", o->portfolio, sizeof o->portfolio, NULL));
  PetscCall(hc_app_opt_bool(PetscOptionsObject, "-long_only", "Portfolio: long-only (false: long-short, net weight 1)", &long_only));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-max_weight", "Portfolio: largest |weight| of one ticker", 0.0, 1.0, 1, 0, &o->port.max_weight));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-max_gross", "Portfolio: largest gross exposure sum |w| (long-short)", 1.0, 100.0, 0, 0, &o->port.max_gross));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-risk_aversion", "Portfolio meanvar: risk aversion lambda (per unit of decimal variance)", 0.0, 1e6, 1, 0, &o->port.risk_aversion));
  PetscCall(hc_app_opt_string(PetscOptionsObject, "-sectors", "Portfolio: a CSV with Symbol (or Ticker) and Sector columns, for the sector caps", o->sectors, sizeof o->sectors, NULL));
  PetscCall(hc_app_opt_real(PetscOptionsObject, "-max_sector_weight", "Portfolio: largest |weight| of a sector (with -sectors)", 0.0, 1.0, 1, 0, &o->port.max_sector_weight));
  if (update) {
    o->refit_after = o->backtest.refit_every;
    PetscCall(hc_app_opt_string(PetscOptionsObject, "-from", "hpcast update: the report to update (written by the job or an earlier update)", o->update_from, sizeof o->update_from, NULL));
    PetscCall(hc_app_opt_int(PetscOptionsObject, "-refit_after", "hpcast update: refit a ticker whose fit is older than D observations (0: every ticker with new observations)", 0, INT_MAX, &o->refit_after));
    PetscCall(hc_app_opt_string(PetscOptionsObject, "-refit_pit_ks", "hpcast update: refit a ticker whose 1-step PIT KS distance over its track exceeds X in (0,1], or auto (the KS test at 1 %: 1.628/sqrt(n))", pit_ks, sizeof pit_ks, NULL));
  }
  PetscOptionsEnd();

  PetscCall(PetscOptionsHasHelp(NULL, &flg));
  if (flg) PetscFunctionReturn(0);
  PetscCall(hc_app_options_check_unknown());
  PetscCheck(set_dir != set_file, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "give exactly one of -data_dir DIR (one CSV per ticker) or -data_file FILE (one CSV series, or an HDF5 panel)");
  PetscCheck(!hc_transform_parse(transform, &o->gate.transform), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-transform %s: allowed values are logret100, none", transform);
  PetscCheck(o->column[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-column: give the name of a CSV column, e.g. adjusted_close");
  PetscCheck(o->report[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-report: give a file path, e.g. out/report.h5");
  o->n_mean = hc_spec_parse_mean(o->mean_models, HC_MAX_ORDERS, o->mean, err, sizeof err);
  PetscCheck(o->n_mean > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-mean_models: %s", err);
  if (!strcmp(season, "auto")) o->seasonal_period = 0;
  else {
    char *end;
    long  v = strtol(season, &end, 10);
    PetscCheck(*season && !*end && v >= 2 && v <= 400, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-seasonal_period %s: allowed values are auto or an integer 2..400", season);
    o->seasonal_period = (int)v;
  }
  if (update) {
    PetscCheck(o->update_from[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-from: give the report to update, e.g. -from out/report.h5");
    char *end;
    o->refit_pit_ks = strcmp(pit_ks, "auto") ? strtod(pit_ks, &end) : 0.0;
    PetscCheck(!strcmp(pit_ks, "auto") || (*pit_ks && !*end && o->refit_pit_ks > 0.0 && o->refit_pit_ks <= 1.0), PETSC_COMM_WORLD,
               PETSC_ERR_USER_INPUT, "-refit_pit_ks %s: allowed values are auto or a real in (0, 1]", pit_ks);
    PetscCall(hc_app_opt_value("-refit_pit_ks", "%.17g", o->refit_pit_ks));
  }
  PetscCheck(!hc_indicator_parse(o->exog, o->ind, &o->n_ind, err, sizeof err), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-exog: %s", err);
  if (o->warm_start[0]) { /* a ticker name that cannot exist: only checks that the report can be read */
    int            nw;
    hc_fit_record *w;
    PetscCheck(!hc_io_report_read_fits(o->warm_start, "\x01", &nw, &w, err, sizeof err), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-warm_start %s: %s (give an HDF5 report written by hpcast)", o->warm_start, err);
    free(w);
  }
  PetscCheck(!hc_ic_parse(ic, &o->ic), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-ic %s: allowed values are aic, aicc, bic", ic);
  PetscCheck(!hc_search_parse(search, &o->search), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-order_search %s: allowed values are grid, stepwise", search);
  PetscCheck(!strcmp(fit_starts, "structured") || !strcmp(fit_starts, "own"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-fit_starts %s: allowed values are structured, own", fit_starts);
  o->own_starts = !strcmp(fit_starts, "own");
  o->n_vol = hc_spec_parse_vol(o->vol_models, HC_MAX_VOL_SPECS, o->vol, err, sizeof err);
  PetscCheck(o->n_vol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-vol_models: %s", err);
  for (int v = 0; v < o->n_vol; v++) o->vol[v].variance_targeting = vt;
  if (!strcmp(window, "expanding")) o->backtest.window = 0;
  else {
    char *end;
    long  v = strncmp(window, "rolling:", 8) ? 0 : strtol(window + 8, &end, 10);
    PetscCheck(v >= 20 && !*end, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-window %s: allowed values are expanding or rolling:N with an integer N >= 20", window);
    o->backtest.window = (int)v;
  }
  o->backtest.n_schemes = 0;
  for (char *tok = strtok(ensemble, ","); tok; tok = strtok(NULL, ",")) {
    hc_ensemble_scheme sc;
    PetscCheck(!hc_ensemble_parse(tok, &sc), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-ensemble: unknown scheme '%s'; allowed values are a comma-separated list of equal, invmse, akaike, stacking", tok);
    int dup = 0;
    for (int s = 0; s < o->backtest.n_schemes; s++) dup |= o->backtest.scheme[s] == sc;
    if (!dup) o->backtest.scheme[o->backtest.n_schemes++] = sc;
  }
  PetscCheck(o->backtest.n_schemes > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-ensemble: give at least one of equal, invmse, akaike, stacking");
  o->backtest.returns = o->gate.transform == HC_TRANSFORM_LOGRET100;
  PetscCheck(!hc_stderr_parse(stderr_type, &o->fit.stderr_type), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-stderr %s: allowed values are hessian, opg, robust", stderr_type);
  PetscCheck(!strcmp(schedule, "dynamic") || !strcmp(schedule, "static"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-schedule %s: allowed values are dynamic, static", schedule);
  o->dynamic = !strcmp(schedule, "dynamic");
  PetscCheck(!strcmp(resume, "no") || !strcmp(resume, "auto") || !strcmp(resume, "yes"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-resume %s: allowed values are auto, yes, no", resume);
  o->resume   = !strcmp(resume, "no") ? 0 : !strcmp(resume, "auto") ? 1 : 2;
  o->n_shards = 1;
  if (shard[0]) {
    char *slash, *end = NULL;
    errno        = 0;
    const long i = strtol(shard, &slash, 10), n = *slash == '/' ? strtol(slash + 1, &end, 10) : 0;
    PetscCheck(slash != shard && *slash == '/' && end != slash + 1 && !*end && errno != ERANGE && n >= 1 && n <= INT_MAX && i >= 0 && i < n,
               PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-shard %s: allowed values are I/N with integers 0 <= I < N", shard);
    o->shard    = (int)i;
    o->n_shards = (int)n;
  }
  {
    char *end = NULL;
    long  K   = strncmp(o->covariance, "factor:", 7) ? 0 : strtol(o->covariance + 7, &end, 10);
    if (!strcmp(o->covariance, "none")) o->cov.model = HC_COV_NONE;
    else if (!strcmp(o->covariance, "shrink")) o->cov.model = HC_COV_SHRINK;
    else if (!strcmp(o->covariance, "dcc")) o->cov.model = HC_COV_DCC;
    else {
      PetscCheck(K >= 1 && K <= 1000 && end && !*end, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
                 "-covariance %s: allowed values are none, shrink, dcc, factor:K with an integer 1 <= K <= 1000", o->covariance);
      o->cov.model     = HC_COV_FACTOR;
      o->cov.n_factors = (int)K;
    }
    PetscCheck(o->cov.model == HC_COV_NONE || o->cov.window >= o->cov.min_overlap, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-covariance_window %d: allowed values are at least -covariance_min_overlap (%d), else no ticker can enter the model",
               o->cov.window, o->cov.min_overlap);
    o->cov.origins     = PetscMin(o->backtest.origins, 1000000); /* window + origins dates fit an int */
    const char *pm[] = {"none", "gmv", "meanvar", "riskparity"};
    int         k    = 0;
    while (k < 4 && strcmp(o->portfolio, pm[k])) k++;
    PetscCheck(k < 4, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-portfolio %s: allowed values are none, gmv, meanvar, riskparity", o->portfolio);
    o->port.method = (hc_port_method)k;
    PetscCheck(o->port.method == HC_PORT_NONE || o->cov.model != HC_COV_NONE, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-portfolio %s: a portfolio needs a covariance forecast; with -covariance none the allowed value is none", o->portfolio);
    o->port.long_only = long_only == PETSC_TRUE;
    o->port.cost_bps  = o->backtest.trading.cost_bps;
    o->port.horizon   = o->backtest.refit_every;
    if (o->sectors[0]) {
      int  ns;
      char names[HC_MAX_SECTORS][HC_SECTOR_LEN];
      int  rc = hc_io_read_sectors(o->sectors, 0, NULL, NULL, &ns, names, err, sizeof err);
      PetscCheck(rc != -1, PETSC_COMM_WORLD, PETSC_ERR_MEM, "out of memory");
      PetscCheck(!rc, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-sectors %s: %s", o->sectors, err);
    }
    o->cov.refit_every = o->backtest.refit_every;
  }
  o->n_blocks = o->search == HC_SEARCH_GRID && !update ? (o->n_mean + o->spec_block - 1) / o->spec_block : 1; /* an update: a ticker a unit */
  PetscCheck(!update || o->n_shards == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-shard: hpcast update runs on the whole universe (leave -shard out)");
  /* The journal fingerprint hashes the validated values: where the text may differ for the same
   * run, the parsed value (hc_app_opt_string recorded the text of the others). -shard: only N
   * (usage.c says why). */
  PetscCall(hc_app_opt_value("-seasonal_period", "%d", o->seasonal_period));
  PetscCall(hc_app_opt_value("-window", "%d", o->backtest.window));
  char schemes[128] = "";
  for (int s = 0; s < o->backtest.n_schemes; s++) {
    PetscCall(PetscStrlcat(schemes, s ? "," : "", sizeof schemes));
    PetscCall(PetscStrlcat(schemes, hc_ensemble_name(o->backtest.scheme[s]), sizeof schemes));
  }
  PetscCall(hc_app_opt_value("-ensemble", "%s", schemes));
  PetscCall(hc_app_opt_value("-shard", "%d", o->n_shards));
  PetscCall(hc_app_fingerprint(&o->fingerprint));
  PetscCall(hc_app_model_options(o->model_options, sizeof o->model_options));
  PetscFunctionReturn(0);
}
