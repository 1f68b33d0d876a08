#!/usr/bin/env bash
# bench/native.sh - native benchmark: nvmegate over loopback through the Java host library, next to raw loopback
# TCP and RocksDB limits measured in the same run. ~2 minutes. Options: --duration S --warmup S --queues N.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
export HZ_PHONE_HOME_ENABLED=false
exec java ${NVMEGATE_JAVA_OPTS:--Xmx2g} -jar "$jar" "$@"
