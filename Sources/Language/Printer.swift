import BigInt
import Foundation

/// Turns expressions into text in one of three forms:
/// - OutputForm: what the REPL prints (`{1, 2}`, `a -> b`, reals with 6 digits, strings bare);
/// - InputForm: text that parses back to the same expression;
/// - FullForm: `head[args]` throughout.
public struct Printer {
    /// `message` is InputForm (strings quoted) with divisions written as in OutputForm, the form
    /// of message arguments.
    public enum Form { case output, input, full, message }
    public let form: Form
    /// How many more subexpressions may be rendered; past it the rest shows as `<<...>>`, so
    /// printing an enormous expression ends.
    final class Budget {
        var remaining: Int
        /// How deep the rendering is; past `maxDepth` a subexpression shows as `<<...>>`, so a
        /// deeply nested expression prints without exhausting the stack.
        var depth = 0
        init(_ n: Int) { remaining = n }
    }
    static let maxDepth = 5_000
    let budget: Budget
    /// Text for numbers, when a form such as `NumberForm` says how they are written (nil: as
    /// the form writes them).
    public var numbers: ((Expr) -> String?)?

    /// Renderers of the form wrappers the core library defines (`NumberForm`, `TeXForm`...), by
    /// head name: the OutputForm text of the form, or nil to print it as a call. Set once, when
    /// the library is installed.
    nonisolated(unsafe) public static var formRenderers: [String: (Normal) -> String?] = [:]

    public init(_ form: Form, limit: Int = 20_000_000) {
        self.form = form
        self.budget = Budget(limit)
    }

    public func string(_ e: Expr) -> String { render(e).text }

    /// Text and the precedence of its outermost operator (for parenthesizing).
    struct Piece {
        var text: String
        var prec: Int
    }

    static let atomPrec = 1000

    func paren(_ p: Piece, _ minPrec: Int) -> String {
        p.prec < minPrec ? "(\(p.text))" : p.text
    }

    func render(_ e: Expr) -> Piece {
        budget.remaining -= 1
        if budget.remaining < 0 || budget.depth >= Printer.maxDepth { return Piece(text: "<<...>>", prec: Printer.atomPrec) }
        budget.depth += 1
        defer { budget.depth -= 1 }
        if let numbers, e.isNumber, let t = numbers(e) {
            return Piece(text: t, prec: t.hasPrefix("-") ? Prec.unaryMinus : Printer.atomPrec)
        }
        switch e {
        case .integer(let i):
            return Piece(text: String(i), prec: i < 0 ? Prec.unaryMinus : Printer.atomPrec)
        case .bigInteger(let b):
            return Piece(text: b.value.decimalText(), prec: b.value < 0 ? Prec.unaryMinus : Printer.atomPrec)
        case .rational(let r):
            if form == .full { return Piece(text: "Rational[\(r.numerator.decimalText()), \(r.denominator.decimalText())]", prec: Printer.atomPrec) }
            return Piece(text: "\(r.numerator.decimalText())/\(r.denominator.decimalText())", prec: r.numerator < 0 ? Prec.unaryMinus : Prec.divide)
        case .real(let d):
            let t = form == .output ? Printer.shortReal(d) : Printer.fullReal(d)
            return Piece(text: t, prec: d < 0 ? Prec.unaryMinus : Printer.atomPrec)
        case .bigReal(let x):
            let t = form == .output ? Printer.shortBigReal(x) : Printer.fullBigReal(x)
            return Piece(text: t, prec: x.isNegative ? Prec.unaryMinus : Printer.atomPrec)
        case .string(let s):
            return Piece(text: form == .output ? s : Printer.quote(s), prec: Printer.atomPrec)
        case .symbol(let s):
            return Piece(text: s.name, prec: Printer.atomPrec)
        case .association(let a):
            if form == .full {
                let items = a.entries.map { k, v in
                    "\(a.delayed.contains(k) ? "RuleDelayed" : "Rule")[\(string(k)), \(string(v))]"
                }
                return Piece(text: "Association[\(items.joined(separator: ", "))]", prec: Printer.atomPrec)
            }
            let items = a.entries.map { k, v in
                "\(paren(render(k), Prec.rule + 1)) \(a.delayed.contains(k) ? ":>" : "->") \(paren(render(v), Prec.rule))"
            }
            return Piece(text: "<|\(items.joined(separator: ", "))|>", prec: Printer.atomPrec)
        case .native(let v):
            return Piece(text: v.summary, prec: Printer.atomPrec)
        case .normal(let n):
            if n.isPackedOnly, let p = n.packedIfMade { return Piece(text: packedText(p), prec: Printer.atomPrec) }
            if form == .full { return Piece(text: functional(n), prec: Printer.atomPrec) }
            return renderNormal(n)
        }
    }

