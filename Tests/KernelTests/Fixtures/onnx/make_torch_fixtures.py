"""Makes the PyTorch-exported ONNX fixtures of Tests/KernelTests/ONNXTests.swift: small seeded
models written by torch.onnx.export (the TorchScript exporter, dynamo=False) at several opsets,
each with a seeded input and PyTorch's output on it (NAME.json), checked against ONNX Runtime.

    python3 Tests/KernelTests/Fixtures/onnx/make_torch_fixtures.py
    (torch 2.13.0+cpu, onnx 1.23.2, onnxruntime 1.32.0)

- torch_deconv: Conv2d, BatchNorm2d, ReLU, two ConvTranspose2d (stride 2; padding with
  output_padding), AdaptiveAvgPool2d, Linear (opset 17).
- torch_lstm: LSTM(batch_first) over {6, 4}, its last output through Linear (opset 14).
- torch_gru: GRU whose recurrent memory bias is 0 (Wolfram's GRU has none), its final state h_n
  through Linear (opset 19).
- torch_embedding: Embedding of int64 tokens, LSTM, mean over time, Linear (opset 18: ReduceMean
  takes its axes as an input).
- torch_layernorm: a LayerNorm over the last axis (opset 17: LayerNormalization, axis -1).
- torch_layernorm2d: a Linear, then a LayerNorm over the last two axes (axis -2), opset 17.
- torch_gelu: Linear, GELU, Linear at opset 17 (GELU written as x (1 + erf(x / sqrt 2)) / 2) and
  torch_gelu20 at opset 20 (the Gelu operator).
- torch_bilstm: a bidirectional LSTM (batch_first), its last output through Linear (opset 14).
- torch_bigru: a bidirectional GRU (recurrent memory biases 0), all its outputs (opset 14).
- torch_padded_mean: F.pad before a Conv, mean over height and width, Linear (opset 18).
- torch_sequence_cuts: an LSTM, the sequence without its first element (Slice), the mean over
  time, Linear (opset 17).
- torch_resnet_mini: ResNet-18's structure in miniature (stem Conv/BN/ReLU, MaxPool 3/2 pad 1,
  a BasicBlock, a BasicBlock of stride 2 with its 1x1 downsample, global mean, Linear), the
  BasicBlock written as torchvision writes it (torchvision itself is not needed), opset 17.
- torch_resize: nearest upsampling by 2 (ResizeLayer); torch_split: Split into two parts joined
  back in the other order (PartLayers and a CatenateLayer); torch_transpose: a permute (TransposeLayer).
- torch_resize_bilinear: a Conv, then bilinear resizing to 7 x 5 with half-pixel coordinates
  (opset 17); torch_resize_corners: bilinear by 2 with align_corners (opset 13).
- torch_gating: squeeze-and-excitation (a per-channel gate broadcast over height and width by
  Mul), Max, Sub and Div of computed values (ThreadingLayers), opset 17.
- torch_normalize: an image minus per-channel means ({1, 3, 1, 1}) over per-channel deviations
  ({3, 1, 1}), a Conv, times a learned per-channel scale (ConstantArrayLayers), opset 17.
- torch_ceil_pool: MaxPool with ceil_mode (3/2 on 6 x 6, then 2/2 on 3 x 3), opset 17.
- torch_pads: reflection padding before a Conv, a constant padding before a MaxPool, opset 17.
- torch_slices: a Conv, slices of channels 1:3 and every other column, the last row by Gather, a
  Linear (PartLayers), opset 17.
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20)


class Deconv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.up1 = nn.ConvTranspose2d(6, 4, 2, stride=2)
        self.up2 = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1)
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        x = torch.relu(self.up1(x))
        x = self.up2(x)
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class LastOfLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class FinalOfGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 5, batch_first=True)
        with torch.no_grad():
            self.gru.bias_hh_l0[10:15] = 0
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        _, h = self.gru(x)
        return self.fc(h[-1])


class EmbeddingLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 3)
        self.lstm = nn.LSTM(3, 4, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(self.embedding(x))
        return self.fc(out.mean(dim=1))


class Norm(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(4)

    def forward(self, x):
        return self.norm(x)


class Norm2D(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.norm = nn.LayerNorm((3, 4))
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return self.norm(self.fc(x))


class Gelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 6)
        self.b = nn.Linear(6, 3)

    def forward(self, x):
        return self.b(nn.functional.gelu(self.a(x)))


class BiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 3, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class BiGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 3, batch_first=True, bidirectional=True)
        with torch.no_grad():
            self.gru.bias_hh_l0[6:9] = 0
            self.gru.bias_hh_l0_reverse[6:9] = 0

    def forward(self, x):
        out, _ = self.gru(x)
        return out


class PaddedMean(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = torch.relu(self.conv(nn.functional.pad(x, (1, 1, 1, 1))))
        return self.fc(x.mean(dim=(2, 3)))


class SequenceCuts(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, 1:, :].mean(dim=1))


class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock."""

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + identity)


