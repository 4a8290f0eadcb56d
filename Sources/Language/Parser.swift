import BigInt

/// Operator precedences, tightest binding highest. One table, as in Wolfram's own parser; the
/// order follows LANGUAGE.md.
enum Prec {
    static let compound = 10
    static let set = 20
    static let tagSet = 25
    static let postfixApply = 30
    static let function = 40
    static let addTo = 50
    static let replace = 60
    static let rule = 70
    static let condition = 80
    static let stringExpression = 90
    static let pattern = 100
    static let alternatives = 110
    static let repeated = 120
    static let or = 130
    static let and = 140
    static let not = 150
    static let sameQ = 160
    static let equal = 170
    static let span = 180
    static let plus = 190
    static let times = 200
    static let divide = 210
    static let unaryMinus = 220
    static let dot = 230
    static let power = 240
    static let stringJoin = 250
    static let factorial = 260
    static let map = 270
    static let infix = 280
    static let prefixApply = 290
    static let composition = 300
    static let increment = 310
    static let call = 320
    static let patternTest = 330
    static let messageName = 340
}

/// A Pratt parser over the token stream: prefix parselets start an operand, infix parselets extend
/// it, each with its precedence from `Prec`.
public struct Parser {
    var tokens: [Token]
    var index = 0
    let scalars: [Unicode.Scalar]
    /// Bracket nesting: inside brackets a newline is white space.
    var depth = 0
    /// Recursion depth of the parser, bounded so that no input can exhaust the stack.
    var nesting = 0
    static let maxNesting = 1000

    /// A lexical error found after the last good token; thrown when the parser reaches it.
    var pendingError: ParseError?
    /// The brackets, braces, parentheses and associations open, innermost last, with the
    /// offsets they were opened at, so that an input ending inside one names where it was opened.
    var open: [(bracket: String, offset: Int)] = []

    public init(_ source: String) {
        var lexer = Lexer(source)
        var toks: [Token] = []
        do {
            try lexer.tokenize(into: &toks)
        } catch let e as ParseError {
            pendingError = e
        } catch {
            pendingError = lexer.error("unreadable input", at: lexer.pos)
        }
        tokens = toks
        scalars = lexer.scalars
    }

    /// Parses a whole program: top-level expressions separated by newlines.
    public static func parseProgram(_ source: String) throws -> [Expr] {
        var p = Parser(source)
        return try p.program()
    }

    /// Parses exactly one expression (newlines inside are white space).
    public static func parseExpression(_ source: String) throws -> Expr {
        var p = Parser(source)
        p.depth = 1
        p.skipNewlines()
        let e = try p.expression(0)
        p.skipNewlines()
        guard case .eof = p.current.kind else { throw p.error("unexpected input") }
        if let e = p.pendingError { throw e }
        return e
    }

    var current: Token { tokens[index] }

    func error(_ message: String, incomplete: Bool = false) -> ParseError {
        Lexer.error(message, at: current.offset, in: scalars, incomplete: incomplete)
    }

    func unexpected() -> ParseError {
        if let e = pendingError, case .eof = current.kind { return e }
        switch current.kind {
        case .eof: return open.isEmpty ? error("expression incomplete: more input is needed", incomplete: true) : unclosed("")
        case .newline: return error("expression incomplete: more input is needed", incomplete: true)
        case .op(let o): return error("unexpected \"\(o)\"")
        case .symbol(let s): return error("unexpected \(s)")
        case .atom: return error("unexpected input")
        }
    }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    mutating func skipNewlines() {
        while case .newline = current.kind { advance() }
    }

    func isOp(_ o: String) -> Bool {
        if case .op(let x) = current.kind { return x == o }
        return false
    }

    /// The error for an input that ends before `closing`: where the innermost open bracket was
    /// opened, and where the input ended.
    func unclosed(_ closing: String) -> ParseError {
        if let e = pendingError { return e }
        guard let o = open.last else { return error("\"\(closing)\" expected: more input is needed", incomplete: true) }
        let match = Parser.closers[o.bracket] ?? closing
        return Lexer.unclosed("\"\(o.bracket)\" is not closed: \"\(match)\" expected", openedAt: o.offset, in: scalars)
    }

