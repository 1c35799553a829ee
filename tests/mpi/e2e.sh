#!/bin/bash
# End-to-end tests of the hpcast binary under mpirun (registered in tests/mpi/meson.build).
# usage: e2e.sh CASE HPCAST_BINARY SOURCE_ROOT
#   ranks       the same universe (real tickers + crafted bad files) on 1, 2 and 4 ranks:
#               /summary, /forecast, /fits and the per-ticker /backtest tables identical (h5diff;
#               the cross-sectional stage's groups: case covariance), every ticker has a row, bad
#               files rejected with the right reason, good ones ok; the same with the model
#               grid cut into blocks over the ranks (-spec_block).
#   fcp         GARCH(1,1)-normal on DEM/GBP reproduces Fiorentini, Calzolari & Panattoni
#               (1996): mu, omega, alpha1, beta1 to LRE >= 4, loglik -1106.608 within 1e-3.
#   bad_option  a bad option value stops the job at start, naming the option and the allowed values.
#   resume      kill -9 during a run; a rerun with another -fit_tao_gatol is refused under
#               -resume yes (the journal's fingerprint); one with another -progress_interval
#               resumes from the journal to the same report.
#   signal      SIGUSR1 to one rank: every rank checkpoints, exit 75; the rerun completes the same report.
#   reader      a concurrent reader never sees a broken report; stale temporaries are cleaned.
#   merge       two -shard runs merged by `hpcast merge` equal the plain run; a ticker in two
#               inputs and inputs of different options are refused, naming the cause, and leave
#               no report and no temporary file.
#   user_errors every user error (typo, bad value, overflow, bad grammar, -report DIR, unwritable
#               report, unreadable universe or options file) on 2 ranks: exit 2 at start and one
#               line that names the option (mpirun --quiet: Open MPI's own notice left out).
#   inputs      a dangling link, a directory, a FIFO, UPPER.CSV, a non-ASCII name and a
#               newest-first file with times each get a row with the right status and reason.
#   stale_resume SIGUSR1 to mpirun (exit 75), every file shortened by 100 rows, rerun: no row
#               keeps the old data, the run says how many were recomputed, = a fresh run.
#   spec_block  AAPL, KO, MAR, WM with the 9 specs of arma(0..2,0..2) and a 40-origin backtest,
#               run with -spec_block 16 (the whole grid in one unit), 4 (3 blocks) and 1 (9 blocks)
#               on 2 ranks, and with -spec_block 4 on 1 rank: /summary, /forecast, /backtest and
#               /fits identical (h5diff, exact): -spec_block and the rank count only decide how
#               the work is cut and where it runs (docs/models.md, "Multimodality and starts").
#   covariance  the cross-sectional stage on 8 real tickers, a short one (CARR) and bad files:
#               shrink, dcc and factor:2 give the same /covariance and /backtest/covariance on
#               1, 2 and 4 ranks to 1e-9 (h5diff -d: the reductions over the ranks and the Krylov
#               solvers, SLEPc and CG, add in another order, so not bit for bit); the forecast is symmetric, unit-diagonal and
#               positive definite (tools/check_covariance.py); the short and the bad tickers are
#               out of the model with their reason; -covariance none writes no /covariance.
#   main_job    the main job (config/default.yaml on ../shared/data/sp500, 2 ranks, as ./run.sh):
#               /covariance passes tools/check_covariance.py (every ticker has a membership row;
#               the correlation matrix is symmetric, unit-diagonal, smallest eigenvalue > 0).
#   full_disk   a report on a full tmpfs: exit 2, one line naming ENOSPC, no temporary, journal
#               kept; with room again the rerun resumes and publishes (root only, else skipped).
#   panel       `hpcast convert` of a directory (8 real tickers, a newest-first file, bad files)
#               into one HDF5 panel: a job on the panel (-data_file) gives the /summary,
#               /forecast, /fits, /backtest, /covariance and /portfolio of the job on the
#               directory, identical (h5diff); every bad file keeps its row and reason; a
#               wide (M4) file converts and runs; a missing -column, an HDF5 file that is not a
#               panel and a bad convert option stop at start (exit 2, one line naming the cause).
#   plots       tools/plot_report.py on the report of a run like covariance's (shrink, gmv with a
#               sector table, -log_view): every picture written, each PNG of the size plots.json
#               declares (header and decoded), index.html shows them all, the PIT counts drawn
#               equal the report's and each book's final wealth its cum_return
#               (tests/mpi/check_plots.py); a report without backtest, covariance and portfolio
#               (and a -data_dir without the ticker) gives the time alone and lists the others as
#               skipped with their reason; a report of schema_version 3 stops it with exit 2 and
#               one line. The report's 1-step track (/backtest/origins) gives the summary's 1-step
#               scores and each ticker's cum_return when recomputed (tests/mpi/check_origins.py).
#   update      hpcast update: a job on the data less their last day, then the update on all of it:
#               no fit (/perf/n_fits 0), every ticker filtered, the previous fits kept bit for bit,
#               the previous report unmodified, the extended track consistent with the summary,
#               the book continued with the previous /portfolio's return on the new day
#               (tests/mpi/check_update.py), the covariance backtest kept;
#               Gaussian ARMA forecasts equal statsmodels' Kalman filter with the previous
#               parameters (tests/mpi/check_update_statsmodels.py, 1e-6);
#               a chain of three one-day updates equals one update of the three days to 1e-10
#               (/forecast, /backtest/origins, the 1-step scores); a shorter file and a rescaled
#               history are refit with their reason, a new ticker refit, a date going back
#               rejected, a ticker that left keeps a row; the refit tickers equal the job's; a
#               previous report of another schema or other model options, and no -from, stop at
#               start (exit 2, one line), but one made before an option existed updates with that
#               option at its default; SIGUSR1 checkpoints an update (exit 75) and the rerun
#               resumes to the uninterrupted update's report.
set -euo pipefail
case=$1 exe=$2 root=$3
data="$root/../shared/data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail=0 pass=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi
}
# one value per line of a 1-D dataset (strings unquoted)
col() {
  h5dump -m %.17g -y -w 0 -d "$2" "$1" | sed -n '/DATA {/,/}/p' | sed '1d;$d' |
    sed 's/\\000//g' | tr ',' '\n' | sed 's/^ *//; s/ *$//; s/^"//; s/"$//' | grep -v '^$'
}
run() { # run NP REPORT ARGS...
  local np=$1 rep=$2; shift 2
  mpirun --oversubscribe -n "$np" "$exe" -report "$rep" "$@" > "$work/out.$np" 2>&1 ||
    { cat "$work/out.$np"; return 1; }
}

