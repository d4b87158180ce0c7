#!/usr/bin/env bash
# Runs the whole ActorSim test suite from a fresh clone: restores, builds and runs every test project,
# installing and starting whatever the tests need first. Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "run-all: the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first" >&2; exit 2; }

# The .npy tests also load our files with numpy (Debian's python3-numpy) when it is there; install it
# if we can. The cluster tests start their own actorsim node processes on loopback (no broker, nothing to install).
if ! /usr/bin/python3 -c "import numpy" 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq python3-numpy) >/dev/null 2>&1 || echo "run-all: python3-numpy could not be installed; the numpy cross-checks will be skipped" >&2
fi

# actorsim plot draws with ScottPlot on SkiaSharp, whose Linux library needs fontconfig and a font (DejaVu Sans).
if ! fc-list 2>/dev/null | grep -qi "DejaVu Sans" && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfontconfig1 fonts-dejavu-core) >/dev/null 2>&1 \
    || echo "run-all: fontconfig and fonts-dejavu-core could not be installed; the plot tests will fail" >&2
fi

# The dashboard's browser test drives Debian's headless chromium through playwright-core (never a downloaded browser).
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 \
    || echo "run-all: chromium could not be installed; the dashboard browser test will fail with CI=true and be skipped otherwise" >&2
fi
# npm packages: the dashboard page (also built by the CLI's build when missing) and the browser test's script.
command -v npm >/dev/null || { echo "run-all: npm is not on PATH; install Node.js 20+ with npm (Debian: apt-get install nodejs npm)" >&2; exit 2; }
(cd src/ActorSim.Dashboard.Web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
(cd tests/ActorSim.Cli.Tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build ActorSim.sln -c Release --nologo -v quiet
status=0
dotnet test ActorSim.sln -c Release --no-build --nologo -v quiet \
  --logger "trx;LogFilePrefix=results" --results-directory "$results" || status=$?

# One closing line for the whole suite, summed over the test assemblies' TRX reports.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -e "$f" ] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line"); skipped=$((skipped + ${n:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
