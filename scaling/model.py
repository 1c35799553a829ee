#!/usr/bin/env python3
"""Scaling model of hpcast beyond this machine: simulated dynamic and static schedules.

usage: scaling/model.py --report CAL.h5 [--pingpong scaling/results/pingpong.csv]
                        [--validate R1.h5 R2.h5 ...] [--ranks 1,2,...,1024]
                        [--universes 297,100000] [--out scaling/results/model] [options]

Inputs
  * Per-unit costs from the calibration report CAL.h5 (python3 + numpy + h5py):
    - /units present (issue 6): one unit per row, actual time `seconds` (assumed to include the
      loading of its ticker), a-priori estimate `cost` (the scheduler's order), `ticker`.
    - /units missing (binary before issue 6): one unit per ticker, with the approximation
          seconds_i = sum_r fit_s[r] * n_obs_i n_fits_i / sum_j n_obs_j n_fits_j
                    + read_total * (n_obs_i + 1) / sum_j (n_obs_j + 1)
      (n_obs from /summary, n_fits_i = fitted specs in /fits/<ticker>, else the mean of
      /perf n_fits over ok tickers): the fit time of a ticker is taken proportional to its
      observations times its specs, so every fit of the same length costs the same (in truth
      GARCH-t and ARMA(2,2) fits cost more than constant-variance ARMA(0,0) ones, and the
      iterations vary); the a-priori cost is n_obs_i (hpcast's static cost is file bytes x grid
      size, also proportional to the length). This approximation removes the per-ticker
      scatter of the cost beyond length and grid, so it UNDER-estimates the imbalance.
  * Report write time, measured: --write_s S --write_n M (the write of a report of M tickers
    took S seconds; M defaults to N_cal), e.g. the hcWrite line of `-log_view`. Without
    --write_s it is estimated from /perf as write = io_s[0] - n_tickers[0] x (read time per
    ticker, from the io_s of ranks >= 1 of a report with 2+ ranks: CAL or a --validate report;
    with only 1-rank reports the whole io_s[0]). That estimate is meaningless for reports of the
    binary before issue 6: its driver adds the write to io_s[0] only after /perf is written, so
    io_s[0] holds no write time at all. The write time of N tickers is
    write(N) = S x (N / M)^b, b = --write_exponent (default 1, linear).
  * Constant per-run time setup_s = min over ranks of (wall_s - work) (work = busy_s, else
    fit_s + io_s less the write on rank 0): start-up, universe scan, untimed per-ticker steps.
  * Network from the ping-pong CSV (scaling/pingpong.c): latency alpha = half round trip of
    8 B, bandwidth beta = largest ping-pong bandwidth of messages >= 1 MiB, take = round trip
    of MPI_Fetch_and_op (2 alpha if absent). Overrides: --latency_us, --bandwidth_MBps, --take_us.
  * Result record size R: report file bytes / N_cal (an upper bound of the packed record).

Dynamic schedule (the issue 6 design), simulated event by event: units in the driver's dispatch
order behind a shared counter on rank 0 (--order dispatch, hc_parallel_dispatch_order: tickers in
name order, their units consecutive, then a last block of tickers, the shortest name-order suffix
holding max(5 % of the total a-priori cost, 8 x P x the largest unit's cost), in decreasing cost;
computed by the driver's own function through the filter build/scaling/dispatch_order
(--dispatch_order); --order lpt: all tickers in decreasing cost, the driver before session 9). A free rank (rank 0 included) takes the next
unit: one one-sided round trip, serialised at the counter (service time take / 2 per request).
Every B (--batch) records a rank != 0 sends one batch of B x R bytes to rank 0 (sender pays
alpha + B R / beta); rank 0, between its own units, receives the batches that have arrived
(paying the same, plus --record_ms per record: rank 0 unpacks each record, appends it to the
journal and measures its table rows as it arrives (and, before schema_version 5, wrote its /fits group), and its own: the
per_record_ms of scaling/bench_report); above 64 ranks rank 0 takes no units and only does
that. At the end each rank flushes its partial batch, rank 0 receives what is left, then
writes the rest of the report (the tables in one pass over the journal and the finish:
--write_s, bench_report's tail_s). T = setup_s + (last receive or last rank done) + write_s.
Static LPT schedule (the binary before issue 6): units assigned by LPT on the a-priori cost; the
ranks run their lists; then the gather of all records to rank 0 (3 log2(P) alpha + N R / beta);
then the write. T = setup_s + max_r sum(own seconds) + gather + write_s.
Universes: N = N_cal uses the measured units; any other N is a sample of N tickers drawn with
replacement (with all their units) from the measured ones (--seed), the draws in name order.
Speedup S(P) = T(1) / T(P) of the same universe and schedule, efficiency S(P) / P.

Validation (--validate): each report (same tickers as CAL) is predicted with its own n_ranks and
schedule, and the prediction compared with its measured T = max_r wall_s + write_s (driver.c
stops wall_s before the report write; --wall_includes_write if a binary includes it).

The cross-sectional stage (--covariance_logview, optional): after the per-ticker stage every rank
runs the covariance stage collectively (src/app/driver.c: hc_parallel_run, then cross_section, then
rank 0 writes the report), so its time adds to the job's wall. It is modelled with factor:K (the
form the app uses above -covariance_full_max; at 297 tickers the default job's model is shrink,
not modelled here) from its structure, per rank of P, N tickers, T panel dates (--covariance_T,
window L = --covariance_window, --covariance_origins backtest dates refitted every
--covariance_refit):
  panel     c_cell 3 N T / P (local insert, calibrated by bench_covariance's panel_s on 1 rank)
            + the rows moved to their owners: (P-1)/P of the rank's N T / P cells, 3 fields plus the
            calendar's count entry, (8 + 4) bytes each (PETSc's stash: value and 32-bit index), at
            beta per rank, min(P-1, N/P) messages of alpha
            + the calendar: two max reductions and the allgather of the D-day count vector
  estimate  c_set N L / P (moments, the window matrix X)
            + A applications of v -> X (X' v) / L: 4 N L / P flops at the rate of the dense
              products, and per application MatMultTranspose's reduction and MatMult's broadcast
              of the L-vector (an allreduce of 8 L bytes)
            + orthogonalisation and restarts: c_orth N A / P + r_est small allreduces
  backtest  ceil(origins / refit) estimates, plus the minimum-variance solves and the daily books:
            c_bt N / P + r_bt small allreduces
  gather    B, psi, member, n_obs to rank 0: N (K + 3) 8 bytes / beta
  allreduce(m bytes) = 2 ceil(log2 P) alpha + 2 m / beta (P > 1), 0 on one rank.
A, c_orth, the dense rate and r_est come from the -log_view of bench_covariance factor:K
(scaling/covariance.sh: RESULTS/covariance_logview_N<N>_R<R>.txt; EPSSolve, STApply,
MatMultTranspose and the reductions of the 2-rank log), c_set = (estimate_s - EPSSolve) / (N L)
of the 1-rank log, c_bt and r_bt from the backtest log (2 ranks, covariance_logview_backtest_*).
A is taken from the log of the largest N (held constant in N). Not modelled: rank 0's HDF5 write
of /covariance (N x K loadings, N reasons), contention for memory bandwidth, the pipeline's rows
kept during the per-ticker stage.

Outputs: the tables on stdout, OUT.csv (predictions; with the stage: stage_s, wall_with_stage_s,
efficiency_with_stage), OUT.validation.csv, OUT.md.
"""
import argparse
import csv
import heapq
import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import perf_table as pt  # noqa: E402  (same directory)

