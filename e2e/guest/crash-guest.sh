#!/usr/bin/env bash
# crash-guest.sh - runs INSIDE the QEMU guest (e2e/crash.sh boots it twice). Two phases:
#
# --phase write: connect to nvmegate (nvme connect --reconnect-delay 1 --ctrl-loss-tmo 600: the kernel
#   keeps the controller and requeues I/O while the target is down, then reconnects), mkfs.ext4 on the namespace,
#   mount it and run the writer: file after file (4..64 KiB of /dev/urandom, made in tmpfs first), copied with
#   `dd conv=fsync` (fsync of the file), then `sync DIR` (fsync of the directory); only then the line
#   "ACK <n> <name> <bytes> <sha256>" goes to the console (stdout, captured by the host). Meanwhile a monitor keeps
#   $results/ctrl.now = "<times the controller went live> <state>" (sysfs) for the host's reconnect times. The host
#   kill -9s and restarts the target meanwhile. When the host writes $results/kills-done (or after --max-seconds),
#   the writer keeps going for a random 0.5..2.5 s and then the guest crashes itself: `echo b > /proc/sysrq-trigger`
#   (an immediate reboot without sync or unmount, i.e. power loss of the host: its page cache and unflushed writes
#   are gone; QEMU runs with -no-reboot, so it exits). A failed write, fsync or dd ends the writer with
#   "WRITER FAILED" and the guest powers off normally.
#
# --phase verify: connect again (a new guest: nothing cached), mount (ext4 replays its journal), unmount,
#   `fsck.ext4 -fn` (must exit 0: clean), mount read-only and check every ACK line of $results/acks.txt (the host
#   collected them from the write phase's console): the file exists with that size and sha256. Prints
#   "crash-verify: files N verified, M bad; fsck rc R" and "crash-verify: N passed, M failed" (steps).
#
# usage: crash-guest.sh --phase write|verify --addr A --port P --nqn NQN --results DIR [--max-seconds S]
#                       [--ctrl-loss-tmo S]
set -uo pipefail
phase="" addr=10.0.2.2 port=4420 nqn="" results="" max_seconds=240 ctrl_loss_tmo=600
while [ $# -gt 0 ]; do
  case "$1" in
    --phase) phase=$2; shift 2 ;;
    --addr) addr=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --nqn) nqn=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --max-seconds) max_seconds=$2; shift 2 ;;
    --ctrl-loss-tmo) ctrl_loss_tmo=$2; shift 2 ;;
    *) echo "crash-guest.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
W=$(mktemp -d /tmp/crash-guest.XXXXXX)
. "$(dirname "$0")/lib.sh"  # say, fail, run
MNT=/mnt/crash
passed=0 failed=0
step() {  # step NAME FUNCTION: runs it in a subshell, counts
  local name=$1 rc=0
  echo "== step: $name"
  ( "$2" ) || rc=$?
  if [ $rc = 0 ]; then echo "== PASS: $name"; passed=$((passed + 1)); else echo "== FAIL: $name (rc=$rc)"; failed=$((failed + 1)); fi
  return $rc
}
# put FILE TEXT: $results/FILE holds TEXT whole when the host reads it (write, fsync through 9p, rename)
put() { printf '%s\n' "$2" > "$results/.$1.tmp"; sync "$results/.$1.tmp"; mv -f "$results/.$1.tmp" "$results/$1"; }

connect() {
  modprobe nvme-tcp
  run nvme connect -t tcp -a "$addr" -s "$port" -n "$nqn" --reconnect-delay 1 --ctrl-loss-tmo "$ctrl_loss_tmo" --keep-alive-tmo 5 ||
    fail "nvme connect failed"
  local d
  for _ in $(seq 1 100); do
    for d in /sys/class/nvme/nvme*; do
      [ -e "$d/subsysnqn" ] && [ "$(cat "$d/subsysnqn")" = "$nqn" ] || continue
      CTRL=$(basename "$d")
      DEV=$(ls -d /sys/block/nvme* 2>/dev/null | grep -E '/nvme[0-9]+n1$' | head -n 1)
      [ -n "$DEV" ] && { DEV=/dev/$(basename "$DEV"); echo "$CTRL $DEV" > "$W/dev"; say "controller $CTRL, device $DEV"; return 0; }
    done
    sleep 0.1
  done
  fail "no block device after nvme connect"
}

