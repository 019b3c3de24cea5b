#!/usr/bin/env bash
# Packets per second through a TUN device in a network namespace: per-packet read/write through
# JNA versus the JDK's foreign function API (dev.flint.shell.linux.TunIoBenchmark). Run as root.
# Usage: io-shell/bench/tun-io.sh [SECONDS per measurement, default 5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -n1)"
  export JAVA_HOME
fi
[ -x "$JAVA_HOME/bin/java" ] || { echo "tun-io: set JAVA_HOME to a JDK 25" >&2; exit 1; }
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -B -ntp -q -pl io-shell -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "io-shell/target/test-classes:io-shell/target/classes:$(cat "$CP_FILE")" \
  dev.flint.shell.linux.TunIoBenchmark "${1:-5}"
