import Foundation
import Language

/// What the kernel says about a name the parser meets for the first time, as the Wolfram
/// Language does:
/// - `General::spell1` (or `General::spell` for several) when it is one edit (a letter inserted,
///   deleted, changed, or two neighbours swapped) from an existing symbol: a builtin, a defined
///   symbol or a Wolfram System name (`Lenght` -> `Length`). Names of one or two letters are not
///   checked, and a name is compared only with names whose first letter has the same case and
///   that differ from it in more than capitals: a learner's `net`, `data` or `image` is not a
///   misspelling of `Set`, `Date` or `Image`.
/// - `General::nobuiltin`, the first time it is called, for a Wolfram System function nets does
///   not implement (`ParallelTable[...]`), instead of staying unevaluated without a word.
///
/// The check runs only when the parser makes a new symbol, never during evaluation. The Wolfram
/// names come from `$$wolframSystemNames` in stdlib/CoreKernel/systemnames.nets (where the list
/// came from is written there), read as data the first time they are needed, so start-up does
/// not pay for them.
enum Spelling {
    static func install() {
        Symbol.onNewSymbol = { s in check(s) }
    }

    /// The standard library file that lists the Wolfram System names (read as data, not evaluated).
    static let namesFile = "systemnames.nets"

    /// The Wolfram System names: the string `$$wolframSystemNames` of `namesFile`, one name a
    /// line, read once, when the first new symbol is checked.
    static let wolframNames: Set<String> = {
        guard let text = stdlibSources.first(where: { $0.name == namesFile })?.text,
              let open = text.range(of: "$$wolframSystemNames = \""),
              let close = text.range(of: "\"", range: open.upperBound..<text.endIndex) else { return [] }
        return Set(text[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init))
    }()

    /// The bytes of the names list, sorted, one name a line: `isWolframName` searches them without
    /// building `wolframNames` (start-up asks it of the few hundred names the libraries mention).
    static let sortedNames: [UInt8] = {
        guard let text = stdlibSources.first(where: { $0.name == namesFile })?.text else { return [] }
        let bytes = Array(text.utf8), marker = Array("$$wolframSystemNames = \"".utf8)
        guard bytes.count > marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<$0 + marker.count].elementsEqual(marker) }),
              let end = bytes[(start + marker.count)...].firstIndex(of: UInt8(ascii: "\"")) else { return [] }
        return Array(bytes[(start + marker.count)..<end])
    }()

    /// Whether name is a Wolfram System name: a binary search over the sorted lines.
    static func isWolframName(_ name: String) -> Bool {
        let key = Array(name.utf8), b = sortedNames, newline = UInt8(ascii: "\n")
        var lo = 0, hi = b.count  // whole lines: b[lo..<hi]
        while lo < hi {
            var start = (lo + hi) / 2
            while start > lo && b[start - 1] != newline { start -= 1 }
            var end = start
            while end < hi && b[end] != newline { end += 1 }
            let line = b[start..<end]
            if line.elementsEqual(key) { return true }
            if line.lexicographicallyPrecedes(key) { lo = end + 1 } else { hi = start }
        }
        return false
    }

    static func check(_ s: Symbol) {
        guard let session = Session.current, !s.isSystem else { return }
        let name = s.name
        if wolframNames.contains(name) {
            markUnimplemented(s)
            return
        }
        guard name.unicodeScalars.count >= 3, !name.hasPrefix("$$") else { return }
        let similar = similarNames(name)
        guard !similar.isEmpty else { return }
        let notes = session.state(ParseMessages.self) { ParseMessages() }
        let general = Symbol.intern("General")
        if similar.count == 1 {
            notes.pending.append((general, "spell1",
                "Possible spelling error: new symbol name \"\(name)\" is similar to existing symbol \"\(similar[0])\"."))
        } else {
            notes.pending.append((general, "spell",
                "Possible spelling error: new symbol name \"\(name)\" is similar to existing symbols {\(similar.joined(separator: ", "))}."))
        }
    }

    /// Existing names one edit from `name`: builtins and the standard library's functions, the
    /// Wolfram System names, and the session's defined symbols (while the session has fewer than
    /// `sessionLimit` symbols, so that making many symbols stays linear); sorted.
    static func similarNames(_ name: String) -> [String] {
        let a = Array(name.utf8)
        let lower = name.lowercased()
        let upper = a.first.map(isUpper) ?? false
        var found: Set<String> = []
        func consider(_ other: String) {
            let u = other.utf8
            guard abs(a.count - u.count) <= 1, let f = u.first, isUpper(f) == upper,
                  oneEditApart(a, Array(u)), other.lowercased() != lower else { return }
            found.insert(other)
        }
        let byLength = systemNamesByLength()
        for n in (a.count - 1)...(a.count + 1) { byLength[n]?.forEach(consider) }
        if Symbol.sessionSymbolCount < sessionLimit {
            for s in Symbol.sessionSymbols where s.hasDefinitions && s.name != name { consider(s.name) }
        }
        return found.sorted()
    }

    static let sessionLimit = 1_000

    /// The Wolfram names and the names of the installed builtins and library functions, by length
    /// in bytes; made again when more builtins have been installed.
    static func systemNamesByLength() -> [Int: [String]] {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let c = cache, c.builtins == Builtin.installed.count { return c.names }
        var names = wolframNames
        for s in Symbol.all where s.isSystem && !s.name.hasPrefix("$$") && (s.builtin != nil || s.usage != nil || s.hasDefinitions) {
            names.insert(s.name)
        }
        let byLength = Dictionary(grouping: names, by: { $0.utf8.count })
        cache = (Builtin.installed.count, byLength)
        return byLength
    }

    nonisolated(unsafe) private static var cache: (builtins: Int, names: [Int: [String]])?
    private static let cacheLock = NSLock()

    static func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }

    /// Whether b is a with one byte inserted, deleted or changed, or two neighbours swapped.
    static func oneEditApart(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return false }
        if a.count == b.count {
            guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return false }
            if a[(i + 1)...] == b[(i + 1)...] { return true }
            return i + 1 < a.count && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)...] == b[(i + 2)...]
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        let i = short.indices.first(where: { short[$0] != long[$0] }) ?? short.count
        return short[i...] == long[(i + 1)...]
    }

    /// Gives a Wolfram System function that nets lacks a builtin that says so, once, when it is
    /// first called (unless the user has defined it meanwhile).
    static func markUnimplemented(_ s: Symbol) {
        s.builtin = { [unowned s] c in
            s.builtin = nil
            guard !s.hasDefinitions else { return nil }
            c.evaluator.messages.issue(Symbol.intern("General"), "nobuiltin",
                text: "\"\(s.name)\" is a Wolfram Language function that nets does not implement.")
            return nil
        }
    }
}

