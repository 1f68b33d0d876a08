#!/usr/bin/env bash
# bench/native.sh - native benchmark: nvmegate over loopback through the Java host library.
# Default (pinned, issue 17): the target runs as separate JVM(s) (launcher Main) pinned with taskset to TARGET_CPUS
# (default 0), this load generator (the host library) to INITIATOR_CPUS (default: the other CPUs); shapes 1 (one
# JVM, all roles) and 2 (block worker JVM + gateway JVM), backends null-gateway, null, rocksdb; per row the target's
# and the initiator's CPU per I/O, 128k seqread next to pinned raw loopback, the issue's goals met/missed. ~6 min.
# --in-process: the old mode (target and load generator in this JVM, next to loopback TCP and RocksDB limits).
# Options: --duration S --warmup S --queues N --jobs REGEX --backends a,b --shapes 1,2 --span MiB
#   --target-classpath CP (an older build, A/B) --target-java-opts '...' (see --help).
# On one CPU, or without taskset, nothing is pinned.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
export HZ_PHONE_HOME_ENABLED=false
pin=()
in_process=false
for a in "$@"; do [ "$a" = --in-process ] && in_process=true; done
ncpu=$(nproc)
if ! $in_process && [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
  TARGET_CPUS=${TARGET_CPUS:-0}
  if [ "$ncpu" -eq 2 ]; then INITIATOR_CPUS=${INITIATOR_CPUS:-1}; else INITIATOR_CPUS=${INITIATOR_CPUS:-1-$((ncpu - 1))}; fi
  pin=(taskset -c "$INITIATOR_CPUS")
  set -- --target-cpus "$TARGET_CPUS" --initiator-cpus "$INITIATOR_CPUS" "$@"
  echo "target on CPU(s) $TARGET_CPUS, initiator (this load generator) on CPU(s) $INITIATOR_CPUS"
elif ! $in_process; then
  set -- --target-cpus "" "$@"
fi
# shellcheck disable=SC2086
exec "${pin[@]}" java ${NVMEGATE_JAVA_OPTS:--Xmx2g} -jar "$jar" "$@"
