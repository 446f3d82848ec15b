#!/usr/bin/env bash
# Scale test: two gateway processes behind HAProxy (TCP mode), two destinations per service, one Redis, mixed mem0
# traffic and MCP sessions (both transports) whose streams and messages are spread over both gateways.
# It is the CI test tests/Mem0Gateway.Tests/Scale/ScaleTests.cs run at a larger size; it prints the figures
# (and fails on a lost session, a count that does not add up, or a distinct-user estimate out of bounds).
# Usage: perf/scale/run.sh [REQUESTS] [USERS] [SESSIONS] [CALLS_PER_SESSION]   (defaults 6000 3000 20 20)
# Needs: .NET 10 SDK, redis-server, haproxy (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
export MEM0GW_SCALE_REQUESTS=${1:-6000} MEM0GW_SCALE_USERS=${2:-3000} MEM0GW_SCALE_SESSIONS=${3:-20} MEM0GW_SCALE_CALLS=${4:-20}
for tool in redis-server haproxy; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool is not installed (apt-get install $tool)"; exit 1; }
done
export MEM0GW_SCALE_REPORT
MEM0GW_SCALE_REPORT=$(mktemp)
trap 'rm -f "$MEM0GW_SCALE_REPORT"' EXIT
dotnet build tests/Mem0Gateway.Tests -c Release -nologo -clp:ErrorsOnly >/dev/null
rc=0
dotnet test tests/Mem0Gateway.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~Scale.ScaleTests" >/dev/null || rc=$?
cat "$MEM0GW_SCALE_REPORT"
[ $rc -eq 0 ] && echo "scale test: PASS" || echo "scale test: FAIL"
exit $rc
