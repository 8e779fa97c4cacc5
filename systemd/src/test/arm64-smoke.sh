#!/usr/bin/env bash
# arm64 smoke test of the edge package (issue 16), on an x86-64 host under qemu-user:
#   systemd/src/test/arm64-smoke.sh systemd/target/dwcp-agent-edge_<version>_arm64.deb
# 1. An arm64 Java 17 from Debian (openjdk-17-jre-headless:arm64 and the libraries it loads), fetched once by
#    .ci/arm64-jre into a private root, not installed (the host's dpkg architectures are not touched); kept.
# 2. The package unpacked (dpkg-deb -x) into a temp dir; its launcher (/usr/bin/dwcp-agent) runs its jar with
#    that JVM under qemu-aarch64, with the edge drop-in's environment and JVM options, on free ports, a socket and
#    state in the temp dir.
# 3. Checks: /health UP; Netty's epoll transport on the socket; every network served by our native kernels (the
#    arm64 JNI libraries in the jar loaded and passed their golden checks); one `transfer` datagram in over UDP,
#    one `compression_choice` out on the Unix socket; the datagram and the prediction counted in /metrics;
#    SIGTERM ends it with status 143. Prints the time each step took.
# Slow (qemu emulates every instruction): about a minute here, too slow for CI; the README and native/README.md
# record two runs. Needs qemu-user, gcc-aarch64-linux-gnu, apt-get (network to the Debian mirror on the first run), dpkg-deb,
# python3, curl.
# qemu-user (7.2, Debian 12) does not emulate getsockopt(IPPROTO_IP, IP_RECVORIGDSTADDR): it answers ENOPROTOOPT,
# which Netty's epoll datagram channel asks on every read, so each datagram became a channel error under qemu
# (an arm64 kernel has the option since Linux 2.6.29). A preloaded shim, in the guest only (qemu -E), answers
# "off" (the agent never sets it) for that one option when qemu refuses it; everything else runs as shipped.
# Environment: DWCP_ARM64_ROOT (default ~/.cache/dwcp-arm64-root), QEMU_AARCH64 (default qemu-aarch64),
# DWCP_SMOKE_TIMEOUT (seconds to wait for each step, default 900).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 dwcp-agent-edge_VERSION_arm64.deb" >&2; exit 64; }
deb=$(readlink -f "$1")
root=${DWCP_ARM64_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/dwcp-arm64-root}
qemu=${QEMU_AARCH64:-qemu-aarch64}
limit=${DWCP_SMOKE_TIMEOUT:-900}
jvm=usr/lib/jvm/java-17-openjdk-arm64/bin/java

pass() { echo "arm64-smoke: ok   - $*"; }
fail() { echo "arm64-smoke: FAIL - $*" >&2; exit 1; }
t0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

[ -f "$deb" ] || fail "no package at $1"
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
for t in "$qemu" "$cc" dpkg-deb python3 curl; do
  command -v "$t" >/dev/null || fail "$t not found (apt-get install qemu-user gcc-aarch64-linux-gnu dpkg python3 curl)"
