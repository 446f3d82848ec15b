#!/usr/bin/env bash
# Gateway overhead benchmark: one run, interleaved rounds, four targets in front of the same fast upstream.
#   direct   a fast local upstream (nginx `return 200` with a fixed ~300-byte JSON body)
#   gw_on    Mem0Gateway, all instrumentation on (metrics, access log, tracing -> OTLP http/protobuf to a local sink)
#   gw_off   the same gateway binary with Gateway__{Metrics,AccessLog,Tracing}__Enabled=false
#   nginx    nginx as a reverse proxy (keepalive upstream), as a peer
# Reports req/s, p50/p99 (wrk --latency), CPU-ms per 1,000 requests (utime+stime from /proc/<pid>/stat of the
# target's processes) and peak RSS (VmHWM), as ratios against direct and against gw_off.
#
# Usage: perf/overhead/run.sh [--smoke] [--rounds N] [--duration S] [--warmup S] [--connections C] [--threads T]
#                             [--out DIR] [--no-build] [--targets direct,gw_on,gw_off,nginx] [--gateway-env "K=V ..."]
#                             [--baseline REV] [--baseline-env "K=V ..."]
#   --baseline     also run gw_base: the gateway built from git revision REV (a temporary worktree), instrumentation
#                  on, interleaved with the others, so a change is measured before and after in one run
#   --gateway-env  extra environment for both gateways, applied last, for A/B runs (e.g. "DOTNET_gcServer=1", or
#                  "Gateway__Tracing__Enabled=false" to measure gw_on without tracing)
#   --baseline-env extra environment for gw_base only, after --gateway-env: with --baseline HEAD, an A/B of one
#                  setting on the same code
#   --smoke   a few seconds in total, for CI (1 round, 1 s warm-up, 1 s per target)
# Full mode defaults: 5 rounds x 10 s per target, 10 s warm-up per target (.NET needs ~10 s of load to settle: tiered JIT and dynamic PGO).
# Loopback only. Exits non-zero if anything fails to start or a target answers with errors; missed performance
# targets are reported, not turned into an exit code.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=5 duration=10 warmup=10 connections=32 threads=1 smoke=0 build=1 out="" targets="direct,gw_on,gw_off,nginx"
path='/memories?user_id=lt-bench-0001'
orig_args="$*"
gateway_env="" baseline="" baseline_env=""

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; rounds=1; duration=1; warmup=1 ;;
    --rounds) rounds=$2; shift ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    --out) out=$2; shift ;;
    --no-build) build=0 ;;
    --targets) targets=$2; shift ;;
    --gateway-env) gateway_env=$2; shift ;;
    --baseline) baseline=$2; shift ;;
    --baseline-env) baseline_env=$2; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in wrk nginx dotnet curl awk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found. Debian: apt-get install -y wrk nginx curl (and the .NET 10 SDK)" >&2; exit 3; }
done

if [ -z "$out" ]; then
  if [ $smoke -eq 1 ]; then out=$(mktemp -d /tmp/mem0gw-overhead-smoke.XXXXXX)
  else out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"; fi
fi
mkdir -p "$out"; out=$(cd "$out" && pwd)
work="$out/work"; mkdir -p "$work"
# pids/cleanup trap, log ("[overhead] ..."), pick_port and wait_http
source "$here/../lib.sh"

