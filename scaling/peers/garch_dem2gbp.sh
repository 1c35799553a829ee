#!/bin/sh
# GARCH(1,1)-normal with constant mean on the DEM/GBP returns (FCP benchmark), timed in one run:
# hpcast (scaling/bench_fit), gretl `garch 1 1 ; Y` (gretlcli) and R fGarch::garchFit.
# Each package fits the model REPEAT times inside one process, after one untimed warm-up fit
# (start-up excluded: the first fit of a process pays one-time set-up, e.g. PETSc's
# registration of its solver classes, ~1 ms; gretl and hpcast also compute standard errors,
# fGarch computes its Hessian as part of the fit); the
# three processes are run ROUNDS times in turn and the minimum time per fit of each is kept
# (the machine may be shared).
# usage: scaling/peers/garch_dem2gbp.sh BUILD_DIR [REPEAT] [ROUNDS]   (from the project root)
# Prints: package, ms per fit (minimum over the rounds), loglik, and each time over hpcast's.
set -eu
BUILD=${1:?usage: garch_dem2gbp.sh BUILD_DIR [REPEAT] [ROUNDS]}
REPEAT=${2:-50}
ROUNDS=${3:-3}
DATA=$(cd "$(dirname "$0")/../../.." && pwd)/shared/data/reference/dem2gbp.csv
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

sed -e "s|@DATA@|$DATA|" -e "s|@REPEAT@|$REPEAT|" "$HERE/garch_dem2gbp.inp" > "$TMP/g.inp"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
  "$BUILD/scaling/bench_fit" -data_file "$DATA" -column Y -transform none -mean_models 'arma(0,0)' \
    -vol_models 'garch(1,1):normal' -repeat "$REPEAT" -warmup 1 | awk '/^bench_fit/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print "hpcast", v["time_per_fit_ms"], v["loglik"] }' >> "$TMP/all"
  gretlcli -b "$TMP/g.inp" 2>&1 | awk '/^RESULT/ { print "gretl", $2, $3 }' >> "$TMP/all"
  Rscript "$HERE/garch_dem2gbp.R" "$DATA" "$REPEAT" 2>/dev/null | awk '/^RESULT/ { print "fGarch", $2, $3 }' >> "$TMP/all"
  r=$((r + 1))
done

echo "GARCH(1,1)-normal on dem2gbp (n = 1974), $REPEAT fits each, minimum over $ROUNDS rounds"
printf '%-14s %14s %16s %14s\n' package ms_per_fit loglik time/hpcast
awk '{ if (!($1 in t) || $2 < t[$1]) { t[$1] = $2; l[$1] = $3 } }
     END { n = split("hpcast gretl fGarch", p, " ")
           for (i = 1; i <= n; i++) printf "%-14s %14.3f %16.6f %14.1f\n", p[i], t[p[i]], l[p[i]], t[p[i]] / t["hpcast"] }' "$TMP/all"
