# Sourced by start.sh and provision.sh: one holder at a time of a lock folder (mkdir is atomic
# everywhere). A lock left by a killed holder is taken over; the lock goes when the shell exits.
# Needs die() from the sourcing script.

# take_lock <lock dir> <timeout s> <who waits>
take_lock() {
  local lock_dir="$1" deadline=$((SECONDS + $2)) holder
  until mkdir "$lock_dir" 2>/dev/null; do
    holder="$(cat "$lock_dir/pid" 2>/dev/null || true)"
    if [[ -n "$holder" ]] && ! kill -0 "$holder" 2>/dev/null; then
      rm -rf "$lock_dir"   # left behind by a holder that was killed
      continue
    fi
    (( SECONDS < deadline )) || die "timed out waiting for another $3 to finish (lock: $lock_dir)"
    sleep 0.2
  done
  echo $$ > "$lock_dir/pid"
  trap "rm -rf '$lock_dir'" EXIT
}
