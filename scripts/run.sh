#!/usr/bin/env bash
# Runs DirectLB's sandbox: a simulated cluster, a scripted workload and DirectLB on this machine, with real HAProxy.
# Installs HAProxy when it is missing and it can (else DirectLB uses its simulated provider); `dotnet run` restores.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v haproxy >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq haproxy >/dev/null || true
  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq haproxy >/dev/null || true; fi
fi
exec dotnet run --project src/Host -- sandbox "$@"
