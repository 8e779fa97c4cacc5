#!/usr/bin/env bash
# Lints a live scrape of the agent's /metrics with Prometheus' own promtool (`promtool check metrics`,
# Debian package `prometheus`): zero problems allowed on dwcp_ series (issue 18). Run by Maven
# (integration-test phase of agent/) and usable by hand:
#   agent/src/test/sh/promtool-check.sh [path/to/dwcp-agent.jar]
# Without promtool, java or curl it skips with a message, unless DWCP_DEB_TEST_STRICT=1 (.ci/run sets it).
set -euo pipefail
agent_dir=$(readlink -f "$(dirname "$0")/../../..")
jar=$(readlink -f "${1:-$agent_dir/target/dwcp-agent.jar}" || true)
strict=${DWCP_DEB_TEST_STRICT:-0}

skip() {
  if [ "$strict" = 1 ]; then
    echo "promtool-check: FAIL - $* (DWCP_DEB_TEST_STRICT=1)" >&2
    exit 1
  fi
  echo "promtool-check: SKIP - $*, so /metrics was not linted. Install Debian's prometheus (.ci/run does)."
  exit 0
}
command -v promtool >/dev/null 2>&1 || skip "'promtool' is not installed"
command -v java >/dev/null 2>&1 || skip "'java' is not on PATH"
command -v curl >/dev/null 2>&1 || skip "'curl' is not installed"
[ -f "$jar" ] || skip "agent jar $jar is missing (mvn -pl agent -am package)"

free_port() { # a free port of the given kind (tcp|udp), from the kernel
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1" 2>/dev/null \
    || echo $((20000 + RANDOM % 30000))
}
dir=$(mktemp -d /tmp/dwcp-promtool.XXXXXX)
http=$(free_port tcp)
udp=$(free_port udp)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

TF_CPP_MIN_LOG_LEVEL=2 java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" run \
  --dwcp.ingest.port="$udp" --micronaut.server.port="$http" --dwcp.socket.path="$dir/agent.sock" \
  >"$dir/agent.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$http/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "promtool-check: FAIL - the agent exited during startup:" >&2; tail -20 "$dir/agent.log" >&2; exit 1
  fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$http/health" >/dev/null || { echo "promtool-check: FAIL - agent not healthy" >&2; exit 1; }

# Traffic for every model, so that the series with per-model and per-link labels exist too.
for i in $(seq 1 12); do
  printf 'dwcp_link,node_id=a,peer_id=b bandwidth_mbps=%d,latency_ms=12,packet_loss=0.001,jitter_ms=0.8\n' $((900 + i)) \
    >/dev/udp/127.0.0.1/"$udp"
  printf 'dwcp_node,node_id=a rtt_ms=12,cpu_usage=0.4,memory_usage=0.6\n' >/dev/udp/127.0.0.1/"$udp"
  printf 'dwcp_consensus,node_id=a queue_depth=10,latency_p50=5,latency_p95=10,latency_p99=15\n' >/dev/udp/127.0.0.1/"$udp"
  printf 'dwcp_transfer,node_id=a,peer_id=b bandwidth_mbps=100,payload_bytes=67108864,entropy_bits_per_byte=4.5\n' \
    >/dev/udp/127.0.0.1/"$udp"
done
sleep 2
curl -fsS "http://127.0.0.1:$http/metrics" >"$dir/metrics.txt"
families=$(grep -c '^# TYPE dwcp_' "$dir/metrics.txt" || true)
# promtool exits non-zero on any finding; the findings are what we judge.
set +e
promtool check metrics <"$dir/metrics.txt" >"$dir/promtool.txt" 2>&1
rc=$?
set -e
ours=$(grep -E '^dwcp_|error while linting' "$dir/promtool.txt" || true)
others=$(grep -vcE '^dwcp_' "$dir/promtool.txt" || true)
if [ -n "$ours" ]; then
  echo "promtool-check: FAIL - promtool check metrics (exit $rc) on dwcp_ series:" >&2
  echo "$ours" >&2
  exit 1
fi
echo "promtool-check: OK - $(promtool --version 2>&1 | head -1): no findings on $families dwcp_ metric families" \
     "($others on other series, e.g. jvm_/process_, not ours to fix)"
