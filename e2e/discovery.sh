#!/usr/bin/env bash
# discovery.sh - the discovery service with the real Linux host (nvme-cli 2.3 / libnvme 1.3, kernel 6.1 or 6.12).
# Runs on the build machine (Debian 12, root): starts `nvmegate all` on 127.0.0.1 with three
# host-restricted subsystems on two I/O ports (advertised as 10.0.2.2), a unique discovery NQN,
# the discovery service on 29009 and the management API on 29080, then boots ONE QEMU guest
# running e2e/guest/discovery-guest.sh: `nvme discover` (text and JSON, current discovery
# subsystem entry), `nvme connect-all` (every allowed subsystem, nothing else), a host NQN
# without access, and a persistent discovery controller that gets the Discovery Log Page
# Change AEN (0x0070F002) when a subsystem is added through the management API and connects
# it from the AEN's uevent. Exits 0 only if every step passed.
#
# usage: e2e/discovery.sh [--jar PATH] [--results DIR] [--timeout S]
#   ports: I/O 29420 and 29421, discovery 29009, API 29080 (never the defaults)
# Environment: JAVA (default java), JAVA_OPTS, E2E_KEEP_DATA=1 keeps the target's data folder.
# Results: target.log, guest.log, summary.tsv, discover.txt/.json, aen-transcript.txt.
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
export NVMEGATE_METRICS_PORT=${NVMEGATE_METRICS_PORT:-0}  # a free port: other targets may hold 9420
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host
P1=29420 P2=29421 DPORT=29009 APIPORT=29080
BASE=nqn.2026-11.io.nvmegate
DNQN=$BASE:discovery-e2e
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:d15c0e77-0000-4000-8000-0000000000a1
OTHERNQN=nqn.2014-08.org.nvmexpress:uuid:d15c0e77-0000-4000-8000-0000000000b2

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" vm_timeout=300
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "discovery.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

E2E_TAG=discovery
. "$E2E/lib/target.sh"  # log, die, e2e_prepare, start_jar_target, stop_target (on exit)
T0=$(now)
e2e_prepare "$P1" "$P2" "$DPORT" "$APIPORT"

# --- 1. target: A and B for HOSTNQN, C for OTHERNQN; port 1 exports every subsystem, port 2 only A --
ns='[{"nsid": 1, "size": "16M", "blockSize": 4096, "backend": "memory"}]'
cat > "$results/nvmegate.json" <<JSON
{
  "subsystems": [
    { "nqn": "$BASE:disc-a", "allowAnyHost": false, "hosts": ["$HOSTNQN"], "namespaces": $ns },
    { "nqn": "$BASE:disc-b", "allowAnyHost": false, "hosts": ["$HOSTNQN"], "namespaces": $ns },
    { "nqn": "$BASE:disc-c", "allowAnyHost": false, "hosts": ["$OTHERNQN"], "namespaces": $ns } ],
  "ports": [
    { "id": 1, "traddr": "127.0.0.1", "trsvcid": $P1, "advertisedAddress": "10.0.2.2", "subsystems": [] },
    { "id": 2, "traddr": "127.0.0.1", "trsvcid": $P2, "advertisedAddress": "10.0.2.2", "subsystems": ["$BASE:disc-a"] } ]
}
JSON
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-discovery-data.XXXXXX")
start_jar_target "$results/target.log" 60 "$DPORT $APIPORT $P1 $P2" -- all --config "$results/nvmegate.json" \
  --data "$DATA" --bind 127.0.0.1 --discovery-port "$DPORT" --advertise 10.0.2.2 --api-port "$APIPORT" --discovery-nqn "$DNQN"
target_up="$(secs "$T0" "$(now)") s"
log "target listening (I/O $P1 $P2, discovery $DPORT, API $APIPORT) after $target_up"

# --- 2. guest ------------------------------------------------------------------------------
bash "$NH/setup.sh"
ts=$(now)
set +e
"$NH/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/discovery-guest.sh" --addr 10.0.2.2 --ports "$P1,$P2" --discovery-port "$DPORT" \
  --api "http://10.0.2.2:$APIPORT" --base "$BASE" --discovery-nqn "$DNQN" --hostnqn "$HOSTNQN" \
  --results "$results" 2>&1 | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
guest_phase="$(secs "$ts" "$(now)") s, rc=$guest_rc"
stop_target

# --- 3. summary ----------------------------------------------------------------------------
ok=1
[ "$guest_rc" = 0 ] || ok=0
grep -q '^discovery: [0-9]* passed, 0 failed$' "$results/guest.log" || ok=0
echo
log "==== discovery summary"
log "target up:     $target_up; stop: $STOP_NOTE"
log "guest session: $guest_phase"
[ ! -s "$results/summary.tsv" ] || column -t -s $'\t' "$results/summary.tsv" | sed 's/^/[discovery]   /'
if [ -s "$results/aen-transcript.txt" ]; then
  log "AEN transcript (aen-transcript.txt):"
  sed 's/^/[discovery]   | /' "$results/aen-transcript.txt"
fi
log "results:       $results"
log "total:         $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
tail -n 40 "$results/target.log" | sed 's/^/  target| /'
log "RESULT: FAIL"
exit 1
