#!/usr/bin/env Rscript
# Portfolio-construction references solved with quadprog::solve.QP (Goldfarb-Idnani dual
# active-set method) on the real covariance of portfolio_data.R.
#
# usage: Rscript portfolio_quadprog.R DIR
#   reads  DIR/sigma20.csv, DIR/mu20.csv, DIR/sectors20.csv, and (if present) DIR/portfolio_scipy.csv
#   writes DIR/portfolio_quadprog.csv       case,ticker,weight (long format, %.17g)
#          DIR/portfolio_quadprog_meta.csv  case,objective,objective_def,options,
#                                           max_violation,kkt_stationarity,min_multiplier,
#                                           scipy_slsqp_max_abs_diff,scipy_polished_max_abs_diff
# The script stops if a KKT check fails, or if portfolio_scipy.csv is present and the polished
# independent solution differs from quadprog's by more than 1e-8 in any weight.
#
# Cases (Sigma percent^2/day, mu percent/day; S = Sigma/1e4 and m = mu/100 are decimal per day;
# w0 = rep(1/20, 20); h = 20; lambda = 5; c = 10e-4). Every case is a strictly convex problem in w
# (Sigma is positive definite), so w is unique.
#   gmv_lo_cap:    min w'Sigma w  s.t. sum w = 1, 0 <= w_i <= 0.15
#   gmv_lo_sector: gmv_lo_cap and, for every sector s, sum_{i in s} w_i <= 0.25
#   gmv_ls_gross:  min w'Sigma w  s.t. sum w = 1, -0.3 <= w_i <= 0.3, sum |w_i| <= 1.6
#   mv_lo:         max h m'w - (lambda/2) h w'S w  s.t. 0 <= w_i <= 0.15, sum w <= 1
#   mv_lo_cost:    max h m'w - (lambda/2) h w'S w - c sum |w_i - w0_i|  s.t. 0 <= w_i <= 0.15, sum w <= 1
#   mv_ls_cost:    max h m'w - (lambda/2) h w'S w - c sum |w_i - w0_i|  s.t. sum w = 1,
#                  -0.3 <= w_i <= 0.3, sum |w_i| <= 1.6, |sum_{i in s} w_i| <= 0.4 for every sector s
# Formulations handed to solve.QP (min 1/2 x'Dx - d'x, A'x >= b, first meq rows equalities):
#   GMV: D = 2 Sigma (so 1/2 x'Dx = w'Sigma w), d = 0.
#   MV:  D = K lambda h S, d = K h m (+ linear cost terms), i.e. min -K f(w) (+ constant), K = 1e4/(lambda h).
#   |.| terms by splits, parametrised by w and the split parts so that D is block diagonal,
#   with a ridge 1e-12 I on the split parts (the coupled form [Sigma -Sigma; -Sigma Sigma] + 1e-12 I
#   left quadprog with a stationarity residual of 3e-9 and violations of 2e-11 on gmv_ls_gross):
#     gmv_ls_gross: w = p - n, p, n >= 0; x = (w, n), p = w + n; gross = sum(p + n) = sum(w + 2n).
#     mv_lo_cost:   w - w0 = b - s, b, s >= 0; x = (w, s), b = w - w0 + s; cost = c sum(b + s).
#     mv_ls_cost:   p = p0 + pb - ps, n = n0 + nb - ns, w = p - n, p0 = max(w0, 0), n0 = max(-w0, 0),
#                   all parts >= 0; x = (w, n, ps, ns), p = w + n, pb = p - p0 + ps, nb = n - n0 + ns;
#                   gross = sum(p + n), cost = c sum(pb + ps + nb + ns).
#   The splits are exact at the optimum (no p_i, n_i both > 0, no b_i, s_i both > 0), checked below.
suppressPackageStartupMessages(library(quadprog))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript portfolio_quadprog.R DIR")
dir <- args[1]

Sigma <- as.matrix(read.csv(file.path(dir, "sigma20.csv"), check.names = FALSE))
tickers <- colnames(Sigma); N <- length(tickers); rownames(Sigma) <- tickers
mu <- read.csv(file.path(dir, "mu20.csv"), stringsAsFactors = FALSE)
sec <- read.csv(file.path(dir, "sectors20.csv"), stringsAsFactors = FALSE)
stopifnot(identical(mu$ticker, tickers), identical(sec$ticker, tickers), isSymmetric(Sigma))
mu <- mu$mu
sectors <- unique(sec$sector)
G <- t(sapply(sectors, function(s) as.numeric(sec$sector == s)))   # n_sectors x N membership

