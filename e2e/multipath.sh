#!/usr/bin/env bash
# multipath.sh - multipath high availability (issue 15) with the real Linux host: one namespace reached through two
# gateways (native NVMe multipath in the guest), fio writing with crc32c verify while each gateway in turn is killed
# (kill -9) and restarted, one is paused (SIGSTOP for --pause-seconds, then SIGCONT) and one is drained for
# maintenance (`nvmegate ctl gateway drain ID`, then undrain): no I/O may fail.
# Runs on the build machine (Debian 12, root). Starts, each as its own `java -jar nvmegate.jar ROLE` process on
# 127.0.0.1 (one Hazelcast cluster, every member listed in --members):
#   worker-1    role worker, cluster port 23701 (data folder DATA/worker-1: RocksDB, durable catalog)
#   gateway-1   role gateway "A": NVMe/TCP 4420 (catalog port 1, advertised 10.0.2.2), management API 23080
#   gateway-2   role gateway "B": NVMe/TCP 4421 (catalog port 2, advertised 10.0.2.2), management API 23081
#   discovery   role discovery, 8009
# with a catalog file naming one subsystem (nqn.2026-12.io.nvmegate:mpath) whose NSID 1 (1 GiB, rocksdb, RF 1 on
# worker-1, ANA group 1) is exported on both ports; and a clock port (127.0.0.1:23999, socat: the host's time) the
# guest measures its clock offset with. Then one QEMU guest runs e2e/guest/multipath-guest.sh: `nvme connect-all`
# through the discovery service (kernel defaults, native multipath), two live paths, fio write+verify region after
# region plus a 20 Hz read probe, every completion logged with its time. Meanwhile this script, once fio runs and
# after --lead-in s, does the events:
#   1. kill -9 gateway-1; --down-seconds later restart it; wait (at most --path-timeout s) until the guest has both
#      paths live again, then --settle-seconds (the failback settle delay is 5 s)
#   2. the same with gateway-2
#   3. SIGSTOP the gateway that owns ANA group 1 (GET /api/v1/ana; gateway-1 if none), SIGCONT --pause-seconds
#      later, wait for both paths, settle
#   4. `ctl gateway drain` the owner of group 1 (gateway-1 if none), --drain-seconds, `ctl gateway undrain`, settle
# and asks the guest for an `nvme list-subsys` transcript (subsys-NAME.txt) and saves the API's ANA view
# (ana-NAME.json) at each step. When the events are done and fio ran >= --seconds, the guest stops, disconnects and
# checks its kernel log.
# Prints per event (kill, restart, SIGSTOP, SIGCONT, drain, undrain): the time from the event to the first I/O
# completed after it, and the longest time without any completed I/O from the event until the next one (both from
# the guest's completion times, put on this machine's clock; p50 and max over the events), how long the guest had
# no usable path and saw both paths optimized (paths.log; reported, not a pass criterion); the path states the
# guest saw after each event (paths.log) and the transcripts. Exits 0 only if the guest passed (fio err=0, every
# region verified, the probe without error, two paths at the start, no "no available path - failing I/O" nor I/O
# error in the kernel log), every event happened, each restarted/resumed gateway's path came back, and no I/O gap
# exceeded --stall-limit s (default 30: the Linux host's I/O timeout). Every wait is bounded and the whole script
# runs under a hard timeout (--hard-timeout, default 360 s: `timeout` kills the process group).
#
# usage: e2e/multipath.sh [--jar PATH] [--results DIR] [--ports A,B] [--discovery-port P] [--seconds S] [--lead-in S] [--down-seconds S]
#                         [--pause-seconds S] [--drain-seconds S] [--settle-seconds S] [--path-timeout S]
#                         [--stall-limit S] [--hard-timeout S]
# --ports A,B and --discovery-port P move the NVMe/TCP ports (default 4420,4421 and 8009, as a user's hosts see them;
# move them when another e2e may run on this machine at the same time).
# Environment: JAVA (default java), JAVA_OPTS (default -Xmx512m -XX:+ExitOnOutOfMemoryError per member),
#   E2E_KEEP_DATA=1 keeps the data folder, NVME_HOST_STATE (guest kernel, as the other e2e scripts; test.sh runs it
#   on 6.12).
# Results: worker-1.log, gateway-1.log, gateway-2.log, discovery.log (every start appended), guest.log, events.tsv
#   (host epoch, event), event-times.tsv, paths.log (guest: every path state change), subsys-*.txt, ana-*.json,
#   fio-r*.json, fio-probe.json, completions.txt, clock.txt, dmesg.txt, dmesg-nvme.txt, ctl-*.txt.
set -euo pipefail
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" seconds=60 lead_in=5 down_seconds=5 pause_seconds=20 drain_seconds=8 settle_seconds=6 path_timeout=60
stall_limit=30 hard_timeout=360 io_ports=4420,4421 dport=8009
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --ports) io_ports=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --lead-in) lead_in=$2; shift 2 ;;
    --down-seconds) down_seconds=$2; shift 2 ;;
    --pause-seconds) pause_seconds=$2; shift 2 ;;
    --drain-seconds) drain_seconds=$2; shift 2 ;;
    --settle-seconds) settle_seconds=$2; shift 2 ;;
    --path-timeout) path_timeout=$2; shift 2 ;;
    --stall-limit) stall_limit=$2; shift 2 ;;
    --hard-timeout) hard_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "multipath.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
