import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Persisted ingestion jobs against the real `docuthinker serve` binary: answers before the work,
/// survival of `kill -9` and SIGTERM, and deletion that stops the work. A 2,000-page PDF is made
/// by `PDFMaker` (about 750 passages to embed: seconds of work in a release build, a minute in debug).
@Suite("Ingestion jobs in the real binary", .serialized)
struct IngestionJobProcessTests {
    static let bigPDF = PDFMaker.make(pages: 2_000) { PDFMaker.prose(page: $0, sentences: 3) }

    /// `serve` on a free port over `dataDirectory`, with a short job lease so a crashed worker's
    /// job is taken over quickly.
    private func start(_ dataDirectory: String, port: Int) async throws -> DocuThinkerProcess {
        let process = try DocuThinkerProcess(["serve", "--port", String(port)], environment: DocuThinkerProcess.environment(
            dataDirectory: dataDirectory, extra: ["DOCUTHINKER_JOB_LEASE_SECONDS": "2"]), directory: dataDirectory)
        try await process.waitUntilHealthy(port: port)
        return process
    }

    private func upload(_ data: Data, name: String, token: String, client: LoopbackE2EClient) async throws -> E2EResponse {
        let form = Multipart.upload(data, filename: name)
        return try await client.send(.post, "/v1/documents", headers: [.authorization: "Bearer \(token)", .contentType: form.contentType],
                                     body: form.body)
    }

    private func document(_ id: String, token: String, client: LoopbackE2EClient) async throws -> [String: Any] {
        try await client.send(.get, "/v1/documents/\(id)", token: token).object
    }

    /// Polls the document until `condition` holds (`limit` at most: five minutes, for a debug build
    /// embedding a huge upload beside the whole suite on two cores).
    private func waitFor(_ id: String, token: String, client: LoopbackE2EClient, limit: Duration = .seconds(300),
                         _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let doc = try await document(id, token: token, client: client)
            if condition(doc) { return doc }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("condition not met for \(id) within \(limit)")
        return try await document(id, token: token, client: client)
    }

    private static func job(_ doc: [String: Any]) -> [String: Any] { doc["job"] as? [String: Any] ?? [:] }
    private static func embedding(_ doc: [String: Any]) -> Bool {
        job(doc)["stage"] as? String == "embeddings" && (job(doc)["done"] as? Int ?? 0) >= 32
    }

    /// A fresh data directory, a free port and a client for it.
    private static func place() throws -> (data: String, port: Int, client: LoopbackE2EClient) {
        let data = NSTemporaryDirectory() + "dt-jobs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let port = DocuThinkerProcess.freePort()
        return (data, port, LoopbackE2EClient(port: port))
    }

    /// User + system CPU seconds the process has used (`/proc/PID/stat`).
    private static func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        return (Double(fields[11])! + Double(fields[12])!) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds per thread (`name#tid`), to say which threads were busy when a check fails.
    private static func threadCPUSeconds(_ pid: Int32) -> [String: Double] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var seconds: [String: Double] = [:]
        for tid in tasks {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.range(of: ")", options: .backwards) else { continue }
            let name = String(stat[stat.index(after: open)..<close.lowerBound])
            let fields = stat[close.upperBound...].split(separator: " ")
            seconds["\(name)#\(tid)"] = (Double(fields[11])! + Double(fields[12])!) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
        return seconds
    }

