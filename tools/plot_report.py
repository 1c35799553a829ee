#!/usr/bin/python3
"""Draw an hpcast report (docs/report-schema.md, schema_version 5 or 6): PNG files and an index.html.

usage: tools/plot_report.py REPORT [-out DIR] [-ticker T] [-data_dir DIR] [-log_view FILE]

  -out DIR       where the pictures go (default: beside the report, named after it:
                 out/report.h5 -> out/report/)
  -ticker T      draw the forecast of ticker T (its observations come from the universe)
  -data_dir DIR  the universe's directory of T.csv files (default: -data_dir of the report's
                 `options` attribute, or its -data_file when that is a panel, docs/panel.md)
  -log_view FILE PETSc's -log_view text output of the run, for the time per log event

The pictures (docs/plots.md shows them), each with its source in the report:
  pit.png          Calibration. The universe's PIT histogram: the 1-step PIT values of every
                   ticker's reported ensemble (`/backtest/scores`, model `ensemble:<scheme>` of
                   `/summary/ensemble`, horizon 1; count = pit_hist x n), pooled over the
                   tickers, in 10 bins; the band is the binomial 95 % interval of a bin's count
                   under U(0,1), Binomial(total, 0.1) quantiles 2.5 % and 97.5 %.
  coverage.png     Calibration. Empirical coverage of the same rows' central 50/80/95 %
                   intervals (`coverage`), one dot per ticker sorted within each level, against
                   the nominal level and its binomial 95 % band for the median number of origins.
  crps.png         Calibration. Mean 1-step CRPS of the ensemble against the constant-mean
                   benchmark by ticker (`/summary/crps_1`, `crps_bench_1`), and the skill
                   1 - CRPS / CRPS_bench sorted, coloured by the Diebold-Mariano verdict at 5 %
                   (`dm_stat`, `dm_p`).
  book.png         The book. Wealth of 1 invested at the start of the backtest in the book of
                   `-portfolio`, the equal-weight book of the per-ticker strategies and
                   equal-weight buy-and-hold (`/backtest/book`: daily decimal returns net of
                   costs, compounded), and each one's drawdown from its peak underneath. A report
                   without a portfolio but with `/backtest/covariance` gives the equal-weight
                   book of its one-step forecast errors (`r_ew`, percent) instead.
  correlation.png  Correlations. The 1-step correlation forecast of the tickers in the model
                   (`/covariance`: `correlation`, or R = B B' + diag(psi) from `loadings` and
                   `specific_variance`), ordered by hierarchical clustering (average linkage on
                   the distance sqrt((1 - R) / 2), optimal leaf order); with a sector table in
                   the report (`/portfolio` attribute `sectors`) a strip marks each ticker's
                   sector. At most 300 tickers: beyond, the 300 most connected (largest mean
                   |correlation|; of the factor form, largest sum of squared loadings).
  forecast.png     Forecasts (-ticker T). The last 250 observations of T, read from the
                   universe's T.csv (or panel file) with the report's -column and -transform, and the ensemble
                   forecast to the horizon (`/forecast`: mean, 80 % and 95 % intervals).
  time.png         Time. Wall, busy (inside work units) and fit time per rank (`/perf`).
  phases.png       Time (-log_view FILE). Time of each hpcast log event (hc*) of PETSc's
                   -log_view output, maximum over the ranks, per log stage.

A picture the report cannot give (no backtest, no /covariance, no portfolio, no -ticker ...) is
skipped with the reason, on stdout and in index.html. plots.json beside the pictures lists them
(file, caption, figure size in inches and dpi: the PNG is size x dpi pixels), the skipped ones
and the numbers drawn (the PIT counts and band, the final wealth of each book, ...).

Exit status: 0 pictures written (some may be skipped); 2 the report cannot be read or is not
schema_version 5 or 6 (one line on stderr).
"""
import argparse
import csv
import html
import json
import os
import sys

import h5py
import matplotlib
import matplotlib.colors
import matplotlib.dates
import matplotlib.patches
import numpy as np

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402 (after the backend is chosen)
from scipy.cluster import hierarchy  # noqa: E402
from scipy.spatial.distance import squareform  # noqa: E402
from scipy.stats import binom  # noqa: E402

SCHEMA_VERSIONS = (5, 6)
DPI = 100
HISTORY = 250       # observations before the forecast origin in forecast.png
ZOOM = 20           # of which the last ZOOM are drawn beside the forecast
MAX_HEATMAP = 300   # most tickers in correlation.png
MAX_LABELS = 60     # tickers named on an axis; beyond, the axis is unlabelled
COLORS = {"book": "tab:blue", "strategies": "tab:orange", "benchmark": "tab:gray", "ew": "tab:green"}
# sectors: the ten of tab10, then the light ones of tab20
SECTOR_COLORS = list(matplotlib.colormaps["tab10"].colors) + list(matplotlib.colormaps["tab20"].colors[1::2])


class Skip(Exception):
    """A picture the report cannot give; the message says why."""


