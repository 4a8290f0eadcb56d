import BigInt
import Foundation
import Language

// Integer and number-theory functions: digits in a base, primes, factoring, divisors, modular
// arithmetic and rational approximation. Every size that comes from the user (a digit count, the
// n of `Prime[n]`, the bound of a sieve) is checked before anything is allocated, and the loops
// that can run long answer Ctrl-C.

/// The base of `IntegerDigits[n, b]` and its relatives: an integer of at least 2.
private func base(_ c: Call, at i: Int) -> BigInt? {
    guard i < c.count else { return 10 }
    guard let b = c[i].bigIntValue, b >= 2 else {
        c.message("ibase", c[i])
        return nil
    }
    return b
}

/// The digits of |n| in base b, most significant first (`[0]` for zero).
private func digits(_ n: BigInt, _ b: BigInt) -> [BigInt] {
    var m = n.magnitude
    let mb = b.magnitude
    if m.isZero { return [0] }
    var out: [BigInt] = []
    while !m.isZero {
        let (q, r) = m.quotientAndRemainder(dividingBy: mb)
        out.append(BigInt(r))
        m = q
    }
    return out.reversed()
}

/// Σ dᵢ bⁱ for digits most significant first; digits may be any expressions (symbolic digits
/// give a symbolic sum, as `FromDigits[{a, b}]` does in Wolfram).
private func fromDigits(_ ds: [Expr], _ b: Expr, _ c: Call) throws -> Expr {
    if let bb = b.bigIntValue, ds.allSatisfy({ $0.bigIntValue != nil }) {
        var r = BigInt(0)
        for d in ds {
            try c.evaluator.checkInterrupt()
            r = r * bb + (d.bigIntValue ?? 0)
        }
        return .integer(r)
    }
    var sum: Expr = .integer(0)
    for d in ds { sum = Expr(Sym.Plus, Expr(Sym.Times, b, sum), d) }
    return try c.evaluate(sum)
}

/// The value of a digit character: 0-9, then a-z (or A-Z) for 10-35.
private func digitValue(_ ch: Character) -> Int? {
    if let v = ch.wholeNumberValue, ch.isASCII { return v }
    guard let a = ch.asciiValue else { return nil }
    switch a {
    case 97...122: return Int(a) - 87
    case 65...90: return Int(a) - 55
    default: return nil
    }
}

/// Primes below `limit` by a sieve of odd numbers, one bit each; nil when interrupted.
private func primes(below limit: Int, _ c: Call) throws -> [Int] {
    guard limit > 2 else { return [] }
    let odd = limit / 2                       // bit i stands for 2i + 1
    var composite = [UInt64](repeating: 0, count: odd / 64 + 1)
    var i = 1
    while (2 * i + 1) * (2 * i + 1) < limit {
        if composite[i >> 6] & (1 << UInt64(i & 63)) == 0 {
            let p = 2 * i + 1
            var j = (p * p) / 2
            while j < odd {
                composite[j >> 6] |= 1 << UInt64(j & 63)
                j += p
            }
            if i & 1023 == 0 { try c.evaluator.checkInterrupt() }
        }
        i += 1
    }
    var out = [2]
    for k in 1..<odd where composite[k >> 6] & (1 << UInt64(k & 63)) == 0 { out.append(2 * k + 1) }
    return out
}

/// The largest sieve `Prime` and `PrimePi` run: about 64 MB of bits.
private let sieveLimit = 1 << 30

/// A bound above the n-th prime (Rosser's theorem, n ≥ 6).
private func nthPrimeBound(_ n: Int) -> Int {
    if n < 6 { return 15 }
    let x = Double(n)
    return Int(x * (log(x) + log(log(x)))) + 3
}

/// A nontrivial factor of an odd composite n, by Pollard's rho with Brent's cycle finding.
private func pollardRho(_ n: BigUInt, _ c: Call) throws -> BigUInt {
    var seed: BigUInt = 1
    while true {
        var x: BigUInt = 2, y: BigUInt = 2, d: BigUInt = 1
        let f = { (v: BigUInt) -> BigUInt in (v * v + seed) % n }
        var steps = 0
        while d == 1 {
            x = f(x); y = f(f(y))
            d = (x > y ? x - y : y - x).greatestCommonDivisor(with: n)
            steps += 1
            if steps & 255 == 0 { try c.evaluator.checkInterrupt() }
        }
        if d != n { return d }
        seed += 1
    }
}

