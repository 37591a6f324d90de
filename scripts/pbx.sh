#!/usr/bin/env bash
# duty-hotline PBX sandbox: a real Asterisk 22 (Debian sid) in a chroot, no Docker needed.
#
#   bash scripts/pbx.sh up        build/extract the root if needed, write config, start Asterisk
#   bash scripts/pbx.sh down      stop Asterisk, undo mounts (safe to repeat)
#   bash scripts/pbx.sh restart   stop + start Asterisk, config re-rendered, no rebuild
#   bash scripts/pbx.sh reload    re-render config + dialplan, "core reload" (no restart)
#   bash scripts/pbx.sh kill      SIGKILL Asterisk (a PBX crash, for tests); "up" or "restart" starts it again
#   bash scripts/pbx.sh status    one line; exit 0 when up, 3 when down
#   bash scripts/pbx.sh rx "<cli command>"   run an Asterisk CLI command
#   bash scripts/pbx.sh clock [<instant>|real]  show / set the PBX clock (libfaketime, see below)
#
# Settings (environment; defaults in brackets):
#   DUTY_PBX_ROOT    [<repo>/.cache/pbx/root]   where the root is unpacked
#   DUTY_PBX_CACHE   [$HOME/.cache/duty-hotline] where the built root is cached as a tarball
#   DUTY_PBX_MIRROR  [the Debian mirror apt uses here, else http://deb.debian.org/debian]
#   DUTY_PBX_BOOT_TIMEOUT [60] seconds to wait for Asterisk to boot
#   and everything scripts/lib/render-asterisk-config.sh reads: DUTY_PBX_AMI_PORT [5038],
#   DUTY_PBX_AMI_USER [duty], DUTY_PBX_AMI_SECRET [duty-secret], DUTY_PBX_SIP_PORT [5060],
#   DUTY_PBX_HTTP_PORT [8088], DUTY_DIAL_TIMEOUT [20], DUTY_RING_ON_MS/OFF_MS [1000/4000],
#   DUTY_DESK_RING_TIMEOUT / DUTY_FALLBACK_RING_TIMEOUT [DUTY_DIAL_TIMEOUT when set, else the
#   defaults rendered into the generated dialplan].
#   DUTY_PBX_CLOCK   [unset] on up/restart: set the PBX clock to this instant (as "clock" does).
#   DUTY_PBX_DESK_PORT [5070] (and _LEADER_ [5071], _BUREAU_ [5072]) are where the sipp
#   phones listen (test/pbx/sipp.ts); they reach Asterisk by REGISTERing.
#   DUTY_PBX_SCHEDULE_YEARS [2026] the years rendered when the generated schedule is missing:
#   the year of the PBX clock the demo and the PBX tests pin (2026-11-23 10:00 in Shanghai), a
#   year the bundled holiday calendar always has, so they do not depend on the day they run.
#   DUTY_PBX_CEL_PG [auto] the channel event log (CEL) also goes to a PostgreSQL table (cel_pgsql):
#   auto: when a PostgreSQL answers on 127.0.0.1:5432 (trust auth), into the table cel of the
#   database DUTY_PBX_CEL_PG_DB [duty_pbx_cel] as DUTY_PBX_CEL_PG_USER [postgres], both created
#   (sql/asterisk-cel.sql) before Asterisk starts; off: the CEL file only. DUTY_PBX_CEL_PG_HOST /
#   _PORT name another server. The CEL file (var/log/asterisk/cel-custom/duty-cel.jsonl) is always written.
#   Tests want short ringing: DUTY_DIAL_TIMEOUT=8 bash scripts/pbx.sh up (as scripts/test.sh)
#
# Calls are routed by the generated schedule (dialplan/generated/duty-schedule.conf): up, restart
# and reload render it first (npx tsx src/cli/main.ts dialplan render --years $DUTY_PBX_SCHEDULE_YEARS)
# when it is missing.
#
# The PBX clock: "clock <instant>" (anything `date -d` reads, e.g. 2026-10-10T09:00+08:00) makes
# Asterisk's clock show that instant now and tick on at real speed; "clock real" puts it back.
# It is libfaketime inside the root (LD_PRELOAD, FAKETIME_TIMESTAMP_FILE=/.duty-pbx/faketime
# holding an offset such as "-3832737s", re-read every second): the first fake clock restarts
# Asterisk with libfaketime loaded, later changes (and "real") apply without a restart, within
# about 2 s; "clock" waits until AMI's Timestamp shows the new time. Everything in Asterisk
# follows it (${EPOCH}, STRFTIME, AMI Timestamp, the full log), and the offset stays across
# restart until "clock real" or "down". Asterisk's monotonic clock is left alone.
#
# The sandbox keeps the settings it was started with (saved in the root) until "down":
# restart, reload, status, rx and a repeated "up" (also after a crash) reuse them unless the
# environment sets them again; "up" after "down" starts from the environment and the
# defaults. test/pbx/sandbox.ts reads the same saved settings.
#
# The built root (debootstrap --variant=minbase sid + asterisk, asterisk-modules, libfaketime)
# is cached as $DUTY_PBX_CACHE/<key>.tar.zst: only the first run on a machine pays for it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
render="$repo/scripts/lib/render-asterisk-config.sh"

