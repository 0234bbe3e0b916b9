import DocuThinkerCore
import Foundation

/// Finds the names in sentences: capitalised spans (with the connectors names allow), trimmed of
/// function words, titles and sentence-initial capitals, typed by cues and gazetteers.
struct MentionFinder {
    let gazetteer: Gazetteer
    /// Words of the document seen in lower case (so a capitalised "Shares" at a sentence start is a word).
    let lowercaseWords: Set<String>
    /// Words of the document seen capitalised where a capital is not required by position.
    let capitalisedWords: Set<String>

    /// The mentions of one sentence.
    func mentions(in tokens: [NameToken], sentence: Int, page: Int, text: ScalarText) -> [Mention] {
        let dates = DateFinder.mentions(in: tokens, sentence: sentence, page: page, text: text)
        let used = dates.used
        var result = dates.mentions
        var i = 0
        while i < tokens.count {
            guard !used[i], tokens[i].canBeName else { i += 1; continue }
            var end = i + 1
            var connectors = 0
            if !tokens[i].endsName {
                while end < tokens.count, !used[end], !tokens[end].afterLineBreak {
                    let token = tokens[end]
                    if token.canBeName || (token.isNumber && token.isWord && token.text.count <= 4 && tokens[end - 1].canBeName
                                           && token.text.allSatisfy(\.isNumber)) {
                        end += 1
                        if token.endsName { break }
                        continue
                    }
                    // A connector joins two capitalised words: "Bank of England", "Ursula von der Leyen".
                    guard token.isWord, BuiltInLists.nameConnectors.contains(token.lower), connectors < 2 else { break }
                    var next = end + 1
                    if next < tokens.count, tokens[next].isWord, ["der", "the", "la", "de"].contains(tokens[next].lower), token.lower != "and" { next += 1 }
                    guard next < tokens.count, !used[next], tokens[next].canBeName else { break }
                    if token.lower == "and" {
                        // Only inside an institution's name ("Department of Health and Human Services").
                        let words = tokens[i..<end].map(\.lower)
                        guard words.contains(where: { Self.joinsByOf.contains($0) }), words.contains("of") || words.contains("for") else { break }
                    }
                    if token.lower == "the", tokens[end - 1].lower != "of" { break }
                    // "of" and "for" join an institution's or a place's name ("Bank of England", "Gulf of
                    // Mexico"), not a person to a place ("Sabalenka of Belarus").
                    if ["of", "for", "the", "upon"].contains(token.lower) {
                        let words = tokens[i..<end].map(\.lower)
                        guard words.contains(where: { Self.joinsByOf.contains($0) }) || words.count == 1 && !gazetteer.isFamilyName(words[0]) else { break }
                    }
                    connectors += 1
                    end = next
                }
            }
            for mention in classify(Array(tokens[i..<end]), before: Array(tokens[..<i]), after: Array(tokens[end...]),
                                    sentence: sentence, page: page, text: text) {
                result.append(mention)
            }
            i = end
        }
        return result.sorted { $0.start < $1.start }
    }

    /// Words after which "of"/"for" continue a name.
    static let joinsByOf: Set<String> = BuiltInLists.organisationHeads.union(BuiltInLists.organisationTails).union(BuiltInLists.placeHeads)
        .union(BuiltInLists.placeTails).union(BuiltInLists.institutionWords).union(BuiltInLists.conceptTails)
        .union(["republic", "kingdom", "states", "house", "centres", "centers", "duke", "duchess", "prince", "princess", "order",
                "secretary", "minister", "court", "church", "cathedral", "museum", "festival", "battle", "siege", "treaty", "isle"])

