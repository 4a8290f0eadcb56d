import BigInt
import Language

/// Numeric value for comparisons, with Infinity as ±inf.
func comparable(_ e: Expr) -> Double? {
    if let d = e.doubleValue { return d }
    if e.hasHead(Sym.DirectedInfinity), let s = e.args.first?.doubleValue { return s > 0 ? .infinity : -.infinity }
    if case .symbol(let s) = e { return constantValues[s] }
    return nil
}

/// Whether two numeric quantities (`Sqrt[2]`, `Pi/2`, numbers) are equal, by their machine
/// values as `==` compares reals: `Sqrt[2] == 0` is False; nil unless both are numeric and real.
func numericEquality(_ a: Expr, _ b: Expr, _ c: Call) throws -> Bool? {
    let numericQ = Symbol.intern("NumericQ"), n = Symbol.intern("N")
    guard try c.evaluate(.call(numericQ, [a])).isTrue, try c.evaluate(.call(numericQ, [b])).isTrue,
          let x = try c.evaluate(.call(n, [a])).doubleValue, let y = try c.evaluate(.call(n, [b])).doubleValue else { return nil }
    return equality(.real(x), .real(y))
}

/// Whether two expressions are equal as `==` decides: True, False, or undecided (nil).
func equality(_ a: Expr, _ b: Expr) -> Bool? {
    if a.isNumber && b.isNumber {
        if a.isExactNumber && b.isExactNumber { return Numbers.compare(a, b) == 0 }
        // Arbitrary-precision reals are equal when their difference is zero to their accuracy.
        if a.isBigReal || b.isBigReal, a.isBigReal || a.isExactNumber, b.isBigReal || b.isExactNumber,
           let m = Numbers.negate(b), let d = Numbers.add(a, m) {
            return Numbers.isZero(d)
        }
        guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
        // Machine reals compare equal when they agree to about 7 bits short of full precision.
        if x == y { return true }
        return abs(x - y) <= 1e-14 * max(abs(x), abs(y))
    }
    if a == b { return true }
    switch (a, b) {
    case (.string, .string): return false
    case (.string, _) where b.isNumber || b.isAtom: return b.asSymbol == nil ? false : nil
    case (_, .string) where a.isNumber || a.isAtom: return a.asSymbol == nil ? false : nil
    default: break
    }
    if let x = comparable(a), let y = comparable(b) { return x == y }
    if let la = a.listItems, let lb = b.listItems {
        if la.count != lb.count { return false }
        var all = true
        for (p, q) in zip(la, lb) {
            guard let r = equality(p, q) else { return nil }
            if !r { all = false }
        }
        return all
    }
    if a.isAtom && b.isAtom && a.asSymbol == nil && b.asSymbol == nil { return false }
    if case .symbol(let s) = a, s === Sym.True || s === Sym.False, case .symbol(let t) = b, t === Sym.True || t === Sym.False {
        return false
    }
    return nil
}

private func comparison(_ name: String, _ op: String, _ relation: String, examples: [(String, String)],
                        _ test: @escaping (Double, Double) -> Bool) -> Builtin {
    Builtin(name, [], usage: "x \(op) y yields True if x is \(relation) y; x \(op) y \(op) z chains.", examples: examples) { c in
        if c.count < 2 { return .trueExpr }
        var vals: [Double] = []
        for a in c.args {
            guard let v = comparable(a) else { return nil }
            vals.append(v)
        }
        // Exact comparison for exact numbers avoids rounding.
        for i in 0..<(c.count - 1) {
            if c[i].isExactNumber && c[i + 1].isExactNumber, let r = Numbers.compare(c[i], c[i + 1]) {
                if !test(Double(r), 0) { return .falseExpr }
            } else if !test(vals[i], vals[i + 1]) {
                return .falseExpr
            }
        }
        return .trueExpr
    }
}

private func predicate(_ name: String, _ usage: String, examples: [(String, String)], _ test: @escaping (Expr) -> Bool) -> Builtin {
    Builtin(name, [], usage: usage, examples: examples) { c in
        guard c.count == 1 else { return c.argCount(1) }
        return .bool(test(c[0]))
    }
}

