import Language

/// How many arguments a builtin takes (options not counted): checked once, centrally, with the
/// standard messages (`f::argx`, `argr`, `argrx`, `argt`, `argb`, `argm`).
public enum Arity: Sendable, Equatable {
    /// Any number: the builtin checks for itself (or takes sequences).
    case any
    case exactly(Int)
    case between(Int, Int)
    case atLeast(Int)

    /// The fewest arguments admitted: the arguments before any options.
    public var minimum: Int {
        switch self {
        case .any: return 0
        case .exactly(let k), .between(let k, _), .atLeast(let k): return k
        }
    }

    public func admits(_ n: Int) -> Bool {
        switch self {
        case .any: return true
        case .exactly(let k): return n == k
        case .between(let lo, let hi): return n >= lo && n <= hi
        case .atLeast(let k): return n >= k
        }
    }
}

/// A builtin function, declared in one record: its name, attributes, usage text (shown by `?name`,
/// with an example), the messages it issues, its options with their defaults, how many arguments
/// it takes, examples the test suite runs, and its implementation. Each kernel library lists the
/// records of its topic files; `Kernel` installs them on their symbols.
///
/// The dispatcher checks the declared arity and rejects unknown options (`General::optx`) before
/// the implementation runs, so an implementation sees only calls of the declared shape; option
/// values are read by name with `Call.option(_:)`, which applies the declared defaults.
public struct Builtin {
    public let name: String
    public let attributes: Attributes
    public let usage: String
    public let arity: Arity
    /// Default options, as `Options[name]` lists them; options not listed here are rejected.
    public let options: [(String, Expr)]
    /// Message texts by tag (`name::tag`), beside the general ones.
    public let messages: [String: String]
    /// Inputs and the OutputForm of their results, run by the test suite and shown by `??name`.
    public let examples: [(input: String, output: String)]
    public let function: BuiltinFunction?
    /// Implementation for `name[...][...]` (e.g. `Function[x, body][arg]`).
    public let subValue: BuiltinFunction?

    /// A trailing closure is the builtin's implementation (`function`); `subValue` is labeled.
    public init(_ name: String, _ attributes: Attributes = [], usage: String, arity: Arity = .any,
                options: [(String, Expr)] = [], messages: [String: String] = [:],
                examples: [(String, String)] = [],
                _ function: BuiltinFunction? = nil, subValue: BuiltinFunction? = nil) {
        self.name = name
        self.attributes = attributes
        self.usage = usage
        self.arity = arity
        self.options = options
        self.messages = messages
        self.examples = examples.map { (input: $0.0, output: $0.1) }
        self.function = function
        self.subValue = subValue
    }

    /// The usage text with the first example appended ("Example: Length[{a, b, c}] gives 3."),
    /// unless the text gives one itself.
    public var documentedUsage: String {
        guard let e = examples.first, !Builtin.givesExample(usage) else { return usage }
        let text = usage.hasSuffix(".") || usage.hasSuffix("?") ? usage : usage + "."
        // An example of several inputs (In, Out) reads as one input then the next.
        let input = e.input.split(separator: "\n").joined(separator: " then ")
        return "\(text) Example: \(input) gives \(e.output)."
    }

    /// Whether a usage text contains "Example:": a byte search, since it runs for every builtin at
    /// start-up, where Foundation's `contains` (CFStringFind) showed in the profile at about 2%.
    static func givesExample(_ usage: String) -> Bool {
        let needle = Array("Example:".utf8)
        var text = usage
        return text.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            for i in 0...(bytes.count - needle.count) where bytes[i] == needle[0] {
                if (1..<needle.count).allSatisfy({ bytes[i + $0] == needle[$0] }) { return true }
            }
            return false
        }
    }

    /// Puts the record on its symbol: attributes, usage, options, messages, and the
    /// implementation behind the central arity and option checks.
    func install() {
        Builtin.installed[name] = self
        let s = Symbol.intern(name)
        s.attributes = attributes
        s.usage = documentedUsage
        s.options = options.map { .rule(.sym($0.0), $0.1) }
        for (tag, text) in messages { s.messages[tag] = text }
        if let sub = subValue { SubValueBuiltins.register(s, sub) }
        let form = Builtin.operatorForms[name]
        if let form { SubValueBuiltins.register(s, Builtin.operatorFormValue(form, s)) }
        guard let function else { s.builtin = nil; return }
        let arity = self.arity
        let known = Set(options.map(\.0))
        if arity == .any && known.isEmpty && form == nil {
            s.builtin = function
            return
        }
        s.builtin = { c in
            // Options are the trailing rules after the arguments the arity requires, so data that
            // looks like options (`Classify[{"red" -> "warm", ...}]`) stays data.
            let options = known.isEmpty ? 0 : Swift.min(c.trailingOptionCount, Swift.max(0, c.count - arity.minimum))
            let n = c.count - options
            // The operator form `F[a...]` stays as it is until applied.
            if let form, options == 0, n == form.arity, arity == .any || !arity.admits(n) { return nil }
            guard arity.admits(n) else { return c.argCount(arity, given: n) }
            if options > 0, let bad = c.unknownOption(known, among: options) {
                c.unknownOptionMessage(bad, known: known)
                return nil
            }
            return try function(c)
        }
    }
}

