#!/usr/bin/env bash
# The portfolio stage's kernel (hc_port_solve, src/portfolio) on the factor:K estimate of a
# generated universe of N tickers (scaling/bench_covariance.c -portfolio meanvar), on 1 and 2
# ranks: the solve's wall time, its objective evaluations (one covariance product each), the time
# per evaluation and the peak RSS per rank. A benchmark, not a test: it measures and prints, it
# checks nothing (exit 0 unless a run failed). See docs/performance.md, "The portfolio stage at
# scale".
#
#   scaling/portfolio.sh [BUILD_DIR]             # BUILD_DIR default: build of the project root
#
# Runs (meanvar, caps -max_weight 0.01, risk aversion 5, 5 bps, horizon 20, -origins 0):
#   scale    factor:10 at N = NS (2500 5000 10000 20000) on RANKS (1 2), long-only (1'w <= 1);
#            and long-short (-long_only false -max_gross 2, 1'w = 1) at N = LS_NS (10000)
#   factors  factor:K for K in KS (5 20) at N = K_N (10000) on RANKS, long-only (with the
#            factor:10 runs of scale: the time per evaluation against K)
#   logview  factor:10 at N = K_N on 2 ranks, long-only, -log_view, once (not in the CSV):
#            RESULTS/portfolio_logview_<N>_2.txt (the solve is the log stage "Portfolio")
# Every configuration of scale and factors runs REPEAT times, interleaved: round 1 runs each
# configuration once, then round 2, ... (this machine is shared and noisy, so a configuration's
# runs are spread over the whole benchmark rather than bunched in one slot).
#
# Environment (all optional):
#   BENCH      the binary                                  [BUILD_DIR/scaling/bench_covariance]
#   UNIVERSE   directory of TICKER.csv (the base tickers)  [../shared/data/sp500 beside the project]
#              (these two, RESULTS and MPIRUN: scaling/bench_lib.sh)
#   RANKS      rank counts                                 ["1 2"]
#   REPEAT     rounds                                      [3]
#   FIRST_ROUND  the first round's number (to continue a run with APPEND=1)  [1]
#   STEPS      which groups of runs                        ["scale factors logview"]
#   NS         N of the long-only scale runs               ["2500 5000 10000 20000"]
#   LS_NS      N of the long-short scale runs              ["10000"]
#   KS         K of the factors runs (besides 10)          ["5 20"]
#   K_N        N of the factors and logview runs           [10000]
#   RUN_DIR    logs of each run                            [/tmp/hpcast-portfolio]
#   RESULTS    portfolio.csv, the -log_view file           [scaling/results]
#   MPIRUN     launcher [mpirun]; MPIRUN_FLAGS extra launcher flags
#   SOLVER     TAO options of every solve                  ["-portfolio_tao_gatol 1e-10 -portfolio_tao_catol 1e-10",
#              the tolerance of docs/performance.md's table; "" for the product's own, 1e-9]
#   APPEND=1   append to RESULTS/portfolio.csv instead of starting it afresh
#
# Output: RESULTS/portfolio.csv, one row per run:
#   model,K,N,ranks,book,members,estimate_s,portfolio_s,evals,its,status,kkt,violation,s_per_eval,
#   held,net,gross,rss_pre_mib,rss_max_mib,rss_rank0_mib,round,date
# (bench_covariance's fields: portfolio_s = hc_port_solve's wall, the maximum over the ranks;
# evals = objective-and-gradient evaluations; s_per_eval = portfolio_s / evals; kkt = the larger
# of TAO's gradient and constraint norms; violation = the largest violation of a cap, budget or
# limit measured on w; rss_pre_mib / rss_max_mib = the largest peak RSS (getrusage) of the ranks
# before / after the solve; date = UTC start of the run), then on stdout a table of the medians
# of each configuration, and the fit of log(s_per_eval) against log(N) and log(K).
set -u -o pipefail

