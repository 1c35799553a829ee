#!/usr/bin/python3
"""Compare two hpcast reports (BEFORE and AFTER) and check that a change kept the outputs.

BEFORE and AFTER are HDF5 reports (docs/report-schema.md, schema_version 2 to 6) written by two
builds of hpcast on the same universe, typically before and after a performance change. The
script prints:

  1. fits: for every (ticker, fit name) under /fits present in both reports, the log-likelihood
     difference AFTER - BEFORE, counted as higher (> +1e-6), equal (within 1e-6), lower by
     (1e-6, tol] and lower by more than tol; the pairs lower by more than tol, the largest drop
     and gain, and the fits that are ok in one report and not in the other.
     Rule: no fit that is ok in BEFORE drops by more than tol (or stops being ok in AFTER).
  2. selection: per ticker the selected spec of /summary (mean_model, vol_model); the tickers
     whose selection changed. Rule: where the selected spec is the same, its log-likelihood
     (/summary/loglik) drops by at most tol.
  3. calibration: the 1-step 95 % coverage of the reported ensemble (/summary/coverage95_1),
     pooled over tickers with the weights /summary/backtest_origins (a plain mean over the
     tickers that have one if that column is missing). Rule: AFTER is in [0.94, 0.96].
  4. the mean over tickers of the ensemble's 1-step CRPS (/summary/crps_1) and the /summary
     status counts (ok / rejected / failed) of both reports (information, no rule).
  5. with --identical: /summary and /forecast must be identical (every field, every row, rows
     matched by ticker; NaN equals NaN; strings compared byte for byte). For comparing a 1-rank
     and a 2-rank run of the same build.
  6. /perf: the job's wall time (max over ranks of /perf/wall_s) of both and AFTER/BEFORE.

Usage:
    tools/compare_reports.py BEFORE.h5 AFTER.h5 [--tol 1e-3] [--identical] [--csv OUT.csv]

    --tol T       log-likelihood tolerance of rules 1 and 2 (default 1e-3)
    --identical   also require /summary and /forecast to be identical (rule 5)
    --csv FILE    write one row per (ticker, fit) of either report: ticker, fit, statuses,
                  log-likelihoods, difference and category

Exit status:
    0  every rule checked passed
    1  a rule failed, or could not be checked because data it needs is missing (the output
       says which)
    2  usage error, a report cannot be opened or is not schema_version 2 to 6, or the CSV cannot
       be written

Needs only the standard library, numpy and h5py.
"""
import argparse
import csv
import math
import sys

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("error: this script needs h5py (Debian: apt-get install python3-h5py)")

SCHEMA_VERSION = (2, 3, 4, 5, 6)  # 3 adds /covariance, 4 /portfolio, 5 the /fits table, 6 /backtest/origins; the rest compared here is the same
EQUAL_EPS = 1e-6               # log-likelihood differences within this count as equal
COVERAGE_RANGE = (0.94, 0.96)  # rule 3: pooled 1-step 95 % coverage of AFTER
LIST_LIMIT = 20                # names shown when listing tickers


class ReportError(Exception):
    """Data the comparison needs is missing or malformed (a message, not a traceback)."""


# ----------------------------------------------------------------------------------------
# Reading a report
# ----------------------------------------------------------------------------------------

