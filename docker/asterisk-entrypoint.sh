#!/usr/bin/env bash
# duty-hotline Asterisk container entrypoint (docker/Dockerfile.asterisk).
#   duty-asterisk start    render /etc/asterisk from the environment, run Asterisk in the foreground
#   duty-asterisk reload   re-render (dialplan included) and "core reload" the running Asterisk
# The rendering is scripts/lib/render-asterisk-config.sh, the same as scripts/pbx.sh uses.
set -euo pipefail
render=/opt/duty-hotline/render-asterisk-config.sh
dialplan=/opt/duty-hotline/dialplan

case ${1:-start} in
start)
  "$render" /etc/asterisk "$dialplan"
  mkdir -p /run/asterisk /usr/share/asterisk/moh /var/log/asterisk/cel-custom
  chown -R asterisk:asterisk /var/lib/asterisk /var/spool/asterisk /var/log/asterisk /run/asterisk /etc/asterisk
  exec /usr/sbin/asterisk -f -n -vvv -U asterisk -G asterisk
  ;;
reload)
  "$render" /etc/asterisk "$dialplan"
  chown -R asterisk:asterisk /etc/asterisk
  exec asterisk -rx "core reload"
  ;;
*)
  exec "$@"
  ;;
esac
