/// A document's text held as an array of Unicode scalars so that code-point offsets can be
/// indexed in O(1). This is the one offset unit used everywhere (ARCHITECTURE.md, Contract details).
public struct ScalarText: Sendable {
    /// The scalars of the text.
    public let scalars: [Unicode.Scalar]

    /// Wraps `text`.
    public init(_ text: String) {
        self.scalars = Array(text.unicodeScalars)
    }

    /// Number of code points.
    public var count: Int { scalars.count }

    /// The text between two code-point offsets (clamped to the text).
    public func slice(_ start: Int, _ end: Int) -> String {
        let lower = max(0, min(start, scalars.count))
        let upper = max(lower, min(end, scalars.count))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lower..<upper])
        return String(view)
    }

    /// The text covered by `span`.
    public func slice(_ span: SourceSpan) -> String { slice(span.start, span.end) }
}

extension Unicode.Scalar {
    /// Whitespace in the sense of Unicode's White_Space property.
    @inlinable public var isWhitespaceScalar: Bool { properties.isWhitespace }
}
