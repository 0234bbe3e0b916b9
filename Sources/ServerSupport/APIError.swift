public import DocuThinkerCore
public import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// The one error contract of the HTTP edge: `{ "error": { "code", "message", "details"? } }`
/// with a stable `code`. Anything that is not an `APIError` becomes a 500 with no internals.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable machine-readable code, e.g. `invalid_credentials`.
    public var code: String
    /// A message written for the user.
    public var message: String
    public var details: [String: String]?
    /// Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [String: String]? = nil,
                headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var details: [String: String]?
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(code: code, message: message, details: details)))
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    /// The HTTP form of a core failure: the one place a `DomainError.Kind` becomes a status.
    public init(_ error: DomainError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .notFound: .notFound
        case .invalid: .unprocessableContent
        case .conflict: .conflict
        case .unprocessable: .unprocessableContent
        case .unavailable: .serviceUnavailable
        case .rateLimited: .tooManyRequests
        }
        self.init(status, code: error.code, message: error.message, details: error.details)
    }

    /// `error` as the edge's error contract when it is one of ours (an `APIError` or a
    /// `DomainError`); nil for anything else (an internal error, never shown as is).
    public static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: error
        case let error as DomainError: APIError(error)
        default: nil
        }
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    public static func unauthorized(_ message: String = "Authentication required.", code: String = "unauthorized") -> APIError {
        APIError(.unauthorized, code: code, message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func notFound(_ message: String = "Not found.") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    public static func validation(_ message: String, field: String? = nil) -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", message: message, details: field.map { ["field": $0] })
    }

    public static let internalError = APIError(
        .internalServerError, code: "internal_error", message: "An unexpected error occurred. It has been logged.")
}