    /// The text of a list made from packed contents, read from them without making its elements:
    /// what rendering the elements one by one gives, budget and depth limits included.
    func packedText(_ p: PackedArray) -> String {
        var out = ""
        let integers = p.kind == .integers
        func entry(_ x: Double) -> String {
            let e: Expr = integers ? .integer(Int(x)) : .real(x)
            if let numbers, let t = numbers(e) { return t }
            if integers { return String(Int(x)) }
            return form == .output ? Printer.shortReal(x) : Printer.fullReal(x)
        }
        func level(_ l: Int, _ offset: Int, _ size: Int) {
            if form == .full {
                // FullForm renders each list's head, which takes its share of the budget.
                budget.remaining -= 1
                out += budget.remaining < 0 || budget.depth >= Printer.maxDepth ? "<<...>>[" : "List["
            } else {
                out += "{"
            }
            let d = p.dims[l], inner = size / max(d, 1)
            for i in 0..<d {
                if i > 0 { out += ", " }
                budget.remaining -= 1
                if budget.remaining < 0 || budget.depth >= Printer.maxDepth { out += "<<...>>"; continue }
                if l + 1 < p.dims.count {
                    budget.depth += 1
                    level(l + 1, offset + i * inner, inner)
                    budget.depth -= 1
                } else {
                    out += entry(p.data[offset + i])
                }
            }
            out += form == .full ? "]" : "}"
        }
        level(0, 0, p.data.count)
        return out
    }

    func functional(_ n: Normal) -> String {
        let h = n.head.isAtom || form == .full ? render(n.head).text : paren(render(n.head), Prec.call)
        return "\(h)[\(n.args.map(string).joined(separator: ", "))]"
    }

    func infix(_ args: [Expr], _ op: String, _ prec: Int) -> Piece {
        Piece(text: args.map { paren(render($0), prec + 1) }.joined(separator: op), prec: prec)
    }

