/**
 * @file report_layout.c
 * @brief The columns of the report's tables (report_layout.h): docs/report-schema.md in data.
 */
#include "report_layout.h"

#include "hpcast/io.h"

#define SUM(f) offsetof(hc_result, f)
const column hc_report_cols_summary[] = {
  {"ticker", COL_STR, SUM(ticker), HC_NAME_LEN, 0, NULL},
  {"status", COL_STR, offsetof(summary_row, status), 16, 0, NULL},
  {"reason", COL_STR, SUM(reason), HC_REASON_LEN, 0, NULL},
  {"first_date", COL_STR, SUM(first_date), HC_LABEL_LEN, 0, NULL},
  {"last_date", COL_STR, SUM(last_date), HC_LABEL_LEN, 0, NULL},
  {"mean_model", COL_STR, SUM(mean_model), HC_MODEL_LEN, 0, NULL},
  {"vol_model", COL_STR, SUM(vol_model), HC_MODEL_LEN, 0, NULL},
  {"n_obs", COL_INT, SUM(n_obs), 0, 0, NULL},
  {"quality_score", COL_DBL, SUM(quality_score), 0, 0, NULL},
  {"loglik", COL_DBL, SUM(loglik), 0, 0, NULL},
  {"aic", COL_DBL, SUM(aic), 0, 0, NULL},
  {"bic", COL_DBL, SUM(bic), 0, 0, NULL},
  {"mu_1", COL_DBL, offsetof(summary_row, fc) + 0 * sizeof(double), 0, 0, NULL},
  {"sigma_1", COL_DBL, offsetof(summary_row, fc) + 1 * sizeof(double), 0, 0, NULL},
  {"lo95_1", COL_DBL, offsetof(summary_row, fc) + 2 * sizeof(double), 0, 0, NULL},
  {"hi95_1", COL_DBL, offsetof(summary_row, fc) + 3 * sizeof(double), 0, 0, NULL},
  {"ljung_box_p", COL_DBL, SUM(lb_p), 0, 0, NULL},
  {"mcleod_li_p", COL_DBL, SUM(ml_p), 0, 0, NULL},
  {"jarque_bera_p", COL_DBL, SUM(jb_p), 0, 0, NULL},
  /* schema 2: backtest, ensemble and trading evaluation */
  {"ensemble", COL_STR, SUM(ensemble), sizeof ((hc_result *)0)->ensemble, 0, NULL},
  {"backtest_origins", COL_INT, SUM(bt_origins), 0, 0, NULL},
  {"backtest_reason", COL_STR, SUM(bt_reason), HC_REASON_LEN, 0, NULL},
  {"calibration_score", COL_DBL, SUM(calibration_score), 0, 0, NULL},
  {"crps_1", COL_DBL, SUM(crps_1), 0, 0, NULL},
  {"coverage95_1", COL_DBL, SUM(coverage95_1), 0, 0, NULL},
  {"pit_ks_1", COL_DBL, SUM(pit_ks_1), 0, 0, NULL},
  {"crps_bench_1", COL_DBL, SUM(crps_bench_1), 0, 0, NULL},
  {"dm_stat", COL_DBL, SUM(dm_stat), 0, 0, NULL},
  {"dm_p", COL_DBL, SUM(dm_p), 0, 0, NULL},
  {"model_uncertainty", COL_DBL, SUM(model_uncertainty), 0, 0, NULL},
  {"data_uncertainty", COL_DBL, SUM(data_uncertainty), 0, 0, NULL},
  {"parameter_stability", COL_DBL, SUM(parameter_stability), 0, 0, NULL},
  {"sharpe", COL_DBL, SUM(trading) + offsetof(hc_trading_metrics, sharpe), 0, 0, NULL},
  {"max_drawdown", COL_DBL, SUM(trading) + offsetof(hc_trading_metrics, max_drawdown), 0, 0, NULL},
  {"regime", COL_STR, SUM(regime), sizeof ((hc_result *)0)->regime, 0, NULL},
  /* schema 6: what a daily update (hpcast update) needs and did */
  {"input_rows", COL_INT, SUM(input_rows), 0, 0, NULL},
  {"input_hash", COL_STR, offsetof(summary_row, input_hash), sizeof ((summary_row *)0)->input_hash, 0, NULL},
  {"fit_n_obs", COL_INT, SUM(fit_n_obs), 0, 0, NULL},
  {"action", COL_STR, SUM(action), HC_REASON_LEN, 0, NULL},
};
#undef SUM

