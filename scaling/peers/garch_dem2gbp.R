# R fGarch side of scaling/peers/garch_dem2gbp.sh: usage Rscript garch_dem2gbp.R DATA REPEAT
suppressPackageStartupMessages(library(fGarch))
a <- commandArgs(TRUE); y <- read.csv(a[1])$Y; N <- as.integer(a[2])
f <- garchFit(~garch(1, 1), data = y, trace = FALSE)
t <- system.time(for (i in seq_len(N)) f <- garchFit(~garch(1, 1), data = y, trace = FALSE))[["elapsed"]]
cat(sprintf("RESULT %.4f %.6f\n", 1000 * t / N, -f@fit$llh))
