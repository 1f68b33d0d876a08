#!/usr/bin/env bash
# crash.sh - crash consistency (issue 18) with the real Linux host: ext4 on an nvmegate namespace, files written and
# fsync'd (file and directory) by the guest, the whole target killed with kill -9 at random points and restarted
# (>= 10 times), then the host itself crashed (power loss); no acknowledged (fsync'd) file may be lost and fsck must
# find the file system clean.
# Runs on the build machine (Debian 12, root). Starts on 127.0.0.1, data folder kept across every restart:
#   default   one `java -jar nvmegate.jar all` process (every role: block worker with RocksDB, gateway, discovery,
#             management API): NVMe/TCP 22420 (advertised 10.0.2.2), discovery 22009, API 22080, cluster 22701,
#             metrics 22901, Raft 22871 (bound only for replicated namespaces)
#   --rf3     five processes as e2e/replication.sh (worker-1..3, gateway-1, discovery; cluster ports 22701-22705,
#             Raft 22871-22873, metrics 22901-22905), the namespace with replicationFactor 3 on the three workers
# with one subsystem (nqn.2026-12.io.nvmegate:crash) whose NSID 1 is 256 MiB (rocksdb, 4 KiB blocks). Then:
#   1. guest (e2e/guest/crash-guest.sh --phase write): nvme connect (--reconnect-delay 1, --ctrl-loss-tmo 600, the kernel default: the
#      kernel requeues I/O while the target is away and reconnects), mkfs.ext4, mount, and a writer: one file after
#      another (4..64 KiB random), `dd conv=fsync`, `sync DIR`, and only then "ACK n name bytes sha256" on its
#      console (captured here: guest-write.log).
#   2. meanwhile, --cycles times (default 10), after a random --min-delay..--max-delay s (default 2..6 s) of writing:
#      default: kill -9 the target process and start it again at once on the same data folder;
#      --rf3: kill -9 two of the three workers at once (a majority: the namespace stops) and start them again; every
#      third cycle kill -9 every process (workers, gateway, discovery) and start them all again.
#      Each cycle prints: when the kill happened, the restart time (kill -> serving again), restart -> the guest's
#      controller live again (reconnect; its `state` in sysfs), restart -> the next file acknowledged, and the
#      files acknowledged so far.
#   3. then the guest crashes itself during a write (sysrq b: no sync, no unmount: its page cache is lost, like a
#      power loss of the host), and this script kill -9s the target once more (every process) and restarts it.
#   4. a second guest (--phase verify): connects, mounts (journal replay), unmounts, `fsck.ext4 -fn` (must be
#      clean), mounts read-only and checks every acknowledged file's size and sha256 (acks.txt), and the kernel log.
# Exits 0 only if the write phase ran to the crash without a writer error (every fsync succeeded), every cycle
# happened with the guest reconnecting / resuming within --resume-limit s (default 60), and the verify phase passed
# (fsck clean, every acknowledged file present and intact, at least one file). Every wait is bounded and the whole
# script runs under a hard timeout (--hard-timeout, default 300 s; 420 s with --rf3: `timeout` kills the process
# group).
#
# usage: e2e/crash.sh [--rf3] [--port-base NN] [--jar PATH] [--results DIR] [--cycles N] [--min-delay S] [--max-delay S]
#                     [--resume-limit S] [--seed N] [--boot-timeout S] [--hard-timeout S]
# --boot-timeout: how long the first guest may take to boot, connect, mkfs and start writing (default 240 s).
# --port-base NN: every port above is NNxxx instead of 22xxx (e.g. 21 to run --rf3 beside a default run; keep NN
# between 10 and 32: below Linux's ephemeral range).
# Environment: JAVA (default java), JAVA_OPTS (default -Xmx512m -XX:+ExitOnOutOfMemoryError per process),
#   E2E_KEEP_DATA=1 keeps the data folder, NVME_HOST_STATE (guest kernel; test.sh runs it on 6.12).
# Results: target.log or worker-N.log, gateway-1.log, discovery.log (every start appended), guest-write.log,
#   guest-verify.log, acks.txt (the acknowledged files), cycles.tsv, ctrl.now, dmesg-verify.txt, nvmegate.json.
set -euo pipefail
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" rf3=0 pb=22 boot_timeout=240 cycles=10 min_delay=2 max_delay=6 resume_limit=60 seed="" hard_timeout=""
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --rf3) rf3=1; shift ;;
    --port-base) pb=$2; shift 2 ;;
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --cycles) cycles=$2; shift 2 ;;
    --boot-timeout) boot_timeout=$2; shift 2 ;;
    --min-delay) min_delay=$2; shift 2 ;;
    --max-delay) max_delay=$2; shift 2 ;;
    --resume-limit) resume_limit=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --hard-timeout) hard_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "crash.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$hard_timeout" ] || { [ $rf3 = 1 ] && hard_timeout=420 || hard_timeout=300; }
