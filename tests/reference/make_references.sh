#!/bin/sh
# Regenerate every reference CSV in tests/reference/ from the real data in
# ../shared/data (relative to the project root) with R and gretl.
# Values committed were produced with (see VERSIONS, rewritten by this script):
#   R 4.2.2 Patched (2022-11-10 r83330), Debian r-base-core 4.2.2.20221110-2
#   gretl 2022c, Debian gretl 2022c-1
#   python3-sklearn 1.2.1+dfsg-1, python3-numpy 1:1.24.2-1+deb12u1 (run by /usr/bin/python3)
#   forecast 8.20 (Debian r-cran-forecast 8.20-1) for dm_forecast.R
# Install: apt-get install r-base-core r-cran-forecast gretl python3-sklearn   (Debian bookworm)
# usage: tests/reference/make_references.sh    (env HPCAST_DATA overrides
#        the data root, default <project>/../shared/data)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${HPCAST_DATA:-$ROOT/../shared/data}
TICKERS="AAPL MSFT XOM JPM KO"   # tickers missing from sp500/ are skipped (XOM is absent)
command -v Rscript >/dev/null || { echo "Rscript not found (apt-get install r-base-core)" >&2; exit 1; }
PYTHON=/usr/bin/python3
$PYTHON -c 'import numpy, sklearn' 2>/dev/null || { echo "$PYTHON cannot import numpy and sklearn (apt-get install python3-sklearn)" >&2; exit 1; }
HAVE_GRETL=1; command -v gretlcli >/dev/null || HAVE_GRETL=0
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# versions
{
  echo "# tool versions used to produce the CSVs in this directory ($(date -u +%Y-%m-%d))"
  echo "R: $(R --version | head -1)"
  echo "r-base-core (Debian): $(dpkg-query -W -f='${Version}' r-base-core 2>/dev/null || echo unknown)"
  if [ $HAVE_GRETL = 1 ]; then
    echo "gretl: $(gretlcli --version 2>&1 | head -1)"
    echo "gretl (Debian): $(dpkg-query -W -f='${Version}' gretl 2>/dev/null || echo unknown)"
  else
    echo "gretl: not available (gretl columns are NA)"
  fi
  echo "r-cran-forecast (Debian): $(dpkg-query -W -f='${Version}' r-cran-forecast 2>/dev/null || echo unknown)"
  echo "python3: $($PYTHON --version 2>&1)"
  echo "python3-sklearn (Debian): $(dpkg-query -W -f='${Version}' python3-sklearn 2>/dev/null || echo unknown) (sklearn $($PYTHON -c 'import sklearn; print(sklearn.__version__)'))"
  echo "python3-numpy (Debian): $(dpkg-query -W -f='${Version}' python3-numpy 2>/dev/null || echo unknown) (numpy $($PYTHON -c 'import numpy; print(numpy.__version__)'))"
} > "$HERE/VERSIONS"

# 3. ARMA(p,q)+mean on S&P 500 daily log returns
G="-"
if [ $HAVE_GRETL = 1 ]; then
  G="$TMP/arma_gretl.csv"
  "$HERE/arma_sp500_gretl.sh" "$DATA/sp500" "$G" $TICKERS
fi
Rscript "$HERE/arma_sp500.R" "$DATA/sp500" "$G" "$HERE/arma_sp500.csv" $TICKERS

# 4. GARCH(1,1) on DEM/GBP: published FCP (1996) values, then gretl
cat > "$HERE/dem2gbp_garch_fcp.csv" <<CSV
parameter,estimate,se_hessian,se_opg,se_robust
mu,-0.00619041,0.00846212,0.00843359,0.00918935
omega,0.0107613,0.00285271,0.00132298,0.00649319
alpha1,0.153134,0.0265228,0.0139737,0.0535317
beta1,0.805974,0.0335527,0.0165604,0.0724614
loglik,-1106.608,NA,NA,NA
CSV
if [ $HAVE_GRETL = 1 ]; then
  "$HERE/dem2gbp_garch_gretl.sh" "$DATA/reference/dem2gbp.csv" "$HERE/dem2gbp_garch_gretl.csv"
fi

# 5. Airline model on Box-Jenkins series G
Rscript "$HERE/airline.R" "$DATA/reference/airline.csv" "$HERE/airline_r.csv"
Rscript "$HERE/hannan_rissanen.R" "$DATA/sp500" "$HERE/hannan_rissanen.csv"
if [ $HAVE_GRETL = 1 ]; then
  "$HERE/airline_gretl.sh" "$DATA/reference/airline.csv" "$HERE/airline_gretl.csv"
fi

# 6. Singular spectrum analysis of M4 Weekly W57 (base R), and the AR(2) fit of its residual
Rscript "$HERE/ssa_r.R" "$DATA/m4/Weekly-train.csv" "$HERE/ssa_r.csv" "$HERE/ssa_ar_r.csv"
# 7. Covariance module: Ledoit-Wolf shrinkage (scikit-learn) on 20 tickers, and the DCC(1,1)
#    composite and full correlation likelihoods (base R) on AAPL MSFT JPM JNJ KO
$PYTHON "$HERE/lw_sklearn.py" "$DATA/sp500" "$HERE"
Rscript "$HERE/dcc_r.R" "$DATA/sp500" "$HERE"
# 8. Diebold-Mariano test (R forecast::dm.test) of the CRPS loss series of the unit test's
#    backtest of KO and JPM (written by the test when HPCAST_DM_LOSSES is set; the committed
#    dm_losses.csv is used if the release build has no test binary) and stored synthetic series
BT="$ROOT/build/tests/unit/test_eval_backtest"
if [ -x "$BT" ]; then
  HPCAST_DM_LOSSES="$HERE/dm_losses.csv" HPCAST_SOURCE_ROOT="$ROOT" "$BT" --filter 'backtest/benchmark_and_dm_test' >/dev/null
fi
Rscript "$HERE/dm_forecast.R" "$HERE/dm_losses.csv" "$HERE/dm_forecast.csv"
# 9. Portfolio constructions (R quadprog, cross-checked with scipy), risk parity, Newey-West
#    (R sandwich): portfolio/, with its own VERSIONS
sh "$HERE/portfolio/make_portfolio_refs.sh" "$DATA"
echo "reference CSVs written to $HERE"
