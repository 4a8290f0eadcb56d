import CoreKernel
import Language
import LearnKernel
import NetsKernel
import Testing

/// The standard library is embedded parsed (see `ParsedForm`): each file's form, made at build
/// time, reads back exactly what parsing its text gives, and holds no syntax error.
@Suite struct StandardLibraryFormTests {
    static let libraries: [any Library.Type] = [CoreLibrary.self, NetsLibrary.self, LearnLibrary.self]

    @Test func everyFileReadsBackWhatItsTextParsesTo() throws {
        var files = 0
        for library in Self.libraries {
            for (name, text) in library.sources {
                let form = try #require(library.parsedSources[name], "\(library.name)/\(name) has no parsed form")
                let read = try #require(ParsedForm.decode(form), "\(library.name)/\(name)")
                let parsed = try Parser.parseProgram(text)
                #expect(read.error == nil, "\(name): \(read.error ?? "")")
                #expect(read.exprs.count == parsed.count, "\(name)")
                #expect(zip(read.exprs, parsed).allSatisfy { $0 == $1 }, "\(name)")
                files += 1
            }
        }
        #expect(files >= 25)
    }
}
