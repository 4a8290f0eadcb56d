#!/usr/bin/env python3
"""The PyTorch side of `scripts/bench train`, on the MobileNet V2 weights nets exported
(safetensors with nets' layer names; the network is written once in bench_infer_peer.py).

usage: bench_train_peer.py WEIGHTS.safetensors
(a) one full training step at batch 16, 224x224 (BN in training mode, cross-entropy, Adam), in
    eager mode (step16_eager), with channels_last activations and weights
    (step16_channels_last), and channels_last under torch.compile (step16_compile; when it
    fails here, compile_error says why);
(b) a 2-class linear head on the frozen network (BN in eval mode), 256 images, batch 16, Adam,
    10 rounds: as a PyTorch user would write it, the 256 images' 1280 features computed once
    (channels_last, no_grad) and the head trained on them (head10_cached); and the plain loop
    that runs the backbone again every step (head10_naive: two rounds timed, scaled to ten).
Threads: BENCH_THREADS (default 2). Prints one JSON line of seconds.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_infer_peer import TorchOps, build, read_safetensors  # noqa: E402

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))


class TrainOps(TorchOps):
    """Batch norm with batch statistics, weights as trainable leaves."""

    def __init__(self, torch_module, training):
        super().__init__(torch_module)
        self.training = training

    def conv(self, x, w, stride, pad, groups):
        return F.conv2d(x, w, None, stride, pad, 1, groups)

    def bn(self, x, g, b, m, v):
        return F.batch_norm(x, m, v, g, b, self.training, 0.1, 1e-5)

    def linear(self, x, w, b):
        return F.linear(x, w, b)


def main(weights):
    raw = read_safetensors(weights)
    one = np.sin(0.001 * np.arange(1, 3 * 224 * 224 + 1, dtype=np.float64)).astype(np.float32).reshape(1, 3, 224, 224)
    out = {}

    # (a) a full step: eager, channels_last, compiled.
    x16 = torch.from_numpy(np.repeat(one, 16, axis=0))
    labels = torch.tensor([(i + 1) % 1000 for i in range(1, 17)])
    ops = TrainOps(torch, True)

    def make_step(channels_last, compiled=False):
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        W = {}
        for k, v in raw.items():
            t = torch.tensor(v)
            if t.dim() == 4:
                t = t.contiguous(memory_format=fmt)
            W[k] = t.requires_grad_(not (k.endswith("MovingMean") or k.endswith("MovingVariance")))
        params = [p for p in W.values() if p.requires_grad]
        opt = torch.optim.Adam(params, lr=1e-3, eps=1e-5)
        x = x16.contiguous(memory_format=fmt)

        def loss_of(x):
            p = build(ops, W, x)
            return F.nll_loss(torch.log(p.clamp_min(1e-12)), labels)

        forward = torch.compile(loss_of) if compiled else loss_of

        def step():
            opt.zero_grad()
            forward(x).backward()
            opt.step()
        return step

    out["step16_eager"] = median_of(make_step(False), 3)
    out["step16_channels_last"] = median_of(make_step(True), 3)
    try:
        out["step16_compile"] = median_of(make_step(True, compiled=True), 3)
    except Exception as e:  # no compiler, or an inductor failure: say so, do not time it
        out["compile_error"] = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:160] if str(e).strip() else ''}"

    # (b) the head on the frozen network.
    frozen = {k: torch.tensor(v) for k, v in raw.items()}
    eval_ops = TrainOps(torch, False)
    x256 = torch.from_numpy(np.repeat(one, 256, axis=0))
    y256 = torch.tensor([i % 2 for i in range(256)])

    def features(x, weights):
        # The backbone up to the pooled 1280 features (build() without its classifier).
        saved = eval_ops.linear, eval_ops.softmax
        eval_ops.linear, eval_ops.softmax = (lambda x, w, b: x), (lambda x: x)
        try:
            with torch.no_grad():
                return build(eval_ops, weights, x)
        finally:
            eval_ops.linear, eval_ops.softmax = saved

    def train_head(rounds, batch_features):
        torch.manual_seed(1)
        head_w = torch.zeros(2, 1280, requires_grad=True)
        head_b = torch.zeros(2, requires_grad=True)
        opt = torch.optim.Adam([head_w, head_b], lr=1e-3, eps=1e-5)
        for _ in range(rounds):
            order = torch.randperm(256)
            for i in range(0, 256, 16):
                idx = order[i:i + 16]
                f = batch_features(idx)
                opt.zero_grad()
                F.cross_entropy(F.linear(f, head_w, head_b), y256[idx]).backward()
                opt.step()

    # The cached-features workflow, timed whole: features once, then ten rounds on them.
    frozen_cl = {k: (v.contiguous(memory_format=torch.channels_last) if v.dim() == 4 else v) for k, v in frozen.items()}
    x256_cl = x256.contiguous(memory_format=torch.channels_last)

    def cached():
        cache = torch.cat([features(x256_cl[i:i + 32], frozen_cl) for i in range(0, 256, 32)])
        train_head(10, lambda idx: cache[idx])

    features(x256_cl[:32], frozen_cl)  # warm-up
    t = time.perf_counter()
    cached()
    out["head10_cached"] = time.perf_counter() - t

    t = time.perf_counter()
    train_head(2, lambda idx: features(x256[idx], frozen))
    out["head10_naive"] = (time.perf_counter() - t) * 5
    print(json.dumps(out))


def median_of(step, repeats):
    step()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


if __name__ == "__main__":
    main(sys.argv[1])
