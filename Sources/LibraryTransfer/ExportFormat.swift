public import Foundation
public import Storage

/// The layout of an exported library (version 1), a directory:
///
///     manifest.json            format, version, when, from which store, counts
///     users.jsonl              one account a line: user (with its password hash), API keys (hashes), usage
///     documents/<id>.json      one document: record, text, pages, blocks, sentences, chunks, vectors
///                              (per model, little-endian Float32, base64, in chunk order), index
///                              status, job, stored analyses
///     objects/<object key>     the original files
///     chats.jsonl              one chat a line with its messages
///
/// Every JSON value is written with sorted keys and dates as seconds since 2001 (exact for both
/// engines), so exporting the same library from SQLite and from PostgreSQL gives the same bytes.
/// Refresh tokens and password-reset links are not exported: sessions end, people sign in again.
public enum ExportFormat {
    public static let name = "docuthinker-library"
    public static let version = 1

    /// What `manifest.json` holds.
    public struct Manifest: Codable, Sendable {
        public var format: String
        public var version: Int
        public var exportedAt: Date
        /// The store it came from (a PostgreSQL URL without its password, or a SQLite path).
        public var source: String
        public var users: Int
        public var documents: Int
        public var chats: Int
        public var objects: Int
    }

    /// One line of `users.jsonl`.
    public struct Account: Codable, Sendable {
        public var user: UserRecord
        public var apiKeys: [APIKeyRecord]
        public var usage: [UsageRecord]
    }

    /// One `documents/<id>.json`.
    public struct Document: Codable, Sendable {
        public var document: DocumentRecord
        public var content: DocumentContent?
        public var sentences: [SentenceRecord]
        public var chunks: [ChunkRecord]
        /// Model → one base64 Float32 vector per chunk (in chunk order), or nil where a chunk has none.
        public var vectors: [String: [String?]]
        public var indexStatus: IndexStatus?
        public var job: JobRecord?
        public var analyses: [StoredAnalysis]
    }

    /// One line of `chats.jsonl`.
    public struct Chat: Codable, Sendable {
        public var chat: ChatRecord
        public var messages: [ChatMessageRecord]
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func line<Value: Encodable>(_ value: Value) throws -> Data {
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    static func base64(_ vector: [Float]) -> String {
        vector.map(\.bitPattern.littleEndian).withUnsafeBytes { Data($0) }.base64EncodedString()
    }

    static func vector(base64 text: String) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

/// An export or import that cannot go on; the message says what to do.
public struct TransferError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
