#!/bin/bash
# Tests of the Slurm job scripts in jobs/ on a real single-node Slurm cluster that this
# script starts in a temporary directory (tests/jobs/cluster.sh; registered in
# tests/jobs/meson.build, suite 'jobs'). Exit 0 pass, 1 fail, 77 skip (no root, no
# Slurm packages, a daemon that cannot start).
# usage: jobs.sh CASE HPCAST_BINARY SOURCE_ROOT
#   single  jobs/universe.sbatch on 6 tickers + 1 bad file, launched with srun --mpi=pmix
#           (auto) and with mpirun: the job completes with exit 0, the report is valid HDF5
#           written by 2 ranks, /summary has one row per input file (6 ok, 1 rejected).
#   sweep   jobs/submit_sweep.sh 2: the array tasks write shard_0/1.h5 holding the tickers
#           with index 0/1 mod 2 of the sorted universe, the merge job (afterok) writes a
#           report whose /summary and /forecast equal a plain mpirun run's (h5diff).
#   signal  a running jobs/universe.sbatch gets USR1 in its batch shell (scancel --batch
#           --signal=USR1, what --signal=B:USR1@N does before the time limit), forwards it
#           to the launcher; hpcast checkpoints (exit 75, journal kept, no report yet), the
#           job requeues itself, resumes from the journal, completes with exit 0, and its
#           /summary and /forecast equal those of an uninterrupted run. The launcher is
#           srun --mpi=pmix (auto) here; signal_mpirun: the same with mpirun.
#   update  jobs/universe.sbatch on 6 tickers less their last day, then jobs/update.sbatch on all
#           of it: completes with exit 0, runs hpcast update -from the first report, fits no
#           model and filters every ticker.
set -euo pipefail
case=$1 exe=$2 root=$3
# the universe, as for run.sh: ../shared/data/sp500 beside the repository, else data/sp500
data="$root/../shared/data/sp500"
[ -d "$data" ] || data="$root/data/sp500"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/jobs/cluster.sh
source "$here/cluster.sh"

[ -d "$data" ] || skip "no universe at $data"
[ -x "$exe" ] || { echo "FAIL: $exe is not an executable"; exit 1; }
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
cluster_start
work=$cluster_dir/work
mkdir "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ntasks=$(($(nproc) < 2 ? $(nproc) : 2))

fail=0 pass=0
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then
    pass=$((pass + 1))
    echo "ok: $what"
  else
    echo "FAIL: $what"
    fail=$((fail + 1))
  fi
}
finish() {
  echo "jobs $case: $pass passed, $fail failed (${SECONDS} s)"
  [ "$fail" -eq 0 ] && exit 0
  exit 1
}
quiet() { "$@" >/dev/null 2>&1; }
# one value per line of a 1-D dataset (strings unquoted)
col() {
  h5dump -y -w 0 -d "$2" "$1" 2>/dev/null | sed -n '/DATA {/,/}/p' | sed '1d;$d' |
    sed 's/\\000//g' | tr ',' '\n' | sed 's/^ *//; s/ *$//; s/^"//; s/"$//' | grep -v '^$' || true
}
# universe DIR TICKER...: links to the given tickers plus one bad file (NEGPRICE, rejected)
universe() {
  local dir=$1 t
  shift
  mkdir -p "$dir"
  for t in "$@"; do ln -s "$data/$t.csv" "$dir/$t.csv"; done
  cp "$root/tests/data/bad/NEGPRICE.csv" "$dir/"
}
# plain REPORT DATA_DIR OPTIONS...: the reference run, mpirun outside Slurm
plain() {
  local rep=$1 dir=$2
  shift 2
  mpirun --oversubscribe -n 2 "$exe" -options_file "$root/config/default.yaml" -data_dir "$dir" \
    -report "$rep" "$@" >"$rep.out" 2>&1 || { cat "$rep.out"; return 1; }
}
# submit VAR=VALUE... -- SBATCH_ARGS...: sbatch jobs/universe.sbatch from the source root
submit() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  (cd "$root" && env HPCAST_EXE="$exe" "${envs[@]}" sbatch --parsable "$@" jobs/universe.sbatch)
}
same() { # same A B DATASET
  h5diff -q "$1" "$2" "$3" "$3"
}
show_log() { echo "--- $1"; tail -n "${2:-25}" "$1" 2>/dev/null || true; }

