import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Testing

/// Crash safety against the real `docuthinker serve`: SIGKILL at random moments while uploads,
/// ingestion jobs (with OCR) and chats are under way, many times over on the same data; then
/// every acknowledged upload exists and finishes, nothing is duplicated, no job is stuck, every
/// acknowledged chat message is kept once, and SQLite passes its integrity check.
/// `DOCUTHINKER_CRASH_ROUNDS` sets the number of kills (50 by default; `make test` runs 8);
/// `DOCUTHINKER_CRASH_SEED` replays a run (each run prints its seed).
@Suite("Crash safety: SIGKILL at random moments", .serialized)
struct CrashLoopTests {
    static var rounds: Int { Int(ProcessInfo.processInfo.environment["DOCUTHINKER_CRASH_ROUNDS"] ?? "") ?? 50 }
    static let scans = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("test-data/scans")

    private static func start(_ data: String, port: Int) async throws -> DocuThinkerProcess {
        let process = try DocuThinkerProcess(["serve", "--port", String(port)], environment: DocuThinkerProcess.environment(
            dataDirectory: data, extra: ["DOCUTHINKER_JOB_LEASE_SECONDS": "2"]), directory: data)
        try await process.waitUntilHealthy(port: port)
        return process
    }

    private static func place() throws -> (data: String, port: Int, client: LoopbackE2EClient) {
        let data = NSTemporaryDirectory() + "dt-crash-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let port = DocuThinkerProcess.freePort()
        return (data, port, LoopbackE2EClient(port: port))
    }

    /// What one piece of work under way when the kill came ended as.
    enum Outcome: Sendable {
        case uploaded(id: String, name: String)
        case said(chat: String, content: String)
        case lost
        /// The server started again after the kill (requests still trying to connect reach it).
        case restarted(DocuThinkerProcess)
    }

