#!/usr/bin/env bash
# M4 Weekly accuracy of hpcast's ENSEMBLE forecast, run as a user runs the product: the 359
# series as a directory of CSV files, the hpcast binary under mpirun, the HDF5 report scored by
# build/scaling/m4_score. Two runs: A, an ARIMA grid (the ensemble has one member, the selected
# ARIMA); B, the same grid plus ssa(auto,auto) (the ensemble: the selected ARIMA and the SSA
# member, weighted by the backtest). See docs/forecast-accuracy.md, section "The ensemble through
# hpcast, with and without SSA".
#
# Steps:
#  1. Weekly-train.csv -> $WORK/data/<id>.csv, columns date,value, weekly ISO dates from
#     2000-01-02, 7 days apart (the M4 files have no dates; any weekly calendar does).
#  2. hpcast on that directory, once per run (RUNS), NP ranks, fresh report (-resume no).
#  3. m4_score on each report against Weekly-test.csv; summary and per-series CSV to RESULTS.
#
# Environment (all optional):
#   BUILD        build directory                          [build of the project root]
#   HPCAST       the hpcast binary                        [$BUILD/src/app/hpcast]
#   M4_SCORE     the scorer                               [$BUILD/scaling/m4_score]
#   M4_DIR       Weekly-train.csv, Weekly-test.csv         [../shared/data/m4 beside the project]
#   WORK         series CSVs, reports, logs               [/tmp/hpcast-m4]
#   RESULTS      m4_product_<run>.txt and .csv             [scaling/results]
#   NP           MPI ranks                                [2]; MPIRUN [mpirun], MPIRUN_FLAGS [--oversubscribe]
#   RUNS         which runs                               ["A B"]
#   ORIGINS      -backtest_origins                        [52]
#   REFIT        -refit_every                             [13]
#   GRID         ARIMA grid of both runs   [arima(0..2,0..1,0..2),arima(0..2,0..1,0..2)+drift]
#   SSA          what run B appends to the grid           [ssa(auto,auto)]
#   MIN_OBS      -min_obs (shortest M4 Weekly training series: 80 values) [80]
#   MAX_SERIES   convert and run only the first N series of the file (timing trials) [all]
#   STEP         ... only every STEP-th series of the file (a spread-out subset)     [1]
#   OPTIONS      extra hpcast options for both runs (word-split)
# Exit status: non-zero if a step fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$root/build}
HPCAST=${HPCAST:-$BUILD/src/app/hpcast}
M4_SCORE=${M4_SCORE:-$BUILD/scaling/m4_score}
M4_DIR=${M4_DIR:-$root/../shared/data/m4}
WORK=${WORK:-/tmp/hpcast-m4}
RESULTS=${RESULTS:-$root/scaling/results}
NP=${NP:-2}
MPIRUN=${MPIRUN:-mpirun}
MPIRUN_FLAGS=${MPIRUN_FLAGS:---oversubscribe}
RUNS=${RUNS:-A B}
ORIGINS=${ORIGINS:-52}
REFIT=${REFIT:-13}
GRID=${GRID:-arima(0..2,0..1,0..2),arima(0..2,0..1,0..2)+drift}
SSA=${SSA:-ssa(auto,auto)}
MIN_OBS=${MIN_OBS:-80}
MAX_SERIES=${MAX_SERIES:--1}
STEP=${STEP:-1}
OPTIONS=${OPTIONS:-}
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

die() { echo "m4_product: $*" >&2; exit 2; }
[ -x "$HPCAST" ] || die "HPCAST=$HPCAST is not an executable (meson setup build && ninja -C build)"
[ -x "$M4_SCORE" ] || die "M4_SCORE=$M4_SCORE is not an executable (ninja -C build scaling/m4_score)"
{ [ -r "$M4_DIR/Weekly-train.csv" ] && [ -r "$M4_DIR/Weekly-test.csv" ]; } || die "M4_DIR=$M4_DIR lacks Weekly-train.csv / Weekly-test.csv"
command -v python3 >/dev/null || die "python3 is needed for the conversion (standard library only)"
mkdir -p "$WORK" "$RESULTS"

# 1. One CSV per series. The quality gate (src/data/gate.c) accepts these files: the values are
# finite, the dates ascend, and -transform none makes non-positive values and large moves
# legitimate data. Every 7-day step counts as a gap of its score (gaps are steps longer than
# 5 calendar days, a daily-data rule with no option), so /summary/quality_score is 0 and
# data_uncertainty 1 for every series; neither enters the forecast. What would reject series is
# -min_obs (default 250: 66 of the 359 training series are shorter), hence -min_obs 80.
data="$WORK/data"
rm -rf "$data"
python3 - "$M4_DIR/Weekly-train.csv" "$data" "$MAX_SERIES" "$STEP" <<'EOF'
import csv, datetime, os, sys
train, out, max_series, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(out)
d0, k = datetime.date(2000, 1, 2), 0
with open(train, newline='') as f:
    rows = csv.reader(f)
    next(rows)  # header "V1","V2",...
    for i, row in enumerate(rows):
        if i % step or (0 <= max_series <= k):
            continue
        values = [v for v in row[1:] if v != '']  # ragged rows: trailing empty cells
        with open(os.path.join(out, row[0] + '.csv'), 'w') as g:
            g.write('date,value\n')
            for j, v in enumerate(values):
                g.write('%s,%s\n' % ((d0 + datetime.timedelta(weeks=j)).isoformat(), v))
        k += 1
print('m4_product: %d series written to %s' % (k, out))
EOF

# 2 and 3. The runs.
common=(-data_dir "$data" -transform none -column value -horizon 13 -vol_models none -min_obs "$MIN_OBS"
        -order_search stepwise -ic aicc -backtest_origins "$ORIGINS" -refit_every "$REFIT" -resume no)
for run in $RUNS; do
  case $run in
    A) models=$GRID ;;
    B) models="$GRID,$SSA" ;;
    *) die "RUNS: unknown run '$run' (A or B)" ;;
  esac
  report="$WORK/report_$run.h5"
  log="$WORK/run_$run.log"
  rm -f "$report" "$report.journal"
  # shellcheck disable=SC2206  # OPTIONS and MPIRUN_FLAGS are word-split on purpose
  cmd=("$MPIRUN" -n "$NP" $MPIRUN_FLAGS "$HPCAST" "${common[@]}" -mean_models "$models" -report "$report" $OPTIONS)
  cmdline=$(printf '%q ' "${cmd[@]}")
  echo "m4_product: run $run: $cmdline"
  t0=$(date +%s.%N)
  "${cmd[@]}" >"$log" 2>&1 || { tail -20 "$log" >&2; die "run $run: hpcast failed (log $log)"; }
  t1=$(date +%s.%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  out="$RESULTS/m4_product_$run.txt"
  {
    echo "run $run: $cmdline"
    echo "wall ${wall} s (mpirun to exit, $NP ranks, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
    grep -m1 'tickers:' "$log" || true
    "$M4_SCORE" -report "$report" -m4_dir "$M4_DIR" -label "hpcast ensemble $run" -output "$RESULTS/m4_product_$run.csv"
  } | tee "$out"
  echo "m4_product: run $run summary: $out"
done
