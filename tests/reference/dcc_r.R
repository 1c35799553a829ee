#!/usr/bin/env Rscript
# DCC(1,1) correlation-likelihood reference values in base R (no packages), for hpcast's
# covariance module. Written independently of any hpcast code and of any 2x2 closed form: the
# likelihood is the general N-dimensional one, evaluated with det() and solve().
# usage: Rscript dcc_r.R [SP500_DIR [OUT_DIR]]
#   e.g. Rscript tests/reference/dcc_r.R ../shared/data/sp500 tests/reference
#   (defaults: $HPCAST_DATA/sp500 with HPCAST_DATA = ../shared/data, and the current directory)
#
# Data: tickers AAPL, MSFT, JPM, JNJ, KO in that column order. Per ticker
#   r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})) over consecutive file rows,
#   dated by the later row; the five series are inner-joined on their dates and the last 1000
#   common dates kept. Each column is demeaned and divided by its population sd (divisor n):
#   u (n = 1000 x 5). dcc_z5.csv: date,AAPL,MSFT,JPM,JNJ,KO = u, printed with %.17g.
#
# Likelihood (Engle 2002, eq. (26), with correlation targeting) of an N-column block U (n x N),
# rows u_t:
#   Qbar = (1/n) sum_t u_t u_t'  (all n rows),  Q_1 = Qbar,
#   Q_t  = (1-a-b) Qbar + a u_{t-1} u_{t-1}' + b Q_{t-1},  t >= 2,
#   R_t  = diag(Q_t)^(-1/2) Q_t diag(Q_t)^(-1/2),
#   l(a,b) = sum_{t=1..n} -0.5 * ( log det R_t + u_t' R_t^{-1} u_t - u_t' u_t ).
# Composite likelihood: CL(a,b) = sum of l over the 2-column blocks of the contiguous pairs
#   (1,2), (2,3), (3,4), (4,5) (AAPL-MSFT, MSFT-JPM, JPM-JNJ, JNJ-KO), each with its own Qbar.
# Parameter space: a >= 0, b >= 0, a + b < 1. Start (a,b) = (0.05, 0.90).
#
# Maximisation (done for CL and for the full likelihood of columns 1,2): two optimisers from the
# start, (1) L-BFGS-B on (a,b) in [0,1]^2 (factr = 1, pgtol = 0, central-difference gradient
# with step 1e-7; a + b >= 1 is given a large finite penalty), (2) Nelder-Mead on the transform
# a = s w, b = s (1-w), s = plogis(th1), w = plogis(th2) (a + b < 1 by construction),
# reltol = 1e-15, restarted from its own optimum until it stops moving. Both are then polished by
# Newton steps on a central-difference gradient and Hessian. The script stops unless the two
# polished optima agree to 1e-7 in a and b; the better one is reported. The gradient norm at the
# reported optimum (central differences, several steps) is printed and must be < 1e-4.
#
# OUT_DIR/dcc_r.csv, rows name,value (%.17g):
#   cl_at_start      CL(0.05, 0.90)
#   a_hat, b_hat     argmax CL;   cl_hat  CL(a_hat, b_hat)
#   full2_at_start   l(0.05, 0.90) of columns 1,2 (AAPL, MSFT)
#   full2_a_hat, full2_b_hat   argmax of that l;   full2_hat  its maximum
#   full5_at_start   l(0.05, 0.90) of all 5 columns (Qbar = U'U/n, 5 x 5)
args <- commandArgs(trailingOnly = TRUE)
if (length(args) > 2) stop("usage: dcc_r.R [SP500_DIR [OUT_DIR]]")
hd <- Sys.getenv("HPCAST_DATA", "../shared/data")
dir <- if (length(args) >= 1) args[1] else file.path(hd, "sp500")
out <- if (length(args) >= 2) args[2] else "."
tickers <- c("AAPL", "MSFT", "JPM", "JNJ", "KO")
n_keep <- 1000
a0 <- 0.05; b0 <- 0.90

