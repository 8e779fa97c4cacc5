#!/usr/bin/env bash
# Every comparison agent/BENCHMARKS.md reports, each figure measured twice, in one run (issue 7):
#   1. forecaster inference: TensorFlow Java (fused graph and SavedModel) vs PyTorch (eager and nn.LSTM),
#      same weights, batch 1, 8, 64, 512, 1 thread (run-forecaster-peers.sh, twice);
#   2. end to end: the agent (batches of up to 64) vs the naive design (one model call per sample) at 1k, 20k
#      and 100k samples/s: latency percentiles, events/s, CPU, RSS, losses (load generator, --repeat 2);
#   3. ingest: UDP datagrams read at saturation (one unpaced sender) and at 100k/s, with the agent's and the
#      kernel's drop counters (load generator --ingest, --repeat 2).
# usage: agent/src/jmh/run-benchmarks.sh   (repository root; builds what it needs; ~25 min on 2 cores)
# Output: one file per part under $OUT (default agent/target/benchmarks-<UTC time>), also printed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export TF_CPP_MIN_LOG_LEVEL=2
out=${OUT:-agent/target/benchmarks-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
[ -f agent/target/dwcp-agent.jar ] || mvn -B -q -DskipTests package
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB,"\
       "java $(java -version 2>&1 | head -1 | cut -d'"' -f2), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
} | tee "$out/machine.txt"
lg="java -cp agent/target/dwcp-agent.jar io.dwcp.agent.bench.LoadGenerator"
for run in 1 2; do
  echo "## forecaster peers, run $run" | tee "$out/peers-$run.txt"
  THREADS=1 agent/src/jmh/run-forecaster-peers.sh 2>&1 | tee -a "$out/peers-$run.txt"
done
echo "## end to end (agent batch 64 vs naive batch 1)" | tee "$out/e2e.txt"
$lg --rates 1000,20000,100000 --batches 1,64 --links 1000 --seconds 15 --warmup 20 --repeat 2 2>&1 | tee -a "$out/e2e.txt"
echo "## ingest" | tee "$out/ingest.txt"
$lg --ingest --rates 0,100000 --batches 64 --links 1000 --seconds 10 --warmup 5 --repeat 2 2>&1 | tee -a "$out/ingest.txt"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
echo "results in $out"
