#!/usr/bin/env bash
# Download the S&P 500 daily price universe into data/sp500/ as TICKER.csv.
#
# Source: the public GitHub repository Pooksoft/PooksoftSP500EquityPriceDataSet
# (MIT licence; prices from the AlphaVantage API). Its default branch holds one
# CSV per ticker in daily_adjusted/, named DA-<TICKER>-T-<YYYY-MM-DD>.csv
# (e.g. DA-AAPL-T-2021-04-21.csv, DA-BRK.B-T-2021-04-21.csv), columns
# timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient.
#
#   data/fetch_sp500.sh            # into data/sp500 (git-ignored)
#   data/fetch_sp500.sh DIR        # into DIR
#   FORCE=1 data/fetch_sp500.sh    # replace an existing folder
#
# Needs curl and tar. The folder is filled atomically: files are unpacked and
# renamed in a temporary directory, which is moved into place only at the end.
set -euo pipefail

REPO="Pooksoft/PooksoftSP500EquityPriceDataSet"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here/sp500}"

say() { printf 'fetch_sp500: %s\n' "$*"; }
die() { printf 'fetch_sp500: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in curl tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (apt-get install $tool)"
done

if [ -d "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
  if [ "${FORCE:-0}" != 1 ]; then
    say "$dest already exists and is not empty; nothing to do (FORCE=1 to fetch again)"
    exit 0
  fi
fi

mkdir -p "$(dirname "$dest")"
tmp="$(mktemp -d "$(dirname "$dest")/.sp500.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# The codeload tarball of the default branch (HEAD); fall back to the usual
# branch names in case HEAD is not resolved.
tarball="$tmp/repo.tar.gz"
ok=0
for ref in HEAD master main; do
  url="https://codeload.github.com/$REPO/tar.gz/$ref"
  say "downloading $url"
  if curl --fail --location --silent --show-error --retry 3 --retry-delay 2 \
      --connect-timeout 30 --output "$tarball" "$url"; then
    ok=1
    break
  fi
  say "download of $ref failed"
done
[ "$ok" -eq 1 ] || die "could not download $REPO from GitHub (no network? proxy? try again later)"

gzip -t "$tarball" 2>/dev/null || die "the download is not a gzip tarball (an error page?): $tarball"

# Unpack only the daily CSV files: <top>/daily_adjusted/DA-*.csv
unpack="$tmp/unpack"
mkdir -p "$unpack"
say "unpacking daily_adjusted/*.csv"
tar -xzf "$tarball" -C "$unpack" --wildcards '*/daily_adjusted/DA-*.csv' ||
  die "the tarball has no daily_adjusted/DA-*.csv files: the repository layout changed"

out="$tmp/sp500"
mkdir -p "$out"
n=0
skipped=0
# Sorted, so when a ticker has several snapshots the latest date wins.
while IFS= read -r -d '' f; do
  base="$(basename "$f")"
  # DA-<TICKER>-T-<YYYY-MM-DD>.csv -> <TICKER>.csv (tickers may contain '.' or '-')
  if [[ "$base" =~ ^DA-(.+)-T-[0-9]{4}-[0-9]{2}-[0-9]{2}\.csv$ ]]; then
    ticker="${BASH_REMATCH[1]}"
    mv -f "$f" "$out/$ticker.csv"
    n=$((n + 1))
  else
    say "skipping unexpected file name: $base"
    skipped=$((skipped + 1))
  fi
done < <(find "$unpack" -type f -path '*/daily_adjusted/DA-*.csv' -print0 | sort -z)

[ "$n" -gt 0 ] || die "no DA-<TICKER>-T-<date>.csv files found in the tarball"
tickers="$(find "$out" -type f -name '*.csv' | wc -l | tr -d ' ')"

# Move into place (replace an old folder only now that the new one is complete).
if [ -d "$dest" ]; then
  rm -rf "$dest.old"
  mv "$dest" "$dest.old"
fi
mv "$out" "$dest"
rm -rf "$dest.old"

say "wrote $tickers ticker files to $dest ($skipped skipped)"
say "note: some files hold an API error message instead of CSV; hpcast reports those tickers with a reason"
