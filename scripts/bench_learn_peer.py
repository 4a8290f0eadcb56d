#!/usr/bin/env python3
"""The scikit-learn side of `scripts/bench learn`, and the data and scores both sides share.

    bench_learn_peer.py data DIR          writes the seeded data sets of every case to DIR as .npy
    bench_learn_peer.py run DIR           times scikit-learn on them; prints one JSON line
                                          {case: {"time": seconds, "score": quality}}
    bench_learn_peer.py score DIR CASE F  scores nets' answer for CASE (JSON in file F) the same way

Cases (the work is the same on both sides; the quality is computed here for both):
    kmeans-10000x50    k-means, 10 clusters, 10 k-means++ restarts (at most 300 rounds, tolerance 1e-4),
                       of 10 Gaussian blobs in 50-d, the features standardized first on both sides
                       (nets' FindClusters standardizes numeric data: StandardScaler then KMeans here);
                       adjusted Rand index against the blobs
    pca-5000x784       principal components, 50 of 784 (data of rank ~40 plus noise); the share
                       of the variance the 50 reduced coordinates keep
    tsne-2000x50       t-SNE to 2-d, perplexity 30, 1000 rounds, PCA start, of 10 blobs in 50-d;
                       trustworthiness (5 neighbours)
    randomforest-10000x20        50 trees, sqrt(d) features a split, fit on 10,000 x 20 (make_classification,
                                 3 classes) and predict 10,000 more; accuracy
    gradientboosting-10000x20    histogram gradient boosting (HistGradientBoostingClassifier: 100 rounds,
                                 learning rate 0.1, 31 leaves, 255 bins, no early stopping), same data; accuracy
    gaussianprocess-500          GP regression, ConstantKernel * RBF + WhiteKernel, normalize_y, on 500
                                 points in 3-d; R^2 on 500 more
    knn-10000x64       the 10 nearest of 10,000 points in 64-d for 1,000 queries (exact search);
                       recall of the true 10 nearest
    boostedtrees-regression-10000x20   histogram gradient boosting regression (HistGradientBoostingRegressor:
                                       100 rounds, learning rate 0.1, 31 leaves, 255 bins, no early stopping) on
                                       Friedman #1 (make_friedman1, 20 features, noise 1), fit on 10,000 and
                                       predict 10,000 more; R^2
    neuralnetwork-regression-2000x10   a network of 32 tanh units (MLPRegressor: Adam, learning rate 0.01,
                                       batches of 64, 200 epochs, no early stopping; inputs and values
                                       standardized as nets does) on Friedman #1 with 10 features, fit on
                                       2,000 and predict 2,000 more; R^2
Times are the median of REPEATS (default 3) runs after a warm-up; threads: BENCH_THREADS.
"""
import json
import os
import statistics
import sys
import time

import numpy as np

THREADS = int(os.environ.get("BENCH_THREADS", "2"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def make_data(d):
    from sklearn.datasets import make_blobs, make_classification
    os.makedirs(d, exist_ok=True)
    save = lambda name, a: np.save(os.path.join(d, name + ".npy"), np.ascontiguousarray(a))
    x, y = make_blobs(n_samples=10000, n_features=50, centers=10, cluster_std=4.0, random_state=1)
    save("kmeans_x", x); save("kmeans_y", y)
    rng = np.random.default_rng(2)
    latent = rng.standard_normal((5000, 40)) @ rng.standard_normal((40, 784))
    save("pca_x", latent + 0.5 * rng.standard_normal((5000, 784)))
    x, y = make_blobs(n_samples=2000, n_features=50, centers=10, cluster_std=3.0, random_state=3)
    save("tsne_x", x)
    x, y = make_classification(n_samples=20000, n_features=20, n_informative=10, n_redundant=5, n_classes=3,
                               random_state=4)
    save("forest_x", x[:10000]); save("forest_y", y[:10000])
    save("forest_tx", x[10000:]); save("forest_ty", y[10000:])
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, (1000, 3))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.3 * x[:, 2] + 0.1 * rng.standard_normal(1000)
    save("gp_x", x[:500]); save("gp_y", y[:500]); save("gp_tx", x[500:]); save("gp_ty", y[500:])
    rng = np.random.default_rng(6)
    save("knn_x", rng.standard_normal((10000, 64))); save("knn_q", rng.standard_normal((1000, 64)))
    from sklearn.datasets import make_friedman1
    x, y = make_friedman1(n_samples=20000, n_features=20, noise=1.0, random_state=7)
    save("friedman_x", x[:10000]); save("friedman_y", y[:10000]); save("friedman_tx", x[10000:]); save("friedman_ty", y[10000:])
    x, y = make_friedman1(n_samples=4000, n_features=10, noise=1.0, random_state=8)
    save("mlp_x", x[:2000]); save("mlp_y", y[:2000]); save("mlp_tx", x[2000:]); save("mlp_ty", y[2000:])


def load(d, name):
    return np.load(os.path.join(d, name + ".npy"))


def score(d, case, answer):
    """The quality of an answer to a case, the same function for both sides."""
    from sklearn import metrics
    from sklearn.manifold import trustworthiness
    if case == "kmeans-10000x50":
        return metrics.adjusted_rand_score(load(d, "kmeans_y"), np.asarray(answer))
    if case == "pca-5000x784":
        x = load(d, "pca_x")
        z = np.asarray(answer, dtype=float)
        return float(z.var(axis=0).sum() / x.var(axis=0).sum())
    if case == "tsne-2000x50":
        return float(trustworthiness(load(d, "tsne_x"), np.asarray(answer, dtype=float), n_neighbors=5))
    if case in ("randomforest-10000x20", "gradientboosting-10000x20"):
        return float(np.mean(np.asarray(answer) == load(d, "forest_ty")))
    if case == "gaussianprocess-500":
        return float(metrics.r2_score(load(d, "gp_ty"), np.asarray(answer, dtype=float)))
    if case == "boostedtrees-regression-10000x20":
        return float(metrics.r2_score(load(d, "friedman_ty"), np.asarray(answer, dtype=float)))
    if case == "neuralnetwork-regression-2000x10":
        return float(metrics.r2_score(load(d, "mlp_ty"), np.asarray(answer, dtype=float)))
    if case == "knn-10000x64":
        x, q = load(d, "knn_x"), load(d, "knn_q")
        d2 = (q * q).sum(1)[:, None] - 2 * q @ x.T + (x * x).sum(1)[None, :]
        truth = np.argsort(d2, axis=1)[:, :10]
        got = np.asarray(answer)
        return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)]))
    raise ValueError(case)


