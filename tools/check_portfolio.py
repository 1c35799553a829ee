#!/usr/bin/python3
"""Check the /portfolio group and the books of /backtest/portfolio of an hpcast report
(docs/report-schema.md, schema_version 4 to 6; docs/portfolio.md).

usage: tools/check_portfolio.py REPORT [--method gmv|meanvar|riskparity] [--sectors FILE] [--quiet]

Checks (exit 1 and one line per failure if any fails; exit 2 if the report cannot be read):
  * one weight and one reason per /summary row; a ticker with a reason has weight 0, a ticker not
    ok in /summary has a reason;
  * the weights sum to 1 (gmv, riskparity; meanvar long-short) or to at most 1 (meanvar
    long-only), to 1e-8; every |w| <= max_weight_used + 1e-8 (the option's value unless the
    attribute note says why it was raised) (not riskparity), w >= -1e-8 long-only,
    sum |w| <= max_gross + 1e-8 long-short; with --sectors (a CSV with Symbol and Sector
    columns): every sector's net weight within max_sector_weight_used + 1e-8;
  * the solver converged (attribute converged = 1) and the attribute max_violation <= 1e-8;
  * /backtest/portfolio has the rows <method>, strategies and benchmark, each with n > 0 and a
    finite Sharpe ratio; the first two have a finite alpha, information ratio and Newey-West t;
  * /backtest/book: as many returns of each book as dates, finite, and no rebalance left unconverged.
Prints the book's figures and the three books' Sharpe, alpha, information ratio and t (unless --quiet).
"""
import argparse
import csv
import sys

import h5py
import numpy as np

TOL = 1e-8


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def sectors_of(path):
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    head = [h.strip().lower() for h in rows[0]]
    sym = head.index("symbol") if "symbol" in head else head.index("ticker")
    sec = head.index("sector")
    return {r[sym]: r[sec] for r in rows[1:] if len(r) > max(sym, sec) and r[sec]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("--method")
    ap.add_argument("--sectors")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    fails = []
    try:
        f = h5py.File(a.report, "r")
        g = f["portfolio"]
        tick = [text(t) for t in f["summary/ticker"][:]]
        status = [text(s) for s in f["summary/status"][:]]
        bp = f["backtest/portfolio"]
        bk = f["backtest/book"]
    except (OSError, KeyError) as e:
        print(f"check_portfolio: {a.report}: {e}", file=sys.stderr)
        return 2
    att = {k: (text(v) if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
    w = g["weight"][:]
    why = [text(r) for r in g["reason"][:]]
    method, lo = att["method"], int(att["long_only"])
    if len(w) != len(tick) or len(why) != len(tick):
        fails.append(f"{len(w)} weights, {len(why)} reasons for {len(tick)} /summary rows")
    if a.method and method != a.method:
        fails.append(f"method {method}, want {a.method}")
    for t, s, x, r in zip(tick, status, w, why):
        if r and x != 0:
            fails.append(f"{t}: weight {x} but reason '{r}'")
        if s != "ok" and not r:
            fails.append(f"{t}: status {s} but no reason")
    net, gross = w.sum(), np.abs(w).sum()
    if method == "meanvar" and lo:
        if net > 1 + TOL:
            fails.append(f"weights sum to {net!r} > 1 (long-only meanvar)")
    elif abs(net - 1) > TOL:
        fails.append(f"weights sum to {net!r}, not 1")
    cap, scap = att["max_weight_used"], att["max_sector_weight_used"]  # = the options' unless the note says why not
    if method != "riskparity":
        if w.max() > cap + TOL or (not lo and -w.min() > cap + TOL):
            fails.append(f"a weight beyond max_weight {cap}: [{w.min()!r}, {w.max()!r}]")
        if not lo and gross > att["max_gross"] + TOL:
            fails.append(f"gross {gross!r} > max_gross {att['max_gross']}")
    if lo and w.min() < -TOL:
        fails.append(f"long-only but min weight {w.min()!r}")
    if a.sectors and method != "riskparity":
        sec = sectors_of(a.sectors)
        tot = {}
        for t, x in zip(tick, w):
            if t in sec:
                tot[sec[t]] = tot.get(sec[t], 0.0) + x
        for s, x in tot.items():
            if abs(x) > scap + TOL:
                fails.append(f"sector {s}: net weight {x!r} > {scap}")
    if int(att["converged"]) != 1:
        fails.append(f"solver status {att['status']} (not converged)")
    if att["max_violation"] > TOL:
        fails.append(f"max_violation {att['max_violation']!r} > {TOL}")
    books = [text(b) for b in bp["book"][:]]
    if books != [method, "strategies", "benchmark"]:
        fails.append(f"/backtest/portfolio books {books}, want [{method}, strategies, benchmark]")
    else:
        for i, b in enumerate(books):
            if bp["n"][i] <= 0 or not np.isfinite(bp["sharpe"][i]):
                fails.append(f"book {b}: n {bp['n'][i]}, Sharpe {bp['sharpe'][i]}")
            for c in ("alpha", "information_ratio", "t_nw"):
                if i < 2 and not np.isfinite(bp[c][i]):
                    fails.append(f"book {b}: {c} {bp[c][i]}")
    nd = len(bk["date"])
    for c in ("book", "benchmark", "turnover"):
        x = bk[c][:]
        if len(x) != nd or not np.all(np.isfinite(x)):
            fails.append(f"/backtest/book/{c}: {len(x)} values for {nd} dates, finite: {np.all(np.isfinite(x))}")
    if int(bk.attrs["unconverged"]) != 0:
        fails.append(f"/backtest/book: {int(bk.attrs['unconverged'])} rebalances did not converge")
    if not a.quiet:
        print(f"{method} ({'long-only' if lo else 'long-short'}, max_weight {att['max_weight']}): {int(att['n_held'])} of "
              f"{int(att['n_assets'])} held, net {net:.10f}, gross {gross:.6f}, predicted vol {att['predicted_vol']:.4f} %/day, "
              f"status {att['status']}, KKT {att['kkt_gradient']:.1e} / {att['kkt_constraint']:.1e}")
        if att["note"]:
            print(f"  note: {att['note']}")
        if books == [method, "strategies", "benchmark"]:
            for i, b in enumerate(books):
                print(f"  {b:>10}: Sharpe {bp['sharpe'][i]:6.3f}  alpha {bp['alpha'][i]:8.4f}  IR {bp['information_ratio'][i]:7.3f}"
                      f"  t_NW {bp['t_nw'][i]:7.3f}  max drawdown {bp['max_drawdown'][i]:.3f}  turnover {bp['turnover'][i]:.4f}")
    for m in fails:
        print(f"check_portfolio: {a.report}: {m}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
