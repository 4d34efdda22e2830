#!/usr/bin/env bash
#
# Render a FreeRADIUS 3.2 config dir (stock Debian config + freeradius/overlay)
# and run it in the foreground. See freeradius/README.md for the variables.
#
#   RADIUS_CHECK=1 bash freeradius/run.sh   (or --check)   render + `freeradius -XC` only
#
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OVERLAY="$HERE/overlay"

die() { echo "freeradius/run.sh: $*" >&2; exit 1; }
abspath() { mkdir -p "$1" && (cd "$1" && pwd); }

CHECK="${RADIUS_CHECK:-0}"
[[ "${1:-}" == "--check" ]] && CHECK=1

DATA_DIR="$(abspath "${DATA_DIR:-./data}")"
RADDB_DIR="${RADDB_DIR:-$DATA_DIR/raddb}"
FREERADIUS_SRC="${FREERADIUS_SRC:-/etc/freeradius/3.0}"
export RADIUS_SPOOL_DIR="${RADIUS_SPOOL_DIR:-$DATA_DIR/radius-spool}"
# The API renders its routers here (same DATA_DIR default as the API).
export RADIUS_SNAPSHOT_DIR="${RADIUS_SNAPSHOT_DIR:-$DATA_DIR/radius-snapshot}"
export API_URL="${API_URL:-http://127.0.0.1:3001}"
export RADIUS_AUTH_PORT="${RADIUS_AUTH_PORT:-1812}"
export RADIUS_ACCT_PORT="${RADIUS_ACCT_PORT:-1813}"
export RADIUS_BIND="${RADIUS_BIND:-*}"
export RADIUS_ADMIN_FAILSAFE="${RADIUS_ADMIN_FAILSAFE:-1}"
# 1 s: with the API frozen, the call that finds out must still leave the
# NAS its answer well inside its 3-5 s timeout (freeradius/README.md).
export RADIUS_REST_TIMEOUT="${RADIUS_REST_TIMEOUT:-1}"
export RADIUS_REJECT_DELAY="${RADIUS_REJECT_DELAY:-1}"
# Authorize answer cache and the API's control port for it (loopback only by default).
export RADIUS_ANSWER_CACHE="${RADIUS_ANSWER_CACHE:-1}"
export RADIUS_ANSWER_CACHE_SIZE="${RADIUS_ANSWER_CACHE_SIZE:-200000}"
export RADIUS_CONTROL_PORT="${RADIUS_CONTROL_PORT:-18121}"
export RADIUS_CONTROL_BIND="${RADIUS_CONTROL_BIND:-127.0.0.1}"
export RADIUS_CONTROL_CLIENT="${RADIUS_CONTROL_CLIENT:-127.0.0.1/32}"
# Worker threads, all started up front and kept: each holds one keep-alive
# connection to the API, so this also caps the API's accounting batch size.
RADIUS_THREADS="${RADIUS_THREADS:-32}"
# Dates in request bodies ("Nov 22 2025 04:18:05 UTC") use the local zone.
export TZ=UTC

# The token is only ever passed through $ENV{}; it ends up inside a
# double-quoted unlang string, where % \ " would be interpreted.
# Same default as the API: the token it generated on first start.
TOKEN_FILE="$DATA_DIR/radius-api-token"
if [[ -z "${RADIUS_API_TOKEN:-}" ]]; then
  [[ -e "$TOKEN_FILE" ]] || die "no token for the API: RADIUS_API_TOKEN is unset and $TOKEN_FILE does not exist." \
    "Start the API once with DATA_DIR=$DATA_DIR (npm start writes it), or set RADIUS_API_TOKEN to the API's token."
  [[ -r "$TOKEN_FILE" ]] || die "cannot read $TOKEN_FILE as $(id -un); run as the user that runs the API, or set RADIUS_API_TOKEN"
  RADIUS_API_TOKEN="$(tr -d '[:space:]' < "$TOKEN_FILE")"
  [[ -n "$RADIUS_API_TOKEN" ]] || die "$TOKEN_FILE is empty; delete it and start the API again, or set RADIUS_API_TOKEN"
fi
[[ "$RADIUS_API_TOKEN" =~ ^[A-Za-z0-9._~+/=:-]+$ ]] \
  || die "RADIUS_API_TOKEN may only contain A-Z a-z 0-9 . _ ~ + / = : -"
