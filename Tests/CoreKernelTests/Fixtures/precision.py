"""Reference digits for nets' arbitrary-precision reals (Tests/CoreKernelTests/PrecisionTests.swift),
computed independently with mpmath at 40 digits beyond those compared.
Run: python3 precision.py > precision.json

Each case is [input, OutputForm]: the value to n significant digits, trailing zeros kept, in
positional notation when its decimal exponent is in -5..max(n, 6)-1, else as d.ddd*^e (nets'
one-line form of Wolfram's d.ddd x 10^e)."""
import json
import mpmath
from mpmath import mp, mpf

def digits(x, n):
    mp.dps = n + 40
    x = abs(x)
    e = int(mpmath.floor(mpmath.log10(x)))
    q = int(mpmath.nint(x * mpf(10) ** (n - 1 - e)))
    if len(str(q)) > n:
        e += 1
        q = int(mpmath.nint(x * mpf(10) ** (n - 1 - e)))
    return str(q), e

def output_form(x, n):
    d, e = digits(x, n)
    sign = "-" if x < 0 else ""
    if e >= max(n, 6) or e < -5:
        return sign + d[0] + "." + d[1:] + "*^" + str(e)
    if e < 0:
        return sign + "0." + "0" * (-e - 1) + d
    if len(d) <= e + 1:
        return sign + d + "0" * (e + 1 - len(d)) + "."
    return sign + d[:e + 1] + "." + d[e + 1:]

def case(inp, n, f):
    mp.dps = n + 40
    cases.append([inp, output_form(f(), n)])

cases = []
case("N[Pi, 50]", 50, lambda: mpmath.pi)
case("N[Pi, 1000]", 1000, lambda: mpmath.pi)
case("N[E, 30]", 30, lambda: mpmath.e)
case("N[Sqrt[2], 40]", 40, lambda: mpmath.sqrt(2))
case("Sqrt[2.`30]", 30, lambda: mpmath.sqrt(2))
case("N[2^(1/3), 40]", 40, lambda: mpmath.cbrt(2))
case("N[Exp[1/3], 40]", 40, lambda: mpmath.exp(mpf(1) / 3))
case("N[Exp[-50], 30]", 30, lambda: mpmath.exp(-50))
case("N[Exp[100], 30]", 30, lambda: mpmath.exp(100))
case("N[Log[10], 40]", 40, lambda: mpmath.log(10))
case("N[Log[2], 60]", 60, lambda: mpmath.log(2))
case("N[Log[10^100], 30]", 30, lambda: mpmath.log(mpf(10) ** 100))
case("N[Log[1/7], 30]", 30, lambda: mpmath.log(mpf(1) / 7))
case("N[Sin[1], 40]", 40, lambda: mpmath.sin(1))
case("N[Cos[1], 40]", 40, lambda: mpmath.cos(1))
case("N[Sin[10^10], 20]", 20, lambda: mpmath.sin(mpf(10) ** 10))
case("N[Sin[100], 30]", 30, lambda: mpmath.sin(100))
case("N[Cos[-7/3], 30]", 30, lambda: mpmath.cos(mpf(-7) / 3))
case("N[Tan[1/2], 30]", 30, lambda: mpmath.tan(mpf(1) / 2))
case("N[ArcTan[1/3], 30]", 30, lambda: mpmath.atan(mpf(1) / 3))
case("N[ArcTan[5], 30]", 30, lambda: mpmath.atan(5))
case("N[ArcTan[-1/1000], 30]", 30, lambda: mpmath.atan(mpf(-1) / 1000))
case("N[Pi^E, 30]", 30, lambda: mpmath.pi ** mpmath.e)
case("N[GoldenRatio, 40]", 40, lambda: mpmath.phi)
case("N[Degree, 30]", 30, lambda: mpmath.pi / 180)
case("N[Sqrt[2] + Sqrt[3], 50]", 50, lambda: mpmath.sqrt(2) + mpmath.sqrt(3))
case("N[1/7, 25]", 25, lambda: mpf(1) / 7)
case("N[10^30 Pi, 20]", 20, lambda: mpf(10) ** 30 * mpmath.pi)
case("N[Pi/10^30, 20]", 20, lambda: mpmath.pi / mpf(10) ** 30)
case("N[Exp[Pi Sqrt[163]], 40]", 40, lambda: mpmath.exp(mpmath.pi * mpmath.sqrt(163)))
case("1.5`20 * 2", 20, lambda: mpf(3))
case("N[Sqrt[2], 20]^2", 20, lambda: mpf(2))
# Machine-precision numerics nets prints with 6 significant digits: Zeta and NSum.
def machine(inp, f):
    mp.dps = 30
    cases.append([inp, short(f())])

def short(x):
    """6 significant digits, trailing zeros dropped, as nets prints a machine real."""
    d = output_form(x, 6)
    if "*^" in d:
        m, e = d.split("*^")
        return m.rstrip("0") + "*^" + e
    return d.rstrip("0") if "." in d else d

machine("Zeta[3.]", lambda: mpmath.zeta(3))
machine("Zeta[2.5]", lambda: mpmath.zeta(2.5))
machine("NSum[1/n^2, {n, 1, Infinity}]", lambda: mpmath.zeta(2))
machine("NSum[1/n^3, {n, 1, Infinity}]", lambda: mpmath.zeta(3))
machine("NSum[(-1)^(n + 1)/n, {n, 1, Infinity}]", lambda: mpmath.log(2))
machine("NSum[1/(n^2 + 1), {n, 0, Infinity}]", lambda: mpmath.nsum(lambda n: 1 / (n**2 + 1), [0, mpmath.inf]))
machine("NSum[1/n!, {n, 0, Infinity}]", lambda: mpmath.e)
json.dump(cases, __import__("sys").stdout, indent=1)
print()
