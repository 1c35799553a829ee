# Common part of scaling/strong.sh and scaling/weak.sh (sourced by them; bash). See docs/scaling.md.
# The caller sets sc_name (for messages) and, before sc_finish, sc_note (the plot's subtitle).
# shellcheck shell=bash disable=SC2154
#
# Environment (all optional):
#   HPCAST        the binary                       [build/src/app/hpcast of the project root]
#   UNIVERSE      directory of TICKER.csv files    [../shared/data/sp500 beside the project]
#   RANKS         rank counts, space separated     [1 2 4]
#   OPTIONS       extra hpcast options, after -options_file CONFIG (word-split, not globbed)
#   CONFIG        options file                     [config/default.yaml]
#   SMOKE=1       quick run: small samples (strong: SAMPLE=20, weak: K=5) and -vol_models none
#   SEED          seed of the ticker samples       [1]
#   RUN_DIR       where the reports and logs go    [/tmp/hpcast-scaling]
#   RESULTS       where the tables and plots go    [scaling/results]
#   MPIRUN        launcher                         [mpirun]; MPIRUN_FLAGS: extra launcher flags
#   PYTHON        python3 with numpy and h5py      [the first of python3, /usr/bin/python3 that has h5py]
# Runs with more ranks than cores (nproc) get --oversubscribe and oversubscribed=1 in the table.

sc_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sc_here="$sc_root/scaling"
HPCAST=${HPCAST:-$sc_root/build/src/app/hpcast}
UNIVERSE=${UNIVERSE:-$sc_root/../shared/data/sp500}
RANKS=${RANKS:-1 2 4}
CONFIG=${CONFIG:-$sc_root/config/default.yaml}
SEED=${SEED:-1}
RUN_DIR=${RUN_DIR:-/tmp/hpcast-scaling}
RESULTS=${RESULTS:-$sc_here/results}
MPIRUN=${MPIRUN:-mpirun}
OPTIONS=${OPTIONS:-}
if [ "${SMOKE:-0}" = 1 ]; then OPTIONS="-vol_models none $OPTIONS"; fi
export HPCAST UNIVERSE OPTIONS
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
sc_nproc=$(nproc 2>/dev/null || echo 1)

sc_die() { echo "$sc_name: $*" >&2; exit 2; }

sc_check() { # fail early, with a message, on what is missing
  [ -x "$HPCAST" ] || sc_die "HPCAST=$HPCAST is not an executable (build it: meson setup build && ninja -C build)"
  [ -d "$UNIVERSE" ] || sc_die "UNIVERSE=$UNIVERSE is not a directory of TICKER.csv files"
  [ -r "$CONFIG" ] || sc_die "CONFIG=$CONFIG not readable"
  command -v "$MPIRUN" >/dev/null || sc_die "MPIRUN=$MPIRUN not found"
  if [ -z "${PYTHON:-}" ]; then
    for p in python3 /usr/bin/python3; do
      if "$p" -c 'import h5py, numpy' 2>/dev/null; then PYTHON=$p; break; fi
    done
  fi
  [ -n "${PYTHON:-}" ] || sc_die "no python3 with h5py and numpy: apt-get install python3-h5py (or set PYTHON)"
  for r in $RANKS; do
    case "$r" in ''|*[!0-9]*|0) sc_die "RANKS must be positive integers (got '$r')" ;; esac
  done
  mkdir -p "$RUN_DIR" "$RESULTS"
}

# sc_sample N DIR: DIR holds symlinks to the first N tickers of a seeded permutation of the
# universe (nested: the sample of N is part of the sample of any larger N). Fails if N is larger
# than the universe.
sc_sample() {
  local n=$1 dir=$2 avail
  avail=$(find "$UNIVERSE" -maxdepth 1 -name '*.csv' | wc -l)
  [ "$n" -le "$avail" ] || { echo "$sc_name: sample of $n tickers > universe of $avail" >&2; return 1; }
  rm -rf "$dir"; mkdir -p "$dir"
  # the whole permutation first (a `shuf | head` pipeline can die of SIGPIPE under pipefail)
  find "$UNIVERSE" -maxdepth 1 -name '*.csv' | LC_ALL=C sort > "$dir.list"
  shuf --random-source=<(yes "$SEED") "$dir.list" > "$dir.perm" ||
    { echo "$sc_name: shuf failed on $dir.list" >&2; return 1; }
  head -n "$n" "$dir.perm" |
    while read -r f; do ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$dir/"; done
  rm -f "$dir.list" "$dir.perm"
}

