#!/usr/bin/env bash
# bench/connect-latency.sh - connect latency with DH-HMAC-CHAP (NULL, ffdhe2048, ffdhe8192; uni- and bidirectional)
# next to a connect without authentication, in the same run. ~1 minute. Options: --connects N --io-queues N.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
export HZ_PHONE_HOME_ENABLED=false
exec java ${NVMEGATE_JAVA_OPTS:--Xmx1g} -cp "$jar" io.nvmegate.bench.ConnectLatencyBench "$@"
