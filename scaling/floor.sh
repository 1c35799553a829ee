#!/usr/bin/env bash
# The job's time per ticker next to its floor: how far hpcast's time for a ticker is above the
# bare kernel time of the model fits the default job cannot avoid. A benchmark, not a test: it
# measures and prints, it checks nothing (exit 0 unless it could not measure).
#
#   scaling/floor.sh BUILD_DIR REPORT.h5 DATA_DIR [TICKER...]
#   REPEAT=2 scaling/floor.sh build /tmp/b20.h5 /tmp/u20 A AAPL ABT
#
# BUILD_DIR  the build holding scaling/bench_fit (ninja -C BUILD_DIR scaling/bench_fit)
# REPORT.h5  a report of the default job (config/default.yaml) on DATA_DIR (docs/report-schema.md)
# DATA_DIR   the -data_dir of that run (TICKER.csv files)
# TICKER...  default: the first 20 `ok` tickers of the report's /summary
# Environment: REPEAT (bench_fit -repeat, timed fits per spec) [5], WARMUP (bench_fit -warmup) [1],
#   RESULTS (where floor.csv goes) [scaling/results], PYTHON (python3 with h5py) [/usr/bin/python3].
#
# The job's time of a ticker: the sum of `seconds` of its rows in the report's /units (one row,
# or the blocks plus the owner's step when -spec_block split its grid); it is the wall time of
# everything the job did for the ticker: fits, forecasts, diagnostics, backtest, ensemble, trading.
#
# The floor of a ticker: the sum, over the fits the default job necessarily makes for it, of the
# single-start kernel time of each fit, as measured by build/scaling/bench_fit (time_per_fit_ms:
# one hc_fit from the family's own start, REPEAT times after WARMUP untimed ones). With n
# returns, K = min(backtest_origins, n/2) origins (the report's /summary/backtest_origins) and
# refits every r = 20 origins, the fits are:
#  (a) every spec of the mean grid (vol none) on the whole sample y[0..n-1], Hessian std errors;
#  (b) the GARCH specs of the vol grid with the selected mean (/summary/mean_model), whole sample,
#      with standard errors;
#  (c) (a) and (b) again on the first backtest window y[0..n-K-1], the GARCH specs with the mean
#      selected on that window (the backtest members' mean: /backtest/scores, which can differ from
#      /summary/mean_model);
#  (d) the backtest refits: at origins i = r, 2r, ... < K (floor((K-1)/r) of them) every member
#      (that mean with each spec of the vol grid) on y[0..n-K+i-1], without standard errors.
#      Measured at three prefixes only (first, middle and last refit origin) and linearly
#      interpolated in the prefix length for the other origins (the output says so).
# The prefixes are temporary CSVs of the first m+1 price rows (m returns; logret100 loses the
# first price). The grids, column, transform, -stderr and -refit_every come from the report's
# `options` attribute (defaults of the default job where absent).
# Output: a table per ticker (n, K, job s, floor ms with its parts a-d, ratio job/floor), the
# totals and the mean ratio; the same as CSV in RESULTS/floor.csv (rows `total` and `mean` last).
# The job's time was measured when the report was written, the floor now: compare on a quiet
# machine (the load average is printed).
# shellcheck disable=SC2059 # the table's printf format is $fmt
set -uo pipefail
name=floor.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "$name: $*" >&2; exit 2; }
[ $# -ge 3 ] || die "usage: scaling/floor.sh BUILD_DIR REPORT.h5 DATA_DIR [TICKER...]"
build=$1 report=$2 data=$3
shift 3
bench=$build/scaling/bench_fit
REPEAT=${REPEAT:-5} WARMUP=${WARMUP:-1}
RESULTS=${RESULTS:-$root/scaling/results}
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$bench" ] || die "$bench is not an executable (ninja -C $build scaling/bench_fit)"
[ -r "$report" ] || die "report $report not readable"
[ -d "$data" ] || die "DATA_DIR $data is not a directory"
case "$REPEAT$WARMUP" in *[!0-9]*) die "REPEAT and WARMUP must be integers" ;; esac
[ "$REPEAT" -ge 1 ] || die "REPEAT must be >= 1"
"$PYTHON" -c 'import h5py, numpy' 2>/dev/null || die "$PYTHON has no h5py/numpy (set PYTHON)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/floor.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# --- the report: one line of options, then one line per ticker (tab-separated) ---
"$PYTHON" - "$report" "$@" > "$tmp/plan" <<'EOF' || die "cannot read $report"
import re, sys, h5py, numpy as np
rep, want = sys.argv[1], sys.argv[2:]
dec = lambda a: np.char.decode(a[:], "ascii")
def split_top(s):  # split a spec list at the commas outside parentheses
    out, d, cur = [], 0, ""
    for ch in s:
        d += (ch == "(") - (ch == ")")
        if ch == "," and d == 0: out.append(cur); cur = ""
        else: cur += ch
    return [x for x in out + [cur] if x]