class Report:
    """The report's objects, with absent ones turned into Skip."""

    def __init__(self, path):
        self.f = h5py.File(path, "r")

    def has(self, name):
        return name in self.f

    def array(self, name):
        if name not in self.f:
            raise Skip(f"the report has no {name}")
        return self.f[name][()]

    def strings(self, name):
        return np.char.decode(self.array(name), "ascii")

    def attr(self, name, key, default=None):
        obj = self.f[name] if name in self.f else None
        if obj is None or key not in obj.attrs:
            return default
        v = obj.attrs[key]
        return v.decode() if isinstance(v, bytes) else v


class Ctx:
    """What a picture function has: the report, the command line and the drawn numbers."""

    def __init__(self, rep, args):
        self.rep, self.args, self.drawn = rep, args, {}


def figure(width, height, rows=1, cols=1, **kw):
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False, **kw)


def parse_options(text):
    """The report's `options` attribute ("-key value -flag -key2 value2 ...") as a dict."""
    opts, key = {}, None
    for tok in text.split():
        if tok.startswith("-") and len(tok) > 1 and (tok[1].isalpha() or tok[1] == "_"):
            key = tok[1:]
            opts[key] = ""
        elif key is not None:
            opts[key] = (opts[key] + " " + tok).strip()
    return opts


def date_axis(labels):
    """ISO date labels as datetime64 for a date axis; other labels as their index."""
    try:
        return np.array(labels, dtype="datetime64[D]"), True
    except ValueError:
        return np.arange(len(labels)), False


def name_ticks(ax, names, axis="x"):
    """Name every ticker on the axis when there are few enough to read, else none."""
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    if len(names) <= MAX_LABELS:
        setter(np.arange(len(names)), names, rotation=90 if axis == "x" else 0, fontsize=7)
    else:
        setter([])


# ---- calibration ------------------------------------------------------------------------------

def reported_ensemble_rows(rep):
    """Indices into /backtest/scores of each ticker's reported ensemble at horizon 1, and tickers."""
    scheme = {t: "ensemble:" + e for t, e in zip(rep.strings("summary/ticker"), rep.strings("summary/ensemble")) if e}
    if not scheme:
        raise Skip("no ticker has a backtest (/summary/ensemble is empty: -backtest_origins 0, or every series too short)")
    tick = rep.strings("backtest/scores/ticker")
    want = np.array([scheme.get(t, "") for t in tick])
    rows = np.flatnonzero((rep.array("backtest/scores/horizon") == 1) & (rep.strings("backtest/scores/model") == want))
    if rows.size == 0:
        raise Skip("/backtest/scores has no 1-step row of a reported ensemble")
    return rows, tick[rows]


def plot_pit(ctx):
    rep = ctx.rep
    rows, tick = reported_ensemble_rows(rep)
    counts = np.rint(rep.array("backtest/scores/pit_hist")[rows] * rep.array("backtest/scores/n")[rows, None]).sum(axis=0)
    total = int(counts.sum())
    lo, hi = binom.ppf([0.025, 0.975], total, 0.1)
    outside = int(((counts < lo) | (counts > hi)).sum())
    expected = total / 10
    fig, ax = figure(8, 4.5)
    ax = ax[0, 0]
    edges = np.linspace(0, 1, 11)
    # bars from the expected count, so that a few per cent off flat stay visible with many values
    ax.bar(edges[:-1], counts - expected, bottom=expected, width=0.1, align="edge", color="tab:blue", alpha=0.75,
           edgecolor="white", label="PIT count")
    # the band over the bars, see-through and edged, so that the bars below the expected count
    # do not hide its lower half
    ax.axhspan(lo, hi, facecolor="tab:orange", alpha=0.25, zorder=3, label="binomial 95 % band under U(0,1)")
    for y in (lo, hi):
        ax.axhline(y, color="tab:orange", lw=0.8, zorder=3)
    ax.axhline(expected, color="tab:orange", lw=1, ls="--", label="expected count (flat)")
    ymin, ymax = min(counts.min(), lo), max(counts.max(), hi)
    ax.set(xlim=(0, 1), ylim=(ymin - 0.1 * (ymax - ymin), ymax + 0.35 * (ymax - ymin)), xticks=edges,
           xlabel="PIT value of the 1-step forecast", ylabel="count",
           title=f"PIT histogram of the universe: {total} forecasts of {len(tick)} tickers")
    ax.secondary_yaxis("right", functions=(lambda c: c / expected, lambda r: r * expected)).set_ylabel("count / expected")
    ax.legend(loc="upper center", ncol=3, fontsize=8)
    ctx.drawn["pit"] = {"counts": counts.astype(int).tolist(), "total": total, "band": [int(lo), int(hi)], "tickers": len(tick)}
    return fig, (f"PIT histogram of the reported ensembles' 1-step forecasts, pooled over {len(tick)} tickers "
                 f"({total} values). A calibrated forecast gives a flat histogram; the band is the binomial 95 % "
                 f"interval of a bin's count under U(0,1), [{int(lo)}, {int(hi)}]: {outside} of 10 bins fall outside. "
                 "The band assumes independent values; the tickers' PIT values on the same date are correlated, "
                 "so the pooled counts spread more than it says. A hump in the middle: intervals too wide; U shape: "
                 "too narrow; a slope: a biased mean (rising to the right: outcomes above the forecast more often).")


