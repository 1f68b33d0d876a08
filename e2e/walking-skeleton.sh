#!/usr/bin/env bash
# walking-skeleton.sh - end-to-end test of nvmegate with the real Linux NVMe/TCP host.
# Runs on the build machine (Debian 12, root): starts `nvmegate all` from the built jar on
# 127.0.0.1 (discovery advertising 10.0.2.2, which is how the guest reaches this machine's
# 127.0.0.1), boots ONE throw-away QEMU guest (e2e/nvme-host/vm.sh) that runs
# e2e/guest/walking-skeleton-guest.sh (nvme discover/connect/id-ctrl/id-ns, ext4 persistence
# across reconnect, fio write+verify, digests, disconnect), stops the target and prints a
# summary. Exits 0 only if every step passed.
#
# usage: e2e/walking-skeleton.sh [options] [-- guest-script options]
#   --jar PATH            nvmegate jar            (env NVMEGATE_JAR, default launcher/target/nvmegate.jar)
#   --port P              NVMe/TCP I/O port       (env NVMEGATE_PORT, default 4420)
#   --discovery-port P    discovery port          (env NVMEGATE_DISCOVERY_PORT, default 8009)
#   --nqn NQN             subsystem to test       (env NVMEGATE_NQN, default nqn.2026-11.io.nvmegate:disk1)
#   --results DIR         results folder          (env E2E_RESULTS, default e2e/results/DATE-TIME)
#   --timeout S           guest time limit        (env E2E_VM_TIMEOUT, default 1200)
#   --start-timeout S     wait for the ports      (env E2E_START_TIMEOUT, default 60)
#   --peer-nvmet          do not start nvmegate: run the guest script against the kernel's own
#                         target (nvmet) inside the guest; proves the harness and the script
#   -- ARGS               passed to the guest script (e.g. -- --fio-size 128M --ioengine io_uring)
# Environment: JAVA (default java), JAVA_OPTS, NVMEGATE_ARGS (extra target arguments),
#   E2E_KEEP_DATA=1 keeps the target's temporary data folder.
# Results: target.log, guest.log (the guest transcript), summary.tsv/summary.json (step, rc,
#   seconds), discovery/id-ctrl/id-ns/fio JSON, dmesg-nvme.txt.
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
port=${NVMEGATE_PORT:-4420}
dport=${NVMEGATE_DISCOVERY_PORT:-8009}
nqn=${NVMEGATE_NQN:-nqn.2026-11.io.nvmegate:disk1}
results=${E2E_RESULTS:-}
vm_timeout=${E2E_VM_TIMEOUT:-1200}
start_timeout=${E2E_START_TIMEOUT:-60}
peer=0 guest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    --start-timeout) start_timeout=$2; shift 2 ;;
    --peer-nvmet) peer=1; shift ;;
    --) shift; guest_args=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "walking-skeleton.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[e2e] %s\n' "$*"; }
die() { log "ERROR: $*"; exit 1; }
. "$E2E/lib/target.sh"  # now, secs, port_open, stop_target; stops the target on exit

