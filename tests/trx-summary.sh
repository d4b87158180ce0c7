#!/usr/bin/env bash
# Usage: tests/trx-summary.sh <results-dir> [dotnet-test-exit-status]
# Prints the closing line of tests/run-all.sh, "N passed, N failed, N skipped", counted from the test results in
# the TRX reports of <results-dir>, and exits non-zero when a test failed (or dotnet test did).
set -euo pipefail
results=$1
status=${2:-0}

# One closing line for the whole suite, counted from the test results in the TRX reports (vstest's own
# notExecuted counter stays 0 for skipped tests, so each <UnitTestResult>'s outcome is counted instead).
# Skipped tests are listed with their reasons. With CI=true a skipped test is a failure (a test skips when a
# service or tool it needs is missing), unless its reason starts with "optional:".
summary=$(awk '
  /<UnitTestResult / {
    name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
    outcome = $0; sub(/.*outcome="/, "", outcome); sub(/".*/, "", outcome)
    if (outcome == "Passed") passed++
    else if (outcome == "NotExecuted") { skipped++; pending = name; reason = "" }
    else { failed++; failing = name; why = ""; collecting = 0 }
    if (outcome != "NotExecuted") pending = ""
    if (outcome == "Passed" || outcome == "NotExecuted") failing = ""
  }
  failing != "" && /<Message>/ { collecting = 1; why = "" }
  failing != "" && collecting {
    line = $0; sub(/.*<Message>/, "", line); done = sub(/<\/Message>.*/, "", line)
    if (length(why) < 1500) why = why (why == "" ? "" : " | ") line
    if (done) { collecting = 0 }
  }
  failing != "" && /<\/UnitTestResult>/ { printf "failed: %s: %s\n", failing, why; failing = "" }
  pending != "" && /<Message>/ && reason == "" {
    reason = $0; sub(/.*<Message>/, "", reason); sub(/<\/Message>.*/, "", reason)
  }
  pending != "" && /<\/UnitTestResult>/ { printf "skipped: %s: %s\n", pending, reason; pending = "" }
  END { printf "counts %d %d %d\n", passed, failed, skipped }
' "$results"/*.trx 2>/dev/null || echo "counts 0 0 0")
grep '^skipped: ' <<<"$summary" >&2 || true
grep '^failed: ' <<<"$summary" | sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' >&2 || true
read -r _ passed failed skipped < <(grep '^counts ' <<<"$summary")
if [ "${CI:-}" = "true" ]; then
  required=$(grep '^skipped: ' <<<"$summary" | grep -cv ': optional:' || true)
  if [ "$required" -gt 0 ]; then
    echo "run-all: CI=true and $required test(s) skipped for lack of a service or tool (listed above): counted as failed" >&2
    failed=$((failed + required)); status=1
  fi
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
