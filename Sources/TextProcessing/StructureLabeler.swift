public import DocuThinkerCore

/// Labels every sentence with its role in the document's structure (`SentenceRole`): from the
/// page furniture found by layout (running heads, page numbers, contents and index lines), the
/// block extraction put it in (heading, table row), its own characters and words (glyph soup,
/// code, caption, notice, reference) and the section it stands in (a "Bibliography", "Index",
/// "Contents" or licence heading labels what follows it). Labels never change text or spans.
public enum StructureLabeler {
    /// Segmentation regions (the blocks, or blank-line paragraphs without blocks) with the
    /// furniture lines cut out, and those lines.
    public static func layout(_ text: ScalarText, pages: [PageRange], blocks: [TextBlock]) -> (regions: [SegmentRegion], marks: [LineMark]) {
        var regions = blocks.map { SegmentRegion(start: $0.start, end: $0.end) }.sorted { $0.start < $1.start }
        if regions.isEmpty { regions = SentenceSegmenter.paragraphs(text) }
        let marks = PageFurniture.marks(text, pages: pages)
        return (PageFurniture.refine(regions, around: marks), marks)
    }

    /// The role of each sentence (same order and count as `sentences`).
    public static func roles(of sentences: [Sentence], text: ScalarText, pages: [PageRange], blocks: [TextBlock],
                             marks: [LineMark]) -> [SentenceRole] {
        let sortedBlocks = blocks.sorted { $0.start < $1.start }
        var roles = [SentenceRole](repeating: .body, count: sentences.count)
        var blockOf = [Int](repeating: -1, count: sentences.count)
        var noticeBlocks = Set<Int>()
        var m = 0, b = 0
        for (i, sentence) in sentences.enumerated() {
            let start = sentence.span.start
            while m < marks.count, marks[m].end <= start { m += 1 }
            if m < marks.count, marks[m].start <= start { roles[i] = marks[m].role; continue }
            while b < sortedBlocks.count, sortedBlocks[b].end <= start { b += 1 }
            let block = b < sortedBlocks.count && sortedBlocks[b].start <= start ? sortedBlocks[b] : nil
            if block != nil { blockOf[i] = b }
            let scalars = text.scalars[sentence.span.start..<sentence.span.end]
            if TextSignals.isGlyphSoup(String.UnicodeScalarView(scalars)[...]) { roles[i] = .glyphSoup; continue }
            switch block?.kind {
            case .heading?: roles[i] = .heading; continue
            case .tableRow?: roles[i] = .table; continue
            default: break
            }
            let value = sentence.text
            if TextSignals.isNotice(value) {
                roles[i] = .notice
                if block != nil { noticeBlocks.insert(b) }
            } else if TextSignals.isCaption(value) {
                roles[i] = .caption
            } else if TextSignals.isReference(value) {
                roles[i] = .bibliography
            } else if TextSignals.isCode(value) {
                roles[i] = .code
            }
        }
        // A paragraph that is mostly notice is all notice ("Permission is granted… provided that…").
        var sentencesIn: [Int: Int] = [:], noticesIn: [Int: Int] = [:]
        for i in roles.indices where blockOf[i] >= 0 {
            sentencesIn[blockOf[i], default: 0] += 1
            if roles[i] == .notice { noticesIn[blockOf[i], default: 0] += 1 }
        }
        for i in roles.indices where roles[i] == .body && blockOf[i] >= 0 && noticeBlocks.contains(blockOf[i])
            && noticesIn[blockOf[i], default: 0] * 2 >= sentencesIn[blockOf[i], default: 1] { roles[i] = .notice }
        for i in roles.indices where roles[i] == .body { roles[i] = oneWordRole(sentences[i].text) ?? .body }
        labelSections(sentences, text: text, pages: pages, marks: marks, roles: &roles)
        labelTitlePage(sentences, pages: pages, roles: &roles)
        return roles
    }

    /// Body sentences under a contents, index, bibliography, licence or glossary heading take
    /// that heading's role. Such a section ends at the next heading of the same or a higher level
    /// (`2.1` stays inside `2 Literature list`; an unnumbered one ends at any ordinary heading but
    /// a licence's upper-case or numbered clauses); one that starts in the last quarter of the text
    /// (back matter) runs on to the next appendix or back-matter heading. A heading glued to the
    /// first line of its paragraph (`Appendix A GNU Free Documentation License\nVersion 1.3…`)
    /// counts, and so does a running head naming such a section (`Chapter 2: Literature list`).
    static func labelSections(_ sentences: [Sentence], text: ScalarText, pages: [PageRange], marks: [LineMark], roles: inout [SentenceRole]) {
        var section: (role: SentenceRole, late: Bool, depth: Int?)?
        for (i, sentence) in sentences.enumerated() {
            let heading = roles[i] == .heading ? sentence.text : gluedHeading(sentence.text)
            if let heading {
                if let role = sectionRole(heading) {
                    // Back matter proper: a chapter-like heading (not a `References:` label) late in the text.
                    section = (role, sentence.span.start * 4 >= text.count * 3 && !heading.hasSuffix(":"), numberingDepth(heading))
                    if roles[i] == .body { roles[i] = role }
                    continue
                }
                if roles[i] == .heading, let current = section {
                    let lower = heading.lowercased()
                    let chapter = lower.hasPrefix("appendix") || lower.hasPrefix("chapter")
                    let depth = numberingDepth(heading)
                    let ends: Bool
                    if current.late { ends = chapter }
                    else if let level = current.depth { ends = chapter || depth.map { $0 <= level } ?? false }
                    else { ends = !(current.role == .notice && isUpperCase(heading)) }
                    if ends { section = nil }
                }
                if roles[i] == .heading { continue }
            }
            if let section, roles[i] == .body || roles[i] == .code && section.role != .notice { roles[i] = section.role }
        }
        // Pages whose running head names a back-matter section (`Appendix A: GNU Free Documentation License`).
        var pageRoles: [Int: SentenceRole] = [:]
        let pageIndex = PageIndex(pages: pages.map { ($0.number, $0.start, $0.end) })
        for mark in marks where mark.role == .runningHead {
            if let role = sectionRole(text.slice(mark.start, mark.end)) { pageRoles[pageIndex.page(at: mark.start)] = role }
        }
        guard !pageRoles.isEmpty else { return }
        for i in roles.indices where roles[i] == .body {
            if let role = pageRoles[sentences[i].span.page] { roles[i] = role }
        }
    }

