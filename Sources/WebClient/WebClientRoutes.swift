public import Hummingbird
import Foundation
import Mustache

/// What the pages need to know about the server they are served by.
public struct WebClientSettings: Sendable {
    /// The largest upload the API accepts, checked in the browser before sending.
    public var maxUploadBytes: Int

    public init(maxUploadBytes: Int) {
        self.maxUploadBytes = maxUploadBytes
    }
}

/// The web client: server-rendered page shells (Mustache) that load small plain JavaScript
/// modules, which call the `/v1` API with the signed-in user's bearer token. Pages carry no user
/// data, so they need no cookie; every piece of data is fetched through the authenticated API.
/// Paths follow the Contract details: `/`, `/app`, `/app/upload`, `/app/documents/{id}`,
/// `/app/chat`, `/app/profile`; and `/app/entities/{id}` (an entity across the library).
public struct WebClientRoutes<Context: RequestContext>: Sendable {
    let source: any WebAssetSource
    let settings: WebClientSettings
    /// Parsed once when the files are compiled in; nil when they are read from a directory.
    let library: MustacheLibrary?

    /// Content-Security-Policy of every page: nothing from elsewhere, no inline script or style.
    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
            + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    public init(source: any WebAssetSource, settings: WebClientSettings) throws {
        self.source = source
        self.settings = settings
        library = source is EmbeddedWebAssets ? try Self.makeLibrary(source) : nil
    }

    public func addRoutes(to router: Router<Context>) {
        for page in WebPage.all {
            router.get(RouterPath(page.path)) { request, context in
                try render(page, parameters: context.parameters, query: request.uri.queryParameters)
            }
        }
        router.get("app/**") { _, _ in try render(.notFound, status: .notFound) }
        router.get("static/:name") { request, context in
            guard let name = context.parameters.get("name"), let asset = source.asset(named: name) else {
                throw HTTPError(.notFound, message: "No such file.")
            }
            var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "no-cache"]
            if request.headers[.ifNoneMatch] == asset.etag {
                headers[.contentType] = nil
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentLength] = String(asset.bytes.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
    }

    func render(_ page: WebPage, parameters: Parameters = .init(), query: Parameters = .init(),
                status: HTTPResponse.Status = .ok) throws -> Response {
        var values = page.values
        values["maxUploadBytes"] = settings.maxUploadBytes
        values["maxUploadLabel"] = Self.megabytes(settings.maxUploadBytes)
        if page == .document {
            guard let id = parameters.get("id"), WebPage.isDocumentID(id) else { return try render(.notFound, status: .notFound) }
            values["documentId"] = id
        }
        if page == .entity {
            guard let raw = parameters.get("id"), let id = WebPage.entityID(raw) else { return try render(.notFound, status: .notFound) }
            values["entityId"] = id
        }
        if page == .landing, let tab = query.get("tab"), tab == "register" { values["registerFirst"] = true }
        let library = try self.library ?? Self.makeLibrary(source)
        guard let html = library.render(values, withTemplate: page.template) else {
            throw HTTPError(.internalServerError, message: "The page template \(page.template) is missing.")
        }
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
        ]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func makeLibrary(_ source: any WebAssetSource) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in try source.templates() { try library.register(text, named: name) }
        return library
    }

    static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_000_000
        return value == value.rounded() ? "\(Int(value)) MB" : String(format: "%.1f MB", value)
    }
}

/// Static file names are flat: lowercase letters, digits, `_`, `-` and dots, never a leading dot.
enum WebAssetNames {
    static func isSafe(_ name: String) -> Bool {
        !name.isEmpty && name.count < 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
    }
}
