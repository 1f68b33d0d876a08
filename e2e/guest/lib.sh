# shellcheck shell=bash
# Sourced by the guest-side e2e scripts (e2e/guest/*-guest.sh, run inside the QEMU guest). The caller sets W (a
# scratch folder) and, for apicall, api (the management API's base URL as the guest reaches it).

enc() { printf '%s' "$1" | sed 's/:/%3A/g'; }  # an NQN in a URL path
say() { echo "   $*"; }
fail() { echo "   CHECK FAILED: $*" >&2; exit 1; }  # steps run in a subshell: ends the step

# run COMMAND...: echoes it, keeps its output in $W/out (shown, first RUN_LINES lines, default 40), returns its rc
run() {
  local rc=0
  echo "   \$ $*"
  { "$@" > "$W/out" 2>&1; } || rc=$?
  sed 's/^/   | /' "$W/out" | head -n "${RUN_LINES:-40}"
  echo "   (rc=$rc)"
  return $rc
}

# apicall METHOD PATH [JSON]: the management API; the answer goes to $W/api (shown with the time, first 20 lines);
# a 4xx/5xx fails the step
apicall() {
  local m=$1 p=$2 body=${3:-}
  echo "   \$ curl -X $m $api/api/v1$p ${body:+-d '$body'}"
  if ! curl -sS -f -X "$m" -H 'content-type: application/json' ${body:+-d "$body"} "$api/api/v1$p" > "$W/api" 2> "$W/api.err"; then
    sed 's/^/   | /' "$W/api" "$W/api.err"
    fail "$m $p refused"
  fi
  echo "   | $(date +%T.%N | cut -c1-12):"
  { cat "$W/api"; echo; } | sed 's/^/   | /' | head -n 20
}