h5py = pt.h5py
COLLECTOR_ONLY_RANKS = 64  # driver.c HC_COLLECTOR_ONLY_RANKS: above it rank 0 only collects (dynamic)
DISPATCH_ORDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "scaling", "dispatch_order")


def say(msg):
    print("model: " + msg, file=sys.stderr)


# ----------------------------------------------------------------------------------------------
# calibration

def _read_per_ticker(p):
    """Read time per ticker from the io_s of ranks >= 1 (they only read), or None (1 rank)."""
    if len(p["rank"]) < 2 or np.sum(p["n_tickers"][1:]) == 0:
        return None
    return float(np.sum(p["io_s"][1:]) / np.sum(p["n_tickers"][1:]))


def _fits_per_ticker(f, tickers):
    """(fits, iterations) per ticker: its rows of the /fits table (schema_version 5 and 6), or its fit
    groups of /fits/<ticker> (earlier versions; the soft link `selected` and any dataset
    excluded), and the sum of (their iterations + 1); (None, None) without /fits."""
    if "fits" not in f:
        return None, None
    g = f["fits"]
    nf, it = np.zeros(len(tickers)), np.zeros(len(tickers))
    if isinstance(g.get("ticker"), h5py.Dataset):
        index = {t: i for i, t in enumerate(tickers)}
        for t, its in zip(g["ticker"][:], g["iterations"][:]):
            i = index.get(t.decode() if isinstance(t, bytes) else t)
            if i is not None:
                nf[i] += 1
                it[i] += float(its) + 1
        return nf, it
    for i, t in enumerate(tickers):
        if t not in g:
            continue
        for k in g[t]:
            if not isinstance(g[t].get(k, getlink=True), h5py.SoftLink) and isinstance(g[t][k], h5py.Group):
                nf[i] += 1
                it[i] += float(g[t][k].attrs.get("iterations", 0)) + 1
    return nf, it


