import Foundation

/// Merges a document's mentions into entities: the same name however written (case, dots,
/// possessives, "the", legal suffixes, `U.S.` ↔ `United States`), an acronym with its expansion,
/// a surname with the full name.
struct EntityResolver {
    /// Sentences read: a one-letter name ("R", the language) must be frequent to count.
    var sentenceCount = 0

    /// One entity of the document.
    struct Group {
        var key: String
        var mentions: [Mention]
        var personLinked = false

        var type: EntityType {
            var score: [EntityType: Int] = [:]
            for mention in mentions { score[mention.type, default: 0] += mention.strength * mention.strength }
            if personLinked { score[.person, default: 0] += 9 }
            return EntityType.allCases.max { (score[$0] ?? 0, -$0.order) < (score[$1] ?? 0, -$1.order) } ?? .concept
        }

        /// The fullest form (most words), then the most frequent, then the first.
        var name: String {
            var counts: [String: Int] = [:]
            for mention in mentions { counts[mention.surface, default: 0] += 1 }
            let order = aliases
            return order.max { a, b in
                let wa = a.split(separator: " ").count, wb = b.split(separator: " ").count
                if wa != wb { return wa < wb }
                if counts[a]! != counts[b]! { return counts[a]! < counts[b]! }
                return order.firstIndex(of: a)! > order.firstIndex(of: b)!
            } ?? ""
        }

        /// Every surface form, in the order first seen.
        var aliases: [String] {
            var seen: Set<String> = []
            return mentions.sorted { $0.start < $1.start }.map(\.surface).filter { seen.insert($0).inserted }
        }
    }

    /// The normalised key of a surface form.
    static func normalise(_ surface: String) -> String {
        var text = surface.lowercased().replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "&", with: " and ")
        text = text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "-", with: " ")
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," }).map(String.init)
        if words.first == "the", words.count > 1 { words.removeFirst() }
        if words.count > 1, let last = words.last, legalSuffixes.contains(last) { words.removeLast() }
        let joined = words.joined(separator: " ")
        return aliasCanonical[joined] ?? joined
    }

    /// Legal-form suffixes dropped from keys ("Apple Inc." is "Apple").
    static let legalSuffixes: Set<String> = ["inc", "incorporated", "corp", "corporation", "ltd", "limited", "llc", "plc", "co", "gmbh", "ag", "sa"]

    /// Every alias's normalised form → the normalised canonical form.
    static let aliasCanonical: [String: String] = {
        var map: [String: String] = [:]
        for line in BuiltInLists.placeAliases {
            func plain(_ s: String) -> String {
                var words = s.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "").split(separator: " ").map(String.init)
                if words.first == "the", words.count > 1 { words.removeFirst() }
                return words.joined(separator: " ")
            }
            let canonical = plain(line[0])
            for form in line { map[plain(form)] = canonical }
        }
        return map
    }()

    func resolve(_ mentions: [Mention]) -> [Group] {
        var groups: [String: Group] = [:]
        var order: [String] = []
        for mention in mentions {
            let key = mention.type == .date ? "date " + Self.normalise(mention.surface) : Self.normalise(mention.surface)
            guard !key.isEmpty else { continue }
            if groups[key] == nil { groups[key] = Group(key: key, mentions: []); order.append(key) }
            groups[key]!.mentions.append(mention)
        }
        // An acronym joins the entity whose initials it spells ("WHO" → "World Health Organization").
        for key in order {
            guard let group = groups[key], !key.contains(" "), (2...6).contains(key.count),
                  group.mentions.allSatisfy({ $0.tokens.count == 1 && $0.tokens[0].isAllCaps }) else { continue }
            let candidates = order.filter { other in
                guard other != key, let target = groups[other], target.mentions.first?.type != .date else { return false }
                return Self.initials(of: target.mentions[0].tokens) == key
            }
            if let target = candidates.max(by: { groups[$0]!.mentions.count < groups[$1]!.mentions.count }) {
                groups[target]!.mentions += group.mentions
                groups[key] = nil
            }
        }
        // A surname (or a given name used alone) joins the one person of the document it ends.
        let people = order.filter { key in
            guard let group = groups[key], key.contains(" ") else { return false }
            // A two- or three-word name whose last word is also used alone reads as a person's.
            let words = key.split(separator: " ")
            return group.type == .person
                || (group.type == .concept && words.count <= 3 && groups[String(words.last!)].map { $0.type == .concept || $0.type == .person } == true)
        }
        for key in order {
            // One letter is an initial or a variable ("R", "X"), never a surname.
            guard let group = groups[key], !key.contains(" "), key.count >= 2, group.type != .date,
                  !group.mentions.contains(where: { $0.strength == 3 && $0.type != .person }) else { continue }
            let matches = people.filter { person in
                guard groups[person] != nil else { return false }
                return person.split(separator: " ").last.map(String.init) == key
            }
            if matches.count == 1 {
                groups[matches[0]]!.mentions += group.mentions
                groups[matches[0]]!.personLinked = true
                groups[key] = nil
            }
        }
        // "the Commission" after "the European Commission": the one institution it ends.
        let institutions = order.filter { key in groups[key].map { key.contains(" ") && $0.type == .organisation } ?? false }
        for key in order {
            guard let group = groups[key], !key.contains(" "), group.type == .concept || group.type == .organisation,
                  !group.mentions.contains(where: { $0.tokens.count == 1 && $0.tokens[0].isAllCaps }) else { continue }
            let matches = institutions.filter { groups[$0] != nil && $0.split(separator: " ").last.map(String.init) == key }
            if matches.count == 1 {
                groups[matches[0]]!.mentions += group.mentions
                groups[key] = nil
            }
        }
        let letterMinimum = max(10, sentenceCount / 20)
        return order.compactMap { groups[$0] }.filter { group in
            // A single letter is a variable ("matrix X") unless the document keeps naming it.
            if group.key.count == 1, group.mentions.count < letterMinimum { return false }
            return true
        }.filter { group in
            // One weak guess at a capitalised single word is not a name.
            !(group.type == .concept && group.mentions.count == 1 && group.mentions[0].tokens.count == 1
              && !group.mentions[0].tokens[0].isAllCaps && !group.mentions[0].tokens[0].hasInnerCapital && group.mentions[0].atStart)
        }
    }

    /// The capital initials of a multi-word name, skipping connectors ("Bank of England" → "be").
    static func initials(of tokens: [NameToken]) -> String? {
        initials(ofWords: tokens.map(\.lower))
    }

    /// The first letters of lower-case words, name connectors skipped; nil under two words.
    static func initials(ofWords words: [String]) -> String? {
        let words = words.filter { !BuiltInLists.nameConnectors.contains($0) }
        guard words.count >= 2 else { return nil }
        return String(words.compactMap(\.first))
    }
}

extension EntityType {
    /// Ties between types go to the earlier here.
    var order: Int { EntityType.allCases.firstIndex(of: self)! }
}
