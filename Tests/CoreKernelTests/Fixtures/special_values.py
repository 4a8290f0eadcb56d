"""Reference values for the machine-number special and elementary functions added for issue 18
(PolyGamma, the reciprocal circular and hyperbolic functions and their inverses), computed
independently with mpmath at 30 digits. Used by Tests/CoreKernelTests/FunctionValueTests.swift,
which compares nets' values to a relative 1e-12.
Run: python3 special_values.py > special_values.json

Each case is [input, value as a 17-significant-digit decimal]."""
import json
from mpmath import mp, mpf, polygamma, sec, csc, cot, sech, csch, coth, asinh, acosh, atanh, acot, asec, acsc, acoth, asech, acsch

mp.dps = 30
cases = []
def add(text, value):
    cases.append([text, mp.nstr(value, 17, strip_zeros=False)])

for n, x in [(0, "2.5"), (0, "0.1"), (0, "37.25"), (1, "0.5"), (1, "0.3"), (2, "1.7"), (3, "4.2"), (5, "0.9"), (1, "123.0")]:
    add(f"PolyGamma[{n}, {x}]", polygamma(n, mpf(x)))
add("PolyGamma[3.5]", polygamma(0, mpf("3.5")))
for name, f, x in [("Sec", sec, "0.7"), ("Csc", csc, "1.1"), ("Cot", cot, "0.4"), ("Sech", sech, "1.3"),
                   ("Csch", csch, "0.6"), ("Coth", coth, "2.2"), ("ArcSinh", asinh, "1.5"), ("ArcCosh", acosh, "3.0"),
                   ("ArcTanh", atanh, "-0.3"), ("ArcCot", acot, "2.0"), ("ArcSec", asec, "1.5"), ("ArcCsc", acsc, "4.0"),
                   ("ArcCoth", acoth, "1.5"), ("ArcSech", asech, "0.25"), ("ArcCsch", acsch, "0.8")]:
    add(f"{name}[{x}]", f(mpf(x)))
print(json.dumps(cases, indent=1))
