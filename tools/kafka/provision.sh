#!/usr/bin/env bash
# Copies the jars of tools/kafka/pom.xml (the broker, and the JVM console clients of kafka-tools) into
# KAFKA_RUN_DIR/lib with Maven, once, and again only when pom.xml changes (keyed by its checksum).
# start.sh runs it on every call, also when a broker already answers, and so can a test that runs
# the console clients: it never starts or stops a broker. See tools/kafka/README.md.
#
# Env (optional): KAFKA_RUN_DIR=<this dir>/.run, KAFKA_PROVISION_TIMEOUT=300 (seconds to wait for
# another provision.sh of the same run dir)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${KAFKA_RUN_DIR:-$SCRIPT_DIR/.run}"
LIB_DIR="$RUN_DIR/lib"
LOG_DIR="$RUN_DIR/logs"
LIB_STAMP="$LIB_DIR/.pom-cksum"
LOCK_TIMEOUT="${KAFKA_PROVISION_TIMEOUT:-300}"

log() { echo "[kafka] $*"; }
die() { echo "[kafka] ERROR: $*" >&2; exit 1; }

pom_cksum="$(cksum < "$SCRIPT_DIR/pom.xml")"
provisioned() { [[ -f "$LIB_STAMP" && "$(cat "$LIB_STAMP")" == "$pom_cksum" ]]; }
provisioned && exit 0

# One provision.sh at a time per run dir (start.sh and a test may both call it); mkdir is atomic.
mkdir -p "$RUN_DIR" "$LOG_DIR"
# shellcheck source=lock.sh
source "$SCRIPT_DIR/lock.sh"
take_lock "$RUN_DIR/provision.lock" "$LOCK_TIMEOUT" provision.sh
provisioned && exit 0   # the holder we waited for did it

command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch the Kafka jars)"
log "provisioning Kafka jars with Maven into $LIB_DIR ..."
tmp_lib="$RUN_DIR/lib.tmp.$$"
rm -rf "$tmp_lib"
# outputDirectory must be absolute: a relative one resolves against the pom's folder.
if ! mvn -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp_lib" -DincludeScope=runtime > "$LOG_DIR/provision.log" 2>&1; then
  rm -rf "$tmp_lib"
  tail -n 50 "$LOG_DIR/provision.log" >&2
  die "mvn dependency:copy-dependencies failed (full output: $LOG_DIR/provision.log)"
fi
echo "$pom_cksum" > "$tmp_lib/.pom-cksum"
# A running broker keeps the jars it has open; the ones it opens later have the same names and,
# while kafka.version is unchanged, the same content. Restart the broker after changing the version.
rm -rf "$LIB_DIR"
mv "$tmp_lib" "$LIB_DIR"
log "provisioned $(ls "$LIB_DIR"/*.jar | wc -l | tr -d ' ') jars"
