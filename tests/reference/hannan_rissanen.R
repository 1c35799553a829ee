#!/usr/bin/env Rscript
# Hannan-Rissanen (1982) start values of ARMA(p,q) + mean, computed with R's own tools as an
# independent reference of hc_arma_hannan_rissanen (src/models/arma_util.c; Brockwell & Davis
# 2002 sec. 5.1.4), for the algorithm as hpcast documents it:
#   mu = sample mean, x = y - mu;
#   q > 0: long AR of order m = max(p + q, min(floor(10 log10 n), floor(n/4))) (at most 200) by
#     Yule-Walker (stats::ar.yw, demean = FALSE, aic = FALSE: Durbin-Levinson on the sample
#     autocovariances with divisor n), residuals e_t = x_t - sum_i a_i x_{t-i}, t >= m (0 before);
#   OLS (qr.solve) of x_t on x_{t-1..t-p} and e_{t-1..t-q}, t = start..n-1 (0-based),
#     start = m + q if q > 0, else p;
#   sigma2 = mean of the squared CSS residuals e_t (t >= p) of the estimates (presample
#     residuals zero, hc_arma_css_residuals).
# Only cases whose estimates are stationary and invertible are written (hpcast shrinks others
# towards zero, which this script does not reproduce): the script stops if one is not.
# Series: r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})), file order.
# usage: Rscript hannan_rissanen.R DATA_DIR OUT_CSV
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: hannan_rissanen.R DATA_DIR OUT_CSV")
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.15g", x))
hr <- function(y, p, q) {
  n <- length(y); mu <- mean(y); x <- y - mu
  m <- 0
  if (q > 0) m <- min(200, max(p + q, min(floor(10 * log10(n)), n %/% 4)))
  e <- numeric(n)
  if (q > 0) {
    a <- ar.yw(x, aic = FALSE, order.max = m, demean = FALSE)$ar
    for (t in (m + 1):n) e[t] <- x[t] - sum(a * x[(t - 1):(t - m)])
  }
  start <- if (q > 0) m + q else p            # 0-based first row
  rows <- (start + 1):n                       # 1-based
  X <- cbind(sapply(seq_len(p), function(i) x[rows - i]), sapply(seq_len(q), function(j) e[rows - j]))
  beta <- qr.solve(X, x[rows])
  phi <- beta[seq_len(p)]; th <- beta[p + seq_len(q)]
  stopifnot(all(Mod(polyroot(c(1, -phi))) > 1), all(Mod(polyroot(c(1, th))) > 1))
  res <- numeric(n)                           # CSS residuals, presample zero
  for (t in (p + 1):n) {
    v <- y[t] - mu
    for (i in seq_len(p)) v <- v - phi[i] * (y[t - i] - mu)
    for (j in seq_len(min(q, t - 1))) v <- v - th[j] * res[t - j]
    res[t] <- v
  }
  c(mu = mu, ar1 = phi[1], ar2 = phi[2], ma1 = th[1], ma2 = th[2], sigma2 = sum(res[(p + 1):n]^2) / (n - p))
}
out <- c()
for (tk in c("AAPL", "JPM")) {
  d <- read.csv(file.path(args[1], paste0(tk, ".csv")))
  y <- 100 * diff(log(d$adjusted_close))
  for (pq in list(c(1, 1), c(2, 1), c(1, 2), c(2, 2), c(2, 0))) {
    v <- hr(y, pq[1], pq[2])
    out <- c(out, paste(c(tk, pq[1], pq[2], length(y), fmt(v)), collapse = ","))
  }
}
writeLines(c("ticker,p,q,n,mu,ar1,ar2,ma1,ma2,sigma2", out), args[2])
