#!/usr/bin/env bash
# Issue 16's start-up, latency-tail and size figures, a jar before a change and after it side by side in one
# run (each figure twice or more):
#   1. package sizes: full and edge jar and .deb (whatever is built under agent/target and systemd/target);
#   2. time to ready: the packaged launcher (systemd/dwcp-agent) with the unit's JVM options, /health polled every
#      20 ms, idle RSS 5 s after UP; BEFORE without a class-data archive (as the unit ran it), AFTER without
#      and with one (DWCP_AGENT_CDS_DIR; the recording start is timed too), interleaved, $STARTS runs each;
#   3. end to end: the load generator at 1k, 20k and 100k samples/s on both jars, alternating, twice, with its
#      table of where the tail can come from (agent and generator GC, generator CPU, a 1 ms sleeper's lateness).
# usage: BEFORE=old-edge.jar AFTER=agent/target/dwcp-agent-edge.jar [AFTER_FULL=agent/target/dwcp-agent.jar]
#        [STARTS=3] [RATES=1000,20000,100000] [LGJAR=jar with the load generator] agent/src/jmh/run-light.sh
#        (repository root; ~15 min)
# Output under $OUT (default agent/target/light-<UTC time>), also printed. The load average is logged with
# each run: on a shared machine compare within a run, not between runs.
set -euo pipefail
cd "$(dirname "$0")/../../.."
before=${BEFORE:?BEFORE=jar of the version to compare against}
after=${AFTER:-agent/target/dwcp-agent-edge.jar}
starts=${STARTS:-3}
rates=${RATES:-1000,20000,100000}
out=${OUT:-agent/target/light-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
opts="-Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC"   # systemd/dwcp-agent.service
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, java $(java -version 2>&1 | head -1 | cut -d'"' -f2), load average $(load)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "# before: $before; after: $after"
} | tee "$out/machine.txt"

{
  echo "## sizes (bytes)"
  for f in agent/target/dwcp-agent.jar agent/target/dwcp-agent-edge.jar systemd/target/dwcp-agent_*_all.deb \
           systemd/target/dwcp-agent-edge_*_all.deb "$before" "$after"; do
    [ -f "$f" ] && printf '%s %s\n' "$(stat -c %s "$f")" "$f"
  done
} 2>/dev/null | tee "$out/sizes.txt"

# One start through the launcher: prints "ms_to_UP rss_kb_idle stop_ms cpu_ms_to_UP". $1 jar, $2 CDS dir ('' = none).
start_once() {
  local jar=$1 cds=$2 d port udp t0 t1 pid rss t2 cpu
  d=$(mktemp -d)
  port=$((20000 + RANDOM % 20000)); udp=$((20000 + RANDOM % 20000))
  t0=$(date +%s%N)
  DWCP_AGENT_JAR=$jar DWCP_AGENT_CDS_DIR=$cds JAVA_OPTS=$opts DWCP_AGENT_CONFIG=/nonexistent \
    systemd/dwcp-agent run --micronaut.server.port=$port --dwcp.ingest.port=$udp --dwcp.socket.path="$d/agent.sock" \
    --dwcp.history.enabled=false >"$d/log" 2>&1 &
  pid=$!
  until curl -s -m 1 "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"UP"'; do
    kill -0 $pid 2>/dev/null || { echo "agent died: $d/log" >&2; return 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  # CPU the JVM spent until UP (user + system, clock ticks of 10 ms): on a shared machine the wall time above
  # moves with the neighbours' load, this much less.
  cpu=$(awk '{print ($14 + $15) * 10}' /proc/$pid/stat)
  sleep 5
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  t2=$(date +%s%N)
  kill $pid; wait $pid || true
  echo "$(( (t1 - t0) / 1000000 )) $rss $(( ($(date +%s%N) - t2) / 1000000 )) $cpu"
  rm -rf "$d"
}
cdsdir=$(mktemp -d); cdsfull=$(mktemp -d)
{
  echo "## time to ready (ms from launch to /health UP), idle RSS (kB), stop (ms), JVM CPU until UP (ms); load average"
  echo "after, first start (records the archive): $(start_once "$after" "$cdsdir") | $(load)"
  if [ -n "${AFTER_FULL:-}" ]; then
    echo "after (full jar), first start: $(start_once "$AFTER_FULL" "$cdsfull") | $(load)"
  fi
  for i in $(seq "$starts"); do
    echo "before, no archive: $(start_once "$before" '') | $(load)"
    echo "after, no archive: $(start_once "$after" '') | $(load)"
    echo "after, archive: $(start_once "$after" "$cdsdir") | $(load)"
    if [ -n "${AFTER_FULL:-}" ]; then
      echo "after (full jar), archive: $(start_once "$AFTER_FULL" "$cdsfull") | $(load)"
    fi
  done
} | tee "$out/start.txt"
rm -rf "$cdsdir" "$cdsfull"

lg="java -cp ${LGJAR:-agent/target/dwcp-agent.jar} io.dwcp.agent.bench.LoadGenerator --rates $rates --batches 64 --links 1000 --seconds 15 --warmup 20"
for run in 1 2; do
  for which in before after; do
    jar=$before; [ $which = after ] && jar=$after
    echo "## end to end, $which, run $run (load average $(load))" | tee "$out/e2e-$which-$run.txt"
    $lg --jar "$jar" 2>&1 | tee -a "$out/e2e-$which-$run.txt"
    echo "# load average after: $(load)" | tee -a "$out/e2e-$which-$run.txt"
  done
done
echo "results in $out"