def plot_coverage(ctx):
    rep = ctx.rep
    rows, tick = reported_ensemble_rows(rep)
    cov = rep.array("backtest/scores/coverage")[rows]
    n = rep.array("backtest/scores/n")[rows]
    levels = rep.f["backtest/scores/coverage"].attrs["levels"]
    nmed = int(np.median(n))
    fig, axes = figure(12, 4.5, 1, len(levels), sharey=False)
    outside, summary = [], []
    for k, (ax, p) in enumerate(zip(axes[0], levels)):
        order = np.argsort(cov[:, k], kind="stable")
        lo_i, hi_i = binom.ppf(0.025, n, p) / n, binom.ppf(0.975, n, p) / n
        out = int(((cov[:, k] < lo_i) | (cov[:, k] > hi_i)).sum())
        outside.append(out)
        lo, hi = binom.ppf([0.025, 0.975], nmed, p) / nmed
        ax.axhspan(lo, hi, color="tab:orange", alpha=0.25, label=f"binomial 95 % band, n = {nmed}")
        ax.axhline(p, color="tab:orange", lw=1, ls="--", label=f"nominal {p:.0%}")
        ax.plot(np.arange(len(order)), cov[order, k], "o", ms=3 if len(order) > MAX_LABELS else 5, color="tab:blue")
        name_ticks(ax, tick[order])
        ax.set(title=f"{p:.0%} intervals: {out} of {len(tick)} outside the band",
               xlabel="tickers, sorted by coverage" + ("" if len(order) <= MAX_LABELS else f" ({len(order)})"),
               ylabel="empirical coverage" if k == 0 else None)
        if len(order) > MAX_LABELS:   # name the two ends
            for j, va in ((0, "top"), (len(order) - 1, "bottom")):
                ax.annotate(tick[order[j]], (j, cov[order[j], k]), fontsize=7, ha="left" if j == 0 else "right",
                            va=va, xytext=(4 if j == 0 else -4, -4 if j == 0 else 4), textcoords="offset points")
        ax.legend(loc="lower right", fontsize=8)
        summary.append(f"{p:.0%}: {cov[:, k].min():.2f}..{cov[:, k].max():.2f} (median {np.median(cov[:, k]):.2f})")
    ctx.drawn["coverage"] = {"levels": [float(p) for p in levels], "tickers": len(tick), "outside_band": outside,
                             "min": cov.min(axis=0).tolist(), "median": np.median(cov, axis=0).tolist(),
                             "max": cov.max(axis=0).tolist()}
    return fig, (f"Empirical coverage of the reported ensembles' 1-step central intervals over the backtest, one dot "
                 f"per ticker, sorted; {'; '.join(summary)}. The shaded band is where a calibrated ticker's coverage "
                 f"falls with 95 % probability (binomial, {nmed} origins, the median); a ticker is counted outside "
                 "against the band of its own number of origins.")


def plot_crps(ctx):
    rep = ctx.rep
    tick = rep.strings("summary/ticker")
    crps, bench = rep.array("summary/crps_1"), rep.array("summary/crps_bench_1")
    dm_stat, dm_p = rep.array("summary/dm_stat"), rep.array("summary/dm_p")
    ok = np.isfinite(crps) & np.isfinite(bench)
    if not ok.any():
        raise Skip("no ticker has the 1-step CRPS of the constant-mean benchmark (/summary/crps_bench_1 is NaN: no backtest)")
    tick, crps, bench, dm_stat, dm_p = tick[ok], crps[ok], bench[ok], dm_stat[ok], dm_p[ok]
    better = (dm_p < 0.05) & (dm_stat < 0)
    worse = (dm_p < 0.05) & (dm_stat > 0)
    skill = 100 * (1 - crps / bench)
    groups = ((~better & ~worse, "tab:gray", "no difference at 5 %"), (better, "tab:green", "ensemble better (DM, 5 %)"),
              (worse, "tab:red", "benchmark better (DM, 5 %)"))
    fig, axes = figure(12, 5, 1, 2, width_ratios=[1, 1.6])
    ax1, ax2 = axes[0]
    ms = 3 if len(tick) > MAX_LABELS else 5
    for mask, color, label in groups:
        ax1.plot(bench[mask], crps[mask], "o", ms=ms, color=color, label=f"{label}: {int(mask.sum())}")
    lim = [min(bench.min(), crps.min()) * 0.95, max(bench.max(), crps.max()) * 1.05]
    ax1.plot(lim, lim, color="black", lw=0.8, label="equal CRPS")
    ax1.set(xlim=lim, ylim=lim, aspect="equal", title="mean 1-step CRPS by ticker",
            xlabel="constant-mean benchmark, percent", ylabel="reported ensemble, percent")
    ax1.legend(fontsize=8, loc="upper left")
    order = np.argsort(skill, kind="stable")
    x = np.arange(len(order))
    for mask, color, label in groups:
        sel = mask[order]
        ax2.plot(x[sel], skill[order][sel], "o", ms=ms, color=color)
    ax2.axhline(0, color="black", lw=0.8)
    name_ticks(ax2, tick[order])
    ax2.set(title="CRPS skill against the constant mean, sorted", ylabel="1 - CRPS / CRPS_bench, %",
            xlabel="tickers, sorted by skill" + ("" if len(order) <= MAX_LABELS else f" ({len(order)})"))
    ctx.drawn["crps"] = {"tickers": len(tick), "ensemble_better": int(better.sum()), "benchmark_better": int(worse.sum()),
                         "mean_crps": float(crps.mean()), "mean_crps_bench": float(bench.mean()),
                         "median_skill_pct": float(np.median(skill))}
    return fig, (f"Left: each ticker's mean 1-step CRPS over the backtest, reported ensemble against the constant-mean "
                 f"benchmark (ARMA(0,0) with the same volatility model); below the line the ensemble is better. Right: "
                 f"the skill 1 - CRPS / CRPS_bench, sorted (median {np.median(skill):+.2f} %, range "
                 f"{skill.min():+.2f} .. {skill.max():+.2f} %). Colour: the Diebold-Mariano test at 5 %: the ensemble "
                 f"is better for {int(better.sum())} of {len(tick)} tickers, the benchmark for {int(worse.sum())}; mean "
                 f"CRPS {crps.mean():.4f} against {bench.mean():.4f}.")