def median(f):
    f()
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(d):
    from threadpoolctl import threadpool_limits
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, RBF, WhiteKernel
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    out = {}

    def case(name, work, answer):
        result = {}
        t = median(lambda: result.__setitem__("r", work()))
        out[name] = {"time": t, "score": score(d, name, answer(result["r"]))}

    with threadpool_limits(THREADS):
        x = load(d, "kmeans_x")
        case("kmeans-10000x50",
             lambda: make_pipeline(StandardScaler(), KMeans(10, n_init=10, max_iter=300, tol=1e-4, random_state=0)).fit(x),
             lambda m: m[-1].labels_)
        x = load(d, "pca_x")
        case("pca-5000x784", lambda: PCA(50).fit_transform(x), lambda z: z)
        x = load(d, "tsne_x")
        case("tsne-2000x50", lambda: TSNE(2, perplexity=30, init="pca", random_state=0, n_jobs=THREADS).fit_transform(x),
             lambda z: z)
        x, y, tx = load(d, "forest_x"), load(d, "forest_y"), load(d, "forest_tx")
        case("randomforest-10000x20",
             lambda: RandomForestClassifier(50, max_features="sqrt", n_jobs=THREADS, random_state=0).fit(x, y).predict(tx),
             lambda p: p)
        case("gradientboosting-10000x20",
             lambda: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, max_bins=255,
                                                    early_stopping=False, random_state=0).fit(x, y).predict(tx),
             lambda p: p)
        x, y, tx = load(d, "gp_x"), load(d, "gp_y"), load(d, "gp_tx")

        def gp():
            s = StandardScaler().fit(x)
            kernel = ConstantKernel() * RBF() + WhiteKernel()
            return GaussianProcessRegressor(kernel, normalize_y=True, random_state=0).fit(s.transform(x), y).predict(s.transform(tx))
        case("gaussianprocess-500", gp, lambda p: p)
        x, q = load(d, "knn_x"), load(d, "knn_q")
        case("knn-10000x64", lambda: NearestNeighbors(n_neighbors=10, algorithm="brute").fit(x).kneighbors(q)[1],
             lambda i: i)
        from sklearn.ensemble import HistGradientBoostingRegressor
        from sklearn.neural_network import MLPRegressor
        from sklearn.compose import TransformedTargetRegressor
        x, y, tx = load(d, "friedman_x"), load(d, "friedman_y"), load(d, "friedman_tx")
        case("boostedtrees-regression-10000x20",
             lambda: HistGradientBoostingRegressor(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, max_bins=255,
                                                   early_stopping=False, random_state=0).fit(x, y).predict(tx),
             lambda p: p)
        x, y, tx = load(d, "mlp_x"), load(d, "mlp_y"), load(d, "mlp_tx")

        def mlp():
            net = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", solver="adam", learning_rate_init=0.01, batch_size=64,
                               max_iter=200, early_stopping=False, n_iter_no_change=200, tol=0, random_state=0)
            model = TransformedTargetRegressor(make_pipeline(StandardScaler(), net), transformer=StandardScaler())
            return model.fit(x, y).predict(tx)
        case("neuralnetwork-regression-2000x10", mlp, lambda p: p)
    print(json.dumps(out))


def main(argv):
    if len(argv) >= 2 and argv[0] == "data":
        make_data(argv[1])
    elif len(argv) >= 2 and argv[0] == "run":
        run(argv[1])
    elif len(argv) >= 4 and argv[0] == "score":
        with open(argv[3]) as f:
            print(json.dumps(score(argv[1], argv[2], json.load(f))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