# the hard timeout: the script runs again under `timeout` (TERM to the whole process group, KILL 20 s later)
if [ -z "${MULTIPATH_E2E_BOUNDED:-}" ]; then
  rc=0
  MULTIPATH_E2E_BOUNDED=$(date +%s) timeout -k 20 "$hard_timeout" bash "$0" "${args[@]}" || rc=$?
  [ $rc != 124 ] || echo "[multipath] RESULT: FAIL (hard timeout: $hard_timeout s)"
  exit $rc
fi
DEADLINE=$(( MULTIPATH_E2E_BOUNDED + hard_timeout ))

export HZ_PHONE_HOME_ENABLED=false
NQN=nqn.2026-12.io.nvmegate:mpath
DNQN=nqn.2026-12.io.nvmegate:discovery-mpath-e2e
DPORT=$dport CLOCKPORT=23999
GATEWAYS=(gateway-1 gateway-2)
MEMBERS_ORDER=(worker-1 gateway-1 gateway-2 discovery)
declare -A IOPORT=([gateway-1]=${io_ports%,*} [gateway-2]=${io_ports#*,})
declare -A APIPORT=([gateway-1]=23080 [gateway-2]=23081)
declare -A CPORT=([worker-1]=23701 [gateway-1]=23702 [gateway-2]=23703 [discovery]=23704)
declare -A MPORT=([worker-1]=23901 [gateway-1]=23902 [gateway-2]=23903 [discovery]=23904)
MEMBERS=$(for m in "${MEMBERS_ORDER[@]}"; do printf '127.0.0.1:%s,' "${CPORT[$m]}"; done)
MEMBERS=${MEMBERS%,}

E2E_TAG=multipath
. "$E2E/lib/target.sh"  # now, secs, port_open, log, die, e2e_prepare
T0=$(now)
e2e_prepare "${IOPORT[@]}" "$DPORT" "$CLOCKPORT" "${APIPORT[@]}" "${CPORT[@]}" "${MPORT[@]}"
command -v socat >/dev/null || die "socat missing (e2e/nvme-host/setup.sh installs it)"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-multipath-data.XXXXXX")
RUN=$DATA/run
mkdir -p "$RUN"
CNAME=mpath-e2e-$$

# --- processes: pid files in $RUN (the event driver runs in a subshell and restarts gateways there) --------------
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
    worker-*) role=worker; a=(--worker-id "$name" --raft-port -1) ;;
    gateway-*) role=gateway; a=(--gateway-id "$name" --api-host 127.0.0.1 --api-port "${APIPORT[$name]}") ;;
    discovery) role=discovery; a=(--discovery-port "$DPORT" --discovery-nqn "$DNQN") ;;
  esac
  # shellcheck disable=SC2206
  local cmd=("${JAVA:-java}" ${JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError} -jar "$jar" "$role" "${a[@]}" --config "$results/nvmegate.json"
    --data "$DATA/$name" --cluster-host 127.0.0.1 --cluster-port "${CPORT[$name]}" --members "$MEMBERS"
    --cluster-name "$CNAME" --metrics-host 127.0.0.1 --metrics-port "${MPORT[$name]}" --bind 127.0.0.1 --advertise 10.0.2.2)
  echo "==== $(date -u +%T.%N | cut -c1-12) start: ${cmd[*]}" >> "$results/$name.log"
  (cd "$ROOT" && exec "${cmd[@]}") >> "$results/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  disown $!  # pid files track it; no "Killed" job report when the driver kills it
}
ready() {  # ready NAME TIMEOUT_S: /health/ready answers 200
  local name=$1 deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null -m 2 "http://127.0.0.1:${MPORT[$name]}/health/ready" 2>/dev/null; do
    alive "$name" || { tail -n 30 "$results/$name.log"; log "$name exited while starting"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 30 "$results/$name.log"; log "$name not ready after $2 s"; return 1; }
    sleep 0.3
  done
}
start_all() {  # all at once: the gateways and discovery wait for worker-1 to seed the catalog
  local t0 m p
  t0=$(now)
  for m in "${MEMBERS_ORDER[@]}"; do start_member "$m"; done
  for m in "${MEMBERS_ORDER[@]}"; do ready "$m" 150 || die "$m did not start"; done
  for p in "${IOPORT[@]}" "${APIPORT[@]}" "$DPORT"; do
    for _ in $(seq 1 100); do port_open "$p" && break; sleep 0.3; done
    port_open "$p" || die "nothing listens on $p"
  done
  log "4 members ready after $(secs "$t0" "$(now)") s"
}
stop_member() {  # stop_member NAME: SIGCONT (in case it is paused), SIGTERM, 30 s, then SIGKILL
  local name=$1 p
  p=$(pid_of "$name")
  [ -n "$p" ] || return 0
  if alive "$name"; then
    kill -CONT "$p" 2>/dev/null || true
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$name" || break; sleep 0.2; done
    alive "$name" && { log "$name did not stop within 30 s of SIGTERM: kill -9"; kill -KILL "$p" 2>/dev/null || true; }
  fi
  rm -f "$RUN/$name.pid"
}
stop_all() {
  local m
  for m in gateway-1 gateway-2 discovery; do stop_member "$m" & done
  wait
  stop_member worker-1
}
cleanup() {
  local m p
  [ -z "${VM_PID:-}" ] || kill "$VM_PID" 2>/dev/null || true
  [ -z "${DRIVER_PID:-}" ] || kill "$DRIVER_PID" 2>/dev/null || true
  [ -z "${CLOCK_PID:-}" ] || kill "$CLOCK_PID" 2>/dev/null || true
  [ -z "${TAIL_PID:-}" ] || kill "$TAIL_PID" 2>/dev/null || true
  for m in "${MEMBERS_ORDER[@]}"; do
    p=$(pid_of "$m"); [ -z "$p" ] || { kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; } || true
  done
  sleep 1
  for m in "${MEMBERS_ORDER[@]}"; do
    for _ in $(seq 1 100); do alive "$m" || break; sleep 0.2; done
    p=$(pid_of "$m"); alive "$m" && kill -KILL "$p" 2>/dev/null || true
  done
  if [ -n "$DATA" ] && [ "${E2E_KEEP_DATA:-0}" != 1 ]; then rm -rf "$DATA"; else log "data kept in $DATA"; fi
  return 0
}
trap cleanup EXIT