    // swiftlint:disable:next cyclomatic_complexity
    func renderNormal(_ n: Normal) -> Piece {
        if form == .output, let f = primed(n) { return Piece(text: f, prec: Prec.call) }
        if form == .output, case .normal(let hn) = n.head, let f = primed(hn) {
            return Piece(text: "\(f)[\(n.args.map(string).joined(separator: ", "))]", prec: Prec.call)
        }
        guard case .symbol(let h) = n.head else {
            return Piece(text: functional(n), prec: Prec.call)
        }
        let a = n.args
        switch (h.name, a.count) {
        case ("List", _):
            return Piece(text: "{\(a.map(string).joined(separator: ", "))}", prec: Printer.atomPrec)
        // Pictures print as a placeholder; the front end draws them.
        case ("Graphics", 1...) where form == .output: return Piece(text: "-Graphics-", prec: Printer.atomPrec)
        case ("Legended", 2) where form == .output: return render(a[0])
        case ("Complex", 2) where form != .full && a[0].isNumber && a[1].isNumber: return complexNumber(a[0], a[1])
        case ("Plus", 2...): return plus(a)
        case ("Times", 2...): return times(a)
        case ("Power", 2): return power(a[0], a[1])
        case ("Rule", 2): return binary(a[0], " -> ", a[1], Prec.rule, right: true)
        case ("RuleDelayed", 2): return binary(a[0], " :> ", a[1], Prec.rule, right: true)
        case ("Set", 2): return binary(a[0], " = ", a[1], Prec.set, right: true)
        case ("SetDelayed", 2): return binary(a[0], " := ", a[1], Prec.set, right: true)
        case ("ReplaceAll", 2): return binary(a[0], " /. ", a[1], Prec.replace, right: false)
        case ("ReplaceRepeated", 2): return binary(a[0], " //. ", a[1], Prec.replace, right: false)
        case ("Condition", 2): return binary(a[0], " /; ", a[1], Prec.condition, right: false)
        case ("Equal", 2...): return infix(a, " == ", Prec.equal)
        case ("Unequal", 2...): return infix(a, " != ", Prec.equal)
        case ("Less", 2...): return infix(a, " < ", Prec.equal)
        case ("Greater", 2...): return infix(a, " > ", Prec.equal)
        case ("LessEqual", 2...): return infix(a, " <= ", Prec.equal)
        case ("GreaterEqual", 2...): return infix(a, " >= ", Prec.equal)
        case ("Inequality", 3...) where a.count % 2 == 1:
            if let t = inequality(a) { return t }
        case ("SameQ", 2...): return infix(a, " === ", Prec.sameQ)
        case ("UnsameQ", 2...): return infix(a, " =!= ", Prec.sameQ)
        case ("And", 2...): return infix(a, " && ", Prec.and)
        // Wolfram groups the conjunctions of a disjunction: (a && b) || c.
        case ("Or", 2...): return Piece(text: a.map { paren(render($0), Swift.max(Prec.or, Prec.and) + 1) }.joined(separator: " || "), prec: Prec.or)
        case ("Alternatives", 2...): return infix(a, " | ", Prec.alternatives)
        case ("StringJoin", 2...) where form == .input || form == .message: return infix(a, " <> ", Prec.stringJoin)
        case ("StringExpression", 2...): return infix(a, " ~~ ", Prec.stringExpression)
        case ("Dot", 2...): return infix(a, " . ", Prec.dot)
        case ("NonCommutativeMultiply", 2...): return infix(a, " ** ", Prec.dot + 5)
        case ("CompoundExpression", 2...):
            let parts = a.map { $0.isNull ? "" : paren(render($0), Prec.compound + 1) }
            return Piece(text: parts.joined(separator: "; ").trimmingCharacters(in: .whitespaces), prec: Prec.compound)
        case ("Not", 1):
            return Piece(text: "!" + paren(render(a[0]), Prec.not), prec: Prec.not)
        case ("Factorial", 1):
            return Piece(text: paren(render(a[0]), Prec.factorial + 1) + "!", prec: Prec.factorial)
        case ("Span", 2...3):
            // Every part is written out, as Wolfram does: `1;;3`, `2;;All`, `1;;-1;;2`; InputForm
            // spaces the operator (`a[[2 ;; All]]`).
            let op = form == .input ? " ;; " : ";;"
            return Piece(text: a.map { paren(render($0), Prec.span + 1) }.joined(separator: op), prec: Prec.span)
        case ("Part", 2...):
            let base = paren(render(a[0]), Prec.call)
            return Piece(text: "\(base)[[\(a.dropFirst().map(string).joined(separator: ", "))]]", prec: Prec.call)
        case ("MessageName", 2...):
            let rest = a.dropFirst().map { $0.asString ?? string($0) }
            return Piece(text: ([paren(render(a[0]), Prec.messageName + 1)] + rest).joined(separator: "::"), prec: Prec.messageName)
        case ("Blank", 0...1), ("BlankSequence", 0...1), ("BlankNullSequence", 0...1):
            let u = h.name == "Blank" ? "_" : (h.name == "BlankSequence" ? "__" : "___")
            return Piece(text: u + (a.first.map(string) ?? ""), prec: Printer.atomPrec)
        case ("Pattern", 2):
            if case .symbol(let s) = a[0] {
                if let bh = a[1].headSymbol, [Sym.Blank, Sym.BlankSequence, Sym.BlankNullSequence].contains(bh), a[1].args.count <= 1 {
                    return Piece(text: s.name + string(a[1]), prec: Printer.atomPrec)
                }
                return Piece(text: s.name + ":" + paren(render(a[1]), Prec.pattern + 1), prec: Prec.pattern)
            }
        case ("Optional", 1):
            return Piece(text: paren(render(a[0]), Printer.atomPrec) + ".", prec: Printer.atomPrec)
        case ("Optional", 2):
            return binary(a[0], ":", a[1], Prec.pattern, right: false)
        case ("PatternTest", 2):
            return Piece(text: paren(render(a[0]), Prec.patternTest + 1) + "?" + paren(render(a[1]), Prec.patternTest + 1), prec: Prec.patternTest)
        case ("Repeated", 1):
            return Piece(text: paren(render(a[0]), Prec.repeated + 1) + "..", prec: Prec.repeated)
        case ("RepeatedNull", 1):
            return Piece(text: paren(render(a[0]), Prec.repeated + 1) + "...", prec: Prec.repeated)
        case ("Function", 1):
            return Piece(text: paren(render(a[0]), Prec.function + 1) + " & ", prec: Prec.function)
        case ("Slot", 1):
            if let k = a[0].asInt { return Piece(text: "#\(k)", prec: Printer.atomPrec) }
            if let s = a[0].asString { return Piece(text: "#\(s)", prec: Printer.atomPrec) }
        case ("SlotSequence", 1):
            if let k = a[0].asInt { return Piece(text: k == 1 ? "##" : "##\(k)", prec: Printer.atomPrec) }
        case ("Out", 0):
            return Piece(text: "%", prec: Printer.atomPrec)
        case ("Out", 1) where form != .full:
            if case .integer(let k) = a[0], k < 0, k > -20 { return Piece(text: String(repeating: "%", count: -k), prec: Printer.atomPrec) }
            if case .integer(let k) = a[0], k > 0 { return Piece(text: "%\(k)", prec: Printer.atomPrec) }
        case ("HoldForm", 1) where form == .output || form == .message, ("Defer", 1) where form == .output || form == .message:
            return render(a[0])
        case ("FullForm", 1) where form == .output:
            return Piece(text: Printer(.full).string(a[0]), prec: Printer.atomPrec)
        case ("InputForm", 1) where form == .output:
            return Piece(text: Printer(.input).string(a[0]), prec: Printer.atomPrec)
        case ("OutputForm", 1) where form == .output:
            return render(a[0])
        case ("Skeleton", 1) where form == .output || form == .message:
            if let k = a[0].asInt { return Piece(text: "<<\(k)>>", prec: Printer.atomPrec) }
        case ("Short", 1...2) where form == .output:
            let lines = a.count == 2 ? a[1].doubleValue : 1
            if let lines, lines > 0, lines <= 1_000_000 { return render(Skeletons.short(a[0], lines: lines)) }
        case ("Shallow", 1...2) where form == .output:
            if let (depth, length) = Printer.shallowSpec(a.count == 2 ? a[1] : nil) {
                return render(Skeletons.shallow(a[0], depth: depth, length: length))
            }
        case ("Association", _) where form != .full && a.allSatisfy({ $0.hasHead(Sym.Rule) || $0.hasHead(Sym.RuleDelayed) || $0.hasHead(Skeletons.skeleton) }):
            return Piece(text: "<|\(a.map(string).joined(separator: ", "))|>", prec: Printer.atomPrec)
        case ("TableForm", 1...) where form == .output, ("MatrixForm", 1...) where form == .output:
            return Piece(text: table(a[0]), prec: Printer.atomPrec)
        case ("Grid", 1...) where form == .output, ("Column", 1...) where form == .output, ("Row", 1...) where form == .output:
            if let t = layout(h.name, a) { return Piece(text: t, prec: Printer.atomPrec) }
        case ("DirectedInfinity", 1):
            if a[0] == .integer(1) { return Piece(text: "Infinity", prec: Printer.atomPrec) }
            if a[0] == .integer(-1) { return Piece(text: "-Infinity", prec: Prec.unaryMinus) }
        case ("DirectedInfinity", 0):
            return Piece(text: "ComplexInfinity", prec: Printer.atomPrec)
        case ("Around", 2) where form == .output:
            if let t = Printer.around(a[0], a[1]) { return Piece(text: t, prec: Prec.plus) }
        case ("Increment", 1):
            return Piece(text: paren(render(a[0]), Prec.increment + 1) + "++", prec: Prec.increment)
        case ("Decrement", 1):
            return Piece(text: paren(render(a[0]), Prec.increment + 1) + "--", prec: Prec.increment)
        case ("Map", 2):
            return binary(a[0], " /@ ", a[1], Prec.map, right: true)
        case ("Apply", 2):
            return binary(a[0], " @@ ", a[1], Prec.map, right: true)
        case ("Apply", 3) where a[2] == .list([.integer(1)]):
            return binary(a[0], " @@@ ", a[1], Prec.map, right: true)
        case ("MapAll", 2):
            return binary(a[0], " //@ ", a[1], Prec.map, right: true)
        case ("PreIncrement", 1):
            return Piece(text: "++" + paren(render(a[0]), Prec.increment + 1), prec: Prec.increment)
        case ("PreDecrement", 1):
            return Piece(text: "--" + paren(render(a[0]), Prec.increment + 1), prec: Prec.increment)
        case ("Factorial2", 1):
            return Piece(text: paren(render(a[0]), Prec.factorial + 1) + "!!", prec: Prec.factorial)
        case ("Unset", 1):
            return Piece(text: paren(render(a[0]), Prec.set + 1) + " =.", prec: Prec.set)
        case ("UpSet", 2): return binary(a[0], " ^= ", a[1], Prec.set, right: true)
        case ("UpSetDelayed", 2): return binary(a[0], " ^:= ", a[1], Prec.set, right: true)
        case ("AddTo", 2): return binary(a[0], " += ", a[1], Prec.addTo, right: true)
        case ("SubtractFrom", 2): return binary(a[0], " -= ", a[1], Prec.addTo, right: true)
        case ("TimesBy", 2): return binary(a[0], " *= ", a[1], Prec.addTo, right: true)
        case ("DivideBy", 2): return binary(a[0], " /= ", a[1], Prec.addTo, right: true)
        case ("Composition", 2...): return infix(a, form == .output ? "@*" : " @* ", Prec.composition)
        case ("RightComposition", 2...): return infix(a, form == .output ? "/*" : " /* ", Prec.composition)
        default:
            if form == .output, let r = Printer.formRenderers[h.name], let t = r(n) {
                return Piece(text: t, prec: Printer.atomPrec)
            }
        }
        return Piece(text: functional(n), prec: Prec.call)
    }

