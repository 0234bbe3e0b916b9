import AsyncHTTPClient
public import AWSSupport
public import Foundation
public import NIOCore
import NIOHTTP1

/// Amazon Neptune's openCypher HTTPS endpoint (`DOCUTHINKER_NEPTUNE_ENDPOINT`, e.g.
/// `https://<cluster>.cluster-<id>.<region>.neptune.amazonaws.com:8182`): each statement is one
/// `POST /openCypher` (form fields `query` and `parameters`, a JSON object), signed with SigV4
/// (service `neptune-db`) when the cluster uses IAM database authentication, which the stack turns
/// on, so the `ai` task role's credentials are used. Neptune runs each request as its own
/// transaction: a document's graph is written in several, and a write cut short is redone by the
/// next save, which starts by removing the document's contributions.
public struct NeptuneTransport: CypherTransport {
    let endpoint: String
    let signer: SigV4?
    let credentials: AWSCredentialsProvider
    let http: HTTPClient
    let timeout: TimeAmount

    /// `iamAuthentication: false` for a cluster without IAM database authentication (requests unsigned).
    public init(endpoint: String, region: String, iamAuthentication: Bool = true, credentials: AWSCredentialsProvider = AWSCredentialsProvider(),
                http: HTTPClient = .graphDatabase, timeout: TimeAmount = .seconds(60)) throws {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host, !host.isEmpty else {
            throw CypherError("DOCUTHINKER_NEPTUNE_ENDPOINT must be the cluster's https:// address with its port, such as https://my-cluster.cluster-abc.us-east-1.neptune.amazonaws.com:8182 (got \(endpoint)).")
        }
        self.endpoint = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        signer = iamAuthentication ? SigV4(region: region, service: "neptune-db") : nil
        self.credentials = credentials
        self.http = http
        self.timeout = timeout
    }

    public var description: String { "neptune \(endpoint)" }

    /// Neptune indexes every property itself and has no `CREATE INDEX`.
    public var indexStatements: [String] { [] }

    public func ping() async throws {
        _ = try await run([CypherStatement("RETURN 1 AS one")])
    }

    public func run(_ statements: [CypherStatement]) async throws -> [[[CypherValue]]] {
        var results: [[[CypherValue]]] = []
        for statement in statements { results.append(try await send(statement)) }
        return results
    }

    /// The form body Neptune reads: `query=…&parameters=<JSON object>`.
    static func form(_ statement: CypherStatement) throws -> Data {
        var fields = [("query", statement.text)]
        if !statement.parameters.isEmpty {
            fields.append(("parameters", String(decoding: try JSONEncoder().encode(statement.parameters), as: UTF8.self)))
        }
        let allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
            .union(CharacterSet(charactersIn: "-._~"))
        return Data(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
    }

    func send(_ statement: CypherStatement) async throws -> [[CypherValue]] {
        let body = try Self.form(statement)
        let url = URL(string: endpoint + "/openCypher")!
        var headers = ["content-type": "application/x-www-form-urlencoded", "accept": "application/json"]
        if let signer {
            let signing: SigV4.Credentials
            do { signing = try await credentials.credentials() } catch { throw CypherError("Neptune: \(error)") }
            headers.merge(signer.sign(method: "POST", url: url, headers: headers, body: body, credentials: signing, date: Date())) { $1 }
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let status: HTTPResponseStatus, reply: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = response.status
            reply = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw CypherError("Neptune at \(endpoint) cannot be reached (\(error)).")
        }
        let data = Data(reply.readableBytesView)
        guard (200..<300).contains(status.code) else {
            let failure = try? JSONDecoder().decode(NeptuneFailure.self, from: data)
            throw CypherError("Neptune: \(failure?.code ?? "HTTP \(status.code)"): \(failure?.detailedMessage ?? String(buffer: reply).prefix(300).description)")
        }
        guard let results = try? JSONDecoder().decode(NeptuneResults.self, from: data) else {
            throw CypherError("Neptune answered without a results list: \(String(buffer: reply).prefix(300))")
        }
        let columns = statement.columns
        return results.results.map { row in columns.map { row[$0] ?? .null } }
    }
}

/// Neptune's default openCypher JSON: `{"results": [{"<column>": value, …}, …]}`.
struct NeptuneResults: Decodable {
    var results: [[String: CypherValue]]
}

/// Neptune's error body: `{"requestId", "code", "detailedMessage"}`.
struct NeptuneFailure: Decodable {
    var code: String?
    var detailedMessage: String?
}