case $case in
single)
  universe "$work/u" AAPL KO MSFT JPM PG IBM
  for launcher in auto mpirun; do
    rep=$work/single-$launcher.h5 log=$work/single-$launcher.out
    j=$(submit HPCAST_DATA="$work/u" HPCAST_REPORT="$rep" HPCAST_OPTIONS="-vol_models none" \
      HPCAST_LAUNCHER=$launcher -- --ntasks="$ntasks" --time=10 --output="$log")
    t0=$SECONDS
    state=$(wait_job "$j" 300) || true
    echo "job $j ($launcher): $state in $((SECONDS - t0)) s"
    check "job $j ($launcher) COMPLETED (got $state)" test "$state" = COMPLETED
    check "job $j ($launcher) exit code 0:0 (got $(job_field "$j" ExitCode))" test "$(job_field "$j" ExitCode)" = 0:0
    if [ "$launcher" = auto ] && srun --mpi=list 2>&1 | grep -qw pmix; then
      check "this Slurm has PMIx: the job used srun --mpi=pmix" grep -q 'hpcast-job: srun --mpi=pmix' "$log"
    fi
    check "report $rep is valid HDF5 (h5dump -H)" quiet h5dump -H "$rep"
    n=$(col "$rep" /summary/ticker | wc -l)
    check "/summary has 7 rows, one per input file (got $n)" test "$n" -eq 7
    nok=$(col "$rep" /summary/status | grep -cx ok || true)
    check "6 tickers ok (got $nok)" test "$nok" -eq 6
    nr=$(h5dump -a /n_ranks "$rep" 2>/dev/null | sed -n 's/.*(0): *//p')
    check "written by one MPI job of $ntasks ranks (n_ranks $nr)" test "$nr" = "$ntasks"
    [ "$fail" -eq 0 ] || show_log "$log"
  done
  ;;
sweep)
  universe "$work/u" AAPL KO MSFT JPM PG IBM
  opts=(-vol_models none)
  sweep=$work/sweep
  ids=$(cd "$root" && HPCAST_EXE="$exe" HPCAST_DATA="$work/u" HPCAST_OPTIONS="${opts[*]}" \
    HPCAST_SWEEP_DIR="$sweep" jobs/submit_sweep.sh 2 --ntasks=1 --time=10) || true
  read -r array merge <<<"$ids" || true
  check "submit_sweep.sh printed two job ids ('$ids')" test -n "${array:-}" -a -n "${merge:-}"
  [ -n "${merge:-}" ] || finish
  check "merge job depends on afterok:$array ($(job_field "$merge" Dependency))" \
    grep -q "afterok:${array}" <<<"$(job_field "$merge" Dependency)"
  t0=$SECONDS
  state=$(wait_job "$merge" 300) || true
  echo "merge job $merge: $state after $((SECONDS - t0)) s"
  mapfile -t all < <(cd "$work/u" && printf '%s\n' *.csv | sed 's/\.csv$//' | LC_ALL=C sort)
  for i in 0 1; do
    tj=$(scontrol -o show job "$array" | grep -E "ArrayTaskId=$i( |$)" | grep -o 'JobId=[0-9]*' | head -n 1 | cut -d= -f2)
    check "array task $i COMPLETED (got $(job_field "$tj" JobState))" test "$(job_field "$tj" JobState)" = COMPLETED
    check "array task $i exit code 0:0 (got $(job_field "$tj" ExitCode))" test "$(job_field "$tj" ExitCode)" = 0:0
    want=$(printf '%s\n' "${all[@]}" | awk -v i="$i" '(NR - 1) % 2 == i' | paste -sd ' ')
    got=$(col "$sweep/shard_$i.h5" /summary/ticker | paste -sd ' ')
    check "shard_$i.h5 holds the tickers of index $i mod 2 ($want; got ${got:-no report})" test "$got" = "$want"
    [ "$fail" -eq 0 ] || show_log "$sweep/shard_$i.out" 12
  done
  check "merge job COMPLETED (got $state)" test "$state" = COMPLETED
  check "merge job exit code 0:0 (got $(job_field "$merge" ExitCode))" test "$(job_field "$merge" ExitCode)" = 0:0
  if [ -e "$sweep/report.h5" ]; then
    plain "$work/ref.h5" "$work/u" "${opts[@]}"
    check "merged /summary equals the plain run's" same "$work/ref.h5" "$sweep/report.h5" /summary
    check "merged /forecast equals the plain run's" same "$work/ref.h5" "$sweep/report.h5" /forecast
  else
    check "no merged report to compare with a plain run" false
  fi
  [ "$fail" -eq 0 ] || { show_log "$sweep/merge.out" 3; head -n 4 "$sweep/merge.out" 2>/dev/null; }
  ;;
