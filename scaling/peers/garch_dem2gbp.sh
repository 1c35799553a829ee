#!/bin/sh
# GARCH(1,1)-normal with constant mean on the DEM/GBP returns (FCP benchmark), timed in one run:
# hpcast (scaling/bench_fit), gretl `garch 1 1 ; Y` (gretlcli) and R fGarch::garchFit.
# Each package fits the model REPEAT times inside one process (start-up excluded; gretl and
# hpcast also compute standard errors, fGarch computes its Hessian as part of the fit).
# usage: scaling/peers/garch_dem2gbp.sh BUILD_DIR [REPEAT]   (from the project root)
# Prints: package, ms per fit, loglik, and the ratio of each time to hpcast's.
set -eu
BUILD=${1:?usage: garch_dem2gbp.sh BUILD_DIR [REPEAT]}
REPEAT=${2:-50}
DATA=$(cd "$(dirname "$0")/../../.." && pwd)/shared/data/reference/dem2gbp.csv
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

hp=$("$BUILD/scaling/bench_fit" -data_file "$DATA" -column Y -transform none -mean_models 'arma(0,0)' \
      -vol_models 'garch(1,1):normal' -repeat "$REPEAT" | awk '/^bench_fit/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["time_per_fit_ms"], v["loglik"] }')

sed -e "s|@DATA@|$DATA|" -e "s|@REPEAT@|$REPEAT|" "$HERE/garch_dem2gbp.inp" > "$TMP/g.inp"
gr=$(gretlcli -b "$TMP/g.inp" 2>&1 | awk '/^RESULT/ { print $2, $3 }')

fg=$(Rscript "$HERE/garch_dem2gbp.R" "$DATA" "$REPEAT" 2>/dev/null | awk '/^RESULT/ { print $2, $3 }')

echo "GARCH(1,1)-normal on dem2gbp (n = 1974), $REPEAT fits each"
printf '%-14s %14s %16s %14s\n' package ms_per_fit loglik time/hpcast
for row in "hpcast $hp" "gretl $gr" "fGarch $fg"; do
  set -- $row
  awk -v p="$1" -v t="$2" -v l="$3" -v h="${hp%% *}" 'BEGIN { printf "%-14s %14.3f %16.6f %14.1f\n", p, t, l, t / h }'
done