    static let comparisonOperators = [
        "Equal": " == ", "Unequal": " != ", "Less": " < ", "Greater": " > ", "LessEqual": " <= ", "GreaterEqual": " >= ",
    ]

    /// `Inequality[a, Less, b, Equal, c]` as `a < b == c`.
    func inequality(_ a: [Expr]) -> Piece? {
        var text = paren(render(a[0]), Prec.equal + 1)
        for i in stride(from: 1, to: a.count, by: 2) {
            guard let name = a[i].asSymbol?.name, let op = Printer.comparisonOperators[name] else { return nil }
            text += op + paren(render(a[i + 1]), Prec.equal + 1)
        }
        return Piece(text: text, prec: Prec.equal)
    }

    /// The depth and length of `Shallow[e, spec]`: `{4, 10}` when not given, `n` for `{n, 10}`,
    /// Infinity as no limit; nil when malformed.
    static func shallowSpec(_ spec: Expr?) -> (Int?, Int?)? {
        func limit(_ e: Expr) -> Int?? {
            if e.isSymbol(Sym.Infinity) || e == .call(Sym.DirectedInfinity, [.integer(1)]) { return .some(nil) }
            if let k = e.asInt, k >= 0 { return .some(k) }
            return nil
        }
        guard let spec else { return (4, 10) }
        if let items = spec.listItems {
            guard items.count == 2, let d = limit(items[0]), let l = limit(items[1]) else { return nil }
            return (d, l)
        }
        guard let d = limit(spec) else { return nil }
        return (d, 10)
    }