# --- the cluster's view: ANA groups (GET /api/v1/ana) through a gateway that answers -----------------------------
api_of() { echo "http://127.0.0.1:${APIPORT[$1]}/api/v1"; }
api_get() {  # api_get PATH: the first gateway that answers within 2 s
  local g
  for g in "${GATEWAYS[@]}"; do
    alive "$g" || continue
    [ "$(awk '{ print $3 }' "/proc/$(pid_of "$g")/stat" 2>/dev/null)" != T ] || continue  # paused
    curl -fsS -m 2 "$(api_of "$g")$1" 2>/dev/null && return 0
  done
  return 1
}
# owner of ANA group 1 of $NQN per the API (empty when the API has no ANA view)
group_owner() {
  api_get /ana 2>/dev/null | jq -r --arg n "$NQN" \
    '[.[]? | select(.subsystem == $n and .group == 1) | .owner // empty] | first // empty' 2>/dev/null || true
}
# one line: group 1's owner and each gateway's state for it, as the API reports them
ana_line() {  # ana_line [FILE]: from FILE (GET /api/v1/ana saved) or the API
  { if [ -n "${1:-}" ]; then cat "$1"; else api_get /ana; fi; } 2>/dev/null | jq -r --arg n "$NQN" '[.[]? | select(.subsystem == $n and .group == 1)] | first //
    empty | "owner \(.owner // "-") phase \(.phase // "-") home \(.home // "-") states \(.states // {} | to_entries |
    map("\(.key)=\(.value)") | join(" "))"' 2>/dev/null || true
}
ctl() {  # ctl API_GATEWAY ARGS...: nvmegate ctl through that gateway's API
  local g=$1
  shift
  # shellcheck disable=SC2086
  NVMEGATE_API=$(api_of "$g" | sed 's|/api/v1$||') "${JAVA:-java}" ${CTL_JAVA_OPTS:--Xmx128m -XX:TieredStopAtLevel=1} \
    -jar "$jar" ctl "$@"
}

