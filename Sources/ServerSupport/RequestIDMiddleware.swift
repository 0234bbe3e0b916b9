public import Hummingbird
import HTTPTypes
import Tracing
import Logging

/// Echoes the request id on every response and puts it into the request's logger metadata as
/// `request_id`. With tracing on, the id is the request's trace id (so a log line, a response
/// header and a trace in the backend name the same request; a client's own `X-Request-Id` is
/// kept as `client_request_id`); otherwise it is a sane inbound `X-Request-Id` or Hummingbird's.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var headerName: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var id = context.id
        let inbound = request.headers[Self.headerName].flatMap { inbound in
            inbound.count <= 128 && inbound.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
                && inbound.unicodeScalars.allSatisfy(\.isASCII) ? inbound : nil
        }
        if let traceID = Self.currentTraceID() {
            id = traceID
            if let inbound, inbound != traceID { context.logger[metadataKey: "client_request_id"] = .string(inbound) }
        } else if let inbound {
            id = inbound
        }
        context.logger[metadataKey: "request_id"] = .string(id)
        let handled = context
        var response = try await RequestID.$current.withValue(id) { try await next(request, handled) }
        response.headers[Self.headerName] = id
        return response
    }
}

extension RequestIDMiddleware {
    /// The trace id of the span this request runs in, read through the instrument's own W3C
    /// propagation (`traceparent`: version-traceid-spanid-flags); nil when tracing is off.
    static func currentTraceID() -> String? {
        guard let current = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(current, into: &carrier, using: DictionaryInjector())
        // 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>: 55 ASCII characters.
        guard let value = carrier["traceparent"], value.utf8.count == 55 else { return nil }
        let traceID = value.utf8.dropFirst(3).prefix(32)
        guard traceID.contains(where: { $0 != UInt8(ascii: "0") }) else { return nil }
        return String(Substring(traceID))
    }
}

/// Writes propagated fields into a dictionary.
private struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

/// The id of the request being handled, for calls to other services (`X-Request-Id`).
public enum RequestID {
    @TaskLocal public static var current: String?
}
