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

# Least squares by each driver nets picks from: the normal equations (tall, well conditioned),
# dgelsd (columns nearly dependent: condition number ~1e7), and the minimum-norm solution of a
# rank-deficient matrix (third column the sum of the first two), as Wolfram's LeastSquares gives.
T = "t = Table[Sin[0.37 i j] + Cos[0.11 i + j], {i, 3000}, {j, 6}]; z = Table[Sin[0.013 i] + 0.1 Cos[0.7 i], {i, 3000}]"
t = table(lambda i, j: np.sin(0.37 * i * j) + np.cos(0.11 * i + j), 3000, 6)
z = np.sin(0.013 * np.arange(1, 3001)) + 0.1 * np.cos(0.7 * np.arange(1, 3001))
case("leastsquares-normal-equations-3000x6", f"{T}; LeastSquares[t, z]", np.linalg.lstsq(t, z, rcond=None)[0], 1e-10)
IC = "q = Table[If[j == 3, Sin[0.01 i] + 10.^-7 Cos[0.3 i], Sin[0.01 i j] + 0.], {i, 2000}, {j, 3}]; z = Table[Cos[0.002 i], {i, 2000}]"
q = table(lambda i, j: np.where(j == 3, np.sin(0.01 * i) + 1e-7 * np.cos(0.3 * i), np.sin(0.01 * i * j)), 2000, 3)
zq = np.cos(0.002 * np.arange(1, 2001))
case("leastsquares-ill-conditioned-2000x3", f"{IC}; LeastSquares[q, z]", np.linalg.lstsq(q, zq, rcond=None)[0], 1e-6)
RD = "d = Table[If[j == 3, Sin[0.1 i] + Cos[0.2 i], If[j == 1, Sin[0.1 i], Cos[0.2 i]]], {i, 500}, {j, 3}]; z = Table[1. + i/500., {i, 500}]"
d = table(lambda i, j: np.where(j == 3, np.sin(0.1 * i) + np.cos(0.2 * i), np.where(j == 1, np.sin(0.1 * i), np.cos(0.2 * i))), 500, 3)
zd = 1 + np.arange(1, 501) / 500
case("leastsquares-rank-deficient-min-norm-500x3", f"{RD}; LeastSquares[d, z]", np.linalg.lstsq(d, zd, rcond=None)[0], 1e-9)
case("leastsquares-matrix-rhs-3000x6", f"{T}; LeastSquares[t, Transpose[{{z, 2 z + 1}}]]",
     np.linalg.lstsq(t, np.stack([z, 2 * z + 1], axis=1), rcond=None)[0], 1e-10)

# The exact pseudo-inverse (rank factorisation) of exact matrices, wide, tall, rank-deficient and zero.
for k, a in enumerate([[[1, 2], [2, 4]], [[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4], [5, 6]], [[0, 0], [0, 0]], [[1, 1, 1], [1, 1, 1], [2, 0, 1]]]):
    src = "{" + ", ".join("{" + ", ".join(map(str, r)) + "}" for r in a) + "}"
    case(f"pseudoinverse-exact-{k}", f"p = PseudoInverse[{src}]; If[FreeQ[p, _Real], N[p], $Failed]", np.linalg.pinv(np.array(a, dtype=float)), 1e-12)

# Chains of packed results (Dot, Transpose, arithmetic, Outer, Total and Part read and give packed
# contents): each step's answer feeds the next without its elements being made.
C = ("c = Table[Sin[0.7 i - 0.3 j] + 0., {i, 60}, {j, 60}]; e = Table[Cos[0.2 i j] + 0., {i, 60}, {j, 60}]; "
     "u = Table[1./i, {i, 60}]")
c = table(lambda i, j: np.sin(0.7 * i - 0.3 * j), 60, 60)
e = table(lambda i, j: np.cos(0.2 * i * j), 60, 60)
u = 1 / np.arange(1, 61)
chain = c.T @ (2 * c - e) + np.outer(u, u) - 0.5
case("packed-chain-60", f"{C}; m = Transpose[c] . (2 c - e) + Outer[Times, u, u] - 0.5; Flatten[{{m[[;; ;; 7, ;; ;; 9]], m[[3, 5]], Total[m], Total[m[[7]]]}}]",
     np.concatenate([chain[::7, ::9].ravel(), [chain[2, 4]], chain.sum(axis=0), [chain[6].sum()]]), 1e-10)
case("packed-chain-vector-60", f"{C}; Flatten[{{(c . u) + 1, Transpose[e] . (u c[[2]]), Total[c . e, 2]}}]",
     np.concatenate([c @ u + 1, e.T @ (u * c[1]), [(c @ e).sum()]]), 1e-10)

with open("linalg.json", "w") as f:
    json.dump(cases, f, indent=1)
print(f"wrote {len(cases)} cases")
