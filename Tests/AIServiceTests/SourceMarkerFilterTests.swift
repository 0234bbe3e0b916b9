@testable import AIService
import Testing

/// Source markers in a streamed answer: taken out of the prose, turned into source numbers, and
/// the result is the same however the text was split into deltas.
@Suite struct SourceMarkerFilterTests {
    static func run(_ deltas: [String]) -> (text: String, sources: [Int]) {
        var filter = SourceMarkerFilter()
        var text = "", sources: [Int] = []
        for piece in deltas.flatMap({ filter.feed($0) }) + filter.finish() {
            switch piece {
            case .text(let t): text += t
            case .source(let n): sources.append(n)
            }
        }
        return (text, sources)
    }

    @Test(arguments: [
        ("Water boils at 100 °C [S1]. It freezes at 0 °C [S2, s4].", "Water boils at 100 °C. It freezes at 0 °C.", [1, 2, 4]),
        ("  Leading space goes [3]\n", "Leading space goes", [3]),
        ("An array a[i] keeps its index, and [see above] stays.", "An array a[i] keeps its index, and [see above] stays.", []),
        ("Left open at the end [S", "Left open at the end [S", []),
        ("Two markers [S1][S2] then text.", "Two markers then text.", [1, 2]),
    ])
    func markers(input: String, text: String, sources: [Int]) {
        let whole = Self.run([input])
        #expect(whole.text == text)
        #expect(whole.sources == sources)
    }

    @Test func splittingNeverChangesTheResult() {
        let answer = "Tea is served at noon [S2]. The café 🍵 opens early [S1, S3], and a[i] is text [x]."
        let whole = Self.run([answer])
        let characters = Array(answer)
        for cut in 0...characters.count {
            let split = Self.run([String(characters[..<cut]), String(characters[cut...])])
            #expect(split.text == whole.text, "split at \(cut)")
            #expect(split.sources == whole.sources, "split at \(cut)")
        }
        #expect(Self.run(characters.map { String($0) }).text == whole.text)
    }
}