    /// The threads that used CPU between two snapshots, busiest first.
    private static func busiest(_ before: [String: Double], _ after: [String: Double]) -> String {
        after.map { ($0.key, $0.value - (before[$0.key] ?? 0)) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            .prefix(8).map { "\($0.0): \($0.1) s" }.joined(separator: ", ")
    }

    @Test func aHugeUploadIsAnsweredAtOnceAndSurvivesKill9WithoutDuplicates() async throws {
        let (data, port, client) = try Self.place()
        var server = try await start(data, port: port)
        let ada = try await client.signUp("ada@example.com")

        let started = ContinuousClock.now
        let answer = try await upload(Self.bigPDF, name: "big.pdf", token: ada.token, client: client)
        let elapsed = ContinuousClock.now - started
        print("upload of a 2,000-page PDF (\(Self.bigPDF.count) bytes) answered in \(elapsed)")
        #expect(answer.status == .created)
        let uploaded = try answer.object
        #expect(uploaded["status"] as? String == "processing", "answered before the work")
        #expect(uploaded["pageCount"] as? Int == 2_000, "page count from the quick inspection")
        let id = try #require(uploaded["id"] as? String)

        // Crash in the middle of the embeddings stage, then start again on the same data.
        let before = try await waitFor(id, token: ada.token, client: client, Self.embedding)
        let total = try #require(Self.job(before)["total"] as? Int)
        server.stop(kill: true)
        server = try await start(data, port: port)
        defer { server.stop() }
        let finished = try await waitFor(id, token: ada.token, client: client) { Self.job($0)["state"] as? String == "succeeded" }
        #expect(finished["status"] as? String == "ready")
        #expect((Self.job(finished)["attempts"] as? Int ?? 0) >= 1, "taken over after the crash")

        let chunks = try #require(try JSONSerialization.jsonObject(with: Data(try await client.send(
            .get, "/v1/documents/\(id)/chunks", token: ada.token).body.readableBytesView)) as? [[String: Any]])
        let ordinals = chunks.compactMap { $0["index"] as? Int }
        #expect(chunks.count == total, "the stored chunks are the ones the job counted")
        #expect(ordinals == Array(0..<chunks.count), "no duplicate or missing chunk")
        let index = try await client.send(.get, "/v1/documents/\(id)/index", token: ada.token).object
        #expect(index["status"] as? String == "ready")
        #expect(index["indexed"] as? Int == chunks.count && index["total"] as? Int == chunks.count, "\(index)")
        let hits = try await client.send(.get, "/v1/search?q=nitrate%20levels%20northern%20channel&mode=semantic", token: ada.token)
        #expect(hits.status == .ok)
        #expect((try hits.object["results"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func deletingADocumentStopsItsWorkAndSigtermPausesTheRest() async throws {
        let (data, port, client) = try Self.place()
        var server = try await start(data, port: port)
        let ada = try await client.signUp("ada@example.com")

        // Delete while embedding: the job is gone and the CPU goes quiet.
        let doomed = try #require(try await upload(Self.bigPDF, name: "doomed.pdf", token: ada.token, client: client).object["id"] as? String)
        _ = try await waitFor(doomed, token: ada.token, client: client, Self.embedding)
        // A heartbeat that comes late: the lease lapses while the job runs and the same worker
        // takes the job again. The run going on keeps it; a second run would escape the delete.
        var waits = Configuration()
        waits.busyMode = .timeout(5)  // the server writes progress all the while
        let database = try DatabaseQueue(path: data + "/docuthinker.sqlite", configuration: waits)
        let lapses = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < lapses, (Self.job(try await document(doomed, token: ada.token, client: client))["attempts"] as? Int ?? 0) == 0 {
            try await database.write { try $0.execute(sql: "UPDATE jobs SET leaseExpiresAt = '2000-01-01 00:00:00.000'") }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(Self.job(try await document(doomed, token: ada.token, client: client))["attempts"] as? Int == 1, "the lapsed lease was taken again")
        try await database.close()
        let pid = server.process.processIdentifier
        #expect(try await client.send(.delete, "/v1/documents/\(doomed)", token: ada.token).status == .noContent)
        try await Task.sleep(for: .seconds(1))
        let afterStop = try Self.cpuSeconds(pid), threadsAfterStop = Self.threadCPUSeconds(pid)
        try await Task.sleep(for: .seconds(2))
        let idle = try Self.cpuSeconds(pid) - afterStop
        print("CPU used between 1 s and 3 s after the delete: \(idle) s")
        #expect(idle < 0.5, "the deleted document's work stopped (\(idle) CPU seconds in 2 s; busy threads: \(Self.busiest(threadsAfterStop, Self.threadCPUSeconds(pid))))")
        #expect(try await client.send(.get, "/v1/documents/\(doomed)", token: ada.token).status == .notFound)

        // SIGTERM while embedding: the process exits promptly and the job resumes with its progress.
        let kept = try #require(try await upload(Self.bigPDF, name: "kept.pdf", token: ada.token, client: client).object["id"] as? String)
        let progress = try await waitFor(kept, token: ada.token, client: client, Self.embedding)
        let done = Self.job(progress)["done"] as? Int ?? 0
        let signalled = ContinuousClock.now
        server.process.terminate()
        server.process.waitUntilExit()
        let exit = ContinuousClock.now - signalled
        print("exit after SIGTERM during embeddings: \(exit)")
        #expect(exit < .seconds(10), "SIGTERM is not held up by the job")
        server = try await start(data, port: port)
        defer { server.stop() }
        let resumed = try await document(kept, token: ada.token, client: client)
        #expect(Self.job(resumed)["stage"] as? String == "embeddings")
        #expect((Self.job(resumed)["done"] as? Int ?? 0) >= done, "progress kept")
        #expect(Self.job(resumed)["attempts"] as? Int == 0, "a graceful stop is not a failure")
        let finished = try await waitFor(kept, token: ada.token, client: client) { $0["status"] as? String == "ready" }
        #expect(finished["status"] as? String == "ready")
    }
}
