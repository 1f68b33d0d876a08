#!/usr/bin/env bash
# bench/fuzz.sh - coverage-guided fuzzing (Jazzer) of every @FuzzTest in */src/test/java (issue 18).
#
#   bench/fuzz.sh [SECS] [REGEX]   fuzz each target (or those whose Class#method matches the extended REGEX) for
#                                  SECS seconds (default 60), one JVM per target (Jazzer fuzzes one test per JVM)
#   bench/fuzz.sh --list           list the targets: module Class#method
#   bench/fuzz.sh --ci             short seeded run of the fast targets within FUZZ_CI_BUDGET seconds of wall time
#                                  (default 90, Maven and JVM start included), FUZZ_CI_SECS seconds each (default 5)
#
# Targets are found by grepping @FuzzTest, so a new fuzz test is picked up without editing this script. Each target
# starts from its committed inputs (src/test/resources/<package>/<Class>Inputs/<method>/, also the regression tests of
# every build) plus Jazzer's generated corpus of earlier runs (<module>/.cifuzz-corpus/, git-ignored). A crash Jazzer
# writes (crash-<sha1>) is moved into the committed Inputs directory as finding-<sha1>: fix the bug, commit the file,
# and it stays a regression test. Per target it prints executions, exec/s and findings, then a summary table; logs in
# target/fuzz/. Exit status 1 if any target had a finding or failed to run.
#
# Needs one `mvn -B verify` (or `mvn -B test-compile`) before, so that ~/.m2 holds every dependency: it runs Maven
# offline (-o) unless FUZZ_MAVEN_ONLINE=1, `mvn test -pl MODULE -am -Dtest=Class#method` per target. The run time per target is passed to libFuzzer as -max_total_time
# through Jazzer's JUnit configuration parameters jazzer.internal.arg.N (the last -max_total_time wins over
# @FuzzTest(maxDuration), whose default is 5 minutes).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# The fast targets of --ci, in order: in-memory parsers first, then the TCP queue on loopback.
CI_TARGETS=${FUZZ_CI_TARGETS:-"PduFuzzTest#framerAndDecode AuthMessageFuzzTest#decode BlockCodecsFuzzTest#batch TcpQueueFuzzTest#streamAfterICReq BlockCodecsFuzzTest#request PduFuzzTest#connectData"}

# Prints "module path/Class.java Class method" for every @FuzzTest method.
targets() {
  grep -rl --include='*.java' '@FuzzTest' -- */src/test/java 2>/dev/null | sort | while read -r f; do
    module=${f%%/*}
    cls=$(basename "$f" .java)
    awk '/@FuzzTest/ {want=1; next} want && match($0, /void[ \t]+[A-Za-z0-9_]+[ \t]*\(/) {
           s=substr($0, RSTART, RLENGTH); sub(/^void[ \t]+/, "", s); sub(/[ \t]*\($/, "", s); print s; want=0 }' "$f" |
      while read -r m; do echo "$module $f $cls $m"; done
  done
}

# The committed Inputs directory of a target: src/test/java/a/b/C.java -> src/test/resources/a/b/CInputs/method
inputs_dir() {
  local f=$1 m=$2
  local rel=${f#*/src/test/java/}
  echo "${f%%/src/test/java/*}/src/test/resources/${rel%.java}Inputs/$m"
}

LOGDIR=$ROOT/target/fuzz
mkdir -p "$LOGDIR"
SUMMARY=()
FAILED=0

