#!/bin/sh
# gretl airline model on Box-Jenkins series G (log passengers).
# usage: airline_gretl.sh AIRLINE_CSV OUT_CSV
# gretl `arima 0 1 1 ; 0 1 1 ; lg --nc` (exact ML, AS 197 on the differenced
# series; gretl reads the obs column 1949M01.. as monthly data, pd = 12).
# sigma2 = $sigma^2 = mean of squared one-step innovations.
# Output: model,ma1,sma1,sigma2,loglik,nobs
set -eu
IN=$1; OUT=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/airline.inp" <<INP
set messages off
open "$IN" --quiet
if \$pd != 12
  funcerr "airline.csv not read as monthly data"
endif
arima 0 1 1 ; 0 1 1 ; lg --nc --quiet
matrix b = \$coeff
printf "CSV,gretl_arima_011_011_nc,%.15g,%.15g,%.15g,%.15g,%d\n", b[1], b[2], \$sigma^2, \$lnl, \$T
INP
gretlcli -b "$TMP/airline.inp" > "$TMP/log.txt" 2>&1 || { cat "$TMP/log.txt" >&2; exit 1; }
{ echo "model,ma1,sma1,sigma2,loglik,nobs"
  grep '^CSV,' "$TMP/log.txt" | sed 's/^CSV,//'; } > "$OUT"
