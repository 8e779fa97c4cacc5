#!/usr/bin/env python3
"""PyTorch peer of the four trained networks (issue 16, jni/BENCHMARKS.md): each built from its
weights.dwcpnet file (models/WEIGHTS.md), the same parameters the C kernels, pure Java and TensorFlow Java
run, and checked against the golden input/output pairs in that file before anything is timed.

Forms: the LSTM layers are torch.nn.LSTM (PyTorch's fused CPU kernel; gate order i, f, g, o like the trainer's,
no forget bias added, so the trained matrices drop in: weight_ih = [Wxi|Wxf|Wxg|Wxo]^T, bias_hh = 0), the
bidirectional layers nn.LSTM(bidirectional=True); dense layers nn.Linear; attention, softmax and the residual
heads are eager tensor code (PyTorch has no fused module for the trainer's additive attention).
Benchmark peer only: never a product dependency.

usage:
  torch_nets.py [--threads 1] [--batches 1,8,64,512] [--seconds 3] FILE...   verify, then time and print a table
  torch_nets.py --serve [--threads 1] FILE...                                 verify, then answer on stdin/stdout:
      load MODEL BATCH PATH      inputs for (MODEL, BATCH): float32 little-endian [BATCH][input...] from PATH
      out MODEL BATCH PATH       one forward; every output, flat, in the file's order, appended to PATH (float32 LE)
      time MODEL BATCH SECONDS   calls for SECONDS (at least one); answers "times NS NS ..." (one per call)
      quit
  Every answer is one line; errors answer "error MESSAGE".
"""
import argparse
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

MAGIC = b"DWCPNETW"
TOLERANCE = 1e-4  # io.dwcp.jni.nets.Nets.TOLERANCE: |golden - got| / max(1, |golden|)
OUTPUTS = {"forecaster": ["y"], "policy": ["logits", "probs"], "autoencoder": ["recon", "attention"],
           "degradation": ["y", "prob", "attention"]}
GATES = ["i", "f", "g", "o"]


def _crc32c_table():
    t = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_CRC = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def read_weights(path):
    """(kind, model, dims, {name: np.float32 array}) from a weights.dwcpnet file; refuses what NetWeights refuses."""
    data = open(path, "rb").read()
    if len(data) > 64 << 20:
        raise ValueError(f"{path}: over 64 MiB")
    if len(data) < 16 or data[:8] != MAGIC:
        raise ValueError(f"{path}: not a weights file (bad magic)")
    want = struct.unpack_from("<I", data, len(data) - 4)[0]
    if crc32c(data[:-4]) != want:
        raise ValueError(f"{path}: CRC32C mismatch")
    p = 8

    def u(fmt):
        nonlocal p
        v = struct.unpack_from("<" + fmt, data, p)
        p += struct.calcsize("<" + fmt)
        return v

    def s():
        nonlocal p
        (n,) = u("H")
        v = data[p:p + n].decode("utf-8")
        p += n
        return v

    (version,) = u("I")
    if version != 1:
        raise ValueError(f"{path}: format version {version}, this reader knows 1")
    kind, model = s(), s()
    if kind not in OUTPUTS:
        raise ValueError(f"{path}: unknown kind {kind}")
    (n,) = u("B")
    dims = list(u(f"{n}i"))
    (count,) = u("I")
    tensors = {}
    for _ in range(count):
        name = s()
        dtype, rank = u("BB")
        if dtype != 1:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}, only float32 (1) is known")
        shape = list(u(f"{rank}I")) if rank else []
        size = int(np.prod(shape)) if shape else 1
        tensors[name] = np.frombuffer(data, dtype="<f4", count=size, offset=p).reshape(shape).astype(np.float32)
        p += 4 * size
    if p != len(data) - 4:
        raise ValueError(f"{path}: {len(data) - 4 - p} trailing bytes")
    return kind, model, dims, tensors


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def _linear(w, b):
    """nn.Linear holding the trainer's x·W + b (W [in][out])."""
    m = nn.Linear(w.shape[0], w.shape[1])
    with torch.no_grad():
        m.weight.copy_(_t(w.T))
        m.bias.copy_(_t(b))
    return m


def _lstm_params(T, prefix):
    wx = np.concatenate([T[f"{prefix}_wx{g}"] for g in GATES], axis=1)  # [in][4H]
    wh = np.concatenate([T[f"{prefix}_wh{g}"] for g in GATES], axis=1)  # [H][4H]
    b = np.concatenate([T[f"{prefix}_b{g}"] for g in GATES])
    return _t(wx.T), _t(wh.T), _t(b)


