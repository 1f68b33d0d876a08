#!/usr/bin/env bash
# auth.sh - NVMe in-band authentication (DH-HMAC-CHAP) with the real Linux host, on the 6.12 guest kernel (Debian
# 12's 6.1 has no CONFIG_NVME_AUTH). Runs on the build machine (Debian 12, root):
#   1. writes the cases (RESULTS/cases.tsv): one host NQN each, with fresh DHHC-1 secrets, for every hash
#      (sha256/384/512) x DH group (null, ffdhe2048), unidirectional and bidirectional (--dhchap-ctrl-secret), the
#      secret's transformation hash (hh) chosen independently of the negotiated hash; then a wrong secret, no secret,
#      a wrong controller secret, a controller secret asked for but none configured on the target, and a secret
#      given to a target that has no key for that host;
#   2. starts `nvmegate all` (I/O 127.0.0.1:25420 advertised as 10.0.2.2, discovery 25009, API 25080) with one
#      subsystem (allowAnyHost false) and creates every case's host (dhchapKey, dhchapCtrlKey, hash, dhGroup) and
#      its link through the management API;
#   3. boots ONE guest (vm.sh -t, default 360 s) running e2e/guest/auth-guest.sh: every case first against the
#      kernel's own target in the guest (nvmet configfs dhchap_key/dhchap_ctrl_key/dhchap_hash/dhchap_dhgroup, the
#      reference), then against nvmegate: connect, 1 MiB written and read back, disconnect; a refused connect must
#      leave no controller and no device;
#   4. prints each target's outcome per case side by side and where the transcripts are. Exit 0 only if every
#      case behaved as expected on both targets.
#
# usage: e2e/auth.sh [--jar PATH] [--results DIR] [--timeout S] [--nvmet-only | --nvmegate-only]
#   --nvmet-only     only the reference half (kernel nvmet in the guest; no jar needed)
#   --nvmegate-only  only the nvmegate half
# Environment: NVME_HOST_STATE (default /var/lib/nvme-host-6.12) and NVME_HOST_KERNEL_SUITE (default
#   bookworm-backports) select the guest kernel (e2e/nvme-host/README.md); JAVA, JAVA_OPTS, E2E_KEEP_DATA=1.
# Results: cases.tsv (holds the test secrets), transcript-nvmet.txt, transcript-nvmegate.txt (secrets shortened),
#   summary.tsv, guest.log, target.log, api.log.
set -euo pipefail
export HZ_PHONE_HOME_ENABLED=false
export NVMEGATE_METRICS_PORT=${NVMEGATE_METRICS_PORT:-0}  # a free port: other targets may hold 9420
export NVME_HOST_STATE=${NVME_HOST_STATE:-/var/lib/nvme-host-6.12}
export NVME_HOST_KERNEL_SUITE=${NVME_HOST_KERNEL_SUITE:-bookworm-backports}
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
NH=$E2E/nvme-host
NQN=nqn.2026-12.io.nvmegate:auth
PORT=25420 DPORT=25009 APIPORT=25080
API=http://127.0.0.1:$APIPORT/api/v1

jar=${NVMEGATE_JAR:-$ROOT/launcher/target/nvmegate.jar}
results="" vm_timeout=360 gate=1 nvmet=1
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) vm_timeout=$2; shift 2 ;;
    --nvmet-only) gate=0; shift ;;
    --nvmegate-only) nvmet=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "auth.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

E2E_TAG=auth
. "$E2E/lib/target.sh"  # log, die, e2e_prepare, start_jar_target, stop_target (on exit)
T0=$(now)
if [ $gate = 1 ]; then
  e2e_prepare "$PORT" "$DPORT" "$APIPORT"
else  # no target on this machine, no jar
  results=${results:-$E2E/results/auth-$(date +%Y%m%d-%H%M%S)}
  mkdir -p "$results"
  results=$(cd "$results" && pwd)
  [ "$(id -u)" = 0 ] || die "run as root (QEMU guest)"
fi

