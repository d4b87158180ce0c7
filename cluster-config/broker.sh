#!/usr/bin/env bash
# Starts, stops or reports a RabbitMQ broker for an ActorSim cluster, bound to loopback unless told otherwise.
#
#   cluster-config/broker.sh start|stop|status
#
# `start` installs Debian's rabbitmq-server if it is missing (apt-get; needs root), starts a broker
# with its own node name, ports and state directory (nothing under /etc or /var/lib/rabbitmq is used),
# waits until it accepts connections, and creates a user and a vhost for the cluster (the default
# `guest` user is never created, and is deleted if found). It is idempotent: a running broker is left
# as it is (only the user, vhost and permissions are re-applied), and the remains of a broker that died
# (stale pid file, half-started process) are cleaned up first. `stop` shuts the broker down cleanly
# (and epmd, when no other Erlang node still uses it). `status` prints what runs; exit code 0 when the
# broker answers, 3 when it is stopped.
#
# Settings (environment variables, defaults in brackets):
#   ACTORSIM_BROKER_DIR        state directory: data, logs, config, Erlang cookie, generated password
#                              [${XDG_STATE_HOME:-$HOME/.local/state}/actorsim/broker]
#   ACTORSIM_BROKER_PORT       AMQP port [5672]
#   ACTORSIM_BROKER_LISTEN     IPv4 address the AMQP listener binds to [127.0.0.1]; set it to a private address of
#                              this host to let nodes on other hosts in (Erlang distribution and epmd stay on loopback)
#   ACTORSIM_BROKER_DIST_PORT  Erlang distribution port on 127.0.0.1 [AMQP port + 20000, or - 20000 if that is > 65535]
#   ACTORSIM_BROKER_EPMD_PORT  epmd port on 127.0.0.1 [4369]
#   ACTORSIM_BROKER_NODENAME   Erlang node name [actorsim-<AMQP port>@localhost]
#   ACTORSIM_BROKER_USER       user the cluster nodes log in with [actorsim]
#   ACTORSIM_BROKER_VHOST      vhost the cluster uses [actorsim]
#   ACTORSIM_BROKER_PASSWORD   that user's password; when unset, a random one is generated once into
#                              $ACTORSIM_BROKER_DIR/password (mode 600) and reused. There is no built-in default.
#   ACTORSIM_BROKER_START_TIMEOUT  seconds to wait for the broker to come up [60]
#   ACTORSIM_BROKER_TLS_PORT   also listen for TLS (amqps://) on this port of the same address [off]; then
#   ACTORSIM_BROKER_TLS_CERT, ACTORSIM_BROKER_TLS_KEY, ACTORSIM_BROKER_TLS_CA  the broker's certificate, its
#                              private key (unencrypted PEM) and the CA certificate, as PEM files (required)
#
# `stop` and `status` read the ports and node name that `start` recorded in $ACTORSIM_BROKER_DIR/broker.env,
# so only ACTORSIM_BROKER_DIR has to match. On success `start` prints the connection settings as
# `KEY=value` lines (ACTORSIM_BROKER_HOST, _PORT, _USER, _VHOST, _URL, [_TLS_URL,] _PASSWORD_FILE, _STARTED_SECONDS).
set -euo pipefail

RMQ_BIN=/usr/lib/rabbitmq/bin
STATE_DIR=${ACTORSIM_BROKER_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/actorsim/broker}

log() { echo "broker.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

ensure_installed() {
  [ -x "$RMQ_BIN/rabbitmq-server" ] && return 0
  [ "$(id -u)" = 0 ] || die "rabbitmq-server is not installed and installing it needs root: run 'apt-get install -y rabbitmq-server' as root first"
  command -v apt-get >/dev/null || die "rabbitmq-server is not installed and apt-get is not available to install it"
  log "installing rabbitmq-server (apt-get)..."
  # Keep the distribution's own service from starting (it would listen on all interfaces): with no
  # policy-rc.d present, install a temporary one that denies service starts.
  local policy=/usr/sbin/policy-rc.d temp_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && temp_policy=$policy
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >/dev/null; } || rc=$?
  [ -n "$temp_policy" ] && rm -f "$temp_policy"
  [ "$rc" = 0 ] || die "apt-get install rabbitmq-server failed (exit $rc)"
  [ -x "$RMQ_BIN/rabbitmq-server" ] || die "rabbitmq-server was installed but $RMQ_BIN/rabbitmq-server is missing"
}