    /// A small deterministic generator (SplitMix64), so a failing run can be replayed from its seed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func killedAtRandomMomentsLosesNothingAcknowledged() async throws {
        let (data, port, client) = try Self.place()
        let seed = UInt64(ProcessInfo.processInfo.environment["DOCUTHINKER_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var random = Seeded(state: seed)
        print("crash loop: \(Self.rounds) kills, seed \(seed) (DOCUTHINKER_CRASH_SEED replays it)")
        var server = try await Self.start(data, port: port)
        let ada = try await client.signUp("ada@example.com")
        let chat = try #require(try await client.send(.post, "/v1/chats", token: ada.token, json: [:]).object["id"] as? String)
        let scan = try? Data(contentsOf: Self.scans.appendingPathComponent("page.png"))
        var documents: [String: String] = [:]
        var said: [String] = []
        var lost = 0
        let started = ContinuousClock.now
        for round in 0..<Self.rounds {
            let pages = Int.random(in: 4...40, using: &random)
            let delay = Duration.milliseconds(Bool.random(using: &random) && Bool.random(using: &random)
                ? Int.random(in: 0...40, using: &random) : Int.random(in: 40...2_500, using: &random))
            let withScan = scan != nil && round % 4 == 1
            let running = server
            let outcomes = await withTaskGroup(of: [Outcome].self) { group in
                // Requests keep coming until the kill (a third of the kills land in the first 40 ms).
                group.addTask {
                    var outcomes: [Outcome] = []
                    for part in 0..<4 {
                        let pdf = PDFMaker.make(pages: pages + part) { "Round \(round) part \(part) page \($0). " + PDFMaker.prose(page: $0 + round * 100, sentences: 3) }
                        outcomes.append(await Self.upload(pdf, name: "round-\(round)-\(part).pdf", token: ada.token, client: client))
                        if case .lost = outcomes.last { break }
                    }
                    return outcomes
                }
                group.addTask {
                    var outcomes: [Outcome] = []
                    for part in 0..<4 {
                        let note = Data("# Note \(round).\(part)\n\nThe crash loop wrote this note in round \(round), about tide tables and harbour \(part).\n".utf8)
                        outcomes.append(await Self.upload(note, name: "note-\(round)-\(part).md", token: ada.token, client: client))
                        if case .lost = outcomes.last { break }
                    }
                    if withScan, let scan { outcomes.append(await Self.upload(scan, name: "scan-\(round).png", token: ada.token, client: client)) }
                    return outcomes
                }
                group.addTask {
                    var outcomes: [Outcome] = []
                    for part in 0..<3 {
                        let content = "What does round \(round) part \(part) say about tide tables?"
                        do {
                            let answer = try await client.send(.post, "/v1/chats/\(chat)/messages", token: ada.token, json: ["content": content])
                            outcomes.append(answer.status == .ok ? .said(chat: chat, content: content) : .lost)
                        } catch {
                            outcomes.append(.lost)
                            break
                        }
                    }
                    return outcomes
                }
                group.addTask {
                    try? await Task.sleep(for: delay)
                    running.stop(kill: true)
                    // Started again at once, as a supervisor would: a client's connection attempts
                    // (retried until their deadline) reach the new process.
                    do {
                        return [.restarted(try await Self.start(data, port: port))]
                    } catch {
                        Issue.record("restart after round \(round) failed: \(error)")
                        return []
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            if ProcessInfo.processInfo.environment["DOCUTHINKER_CRASH_VERBOSE"] != nil {
                print("round \(round): killed after \(delay), \(outcomes.count) outcomes, at \(ContinuousClock.now - started)")
            }
            for outcome in outcomes {
                switch outcome {
                case .uploaded(let id, let name): documents[id] = name
                case .said(_, let content): said.append(content)
                case .lost: lost += 1
                case .restarted(let process): server = process
                }
            }
        }
        print("crash loop: \(Self.rounds) kills in \(ContinuousClock.now - started); acknowledged \(documents.count) uploads and \(said.count) chat messages, \(lost) requests cut off")
        defer { server.stop() }

        // Every acknowledged upload finishes, ready, its job succeeded, its passages once each.
        let settled = ContinuousClock.now
        for (id, name) in documents.sorted(by: { $0.key < $1.key }) {
            var document: [String: Any] = [:]
            for _ in 0..<3_000 {
                let response = try await client.send(.get, "/v1/documents/\(id)", token: ada.token)
                #expect(response.status == .ok, "acknowledged upload \(name) is missing")
                guard response.status == .ok else { break }
                document = try response.object
                let state = (document["job"] as? [String: Any])?["state"] as? String
                if document["status"] as? String != "processing", state != "queued", state != "running" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(document["status"] as? String == "ready", "\(name): \(document)")
            #expect((document["job"] as? [String: Any])?["state"] as? String == "succeeded", "\(name): \(document)")
            let chunks = try #require(try JSONSerialization.jsonObject(with: Data(try await client.send(
                .get, "/v1/documents/\(id)/chunks", token: ada.token).body.readableBytesView)) as? [[String: Any]])
            #expect(chunks.compactMap { $0["index"] as? Int } == Array(0..<chunks.count) && !chunks.isEmpty, "\(name): passages once each")
        }
        print("crash loop: every acknowledged upload finished \(ContinuousClock.now - settled) after the last restart")

        // The library holds each upload once (a cut-off upload may or may not have been kept).
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try await client.send(
            .get, "/v1/documents?limit=200", token: ada.token).body.readableBytesView)) as? [[String: Any]])
        let ids = listed.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count, "no document twice")
        #expect(Set(documents.keys).isSubset(of: Set(ids)))
        let titles = listed.compactMap { $0["filename"] as? String }
        #expect(Set(titles).count == titles.count, "no upload stored twice: \(titles.sorted())")
        #expect(!listed.contains { $0["status"] as? String == "processing" }, "no job stuck")

        // Each acknowledged chat message is kept once, with its answer after it.
        let messages = try #require(try await client.send(.get, "/v1/chats/\(chat)", token: ada.token).object["messages"] as? [[String: Any]])
        for content in said {
            let positions = messages.indices.filter { messages[$0]["role"] as? String == "user" && messages[$0]["content"] as? String == content }
            #expect(positions.count == 1, "\(content) kept once")
            if let position = positions.first {
                #expect(position + 1 < messages.count && messages[position + 1]["role"] as? String == "assistant", "\(content) has its answer")
            }
        }

        // The database file itself.
        server.stop()
        let queue = try DatabaseQueue(path: data + "/docuthinker.sqlite")
        let (integrity, foreignKeys, stuck) = try await queue.read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')"))
        }
        #expect(integrity == ["ok"])
        #expect(foreignKeys == 0)
        #expect(stuck == 0, "no job stuck")
    }

    private static func upload(_ data: Data, name: String, token: String, client: LoopbackE2EClient) async -> Outcome {
        let form = Multipart.upload(data, filename: name)
        do {
            let response = try await client.send(.post, "/v1/documents?allowDuplicate=true", headers: [
                .authorization: "Bearer \(token)", .contentType: form.contentType], body: form.body)
            guard response.status == .created, let id = try response.object["id"] as? String else { return .lost }
            return .uploaded(id: id, name: name)
        } catch {
            return .lost
        }
    }

    /// A job killed in the middle of its OCR stage keeps the pages it read: the worker that takes
    /// it over starts from them, never from page one.
    @Test func aJobKilledDuringOCRKeepsThePagesItRead() async throws {
        let file = Self.scans.appendingPathComponent("four-pages.pdf")
        guard FileManager.default.fileExists(atPath: file.path) else {
            if ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_TEST_DATA"] == "1" { Issue.record("run scripts/make-scans") }
            return
        }
        let (data, port, client) = try Self.place()
        var server = try await Self.start(data, port: port)
        let ada = try await client.signUp("ada@example.com")
        guard case .uploaded(let id, _) = await Self.upload(try Data(contentsOf: file), name: "four-pages.pdf", token: ada.token, client: client) else {
            Issue.record("upload refused")
            return
        }
        func job() async throws -> [String: Any] {
            try await client.send(.get, "/v1/documents/\(id)", token: ada.token).object["job"] as? [String: Any] ?? [:]
        }
        var before = 0
        for _ in 0..<3_000 {
            let current = try await job()
            if current["stage"] as? String == "ocr", let done = current["done"] as? Int, done >= 1 { before = done; break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(before >= 1 && before < 4, "killed in the middle of the OCR stage (\(before) of 4 read)")
        server.stop(kill: true)
        server = try await Self.start(data, port: port)
        defer { server.stop() }
        var seen: [Int] = []
        for _ in 0..<6_000 {
            let current = try await job()
            if (current["attempts"] as? Int ?? 0) >= 1, current["stage"] as? String == "ocr", let done = current["done"] as? Int {
                seen.append(done)
            }
            if current["state"] as? String == "succeeded" || current["state"] as? String == "failed" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!seen.isEmpty, "the OCR stage was seen again after the takeover")
        #expect(seen.allSatisfy { $0 >= before }, "resumed from the \(before) pages read, not from page one: \(seen)")
        let document = try await client.send(.get, "/v1/documents/\(id)", token: ada.token).object
        #expect(document["status"] as? String == "ready")
        let ocrPages = (document["quality"] as? [String: Any])?["ocrPages"] as? [[String: Any]]
        #expect(ocrPages?.compactMap { $0["page"] as? Int } == [1, 2, 3, 4])
    }
}
