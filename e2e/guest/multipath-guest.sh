#!/usr/bin/env bash
# multipath-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root, against the cluster e2e/multipath.sh
# started on the host (one block worker, gateway-1 with NVMe/TCP port --ports[0], gateway-2 with --ports[1], a
# discovery service; subsystem --nqn with NSID 1). The host script kills, pauses and drains the gateways meanwhile;
# this script only uses what a Linux host has by default:
#   1. nvme connect-all through the discovery service (kernel defaults: native multipath nvme_core.multipath=Y,
#      keep-alive 5 s, reconnect every 10 s, ctrl_loss_tmo 600 s, I/O timeout 30 s): one native-multipath namespace
#      (/dev/nvmeXnY) with one path per gateway port, every path live; the guest clock's offset to the host's is
#      measured (--clock-port: the host answers a TCP connection with its `date +%s.%N`) so that the host can put
#      the guest's I/O completions on its own time line
#   2. fio until --seconds have passed AND the host wrote $results/events-done (or --max-seconds have passed, or
#      the host wrote $results/abort): region after region (--region-mib MiB, own seed) random writes of 4..128 KiB,
#      libaio iodepth 16, O_DIRECT, an fsync every 32 writes, crc32c + header in every block, then fio's verify pass
#      reads the region back (verify_fatal); beside it a probe (fio, one 4 KiB O_DIRECT read every 50 ms). Both log
#      every completion with its time (fio --write_lat_log, --log_unix_epoch): $results/completions.txt (guest
#      epoch ms, sorted) is what the host measures "event -> first completed I/O" and the longest I/O gap with.
#      It writes $results/fio-started when the I/O runs, $results/fio-done when it stops.
#   3. disconnect; the kernel log has no "no available path - failing I/O", no I/O error, no WARNING/BUG
# All along, a monitor loop (every 0.25 s, sysfs only) keeps the path states: $results/paths.now ("GUEST_EPOCH
# PORT=STATE/ANA_STATE ...", rewritten on every change and every 2 s), $results/paths.log (every change); and for
# every file $results/req/NAME the host creates, it writes $results/subsys-NAME.txt (each path's controller, state,
# ANA state from sysfs, then `nvme list-subsys` of the device) once, in the background: list-subsys can block while
# a path's gateway is paused. $results/guest-boot-epoch.txt puts dmesg's times on the guest clock.
#
# usage: multipath-guest.sh [--addr A] [--discovery-port P] [--ports P1,P2] [--nqn NQN] [--seconds S]
#                           [--max-seconds S] [--region-mib M] [--clock-port P] [--results DIR]
# Prints "== step N: ..." headers, "-- PASS|FAIL step N" per step and finally "multipath: N passed, M failed";
# exits 1 if any step failed.
set -euo pipefail

addr=10.0.2.2 dport=8009 ports=4420,4421 nqn=nqn.2026-12.io.nvmegate:mpath seconds=60 max_seconds=230 region_mib=4
clock_port=23999 results=/tmp/multipath-results
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --ports) ports=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --max-seconds) max_seconds=$2; shift 2 ;;
    --region-mib) region_mib=$2; shift 2 ;;
    --clock-port) clock_port=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "multipath-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run as root inside the guest (e2e/nvme-host/vm.sh)" >&2; exit 2; }
IFS=, read -r -a PORTS <<< "$ports"
mkdir -p "$results" "$results/req"
W=/tmp/multipath-work
mkdir -p "$W"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # say, fail, run
stamp() { date +%s.%N | cut -c1-14; }