# --- the event driver (runs in the background while the guest's fio runs) -----------------------------------------
FIO_T0=""
rel() { secs "$FIO_T0" "$(now)"; }
LAST_EVENT=""
event() {  # event LABEL [TIME]: the moment of an event (default: now), on this machine's clock
  LAST_EVENT=${2:-$(now)}
  printf '%s\t%s\n' "$LAST_EVENT" "$1" >> "$results/events.tsv"
  log "+$(rel) s event: $1"
}
# snap NAME: the guest's `nvme list-subsys` transcript (subsys-NAME.txt) and the API's ANA view (ana-NAME.json)
snap() {
  local name=$1 _
  : > "$results/req/$name"
  api_get /ana > "$results/ana-$name.json" 2>/dev/null || echo '"no ANA view from the API"' > "$results/ana-$name.json"
  for _ in $(seq 1 25); do [ -e "$results/subsys-$name.txt" ] && break; sleep 0.2; done
  local a
  a=$(ana_line "$results/ana-$name.json")
  log "+$(rel) s snapshot $name: guest paths $(paths_now)${a:+; API: $a}"
}
OFF=0  # host clock - guest clock (s), from clock.txt once the guest wrote it
paths_now() { cut -d' ' -f2- "$results/paths.now" 2>/dev/null || echo "?"; }
both_live() {  # every path live with an accessible ANA state (optimized or non-optimized), in the guest's last word
  local g l    # (the monitor writes on every change and every 2 s: older than 15 s, it is not trusted)
  read -r g l < "$results/paths.now" 2>/dev/null || return 1
  awk -v g="$g" -v o="$OFF" -v n="$(now)" 'BEGIN { exit !(n - (g + o) < 15) }' || return 1
  [ "$(grep -oE '=live/(optimized|non-optimized)' <<< "$l" | wc -l)" = "${#GATEWAYS[@]}" ]
}
stopped() { [ -e "$results/fio-done" ] || [ -e "$results/abort" ]; }
abort() {  # abort REASON: the guest stops its I/O, the run fails
  log "+$(rel) s ABORT: $*"
  echo "$*" > "$results/driver-failed"
  : > "$results/abort"
  exit 1
}
# wait_paths WHAT: both paths live again in the guest, at most --path-timeout s after the last event; logs and
# records (path-back.tsv) the time from that event
wait_paths() {
  local t0 deadline
  t0=${LAST_EVENT:-$(now)}
  deadline=$(( ${t0%.*} + path_timeout ))
  until both_live; do
    stopped && abort "fio stopped while waiting for both paths ($1)"
    [ "$(date +%s)" -lt "$deadline" ] || abort "$1: the guest has not both paths live after $path_timeout s: $(paths_now)"
    sleep 0.2
  done
  log "+$(rel) s both paths live $(secs "$t0" "$(now)") s after $1: $(paths_now)"
  printf '%s\t%s\n' "$1" "$(secs "$t0" "$(now)")" >> "$results/path-back.tsv"
}
pause_for() {  # pause_for S: sleep S seconds unless fio stops
  local until_t
  until_t=$(awk -v a="$(now)" -v s="$1" 'BEGIN { printf "%.3f", a + s }')
  while awk -v u="$until_t" -v n="$(now)" 'BEGIN { exit !(n < u) }'; do
    stopped && abort "fio stopped during the events"
    sleep 0.2
  done
}
kill_restart() {  # kill_restart GATEWAY N
  local g=$1 k=$2
  kill -KILL "$(pid_of "$g")" 2>/dev/null || abort "$g is not running"
  event "kill -9 $g"
  pause_for 5
  snap "$k-a-$g-killed"
  pause_for $((down_seconds > 5 ? down_seconds - 5 : 0))
  start_member "$g"
  event "restart $g"
  ready "$g" 90 || abort "$g did not start again"
  log "+$(rel) s $g ready"
  wait_paths "restart $g"
  pause_for "$settle_seconds"
  snap "$k-b-$g-back"
}
driver() {
  local p o g api_g t
  until [ -e "$results/fio-started" ]; do
    [ -e "$results/fio-done" ] && return 0
    [ "$(date +%s)" -lt "$DEADLINE" ] || return 0
    sleep 0.2
  done
  FIO_T0=$(now)
  OFF=$(sed -n 1p "$results/clock.txt" 2>/dev/null | cut -d' ' -f1)
  OFF=${OFF:-0}
  log "fio started in the guest; events after $lead_in s"
  pause_for "$lead_in"
  snap 0-baseline
  both_live || wait_paths "the first event"
  # 1, 2: each gateway killed and restarted
  kill_restart gateway-1 1
  kill_restart gateway-2 2
  # 3: the owner of group 1 (the optimized path: I/O flows through it) paused, resumed
  o=$(group_owner); g=${o:-gateway-1}
  p=$(pid_of "$g")
  [ -n "$p" ] || abort "$g is not running"
  kill -STOP "$p"
  event "SIGSTOP $g${o:+ (owner of group 1)}"
  pause_for 8
  snap "3-a-$g-paused"
  pause_for $((pause_seconds > 8 ? pause_seconds - 8 : 0))
  kill -CONT "$p"
  event "SIGCONT $g"
  wait_paths "SIGCONT $g"
  pause_for "$settle_seconds"
  snap "3-b-$g-resumed"
  # 4: the owner of group 1 drained (its groups move away with I/O running), then undrained (failback)
  o=$(group_owner); g=${o:-gateway-1}
  api_g=gateway-2; [ "$g" != gateway-2 ] || api_g=gateway-1
  t=$(now)
  # the event's time: when ctl starts (the drain takes effect while it runs, before it exits)
  if ctl "$api_g" gateway drain "$g" > "$results/ctl-drain.txt" 2>&1; then
    event "drain $g (ctl started)" "$t"
  else
    sed 's/^/  ctl| /' "$results/ctl-drain.txt"
    abort "ctl gateway drain $g failed"
  fi
  log "  ctl gateway drain $g took $(secs "$t" "$(now)") s: $(tr '\n' ' ' < "$results/ctl-drain.txt" | cut -c1-200)"
  pause_for "$drain_seconds"
  snap "4-a-$g-drained"
  t=$(now)
  if ctl "$api_g" gateway undrain "$g" > "$results/ctl-undrain.txt" 2>&1; then
    event "undrain $g (ctl started)" "$t"
  else
    sed 's/^/  ctl| /' "$results/ctl-undrain.txt"
    abort "ctl gateway undrain $g failed"
  fi
  both_live || wait_paths "undrain $g"
  pause_for "$settle_seconds"
  snap "4-b-$g-undrained"
  : > "$results/events-done"
  log "+$(rel) s events done"
}

