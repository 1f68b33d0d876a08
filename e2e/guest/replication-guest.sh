#!/usr/bin/env bash
# replication-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root, against the cluster
# e2e/replication.sh started on the host (3 block workers, one gateway, one discovery service; subsystem --nqn with
# NSID 1 replicated on the 3 workers, replication factor 3). Two phases, one guest boot each:
#
#   --phase write   1. discover (discovery service) and connect through the gateway (I/O port)
#                   2. fio, region after region until --seconds have passed: each region (--region-mib MiB, its own
#                      random seed; after --seconds, more regions until the host script writes
#                      $results/kills-done or --max-seconds have passed) gets random writes of 4 KiB..128 KiB (bsrange, 4 KiB aligned), libaio iodepth 16,
#                      O_DIRECT, an fsync (NVMe Flush) every 32 writes, crc32c + header in every block, then fio's
#                      verify pass reads the region back (verify_fatal). The host script kills the Raft leader worker
#                      every 15 s meanwhile; it starts when this step writes $results/fio-started and stops at
#                      $results/fio-done. Every region written is listed in $results/regions.txt.
#                   3. disconnect; the kernel log has no I/O error, WARNING, BUG or Call Trace
#   --phase verify  (after the host stopped and restarted every process)
#                   1. connect again
#                   2. fio --verify_only of every region of regions.txt (same job, same seed: fio regenerates the
#                      same offsets and block sizes and checks each block's crc32c and header)
#                   3. disconnect, kernel log
#
# usage: replication-guest.sh --phase write|verify [--addr A] [--port P] [--discovery-port P] [--nqn NQN]
#                             [--seconds S] [--max-seconds S] [--region-mib M] [--results DIR]
# Prints "== step N: ..." headers, "-- PASS|FAIL step N" per step and finally "replication-PHASE: N passed, M failed";
# exits 1 if any step failed. fio's JSON per region: fio-PHASE-rNN.json.
set -euo pipefail

phase="" addr=10.0.2.2 port=26420 dport=26009 nqn=nqn.2026-11.io.nvmegate:repl seconds=60 max_seconds="" region_mib=8
results=/tmp/replication-results
while [ $# -gt 0 ]; do
  case "$1" in
    --phase) phase=$2; shift 2 ;;
    --addr) addr=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --max-seconds) max_seconds=$2; shift 2 ;;
    --region-mib) region_mib=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "replication-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$phase" in write|verify) ;; *) echo "replication-guest.sh: --phase write|verify" >&2; exit 2 ;; esac
max_seconds=${max_seconds:-$seconds}
[ "$(id -u)" = 0 ] || { echo "run as root inside the guest (e2e/nvme-host/vm.sh)" >&2; exit 2; }
mkdir -p "$results"
W=/tmp/replication-work
mkdir -p "$W"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # say, fail, run