signal | signal_mpirun)
  launcher=auto
  [ "$case" = signal ] || launcher=mpirun
  # The first 30 tickers with the default grids and a 150-origin backtest: slow enough to be
  # interrupted (the signal comes about a second after the first progress line, and the run
  # takes several seconds on 2 ranks; with arma(0..1,0..1) and 40 origins it ended in 1.6 s,
  # before the signal reached it), fast enough for ./test.sh.
  mapfile -t first < <(cd "$data" && printf '%s\n' *.csv | sed 's/\.csv$//' | LC_ALL=C sort | head -n 30)
  universe "$work/u" "${first[@]}"
  rep=$work/signal.h5 log=$work/signal.out
  sopts=(-backtest_origins 150)
  j=$(submit HPCAST_DATA="$work/u" HPCAST_REPORT="$rep" HPCAST_OPTIONS="-progress_interval 1 ${sopts[*]}" \
    HPCAST_LAUNCHER=$launcher -- --ntasks="$ntasks" --time=20 --output="$log")
  # Signal once a unit is done (progress line with done >= 1) or the journal has existed
  # for 3 s; without either after 5 s of running, signal anyway to exercise the rest.
  t0=$SECONDS trun='' tjournal='' why=''
  while ((SECONDS - t0 < 180)); do
    state=$(job_field "$j" JobState)
    [ "$state" = RUNNING ] && [ -z "$trun" ] && trun=$SECONDS
    [ "$state" = PENDING ] || [ "$state" = RUNNING ] || break
    if [ -n "$trun" ]; then
      [ -e "$rep.journal" ] && [ -z "$tjournal" ] && tjournal=$SECONDS
      if grep -Eq 'hpcast: progress [1-9][0-9]*/' "$log" 2>/dev/null; then why="progress line"; break; fi
      if [ -n "$tjournal" ] && ((SECONDS - tjournal >= 3)); then why="journal"; break; fi
      if ((SECONDS - trun >= 5)); then why="5 s without journal or progress"; break; fi
    fi
    sleep 0.5
  done
  check "job $j running when signalled (state $state)" test "$state" = RUNNING
  check "journal or progress appeared before the signal ($why)" test "$why" = "progress line" -o "$why" = journal
  echo "signalling job $j after $((SECONDS - ${trun:-$t0})) s of running ($why)"
  scancel --batch --signal=USR1 "$j" || true
  # First run: checkpoint, exit 75, requeue (the job goes back to PENDING with Restarts=1).
  t1=$SECONDS
  while ((SECONDS - t1 < 120)); do
    grep -q 'checkpointed (exit 75)' "$log" 2>/dev/null && [ "$(job_field "$j" Restarts)" != 0 ] && break
    case $(job_field "$j" JobState) in COMPLETED | FAILED | CANCELLED | TIMEOUT) break ;; esac
    sleep 0.5
  done
  check "the batch shell trapped USR1 and forwarded it" grep -q 'got SIGUSR1' "$log"
  check "hpcast checkpointed: exit 75 logged" grep -q 'checkpointed (exit 75)' "$log"
  check "job requeued itself (Restarts=$(job_field "$j" Restarts))" test "$(job_field "$j" Restarts)" = 1
  check "interrupted run left no report" test ! -e "$rep"
  check "interrupted run left the journal $rep.journal" test -e "$rep.journal"
  echo "checkpoint and requeue $((SECONDS - t1)) s after the signal"
  if [ "$(job_field "$j" Restarts)" = 1 ]; then
    state=$(wait_job "$j" 300) || true
  else
    state=$(job_field "$j" JobState)
  fi
  echo "job $j: $state, exit code $(job_field "$j" ExitCode), $(job_field "$j" Restarts) restart(s)"
  check "job COMPLETED after the restart (got $state)" test "$state" = COMPLETED
  check "job exit code 0:0 (got $(job_field "$j" ExitCode))" test "$(job_field "$j" ExitCode)" = 0:0
  check "second run resumed from the journal" grep -q 'resumes from it' "$log"
  check "report published and journal removed" test -e "$rep" -a ! -e "$rep.journal"
  if [ -e "$rep" ]; then
    t2=$SECONDS
    plain "$work/ref.h5" "$work/u" "${sopts[@]}"
    echo "uninterrupted reference run: $((SECONDS - t2)) s"
    check "/summary equals the uninterrupted run's" same "$work/ref.h5" "$rep" /summary
    check "/forecast equals the uninterrupted run's" same "$work/ref.h5" "$rep" /forecast
    check "/backtest equals the uninterrupted run's" same "$work/ref.h5" "$rep" /backtest
  else
    check "no report to compare with an uninterrupted run" false
  fi
  [ "$fail" -eq 0 ] || show_log "$log" 40
  ;;