# ---------- upstream, OTLP sink and nginx proxy ----------
pick_port up_port; pick_port sink_port; pick_port ngx_port
start_nginx "$work" upstream 1 "server { listen 127.0.0.1:$up_port; location / { default_type application/json; return 200 '$bench_body'; } }"
start_nginx "$work" sink 1 "server { listen 127.0.0.1:$sink_port; client_max_body_size 64m; location / { default_type application/x-protobuf; return 200 ''; } }"
start_nginx "$work" proxy auto "upstream mem0 { server 127.0.0.1:$up_port; keepalive 128; }
  server { listen 127.0.0.1:$ngx_port; location / { proxy_pass http://mem0; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering on; } }"
wait_http "http://127.0.0.1:$up_port$path" 10
wait_http "http://127.0.0.1:$ngx_port$path" 10
log "upstream :$up_port, OTLP sink :$sink_port, nginx proxy :$ngx_port ($(nginx -v 2>&1 | sed 's/.*\///'))"

# ---------- gateways (same binary, instrumentation on / off) ----------
dll="$root/src/Mem0Gateway/bin/Release/net10.0/Mem0Gateway.dll"
if [ $build -eq 1 ]; then
  log "building the gateway (Release)"
  dotnet build -c Release -nologo -v q -clp:ErrorsOnly "$root/src/Mem0Gateway" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 3; }
fi
[ -f "$dll" ] || { echo "error: $dll not found (build it or drop --no-build)" >&2; exit 3; }
config="$root/yarp.json"
base_dll="" base_config=""
if [ -n "$baseline" ]; then
  base_rev=$(git -C "$root" rev-parse --verify "$baseline^{commit}") || { echo "error: --baseline $baseline is not a commit" >&2; exit 2; }
  base_tree="$work/baseline-src"
  log "building the baseline gateway at ${base_rev:0:10}"
  git -C "$root" worktree add -q --detach "$base_tree" "$base_rev"
  cleanup_baseline() { git -C "$root" worktree remove --force "$base_tree" >/dev/null 2>&1 || true; }
  trap 'cleanup; cleanup_baseline' EXIT INT TERM
  dotnet build -c Release -nologo -v q -clp:ErrorsOnly "$base_tree/src/Mem0Gateway" >"$work/build-baseline.log" 2>&1 || { cat "$work/build-baseline.log" >&2; exit 3; }
  base_dll="$base_tree/src/Mem0Gateway/bin/Release/net10.0/Mem0Gateway.dll"
  base_config="$base_tree/yarp.json"
  case ",$targets," in *",gw_base,"*) ;; *) targets="$targets,gw_base" ;; esac
fi