ROOT=${DUTY_PBX_ROOT:-$repo/.cache/pbx/root}
CACHE=${DUTY_PBX_CACHE:-${HOME:-/root}/.cache/duty-hotline}
SUITE=sid
PACKAGES=asterisk,asterisk-modules,libfaketime,faketime
RECIPE=1 # bump when the root recipe below changes: a new cache key, a fresh build
KEY="pbx-root-$SUITE-r$RECIPE-$(echo "$PACKAGES" | md5sum | cut -c1-8)"
TARBALL="$CACHE/$KEY.tar.zst"
BOOT_TIMEOUT=${DUTY_PBX_BOOT_TIMEOUT:-60}

STATE="$ROOT/.duty-pbx" # inside the root: pid file, console log, settings of the last start, fake clock
FAKETIME_FILE="$STATE/faketime" # libfaketime's offset ("+0" = the real clock); /.duty-pbx/faketime inside the root
PIDFILE="$STATE/asterisk.pid"
MARKER="$ROOT/.duty-pbx-root"
SETTINGS="$STATE/settings.env"
SETTING_NAMES=(DUTY_PBX_BIND DUTY_PBX_AMI_PORT DUTY_PBX_AMI_USER DUTY_PBX_AMI_SECRET DUTY_PBX_AMI_PERMIT DUTY_PBX_SIP_PORT
  DUTY_PBX_HTTP_PORT DUTY_PBX_DESK_PORT DUTY_PBX_LEADER_PORT DUTY_PBX_BUREAU_PORT DUTY_DIAL_TIMEOUT DUTY_RING_ON_MS
  DUTY_RING_OFF_MS DUTY_PBX_RTP_START DUTY_PBX_RTP_END DUTY_PBX_NAT DUTY_DESK_RING_TIMEOUT DUTY_FALLBACK_RING_TIMEOUT
  DUTY_PBX_CEL_PG DUTY_PBX_CEL_PG_HOST DUTY_PBX_CEL_PG_PORT DUTY_PBX_CEL_PG_DB DUTY_PBX_CEL_PG_USER DUTY_PBX_CEL_PG_TABLE)

load_saved_settings() { # see "A running sandbox keeps the settings..." above

  local name value
  [[ -f $SETTINGS ]] || return 0
  while IFS='=' read -r name value; do
    [[ " ${SETTING_NAMES[*]} " == *" $name "* && -z ${!name+x} ]] && export "$name=$value"
  done <"$SETTINGS"
  return 0
}

