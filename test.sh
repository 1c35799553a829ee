#!/usr/bin/env bash
# hpcast tests: set up (packages + release build), run every meson test suite
# (unit, MPI, end-to-end), then build and run the unit tests again with
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   ./test.sh            # everything
#   ./test.sh io         # extra arguments go to the first `meson test`
#                        # (here: only the test named io), then the ASan run
# Exit status: non-zero if any step fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Packages and release build; also exports the Open MPI run-as-root variables.
# shellcheck source=.ci/setup.sh
. "$root/.ci/setup.sh"

# MPI tests start up to 4 ranks; let Open MPI place more ranks than cores.
export OMPI_MCA_rmaps_base_oversubscribe="${OMPI_MCA_rmaps_base_oversubscribe:-1}"

status=0

echo "hpcast: testing (meson test -C build $*)"
if ! meson test -C build --print-errorlogs "$@"; then
  echo "hpcast: FAILED: tests of the release build (logs: build/meson-logs/testlog.txt)" >&2
  status=1
fi

# ---- sanitizer build (unit tests only; MPI tests are off there) -------------
logdir="$root/build-logs"
mkdir -p "$logdir"
asan_ok=1
if [ ! -f build-asan/build.ninja ]; then
  echo "hpcast: configuring build-asan/ (debug, address+undefined sanitizers)"
  if [ -f build-asan/meson-private/coredata.dat ]; then
    reconf=(--reconfigure)
  else
    reconf=()
  fi
  if ! meson setup "${reconf[@]}" build-asan -Db_sanitize=address,undefined \
      -Dbuildtype=debug -Dmpi_tests=false >"$logdir/meson-setup-asan.log" 2>&1; then
    tail -n 40 "$logdir/meson-setup-asan.log" >&2
    echo "hpcast: FAILED: meson setup build-asan (see $logdir/meson-setup-asan.log)" >&2
    asan_ok=0
  fi
fi

if [ "$asan_ok" -eq 1 ]; then
  echo "hpcast: building build-asan/ (log: build-logs/compile-asan.log)"
  if ! meson compile -C build-asan >"$logdir/compile-asan.log" 2>&1; then
    grep -E -A4 'error:' "$logdir/compile-asan.log" | head -n 80 >&2 || true
    tail -n 20 "$logdir/compile-asan.log" >&2
    echo "hpcast: FAILED: sanitizer build (see $logdir/compile-asan.log)" >&2
    asan_ok=0
  fi
fi

if [ "$asan_ok" -eq 1 ]; then
  echo "hpcast: testing build-asan/ (suite unit)"
  # UBSan only prints by default; make a finding fail the test.
  if ! UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
      meson test -C build-asan --suite unit --print-errorlogs; then
    echo "hpcast: FAILED: unit tests under ASan/UBSan (logs: build-asan/meson-logs/testlog.txt)" >&2
    asan_ok=0
  fi
fi
[ "$asan_ok" -eq 1 ] || status=1

if [ "$status" -eq 0 ]; then
  echo "hpcast: all tests passed"
else
  echo "hpcast: some tests FAILED" >&2
fi
exit "$status"
