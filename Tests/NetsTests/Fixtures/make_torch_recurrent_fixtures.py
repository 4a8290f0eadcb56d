#!/usr/bin/env python3
"""The recurrent layers and EmbeddingLayer against PyTorch (torch 2.13.0+cpu), as a second
reference beside the NumPy rendering of Wolfram's equations (make_recurrent_fixtures.py):
torch.nn.Embedding(6, 3) then torch.nn.LSTM(3, 4), torch.nn.GRU(3, 4) and torch.nn.RNN(3, 4) (tanh),
batch_first, on a batch of 2 sequences of 5 indices, with PyTorch's weights renamed to Wolfram's
arrays:

- LSTM: PyTorch's gate rows are (i, f, g, o) = InputGate, ForgetGate, MemoryGate, OutputGate;
  each Wolfram gate has one bias, b_ih + b_hh.
- GRU: rows (r, z, n) = ResetGate, InputGate, MemoryGate; Wolfram's memory gate has no bias
  inside the reset product, so PyTorch's b_hn is set to 0, and the other biases are summed.
- RNN: BasicRecurrentLayer's InputWeights, StateWeights, and Biases = b_ih + b_hh.
- Embedding: PyTorch's index i is Wolfram's i + 1.

Run from this folder: python3 make_torch_recurrent_fixtures.py (writes torch_recurrent.json).
"""
import json

import torch

torch.manual_seed(1201)
N, T, K, U, V = 2, 5, 3, 4, 6


def t(x):
    x = x.detach().to(torch.float32)
    return {"shape": list(x.shape), "values": [float(v) for v in x.reshape(-1)]}


emb = torch.nn.Embedding(V, K)
idx = torch.randint(0, V, (N, T))
x = emb(idx)
out = {"embedding": {"Weights": t(emb.weight)}, "input": t(idx + 1), "embedded": t(x)}

lstm = torch.nn.LSTM(K, U, batch_first=True)
arrays = {}
for q, gate in enumerate(["InputGate", "ForgetGate", "MemoryGate", "OutputGate"]):
    rows = slice(q * U, (q + 1) * U)
    arrays[gate + "InputWeights"] = t(lstm.weight_ih_l0[rows])
    arrays[gate + "StateWeights"] = t(lstm.weight_hh_l0[rows])
    arrays[gate + "Biases"] = t(lstm.bias_ih_l0[rows] + lstm.bias_hh_l0[rows])
out["lstm"] = {"arrays": arrays, "output": t(lstm(x)[0])}

gru = torch.nn.GRU(K, U, batch_first=True)
with torch.no_grad():
    gru.bias_hh_l0[2 * U:] = 0
arrays = {}
for q, gate in enumerate(["ResetGate", "InputGate", "MemoryGate"]):
    rows = slice(q * U, (q + 1) * U)
    arrays[gate + "InputWeights"] = t(gru.weight_ih_l0[rows])
    arrays[gate + "StateWeights"] = t(gru.weight_hh_l0[rows])
    arrays[gate + "Biases"] = t(gru.bias_ih_l0[rows] + gru.bias_hh_l0[rows])
out["gru"] = {"arrays": arrays, "output": t(gru(x)[0])}

rnn = torch.nn.RNN(K, U, batch_first=True)
out["basic"] = {"arrays": {"InputWeights": t(rnn.weight_ih_l0), "StateWeights": t(rnn.weight_hh_l0),
                           "Biases": t(rnn.bias_ih_l0 + rnn.bias_hh_l0)}, "output": t(rnn(x)[0])}

with open("torch_recurrent.json", "w") as fh:
    json.dump(out, fh)