S <- Sigma / 1e4; m <- mu / 100
h <- 20; lambda <- 5; cost <- 10e-4; w0 <- rep(1 / N, N)
RIDGE <- 1e-12
# MV cases are handed to solve.QP scaled by K = 1e4 / (lambda h): min K * (-f(w)), so that the w block
# of D is Sigma (percent^2/day, O(1), like the GMV cases) and the ridge 1e-12 is relative to O(1).
# Unscaled (D = lambda h S ~ 0.04) the ridge/D ratio is 4e10 and quadprog violated mv_lo_cost's
# constraints by 2.4e-7.
K <- 1e4 / (lambda * h)
I <- diag(N); Z <- matrix(0, N, N); one <- rep(1, N)

f_mv <- function(w, c) h * sum(m * w) - (lambda / 2) * h * drop(t(w) %*% S %*% w) - c * sum(abs(w - w0))

# solve, then check the solver's own problem: feasibility, stationarity D x - d - A lam = 0,
# lam >= 0 on inequalities, complementarity lam_i * slack_i = 0
solve_check <- function(name, D, d, A, b, meq) {
  sol <- solve.QP(D, d, A, b, meq = meq)
  x <- sol$solution; lam <- sol$Lagrangian
  slack <- drop(t(A) %*% x) - b
  viol <- max(c(abs(slack[seq_len(meq)]), pmax(-slack[(meq + 1):length(b)], 0)))
  # solve.QP's Lagrangian holds |multiplier| for an equality constraint it negated internally
  # (seen on mv_ls_cost: reported +0.4015, stationarity needs -0.4015), so the sign of each
  # equality multiplier is chosen to minimise the stationarity residual
  for (k in seq_len(meq)) {
    lm <- lam; lm[k] <- -lam[k]
    if (max(abs(D %*% x - d - A %*% lm)) < max(abs(D %*% x - d - A %*% lam))) lam <- lm
  }
  stat <- max(abs(D %*% x - d - A %*% lam))
  minlam <- if (meq < length(b)) min(lam[(meq + 1):length(b)]) else 0
  compl <- if (meq < length(b)) max(abs(lam * slack)[(meq + 1):length(b)]) else 0
  cat(sprintf("%-14s max constraint violation %.3g, stationarity %.3g, min inequality multiplier %.3g, max |lam*slack| %.3g, active %d\n",
              name, viol, stat, minlam, compl, length(sol$iact)))
  # stationarity gate 1e-8: with the 1e-12 ridge, quadprog's multipliers carry ~3e-9 (w-block residual
  # scales like 3e-15/sqrt(ridge)), and the split variables of mv_ls_cost violate their bounds by up to
  # 2e-10; w itself is checked against the independent exact solution below (agreement 1.5e-9 or better)
  stopifnot(viol < 1e-9, stat < 1e-8, minlam > -1e-12, compl < 1e-8)
  list(x = x, value = sol$value, viol = viol, stat = stat, minlam = minlam)
}

res <- list()

## gmv_lo_cap
A <- cbind(one, I, -I); b <- c(1, rep(0, N), rep(-0.15, N))
r <- solve_check("gmv_lo_cap", 2 * Sigma, rep(0, N), A, b, 1)
w <- r$x
res$gmv_lo_cap <- c(r, list(w = w, obj = drop(t(w) %*% Sigma %*% w),
  objdef = "w'Sigma w (percent^2/day), minimised",
  opts = "sum w = 1; 0 <= w_i <= 0.15"))

## gmv_lo_sector
A <- cbind(one, I, -I, -t(G)); b <- c(1, rep(0, N), rep(-0.15, N), rep(-0.25, nrow(G)))
r <- solve_check("gmv_lo_sector", 2 * Sigma, rep(0, N), A, b, 1)
w <- r$x
res$gmv_lo_sector <- c(r, list(w = w, obj = drop(t(w) %*% Sigma %*% w),
  objdef = "w'Sigma w (percent^2/day), minimised",
  opts = "sum w = 1; 0 <= w_i <= 0.15; sum_{i in sector} w_i <= 0.25 for every sector of sectors20.csv"))

## gmv_ls_gross: split w = p - n, parametrised by x = (w, n), p = w + n (D block diagonal)
D <- rbind(cbind(2 * Sigma, Z), cbind(Z, RIDGE * I))
A <- cbind(c(one, rep(0, N)),                      # sum w = 1 (equality)
           rbind(Z, I),                            # n >= 0
           rbind(I, I),                            # p = w + n >= 0
           rbind(I, Z), rbind(-I, Z),              # w >= -0.3, w <= 0.3
           -c(one, 2 * one))                       # gross = sum(p + n) = sum(w + 2n) <= 1.6
b <- c(1, rep(0, N), rep(0, N), rep(-0.3, N), rep(-0.3, N), -1.6)
r <- solve_check("gmv_ls_gross", D, rep(0, 2 * N), A, b, 1)
w <- r$x[1:N]; n <- r$x[N + 1:N]; p <- w + n
cat(sprintf("  gmv_ls_gross: max min(p_i, n_i) = %.3g, sum(p+n) = %.15g, sum|w| = %.15g\n",
            max(pmin(p, n)), sum(p + n), sum(abs(w))))
