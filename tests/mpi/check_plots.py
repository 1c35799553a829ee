#!/usr/bin/python3
"""Check the pictures tools/plot_report.py drew of a report (the e2e case `plots`).

usage: tests/mpi/check_plots.py REPORT DIR --expect FILE... [--skipped FILE...]

Checks (exit 1 and one line per failure if any fails):
  * every --expect picture exists, is a PNG whose header (IHDR) gives the size plots.json declares
    for it (figure size in inches x dpi) and decodes (matplotlib.image.imread) to that size;
    index.html shows it (<img src="FILE">) and no other PNG;
  * every --skipped picture is not drawn, is listed in plots.json's skipped with a reason and named
    in index.html with it;
  * with pit.png: the drawn counts equal the report's, read here with h5py: the sum over the
    tickers of pit_hist x n of the /backtest/scores row of the ticker's reported ensemble
    (/summary/ensemble) at horizon 1;
  * with book.png and /backtest/book: the drawn final wealth of each book is 1 + its cum_return
    in /backtest/portfolio (computed by hpcast) to 1e-9.
"""
import argparse
import html
import json
import os
import re
import struct
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402


def png_size(path):
    """Width and height from the PNG signature and IHDR chunk."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def report_pit_counts(path):
    with h5py.File(path, "r") as f:
        tick = [t.decode() for t in f["summary/ticker"][:]]
        ens = [e.decode() for e in f["summary/ensemble"][:]]
        s = f["backtest/scores"]
        want = {t: "ensemble:" + e for t, e in zip(tick, ens) if e}
        counts = np.zeros(10)
        for t, m, h, n, hist in zip(s["ticker"][:], s["model"][:], s["horizon"][:], s["n"][:], s["pit_hist"][:]):
            if h == 1 and want.get(t.decode()) == m.decode():
                counts += np.rint(hist * n)
    return counts.astype(int).tolist()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("dir")
    ap.add_argument("--expect", nargs="+", required=True)
    ap.add_argument("--skipped", nargs="*", default=[])
    a = ap.parse_args()
    fails = []
    meta = json.load(open(os.path.join(a.dir, "plots.json")))
    page = open(os.path.join(a.dir, "index.html")).read()
    declared = {fig["file"]: fig for fig in meta["figures"]}
    for file in a.expect:
        path = os.path.join(a.dir, file)
        if not os.path.isfile(path):
            fails.append(f"{file}: not written")
            continue
        if file not in declared:
            fails.append(f"{file}: not in plots.json")
            continue
        fig = declared[file]
        want = tuple(int(round(x * fig["dpi"])) for x in fig["figsize"])
        have = png_size(path)
        if have != want:
            fails.append(f"{file}: PNG header says {have}, plots.json {fig['figsize']} in x {fig['dpi']} dpi = {want}")
        img = matplotlib.image.imread(path)
        if img.shape[1::-1] != want:
            fails.append(f"{file}: decodes to {img.shape[1]} x {img.shape[0]}, want {want}")
        if f'src="{file}"' not in page:
            fails.append(f"{file}: not shown in index.html")
    shown = set(re.findall(r'<img src="([^"]+)"', page))
    if shown != set(a.expect):
        fails.append(f"index.html shows {sorted(shown)}, want {sorted(a.expect)}")
    skipped = {s["file"]: s["reason"] for s in meta["skipped"]}
    for file in a.skipped:
        if os.path.exists(os.path.join(a.dir, file)):
            fails.append(f"{file}: drawn, want skipped")
        if not skipped.get(file):
            fails.append(f"{file}: not in plots.json's skipped list with a reason")
        elif html.escape(f"({file}): {skipped[file]}") not in page:
            fails.append(f"{file}: index.html does not list it as skipped with its reason")
    if set(skipped) != set(a.skipped):
        fails.append(f"plots.json skipped {sorted(skipped)}, want {sorted(a.skipped)}")
    drawn = meta["drawn"]
    if "pit.png" in a.expect:
        want = report_pit_counts(a.report)
        if drawn["pit"]["counts"] != want:
            fails.append(f"pit.png: counts {drawn['pit']['counts']}, the report's {want}")
    if "book.png" in a.expect:
        with h5py.File(a.report, "r") as f:
            if "backtest/book" in f:
                books = [b.decode() for b in f["backtest/portfolio/book"][:]]
                cum = dict(zip(books, f["backtest/portfolio/cum_return"][:]))
                for key, name in (("book", books[0]), ("strategies", "strategies"), ("benchmark", "benchmark")):
                    w = drawn["book"]["final_wealth"][key]
                    if abs(w - (1 + cum[name])) > 1e-9:
                        fails.append(f"book.png: final wealth of {name} {w}, the report's 1 + cum_return {1 + cum[name]}")
    for m in fails:
        print(f"check_plots: {a.dir}: {m}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
