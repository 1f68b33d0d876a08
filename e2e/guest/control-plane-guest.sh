#!/usr/bin/env bash
# control-plane-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh) as root.
# Live reconfiguration through the management API (curl to 10.0.2.2:<api port>) while the real
# Linux host is connected: the port created through the API is discovered, a namespace added
# appears as a block device without reconnecting, a resize is seen, and removing the host's
# access takes its controller away (and a new connect is refused).
#
# usage: control-plane-guest.sh [--addr A] [--port P] [--discovery-port P] [--api URL] [--nqn NQN]
#                               [--hostnqn NQN] [--results DIR]
# Prints "== step N: ..." headers, "-- PASS|FAIL step N" per step and finally
# "control-plane: N passed, M failed"; exits 1 if any step failed.
set -euo pipefail

addr=10.0.2.2 port=31420 dport=31009 api=http://10.0.2.2:31080 nqn=nqn.2026-11.io.nvmegate:live
hostnqn=nqn.2014-08.org.nvmexpress:uuid:5e1f0c3a-6d2b-4c39-9f0e-7a8b9c0d1e2f results=/tmp/control-plane-results
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) addr=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --discovery-port) dport=$2; shift 2 ;;
    --api) api=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --hostnqn) hostnqn=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "control-plane-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run as root inside the guest (e2e/nvme-host/vm.sh)" >&2; exit 2; }
mkdir -p "$results"
W=/tmp/control-plane-work
mkdir -p "$W"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # enc, say, fail, run, apicall
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
    if [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$nqn" ] && [ "$(cat "$b/nsid" 2>/dev/null)" = "$1" ]; then echo "$n"; fi
  done | sort -V | sed -n 1p
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s
  local s=$1 what=$2 i
  shift 2
  for i in $(seq 1 $((s * 2))); do
    if "$@" >/dev/null 2>&1; then say "$what after ~$((i / 2)) s"; return 0; fi
    sleep 0.5
  done
  fail "$what: not within $s s"
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

s_discover() {
  run nvme discover -t tcp -a "$addr" -s "$dport" -q "$hostnqn" -o json || fail "discover failed"
  cp "$W/out" "$results/discovery.json"
  grep -q "\"$nqn\"" "$W/out" || fail "discovery log lacks $nqn"
  grep -q "\"trsvcid\" *: *\"$port\"" "$W/out" || fail "discovery log lacks trsvcid $port (port created through the API)"
}

s_connect() {
  run nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" -q "$hostnqn" --ctrl-loss-tmo=3 --reconnect-delay=1 || fail "connect failed"
  wait_for 30 "namespace 1 block device" test -n "$(nsdev 1)"
  run nvme list || true
  [ -z "$(nsdev 2)" ] || fail "namespace 2 exists before it was added"
}

ns2_size() { [ "$(cat "/sys/block/$(nsdev 2)/size" 2>/dev/null)" = "$1" ]; }

s_add_namespace() {
  apicall POST "/subsystems/$(enc "$nqn")/namespaces" '{"nsid": 2, "size": "32M", "blockSize": 4096}'
  wait_for 30 "namespace 2 appeared without reconnecting" test -n "$(nsdev 2)"
  run nvme list || fail "nvme list failed"
  grep -q "$(nsdev 2)" "$W/out" || fail "nvme list does not show $(nsdev 2)"
  ns2_size 65536 || fail "namespace 2 has $(cat "/sys/block/$(nsdev 2)/size") sectors, expected 65536 (32 MiB)"
}

s_resize() {
  apicall PATCH "/subsystems/$(enc "$nqn")/namespaces/2" '{"size": "64M"}'
  wait_for 30 "namespace 2 grew to 64 MiB" ns2_size 131072
  run nvme id-ns "/dev/$(nsdev 2)" -o json || fail "id-ns failed"
  grep -q '"nsze" *: *16384' "$W/out" || fail "id-ns nsze is not 16384 blocks"
}

no_ctrl() { [ -z "$(ctrls)" ]; }

s_remove_access() {
  apicall DELETE "/subsystems/$(enc "$nqn")/hosts/$(enc "$hostnqn")"
  wait_for 40 "the host's controller is gone" no_ctrl
  if run nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" -q "$hostnqn"; then
    fail "connect succeeded after the host's access was removed"
  fi
  say "connect refused as expected"
}

s_dmesg() {
  dmesg > "$results/dmesg.txt" 2>&1 || true
  grep -i nvme "$results/dmesg.txt" | tail -n 40 | sed 's/^/   | /'
  ! grep -Eq 'WARNING:|BUG:|Call Trace' "$results/dmesg.txt" || fail "kernel warning logged"
}

step "discover the port created through the API" s_discover
step "connect (namespace 1)" s_connect
step "add namespace 2 while connected" s_add_namespace
step "resize namespace 2 to 64 MiB while connected" s_resize
step "remove the host's access: controller gone, connect refused" s_remove_access
step "dmesg" s_dmesg
nvme disconnect -n "$nqn" >/dev/null 2>&1 || true
echo "control-plane: $passed passed, $failed failed"
[ "$failed" = 0 ]
