public import Analysis

/// What a language model is asked for when it reads a passage for the knowledge graph, and how
/// its answer is read. The answer is only a proposal: `LLMGraphValidator` keeps what the passage
/// really says.
public enum LLMGraphPrompt {
    /// Changes when the prompt or the reading of answers changes (stored extractions of another
    /// version are not reused).
    public static let version = 1

    /// The longest answer asked for, in tokens.
    public static let maxAnswerTokens = 1_200

    public static let system = """
    You build a knowledge graph from one passage of a document. Name only what the passage itself names: \
    people, organisations, places, and other named things (products, laws, events, works, technologies) as "concept". \
    Leave out dates, numbers, pronouns and generic nouns. For each entity give its fullest name as written in the passage \
    and every other exact form the passage uses for it (an acronym, a surname). \
    For relations, connect two of your entities with a short verb phrase the passage states ("acquired", "works for", \
    "is located in"), source first. Answer with one JSON object and nothing else: \
    {"entities": [{"name": string, "type": "person"|"organisation"|"place"|"concept", "mentions": [exact strings from the passage]}], \
    "relations": [{"source": entity name, "target": entity name, "label": verb phrase}]}
    """

    /// The user message for one passage.
    public static func message(passage: String) -> String {
        "Passage:\n\"\"\"\n\(passage)\n\"\"\""
    }

    /// A rough token count of text for estimates before any call is made (about four characters
    /// a token for English prose; providers report the real counts afterwards).
    public static func estimatedTokens(_ text: String) -> Int {
        (text.unicodeScalars.count + 3) / 4
    }

    /// Estimated tokens of one passage's call: the instructions and the passage in, an answer out
    /// that grows with the passage (bounded by `maxAnswerTokens`).
    public static func estimatedCall(passage: String) -> (input: Int, output: Int) {
        let passageTokens = estimatedTokens(passage)
        return (estimatedTokens(system) + estimatedTokens(message(passage: "")) + passageTokens + 8,
                min(maxAnswerTokens, 40 + passageTokens / 3))
    }

    /// One entity as the model proposed it.
    public struct ProposedEntity: Sendable, Hashable {
        public var name: String
        public var type: String
        public var mentions: [String]
    }

    /// One relation as the model proposed it.
    public struct ProposedRelation: Sendable, Hashable {
        public var source: String
        public var target: String
        public var label: String
    }

    /// The model's answer: entities and relations (nil when it is not the JSON asked for). Fields
    /// of the wrong kind are skipped one by one rather than failing the whole answer.
    public static func read(_ answer: String) -> (entities: [ProposedEntity], relations: [ProposedRelation])? {
        guard let object = LLMAnalysisEngine.parse(answer) else { return nil }
        guard object["entities"] != nil || object["relations"] != nil else { return nil }
        let entities: [ProposedEntity] = (object["entities"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let name = entry["name"] as? String else { return nil }
            let mentions = (entry["mentions"] as? [Any] ?? []).compactMap { $0 as? String }
            return ProposedEntity(name: name, type: (entry["type"] as? String) ?? "concept", mentions: mentions)
        }
        let relations: [ProposedRelation] = (object["relations"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let source = entry["source"] as? String, let target = entry["target"] as? String else { return nil }
            return ProposedRelation(source: source, target: target, label: (entry["label"] as? String) ?? "")
        }
        return (entities, relations)
    }
}
