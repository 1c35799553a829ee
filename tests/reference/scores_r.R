# Reference values of the probabilistic scores (tests/unit/test_eval_scores.c), computed in R
# independently of hpcast's closed forms and quadrature:
#   - CRPS(F, y) = int (F(x) - 1{x >= y})^2 dx by stats::integrate (rel.tol 1e-13) on pieces
#     split at y and at the component means and modes;
#   - the CRPS matrix A_ij = int (F_i(x) - 1{x >= y}) (F_j(x) - 1{x >= y}) dx the same way;
#   - the closed-form normal CRPS (Gneiting et al. 2005, eq. 5);
#   - mixture CDF, log-density, and quantiles by uniroot (tol 1e-15) on the mixture CDF.
# Laws (all standardized to zero mean and unit variance, Y = m + s Z):
#   normal: pnorm; t: pt(z sqrt(nu/(nu-2)), nu); skewt: Hansen (1994) eq. (10)-(11) written
#   with pt; ged: fGarch::pged / dged (unit variance, Nelson 1991).
# Usage: Rscript tests/reference/scores_r.R tests/reference/scores_r.csv
# Needs R >= 4.2 and fGarch (Debian r-cran-fgarch).
suppressMessages(library(fGarch))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "scores_r.csv"

hansen <- function(nu, lam) {
  c <- gamma((nu + 1) / 2) / (sqrt(pi * (nu - 2)) * gamma(nu / 2))
  a <- 4 * lam * c * (nu - 2) / (nu - 1)
  b <- sqrt(1 + 3 * lam^2 - a^2)
  list(a = a, b = b, c = c)
}
std_cdf <- function(d, nu, lam, z) {
  switch(d,
    normal = pnorm(z),
    t = pt(z * sqrt(nu / (nu - 2)), nu),
    ged = pged(z, 0, 1, nu),
    skewt = {
      h <- hansen(nu, lam)
      x <- h$b * z + h$a
      s <- sqrt(nu / (nu - 2))
      ifelse(x < 0, (1 - lam) * pt(x / (1 - lam) * s, nu), (1 + lam) * pt(x / (1 + lam) * s, nu) - lam)
    })
}
std_pdf <- function(d, nu, lam, z) {
  switch(d,
    normal = dnorm(z),
    t = { s <- sqrt(nu / (nu - 2)); s * dt(z * s, nu) },
    ged = dged(z, 0, 1, nu),
    skewt = {
      h <- hansen(nu, lam)
      x <- h$b * z + h$a
      dd <- ifelse(x < 0, 1 - lam, 1 + lam)
      h$b * h$c * (1 + (x / dd)^2 / (nu - 2))^(-(nu + 1) / 2)
    })
}
std_mode <- function(d, nu, lam) if (d == "skewt") { h <- hansen(nu, lam); -h$a / h$b } else 0

# a mixture: data frame with columns d, nu, lam, m, s, w
Fmix <- function(mx, x) {
  r <- 0
  for (i in seq_len(nrow(mx))) r <- r + mx$w[i] * std_cdf(mx$d[i], mx$nu[i], mx$lam[i], (x - mx$m[i]) / mx$s[i])
  r
}
fmix <- function(mx, x) {
  r <- 0
  for (i in seq_len(nrow(mx))) r <- r + mx$w[i] * std_pdf(mx$d[i], mx$nu[i], mx$lam[i], (x - mx$m[i]) / mx$s[i]) / mx$s[i]
  r
}
Fi <- function(mx, i, x) std_cdf(mx$d[i], mx$nu[i], mx$lam[i], (x - mx$m[i]) / mx$s[i])

