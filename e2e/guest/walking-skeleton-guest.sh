#!/usr/bin/env bash
# walking-skeleton-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root.
# Drives the Linux kernel's NVMe/TCP initiator (nvme-cli, mkfs, fio) against a target and
# checks the walking skeleton end to end: discovery, connect, identify, filesystem
# persistence across reconnect, fio write+verify, header/data digests, disconnect.
#
# usage: walking-skeleton-guest.sh [options]
#   --addr A             target address as the guest sees it (default 10.0.2.2 = host 127.0.0.1)
#   --port P             NVMe/TCP I/O port (default 4420)
#   --discovery-port P   discovery port (default 8009)
#   --nqn NQN            subsystem NQN (default nqn.2026-11.io.nvmegate:disk1)
#   --results DIR        write summary.tsv/summary.json, discovery/fio JSON, dmesg here
#                        (a vm.sh -w folder; default /tmp/e2e-results inside the guest)
#   --expect-traddr A    TRADDR the discovery log must publish (default: --addr)
#   --expect-trsvcid P   TRSVCID the discovery log on the discovery port must publish for the
#                        subsystem (default: --port)
#   --nsze N             expected namespace size in blocks (default 262144 = 1 GiB / 4096)
#   --lba-bytes N        expected logical block size (default 4096)
#   --file-mb N          size of the file written through ext4 in step 4 (default 64)
#   --fio-size S         fio verify job size (default 64M); --fio-runtime S: safety cap (120)
#   --ioengine E         libaio (default) or io_uring
#   --peer-nvmet         run against the kernel's own target (nvmet) inside this guest instead:
#                        e2e/nvme-host/nvmet.sh up with a 1 GiB memory-backed null_blk (4096-byte
#                        blocks) on 127.0.0.1 --port and --discovery-port; defaults become
#                        --addr 127.0.0.1 --nqn nqn.2026-11.io.nvmegate:nvmet-peer and, since
#                        nvmet's discovery log lists the port the query arrived on,
#                        --expect-trsvcid = --discovery-port. Proves this script without nvmegate.
# Prints "== step N: ..." headers, PASS/FAIL per step and finally "e2e: N passed, M failed";
# exits 1 if any step failed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NH=$(cd "$HERE/../nvme-host" && pwd)

addr="" port=4420 dport=8009 nqn="" results=/tmp/e2e-results expect_traddr="" expect_trsvcid=""
nsze=262144 lba=4096 file_mb=64 fio_size=64M fio_runtime=120 ioengine=libaio peer=0
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --expect-traddr) expect_traddr=$2; shift 2 ;;
    --expect-trsvcid) expect_trsvcid=$2; shift 2 ;;
    --nsze) nsze=$2; shift 2 ;;
    --lba-bytes) lba=$2; shift 2 ;;
    --file-mb) file_mb=$2; shift 2 ;;
    --fio-size) fio_size=$2; shift 2 ;;
    --fio-runtime) fio_runtime=$2; shift 2 ;;
    --ioengine) ioengine=$2; shift 2 ;;
    --peer-nvmet) peer=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "walking-skeleton-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ $peer = 1 ]; then
  addr=${addr:-127.0.0.1}
  nqn=${nqn:-nqn.2026-11.io.nvmegate:nvmet-peer}
  expect_trsvcid=${expect_trsvcid:-$dport}
fi
addr=${addr:-10.0.2.2}
nqn=${nqn:-nqn.2026-11.io.nvmegate:disk1}
expect_traddr=${expect_traddr:-$addr}
expect_trsvcid=${expect_trsvcid:-$port}
[ "$(id -u)" = 0 ] || { echo "run as root inside the guest (e2e/nvme-host/vm.sh)" >&2; exit 2; }
mkdir -p "$results"
MNT=/mnt/e2e
CONNECT_OPTS=(--ctrl-loss-tmo=10 --reconnect-delay=1)  # a dead target fails I/O quickly

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "   $*"; }
fail() { echo "   CHECK FAILED: $*" >&2; return 1; }
# Runs a command, echoing it with its duration (the transcript shows what ran and how long).
run() {
  local t0 rc=0
  echo "   \$ $*"
  t0=$(now)
  { "$@" 2>&1 | sed 's/^/   | /'; rc=${PIPESTATUS[0]}; } || true
  echo "   (rc=${rc}, $(secs "$t0" "$(now)") s)"
  return $rc
}

