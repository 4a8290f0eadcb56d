import Language

/// Names of characters: Wolfram's own (`\[Alpha]`) where the language has one, else the Unicode
/// name in the forms `CharacterName` offers.
enum CharacterNames {
    /// `"LATIN SMALL LETTER A"` as `"LatinSmallLetterA"`.
    static func longName(_ unicode: String) -> String {
        unicode.split(whereSeparator: { $0 == " " || $0 == "-" }).map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
    }

    static func name(_ c: Character, type: String) -> Expr? {
        let scalars = c.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else { return nil }
        let unicode = scalar.properties.name ?? scalar.properties.nameAlias
        switch type {
        case "StandardName": return NamedCharacters.byCharacter[String(c)].map(Expr.string) ?? Expr(Sym.Missing, .string("NotAvailable"))
        case "UnicodeName": return unicode.map(Expr.string) ?? Expr(Sym.Missing, .string("NotAvailable"))
        case "LongName": return unicode.map { .string(longName($0)) } ?? Expr(Sym.Missing, .string("NotAvailable"))
        case "CommonName": return unicode.map { .string($0.lowercased()) } ?? Expr(Sym.Missing, .string("NotAvailable"))
        default:
            if let n = NamedCharacters.byCharacter[String(c)] { return .string(n) }
            return unicode.map { .string(longName($0)) } ?? Expr(Sym.Missing, .string("NotAvailable"))
        }
    }
}

extension Kernel {
    static var characterNameBuiltins: [Builtin] {
        [
            Builtin("CharacterName", [.listable, .protected], usage: "CharacterName[\"c\"] gives the name of the character c: its Wolfram name (\"Alpha\") if it has one, else its Unicode name in long form (\"LatinSmallLetterA\"); CharacterName[n] the name of the character with code n; CharacterName[c, type] a name of type \"StandardName\", \"LongName\", \"UnicodeName\" or \"CommonName\"; CharacterName[\"string\"] the names of its characters.",
                    arity: .between(1, 2), messages: ["type": "`1` is not a known type of character name."],
                    examples: [("CharacterName[\"\\[Alpha]\"]", "Alpha"), ("CharacterName[\"a\", \"UnicodeName\"]", "LATIN SMALL LETTER A"),
                               ("CharacterName[97]", "LatinSmallLetterA")]) { c in
                let type = c.count == 2 ? c[1].asString : "Default"
                guard let type, ["Default", "StandardName", "LongName", "UnicodeName", "CommonName"].contains(type) else {
                    c.message("type", c[1])
                    return nil
                }
                if let n = c[0].asInt {
                    guard n >= 0, let scalar = Unicode.Scalar(UInt32(clamping: n)) else { return nil }
                    return CharacterNames.name(Character(scalar), type: type)
                }
                guard case .string(let s) = c[0] else { return nil }
                let names = s.map { CharacterNames.name($0, type: type) ?? Expr(Sym.Missing, .string("NotAvailable")) }
                return names.count == 1 ? names[0] : .list(names)
            },
        ]
    }
}
