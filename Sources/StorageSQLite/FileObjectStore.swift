public import Foundation
import _NIOFileSystem
public import NIOCore
public import Storage

/// Files under one directory; keys may contain `/` and map to subdirectories.
public struct FileObjectStore: ObjectStore {
    public let root: String
    /// Whether `localPath(for:)` offers the fast path; false makes every reader stream, as they
    /// must with a remote store such as S3.
    public let sharesLocalPaths: Bool

    public init(root: String, sharesLocalPaths: Bool = true) throws {
        self.root = root
        self.sharesLocalPaths = sharesLocalPaths
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    public func localPath(for key: String) -> String? {
        sharesLocalPaths ? path(for: key) : nil
    }

    /// The file that holds `key`.
    private func path(for key: String) -> String {
        precondition(!key.contains(".."), "object keys never contain '..'")
        return root + "/" + key
    }

    public func put(key: String, movingFileAt file: String) async throws {
        let target = path(for: key)
        let directory = FilePath(target).removingLastComponent()
        try await FileSystem.shared.createDirectory(at: directory, withIntermediateDirectories: true)
        try await FileSystem.shared.moveItem(at: FilePath(file), to: FilePath(target))
    }

    public func read(key: String, maxBytes: Int) async throws -> Data {
        let path = path(for: key)
        let buffer = try await Self.missingIsNotFound(key) {
            try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(maxBytes)))
            }
        }
        return Data(buffer.readableBytesView)
    }

    public func stream(key: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let path = path(for: key)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await Self.missingIsNotFound(key) {
                        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                            for try await chunk in handle.readChunks(chunkLength: .kibibytes(256)) {
                                try Task.checkCancellation()
                                continuation.yield(chunk)
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Runs `body`, turning "no such file" into `StorageError.notFound`.
    private static func missingIsNotFound<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as FileSystemError where error.code == .notFound {
            throw StorageError(.notFound, "No stored object \(key).")
        }
    }

    public func delete(key: String) async throws {
        _ = try await FileSystem.shared.removeItem(at: FilePath(path(for: key)), recursively: false)
    }
}
