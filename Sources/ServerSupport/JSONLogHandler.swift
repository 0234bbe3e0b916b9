public import Logging
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler writing one JSON object per line to stdout (what CloudWatch and ECS
/// expect), or to stderr where stdout carries a protocol (`docuthinker mcp`). Lines are built by
/// hand (keys sorted, strings escaped) and written with one `write(2)`: the access log runs on
/// every request, and Foundation's serializer and date formatter made it cost 3x the request.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    /// Adds context to every line, such as the current span's `trace_id` and `span_id` when tracing is on.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let toStandardError: Bool

    public init(label: String, level: Logger.Level = .info, toStandardError: Bool = false,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.toStandardError = toStandardError
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, Logger.Metadata.Value)] = [
            ("ts", .string(FastJSON.now())), ("level", .string(event.level.rawValue)), ("label", .string(label)),
            ("msg", .string(event.message.description)),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged where !["ts", "level", "label", "msg"].contains(key) { fields.append((key, value)) }
        fields.sort { $0.0 < $1.0 }
        var line = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { line += "," }
            FastJSON.appendString(field.0, to: &line)
            line += ":"
            Self.append(field.1, to: &line)
        }
        line += "}\n"
        var bytes = Array(line.utf8)
        let descriptor = toStandardError ? STDERR_FILENO : STDOUT_FILENO
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { if written < 0 && errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let string): FastJSON.appendString(string, to: &line)
        case .stringConvertible(let convertible): FastJSON.appendString(convertible.description, to: &line)
        case .array(let array):
            line += "["
            for (index, element) in array.enumerated() {
                if index > 0 { line += "," }
                append(element, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                FastJSON.appendString(key, to: &line)
                line += ":"
                append(dictionary[key]!, to: &line)
            }
            line += "}"
        }
    }

}