bl_name=portfolio.sh
SOLVER=${SOLVER--portfolio_tao_gatol 1e-10 -portfolio_tao_catol 1e-10}
# root, build, RUN_DIR, BENCH, UNIVERSE, RESULTS, MPIRUN, die, bl_run
# shellcheck source=scaling/bench_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh" "$@"
RANKS=${RANKS:-1 2}
REPEAT=${REPEAT:-3}
STEPS=${STEPS:-scale factors logview}
NS=${NS:-2500 5000 10000 20000}
LS_NS=${LS_NS:-10000}
FIRST_ROUND=${FIRST_ROUND:-1}
KS=${KS:-5 20}
K_N=${K_N:-10000}
command -v python3 >/dev/null || die "python3 not found (the summary)"
csv=$RESULTS/portfolio.csv
header=model,K,N,ranks,book,members,estimate_s,portfolio_s,evals,its,status,kkt,violation,s_per_eval,held,net,gross,rss_pre_mib,rss_max_mib,rss_rank0_mib,round,date
if [ "${APPEND:-0}" != 1 ] || [ ! -s "$csv" ]; then echo "$header" > "$csv"; fi

# run ROUND R K N BOOK [more bench options]: one run, its line to the CSV (or a -log_view file)
run() {
  local round=$1 r=$2 k=$3 n=$4 book=$5 bookflags=() date log line
  shift 5
  [ "$book" = long_short ] && bookflags=(-long_only false -max_gross 2)
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  log="$RUN_DIR/factor${k}_N${n}_R${r}_${book}_$(date -u +%H%M%S).log"
  bl_run "$r" "$log" "factor:$k N=$n $book" -covariance "factor:$k" -n "$n" -origins 0 -refit_every 20 -portfolio meanvar \
    -max_weight 0.01 -risk_aversion 5 -cost_bps 5 "${bookflags[@]}" $SOLVER "$@" || return 1
  line=$bl_line
  echo "  $line" | sed 's/ generate_s=.* rss_max_mib=/ ... rss_max_mib=/; s/ bias_gmv=.* portfolio_s=/ ... portfolio_s=/'
  if [ "${LOGVIEW_OUT:-}" ]; then cp "$log" "$LOGVIEW_OUT"; return 0; fi
  # key=value fields of bench_covariance's line -> the CSV's columns
  echo "$line" | awk -v date="$date" -v round="$round" -v k="$k" -v book="$book" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", v["model"], k, v["N"], v["ranks"], book,
             v["members"], v["estimate_s"], v["portfolio_s"], v["port_evals"], v["port_its"], v["port_status"], v["port_kkt"],
             v["port_violation"], v["port_s_per_eval"], v["port_held"], v["port_net"], v["port_gross"], v["rss_pre_port_max_mib"],
             v["rss_max_mib"], v["rss_rank0_mib"], round, date }' >> "$csv"
}

# the configurations "K N BOOK" of the steps asked for
configs=()
for step in $STEPS; do
  case $step in
    scale)
      for n in $NS; do configs+=("10 $n long_only"); done
      for n in $LS_NS; do configs+=("10 $n long_short"); done ;;
    factors) for k in $KS; do configs+=("$k $K_N long_only"); done ;;
    logview) ;;
    *) die "STEPS: unknown step '$step' (scale factors logview)" ;;
  esac