# --- 1. the cluster ---------------------------------------------------------------------------------------------
cat > "$results/nvmegate.json" <<JSON
{
  "subsystems": [
    { "nqn": "$NQN", "allowAnyHost": true,
      "namespaces": [ { "nsid": 1, "size": "1G", "blockSize": 4096, "backend": "rocksdb", "worker": "worker-1",
                        "anaGroup": 1 } ] } ],
  "ports": [
    { "id": 1, "traddr": "127.0.0.1", "trsvcid": ${IOPORT[gateway-1]}, "advertisedAddress": "10.0.2.2",
      "gateway": "gateway-1", "subsystems": [] },
    { "id": 2, "traddr": "127.0.0.1", "trsvcid": ${IOPORT[gateway-2]}, "advertisedAddress": "10.0.2.2",
      "gateway": "gateway-2", "subsystems": [] } ]
}
JSON
: > "$results/events.tsv"
: > "$results/path-back.tsv"
rm -rf "$results/req" "$results"/subsys-*.txt "$results/fio-started" "$results/fio-done" "$results/events-done" \
  "$results/abort" "$results/driver-failed" "$results/paths.now"
mkdir -p "$results/req"
start_all
log "API: $(ana_line)"
# the clock the guest compares its own with
socat "TCP-LISTEN:$CLOCKPORT,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'date +%s.%N' 2>> "$results/clock.log" &
CLOCK_PID=$!

