import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a helper program (`pdftoppm`, `tesseract`) without a shell, with a time limit and a stop
/// check: a program that hangs or a job that is cancelled never holds a worker thread. The
/// program's output goes to files the caller names; its error output is kept (2 KB) for the message.
struct BoundedProcess {
    /// Why a run did not succeed.
    enum Failure: Error, CustomStringConvertible {
        case timedOut(String, Duration)
        case failed(String, status: Int32, stderr: String)

        var description: String {
            switch self {
            case .timedOut(let program, let limit): "\(program) took longer than \(limit) and was stopped"
            case .failed(let program, let status, let stderr): "\(program) exited with status \(status): \(stderr)"
            }
        }
    }

    /// Runs `executable` with `arguments` in `directory`; throws `CancellationError` when
    /// `interrupt` says so (the program is killed first).
    static func run(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    standardOutput: URL? = nil, timeout: Duration, interrupt: (@Sendable () -> Bool)?) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let errorPath = directory.appendingPathComponent("stderr-\(UUID().uuidString.prefix(8)).txt")
        _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: errorPath)
        defer {
            try? errorHandle.close()
            try? FileManager.default.removeItem(at: errorPath)
        }
        process.standardInput = FileHandle.nullDevice
        var outputHandle: FileHandle?
        if let standardOutput {
            _ = FileManager.default.createFile(atPath: standardOutput.path, contents: nil)
            outputHandle = try FileHandle(forWritingTo: standardOutput)
        }
        defer { try? outputHandle?.close() }
        process.standardOutput = outputHandle ?? FileHandle.nullDevice
        process.standardError = errorHandle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let deadline = ContinuousClock.now + timeout
        var stopped: (any Error)?
        while exited.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if interrupt?() == true { stopped = CancellationError() }
            else if ContinuousClock.now > deadline { stopped = Failure.timedOut(URL(fileURLWithPath: executable).lastPathComponent, timeout) }
            if stopped != nil {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
                break
            }
        }
        if let stopped { throw stopped }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let tail = (try? Data(contentsOf: errorPath)).map { String(decoding: $0.prefix(2048), as: UTF8.self) } ?? ""
            throw Failure.failed(URL(fileURLWithPath: executable).lastPathComponent, status: process.terminationStatus,
                                 stderr: tail.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The first executable named `name` on `PATH` (then `/usr/bin`, `/usr/local/bin`), or nil.
    static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
