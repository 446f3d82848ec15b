# Shared helpers for perf/overhead/run.sh, perf/soak/run.sh and perf/sse/run.sh (sourced). Loopback only.
perf_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lt_dll="$perf_root/perf/Mem0Gateway.LoadTests/bin/Release/net10.0/Mem0Gateway.LoadTests.dll"
gw_dll="$perf_root/src/Mem0Gateway/bin/Release/net10.0/Mem0Gateway.dll"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
log() { echo "[$(basename "$(dirname "$0")")] $*" >&2; }

used_ports=" "
# below the kernel's ephemeral range: a port there may be the local end of some outgoing connection and fail to bind
eph_lo=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
pick_port() { # VAR: sets VAR to a random loopback port that nothing listens on and that was not handed out yet
  local p
  for _ in $(seq 100); do
    p=$(( (RANDOM << 1 | RANDOM & 1) % (eph_lo - 15000) + 15000 ))
    [[ "$used_ports" == *" $p "* ]] && continue
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then used_ports+="$p "; printf -v "$1" '%s' "$p"; return; fi
  done
  echo "no free port" >&2; exit 3
}

# The overhead upstream's answer to every request: a fixed ~300-byte mem0 list.
bench_body='{"results":[{"id":"7f1e9c3a-0000-4000-8000-000000000001","memory":"Is vegetarian and allergic to peanuts","hash":"0b1c9e","metadata":{"source":"loadtest","category":"food_preferences"},"created_at":"2026-01-01T00:00:00+00:00","updated_at":null,"user_id":"lt-bench-0001","agent_id":"diet-assistant"}]}'

start_nginx() { # workdir name workers server-block: a private nginx in workdir/name (master pid in workdir/name/master.pid)
  local dir="$1/$2"; mkdir -p "$dir/tmp"
  cat > "$dir/nginx.conf" <<EOF
worker_processes $3;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fcgi;
  uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 10000000; keepalive_timeout 120s;
  $4
}
EOF
  nginx -t -q -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' 2>"$dir/test.log" || { cat "$dir/test.log" >&2; exit 3; }
  nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' &
  pids+=($!)
  echo $! > "$dir/master.pid"
}

wait_http() { # url seconds [pid]
  local url=$1 t=$(( $2 * 10 )) pid=${3:-} code=""
  for _ in $(seq $t); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)
    [ "$code" = "200" ] && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then echo "error: process $pid exited before $url answered" >&2; return 1; fi
    sleep 0.1
  done
  echo "error: $url did not answer 200 (last: ${code:-none})" >&2; return 1
}

build_all() { # builds the gateway and the load runner (Release) unless NO_BUILD=1
  [ "${NO_BUILD:-0}" = 1 ] && return 0
  log "building gateway and load runner (Release)"
  dotnet build -c Release -nologo -v q -clp:ErrorsOnly "$perf_root/src/Mem0Gateway" >&2 || exit 3
  dotnet build -c Release -nologo -v q -clp:ErrorsOnly "$perf_root/perf/Mem0Gateway.LoadTests" >&2 || exit 3
}

start_fake() { # workdir -> fake_pid fake_port fake_mcp_port (fake mem0 + OpenMemory MCP + OTLP sink)
  pick_port fake_port; pick_port fake_mcp_port
  dotnet "$lt_dll" fake-upstream --port "$fake_port" --mcp-port "$fake_mcp_port" >"$1/fake.log" 2>&1 &
  fake_pid=$!; pids+=($fake_pid)
  wait_http "http://127.0.0.1:$fake_port/openapi.json" 30 $fake_pid || exit 3
}

start_gateway() { # workdir name mem0-upstream-url openmemory-upstream-url [extra env...] -> gw_pid gw_port gw_om_port gw_mgmt_port
  local dir=$1 name=$2 up=$3 omup=$4; shift 4
  pick_port gw_port; pick_port gw_om_port; pick_port gw_mgmt_port; local ui dash; pick_port ui; pick_port dash
  # Both stacks run: the MCP and SSE loads need OpenMemory's listener.
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 "$@" dotnet "$gw_dll" --config "$perf_root/yarp.json" \
    Gateway:ListenAddress=127.0.0.1 Gateway:ManagementAddress=127.0.0.1 Gateway:ManagementPort=$gw_mgmt_port Gateway:Stack=all \
    Gateway:Services:mem0:Port=$gw_port Gateway:Services:openmemory:Port=$gw_om_port Gateway:Services:openmemory-ui:Port=$ui \
    Gateway:Services:mem0-dashboard:Port=$dash ReverseProxy:Clusters:mem0-dashboard:Destinations:mem0-dashboard-1:Address=$omup \
    ReverseProxy:Clusters:mem0:Destinations:mem0-1:Address=$up \
    ReverseProxy:Clusters:openmemory:Destinations:openmemory-1:Address=$omup \
    ReverseProxy:Clusters:openmemory-ui:Destinations:openmemory-ui-1:Address=$omup \
    >"$dir/$name.log" 2>&1 &
  gw_pid=$!; pids+=($gw_pid)
  wait_http "http://127.0.0.1:$gw_port/openapi.json" 60 $gw_pid || { head -c 3000 "$dir/$name.log" >&2; exit 3; }
}
# note: soak/sse start one gateway at a time; a port lost to a race shows as "address already in use" in its log

stop_pid() { kill "$1" 2>/dev/null || true; for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

status_kib() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
machine_line() { echo "$(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/{print $2}') GiB RAM, .NET $(dotnet --list-runtimes | awk '/NETCore.App/{v=$2} END{print v}')"; }
