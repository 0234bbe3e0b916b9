import Foundation
import GraphQL
import Graphiti
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServerSupport

/// `POST /graphql` runs a GraphQL request (`{query, variables?, operationName?}`) with the REST
/// API's authentication: a bearer token or API key, required for everything but the `register`
/// and `login` mutations. `GET /graphql` is an explorer page that works offline (no CDN, no
/// inline script) with the schema beside it; `GET /graphql/schema` is the schema in SDL.
///
/// Answers follow GraphQL over HTTP: `{data, errors}` with 200 once the request ran; 400 for a
/// request that cannot run (syntax, validation, depth or size limits), 401 without credentials.
/// Each error carries `extensions.code`, the REST error code (`not_found`, `validation_failed`…).
struct GraphQLController: Sendable {
    let api: DocuThinkerGraphQL
    let services: GraphQLServices
    let authenticator: Authenticator
    var limits = GraphQLLimits()
    /// Root fields that run without credentials.
    static let publicFields: Set<String> = ["register", "login"]

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("graphql", use: execute)
        let page = GraphQLExplorerPage(schema: api.schema.schema)
        router.get("graphql") { _, _ in
            var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                                    body: .init(byteBuffer: ByteBuffer(string: page.html)))
            response.headers[HTTPField.Name("Content-Security-Policy")!] = GraphQLExplorerPage.contentSecurityPolicy
            return response
        }
        router.get("graphql/schema") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.sdl)))
        }
    }

    @Sendable func execute(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body: GraphQLRequest
        do {
            body = try await JSONIO.decode(GraphQLRequest.self, from: request, limit: 1 << 20)
        } catch let error as APIError {
            return Self.errors([error.message], code: error.code, status: error.status)
        }
        let document: Document
        let shape: GraphQLLimits.Shape
        do {
            document = try parse(source: body.query)
            shape = try GraphQLLimits.shape(of: document, operationName: body.operationName).shape
            try limits.check(shape)
        } catch let error as GraphQLError {
            return Self.errors([error.message], code: "graphql_parse_failed", status: .badRequest)
        } catch let problem as GraphQLLimits.Problem {
            switch problem {
            case .noOperation(let message): return Self.errors([message], code: "graphql_no_operation", status: .badRequest)
            case .tooDeep(let depth):
                return Self.errors(["The query is \(depth) levels deep; at most \(limits.maxDepth) are allowed."], code: "query_too_deep", status: .badRequest)
            case .tooComplex(let fields):
                return Self.errors(["The query selects \(fields) fields; at most \(limits.maxFields) are allowed."], code: "query_too_complex", status: .badRequest)
            }
        }
        var userId: String?
        let header = request.headers[.authorization]
        if header != nil || !shape.rootFields.allSatisfy({ Self.publicFields.contains($0) || $0.hasPrefix("__") }) {
            do {
                userId = try await authenticator.userId(authorization: header)
            } catch let error as APIError {
                var response = Self.errors([error.message], code: error.code, status: error.status)
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
        }
        var context = context
        context.userId = userId
        if let userId { context.logger[metadataKey: "user_id"] = .string(userId) }
        let graphContext = GraphQLContext(userId: userId, services: services, request: request, requestContext: context)
        var result = try await api.execute(request: body.query, context: graphContext, variables: body.variables,
                                           operationName: body.operationName)
        result.errors = result.errors.map { Self.contract($0, logger: context.logger) }
        // Validation errors (no data at all): the request could not run.
        let status: HTTPResponse.Status = result.data == nil && !result.errors.isEmpty ? .badRequest : .ok
        let data = try GraphQLJSONEncoder().encode(result)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: Array(data))))
    }

    /// A resolver's error in the API's terms: our errors keep their message and code; anything
    /// else is logged and answered as an internal error without its details.
    static func contract(_ error: GraphQLError, logger: Logger) -> GraphQLError {
        guard let original = error.originalError else {
            var extensions = error.extensions
            extensions["code"] = extensions["code"] ?? .string("graphql_validation_failed")
            return GraphQLError(message: error.message, locations: error.locations, path: error.path, extensions: extensions)
        }
        if let api = APIError.from(original) {
            var extensions: [String: Map] = ["code": .string(api.code), "status": .number(Number(Int(api.status.code)))]
            if let details = api.details, let map = try? MapEncoder().encode(details) { extensions["details"] = map }
            return GraphQLError(message: api.message, locations: error.locations, path: error.path, extensions: extensions)
        }
        if let decoding = original as? DecodingError {
            return GraphQLError(message: "An argument has the wrong shape: \(decoding.localizedDescription)", locations: error.locations,
                                path: error.path, extensions: ["code": .string("validation_failed")])
        }
        logger.error("graphql resolver failed", metadata: ["error": "\(original)"])
        return GraphQLError(message: APIError.internalError.message, locations: error.locations, path: error.path,
                            extensions: ["code": .string(APIError.internalError.code)])
    }

    /// A GraphQL error answer that did not run: `{"errors": [{message, extensions: {code}}]}`.
    static func errors(_ messages: [String], code: String, status: HTTPResponse.Status) -> Response {
        let result = GraphQLResult(data: nil, errors: messages.map { GraphQLError(message: $0, locations: [], extensions: ["code": .string(code)]) })
        let data = (try? GraphQLJSONEncoder().encode(result)) ?? Data(#"{"errors":[]}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: Array(data))))
    }
}