extension Builtin {
    /// The installed records by name, for `??name` and the tests that run every example.
    nonisolated(unsafe) package static var installed: [String: Builtin] = [:]
}

extension Call {
    /// How many trailing arguments are options: rules (or lists of rules) whose left sides are
    /// names, as `OptionQ` has it; `{1, 2} -> {3, 4}` is data, not an option.
    var trailingOptionCount: Int {
        var n = 0
        for a in args.reversed() {
            let rules = optionRules(a)
            guard !rules.isEmpty, rules.allSatisfy({ optionName($0.args[0]) != nil }) else { break }
            n += 1
        }
        return n
    }

    /// The name of the first of the last `count` arguments' options that is not one of `known`.
    func unknownOption(_ known: Set<String>, among count: Int) -> Expr? {
        for a in args.suffix(count) {
            for r in optionRules(a) where !known.contains(optionName(r.args[0]) ?? "") { return r.args[0] }
        }
        return nil
    }

    /// Issues `f::optx` for an option `f` does not know, with the known names close to it
    /// (`"Stide"` -> Did you mean "Stride"?).
    public func unknownOptionMessage(_ bad: Expr, known: Set<String>) {
        let text = evaluator.messages.text(symbol, "optx", [bad, whole])
        let name = optionName(bad) ?? ""
        message("optx", text: text + Suggestion.didYouMean(name, among: Array(known), quote: bad.asString != nil))
    }

    /// Issues the standard message for a call with the wrong number of arguments and returns nil.
    public func argCount(_ arity: Arity, given n: Int) -> Expr? {
        let f = Expr.symbol(symbol)
        switch arity {
        case .any:
            break
        case .exactly(let e):
            if e == 1 { message("argx", f, .integer(n)) } else if n == 1 {
                message("argr", f, .integer(e))
            } else {
                message("argrx", f, .integer(n), .integer(e))
            }
        case .between(let lo, let hi):
            if n == 1 { message(lo + 1 == hi ? "argtu" : "argbu", f, .integer(lo), .integer(hi)) }
            else if lo + 1 == hi { message("argt", f, .integer(n), .integer(lo), .integer(hi)) }
            else { message("argb", f, .integer(n), .integer(lo), .integer(hi)) }
        case .atLeast(let k):
            if k == 1 { message("argx", f, .integer(n)) }
            else if n == 1 { message("argmu", f, .integer(k)) }
            else { message("argm", f, .integer(n), .integer(k)) }
        }
        return nil
    }
}

/// The option rules `e` holds: itself, or a list (nested a few levels at most) of nothing but
/// option rules; anything else is data and holds none. The scan stops at the first element that
/// is not a rule, so a large data argument (a million rows given to Export) costs nothing.
private func optionRules(_ e: Expr, depth: Int = 0) -> [Expr] {
    if isOptionRule(e) { return [e] }
    guard depth < 8, let items = e.listItems else { return [] }
    var rules: [Expr] = []
    for item in items {
        let r = optionRules(item, depth: depth + 1)
        if r.isEmpty { return [] }
        rules += r
    }
    return rules
}

/// Attributes shared by most numeric functions.
extension Attributes {
    public static let numeric: Attributes = [.listable, .numericFunction, .protected]
}
