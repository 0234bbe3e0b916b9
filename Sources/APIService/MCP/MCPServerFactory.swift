import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore
import ServerSupport
import Storage

/// Builds DocuThinker's MCP `Server` (modelcontextprotocol/swift-sdk) over an `MCPToolbox`.
/// `identity` names the user each request acts for: fixed for stdio (the API key given at
/// start), taken from the request's `Authorization` header for HTTP.
enum MCPServerFactory {
    static func make(toolbox: MCPToolbox, identity: @escaping @Sendable () async throws -> String) async -> Server {
        let server = Server(
            name: "docuthinker", version: "0.2.0",
            instructions: "Tools over the user's DocuThinker library: list_documents, search, ask (cited answers), summarize, key_ideas, get_document_text. Documents are also resources (docuthinker://documents/{id}).",
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: toolbox.tools) }
        await server.withMethodHandler(CallTool.self) { params in
            await toolbox.call(params.name, arguments: params.arguments ?? [:], ownerId: try await identity())
        }
        await server.withMethodHandler(ListResources.self) { _ in
            .init(resources: try await toolbox.resources(ownerId: try await identity()), nextCursor: nil)
        }
        await server.withMethodHandler(ReadResource.self) { params in
            .init(contents: try await toolbox.read(uri: params.uri, ownerId: try await identity()))
        }
        return server
    }
}

/// Streamable HTTP MCP endpoint (`POST /mcp`), stateless: every request authenticates with an
/// API key (or access token) and gets one JSON answer. The SDK's `Server` accepts one
/// `initialize` per instance, so each HTTP request gets its own short-lived server and
/// transport (a few actor hops): any number of clients, and any `ai` task behind a load
/// balancer, can answer any request.
struct MCPHTTPEndpoint: Sendable {
    let toolbox: MCPToolbox
    let logger: Logger
    /// Browser origins allowed to call (any `http://localhost:*` and the public URL's origin).
    /// Requests without `Origin` (every non-browser client) pass; a DNS-rebinding page cannot
    /// send the bearer token each request needs. The MCP library's own check, which accepts only
    /// loopback origins and hosts, is replaced by this one so the web client's own origin works.
    var allowedOrigins: [String] = []
    /// Maps an `Authorization` header to a user id (nil: not authenticated).
    let authenticate: @Sendable (String?) async -> String?

    /// The origins of `publicURL` and of the loopback addresses.
    static func origins(publicURL: String) -> [String] {
        var origins = ["http://localhost", "http://127.0.0.1", "http://[::1]"]
        if let url = URL(string: publicURL), let scheme = url.scheme, let host = url.host {
            origins.append("\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? ""))
        }
        return origins
    }

    /// True when `origin` is one of `allowedOrigins` (loopback origins on any port).
    func allows(origin: String) -> Bool {
        let origin = origin.lowercased()
        return allowedOrigins.map { $0.lowercased() }.contains { allowed in
            origin == allowed || (["http://localhost", "http://127.0.0.1", "http://[::1]"].contains(allowed) && origin.hasPrefix(allowed + ":"))
        }
    }

    func addRoutes(to router: Router<AppRequestContext>, path: RouterPath = "mcp") {
        for method in [HTTPTypes.HTTPRequest.Method.post, .get, .delete] {
            router.on(path, method: method) { request, context in try await handle(request, context: context) }
        }
    }

    private func handle(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = await authenticate(request.headers[.authorization]) else {
            throw APIError.unauthorized("Send 'Authorization: Bearer <API key>' (create one at /v1/me/api-keys).", code: "invalid_api_key")
        }
        if let origin = request.headers[.origin], !allows(origin: origin) {
            throw APIError(.forbidden, code: "origin_not_allowed", message: "Requests from \(origin) are not allowed.")
        }
        let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                OriginValidator.disabled, AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
            ]),
            logger: logger)
        let server = await MCPServerFactory.make(toolbox: toolbox) { user }
        try await server.start(transport: transport)
        let answer = await transport.handleRequest(MCP.HTTPRequest(
            method: request.method.rawValue, headers: headers, body: Data(body.readableBytesView), path: "/mcp"))
        await server.stop()
        var fields = HTTPFields()
        for (name, value) in answer.headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        return Response(status: HTTPTypes.HTTPResponse.Status(code: answer.statusCode), headers: fields,
                        body: .init(byteBuffer: ByteBuffer(bytes: answer.bodyData ?? Data())))
    }
}