/// The prime factorisation of n ≥ 1 as (prime, exponent) pairs in increasing order.
private func factor(_ n: BigUInt, _ c: Call) throws -> [(BigUInt, Int)] {
    var counts: [BigUInt: Int] = [:]
    var m = n
    for p: BigUInt in [2, 3, 5] {
        while !m.isZero, m % p == 0 { counts[p, default: 0] += 1; m /= p }
    }
    // Trial division by small numbers, then Pollard's rho for what is left.
    var d: BigUInt = 7
    let steps: [BigUInt] = [4, 2, 4, 2, 4, 6, 2, 6]
    var k = 0
    while d * d <= m && d < 10_000 {
        while m % d == 0 { counts[d, default: 0] += 1; m /= d }
        d += steps[k & 7]; k += 1
    }
    var pending = m > 1 ? [m] : []
    while let x = pending.popLast() {
        try c.evaluator.checkInterrupt()
        if x.isPrime() { counts[x, default: 0] += 1; continue }
        let f = try pollardRho(x, c)
        pending.append(f)
        pending.append(x / f)
    }
    return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
}

/// The n-th Fibonacci number by fast doubling; F(-n) = (-1)^(n+1) F(n).
private func fibonacci(_ n: Int) -> BigInt {
    func pair(_ k: Int) -> (BigInt, BigInt) {        // (F(k), F(k+1))
        if k == 0 { return (0, 1) }
        let (a, b) = pair(k / 2)
        let c = a * (2 * b - a), d = a * a + b * b
        return k % 2 == 0 ? (c, d) : (d, c + d)
    }
    let f = pair(abs(n)).0
    return n < 0 && n % 2 == 0 ? -f : f
}

/// The fraction with the smallest denominator in [lo, hi] (0 <= lo <= hi), as continued-fraction
/// terms: the integer nearest below when one lies in the interval, else the floor plus the
/// reciprocal of the simplest fraction in the reciprocal interval.
private func simplestTerms(_ lo: Double, _ hi: Double) -> [BigInt]? {
    var (lo, hi) = (lo, hi)
    var terms: [BigInt] = []
    for _ in 0..<64 {
        let up = lo.rounded(.up)
        if up <= hi { terms.append(BigInt(exactly: up) ?? 0); return terms }
        let fl = lo.rounded(.down)
        guard let a = BigInt(exactly: fl) else { return nil }
        terms.append(a)
        (lo, hi) = (1 / (hi - fl), 1 / (lo - fl))
        guard lo.isFinite, hi.isFinite else { return nil }
    }
    return terms
}

/// p/q from continued-fraction terms [a0; a1, a2, ...].
private func fraction(_ terms: [BigInt]) -> (BigInt, BigInt) {
    var (p, q): (BigInt, BigInt) = (1, 0)
    for a in terms.reversed() { (p, q) = (a * p + q, p) }
    return (p, q)
}

/// The fraction with the smallest denominator within `tolerance` of x.
private func simplestRational(_ x: Double, within tolerance: Double) -> (BigInt, BigInt)? {
    guard x.isFinite, tolerance.isFinite, tolerance > 0 else { return nil }
    let (lo, hi) = (x - tolerance, x + tolerance)
    if lo <= 0 && hi >= 0 { return (0, 1) }
    guard let terms = x > 0 ? simplestTerms(lo, hi) : simplestTerms(-hi, -lo) else { return nil }
    let (p, q) = fraction(terms)
    return x > 0 ? (p, q) : (-p, q)
}

