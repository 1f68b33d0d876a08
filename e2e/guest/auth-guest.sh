#!/usr/bin/env bash
# auth-guest.sh - runs INSIDE the QEMU guest (e2e/nvme-host/vm.sh, a kernel with NVMe in-band authentication: the
# 6.12 one) as root, for e2e/auth.sh: the kernel host (nvme-cli 2.3 `nvme connect --dhchap-secret` /
# `--dhchap-ctrl-secret`) against
#   1. the reference: the kernel's own target (nvmet, e2e/nvme-host/nvmet.sh) in this guest on 127.0.0.1:4420, its
#      configfs hosts set up from the cases file (dhchap_key, dhchap_ctrl_key, dhchap_hash, dhchap_dhgroup), and
#   2. nvmegate (--gate ADDR:PORT:NQN; its hosts were set up by auth.sh through the management API with the same
#      keys, hashes and DH groups),
# case by case (the cases file; one host NQN per case): connect, and when connected write 1 MiB and read it back,
# then disconnect; when refused, check that no controller or namespace of the subsystem is left. Writes the
# transcript of every case (command, kernel messages, outcome) to RESULTS/transcript-TARGET.txt, one line per
# case to RESULTS/summary.tsv (case, target, expected, outcome, result, seconds) and prints
# "auth: N passed, M failed". Exits 1 if a case did not behave as expected.
#
# usage: auth-guest.sh --cases FILE --results DIR [--gate ADDR:PORT:NQN] [--no-nvmet]
# cases file, tab-separated, '-' for none: id hostnqn hostid hash dhgroup target_key target_ctrl_key host_secret
#   host_ctrl_secret expect(connect|fail) title
set -uo pipefail
cases="" results="" gate="" nvmet=1
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --gate) gate=$2; shift 2 ;;
    --no-nvmet) nvmet=0; shift ;;
    *) echo "auth-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -r "$cases" ] && [ -d "$results" ] || { echo "auth-guest.sh: --cases FILE and --results DIR needed" >&2; exit 2; }
NVMET_SH=${NVME_HOST_DIR:?}/nvmet.sh
REF_NQN=nqn.2026-12.io.nvmegate:auth-nvmet
W=$(mktemp -d)
passed=0 failed=0
: > "$results/summary.tsv"

