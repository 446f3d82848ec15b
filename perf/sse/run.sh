#!/usr/bin/env bash
# MCP SSE concurrency: how many idle MCP SSE streams (GET /mcp/<client>/sse/<user>) the gateway holds, and its memory
# per idle stream. For each level a fresh gateway is started, N streams are opened through it to the fake OpenMemory
# (each waits for its `endpoint` event), held idle, and the gateway's VmRSS/VmHWM and fd count are read from /proc.
# Usage: perf/sse/run.sh [--levels "1000 5000 9000"] [--open-rate 500] [--hold 15s] [--out DIR]
# Note: each proxied stream costs the gateway two sockets (client + upstream), so the open-files limit (ulimit -n)
# caps the count at about (limit - ~300) / 2; the script raises the soft limit to the hard limit first.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
levels="1000 5000 9000" open_rate=500 hold=15s out=""
orig="perf/sse/run.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --levels) levels=$2; shift ;; --open-rate) open_rate=$2; shift ;; --hold) hold=$2; shift ;; --out) out=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac; shift
done
ulimit -n "$(ulimit -Hn)" || true
out=${out:-"$perf_root/perf/sse/results/$(date -u +%Y%m%dT%H%M%SZ)"}; mkdir -p "$out"; out=$(cd "$out" && pwd)
build_all
start_fake "$out"
rows=""
for n in $levels; do
  start_gateway "$out" "gateway-$n" "http://127.0.0.1:$fake_port/" "http://127.0.0.1:$fake_mcp_port/"
  sleep 2
  log "level $n: gateway pid $gw_pid, open-files limit $(ulimit -n)"
  rc=0
  dotnet "$lt_dll" sse-hold --mcp-target "http://127.0.0.1:$gw_om_port" --streams "$n" --open-rate "$open_rate" --hold "$hold" \
    --pid "$gw_pid" --metrics-url "http://127.0.0.1:$gw_mgmt_port/metrics" --run-id "sse$n" --out-json "$out/level-$n.json" >"$out/level-$n.log" 2>&1 || rc=$?
  [ -f "$out/level-$n.json" ] || { cat "$out/level-$n.log" >&2; exit 3; }
  rows+="$(tr -d '\n' < "$out/level-$n.json" | awk -v n="$n" -v rc="$rc" '
    function num(k,  m) { if (match($0, "\"" k "\": *-?[0-9.]+")) { m = substr($0, RSTART, RLENGTH); sub(/.*: */, "", m); return m } return "-" }
    { printf "| %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f | %s | %s | %s | %s |\n", n, num("opened"), num("failed"), num("stillOpenAtEnd"),
        num("openP50Ms"), num("openP99Ms"), num("fdsHeld"), num("rssBeforeKiB")/1024, num("rssHeldKiB")/1024, num("kiBPerStream"),
        num("scrapeWallMsMedian"), num("scrapeCpuMsPerScrape"), (rc == 0 ? "ok" : "exit " rc) }')"$'\n'
  stop_pid "$gw_pid"
done
{
  echo "# MCP SSE concurrency: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(machine_line); open-files limit $(ulimit -n); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`$orig\`"
  echo "- streams opened at ${open_rate}/s through a fresh gateway per level, each waits for its endpoint event, then all are held idle for $hold"
  echo
  echo "| streams requested | opened | failed | still open after hold | open p50 ms | open p99 ms | gateway fds | gateway RSS before MiB | gateway RSS held MiB | KiB per idle stream | /metrics scrape ms (median) | gateway CPU ms per scrape | result |"
  echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
  printf '%s' "$rows"
} | tee "$out/summary.md"