#define ROW_OFF(type, field) (offsetof(ticker_row, u) + offsetof(type, field))
const column hc_report_cols_score[] = {
  {"ticker", COL_STR, offsetof(ticker_row, ticker), HC_NAME_LEN, 0, NULL},
  {"model", COL_STR, ROW_OFF(hc_score_row, model), HC_MODEL_LEN, 0, NULL},
  {"horizon", COL_INT, ROW_OFF(hc_score_row, horizon), 0, 0, NULL},
  {"n", COL_INT, ROW_OFF(hc_score_row, n), 0, 0, NULL},
  {"rmse", COL_DBL, ROW_OFF(hc_score_row, rmse), 0, 0, NULL},
  {"mae", COL_DBL, ROW_OFF(hc_score_row, mae), 0, 0, NULL},
  {"mase", COL_DBL, ROW_OFF(hc_score_row, mase), 0, 0, NULL},
  {"hit_rate", COL_DBL, ROW_OFF(hc_score_row, hit_rate), 0, 0, NULL},
  {"coverage", COL_VEC, ROW_OFF(hc_score_row, coverage), HC_N_COVER, 0, hc_cover_levels},
  {"msis", COL_DBL, ROW_OFF(hc_score_row, msis), 0, 0, NULL},
  {"crps", COL_DBL, ROW_OFF(hc_score_row, crps), 0, 0, NULL},
  {"log_score", COL_DBL, ROW_OFF(hc_score_row, log_score), 0, 0, NULL},
  {"pinball", COL_VEC, ROW_OFF(hc_score_row, pinball), HC_N_PINBALL, 0, hc_pinball_levels},
  {"pit_hist", COL_VEC, ROW_OFF(hc_score_row, pit), HC_N_PIT_BINS, 0, NULL},
  {"pit_ks", COL_DBL, ROW_OFF(hc_score_row, pit_ks), 0, 0, NULL},
  {"calibration_score", COL_DBL, ROW_OFF(hc_score_row, calibration_score), 0, 0, NULL},
};
/** /backtest/trading; without its first column (ticker) also /backtest/portfolio. */
/* The columns of hc_trading_metrics at offset base (/backtest/trading, /backtest/portfolio). */
#define TRADING_COLUMNS(base) \
  {"n", COL_INT, (base) + offsetof(hc_trading_metrics, n), 0, 0, NULL}, \
  {"cum_return", COL_DBL, (base) + offsetof(hc_trading_metrics, cum_return), 0, 0, NULL}, \
  {"sharpe", COL_DBL, (base) + offsetof(hc_trading_metrics, sharpe), 0, 0, NULL}, \
  {"sortino", COL_DBL, (base) + offsetof(hc_trading_metrics, sortino), 0, 0, NULL}, \
  {"calmar", COL_DBL, (base) + offsetof(hc_trading_metrics, calmar), 0, 0, NULL}, \
  {"max_drawdown", COL_DBL, (base) + offsetof(hc_trading_metrics, max_drawdown), 0, 0, NULL}, \
  {"hit_rate", COL_DBL, (base) + offsetof(hc_trading_metrics, hit_rate), 0, 0, NULL}, \
  {"profit_factor", COL_DBL, (base) + offsetof(hc_trading_metrics, profit_factor), 0, 0, NULL}, \
  {"turnover", COL_DBL, (base) + offsetof(hc_trading_metrics, turnover), 0, 0, NULL}, \
  {"bh_sharpe", COL_DBL, (base) + offsetof(hc_trading_metrics, bh_sharpe), 0, 0, NULL}, \
  {"excess_sharpe", COL_DBL, (base) + offsetof(hc_trading_metrics, excess_sharpe), 0, 0, NULL}, \
  {"information_ratio", COL_DBL, (base) + offsetof(hc_trading_metrics, information_ratio), 0, 0, NULL}
