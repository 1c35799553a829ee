#!/usr/bin/env bash
# The cross-sectional stage alone (scaling/bench_covariance.c) on generated universes of N tickers,
# on 1 and 2 ranks: wall time of each phase and peak RSS per rank. A benchmark, not a test: it
# measures and prints, it checks nothing (exit 0 unless a run failed). See docs/scaling.md,
# "The cross-sectional stage (bench_covariance, covariance.sh)".
#
#   scaling/covariance.sh [BUILD_DIR]            # BUILD_DIR default: build of the project root
#
# Runs (each configuration REPEAT times, the rank counts interleaved: 1, 2, 1, 2, ...; this
# machine is shared and noisy, so a configuration's runs are spread over its slot):
#   baseline  factor:10 at N = BASE_N (20)           on RANKS      -origins 0
#   estimate  factor:10 at N = 2000 and 10000        on RANKS      -origins 0
#             shrink, dcc at N = 2000                on RANKS      -origins 0
#   backtest  shrink, dcc, factor:10 at N = 2000     on BT_RANKS   -origins 250 -refit_every 20
#   logview   factor:10 at N = 2000 and 10000        on RANKS      -origins 0 -log_view, once each,
#             and factor:10 at N = 2000 on BT_RANKS -origins 250 -log_view (the backtest), once
#             (not in the CSV: the PETSc/SLEPc event counts and times that scaling/model.py
#             reads to calibrate its model of the stage: RESULTS/covariance_logview_N<N>_R<R>.txt,
#             RESULTS/covariance_logview_backtest_N2000_R<R>.txt)
# shrink and dcc are N x N models: at N = 10,000 every N x N matrix is 800 MB (shrink holds three
# at once, 2.4 GB on one rank), which is what the app's -covariance_full_max (default 2000) is
# for: above it the app estimates factor:K instead. They are measured at N = 2000 only.
# The baseline (N = 20: MPI, PETSc, SLEPc and 20 base tickers) is what a rank holds regardless of
# N; the memory summary subtracts it.
#
# Environment (all optional):
#   BENCH      the binary                                  [BUILD_DIR/scaling/bench_covariance]
#   UNIVERSE   directory of TICKER.csv (the base tickers)  [../shared/data/sp500 beside the project]
#              (these two, RESULTS and MPIRUN: scaling/bench_lib.sh)
#   RANKS      rank counts of the estimate runs            ["1 2"]
#   BT_RANKS   rank counts of the backtest runs            ["2"]
#   REPEAT     runs per configuration                      [2]
#   STEPS      which groups of runs                        ["baseline estimate backtest logview"]
#   BASE_N     N of the baseline                           [20]
#   FACTOR_NS  N of the factor runs                        ["2000 10000"]
#   FULL_NS    N of the shrink and dcc runs                ["2000"]
#   RUN_DIR    logs of each run                            [/tmp/hpcast-covariance]
#   RESULTS    covariance.csv, the -log_view files         [scaling/results]
#   MPIRUN     launcher [mpirun]; MPIRUN_FLAGS extra launcher flags
#   APPEND=1   append to RESULTS/covariance.csv instead of starting it afresh
#
# Output: RESULTS/covariance.csv, one row per run:
#   model,N,ranks,origins,T,members,panel_s,estimate_s,backtest_s,total_s,rss_max_mib,rss_rank0_mib,date
# (bench_covariance's fields: phase times are the maximum over the ranks, total_s = panel + estimate
# + backtest, the generator of the rows excluded; rss_max_mib = the largest peak RSS (getrusage ru_maxrss) of the
# ranks, rss_rank0_mib rank 0's; date = UTC start of the run), then a table on stdout (min and max
# of each configuration's runs) and the memory summary of the factor runs.
set -u -o pipefail

bl_name=covariance.sh
# root, build, RUN_DIR, BENCH, UNIVERSE, RESULTS, MPIRUN, die, bl_run
# shellcheck source=scaling/bench_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh" "$@"
RANKS=${RANKS:-1 2}
BT_RANKS=${BT_RANKS:-2}
REPEAT=${REPEAT:-2}
STEPS=${STEPS:-baseline estimate backtest logview}
BASE_N=${BASE_N:-20}
FACTOR_NS=${FACTOR_NS:-2000 10000}
FULL_NS=${FULL_NS:-2000}
csv=$RESULTS/covariance.csv
header=model,N,ranks,origins,T,members,panel_s,estimate_s,backtest_s,total_s,rss_max_mib,rss_rank0_mib,date
if [ "${APPEND:-0}" != 1 ] || [ ! -s "$csv" ]; then echo "$header" > "$csv"; fi

# run R MODEL N ORIGINS [more bench options]: one run, its line to the CSV (or a -log_view file)
run() {
  local r=$1 model=$2 n=$3 origins=$4 date log line
  shift 4
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  log="$RUN_DIR/${model/:/}_N${n}_R${r}_o${origins}_$(date -u +%H%M%S).log"
  bl_run "$r" "$log" "$model N=$n" -covariance "$model" -n "$n" -origins "$origins" -refit_every 20 "$@" || return 1
  line=$bl_line
  echo "  $line"
  if [ "${LOGVIEW_OUT:-}" ]; then cp "$log" "$LOGVIEW_OUT"; return 0; fi
  # key=value fields of bench_covariance's line -> the CSV's columns
  echo "$line" | awk -v date="$date" -v origins="$origins" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", v["model"], v["N"], v["ranks"], origins, v["T"],
             v["members"], v["panel_s"], v["estimate_s"], v["backtest_s"], v["total_s"], v["rss_max_mib"],
             v["rss_rank0_mib"], date }' >> "$csv"
}

