import DocuThinkerCore
@testable import KnowledgeGraph
import Storage
import TextProcessing
import Testing

/// A model's proposals checked against the passage: what the text says is kept with exact spans,
/// what it does not say is dropped, and the result merges into the offline graph as one entity.
@Suite("LLM graph extraction: checking and merging")
struct LLMGraphValidatorTests {
    // Accents and an emoji before the names: offsets are code points, not UTF-16 units or bytes.
    static let text = """
        Café ☕️ notes. In 1843 Ada Lovelace worked with Charles Babbage in London. She wrote about the Analytical
        Engine. Babbage admired Lovelace.
        """

    let scalars = ScalarText(text)
    var validator: LLMGraphValidator { LLMGraphValidator(text: scalars, sentences: SentenceSegmenter().segment(Self.text)) }

    typealias Entity = LLMGraphPrompt.ProposedEntity
    typealias Relation = LLMGraphPrompt.ProposedRelation

    func checked(_ entities: [Entity], _ relations: [Relation] = []) -> LLMGraphValidator.Outcome {
        validator.validate(entities, relations, start: 0, end: scalars.count, page: 1)
    }

    @Test func keepsWhatThePassageSaysWithExactSpans() throws {
        let outcome = checked([
            Entity(name: "Ada Lovelace", type: "person", mentions: ["Lovelace", "Countess of Lovelace"]),
            Entity(name: "Charles Babbage", type: "PERSON", mentions: ["Babbage", "London"]),
            Entity(name: "Analytical Engine", type: "product", mentions: []),
            Entity(name: "Isaac Newton", type: "person", mentions: ["Newton"]),
            Entity(name: "1843", type: "date", mentions: []),
        ], [
            Relation(source: "Ada Lovelace", target: "Charles Babbage", label: "Worked_with"),
            Relation(source: "Isaac Newton", target: "Ada Lovelace", label: "inspired"),
            Relation(source: "Ada Lovelace", target: "Analytical Engine", label: ""),
        ])
        let keys = outcome.graph.entities.map(\.key)
        #expect(keys == ["person:ada lovelace", "person:charles babbage", "concept:analytical engine"])
        // Newton is not in the passage; a date is left to the offline date finder.
        #expect(outcome.droppedEntities == 2)
        // "Countess of Lovelace" is not written; "London" is written but does not name Babbage; "Newton" went with its entity.
        #expect(outcome.droppedMentions == 4, "Countess of Lovelace, London, Isaac Newton, Newton")
        let ada = try #require(outcome.graph.entities.first)
        // "Lovelace" inside "Ada Lovelace" is the same mention; the lone one later is another.
        #expect(ada.mentions.map { scalars.slice($0) } == ["Ada Lovelace", "Lovelace"])
        #expect(ada.aliases == ["Ada Lovelace", "Lovelace"])
        let babbage = outcome.graph.entities[1]
        #expect(babbage.mentions.map { scalars.slice($0) } == ["Charles Babbage", "Babbage"])
        // A name broken over a line is found, and named with single spaces.
        let engine = outcome.graph.entities[2]
        #expect(engine.mentions.map { scalars.slice($0) } == ["Analytical\nEngine"])
        #expect(engine.aliases == ["Analytical Engine"])
        // Spans count code points: "Café ☕️" is 7 scalars (the emoji carries a variation selector).
        #expect(ada.mentions[0].start == Array(Self.text.unicodeScalars).firstIndex(of: "A")!)
        #expect(outcome.graph.relations.map(\.label) == ["worked with", "related to"])
        #expect(outcome.droppedRelations == 1)
        let relation = outcome.graph.relations[0]
        #expect(scalars.slice(relation.mentions[0]).hasPrefix("In 1843 Ada Lovelace worked with Charles Babbage"),
                "the sentence naming both is the relation's evidence")
    }

    @Test func wholeWordsOnlyAndCaseFolded() {
        // "Ada" is inside no other word here, "Love" is only part of "Lovelace": not a mention.
        let outcome = checked([Entity(name: "Love", type: "concept", mentions: []),
                               Entity(name: "charles babbage", type: "person", mentions: [])])
        #expect(outcome.graph.entities.map(\.key) == ["person:charles babbage"])
        #expect(outcome.graph.entities.first?.mentions.map { scalars.slice($0) } == ["Charles Babbage"])
    }

    @Test func initialsCountAsTheName() {
        let text = "The World Health Organization (WHO) met. The WHO agreed."
        let validator = LLMGraphValidator(text: ScalarText(text), sentences: SentenceSegmenter().segment(text))
        let outcome = validator.validate([Entity(name: "World Health Organization", type: "organization", mentions: ["WHO", "World"])], [],
                                         start: 0, end: text.unicodeScalars.count, page: 3)
        let who = outcome.graph.entities.first
        #expect(who?.key == "organisation:world health organization")
        #expect(who?.mentions.count == 3, "the name and both WHOs; 'World' inside the name is the same mention")
        #expect(who?.mentions.allSatisfy { $0.page == 1 } == true, "pages come from the sentences")
    }

    @Test func readsAnswersLeniently() {
        let fenced = """
            Here you are:
            ```json
            {"entities": [{"name": "Ada Lovelace", "type": "person", "mentions": ["Lovelace", 3]}, {"type": "place"}],
             "relations": [{"source": "Ada Lovelace", "target": "Charles Babbage"}, {"source": 1}]}
            ```
            """
        let read = LLMGraphPrompt.read(fenced)
        #expect(read?.entities == [Entity(name: "Ada Lovelace", type: "person", mentions: ["Lovelace"])])
        #expect(read?.relations == [Relation(source: "Ada Lovelace", target: "Charles Babbage", label: "")])
        #expect(LLMGraphPrompt.read("I cannot help with that.") == nil)
        #expect(LLMGraphPrompt.read(#"{"answer": 42}"#) == nil)
    }

    @Test func estimatesGrowWithThePassage() {
        let short = LLMGraphPrompt.estimatedCall(passage: "Ada Lovelace.")
        let long = LLMGraphPrompt.estimatedCall(passage: String(repeating: "Ada Lovelace worked with Babbage. ", count: 200))
        #expect(short.input > LLMGraphPrompt.estimatedTokens(LLMGraphPrompt.system))
        #expect(long.input - short.input > 1_500)
        #expect(long.output == LLMGraphPrompt.maxAnswerTokens || long.output > short.output)
    }

    @Test func mergesIntoTheOfflineGraphAsOneEntity() {
        let span = { (start: Int, end: Int) in SourceSpan(page: 1, start: start, end: end) }
        // Offline: Babbage typed as a place, a relation to London.
        let offline = DocumentGraph(entities: [
            EntityContribution(key: "place:charles babbage", name: "Charles Babbage", type: "place", aliases: ["Charles Babbage"], mentions: [span(10, 25)]),
            EntityContribution(key: "place:london", name: "London", type: "place", aliases: ["London"], mentions: [span(29, 35)]),
        ], relations: [RelationContribution(source: "place:charles babbage", target: "place:london", label: "in", weight: 1, mentions: [span(0, 40)])])
        // The model: Babbage a person in two passages and a concept in one; Lovelace new.
        let llm = DocumentGraph(entities: [
            EntityContribution(key: "person:charles babbage", name: "Charles Babbage", type: "person", aliases: ["Charles Babbage", "Babbage"],
                               mentions: [span(10, 25), span(50, 57)]),
            EntityContribution(key: "concept:charles babbage", name: "Charles Babbage", type: "concept", aliases: ["Babbage"], mentions: [span(80, 87)]),
            EntityContribution(key: "person:ada lovelace", name: "Ada Lovelace", type: "person", aliases: ["Ada Lovelace"], mentions: [span(60, 72)]),
        ], relations: [
            RelationContribution(source: "person:ada lovelace", target: "person:charles babbage", label: "worked with", weight: 1, mentions: [span(40, 90)]),
            RelationContribution(source: "concept:charles babbage", target: "place:london", label: "in", weight: 1, mentions: [span(0, 40)]),
        ])
        let merged = offline.merging(llm: llm)
        #expect(Set(merged.entities.map(\.key)) == ["person:charles babbage", "place:london", "person:ada lovelace"])
        let babbage = merged.entities.first { $0.key == "person:charles babbage" }
        #expect(babbage?.type == "person")
        #expect(babbage?.mentions == [span(10, 25), span(50, 57), span(80, 87)], "united, in order, the shared span once")
        #expect(babbage?.aliases == ["Charles Babbage", "Babbage"])
        // The offline relation follows the re-typed entity and adds up with the model's.
        let toLondon = merged.relations.filter { $0.target == "place:london" }
        #expect(toLondon.count == 1 && toLondon.first?.source == "person:charles babbage" && toLondon.first?.weight == 2)
        #expect(merged.relations.contains { $0.source == "person:ada lovelace" && $0.label == "worked with" })
    }
}
