import DocuThinkerCore
public import Storage

extension DocumentGraph {
    /// Adds an entity's contribution, merged into the entity of the same key when there is one
    /// (aliases and mentions united, mentions in text order).
    public mutating func add(_ entity: EntityContribution) {
        guard let index = entities.firstIndex(where: { $0.key == entity.key }) else {
            entities.append(entity)
            return
        }
        var merged = entities[index]
        merged.aliases += entity.aliases.filter { !merged.aliases.contains($0) }
        let known = Set(merged.mentions)
        merged.mentions = (merged.mentions + entity.mentions.filter { !known.contains($0) })
            .sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            .prefix(EntityExtractor.mentionLimit).map { $0 }
        entities[index] = merged
    }

    /// Adds a relation's evidence: the same two entities and label add up their weights.
    public mutating func add(_ relation: RelationContribution) {
        guard let index = relations.firstIndex(where: { ($0.source, $0.target, $0.label) == (relation.source, relation.target, relation.label) })
        else {
            relations.append(relation)
            return
        }
        relations[index].weight += relation.weight
        let known = Set(relations[index].mentions)
        relations[index].mentions += relation.mentions.filter { !known.contains($0) }.prefix(max(0, EntityExtractor.mentionLimit - known.count))
    }

    /// This graph and `other` as one.
    public func adding(_ other: DocumentGraph) -> DocumentGraph {
        var graph = self
        for entity in other.entities { graph.add(entity) }
        for relation in other.relations { graph.add(relation) }
        return graph
    }

    /// This (offline) graph with a model's checked extraction merged in. A name the model typed
    /// differently in different passages takes its most-mentioned type; an entity the offline
    /// extractor also found (the same normalised name, or one of its aliases) stays one entity,
    /// under the offline name and the model's type (it read the context); the rest is added.
    public func merging(llm: DocumentGraph) -> DocumentGraph {
        var llm = llm
        let bySuffix = Dictionary(grouping: llm.entities, by: { Self.suffix(of: $0.key) })
        for (_, group) in bySuffix where group.count > 1 {
            let chosen = group.max { ($0.mentions.count, -(group.firstIndex(of: $0) ?? 0)) < ($1.mentions.count, -(group.firstIndex(of: $1) ?? 0)) }!
            for other in group where other.key != chosen.key { llm = llm.renaming(other.key, to: chosen.key) }
        }
        var graph = self
        for entity in llm.entities {
            let suffix = Self.suffix(of: entity.key)
            guard let offline = graph.entities.first(where: { candidate in
                !candidate.key.hasPrefix("date:") && (Self.suffix(of: candidate.key) == suffix
                    || candidate.aliases.contains { EntityResolver.normalise($0) == suffix })
            }) else { continue }
            let target = "\(entity.type):\(Self.suffix(of: offline.key))"
            graph = graph.renaming(offline.key, to: target, type: entity.type)
            llm = llm.renaming(entity.key, to: target, name: offline.name)
        }
        return graph.adding(llm)
    }

    /// The normalised name in a key (`person:ada lovelace` → `ada lovelace`).
    static func suffix(of key: String) -> String {
        key.split(separator: ":", maxSplits: 1).last.map(String.init) ?? key
    }
}
