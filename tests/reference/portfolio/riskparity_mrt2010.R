#!/usr/bin/env Rscript
# Equal-risk-contribution (ERC) weights of the published example of Maillard, Roncalli & Teiletche
# (2010), "The properties of equally weighted risk contribution portfolios", Journal of Portfolio
# Management 36(4), 60-70 (working paper version: "On the properties of equally-weighted risk
# contributions portfolios", May 2009, SSRN 1271972).
#
# usage: Rscript riskparity_mrt2010.R OUT_CSV
# Long format: example,quantity,i,j,computed,published,agree,source   (i, j 1-based; NA where unused)
#
# Example (MRT 2010 p. 65 / working paper Sec. 4.1): 4 assets, volatilities 10%, 20%, 30%, 40%,
# correlations rho_12 = 0.8, rho_34 = -0.5, all others 0: Sigma_ij = rho_ij sigma_i sigma_j.
# Published (percent, 1 decimal): ERC weights 38.4, 19.2, 24.3, 18.2; sigma(x) = 10.3%;
# marginal risk contributions d sigma/d x_i = 0.067, 0.134, 0.106, 0.141; for the 1/n portfolio
# sigma = 11.5%, marginal contributions 0.056, 0.122, 0.065, 0.217 and risk shares 12.3, 26.4,
# 14.1, 47.2%. Second example (p. 65, zero correlation): ERC = inverse volatility, 48, 24, 16, 12%.
#
# ERC computed by Spinu (2013): y = argmin 0.5 y'Sigma y - sum_i b_i log y_i (b_i = 1/n), strictly
# convex on y > 0; its stationarity condition y_i (Sigma y)_i = b_i makes the risk contributions of
# w = y / sum(y) equal. Solved by damped Newton (step halved until y > 0 and the objective
# decreases) to ||gradient||_inf < 1e-15 relative.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript riskparity_mrt2010.R OUT_CSV")

erc_spinu <- function(Sigma, b = rep(1 / nrow(Sigma), nrow(Sigma))) {
  F <- function(y) 0.5 * sum(y * (Sigma %*% y)) - sum(b * log(y))
  y <- 1 / sqrt(diag(Sigma)); y <- y / sqrt(sum(y * (Sigma %*% y)))  # inverse-vol start
  for (it in 1:200) {
    g <- drop(Sigma %*% y) - b / y
    if (max(abs(g * y)) < 1e-15) break
    H <- Sigma + diag(b / y^2)
    step <- solve(H, g); tt <- 1
    while (any(y - tt * step <= 0) || F(y - tt * step) > F(y)) tt <- tt / 2
    y <- y - tt * step
  }
  w <- y / sum(y)
  list(w = w, iter = it, grad = max(abs((drop(Sigma %*% y) - b / y) * y)))
}

SRC1 <- paste("Maillard Roncalli Teiletche (2010) JPM 36(4) p.65 (working paper May 2009 Sec. 4.1), not read directly;",
              "values as reproduced in lequant40/portfolio_allocation_js test/tests_allocation.js ('Example 2 p. 65')",
              "and in a third-party unit test quoting 'MRT Sec. 4.1 ERC table' and '1/n table' (found with the code search)")
SRC2 <- paste("Maillard Roncalli Teiletche (2010) JPM 36(4) p.65, not read directly; as reproduced in",
              "lequant40/portfolio_allocation_js test/tests_allocation.js ('Example 1 p. 65 ... constant correlation equals to 0')")
rows <- "example,quantity,i,j,computed,published,agree,source"
add <- function(ex, q, i, j, v, pub, agree, src) rows <<- c(rows, sprintf("%s,%s,%s,%s,%.17g,%s,%s,\"%s\"",
  ex, q, i, j, v, pub, agree, src))