    func binary(_ l: Expr, _ op: String, _ r: Expr, _ prec: Int, right: Bool) -> Piece {
        let lt = paren(render(l), right ? prec + 1 : prec)
        let rt = paren(render(r), right ? prec : prec + 1)
        return Piece(text: lt + op + rt, prec: prec)
    }

    /// `Complex[a, b]` as `a + b I`, or `b I` when a is an exact zero.
    func complexNumber(_ re: Expr, _ im: Expr) -> Piece {
        let i = Expr.sym("I")
        let imaginary: Expr = Numbers.isOne(im) && im.isExactNumber ? i : .call(Sym.Times, [im, i])
        return re == .integer(0) ? render(imaginary) : plus([re, imaginary])
    }

    /// Whether a term prints with a leading minus sign, and its negation.
    func negativePart(_ e: Expr) -> Expr? {
        if e.isNumber, let s = Numbers.sign(e), s < 0 { return Numbers.negate(e) }
        if e.hasHead(Sym.Complex), e.args.count == 2, e.args[0] == .integer(0), let s = Numbers.sign(e.args[1]), s < 0,
           let m = Numbers.negate(e.args[1]) {
            return .call(Sym.Complex, [.integer(0), m])
        }
        // -I y: a product whose coefficient is a negative imaginary number.
        if e.hasHead(Sym.Times), e.args.count > 1, let c = e.args.first, c.hasHead(Sym.Complex), c.args.count == 2,
           c.args[0] == .integer(0), let s = Numbers.sign(c.args[1]), s < 0, let m = Numbers.negate(c.args[1]) {
            return .call(Sym.Times, [.call(Sym.Complex, [.integer(0), m])] + e.args.dropFirst())
        }
        if e.hasHead(Sym.Times), let c = e.args.first, c.isNumber, let s = Numbers.sign(c), s < 0,
           let nc = Numbers.negate(c) {
            let rest = Array(e.args.dropFirst())
            if Numbers.isOne(nc) && nc.isExactNumber { return rest.count == 1 ? rest[0] : .call(Sym.Times, rest) }
            return .call(Sym.Times, [nc] + rest)
        }
        return nil
    }

    func plus(_ terms: [Expr]) -> Piece {
        var text = paren(render(terms[0]), Prec.plus)
        for t in terms.dropFirst() {
            if let neg = negativePart(t) {
                text += " - " + paren(render(neg), Prec.plus + 1)
            } else {
                text += " + " + paren(render(t), Prec.plus)
            }
        }
        return Piece(text: text, prec: Prec.plus)
    }

