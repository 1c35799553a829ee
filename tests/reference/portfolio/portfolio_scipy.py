#!/usr/bin/python3
"""Independent solutions of the portfolio_quadprog.R cases, and an independent check of the inputs.

usage: /usr/bin/python3 portfolio_scipy.py SP500_DIR DIR
  reads  SP500_DIR/<TICKER>.csv (raw prices, to recompute Sigma and mu independently of R),
         DIR/sigma20.csv, DIR/mu20.csv, DIR/sectors20.csv
  writes DIR/portfolio_scipy.csv   case,ticker,weight_slsqp,weight_polished,objective_polished

Formulation (deliberately different from the quadprog splits): z = (w, t, u) with
  t_i >= w_i, t_i >= -w_i      (sum t <= 1.6 stands for sum|w| <= 1.6)
  u_i >= w_i - w0_i, u_i >= w0_i - w_i   (cost c sum u stands for c sum|w - w0|)
t and u only where the case needs them; no ridge. Objective 0.5 z'Hz + g'z with H = 2 Sigma (GMV,
percent units) or H = lambda h S (MV, decimal units, minimising -f).
1. scipy.optimize.minimize(method="SLSQP") from w = 0, t = u = 0 (an infeasible start; quadprog
   starts from the unconstrained minimiser), ftol 1e-15, maxiter 1000, analytic gradients.
2. Polish: the active set of the SLSQP point (slack < 1e-7) is taken as equalities and the KKT
   system [H A'; A 0] solved by least squares; the polished z must be feasible (1e-13) and must
   admit multipliers certifying optimality: lambda >= 0 on the active inequalities and
   ||H z + g + A_eq' nu + A_act' lambda|| < 1e-12, found by NNLS. For this convex problem that is
   a proof of optimality; w is unique because Sigma is positive definite.
"""
import csv
import os
import sys

import numpy as np
import scipy
from scipy.optimize import minimize, nnls

if len(sys.argv) != 3:
    sys.exit("usage: portfolio_scipy.py SP500_DIR DIR")
sp_dir, d = sys.argv[1], sys.argv[2]

with open(os.path.join(d, "sigma20.csv")) as f:
    rows = list(csv.reader(f))
tickers = rows[0]
Sigma = np.array([[float(v) for v in r] for r in rows[1:]])
N = len(tickers)
with open(os.path.join(d, "mu20.csv")) as f:
    mrows = list(csv.DictReader(f))
assert [r["ticker"] for r in mrows] == tickers
mu = np.array([float(r["mu"]) for r in mrows])
with open(os.path.join(d, "sectors20.csv")) as f:
    srows = list(csv.DictReader(f))
assert [r["ticker"] for r in srows] == tickers
sec = [r["sector"] for r in srows]
sectors = list(dict.fromkeys(sec))
G = np.array([[1.0 if s == q else 0.0 for s in sec] for q in sectors])

# ---- independent recomputation of the inputs from the raw prices ----
ser = {}
for tk in tickers:
    with open(os.path.join(sp_dir, tk + ".csv")) as f:
        rr = list(csv.DictReader(f))
    dates = [r["timestamp"] for r in rr]
    adj = np.array([float(r["adjusted_close"]) for r in rr])
    r = 100.0 * np.diff(np.log(adj))
    ser[tk] = dict(zip(dates[1:], r))
common = sorted(set.intersection(*[set(ser[tk]) for tk in tickers]))[-500:]
Rm = np.array([[ser[tk][dt] for tk in tickers] for dt in common])
S_np = np.cov(Rm, rowvar=False, ddof=1)
mu_np = Rm[-250:].mean(axis=0)
print("portfolio_scipy: inputs recomputed with numpy: max|Sigma - sigma20.csv| = %.3g (max |Sigma| %.3g), "
      "max|mu - mu20.csv| = %.3g" % (np.abs(S_np - Sigma).max(), np.abs(Sigma).max(), np.abs(mu_np - mu).max()))
assert np.abs(S_np - Sigma).max() < 1e-12 and np.abs(mu_np - mu).max() < 1e-14
lw = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "main", "tests", "reference", "lw_z20.csv")
if os.path.exists(lw):
    with open(lw) as f:
        lr = list(csv.reader(f))
    assert lr[0][1:] == tickers
    Z = np.array([[float(v) for v in r[1:]] for r in lr[1:]])
    zd = [r[0] for r in lr[1:]]
    k = zd.index(common[0])
    assert zd[k:] == common
    print("portfolio_scipy: the 500 returns equal the last 500 rows of lw_z20.csv to %.3g"
          % np.abs(Z[k:] - Rm).max())

S = Sigma / 1e4
m = mu / 100.0
h, lam, cost = 20.0, 5.0, 10e-4
w0 = np.full(N, 1.0 / N)


