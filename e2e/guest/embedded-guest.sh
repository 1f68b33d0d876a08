#!/usr/bin/env bash
# embedded-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root, against the
# in-process target of e2e/embedded.sh: nvme discover (entry with traddr --addr, trsvcid
# --port), nvme connect, 4 MiB random data written with dd (O_DIRECT) at two offsets and read
# back for a byte compare, nvme disconnect. Prints "e2e: N passed, M failed"; exits 1 on failure.
#
# usage: embedded-guest.sh --addr A --port P --discovery-port D --nqn NQN
set -uo pipefail
addr=10.0.2.2 port=24420 dport=28009 nqn=nqn.2026-11.io.nvmegate:embedded-demo
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    *) echo "embedded-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
passed=0 failed=0
step() {  # step NAME FUNCTION
  echo "== step: $1"
  if "$2"; then echo "   PASS"; passed=$((passed + 1)); else echo "   FAIL"; failed=$((failed + 1)); fi
}
DEV=""
device() {
  local b n
  for b in /sys/block/nvme*n*; do
    n=${b##*/}
    [[ $n =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
    [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$nqn" ] && { echo "/dev/$n"; return 0; }
  done
  return 1
}

discover() {
  local out
  out=$(nvme discover -t tcp -a "$addr" -s "$dport") || { echo "$out"; return 1; }
  echo "$out" | sed 's/^/   | /'
  awk -v n="$nqn" -v a="$addr" -v p="$port" '
    /^=====Discovery Log Entry/ { if (s == n && t == a && v == p) ok = 1; s = t = v = "" }
    $1 == "subnqn:" { s = $2 } $1 == "traddr:" { t = $2 } $1 == "trsvcid:" { v = $2 }
    END { if (s == n && t == a && v == p) ok = 1; exit !ok }' <<< "$out"
}
connect() {
  nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" --ctrl-loss-tmo=10 --reconnect-delay=1 || return 1
  for _ in $(seq 1 300); do DEV=$(device) && [ -b "$DEV" ] && break; sleep 0.1; done
  [ -b "$DEV" ] || { echo "   no block device for $nqn"; return 1; }
  echo "   $DEV: $(blockdev --getsize64 "$DEV") bytes, model '$(cat /sys/block/${DEV#/dev/}/device/model | xargs)'"
  [ "$(blockdev --getsize64 "$DEV")" = $((256 << 20)) ]
}
write_read_compare() {
  local w=/tmp/embedded-w.bin r=/tmp/embedded-r.bin off
  dd if=/dev/urandom of=$w bs=1M count=4 status=none || return 1
  for off in 0 200; do  # MiB offsets
    dd if=$w of="$DEV" bs=1M seek=$off oflag=direct conv=fsync status=none || return 1
    dd if="$DEV" of=$r bs=1M skip=$off count=4 iflag=direct status=none || return 1
    cmp $w $r || return 1
    echo "   4 MiB at ${off} MiB written and read back identical"
  done
  dd if="$DEV" of=$r bs=1M skip=100 count=1 iflag=direct status=none || return 1
  cmp -n 1048576 $r /dev/zero && echo "   never-written MiB reads zeroes"
}
disconnect() {
  nvme disconnect -n "$nqn" || return 1
  for _ in $(seq 1 100); do device >/dev/null || return 0; sleep 0.1; done
  return 1
}
step "nvme discover on $addr:$dport lists $nqn at $addr:$port" discover
step "nvme connect $addr:$port" connect
if [ -n "$DEV" ]; then step "dd write + read-back compare on $DEV" write_read_compare; fi
step "nvme disconnect" disconnect
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
