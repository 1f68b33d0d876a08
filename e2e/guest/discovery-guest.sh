#!/usr/bin/env bash
# discovery-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root, against the
# target e2e/discovery.sh started: subsystems <base>:disc-a (ports 1 and 2) and disc-b (port 1)
# for --hostnqn, disc-c (port 1) for another host; the discovery service reports the unique
# discovery NQN --discovery-nqn.
#   1. nvme discover (text): the current discovery subsystem entry + a@p1, b@p1, a@p2, no c
#   2. nvme discover -o json: the same records, the current entry's EFLAGS and TREQ
#   3. nvme connect-all: controllers for a (both ports) and b, none for c, no discovery
#      controller left behind
#   4. a host NQN without access: no subsystem entries, connect-all connects nothing
#   5. persistent discovery controller (nvme discover -p): Identify (CNTRLTYPE 2, unique
#      SUBNQN); subsystem disc-d added through the management API (curl) -> Discovery Log
#      Page Change AEN -> kernel uevent NVME_AEN=0x70f002 -> the same command the udev rule
#      70-nvmf-autoconnect runs (nvme connect-all --device=<ctrl>), started by `busybox uevent`
#      because the guest has no udev -> a controller for disc-d
#
# usage: discovery-guest.sh [--addr A] [--ports P1,P2] [--discovery-port P] [--api URL] [--base NQN]
#                           [--discovery-nqn NQN] [--hostnqn NQN] [--results DIR]
# Prints "== step N: ..." headers, "-- PASS|FAIL step N" per step and finally
# "discovery: N passed, M failed"; exits 1 if any step failed.
set -euo pipefail

addr=10.0.2.2 ports=29420,29421 dport=29009 api=http://10.0.2.2:29080 base=nqn.2026-11.io.nvmegate
dnqn=nqn.2026-11.io.nvmegate:discovery-e2e results=/tmp/discovery-results
hostnqn=nqn.2014-08.org.nvmexpress:uuid:d15c0e77-0000-4000-8000-0000000000a1
nohost=nqn.2014-08.org.nvmexpress:uuid:d15c0e77-0000-4000-8000-0000000000ff
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --ports) ports=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --api) api=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --discovery-nqn) dnqn=$2; shift 2 ;;
    --hostnqn) hostnqn=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "discovery-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run as root inside the guest (e2e/nvme-host/vm.sh)" >&2; exit 2; }