case $case in
ranks)
  mkdir "$work/u"
  for t in AAPL KO CARR AMCR; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  cp "$root"/tests/data/bad/*.csv "$work/u/"
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..2)" -backtest_origins 40)
  run 1 "$work/r1.h5" "${opts[@]}" -schedule static
  for np in 2 4; do
    for sch in static dynamic; do
      run "$np" "$work/r$np$sch.h5" "${opts[@]}" -schedule "$sch"
      for grp in /summary /forecast /fits; do
        check "$grp identical on 1 rank and $np ranks ($sch)" h5diff -q "$work/r1.h5" "$work/r$np$sch.h5" $grp $grp
      done
      check "/backtest identical on 1 rank and $np ranks ($sch)" h5diff -q --exclude-path /covariance --exclude-path /portfolio --exclude-path /book "$work/r1.h5" "$work/r$np$sch.h5" /backtest /backtest
    done
  done
  # the grid cut into blocks of 2 specs (3 units per ticker, reduced on the owner): the same
  # report on 1, 2 and 4 ranks, static and dynamic; /units has the blocks and the owner's step
  run 1 "$work/b1.h5" "${opts[@]}" -spec_block 2
  for run_ in "2 dynamic" "4 static" "4 dynamic"; do
    read -r np sch <<< "$run_"
    run "$np" "$work/b$np$sch.h5" "${opts[@]}" -spec_block 2 -schedule "$sch"
    for grp in /summary /forecast /fits; do
      check "$grp identical on 1 rank and $np ranks ($sch), grid in blocks" h5diff -q "$work/b1.h5" "$work/b$np$sch.h5" $grp $grp
    done
    check "/backtest identical on 1 rank and $np ranks ($sch), grid in blocks" h5diff -q --exclude-path /covariance --exclude-path /portfolio --exclude-path /book "$work/b1.h5" "$work/b$np$sch.h5" /backtest /backtest
  done
  check "/units: blocks 0, 1, 2 and the owner's step (-1) of every ticker (12 tickers, 48 rows)" \
    test "$(col "$work/b4dynamic.h5" /units/block | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" = "-1:12 0:12 1:12 2:12 "
  cp "$work/r2dynamic.h5" "$work/r2.h5"
  check "hpcast report perf prints one row per rank" bash -c "mpirun -n 1 '$exe' report perf -report '$work/r4static.h5' | grep -q 'ranks 4'"
  check "hpcast report perf takes the report without -report" bash -c "mpirun -n 1 '$exe' report perf '$work/r4static.h5' | grep -q 'ranks 4'"
  check "hpcast report perf of a missing report exits 2 and names -report" bash -c \
    "mpirun -n 1 '$exe' report perf '$work/no_such.h5' > '$work/perf_missing.txt' 2>&1; test \$? -eq 2 && grep -q -- '-report' '$work/perf_missing.txt'"
  mapfile -t tick < <(col "$work/r2.h5" /summary/ticker)
  mapfile -t stat < <(col "$work/r2.h5" /summary/status)
  mapfile -t why < <(h5dump -y -w 0 -d /summary/reason "$work/r2.h5" | sed -n '/DATA {/,/}/p' | sed '1d;$d' | sed 's/\\000//g' | grep -o '"[^"]*"' | tr -d '"')
  check "every input file has a row (12)" test "${#tick[@]}" -eq 12
  declare -A want=([AAPL]=ok [KO]=ok [CARR]=ok [AMCR]=ok [ERRMSG]=rejected [EMPTY]=rejected
    [NANPRICE]=rejected [NEGPRICE]=rejected [DUPDATE]=rejected [SHORT]=rejected [CONSTANT]=rejected [STALE]=rejected)
  declare -A because=([ERRMSG]="not a CSV" [EMPTY]="empty" [NANPRICE]="non-numeric" [NEGPRICE]="non-positive"
    [DUPDATE]="duplicate date" [SHORT]="too few observations" [CONSTANT]="near-zero variance" [STALE]="stale price")
  for i in "${!tick[@]}"; do
    t=${tick[$i]}
    check "$t status ${stat[$i]} (want ${want[$t]:-?})" test "${stat[$i]}" = "${want[$t]:-?}"
    [ -n "${because[$t]:-}" ] && check "$t reason '${why[$i]:-}' mentions '${because[$t]}'" grep -q "${because[$t]}" <<< "${why[$i]:-}"
  done
  check "sorted by ticker" diff <(printf '%s\n' "${tick[@]}") <(printf '%s\n' "${tick[@]}" | LC_ALL=C sort)
  check "/fits has one selected row of AAPL" /usr/bin/python3 -c '
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")["fits"]
sys.exit(int(np.sum((f["ticker"][:] == b"AAPL") & (f["selected"][:] == 1)) != 1))' "$work/r2.h5"
  ;;
fcp)
  run 1 "$work/fcp.h5" -data_file "$data/reference/dem2gbp.csv" -column Y -transform none \
    -mean_models "arma(0,0)" -vol_models "garch(1,1):normal"
  mapfile -t est < <(/usr/bin/python3 -c '
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")["fits"]
i = int(np.flatnonzero(f["selected"][:] == 1)[0])
print("\n".join("%.17g" % x for x in f["params"][i, :f["n_params"][i]]))' "$work/fcp.h5")
  ll=$(col "$work/fcp.h5" /summary/loglik)
  ref=(-0.00619041 0.0107613 0.153134 0.805974)
  names=(mu omega alpha1 beta1)
  for i in 0 1 2 3; do
    lre=$(awk -v x="${est[$i]}" -v r="${ref[$i]}" 'BEGIN { d = x - r; if (d < 0) d = -d; if (d == 0) print 15; else print -log(d / (r < 0 ? -r : r)) / log(10) }')
    echo "${names[$i]}: ${est[$i]} (FCP ${ref[$i]}), LRE $lre"
    check "${names[$i]} LRE $lre >= 4" awk -v l="$lre" 'BEGIN { exit !(l >= 4) }'
  done
  echo "loglik: $ll (FCP -1106.608)"
  check "loglik $ll within 1e-3 of -1106.608" awk -v l="$ll" 'BEGIN { d = l + 1106.608; exit !(d < 1e-3 && d > -1e-3) }'
  ;;
covariance)
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT MAR WM JNJ PG CARR; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  cp "$root"/tests/data/bad/{EMPTY,SHORT}.csv "$work/u/"
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -vol_models "none,garch(1,1):normal"
    -backtest_origins 60 -covariance_window 500 -covariance_min_overlap 300)
  for model in shrink dcc factor:2; do
    run 1 "$work/c1.h5" "${opts[@]}" -covariance "$model"
    check "$model: the 1-rank report passes check_covariance" /usr/bin/python3 "$root/tools/check_covariance.py" "$work/c1.h5" \
      --model "${model%%:*}" --members 8 --excluded "CARR:too few observations in the window" --excluded "EMPTY:not ok" --excluded "SHORT:not ok"
    check "$model: the 1-rank book passes check_portfolio" /usr/bin/python3 "$root/tools/check_portfolio.py" "$work/c1.h5" --method gmv
    for np in 2 4; do
      run "$np" "$work/c$np.h5" "${opts[@]}" -covariance "$model"
      for grp in /covariance /backtest/covariance; do
        check "$model: $grp equal to 1e-9 on 1 and $np ranks" h5diff -q -d 1e-9 "$work/c1.h5" "$work/c$np.h5" $grp $grp
      done
      # TAO's iterates on other reductions' rounding: the same optimum within its tolerance
      for grp in /portfolio /backtest/book /backtest/portfolio; do
        check "$model: $grp equal to 1e-7 on 1 and $np ranks" h5diff -q -d 1e-7 "$work/c1.h5" "$work/c$np.h5" $grp $grp
      done
    done
  done
  # the other constructions, long-short and with sector caps, on 2 ranks
  printf 'Symbol,Name,Sector\nAAPL,"Apple, Inc.",Tech\nMSFT,Microsoft,Tech\nKO,Coca-Cola,Staples\nPG,P&G,Staples\n' > "$work/sectors.csv"
  for p in "meanvar -long_only false -max_weight 0.4 -max_gross 1.5" "meanvar -max_weight 0.3" "riskparity" "gmv -max_weight 0.3 -max_sector_weight 0.3"; do
    method=${p%% *}
    # shellcheck disable=SC2086
    run 2 "$work/p.h5" "${opts[@]}" -portfolio $p -sectors "$work/sectors.csv"
    check "-portfolio $p: passes check_portfolio" /usr/bin/python3 "$root/tools/check_portfolio.py" "$work/p.h5" --method "$method" --sectors "$work/sectors.csv"
  done
  run 2 "$work/none.h5" "${opts[@]}" -covariance none -portfolio none
  check "-covariance none: no /covariance group" bash -c "! h5ls '$work/none.h5/covariance' >/dev/null 2>&1"
  check "-portfolio none: no /portfolio group" bash -c "! h5ls '$work/none.h5/portfolio' >/dev/null 2>&1"
  check "-covariance none: the per-ticker tables are those of a run with the stage" h5diff -q "$work/c2.h5" "$work/none.h5" /summary /summary
  ;;
main_job)
  run 2 "$work/main.h5" -options_file "$root/config/default.yaml" -data_dir "$data/sp500" -sectors "$data/sp500-constituents.csv"
  check "the main job's /covariance passes check_covariance" /usr/bin/python3 "$root/tools/check_covariance.py" "$work/main.h5" --model shrink
  check "the main job's /portfolio passes check_portfolio" /usr/bin/python3 "$root/tools/check_portfolio.py" "$work/main.h5" --method gmv \
    --sectors "$data/sp500-constituents.csv"
  ;;
bad_option)
  for bad in "-vol_models garch(4,1):normal|-vol_models" "-mean_models arma(1)|-mean_models" \
             "-transform log|-transform" "-horizon 0|-horizon" "-covariance ledoit|-covariance" \
             "-covariance factor:0|-covariance" "-covariance_window 100|-covariance_window" \
             "-portfolio kelly|-portfolio" "-max_weight 0|-max_weight" "-max_gross 0.5|-max_gross" \
             "-covariance none -portfolio gmv|-portfolio" "-long_only maybe|-long_only" "-fit_starts one|-fit_starts"; do
    opt=${bad%%|*} name=${bad##*|}
    # shellcheck disable=SC2086
    if mpirun -n 1 "$exe" -data_file "$data/reference/dem2gbp.csv" -column Y $opt -report "$work/x.h5" > "$work/err" 2>&1; then
      check "'$opt' must fail" false
    else
      check "'$opt' message names $name and the allowed values" grep -q -- "$name.*allowed" "$work/err"
    fi
    check "'$opt' wrote no report" test ! -e "$work/x.h5"
  done
  ;;
resume)
  # kill -9 a running job, run the same command again: it resumes from the journal and the
  # report equals the uninterrupted run's (every group but the provenance /perf and /units)
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT CARR AMCR XOM WMT PG JNJ; do [ -f "$data/sp500/$t.csv" ] && ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 40)
  run 1 "$work/full.h5" "${opts[@]}"
  mpirun -n 1 "$exe" -report "$work/cut.h5" "${opts[@]}" > "$work/out.cut" 2>&1 &
  mp=$!
  for _ in $(seq 600); do [ "$(stat -c %s "$work/cut.h5.journal" 2>/dev/null || echo 0)" -gt 24 ] && break; sleep 0.1; done
  pkill -9 -f -- "-report $work/cut.h5" || true
  wait "$mp" || true
  check "the killed job left a journal" test -s "$work/cut.h5.journal"
  check "the killed job published no report" test ! -e "$work/cut.h5"
  # the journal fingerprint: a result option of PETSc's fitter counts, a run option does not
  rc=0; mpirun -n 1 "$exe" -report "$work/cut.h5" "${opts[@]}" -resume yes -fit_tao_gatol 1e-9 > "$work/out.other" 2>&1 || rc=$?
  check "-resume yes with another -fit_tao_gatol: exit code 2, got $rc" test "$rc" -eq 2
  check "the refusal says the journal is of other options" grep -q "written by a run with other options" "$work/out.other"
  run 1 "$work/cut.h5" "${opts[@]}" -resume yes -progress_interval 2.5
  check "the rerun with another -progress_interval resumed from the journal" grep -q "resuming from" "$work/out.1"
  for grp in /summary /forecast /fits /backtest; do
    check "$grp of the resumed run equals the uninterrupted run" h5diff -q "$work/full.h5" "$work/cut.h5" $grp $grp
  done
  check "the journal is removed once the report is published" test ! -e "$work/cut.h5.journal"
  ;;
signal)
  # SIGUSR1 to one rank of two: both stop at the next unit boundary, exit 75, resume to the same report
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT CARR AMCR WMT PG; do [ -f "$data/sp500/$t.csv" ] && ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 40 -spec_block 2)
  run 2 "$work/full.h5" "${opts[@]}"
  mpirun --oversubscribe -n 2 "$exe" -report "$work/sig.h5" "${opts[@]}" > "$work/out.sig" 2>&1 &
  mp=$!
  for _ in $(seq 600); do [ "$(stat -c %s "$work/sig.h5.journal" 2>/dev/null || echo 0)" -gt 24 ] && break; sleep 0.1; done
  pid=""
  for p in $(pgrep -f -- "-report $work/sig.h5"); do
    if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = hpcast ]; then pid=$p; break; fi
  done
  check "found a rank to signal" test -n "$pid"
  t0=$(date +%s.%N)
  kill -USR1 "$pid"
  rc=0; wait "$mp" || rc=$?
  t1=$(date +%s.%N)
  echo "checkpointed in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s after SIGUSR1 to one rank (exit $rc)"
  check "exit code 75 (checkpointed), got $rc" test "$rc" -eq 75
  check "the log says how to resume" grep -q "run the same command again" "$work/out.sig"
  check "no report published" test ! -e "$work/sig.h5"
  run 2 "$work/sig.h5" "${opts[@]}"
  for grp in /summary /forecast /fits /backtest /covariance; do
    check "$grp after resume equals the uninterrupted run" h5diff -q "$work/full.h5" "$work/sig.h5" $grp $grp
  done
  ;;
reader)
  # a reader re-opening the report while a run republishes it never fails; stale temporaries are cleaned
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 40)
  run 1 "$work/r.h5" "${opts[@]}"
  touch "$work/r.h5.tmp.999999"
  mpirun -n 1 "$exe" -report "$work/r.h5" "${opts[@]}" > "$work/out.r" 2>&1 &
  mp=$!
  reads=0 bad=0
  while kill -0 "$mp" 2>/dev/null; do
    if h5dump -H "$work/r.h5" > /dev/null 2>&1; then reads=$((reads + 1)); else bad=$((bad + 1)); fi
  done
  rc=0; wait "$mp" || rc=$?
  echo "$reads reads of the report during the run, $bad failed"
  check "the run succeeded" test "$rc" -eq 0
  check "every read during the run succeeded ($bad failed)" test "$bad" -eq 0
  check "some reads happened ($reads)" test "$reads" -gt 0
  check "the stale temporary file was removed" test ! -e "$work/r.h5.tmp.999999"
  ;;
merge)
  mkdir "$work/u"
  for t in AAPL KO CARR; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  cp "$root"/tests/data/bad/*.csv "$work/u/"
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 40)
  # the cross-sectional stage needs the whole universe: shards and their merge have none
  run 1 "$work/plain.h5" "${opts[@]}" -covariance none -portfolio none
  for i in 0 1; do run 1 "$work/s$i.h5" "${opts[@]}" -shard "$i/2"; done
  check "a shard says it writes no /covariance" grep -q "no /covariance" "$work/out.1"
  check "the shards keep their journals" test -s "$work/s0.h5.journal" -a -s "$work/s1.h5.journal"
  merge() { mpirun -n 1 "$exe" merge -report "$work/$1" -merge_inputs "$2" > "$work/out.m" 2>&1; }
  check "hpcast merge of the two shards succeeds" merge m.h5 "$work/s0.h5,$work/s1.h5"
  for grp in /summary /forecast /fits /backtest; do
    check "$grp of the merged report equals the plain run's" h5diff -q "$work/plain.h5" "$work/m.h5" $grp $grp
  done
  check "merged schedule attribute" bash -c "h5dump -a /schedule '$work/m.h5' | grep -q merged"
  rc=0; merge dup.h5 "$work/s0.h5,$work/s1.h5,$work/s0.h5" || rc=$?
  check "a ticker in two inputs: exit code 2 (bad input), got $rc" test "$rc" -eq 2
  check "the refusal names the duplicated ticker" grep -q "is in .*s0.h5 and in .*s0.h5" "$work/out.m"
  check "no report and no temporary left by the refused merge" test -z "$(ls "$work" | grep '^dup.h5')"
  run 1 "$work/o.h5" "${opts[@]}" -shard 1/2 -backtest_origins 30
  rc=0; merge other.h5 "$work/s0.h5,$work/o.h5" || rc=$?
  check "inputs of other options: exit code 2, got $rc" test "$rc" -eq 2
  check "the refusal names the input of other options" grep -q "o.h5: written with other result-affecting options" "$work/out.m"
  check "no report and no temporary left by the second refusal" test -z "$(ls "$work" | grep '^other.h5')"
  ;;
user_errors)
  # a user error on 2 ranks: exit 2, hpcast prints exactly one line (rank 0) that names the
  # option; mpirun --quiet drops Open MPI's own notice of a non-zero exit
  mkdir "$work/u"
  ln -s "$data/sp500/AAPL.csv" "$work/u/AAPL.csv"
  ue() { # ue DESCRIPTION PATTERN ARGS...: exit 2, one line matching PATTERN, no report
    local what=$1 pat=$2 rc=0 t0 t1; shift 2
    t0=$(date +%s.%N)
    mpirun --quiet --oversubscribe -n 2 "$exe" -data_dir "$work/u" -report "$work/ue.h5" "$@" > "$work/ue.out" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    check "$what: exit code 2 (got $rc)" test "$rc" -eq 2
    check "$what: one line (got $(wc -l < "$work/ue.out"))" test "$(wc -l < "$work/ue.out")" -eq 1
    check "$what: the line matches '$pat': $(head -c 300 "$work/ue.out")" grep -q -- "$pat" "$work/ue.out"
    check "$what: stops at start ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 10) }'
    check "$what: no report, no temporary" test -z "$(ls "$work" | grep '^ue.h5')"
  }
  ue "-horizn 5 (typo)" "unknown option -horizn (did you mean -horizon?)" -horizn 5
  ue "-vol_model none (typo)" "unknown option -vol_model (did you mean -vol_models?)" -vol_model none
  printf 'horizn: 5\n' > "$work/typo.yaml"
  ue "a typo in an options file" "unknown option -horizn" -options_file "$work/typo.yaml"
  ue "-horizon abc" "^hpcast: error: -horizon abc: allowed values are integers 1..1000$" -horizon abc
  ue "-horizon 99999999999 (no int wrap)" "-horizon 99999999999: allowed values are integers 1..1000" -horizon 99999999999
  ue "-fit_gatol 0" "-fit_gatol 0: allowed values are reals > 0" -fit_gatol 0
  ue "-variance_targeting maybe" "-variance_targeting maybe: allowed values are true or false" -variance_targeting maybe
  ue "-shard 1/99999999999" "-shard 1/99999999999: allowed values are I/N" -shard 1/99999999999
  ue "a reversed range" "'arma(5..1,0)' is not a mean model: range 5..1 is reversed" -mean_models "arma(5..1,0)"
  ue "an unknown distribution" "'garch(1,1):cauchy' is not a volatility model: unknown distribution" -vol_models "garch(1,1):cauchy"
  ue "-report DIR" "-report $work: .*is a directory" -report "$work"
  ue "an unwritable report" "-report /proc/hpcast/r.h5: .*cannot create directory" -report /proc/hpcast/r.h5
  ue "an unreadable universe" "-data_dir $work/none: cannot open universe directory" -data_dir "$work/none"
  ue "a missing options file" "-options_file $work/none.yaml: cannot read it" -options_file "$work/none.yaml"
  # the same on one rank, without mpirun
  rc=0; "$exe" -data_dir "$work/u" -report "$work/ue.h5" -horizn 5 > "$work/ue.out" 2>&1 || rc=$?
  check "-horizn without mpirun: exit 2 (got $rc), one line" test "$rc" -eq 2 -a "$(wc -l < "$work/ue.out")" -eq 1
  # PETSc's own options are not unknown
  run 2 "$work/ok.h5" -data_dir "$work/u" -mean_models "arma(0,0)" -vol_models none -backtest_origins 0 -log_view :/dev/null -fit_tao_max_it 200 -options_left no
  check "PETSc's options (-log_view, -fit_tao_*, -options_left) are accepted" test -s "$work/ok.h5"
  ;;
inputs)
  # every entry that looks like a ticker file has a row: dangling link, directory, FIFO,
  # UPPER.CSV, a non-ASCII name (escaped), a newest-first file with times (reversed, ok)
  mkdir "$work/u"
  ln -s "$data/sp500/AAPL.csv" "$work/u/AAPL.csv"
  ln -s "$work/nowhere.csv" "$work/u/DANGLE.csv"
  mkdir "$work/u/ADIR.csv"
  mkfifo "$work/u/AFIFO.csv"
  head -n 400 "$data/sp500/KO.csv" > "$work/u/UPPER.CSV"
  head -n 400 "$data/sp500/KO.csv" > "$work/u/ÜNICÖDE.csv"
  cp "$root/tests/data/dates/newest_first_midnight.csv" "$work/u/NEWEST.csv"
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 20)
  run 2 "$work/in.h5" "${opts[@]}"
  mapfile -t tick < <(col "$work/in.h5" /summary/ticker)
  mapfile -t stat < <(col "$work/in.h5" /summary/status)
  mapfile -t nobs < <(col "$work/in.h5" /summary/n_obs)
  mapfile -t why < <(h5dump -y -w 0 -d /summary/reason "$work/in.h5" | sed -n '/DATA {/,/}/p' | sed '1d;$d' | sed 's/\\000//g' | grep -o '"[^"]*"' | tr -d '"')
  check "every entry has a row (7): ${tick[*]}" test "${#tick[@]}" -eq 7
  declare -A want=([AAPL]=ok [DANGLE]=rejected [ADIR]=rejected [AFIFO]=rejected [UPPER]=ok [%C3%9CNIC%C3%96DE]=rejected [NEWEST]=ok)
  declare -A because=([DANGLE]="dangling symbolic link" [ADIR]="a directory" [AFIFO]="a FIFO" [%C3%9CNIC%C3%96DE]="not a valid ticker"
    [NEWEST]="reversed: newest first")
  for i in "${!tick[@]}"; do
    t=${tick[$i]}
    check "$t status ${stat[$i]} (want ${want[$t]:-?})" test "${stat[$i]}" = "${want[$t]:-?}"
    [ -n "${because[$t]:-}" ] && check "$t reason '${why[$i]:-}' mentions '${because[$t]}'" grep -q "${because[$t]}" <<< "${why[$i]:-}"
    [ "${stat[$i]}" = rejected ] && check "$t rejected: n_obs 0 (got ${nobs[$i]})" test "${nobs[$i]}" -eq 0
  done
  check "the report's ticker column is ASCII" bash -c "! col '$work/in.h5' /summary/ticker | LC_ALL=C grep -q '[^ -~]'"
  newest=$(sed -n 2p "$work/u/NEWEST.csv" | cut -d, -f1)
  last=$(h5dump -y -w 0 -d /summary/last_date "$work/in.h5" | sed -n '/DATA {/,/}/p' | sed 's/\\000//g' | grep -o '"[^"]*"' | tr -d '"' | sed -n 6p)
  check "NEWEST: last_date '$last' is the newest label ($newest)" test "$last" = "$newest"
  ;;
stale_resume)
  # stop a run with SIGUSR1, shorten every file by 100 rows, run again: no row keeps the old data
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT CARR PG; do cp "$data/sp500/$t.csv" "$work/u/"; done
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 40)
  mpirun --oversubscribe -n 2 "$exe" -report "$work/st.h5" "${opts[@]}" > "$work/out.st" 2>&1 &
  mp=$!
  for _ in $(seq 600); do [ "$(stat -c %s "$work/st.h5.journal" 2>/dev/null || echo 0)" -gt 24 ] && break; sleep 0.1; done
  kill -USR1 "$mp"
  rc=0; wait "$mp" || rc=$?
  check "SIGUSR1 to mpirun: exit 75 (got $rc)" test "$rc" -eq 75
  done_before=$(grep -o 'stopped by a signal: [0-9]*' "$work/out.st" | grep -o '[0-9]*$')
  for f in "$work"/u/*.csv; do head -n -100 "$f" > "$f.new" && mv "$f.new" "$f"; done
  run 2 "$work/st.h5" "${opts[@]}"
  check "the rerun says how many changed inputs ran again ($done_before were journalled)" \
    grep -q "$done_before with a changed input file run again" "$work/out.2"
  check "no row keeps the old last date 2021-04-21" bash -c "! col '$work/st.h5' /summary/last_date | grep -q 2021-04-21"
  check "no row keeps the old n_obs 5401" bash -c "! col '$work/st.h5' /summary/n_obs | grep -qx 5401"
  run 2 "$work/fresh.h5" "${opts[@]}"
  for grp in /summary /forecast; do
    check "$grp of the resumed run equals a fresh run on the new files" h5diff -q "$work/fresh.h5" "$work/st.h5" $grp $grp
  done
  # a file only touched (new mtime, same rows) keeps its journalled record
  mpirun --oversubscribe -n 2 "$exe" -report "$work/t.h5" "${opts[@]}" > "$work/out.t" 2>&1 &
  mp=$!
  for _ in $(seq 600); do [ "$(stat -c %s "$work/t.h5.journal" 2>/dev/null || echo 0)" -gt 24 ] && break; sleep 0.1; done
  kill -USR1 "$mp"
  wait "$mp" || true
  touch "$work"/u/*.csv
  run 2 "$work/t.h5" "${opts[@]}"
  check "touched files with the same rows are not run again" grep -q "; 0 with a changed input file run again" "$work/out.2"
  ;;
full_disk)
  # a report on a full file system: one line with the errno, exit 2, no temporary, the journal
  # kept; with room again, the same command resumes and writes it (needs root for the mount)
  mkdir "$work/fs" "$work/u"
  if ! mount -t tmpfs -o size=60k tmpfs "$work/fs" 2>/dev/null; then echo "SKIP: cannot mount a tmpfs (not root)"; exit 77; fi
  trap 'umount "$work/fs" 2>/dev/null; rm -rf "$work"' EXIT
  for t in AAPL KO JPM MSFT; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -backtest_origins 0)
  rc=0; mpirun --quiet --oversubscribe -n 2 "$exe" -report "$work/fs/r.h5" "${opts[@]}" > "$work/out.fs" 2>&1 || rc=$?
  check "full disk: exit 2 (got $rc)" test "$rc" -eq 2
  check "full disk: the error names the errno" grep -q "No space left on device" "$work/out.fs"
  check "full disk: no PETSc trace" bash -c "! grep -q 'PETSC ERROR' '$work/out.fs'"
  check "full disk: no temporary report left" test -z "$(ls "$work/fs" | grep 'tmp')"
  check "full disk: the journal is kept" test -s "$work/fs/r.h5.journal"
  mount -o remount,size=50m "$work/fs"
  run 2 "$work/fs/r.h5" "${opts[@]}"
  check "with room again the rerun resumes" grep -q "resuming from" "$work/out.2"
  check "and publishes the report" test -s "$work/fs/r.h5"
  ;;
spec_block)
  mkdir "$work/u"
  for t in AAPL KO MAR WM; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..2,0..2)" -backtest_origins 40)
  for b in 16 4 1; do run 2 "$work/b$b.h5" "${opts[@]}" -spec_block "$b"; done
  run 1 "$work/b4n1.h5" "${opts[@]}" -spec_block 4
  for rep in b4 b1 b4n1; do
    for grp in /summary /forecast /fits; do
      check "$grp of $rep.h5 identical to -spec_block 16 on 2 ranks" h5diff -q "$work/b16.h5" "$work/$rep.h5" $grp $grp
    done
    # the per-ticker tables exactly; the cross-sectional stage's on 1 rank to 1e-9 (case covariance)
    check "/backtest of $rep.h5 identical to -spec_block 16 on 2 ranks" h5diff -q --exclude-path /covariance --exclude-path /portfolio --exclude-path /book "$work/b16.h5" "$work/$rep.h5" /backtest /backtest
    for grp in /covariance /backtest/covariance; do
      check "$grp of $rep.h5 equal to 1e-9 to -spec_block 16 on 2 ranks" h5diff -q -d 1e-9 "$work/b16.h5" "$work/$rep.h5" $grp $grp
    done
    for grp in /portfolio /backtest/book /backtest/portfolio; do
      check "$grp of $rep.h5 equal to 1e-7 to -spec_block 16 on 2 ranks" h5diff -q -d 1e-7 "$work/b16.h5" "$work/$rep.h5" $grp $grp
    done
  done
  ;;
panel)
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT MAR WM JNJ PG; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  cp "$root"/tests/data/bad/{EMPTY,ERRMSG,SHORT,STALE,NEGPRICE}.csv "$work/u/"
  cp "$root/tests/data/dates/newest_first_midnight.csv" "$work/u/NEWEST.csv"
  "$exe" convert -data_dir "$work/u" -out "$work/u.h5" > "$work/conv.out" 2>&1 || cat "$work/conv.out"
  check "convert: 14 tickers, 2 with a reason (EMPTY, ERRMSG)" grep -q "converted 14 tickers (2 with a reason" "$work/conv.out"
  opts=(-options_file "$root/config/default.yaml" -mean_models "arma(0..1,0..1)" -vol_models "none,garch(1,1):t"
    -backtest_origins 60 -covariance_window 500 -covariance_min_overlap 300 -max_weight 0.3)
  run 2 "$work/dir.h5" "${opts[@]}" -data_dir "$work/u"
  run 2 "$work/pan.h5" "${opts[@]}" -data_file "$work/u.h5"
  for grp in /summary /forecast /fits /covariance /portfolio /backtest; do
    check "panel and directory: $grp identical" h5diff -q "$work/dir.h5" "$work/pan.h5" $grp $grp
  done
  mapfile -t tick < <(col "$work/pan.h5" /summary/ticker)
  mapfile -t why < <(h5dump -y -w 0 -d /summary/reason "$work/pan.h5" | sed -n '/DATA {/,/}/p' | sed '1d;$d' | sed 's/\\000//g' | grep -o '"[^"]*"' | tr -d '"')
  check "every ticker of the panel has a row (14)" test "${#tick[@]}" -eq 14
  for i in "${!tick[@]}"; do
    case ${tick[$i]} in
      EMPTY) check "EMPTY: reason 'empty file' (${why[$i]:-})" grep -q "empty file" <<< "${why[$i]:-}" ;;
      ERRMSG) check "ERRMSG: reason 'not a CSV file' (${why[$i]:-})" grep -q "not a CSV file" <<< "${why[$i]:-}" ;;
      NEWEST) check "NEWEST: note 'reversed: newest first' kept (${why[$i]:-})" grep -q "reversed: newest first" <<< "${why[$i]:-}" ;;
    esac
  done
  # a wide file (M4 format): two series and an empty one
  { echo '"V1","V2","V3","V4","V5"'; } > "$work/w.csv"
  /usr/bin/python3 -c "
import math
for k, n in ((1, 120), (2, 90)):
    print('\"W%d\",' % k + ','.join('%.6f' % (100 + 10 * math.sin(t / 5.0) + 0.1 * ((t * 7919 * k) % 13)) for t in range(n)))
" >> "$work/w.csv"
  "$exe" convert -data_file "$work/w.csv" -data_format wide -out "$work/w.h5" > "$work/convw.out" 2>&1 || cat "$work/convw.out"
  check "convert -data_format wide: 2 series" grep -q "converted 2 tickers" "$work/convw.out"
  run 1 "$work/wr.h5" -data_file "$work/w.h5" -column value -transform none -mean_models "arima(0..1,1,0..1)" -vol_models none \
    -min_obs 50 -backtest_origins 20 -horizon 5 -covariance none -portfolio none
  check "the wide panel's two series are ok" test "$(col "$work/wr.h5" /summary/status | grep -c '^ok$')" -eq 2
  # user errors at start: a column the panel has not, an HDF5 file that is not a panel, a bad convert option
  want_error() { # want_error PATTERN ARGS...: exit 2 and PATTERN in the output
    local pat=$1; shift
    local rc=0
    mpirun --quiet -n 2 "$exe" "$@" > "$work/err.out" 2>&1 || rc=$?
    test "$rc" -eq 2 && grep -q -- "$pat" "$work/err.out" && test "$(grep -c 'hpcast: error' "$work/err.out")" -eq 1
  }
  check "-column missing in the panel: exit 2, the columns named" want_error "allowed: adjusted_close, close, high, low, open, volume" \
    -data_file "$work/u.h5" -column adj -report "$work/x.h5"
  check "-data_file a report (HDF5, not a panel): exit 2" want_error "not an hpcast panel" -data_file "$work/dir.h5" -report "$work/x.h5"
  rc=0; "$exe" convert -data_dir "$work/u" -data_format csvx -out "$work/x.h5" > "$work/err.out" 2>&1 || rc=$?
  check "convert -data_format csvx: exit 2, allowed values named" bash -c "test $rc -eq 2 && grep -q 'allowed values are csv, wide' '$work/err.out'"
  check "a failed convert leaves no file" bash -c "! ls '$work'/x.h5* >/dev/null 2>&1"
  ;;
update)
  # hpcast update (the daily update): a job on the data less their last days, then updates
  tk=(AAPL KO JPM MSFT MAR WM)
  for d in 0 1 2 3; do
    mkdir "$work/d$d"
    for t in "${tk[@]}"; do
      if [ "$d" -eq 0 ]; then cp "$data/sp500/$t.csv" "$work/d0/"; else head -n "-$d" "$data/sp500/$t.csv" > "$work/d$d/$t.csv"; fi
    done
  done
  opts=(-options_file "$root/config/default.yaml" -mean_models "arma(0..1,0..1)" -vol_models "none,garch(1,1):normal,garch(1,1):t"
    -backtest_origins 60 -covariance_window 500 -covariance_min_overlap 300)
  upd() { # upd NP REPORT FROM DATA [ARGS...]
    local np=$1 rep=$2 from=$3 dir=$4; shift 4
    local rc=0
    mpirun --oversubscribe -n "$np" "$exe" update -from "$from" -report "$rep" -data_dir "$dir" "${opts[@]}" "$@" > "$work/out.u" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || cat "$work/out.u"
    return "$rc"
  }
  col1() { /usr/bin/python3 -c 'import sys, h5py; print(" ".join(str(v.decode() if isinstance(v, bytes) else v) for v in h5py.File(sys.argv[1], "r")[sys.argv[2]][:]))' "$@"; }
  run 2 "$work/p1.h5" "${opts[@]}" -data_dir "$work/d1"
  sum1=$(sha256sum < "$work/p1.h5")
  check "update of one new day" upd 2 "$work/u.h5" "$work/p1.h5" "$work/d0"
  cat "$work/out.u" | tail -2
  check "no model fitted: /perf/n_fits all 0" test "$(col1 "$work/u.h5" /perf/n_fits)" = "0 0"
  check "every ticker filtered" test "$(col1 "$work/u.h5" /summary/action)" = "filtered filtered filtered filtered filtered filtered"
  check "n_filtered 6, n_refit 0" bash -c "h5dump -a /n_filtered '$work/u.h5' | grep -q '(0): 6' && h5dump -a /n_refit '$work/u.h5' | grep -q '(0): 0'"
  check "update_of names the previous report" bash -c "h5dump -a /update_of '$work/u.h5' | grep -q 'p1.h5'"
  check "one more observation, fits of the previous report's" test "$(col1 "$work/u.h5" /summary/fit_n_obs)" = "$(col1 "$work/p1.h5" /summary/n_obs)"
  check "the previous report is not modified" test "$(sha256sum < "$work/p1.h5")" = "$sum1"
  check "the extended track recomputes the summary's 1-step scores" /usr/bin/python3 "$root/tests/mpi/check_origins.py" "$work/u.h5"
  check "the previous fits, bit for bit" h5diff -q "$work/p1.h5" "$work/u.h5" /fits/params /fits/params
  check "the book continued: the previous book's return on the new day" /usr/bin/python3 "$root/tests/mpi/check_update.py" "$work/p1.h5" "$work/u.h5" 5
  check "the covariance backtest kept as it was" h5diff -q "$work/p1.h5" "$work/u.h5" /backtest/covariance /backtest/covariance
  # a Gaussian ARMA ticker's update forecasts as statsmodels' Kalman filter with the same parameters
  aopts=(-options_file "$root/config/default.yaml" -mean_models "arma(0..2,0..2)" -vol_models none -backtest_origins 60 -covariance none -portfolio none)
  run 2 "$work/a1.h5" "${aopts[@]}" -data_dir "$work/d1"
  mpirun --oversubscribe -n 2 "$exe" update -from "$work/a1.h5" -report "$work/a0.h5" -data_dir "$work/d0" "${aopts[@]}" > "$work/out.a" 2>&1 || cat "$work/out.a"
  check "ARMA forecasts of the update equal statsmodels' with the previous parameters (1e-6)" \
    /usr/bin/python3 "$root/tests/mpi/check_update_statsmodels.py" "$work/a1.h5" "$work/a0.h5" "$work/d0" 1e-6
  # a chain of three one-day updates equals one update of the three days (the record read back
  # from each report restores the state of the next), and 1 rank equals 2
  run 2 "$work/p3.h5" "${opts[@]}" -data_dir "$work/d3"
  check "update d3 -> d2" upd 2 "$work/c2.h5" "$work/p3.h5" "$work/d2"
  check "update d2 -> d1" upd 1 "$work/c1.h5" "$work/c2.h5" "$work/d1"
  check "update d1 -> d0" upd 2 "$work/c0.h5" "$work/c1.h5" "$work/d0"
  check "update d3 -> d0 at once" upd 1 "$work/x0.h5" "$work/p3.h5" "$work/d0"
  for grp in /forecast /backtest/origins /backtest/trading; do
    check "$grp: the chain of updates equals one update to 1e-10" h5diff -q -d 1e-10 "$work/c0.h5" "$work/x0.h5" $grp $grp
  done
  for c in crps_1 pit_ks_1 coverage95_1 calibration_score dm_stat sharpe ljung_box_p; do
    check "/summary/$c: the chain equals one update to 1e-10" h5diff -q -d 1e-10 "$work/c0.h5" "$work/x0.h5" /summary/$c /summary/$c
  done
  # what is refit, and why; what is rejected; what left
  mkdir "$work/bad"
  cp "$work"/d0/*.csv "$work/bad/"
  head -n -3 "$data/sp500/KO.csv" > "$work/bad/KO.csv"                                         # shorter than before
  (cat "$work/d1/JPM.csv"; echo "2021-04-01,1,1,1,1,150.0,1000,0.0,1.0") > "$work/bad/JPM.csv" # a date that goes back
  awk -F, -v OFS=, 'NR > 1 { $6 = $6 / 2 } 1' "$data/sp500/MSFT.csv" > "$work/bad/MSFT.csv"    # rescaled history
  rm "$work/bad/WM.csv"                                                                          # left the universe
  ln -s "$data/sp500/PG.csv" "$work/bad/PG.csv"                                                  # new
  check "update of a changed universe" upd 2 "$work/b.h5" "$work/p1.h5" "$work/bad"
  act() { /usr/bin/python3 -c 'import sys, h5py
f = h5py.File(sys.argv[1], "r")["summary"]
t = [x.decode() for x in f["ticker"][:]]
i = t.index(sys.argv[2])
print(f["status"][i].decode() + "|" + f["action"][i].decode() + "|" + f["reason"][i].decode())' "$@"; }
  check "AAPL filtered" test "$(act "$work/b.h5" AAPL)" = "ok|filtered|"
  check "KO shorter: refit, saying so" bash -c "[[ '$(act "$work/b.h5" KO)' == 'ok|refit: history revised (5399 rows, the previous report read 5401)|' ]]"
  check "MSFT rescaled: refit, saying so" bash -c "[[ '$(act "$work/b.h5" MSFT)' == ok\|refit:\ history\ revised\ \(rows\ up\ to* ]]"
  check "PG new: refit" test "$(act "$work/b.h5" PG)" = "ok|refit: new ticker|"
  check "JPM dates going back: rejected with the reason" bash -c "[[ '$(act "$work/b.h5" JPM)' == rejected\|\|dates\ not\ ascending* ]]"
  check "WM gone: a row that says so" test "$(act "$work/b.h5" WM)" = "rejected||not in the universe any more (the previous report had it)"
  check "refit_reasons counted" bash -c "h5dump -a /refit_reasons '$work/b.h5' | grep -q 'history revised: 2; new ticker: 1'"
  # a refit ticker gets what the job gives it
  run 2 "$work/j.h5" "${opts[@]}" -data_dir "$work/bad"
  check "the refit tickers' /fits, /forecast and scores equal the job's" /usr/bin/python3 - "$work/b.h5" "$work/j.h5" KO MSFT PG <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
def rows(f, g, t):
    tk = np.array([x.decode() for x in f[g + "/ticker"][:]])
    return np.flatnonzero(tk == t)
bad = 0
for t in sys.argv[3:]:
    for g, cols in (("fits", ("loglik", "params", "forecast_mean")), ("forecast", ("mean", "sd", "lo", "hi")),
                    ("backtest/scores", ("crps", "pit_ks")), ("backtest/origins", ("pit", "crps"))):
        ra, rb = rows(a, g, t), rows(b, g, t)
        for c in cols:
            x, y = a[g][c][:][ra], b[g][c][:][rb]
            if x.shape != y.shape or not np.array_equal(x, y, equal_nan=True):
                print(f"{t} {g}/{c} differs"); bad += 1
sys.exit(1 if bad else 0)
PY
  # user errors at start: another schema, other model options, no -from
  cp "$work/p1.h5" "$work/v5.h5"
  /usr/bin/python3 -c 'import sys, h5py, numpy; h5py.File(sys.argv[1], "r+").attrs["schema_version"] = numpy.int32(5)' "$work/v5.h5"
  rc=0; upd 2 "$work/e1.h5" "$work/v5.h5" "$work/d0" > /dev/null || rc=$?
  check "a previous report of schema_version 5: exit 2" test "$rc" -eq 2
  check "... one line naming -from and the version" grep -q "error: -from .*v5.h5: schema_version 5" "$work/out.u"
  rc=0; upd 2 "$work/e2.h5" "$work/p1.h5" "$work/d0" -mean_models "arma(0..2,0..2)" > /dev/null || rc=$?
  check "other model options: exit 2" test "$rc" -eq 2
  check "... naming the option and both values" grep -q "error: -mean_models: the previous report was made with arma(0..1,0..1), this update has arma(0..2,0..2)" "$work/out.u"
  # a previous report made by a build that did not know an option (here -fit_screen_css): the
  # update at that option's default goes on; given, it is a difference naming it
  cp "$work/p1.h5" "$work/older.h5"
  /usr/bin/python3 -c 'import sys, h5py, numpy
f = h5py.File(sys.argv[1], "r+")
mo = f.attrs["model_options"]; mo = mo.decode() if isinstance(mo, bytes) else mo
assert "-fit_screen_css=false;" in mo
f.attrs["model_options"] = numpy.bytes_(mo.replace("-fit_screen_css=false;", ""))' "$work/older.h5"
  check "a previous report without an option added since: the update at its default runs" upd 2 "$work/o1.h5" "$work/older.h5" "$work/d0"
  rc=0; upd 2 "$work/e4.h5" "$work/older.h5" "$work/d0" -fit_screen_css > /dev/null || rc=$?
  check "... given, exit 2 naming it" bash -c "test $rc -eq 2 && grep -q 'error: -fit_screen_css: the previous report was made with (not given), this update has true' '$work/out.u'"
  rc=0; mpirun --oversubscribe -n 2 "$exe" update -report "$work/e3.h5" -data_dir "$work/d0" "${opts[@]}" > "$work/out.u" 2>&1 || rc=$?
  check "no -from: exit 2 naming it" bash -c "test $rc -eq 2 && grep -q 'error: -from: give the report to update' '$work/out.u'"
  check "no report written by a refused update" test ! -e "$work/e1.h5" -a ! -e "$work/e2.h5" -a ! -e "$work/e3.h5" -a ! -e "$work/e4.h5"
  # resumable: SIGUSR1 to one rank during an update that refits (new tickers), exit 75, rerun
  mkdir "$work/more"
  cp "$work"/d0/*.csv "$work/more/"
  for t in PG WMT CARR AMCR; do [ -f "$data/sp500/$t.csv" ] && ln -s "$data/sp500/$t.csv" "$work/more/$t.csv"; done
  check "the uninterrupted update" upd 2 "$work/m.h5" "$work/p1.h5" "$work/more"
  mpirun --oversubscribe -n 2 "$exe" update -from "$work/p1.h5" -report "$work/ms.h5" -data_dir "$work/more" "${opts[@]}" > "$work/out.s" 2>&1 &
  mp=$!
  for _ in $(seq 600); do [ "$(stat -c %s "$work/ms.h5.journal" 2>/dev/null || echo 0)" -gt 24 ] && break; sleep 0.05; done
  pid=""
  for p in $(pgrep -f -- "-report $work/ms.h5"); do
    if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = hpcast ]; then pid=$p; break; fi
  done
  kill -USR1 "$pid"
  rc=0; wait "$mp" || rc=$?
  check "SIGUSR1: exit 75 (checkpointed), got $rc" test "$rc" -eq 75
  check "the rerun completes" upd 2 "$work/ms.h5" "$work/p1.h5" "$work/more"
  check "it resumed from the journal" grep -q "resuming from" "$work/out.u"
  for grp in /summary /forecast /fits /backtest/origins; do
    check "$grp after resume equals the uninterrupted update" h5diff -q "$work/m.h5" "$work/ms.h5" $grp $grp
  done
  ;;
plots)
  mkdir "$work/u"
  for t in AAPL KO JPM MSFT MAR WM JNJ PG CARR; do ln -s "$data/sp500/$t.csv" "$work/u/$t.csv"; done
  cp "$root"/tests/data/bad/{EMPTY,SHORT}.csv "$work/u/"
  printf 'Symbol,Sector\nAAPL,Tech\nMSFT,Tech\nKO,Staples\nPG,Staples\nJPM,Financials\n' > "$work/sectors.csv"
  opts=(-options_file "$root/config/default.yaml" -data_dir "$work/u" -mean_models "arma(0..1,0..1)" -vol_models "none,garch(1,1):normal"
    -backtest_origins 60 -covariance_window 500 -covariance_min_overlap 300)
  plot=(/usr/bin/python3 "$root/tools/plot_report.py")
  checker=(/usr/bin/python3 "$root/tests/mpi/check_plots.py")
  run 2 "$work/r.h5" "${opts[@]}" -sectors "$work/sectors.csv" -log_view ":$work/log.txt"
  check "every picture of the whole report" "${plot[@]}" "$work/r.h5" -ticker AAPL -log_view "$work/log.txt"
  check "/backtest/origins recomputes the summary's 1-step scores" /usr/bin/python3 "$root/tests/mpi/check_origins.py" "$work/r.h5"
  check "the pictures: sizes, index.html, PIT counts, final wealth" "${checker[@]}" "$work/r.h5" "$work/r" \
    --expect pit.png coverage.png crps.png book.png correlation.png forecast.png time.png phases.png
  # a report without backtest, covariance and portfolio; a -data_dir without the ticker
  run 1 "$work/bare.h5" "${opts[@]}" -backtest_origins 0 -covariance none -portfolio none
  check "a bare report draws what it can" "${plot[@]}" "$work/bare.h5" -out "$work/bare" -ticker AAPL -data_dir "$work/nowhere" \
    > "$work/bare.out"
  cat "$work/bare.out"
  skipped=(pit.png coverage.png crps.png book.png correlation.png forecast.png phases.png)
  check "the bare report's pictures and the skipped ones" "${checker[@]}" "$work/bare.h5" "$work/bare" --expect time.png --skipped "${skipped[@]}"
  for p in "${skipped[@]}"; do
    check "stdout says why $p is skipped" grep -q "^plot_report: skipped $p (.*): ..*" "$work/bare.out"
  done
  # another schema_version
  cp "$work/r.h5" "$work/v3.h5"
  /usr/bin/python3 -c 'import sys, h5py, numpy; h5py.File(sys.argv[1], "r+").attrs["schema_version"] = numpy.int32(3)' "$work/v3.h5"
  rc=0
  "${plot[@]}" "$work/v3.h5" > "$work/v3.out" 2>&1 || rc=$?
  cat "$work/v3.out"
  check "schema_version 3: exit 2" test "$rc" -eq 2
  check "schema_version 3: one line that says so" bash -c "test \$(wc -l < '$work/v3.out') -eq 1 && grep -q 'schema_version 3; this tool reads schema_version 5 or 6' '$work/v3.out'"
  check "schema_version 3: nothing drawn" test ! -e "$work/v3"
  ;;
*) echo "unknown case $case"; exit 2 ;;
esac
echo "e2e $case: $pass passed, $fail failed"
test "$fail" -eq 0