def spec(name):    # fit name of an ARMA mean -> bench_fit syntax
    m = re.fullmatch(r"ARMA\((\d+),(\d+)\)", name)
    return f"arma({m[1]},{m[2]})" if m else "?"
with h5py.File(rep, "r") as f:
    if int(f.attrs["schema_version"]) not in (2, 3, 4, 5, 6): sys.exit("schema_version is not 2 to 6")
    tok = f.attrs["options"].decode().split()
    opt = {tok[i][1:]: tok[i + 1] for i in range(len(tok) - 1) if tok[i].startswith("-") and not tok[i + 1].startswith("-")}
    dflt = {"mean_models": "arma(0..2,0..2)", "vol_models": "none,garch(1,1):normal,garch(1,1):t", "column": "adjusted_close",
            "transform": "logret100", "stderr": "hessian", "refit_every": "20", "backtest_origins": "250"}
    o = {k: opt.get(k, v) for k, v in dflt.items()}
    given = {t[1:] for t in tok if t.startswith("-")}
    odd = [k for k in ("window", "spec_block", "warm_start", "random_starts", "variance_targeting") if k in given]
    vol = split_top(o["vol_models"])
    garch = ",".join(v for v in vol if v != "none")
    print("OPTS", o["mean_models"], o["vol_models"], garch or "-", len(vol), o["column"], o["transform"], o["stderr"],
          o["refit_every"], o["backtest_origins"], ",".join(odd) or "-", sep="\t")
    s = f["summary"]
    tk, st, rs, n, mm, K = dec(s["ticker"]), dec(s["status"]), dec(s["reason"]), s["n_obs"][:], dec(s["mean_model"]), s["backtest_origins"][:]
    u = f["units"]; ut, us = dec(u["ticker"]), u["seconds"][:]
    sc = f.get("backtest/scores")
    bt, bm = (dec(sc["ticker"]), dec(sc["model"])) if sc is not None else (np.array([]), np.array([]))
    idx = {t: i for i, t in enumerate(tk)}
    for t in want:
        if t not in idx: print(f"floor.sh: {t}: not in the report's /summary, skipped", file=sys.stderr)
    for i in [idx[t] for t in want if t in idx] if want else [i for i in range(len(tk)) if st[i] == "ok"][:20]:
        if st[i] != "ok":
            print(f"floor.sh: {tk[i]}: status {st[i]}, skipped", file=sys.stderr); continue
        members = sorted(set(m for m in bm[bt == tk[i]] if not m.startswith("ensemble:")))
        means = [m.split("+")[0] for m in members]
        btmean = max(set(means), key=means.count) if means else ""
        units = us[ut == tk[i]]
        print(tk[i], n[i], int(rs[i].startswith("reversed")), K[i], spec(mm[i]), mm[i], spec(btmean) if btmean else "-",
              btmean or "-", len(members), f"{units.sum():.6f}", len(units), sep="\t")
EOF
IFS=$'\t' read -r _ mean_grid vol_grid garch_grid n_vol column transform stderr refit_every origins odd < "$tmp/plan"
[ "$odd" = - ] || echo "$name: warning: the run used -${odd//,/, -}: the floor below models the default job only" >&2

# bench OUT CSV M EXTRA...: bench_fit on CSV (expecting M returns), its result lines in OUT
bench() {
  local out=$1 csv=$2 m=$3
  shift 3
  "$bench" -data_file "$csv" -column "$column" -transform "$transform" -repeat "$REPEAT" -warmup "$WARMUP" "$@" \
    > "$out.log" 2>&1 || { sed 's/^/  /' "$out.log" >&2; echo "$name: bench_fit failed on $csv $*" >&2; return 1; }
  grep '^bench_fit ' "$out.log" > "$out"
  awk -v m="$m" -v f="$csv" '{ sub(/.*n=/, ""); sub(/ .*/, ""); if ($0 != m) { printf "floor.sh: warning: %s: bench_fit n=%s, expected %d\n", f, $0, m > "/dev/stderr"; exit } }' "$out"
}
# prefix CSV M REVERSED: a CSV of the first M returns (M + 1 prices, chronological) of CSV
prefix() {
  local src=$1 m=$2 rev=$3 dst=$tmp/prefix_$2.csv
  head -n 1 "$src" > "$dst"
  if [ "$rev" = 1 ]; then tail -n "$((m + 1))" "$src"; else tail -n +2 "$src" | head -n "$((m + 1))"; fi >> "$dst"
  echo "$dst"
}
# the sum of time_per_fit_ms over bench result files; the count of their converged=0 lines
ms() { cat "$@" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^time_per_fit_ms=/) s += substr($i, 17) } END { printf "%.4f", s }'; }
unconv() { cat "$@" | grep -c 'converged=0' || true; }