class ResNetMini(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 7, 2, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.layer1 = BasicBlock(8, 8)
        self.layer2 = BasicBlock(8, 16, 2)
        self.fc = nn.Linear(16, 5)
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Resize(nn.Module):
    def forward(self, x):
        return nn.functional.interpolate(x, scale_factor=2, mode="nearest")


class Split(nn.Module):
    def forward(self, x):
        a, b = torch.split(x, 2, dim=1)
        return torch.cat([b, a], dim=1)


class ResizeLinear(nn.Module):
    """A Conv, then bilinear resizing to a given size (half-pixel) or by a factor (align corners)."""
    def __init__(self, size=None, corners=False):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.size, self.corners = size, corners

    def forward(self, x):
        x = self.conv(x)
        if self.size:
            return nn.functional.interpolate(x, size=self.size, mode="bilinear", align_corners=self.corners)
        return nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=self.corners)


class Slices(nn.Module):
    """Slices of channels and every other column, a Gather of the last row, a Linear."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Linear(2 * 3, 3)

    def forward(self, x):
        x = self.conv(x)[:, 1:3, :, ::2]
        return self.fc(torch.flatten(x[:, :, -1], 1))


class Gating(nn.Module):
    """Squeeze-and-excitation gating and arithmetic of computed values with broadcasting."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 4)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        y = self.conv(x)
        s = torch.sigmoid(self.fc(y.mean((2, 3)))).view(-1, 4, 1, 1)
        z = torch.maximum(y * s, y - s) / (1 + s * s)
        return self.head(z.mean((2, 3)))


class CeilPool(nn.Module):
    """Max pooling with ceil_mode, as SqueezeNet writes it."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 2 * 2, 3)

    def forward(self, x):
        x = nn.functional.max_pool2d(self.conv(x), 3, 2, ceil_mode=True)
        x = nn.functional.max_pool2d(x, 2, 2, ceil_mode=True)
        return self.fc(torch.flatten(x, 1))


class Pads(nn.Module):
    """Reflection padding before a Conv (ReflectionPad2d, as style-transfer nets have it) and a
    constant padding read by a pooling (PaddingLayers)."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3)
        self.fc = nn.Linear(3 * 3 * 4, 2)

    def forward(self, x):
        x = self.conv(nn.functional.pad(x, (1, 2, 2, 1), mode="reflect"))
        x = nn.functional.max_pool2d(nn.functional.pad(x, (1, 1, 0, 1), value=-0.5), 2)
        return self.fc(torch.flatten(x, 1))


class Normalize(nn.Module):
    """Per-channel constants broadcast over an image (ConstantArrayLayers and ThreadingLayers)."""
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1))
        self.conv = nn.Conv2d(3, 2, 1)
        self.scale = nn.Parameter(torch.randn(2, 1, 1))

    def forward(self, x):
        return self.conv((x - self.mean) / self.std) * self.scale


class Transpose(nn.Module):
    def forward(self, x):
        return x.permute(0, 2, 1)


def save(model, x, name, opset):
    model.eval()
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"], opset_version=opset, dynamo=False)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    with torch.no_grad():
        y = model(x).numpy()
    z = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input": x.numpy()})[0]
    assert np.max(np.abs(y - z)) < 1e-5, name
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"input": x.numpy().tolist(), "output": y.astype(np.float64).tolist()}, f)
    print(name, os.path.getsize(path), "bytes,", [n.op_type for n in m.graph.node])


save(Deconv(), torch.randn(2, 3, 5, 5), "torch_deconv", 17)
save(LastOfLSTM(), torch.randn(2, 6, 4), "torch_lstm", 14)
save(FinalOfGRU(), torch.randn(2, 6, 4), "torch_gru", 19)
save(EmbeddingLSTM(), torch.randint(0, 10, (2, 7)), "torch_embedding", 18)
save(Norm(), torch.randn(2, 3, 4), "torch_layernorm", 17)
save(Norm2D(), torch.randn(2, 3, 4), "torch_layernorm2d", 17)
save(Gelu(), torch.randn(3, 4), "torch_gelu", 17)
save(Gelu(), torch.randn(3, 4), "torch_gelu20", 20)
save(BiLSTM(), torch.randn(2, 5, 4), "torch_bilstm", 14)
save(BiGRU(), torch.randn(2, 5, 4), "torch_bigru", 14)
save(PaddedMean(), torch.randn(2, 2, 5, 5), "torch_padded_mean", 18)
save(SequenceCuts(), torch.randn(2, 6, 3), "torch_sequence_cuts", 17)
save(Resize(), torch.randn(1, 2, 3, 3), "torch_resize", 17)
save(Split(), torch.randn(2, 4, 3), "torch_split", 17)
save(Transpose(), torch.randn(2, 3, 4), "torch_transpose", 17)
save(ResNetMini(), torch.randn(2, 3, 32, 32), "torch_resnet_mini", 17)
save(ResizeLinear(size=(7, 5)), torch.randn(2, 2, 4, 3), "torch_resize_bilinear", 17)
save(ResizeLinear(corners=True), torch.randn(2, 2, 3, 4), "torch_resize_corners", 13)
save(Slices(), torch.randn(2, 2, 4, 5), "torch_slices", 17)
save(Gating(), torch.randn(2, 3, 5, 5), "torch_gating", 17)
save(Normalize(), torch.rand(2, 3, 4, 4), "torch_normalize", 17)
save(CeilPool(), torch.randn(2, 3, 8, 8), "torch_ceil_pool", 17)
save(Pads(), torch.randn(2, 2, 5, 6), "torch_pads", 17)
