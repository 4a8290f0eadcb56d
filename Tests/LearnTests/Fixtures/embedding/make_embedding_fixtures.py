#!/usr/bin/env python3
"""Reference values for t-SNE, UMAP, trustworthiness and boosted trees, from scikit-learn 1.9.1
and umap-learn 0.5.12 (pip install scikit-learn==1.9.1 umap-learn==0.5.12). Run from this
folder: python3 make_embedding_fixtures.py  (writes embedding.json).

- digits_x / digits_y: the first 400 of scikit-learn's 8x8 digits (64 features, 10 classes).
- pca_trustworthiness: trustworthiness(X, PCA(2).fit_transform(X), n_neighbors=5) -- nets' PCA is
  the same projection up to signs, so its trustworthiness must agree to rounding.
- tsne_trustworthiness: the same for TSNE(2, perplexity=30, init="pca", random_state=0)
  (Barnes-Hut, scikit-learn's default).
- umap_trustworthiness: the same for umap.UMAP(random_state=0) (15 neighbours, min_dist 0.1).
- umap_ab_01 / umap_ab_05: umap-learn's find_ab_params(1, 0.1) and (1, 0.5).
- boost_*: make_classification(800, 8 features, 5 informative, 3 classes, seed 7), the first 500
  to train and the rest to test; boost_accuracy: HistGradientBoostingClassifier(max_iter=100,
  learning_rate=0.1, max_leaf_nodes=31, early_stopping=False) accuracy on the test rows;
  forest_accuracy: RandomForestClassifier(50, random_state=0).
"""
import json

import numpy as np
import umap
from sklearn.datasets import load_digits, make_classification
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.manifold import TSNE, trustworthiness
from umap.umap_ import find_ab_params

out = {}
digits = load_digits()
x, y = digits.data[:400], digits.target[:400]
out["digits_x"] = x.tolist()
out["digits_y"] = y.tolist()
out["pca_trustworthiness"] = trustworthiness(x, PCA(2).fit_transform(x), n_neighbors=5)
out["tsne_trustworthiness"] = trustworthiness(x, TSNE(2, perplexity=30, init="pca", random_state=0).fit_transform(x), n_neighbors=5)
out["umap_trustworthiness"] = trustworthiness(x, umap.UMAP(random_state=0).fit_transform(x), n_neighbors=5)
out["umap_ab_01"] = [float(v) for v in find_ab_params(1.0, 0.1)]
out["umap_ab_05"] = [float(v) for v in find_ab_params(1.0, 0.5)]

bx, by = make_classification(800, n_features=8, n_informative=5, n_redundant=1, n_classes=3, random_state=7)
out["boost_x"] = bx[:500].round(6).tolist()
out["boost_y"] = by[:500].tolist()
out["boost_tx"] = bx[500:].round(6).tolist()
out["boost_ty"] = by[500:].tolist()
hgb = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False, random_state=0)
out["boost_accuracy"] = float(np.mean(hgb.fit(bx[:500].round(6), by[:500]).predict(bx[500:].round(6)) == by[500:]))
rf = RandomForestClassifier(50, random_state=0)
out["forest_accuracy"] = float(np.mean(rf.fit(bx[:500].round(6), by[:500]).predict(bx[500:].round(6)) == by[500:]))

with open("embedding.json", "w") as f:
    json.dump(out, f)
print({k: v for k, v in out.items() if not isinstance(v, list) or len(v) < 5})
