#!/usr/bin/env bash
# Forecaster inference: TensorFlow Java (JMH, the agent's path) vs the same network and weights in PyTorch
# (Debian python3-torch), same batch sizes and thread counts, one after the other in one run.
# usage: agent/src/jmh/run-forecaster-peers.sh   (from the repository root; builds what it needs)
set -euo pipefail
cd "$(dirname "$0")/../../.."
export TF_CPP_MIN_LOG_LEVEL=2
batches=${BATCHES:-1,8,64,512}
threads=${THREADS:-1,2}
graphs=${GRAPHS:-fused,savedmodel}
[ -f agent/target/dwcp-agent.jar ] || mvn -B -q -DskipTests package
mvn -B -q -pl agent -am -Pjmh -DskipTests test-compile
out=$(mktemp -d)
java -cp agent/target/test-classes:agent/target/dwcp-agent.jar io.dwcp.agent.bench.ExportForecaster "$out/forecaster.json" 2>/dev/null
echo "## TensorFlow Java $(unzip -p agent/target/dwcp-agent.jar META-INF/maven/org.tensorflow/tensorflow-core-api/pom.properties 2>/dev/null | grep ^version || true) (JMH, µs per batch)"
java -cp agent/target/test-classes:agent/target/dwcp-agent.jar org.openjdk.jmh.Main ForecasterBench \
    -p batch="$batches" -p threads="$threads" -p graph="$graphs" -rf text -rff "$out/jmh.txt" >/dev/null 2>&1 || {
  # The shaded jar does not carry JMH: fall back to Maven's test classpath.
  mvn -B -q -pl agent -am -Pjmh -DskipTests verify -Djmh.args="ForecasterBench -p batch=$batches -p threads=$threads -p graph=$graphs -rf text -rff $out/jmh.txt" >/dev/null
}
cat "$out/jmh.txt"
for t in ${threads//,/ }; do
  echo
  /usr/bin/python3 agent/src/jmh/python/torch_forecaster.py "$out/forecaster.json" --threads "$t" --batches "$batches"
done
