"""Reference values for the machine-number fast paths of the linear-algebra builtins (matrices
large enough to be read in one pass, multiplied by dgemm, transposed by OpenBLAS): each case is a
nets input built from a formula and what NumPy gives for the same formula. Run from this folder:

    python3 make_fixtures.py      # writes linalg.json (NumPy 2.4.6 made the committed one)
"""
import json

import numpy as np


def table(f, rows, cols):
    """Table[f[i, j], {i, rows}, {j, cols}] with 1-based i and j."""
    i = np.arange(1, rows + 1)[:, None]
    j = np.arange(1, cols + 1)[None, :]
    return f(i, j).astype(float)


cases = []


def case(name, source, expected, tol=1e-9):
    cases.append({"name": name, "input": source, "expected": np.asarray(expected, dtype=float).ravel().tolist(), "tolerance": tol})


# A 40 x 40 symmetric matrix: its five largest eigenvalues in absolute value, as Eigenvalues orders them.
S = "s = Table[Sin[i + j + 0.] + Cos[i j + 0.], {i, 40}, {j, 40}]"
s = table(lambda i, j: np.sin(i + j) + np.cos(i * j), 40, 40)
w = np.linalg.eigvalsh(s)
case("eigenvalues-40", f"{S}; Eigenvalues[s, 5]", w[np.argsort(-np.abs(w), kind="stable")][:5])

# Least squares of 5000 x 4 (entries integers and reals mixed in the first column).
X = "x = Table[If[j == 1, i, Sin[0.1 i j] + j], {i, 5000}, {j, 4}]; y = Table[Cos[0.01 i], {i, 5000}]"
x = table(lambda i, j: np.where(j == 1, i, np.sin(0.1 * i * j) + j), 5000, 4)
y = np.cos(0.01 * np.arange(1, 5001))
case("leastsquares-5000x4", f"{X}; LeastSquares[x, y]", np.linalg.lstsq(x, y, rcond=None)[0], 1e-8)

# Dot through dgemm: 70 x 70 integers (exact) times reals, matrix . vector, vector . matrix.
A = "a = Table[Mod[i j, 7] - 3, {i, 70}, {j, 70}]; b = Table[Cos[0.3 i - 0.2 j], {i, 70}, {j, 70}]; v = Table[0.5 i, {i, 70}]"
a = table(lambda i, j: (i * j) % 7 - 3, 70, 70)
b = table(lambda i, j: np.cos(0.3 * i - 0.2 * j), 70, 70)
v = 0.5 * np.arange(1, 71)
case("dot-70", f"{A}; Flatten[(a . b)[[;; ;; 7, ;; ;; 7]]]", (a @ b)[::7, ::7])
case("dot-matrix-vector-70", f"{A}; b . v", b @ v)
case("dot-vector-matrix-70", f"{A}; v . b", v @ b)

# The singular values of a 30 x 50 matrix (its transpose goes to LAPACK).
R = "r = Table[Sin[i + 0.] Cos[j + 0.] + 1/(i + j - 1.), {i, 30}, {j, 50}]"
r = table(lambda i, j: np.sin(i) * np.cos(j) + 1 / (i + j - 1.0), 30, 50)
case("svd-30x50", f"{R}; w = SingularValueDecomposition[r][[2]]; Table[w[[i, i]], {{i, 30}}]", np.linalg.svd(r, compute_uv=False))
case("svd-30x50-reconstruct", f"{R}; {{u, w, vv}} = SingularValueDecomposition[r]; Max[Abs[Flatten[u . w . Transpose[vv] - r]]]", 0.0, 1e-12)

with open("linalg.json", "w") as f:
    json.dump(cases, f, indent=1)
print(f"wrote {len(cases)} cases")
