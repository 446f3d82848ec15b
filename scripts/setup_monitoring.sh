#!/usr/bin/env bash
# Quick start for the mem0 stack with monitoring.
#   scripts/setup_monitoring.sh               create .env and secrets if missing, validate, docker compose up -d, wait for health
#   scripts/setup_monitoring.sh --init-only   only create .env and the secret files (no validation, no docker)
# Options: --no-validate (skip promtool/amtool), --no-wait (do not wait for health), --repo DIR (default: this repo)
# Env: SETUP_WAIT_SECONDS (default 300) how long to wait for scripts/monitor_health.sh to pass.
set -euo pipefail

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INIT_ONLY=0; VALIDATE=1; WAIT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --init-only) INIT_ONLY=1 ;;
    --no-validate) VALIDATE=0 ;;
    --no-wait) WAIT=0 ;;
    --repo) REPO="$(cd "$2" && pwd)"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup_monitoring: unknown argument: $1" >&2; usage >&2; exit 64 ;;
  esac
  shift
done
cd "$REPO"
say() { printf 'setup_monitoring: %s\n' "$*"; }
die() { printf 'setup_monitoring: ERROR: %s\n' "$*" >&2; exit 1; }

# 1. .env -------------------------------------------------------------------------------------------
if [ ! -f .env ]; then
  [ -f .env.example ] || die ".env.example is missing in $REPO"
  cp .env.example .env
  chmod 600 .env
  say "created .env from .env.example: edit OPENAI_API_KEY and the passwords before starting the stack"
fi

# 2. secret files mounted by docker-compose.yml --------------------------------------------------------
# The directory is private (700); the files are 644 because the containers read them as non-root users
# (Prometheus and Alertmanager run as nobody, the gateway as app) through bind mounts.
SECRETS=monitoring/secrets
[ -d "$SECRETS" ] || die "$SECRETS is missing in $REPO"
chmod 700 "$SECRETS"
for example in "$SECRETS"/*.example; do
  [ -e "$example" ] || continue
  target="${example%.example}"
  [ -e "$target" ] && continue
  if [ "$(basename "$target")" = gateway_metrics_token ]; then
    # a fresh random token; written without a trailing newline
    printf '%s' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" > "$target"
    say "generated $target"
  else
    cp "$example" "$target"
    say "created $target from its example: it is a PLACEHOLDER, put the real value in it"
  fi
  chmod 644 "$target"
done

# the filebeat configuration is mounted too
[ -f monitoring/filebeat/filebeat.yml ] || die "monitoring/filebeat/filebeat.yml is missing"

[ "$INIT_ONLY" = 1 ] && { say "init done (--init-only)"; exit 0; }

# 3. validate the configuration ------------------------------------------------------------------------
run_promtool() {
  if command -v promtool >/dev/null 2>&1; then promtool "$@"
  elif command -v docker >/dev/null 2>&1; then
    docker run --rm -v "$REPO/monitoring:/work/monitoring:ro" -w /work --entrypoint promtool prom/prometheus:v2.42.0 "$@"
  else return 127; fi
}
run_amtool() {
  if command -v amtool >/dev/null 2>&1; then amtool "$@"
  elif command -v docker >/dev/null 2>&1; then
    docker run --rm -v "$REPO/monitoring:/work/monitoring:ro" -w /work --entrypoint amtool prom/alertmanager:v0.25.0 "$@"
  else return 127; fi
}
if [ "$VALIDATE" = 1 ]; then
  say "validating Prometheus config, rules and rule unit tests"
  run_promtool check config monitoring/prometheus.yml || die "promtool check config failed (or no promtool/docker available; use --no-validate to skip)"
  run_promtool test rules monitoring/tests/*.yml || die "promtool test rules failed"
  run_amtool check-config monitoring/alertmanager.yml || die "amtool check-config failed"
fi

# 4. start ---------------------------------------------------------------------------------------------
command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker compose version >/dev/null 2>&1 || die "the docker compose plugin is not installed"
say "starting the stack: docker compose up -d --build"
docker compose up -d --build

if [ "$WAIT" = 1 ]; then
  deadline=$(( $(date +%s) + ${SETUP_WAIT_SECONDS:-300} ))
  until "$REPO/scripts/monitor_health.sh" >/tmp/mem0-monitor-health.$$ 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      cat /tmp/mem0-monitor-health.$$ >&2; rm -f /tmp/mem0-monitor-health.$$
      die "the stack is not healthy after ${SETUP_WAIT_SECONDS:-300}s (see above; docker compose ps shows each container's health)"
    fi
    sleep 10
  done
  cat /tmp/mem0-monitor-health.$$; rm -f /tmp/mem0-monitor-health.$$
fi

set -a; . ./.env; set +a
cat <<MSG
setup_monitoring: the stack is up
  mem0 API (via gateway)         http://localhost:18888
  OpenMemory API + MCP (gateway) http://localhost:18765
  OpenMemory UI (gateway)        http://localhost:13000
  gateway metrics / health       http://127.0.0.1:19464/metrics  /health/detailed
  Grafana                        http://127.0.0.1:${GRAFANA_PORT:-3001}  (user ${GRAFANA_ADMIN_USER:-admin})
  Prometheus                     http://127.0.0.1:${PROMETHEUS_PORT:-9090}
  Alertmanager                   http://127.0.0.1:${ALERTMANAGER_PORT:-9093}
  Jaeger                         http://127.0.0.1:${JAEGER_UI_PORT:-16686}
  Kibana                         http://127.0.0.1:${KIBANA_PORT:-5601}
  HealthChecks UI                http://127.0.0.1:${HEALTHCHECKS_UI_PORT:-15080}/healthchecks-ui
MSG
