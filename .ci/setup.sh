#!/usr/bin/env bash
# hpcast set-up: install the missing Debian packages, then configure and build
# the release build in build/.
#
#   bash .ci/setup.sh        # run it
#   . .ci/setup.sh           # or source it (run.sh and test.sh do): same work,
#                            # and the MPI environment variables stay exported
#
# Idempotent: packages already installed are not touched, an already
# configured build/ is reused (meson reconfigures itself when meson.build
# changes), and ninja only rebuilds what changed.
# Output: short "hpcast: ..." lines; apt and meson set-up output goes to
# build-logs/ and its tail is printed on failure. Exit (or return) status is
# non-zero if any step fails.

# Packages the build, the tests and the run need. clang and libclang-rt-14-dev (its
# sanitizer and libFuzzer runtimes, only "recommended" by clang) build test.sh's fuzz targets.
# python3-h5py reads the report in tools/ and the tests; python3-matplotlib and python3-scipy
# draw it (tools/plot_report.py); python3-statsmodels is the reference Kalman filter of the
# daily update's test (tests/mpi/check_update_statsmodels.py).
HPCAST_PACKAGES=(meson ninja-build pkg-config gcc petsc-dev slepc-dev libhdf5-openmpi-dev
  libfftw3-dev libopenmpi-dev openmpi-bin libcriterion-dev hdf5-tools
  clang libclang-rt-14-dev python3-h5py python3-matplotlib python3-scipy python3-statsmodels)

# Open MPI refuses to run as root unless told it may.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1
  export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# The whole set-up runs in a subshell so that `set -euo pipefail` and `cd`
# do not leak into a shell that sources this file.
hpcast_setup() (
  set -euo pipefail

  hc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$hc_root"
  logdir="$hc_root/build-logs"
  mkdir -p "$logdir"

  say() { printf 'hpcast: %s\n' "$*"; }
  fail() { printf 'hpcast: ERROR: %s\n' "$*" >&2; exit 1; }
  show_tail() { # file [lines]
    if [ -s "$1" ]; then
      printf -- '----- last lines of %s -----\n' "$1" >&2
      tail -n "${2:-30}" "$1" >&2
      printf -- '-----\n' >&2
    fi
  }

  # ---- 1. Debian packages --------------------------------------------------
  command -v dpkg-query >/dev/null 2>&1 ||
    fail "dpkg-query not found: this is not a Debian-like system. Install these packages by hand: ${HPCAST_PACKAGES[*]}"

  missing=()
  for pkg in "${HPCAST_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    case "$status" in
      *" ok installed") ;;
      *) missing+=("$pkg") ;;
    esac
  done

  if [ "${#missing[@]}" -eq 0 ]; then
    say "all ${#HPCAST_PACKAGES[@]} Debian packages are installed"
  else
    if [ "$(id -u)" -eq 0 ]; then
      as_root=()
    elif command -v sudo >/dev/null 2>&1; then
      if sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
      elif [ -t 0 ]; then
        as_root=(sudo)        # interactive: sudo may ask for a password
      else
        fail "missing packages (${missing[*]}) and sudo needs a password but there is no terminal; run: sudo apt-get install ${missing[*]}"
      fi
    else
      fail "missing packages (${missing[*]}) and neither root nor sudo is available; ask an administrator to run: apt-get install ${missing[*]}"
    fi

    aptlog="$logdir/apt.log"
    : >"$aptlog"
    say "installing ${missing[*]} (log: build-logs/apt.log)"
    if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >>"$aptlog" 2>&1; then
      show_tail "$aptlog"
      fail "apt-get update failed (see $aptlog)"
    fi
    if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1; then
      show_tail "$aptlog"
      fail "apt-get install failed (see $aptlog)"
    fi
    say "installed ${#missing[@]} package(s)"
  fi

  # ---- 2. configure --------------------------------------------------------
  setuplog="$logdir/meson-setup.log"
  if [ -f build/build.ninja ]; then
    # configured; ninja re-runs meson by itself when a meson.build changes. -Werror is the
    # project default (meson.build), which a build/ configured before it does not pick up.
    if ! meson configure build -Dwerror=true >"$setuplog" 2>&1; then
      show_tail "$setuplog" 40
      fail "meson configure build -Dwerror=true failed (see $setuplog)"
    fi
  elif [ -f build/meson-private/coredata.dat ]; then
    say "reconfiguring build/ (an earlier set-up did not finish)"
    if ! meson setup --reconfigure build >"$setuplog" 2>&1; then
      show_tail "$setuplog" 40
      fail "meson setup failed (see $setuplog)"
    fi
  else
    say "configuring build/ (release)"
    if ! meson setup build >"$setuplog" 2>&1; then
      show_tail "$setuplog" 40
      fail "meson setup failed (see $setuplog)"
    fi
  fi

  # ---- 3. build ------------------------------------------------------------
  complog="$logdir/compile.log"
  say "building (meson compile -C build; log: build-logs/compile.log)"
  if ! meson compile -C build >"$complog" 2>&1; then
    # Show the compiler diagnostics first, then the end of the log.
    if grep -qE 'error:|FAILED:' "$complog"; then
      printf -- '----- errors from %s -----\n' "$complog" >&2
      grep -E -A4 'error:' "$complog" | head -n 80 >&2
    fi
    show_tail "$complog" 20
    fail "build failed (see $complog)"
  fi
  nwarn="$(grep -c 'warning:' "$complog" || true)"
  if [ "${nwarn:-0}" -gt 0 ]; then
    say "$nwarn compiler warning(s); first ones:"
    grep -E -A2 'warning:' "$complog" | head -n 30
  fi
  say "build ready: build/src/app/hpcast"
)

# Sourced: return the status; executed: exit with it. (Not `hpcast_setup ||
# ...`: in that context bash would ignore the `set -e` inside the function.)
hpcast_setup
hpcast_setup_rc=$?
if [ "$hpcast_setup_rc" -ne 0 ]; then
  # shellcheck disable=SC2317  # reached when executed rather than sourced
  return "$hpcast_setup_rc" 2>/dev/null || exit "$hpcast_setup_rc"
fi