def calibrate(path, other_reports, wall_includes_write, weights="fits"):
    """Per-unit costs and constant times of the calibration report (see the module docstring).

    weights (without /units): "fits" splits the fit time by n_obs x fits, "iterations" by
    n_obs x sum over the ticker's fits of (optimiser iterations + 1) (a sensitivity variant that
    keeps the per-ticker scatter of the iteration counts).
    Returns a dict: ticker[U], seconds[U], cost[U], n_tickers, write_s, setup_s, record_bytes,
    read_per_ticker, source ('units' or 'derived ...')."""
    with h5py.File(path, "r") as f:
        p = pt.read_perf(f, path)
        u = pt.read_units(f)
        s = pt.read_table(f, "summary")
        if s is None:
            raise ValueError(f"{path}: no /summary")
        tickers, n_obs = s["ticker"], s["n_obs"].astype(float)
        nf, iters = (None, None) if u is not None else _fits_per_ticker(f, tickers)
    n_cal = len(tickers)

    rpt = _read_per_ticker(p)
    if rpt is None:
        for o in other_reports:
            with h5py.File(o, "r") as f:
                rpt = _read_per_ticker(pt.read_perf(f, o))
            if rpt is not None:
                say(f"read time per ticker {1e3 * rpt:.3f} ms from the ranks >= 1 of {o}")
                break
    if rpt is None:
        say("no report with 2+ ranks: the whole io_s of rank 0 counts as report write (upper bound)")
        write = float(p["io_s"][0])
        rpt = 0.0
    else:
        write = max(0.0, float(p["io_s"][0]) - p["n_tickers"][0] * rpt)

    work = (p["busy_s"] if p["busy_s"] is not None else p["fit_s"] + p["io_s"]).astype(float).copy()
    if p["busy_s"] is None:
        work[0] -= write
    resid = p["wall_s"] - work
    if wall_includes_write:
        resid[0] -= write
    setup = max(0.0, float(np.min(resid)))

    if u is not None and all(k in u for k in ("ticker", "seconds", "cost")):
        src, ut, sec, cost = "units", u["ticker"], u["seconds"].astype(float), u["cost"].astype(float)
    else:
        if u is not None:
            say("/units lacks ticker, seconds or cost: deriving per-ticker costs from /perf and /summary")
        src = f"derived, weights {weights}"
        fits_total = float(np.sum(p["fit_s"]))
        if nf is None or np.sum(nf) == 0:
            ok = max(1, int(np.sum(n_obs > 0)))
            nf = np.where(n_obs > 0, np.sum(p["n_fits"]) / ok, 0.0)
            say("no /fits groups: n_fits per ticker = mean over tickers with observations")
        if weights == "iterations":
            if iters is None or np.sum(iters) == 0:
                sys.exit("model: --weights iterations needs the /fits groups with their iterations attribute")
            nf = iters
        w = n_obs * nf
        read_total = float(np.sum(p["io_s"])) - write
        sec = (fits_total * w / np.sum(w) if np.sum(w) > 0 else np.zeros(n_cal)) \
            + read_total * (n_obs + 1) / np.sum(n_obs + 1)
        ut, cost = tickers, n_obs.copy()
        say(f"per-ticker costs derived from fit_s in proportion to n_obs x {weights} (approximation: no /units)")
    return {"ticker": np.asarray(ut), "seconds": sec, "cost": cost, "n_tickers": n_cal, "write_s": write,
            "work_s": float(np.sum(p["fit_s"] + p["io_s"])),
            "setup_s": setup, "record_bytes": os.path.getsize(path) / max(1, n_cal),
            "read_per_ticker": rpt, "source": src}


def network(args):
    """alpha (s), beta (B/s), take (s) from the ping-pong CSV and the overrides."""
    alpha = beta = take = None
    if args.pingpong:
        with open(args.pingpong) as fh:
            rows = list(csv.DictReader(fh))
        sr = [r for r in rows if r["kind"] == "sendrecv"]
        if sr:
            small = min(sr, key=lambda r: int(r["bytes"]))
            alpha = float(small["half_rtt_us"]) * 1e-6
            big = [r for r in sr if int(r["bytes"]) >= 1 << 20] or [max(sr, key=lambda r: int(r["bytes"]))]
            beta = max(float(r["bandwidth_MBps"]) for r in big) * 1e6
        fo = [r for r in rows if r["kind"] == "fetch_and_op"]
        if fo:
            take = float(fo[0]["rtt_us"]) * 1e-6
    if args.latency_us is not None:
        alpha = args.latency_us * 1e-6
    if args.bandwidth_MBps is not None:
        beta = args.bandwidth_MBps * 1e6
    if args.take_us is not None:
        take = args.take_us * 1e-6
    if alpha is None or beta is None:
        sys.exit("model: no network numbers: give --pingpong CSV or --latency_us and --bandwidth_MBps")
    if take is None:
        take = 2 * alpha
        say("no fetch_and_op row: take = one round trip 2 alpha")
    return alpha, beta, take


# ----------------------------------------------------------------------------------------------
# schedules

def simulate_dynamic(sec, order, P, net, R, B, record_s=0.0):
    """Makespan (s, from the start of the work to the last record received on rank 0) and busy
    time per rank of the dynamic schedule (module docstring) handing out units sec[order];
    rank 0 handles every record it receives (record_s each: journal, table measure) between its
    own units."""
    alpha, beta, take = net
    service = take / 2
    s = sec[order]
    n = len(s)
    collect_only = P > COLLECTOR_ONLY_RANKS  # rank 0 takes no units (driver.c)
    ready = [(0.0, r) for r in range(1 if collect_only else 0, P)]
    heapq.heapify(ready)
    arrivals = []  # (time, bytes) of batches bound for rank 0
    pending = [0] * P
    busy = np.zeros(P)
    done = np.zeros(P)
    counter_free, nxt = 0.0, 0

    def recv_until(t, until):
        while arrivals and arrivals[0][0] <= until:
            _, b, k = heapq.heappop(arrivals)
            t += alpha + b / beta + k * record_s
        return t

    while ready:
        t, r = heapq.heappop(ready)
        if r == 0:
            t = recv_until(t, t)
        start = max(t, counter_free)
        counter_free = start + service
        got = start + take
        if nxt >= n:
            if r != 0 and pending[r]:
                b = pending[r] * R
                got += alpha + b / beta
                heapq.heappush(arrivals, (got, b, pending[r]))
            done[r] = got
            continue
        fin = got + s[nxt] + (record_s if r == 0 else 0.0)
        busy[r] += s[nxt]
        nxt += 1
        if r != 0:
            pending[r] += 1
            if pending[r] == B:
                b = B * R
                fin += alpha + b / beta
                heapq.heappush(arrivals, (fin, b, B))
                pending[r] = 0
        heapq.heappush(ready, (fin, r))
    t0 = done[0]
    while arrivals:
        ta, b, k = heapq.heappop(arrivals)
        t0 = max(t0, ta) + alpha + b / beta + k * record_s
    return max(float(np.max(done)), t0), busy


