#!/usr/bin/env python3
"""Reference logistic regression from scikit-learn (pip install scikit-learn==1.9.1): iris,
every fifth example held out, features standardized with the population standard deviation
(as nets does), multinomial with C = 1 (nets' default L2 of 1/n on the mean loss).

Run from this folder: python3 make_learn_fixtures.py  (writes learn.json).
"""
import json

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

X, y = load_iris(return_X_y=True)
test = np.arange(4, len(X), 5)
train = np.setdiff1d(np.arange(len(X)), test)
mean, sd = X[train].mean(axis=0), X[train].std(axis=0)
Z = (X - mean) / sd
model = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(Z[train], y[train])
out = {
    "train_x": X[train].tolist(), "train_y": y[train].tolist(),
    "test_x": X[test].tolist(), "test_y": y[test].tolist(),
    "coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(),
    "test_probabilities": model.predict_proba(Z[test]).tolist(),
}
with open("learn.json", "w") as f:
    json.dump(out, f)
