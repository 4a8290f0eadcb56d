#!/usr/bin/env python3
"""Reference values for conditional sampling of a learned density (SynthesizeMissingValues):
the conditional mean and standard deviation of the second variable given the first, for the
multinormal (maximum-likelihood mean and covariance divided by n, plus 1e-6 on the diagonal)
and for the kernel density estimate (Gaussian kernels with Scott's bandwidths sigma_j n^(-1/6),
sigma_j the sample standard deviation with n - 1), computed with NumPy from their formulas.
Also the data of an in-data outlier. Writes conditional.json beside this script."""
import json
import os

import numpy as np

rng = np.random.default_rng(11)
n = 60
x1 = rng.normal(2.0, 1.5, n)
x2 = 0.8 * x1 + rng.normal(0.0, 0.5, n) - 1.0
data = np.column_stack([x1, x2])
known = [0.5, 3.0, 5.5]

# Multinormal: x2 | x1 ~ N(mu2 + s21/s11 (x1 - mu1), s22 - s21^2/s11).
mu = data.mean(axis=0)
cov = (data - mu).T @ (data - mu) / n + 1e-6 * np.eye(2)
multinormal = [{"known": k, "mean": mu[1] + cov[1, 0] / cov[0, 0] * (k - mu[0]),
                "sd": float(np.sqrt(cov[1, 1] - cov[1, 0] ** 2 / cov[0, 0]))} for k in known]

# Kernel density: kernel i weighted by N(x1; p_i1, h1); x2 | x1 is the mixture of N(p_i2, h2).
h = data.std(axis=0, ddof=1) * n ** (-1 / 6)
kde = []
for k in known:
    w = np.exp(-0.5 * ((k - data[:, 0]) / h[0]) ** 2)
    w /= w.sum()
    m = float(w @ data[:, 1])
    second = float(w @ (data[:, 1] ** 2 + h[1] ** 2))
    kde.append({"known": k, "mean": m, "sd": float(np.sqrt(second - m * m))})

out = {"data": data.tolist(), "multinormal": multinormal, "kde": kde}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "conditional.json"), "w") as f:
    json.dump(out, f, indent=1)
