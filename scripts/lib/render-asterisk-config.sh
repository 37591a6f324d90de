#!/usr/bin/env bash
# Renders duty-hotline's Asterisk configuration into an Asterisk config directory.
#
#   render-asterisk-config.sh <etc-asterisk-dir> [<dialplan-src-dir>]
#
# One recipe for every PBX we run: scripts/pbx.sh (the chroot sandbox) and
# docker/Dockerfile.asterisk (the container entrypoint) both call this script.
# Only the files named here are (over)written; the rest of the stock Debian config stays.
#
# Settings (environment, with defaults):
#   DUTY_PBX_BIND          127.0.0.1     address AMI, HTTP/ARI and PJSIP listen on
#   DUTY_PBX_AMI_PORT      5038          AMI TCP port
#   DUTY_PBX_AMI_USER      duty          AMI user (also the ARI user)
#   DUTY_PBX_AMI_SECRET    duty-secret   its secret / ARI password
#   DUTY_PBX_AMI_PERMIT    127.0.0.1/255.255.255.255   networks allowed to log in to AMI
#   DUTY_PBX_SIP_PORT      5060          PJSIP UDP port
#   DUTY_PBX_HTTP_PORT     8088          HTTP (ARI) port
#   DUTY_DIAL_TIMEOUT      20            seconds the last-resort Dial() of dialplan/duty-inbound.conf
#                                        rings the desk (no generated schedule loaded); when set, also
#                                        the default of the two below
#   DUTY_DESK_RING_TIMEOUT     (unset)   seconds the generated dialplan rings a desk before the fallback
#                                        chain; unset: the rendered default (N rings + a margin)
#   DUTY_FALLBACK_RING_TIMEOUT (unset)   seconds it rings each other phone; unset: the rendered default
#   DUTY_RING_ON_MS / DUTY_RING_OFF_MS   1000 / 4000   ring cadence of indications [cn]
#   DUTY_PBX_RTP_START / DUTY_PBX_RTP_END  10000 / 10999  RTP port range
#   DUTY_PBX_NAT           no            yes: phones sit behind NAT (e.g. Docker): use the address a
#                                        REGISTER came from and symmetric RTP. Must stay "no" for the
#                                        sandbox, whose sipp phones register from another port.
#   DUTY_PBX_CEL_PG_HOST   (unset)       PostgreSQL host cel_pgsql writes the channel event log to
#                                        (besides the cel_custom file); unset: cel_pgsql is not loaded.
#                                        The table must exist first: sql/asterisk-cel.sql
#   DUTY_PBX_CEL_PG_PORT / _DB / _USER / _PASSWORD / _TABLE   5432 / duty_hotline / asterisk / (empty) / cel
#
# The project's dialplan files (<dialplan-src-dir>/*.conf, default: ../../dialplan next to
# this script) are copied to <etc>/dialplan/, its generated/*.conf (rendered by
# `duty-hotline dialplan render`) to <etc>/dialplan/generated/ and its local/*.conf (ops'
# overrides) to <etc>/dialplan/local/; <etc>/extensions.conf is generated here: it holds
# [general] and [globals] and includes dialplan/extensions.conf.
set -euo pipefail

die() { echo "render-asterisk-config: $*" >&2; exit 1; }

etc=${1:-}
[[ -n $etc ]] || die "usage: render-asterisk-config.sh <etc-asterisk-dir> [<dialplan-src-dir>]"
[[ -d $etc ]] || die "config directory $etc does not exist"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dialplan_src=${2:-$here/../../dialplan}
[[ -f $dialplan_src/extensions.conf ]] || die "no dialplan at $dialplan_src (expected extensions.conf there)"

bind=${DUTY_PBX_BIND:-127.0.0.1}
ami_port=${DUTY_PBX_AMI_PORT:-5038}
ami_user=${DUTY_PBX_AMI_USER:-duty}
ami_secret=${DUTY_PBX_AMI_SECRET:-duty-secret}
ami_permit=${DUTY_PBX_AMI_PERMIT:-127.0.0.1/255.255.255.255}
sip_port=${DUTY_PBX_SIP_PORT:-5060}
http_port=${DUTY_PBX_HTTP_PORT:-8088}
dial_timeout=${DUTY_DIAL_TIMEOUT:-20}
desk_ring_timeout=${DUTY_DESK_RING_TIMEOUT:-${DUTY_DIAL_TIMEOUT:-}}
fallback_ring_timeout=${DUTY_FALLBACK_RING_TIMEOUT:-${DUTY_DIAL_TIMEOUT:-}}
ring_on=${DUTY_RING_ON_MS:-1000}
ring_off=${DUTY_RING_OFF_MS:-4000}
rtp_start=${DUTY_PBX_RTP_START:-10000}
rtp_end=${DUTY_PBX_RTP_END:-10999}
nat=${DUTY_PBX_NAT:-no}
cel_pg_host=${DUTY_PBX_CEL_PG_HOST:-}

int() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 must be a whole number, got '$2'"; }
port() { int "$1" "$2"; (($2 >= 1 && $2 <= 65535)) || die "$1 must be a port (1-65535), got '$2'"; }
port DUTY_PBX_AMI_PORT "$ami_port"
port DUTY_PBX_SIP_PORT "$sip_port"
port DUTY_PBX_HTTP_PORT "$http_port"
port DUTY_PBX_RTP_START "$rtp_start"
port DUTY_PBX_RTP_END "$rtp_end"
[[ $nat == yes || $nat == no ]] || die "DUTY_PBX_NAT must be yes or no, got '$nat'"
int DUTY_DIAL_TIMEOUT "$dial_timeout"
((dial_timeout >= 1)) || die "DUTY_DIAL_TIMEOUT must be at least 1 second"
for pair in "DUTY_DESK_RING_TIMEOUT:$desk_ring_timeout" "DUTY_FALLBACK_RING_TIMEOUT:$fallback_ring_timeout"; do
  [[ -z ${pair#*:} ]] && continue
  int "${pair%%:*}" "${pair#*:}"
  ((${pair#*:} >= 1)) || die "${pair%%:*} must be at least 1 second"
done
int DUTY_RING_ON_MS "$ring_on"
int DUTY_RING_OFF_MS "$ring_off"
[[ $ami_user =~ ^[A-Za-z0-9_.-]+$ ]] || die "DUTY_PBX_AMI_USER may only hold letters, digits, _ . -"
[[ -n $ami_secret && $ami_secret != *[$'\n;[]']* ]] || die "DUTY_PBX_AMI_SECRET must be non-empty, one line, without ; [ ]"

header="; Generated by duty-hotline scripts/lib/render-asterisk-config.sh: edit the script, not this file."

write() { # write <file>: stdin → <etc>/<file>
  cat >"$etc/$1.tmp.$$" && mv -f "$etc/$1.tmp.$$" "$etc/$1"
}

write manager.conf <<EOT
$header
; AMI: the service's event feed and action channel.
[general]
enabled = yes
port = $ami_port
bindaddr = $bind
; Every event carries "Timestamp: <epoch>.<micro>", Asterisk's own clock (the service uses it, not arrival time).
timestampevents = yes
displayconnects = no

[$ami_user]
secret = $ami_secret
deny = 0.0.0.0/0.0.0.0
permit = $ami_permit
read = all
write = all
writetimeout = 5000
EOT

write http.conf <<EOT
$header
[general]
enabled = yes
bindaddr = $bind
bindport = $http_port
EOT

write ari.conf <<EOT
$header
[general]
enabled = yes
pretty = no

[$ami_user]
type = user
read_only = no
password = $ami_secret
EOT

write modules.conf <<'EOT'
; Generated by duty-hotline scripts/lib/render-asterisk-config.sh: edit the script, not this file.
; Autoload everything except hardware drivers, databases, external services and protocols
; the duty line does not use: faster (re)starts and a quieter log.
[modules]
autoload = yes
noload => chan_dahdi.so
noload => chan_console.so
noload => chan_iax2.so
noload => chan_motif.so
noload => chan_unistim.so
noload => chan_audiosocket.so
noload => chan_websocket.so
noload => chan_mobile.so
noload => chan_ooh323.so
noload => res_xmpp.so
noload => pbx_ael.so
noload => pbx_lua.so
noload => pbx_dundi.so
noload => pbx_realtime.so
noload => res_ael_share.so
noload => res_config_curl.so
noload => res_config_ldap.so
noload => res_config_odbc.so
noload => res_config_pgsql.so
noload => res_config_sqlite3.so
noload => res_config_mysql.so
noload => res_odbc.so
noload => res_odbc_transaction.so
noload => func_odbc.so
noload => app_voicemail_odbc.so
noload => cdr_adaptive_odbc.so
noload => cdr_csv.so
noload => cdr_custom.so
noload => cdr_manager.so
noload => cdr_odbc.so
noload => cdr_pgsql.so
noload => cdr_radius.so
noload => cdr_sqlite3_custom.so
noload => cdr_tds.so
noload => cel_manager.so
noload => cel_odbc.so
noload => cel_pgsql.so
noload => cel_radius.so
noload => cel_sqlite3_custom.so
noload => cel_tds.so
noload => res_calendar.so
noload => res_calendar_caldav.so
noload => res_calendar_ews.so
noload => res_calendar_exchange.so
noload => res_calendar_icalendar.so
noload => res_snmp.so
noload => res_statsd.so
noload => res_prometheus.so
noload => res_hep.so
noload => res_hep_pjsip.so
noload => res_hep_rtcp.so
noload => res_phoneprov.so
noload => res_pjsip_phoneprov_provider.so
noload => res_smdi.so
noload => res_fax.so
noload => res_fax_spandsp.so
noload => res_pjsip_t38.so
noload => res_stir_shaken.so
noload => res_pjsip_stir_shaken.so
noload => res_geolocation.so
noload => res_pjsip_geolocation.so
noload => res_pjsip_outbound_registration.so
noload => res_aeap.so
noload => res_speech_aeap.so
noload => res_resolver_unbound.so
noload => res_stun_monitor.so
noload => res_corosync.so
noload => res_http_media_cache.so
noload => res_pjsip_transport_websocket.so
noload => app_jack.so
noload => app_festival.so
noload => app_minivm.so
noload => app_voicemail.so
noload => res_pjsip_send_to_voicemail.so
noload => app_sms.so
noload => app_alarmreceiver.so
noload => app_adsiprog.so
noload => app_getcpeid.so
noload => res_adsi.so
noload => app_mp3.so
EOT

# The channel event log (CEL) Asterisk keeps by itself, whatever duty-hotline does: the record
# the service rebuilds calls from when it was not watching (src/calls/call-rebuild.ts). One JSON
# object a line in cel-custom/duty-cel.jsonl; the events the call rules need (a channel's start
# and end, answer, hang-up with its cause, the end of a call, and the dialplan's DutyDial: what
# each Dial() came to) and no others.
write cel.conf <<'EOT'
; Generated by duty-hotline scripts/lib/render-asterisk-config.sh: edit the script, not this file.
[general]
enable = yes
events = CHAN_START,CHAN_END,ANSWER,HANGUP,LINKEDID_END,USER_DEFINED
EOT

write cel_custom.conf <<'EOT'
; Generated by duty-hotline scripts/lib/render-asterisk-config.sh: edit the script, not this file.
; duty-hotline reads this file (cel.file in its config): keep the fields and the format.
[duty-cel.jsonl]
format = json
fields = EventType,UserDefType,EventTime(double),Name,Num,Exten,Context,ChanName,UniqueID,LinkedID,EventExtra
EOT

# The same log into a PostgreSQL table, where the service runs on another host (cel.table in its
# config). eventtime must be a float8 column (sql/asterisk-cel.sql): cel_pgsql then writes epoch
# seconds to the microsecond, whatever the PBX's time zone. The file above is kept as well: it
# goes on while the database is down, when cel_pgsql drops what it cannot insert.
if [[ -n $cel_pg_host ]]; then
  sed -i '/^noload => cel_pgsql.so$/d' "$etc/modules.conf"
  write cel_pgsql.conf <<EOT
; Generated by duty-hotline scripts/lib/render-asterisk-config.sh: edit the script, not this file.
[global]
hostname = $cel_pg_host
port = ${DUTY_PBX_CEL_PG_PORT:-5432}
dbname = ${DUTY_PBX_CEL_PG_DB:-duty_hotline}
user = ${DUTY_PBX_CEL_PG_USER:-asterisk}
password = ${DUTY_PBX_CEL_PG_PASSWORD:-}
table = ${DUTY_PBX_CEL_PG_TABLE:-cel}
appname = asterisk-cel
EOT
fi

write logger.conf <<'EOT'
; Generated by duty-hotline scripts/lib/render-asterisk-config.sh: edit the script, not this file.
[general]
dateformat = %F %T.%3q
[logfiles]
console => notice,warning,error
; /var/log/asterisk/full: everything worth grepping in tests (the dialplan logs "DUTY-DIAL ..." lines at NOTICE).
full => notice,warning,error,verbose,dtmf
EOT

write indications.conf <<EOT
$header
; China: 450 Hz; the ring cadence (default 1 s on, 4 s off) matches the service's ring-counting setting.
[general]
country = cn

[cn]
description = China
ringcadence = $ring_on,$ring_off
dial = 450
busy = 450/350,0/350
ring = 450/$ring_on,0/$ring_off
congestion = 450/700,0/700
callwaiting = 450/400,0/4000
dialrecall = 450
record = 950/400,0/10000
info = 450/100,0/100,450/100,0/100,450/100,0/100,450/400,0/400
stutter = 450+425
EOT

write rtp.conf <<EOT
$header
[general]
rtpstart = $rtp_start
rtpend = $rtp_end
EOT

phone() { # phone <name>: an office phone that REGISTERs (one contact at a time)
  cat <<EOT

[$1]
type = aor
; One registered phone at a time; a new REGISTER replaces it. No contact = the phone is unreachable (Dial -> CHANUNAVAIL).
max_contacts = 1
remove_existing = yes
default_expiration = 3600
minimum_expiration = 1

[$1]
type = endpoint
transport = transport-udp
; What it dials: the leader and the bureau (dialplan/office-calls.conf).
context = office-phones
aors = $1
disallow = all
allow = ulaw,alaw
direct_media = no
send_pai = yes
EOT
  if [[ $nat == yes ]]; then
    printf '%s\n' "rewrite_contact = yes" "force_rport = yes" "rtp_symmetric = yes"
  fi
}

{
  cat <<EOT
$header
[global]
type = global
; Identify by the From user first: every phone and caller here shares 127.0.0.1.
endpoint_identifier_order = username,ip,anonymous
user_agent = duty-hotline-pbx

[transport-udp]
type = transport
protocol = udp
bind = $bind:$sip_port

; Callers (citizens). Identified by From user "citizen"; the caller's number comes from
; P-Asserted-Identity (trusted) or the From display name. No auth: loopback sandbox only.
[citizen]
type = endpoint
transport = transport-udp
context = duty-inbound
disallow = all
allow = ulaw,alaw
direct_media = no
trust_id_inbound = yes
EOT
  if [[ $nat == yes ]]; then
    printf '%s\n' "force_rport = yes" "rtp_symmetric = yes"
  fi
  phone desk
  phone leader
  phone bureau
} | write pjsip.conf

# Stock files that only add warnings here: users.conf (deprecated), and an MOH class without files.
rm -f "$etc/users.conf"
write musiconhold.conf <<EOT
$header
; No music-on-hold files in this image: held callers hear silence.
[general]
EOT

# Dialplan: the project's files, the rendered schedule, ops' local overrides, plus a generated root.
copy_confs() { # copy_confs <from-dir> <to-dir>: the *.conf files of one folder, replacing the old set
  mkdir -p "$2"
  rm -f "$2"/*.conf
  compgen -G "$1/*.conf" >/dev/null || return 0
  cp "$1"/*.conf "$2/"
}
copy_confs "$dialplan_src" "$etc/dialplan"
copy_confs "$dialplan_src/generated" "$etc/dialplan/generated"
copy_confs "$dialplan_src/local" "$etc/dialplan/local"
# Recorded messages the dialplan plays (Playback(${ASTETCDIR}/dialplan/sounds/<name>)).
mkdir -p "$etc/dialplan/sounds"
rm -f "$etc/dialplan/sounds"/*.wav
if compgen -G "$dialplan_src/sounds/*.wav" >/dev/null; then cp "$dialplan_src/sounds"/*.wav "$etc/dialplan/sounds/"; fi
ring_globals=""
[[ -n $desk_ring_timeout ]] && ring_globals+="DUTY_DESK_RING_TIMEOUT = $desk_ring_timeout"$'\n'
[[ -n $fallback_ring_timeout ]] && ring_globals+="DUTY_FALLBACK_RING_TIMEOUT = $fallback_ring_timeout"$'\n'
write extensions.conf <<EOT
$header
[general]
static = yes
writeprotect = yes
; A dialplan reload re-reads [globals] below.
clearglobalvars = yes

; The only [globals] section: included files must not define another one.
[globals]
DUTY_DIAL_TIMEOUT = $dial_timeout
; Ring timeouts of the generated schedule (unset: the defaults rendered into it).
${ring_globals}
; The project's dialplan (repo dialplan/, copied to /etc/asterisk/dialplan/).
#include dialplan/extensions.conf
EOT
