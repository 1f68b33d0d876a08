#!/usr/bin/env bash
# reservations-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root, against the target of
# e2e/reservations.sh. Host A connects through --port-a and host B through --port-b, each with its own host NQN
# and host ID, to the same subsystem; the kernel puts both controllers under one subsystem (native multipath),
# so every reservation command and every I/O below goes to one controller's char device (/dev/nvmeX -n 1,
# NVME_IOCTL_IO_CMD) to pick the host identity. Reservation types (NVMe Base 2.0 section 8.19, NVM Command Set
# 1.0 table "Reservation Type Encoding"): 1 Write Exclusive. Expected generation sequence (as nvmet, blktests
# nvme/054): Register +1, Acquire +0, Preempt +1, Release +0, Clear +1.
# Prints "reservations: N passed, M failed"; exits 1 on failure.
#
# usage: reservations-guest.sh --addr A --port-a P --port-b P --nqn NQN
set -uo pipefail
addr=10.0.2.2 port_a=27420 port_b=27421 nqn=nqn.2026-11.io.nvmegate:resv
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --port-a) port_a=$2; shift 2 ;;
    --port-b) port_b=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    *) echo "reservations-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
HOSTID_A=6a0e0c44-3c1d-4d2a-9a51-0f8e5b1c2d3a HOSTID_B=b7f1d2e3-4c5d-4e6f-8a9b-0c1d2e3f4a5b
HOSTNQN_A=nqn.2014-08.org.nvmexpress:uuid:$HOSTID_A HOSTNQN_B=nqn.2014-08.org.nvmexpress:uuid:$HOSTID_B
KEY_A=0xa1a1 KEY_B=0xb2b2
CA="" CB=""  # controller char devices of host A and host B
passed=0 failed=0
step() {  # step NAME FUNCTION
  echo "== step: $1"
  if "$2"; then echo "   PASS"; passed=$((passed + 1)); else echo "   FAIL"; failed=$((failed + 1)); fi
}
run() { echo "   \$ $*"; "$@" 2>&1 | sed 's/^/   | /'; return "${PIPESTATUS[0]}"; }
ctrl_of() {  # ctrl_of HOSTNQN: /dev/nvmeX of the controller of $nqn connected with HOSTNQN
  local c
  for c in /sys/class/nvme/nvme*; do
    [ "$(cat "$c/subsysnqn" 2>/dev/null)" = "$nqn" ] && [ "$(cat "$c/hostnqn" 2>/dev/null)" = "$1" ] &&
      [ "$(cat "$c/state" 2>/dev/null)" = live ] && { echo "/dev/${c##*/}"; return 0; }
  done
  return 1
}
cntlid() { cat "/sys/class/nvme/${1#/dev/}/cntlid"; }
report() { nvme resv-report "$1" -n 1 --eds -o json; }  # extended data structure (128-bit host IDs)
conflict() {  # conflict COMMAND...: the command must fail with Reservation Conflict (SCT 0, SC 0x83)
  local out rc
  out=$("$@" 2>&1); rc=$?
  echo "   \$ $*"; echo "$out" | sed 's/^/   | /'
  [ $rc != 0 ] && grep -qi 'reservation.conflict\|(0x83)\|0x0083' <<< "$out"
}
write_blk() { nvme io-passthru "$1" -n 1 -o 0x01 -l 4096 -w -i /tmp/resv-blk --cdw10="$2" --cdw12=0; }
read_blk() { nvme io-passthru "$1" -n 1 -o 0x02 -l 4096 -r -b --cdw10="$2" --cdw12=0 > /tmp/resv-read; }

