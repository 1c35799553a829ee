#!/usr/bin/env python3
"""Performance records of hpcast reports, for the scaling tools (docs/scaling.md).

As a module (used by scaling/model.py): read_perf(), read_units(), run_metrics() read the
/perf and /units tables of a report and derive the per-run numbers. As a program (used by
scaling/strong.sh and scaling/weak.sh):

    perf_table.py MODE RUNS.tsv OUT_PREFIX

MODE is strong or weak. RUNS.tsv has the header `ranks oversubscribed elapsed_s cpu_share
load_avg report` (tab separated), one line per run. Writes OUT_PREFIX.csv and OUT_PREFIX.h5 (columnar, one 1-D
dataset per column in /scaling, and each run's /perf and /units under /runs/ranks_<P>/) and
prints the table.

Report layout (docs/report-schema.md, issue 6 contract): /perf one row per rank with rank,
wall_s, fit_s, io_s, busy_s, peak_rss_mb, n_tickers, n_units, n_fits; /units one row per work
unit with unit, ticker, block, n_obs, n_specs, rank, seconds, cost. A table is either a group
of 1-D column datasets or one compound dataset; both are read. Missing optional fields (busy_s,
n_units, the whole /units of a report from a binary before issue 6) are reported on stderr once
and the tools fall back as documented per function.

Needs python3 with numpy and h5py (Debian: apt-get install python3-h5py).
"""
import csv
import os
import socket
import sys
import time

import numpy as np

try:
    import h5py
except ImportError:  # pragma: no cover - message for the user
    sys.exit("perf_table: python module h5py missing: apt-get install python3-h5py "
             "(and run /usr/bin/python3, or set PYTHON)")

PERF_REQUIRED = ("rank", "wall_s", "fit_s", "io_s", "peak_rss_mb", "n_tickers", "n_fits")
PERF_OPTIONAL = ("busy_s", "n_units")
UNITS_FIELDS = ("ticker", "block", "n_obs", "n_specs", "n_fits", "rank", "seconds", "cost")  # docs/report-schema.md

_said = set()


def note(msg):
    """Print a fallback message on stderr, once per distinct message."""
    if msg not in _said:
        _said.add(msg)
        print("perf_table: " + msg, file=sys.stderr)


def _decode(a):
    """Fixed-length byte strings -> str array; other arrays unchanged."""
    a = np.asarray(a)
    if a.dtype.kind == "S":
        return np.array([x.decode("ascii", "replace") for x in a])
    if a.dtype.kind == "O":
        return np.array([x.decode("ascii", "replace") if isinstance(x, bytes) else str(x) for x in a])
    return a


def read_table(f, name):
    """Columns of the table `name` of an open report as {field: 1-D array}, or None if absent.

    A group of 1-D datasets (the columnar layout of docs/report-schema.md) and a compound
    dataset (one row per record) are both accepted."""
    if name not in f:
        return None
    obj = f[name]
    if isinstance(obj, h5py.Group):
        return {k: _decode(obj[k][()]) for k in obj if isinstance(obj[k], h5py.Dataset)}
    data = obj[()]
    if data.dtype.names:
        return {k: _decode(data[k]) for k in data.dtype.names}
    raise ValueError(f"/{name} is neither a group of columns nor a compound table")


def read_perf(f, path=""):
    """/perf of an open report: {field: array[R]} sorted by rank.

    Required fields missing -> ValueError naming them. busy_s missing -> busy_s is None (the
    report of a binary before issue 6; callers fall back to fit_s), with a message."""
    p = read_table(f, "perf")
    if p is None:
        raise ValueError(f"{path}: no /perf table (not an hpcast report?)")
    missing = [k for k in PERF_REQUIRED if k not in p]
    if missing:
        raise ValueError(f"{path}: /perf lacks {', '.join(missing)}")
    for k in PERF_OPTIONAL:
        if k not in p:
            note(f"/perf has no {k} (report of a binary before issue 6)"
                 + ("; using fit_s in its place" if k == "busy_s" else ""))
            p[k] = None
    order = np.argsort(p["rank"])
    return {k: (v[order] if v is not None else None) for k, v in p.items()}


