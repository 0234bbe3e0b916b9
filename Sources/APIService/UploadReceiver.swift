import DocuThinkerCore
import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import MultipartKit
import NIOCore
import ServerSupport
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
              let boundary = Self.parameter("boundary", in: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Upload the document as multipart/form-data with the field 'file'.")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxFileBytes + Self.overhead {
            throw tooLarge()
        }
        let path = temporaryDirectory + "/upload-" + UUID().uuidString
        let state = MultipartState()
        do {
            try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(path), options: .newFile(replaceExisting: false)
            ) { handle in
                try await handle.withBufferedWriter { writer in
                    let parser = MultipartParser(boundary: boundary)
                    parser.onHeader = { name, value in state.header(name: name, value: value) }
                    parser.onBody = { buffer in state.body(&buffer) }
                    parser.onPartComplete = { state.partComplete() }
                    var received = 0
                    for try await chunk in request.body {
                        received += chunk.readableBytes
                        if received > maxFileBytes + Self.overhead { throw tooLarge() }
                        try parser.execute(chunk)
                        if state.fileBytes > maxFileBytes { throw tooLarge() }
                        if state.pending.readableBytes > 0 {
                            _ = try await writer.write(contentsOf: state.pending)
                            state.pending.clear()
                        }
                    }
                }
            }
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(path))
            if error is APIError { throw error }
            throw APIError.badRequest("The multipart body could not be read.", code: "invalid_multipart")
        }
        guard state.sawFile else {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(path))
            throw APIError.validation("The multipart field 'file' is missing.", field: "file")
        }
        return ReceivedUpload(path: path, filename: state.filename, title: state.title, size: state.fileBytes,
                              sha256: state.hasher.finalize().hexString)
    }

    private func tooLarge() -> APIError {
        APIError(.contentTooLarge, code: "file_too_large",
                 message: "The file is larger than the limit of \(maxFileBytes) bytes.",
                 details: ["maxBytes": String(maxFileBytes)],
                 headers: [.connection: "close"])
    }

    /// A `name=value` parameter of a header value such as Content-Type or Content-Disposition.
    /// A client's file name as stored and shown: its last path component (either slash), without
    /// control characters (line breaks, NUL, escapes, bidirectional overrides), at most 255 characters.
    static func storedFilename(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = last.unicodeScalars.filter { scalar in
            !(scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
              || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator)
        }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces).prefix(255).description
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }
}

/// Mutable state shared by the multipart parser's callbacks during one upload.
/// Only the first part named `file` is kept; later ones are ignored.
private final class MultipartState {
    var pending = ByteBuffer()
    var fileBytes = 0
    /// The file's checksum, fed as its bytes arrive (duplicate uploads are recognised by it).
    var hasher = SHA256()
    var sawFile = false
    var filename: String?
    var title: String?
    private var partName: String?
    private var writingFile = false
    private var field = ByteBuffer()

    func header(name: String, value: String) {
        guard name.lowercased() == "content-disposition" else { return }
        partName = UploadReceiver.parameter("name", in: value)
        if partName == "file" || partName == "File", !sawFile {   // `File`: the original client's spelling
            sawFile = true
            writingFile = true
            filename = UploadReceiver.parameter("filename", in: value).map(UploadReceiver.storedFilename)
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        if writingFile {
            fileBytes += buffer.readableBytes
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            pending.writeBuffer(&buffer)
        } else if partName == "title", field.readableBytes < 4096 {
            field.writeBuffer(&buffer)
        }
    }

    func partComplete() {
        if partName == "title" {
            title = String(decoding: field.readableBytesView.prefix(4096), as: UTF8.self)
            field.clear()
        }
        writingFile = false
        partName = nil
    }
}
