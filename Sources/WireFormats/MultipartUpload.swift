import Foundation
public import NIOCore

/// The parts of a `multipart/form-data` upload DocuThinker reads, parsed as the body streams in:
/// the first part named `file` (or `File`, the original client's spelling) with its file name,
/// and a short `title` field. The file's bytes are handed over as they arrive (`takeFileBytes`),
/// so an upload of any size needs little memory.
///
/// Hostile bodies end with `MultipartUploadError`, never with unbounded work: a part's headers
/// (or the preamble) may not run past `maxHeaderBytes`, and a body that stops before its file
/// part is closed by a boundary is refused rather than stored cut short.
public final class MultipartUpload {
    /// The longest run of bytes a well-formed upload sends without a header line or file bytes
    /// completing: the preamble or one part's headers.
    public static let maxHeaderBytes = 64 * 1024

    /// Bytes of the file parsed so far.
    public private(set) var fileBytes = 0
    /// Whether a `file` part began.
    public private(set) var sawFile = false
    /// Whether the `file` part ended with a boundary (the body was not cut short inside it).
    public private(set) var fileComplete = false
    /// The client's file name, cleaned by `storedFilename`.
    public private(set) var filename: String?
    /// The `title` field, at most 4,096 bytes of it.
    public private(set) var title: String?

    private var parser: MultipartStreamParser
    private var pending = ByteBuffer()
    private var partName: String?
    private var writingFile = false
    private var field = ByteBuffer()

    /// A parser for the body of a request whose Content-Type carried `boundary`. The boundary
    /// must be 1 to 70 characters (RFC 2046).
    public init(boundary: String) throws(MultipartUploadError) {
        guard !boundary.isEmpty, boundary.utf8.count <= 70 else { throw .invalidBoundary }
        parser = MultipartStreamParser(boundary: boundary, maxHeaderBytes: Self.maxHeaderBytes)
        parser.onHeader = { [unowned self] name, value in header(name: name, value: value) }
        parser.onBody = { [unowned self] bytes in body(bytes) }
        parser.onPartComplete = { [unowned self] in partComplete() }
    }

    /// Parses the next bytes of the body.
    public func feed(_ chunk: ByteBuffer) throws(MultipartUploadError) {
        do {
            try parser.feed(chunk.readableBytesView)
        } catch .headersTooLong {
            throw .headersTooLong
        } catch {
            throw .malformed
        }
    }

    /// The file bytes parsed since the last call.
    public func takeFileBytes() -> ByteBuffer {
        defer { pending = ByteBuffer() }
        return pending
    }

    /// Checks the body, once it has all arrived: it held a `file` part and that part was closed.
    public func finish() throws(MultipartUploadError) {
        guard sawFile else { throw .missingFile }
        guard fileComplete else { throw .truncated }
    }

    private func header(name: String, value: String) {
        guard name.lowercased() == "content-disposition" else { return }
        partName = Self.parameter("name", in: value)
        if partName == "file" || partName == "File", !sawFile {
            sawFile = true
            writingFile = true
            filename = Self.parameter("filename", in: value).map(Self.storedFilename)
        }
    }

    private func body(_ bytes: ArraySlice<UInt8>) {
        if writingFile {
            fileBytes += bytes.count
            pending.writeBytes(bytes)
        } else if partName == "title", field.readableBytes < 4096 {
            field.writeBytes(bytes)
        }
    }

    private func partComplete() {
        if partName == "title" {
            title = String(decoding: field.readableBytesView.prefix(4096), as: UTF8.self)
            field.clear()
        }
        if writingFile { fileComplete = true }
        writingFile = false
        partName = nil
    }

    /// A client's file name as stored and shown: its last path component (either slash), without
    /// control characters (line breaks, NUL, escapes, bidirectional overrides), at most 255 characters.
    public static func storedFilename(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = last.unicodeScalars.filter { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: false
            default: true
            }
        }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces).prefix(255).description
    }

    /// A `name=value` parameter of a header value such as Content-Type or Content-Disposition.
    public static func parameter(_ name: String, in header: String) -> String? {
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

/// Why a multipart upload body was refused.
public enum MultipartUploadError: Error, Equatable, Sendable {
    /// The Content-Type's boundary is empty or longer than 70 characters.
    case invalidBoundary
    /// The body breaks the multipart syntax.
    case malformed
    /// The preamble or a part's headers ran past `MultipartUpload.maxHeaderBytes`.
    case headersTooLong
    /// No part named `file`.
    case missingFile
    /// The body ended inside the file part.
    case truncated
}