def simulate_static(sec, cost, P, net, R, record_s=0.0):
    """Makespan (s, work + gather) and busy time per rank of the static LPT schedule; rank 0
    also handles every record (record_s each)."""
    alpha, beta, _ = net
    load = [(0.0, r) for r in range(P)]
    busy = np.zeros(P)
    for i in np.argsort(-cost, kind="stable"):
        c, r = heapq.heappop(load)
        busy[r] += sec[i]
        heapq.heappush(load, (c + cost[i], r))
    gather = 3 * math.ceil(math.log2(P)) * alpha + len(sec) * R / beta if P > 1 else 0.0
    return max(float(np.max(busy)), float(busy[0]) + len(sec) * record_s) + gather, busy


def universe(cal, N, rng):
    """(seconds, cost, group) of the units of a universe of N tickers: the measured units if
    N == N_cal, else N tickers drawn with replacement, each with all its units; group[u] is the
    name-order index of unit u's ticker (the k-th draw is the k-th name)."""
    names, inv = np.unique(cal["ticker"], return_inverse=True)
    if N == cal["n_tickers"]:
        return cal["seconds"], cal["cost"], inv
    pick = rng.integers(0, len(names), size=N)
    members = [np.flatnonzero(inv == k) for k in range(len(names))]
    idx = np.concatenate([members[k] for k in pick])
    group = np.repeat(np.arange(N), [len(members[k]) for k in pick])
    return cal["seconds"][idx], cal["cost"][idx], group


def c_dispatch_order(gcost, umax, P, program=DISPATCH_ORDER):
    """hc_parallel_dispatch_order(n, gcost, umax, P) of src/parallel/partition.c, run by the
    filter scaling/dispatch_order.c: the group indices in the order they are handed out."""
    text = "%d %d %r\n%s\n" % (len(gcost), P, float(umax), "\n".join(repr(float(c)) for c in gcost))
    try:
        run = subprocess.run([program], input=text, capture_output=True, text=True, check=False)
    except OSError as e:
        sys.exit("model: cannot run %s (%s): build it first (meson compile -C build), or pass --dispatch_order" % (program, e))
    if run.returncode != 0:
        sys.exit("model: %s failed: %s" % (program, run.stderr.strip()))
    rank = np.array(run.stdout.split(), dtype=np.int64)
    if len(rank) != len(gcost) or not np.array_equal(np.sort(rank), np.arange(len(gcost))):
        sys.exit("model: %s did not return a permutation of %d groups" % (program, len(gcost)))
    return rank


def dispatch_order(cost, group, P, order="dispatch", program=DISPATCH_ORDER):
    """Unit indices in the order the dynamic schedule hands them out (module docstring): the
    groups in the driver's dispatch order (c_dispatch_order), or all in decreasing cost (lpt),
    the units of a group consecutive."""
    gcost = np.bincount(group, weights=cost)
    if order == "lpt":
        rank = np.argsort(-gcost, kind="stable")
    else:
        rank = c_dispatch_order(gcost, float(np.max(cost)), P, program)
    pos = np.empty(len(gcost), dtype=np.int64)
    pos[rank] = np.arange(len(gcost))
    return np.lexsort((np.arange(len(cost)), pos[group]))


def write_time(cal, N):
    """Report write time (s) of a universe of N tickers: S (N / M)^b (module docstring)."""
    return cal["write_s"] * (N / cal["write_n"]) ** cal["write_exponent"]


def predict(cal, sec, cost, group, N, P, schedule, net, R, B):
    """Predicted T (s) and the imbalance max/mean busy of one (universe, P, schedule)."""
    if schedule == "dynamic":
        order = dispatch_order(cost, group, P, cal.get("order", "dispatch"), cal.get("dispatch_order", DISPATCH_ORDER))
        span, busy = simulate_dynamic(sec, order, P, net, R, B, cal.get("record_s", 0.0))
    else:
        span, busy = simulate_static(sec, cost, P, net, R, cal.get("record_s", 0.0))
    write = write_time(cal, N)
    mean = float(np.mean(busy))
    return cal["setup_s"] + span + write, (float(np.max(busy)) / mean if mean > 0 else float("nan"))


# ----------------------------------------------------------------------------------------------
# the cross-sectional stage (module docstring)

