#!/usr/bin/env bash
# conformance-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root.
# The nvme-cli conformance matrix against an nvmegate subsystem with two namespaces (NSID 1:
# 4096-byte blocks, NSID 2: 512-byte blocks): identify, log pages, features, every NVM I/O
# command nvme-cli has, connect options (digests, queue counts and sizes, --disable-sqflow),
# reset, keep-alive expiry, fio verify with digests, disconnect. See docs/conformance.md.
#
# usage: conformance-guest.sh [--addr A] [--port P] [--nqn NQN] [--results DIR] [--fio-size S]
#   defaults: --addr 10.0.2.2 --port 14420 --nqn nqn.2026-11.io.nvmegate:conformance
#             --results /tmp/conformance-results --fio-size 32M
# Prints "== step N: ..." headers, "-- PASS|FAIL step N" per step and finally
# "conformance: N passed, M failed"; exits 1 if any step failed.
set -euo pipefail

addr=10.0.2.2 port=14420 nqn=nqn.2026-11.io.nvmegate:conformance results=/tmp/conformance-results
fio_size=32M
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --fio-size) fio_size=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "conformance-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run as root inside the guest (e2e/nvme-host/vm.sh)" >&2; exit 2; }
mkdir -p "$results"
W=/tmp/conformance-work
mkdir -p "$W"
BASE_OPTS=(--ctrl-loss-tmo=30 --reconnect-delay=1)

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "   $*"; }
fail() { echo "   CHECK FAILED: $*" >&2; return 1; }
run() {  # echoes the command, its output and rc; returns its rc
  local t0 rc=0
  echo "   \$ $*"
  t0=$(now)
  { "$@" > "$W/out" 2>&1; } || rc=$?
  sed 's/^/   | /' "$W/out" | head -n 60
  echo "   (rc=${rc}, $(secs "$t0" "$(now)") s)"
  return $rc
}
expect_fail() {  # expect_fail PATTERN CMD...: the command must fail and print PATTERN (grep -Ei)
  local pat=$1 rc=0
  shift
  run "$@" || rc=$?
  [ $rc != 0 ] || fail "expected '$*' to fail"
  grep -qEi "$pat" "$W/out" || fail "expected /$pat/ in the output of '$*'"
  say "failed as expected (/$pat/)"
}
jqe() {  # jqe FILE FILTER: jq -e with the filter shown on failure
  jq -e "$2" "$1" >/dev/null || fail "jq '$2' is false on $(basename "$1"): $(head -c 600 "$1")"
}

