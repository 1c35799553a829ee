#!/usr/bin/env bash
# Weak scaling of hpcast: K tickers per rank, on 1, 2, 4, ... ranks; the universe of P ranks is
# a seeded sample of P x K tickers (nested: it contains the sample of fewer ranks). See
# docs/scaling.md.
#
#   scaling/weak.sh                            # K=10 tickers per rank, RANKS="1 2 4"
#   SMOKE=1 scaling/weak.sh                    # K=5, -vol_models none
#
# Environment: K (tickers per rank; default 10, SMOKE=1: 5) and the variables of
# scaling/scaling_lib.sh (HPCAST, UNIVERSE, RANKS, OPTIONS, CONFIG, SEED, RUN_DIR, RESULTS,
# MPIRUN, MPIRUN_FLAGS, PYTHON).
# Writes RESULTS/weak.csv, weak.h5, weak.png; efficiency = T(1) / T(P) (ideal 1), speedup =
# P x efficiency (scaled speedup). The samples differ in their tickers, so part of the change of
# T is the change of the work per ticker: compare fits_per_s too.
# Exit status: 0 if every run succeeded, 1 if some failed (the table has the others), 2 usage.
set -uo pipefail
sc_name=weak.sh
# shellcheck source=scaling/scaling_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/scaling_lib.sh"
sc_check
if [ "${SMOKE:-0}" = 1 ]; then K=${K:-5}; else K=${K:-10}; fi
case "$K" in ''|*[!0-9]*|0) sc_die "K must be a positive integer (got '$K')" ;; esac

sc_note="K=$K tickers per rank, seeded samples (SEED=$SEED) of $(basename "$UNIVERSE"); options: ${OPTIONS:-none}"
[ "${SMOKE:-0}" = 1 ] && sc_note="SMOKE run: $sc_note"
sc_runs_init weak
failed=0
for p in $RANKS; do
  data="$RUN_DIR/weak_universe_$p"
  if ! sc_sample $((p * K)) "$data"; then failed=1; continue; fi
  sc_run "$p" "$data" weak || failed=1
done
sc_finish weak
exit $failed
