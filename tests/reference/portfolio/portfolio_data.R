#!/usr/bin/env Rscript
# Inputs of the portfolio-construction references: a real 20x20 covariance, a mean vector,
# the sectors, and the series used by the Newey-West reference.
#
# usage: Rscript portfolio_data.R SP500_DIR CONSTITUENTS_CSV TICKER_HEADER_CSV OUT_DIR
#   SP500_DIR          ../shared/data/sp500
#   CONSTITUENTS_CSV   ../shared/data/sp500-constituents.csv
#   TICKER_HEADER_CSV  tests/reference/lw_z20.csv (only its header line is used: the 20 tickers)
#   OUT_DIR            where sigma20.csv, mu20.csv, sectors20.csv, returns20.csv go
#
# Definitions (base R only):
#   per ticker, r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})) over consecutive
#   rows of its file, dated by the later row (the convention of lw_sklearn.py / dcc_r.R);
#   the 20 return series are inner-joined on their (ISO string) dates; the last 500 common dates
#   are kept: R (500 x 20, percent per day).
#   Sigma = cov(R) (divisor n-1 = 499), percent^2 per day.
#   mu    = colMeans of the last 250 rows of R, percent per day.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 4) stop("usage: Rscript portfolio_data.R SP500_DIR CONSTITUENTS_CSV TICKER_HEADER_CSV OUT_DIR")
sp_dir <- args[1]; const_csv <- args[2]; hdr_csv <- args[3]; out_dir <- args[4]
N_KEEP <- 500; N_MU <- 250

tickers <- strsplit(readLines(hdr_csv, n = 1), ",")[[1]][-1]
stopifnot(length(tickers) == 20)
cat("portfolio_data: tickers:", tickers, "\n")

series <- list()
for (tk in tickers) {
  d <- read.csv(file.path(sp_dir, paste0(tk, ".csv")), colClasses = c(timestamp = "character"))
  stopifnot(all(diff(as.Date(d$timestamp)) > 0), all(is.finite(d$adjusted_close)), all(d$adjusted_close > 0))
  r <- 100 * diff(log(d$adjusted_close))
  series[[tk]] <- setNames(r, d$timestamp[-1])
}
common <- Reduce(intersect, lapply(series, names))
common <- sort(common)
stopifnot(length(common) >= N_KEEP)
dates <- tail(common, N_KEEP)
cat(sprintf("portfolio_data: %d common return dates, keeping the last %d: %s .. %s\n",
            length(common), N_KEEP, dates[1], dates[N_KEEP]))
R <- sapply(tickers, function(tk) unname(series[[tk]][dates]))
stopifnot(!anyNA(R), dim(R) == c(N_KEEP, 20))
Sigma <- cov(R)
mu <- colMeans(tail(R, N_MU))
cat(sprintf("portfolio_data: mu window %s .. %s\n", tail(dates, N_MU)[1], dates[N_KEEP]))
ev <- eigen(Sigma, symmetric = TRUE, only.values = TRUE)$values
cat(sprintf("portfolio_data: Sigma eigenvalues %.6g .. %.6g (condition %.4g)\n", min(ev), max(ev), max(ev)/min(ev)))

cons <- read.csv(const_csv, stringsAsFactors = FALSE, check.names = FALSE)
sec <- cons$Sector[match(tickers, cons$Symbol)]
stopifnot(!anyNA(sec))

f17 <- function(x) sprintf("%.17g", x)
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
con <- file(file.path(out_dir, "sigma20.csv"), "w")
writeLines(paste(tickers, collapse = ","), con)
for (i in 1:20) writeLines(paste(f17(Sigma[i, ]), collapse = ","), con)
close(con)
writeLines(c("ticker,mu", paste(tickers, f17(mu), sep = ",")), file.path(out_dir, "mu20.csv"))
writeLines(c("ticker,sector", paste(tickers, sec, sep = ",")), file.path(out_dir, "sectors20.csv"))
# the 500 x 20 return matrix itself, so every later step (and a C test) can start from it
con <- file(file.path(out_dir, "returns20.csv"), "w")
writeLines(paste(c("date", tickers), collapse = ","), con)
for (t in 1:N_KEEP) writeLines(paste(c(dates[t], f17(R[t, ])), collapse = ","), con)
close(con)
cat("portfolio_data: sectors:", paste(tickers, sec, sep = "=", collapse = "; "), "\n")
cat("portfolio_data: wrote sigma20.csv mu20.csv sectors20.csv returns20.csv to", out_dir, "\n")