# --- 2. the guest: connect-all, fio; the events meanwhile ---------------------------------------------------------
bash "$NH/setup.sh"
driver > "$results/driver.log" 2>&1 &
DRIVER_PID=$!
tail -n +1 -f "$results/driver.log" 2>/dev/null &
TAIL_PID=$!
tg=$(now)
# the guest gets what is left of the hard timeout, less 40 s to stop and report
guest_timeout=$(( DEADLINE - $(date +%s) - 40 ))
max_seconds=$(( guest_timeout - 45 ))  # boot + connect-all ~15 s, disconnect ~10 s
[ "$max_seconds" -ge $((seconds + 30)) ] || die "only $guest_timeout s left for the guest: raise --hard-timeout"
set +e
"$NH/vm.sh" -w "$results" -t "$guest_timeout" -- \
  bash "$E2E/guest/multipath-guest.sh" --addr 10.0.2.2 --discovery-port "$DPORT" \
  --ports "${IOPORT[gateway-1]},${IOPORT[gateway-2]}" --nqn "$NQN" --seconds "$seconds" --max-seconds "$max_seconds" \
  --clock-port "$CLOCKPORT" --results "$results" 2>&1 | sed -u 's/^/  guest| /' | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
[ -e "$results/fio-done" ] || date +%s.%N > "$results/fio-done"
for _ in $(seq 1 50); do kill -0 "$DRIVER_PID" 2>/dev/null || break; sleep 0.2; done
kill "$DRIVER_PID" 2>/dev/null || true
wait "$DRIVER_PID" 2>/dev/null || true
DRIVER_PID=""
kill "$TAIL_PID" 2>/dev/null || true
TAIL_PID=""
kill "$CLOCK_PID" 2>/dev/null || true
CLOCK_PID=""
guest_phase="$(secs "$tg" "$(now)") s, rc=$guest_rc"
for m in "${MEMBERS_ORDER[@]}"; do alive "$m" || log "$m is not running after the guest phase"; done
stop_all

