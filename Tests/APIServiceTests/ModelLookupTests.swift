import Foundation
import HTTPTypes
import Testing

/// `docuthinker serve` started from any folder finds the embedding model without configuration.
@Suite("Embedding model lookup")
struct ModelLookupTests {
    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: DocuThinkerProcess.packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors").path),
        "needs the model in the checkout (scripts/bootstrap)"))
    func serveFromAnotherFolderFindsTheModelBesideTheExecutable() async throws {
        let folder = NSTemporaryDirectory() + "dt-elsewhere-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var environment = DocuThinkerProcess.environment(dataDirectory: folder + "/data")
        environment["DOCUTHINKER_EMBEDDING_MODEL_DIR"] = nil
        let port = DocuThinkerProcess.freePort()
        let server = try DocuThinkerProcess(["serve", "--port", String(port)], environment: environment, directory: folder)
        defer { server.stop() }
        try await server.waitUntilHealthy(port: port)
        let client = LoopbackE2EClient(port: port)
        let ada = try await client.signUp("ada@example.com")
        let capabilities = try await client.send(.get, "/v1/capabilities", token: ada.token).object
        #expect(capabilities["semanticSearch"] as? Bool == true, "\(capabilities)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/models"), "nothing was looked up or made relative to the folder")
    }
}