    /// The first line of a multi-line sentence when it reads as a heading: at most eight words,
    /// no closing punctuation.
    public static func gluedHeading(_ text: String) -> String? {
        guard let newline = text.firstIndex(of: "\n") else { return nil }
        let line = text[..<newline]
        guard let last = line.last, !".,;:!?".contains(last), line.split(separator: " ").count <= 8 else { return nil }
        return String(line)
    }

    /// `2.1 Title` → 2, `2 Title` → 1, `A.3 Title` → 2; nil when unnumbered.
    static func numberingDepth(_ heading: String) -> Int? {
        var words = heading.split(separator: " ")
        if let first = words.first, ["appendix", "chapter", "part", "section"].contains(first.lowercased()) { words.removeFirst() }
        guard let token = words.first, words.count > 1 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: true)
        guard !parts.isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isNumber) || $0.count == 1 && $0.first!.isUppercase }),
              parts.contains(where: { $0.allSatisfy(\.isNumber) }) || parts.count > 1 || token.hasSuffix(".") else { return nil }
        return parts.count
    }

    /// The role a section heading gives its section, if any (numbering and "Appendix A" aside).
    public static func sectionRole(_ heading: String) -> SentenceRole? {
        let original = heading.split(whereSeparator: { $0.isWhitespace || $0 == ":" })
        var words = original.map { $0.lowercased() }
        if let first = words.first, ["appendix", "chapter", "part", "section"].contains(first) { words.removeFirst() }
        while let first = words.first, first.allSatisfy({ $0.isNumber || $0 == "." }) || first.count <= 2 && first.hasSuffix(".")
            || first.count == 1 && words.count > 1 || PageFurniture.isRoman(first) && words.count > 1 {
            words.removeFirst()
        }
        // A title starts with a capital or a mark (`license ()` is a function, `‘license’` an option).
        guard let titleStart = original.dropFirst(original.count - words.count).first?.first,
              titleStart.isUppercase || "#*".contains(titleStart) else { return nil }
        var trimmed = Substring(words.joined(separator: " "))
        while let last = trimmed.last, ".#*".contains(last) { trimmed.removeLast() }
        while let first = trimmed.first, ".#*".contains(first) { trimmed.removeFirst() }
        let title = String(trimmed)
        guard !title.isEmpty, words.count <= 8 else { return nil }
        if ["contents", "table of contents", "short contents", "list of figures", "list of tables"].contains(title) { return .contents }
        if title == "index" || title.hasSuffix(" index") || title.hasPrefix("index of ") { return .index }
        if ["references", "reference list", "works cited", "cited works", "further reading", "sources"].contains(title)
            || title.contains("bibliograph") || title.contains("literature list") || title == "literature" { return .bibliography }
        if title.contains("license") || title.contains("licence") || title.hasPrefix("copying") || title.hasPrefix("copyright")
            || ["legal notice", "legal notices", "no warranty", "warranty", "terms of use"].contains(title) { return .notice }
        if ["glossary", "colophon", "acknowledgements", "acknowledgments", "about the author", "about the authors"].contains(title) {
            return .backMatter
        }
        return nil
    }

    /// A paged document's first page, when it holds little text, is its title page.
    static func labelTitlePage(_ sentences: [Sentence], pages: [PageRange], roles: inout [SentenceRole]) {
        guard pages.count >= 5, let first = pages.first else { return }
        let onFirst = sentences.indices.prefix { sentences[$0].span.start < first.end }
        let words = onFirst.reduce(0) { $0 + WordCounter.count(sentences[$1].text) }
        guard words < 150 else { return }
        for i in onFirst where roles[i] == .body { roles[i] = .titlePage }
    }

    /// A "sentence" of one word is rarely prose: `Examples:` or `Introduction` is a label
    /// (heading), `"Autoloads"` or `5.100` is code output, `h` or `ª` is glyph soup. A word with
    /// closing punctuation (`Congratulations!`) stays a sentence.
    static func oneWordRole(_ text: String) -> SentenceRole? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 1, let word = words.first else { return nil }
        let letters = word.unicodeScalars.filter { $0.properties.isAlphabetic }
        let core = word.last.map { ":.!?".contains($0) } == true ? word.dropLast() : word[...]
        let plain = !core.isEmpty && core.allSatisfy { $0.isLetter || $0 == "-" || $0 == "’" || $0 == "'" }
        let vowel = core.lowercased().contains { "aeiouyàáâäéèêëíìîïóòôöúùûü".contains($0) }
        if letters.count < 2 || plain && !vowel { return .glyphSoup }
        guard plain else { return .code }
        if let last = word.last, "!?.".contains(last) { return nil }
        return .heading
    }

    static func isUpperCase(_ text: String) -> Bool {
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        return letters.count >= 3 && letters.allSatisfy { !$0.properties.isLowercase }
    }
}
