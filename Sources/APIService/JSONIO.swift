import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServerSupport
import WireFormats

/// JSON in and out of the API with one encoder (ISO 8601 dates) and bounded request bodies.
enum JSONIO {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(FastJSON.timestamp(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// The same with sorted keys: byte-identical output for equal values (the encoder's keyed
    /// containers are dictionaries, whose order can differ from one encoding to the next).
    static let sortedEncoder: JSONEncoder = {
        let sorted = JSONEncoder()
        sorted.dateEncodingStrategy = encoder.dateEncodingStrategy
        sorted.outputFormatting = encoder.outputFormatting.union(.sortedKeys)
        return sorted
    }()

    /// A JSON response; `identical`: keys sorted, so equal values give equal bytes (an answer that
    /// must not tell two cases apart).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:],
                         identical: Bool = false) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = try (identical ? sortedEncoder : encoder).encode(value)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a JSON body of at most `limit` bytes, with clear 400/413/415 errors.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 64 * 1024) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send a JSON body (Content-Type: application/json).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The JSON body is larger than \(limit) bytes.")
        }
        do {
            return try JSONBody.decode(T.self, from: Data(buffer.readableBytesView))
        } catch .missingField(let field) {
            throw APIError.validation("The field '\(field)' is required.", field: field)
        } catch .wrongType(let field) {
            throw APIError.validation("The field '\(field)' has the wrong type.", field: field)
        } catch .invalidJSON {
            throw APIError.badRequest("The body is not valid JSON.", code: "invalid_json")
        }
    }
}
