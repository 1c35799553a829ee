#!/usr/bin/env Rscript
# Newey-West t-statistic of the mean of a real daily active-return series, with R sandwich.
#
# usage: Rscript neweywest_sandwich.R DIR
#   reads  DIR/returns20.csv (portfolio_data.R: 500 x 20 percent log returns y)
#   writes DIR/neweywest_series.csv   t,date,x  (n = 250)
#          DIR/neweywest_sandwich.csv L,lrv,t,lrv_by_hand
# Series: the last 250 rows of returns20.csv; simple decimal returns R = exp(y/100) - 1;
#   x_t = mean_i R_{t,i} (equal-weight portfolio of the 20 tickers, rebalanced daily) - R_{t,AAPL}.
# t(L) = mean(x) / sqrt(NeweyWest(lm(x ~ 1), lag = L, prewhite = FALSE, adjust = FALSE)),
#   L in {0, 1, 5} and L = floor(4 (n/100)^(2/9)) = 4 (Newey & West 1994 rule), n = 250.
# sandwich's definition (checked below by hand): e_t = x_t - mean(x),
#   gamma_j = (1/n) sum_{t=j+1..n} e_t e_{t-j}   (divisor n, not n - j),
#   lrv = gamma_0 + 2 sum_{j=1..L} (1 - j/(L+1)) gamma_j   (Bartlett weights),
#   NeweyWest(...) = lrv / n (1x1), so t = mean(x) / sqrt(lrv / n).
suppressPackageStartupMessages(library(sandwich))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript neweywest_sandwich.R DIR")
dir <- args[1]
d <- read.csv(file.path(dir, "returns20.csv"), check.names = FALSE, colClasses = c(date = "character"))
d <- tail(d, 250)
R <- exp(as.matrix(d[, -1]) / 100) - 1
x <- rowMeans(R) - R[, "AAPL"]
n <- length(x)
Lnw <- floor(4 * (n / 100)^(2 / 9))
cat(sprintf("neweywest: n = %d, %s .. %s, mean %.10g, Newey-West (1994) lag %d\n", n, d$date[1], d$date[n], mean(x), Lnw))
e <- x - mean(x)
gam <- function(j) sum(e[(j + 1):n] * e[1:(n - j)]) / n
out <- "L,lrv,t,lrv_by_hand"
for (L in sort(unique(c(0, 1, 5, Lnw)))) {
  V <- NeweyWest(lm(x ~ 1), lag = L, prewhite = FALSE, adjust = FALSE)[1, 1]
  lrv <- n * V
  byhand <- gam(0) + if (L > 0) 2 * sum(sapply(1:L, function(j) (1 - j / (L + 1)) * gam(j))) else 0
  tt <- mean(x) / sqrt(V)
  cat(sprintf("  L = %d: lrv %.15g (by hand %.15g, rel diff %.2g), t = %.15g\n", L, lrv, byhand, abs(lrv / byhand - 1), tt))
  stopifnot(abs(lrv / byhand - 1) < 1e-12)
  out <- c(out, sprintf("%d,%.17g,%.17g,%.17g", L, lrv, tt, byhand))
}
writeLines(out, file.path(dir, "neweywest_sandwich.csv"))
writeLines(c("t,date,x", sprintf("%d,%s,%.17g", 0:(n - 1), d$date, x)), file.path(dir, "neweywest_series.csv"))
cat(sprintf("neweywest: sandwich %s; wrote neweywest_sandwich.csv and neweywest_series.csv\n", packageVersion("sandwich")))
