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

# Convolutions, pooling and batch normalization (appended to torch.json by the same run).
import torch.nn.functional as F

convs = {}
cases = {
    "stride2pad1": dict(n=2, c=3, h=7, w=7, o=4, k=3, stride=2, pad=1, dil=1, groups=1),
    "dilated2groups": dict(n=1, c=4, h=8, w=9, o=6, k=3, stride=1, pad=1, dil=2, groups=2),
    "depthwise": dict(n=2, c=5, h=9, w=9, o=5, k=3, stride=2, pad=1, dil=1, groups=5),
    "pointwise": dict(n=2, c=6, h=5, w=4, o=8, k=1, stride=1, pad=0, dil=1, groups=1),
}
for name, q in cases.items():
    x = torch.randn(q["n"], q["c"], q["h"], q["w"], requires_grad=True)
    w = torch.randn(q["o"], q["c"] // q["groups"], q["k"], q["k"], requires_grad=True)
    b = torch.randn(q["o"], requires_grad=True)
    y = F.conv2d(x, w, b, stride=q["stride"], padding=q["pad"], dilation=q["dil"], groups=q["groups"])
    gy = torch.randn_like(y)
    (y * gy).sum().backward()
    convs[name] = {"params": q, "x": t(x), "w": t(w), "b": t(b), "y": t(y), "gy": t(gy),
                   "dx": t(x.grad), "dw": t(w.grad), "db": t(b.grad)}
out["conv"] = convs

pools = {}
xp = torch.randn(2, 3, 7, 6)
for name, f, kwargs in [("max3s2p1", F.max_pool2d, dict(kernel_size=3, stride=2, padding=1)),
                        ("mean2s2", F.avg_pool2d, dict(kernel_size=2, stride=2)),
                        ("mean3s1p1", F.avg_pool2d, dict(kernel_size=3, stride=1, padding=1, count_include_pad=True))]:
    xi = xp.clone().requires_grad_(True)
    y = f(xi, **kwargs)
    gy = torch.randn_like(y)
    (y * gy).sum().backward()
    pools[name] = {"y": t(y), "gy": t(gy), "dx": t(xi.grad)}
pools["x"] = t(xp)
xi = xp.clone().requires_grad_(True)
yg = xi.mean(dim=(2, 3))
gg = torch.randn_like(yg)
(yg * gg).sum().backward()
pools["globalMean"] = {"y": t(yg), "gy": t(gg), "dx": t(xi.grad)}
out["pool"] = pools

bn = torch.nn.BatchNorm2d(3, eps=1e-3, momentum=0.1)
with torch.no_grad():
    bn.weight.copy_(torch.randn(3))
    bn.bias.copy_(torch.randn(3))
    bn.running_mean.copy_(torch.randn(3))
    bn.running_var.copy_(torch.rand(3) + 0.5)
start = {"gamma": t(bn.weight), "beta": t(bn.bias), "mean": t(bn.running_mean), "var": t(bn.running_var)}
xb = (torch.randn(4, 3, 5, 5) * 2 + 1).requires_grad_(True)
bn.train()
yb = bn(xb)
gb = torch.randn_like(yb)
(yb * gb).sum().backward()
bn.eval()
ye = bn(xb.detach())
out["batchnorm"] = dict(start, x=t(xb), y=t(yb), gy=t(gb), dx=t(xb.grad), dgamma=t(bn.weight.grad),
                        dbeta=t(bn.bias.grad), newMean=t(bn.running_mean), newVar=t(bn.running_var), inference=t(ye))

# Optimizers: three steps from the same start with the same gradients.
w0 = torch.randn(2, 3)
grads = [torch.randn(2, 3) for _ in range(3)]
opt = {"w0": t(w0), "grads": [t(g) for g in grads]}
for name, make in [("adam", lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-5)),
                   ("sgd", lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.93)),
                   ("rmsprop", lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.95, eps=1e-8)),
                   ("adamL2", lambda p: torch.optim.Adam([p], lr=0.01, eps=1e-5, weight_decay=0.1))]:
    p = w0.clone().requires_grad_(True)
    o = make(p)
    for g in grads:
        o.zero_grad()
        p.grad = g.clone()
        o.step()
    opt[name] = t(p)
out["optimizers"] = opt

with open("torch.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote torch.json with convolution, pooling, batch norm and optimizers")
