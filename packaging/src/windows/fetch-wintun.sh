#!/usr/bin/env bash
# Takes wintun.dll (WireGuard LLC's signed build) out of the org.drasyl:netty-tun 1.2.5 jar on Maven
# Central and checks it against the hashes pinned in wintun.sha256 before anything ships it.
#   fetch-wintun.sh OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
repo="$(cd "$here/../../.." && pwd)"
"$repo/mvnw" -B -ntp -q dependency:copy -Dartifact=org.drasyl:netty-tun:1.2.5 -DoutputDirectory="$out/jar"
mkdir -p "$out/wintun"
(cd "$out/wintun" && unzip -q -o "$out/jar/netty-tun-1.2.5.jar" 'META-INF/native/wintun/amd64/*' 'META-INF/native/wintun/arm64/*' \
  && mv META-INF/native/wintun/* . && rm -rf META-INF && sha256sum -c "$here/wintun.sha256")
