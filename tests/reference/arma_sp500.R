#!/usr/bin/env Rscript
# R stats::arima ARMA(p,q)+mean references for S&P 500 daily log returns,
# merged with the gretl values into arma_sp500.csv.
# usage: Rscript arma_sp500.R DATA_DIR GRETL_CSV OUT_CSV TICKER...
#   GRETL_CSV: output of arma_sp500_gretl.sh (may be "-" to skip gretl: NA)
# Series: r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})),
# t = 2..N, file order (n = N-1).
# Fit: arima(r, order=c(p,0,q), include.mean=TRUE, method="ML",
#            optim.control=list(maxit=1000)); defaults otherwise
#            (transform.pars=TRUE, BFGS, CSS-free start at zeros/mean).
# loglik is the full Gaussian log-likelihood (includes -n/2*log(2*pi));
# r_mu is R's "intercept" (the process mean); r_sigma2 is R's concentrated
# ML innovation variance; r_convergence is optim's convergence code
# (0 = converged; NA if arima() failed).
# Trailing extra columns (after the 19 requested ones): r_convergence,
# exact_loglik_at_gretl (R's exact loglik evaluated at gretl's estimates,
# fixed=, transform.pars=FALSE), best_exact_loglik = max(r_loglik,
# exact_loglik_at_gretl), best_exact_loglik_polished (local polish of the
# exact loglik from the better of the two points; see below).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 4) stop("usage: arma_sp500.R DATA_DIR GRETL_CSV OUT_CSV TICKER...")
data_dir <- args[1]; gretl_csv <- args[2]; out_csv <- args[3]
tickers <- args[-(1:3)]

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.15g", x))

rows <- list(); series <- list()
for (tk in tickers) {
  f <- file.path(data_dir, paste0(tk, ".csv"))
  if (!file.exists(f)) { message("skip ", tk, ": no ", f); next }
  d <- read.csv(f, colClasses = c(timestamp = "character"))
  r <- 100 * diff(log(d$adjusted_close))
  n <- length(r)
  series[[tk]] <- r
  for (p in 0:2) for (q in 0:2) {
    fit <- tryCatch(arima(r, order = c(p, 0, q), include.mean = TRUE,
                          method = "ML", optim.control = list(maxit = 1000)),
                    error = function(e) { message(tk, " ", p, q, ": ", conditionMessage(e)); NULL })
    cf <- function(nm) if (!is.null(fit) && nm %in% names(fit$coef)) unname(fit$coef[nm]) else NA_real_
    rows[[length(rows) + 1]] <- data.frame(
      ticker = tk, p = p, q = q, n = n,
      r_loglik = if (is.null(fit)) NA_real_ else fit$loglik,
      r_mu = cf("intercept"), r_ar1 = cf("ar1"), r_ar2 = cf("ar2"),
      r_ma1 = cf("ma1"), r_ma2 = cf("ma2"),
      r_sigma2 = if (is.null(fit)) NA_real_ else fit$sigma2,
      r_convergence = if (is.null(fit)) NA_integer_ else fit$code,
      stringsAsFactors = FALSE)
  }
}
res <- do.call(rbind, rows)

gcols <- c("gretl_loglik", "gretl_mu", "gretl_ar1", "gretl_ar2",
           "gretl_ma1", "gretl_ma2", "gretl_sigma2")
if (gretl_csv != "-" && file.exists(gretl_csv)) {
  g <- read.csv(gretl_csv, stringsAsFactors = FALSE, na.strings = "NA")
  g$n <- NULL
  res <- merge(res, g, by = c("ticker", "p", "q"), all.x = TRUE, sort = FALSE)
} else {
  for (cn in gcols) res[[cn]] <- NA_real_
}
res <- res[order(match(res$ticker, tickers), res$p, res$q), ]
res$best_loglik <- pmax(res$r_loglik, res$gretl_loglik, na.rm = TRUE)

