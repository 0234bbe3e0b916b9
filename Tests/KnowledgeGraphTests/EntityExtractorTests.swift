import Analysis
import DocuThinkerCore
import Foundation
@testable import KnowledgeGraph
import Storage
import Testing

/// The offline entity extractor on hand-annotated news (bench/graph) and on the hard cases of
/// real text: sentence starts, titles, possessives, hyphens, acronyms, headlines, surnames.
@Suite("Offline entity extraction")
struct EntityExtractorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The gazetteers `scripts/fetch-gazetteers` installs (bootstrap runs it); a clear failure without them.
    static let gazetteer: Gazetteer = {
        let loaded = Gazetteer.load(directory: root + "/models/gazetteers")
        if let problem = loaded.problem { Issue.record("\(problem)") }
        return loaded.gazetteer
    }()

    static func graph(_ text: String, gazetteer: Gazetteer = Self.gazetteer) -> (DocumentGraph, AnalysisDocument) {
        let document = AnalysisDocument(id: "t", text: text)
        return (EntityExtractor(gazetteer: gazetteer).extract(text: document.text, sentences: document.sentences), document)
    }

    @Test func annotatedNewsScores() throws {
        let extractor = EntityExtractor(gazetteer: Self.gazetteer)
        let dev = EntityEvaluation.run(try EntityEvaluation.load(Self.root + "/bench/graph/news-dev.json"), extractor: extractor)
        // Measured 0.941 / 0.851 (extractor version 1): a regression of a few points fails here.
        #expect(dev.names.f1 >= 0.91, "names F1 \(dev.names.f1)")
        #expect(dev.typed.f1 >= 0.82, "typed F1 \(dev.typed.f1)")
        #expect(dev.byType["date"]!.f1 >= 0.95)
        let test = EntityEvaluation.run(try EntityEvaluation.load(Self.root + "/bench/graph/news-test.json"), extractor: extractor)
        // Held out (never tuned on): measured 0.911 / 0.777.
        #expect(test.names.f1 >= 0.87, "held-out names F1 \(test.names.f1)")
        #expect(test.typed.f1 >= 0.74, "held-out typed F1 \(test.typed.f1)")
        // Without the gazetteers the built-in lists still find the names (measured 0.936 on dev) but type
        // fewer of them right (0.771): the gazetteers earn their place.
        let bare = EntityEvaluation.run(try EntityEvaluation.load(Self.root + "/bench/graph/news-dev.json"),
                                        extractor: EntityExtractor(gazetteer: .builtIn))
        #expect(bare.names.f1 >= 0.88, "built-in lists: \(bare.names.f1)")
        #expect(bare.typed.f1 < dev.typed.f1 - 0.04, "built-in lists typed: \(bare.typed.f1)")
    }

    @Test func everyMentionQuotesOneOfItsEntitysNames() throws {
        for document in try EntityEvaluation.load(Self.root + "/bench/graph/news-dev.json") {
            let (graph, prepared) = Self.graph(document.text)
            let keys = Set(graph.entities.map(\.key))
            #expect(keys.count == graph.entities.count, "one node per entity")
            for entity in graph.entities {
                #expect(entity.aliases.first == nil || entity.aliases.contains(entity.name))
                for mention in entity.mentions {
                    #expect(entity.aliases.contains(prepared.text.slice(mention)), "\(entity.name): \(prepared.text.slice(mention))")
                }
            }
            for relation in graph.relations {
                #expect(keys.contains(relation.source) && keys.contains(relation.target) && relation.source != relation.target)
                #expect(relation.weight == relation.mentions.count && relation.weight >= 1)
            }
            // The same text gives the same graph (re-indexing is idempotent).
            #expect(Self.graph(document.text).0 == graph)
        }
    }

    @Test func theHardCasesOfRealText() throws {
        let text = """
            Apple Unveils New iPhone as Sales Slow in China

            Shares of Apple Inc. fell on Tuesday. However, Apple's chief executive Tim Cook said the Paris-based \
            OECD had praised the U.S.-led plan. Officials said the World Health Organization (WHO) agreed.

            Cook told reporters in New York that Germany's Angela Merkel met Ursula von der Leyen on 3 March 2024. \
            Nvidia Chief Executive Jensen Huang visited the Bank of England. Apple acquired Beats in 2014.
            """
        let (graph, _) = Self.graph(text)
        let byName = Dictionary(graph.entities.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func type(_ name: String) -> String? { byName[name]?.type }
        #expect(type("Apple Inc.") == "organisation" || type("Apple") == "organisation", "\(byName.keys.sorted())")
        let apple = try #require(byName["Apple Inc."] ?? byName["Apple"])
        #expect(Set(apple.aliases).isSuperset(of: ["Apple", "Apple Inc."]), "possessive and legal suffix join the name")
        #expect(apple.mentions.count == 4, "headline, 'Apple Inc.', 'Apple's', 'Apple acquired'")
        #expect(type("Tim Cook") == "person")
        #expect(byName["Tim Cook"]?.aliases.contains("Cook") == true, "the surname at a sentence start joins the full name")
        #expect(type("Paris") == "place", "Paris-based")
        #expect(type("OECD") == "organisation")
        #expect(type("U.S.") == "place")
        #expect(byName["World Health Organization"]?.aliases == ["World Health Organization", "WHO"])
        #expect(type("New York") == "place")
        #expect(type("Germany") == "place")
        #expect(type("Angela Merkel") == "person")
        #expect(type("Ursula von der Leyen") == "person")
        #expect(type("3 March 2024") == "date" && type("Tuesday") == "date" && type("2014") == "date")
        #expect(type("Jensen Huang") == "person" && type("Nvidia") == "organisation", "a title inside splits the span")
        #expect(type("Bank of England") == "organisation")
        #expect(type("China") == "place", "a headline name the gazetteer knows")
        for noise in ["Shares", "However", "Officials", "Unveils", "New iPhone", "Apple Unveils New", "Sales", "Slow"] {
            #expect(byName[noise] == nil, "\(noise) is not a name")
        }
        let acquired = graph.relations.first { $0.label == "acquired" }
        #expect(acquired?.source == apple.key && acquired?.target == byName["Beats"]?.key, "the verb between two names labels the edge")
    }

    @Test func aOneLetterNameIsNeverTakenForASurname() throws {
        // Seen in the R manual: "Allan R." (a line break before "Wilks") swallowed all 282 mentions of R.
        let text = "The S language came from Allan R.\nWilks at Bell Laboratories. "
            + (1...12).map { "Many people draw plot number \($0) in R every day." }.joined(separator: " ")
        let (graph, _) = Self.graph(text)
        let r = try #require(graph.entities.first { $0.name == "R" }, "\(graph.entities.map(\.name))")
        #expect(r.mentions.count == 12)
        #expect(!graph.entities.contains { $0.name.hasPrefix("Allan") && $0.aliases.contains("R") })
    }

    @Test func documentReferencesAndCodeWordsAreNotNames() throws {
        let text = """
            See Section 4 for details. The function returns TRUE when the value is true. Use Appendix F \
            for the rest. Set X to 3 and call the routine again.
            """
        let (graph, _) = Self.graph(text)
        #expect(graph.entities.filter { $0.type != "date" }.isEmpty, "\(graph.entities.map(\.name))")
    }
}