    /// " to close the \"[\" at line 3, column 6": which open bracket a wrong token is inside.
    func closingNote() -> String {
        guard let o = open.last else { return "" }
        let p = Lexer.position(o.offset, in: scalars)
        return " to close the \"\(o.bracket)\" at line \(p.line), column \(p.column)"
    }

    static let closers = ["(": ")", "{": "}", "<|": "|>", "[": "]", "[[": "]]"]

    /// Parses what is between an opening bracket at the current token and its closing one.
    mutating func bracketed<T>(_ closing: String, _ inside: (inout Parser) throws -> T) throws -> T {
        var bracket = closing
        if case .op(let o) = current.kind { bracket = o }
        open.append((bracket, current.offset))
        defer { open.removeLast() }
        advance()
        return try inside(&self)
    }

    mutating func expect(_ o: String) throws {
        if depth > 0 { skipNewlines() }
        guard isOp(o) else {
            if case .eof = current.kind { throw unclosed(o) }
            let closesOpen = open.last.flatMap { Parser.closers[$0.bracket] }?.hasPrefix(o) ?? false
            throw error("\"\(o)\" expected" + (closesOpen ? closingNote() : ""))
        }
        advance()
    }

    mutating func program() throws -> [Expr] {
        var result: [Expr] = []
        while let e = try next() { result.append(e) }
        return result
    }

    /// The next top-level expression, or nil at the end of the input. A script runner calls this
    /// in a loop so that expressions before a syntax error still run.
    public mutating func next() throws -> Expr? {
        skipNewlines()
        if case .eof = current.kind {
            if let e = pendingError { throw e }
            return nil
        }
        if isOp("?") { return try information() }
        let e = try expression(0)
        switch current.kind {
        case .newline, .eof: return e
        default: throw unexpected()
        }
    }

    /// `?Name`, `??Name`, `?Net*`: information about symbols, up to the end of the line.
    mutating func information() throws -> Expr {
        advance()
        var long = false
        if isOp("?") { long = true; advance() }
        var text = ""
        var start = current.offset
        while true {
            switch current.kind {
            case .newline, .eof:
                var end = current.offset
                while end > start && (scalars[end - 1] == " " || scalars[end - 1] == "\t") { end -= 1 }
                while start < end && scalars[start] == " " { start += 1 }
                text.unicodeScalars.append(contentsOf: scalars[start..<end])
                if text.isEmpty { throw error("a symbol name is expected after ?") }
                let arg: Expr = text.contains("*") || text.contains("@") ? .string(text) : .sym(text)
                return long ? Expr(Sym.Information, arg, .rule(.sym("LongForm"), .trueExpr))
                    : Expr(Sym.Information, arg)
            default:
                advance()
            }
        }
    }

    /// Whether the current token can begin an operand (for implicit multiplication).
    func startsOperand() -> Bool {
        switch current.kind {
        case .atom, .symbol: return true
        case .op(let o): return o == "(" || o == "{" || o == "<|"
        default: return false
        }
    }

    // MARK: Expressions

