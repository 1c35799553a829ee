#!/bin/bash
# A measured run on a large generated universe (docs/scaling.md, "A 100,000-ticker run"): a
# benchmark, never a test.
#
# usage: scaling/large_universe.sh [BUILD_DIR] [N] [WORK_DIR]
#   BUILD_DIR  the build with hpcast and scaling/gen_panel                     [build]
#   N          tickers                                                       [100000]
#   WORK_DIR   where the panel, the report, the log and the journal go (needs
#              about 80 KB per ticker: the panel 77 KB, the report and journal)  [/tmp/hpcast-large]
# Environment: NP ranks [2]; SEED of the generator [1]; OPTIONS, the job's options
# [the cheap configuration below]; CAL and CAL_LOG, a report of the same options on fewer
# tickers (e.g. this script's run at N = 10000) and its -log_view file: its /units, rank 0's
# time per record (hcGather / records) and its report write (hcWrite) calibrate
# scaling/model.py's prediction of this run (no CAL: no prediction).
#
# Steps: scaling/gen_panel writes N simulated ARMA(1,1)-GARCH(1,1)-t tickers, with the lengths
# of the shared universe, into WORK_DIR/universe_N.h5 (kept for the next run); hpcast runs on it
# with -log_view, every output line time-stamped; then one line of results:
#   large_universe tickers=N ranks=NP wall_s=.. tail_s=.. write_s=.. peak_rss_mb=r0/r1/..
#   report_mb=.. h5py_open_summary_s=.. h5py_fits_s=.. predicted_s=..
# wall_s: mpirun's wall time; tail_s: from rank 0's last progress line (every record
# received) to "report written" (the tables, the finish); write_s: hcWrite of -log_view;
# peak RSS per rank from /perf; h5py: open the report and read every /summary column, then
# one ticker's rows of the /fits table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
N=${2:-100000}
work=${3:-/tmp/hpcast-large}
NP=${NP:-2}
SEED=${SEED:-1}
OPTIONS=${OPTIONS:-'-mean_models arma(0..1,0..1) -vol_models garch(1,1):t -backtest_origins 0 -covariance none -portfolio none'}
PY=/usr/bin/python3
mkdir -p "$work"
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
mpi_flags=()
[ "$NP" -gt "$(nproc)" ] && mpi_flags=(--oversubscribe)
stamp() { while IFS= read -r l; do printf '%s %s\n' "$(date +%s.%N)" "$l"; done; }

panel="$work/universe_$N.h5"
if [ ! -f "$panel" ]; then
  "$build/scaling/gen_panel" -out "$panel" -lengths_from "$root/../shared/data/sp500" -tickers "$N" -seed "$SEED"
fi
report="$work/report_$N.h5"
rm -f "$report" "$report.journal"
t0=$(date +%s.%N)
# shellcheck disable=SC2086
mpirun --quiet "${mpi_flags[@]}" -n "$NP" "$build/src/app/hpcast" -data_file "$panel" -report "$report" $OPTIONS \
  -progress_interval 60 -log_view ":$work/logview_$N.txt" 2>&1 | stamp > "$work/run_$N.out"
t1=$(date +%s.%N)
predicted=NaN
if [ -n "${CAL:-}" ]; then
  read -r gather write < <(awk '/^hcGather /{g = $4} /^hcWrite /{w = $4} END {print g, w}' "$CAL_LOG")
  ncal=$($PY -c "import h5py, sys; print(len(h5py.File(sys.argv[1], 'r')['summary/ticker']))" "$CAL")
  predicted=$($PY "$here/model.py" --report "$CAL" --pingpong "$here/results/pingpong.csv" --ranks "$NP" --universes "$N" \
    --schedules dynamic --record_ms "$(awk -v g="$gather" -v n="$ncal" 'BEGIN {print 1000 * g / n}')" --write_s "$write" --write_n "$ncal" |
    awk -v n="$N" -v p="$NP" '$1 == n && $2 == "dynamic" && $3 == p {print $4}')
fi
$PY - "$report" "$work/run_$N.out" "$work/logview_$N.txt" "$t0" "$t1" "$N" "$NP" "$predicted" <<'EOF'
import sys, os, time, h5py
report, out, logview, t0, t1, n, np_, predicted = sys.argv[1:]
lines = [l.split(" ", 1) for l in open(out)]
last_progress = max(float(t) for t, l in lines if "progress" in l)
written = max(float(t) for t, l in lines if "report written" in l)
write = next(float(l.split()[3]) for l in open(logview) if l.startswith("hcWrite "))
t = time.time()
with h5py.File(report, "r") as f:
    summary = {k: f["summary"][k][:] for k in f["summary"]}
    t_sum = time.time() - t
    rss = "/".join("%.1f" % x for x in f["perf/peak_rss_mb"][:])
    t = time.time()
    g = f["fits"]   # one ticker's rows of the /fits table, found by binary search on its sorted ticker column
    key, col = summary["ticker"][len(summary["ticker"]) // 2], g["ticker"]
    lo, hi = 0, col.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if col[mid] < key else (lo, mid)
    end = lo
    while end < col.shape[0] and col[end] == key:
        end += 1
    fits = {k: g[k][lo:end] for k in ("name", "params", "stderr", "loglik", "selected")}
    t_fits = time.time() - t
print(f"large_universe tickers={n} ranks={np_} wall_s={float(t1) - float(t0):.1f} tail_s={written - last_progress:.2f} "
      f"write_s={write:.2f} peak_rss_mb={rss} report_mb={os.path.getsize(report) / 2**20:.0f} "
      f"h5py_open_summary_s={t_sum:.3f} h5py_fits_s={t_fits:.4f} predicted_s={predicted}")
EOF
