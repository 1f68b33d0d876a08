#!/usr/bin/env bash
# control-plane.sh - live reconfiguration through the management API with the real Linux host.
# Runs on the build machine (Debian 12, root): starts `nvmegate all` with an EMPTY catalog
# (discovery 127.0.0.1:31009, management API 127.0.0.1:31080, data in a temporary folder), sets
# up a subsystem, namespace, port 31420 (advertised as 10.0.2.2), host and links with
# `nvmegate ctl` (the port starts listening live), boots ONE QEMU guest running
# e2e/guest/control-plane-guest.sh (discover, connect, add a namespace, resize it, remove the
# host's access — all while connected), then restarts the target with no configuration and
# checks that `ctl save` is unchanged (the catalog is durable). Exits 0 only if all passed.
#
# usage: e2e/control-plane.sh [--jar PATH] [--results DIR] [--timeout S]
#   ports: I/O 31420, discovery 31009, API 31080 (never the defaults 4420/8009/8080)
# Environment: JAVA (default java), JAVA_OPTS, E2E_KEEP_DATA=1 keeps the target's data folder.
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
export NVMEGATE_METRICS_PORT=${NVMEGATE_METRICS_PORT:-0}  # a free port: other targets may hold 9420
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host
NQN=nqn.2026-11.io.nvmegate:live
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:5e1f0c3a-6d2b-4c39-9f0e-7a8b9c0d1e2f
PORT=31420 DPORT=31009 APIPORT=31080
API=http://127.0.0.1:$APIPORT

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" vm_timeout=900
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "control-plane.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

E2E_TAG=control-plane
. "$E2E/lib/target.sh"  # log, die, e2e_prepare, start_jar_target, stop_target (on exit)
# shellcheck disable=SC2206
ctl() { "${JAVA:-java}" ${JAVA_OPTS:-} -jar "$jar" ctl "$@" --api "$API"; }

T0=$(now)
e2e_prepare "$PORT" "$DPORT" "$APIPORT"

start_target() {  # start_target LOG [extra args]: waits for discovery and the API
  local out=$1
  shift
  start_jar_target "$out" 60 "$DPORT $APIPORT" -- all --data "$DATA" --port "$PORT" --discovery-port "$DPORT" \
    --bind 127.0.0.1 --advertise 10.0.2.2 --api-port "$APIPORT" "$@"
}

# --- 1. target with an empty catalog, set up through the CLI ---------------------------
DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-control-plane-data.XXXXXX")
echo '{}' > "$results/seed.json"
start_target "$results/target.log" --config "$results/seed.json"
setup_ok=1
{
  ctl subsys create --nqn "$NQN" --allow-any-host false --serial LIVE-E2E-0001 &&
  ctl ns create --nqn "$NQN" --nsid 1 --size 64M &&
  ctl port create --id 1 --traddr 127.0.0.1 --trsvcid "$PORT" --advertise 10.0.2.2 &&
  ctl port-subsys add --port 1 --nqn "$NQN" &&
  ctl host create --nqn "$HOSTNQN" &&
  ctl host-subsys add --nqn "$NQN" --host "$HOSTNQN" &&
  ctl global set --enabled true &&
  ctl subsys list
} > "$results/setup.log" 2>&1 || setup_ok=0
sed 's/^/[control-plane]   ctl| /' "$results/setup.log"
[ $setup_ok = 1 ] || die "setup through ctl failed"
for _ in $(seq 1 50); do port_open "$PORT" && break; sleep 0.2; done
port_open "$PORT" || die "port $PORT created through the API does not listen"
log "port $PORT listening (created live)"

# --- 2. guest ------------------------------------------------------------------------
bash "$NH/setup.sh"
ts=$(now)
set +e
"$NH/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/control-plane-guest.sh" --addr 10.0.2.2 --port "$PORT" --discovery-port "$DPORT" \
  --api "http://10.0.2.2:$APIPORT" --nqn "$NQN" --hostnqn "$HOSTNQN" --results "$results" 2>&1 | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
guest_phase="$(secs "$ts" "$(now)") s, rc=$guest_rc"

# --- 3. restart with no configuration: the catalog is intact --------------------------
restart_ok=1
ctl save > "$results/catalog-before.json" || restart_ok=0
stop_target
start_target "$results/target-restart.log"
for _ in $(seq 1 50); do port_open "$PORT" && break; sleep 0.2; done
port_open "$PORT" || { log "port $PORT not listening after the restart"; restart_ok=0; }
ctl save > "$results/catalog-after.json" || restart_ok=0
if ! diff -u "$results/catalog-before.json" "$results/catalog-after.json"; then log "catalog changed across the restart"; restart_ok=0; fi
grep -q '"size" : 67108864' "$results/catalog-after.json" || { log "resized namespace 2 (64 MiB) missing after the restart"; restart_ok=0; }
grep -q 'nqn.2026-11.io.nvmegate:disk1' "$results/catalog-after.json" && { log "the default seed was loaded over the persisted catalog"; restart_ok=0; }
stop_target

# --- 4. summary ----------------------------------------------------------------------
ok=1
[ "$guest_rc" = 0 ] || ok=0
[ $restart_ok = 1 ] || ok=0
grep -q '^control-plane: [0-9]* passed, 0 failed$' "$results/guest.log" || ok=0
echo
log "==== control-plane summary"
log "guest session: $guest_phase"
[ ! -s "$results/summary.tsv" ] || column -t -s $'\t' "$results/summary.tsv" | sed 's/^/[control-plane]   /'
log "restart with no configuration: catalog $([ $restart_ok = 1 ] && echo intact || echo NOT intact)"
log "results:       $results"
log "total:         $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
tail -n 40 "$results/target.log" | sed 's/^/  target| /'
log "RESULT: FAIL"
exit 1