def read_units(f):
    """/units of an open report as {field: array[U]}, or None when the report has none (a
    binary before issue 6; model.py then derives per-ticker costs from /perf and /summary)."""
    u = read_table(f, "units")
    if u is None:
        note("report has no /units table (binary before issue 6): per-unit costs unavailable")
        return None
    missing = [k for k in UNITS_FIELDS if k not in u]
    if missing:
        note(f"/units lacks {', '.join(missing)}")
    return u


def attr_str(f, name, default=""):
    """A root attribute as str (default when absent)."""
    v = f.attrs.get(name, default)
    return v.decode() if isinstance(v, bytes) else str(v)


def schedule_of(f):
    """The root attribute `schedule`; a report without it comes from the static LPT binary."""
    s = attr_str(f, "schedule", "")
    if not s:
        note("no root attribute 'schedule': assuming static (binary before issue 6)")
        return "static"
    return s


def run_metrics(path):
    """Per-run numbers of one report: ranks, wall_s (max over ranks of /perf wall_s), fits,
    n_tickers, fits_per_s, imbalance (max/mean over ranks of busy_s, else fit_s) and its basis,
    peak_rss_mb_max, io_s_rank0, schedule; plus the raw tables under 'perf' and 'units'."""
    with h5py.File(path, "r") as f:
        p = read_perf(f, path)
        u = read_units(f)
        sched = schedule_of(f)
        n_ranks = int(f.attrs.get("n_ranks", len(p["rank"])))
    busy, basis = (p["busy_s"], "busy_s") if p["busy_s"] is not None else (p["fit_s"], "fit_s")
    wall = float(np.max(p["wall_s"]))
    fits = int(np.sum(p["n_fits"]))
    mean_busy = float(np.mean(busy))
    return {
        "ranks": n_ranks, "wall_s": wall, "fits": fits,
        "n_tickers": int(np.sum(p["n_tickers"])),
        "fits_per_s": fits / wall if wall > 0 else float("nan"),
        "imbalance": float(np.max(busy)) / mean_busy if mean_busy > 0 else float("nan"),
        "imbalance_basis": basis,
        "peak_rss_mb_max": float(np.max(p["peak_rss_mb"])),
        "io_s_rank0": float(p["io_s"][0]),
        "schedule": sched, "perf": p, "units": u,
    }


COLUMNS = ("ranks", "oversubscribed", "n_tickers", "schedule", "wall_s", "elapsed_s", "speedup",
           "efficiency", "fits", "fits_per_s", "imbalance", "imbalance_basis", "peak_rss_mb_max",
           "cpu_share", "load_avg")


def scaling_rows(mode, runs):
    """Rows of the scaling table from runs [(ranks, oversubscribed, elapsed_s, cpu_share,
    load_avg, report)] (cpu_share, load_avg: see scaling/scaling_lib.sh sc_run).

    strong: speedup S = P0 T(P0) / T(P), efficiency S / P (P0 = fewest ranks, normally 1).
    weak:   efficiency T(P0) / T(P) (ideal 1: the work per rank is fixed), scaled speedup
            P/P0 x efficiency. T = max over ranks of /perf wall_s (start-up of mpirun excluded;
            elapsed_s is the wall time of the whole mpirun command)."""
    rows = []
    for ranks, over, elapsed, share, load, report in runs:
        m = run_metrics(report)
        if m["ranks"] != ranks:
            note(f"{report}: n_ranks {m['ranks']} != {ranks} requested")
        if share < 0.8 and not over:
            note(f"{ranks} ranks: cpu_share {share:.2f} (load average {load:.1f}): the cores were shared "
                 "with other work; this time is not a scaling measurement")
        rows.append(dict(m, ranks=ranks, oversubscribed=over, elapsed_s=elapsed, cpu_share=share,
                         load_avg=load, report=report))
    rows.sort(key=lambda r: r["ranks"])
    if not rows:
        return rows
    p0, t0 = rows[0]["ranks"], rows[0]["wall_s"]
    for r in rows:
        if mode == "strong":
            r["speedup"] = p0 * t0 / r["wall_s"]
            r["efficiency"] = r["speedup"] / r["ranks"]
        else:
            r["efficiency"] = t0 / r["wall_s"]
            r["speedup"] = r["ranks"] / p0 * r["efficiency"]
    if p0 != 1:
        note(f"no 1-rank run: speedup relative to {p0} ranks (assumed perfect up to {p0})")
    return rows


