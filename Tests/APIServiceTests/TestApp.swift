import APIService
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Builds the real application (same builder as `main`) over a temporary data directory.
struct TestApp {
    static let secret = "test-secret-that-is-long-enough-0123456789"
    let dataDirectory: String
    var overrides: [AbsoluteConfigKey: ConfigValue] = [:]

    init(dataDirectory: String? = nil, overrides: [AbsoluteConfigKey: ConfigValue] = [:]) throws {
        self.dataDirectory = dataDirectory ?? NSTemporaryDirectory() + "dt-api-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: self.dataDirectory, withIntermediateDirectories: true)
        self.overrides = overrides
    }

    var configuration: AppConfiguration {
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "docuthinker.data.dir": .init(.string(dataDirectory), isSecret: false),
            "jwt.secret": .init(.string(Self.secret), isSecret: true),
            "docuthinker.bcrypt.cost": .init(.int(4), isSecret: false),
        ]
        values.merge(overrides) { $1 }
        return AppConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)))
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration: configuration, logger: logger)
        return try await app.test(.router, body)
    }

    /// The app on a real port (Hummingbird's `.live` framework), for clients that need a socket.
    func testLive<Value>(_ body: @Sendable (any TestClientProtocol, Int) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration: configuration, logger: logger)
        return try await app.test(.live) { client in try await body(client, try #require(client.port)) }
    }

    /// Files currently in the upload staging directory and the object store.
    func storedFiles() -> (temporary: [String], objects: [String]) {
        let fm = FileManager.default
        let temporary = (try? fm.contentsOfDirectory(atPath: dataDirectory + "/tmp")) ?? []
        let objects = fm.enumerator(atPath: dataDirectory + "/objects")?.compactMap { $0 as? String }
            .filter { $0.contains("/") } ?? []
        return (temporary, objects)
    }
}

/// A signed-in test user.
struct Session: Sendable {
    var id: String
    var email: String
    var accessToken: String
    var refreshToken: String

    var auth: HTTPFields { [.authorization: "Bearer \(accessToken)"] }
}

enum JSON {
    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static let headers: HTTPFields = [.contentType: "application/json"]

    static func object(_ response: TestResponse) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(value as? [String: Any], "not a JSON object: \(String(buffer: response.body))")
    }

    static func array(_ response: TestResponse) throws -> [[String: Any]] {
        let value = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(value as? [[String: Any]], "not a JSON array: \(String(buffer: response.body))")
    }

    /// The stable error code of an error response.
    static func errorCode(_ response: TestResponse) -> String? {
        ((try? object(response))?["error"] as? [String: Any])?["code"] as? String
    }
}

extension TestClientProtocol {
    func register(_ email: String, password: String = "correct horse battery") async throws -> Session {
        try await execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers,
                          body: JSON.body(["email": email, "password": password])) { response in
            #expect(response.status == .created, "register: \(String(buffer: response.body))")
        }
        return try await login(email, password: password)
    }

    func login(_ email: String, password: String = "correct horse battery") async throws -> Session {
        try await execute(uri: "/v1/auth/login", method: .post, headers: JSON.headers,
                          body: JSON.body(["email": email, "password": password])) { response in
            #expect(response.status == .ok)
            let object = try JSON.object(response)
            let user = try #require(object["user"] as? [String: Any])
            return Session(
                id: try #require(user["id"] as? String), email: try #require(user["email"] as? String),
                accessToken: try #require(object["accessToken"] as? String),
                refreshToken: try #require(object["refreshToken"] as? String))
        }
    }

    /// Uploads `data` as the multipart field `file` and returns the upload's answer; with
    /// `waitUntilProcessed` (the default) it first polls the document until its job made it
    /// `ready` or `failed`, as a client does.
    func upload(_ data: Data, filename: String, title: String? = nil, session: Session,
                waitUntilProcessed: Bool = true) async throws -> TestResponse {
        let form = Multipart.upload(data, filename: filename, title: title)
        var headers = session.auth
        headers[.contentType] = form.contentType
        let response = try await execute(uri: "/v1/documents", method: .post, headers: headers, body: form.body)
        if waitUntilProcessed, response.status == .created, let id = try JSON.object(response)["id"] as? String {
            _ = try await waitForDocument(id, session: session)
        }
        return response
    }

    func uploadFixture(_ name: String, session: Session, title: String? = nil, waitUntilProcessed: Bool = true) async throws -> TestResponse {
        try await upload(try Fixture.data(name), filename: name, title: title, session: session, waitUntilProcessed: waitUntilProcessed)
    }

    /// Polls `GET /v1/documents/{id}` until its status is not `processing` and its job has ended
    /// (180 s by default: a debug build beside the whole suite on two cores is slow); returns the document.
    func waitForDocument(_ id: String, session: Session, within limit: Duration = .seconds(180)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let document = try await execute(uri: "/v1/documents/\(id)", method: .get, headers: session.auth) { try JSON.object($0) }
            let job = (document["job"] as? [String: Any])?["state"] as? String
            if document["status"] as? String != "processing", job != "queued", job != "running" { return document }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("document \(id) still processing after \(limit)")
        return [:]
    }
}

/// A `multipart/form-data` upload body: the field `file` and an optional `title`.
enum Multipart {
    static func upload(_ data: Data, filename: String, title: String? = nil) -> (body: ByteBuffer, contentType: String) {
        let boundary = "----dt-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        if let title {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\(title)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n")
        body.writeString("Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(data)
        body.writeString("\r\n--\(boundary)--\r\n")
        return (body, "multipart/form-data; boundary=\(boundary)")
    }
}

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }
}