/// Positive, Negative and their kin: a test of a real number's sign (listable); a complex
/// number is none of them; anything else stays unevaluated, as in Wolfram.
private func sign(_ name: String, _ usage: String, examples: [(String, String)], _ test: @escaping (Double) -> Bool) -> Builtin {
    Builtin(name, [.listable], usage: usage, examples: examples) { c in
        guard c.count == 1 else { return c.argCount(1) }
        if let x = comparable(c[0]) { return .bool(test(x)) }
        if c[0].hasHead(Symbol.intern("Complex")) { return .falseExpr }
        // A numeric quantity (Sqrt[2], Pi - 3) by its machine value.
        guard case .normal = c[0], let x = comparable(try c.evaluate(.call(Symbol.intern("N"), [c[0]]))) else { return nil }
        return .bool(test(x))
    }
}

private func isPrime(_ n: BigInt) -> Bool {
    if n < 2 { return false }
    return n.magnitude.isPrime()
}

func isVector(_ e: Expr) -> Bool {
    guard let items = e.listItems else { return false }
    return !items.contains { $0.isList }
}

func isVector(_ e: Expr, _ test: (Expr) throws -> Bool) throws -> Bool {
    guard isVector(e), let items = e.listItems else { return false }
    for i in items where try !test(i) { return false }
    return true
}

