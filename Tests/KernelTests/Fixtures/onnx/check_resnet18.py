"""A full-size check kept out of the test suite (46 MB of weights, and PyTorch, which CI does not
install): ResNet-18 as torchvision builds it (BasicBlocks [2, 2, 2, 2], 64 to 512 channels, 1000
classes; seeded weights and batch-norm statistics), exported by torch.onnx.export at opset 17,
imported by nets and compared with PyTorch on two 224 x 224 images.

    python3 Tests/KernelTests/Fixtures/onnx/check_resnet18.py [path/to/nets]

Last run (2026-12-01, torch 2.13.0+cpu): 48 layers, largest difference 6e-8.
"""
import json
import os
import subprocess
import sys
import tempfile

import torch
from torch import nn

torch.manual_seed(0)
def conv3(i, o, s=1): return nn.Conv2d(i, o, 3, s, 1, bias=False)
class Block(nn.Module):
    def __init__(s, i, o, st=1):
        super().__init__(); s.c1, s.b1, s.c2, s.b2 = conv3(i, o, st), nn.BatchNorm2d(o), conv3(o, o), nn.BatchNorm2d(o)
        s.down = nn.Sequential(nn.Conv2d(i, o, 1, st, bias=False), nn.BatchNorm2d(o)) if st != 1 or i != o else None
    def forward(s, x):
        y = torch.relu(s.b1(s.c1(x))); y = s.b2(s.c2(y))
        return torch.relu(y + (s.down(x) if s.down is not None else x))
class ResNet18(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        L = []; i = 64
        for o, st in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            L += [Block(i, o, st), Block(o, o)]; i = o
        s.layers = nn.Sequential(*L); s.fc = nn.Linear(512, 1000)
        for m in s.modules():
            if isinstance(m, nn.BatchNorm2d): m.running_mean.uniform_(-0.1, 0.1); m.running_var.uniform_(0.5, 1.5)
    def forward(s, x): return s.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(s.layers(s.stem(x)), 1), 1))
work = tempfile.mkdtemp()
onnx_path, json_path = os.path.join(work, "resnet18.onnx"), os.path.join(work, "resnet18.json")
m = ResNet18().eval(); x = torch.randn(2, 3, 224, 224)
torch.onnx.export(m, (x,), onnx_path, input_names=["input"], output_names=["output"], opset_version=17, dynamo=False)
with torch.no_grad(): y = m(x).numpy()
json.dump({"input": x.numpy().tolist(), "output": y.astype(float).tolist()}, open(json_path, "w"))
nets = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../../.build/release/nets")
code = f'n = Import["{onnx_path}"]; d = Import["{json_path}"]; {{Information[n, "LayersCount"], Max[Abs[Flatten[n[d["input"]]] - Flatten[d["output"]]]]}}'
print(subprocess.run([nets, "-c", code], capture_output=True, text=True).stdout.strip())

