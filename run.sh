#!/usr/bin/env bash
# hpcast main job: set up (packages + build), then fit, evaluate and forecast
# every ticker of the universe and write the HDF5 report.
#
#   ./run.sh                              # defaults from config/default.yaml
#   ./run.sh -horizon 20 -vol_models none # any hpcast option overrides them
#   NP=4 HPCAST_DATA=~/prices ./run.sh
#
# Environment:
#   NP            MPI ranks (default 2; --oversubscribe is added when NP > cores)
#   HPCAST_DATA   universe: a directory of TICKER.csv files (-data_dir) or one
#                 CSV/HDF5 file (-data_file); relative to the caller's directory;
#                 default ../shared/data/sp500 if present, else data/sp500
#                 (downloaded by data/fetch_sp500.sh when missing)
#   HPCAST_REPORT report path (default out/report.h5 in the repository; a
#                 relative path is taken from the caller's directory)
# Exit status: hpcast's.
set -euo pipefail

caller_dir="$(pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Packages and build; also exports the Open MPI run-as-root variables.
# shellcheck source=.ci/setup.sh
. "$root/.ci/setup.sh"

# ---- the universe ----------------------------------------------------------
if [ -n "${HPCAST_DATA:-}" ]; then
  case "$HPCAST_DATA" in
    /*) DATA="$HPCAST_DATA" ;;
    *)  DATA="$caller_dir/$HPCAST_DATA" ;;
  esac
  if [ ! -e "$DATA" ]; then
    echo "hpcast: ERROR: HPCAST_DATA=$HPCAST_DATA does not exist ($DATA)" >&2
    exit 2
  fi
elif [ -d "$root/../shared/data/sp500" ]; then
  DATA="$(cd "$root/../shared/data/sp500" && pwd)"
else
  DATA="$root/data/sp500"
  if [ ! -d "$DATA" ]; then
    echo "hpcast: data/sp500 is missing; fetching it with data/fetch_sp500.sh"
    if ! "$root/data/fetch_sp500.sh"; then
      echo "hpcast: ERROR: could not fetch the universe; set HPCAST_DATA to a directory of TICKER.csv files" >&2
      exit 1
    fi
  fi
fi

# ---- ranks -----------------------------------------------------------------
NP="${NP:-2}"
case "$NP" in
  ''|*[!0-9]*|0) echo "hpcast: ERROR: NP must be a positive integer (got '$NP')" >&2; exit 2 ;;
esac
ncores="$(nproc 2>/dev/null || echo 1)"
mpi_flags=()
if [ "$NP" -gt "$ncores" ]; then
  mpi_flags+=(--oversubscribe)
fi

# A relative HPCAST_REPORT is relative to the caller's directory; the default
# is out/report.h5 in the repository.
if [ -n "${HPCAST_REPORT:-}" ]; then
  case "$HPCAST_REPORT" in
    /*) REPORT="$HPCAST_REPORT" ;;
    *)  REPORT="$caller_dir/$HPCAST_REPORT" ;;
  esac
else
  REPORT="out/report.h5"
fi
mkdir -p "$(dirname "$REPORT")"

# A directory of CSV files is -data_dir; a single file (CSV or HDF5) is -data_file.
if [ -f "$DATA" ]; then
  data_opt=(-data_file "$DATA")
else
  data_opt=(-data_dir "$DATA")
fi

# the sector table of the portfolio's sector caps: HPCAST_SECTORS, else sp500-constituents.csv
# beside the universe's directory (../shared/data has one), else none
sectors_opt=()
SECTORS="${HPCAST_SECTORS:-$(dirname "$DATA")/sp500-constituents.csv}"
if [ -f "$SECTORS" ]; then
  sectors_opt=(-sectors "$SECTORS")
elif [ -n "${HPCAST_SECTORS:-}" ]; then
  echo "hpcast: ERROR: HPCAST_SECTORS=$HPCAST_SECTORS is not a file" >&2
  exit 2
fi

echo "hpcast: running on $NP rank(s), universe $DATA"
set +e
# --quiet: hpcast reports its own errors (one line) and run.sh the exit status; Open MPI's
# notice of a non-zero exit would only repeat them
mpirun --quiet "${mpi_flags[@]}" -n "$NP" build/src/app/hpcast \
  -options_file config/default.yaml \
  "${data_opt[@]}" \
  "${sectors_opt[@]}" \
  -report "$REPORT" \
  "$@"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "hpcast: hpcast exited with status $rc" >&2
fi
exit "$rc"
