# R stats::arima side of scaling/peers/compare.sh: usage Rscript arima_r.R DATA_DIR REPEAT
# (DATA_DIR = shared/data). Fits, REPEAT times each after one warm-up fit, by exact Gaussian
# maximum likelihood (method "ML"; R's default "CSS-ML" only adds a CSS start):
#   airline: ARIMA(0,1,1)(0,1,1)12 on log passengers (reference/airline.csv, lg), no constant;
#   aapl:    ARMA(2,2) + mean on AAPL percent log returns, 100 * diff(log(adjusted_close)).
# Prints "RESULT <model> <ms per fit, mean over REPEAT> <loglik> <n>" per model.
a <- commandArgs(TRUE); N <- as.integer(a[2])
lg <- ts(read.csv(file.path(a[1], "reference/airline.csv"))$lg, frequency = 12)
p <- read.csv(file.path(a[1], "sp500/AAPL.csv"))$adjusted_close
r <- 100 * diff(log(p))
bench <- function(name, fit) {
  f <- fit()
  t <- system.time(for (i in seq_len(N)) f <- fit())[["elapsed"]]
  cat(sprintf("RESULT %s %.4f %.6f %d\n", name, 1000 * t / N, f$loglik, f$nobs))
}
bench("airline", function() arima(lg, order = c(0, 1, 1), seasonal = list(order = c(0, 1, 1), period = 12), method = "ML"))
bench("aapl", function() arima(r, order = c(2, 0, 2), include.mean = TRUE, method = "ML"))
