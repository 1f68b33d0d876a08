#!/usr/bin/env bash
# bench/replication.sh - issue 14's replication benchmark: 4k randwrite QD32, 128k seqwrite QD8 and 4k randread QD32
# on a namespace of replication factor 1 and one of replication factor 3 (three block workers), RF 3 row right after
# its RF 1 row in the same run, with the ratio RF3/RF1 and the target's CPU per I/O. The target (3 workers + gateway,
# separate JVMs) is pinned with taskset to TARGET_CPUS, the load generator to LOADGEN_CPUS (defaults: the last CPU
# for the target, the others for the load generator; on one CPU nothing is pinned). ~3 minutes.
# Options: --duration S --warmup S --queues N --span MiB --jobs REGEX (see --help).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
export HZ_PHONE_HOME_ENABLED=false
ncpu=$(nproc)
pin=()
if [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
  TARGET_CPUS=${TARGET_CPUS:-$((ncpu - 1))}
  LOADGEN_CPUS=${LOADGEN_CPUS:-0-$((ncpu - 2))}
  pin=(taskset -c "$LOADGEN_CPUS")
  set -- --target-cpus "$TARGET_CPUS" --loadgen-cpus "$LOADGEN_CPUS" "$@"
  echo "target on CPU(s) $TARGET_CPUS, load generator on CPU(s) $LOADGEN_CPUS"
fi
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.management/sun.management=ALL-UNNAMED --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
# shellcheck disable=SC2086
exec "${pin[@]}" java ${NVMEGATE_JAVA_OPTS:--Xmx1g} $opens -cp "$jar" io.nvmegate.bench.ReplicationBench "$@"