def _lstm(T, prefixes, inputs, hidden, bidirectional=False):
    """nn.LSTM with the trained weights; prefixes per layer: [fw] or [fw, bw]."""
    m = nn.LSTM(inputs, hidden, num_layers=len(prefixes), batch_first=True, bidirectional=bidirectional)
    with torch.no_grad():
        for layer, names in enumerate(prefixes):
            for direction, prefix in enumerate(names):
                sfx = f"_l{layer}" + ("_reverse" if direction else "")
                wx, wh, b = _lstm_params(T, prefix)
                getattr(m, "weight_ih" + sfx).copy_(wx)
                getattr(m, "weight_hh" + sfx).copy_(wh)
                getattr(m, "bias_ih" + sfx).copy_(b)
                getattr(m, "bias_hh" + sfx).zero_()
    return m


class Attention(nn.Module):
    """e_t = v·tanh(W h_t + b), α = softmax_t(e), context Σ α_t h_t (models/.../tf/Layers.attention)."""

    def __init__(self, T):
        super().__init__()
        self.proj = _linear(T["att_w"], T["att_b"])
        self.v = nn.Parameter(_t(T["att_v"][:, 0]), requires_grad=False)

    def forward(self, hs):  # [B, W, width]
        alpha = torch.softmax(torch.tanh(self.proj(hs)) @ self.v, dim=1)  # [B, W]
        return torch.bmm(alpha.unsqueeze(1), hs).squeeze(1), alpha


class Forecaster(nn.Module):
    def __init__(self, dims, T):
        super().__init__()
        h = dims[0]
        self.ds = nn.Parameter(_t(T["delta_scale"]), requires_grad=False)
        self.lstm = _lstm(T, [["lstm"]], 10, h)
        self.d1 = _linear(T["d1_w"], T["d1_b"])
        self.d2 = _linear(T["d2_w"], T["d2_b"])

    def forward(self, x):  # [B, 10, 6]
        last = x[:, -1, :4]
        aug = torch.cat([x, (x[:, :, :4] - last.unsqueeze(1)) / self.ds], dim=2)
        out, _ = self.lstm(aug)
        return (last + self.d2(torch.tanh(self.d1(out[:, -1]))) * self.ds,)


class Policy(nn.Module):
    def __init__(self, dims, T):
        super().__init__()
        self.net = nn.Sequential(_linear(T["d1_w"], T["d1_b"]), nn.ReLU(), _linear(T["d2_w"], T["d2_b"]), nn.ReLU(),
                                 _linear(T["d3_w"], T["d3_b"]))

    def forward(self, x):  # [B, F]
        logits = self.net(x)
        return logits, torch.softmax(logits, dim=1)


class Autoencoder(nn.Module):
    def __init__(self, dims, T):
        super().__init__()
        self.w, f, h, b, _ = dims
        self.enc = _lstm(T, [["enc"]], f, h)
        self.att = Attention(T)
        self.bottleneck = _linear(T["bottleneck_w"], T["bottleneck_b"])
        self.dec = _lstm(T, [["dec"]], b, h)
        self.out = _linear(T["out_w"], T["out_b"])

    def forward(self, x):  # [B, W, F]
        hs, _ = self.enc(x)
        ctx, alpha = self.att(hs)
        z = torch.tanh(self.bottleneck(ctx))
        dec, _ = self.dec(z.unsqueeze(1).expand(-1, self.w, -1))
        return self.out(dec), alpha


class Degradation(nn.Module):
    def __init__(self, dims, T):
        super().__init__()
        self.w, f, self.h, layers, _, _, self.n, self.targets = dims
        self.lstm = _lstm(T, [[f"l{l}_fw", f"l{l}_bw"] for l in range(layers)], f, self.h, bidirectional=True)
        self.att = Attention(T)
        self.d1 = _linear(T["d1_w"], T["d1_b"])
        self.reg = _linear(T["reg_w"], T["reg_b"])
        self.cls = _linear(T["cls_w"], T["cls_b"])

    def forward(self, x):  # [B, W, F]
        seq, _ = self.lstm(x)  # [B, W, 2H]: forward then backward direction
        ctx, alpha = self.att(seq)
        last = x[:, -1]
        mid = torch.tanh(self.d1(torch.cat([ctx, seq[:, -1, :self.h], last], dim=1)))
        y = last[:, :self.targets].unsqueeze(1) + self.reg(mid).view(-1, self.n, self.targets)
        return y, torch.sigmoid(self.cls(mid)), alpha


