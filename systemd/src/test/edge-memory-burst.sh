#!/usr/bin/env bash
# Issue 16: does the edge agent stay under edge.conf's MemoryMax through a burst, inside a real memory cgroup?
#
#   sudo systemd/src/test/edge-memory-burst.sh agent/target/dwcp-agent-edge.jar [limit-MiB] [rate] [seconds]
#   sudo systemd/src/test/edge-memory-burst.sh agent/target/dwcp-agent-edge.jar [limit-MiB] attack [seconds]
#
# Runs the load generator (io.dwcp.agent.bench.LoadGenerator, in the jar) against the edge jar started with
# edge.conf's environment and JAVA_OPTS, moves the agent's process (only the agent: the generator and its
# subscriber stay outside) into a fresh memory cgroup limited to limit-MiB (default: edge.conf's MemoryMax) with
# its charges, and prints the cgroup's peak usage, how often it hit the limit, OOM kills, and the generator's
# table. Exit 0 when the agent ran the whole burst without an OOM kill; 1 otherwise. With `attack` in place of the
# rate it runs issue 17's attack suite (io.dwcp.agent.bench.AttackSuite --edge, each flood `seconds` long) instead
# of the generator: every attack against one edge agent inside the limit, exit 1 also when an attack row fails.
#
# Why not `systemd-run --scope -p MemoryMax=`: the generator starts the agent itself, and build or CI
# containers often have no systemd as PID 1. The cgroup is the kernel's either way (v2: memory.max; v1:
# memory.limit_in_bytes, the agent moved in right after its exec).
# Needs root (or a delegated cgroup). Page cache the agent reads (its jar) is charged as well: an upper bound.
set -euo pipefail
jar=${1:?usage: $0 EDGE_JAR [limit-MiB] [rate] [seconds]}
here=$(cd "$(dirname "$0")" && pwd)
conf="$here/../../edge.conf"
limit_mib=${2:-$(sed -n 's/^MemoryMax=\([0-9]*\)M$/\1/p' "$conf")}
rate=${3:-20000}
seconds=${4:-30}
[ -n "$limit_mib" ] || { echo "no MemoryMax=<n>M in $conf; give limit-MiB" >&2; exit 2; }

# edge.conf's Environment= lines: DWCP_* for the agent (the generator's children inherit them), JAVA_OPTS as --jvm.
while IFS= read -r kv; do export "${kv?}"; done < <(sed -n 's/^Environment=\(DWCP_[A-Z_]*=[^ ]*\)$/\1/p' "$conf")
java_opts=$(sed -n 's/^Environment="JAVA_OPTS=\(.*\)"$/\1/p' "$conf")
jvm=()
for o in $java_opts; do jvm+=(--jvm "$o"); done

cg=
cleanup() {  # also after a failed set-up step: no cgroup or generator is left behind
  [ -n "${gen:-}" ] && kill "$gen" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$cg" ] && rmdir "$cg" 2>/dev/null || true
}
trap cleanup EXIT

# The cgroup: v2 if the unified hierarchy is mounted with the memory controller, else v1's memory hierarchy.
self=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
  cg=/sys/fs/cgroup${self%/}/dwcp-edge-burst-$$
  mkdir "$cg"
  echo $((limit_mib * 1024 * 1024)) > "$cg/memory.max"
  echo 0 > "$cg/memory.swap.max" 2>/dev/null || true
  peak_file=memory.peak usage_file=memory.current
  events() { awk '$1 == "max" {m = $2} $1 == "oom_kill" {k = $2} END {printf "limit hits %d, oom kills %d", m, k}' "$cg/memory.events"; }
  oom_kills() { awk '$1 == "oom_kill" {print $2}' "$cg/memory.events"; }
else
  v1=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
  cg=/sys/fs/cgroup/memory${v1%/}/dwcp-edge-burst-$$
  mkdir "$cg"
  echo $((limit_mib * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
  # Newer kernels refuse charge moving (deprecated): the agent is moved within a few hundred ms of its exec,
  # before its heap is touched, and its peak VmRSS is printed beside the cgroup's peak.
  echo 3 > "$cg/memory.move_charge_at_immigrate" 2>/dev/null || echo "note: this kernel does not move charges"
  echo $((limit_mib * 1024 * 1024)) > "$cg/memory.memsw.limit_in_bytes" 2>/dev/null || true
  peak_file=memory.max_usage_in_bytes usage_file=memory.usage_in_bytes
  events() { echo "limit hits $(cat "$cg/memory.failcnt"), oom kills $(awk '$1 == "oom_kill" {print $2}' "$cg/memory.oom_control")"; }
  oom_kills() { awk '$1 == "oom_kill" {print $2}' "$cg/memory.oom_control"; }
fi
out=$(mktemp -d)

echo "cgroup $cg, limit ${limit_mib} MiB; edge JAVA_OPTS: $java_opts; $rate$([ "$rate" = attack ] || echo ' samples/s') for $seconds s"
if [ "$rate" = attack ]; then
  # The suite starts the agent with edge.conf's JAVA_OPTS and settings itself (AttackSuite.EDGE_JVM / EDGE_ARGS).
  java -cp "$jar" io.dwcp.agent.bench.AttackSuite --edge --seconds "$seconds" > "$out/generator.txt" 2>&1 &
else
  java -cp "$jar" io.dwcp.agent.bench.LoadGenerator --jar "$jar" "${jvm[@]}" --rates "$rate" --batches "${DWCP_INFERENCE_MAX_BATCH_SIZE:-16}" \
    --links 1000 --seconds "$seconds" --warmup 10 > "$out/generator.txt" 2>&1 &
fi
gen=$!
agent=
for _ in $(seq 1 100); do
  agent=$(pgrep -P "$gen" java || true)
  [ -n "$agent" ] && break
  sleep 0.1
done
[ -n "$agent" ] || { echo "the generator started no agent" >&2; cat "$out/generator.txt" >&2; exit 1; }
echo "$agent" > "$cg/cgroup.procs"
echo "agent pid $agent moved into the cgroup"
peak_rss=0
while kill -0 "$gen" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$agent/status" 2>/dev/null || echo 0)
  [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
  sleep 0.5
done
wait "$gen" && gen_rc=0 || gen_rc=$?
gen=
peak=$(( $(cat "$cg/$peak_file" 2>/dev/null || echo 0) / 1024 / 1024 ))
echo "cgroup peak ${peak} MiB of ${limit_mib} MiB ($(events)); agent peak VmRSS ${peak_rss} MiB; generator exit $gen_rc"
grep '^|' "$out/generator.txt" || tail -20 "$out/generator.txt"
kills=$(oom_kills); kills=${kills:-0}
if [ "$kills" -gt 0 ] || [ "$gen_rc" -ne 0 ]; then
  echo "FAILED: the agent did not run the burst within ${limit_mib} MiB (generator output: $out/generator.txt)"
  exit 1
fi
echo "ok: no OOM kill at ${limit_mib} MiB"
