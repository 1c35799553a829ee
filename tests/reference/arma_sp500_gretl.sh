#!/bin/sh
# gretl ARMA(p,q)+constant references for S&P 500 daily log returns.
# usage: arma_sp500_gretl.sh DATA_DIR OUT_CSV TICKER...
#   DATA_DIR: directory holding TICKER.csv (e.g. ../shared/data/sp500)
# Series: r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})),
# t = 2..N in file order. Only the adjusted_close column (6th) is handed to
# gretl, so gretl sees an undated series (no calendar padding of gaps).
# Estimator: gretl `arima p 0 q ; r` with its defaults: constant included,
# exact Gaussian ML (AS 197 for pure ARMA; plain OLS for p=q=0).
# Output columns: ticker,p,q,n,gretl_loglik,gretl_mu,gretl_ar1,gretl_ar2,
#   gretl_ma1,gretl_ma2,gretl_sigma2
# gretl_sigma2 = sum($uhat^2)/n, i.e. $sigma^2 for p+q>0 (gretl's $sigma for
# arima is the root mean square of the one-step innovations); for p=q=0 gretl
# fits by OLS and its $sigma has a df correction (/(n-1)), so we use /n there
# too for a uniform definition.
set -eu
DATA_DIR=$1; OUT=$2; shift 2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
echo "ticker,p,q,n,gretl_loglik,gretl_mu,gretl_ar1,gretl_ar2,gretl_ma1,gretl_ma2,gretl_sigma2" > "$OUT"
for T in "$@"; do
  f="$DATA_DIR/$T.csv"
  if [ ! -f "$f" ]; then echo "skip $T: no $f" >&2; continue; fi
  cut -d, -f6 "$f" > "$TMP/adj.csv"
  cat > "$TMP/arma.inp" <<INP
set messages off
set max_verbose off
open "$TMP/adj.csv" --quiet
series r = 100*ldiff(adjusted_close)
smpl 2 \$nobs
loop p=0..2
  loop q=0..2
    catch arima p 0 q ; r --quiet
    if \$error
      printf "CSV,$T,%d,%d,%d,NA,NA,NA,NA,NA,NA,NA\n", p, q, \$nobs
    else
      matrix b = \$coeff
      series u = \$uhat
      string line = sprintf("CSV,$T,%d,%d,%d,%.15g,%.15g", p, q, \$T, \$lnl, b[1])
      loop i=1..2
        if i <= p
          line = line ~ sprintf(",%.15g", b[1+i])
        else
          line = line ~ ",NA"
        endif
      endloop
      loop i=1..2
        if i <= q
          line = line ~ sprintf(",%.15g", b[1+p+i])
        else
          line = line ~ ",NA"
        endif
      endloop
      line = line ~ sprintf(",%.15g", sum(u^2)/\$T)
      printf "%s\n", line
    endif
  endloop
endloop
INP
  gretlcli -b "$TMP/arma.inp" > "$TMP/log.txt" 2>&1 || { cat "$TMP/log.txt" >&2; exit 1; }
  grep '^CSV,' "$TMP/log.txt" | sed 's/^CSV,//' >> "$OUT"
done
