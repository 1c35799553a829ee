# Common part of scaling/covariance.sh and scaling/portfolio.sh (sourced by them; bash): the
# defaults and checks of a driver of scaling/bench_covariance, and one run of it. The caller sets
# bl_name (for messages, e.g. covariance.sh) and sources it with its own arguments:
#   . "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh" "$@"     # sets root, build (= $1 or root/build)
# shellcheck shell=bash disable=SC2154
#
# Environment (all optional):
#   RUN_DIR    logs of each run                            [/tmp/hpcast-<bl_name without .sh>]
#   BENCH      the binary                                  [$build/scaling/bench_covariance]
#   UNIVERSE   directory of TICKER.csv (the base tickers)  [../shared/data/sp500 beside the project]
#   RESULTS    the CSV and the -log_view files             [scaling/results]
#   MPIRUN     launcher [mpirun]; MPIRUN_FLAGS extra launcher flags
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
RUN_DIR=${RUN_DIR:-/tmp/hpcast-${bl_name%.sh}}
BENCH=${BENCH:-$build/scaling/bench_covariance}
UNIVERSE=${UNIVERSE:-$root/../shared/data/sp500}
RESULTS=${RESULTS:-$root/scaling/results}
MPIRUN=${MPIRUN:-mpirun}
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

die() { echo "$bl_name: $*" >&2; exit 2; }
[ -x "$BENCH" ] || die "BENCH=$BENCH is not an executable (ninja -C $build scaling/bench_covariance)"
[ -d "$UNIVERSE" ] || die "UNIVERSE=$UNIVERSE is not a directory of TICKER.csv files"
command -v "$MPIRUN" >/dev/null || die "MPIRUN=$MPIRUN not found"
mkdir -p "$RUN_DIR" "$RESULTS"
read -ra bl_extra <<< "${MPIRUN_FLAGS:-}"
bl_nproc=$(nproc 2>/dev/null || echo 1)
failed=0

# bl_run R LOG WHAT [bench options]: mpirun -n R BENCH -data_dir UNIVERSE [options] > LOG 2>&1
# (--oversubscribe beyond the cores). Sets bl_line to the bench's output line; on a failure (exit
# status, or no line) says so with WHAT and the log's last lines, counts it in failed and
# returns 1.
bl_run() {
  local r=$1 log=$2 what=$3 flags=() rc
  shift 3
  [ "$r" -gt "$bl_nproc" ] && flags+=(--oversubscribe)
  "$MPIRUN" "${bl_extra[@]}" "${flags[@]}" -n "$r" "$BENCH" -data_dir "$UNIVERSE" "$@" > "$log" 2>&1
  rc=$?
  bl_line=$(grep '^bench_covariance ' "$log" | tail -n 1)
  if [ $rc -ne 0 ] || [ -z "$bl_line" ]; then
    echo "$bl_name: $what on $r rank(s) failed (exit $rc); last lines of $log:" >&2
    tail -n 5 "$log" >&2
    failed=$((failed + 1))
    return 1
  fi
}