# ---- the book ---------------------------------------------------------------------------------

def wealth(returns):
    """Wealth of 1 compounded over decimal returns (a NaN day: no position, wealth unchanged) and
    its drawdown from the running peak (the start, 1, included)."""
    w = np.cumprod(1 + np.nan_to_num(returns, nan=0.0))
    return w, w / np.maximum.accumulate(np.maximum(w, 1.0)) - 1


def plot_book(ctx):
    rep = ctx.rep
    if rep.has("backtest/book"):
        method = rep.attr("portfolio", "method", "portfolio")
        dates = rep.strings("backtest/book/date")
        series = [(f"{method} book", "book", rep.array("backtest/book/book")),
                  ("per-ticker strategies, equal weight", "strategies", rep.array("backtest/book/strategies")),
                  ("buy-and-hold, equal weight", "benchmark", rep.array("backtest/book/benchmark"))]
        rebuilt = rep.attr("backtest/book", "rebalances", "?")
        heading = "the books over the backtest"
        what = (f"The {method} book (rebuilt {rebuilt} times, every -refit_every dates, from what was known the day before, "
                "net of -cost_bps on its turnover), the equal-weight book of the per-ticker strategies (net of costs) and "
                "equal-weight buy-and-hold of the tickers with a forecast on the first date (/backtest/book)")
    elif rep.has("backtest/covariance"):
        dates = rep.strings("backtest/covariance/date")
        series = [("equal weight, forecast errors", "ew", rep.array("backtest/covariance/r_ew") / 100)]
        heading = "no portfolio: the equal-weight book of the forecast errors"
        what = ("The report has no portfolio (-portfolio none): the equal-weight book of the tickers in the "
                "covariance model, on their one-step forecast errors (return minus the ensemble's forecast mean; "
                "/backtest/covariance r_ew), no costs")
    else:
        raise Skip("the report has neither /backtest/book (no portfolio) nor /backtest/covariance (-covariance none)")
    if len(dates) == 0:
        raise Skip("the book's backtest has no dates")
    x, is_date = date_axis(dates)
    fig, axes = figure(11, 6.5, 2, 1, sharex=True, height_ratios=[2.2, 1])
    top, bottom = axes[0, 0], axes[1, 0]
    finals, drawdowns = {}, {}
    for label, key, r in series:
        w, dd = wealth(r)
        finals[key], drawdowns[key] = float(w[-1]), float(dd.min())
        top.plot(x, w, color=COLORS[key], lw=1.2, label=f"{label}: {w[-1]:.3f}")
        bottom.plot(x, 100 * dd, color=COLORS[key], lw=1)
    top.axhline(1, color="black", lw=0.6)
    top.set(ylabel="wealth (1 at the start)", title=f"{heading}, {dates[0]} .. {dates[-1]} ({len(dates)} days)")
    top.legend(fontsize=8, loc="upper left", title="final wealth", title_fontsize=8)
    bottom.set(ylabel="drawdown, %", xlabel="date" if is_date else "backtest day")
    if is_date:
        bottom.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(bottom.xaxis.get_major_locator()))
    ctx.drawn["book"] = {"final_wealth": finals, "max_drawdown": drawdowns, "days": len(dates)}
    finals_text = ", ".join(f"{label} {finals[key]:.3f} (max drawdown {-100 * drawdowns[key]:.1f} %)" for label, key, _ in series)
    return fig, (f"{what}: wealth of 1 invested on {dates[0]}, compounded daily, and the drawdown from its peak "
                 f"underneath. Final wealth on {dates[-1]}: {finals_text}.")


# ---- correlations -----------------------------------------------------------------------------