# the hard timeout: the script runs again under `timeout` (TERM to the whole process group, KILL 20 s later)
if [ -z "${CRASH_E2E_BOUNDED:-}" ]; then
  rc=0
  CRASH_E2E_BOUNDED=1 timeout -k 20 "$hard_timeout" bash "$0" "${args[@]}" || rc=$?
  [ $rc != 124 ] || echo "[crash] RESULT: FAIL (hard timeout: $hard_timeout s)"
  exit $rc
fi

export HZ_PHONE_HOME_ENABLED=false
NQN=nqn.2026-12.io.nvmegate:crash
DNQN=nqn.2026-12.io.nvmegate:discovery-crash-e2e
IOPORT=${pb}420 DPORT=${pb}009 APIPORT=${pb}080
if [ $rf3 = 1 ]; then
  MEMBERS_ORDER=(worker-1 worker-2 worker-3 gateway-1 discovery)
  WORKERS=(worker-1 worker-2 worker-3)
else
  MEMBERS_ORDER=(target)
  WORKERS=()
fi
declare -A CPORT=([target]=${pb}701 [worker-1]=${pb}701 [worker-2]=${pb}702 [worker-3]=${pb}703 [gateway-1]=${pb}704 [discovery]=${pb}705)
declare -A MPORT=([target]=${pb}901 [worker-1]=${pb}901 [worker-2]=${pb}902 [worker-3]=${pb}903 [gateway-1]=${pb}904 [discovery]=${pb}905)
declare -A RPORT=([worker-1]=${pb}871 [worker-2]=${pb}872 [worker-3]=${pb}873)
[ $rf3 = 1 ] || RPORT=([target]=${pb}871)  # the single process's worker: Raft port off its default 9870
MEMBERS=$(for m in "${MEMBERS_ORDER[@]}"; do printf '127.0.0.1:%s,' "${CPORT[$m]}"; done)
MEMBERS=${MEMBERS%,}
[ -n "$seed" ] || seed=$(( $(date +%s) % 100000 ))
RANDOM=$seed

E2E_TAG=crash
. "$E2E/lib/target.sh"  # now, secs, port_open, log, die, e2e_prepare
T0=$(now)
used_ports=("$IOPORT" "$DPORT" "$APIPORT")
for m in "${MEMBERS_ORDER[@]}"; do used_ports+=("${CPORT[$m]}" "${MPORT[$m]}" ${RPORT[$m]:+"${RPORT[$m]}"}); done
e2e_prepare "${used_ports[@]}"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-crash-data.XXXXXX")
RUN=$DATA/run
mkdir -p "$RUN"
CNAME=crash-e2e-$$
log "mode: $([ $rf3 = 1 ] && echo 'RF 3: 3 workers, gateway, discovery' || echo 'one process, every role'); $cycles cycles, delays $min_delay..$max_delay s, seed $seed"