# int over the real line of g(x), split at y, the means and the modes
integrate_split <- function(g, mx, y) {
  pts <- sort(unique(c(y, mx$m, mx$m + mx$s * mapply(std_mode, mx$d, mx$nu, mx$lam))))
  tot <- integrate(g, -Inf, pts[1], rel.tol = 1e-13, subdivisions = 2000L)$value
  if (length(pts) > 1)
    for (j in seq_len(length(pts) - 1))
      tot <- tot + integrate(g, pts[j], pts[j + 1], rel.tol = 1e-13, subdivisions = 2000L)$value
  tot + integrate(g, pts[length(pts)], Inf, rel.tol = 1e-13, subdivisions = 2000L)$value
}
crps_int <- function(mx, y) integrate_split(function(x) (Fmix(mx, x) - (x >= y))^2, mx, y)
A_int <- function(mx, y, i, j) integrate_split(function(x) (Fi(mx, i, x) - (x >= y)) * (Fi(mx, j, x) - (x >= y)), mx, y)
crps_normal <- function(m, s, y) { z <- (y - m) / s; s * (z * (2 * pnorm(z) - 1) + 2 * dnorm(z) - 1 / sqrt(pi)) }
qmix <- function(mx, p) {
  lo <- min(mx$m - 50 * mx$s); hi <- max(mx$m + 50 * mx$s)
  uniroot(function(x) Fmix(mx, x) - p, c(lo, hi), tol = 1e-15, maxiter = 10000)$root
}

comp <- function(d, nu, lam, m, s, w) data.frame(d = d, nu = nu, lam = lam, m = m, s = s, w = w, stringsAsFactors = FALSE)
cases <- list(
  n1   = comp("normal", NA, NA, 0, 1, 1),
  n2   = comp("normal", NA, NA, 0.3, 1.7, 1),
  t1   = comp("t", 5, NA, -0.2, 1.1, 1),
  t2   = comp("t", 2.5, NA, 0.1, 0.8, 1),
  st1  = comp("skewt", 6, -0.3, 0.05, 1.2, 1),
  st2  = comp("skewt", 12, 0.4, -0.1, 0.9, 1),
  g1   = comp("ged", 1.3, NA, 0, 1.4, 1),
  g2   = comp("ged", 0.9, NA, 0.2, 1, 1),
  mix2 = rbind(comp("normal", NA, NA, 0.1, 1, 0.4), comp("t", 6, NA, -0.1, 1.3, 0.6)),
  mix3 = rbind(comp("normal", NA, NA, 0, 1.1, 0.2), comp("skewt", 8, -0.2, 0.15, 1, 0.5), comp("ged", 1.5, NA, -0.1, 0.9, 0.3))
)
ys <- c(-4.2, -1, 0, 0.35, 2.5, 9)
ps <- c(0.025, 0.1, 0.25, 0.5, 0.75, 0.95)

rows <- list()
add <- function(name, mx, what, x, i, j, value) {
  r <- list(case = name, what = what, k = nrow(mx))
  for (c in 1:3) {
    has <- c <= nrow(mx)
    r[[paste0("d", c)]] <- if (has) mx$d[c] else NA
    r[[paste0("nu", c)]] <- if (has) mx$nu[c] else NA
    r[[paste0("lam", c)]] <- if (has) mx$lam[c] else NA
    r[[paste0("m", c)]] <- if (has) mx$m[c] else NA
    r[[paste0("s", c)]] <- if (has) mx$s[c] else NA
    r[[paste0("w", c)]] <- if (has) mx$w[c] else NA
  }
  r$x <- x; r$i <- i; r$j <- j; r$value <- value
  rows[[length(rows) + 1]] <<- r
}
for (name in names(cases)) {
  mx <- cases[[name]]
  for (y in ys) {
    add(name, mx, "crps", y, NA, NA, crps_int(mx, y))
    if (nrow(mx) == 1 && mx$d[1] == "normal") add(name, mx, "crps_closed", y, NA, NA, crps_normal(mx$m, mx$s, y))
    add(name, mx, "cdf", y, NA, NA, Fmix(mx, y))
    add(name, mx, "logpdf", y, NA, NA, log(fmix(mx, y)))
    if (nrow(mx) > 1)
      for (i in seq_len(nrow(mx))) for (j in i:nrow(mx)) add(name, mx, "A", y, i, j, A_int(mx, y, i, j))
  }
  for (p in ps) add(name, mx, "quantile", p, NA, NA, qmix(mx, p))
}
df <- do.call(rbind, lapply(rows, as.data.frame, stringsAsFactors = FALSE))
fmt <- function(v) if (is.numeric(v)) ifelse(is.na(v), "NA", sprintf("%.15g", v)) else ifelse(is.na(v), "NA", v)
txt <- as.data.frame(lapply(df, fmt), stringsAsFactors = FALSE)
writeLines(c(paste(names(df), collapse = ","), apply(txt, 1, paste, collapse = ",")), out)
