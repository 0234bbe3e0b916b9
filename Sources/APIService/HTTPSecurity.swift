import AIService
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import ServerSupport

/// The HTTP edge's security settings, read from configuration:
///   `DOCUTHINKER_CORS_ORIGINS` (comma-separated, none by default): origins whose scripts may call
///   the API from a browser (bearer tokens only, never cookies);
///   `DOCUTHINKER_HSTS` (default: on when `DOCUTHINKER_PUBLIC_URL` is https, as behind a TLS proxy):
///   `Strict-Transport-Security` on every response;
///   `DOCUTHINKER_METRICS_TOKEN` (a secret): `/metrics` answers only with this bearer token; without
///   one, only to clients on this machine (loopback).
public struct HTTPSecurity: Sendable {
    public var corsOrigins: [String]
    public var strictTransportSecurity: Bool
    public var metricsToken: String?

    public init(corsOrigins: [String] = [], strictTransportSecurity: Bool = false, metricsToken: String? = nil) {
        self.corsOrigins = corsOrigins
        self.strictTransportSecurity = strictTransportSecurity
        self.metricsToken = metricsToken
    }

    init(reader: ConfigReader, publicURL: String) {
        corsOrigins = reader.string(forKey: "docuthinker.cors.origins", default: "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        strictTransportSecurity = reader.bool(forKey: "docuthinker.hsts", default: publicURL.lowercased().hasPrefix("https://"))
        metricsToken = reader.string(forKey: "docuthinker.metrics.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The HTTP/1 server's limits: a client that stops sending in the middle of a request (or
    /// holds an idle connection) for 30 s is disconnected; a header field may hold 16 KB, all of
    /// them 64 KB, at most 100 fields (larger requests are refused before any route runs).
    static var serverConfiguration: HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(idleTimeout: .seconds(30), httpDecoderConfiguration: .init(
            maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 100))
    }

    /// The longest request target (path and query) served; longer ones get 414.
    static let maxURILength = 8 * 1024

    /// Whether a request may read `/metrics`.
    func mayReadMetrics(_ request: Request, context: AppRequestContext) -> Bool {
        if let metricsToken {
            guard let presented = request.headers[.authorization] else { return false }
            return ServiceTokenMiddleware.equal(presented, "Bearer \(metricsToken)")
        }
        // In-process test clients have no peer address.
        guard let peer = context.peerAddress else { return true }
        return peer == "127.0.0.1" || peer == "::1" || peer.hasPrefix("::ffff:127.")
    }
}

/// Refuses request targets longer than `HTTPSecurity.maxURILength` (414 `uri_too_long`).
struct URILengthMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.string.utf8.count <= HTTPSecurity.maxURILength else {
            throw APIError(.uriTooLong, code: "uri_too_long", message: "The request's address is longer than \(HTTPSecurity.maxURILength) bytes.")
        }
        return try await next(request, context)
    }
}

/// Security headers on every response: no sniffing, no framing, no referrer, no caching of API
/// answers, browser features this site does not use switched off (the microphone kept for this
/// origin's voice questions), and HSTS when the site is served over TLS.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    var strictTransportSecurity = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("Permissions-Policy")!] =
            "camera=(), geolocation=(), payment=(), usb=(), interest-cohort=(), microphone=(self)"
        if strictTransportSecurity {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000; includeSubDomains"
        }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Cross-origin calls from the configured origins only: their preflight is answered (204 with the
/// methods and headers the API uses), their responses carry `Access-Control-Allow-Origin`; a
/// preflight from any other origin is refused (403 `origin_not_allowed`) and other responses carry
/// no CORS header, so browsers keep other sites' scripts out.
struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin]?.lowercased() else { return try await next(request, context) }
        let allowed = origins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                return try APIError(.forbidden, code: "origin_not_allowed",
                                    message: "Requests from \(origin) are not allowed (DOCUTHINKER_CORS_ORIGINS).").response(from: request, context: context)
            }
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type, Accept, Last-Event-ID, X-Request-Id"
            headers[.accessControlMaxAge] = "600"
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "X-Request-Id, X-Total-Count, Retry-After, Location"
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
