#!/usr/bin/env bash
# Peer comparison in one run on the same data (docs/scaling.md): time per fit and log-likelihood
# of hpcast against gretl, R and statsmodels on three models:
#   airline  ARIMA(0,1,1)(0,1,1)12 on log airline passengers (shared/data/reference/airline.csv, lg)
#   aapl     ARMA(2,2) + constant on AAPL percent log returns (5,401 obs; sp500/AAPL.csv,
#            100 * diff(log(adjusted_close)))
#   garch    GARCH(1,1)-normal with constant mean on DEM/GBP (reference/dem2gbp.csv, Y; n = 1974)
# Three hpcast numbers per model: the kernel's (scaling/bench_fit: one fit from one start, data in
# memory) and the product's (scaling/peers/product.sh: N copies of the series through one hpcast
# job as a user runs it, /perf wall time / N: loading, quality gate, start search, fits,
# forecast, diagnostics, journal and report included), with the default start list and with
# -fit_starts own (the family's own start alone, the start policy of gretl and R). A claim about
# hpcast's speed against a peer uses a product number (columns time_vs_product and
# time_vs_product_own); time_vs_hpcast is against the kernel.
# Packages: hpcast (scaling/bench_fit, through scaling/peers/arima_gretl.sh and
#   garch_dem2gbp.sh), gretl (arima, garch; the same two scripts), R (stats::arima:
#   scaling/peers/arima_r.R; fGarch::garchFit: garch_dem2gbp.sh), statsmodels (SARIMAX:
#   scaling/peers/arima_statsmodels.py; statsmodels has no GARCH model).
# Timing: inside each process (start-up and data loading excluded), the mean time per fit of a
#   loop of REPEAT fits (each package: its loop time / REPEAT; R and statsmodels after one
#   untimed warm-up fit); the whole set of runs is repeated ROUNDS times (interleaved, so that
#   a burst of other load hits one round of one package) and the table has, per package and
#   model, the MINIMUM over the rounds of that mean. Every package also computes standard
#   errors / the covariance.
#
# usage: scaling/peers/compare.sh BUILD_DIR [REPEAT]     (REPEAT default 20)
# Environment: ROUNDS (default 3), RESULTS (output directory, default scaling/results), PYTHON (python3 with
#   statsmodels; default the first of python3, /usr/bin/python3 that has it; if none,
#   python3-statsmodels is installed with apt-get when running as root).
# Writes RESULTS/peers.csv and RESULTS/peers.md; prints the markdown table.
# Exit status: 0 if every package ran, 1 if some row is NA (named in its note), 2 usage.
set -uo pipefail
BUILD=${1:?usage: compare.sh BUILD_DIR [REPEAT]}
REPEAT=${2:-20}
ROUNDS=${ROUNDS:-3}
case "$REPEAT$ROUNDS" in *[!0-9]*) echo "compare.sh: REPEAT and ROUNDS must be positive integers" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=$(cd "$ROOT/.." && pwd)/shared/data
RESULTS=${RESULTS:-$ROOT/scaling/results}
BUILD=$(cd "$BUILD" && pwd) || exit 2
say() { echo "compare.sh: $*" >&2; }
[ -x "$BUILD/scaling/bench_fit" ] || { say "$BUILD/scaling/bench_fit missing: ninja -C $BUILD scaling/bench_fit"; exit 2; }
[ -r "$DATA/sp500/AAPL.csv" ] || { say "$DATA/sp500/AAPL.csv missing"; exit 2; }
mkdir -p "$RESULTS"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# python3 with statsmodels (installed from Debian when missing)
if [ -z "${PYTHON:-}" ]; then
  for p in python3 /usr/bin/python3; do
    if "$p" -c 'import statsmodels' 2>/dev/null; then PYTHON=$p; break; fi
  done
