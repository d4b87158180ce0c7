#!/usr/bin/env bash
# Runs the whole ActorSim test suite from a fresh clone: restores, builds and runs every test project,
# installing and starting whatever the tests need first. Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "run-all: the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first" >&2; exit 2; }

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
