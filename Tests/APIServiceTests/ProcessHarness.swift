import Foundation
import HTTPTypes
import StoreTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `docuthinker` executable (built with the tests) as a child process.
final class DocuThinkerProcess: @unchecked Sendable {
    let process = Process()
    let arguments: [String]

    /// The built executable, next to the test bundle in the build directory.
    static var executable: URL {
        get throws {
            let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var directory = testBinary.deletingLastPathComponent()
            // The bundle is `…/debug/docuthinkerPackageTests.xctest` (a file on Linux).
            for _ in 0..<3 where !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("docuthinker").path) {
                directory = directory.deletingLastPathComponent()
            }
            let url = directory.appendingPathComponent("docuthinker")
            try #require(FileManager.default.isExecutableFile(atPath: url.path), "docuthinker not built next to \(testBinary.path)")
            return url
        }
    }

    static let logLevel = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_LOG_LEVEL"]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Environment shared by every test process: a data directory, fast bcrypt, the model, quiet
    /// logs (`DOCUTHINKER_TEST_LOG_LEVEL=info` shows more, on the test's standard error).
    static func environment(dataDirectory: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        environment["DOCUTHINKER_DATA_DIR"] = dataDirectory
        environment["JWT_SECRET"] = TestApp.secret
        environment["DOCUTHINKER_BCRYPT_COST"] = "4"
        environment["DOCUTHINKER_EMBEDDING_MODEL_DIR"] = packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2").path
        environment["LOG_LEVEL"] = Self.logLevel ?? "warning"
        environment.merge(extra) { $1 }
        return environment
    }

    init(_ arguments: [String], environment: [String: String], directory: String, standardInput: Pipe? = nil, standardOutput: Pipe? = nil) throws {
        self.arguments = arguments
        process.executableURL = try Self.executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let standardInput { process.standardInput = standardInput }
        process.standardOutput = standardOutput ?? (Self.logLevel == nil ? FileHandle.nullDevice : FileHandle.standardError)
        process.standardError = FileHandle.standardError
        try process.run()
    }

    /// Waits until `GET /health` on `port` answers (20 s at most).
    func waitUntilHealthy(port: Int) async throws {
        let client = LoopbackE2EClient(port: port)
        for _ in 0..<200 {
            try #require(process.isRunning, "\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
            if let response = try? await client.send(.get, "/health"), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(arguments.joined(separator: " ")) did not become healthy")
    }

    /// Stops the process (SIGKILL: a crash, not a graceful stop, when `kill` is true).
    func stop(kill: Bool = false) {
        guard process.isRunning else { return }
        if kill { Glibc.kill(process.processIdentifier, SIGKILL) } else { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop(kill: true) }

    /// A port nobody listens on right now (the kernel's choice for port 0).
    static func freePort() -> Int { PrivateRedisServer.freePort() }
}

/// `docuthinker ai` and `docuthinker api` on loopback, sharing one data directory.
final class TwoProcessStack: @unchecked Sendable {
    static let token = "service-token-for-tests-0123456789"
    let dataDirectory: String
    let apiPort = DocuThinkerProcess.freePort()
    let aiPort = DocuThinkerProcess.freePort()
    private(set) var ai: DocuThinkerProcess?
    private(set) var api: DocuThinkerProcess?
    /// Variables only the `ai` process gets (as the deployment passes the graph database's).
    var aiEnvironment: [String: String] = [:]

    init() throws {
        dataDirectory = NSTemporaryDirectory() + "dt-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
    }

    var apiClient: LoopbackE2EClient { LoopbackE2EClient(port: apiPort) }
    var aiClient: LoopbackE2EClient { LoopbackE2EClient(port: aiPort) }

    func startAI() async throws {
        let process = try DocuThinkerProcess(["ai", "--port", String(aiPort)], environment: DocuThinkerProcess.environment(
            dataDirectory: dataDirectory, extra: aiEnvironment.merging(["AI_SERVICE_TOKEN": Self.token]) { $1 }), directory: dataDirectory)
        ai = process
        try await process.waitUntilHealthy(port: aiPort)
    }

    func startAPI() async throws {
        let process = try DocuThinkerProcess(["api", "--port", String(apiPort)], environment: DocuThinkerProcess.environment(
            dataDirectory: dataDirectory, extra: ["AI_SERVICE_TOKEN": Self.token, "AI_SERVICE_URL": "http://127.0.0.1:\(aiPort)"]),
            directory: dataDirectory)
        api = process
        try await process.waitUntilHealthy(port: apiPort)
    }

    func start() async throws {
        try await startAI()
        try await startAPI()
    }

    func killAI() { ai?.stop(kill: true) }

    func stop() {
        api?.stop()
        ai?.stop()
    }
}
