#!/usr/bin/env python3
"""Reference regressions from scikit-learn (pip install scikit-learn==1.9.1) on Friedman's
first problem (make_friedman1: 10 features, 5 of them used, noise 1): 500 training and 200
test examples. Features standardized with the training mean and population deviation (as nets
does). Stores the data and each model's test R^2, which nets' methods are compared with on
quality, not on exact values.

Run from this folder: python3 make_fixtures.py  (writes regression.json).
"""
import json

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingRegressor
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor

X, y = make_friedman1(n_samples=700, n_features=10, noise=1.0, random_state=7)
X, y = np.round(X, 6), np.round(y, 6)
train, test = np.arange(500), np.arange(500, 700)
mean, sd = X[train].mean(axis=0), X[train].std(axis=0)
Z = (X - mean) / sd


def r2(model):
    model.fit(Z[train], y[train])
    return r2_score(y[test], model.predict(Z[test]))


out = {
    "train_x": X[train].tolist(), "train_y": y[train].tolist(),
    "test_x": X[test].tolist(), "test_y": y[test].tolist(),
    "r2": {
        "HistGradientBoostingRegressor": r2(HistGradientBoostingRegressor(random_state=0)),
        "GradientBoostingRegressor": r2(GradientBoostingRegressor(random_state=0)),
        "MLPRegressor": r2(MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", max_iter=2000, random_state=0)),
    },
}
print(out["r2"])
with open("regression.json", "w") as f:
    json.dump(out, f)