echo "# floor.sh: job time (report /units) vs floor (bench_fit kernel time of the necessary fits)"
echo "# report $report, data $data; REPEAT=$REPEAT WARMUP=$WARMUP; load average now: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "# grids: mean $mean_grid, vol $vol_grid; refit every $refit_every origins; -stderr $stderr (refits: none)"
echo "# (d) refits measured at 3 prefixes (first, middle, last refit origin), linearly interpolated in the prefix length for the others"
mkdir -p "$RESULTS" || die "cannot create $RESULTS"
csv_out=$RESULTS/floor.csv
echo "ticker,n,K,refit_origins,refits_measured,fits,job_s,units,floor_ms,a_ms,b_ms,c_ms,d_ms,unconverged,ratio" > "$tmp/csv"
fmt='%-8s %6s %4s %6s %5s %9s %10s %9s %9s %9s %9s %8s %s\n'
printf "$fmt" ticker n K refits fits job_s floor_ms a_ms b_ms c_ms d_ms ratio note
failed=0
while IFS=$'\t' read -r t n rev K sel sel_name btm btm_name n_members job_s n_units; do
  src=
  for c in "$data/$t.csv" "$data/$t.CSV"; do [ -r "$c" ] && { src=$c; break; }; done
  [ -n "$src" ] || src=$(find "$data/" -maxdepth 1 -iname "$t.csv" -print -quit)
  if [ -z "$src" ] || [ "$sel" = "?" ] || [ "$btm" = "?" ]; then
    echo "$name: $t: no $t.csv in $data or a mean model bench_fit cannot name ($sel_name / $btm_name), skipped" >&2
    failed=1; continue
  fi
  d=$tmp/$t
  mkdir -p "$d"
  note=
  ok=1
  bench "$d/a" "$src" "$n" -mean_models "$mean_grid" -vol_models none -stderr "$stderr" || ok=0
  if [ "$garch_grid" != - ]; then bench "$d/b" "$src" "$n" -mean_models "$sel" -vol_models "$garch_grid" -stderr "$stderr" || ok=0; else : > "$d/b"; fi
  : > "$d/c"; : > "$d/c2"; : > "$d/dm"
  R=0 nm=0 T0=0 dfiles=()
  kk=$((origins < n / 2 ? origins : n / 2))
  [ "$K" = "$kk" ] || note="K=$K in the report, min($origins, n/2) = $kk"
  if [ "$K" -gt 0 ] && [ "$btm" != - ]; then
    T0=$((n - K))
    [ "$btm" = "$sel" ] || note="${note:+$note; }first window selects $btm_name"
    [ "$n_members" = "$n_vol" ] || note="${note:+$note; }$n_members members, not $n_vol"
    p=$(prefix "$src" "$T0" "$rev")
    bench "$d/c" "$p" "$T0" -mean_models "$mean_grid" -vol_models none -stderr "$stderr" || ok=0
    [ "$garch_grid" = - ] || bench "$d/c2" "$p" "$T0" -mean_models "$btm" -vol_models "$garch_grid" -stderr "$stderr" || ok=0
    R=$(((K - 1) / refit_every))
    if [ "$R" -gt 0 ]; then
      for k in $(printf '%s\n' 1 $(((R + 1) / 2)) "$R" | sort -nu); do
        m=$((T0 + k * refit_every))
        p=$(prefix "$src" "$m" "$rev")
        bench "$d/d$k" "$p" "$m" -mean_models "$btm" -vol_models "$vol_grid" -stderr none || ok=0
        dfiles+=("$d/d$k")
        awk -v m="$m" '{ for (i = 1; i <= NF; i++) if ($i ~ /^time_per_fit_ms=/) print m, NR, substr($i, 17) }' "$d/d$k" >> "$d/dm"
        nm=$((nm + 1))
      done
    fi
  fi
  [ "$ok" = 1 ] || { failed=1; echo "$name: $t: a bench_fit run failed, skipped" >&2; continue; }
  a=$(ms "$d/a") b=$(ms "$d/b") c=$(ms "$d/c" "$d/c2")
  # (d): per member, piecewise-linear interpolation between the measured prefixes, summed over the refit origins
  dd=$(awk -v R="$R" -v T0="$T0" -v r="$refit_every" '
    { x[$2, ++np[$2]] = $1; y[$2, np[$2]] = $3; if ($2 > nmem) nmem = $2 }
    END {
      s = 0
      for (j = 1; j <= nmem; j++)
        for (k = 1; k <= R; k++) {
          p = T0 + k * r; v = y[j, np[j]]
          for (q = 1; q < np[j]; q++)
            if (p <= x[j, q + 1]) { v = y[j, q] + (y[j, q + 1] - y[j, q]) * (p - x[j, q]) / (x[j, q + 1] - x[j, q]); break }
          if (np[j] == 1) v = y[j, 1]
          s += v
        }
      printf "%.4f", s
    }' "$d/dm")
  nfits=$(($(cat "$d/a" "$d/b" "$d/c" "$d/c2" | wc -l) + R * n_vol))
  uc=$(unconv "$d"/a "$d"/b "$d"/c "$d"/c2 "${dfiles[@]}")
  [ "$uc" = 0 ] || note="${note:+$note; }$uc bench fits unconverged"
  [ "$n_units" = 1 ] || note="${note:+$note; }$n_units units"
  floor=$(awk -v a="$a" -v b="$b" -v c="$c" -v d="$dd" 'BEGIN { printf "%.3f", a + b + c + d }')
  ratio=$(awk -v j="$job_s" -v f="$floor" 'BEGIN { printf "%.2f", (f > 0 ? 1e3 * j / f : 0) }')
  printf "$fmt" "$t" "$n" "$K" "$R($nm)" "$nfits" "$(printf %.3f "$job_s")" "$floor" "$a" "$b" "$c" "$dd" "$ratio" "$note"
  echo "$t,$n,$K,$R,$nm,$nfits,$job_s,$n_units,$floor,$a,$b,$c,$dd,$uc,$ratio" >> "$tmp/csv"
done < <(tail -n +2 "$tmp/plan")

rows=$(($(wc -l < "$tmp/csv") - 1))
[ "$rows" -gt 0 ] || die "no ticker measured"
# totals (sums; ratio = total job / total floor) and means (ratio = mean of the per-ticker ratios)
awk -F, -v fmt="$fmt" -v out="$tmp/csv.tail" 'NR > 1 {
    N++; for (i = 2; i <= 14; i++) s[i] += $i; rs += $15
  }
  END {
    tr = s[9] > 0 ? 1e3 * s[7] / s[9] : 0
    printf fmt, "total", s[2], s[3], s[4], s[6], sprintf("%.3f", s[7]), sprintf("%.3f", s[9]), sprintf("%.4f", s[10]),
      sprintf("%.4f", s[11]), sprintf("%.4f", s[12]), sprintf("%.4f", s[13]), sprintf("%.2f", tr), "(ratio of the totals)"
    printf fmt, "mean", sprintf("%.0f", s[2] / N), sprintf("%.0f", s[3] / N), "", "", sprintf("%.3f", s[7] / N), sprintf("%.3f", s[9] / N),
      "", "", "", "", sprintf("%.2f", rs / N), "(mean of the ticker ratios)"
    printf "total,%d,%d,%d,%d,%d,%.6f,%d,%.3f,%.4f,%.4f,%.4f,%.4f,%d,%.4f\n", s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
      s[12], s[13], s[14], tr > out
    printf "mean,%.1f,%.1f,%.2f,%.2f,%.2f,%.6f,%.2f,%.3f,%.4f,%.4f,%.4f,%.4f,%.2f,%.4f\n", s[2] / N, s[3] / N, s[4] / N, s[5] / N, s[6] / N,
      s[7] / N, s[8] / N, s[9] / N, s[10] / N, s[11] / N, s[12] / N, s[13] / N, s[14] / N, rs / N > out
  }' "$tmp/csv"
cat "$tmp/csv" "$tmp/csv.tail" > "$csv_out" || die "cannot write $csv_out"
echo "# refits = refit origins (of them measured); fits = fits in the floor; ratio = job_s / floor; CSV: $csv_out"
exit $failed