# --- 3. per event: first completed I/O, longest I/O gap (guest completion times put on this machine's clock) -----
off=$(sed -n 1p "$results/clock.txt" 2>/dev/null | cut -d' ' -f1)
fio_end=$(awk -v o="${off:-0}" '{ printf "%.3f", $1 + o }' "$results/fio-done" 2>/dev/null || echo 0)
: > "$results/event-times.tsv"
if [ -n "$off" ] && [ -s "$results/completions.txt" ] && [ -s "$results/events.tsv" ]; then
  awk -F'\t' -v off="$off" -v fio_end="$fio_end" '
    FNR == NR { c[++n] = $1 / 1000 + off; next }     # completions: guest epoch ms -> host epoch s
    { t[++e] = $1; name[e] = $2 }
    END {
      for (i = 1; i <= e; i++) {
        lo = t[i]; hi = (i < e) ? t[i + 1] : fio_end
        first = -1; gap = 0; prev = lo
        for (k = 1; k <= n; k++) {
          if (c[k] < lo) continue
          if (c[k] > hi) break
          if (first < 0) first = c[k] - lo
          if (c[k] - prev > gap) gap = c[k] - prev
          prev = c[k]
        }
        if (hi - prev > gap) gap = hi - prev        # nothing completed until the next event
        printf "%d\t%s\t%.1f\t%s\t%.2f\t%.1f\n", i, name[i], lo - t[1], (first < 0 ? "none" : sprintf("%.2f", first)), gap, hi - lo
      }
    }' "$results/completions.txt" "$results/events.tsv" > "$results/event-times.tsv"
  # 7th and 8th columns: how long the guest had no usable path (no path live with an optimized or non-optimized state) in the
  # event's window, and how long both paths were optimized, from paths.log (a state holds until the next change)
  if [ -s "$results/paths.log" ]; then
    awk -F'\t' -v off="$off" -v fio_end="$fio_end" '
      FILENAME == ARGV[1] { split($0, f, " "); pt[++m] = f[1] + off; po[m] = gsub(/=live\/optimized/, "&")
                            pl[m] = gsub(/=live\/(optimized|non-optimized)/, "&"); next }
      FILENAME == ARGV[2] { t[++e] = $1; next }
      { line[++r] = $0 }
      END {
        pt[m + 1] = fio_end
        for (i = 1; i <= e; i++) {
          lo = t[i]; hi = (i < e) ? t[i + 1] : fio_end; none = 0; two = 0
          for (k = 1; k <= m; k++) {
            a = (pt[k] > lo) ? pt[k] : lo; b = (pt[k + 1] < hi) ? pt[k + 1] : hi
            if (b <= a) continue
            if (pl[k] == 0) none += b - a
            if (po[k] > 1) two += b - a
          }
          printf "%s\t%.1f\t%.1f\n", line[i], none, two
        }
      }' "$results/paths.log" "$results/events.tsv" "$results/event-times.tsv" > "$results/event-times.tmp" &&
      mv "$results/event-times.tmp" "$results/event-times.tsv"
  fi
fi
# the guest's path states after each event (paths.log: guest epoch, then PORT=STATE/ANA per path)
path_changes() {  # path_changes FROM TO (host epoch): "+S s: PATHS" lines
  [ -n "$off" ] && [ -s "$results/paths.log" ] || return 0
  awk -v off="$off" -v a="$1" -v b="$2" '{ t = $1 + off; if (t >= a && t < b) { $1 = ""; printf "+%.1f s:%s\n", t - a, $0 } }' "$results/paths.log"
}

# --- 4. summary -------------------------------------------------------------------------------------------------
ok=1
[ "$guest_rc" = 0 ] && grep -q 'multipath: 3 passed, 0 failed$' "$results/guest.log" || ok=0
[ ! -e "$results/driver-failed" ] || ok=0
[ -e "$results/events-done" ] || ok=0
nevents=$(wc -l < "$results/events.tsv")
[ "$nevents" -ge 8 ] || ok=0
stalls=$(awk -F'\t' -v l="$stall_limit" '$5 > l || $4 == "none"' "$results/event-times.tsv" | wc -l)
[ "$stalls" = 0 ] && [ -s "$results/event-times.tsv" ] || ok=0
echo
log "==== multipath summary"
log "guest (connect-all, fio, disconnect): $guest_phase"
log "$(grep -E '^  guest\|    (.*regions .* written and verified|probe:|kernel:)' "$results/guest.log" | sed 's/^  guest|  *//' | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
log "clock offset host - guest: $(cut -d' ' -f1 "$results/clock.txt" 2>/dev/null | tr '\n' ' ')s (at connect, at the end)"
[ ! -e "$results/driver-failed" ] || log "events: FAILED: $(cat "$results/driver-failed")"
log "events ($nevents; times from the guest's I/O completions; 'longest gap': the longest time without any completed I/O from the event until the next event; 'no usable path': how long no path was live with an optimized or non-optimized state, from paths.log; 'two optimized': how long the guest saw both paths optimized for the one ANA group):"
printf '#\tevent\tat +s\tfirst I/O after (s)\tlongest gap (s)\twindow (s)\tno usable path (s)\ttwo optimized (s)\n' | cat - "$results/event-times.tsv" | column -t -s $'\t' | sed 's/^/[multipath]   /'
if [ -s "$results/event-times.tsv" ]; then
  for col in 4 5; do
    awk -F'\t' -v c=$col '$c ~ /^[0-9.]+$/ { print $c }' "$results/event-times.tsv" | sort -n |
      awk -v what="$([ $col = 4 ] && echo 'first I/O after an event' || echo 'longest I/O gap after an event')" \
        '{ v[NR] = $1 } END { if (NR) printf "[multipath] %s: p50 %.2f s, max %.2f s over %d events\n", what, v[int((NR + 1) / 2)], v[NR], NR }'
  done
  base=$(awk -v off="$off" -v t1="$(sed -n 1p "$results/events.tsv" | cut -f1)" -v t0="$(awk -v o="${off:-0}" '{ printf "%.3f", $1 + o }' "$results/fio-started" 2>/dev/null || echo 0)" \
    '{ c = $1 / 1000 + off; if (c < t0 + 1 || c > t1) next; if (p && c - p > g) g = c - p; p = c } END { printf "%.2f", g }' "$results/completions.txt" 2>/dev/null || echo "?")
  log "for comparison, the longest I/O gap before the first event (no fault): $base s"
