"""Reference values for the statistics, linear-algebra, distribution and fitting builtins.

Each case is a nets input and the value NumPy/SciPy compute for the same question, with a
tolerance; StatisticsTests.swift evaluates the input and compares. Run from this folder:

    python3 make_fixtures.py      # writes stats.json (NumPy 2.4, SciPy 1.17 made the committed one)
"""
import json

import numpy as np
from scipy import linalg, optimize, special, stats

rng = np.random.default_rng(20261130)
cases = []


def nets(x):
    """A nets literal for a number, vector or matrix (machine reals written as *^ exponents)."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return "{" + ", ".join(nets(v) for v in x) + "}"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    s = repr(float(x))
    if "e" in s:
        m, e = s.split("e")
        s = f"{m}*^{int(e)}"
    elif "." not in s:
        s += "."
    return s


def case(name, source, expected, tol=1e-9):
    value = np.asarray(expected, dtype=float)
    cases.append({"name": name, "input": source, "expected": nets(value.tolist()), "tolerance": tol})


# Linear algebra
m = rng.normal(size=(6, 6)).round(3)
b = rng.normal(size=6).round(3)
tall = rng.normal(size=(10, 3)).round(3)
y = rng.normal(size=10).round(3)
sym = (m + m.T) / 2
M, B, T, Y, S = nets(m), nets(b), nets(tall), nets(y), nets(sym)
case("Det", f"Det[{M}]", np.linalg.det(m))
case("Inverse", f"Inverse[{M}]", np.linalg.inv(m))
case("LinearSolve", f"LinearSolve[{M}, {B}]", np.linalg.solve(m, b))
case("LeastSquares", f"LeastSquares[{T}, {Y}]", np.linalg.lstsq(tall, y, rcond=None)[0])
case("PseudoInverse", f"PseudoInverse[{T}]", np.linalg.pinv(tall))
deficient = np.column_stack([tall, tall[:, 0] + tall[:, 1]])
case("MatrixRank", f"MatrixRank[{nets(deficient)}]", np.linalg.matrix_rank(deficient))
w, v = np.linalg.eigh(sym)
order = np.argsort(-np.abs(w), kind="stable")
case("Eigenvalues symmetric", f"Eigenvalues[{S}]", w[order])
case("Eigenvectors symmetric (up to sign)", f"Abs[Eigenvectors[{S}]]", np.abs(v[:, order].T))
p = rng.normal(size=(5, 5)).round(3)
d = np.array([5.0, -4.0, 3.0, 2.0, -1.0])
general = p @ np.diag(d) @ np.linalg.inv(p)
gw = np.linalg.eigvals(general).real
case("Eigenvalues general", f"Eigenvalues[{nets(general)}]", gw[np.argsort(-np.abs(gw), kind="stable")], 1e-8)
case("SingularValueList", f"SingularValueList[{T}]", np.linalg.svd(tall, compute_uv=False))
case("SVD reconstructs", f"With[{{s = SingularValueDecomposition[{T}]}}, (s[[1]] . s[[2]]) . Transpose[s[[3]]]]", tall)
case("Norm of a matrix", f"Norm[{M}]", np.linalg.norm(m, 2))
case("Dot", f"{M} . {M}", m @ m)

# Statistics (columns of a matrix)
data = rng.normal(loc=[1, -2, 5], scale=[1, 3, 0.5], size=(20, 3)).round(4)
D = nets(data)
case("Mean of columns", f"Mean[{D}]", data.mean(axis=0))
case("Variance of columns", f"Variance[{D}]", data.var(axis=0, ddof=1))
case("StandardDeviation of columns", f"StandardDeviation[{D}]", data.std(axis=0, ddof=1))
case("Covariance", f"Covariance[{D}]", np.cov(data, rowvar=False))
case("Correlation", f"Correlation[{D}]", np.corrcoef(data, rowvar=False))
case("Standardize", f"Standardize[{D}]", (data - data.mean(axis=0)) / data.std(axis=0, ddof=1))
case("Median of columns", f"Median[{D}]", np.median(data, axis=0))
col = data[:, 1]
for q in [0.1, 0.25, 0.5, 0.9]:
    case(f"Quantile {q}", f"Quantile[{nets(col)}, {q}]", np.quantile(col, q, method="inverted_cdf"))
case("Rescale", f"Rescale[{nets(col)}]", (col - col.min()) / (col.max() - col.min()))
case("Accumulate", f"Accumulate[{nets(col)}]", np.cumsum(col))

# Special functions
case("Erfc", "Erfc[{-1.5, 0.3, 2.5}]", special.erfc([-1.5, 0.3, 2.5]), 1e-14)
case("InverseErfc", "InverseErfc[{1.*^-10, 0.05, 0.7, 1.9}]", special.erfcinv([1e-10, 0.05, 0.7, 1.9]), 1e-12)
case("InverseErf", "InverseErf[{-0.9, 0.2, 0.999}]", special.erfinv([-0.9, 0.2, 0.999]), 1e-12)
case("LogGamma", "LogGamma[{0.5, 3.7, 150.}]", special.gammaln([0.5, 3.7, 150.0]), 1e-11)
case("Beta", "Beta[2.5, 3.5]", special.beta(2.5, 3.5), 1e-14)
case("GammaRegularized", "GammaRegularized[{0.5, 2., 10.}, 3.]", special.gammaincc([0.5, 2.0, 10.0], 3.0), 1e-13)
case("BetaRegularized", "BetaRegularized[{0.1, 0.5, 0.9}, 2.5, 4.]", special.betainc(2.5, 4.0, [0.1, 0.5, 0.9]), 1e-13)
case("InverseGammaRegularized", "InverseGammaRegularized[3.5, 0, {0.01, 0.5, 0.99}]", special.gammaincinv(3.5, [0.01, 0.5, 0.99]), 1e-10)
case("InverseBetaRegularized", "InverseBetaRegularized[{0.01, 0.5, 0.99}, 2.5, 4.]", special.betaincinv(2.5, 4.0, [0.01, 0.5, 0.99]), 1e-10)

# Distributions
families = [
    ("NormalDistribution[1., 2.]", stats.norm(1, 2), [-1.5, 0.0, 2.2]),
    ("UniformDistribution[{-1., 3.}]", stats.uniform(-1, 4), [-2.0, 0.5, 2.9]),
    ("ExponentialDistribution[2.]", stats.expon(scale=0.5), [0.1, 1.0, 3.0]),
    ("BetaDistribution[2., 3.]", stats.beta(2, 3), [0.1, 0.4, 0.8]),
    ("GammaDistribution[2.5, 3.]", stats.gamma(2.5, scale=3), [0.5, 4.0, 20.0]),
]
for name, dist, xs in families:
    case(f"PDF {name}", f"PDF[{name}, {nets(xs)}]", dist.pdf(xs), 1e-12)
    case(f"CDF {name}", f"CDF[{name}, {nets(xs)}]", dist.cdf(xs), 1e-12)
    case(f"Quantile {name}", f"Quantile[{name}, {{0.05, 0.5, 0.95}}]", dist.ppf([0.05, 0.5, 0.95]), 1e-9)
    case(f"Mean and Variance {name}", f"{{Mean[{name}], Variance[{name}]}}", [dist.mean(), dist.var()], 1e-12)
discrete = [
    ("BernoulliDistribution[0.3]", stats.bernoulli(0.3), [0, 1, 2]),
    ("BinomialDistribution[10, 0.3]", stats.binom(10, 0.3), [0, 3, 7]),
    ("PoissonDistribution[3.5]", stats.poisson(3.5), [0, 3, 9]),
]
for name, dist, ks in discrete:
    case(f"PDF {name}", f"PDF[{name}, {nets(ks)}]", dist.pmf(ks), 1e-12)
    case(f"CDF {name}", f"CDF[{name}, {nets(ks)}]", dist.cdf(ks), 1e-12)
    case(f"Quantile {name}", f"Quantile[{name}, {{0.05, 0.5, 0.95}}]", dist.ppf([0.05, 0.5, 0.95]), 0)
    case(f"Mean and Variance {name}", f"{{Mean[{name}], Variance[{name}]}}", [dist.mean(), dist.var()], 1e-12)
case("NProbability x > 1", "NProbability[x > 1, Distributed[x, NormalDistribution[0, 1]]]", stats.norm.sf(1), 1e-14)
case("Probability 2 < x <= 5 Poisson", "N[Probability[2 < x <= 5, Distributed[x, PoissonDistribution[3.5]]]]",
     stats.poisson(3.5).cdf(5) - stats.poisson(3.5).cdf(2), 1e-12)
mean, cov = np.array([1.0, -1.0]), np.array([[2.0, 0.6], [0.6, 1.0]])
case("PDF MultinormalDistribution", f"PDF[MultinormalDistribution[{nets(mean)}, {nets(cov)}], {{0.5, 0.2}}]",
     stats.multivariate_normal(mean, cov).pdf([0.5, 0.2]), 1e-12)
mix = "MixtureDistribution[{1, 3}, {NormalDistribution[0., 1.], NormalDistribution[4., 2.]}]"
case("PDF MixtureDistribution", f"PDF[{mix}, 1.5]", 0.25 * stats.norm(0, 1).pdf(1.5) + 0.75 * stats.norm(4, 2).pdf(1.5), 1e-12)
case("Variance MixtureDistribution", f"N[Variance[{mix}]]",
     0.25 * 1 + 0.75 * (4 + 16) - (0.75 * 4) ** 2, 1e-12)

sample = rng.normal(3, 1.5, size=200).round(4)
X = nets(sample)
case("LogLikelihood", f"LogLikelihood[NormalDistribution[3., 1.5], {X}]", stats.norm(3, 1.5).logpdf(sample).sum(), 1e-9)
mu, sigma = stats.norm.fit(sample)
case("EstimatedDistribution normal", f"List @@ EstimatedDistribution[{X}, NormalDistribution[m, s]]", [mu, sigma], 1e-10)
positive = rng.gamma(2.0, 3.0, size=300).round(4)
a, _, scale = stats.gamma.fit(positive, floc=0)
case("FindDistributionParameters gamma", f"{{a, b}} /. FindDistributionParameters[{nets(positive)}, GammaDistribution[a, b]]", [a, scale], 1e-4)
unit = rng.beta(2.0, 5.0, size=300).round(5)
ba, bb, _, _ = stats.beta.fit(unit, floc=0, fscale=1)
case("FindDistributionParameters beta", f"{{a, b}} /. FindDistributionParameters[{nets(unit)}, BetaDistribution[a, b]]", [ba, bb], 1e-4)
case("EstimatedDistribution exponential", f"First[EstimatedDistribution[{nets(positive)}, ExponentialDistribution[l]]]", 1 / positive.mean(), 1e-12)

# Fitting
xs = np.arange(1.0, 13.0)
ys = (2.0 + 0.5 * xs - 0.03 * xs**2 + rng.normal(0, 0.2, size=xs.size)).round(4)
pairs = nets(np.column_stack([xs, ys]))
design = np.column_stack([np.ones_like(xs), xs, xs**2])
coef, *_ = np.linalg.lstsq(design, ys, rcond=None)
resid = ys - design @ coef
dof = xs.size - 3
s2 = resid @ resid / dof
se = np.sqrt(np.diag(s2 * np.linalg.inv(design.T @ design)))
t = coef / se
pv = 2 * stats.t.sf(np.abs(t), dof)
r2 = 1 - resid @ resid / ((ys - ys.mean()) @ (ys - ys.mean()))
adj = 1 - (1 - r2) * (xs.size - 1) / dof
lm = f"LinearModelFit[{pairs}, {{x, x^2}}, x]"
case("Fit at a point", f"Fit[{pairs}, {{1, x, x^2}}, x] /. x -> 2.5", coef @ [1, 2.5, 6.25], 1e-9)
case("LinearModelFit parameter table", f"{lm}[\"ParameterTableEntries\"]", np.column_stack([coef, se, t, pv]), 1e-8)
case("LinearModelFit RSquared", f"{{{lm}[\"RSquared\"], {lm}[\"AdjustedRSquared\"]}}", [r2, adj], 1e-10)
case("LinearModelFit residuals", f"{lm}[\"FitResiduals\"]", resid, 1e-9)
case("LinearModelFit applied", f"{lm}[7.5]", coef @ [1, 7.5, 56.25], 1e-9)
ex = np.linspace(0, 2, 15)
ey = (1.5 * np.exp(0.8 * ex) + rng.normal(0, 0.05, size=ex.size)).round(5)
popt, pcov = optimize.curve_fit(lambda x, a, b: a * np.exp(b * x), ex, ey, p0=[1, 1])
epairs = nets(np.column_stack([ex, ey]))
nlm = f"NonlinearModelFit[{epairs}, a Exp[b x], {{a, b}}, x]"
case("NonlinearModelFit parameters", f"{{a, b}} /. {nlm}[\"BestFitParameters\"]", popt, 1e-6)
case("NonlinearModelFit errors", f"{nlm}[\"ParameterErrors\"]", np.sqrt(np.diag(pcov)), 1e-4)
case("FindFit", f"{{a, b}} /. FindFit[{epairs}, a Exp[b x], {{a, b}}, x]", popt, 1e-6)
rosen = optimize.minimize(optimize.rosen, [-1.2, 1.0], method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 10000})
case("FindMinimum Rosenbrock", "{x, y} /. Last[FindMinimum[(1 - x)^2 + 100 (y - x^2)^2, {{x, -1.2}, {y, 1}}]]", rosen.x, 1e-6)
case("FindRoot Cos[x] == x", "x /. FindRoot[Cos[x] == x, {x, 1}]", optimize.brentq(lambda x: np.cos(x) - x, 0, 1, xtol=1e-15), 1e-12)
case("FindRoot system", "{x, y} /. FindRoot[{x^2 + y^2 == 4, x y == 1}, {{x, 2}, {y, 0.5}}]",
     optimize.fsolve(lambda v: [v[0] ** 2 + v[1] ** 2 - 4, v[0] * v[1] - 1], [2, 0.5], xtol=1e-14), 1e-10)
g = optimize.minimize_scalar(lambda x: x**4 - 3 * x**2 + x, bounds=(-2, 0), method="bounded", options={"xatol": 1e-12})
case("NMinimize", "x /. Last[NMinimize[x^4 - 3 x^2 + x, x]]", g.x, 1e-6)

with open("stats.json", "w") as f:
    json.dump(cases, f, indent=1)
print(len(cases), "cases")
