import Foundation

/// Incremental server-sent-events parser over raw bytes: lines `event:` and `data:`, events end
/// at a blank line. Bytes are split into lines before they are decoded, so a UTF-8 character that
/// arrives split across two network reads is decoded whole. A line longer than `maxLineBytes` is
/// dropped (and `droppedLines` counts it) instead of growing the buffer without end; bytes already
/// searched for a line end are not searched again, so a long line costs linear time.
public struct SSEParser: Sendable {
    /// The longest line kept: 16 MB (an answer's closing event with its citations is far smaller).
    public static let defaultMaxLineBytes = 16 * 1024 * 1024

    private var pending: [UInt8] = []
    /// How far `pending` has been searched for a line end.
    private var searched = 0
    /// True while the rest of an over-long line is being skipped.
    private var skipping = false
    private var event: String?
    private var data: [String] = []
    private let maxLineBytes: Int
    /// Lines dropped for being longer than `maxLineBytes`.
    public private(set) var droppedLines = 0

    public init(maxLineBytes: Int = SSEParser.defaultMaxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds the next bytes of the body; returns the events they completed.
    public mutating func feed(_ chunk: some Sequence<UInt8>) -> [(event: String?, data: String)] {
        pending.append(contentsOf: chunk)
        var events: [(event: String?, data: String)] = []
        var lineStart = 0
        while let newline = pending[(lineStart + searched)...].firstIndex(of: 0x0A) {
            searched = 0
            if skipping {
                skipping = false
                lineStart = newline + 1
                continue
            }
            var lineEnd = newline
            if lineEnd > lineStart, pending[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd - lineStart > maxLineBytes {   // whole in one read, still too long
                droppedLines += 1
                lineStart = newline + 1
                continue
            }
            let line = String(decoding: pending[lineStart..<lineEnd], as: UTF8.self)
            lineStart = newline + 1
            if line.isEmpty {
                if !data.isEmpty { events.append((event, data.joined(separator: "\n"))) }
                event = nil
                data = []
            } else if line.hasPrefix("data:") {
                data.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces))
            } else if line.hasPrefix("event:") {
                event = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            }
        }
        pending.removeFirst(lineStart)
        // (+ 1: a line of exactly the limit may wait for its LF with its CR)
        if pending.count > maxLineBytes + 1 {
            if !skipping { droppedLines += 1 }
            skipping = true
            pending.removeAll(keepingCapacity: false)
        }
        searched = pending.count
        return events
    }
}