# --- devices -------------------------------------------------------------------------
ctrls() {
  local c
  for c in /sys/class/nvme/nvme*; do
    [ -r "$c/subsysnqn" ] || continue
    [ "$(cat "$c/subsysnqn")" = "$nqn" ] && [ "$(cat "$c/transport" 2>/dev/null)" = tcp ] && echo "${c##*/}"
  done
  return 0
}
nsdev() {  # nsdev NSID: block device of namespace NSID of $nqn
  local b n
  for b in /sys/block/nvme*n*; do
    n=${b##*/}
    [[ $n =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
    if [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$nqn" ] && [ "$(cat "$b/nsid" 2>/dev/null)" = "$1" ]; then
      echo "/dev/$n"
    fi
  done | sort -V | sed -n 1p
}
CTRL="" DEV1="" DEV2=""
wait_devices() {
  local _
  CTRL="" DEV1="" DEV2=""
  for _ in $(seq 1 300); do
    CTRL=$(ctrls | sed -n 1p)
    if [ -n "$CTRL" ]; then DEV1=$(nsdev 1); DEV2=$(nsdev 2); fi
    [ -n "$DEV1" ] && [ -n "$DEV2" ] && [ -b "$DEV1" ] && [ -b "$DEV2" ] && return 0
    sleep 0.1
  done
  fail "no block devices for $nqn after 30 s (controller ${CTRL:-none}, ns1 ${DEV1:-none}, ns2 ${DEV2:-none})"
}
state() { cat "/sys/class/nvme/$CTRL/state" 2>/dev/null || echo gone; }
wait_state() {  # wait_state STATE SECONDS
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do [ "$(state)" = "$1" ] && return 0; sleep 0.1; done
  fail "controller $CTRL state '$(state)' is not '$1' after $2 s"
}
connect() {  # connect [nvme-connect options]
  run nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" "${BASE_OPTS[@]}" "$@" || fail "nvme connect $* failed"
  wait_devices
  say "connected: /dev/$CTRL, NSID 1 $DEV1, NSID 2 $DEV2, $(($(cat /sys/class/nvme/$CTRL/queue_count) - 1)) I/O queues, sqsize $(cat /sys/class/nvme/$CTRL/sqsize)"
}
disconnect() {
  local _
  run nvme disconnect -n "$nqn" || fail "nvme disconnect failed"
  for _ in $(seq 1 100); do [ -z "$(ctrls)" ] && return 0; sleep 0.1; done
  fail "controllers still present after disconnect: $(ctrls | tr '\n' ' ')"
}
queues_are() {  # queues_are IO_QUEUES SQSIZE(0's based)
  local q s
  q=$(( $(cat "/sys/class/nvme/$CTRL/queue_count") - 1 )); s=$(cat "/sys/class/nvme/$CTRL/sqsize")
  [ "$q" = "$1" ] || fail "$q I/O queues, expected $1"
  [ "$s" = "$2" ] || fail "sqsize $s, expected $2"
  say "$q I/O queues, sqsize $s"
}
pattern() { dd if=/dev/urandom of="$1" bs="$2" count=1 status=none; }

# --- steps ---------------------------------------------------------------------------
step_connect_digests() {
  connect --hdr-digest --data-digest --nr-io-queues=2 --queue-size=64
  queues_are 2 63
}

step_id_ctrl() {
  nvme id-ctrl "/dev/$CTRL" -o json > "$results/id-ctrl.json" || fail "id-ctrl failed"
  nvme id-ctrl "/dev/$CTRL" | sed 's/^/   | /' | head -n 80
  local f=$results/id-ctrl.json
  jqe "$f" '.cntlid > 0 and .ver == 66304 and .kas > 0 and .cmic == 11 and .aerl == 3 and .elpe == 63'
  jqe "$f" '.ctratt == 65 and .oaes == 2304 and .lpa == 6 and .frmw == 3'
  jqe "$f" '.oncs == 173 and .fuses == 1 and .vwc == 7 and .nn == 1024 and .mnan == 1024'
  jqe "$f" '.anacap == 151 and .anatt == 10 and .anagrpmax == 128 and .nanagrpid == 128'
  jqe "$f" '.sgls == 1048577 and .ioccsz == 516 and .iorcsz == 1 and .icdoff == 0 and .maxcmd == 128'
  say "$(jq -c '{cntlid, ver, kas, cmic, oaes, ctratt, oncs, fuses, vwc, sgls, anacap, anagrpmax, mdts, maxcmd, ioccsz}' "$f")"
}

step_id_ns() {
  local n dev bs nsze
  for n in 1 2; do
    dev=$DEV1 bs=12 nsze=65536
    [ $n = 1 ] || { dev=$DEV2 bs=9 nsze=131072; }
    nvme id-ns "$dev" -o json > "$results/id-ns$n.json" || fail "id-ns $dev failed"
    jqe "$results/id-ns$n.json" ".nsze == $nsze and .lbafs[.flbas % 16].ds == $bs and .anagrpid == $n and .nmic == 1"
    say "NSID $n: $(jq -c '{nsze, ncap, flbas, nmic, anagrpid, dlfeat, ds: .lbafs[.flbas % 16].ds}' "$results/id-ns$n.json")"
  done
  [ "$(blockdev --getss "$DEV2")" = 512 ] || fail "NSID 2 logical sector size is not 512"
  expect_fail 'invalid' nvme id-ns "/dev/$CTRL" -n 0xffffffff
}

step_list_ns_descs() {
  run nvme list-ns "/dev/$CTRL" || fail "list-ns failed"
  grep -q '0x1$' "$W/out" && grep -q '0x2$' "$W/out" || fail "list-ns does not list NSIDs 1 and 2"
  run nvme ns-descs "$DEV1" || fail "ns-descs failed"
  grep -qi '^nguid' "$W/out" && grep -qi '^uuid' "$W/out" || fail "ns-descs lacks nguid/uuid"
  local u1 u2
  u1=$(awk '/^uuid/ {print $3}' "$W/out")
  nvme ns-descs "$DEV2" > "$W/d2"
  u2=$(awk '/^uuid/ {print $3}' "$W/d2")
  [ -n "$u1" ] && [ "$u1" != "$u2" ] || fail "namespace UUIDs not unique ($u1 / $u2)"
  say "uuid NSID 1 $u1, NSID 2 $u2"
}

step_read_write_compare() {
  pattern "$W/a" 65536; pattern "$W/b" 65536
  run nvme write "$DEV1" -s 100 -c 15 -z 65536 -d "$W/a" || fail "write NSID 1"
  run nvme read "$DEV1" -s 100 -c 15 -z 65536 -d "$W/a.back" || fail "read NSID 1"
  cmp "$W/a" "$W/a.back" || fail "NSID 1 read-back differs"
  run nvme write "$DEV2" -s 800 -c 127 -z 65536 -d "$W/b" --force-unit-access || fail "write NSID 2 (FUA)"
  run nvme read "$DEV2" -s 800 -c 127 -z 65536 -d "$W/b.back" || fail "read NSID 2"
  cmp "$W/b" "$W/b.back" || fail "NSID 2 read-back differs"
  run nvme compare "$DEV1" -s 100 -c 15 -z 65536 -d "$W/a" || fail "compare of equal data failed"
  expect_fail 'compare' nvme compare "$DEV2" -s 800 -c 127 -z 65536 -d "$W/a"
  run nvme verify "$DEV2" -s 800 -c 127 || fail "verify failed"
  say "64 KiB written/read/compared on both namespaces; mismatch reported as Compare Failure"
}

step_zeroes_dsm_flush() {
  pattern "$W/c" 32768
  nvme write "$DEV1" -s 200 -c 7 -z 32768 -d "$W/c" >/dev/null || fail "write"
  run nvme write-zeroes "$DEV1" -s 200 -c 3 || fail "write-zeroes failed"
  nvme read "$DEV1" -s 200 -c 7 -z 32768 -d "$W/c.back" >/dev/null || fail "read"
  cmp -n 16384 "$W/c.back" /dev/zero || fail "write-zeroes range does not read as zeroes"
  cmp -i 16384 "$W/c" "$W/c.back" || fail "blocks after the write-zeroes range changed"
  nvme write "$DEV2" -s 4000 -c 63 -z 32768 -d "$W/c" >/dev/null || fail "write"
  run nvme dsm "$DEV2" --ad -s 4000,4040 -b 16,8 || fail "dsm --ad failed"
  nvme read "$DEV2" -s 4000 -c 63 -z 32768 -d "$W/c.back" >/dev/null || fail "read"
  cmp -n 8192 "$W/c.back" /dev/zero || fail "deallocated range 1 does not read as zeroes"
  cmp -i 20480 -n 4096 "$W/c.back" /dev/zero || fail "deallocated range 2 does not read as zeroes"
  cmp -i 8192 -n 4096 "$W/c" "$W/c.back" || fail "data between the ranges changed"
  run nvme flush "$DEV1" || fail "flush NSID 1 failed"
  run nvme flush "$DEV2" || fail "flush NSID 2 failed"
  # Flush with NSID FFFFFFFFh cannot be sent through Linux passthrough (the kernel rejects an NSID other than
  # the device's): covered by IoConformanceTest.
}

step_log_pages() {
  expect_fail 'lba|range' nvme read "$DEV1" -s 65536 -c 0 -z 4096 -d "$W/none"
  nvme smart-log "/dev/$CTRL" -o json > "$results/smart-log.json" || fail "smart-log failed"
  jqe "$results/smart-log.json" '.data_units_written >= 1 and .data_units_read >= 1 and .host_read_commands >= 3 and .host_write_commands >= 4 and .num_err_log_entries >= 1'
  say "smart: $(jq -c '{data_units_read, data_units_written, host_read_commands, host_write_commands, num_err_log_entries}' "$results/smart-log.json")"
  run nvme error-log "/dev/$CTRL" -e 4 || fail "error-log failed"
  grep -qiE 'error_count[[:space:]]*: *[1-9]' "$W/out" || fail "no error entry"
  grep -qiE 'status_field[[:space:]]*: *0x4080' "$W/out" || fail "newest entry is not the LBA Out of Range read"
  run nvme fw-log "/dev/$CTRL" || fail "fw-log failed"
  grep -q '0.1.0' "$W/out" || fail "fw-log does not show firmware 0.1.0 in slot 1"
  # --csi=0: without it nvme-cli 2.3 first reads CAP through a fabrics Property Get, which Linux does not
  # pass through, and silently prints nothing.
  run nvme effects-log "/dev/$CTRL" --csi=0 || fail "effects-log failed"
  grep -qi 'compare' "$W/out" || fail "effects-log lacks Compare"
  run nvme ana-log "/dev/$CTRL" || fail "ana-log failed"
  grep -qi 'optimized' "$W/out" || fail "ana-log state is not optimized"
  expect_fail 'invalid' nvme get-log "/dev/$CTRL" -i 0x42 -l 512
}

step_features() {
  local fid sel
  for fid in 1 2 4 5 6 7 0xb 0xf; do
    for sel in 0 1 2 3; do
      nvme get-feature "/dev/$CTRL" -f $fid -s $sel > "$W/out" 2>&1 || { cat "$W/out"; fail "get-feature -f $fid -s $sel"; }
    done
    say "get-feature -f $fid: $(nvme get-feature "/dev/$CTRL" -f $fid | tail -n 1)"
  done
  run nvme get-feature "/dev/$CTRL" -f 0x81 -c 1 -l 16 || fail "get-feature host identifier"
  expect_fail 'invalid' nvme get-feature "/dev/$CTRL" -f 3
  run nvme set-feature "/dev/$CTRL" -f 4 -v 350 || fail "set temperature threshold"
  nvme get-feature "/dev/$CTRL" -f 4 | grep -qi '0x0*15e' || fail "temperature threshold not 0x15e after set"
  run nvme set-feature "/dev/$CTRL" -f 6 -v 0 || fail "set VWC off"
  nvme get-feature "/dev/$CTRL" -f 6 | grep -qiE 'value: *(0x)?0+$' || fail "VWC not 0"
  run nvme set-feature "/dev/$CTRL" -f 6 -v 1 || fail "set VWC on"
  expect_fail 'invalid' nvme set-feature "/dev/$CTRL" -f 0xb -v 0x200
  expect_fail 'saveable|save' nvme set-feature "/dev/$CTRL" -f 1 -v 0 --save
}

step_reset() {
  run nvme reset "/dev/$CTRL" || fail "nvme reset failed"
  wait_state live 30
  nvme read "$DEV1" -s 100 -c 15 -z 65536 -d "$W/a.back" >/dev/null || fail "read after reset"
  cmp "$W/a" "$W/a.back" || fail "data differs after reset"
  say "live again after reset, data intact"
}

step_fio_digests() {
  local j=$results/fio-verify.json rc=0
  run fio --name=verify-digests --filename="$DEV1" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k \
    --iodepth=16 --size="$fio_size" --offset=64M --verify=crc32c --do_verify=1 --verify_fatal=1 \
    --output-format=json --output="$j" || rc=$?
  [ $rc = 0 ] || fail "fio exited $rc"
  jqe "$j" '.jobs[0].error == 0 and .jobs[0].read.io_bytes >= .jobs[0].write.io_bytes and .jobs[0].write.io_bytes > 0'
  say "fio (header+data digests): $(jq -c '.jobs[0] | {write_bytes: .write.io_bytes, verified: .read.io_bytes, iops: (.write.iops|floor)}' "$j")"
}

step_keep_alive_expiry() {
  # The guest goes quiet while the target's KATO is cut to 100 ms. Linux follows a KATO set through
  # passthrough (nvme_update_keep_alive) but in whole seconds: it sends Keep Alive every 250 ms (KATO 1 s / 4
  # with TBKAS), too slow for 100 ms, so the target tears the controller down on keep-alive expiry; the host
  # must notice the closed connection and reconnect.
  # A reconnect can complete before the first poll on a loaded machine: a new CNTLID proves it as well.
  local i seen="" cntlid0
  cntlid0=$(cat "/sys/class/nvme/$CTRL/cntlid")
  run nvme set-feature "/dev/$CTRL" -f 0xf -v 100 || fail "set KATO 100 ms"
  for i in $(seq 1 200); do
    case "$(state)" in live) ;; *) seen="state $(state)"; break ;; esac
    [ "$(cat "/sys/class/nvme/$CTRL/cntlid" 2>/dev/null)" = "$cntlid0" ] || { seen="reconnected as CNTLID $(cat "/sys/class/nvme/$CTRL/cntlid")"; break; }
    sleep 0.1
  done
  [ -n "$seen" ] || fail "controller still live (CNTLID $cntlid0) 20 s after the target's KATO was cut to 100 ms"
  say "controller CNTLID $cntlid0 left 'live' ($seen): the target ended it on keep-alive expiry"
  wait_state live 60
  nvme read "$DEV1" -s 100 -c 15 -z 65536 -d "$W/a.back" >/dev/null || fail "read after reconnect"
  cmp "$W/a" "$W/a.back" || fail "data differs after reconnect"
  say "host reconnected, data intact"
}

step_connect_variants() {
  disconnect
  # Linux caps each queue type at the number of CPUs (nvme_tcp_nr_io_queues).
  local n=$(nproc) want
  want=$(( (n < 8 ? n : 8) + (n < 2 ? n : 2) ))
  connect --nr-io-queues=8 --nr-write-queues=2 --queue-size=128 --disable-sqflow
  queues_are "$want" 127
  pattern "$W/d" 1048576
  dd if="$W/d" of="$DEV1" bs=1M seek=200 count=1 oflag=direct status=none || fail "dd write"
  dd if="$DEV1" bs=1M skip=200 count=1 iflag=direct status=none | cmp - "$W/d" || fail "read-back differs (--disable-sqflow)"
  say "1 MiB written and read back with SQ flow control disabled on 8 queues"
  disconnect
  connect --nr-io-queues=1 --queue-size=16
  queues_are 1 15
  dd if="$DEV1" bs=1M skip=200 count=1 iflag=direct status=none | cmp - "$W/d" || fail "read-back differs (1 queue)"
}

step_disconnect() {
  disconnect
  dmesg > "$results/dmesg.txt" || true
  local new
  new=$(tail -n +"$((DMESG_LINES0 + 1))" "$results/dmesg.txt")
  grep -i nvme <<< "$new" | sed 's/^/   | /' | tail -n 40
  if grep -qE 'Call Trace|BUG:|WARNING:|Oops' <<< "$new"; then fail "kernel warning in dmesg"; fi
  if grep -qiE 'ANA.*disabl|Invalid MNAN|icdoff|Mismatching cntlid|duplicate IDs' <<< "$new"; then
    fail "the host complained about the controller's identify data"
  fi
}

# --- runner --------------------------------------------------------------------------
passed=0 failed=0 step_no=0 CONNECTED=1
DMESG_LINES0=$(dmesg | wc -l)
printf 'step\tname\trc\tseconds\n' > "$results/summary.tsv"
step() {  # step NAME FUNCTION [needs-connection]
  local name=$1 fn=$2 t0 rc=0 dt
  step_no=$((step_no + 1))
  echo
  echo "== step $step_no: $name"
  t0=$(now)
  if [ "${3:-}" = needs-connection ] && [ $CONNECTED != 0 ]; then
    echo "   skipped: not connected"; rc=99
  else
    set +e; ( set -e; [ "${3:-}" != needs-connection ] || wait_devices >/dev/null; "$fn" ); rc=$?; set -e
  fi
  dt=$(secs "$t0" "$(now)")
  if [ $rc = 0 ]; then passed=$((passed + 1)); echo "-- PASS step $step_no: $name (${dt} s)"
  else failed=$((failed + 1)); echo "-- FAIL step $step_no: $name (rc=$rc, ${dt} s)"; fi
  printf '%s\t%s\t%s\t%s\n' "$step_no" "$name" "$rc" "$dt" >> "$results/summary.tsv"
  LAST_RC=$rc
}
cleanup() { set +e; [ -z "$(ctrls)" ] || nvme disconnect -n "$nqn" >/dev/null 2>&1; return 0; }
trap cleanup EXIT

T0=$(now)
echo "== nvmegate conformance (nvme-cli matrix): $addr:$port $nqn"
echo "   guest: $(uname -r), $(nvme version | sed -n 1p), $(fio --version), $(nproc) vCPUs"
step "connect --hdr-digest --data-digest --nr-io-queues=2 --queue-size=64" step_connect_digests
CONNECTED=$LAST_RC
step "id-ctrl fields of a fabrics I/O controller" step_id_ctrl needs-connection
step "id-ns (4096 and 512-byte blocks), NSID 0xffffffff" step_id_ns needs-connection
step "list-ns, ns-descs" step_list_ns_descs needs-connection
step "write/read data files, FUA, compare (match + mismatch), verify" step_read_write_compare needs-connection
step "write-zeroes, dsm --ad, flush" step_zeroes_dsm_flush needs-connection
step "smart-log, error-log, fw-log, effects-log, ana-log, unknown LID" step_log_pages needs-connection
step "get-feature (each FID x SEL 0-3), set-feature" step_features needs-connection
step "reset" step_reset needs-connection
step "fio randwrite + crc32c verify with digests ($fio_size)" step_fio_digests needs-connection
step "keep-alive expiry and reconnect" step_keep_alive_expiry needs-connection
step "--nr-io-queues=8 --nr-write-queues=2 --queue-size=128 --disable-sqflow; --nr-io-queues=1 --queue-size=16" step_connect_variants needs-connection
step "disconnect, kernel log" step_disconnect

total=$(secs "$T0" "$(now)")
echo
echo "== summary (${total} s)"
column -t -s $'\t' "$results/summary.tsv" 2>/dev/null | sed 's/^/   /' || sed 's/^/   /' "$results/summary.tsv"
echo "conformance: $passed passed, $failed failed"
[ $failed = 0 ]
