#!/bin/sh
# ARIMA benchmarks of issue 3, timed in one run: hpcast (scaling/bench_fit) against gretl's
# `arima` (gretlcli, Debian package gretl), each fitting the model REPEAT times inside one
# process after one untimed warm-up fit (start-up and one-time set-up excluded: gretl's first
# arima and hpcast's first fit, which registers PETSc's solver classes, each take ~1 ms more;
# both compute standard errors; hpcast one fit from its own start, as gretl's). The two programs
# run alternately RUNS times and the fastest run of each counts (the machine may be shared):
#   1. the airline model ARIMA(0,1,1)(0,1,1)12 on Box-Jenkins series G (log passengers);
#   2. ARMA(2,2) + constant on the AAPL percent log returns (5,401 observations).
# usage: scaling/peers/arima_gretl.sh BUILD_DIR [REPEAT [RUNS]]   (from the project root; ../shared beside it)
# Prints per model: package, ms per fit, loglik, and the ratio of gretl's time to hpcast's.
# gretl's loglik for models with MA terms is its AS 197 value, not the exact likelihood
# (tests/reference/README.md); the exact likelihood at gretl's AAPL estimates, -12925.348371,
# is in tests/reference/arma_sp500.csv (exact_loglik_at_gretl).
set -eu
BUILD=${1:?usage: arima_gretl.sh BUILD_DIR [REPEAT [RUNS]]}
REPEAT=${2:-20}
RUNS=${3:-3}
command -v gretlcli >/dev/null || { echo "arima_gretl.sh: gretlcli not found: apt-get install gretl" >&2; exit 2; }
DATA=$(cd "$(dirname "$0")/../../.." && pwd)/shared/data
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# the AAPL returns exactly as hpcast computes them, as a one-column CSV for gretl
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "adjusted_close") c = i; print "r"; next }
         { p = $c; if (NR > 2) printf "%.17g\n", 100 * (log(p) - log(q)); q = p }' "$DATA/sp500/AAPL.csv" > "$TMP/aapl.csv"

bench() { # bench NAME DATA COLUMN TRANSFORM MEAN
  "$BUILD/scaling/bench_fit" -data_file "$2" -column "$3" -transform "$4" -mean_models "$5" -vol_models none \
    -repeat "$REPEAT" -warmup 1 | awk '/^bench_fit/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                                           print v["time_per_fit_ms"], v["loglik"] }'
}
gretl() { # gretl SETUP ARIMA_COMMAND
  cat > "$TMP/g.inp" <<INP
set messages off
set verbose off
$1
$2 --quiet
set stopwatch
loop $REPEAT --quiet
  $2 --quiet
endloop
scalar ms = 1000 * \$stopwatch / $REPEAT
printf "RESULT %.6f %.6f\n", ms, \$lnl
INP
  gretlcli -b "$TMP/g.inp" 2>&1 | awk '/^RESULT/ { print $2, $3 }'
}

# compare NAME HPCAST_ARGS.. -- GRETL_SETUP GRETL_COMMAND: RUNS alternate runs, the fastest of each
compare() {
  name=$1; shift
  : > "$TMP/hp"; : > "$TMP/gr"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    bench "$1" "$2" "$3" "$4" "$5" >> "$TMP/hp"
    gretl "$7" "$8" >> "$TMP/gr"
    i=$((i + 1))
  done
  hp=$(sort -g "$TMP/hp" | head -1)
  gr=$(sort -g "$TMP/gr" | head -1)
  echo "$name, $REPEAT fits each, fastest of $RUNS runs"
  printf '%-8s %12s %16s %12s\n' package ms_per_fit loglik time/hpcast
  row hpcast $hp ${hp%% *}; row gretl $gr ${hp%% *}
}

row() { awk -v p="$1" -v t="$2" -v l="$3" -v h="$4" 'BEGIN { printf "%-8s %12.3f %16.6f %12.2f\n", p, t, l, t / h }'; }

compare "airline ARIMA(0,1,1)(0,1,1)12 (n = 144)" airline "$DATA/reference/airline.csv" lg none 'sarima(0,1,1)(0,1,1)12' -- \
  "open \"$DATA/reference/airline.csv\" --quiet
setobs 12 1949:01 --time-series" "arima 0 1 1 ; 0 1 1 ; lg --nc"
echo
compare "AAPL ARMA(2,2) + constant (n = 5401)" aapl "$DATA/sp500/AAPL.csv" adjusted_close logret100 'arma(2,2)' -- \
  "open \"$TMP/aapl.csv\" --quiet" "arima 2 0 2 ; r"
