#!/usr/bin/env bash
# Per network, every engine side by side (issue 16, item 7; jni/BENCHMARKS.md): the four trained networks on
# the C kernels, TensorFlow Java (as the agent serves them), pure Java and PyTorch (Debian's python3-torch,
# once with the BLAS Debian links it to by default and once with OpenBLAS), same weights, same inputs, batch 1,
# 8, 64 and 512, one thread each. Two complete runs in one go; the load average is recorded with each.
# usage: models/src/test/bench/run-net-peers.sh   (repository root or anywhere; ~10 min on 2 cores)
#   env: OUT (default models/target/net-peers-<UTC time>), PYTHON (default /usr/bin/python3), NETS_ARGS (extra
#   NetsTiming arguments, e.g. "--seconds 1 --warmup 0.5" for a quick look), OPENBLAS_DIR (a directory holding
#   OpenBLAS's libblas.so.3; default: Debian's libopenblas0-pthread unpacked under $OUT, never installed, so the
#   machine's BLAS alternative is left as it is), NO_OPENBLAS=1 to skip that peer.
# Needs: apt-get install python3-torch (1.13). Nothing is installed into ~/.m2: reactor build, classpath from target/.
# Output: $OUT/run-1.md, run-2.md (tables), run-*.tsv (the same rows), summary.md (both runs side by side).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
export TF_CPP_MIN_LOG_LEVEL=2
out=${OUT:-models/target/net-peers-$(date -u +%Y%m%dT%H%M%SZ)}
python=${PYTHON:-/usr/bin/python3}
mkdir -p "$out"
out=$(cd "$out" && pwd)

mvn -B -ntp -q -o -pl models -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/bench.cp
cp="models/target/test-classes:models/target/classes:$(cat models/target/bench.cp)"

peers=(--peer "pytorch=$python")
if [ -z "${NO_OPENBLAS:-}" ]; then
  blas=${OPENBLAS_DIR:-}
  if [ -z "$blas" ]; then
    # Unpacked, not installed: installing it would switch every program's libblas.so.3 on a shared machine.
    (cd "$out" && apt-get download libopenblas0-pthread >/dev/null 2>&1 && mkdir -p openblas \
      && dpkg -x libopenblas0-pthread_*.deb openblas) || echo "OpenBLAS not available; PyTorch runs with the default BLAS only"
    blas=$out/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread
  fi
  if [ -f "$blas/libblas.so.3" ]; then
    peers+=(--peer "pytorch+openblas=env LD_LIBRARY_PATH=$blas OPENBLAS_NUM_THREADS=1 $python")
  fi
fi

{
  echo "$(date -u +%FT%TZ) $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
  echo "python3-torch $(dpkg-query -W -f='${Version}' python3-torch 2>/dev/null || echo '?'), default libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
} | tee "$out/machine.txt"

for run in 1 2; do
  echo "## Run $run ($(date -u +%TZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/run-$run.md"
  java -Xms1g -Xmx1g -cp "$cp" io.dwcp.models.serving.NetsTiming --tsv "$out/run-$run.tsv" \
    --peer-script models/src/test/bench/torch_nets.py "${peers[@]}" ${NETS_ARGS:-} 2>&1 | tee -a "$out/run-$run.md"
done

"$python" - "$out" <<'EOF' | tee "$out/summary.md"
import csv, sys
out = sys.argv[1]
runs = [list(csv.DictReader(open(f"{out}/run-{r}.tsv"), delimiter="\t")) for r in (1, 2)]
def rows(run):
    return {(r["model"], int(r["batch"]), r["engine"]): r for r in run}
r1, r2 = rows(runs[0]), rows(runs[1])
def served(rs, m, b):
    return next(v for (mm, bb, e), v in rs.items() if mm == m and bb == b and e.startswith("tf-served"))
def peer(rs, m, b, name):
    v = rs.get((m, b, name))
    return float(v["inferences_per_s"]) if v else None
models = list(dict.fromkeys(k[0] for k in r1))
print("| network | batch | native-c inf/s (run 1 / run 2) | TF served | PyTorch | PyTorch+OpenBLAS | pure Java | native ÷ TF | native ÷ best PyTorch |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
def fmt(v):
    return "—" if v is None else f"{v:,.0f}"
for m in models:
    for b in sorted({k[1] for k in r1 if k[0] == m}):
        cells, ratio_tf, ratio_pt = [], [], []
        for name in ("native-c", "tf", "pytorch", "pytorch+openblas", "pure-java"):
            vals = []
            for rs in (r1, r2):
                v = float(served(rs, m, b)["inferences_per_s"]) if name == "tf" else peer(rs, m, b, name)
                vals.append(v)
            cells.append(" / ".join(fmt(v) for v in vals))
        for rs in (r1, r2):
            c = peer(rs, m, b, "native-c")
            ratio_tf.append(c / float(served(rs, m, b)["inferences_per_s"]))
            best = max([v for v in (peer(rs, m, b, "pytorch"), peer(rs, m, b, "pytorch+openblas")) if v] or [0])
            ratio_pt.append(c / best if best else None)
        print(f"| {m} | {b} | " + " | ".join(cells) + " | " + " / ".join(f"{r:.1f}×" for r in ratio_tf) + " | "
              + " / ".join("—" if r is None else f"{r:.1f}×" for r in ratio_pt) + " |")
print()
print("Issue 16 target, forecaster native-c ≥ 3× TF Java's inferences/s (against the served fused graph; and the SavedModel):")
for b in (1, 64):
    for i, rs in enumerate((r1, r2), 1):
        c = peer(rs, "bandwidth", b, "native-c")
        if c is None:
            continue
        s = float(served(rs, "bandwidth", b)["inferences_per_s"])
        sm = peer(rs, "bandwidth", b, "tf-savedmodel")
        print(f"- batch {b}, run {i}: {c / s:.1f}× the served graph" + (f", {c / sm:.1f}× the SavedModel" if sm else "")
              + (" — met" if c / s >= 3 else " — NOT met"))
EOF
echo "results in $out"
