#!/usr/bin/env Rscript
# Technical indicators of AAPL daily bars by R package TTR, reference for
# tests/unit/test_indicators.c (hpcast's include/hpcast/indicators.h).
# usage: Rscript indicators_r.R AAPL_CSV OUT_CSV
# Needs: apt-get install r-cran-ttr   (Debian bookworm: TTR 0.24.3)
# Price basis: adjusted close C, and high/low scaled to it,
#   H = high * (adjusted_close / close), L = low * (adjusted_close / close).
# Columns (one row per CSV row, t = 0-based row index, NA = not defined):
#   r_rsi14          TTR::RSI(C, n = 14)              (Wilder smoothing, EMA wilder=TRUE)
#   r_atr14_wilder   TTR::EMA(TR, n = 14, wilder = TRUE) with TR_0 = H_0 - L_0 and
#                    TR_t = TTR::ATR(...)[, "tr"] for t >= 1: Wilder's (1978) seed,
#                    the convention of hpcast
#   r_atr14_ttr      TTR::ATR(cbind(H, L, C), n = 14)[, "atr"]: TR_0 is NA there, so
#                    the seed averages TR_1..TR_14 (one row later); the recursions
#                    agree once the seed has decayed ((13/14)^t)
#   r_stochrsi14     TTR::stoch(RSI, nFastK = 14)[, "fastK"] on the RSI column
#                    (univariate input: (RSI - runMin) / (runMax - runMin))
#   r_volz20         (x - TTR::runMean(x, 20)) / TTR::runSD(x, 20), x = log(volume)
#                    (sample sd; AAPL has no zero volume)
suppressPackageStartupMessages(library(TTR))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: indicators_r.R AAPL_CSV OUT_CSV")
d <- read.csv(args[1])
C <- d$adjusted_close
H <- d$high * (d$adjusted_close / d$close)
L <- d$low * (d$adjusted_close / d$close)
rsi <- as.numeric(RSI(C, n = 14))
a <- ATR(cbind(H, L, C), n = 14)
tr <- as.numeric(a[, "tr"])
tr[1] <- H[1] - L[1]
atr_w <- as.numeric(EMA(tr, n = 14, wilder = TRUE))
atr_t <- as.numeric(a[, "atr"])
srsi <- as.numeric(stoch(rsi, nFastK = 14)[, "fastK"])
x <- log(d$volume)
volz <- as.numeric((x - runMean(x, 20)) / runSD(x, 20))
f <- function(v) ifelse(is.na(v), "NA", sprintf("%.15g", v))
out <- data.frame(t = seq_along(C) - 1L, date = d$timestamp, r_rsi14 = f(rsi),
                  r_atr14_wilder = f(atr_w), r_atr14_ttr = f(atr_t),
                  r_stochrsi14 = f(srsi), r_volz20 = f(volz))
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