def sectors_of(path):
    """The sector of each ticker in a CSV with Symbol (or Ticker) and Sector columns; {} if unreadable."""
    try:
        with open(path, newline="") as fh:
            rows = list(csv.reader(fh))
        head = [h.strip().lower() for h in rows[0]]
        sym, sec = head.index("symbol") if "symbol" in head else head.index("ticker"), head.index("sector")
    except (OSError, ValueError, IndexError):
        return {}
    return {r[sym].strip(): r[sec].strip() for r in rows[1:] if len(r) > max(sym, sec) and r[sec].strip()}


def plot_correlation(ctx):
    rep = ctx.rep
    if not rep.has("covariance"):
        raise Skip("the report has no /covariance (-covariance none, or a -shard or merged report)")
    tick = rep.strings("summary/ticker")
    member = np.flatnonzero(rep.array("covariance/in_matrix") == 1)
    if member.size < 2:
        raise Skip(f"{member.size} ticker in the covariance model: nothing to correlate")
    # beyond MAX_HEATMAP members, the most connected ones; the factor form's R is built for them only
    if rep.has("covariance/correlation"):
        R = rep.array("covariance/correlation")[np.ix_(member, member)]
        shown = np.sort(np.argsort(-np.abs(R).sum(axis=1), kind="stable")[:MAX_HEATMAP])
        R = R[np.ix_(shown, shown)]
        criterion = "largest mean |correlation|"
    else:
        B = rep.array("covariance/loadings")[member]
        shown = np.sort(np.argsort(-(B ** 2).sum(axis=1), kind="stable")[:MAX_HEATMAP])
        R = B[shown] @ B[shown].T + np.diag(rep.array("covariance/specific_variance")[member[shown]])
        criterion = "largest communality (sum of squared loadings)"
    dist = squareform(np.sqrt(np.clip((1 - R) / 2, 0, None)), checks=False)
    order = hierarchy.leaves_list(hierarchy.optimal_leaf_ordering(hierarchy.linkage(dist, "average"), dist))
    R, names = R[np.ix_(order, order)], tick[member[shown[order]]]
    sector_file = rep.attr("portfolio", "sectors", "")
    sector = sectors_of(sector_file) if sector_file else {}
    model = rep.attr("covariance", "model", "?")
    if sector:   # rows: a strip of the tickers' sectors above the columns, the heatmap, the sectors' legend
        fig, axes = figure(10, 10.5, 3, 1, height_ratios=[0.03, 1, 0.08])
        strip, ax, key = axes[:, 0]
    else:
        fig, axes = figure(10, 9.5)
        ax = axes[0, 0]
    im = ax.imshow(R, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    fig.colorbar(im, ax=axes[:, 0], shrink=0.8, label="1-step correlation forecast")
    name_ticks(ax, names, "x")
    name_ticks(ax, names, "y")
    count = f"{len(names)} of {member.size}" if len(names) < member.size else f"{len(names)}"
    fig.suptitle(f"{model} correlation forecast, {count} tickers ordered by hierarchical clustering")
    if sector:
        missing = "not in the sector table"
        labels = [sector.get(t, missing) for t in names]
        kinds = sorted(set(labels) - {missing}) + ([missing] if missing in labels else [])
        colors = [SECTOR_COLORS[k % len(SECTOR_COLORS)] if s != missing else "lightgray" for k, s in enumerate(kinds)]
        strip.imshow(np.array([kinds.index(s) for s in labels])[None, :], cmap=matplotlib.colors.ListedColormap(colors),
                     vmin=-0.5, vmax=len(kinds) - 0.5, aspect="auto", interpolation="nearest")
        strip.set_axis_off()
        key.set_axis_off()
        key.legend(handles=[matplotlib.patches.Patch(color=c, label=k) for c, k in zip(colors, kinds)], loc="center",
                   ncol=4, fontsize=8, frameon=False, title="sector (the strip above the columns)", title_fontsize=8)
    off = R[~np.eye(len(names), dtype=bool)]
    window = f"{rep.attr('covariance', 'first_date', '')} .. {rep.attr('covariance', 'last_date', '')}"
    ctx.drawn["correlation"] = {"model": model, "members": int(member.size), "shown": len(names),
                                "mean_offdiagonal": float(off.mean()), "order": names.tolist()}
    cap = (f" Of the {member.size} tickers in the model, the {MAX_HEATMAP} of {criterion} are shown."
           if member.size > MAX_HEATMAP else "")
    labels = ("" if len(names) <= MAX_LABELS else
              f" Tickers are not named ({len(names)} are too many to read); plots.json lists the order.")
    strip = f" The strip above the columns gives each ticker's sector ({os.path.basename(sector_file)})." if sector else ""
    return fig, (f"The one-step correlation forecast ({model}, estimation window {window}) of the tickers in the "
                 f"model, ordered by hierarchical clustering (average linkage on sqrt((1 - R) / 2)): correlated groups "
                 f"form blocks on the diagonal. Off-diagonal mean {off.mean():.3f}, range {off.min():.2f} .. "
                 f"{off.max():.2f}.{cap}{labels}{strip}")


# ---- forecasts --------------------------------------------------------------------------------

def panel_rows(path, ticker, column):
    """The labels and values of ticker in an hpcast panel file (docs/panel.md), as hpcast reads them."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("format", b"") not in (b"hpcast-panel", "hpcast-panel"):
            raise Skip(f"{path} is not an hpcast panel")
        names = np.array([t.decode() if isinstance(t, bytes) else t for t in f["ticker"][:]])
        hit = np.flatnonzero(names == ticker)
        if not len(hit):
            raise Skip(f"the panel {path} has no ticker {ticker}")
        i = int(hit[0])
        if f"columns/{column}" not in f or not f[f"present/{column}"][i]:
            raise Skip(f"the panel {path} has no column '{column}' for {ticker}")
        a, b = (int(x) for x in f["offset"][i:i + 2])
        la, lb = (int(x) for x in f["label_offset"][i:i + 2])
        values = f[f"columns/{column}"][a:b]
        if lb > la:
            labels = [x.decode() for x in f["label"][la:lb]]
        elif f["dated"][i]:
            t = f["time"][a:b]
            labels = [str(np.datetime64(int(x), "s")).replace("T", " ") if x % 86400 else str(np.datetime64(int(x) // 86400, "D"))
                      for x in t]
        else:
            labels = [str(k + 1) for k in range(b - a)]
    return [[lab, v] for lab, v in zip(labels, values)], 1


def observations(ctx, ticker, last_date):
    """The ticker's series up to last_date from the universe, as hpcast read it: labels and values."""
    opts = parse_options(ctx.rep.attr("/", "options", ""))
    data_dir = ctx.args.data_dir or opts.get("data_dir")
    data_file = opts.get("data_file", "")
    column, transform = opts.get("column", "adjusted_close"), opts.get("transform", "logret100")
    if not data_dir and data_file and h5py.is_hdf5(data_file):
        path = data_file
        rows, col = panel_rows(path, ticker, column)
        rows = [["label", column]] + rows
    elif not data_dir:
        raise Skip("the report's run read no -data_dir or panel -data_file (give -data_dir DIR with the universe's T.csv)")
    else:
        path = os.path.join(data_dir, ticker + ".csv")
        try:
            with open(path, newline="") as fh:
                rows = list(csv.reader(fh))
            col = [h.strip() for h in rows[0]].index(column)
        except OSError as e:
            raise Skip(f"cannot read the observations of {ticker}: {e.strerror}: {path} (give -data_dir DIR)")
        except (ValueError, IndexError):
            raise Skip(f"{path} has no column '{column}'")
    labels, values = [], []
    for r in rows[1:]:
        try:
            v = float(r[col])
        except (ValueError, IndexError):
            continue
        if np.isfinite(v) and (transform != "logret100" or v > 0):
            labels.append(r[0].strip())
            values.append(v)
    if len(labels) > 1 and labels[0] > labels[-1]:   # newest first
        labels, values = labels[::-1], values[::-1]
    if last_date not in labels:
        raise Skip(f"{path} has no observation dated {last_date}, the report's last date of {ticker}")
    end = labels.index(last_date) + 1
    labels, values = labels[:end], np.array(values[:end])
    if transform == "logret100":
        labels, values = labels[1:], 100 * np.diff(np.log(values))
    elif transform != "none":
        raise Skip(f"unknown -transform {transform} in the report's options")
    return labels, values, path, column, transform


def plot_forecast(ctx):
    rep, ticker = ctx.rep, ctx.args.ticker
    if not ticker:
        raise Skip("no -ticker T given")
    tick = rep.strings("summary/ticker")
    if ticker not in tick:
        raise Skip(f"the report has no ticker {ticker}")
    i = int(np.flatnonzero(tick == ticker)[0])
    status = rep.strings("summary/status")[i]
    if status != "ok":
        raise Skip(f"{ticker} is {status}: {rep.strings('summary/reason')[i]}")
    mean, lo, hi = rep.array("forecast/mean")[i], rep.array("forecast/lo")[i], rep.array("forecast/hi")[i]
    levels = rep.f["forecast/lo"].attrs["levels"]
    last_date = rep.strings("summary/last_date")[i]
    labels, y, path, column, transform = observations(ctx, ticker, last_date)
    labels, y = labels[-HISTORY:], y[-HISTORY:]
    H = int(np.isfinite(mean).sum())
    fig, axes = figure(12, 5, 1, 2, sharey=True, width_ratios=[2.4, 1])
    past, ahead = axes[0]
    x, is_date = date_axis(labels)
    past.plot(x, y, color="black", lw=0.8)
    past.set(title=f"{ticker}: the last {len(y)} observations, {labels[0]} .. {last_date}",
             xlabel="date" if is_date else "observation",
             ylabel="percent log return" if transform == "logret100" else column)
    if is_date:
        past.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(past.xaxis.get_major_locator()))
    # the right panel: the last ZOOM observations and the forecast, by observations from the origin
    tail = y[-ZOOM:]
    ahead.plot(np.arange(1 - len(tail), 1), tail, "o-", color="black", lw=0.8, ms=2.5, label=f"observed ({column}, {transform})")
    xf = np.arange(1, H + 1)
    for k, l in enumerate(np.argsort(levels)[::-1]):   # the widest interval first, the narrower over it
        ahead.fill_between(xf, lo[:H, l], hi[:H, l], color="tab:blue", alpha=0.2 + 0.2 * k, lw=0,
                           label=f"{levels[l]:.0%} interval")
    ahead.plot(xf, mean[:H], "o-", color="tab:blue", lw=1.5, ms=2.5, label="forecast mean")
    ahead.axvline(0.5, color="gray", lw=0.6, ls=":")
    ahead.set(xlim=(0.5 - len(tail), H + 0.5), title=f"the ensemble forecast, h = 1..{H}",
              xlabel=f"observations from {last_date} (h = 1 is the next)")
    ahead.legend(fontsize=8, loc="lower left")
    ctx.drawn["forecast"] = {"ticker": ticker, "last_date": last_date, "history": len(y), "first_shown": labels[0],
                             "horizon": H, "source": path}
    return fig, (f"{ticker}: the last {len(y)} observations ({labels[0]} .. {last_date}; {transform} of the column "
                 f"'{column}' of {path}) and the ensemble forecast from {last_date} to h = {H} (/forecast): mean "
                 f"{mean[0]:+.3f}, 95 % interval [{lo[0, -1]:.2f}, {hi[0, -1]:.2f}] at h = 1 and "
                 f"[{lo[H - 1, -1]:.2f}, {hi[H - 1, -1]:.2f}] at h = {H}.")