MODULES = {"forecaster": Forecaster, "policy": Policy, "autoencoder": Autoencoder, "degradation": Degradation}


class Peer:
    def __init__(self, path):
        self.kind, self.model, self.dims, self.tensors = read_weights(path)
        self.module = MODULES[self.kind](self.dims, self.tensors).eval()
        self.input_shape = list(self.tensors["golden/x"].shape[1:])

    def __call__(self, x):
        with torch.inference_mode():
            return self.module(x)

    def golden_diff(self):
        """Largest scaled difference to the file's golden outputs over all outputs; refuses a peer above TOLERANCE."""
        outs = self(_t(self.tensors["golden/x"]))
        worst, absolute = 0.0, 0.0
        for name, got in zip(OUTPUTS[self.kind], outs):
            want = self.tensors["golden/" + name]
            got = got.numpy().reshape(want.shape)
            d = np.abs(got.astype(np.float64) - want)
            absolute = max(absolute, float(d.max()))
            worst = max(worst, float((d / np.maximum(1.0, np.abs(want))).max()))
        if not worst <= TOLERANCE:
            raise SystemExit(f"{self.model}: PyTorch peer differs from the golden outputs by {worst:.3g} "
                             f"(tolerance {TOLERANCE}); timings would be meaningless")
        return worst, absolute, len(self.tensors["golden/x"])


def time_calls(peer, x, seconds):
    times = []
    end = time.perf_counter_ns() + int(seconds * 1e9)
    while True:
        t0 = time.perf_counter_ns()
        peer(x)
        t1 = time.perf_counter_ns()
        times.append(t1 - t0)
        if t1 >= end:
            return times


def blas():
    """The BLAS library this process mapped (torch's generic-BLAS build calls whichever libblas.so.3 it finds)."""
    import os
    libs = {line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]}
    return ", ".join(sorted(os.path.realpath(x) for x in libs)) or "none mapped"


def describe(peers, threads):
    print(f"# BLAS: {blas()}", flush=True)
    for p in peers.values():
        worst, absolute, rows = p.golden_diff()
        print(f"# torch {torch.__version__} {p.model} ({p.kind}, dims {p.dims}), {threads} thread(s): golden check "
              f"{rows} rows, max |diff| {absolute:.3g}, scaled {worst:.3g}", flush=True)


def serve(peers):
    inputs = {}
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        try:
            if cmd[0] == "quit":
                break
            model, batch = cmd[1], int(cmd[2])
            p = peers[model]
            if cmd[0] == "load":
                x = np.fromfile(cmd[3], dtype="<f4").astype(np.float32)
                if x.size != batch * int(np.prod(p.input_shape)):
                    raise ValueError(f"{cmd[3]}: {x.size} floats for batch {batch} of {p.input_shape}")
                inputs[(model, batch)] = torch.from_numpy(x.reshape([batch] + p.input_shape))
                print("ok", flush=True)
            elif cmd[0] == "out":
                with open(cmd[3], "ab") as f:
                    for o in p(inputs[(model, batch)]):
                        f.write(o.numpy().astype("<f4").tobytes())
                print("ok", flush=True)
            elif cmd[0] == "time":
                t = time_calls(p, inputs[(model, batch)], float(cmd[3]))
                print("times " + " ".join(map(str, t)), flush=True)
            else:
                raise ValueError("unknown command " + cmd[0])
        except Exception as e:  # one bad command is answered, not fatal: the caller decides
            print(f"error {type(e).__name__}: {e}".replace("\n", " "), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--batches", default="1,8,64,512")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    peers = {}
    for f in a.files:
        p = Peer(f)
        peers[p.model] = p
    describe(peers, a.threads)
    if a.serve:
        print("ready", flush=True)
        serve(peers)
        return
    rng = np.random.default_rng(7)
    print("| network | batch | median µs/call | p10 | p90 | inferences/s | calls |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for p in peers.values():
        for bs in [int(s) for s in a.batches.split(",")]:
            x = torch.from_numpy(rng.normal(0, 1, size=[bs] + p.input_shape).astype(np.float32))
            time_calls(p, x, a.warmup)
            t = sorted(time_calls(p, x, a.seconds))
            med = t[len(t) // 2] / 1e3
            print(f"| {p.model} | {bs} | {med:.1f} | {t[len(t) // 10] / 1e3:.1f} | {t[len(t) * 9 // 10] / 1e3:.1f} | "
                  f"{bs / (med / 1e6):.0f} | {len(t)} |", flush=True)


if __name__ == "__main__":
    main()
