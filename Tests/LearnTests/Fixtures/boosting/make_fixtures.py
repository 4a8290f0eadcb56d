#!/usr/bin/env python3
"""Reference histogram gradient boosting and Gaussian process regression from scikit-learn
(pip install scikit-learn==1.9.1), to check nets' split gains, leaf values and GP likelihood
value, gradient and fit against an independent implementation (values, not only quality).

- Boosting: 300 training and 100 test examples, 4 features rounded to two decimals (at most 101
  distinct values a feature, so both sides bin them at the midpoints between neighbours).
  HistGradientBoostingRegressor on a smooth function plus noise, HistGradientBoostingClassifier
  on 2 and on 3 classes: 10 rounds, learning rate 0.1, 31 leaves, at least 20 examples a leaf,
  no L2 penalty, 255 bins, no early stopping. Stores the test predictions (the regressor) and
  class probabilities (the classifiers). scikit-learn keeps gradients in single precision, so
  the two agree to about 1e-6, not exactly.
- Gaussian process: 40 training and 20 test examples in 2-d, standardized with the training
  mean and population deviation (as nets does). GaussianProcessRegressor(ConstantKernel() *
  RBF() + WhiteKernel(), normalize_y=True) fitted from its default start: the fitted log
  parameters (log amplitude, log length scale, log noise), the test means and deviations
  (return_std), and the log marginal likelihood with its gradient at three fixed log
  parameters (alpha 0 there, so the covariance has nothing beyond the kernel).

Run from this folder: python3 make_fixtures.py  (writes boosting.json).
"""
import json

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

SETTINGS = dict(max_iter=10, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, l2_regularization=0.0,
                max_bins=255, early_stopping=False, random_state=0)

rng = np.random.default_rng(11)
X = np.round(rng.uniform(0, 1, (400, 4)), 2)
f = np.sin(3 * X[:, 0]) + 2 * (X[:, 1] - 0.5) ** 2 + X[:, 2] * X[:, 3]
y = np.round(f + 0.1 * rng.standard_normal(400), 6)
train, test = np.arange(300), np.arange(300, 400)
two = (f > np.median(f)).astype(int)
three = np.digitize(f + 0.2 * rng.standard_normal(400), np.quantile(f, [1 / 3, 2 / 3]))

regressor = HistGradientBoostingRegressor(**SETTINGS).fit(X[train], y[train])
binary = HistGradientBoostingClassifier(**SETTINGS).fit(X[train], two[train])
multi = HistGradientBoostingClassifier(**SETTINGS).fit(X[train], three[train])
boosting = {
    "train_x": X[train].tolist(), "test_x": X[test].tolist(),
    "train_y": y[train].tolist(), "train_two": two[train].tolist(), "train_three": three[train].tolist(),
    "regression": regressor.predict(X[test]).tolist(),
    "two": binary.predict_proba(X[test]).tolist(),
    "three": multi.predict_proba(X[test]).tolist(),
}

rng = np.random.default_rng(12)
G = rng.uniform(-2, 2, (60, 2))
gy = np.round(np.sin(2 * G[:, 0]) + 0.5 * G[:, 1] + 0.1 * rng.standard_normal(60), 6)
gtrain, gtest = np.arange(40), np.arange(40, 60)
mean, sd = G[gtrain].mean(axis=0), G[gtrain].std(axis=0)
Z = np.round((G - mean) / sd, 8)
kernel = ConstantKernel() * RBF() + WhiteKernel()
gp = GaussianProcessRegressor(kernel, normalize_y=True, random_state=0).fit(Z[gtrain], gy[gtrain])
mu, std = gp.predict(Z[gtest], return_std=True)
exact = GaussianProcessRegressor(kernel, normalize_y=True, alpha=0.0, optimizer=None).fit(Z[gtrain], gy[gtrain])
at = [[0.0, 0.0, 0.0], [0.5, -0.7, -3.0], [-1.0, 1.2, -1.0]]
likelihood = [exact.log_marginal_likelihood(np.array(t), eval_gradient=True) for t in at]
process = {
    "train_x": Z[gtrain].tolist(), "train_y": gy[gtrain].tolist(), "test_x": Z[gtest].tolist(),
    "theta": gp.kernel_.theta.tolist(), "mean": mu.tolist(), "std": std.tolist(),
    "at": at, "likelihood": [float(v) for v, _ in likelihood], "gradient": [g.tolist() for _, g in likelihood],
}
print("theta", np.exp(gp.kernel_.theta), "lml", gp.log_marginal_likelihood_value_)
with open("boosting.json", "w") as out:
    json.dump({"boosting": boosting, "process": process}, out)
