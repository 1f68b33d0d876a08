#!/usr/bin/env bash
# test.sh - the project's test command (CI runs it via .ci/run). Runs these phases in order and
# stops at the first that fails (later phases are not run), then prints each phase's time and rc:
#   1. mvn -B verify: builds all modules, runs the unit and integration tests (JUnit, real
#      sockets, RocksDB, Hazelcast on 127.0.0.1), produces launcher/target/nvmegate.jar
#   2. e2e/walking-skeleton.sh: discover, connect, Identify, ext4 I/O with the real Linux host
#   3. e2e/conformance.sh: the nvme-cli conformance matrix (docs/conformance.md)
#   4. e2e/embedded.sh: the embedded target (io.nvmegate.embedded) seen by the Linux host
#   5. e2e/control-plane.sh: live reconfiguration through the management API and `nvmegate ctl`
#   6. e2e/discovery.sh: the discovery service (discover, connect-all, discovery AEN)
#   7. e2e/reservations.sh: NVMe reservations between two host identities (nvme resv-*)
# Phases 2-7 boot a QEMU guest with the kernel host: they need root and e2e/nvme-host/setup.sh
# (see e2e/README.md). Exits non-zero if any phase fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export HZ_PHONE_HOME_ENABLED=false

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(now)
timings=()
phase() {  # phase NAME COMMAND...
  local name=$1 t0 rc=0
  shift
  echo "[test.sh] ==== $name: $*"
  t0=$(now)
  "$@" || rc=$?
  timings+=("$(printf '%-22s %7s s  rc=%s' "$name" "$(secs "$t0" "$(now)")" "$rc")")
  return $rc
}
report() {
  local rc=$?
  echo "[test.sh] ==== timings"
  for t in "${timings[@]}"; do echo "[test.sh]   $t"; done
  echo "[test.sh]   total                  $(secs "$T0" "$(now)") s"
  if [ $rc = 0 ]; then echo "[test.sh] PASS"; else echo "[test.sh] FAIL (rc=$rc)"; fi
}
trap report EXIT

phase "mvn -B verify" mvn -B verify
phase "e2e walking skeleton" e2e/walking-skeleton.sh
phase "e2e conformance" e2e/conformance.sh
phase "e2e embedded target" e2e/embedded.sh
phase "e2e control plane" e2e/control-plane.sh
phase "e2e discovery" e2e/discovery.sh
phase "e2e reservations" e2e/reservations.sh
