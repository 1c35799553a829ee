#!/usr/bin/env bash
# Strong scaling of hpcast: the same universe on 1, 2, 4, ... ranks. See docs/scaling.md.
#
#   scaling/strong.sh                          # whole universe, RANKS="1 2 4"
#   SMOKE=1 scaling/strong.sh                  # 20-ticker sample, -vol_models none (~1 min)
#   RANKS="1 2 4 8" SAMPLE=60 OPTIONS="-schedule dynamic" scaling/strong.sh
#
# Environment: SAMPLE (tickers: a seeded sample of the universe; default all, SMOKE=1: 20) and
# the variables of scaling/scaling_lib.sh (HPCAST, UNIVERSE, RANKS, OPTIONS, CONFIG, SEED,
# RUN_DIR, RESULTS, MPIRUN, MPIRUN_FLAGS, PYTHON).
# Writes RESULTS/strong.csv, strong.h5, strong.png (ranks, oversubscribed, wall time, speedup,
# parallel efficiency, fits per second, imbalance, peak RSS); reports and logs in RUN_DIR.
# Exit status: 0 if every run succeeded, 1 if some failed (the table has the others), 2 usage.
set -uo pipefail
sc_name=strong.sh
# shellcheck source=scaling/scaling_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/scaling_lib.sh"
sc_check
[ "${SMOKE:-0}" = 1 ] && SAMPLE=${SAMPLE:-20}

data="$UNIVERSE"
if [ -n "${SAMPLE:-}" ]; then
  data="$RUN_DIR/strong_universe"
  sc_sample "$SAMPLE" "$data" || exit 2
fi
sc_note="$(ls "$data" | wc -l) tickers of $(basename "$UNIVERSE")${SAMPLE:+ (seeded sample, SEED=$SEED)}; options: ${OPTIONS:-none}"
[ "${SMOKE:-0}" = 1 ] && sc_note="SMOKE run: $sc_note"
sc_runs_init strong
failed=0
for p in $RANKS; do
  sc_run "$p" "$data" strong || failed=1
done
sc_finish strong
exit $failed
