import Foundation
import Testing

/// The `docuthinker` executable's own answers, run as a child process.
@Suite("Command line")
struct CommandLineTests {
    /// `docuthinker evaluate` with nothing to evaluate says what it needs and prints its usage (#16).
    @Test func evaluateWithNothingToEvaluatePrintsItsUsage() throws {
        let process = Process()
        process.executableURL = try DocuThinkerProcess.executable
        process.arguments = ["evaluate"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64, "EX_USAGE")
        #expect(text.lowercased().contains("usage: docuthinker evaluate"), "\(text)")
        #expect(text.contains("--summaries") && text.contains("--retrieval"), "\(text)")
    }
}
