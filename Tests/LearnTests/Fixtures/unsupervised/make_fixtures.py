#!/usr/bin/env python3
"""Reference values for clustering, dimension reduction and nearest neighbours from
scikit-learn (pip install scikit-learn==1.9.1, numpy, scipy). Run from this folder:
python3 make_fixtures.py  (writes unsupervised.json).

- kmeans: KMeans(init=<the first three examples>, n_init=1) on iris: labels, centers, inertia.
- dbscan: DBSCAN(eps=0.3, min_samples=5) on standardized make_moons(200, noise=0.05, seed 0).
- pca: PCA(3) on iris: components (sign: largest |entry| positive), explained variance,
  transformed first five rows, and the reconstruction of the first row from 2 components.
- lsa: TruncatedSVD(2, algorithm="arpack") singular values on a small count matrix.
- isomap: Isomap(n_neighbors=8, n_components=2) on make_s_curve(150, seed 0): the embedding and
  the transform of three new points (each column's sign as in nets: the eigenvector's largest
  |entry| positive, which scikit-learn's KernelPCA also uses).
- nearest: NearestNeighbors on 200 random 5-vectors (seed 1): the 4 nearest indices of three
  queries, and the indices within radius 0.6 of the first query.
- agglomerative: AgglomerativeClustering(3, linkage=...) on iris for single/complete/average/ward.
- silhouette, ari, calinski_harabasz, davies_bouldin: those scores of the k-means labels (the
  adjusted Rand index against the classes).
- iris_y: the true classes, against which k-medoids and the Gaussian mixture are judged (adjusted Rand index).
- kde / normal: SciPy's gaussian_kde (1-D) and multivariate_normal densities (see the end).
"""
import json

import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.datasets import load_iris, make_moons, make_s_curve
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.manifold import Isomap
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

out = {}
X, y = load_iris(return_X_y=True)
out["iris_x"] = X.tolist()
out["iris_y"] = y.tolist()

km = KMeans(n_clusters=3, init=X[:3], n_init=1, tol=1e-4).fit(X)
out["kmeans_labels"] = km.labels_.tolist()
out["kmeans_centers"] = km.cluster_centers_.tolist()
out["kmeans_inertia"] = float(km.inertia_)
out["kmeans_silhouette"] = float(silhouette_score(X, km.labels_))
out["kmeans_ari"] = float(adjusted_rand_score(km.labels_, y))
out["kmeans_calinski_harabasz"] = float(calinski_harabasz_score(X, km.labels_))
out["kmeans_davies_bouldin"] = float(davies_bouldin_score(X, km.labels_))

M, _ = make_moons(200, noise=0.05, random_state=0)
M = StandardScaler().fit_transform(M)
out["moons_x"] = M.tolist()
out["dbscan_labels"] = DBSCAN(eps=0.3, min_samples=5).fit(M).labels_.tolist()

def flip(rows):
    rows = np.array(rows)
    for r in rows:
        if r[np.argmax(np.abs(r))] < 0:
            r *= -1
    return rows

pca = PCA(3).fit(X)
components = flip(pca.components_)
out["pca_components"] = components.tolist()
out["pca_variance"] = pca.explained_variance_.tolist()
out["pca_transformed"] = ((X[:5] - pca.mean_) @ components.T).tolist()
pca2 = PCA(2).fit(X)
out["pca_reconstructed"] = pca2.inverse_transform(pca2.transform(X[:1]))[0].tolist()

C = np.array([[2, 0, 1, 0, 3], [0, 1, 0, 4, 0], [1, 1, 2, 0, 2], [0, 3, 0, 2, 1], [1, 0, 0, 1, 4], [2, 2, 1, 0, 0]], float)
out["lsa_x"] = C.tolist()
out["lsa_singular"] = TruncatedSVD(2, algorithm="arpack").fit(C).singular_values_.tolist()

S, _ = make_s_curve(150, random_state=0)
iso = Isomap(n_neighbors=8, n_components=2).fit(S)
emb = iso.embedding_
vectors = iso.kernel_pca_.eigenvectors_
signs = np.array([1.0 if v[np.argmax(np.abs(v))] > 0 else -1.0 for v in vectors.T])
out["isomap_x"] = S.tolist()
out["isomap_embedding"] = (emb * signs).tolist()
new = S[:3] + 0.01
out["isomap_new"] = new.tolist()
out["isomap_new_embedding"] = (iso.transform(new) * signs).tolist()

rng = np.random.default_rng(1)
P = rng.random((200, 5))
Q = rng.random((3, 5))
nn = NearestNeighbors().fit(P)
out["nearest_x"] = P.tolist()
out["nearest_queries"] = Q.tolist()
out["nearest_4"] = nn.kneighbors(Q, 4, return_distance=False).tolist()
ind = nn.radius_neighbors(Q[:1], 0.6, return_distance=True, sort_results=True)[1][0]
out["nearest_radius"] = ind.tolist()

for linkage in ["single", "complete", "average", "ward"]:
    out["agglomerate_" + linkage] = AgglomerativeClustering(3, linkage=linkage).fit(X).labels_.tolist()


# Densities (SciPy): a Gaussian kernel estimate in one dimension (Scott's rule) and a multinormal
# with the maximum-likelihood covariance plus 1e-6 on the diagonal, each at a few points.
from scipy.stats import gaussian_kde, multivariate_normal

rng = np.random.default_rng(2)
K = np.concatenate([rng.normal(0, 1, 60), rng.normal(5, 0.5, 40)])
out["kde_x"] = K.tolist()
out["kde_at"] = [-1.0, 0.0, 2.5, 5.0, 6.0]
out["kde_pdf"] = gaussian_kde(K)(out["kde_at"]).tolist()
V = rng.normal(size=(50, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0.3], [0, 0, 0.5]])
out["normal_x"] = V.tolist()
out["normal_at"] = V[:3].tolist()
cov = np.cov(V.T, bias=True) + 1e-6 * np.eye(3)
out["normal_pdf"] = multivariate_normal(V.mean(axis=0), cov).pdf(V[:3]).tolist()

with open("unsupervised.json", "w") as f:
    json.dump(out, f)