    /// `Complex[0, b]` in a product as the factors b and I (`2 I x`).
    func imaginaryFactors(_ e: Expr) -> [Expr] {
        guard e.hasHead(Sym.Complex), e.args.count == 2, e.args[0] == .integer(0), e.args[1].isNumber else { return [e] }
        return Numbers.isOne(e.args[1]) && e.args[1].isExactNumber ? [.sym("I")] : [e.args[1], .sym("I")]
    }

    func times(_ factors: [Expr]) -> Piece {
        if form == .input { return inputTimes(factors) }
        let factors = factors.flatMap(imaginaryFactors)
        let leadingMinus = factors.first == .integer(-1)
        let (num, den, negative) = fraction(leadingMinus ? Array(factors.dropFirst()) : factors)
        let sign = leadingMinus || negative ? "-" : ""
        let sep = form == .input ? "*" : " "
        func join(_ xs: [Expr]) -> Piece {
            if xs.isEmpty { return Piece(text: "1", prec: Printer.atomPrec) }
            if xs.count == 1 { return render(xs[0]) }
            return Piece(text: xs.map { paren(render($0), Prec.times + 1) }.joined(separator: sep), prec: Prec.times)
        }
        var body: Piece
        if den.isEmpty {
            body = join(num)
        } else {
            let n = join(num), d = join(den)
            body = Piece(text: paren(n, Prec.times) + "/" + paren(d, Prec.power), prec: Prec.divide)
        }
        if sign.isEmpty { return body }
        // `-(a b)`: a product after the sign is grouped, a quotient is not (`-a/b`).
        return Piece(text: "-" + paren(body, body.prec == Prec.times ? Prec.times + 1 : Prec.times), prec: Prec.unaryMinus)
    }

    /// A product's factors split into numerator and denominator: a leading rational gives its
    /// numerator and denominator (and the sign when the numerator is -1), a power with a negative
    /// exponent goes below the line.
    func fraction(_ factors: [Expr]) -> (num: [Expr], den: [Expr], negative: Bool) {
        var num: [Expr] = []
        var den: [Expr] = []
        var negative = false
        for (i, f) in factors.enumerated() {
            if i == 0, case .rational(let r) = f {
                if r.numerator == -1 { negative = true } else if r.numerator != 1 { num.append(.integer(r.numerator)) }
                den.append(.integer(r.denominator))
                continue
            }
            if f.hasHead(Sym.Power), f.args.count == 2, let s = Numbers.sign(f.args[1]), s < 0,
               let e = Numbers.negate(f.args[1]) {
                den.append(Numbers.isOne(e) && e.isExactNumber ? f.args[0] : .call(Sym.Power, [f.args[0], e]))
                continue
            }
            // A power whose exponent is a product with a negative coefficient: E^(-x^2) is 1/E^x^2.
            if f.hasHead(Sym.Power), f.args.count == 2, f.args[1].hasHead(Sym.Times), let e = negativePart(f.args[1]) {
                den.append(.call(Sym.Power, [f.args[0], e]))
                continue
            }
            num.append(f)
        }
        return (num, den, negative)
    }

    /// InputForm of a product, as Wolfram writes it: `2*x`, `-x`, `-(a*b)`, `-(t/(1 - t))`,
    /// `(b^2*Pi^2)/6`, `x/(2*y)`, `-x/2`, `1/(a*b)`, `-x^(-1)`.
    func inputTimes(_ factors: [Expr]) -> Piece {
        // A coefficient -1/n stays in front, as wolframscript writes it: `-1/2*x`, `-1/8*Cos[4*x]`.
        if factors.count > 1, case .rational(let r) = factors[0], r.numerator == -1 {
            let rest = Array(factors.dropFirst())
            let body = inputTimes(rest)
            return Piece(text: "-1/\(r.denominator.decimalText())*" + paren(body, Prec.times), prec: Prec.times)
        }
        if factors.count > 1, factors[0] == .integer(-1) {
            let rest = Array(factors.dropFirst())
            let body = rest.count == 1 ? render(rest[0]) : inputTimes(rest)
            return Piece(text: "-" + paren(body, Prec.unaryMinus), prec: Prec.unaryMinus)
        }
        let (num, den, negative) = fraction(factors)
        // A complex coefficient stays one grouped factor: `(2*I)*x`, `(-I)*x`, `I*x`.
        func factor(_ x: Expr) -> String {
            if x.hasHead(Sym.Complex), x != .call(Sym.Complex, [.integer(0), .integer(1)]) { return "(\(string(x)))" }
            return paren(render(x), Prec.times + 1)
        }
        func product(_ xs: [Expr]) -> Piece {
            if xs.isEmpty { return Piece(text: "1", prec: Printer.atomPrec) }
            if xs.count == 1 { return render(xs[0]) }
            return Piece(text: xs.map(factor).joined(separator: "*"), prec: Prec.times)
        }
        var n = product(num)
        if negative { n = Piece(text: "-" + paren(n, Prec.unaryMinus), prec: Prec.unaryMinus) }
        if den.isEmpty { return n }
        let d = product(den)
        let top = num.count > 1 && !negative ? "(\(n.text))" : paren(n, Prec.divide)
        return Piece(text: top + "/" + paren(d, Prec.power), prec: Prec.divide)
    }

