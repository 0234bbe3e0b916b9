import DocuThinkerCore
@testable import Extraction
import Foundation
import FuzzTargets
import Testing

/// Every input a fuzzer ever found (`Tests/Fixtures/fuzz/TARGET/`, committed with its fix) is
/// replayed through its target, and every fixture through every target: none may crash or hang.
@Suite("Fuzz finds stay fixed")
struct FuzzRegressionTests {
    static let finds: [(target: String, file: URL)] = {
        let root = Fixtures.directory.appendingPathComponent("fuzz")
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return targets.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(target).path)) ?? []).sorted()
                .map { (target, root.appendingPathComponent(target).appendingPathComponent($0)) }
        }
    }()

    @Test func everyFindIsReplayedThroughItsTarget() throws {
        #expect(!Self.finds.isEmpty)
        for (target, file) in Self.finds {
            #expect(FuzzTargets.names.contains(target), "\(target) is a fuzz target")
            #expect(FuzzTargets.run(target, try Data(contentsOf: file)), "\(file.lastPathComponent)")
        }
    }

    @Test func everyFixtureRunsThroughEveryTarget() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: Fixtures.directory.path).filter { !$0.hasPrefix(".") }
        for name in fixtures.sorted() {
            var isDirectory: ObjCBool = false
            let url = Fixtures.directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: url)
            for target in FuzzTargets.names { #expect(FuzzTargets.run(target, data)) }
        }
        #expect(!FuzzTargets.run("no-such-target", Data()))
    }

    /// The first finds (in Ink, the Markdown parser then): brackets opened and never closed,
    /// an unclosed tag and a list read past its end. Markdown now goes through cmark-gfm.
    @Test func markdownThatBrokeTheOldParserReadsAsMarkdown() throws {
        let nested = String(repeating: "[", count: 40) + " text"
        let source = "# Title\n\n" + nested + "\n\n<p\n\n+ item\n\t+ nested\n\nAfter [a link](https://example.org) and ~~gone~~.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        let result = try DocumentExtractor().extract(Data(source.utf8))
        #expect(result.format == .markdown && result.metadata.title == "Title")
        #expect(result.text.contains(nested), "the brackets are shown as written")
        #expect(result.text.contains("After a link and gone."), "links and strikethrough lose their marks")
        #expect(result.text.contains("1\t2"), "a table row is a block with its cells")
        #expect(result.blocks.contains { $0.kind == .listItem })
    }
}
