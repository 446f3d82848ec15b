#!/usr/bin/env bash
# Checks that the mem0 stack is healthy: the gateway's /health/detailed and every active Prometheus target.
#   scripts/monitor_health.sh [--gateway URL] [--prometheus URL] [--token-file FILE] [--timeout SECONDS]
# Defaults (or env): GATEWAY_MANAGEMENT_URL=http://127.0.0.1:19464  PROMETHEUS_URL=http://127.0.0.1:9090
#   GATEWAY_TOKEN_FILE=monitoring/secrets/gateway_metrics_token (sent as a bearer token when the file exists)
#   MONITOR_TIMEOUT=10
# Exit status: 0 healthy (a Degraded gateway, i.e. an optional upstream down, is printed as a warning);
#   1 something is unhealthy or unreachable (each problem is printed); 64 bad usage.
# Needs curl and python3.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GW="${GATEWAY_MANAGEMENT_URL:-http://127.0.0.1:19464}"
PROM="${PROMETHEUS_URL:-http://127.0.0.1:9090}"
TOKEN_FILE="${GATEWAY_TOKEN_FILE:-$REPO/monitoring/secrets/gateway_metrics_token}"
TIMEOUT="${MONITOR_TIMEOUT:-10}"
while [ $# -gt 0 ]; do
  case "$1" in
    --gateway) GW="$2"; shift ;;
    --prometheus) PROM="$2"; shift ;;
    --token-file) TOKEN_FILE="$2"; shift ;;
    --timeout) TIMEOUT="$2"; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "monitor_health: unknown argument: $1" >&2; exit 64 ;;
  esac
  shift
done
for tool in curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "monitor_health: FAIL: $tool is required" >&2; exit 1; }
done

failures=0
fail() { printf 'monitor_health: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { printf 'monitor_health: ok: %s\n' "$*"; }
warn() { printf 'monitor_health: warn: %s\n' "$*"; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# 1. gateway /health/detailed ----------------------------------------------------------------------
auth=()
if [ -n "$TOKEN_FILE" ] && [ -r "$TOKEN_FILE" ]; then
  auth=(-H "Authorization: Bearer $(tr -d '\r\n' < "$TOKEN_FILE")")
fi
code=$(curl -sS -m "$TIMEOUT" -o "$tmp/health.json" -w '%{http_code}' "${auth[@]}" "$GW/health/detailed" 2>"$tmp/health.err")
if [ $? -ne 0 ]; then
  fail "gateway $GW/health/detailed is unreachable: $(tr -d '\n' < "$tmp/health.err")"
elif [ "$code" = 401 ] || [ "$code" = 403 ]; then
  fail "gateway $GW/health/detailed answered $code: the bearer token is missing or wrong (token file: ${TOKEN_FILE:-none})"
else
  summary=$(python3 - "$tmp/health.json" "$code" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
try:
    doc = json.load(open(path))
except Exception as e:
    print(f"BAD HTTP {code}, body is not health JSON ({e})"); sys.exit(0)
status = doc.get("status", "?")
bad = [f"{name}={e.get('status')}" + (f" ({e.get('description') or e.get('exception')})" if (e.get('description') or e.get('exception')) else "")
       for name, e in (doc.get("entries") or {}).items() if e.get("status") not in ("Healthy", "Degraded")]
degraded = [name for name, e in (doc.get("entries") or {}).items() if e.get("status") == "Degraded"]
ok = code == "200" and status in ("Healthy", "Degraded")
print(("BAD " if not ok else "WARN " if (bad or degraded or status != "Healthy") else "OK ") + f"HTTP {code}, status {status}"
      + (f"; unhealthy: {', '.join(bad)}" if bad else "") + (f"; degraded: {', '.join(degraded)}" if degraded else ""))
PY
)
  case "$summary" in
    OK*) ok "gateway ${summary#OK }" ;;
    WARN*) warn "gateway ${summary#WARN } (not required for readiness)" ;;
    *) fail "gateway $GW/health/detailed: ${summary#BAD }" ;;
  esac
fi

# 2. Prometheus targets ----------------------------------------------------------------------------
if ! curl -fsS -m "$TIMEOUT" -o "$tmp/targets.json" "$PROM/api/v1/targets?state=active" 2>"$tmp/targets.err"; then
  fail "Prometheus $PROM/api/v1/targets is unreachable: $(tr -d '\n' < "$tmp/targets.err")"
else
  summary=$(python3 - "$tmp/targets.json" <<'PY'
import json, sys
try:
    targets = json.load(open(sys.argv[1]))["data"]["activeTargets"]
except Exception as e:
    print(f"BAD the answer is not a Prometheus targets response ({e})"); sys.exit(0)
down = [f"{t['labels'].get('job')} {t['labels'].get('instance')} is {t.get('health')}"
        + (f" ({t.get('lastError')})" if t.get('lastError') else "") for t in targets if t.get("health") != "up"]
if not targets:
    print("BAD Prometheus has no active targets")
elif down:
    print(f"BAD {len(down)} of {len(targets)} targets not up: " + "; ".join(down))
else:
    print(f"OK all {len(targets)} targets up")
PY
)
  case "$summary" in
    OK*) ok "prometheus ${summary#OK }" ;;
    *) fail "prometheus ${summary#BAD }" ;;
  esac
fi

if [ "$failures" -gt 0 ]; then
  echo "monitor_health: UNHEALTHY ($failures problem(s))" >&2
  exit 1
fi
echo "monitor_health: HEALTHY"
