#!/usr/bin/env python3
"""The PyTorch peer of `scripts/bench infer`: the MobileNet V2 that nets exported (a safetensors
file with nets' layer names) run in PyTorch eager, 2 threads. (The ONNX Runtime peer runs nets' own
ONNX export of the same net: scripts/bench_onnx_peer.py.)

usage: bench_infer_peer.py WEIGHTS.safetensors NETS_OUTPUT.csv
Prints one JSON line: seconds per batch of 1 and 32, and the largest difference between PyTorch's
probabilities and nets' for the same input.
"""
import json
import statistics
import struct
import sys
import time

import numpy as np

BLOCKS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
EPS = 1e-5


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        a, b = entry["data_offsets"]
        out[key] = np.frombuffer(body[a:b], dtype="<f4").reshape(entry["shape"]).copy()
    return out


def block_specs():
    """(prefix, in, out, expansion, stride) of the seventeen blocks, top-level layers 4..20."""
    specs, channels, layer = [], 32, 4
    for t, c, n, s in BLOCKS:
        for i in range(n):
            specs.append((str(layer), channels, c, t, s if i == 0 else 1))
            channels, layer = c, layer + 1
    return specs


def build(ops, W, x):
    """The forward pass written against an ops object (torch eager)."""
    def conv_bn(x, conv, bn, stride, pad, groups, relu6):
        y = ops.conv(x, W[conv + "/Weights"], stride, pad, groups)
        y = ops.bn(y, *(W[f"{bn}/{k}"] for k in ("Scaling", "Biases", "MovingMean", "MovingVariance")))
        return ops.relu6(y) if relu6 else y

    x = conv_bn(x, "1", "2", 2, 1, 1, True)
    for p, cin, cout, t, s in block_specs():
        y = x
        hidden = cin * t
        if t != 1:
            y = conv_bn(y, f"{p}/expand", f"{p}/expand_bn", 1, 0, 1, True)
        y = conv_bn(y, f"{p}/depthwise", f"{p}/depthwise_bn", s, 1, hidden, True)
        y = conv_bn(y, f"{p}/project", f"{p}/project_bn", 1, 0, 1, False)
        x = ops.add(y, x) if s == 1 and cin == cout else y
    x = conv_bn(x, "21/conv", "21/bn", 1, 0, 1, True)
    x = ops.mean(x)
    return ops.softmax(ops.linear(x, W["23/Weights"], W["23/Biases"]))


class TorchOps:
    def __init__(self, torch):
        self.t, self.F = torch, torch.nn.functional

    def conv(self, x, w, stride, pad, groups):
        return self.F.conv2d(x, self.t.from_numpy(w), None, stride, pad, 1, groups)

    def bn(self, x, g, b, m, v):
        t = self.t.from_numpy
        return self.F.batch_norm(x, t(m), t(v), t(g), t(b), False, 0.0, EPS)

    def relu6(self, x): return self.t.clamp(x, 0, 6)
    def add(self, a, b): return a + b
    def mean(self, x): return x.mean(dim=(2, 3))
    def linear(self, x, w, b): return self.F.linear(x, self.t.from_numpy(w), self.t.from_numpy(b))
    def softmax(self, x): return self.t.softmax(x, dim=1)


def median(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(weights, nets_csv):
    W = read_safetensors(weights)
    x1 = np.sin(0.001 * np.arange(1, 3 * 224 * 224 + 1, dtype=np.float64)).astype(np.float32).reshape(1, 3, 224, 224)
    x32 = np.repeat(x1, 32, axis=0)
    nets_out = np.loadtxt(nets_csv, delimiter=",", dtype=np.float64).reshape(-1)
    result = {}
    try:
        import torch
        torch.set_num_threads(2)
        ops = TorchOps(torch)
        with torch.no_grad():
            run = lambda x: build(ops, W, torch.from_numpy(x))
            result["torch_diff"] = float(np.abs(run(x1).numpy().reshape(-1) - nets_out).max())
            result["torch_1"] = median(lambda: run(x1), 10)
            result["torch_32"] = median(lambda: run(x32), 3)
    except ImportError:
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