const column hc_report_cols_trading[] = {
  {"ticker", COL_STR, offsetof(ticker_row, ticker), HC_NAME_LEN, 0, NULL},
  TRADING_COLUMNS(offsetof(ticker_row, u)),
};
#define ACT(f) (offsetof(hc_report_book, a) + offsetof(hc_active_metrics, f))
const column hc_report_cols_book[] = {
  {"book", COL_STR, offsetof(hc_report_book, book), sizeof ((hc_report_book *)0)->book, 0, NULL},
  TRADING_COLUMNS(offsetof(hc_report_book, m)),
  {"alpha", COL_DBL, ACT(alpha), 0, 0, NULL},
  {"beta", COL_DBL, ACT(beta), 0, 0, NULL},
  {"active_return", COL_DBL, ACT(active_return), 0, 0, NULL},
  {"tracking_error", COL_DBL, ACT(tracking_error), 0, 0, NULL},
  {"t_nw", COL_DBL, ACT(t_nw), 0, 0, NULL},
  {"nw_lags", COL_INT, ACT(nw_lags), 0, 0, NULL},
  {"n_active", COL_INT, ACT(n), 0, 0, NULL},
};
#undef ACT
#undef TRADING_COLUMNS
#undef ROW_OFF
#define W_OFF(s) (offsetof(ticker_row, u) + (s) * sizeof(double))
const column hc_report_cols_weight[] = {
  {"ticker", COL_STR, offsetof(ticker_row, ticker), HC_NAME_LEN, 0, NULL},
  {"member", COL_STR, offsetof(ticker_row, model), HC_MODEL_LEN, 0, NULL},
  {"equal", COL_DBL, W_OFF(0), 0, 0, NULL},
  {"invmse", COL_DBL, W_OFF(1), 0, 0, NULL},
  {"akaike", COL_DBL, W_OFF(2), 0, 0, NULL},
  {"stacking", COL_DBL, W_OFF(3), 0, 0, NULL},
};
#undef W_OFF

#define O_OFF(f) (offsetof(origin_row, p) + offsetof(hc_onestep_point, f))
const column hc_report_cols_origin[] = {
  {"ticker", COL_STR, offsetof(origin_row, ticker), HC_NAME_LEN, 0, NULL},
  {"date", COL_STR, O_OFF(date), HC_LABEL_LEN, 0, NULL},
  {"y", COL_DBL, O_OFF(y), 0, 0, NULL},
  {"mean", COL_DBL, O_OFF(mean), 0, 0, NULL},
  {"sd", COL_DBL, O_OFF(sd), 0, 0, NULL},
  {"pit", COL_DBL, O_OFF(pit), 0, 0, NULL},
  {"crps", COL_DBL, O_OFF(crps), 0, 0, NULL},
  {"crps_bench", COL_DBL, O_OFF(crps_bench), 0, 0, NULL},
  {"position", COL_DBL, offsetof(origin_row, position), 0, 0, NULL},
  {"ret", COL_DBL, offsetof(origin_row, ret), 0, 0, NULL},
};
#undef O_OFF
_Static_assert(HC_N_SCHEMES == 4, "one /backtest/weights column per ensemble scheme");

#define U_OFF(f) (offsetof(unit_row, u) + offsetof(hc_unit_row, f))
const column hc_report_cols_unit[] = {
  {"ticker", COL_STR, offsetof(unit_row, ticker), HC_NAME_LEN, 0, NULL},
  {"block", COL_INT, U_OFF(block), 0, 0, NULL},
  {"n_obs", COL_INT, offsetof(unit_row, n_obs), 0, 0, NULL},
  {"n_specs", COL_INT, U_OFF(n_specs), 0, 0, NULL},
  {"n_fits", COL_INT, U_OFF(n_fits), 0, 0, NULL},
  {"rank", COL_INT, U_OFF(rank), 0, 0, NULL},
  {"seconds", COL_DBL, U_OFF(seconds), 0, 0, NULL},
  {"cost", COL_DBL, U_OFF(cost), 0, 0, NULL},
};
#undef U_OFF

