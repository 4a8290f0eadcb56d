#!/usr/bin/env python3
"""Reference outputs of the recurrent layers, written out in NumPy from the equations of the
Wolfram documentation (BasicRecurrentLayer, GatedRecurrentLayer, LongShortTermMemoryLayer),
independently of the Swift code: a batch of 2 sequences of 5 vectors of size 3, 4 units, and
an EmbeddingLayer (indices 1..6 to vectors of size 3) followed by the LSTM.

Run from this folder: python3 make_recurrent_fixtures.py  (writes recurrent.json with the
arrays by their Wolfram names, the inputs and the outputs).
"""
import json

import numpy as np

rng = np.random.default_rng(1130)
N, T, K, U, V = 2, 5, 3, 4, 6


def t(x):
    x = np.asarray(x, dtype=np.float32)
    return {"shape": list(x.shape), "values": [float(v) for v in x.reshape(-1)]}


def sig(v):
    return 1 / (1 + np.exp(-v))


def gates(names):
    a = {}
    for g in names:
        a[g + "InputWeights"] = rng.normal(size=(U, K)).astype(np.float32) * 0.5
        a[g + "StateWeights"] = rng.normal(size=(U, U)).astype(np.float32) * 0.5
        a[g + "Biases"] = rng.normal(size=U).astype(np.float32) * 0.2
    return a


def pre(a, g, x, s):
    return a[g + "InputWeights"] @ x + a[g + "StateWeights"] @ s + a[g + "Biases"]


def basic(a, xs):
    out = np.zeros((N, T, U))
    for e in range(N):
        s = np.zeros(U)
        for i in range(T):
            s = np.tanh(pre(a, "", xs[e, i], s))
            out[e, i] = s
    return out


def gru(a, xs):
    out = np.zeros((N, T, U))
    for e in range(N):
        s = np.zeros(U)
        for i in range(T):
            x = xs[e, i]
            ig = sig(pre(a, "InputGate", x, s))
            r = sig(pre(a, "ResetGate", x, s))
            m = np.tanh(a["MemoryGateInputWeights"] @ x + r * (a["MemoryGateStateWeights"] @ s) + a["MemoryGateBiases"])
            s = (1 - ig) * m + ig * s
            out[e, i] = s
    return out


def lstm(a, xs):
    out = np.zeros((N, xs.shape[1], U))
    for e in range(N):
        s, c = np.zeros(U), np.zeros(U)
        for i in range(xs.shape[1]):
            x = xs[e, i]
            ig, og = sig(pre(a, "InputGate", x, s)), sig(pre(a, "OutputGate", x, s))
            f, m = sig(pre(a, "ForgetGate", x, s)), np.tanh(pre(a, "MemoryGate", x, s))
            c = f * c + ig * m
            s = og * np.tanh(c)
            out[e, i] = s
    return out


out = {}
x = rng.normal(size=(N, T, K)).astype(np.float32)
for name, names, f in [("basic", [""], basic), ("gru", ["InputGate", "ResetGate", "MemoryGate"], gru),
                       ("lstm", ["InputGate", "OutputGate", "ForgetGate", "MemoryGate"], lstm)]:
    a = gates(names)
    out[name] = {"arrays": {k: t(v) for k, v in a.items()}, "input": t(x), "output": t(f(a, x.astype(np.float64)))}

# Embedding then LSTM: indices 1..V.
emb = rng.normal(size=(V, K)).astype(np.float32)
idx = rng.integers(1, V + 1, size=(N, T))
a = gates(["InputGate", "OutputGate", "ForgetGate", "MemoryGate"])
out["embeddingLSTM"] = {"arrays": {"embedding/Weights": t(emb), **{"lstm/" + k: t(v) for k, v in a.items()}},
                        "input": t(idx), "output": t(lstm(a, emb[idx - 1].astype(np.float64)))}

with open("recurrent.json", "w") as fh:
    json.dump(out, fh)