config_targets() { # config -> "service NAME" and "destination CLUSTER ID" lines: every listener and destination it has
  python3 -c 'import json,sys
c=json.load(open(sys.argv[1]))
for n in c.get("Gateway",{}).get("Services",{}): print("service", n)
for cl,v in c.get("ReverseProxy",{}).get("Clusters",{}).items():
  for d in v.get("Destinations",{}): print("destination", cl, d)' "$1"
}
start_gateway() { # name, instrumentation(on|off)[, dll, config, extra env] -> sets gw_port_<name>, gw_mgmt_<name>, gw_om_<name>
  local name=$1 mode=$2 target_dll=${3:-$dll} target_config=${4:-$config} target_env=${5:-} mgmt kind a b listen_port
  local up="http://127.0.0.1:$up_port/"
  # Every listener gets a free port and every destination the fast upstream, whatever services the config has.
  local -a overrides=() ; local mem0="" om=""
  while read -r kind a b; do
    if [ "$kind" = service ]; then
      pick_port listen_port; overrides+=("Gateway:Services:$a:Port=$listen_port")
      [ "$a" = mem0 ] && mem0=$listen_port; [ "$a" = openmemory ] && om=$listen_port
    else overrides+=("ReverseProxy:Clusters:$a:Destinations:$b:Address=$up"); fi
  done < <(config_targets "$target_config")
  pick_port mgmt
  # Every service listens, whichever stack the config picks (an older gateway ignores the key).
  overrides+=("Gateway:Stack=all")
  local -a envs=(ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1)
  if [ "$mode" = on ]; then
    envs+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
           OTEL_SERVICE_NAME=mem0-gateway-bench Gateway__Metrics__Enabled=true Gateway__AccessLog__Enabled=true Gateway__Tracing__Enabled=true)
  else
    envs+=(Gateway__Metrics__Enabled=false Gateway__AccessLog__Enabled=false Gateway__Tracing__Enabled=false)
  fi
  # Last, so that an A/B run can override the switches above (env keeps the last value of a name).
  if [ -n "$gateway_env" ]; then read -r -a extra <<< "$gateway_env"; envs+=("${extra[@]}"); fi
  if [ -n "$target_env" ]; then read -r -a extra <<< "$target_env"; envs+=("${extra[@]}"); fi
  env "${envs[@]}" dotnet "$target_dll" --config "$target_config" \
    Gateway:ListenAddress=127.0.0.1 Gateway:ManagementAddress=127.0.0.1 Gateway:ManagementPort=$mgmt "${overrides[@]}" \
    >"$work/$name.log" 2>&1 &   # the access log goes to this file (stdout)
  pids+=($!)
  echo $! > "$work/$name.pid"
  eval "gw_port_$name=$mem0; gw_mgmt_$name=$mgmt; gw_om_$name=$om"
}
start_ready() { # name mode [dll config env]: start, wait until it proxies; a port taken meanwhile gets a new try
  local name=$1 port
  for attempt in 1 2 3; do
    start_gateway "$name" "$2" "${3:-}" "${4:-}" "${5:-}"
    eval "port=\$gw_port_$name"
    if wait_http "http://127.0.0.1:$port$path" 60 "$(cat "$work/$name.pid")"; then return 0; fi
    grep -q 'address already in use' "$work/$name.log" || break
    log "$name: a port was taken, retrying ($attempt)"
  done
  head -c 3000 "$work/$name.log" >&2; exit 3
}
start_ready gw_on on
start_ready gw_off off
if [ -n "$base_dll" ]; then start_ready gw_base on "$base_dll" "$base_config" "$baseline_env"; log "baseline gateway :$gw_port_gw_base"; fi
log "gateway instrumentation on :$gw_port_gw_on (metrics :$gw_mgmt_gw_on), off :$gw_port_gw_off"

# ---------- helpers: processes of a target, CPU ticks, peak RSS ----------
procs_of() { # target -> pids whose CPU/RSS count
  case $1 in
    direct) m=$(cat "$work/upstream/master.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')" ;;
    nginx) m=$(cat "$work/proxy/master.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')" ;;
    gw_on|gw_off|gw_base) cat "$work/$1.pid" ;;
  esac
}
port_of() { case $1 in direct) echo $up_port ;; nginx) echo $ngx_port ;; gw_on) echo $gw_port_gw_on ;; gw_off) echo $gw_port_gw_off ;; gw_base) echo $gw_port_gw_base ;; esac; }
cpu_ticks() { local s=0 p; for p in $1; do s=$(( s + $(awk '{print $14+$15}' "/proc/$p/stat") )); done; echo $s; }
hwm_kib() { local s=0 p; for p in $1; do s=$(( s + $(awk '/^VmHWM:/{print $2}' "/proc/$p/status") )); done; echo $s; }
hz=$(getconf CLK_TCK)

to_ms() { # wrk latency value (e.g. 245.00us, 1.23ms, 1.01s) -> ms
  awk -v v="$1" 'BEGIN{ n=v; sub(/[a-z]+$/,"",n); u=v; sub(/^[0-9.]+/,"",u);
    if(u=="us") n/=1000; else if(u=="s") n*=1000; else if(u=="m") n*=60000; printf "%.3f", n }'
}

