"""Reference values for nets' number-theory builtins (Tests/CoreKernelTests/NumberTheoryTests.swift),
computed independently with SymPy. Run: python3 number_theory.py > number_theory.json"""
import json
from fractions import Fraction
import sympy
from sympy import ntheory

def wl(v):
    """A value in the Wolfram Language's OutputForm, as nets prints it."""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(wl(x) for x in v) + "}"
    if isinstance(v, Fraction):
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    return str(int(v))

cases = []
def case(inp, val):
    cases.append([inp, wl(val)])

for n in [0, 7, 255, 123456789, 2**70 + 3]:
    case(f"IntegerDigits[{n}]", [int(d) for d in str(n)])
    case(f"IntegerDigits[{n}, 7]", ntheory.digits(n, 7)[1:] if n else [0])
    case(f"IntegerLength[{n}, 3]", len(ntheory.digits(n, 3)) - 1 if n else 0)
for n in [1, 2, 97, 1000, 10**6, 3 * 10**6]:
    case(f"Prime[{n}]", sympy.prime(n))
for x in [1, 2, 100, 7919, 10**6, 12345678]:
    case(f"PrimePi[{x}]", sympy.primepi(x))
for n in [10, 97, 10**12, 2**61, 10**20]:
    case(f"NextPrime[{n}]", sympy.nextprime(n))
    case(f"NextPrime[{n}, -1]", sympy.prevprime(n))
for n in [60, 97, 1001, 2**32 + 1, 600851475143, 2**64 + 1, 10**18 + 9, 3**40 * 7**3]:
    case(f"FactorInteger[{n}]", sorted(sympy.factorint(n).items()))
    case(f"EulerPhi[{n}]", sympy.totient(n))
for n in [1, 12, 360, 997, 2**10 * 3**5]:
    case(f"Divisors[{n}]", sympy.divisors(n))
for n in [0, 1, 2, 50, 93, 300]:
    case(f"Fibonacci[{n}]", sympy.fibonacci(n))
for a, b, m in [(2, 100, 97), (3, 10**18, 10**9 + 7), (12345, -1, 1000003), (7, 0, 13)]:
    case(f"PowerMod[{a}, {b}, {m}]", pow(a, b, m))
for x, dx, dxs in [(3.14159, 0.01, "0.01"), (3.14159, 0.001, "0.001"), (2.71828, 0.0001, "0.0001"), (0.3333, 0.001, "0.001"), (1.41421356, 1e-6, "10^-6")]:
    # The fraction with the smallest denominator in [x - dx, x + dx], by brute force over denominators.
    q = 1
    while True:
        p = round(x * q)
        if abs(Fraction(p, q) - Fraction(x)) <= Fraction(dx):
            break
        q += 1
    case(f"Rationalize[{x}, {dxs}]", Fraction(p, q))

print(json.dumps(cases, indent=0))
