#!/usr/bin/env bash
# bench/guest-peer.sh - peer comparison in the QEMU guest: kernel nvmet (null_blk, brd) vs nvmegate (null,
# RocksDB) running inside the SAME guest on loopback, same fio jobs (4 KiB randread QD1/QD32, 4 KiB randwrite
# QD32, 128 KiB seqread QD8). Prints IOPS, MiB/s, p50/p99 latency, nvmegate/nvmet ratios and the issue's goals. ~8 min.
# The guest runs under TCG (no hardware virtualization here): absolute figures are meaningless, ratios count.
#
# usage: bench/guest-peer.sh [--runtime S] [--ramp S] [--only JOB]     (needs root; builds the jar if missing)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
jar=launcher/target/nvmegate.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
bash e2e/nvme-host/setup.sh >/dev/null
out=$ROOT/bench/results/guest-peer-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
e2e/nvme-host/vm.sh -m 4096 -t 1800 -w "$out" -- bash "$ROOT/bench/guest/peer-guest.sh" --jar "$ROOT/$jar" --out "$out" "$@"
echo "results: $out/table.txt"
