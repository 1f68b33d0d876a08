#!/usr/bin/env bash
# replication.sh - replicated block storage (issue 14) with the real Linux host: no acknowledged write lost and the
# namespace kept serving while the Raft leader worker is killed with kill -9 every 15 s.
# Runs on the build machine (Debian 12, root). Starts, each as its own `java -jar nvmegate.jar ROLE` process on
# 127.0.0.1 (one Hazelcast cluster, every member listed in --members):
#   worker-1, worker-2, worker-3   role worker, cluster ports 26701-26703, Raft ports 26871-26873
#                                  (NVMEGATE_RAFT_PORT, the environment form of --raft-port, as compose sets it),
#                                  data folders DATA/worker-N (RocksDB, Raft log, durable catalog)
#   gateway-1                      role gateway, NVMe/TCP 26420 (advertised 10.0.2.2), management API 26080
#   discovery                      role discovery, 26009
# with a catalog file naming one subsystem (nqn.2026-11.io.nvmegate:repl) whose NSID 1 (2 GiB, rocksdb) has
# replicationFactor 3 on worker-1..3. Then:
#   1. one QEMU guest runs e2e/guest/replication-guest.sh --phase write: the kernel host connects through the
#      gateway and fio writes random 4 KiB..128 KiB blocks with crc32c, an fsync every 32 writes and a verify pass
#      per 8 MiB region, for >= --seconds (default 60; up to --extra-seconds more, default 45, until --seconds /
#      --kill-every leaders have been killed and replaced). Meanwhile, every 15 s, this script reads the leader
#      from the API (GET /api/v1/subsystems/NQN/namespaces/1: replication.leader), waits (at most 45 s, else that
#      kill is skipped) until every replica is healthy, kill -9s the leader worker, measures kill -> a new leader
#      in the API, and restarts the killed worker (it catches up while I/O runs). fio must end with 0 errors and
#      every verify passing.
#   2. every process stopped (SIGTERM), all started again on the same data folders.
#   3. a second guest runs --phase verify: reconnects and runs fio --verify_only over every region written.
# Prints the failover figures (each kill: killed worker, term before/after, seconds until the API names a new
# leader; p50 and max) and the host-visible stall (fio's worst completion latency). Exits 0 only if both guest
# phases passed, at least 3 kills happened and each produced a new leader within 30 s. Every wait is bounded and the
# whole script runs under a hard timeout (--hard-timeout, default 480 s: `timeout` kills the process group; an unloaded 2-core run takes ~4-5 min, a loaded one needed more than 360 s).
#
# usage: e2e/replication.sh [--jar PATH] [--results DIR] [--seconds S] [--extra-seconds S] [--kill-every S]
#                           [--hard-timeout S]
# Environment: JAVA (default java), JAVA_OPTS (default -Xmx768m -XX:+ExitOnOutOfMemoryError per member), E2E_KEEP_DATA=1 keeps the data folders,
#   NVME_HOST_STATE (guest kernel, as the other e2e scripts).
# Results: worker-N.log, gateway-1.log, discovery.log (every start appended), guest-write.log, guest-verify.log,
#   failover.tsv, namespace-*.json (the API's view), fio-*.json per region, regions.txt, dmesg-*.txt, summary.tsv.
set -euo pipefail
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" seconds=60 extra_seconds=45 kill_every=15 hard_timeout=480
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --extra-seconds) extra_seconds=$2; shift 2 ;;
    --kill-every) kill_every=$2; shift 2 ;;
    --hard-timeout) hard_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "replication.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
# the hard timeout: the script runs again under `timeout` (TERM to the whole process group, KILL 20 s later)
if [ -z "${REPLICATION_E2E_BOUNDED:-}" ]; then
  rc=0
  REPLICATION_E2E_BOUNDED=1 timeout -k 20 "$hard_timeout" bash "$0" "${args[@]}" || rc=$?
  [ $rc != 124 ] || echo "[replication] RESULT: FAIL (hard timeout: $hard_timeout s)"
  exit $rc
fi

export HZ_PHONE_HOME_ENABLED=false
NQN=nqn.2026-11.io.nvmegate:repl
DNQN=nqn.2026-11.io.nvmegate:discovery-repl-e2e
IOPORT=26420 DPORT=26009 APIPORT=26080
MEMBERS_ORDER=(worker-1 worker-2 worker-3 gateway-1 discovery)
declare -A CPORT=([worker-1]=26701 [worker-2]=26702 [worker-3]=26703 [gateway-1]=26704 [discovery]=26705)
declare -A MPORT=([worker-1]=26901 [worker-2]=26902 [worker-3]=26903 [gateway-1]=26904 [discovery]=26905)
declare -A RPORT=([worker-1]=26871 [worker-2]=26872 [worker-3]=26873)
MEMBERS=$(for m in "${MEMBERS_ORDER[@]}"; do printf '127.0.0.1:%s,' "${CPORT[$m]}"; done)
MEMBERS=${MEMBERS%,}
API=http://127.0.0.1:$APIPORT/api/v1
kills_wanted=$(( seconds / kill_every ))  # 4: at 15, 30, 45 and 60 s
[ "$kills_wanted" -ge 3 ] || kills_wanted=3
NSURL=$API/subsystems/$(printf '%s' "$NQN" | sed 's/:/%3A/g')/namespaces/1

