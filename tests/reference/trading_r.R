#!/usr/bin/env Rscript
# Trading evaluation reference values in base R (no packages), for
# tests/unit/test_eval_trading.c (hpcast's hc_trading_* in include/hpcast/eval.h,
# definitions in docs/trading.md). Written independently of src/eval/trading.c.
# usage: Rscript trading_r.R AAPL_CSV OUT_CSV
#
# Cases (column `case`):
#   hand        strategy returns r = (0.1, -0.05, 0.02), positions (1, -1, 0.5), P = 252
#   sim         y ~ N(0.05, 1.5^2) percent log returns, n = 500, set.seed(20240501);
#               Kelly rule below with the defaults (5 bps, cap 1, half Kelly, P = 252)
#   aapl_kelly  the last 250 AAPL percent log returns 100 diff(log(adjusted_close));
#               Kelly rule with cost 10 bps, cap 2, full Kelly, P = 252
#   aapl_sign   the same returns; pos_t = sign(sum of y over t-20..t-1) (0 for t < 20);
#               the defaults (5 bps, cap 1, P = 252)
#   regime      y ~ N(0.4, 1) for 120 periods then N(-0.4, 1) for 120 periods, volatility
#               scaled by 1 + 0.8 sin(2 pi t / 80), set.seed(7); labels at several dates
# Kelly rule: for t >= 20, mu_t = mean(y[t-20..t-1]), sigma_t = sd(y[t-20..t-1]) (n - 1
#   divisor), pos_t = clamp(kelly_fraction * 100 mu_t / sigma_t^2, -cap, cap); for t < 20
#   mu_t, sigma_t are NA and pos_t = 0.
# Strategy returns: r_t = pos_t (exp(y_t / 100) - 1) - cost_bps 1e-4 |pos_t - pos_{t-1}|,
#   pos_{-1} = 0.
# Metrics (rows with t = NA):
#   cum_return    prod(1 + r) - 1
#   sharpe        sqrt(P) mean(r) / sd(r)
#   sortino       sqrt(P) mean(r) / sqrt(mean(pmin(r, 0)^2))
#   max_drawdown  max_t (1 - W_t / max_{s <= t} W_s), W = c(1, cumprod(1 + r))
#   calmar        ((1 + cum_return)^(P / n) - 1) / max_drawdown
#   hit_rate      sum(r > 0) / sum(r != 0)
#   profit_factor sum(r[r > 0]) / -sum(r[r < 0])
#   turnover      mean(abs(diff(c(0, pos))))
# Buy-and-hold comparison (cases sim, aapl_kelly, aapl_sign): series bh = the strategy returns
#   of pos_t = 1 for every t (long one unit, the entry cost paid at t = 0, none after), and
#   bh_sharpe          sqrt(P) mean(bh) / sd(bh)
#   excess_sharpe      sharpe - bh_sharpe
#   information_ratio  sqrt(P) mean(r - bh) / sd(r - bh)
# Regime rows (case regime, t = k, the last index used): regime_drift = mean(y[k-59..k]),
#   regime_se = sd(y[k-59..k]) / sqrt(60), regime_percentile = mid-rank percentile
#   (sum(s < s_k) + 0.5 sum(s == s_k)) / (k + 1) of s_k among s[0..k], s the Kelly-rule
#   sigma (rolling 20-period sd), and regime_label (column `label`):
#   "<low|normal|high>-vol/<up|flat|down>" with low < 1/3, high > 2/3, up z > 1.96,
#   down z < -1.96, z = drift / se.
# Columns: case,what,t,value,label (t is 0-based; NA where it does not apply).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: trading_r.R AAPL_CSV OUT_CSV")

rows <- list()
add <- function(case, what, t, value, label = NA) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, what = what, t = t, value = value,
                                          label = label, stringsAsFactors = FALSE)
}

kelly_rule <- function(y, kf, cap) {
  n <- length(y)
  mu <- rep(NA_real_, n); sigma <- rep(NA_real_, n); pos <- rep(0, n)
  for (t in seq_len(n)) {
    if (t <= 20) next
    w <- y[(t - 20):(t - 1)]
    mu[t] <- mean(w); sigma[t] <- sd(w)
    pos[t] <- min(max(kf * 100 * mu[t] / sigma[t]^2, -cap), cap)
  }
  list(mu = mu, sigma = sigma, pos = pos)
}

strategy_returns <- function(pos, y, cost_bps) {
  pos * (exp(y / 100) - 1) - cost_bps * 1e-4 * abs(diff(c(0, pos)))
}

