/// A small, dependency-free language guess: writing system first, then stopword frequencies for
/// Latin-script languages. Returns ISO 639-1 codes, or `und` when there is too little text.
public enum LanguageGuesser {
    private static let stopwords: [String: Set<String>] = [
        "en": ["the", "and", "of", "to", "is", "in", "that", "it", "for", "with", "as", "was", "on", "are", "be", "this", "by", "not", "or", "which"],
        "fr": ["le", "la", "les", "et", "des", "est", "une", "un", "du", "dans", "que", "pour", "qui", "sur", "pas", "au", "avec", "sont", "ce", "il"],
        "de": ["der", "die", "und", "das", "ist", "nicht", "ein", "eine", "zu", "den", "mit", "von", "sich", "des", "auf", "für", "im", "dem", "auch", "wird"],
        "es": ["el", "la", "los", "las", "y", "que", "es", "en", "por", "una", "un", "con", "para", "del", "se", "no", "su", "al", "como", "más"],
        "it": ["il", "di", "che", "e", "la", "per", "un", "una", "non", "sono", "della", "con", "del", "gli", "le", "nel", "si", "è", "anche", "come"],
        "pt": ["o", "a", "os", "as", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "por", "mais", "dos", "se", "é"],
        "nl": ["de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "zijn", "met", "voor", "die", "er", "ook", "aan", "maar", "wordt", "bij"],
    ]

    /// Guesses from at most the first 20,000 scalars.
    public static func guess(_ text: String) -> (language: String, confidence: Double) {
        var letters = 0, han = 0, kana = 0, hangul = 0, cyrillic = 0, arabic = 0, greek = 0, hebrew = 0, devanagari = 0
        for scalar in text.unicodeScalars.prefix(20_000) where scalar.properties.isAlphabetic {
            letters += 1
            switch scalar.value {
            case 0x3040...0x30FF: kana += 1
            case 0x3400...0x4DBF, 0x4E00...0x9FFF: han += 1
            case 0xAC00...0xD7AF, 0x1100...0x11FF: hangul += 1
            case 0x0400...0x04FF: cyrillic += 1
            case 0x0600...0x06FF: arabic += 1
            case 0x0370...0x03FF: greek += 1
            case 0x0590...0x05FF: hebrew += 1
            case 0x0900...0x097F: devanagari += 1
            default: break
            }
        }
        guard letters >= 20 else { return ("und", 0) }
        let share = { (n: Int) in Double(n) / Double(letters) }
        if share(kana) > 0.1 { return ("ja", min(1, share(kana + han))) }
        if share(hangul) > 0.3 { return ("ko", share(hangul)) }
        if share(han) > 0.3 { return ("zh", share(han)) }
        for (code, count) in [("ru", cyrillic), ("ar", arabic), ("el", greek), ("he", hebrew), ("hi", devanagari)]
        where share(count) > 0.4 {
            return (code, share(count))
        }
        var counts: [String: Int] = [:]
        var total = 0
        for word in text.prefix(20_000).lowercased().split(whereSeparator: { !$0.isLetter }) {
            total += 1
            let word = String(word)
            for (code, list) in stopwords where list.contains(word) { counts[code, default: 0] += 1 }
        }
        guard total >= 5, let best = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
              best.value > 0 else { return ("und", 0) }
        let second = counts.filter { $0.key != best.key }.map(\.value).max() ?? 0
        let coverage = Double(best.value) / Double(total)
        let margin = Double(best.value - second) / Double(best.value)
        return (best.key, ((min(1, coverage * 3) + margin) / 2 * 100).rounded() / 100)
    }
}