fi
if [ -z "${PYTHON:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "statsmodels missing: installing python3-statsmodels with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-statsmodels > "$TMP/apt.log" 2>&1 ||
      { apt-get update -qq > /dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-statsmodels > "$TMP/apt.log" 2>&1; } ||
      say "apt-get install python3-statsmodels failed: $(tail -n 1 "$TMP/apt.log")"
    /usr/bin/python3 -c 'import statsmodels' 2>/dev/null && PYTHON=/usr/bin/python3
  else
    say "statsmodels missing and not root: apt-get install python3-statsmodels (statsmodels rows NA)"
  fi
fi

ver_hpcast="hpcast $(sed -n "s/^ *version : '\(.*\)',/\1/p" "$ROOT/meson.build") ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
ver_gretl=$(gretlcli --version 2>/dev/null | awk 'NR == 1 { print "gretl " $3 }')
ver_r=$(Rscript -e 'cat(sprintf("R %s.%s", R.version$major, R.version$minor))' 2>/dev/null)
ver_fgarch=$(Rscript -e 'cat(sprintf("R %s.%s fGarch %s", R.version$major, R.version$minor, packageVersion("fGarch")))' 2>/dev/null)
ver_sm=$([ -n "${PYTHON:-}" ] && "$PYTHON" -c 'import statsmodels; print("statsmodels", statsmodels.__version__)')
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')

# ---- the runs: ROUNDS rounds of the four, one after the other ---------------------------------------
# rows: "model package ms loglik [converged]" per round, appended to $TMP/rows.
# arima_gretl.sh prints a block per model (first line "airline ..." or "AAPL ..."), rows
# "package ms loglik ratio"; garch_dem2gbp.sh one block.
: > "$TMP/rows"
for round in $(seq 1 "$ROUNDS"); do
  say "round $round/$ROUNDS: arima_gretl.sh (hpcast, gretl; airline and AAPL) ..."
  "$HERE/arima_gretl.sh" "$BUILD" "$REPEAT" > "$TMP/arima_gretl.out" 2> "$TMP/arima_gretl.err" ||
    say "arima_gretl.sh failed: $(tail -n 2 "$TMP/arima_gretl.err")"
  say "round $round/$ROUNDS: garch_dem2gbp.sh (hpcast, gretl, fGarch; DEM/GBP) ..."
  "$HERE/garch_dem2gbp.sh" "$BUILD" "$REPEAT" > "$TMP/garch.out" 2> "$TMP/garch.err" ||
    say "garch_dem2gbp.sh failed: $(tail -n 2 "$TMP/garch.err")"
  say "round $round/$ROUNDS: product.sh (hpcast per ticker, as a user runs it) ..."
  "$HERE/product.sh" "$BUILD/src/app/hpcast" > "$TMP/product.out" 2> "$TMP/product.err" ||
    say "product.sh failed: $(tail -n 2 "$TMP/product.err")"
  say "round $round/$ROUNDS: product.sh -fit_starts own ..."
  EXTRA_ARGS="${EXTRA_ARGS:-} -fit_starts own" "$HERE/product.sh" "$BUILD/src/app/hpcast" > "$TMP/product_own.out" 2> "$TMP/product_own.err" ||
    say "product.sh -fit_starts own failed: $(tail -n 2 "$TMP/product_own.err")"
  say "round $round/$ROUNDS: R stats::arima ..."
  Rscript "$HERE/arima_r.R" "$DATA" "$REPEAT" > "$TMP/arima_r.out" 2> "$TMP/arima_r.err" ||
    say "arima_r.R failed: $(tail -n 2 "$TMP/arima_r.err")"
  : > "$TMP/sm.out"
  if [ -n "${PYTHON:-}" ]; then
    say "round $round/$ROUNDS: statsmodels SARIMAX ..."
    "$PYTHON" "$HERE/arima_statsmodels.py" "$DATA" "$REPEAT" > "$TMP/sm.out" 2> "$TMP/sm.err" ||
      say "arima_statsmodels.py failed: $(tail -n 2 "$TMP/sm.err")"
  fi
  {
    awk '/^airline/ { m = "airline" } /^AAPL/ { m = "aapl" }
         m && ($1 == "hpcast" || $1 == "gretl") && NF == 4 { print m, $1, $2, $3 }' "$TMP/arima_gretl.out"
    awk '($1 == "hpcast" || $1 == "gretl" || $1 == "fGarch") && NF == 4 { print "garch", $1, $2, $3 }' "$TMP/garch.out"
    awk '$1 == "PRODUCT" { print $2, "product", $3, $4 }' "$TMP/product.out"
    awk '$1 == "PRODUCT" { print $2, "product_own", $3, $4 }' "$TMP/product_own.out"
    awk '$1 == "RESULT" { print $2, "R", $3, $4 }' "$TMP/arima_r.out"
    awk '$1 == "RESULT" { print $2, "statsmodels", $3, $4, $6 }' "$TMP/sm.out"
  } >> "$TMP/rows"
done
# the minimum over the rounds of the time; loglik and convergence of the first round
awk '{ k = $1 " " $2; if (!(k in t) || $3 < t[k]) t[k] = $3; if (!(k in l)) { l[k] = $4; c[k] = $5 } }
     END { for (k in t) print k, t[k], l[k], c[k] }' "$TMP/rows" > "$TMP/best"

# ---- the table --------------------------------------------------------------------------------
rc=0
{
  echo "model,n,package,version,repeats,rounds,timing,ms_per_fit,loglik,time_vs_hpcast,time_vs_product,time_vs_product_own,note"
  for spec in \
    "airline|144|product|$ver_hpcast|hpcast per ticker as a user runs it: product.sh, N_AIRLINE copies in one job (${INPUT:-csv} input, no cross-sectional stage), /perf wall / N" \
    "airline|144|product_own|$ver_hpcast|hpcast per ticker as a user runs it, with -fit_starts own: the mean model from its family's own start alone, as gretl and R (product.sh, N_AIRLINE copies in one job)" \
    "airline|144|hpcast|$ver_hpcast|bench_fit, 1 start, Hessian standard errors" \
    "airline|144|gretl|$ver_gretl|arima 0 1 1 ; 0 1 1 ; lg --nc" \
    "airline|144|R|$ver_r|stats::arima method=ML; loglik of the undifferenced series with R's diffuse prior (kappa 1e6), not the differenced-series likelihood of the others" \
    "airline|144|statsmodels|$ver_sm|SARIMAX simple_differencing=True, defaults" \
    "aapl|5401|product|$ver_hpcast|hpcast per ticker as a user runs it: product.sh, N_AAPL copies in one job (${INPUT:-csv} input, no cross-sectional stage), /perf wall / N (the job's multi-start search)" \
    "aapl|5401|product_own|$ver_hpcast|hpcast per ticker as a user runs it, with -fit_starts own: the mean model from its family's own start alone, as gretl and R (product.sh, N_AAPL copies in one job)" \
    "aapl|5401|hpcast|$ver_hpcast|bench_fit, 1 start (the job's multi-start search reaches -12925.348, docs/models.md)" \
    "aapl|5401|gretl|$ver_gretl|arima 2 0 2 ; r; loglik as printed by gretl (arima_gretl.sh: AS 197 value for MA models)" \
    "aapl|5401|R|$ver_r|stats::arima method=ML, include.mean" \
    "aapl|5401|statsmodels|$ver_sm|SARIMAX trend=c, defaults" \
    "garch|1974|product|$ver_hpcast|hpcast per ticker as a user runs it: product.sh, N_GARCH copies in one job (${INPUT:-csv} input, no cross-sectional stage), /perf wall / N" \
    "garch|1974|product_own|$ver_hpcast|hpcast per ticker as a user runs it, with -fit_starts own: the mean model from its family's own start alone, as gretl and R (product.sh, N_GARCH copies in one job)" \
    "garch|1974|hpcast|$ver_hpcast|bench_fit, Hessian standard errors" \
    "garch|1974|gretl|$ver_gretl|garch 1 1 ; Y" \
    "garch|1974|fGarch|$ver_fgarch|garchFit(~garch(1,1)), trace=FALSE" \
    "garch|1974|statsmodels|$ver_sm|no GARCH model in statsmodels (volatility models live in the separate arch package)"; do
    IFS='|' read -r model n pkg ver note <<< "$spec"
    hp=$(awk -v m="$model" '$1 == m && $2 == "hpcast" { print $3 }' "$TMP/best")
    pr=$(awk -v m="$model" '$1 == m && $2 == "product" { print $3 }' "$TMP/best")
    po=$(awk -v m="$model" '$1 == m && $2 == "product_own" { print $3 }' "$TMP/best")
    read -r ms ll conv <<< "$(awk -v m="$model" -v p="$pkg" '$1 == m && $2 == p { print $3, $4, $5 }' "$TMP/best")"
    if [ -z "${ms:-}" ]; then
      ms=NA; ll=NA
      case "$model/$pkg" in
        garch/statsmodels) ;;
        *) note="$note; NOT MEASURED (the run failed or its output changed)"; rc=1 ;;
      esac
    fi
    [ "$ms" != NA ] && ms=$(awk -v x="$ms" 'BEGIN { printf "%.3f", x }') && ll=$(awk -v x="$ll" 'BEGIN { printf "%.6f", x }')
    [ "${conv:-1}" = 0 ] && note="$note; optimiser reports no convergence"
    ratio=$(awk -v a="$ms" -v b="$hp" 'BEGIN { if (a == "NA" || b == "" || b == "NA") print "NA"; else printf "%.2f", a / b }')
    ratio_p=$(awk -v a="$ms" -v b="$pr" 'BEGIN { if (a == "NA" || b == "" || b == "NA") print "NA"; else printf "%.2f", a / b }')
    ratio_o=$(awk -v a="$ms" -v b="$po" 'BEGIN { if (a == "NA" || b == "" || b == "NA") print "NA"; else printf "%.2f", a / b }')
    echo "$model,$n,$pkg,\"$ver\",$REPEAT,$ROUNDS,min_of_round_means,$ms,$ll,$ratio,$ratio_p,$ratio_o,\"$note\""
    conv=
  done
} > "$RESULTS/peers.csv"

