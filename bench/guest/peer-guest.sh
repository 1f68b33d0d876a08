#!/usr/bin/env bash
# peer-guest.sh - runs INSIDE the QEMU guest (bench/guest-peer.sh starts it): the same fio jobs against the kernel
# target (nvmet: null_blk and brd) and against nvmegate running in this guest on loopback (null and RocksDB
# backends), then prints one table with nvmegate/nvmet ratios. Only ratios mean anything: the guest is emulated.
#
# usage: peer-guest.sh --jar JAR --out DIR [--runtime S] [--ramp S] [--only JOB]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NVMET=$ROOT/e2e/nvme-host/nvmet.sh
jar="" out="" runtime=${BENCH_RUNTIME:-15} ramp=${BENCH_RAMP:-3} only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "peer-guest: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$jar" ] && [ -n "$out" ] || { echo "usage: peer-guest.sh --jar JAR --out DIR" >&2; exit 2; }
mkdir -p "$out"
log() { echo "[peer-guest] $*" >&2; }

# job name | fio arguments
JOBS=(
  "randread-4k-qd1|--rw=randread --bs=4k --iodepth=1"
  "randread-4k-qd32|--rw=randread --bs=4k --iodepth=32"
  "randwrite-4k-qd32|--rw=randwrite --bs=4k --iodepth=32"
  "seqread-128k-qd8|--rw=read --bs=128k --iodepth=8"
)