# --- write phase ------------------------------------------------------------------------------------------------
monitor() {  # controller state changes -> $results/ctrl.now (for the host), $W/ctrl.log
  local ctrl=$1 s last="" lives=0
  while [ ! -e "$W/monitor-stop" ]; do
    s=$(cat "/sys/class/nvme/$ctrl/state" 2>/dev/null || echo gone)
    if [ "$s" != "$last" ]; then
      [ "$s" != live ] || lives=$((lives + 1))
      echo "$(date +%s.%N | cut -c1-14) $s" >> "$W/ctrl.log"
      put ctrl.now "$lives $s"
      last=$s
    fi
    sleep 0.1
  done
}
writer() {  # until $W/writer-stop: one file after another; ACK only after fsync of the file and its directory
  local n=0 size name sum
  mkdir -p "$MNT/d"
  sync "$MNT/d" "$MNT"
  while [ ! -e "$W/writer-stop" ]; do
    n=$((n + 1))
    size=$(( (RANDOM % 16 + 1) * 4096 ))
    name=d/f$(printf %06d "$n")
    head -c "$size" /dev/urandom > "$W/src" || { echo "WRITER FAILED: source $n"; return 1; }
    sum=$(sha256sum < "$W/src" | cut -d' ' -f1)
    dd if="$W/src" of="$MNT/$name" bs=64k conv=fsync status=none 2> "$W/dd.err" || { echo "WRITER FAILED: dd $name: $(cat "$W/dd.err")"; return 1; }
    sync "$MNT/d" 2> "$W/sync.err" || { echo "WRITER FAILED: fsync of the directory after $name: $(cat "$W/sync.err")"; return 1; }
    echo "ACK $n $name $size $sum"
  done
}
write_phase() {
  local ctrl dev t0 el wpid mpid rc=0
  step "connect" connect || return 1
  read -r ctrl dev < "$W/dev"
  step "mkfs and mount" mkfs_mount || return 1
  monitor "$ctrl" &
  mpid=$!
  writer &
  wpid=$!
  put writer-started "$(date +%s)"
  t0=$(date +%s)
  while kill -0 "$wpid" 2>/dev/null; do
    el=$(( $(date +%s) - t0 ))
    [ ! -e "$results/kills-done" ] || break
    [ "$el" -lt "$max_seconds" ] || { say "no kills-done from the host after $max_seconds s"; break; }
    sleep 0.2
  done
  if ! kill -0 "$wpid" 2>/dev/null; then
    wait "$wpid" || rc=$?
    echo "== FAIL: writer (rc=$rc)"
    cat "$W/ctrl.log"
    dmesg | grep -iE 'nvme|ext4|I/O error' | tail -n 40
    touch "$W/monitor-stop"
    echo "crash-write: writer failed"
    return 1
  fi
  sleep "$(( RANDOM % 3 )).$(( RANDOM % 10 ))"
  sleep 0.5
  echo "CRASH: the guest reboots now without sync (sysrq b), the writer is running; controller states:"
  sed 's/^/   ctrl| /' "$W/ctrl.log"
  dmesg | grep -iE 'nvme|ext4|I/O error' | tail -n 60 | sed 's/^/   dmesg| /'
  echo "crash-write: writer running at the crash"
  echo 1 > /proc/sys/kernel/sysrq
  echo b > /proc/sysrq-trigger
  sleep 30
  return 1
}
mkfs_mount() {
  read -r _ dev < "$W/dev"
  run mkfs.ext4 -q -F "$dev" || fail "mkfs.ext4 failed"
  mkdir -p "$MNT"
  run mount -t ext4 "$dev" "$MNT" || fail "mount failed"
}

# --- verify phase -----------------------------------------------------------------------------------------------
fsck_step() {
  read -r _ dev < "$W/dev"
  mkdir -p "$MNT"
  run mount -t ext4 "$dev" "$MNT" || fail "mount (journal replay) failed"
  run umount "$MNT" || fail "umount failed"
  local rc=0
  run fsck.ext4 -fn "$dev" || rc=$?
  echo "$rc" > "$W/fsck.rc"
  [ "$rc" = 0 ] || fail "fsck.ext4 -fn exited $rc (not clean)"
}
verify_files() {
  read -r _ dev < "$W/dev"
  run mount -t ext4 -o ro "$dev" "$MNT" || fail "read-only mount failed"
  local n name size sum ok=0 bad=0 total
  # a file, not < <(...): the guest has no /dev/fd
  grep -E '^ACK [0-9]+ d/f[0-9]{6} [0-9]+ [0-9a-f]{64}$' "$results/acks.txt" > "$W/acks" || true
  total=$(wc -l < "$W/acks")
  say "$total acknowledged (fsync'd) files to check"
  while read -r _ n name size sum; do
    if [ ! -f "$MNT/$name" ]; then
      bad=$((bad + 1)); say "MISSING $name (ACK $n)"; continue
    fi
    if [ "$(stat -c %s "$MNT/$name")" != "$size" ] || [ "$(sha256sum < "$MNT/$name" | cut -d' ' -f1)" != "$sum" ]; then
      bad=$((bad + 1)); say "BAD $name (ACK $n): size $(stat -c %s "$MNT/$name"), want $size"; continue
    fi
    ok=$((ok + 1))
  done < "$W/acks"
  say "files on the file system: $(ls "$MNT/d" | wc -l) (the acknowledged ones and those in flight at the crashes)"
  echo "$ok $bad" > "$W/files"
  run umount "$MNT"
  [ "$bad" = 0 ] && [ "$ok" -gt 0 ] || fail "$bad of $total acknowledged files missing or wrong ($ok good)"
}
kernel_log() {
  dmesg > "$results/dmesg-verify.txt"
  if dmesg | grep -E 'I/O error|EXT4-fs error|WARNING:|BUG:|Call Trace' > "$W/bad"; then
    sed 's/^/   | /' "$W/bad" | head -n 20
    fail "the kernel log has errors"
  fi
}
verify_phase() {
  step "connect" connect || true
  [ -s "$W/dev" ] && step "mount, umount, fsck.ext4 -fn" fsck_step || true
  [ -s "$W/dev" ] && step "verify acknowledged files" verify_files || true
  nvme disconnect -n "$nqn" > /dev/null 2>&1 || true
  step "kernel log" kernel_log || true
  local f rc
  read -r f < "$W/files" 2>/dev/null || f="0 0"
  read -r rc < "$W/fsck.rc" 2>/dev/null || rc=none
  echo "crash-verify: files ${f% *} verified, ${f#* } bad; fsck rc $rc"
  echo "crash-verify: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}

case "$phase" in
  write) write_phase ;;
  verify) verify_phase ;;
  *) echo "crash-guest.sh: --phase write|verify" >&2; exit 2 ;;
esac