def parse_logview(path):
    """bench_covariance's result line (its key=value fields) and the -log_view event table of one
    log: {"bench": {...}, "events": {name: {count, time, flop, mess, len, red}}, "reductions": n}."""
    bench, events, red = {}, {}, None
    with open(path) as fh:
        for line in fh:
            w = line.split()
            if not w:
                continue
            if w[0] == "bench_covariance":
                bench = dict(kv.split("=", 1) for kv in w[1:] if "=" in kv)
            elif w[0] == "MPI" and len(w) >= 3 and w[1] == "Reductions:":
                red = float(w[2])
            elif len(w) >= 21 and all(_isnum(x) for x in w[1:10]):
                events[w[0]] = {"count": float(w[1]), "time": float(w[3]), "flop": float(w[5]), "mess": float(w[7]),
                                "len": float(w[8]), "red": float(w[9])}
    if not bench:
        raise ValueError(f"{path}: no bench_covariance line")
    for k in ("N", "ranks", "T"):
        bench[k] = int(bench[k])
    for k in ("panel_s", "estimate_s", "backtest_s", "total_s"):
        bench[k] = float(bench[k])
    return {"bench": bench, "events": events, "reductions": red or 0.0, "path": path}


def _isnum(x):
    try:
        float(x)
        return True
    except ValueError:
        return False


def _median_csv(path, model, N, ranks, origins, col):
    """Median of column col of scaling/covariance.sh's CSV rows of one configuration, or None."""
    if not path:
        return None
    with open(path) as fh:
        v = [float(r[col]) for r in csv.DictReader(fh)
             if r["model"] == model and int(r["N"]) == N and int(r["ranks"]) == ranks and int(r["origins"]) == origins]
    return float(np.median(v)) if v else None


def covariance_calibrate(logs, csv_path, K, window):
    """The constants of the stage's model (module docstring) from the -log_view files of
    bench_covariance factor:K runs (estimate only on 1 and 2 ranks; the backtest on 2 ranks)."""
    L = [parse_logview(p) for p in logs]
    est = [x for x in L if x["bench"]["backtest_s"] == 0]
    bt = [x for x in L if x["bench"]["backtest_s"] > 0]
    one = [x for x in est if x["bench"]["ranks"] == 1]
    if not one:
        sys.exit("model: --covariance_logview needs the -log_view of an estimate-only run on 1 rank")
    e1 = max(one, key=lambda x: x["bench"]["N"])
    b, ev = e1["bench"], e1["events"]
    N1, T1 = b["N"], b["T"]
    L1 = min(window, T1)
    for name in ("EPSSolve", "MatMultTranspose"):
        if name not in ev:
            sys.exit(f"model: {e1['path']}: no {name} event in the -log_view table")
    A = ev["STApply"]["count"] if "STApply" in ev else ev["MatMultTranspose"]["count"]
    t_app = ev["STApply"]["time"] if "STApply" in ev else 2 * ev["MatMultTranspose"]["time"]
    t_eps = ev["EPSSolve"]["time"]
    c = {"N_cal": N1, "T_cal": T1, "applications": A, "K": K,
         "rate": 4.0 * N1 * L1 * A / t_app,                 # flop/s of the two dense products
         "c_orth": max(0.0, t_eps - t_app) / (N1 * A),      # s per row per application
         "c_set": max(0.0, b["estimate_s"] - t_eps) / (N1 * L1),
         "applications_by_N": {x["bench"]["N"]: x["events"].get("STApply", x["events"]["MatMultTranspose"])["count"]
                               for x in one}}
    panel1 = _median_csv(csv_path, "factor:%d" % K, N1, 1, 0, "panel_s")
    c["c_cell"] = (panel1 if panel1 is not None else b["panel_s"]) / (3.0 * N1 * T1)
    c["panel_source"] = "covariance.csv median" if panel1 is not None else "the -log_view run"
    # reductions per estimate (2 ranks): EPSSolve's, and the whole run's less nothing (an upper bound)
    two = [x for x in est if x["bench"]["ranks"] == 2 and x["bench"]["N"] == N1] or \
          [x for x in est if x["bench"]["ranks"] >= 2]
    if two:
        e2 = two[0]
        # PETSc counts the operator's SF reduce and broadcast as reductions: 2 per application,
        # modelled apart (the L-vector allreduce); the rest (orthogonalisation, norms, the panel's
        # few) are small allreduces. r_run: all of an estimate-only run, for the backtest below.
        c["r_run"] = e2["reductions"]
        c["r_est"] = max(0.0, e2["reductions"] - 2 * A)
        c["r_eps"] = e2["events"].get("EPSSolve", {}).get("red", float("nan"))
        c["est2"] = e2["path"]
    else:
        c["r_est"] = c["r_eps"] = 3.0 * A
        c["r_run"] = 5.0 * A
        say("no 2-rank -log_view: 3 small allreduces per application assumed")
    if bt:
        x = bt[0]
        bb = x["bench"]
        origins = bb["T"] - window
        refit = 20
        nref = math.ceil(origins / refit)
        c["bt_cal"] = {"N": bb["N"], "ranks": bb["ranks"], "T": bb["T"], "backtest_s": bb["backtest_s"],
                       "estimate_s": bb["estimate_s"], "refits": nref, "path": x["path"]}
        c["c_bt"] = max(0.0, bb["backtest_s"] - nref * bb["estimate_s"]) / (bb["N"] / bb["ranks"])
        c["r_bt"] = max(0.0, x["reductions"] - (1 + nref) * c["r_run"])
    else:
        c["c_bt"], c["r_bt"] = 0.0, 0.0
        say("no backtest -log_view: the backtest is modelled as its refits' estimates only")
    return c


def allreduce_s(nbytes, P, net):
    alpha, beta, _ = net
    return 0.0 if P <= 1 else 2 * math.ceil(math.log2(P)) * alpha + 2 * nbytes / beta


