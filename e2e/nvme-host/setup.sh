#!/usr/bin/env bash
# setup.sh - idempotent host setup for vm.sh (Debian 12, root).
#  1. apt-get installs the host tools (QEMU, nvme-cli, fio, busybox-static, kmod, ...);
#     the guest uses them too, since its root is this machine's root over 9p.
#  2. Downloads the current Debian generic kernel package (linux-image-amd64's target)
#     with `apt-get download` and unpacks it into $NVME_HOST_STATE (default
#     /var/lib/nvme-host): nothing is installed into /boot or /lib/modules.
#  3. Extracts an uncompressed vmlinux (booted via PVH: ~3 s faster under TCG).
#  4. Builds the initramfs (lib/mkinitramfs.sh) and records which accelerator works.
# Options: --refresh  re-download the kernel even if one is unpacked already.
# Environment: NVME_HOST_STATE (default /var/lib/nvme-host), NVME_HOST_APT_UPDATED=1 (skip apt-get update),
#   NVME_HOST_KERNEL_SUITE (e.g. bookworm-backports: the kernel from that suite, read through a private apt source
#   list under NVME_HOST_STATE; use it with its own NVME_HOST_STATE, e.g. /var/lib/nvme-host-6.12).
set -euo pipefail
NH_PROG=setup
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0=$(date +%s.%N)
refresh=0
[ "${1:-}" = --refresh ] && refresh=1
[ "$(id -u)" = 0 ] || nh_die "run as root"

PKGS=(qemu-system-x86 nvme-cli fio busybox-static kmod cpio gzip xz-utils jq e2fsprogs
      iproute2 procps util-linux coreutils socat zstd)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# NVME_HOST_APT_UPDATED=1: the caller ran apt-get update already (e.g. .ci/run), skip it here.
updated=${NVME_HOST_APT_UPDATED:-0}
apt_update() { [ $updated = 1 ] || { nh_log "apt-get update"; apt-get update -qq; updated=1; }; }
if [ ${#missing[@]} -gt 0 ]; then
  apt_update
  nh_log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  nh_log "host packages already installed"
fi

mkdir -p "$NVME_HOST_STATE"
if [ $refresh = 1 ] || ! nh_load_kernel_state; then
  apt_k=()
  if [ -n "$NVME_HOST_KERNEL_SUITE" ]; then
    # a private source list for the kernel suite (e.g. bookworm-backports); the machine's apt config is untouched
    a=$NVME_HOST_STATE/apt; mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
    # the machine's own Debian archive (not -security): deb822 "URIs:" lines, else active one-line "deb" entries
    uri=$( { sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null
             sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' /etc/apt/sources.list 2>/dev/null; } \
           | tr ' ' '\n' | grep -E '/debian/?$' | head -1 || true)
    [ -n "$uri" ] || nh_die "no Debian archive found in the machine's apt sources"
    echo "deb $uri $NVME_HOST_KERNEL_SUITE main" > "$a/sources.list"
    apt_k=(-o Dir::Etc::sourcelist="$a/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$a/lists"
           -o Dir::Cache="$a/cache")
    nh_log "apt-get update ($NVME_HOST_KERNEL_SUITE, kernel only)"
    apt-get "${apt_k[@]}" update -qq
  else
    apt_update
  fi
  kpkg=$(apt-cache "${apt_k[@]}" depends "$NVME_HOST_KERNEL_META" 2>/dev/null \
         | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
  [ -n "$kpkg" ] || nh_die "cannot resolve $NVME_HOST_KERNEL_META"
  kver=${kpkg#linux-image-}
  nh_log "downloading $kpkg"
  dl=$NVME_HOST_STATE/dl
  rm -rf "$dl"; mkdir -p "$dl"; chown _apt "$dl" 2>/dev/null || true
  (cd "$dl" && apt-get "${apt_k[@]}" download -qq "$kpkg")
  deb=$(ls "$dl"/*.deb)
  kdir=$NVME_HOST_STATE/kernel-$kver
  rm -rf "$kdir.tmp"; mkdir -p "$kdir.tmp"
  nh_log "unpacking $(basename "$deb")"
  dpkg-deb -x "$deb" "$kdir.tmp"
  [ -d "$kdir.tmp/lib/modules/$kver" ] || nh_die "no lib/modules/$kver in $deb"
  depmod -b "$kdir.tmp" "$kver"
  # Uncompressed ELF kernel: QEMU boots it through its PVH entry, skipping the xz
  # decompressor (slow under TCG).
  bz=$kdir.tmp/boot/vmlinuz-$kver
  # xz (Debian 6.1) or zstd (Debian 6.12) payload; if neither can be extracted, QEMU boots the bzImage itself
  off=$(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$bz" | head -1 | cut -d: -f1 || true)
  if [ -n "$off" ]; then
    tail -c +$((off + 1)) "$bz" | xz -dc --single-stream > "$kdir.tmp/vmlinux" 2>/dev/null || true
  else
    command -v zstd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zstd >/dev/null 2>&1 || true
    off=$(LC_ALL=C grep -abo $'\x28\xb5\x2f\xfd' "$bz" | head -1 | cut -d: -f1 || true)
    [ -n "$off" ] && command -v zstd >/dev/null && { tail -c +$((off + 1)) "$bz" | zstd -dcq > "$kdir.tmp/vmlinux" 2>/dev/null || true; }
  fi
  if [ "$(head -c 4 "$kdir.tmp/vmlinux" 2>/dev/null | od -An -c | tr -d ' ')" != '177ELF' ]; then
    nh_log "no uncompressed kernel extracted from $(basename "$bz"): booting the bzImage (slower start under TCG)"
    cp "$bz" "$kdir.tmp/vmlinux"
  fi
  rm -rf "$kdir"; mv "$kdir.tmp" "$kdir"
  rm -rf "$dl"
  echo "$kver" > "$NVME_HOST_STATE/kernel.ver"
  nh_load_kernel_state || nh_die "kernel state incomplete"
else
  nh_log "guest kernel $KVER already unpacked in $KDIR"
fi

for m in nvme-tcp nvme-fabrics nvmet nvmet-tcp null_blk brd 9p 9pnet_virtio overlay virtio_net; do
  modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" >/dev/null 2>&1 \
    || nh_die "module $m missing from kernel $KVER"
done

if [ ! -r "$INITRD" ] || [ "$NVME_HOST_DIR/lib/initramfs-init" -nt "$INITRD" ] \
   || [ "$NVME_HOST_DIR/lib/mkinitramfs.sh" -nt "$INITRD" ] || [ $refresh = 1 ]; then
  "$NVME_HOST_DIR/lib/mkinitramfs.sh"
else
  nh_log "initramfs up to date: $INITRD"
fi

nh_pick_accel
echo "$NH_ACCEL $NH_ACCEL_WHY" > "$NVME_HOST_STATE/accel"
nh_log "accelerator: $NH_ACCEL ($NH_ACCEL_WHY)"
t1=$(date +%s.%N)
nh_log "done: kernel $KVER, state in $NVME_HOST_STATE, took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
