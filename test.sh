#!/usr/bin/env bash
# hpcast tests, in three steps:
#   release  set up (packages + release build in build/) and run every meson test suite there
#            (unit, MPI and end-to-end under mpirun -n 1|2|4, Slurm jobs, fuzz regressions);
#   asan     build build-asan/ (debug, AddressSanitizer + UndefinedBehaviorSanitizer) and run
#            the whole suite again there: unit, MPI and end-to-end, fuzz regressions (not the
#            Slurm job tests: they start slurmd/slurmctld, which are not built with ASan, and
#            only re-run the same hpcast binary the mpi suite already covers);
#   fuzz     build the libFuzzer targets in build-fuzz/ (clang) and run each for
#            HPCAST_FUZZ_SECONDS (tests/fuzz/README.md); a crash or sanitizer report fails.
#
#   ./test.sh            # everything
#   ./test.sh io         # extra arguments go to the first `meson test`
#                        # (here: only the test named io), then the asan and fuzz steps
# Environment:
#   HPCAST_TEST_STEPS    steps to run, default "release asan fuzz"; without `release` the
#                        set-up (.ci/setup.sh) is skipped: run it once before
#   HPCAST_FUZZ_SECONDS  seconds of fuzzing per target (default 30); 0: only run the corpus,
#                        seeds and regression inputs once
#   HPCAST_ASAN_DIR, HPCAST_FUZZ_DIR   build directories (default build-asan, build-fuzz)
# Exit status: non-zero if any step fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

steps=" ${HPCAST_TEST_STEPS:-release asan fuzz} "
steps="${steps//,/ }"
has_step() { [[ "$steps" == *" $1 "* ]]; }

if has_step release; then
  # Packages and release build; also exports the Open MPI run-as-root variables.
  # shellcheck source=.ci/setup.sh
  . "$root/.ci/setup.sh"