metrics <- function(r, pos, P) {
  n <- length(r)
  cum <- prod(1 + r) - 1
  W <- c(1, cumprod(1 + r))
  mdd <- max(1 - W / cummax(W))
  c(cum_return = cum,
    sharpe = sqrt(P) * mean(r) / sd(r),
    sortino = sqrt(P) * mean(r) / sqrt(mean(pmin(r, 0)^2)),
    max_drawdown = mdd,
    calmar = ((1 + cum)^(P / n) - 1) / mdd,
    hit_rate = sum(r > 0) / sum(r != 0),
    profit_factor = sum(r[r > 0]) / -sum(r[r < 0]),
    turnover = mean(abs(diff(c(0, pos)))))
}

add_options <- function(case, cost, cap, kf, P) {
  add(case, "cost_bps", NA, cost); add(case, "max_leverage", NA, cap)
  add(case, "kelly_fraction", NA, kf); add(case, "periods_per_year", NA, P)
}

add_series <- function(case, what, v) for (t in seq_along(v)) add(case, what, t - 1, v[t])

add_metrics <- function(case, m) for (k in names(m)) add(case, k, NA, m[[k]])

add_buy_and_hold <- function(case, r, y, cost, P) {
  bh <- strategy_returns(rep(1, length(y)), y, cost)
  sr <- function(x) sqrt(P) * mean(x) / sd(x)
  add_series(case, "bh", bh)
  add(case, "bh_sharpe", NA, sr(bh))
  add(case, "excess_sharpe", NA, sr(r) - sr(bh))
  add(case, "information_ratio", NA, sr(r - bh))
}

# hand
r <- c(0.1, -0.05, 0.02); pos <- c(1, -1, 0.5)
add_options("hand", 5, 1, 0.5, 252)
add_series("hand", "r", r); add_series("hand", "pos", pos)
add_metrics("hand", metrics(r, pos, 252))

# Kelly-rule case: y, mu, sigma, pos, r and metrics
kelly_case <- function(case, y, cost, cap, kf, P) {
  k <- kelly_rule(y, kf, cap)
  r <- strategy_returns(k$pos, y, cost)
  add_options(case, cost, cap, kf, P)
  add_series(case, "y", y); add_series(case, "mu", k$mu); add_series(case, "sigma", k$sigma)
  add_series(case, "pos", k$pos); add_series(case, "r", r)
  add_metrics(case, metrics(r, k$pos, P))
  add_buy_and_hold(case, r, y, cost, P)
}

set.seed(20240501)
kelly_case("sim", rnorm(500, 0.05, 1.5), 5, 1, 0.5, 252)

d <- read.csv(args[1])
yall <- 100 * diff(log(d$adjusted_close))
y <- tail(yall, 250)
kelly_case("aapl_kelly", y, 10, 2, 1, 252)

pos <- rep(0, length(y))
for (t in 21:length(y)) pos[t] <- sign(sum(y[(t - 20):(t - 1)]))
r <- strategy_returns(pos, y, 5)
add_options("aapl_sign", 5, 1, 0.5, 252)
add_series("aapl_sign", "y", y); add_series("aapl_sign", "pos", pos); add_series("aapl_sign", "r", r)
add_metrics("aapl_sign", metrics(r, pos, 252))
add_buy_and_hold("aapl_sign", r, y, 5, 252)

# regime
set.seed(7)
n <- 240
tt <- 0:(n - 1)
y <- (c(rep(0.4, 120), rep(-0.4, 120)) + rnorm(n)) * (1 + 0.8 * sin(2 * pi * tt / 80))
s <- kelly_rule(y, 0.5, 1)$sigma[21:n]          # s[j] is the sd forecast for period j + 20
ys <- y[21:n]
add_series("regime", "sigma", s)
add_series("regime", "y", ys)
for (k in seq(59, length(s) - 1, by = 10)) {
  w <- ys[(k - 58):(k + 1)]        # 0-based k-59..k
  drift <- mean(w); se <- sd(w) / sqrt(60)
  sk <- s[k + 1]; ss <- s[1:(k + 1)]
  pct <- (sum(ss < sk) + 0.5 * sum(ss == sk)) / (k + 1)
  vol <- if (pct < 1 / 3) "low" else if (pct > 2 / 3) "high" else "normal"
  z <- drift / se
  trend <- if (z > 1.96) "up" else if (z < -1.96) "down" else "flat"
  add("regime", "regime_drift", k, drift); add("regime", "regime_se", k, se)
  add("regime", "regime_percentile", k, pct)
  add("regime", "regime_label", k, NA, paste0(vol, "-vol/", trend))
}

out <- do.call(rbind, rows)
f <- function(v) ifelse(is.na(v), "NA", sprintf("%.15g", v))
out$t <- ifelse(is.na(out$t), "NA", sprintf("%d", as.integer(out$t)))
out$value <- f(out$value)
out$label[is.na(out$label)] <- "NA"
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
