import Foundation

/// Turns a model's answer, as its text arrives, into clean prose and the numbers of the sources
/// it cites. Markers are `[S3]`, `[S1, S4]` or `[3]`; they are taken out of the text together
/// with the space before them when punctuation follows (`water [S1].` → `water.`). Leading and
/// trailing whitespace is dropped. Whatever looks like a bracket but is not a marker stays text.
/// Text is held back only while it may still turn out to be a marker or a space before one, so
/// what it emits never has to be taken back: the pieces joined are the final answer.
struct SourceMarkerFilter {
    enum Piece: Equatable, Sendable {
        case text(String)
        case source(Int)
    }

    /// Characters seen after `[` while they may still be a marker.
    private var marker: String?
    /// Whitespace not yet known to be inside the answer.
    private var space = ""
    private var started = false
    private var afterMarker = false
    private static let markerCharacters = Set("Ss0123456789, ")
    private static let closingPunctuation = Set(".,;:!?)")

    /// Feeds the next text of the answer; returns what it completed.
    mutating func feed(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        for character in text { consume(character, into: &pieces) }
        return pieces
    }

    /// The end of the answer: a bracket left open is text after all.
    mutating func finish() -> [Piece] {
        var pieces: [Piece] = []
        if let open = marker {
            marker = nil
            emit("[" + open, into: &pieces)
        }
        return pieces
    }

    private mutating func consume(_ character: Character, into pieces: inout [Piece]) {
        if let open = marker {
            if character == "]", let numbers = Self.sources(open) {
                marker = nil
                afterMarker = true
                pieces += numbers.map(Piece.source)
                return
            }
            if character != "]", Self.markerCharacters.contains(character), open.count < 24 {
                marker = open + String(character)
                return
            }
            marker = nil
            emit("[" + open, into: &pieces)
        }
        if character == "[" {
            marker = ""
        } else if character.isWhitespace {
            // The space after a marker replaces the one before it (`a [S1] b` → `a b`).
            if afterMarker {
                space = ""
                afterMarker = false
            }
            if started { space.append(character) }
        } else {
            if afterMarker, Self.closingPunctuation.contains(character) { space = "" }
            emit(String(character), into: &pieces)
        }
    }

    private mutating func emit(_ text: String, into pieces: inout [Piece]) {
        let out = space + text
        space = ""
        started = true
        afterMarker = false
        if case .text(let previous)? = pieces.last {
            pieces[pieces.count - 1] = .text(previous + out)
        } else {
            pieces.append(.text(out))
        }
    }

    /// `S1, s4` or `3` → the numbers; nil when it is not a marker.
    private static func sources(_ content: String) -> [Int]? {
        let numbers = content.split(separator: ",").map { part -> Int? in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            return Int(trimmed.first == "S" || trimmed.first == "s" ? String(trimmed.dropFirst()) : trimmed)
        }
        guard !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) else { return nil }
        return numbers.compactMap { $0 }
    }
}