# --- processes: pid files in $RUN ---------------------------------------------------------------------------------
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
alive() {  # alive NAME: its process exists and is not a zombie
  local p s
  p=$(pid_of "$1")
  [ -n "$p" ] && [ -r "/proc/$p/stat" ] || return 1
  s=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) || return 1
  [ "$s" != Z ]
}
start_member() {  # start_member NAME: starts it in the background (output appended to NAME.log)
  local name=$1 role a
  case "$name" in
    target) role=all; a=(--api-host 127.0.0.1 --api-port "$APIPORT" --discovery-port "$DPORT" --discovery-nqn "$DNQN"
                         --raft-port "${RPORT[target]}") ;;
    worker-*) role=worker; a=(--worker-id "$name") ;;
    gateway-1) role=gateway; a=(--gateway-id gateway-1 --api-host 127.0.0.1 --api-port "$APIPORT") ;;
    discovery) role=discovery; a=(--discovery-port "$DPORT" --discovery-nqn "$DNQN") ;;
  esac
  # shellcheck disable=SC2206
  local cmd=("${JAVA:-java}" ${JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError} -jar "$jar" "$role" "${a[@]}" --config "$results/nvmegate.json"
    --data "$DATA/$name" --cluster-host 127.0.0.1 --cluster-port "${CPORT[$name]}" --members "$MEMBERS"
    --cluster-name "$CNAME" --metrics-host 127.0.0.1 --metrics-port "${MPORT[$name]}" --bind 127.0.0.1 --advertise 10.0.2.2)
  local raft=${RPORT[$name]:-}
  echo "==== $(date -u +%T.%N | cut -c1-12) start:${raft:+ NVMEGATE_RAFT_PORT=$raft} ${cmd[*]}" >> "$results/$name.log"
  (cd "$ROOT" && if [ -n "$raft" ]; then export NVMEGATE_RAFT_PORT=$raft; else unset NVMEGATE_RAFT_PORT; fi
   exec "${cmd[@]}") >> "$results/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  disown $!
}
ready() {  # ready NAME TIMEOUT_S: /health/ready answers 200
  local name=$1 deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null -m 2 "http://127.0.0.1:${MPORT[$name]}/health/ready" 2>/dev/null; do
    alive "$name" || { tail -n 30 "$results/$name.log"; die "$name exited while starting"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 30 "$results/$name.log"; die "$name not ready after $2 s"; }
    sleep 0.2
  done
}
wait_ports() {
  local p
  for p in "$IOPORT" "$DPORT"; do
    for _ in $(seq 1 300); do port_open "$p" && break; sleep 0.2; done
    port_open "$p" || die "nothing listens on $p"
  done
}
start_all() {  # single: the one process; RF 3: worker-1 first (it seeds the catalog, as compose does), then the rest
  local m
  if [ $rf3 = 0 ]; then
    start_member target
    ready target 240
  else
    start_member worker-1
    ready worker-1 240
    for m in worker-2 worker-3 gateway-1 discovery; do start_member "$m"; done
    for m in worker-2 worker-3 gateway-1 discovery; do ready "$m" 240; done
  fi
  wait_ports
}
kill9() { local m p; for m in "$@"; do p=$(pid_of "$m"); [ -z "$p" ] || kill -KILL "$p" 2>/dev/null || true; done
          for m in "$@"; do for _ in $(seq 1 100); do alive "$m" || break; sleep 0.05; done; rm -f "$RUN/$m.pid"; done; }
stop_member() {  # SIGTERM, 30 s, then SIGKILL
  local name=$1 p
  p=$(pid_of "$name")
  [ -n "$p" ] || return 0
  if alive "$name"; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$name" || break; sleep 0.2; done
    alive "$name" && { log "$name did not stop within 30 s of SIGTERM: kill -9"; kill -KILL "$p" 2>/dev/null || true; }
  fi
  rm -f "$RUN/$name.pid"
}
cleanup() {
  local m p
  [ -z "${VM_PID:-}" ] || kill "$VM_PID" 2>/dev/null || true
  for m in "${MEMBERS_ORDER[@]}"; do p=$(pid_of "$m"); [ -z "$p" ] || kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for m in "${MEMBERS_ORDER[@]}"; do
    for _ in $(seq 1 100); do alive "$m" || break; sleep 0.2; done
    p=$(pid_of "$m"); alive "$m" && kill -KILL "$p" 2>/dev/null || true
  done
  if [ -n "$DATA" ] && [ "${E2E_KEEP_DATA:-0}" != 1 ]; then rm -rf "$DATA"; else log "data kept in $DATA"; fi
  return 0
}
trap cleanup EXIT

acks() { grep -cE '^ACK [0-9]+ d/f[0-9]{6} [0-9]+ [0-9a-f]{64}$' "$results/guest-write.log" 2>/dev/null || true; }
lives() { local l s; read -r l s < "$results/ctrl.now" 2>/dev/null || { echo 0; return; }; echo "${l:-0}"; }
vm_running() { [ -n "${VM_PID:-}" ] && kill -0 "$VM_PID" 2>/dev/null; }

# --- 1. the target ----------------------------------------------------------------------------------------------
if [ $rf3 = 1 ]; then
  repl=', "replicationFactor": 3, "replicas": ["worker-1", "worker-2", "worker-3"]'
  gw='"gateway": "gateway-1", '
else
  repl='' gw=''
