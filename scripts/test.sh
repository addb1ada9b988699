#!/usr/bin/env bash
# Runs every DirectLB test suite. Installs what the tests need when it is missing, so a fresh machine needs nothing first.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need_apt+=(postgresql)
# The real kubectl, which the API test server and sandbox tests drive (Debian's package for it is kubernetes-client).
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
# The transparent-mode test's network namespaces mark HAProxy's traffic with iptables (not on a minimal Debian).
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || need_apt+=(iptables)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
fi

dotnet restore Actors.sln --verbosity quiet
dotnet build Actors.sln --no-restore --verbosity quiet -nologo
log=$(mktemp)
set +e
# One test assembly at a time: the suites with real HAProxy, PostgreSQL and several processes each load both cores,
# and side by side they starve one another's deadlines. The minimal console logger prints a failed test's message,
# stack trace and output (the failover tests put their replicas' log tails there); passing tests stay quiet.
dotnet test Actors.sln --no-build --verbosity quiet -nologo --logger "console;verbosity=minimal" "$@" -- RunConfiguration.MaxCpuCount=1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The benchmarks at smoke size, so they cannot rot (the full run is bench/DirectLB.Bench, see docs/benchmarks.md).
if bench/smoke.sh; then echo "Passed!  - Failed:     0, Passed:     1, Skipped:     0, Total:     1 - bench smoke" >>"$log"
else echo "Failed!  - Failed:     1, Passed:     0, Skipped:     0, Total:     1 - bench smoke" >>"$log"; status=1; fi
set -e
# One closing line over all suites: "N passed, N failed".
awk '/(Passed|Failed)! +- +Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
