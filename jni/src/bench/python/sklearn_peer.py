#!/usr/bin/python3
"""Peer for the kernel benchmark (issue 5): scikit-learn's IsolationForest on the same data.

Invoked by io.dwcp.jni.bench.KernelBench. Fits IsolationForest(n_estimators=T, max_samples=256) on the
rows the Java side wrote, exports the fitted trees in FlatForest's file format (so Java, C and CUDA
score *the same forest*), times score_samples over all rows and writes sklearn's scores for a
cross-check. Prints one JSON object on stdout.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest

MAGIC = 0x44574946  # "DWIF", FlatForest.MAGIC
VERSION = 1


def c(n):
    """c(n) of Liu et al., as FlatForest.averagePathLength and sklearn's _average_path_length."""
    n = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(n)
    out[n == 2] = 1.0
    m = n > 2
    out[m] = 2.0 * (np.log(n[m] - 1.0) + np.euler_gamma) - 2.0 * (n[m] - 1.0) / n[m]
    return out


def export(forest, n_features, path):
    tree_start, feature, threshold, left, right, leaf = [0], [], [], [], [], []
    for est in forest.estimators_:
        t = est.tree_
        base = len(feature)
        depth = np.zeros(t.node_count, dtype=np.int64)
        for i in range(t.node_count):  # pre-order: children come after parents
            if t.children_left[i] != -1:
                depth[t.children_left[i]] = depth[i] + 1
                depth[t.children_right[i]] = depth[i] + 1
        is_leaf = t.children_left == -1
        lv = np.where(is_leaf, depth + c(t.n_node_samples), 0.0)
        for i in range(t.node_count):
            if is_leaf[i]:
                feature.append(-1); threshold.append(0.0); left.append(-1); right.append(-1)
            else:
                feature.append(int(t.feature[i])); threshold.append(float(t.threshold[i]))
                left.append(base + int(t.children_left[i])); right.append(base + int(t.children_right[i]))
            leaf.append(float(lv[i]))
        tree_start.append(len(feature))
    normalizer = float(c([forest._max_samples])[0])
    n = len(feature)
    with open(path, "wb") as f:
        f.write(struct.pack("<iiiiid", MAGIC, VERSION, n_features, len(forest.estimators_), n, normalizer))
        f.write(np.asarray(tree_start, "<i4").tobytes())
        f.write(np.asarray(feature, "<i4").tobytes())
        f.write(np.asarray(threshold, "<f8").tobytes())
        f.write(np.asarray(left, "<i4").tobytes())
        f.write(np.asarray(right, "<i4").tobytes())
        f.write(np.asarray(leaf, "<f8").tobytes())
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--features", type=int, required=True)
    p.add_argument("--trees", type=int, default=100)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--forest-out", required=True)
    p.add_argument("--scores-out", required=True)
    a = p.parse_args()

    x = np.fromfile(a.data, dtype="<f8").reshape(a.rows, a.features)
    # The rows are float32-representable (KernelBench rounds them), so sklearn's float32 cast loses nothing
    # and both sides compare the very same values with the thresholds.
    assert np.array_equal(x.astype(np.float32).astype(np.float64), x)
    t0 = time.perf_counter()
    forest = IsolationForest(n_estimators=a.trees, max_samples=256, random_state=0).fit(x)
    fit_s = time.perf_counter() - t0
    nodes = export(forest, a.features, a.forest_out)

    forest.score_samples(x[:1000])  # warm-up
    times = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        s = forest.score_samples(x)
        times.append(time.perf_counter() - t0)
    (-s).astype("<f8").tofile(a.scores_out)  # score_samples is the opposite of the anomaly score

    json.dump({
        "sklearn": sklearn.__version__, "numpy": np.__version__,
        "python": sys.version.split()[0], "fit_s": fit_s, "nodes": nodes,
        "score_s": times,
        "omp_threads": os.environ.get("OMP_NUM_THREADS"),
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
