#!/usr/bin/env bash
# Makes the cluster CA, one certificate per cluster member and the cluster secret key, with openssl.
#
#   deploy/cluster-certs.sh [--out DIR] [--days N] [--owner UID[:GID]] [MEMBER...]
#
# MEMBER: a member's name (compose service name); default: compose.yaml's members
#   worker-1 worker-2 worker-3 gateway-1 gateway-2 discovery.
# DIR (default deploy/cluster-tls beside this script) receives:
#   ca.key              the CA's private key: keep it OFF the members (nothing mounts it); only this script uses it
#   ca.crt              the cluster CA certificate          -> every member's --cluster-tls-ca
#   MEMBER.crt          the member's certificate            -> its --cluster-tls-cert
#   MEMBER.key          the member's private key (PKCS#8)   -> its --cluster-tls-key
#   cluster-secret.key  32 random bytes, base64             -> every member's --cluster-secret-key
# Existing files are kept: run it again with a new member name to add a member to the same CA. To replace
# everything (a new CA), delete DIR first. Private keys are 0600; --owner chowns them (and the secret key) to
# the user the members run as, e.g. 10001:10001 for the nvmegate image under docker compose (needs root),
# because compose mounts secret files with their host owner and mode.
#
# Certificates: EC P-256, SHA-256. The CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign, cRLSign.
# A member: CA:FALSE, keyUsage digitalSignature, extendedKeyUsage serverAuth + clientAuth (it is the server of
# its event bus and the client of the others'), subjectAltName DNS:MEMBER. Members do not verify host names
# (README, "Security"): the CA is dedicated to one nvmegate cluster and every certificate it issues is a member.
set -euo pipefail

out="$(cd "$(dirname "$0")" && pwd)/cluster-tls"
days=825
owner=""
members=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --owner) owner="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "cluster-certs.sh: unknown option $1" >&2; exit 2 ;;
    *) members+=("$1"); shift ;;
  esac
done
[ ${#members[@]} -gt 0 ] || members=(worker-1 worker-2 worker-3 gateway-1 gateway-2 discovery)

umask 077
mkdir -p "$out"
cd "$out"

if [ ! -f ca.key ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
  openssl req -x509 -new -key ca.key -sha256 -days $((days * 4)) -subj "/O=nvmegate/CN=nvmegate cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out ca.crt
  chmod 0644 ca.crt
  echo "made the cluster CA: $out/ca.crt"
fi

for m in "${members[@]}"; do
  case "$m" in *[!A-Za-z0-9._-]*|"") echo "cluster-certs.sh: bad member name '$m'" >&2; exit 2 ;; esac
  if [ -f "$m.crt" ] && [ -f "$m.key" ]; then
    echo "kept $m.crt"
    continue
  fi
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$m.key" 2>/dev/null
  ext="$(mktemp)"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:$m" \
    "authorityKeyIdentifier=keyid" "subjectKeyIdentifier=hash" > "$ext"
  openssl req -new -key "$m.key" -subj "/O=nvmegate/CN=$m" \
    | openssl x509 -req -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -days "$days" -sha256 \
        -extfile "$ext" -out "$m.crt" 2>/dev/null
  rm -f "$ext"
  chmod 0644 "$m.crt"
  openssl verify -CAfile ca.crt "$m.crt" >/dev/null
  echo "made $m.crt (valid $days days)"
done

if [ ! -f cluster-secret.key ]; then
  openssl rand -base64 32 > cluster-secret.key
  echo "made cluster-secret.key"
fi
chmod 0600 ca.key cluster-secret.key "${members[@]/%/.key}"

if [ -n "$owner" ]; then
  chown "$owner" cluster-secret.key "${members[@]/%/.key}"
  echo "member keys and cluster-secret.key now belong to $owner"
fi