fi
cat > "$results/nvmegate.json" <<JSON
{
  "subsystems": [
    { "nqn": "$NQN", "allowAnyHost": true,
      "namespaces": [ { "nsid": 1, "size": "256M", "blockSize": 4096, "backend": "rocksdb"$repl } ] } ],
  "ports": [
    { "id": 1, "traddr": "127.0.0.1", "trsvcid": $IOPORT, "advertisedAddress": "10.0.2.2", ${gw}"subsystems": [] } ]
}
JSON
ts=$(now)
start_all
log "target serving after $(secs "$ts" "$(now)") s (data $DATA)"

# --- 2. write phase: the guest writes, this script kills and restarts ------------------------------------------
bash "$NH/setup.sh"
rm -f "$results/writer-started" "$results/kills-done" "$results/ctrl.now"
: > "$results/cycles.tsv"
guest_max=$(( hard_timeout - 60 ))
"$NH/vm.sh" -w "$results" -t $((guest_max + 30)) -- \
  bash "$E2E/guest/crash-guest.sh" --phase write --addr 10.0.2.2 --port "$IOPORT" --nqn "$NQN" --results "$results" \
  --max-seconds "$guest_max" > "$results/guest-write.log" 2>&1 &
VM_PID=$!
tw=$(now)
deadline=$(( $(date +%s) + boot_timeout ))  # boot, connect, mkfs under TCG: ~20 s on an idle machine, minutes on a loaded one
until [ -e "$results/writer-started" ]; do
  vm_running || { tail -n 40 "$results/guest-write.log"; die "the write-phase guest ended before its writer started"; }
  [ "$(date +%s)" -lt "$deadline" ] || { tail -n 40 "$results/guest-write.log"; die "the guest's writer did not start within $boot_timeout s (--boot-timeout)"; }
  sleep 0.3
