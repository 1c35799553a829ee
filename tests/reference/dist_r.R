#!/usr/bin/env Rscript
# Reference values for the distribution functions of src/models/dist.c
# (tests/unit/test_models_dist.c): R's qnorm, qt and pt (R Core Team, package
# stats; qt/pt follow Hill 1970 and the incomplete-beta algorithm of pbeta,
# TOMS 708), printed with 17 significant digits.
# usage: Rscript tests/reference/dist_r.R > tests/reference/dist_r.csv
# Columns: fun (qnorm|qt|pt), x (probability for q*, quantile for pt),
#          nu (degrees of freedom; NA for qnorm), value.
out <- data.frame(fun = character(), x = numeric(), nu = numeric(), value = numeric())
ps <- c(1e-10, 0.001, 0.025, 0.1, 0.5, 0.9, 0.975, 0.999)
out <- rbind(out, data.frame(fun = "qnorm", x = ps, nu = NA, value = qnorm(ps)))
nus <- c(2.5, 4, 8, 30, 200)
pq <- c(1e-10, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999)
xs <- c(-50, -5, -2, -1, -0.1, 0, 0.3, 1.5, 3, 8)
for (nu in nus) {
  out <- rbind(out, data.frame(fun = "qt", x = pq, nu = nu, value = qt(pq, nu)))
  out <- rbind(out, data.frame(fun = "pt", x = xs, nu = nu, value = pt(xs, nu)))
}
cat("fun,x,nu,value\n")
for (i in seq_len(nrow(out)))
  cat(sprintf("%s,%.17g,%s,%.17g\n", out$fun[i], out$x[i],
              ifelse(is.na(out$nu[i]), "NA", sprintf("%.17g", out$nu[i])), out$value[i]))
cat(sprintf("# R %s.%s\n", R.version$major, R.version$minor))
