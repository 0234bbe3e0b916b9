import Foundation
import HTTPTypes
import NIOCore
import StoreTestSupport
import Testing

/// Two `api` processes (real binaries) sharing one PostgreSQL and one Redis: the authentication
/// limits are counted together; with Redis stopped both keep answering (local counters, no
/// cache) and say so in `/health/ready`; with Redis back the shared limits resume.
@Suite("Shared rate limits: two api processes, one Redis", .enabled(if: TestPostgres.available && TestRedis.available))
struct SharedRedisTests {
    @Test func limitsAreSharedSurviveAnOutageAndResume() async throws {
        let redis = try await PrivateRedisServer()
        defer { redis.stop() }
        let database = try await TestPostgres.newDatabase()
        let shared = [
            "DATABASE_URL": database + "?sslmode=disable", "REDIS_URL": redis.url,
            "DOCUTHINKER_TRUSTED_PROXY_HOPS": "1", "DOCUTHINKER_RATE_LIMIT_ADDRESS": "4", "DOCUTHINKER_RATE_LIMIT_ACCOUNT": "100",
        ]
        var processes: [DocuThinkerProcess] = []
        defer { for process in processes { process.stop(kill: true) } }
        var clients: [LoopbackE2EClient] = []
        for _ in 0..<2 {
            let directory = NSTemporaryDirectory() + "dt-redis-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let port = DocuThinkerProcess.freePort()
            let process = try DocuThinkerProcess(["api", "--port", String(port)],
                                                 environment: DocuThinkerProcess.environment(dataDirectory: directory, extra: shared),
                                                 directory: directory)
            processes.append(process)
            try await process.waitUntilHealthy(port: port)
            clients.append(LoopbackE2EClient(port: port))
        }
        let (one, two) = (clients[0], clients[1])
        _ = try await one.signUp("ada@example.com")

        func login(_ client: LoopbackE2EClient, _ password: String, from address: String) async throws -> E2EResponse {
            let body = try JSONSerialization.data(withJSONObject: ["email": "ada@example.com", "password": password])
            return try await client.send(.post, "/v1/auth/login", headers: [.contentType: "application/json",
                                                                             HTTPField.Name("X-Forwarded-For")!: address],
                                         body: ByteBuffer(bytes: body))
        }

        // Four wrong passwords, alternately: two on each process. Both now refuse that address.
        for n in 0..<4 {
            #expect(try await login(n % 2 == 0 ? one : two, "wrong password", from: "203.0.113.7").status == .unauthorized)
        }
        for client in [one, two] {
            let refused = try await login(client, "wrong password", from: "203.0.113.7")
            #expect(refused.status == .tooManyRequests, "counted together: \(String(buffer: refused.body))")
            #expect(refused.errorCode == "rate_limited")
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 0 } == true)
        }
        #expect(try await login(one, "correct horse battery", from: "198.51.100.9").status == .ok, "another address is not affected")

        // Redis stops: logins and searches still answer; readiness says degraded.
        redis.stop()
        let session = try await login(two, "correct horse battery", from: "192.0.2.1")
        #expect(session.status == .ok)
        let token = try #require(try session.object["accessToken"] as? String)
        #expect(try await one.send(.get, "/v1/search?q=anything&mode=keyword", token: token).status == .ok)
        #expect(try await login(one, "correct horse battery", from: "192.0.2.2").status == .ok)
        let ready = try await one.send(.get, "/health/ready").object
        #expect(ready["status"] as? String == "degraded")
        #expect((ready["checks"] as? [String: Any])?["redis"] as? String == "unreachable")

        // Redis is back (empty): once both processes see it, the limits are shared again.
        try await redis.start()
        for client in [one, two] {
            var seen = false
            for _ in 0..<100 where !seen {
                let checks = (try await client.send(.get, "/health/ready").object["checks"] as? [String: Any]) ?? [:]
                seen = checks["redis"] as? String == "ok"
                if !seen { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(seen, "the process uses Redis again")
        }
        for n in 0..<4 {
            #expect(try await login(n % 2 == 0 ? two : one, "wrong password", from: "203.0.113.50").status == .unauthorized)
        }
        for client in [one, two] {
            #expect(try await login(client, "wrong password", from: "203.0.113.50").status == .tooManyRequests, "shared again")
        }
    }
}
