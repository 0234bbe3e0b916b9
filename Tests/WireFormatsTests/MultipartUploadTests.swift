import Foundation
import NIOCore
import Testing
import WireFormats

@Suite("Multipart upload bodies")
struct MultipartUploadTests {
    static let boundary = "b0undary"

    static func body(file: String, filename: String = "a.txt", title: String? = "T", closed: Bool = true) -> [UInt8] {
        var text = ""
        if let title { text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\(title)\r\n" }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/plain\r\n\r\n\(file)"
        if closed { text += "\r\n--\(boundary)--\r\n" }
        return Array(text.utf8)
    }

    /// Feeds `bytes` in pieces of `size`; the file's bytes, or the error.
    static func read(_ bytes: [UInt8], pieces size: Int) throws(MultipartUploadError) -> (file: [UInt8], upload: MultipartUpload) {
        let upload = try MultipartUpload(boundary: boundary)
        var file: [UInt8] = []
        var index = 0
        while index < bytes.count {
            try upload.feed(ByteBuffer(bytes: bytes[index..<min(bytes.count, index + size)]))
            file += upload.takeFileBytes().readableBytesView
            index += size
        }
        try upload.finish()
        return (file, upload)
    }

    /// Network reads split a body anywhere, inside the boundary too (where "\r\n--" in the file
    /// almost matches it): the file read is the same for every piece size.
    @Test func theFileIsTheSameHoweverTheBodyIsSplit() throws {
        let file = "line one\r\n--b0und not the boundary\r\n-\r\n--\rtail é"
        let bytes = Self.body(file: file, filename: "C:\\docs\\re\u{7}port.txt")
        for size in [1, 2, 3, 7, 13, 64, bytes.count] {
            let (read, upload) = try Self.read(bytes, pieces: size)
            #expect(String(decoding: read, as: UTF8.self) == file, "pieces of \(size)")
            #expect(upload.fileBytes == read.count && upload.filename == "report.txt" && upload.title == "T")
        }
    }

    @Test func aBodyCutShortInsideTheFileIsRefused() {
        #expect(throws: MultipartUploadError.truncated) { try Self.read(Self.body(file: "half of it", closed: false), pieces: 5) }
        // Cut inside the closing boundary: still not closed.
        let cut = Array(Self.body(file: "all of it").dropLast(8))
        #expect(throws: MultipartUploadError.truncated) { try Self.read(cut, pieces: 4) }
    }

    @Test func missingFileBadBoundaryAndEndlessHeadersAreRefused() {
        let titleOnly = Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n--\(Self.boundary)--\r\n".utf8)
        #expect(throws: MultipartUploadError.missingFile) { try Self.read(titleOnly, pieces: 10) }
        #expect(throws: MultipartUploadError.invalidBoundary) { try MultipartUpload(boundary: "") }
        #expect(throws: MultipartUploadError.invalidBoundary) { try MultipartUpload(boundary: String(repeating: "b", count: 71)) }
        // A header line that never ends is refused after 64 KB, not collected until the upload cap.
        var endless = Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"".utf8)
        endless += [UInt8](repeating: 0x61, count: 200_000)
        #expect(throws: MultipartUploadError.headersTooLong) { try Self.read(endless, pieces: 16_384) }
        #expect(throws: MultipartUploadError.malformed) { try Self.read(Array("--\(Self.boundary)\r\n\u{1}bad header\r\n\r\n".utf8), pieces: 3) }
    }

    /// Found by `scripts/fuzz multipart`: MultipartKit indexed a 128-entry table with a header
    /// name's byte, so one upload with a byte over 0x7F there trapped and took the server down.
    @Test func aHeaderNameWithANonASCIIByteIsMalformedNotATrap() {
        let body = Array("--\(Self.boundary)\r\n\u{C5}\u{90}ent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--\(Self.boundary)--\r\n".utf8)
        for size in [1, 9, body.count] {
            #expect(throws: MultipartUploadError.malformed) { try Self.read(body, pieces: size) }
        }
        // Non-ASCII in a header value (a file name) is fine.
        #expect(throws: Never.self) { try Self.read(Self.body(file: "x", filename: "Résumé 日本.pdf"), pieces: 3) }
    }

    /// Transport padding after a boundary, a preamble and an epilogue are allowed (RFC 2046).
    @Test func paddingPreambleAndEpilogue() throws {
        let text = "This is a preamble.\r\n--\(Self.boundary)  \t\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.txt\"\r\n\r\n"
            + "body\r\n--\(Self.boundary)--\r\nepilogue --\(Self.boundary) junk"
        let (file, upload) = try Self.read(Array(text.utf8), pieces: 4)
        #expect(String(decoding: file, as: UTF8.self) == "body" && upload.filename == "p.txt")
    }

    @Test func fileNamesAreCleaned() {
        #expect(MultipartUpload.storedFilename("../../etc/pass\u{1B}[31mwd") == "pass[31mwd")
        #expect(MultipartUpload.parameter("filename", in: #"form-data; name="file"; filename="a b.pdf""#) == "a b.pdf")
        #expect(MultipartUpload.parameter("boundary", in: "multipart/form-data; boundary=") == nil)
    }
}
