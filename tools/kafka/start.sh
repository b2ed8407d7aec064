#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, broker+controller in one JVM) for dev and CI.
# No Docker: the jars come from Maven Central via tools/kafka/pom.xml. See tools/kafka/README.md.
#
# Idempotent: provisions the jars if pom.xml changed (provision.sh), then exits 0 if a broker already
# answers on KAFKA_HOST:KAFKA_PORT.
#
# Env (all optional):
#   KAFKA_HOST=127.0.0.1  KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093
#   KAFKA_RUN_DIR=<this dir>/.run   jars, config, data, logs, pid file
#   KAFKA_HEAP=512m                 max heap (-Xmx)
#   KAFKA_READY_TIMEOUT=90          seconds to wait for the broker to answer
#   KAFKA_JAVA_OPTS=                extra JVM options
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
RUN_DIR="${KAFKA_RUN_DIR:-$SCRIPT_DIR/.run}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"

LIB_DIR="$RUN_DIR/lib"
DATA_DIR="$RUN_DIR/data"
LOG_DIR="$RUN_DIR/logs"
LOG_FILE="$LOG_DIR/kafka.log"
PID_FILE="$RUN_DIR/kafka.pid"
CONFIG_FILE="$RUN_DIR/server.properties"
CLUSTER_ID_FILE="$RUN_DIR/cluster.id"

# wait-ready.js must probe the broker this script manages, whatever KAFKA_BROKERS the caller has.
export KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT"

log() { echo "[kafka] $*"; }
die() { echo "[kafka] ERROR: $*" >&2; exit 1; }

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi
command -v "$JAVA" >/dev/null 2>&1 || die "java not found (install a JDK 17, or set JAVA_HOME)"
command -v node >/dev/null 2>&1 || die "node not found"
(cd "$SCRIPT_DIR" && node -e "require.resolve('kafkajs')") >/dev/null 2>&1 || \
  die "kafkajs not found from $SCRIPT_DIR; run npm install at the repo root first"

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Prints the pid from the pid file if that process is still our broker.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  ps -p "$pid" -o command= 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

wait_ready() { node "$SCRIPT_DIR/wait-ready.js" "$@"; }

print_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "[kafka] ---- last 50 lines of $LOG_FILE ----" >&2
    tail -n 50 "$LOG_FILE" >&2
    echo "[kafka] ----" >&2
  else
    echo "[kafka] (no broker log at $LOG_FILE)" >&2
  fi
}

wait_for_broker() { # $1 = pid
  local pid="$1" rc=0
  log "waiting up to ${READY_TIMEOUT}s for the broker on $KAFKA_BROKERS (pid $pid)..."
  wait_ready --timeout "$READY_TIMEOUT" --pid "$pid" || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "[kafka] ERROR: broker did not become ready (wait-ready exit $rc)" >&2
    print_log_tail
    if kill -0 "$pid" 2>/dev/null; then
      echo "[kafka] stopping the unready broker (pid $pid)" >&2
      KAFKA_RUN_DIR="$RUN_DIR" "$SCRIPT_DIR/stop.sh" >&2 || true
    fi
    rm -f "$PID_FILE"
    exit 1
  fi
}

# --- 0. One start.sh at a time per run dir (e.g. parallel Nx targets); mkdir is atomic everywhere --
mkdir -p "$RUN_DIR"
LOCK_DIR="$RUN_DIR/start.lock"
lock_deadline=$((SECONDS + READY_TIMEOUT + 120))
until mkdir "$LOCK_DIR" 2>/dev/null; do
  holder="$(cat "$LOCK_DIR/pid" 2>/dev/null || true)"
  if [[ -n "$holder" ]] && ! kill -0 "$holder" 2>/dev/null; then
    rm -rf "$LOCK_DIR"   # left behind by a start.sh that was killed
    continue
  fi
  (( SECONDS < lock_deadline )) || die "timed out waiting for another start.sh to finish (lock: $LOCK_DIR)"
  sleep 0.2