    func power(_ b: Expr, _ e: Expr) -> Piece {
        if case .rational(let r) = e, r.numerator == 1, r.denominator == 2 {
            return Piece(text: "Sqrt[\(string(b))]", prec: Prec.call)
        }
        if form == .input, case .rational(let r) = e, r.numerator == -1, r.denominator == 2 {
            return Piece(text: "1/Sqrt[\(string(b))]", prec: Prec.divide)
        }
        if let s = Numbers.sign(e), s < 0, form == .output || form == .message, let ne = Numbers.negate(e) {
            let d = Numbers.isOne(ne) && ne.isExactNumber ? render(b) : power(b, ne)
            return Piece(text: "1/" + paren(d, Prec.power), prec: Prec.divide)
        }
        return Piece(text: paren(render(b), Prec.power + 1) + "^" + paren(render(e), Prec.power), prec: Prec.power)
    }

    // MARK: Atoms

    /// A string in double quotes with escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// OutputForm of a machine real: 6 significant digits, `2.` for whole values, `1.*^6` for
    /// large and small magnitudes.
    public static func shortReal(_ d: Double) -> String {
        if d.isNaN { return "Indeterminate" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == 0 { return "0." }
        let s = String(format: "%.5e", d)
        guard let eIndex = s.firstIndex(of: "e"), let exp = Int(s[s.index(after: eIndex)...]) else { return s }
        var mantissa = String(s[..<eIndex])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let digits = mantissa.replacingOccurrences(of: ".", with: "")
        return (negative ? "-" : "") + place(digits: digits, exponent: exp, limit: 6)
    }

    /// InputForm of a machine real: the shortest text that reads back to the same double.
    public static func fullReal(_ d: Double) -> String {
        if d.isNaN { return "Indeterminate" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == 0 { return "0." }
        let s = "\(abs(d))"
        var digits: String
        var exp: Int
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let m = String(s[..<e])
            exp = Int(s[s.index(after: e)...]) ?? 0
            digits = m.replacingOccurrences(of: ".", with: "")
        } else {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            let ip = String(parts[0]), fp = parts.count > 1 ? String(parts[1]) : ""
            if ip != "0" {
                digits = ip + fp
                exp = ip.count - 1
            } else {
                let lead = fp.prefix { $0 == "0" }.count
                digits = String(fp.dropFirst(lead))
                exp = -lead - 1
            }
        }
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        return (d < 0 ? "-" : "") + place(digits: digits, exponent: exp, limit: 6)
    }

    /// Places the decimal point in `digits` (d.ddd × 10^exponent); scientific `*^` outside
    /// -5...(limit-1).
    static func place(digits raw: String, exponent: Int, limit: Int) -> String {
        var digits = raw
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        if exponent >= 6 && limit == 6 || exponent >= 16 || exponent < -5 {
            let head = String(digits.prefix(1)), tail = String(digits.dropFirst())
            return "\(head).\(tail)*^\(exponent)"
        }
        if exponent < 0 {
            return "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return digits + String(repeating: "0", count: exponent + 1 - digits.count) + "."
        }
        let i = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return digits[..<i] + "." + digits[i...]
    }

    /// OutputForm of an arbitrary-precision real: as many significant digits as its precision,
    /// trailing zeros kept (`3.0000000000000000000`); a zero by its accuracy (`0.*^-20`).
    public static func shortBigReal(_ x: BigReal) -> String {
        if x.isZero { return "0.*^\(-Int(x.zeroAccuracy.rounded()))" }
        let n = max(1, Int(x.precision.rounded()))
        let (digits, exponent) = x.decimalDigits(n)
        let sign = x.isNegative ? "-" : ""
        if exponent >= max(n, 6) || exponent < -5 {
            return sign + digits.prefix(1) + "." + digits.dropFirst() + "*^\(exponent)"
        }
        return sign + positional(digits, exponent)
    }

    /// InputForm of an arbitrary-precision real: its digits (trailing zeros dropped) with the
    /// precision mark, `1.4142135623730950488016887242096980786`30.30102999566398`, `3.`20.`;
    /// a zero with its accuracy mark, `0``20.`.
    public static func fullBigReal(_ x: BigReal) -> String {
        if x.isZero { return "0``" + markText(x.zeroAccuracy) }
        let n = max(1, Int(x.precision.rounded()))
        var (digits, exponent) = x.decimalDigits(n)
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let sign = x.isNegative ? "-" : ""
        let mark = "`" + markText(x.precision)
        if exponent >= n || exponent < -5 {
            let tail = digits.dropFirst()
            return sign + digits.prefix(1) + "." + tail + mark + "*^\(exponent)"
        }
        return sign + positional(digits, exponent) + mark
    }

    /// A precision or accuracy as its mark shows it: `20.`, `30.30102999566398`.
    static func markText(_ p: Double) -> String {
        if p == p.rounded() && abs(p) < 1e15 { return "\(Int(p))." }
        let t = fullReal(p)
        return t.contains("*^") ? String(format: "%.15g", p) : t
    }

    /// `digits` (d.ddd × 10^exponent) with the point placed, zeros padded: `3.14`, `0.0012`, `150.`.
    static func positional(_ digits: String, _ exponent: Int) -> String {
        if exponent < 0 { return "0." + String(repeating: "0", count: -exponent - 1) + digits }
        if digits.count <= exponent + 1 { return digits + String(repeating: "0", count: exponent + 1 - digits.count) + "." }
        let i = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return digits[..<i] + "." + digits[i...]
    }

    /// `value ± uncertainty`: the uncertainty with one significant digit (two when it starts with
    /// 1), the value rounded to the same decimal place.
    public static func around(_ v: Expr, _ u: Expr) -> String? {
        guard let x = v.doubleValue, let dx = u.doubleValue, dx.isFinite, x.isFinite else { return nil }
        if dx <= 0 { return "\(shortReal(x)) \u{00B1} \(shortReal(dx))" }
        var place = Int(floor(log10(dx)))
        let lead = dx / pow(10, Double(place))
        if lead < 1.95 { place -= 1 }
        let scale = pow(10, Double(place))
        let ru = (dx / scale).rounded() * scale
        let rv = (x / scale).rounded() * scale
        let decimals = max(0, -place)
        func fmt(_ y: Double) -> String {
            if decimals == 0 { return String(format: "%.0f", y) }
            return String(format: "%.\(decimals)f", y)
        }
        return "\(fmt(rv)) \u{00B1} \(fmt(ru))"
    }
}

/// `OutputForm` text of an expression.
public enum OutputForm {
    public static func string(_ e: Expr) -> String { Printer(.output).string(e) }
}

/// `InputForm` text of an expression: parses back to the same expression.
public enum InputForm {
    public static func string(_ e: Expr) -> String { Printer(.input).string(e) }
}

/// The text of a message argument: InputForm, with `1/x` for reciprocals.
public enum MessageForm {
    public static func string(_ e: Expr) -> String { Printer(.message).string(e) }
}

/// `FullForm` text of an expression.
public enum FullForm {
    public static func string(_ e: Expr) -> String { Printer(.full).string(e) }
}

/// What `nets -c` prints, as `wolframscript -code` does: a string as its bare text, an expression
/// wrapped in a form (`FullForm[...]`, `TableForm[...]`, `NumberForm[...]`) in that form, anything
/// else in InputForm (`2*x`, `3.141592653589793`).
public enum ResultForm {
    /// Heads that say how their argument is to be shown.
    public static let formHeads: Set<String> = [
        "FullForm", "InputForm", "OutputForm", "StandardForm", "TraditionalForm", "TableForm", "MatrixForm",
        "Short", "Shallow", "NumberForm", "PaddedForm", "AccountingForm", "ScientificForm", "EngineeringForm",
        "BaseForm", "DecimalForm", "TeXForm", "Row", "Column", "Grid",
    ]

    public static func string(_ e: Expr) -> String {
        if let s = e.asString { return s }
        if let h = e.headSymbol, formHeads.contains(h.name) {
            let text = OutputForm.string(e)
            return text.hasPrefix("\n") ? String(text.dropFirst()) : text
        }
        return InputForm.string(e)
    }
}

extension Printer {
    /// `Derivative[k][f]` of a symbol in OutputForm: `f` with k primes (`f''`), or nil.
    func primed(_ n: Normal) -> String? {
        guard n.args.count == 1, case .symbol(let f) = n.args[0], case .normal(let d) = n.head,
              d.head.isSymbol(.intern("Derivative")), d.args.count == 1, let k = d.args[0].asInt,
              (1...8).contains(k) else { return nil }
        return f.name + String(repeating: "'", count: k)
    }
}
