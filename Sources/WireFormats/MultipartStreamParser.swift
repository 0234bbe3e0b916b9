import Foundation

/// A streaming `multipart/form-data` parser (RFC 2046 §5.1, RFC 7578): bytes go in as they
/// arrive, parts come out as header callbacks, body bytes and part ends. Written here because
/// MultipartKit 4.7.1, the only version available to us, traps on a part header name with a byte
/// over 0x7F (its character table has 128 entries), which took the whole server down on one
/// upload (found by `scripts/fuzz multipart`).
///
/// Every byte is handled in bounded time and memory: the preamble and each part's headers may not
/// exceed `maxHeaderBytes`, and body bytes are passed on as soon as they cannot be the start of a
/// boundary, so only a boundary's length is ever held back.
struct MultipartStreamParser {
    enum Failure: Error {
        case malformed
        case headersTooLong
    }

    private enum State {
        case preamble, afterBoundary, headers, body, epilogue
    }

    /// `CRLF--boundary`: what ends a part (the first boundary is found as if a CRLF preceded the body).
    private let delimiter: [UInt8]
    private let maxHeaderBytes: Int
    private var state = State.preamble
    private var buffer: [UInt8] = [0x0D, 0x0A]
    /// Bytes of the preamble or of the current part's headers so far.
    private var headerBytes = 0

    var onHeader: (_ name: String, _ value: String) -> Void = { _, _ in }
    var onBody: (_ bytes: ArraySlice<UInt8>) -> Void = { _ in }
    var onPartComplete: () -> Void = {}

    init(boundary: String, maxHeaderBytes: Int) {
        delimiter = [0x0D, 0x0A, 0x2D, 0x2D] + Array(boundary.utf8)
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Whether the closing boundary (`--boundary--`) has been read.
    var finished: Bool {
        if case .epilogue = state { return true }
        return false
    }

    /// Parses the next bytes of the body.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) {
        if case .epilogue = state { return }   // what follows the closing boundary is ignored
        buffer.append(contentsOf: bytes)
        var start = 0
        defer { buffer.removeFirst(start) }
        while true {
            switch state {
            case .preamble:
                if let match = find(delimiter, from: start) {
                    headerBytes += match - start
                    start = match + delimiter.count
                    state = .afterBoundary
                } else {
                    // Keep only what could be the start of the boundary.
                    let keep = max(start, buffer.count - (delimiter.count - 1))
                    headerBytes += keep - start
                    start = keep
                    if headerBytes > maxHeaderBytes { throw .headersTooLong }
                    return
                }
                if headerBytes > maxHeaderBytes { throw .headersTooLong }
            case .afterBoundary:
                // `--` closes the body; otherwise optional spaces or tabs (transport padding), then CRLF.
                var index = start
                while index < buffer.count, buffer[index] == 0x20 || buffer[index] == 0x09 { index += 1 }
                guard index + 1 < buffer.count else {
                    if index - start > 1024 { throw .malformed }
                    return
                }
                if index == start, buffer[index] == 0x2D, buffer[index + 1] == 0x2D {
                    state = .epilogue
                    start = buffer.count
                    return
                }
                guard buffer[index] == 0x0D, buffer[index + 1] == 0x0A else { throw .malformed }
                start = index + 2
                headerBytes = 0
                state = .headers
            case .headers:
                guard let lineEnd = find([0x0D, 0x0A], from: start) else {
                    if headerBytes + (buffer.count - start) > maxHeaderBytes { throw .headersTooLong }
                    return
                }
                headerBytes += lineEnd + 2 - start
                if headerBytes > maxHeaderBytes { throw .headersTooLong }
                let line = buffer[start..<lineEnd]
                start = lineEnd + 2
                if line.isEmpty {
                    state = .body
                    continue
                }
                guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                      line[line.startIndex..<colon].allSatisfy(Self.isTokenCharacter) else { throw .malformed }
                let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                let value = line[(colon + 1)...].drop(while: { $0 == 0x20 || $0 == 0x09 })
                onHeader(name, String(decoding: value, as: UTF8.self))
            case .body:
                if let match = find(delimiter, from: start) {
                    if match > start { onBody(buffer[start..<match]) }
                    onPartComplete()
                    start = match + delimiter.count
                    state = .afterBoundary
                } else {
                    let safe = max(start, buffer.count - (delimiter.count - 1))
                    if safe > start { onBody(buffer[start..<safe]) }
                    start = safe
                    return
                }
            case .epilogue:
                start = buffer.count
                return
            }
        }
    }

    /// The first index at or after `from` where `pattern` starts in the buffer (memchr for its
    /// first byte, then a comparison: body bytes stream through at memory speed, debug builds too).
    private func find(_ pattern: [UInt8], from: Int) -> Int? {
        guard let first = pattern.first, buffer.count - from >= pattern.count else { return nil }
        let last = buffer.count - pattern.count
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress else { return nil }
            var index = from
            while index <= last {
                guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                let candidate = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + candidate, pattern, pattern.count) == 0 { return candidate }
                index = candidate + 1
            }
            return nil
        }
    }

    /// RFC 9110 token characters, the only ones a header name may hold.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }
}
