#!/usr/bin/env bash
# Submit a sweep: a job array of N shards (jobs/sweep.sbatch), then the merge of the
# shard reports (jobs/merge.sbatch) with --dependency=afterok on the whole array, so the
# merge runs only when every shard has written its report (a shard that checkpoints and
# requeues itself keeps the merge waiting; a shard that fails cancels the merge).
#
# usage (from the repository root):
#   HPCAST_DATA=/path/to/sp500 jobs/submit_sweep.sh N [sbatch options...]
# The sbatch options (e.g. --ntasks=16 --time=2:00:00 --partition=long) go to the array
# and to the merge; the merge then gets --nodes=1 --ntasks=1.
#
# Environment: those of jobs/sweep.sbatch and jobs/universe.sbatch (HPCAST_DATA required,
# HPCAST_OPTIONS, HPCAST_EXE, ...), and
#   HPCAST_SWEEP_DIR  shard reports and job outputs (default out/sweep-YYYYmmdd-HHMMSS)
#   HPCAST_REPORT     the merged report (default $HPCAST_SWEEP_DIR/report.h5)
# Output: a summary on stderr, and on stdout one line "ARRAY_JOBID MERGE_JOBID".
# Exit codes: 0 both submitted; 2 bad usage; other: sbatch failed (its message above).
set -euo pipefail

die() {
  echo "submit_sweep: ERROR: $1" >&2
  exit 2
}
[ $# -ge 1 ] || die "usage: HPCAST_DATA=DIR jobs/submit_sweep.sh N [sbatch options...]"
n=$1
shift
[[ $n =~ ^[1-9][0-9]*$ ]] || die "N=$n is not a positive integer"
[ -f jobs/sweep.sbatch ] && [ -f jobs/merge.sbatch ] || die "run from the repository root (jobs/sweep.sbatch not found)"
[ -n "${HPCAST_DATA:-}" ] || die "set HPCAST_DATA to the universe"
[ -e "$HPCAST_DATA" ] || die "HPCAST_DATA=$HPCAST_DATA does not exist"

export HPCAST_SHARDS=$n
export HPCAST_SWEEP_DIR=${HPCAST_SWEEP_DIR:-out/sweep-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$HPCAST_SWEEP_DIR"

# --parsable prints "jobid" or "jobid;cluster".
array=$(sbatch --parsable --array=0-$((n - 1)) --output="$HPCAST_SWEEP_DIR/shard_%a.out" "$@" jobs/sweep.sbatch)
array=${array%%;*}
# --kill-on-invalid-dep: if a shard fails for good, the merge is cancelled instead of
# staying pending (DependencyNeverSatisfied) forever.
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
  --output="$HPCAST_SWEEP_DIR/merge.out" "$@" --nodes=1 --ntasks=1 jobs/merge.sbatch)
merge=${merge%%;*}

echo "submit_sweep: $n shards: array job $array, merge job $merge (afterok:$array)" >&2
echo "submit_sweep: shard reports and outputs in $HPCAST_SWEEP_DIR, merged report ${HPCAST_REPORT:-$HPCAST_SWEEP_DIR/report.h5}" >&2
echo "$array $merge"