run_wrk() { # target seconds -> "requests rps p50 p99 errors cpu_ms"
  local t=$1 d=$2 port procs c0 c1 o
  port=$(port_of "$t"); procs=$(procs_of "$t")
  c0=$(cpu_ticks "$procs")
  o=$(wrk -t"$threads" -c"$connections" -d"${d}s" --latency "http://127.0.0.1:$port$path")
  c1=$(cpu_ticks "$procs")
  echo "$o" > "$work/wrk-$t-last.txt"
  local req rps p50 p99 err non2xx
  req=$(echo "$o" | awk '/requests in/{print $1}')
  rps=$(echo "$o" | awk '/^Requests\/sec/{print $2}')
  p50=$(to_ms "$(echo "$o" | awk '$1=="50%"{print $2}')")
  p99=$(to_ms "$(echo "$o" | awk '$1=="99%"{print $2}')")
  err=$(echo "$o" | awk '/Socket errors/{gsub(/,/,""); print $4+$6+$8+$10}'); err=${err:-0}
  non2xx=$(echo "$o" | awk '/Non-2xx/{print $NF}'); non2xx=${non2xx:-0}
  echo "$req $rps $p50 $p99 $((err + non2xx)) $(( (c1 - c0) * 1000 / hz ))"
}

IFS=, read -r -a tlist <<< "$targets"

log "warm-up: ${warmup}s per target"
for t in "${tlist[@]}"; do run_wrk "$t" "$warmup" >/dev/null; done

results="$out/rounds.tsv"
echo -e "round\ttarget\trequests\trps\tp50_ms\tp99_ms\terrors\tcpu_ms" > "$results"
n=${#tlist[@]}
for r in $(seq "$rounds"); do
  for i in $(seq 0 $((n - 1))); do
    t=${tlist[$(( (i + r - 1) % n ))]}   # rotate the order every round
    read -r req rps p50 p99 errs cpu <<< "$(run_wrk "$t" "$duration")"
    echo -e "$r\t$t\t$req\t$rps\t$p50\t$p99\t$errs\t$cpu" >> "$results"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms, cpu ${cpu} ms for $req requests, errors $errs"
    if [ "${errs:-0}" != 0 ]; then echo "error: $t answered $errs errors/non-2xx in round $r" >&2; cat "$work/wrk-$t-last.txt" >&2; exit 4; fi
  done
done

# ---------- /metrics scrape with every route populated (instrumented gateway) ----------
scrape_ms="" series=""
if [[ ",$targets," == *",gw_on,"* ]]; then
  mport=$gw_port_gw_on
  for m in "POST /memories" "GET /memories?user_id=lt-bench-0001" "DELETE /memories?user_id=lt-bench-0001" "GET /memories/7f1e9c3a" \
           "PUT /memories/7f1e9c3a" "DELETE /memories/7f1e9c3a" "GET /memories/7f1e9c3a/history" "POST /search" "POST /reset" \
           "POST /configure" "GET /configure" "GET /configure/providers" "POST /generate-instructions" "GET /auth/me" "GET /api-keys" \
           "GET /requests" "GET /entities" "DELETE /entities/user/lt-bench-0001" "GET /" "GET /docs" "GET /redoc" "GET /openapi.json" \
           "GET /v1/memories/" "GET /v2/memories/" "GET /nope"; do
    set -- $m; curl -s -o /dev/null -X "$1" -H 'content-type: application/json' --data-binary '{}' "http://127.0.0.1:$mport$2" || true
  done
  for port in $gw_om_gw_on; do
    for m in "GET /api/v1/memories/" "POST /api/v1/memories/" "POST /api/v1/memories/filter" "GET /api/v1/apps/" "GET /api/v1/stats/" \
             "GET /api/v1/config/" "POST /mcp/messages/?session_id=00" "GET /openapi.json" "GET /logo.svg"; do
      set -- $m; curl -s -o /dev/null --max-time 2 -X "$1" -H 'content-type: application/json' --data-binary '{}' "http://127.0.0.1:$port$2" || true
    done
  done
  murl="http://127.0.0.1:$gw_mgmt_gw_on/metrics"
  curl -s "$murl" > "$work/metrics.txt" || true
  series=$(grep -vc '^#' "$work/metrics.txt" || true)
  times=(); nscrape=$([ $smoke -eq 1 ] && echo 5 || echo 20)
  for _ in $(seq 5); do curl -s -o /dev/null "$murl"; done   # first scrapes JIT the exporter; not timed
  gpid=$(cat "$work/gw_on.pid"); c0=$(cpu_ticks "$gpid")
  for _ in $(seq $nscrape); do times+=("$(curl -s -o /dev/null -w '%{time_total}' "$murl")"); done
  c1=$(cpu_ticks "$gpid")
  scrape_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk -v cpu=$(( (c1 - c0) * 1000 / hz )) -v n=$nscrape '{a[NR]=$1*1000} END{printf "%.2f %.2f %.1f", a[int((NR+1)/2)], a[NR], cpu / n}')
