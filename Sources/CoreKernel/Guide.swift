import Language

/// A topic of `Guide`: the names that belong together (builtins, library functions, or wildcard
/// patterns such as `"*Layer"`), each shown with the first sentence of its usage; inputs that
/// list what can be loaded (`NetModel[]`); and, for the topic's main names, the related names
/// `?name` shows under "See also". Each library declares its topics (`Library.guide`).
public struct GuideTopic: Sendable {
    public let name: String
    public let summary: String
    public let names: [String]
    /// Inputs whose values (lists of strings) are what the topic's functions can load.
    public let loadable: [String]
    /// Related names of the topic's main functions, for `?name`.
    public let seeAlso: [String: [String]]

    public init(_ name: String, _ summary: String, names: [String], loadable: [String] = [],
                seeAlso: [String: [String]] = [:]) {
        self.name = name
        self.summary = summary
        self.names = names
        self.loadable = loadable
        self.seeAlso = seeAlso
    }
}

/// The installed libraries' guide topics, in the order the libraries were installed.
enum Guide {
    nonisolated(unsafe) static var topics: [GuideTopic] = []

    static func register(_ more: [GuideTopic]) {
        for t in more where !topics.contains(where: { $0.name == t.name }) { topics.append(t) }
    }

    static func topic(_ name: String) -> GuideTopic? {
        topics.first { $0.name == name } ?? topics.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The documented names of a topic, its wildcard patterns expanded, in the order given.
    static func names(of topic: GuideTopic) -> [String] {
        var out: [String] = []
        for n in topic.names {
            let found = n.contains("*") ? symbolNames(matching: n) : [n]
            for f in found where !out.contains(f) && Symbol.lookup(f)?.usage != nil { out.append(f) }
        }
        return out
    }

    /// The first sentence of a usage text, at most `width` characters.
    static func firstSentence(_ usage: String, width: Int = 96) -> String {
        var s = Substring(usage)
        for stop in [". ", "; "] { if let r = s.range(of: stop) { s = s[..<r.lowerBound] } }
        if s.hasSuffix(".") { s = s.dropLast() }
        return s.count > width ? String(s.prefix(width - 3)) + "..." : String(s)
    }

    /// The text `Guide[topic]` prints: the summary, one line a name, then what can be loaded.
    static func text(_ topic: GuideTopic, _ c: Call) throws -> String {
        let names = names(of: topic)
        let width = (names.map(\.count).max() ?? 0) + 2
        var lines = ["\(topic.name): \(topic.summary)"]
        for n in names {
            let usage = Symbol.lookup(n)?.usage ?? ""
            lines.append("  " + n.padding(toLength: width, withPad: " ", startingAt: 0) + firstSentence(usage))
        }
        for input in topic.loadable {
            guard let e = try? Parser.parseExpression(input), let items = try c.evaluate(e).listItems,
                  !items.isEmpty else { continue }
            let shown = items.map { $0.asString.map { "\"\($0)\"" } ?? OutputForm.string($0) }
            lines.append("\(input) lists: " + shown.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// What `?name` shows under "See also": the related names declared for it, then the guide
    /// topics it belongs to; nil when it has neither.
    static func seeAlso(_ name: String) -> String? {
        var related: [String] = []
        for t in topics { for r in t.seeAlso[name] ?? [] where !related.contains(r) { related.append(r) } }
        let inTopics = topics.filter { t in t.names.contains { $0.contains("*") ? wildcardMatch($0, name) : $0 == name } }
        var parts = related.filter { Symbol.lookup($0)?.usage != nil }.joined(separator: ", ")
        let guides = inTopics.map { "Guide[\"\($0.name)\"]" }.joined(separator: ", ")
        if !guides.isEmpty { parts += (parts.isEmpty ? "" : "; ") + guides }
        return parts.isEmpty ? nil : "See also: \(parts)."
    }
}

extension Kernel {
    static var guideBuiltins: [Builtin] {
        [
            Builtin("Guide", [], usage: "Guide[] lists the topics of the guide; Guide[\"topic\"] lists what exists on a topic (\"Layers\", \"Nets\", \"Models\", \"Data\", \"Plots\", \"Learning\", \"Lists\", ...) with one line each, and what can be loaded. The Wolfram Language's guides are pages of its documentation; this is their text in nets.",
                    arity: .between(0, 1),
                    messages: ["notopic": "There is no guide topic `1`; Guide[] lists them."],
                    examples: [("Guide[\"Lists\"]", "Null")]) { c in
                if c.count == 0 {
                    let width = (Guide.topics.map(\.name.count).max() ?? 0) + 2
                    let lines = Guide.topics.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary }
                    c.evaluator.printer((["Guide[\"topic\"] lists what exists on a topic:"] + lines).joined(separator: "\n"))
                    return .null
                }
                guard let name = c[0].asString, let topic = Guide.topic(name) else {
                    let asked = c[0].asString ?? ""
                    let hint = Suggestion.didYouMean(asked, among: Guide.topics.map(\.name))
                    c.message("notopic", text: c.evaluator.messages.text(c.symbol, "notopic", [c[0]]) + hint)
                    return .failed
                }
                c.evaluator.printer(try Guide.text(topic, c))
                return .null
            },
            // For the standard library's messages: `Message[f::tag, name, $$didYouMean[name, names]]`.
            Builtin("$$didYouMean", [], usage: "$$didYouMean[word, {name1, ...}] gives \" Did you mean \\\"name\\\"?\" for the names close to word (capitals ignored, a few letters wrong, or a prefix), or \"\" when none is: a text to append to a message.",
                    arity: .exactly(2), examples: [("\"No data set mnist.\" <> $$didYouMean[\"mnist\", {\"MNIST\", \"FisherIris\"}]", "No data set mnist. Did you mean \"MNIST\"?")]) { c in
                guard let word = c[0].asString, let names = c[1].listItems?.compactMap(\.asString) else { return nil }
                return .string(Suggestion.didYouMean(word, among: names))
            },
        ]
    }

    /// The language library's guide topics.
    static let coreGuide: [GuideTopic] = [
        GuideTopic("Lists", "making, taking apart and rearranging lists.",
                   names: ["Range", "Table", "Array", "Length", "Part", "Take", "Drop", "First", "Last", "Rest", "Most",
                           "Append", "Prepend", "Join", "Flatten", "Partition", "Transpose", "Reverse", "Sort", "SortBy",
                           "Select", "Cases", "Count", "Tally", "Union", "DeleteDuplicates", "GroupBy", "Total", "Accumulate",
                           "RandomSample", "RandomChoice", "Dimensions"],
                   seeAlso: ["Range": ["Table", "Array", "Subdivide"], "Table": ["Range", "Array", "Map", "Do"],
                             "Part": ["Take", "Drop", "Extract", "First", "Last"], "Take": ["Drop", "Part", "Most", "Rest"],
                             "Length": ["Dimensions", "Count", "Total"], "Select": ["Cases", "Pick", "Count"],
                             "Sort": ["SortBy", "Reverse", "Ordering"], "Partition": ["Flatten", "Transpose", "Riffle"]]),
        GuideTopic("Functional", "applying functions to lists and building them.",
                   names: ["Map", "Apply", "MapThread", "MapIndexed", "Thread", "Function", "Fold", "FoldList", "Nest",
                           "NestList", "FixedPoint", "Through", "Composition", "Scan", "Do", "Module", "With", "If", "Which", "Switch"],
                   seeAlso: ["Map": ["Apply", "MapThread", "Scan", "Table"], "Apply": ["Map", "Total", "Sequence"],
                             "Function": ["Map", "Slot", "Apply"], "Fold": ["FoldList", "Nest", "Total"]]),
        GuideTopic("Strings", "text: joining, splitting, matching and replacing.",
                   names: ["StringJoin", "StringSplit", "StringLength", "StringTake", "StringReplace", "StringContainsQ",
                           "StringCases", "ToUpperCase", "ToLowerCase", "Characters", "TextWords", "ToString", "ToExpression"],
                   seeAlso: ["StringSplit": ["StringJoin", "TextWords", "Characters"], "StringReplace": ["StringCases", "Replace"]]),
        GuideTopic("Associations", "key-value tables.",
                   names: ["Association", "Keys", "Values", "Lookup", "KeyTake", "KeyDrop", "KeySelect", "AssociationMap",
                           "Counts", "GroupBy", "Merge", "Normal"],
                   seeAlso: ["Association": ["Keys", "Values", "Lookup", "Normal"], "Counts": ["Tally", "GroupBy"]]),
        GuideTopic("Help", "finding what exists.",
                   names: ["Guide", "Information", "Names", "Options", "Attributes"],
                   seeAlso: ["Information": ["Names", "Guide", "Options"], "Names": ["Information", "Guide"]]),
    ]
}