stopifnot(max(pmin(p, n)) < 1e-8, abs(sum(p + n) - sum(abs(w))) < 1e-8)
res$gmv_ls_gross <- c(r, list(w = w, obj = drop(t(w) %*% Sigma %*% w),
  objdef = "w'Sigma w (percent^2/day), minimised",
  opts = sprintf("sum w = 1; -0.3 <= w_i <= 0.3; sum|w_i| <= 1.6 (split w = p - n, p = w + n, ridge %g on n); gross at optimum %.10f", RIDGE, sum(abs(w)))))

## mv_lo
A <- cbind(I, -I, -one); b <- c(rep(0, N), rep(-0.15, N), -1)
r <- solve_check("mv_lo", K * lambda * h * S, K * h * m, A, b, 0)
w <- r$x
res$mv_lo <- c(r, list(w = w, obj = f_mv(w, 0),
  objdef = "h m'w - (lambda/2) h w'S w, maximised (decimal units)",
  opts = sprintf("lambda = 5, h = 20, c = 0; 0 <= w_i <= 0.15; sum w <= 1 (cash allowed); sum w at optimum %.10f", sum(w))))

## mv_lo_cost: split w - w0 = b - s, parametrised by x = (w, s), b = w - w0 + s (D block diagonal)
# minimise (lambda h / 2) w'S w - h m'w + c sum(b + s) = ... + c sum(w - w0 + 2 s)
D <- rbind(cbind(K * lambda * h * S, Z), cbind(Z, RIDGE * I))
d <- K * c(h * m - cost * one, -2 * cost * one)
A <- cbind(rbind(Z, I),                            # s >= 0
           rbind(I, I),                            # b = w - w0 + s >= 0
           rbind(I, Z), rbind(-I, Z),              # w >= 0, w <= 0.15
           c(-one, rep(0, N)))                     # sum w <= 1
b <- c(rep(0, N), w0, rep(0, N), rep(-0.15, N), -1)
r <- solve_check("mv_lo_cost", D, d, A, b, 0)
w <- r$x[1:N]; ss <- r$x[N + 1:N]; bb <- w - w0 + ss
cat(sprintf("  mv_lo_cost: max min(b_i, s_i) = %.3g, c sum(b+s) = %.15g, c sum|w-w0| = %.15g\n",
            max(pmin(bb, ss)), cost * sum(bb + ss), cost * sum(abs(w - w0))))
stopifnot(max(pmin(bb, ss)) < 1e-8)
res$mv_lo_cost <- c(r, list(w = w, obj = f_mv(w, cost),
  objdef = "h m'w - (lambda/2) h w'S w - c sum|w - w0|, maximised (decimal units)",
  opts = sprintf("lambda = 5, h = 20, c = 10e-4, w0 = 1/20; 0 <= w_i <= 0.15; sum w <= 1 (split w - w0 = b - s, b = w - w0 + s, ridge %g on s); sum w %.10f, turnover sum|w-w0| %.10f",
                 RIDGE, sum(w), sum(abs(w - w0)))))

## mv_ls_cost: 4-block split p = p0 + pb - ps, n = n0 + nb - ns, w = p - n, parametrised by
## x = (w, n, ps, ns) with p = w + n, pb = p - p0 + ps, nb = n - n0 + ns (D block diagonal)
p0 <- pmax(w0, 0); n0 <- pmax(-w0, 0)
O <- matrix(0, N, N)
blk <- function(...) do.call(rbind, list(...))     # stack 4 N x k blocks into a 4N x k block
D <- matrix(0, 4 * N, 4 * N); D[1:N, 1:N] <- K * lambda * h * S; D[(N + 1):(4 * N), (N + 1):(4 * N)] <- RIDGE * diag(3 * N)
# cost c sum(pb + ps + nb + ns) = c sum(w + 2n + 2ps + 2ns) - c sum(p0 + n0)
d <- K * c(h * m - cost * one, -2 * cost * one, -2 * cost * one, -2 * cost * one)
A <- cbind(c(one, rep(0, 3 * N)),                  # sum w = 1 (equality)
           blk(O, I, O, O),                        # n >= 0
           blk(I, I, O, O),                        # p = w + n >= 0
           blk(O, O, I, O), blk(O, O, O, I),       # ps >= 0, ns >= 0
           blk(I, I, I, O),                        # pb = w + n - p0 + ps >= 0
           blk(O, I, O, I),                        # nb = n - n0 + ns >= 0
           blk(I, O, O, O), blk(-I, O, O, O),      # w >= -0.3, w <= 0.3
           -c(one, 2 * one, rep(0, 2 * N)),        # gross = sum(w + 2n) <= 1.6
           rbind(-t(G), matrix(0, 3 * N, nrow(G))),  # sector net <= 0.4
           rbind(t(G), matrix(0, 3 * N, nrow(G))))   # sector net >= -0.4
