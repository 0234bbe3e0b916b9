public import Hummingbird
import HTTPTypes
import Logging

/// Turns every error into the JSON error shape. `APIError`s pass through, `DomainError`s are
/// mapped by `APIError.init(_:)`; Hummingbird's own
/// `HTTPError`s (404 route, 413 body) keep their status with a stable code; everything else is
/// logged with the request id and answered with a bare 500; every 5xx is logged at ERROR.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let mapped = Self.map(error)
            return try mapped.response(from: request, context: context)
        } catch {
            if let known = APIError.from(error) {
                // Every 5xx leaves an ERROR record (with the trace's ids when tracing is on): a dependency
                // down (503 ai_unavailable), a provider failing, a timeout.
                if known.status.code >= 500 {
                    context.logger.error("request failed", metadata: [
                        "code": .string(known.code), "status": .stringConvertible(known.status.code),
                        "error_type": .string(String(describing: type(of: error))), "route": .string(context.endpointPath ?? request.uri.path)])
                }
                return try known.response(from: request, context: context)
            }
            context.logger.error("unhandled error", metadata: [
                "error": "\(String(reflecting: error))", "error_type": .string(String(describing: type(of: error))),
                "route": .string(context.endpointPath ?? request.uri.path)])
            return try APIError.internalError.response(from: request, context: context)
        }
    }

    static func map(_ error: HTTPError) -> APIError {
        let code: String = switch error.status {
        case .notFound: "not_found"
        case .contentTooLarge: "payload_too_large"
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .methodNotAllowed: "method_not_allowed"
        case .unsupportedMediaType: "unsupported_media_type"
        default: error.status.code >= 500 ? "internal_error" : "http_\(error.status.code)"
        }
        let message = error.body ?? error.status.reasonPhrase
        return APIError(error.status, code: code, message: message, headers: error.headers)
    }
}
