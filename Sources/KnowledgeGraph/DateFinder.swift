import DocuThinkerCore

/// Calendar expressions in a sentence's tokens: "3 March 2024", "March 3, 2024", "June 2025",
/// "Monday", a year in a context that makes it one ("in 2023", "the 2022 season").
enum DateFinder {
    /// Words after a bare year that keep it a date ("the 2022 season").
    static let yearNouns: Set<String> = [
        "season", "seasons", "election", "elections", "campaign", "budget", "census", "edition", "games", "olympics",
        "world", "cup", "tournament", "championship", "model", "fiscal", "financial", "summit", "report", "survey",
        "law", "act", "study", "crisis", "war", "deadline", "target", "levels", "level", "figures", "peak", "record",
        "records", "quarter", "season's", "final", "finals", "vote", "referendum", "conference", "review", "plan",
    ]
    /// Words before a bare year that make it one ("since 2019").
    static let yearLeads: Set<String> = [
        "in", "since", "by", "until", "till", "from", "of", "to", "before", "after", "during", "the", "early", "late",
        "mid", "through", "around", "circa", "between", "and", "for", "than", "year", "fiscal", "spring", "summer",
        "autumn", "fall", "winter", "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "its", "their", "his", "her",
    ]

    /// Words before a month standing alone that make it the month ("in May", not "May we…").
    static let timeLeads: Set<String> = [
        "in", "since", "until", "till", "by", "early", "late", "mid", "last", "next", "this", "from", "through", "of",
        "during", "before", "after", "between", "and", "to", "each", "every",
    ]

    /// The sentence's date mentions, and which tokens they use (no name may take those).
    static func mentions(in tokens: [NameToken], sentence: Int, page: Int, text: ScalarText) -> (mentions: [Mention], used: [Bool]) {
        var used = Array(repeating: false, count: tokens.count)
        let mentions = find(tokens).map { range in
            for k in range { used[k] = true }
            let first = tokens[range.lowerBound], last = tokens[range.upperBound - 1]
            return Mention(surface: text.slice(first.start, last.end), tokens: Array(tokens[range]), start: first.start,
                           end: last.end, page: page, sentence: sentence, type: .date, strength: 3, atStart: first.atStart)
        }
        return (mentions, used)
    }

    /// Index ranges of the date expressions among `tokens`.
    static func find(_ tokens: [NameToken]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        func day(_ k: Int) -> Bool {
            guard k < tokens.count, tokens[k].isWord else { return false }
            var text = tokens[k].lower
            for suffix in ["st", "nd", "rd", "th"] where text.hasSuffix(suffix) { text.removeLast(2) }
            guard let value = Int(text) else { return false }
            return (1...31).contains(value) && text.count <= 2
        }
        func year(_ k: Int) -> Bool {
            guard k < tokens.count, tokens[k].isNumber, tokens[k].text.count == 4, let value = Int(tokens[k].text) else { return false }
            return (1000...2199).contains(value)
        }
        func isPunct(_ k: Int, _ mark: String) -> Bool { k < tokens.count && !tokens[k].isWord && tokens[k].text == mark }
        func month(_ k: Int) -> Bool {
            guard k < tokens.count, tokens[k].isWord, tokens[k].isCapitalised, !tokens[k].isAllCaps else { return false }
            return BuiltInLists.months[tokens[k].lower] != nil
        }
        while i < tokens.count {
            let token = tokens[i]
            if month(i) {
                // Month [day][, year] | Month year; "May" and "March" alone only after a time word.
                var end = i + 1
                // "Jan. 5": an abbreviated month's dot.
                if isPunct(end, "."), day(end + 1) { end += 1 }
                if day(end) {
                    end += 1
                    if isPunct(end, ","), year(end + 1) { end += 2 } else if year(end) { end += 1 }
                } else if year(end) {
                    end += 1
                }
                let previous = i > 0 ? tokens[i - 1].lower : ""
                let unambiguous = token.lower.count > 4 && token.lower != "march"
                if end > i + 1 || timeLeads.contains(previous) || (unambiguous && !token.atStart) {
                    // A day before the month: "3 March 2024".
                    let begin = i > 0 && day(i - 1) ? i - 1 : i
                    found.append(begin..<end)
                    i = end
                    continue
                }
            } else if token.isWord, token.isCapitalised, BuiltInLists.weekdays.contains(token.lower) {
                var end = i + 1
                // "Monday, March 3": one expression.
                if isPunct(end, ","), month(end + 1) { end += 1 }
                found.append(i..<end)
                i = end
                continue
            } else if year(i) {
                let previous = i > 0 ? tokens[i - 1].lower : ""
                let next = i + 1 < tokens.count ? tokens[i + 1] : nil
                let nextIsNoun = next.map { $0.isWord && !$0.isCapitalised && !$0.isNumber && !BuiltInLists.functionWords.contains($0.lower) && !yearNouns.contains($0.lower) } ?? false
                let rangeEnd = next.map { !$0.isWord && ($0.text == "-" || $0.text == "–") } ?? false
                if (yearLeads.contains(previous) || i == 0 || !(tokens[i - 1].isWord) || rangeEnd) && !nextIsNoun {
                    found.append(i..<(i + 1))
                }
            }
            i += 1
        }
        return found
    }
}
