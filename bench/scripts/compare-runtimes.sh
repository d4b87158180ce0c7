#!/usr/bin/env bash
# Side-by-side wall times of every shipped scenario with two builds of actorsim, in one run.
# usage: bench/scripts/compare-runtimes.sh OLD/actorsim.dll NEW/actorsim.dll [REPS] [SCENARIO...]
# Runs each scenario REPS times (default 3) with each build, alternating old/new, and prints per scenario the median
# wall time of each (whole process), new/old, and whether results_sha256 agree. Run from the repository root.
set -euo pipefail
old=$1; new=$2; reps=${3:-3}; shift $(( $# >= 3 ? 3 : 2 ))
scenarios=("$@"); [ ${#scenarios[@]} -eq 0 ] && scenarios=(scenarios/*.json)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
run() { # dll scenario out -> prints seconds
  local s e; s=$(date +%s.%N)
  dotnet "$1" run "$2" --out "$3" --force >/dev/null 2>&1 || { echo "FAILED $1 $2" >&2; echo nan; return; }
  e=$(date +%s.%N); echo "$e - $s" | bc -l
}
sha() { grep -o '"results_sha256": *"[0-9a-f]*"' "$1/run.json" | grep -o '[0-9a-f]\{64\}'; }
printf '| %-42s | %8s | %8s | %7s | %s |\n' scenario "old s" "new s" "new/old" "same results"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..44})" ---------- ---------- --------- ------
for f in "${scenarios[@]}"; do
  name=$(basename "$f" .json); : > "$work/old.t"; : > "$work/new.t"
  for ((r = 0; r < reps; r++)); do
    run "$old" "$f" "$work/o" >> "$work/old.t"
    run "$new" "$f" "$work/n" >> "$work/new.t"
  done
  o=$(median < "$work/old.t"); n=$(median < "$work/new.t")
  same=$([ "$(sha "$work/o")" = "$(sha "$work/n")" ] && echo yes || echo NO)
  printf '| %-42s | %8.3f | %8.3f | %7.3f | %s |\n' "$name" "$o" "$n" "$(echo "$n / $o" | bc -l)" "$same"
done