# --- 1. cases ----------------------------------------------------------------------------------
# secret HH LEN: a fresh DHHC-1 secret: hh = transformation hash (00 none, 01 SHA-256, 02 SHA-384, 03 SHA-512),
# LEN random bytes, then their CRC-32 little-endian (gzip's trailer holds exactly that), base64
secret() {
  local f g
  f=$(mktemp) g=$(mktemp)
  head -c "$2" /dev/urandom > "$f"
  gzip -c < "$f" | tail -c 8 | head -c 4 > "$g"
  printf 'DHHC-1:%s:%s:' "$1" "$(cat "$f" "$g" | base64 -w0)"
  rm -f "$f" "$g"
}
n=0
# kase HASH DHGROUP TARGET_KEY TARGET_CTRL_KEY HOST_SECRET HOST_CTRL_SECRET EXPECT TITLE
kase() {
  n=$((n + 1))
  local id uuid
  id=$(printf '%02d' $n)
  uuid=$(printf 'a0e1c0de-0000-4000-8000-0000000000%s' "$id")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "nqn.2014-08.org.nvmexpress:uuid:$uuid" "$uuid" "$@"
}
{
  echo "# id	hostnqn	hostid	hash	dhgroup	target_key	target_ctrl_key	host_secret	host_ctrl_secret	expect	title"
  # unidirectional: each hash x {null, ffdhe2048}, the secret transformed with the same hash
  for g in null ffdhe2048; do
    for h in "sha256 01 32" "sha384 02 48" "sha512 03 64"; do
      set -- $h
      k=$(secret "$2" "$3")
      kase "$1" "$g" "$k" - "$k" - connect "unidirectional, hash $1, dhgroup $g, secret hh=$2"
    done
  done
  # bidirectional: each hash x {null, ffdhe2048}; the secrets' transformation hash differs from the negotiated one
  for g in null ffdhe2048; do
    for h in "sha256 00 32 03 64" "sha384 03 64 01 32" "sha512 01 32 02 48"; do
      set -- $h
      k=$(secret "$2" "$3") c=$(secret "$4" "$5")
      kase "$1" "$g" "$k" "$c" "$k" "$c" connect "bidirectional, hash $1, dhgroup $g, secret hh=$2, ctrl secret hh=$4"
    done
  done
  k=$(secret 01 32)
  kase sha256 ffdhe2048 "$k" - "$(secret 01 32)" - fail "wrong secret"
  kase sha256 null "$(secret 01 32)" - - - fail "no secret (the target has a key for this host)"
  k=$(secret 02 48)
  kase sha384 ffdhe2048 "$k" "$(secret 02 48)" "$k" "$(secret 02 48)" fail \
    "wrong controller secret (the host must refuse the controller)"
  k=$(secret 01 32)
  kase sha256 null "$k" - "$k" "$(secret 01 32)" fail "controller secret given, none configured on the target"
  kase sha256 null - - "$(secret 01 32)" - connect "secret given, the target has no key for this host (no authentication)"
} > "$results/cases.tsv"
chmod 600 "$results/cases.tsv"
log "$n cases in $results/cases.tsv"

# --- 2. nvmegate ---------------------------------------------------------------------------------
target_note="not started (--nvmet-only)"
gate_args=()
if [ $gate = 1 ]; then
  cat > "$results/config.json" <<JSON
{"subsystems": [{"nqn": "$NQN", "allowAnyHost": false, "serial": "AUTH-E2E-0001",
   "namespaces": [{"nsid": 1, "size": "64M", "blockSize": 4096, "backend": "memory"}]}],
 "ports": [{"id": 1, "traddr": "127.0.0.1", "trsvcid": $PORT, "advertisedAddress": "10.0.2.2", "subsystems": ["$NQN"]}]}
