#!/usr/bin/env bash
# 10-minute steady-load soak of the gateway: constant mixed mem0 load plus MCP SSE sessions,
# with 10,000 generated users so that per-user label cardinality would show up. Every --interval it records the
# gateway's RSS, open fds (/proc/<pid>/fd), threads and the number of /metrics series, and ends with a summary.
# Usage: perf/soak/run.sh [--duration 600] [--rate 200] [--mcp-rate 2] [--interval 10] [--users 10000] [--out DIR]
# Upstream: the load runner's fake mem0/OpenMemory (perf/Mem0Gateway.LoadTests fake-upstream), which also sinks OTLP.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
duration=600 rate=200 mcp_rate=2 interval=10 users=10000 out=""
orig="perf/soak/run.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;; --rate) rate=$2; shift ;; --mcp-rate) mcp_rate=$2; shift ;;
    --interval) interval=$2; shift ;; --users) users=$2; shift ;; --out) out=$2; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac; shift
done
out=${out:-"$perf_root/perf/soak/results/$(date -u +%Y%m%dT%H%M%SZ)"}; mkdir -p "$out"; out=$(cd "$out" && pwd)
build_all
start_fake "$out"
start_gateway "$out" gateway "http://127.0.0.1:$fake_port/" "http://127.0.0.1:$fake_mcp_port/" \
  OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$fake_port" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
log "gateway pid $gw_pid on :$gw_port (MCP :$gw_om_port, metrics :$gw_mgmt_port); ${duration}s at ${rate}/s + MCP ${mcp_rate}/s"

dotnet "$lt_dll" run --target "http://127.0.0.1:$gw_port" --scenario mix --rate "$rate" --warmup 0s --duration "${duration}s" \
  --users "$users" --run-id soak --no-progress --out-json "$out/mix.json" --out-md "$out/mix.md" >"$out/mix.log" 2>&1 &
mix_pid=$!; pids+=($mix_pid)
dotnet "$lt_dll" run --mcp-target "http://127.0.0.1:$gw_om_port" --scenario mcp --rate "$mcp_rate" --warmup 0s --duration "${duration}s" \
  --users "$users" --run-id soakmcp --no-progress --out-json "$out/mcp.json" --out-md "$out/mcp.md" >"$out/mcp.log" 2>&1 &
mcp_pid=$!; pids+=($mcp_pid)

csv="$out/samples.csv"
echo "seconds,rss_kib,hwm_kib,fds,threads,metrics_series,scrape_ms" > "$csv"
t0=$(date +%s)
while kill -0 $mix_pid 2>/dev/null; do
  now=$(( $(date +%s) - t0 ))
  scrape=$(curl -s -w '\n%{time_total}' "http://127.0.0.1:$gw_mgmt_port/metrics" || true)
  series=$(echo "$scrape" | head -n -1 | grep -vc '^#' || true)
  sms=$(echo "$scrape" | tail -1 | awk '{printf "%.1f", $1*1000}')
  echo "$now,$(status_kib $gw_pid VmRSS),$(status_kib $gw_pid VmHWM),$(fd_count $gw_pid),$(status_kib $gw_pid Threads),$series,$sms" >> "$csv"
  log "$(tail -1 "$csv")"
  sleep "$interval"
done
wait $mix_pid || log "mix run exited non-zero (see $out/mix.log)"
wait $mcp_pid || log "mcp run exited non-zero (see $out/mcp.log)"
curl -s "http://127.0.0.1:$gw_mgmt_port/metrics" > "$out/metrics-end.txt" || true

{
  echo "# Soak: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(machine_line); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`$orig\`"
  echo "- load: mix (add/search/list/get) at ${rate}/s and MCP SSE sessions at ${mcp_rate}/s over ${users} generated users, ${duration} s"
  echo
  awk -F, 'NR==2{f=$0} NR>1{n++; l=$0; split($0,a,","); if(a[2]+0>mr)mr=a[2]+0; if(a[4]+0>mf)mf=a[4]+0; if(a[6]+0>ms)ms=a[6]+0; if(n==3) third=$0}
    END{split(f,F,","); split(l,L,","); split(third,T,",");
      printf "| metric | first sample | after ~%ss | last sample | max |\n|---|--:|--:|--:|--:|\n", T[1];
      printf "| RSS MiB | %.1f | %.1f | %.1f | %.1f |\n", F[2]/1024, T[2]/1024, L[2]/1024, mr/1024;
      printf "| open fds | %d | %d | %d | %d |\n", F[4], T[4], L[4], mf;
      printf "| threads | %d | %d | %d | - |\n", F[5], T[5], L[5];
      printf "| /metrics series | %d | %d | %d | %d |\n", F[6], T[6], L[6], ms;
      printf "| /metrics scrape ms | %s | %s | %s | - |\n", F[7], T[7], L[7] }' "$csv"
  echo
  echo "Load runner results:"
  echo
  grep -E '^\| (mix|add|search|list|get|mcp|mcp_[a-z_]+) \|' "$out/mix.md" "$out/mcp.md" 2>/dev/null | sed 's/^[^:]*://' || true
} | tee "$out/summary.md"
