#!/usr/bin/env bash
# CI smoke run of the benchmarks: tiny sizes, the real host pipeline end to end, about two and a half minutes (with a cold start in a fresh
# process on each journal, and the failover run: three real replicas and a private PostgreSQL). Then the chaos soak
# at smoke size (60 Services, 3 minutes of faults, then quiet and the books: about five and a half minutes in all).
# Exits non-zero when the build fails, a run does not converge, changes never reach the simulated cloud, or the soak's books do not balance.
# The host's own log (warnings, e.g. throttled calls) goes to a file so the figures stay readable; it is shown on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp -t directlb-bench-smoke.XXXXXX.log)"
dotnet build bench/DirectLB.Bench -c Release -nologo -v quiet
if ! timeout 300 dotnet run -c Release --no-build --project bench/DirectLB.Bench -- all --smoke >"$log" 2>&1; then
  cat "$log"
  echo "bench smoke: FAILED (log above)" >&2
  exit 1
fi
grep -E '^(scale|cold|latency|rolling update|rate limit|failover|journal|done)' "$log"
if ! timeout 720 dotnet run -c Release --no-build --project bench/DirectLB.Bench -- soak --smoke >"$log" 2>&1; then
  cat "$log"
  echo "bench smoke: the soak FAILED (log above)" >&2
  exit 1
fi
grep -E '^soak: [0-9]+ min' "$log"
echo "bench smoke: passed"
