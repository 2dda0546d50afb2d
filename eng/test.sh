#!/usr/bin/env bash
# The test command: set-up (packages + native build), then every MSTest project in Release.
# Ends with one line "N passed, N failed" summed over the test assemblies.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/eng/setup.sh"
results="$root/build/test-results"
rm -rf "$results"
set +e
dotnet test "$root/MLExtensions.sln" -c Release --nologo --logger "trx" --results-directory "$results" "$@"
rc=$?
set -e
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then failed=1; echo "dotnet test exited with $rc (build or run failure)" >&2; fi
echo "$passed passed, $failed failed"
exit "$rc"