/// Rationalize[x]: the first convergent p/q of x's continued fraction with |p/q - x| < 10^-4/q^2
/// (any fraction that close is a convergent), or nil when there is none.
private func closeConvergent(_ x: Double) -> (BigInt, BigInt)? {
    var r = x
    var terms: [BigInt] = []
    for _ in 0..<40 {
        let a = r.rounded(.down)
        guard let ai = BigInt(exactly: a) else { return nil }
        terms.append(ai)
        let (p, q) = fraction(terms)
        let qd = Double(q)
        if abs(Double(p) / qd - x) < 1e-4 / (qd * qd) { return (p, q) }
        let frac = r - a
        if frac == 0 || qd > 1e8 { return nil }
        r = 1 / frac
    }
    return nil
}

extension Kernel {
    static var integerBuiltins: [Builtin] {
        let ibase = ["ibase": "Base `1` is not an integer greater than 1.",
                     "intnm": "Non-negative machine-sized integer expected at position `2` in `1`."]
        return [
            Builtin("IntegerDigits", [.listable, .protected], usage: "IntegerDigits[n] gives the decimal digits of the integer n; IntegerDigits[n, b] the digits in base b; IntegerDigits[n, b, len] pads with zeros on the left (or keeps the last len digits).", arity: .between(1, 3), messages: ibase, examples: [("IntegerDigits[123]", "{1, 2, 3}"), ("IntegerDigits[5, 2, 8]", "{0, 0, 0, 0, 0, 1, 0, 1}")]) { c in
                guard let n = c[0].bigIntValue, let b = base(c, at: 1) else { return nil }
                var ds = digits(n, b)
                if n.isZero && c.count < 3 { ds = [0] }
                if c.count == 3 {
                    guard let len = c[2].intValue, len >= 0 else { c.message("intnm", c.whole, .integer(3)); return nil }
                    guard admits(len, c) else { return nil }
                    if n.isZero { ds = [] }
                    ds = ds.count >= len ? Array(ds.suffix(len)) : Array(repeating: 0, count: len - ds.count) + ds
                }
                return .list(ds.map { .integer($0) })
            },
            Builtin("FromDigits", [.protected], usage: "FromDigits[list] gives the integer with the given decimal digits; FromDigits[list, b] in base b; FromDigits[\"string\", b] reads the digits 0-9 and a-z of a string.", arity: .between(1, 2), examples: [("FromDigits[{1, 2, 3}]", "123"), ("FromDigits[{1, 0, 1}, 2]", "5"), ("FromDigits[\"ff\", 16]", "255")]) { c in
                let b = c.count == 2 ? c[1] : .integer(10)
                if case .string(let s) = c[0] {
                    var ds: [Expr] = []
                    for ch in s {
                        guard let v = digitValue(ch) else { return nil }
                        ds.append(.integer(v))
                    }
                    return try fromDigits(ds, b, c)
                }
                guard let ds = c[0].listItems else { return nil }
                return try fromDigits(ds, b, c)
            },
            Builtin("IntegerLength", [.listable, .protected], usage: "IntegerLength[n] gives the number of decimal digits of n; IntegerLength[n, b] the number of base-b digits (0 for 0).", arity: .between(1, 2), messages: ibase, examples: [("IntegerLength[12345]", "5"), ("IntegerLength[255, 16]", "2")]) { c in
                guard let n = c[0].bigIntValue, let b = base(c, at: 1) else { return nil }
                return .integer(n.isZero ? 0 : digits(n, b).count)
            },
            Builtin("DigitCount", [.listable, .protected], usage: "DigitCount[n] lists how many times each digit 1, 2, ..., 9, 0 occurs in n; DigitCount[n, b] in base b; DigitCount[n, b, d] counts digit d only.", arity: .between(1, 3), messages: ibase, examples: [("DigitCount[1223]", "{1, 2, 1, 0, 0, 0, 0, 0, 0, 0}"), ("DigitCount[255, 2, 1]", "8")]) { c in
                guard let n = c[0].bigIntValue, let b = base(c, at: 1) else { return nil }
                guard let bi = Int(exactly: b), bi <= 1 << 16 else { return nil }
                var counts = [Int](repeating: 0, count: bi)
                for d in digits(n, b) { counts[Int(d)] += 1 }
                if c.count == 3 {
                    guard let d = c[2].intValue, d >= 0, d < bi else { return nil }
                    return .integer(counts[d])
                }
                return .list((Array(counts.dropFirst()) + [counts[0]]).map { .integer($0) })
            },
            Builtin("IntegerReverse", [.listable, .protected], usage: "IntegerReverse[n] gives the integer with the decimal digits of n reversed; IntegerReverse[n, b] in base b.", arity: .between(1, 2), messages: ibase, examples: [("IntegerReverse[1230]", "321")]) { c in
                guard let n = c[0].bigIntValue, let b = base(c, at: 1) else { return nil }
                var r = BigInt(0)
                for d in digits(n, b).reversed() { r = r * b + d }
                return .integer(n.sign == .minus ? -r : r)
            },
            Builtin("QuotientRemainder", [.listable, .protected], usage: "QuotientRemainder[m, n] gives {Quotient[m, n], Mod[m, n]}.", arity: .exactly(2), messages: ["divz": "The argument `1` in `2` should be nonzero."], examples: [("QuotientRemainder[7, 2]", "{3, 1}"), ("QuotientRemainder[-7, 2]", "{-4, 1}")]) { c in
                guard c[0].isNumber, c[1].isNumber else { return nil }
                if Numbers.isZero(c[1]) { c.message("divz", c[1], c.whole); return nil }
                return try c.evaluate(.list([Expr(Symbol.intern("Quotient"), c[0], c[1]), Expr(Symbol.intern("Mod"), c[0], c[1])]))
            },
            Builtin("Prime", [.listable, .protected], usage: "Prime[n] gives the n-th prime number (n up to about 5*10^7).", arity: .exactly(1), messages: ["intpp": "Positive integer argument expected in `1`.", "large": "Prime[`1`] is beyond the largest prime nets computes (`2`)."], examples: [("Prime[10]", "29"), ("Prime[{1, 2, 3}]", "{2, 3, 5}")]) { c in
                guard let n = c[0].intValue, n >= 1 else {
                    if c[0].isNumber { c.message("intpp", c.whole) }
                    return nil
                }
                let bound = nthPrimeBound(n)
                guard bound <= sieveLimit else { c.message("large", c[0], .integer(50_000_000)); return nil }
                let ps = try primes(below: bound, c)
                return n <= ps.count ? .integer(ps[n - 1]) : nil
            },
            Builtin("PrimePi", [.listable, .protected], usage: "PrimePi[x] gives the number of primes less than or equal to x (x up to 2^30).", arity: .exactly(1), messages: ["large": "PrimePi[`1`] is beyond the largest bound nets sieves (2^30)."], examples: [("PrimePi[100]", "25")]) { c in
                guard let x = c[0].doubleValue, c[0].isNumber else { return nil }
                let n = x.rounded(.down)
                if n < 2 { return .integer(0) }
                guard n < Double(sieveLimit) else { c.message("large", c[0]); return nil }
                return .integer(try primes(below: Int(n) + 1, c).count)
            },
            Builtin("NextPrime", [.listable, .protected], usage: "NextPrime[x] gives the smallest prime above x; NextPrime[x, k] the k-th prime above x (below x for negative k).", arity: .between(1, 2), examples: [("NextPrime[10]", "11"), ("NextPrime[10, -1]", "7")]) { c in
                guard let x = c[0].doubleValue, c[0].isNumber else { return nil }
                let k = c.count == 2 ? (c[1].intValue ?? 0) : 1
                guard k != 0, let start = BigInt(exactly: k > 0 ? x.rounded(.down) : x.rounded(.up)) ?? c[0].bigIntValue else { return nil }
                var p = start, found = 0
                while found < abs(k) {
                    try c.evaluator.checkInterrupt()
                    p += k > 0 ? 1 : -1
                    if k < 0 && p < 2 { return nil }
                    if p >= 2 && p.magnitude.isPrime() { found += 1 }
                }
                return .integer(p)
            },
            Builtin("FactorInteger", [.listable, .protected], usage: "FactorInteger[n] gives the prime factors of n and their exponents as {{p1, k1}, ...}; a rational's denominator primes have negative exponents.", arity: .exactly(1), examples: [("FactorInteger[60]", "{{2, 2}, {3, 1}, {5, 1}}"), ("FactorInteger[-3/4]", "{{-1, 1}, {2, -2}, {3, 1}}")]) { c in
                guard let (num, den) = Numbers.fraction(c[0]) else { return nil }
                if num.isZero { return .list([.list([.integer(0), .integer(1)])]) }
                var out: [Expr] = num.sign == .minus ? [.list([.integer(-1), .integer(1)])] : []
                var pairs = try factor(num.magnitude, c).map { (BigInt($0.0), $0.1) }
                pairs += try factor(den.magnitude, c).map { (BigInt($0.0), -$0.1) }
                pairs.sort { $0.0 < $1.0 }
                if pairs.isEmpty && out.isEmpty { return .list([.list([.integer(1), .integer(1)])]) }
                out += pairs.map { .list([.integer($0.0), .integer($0.1)]) }
                return .list(out)
            },
            Builtin("Divisors", [.listable, .protected], usage: "Divisors[n] gives the positive divisors of the integer n in increasing order.", arity: .exactly(1), examples: [("Divisors[12]", "{1, 2, 3, 4, 6, 12}")]) { c in
                guard let n = c[0].bigIntValue, !n.isZero else { return nil }
                var ds: [BigInt] = [1]
                for (p, k) in try factor(n.magnitude, c) {
                    var next: [BigInt] = []
                    var power = BigInt(1)
                    for _ in 0...k {
                        next += ds.map { $0 * power }
                        power *= BigInt(p)
                    }
                    guard admits(next.count, c) else { return nil }
                    ds = next
                }
                return .list(ds.sorted().map { .integer($0) })
            },
            Builtin("EulerPhi", [.listable, .protected], usage: "EulerPhi[n] gives the number of positive integers up to n that are coprime to n.", arity: .exactly(1), examples: [("EulerPhi[10]", "4")]) { c in
                guard let n = c[0].bigIntValue else { return nil }
                if n.isZero { return .integer(0) }
                var phi = BigInt(n.magnitude)
                for (p, _) in try factor(n.magnitude, c) { phi = phi / BigInt(p) * (BigInt(p) - 1) }
                return .integer(phi)
            },
            Builtin("Fibonacci", [.listable, .numericFunction, .protected], usage: "Fibonacci[n] gives the n-th Fibonacci number.", arity: .exactly(1), examples: [("Fibonacci[10]", "55"), ("Fibonacci[-4]", "-3")]) { c in
                guard let n = c[0].intValue else {
                    if case .real(let x) = c[0] {
                        let phi = (1 + 5.0.squareRoot()) / 2
                        return .real((pow(phi, x) - cos(Double.pi * x) * pow(phi, -x)) / 5.0.squareRoot())
                    }
                    return nil
                }
                guard abs(n) <= 10_000_000 else { return nil }
                // Millions of digits take seconds of big multiplications: on a thread of its own.
                return .integer(n < 10_000 ? fibonacci(n) : try awaitingInterrupt(c) { fibonacci(n) })
            },
            Builtin("PowerMod", [.listable, .protected], usage: "PowerMod[a, b, m] gives a^b mod m (a negative b uses the modular inverse).", arity: .exactly(3), messages: ["ninv": "`1` is not invertible modulo `2`."], examples: [("PowerMod[2, 10, 7]", "2"), ("PowerMod[3, -1, 7]", "5")]) { c in
                guard let a = c[0].bigIntValue, let b = c[1].bigIntValue, let m = c[2].bigIntValue, !m.isZero else { return nil }
                var base = a
                if b.sign == .minus {
                    guard let inv = BigInt(((a % m) + m) % m).inverse(m.magnitude == 0 ? 1 : BigInt(m.magnitude)) else {
                        c.message("ninv", c[0], c[2]); return nil
                    }
                    base = inv
                }
                let r = BigInt(base.magnitude).power(BigInt(b.magnitude), modulus: BigInt(m.magnitude))
                var v = base.sign == .minus && !b.magnitude.isMultiple(of: 2) ? -r : r
                v = ((v % m) + m) % m
                if m.sign == .minus && !v.isZero { v += m }
                return .integer(v)
            },
            Builtin("ModularInverse", [.listable, .protected], usage: "ModularInverse[k, n] gives the r with r k = 1 mod n.", arity: .exactly(2), examples: [("ModularInverse[3, 7]", "5")]) { c in
                guard let k = c[0].bigIntValue, let n = c[1].bigIntValue, !n.isZero else { return nil }
                return BigInt(((k % n) + n) % n).inverse(BigInt(n.magnitude)).map { .integer($0) }
            },
            Builtin("Divisible", [.listable, .protected], usage: "Divisible[n, m] gives True if n is divisible by m.", arity: .exactly(2), messages: ["divz": "The argument `1` in `2` should be nonzero."], examples: [("Divisible[10, 5]", "True")]) { c in
                guard let n = c[0].bigIntValue, let m = c[1].bigIntValue else { return nil }
                if m.isZero { c.message("divz", c[1], c.whole); return nil }
                return (n % m).isZero ? .trueExpr : .falseExpr
            },
            Builtin("CoprimeQ", [.listable, .protected], usage: "CoprimeQ[n1, n2, ...] gives True if the integers are relatively prime in pairs.", arity: .atLeast(1), examples: [("CoprimeQ[8, 9]", "True")]) { c in
                let ns = c.args.compactMap(\.bigIntValue)
                guard ns.count == c.count else { return .falseExpr }
                for i in ns.indices {
                    for j in ns.indices where j > i && ns[i].magnitude.greatestCommonDivisor(with: ns[j].magnitude) != 1 {
                        return .falseExpr
                    }
                }
                return .trueExpr
            },
            Builtin("IntegerExponent", [.listable, .protected], usage: "IntegerExponent[n, b] gives the highest power of b that divides n.", arity: .between(1, 2), messages: ibase, examples: [("IntegerExponent[24, 2]", "3"), ("IntegerExponent[1000]", "3")]) { c in
                guard let n = c[0].bigIntValue, let b = base(c, at: 1) else { return nil }
                if n.isZero { return .symbol(Sym.Infinity) }
                var m = n, k = 0
                while (m % b).isZero { m /= b; k += 1 }
                return .integer(k)
            },
            Builtin("Rationalize", [.listable, .protected], usage: "Rationalize[x] converts the real x to a nearby fraction with a small denominator, if one is within 10^-4/q^2; Rationalize[x, dx] gives the fraction with the smallest denominator within dx of x (Rationalize[x, 0] is exact).", arity: .between(1, 2), examples: [("Rationalize[0.5]", "1/2"), ("Rationalize[3.14159, 0.01]", "22/7"), ("Rationalize[N[Pi]]", "245850922/78256779")]) { c in
                guard case .real(let x) = c[0] else { return c[0].isExactNumber ? c[0] : nil }
                if c.count == 2 {
                    guard let dx = c[1].doubleValue, dx >= 0 else { return nil }
                    if dx == 0 {
                        let s = x.significandBitPattern | (1 << 52), e = Int(x.exponent) - 52
                        guard x.isFinite, x != 0 else { return x == 0 ? .integer(0) : nil }
                        let m = BigInt(s) * (x < 0 ? -1 : 1)
                        let v: Expr = e >= 0 ? .integer(m << e) : Expr(Sym.Times, .integer(m), Expr(Sym.Power, .integer(2), .integer(e)))
                        return try c.evaluate(v)
                    }
                    guard let (p, q) = simplestRational(x, within: dx) else { return nil }
                    return try c.evaluate(Expr(Sym.Times, .integer(p), Expr(Sym.Power, .integer(q), .integer(-1))))
                }
                guard let (p, q) = closeConvergent(x) else { return c[0] }
                return try c.evaluate(Expr(Sym.Times, .integer(p), Expr(Sym.Power, .integer(q), .integer(-1))))
                return c[0]
            },
        ]
    }
}
