#!/usr/bin/env python3
"""statsmodels side of scaling/peers/compare.sh: usage arima_statsmodels.py DATA_DIR REPEAT.

DATA_DIR = shared/data. Fits with statsmodels SARIMAX (exact Gaussian likelihood by the Kalman
filter, default optimiser L-BFGS and default options; the fit also computes the covariance of
the estimates), REPEAT times each after one warm-up fit:
  airline: ARIMA(0,1,1)(0,1,1)12 on log passengers (reference/airline.csv, lg), no constant,
           simple_differencing=True (the likelihood of the differenced series, as gretl/hpcast);
  aapl:    ARMA(2,2) + constant (trend='c') on AAPL percent log returns,
           100 * diff(log(adjusted_close)) of sp500/AAPL.csv.
Prints "RESULT <model> <ms per fit, mean over REPEAT> <loglik> <n> <converged 0|1>" per model.
statsmodels has no GARCH model (volatility models are in the separate `arch` package).
"""
import csv
import sys
import time
import warnings

import numpy as np
from statsmodels.tsa.statespace.sarimax import SARIMAX


def bench(name, fit, repeat):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and frequency warnings: reported by the flag
        f = fit()
        t0 = time.perf_counter()
        for _ in range(repeat):
            f = fit()
        t = time.perf_counter() - t0
    conv = int(bool(f.mle_retvals.get("converged", False))) if f.mle_retvals else 0
    print("RESULT %s %.4f %.6f %d %d" % (name, 1e3 * t / repeat, f.llf, f.nobs, conv))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: arima_statsmodels.py DATA_DIR REPEAT")
    data, repeat = sys.argv[1], int(sys.argv[2])
    lg = np.loadtxt(data + "/reference/airline.csv", delimiter=",", skiprows=1, usecols=2)
    with open(data + "/sp500/AAPL.csv") as fh:
        price = np.array([float(row["adjusted_close"]) for row in csv.DictReader(fh)])
    r = 100 * np.diff(np.log(price))
    bench("airline", lambda: SARIMAX(lg, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12),
                                     simple_differencing=True).fit(disp=False), repeat)
    bench("aapl", lambda: SARIMAX(r, order=(2, 0, 2), trend="c").fit(disp=False), repeat)


if __name__ == "__main__":
    main()
