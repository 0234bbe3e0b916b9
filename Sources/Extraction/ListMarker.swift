/// Recognises ordered-list markers such as `1. `, `12) ` or `a) ` at the start of a line.
enum ListMarker {
    /// The number of scalars of the marker including its following space, or nil.
    static func length(in line: some StringProtocol) -> Int? {
        let scalars = Array(line.unicodeScalars.prefix(6))
        var index = 0
        while index < scalars.count, index < 3, ("0"..."9").contains(scalars[index]) { index += 1 }
        if index == 0 {
            guard let first = scalars.first, ("a"..."z").contains(first) else { return nil }
            index = 1
        }
        guard index + 2 < scalars.count || index + 2 == scalars.count else { return nil }
        guard index + 1 < scalars.count, scalars[index] == "." || scalars[index] == ")",
              scalars[index + 1] == " " else { return nil }
        guard index + 2 < scalars.count, !scalars[index + 2].properties.isWhitespace else { return nil }
        return index + 2
    }
}