def covariance_stage(c, N, P, net, T, window, origins, refit):
    """Predicted seconds of the stage's parts on P ranks for N tickers (module docstring)."""
    alpha, beta, _ = net
    L = min(window, T)
    cells = N * T / P
    moved = cells * (P - 1) / P * 4 * (8 + 4) / beta + min(P - 1, max(1.0, N / P)) * alpha if P > 1 else 0.0
    D = 1.5 * T  # calendar days of T trading dates
    cal = 2 * allreduce_s(8, P, net) + (math.ceil(math.log2(P)) * alpha + D * 8 / beta if P > 1 else 0.0)
    panel = c["c_cell"] * 3 * cells + moved + cal
    A = c["applications"]

    def estimate():
        return (c["c_set"] * N * L / P + A * 4.0 * N * L / P / c["rate"] + A * allreduce_s(8 * L, P, net)
                + c["c_orth"] * N * A / P + c["r_est"] * allreduce_s(8 * c["K"], P, net))

    e = estimate()
    nref = math.ceil(origins / refit) if origins > 0 else 0
    bt = nref * e + (c["c_bt"] * N / P + c["r_bt"] * allreduce_s(8, P, net) if nref else 0.0)
    gather = (math.ceil(math.log2(P)) * alpha + N * (c["K"] + 3) * 8 / beta) if P > 1 else 0.0
    return {"panel": panel, "estimate": e, "backtest": bt, "gather": gather, "total": panel + e + bt + gather}


# ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--report", required=True, help="calibration report (per-unit costs)")
    ap.add_argument("--pingpong", help="CSV of scaling/pingpong")
    ap.add_argument("--validate", nargs="*", default=[], help="measured reports of the same tickers")
    ap.add_argument("--ranks", default=",".join(str(2 ** k) for k in range(11)))
    ap.add_argument("--universes", default="297,100000")
    ap.add_argument("--schedules", default="dynamic,static")
    ap.add_argument("--batch", type=int, default=1, help="records per batch sent to rank 0 [1, as driver.c]")
    ap.add_argument("--record_ms", type=float, default=0.0,
                    help="rank 0's work per record during the run, ms: journal append, table measure "
                         "(per_record_ms of scaling/bench_report; then --write_s is its tail_s) [0]")
    ap.add_argument("--record_bytes", type=float, help="bytes per result record [report bytes / tickers]")
    ap.add_argument("--latency_us", type=float)
    ap.add_argument("--bandwidth_MBps", type=float)
    ap.add_argument("--take_us", type=float)
    ap.add_argument("--write_s", type=float, help="measured report write time (s), e.g. hcWrite of -log_view")
    ap.add_argument("--write_n", type=int, help="tickers of the report whose write took --write_s [N_cal]")
    ap.add_argument("--write_exponent", type=float, default=1.0, help="write(N) ~ N^b [1]")
    ap.add_argument("--wall_includes_write", action="store_true")
    ap.add_argument("--weights", choices=("fits", "iterations"), default="fits",
                    help="without /units: split fit_s by n_obs x fits [fits] or x iterations")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--order", choices=("dispatch", "lpt"), default="dispatch",
                    help="dynamic schedule's order: the driver's dispatch order, or all units largest first [dispatch]")
    ap.add_argument("--dispatch_order", default=DISPATCH_ORDER,
                    help="the filter scaling/dispatch_order.c (the driver's dispatch order) [build/scaling/dispatch_order]")
    ap.add_argument("--covariance_logview", nargs="*", default=[],
                    help="-log_view files of bench_covariance factor:K (scaling/covariance.sh: "
                         "scaling/results/covariance_logview_*.txt): adds the cross-sectional stage")
    ap.add_argument("--covariance_csv", help="scaling/covariance.sh's CSV (the panel's local time per cell) [none]")
    ap.add_argument("--covariance_factors", type=int, default=10, help="K of factor:K [10]")
    ap.add_argument("--covariance_T", type=int, default=1000,
                    help="panel dates: -covariance_window + -backtest_origins of the job [1000]")
    ap.add_argument("--covariance_window", type=int, default=750, help="-covariance_window [750]")
    ap.add_argument("--covariance_origins", type=int, default=250, help="the stage's backtest dates (0: none) [250]")
    ap.add_argument("--covariance_refit", type=int, default=20, help="the stage's backtest refits every [20] dates")
    ap.add_argument("--out", help="output prefix (writes OUT.csv, OUT.validation.csv, OUT.md)")
    args = ap.parse_args()

    try:
        cal = calibrate(args.report, args.validate, args.wall_includes_write, args.weights)
    except (OSError, ValueError) as e:
        sys.exit(f"model: {e}")
    cal["write_n"], cal["write_exponent"] = cal["n_tickers"], args.write_exponent
    cal["record_s"] = args.record_ms * 1e-3
    cal["order"] = args.order
    cal["dispatch_order"] = args.dispatch_order
    if args.write_s is not None:
        cal["write_s"] = args.write_s
        cal["write_n"] = args.write_n or cal["n_tickers"]
    elif cal["source"] != "units":
        say("WARNING: write time estimated from io_s, which a binary before issue 6 does not fill with "
            "the write: give --write_s (hcWrite of -log_view) and --write_n")
    net = network(args)
    R = args.record_bytes if args.record_bytes else cal["record_bytes"]
    ranks = [int(x) for x in args.ranks.split(",")]
    Ns = [int(x) for x in args.universes.split(",")]
    scheds = args.schedules.split(",")

    head = [
        f"calibration {args.report}: {cal['n_tickers']} tickers, {len(cal['seconds'])} units, costs {cal['source']}",
        f"unit seconds: sum {np.sum(cal['seconds']):.3f}, mean {np.mean(cal['seconds']):.4f}, "
        f"max {np.max(cal['seconds']):.4f}; setup {cal['setup_s']:.3f} s; report write {cal['write_s']:.4f} s for "
        f"{cal['write_n']} tickers ({1e3 * cal['write_s'] / cal['write_n']:.3f} ms/ticker), "
        f"x (N/{cal['write_n']})^{cal['write_exponent']:g}; record {R:.0f} B, batch {args.batch}, rank 0 per record {1e3 * cal['record_s']:.3f} ms; "
        f"dynamic order {args.order}",
        f"network: latency {1e6 * net[0]:.3f} us, bandwidth {net[1] / 1e6:.0f} MB/s, take {1e6 * net[2]:.3f} us",
    ]
    cov = None
    if args.covariance_logview:
        cov = covariance_calibrate(args.covariance_logview, args.covariance_csv, args.covariance_factors,
                                   args.covariance_window)
        head.append(
            f"cross-sectional stage, factor:{cov['K']} (calibrated on bench_covariance N = {cov['N_cal']}, T = {cov['T_cal']}, "
            f"1 rank): {cov['applications']:.0f} operator applications per estimate (by N: "
            + ", ".join(f"{n}: {a:.0f}" for n, a in sorted(cov["applications_by_N"].items()))
            + f"), dense products {cov['rate'] / 1e9:.2f} Gflop/s, orthogonalisation {1e9 * cov['c_orth']:.1f} ns per row "
            f"and application, estimate set-up {1e9 * cov['c_set']:.2f} ns per cell, panel insert {1e9 * cov['c_cell']:.2f} "
            f"ns per cell ({cov['panel_source']}), {cov['r_est']:.0f} small allreduces per estimate (2-rank log)"
            + (f"; backtest: {cov['bt_cal']['refits']} refits, rest {1e6 * cov['c_bt']:.2f} us per row, "
               f"{cov['r_bt']:.0f} small allreduces (N = {cov['bt_cal']['N']}, {cov['bt_cal']['ranks']} ranks)"
               if "bt_cal" in cov else "")
            + f"; the job's stage: T = {args.covariance_T} dates, window {args.covariance_window}, "
            f"{args.covariance_origins} backtest dates refitted every {args.covariance_refit}")
    for h in head:
        print("# " + h)

    rows = []
    for N in Ns:
        rng = np.random.default_rng(args.seed)
        sec, cost, group = universe(cal, N, rng)
        for sch in scheds:
            t1 = None
            for P in ranks:
                T, imb = predict(cal, sec, cost, group, N, P, sch, net, R, args.batch)
                t1 = T if P == 1 else t1
                S = t1 / T if t1 else float("nan")
                rows.append({"universe": N, "schedule": sch, "ranks": P, "wall_s": T, "speedup": S,
                             "efficiency": S / P, "imbalance": imb})
    stage = {}
    if cov:
        for N in Ns:
            for P in ranks:
                stage[N, P] = covariance_stage(cov, N, P, net, args.covariance_T, args.covariance_window,
                                               args.covariance_origins, args.covariance_refit)
        t1 = {}
        for r in rows:
            S = stage[r["universe"], r["ranks"]]["total"]
            r["stage_s"] = S
            r["wall_with_stage_s"] = r["wall_s"] + S
            if r["ranks"] == 1:
                t1[r["universe"], r["schedule"]] = r["wall_with_stage_s"]
        for r in rows:
            b = t1.get((r["universe"], r["schedule"]))
            r["efficiency_with_stage"] = b / r["wall_with_stage_s"] / r["ranks"] if b else float("nan")
    if 1 not in ranks:
        say("ranks without 1: no speedup")
    print("%9s %8s %6s %12s %9s %7s %7s" % ("universe", "schedule", "ranks", "wall_s", "speedup", "eff", "imbal"))
    for r in rows:
        print("%9d %8s %6d %12.3f %9.2f %7.3f %7.3f" % (r["universe"], r["schedule"], r["ranks"], r["wall_s"],
                                                      r["speedup"], r["efficiency"], r["imbalance"]))
    if cov:
        print("\ncross-sectional stage, factor:%d (s): the parts and the job with it" % cov["K"])
        print("%9s %6s %10s %10s %10s %10s %10s" % ("universe", "ranks", "panel", "estimate", "backtest", "gather", "stage"))
        for (N, P), x in stage.items():
            print("%9d %6d %10.4f %10.4f %10.4f %10.4f %10.4f" % (N, P, x["panel"], x["estimate"], x["backtest"],
                                                             x["gather"], x["total"]))
        print("%9s %8s %6s %12s %12s %7s %9s" % ("universe", "schedule", "ranks", "wall_s", "with_stage", "eff", "eff_stage"))
        for r in rows:
            print("%9d %8s %6d %12.3f %12.3f %7.3f %9.3f" % (r["universe"], r["schedule"], r["ranks"], r["wall_s"],
                                                          r["wall_with_stage_s"], r["efficiency"],
                                                          r["efficiency_with_stage"]))

    val = []
    for path in args.validate:
        m = pt.run_metrics(path)
        if m["n_tickers"] != cal["n_tickers"]:
            say(f"{path}: {m['n_tickers']} tickers, calibration {cal['n_tickers']}: not comparable, skipped")
            continue
        sch = m["schedule"] if m["schedule"] in ("static", "dynamic") else "static"
        sec, cost, group = universe(cal, cal["n_tickers"], None)
        T, imb = predict(cal, sec, cost, group, cal["n_tickers"], m["ranks"], sch, net, R, args.batch)
        meas = m["wall_s"] + (0.0 if args.wall_includes_write else write_time(cal, cal["n_tickers"]))
        work = float(np.sum(m["perf"]["fit_s"] + m["perf"]["io_s"]))
        val.append({"report": path, "ranks": m["ranks"], "schedule": sch, "predicted_s": T, "measured_s": meas,
                    "error": T / meas - 1, "imbalance_predicted": imb, "imbalance_measured": m["imbalance"],
                    "work_ratio": work / cal["work_s"]})
    if val:
        print("\nvalidation (measured T = max wall_s%s; imbalance = max/mean busy (fit_s); work_ratio ="
              " sum of fit_s + io_s over ranks / the calibration's: well above 1 = the run was slowed,"
              " e.g. by shared cores, and its time is no test of the model)"
              % ("" if args.wall_includes_write else " + write_s"))
        print("%6s %8s %12s %12s %8s %9s %9s %6s  %s" % ("ranks", "schedule", "predicted_s", "measured_s", "error",
                                                     "imb_pred", "imb_meas", "work", "report"))
        for v in val:
            print("%6d %8s %12.3f %12.3f %+7.1f%% %9.3f %9.3f %6.2f  %s" % (
                v["ranks"], v["schedule"], v["predicted_s"], v["measured_s"], 100 * v["error"],
                v["imbalance_predicted"], v["imbalance_measured"], v["work_ratio"], v["report"]))

    if args.out:
        with open(args.out + ".csv", "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            for r in rows:
                w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
        if val:
            with open(args.out + ".validation.csv", "w", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=list(val[0]))
                w.writeheader()
                for v in val:
                    w.writerow({k: (f"{x:.6g}" if isinstance(x, float) else x) for k, x in v.items()})
        with open(args.out + ".md", "w") as fh:
            fh.write("\n".join("- " + h for h in head) + "\n\n")
            fh.write("| universe | schedule | ranks | T (s) | speedup | efficiency | imbalance |\n")
            fh.write("|---:|---|---:|---:|---:|---:|---:|\n")
            for r in rows:
                fh.write(f"| {r['universe']} | {r['schedule']} | {r['ranks']} | {r['wall_s']:.3f} | "
                         f"{r['speedup']:.2f} | {r['efficiency']:.3f} | {r['imbalance']:.3f} |\n")
            if cov:
                fh.write(f"\n**The cross-sectional stage, factor:{cov['K']}** (module docstring of scaling/model.py; "
                         "it runs after the per-ticker stage on all ranks, so its time adds to T): the parts in seconds.\n\n")
                fh.write("| universe | ranks | panel | estimate | backtest | gather | stage |\n")
                fh.write("|---:|---:|---:|---:|---:|---:|---:|\n")
                for (N, P), x in stage.items():
                    fh.write(f"| {N} | {P} | {x['panel']:.4f} | {x['estimate']:.4f} | {x['backtest']:.4f} | "
                             f"{x['gather']:.4f} | {x['total']:.4f} |\n")
                fh.write("\n| universe | schedule | ranks | T (s) | T with the stage (s) | efficiency | "
                         "efficiency with the stage |\n")
                fh.write("|---:|---|---:|---:|---:|---:|---:|\n")
                for r in rows:
                    fh.write(f"| {r['universe']} | {r['schedule']} | {r['ranks']} | {r['wall_s']:.3f} | "
                             f"{r['wall_with_stage_s']:.3f} | {r['efficiency']:.3f} | {r['efficiency_with_stage']:.3f} |\n")
                fh.write("\nAssumptions of the stage's model: factor:K at every universe (the app's default shrink "
                         "becomes factor:K above -covariance_full_max, 2000; at 297 tickers the job would run shrink); "
                         "operator applications per estimate held at the count of the largest calibrated N; compute "
                         "divided evenly over the ranks (PETSc's contiguous split of N); every rank sends its rows at the "
                         "ping-pong bandwidth at once (no network contention); allreduce = 2 log2(P) latencies + "
                         "2 x bytes / bandwidth; not modelled: rank 0's HDF5 write of /covariance, memory-bandwidth "
                         "contention between the ranks of a node.\n")
            if val:
                fh.write("\n| validation report | ranks | schedule | predicted (s) | measured (s) | error | "
                         "imbalance predicted | imbalance measured | work ratio |\n")
                fh.write("|---|---:|---|---:|---:|---:|---:|---:|---:|\n")
                for v in val:
                    fh.write(f"| {os.path.basename(v['report'])} | {v['ranks']} | {v['schedule']} | "
                             f"{v['predicted_s']:.3f} | {v['measured_s']:.3f} | {100 * v['error']:+.1f}% | "
                             f"{v['imbalance_predicted']:.3f} | {v['imbalance_measured']:.3f} | "
                             f"{v['work_ratio']:.2f} |\n")


if __name__ == "__main__":
    main()
