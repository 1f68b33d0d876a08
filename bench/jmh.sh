#!/usr/bin/env bash
# bench/jmh.sh - JMH microbenchmarks: PDU codec (encode C2HData, decode CapsuleCmd, framing) and the RocksDB block
# store (1 and 32 blocks). ~3 minutes. Extra arguments go to JMH (e.g. a regex: bench/jmh.sh PduCodec).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
exec java -cp "$jar" org.openjdk.jmh.Main "$@"