# run_target MODULE FILE CLASS METHOD SECS [WALL_LIMIT]: fuzzes one target, appends a summary row
run_target() {
  local module=$1 f=$2 cls=$3 m=$4 secs=$5 wall=${6:-$(( $5 + 900 ))}
  local dir log start end rc execs runsecs eps findings result
  dir=$(inputs_dir "$f" "$m")
  mkdir -p "$dir" # Jazzer writes crashes here only if the directory exists (else into the module root)
  log=$LOGDIR/$cls-$m.log
  echo "== $cls#$m ($module): fuzzing ${secs}s; log $log"
  start=$(date +%s)
  # shellcheck disable=SC2086
  JAZZER_FUZZ=1 timeout --kill-after=10 "$wall" mvn -B $( [ "${FUZZ_MAVEN_ONLINE:-0}" = 1 ] || echo -o ) \
    test -pl "$module" -am -Dtest="$cls#$m" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$secs" </dev/null >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  # libFuzzer's closing line: "Done 178929 runs in 11 second(s)"
  execs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')
  runsecs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $5}')
  execs=${execs:-0}
  if [ -n "${runsecs:-}" ] && [ "$runsecs" -gt 0 ]; then eps=$(( execs / runsecs )); else eps=$execs; fi
  findings=0
  # libFuzzer's slow-unit-* (an execution over 10 s, e.g. on a loaded machine) are no findings: kept in target/fuzz
  while read -r slow; do
    [ -f "$slow" ] && mv -f "$slow" "$LOGDIR/$cls-$m-$(basename "$slow")" && echo "   slow unit (no finding): $LOGDIR/$cls-$m-$(basename "$slow")"
  done < <(grep -oE "Test unit written to [^ ]+slow-unit-[0-9a-f]+" "$log" | awk '{print $5}' | sort -u)
  # crash files Jazzer wrote (into the Inputs directory, or the module root when there was none)
  while read -r crash; do
    [ -n "$crash" ] || continue
    [ -f "$crash" ] || continue
    local name
    name=$(basename "$crash"); name=finding-${name#*-}
    mv -f "$crash" "$dir/$name"
    echo "   finding: $dir/$name"
    findings=$(( findings + 1 ))
  done < <(grep -oE "Test unit written to [^ ]+" "$log" | awk '{print $5}' | grep -v '/slow-unit-' | sort -u)
  if [ "$rc" -eq 0 ]; then result=ok
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then result="cut at ${wall}s"
  elif [ "$findings" -gt 0 ]; then result=FINDING
  else result="FAILED (rc $rc, see log)"
  fi
  [ "$result" = ok ] || [ "${result#cut}" != "$result" ] || FAILED=1
  printf '   %s executions in %ss (%s exec/s), %s findings, %s; wall %ss\n' "$execs" "${runsecs:-0}" "$eps" "$findings" "$result" "$(( end - start ))"
  SUMMARY+=("$(printf '%-44s %-18s %12s %9s %8s %6s  %s' "$cls#$m" "$module" "$execs" "$eps" "$findings" "$(( end - start ))" "$result")")
}

print_summary() {
  echo
  printf '%-44s %-18s %12s %9s %8s %6s  %s\n' target module executions exec/s findings wall result
  for row in "${SUMMARY[@]}"; do echo "$row"; done
  echo "(load: $(uptime | sed 's/.*load average/load average/'))"
}

case "${1:-}" in
  --list)
    targets | awk '{printf "%-20s %s#%s\n", $1, $3, $4}'
    exit 0
    ;;
  --ci)
    budget=${FUZZ_CI_BUDGET:-90}
    secs=${FUZZ_CI_SECS:-5}
    overhead=${FUZZ_CI_OVERHEAD:-30} # first guess of Maven + JVM + Jazzer start per target, then measured
    t0=$(date +%s)
    all=$(targets)
    echo "fuzz --ci: budget ${budget}s, ${secs}s per target"
    for want in $CI_TARGETS; do
      line=$(echo "$all" | awk -v t="$want" '$3"#"$4 == t' | head -1)
      [ -n "$line" ] || { echo "== $want: no such target, skipped"; continue; }
      left=$(( budget - ($(date +%s) - t0) ))
      if [ "$left" -lt $(( overhead + secs )) ]; then
        echo "== $want: skipped (${left}s of the budget left, a run needs ~$(( overhead + secs ))s)"
        continue
      fi
      # shellcheck disable=SC2086
      set -- $line
      s=$(date +%s)
      run_target "$1" "$2" "$3" "$4" "$secs" "$left"
      took=$(( $(date +%s) - s ))
      overhead=$(( took - secs > overhead ? took - secs : (took - secs + overhead) / 2 ))
    done
    print_summary
    echo "fuzz --ci: $(( $(date +%s) - t0 ))s of ${budget}s"
    exit $FAILED
    ;;
  -h|--help)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

SECS=${1:-60}
REGEX=${2:-.}
case "$SECS" in (*[!0-9]*|'') echo "usage: bench/fuzz.sh [SECS] [REGEX] | --list | --ci" >&2; exit 2;; esac
matched=0
while read -r module f cls m; do
  echo "$cls#$m" | grep -qE -- "$REGEX" || continue
  matched=1
  run_target "$module" "$f" "$cls" "$m" "$SECS"
done < <(targets)
[ "$matched" = 1 ] || { echo "no fuzz target matches '$REGEX' (bench/fuzz.sh --list)" >&2; exit 2; }
print_summary
exit $FAILED
