public import Hummingbird
import HTTPTypes

/// Hummingbird's `TracingMiddleware` (a server span per request, the parent taken from an incoming
/// W3C `traceparent`), plus what it leaves out here: a request answered 5xx is an error span. The
/// error contract turns failures into responses before they reach the tracing middleware, which
/// marks a span as failed only when an error passes through it, so a 5xx answer is handed
/// through it as an error and given back as the answer.
public struct ServerTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tracing: TracingMiddleware<Context>

    /// Query parameters whose values never reach a span: tokens, keys and the text people search for.
    public init(redactingQueryParameters: Set<String> = ["token", "key", "q", "query", "search"]) {
        tracing = TracingMiddleware(redactingQueryParameters: redactingQueryParameters)
    }

    /// A 5xx answer carried through the tracing middleware.
    struct ServerErrorResponse: HTTPResponseError, CustomStringConvertible {
        let response: Response
        var status: HTTPResponse.Status { response.status }
        var description: String { "HTTP \(response.status.code) \(response.status.reasonPhrase)" }

        func response(from request: Request, context: some RequestContext) throws -> Response { response }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await tracing.handle(request, context: context) { request, context in
                let response = try await next(request, context)
                if response.status.code >= 500 { throw ServerErrorResponse(response: response) }
                return response
            }
        } catch let carried as ServerErrorResponse {
            return carried.response
        }
    }
}