done
for ((round = FIRST_ROUND; round <= REPEAT && ${#configs[@]} > 0; round++)); do
  echo "portfolio.sh: round $round of $REPEAT, ${#configs[@]} configurations x ranks $RANKS (load $(cut -d' ' -f1-3 /proc/loadavg))"
  for c in "${configs[@]}"; do
    read -r k n book <<< "$c"
    for r in $RANKS; do run "$round" "$r" "$k" "$n" "$book"; done
  done
done
if [[ " $STEPS " == *" logview "* ]]; then
  echo "portfolio.sh: factor:10 N=$K_N long_only on 2 ranks, -log_view"
  LOGVIEW_OUT="$RESULTS/portfolio_logview_${K_N}_2.txt" run 0 2 10 "$K_N" long_only -log_view
fi

# The medians of each configuration, and the fits: log(s_per_eval) = a + b log(N) per book and
# rank count (factor:10), and log(s_per_eval) = a + c log(K) at N = K_N per rank count.
echo
python3 - "$csv" "$K_N" <<'EOF'
import csv, math, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
k_n = int(sys.argv[2])
conf = {}
for r in rows:
    conf.setdefault((int(r["K"]), r["book"], int(r["N"]), int(r["ranks"])), []).append(r)
med = lambda rs, f: statistics.median(float(r[f]) for r in rs)
print("%-10s %-10s %6s %5s %4s %10s %7s %9s %11s %9s %9s  %s" % ("model", "book", "N", "ranks", "runs", "evals", "its",
      "solve_s", "s_per_eval", "rss_MiB", "+solve", "status"))
for key in sorted(conf):
    k, book, n, ranks = key
    rs = conf[key]
    st = sorted(set(r["status"] for r in rs))
    print("%-10s %-10s %6d %5d %4d %10.0f %7.0f %9.3f %11.3e %9.1f %9.1f  %s" % ("factor:%d" % k, book, n, ranks, len(rs),
          med(rs, "evals"), med(rs, "its"), med(rs, "portfolio_s"), med(rs, "s_per_eval"), med(rs, "rss_max_mib"),
          med(rs, "rss_max_mib") - med(rs, "rss_pre_mib"), "/".join(st)))

def fit(pts):  # least squares y = a + b x over (x, y); b and its standard error
    n = len(pts)
    if n < 2: return float("nan"), float("nan")
    mx = sum(x for x, _ in pts) / n; my = sum(y for _, y in pts) / n
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0: return float("nan"), float("nan")
    b = sum((x - mx) * (y - my) for x, y in pts) / sxx
    res = sum((y - my - b * (x - mx)) ** 2 for x, y in pts)
    return b, math.sqrt(res / (n - 2) / sxx) if n > 2 else float("nan")

print("\nexponents of the time per evaluation (least squares on the log of every run; on the medians)")
for book in ("long_only", "long_short"):
    for ranks in sorted(set(k[3] for k in conf)):
        keys = [c for c in conf if c[0] == 10 and c[1] == book and c[3] == ranks]
        allpts = [(math.log(c[2]), math.log(float(r["s_per_eval"]))) for c in keys for r in conf[c]]
        medpts = [(math.log(c[2]), math.log(med(conf[c], "s_per_eval"))) for c in keys]
        evpts = [(math.log(c[2]), math.log(med(conf[c], "evals"))) for c in keys]
        if len(keys) < 2: continue
        b, se = fit(allpts); bm, _ = fit(medpts); be, _ = fit(evpts)
        print("  factor:10 %-10s ranks %d: s/eval ~ N^%.3f (se %.3f; medians N^%.3f) over N = %s; evals ~ N^%.2f" % (
              book, ranks, b, se, bm, ",".join(str(c[2]) for c in sorted(keys, key=lambda c: c[2])), be))
for ranks in sorted(set(k[3] for k in conf)):
    keys = [c for c in conf if c[1] == "long_only" and c[2] == k_n and c[3] == ranks]
    if len(keys) < 2: continue
    b, se = fit([(math.log(c[0]), math.log(float(r["s_per_eval"]))) for c in keys for r in conf[c]])
    per = " ".join("K=%d: %.3e s/eval, %.3e s/(eval N K)" % (c[0], med(conf[c], "s_per_eval"), med(conf[c], "s_per_eval") / (k_n * c[0]))
                   for c in sorted(keys))
    print("  N=%d long_only ranks %d: s/eval ~ K^%.3f (se %.3f); %s" % (k_n, ranks, b, se, per))
EOF
[ "$failed" -eq 0 ] || { echo "portfolio.sh: $failed run(s) failed" >&2; exit 1; }
echo "portfolio.sh: $csv"
