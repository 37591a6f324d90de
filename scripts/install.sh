#!/usr/bin/env bash
# Installs what the demo and the tests need on a fresh machine of this kind (Debian, root):
# sipp, debootstrap and Chromium (the console's browser tests) from Debian, node modules from the
# lockfile (postinstall generates the Prisma client and builds the web console),
# and makes sure the local PostgreSQL server is running. Idempotent and quiet when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v sipp >/dev/null || need+=(sip-tester)
command -v debootstrap >/dev/null || need+=(debootstrap)
[ -x /usr/bin/chromium ] || need+=(chromium)
# A Chinese font, so the console's screenshots show the labels (an office PC has one).
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
if ((${#need[@]})); then
  echo "install: apt packages ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
[ -f src/generated/prisma/client.ts ] || [ -d src/generated/prisma ] || npx prisma generate >/dev/null
[ -f web/dist/index.html ] || npm run --silent build:web

# PostgreSQL (for the database tests): this machine kind ships a cluster; start it if it is down.
if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -qv online; then
  read -r ver name _ < <(pg_lsclusters -h | head -1)
  echo "install: starting PostgreSQL $ver/$name"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
fi
