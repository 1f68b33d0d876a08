# shellcheck shell=bash
# Sourced by the e2e scripts (host side): timing helpers, the common preamble (log, die, e2e_prepare) and the
# lifecycle of the nvmegate target they start (start_jar_target, stop_target, cleanup on exit).
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

# The common preamble of the e2e scripts. The caller sets E2E_TAG (log prefix), E2E, ROOT, jar and optionally
# results (a folder; default e2e/results/TAG-DATE).
declare -F log >/dev/null || log() { printf '[%s] %s\n' "${E2E_TAG:-e2e}" "$*"; }
declare -F die >/dev/null || die() { log "ERROR: $*"; exit 1; }

# e2e_prepare PORT...: makes $results absolute and present; needs root (the QEMU guest), the jar, and every
# PORT on 127.0.0.1 free.
e2e_prepare() {
  local p
  results=${results:-$E2E/results/${E2E_TAG:-e2e}-$(date +%Y%m%d-%H%M%S)}
  mkdir -p "$results"
  results=$(cd "$results" && pwd)
  [ "$(id -u)" = 0 ] || die "run as root (QEMU guest)"
  [ -f "$jar" ] || die "no jar at $jar: build it first (mvn -B package)"
  for p in "$@"; do ! port_open "$p" || die "127.0.0.1:$p already accepts connections"; done
}

# start_jar_target LOG TIMEOUT_S PORTS -- ARGS...: starts `java -jar $jar ARGS` in $ROOT (output to LOG, TPID set)
# and waits up to TIMEOUT_S for every port of the space-separated PORTS to accept connections.
start_jar_target() {
  local out=$1 timeout=$2 ports=$3 p deadline
  shift 4
  # shellcheck disable=SC2206
  local cmd=("${JAVA:-java}" ${JAVA_OPTS:-} -jar "$jar" "$@")
  log "starting target: ${cmd[*]}"
  (cd "$ROOT" && exec "${cmd[@]}") > "$out" 2>&1 < /dev/null &
  TPID=$!
  deadline=$(( $(date +%s) + timeout ))
  for p in $ports; do
    until port_open "$p"; do
      kill -0 "$TPID" 2>/dev/null || { tail -n 40 "$out"; die "target exited before listening on $p"; }
      [ "$(date +%s)" -lt "$deadline" ] || { tail -n 40 "$out"; die "target not listening on $p after $timeout s"; }
      sleep 0.3
    done
  done
}
