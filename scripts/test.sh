#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, type-checks and lints,
# brings up the sandbox Asterisk, runs the unit, database and PBX layers, tears the PBX down.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

echo "== type-check and lint"
npm run --silent typecheck
npm run --silent lint

# PBX tests use a short ring cadence (test/pbx/service-under-test.ts: 200 ms on, 800 ms off; the
# sandbox's ringing tone is set to the same) and a short Dial() timeout.
export DUTY_DIAL_TIMEOUT="${DUTY_DIAL_TIMEOUT:-8}" DUTY_RING_ON_MS="${DUTY_RING_ON_MS:-200}" DUTY_RING_OFF_MS="${DUTY_RING_OFF_MS:-800}"
echo "== sandbox PBX"
bash scripts/pbx.sh up
trap 'bash scripts/pbx.sh down >/dev/null 2>&1 || true' EXIT

echo "== tests"
report=$(mktemp)
pbx_report=$(mktemp)
pbx_log=$(mktemp)
status=0
# The PBX layer mostly waits on Asterisk's timing (one call at a time): it runs in a process of its
# own beside the other three layers, its output printed after theirs.
npx vitest run --project pbx --reporter=default --reporter=json --outputFile.json="$pbx_report" >"$pbx_log" 2>&1 &
pbx_pid=$!
npx vitest run --project unit --project db --project browser --reporter=default --reporter=json --outputFile.json="$report" || status=$?
wait "$pbx_pid" || status=$?
echo "== PBX layer"
cat "$pbx_log"
# Measurements against a target (the console on a million calls within 1 s) run last, alone on the
# machine: beside the other layers they would measure the other layers.
echo "== perf"
perf_report=$(mktemp)
npx vitest run --project perf --reporter=default --reporter=json --outputFile.json="$perf_report" || status=$?
node -e '
  const fs = require("fs");
  const rs = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const sum = (k) => rs.reduce((n, r) => n + r[k], 0);
  const skipped = sum("numPendingTests") + sum("numTodoTests");
  // A file can fail with every test passed: a hook timed out, or it did not load.
  const outside = rs.flatMap((r) => r.testResults).filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"));
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed` + (skipped ? `, ${skipped} skipped` : "") +
    (outside.length ? `; ${outside.length} file(s) failed outside a test: ${outside.map((f) => require("path").relative(process.cwd(), f.name)).join(", ")}` : ""));
' "$report" "$pbx_report" "$perf_report" || true
exit "$status"