connect_two() {
  run nvme connect -t tcp -a "$addr" -s "$port_a" -n "$nqn" --hostnqn="$HOSTNQN_A" --hostid="$HOSTID_A" || return 1
  run nvme connect -t tcp -a "$addr" -s "$port_b" -n "$nqn" --hostnqn="$HOSTNQN_B" --hostid="$HOSTID_B" || return 1
  for _ in $(seq 1 100); do CA=$(ctrl_of "$HOSTNQN_A") && CB=$(ctrl_of "$HOSTNQN_B") && break; sleep 0.1; done
  [ -n "$CA" ] && [ -n "$CB" ] || { echo "   controllers not found"; return 1; }
  echo "   host A: $CA cntlid $(cntlid "$CA"); host B: $CB cntlid $(cntlid "$CB")"
  [ "$(cntlid "$CA")" != "$(cntlid "$CB")" ] && [ "$(cntlid "$CA")" != 0 ] && [ "$(cntlid "$CB")" != 0 ]
}
capabilities() {
  local oncs rescap
  oncs=$(nvme id-ctrl "$CA" -o json | jq .oncs) rescap=$(nvme id-ns "$CA" -n 1 -o json | jq .rescap)
  echo "   ONCS=$oncs RESCAP=$rescap"
  [ $(( oncs & 0x20 )) != 0 ] && [ $(( rescap & 0x7e )) = $((0x7e)) ]
}
register_both() {
  run nvme resv-register "$CA" -n 1 --nrkey=$KEY_A --rrega=0 || return 1
  run nvme resv-register "$CB" -n 1 --nrkey=$KEY_B --rrega=0 || return 1
  echo "   re-register A with the same key: success (NVMe Base 2.0 section 7.6)"
  run nvme resv-register "$CA" -n 1 --nrkey=$KEY_A --rrega=0 || return 1
  echo "   register A with another key: Reservation Conflict"
  conflict nvme resv-register "$CA" -n 1 --nrkey=0x1234 --rrega=0
}
report_two() {
  local r ha hb
  r=$(report "$CB") || { echo "$r"; return 1; }
  echo "$r" | jq -c . | sed 's/^/   | /'
  [ "$(jq .regctl <<< "$r")" = 2 ] && [ "$(jq .rtype <<< "$r")" = 0 ] || return 1
  ha=$(jq -r --argjson c "$(cntlid "$CA")" '.regctlext[] | select(.cntlid == $c) | .hostid' <<< "$r")
  hb=$(jq -r --argjson c "$(cntlid "$CB")" '.regctlext[] | select(.cntlid == $c) | .hostid' <<< "$r")
  echo "   cntlid $(cntlid "$CA") -> hostid $ha; cntlid $(cntlid "$CB") -> hostid $hb"
  [[ ${ha,,} == *${HOSTID_A%%-*}* ]] && [[ ${hb,,} == *${HOSTID_B%%-*}* ]]
}
GEN0=""
acquire_we() {
  local r
  GEN0=$(report "$CA" | jq .gen)
  run nvme resv-acquire "$CA" -n 1 --crkey=$KEY_A --rtype=1 --racqa=0 || return 1
  r=$(report "$CA"); echo "$r" | jq -c '{gen, rtype, regctl}' | sed 's/^/   | /'
  [ "$(jq .rtype <<< "$r")" = 1 ] && [ "$(jq .gen <<< "$r")" = "$GEN0" ] &&
    [ "$(jq --argjson c "$(cntlid "$CA")" '.regctlext[] | select(.cntlid == $c) | .rcsts' <<< "$r")" = 1 ]
}
io_under_we() {
  head -c 4096 /dev/urandom > /tmp/resv-blk
  echo "   holder A writes LBA 8"; run write_blk "$CA" 8 || return 1
  echo "   registrant B reads LBA 8 (Write Exclusive allows reads)"; run read_blk "$CB" 8 || return 1
  cmp /tmp/resv-blk /tmp/resv-read || return 1
  echo "   registrant B writes LBA 8: Reservation Conflict"; conflict write_blk "$CB" 8
}
preempt_by_b() {
  local r
  nvme resv-notif-log "$CA" > /dev/null 2>&1  # drain: only notifications after this point count
  run nvme resv-acquire "$CB" -n 1 --crkey=$KEY_B --prkey=$KEY_A --rtype=1 --racqa=1 || return 1
  r=$(report "$CB"); echo "$r" | jq -c '{gen, rtype, regctl}' | sed 's/^/   | /'
  [ "$(jq .regctl <<< "$r")" = 1 ] && [ "$(jq .gen <<< "$r")" = $((GEN0 + 1)) ] || return 1
  echo "   preempted A writes: Reservation Conflict"; conflict write_blk "$CA" 9 || return 1
  echo "   A's Reservation Notification log (LID 80h): one 'registration preempted' entry for NSID 1"
  r=$(nvme resv-notif-log "$CA" 2>&1); echo "$r" | sed 's/^/   | /'
  # Reservation Notification Type 01h = Registration Preempted (NVMe Base 2.0 section 5.16.1.24). nvme-cli 2.3
  # labels the types off by one (its 1 is "Empty Log Page"; fixed in later nvme-cli), so check the number.
  grep -qE 'Log Page Type[^:]*: *1 ' <<< "$r" && grep -qE 'Namespace ID[^0-9]*1$' <<< "$r"
}
release_clear() {
  local r
  run nvme resv-release "$CB" -n 1 --crkey=$KEY_B --rtype=1 --rrela=0 || return 1
  echo "   no reservation: A (unregistered) writes"; run write_blk "$CA" 9 || return 1
  run nvme resv-release "$CB" -n 1 --crkey=$KEY_B --rtype=1 --rrela=1 || return 1
  r=$(report "$CA"); echo "$r" | jq -c '{gen, rtype, regctl}' | sed 's/^/   | /'
  [ "$(jq .regctl <<< "$r")" = 0 ] && [ "$(jq .rtype <<< "$r")" = 0 ]
}
disconnect_all() {
  run nvme disconnect -n "$nqn" || return 1
  echo "   kernel log (nvme):"
  dmesg | grep -i nvme | sed 's/^/   | /'
  ! dmesg | grep -i nvme | grep -qiE 'error|reset|fail|timeout|warn'
}
step "connect host A (port $port_a) and host B (port $port_b): two controllers, distinct non-zero CNTLIDs" connect_two
if [ -n "$CA" ] && [ -n "$CB" ]; then
  step "Identify: ONCS bit 5 (reservations), RESCAP all six types" capabilities
  step "resv-register from both hosts; same key again ok; another key conflicts" register_both
  step "resv-report --eds: 2 registrants, real CNTLIDs and 128-bit host IDs" report_two
  step "resv-acquire Write Exclusive by A (generation unchanged)" acquire_we
  step "I/O under Write Exclusive: holder writes, B reads, B's write conflicts" io_under_we
  step "B preempts A: generation +1, A's writes conflict, A's notification log" preempt_by_b
  step "release and clear: A writes again, report empty" release_clear
fi
step "disconnect; kernel log clean" disconnect_all
echo "reservations: $passed passed, $failed failed"
[ "$failed" = 0 ]
