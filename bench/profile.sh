#!/usr/bin/env bash
# bench/profile.sh - where the CPU goes in one native job, under Java Flight Recorder: prints the hottest methods
# (self samples, jdk.ExecutionSample), the busiest threads and the components samples pass through.
# Usage: bench/profile.sh [JOB-REGEX] [BACKEND] [SHAPE]      e.g. bench/profile.sh randread-4k-qd32 rocksdb 1
#   SHAPE 1 or 2: the pinned mode of bench/native.sh (target JVM(s) on CPU 0, load generator on CPU 1); every target
#   JVM records for its whole life (start-up is ~5 % of the samples) and gets its own summary. ~1 min.
#   No SHAPE: the --in-process mode (target and load generator in one JVM), 8 s of the measured window.
# Defaults: seqread-128k-qd8 on null. Recordings stay under bench/results/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
job=${1:-seqread-128k-qd8}
backend=${2:-null}
shape=${3:-}
jar=bench/target/nvmegate-bench.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
mkdir -p bench/results
name=profile-$backend-$(echo "$job" | tr -c 'a-z0-9\n-' '_')${shape:+-shape$shape}-$(date +%Y%m%d-%H%M%S)
export HZ_PHONE_HOME_ENABLED=false
if [ -n "$shape" ]; then
  dir=bench/results/$name; mkdir -p "$dir"
  bench/native.sh --shapes "$shape" --backends "$backend" --jobs "$job" --warmup 3 --duration 20 --no-limits \
    --target-java-opts "-XX:+ExitOnOutOfMemoryError -XX:StartFlightRecording=filename=$ROOT/$dir/,settings=profile,dumponexit=true" \
    | grep -E "^ *$shape +$backend " | awk '!seen[$0]++' || true
  recs=("$dir"/*.jfr)
else
  rec=bench/results/$name.jfr
  # record 8 s of the measured window only: start-up (~6 s), RocksDB prefill (4 s) and warm-up (3 s) come first
  delay=10; [ "$backend" = rocksdb ] && delay=14
  java ${NVMEGATE_JAVA_OPTS:--Xmx2g} -XX:StartFlightRecording=filename="$rec",settings=profile,delay=${delay}s,duration=8s \
    -jar "$jar" --in-process --backends "$backend" --jobs "$job" --warmup 3 --duration 14 --no-limits >/dev/null 2>&1 || true
  recs=("$rec")
fi
summarise() { # $1: awk program selecting the key of a sample
  jfr print --events jdk.ExecutionSample "$rec" | awk "$1" | sort | uniq -c | sort -rn | head -"${2:-25}" \
    | awk -v total="$(jfr summary "$rec" | awk '$1=="jdk.ExecutionSample"{print $2}')" '{printf "%6.1f%%  %s\n", 100*$1/total, substr($0, index($0,$2))}'
}
for rec in "${recs[@]}"; do
echo "== $job on $backend ($rec, $(jfr summary "$rec" | awk '$1=="jdk.ExecutionSample"{print $2}') samples): hottest methods (self time, share of all samples)"
summarise '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}'
echo "== busiest threads"
summarise '/sampledThread = /{sub(/.*sampledThread = "/, ""); sub(/".*/, ""); gsub(/[0-9]+$/, "N"); print}' 10
echo "== components (share of samples whose stack passes through them; a sample can count for several)"
jfr print --stack-depth 64 --events jdk.ExecutionSample "$rec" | awk '
  /^jdk.ExecutionSample/ { n++; delete seen }
  /line:/ { for (i = 1; i <= nc; i++) if (!(i in seen) && index($0, pat[i])) { seen[i] = 1; hit[i]++ } }
  BEGIN { nc = split("io.nvmegate.client. io.nvmegate.transport. io.nvmegate.protocol. io.nvmegate.controller. io.nvmegate.gateway. io.nvmegate.blockio. io.nvmegate.worker. io.nvmegate.storage. io.micrometer. io.vertx.core.eventbus. io.netty. org.rocksdb. sun.nio.ch. com.hazelcast.", pat, " ") }
  END { for (i = 1; i <= nc; i++) printf "%6.1f%%  %s\n", 100 * hit[i] / (n ? n : 1), pat[i] }' | sort -rn
echo "== where threads sit in native code (jdk.NativeMethodSample, top frames; waits included)"
jfr print --events jdk.NativeMethodSample "$rec" | awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' \
  | sort | uniq -c | sort -rn | head -8
echo "recording: $rec (open in JDK Mission Control for call trees)"
done
