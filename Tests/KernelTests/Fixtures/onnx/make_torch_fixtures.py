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
- torch_layernorm: a LayerNorm, which nets does not import (the message names it).
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
