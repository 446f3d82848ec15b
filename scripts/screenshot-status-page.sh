#!/usr/bin/env bash
# Takes the README's picture of the status page from a real run: the built gateway in front of the tests' stand-in
# upstreams (tests/Mem0Gateway.StandIns), some traffic (mem0 adds and searches at several latencies, client and
# upstream errors, OpenMemory calls, an MCP SSE session and MCP tool calls), then headless Chromium's screenshot.
# Usage: scripts/screenshot-status-page.sh [OUTPUT.png]   (default docs/status-page.png). Needs Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(realpath -m "${1:-$root/docs/status-page.png}")
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until a command succeeds (up to $1 seconds), instead of guessing a pause.
wait_for() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for: $*" >&2; return 1; fi
    sleep 0.2
  done
}

echo "== building the gateway and the stand-ins"
dotnet build src/Mem0Gateway -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build tests/Mem0Gateway.StandIns -c Release -nologo -clp:ErrorsOnly >/dev/null

dotnet tests/Mem0Gateway.StandIns/bin/Release/net10.0/Mem0Gateway.StandIns.dll > "$work/standins.txt" &
pids+=($!)
wait_for 30 grep -q '^openmemory-ui=' "$work/standins.txt"

# Free loopback ports for the gateway's listeners, and its config: the repository's yarp.json pointed at the stand-ins.
read -r mem0_port openmemory_port ui_port management_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
python3 - "$root/yarp.json" "$work/yarp.json" "$work/standins.txt" "$mem0_port" "$openmemory_port" "$ui_port" "$management_port" <<'PY'
import json, sys
source, target, standins, mem0, openmemory, ui, management = sys.argv[1:]
config = json.load(open(source))
upstreams = dict(line.strip().split("=", 1) for line in open(standins) if "=" in line)
gateway = config["Gateway"]
gateway["ListenAddress"] = gateway["ManagementAddress"] = "127.0.0.1"
gateway["ManagementPort"] = int(management)
for service, port in (("mem0", mem0), ("openmemory", openmemory), ("openmemory-ui", ui)):
    gateway["Services"][service]["Port"] = int(port)
for cluster_id, cluster in config["ReverseProxy"]["Clusters"].items():
    cluster["Destinations"] = {f"{cluster_id}-1": {"Address": upstreams[cluster_id]}}
json.dump(config, open(target, "w"), indent=2)
PY

dotnet src/Mem0Gateway/bin/Release/net10.0/Mem0Gateway.dll --config "$work/yarp.json" > "$work/gateway.log" 2>&1 &
pids+=($!)
management="http://127.0.0.1:$management_port"
wait_for 60 curl -sf "$management/health/liveness"

echo "== sending traffic"
mem0="http://127.0.0.1:$mem0_port"
openmemory="http://127.0.0.1:$openmemory_port"
json='Content-Type: application/json'
# An MCP client keeps its SSE stream open while the page is taken.
curl -sN "$openmemory/mcp/claude/sse/alice" > "$work/mcp-sse.txt" &
pids+=($!)
for i in $(seq 1 24); do
  delay=$(( (i * 37) % 400 ))
  curl -s -o /dev/null -H "$json" -H "x-test-delay-ms: $delay" "$mem0/memories" \
    -d "{\"messages\":[{\"role\":\"user\",\"content\":\"likes tea $i\"}],\"user_id\":\"user-$((i % 7))\"}"
  curl -s -o /dev/null -H "$json" -H "x-test-delay-ms: $((delay / 3))" "$mem0/search" -d "{\"query\":\"tea\",\"user_id\":\"user-$((i % 5))\"}"
  curl -s -o /dev/null "$mem0/memories?user_id=user-$((i % 3))"
done
for i in $(seq 1 3); do curl -s -o /dev/null -H "x-test-status: 404" "$mem0/memories/missing-$i"; done
for i in $(seq 1 2); do curl -s -o /dev/null -H "x-test-status: 502" "$mem0/search" -H "$json" -d '{"query":"tea","user_id":"user-1"}'; done
for i in $(seq 1 8); do curl -s -o /dev/null "$openmemory/api/v1/memories/?user_id=user-$((i % 4))"; done
for i in $(seq 1 6); do
  tool=$([ $((i % 3)) -eq 0 ] && echo search_memory || echo add_memories)
  curl -s -o /dev/null -H "$json" "$openmemory/mcp/cursor/http/user-$i" \
    -d "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":{\"text\":\"likes tea\"}}}"
done

# The page shows what the sampler has seen: wait until it has seen all of the traffic above.
wait_for 30 python3 -c '
import json, sys, urllib.request
status = json.load(urllib.request.urlopen(sys.argv[1] + "/status.json"))
add = next(o for o in status["operations"] if o["service"] == "mem0" and o["operation"] == "add")
assert add["requests"] == 24 and status["mcp"]["sessions"] and status["mcp"]["tools"]' "$management"

echo "== taking the screenshot"
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 --window-size=1280,1180 \
  --virtual-time-budget=5000 --screenshot="$out" "$management/" 2>/dev/null
echo "wrote $out"