def text(value):
    """A string attribute or element as str: fixed-length bytes are decoded, NULs stripped."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).rstrip(b"\0").decode("ascii", errors="replace")
    return str(value)


def decode_column(values):
    """A string column (fixed-length bytes, or variable-length) as a list of str."""
    return [text(v) for v in values]


def is_string_column(values):
    return values.dtype.kind in "SUO"


class Report:
    """One open report; `label` (BEFORE/AFTER) names it in messages."""

    def __init__(self, path, label):
        self.path = path
        self.label = label
        try:
            self.file = h5py.File(path, "r")
        except OSError as err:
            raise ReportError(f"cannot open {label} report {path}: {err}") from None
        version = self.file.attrs.get("schema_version")
        if version is None:
            raise ReportError(f"{label} {path}: no root attribute schema_version "
                              "(not an hpcast report?)")
        if int(np.asarray(version).ravel()[0]) not in SCHEMA_VERSION:
            raise ReportError(f"{label} {path}: schema_version {int(version)}, this script reads "
                              f"schema_version 2 to 6")
        self._tables = {}

    def attr(self, name, default=""):
        value = self.file.attrs.get(name)
        return default if value is None else text(value)

    def table(self, name):
        """A columnar table (a group of 1-D datasets, or a compound dataset) as a dict
        column name -> numpy array, raw as stored. Raises ReportError if it is missing."""
        if name in self._tables:
            return self._tables[name]
        obj = self.file.get(name)
        if obj is None:
            raise ReportError(f"{self.label} has no /{name}")
        if isinstance(obj, h5py.Group):
            columns = {key: obj[key][()] for key in obj
                       if isinstance(obj.get(key), h5py.Dataset)}
        elif isinstance(obj, h5py.Dataset) and obj.dtype.names:
            rows = obj[()]
            columns = {field: rows[field] for field in obj.dtype.names}
        else:
            raise ReportError(f"{self.label} /{name} is neither a group of columns "
                              "nor a compound dataset")
        lengths = {np.shape(col)[0] if np.ndim(col) else 1 for col in columns.values()}
        if len(lengths) > 1:
            raise ReportError(f"{self.label} /{name}: columns have different lengths "
                              f"{sorted(lengths)}")
        self._tables[name] = columns
        return columns

    def column(self, table, name):
        """One column of a table; strings decoded to a list of str."""
        columns = self.table(table)
        if name not in columns:
            raise ReportError(f"{self.label} /{table} has no column '{name}'")
        values = columns[name]
        return decode_column(values) if is_string_column(values) else values

    def summary_by_ticker(self, *names):
        """{ticker: {column: value}} of /summary for the given columns."""
        tickers = self.column("summary", "ticker")
        columns = {name: self.column("summary", name) for name in names}
        return {t: {name: columns[name][i] for name in names} for i, t in enumerate(tickers)}

    def fits(self):
        """{ticker: {fit name: (status, loglik)}} from /fits: the table of schema_version 5 and 6 (one
        row per fit), or the groups /fits/<ticker>/<fit name> of earlier versions (the soft link
        'selected', an alias of one of the fits, skipped)."""
        group = self.file.get("fits")
        if not isinstance(group, h5py.Group):
            raise ReportError(f"{self.label} has no /fits group")
        result = {}
        if isinstance(group.get("ticker"), h5py.Dataset):
            columns = [group[k][:] for k in ("ticker", "name", "status", "loglik")]
            for ticker, name, status, loglik in zip(*columns):
                result.setdefault(text(ticker), {})[text(name)] = (text(status), float(loglik))
            return result
        for ticker in group:
            ticker_group = group.get(ticker)
            if not isinstance(ticker_group, h5py.Group):
                continue
            fits = {}
            for name in ticker_group:
                if isinstance(ticker_group.get(name, getlink=True), h5py.SoftLink):
                    continue
                fit = ticker_group.get(name)
                if not isinstance(fit, h5py.Group):
                    continue
                status = text(fit.attrs.get("status", b"?"))
                loglik = fit.attrs.get("loglik")
                loglik = float(np.asarray(loglik).ravel()[0]) if loglik is not None else math.nan
                fits[name] = (status, loglik)
            result[ticker] = fits
        return result


# ----------------------------------------------------------------------------------------
# Helpers for printing
# ----------------------------------------------------------------------------------------

def names(items, limit=LIST_LIMIT):
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def fmt(x, spec=".6f"):
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def usable(status, loglik):
    """A fit whose log-likelihood can be compared: status ok and a finite value."""
    return status == "ok" and math.isfinite(loglik)


def heading(title):
    print()
    print(f"== {title}")


def print_ticker_sets(before_tickers, after_tickers):
    only_before = sorted(set(before_tickers) - set(after_tickers))
    only_after = sorted(set(after_tickers) - set(before_tickers))
    common = len(set(before_tickers) & set(after_tickers))
    print(f"  tickers: {len(before_tickers)} in BEFORE, {len(after_tickers)} in AFTER, "
          f"{common} in both")
    if only_before:
        print(f"  only in BEFORE ({len(only_before)}): {names(only_before)}")
    if only_after:
        print(f"  only in AFTER ({len(only_after)}): {names(only_after)}")


# ----------------------------------------------------------------------------------------
# 1. Every fit's log-likelihood
# ----------------------------------------------------------------------------------------

def compare_fits(before, after, tol):
    """Returns (rule result, CSV rows)."""
    fits_b, fits_a = before.fits(), after.fits()
    print_ticker_sets(fits_b, fits_a)
    rows = []
    counts = {"higher": 0, "equal": 0, "lower_within_tol": 0, "lower_beyond_tol": 0}
    beyond, lost, recovered = [], [], []
    neither = 0
    only_one_side = 0
    largest_drop = largest_gain = None   # (diff, ticker, fit)

    for ticker in sorted(set(fits_b) | set(fits_a)):
        fb, fa = fits_b.get(ticker, {}), fits_a.get(ticker, {})
        for name in sorted(set(fb) | set(fa)):
            sb, lb = fb.get(name, ("", math.nan))
            sa, la = fa.get(name, ("", math.nan))
            diff = math.nan
            if name not in fa:
                category = "only_before"
            elif name not in fb:
                category = "only_after"
            elif usable(sb, lb) and usable(sa, la):
                diff = la - lb
                if diff > EQUAL_EPS:
                    category = "higher"
                elif diff >= -EQUAL_EPS:
                    category = "equal"
                elif diff >= -tol:
                    category = "lower_within_tol"
                else:
                    category = "lower_beyond_tol"
                    beyond.append((ticker, name, lb, la, diff))
                counts[category] += 1
                if largest_drop is None or diff < largest_drop[0]:
                    largest_drop = (diff, ticker, name)
                if largest_gain is None or diff > largest_gain[0]:
                    largest_gain = (diff, ticker, name)
            elif usable(sb, lb):
                category = "ok_before_only"
                lost.append((ticker, name, sb, sa, lb, la))
            elif usable(sa, la):
                category = "ok_after_only"
                recovered.append((ticker, name, sb, sa, lb, la))
            else:
                category = "not_ok_in_both"
                neither += 1
            if category.startswith("only_"):
                if ticker in fits_b and ticker in fits_a:
                    only_one_side += 1
            rows.append({"ticker": ticker, "fit": name, "status_before": sb, "status_after": sa,
                         "loglik_before": repr(lb), "loglik_after": repr(la),
                         "diff": repr(diff), "category": category})

    compared = sum(counts.values())
    print(f"  (ticker, fit) pairs compared (ok in both): {compared}")
    for label, key in ((f"higher by > {EQUAL_EPS:g}", "higher"),
                       (f"equal within {EQUAL_EPS:g}", "equal"),
                       (f"lower by ({EQUAL_EPS:g}, {tol:g}]", "lower_within_tol"),
                       (f"lower by more than {tol:g}", "lower_beyond_tol")):
        print(f"    {label + ':':28s} {counts[key]}")
    if largest_drop is not None and largest_drop[0] < 0:
        print(f"  largest drop: {largest_drop[0]:+.3e}  {largest_drop[1]} / {largest_drop[2]}")
    else:
        print("  largest drop: none")
    if largest_gain is not None and largest_gain[0] > 0:
        print(f"  largest gain: {largest_gain[0]:+.3e}  {largest_gain[1]} / {largest_gain[2]}")
    else:
        print("  largest gain: none")
    for ticker, name, lb, la, diff in beyond:
        print(f"  DROP > tol  {ticker} / {name}: BEFORE {fmt(lb)}  AFTER {fmt(la)}  "
              f"({diff:+.3e})")
    print(f"  fits ok in BEFORE, not in AFTER: {len(lost)}")
    for ticker, name, sb, sa, lb, la in lost:
        print(f"    {ticker} / {name}: BEFORE {sb} {fmt(lb)}  AFTER {sa} {fmt(la)}")
    print(f"  fits ok in AFTER, not in BEFORE: {len(recovered)}")
    for ticker, name, sb, sa, lb, la in recovered:
        print(f"    {ticker} / {name}: BEFORE {sb} {fmt(lb)}  AFTER {sa} {fmt(la)}")
    if neither:
        print(f"  fits not ok in either report: {neither}")
    if only_one_side:
        print(f"  note: {only_one_side} fit name(s) of a common ticker exist in one report only "
              "(see --csv; not a rule)")
    if compared == 0 and not lost:
        print("  nothing to compare: no fit is ok in both reports")
        return None, rows
    return (not beyond and not lost), rows


def write_csv(path, rows):
    fields = ["ticker", "fit", "status_before", "status_after", "loglik_before",
              "loglik_after", "diff", "category"]
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


# ----------------------------------------------------------------------------------------
# 2. The selected spec
# ----------------------------------------------------------------------------------------

def spec_name(mean_model, vol_model):
    """The fit name of a selection, as under /fits (constant variance: the mean model only)."""
    if mean_model in ("", "none"):
        return "(none)"
    return mean_model if vol_model in ("", "none") else f"{mean_model}+{vol_model}"


def compare_selection(before, after, tol):
    cols = ("mean_model", "vol_model", "loglik")
    sel_b, sel_a = before.summary_by_ticker(*cols), after.summary_by_ticker(*cols)
    common = sorted(set(sel_b) & set(sel_a))
    changed, drops = [], []
    same = no_selection = 0
    largest_drop = None
    for ticker in common:
        b, a = sel_b[ticker], sel_a[ticker]
        spec_b = spec_name(b["mean_model"], b["vol_model"])
        spec_a = spec_name(a["mean_model"], a["vol_model"])
        if spec_b != spec_a:
            changed.append((ticker, spec_b, spec_a))
            continue
        if spec_b == "(none)" or not (math.isfinite(b["loglik"]) and math.isfinite(a["loglik"])):
            no_selection += 1
            continue
        same += 1
        drop = float(b["loglik"] - a["loglik"])
        if largest_drop is None or drop > largest_drop[0]:
            largest_drop = (drop, ticker, spec_b)
        if drop > tol:
            drops.append((ticker, spec_b, b["loglik"], a["loglik"], drop))
    print(f"  tickers in both reports: {len(common)}")
    print(f"  selection changed: {len(changed)}")
    for ticker, spec_b, spec_a in changed:
        print(f"    {ticker}: {spec_b} -> {spec_a}")
    print(f"  same selected spec with a log-likelihood in both: {same}"
          + (f" (and {no_selection} without a selected fit or log-likelihood)"
             if no_selection else ""))
    if largest_drop is not None and largest_drop[0] > 0:
        print(f"  largest drop of the selected fit's loglik: {largest_drop[0]:.3e}  "
              f"{largest_drop[1]} / {largest_drop[2]}")
    else:
        print("  largest drop of the selected fit's loglik: none")
    print(f"  same spec, loglik dropped by more than {tol:g}: {len(drops)}")
    for ticker, spec, lb, la, drop in drops:
        print(f"    {ticker} / {spec}: BEFORE {fmt(lb)}  AFTER {fmt(la)}  (-{drop:.3e})")
    if not common:
        print("  nothing to compare: no ticker in both reports")
        return None
    return not drops


# ----------------------------------------------------------------------------------------
# 3. and 4. Calibration, CRPS and status counts
# ----------------------------------------------------------------------------------------

def pooled_coverage(report, tickers=None):
    """(pooled coverage, tickers used, weight description) over the report's tickers with a
    finite /summary/coverage95_1, or over `tickers` if given."""
    cov = report.summary_by_ticker("coverage95_1")
    try:
        weights = report.summary_by_ticker("backtest_origins")
        weighted = True
    except ReportError:
        weights, weighted = None, False
    values, w = [], []
    for ticker, row in cov.items():
        if tickers is not None and ticker not in tickers:
            continue
        c = float(row["coverage95_1"])
        if not math.isfinite(c):
            continue
        weight = float(weights[ticker]["backtest_origins"]) if weighted else 1.0
        if weight <= 0:
            continue
        values.append(c)
        w.append(weight)
    if not values:
        return math.nan, 0, ""
    how = (f"weighted by /summary/backtest_origins, {int(sum(w))} origins" if weighted
           else "plain mean over tickers: /summary/backtest_origins missing")
    return float(np.average(values, weights=w)), len(values), how


def compare_calibration(before, after):
    low, high = COVERAGE_RANGE
    results = {}
    for report in (before, after):
        value, n, how = pooled_coverage(report)
        results[report.label] = value
        print(f"  {report.label:6s} 1-step 95% coverage: {fmt(value, '.4f')} over {n} tickers"
              + (f" ({how})" if n else ""))
    common = set(before.column("summary", "ticker")) & set(after.column("summary", "ticker"))
    if common != set(before.column("summary", "ticker")) or \
            common != set(after.column("summary", "ticker")):
        for report in (before, after):
            value, n, _ = pooled_coverage(report, common)
            print(f"  {report.label:6s} over the {len(common)} common tickers: "
                  f"{fmt(value, '.4f')} ({n} with a coverage)")
    value = results[after.label]
    print(f"  rule: AFTER in [{low}, {high}]")
    if not math.isfinite(value):
        print("  AFTER has no ticker with a 1-step 95% coverage")
        return None
    return low <= value <= high


def print_crps_and_status(before, after):
    common = set(before.column("summary", "ticker")) & set(after.column("summary", "ticker"))
    for report in (before, after):
        crps = report.summary_by_ticker("crps_1")
        allv = [float(r["crps_1"]) for r in crps.values() if math.isfinite(r["crps_1"])]
        comv = [float(r["crps_1"]) for t, r in crps.items()
                if t in common and math.isfinite(r["crps_1"])]
        line = (f"  {report.label:6s} mean 1-step CRPS: {fmt(np.mean(allv) if allv else math.nan)}"
                f" over {len(allv)} tickers")
        if len(comv) != len(allv):
            line += (f"; over the common tickers: "
                     f"{fmt(np.mean(comv) if comv else math.nan)} ({len(comv)})")
        print(line)
    for report in (before, after):
        status = report.column("summary", "status")
        counts = {s: status.count(s) for s in ("ok", "rejected", "failed")}
        other = len(status) - sum(counts.values())
        print(f"  {report.label:6s} status: ok {counts['ok']}, rejected {counts['rejected']}, "
              f"failed {counts['failed']}" + (f", other {other}" if other else "")
              + f" (of {len(status)})")


# ----------------------------------------------------------------------------------------
# 5. --identical: /summary and /forecast
# ----------------------------------------------------------------------------------------

def differing_cells(xb, xa):
    """Boolean array, True where xb and xa differ (NaN equals NaN)."""
    if xb.dtype.kind == "f" or xa.dtype.kind == "f":
        xb, xa = xb.astype(float), xa.astype(float)
        return ~((xb == xa) | (np.isnan(xb) & np.isnan(xa)))
    if xb.dtype.kind == "O" or xa.dtype.kind == "O":   # variable-length strings
        encode = np.vectorize(lambda v: v.encode() if isinstance(v, str) else bytes(v),
                              otypes=[object])
        xb, xa = encode(xb), encode(xa)
    return np.asarray(xb != xa)


def show(value):
    if isinstance(value, (bytes, np.bytes_)):
        return repr(bytes(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return repr(value.item() if hasattr(value, "item") else value)


def attrs_differ(obj_b, obj_a):
    """Names of the attributes that differ between two HDF5 objects."""
    out = []
    for key in sorted(set(obj_b.attrs) | set(obj_a.attrs)):
        if key not in obj_b.attrs or key not in obj_a.attrs:
            out.append(key)
            continue
        vb, va = np.asarray(obj_b.attrs[key]), np.asarray(obj_a.attrs[key])
        if vb.shape != va.shape or differing_cells(vb, va).any():
            out.append(key)
    return out


def compare_table_identical(before, after, name):
    """Prints the differences of table /name, rows matched by ticker; True if identical."""
    tb, ta = before.table(name), after.table(name)
    for report, table in ((before, tb), (after, ta)):
        if "ticker" not in table:
            raise ReportError(f"{report.label} /{name} has no ticker column")
    tick_b, tick_a = decode_column(tb["ticker"]), decode_column(ta["ticker"])
    row_b = {t: i for i, t in enumerate(tick_b)}
    row_a = {t: i for i, t in enumerate(tick_a)}
    common = [t for t in tick_b if t in row_a]
    ib = np.array([row_b[t] for t in common], dtype=int)
    ia = np.array([row_a[t] for t in common], dtype=int)
    same_rows = set(tick_b) == set(tick_a)
    structure = []   # differences of rows, fields, types and attributes
    values = []      # per field: the first differing common row

    if not same_rows:
        only_b = [t for t in tick_b if t not in row_a]
        only_a = [t for t in tick_a if t not in row_b]
        structure.append(f"row sets differ: {len(tick_b)} rows in BEFORE, {len(tick_a)} in "
                         f"AFTER, {len(common)} tickers in both")
        if only_b:
            structure.append(f"  tickers only in BEFORE ({len(only_b)}): {names(only_b)}")
        if only_a:
            structure.append(f"  tickers only in AFTER ({len(only_a)}): {names(only_a)}")
    if common != [t for t in tick_a if t in row_b]:
        structure.append("row order differs (rows are compared by ticker)")
    if len(row_b) != len(tick_b) or len(row_a) != len(tick_a):
        structure.append("a ticker has more than one row")
    for key in attrs_differ(before.file[name], after.file[name]):
        structure.append(f"attribute /{name}@{key}: BEFORE {before.file[name].attrs.get(key)!r}"
                         f"  AFTER {after.file[name].attrs.get(key)!r}")
    for field in sorted(set(tb) - set(ta)):
        structure.append(f"field {field} only in BEFORE")
    for field in sorted(set(ta) - set(tb)):
        structure.append(f"field {field} only in AFTER")

    for field in [f for f in tb if f in ta]:
        xb, xa = np.asarray(tb[field]), np.asarray(ta[field])
        path = f"/{name}/{field}"
        if xb.dtype.kind != xa.dtype.kind or \
                (xb.dtype.kind not in "SUO" and xb.dtype != xa.dtype):
            structure.append(f"{path}: type {xb.dtype} vs {xa.dtype}")
            continue
        if same_rows and xb.dtype != xa.dtype:   # a string width follows the longest value
            structure.append(f"{path}: string width {xb.dtype} vs {xa.dtype}")
        if xb.shape[1:] != xa.shape[1:]:
            structure.append(f"{path}: shape per row {xb.shape[1:]} vs {xa.shape[1:]}")
            continue
        if isinstance(before.file.get(path), h5py.Dataset) and \
                isinstance(after.file.get(path), h5py.Dataset):
            for key in attrs_differ(before.file[path], after.file[path]):
                structure.append(f"attribute {path}@{key} differs")
        if not common:
            continue
        diff = differing_cells(xb[ib], xa[ia])
        per_row = diff.reshape(len(common), -1).any(axis=1)
        if not per_row.any():
            continue
        r = int(np.argmax(per_row))
        cell = tuple(int(k) for k in np.argwhere(diff[r])[0])   # () for a 1-D column
        vb, va = xb[ib[r]], xa[ia[r]]
        if cell:
            vb, va = vb[cell], va[cell]
        index = ", ".join([common[r]] + [str(k) for k in cell])
        values.append(f"{path}[{index}]: BEFORE {show(vb)}  AFTER {show(va)}  "
                      f"({int(per_row.sum())} of {len(common)} common rows differ)")

    if not structure and not values:
        print(f"  /{name}: identical ({len(common)} rows, {len(tb)} fields)")
        return True
    print(f"  /{name}: DIFFERENT")
    for line in structure:
        print(f"    {line}")
    if values:
        print(f"    first differing field/row: {values[0]}")
        for line in values[1:]:
            print(f"    also: {line}")
    elif common:
        print(f"    the {len(common)} rows present in both reports are identical in every field")
    return False


def compare_identical(before, after):
    ok = True
    for name in ("summary", "forecast"):
        try:
            ok = compare_table_identical(before, after, name) and ok
        except ReportError as err:
            print(f"  /{name}: cannot compare: {err}")
            ok = False
    return ok


# ----------------------------------------------------------------------------------------
# 6. /perf
# ----------------------------------------------------------------------------------------

def print_perf(before, after):
    walls = {}
    for report in (before, after):
        try:
            wall = np.asarray(report.column("perf", "wall_s"), dtype=float)
        except ReportError as err:
            print(f"  {err}")
            continue
        if wall.size == 0 or not np.isfinite(wall).any():
            print(f"  {report.label:6s} /perf/wall_s is empty")
            continue
        walls[report.label] = float(np.nanmax(wall))
        print(f"  {report.label:6s} wall time {walls[report.label]:.3f} s "
              f"(max over {wall.size} rank(s) of /perf/wall_s)")
    if len(walls) == 2 and walls[before.label] > 0:
        print(f"  ratio AFTER/BEFORE: {walls[after.label] / walls[before.label]:.3f}")


# ----------------------------------------------------------------------------------------

def run_section(title, function, *args):
    """Runs one section; a ReportError becomes a message and 'not checked' (None)."""
    heading(title)
    try:
        return function(*args)
    except ReportError as err:
        print(f"  SKIPPED: {err}")
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Compare two hpcast reports and check that the outputs stayed the same.")
    parser.add_argument("before", metavar="BEFORE.h5")
    parser.add_argument("after", metavar="AFTER.h5")
    parser.add_argument("--tol", type=float, default=1e-3,
                        help="log-likelihood tolerance (default 1e-3)")
    parser.add_argument("--identical", action="store_true",
                        help="require /summary and /forecast to be identical")
    parser.add_argument("--csv", metavar="OUT.csv",
                        help="write the per-(ticker, fit) comparison rows")
    args = parser.parse_args(argv)
    if not args.tol > 0:
        parser.error("--tol must be positive")

    try:
        before = Report(args.before, "BEFORE")
        after = Report(args.after, "AFTER")
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    for report in (before, after):
        print(f"{report.label:6s} {report.path}: hpcast {report.attr('hpcast_version', '?')}, "
              f"{report.attr('created_utc', '?')}, n_ranks {report.attr('n_ranks', '?')}, "
              f"schedule {report.attr('schedule', '?')}")
    if before.attr("options") != after.attr("options"):
        print("options differ:")
        for report in (before, after):
            print(f"  {report.label:6s} {report.attr('options').strip()}")
    print(f"tolerance: {args.tol:g}")

    rules = []
    heading("1. fits: loglik AFTER - BEFORE per (ticker, fit)")
    try:
        result, rows = compare_fits(before, after, args.tol)
    except ReportError as err:
        print(f"  SKIPPED: {err}")
        result, rows = None, []
    rules.append((f"no fit ok in BEFORE drops by more than {args.tol:g} or stops being ok",
                  result))
    csv_failed = False
    if args.csv:
        try:
            write_csv(args.csv, rows)
            print(f"  wrote {len(rows)} rows to {args.csv}")
        except OSError as err:
            print(f"error: cannot write {args.csv}: {err}", file=sys.stderr)
            csv_failed = True

    rules.append((f"same selected spec: loglik drops by at most {args.tol:g}",
                  run_section("2. selected spec (/summary mean_model, vol_model, loglik)",
                              compare_selection, before, after, args.tol)))
    rules.append((f"AFTER pooled 1-step 95% coverage in [{COVERAGE_RANGE[0]}, "
                  f"{COVERAGE_RANGE[1]}]",
                  run_section("3. calibration: 1-step 95% coverage of the reported ensemble",
                              compare_calibration, before, after)))
    run_section("4. 1-step CRPS of the reported ensemble and /summary status",
                print_crps_and_status, before, after)
    if args.identical:
        rules.append(("/summary and /forecast identical",
                      run_section("5. --identical: /summary and /forecast", compare_identical,
                                  before, after)))
    run_section("6. /perf: job wall time", print_perf, before, after)

    heading("result")
    for description, result in rules:
        verdict = {True: "PASS", False: "FAIL", None: "NOT CHECKED"}[result]
        print(f"  {verdict:11s} {description}")
    if csv_failed:
        return 2
    return 0 if all(result is True for _, result in rules) else 1


if __name__ == "__main__":
    sys.exit(main())
