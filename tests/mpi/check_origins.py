#!/usr/bin/python3
"""Check a report's 1-step track (/backtest/origins, docs/report-schema.md) against its summary.

usage: check_origins.py REPORT

For every ticker with a backtest, its rows of /backtest/origins are the summary's 1-step scores
recomputed from scratch: as many rows as backtest_origins, dates increasing, crps_1 the mean of
crps, crps_bench_1 the mean of crps_bench, pit_ks_1 the Kolmogorov-Smirnov distance of pit to
U(0,1), coverage95_1 the fraction of pit in [0.025, 0.975]; and the strategy's returns compound
to /backtest/trading's cum_return. Exit 1 with one line per mismatch.
"""
import sys

import h5py
import numpy as np


def ks(u):
    """sup |F_n - F| of the sample u against U(0,1)."""
    u = np.sort(u)
    n = len(u)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - u), np.max(u - (i - 1) / n)))


def text(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in a]


def main():
    f = h5py.File(sys.argv[1], "r")
    s = f["summary"]
    o = f["backtest/origins"]
    tk = text(s["ticker"][:])
    ot = np.array(text(o["ticker"][:]))
    dates = np.array(text(o["date"][:]))
    col = {k: o[k][:] for k in ("y", "mean", "sd", "pit", "crps", "crps_bench", "ret")}
    tr = f["backtest/trading"]
    cum = dict(zip(text(tr["ticker"][:]), tr["cum_return"][:]))
    bad, checked = [], 0

    def close(a, b, what, t):
        if not (np.isnan(a) and np.isnan(b)) and not abs(a - b) <= 1e-12 * max(1.0, abs(b)):
            bad.append(f"{t}: {what} {a!r} recomputed from /backtest/origins, {b!r} in the report")

    for i, t in enumerate(tk):
        k = int(s["backtest_origins"][i])
        rows = np.flatnonzero(ot == t)
        if len(rows) != k:
            bad.append(f"{t}: {len(rows)} rows in /backtest/origins, backtest_origins {k}")
            continue
        if k == 0:
            continue
        if not all(dates[rows][j] < dates[rows][j + 1] for j in range(k - 1)):
            bad.append(f"{t}: dates of /backtest/origins not increasing")
        pit, crps, bench = col["pit"][rows], col["crps"][rows], col["crps_bench"][rows]
        scored = np.isfinite(pit)
        close(float(np.mean(crps[scored])), float(s["crps_1"][i]), "crps_1", t)
        close(float(np.mean(bench[np.isfinite(bench)])), float(s["crps_bench_1"][i]), "crps_bench_1", t)
        close(ks(pit[scored]), float(s["pit_ks_1"][i]), "pit_ks_1", t)
        close(float(np.mean((pit[scored] >= 0.025) & (pit[scored] <= 0.975))), float(s["coverage95_1"][i]), "coverage95_1", t)
        if t in cum:
            close(float(np.prod(1.0 + col["ret"][rows]) - 1.0), float(cum[t]), "cum_return", t)
        checked += 1
    for line in bad[:20]:
        print("check_origins:", line)
    if checked == 0:
        print("check_origins: no ticker with a backtest")
        return 1
    print(f"check_origins: {checked} tickers, {len(bad)} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
