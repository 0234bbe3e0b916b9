/// A stored sentence as it reads in an answer or an analysis: a heading that the page layout glued
/// to its first line (`1 Music engraving\nThis essay …`, `1.2 Simple Examples\nOctave can …`) left
/// out, line breaks and runs of spaces folded. Citations keep the exact quote; only the text shown
/// with them changes.
public enum SentenceProse {
    public static func text(_ quote: String) -> String {
        var text = Substring(quote)
        if let heading = StructureLabeler.gluedHeading(quote), quote.count > heading.count + 1 {
            // A heading, not a wrapped line of prose: numbered or title-cased, and the rest starts a sentence.
            let rest = quote.dropFirst(heading.count + 1)
            let words = heading.split(separator: " ")
            let capitalised = words.filter { $0.first?.isUppercase == true || $0.first?.isNumber == true }.count
            if rest.first?.isUppercase == true, heading.first?.isNumber == true || capitalised * 10 >= words.count * 6 { text = rest }
        }
        return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