# --- what the kernel shows: the multipath device and its paths (bash builtins only: the monitor runs 4 times a s) --
# the namespace block device of $nqn NSID 1 (empty if none): /dev/nvmeXnY, the native-multipath head, never a hidden
# per-path node nvmeXcYnZ (no /dev node)
dev_of() {
  local b n s
  for b in /sys/block/nvme*n*; do
    [ -e "$b" ] || continue
    [[ ${b##*/} =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
    read -r n < "$b/device/subsysnqn" 2>/dev/null || continue
    read -r s < "$b/nsid" 2>/dev/null || continue
    if [ "$n" = "$nqn" ] && [ "$s" = 1 ]; then echo "/dev/${b##*/}"; return 0; fi
  done
  return 0
}
# sets PATHS ("4420=live/optimized 4421=connecting/inaccessible", in --ports order; "absent" for a port without a
# controller, ANA state "-" while the controller has no path node) and LIVE (how many paths are live with an
# optimized or non-optimized ANA state)
path_states() {
  local s c a st ana pn p n
  declare -A seen=()
  for s in /sys/class/nvme-subsystem/nvme-subsys*; do
    read -r n < "$s/subsysnqn" 2>/dev/null || continue
    [ "$n" = "$nqn" ] || continue
    for c in "$s"/nvme[0-9]*; do
      [[ ${c##*/} =~ ^nvme[0-9]+$ ]] || continue  # a controller, not the head disk nvmeXnY
      read -r a < "$c/address" 2>/dev/null || continue
      read -r st < "$c/state" 2>/dev/null || st=gone
      p=${a#*trsvcid=}; p=${p%%,*}
      ana=-
      for pn in "$c"/nvme*c*n*; do [ -r "$pn/ana_state" ] && read -r ana < "$pn/ana_state"; break; done
      seen[$p]="$st/$ana"
    done
  done
  PATHS="" LIVE=0
  for p in "${PORTS[@]}"; do
    PATHS+="${PATHS:+ }$p=${seen[$p]:-absent}"
    case "${seen[$p]:-}" in live/optimized|live/non-optimized) LIVE=$((LIVE + 1)) ;; esac
  done
}
# put FILE: TEXT ($2) into $results/FILE so that the host sees it whole (write, fsync through 9p, rename)
put() { printf '%s\n' "$2" > "$results/.$1.tmp"; sync "$results/.$1.tmp"; mv -f "$results/.$1.tmp" "$results/$1"; }

# subsys_snapshot NAME: the transcript for the host's request NAME
subsys_snapshot() {
  local name=$1 dev c pn a st ana
  dev=$(dev_of)
  path_states
  {
    echo "== $name: guest $(date -u +%T.%N | cut -c1-12) UTC; paths: $PATHS"
    for c in /sys/class/nvme-subsystem/nvme-subsys*/nvme[0-9]*; do
      [[ ${c##*/} =~ ^nvme[0-9]+$ ]] || continue
      [ "$(cat "${c%/*}/subsysnqn" 2>/dev/null)" = "$nqn" ] || continue
      read -r a < "$c/address" 2>/dev/null || a=?; read -r st < "$c/state" 2>/dev/null || st=?
      ana=-; for pn in "$c"/nvme*c*n*; do [ -r "$pn/ana_state" ] && read -r ana < "$pn/ana_state"; break; done
      echo "sysfs ${c##*/}: $a state=$st ana_state=$ana"
    done
    echo "\$ nvme list-subsys ${dev:-}   (guest $(date -u +%T.%N | cut -c1-12))"
    if [ -n "$dev" ]; then nvme list-subsys "$dev" 2>&1 || true; else nvme list-subsys 2>&1 || true; fi
    echo "(done: guest $(date -u +%T.%N | cut -c1-12))"
  } > "$W/subsys-$name.txt" 2>&1
  cp "$W/subsys-$name.txt" "$results/.subsys-$name.tmp"
  sync "$results/.subsys-$name.tmp"
  mv -f "$results/.subsys-$name.tmp" "$results/subsys-$name.txt"
}

# the monitor: path changes, paths.now for the host's waits, the host's transcript requests
monitor() {
  local prev="" now last=0 r name
  declare -A done_req=()
  : > "$W/paths.log"
  while [ ! -e "$W/monitor-stop" ]; do
    path_states
    now=$EPOCHREALTIME
    if [ "$PATHS" != "$prev" ] || [ "${now%.*}" -ge $((last + 2)) ]; then
      [ "$PATHS" = "$prev" ] || echo "$now $PATHS" >> "$W/paths.log"
      prev=$PATHS last=${now%.*}
      put paths.now "$now $PATHS"
    fi
    for r in "$results"/req/*; do
      [ -e "$r" ] || continue
      name=${r##*/}
      [ -z "${done_req[$name]:-}" ] || continue
      done_req[$name]=1
      # in the background: nvme list-subsys DEV can block (an Identify through a path whose gateway is paused)
      subsys_snapshot "$name" &
    done
    sleep 0.25
  done
}

# clock_sync FILE: the host clock minus the guest's (seconds), from the fastest of 7 round trips to the host's clock
# port; appends "OFFSET RTT" to $results/FILE. The guest's clock comes from the RTC (1 s steps) at boot.
clock_sync() {
  local i t1 t2 h best="" line
  for i in 1 2 3 4 5 6 7; do
    t1=$EPOCHREALTIME
    exec 3<>"/dev/tcp/$addr/$clock_port" || continue
    read -r h <&3 || h=""
    t2=$EPOCHREALTIME
    exec 3<&-
    [ -n "$h" ] || continue
    line=$(awk -v a="$t1" -v b="$t2" -v h="$h" 'BEGIN { printf "%.4f %.4f", h - (a + b) / 2, b - a }')
    if [ -z "$best" ] || awk -v x="${line#* }" -v y="${best#* }" 'BEGIN { exit !(x < y) }'; then best=$line; fi
  done
  [ -n "$best" ] || return 1
  echo "$best" >> "$results/$1"
  # dmesg's [seconds since boot] on the guest's epoch clock
  local up
  read -r up _ < /proc/uptime
  awk -v e="$EPOCHREALTIME" -v u="$up" 'BEGIN { printf "%.3f\n", e - u }' > "$results/guest-boot-epoch.txt"
  say "clock: host - guest = ${best% *} s (round trip ${best#* } s)"
}

# fio_region N DEV: the writer's job for region N (offset N * region size), output fio-rNN.json, latency log in $W
fio_region() {
  local r=$1 dev=$2 rr
  rr=$(printf %02d "$r")
  fio --name="region-$r" --filename="$dev" --direct=1 --ioengine=libaio --iodepth=16 --rw=randwrite \
    --bsrange=4k-128k --blockalign=4k --offset=$((r * region_mib))M --size="${region_mib}M" --fsync=32 \
    --verify=crc32c --verify_fatal=1 --randrepeat=1 --randseed=$((15000 + r)) \
    --write_lat_log="$W/lat-r$rr" --log_unix_epoch=1 \
    --output-format=json --output="$results/fio-r$rr.json"
}
# fio_check N: no error, the region written and read back (verified) in full
fio_check() {
  local j
  j="$results/fio-r$(printf %02d "$1").json"
  [ -s "$j" ] || fail "region $1: no fio JSON"
  jq -e '[.jobs[] | select(.error != 0)] | length == 0' "$j" >/dev/null || fail "region $1: fio error $(jq -c '[.jobs[].error]' "$j")"
  [ "$(jq '.jobs[0].write.io_bytes' "$j")" = $((region_mib << 20)) ] || fail "region $1: wrote $(jq '.jobs[0].write.io_bytes' "$j") bytes, not the region"
  [ "$(jq '.jobs[0].read.io_bytes' "$j")" = $((region_mib << 20)) ] || fail "region $1: verified $(jq '.jobs[0].read.io_bytes' "$j") bytes, not the region"
  jq -r --arg r "$1" '.jobs[0] | "   region \($r): write \(.write.io_bytes / 1048576 | floor) MiB (clat max \(.write.clat_ns.max / 1e6 | floor) ms), verified \(.read.io_bytes / 1048576 | floor) MiB (clat max \(.read.clat_ns.max / 1e6 | floor) ms), \(.sync.total_ios // 0) fsyncs"' "$j"
}

passed=0 failed=0 n=0
step() {  # step NAME FUNCTION
  n=$((n + 1))
  echo "== step $n: $1"
  local rc=0
  ( "$2" ) || rc=$?
  if [ $rc = 0 ]; then passed=$((passed + 1)); echo "-- PASS step $n"; else failed=$((failed + 1)); echo "-- FAIL step $n"; fi
}

s_connect() {
  local mp dev="" _ s c
  read -r mp < /sys/module/nvme_core/parameters/multipath || mp=?
  say "kernel $(uname -r); nvme_core.multipath=$mp, io_timeout $(cat /sys/module/nvme_core/parameters/io_timeout 2>/dev/null || echo ?) s"
  [ "$mp" = Y ] || fail "native multipath is off (nvme_core.multipath=$mp)"
  clock_sync clock.txt || fail "no answer from the host's clock port $addr:$clock_port"
  run nvme discover -t tcp -a "$addr" -s "$dport" || fail "discover failed"
  for p in "${PORTS[@]}"; do grep -q "trsvcid: *$p\$" "$W/out" || fail "the discovery log does not list port $p"; done
  # what a user runs; kernel defaults for keep-alive, reconnect delay, ctrl_loss_tmo
  run nvme connect-all -t tcp -a "$addr" -s "$dport" || fail "connect-all failed"
  for _ in $(seq 1 60); do
    dev=$(dev_of); path_states
    [ -n "$dev" ] && [ "$LIVE" = "${#PORTS[@]}" ] && break
    sleep 0.5
  done
  say "device ${dev:-none}; paths: $PATHS"
  [ -n "$dev" ] && [ -b "$dev" ] || fail "no multipath block device for $nqn"
  [ "$LIVE" = "${#PORTS[@]}" ] || fail "expected ${#PORTS[@]} live paths, got: $PATHS"
  # one head nvmeXnY, one hidden path node nvmeXcZnY per controller
  [[ ${dev#/dev/} =~ ^nvme([0-9]+)n([0-9]+)$ ]] || fail "$dev is not a multipath head"
  local nodes
  nodes=$(cd /sys/block && ls -d "nvme${BASH_REMATCH[1]}c"*"n${BASH_REMATCH[2]}" 2>/dev/null | tr '\n' ' ')
  say "path nodes of ${dev#/dev/}: $nodes"
  [ "$(wc -w <<< "$nodes")" = "${#PORTS[@]}" ] || fail "expected ${#PORTS[@]} path nodes, got: ${nodes:-none}"
  echo "$dev" > "$W/dev"
  for s in /sys/class/nvme-subsystem/nvme-subsys*; do
    [ "$(cat "$s/subsysnqn")" = "$nqn" ] || continue
    say "${s##*/}: iopolicy $(cat "$s/iopolicy" 2>/dev/null || echo ?)"
    for c in "$s"/nvme[0-9]*; do
      [[ ${c##*/} =~ ^nvme[0-9]+$ ]] || continue
      say "${c##*/}: $(cat "$c/address"); kato $(cat "$c/kato" 2>/dev/null || echo ?) s, reconnect_delay $(cat "$c/reconnect_delay" 2>/dev/null || echo ?) s, ctrl_loss_tmo $(cat "$c/ctrl_loss_tmo" 2>/dev/null || echo ?) s, fast_io_fail_tmo $(cat "$c/fast_io_fail_tmo" 2>/dev/null || echo ?)"
    done
  done
  RUN_LINES=20 run nvme list-subsys "$dev" || true
  dmesg > "$W/dmesg-before.txt" 2>&1 || true
}

s_fio() {
  local dev t0 r=0 nregions probe el rc
  dev=$(cat "$W/dev")
  nregions=$(( $(cat /sys/block/${dev#/dev/}/size) * 512 / (region_mib << 20) ))
  # the probe: one 4 KiB read every 50 ms, until stopped (SIGINT)
  fio --name=probe --filename="$dev" --direct=1 --ioengine=psync --rw=randread --bs=4k --thinktime=50000 \
    --thinktime_blocks=1 --time_based --runtime=$((max_seconds + 60)) --write_lat_log="$W/probe" --log_unix_epoch=1 \
    --output-format=json --output="$W/probe.json" > "$W/probe.out" 2>&1 &
  probe=$!
  : > "$results/regions.txt"
  t0=$(date +%s)
  put fio-started "$(stamp)"
  say "fio started $(cat "$results/fio-started"): regions of $region_mib MiB until $seconds s have passed and the host's events are done (at most $max_seconds s)"
  while :; do
    el=$(( $(date +%s) - t0 ))
    [ ! -e "$results/abort" ] || { say "the host aborted after $el s"; break; }
    if [ "$el" -ge "$seconds" ] && [ -e "$results/events-done" ]; then break; fi
    [ "$el" -lt "$max_seconds" ] || { say "--max-seconds ($max_seconds) passed before the host's events were done"; break; }
    [ "$r" -lt "$nregions" ] || { kill -INT "$probe" 2>/dev/null; put fio-done "$(stamp)"; fail "ran out of regions ($nregions): raise the namespace size"; }
    rc=0
    fio_region "$r" "$dev" 2> "$results/fio-r$(printf %02d "$r").err" || rc=$?
    echo "$r" >> "$results/regions.txt"
    if [ $rc != 0 ]; then
      put fio-done "$(stamp)"
      kill -INT "$probe" 2>/dev/null || true
      sed 's/^/   fio| /' "$results/fio-r$(printf %02d "$r").err" | head -n 20
      fail "region $r: fio exited $rc at +$(( $(date +%s) - t0 )) s"
    fi
    ( fio_check "$r" ) || { put fio-done "$(stamp)"; kill -INT "$probe" 2>/dev/null || true; fail "region $r: check failed"; }
    r=$((r + 1))
  done
  put fio-done "$(stamp)"
  kill -INT "$probe" 2>/dev/null || true
  rc=0; wait "$probe" || rc=$?
  # fio prints "fio: terminating on signal 2" before its JSON
  sed -n '/^{/,$p' "$W/probe.json" > "$results/fio-probe.json"
  jq -e '.jobs[0].error == 0' "$results/fio-probe.json" >/dev/null || { sed 's/^/   probe| /' "$W/probe.out" | tail -n 20; fail "the probe failed: $(jq -c '[.jobs[].error]' "$results/fio-probe.json" 2>/dev/null || echo 'no JSON')"; }
  say "probe: $(jq -r '.jobs[0].read | "\(.total_ios) reads, clat max \(.clat_ns.max / 1e6 | floor) ms"' "$results/fio-probe.json")"
  # every completion (writer and probe), guest epoch ms, sorted: the host's time line
  cat "$W"/lat-r*_clat.*.log "$W"/probe_clat.*.log 2>/dev/null | cut -d, -f1 | sort -n > "$results/completions.txt"
  cut -d, -f1 "$W"/probe_clat.*.log > "$results/completions-probe.txt" 2>/dev/null || true
  say "$r regions ($((r * region_mib)) MiB) written and verified in $(( $(date +%s) - t0 )) s; $(wc -l < "$results/completions.txt") I/O completions logged"
  [ "$r" -gt 0 ] || fail "no region written"
  clock_sync clock.txt || true
}

s_disconnect() {
  run nvme disconnect -n "$nqn" || fail "disconnect failed"
  dmesg > "$results/dmesg.txt" 2>&1 || true
  # what the kernel logged during the test (resets, reconnects, requeues are expected; failed I/O is not)
  diff "$W/dmesg-before.txt" "$results/dmesg.txt" | sed -n 's/^> //p' | grep -i nvme > "$results/dmesg-nvme.txt" || true
  sed 's/^/   | /' "$results/dmesg-nvme.txt" | tail -n 40
  say "kernel: $(grep -ci 'timeout' "$results/dmesg-nvme.txt" || true) timeout lines, $(grep -ci 'reset' "$results/dmesg-nvme.txt" || true) reset lines, $(grep -ci 'requeuing' "$results/dmesg-nvme.txt" || true) requeue lines"
  ! grep -q 'no available path - failing I/O' "$results/dmesg.txt" || fail "the kernel failed I/O: no available path"
  ! grep -Eqi 'I/O error|critical|medium error|blk_update_request' "$results/dmesg.txt" || fail "the kernel logged an I/O error"
  ! grep -Eq 'WARNING:|BUG:|Call Trace' "$results/dmesg.txt" || fail "kernel warning logged"
}

step "nvme connect-all: one native-multipath namespace, a live path per gateway" s_connect
if [ "$passed" = 1 ]; then
  monitor > "$W/monitor.out" 2>&1 &
  MONITOR=$!
  step "fio 4k-128k randwrite, fsync every 32, crc32c verify, >= $seconds s while the host kills, pauses and drains gateways" s_fio
  touch "$W/monitor-stop"; wait "$MONITOR" 2>/dev/null || true
  cp "$W/paths.log" "$results/paths.log" 2>/dev/null || true
  subsys_snapshot 99-end
  step "disconnect, kernel log (no failed I/O)" s_disconnect
fi
[ -e "$results/fio-done" ] || put fio-done "$(stamp)"
echo "multipath: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$n" -ge 3 ]