done
log "guest writer started after $(secs "$tw" "$(now)") s"
cycle_ok=0
for c in $(seq 1 "$cycles"); do
  delay=$(awk -v a="$min_delay" -v b="$max_delay" -v r="$RANDOM" 'BEGIN { printf "%.1f", a + (b - a) * r / 32767 }')
  sleep "$delay"
  vm_running || { log "cycle $c: the guest has ended"; break; }
  grep -q '^WRITER FAILED' "$results/guest-write.log" && { log "cycle $c: the guest's writer failed"; break; }
  what=all victims=("${MEMBERS_ORDER[@]}")
  if [ $rf3 = 1 ] && [ $((c % 3)) != 0 ]; then  # two of the three workers, a random pair
    skip=${WORKERS[$((RANDOM % 3))]}
    victims=()
    for w in "${WORKERS[@]}"; do [ "$w" = "$skip" ] || victims+=("$w"); done
    what="${victims[*]}"
  fi
  a0=$(acks) l0=$(lives)
  tk=$(now)
  kill9 "${victims[@]}"
  if [ $rf3 = 1 ] && [ "$what" = all ]; then
    start_all
  elif [ $rf3 = 1 ]; then
    for m in "${victims[@]}"; do start_member "$m"; done
    for m in "${victims[@]}"; do ready "$m" 240; done
  else
    start_all
  fi
  tr=$(now)
  # resume: the controller live again (if it dropped) and the next file acknowledged, within --resume-limit s
  rc_t=- ra_t=- deadline=$(( $(date +%s) + resume_limit ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$rc_t" != - ] || [ "$(lives)" -le "$l0" ] || rc_t=$(secs "$tr" "$(now)")
    if [ "$(acks)" -gt "$a0" ] && { [ "$rc_t" != - ] || [ "$what" != all ]; }; then ra_t=$(secs "$tr" "$(now)"); break; fi
    vm_running || break
    sleep 0.1
  done
  a1=$(acks)
  line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$c" "+$(secs "$tw" "$tk")" "$delay" "$what" "$(secs "$tk" "$tr")" "$rc_t" "$ra_t" "$a1")
  printf '%s\n' "$line" >> "$results/cycles.tsv"
  log "cycle $c: kill -9 of $what at +$(secs "$tw" "$tk") s (after $delay s of writing); serving again after $(secs "$tk" "$tr") s; controller live again $rc_t s after the restart, next file acknowledged after $ra_t s; $a1 files acknowledged"
  [ "$ra_t" != - ] || { log "cycle $c: the guest did not resume within $resume_limit s"; break; }
  cycle_ok=$((cycle_ok + 1))
done
date +%s > "$results/kills-done"
# 3. the guest crashes itself (sysrq b) while writing; then every process is killed once more and restarted
set +e
wait "$VM_PID"
write_rc=$?
set -e
VM_PID=""
write_phase="$(secs "$tw" "$(now)") s, vm.sh rc=$write_rc"
tk=$(now)
kill9 "${MEMBERS_ORDER[@]}"
start_all
final_restart=$(secs "$tk" "$(now)")
grep -E '^ACK [0-9]+ d/f[0-9]{6} [0-9]+ [0-9a-f]{64}$' "$results/guest-write.log" > "$results/acks.txt" || true
acked=$(wc -l < "$results/acks.txt")
log "write phase: $write_phase; $acked files acknowledged; after the guest's crash: kill -9 of every process, serving again after $final_restart s"

# --- 4. verify phase ----------------------------------------------------------------------------------------------
tv=$(now)
set +e
"$NH/vm.sh" -w "$results" -t $((boot_timeout + 150)) -- \
  bash "$E2E/guest/crash-guest.sh" --phase verify --addr 10.0.2.2 --port "$IOPORT" --nqn "$NQN" --results "$results" \
  2>&1 | tee "$results/guest-verify.log" | grep -E '^== |crash-verify|CHECK FAILED|MISSING|BAD' | sed 's/^/[crash]   guest| /'
verify_rc=${PIPESTATUS[0]}
set -e
verify_phase="$(secs "$tv" "$(now)") s, rc=$verify_rc"
for m in "${MEMBERS_ORDER[@]}"; do stop_member "$m"; done

# --- 5. summary -----------------------------------------------------------------------------------------------------
ok=1
crashed=0
grep -q '^CRASH: the guest reboots now' "$results/guest-write.log" && crashed=1
grep -q '^WRITER FAILED' "$results/guest-write.log" && { ok=0; grep '^WRITER FAILED' "$results/guest-write.log" | sed 's/^/[crash]   /'; }
[ $crashed = 1 ] || ok=0
[ "$cycle_ok" = "$cycles" ] || ok=0
[ "$verify_rc" = 0 ] && grep -q '^crash-verify: 4 passed, 0 failed$' "$results/guest-verify.log" || ok=0
verified=$(sed -n 's/^crash-verify: files \([0-9]*\) verified, \([0-9]*\) bad; fsck rc \(.*\)$/\1 \2 \3/p' "$results/guest-verify.log")
read -r nver nbad fsck_rc <<< "${verified:-0 ? none}"
[ "$nver" -gt 0 ] 2>/dev/null && [ "$nver" = "$acked" ] || ok=0
echo
log "==== crash summary ($([ $rf3 = 1 ] && echo 'RF 3' || echo 'one process'))"
log "cycles (kill -9 at a random point, restart):"
printf '#\tkill at\tafter s\tkilled\tserving s\tlive s\tnext ack s\tacked\n' | cat - "$results/cycles.tsv" | column -t -s $'\t' | sed 's/^/[crash]   /'
for col in 5 6 7; do
  name=$(case $col in 5) echo "kill -> serving again";; 6) echo "restart -> controller live";; 7) echo "restart -> next file acknowledged";; esac)
  awk -F'\t' -v c=$col '$c ~ /^[0-9.]+$/ { print $c }' "$results/cycles.tsv" | sort -n |
    awk -v n="$name" '{ v[NR] = $1 } END { if (NR) printf "[crash] %s: p50 %.1f s, max %.1f s (%d cycles)\n", n, v[int((NR + 1) / 2)], v[NR], NR }'
done
log "write phase:        $write_phase; the guest crashed itself (sysrq b) while writing: $([ $crashed = 1 ] && echo yes || echo NO)"
log "final crash:        guest power loss + kill -9 of every process; serving again after $final_restart s"
log "verify phase:       $verify_phase"
log "totals:             cycles $cycle_ok of $cycles (+1 final), files acknowledged $acked, verified $nver, bad $nbad, fsck -fn rc $fsck_rc"
log "results:            $results"
log "total:              $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
tail -n 30 "$results/guest-write.log" | sed 's/^/  guest-write| /'
for m in "${MEMBERS_ORDER[@]}"; do tail -n 15 "$results/$m.log" | sed "s/^/  $m| /"; done
log "RESULT: FAIL"
exit 1
