#!/usr/bin/env bash
# Where one gateway's CPU goes under the overhead benchmark's load (run.sh's upstream, request and wrk settings):
# Linux `perf` samples the gateway while wrk drives it, with JIT-compiled frames named through the runtime's perf
# map, and profile_summary.py turns the samples into CPU microseconds per request by component and lists the top
# frames. With --compare DIR (an earlier profile, e.g. one taken with --off) it also prints the difference.
#
# Usage: perf/overhead/profile.sh [--seconds S] [--out DIR] [--no-build] [--off] [--gateway-env "K=V ..."] [--compare DIR]
#   --off          instrumentation switched off (run.sh's gw_off); default is run.sh's gw_on (OTLP to a local sink)
#   --gateway-env  extra environment for the gateway, applied last
# The gateway runs with DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0 so that every
# managed frame has a name; that makes it slower than in production: read shares and differences, not the rate.
# Needs perf (Debian: linux-perf), wrk, nginx, python3. Loopback only. Output: DIR/summary.md, DIR/perf.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
seconds=15 out="" build=1 mode=on gateway_env="" compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift ;;
    --out) out=$2; shift ;;
    --no-build) build=0 ;;
    --off) mode=off ;;
    --gateway-env) gateway_env=$2; shift ;;
    --compare) compare=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for tool in perf wrk nginx dotnet curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found. Debian: apt-get install -y linux-perf wrk nginx curl python3" >&2; exit 3; }
done

out=${out:-$here/results/profile-$mode-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"; out=$(cd "$out" && pwd)
# pids/cleanup trap, log, pick_port, wait_http, start_nginx, start_gateway, bench_body
source "$here/../lib.sh"
[ $build -eq 1 ] && { NO_BUILD=0 build_all; }

pick_port up_port; pick_port sink_port
start_nginx "$out" upstream 1 "server { listen 127.0.0.1:$up_port; location / { default_type application/json; return 200 '$bench_body'; } }"
start_nginx "$out" sink 1 "server { listen 127.0.0.1:$sink_port; client_max_body_size 64m; location / { default_type application/x-protobuf; return 200 ''; } }"
wait_http "http://127.0.0.1:$up_port/" 10

envs=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0)
if [ $mode = on ]; then
  envs+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
         Gateway__Metrics__Enabled=true Gateway__AccessLog__Enabled=true Gateway__Tracing__Enabled=true)
else
  envs+=(Gateway__Metrics__Enabled=false Gateway__AccessLog__Enabled=false Gateway__Tracing__Enabled=false)
fi
if [ -n "$gateway_env" ]; then read -r -a extra <<< "$gateway_env"; envs+=("${extra[@]}"); fi
start_gateway "$out" gateway "http://127.0.0.1:$up_port/" "http://127.0.0.1:$up_port/" "${envs[@]}"

url="http://127.0.0.1:$gw_port/memories?user_id=lt-bench-0001"
log "warm-up 10 s, then perf for ${seconds} s under wrk -t1 -c32 ($mode)"
wrk -t1 -c32 -d10s "$url" > "$out/warmup.txt"
wrk -t1 -c32 -d$((seconds + 6))s "$url" > "$out/wrk.txt" &
wrk_pid=$!
sleep 3
perf record -F 999 -g -p "$gw_pid" -o "$out/perf.data" -- sleep "$seconds" > "$out/perf.log" 2>&1
wait $wrk_pid
rps=$(awk '/^Requests\/sec/{print $2}' "$out/wrk.txt")
requests=$(awk -v r="$rps" -v s="$seconds" 'BEGIN{printf "%d", r*s}')
echo "$requests" > "$out/requests"
perf script -i "$out/perf.data" > "$out/perf.txt" 2>/dev/null
rm -f "$out/perf.data"
python3 "$here/profile_summary.py" "$out" ${compare:+--compare "$compare"} > "$out/summary.md"
log "$rps req/s under perf; summary: $out/summary.md"
cat "$out/summary.md"