rets <- lapply(tickers, function(tk) {
  d <- read.csv(file.path(dir, paste0(tk, ".csv")), stringsAsFactors = FALSE)
  dt <- d$timestamp
  if (any(dt[-1] <= dt[-length(dt)])) stop(paste(tk, ": dates not strictly ascending"))
  p <- d$adjusted_close
  if (any(!is.finite(p) | p <= 0)) stop(paste(tk, ": adjusted_close not all positive"))
  setNames(100 * diff(log(p)), dt[-1])
})
common <- sort(Reduce(intersect, lapply(rets, names)))
if (length(common) < n_keep) stop("too few common dates")
dates <- tail(common, n_keep)
Z <- sapply(rets, function(r) unname(r[dates]))
colnames(Z) <- tickers
n <- nrow(Z)
U <- apply(Z, 2, function(x) { m <- mean(x); (x - m) / sqrt(mean((x - m)^2)) })
cat(sprintf("dcc_r: %d common dates, kept %s .. %s\n", length(common), dates[1], dates[n]))

# Full DCC correlation log-likelihood of an n x N block, general N (det and solve).
dcc_ll <- function(a, b, U) {
  n <- nrow(U)
  Qbar <- crossprod(U) / n
  Q <- Qbar
  l <- 0
  for (t in seq_len(n)) {
    if (t >= 2) {
      up <- U[t - 1, ]
      Q <- (1 - a - b) * Qbar + a * tcrossprod(up) + b * Q
    }
    d <- 1 / sqrt(diag(Q))
    R <- Q * tcrossprod(d)
    u <- U[t, ]
    l <- l - 0.5 * (log(det(R)) + sum(u * solve(R, u)) - sum(u * u))
  }
  l
}
pairs <- list(c(1, 2), c(2, 3), c(3, 4), c(4, 5))
cl <- function(a, b) sum(sapply(pairs, function(pr) dcc_ll(a, b, U[, pr, drop = FALSE])))
full2 <- function(a, b) dcc_ll(a, b, U[, 1:2])

