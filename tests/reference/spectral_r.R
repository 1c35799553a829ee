#!/usr/bin/env Rscript
# Reference values for the spectral module (src/spectral, tests/unit/test_spectral.c):
# R's acf/pacf, Box.test (Ljung-Box; McLeod-Li = Box.test of the squared series),
# the Jarque-Bera statistic by its formula (as tseries::jarque.bera.test, which is
# not installed here), and pchisq upper tails. Printed with 17 significant digits.
# usage: Rscript tests/reference/spectral_r.R DATA_ROOT > tests/reference/spectral_r.csv
#   DATA_ROOT: the shared data directory (<project>/../shared/data)
# Series:
#   aapl       r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})),
#              sp500/AAPL.csv in file order, n = 5401
#   airline_d1 diff(lg) of reference/airline.csv, n = 143
# seasonal_f: F test for stable seasonality with period p (one-way ANOVA of x on
# the phase factor (t mod p), t = 0..n-1: anova(lm(x ~ factor)); Lothian & Morry 1978).
# Columns: what (acf|pacf|ljung_box|mcleod_li|jarque_bera|seasonal_f|pchisq), series
# (NA for pchisq), lag (k for acf/pacf, m for the portmanteau tests, the period p
# for seasonal_f, else NA), fitdf
# (fitted parameters subtracted from the df; NA where not applicable), df
# (chi-square degrees of freedom; numerator df p-1 for seasonal_f; NA for acf/pacf),
# statistic (r_k, phi_kk, Q, JB, F, or the quantile x of pchisq), pvalue (upper
# tail; NA for acf/pacf).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: spectral_r.R DATA_ROOT")
root <- args[1]
aapl <- read.csv(file.path(root, "sp500", "AAPL.csv"))
air  <- read.csv(file.path(root, "reference", "airline.csv"))
series <- list(aapl = 100 * diff(log(aapl$adjusted_close)), airline_d1 = diff(air$lg))

f <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
row <- function(what, s, lag, fitdf, df, stat, p)
  cat(paste(what, s, f(lag), f(fitdf), f(df), f(stat), f(p), sep = ","), "\n", sep = "")

cat("what,series,lag,fitdf,df,statistic,pvalue\n")
for (s in names(series)) {
  x <- series[[s]]; n <- length(x)
  a <- acf(x, lag.max = 20, plot = FALSE)$acf[, 1, 1]
  for (k in 1:20) row("acf", s, k, NA, NA, a[k + 1], NA)
  p <- pacf(x, lag.max = 20, plot = FALSE)$acf[, 1, 1]
  for (k in 1:20) row("pacf", s, k, NA, NA, p[k], NA)
  for (m in c(5, 10, 20)) for (fd in c(0, 2)) {
    b <- Box.test(x, lag = m, type = "Ljung-Box", fitdf = fd)
    row("ljung_box", s, m, fd, b$parameter, b$statistic, b$p.value)
    b <- Box.test(x^2, lag = m, type = "Ljung-Box", fitdf = fd)
    row("mcleod_li", s, m, fd, b$parameter, b$statistic, b$p.value)
  }
  d <- x - mean(x); m2 <- mean(d^2); m3 <- mean(d^3); m4 <- mean(d^4)
  jb <- n / 6 * ((m3 / m2^1.5)^2 + (m4 / m2^2 - 3)^2 / 4)
  row("jarque_bera", s, NA, NA, 2, jb, pchisq(jb, 2, lower.tail = FALSE))
  for (per in c(6, 12, 24)) {
    tab <- anova(lm(x ~ factor((0:(n - 1)) %% per)))
    row("seasonal_f", s, per, NA, tab$Df[1], tab$`F value`[1], tab$`Pr(>F)`[1])
  }
}
pts <- rbind(c(0.001, 1), c(0.5, 1), c(3.841458820694124, 1), c(1e-3, 2), c(5, 0.5),
             c(10, 10), c(18.307, 10), c(100, 10), c(0.1, 30), c(50, 20), c(30, 60),
             c(200, 150), c(170, 150), c(1500, 1000), c(700, 1000), c(400, 7),
             c(2.5, 3), c(7.3, 5.5))
for (i in seq_len(nrow(pts)))
  row("pchisq", "NA", NA, NA, pts[i, 2], pts[i, 1], pchisq(pts[i, 1], pts[i, 2], lower.tail = FALSE))
