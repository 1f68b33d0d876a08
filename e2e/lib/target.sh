# shellcheck shell=bash
# Sourced by the e2e scripts (host side): timing helpers and the lifecycle of the nvmegate target they start.
# The caller sets TPID (the target's PID) and may set DATA (a scratch data folder removed on exit unless
# E2E_KEEP_DATA=1); after stop_target, STOP_NOTE says how the target ended.

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

TPID="" DATA="" STOP_NOTE=""

# SIGTERM, up to 30 s for a clean stop, then SIGKILL.
stop_target() {
  [ -n "$TPID" ] || return 0
  local t0 _ rc=0
  t0=$(now)
  STOP_NOTE=""
  if kill -0 "$TPID" 2>/dev/null; then
    kill -TERM "$TPID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$TPID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$TPID" 2>/dev/null; then
      STOP_NOTE="did not stop within 30 s of SIGTERM: killed (-9)"
      kill -KILL "$TPID" 2>/dev/null || true
    fi
  else
    STOP_NOTE="had already exited"
  fi
  wait "$TPID" 2>/dev/null || rc=$?
  STOP_NOTE="${STOP_NOTE:-stopped on SIGTERM} (exit $rc, $(secs "$t0" "$(now)") s)"
  TPID=""
}

cleanup_target() {
  stop_target
  if [ -n "$DATA" ] && [ "${E2E_KEEP_DATA:-0}" != 1 ]; then rm -rf "$DATA"; fi
  return 0
}
trap cleanup_target EXIT
trap 'exit 130' INT TERM
