import DocuThinkerCore
import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import ServerSupport
import WireFormats
import _NIOFileSystem

/// A multipart upload written to a temporary file.
struct ReceivedUpload: Sendable {
    var path: String
    var filename: String?
    var title: String?
    var size: Int
    /// SHA-256 of the file in hex, computed while it streamed in (nil: not computed).
    var sha256: String? = nil
}

/// Streams a `multipart/form-data` body to disk as it arrives (field `file`, optional `title`),
/// refusing anything over the cap with 413 and leaving no partial file behind.
struct UploadReceiver: Sendable {
    let temporaryDirectory: String
    let maxFileBytes: Int
    /// Allowance for multipart framing and small fields on top of the file itself.
    static let overhead = 256 * 1024

    func receive(_ request: Request) async throws -> ReceivedUpload {
        guard let contentType = request.headers[.contentType],
              contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = MultipartUpload.parameter("boundary", in: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Upload the document as multipart/form-data with the field 'file'.")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxFileBytes + Self.overhead {
            throw tooLarge()
        }
        let upload: MultipartUpload
        do {
            upload = try MultipartUpload(boundary: boundary)
        } catch {
            throw Self.refusal(error)
        }
        let path = temporaryDirectory + "/upload-" + UUID().uuidString
        var hasher = SHA256()
        do {
            try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(path), options: .newFile(replaceExisting: false)
            ) { handle in
                try await handle.withBufferedWriter { writer in
                    var received = 0
                    for try await chunk in request.body {
                        received += chunk.readableBytes
                        if received > maxFileBytes + Self.overhead { throw tooLarge() }
                        try upload.feed(chunk)
                        if upload.fileBytes > maxFileBytes { throw tooLarge() }
                        let bytes = upload.takeFileBytes()
                        if bytes.readableBytes > 0 {
                            bytes.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                            _ = try await writer.write(contentsOf: bytes)
                        }
                    }
                }
            }
            try upload.finish()
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(path))
            if let error = error as? APIError { throw error }
            if let error = error as? MultipartUploadError { throw Self.refusal(error) }
            throw APIError.badRequest("The multipart body could not be read.", code: "invalid_multipart")
        }
        return ReceivedUpload(path: path, filename: upload.filename, title: upload.title, size: upload.fileBytes,
                              sha256: hasher.finalize().hexString)
    }

    /// The answer to a body the multipart parser refused.
    static func refusal(_ error: MultipartUploadError) -> APIError {
        switch error {
        case .missingFile: .validation("The multipart field 'file' is missing.", field: "file")
        case .invalidBoundary: .badRequest("The multipart boundary must be 1 to 70 characters.", code: "invalid_multipart")
        case .headersTooLong:
            .badRequest("A part's headers are longer than \(MultipartUpload.maxHeaderBytes) bytes.", code: "invalid_multipart")
        case .truncated: .badRequest("The multipart body ends inside the file: the upload was cut short.", code: "invalid_multipart")
        case .malformed: .badRequest("The multipart body could not be read.", code: "invalid_multipart")
        }
    }

    private func tooLarge() -> APIError {
        APIError(.contentTooLarge, code: "file_too_large",
                 message: "The file is larger than the limit of \(maxFileBytes) bytes.",
                 details: ["maxBytes": String(maxFileBytes)],
                 headers: [.connection: "close"])
    }

    /// A client's file name as stored and shown (see `MultipartUpload.storedFilename`).
    static func storedFilename(_ raw: String) -> String { MultipartUpload.storedFilename(raw) }
}
