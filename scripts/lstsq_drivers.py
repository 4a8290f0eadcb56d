"""Which LAPACK driver wins for least squares of a tall full-rank 100,000 x 20 matrix (one thread):
dgelsd (what NumPy and Wolfram-style minimum-norm answers use), dgels (QR), or the normal equations
with a Cholesky factor and one refinement step (what nets takes when the matrix is well conditioned;
Sources/Tensor/LinearAlgebra.swift). Run: python3 scripts/lstsq_drivers.py"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import time, statistics
import numpy as np
from scipy.linalg import lapack, blas
rng = np.random.default_rng(1)
x = rng.uniform(-1, 1, (100000, 20)); y = rng.uniform(-1, 1, 100000)
xf = np.asfortranarray(x)
def t(f, n=7):
    f(); ts = []
    for _ in range(n):
        s = time.perf_counter(); f(); ts.append(time.perf_counter() - s)
    return statistics.median(ts)
def gelsd(): return lapack.dgelsd(xf, y, lwork=lapack.dgelsd_lwork(*xf.shape, 1)[0], size_iwork=lapack.dgelsd_lwork(*xf.shape,1)[1])[1]
def gels(): return lapack.dgels(xf, y)[1]
def gelsy(): return lapack.dgelsy(xf, y, np.zeros(20, dtype=np.int32), 1e-15)[1]
def normal():
    g = blas.dsyrk(1.0, x.T)   # x row-major is x.T Fortran: no copy
    c, info = lapack.dpotrf(g)
    b = x.T @ y
    z, info = lapack.dpotrs(c, b)
    r = y - x @ z
    dz, info = lapack.dpotrs(c, x.T @ r)
    return z + dz
ref = np.linalg.lstsq(x, y, rcond=None)[0]
for name, f in [("numpy lstsq (dgelsd, copies to Fortran order)", lambda: np.linalg.lstsq(x, y, rcond=None)), ("dgelsd", gelsd), ("dgels (QR)", gels), ("normal equations + Cholesky + 1 refinement", normal)]:
    print(f"{name}: {t(f)*1e3:.1f} ms")
print("normal equations vs lstsq: max abs difference", np.abs(normal() - ref).max())
