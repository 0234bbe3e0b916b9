public import DocuThinkerCore

/// Splits text into sentences with code-point spans. Survives abbreviations (`Dr.`, `e.g.`),
/// decimals (`3.14`), initials (`J. R. R. Tolkien`), numbered references (`Fig. 2`), list lines
/// and headings (regions, usually the extracted blocks, are never crossed). Dot leaders of
/// contents pages (`Introduction . . . . 7`) end no sentence, a piece with no letter or digit is
/// no sentence, and control characters (C0 but tab and newlines, DEL, C1) are boundaries that never
/// become part of one.
public struct SentenceSegmenter: Sendable {
    /// Sentences longer than this many code points are split at whitespace.
    public var maxSentenceLength: Int

    public init(maxSentenceLength: Int = 1_000) {
        self.maxSentenceLength = maxSentenceLength
    }

    /// Segments `text` within `regions` (sorted, non-overlapping). Pages are assigned from `pages`.
    public func segment(_ text: ScalarText, regions: [SegmentRegion], pages: PageIndex) -> [Sentence] {
        var sentences: [Sentence] = []
        let s = text.scalars
        func emit(_ start: Int, _ end: Int) {
            var a = start, b = end
            while a < b, s[a].properties.isWhitespace { a += 1 }
            while b > a, s[b - 1].properties.isWhitespace { b -= 1 }
            guard a < b else { return }
            for piece in split(s, a, b) where s[piece.0..<piece.1].contains(where: Self.isWordCharacter) {
                sentences.append(Sentence(
                    index: sentences.count, text: text.slice(piece.0, piece.1),
                    span: SourceSpan(page: pages.page(at: piece.0), start: piece.0, end: piece.1)))
            }
        }
        for region in regions {
            let end = min(region.end, s.count)
            var i = max(0, region.start)
            var start = i
            while i < end {
                let c = s[i]
                if Self.isControl(c) {
                    emit(start, i)
                    i += 1
                    start = i
                    continue
                }
                if c == "\n" {
                    var p = i + 1
                    while p < end, s[p] == " " || s[p] == "\t" { p += 1 }
                    if p < end, isListStart(s, p, end) { emit(start, i); start = i + 1 }
                    i += 1
                    continue
                }
                guard Self.terminators.contains(c) else { i += 1; continue }
                var j = i + 1
                while j < end, Self.terminators.contains(s[j]) || Self.closers.contains(s[j]) { j += 1 }
                if Self.fullWidthTerminators.contains(c) { emit(start, j); start = j; i = j; continue }
                guard j < end, s[j].properties.isWhitespace else { i = j; continue }
                var k = j
                while k < end, s[k].properties.isWhitespace { k += 1 }
                guard k < end else { i = k; continue }
                if endsSentence(s, terminatorAt: i, next: s[k], regionStart: region.start) {
                    emit(start, j)
                    start = j
                }
                i = j
            }
            emit(start, end)
        }
        return sentences
    }

    /// Segments a stand-alone text: regions are its blank-line-separated paragraphs, one page.
    public func segment(_ text: String) -> [Sentence] {
        let scalarText = ScalarText(text)
        return segment(scalarText, regions: Self.paragraphs(scalarText), pages: PageIndex(pages: [(1, 0, scalarText.count)]))
    }

    /// Blank-line separated regions of `text`.
    public static func paragraphs(_ text: ScalarText) -> [SegmentRegion] {
        var regions: [SegmentRegion] = []
        let s = text.scalars
        var start = 0, i = 0
        while i < s.count {
            if s[i] == "\n" {
                var j = i + 1
                while j < s.count, s[j] == " " || s[j] == "\t" || s[j] == "\r" { j += 1 }
                if j < s.count, s[j] == "\n" {
                    regions.append(SegmentRegion(start: start, end: i))
                    start = j + 1
                    i = j + 1
                    continue
                }
            }
            i += 1
        }
        if start < s.count { regions.append(SegmentRegion(start: start, end: s.count)) }
        return regions
    }

