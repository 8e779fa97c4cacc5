#!/usr/bin/env bash
# arm64 JNI check (issue 16), run by Maven in jni's integration-test phase:
#   arm64-jni-check.sh TARGET_DIR CLASSPATH NATIVE_DIR WEIGHTS_DIR
# The JavaCPP glue cross-compiled for linux-arm64 (JavaCPP's Builder, g++-aarch64-linux-gnu) against native's
# aarch64 libraries into TARGET_DIR/arm64-jni, laid out as in the jar (io/dwcp/jni/internal/linux-arm64/); then
# Debian's arm64 JVM under qemu-user runs NativeLoadCheck with -Xcheck:jni: Loader finds and loads the libraries
# with no change in Java code, the C forest equals the Java reference bit for bit, and each committed network
# loads on C and passes its golden check.
# The arm64 JVM is $DWCP_ARM64_JRE, else ~/.cache/dwcp-arm64-root/jre; .ci/arm64-jre fetches it (.ci/run does).
# A missing tool or JVM is a skip with a message, a failure under DWCP_DEB_TEST_STRICT=1 (CI).
set -euo pipefail
target=$1 classpath=$2 native=$3 weights=$4
cxx=${AARCH64_CXX:-aarch64-linux-gnu-g++}
qemu=${QEMU_AARCH64:-qemu-aarch64}
jre=${DWCP_ARM64_JRE:-${DWCP_ARM64_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/dwcp-arm64-root}/jre}
jvm=$jre/usr/lib/jvm/java-17-openjdk-arm64/bin/java

skip() {
  if [ "${DWCP_DEB_TEST_STRICT:-0}" = 1 ]; then
    echo "arm64 JNI check: FAIL - cannot run (DWCP_DEB_TEST_STRICT=1): $*" >&2
    exit 1
  fi
  echo "arm64 JNI check skipped: $*"
  exit 0
}
for t in "$cxx" "$qemu" make; do
  command -v "$t" >/dev/null || skip "$t not found (apt-get install g++-aarch64-linux-gnu qemu-user)"
done
[ -x "$jvm" ] || skip "no arm64 JVM at $jre (fetch it with .ci/arm64-jre, or set DWCP_ARM64_JRE)"

start=$(date +%s.%N)
make -s -C "$native" OUT="$native/target" arm64 >/dev/null
out=$target/arm64-jni
rm -rf "$out"
mkdir -p "$out/io/dwcp/jni/internal/linux-arm64"
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$classpath" org.bytedeco.javacpp.tools.Builder -classpath "$classpath" \
  -properties linux-arm64 "-Dplatform.compiler=$cxx" "-Dplatform.includepath=$native/include" \
  "-Dplatform.linkpath=$native/target/aarch64/lib" -copylibs -d "$out/io/dwcp/jni/internal/linux-arm64" \
  'io.dwcp.jni.internal.*' >"$out/build.log" 2>&1 || { cat "$out/build.log"; echo "arm64 JNI check: FAIL - glue build" >&2; exit 1; }
built=$(date +%s.%N)
"$qemu" -L "$jre" "$jvm" -Xcheck:jni -XX:TieredStopAtLevel=1 "-Dorg.bytedeco.javacpp.cachedir=$out/cache" \
  -cp "$out:$classpath" io.dwcp.jni.NativeLoadCheck "$weights"/*/weights.dwcpnet \
  || { echo "arm64 JNI check: FAIL - NativeLoadCheck on the arm64 JVM (above)" >&2; exit 1; }
awk -v a="$start" -v b="$built" -v c="$(date +%s.%N)" \
  'BEGIN { printf "arm64 JNI check: ok (glue built in %.1f s, arm64 JVM run under qemu %.1f s)\n", b - a, c - b }'