# maximise f(a, b) by two optimisers from different starts, polish, cross-check; returns
# c(a, b, f)
maximise <- function(f, label) {
  t1 <- proc.time()[["elapsed"]]
  ok <- function(p) p[1] >= 0 && p[2] >= 0 && p[1] + p[2] < 1
  negf <- function(p) if (!ok(p)) 1e10 else -f(p[1], p[2])
  grad_cd <- function(p, h) {
    g <- numeric(2)
    for (k in 1:2) { e <- c(0, 0); e[k] <- h; g[k] <- (f(p[1] + e[1], p[2] + e[2]) -
                                                       f(p[1] - e[1], p[2] - e[2])) / (2 * h) }
    g
  }
  # central differences at h and h/2 combined by Richardson extrapolation (error O(h^4))
  grad_rich <- function(p, h) (4 * grad_cd(p, h / 2) - grad_cd(p, h)) / 3
  # (1) L-BFGS-B on (a, b) from the prescribed start
  o1 <- optim(c(a0, b0), negf, function(p) -grad_cd(p, 1e-7), method = "L-BFGS-B",
              lower = c(0, 0), upper = c(1, 1),
              control = list(factr = 1, pgtol = 0, maxit = 1000))
  p1 <- o1$par
  cat(sprintf("dcc_r: %s L-BFGS-B from (%g, %g): a=%.12f b=%.12f f=%.12f (conv %d, %s)\n",
              label, a0, b0, p1[1], p1[2], -o1$value, o1$convergence, o1$message))
  # (2) Nelder-Mead on the logistic transform from the best point of a coarse grid (a global
  # check too: the optimum must beat every grid point). a = 0 is the constant-correlation
  # model, flat in b: a derivative-free search from (0.05, 0.90) can drift onto that ridge.
  ga <- c(0, 0.001, 0.003, 0.01, 0.03); gb <- c(0, 0.3, 0.6, 0.9)
  grid <- expand.grid(a = ga, b = gb)
  grid$f <- mapply(f, grid$a, grid$b)
  gbest <- grid[which.max(grid$f), ]
  cat(sprintf("dcc_r: %s grid max f=%.6f at a=%g b=%g; constant correlation (a=0) f=%.12f\n",
              label, gbest$f, gbest$a, gbest$b, grid$f[grid$a == 0][1]))
  tr <- function(th) { s <- plogis(th[1]); w <- plogis(th[2]); c(s * w, s * (1 - w)) }
  th <- c(qlogis(gbest$a + gbest$b), qlogis(gbest$a / (gbest$a + gbest$b)))
  prev <- Inf
  for (k in 1:20) {
    o2 <- optim(th, function(th) negf(tr(th)), method = "Nelder-Mead",
                control = list(reltol = 1e-15, maxit = 5000))
    th <- o2$par
    if (abs(prev - o2$value) < 1e-12) break
    prev <- o2$value
  }
  p2 <- tr(th)
  cat(sprintf("dcc_r: %s Nelder-Mead from the grid point: a=%.12f b=%.12f f=%.12f (%d runs)\n",
              label, p2[1], p2[2], -o2$value, k))
  # Newton polish: Richardson central-difference gradient, central-difference Hessian.
  # b is weakly identified (small Hessian eigenvalue), so the optimisers' own stopping rules
  # leave b uncertain at the 1e-7 level; Newton on an accurate gradient pins it down.
  hess_cd <- function(p, hh) {
    H <- matrix(0, 2, 2)
    for (i in 1:2) for (j in 1:2) {
      ei <- c(0, 0); ei[i] <- hh; ej <- c(0, 0); ej[j] <- hh
      H[i, j] <- (f(p[1] + ei[1] + ej[1], p[2] + ei[2] + ej[2]) -
                  f(p[1] + ei[1] - ej[1], p[2] + ei[2] - ej[2]) -
                  f(p[1] - ei[1] + ej[1], p[2] - ei[2] + ej[2]) +
                  f(p[1] - ei[1] - ej[1], p[2] - ei[2] - ej[2])) / (4 * hh * hh)
    }
    H
  }
  # The Richardson step h = 1e-4 is chosen from a scan: h = 1e-4 and 2e-4 give the same fixed
  # point to 1e-9 in b, while h <= 2e-5 moves b by up to 1e-7 (rounding noise of f). The
  # Hessian is computed once (the starting points are already within ~1e-6 of the optimum).
  newton <- function(p) {
    H <- hess_cd(p, 1e-4)
    ev <- eigen(H, symmetric = TRUE)$values
    if (any(ev >= 0)) stop(paste(label, ": Hessian not negative definite at", p[1], p[2]))
    for (it in 1:8) {
      g <- grad_rich(p, 1e-4)
      step <- -solve(H, g)
      pn <- p + step
      if (!ok(pn)) stop(paste(label, ": Newton step leaves the parameter space"))
      p <- pn
      if (max(abs(step)) < 1e-10) break
    }
    list(p = p, ev = ev, it = it, step = max(abs(step)))
  }
  n1 <- newton(p1); n2 <- newton(p2)
  q1 <- n1$p; q2 <- n2$p
  f1 <- f(q1[1], q1[2]); f2 <- f(q2[1], q2[2])
  cat(sprintf("dcc_r: %s polished from L-BFGS-B    a=%.15f b=%.15f f=%.15f (%d Newton steps, last %.1e)\n",
              label, q1[1], q1[2], f1, n1$it, n1$step))
  cat(sprintf("dcc_r: %s polished from Nelder-Mead a=%.15f b=%.15f f=%.15f (%d Newton steps, last %.1e)\n",
              label, q2[1], q2[2], f2, n2$it, n2$step))
  cat(sprintf("dcc_r: %s before polishing, L-BFGS-B vs Nelder-Mead: |da|=%.2e |db|=%.2e |df|=%.2e\n",
              label, abs(p1[1] - p2[1]), abs(p1[2] - p2[2]), abs(o1$value - o2$value)))
  cat(sprintf("dcc_r: %s after polishing:                |da|=%.2e |db|=%.2e |df|=%.2e\n",
              label, abs(q1[1] - q2[1]), abs(q1[2] - q2[2]), abs(f1 - f2)))
  if (max(abs(q1 - q2)) > 1e-7) stop(paste(label, ": the two optimisers disagree by more than 1e-7"))
  q <- if (f1 >= f2) q1 else q2
  fq <- max(f1, f2)
  if (fq < max(grid$f) || fq < -o1$value - 1e-9 || fq < -o2$value - 1e-9)
    stop(paste(label, ": polished optimum below a grid point or an unpolished optimum"))
  H <- hess_cd(q, 1e-4)
  cat(sprintf("dcc_r: %s Hessian at optimum [%.6g %.6g; %.6g %.6g], eigenvalues %.6g %.6g\n",
              label, H[1, 1], H[1, 2], H[2, 1], H[2, 2],
              eigen(H, symmetric = TRUE)$values[1], eigen(H, symmetric = TRUE)$values[2]))
  # plain central differences need h <= 1e-6 here: the third derivative in a is large, and
  # at h = 1e-4 the truncation error alone is ~2e-2
  for (hg in c(1e-6, 1e-7)) {
    gn <- sqrt(sum(grad_cd(q, hg)^2))
    cat(sprintf("dcc_r: %s gradient norm at optimum (central differences, h=%g): %.3e\n", label, hg, gn))
    if (gn >= 1e-4) stop(paste(label, ": gradient norm at the optimum >= 1e-4"))
  }
  gn <- sqrt(sum(grad_rich(q, 1e-4)^2))
  cat(sprintf("dcc_r: %s gradient norm at optimum (Richardson, h=1e-4): %.3e; %.1f s\n", label,
              gn, proc.time()[["elapsed"]] - t1))
  if (gn >= 1e-4) stop(paste(label, ": gradient norm at the optimum >= 1e-4"))
  c(q, fq)
}