    /// Trims a capitalised span to the name it holds and types it (possibly two names glued by
    /// a connector, such as a place before a person).
    func classify(_ span: [NameToken], before: [NameToken], after: [NameToken], sentence: Int, page: Int, text: ScalarText,
                  titled: Bool = false) -> [Mention] {
        var tokens = span
        var titled = titled
        // Leading words that are not part of names: "The", "However", "Officials", titles —
        // unless what is left is a known name ("NEW YORK", "Saudi Arabia").
        while let first = tokens.first {
            if tokens.count > 1, isKnownName(Self.joined(tokens)) || placeKind(Self.joined(tokens)) != nil { break }
            if (BuiltInLists.functionWords.contains(first.lower) && !first.isAllCaps) || (first.atStart && BuiltInLists.sentenceStarters.contains(first.lower))
                || BuiltInLists.structuralWords.contains(first.lower)
                // "Create Emacs…", "See Section…": an imperative the document also writes in lower case.
                || (first.atStart && tokens.count > 1 && lowercaseWords.contains(first.lower) && !Self.joinsByOf.contains(first.lower)
                    && !gazetteer.isGivenName(first.lower)) {
                tokens.removeFirst()
                continue
            }
            if let length = titleLength(tokens) {
                tokens.removeFirst(length)
                titled = true
                continue
            }
            // "Saudi officials" loses its adjective; "Australian Open" and "Philippine Red Cross" keep it.
            let rest = Array(tokens.dropFirst())
            if BuiltInLists.demonyms.contains(first.lower), tokens.count > 1, !BuiltInLists.organisations.contains(Self.joined(rest)),
               !(rest.count == 1 && (BuiltInLists.conceptTails.contains(rest[0].lower) || BuiltInLists.organisationTails.contains(rest[0].lower))) {
                tokens.removeFirst()
                continue
            }
            break
        }
        // "Use Appendix F", "Section 4": a reference to a part of the document, and what precedes it.
        if let k = tokens.firstIndex(where: { BuiltInLists.structuralWords.contains($0.lower) }), k + 1 < tokens.count,
           tokens[k + 1].isNumber || tokens[k + 1].text.unicodeScalars.count <= 2 {
            tokens.removeFirst(k + 2)
        }
        while let last = tokens.last, (BuiltInLists.functionWords.contains(last.lower) && !last.isAllCaps) || BuiltInLists.nameConnectors.contains(last.lower)
            || BuiltInLists.postNominals.contains(last.lower) || (tokens.count > 1 && last.text.unicodeScalars.count == 1) {
            tokens.removeLast()
        }
        // A title inside: "Nvidia Chief Executive Jensen Huang" is an organisation and a person.
        if !titled, tokens.count >= 3 {
            for cut in 1..<(tokens.count - 1) {
                guard let length = titleLength(Array(tokens[cut...])), cut + length < tokens.count else { continue }
                let head = Array(tokens[..<cut])
                let keepHead = !(head.count == 1 && lowercaseWords.contains(head[0].lower))
                var people = classify(Array(tokens[(cut + length)...]), before: [], after: after, sentence: sentence, page: page, text: text,
                                      titled: true)
                if keepHead {
                    var heads = classify(head, before: before, after: [], sentence: sentence, page: page, text: text)
                    for k in heads.indices where heads[k].type == .concept { heads[k].type = .organisation }
                    people = heads + people
                }
                return people
            }
        }
        guard !tokens.isEmpty else { return [] }
        let lowerName = Self.joined(tokens)
        if BuiltInLists.demonyms.contains(lowerName) { return [] }
        // A sentence's first word alone, capitalised by position: a name only with evidence.
        let atStart = tokens[0].atStart || (tokens[0].start == span[0].start && span[0].atStart)
        if tokens.count == 1 {
            let word = tokens[0]
            if BuiltInLists.demonyms.contains(word.lower) || BuiltInLists.months[word.lower] != nil { return [] }
            if word.isNumber || BuiltInLists.commonAcronyms.contains(word.lower) || BuiltInLists.commonCapitalised.contains(word.lower)
                || BuiltInLists.personTitles.contains(word.lower) { return [] }
            // "TRUE", "USER": a common word in capitals (not "WHO", a known organisation).
            if word.isAllCaps, lowercaseWords.contains(word.lower), !isKnownName(word.lower) { return [] }
            if atStart, !word.isAllCaps {
                let evidence = capitalisedWords.contains(word.lower) || isKnownName(word.lower)
                    || (gazetteer.place(word.lower).map { $0.population >= 100_000 || $0.kind != "city" } ?? false)
                if !evidence || lowercaseWords.contains(word.lower) { return [] }
            }
            if !word.isAllCaps, !word.hasInnerCapital, lowercaseWords.contains(word.lower), !isKnownName(word.lower),
               gazetteer.place(word.lower) == nil, !capitalisedWords.contains(word.lower) {
                return []
            }
        }
        // "Texas Governor Greg Abbott" was trimmed; "France Emmanuel Macron" is two names.
        if tokens.count >= 3 {
            for cut in 1..<(tokens.count - 1) where gazetteer.isGivenName(tokens[cut].lower) {
                let head = Self.joined(Array(tokens[..<cut]))
                if placeKind(head) != nil || BuiltInLists.organisations.contains(head) {
                    return classify(Array(tokens[..<cut]), before: before, after: [], sentence: sentence, page: page, text: text)
                        + classify(Array(tokens[cut...]), before: [], after: after, sentence: sentence, page: page, text: text)
                }
            }
        }
        let (type, strength) = typeOf(tokens, lowerName: lowerName, titled: titled, before: before, after: after, atStart: atStart)
        let first = tokens[0], last = tokens[tokens.count - 1]
        return [Mention(surface: text.slice(first.start, last.end), tokens: tokens, start: first.start, end: last.end, page: page,
                        sentence: sentence, type: type, strength: strength, atStart: atStart)]
    }