b <- c(1, rep(0, N), rep(0, N), rep(0, N), rep(0, N), p0, n0, rep(-0.3, N), rep(-0.3, N), -1.6,
       rep(-0.4, nrow(G)), rep(-0.4, nrow(G)))
r <- solve_check("mv_ls_cost", D, d, A, b, 1)
w <- r$x[1:N]; n <- r$x[N + 1:N]; ps <- r$x[2 * N + 1:N]; ns <- r$x[3 * N + 1:N]
p <- w + n; pb <- p - p0 + ps; nb <- n - n0 + ns
x <- c(pb, ps, nb, ns)
gross <- sum(p + n); tc <- cost * sum(x)
cat(sprintf("  mv_ls_cost: max min(p,n) = %.3g, max min(pb,ps) = %.3g, max min(nb,ns) = %.3g\n",
            max(pmin(p, n)), max(pmin(x[1:N], x[N + 1:N])), max(pmin(x[2 * N + 1:N], x[3 * N + 1:N]))))
cat(sprintf("  mv_ls_cost: gross sum(p+n) = %.15g vs sum|w| = %.15g; cost c sum(parts) = %.15g vs c sum|w-w0| = %.15g\n",
            gross, sum(abs(w)), tc, cost * sum(abs(w - w0))))
cat(sprintf("  mv_ls_cost: sector net exposures: %s\n", paste(sprintf("%s %.6f", sectors, drop(G %*% w)), collapse = "; ")))
stopifnot(abs(gross - sum(abs(w))) < 1e-8, abs(tc - cost * sum(abs(w - w0))) < 1e-11)
res$mv_ls_cost <- c(r, list(w = w, obj = f_mv(w, cost),
  objdef = "h m'w - (lambda/2) h w'S w - c sum|w - w0|, maximised (decimal units)",
  opts = sprintf("lambda = 5, h = 20, c = 10e-4, w0 = 1/20; sum w = 1; -0.3 <= w_i <= 0.3; sum|w_i| <= 1.6; |sector net| <= 0.4 (4-block split p = p0 + pb - ps, n = n0 + nb - ns, ridge %g on (n, ps, ns)); gross %.10f, turnover %.10f",
                 RIDGE, sum(abs(w)), sum(abs(w - w0)))))

## independent solutions (portfolio_scipy.py), if present
cmp <- NULL
fs <- file.path(dir, "portfolio_scipy.csv")
if (file.exists(fs)) cmp <- read.csv(fs, stringsAsFactors = FALSE)

f17 <- function(x) sprintf("%.17g", x)
lines <- "case,ticker,weight"
meta <- "case,objective,objective_def,options,max_violation,kkt_stationarity,min_multiplier,scipy_slsqp_max_abs_diff,scipy_polished_max_abs_diff"
for (cs in names(res)) {
  r <- res[[cs]]
  lines <- c(lines, paste(cs, tickers, f17(r$w), sep = ","))
  d1 <- d2 <- NA
  if (!is.null(cmp)) {
    cc <- cmp[cmp$case == cs, ]
    stopifnot(nrow(cc) == N, identical(cc$ticker, tickers))
    d1 <- max(abs(cc$weight_slsqp - r$w)); d2 <- max(abs(cc$weight_polished - r$w))
    cat(sprintf("%-14s max |w_quadprog - w_scipy|: SLSQP %.3g, polished %.3g\n", cs, d1, d2))
    stopifnot(d2 < 1e-8)
  }
  meta <- c(meta, sprintf("%s,%s,\"%s\",\"%s\",%.3g,%.3g,%.3g,%s,%s", cs, f17(r$obj), r$objdef, r$opts,
                          r$viol, r$stat, r$minlam,
                          if (is.na(d1)) "NA" else sprintf("%.3g", d1), if (is.na(d2)) "NA" else sprintf("%.3g", d2)))
}
writeLines(lines, file.path(dir, "portfolio_quadprog.csv"))
writeLines(meta, file.path(dir, "portfolio_quadprog_meta.csv"))
cat(sprintf("portfolio_quadprog: quadprog %s, R %s; wrote portfolio_quadprog.csv and portfolio_quadprog_meta.csv\n",
            packageVersion("quadprog"), getRversion()))
for (cs in names(res)) cat(sprintf("%-14s objective %.15g; weights %s\n", cs, res[[cs]]$obj, paste(sprintf("%.4f", res[[cs]]$w), collapse = " ")))
