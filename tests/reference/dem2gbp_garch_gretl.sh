#!/bin/sh
# gretl GARCH(1,1) on the Bollerslev-Ghysels DEM/GBP series (FCP benchmark).
# usage: dem2gbp_garch_gretl.sh DEM2GBP_CSV OUT_CSV
# Model: Y_t = mu + e_t, h_t = omega + alpha1 e_{t-1}^2 + beta1 h_{t-1},
# normal errors, exact ML, gretl `garch 1 1 ; Y` (constant in the mean by
# default; gretl's native code implements the FCP analytical-derivative
# algorithm). Standard errors with `set garch_vcv`:
#   se_hessian = hessian (gretl's default), se_opg = op,
#   se_robust = qml (QML sandwich, Bollerslev-Wooldridge form as tabled by
#   FCP; gretl's `bw` variant differs and is not used).
# Output: parameter,estimate,se_hessian,se_opg,se_robust with rows mu,
# omega, alpha1, beta1 and loglik (estimate = $lnl, SEs NA).
set -eu
IN=$1; OUT=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/garch.inp" <<INP
set messages off
open "$IN" --quiet
garch 1 1 ; Y --quiet
matrix b = \$coeff
scalar ll = \$lnl
set garch_vcv hessian
garch 1 1 ; Y --quiet
matrix sh = \$stderr
set garch_vcv op
garch 1 1 ; Y --quiet
matrix so = \$stderr
set garch_vcv qml
garch 1 1 ; Y --quiet
matrix sr = \$stderr
strings nm = defarray("mu", "omega", "alpha1", "beta1")
loop i=1..4
  printf "CSV,%s,%.15g,%.15g,%.15g,%.15g\n", nm[i], b[i], sh[i], so[i], sr[i]
endloop
printf "CSV,loglik,%.15g,NA,NA,NA\n", ll
INP
gretlcli -b "$TMP/garch.inp" > "$TMP/log.txt" 2>&1 || { cat "$TMP/log.txt" >&2; exit 1; }
{ echo "parameter,estimate,se_hessian,se_opg,se_robust"
  grep '^CSV,' "$TMP/log.txt" | sed 's/^CSV,//'; } > "$OUT"