export RADIUS_API_TOKEN
API_URL="${API_URL%/}"
[[ "$API_URL" =~ ^https?://[^[:space:]%\"\\]+$ ]] || die "API_URL must be http(s)://host[:port][/path] (got '$API_URL')"
for v in RADIUS_AUTH_PORT RADIUS_ACCT_PORT RADIUS_CONTROL_PORT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a port number"
done
[[ "$RADIUS_ANSWER_CACHE_SIZE" =~ ^[1-9][0-9]*$ ]] || die "RADIUS_ANSWER_CACHE_SIZE must be a positive number (RADIUS_ANSWER_CACHE=0 turns the cache off)"
[[ "$RADIUS_REST_TIMEOUT" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "RADIUS_REST_TIMEOUT must be seconds, e.g. 2 or 1.5"
[[ "$RADIUS_ANSWER_CACHE" =~ ^[01]$ ]] || die "RADIUS_ANSWER_CACHE must be 0 or 1"
[[ "$RADIUS_CONTROL_BIND" =~ ^[0-9A-Fa-f.:]+$ ]] || die "RADIUS_CONTROL_BIND must be an IP address"
[[ "$RADIUS_CONTROL_CLIENT" =~ ^[0-9A-Fa-f.:]+(/[0-9]+)?$ ]] || die "RADIUS_CONTROL_CLIENT must be an IP address or CIDR"
[[ "$RADIUS_ADMIN_FAILSAFE" =~ ^[01]$ ]] || die "RADIUS_ADMIN_FAILSAFE must be 0 or 1"
[[ "$RADIUS_REJECT_DELAY" =~ ^[0-9]+$ ]] || die "RADIUS_REJECT_DELAY must be whole seconds"
[[ "$RADIUS_THREADS" =~ ^[0-9]+$ && "$RADIUS_THREADS" -ge 4 && "$RADIUS_THREADS" -le 256 ]] || die "RADIUS_THREADS must be 4-256"
command -v freeradius >/dev/null || die "freeradius not found (apt-get install freeradius freeradius-rest)"
# Debian keeps /etc/freeradius 2750 freerad:freerad.
[[ -r "$FREERADIUS_SRC/radiusd.conf" ]] || die "cannot read $FREERADIUS_SRC/radiusd.conf as $(id -un):" \
  "add this user to group freerad (usermod -aG freerad $(id -un)) or set FREERADIUS_SRC to a readable copy"
[[ -n "$RADDB_DIR" && "$RADDB_DIR" != "/" && "$RADDB_DIR" != "$FREERADIUS_SRC" ]] || die "refusing RADDB_DIR=$RADDB_DIR"

# A port taken by another process makes FreeRADIUS exit with a bind error that names
# neither the variable nor the cause; check first and say which variable to set.
# Reads the kernel's socket tables (/proc/net/udp, udp6: local address and port in hex,
# IPv4 addresses little-endian); where they cannot be read, FreeRADIUS reports it itself.
udp_port_taken() { # port, bind address (IPv4, or * for all IPv4 addresses, or IPv6)
  local port="$1" addr="$2" hexport want sl local_addr rest
  hexport="$(printf '%04X' "$port")"
  if [[ "$addr" == *:* ]]; then
    # IPv6: any socket on the port counts (rare enough not to compare addresses).
    [[ -r /proc/net/udp6 ]] && grep -qE "^ *[0-9]+: [0-9A-F]{32}:$hexport " /proc/net/udp6
    return
  fi
  [[ "$addr" == "*" ]] && addr=0.0.0.0
  [[ "$addr" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || return 1
  local a b c d
  IFS=. read -r a b c d <<<"$addr"
  want="$(printf '%02X%02X%02X%02X' "$d" "$c" "$b" "$a")"
  if [[ -r /proc/net/udp ]]; then
    while read -r sl local_addr rest; do
      [[ "$local_addr" == *":$hexport" ]] || continue
      local_addr="${local_addr%:*}"
      [[ "$local_addr" == "$want" || "$local_addr" == 00000000 || "$want" == 00000000 ]] && return 0
    done < <(tail -n +2 /proc/net/udp)
  fi
  # A dual-stack socket on [::] holds the port for IPv4 as well.
  [[ -r /proc/net/udp6 ]] && grep -qE "^ *[0-9]+: 0{32}:$hexport " /proc/net/udp6
}
check_port() { # variable, bind address, hint
  local var="$1" addr="$2" hint="${3:-}"
  if udp_port_taken "${!var}" "$addr"; then
    die "UDP port ${!var} ($var) on $addr is already in use by another process (another FreeRADIUS?); set $var to a free port$hint"
  fi
}
[[ "$RADIUS_AUTH_PORT" != "$RADIUS_ACCT_PORT" ]] || die "RADIUS_AUTH_PORT and RADIUS_ACCT_PORT are both $RADIUS_AUTH_PORT; give them different ports"
# A config check binds nothing (and may run beside the live server on the same ports).
if [[ "$CHECK" != "1" ]]; then
  check_port RADIUS_AUTH_PORT "$RADIUS_BIND"
  check_port RADIUS_ACCT_PORT "$RADIUS_BIND"
  if [[ "$RADIUS_ANSWER_CACHE" == "1" ]]; then
    check_port RADIUS_CONTROL_PORT "$RADIUS_CONTROL_BIND" " (and point the API's RADIUS_ANSWER_CACHE_CONTROL at it)"
  fi
fi

umask 077
RADDB_DIR="$(abspath "$RADDB_DIR")"
VAR_DIR="$DATA_DIR/radius-var"
mkdir -p "$VAR_DIR/run" "$VAR_DIR/log/radacct" "$RADIUS_SPOOL_DIR/rejected"
RADIUS_SPOOL_DIR="$(abspath "$RADIUS_SPOOL_DIR")"
# The API's router snapshot. Until the API has written one, an empty one
# (rlm_passwd needs the file); the API replaces it atomically, we never write
# over it. Unreadable (another user's 0600 file): start without it, loudly.
if mkdir -p -m 0700 "$RADIUS_SNAPSHOT_DIR" 2>/dev/null \
  && { [[ -e "$RADIUS_SNAPSHOT_DIR/routers" ]] || : > "$RADIUS_SNAPSHOT_DIR/routers"; } 2>/dev/null \
  && [[ -r "$RADIUS_SNAPSHOT_DIR/routers" ]]; then
  RADIUS_SNAPSHOT_DIR="$(abspath "$RADIUS_SNAPSHOT_DIR")"
else
  echo "freeradius/run.sh: warning: cannot read $RADIUS_SNAPSHOT_DIR/routers as $(id -un): starting without the API's" \
    "router snapshot (run as the API's user, or point RADIUS_SNAPSHOT_DIR at a readable copy)" >&2
  RADIUS_SNAPSHOT_DIR="$VAR_DIR/no-router-snapshot"
  mkdir -p "$RADIUS_SNAPSHOT_DIR"
  : > "$RADIUS_SNAPSHOT_DIR/routers"
fi

# Fresh copy each start, so removed overlay files do not linger. Only wipe
# a directory we rendered before (marker), never an arbitrary one.
if [[ -n "$(ls -A "$RADDB_DIR")" ]]; then
  [[ -f "$RADDB_DIR/.rendered-by-run.sh" ]] || die "RADDB_DIR=$RADDB_DIR is not empty and was not rendered by this script"
  find "$RADDB_DIR" -mindepth 1 -delete
fi
cp -R "$FREERADIUS_SRC"/. "$RADDB_DIR"/
touch "$RADDB_DIR/.rendered-by-run.sh"
rm -rf "$RADDB_DIR/certs"  # EAP only; also keeps private keys out of DATA_DIR
cp -R "$OVERLAY"/. "$RADDB_DIR"/
chmod 0700 "$RADDB_DIR"

# The admin fail-safe's snapshot (mods-available/aaa_cache admin_snapshot), as
# the API last rendered it. Copied, so the API may replace it at any time; a
# file with any line the API would not write is ignored rather than let it
# stop FreeRADIUS from starting.
# (Unreadable snapshot directory: the router block above already said so and
# pointed RADIUS_SNAPSHOT_DIR at an empty private one.)
ADMIN_SNAPSHOT="$RADIUS_SNAPSHOT_DIR/admins"
SNAP_CHECK="(Aaa-Account-Group|Aaa-Admin-Verdict|Aaa-Admin-Until|Aaa-Admin-Known|SSHA2-512-Password|NT-Password)"
SNAP_REPLY="(Framed-IP-Address|Session-Timeout|Idle-Timeout|Acct-Interim-Interval)"
SNAP_REPLY6="(Framed-IPv6-Prefix|Delegated-IPv6-Prefix)"
: > "$RADDB_DIR/aaa-admin-snapshot"
if [[ "$RADIUS_ADMIN_FAILSAFE" == "1" && -e "$ADMIN_SNAPSHOT" ]]; then
  if [[ ! -r "$ADMIN_SNAPSHOT" ]]; then
    echo "freeradius/run.sh: cannot read $ADMIN_SNAPSHOT: admin fail-safe starts empty" >&2
  # Only the attributes the API writes (libs/aaa/src/radius/snapshot/admin-snapshot.ts): a
  # line such as `boss<TAB>Auth-Type := Accept` must never load.
  elif LC_ALL=C grep -qvE $'^(#.*|[?]?[a-z0-9._@+-]{1,64}\t'"$SNAP_CHECK"$' := ("[a-z_]{1,32}"|0x[0-9a-f]+|[0-9]+)(, '"$SNAP_CHECK"$' := ("[a-z_]{1,32}"|0x[0-9a-f]+|[0-9]+))*|\t'"$SNAP_REPLY"$' = [0-9.]+,?|\t'"$SNAP_REPLY6"$' = [0-9a-f:]+/[0-9]{1,3},?)$' "$ADMIN_SNAPSHOT"; then
    echo "freeradius/run.sh: $ADMIN_SNAPSHOT has unexpected lines: admin fail-safe starts empty" >&2
  else
    cp "$ADMIN_SNAPSHOT" "$RADDB_DIR/aaa-admin-snapshot"
  fi
fi

cd "$RADDB_DIR"
# EAP needs certs (and inner-tunnel); we do not offer it.
rm -f mods-enabled/eap sites-enabled/*
for m in rest rest_clients aaa_cache aaa_answer_cache aaa_spool aaa_breaker aaa_router_snapshot; do ln -sf ../mods-available/$m mods-enabled/$m; done
SITES="default dynamic-clients aaa-spool-reader"
# Without the control port no API can set the epoch, so nothing is ever cached;
# the admin fail-safe needs it too, for the API's evictions.
if [[ "$RADIUS_ANSWER_CACHE" == "1" || "$RADIUS_ADMIN_FAILSAFE" == "1" ]]; then
  SITES="$SITES aaa-answer-cache-control"
fi
for s in $SITES; do ln -sf ../sites-available/$s sites-enabled/$s; done

# Runtime paths under DATA_DIR (works unprivileged, nothing written to /var);
# no setuid to freerad: whoever runs us owns DATA_DIR. No proxying: a realm
# in User-Name must never send credentials to another server.
sed -i \
  -e "s|^logdir = .*|logdir = $VAR_DIR/log|" \
  -e "s|^run_dir = .*|run_dir = $VAR_DIR/run|" \
  -e "s|^raddbdir = .*|raddbdir = $RADDB_DIR|" \
  -e "s|^proxy_requests[[:space:]]*=.*|proxy_requests = no|" \
  -e 's/^\([[:space:]]*\)\(user\|group\) = freerad/\1#\2 = freerad/' \
  -e 's|^\([[:space:]]*\)reject_delay = .*|\1reject_delay = $ENV{RADIUS_REJECT_DELAY}|' \
  -e "s#^\([[:space:]]*\)\(start_servers\|max_servers\|max_spare_servers\) = .*#\1\2 = $RADIUS_THREADS#" \
  radiusd.conf
grep -q "^logdir = $VAR_DIR/log\$" radiusd.conf && grep -q "^run_dir = $VAR_DIR/run\$" radiusd.conf \
  || die "could not patch radiusd.conf (unexpected FreeRADIUS version?)"

if [[ "$CHECK" == "1" ]]; then
  exec freeradius -XC -d "$RADDB_DIR"
fi
if [[ "${RADIUS_DEBUG:-0}" == "1" ]]; then
  # -X prints request bodies including User-Password: never in production.
  exec freeradius -X -d "$RADDB_DIR"
fi
exec freeradius -f -l stdout -d "$RADDB_DIR"
