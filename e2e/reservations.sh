#!/usr/bin/env bash
# reservations.sh - end-to-end test of NVMe reservations with the real Linux host (issue 8): starts nvmegate
# (role all, RocksDB backend) with one subsystem exported on TWO ports (27420 and 27421: nvme-cli 2.3 refuses a
# second connection to the same traddr/trsvcid/subsystem even with another host NQN), boots ONE QEMU guest that
# runs e2e/guest/reservations-guest.sh: two host identities (`nvme connect --hostnqn --hostid`), nvme-cli
# resv-register / resv-acquire / resv-report / resv-release / resv-notif-log on each controller's char device,
# and I/O from the non-holder failing with Reservation Conflict. Exits 0 only if every step passed.
#
# usage: e2e/reservations.sh [--jar JAR] [--results DIR] [--timeout S]
# Host ports: 27420, 27421 (I/O), 27009 (discovery), 27080 (management API).
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
export NVMEGATE_METRICS_PORT=${NVMEGATE_METRICS_PORT:-0}  # a free port: other targets may hold 9420
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host
NQN=nqn.2026-11.io.nvmegate:resv
PORT_A=27420 PORT_B=27421 DPORT=27009 APIPORT=27080

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" vm_timeout=600
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "reservations.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
E2E_TAG=reservations
. "$E2E/lib/target.sh"  # log, die, e2e_prepare, start_jar_target, stop_target (on exit)
T0=$(now)
e2e_prepare "$PORT_A" "$PORT_B" "$DPORT" "$APIPORT"

cat > "$results/config.json" <<JSON
{
  "subsystems": [
    { "nqn": "$NQN", "allowAnyHost": true, "serial": "RESV-E2E-0001",
      "namespaces": [ { "nsid": 1, "size": "64M", "blockSize": 4096, "backend": "rocksdb" } ] } ],
  "ports": [
    { "id": 1, "traddr": "127.0.0.1", "trsvcid": $PORT_A, "advertisedAddress": "10.0.2.2", "subsystems": ["$NQN"] },
    { "id": 2, "traddr": "127.0.0.1", "trsvcid": $PORT_B, "advertisedAddress": "10.0.2.2", "subsystems": ["$NQN"] } ]
}
JSON
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-reservations-data.XXXXXX")
start_jar_target "$results/target.log" 90 "$PORT_A $PORT_B" -- all --data "$DATA" --config "$results/config.json" \
  --discovery-port "$DPORT" --bind 127.0.0.1 --advertise 10.0.2.2 --api-port "$APIPORT"
log "target listening on $PORT_A and $PORT_B"

bash "$NH/setup.sh"
ts=$(now)
set +e
"$NH/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/reservations-guest.sh" --addr 10.0.2.2 --port-a "$PORT_A" --port-b "$PORT_B" --nqn "$NQN" \
  2>&1 | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
alive=1; kill -0 "$TPID" 2>/dev/null || alive=0
stop_target
log "guest session: $(secs "$ts" "$(now)") s, rc=$guest_rc; target $STOP_NOTE"
log "results: $results; total $(secs "$T0" "$(now)") s"
if [ "$guest_rc" = 0 ] && [ $alive = 1 ] && grep -q '^reservations: [0-9]* passed, 0 failed$' "$results/guest.log"; then
  log "RESULT: PASS"
  exit 0
fi
tail -n 40 "$results/target.log" | sed 's/^/  target| /'
log "RESULT: FAIL (guest rc=$guest_rc, target alive=$alive)"
exit 1