# Settings for `start`, from the environment.
load_settings_from_env() {
  PORT=${ACTORSIM_BROKER_PORT:-5672}
  LISTEN=${ACTORSIM_BROKER_LISTEN:-127.0.0.1}
  [[ "$LISTEN" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "invalid ACTORSIM_BROKER_LISTEN '$LISTEN' (an IPv4 address of this host)"
  if [ -n "${ACTORSIM_BROKER_DIST_PORT:-}" ]; then DIST_PORT=$ACTORSIM_BROKER_DIST_PORT
  elif [ $((PORT + 20000)) -le 65535 ]; then DIST_PORT=$((PORT + 20000))
  else DIST_PORT=$((PORT - 20000)); fi
  EPMD_PORT=${ACTORSIM_BROKER_EPMD_PORT:-4369}
  NODENAME=${ACTORSIM_BROKER_NODENAME:-actorsim-$PORT@localhost}
  BROKER_USER=${ACTORSIM_BROKER_USER:-actorsim}
  VHOST=${ACTORSIM_BROKER_VHOST:-actorsim}
  for p in "$PORT" "$DIST_PORT" "$EPMD_PORT"; do
    [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "invalid port '$p' (ACTORSIM_BROKER_*PORT must be 1..65535)"
  done
  [ "$BROKER_USER" != guest ] || die "ACTORSIM_BROKER_USER must not be 'guest'"
  TLS_PORT=${ACTORSIM_BROKER_TLS_PORT:-}
  TLS_CERT=${ACTORSIM_BROKER_TLS_CERT:-} TLS_KEY=${ACTORSIM_BROKER_TLS_KEY:-} TLS_CA=${ACTORSIM_BROKER_TLS_CA:-}
  if [ -n "$TLS_PORT" ]; then
    [[ "$TLS_PORT" =~ ^[0-9]+$ ]] && [ "$TLS_PORT" -ge 1 ] && [ "$TLS_PORT" -le 65535 ] || die "invalid ACTORSIM_BROKER_TLS_PORT '$TLS_PORT'"
    local f
    for f in TLS_CERT TLS_KEY TLS_CA; do
      [ -r "${!f}" ] || die "ACTORSIM_BROKER_TLS_PORT is set, so ACTORSIM_BROKER_$f must name a readable PEM file (got '${!f}')"
    done
  fi
}

# Settings for `stop`/`status`: what `start` recorded, else the environment.
load_settings() {
  if [ -f "$STATE_DIR/broker.env" ]; then
    # shellcheck disable=SC1091
    . "$STATE_DIR/broker.env"
    LISTEN=${LISTEN:-127.0.0.1}
  else
    load_settings_from_env
  fi
}

# Environment for the RabbitMQ scripts: everything lives in STATE_DIR; AMQP binds to $LISTEN, the rest to 127.0.0.1.
rmq_env() {
  export HOME=$STATE_DIR # the Erlang cookie is $HOME/.erlang.cookie: one per broker
  export RABBITMQ_NODENAME=$NODENAME RABBITMQ_NODE_IP_ADDRESS=$LISTEN RABBITMQ_NODE_PORT=$PORT
  export RABBITMQ_DIST_PORT=$DIST_PORT ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_USE_LONGNAME=false
  export RABBITMQ_CONF_ENV_FILE=$STATE_DIR/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$STATE_DIR/rabbitmq.conf
  export RABBITMQ_ADVANCED_CONFIG_FILE=$STATE_DIR/advanced.config
  export RABBITMQ_ENABLED_PLUGINS_FILE=$STATE_DIR/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$STATE_DIR/mnesia RABBITMQ_LOG_BASE=$STATE_DIR/log
  export RABBITMQ_PID_FILE=$STATE_DIR/rabbitmq.pid
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

ctl() { "$RMQ_BIN/rabbitmqctl" -q -n "$NODENAME" "$@"; }

# Registered with epmd (checked first: asking rabbitmqctl would start an epmd of its own), then answering.
node_registered() { epmd -port "$EPMD_PORT" -names 2>/dev/null | grep -q "^name ${NODENAME%@*} at port"; }
broker_answers() { node_registered && ctl ping --timeout 5 >/dev/null 2>&1; }

# Process state from /proc/PID/stat (zombies do not count as alive: where PID 1 does not reap orphans,
# a dead broker stays a zombie). Prints "STATE PGRP".
proc_state() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  echo "${s%% *} $(cut -d' ' -f3 <<<"$s")"
}
pid_alive() {
  [ -n "${1:-}" ] || return 1
  local st
  st=$(proc_state "$1") || return 1
  [ "${st%% *}" != Z ]
}

# The pid recorded by `start` (the rabbitmq-server wrapper, leader of the broker's process group), if
# that process still runs this broker (its environment names this state directory).
recorded_pid() {
  local pid
  pid=$(cat "$STATE_DIR/broker.pid" 2>/dev/null || true)
  if pid_alive "$pid" && { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "RABBITMQ_MNESIA_BASE=$STATE_DIR/mnesia"; then
    echo "$pid"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

password() {
  if [ -n "${ACTORSIM_BROKER_PASSWORD:-}" ]; then
    printf '%s' "$ACTORSIM_BROKER_PASSWORD" >"$STATE_DIR/password.tmp"
    mv "$STATE_DIR/password.tmp" "$STATE_DIR/password"
  elif [ ! -s "$STATE_DIR/password" ]; then
    head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$STATE_DIR/password.tmp"
    mv "$STATE_DIR/password.tmp" "$STATE_DIR/password"
  fi
  chmod 600 "$STATE_DIR/password"
  cat "$STATE_DIR/password"
}

write_config() {
  mkdir -p "$STATE_DIR/mnesia" "$STATE_DIR/log"
  chmod 700 "$STATE_DIR"
  if [ ! -s "$STATE_DIR/.erlang.cookie" ]; then
    head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$STATE_DIR/.erlang.cookie"
  fi
  chmod 400 "$STATE_DIR/.erlang.cookie"
  : >"$STATE_DIR/rabbitmq-env.conf"
  echo '[].' >"$STATE_DIR/enabled_plugins" # no plugins (no management UI)
  local pass=$1
  cat >"$STATE_DIR/rabbitmq.conf" <<EOF
# Written by cluster-config/broker.sh; rewritten at every start.
listeners.tcp.1 = $LISTEN:$PORT
default_user = $BROKER_USER
default_pass = $pass
default_vhost = $VHOST
log.console = false
log.file.level = info
EOF
  if [ -n "${TLS_PORT:-}" ]; then
    cat >>"$STATE_DIR/rabbitmq.conf" <<EOF
listeners.ssl.1 = $LISTEN:$TLS_PORT
ssl_options.certfile = $TLS_CERT
ssl_options.keyfile = $TLS_KEY
ssl_options.cacertfile = $TLS_CA
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
ssl_options.versions.1 = tlsv1.3
ssl_options.versions.2 = tlsv1.2
EOF
  fi
  chmod 600 "$STATE_DIR/rabbitmq.conf"
  cat >"$STATE_DIR/broker.env" <<EOF
PORT=$PORT
LISTEN=$LISTEN
TLS_PORT=${TLS_PORT:-}
DIST_PORT=$DIST_PORT
EPMD_PORT=$EPMD_PORT
NODENAME=$NODENAME
BROKER_USER=$BROKER_USER
VHOST=$VHOST
EOF
}

ensure_user_and_vhost() {
  local pass=$1
  ctl add_vhost "$VHOST" >/dev/null 2>&1 || true
  ctl list_vhosts | grep -qx "$VHOST" || die "could not create vhost '$VHOST'"
  if ctl list_users | awk '{print $1}' | grep -qx "$BROKER_USER"; then
    printf '%s\n' "$pass" | ctl change_password "$BROKER_USER" >/dev/null
  else
    printf '%s\n' "$pass" | ctl add_user "$BROKER_USER" >/dev/null
  fi
  ctl set_permissions -p "$VHOST" "$BROKER_USER" '.*' '.*' '.*' >/dev/null
  if ctl list_users | awk '{print $1}' | grep -qx guest; then ctl delete_user guest >/dev/null; fi
}

print_settings() {
  cat <<EOF
ACTORSIM_BROKER_HOST=$LISTEN
ACTORSIM_BROKER_PORT=$PORT
ACTORSIM_BROKER_USER=$BROKER_USER
ACTORSIM_BROKER_VHOST=$VHOST
ACTORSIM_BROKER_URL=amqp://$BROKER_USER@$LISTEN:$PORT/$VHOST
ACTORSIM_BROKER_PASSWORD_FILE=$STATE_DIR/password
EOF
  [ -z "${TLS_PORT:-}" ] || echo "ACTORSIM_BROKER_TLS_URL=amqps://$BROKER_USER@$LISTEN:$TLS_PORT/$VHOST"
}

# Stop the broker's process group (wrapper pid = group id): TERM to the wrapper (it stops the Erlang VM
# gracefully), then KILL to the whole group after a grace period.
group_alive() {
  local f pid st
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    st=$(proc_state "$pid") || continue
    [ "${st#* }" = "$1" ] && [ "${st%% *}" != Z ] && return 0
  done
  return 1
}
kill_group() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT -- "-$pid" 2>/dev/null || true # a stopped (SIGSTOP) broker cannot act on SIGTERM
  for i in $(seq 1 100); do group_alive "$pid" || return 0; sleep 0.2; done
  log "broker process group $pid did not stop after SIGTERM; sending SIGKILL"
  kill -KILL -- "-$pid" 2>/dev/null || true
  for i in $(seq 1 25); do group_alive "$pid" || return 0; sleep 0.2; done
}

stop_epmd_if_unused() {
  command -v epmd >/dev/null || return 0
  local names
  names=$(epmd -port "$EPMD_PORT" -names 2>/dev/null) || return 0 # not running
  if ! grep -q '^name ' <<<"$names"; then epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true; fi
}

cmd_start() {
  local t0
  t0=$(date +%s%N)
  ensure_installed
  load_settings_from_env
  mkdir -p "$STATE_DIR"
  local pass
  pass=$(password)
  write_config "$pass"
  rmq_env

  if broker_answers; then
    log "broker $NODENAME already running"
    ensure_user_and_vhost "$pass"
    print_settings
    echo "ACTORSIM_BROKER_STARTED_SECONDS=0"
    return 0
  fi

  # Remains of an earlier broker that died or hangs half-started: clean up.
  local old
  old=$(recorded_pid)
  if [ -n "$old" ]; then
    log "an earlier broker process ($old) does not answer; stopping it"
    kill_group "$old"
  fi
  rm -f "$STATE_DIR/broker.pid" "$RABBITMQ_PID_FILE"

  port_in_use "$PORT" "$LISTEN" && die "port $LISTEN:$PORT is already in use by another program (set ACTORSIM_BROKER_PORT)"
  if [ -n "${TLS_PORT:-}" ] && port_in_use "$TLS_PORT" "$LISTEN"; then die "port $LISTEN:$TLS_PORT is already in use (set ACTORSIM_BROKER_TLS_PORT)"; fi
  port_in_use "$DIST_PORT" && die "port 127.0.0.1:$DIST_PORT (Erlang distribution) is already in use (set ACTORSIM_BROKER_DIST_PORT)"

  setsid "$RMQ_BIN/rabbitmq-server" >"$STATE_DIR/log/startup.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$STATE_DIR/broker.pid"

  local timeout=${ACTORSIM_BROKER_START_TIMEOUT:-60}
  local deadline=$(($(date +%s) + timeout))
  until broker_answers; do
    if ! pid_alive "$pid"; then
      log "the broker process exited during startup; last lines of $STATE_DIR/log/startup.log:"
      tail -n 25 "$STATE_DIR/log/startup.log" >&2 || true
      die "broker $NODENAME failed to start"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 25 "$STATE_DIR/log/startup.log" >&2 || true
      kill_group "$pid"
      die "broker $NODENAME did not answer within ${timeout} s"
    fi
    sleep 0.2
  done
  ctl await_startup --timeout "$timeout" >/dev/null || die "broker $NODENAME did not finish booting within ${timeout} s"
  ensure_user_and_vhost "$pass"
  local ms=$((($(date +%s%N) - t0) / 1000000))
  log "broker $NODENAME ready on $LISTEN:$PORT (pid $pid) after $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
  print_settings
  echo "ACTORSIM_BROKER_STARTED_SECONDS=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

cmd_stop() {
  [ -x "$RMQ_BIN/rabbitmqctl" ] || { log "rabbitmq-server is not installed; nothing to stop"; return 0; }
  load_settings
  rmq_env
  local pid
  pid=$(recorded_pid)
  if broker_answers; then
    ctl shutdown --timeout 30 >/dev/null 2>&1 || true
  fi
  # Whatever is left of our process (shutdown failed, or it hangs): TERM, then KILL.
  if [ -n "$pid" ] && group_alive "$pid"; then kill_group "$pid"; fi
  rm -f "$STATE_DIR/broker.pid" "$RABBITMQ_PID_FILE"
  stop_epmd_if_unused
  log "broker $NODENAME stopped"
}

cmd_status() {
  [ -x "$RMQ_BIN/rabbitmqctl" ] || { echo "stopped (rabbitmq-server is not installed)"; return 3; }
  load_settings
  rmq_env
  if broker_answers; then
    echo "running: node $NODENAME, amqp://$BROKER_USER@$LISTEN:$PORT/$VHOST, state $STATE_DIR, pid $(recorded_pid)"
    return 0
  fi
  local pid
  pid=$(recorded_pid)
  if [ -n "$pid" ]; then
    echo "not answering: node $NODENAME, process $pid is alive but does not respond (starting or hung)"
  else
    echo "stopped: node $NODENAME (state $STATE_DIR)"
  fi
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
