public import Foundation
import _NIOFileSystem
import NIOCore

/// Where original files live. Embedded: a local directory; at scale: S3 (same contract).
public protocol ObjectStore: Sendable {
    /// Moves the finished temporary file at `file` into the store under `key`.
    func put(key: String, movingFileAt file: String) async throws
    /// A local path for `key` when the store is a filesystem (lets servers stream the file).
    func localPath(for key: String) -> String?
    /// The object's bytes.
    func read(key: String, maxBytes: Int) async throws -> Data
    /// Deletes the object; a missing object is not an error.
    func delete(key: String) async throws
}

/// Files under one directory; keys may contain `/` and map to subdirectories.
public struct FileObjectStore: ObjectStore {
    public let root: String

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    public func localPath(for key: String) -> String? {
        precondition(!key.contains(".."), "object keys never contain '..'")
        return root + "/" + key
    }

    public func put(key: String, movingFileAt file: String) async throws {
        let target = localPath(for: key)!
        let directory = FilePath(target).removingLastComponent()
        try await FileSystem.shared.createDirectory(at: directory, withIntermediateDirectories: true)
        try await FileSystem.shared.moveItem(at: FilePath(file), to: FilePath(target))
    }

    public func read(key: String, maxBytes: Int) async throws -> Data {
        let path = localPath(for: key)!
        let buffer = try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(maxBytes)))
        }
        return Data(buffer.readableBytesView)
    }

    public func delete(key: String) async throws {
        _ = try await FileSystem.shared.removeItem(at: FilePath(localPath(for: key)!), recursively: false)
    }
}
