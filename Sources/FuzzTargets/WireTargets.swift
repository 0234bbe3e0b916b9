import Crypto
import Foundation
import NIOCore
import WebAuthn
import WireFormats

/// The fuzz targets for what arrives over the network: upload bodies, event streams from
/// providers and from the AI service, JSON request bodies and passkey responses. Where a reader
/// is fed in pieces, the target also checks that where the network happens to split the bytes
/// does not change what is read (the first input byte picks the split points).
enum WireTargets {
    /// Two split points inside `bytes`, chosen by its first byte.
    static func splits(_ bytes: [UInt8]) -> (Int, Int) {
        guard let seed = bytes.first, bytes.count > 2 else { return (0, bytes.count) }
        let first = Int(seed) % bytes.count
        return (first, first + (bytes.count - first) / 2)
    }

    /// What one upload body yields: the file's bytes, its name and title, or the error.
    struct UploadResult: Equatable {
        var file: [UInt8] = []
        var filename: String?
        var title: String?
        var error: MultipartUploadError?
    }

    static func upload(_ pieces: [ArraySlice<UInt8>]) -> UploadResult {
        var result = UploadResult()
        do {
            let upload = try MultipartUpload(boundary: "fuzz-boundary")
            for piece in pieces {
                try upload.feed(ByteBuffer(bytes: piece))
                result.file += upload.takeFileBytes().readableBytesView
                precondition(result.file.count == upload.fileBytes, "file bytes handed over differ from those counted")
            }
            try upload.finish()
            result.filename = upload.filename
            result.title = upload.title
        } catch {
            // What arrived before the error is thrown away with the upload.
            result = UploadResult(error: error)
        }
        return result
    }

    static func multipart(_ data: Data) {
        let bytes = [UInt8](data)
        let whole = upload([bytes[...]])
        let (a, b) = splits(bytes)
        let pieces = upload([bytes[..<a], bytes[a..<b], bytes[b...]])
        precondition(whole == pieces, "a multipart body read whole and in pieces differs")
        if let name = whole.filename {
            precondition(!name.unicodeScalars.contains { $0.properties.generalCategory == .control }, "control character in a stored file name")
            precondition(name.count <= 255 && !name.contains("/"), "stored file name not cleaned")
        }
    }

    static func sse(_ data: Data) {
        let bytes = [UInt8](data)
        var whole = SSEParser(maxLineBytes: 1 << 20)
        let events = whole.feed(bytes)
        let (a, b) = splits(bytes)
        var split = SSEParser(maxLineBytes: 1 << 20)
        let pieces = split.feed(bytes[..<a]) + split.feed(bytes[a..<b]) + split.feed(bytes[b...])
        precondition(events.map(\.event) == pieces.map(\.event) && events.map(\.data) == pieces.map(\.data),
                     "server-sent events read whole and in pieces differ")
        // With a tiny line limit, long lines are dropped the same way whether they arrive whole or byte by byte.
        var tight = SSEParser(maxLineBytes: 16)
        var byteByByte: [(event: String?, data: String)] = []
        for byte in bytes { byteByByte += tight.feed([byte]) }
        var tightWhole = SSEParser(maxLineBytes: 16)
        let wholeTight = tightWhole.feed(bytes)
        precondition(byteByByte.map(\.data) == wholeTight.map(\.data) && byteByByte.map(\.event) == wholeTight.map(\.event)
                     && tight.droppedLines == tightWhole.droppedLines, "the line limit depends on how the bytes arrive")
    }

    static func eventStream(_ data: Data) {
        func read(_ pieces: [Data]) -> Result<[EventStreamDecoder.Message], EventStreamError> {
            var decoder = EventStreamDecoder()
            var messages: [EventStreamDecoder.Message] = []
            do {
                for piece in pieces { messages += try decoder.feed(piece) }
            } catch let error as EventStreamError {
                return .failure(error)
            } catch {
                preconditionFailure("unexpected error \(error)")
            }
            return .success(messages)
        }
        // Mutations rarely get both checksums right: seal the input as a framed message too.
        for input in [data, frame(data)] {
            let bytes = [UInt8](input)
            let (a, b) = splits(bytes)
            let whole = read([input])
            let pieces = read([Data(bytes[..<a]), Data(bytes[a..<b]), Data(bytes[b...])])
            if case .success(let messages) = whole, case .success(let split) = pieces {
                precondition(messages == split, "event-stream messages read whole and in pieces differ")
            }
        }
    }

    /// `payload` as an event-stream message whose first bytes (up to 64) are its headers.
    static func frame(_ payload: Data) -> Data {
        let headersLength = min(payload.first.map(Int.init) ?? 0, 64, payload.count)
        let total = 12 + payload.count + 4
        var message = Data()
        func be(_ value: UInt32) { message.append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]) }
        be(UInt32(total)); be(UInt32(headersLength))
        be(CRC32.checksum(message))
        message.append(payload)
        be(CRC32.checksum(message))
        return message
    }

    /// A request body with every kind of field the API's bodies hold.
    struct RequestShape: Codable, Equatable {
        struct Nested: Codable, Equatable { var id: String; var weight: Double? }
        var email: String
        var password: String?
        var limit: Int?
        var offset: Int64?
        var temperature: Double?
        var stream: Bool?
        var documentIds: [String]?
        var socialLinks: [String: String]?
        var messages: [Nested]?
        var response: Nested?
    }

    static func json(_ data: Data) {
        do {
            let shape = try JSONBody.decode(RequestShape.self, from: data)
            // What decodes re-encodes and decodes to the same value.
            let again = try JSONBody.decode(RequestShape.self, from: try JSONEncoder().encode(shape))
            precondition(again == shape || shape.temperature?.isNaN == true, "a request body does not survive a round trip")
        } catch is JSONBodyError {
        } catch {
            preconditionFailure("JSONBody threw \(type(of: error)), not JSONBodyError")
        }
        _ = try? JSONBody.decode([String: [String]].self, from: data)
    }

    static func passkey(_ data: Data) {
        let bytes = [UInt8](data)
        if let value = try? CBORDecoder.decodeWhole(bytes) {
            // A decoded value encodes and decodes to itself.
            if !containsNaN(value) {
                precondition((try? CBORDecoder.decodeWhole(CBOREncoder.encode(value))) == value, "CBOR round trip differs")
            }
            _ = try? COSEKey(value)
        }
        _ = try? AuthenticatorData(bytes)
        // The first byte says how long the client data is; the rest is the authenticator's part.
        let a = min(1 + Int(bytes.first ?? 0), bytes.count)
        let client = Array(bytes[min(1, bytes.count)..<a]), rest = Array(bytes[a...])
        let party = RelyingParty(id: "localhost", name: "DocuThinker", origins: ["http://localhost:8080"])
        _ = try? party.verifyRegistration(clientDataJSON: client, attestationObject: rest, challenge: [1, 2, 3])
        _ = try? party.verifyAssertion(clientDataJSON: client, authenticatorData: rest, signature: client,
                                       challenge: [1, 2, 3], publicKey: key)
    }

    /// A fixed key the assertions are checked against.
    static let key = COSEKey(x963: Array(P256.Signing.PrivateKey().publicKey.x963Representation))

    /// NaN never equals itself, so values holding one are left out of the round-trip check.
    static func containsNaN(_ value: CBOR) -> Bool {
        switch value {
        case .double(let number): number.isNaN
        case .array(let items): items.contains(where: containsNaN)
        case .map(let map): map.contains { containsNaN($0.key) || containsNaN($0.value) }
        default: false
        }
    }
}
