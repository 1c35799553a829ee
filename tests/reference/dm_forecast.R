#!/usr/bin/env Rscript
# Diebold-Mariano test reference values from R forecast::dm.test (Debian r-cran-forecast), for
# tests/unit/test_eval_scores.c (hc_dm_test in include/hpcast/eval.h).
# usage: Rscript dm_forecast.R LOSSES_CSV OUT_CSV
#
# dm.test(e1, e2, h, power = 1) takes forecast errors and uses d = |e1|^power - |e2|^power; with
# CRPS losses (>= 0) as e1 and e2 and power = 1, d is the CRPS differential hc_dm_test is given.
# Default alternative "two.sided" and varestimator "acf". Cases (column `case`):
#   KO, JPM   the 1-step CRPS of the reported ensemble (e1) and of the constant-mean benchmark (e2)
#             over the 250 origins of hpcast's backtest of the last 1000 returns (LOSSES_CSV,
#             tests/reference/dm_losses.csv, written by the unit test backtest/benchmark_and_dm_test
#             with HPCAST_DM_LOSSES set), h = 1
#   sim_iid   e1 = |N(0, 1)|-like CRPS-scale losses: e1 = 0.6 + 0.3 rexp(300), e2 = e1 + N(0.02, 0.1),
#             set.seed(20261121), h = 1
#   sim_ma    autocorrelated differential: e2 = 1 + 0.2 rexp(200), e1 = e2 - 0.05 + MA(2) noise
#             (0.2 (u_t + 0.8 u_{t-1} + 0.5 u_{t-2})), set.seed(11), h = 1 and h = 3
#   small     n = 12 hand-picked losses, h = 1 and h = 2
# Columns: case,what,t,value (what: e1, e2 with t = 0..n-1; h, n, stat, p with t = NA).
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: dm_forecast.R LOSSES_CSV OUT_CSV")

rows <- list()
add <- function(case, what, t, value)
  rows[[length(rows) + 1]] <<- data.frame(case = case, what = what, t = t, value = value)

add_case <- function(case, e1, e2, hs) {
  for (t in seq_along(e1)) { add(case, "e1", t - 1, e1[t]); add(case, "e2", t - 1, e2[t]) }
  for (h in hs) {
    r <- dm.test(e1, e2, h = h, power = 1)
    add(paste0(case, "_h", h), "h", NA, h)
    add(paste0(case, "_h", h), "n", NA, length(e1))
    add(paste0(case, "_h", h), "stat", NA, unname(r$statistic))
    add(paste0(case, "_h", h), "p", NA, r$p.value)
  }
}

l <- read.csv(args[1])
for (tk in unique(l$ticker)) {
  x <- l[l$ticker == tk, ]
  x <- x[order(x$t), ]
  add_case(tk, x$crps_ens, x$crps_bench, 1)
}
set.seed(20261121)
e1 <- 0.6 + 0.3 * rexp(300)
add_case("sim_iid", e1, e1 + rnorm(300, 0.02, 0.1), 1)
set.seed(11)
u <- rnorm(202)
e2 <- 1 + 0.2 * rexp(200)
e1 <- e2 - 0.05 + 0.2 * (u[3:202] + 0.8 * u[2:201] + 0.5 * u[1:200])
add_case("sim_ma", e1, e2, c(1, 3))
add_case("small", c(0.9, 1.4, 0.7, 1.1, 2.0, 0.5, 0.8, 1.3, 0.95, 1.7, 0.6, 1.05),
         c(1.0, 1.2, 0.9, 1.0, 1.6, 0.7, 0.9, 1.1, 1.00, 1.5, 0.8, 1.00), c(1, 2))

out <- do.call(rbind, rows)
out$t <- ifelse(is.na(out$t), "NA", sprintf("%d", as.integer(out$t)))
out$value <- sprintf("%.17g", out$value)
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
