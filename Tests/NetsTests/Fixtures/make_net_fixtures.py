#!/usr/bin/env python3
"""Reference outputs of whole chains and graphs, computed with PyTorch (torch 2.13.0+cpu) in
eval mode: a small CNN (strided, depthwise and grouped convolutions, batch norm, ReLU6, max and
mean pooling with padding, global mean, linear, softmax), an MLP (flatten, ELU, softplus, GELU,
a linear layer without biases) and a residual block with a concatenated branch as a graph.

Run from this folder: python3 make_net_fixtures.py  (writes nets.json). Weights, inputs and
outputs are all stored; NetsTests builds the same nets with the Nets API.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(1129)


def t(x):
    x = x.detach().to(torch.float32)
    return {"shape": list(x.shape), "values": [float(v) for v in x.reshape(-1)]}


def bn_arrays(c):
    return {
        "Scaling": torch.rand(c) + 0.5,
        "Biases": torch.randn(c) * 0.1,
        "MovingMean": torch.randn(c) * 0.2,
        "MovingVariance": torch.rand(c) + 0.5,
    }


def bn(x, a, eps):
    return F.batch_norm(x, a["MovingMean"], a["MovingVariance"], a["Scaling"], a["Biases"], False, 0.0, eps)


out = {}

# Small CNN: input 2 x 3 x 9 x 9.
x = torch.randn(2, 3, 9, 9)
w1, b1 = torch.randn(6, 3, 3, 3) * 0.3, torch.randn(6) * 0.1
n2 = bn_arrays(6)
w4, b4 = torch.randn(6, 1, 3, 3) * 0.3, torch.randn(6) * 0.1
w5 = torch.randn(4, 3, 1, 1) * 0.3
w9, b9 = torch.randn(3, 4) * 0.5, torch.randn(3) * 0.1
y = F.conv2d(x, w1, b1, stride=2, padding=1)
y = bn(y, n2, 1e-3)
y = torch.clamp(y, 0, 6)
y = F.conv2d(y, w4, b4, padding=1, groups=6)
y = F.conv2d(y, w5, None, groups=2)
y = F.max_pool2d(y, 2, stride=1)
y = F.avg_pool2d(y, 2, stride=2, padding=1, count_include_pad=True)
y = y.mean(dim=(2, 3))
y = F.linear(y, w9, b9)
y = torch.softmax(y, dim=1)
out["cnn"] = {
    "input": t(x), "output": t(y),
    "arrays": {"1/Weights": t(w1), "1/Biases": t(b1), **{f"2/{k}": t(v) for k, v in n2.items()},
               "4/Weights": t(w4), "4/Biases": t(b4), "5/Weights": t(w5), "9/Weights": t(w9), "9/Biases": t(b9)},
}

# MLP: input 3 x 2 x 3 x 3.
x = torch.randn(3, 2, 3, 3)
w2, b2 = torch.randn(4, 18) * 0.4, torch.randn(4) * 0.1
w4 = torch.randn(3, 4) * 0.6
y = F.linear(x.reshape(3, -1), w2, b2)
y = F.elu(y)
y = F.linear(y, w4)
y = F.softplus(y)
y = F.gelu(y)
out["mlp"] = {"input": t(x), "output": t(y),
              "arrays": {"2/Weights": t(w2), "2/Biases": t(b2), "4/Weights": t(w4)}}

# Residual graph: input 2 x 4 x 5 x 5.
x = torch.randn(2, 4, 5, 5)
wa, ba = torch.randn(4, 4, 3, 3) * 0.2, torch.randn(4) * 0.1
na = bn_arrays(4)
wb, bb = torch.randn(4, 4, 3, 3) * 0.2, torch.randn(4) * 0.1
nb = bn_arrays(4)
wc, bc = torch.randn(2, 4, 1, 1) * 0.5, torch.randn(2) * 0.1
r = F.conv2d(x, wa, ba, padding=1)
r = torch.relu(bn(r, na, 1e-5))
r = F.conv2d(r, wb, bb, padding=1)
r = bn(r, nb, 1e-5)
s = torch.relu(r + x)
side = F.conv2d(x, wc, bc)
cat = torch.cat([s, side], dim=1)
y = cat.amax(dim=(2, 3))
out["residual"] = {
    "input": t(x), "output": t(y),
    "arrays": {"conva/Weights": t(wa), "conva/Biases": t(ba), **{f"bna/{k}": t(v) for k, v in na.items()},
               "convb/Weights": t(wb), "convb/Biases": t(bb), **{f"bnb/{k}": t(v) for k, v in nb.items()},
               "side/Weights": t(wc), "side/Biases": t(bc)},
}

with open("nets.json", "w") as f:
    json.dump(out, f)