extension Kernel {
    static var logicBuiltins: [Builtin] {
        [
            Builtin("Equal", [], usage: "lhs == rhs returns True if lhs and rhs are equal, False if they differ.", examples: [("1 == 1.", "True")]) { c in
                if c.count < 2 { return .trueExpr }
                var undecided = false
                for i in 0..<(c.count - 1) {
                    guard let r = try equality(c[i], c[i + 1]) ?? numericEquality(c[i], c[i + 1], c) else { undecided = true; continue }
                    if !r { return .falseExpr }
                }
                return undecided ? nil : .trueExpr
            },
            Builtin("Unequal", [], usage: "lhs != rhs returns False if lhs and rhs are equal, True if they differ.", examples: [("1 != 2", "True")]) { c in
                if c.count < 2 { return .trueExpr }
                for i in 0..<c.count {
                    for j in (i + 1)..<c.count {
                        guard let r = equality(c[i], c[j]) else { return nil }
                        if r { return .falseExpr }
                    }
                }
                return .trueExpr
            },
            comparison("Less", "<", "less than", examples: [("1 < 2 < 3", "True")], <),
            comparison("Greater", ">", "greater than", examples: [("3 > 2", "True")], >),
            comparison("LessEqual", "<=", "less than or equal to", examples: [("2 <= 2", "True")], <=),
            comparison("GreaterEqual", ">=", "greater than or equal to", examples: [("1 >= 2", "False")], >=),
            Builtin("Inequality", [], usage: "Inequality[a, op, b, op, c, ...] represents a chain of comparisons.", examples: [("Inequality[1, Less, 2, LessEqual, 2]", "True"), ("2 > 1 == True", "1 == True")]) { c in
                guard c.count >= 3, c.count % 2 == 1 else { return nil }
                // Comparisons that hold drop out; the rest stay as chains (`2 > 1 == True` is
                // `1 == True`), joined by And when a true one splits them.
                var runs: [[Expr]] = []
                var run: [Expr] = []
                var i = 0
                while i + 2 < c.count {
                    let r = try c.evaluate(.call(c[i + 1], [c[i], c[i + 2]]))
                    if r.isFalse { return .falseExpr }
                    if r.isTrue {
                        if !run.isEmpty { runs.append(run); run = [] }
                    } else {
                        run += run.isEmpty ? [c[i], c[i + 1], c[i + 2]] : [c[i + 1], c[i + 2]]
                    }
                    i += 2
                }
                if !run.isEmpty { runs.append(run) }
                if runs.isEmpty { return .trueExpr }
                if runs.count == 1 && runs[0].count == c.count { return nil }
                let chains = runs.map { r in r.count == 3 ? Expr.call(r[1], [r[0], r[2]]) : .call(c.symbol, r) }
                return chains.count == 1 ? chains[0] : .call(Symbol.intern("And"), chains)
            },
            Builtin("SameQ", [], usage: "lhs === rhs yields True if lhs and rhs are identical.", examples: [("1 === 1.", "False")]) { c in
                if c.count < 2 { return .trueExpr }
                for i in 0..<(c.count - 1) where c[i] != c[i + 1] { return .falseExpr }
                return .trueExpr
            },
            Builtin("UnsameQ", [], usage: "lhs =!= rhs yields True if lhs and rhs are not identical.", examples: [("a =!= b", "True")]) { c in
                if c.count < 2 { return .trueExpr }
                let s = Set(c.args)
                return .bool(s.count == c.count)
            },
            Builtin("And", [.flat, .holdAll, .oneIdentity], usage: "e1 && e2 && ... is the logical AND, evaluated left to right, stopping at the first False.", examples: [("True && False", "False")]) { c in
                var rest: [Expr] = []
                for a in c.args {
                    let v = try c.evaluate(a)
                    if v.isFalse { return .falseExpr }
                    if !v.isTrue { rest.append(v) }
                }
                if rest.isEmpty { return .trueExpr }
                if rest.count == 1 { return rest[0] }
                return rest == c.args ? nil : .call(c.symbol, rest)
            },
            Builtin("Or", [.flat, .holdAll, .oneIdentity], usage: "e1 || e2 || ... is the logical OR, evaluated left to right, stopping at the first True.", examples: [("False || True", "True")]) { c in
                var rest: [Expr] = []
                for a in c.args {
                    let v = try c.evaluate(a)
                    if v.isTrue { return .trueExpr }
                    if !v.isFalse { rest.append(v) }
                }
                if rest.isEmpty { return .falseExpr }
                if rest.count == 1 { return rest[0] }
                return rest == c.args ? nil : .call(c.symbol, rest)
            },
            Builtin("Not", [], usage: "!expr is the logical NOT.", arity: .exactly(1), examples: [("!True", "False")]) { c in
                if c[0].isTrue { return .falseExpr }
                if c[0].isFalse { return .trueExpr }
                if c[0].hasHead(Symbol.intern("Not")) { return c[0].args.first }
                // The negation of a comparison of two is the opposite comparison: !(x > 1) is x <= 1.
                if case .normal(let n) = c[0], n.args.count == 2, let h = n.head.asSymbol,
                   let opposite = negatedComparison[h.name] {
                    return .call(Symbol.intern(opposite), n.args)
                }
                return nil
            },
            Builtin("Xor", [.orderless, .flat, .oneIdentity], usage: "Xor[e1, e2, ...] is the logical exclusive OR.", examples: [("Xor[True, False]", "True"), ("Xor[a, False]", "a"), ("Xor[a, True]", "!a")]) { c in
                // True arguments toggle the result, False ones drop out; what remains stays symbolic.
                var t = false
                var rest: [Expr] = []
                for a in c.args {
                    if a.isTrue { t.toggle() } else if !a.isFalse { rest.append(a) }
                }
                if rest.isEmpty { return .bool(t) }
                if rest.count == c.count { return nil }
                let x: Expr = rest.count == 1 ? rest[0] : .call(Symbol.intern("Xor"), rest)
                return t ? .call(Symbol.intern("Not"), [x]) : x
            },
            predicate("TrueQ", "TrueQ[expr] yields True if expr is True, and False otherwise.", examples: [("TrueQ[x]", "False")]) { $0.isTrue },
            predicate("BooleanQ", "BooleanQ[expr] yields True if expr is True or False.", examples: [("BooleanQ[False]", "True")]) { $0.isTrue || $0.isFalse },
            predicate("IntegerQ", "IntegerQ[expr] gives True if expr is an integer.", examples: [("IntegerQ[3]", "True")]) { $0.isInteger },
            predicate("NumberQ", "NumberQ[expr] gives True if expr is an explicit number.", examples: [("NumberQ[2.5]", "True"), ("NumberQ[1 + I]", "True")]) { $0.isNumber || ComplexNumbers.isComplex($0) },
            predicate("NumericQ", "NumericQ[expr] gives True if expr has a numerical value.", examples: [("NumericQ[Pi]", "True")]) { e in
                func numeric(_ e: Expr) -> Bool {
                    if e.isNumber || ComplexNumbers.isComplex(e) { return true }
                    if case .symbol(let s) = e { return constantValues[s] != nil }
                    if case .normal(let n) = e, let h = n.head.asSymbol, h.attributes.contains(.numericFunction) {
                        return n.args.allSatisfy(numeric)
                    }
                    return false
                }
                return numeric(e)
            },
            predicate("EvenQ", "EvenQ[n] gives True if n is an even integer.", examples: [("EvenQ[4]", "True")]) { $0.bigIntValue.map { $0.isMultiple(of: 2) } ?? false },
            predicate("OddQ", "OddQ[n] gives True if n is an odd integer.", examples: [("OddQ[4]", "False")]) { $0.bigIntValue.map { !$0.isMultiple(of: 2) } ?? false },
            predicate("PrimeQ", "PrimeQ[n] gives True if n is a prime number.", examples: [("PrimeQ[97]", "True")]) { $0.bigIntValue.map(isPrime) ?? false },
            sign("Positive", "Positive[x] gives True if x is a positive number, False if it is another number; it stays unevaluated for a symbolic x.", examples: [("Positive[3]", "True"), ("Positive[x]", "Positive[x]")]) { $0 > 0 },
            sign("Negative", "Negative[x] gives True if x is a negative number, False if it is another number; it stays unevaluated for a symbolic x.", examples: [("Negative[-1.5]", "True"), ("Negative[x]", "Negative[x]")]) { $0 < 0 },
            sign("NonNegative", "NonNegative[x] gives True if x is a non-negative number, False if it is another number; it stays unevaluated for a symbolic x.", examples: [("NonNegative[0]", "True")]) { $0 >= 0 },
            sign("NonPositive", "NonPositive[x] gives True if x is a non-positive number, False if it is another number; it stays unevaluated for a symbolic x.", examples: [("NonPositive[1]", "False")]) { $0 <= 0 },
            predicate("StringQ", "StringQ[expr] gives True if expr is a string.", examples: [("StringQ[\"a\"]", "True")]) { $0.asString != nil },
            predicate("ListQ", "ListQ[expr] gives True if the head of expr is List.", examples: [("ListQ[{1}]", "True")]) { $0.isList },
            predicate("AtomQ", "AtomQ[expr] gives True if expr cannot be subdivided (numbers, complex numbers included, strings and symbols).", examples: [("AtomQ[x]", "True"), ("AtomQ[1 + I]", "True")]) { ($0.isAtom && $0.compound == nil) || ComplexNumbers.isComplex($0) },
            predicate("AssociationQ", "AssociationQ[expr] gives True if expr is an association.", examples: [("AssociationQ[<|a -> 1|>]", "True")]) { $0.asAssociation != nil },
            predicate("MissingQ", "MissingQ[expr] gives True if expr has head Missing.", examples: [("MissingQ[Missing[]]", "True")]) { $0.hasHead(Sym.Missing) },
            predicate("FailureQ", "FailureQ[expr] gives True if expr is $Failed or a Failure.", examples: [("FailureQ[$Failed]", "True")]) { $0.isSymbol(Sym.Failed) || $0.hasHead(Symbol.intern("Failure")) },
            predicate("ExactNumberQ", "ExactNumberQ[expr] gives True if expr is an exact number.", examples: [("ExactNumberQ[1/2]", "True")]) { $0.isExactNumber },
            predicate("InexactNumberQ", "InexactNumberQ[expr] gives True if expr is a machine real.", examples: [("InexactNumberQ[0.5]", "True")]) { if case .real = $0 { return true }; return false },
            predicate("MachineNumberQ", "MachineNumberQ[expr] gives True if expr is a machine real.", examples: [("MachineNumberQ[0.5]", "True")]) { if case .real = $0 { return true }; return false },
            Builtin("VectorQ", [], usage: "VectorQ[expr] gives True if expr is a list none of whose elements are lists; VectorQ[expr, test] also requires test on each element.", arity: .between(1, 2), examples: [("VectorQ[{1, 2, 3}]", "True")]) { c in
                if c.count == 2 { return .bool(try isVector(c[0]) { try c.apply(c[1], $0).isTrue }) }
                return .bool(isVector(c[0]))
            },
            Builtin("MatrixQ", [], usage: "MatrixQ[expr] gives True if expr is a list of equal-length vectors.", arity: .between(1, 2), examples: [("MatrixQ[{{1, 2}, {3, 4}}]", "True")]) { c in
                guard let rows = c[0].listItems, let first = rows.first?.listItems else { return .falseExpr }
                for r in rows {
                    guard let items = r.listItems, items.count == first.count else { return .falseExpr }
                    if c.count == 2 {
                        guard try isVector(r, { try c.apply(c[1], $0).isTrue }) else { return .falseExpr }
                    } else if !isVector(r) {
                        return .falseExpr
                    }
                }
                return .trueExpr
            },
        ]
    }
}

/// The comparison that is the negation of each comparison (Not[a < b] is a >= b).
private let negatedComparison = ["Equal": "Unequal", "Unequal": "Equal", "Less": "GreaterEqual",
                                 "GreaterEqual": "Less", "Greater": "LessEqual", "LessEqual": "Greater"]