{
  echo "# Peer comparison (scaling/peers/compare.sh)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $load at the start, $(cut -d' ' -f1 /proc/loadavg) at the end;"
  echo "time per fit = minimum over $ROUNDS rounds of the mean of $REPEAT fits inside one process (start-up"
  echo "excluded); hpcast product = per ticker through one hpcast job of N copies (/perf wall / N,"
  echo "minimum over the rounds), with the default start list and with -fit_starts own; a ratio > 1:"
  echo "hpcast is faster. Claims about the product use the last two columns."
  echo
  echo "| model | package | ms per fit (per ticker: product) | loglik | time / hpcast kernel | time / hpcast product | time / hpcast product, -fit_starts own | note |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  "${PYTHON:-python3}" -c '
import csv, sys
names = {"airline": "airline ARIMA(0,1,1)(0,1,1)12, n=144", "aapl": "AAPL ARMA(2,2)+c, n=5401",
         "garch": "DEM/GBP GARCH(1,1)-normal, n=1974"}
for r in csv.DictReader(open(sys.argv[1])):
    pkg = r["version"] + {"product": " (product)", "product_own": " (product, -fit_starts own)"}.get(r["package"], "")
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (names[r["model"]], pkg, r["ms_per_fit"], r["loglik"], r["time_vs_hpcast"],
                                                        r["time_vs_product"], r["time_vs_product_own"], r["note"]))' "$RESULTS/peers.csv"
} > "$RESULTS/peers.md"
cat "$RESULTS/peers.md"
echo "compare.sh: $RESULTS/peers.csv and $RESULTS/peers.md" >&2
exit $rc