/** /perf: one row per rank. */
const column hc_report_cols_perf[] = {
  {"rank", COL_INT, offsetof(hc_perf, rank), 0, 0, NULL},
  {"n_tickers", COL_INT, offsetof(hc_perf, n_tickers), 0, 0, NULL},
  {"n_fits", COL_INT, offsetof(hc_perf, n_fits), 0, 0, NULL},
  {"wall_s", COL_DBL, offsetof(hc_perf, wall_s), 0, 0, NULL},
  {"fit_s", COL_DBL, offsetof(hc_perf, fit_s), 0, 0, NULL},
  {"io_s", COL_DBL, offsetof(hc_perf, io_s), 0, 0, NULL},
  {"peak_rss_mb", COL_DBL, offsetof(hc_perf, peak_rss_mb), 0, 0, NULL},
  {"busy_s", COL_DBL, offsetof(hc_perf, busy_s), 0, 0, NULL},
  {"n_units", COL_INT, offsetof(hc_perf, n_units), 0, 0, NULL},
};

#define F_OFF(f) offsetof(fit_row, f)
/** /fits: the columns of the fixed part (the vectors follow, tables_fits). */
const column hc_report_cols_fit[] = {
  {"ticker", COL_STR, F_OFF(ticker), HC_NAME_LEN, 0, NULL},
  {"name", COL_STR, F_OFF(name), HC_MODEL_LEN, 0, NULL},
  {"mean_model", COL_STR, F_OFF(mean_model), HC_MODEL_LEN, 0, NULL},
  {"vol_model", COL_STR, F_OFF(vol_model), HC_MODEL_LEN, 0, NULL},
  {"status", COL_STR, F_OFF(status), 16, 0, NULL},
  {"reason", COL_STR, F_OFF(reason), HC_REASON_LEN, 0, NULL},
  {"selected", COL_INT, F_OFF(selected), 0, 0, NULL},
  {"member", COL_INT, F_OFF(member), 0, 0, NULL},
  {"loglik", COL_DBL, F_OFF(loglik), 0, 0, NULL},
  {"aic", COL_DBL, F_OFF(aic), 0, 0, NULL},
  {"bic", COL_DBL, F_OFF(bic), 0, 0, NULL},
  {"n_obs", COL_INT, F_OFF(n_obs), 0, 0, NULL},
  {"converged", COL_INT, F_OFF(converged), 0, 0, NULL},
  {"tao_reason", COL_INT, F_OFF(tao_reason), 0, 0, NULL},
  {"iterations", COL_INT, F_OFF(iterations), 0, 0, NULL},
  {"n_params", COL_INT, F_OFF(n_params), 0, 0, NULL},
  {"param_names", COL_STR, F_OFF(param_names), HC_FIT_NAMES_LEN, 0, NULL},
  {"stderr_type", COL_STR, F_OFF(stderr_type), 16, 0, NULL},
  {"persistence", COL_DBL, F_OFF(persistence), 0, 0, NULL},
  {"half_life", COL_DBL, F_OFF(half_life), 0, 0, NULL},
  {"uncond_var", COL_DBL, F_OFF(uncond_var), 0, 0, NULL},
};
#undef F_OFF

const size_t hc_report_cols_summary_n = sizeof hc_report_cols_summary / sizeof *hc_report_cols_summary;
const size_t hc_report_cols_score_n = sizeof hc_report_cols_score / sizeof *hc_report_cols_score;
const size_t hc_report_cols_trading_n = sizeof hc_report_cols_trading / sizeof *hc_report_cols_trading;
const size_t hc_report_cols_book_n = sizeof hc_report_cols_book / sizeof *hc_report_cols_book;
const size_t hc_report_cols_weight_n = sizeof hc_report_cols_weight / sizeof *hc_report_cols_weight;
const size_t hc_report_cols_origin_n = sizeof hc_report_cols_origin / sizeof *hc_report_cols_origin;
const size_t hc_report_cols_unit_n = sizeof hc_report_cols_unit / sizeof *hc_report_cols_unit;
const size_t hc_report_cols_perf_n = sizeof hc_report_cols_perf / sizeof *hc_report_cols_perf;
const size_t hc_report_cols_fit_n = sizeof hc_report_cols_fit / sizeof *hc_report_cols_fit;

_Static_assert(sizeof hc_report_cols_fit / sizeof *hc_report_cols_fit + 4 <= HC_REPORT_MAX_COLS, "/fits: its columns and 4 vectors");