# ---- time -------------------------------------------------------------------------------------

def plot_time(ctx):
    rep = ctx.rep
    rank = rep.array("perf/rank")
    cols = [("wall", "wall_s", "tab:gray"), ("busy (in work units)", "busy_s", "tab:blue"), ("fit", "fit_s", "tab:orange")]
    vals = {key: rep.array("perf/" + key) for _, key, _ in cols}
    fig, ax = figure(round(max(6, min(16, 2 + 0.45 * len(rank))), 1), 4.5)
    ax = ax[0, 0]
    width = 0.8 / len(cols)
    for k, (label, key, color) in enumerate(cols):
        bars = ax.bar(rank + (k - 1) * width, vals[key], width=width, color=color, label=label)
        if len(rank) <= 8:
            ax.bar_label(bars, fmt="%.3g", fontsize=7)
    if len(rank) <= 32:
        ax.set_xticks(rank)
    busy = vals["busy_s"]
    imbalance = busy.max() / busy.mean() if busy.mean() > 0 else float("nan")
    ax.set(xlabel="rank", ylabel="seconds", ylim=(0, 1.2 * vals["wall_s"].max()),
           title=f"time per rank: wall {vals['wall_s'].max():.1f} s, load imbalance {imbalance:.3f}")
    ax.legend(fontsize=8, loc="upper center", ncol=3)
    cov_s = rep.attr("/", "covariance_seconds")
    stage = "" if cov_s is None else f" The cross-sectional stage took {cov_s:.1f} s (root attribute covariance_seconds)."
    ctx.drawn["time"] = {k: v.tolist() for k, v in vals.items()} | {"rank": rank.tolist(), "imbalance": float(imbalance)}
    return fig, (f"Per rank (/perf): wall time of the run, time inside work units (busy) and in model fitting and "
                 f"forecasting (fit). Wall {vals['wall_s'].max():.1f} s on {len(rank)} ranks; load imbalance (max / "
                 f"mean busy) {imbalance:.3f}.{stage}")