    /// How many leading tokens form a person's title ("Prime Minister", "Dr.", "Chief Executive").
    func titleLength(_ tokens: [NameToken]) -> Int? {
        for length in stride(from: min(3, tokens.count - 1), through: 1, by: -1) {
            let words = tokens[..<length].map(\.lower)
            if BuiltInLists.personTitles.contains(words.joined(separator: " ")) {
                // A title must be followed by a name, not be one ("House of Lords" keeps "Lords").
                let rest = tokens[length...]
                guard let next = rest.first, next.canBeName, !BuiltInLists.nameConnectors.contains(next.lower) else { return nil }
                return length
            }
        }
        return nil
    }

    func isKnownName(_ lower: String) -> Bool {
        BuiltInLists.organisations.contains(lower) || BuiltInLists.places.contains(lower)
    }

    func placeKind(_ lower: String) -> String? {
        if BuiltInLists.places.contains(lower) || BuiltInLists.placeAliasForms.contains(lower) { return "region" }
        return gazetteer.place(lower)?.kind
    }

    /// The type of a trimmed name and how sure it is.
    func typeOf(_ tokens: [NameToken], lowerName: String, titled: Bool, before: [NameToken], after: [NameToken], atStart: Bool)
        -> (EntityType, Int) {
        let words = tokens.map(\.lower)
        let first = words[0], last = words[words.count - 1]
        let previous = before.last(where: \.isWord)?.lower ?? ""
        let nextWord = after.first(where: \.isWord)?.lower ?? ""
        let spoke = BuiltInLists.speechVerbs.contains(nextWord) || BuiltInLists.speechVerbs.contains(previous)
        if titled, tokens.count <= 4 { return (.person, 3) }
        if BuiltInLists.organisations.contains(lowerName) || (words.count > 2 && BuiltInLists.organisations.contains(words.suffix(2).joined(separator: " "))) {
            return (.organisation, 3)
        }
        let isPlace = placeKind(lowerName)
        if tokens.count > 1, isPlace == nil, BuiltInLists.placeTails.contains(last) { return (.place, 2) }
        if tokens.count > 1, isPlace == nil,
           BuiltInLists.organisationTails.contains(last) || words.dropFirst().contains(where: { BuiltInLists.institutionWords.contains($0) })
            || BuiltInLists.organisations.contains(first) {
            return (.organisation, 3)
        }
        if let kind = isPlace {
            let population = gazetteer.place(lowerName)?.population ?? 1_000_000
            // A small town named like a person ("Jackson said").
            if kind == "city", population < 100_000, !tokens.contains(where: \.isAllCaps), spoke || gazetteer.isGivenName(first) && tokens.count > 1 {
                return (.person, 1)
            }
            return (.place, kind == "city" && population < 50_000 ? 2 : 3)
        }
        if tokens.count > 1, BuiltInLists.organisationHeads.contains(first), words.contains("of") || words.count > 2 {
            return (.organisation, 2)
        }
        if tokens.count > 1, BuiltInLists.placeHeads.contains(first), words.contains("of") { return (.place, 2) }
        if tokens.count == 1, tokens[0].isAllCaps, tokens[0].text.count <= 7 { return (.organisation, 2) }
        if tokens.count == 1, tokens[0].isCapitalised, tokens[0].hasInnerCapital, !tokens[0].isAllCaps, !tokens[0].text.contains("-") {
            return (.organisation, 1)
        }
        if tokens.count > 1, BuiltInLists.conceptTails.contains(last) || BuiltInLists.conceptHeads.contains(first) { return (.concept, 2) }
        if tokens.count > 1, ["north", "south", "east", "west", "new", "san", "santa", "lake", "mount", "cape", "port", "fort"].contains(first) {
            return (.place, 1)
        }
        if tokens.contains(where: { !$0.isCapitalised && ["von", "van", "der", "bin", "ibn", "da", "di", "del", "du", "de", "dos"].contains($0.lower) }),
           tokens.first?.isCapitalised == true, tokens.last?.isCapitalised == true, (3...6).contains(tokens.count) {
            return (.person, 2)
        }
        // Initials before a name: "J. R. R. Tolkien".
        if tokens.count >= 2, tokens[0].text.count == 2, tokens[0].text.hasSuffix("."), tokens.last!.text.count > 2 { return (.person, 2) }
        let allNames = tokens.allSatisfy { $0.isCapitalised && !$0.isAllCaps }
        if allNames, (2...4).contains(tokens.count) {
            let bigPlace = (gazetteer.place(first)?.population ?? 0) >= 1_000_000
            if gazetteer.isGivenName(first), !bigPlace, !BuiltInLists.placeTails.contains(last) { return (.person, 2) }
            let namesPlace = tokens.contains(where: { placeKind($0.lower) != nil || BuiltInLists.organisations.contains($0.lower) })
            if spoke, !namesPlace { return (.person, 1) }
            // Two or three capitalised words no other rule claims, none of them a common word:
            // most often a person ("Bukayo Saka").
            if tokens.count <= 3, !tokens.contains(where: { lowercaseWords.contains($0.lower) || $0.text.count < 2 || $0.text.contains(where: \.isNumber) }),
               !namesPlace {
                return (.person, 1)
            }
        }
        if tokens.count == 1, spoke, gazetteer.isFamilyName(first) || gazetteer.isGivenName(first) { return (.person, 1) }
        if tokens.count > 1, ["north", "south", "east", "west", "new", "san", "santa", "lake", "mount", "cape", "port", "fort"].contains(first) {
            return (.place, 1)
        }
        if tokens.count == 1, ["in", "near", "across", "from", "to", "outside", "around"].contains(previous) { return (.place, 1) }
        // A lone capitalised word mid-sentence that no list knows: in news most often a company.
        if tokens.count == 1, !atStart, tokens[0].isCapitalised { return (.organisation, 1) }
        return (.concept, 1)
    }

    static func joined(_ tokens: [NameToken]) -> String { tokens.map(\.lower).joined(separator: " ") }
}
