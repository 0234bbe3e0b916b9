public import Hummingbird
import HTTPTypes
import Logging

/// Echoes the request id (Hummingbird's, or a sane inbound `X-Request-Id`) on every response
/// and puts it into the request's logger metadata as `request_id`.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var headerName: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var id = context.id
        if let inbound = request.headers[Self.headerName], inbound.count <= 128,
           inbound.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), inbound.unicodeScalars.allSatisfy(\.isASCII) {
            id = inbound
        }
        context.logger[metadataKey: "request_id"] = .string(id)
        let handled = context
        var response = try await RequestID.$current.withValue(id) { try await next(request, handled) }
        response.headers[Self.headerName] = id
        return response
    }
}

/// The id of the request being handled, for calls to other services (`X-Request-Id`).
public enum RequestID {
    @TaskLocal public static var current: String?
}
