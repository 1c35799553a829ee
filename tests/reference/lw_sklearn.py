#!/usr/bin/python3
"""Ledoit-Wolf shrinkage covariance reference values from scikit-learn, for hpcast's
covariance module.

usage: /usr/bin/python3 tests/reference/lw_sklearn.py [DATA_DIR [OUT_DIR]]
  DATA_DIR  the sp500 directory (default: $HPCAST_DATA/sp500, HPCAST_DATA defaulting to
            <project>/../shared/data, as in make_references.sh)
  OUT_DIR   where the CSVs go (default: this script's directory)

Produced with Debian python3-sklearn 1.2.1+dfsg-1 and python3-numpy 1:1.24.2-1+deb12u1
(see VERSIONS).

Data
  Tickers: the first 20 files of DATA_DIR in sorted file-name order (byte order, so
  AAP.csv < AAPL.csv) that have >= 800 data rows and an adjusted_close that is positive in
  every row. Per ticker, r_t = 100*(log(adjusted_close_t) - log(adjusted_close_{t-1})) over
  consecutive rows of its file, dated by the later row. The 20 return series are inner-joined
  on their dates and the last 600 common dates are kept.

Estimator (the definition hpcast implements)
  For each column i: m_i = mean, s_i = population sd (divisor n), x_i = (r_i - m_i)/s_i.
  X is the 600 x 20 matrix of x. sklearn.covariance.LedoitWolf(assume_centered=False).fit(X):
  emp_cov = (X - mean)'(X - mean)/n (unit diagonal, since X is standardised),
  mu = trace(emp_cov)/p, covariance_ = (1 - shrinkage_) emp_cov + shrinkage_ mu I.

Outputs (plain CSV, one header line, numbers printed with %.17g)
  lw_z20.csv              date,<ticker1>,...,<ticker20>: the returns r (600 rows), the
                          "z matrix" before standardisation
  lw_sklearn.csv          i,j,value: covariance_[i, j], 0-based, row-major (400 rows)
  lw_sklearn_shrinkage.csv shrinkage,mu: shrinkage_ and trace(emp_cov)/p (one row)
"""
import os
import sys

import numpy as np
import sklearn
from sklearn.covariance import LedoitWolf, empirical_covariance

N_TICKERS = 20
MIN_ROWS = 800
N_KEEP = 600

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
default_data = os.path.join(os.environ.get("HPCAST_DATA", os.path.join(root, "..", "shared", "data")), "sp500")
data_dir = sys.argv[1] if len(sys.argv) > 1 else default_data
out_dir = sys.argv[2] if len(sys.argv) > 2 else here
if len(sys.argv) > 3:
    sys.exit("usage: lw_sklearn.py [DATA_DIR [OUT_DIR]]")


def read_adjusted(path):
    """(dates, adjusted_close) of one file; dates must be strictly ascending."""
    with open(path) as f:
        header = f.readline().strip().split(",")
        ic = header.index("adjusted_close")
        dates, adj = [], []
        for line in f:
            line = line.strip()
            if not line:
                continue
            fields = line.split(",")
            dates.append(fields[0])
            try:
                adj.append(float(fields[ic]))
            except ValueError:
                adj.append(float("nan"))
    if any(dates[k] >= dates[k + 1] for k in range(len(dates) - 1)):
        raise SystemExit(f"{path}: dates not strictly ascending")
    return dates, np.array(adj)


tickers, series = [], {}
skipped = []
for name in sorted(os.listdir(data_dir)):
    if not name.endswith(".csv"):
        continue
    dates, adj = read_adjusted(os.path.join(data_dir, name))
    tk = name[:-4]
    if len(adj) < MIN_ROWS:
        skipped.append(f"{tk} ({len(adj)} rows)")
        continue
    if not np.all(adj > 0):  # also rejects NaN
        skipped.append(f"{tk} (adjusted_close not all positive)")
        continue
    r = 100.0 * np.diff(np.log(adj))
    series[tk] = dict(zip(dates[1:], r))
    tickers.append(tk)
    if len(tickers) == N_TICKERS:
        break
if len(tickers) < N_TICKERS:
    raise SystemExit(f"only {len(tickers)} usable tickers in {data_dir}")
print("lw_sklearn: tickers:", " ".join(tickers))
if skipped:
    print("lw_sklearn: skipped before the 20th:", ", ".join(skipped))

common = set(series[tickers[0]])
for tk in tickers[1:]:
    common &= set(series[tk])
common = sorted(common)
if len(common) < N_KEEP:
    raise SystemExit(f"only {len(common)} common dates")
print(f"lw_sklearn: {len(common)} common return dates, keeping the last {N_KEEP}: "
      f"{common[-N_KEEP]} .. {common[-1]}")
dates = common[-N_KEEP:]
Z = np.array([[series[tk][d] for tk in tickers] for d in dates])  # 600 x 20
n, p = Z.shape

# standardise: population sd (divisor n)
m = Z.mean(axis=0)
s = np.sqrt(((Z - m) ** 2).sum(axis=0) / n)
X = (Z - m) / s

lw = LedoitWolf(assume_centered=False).fit(X)
emp_cov = empirical_covariance(X, assume_centered=False)
assert np.max(np.abs(np.diag(emp_cov) - 1.0)) < 1e-12, "emp_cov diagonal is not 1"
mu = np.trace(emp_cov) / p
shrinkage = float(lw.shrinkage_)
cov = lw.covariance_

# consistency checks: the documented shrinkage form, and an independent evaluation of the
# Ledoit-Wolf (2004) shrinkage intensity (not sklearn's code path)
target = (1.0 - shrinkage) * emp_cov + shrinkage * mu * np.eye(p)
assert np.max(np.abs(cov - target)) < 1e-13, "covariance_ is not the shrinkage form"
Xc = X - X.mean(axis=0)
S = Xc.T @ Xc / n
d2 = np.sum((S - mu * np.eye(p)) ** 2)  # ||S - mu I||_F^2
b2bar = sum(np.sum((np.outer(Xc[k], Xc[k]) - S) ** 2) for k in range(n)) / n ** 2
b2 = min(b2bar, d2)
shrink_indep = b2 / d2
print(f"lw_sklearn: sklearn {sklearn.__version__}, numpy {np.__version__}")
print(f"lw_sklearn: shrinkage_ = {shrinkage:.17g}, mu = {mu:.17g}")
print(f"lw_sklearn: independent LW(2004) shrinkage = {shrink_indep:.17g} "
      f"(diff {shrink_indep - shrinkage:.3g})")
assert abs(shrink_indep - shrinkage) < 1e-12

os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "lw_z20.csv"), "w") as f:
    f.write("date," + ",".join(tickers) + "\n")
    for d, row in zip(dates, Z):
        f.write(d + "," + ",".join("%.17g" % v for v in row) + "\n")
with open(os.path.join(out_dir, "lw_sklearn.csv"), "w") as f:
    f.write("i,j,value\n")
    for i in range(p):
        for j in range(p):
            f.write("%d,%d,%.17g\n" % (i, j, cov[i, j]))
with open(os.path.join(out_dir, "lw_sklearn_shrinkage.csv"), "w") as f:
    f.write("shrinkage,mu\n")
    f.write("%.17g,%.17g\n" % (shrinkage, mu))
print("lw_sklearn: wrote lw_z20.csv, lw_sklearn.csv, lw_sklearn_shrinkage.csv to", out_dir)