elif [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# MPI tests start up to 4 ranks; let Open MPI place more ranks than cores.
export OMPI_MCA_rmaps_base_oversubscribe="${OMPI_MCA_rmaps_base_oversubscribe:-1}"

logdir="$root/build-logs"
mkdir -p "$logdir"
status=0

# ---- 1. release build: every suite ------------------------------------------
if has_step release; then
  echo "hpcast: testing (meson test -C build $*)"
  if ! meson test -C build --print-errorlogs "$@"; then
    echo "hpcast: FAILED: tests of the release build (logs: build/meson-logs/testlog.txt)" >&2
    status=1
  fi
fi

# ---- 2. sanitizer build: unit, MPI, end-to-end and fuzz regressions ----------
# Sanitizer options: the default test setup of tests/meson.build (a report aborts, full
# allocation stacks), LSAN_OPTIONS of tests/unit/meson.build and tests/mpi/meson.build (Open
# MPI's own allocations kept until exit are suppressed: tests/unit/lsan.supp, tests/mpi/lsan.supp).
# The MPI tests' environment reaches the ranks: on one node mpirun's children inherit it.
asan_dir="${HPCAST_ASAN_DIR:-build-asan}"
# -O2 -g (debugoptimized, asserts on): the end-to-end tests fit real models on every rank, about
# twice as fast as at -O0 (measured), and ASan finds the same errors.
# -Dwerror=true: the project default, set again for a build-asan/ configured before it was.
asan_opts=(-Db_sanitize=address,undefined -Dbuildtype=debugoptimized -Dmpi_tests=true -Dslurm_tests=false -Dfuzz=false -Dwerror=true)
if has_step asan; then
  asan_ok=1
  if [ ! -f "$asan_dir/build.ninja" ]; then
    echo "hpcast: configuring $asan_dir/ (-O2 -g, address+undefined sanitizers)"
    reconf=()
    [ -f "$asan_dir/meson-private/coredata.dat" ] && reconf=(--reconfigure)
    if ! meson setup "${reconf[@]}" "$asan_dir" "${asan_opts[@]}" >"$logdir/meson-setup-asan.log" 2>&1; then
      tail -n 40 "$logdir/meson-setup-asan.log" >&2
      echo "hpcast: FAILED: meson setup $asan_dir (see $logdir/meson-setup-asan.log)" >&2
      asan_ok=0
    fi
  else
    # an older build-asan/ was configured otherwise (debug, MPI tests off): set the options
    meson configure "$asan_dir" "${asan_opts[@]}" >"$logdir/meson-configure-asan.log" 2>&1 || true
  fi

  if [ "$asan_ok" -eq 1 ]; then
    echo "hpcast: building $asan_dir/ (log: build-logs/compile-asan.log)"
    if ! meson compile -C "$asan_dir" >"$logdir/compile-asan.log" 2>&1; then
      grep -E -A4 'error:' "$logdir/compile-asan.log" | head -n 80 >&2 || true
      tail -n 20 "$logdir/compile-asan.log" >&2
      echo "hpcast: FAILED: sanitizer build (see $logdir/compile-asan.log)" >&2
      asan_ok=0
    fi
  fi

  if [ "$asan_ok" -eq 1 ]; then
    echo "hpcast: testing $asan_dir/ (suites unit, mpi, fuzz under ASan/UBSan)"
    t0=$SECONDS
    # ASAN_OPTIONS and UBSAN_OPTIONS come from the default test setup (tests/meson.build).
    # Ranks run 2-3 times slower under ASan (e2e_ranks: 110-210 s against its 600 s): double
    # the timeouts for a loaded machine.
    if ! meson test -C "$asan_dir" --print-errorlogs --timeout-multiplier 2; then
      echo "hpcast: FAILED: tests under ASan/UBSan (logs: $asan_dir/meson-logs/testlog.txt)" >&2
      asan_ok=0
    fi
    echo "hpcast: sanitizer suite took $((SECONDS - t0)) s"
  fi
  [ "$asan_ok" -eq 1 ] || status=1
fi

# ---- 3. fuzzing ---------------------------------------------------------------
fuzz_dir="${HPCAST_FUZZ_DIR:-build-fuzz}"
fuzz_seconds="${HPCAST_FUZZ_SECONDS:-30}"
fuzz_targets=(csv sectors spec journal)

# Seeds made at run time into $fuzz_dir/seeds/ (../shared/data is not copied into the repository):
# the first 50 lines of a few real tickers, the reference series with their value column named
# adjusted_close, the start of an M4 wide file; valid journals written by fuzz_journal itself.
fuzz_seeds() {
  local d="$fuzz_dir/seeds" data="$root/../shared/data" t f
  rm -rf "$d"
  mkdir -p "$d/csv" "$d/journal" "$d/sectors"
  [ -f "$data/sp500-constituents.csv" ] && head -n 60 "$data/sp500-constituents.csv" >"$d/sectors/sp500-constituents.csv"
  if [ -d "$data/sp500" ]; then
    for t in AAPL KO CARR AMCR BRK.B; do
      [ -f "$data/sp500/$t.csv" ] && head -n 50 "$data/sp500/$t.csv" >"$d/csv/sp500-$t.csv"
    done
  fi
  for f in airline dem2gbp djclose; do
    [ -f "$data/reference/$f.csv" ] &&
      head -n 40 "$data/reference/$f.csv" | sed '1s/,\(g\|Y\|djclose\)\([,\r]\|$\)/,adjusted_close\2/' >"$d/csv/ref-$f.csv"
  done
  [ -f "$data/m4/Weekly-train.csv" ] && head -c 2000 "$data/m4/Weekly-train.csv" >"$d/csv/m4-weekly.csv"
  HPCAST_FUZZ_SEED_DIR="$d/journal" "$fuzz_dir/tests/fuzz/fuzz_journal" >/dev/null 2>&1
}

# The value of libFuzzer's final statistic $2 in log $1 (0 if absent).
fuzz_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1 | grep . || echo 0; }