# --- sysfs helpers -------------------------------------------------------------------
ctrls() {  # controllers (nvmeX) connected to $nqn over tcp
  local c
  for c in /sys/class/nvme/nvme*; do
    [ -r "$c/subsysnqn" ] || continue
    [ "$(cat "$c/subsysnqn")" = "$nqn" ] && [ "$(cat "$c/transport" 2>/dev/null)" = tcp ] \
      && echo "${c##*/}"
  done
  return 0
}
blockdev_of_nqn() {  # namespace block device of $nqn (native-multipath head or plain disk)
  local b n
  for b in /sys/block/nvme*n*; do
    n=${b##*/}
    [[ $n =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
    [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$nqn" ] && echo "/dev/$n"
  done | sort -V | sed -n 1p
}
CTRL="" DEV=""
wait_device() {  # sets CTRL and DEV; waits up to 30 s
  local _
  CTRL="" DEV=""
  for _ in $(seq 1 300); do
    CTRL=$(ctrls | sed -n 1p)
    [ -n "$CTRL" ] && DEV=$(blockdev_of_nqn)
    [ -n "$DEV" ] && [ -b "$DEV" ] && return 0
    sleep 0.1
  done
  fail "no block device for $nqn after 30 s (controller: ${CTRL:-none})"
}
connect() {  # extra nvme-connect options in "$@"
  local t0
  t0=$(now)
  run nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" "${CONNECT_OPTS[@]}" "$@" \
    || fail "nvme connect failed"
  wait_device
  say "connected: controller /dev/$CTRL, namespace $DEV ($(secs "$t0" "$(now)") s until the block device appeared)"
}
ensure_connected() {
  if [ -n "$(ctrls)" ] && wait_device; then say "using /dev/$CTRL, $DEV"; else connect; fi
}
disconnect() {
  local _
  run nvme disconnect -n "$nqn" || fail "nvme disconnect failed"
  for _ in $(seq 1 100); do [ -z "$(ctrls)" ] && return 0; sleep 0.1; done
  fail "controllers still present after disconnect: $(ctrls | tr '\n' ' ')"
}

# Checks a discovery log (text on stdin): an entry for $nqn with TRADDR $1, TRSVCID $2, tcp.
check_disc_text() {
  awk -v n="$nqn" -v a="$1" -v p="$2" '
    /^=====Discovery Log Entry/ { if (s == n && t == a && v == p && ty == "tcp") ok = 1; s = t = v = ty = "" }
    $1 == "subnqn:" { s = $2 } $1 == "traddr:" { t = $2 } $1 == "trsvcid:" { v = $2 } $1 == "trtype:" { ty = $2 }
    END { if (s == n && t == a && v == p && ty == "tcp") ok = 1; exit !ok }'
}
check_disc_json() {  # $1 file, $2 traddr, $3 trsvcid
  jq -e . "$1" >/dev/null || fail "discovery JSON does not parse"
  jq -e --arg n "$nqn" --arg a "$2" --arg p "$3" '
    [.records[] | select(.subnqn == $n and .subtype == "nvme subsystem" and .trtype == "tcp"
       and (.traddr | gsub("^\\s+|\\s+$"; "")) == $a and (.trsvcid | gsub("^\\s+|\\s+$"; "")) == $p)]
    | length >= 1' "$1" >/dev/null \
    || fail "JSON discovery log has no tcp entry for $nqn at $2:$3"
}

# --- steps ---------------------------------------------------------------------------
step_discover() {
  local out
  out=$(nvme discover -t tcp -a "$addr" -s "$dport") || { echo "$out"; fail "nvme discover on $addr:$dport failed"; }
  echo "$out" | sed 's/^/   | /'
  awk -v n="$nqn" '$1 == "subnqn:" && $2 == n { f = 1 } END { exit !f }' <<< "$out" \
    || fail "subsystem $nqn not in the discovery log"
  say "subsystem $nqn listed"
  check_disc_text "$expect_traddr" "$expect_trsvcid" <<< "$out" \
    || fail "no entry for $nqn with traddr $expect_traddr trsvcid $expect_trsvcid"
  say "entry has traddr $expect_traddr trsvcid $expect_trsvcid"
  nvme discover -t tcp -a "$addr" -s "$dport" -o json > "$results/discovery-$dport.json" \
    || fail "nvme discover -o json failed"
  check_disc_json "$results/discovery-$dport.json" "$expect_traddr" "$expect_trsvcid"
  say "JSON: $(jq -c '[.records[] | {subtype, subnqn, traddr, trsvcid}]' "$results/discovery-$dport.json")"
}

step_discover_io_port() {
  local out
  out=$(nvme discover -t tcp -a "$addr" -s "$port") || { echo "$out"; fail "nvme discover on the I/O port $addr:$port failed"; }
  echo "$out" | sed 's/^/   | /'
  check_disc_text "$expect_traddr" "$port" <<< "$out" \
    || fail "no entry for $nqn with traddr $expect_traddr trsvcid $port"
  say "subsystem $nqn listed with traddr $expect_traddr trsvcid $port"
  nvme discover -t tcp -a "$addr" -s "$port" -o json > "$results/discovery-$port.json" \
    || fail "nvme discover -o json on the I/O port failed"
  check_disc_json "$results/discovery-$port.json" "$expect_traddr" "$port"
  say "JSON parses and lists it too"
}

step_connect_identify() {
  connect
  run nvme list
  echo "   \$ nvme id-ctrl /dev/$CTRL"
  nvme id-ctrl "/dev/$CTRL" | sed 's/^/   | /'
  nvme id-ctrl "/dev/$CTRL" -o json > "$results/id-ctrl.json" || fail "id-ctrl -o json failed"
  jq -e --arg n "$nqn" '
    def t: gsub("^\\s+|\\s+$"; "");
    (.mn | t | length > 0) and (.sn | t | length > 0) and (.subnqn | t) == $n' "$results/id-ctrl.json" >/dev/null \
    || fail "id-ctrl: mn/sn empty or subnqn != $nqn: $(jq -c '{mn, sn, fr, subnqn}' "$results/id-ctrl.json")"
  say "id-ctrl: $(jq -c '{mn, sn, fr, subnqn, cntlid, ver}' "$results/id-ctrl.json")"
  echo "   \$ nvme id-ns $DEV"
  nvme id-ns "$DEV" | sed 's/^/   | /'
  nvme id-ns "$DEV" -o json > "$results/id-ns.json" || fail "id-ns -o json failed"
  local got ds ss
  got=$(jq -r .nsze "$results/id-ns.json")
  ds=$(jq -r '.lbafs[.flbas % 16].ds' "$results/id-ns.json")
  [ "$got" = "$nsze" ] || fail "id-ns nsze=$got, expected $nsze"
  [ $((1 << ds)) = "$lba" ] || fail "id-ns LBA data size 2^$ds, expected $lba"
  ss=$(blockdev --getss "$DEV")
  [ "$ss" = "$lba" ] || fail "block device logical sector size $ss, expected $lba"
  say "id-ns: nsze=$got, LBA $lba bytes, $(blockdev --getsize64 "$DEV") bytes"
}

step_fs_persist() {
  ensure_connected
  mkdir -p "$MNT"
  run mkfs.ext4 -q -F "$DEV" || fail "mkfs.ext4 failed"
  run mount "$DEV" "$MNT" || fail "mount failed"
  run dd if=/dev/urandom of="$MNT/random.bin" bs=1M count="$file_mb" status=none || fail "dd write failed"
  run sync || fail "sync failed"
  local before after
  before=$(sha256sum "$MNT/random.bin" | cut -d' ' -f1)
  say "sha256 written: $before"
  run umount "$MNT" || fail "umount failed"
  disconnect
  connect
  run mount "$DEV" "$MNT" || fail "mount after reconnect failed"
  after=$(sha256sum "$MNT/random.bin" | cut -d' ' -f1)
  say "sha256 read back after reconnect: $after"
  run umount "$MNT" || fail "umount failed"
  [ "$before" = "$after" ] || fail "sha256 mismatch after reconnect"
}

step_fio_verify() {
  ensure_connected
  local rc=0 j=$results/fio-verify.json
  run fio --name=verify-randwrite-4k --filename="$DEV" --ioengine="$ioengine" --direct=1 \
    --rw=randwrite --bs=4k --iodepth=16 --size="$fio_size" --runtime="$fio_runtime" \
    --verify=crc32c --do_verify=1 --verify_fatal=1 --output-format=json --output="$j" \
    2> "$results/fio-verify.err" || rc=$?
  [ ! -s "$results/fio-verify.err" ] || sed 's/^/   fio stderr: /' "$results/fio-verify.err"
  [ -s "$j" ] && jq -e . "$j" >/dev/null 2>&1 || { cat "$j" 2>/dev/null; fail "fio wrote no JSON (rc=$rc)"; }
  say "fio: $(jq -c '.jobs[0] | {error, write_bytes: .write.io_bytes, write_iops: (.write.iops | floor),
        write_lat_mean_us: (.write.lat_ns.mean / 1000 | floor), verified_bytes: .read.io_bytes,
        write_ms: .write.runtime, verify_ms: .read.runtime}' "$j")"
  [ $rc = 0 ] || fail "fio exited $rc"
  [ "$(jq -r '.jobs[0].error' "$j")" = 0 ] || fail "fio job error $(jq -r '.jobs[0].error' "$j")"
  local w r
  w=$(jq -r '.jobs[0].write.io_bytes' "$j") r=$(jq -r '.jobs[0].read.io_bytes' "$j")
  [ "$w" -gt 0 ] || fail "fio wrote nothing"
  # fio silently skips the verify pass when --runtime ends the write pass first.
  [ "$r" -ge "$w" ] || fail "fio verified $r of $w written bytes (runtime cap $fio_runtime s hit? lower --fio-size)"
  ! grep -qi 'verify' "$results/fio-verify.err" || fail "fio reported verify errors"
  say "fio wrote and verified $w bytes, no verify errors"
}

step_digests() {
  [ -z "$(ctrls)" ] || disconnect
  connect -g -G
  local off_mb=512 mb=8 pat=/tmp/e2e-digest.bin
  run dd if=/dev/urandom of="$pat" bs=1M count=$mb status=none || fail "dd pattern failed"
  run dd if="$pat" of="$DEV" bs=1M seek=$off_mb count=$mb oflag=direct conv=fsync status=none \
    || fail "dd write to $DEV failed"
  echo "   \$ dd if=$DEV bs=1M skip=$off_mb count=$mb iflag=direct | cmp - $pat"
  dd if="$DEV" bs=1M skip=$off_mb count=$mb iflag=direct status=none | cmp - "$pat" \
    || fail "read-back differs from what was written (with header+data digests)"
  rm -f "$pat"
  say "${mb} MiB at offset ${off_mb} MiB written and read back identical with -g -G (header+data digest)"
}

step_disconnect_dmesg() {
  disconnect
  say "no controller for $nqn left"
  dmesg > "$results/dmesg.txt" || true
  { grep -i nvme "$results/dmesg.txt" || true; } > "$results/dmesg-nvme.txt"
  echo "   \$ dmesg | grep -i nvme"
  sed 's/^/   | /' "$results/dmesg-nvme.txt"
  # Only what the kernel logged while this script ran (boot messages are not ours).
  local new
  new=$(tail -n +"$((DMESG_LINES0 + 1))" "$results/dmesg.txt")
  if grep -qE 'Call Trace|BUG:|WARNING:|Oops' <<< "$new"; then
    grep -E -A8 'Call Trace|BUG:|WARNING:|Oops' <<< "$new" | sed 's/^/   ! /'
    fail "kernel warning/oops in dmesg during the test"
  fi
}

# --- runner --------------------------------------------------------------------------
passed=0 failed=0 step_no=0 last_rc=0 CONNECT_RC=1
DMESG_LINES0=$(dmesg | wc -l)
printf 'step\tname\trc\tseconds\n' > "$results/summary.tsv"
step() {  # step NAME FUNCTION [needs-connection]
  local name=$1 fn=$2 needs=${3:-} t0 rc=0 dt
  step_no=$((step_no + 1))
  echo
  echo "== step $step_no: $name"
  t0=$(now)
  if [ "$needs" = needs-connection ] && [ "$CONNECT_RC" != 0 ]; then
    echo "   skipped: the connect step failed"
    rc=99
  else
    set +e
    ( set -e; "$fn" )
    rc=$?
    set -e
  fi
  dt=$(secs "$t0" "$(now)")
  if [ $rc = 0 ]; then
    passed=$((passed + 1)); echo "-- PASS step $step_no: $name (${dt} s)"
  else
    failed=$((failed + 1)); echo "-- FAIL step $step_no: $name (rc=$rc, ${dt} s)"
  fi
  printf '%s\t%s\t%s\t%s\n' "$step_no" "$name" "$rc" "$dt" >> "$results/summary.tsv"
  last_rc=$rc
  return 0
}

cleanup() {
  set +e
  mountpoint -q "$MNT" 2>/dev/null && umount "$MNT" 2>/dev/null
  [ -z "$(ctrls)" ] || nvme disconnect -n "$nqn" >/dev/null 2>&1
  [ $peer = 0 ] || "$NH/nvmet.sh" down --nqn "$nqn" >/dev/null 2>&1
  return 0
}
trap cleanup EXIT

T0=$(now)
echo "== walking skeleton e2e: target $addr io-port $port discovery-port $dport nqn $nqn"
echo "   guest: $(uname -r), $(nvme version | sed -n 1p), $(fio --version), $(nproc) vCPUs, results in $results"
if [ $peer = 1 ]; then
  echo "== setup: kernel nvmet peer (instead of nvmegate)"
  t0=$(now)
  "$NH/nvmet.sh" up --backend nullmem --size-mb $(( nsze * lba / 1048576 )) --bs "$lba" \
    --addr "$addr" --port "$port" --discovery-port "$dport" --nqn "$nqn"
  echo "   nvmet up in $(secs "$t0" "$(now)") s"
fi

step "discovery on $addr:$dport (text + JSON)" step_discover
step "discovery on the I/O port $addr:$port" step_discover_io_port
step "connect, nvme list, id-ctrl, id-ns" step_connect_identify
CONNECT_RC=$last_rc
step "ext4 + ${file_mb} MiB file survives disconnect/reconnect" step_fs_persist needs-connection
step "fio 4k randwrite + crc32c verify ($fio_size, iodepth 16, $ioengine)" step_fio_verify needs-connection
step "header+data digests (-g -G): dd write/read compare" step_digests needs-connection
step "disconnect, kernel log" step_disconnect_dmesg

total=$(secs "$T0" "$(now)")
jq -R -s --arg total "$total" --argjson passed $passed --argjson failed $failed '
  split("\n") | .[1:] | map(select(length > 0) | split("\t")
    | {step: (.[0] | tonumber), name: .[1], rc: (.[2] | tonumber), seconds: (.[3] | tonumber)})
  | {passed: $passed, failed: $failed, seconds: ($total | tonumber), steps: .}' \
  "$results/summary.tsv" > "$results/summary.json" || true
echo
echo "== summary (${total} s)"
column -t -s $'\t' "$results/summary.tsv" 2>/dev/null | sed 's/^/   /' || sed 's/^/   /' "$results/summary.tsv"
echo "e2e: $passed passed, $failed failed"
[ $failed = 0 ]
