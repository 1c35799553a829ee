#!/usr/bin/python3
"""The forecasts of a daily update against statsmodels' Kalman filter with the same parameters.

usage: check_update_statsmodels.py PREV NEW DATA_DIR [TOL]

For every ticker NEW filtered (action "filtered") whose live forecast is one Gaussian ARMA(p,q)
model (the job run with -vol_models none: one member), statsmodels' SARIMAX (exact Kalman filter,
stationary initialisation) with PREV's fitted parameters of that model (mu, ar, ma, sigma2) filters
the ticker's whole series from DATA_DIR (100 x log returns of adjusted_close) and forecasts H
steps; NEW's /forecast mean and sd must equal its mean and sd within TOL (default 1e-6).
Exit 1 with one line per mismatch, 2 if no ticker could be checked.
"""
import csv
import sys
import warnings

import h5py
import numpy as np
from statsmodels.tsa.statespace.sarimax import SARIMAX


def text(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in a]


def main():
    prev, new, data = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), sys.argv[3]
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-6
    f = prev["fits"]
    ft, sel = np.array(text(f["ticker"][:])), f["selected"][:]
    names, pnames, params = text(f["name"][:]), text(f["param_names"][:]), f["params"][:]
    s = new["summary"]
    H = new["forecast/mean"].shape[1]
    bad, checked, worst = [], 0, 0.0
    for i, (t, action) in enumerate(zip(text(s["ticker"][:]), text(s["action"][:]))):
        rows = np.flatnonzero((ft == t) & (sel == 1))
        if action != "filtered" or len(rows) != 1 or not names[rows[0]].startswith("ARMA(") or "+" in names[rows[0]]:
            continue
        j = rows[0]
        pn = pnames[j].split(",")
        d = dict(zip(pn, params[j][: len(pn)]))
        p = sum(n.startswith("ar") for n in pn)
        q = sum(n.startswith("ma") for n in pn)
        with open(f"{data}/{t}.csv") as fh:
            price = np.array([float(r["adjusted_close"]) for r in csv.DictReader(fh)])
        y = 100.0 * np.diff(np.log(price)) - d.get("mu", 0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = SARIMAX(y, order=(p, 0, q), trend="n").filter(np.r_[[d[f"ar{k + 1}"] for k in range(p)], [d[f"ma{k + 1}"] for k in range(q)], d["sigma2"]])
            fc = res.get_forecast(H)
        mean, sd = fc.predicted_mean + d.get("mu", 0.0), np.sqrt(fc.var_pred_mean)
        err = max(np.max(np.abs(mean - new["forecast/mean"][i])), np.max(np.abs(sd - new["forecast/sd"][i])))
        worst = max(worst, err)
        checked += 1
        if not err <= tol:
            bad.append(f"{t} {names[j]}: the update's forecast differs from statsmodels' by {err:.3g} > {tol}")
    for line in bad:
        print("check_update_statsmodels:", line)
    print(f"check_update_statsmodels: {checked} tickers, largest difference {worst:.3g}, {len(bad)} mismatches")
    return 2 if checked == 0 else 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
