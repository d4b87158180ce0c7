#!/usr/bin/env bash
# Runs the whole ActorSim test suite from a fresh clone: restores, builds and runs every test project,
# installing and starting whatever the tests need first. Ends with the line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "run-all: the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first" >&2; exit 2; }

# System packages the tests use, installed once and serially before any test runs (waiting up to 5 minutes for
# the dpkg lock instead of failing on it): Debian's python3-numpy (the .npy tests also load our files with numpy),
# headless chromium (the dashboard's browser test drives it through playwright-core, never a downloaded browser),
# and fontconfig with a font (actorsim plot draws with ScottPlot on SkiaSharp, whose Linux library needs them).
# The cluster tests start their own actorsim node processes on loopback: no broker, nothing to install.
packages=()
/usr/bin/python3 -c "import numpy" 2>/dev/null || packages+=(python3-numpy)
command -v chromium >/dev/null || packages+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || packages+=(libfontconfig1 fonts-dejavu-core)
if [ "${#packages[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt=(apt-get -o DPkg::Lock::Timeout=300 -qq)
  ("${apt[@]}" update && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "${packages[@]}") >/dev/null 2>&1 \
    || echo "run-all: ${packages[*]} could not be installed; the tests that need them fail with CI=true and are skipped otherwise" >&2
fi
# npm packages of the browser test's script (the dashboard page itself is committed, built: dotnet needs no Node).
command -v npm >/dev/null || { echo "run-all: npm is not on PATH; install Node.js 20+ with npm (Debian: apt-get install nodejs npm)" >&2; exit 2; }
(cd tests/ActorSim.Cli.Tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build ActorSim.sln -c Release --nologo -v quiet
status=0
dotnet test ActorSim.sln -c Release --no-build --nologo -v quiet \
  --logger "trx;LogFilePrefix=results" --results-directory "$results" || status=$?

# One closing line for the whole suite, "N passed, N failed, N skipped", counted from the TRX reports
# (tests/trx-summary.sh: skipped tests listed with their reasons; with CI=true a skip is a failure).
tests/trx-summary.sh "$results" "$status" || status=$?
exit "$status"
