import DocuThinkerCore
public import Storage

/// Across the library, an acronym one document uses alone ("the WHO") and the name another
/// document spells out ("World Health Organization (WHO)") are one entity, as they are within a
/// document. These are the pieces `GraphBuilder` needs to re-key contributions when it saves a graph.
public enum LibraryAliasing {
    /// The acronym (lower case) an entity consists of when its document never spells it out: its
    /// key is one 2–6 letter word and every surface form is that word in capitals.
    public static func loneAcronym(_ entity: EntityContribution) -> String? {
        guard let word = entity.key.split(separator: ":", maxSplits: 1).last.map(String.init), !word.contains(" "),
              (2...6).contains(word.count), !entity.aliases.isEmpty,
              entity.aliases.allSatisfy({ isAcronym($0) && $0.lowercased() == word }) else { return nil }
        return word
    }

    /// The acronyms (lower case) a spelled-out entity is also written as in its document.
    public static func spelledAcronyms(_ entity: EntityContribution) -> [String] {
        guard loneAcronym(entity) == nil else { return [] }
        let ownKey = entity.key.split(separator: ":", maxSplits: 1).last.map(String.init) ?? entity.key
        return entity.aliases.filter { isAcronym($0) && $0.lowercased() != ownKey && initials(ofName: entity.name) == $0.lowercased() }
            .map { $0.lowercased() }
    }

    /// The lower-case initials of a name of two or more words ("Bank of England" → "be").
    public static func initials(ofName name: String) -> String? {
        EntityResolver.initials(ofWords: name.split { $0 == " " || $0 == "-" }.map { $0.lowercased() })
    }

    static func isAcronym(_ word: String) -> Bool {
        (2...6).contains(word.count) && word.allSatisfy { $0.isUppercase || $0.isNumber } && word.contains { $0.isLetter }
    }
}

extension DocumentGraph {
    /// The graph with entity `old` known as `new` (named `name` and typed `type` when given): merged
    /// into `new` when the document has both, its relations following, self-relations dropped and
    /// relations that now coincide added up.
    public func renaming(_ old: String, to new: String, name: String? = nil, type: String? = nil) -> DocumentGraph {
        guard old != new, let moved = entities.first(where: { $0.key == old }) else { return self }
        var entities = self.entities.filter { $0.key != old }
        if let index = entities.firstIndex(where: { $0.key == new }) {
            var target = entities[index]
            target.aliases += moved.aliases.filter { !target.aliases.contains($0) }
            target.mentions = (target.mentions + moved.mentions).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            entities[index] = target
        } else {
            var renamed = moved
            renamed.key = new
            if let name { renamed.name = name }
            if let type { renamed.type = type }
            entities.append(renamed)
        }
        var relations: [RelationContribution] = []
        for var relation in self.relations {
            if relation.source == old { relation.source = new }
            if relation.target == old { relation.target = new }
            guard relation.source != relation.target else { continue }
            if let index = relations.firstIndex(where: { ($0.source, $0.target, $0.label) == (relation.source, relation.target, relation.label) }) {
                relations[index].weight += relation.weight
                relations[index].mentions += relation.mentions.filter { !relations[index].mentions.contains($0) }
            } else {
                relations.append(relation)
            }
        }
        return DocumentGraph(entities: entities, relations: relations)
    }
}