if has_step fuzz; then
  fuzz_ok=1
  if ! command -v clang >/dev/null 2>&1; then
    echo "hpcast: FAILED: clang not found (the fuzz targets need clang and libclang-rt-14-dev; .ci/setup.sh installs them)" >&2
    fuzz_ok=0
  elif [ ! -f "$fuzz_dir/build.ninja" ]; then
    echo "hpcast: configuring $fuzz_dir/ (clang, libFuzzer, address+undefined sanitizers)"
    reconf=()
    [ -f "$fuzz_dir/meson-private/coredata.dat" ] && reconf=(--reconfigure)
    if ! CC=clang meson setup "${reconf[@]}" "$fuzz_dir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dmpi_tests=false -Dslurm_tests=false -Dwerror=true >"$logdir/meson-setup-fuzz.log" 2>&1; then
      tail -n 40 "$logdir/meson-setup-fuzz.log" >&2
      echo "hpcast: FAILED: meson setup $fuzz_dir (see $logdir/meson-setup-fuzz.log)" >&2
      fuzz_ok=0
    fi
  else
    # a build-fuzz/ configured before -Werror became the project default
    meson configure "$fuzz_dir" -Dwerror=true >"$logdir/meson-configure-fuzz.log" 2>&1 || true
  fi
  if [ "$fuzz_ok" -eq 1 ]; then
    echo "hpcast: building the fuzz targets in $fuzz_dir/ (log: build-logs/compile-fuzz.log)"
    if ! meson compile -C "$fuzz_dir" "${fuzz_targets[@]/#/fuzz_}" >"$logdir/compile-fuzz.log" 2>&1; then
      grep -E -A4 'error:' "$logdir/compile-fuzz.log" | head -n 80 >&2 || true
      tail -n 20 "$logdir/compile-fuzz.log" >&2
      echo "hpcast: FAILED: fuzz build (see $logdir/compile-fuzz.log)" >&2
      fuzz_ok=0
    elif ! fuzz_seeds; then
      echo "hpcast: FAILED: making the fuzz seeds in $fuzz_dir/seeds/" >&2
      fuzz_ok=0
    fi
  fi
  if [ "$fuzz_ok" -eq 1 ]; then
    if [ "$fuzz_seconds" -gt 0 ]; then
      echo "hpcast: fuzzing each target for $fuzz_seconds s (corpus, seeds and regression inputs first)"
      budget=(-max_total_time="$fuzz_seconds")
    else
      echo "hpcast: running the fuzz corpus, seeds and regression inputs once (HPCAST_FUZZ_SECONDS=0)"
      budget=(-runs=0)
    fi
    for t in "${fuzz_targets[@]}"; do
      exe="$fuzz_dir/tests/fuzz/fuzz_$t"
      corpus="$fuzz_dir/corpus/$t" art="$fuzz_dir/artifacts/$t" log="$logdir/fuzz-$t.log"
      mkdir -p "$corpus" "$art"
      # libFuzzer adds new inputs to the first directory; it runs every input of all of them first
      dirs=("$corpus")
      for d in "$fuzz_dir/seeds/$t" "tests/fuzz/seeds/$t" "tests/fuzz/regressions/$t"; do
        [ -d "$d" ] && dirs+=("$d")
      done
      if [ "$t" = csv ]; then
        for d in tests/data/bad tests/data/dates; do [ -d "$d" ] && dirs+=("$d"); done
      fi
      extra=()
      [ -f "tests/fuzz/$t.dict" ] && extra+=(-dict="tests/fuzz/$t.dict")
      t0=$SECONDS
      rc=0
      stamp="$art/.started"
      : >"$stamp"
      "$exe" "${budget[@]}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$art/" \
        "${extra[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
      secs=$((SECONDS - t0))
      runs=$(fuzz_stat "$log" number_of_executed_units)
      rate=$(fuzz_stat "$log" average_exec_per_sec)
      new=$(fuzz_stat "$log" new_units_added)
      cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || echo '?')
      if [ "$rc" -eq 0 ]; then
        echo "hpcast: fuzz_$t: $secs s, $runs executions ($rate/s), coverage $cov, $new new corpus inputs, 0 crashes"
      else
        found=$(find "$art" -type f ! -name .started -newer "$stamp" 2>/dev/null | head -n 1 || true)
        echo "hpcast: fuzz_$t: $secs s, $runs executions ($rate/s), coverage $cov: FAILED (exit $rc)" >&2
        grep -E -A12 '^==[0-9]+==ERROR|invariant .* violated|runtime error:|ERROR: libFuzzer' "$log" | head -n 40 >&2 || true
        echo "hpcast:   input: ${found:-(none kept)}; log: $log" >&2
        known=""
        if [ -n "$found" ] && [ -d "tests/fuzz/regressions/$t" ]; then # libFuzzer names it by its SHA-1
          sum=$(sha1sum <"$found" | cut -d' ' -f1)
          for f in "tests/fuzz/regressions/$t"/*; do
            [ -f "$f" ] && [ "$(sha1sum <"$f" | cut -d' ' -f1)" = "$sum" ] && known=$f
          done
        fi
        if [ -n "$known" ]; then
          echo "hpcast:   a known finding, not fixed yet: $known (tests/fuzz/README.md says where the bug is)" >&2
        else
          echo "hpcast:   reproduce: $exe ${found:-INPUT}; minimise: $exe -minimize_crash=1 -runs=20000 ${found:-INPUT}" >&2
          echo "hpcast:   then keep the (minimised) input as tests/fuzz/regressions/$t/<name> (tests/fuzz/README.md)" >&2
        fi
        fuzz_ok=0
      fi
    done
  fi
  [ "$fuzz_ok" -eq 1 ] || { echo "hpcast: FAILED: fuzzing (build-logs/fuzz-*.log)" >&2; status=1; }
fi

if [ "$status" -eq 0 ]; then
  echo "hpcast: all tests passed"
else
  echo "hpcast: some tests FAILED" >&2
fi
exit "$status"
