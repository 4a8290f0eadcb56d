#!/usr/bin/env python3
"""Reference values for Predict[..., Method -> "GaussianProcess"] from scikit-learn's
GaussianProcessRegressor(ConstantKernel() * RBF() + WhiteKernel(), normalize_y=True) with many
optimizer restarts (so that it reaches the highest marginal likelihood), on features standardized
as nets does (mean 0, population standard deviation 1). Writes gp.json beside this script: for
each case the training data as nets rules, test inputs, and scikit-learn's means, standard
deviations and fitted hyperparameters.

    python3 Tests/KernelTests/Fixtures/gp/make_fixtures.py
"""
import json, os
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, RBF, WhiteKernel


def nets_number(v):
    return repr(float(v)).replace("e", "*^")


def nets_input(x):
    return nets_number(x[0]) if len(x) == 1 else "{" + ", ".join(nets_number(v) for v in x) + "}"


def case(name, x, y, test):
    x, test = np.asarray(x, float), np.asarray(test, float)
    mean, sd = x.mean(0), x.std(0)
    kernel = ConstantKernel(1.0, (1e-5, 1e5)) * RBF(1.0, (1e-5, 1e5)) + WhiteKernel(1.0, (1e-5, 1e5))
    gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=20, random_state=0)
    gp.fit((x - mean) / sd, y)
    m, s = gp.predict((test - mean) / sd, return_std=True)
    k = gp.kernel_
    return {
        "name": name,
        "data": "{" + ", ".join(nets_input(a) + " -> " + nets_number(b) for a, b in zip(x, y)) + "}",
        "test": "{" + ", ".join(nets_input(a) for a in test) + "}",
        "mean": [float(v) for v in m],
        "sd": [float(v) for v in s],
        "logMarginalLikelihood": float(gp.log_marginal_likelihood_value_),
        "hyperparameters": [float(k.k1.k1.constant_value), float(k.k1.k2.length_scale), float(k.k2.noise_level)],
    }


rng = np.random.default_rng(7)
cases = []
x1 = np.sort(rng.uniform(0, 10, 40))[:, None]
cases.append(case("noisy sine", x1, np.sin(x1[:, 0]) + rng.normal(0, 0.2, 40), [[0.5], [2.5], [5.0], [7.5], [12.0]]))
x2 = rng.uniform(-2, 2, (60, 2))
cases.append(case("smooth surface in 2D", x2, x2[:, 0] ** 2 - x2[:, 1] + rng.normal(0, 0.1, 60), [[0, 0], [1, -1], [-1.5, 0.5], [3, 3]]))
x3 = np.linspace(0, 1, 15)[:, None]
cases.append(case("nearly noiseless line", x3, 3 * x3[:, 0] + 1 + rng.normal(0, 0.01, 15), [[0.25], [0.5], [1.5]]))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gp.json"), "w") as f:
    json.dump(cases, f, indent=1)
for c in cases:
    print(c["name"], c["hyperparameters"], c["logMarginalLikelihood"])