JSON
  DATA=$(mktemp -d "${TMPDIR:-/tmp}/nvmegate-auth-data.XXXXXX")
  ts=$(now)
  start_jar_target "$results/target.log" 60 "$PORT $DPORT $APIPORT" -- all --config "$results/config.json" \
    --data "$DATA" --port "$PORT" --discovery-port "$DPORT" --bind 127.0.0.1 --advertise 10.0.2.2 --api-port "$APIPORT"
  target_note="listening on $PORT after $(secs "$ts" "$(now)") s"
  api() {  # api METHOD PATH JSON: the management API; api.log gets the status code only (request and answer hold keys)
    local code
    code=$(curl -sS -o "$results/api.answer" -w '%{http_code}' -X "$1" -H 'content-type: application/json' -d "$3" \
           "$API$2" 2>> "$results/api.log") || code="curl failed"
    echo "$1 $2 -> $code" >> "$results/api.log"
    case "$code" in 2??) rm -f "$results/api.answer" ;; *) die "$1 $2 refused ($code): $(head -c 300 "$results/api.answer")" ;; esac
  }
  while IFS=$'\t' read -r id hnqn _ hash group tkey tckey _; do
    [[ $id != \#* ]] || continue
    body="{\"nqn\": \"$hnqn\""
    [ "$tkey" = - ] || body+=", \"dhchapKey\": \"$tkey\", \"hash\": \"$hash\", \"dhGroup\": \"$group\""
    [ "$tckey" = - ] || body+=", \"dhchapCtrlKey\": \"$tckey\""
    api POST /hosts "$body}"
    api POST "/subsystems/$(printf '%s' "$NQN" | sed 's/:/%3A/g')/hosts" "{\"host\": \"$hnqn\"}"
  done < "$results/cases.tsv"
  log "target pid $TPID: $target_note; $n hosts created and linked through the API ($results/api.log)"
  gate_args=(--gate "10.0.2.2:$PORT:$NQN")
fi
[ $nvmet = 1 ] || gate_args+=(--no-nvmet)

# --- 3. guest ------------------------------------------------------------------------------------
bash "$NH/setup.sh"
ts=$(now)
set +e
"$NH/vm.sh" -w "$results" -t "$vm_timeout" -- \
  bash "$E2E/guest/auth-guest.sh" --cases "$results/cases.tsv" --results "$results" "${gate_args[@]}" \
  2>&1 | tee "$results/guest.log"
guest_rc=${PIPESTATUS[0]}
set -e
guest_phase="$(secs "$ts" "$(now)") s, rc=$guest_rc"
[ "$guest_rc" != 124 ] || guest_phase+=" (guest timed out after $vm_timeout s)"
target_alive=1
if [ $gate = 1 ]; then kill -0 "$TPID" 2>/dev/null || target_alive=0; fi
stop_target

# --- 4. summary ----------------------------------------------------------------------------------
ok=1
[ "$guest_rc" = 0 ] || ok=0
[ $target_alive = 1 ] || ok=0
grep -q '^auth: [0-9]* passed, 0 failed$' "$results/guest.log" || ok=0
echo
log "==== auth summary (kernel $(grep -m1 '^kernel ' "$results/guest.log" | cut -d' ' -f2 | tr -d ';'))"
log "target:        $target_note$([ $target_alive = 1 ] || echo ', DIED during the guest session')"
log "guest session: $guest_phase"
if [ -s "$results/summary.tsv" ]; then
  printf '%s\t%s\t%s\t%s\t%s\n' case expected nvmet nvmegate title > "$results/table.tsv"
  r() { awk -F'\t' -v i="$id" -v t="$1" '$1 == i && $2 == t { split($4, o, /[ ,(]/); print $5 " (" o[1] ")" }' "$results/summary.tsv"; }
  while IFS=$'\t' read -r id _ _ _ _ _ _ _ _ expect title; do
    [[ $id != \#* ]] || continue
    printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$expect" "$(r nvmet)" "$(r nvmegate)" "$title" >> "$results/table.tsv"
  done < "$results/cases.tsv"
  column -t -s $'\t' "$results/table.tsv" | sed 's/^/[auth]   /'
fi
grep '^auth: ' "$results/guest.log" | tail -1 | sed 's/^/[auth] guest: /' || true
log "transcripts:   $([ $nvmet = 1 ] && echo "$results/transcript-nvmet.txt ")$([ $gate = 1 ] && echo "$results/transcript-nvmegate.txt")"
log "total:         $(secs "$T0" "$(now)") s"
if [ $ok = 1 ]; then log "RESULT: PASS"; exit 0; fi
[ $gate = 0 ] || tail -n 40 "$results/target.log" | sed 's/^/  target| /'
log "RESULT: FAIL"
exit 1
