#!/usr/bin/python3
"""Check the /covariance group of an hpcast report (docs/report-schema.md, schema_version 3 to 6).

usage: tools/check_covariance.py REPORT [--model shrink|dcc|factor] [--members N]
                                 [--excluded TICKER:TEXT ...] [--quiet]

Checks (exit 1 and one line per failure if any fails; exit 2 if the report cannot be read):
  * one row per /summary row (in_matrix, n_obs, reason), in /summary order;
  * the 1-step correlation forecast (the full matrix, or B B' + diag(psi) of the factor form) is
    symmetric to 1e-12, has a unit diagonal to 1e-12, its smallest eigenvalue (numpy.linalg.
    eigvalsh) is positive, and a ticker outside the model has zero correlations;
  * a ticker not ok in /summary is not in the model and its reason says so; a ticker in the
    model has an empty reason and n_obs >= min_overlap;
  * --model: the model attribute; --members: the number of tickers in the model;
    --excluded T:TEXT: ticker T is not in the model and its reason contains TEXT;
  * the minimum-variance backtest has finite bias statistics and realized volatilities when it
    has days with a book.
Prints the model, its parameters, lambda_min and the backtest's numbers (unless --quiet).
"""
import argparse
import sys

import h5py
import numpy as np


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("--model")
    ap.add_argument("--members", type=int)
    ap.add_argument("--excluded", action="append", default=[])
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    fails = []
    try:
        f = h5py.File(a.report, "r")
        g = f["covariance"]
        tick = [text(t) for t in f["summary/ticker"][:]]
        status = [text(s) for s in f["summary/status"][:]]
    except (OSError, KeyError) as e:
        print(f"check_covariance: {a.report}: {e}", file=sys.stderr)
        return 2
    n = len(tick)
    att = {k: (text(v) if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
    inm = g["in_matrix"][:]
    nobs = g["n_obs"][:]
    why = [text(w) for w in g["reason"][:]]
    if not (len(inm) == len(nobs) == len(why) == n):
        fails.append(f"per-ticker columns have {len(inm)}/{len(nobs)}/{len(why)} rows, /summary {n}")
    if "correlation" in g:
        R = g["correlation"][:]
    elif "loadings" in g:
        B = g["loadings"][:]
        psi = g["specific_variance"][:]
        R = B @ B.T + np.diag(psi)
        if n and psi.min() <= 0:
            fails.append(f"a specific variance is not positive: {psi.min()}")
    else:
        R = np.eye(n)
        if att.get("model") != "none":
            fails.append("neither correlation nor loadings")
    if R.shape != (n, n):
        fails.append(f"correlation is {R.shape}, want {(n, n)}")
    else:
        asym = np.abs(R - R.T).max() if n else 0.0
        diag = np.abs(np.diag(R) - 1).max() if n else 0.0
        lmin = np.linalg.eigvalsh(0.5 * (R + R.T)).min() if n else 1.0
        if asym > 1e-12:
            fails.append(f"not symmetric: max |R - R'| = {asym:.3g}")
        if diag > 1e-12:
            fails.append(f"diagonal not 1: max |R_ii - 1| = {diag:.3g}")
        if not lmin > 0:
            fails.append(f"smallest eigenvalue {lmin:.6g} is not positive")
        for i in range(n):
            if not inm[i] and n > 1 and np.abs(np.delete(R[i], i)).max() > 0:
                fails.append(f"{tick[i]} is not in the model but has correlations")
    for i in range(n):
        if status[i] != "ok" and (inm[i] or "not ok" not in why[i]):
            fails.append(f"{tick[i]} ({status[i]}): in_matrix {inm[i]}, reason '{why[i]}'")
        if inm[i] and (why[i] or nobs[i] < att["min_overlap"]):
            fails.append(f"{tick[i]} in the model with reason '{why[i]}' and n_obs {nobs[i]}")
    if a.model and att.get("model") != a.model:
        fails.append(f"model {att.get('model')}, want {a.model} (reason: {att.get('reason')})")
    if a.members is not None and int(inm.sum()) != a.members:
        fails.append(f"{int(inm.sum())} tickers in the model, want {a.members}")
    for ex in a.excluded:
        t, _, want = ex.partition(":")
        if t not in tick:
            fails.append(f"--excluded {t}: no such ticker")
            continue
        i = tick.index(t)
        if inm[i] or want not in why[i]:
            fails.append(f"{t}: in_matrix {inm[i]}, reason '{why[i]}' (want '{want}')")
    b = f["backtest/covariance"]
    bat = dict(b.attrs.items())
    if (b["n_assets"][:] >= 2).any():
        for k in ("vol_gmv", "vol_ew", "bias_gmv", "bias_ew"):
            if not np.isfinite(bat[k]) or bat[k] <= 0:
                fails.append(f"/backtest/covariance {k} = {bat[k]}")
    if not a.quiet:
        keys = ("model", "reason", "n_members", "window", "shrinkage", "lambda_min", "dcc_a", "dcc_b", "dcc_se_a", "dcc_se_b",
                "factors", "explained")
        print("covariance: " + ", ".join(f"{k}={att[k]}" for k in keys if k in att))
        print("backtest:   " + ", ".join(f"{k}={float(bat[k]):.4g}" for k in sorted(bat)))
    for m in fails:
        print(f"check_covariance: {a.report}: {m}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