device_for() {  # device_for NQN -> /dev/nvmeXnY (native-multipath head or plain disk), waits up to 20 s
  local nqn=$1 b n i
  for i in $(seq 1 200); do
    for b in /sys/block/nvme*n*; do
      n=${b##*/}
      [[ $n =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
      [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$nqn" ] && [ -b "/dev/$n" ] && { echo "/dev/$n"; return 0; }
    done
    sleep 0.1
  done
  return 1
}

run_jobs() {  # run_jobs LABEL PORT NQN
  local label=$1 port=$2 nqn=$3 dev entry name args
  nvme connect -t tcp -a 127.0.0.1 -s "$port" -n "$nqn" >/dev/null
  dev=$(device_for "$nqn") || { log "no device for $nqn"; nvme disconnect -n "$nqn" >/dev/null; return 1; }
  log "$label: $dev"
  for entry in "${JOBS[@]}"; do
    name=${entry%%|*}; args=${entry#*|}
    [ -n "$only" ] && [ "$only" != "$name" ] && continue
    # shellcheck disable=SC2086
    fio --name="$name" --filename="$dev" --ioengine=libaio --direct=1 --time_based --runtime="$runtime" \
        --ramp_time="$ramp" --size=256M --numjobs=1 --group_reporting --lat_percentiles=1 --percentile_list=50:99:99.9 \
        --output-format=json $args > "$out/$label-$name.json" 2> "$out/$label-$name.err" || log "fio $label $name failed"
    jq -r --arg l "$label" --arg n "$name" '.jobs[0] | (if .read.io_bytes > 0 then .read else .write end) as $d
      | [$l, $n, ($d.iops|floor), (($d.bw_bytes/1048576)*10|floor/10),
         (($d.lat_ns.percentile["50.000000"] // 0)/1000|floor), (($d.lat_ns.percentile["99.000000"] // 0)/1000|floor)] | @tsv' \
      "$out/$label-$name.json" >> "$out/results.tsv" 2>/dev/null || true
  done
  nvme disconnect -n "$nqn" >/dev/null
}

# The guest kernel (Debian 6.1) BUG()s when a userspace target on the same kernel receives the Linux host's data
# on loopback from an I/O buffer in a transparent huge page: nvme-tcp (6.1) hands a multi-page bio_vec to
# sendpage as one skb fragment; when it runs past the end of the huge page into the next physically contiguous
# page, hardened usercopy rejects the target's recv() copy ("usercopy: Kernel memory exposure attempt detected
# from page alloc", kernel BUG at mm/usercopy.c) and kills the reading thread inside the kernel with the socket
# lock held: the JVM's event loop never returns, fio waits forever, even `ss -i` blocks on that socket. nvmet
# receives in the kernel (no usercopy) and a target reached through the guest's NIC gets copied data, so neither
# sees it; mayastor/SPDK hit the same bug (github.com/openebs/mayastor/issues/1330, /1693). fio's buffers stay
# out of huge pages when THP is off, which avoids it:
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$thp" ] && { log "THP was: $(cat "$thp"); setting never (see above)"; echo never > "$thp"; }
: > "$out/results.tsv"
# 1. the kernel target, null_blk then brd (1 GiB each)
for backend in null brd; do
  nqn=nqn.2026-11.io.nvmegate:peer-$backend
  "$NVMET" up --backend "$backend" --size-mb 1024 --bs 4096 --addr 127.0.0.1 --port 4420 --nqn "$nqn" >&2
  run_jobs "nvmet-$backend" 4420 "$nqn" || true
  "$NVMET" down --nqn "$nqn" >&2
done

# 2. nvmegate in this guest, on loopback: one process, two subsystems (null and RocksDB backends)
cat > "$out/nvmegate-bench.json" <<JSON
{ "subsystems": [
    { "nqn": "nqn.2026-11.io.nvmegate:bench-null", "namespaces": [ { "nsid": 1, "size": "1G", "blockSize": 4096, "backend": "null" } ] },
    { "nqn": "nqn.2026-11.io.nvmegate:bench-rocksdb", "namespaces": [ { "nsid": 1, "size": "1G", "blockSize": 4096, "backend": "rocksdb" } ] } ],
  "ports": [ { "id": 1, "traddr": "127.0.0.1", "trsvcid": 4421 } ] }
JSON
export HZ_PHONE_HOME_ENABLED=false NVMEGATE_START_TIMEOUT=${NVMEGATE_START_TIMEOUT:-600}  # TCG start-up is slow
: > "$out/nvmegate.log"
t0=$(date +%s)
# JVM flags for a 2-vCPU emulated guest (override with NVMEGATE_JAVA_OPTS): under TCG, C2 compilation kept a vCPU
# busy for minutes after start-up (JFR: C2+C1 threads ~45 % of the CPU during the measured jobs, the event loop
# ~11 %), so stop at C1; Serial GC adds no GC threads; Hazelcast's background threads (metrics collection, map
# statistics, partition anti-entropy; a single-member cluster here) took ~40 % of the execution samples.
java_opts=${NVMEGATE_JAVA_OPTS:--Xmx768m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dhazelcast.metrics.enabled=false}
log "nvmegate JVM options: $java_opts"
# shellcheck disable=SC2086
NVMEGATE_METRICS_PORT=0 NVMEGATE_API_PORT=0 java $java_opts -jar "$jar" all --config "$out/nvmegate-bench.json" --data /tmp/nvmegate-bench \
     --bind 127.0.0.1 --discovery-port 8010 > "$out/nvmegate.log" 2>&1 &
jpid=$!
for i in $(seq 1 1200); do grep -q "nvmegate ready" "$out/nvmegate.log" && break; sleep 0.5; done
grep -q "nvmegate ready" "$out/nvmegate.log" || { log "nvmegate did not start"; tail -20 "$out/nvmegate.log" >&2; kill $jpid; exit 1; }
log "nvmegate ready after $(( $(date +%s) - t0 )) s"
# Warm-up (untimed; the kernel target needs none): 20 s of mixed 4 KiB random I/O and 128 KiB reads on the null
# namespace so the measured jobs run compiled code; then the null jobs, before the RocksDB pre-fill and its
# compactions can take CPU from them.
nvme connect -t tcp -a 127.0.0.1 -s 4421 -n nqn.2026-11.io.nvmegate:bench-null >/dev/null
dev=$(device_for nqn.2026-11.io.nvmegate:bench-null)
fio --name=warmup --filename="$dev" --ioengine=libaio --direct=1 --size=256M --time_based --runtime=10 --rw=randrw \
    --bs=4k --iodepth=32 --output-format=terse > "$out/warmup.txt" 2>&1 || log "warm-up failed"
fio --name=warmup2 --filename="$dev" --ioengine=libaio --direct=1 --size=256M --time_based --runtime=10 --rw=read \
    --bs=128k --iodepth=8 --output-format=terse >> "$out/warmup.txt" 2>&1 || log "warm-up failed"
nvme disconnect -n nqn.2026-11.io.nvmegate:bench-null >/dev/null
run_jobs nvmegate-null 4421 nqn.2026-11.io.nvmegate:bench-null || true
# Pre-fill the 256 MiB every job touches (--size=256M) so RocksDB reads find stored blocks.
nvme connect -t tcp -a 127.0.0.1 -s 4421 -n nqn.2026-11.io.nvmegate:bench-rocksdb >/dev/null
dev=$(device_for nqn.2026-11.io.nvmegate:bench-rocksdb)
fio --name=prefill --filename="$dev" --ioengine=libaio --direct=1 --rw=write --bs=1M --iodepth=8 --size=256M \
    --output-format=terse > "$out/prefill.txt" 2>&1 || log "prefill failed"
ss -tnmi '( sport = :4421 )' > "$out/ss-after-prefill.txt" 2>&1 || true   # skmem d>0 would mean receive drops
nvme disconnect -n nqn.2026-11.io.nvmegate:bench-rocksdb >/dev/null
run_jobs nvmegate-rocksdb 4421 nqn.2026-11.io.nvmegate:bench-rocksdb || true
kill -TERM $jpid; wait $jpid 2>/dev/null || true
dmesg | grep -A3 -E "usercopy|BUG|blocked for more than" > "$out/dmesg-problems.txt" 2>/dev/null && log "kernel problems: see $out/dmesg-problems.txt" || true

# 3. the table: every job, nvmegate next to its reference (null vs null_blk, RocksDB vs brd)
awk -F'\t' '
  { key = $1 "|" $2; iops[key] = $3; mib[key] = $4; p50[key] = $5; p99[key] = $6; jobs[$2] = 1 }
  END {
    printf "%-18s %-17s %9s %9s %9s %9s %8s %8s\n", "job", "target", "IOPS", "MiB/s", "p50 us", "p99 us", "xIOPS", "xp99"
    n = split("randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd32 seqread-128k-qd8", order, " ")
    split("nvmet-null nvmegate-null nvmet-brd nvmegate-rocksdb", targets, " ")
    for (j = 1; j <= n; j++) {
      job = order[j]; if (!(job in jobs)) continue
      for (t = 1; t <= 4; t++) {
        k = targets[t] "|" job; if (!(k in iops)) continue
        ref = (targets[t] == "nvmegate-null") ? "nvmet-null|" job : (targets[t] == "nvmegate-rocksdb") ? "nvmet-brd|" job : ""
        rx = (ref != "" && iops[ref] > 0) ? sprintf("%.2f", iops[k] / iops[ref]) : "-"
        rp = (ref != "" && p99[ref] > 0) ? sprintf("%.2f", p99[k] / p99[ref]) : "-"
        printf "%-18s %-17s %9d %9.1f %9d %9d %8s %8s\n", job, targets[t], iops[k], mib[k], p50[k], p99[k], rx, rp
      }
    }
    # the goals of the issue: ratio, its bound, met or not
    print ""
    print "goals (nvmegate/nvmet):"
    goal("nvmegate-null", "nvmet-null", "randread-4k-qd32", "IOPS", 1.0)
    goal("nvmegate-null", "nvmet-null", "seqread-128k-qd8", "IOPS", 0.9)
    for (j = 1; j <= n; j++) goal("nvmegate-rocksdb", "nvmet-brd", order[j], "IOPS", 0.7)
    for (j = 1; j <= n; j++) { goal("nvmegate-null", "nvmet-null", order[j], "p99", 2.0); goal("nvmegate-rocksdb", "nvmet-brd", order[j], "p99", 2.0) }
  }
  function goal(t, ref, job, what, bound,   a, b, r, ok) {
    a = t "|" job; b = ref "|" job
    if (!(a in iops) || !(b in iops)) { printf "  %-16s %-18s %-4s  no data\n", t, job, what; return }
    if (what == "IOPS") { r = iops[b] > 0 ? iops[a] / iops[b] : 0; ok = r >= bound; printf "  %-16s %-18s IOPS %5.2fx  goal >= %.1fx  %s\n", t, job, r, bound, ok ? "met" : "MISSED" }
    else { r = p99[b] > 0 ? p99[a] / p99[b] : 0; ok = r <= bound; printf "  %-16s %-18s p99  %5.2fx  goal <= %.1fx  %s\n", t, job, r, bound, ok ? "met" : "MISSED" }
  }' "$out/results.tsv" | tee "$out/table.txt"