    mutating func expression(_ minPrec: Int) throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxNesting { throw error("expression nested too deeply") }
        // An operand is required here, so a newline cannot end the expression.
        skipNewlines()
        var left = try prefix()
        while true {
            if depth > 0 { skipNewlines() }
            guard let next = try infix(left, minPrec) else { return left }
            left = next
        }
    }

    mutating func prefix() throws -> Expr {
        let tok = current
        switch tok.kind {
        case .atom(let e):
            advance()
            return e
        case .symbol(let name):
            advance()
            return .symbol(Symbol.parsed(name))
        case .newline, .eof:
            throw unexpected()
        case .op(let o):
            switch o {
            case "(":
                return try bracketed(")") { p in
                    p.depth += 1
                    let e = try p.expression(0)
                    try p.expect(")")
                    p.depth -= 1
                    return e
                }
            case "{":
                return .list(try bracketed("}") { p in try p.sequence(closing: "}") })
            case "<|":
                return .call(Sym.Association, try bracketed("|>") { p in try p.sequence(closing: "|>") })
            case "-":
                advance()
                let operand = try expression(Prec.unaryMinus + 1)
                return negate(operand)
            case "+":
                advance()
                return try expression(Prec.unaryMinus + 1)
            case "!":
                advance()
                return Expr(.intern("Not"), try expression(Prec.not))
            case "++":
                advance()
                return Expr(.intern("PreIncrement"), try expression(Prec.increment))
            case "--":
                advance()
                return Expr(.intern("PreDecrement"), try expression(Prec.increment))
            case ";;":
                advance()
                return try spanRest(.integer(1))
            default:
                throw unexpected()
            }
        }
    }

    /// `-x`: numbers are negated in place; anything else becomes `Times[-1, x]`.
    func negate(_ e: Expr) -> Expr {
        if e.isNumber, let n = Numbers.negate(e) { return n }
        if e.hasHead(Sym.Times), let first = e.args.first, first.isNumber,
           let n = Numbers.negate(first) {
            return .call(Sym.Times, [n] + e.args.dropFirst())
        }
        return .call(Sym.Times, [.integer(-1), e])
    }

    /// Comma-separated items up to `closing`; an empty slot is Null (`f[a,,b]`).
    mutating func sequence(closing: String) throws -> [Expr] {
        depth += 1
        defer { depth -= 1 }
        var items: [Expr] = []
        skipNewlines()
        if isOp(closing) { advance(); return items }
        while true {
            skipNewlines()
            if isOp(",") { items.append(.null); advance(); continue }
            if isOp(closing) { items.append(.null); advance(); return items }
            items.append(try expression(0))
            skipNewlines()
            if isOp(",") {
                advance()
                skipNewlines()
                if isOp(closing) { items.append(.null); advance(); return items }
                continue
            }
            if isOp(closing) { advance(); return items }
            if case .eof = current.kind { throw unclosed(closing) }
            throw error("\",\" or \"\(closing)\" expected" + closingNote())
        }
    }

    /// After `a;;`: the optional end and step of a Span.
    mutating func spanRest(_ start: Expr) throws -> Expr {
        var end: Expr = .symbol(Sym.All)
        if startsSpanOperand() { end = try expression(Prec.span + 1) }
        if isOp(";;") {
            advance()
            if startsSpanOperand() {
                let step = try expression(Prec.span + 1)
                return .call(Sym.Span, [start, end, step])
            }
        }
        return .call(Sym.Span, [start, end])
    }

    func startsSpanOperand() -> Bool {
        if startsOperand() { return true }
        if isOp("-") || isOp("+") { return true }
        return false
    }

    /// Binary operators with their precedence and the head they build.
    static let binary: [String: (prec: Int, head: String, rightAssoc: Bool, flat: Bool)] = [
        "->": (Prec.rule, "Rule", true, false),
        ":>": (Prec.rule, "RuleDelayed", true, false),
        "/.": (Prec.replace, "ReplaceAll", false, false),
        "//.": (Prec.replace, "ReplaceRepeated", false, false),
        "+=": (Prec.addTo, "AddTo", true, false),
        "-=": (Prec.addTo, "SubtractFrom", true, false),
        "*=": (Prec.addTo, "TimesBy", true, false),
        "/=": (Prec.addTo, "DivideBy", true, false),
        "//=": (Prec.addTo, "ApplyTo", true, false),
        "/;": (Prec.condition, "Condition", false, false),
        "~~": (Prec.stringExpression, "StringExpression", false, true),
        "|": (Prec.alternatives, "Alternatives", false, true),
        "||": (Prec.or, "Or", false, true),
        "&&": (Prec.and, "And", false, true),
        "===": (Prec.sameQ, "SameQ", false, true),
        "=!=": (Prec.sameQ, "UnsameQ", false, true),
        "*": (Prec.times, "Times", false, true),
        ".": (Prec.dot, "Dot", false, true),
        "**": (Prec.dot + 5, "NonCommutativeMultiply", false, true),
        "^": (Prec.power, "Power", true, false),
        "<>": (Prec.stringJoin, "StringJoin", false, true),
        "@*": (Prec.composition, "Composition", false, true),
        "/*": (Prec.composition, "RightComposition", false, true),
        "\u{00B1}": (Prec.plus, "PlusMinus", false, false),
        "\u{F4A1}": (Prec.function, "Function", true, false),
        // Between Not and SameQ, as Wolfram's 250 lies between 230 and 290; Conditioned below Or.
        "\u{F3D2}": (Prec.not + 5, "Distributed", false, false),
        "\u{2208}": (Prec.not + 5, "Element", false, false),
        "\u{F3D3}": (Prec.or - 5, "Conditioned", false, false),
    ]

    static let comparisons: [String: String] = [
        "==": "Equal", "!=": "Unequal", "<": "Less", ">": "Greater", "<=": "LessEqual",
        ">=": "GreaterEqual",
    ]

    /// Extends `left` with the operator at the current token if it binds at least as tightly as
    /// `minPrec`; returns nil when the expression ends here.
    mutating func infix(_ left: Expr, _ minPrec: Int) throws -> Expr? {
        let tok = current
        switch tok.kind {
        case .newline, .eof:
            return nil
        case .atom, .symbol:
            guard Prec.times >= minPrec else { return nil }
            return try timesChain(left, minPrec)
        case .op(let o):
            if let b = Parser.binary[o] {
                guard b.prec >= minPrec else { return nil }
                if b.flat && o == "*" { return try timesChain(left, minPrec) }
                advance()
                let right = try expression(b.rightAssoc ? b.prec : b.prec + 1)
                if b.flat {
                    var items = [left, right]
                    while isOp(o) {
                        advance()
                        items.append(try expression(b.prec + 1))
                    }
                    return .call(Symbol.intern(b.head), items)
                }
                return .call(Symbol.intern(b.head), [left, right])
            }
            if let c = Parser.comparisons[o] {
                guard Prec.equal >= minPrec else { return nil }
                return try comparisonChain(left, first: c)
            }
            switch o {
            case "(", "{", "<|":
                guard Prec.times >= minPrec else { return nil }
                return try timesChain(left, minPrec)
            case "+", "-":
                guard Prec.plus >= minPrec else { return nil }
                var terms = [left]
                while isOp("+") || isOp("-") {
                    let minus = isOp("-")
                    advance()
                    let t = try expression(Prec.plus + 1)
                    terms.append(minus ? negate(t) : t)
                }
                return .call(Sym.Plus, terms)
            case "/":
                guard Prec.divide >= minPrec else { return nil }
                advance()
                let d = try expression(Prec.divide + 1)
                return .call(Sym.Times, [left, .call(Sym.Power, [d, .integer(-1)])])
            case ";":
                guard Prec.compound >= minPrec else { return nil }
                var items = [left]
                while isOp(";") {
                    advance()
                    if depth == 0, case .newline = current.kind { items.append(.null); break }
                    if endsCompound() { items.append(.null); break }
                    items.append(try expression(Prec.compound + 1))
                }
                return .call(Sym.CompoundExpression, items)
            case "=", ":=", "^=", "^:=":
                guard Prec.set >= minPrec else { return nil }
                advance()
                let right = try expression(Prec.set)
                let head = ["=": "Set", ":=": "SetDelayed", "^=": "UpSet", "^:=": "UpSetDelayed"][o]!
                return .call(Symbol.intern(head), [left, right])
            case "=.":
                guard Prec.set >= minPrec else { return nil }
                advance()
                return Expr(.intern("Unset"), left)
            case "/:":
                guard Prec.tagSet >= minPrec else { return nil }
                advance()
                let lhs = try expression(Prec.tagSet + 1)
                if isOp("=") || isOp(":=") {
                    let delayed = isOp(":=")
                    advance()
                    let rhs = try expression(Prec.set)
                    return .call(Symbol.intern(delayed ? "TagSetDelayed" : "TagSet"), [left, lhs, rhs])
                }
                if isOp("=.") { advance(); return Expr(.intern("TagUnset"), left, lhs) }
                throw error("\"=\" or \":=\" expected after /:")
            case "//":
                guard Prec.postfixApply >= minPrec else { return nil }
                advance()
                let f = try expression(Prec.postfixApply + 1)
                return .call(f, [left])
            case "&":
                guard Prec.function >= minPrec else { return nil }
                advance()
                return Expr(Sym.Function, left)
            case ":":
                guard Prec.pattern >= minPrec else { return nil }
                advance()
                let right = try expression(Prec.pattern + 1)
                if case .symbol = left { return Expr(Sym.Pattern, left, right) }
                return Expr(Sym.Optional, left, right)
            case "..", "...":
                guard Prec.repeated >= minPrec else { return nil }
                advance()
                return Expr(o == ".." ? Sym.Repeated : Sym.RepeatedNull, left)
            case ";;":
                guard Prec.span >= minPrec else { return nil }
                advance()
                return try spanRest(left)
            case "!":
                guard Prec.factorial >= minPrec else { return nil }
                advance()
                if isOp("!") && !current.spaceBefore {
                    advance()
                    return Expr(.intern("Factorial2"), left)
                }
                return Expr(.intern("Factorial"), left)
            case "/@", "//@", "@@", "@@@":
                guard Prec.map >= minPrec else { return nil }
                advance()
                let right = try expression(Prec.map)
                switch o {
                case "/@": return Expr(.intern("Map"), left, right)
                case "//@": return Expr(.intern("MapAll"), left, right)
                case "@@": return Expr(.intern("Apply"), left, right)
                default: return Expr(.intern("Apply"), left, right, .list([.integer(1)]))
                }
            case "~":
                guard Prec.infix >= minPrec else { return nil }
                advance()
                let f = try expression(Prec.infix + 1)
                try expect("~")
                let right = try expression(Prec.infix + 1)
                return .call(f, [left, right])
            case "@":
                guard Prec.prefixApply >= minPrec else { return nil }
                advance()
                let right = try expression(Prec.prefixApply)
                return .call(left, [right])
            case "++", "--":
                guard Prec.increment >= minPrec else { return nil }
                advance()
                return Expr(.intern(o == "++" ? "Increment" : "Decrement"), left)
            case "'":
                // `f'` is Derivative[1][f]; each further prime adds one.
                guard Prec.call >= minPrec else { return nil }
                var order = 0
                while isOp("'") { advance(); order += 1 }
                return .call(Expr(.intern("Derivative"), .integer(order)), [left])
            case "[":
                guard Prec.call >= minPrec else { return nil }
                return .call(left, try bracketed("]") { p in try p.sequence(closing: "]") })
            case "[[":
                guard Prec.call >= minPrec else { return nil }
                let parts = try bracketed("]]") { p in
                    let parts = try p.sequence(closing: "]")
                    try p.expect("]")
                    return parts
                }
                return .call(Sym.Part, [left] + parts)
            case "?":
                guard Prec.patternTest >= minPrec else { return nil }
                advance()
                var test = try expression(Prec.patternTest + 1)
                // As in Wolfram's parser, a symbol followed by `:` names a pattern wherever it
                // stands: `x_?NumericQ : 2` is `x_?(NumericQ : 2)`, a test that never holds.
                if case .symbol = test, isOp(":") {
                    advance()
                    test = Expr(Sym.Pattern, test, try expression(Prec.pattern + 1))
                }
                return Expr(Sym.PatternTest, left, test)
            case "::":
                guard Prec.messageName >= minPrec else { return nil }
                var parts = [left]
                while isOp("::") {
                    advance()
                    switch current.kind {
                    case .symbol(let s): parts.append(.string(s))
                    case .atom(.string(let s)): parts.append(.string(s))
                    default: throw error("a message tag is expected after ::")
                    }
                    advance()
                }
                return .call(Sym.MessageName, parts)
            default:
                return nil
            }
        }
    }

    func endsCompound() -> Bool {
        switch current.kind {
        case .eof: return true
        case .newline: return depth == 0
        case .op(let o): return o == ")" || o == "]" || o == "}" || o == "," || o == "|>"
        default: return false
        }
    }

    /// `a b c` and `a*b*c` as one flat Times.
    mutating func timesChain(_ left: Expr, _ minPrec: Int) throws -> Expr {
        var items = [left]
        while true {
            if isOp("*") {
                advance()
                items.append(try expression(Prec.times + 1))
            } else if startsOperand() {
                items.append(try expression(Prec.times + 1))
            } else {
                break
            }
            if depth > 0 { skipNewlines() }
        }
        return .call(Sym.Times, items)
    }

    /// `a < b <= c`: one head when all operators agree, else `Inequality`.
    mutating func comparisonChain(_ left: Expr, first: String) throws -> Expr {
        var operands = [left]
        var ops: [String] = []
        while case .op(let o) = current.kind, let name = Parser.comparisons[o] {
            advance()
            ops.append(name)
            operands.append(try expression(Prec.equal + 1))
            if depth > 0 { skipNewlines() }
        }
        if Set(ops).count == 1 { return .call(Symbol.intern(ops[0]), operands) }
        var items: [Expr] = [operands[0]]
        for (i, o) in ops.enumerated() { items.append(.sym(o)); items.append(operands[i + 1]) }
        return .call(Symbol.intern("Inequality"), items)
    }
}
