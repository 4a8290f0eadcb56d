/// `Short` and `Shallow`: an expression with runs of its parts replaced by `Skeleton[k]`, which
/// prints as `<<k>>`, as Wolfram abbreviates outputs. Both are transformations of expressions;
/// the printer renders the result.
public enum Skeletons {
    /// Characters of one output line (Wolfram's default `PageWidth`).
    public static let pageWidth = 78

    static let skeleton = Symbol.system("Skeleton")

    /// `Skeleton[k]`: k parts left out.
    public static func skeleton(_ k: Int) -> Expr { .call(skeleton, [.integer(k)]) }

    /// `Short[e, lines]`: `e` abbreviated from within so that its OutputForm takes about `lines`
    /// lines: the longest run of first and last parts that fits, around `<<k>>`, at the level
    /// where the expression is long (a list of one long list is shortened inside).
    public static func short(_ e: Expr, lines: Double = 1) -> Expr {
        let width = max(12, Int((Double(pageWidth) * max(lines, 0.1)).rounded()))
        return shorten(e, width, depth: 0)
    }

    /// `Shallow[e, {depth, length}]`: parts below `depth` levels as `<<k>>` (k their length), and
    /// of any part with more than `length` elements the first `length` then `<<rest>>`.
    /// `nil` for depth or length means no limit (Infinity).
    public static func shallow(_ e: Expr, depth: Int?, length: Int?) -> Expr {
        shallow(e, depth: depth, length: length, level: 1)
    }

    private static func shallow(_ e: Expr, depth: Int?, length: Int?, level: Int) -> Expr {
        guard level < 2_000, let (head, args, rebuild) = parts(e) else { return e }
        if let depth, level > depth { return skeleton(args.count) }
        var kept = args
        var rest = 0
        if let length, args.count > length {
            kept = Array(args.prefix(length))
            rest = args.count - length
        }
        var out = kept.map { shallow($0, depth: depth, length: length, level: level + 1) }
        if rest > 0 { out.append(skeleton(rest)) }
        return rebuild(head, out)
    }

    /// A compound expression's head, parts and how to put it back together with other parts (an
    /// association as `Association[rules...]`, which prints as `<|...|>`); nil for atoms.
    private static func parts(_ e: Expr) -> (Expr, [Expr], (Expr, [Expr]) -> Expr)? {
        switch e {
        case .normal(let n):
            if n.args.isEmpty { return nil }
            return (n.head, n.args, { h, a in .normal(Normal(h, a)) })
        case .association(let a):
            if a.entries.isEmpty { return nil }
            let rules: [Expr] = a.entries.map { k, v in .call(a.delayed.contains(k) ? Sym.RuleDelayed : Sym.Rule, [k, v]) }
            return (.symbol(Sym.Association), rules, { h, a in .normal(Normal(h, a)) })
        default:
            return nil
        }
    }

    /// The OutputForm text of `e`, rendered up to about `cap` parts; `complete` is false when the
    /// expression has more and the text was cut short.
    public static func outputText(_ e: Expr, cap: Int) -> (text: String, complete: Bool) {
        let p = Printer(.output, limit: cap)
        let text = p.string(e)
        return (text, p.budget.remaining >= 0)
    }

    /// The OutputForm text of `e` when it has at most `width` characters, else nil; stops
    /// rendering soon after `width`, so measuring a huge expression is cheap.
    static func fitting(_ e: Expr, _ width: Int) -> String? {
        let p = Printer(.output, limit: width + 1)
        let text = p.string(e)
        guard p.budget.remaining >= 0, text.count <= width else { return nil }
        return text
    }

    private static func shorten(_ e: Expr, _ width: Int, depth: Int) -> Expr {
        if depth > 200 || fitting(e, width) != nil { return e }
        if case .string(let s) = e { return shortString(s, width) }
        guard let (head, args, rebuild) = parts(e) else { return e }
        let overhead = (fitting(rebuild(head, [.string("")]), 200)?.count ?? 20) + 2
        if args.count == 1 { return rebuild(head, [shorten(args[0], max(8, width - overhead), depth: depth + 1)]) }
        func candidate(_ k: Int) -> Expr {
            if 2 * k >= args.count { return rebuild(head, args) }
            return rebuild(head, Array(args.prefix(k)) + [skeleton(args.count - 2 * k)] + Array(args.suffix(k)))
        }
        if fitting(candidate(1), width) == nil {
            // Even the first and last parts are too long: shorten them too.
            let each = max(8, (width - overhead - 8) / 2)
            let ends = [shorten(args[0], each, depth: depth + 1)] + (args.count > 2 ? [skeleton(args.count - 2)] : []) + [shorten(args[args.count - 1], each, depth: depth + 1)]
            return rebuild(head, ends)
        }
        var lo = 1, hi = (args.count + 1) / 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if fitting(candidate(mid), width) != nil { lo = mid } else { hi = mid - 1 }
        }
        return candidate(lo)
    }

    /// A long string as its first and last characters around `<<k>>`.
    private static func shortString(_ s: String, _ width: Int) -> Expr {
        let keep = max(2, width - 8)
        let front = keep / 2 + keep % 2, back = keep / 2
        let count = s.count
        guard count > front + back else { return .string(s) }
        return .string(String(s.prefix(front)) + "<<\(count - front - back)>>" + String(s.suffix(back)))
    }
}