# the namespace block device of the controller connected to $nqn (empty if none): /dev/nvmeXnY, never a hidden
# per-path node nvmeXcYnZ of native multipath (no /dev node: fio would write a regular file in /dev instead)
dev_of() {
  local b
  for b in /sys/block/nvme*n*; do
    [ -e "$b" ] || continue
    [[ ${b##*/} =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
    if [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$nqn" ] && [ "$(cat "$b/nsid" 2>/dev/null)" = 1 ]; then
      echo "/dev/${b##*/}"; return 0
    fi
  done
  return 0
}
stamp() { date +%s.%N | cut -c1-14; }

# fio_region N [EXTRA...]: the job of region N (offset N * region size), output fio-$phase-rNN.json
fio_region() {
  local r=$1 dev=$2
  shift 2
  fio --name="region-$r" --filename="$dev" --direct=1 --ioengine=libaio --iodepth=16 --rw=randwrite \
    --bsrange=4k-128k --blockalign=4k --offset=$((r * region_mib))M --size="${region_mib}M" --fsync=32 \
    --verify=crc32c --verify_fatal=1 --randrepeat=1 --randseed=$((14000 + r)) \
    --output-format=json --output="$results/fio-$phase-r$(printf %02d "$r").json" "$@"
}
# fio_check N: fio's JSON has no error and, for the write phase, wrote the region and read it back in full
fio_check() {
  local j
  j="$results/fio-$phase-r$(printf %02d "$1").json"
  [ -s "$j" ] || fail "region $1: no fio JSON"
  jq -e '[.jobs[] | select(.error != 0)] | length == 0' "$j" >/dev/null || fail "region $1: fio error $(jq -c '[.jobs[].error]' "$j")"
  if [ "$phase" = verify ]; then
    say "region $1: $(jq -r '.jobs[0] | "read/verified \(.read.io_bytes / 1048576 | floor) MiB in \(.read.runtime) ms (clat max \(.read.clat_ns.max / 1e6 | floor) ms)"' "$j")"
  else
    say "region $1: $(jq -r '.jobs[0] | "write \(.write.io_bytes / 1048576 | floor) MiB in \(.write.runtime) ms (clat max \(.write.clat_ns.max / 1e6 | floor) ms), read/verified \(.read.io_bytes / 1048576 | floor) MiB (clat max \(.read.clat_ns.max / 1e6 | floor) ms), sync \(.sync.total_ios // 0) fsyncs (max \((.sync.lat_ns.max // 0) / 1e6 | floor) ms)"' "$j")"
  fi
  [ "$(jq '.jobs[0].read.io_bytes' "$j")" = $((region_mib << 20)) ] || fail "region $1: verified $(jq '.jobs[0].read.io_bytes' "$j") bytes, not the region"
  if [ "$phase" = write ]; then
    [ "$(jq '.jobs[0].write.io_bytes' "$j")" = $((region_mib << 20)) ] || fail "region $1: wrote $(jq '.jobs[0].write.io_bytes' "$j") bytes, not the region"
    [ "$(jq '.jobs[0].sync.total_ios // 0' "$j")" -gt 0 ] || fail "region $1: no fsync issued"
  fi
}

passed=0 failed=0 n=0 results_tsv=$results/summary-$phase.tsv
: > "$results_tsv"
step() {  # step NAME FUNCTION
  n=$((n + 1))
  echo "== step $n: $1"
  local t0 rc=0
  t0=$(date +%s)
  ( "$2" ) || rc=$?
  printf '%s\t%s\t%s\n' "$phase $n $1" "$rc" "$(( $(date +%s) - t0 ))" >> "$results_tsv"
  if [ $rc = 0 ]; then passed=$((passed + 1)); echo "-- PASS step $n"; else failed=$((failed + 1)); echo "-- FAIL step $n"; fi
}

s_connect() {
  run nvme discover -t tcp -a "$addr" -s "$dport" || fail "discover failed"
  grep -q "subnqn: *$nqn" "$W/out" || fail "the discovery log does not list $nqn"
  # the kernel's defaults stay (I/O timeout 30 s, ctrl_loss_tmo 600 s): a failover must fit inside them
  run nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" || fail "connect failed"
  local dev="" _
  for _ in $(seq 1 60); do dev=$(dev_of); [ -n "$dev" ] && break; sleep 0.5; done
  [ -n "$dev" ] || fail "no block device for $nqn"
  [ -b "$dev" ] || fail "$dev is not a block device"
  echo "$dev" > "$W/dev"
  say "device $dev: $(cat /sys/block/${dev#/dev/}/size) sectors, io_timeout $(cat /sys/module/nvme_core/parameters/io_timeout 2>/dev/null || echo ?) s"
  dmesg > "$W/dmesg-before.txt" 2>&1 || true
}

s_fio_write() {
  local dev t0 r=0 nregions
  dev=$(cat "$W/dev")
  [ -b "$dev" ] || fail "$dev is not a block device"
  nregions=$(( $(cat /sys/block/${dev#/dev/}/size) * 512 / (region_mib << 20) ))
  : > "$results/regions.txt"
  t0=$(date +%s)
  echo "$(stamp)" > "$results/fio-started"
  say "fio started $(cat "$results/fio-started"); regions of $region_mib MiB until $seconds s have passed"
  while :; do
    local el=$(( $(date +%s) - t0 ))
    [ "$el" -lt "$seconds" ] || { [ "$el" -lt "$max_seconds" ] && [ ! -e "$results/kills-done" ]; } || break
    [ "$r" -lt "$nregions" ] || fail "ran out of regions ($nregions): raise the namespace size"
    local rc=0
    fio_region "$r" "$dev" 2> "$results/fio-$phase-r$(printf %02d "$r").err" || rc=$?
    echo "$r" >> "$results/regions.txt"
    if [ $rc != 0 ]; then
      echo "$(stamp)" > "$results/fio-done"
      sed 's/^/   fio| /' "$results/fio-$phase-r$(printf %02d "$r").err" | head -n 20
      fail "region $r: fio exited $rc"
    fi
    fio_check "$r"
    r=$((r + 1))
  done
  echo "$(stamp)" > "$results/fio-done"
  say "$r regions ($((r * region_mib)) MiB) written and verified in $(( $(date +%s) - t0 )) s"
}

s_fio_verify() {
  local dev r
  dev=$(cat "$W/dev")
  [ -b "$dev" ] || fail "$dev is not a block device"
  [ -s "$results/regions.txt" ] || fail "no regions.txt from the write phase"
  while read -r r; do
    local rc=0
    fio_region "$r" "$dev" --verify_only 2> "$results/fio-$phase-r$(printf %02d "$r").err" || rc=$?
    if [ $rc != 0 ]; then
      sed 's/^/   fio| /' "$results/fio-$phase-r$(printf %02d "$r").err" | head -n 20
      fail "region $r: fio --verify_only exited $rc"
    fi
    fio_check "$r"
  done < "$results/regions.txt"
  say "$(wc -l < "$results/regions.txt") regions verified after the restart"
}

s_disconnect() {
  run nvme disconnect -n "$nqn" || fail "disconnect failed"
  dmesg > "$results/dmesg-$phase.txt" 2>&1 || true
  # what the kernel logged during this phase (controller resets, timeouts, requeues are allowed; errors are not)
  diff "$W/dmesg-before.txt" "$results/dmesg-$phase.txt" | sed -n 's/^> //p' | grep -i nvme > "$results/dmesg-nvme-$phase.txt" || true
  sed 's/^/   | /' "$results/dmesg-nvme-$phase.txt" | tail -n 30
  say "kernel: $(grep -ci 'timeout' "$results/dmesg-nvme-$phase.txt" || true) timeout lines, $(grep -ci 'reset' "$results/dmesg-nvme-$phase.txt" || true) reset lines"
  ! grep -Eqi 'I/O error|critical|medium error|blk_update_request' "$results/dmesg-$phase.txt" || fail "the kernel logged an I/O error"
  ! grep -Eq 'WARNING:|BUG:|Call Trace' "$results/dmesg-$phase.txt" || fail "kernel warning logged"
}

step "discover and connect through the gateway" s_connect
if [ "$passed" = 1 ]; then
  if [ "$phase" = write ]; then
    step "fio 4k-128k randwrite, fsync every 32, crc32c verify, >= $seconds s (leader killed every 15 s)" s_fio_write
  else
    step "fio --verify_only of every region after the full restart" s_fio_verify
  fi
  step "disconnect, kernel log (no I/O error)" s_disconnect
fi
[ -e "$results/fio-done" ] || echo "$(stamp)" > "$results/fio-done"
echo "replication-$phase: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$n" -ge 3 ]