def build(case):
    """Return H, g, A_ub, b_ub, A_eq, b_eq, nz (A_ub z <= b_ub, A_eq z = b_eq) for z = (w, t?, u?)."""
    gross = case in ("gmv_ls_gross", "mv_ls_cost")
    tc = case in ("mv_lo_cost", "mv_ls_cost")
    nz = N * (1 + gross + tc)
    iw = slice(0, N)
    it = slice(N, 2 * N) if gross else None
    iu = slice(N * (1 + gross), N * (2 + gross)) if tc else None
    H = np.zeros((nz, nz))
    g = np.zeros(nz)
    if case.startswith("gmv"):
        H[iw, iw] = 2 * Sigma
    else:
        H[iw, iw] = lam * h * S
        g[iw] = -h * m
        if tc:
            g[iu] = cost
    Aub, bub, Aeq, beq = [], [], [], []

    def row():
        return np.zeros(nz)
    lo, hi = (0.0, 0.15) if case in ("gmv_lo_cap", "gmv_lo_sector", "mv_lo", "mv_lo_cost") else (-0.3, 0.3)
    for i in range(N):
        r = row(); r[i] = 1; Aub.append(r); bub.append(hi)
        r = row(); r[i] = -1; Aub.append(r); bub.append(-lo)
    if case.startswith("gmv") or case == "mv_ls_cost":
        r = row(); r[iw] = 1; Aeq.append(r); beq.append(1.0)
    else:
        r = row(); r[iw] = 1; Aub.append(r); bub.append(1.0)
    if case == "gmv_lo_sector":
        for q in range(len(sectors)):
            r = row(); r[iw] = G[q]; Aub.append(r); bub.append(0.25)
    if case == "mv_ls_cost":
        for q in range(len(sectors)):
            r = row(); r[iw] = G[q]; Aub.append(r); bub.append(0.4)
            r = row(); r[iw] = -G[q]; Aub.append(r); bub.append(0.4)
    if gross:
        for i in range(N):
            r = row(); r[i] = 1; r[N + i] = -1; Aub.append(r); bub.append(0.0)
            r = row(); r[i] = -1; r[N + i] = -1; Aub.append(r); bub.append(0.0)
        r = row(); r[it] = 1; Aub.append(r); bub.append(1.6)
    if tc:
        for i in range(N):
            r = row(); r[i] = 1; r[iu.start + i] = -1; Aub.append(r); bub.append(w0[i])
            r = row(); r[i] = -1; r[iu.start + i] = -1; Aub.append(r); bub.append(-w0[i])
    return H, g, np.array(Aub), np.array(bub), np.array(Aeq).reshape(-1, nz), np.array(beq)


def fval(case, w):
    if case.startswith("gmv"):
        return w @ Sigma @ w
    c = cost if case in ("mv_lo_cost", "mv_ls_cost") else 0.0
    return h * m @ w - lam / 2 * h * w @ S @ w - c * np.abs(w - w0).sum()


cases = ["gmv_lo_cap", "gmv_lo_sector", "gmv_ls_gross", "mv_lo", "mv_lo_cost", "mv_ls_cost"]
out = ["case,ticker,weight_slsqp,weight_polished,objective_polished"]
for case in cases:
    H, g, Aub, bub, Aeq, beq = build(case)
    nz = H.shape[0]
    z0 = np.zeros(nz)
    cons = [{"type": "ineq", "fun": lambda z, A=Aub, b=bub: b - A @ z, "jac": lambda z, A=Aub: -A}]
    if len(beq):
        cons.append({"type": "eq", "fun": lambda z, A=Aeq, b=beq: A @ z - b, "jac": lambda z, A=Aeq: A})
    res = minimize(lambda z: 0.5 * z @ H @ z + g @ z, z0, jac=lambda z: H @ z + g, method="SLSQP",
                   constraints=cons, options={"ftol": 1e-15, "maxiter": 1000})
    zs = res.x
    # polish on the active set
    act = np.where(bub - Aub @ zs < 1e-7)[0]
    Aa = np.vstack([Aeq, Aub[act]])
    ba = np.concatenate([beq, bub[act]])
    k = Aa.shape[0]
    KKT = np.block([[H, Aa.T], [Aa, np.zeros((k, k))]])
    sol = np.linalg.lstsq(KKT, np.concatenate([-g, ba]), rcond=None)[0]
    zp = sol[:nz]
    viol = max(np.max(Aub @ zp - bub), np.max(np.abs(Aeq @ zp - beq)) if len(beq) else 0.0)
    # optimality certificate: grad + Aeq' nu + Aact' lam = 0 with lam >= 0 (nu = nu+ - nu-)
    grad = H @ zp + g
    M = np.hstack([Aeq.T, -Aeq.T, Aub[act].T]) if len(beq) else Aub[act].T
    mult, rnorm = nnls(M, -grad, maxiter=10 * M.shape[1])
    ws, wp = zs[:N], zp[:N]
    print("%-14s SLSQP %s nit %d; active %d; polished: max violation %.2g, certificate residual %.2g; "
          "max|w_slsqp - w_polished| %.2g; objective %.15g"
          % (case, "ok" if res.success else "FAIL(" + res.message + ")", res.nit, len(act), viol, rnorm,
             np.abs(ws - wp).max(), fval(case, wp)))
    assert viol < 1e-13 and rnorm < 1e-12, case
    for i, tk in enumerate(tickers):
        out.append("%s,%s,%.17g,%.17g,%.17g" % (case, tk, ws[i], wp[i], fval(case, wp)))
with open(os.path.join(d, "portfolio_scipy.csv"), "w") as f:
    f.write("\n".join(out) + "\n")
print("portfolio_scipy: numpy %s, scipy %s; wrote portfolio_scipy.csv" % (np.__version__, scipy.__version__))