/// Near misses for a name the user gave that is not one of a known set: an option (`"Stide"` ->
/// `"Stride"`), a model, a data set, an activation, an encoder, a symbol. One helper, so every
/// "Did you mean ...?" in nets finds names the same way.
///
/// A candidate is close when it equals the word but for capitals (`"mnist"` -> `"MNIST"`), is
/// within a third of the word's length in edits (letters inserted, deleted, changed or two
/// neighbours swapped, capitals ignored), or contains the word (at least three letters) as a
/// whole word or prefix (`"mobilenet"` -> `"MobileNet V2 Trained on ImageNet Competition Data"`).
/// Closest first, at most `limit`; only the names equal but for capitals when there are any.
public enum Suggestion {
    /// Words longer than this get no suggestion, so that a long input costs nothing.
    static let longestWord = 64

    public static func closest(_ word: String, among candidates: [String], limit: Int = 3) -> [String] {
        let w = Array(word.lowercased().unicodeScalars)
        guard !w.isEmpty, w.count <= longestWord else { return [] }
        var scored: [(score: Int, name: String)] = []
        for name in Set(candidates) where name != word {
            let lower = name.lowercased()
            let n = Array(lower.unicodeScalars)
            if n == w { scored.append((0, name)); continue }
            let allowed = max(1, w.count / 3)
            if abs(n.count - w.count) <= allowed, let d = distance(w, n, atMost: allowed) {
                scored.append((d, name))
            } else if w.count >= 3, lower.hasPrefix(String(String.UnicodeScalarView(w))) || lower.contains(" " + String(String.UnicodeScalarView(w))) {
                scored.append((longestWord, name))
            }
        }
        // A name that differs only in capitals is the one meant: the others are not offered.
        if scored.contains(where: { $0.score == 0 }) { scored.removeAll { $0.score > 0 } }
        return scored.sorted { ($0.score, $0.name) < ($1.score, $1.name) }.prefix(limit).map(\.name)
    }

    /// `" Did you mean \"Stride\"?"` (with a leading space, to append to a message), or `""` when
    /// nothing is close. `quote` writes the names as strings; otherwise as symbols.
    public static func didYouMean(_ word: String, among candidates: [String], quote: Bool = true) -> String {
        let found = closest(word, among: candidates).map { quote ? "\"\($0)\"" : $0 }
        switch found.count {
        case 0: return ""
        case 1: return " Did you mean \(found[0])?"
        default: return " Did you mean " + found.dropLast().joined(separator: ", ") + " or \(found[found.count - 1])?"
        }
    }

    /// The optimal-string-alignment distance between a and b, or nil when it exceeds `atMost`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost limit: Int) -> Int? {
        guard b.count <= longestWord * 2 else { return nil }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            row[0] = i
            var best = row[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                row[j] = d
                best = min(best, d)
            }
            if best > limit { return nil }
            (before, previous, row) = (previous, row, before)
        }
        let d = previous[b.count]
        return d <= limit ? d : nil
    }
}