# Extra check: the exact Gaussian loglik (R's Kalman filter, Gardner et al.
# 1980 initialisation) evaluated at gretl's estimates. gretl's AS 197 value
# is an approximation of the exact loglik (it differs by up to ~7e-3 when
# roots are near the unit circle), so this column and best_exact_loglik put
# both optima on one exact scale.
res$exact_loglik_at_gretl <- NA_real_
for (i in seq_len(nrow(res))) {
  if (is.na(res$gretl_loglik[i])) next
  p <- res$p[i]; q <- res$q[i]
  fx <- c(if (p > 0) unlist(res[i, c("gretl_ar1", "gretl_ar2")[seq_len(p)]]),
          if (q > 0) unlist(res[i, c("gretl_ma1", "gretl_ma2")[seq_len(q)]]),
          res$gretl_mu[i])
  tk <- res$ticker[i]
  fit <- tryCatch(arima(series[[tk]], order = c(p, 0, q), include.mean = TRUE,
                        method = "ML", fixed = unname(fx), transform.pars = FALSE),
                  error = function(e) NULL)
  if (!is.null(fit)) res$exact_loglik_at_gretl[i] <- fit$loglik
}
res$best_exact_loglik <- pmax(res$r_loglik, res$exact_loglik_at_gretl, na.rm = TRUE)

# Polish: maximise the same exact loglik (R's arima with fixed=, no
# transformation) by Nelder-Mead then BFGS, starting from whichever of the
# two estimates has the higher exact loglik. gretl optimised its AS 197
# approximation, so the exact maximum near its point can be slightly higher
# (observed gains ~1e-5..1e-3). Never lower than best_exact_loglik.
polish <- function(x, p, q, th0) {
  f <- function(th) {
    v <- tryCatch(arima(x, order = c(p, 0, q), include.mean = TRUE, method = "ML",
                        fixed = th, transform.pars = FALSE)$loglik,
                  error = function(e) -Inf, warning = function(w) -Inf)
    if (!is.finite(v)) 1e300 else -v
  }
  ps <- pmax(abs(th0), 0.01) * 1e-2
  o1 <- suppressWarnings(optim(th0, f, method = "Nelder-Mead",
              control = list(reltol = 1e-15, maxit = 3000, parscale = ps)))
  o2 <- optim(o1$par, f, method = "BFGS",
              control = list(reltol = 1e-15, maxit = 500, parscale = ps))
  max(-f(th0), -o1$value, -o2$value)
}
res$best_exact_loglik_polished <- NA_real_
for (i in seq_len(nrow(res))) {
  p <- res$p[i]; q <- res$q[i]
  pick <- function(pre) c(if (p > 0) unlist(res[i, paste0(pre, c("ar1", "ar2"))[seq_len(p)]]),
                          if (q > 0) unlist(res[i, paste0(pre, c("ma1", "ma2"))[seq_len(q)]]),
                          res[[paste0(pre, "mu")]][i])
  use_gretl <- !is.na(res$exact_loglik_at_gretl[i]) &&
    (is.na(res$r_loglik[i]) || res$exact_loglik_at_gretl[i] > res$r_loglik[i])
  th0 <- unname(pick(if (use_gretl) "gretl_" else "r_"))
  if (any(is.na(th0))) next
  res$best_exact_loglik_polished[i] <-
    max(res$best_exact_loglik[i], polish(series[[res$ticker[i]]], p, q, th0))
}

cols <- c("ticker", "p", "q", "n", "r_loglik", "gretl_loglik", "best_loglik",
          "r_mu", "r_ar1", "r_ar2", "r_ma1", "r_ma2", "r_sigma2",
          gcols[-1], "r_convergence",
          "exact_loglik_at_gretl", "best_exact_loglik",
          "best_exact_loglik_polished")
out <- res[, cols]
num <- setdiff(cols, c("ticker", "p", "q", "n", "r_convergence"))
for (cn in num) out[[cn]] <- fmt(out[[cn]])
out$r_convergence <- ifelse(is.na(out$r_convergence), "NA", as.character(out$r_convergence))
write.csv(out, out_csv, row.names = FALSE, quote = FALSE)
