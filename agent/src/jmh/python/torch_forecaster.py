#!/usr/bin/env python3
"""PyTorch peer of the shipped bandwidth forecaster: same architecture, same weights (exported by
ExportForecaster), same scaling, in two forms: the LSTM step by step in eager PyTorch ("eager") and
torch.nn.LSTM, PyTorch's fused CPU kernel ("nn.LSTM"). First checks both reproduce TensorFlow Java's outputs,
then times a batch call at several batch sizes on CPU. Benchmark peer only: never a product dependency.

usage: torch_forecaster.py WEIGHTS.json [--threads N] [--batches 1,8,64,512] [--seconds 3]
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch


def build(d):
    W = {k: torch.tensor(np.array(v, dtype=np.float32).reshape(d["shapes"][k])) for k, v in d["weights"].items()}
    sc = d["scaler"]
    log1p = torch.tensor(sc["log1p"])
    center = torch.tensor(sc["center"], dtype=torch.float32)
    scale = torch.tensor(sc["scale"], dtype=torch.float32)
    ds = torch.tensor(d["delta_scale"], dtype=torch.float32)
    gates = ["i", "f", "g", "o"]
    # Fuse the four gates' matrices once, as a PyTorch user would (one matmul per step instead of four).
    wx = torch.cat([W["lstm_wx" + g] for g in gates], dim=1)
    wh = torch.cat([W["lstm_wh" + g] for g in gates], dim=1)
    b = torch.cat([W["lstm_b" + g] for g in gates])
    hidden = W["lstm_whi"].shape[0]

    # The same weights in torch.nn.LSTM, PyTorch's fused CPU kernel (its gate order is also i, f, g, o).
    lstm = torch.nn.LSTM(wx.shape[0], hidden, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(wx.t())
        lstm.weight_hh_l0.copy_(wh.t())
        lstm.bias_ih_l0.copy_(b)
        lstm.bias_hh_l0.zero_()
    lstm.eval()

    def prepare(raw):
        f = torch.where(log1p, torch.log1p(torch.clamp(raw, min=0)), raw)
        x = (f - center) / scale
        last = x[:, -1, :4]
        return last, torch.cat([x, (x[:, :, :4] - last[:, None, :]) / ds], dim=2)

    def head(h, last):
        mid = torch.tanh(h @ W["d1_w"] + W["d1_b"])
        y = last + (mid @ W["d2_w"] + W["d2_b"]) * ds
        v = y * scale[:4] + center[:4]
        v = torch.where(log1p[:4], torch.expm1(v), v)
        return torch.clamp(v, min=0)

    def eager(raw):  # raw: float32 tensor [B, 10, 6]; the LSTM step by step, as training unrolls it
        last, aug = prepare(raw)
        h = None
        c = None
        for t in range(aug.shape[1]):
            z = aug[:, t, :] @ wx + b
            if h is not None:
                z = z + h @ wh
            i, fg, g, o = torch.split(z, hidden, dim=1)
            i, fg, g, o = torch.sigmoid(i), torch.sigmoid(fg), torch.tanh(g), torch.sigmoid(o)
            c = i * g if c is None else fg * c + i * g
            h = o * torch.tanh(c)
        return head(h, last)

    def fused(raw):
        last, aug = prepare(raw)
        out, _ = lstm(aug)
        return head(out[:, -1, :], last)

    return {"eager": eager, "nn.LSTM": fused}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weights")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batches", default="1,8,64,512")
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d = json.load(open(a.weights))
    impls = build(d)
    inputs = torch.tensor(np.array(d["inputs"], dtype=np.float32))
    want = np.array(d["outputs"], dtype=np.float32)[:, :4]
    for name, fwd in impls.items():
        with torch.no_grad():
            got = fwd(inputs).numpy()
        rel = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-6))
        print(f"# torch {torch.__version__} {name}, {a.threads} thread(s); max relative difference to TensorFlow Java: {rel:.2e}")
        if rel > 1e-3:
            raise SystemExit(f"peer {name} does not reproduce the model; timings would be meaningless")
    rng = np.random.default_rng(7)
    names = list(impls)
    print("| batch | " + " | ".join(f"{n} µs/batch (median) | {n} inferences/s" for n in names) + " |")
    print("|---:|" + "---:|---:|" * len(names))
    for bs in [int(s) for s in a.batches.split(",")]:
        raw = np.stack([rng.uniform([500, 20, 0, 0, 0, 0], [600, 25, 0.001, 1, 24, 6], size=(10, 6))
                        for _ in range(bs)]).astype(np.float32)
        cells = []
        for name in names:
            fwd = impls[name]
            with torch.no_grad():
                for _ in range(20):
                    fwd(torch.from_numpy(raw))
                times = []
                end = time.perf_counter() + a.seconds
                while time.perf_counter() < end:
                    t0 = time.perf_counter()
                    fwd(torch.from_numpy(raw))
                    times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            cells.append(f"{med * 1e6:.1f} | {bs / med:.0f}")
        print(f"| {bs} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