update)
  # the morning: a job on the data less their last day, then jobs/update.sbatch on all of it
  mkdir -p "$work/old" "$work/new"
  for t in AAPL KO MSFT JPM PG IBM; do
    head -n -1 "$data/$t.csv" > "$work/old/$t.csv"
    ln -s "$data/$t.csv" "$work/new/$t.csv"
  done
  uopts="-vol_models none -backtest_origins 40"
  prev=$work/prev.h5 rep=$work/today.h5 log=$work/update.out
  j=$(submit HPCAST_DATA="$work/old" HPCAST_REPORT="$prev" HPCAST_OPTIONS="$uopts" -- --ntasks="$ntasks" --time=10 --output="$work/prev.out")
  state=$(wait_job "$j" 300) || true
  check "the job on the data less their last day COMPLETED (got $state)" test "$state" = COMPLETED
  j=$(cd "$root" && env HPCAST_EXE="$exe" HPCAST_DATA="$work/new" HPCAST_FROM="$prev" HPCAST_REPORT="$rep" HPCAST_OPTIONS="$uopts" \
    sbatch --parsable --ntasks="$ntasks" --time=10 --output="$log" jobs/update.sbatch)
  state=$(wait_job "$j" 300) || true
  check "jobs/update.sbatch COMPLETED (got $state)" test "$state" = COMPLETED
  check "its exit code 0:0 (got $(job_field "$j" ExitCode))" test "$(job_field "$j" ExitCode)" = 0:0
  check "it ran hpcast update -from the previous report" grep -q "update -from $prev" "$log"
  check "no model fitted (/perf/n_fits all 0)" test "$(col "$rep" /perf/n_fits | sort -u | paste -sd ' ')" = 0
  nf=$(col "$rep" /summary/action | grep -cx filtered || true)
  check "6 tickers filtered (got $nf)" test "$nf" -eq 6
  [ "$fail" -eq 0 ] || show_log "$log" 30
  ;;
*)
  echo "unknown case $case"
  exit 2
  ;;
esac
finish