fi

# ---------- peak RSS and report ----------
# VmHWM counts shared, file-backed pages (the mapped .NET runtime and framework images are most of a .NET
# process's RSS); the private (anonymous) memory at the end of the run is reported beside it.
anon_kib() { local s=0 p; for p in $1; do s=$(( s + $(awk '/^Anonymous:/{print $2}' "/proc/$p/smaps_rollup") )); done; echo $s; }
hwm_list=""; anon_list=""
for t in "${tlist[@]}"; do hwm_list+="$t=$(hwm_kib "$(procs_of "$t")") "; anon_list+="$t=$(anon_kib "$(procs_of "$t")") "; done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/{print $2}') GiB"
awk -F'\t' -v hwm="$hwm_list" -v anon="$anon_list" -v order="$targets" -v scrape="$scrape_ms" -v series="$series" \
    -v machine="$machine" -v loadavg="$load_before" -v cmd="perf/overhead/run.sh $orig_args" -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" -v conns="$connections" -v threads="$threads" \
    -v rounds="$rounds" -v dur="$duration" -v warm="$warmup" -v nginxv="$(nginx -v 2>&1 | sed 's/.*\///')" \
    -v dotnetv="$(dotnet --list-runtimes | awk '/NETCore.App/{v=$2} END{print v}')" '
function median(arr, n,   i, j, t) { for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j > 0 && arr[j] > t; j--) arr[j+1] = arr[j]; arr[j+1] = t }
  return (n % 2) ? arr[(n+1)/2] : (arr[n/2] + arr[n/2+1]) / 2 }