t0 <- proc.time()[["elapsed"]]
cl_start <- cl(a0, b0)
f2_start <- full2(a0, b0)
f5_start <- dcc_ll(a0, b0, U)
# cross-check of the general det/solve evaluation against a 2x2 closed form (check only; no
# reported value uses it): l_t = -0.5 (log(1-rho^2) + (x^2 - 2 rho x y + y^2)/(1-rho^2) - x^2 - y^2)
ll2_closed <- function(a, b, x, y) {
  n <- length(x); q11b <- mean(x * x); q22b <- mean(y * y); q12b <- mean(x * y)
  q11 <- q11b; q22 <- q22b; q12 <- q12b; l <- 0
  for (t in seq_len(n)) {
    if (t >= 2) {
      q11 <- (1 - a - b) * q11b + a * x[t - 1]^2 + b * q11
      q22 <- (1 - a - b) * q22b + a * y[t - 1]^2 + b * q22
      q12 <- (1 - a - b) * q12b + a * x[t - 1] * y[t - 1] + b * q12
    }
    rho <- q12 / sqrt(q11 * q22)
    l <- l - 0.5 * (log(1 - rho^2) + (x[t]^2 - 2 * rho * x[t] * y[t] + y[t]^2) / (1 - rho^2) -
                    x[t]^2 - y[t]^2)
  }
  l
}
cat(sprintf("dcc_r: full2_at_start general %.17g, 2x2 closed form %.17g (diff %.2e)\n",
            f2_start, ll2_closed(a0, b0, U[, 1], U[, 2]),
            f2_start - ll2_closed(a0, b0, U[, 1], U[, 2])))
o_cl <- maximise(cl, "CL")
o_f2 <- maximise(full2, "full2")
cat(sprintf("dcc_r: %.1f s\n", proc.time()[["elapsed"]] - t0))

dir.create(out, showWarnings = FALSE, recursive = TRUE)
zf <- file.path(out, "dcc_z5.csv")
lines <- c(paste(c("date", tickers), collapse = ","),
           apply(cbind(dates, matrix(sprintf("%.17g", U), n)), 1, paste, collapse = ","))
writeLines(lines, zf)
vals <- c(cl_at_start = cl_start, a_hat = o_cl[1], b_hat = o_cl[2], cl_hat = o_cl[3],
          full2_at_start = f2_start, full2_a_hat = o_f2[1], full2_b_hat = o_f2[2],
          full2_hat = o_f2[3], full5_at_start = f5_start)
writeLines(c("name,value", sprintf("%s,%.17g", names(vals), vals)), file.path(out, "dcc_r.csv"))
cat(sprintf("dcc_r: %-15s %.17g\n", names(vals), vals), sep = "")
cat("dcc_r: wrote", zf, "and", file.path(out, "dcc_r.csv"), "\n")
