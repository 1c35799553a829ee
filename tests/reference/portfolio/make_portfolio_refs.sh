#!/bin/sh
# Regenerate every portfolio-construction reference in this directory and write VERSIONS.
# usage: sh make_portfolio_refs.sh [DATA_DIR [OUT_DIR]]
#   DATA_DIR  default ../shared/data relative to the project root (env HPCAST_DATA overrides)
#   OUT_DIR   default: this script's directory
# Needs: Rscript with r-cran-quadprog and r-cran-sandwich; /usr/bin/python3 with numpy and scipy.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DATA=${1:-${HPCAST_DATA:-$ROOT/../shared/data}}
OUT=${2:-$HERE}
HDR=$HERE/../lw_z20.csv
PY=/usr/bin/python3
{
  echo "# tool versions used to produce the portfolio reference CSVs ($(date -u +%Y-%m-%d))"
  echo "R: $(R --version | head -1)"
  echo "r-base-core (Debian): $(dpkg-query -W -f='${Version}' r-base-core 2>/dev/null || echo unknown)"
  echo "r-cran-quadprog (Debian): $(dpkg-query -W -f='${Version}' r-cran-quadprog 2>/dev/null || echo unknown) (quadprog $(Rscript -e 'cat(as.character(packageVersion("quadprog")))'))"
  echo "r-cran-sandwich (Debian): $(dpkg-query -W -f='${Version}' r-cran-sandwich 2>/dev/null || echo unknown) (sandwich $(Rscript -e 'cat(as.character(packageVersion("sandwich")))'))"
  echo "python3: $($PY --version 2>&1)"
  echo "python3-numpy (Debian): $(dpkg-query -W -f='${Version}' python3-numpy 2>/dev/null || echo unknown) (numpy $($PY -c 'import numpy; print(numpy.__version__)'))"
  echo "python3-scipy (Debian): $(dpkg-query -W -f='${Version}' python3-scipy 2>/dev/null || echo unknown) (scipy $($PY -c 'import scipy; print(scipy.__version__)'))"
} > "$OUT/VERSIONS"
Rscript "$HERE/portfolio_data.R" "$DATA/sp500" "$DATA/sp500-constituents.csv" "$HDR" "$OUT"
$PY "$HERE/portfolio_scipy.py" "$DATA/sp500" "$OUT"
Rscript "$HERE/portfolio_quadprog.R" "$OUT"
Rscript "$HERE/neweywest_sandwich.R" "$OUT"
Rscript "$HERE/riskparity_mrt2010.R" "$OUT/riskparity_mrt2010.csv"
echo "portfolio references written to $OUT"