# CPU seconds (user + system) of the waited-for children of this shell (bash `times`); the MPI
# ranks are children of mpirun, which waits for them, so they are included.
# (`times` runs in this shell, not in a command substitution, whose children would be its own.)
sc_child_cpu() {
  times > "$RUN_DIR/.times"
  awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += 60 * a[1] + a[2] } print s }' "$RUN_DIR/.times"
}

# sc_run P DATA_DIR TAG: run hpcast on P ranks over DATA_DIR, report RUN_DIR/TAG_P.h5, log beside
# it; appends "P oversubscribed elapsed_s cpu_share load_avg report" to $sc_runs, where
# cpu_share = CPU seconds of the run / (elapsed x min(P, cores)): well below 1 means the cores
# were shared with other work (the timing is then not a scaling measurement), and load_avg is
# the 1-minute load average before the run. Returns hpcast's exit status.
sc_run() {
  local p=$1 data=$2 tag=$3 over=0 flags=() opts=() extra=() rc t0 t1 c0 c1 load
  local report="$RUN_DIR/${tag}_$p.h5" log="$RUN_DIR/${tag}_$p.log"
  if [ "$p" -gt "$sc_nproc" ]; then over=1; flags+=(--oversubscribe); fi
  read -ra opts <<< "$OPTIONS"
  read -ra extra <<< "${MPIRUN_FLAGS:-}"
  rm -f "$report"
  echo "$sc_name: $p rank(s)$([ $over = 1 ] && echo ' (oversubscribed)'), $(ls "$data" | wc -l) tickers -> $report"
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo nan)
  sc_child_cpu > "$RUN_DIR/.cpu0"
  t0=$(date +%s.%N)
  "$MPIRUN" "${extra[@]}" "${flags[@]}" -n "$p" "$HPCAST" -options_file "$CONFIG" -data_dir "$data" \
    -report "$report" "${opts[@]}" > "$log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  sc_child_cpu > "$RUN_DIR/.cpu1"
  c0=$(cat "$RUN_DIR/.cpu0"); c1=$(cat "$RUN_DIR/.cpu1")
  if [ $rc -ne 0 ]; then
    echo "$sc_name: hpcast on $p ranks exited with $rc; last lines of $log:" >&2
    tail -n 5 "$log" >&2
    return $rc
  fi
  [ -s "$report" ] || { echo "$sc_name: hpcast on $p ranks exited 0 but wrote no $report" >&2; return 1; }
  awk -v p="$p" -v o="$over" -v a="$t0" -v b="$t1" -v c="$(awk -v x="$c0" -v y="$c1" 'BEGIN { print y - x }')" \
      -v n="$sc_nproc" -v l="$load" -v r="$report" \
      'BEGIN { k = p < n ? p : n; printf "%d\t%d\t%.3f\t%.3f\t%s\t%s\n", p, o, b - a, c / ((b - a) * k), l, r }' >> "$sc_runs"
}

# sc_finish MODE: tables (RESULTS/MODE.csv, .h5) and the plot (RESULTS/MODE.png, with $sc_note
# under the title).
sc_finish() {
  local mode=$1
  [ "$(wc -l < "$sc_runs")" -gt 1 ] || sc_die "no successful run"
  "$PYTHON" "$sc_here/perf_table.py" "$mode" "$sc_runs" "$RESULTS/$mode" || exit 1
  if command -v gnuplot >/dev/null; then
    gnuplot -e "csv='$RESULTS/$mode.csv'; png='$RESULTS/$mode.png'; mode='$mode'; nproc=$sc_nproc; note='${sc_note//\'/}'" \
      "$sc_here/plot_scaling.gp" 2> >(grep -v 'empty . range' >&2) && echo "$sc_name: plot $RESULTS/$mode.png"
  else
    echo "$sc_name: gnuplot not found: no plot (apt-get install gnuplot-nox)" >&2
  fi
  echo "$sc_name: table $RESULTS/$mode.csv and $RESULTS/$mode.h5"
}

sc_runs_init() { # sc_runs_init MODE
  sc_runs="$RUN_DIR/$1_runs.tsv"
  printf 'ranks\toversubscribed\telapsed_s\tcpu_share\tload_avg\treport\n' > "$sc_runs"
}
