public import DocuThinkerCore
public import Storage
public import TextProcessing

/// The offline knowledge-graph extractor: entity mentions from capitalised spans, acronyms,
/// title/organisation/place cues and gazetteers, merged per document; relations between
/// entities named in one sentence, labelled with the words that connect them. Every node and
/// edge keeps its mentions as spans of the document's text.
public struct EntityExtractor: Sendable {
    /// Bumped whenever the output changes: stored graphs of an older version are rebuilt.
    public static let version = 1
    /// Mentions kept per entity and relation in one document (the counts stay exact).
    public static let mentionLimit = 500

    public let gazetteer: Gazetteer

    public init(gazetteer: Gazetteer) {
        self.gazetteer = gazetteer
    }

    /// Roles whose sentences are read (running heads, indexes, code and tables are not).
    static let readRoles: Set<SentenceRole> = [.body, .heading, .titlePage, .caption]

    /// The graph of a document given its text and sentences (with roles and spans).
    public func extract(text: ScalarText, sentences: [Sentence]) -> DocumentGraph {
        let read = sentences.filter { Self.readRoles.contains($0.role) }
        let tokenised = read.map { NameTokenizer.tokens(text, start: $0.span.start, end: $0.span.end) }
        let headline = zip(read, tokenised).map { sentence, tokens in Self.isHeadline(sentence, tokens) }
        var lowercase: Set<String> = []
        var capitalised: Set<String> = []
        for (k, tokens) in tokenised.enumerated() {
            for token in tokens where token.isWord && !token.isNumber {
                if let first = token.text.unicodeScalars.first, first.properties.isLowercase { lowercase.insert(token.lower) }
                if !headline[k], !token.atStart, token.isCapitalised { capitalised.insert(token.lower) }
            }
        }
        let finder = MentionFinder(gazetteer: gazetteer, lowercaseWords: lowercase, capitalisedWords: capitalised)
        var mentions: [Mention] = []
        for (k, tokens) in tokenised.enumerated() where !headline[k] {
            mentions += finder.mentions(in: tokens, sentence: k, page: read[k].span.page, text: text)
        }
        // Headlines capitalise every word: only names the body also uses (or sure ones) count.
        let resolver = EntityResolver(sentenceCount: read.count)
        let known = Dictionary(resolver.resolve(mentions).flatMap { group in group.aliases.map { (EntityResolver.normalise($0), group) } },
                               uniquingKeysWith: { a, _ in a })
        for (k, tokens) in tokenised.enumerated() where headline[k] {
            mentions += headlineMentions(tokens, known: known, sentence: k, page: read[k].span.page, text: text)
        }
        let groups = resolver.resolve(mentions.sorted { $0.start < $1.start })
        return graph(groups, sentences: read, tokenised: tokenised, headline: headline)
    }

    /// A heading, title-page line, all-capitals line, or a line whose words are mostly capitalised.
    static func isHeadline(_ sentence: Sentence, _ tokens: [NameToken]) -> Bool {
        if sentence.role == .heading || sentence.role == .titlePage { return true }
        let words = tokens.filter { $0.isWord && !$0.isNumber }
        guard words.count >= 3 else { return false }
        if words.allSatisfy(\.isAllCaps) { return true }
        let content = words.filter { !BuiltInLists.functionWords.contains($0.lower) }
        let capitals = content.filter(\.isCapitalised).count
        let last = tokens.last(where: { !$0.isWord })?.text
        return content.count >= 4 && Double(capitals) >= 0.8 * Double(content.count) && last != "." && words.count <= 20
    }

    private func headlineMentions(_ tokens: [NameToken], known: [String: EntityResolver.Group], sentence: Int,
                                  page: Int, text: ScalarText) -> [Mention] {
        let dates = DateFinder.mentions(in: tokens, sentence: sentence, page: page, text: text)
        var result = dates.mentions
        var i = 0
        while i < tokens.count {
            guard tokens[i].isWord, !dates.used[i] else { i += 1; continue }
            var matched = false
            for length in stride(from: min(6, tokens.count - i), through: 1, by: -1) {
                let slice = Array(tokens[i..<(i + length)])
                guard slice.allSatisfy({ $0.isWord }), slice.last!.canBeName, slice.first!.canBeName else { continue }
                let surface = text.slice(slice.first!.start, slice.last!.end)
                let key = EntityResolver.normalise(surface)
                var type: EntityType?
                if let group = known[key] {
                    type = group.type
                } else if length == 1 || length == 2 {
                    let lower = MentionFinder.joined(slice)
                    if BuiltInLists.organisations.contains(lower) {
                        type = .organisation
                    } else if let place = gazetteer.place(lower), place.kind != "city" || place.population >= 1_000_000 {
                        type = .place
                    } else if BuiltInLists.places.contains(lower) {
                        type = .place
                    }
                }
                if let type {
                    result.append(Mention(surface: surface, tokens: slice, start: slice.first!.start, end: slice.last!.end, page: page,
                                          sentence: sentence, type: type, strength: 1, atStart: false))
                    i += length
                    matched = true
                    break
                }
            }
            if !matched { i += 1 }
        }
        return result
    }

