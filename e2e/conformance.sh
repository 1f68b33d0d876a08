#!/usr/bin/env bash
# conformance.sh - the nvme-cli conformance matrix against nvmegate with the real Linux host.
# Runs on the build machine (Debian 12, root): starts `nvmegate all` from the built jar with a
# subsystem of two namespaces (NSID 1: 256 MiB, 4096-byte blocks; NSID 2: 64 MiB, 512-byte
# blocks) on 127.0.0.1:14420 (discovery 127.0.0.1:18009, advertised as 10.0.2.2), boots ONE
# QEMU guest (e2e/nvme-host/vm.sh) running e2e/guest/conformance-guest.sh, stops the target
# and prints a summary. Exits 0 only if every step passed. See docs/conformance.md.
#
# usage: e2e/conformance.sh [--jar PATH] [--port P] [--discovery-port P] [--results DIR]
#                           [--timeout S] [-- guest-script options]
#   defaults: --jar launcher/target/nvmegate.jar --port 14420 --discovery-port 18009
#             --results e2e/results/conformance-DATE-TIME --timeout 900
# Environment: JAVA (default java), JAVA_OPTS, E2E_KEEP_DATA=1 keeps the target's data folder.
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
export NVMEGATE_METRICS_PORT=${NVMEGATE_METRICS_PORT:-0}  # a free port: other targets may hold 9420
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host
NQN=nqn.2026-11.io.nvmegate:conformance

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
port=14420 dport=18009 results="" vm_timeout=900 guest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    --) shift; guest_args=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "conformance.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

E2E_TAG=conformance
. "$E2E/lib/target.sh"  # log, die, e2e_prepare, start_jar_target, stop_target (on exit)
T0=$(now)
e2e_prepare "$port" "$dport"

# --- 1. target -----------------------------------------------------------------------
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-conformance-data.XXXXXX")
cat > "$results/config.json" <<EOF
{"subsystems": [{"nqn": "$NQN", "serial": "CONF-E2E-0001", "firmware": "0.1.0",
   "namespaces": [{"nsid": 1, "size": "256M", "blockSize": 4096},
                  {"nsid": 2, "size": "64M", "blockSize": 512}]}],
 "ports": [{"id": 1, "traddr": "127.0.0.1", "trsvcid": $port, "advertisedAddress": "10.0.2.2"}]}
EOF
ts=$(now)
start_jar_target "$results/target.log" 60 "$port $dport" -- all --config "$results/config.json" --data "$DATA" \
  --port "$port" --discovery-port "$dport" --bind 127.0.0.1 --advertise 10.0.2.2
target_phase="listening on $port and $dport after $(secs "$ts" "$(now)") s"
log "target pid $TPID: $target_phase"

# --- 2. guest ------------------------------------------------------------------------
bash "$NH/setup.sh"
ts=$(now)
set +e
"$NH/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/conformance-guest.sh" --addr 10.0.2.2 --port "$port" --nqn "$NQN" --results "$results" \
  "${guest_args[@]}" 2>&1 | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
guest_phase="$(secs "$ts" "$(now)") s, rc=$guest_rc"
target_alive=1
kill -0 "$TPID" 2>/dev/null || target_alive=0
stop_target

# --- 3. summary ----------------------------------------------------------------------
ok=1
[ "$guest_rc" = 0 ] || ok=0
[ $target_alive = 1 ] || ok=0
grep -q '^conformance: [0-9]* passed, 0 failed$' "$results/guest.log" || ok=0
echo
log "==== conformance summary"
log "target:        $target_phase$([ $target_alive = 1 ] || echo ', DIED during the guest session')"
log "guest session: $guest_phase"
[ ! -s "$results/summary.tsv" ] || column -t -s $'\t' "$results/summary.tsv" | sed 's/^/[conformance]   /'
log "keep-alive expiries the target logged: $(grep -c 'keep-alive timeout' "$results/target.log" || true)"
log "results:       $results"
log "total:         $(secs "$T0" "$(now)") s"
grep '^conformance: ' "$results/guest.log" | tail -1 || true
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
tail -n 40 "$results/target.log" | sed 's/^/  target| /'
log "RESULT: FAIL"
exit 1