T0=$(now)
results=${results:-$E2E/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
results=$(cd "$results" && pwd)
[ "$(id -u)" = 0 ] || die "run as root (QEMU guest setup, nvme-host state in /var/lib/nvme-host)"

target_phase="skipped (--peer-nvmet)"
tail_target_log() {
  [ -s "$results/target.log" ] || return 0
  log "last 60 lines of the target log ($results/target.log):"
  tail -n 60 "$results/target.log" | sed 's/^/  target| /'
}

# --- 1. target -----------------------------------------------------------------------
if [ $peer = 0 ]; then
  [ -f "$jar" ] || die "no jar at $jar: build it first with  mvn -B package  (or mvn -B verify; ./test.sh does both)"
  command -v "${JAVA:-java}" >/dev/null || die "java not found (JDK/JRE 17 needed)"
  for p in "$port" "$dport"; do
    ! port_open "$p" || die "127.0.0.1:$p already accepts connections: another target is running"
  done
  DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-e2e-data.XXXXXX")
  targs=(all --data "$DATA" --bind 127.0.0.1 --advertise 10.0.2.2)
  [ "$port" = 4420 ] || targs+=(--port "$port")
  [ "$dport" = 8009 ] || targs+=(--discovery-port "$dport")
  # shellcheck disable=SC2206
  cmd=("${JAVA:-java}" ${JAVA_OPTS:-} -jar "$jar" "${targs[@]}" ${NVMEGATE_ARGS:-})
  log "starting target: ${cmd[*]}"
  ts=$(now)
  (cd "$ROOT" && exec "${cmd[@]}") > "$results/target.log" 2>&1 < /dev/null &
  TPID=$!
  deadline=$(( $(date +%s) + start_timeout ))
  until port_open "$port" && port_open "$dport"; do
    if ! kill -0 "$TPID" 2>/dev/null; then
      tail_target_log; wait "$TPID" 2>/dev/null && rc=0 || rc=$?; TPID=""
      die "target exited (rc=$rc) before listening on $port and $dport"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail_target_log
      die "target not listening on 127.0.0.1:$port and :$dport after ${start_timeout} s"
    fi
    sleep 0.3
  done
  target_phase="listening on $port and $dport after $(secs "$ts" "$(now)") s"
  for _ in $(seq 1 20); do grep -q 'nvmegate ready' "$results/target.log" && break; sleep 0.25; done
  if grep -q 'nvmegate ready' "$results/target.log"; then
    target_phase+=", logged 'nvmegate ready'"
  else
    target_phase+=", WARNING: no 'nvmegate ready' line in its log"
  fi
  log "target pid $TPID: $target_phase"
fi

# --- 2. guest harness ----------------------------------------------------------------
ts=$(now)
bash "$NH/setup.sh"
setup_phase="$(secs "$ts" "$(now)") s"

# --- 3. one guest session ------------------------------------------------------------
gargs=(--port "$port" --discovery-port "$dport" --results "$results")
if [ $peer = 1 ]; then gargs+=(--peer-nvmet); else gargs+=(--addr 10.0.2.2 --nqn "$nqn"); fi
log "guest: vm.sh -w $results -t $vm_timeout -- e2e/guest/walking-skeleton-guest.sh ${gargs[*]} ${guest_args[*]}"
ts=$(now)
set +e
"$NH/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/walking-skeleton-guest.sh" "${gargs[@]}" "${guest_args[@]}" 2>&1 | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
guest_phase="$(secs "$ts" "$(now)") s, rc=$guest_rc"
[ "$guest_rc" != 124 ] || guest_phase+=" (guest timed out after ${vm_timeout} s)"
[ "$guest_rc" != 125 ] || guest_phase+=" (guest/harness failure)"

target_alive=1
if [ -n "$TPID" ] && ! kill -0 "$TPID" 2>/dev/null; then target_alive=0; fi
stop_target

# --- 4. summary ----------------------------------------------------------------------
ok=1
[ "$guest_rc" = 0 ] || ok=0
[ $target_alive = 1 ] || ok=0
grep -q '^e2e: [0-9]* passed, 0 failed$' "$results/guest.log" || ok=0
echo
log "==== walking skeleton summary"
log "target:        $target_phase"
[ $peer = 1 ] || log "target stop:   $STOP_NOTE"
[ $target_alive = 1 ] || log "target:        DIED during the guest session"
log "nvme-host:     setup.sh $setup_phase"
log "guest session: $guest_phase"
if [ -s "$results/summary.tsv" ]; then
  column -t -s $'\t' "$results/summary.tsv" 2>/dev/null | sed 's/^/[e2e]   /' || cat "$results/summary.tsv"
fi
grep '^e2e: ' "$results/guest.log" | tail -1 | sed 's/^/[e2e] guest: /' || true
log "results:       $results"
log "total:         $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then
  log "RESULT: PASS"
  exit 0
fi
[ $peer = 1 ] || tail_target_log
log "RESULT: FAIL"
exit 1