def log_events(path):
    """The events of PETSc's -log_view text: [(stage, event, count, max time s, max/min ratio)]."""
    events, stage, in_table = [], "", False
    with open(path, errors="replace") as fh:
        for line in fh:
            if line.startswith("Event ") and "Count" in line:
                in_table = True
            elif line.startswith("Object Type"):
                in_table = False
            elif in_table and line.startswith("--- Event Stage"):
                stage = line.split(":", 1)[1].strip()
            elif in_table:
                f = line.split()
                if len(f) >= 5 and f[1].isdigit():
                    try:
                        events.append((stage, f[0], int(f[1]), float(f[3]), float(f[4])))
                    except ValueError:
                        pass
    return events


def plot_phases(ctx):
    path = ctx.args.log_view
    if not path:
        raise Skip("no -log_view FILE given (the report holds no per-phase times; run hpcast with -log_view :FILE)")
    try:
        events = [e for e in log_events(path) if e[1].startswith("hc")]
    except OSError as e:
        raise Skip(f"cannot read {path}: {e.strerror}")
    if not events:
        raise Skip(f"{path} has no hpcast log event (hc*): not PETSc -log_view output of hpcast")
    stages = sorted({e[0] for e in events})
    events.sort(key=lambda e: e[3])
    names = [e[1] if len(stages) == 1 else f"{e[0]}: {e[1]}" for e in events]
    t = np.array([e[3] for e in events])
    fig, ax = figure(9, max(3.5, 0.25 * len(events) + 1.5))
    ax = ax[0, 0]
    ax.barh(np.arange(len(events)), t, color="tab:blue")
    ax.set_yticks(np.arange(len(events)), names, fontsize=8)
    for k, e in enumerate(events):
        ax.annotate(f"{e[3]:.3g} s  x{e[2]}", (t[k], k), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set(xlabel="seconds (maximum over the ranks)", xlim=(0, t.max() * 1.25),
           title=f"time per hpcast log event ({', '.join(stages)})")
    ctx.drawn["phases"] = {"source": path, "events": {n: float(x) for n, x in zip(names, t)}}
    return fig, (f"hpcast's PETSc log events from {path}: time on the slowest rank and calls (x: on the rank with the "
                 "most). Events "
                 "nest (hcFit holds the per-ticker steps hcSelectMean .. hcTrading, hcBacktest holds hcRefit, "
                 "hcFilter and hcScore, hcCovariance the cross-sectional ones), so the bars do not add up.")


PLOTS = [("pit.png", "Calibration: PIT histogram", plot_pit),
         ("coverage.png", "Calibration: interval coverage", plot_coverage),
         ("crps.png", "Calibration: CRPS against the constant mean", plot_crps),
         ("book.png", "The book: wealth and drawdown", plot_book),
         ("correlation.png", "Correlations", plot_correlation),
         ("forecast.png", "Forecast", plot_forecast),
         ("time.png", "Time per rank", plot_time),
         ("phases.png", "Time per log event", plot_phases)]


def write_index(out, report, rep, figures, skipped):
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>hpcast report {esc(report)}</title>",
             "<style>body{font-family:sans-serif;max-width:1200px;margin:auto}figure{margin:2em 0}"
             "img{max-width:100%;border:1px solid #ddd}figcaption{max-width:75em}</style></head><body>",
             f"<h1>hpcast report {esc(os.path.basename(report))}</h1>",
             f"<p>{esc(report)}: schema_version {rep.attr('/', 'schema_version')}, hpcast {esc(str(rep.attr('/', 'hpcast_version', '?')))}, "
             f"written {esc(str(rep.attr('/', 'created_utc', '?')))} by {esc(str(rep.attr('/', 'n_ranks', '?')))} ranks.</p>",
             f"<p><small>options: <code>{esc(str(rep.attr('/', 'options', '')))}</code></small></p>"]
    for fig in figures:
        parts.append(f'<figure id="{esc(fig["file"][:-4])}"><h2>{esc(fig["title"])}</h2>'
                     f'<img src="{esc(fig["file"])}" width="{fig["pixels"][0]}" height="{fig["pixels"][1]}" '
                     f'alt="{esc(fig["title"])}"><figcaption>{esc(fig["caption"])}</figcaption></figure>')
    if skipped:
        parts.append("<h2>Skipped</h2><ul>")
        parts += [f"<li>{esc(s['title'])} ({esc(s['file'])}): {esc(s['reason'])}</li>" for s in skipped]
        parts.append("</ul>")
    parts.append("</body></html>")
    with open(os.path.join(out, "index.html"), "w") as fh:
        fh.write("\n".join(parts) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], usage=__doc__.split("\n")[2][7:])
    ap.add_argument("report")
    ap.add_argument("-out")
    ap.add_argument("-ticker")
    ap.add_argument("-data_dir")
    ap.add_argument("-log_view")
    args = ap.parse_args()
    try:
        rep = Report(args.report)
    except OSError as e:
        print(f"plot_report: {args.report}: cannot open as HDF5: {e}", file=sys.stderr)
        return 2
    version = rep.attr("/", "schema_version")
    if version not in SCHEMA_VERSIONS:
        have = "no schema_version attribute" if version is None else f"schema_version {version}"
        print(f"plot_report: {args.report}: {have}; this tool reads schema_version 5 or 6", file=sys.stderr)
        return 2
    out = args.out or os.path.splitext(args.report)[0]
    os.makedirs(out, exist_ok=True)
    ctx = Ctx(rep, args)
    figures, skipped = [], []
    for file, title, draw in PLOTS:
        try:
            fig, caption = draw(ctx)
        except Skip as e:
            skipped.append({"file": file, "title": title, "reason": str(e)})
            print(f"plot_report: skipped {file} ({title}): {e}")
            continue
        fig.savefig(os.path.join(out, file), dpi=DPI)
        w, h = fig.get_size_inches()
        figures.append({"file": file, "title": title, "caption": caption, "figsize": [float(w), float(h)], "dpi": DPI,
                        "pixels": [int(round(w * DPI)), int(round(h * DPI))]})
        print(f"plot_report: wrote {os.path.join(out, file)}")
    write_index(out, args.report, rep, figures, skipped)
    with open(os.path.join(out, "plots.json"), "w") as fh:
        json.dump({"report": args.report, "schema_version": int(version), "figures": figures, "skipped": skipped,
                   "drawn": ctx.drawn}, fh, indent=1)
    print(f"plot_report: {os.path.join(out, 'index.html')}: {len(figures)} drawn, {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