E2E_TAG=replication
. "$E2E/lib/target.sh"  # now, secs, port_open, log, die, e2e_prepare
T0=$(now)
e2e_prepare "$IOPORT" "$DPORT" "$APIPORT" "${CPORT[@]}" "${MPORT[@]}" "${RPORT[@]}"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-replication-data.XXXXXX")
RUN=$DATA/run
mkdir -p "$RUN"
CNAME=repl-e2e-$$

# --- processes: pid files in $RUN (the kill loop runs in a subshell and restarts workers there) -------------------
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
    worker-*) role=worker; a=(--worker-id "$name") ;;
    gateway-1) role=gateway; a=(--gateway-id gateway-1 --api-host 127.0.0.1 --api-port "$APIPORT") ;;
    discovery) role=discovery; a=(--discovery-port "$DPORT" --discovery-nqn "$DNQN") ;;
  esac
  # shellcheck disable=SC2206
  local cmd=("${JAVA:-java}" ${JAVA_OPTS:--Xmx768m -XX:+ExitOnOutOfMemoryError} -jar "$jar" "$role" "${a[@]}" --config "$results/nvmegate.json"
    --data "$DATA/$name" --cluster-host 127.0.0.1 --cluster-port "${CPORT[$name]}" --members "$MEMBERS"
    --cluster-name "$CNAME" --metrics-host 127.0.0.1 --metrics-port "${MPORT[$name]}" --bind 127.0.0.1 --advertise 10.0.2.2)
  # a worker's Raft port goes by environment (NVMEGATE_RAFT_PORT, as compose sets it; same as --raft-port)
  local raft=${RPORT[$name]:-}
  echo "==== $(date -u +%T.%N | cut -c1-12) start:${raft:+ NVMEGATE_RAFT_PORT=$raft} ${cmd[*]}" >> "$results/$name.log"
  (cd "$ROOT" && if [ -n "$raft" ]; then export NVMEGATE_RAFT_PORT=$raft; else unset NVMEGATE_RAFT_PORT; fi
   exec "${cmd[@]}") >> "$results/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  disown $!  # pid files track it; no "Killed" job report when the kill loop kills it
}
ready() {  # ready NAME TIMEOUT_S: /health/ready answers 200
  local name=$1 deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null -m 2 "http://127.0.0.1:${MPORT[$name]}/health/ready" 2>/dev/null; do
    alive "$name" || { tail -n 30 "$results/$name.log"; die "$name exited while starting"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 30 "$results/$name.log"; die "$name not ready after $2 s"; }
    sleep 0.3
  done
}
start_all() {  # worker-1 first (it seeds the catalog, as compose does), then the four others together
  local t0 m
  t0=$(now)
  start_member worker-1
  ready worker-1 120
  for m in worker-2 worker-3 gateway-1 discovery; do start_member "$m"; done
  for m in worker-2 worker-3 gateway-1 discovery; do ready "$m" 120; done
  for p in "$IOPORT" "$APIPORT" "$DPORT"; do
    for _ in $(seq 1 100); do port_open "$p" && break; sleep 0.3; done
    port_open "$p" || die "nothing listens on $p"
  done
  log "5 members ready after $(secs "$t0" "$(now)") s"
}
stop_member() {  # stop_member NAME: SIGTERM, 30 s, then SIGKILL
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
stop_all() {
  local m
  for m in gateway-1 discovery; do stop_member "$m" & done
  wait
  for m in worker-1 worker-2 worker-3; do stop_member "$m" & done
  wait
}
cleanup() {
  local m p
  [ -z "${VM_PID:-}" ] || kill "$VM_PID" 2>/dev/null || true
  [ -z "${KILLER_PID:-}" ] || kill "$KILLER_PID" 2>/dev/null || true
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

# --- the API's view of the replicated namespace ------------------------------------------------------------------
ns_json() { curl -fsS -m 3 "$NSURL" 2>/dev/null || echo '{}'; }
# "leader term healthy fresh": the leader (- if none), its term, how many replicas are the leader or "healthy", 1 if the
# leader published its status in the last 3 s
ns_state() {
  ns_json | jq -r --argjson now "$(date +%s%3N)" '.replication // {} |
    "\(.leader // "-") \(.term // 0) \([.replicas[]? | select(.role == "leader" or .state == "healthy")] | length) \(if ((.updatedMs // 0) > $now - 3000) then 1 else 0 end)"' \
    2>/dev/null || echo "- 0 0 0"
}
wait_leader() {  # wait_leader TIMEOUT_S: a leader that published recently
  local deadline=$(( $(date +%s) + $1 )) l t h f
  while :; do
    read -r l t h f < <(ns_state)
    [ "$l" != - ] && [ "$f" = 1 ] && { echo "$l"; return 0; }
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

# --- the kill loop (runs in the background while the write phase's guest runs) ---------------------------------
killer() {
  local t0 k=0 l t h f killed term0 tk nl nt fo deadline
  until [ -e "$results/fio-started" ]; do [ -e "$results/fio-done" ] && return 0; sleep 0.2; done
  t0=$(now)
  log "kill loop: fio started; the leader is killed every $kill_every s"
  while :; do
    k=$((k + 1))
    while awk -v a="$t0" -v b="$(now)" -v d=$((k * kill_every)) 'BEGIN { exit !(b - a < d) }'; do
      [ -e "$results/fio-done" ] && return 0
      sleep 0.2
    done
    [ -e "$results/fio-done" ] && return 0
    # every replica up and caught up (the one restarted last time included), bounded: killing the leader while
    # another replica is down would take the majority away, which is not what this test is about
    deadline=$(( $(date +%s) + 45 ))
    while :; do
      read -r l t h f < <(ns_state)
      [ "$l" != - ] && [ "$h" -ge 3 ] && [ "$f" = 1 ] && break
      [ -e "$results/fio-done" ] && return 0
      [ "$(date +%s)" -lt "$deadline" ] || break
      sleep 0.3
    done
    if [ "$l" = - ] || [ "$h" -lt 3 ] || [ "$f" != 1 ] || [ -z "$(pid_of "$l")" ]; then
      log "kill $k: skipped: after 45 s the API shows leader $l, $h healthy replicas (fresh: $f)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$k" - - - - "skipped" >> "$results/failover.tsv"
      continue
    fi
    killed=$l term0=$t
    kill -KILL "$(pid_of "$killed")" 2>/dev/null || true
    tk=$(now)
    log "kill $k at +$(secs "$t0" "$tk") s: kill -9 $killed (leader, term $term0)"
    fo=timeout nl=- nt=-
    deadline=$(( $(date +%s) + 30 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
      read -r l t h f < <(ns_state)
      if [ "$l" != - ] && [ "$l" != "$killed" ] && [ "$f" = 1 ]; then fo=$(secs "$tk" "$(now)") nl=$l nt=$t; break; fi
      sleep 0.2
    done
    log "kill $k: new leader $nl (term $nt) after $fo s; restarting $killed"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$killed" "$term0" "$nl" "$nt" "$fo" >> "$results/failover.tsv"
    start_member "$killed"
    # enough kills with a new leader: the guest may stop writing once --seconds have passed
    [ "$(awk -F'\t' '$6 ~ /^[0-9.]+$/' "$results/failover.tsv" | wc -l)" -lt "$kills_wanted" ] || date +%s.%N > "$results/kills-done"
  done
}

# --- 1. the cluster ---------------------------------------------------------------------------------------------
cat > "$results/nvmegate.json" <<JSON
{
  "subsystems": [
    { "nqn": "$NQN", "allowAnyHost": true,
      "namespaces": [ { "nsid": 1, "size": "2G", "blockSize": 4096, "backend": "rocksdb",
                        "replicationFactor": 3, "replicas": ["worker-1", "worker-2", "worker-3"] } ] } ],
  "ports": [
    { "id": 1, "traddr": "127.0.0.1", "trsvcid": $IOPORT, "advertisedAddress": "10.0.2.2", "gateway": "gateway-1",
      "subsystems": [] } ]
}
JSON
: > "$results/failover.tsv"
start_all
l=$(wait_leader 60) || { ns_json > "$results/namespace-start.json"; die "no Raft leader in the API after 60 s (namespace-start.json)"; }
ns_json | jq . > "$results/namespace-start.json" 2>/dev/null || true
log "leader $l; namespace: $(jq -c '{replicationFactor, replicas, replication: (.replication // {} | {leader, term, replicas: [.replicas[]? | {worker, role, state}]})}' "$results/namespace-start.json" 2>/dev/null)"

# --- 2. write phase: fio in the guest, the leader killed every $kill_every s ------------------------------------
bash "$NH/setup.sh"
rm -f "$results/fio-started" "$results/fio-done" "$results/kills-done"
killer &
KILLER_PID=$!
tw=$(now)
set +e
"$NH/vm.sh" -w "$results" -t $((seconds + extra_seconds + 150)) -- \
  bash "$E2E/guest/replication-guest.sh" --phase write --addr 10.0.2.2 --port "$IOPORT" --discovery-port "$DPORT" \
  --nqn "$NQN" --seconds "$seconds" --max-seconds $((seconds + extra_seconds)) --results "$results" 2>&1 | tee "$results/guest-write.log"
write_rc=${PIPESTATUS[0]}
set -e
[ -e "$results/fio-done" ] || date +%s.%N > "$results/fio-done"
for _ in $(seq 1 300); do kill -0 "$KILLER_PID" 2>/dev/null || break; sleep 0.2; done
kill "$KILLER_PID" 2>/dev/null || true
wait "$KILLER_PID" 2>/dev/null || true
KILLER_PID=""
write_phase="$(secs "$tw" "$(now)") s, rc=$write_rc"
ns_json | jq . > "$results/namespace-after-kills.json" 2>/dev/null || true
for m in gateway-1 discovery; do alive "$m" || log "$m is not running after the write phase"; done

# --- 3. stop everything, start again ----------------------------------------------------------------------------
tr=$(now)
stop_all
start_all
verify_leader=$(wait_leader 60) || verify_leader=""
restart_note="$(secs "$tr" "$(now)") s (leader after restart: ${verify_leader:-none within 60 s})"
log "restarted: $restart_note"
ns_json | jq . > "$results/namespace-restart.json" 2>/dev/null || true

# --- 4. verify phase --------------------------------------------------------------------------------------------
tv=$(now)
verify_rc=1
if [ -n "$verify_leader" ]; then
  set +e
  "$NH/vm.sh" -w "$results" -t 150 -- \
    bash "$E2E/guest/replication-guest.sh" --phase verify --addr 10.0.2.2 --port "$IOPORT" --discovery-port "$DPORT" \
    --nqn "$NQN" --results "$results" 2>&1 | tee "$results/guest-verify.log"
  verify_rc=${PIPESTATUS[0]}
  set -e
fi
verify_phase="$(secs "$tv" "$(now)") s, rc=$verify_rc"
stop_all

# --- 5. summary -------------------------------------------------------------------------------------------------
ok=1
[ "$write_rc" = 0 ] && grep -q '^replication-write: 3 passed, 0 failed$' "$results/guest-write.log" || ok=0
[ "$verify_rc" = 0 ] && grep -q '^replication-verify: 3 passed, 0 failed$' "$results/guest-verify.log" || ok=0
kills=$(awk -F'\t' '$6 ~ /^[0-9.]+$/' "$results/failover.tsv" | wc -l)
bad_kills=$(awk -F'\t' '$6 == "timeout"' "$results/failover.tsv" | wc -l)
skipped=$(awk -F'\t' '$6 == "skipped"' "$results/failover.tsv" | wc -l)
[ "$kills" -ge 3 ] && [ "$bad_kills" = 0 ] || ok=0  # at least 3 leaders killed, each replaced
cat "$results"/summary-write.tsv "$results"/summary-verify.tsv > "$results/summary.tsv" 2>/dev/null || true
echo
log "==== replication summary"
log "guest write phase:  $write_phase"
log "full restart:       $restart_note"
log "guest verify phase: $verify_phase"
log "kills (kill -9 of the leader, then restarted): $kills with a new leader, $bad_kills without, $skipped skipped (a replica not healthy yet)"
log "failover (kill -> the API names a new leader; the leader publishes about once a second):"
printf '#\tkilled\tterm\tnew leader\tterm\tseconds\n' | cat - "$results/failover.tsv" | column -t -s $'\t' | sed 's/^/[replication]   /'
if [ "$kills" -gt 0 ]; then
  awk -F'\t' '$6 ~ /^[0-9.]+$/ { print $6 }' "$results/failover.tsv" | sort -n |
    awk '{ v[NR] = $1 } END { printf "[replication] failover p50 %.1f s, max %.1f s over %d kills (goal: 5 s)\n", v[int((NR + 1) / 2)], v[NR], NR }'
fi
stall=$(cat "$results"/fio-write-r*.json 2>/dev/null | jq -s '[.[].jobs[0] | .write.clat_ns.max, .read.clat_ns.max, (.sync.lat_ns.max // 0)] | max / 1e9' 2>/dev/null || echo "?")
log "host-visible stall (fio's worst completion latency, write phase): ${stall} s"
[ ! -s "$results/summary.tsv" ] || column -t -s $'\t' "$results/summary.tsv" | sed 's/^/[replication]   /'
log "results:            $results"
log "total:              $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
for m in "${MEMBERS_ORDER[@]}"; do tail -n 15 "$results/$m.log" | sed "s/^/  $m| /"; done
log "RESULT: FAIL"
exit 1
