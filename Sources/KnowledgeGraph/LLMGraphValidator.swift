public import DocuThinkerCore
import Foundation
public import Storage
public import TextProcessing

/// Keeps what a passage really says of a model's proposed entities and relations. Every form the
/// model gives for an entity (its name and its mentions) is looked for in the passage, as a whole
/// word, ignoring case and how whitespace breaks; a form the passage does not contain, or whose span
/// does not contain the entity's name (nor is a part of it, or its initials), is dropped. An entity
/// left without mentions is dropped, and so is a relation whose ends were dropped.
public struct LLMGraphValidator: Sendable {
    /// The document's text and sentences (mentions get pages from the sentence they fall in).
    let text: ScalarText
    let sentences: [Sentence]

    public init(text: ScalarText, sentences: [Sentence]) {
        self.text = text
        self.sentences = sentences
    }

    /// What survived checking, in the document's coordinates, and what was dropped.
    public struct Outcome: Sendable, Hashable {
        public var graph: DocumentGraph
        public var droppedMentions: Int
        public var droppedEntities: Int
        public var droppedRelations: Int
    }

    /// Checks one passage's proposals; the passage is `text[start..<end]` on page `page`.
    public func validate(_ entities: [LLMGraphPrompt.ProposedEntity], _ relations: [LLMGraphPrompt.ProposedRelation],
                         start: Int, end: Int, page: Int) -> Outcome {
        var out = Outcome(graph: DocumentGraph(entities: [], relations: []), droppedMentions: 0, droppedEntities: 0, droppedRelations: 0)
        let folded = text.scalars[max(0, start)..<min(end, text.count)].map(Self.fold)
        var keyOfName: [String: String] = [:]
        var spansOfKey: [String: [SourceSpan]] = [:]
        for proposal in entities {
            let name = Self.clean(proposal.name)
            let normalised = EntityResolver.normalise(name)
            guard !name.isEmpty, name.count <= 120, !normalised.isEmpty, let type = Self.type(proposal.type) else {
                out.droppedEntities += 1
                continue
            }
            let key = "\(type.rawValue):\(normalised)"
            var aliases: [String] = []
            var spans: [SourceSpan] = []
            for form in Self.unique([name] + proposal.mentions.map(Self.clean)).sorted(by: { $0.count > $1.count }) where !form.isEmpty {
                let found = Self.occurrences(of: form, in: folded).map { (start + $0.lowerBound, start + $0.upperBound) }
                guard !found.isEmpty, Self.names(form, normalised) else {
                    out.droppedMentions += 1
                    continue
                }
                // A shorter form inside a longer one already found ("Lovelace" in "Ada Lovelace") is that mention.
                for (lower, upper) in found where !spans.contains(where: { $0.start <= lower && upper <= $0.end }) {
                    let surface = text.slice(lower, upper).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                    if !aliases.contains(surface) { aliases.append(surface) }
                    let span = SourceSpan(page: pageOf(lower, default: page), start: lower, end: upper)
                    if !spans.contains(span) { spans.append(span) }
                }
            }
            guard !spans.isEmpty else {
                out.droppedEntities += 1
                continue
            }
            keyOfName[normalised] = key
            spans.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            spansOfKey[key, default: []] += spans
            out.graph.add(EntityContribution(key: key, name: name, type: type.rawValue, aliases: aliases, mentions: spans))
        }
        for proposal in relations {
            guard let source = keyOfName[EntityResolver.normalise(Self.clean(proposal.source))],
                  let target = keyOfName[EntityResolver.normalise(Self.clean(proposal.target))], source != target else {
                out.droppedRelations += 1
                continue
            }
            let evidence = span(joining: spansOfKey[source] ?? [], spansOfKey[target] ?? [], start: start, end: end, page: page)
            out.graph.add(RelationContribution(source: source, target: target, label: Self.label(proposal.label), weight: 1, mentions: [evidence]))
        }
        return out
    }

    /// The sentence naming both entities, or the sentences from the first's first mention to the
    /// second's, or the passage.
    func span(joining a: [SourceSpan], _ b: [SourceSpan], start: Int, end: Int, page: Int) -> SourceSpan {
        for x in a {
            if let sentence = sentence(at: x.start), b.contains(where: { $0.start >= sentence.span.start && $0.end <= sentence.span.end }) {
                return sentence.span
            }
        }
        guard let first = a.first, let second = b.first,
              let from = sentence(at: min(first.start, second.start)), let to = sentence(at: max(first.start, second.start)) else {
            return SourceSpan(page: page, start: start, end: end)
        }
        return SourceSpan(page: from.span.page, start: from.span.start, end: to.span.end)
    }

