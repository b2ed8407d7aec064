#!/usr/bin/env bash
# Stops the broker started by tools/kafka/start.sh (SIGTERM, then SIGKILL after a deadline).
# No-op if it is not running.
#
#   tools/kafka/stop.sh [--wipe]
#
#   --wipe   also delete the broker's data (topics, offsets, cluster id); jars are kept.
#
# Env (optional): KAFKA_RUN_DIR=<this dir>/.run, KAFKA_STOP_TIMEOUT=30 (seconds before SIGKILL)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${KAFKA_RUN_DIR:-$SCRIPT_DIR/.run}"
PID_FILE="$RUN_DIR/kafka.pid"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

wipe=false
for arg in "$@"; do
  case "$arg" in
    --wipe) wipe=true ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "[kafka] unknown argument: $arg" >&2; exit 64 ;;
  esac
done

log() { echo "[kafka] $*"; }

is_our_broker() { # $1 = pid
  kill -0 "$1" 2>/dev/null && ps -p "$1" -o command= 2>/dev/null | grep -q 'kafka\.Kafka'
}

pid=""
if [[ -f "$PID_FILE" ]]; then
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || pid=""
fi

if [[ -n "$pid" ]] && is_our_broker "$pid"; then
  log "stopping broker pid $pid (SIGTERM, up to ${STOP_TIMEOUT}s)..."
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_broker "$pid" && (( SECONDS < deadline )); do
    sleep 0.2
  done
  if is_our_broker "$pid"; then
    log "still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    # (a zombie, e.g. while start.sh is still its parent, no longer matches is_our_broker)
    kill_deadline=$((SECONDS + 5))
    while is_our_broker "$pid" && (( SECONDS < kill_deadline )); do sleep 0.1; done
  fi
  log "stopped"
else
  log "no broker started by start.sh is running, nothing to stop"
fi
rm -f "$PID_FILE"

if $wipe; then
  rm -rf "$RUN_DIR/data" "$RUN_DIR/cluster.id" "$RUN_DIR/server.properties"
  log "wiped broker data in $RUN_DIR/data (jars kept in $RUN_DIR/lib)"
fi
