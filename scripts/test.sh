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
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  // A file can fail with every test passed: a hook timed out, or it did not load.
  const outside = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : "") +
    (outside.length ? `; ${outside.length} file(s) failed outside a test: ${outside.map((f) => require("path").relative(process.cwd(), f.name)).join(", ")}` : ""));
' "$report" || true
exit "$status"