fi
[ ! -s "$results/path-back.tsv" ] || { log "both paths live again (guest) after:"; column -t -s $'\t' "$results/path-back.tsv" | sed 's/^/[multipath]   /'; }
log "path states in the guest after each event (paths.log; PORT=controller state/ANA state):"
n=$(wc -l < "$results/events.tsv")
for i in $(seq 1 "$n"); do
  t=$(sed -n "${i}p" "$results/events.tsv" | cut -f1); what=$(sed -n "${i}p" "$results/events.tsv" | cut -f2)
  t2=$(sed -n "$((i + 1))p" "$results/events.tsv" | cut -f1); t2=${t2:-$fio_end}
  log "  $what:"
  path_changes "$t" "$t2" | head -n 12 | sed 's/^/[multipath]       /'
done
log "kernel messages in the guest after each event (dmesg, nvme lines; +s from the event):"
boot=$(cat "$results/guest-boot-epoch.txt" 2>/dev/null || true)
for i in $(seq 1 "$n"); do
  [ -n "$boot" ] && [ -n "$off" ] && [ -s "$results/dmesg-nvme.txt" ] || break
  t=$(sed -n "${i}p" "$results/events.tsv" | cut -f1); what=$(sed -n "${i}p" "$results/events.tsv" | cut -f2)
  t2=$(sed -n "$((i + 1))p" "$results/events.tsv" | cut -f1); t2=${t2:-$fio_end}
  log "  $what:"
  awk -v b="$boot" -v o="$off" -v a="$t" -v z="$t2" '
    match($0, /^\[ *[0-9]+\.[0-9]+\]/) { x = substr($0, 2, RLENGTH - 2) + b + o
      if (x >= a && x < z) printf "+%.1f s %s\n", x - a, substr($0, RLENGTH + 2) }' "$results/dmesg-nvme.txt" |
    head -n 10 | sed 's/^/[multipath]       /'
done
log "transcripts (nvme list-subsys in the guest, after each step):"
for f in "$results"/subsys-*.txt; do [ -e "$f" ] && sed 's/^/[multipath]   | /' "$f"; done
log "results:  $results"
log "total:    $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
[ "$guest_rc" = 0 ] && grep -q 'multipath: 3 passed, 0 failed$' "$results/guest.log" || log "FAILED: the guest (rc=$guest_rc): $(grep -E '^  guest\|    CHECK FAILED' "$results/guest.log" | head -n 3 | sed 's/^  guest|  *//' | tr '\n' ' ')"
[ ! -e "$results/driver-failed" ] || log "FAILED: events: $(cat "$results/driver-failed")"
[ "$nevents" -ge 8 ] || log "FAILED: $nevents of 8 events happened"
[ "$stalls" = 0 ] || log "FAILED: $stalls event(s) followed by more than $stall_limit s without a completed I/O, or by none"
for m in "${MEMBERS_ORDER[@]}"; do tail -n 15 "$results/$m.log" | sed "s/^/  $m| /"; done
log "RESULT: FAIL"
exit 1