done
[ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$deb is not an arm64 package"

# --- 1. arm64 JRE from Debian, in a private root (.ci/arm64-jre) -------------------------------------------
step=$(date +%s.%N)
jre=$("$(dirname "$0")/../../../.ci/arm64-jre" "$root") || fail "cannot fetch the arm64 JRE (.ci/arm64-jre)"
pass "arm64 JRE at $jre ($(since "$step"))"
version=$("$qemu" -L "$jre" "$jre/$jvm" -version 2>&1) || true
grep -q 'version "17' <<<"$version" || fail "the arm64 JVM does not run under $qemu: $version"

# --- 2. the package, its launcher, its jar ------------------------------------------------------------------
work=$(mktemp -d /tmp/dwcp-arm64-smoke.XXXXXX)
pid=
cleanup() { [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
pkg=$work/pkg
dpkg-deb -x "$deb" "$pkg"
mkdir -p "$work/models"   # the package's models dir (empty: the jar's default models serve)
cat >"$work/qemu-sockopt.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

int getsockopt(int fd, int level, int name, void *value, socklen_t *len) {
    static int (*real)(int, int, int, void *, socklen_t *);
    if (real == 0) real = (int (*)(int, int, int, void *, socklen_t *)) dlsym(RTLD_NEXT, "getsockopt");
    int r = real(fd, level, name, value, len);
    if (r < 0 && errno == ENOPROTOOPT && level == IPPROTO_IP && name == IP_RECVORIGDSTADDR && value != 0
            && len != 0 && *len >= sizeof(int)) {
        *(int *) value = 0;
        *len = sizeof(int);
        return 0;
    }
    return r;
}
C
"$cc" -O2 -shared -fPIC -o "$work/qemu-sockopt.so" "$work/qemu-sockopt.c" -ldl
cat >"$work/java" <<EOF
#!/bin/sh
exec $qemu -L $jre -E LD_PRELOAD=$work/qemu-sockopt.so $jre/$jvm "\$@"
EOF
chmod +x "$work/java"
free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, int(sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }
udp=$(free_port 2); http=$(free_port 1)
sock=$work/agent.sock
conf=$pkg/usr/share/dwcp-agent/systemd/edge.conf
mapfile -t edge_env < <(sed -n 's/^Environment=\(DWCP_[A-Z_]*=[^ ]*\)$/\1/p' "$conf")
java_opts=$(sed -n 's/^Environment="JAVA_OPTS=\(.*\)"$/\1/p' "$conf")
[ "${#edge_env[@]}" -ge 5 ] && [ -n "$java_opts" ] || fail "edge.conf Environment= lines not found"

step=$(date +%s.%N)
env -i PATH=/usr/bin:/bin HOME="$work" "${edge_env[@]}" JAVA="$work/java" JAVA_OPTS="$java_opts" \
  DWCP_AGENT_JAR="$pkg/usr/share/dwcp-agent/dwcp-agent.jar" DWCP_AGENT_CONFIG="$pkg/etc/dwcp-agent/application.yml" \
  DWCP_AGENT_JAVACPP_CACHEDIR="$work/javacpp" \
  "$pkg/usr/bin/dwcp-agent" run --dwcp.ingest.port="$udp" --micronaut.server.port="$http" \
  --dwcp.socket.path="$sock" --dwcp.inference.models-dir="$work/models" --dwcp.history.dir="$work/history" \
  >"$work/agent.log" 2>&1 &
pid=$!
up=no
for _ in $(seq $((limit * 2))); do
  if curl -sf "http://127.0.0.1:$http/health" >/dev/null; then up=yes; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
[ "$up" = yes ] || { tail -30 "$work/agent.log"; fail "the agent did not become healthy"; }
ready=$(since "$step")
pass "packaged launcher + arm64 JVM under qemu: /health UP after $ready (edge JAVA_OPTS: $java_opts)"
grep -E 'inference backend:|model [a-z]+: |startup completed|transport' "$work/agent.log" | sed 's/^/  | /' | cut -c1-220

grep -q 'transport: native epoll' "$work/agent.log" || fail "Netty's epoll transport did not load (aarch_64 native)"
grep -q 'inference backend: native-cpu' "$work/agent.log" || fail "native-cpu is not the inference backend"
for m in bandwidth compression latency degradation; do
  grep -qE "model $m: .*graph native-c" "$work/agent.log" || fail "model $m is not served by the native kernels"
done
pass "every network on the native kernels (arm64 JNI libraries loaded from the jar)"
[ -S "$sock" ] || fail "no socket at $sock"

# --- 3. one sample in, one prediction out ----------------------------------------------------------------------
step=$(date +%s.%N)
python3 - "$sock" "$udp" "$limit" >"$work/event.json" <<'PY' || { tail -20 "$work/agent.log"; fail "no compression_choice on the socket"; }
import json, socket, sys, time
path, port, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
s.connect(path)
s.settimeout(limit)
f = s.makefile("rw")
f.write('{"id":"1","method":"subscribe","params":{"types":["compression_choice"]}}\n')
f.flush()
while '"reply"' not in (line := f.readline()):
    pass
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'{"type":"transfer","node_id":"arm64-a","peer_id":"arm64-b","bandwidth_mbps":400,"rtt_ms":30,'
         b'"link_type":"wan","payload_bytes":67108864,"entropy_bits_per_byte":5.5,"cpu_usage":0.3}', ("127.0.0.1", port))
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    line = f.readline()
    if not line:
        sys.exit("socket closed")
    e = json.loads(line)
    if e.get("type") == "compression_choice" and e.get("node_id") == "arm64-a":
        print(line.strip())
        sys.exit(0)
sys.exit("timed out")
PY
pass "one transfer datagram in, one compression_choice out in $(since "$step"): $(cut -c1-200 "$work/event.json")"
metrics=$(curl -sf "http://127.0.0.1:$http/metrics") || fail "/metrics"
grep -qE '^dwcp_ingest_records_total(\{[^}]*\})? 1(\.0)?$' <<<"$metrics" \
  || { grep '^dwcp_ingest_records' <<<"$metrics"; fail "/metrics does not count the one record"; }
grep -qE '^dwcp_predictions_total\{[^}]*model="compression"[^}]*\} 1(\.0)?$' <<<"$metrics" \
  || { grep '^dwcp_predictions_total' <<<"$metrics"; fail "/metrics does not count the one compression prediction"; }
pass "/metrics counts one record and one compression prediction"

step=$(date +%s.%N)
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=
[ "$rc" = 143 ] || { tail -20 "$work/agent.log"; fail "exit status $rc on SIGTERM (143 expected)"; }
pass "SIGTERM: exit 143 in $(since "$step"); whole smoke test $(since "$t0")"