    /// Entities and the relations between those named in one sentence.
    private func graph(_ groups: [EntityResolver.Group], sentences: [Sentence], tokenised: [[NameToken]], headline: [Bool]) -> DocumentGraph {
        var entities: [EntityContribution] = []
        var keyOfGroup: [String: String] = [:]
        var bySentence: [Int: [(key: String, mention: Mention)]] = [:]
        for group in groups {
            let type = group.type
            let key = "\(type.rawValue):\(group.key.hasPrefix("date ") ? String(group.key.dropFirst(5)) : group.key)"
            keyOfGroup[group.key] = key
            let sorted = group.mentions.sorted { $0.start < $1.start }
            entities.append(EntityContribution(
                key: key, name: group.name, type: type.rawValue, aliases: group.aliases,
                mentions: sorted.prefix(Self.mentionLimit).map { SourceSpan(page: $0.page, start: $0.start, end: $0.end) }))
            if type != .date {
                for mention in sorted { bySentence[mention.sentence, default: []].append((key, mention)) }
            }
        }
        var relations: [String: RelationContribution] = [:]
        var relationOrder: [String] = []
        for (sentenceIndex, named) in bySentence.sorted(by: { $0.key < $1.key }) {
            var firsts: [(key: String, mention: Mention)] = []
            for entry in named.sorted(by: { $0.mention.start < $1.mention.start }) where !firsts.contains(where: { $0.key == entry.key }) {
                firsts.append(entry)
            }
            guard firsts.count >= 2 else { continue }
            let span = sentences[sentenceIndex].span
            for a in 0..<min(firsts.count, 8) {
                for b in (a + 1)..<min(firsts.count, a + 4) {
                    let label = Self.label(between: firsts[a].mention, and: firsts[b].mention, tokens: tokenised[sentenceIndex],
                                           headline: headline[sentenceIndex])
                    let id = firsts[a].key + "\u{1}" + firsts[b].key + "\u{1}" + label
                    if relations[id] == nil {
                        relations[id] = RelationContribution(source: firsts[a].key, target: firsts[b].key, label: label, weight: 0, mentions: [])
                        relationOrder.append(id)
                    }
                    relations[id]!.weight += 1
                    if relations[id]!.mentions.count < Self.mentionLimit { relations[id]!.mentions.append(span) }
                }
            }
        }
        return DocumentGraph(entities: entities, relations: relationOrder.map { relations[$0]! })
    }

    /// The words joining two mentions of a sentence ("acquired", "chief executive of"), or
    /// "mentioned with" when nothing but punctuation and function words stands between them.
    static func label(between a: Mention, and b: Mention, tokens: [NameToken], headline: Bool = false) -> String {
        let between = tokens.filter { $0.start >= a.end && $0.end <= b.start }
        let fallback = "mentioned with"
        guard between.filter(\.isWord).count <= 6, !between.contains(where: { !$0.isWord && [";", "(", ")", "\"", "“", "”"].contains($0.text) })
        else { return fallback }
        // In a headline every word is capitalised: "Merkel Meets Macron" is "meets".
        var words = between.filter { $0.isWord && (headline || !$0.isCapitalised) && !$0.isNumber }.map(\.lower)
        while let first = words.first, BuiltInLists.functionWords.contains(first) || first == "s" { words.removeFirst() }
        while let last = words.last, BuiltInLists.functionWords.contains(last) && !["of", "by", "with", "to", "for", "in", "on", "at", "from", "against"].contains(last) {
            words.removeLast()
        }
        guard words.contains(where: { !BuiltInLists.functionWords.contains($0) }) else { return fallback }
        return words.prefix(5).joined(separator: " ")
    }
}