p1=${ports%,*} p2=${ports#*,}
A=$base:disc-a B=$base:disc-b C=$base:disc-c D=$base:disc-d
mkdir -p "$results"
W=/tmp/discovery-work
mkdir -p "$W"
RUN_LINES=60
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # enc, say, fail, run, apicall
ctrls_of() {  # ctrls_of NQN: controller names (tcp) whose subsystem is NQN, with their trsvcid
  local c
  for c in /sys/class/nvme/nvme*; do
    [ -r "$c/subsysnqn" ] || continue
    [ "$(cat "$c/subsysnqn")" = "$1" ] && [ "$(cat "$c/transport" 2>/dev/null)" = tcp ] \
      && echo "${c##*/} $(sed -n 's/.*trsvcid=\([0-9]*\).*/\1/p' "$c/address")"
  done
  return 0
}
count_of() { ctrls_of "$1" | grep -c . || true; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s
  local s=$1 what=$2 i
  shift 2
  for i in $(seq 1 $((s * 2))); do
    if "$@" >/dev/null 2>&1; then say "$what after ~$((i / 2)) s"; return 0; fi
    sleep 0.5
  done
  fail "$what: not within $s s"
}
disc_records() {  # text output of nvme discover -> "subtype|subnqn|traddr|trsvcid" lines
  awk '/^=====Discovery Log Entry/ { if (n++) print st "|" sn "|" ta "|" sv; st = sn = ta = sv = "" }
       $1 == "subtype:" { $1 = ""; st = substr($0, 2) } $1 == "subnqn:" { sn = $2 } $1 == "traddr:" { ta = $2 }
       $1 == "trsvcid:" { sv = $2 } END { if (n) print st "|" sn "|" ta "|" sv }'
}

passed=0 failed=0 n=0 results_tsv=$results/summary.tsv
: > "$results_tsv"
step() {  # step NAME FUNCTION
  n=$((n + 1))
  echo "== step $n: $1"
  local t0 rc=0
  t0=$(date +%s)
  ( "$2" ) || rc=$?
  printf '%s\t%s\t%s\n' "$n $1" "$rc" "$(( $(date +%s) - t0 ))" >> "$results_tsv"
  if [ $rc = 0 ]; then passed=$((passed + 1)); echo "-- PASS step $n"; else failed=$((failed + 1)); echo "-- FAIL step $n"; fi
}

s_discover_text() {
  run nvme discover -t tcp -a "$addr" -s "$dport" -q "$hostnqn" || fail "discover failed"
  cp "$W/out" "$results/discover.txt"
  disc_records < "$W/out" | sort > "$W/got"
  printf '%s\n' "current discovery subsystem|$dnqn|$addr|$dport" "nvme subsystem|$A|$addr|$p1" \
    "nvme subsystem|$B|$addr|$p1" "nvme subsystem|$A|$addr|$p2" | sort > "$W/want"
  diff "$W/want" "$W/got" | sed 's/^/   diff| /' && say "records as expected (current entry + a@$p1 b@$p1 a@$p2, no c)" \
    || fail "records differ from the expected set"
  grep -q "sq flow control disable supported" "$W/out" || fail "TREQ lacks 'sq flow control disable supported'"
  grep -q "duplicate discovery information" "$W/out" || fail "current entry EFLAGS lacks DUPRETINFO"
}

s_discover_json() {
  run nvme discover -t tcp -a "$addr" -s "$dport" -q "$hostnqn" -o json || fail "discover -o json failed"
  cp "$W/out" "$results/discover.json"
  jq -e '.records | length == 4' "$W/out" >/dev/null || fail "JSON: not 4 records"
  jq -e --arg d "$dnqn" '[.records[] | select(.subtype == "current discovery subsystem" and .subnqn == $d)] | length == 1' "$W/out" >/dev/null \
    || fail "JSON: no current discovery subsystem record for $dnqn"
  say "JSON: $(jq -c '{genctr, records: [.records[] | {subtype, subnqn, trsvcid, portid, eflags, treq}]}' "$W/out")"
  jq -e --arg c "$C" '[.records[] | select(.subnqn == $c)] | length == 0' "$W/out" >/dev/null || fail "JSON lists $C"
}

ready_ab() { [ "$(count_of "$A")" = 2 ] && [ "$(count_of "$B")" = 1 ]; }
s_connect_all() {
  run nvme connect-all -t tcp -a "$addr" -s "$dport" -q "$hostnqn" || fail "connect-all failed"
  for _ in $(seq 1 60); do ready_ab && break; sleep 0.5; done
  say "a: $(ctrls_of "$A" | tr '\n' ' ')  b: $(ctrls_of "$B" | tr '\n' ' ')  c: $(ctrls_of "$C" | tr '\n' ' ')"
  ready_ab || fail "expected 2 controllers for a and 1 for b"
  [ "$(count_of "$C")" = 0 ] || fail "connect-all connected $C (not allowed)"
  [ "$(count_of "$dnqn")" = 0 ] || fail "a discovery controller was left behind"
  run nvme list-subsys || true
  nvme disconnect -n "$A" > /dev/null; nvme disconnect -n "$B" > /dev/null
  [ "$(count_of "$A")$(count_of "$B")" = 00 ] || fail "disconnect left controllers"
}

s_no_access() {
  run nvme discover -t tcp -a "$addr" -s "$dport" -q "$nohost" || fail "discover failed"
  disc_records < "$W/out" > "$W/got"
  [ "$(grep -c '^nvme subsystem|' "$W/got" || true)" = 0 ] || fail "a host without access sees subsystem entries"
  grep -q "^current discovery subsystem|$dnqn|" "$W/got" || fail "no current discovery subsystem entry"
  say "only the current discovery subsystem entry"
  run nvme connect-all -t tcp -a "$addr" -s "$dport" -q "$nohost" || true
  sleep 1
  for q in "$A" "$B" "$C"; do [ "$(count_of "$q")" = 0 ] || fail "connect-all connected $q for a host without access"; done
  say "connect-all connected nothing"
}

s_persistent_aen() {
  local tr=/sys/kernel/tracing dc
  export AEN_LOG=$results/uevents.txt HOSTNQN=$hostnqn
  : > "$AEN_LOG"
  cat > "$W/on-uevent.sh" <<'HANDLER'
#!/bin/sh
# busybox uevent runs this for every kernel uevent (what udevd would receive)
[ "$SUBSYSTEM" = nvme ] && [ -n "$NVME_AEN" ] || exit 0
echo "$(date +%T.%N | cut -c1-12) uevent ACTION=$ACTION DEVNAME=$DEVNAME NVME_AEN=$NVME_AEN NVME_TRTYPE=$NVME_TRTYPE NVME_TRADDR=$NVME_TRADDR NVME_TRSVCID=$NVME_TRSVCID NVME_HOST_TRADDR=$NVME_HOST_TRADDR" >> "$AEN_LOG"
[ "$NVME_AEN" = 0x70f002 ] || exit 0
# 70-nvmf-autoconnect.rules -> nvmf-connect@.service: connect-all through the persistent discovery controller
# (the rule passes --device=$kernel, the uevent's DEVNAME; it reads the log there, which re-arms the AEN)
echo "$(date +%T.%N | cut -c1-12) run: nvme connect-all --device=$DEVNAME --transport=$NVME_TRTYPE --traddr=$NVME_TRADDR --trsvcid=$NVME_TRSVCID --hostnqn=$HOSTNQN --persistent" >> "$AEN_LOG"
nvme connect-all --device="$DEVNAME" --transport="$NVME_TRTYPE" --traddr="$NVME_TRADDR" \
  --trsvcid="$NVME_TRSVCID" --hostnqn="$HOSTNQN" --persistent >> "$AEN_LOG" 2>&1
echo "$(date +%T.%N | cut -c1-12) connect-all rc=$?" >> "$AEN_LOG"
HANDLER
  chmod +x "$W/on-uevent.sh"
  busybox uevent "$W/on-uevent.sh" > "$W/uevent.out" 2>&1 &
  echo $! > "$W/uevent.pid"
  mountpoint -q "$tr" || mount -t tracefs nodev "$tr" 2>/dev/null || true
  if [ -w "$tr/events/nvme/nvme_async_event/enable" ]; then
    echo 1 > "$tr/events/nvme/nvme_async_event/enable"; : > "$tr/trace"; say "ftrace nvme:nvme_async_event on"
  else say "no ftrace nvme_async_event event (kernel log has no line for this AEN)"; fi

  apicall POST /hosts "{\"nqn\": \"$hostnqn\"}"  # known host, so the subsystem below can name it
  run nvme discover -p -t tcp -a "$addr" -s "$dport" -q "$hostnqn" || fail "nvme discover -p failed"
  dc=$(ctrls_of "$dnqn" | awk 'NR == 1 { print $1 }')
  [ -n "$dc" ] || fail "no persistent discovery controller (subsysnqn $dnqn) after nvme discover -p"
  say "persistent discovery controller: $dc ($(cat /sys/class/nvme/$dc/address), kato $(cat /sys/class/nvme/$dc/kato 2>/dev/null || echo ?) s)"
  run nvme id-ctrl "/dev/$dc" || fail "id-ctrl on the discovery controller failed"
  grep -Eq '^cntrltype +: 2' "$W/out" || fail "CNTRLTYPE is not 2 (discovery)"
  grep -Eq "^subnqn +: $dnqn" "$W/out" || fail "Identify SUBNQN is not the unique discovery NQN"
  grep -Eq '^oaes +: 0x80000000' "$W/out" || fail "OAES bit 31 not reported"
  [ "$(count_of "$D")" = 0 ] || fail "$D connected before it exists"

  # One catalog change makes D visible to this host (port 1 exports every subsystem): one AEN. Later changes
  # stay masked: libnvme 1.3 reads a log longer than 4 KiB with RAE = 1 on every command, so it never re-arms it.
  echo "$(date +%T.%N | cut -c1-12) control plane: POST /subsystems $D (hosts: this host; port 1 exports all)" >> "$AEN_LOG"
  apicall POST /subsystems "{\"nqn\": \"$D\", \"allowAnyHost\": false, \"hosts\": [\"$hostnqn\"]}"
  for _ in $(seq 1 60); do [ "$(count_of "$D")" -ge 1 ] && break; sleep 0.5; done
  echo "$(date +%T.%N | cut -c1-12) controllers of $D: $(ctrls_of "$D" | tr '\n' ' ')" >> "$AEN_LOG"
  apicall POST "/subsystems/$(enc "$D")/namespaces" '{"nsid": 1, "size": "16M", "backend": "memory"}'
  for _ in $(seq 1 40); do ls /sys/class/nvme/*/nvme*n1/device/subsysnqn 2>/dev/null | xargs -r grep -l "$D" | grep -q . && break; sleep 0.5; done
  echo "$(date +%T.%N | cut -c1-12) namespace of $D: $(for b in /sys/block/nvme*n1; do [ "$(cat $b/device/subsysnqn 2>/dev/null)" = "$D" ] && echo "${b##*/}"; done | tr '\n' ' ')" >> "$AEN_LOG"
  { echo "--- uevents and the autoconnect handler"; cat "$AEN_LOG"
    if [ -r "$tr/trace" ]; then echo "--- ftrace nvme:nvme_async_event"; grep -v '^#' "$tr/trace" || true; fi
    echo "--- controllers"; for c in /sys/class/nvme/nvme*; do echo "${c##*/} $(cat $c/subsysnqn) $(cat $c/address)"; done
  } > "$results/aen-transcript.txt"
  sed 's/^/   aen| /' "$results/aen-transcript.txt"
  grep -q "DEVNAME=$dc NVME_AEN=0x70f002" "$AEN_LOG" || fail "no NVME_AEN=0x70f002 uevent from $dc"
  [ "$(count_of "$D")" -ge 1 ] || fail "the kernel did not connect $D after the AEN"
  say "$D connected from the AEN: $(ctrls_of "$D" | tr '\n' ' ')"
  [ -e "/sys/class/nvme/$dc" ] || fail "the persistent discovery controller went away"
  run nvme list-subsys || true
  kill "$(cat "$W/uevent.pid")" 2>/dev/null || true
  for q in "$D" "$A" "$B"; do nvme disconnect -n "$q" > /dev/null 2>&1 || true; done
  nvme disconnect -d "$dc" > /dev/null 2>&1 || true
}

s_dmesg() {
  dmesg > "$results/dmesg.txt" 2>&1 || true
  grep -i nvme "$results/dmesg.txt" | tail -n 30 | sed 's/^/   | /'
  ! grep -Eq 'WARNING:|BUG:|Call Trace' "$results/dmesg.txt" || fail "kernel warning logged"
}

step "nvme discover (text): current entry + allowed subsystems only" s_discover_text
step "nvme discover -o json" s_discover_json
step "nvme connect-all: every allowed subsystem, nothing else" s_connect_all
step "a host NQN without access sees no subsystem entries" s_no_access
step "persistent discovery: AEN on a control-plane change, kernel connects" s_persistent_aen
step "dmesg" s_dmesg
echo "discovery: $passed passed, $failed failed"
[ "$failed" = 0 ]