read_settings() {
  AMI_PORT=${DUTY_PBX_AMI_PORT:-5038}
  AMI_USER=${DUTY_PBX_AMI_USER:-duty}
  AMI_SECRET=${DUTY_PBX_AMI_SECRET:-duty-secret}
  SIP_PORT=${DUTY_PBX_SIP_PORT:-5060}
  HTTP_PORT=${DUTY_PBX_HTTP_PORT:-8088}
  BIND=${DUTY_PBX_BIND:-127.0.0.1}
}
read_settings

die() { echo "pbx: error: $*" >&2; exit 1; }
say() { echo "pbx: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $(id -u) == 0 ]] || die "must run as root (chroot, mount)"
[[ $ROOT == /* && $ROOT != *[[:space:]]* ]] || die "DUTY_PBX_ROOT must be an absolute path without spaces: '$ROOT'"
[[ $ROOT != / ]] || die "DUTY_PBX_ROOT must not be /"

in_root() { # run a command inside the root with a clean environment
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 chroot "$ROOT" "$@"
}

# ---------------------------------------------------------------- host tools

apt_install() {
  say "installing $* (apt-get)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "$@" >/tmp/duty-pbx-apt.log 2>&1; then
    say "apt-get install failed; running apt-get update and retrying"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >>/tmp/duty-pbx-apt.log 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "$@" >>/tmp/duty-pbx-apt.log 2>&1 ||
      { tail -n 20 /tmp/duty-pbx-apt.log >&2; die "could not install $* (log: /tmp/duty-pbx-apt.log)"; }
  fi
}

ensure_tools() { # ensure_tools [build]
  local need=()
  command -v sipp >/dev/null || need+=(sip-tester)
  command -v zstd >/dev/null || need+=(zstd)
  command -v flock >/dev/null || need+=(util-linux)
  if [[ ${1:-} == build ]]; then command -v debootstrap >/dev/null || need+=(debootstrap); fi
  ((${#need[@]} == 0)) || apt_install "${need[@]}"
}

mirror() { # the Debian mirror apt uses here
  if [[ -n ${DUTY_PBX_MIRROR:-} ]]; then echo "$DUTY_PBX_MIRROR"; return; fi
  local uri
  uri=$({ grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ print $2 }'
    grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
  } | grep -v -e security -e updates | grep -m1 debian || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# ---------------------------------------------------------------- mounts and processes

mounts_under() { # mount points at or below $1, deepest first
  awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r
}

unmount_under() {
  local m
  for m in $(mounts_under "$1"); do
    umount "$m" 2>/dev/null || umount -l "$m" || die "could not unmount $m"
  done
  [[ -z $(mounts_under "$1") ]] || die "mounts left under $1: $(mounts_under "$1" | tr '\n' ' ')"
}

mount_root() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc" || die "could not mount /proc in $ROOT"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev" || die "could not bind /dev in $ROOT"
}

pids_in_root() { # every process whose root directory is $ROOT
  local p real
  real=$(readlink -f "$ROOT" 2>/dev/null) || return 0
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$real" ]] && echo "${p#/proc/}"
  done
  return 0
}

asterisk_pid() { # prints the pid of our running Asterisk, or fails
  local pid
  [[ -f $PIDFILE ]] || return 1
  pid=$(<"$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$(readlink -f "$ROOT")" ]] || return 1
  echo "$pid"
}

# ---------------------------------------------------------------- the root

safe_rm_root() { # remove a root directory, never through a live mount
  local dir=$1
  [[ -e $dir ]] || return 0
  unmount_under "$dir"
  rm -rf --one-file-system "$dir"
}

build_root() {
  ensure_tools build
  local t0 build log
  t0=$(now)
  build="$(dirname "$ROOT")/.build-root.$$"
  log="$CACHE/debootstrap.log"
  mkdir -p "$CACHE"
  safe_rm_root "$build"
  say "building the Debian $SUITE root with Asterisk (debootstrap, about a minute; log: $log)"
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$build" "$(mirror)" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    safe_rm_root "$build"
    die "debootstrap failed (mirror $(mirror); full log: $log)"
  fi
  unmount_under "$build"
  [[ -x $build/usr/sbin/asterisk ]] || die "debootstrap finished but $build/usr/sbin/asterisk is missing"
  ls "$build"/usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || die "libfaketime is missing from the built root"
  # Slim it: package downloads, apt lists, docs, man pages, translations.
  rm -rf "$build"/var/cache/apt/archives/*.deb "$build"/var/lib/apt/lists/* \
    "$build"/usr/share/doc/* "$build"/usr/share/man/* "$build"/usr/share/locale/* "$build"/usr/share/info/*
  echo "$KEY" >"$build/.duty-pbx-root"
  say "caching the root as $TARBALL"
  tar -C "$build" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$TARBALL.tmp.$$" || { rm -f "$TARBALL.tmp.$$"; die "could not write $TARBALL"; }
  mv -f "$TARBALL.tmp.$$" "$TARBALL"
  safe_rm_root "$ROOT"
  mv "$build" "$ROOT"
  say "root built in $(since "$t0") s ($(du -sh "$ROOT" | cut -f1), cache $(du -h "$TARBALL" | cut -f1))"
}

extract_root() {
  local t0 tmp
  t0=$(now)
  tmp="$(dirname "$ROOT")/.extract-root.$$"
  safe_rm_root "$tmp"
  mkdir -p "$tmp"
  zstd -q -dc "$TARBALL" | tar -C "$tmp" --numeric-owner -xf - || { rm -rf --one-file-system "$tmp"; die "could not extract $TARBALL (delete it to rebuild)"; }
  [[ $(cat "$tmp/.duty-pbx-root" 2>/dev/null) == "$KEY" ]] || { rm -rf --one-file-system "$tmp"; die "$TARBALL is not a $KEY root (delete it to rebuild)"; }
  safe_rm_root "$ROOT"
  mv "$tmp" "$ROOT"
  say "root extracted from cache in $(since "$t0") s"
}

ensure_root() {
  [[ $(cat "$MARKER" 2>/dev/null) == "$KEY" && -x $ROOT/usr/sbin/asterisk ]] && return 0
  asterisk_pid >/dev/null && die "Asterisk is running from $ROOT but the root is stale; run 'pbx.sh down' first"
  mkdir -p "$(dirname "$ROOT")"
  if [[ -f $TARBALL ]]; then extract_root; else build_root; fi
  FRESH_ROOT=1 # its CEL file starts empty: so does the CEL table (prepare_cel_table)
}

# ---------------------------------------------------------------- config

ensure_schedule_rendered() { # the generated dialplan, rendered from the configured schedule if missing
  [[ -f $repo/dialplan/generated/duty-schedule.conf ]] && return 0
  local years=${DUTY_PBX_SCHEDULE_YEARS:-2026}
  say "rendering the duty schedule dialplan for $years (npx tsx src/cli/main.ts dialplan render --years $years)"
  (cd "$repo" && npx --no-install tsx src/cli/main.ts dialplan render --years "$years" >&2) ||
    say "WARNING: could not render dialplan/generated/duty-schedule.conf: calls will ring the desk only (duty-inbound's last resort)"
}

prepare_cel_table() { # the database and table cel_pgsql writes to (sql/asterisk-cel.sql), before Asterisk loads it
  [[ ${DUTY_PBX_CEL_PG:-auto} != off ]] || { unset DUTY_PBX_CEL_PG_HOST; return 0; }
  if [[ -z ${DUTY_PBX_CEL_PG_HOST:-} ]]; then
    if ! command -v psql >/dev/null || ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
      say "no PostgreSQL answers on 127.0.0.1:5432: the channel event log goes to the CEL file only (cel_pgsql not loaded)"
      return 0
    fi
    export DUTY_PBX_CEL_PG_HOST=127.0.0.1 DUTY_PBX_CEL_PG_PORT=5432
  fi
  export DUTY_PBX_CEL_PG_DB=${DUTY_PBX_CEL_PG_DB:-duty_pbx_cel} DUTY_PBX_CEL_PG_USER=${DUTY_PBX_CEL_PG_USER:-postgres} DUTY_PBX_CEL_PG_TABLE=${DUTY_PBX_CEL_PG_TABLE:-cel}
  local pg=(env PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$DUTY_PBX_CEL_PG_HOST" -p "${DUTY_PBX_CEL_PG_PORT:-5432}" -U "$DUTY_PBX_CEL_PG_USER")
  if [[ -z $("${pg[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DUTY_PBX_CEL_PG_DB'" 2>/dev/null) ]]; then
    "${pg[@]}" -d postgres -c "CREATE DATABASE \"$DUTY_PBX_CEL_PG_DB\"" >/dev/null || die "could not create the CEL database $DUTY_PBX_CEL_PG_DB (set DUTY_PBX_CEL_PG=off to do without)"
  fi
  [[ $DUTY_PBX_CEL_PG_TABLE == cel ]] || die "DUTY_PBX_CEL_PG_TABLE: the sandbox creates the table cel only (sql/asterisk-cel.sql)"
  "${pg[@]}" -d "$DUTY_PBX_CEL_PG_DB" -f "$repo/sql/asterisk-cel.sql" >/dev/null || die "could not create the CEL table in $DUTY_PBX_CEL_PG_DB"
  # A fresh root's log is empty, the table's too: a call id (<epoch>.<counter>) comes round again
  # with the pinned clock of each new sandbox, and the last one's calls would share it.
  if [[ ${FRESH_ROOT:-} == 1 ]]; then "${pg[@]}" -d "$DUTY_PBX_CEL_PG_DB" -c "TRUNCATE cel RESTART IDENTITY" >/dev/null || true; fi
}

render_config() { # render the project's config into the root's /etc/asterisk
  mkdir -p "$STATE"
  ensure_schedule_rendered
  prepare_cel_table
  "$render" "$ROOT/etc/asterisk" "$repo/dialplan" || die "could not render the Asterisk config"
}

config_hash() { # of everything we render; recorded at each start to spot changes
  (cd "$ROOT/etc/asterisk" && shopt -s nullglob && cat manager.conf http.conf ari.conf modules.conf logger.conf indications.conf \
    rtp.conf musiconhold.conf pjsip.conf cel.conf cel_custom.conf cel_pgsql.con[f] extensions.conf dialplan/*.conf dialplan/generated/*.conf dialplan/local/*.conf) | md5sum | cut -c1-32
}

# ---------------------------------------------------------------- Asterisk

ami_accepts() { # AMI answers with its banner
  local banner
  banner=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$AMI_PORT && head -c 22 <&3" 2>/dev/null) || return 1
  [[ $banner == "Asterisk Call Manager/"* ]]
}

port_busy() { # port_busy tcp|udp <port>: something listens (TCP) or is bound (UDP) there
  local hex
  hex=$(printf '%04X' "$2")
  awk -v p=":$hex" -v proto="$1" 'FNR > 1 && substr($2, length($2) - 4) == p && (proto == "udp" || $4 == "0A") { found = 1 } END { exit !found }' \
    /proc/net/"$1" /proc/net/"$1"6 2>/dev/null
}

start_asterisk() {
  local t0 pid deadline
  t0=$(now)
  port_busy tcp "$AMI_PORT" && die "TCP port $AMI_PORT (AMI) is already in use by another program; set DUTY_PBX_AMI_PORT"
  port_busy udp "$SIP_PORT" && die "UDP port $SIP_PORT (SIP) is already in use by another program; set DUTY_PBX_SIP_PORT"
  port_busy tcp "$HTTP_PORT" && die "TCP port $HTTP_PORT (HTTP/ARI) is already in use by another program; set DUTY_PBX_HTTP_PORT"
  mount_root
  mkdir -p "$ROOT/run/asterisk" "$STATE" "$ROOT/usr/share/asterisk/moh" "$ROOT/var/log/asterisk/cel-custom"
  # The directories belong to the root's own asterisk uid; Asterisk runs as root in the sandbox.
  chown -R 0:0 "$ROOT"/var/lib/asterisk "$ROOT"/var/spool/asterisk "$ROOT"/var/log/asterisk "$ROOT"/run/asterisk "$ROOT"/etc/asterisk
  rm -f "$ROOT/run/asterisk/asterisk.ctl" "$ROOT/run/asterisk/asterisk.pid"
  echo "---- $(date -Is) start" >>"$STATE/console.log"
  # setsid: own session, so a Ctrl-C in the caller's terminal does not reach it; fd 9 (our lock) closed.
  setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 $(faketime_env) \
    chroot "$ROOT" /usr/sbin/asterisk -f -n -vvv </dev/null >>"$STATE/console.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  config_hash >"$STATE/config.hash"
  save_settings
  deadline=$(($(date +%s) + BOOT_TIMEOUT))
  until in_root /usr/sbin/asterisk -rx "core waitfullybooted" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$STATE/console.log" >&2
      rm -f "$PIDFILE"
      die "Asterisk exited while booting (console log above: $STATE/console.log; full log: $ROOT/var/log/asterisk/full)"
    fi
    if (($(date +%s) >= deadline)); then
      tail -n 30 "$STATE/console.log" >&2
      stop_asterisk
      die "Asterisk did not finish booting within ${BOOT_TIMEOUT}s"
    fi
    sleep 0.1
  done
  until ami_accepts; do
    if (($(date +%s) >= deadline)); then
      stop_asterisk
      die "Asterisk booted but AMI does not answer on 127.0.0.1:$AMI_PORT (check manager.conf / the port)"
    fi
    sleep 0.1
  done
  STARTED_IN=$(since "$t0")
}

stop_asterisk() { # TERM, then KILL; also anything else left running inside the root
  local pid i p
  if pid=$(asterisk_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "Asterisk (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && die "Asterisk (pid $pid) survived SIGKILL"
    fi
  fi
  rm -f "$PIDFILE"
  for p in $(pids_in_root); do kill -KILL "$p" 2>/dev/null || true; done
  for ((i = 0; i < 50; i++)); do [[ -z $(pids_in_root) ]] && break; sleep 0.1; done
  [[ -z $(pids_in_root) ]] || die "processes still running in $ROOT: $(pids_in_root | tr '\n' ' ')"
}

# ---------------------------------------------------------------- the PBX clock (libfaketime)

fake_offset() { # the stored offset in seconds, 0 for the real clock
  local spec
  spec=$(cat "$FAKETIME_FILE" 2>/dev/null || echo +0)
  spec=${spec%s}
  [[ $spec =~ ^[+-]?[0-9]+$ ]] && echo $((spec)) || echo 0
}

faketime_env() { # environment that loads libfaketime, when the clock is fake
  local lib
  (($(fake_offset) != 0)) || return 0
  lib=$(cd "$ROOT" && ls usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n1) || true
  [[ -n $lib ]] || die "libfaketime is missing from $ROOT (delete $TARBALL to rebuild the root)"
  echo "LD_PRELOAD=/$lib FAKETIME_TIMESTAMP_FILE=/.duty-pbx/faketime FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1"
}

faketime_loaded() { # the running Asterisk reads the fake clock file
  local pid
  pid=$(asterisk_pid) || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -q '^FAKETIME_TIMESTAMP_FILE='
}

store_clock() { # store_clock <instant>|real: write the offset for that instant (now)
  local target offset
  mkdir -p "$STATE"
  if [[ $1 == real ]]; then
    echo "+0" >"$FAKETIME_FILE"
    return 0
  fi
  target=$(date -d "$1" +%s 2>/dev/null) || die "clock: cannot read '$1' as an instant (e.g. 2026-10-10T09:00:00+08:00)"
  offset=$((target - $(date +%s)))
  if ((offset >= 0)); then echo "+${offset}s"; else echo "${offset}s"; fi >"$FAKETIME_FILE"
}

asterisk_epoch() { # Asterisk's own clock: the Timestamp of an AMI Ping
  local out
  out=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$AMI_PORT || exit 1
    printf 'Action: Login\r\nUsername: %s\r\nSecret: %s\r\nEvents: off\r\n\r\nAction: Ping\r\n\r\nAction: Logoff\r\n\r\n' '$AMI_USER' '$AMI_SECRET' >&3
    cat <&3" 2>/dev/null | tr -d '\r' | sed -n 's/^Timestamp: \([0-9]*\).*/\1/p' | head -n1)
  [[ -n $out ]] && echo "$out"
}

wait_for_clock() { # until Asterisk's clock is within 2 s of real + offset
  local want got deadline
  deadline=$(($(date +%s) + 15))
  while :; do
    want=$(($(date +%s) + $(fake_offset)))
    if got=$(asterisk_epoch) && ((got - want <= 2 && want - got <= 2)); then return 0; fi
    (($(date +%s) < deadline)) || die "Asterisk's clock shows ${got:-nothing} after 15 s, expected $want"
    sleep 0.2
  done
}

describe_clock() {
  local offset
  offset=$(fake_offset)
  if ((offset == 0)); then echo "real"; else echo "fake: $(date -u -d "@$(($(date +%s) + offset))" +%FT%TZ) (offset ${offset}s)"; fi
}

save_settings() {
  local name
  for name in "${SETTING_NAMES[@]}"; do
    [[ -n ${!name+x} ]] && echo "$name=${!name}"
  done >"$SETTINGS"
  return 0
}

summary() {
  local pid version
  pid=$(asterisk_pid) || { echo "pbx: down (root $ROOT)"; return 0; }
  version=$(in_root /usr/sbin/asterisk -rx "core show version" 2>/dev/null | awk '{ print $1, $2; exit }')
  echo "pbx: up: ${version:-Asterisk} pid $pid${STARTED_IN:+, booted in ${STARTED_IN}s} | AMI $BIND:$AMI_PORT user $AMI_USER secret $AMI_SECRET | SIP udp $BIND:$SIP_PORT | ARI http://$BIND:$HTTP_PORT/ari | desk phone port ${DUTY_PBX_DESK_PORT:-5070} | dial timeout (s) $(dial_timeout_now) | clock $(describe_clock) | log $ROOT/var/log/asterisk/full"
}

dial_timeout_now() { # the values Asterisk is really using: desk (generated schedule) and last resort
  local globals desk
  globals=$(in_root /usr/sbin/asterisk -rx "dialplan show globals" 2>/dev/null)
  desk=$(sed -n 's/^ *DUTY_DESK_RING_TIMEOUT=\([0-9]*\).*/\1/p' <<<"$globals" | head -n1)
  echo "desk ${desk:-(rendered default)}, last resort $(sed -n 's/^ *DUTY_DIAL_TIMEOUT=\([0-9]*\).*/\1/p' <<<"$globals" | head -n1)"
}

# ---------------------------------------------------------------- commands

lock() {
  mkdir -p "$(dirname "$ROOT")"
  exec 9>"$(dirname "$ROOT")/.pbx.lock"
  flock -w 300 9 || die "another pbx.sh is still running (lock $(dirname "$ROOT")/.pbx.lock)"
}

cmd_up() {
  local t0
  t0=$(now)
  lock
  ensure_tools
  ensure_root
  load_saved_settings
  read_settings
  render_config
  [[ -z ${DUTY_PBX_CLOCK:-} ]] || store_clock "$DUTY_PBX_CLOCK"
  if asterisk_pid >/dev/null; then
    if (($(fake_offset) != 0)) && ! faketime_loaded; then
      say "a fake clock is set: restarting Asterisk with libfaketime"
      stop_asterisk
      start_asterisk
    elif [[ $(config_hash) != "$(cat "$STATE/config.hash" 2>/dev/null)" ]]; then
      say "already up, but the config changed: restarting Asterisk"
      stop_asterisk
      start_asterisk
    else
      say "already up (config unchanged)"
    fi
  else
    start_asterisk
  fi
  summary
  say "up in $(since "$t0") s"
}

cmd_down() {
  lock
  if [[ ! -d $ROOT ]]; then echo "pbx: down (no root at $ROOT)"; return 0; fi
  stop_asterisk
  unmount_under "$ROOT"
  rm -f "$SETTINGS" "$FAKETIME_FILE"
  echo "pbx: down"
}

cmd_restart() {
  load_saved_settings
  read_settings
  local t0
  t0=$(now)
  lock
  [[ $(cat "$MARKER" 2>/dev/null) == "$KEY" ]] || die "no PBX root at $ROOT; run 'bash scripts/pbx.sh up' first"
  render_config
  [[ -z ${DUTY_PBX_CLOCK:-} ]] || store_clock "$DUTY_PBX_CLOCK"
  stop_asterisk
  start_asterisk
  summary
  say "restarted in $(since "$t0") s"
}

cmd_reload() {
  load_saved_settings
  read_settings
  lock
  asterisk_pid >/dev/null || die "Asterisk is not running; run 'bash scripts/pbx.sh up'"
  render_config
  in_root /usr/sbin/asterisk -rx "core reload" >/dev/null || die "core reload failed"
  say "config and dialplan reloaded (dial timeout (s) $(dial_timeout_now))"
}

cmd_status() {
  load_saved_settings
  read_settings
  if asterisk_pid >/dev/null; then
    summary
    return 0
  fi
  echo "pbx: down (root $ROOT)"
  return 3
}

cmd_rx() {
  load_saved_settings
  read_settings
  [[ $# -ge 1 && -n $1 ]] || die 'usage: pbx.sh rx "<asterisk cli command>"'
  asterisk_pid >/dev/null || die "Asterisk is not running; run 'bash scripts/pbx.sh up'"
  in_root /usr/sbin/asterisk -rx "$*"
}

cmd_clock() {
  load_saved_settings
  read_settings
  if [[ $# -eq 0 || -z $1 ]]; then
    if asterisk_pid >/dev/null; then
      local epoch
      epoch=$(asterisk_epoch) || die "AMI does not answer"
      echo "pbx: clock $(describe_clock); Asterisk shows $(date -u -d "@$epoch" +%FT%TZ)"
    else
      echo "pbx: clock $(describe_clock) (Asterisk is down)"
    fi
    return 0
  fi
  lock
  store_clock "$1"
  if ! asterisk_pid >/dev/null; then
    say "Asterisk is down: the clock applies at the next up"
  elif faketime_loaded; then
    wait_for_clock
  elif (($(fake_offset) != 0)); then
    say "loading libfaketime: restarting Asterisk"
    stop_asterisk
    start_asterisk
    wait_for_clock
  fi
  echo "pbx: clock $(describe_clock)"
}

cmd_kill() {
  lock
  local pid
  pid=$(asterisk_pid) || { echo "pbx: Asterisk is not running"; return 0; }
  kill -KILL "$pid"
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "Asterisk (pid $pid) survived SIGKILL"
  echo "pbx: killed Asterisk (pid $pid)"
}

case ${1:-} in
up) cmd_up ;;
kill) cmd_kill ;;
down) cmd_down ;;
restart) cmd_restart ;;
reload) cmd_reload ;;
status) cmd_status ;;
rx) shift; cmd_rx "$@" ;;
clock) shift; cmd_clock "$@" ;;
*) echo "usage: bash scripts/pbx.sh up|down|restart|reload|kill|status|rx \"<cli command>\"|clock [<instant>|real]" >&2; exit 2 ;;
esac