function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "-" }
NR > 1 { t = $2; k[t]++; R[t, k[t]] = $4; P50[t, k[t]] = $5; P99[t, k[t]] = $6; C[t, k[t]] = ($3 > 0 ? $8 * 1000 / $3 : 0) }
END {
  split(hwm, hv, " "); for (i in hv) { split(hv[i], kv, "="); H[kv[1]] = kv[2] / 1024 }
  split(anon, av, " "); for (i in av) { split(av[i], kv, "="); A[kv[1]] = kv[2] / 1024 }
  nt = split(order, T, ",")
  for (i = 1; i <= nt; i++) { t = T[i]; n = k[t]
    for (j = 1; j <= n; j++) { a[j] = R[t, j] } rps[t] = median(a, n)
    for (j = 1; j <= n; j++) { a[j] = P50[t, j] } p50[t] = median(a, n)
    for (j = 1; j <= n; j++) { a[j] = P99[t, j] } p99[t] = median(a, n)
    for (j = 1; j <= n; j++) { a[j] = C[t, j] } cpu[t] = median(a, n) }
  names["direct"] = "upstream directly (nginx return 200)"; names["gw_on"] = "gateway, instrumentation on"
  names["gw_off"] = "gateway, instrumentation off"; names["nginx"] = "nginx reverse proxy (keepalive)"
  names["gw_base"] = "baseline gateway (--baseline), instrumentation on"
  printf "# Gateway overhead benchmark\n\n"
  printf "- date: %s\n- machine: %s\n- load: wrk -t%s -c%s, %s round(s) x %s s per target, interleaved, %s s warm-up per target; medians over rounds\n", date, machine, threads, conns, rounds, dur, warm
  printf "- load average at the end (1/5/15 min): %s (other work on the machine skews absolute numbers; ratios are interleaved)\n", loadavg
  printf "- nginx %s, .NET runtime %s\n- command: `%s`\n\n", nginxv, dotnetv, cmd
  printf "| target | req/s | p50 ms | p99 ms | CPU-ms per 1k req | peak RSS MiB | private MiB at end | req/s vs direct | req/s vs gw_off | CPU/req vs gw_off | p99 added over direct ms |\n"
  printf "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
  hasdirect = ("direct" in rps)
  for (i = 1; i <= nt; i++) { t = T[i]
    added = "-"; if (hasdirect) added = sprintf("%.3f", p99[t] - p99["direct"])
    printf "| %s | %.0f | %.3f | %.3f | %.1f | %.1f | %.1f | %s | %s | %s | %s |\n", names[t], rps[t], p50[t], p99[t], cpu[t], H[t], A[t],
      ratio(rps[t], rps["direct"]), ratio(rps[t], rps["gw_off"]), ratio(cpu[t], cpu["gw_off"]), added }
  if (("gw_on" in rps) && ("gw_off" in rps)) {
    # ratios between targets are taken per round (the targets of one round ran back to back) and then the median
    # over rounds: that cancels most of the drift that other load on the machine causes between rounds
    n = k["gw_on"]
    for (j = 1; j <= n; j++) a[j] = R["gw_on", j] / R["gw_off", j]; thr = median(a, n)
    for (j = 1; j <= n; j++) a[j] = (C["gw_off", j] > 0 ? C["gw_on", j] / C["gw_off", j] : 0); cpr = median(a, n)
    printf "\n## Targets\n\nRatios are medians of per-round ratios.\n\n| target | measured | met |\n|---|--:|---|\n"
    v = thr; printf "| instrumented >= 0.90x instrumentation-off throughput | %.3f | %s |\n", v, (v >= 0.90 ? "yes" : "NO")
    v = cpr; printf "| instrumented <= 1.10x instrumentation-off CPU per request | %.3f | %s |\n", v, (v <= 1.10 ? "yes" : "NO")
    if ("nginx" in rps) { for (j = 1; j <= n; j++) a[j] = R["gw_on", j] / R["nginx", j]; v = median(a, n)
      printf "| instrumented >= 0.75x nginx throughput | %.3f | %s |\n", v, (v >= 0.75 ? "yes" : "NO") }
    if ("direct" in rps) { v = p99["gw_on"] - p99["direct"]; printf "| added p99 over direct <= 1 ms at %s connections | %.3f ms | %s |\n", conns, v, (v <= 1 ? "yes" : "NO") }
    if ("gw_base" in rps) { for (j = 1; j <= n; j++) a[j] = R["gw_on", j] / R["gw_base", j]; v = median(a, n)
      for (j = 1; j <= n; j++) b[j] = (C["gw_base", j] > 0 ? C["gw_on", j] / C["gw_base", j] : 0); w = median(b, n)
      printf "| this build vs --baseline: throughput %.3fx, CPU per request %.3fx (informational) | - | - |\n", v, w }
    v = H["gw_on"]; printf "| RSS <= 110 MiB under that load (peak VmHWM; private %.1f MiB) | %.1f MiB | %s |\n", A["gw_on"], v, (v <= 110 ? "yes" : "NO")
    if (scrape != "") { split(scrape, s, " "); printf "| /metrics scrape <= 20 ms with every route populated (median wall time; max %s ms; gateway CPU %s ms per scrape; %s series) | %s ms | %s |\n", s[2], s[3], series, s[1], (s[1] <= 20 ? "yes" : "NO") }
  }
}' "$results" | tee "$out/report.md"
log "report: $out/report.md (per-round figures: $results)"
