public import Foundation
public import NIOCore

/// Where original files live. Embedded: a local directory; at scale: S3 (same contract).
public protocol ObjectStore: Sendable {
    /// Moves the finished temporary file at `file` into the store under `key`.
    func put(key: String, movingFileAt file: String) async throws
    /// A local path for `key` when the store is a filesystem: an optional fast path (a server
    /// may hand the file to its own file I/O); every store can `stream`.
    func localPath(for key: String) -> String?
    /// The object's bytes, whole (at most `maxBytes`). A missing object: `StorageError.notFound`.
    func read(key: String, maxBytes: Int) async throws -> Data
    /// The object's bytes in order, a part at a time, so a large file never sits in memory.
    /// A missing object ends the stream with `StorageError.notFound` before any part.
    func stream(key: String) -> AsyncThrowingStream<ByteBuffer, any Error>
    /// Deletes the object; a missing object is not an error.
    func delete(key: String) async throws
}
