#!/usr/bin/env bash
# Runs nvmegate (builds the jar first if it is missing or older than the sources).
# Usage: ./run.sh [all|gateway|worker|discovery] [options]   (./run.sh --help lists the options)
set -euo pipefail
cd "$(dirname "$0")"
jar=launcher/target/nvmegate.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./e2e -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building $jar (mvn -B -q -DskipTests package)" >&2
  mvn -B -q -DskipTests package
fi
export HZ_PHONE_HOME_ENABLED=false
# JVM flags: README "Performance" (-Dnvmegate.nativeTransport, -Dnvmegate.tcpEventLoops, heap, JFR)
exec java -XX:+ExitOnOutOfMemoryError ${NVMEGATE_JAVA_OPTS:-} -jar "$jar" "$@"
