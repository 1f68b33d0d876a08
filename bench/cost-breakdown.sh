#!/usr/bin/env bash
# bench/cost-breakdown.sh - benchmark 3, where the time goes: the same jobs with the null backend answered inside the
# gateway, over the local event bus, over the clustered event bus to a block worker in a second JVM, and with the
# RocksDB backend; every row next to raw loopback TCP measured just before it. ~3 minutes.
# Options: --duration S --warmup S --queues N --jobs REGEX --paths a,b (see --help).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
export HZ_PHONE_HOME_ENABLED=false
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.management/sun.management=ALL-UNNAMED --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
# shellcheck disable=SC2086
exec java ${NVMEGATE_JAVA_OPTS:--Xmx2g} $opens -cp "$jar" io.nvmegate.bench.CostBreakdown "$@"