# config MODEL N ORIGINS "RANKS": REPEAT rounds of the rank counts in order
config() {
  local model=$1 n=$2 origins=$3 ranks=$4 k r
  echo "covariance.sh: $model N=$n origins=$origins, ranks $ranks x $REPEAT (load $(cut -d' ' -f1-3 /proc/loadavg))"
  for ((k = 1; k <= REPEAT; k++)); do
    for r in $ranks; do run "$r" "$model" "$n" "$origins"; done
  done
}

for step in $STEPS; do
  case $step in
    baseline) config factor:10 "$BASE_N" 0 "$RANKS" ;;
    estimate)
      for n in $FACTOR_NS; do config factor:10 "$n" 0 "$RANKS"; done
      for n in $FULL_NS; do config shrink "$n" 0 "$RANKS"; config dcc "$n" 0 "$RANKS"; done ;;
    backtest) for m in shrink dcc factor:10; do config "$m" 2000 250 "$BT_RANKS"; done ;;
    logview)
      for n in $FACTOR_NS; do
        for r in $RANKS; do
          echo "covariance.sh: factor:10 N=$n on $r rank(s), -log_view"
          LOGVIEW_OUT="$RESULTS/covariance_logview_N${n}_R${r}.txt" run "$r" factor:10 "$n" 0 -log_view
        done
      done
      for r in $BT_RANKS; do
        echo "covariance.sh: factor:10 N=2000 -origins 250 on $r rank(s), -log_view"
        LOGVIEW_OUT="$RESULTS/covariance_logview_backtest_N2000_R${r}.txt" run "$r" factor:10 2000 250 -log_view
      done ;;
    *) die "STEPS: unknown step '$step' (baseline estimate backtest logview)" ;;
  esac
done

# The table: per configuration, min and max of its runs
echo
awk -F, 'NR > 1 {
    k = $1 "," $2 "," $4 "," $3
    if (!(k in n)) { order[++m] = k; tmin[k] = 1e30; tmax[k] = 0; rmax[k] = 0 }
    n[k]++; T[k] = $5; mem[k] = $6
    if ($10 < tmin[k]) tmin[k] = $10; if ($10 > tmax[k]) tmax[k] = $10
    if ($11 > rmax[k]) rmax[k] = $11
    p[k] = p[k] (p[k] == "" ? "" : "/") $7; e[k] = e[k] (e[k] == "" ? "" : "/") $8; b[k] = b[k] (b[k] == "" ? "" : "/") $9
  }
  END {
    printf "%-10s %6s %7s %5s %5s %6s %4s %17s %15s %15s %15s %9s\n", "model", "N", "origins", "ranks", "T", "members", "runs",
           "total_s min-max", "panel_s", "estimate_s", "backtest_s", "rss_MiB"
    for (i = 1; i <= m; i++) {
      k = order[i]; split(k, f, ",")
      printf "%-10s %6d %7d %5d %5d %6d %4d %8.3f-%-8.3f %15s %15s %15s %9.1f\n", f[1], f[2], f[3], f[4], T[k], mem[k], n[k],
             tmin[k], tmax[k], p[k], e[k], b[k], rmax[k]
    }
  }' "$csv"

# Memory of the factor runs: (peak RSS - the baseline's on as many ranks) against the bytes of the
# N x T arrays per rank: the bench's generator rows (z, e, sd: 3 N T 8 / R), the panel (3 N T 8 / R)
# and the factor model's window matrix X (N T 8 / R; window = T with -origins 0), and the base
# tickers every rank loads (12 bytes per return of each base ticker it uses).
echo
awk -F, -v base_n="$BASE_N" 'NR > 1 && $1 ~ /^factor/ && $4 == 0 {
    if ($2 == base_n) { if (!($3 in b) || $11 > b[$3]) b[$3] = $11; next }
    k = $2 "," $3; if (!(k in r) || $11 > r[k]) r[k] = $11; T[k] = $5; if (!(k in seen)) { seen[k] = 1; order[++m] = k }
  }
  END {
    print "factor:10, -origins 0: peak RSS per rank above the baseline (N = " base_n ") against the N x T arrays per rank"
    printf "%6s %5s %5s %9s %9s %12s %12s %7s\n", "N", "ranks", "T", "rss_MiB", "above_MiB", "3NT8/R_MiB", "7NT8/R_MiB", "ratio"
    for (i = 1; i <= m; i++) {
      split(order[i], f, ","); n = f[1]; R = f[2]; k = order[i]
      cell = n * T[k] * 8 / R / 1048576
      printf "%6d %5d %5d %9.1f %9.1f %12.1f %12.1f %7.2f\n", n, R, T[k], r[k], r[k] - b[R], 3 * cell, 7 * cell, (r[k] - b[R]) / (7 * cell)
    }
  }' "$csv"
[ "$failed" -eq 0 ] || { echo "covariance.sh: $failed run(s) failed" >&2; exit 1; }
echo "covariance.sh: $csv"
