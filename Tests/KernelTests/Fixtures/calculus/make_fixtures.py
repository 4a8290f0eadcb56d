"""Reference values for Integrate, NIntegrate, Limit and Series, computed by SymPy.

Each case is an integrand (written once in Wolfram syntax and once in SymPy syntax), a range and
the definite integral SymPy gives, as a float; or a limit; or a series coefficient.
CalculusTests.swift evaluates N[Integrate[...]], NIntegrate[...], Limit and SeriesCoefficient in
nets and compares. Run from this folder:

    python3 make_fixtures.py      # writes calculus.json (SymPy 1.14 made the committed one)
"""
import json

import sympy as sp

x = sp.Symbol("x", real=True)

# (Wolfram integrand, SymPy integrand, a, b)
integrals = [
    ("x^2", x**2, "0", "3"),
    ("3 x^5 - 2 x + 7", 3 * x**5 - 2 * x + 7, "-1", "2"),
    ("Sin[x]", sp.sin(x), "0", "Pi"),
    ("Cos[3 x]", sp.cos(3 * x), "0", "1"),
    ("Exp[2 x + 1]", sp.exp(2 * x + 1), "0", "1"),
    ("Exp[-x]", sp.exp(-x), "0", "Infinity"),
    ("1/x", 1 / x, "1", "E"),
    ("1/(2 x + 3)", 1 / (2 * x + 3), "0", "4"),
    ("1/x^2", 1 / x**2, "1", "Infinity"),
    ("1/(1 + x^2)", 1 / (1 + x**2), "-Infinity", "Infinity"),
    ("1/(x^2 + 2 x + 5)", 1 / (x**2 + 2 * x + 5), "0", "3"),
    ("x/(x^2 + 1)", x / (x**2 + 1), "0", "2"),
    ("(3 x + 1)/(x^2 + 4)", (3 * x + 1) / (x**2 + 4), "0", "1"),
    ("1/((x + 1) (x + 2))", 1 / ((x + 1) * (x + 2)), "0", "Infinity"),
    ("1/(x^2 - 4)", 1 / (x**2 - 4), "3", "5"),
    ("(x^3 + 1)/(x + 1)^2", (x**3 + 1) / (x + 1)**2, "0", "2"),
    ("Sqrt[x]", sp.sqrt(x), "0", "4"),
    ("1/Sqrt[x]", 1 / sp.sqrt(x), "0", "1"),
    ("1/Sqrt[1 - x^2]", 1 / sp.sqrt(1 - x**2), "0", "1/2"),
    ("1/Sqrt[4 + x^2]", 1 / sp.sqrt(4 + x**2), "0", "1"),
    ("Log[x]", sp.log(x), "0", "1"),
    ("x Log[x]", x * sp.log(x), "1", "2"),
    ("Log[x]/x", sp.log(x) / x, "1", "E"),
    ("x Exp[x]", x * sp.exp(x), "0", "1"),
    ("x^3 Exp[-2 x]", x**3 * sp.exp(-2 * x), "0", "Infinity"),
    ("x Sin[x]", x * sp.sin(x), "0", "Pi"),
    ("x^2 Cos[x]", x**2 * sp.cos(x), "0", "Pi/2"),
    ("Exp[x] Sin[x]", sp.exp(x) * sp.sin(x), "0", "Pi"),
    ("Exp[-x] Cos[2 x]", sp.exp(-x) * sp.cos(2 * x), "0", "Infinity"),
    ("Sin[x]^2", sp.sin(x)**2, "0", "Pi"),
    ("Cos[x]^2", sp.cos(x)**2, "0", "1"),
    ("Tan[x]", sp.tan(x), "0", "1"),
    ("Sec[x]^2", sp.sec(x)**2, "0", "Pi/4"),
    ("Sinh[x]", sp.sinh(x), "0", "1"),
    ("Cosh[2 x]", sp.cosh(2 * x), "-1", "1"),
    ("2^x", 2**x, "0", "3"),
    ("Exp[-x^2]", sp.exp(-x**2), "-Infinity", "Infinity"),
    ("Exp[-x^2/2]", sp.exp(-x**2 / 2), "0", "Infinity"),
    ("x Exp[-x^2]", x * sp.exp(-x**2), "0", "1"),
    ("Sin[x] Cos[x]", sp.sin(x) * sp.cos(x), "0", "1"),
    ("ArcTan[x]", sp.atan(x), "0", "1"),
    ("(1 + x)^5", (1 + x)**5, "0", "1"),
    ("x (x + 1)^3", x * (x + 1)**3, "-1", "1"),
    ("Cos[x] Exp[Sin[x]]", sp.cos(x) * sp.exp(sp.sin(x)), "0", "Pi/2"),
    ("2 x Cos[x^2]", 2 * x * sp.cos(x**2), "0", "1"),
]


