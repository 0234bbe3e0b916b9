public import DocuThinkerCore

/// A line found by layout alone to be page furniture or apparatus, with its code-point span.
public struct LineMark: Sendable, Hashable {
    public var start: Int
    public var end: Int
    public var role: SentenceRole

    public init(start: Int, end: Int, role: SentenceRole) {
        self.start = start
        self.end = end
        self.role = role
    }
}

/// Finds the lines of a paged text that are not the document's prose: running heads and footers
/// (lines at the top or bottom of pages that repeat, page numbers aside, on several pages), bare
/// page numbers, contents and index lines (dot leaders ending in a page number, or pages most of
/// whose lines end in page numbers) and lines of glyph soup. Sentences never cross these lines, so a running head is
/// never glued to the paragraph under it.
public enum PageFurniture {
    /// A non-blank line's span, without its surrounding whitespace.
    struct Line { var start: Int; var end: Int }

    /// The marked lines of `text`, sorted by start.
    public static func marks(_ text: ScalarText, pages: [PageRange]) -> [LineMark] {
        let s = text.scalars
        let paged = pages.isEmpty ? [PageRange(number: 1, start: 0, end: s.count)] : pages
        let linesByPage = paged.map { lines(s, $0.start, min($0.end, s.count)) }
        var roles: [Int: SentenceRole] = [:]  // keyed by line start
        if paged.count >= 4 { markRunningHeads(s, linesByPage, into: &roles) }
        let middle = paged.count > 1 ? paged.count / 2 : Int.max
        let textMiddle = s.count / 2
        for (pageIndex, lines) in linesByPage.enumerated() {
            // Contents early in the document, index late (both end lines in page numbers).
            func apparatus(_ line: Line) -> SentenceRole {
                (paged.count > 1 ? pageIndex >= middle : line.start >= textMiddle) ? .index : .contents
            }
            var numbered = 0
            for line in lines where roles[line.start] == nil {
                if hasDotLeader(s, line) { roles[line.start] = apparatus(line); numbered += 1 }
                else if endsInPageReference(s, line) { numbered += 1 }
            }
            // A page most of whose lines end in page references is a contents or index page.
            let open = lines.filter { roles[$0.start] == nil || roles[$0.start] == .contents || roles[$0.start] == .index }
            if paged.count > 1, open.count >= 6, numbered * 2 >= open.count {
                for line in open { roles[line.start] = apparatus(line) }
            }
            // Lines of music or symbol fonts (`h h h h`, `ª hhh`): never glued to prose.
            for line in lines where roles[line.start] == nil && line.end - line.start <= 200
                && TextSignals.isGlyphSoup(String.UnicodeScalarView(s[line.start..<line.end])[...]) {
                roles[line.start] = .glyphSoup
            }
        }
        return linesByPage.joined().compactMap { line in roles[line.start].map { LineMark(start: line.start, end: line.end, role: $0) } }
    }

    /// `regions` with every marked line cut out into a region of its own (sorted, non-overlapping).
    public static func refine(_ regions: [SegmentRegion], around marks: [LineMark]) -> [SegmentRegion] {
        guard !marks.isEmpty else { return regions }
        var result: [SegmentRegion] = []
        var m = 0
        for region in regions {
            var cursor = region.start
            while m < marks.count, marks[m].end <= region.start { m += 1 }
            var k = m
            while k < marks.count, marks[k].start < region.end {
                let mark = marks[k]
                let a = max(mark.start, region.start), b = min(mark.end, region.end)
                if a > cursor { result.append(SegmentRegion(start: cursor, end: a)) }
                result.append(SegmentRegion(start: a, end: b))
                cursor = b
                k += 1
            }
            if cursor < region.end { result.append(SegmentRegion(start: cursor, end: region.end)) }
        }
        return result
    }

    /// Non-blank lines of `s[start..<end]`, trimmed.
    static func lines(_ s: [Unicode.Scalar], _ start: Int, _ end: Int) -> [Line] {
        var result: [Line] = []
        var a = start
        while a < end {
            var b = a
            while b < end, s[b] != "\n" { b += 1 }
            var x = a, y = b
            while x < y, s[x].properties.isWhitespace { x += 1 }
            while y > x, s[y - 1].properties.isWhitespace { y -= 1 }
            if x < y { result.append(Line(start: x, end: y)) }
            a = b + 1
        }
        return result
    }

