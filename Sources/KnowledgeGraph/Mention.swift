/// One place where a sentence names something, before mentions are merged into entities.
struct Mention: Sendable {
    /// The text at the span, as written (without a possessive `'s`).
    var surface: String
    var tokens: [NameToken]
    var start: Int
    var end: Int
    var page: Int
    /// Index of the sentence (in the extractor's list).
    var sentence: Int
    var type: EntityType
    /// How sure the type is: 3 a cue that decides (a title, a gazetteer, a legal suffix), 2 a good
    /// sign, 1 a guess.
    var strength: Int
    /// The first word of its sentence: capitalised by rule, so weaker evidence of a name.
    var atStart: Bool
}

/// What an entity is.
public enum EntityType: String, Sendable, CaseIterable, Codable {
    case person, organisation, place, date, concept
}