cases = []
for w, f, a, b in integrals:
    lo = sp.sympify(a.replace("Infinity", "oo").replace("Pi", "pi"))
    hi = sp.sympify(b.replace("Infinity", "oo").replace("Pi", "pi"))
    v = sp.integrate(f, (x, lo, hi))
    cases.append({"kind": "integral", "input": w, "a": a, "b": b, "expected": float(sp.N(v, 20))})

# (Wolfram input, SymPy limit expression, point, direction)
limits = [
    ("Sin[x]/x", sp.sin(x) / x, "0", sp.S(0)),
    ("(1 - Cos[x])/x^2", (1 - sp.cos(x)) / x**2, "0", sp.S(0)),
    ("(Exp[x] - 1 - x)/x^2", (sp.exp(x) - 1 - x) / x**2, "0", sp.S(0)),
    ("(1 + 1/x)^x", (1 + 1 / x)**x, "Infinity", sp.oo),
    ("(2 x^2 + 3)/(5 x^2 - x)", (2 * x**2 + 3) / (5 * x**2 - x), "Infinity", sp.oo),
    ("x Log[x]", x * sp.log(x), "0", sp.S(0)),
    ("x^2 Exp[-x]", x**2 * sp.exp(-x), "Infinity", sp.oo),
    ("Log[x]/x", sp.log(x) / x, "Infinity", sp.oo),
    ("Tan[x]/x", sp.tan(x) / x, "0", sp.S(0)),
    ("(Sqrt[1 + x] - 1)/x", (sp.sqrt(1 + x) - 1) / x, "0", sp.S(0)),
    ("(x^3 - 8)/(x - 2)", (x**3 - 8) / (x - 2), "2", sp.S(2)),
    ("Sin[3 x]/Sin[2 x]", sp.sin(3 * x) / sp.sin(2 * x), "0", sp.S(0)),
    ("(1 + 2/x)^(3 x)", (1 + 2 / x)**(3 * x), "Infinity", sp.oo),
    ("x^x", x**x, "0", sp.S(0)),
    ("ArcTan[x]", sp.atan(x), "Infinity", sp.oo),
    ("(E^x - E^(-x))/(E^x + E^(-x))", (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)), "Infinity", sp.oo),
    ("Sin[x]/x", sp.sin(x) / x, "Infinity", sp.oo),
    ("x Sin[1/x]", x * sp.sin(1 / x), "0", sp.S(0)),
    ("(Cos[x] - 1)/(x Sin[x])", (sp.cos(x) - 1) / (x * sp.sin(x)), "0", sp.S(0)),
    ("Sqrt[x^2 + x] - x", sp.sqrt(x**2 + x) - x, "Infinity", sp.oo),
]
for w, f, a, p in limits:
    v = sp.limit(f, x, p, "+-") if p.is_finite and w not in ("x Log[x]", "x^x") else sp.limit(f, x, p)
    cases.append({"kind": "limit", "input": w, "a": a, "b": "", "expected": float(sp.N(v, 20))})

# (Wolfram input, SymPy expression, point, order) -> all coefficients up to the order
series = [
    ("Exp[x]", sp.exp(x), 0, 6),
    ("Sin[x]", sp.sin(x), 0, 7),
    ("Cos[x]", sp.cos(x), 0, 6),
    ("Tan[x]", sp.tan(x), 0, 7),
    ("Log[1 + x]", sp.log(1 + x), 0, 6),
    ("1/(1 - x)", 1 / (1 - x), 0, 5),
    ("Sqrt[1 + x]", sp.sqrt(1 + x), 0, 5),
    ("Exp[Sin[x]]", sp.exp(sp.sin(x)), 0, 5),
    ("ArcTan[x]", sp.atan(x), 0, 7),
    ("Sin[x]/x", sp.sin(x) / x, 0, 6),
    ("x/(Exp[x] - 1)", x / (sp.exp(x) - 1), 0, 6),
    ("1/Cos[x]", 1 / sp.cos(x), 0, 6),
    ("Log[x]", sp.log(x), 1, 5),
    ("Exp[x]", sp.exp(x), 2, 4),
    ("Sqrt[x]", sp.sqrt(x), 4, 4),
    ("1/x", 1 / x, 3, 4),
    ("(1 + x)^(1/3)", (1 + x)**sp.Rational(1, 3), 0, 4),
    ("Cosh[2 x]", sp.cosh(2 * x), 0, 6),
]
for w, f, x0, n in series:
    s = sp.series(f, x, x0, n + 1).removeO()
    s = sp.expand(s.subs(x, x + x0)) if x0 != 0 else sp.expand(s)
    coeffs = [float(sp.N(s.coeff(x, k) if k > 0 else s.subs(x, 0), 20)) for k in range(0, n + 1)]
    for k, c in enumerate(coeffs):
        cases.append({"kind": "series", "input": w, "a": str(x0), "b": str(k), "expected": c})

with open("calculus.json", "w") as out:
    json.dump(cases, out, indent=1)
print(len(cases), "cases")
