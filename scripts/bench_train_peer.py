#!/usr/bin/env python3
"""The PyTorch side of `scripts/bench train`, on the MobileNet V2 weights nets exported
(safetensors with nets' layer names; the network is written once in bench_infer_peer.py).

usage: bench_train_peer.py WEIGHTS.safetensors
(a) one full training step at batch 16, 224x224 (BN in training mode, cross-entropy, Adam);
(b) the plain transfer-learning loop: a 2-class linear head on the frozen network (BN in eval
    mode), 256 images, batch 16, Adam; every round runs the backbone again. Two rounds are
    timed and the figure is scaled to ten (the rounds cost the same).
Prints one JSON line of seconds.
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

torch.set_num_threads(2)


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

    # (a) a full step.
    W = {k: torch.tensor(v, requires_grad=not (k.endswith("MovingMean") or k.endswith("MovingVariance"))) for k, v in raw.items()}
    params = [p for p in W.values() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=1e-3, eps=1e-5)
    x16 = torch.from_numpy(np.repeat(one, 16, axis=0))
    labels = torch.tensor([(i + 1) % 1000 for i in range(1, 17)])
    ops = TrainOps(torch, True)

    def step():
        opt.zero_grad()
        p = build(ops, W, x16)
        loss = F.nll_loss(torch.log(p.clamp_min(1e-12)), labels)
        loss.backward()
        opt.step()

    step()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    out["step16"] = statistics.median(times)

    # (b) the plain transfer-learning loop.
    frozen = {k: torch.tensor(v) for k, v in raw.items()}
    head_w = torch.zeros(2, 1280, requires_grad=True)
    head_b = torch.zeros(2, requires_grad=True)
    opt = torch.optim.Adam([head_w, head_b], lr=1e-3, eps=1e-5)
    eval_ops = TrainOps(torch, False)
    x256 = torch.from_numpy(np.repeat(one, 256, axis=0))
    y256 = torch.tensor([i % 2 for i in range(256)])

    def features(x):
        # The backbone up to the pooled 1280 features (build() without its classifier).
        saved = eval_ops.linear, eval_ops.softmax
        eval_ops.linear, eval_ops.softmax = (lambda x, w, b: x), (lambda x: x)
        try:
            with torch.no_grad():
                return build(eval_ops, frozen, x)
        finally:
            eval_ops.linear, eval_ops.softmax = saved

    def one_round():
        order = torch.randperm(256)
        for i in range(0, 256, 16):
            idx = order[i:i + 16]
            f = features(x256[idx])
            opt.zero_grad()
            loss = F.cross_entropy(F.linear(f, head_w, head_b), y256[idx])
            loss.backward()
            opt.step()

    t = time.perf_counter()
    for _ in range(2):
        one_round()
    out["head10"] = (time.perf_counter() - t) * 5
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
