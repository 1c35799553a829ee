#!/usr/bin/env bash
# Per-ticker time of hpcast as a user runs it (the product's number, docs/performance.md), on the
# three models of the peer comparison: N copies of the series as a universe of N tickers, one
# hpcast job on one rank with the backtest off and one model spec, the job's wall time from the
# report's /perf (rank 0's wall_s: after MPI start-up, through the universe listing, every
# ticker's load, quality gate, fits, forecast, diagnostics, journal and /fits writes, to the
# report's publication) divided by N. Compare with scaling/bench_fit's time per fit (the kernel's
# number: one fit from one start, data in memory) and with gretl's loop of N fits.
#   airline  sarima(0,1,1)(0,1,1)12 on log airline passengers (reference/airline.csv, column lg)
#   aapl     arma(2,2) + constant on AAPL percent log returns (sp500/AAPL.csv)
#   garch    arma(0,0) + garch(1,1):normal on DEM/GBP (reference/dem2gbp.csv, column Y)
# Options of every job: -backtest_origins 0 -horizon 1 -min_obs 50 -covariance none -portfolio
# none (the per-ticker pipeline: gretl's loop has no cross-sectional stage, and the correlation of
# N copies of one series is singular) and the job's defaults otherwise (its starts, standard
# errors, diagnostics), plus EXTRA_ARGS.
#
# usage: scaling/peers/product.sh HPCAST_BINARY [MODEL...]     (default: airline aapl garch)
# Environment: N_AIRLINE (default 2000), N_AAPL (100), N_GARCH (1000): tickers per job;
#   INPUT: csv (default: -data_dir of N files) or panel (the N files converted to one HDF5 panel
#   by `hpcast convert` before the job, untimed, and read with -data_file: docs/panel.md);
#   EXTRA_ARGS: more hpcast options (e.g. "-fit_screen_css" for the screen of the starts on the
#   conditional likelihood).
# Prints one line per model: "PRODUCT <model> <ms per ticker> <loglik of the selected fit>".
# Exit status: 0, 1 if a job failed, 2 usage. A benchmark, not a test.
set -uo pipefail
BIN=${1:?usage: product.sh HPCAST_BINARY [MODEL...]}
shift
MODELS=${*:-airline aapl garch}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/../../.." && pwd)/shared/data
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
[ -x "$BIN" ] || { echo "product.sh: $BIN is not executable" >&2; exit 2; }
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

rc=0
for model in $MODELS; do
  case $model in
    airline) n=${N_AIRLINE:-2000}; src=$DATA/reference/airline.csv
             args=(-column lg -transform none -mean_models "sarima(0,1,1)(0,1,1)12" -vol_models none) ;;
    aapl)    n=${N_AAPL:-100}; src=$DATA/sp500/AAPL.csv
             args=(-column adjusted_close -transform logret100 -mean_models "arma(2,2)" -vol_models none) ;;
    garch)   n=${N_GARCH:-1000}; src=$DATA/reference/dem2gbp.csv
             args=(-column Y -transform none -mean_models "arma(0,0)" -vol_models "garch(1,1):normal") ;;
    *) echo "product.sh: unknown model '$model' (airline|aapl|garch)" >&2; exit 2 ;;
  esac
  dir=$TMP/$model
  mkdir -p "$dir"
  for i in $(seq -w 1 "$n"); do cp "$src" "$dir/T$i.csv"; done
  data=(-data_dir "$dir")
  if [ "${INPUT:-csv}" = panel ]; then
    col=$(for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[i]}" = -column ] && echo "${args[i + 1]}"; done)
    if ! "$BIN" convert -data_dir "$dir" -column "$col" -out "$TMP/$model.panel.h5" > "$TMP/$model.convert.log" 2>&1; then
      echo "product.sh: hpcast convert failed: $(tail -n 2 "$TMP/$model.convert.log")" >&2
      rc=1
      continue
    fi
    data=(-data_file "$TMP/$model.panel.h5")
  fi
  # shellcheck disable=SC2086
  if ! "$BIN" "${data[@]}" -report "$TMP/$model.h5" -backtest_origins 0 -horizon 1 -min_obs 50 -covariance none -portfolio none \
       "${args[@]}" ${EXTRA_ARGS:-} > "$TMP/$model.log" 2>&1; then
    echo "product.sh: the $model job failed: $(tail -n 2 "$TMP/$model.log")" >&2
    rc=1
    continue
  fi
  /usr/bin/python3 - "$TMP/$model.h5" "$model" "$n" <<'PY' || rc=1
import sys, h5py
f = h5py.File(sys.argv[1], "r")
wall = float(max(f["/perf/wall_s"][()]))
ll = f["/summary/loglik"][()]
status = [s.decode() if isinstance(s, bytes) else str(s) for s in f["/summary/status"][()]]
n = int(sys.argv[3])
assert len(ll) == n and all(s == "ok" for s in status), "not every ticker ok"
print("PRODUCT %s %.6f %.6f" % (sys.argv[2], 1e3 * wall / n, float(max(ll))))
PY
  rm -rf "$dir"
done
exit $rc