vol <- c(0.10, 0.20, 0.30, 0.40)
for (ex in c("mrt2010_general", "mrt2010_zero_corr")) {
  rho <- diag(4)
  if (ex == "mrt2010_general") { rho[1, 2] <- rho[2, 1] <- 0.8; rho[3, 4] <- rho[4, 3] <- -0.5 }
  Sigma <- rho * outer(vol, vol)
  src <- if (ex == "mrt2010_general") SRC1 else SRC2
  for (i in 1:4) for (j in 1:4) add(ex, "cov", i, j, Sigma[i, j], "NA", "NA", "input: rho_ij sigma_i sigma_j")
  r <- erc_spinu(Sigma); w <- r$w
  sig <- sqrt(sum(w * (Sigma %*% w))); mrc <- drop(Sigma %*% w) / sig; rc <- w * mrc / sig
  cat(sprintf("%s: Newton iterations %d, max |y_i (Sigma y)_i - b_i| %.2g, risk shares - 1/4: %.2g\n",
              ex, r$iter, r$grad, max(abs(rc - 0.25))))
  stopifnot(r$grad < 1e-15, max(abs(rc - 0.25)) < 1e-14)
  cat(sprintf("  ERC weights %s; sigma %.10f; mrc %s\n", paste(sprintf("%.12f", w), collapse = " "), sig,
              paste(sprintf("%.6f", mrc), collapse = " ")))
  chk <- function(v, pub, digits) { a <- isTRUE(all.equal(round(v, digits), pub, tolerance = 0)) || abs(round(v, digits) - pub) < 1e-12; if (a) "yes" else "NO" }
  if (ex == "mrt2010_general") {
    pw <- c(38.4, 19.2, 24.3, 18.2); pm <- c(0.067, 0.134, 0.106, 0.141)
    for (i in 1:4) add(ex, "erc_weight_percent", i, "NA", 100 * w[i], sprintf("%.1f", pw[i]), chk(100 * w[i], pw[i], 1), src)
    add(ex, "erc_vol_percent", "NA", "NA", 100 * sig, "10.3", chk(100 * sig, 10.3, 1), src)
    for (i in 1:4) add(ex, "erc_marginal_risk", i, "NA", mrc[i], sprintf("%.3f", pm[i]), chk(mrc[i], pm[i], 3), src)
    for (i in 1:4) add(ex, "erc_risk_share_percent", i, "NA", 100 * rc[i], "25", chk(100 * rc[i], 25, 0), src)
    # the 1/n portfolio of the same table
    e <- rep(0.25, 4); se <- sqrt(sum(e * (Sigma %*% e))); me <- drop(Sigma %*% e) / se; sh <- e * me / se
    add(ex, "ew_vol_percent", "NA", "NA", 100 * se, "11.5", chk(100 * se, 11.5, 1), src)
    pme <- c(0.056, 0.122, 0.065, 0.217); psh <- c(12.3, 26.4, 14.1, 47.2)
    for (i in 1:4) add(ex, "ew_marginal_risk", i, "NA", me[i], sprintf("%.3f", pme[i]), chk(me[i], pme[i], 3), src)
    for (i in 1:4) add(ex, "ew_risk_share_percent", i, "NA", 100 * sh[i], sprintf("%.1f", psh[i]), chk(100 * sh[i], psh[i], 1), src)
  } else {
    pw <- c(48, 24, 16, 12)
    for (i in 1:4) add(ex, "erc_weight_percent", i, "NA", 100 * w[i], sprintf("%d", pw[i]), chk(100 * w[i], pw[i], 0), src)
    iv <- (1 / vol) / sum(1 / vol)
    cat(sprintf("  max |ERC - inverse-vol| = %.2g\n", max(abs(w - iv))))
    stopifnot(max(abs(w - iv)) < 1e-14)
  }
}
writeLines(rows, args[1])
bad <- grep(",NO,", rows, value = TRUE)
if (length(bad)) { cat("DISAGREE:\n"); writeLines(bad) } else cat("riskparity: every published value reproduced to its published digits\n")