    /// Lines at the top or bottom of pages that repeat (digits and roman numerals aside) on at
    /// least three pages, and lines that are only a page number there. The second line from the
    /// top (or bottom) counts only under (or over) a marked outer one.
    private static func markRunningHeads(_ s: [Unicode.Scalar], _ linesByPage: [[Line]], into roles: inout [Int: SentenceRole]) {
        func ends(_ lines: [Line]) -> (top: [Line], bottom: [Line]) {
            (Array(lines.prefix(2)), lines.count > 2 ? Array(lines.suffix(2).reversed()) : Array(lines.dropFirst(2)))
        }
        var counts: [String: Int] = [:]
        for lines in linesByPage {
            let (top, bottom) = ends(lines)
            let keys = Set(top.map { "t:" + furnitureKey(s, $0) } + bottom.map { "b:" + furnitureKey(s, $0) })
            for key in keys where key.count > 2 { counts[key, default: 0] += 1 }
        }
        func mark(_ line: Line, key: String) -> Bool {
            guard line.end - line.start <= 120 else { return false }
            if key.count == 2 {
                guard line.end - line.start <= 12, isPageNumber(s, line) else { return false }
                roles[line.start] = .pageNumber
                return true
            }
            guard counts[key, default: 0] >= 3 else { return false }
            roles[line.start] = .runningHead
            return true
        }
        for lines in linesByPage {
            let (top, bottom) = ends(lines)
            for (edge, prefix) in [(top, "t:"), (bottom, "b:")] {
                for line in edge {
                    guard roles[line.start] == nil, mark(line, key: prefix + furnitureKey(s, line)) else { break }
                }
            }
        }
    }

    /// The line lower-cased with digits and roman-numeral words removed and spaces folded.
    static func furnitureKey(_ s: [Unicode.Scalar], _ line: Line) -> String {
        var words: [String] = []
        var word = ""
        func close() {
            if !word.isEmpty, !isRoman(word) { words.append(word) }
            word = ""
        }
        for scalar in s[line.start..<line.end] {
            if scalar.properties.isWhitespace { close(); continue }
            if scalar.properties.numericType != nil { continue }
            word.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        close()
        let key = words.joined(separator: " ")
        return key.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) ? key : ""
    }

    /// `xiv`, `iii`: a lower-case roman numeral of up to six letters.
    static func isRoman(_ word: String) -> Bool {
        word.count <= 6 && word.unicodeScalars.allSatisfy { "ivxlc".unicodeScalars.contains($0) }
    }

    /// `12`, `- 12 -`, `Page 12`, `xiv`.
    static func isPageNumber(_ s: [Unicode.Scalar], _ line: Line) -> Bool {
        let digits = s[line.start..<line.end].contains { $0.properties.numericType != nil }
        let text = String(String.UnicodeScalarView(s[line.start..<line.end])).lowercased()
        return digits || isRoman(text)
    }

    /// `Introduction . . . . . 7`, `anova ........ 58, 60`: three spaced dots or four unspaced
    /// ones, then only page references (numbers, roman numerals, commas, dashes, spaces).
    static func hasDotLeader(_ s: [Unicode.Scalar], _ line: Line) -> Bool {
        var end = line.end
        var references = 0
        while end > line.start, line.end - end < 24,
              s[end - 1].properties.numericType != nil || "ivxlc,–- ".unicodeScalars.contains(s[end - 1]) {
            if s[end - 1].properties.numericType != nil || "ivxlc".unicodeScalars.contains(s[end - 1]) { references += 1 }
            end -= 1
        }
        guard references > 0 else { return false }
        var dots = 0, k = end
        while k > line.start, s[k - 1] == "." || s[k - 1] == " " || s[k - 1] == "\u{2026}" {
            if s[k - 1] != " " { dots += s[k - 1] == "\u{2026}" ? 3 : 1 }
            k -= 1
        }
        return dots >= 3
    }

    /// Ends in a page reference: `Title 12`, `term, 12, 45`, `term 12–14` after some letters.
    static func endsInPageReference(_ s: [Unicode.Scalar], _ line: Line) -> Bool {
        var end = line.end, digits = 0
        while end > line.start, s[end - 1].properties.numericType != nil { end -= 1; digits += 1 }
        guard digits > 0, digits <= 4, end > line.start, s[end - 1] == " " || s[end - 1] == "," || s[end - 1] == "." else { return false }
        return s[line.start..<end].contains { $0.properties.isAlphabetic }
    }
}
