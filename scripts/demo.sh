#!/usr/bin/env bash
# The demo on a fresh machine: installs what it needs, brings up the sandbox Asterisk, runs
# `duty-hotline serve` on the embedded database (PGlite in data/demo) with a first supervisor
# made by the CLI; the supervisor adds demo users and officers and publishes a roster through the
# API, then three real calls are placed with sipp and the call log, the absence (naming the
# rostered officer and leader) and the audit log are printed. Then it keeps running with the web
# console at http://127.0.0.1:8080/console/ (sign in as the users it printed) until Ctrl-C, which
# tears everything down; DEMO_KEEP_RUNNING=0 stops right after the calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npm run --silent build

# A shorter ring than China's 5 s (1 s on, 1 s off) so the demo takes seconds, not minutes.
export DUTY_RING_ON_MS=${DUTY_RING_ON_MS:-1000} DUTY_RING_OFF_MS=${DUTY_RING_OFF_MS:-1000}
export DUTY_DIAL_TIMEOUT=${DUTY_DIAL_TIMEOUT:-10}
export DUTY_DATA_DIR=${DUTY_DATA_DIR:-data/demo} DUTY_HTTP_PORT=${DUTY_HTTP_PORT:-8080} DUTY_LOG_LEVEL=${DUTY_LOG_LEVEL:-info}
rm -rf "$DUTY_DATA_DIR"

bash scripts/pbx.sh up
# The sandbox routes by the example schedule: outside office hours calls go to the bureau line.
# Pin the PBX clock (libfaketime) to Monday 2026-11-23 10:00 in Shanghai, office hours in the year
# the sandbox renders (as the PBX tests do: test/pbx/sandbox.ts), so the desk rings whatever the
# real date; the service follows the PBX's clock by itself.
bash scripts/pbx.sh clock 2026-11-23T10:00:00+08:00
service_pid=
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  bash scripts/pbx.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

mkdir -p data
# The first supervisor of a fresh install comes from the CLI (before serve: PGlite is one process's).
export DEMO_SUPERVISOR=wang.zhuren DEMO_PASSWORD=${DEMO_PASSWORD:-zhiban-demo-2026}
printf '%s' "$DEMO_PASSWORD" | node dist/src/cli/main.js users create-first-supervisor --name "$DEMO_SUPERVISOR" --display-name 王主任 --password-stdin
node dist/src/cli/main.js serve >data/demo-service.log 2>&1 &
service_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$DUTY_HTTP_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { cat data/demo-service.log; echo "demo: the service exited"; exit 1; }
  sleep 0.2
done
echo "demo: duty-hotline serve is up (PGlite in $DUTY_DATA_DIR; log in data/demo-service.log)"
DEMO_API="http://127.0.0.1:$DUTY_HTTP_PORT" npx tsx scripts/demo-calls.ts
if [ "${DEMO_KEEP_RUNNING:-1}" = 1 ]; then
  echo
  echo "demo: the web console is at http://127.0.0.1:$DUTY_HTTP_PORT/console/ — sign in as one of the users above (password $DEMO_PASSWORD)."
  echo "demo: place more calls with sipp (test/support/pbx/sipp.ts) or watch the live alerts there; Ctrl-C stops the demo."
  wait "$service_pid"
fi
