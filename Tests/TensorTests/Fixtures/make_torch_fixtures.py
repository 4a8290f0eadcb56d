#!/usr/bin/env python3
"""Reference values for activations, softmax, losses and the linear layer, computed with
PyTorch (torch 2.13.0+cpu) autograd: forward values and input gradients.

Run from this folder: python3 make_torch_fixtures.py  (writes torch.json). Inputs are stored
with the outputs.
"""
import json

import torch

torch.manual_seed(20261129)


def t(x):
    x = x.detach().to(torch.float32)
    return {"shape": list(x.shape), "values": [float(v) for v in x.reshape(-1)]}


x = (torch.randn(4, 6) * 3).requires_grad_(False)
g = torch.randn(4, 6)

acts = {
    "relu": torch.relu,
    "relu6": lambda v: torch.clamp(v, 0, 6),
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "elu": torch.nn.functional.elu,
    "selu": torch.selu,
    "gelu": torch.nn.functional.gelu,
    "softplus": torch.nn.functional.softplus,
    "hardSigmoid": torch.nn.functional.hardsigmoid,
}
out = {"x": t(x), "g": t(g), "activations": {}}
for name, f in acts.items():
    xi = x.clone().requires_grad_(True)
    y = f(xi)
    (y * g).sum().backward()
    out["activations"][name] = {"y": t(y), "dx": t(xi.grad)}

logits = torch.randn(5, 4, requires_grad=True)
targets = torch.tensor([0, 3, 1, 1, 2])
p = torch.softmax(logits, dim=-1)
p.retain_grad()
loss = torch.nn.functional.nll_loss(torch.log(p), targets)
loss.backward()
out["softmax"] = {"logits": t(logits), "p": t(p), "logp": t(torch.log_softmax(logits, -1)),
                  "targets": targets.tolist(), "loss": float(loss), "dp": t(p.grad), "dlogits": t(logits.grad)}

probs = torch.rand(3, 5) * 0.98 + 0.01
probs.requires_grad_(True)
soft = torch.softmax(torch.randn(3, 5), -1)
l2 = -(soft * torch.log(probs)).sum() / 3
l2.backward()
out["softTargets"] = {"p": t(probs), "t": t(soft), "loss": float(l2), "dp": t(probs.grad)}

q = (torch.rand(6) * 0.98 + 0.01).requires_grad_(True)
bt = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
l3 = torch.nn.functional.binary_cross_entropy(q, bt)
l3.backward()
out["binary"] = {"p": t(q), "t": t(bt), "loss": float(l3), "dp": t(q.grad)}

a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, 3)
l4 = torch.nn.functional.mse_loss(a, b)
l4.backward()
da = a.grad.clone()
a.grad = None
l5 = torch.nn.functional.l1_loss(a, b)
l5.backward()
out["regression"] = {"x": t(a), "t": t(b), "mse": float(l4), "dmse": t(da), "mae": float(l5), "dmae": t(a.grad)}

lin = torch.nn.Linear(5, 3)
xin = torch.randn(4, 5, requires_grad=True)
y = lin(xin)
gy = torch.randn(4, 3)
(y * gy).sum().backward()
out["linear"] = {"x": t(xin), "w": t(lin.weight), "b": t(lin.bias), "y": t(y), "gy": t(gy),
                 "dx": t(xin.grad), "dw": t(lin.weight.grad), "db": t(lin.bias.grad)}

with open("torch.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote torch.json")
