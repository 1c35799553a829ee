#!/usr/bin/env Rscript
# Reference fits of regression models with ARIMA errors (R stats::arima, method = "ML").
# usage: Rscript sarimax_r.R SHARED_DATA_DIR OUT_CSV
# Rows (model,param,estimate,loglik,nobs):
#  drift_levels:  x = 100 log(DJIA close), ARIMA(0,1,1) with drift (xreg = 1:n, R differences it
#                 inside its diffuse state; the forecast::Arima include.drift convention).
#  drift_diff:    the same model on w = diff(x) as ARMA(0,1) + mean (the mean is the drift):
#                 the exact likelihood of the differenced series, hpcast's convention.
#  exog:          y = KO percent log returns r_t, t = 3..N, ARMA(1,0) + mean + xreg
#                 x1 = MSFT return at t-1, x2 = KO log volume change from t-2 to t-1
#                 (regressors known at t-1: no look-ahead).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: sarimax_r.R SHARED_DATA_DIR OUT_CSV")
dir <- args[1]
out <- c("model,param,estimate,loglik,nobs")
add <- function(name, f) {
  for (p in names(f$coef)) out <<- c(out, sprintf("%s,%s,%.15g,%.15g,%d", name, p, f$coef[[p]], f$loglik, f$nobs))
  out <<- c(out, sprintf("%s,sigma2,%.15g,%.15g,%d", name, f$sigma2, f$loglik, f$nobs))
}
dj <- read.csv(file.path(dir, "reference", "djclose.csv"))
x <- 100 * log(dj$djclose)
n <- length(x)
add("drift_levels", arima(x, order = c(0, 1, 1), xreg = seq_len(n), method = "ML",
                          optim.control = list(maxit = 1000)))
add("drift_diff", arima(diff(x), order = c(0, 0, 1), include.mean = TRUE, method = "ML",
                        optim.control = list(maxit = 1000)))
ko <- read.csv(file.path(dir, "sp500", "KO.csv"))
ms <- read.csv(file.path(dir, "sp500", "MSFT.csv"))
stopifnot(identical(ko$timestamp, ms$timestamp))
r  <- 100 * diff(log(ko$adjusted_close))        # r[t-1] is the return of row t
rm <- 100 * diff(log(ms$adjusted_close))
lv <- diff(log(ko$volume))
m  <- length(r)
y  <- r[2:m]
X  <- cbind(x1 = rm[1:(m - 1)], x2 = c(NA, lv[1:(m - 2)]))
keep <- !is.na(X[, 2])
add("exog", arima(y[keep], order = c(1, 0, 0), xreg = X[keep, ], include.mean = TRUE, method = "ML",
                  optim.control = list(maxit = 1000)))
writeLines(out, args[2])
# Airline model forecasts (R predict.Arima, h = 1..12) and KPSS level statistics
# (urca::ur.kpss, type "mu", use.lag = trunc(3 sqrt(n) / 13): the call of forecast::ndiffs)
# of series used by the order-search tests.
air <- read.csv(file.path(dir, "reference", "airline.csv"))
lg <- ts(air$lg, start = c(1949, 1), frequency = 12)
fa <- arima(lg, order = c(0, 1, 1), seasonal = list(order = c(0, 1, 1), period = 12), method = "ML")
pr <- predict(fa, n.ahead = 12)
for (h in 1:12) {
  out <- c(out, sprintf("airline_forecast,mean%d,%.15g,%.15g,%d", h, pr$pred[h], fa$loglik, fa$nobs))
  out <- c(out, sprintf("airline_forecast,se%d,%.15g,%.15g,%d", h, pr$se[h], fa$loglik, fa$nobs))
}
kp <- function(name, v) out <<- c(out, sprintf("kpss,%s,%.15g,NA,%d", name,
  urca::ur.kpss(v, type = "mu", use.lag = trunc(3 * sqrt(length(v)) / 13))@teststat, length(v)))
kp("airline_lg", air$lg)
kp("airline_dlg", diff(air$lg))
kp("djclose_logret", diff(x))
kp("airline_d12lg", diff(air$lg, lag = 12))
writeLines(out, args[2])