def write_outputs(mode, rows, prefix, meta):
    """Write PREFIX.csv (COLUMNS) and PREFIX.h5 (/scaling columns, /runs/ranks_P/{perf,units})."""
    with open(prefix + ".csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([f"{r[c]:.6g}" if isinstance(r[c], float) else r[c] for c in COLUMNS])
    with h5py.File(prefix + ".h5", "w") as f:
        for k, v in meta.items():
            f.attrs[k] = v
        g = f.create_group("scaling")
        for c in COLUMNS:
            vals = [r[c] for r in rows]
            if isinstance(vals[0], str):
                g[c] = np.array(vals, dtype="S")
            else:
                g[c] = np.array(vals)
        for r in rows:
            rg = f.create_group(f"runs/ranks_{r['ranks']}")
            rg.attrs["report"] = r["report"]
            for name in ("perf", "units"):
                t = r[name]
                if t is None:
                    continue
                tg = rg.create_group(name)
                for k, v in t.items():
                    if v is not None:
                        tg[k] = v.astype("S") if v.dtype.kind == "U" else v


def print_rows(rows):
    """The table on stdout, fixed width."""
    hdr = ("ranks", "over", "tickers", "wall_s", "speedup", "eff", "fits/s", "imbal", "rss_mb", "cpu", "load")
    print("%5s %4s %7s %9s %7s %6s %8s %6s %7s %5s %5s" % hdr)
    for r in rows:
        print("%5d %4d %7d %9.2f %7.2f %6.2f %8.1f %6.3f %7.1f %5.2f %5.1f" % (
            r["ranks"], r["oversubscribed"], r["n_tickers"], r["wall_s"], r["speedup"], r["efficiency"],
            r["fits_per_s"], r["imbalance"], r["peak_rss_mb_max"], r["cpu_share"], r["load_avg"]))


def main(argv):
    if len(argv) != 4 or argv[1] not in ("strong", "weak"):
        sys.exit("usage: perf_table.py strong|weak RUNS.tsv OUT_PREFIX")
    mode, runs_tsv, prefix = argv[1:]
    runs = []
    with open(runs_tsv) as fh:
        for rec in csv.DictReader(fh, delimiter="\t"):
            runs.append((int(rec["ranks"]), int(rec["oversubscribed"]), float(rec["elapsed_s"]),
                         float(rec["cpu_share"]), float(rec["load_avg"]), rec["report"]))
    try:
        rows = scaling_rows(mode, runs)
    except (OSError, ValueError) as e:
        sys.exit(f"perf_table: {e}")
    if not rows:
        sys.exit("perf_table: no runs")
    meta = {k: os.environ.get(v, "") for k, v in
            (("universe", "UNIVERSE"), ("options", "OPTIONS"), ("hpcast", "HPCAST"))}
    meta.update(mode=mode, nproc=os.cpu_count() or 1, host=socket.gethostname(),
                created_utc=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    write_outputs(mode, rows, prefix, meta)
    print_rows(rows)


if __name__ == "__main__":
    main(sys.argv)