    /// A letter or digit of any script: a piece without one is punctuation, not a sentence.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// C0 controls other than tab, line feed and carriage return, DEL and the C1 controls (what
    /// symbol fonts often extract as): never inside a sentence.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || (0x7F...0x9F).contains(scalar.value)
    }

    static let terminators: Set<Unicode.Scalar> = [".", "!", "?", "…", "。", "！", "？", "‼", "⁇"]
    static let fullWidthTerminators: Set<Unicode.Scalar> = ["。", "！", "？"]
    static let closers: Set<Unicode.Scalar> = ["\"", "'", "”", "’", ")", "]", "}", "»", "›"]

    /// Decides whether the terminator at `i`, followed by whitespace and then `next`, ends a sentence.
    private func endsSentence(_ s: [Unicode.Scalar], terminatorAt i: Int, next: Unicode.Scalar, regionStart: Int) -> Bool {
        if next.properties.isLowercase { return false }
        // A dot leader (`Title . . . . 12`): a period standing alone or followed by another.
        if s[i] == ".", next == "." || i == regionStart || s[i - 1].properties.isWhitespace { return false }
        guard s[i] == "." else { return true }
        var w = i
        while w > regionStart, !s[w - 1].properties.isWhitespace, !"([{\"'“‘".unicodeScalars.contains(s[w - 1]) { w -= 1 }
        let token = String(String.UnicodeScalarView(s[w..<i])).lowercased()
        if token.isEmpty { return true }
        if Abbreviations.always.contains(token) { return false }
        let nextIsDigit = ("0"..."9").contains(next)
        if nextIsDigit, Abbreviations.beforeNumber.contains(token) { return false }
        let tokenScalars = Array(token.unicodeScalars)
        // An initial: one capital letter ("J. Smith"), or dotted initials ("J.R.R.").
        if tokenScalars.count == 1, s[w].properties.isUppercase, next.properties.isUppercase { return false }
        if tokenScalars.count >= 3, tokenScalars.count <= 6,
           zip(tokenScalars.indices, tokenScalars).allSatisfy({ $0.0 % 2 == 1 ? $0.1 == "." : $0.1.properties.isAlphabetic }) {
            return false
        }
        // A list number at the start of a line ("1. Introduction").
        if tokenScalars.allSatisfy({ ("0"..."9").contains($0) }), w == regionStart || s[w - 1] == "\n" { return false }
        return true
    }

    private func isListStart(_ s: [Unicode.Scalar], _ p: Int, _ end: Int) -> Bool {
        if "•▪◦‣–-*·".unicodeScalars.contains(s[p]), p + 1 < end, s[p + 1] == " " { return true }
        var q = p
        while q < end, q - p < 3, ("0"..."9").contains(s[q]) { q += 1 }
        guard q > p, q + 1 < end else { return false }
        return (s[q] == "." || s[q] == ")") && s[q + 1] == " "
    }

    /// Splits an over-long sentence at whitespace into pieces of at most `maxSentenceLength`.
    private func split(_ s: [Unicode.Scalar], _ start: Int, _ end: Int) -> [(Int, Int)] {
        guard end - start > maxSentenceLength else { return [(start, end)] }
        var pieces: [(Int, Int)] = []
        var a = start
        while a < end {
            var b = min(end, a + maxSentenceLength)
            if b < end {
                var cut = b
                while cut > a + maxSentenceLength / 2, !s[cut].properties.isWhitespace { cut -= 1 }
                if s[cut].properties.isWhitespace { b = cut }
            }
            var trimmedEnd = b
            while trimmedEnd > a, s[trimmedEnd - 1].properties.isWhitespace { trimmedEnd -= 1 }
            if trimmedEnd > a { pieces.append((a, trimmedEnd)) }
            a = b
            while a < end, s[a].properties.isWhitespace { a += 1 }
        }
        return pieces
    }
}
