#!/usr/bin/python3
"""Check the book of a daily update (hpcast update) against the report it updates.

usage: check_update.py PREV NEW COST_BPS

/backtest/book of NEW is PREV's rows without the oldest ones, then one row per new date; on the
first new date the book earns what PREV's /portfolio weights earn on the assets' returns that
day (y of NEW's /backtest/origins: w . (exp(y/100) - 1), an asset without a return earning 0),
less COST_BPS on PREV's /portfolio turnover, which is that row's turnover; the benchmark rows
are returns of the assets (between the smallest and the largest of them); /portfolio is as of
NEW's last date. Exit 1 with one line per mismatch.
"""
import sys

import h5py
import numpy as np


def text(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in a]


def main():
    prev, new, cost = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), float(sys.argv[3])
    bad = []
    pb, nb = prev["backtest/book"], new["backtest/book"]
    pd, nd = text(pb["date"][:]), text(nb["date"][:])
    m = sum(1 for d in nd if d > pd[-1])  # the new dates
    if m < 1 or len(nd) != len(pd) or nd[: len(nd) - m] != pd[m:]:
        bad.append(f"dates: {len(pd)} before, {len(nd)} after, {m} new; the old ones are not the previous report's kept")
    for c in ("book", "benchmark", "turnover"):
        if not np.array_equal(nb[c][: len(nd) - m], pb[c][m:], equal_nan=True):
            bad.append(f"/backtest/book/{c}: the previous report's rows changed")
    # the first new date: PREV's book on the assets' returns that day
    day = nd[len(nd) - m]
    w = dict(zip(text(prev["summary/ticker"][:]), prev["portfolio/weight"][:]))
    o = new["backtest/origins"]
    ret = {t: float(np.exp(y / 100.0) - 1.0) for t, d, y in zip(text(o["ticker"][:]), text(o["date"][:]), o["y"][:]) if d == day}
    turnover = float(prev["portfolio"].attrs["turnover"])
    expect = sum(wi * ret.get(t, 0.0) for t, wi in w.items() if np.isfinite(wi)) - cost * 1e-4 * turnover
    got = float(nb["book"][len(nd) - m])
    if not abs(got - expect) <= 1e-12:
        bad.append(f"book on {day}: {got!r}, the previous book earns {expect!r}")
    if not abs(float(nb["turnover"][len(nd) - m]) - turnover) <= 1e-15:
        bad.append(f"turnover on {day}: {nb['turnover'][len(nd) - m]!r}, the previous /portfolio's {turnover!r}")
    b = float(nb["benchmark"][len(nd) - m])
    if ret and not (min(ret.values()) - 1e-12 <= b <= max(ret.values()) + 1e-12):
        bad.append(f"benchmark on {day}: {b!r} outside the assets' returns [{min(ret.values())}, {max(ret.values())}]")
    as_of = new["portfolio"].attrs["as_of"]
    as_of = as_of.decode() if isinstance(as_of, bytes) else str(as_of)
    if as_of != nd[-1]:
        bad.append(f"/portfolio as_of {as_of}, the last date {nd[-1]}")
    for line in bad:
        print("check_update:", line)
    print(f"check_update: {m} new date(s), {len(bad)} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
