import Hummingbird
import NIOCore

/// A Hummingbird server with a single `GET /bare` route answering a small JSON array and no
/// middleware: the ceiling the API's own routes are compared with in `bench/run`.
public func runBareServer(port: Int) async throws {
    let router = Router()
    router.get("bare") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"[{"id":"bare"}]"#)))
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    try await app.runService()
}
