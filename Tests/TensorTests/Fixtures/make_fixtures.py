#!/usr/bin/env python3
"""Reference values for the tensor tests, computed independently with NumPy.

Run from this folder: python3 make_fixtures.py  (writes basic.json). The inputs are stored with
the outputs, so the Swift tests need no random generator of NumPy's.
"""
import json

import numpy as np

rng = np.random.default_rng(20261129)


def t(x):
    x = np.asarray(x, dtype=np.float32)
    return {"shape": list(x.shape), "values": [float(v) for v in x.reshape(-1)]}


a = rng.standard_normal((3, 4), dtype=np.float32)
b = rng.standard_normal((4, 5), dtype=np.float32)
g = rng.standard_normal((3, 5), dtype=np.float32)
x = rng.standard_normal((2, 3, 4), dtype=np.float32)
u = rng.standard_normal((2, 3, 1), dtype=np.float32)
v = rng.standard_normal((3, 4), dtype=np.float32)

fixtures = {
    "matmul": {"a": t(a), "b": t(b), "ab": t(a @ b), "atb": t(a.T @ a), "abt": t(b @ b.T)},
    "matmulBackward": {"a": t(a), "b": t(b), "g": t(g), "da": t(g @ b.T), "db": t(a.T @ g)},
    "broadcast": {"u": t(u), "v": t(v), "sum": t(u + v), "product": t(u * v), "difference": t(u - v)},
    "reductions": {
        "x": t(x),
        "sum0": t(x.sum(axis=0)), "sum1": t(x.sum(axis=1)), "sum2": t(x.sum(axis=2)),
        "mean1": t(x.mean(axis=1)), "max2": t(x.max(axis=2)),
        "argmax1": [int(i) for i in x.argmax(axis=1).reshape(-1)],
    },
    "permute": {"x": t(x), "p201": t(np.transpose(x, (2, 0, 1))), "p021": t(np.transpose(x, (0, 2, 1)))},
}

with open("basic.json", "w") as f:
    json.dump(fixtures, f, indent=1)
print("wrote basic.json")
