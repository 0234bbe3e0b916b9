import Hummingbird
import HTTPTypes
import NIOCore
import ServerSupport

/// `GET /openapi.yaml`, `GET /openapi.json` and `GET /docs`: the API document and its reference
/// page, public like the landing page (they describe the API, not anyone's data).
struct APIDocumentController: Sendable {
    let document: APIDocument

    /// The web client's policy: nothing from elsewhere, no inline script or style.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        let yaml = document.yaml, json = document.json, html = document.html
        router.get("openapi.yaml") { _, _ in Self.response(yaml, type: "application/yaml; charset=utf-8") }
        router.get("openapi.json") { _, _ in Self.response(json, type: "application/json; charset=utf-8") }
        // DocuThinker's original paths of its Swagger page and document.
        router.get("api-docs") { _, _ in Response(status: .movedPermanently, headers: [.location: "/docs"]) }
        router.get("swagger.json") { _, _ in Response(status: .movedPermanently, headers: [.location: "/openapi.json"]) }
        router.get("docs") { _, _ in
            var response = Self.response(html, type: "text/html; charset=utf-8")
            response.headers[HTTPField.Name("Content-Security-Policy")!] = Self.contentSecurityPolicy
            return response
        }
    }

    static func response(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .contentLength: String(bytes.count)],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
