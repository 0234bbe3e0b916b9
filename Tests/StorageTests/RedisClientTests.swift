import Foundation
import NIOCore
import RedisClient
import StoreTestSupport
import Testing

/// The RESP client against a real `redis-server`: commands, binary values, pipelining under
/// concurrency, error replies, AUTH and databases, timeouts, and reconnecting after an outage.
@Suite("Redis client", .enabled(if: TestRedis.available))
struct RedisClientTests {
    @Test func commandsRepliesAndBinaryValues() async throws {
        let redis = try TestRedis.client()
        let key = "t:" + UUID().uuidString
        #expect(try await redis.command("SET", key, "héllo").string == "OK")
        #expect(try await redis.command("GET", key).string == "héllo")
        #expect(try await redis.command("GET", key + ":missing").isNull)
        #expect(try await redis.command("INCRBY", key + ":n", "41").int == 41)
        #expect(try await redis.command("RPUSH", key + ":l", "a", "b", "c").int == 3)
        #expect(try await redis.command("LRANGE", key + ":l", "0", "-1").array?.compactMap(\.string) == ["a", "b", "c"])

        // Every byte value survives, CR LF and NUL included.
        let bytes: [UInt8] = Array(0...255) + [13, 10, 13, 10, 0]
        _ = try await redis.pipelineBytes([[Array("SET".utf8), Array((key + ":b").utf8), bytes]])
        #expect(try await redis.pipelineBytes([[Array("GET".utf8), Array((key + ":b").utf8)]])[0].bytes == bytes)

        await #expect(throws: RedisError.self, "an error reply throws, naming it") {
            try await redis.command("LPUSH", key, "x")   // WRONGTYPE: the key holds a string
        }
        #expect(try await redis.command("GET", key).string == "héllo", "the connection is still usable after an error reply")
    }

    @Test func pipelinedAndConcurrentCommandsGetTheirOwnReplies() async throws {
        let redis = try TestRedis.client()
        let prefix = "t:" + UUID().uuidString
        let replies = try await redis.pipeline((0..<100).map { ["SET", "\(prefix):\($0)", "v\($0)"] } + (0..<100).map { ["GET", "\(prefix):\($0)"] })
        #expect(replies.suffix(100).map(\.string) == (0..<100).map { "v\($0)" })

        // 400 tasks over 4 shared connections: each gets its own value back.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<400 {
                group.addTask {
                    let value = try await redis.command("GET", "\(prefix):\(n % 100)").string
                    return value == "v\(n % 100)"
                }
            }
            var matched = 0
            for try await ok in group where ok { matched += 1 }
            #expect(matched == 400)
        }
    }

    @Test func authenticatesAndSelectsTheDatabase() async throws {
        let server = try await PrivateRedisServer(extra: ["--requirepass", "s3cret-token"])
        defer { server.stop() }
        let anonymous = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: server.url)), timeout: .seconds(15))
        await #expect(throws: RedisError.self, "no AUTH: the server refuses (NOAUTH)") { try await anonymous.command("SET", "k", "v") }

        let wrong = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: server.url, authToken: "wrong")), timeout: .seconds(15))
        do {
            try await wrong.ping()
            Issue.record("a wrong password was accepted")
        } catch let error as RedisError {
            #expect(!"\(error)".contains("wrong"), "the error never shows the password: \(error)")
        }

        let db3 = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: server.url + "/3", authToken: "s3cret-token")), timeout: .seconds(15))
        try await db3.command("SET", "k", "in three")
        let db0 = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: "redis://:s3cret-token@127.0.0.1:\(server.port)")), timeout: .seconds(15))
        #expect(try await db0.command("GET", "k").isNull, "database 0 does not see database 3's key")
        #expect(try await db3.command("GET", "k").string == "in three")
    }

    @Test func aSlowReplyTimesOutAndTheNextCallReconnects() async throws {
        let redis = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: try #require(TestRedis.url))), poolSize: 1,
                                timeout: .milliseconds(300))
        try await Self.eventually { try await redis.ping() }
        do {
            // Blocks a minute on the server, then would answer nil: only the client's timeout throws.
            try await redis.command("BLPOP", "t:never-" + UUID().uuidString, "60")
            Issue.record("BLPOP answered before its minute")
        } catch let error as RedisError {
            #expect("\(error)".contains("no reply within 300 ms"), "\(error)")
        }
        // A fresh connection (the timed-out one was closed: its reply would be misread).
        try await Self.eventually { try await redis.ping() }
    }

    /// Retries `body` a few times: a 300 ms deadline can pass on two cores busy with the suite.
    static func eventually(_ body: () async throws -> Void) async throws {
        for _ in 0..<9 {
            if (try? await body()) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await body()
    }

    @Test func anOutageFailsFastAndTheClientRecoversWhenRedisIsBack() async throws {
        let server = try await PrivateRedisServer()
        defer { server.stop() }
        let redis = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: server.url)), poolSize: 2, timeout: .seconds(10),
                                minimumBackoff: .seconds(2), maximumBackoff: .seconds(2))
        try await redis.command("SET", "k", "before")
        server.stop()
        var failures: [String] = []
        for _ in 0..<3 {
            do { try await redis.command("GET", "k") } catch { failures.append("\(error)") }
        }
        #expect(failures.count == 3)
        // Once a connect has failed, calls during the backoff fail at once, without trying.
        #expect(failures.last?.contains("reconnecting") == true, "\(failures)")

        try await server.start()
        var recovered = false
        for _ in 0..<100 where !recovered {
            recovered = (try? await redis.command("SET", "k", "after")) != nil
            if !recovered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(recovered, "the client uses Redis again once it is back")
        #expect(try await redis.command("GET", "k").string == "after")
    }

    /// `rediss://`: TLS to a server whose certificate a private CA signed (`?sslrootcert=`); a
    /// client that does not trust that CA is refused.
    @Test func tlsWithAPrivateCertificateAuthority() async throws {
        let directory = NSTemporaryDirectory() + "dt-redis-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = """
            set -e; cd '\(directory)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext
            """
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/bin/sh")
        openssl.arguments = ["-c", script]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl made the certificates")
        let server = try await PrivateRedisServer(extra: ["--requirepass", "tls-token"],
                                                  tls: (directory + "/server.crt", directory + "/server.key"))
        defer { server.stop() }
        let trusted = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: server.url + "?sslrootcert=\(directory)/ca.crt",
                                                                                  authToken: "tls-token")),
                                  timeout: .seconds(15))
        try await trusted.command("SET", "k", "over TLS")
        #expect(try await trusted.command("GET", "k").string == "over TLS")
        let untrusting = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: server.url, authToken: "tls-token")), timeout: .seconds(15))
        await #expect(throws: RedisError.self, "the system roots do not include the test CA") { try await untrusting.ping() }
        let plain = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: "redis://127.0.0.1:\(server.port)", authToken: "tls-token")),
                                timeout: .milliseconds(500))
        await #expect(throws: RedisError.self, "plain text to a TLS port fails") { try await plain.ping() }
    }

    @Test func urlsAreParsedAndBadOnesRefusedWithoutTheirPassword() throws {
        let tls = try RedisEndpoint(RedisConfiguration(url: "rediss://master.abc.cache.amazonaws.com:6380/2", authToken: "token"))
        #expect(tls.tls && tls.host == "master.abc.cache.amazonaws.com" && tls.port == 6380 && tls.database == 2 && tls.password == "token")
        #expect(!tls.description.contains("token"))
        let user = try RedisEndpoint(RedisConfiguration(url: "redis://app:p%40ss@10.0.0.5"))
        #expect(user.username == "app" && user.password == "p@ss" && user.port == 6379 && !user.tls)
        #expect(try RedisEndpoint(RedisConfiguration(url: "redis://:inurl@h", authToken: "token")).password == "inurl", "the URL's password wins")
        for bad in ["http://h:6379", "redis://", "redis://h:6379/x", "h:6379", "redis://u:secretpw@h:99999"] {
            do {
                _ = try RedisEndpoint(RedisConfiguration(url: bad))
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(!"\(error)".contains("secretpw"))
            }
        }
    }

    @Test func repliesArriveInPiecesAndDecodeTheSame() throws {
        let wire = Array("*3\r\n$5\r\nhello\r\n:-42\r\n*2\r\n+OK\r\n$-1\r\n".utf8)
        var whole = ByteBuffer(bytes: wire)
        let expected = try #require(try RESP.decode(&whole))
        #expect(expected == .array([.bulkString(Array("hello".utf8)), .integer(-42), .array([.simpleString("OK"), .bulkString(nil)])]))
        for cut in 1..<wire.count {
            var partial = ByteBuffer(bytes: wire[..<cut])
            #expect(try RESP.decode(&partial) == nil, "incomplete at \(cut)")
            #expect(partial.readableBytes == cut, "an incomplete value consumes nothing")
        }
        var malformed = ByteBuffer(bytes: Array("?what\r\n".utf8))
        #expect(throws: RedisError.self) { try RESP.decode(&malformed) }
    }
}
