#!/usr/bin/env python3
"""Reference support vector machines from scikit-learn (pip install scikit-learn==1.9.1):
SVC(kernel="rbf", C=1, gamma="scale") on two problems, features standardized with the training
mean and population deviation (as nets does); stores the data and each test accuracy, which
nets' machine is compared with on quality, not on exact values.

- iris, every fifth example held out;
- two interleaved moons (make_moons, noise 0.25), 300 training and 200 test examples.

Run from this folder: python3 make_fixtures.py  (writes svm.json).
"""
import json

import numpy as np
from sklearn.datasets import load_iris, make_moons
from sklearn.svm import SVC


def case(X, y, train, test):
    mean, sd = X[train].mean(axis=0), X[train].std(axis=0)
    Z = (X - mean) / sd
    model = SVC(kernel="rbf", C=1.0, gamma="scale").fit(Z[train], y[train])
    return {"train_x": X[train].tolist(), "train_y": y[train].tolist(),
            "test_x": X[test].tolist(), "test_y": y[test].tolist(),
            "accuracy": float((model.predict(Z[test]) == y[test]).mean())}


X, y = load_iris(return_X_y=True)
test = np.arange(4, len(X), 5)
iris = case(X, y, np.setdiff1d(np.arange(len(X)), test), test)
X, y = make_moons(n_samples=500, noise=0.25, random_state=3)
X = np.round(X, 6)
moons = case(X, y, np.arange(300), np.arange(300, 500))
print(iris["accuracy"], moons["accuracy"])
with open("svm.json", "w") as f:
    json.dump({"iris": iris, "moons": moons}, f)
