"""Reference values for nets' polynomial algebra and dates (Tests/CoreKernelTests/AlgebraTests.swift),
computed independently: roots and coefficients with SymPy, calendars with Python's datetime.
Run: python3 algebra.py > algebra.json"""
import json
from datetime import datetime, timedelta
from fractions import Fraction
import sympy

x = sympy.Symbol("x")


def wl(v):
    """A value in the Wolfram Language's OutputForm, as nets prints it."""
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(wl(e) for e in v) + "}"
    if isinstance(v, str):
        return v
    f = Fraction(int(sympy.numer(v)), int(sympy.denom(v)))
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def nets(p):
    """A SymPy polynomial in x written in the Wolfram Language."""
    return str(p).replace("**", "^")


cases = []
# Products of linear factors with rational roots, some repeated: the roots, with multiplicity,
# in increasing order, and the coefficients of the expanded polynomial.
for factors in [[1, 2, 3], [-1, 1], [Fraction(1, 2), Fraction(1, 3)], [0, 0, 5], [-4, Fraction(3, 2), 7, 7],
                [Fraction(-2, 3), 1, 2, 5]]:
    p = sympy.expand(sympy.Mul(*[(x - sympy.Rational(r.numerator, r.denominator) if isinstance(r, Fraction) else x - r)
                                 for r in factors]) * 6)
    roots = sorted(sympy.roots(sympy.Poly(p, x), multiple=True))
    cases.append([f"x /. Solve[{nets(p)} == 0, x]", wl(roots)])
    cases.append([f"CoefficientList[{nets(sympy.factor(p))}, x]", wl(list(reversed(sympy.Poly(p, x).all_coeffs())))])
    cases.append([f"Expand[Factor[{nets(p)}]] - ({nets(p)})", "0"])
# Quadratics with rational roots.
for a, b, c in [(1, -5, 6), (2, -3, 1), (4, 4, 1), (-1, 0, 9)]:
    p = a * x**2 + b * x + c
    cases.append([f"x /. Solve[{nets(p)} == 0, x]", wl(sorted(sympy.roots(sympy.Poly(p, x), multiple=True)))])
# Dates: the default DateString form, ISO dates, absolute times, normalized date lists.
start = datetime(1900, 1, 1)
for y, m, d, h, mi, s in [(2026, 11, 30, 23, 10, 8), (2000, 2, 29, 0, 0, 0), (1969, 7, 20, 20, 17, 40),
                          (2024, 1, 1, 12, 0, 59), (1900, 1, 1, 0, 0, 0), (2038, 1, 19, 3, 14, 7)]:
    t = datetime(y, m, d, h, mi, s)
    spec = f"{{{y}, {m}, {d}, {h}, {mi}, {s}}}"
    cases.append([f"DateString[{spec}]", f"{t:%a} {t.day} {t:%b %Y %H:%M:%S}"])
    cases.append([f"DateString[{spec}, \"ISODateTime\"]", t.isoformat()])
    cases.append([f"DateString[{spec}, \"DayName\"]", f"{t:%A}"])
    cases.append([f"AbsoluteTime[{spec}]", str(int((t - start).total_seconds()))])
    later = t + timedelta(days=400)
    cases.append([f"DateList[{{{y}, {m}, {d} + 400}}]", f"{{{later.year}, {later.month}, {later.day}, 0, 0, 0.}}"])
print(json.dumps(cases, indent=0, ensure_ascii=False))
