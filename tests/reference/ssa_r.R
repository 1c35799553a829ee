#!/usr/bin/env Rscript
# Singular spectrum analysis reference values in base R (no packages), for the SSA kernels of
# src/models/ssa.c (hc_ssa_* in include/hpcast/models.h), tested by tests/unit/test_models_ssa.c.
# Written independently of ssa.c: the SVD is R's svd() (LAPACK dgesdd), the diagonal averaging
# plain loops over the anti-diagonals.
# usage: Rscript ssa_r.R WEEKLY_TRAIN_CSV SSA_CSV AR_CSV
#   e.g. Rscript tests/reference/ssa_r.R ../shared/data/m4/Weekly-train.csv \
#          tests/reference/ssa_r.csv tests/reference/ssa_ar_r.csv
#
# Series: M4 Weekly series W57 (n = 365) of Weekly-train.csv, in file order.
# Trajectory matrix: L = 24, K = n - L + 1, X[i, j] = y[i + j - 1] (L x K).
# SSA_CSV, long format, columns series,what,k,i,value (k and i 0-based, NA where unused):
#   n      k = NA, i = NA   the series length
#   L      k = NA, i = NA   the window length
#   sv     k = 0..L-1       svd(X)$d, descending
#   u      k = 0..2, i = 0..L-1   component i of the left singular vector k (svd(X)$u[, k + 1]),
#                           its sign chosen so that its component of largest modulus (the first
#                           one on ties) is positive
#   recon  i = t = 0..n-1   rank-3 reconstruction: X3 = U3 U3' X (U3 the first 3 left singular
#                           vectors), then s_t = mean of X3[i, j] over the anti-diagonal
#                           i + j - 1 = t + 1 (diagonal averaging)
# AR_CSV, one row per fit, columns
#   series,model,n,ar1,ar2,intercept,sigma2,loglik,convergence:
#   the residual e = y - recon of the rank-3 reconstruction, fitted by
#   default  arima(e, order = c(2, 0, 0), method = "ML")  (the requested reference)
#   tight    the same with optim.control = list(reltol = 1e-14, maxit = 2000): the same
#            optimum, converged further (R's default reltol 1e-8 limits the digits of `default`)
#   intercept is R's intercept (the process mean), sigma2 R's sigma2, loglik the exact
#   Gaussian log-likelihood including the constant.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: ssa_r.R WEEKLY_TRAIN_CSV SSA_CSV AR_CSV")
id <- "W57"
L <- 24
d <- read.csv(args[1], stringsAsFactors = FALSE)
row <- d[d[, 1] == id, -1]
if (nrow(row) != 1) stop(paste("series", id, "not found in", args[1]))
y <- as.numeric(row)
y <- y[!is.na(y)]
n <- length(y)
K <- n - L + 1

X <- matrix(0, L, K)
for (i in 1:L) for (j in 1:K) X[i, j] <- y[i + j - 1]
s <- svd(X)
U <- s$u
for (k in 1:L) {
  m <- which.max(abs(U[, k]))
  if (U[m, k] < 0) U[, k] <- -U[, k]
}

r <- 3
U3 <- U[, 1:r, drop = FALSE]
X3 <- U3 %*% (t(U3) %*% X)
recon <- numeric(n)
for (t in 1:n) {
  acc <- 0
  cnt <- 0
  for (i in 1:L) {
    j <- t - i + 1
    if (j >= 1 && j <= K) {
      acc <- acc + X3[i, j]
      cnt <- cnt + 1
    }
  }
  recon[t] <- acc / cnt
}

f <- function(x) sprintf("%.15g", x)
out <- c("series,what,k,i,value",
         sprintf("%s,n,NA,NA,%d", id, n),
         sprintf("%s,L,NA,NA,%d", id, L),
         sprintf("%s,sv,%d,NA,%s", id, 0:(L - 1), f(s$d)))
for (k in 1:r) out <- c(out, sprintf("%s,u,%d,%d,%s", id, k - 1, 0:(L - 1), f(U[, k])))
out <- c(out, sprintf("%s,recon,NA,%d,%s", id, 0:(n - 1), f(recon)))
writeLines(out, args[2])

e <- y - recon
fits <- list(default = arima(e, order = c(2, 0, 0), method = "ML"),
             tight = arima(e, order = c(2, 0, 0), method = "ML",
                           optim.control = list(reltol = 1e-14, maxit = 2000)))
ar <- "series,model,n,ar1,ar2,intercept,sigma2,loglik,convergence"
for (nm in names(fits)) {
  a <- fits[[nm]]
  ar <- c(ar, sprintf("%s,%s,%d,%s,%s,%s,%s,%s,%d", id, nm, n, f(a$coef["ar1"]), f(a$coef["ar2"]),
                      f(a$coef["intercept"]), f(a$sigma2), f(a$loglik), a$code))
}
writeLines(ar, args[3])
