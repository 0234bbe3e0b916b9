import Foundation

/// A tag found while scanning HTML: its lower-cased name, whether it closes, and where it ends.
struct HTMLTag {
    var name: String
    var isClosing: Bool
    var selfClosing: Bool
    var isComment: Bool
    /// True for elements marked `hidden` or `aria-hidden="true"`, which are not visible text.
    var isHidden: Bool
    /// Index just past the tag's `>`.
    var end: Int

    /// Parses the tag starting at `start` (a `<`), or nil when the `<` is plain text.
    static func parse(_ s: [Unicode.Scalar], at start: Int) -> HTMLTag? {
        var i = start + 1
        guard i < s.count else { return nil }
        if s[i] == "!" {
            if i + 2 < s.count, s[i + 1] == "-", s[i + 2] == "-" {
                var j = i + 3
                while j + 2 < s.count, !(s[j] == "-" && s[j + 1] == "-" && s[j + 2] == ">") { j += 1 }
                return HTMLTag(name: "!--", isClosing: false, selfClosing: true, isComment: true, isHidden: false, end: min(s.count, j + 3))
            }
            guard let close = s[i...].firstIndex(of: ">") else { return nil }
            return HTMLTag(name: "!", isClosing: false, selfClosing: true, isComment: true, isHidden: false, end: close + 1)
        }
        if s[i] == "?" {
            guard let close = s[i...].firstIndex(of: ">") else { return nil }
            return HTMLTag(name: "?", isClosing: false, selfClosing: true, isComment: true, isHidden: false, end: close + 1)
        }
        var closing = false
        if s[i] == "/" { closing = true; i += 1 }
        guard i < s.count, s[i].properties.isAlphabetic else { return nil }
        var name = String.UnicodeScalarView()
        while i < s.count, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) || s[i] == "-" || s[i] == ":" {
            name.append(s[i]); i += 1
        }
        // Scan attributes up to the closing '>' honouring quotes.
        var quote: Unicode.Scalar?
        var attributes = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            if let q = quote { if c == q { quote = nil } }
            else if c == "\"" || c == "'" { quote = c }
            else if c == ">" { break }
            attributes.append(c)
            i += 1
        }
        guard i < s.count else { return nil }
        let attributeText = String(attributes).lowercased()
        let selfClosing = attributeText.hasSuffix("/")
        let hidden = !closing && attributeText.contains("hidden") && (attributeText.range(of: #"(^|\s)hidden(\s|=|$|/)"#, options: .regularExpression) != nil
            || attributeText.contains("aria-hidden=\"true\""))
            || !closing && attributeText.replacingOccurrences(of: " ", with: "").contains("display:none")
        return HTMLTag(name: String(name).lowercased(), isClosing: closing, selfClosing: selfClosing, isComment: false, isHidden: hidden, end: i + 1)
    }
}
