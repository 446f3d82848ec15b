#!/usr/bin/env bash
# The one command that runs every test of Mem0Gateway on a fresh Debian machine with the .NET 10 SDK:
# installs the real servers the tests drive (Prometheus, Alertmanager, PostgreSQL, Redis, HAProxy, wrk, nginx, Chromium, kubectl, Node.js), builds, runs all
# test projects, and ends with the line "Tests: N passed, M failed". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

packages=(prometheus prometheus-alertmanager postgresql wrk nginx curl python3 git chromium kubectl nodejs redis-server haproxy)
# nodejs from other repositories bundles npm; Debian's nodejs needs its own npm package.
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start services: the tests start their own on free loopback ports and stop them.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
  install_rc=$?
  rm -f /usr/sbin/policy-rc.d
  if [ $install_rc -ne 0 ]; then
    echo "apt-get install failed ($install_rc)"; echo "Tests: 0 passed, 1 failed"; exit 1
  fi
fi

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

echo "== building"
if ! dotnet build Mem0Gateway.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "Build failed."; echo "Tests: 0 passed, 1 failed"; exit 1
fi

echo "== checking code style (dotnet format --verify-no-changes, rules in .editorconfig)"
# Counted as one test: a style finding fails the run like any other test would.
if dotnet format Mem0Gateway.sln --verify-no-changes --no-restore >"$results/format.log" 2>&1; then
  style_failed=0
else
  style_failed=1
  grep -E ': (warning|error) ' "$results/format.log" | head -50
  echo "Style check failed: run 'dotnet format Mem0Gateway.sln' (full list in $results/format.log)."
fi

echo "== running tests"
dotnet test Mem0Gateway.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000
test_rc=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*'); f=$(echo "$counters" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ $style_failed -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ $test_rc -ne 0 ] && [ $failed -eq 0 ]; then
  failed=1  # a test host crashed or a project did not run: never report that as green
fi
echo "Tests: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $test_rc -eq 0 ]
