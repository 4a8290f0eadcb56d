#!/usr/bin/env python3
"""Reference ROC curves from scikit-learn (pip install scikit-learn==1.9.1): scores with ties for
one class against the rest, every threshold kept (drop_intermediate=False), and the area.

Run from this folder: python3 make_roc_fixtures.py  (writes roc.json).
"""
import json

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

rng = np.random.default_rng(7)
cases = []
for n, ties in ((12, False), (40, True), (200, False)):
    positive = rng.random(n) < 0.4
    positive[0], positive[1] = True, False
    scores = rng.random(n) * 0.6 + 0.4 * positive
    if ties:
        scores = np.round(scores, 1)
    fpr, tpr, _ = roc_curve(positive, scores, drop_intermediate=False)
    cases.append({"scores": scores.tolist(), "positive": positive.tolist(),
                  "fpr": fpr.tolist(), "tpr": tpr.tolist(), "auc": roc_auc_score(positive, scores)})
with open("roc.json", "w") as f:
    json.dump(cases, f)
