public import NIOCore

/// A RESP2 value, as Redis sends it (and as commands are sent: an array of bulk strings).
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    /// A bulk string; nil is Redis's null bulk string (a missing key).
    case bulkString([UInt8]?)
    /// An array; nil is the null array.
    case array([RESPValue]?)

    /// The value as text (simple or bulk string, or an integer's digits); nil otherwise.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let number): String(number)
        default: nil
        }
    }

    /// The value as an integer (an integer reply, or a string of digits); nil otherwise.
    public var int: Int64? {
        if case .integer(let number) = self { return number }
        return string.flatMap { Int64($0) }
    }

    /// The bytes of a bulk string; nil for a null or another kind.
    public var bytes: [UInt8]? {
        if case .bulkString(let bytes) = self { return bytes }
        return nil
    }

    /// The elements of an array reply; nil for a null or another kind.
    public var array: [RESPValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// Whether this is the null bulk string or the null array.
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }
}

/// Encodes commands and decodes replies in the RESP2 wire format.
public enum RESP {
    /// The largest bulk string or array accepted from a server (Redis's own limit is 512 MB; the
    /// values DocuThinker stores are kilobytes).
    public static let maxLength = 64 << 20

    /// Appends `arguments` as one command (an array of bulk strings).
    public static func encode(_ arguments: [[UInt8]], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.count)\r\n")
            buffer.writeBytes(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Reads one complete value from the front of `buffer`, consuming it; nil (buffer untouched)
    /// when the value has not fully arrived. A malformed reply throws `RedisError.protocolError`.
    public static func decode(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let value = try decodeValue(&copy) else { return nil }
        buffer = copy
        return value
    }

    private static func decodeValue(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        guard let marker: UInt8 = buffer.getInteger(at: buffer.readerIndex) else { return nil }
        guard let line = readLine(&buffer, skipping: 1) else { return nil }
        switch marker {
        case UInt8(ascii: "+"): return .simpleString(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"):
            guard let number = Int64(line) else { throw RedisError.protocolError("integer reply \(line.prefix(20))") }
            return .integer(number)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1, length <= maxLength else { throw RedisError.protocolError("bulk length \(line.prefix(20))") }
            if length == -1 { return .bulkString(nil) }
            guard buffer.readableBytes >= length + 2, let bytes = buffer.readBytes(length: length) else { return nil }
            guard buffer.readBytes(length: 2) == [13, 10] else { throw RedisError.protocolError("bulk string not ended by CRLF") }
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1, count <= maxLength else { throw RedisError.protocolError("array length \(line.prefix(20))") }
            if count == -1 { return .array(nil) }
            var values: [RESPValue] = []
            values.reserveCapacity(min(count, 1_024))
            for _ in 0..<count {
                guard let value = try decodeValue(&buffer) else { return nil }
                values.append(value)
            }
            return .array(values)
        default:
            throw RedisError.protocolError("unknown reply type \(marker)")
        }
    }

    /// The text up to the next CRLF after `skipping` bytes, consuming it and the CRLF; nil when no
    /// CRLF has arrived yet.
    private static func readLine(_ buffer: inout ByteBuffer, skipping: Int) -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: 13), view.index(after: cr) < view.endIndex, view[view.index(after: cr)] == 10 else { return nil }
        let start = view.startIndex + skipping
        let text = String(decoding: view[start..<cr], as: UTF8.self)
        buffer.moveReaderIndex(forwardBy: cr - view.startIndex + 2)
        return text
    }
}

/// What a Redis call can fail with. `unavailable` covers every way the server could not be
/// reached or did not answer in time: callers treat it as "Redis is down" and fall back.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection (refused, timed out, closed, or waiting out the reconnect backoff).
    case unavailable(String)
    /// The server answered with an error reply (`-ERR …`, `-NOAUTH …`, `-NOSCRIPT …`).
    case server(String)
    /// The bytes from the server are not RESP.
    case protocolError(String)
    /// `REDIS_URL` is not a redis:// or rediss:// URL.
    case invalidURL(String)

    public var description: String {
        switch self {
        case .unavailable(let why): "Redis is unavailable: \(why)"
        case .server(let message): "Redis answered with an error: \(message)"
        case .protocolError(let why): "Redis sent a malformed reply: \(why)"
        case .invalidURL(let why): why
        }
    }
}