done
echo $$ > "$LOCK_DIR/pid"
trap 'rm -rf "$LOCK_DIR"' EXIT

# --- 1. Jars from Maven Central (once; again only if pom.xml changes), also for a running broker:
# the console clients (kafka-tools) come from the same lib folder. ----------------------------------
KAFKA_RUN_DIR="$RUN_DIR" bash "$SCRIPT_DIR/provision.sh"

# --- 2. Already running? -------------------------------------------------------------------------
if pid="$(running_pid)"; then
  if wait_ready --timeout 3 --quiet; then
    log "broker already running on $KAFKA_BROKERS (pid $pid), nothing to do"
    exit 0
  fi
  # Started by an earlier start.sh that has not become ready yet: just wait for it.
  wait_for_broker "$pid"
  exit 0
fi
if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
  if wait_ready --timeout 5 --quiet; then
    log "a Kafka broker (not started by this script) already answers on $KAFKA_BROKERS, nothing to do"
    exit 0
  fi
  die "port $KAFKA_HOST:$KAFKA_PORT is in use by something that does not answer as a Kafka broker"
fi
if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
  die "controller port $KAFKA_HOST:$KAFKA_CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT)"
fi

mkdir -p "$DATA_DIR" "$LOG_DIR"

CLASSPATH_GLOB="$LIB_DIR/*"

JVM_LOG_OPTS=("-Dlog4j.configuration=file:$SCRIPT_DIR/log4j.properties")

# --- 3. Config (rewritten every start; paths relative to RUN_DIR, the broker's working dir) -------
cat > "$CONFIG_FILE" <<EOF
# Generated by tools/kafka/start.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=data
num.partitions=6
default.replication.factor=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF

# --- 4. Format storage (once) --------------------------------------------------------------------
if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
  # log4j.properties logs to stderr, so stdout carries only the id.
  cluster_id="$(cd "$RUN_DIR" && "$JAVA" "${JVM_LOG_OPTS[@]}" -cp "$CLASSPATH_GLOB" \
    kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/format.log")"
  # StorageTool format does not reject a malformed id, so check it here (22 chars, base64url).
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "unexpected output from StorageTool random-uuid: $cluster_id"
  echo "$cluster_id" > "$CLUSTER_ID_FILE"
fi
if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
  log "formatting storage (cluster id $(cat "$CLUSTER_ID_FILE"))"
  (cd "$RUN_DIR" && "$JAVA" "${JVM_LOG_OPTS[@]}" -cp "$CLASSPATH_GLOB" kafka.tools.StorageTool \
    format -t "$(cat "$CLUSTER_ID_FILE")" -c server.properties --ignore-formatted) >> "$LOG_DIR/format.log" 2>&1 \
    || { tail -n 50 "$LOG_DIR/format.log" >&2; die "kafka-storage format failed"; }
fi

# --- 5. Launch in the background ------------------------------------------------------------------
[[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
# setsid (Linux) puts the broker in its own session so it outlives the calling shell/CI step
# and its process group; nohup covers systems without setsid (macOS).
launcher=(nohup)
command -v setsid >/dev/null 2>&1 && launcher=(setsid nohup)
# shellcheck disable=SC2086 # KAFKA_JAVA_OPTS is intentionally word-split
(
  cd "$RUN_DIR"
  exec "${launcher[@]}" "$JAVA" \
    "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "${JVM_LOG_OPTS[@]}" ${KAFKA_JAVA_OPTS:-} \
    -cp "$CLASSPATH_GLOB" kafka.Kafka server.properties
) >> "$LOG_FILE" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$PID_FILE"
log "started broker pid $pid (log: $LOG_FILE)"

# --- 6. Ready? ---------------------------------------------------------------------------------------
wait_for_broker "$pid"
log "Kafka is ready on $KAFKA_BROKERS"
