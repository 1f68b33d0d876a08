#!/usr/bin/env bash
# embedded.sh - end-to-end test of the EMBEDDED API (io.nvmegate.embedded.NvmegateTarget) with
# the real Linux NVMe/TCP host: starts io.nvmegate.embedded.EmbeddedDemo (an in-process target,
# MEMORY backend) on 127.0.0.1:24420 with discovery on 28009, advertising 10.0.2.2 (how the
# guest reaches this machine's 127.0.0.1), boots ONE QEMU guest (e2e/nvme-host/vm.sh) that runs
# e2e/guest/embedded-guest.sh (nvme discover, connect, dd write + read-back compare,
# disconnect), then stops the demo. Exits 0 only if every step passed.
#
# usage: e2e/embedded.sh [--results DIR] [--timeout S]
# Environment: NVMEGATE_JAR (default launcher/target/nvmegate.jar: the class path of the demo
#   with embedded/target/classes), EMBEDDED_PORT (24420), EMBEDDED_DISCOVERY_PORT (28009), JAVA.
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
classes=$ROOT/embedded/target/classes
# the embedded module's own dependencies that the launcher jar does not carry (testkit: its FreePorts)
testkit=$ROOT/testkit/target/classes
port=${EMBEDDED_PORT:-24420}
dport=${EMBEDDED_DISCOVERY_PORT:-28009}
nqn=nqn.2026-11.io.nvmegate:embedded-demo
results="" vm_timeout=600
while [ $# -gt 0 ]; do
  case "$1" in
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "embedded.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[e2e-embedded] %s\n' "$*"; }
die() { log "ERROR: $*"; exit 1; }
. "$E2E/lib/target.sh"  # now, secs, port_open, stop_target; stops the target on exit

results=${results:-$E2E/results/embedded-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
results=$(cd "$results" && pwd)
[ "$(id -u)" = 0 ] || die "run as root (QEMU guest)"
[ -f "$jar" ] || die "no $jar: run mvn -B package (or verify) first"
[ -d "$classes/io/nvmegate/embedded" ] || die "no $classes: run mvn -B package first"
[ -d "$testkit/io/nvmegate/testkit" ] || die "no $testkit: run mvn -B package first"
for p in "$port" "$dport"; do ! port_open "$p" || die "127.0.0.1:$p is already in use"; done


hz=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.management/sun.management=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
cmd=("${JAVA:-java}" "${hz[@]}" -Xmx1g -Dhazelcast.phone.home.enabled=false -Djava.net.preferIPv4Stack=true
     -cp "$classes:$testkit:$jar" io.nvmegate.embedded.EmbeddedDemo
     --host 127.0.0.1 --port "$port" --discovery-port "$dport" --advertise 10.0.2.2 --nqn "$nqn" --size 256M)
log "starting: ${cmd[*]}"
"${cmd[@]}" > "$results/target.log" 2>&1 < /dev/null &
TPID=$!
for _ in $(seq 1 300); do
  grep -q 'nvmegate embedded demo ready' "$results/target.log" && break
  kill -0 "$TPID" 2>/dev/null || { tail -40 "$results/target.log"; die "EmbeddedDemo exited before it was ready"; }
  sleep 0.2
done
grep -q 'nvmegate embedded demo ready' "$results/target.log" || { tail -40 "$results/target.log"; die "not ready after 60 s"; }
log "$(grep 'nvmegate embedded demo ready' "$results/target.log")"

bash "$E2E/nvme-host/setup.sh"
set +e
"$E2E/nvme-host/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/embedded-guest.sh" --addr 10.0.2.2 --port "$port" --discovery-port "$dport" --nqn "$nqn" \
  2>&1 | tee "$results/guest.log"
rc=${PIPESTATUS[0]}
set -e
alive=1; kill -0 "$TPID" 2>/dev/null || alive=0
stop_target
grep -q 'nvmegate embedded demo stopped' "$results/target.log" || log "WARNING: no clean-stop line in the target log"
if [ "$rc" = 0 ] && [ $alive = 1 ] && grep -q '^e2e: [0-9]* passed, 0 failed$' "$results/guest.log"; then
  log "RESULT: PASS (results: $results)"
  exit 0
fi
tail -40 "$results/target.log" | sed 's/^/  target| /'
log "RESULT: FAIL (guest rc=$rc, target alive=$alive; results: $results)"
exit 1