    /// The sentence holding an offset.
    func sentence(at offset: Int) -> Sentence? {
        var low = 0, high = sentences.count
        while low < high {
            let mid = (low + high) / 2
            if sentences[mid].span.end <= offset { low = mid + 1 } else { high = mid }
        }
        return low < sentences.count && sentences[low].span.start <= offset ? sentences[low] : nil
    }

    func pageOf(_ offset: Int, default page: Int) -> Int { sentence(at: offset)?.span.page ?? page }

    /// Whether a form found in the passage names the entity: it contains the name, is a run of its
    /// words (a surname, "the Bank"), or is its initials.
    static func names(_ form: String, _ normalisedName: String) -> Bool {
        let words = EntityResolver.normalise(form).split(separator: " ")
        let name = normalisedName.split(separator: " ")
        guard !words.isEmpty else { return false }
        if contains(words, name) || contains(name, words) { return true }
        return words.count == 1 && LibraryAliasing.isAcronym(form) && LibraryAliasing.initials(ofName: normalisedName) == form.lowercased()
    }

    /// Whether `whole` holds `part` as a run of consecutive words.
    static func contains(_ whole: [Substring], _ part: [Substring]) -> Bool {
        guard !part.isEmpty, part.count <= whole.count else { return false }
        return (0...(whole.count - part.count)).contains { Array(whole[$0..<($0 + part.count)]) == part }
    }

    /// Every place `form` is written in the folded passage as whole words; any run of whitespace in
    /// the form matches any run in the passage (a name broken over a line).
    static func occurrences(of form: String, in folded: [Unicode.Scalar]) -> [Range<Int>] {
        let words = form.split(whereSeparator: { $0.isWhitespace }).map { $0.unicodeScalars.map(fold) }
        guard let first = words.first, !first.isEmpty else { return [] }
        var found: [Range<Int>] = []
        var index = 0
        while index + first.count <= folded.count {
            defer { index += 1 }
            guard folded[index] == first[0], index == 0 || !isWordScalar(folded[index - 1]) else { continue }
            var position = index
            var matched = true
            for (n, word) in words.enumerated() {
                if n > 0 {
                    let gap = position
                    while position < folded.count, folded[position].properties.isWhitespace { position += 1 }
                    if position == gap { matched = false; break }
                }
                guard position + word.count <= folded.count, Array(folded[position..<(position + word.count)]) == word else {
                    matched = false
                    break
                }
                position += word.count
            }
            if matched, position == folded.count || !isWordScalar(folded[position]) || !isWordScalar(folded[position - 1]) {
                found.append(index..<position)
            }
        }
        return found
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// One scalar for one scalar (so offsets stay those of the text): lower case, typographic
    /// apostrophes and dashes as ASCII.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "\u{2019}", "\u{2018}": return "'"
        case "\u{2010}", "\u{2011}", "\u{2013}": return "-"
        default:
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            return lower.count == 1 ? lower.first! : scalar
        }
    }

    /// Trimmed of whitespace, quotes and edge punctuation.
    static func clean(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines.union(.init(charactersIn: "\"'“”‘’.,;:()[]")))
    }

    /// The types kept: dates come from the offline date finder; anything else named is a concept.
    static func type(_ raw: String) -> EntityType? {
        switch raw.lowercased().trimmingCharacters(in: .whitespaces) {
        case "person", "people", "per": .person
        case "organisation", "organization", "org", "company", "institution", "agency": .organisation
        case "place", "location", "loc", "gpe", "country", "city": .place
        case "date", "time", "number", "quantity": nil
        default: .concept
        }
    }

    /// Lower case, at most six words; "related to" when the model gave none.
    static func label(_ raw: String) -> String {
        let words = raw.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "_" }).prefix(6)
        let label = words.joined(separator: " ").trimmingCharacters(in: .punctuationCharacters)
        return label.isEmpty ? "related to" : String(label.prefix(60))
    }

    static func unique(_ forms: [String]) -> [String] {
        var seen: Set<String> = []
        return forms.filter { seen.insert($0.lowercased()).inserted }
    }
}