# Helpers use bash builtins where they can: every fork costs under TCG.
# short DHHC-1:hh:abcd…: (the transcript never shows a whole secret)
abbrev() { case "$1" in -|'') echo "-" ;; *) echo "${1:0:14}…:" ;; esac; }
klen() {  # the key's length in bytes: base64 length * 3/4 - padding - 4 (CRC)
  local b=${1#DHHC-1:??:} pad=0
  b=${b%:}
  [[ $b == *= ]] && pad=1
  [[ $b == *== ]] && pad=2
  echo $(( ${#b} * 3 / 4 - pad - 4 ))
}
attr() { local v=""; [ -r "$1" ] && read -r v < "$1"; echo "$v"; }
ctrls_of() {  # ctrls_of SUBNQN: the kernel's controllers of that subsystem
  local c v
  for c in /sys/class/nvme/nvme*; do
    v=""; [ -r "$c/subsysnqn" ] && read -r v < "$c/subsysnqn"
    [ "$v" = "$1" ] && echo "${c##*/}"
  done
  return 0
}
devs_of() {  # devs_of SUBNQN: its namespaces' block devices
  local b n v
  for b in /sys/block/nvme*n*; do
    n=${b##*/}
    [[ $n =~ ^nvme[0-9]+n[0-9]+$ ]] || continue  # not the hidden per-path nvmeXcYnZ
    v=""; [ -r "$b/device/subsysnqn" ] && read -r v < "$b/device/subsysnqn"
    [ "$v" = "$1" ] && echo "/dev/$n"
  done
  return 0
}
dmesg_mark() { dmesg > "$W/dmesg.all"; mapfile -t _l < "$W/dmesg.all"; echo ${#_l[@]}; }
dmesg_since() { dmesg | tail -n +"$(($1 + 1))" | grep -iE 'nvme|auth'; }
ts() { local t=${EPOCHREALTIME/./}; echo "$t"; }  # microseconds, no fork (bash 5)
dt() { local d=$(( ($2 - $1) / 100000 )); echo "$((d / 10)).$((d % 10))"; }  # seconds, one decimal

# run_case TARGET_NAME ADDR PORT SUBNQN FIELDS...: one case; prints its transcript; returns 0 when as expected
run_case() {
  local tname=$1 addr=$2 port=$3 subnqn=$4 id=$5 hnqn=$6 hid=$7 hash=$8 group=$9
  local tkey=${10} tckey=${11} hkey=${12} hckey=${13} expect=${14} title=${15}
  local args=(connect -t tcp -a "$addr" -s "$port" -n "$subnqn" -q "$hnqn" -I "$hid" -l 0)
  local shown=(nvme connect -t tcp -a "$addr" -s "$port" -n "$subnqn" -q "$hnqn" -I "$hid" -l 0)
  [ "$hkey" = - ] || { args+=(-S "$hkey"); shown+=(--dhchap-secret "$(abbrev "$hkey")"); }
  [ "$hckey" = - ] || { args+=(-C "$hckey"); shown+=(--dhchap-ctrl-secret "$(abbrev "$hckey")"); }
  echo "== case $id [$tname] $title"
  echo "   target host entry: hash $hash, dhgroup $group, key $(abbrev "$tkey")$([ "$tkey" = - ] || echo " ($(klen "$tkey") bytes)"), ctrl key $(abbrev "$tckey")"
  echo "   host: secret $(abbrev "$hkey")$([ "$hkey" = - ] || echo " ($(klen "$hkey") bytes)"), ctrl secret $(abbrev "$hckey")"
  local mark rc=0 outcome ok=0 c d off t0 t1 t2 t3 t4 times
  mark=$(dmesg_mark)
  echo "   \$ ${shown[*]}"
  t0=$(ts)
  timeout 90 nvme "${args[@]}" > "$W/out" 2>&1 || rc=$?
  t1=$(ts)
  sed 's/^/   | /' "$W/out"
  echo "   (rc=$rc, $(dt "$t0" "$t1") s)"
  times="connect $(dt "$t0" "$t1") s"
  c=$(ctrls_of "$subnqn" | head -1)
  if [ $rc = 0 ] && [ -n "$c" ]; then
    for _ in $(seq 1 50); do d=$(devs_of "$subnqn" | head -1); [ -n "$d" ] && [ -b "$d" ] && break; sleep 0.2; done
    t2=$(ts)
    times+=", device $(dt "$t1" "$t2") s"
    outcome="connected ($c, ${d:-no namespace}, $(( $(attr /sys/class/nvme/$c/queue_count) - 1 )) I/O queues)"
    if [ -n "$d" ] && [ -b "$d" ]; then
      off=$((10#$id))
      dd if=/dev/urandom of="$W/w" bs=1M count=1 status=none
      if dd if="$W/w" of="$d" bs=1M seek=$off oflag=direct conv=fsync status=none \
         && dd if="$d" of="$W/r" bs=1M skip=$off count=1 iflag=direct status=none && cmp -s "$W/w" "$W/r"; then
        outcome+=", 1 MiB at $off MiB written and read back identical"
        [ "$expect" = connect ] && ok=1
      else
        outcome+=", data write/read-back FAILED"
      fi
    else
      outcome+=", no block device appeared"
    fi
    t3=$(ts)
    times+=", I/O $(dt "$t2" "$t3") s"
    echo "   \$ nvme disconnect -n $subnqn"
    nvme disconnect -n "$subnqn" 2>&1 | sed 's/^/   | /'
    t4=$(ts)
    times+=", disconnect $(dt "$t3" "$t4") s"
  else
    # refused: nothing of the subsystem may be left behind
    sleep 0.5
    c=$(ctrls_of "$subnqn" | tr '\n' ' ') d=$(devs_of "$subnqn" | tr '\n' ' ')
    if [ -z "$c$d" ]; then
      outcome="refused (nvme connect rc=$rc), no controller and no device of $subnqn"
      [ "$expect" = fail ] && ok=1
    else
      outcome="nvme connect rc=$rc but left controller(s) '$c' device(s) '$d'"
      for x in $c; do echo 1 > "/sys/class/nvme/$x/delete_controller" 2>/dev/null || true; done
    fi
  fi
  dmesg_since "$mark" > "$W/dmesg"
  if [ -s "$W/dmesg" ]; then echo "   kernel:"; sed 's/^/   | /' "$W/dmesg"; fi
  # the negotiation the kernel host reports ("qid 0: authenticated with hash hmac(shaN) dhgroup G") must be the one
  # the target was configured to select
  if [ $ok = 1 ] && [ "$expect" = connect ] && [ "$hkey" != - ] && [ "$tkey" != - ]; then
    if grep -q 'authenticated with hash' "$W/dmesg"; then
      if grep -q "authenticated with hash hmac($hash) dhgroup $group" "$W/dmesg"; then
        outcome+=", negotiated hmac($hash)/$group"
      else
        outcome+=", negotiated NOT hmac($hash)/$group"; ok=0
      fi
    fi
  fi
  echo "   outcome: $outcome"
  echo "   times: $times"
  echo "   expected: $expect -> $([ $ok = 1 ] && echo PASS || echo FAIL)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$tname" "$expect" "$outcome" "$([ $ok = 1 ] && echo PASS || echo FAIL)" >> "$results/summary.tsv"
  [ $ok = 1 ]
}

# run_all TARGET_NAME ADDR PORT SUBNQN
run_all() {
  local line t0
  while IFS=$'\t' read -r -a f; do
    [ "${#f[@]}" -ge 11 ] && [[ ${f[0]} != \#* ]] || continue
    t0=$(ts)
    if run_case "$@" "${f[@]}"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    echo "   ($(dt "$t0" "$(ts)") s)"
  done < "$cases"
}

# A refused authentication can leave the host waiting for its Authentication Receive until the admin command
# timeout (60 s by default): nvmet sends AUTH_Failure1 and then tears the queue down ("fatal error occurred"),
# racing the host's receive. 15 s bounds that wait; commands here complete in well under a second.
echo 15 > /sys/module/nvme_core/parameters/admin_timeout 2>/dev/null || true
echo "kernel $(uname -r); $(nvme version | head -1); nvme_core admin_timeout $(attr /sys/module/nvme_core/parameters/admin_timeout) s"
if [ $nvmet = 1 ]; then
  echo "==== the reference: kernel nvmet in this guest, 127.0.0.1:4420 $REF_NQN"
  {
    "$NVMET_SH" up --backend nullmem --size-mb 64 --bs 4096 --addr 127.0.0.1 --port 4420 --nqn "$REF_NQN" || exit 1
    while IFS=$'\t' read -r id hnqn hid hash group tkey tckey _; do
      [[ $id != \#* ]] || continue
      a=(host --nqn "$REF_NQN" --host "$hnqn")
      [ "$tkey" = - ] || a+=(--dhchap-key "$tkey" --dhchap-hash "$hash" --dhchap-dhgroup "$group")
      [ "$tckey" = - ] || a+=(--dhchap-ctrl-key "$tckey")
      "$NVMET_SH" "${a[@]}" || exit 1
    done < "$cases"
  } > "$W/nvmet-setup" 2>&1 || { cat "$W/nvmet-setup"; echo "auth: nvmet setup failed"; echo "auth: 0 passed, 1 failed"; exit 1; }
  sed 's/^/   | /' "$W/nvmet-setup" | head -3
  echo "   | ... ($(grep -c 'allowed on' "$W/nvmet-setup") hosts)"
  run_all nvmet 127.0.0.1 4420 "$REF_NQN" 2>&1 | tee "$results/transcript-nvmet.txt"
  "$NVMET_SH" down --nqn "$REF_NQN" > /dev/null
fi
if [ -n "$gate" ]; then
  IFS=: read -r gaddr gport gnqn <<< "$gate"  # the NQN keeps its colons (the last field takes the rest)
  echo "==== nvmegate: $gaddr:$gport $gnqn"
  run_all nvmegate "$gaddr" "$gport" "$gnqn" 2>&1 | tee "$results/transcript-nvmegate.txt"
fi
# run_all ran in a pipeline (tee): count from the summary
passed=$(awk -F'\t' '$5 == "PASS"' "$results/summary.tsv" | wc -l)
failed=$(awk -F'\t' '$5 != "PASS"' "$results/summary.tsv" | wc -l)
echo "auth: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
