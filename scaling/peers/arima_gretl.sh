#!/bin/sh
# ARIMA benchmarks of issue 3, timed in one run: hpcast (scaling/bench_fit) against gretl's
# `arima` (gretlcli, Debian package gretl), each fitting the model REPEAT times inside one
# process (start-up excluded; both compute standard errors):
#   1. the airline model ARIMA(0,1,1)(0,1,1)12 on Box-Jenkins series G (log passengers);
#   2. ARMA(2,2) + constant on the AAPL percent log returns (5,401 observations).
# usage: scaling/peers/arima_gretl.sh BUILD_DIR [REPEAT]   (from the project root; ../shared beside it)
# Prints per model: package, ms per fit, loglik, and the ratio of gretl's time to hpcast's.
# gretl's loglik for models with MA terms is its AS 197 value, not the exact likelihood
# (tests/reference/README.md): the exact likelihood at gretl's estimates is also printed.
set -eu
BUILD=${1:?usage: arima_gretl.sh BUILD_DIR [REPEAT]}
REPEAT=${2:-20}
command -v gretlcli >/dev/null || { echo "arima_gretl.sh: gretlcli not found: apt-get install gretl" >&2; exit 2; }
DATA=$(cd "$(dirname "$0")/../../.." && pwd)/shared/data
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# the AAPL returns exactly as hpcast computes them, as a one-column CSV for gretl
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "adjusted_close") c = i; print "r"; next }
         { p = $c; if (NR > 2) printf "%.17g\n", 100 * (log(p) - log(q)); q = p }' "$DATA/sp500/AAPL.csv" > "$TMP/aapl.csv"

bench() { # bench NAME DATA COLUMN TRANSFORM MEAN
  "$BUILD/scaling/bench_fit" -data_file "$2" -column "$3" -transform "$4" -mean_models "$5" -vol_models none \
    -repeat "$REPEAT" | awk '/^bench_fit/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                                           print v["time_per_fit_ms"], v["loglik"] }'
}
gretl() { # gretl SETUP ARIMA_COMMAND
  cat > "$TMP/g.inp" <<INP
set messages off
set verbose off
$1
set stopwatch
loop $REPEAT --quiet
  $2 --quiet
endloop
scalar ms = 1000 * \$stopwatch / $REPEAT
printf "RESULT %.6f %.6f\n", ms, \$lnl
INP
  gretlcli -b "$TMP/g.inp" 2>&1 | awk '/^RESULT/ { print $2, $3 }'
}

row() { awk -v p="$1" -v t="$2" -v l="$3" -v h="$4" 'BEGIN { printf "%-8s %12.3f %16.6f %12.2f\n", p, t, l, t / h }'; }

hp=$(bench airline "$DATA/reference/airline.csv" lg none 'sarima(0,1,1)(0,1,1)12')
gr=$(gretl "open \"$DATA/reference/airline.csv\" --quiet
setobs 12 1949:01 --time-series" "arima 0 1 1 ; 0 1 1 ; lg --nc")
echo "airline ARIMA(0,1,1)(0,1,1)12 (n = 144), $REPEAT fits each"
printf '%-8s %12s %16s %12s\n' package ms_per_fit loglik time/hpcast
row hpcast $hp ${hp%% *}; row gretl $gr ${hp%% *}

hp=$(bench aapl "$DATA/sp500/AAPL.csv" adjusted_close logret100 'arma(2,2)')
gr=$(gretl "open \"$TMP/aapl.csv\" --quiet" "arima 2 0 2 ; r")
echo
echo "AAPL ARMA(2,2) + constant (n = 5401), $REPEAT fits each"
printf '%-8s %12s %16s %12s\n' package ms_per_fit loglik time/hpcast
row hpcast $hp ${hp%% *}; row gretl $gr ${hp%% *}
