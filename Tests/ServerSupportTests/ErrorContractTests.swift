import DocuThinkerCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServerSupport
import Testing

/// The edge's one error contract: `DomainError` kinds become statuses in one place, and every
/// error leaves as `{ "error": { "code", "message", "details"? } }` — internals never.
@Suite("Error contract")
struct ErrorContractTests {
    @Test(arguments: [
        (DomainError.Kind.notFound, HTTPResponse.Status.notFound), (.invalid, .unprocessableContent), (.conflict, .conflict),
        (.unprocessable, .unprocessableContent), (.unavailable, .serviceUnavailable), (.rateLimited, .tooManyRequests),
    ])
    func everyKindHasItsStatus(kind: DomainError.Kind, status: HTTPResponse.Status) {
        let mapped = APIError(DomainError(kind, code: "c", message: "m", details: ["field": "limit"]))
        #expect(mapped.status == status && mapped.code == "c" && mapped.message == "m" && mapped.details == ["field": "limit"])
    }

    @Test func onlyOurOwnErrorsAreShown() {
        #expect(APIError.from(DomainError(.notFound, code: "not_found", message: "No such document."))?.status == .notFound)
        #expect(APIError.from(APIError.notFound("x"))?.code == "not_found")
        #expect(APIError.from(CocoaError(.fileNoSuchFile)) == nil)
    }

    @Test func theMiddlewareAnswersEveryErrorInTheOneShape() async throws {
        let router = Router()
        router.middlewares.add(ErrorMiddleware<BasicRequestContext>())
        router.get("domain") { _, _ -> String in throw DomainError(.unavailable, code: "embeddings_unavailable", message: "No model.") }
        router.get("internal") { _, _ -> String in throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: "/secret/path"]) }
        router.get("http") { _, _ -> String in throw HTTPError(.contentTooLarge) }
        try await Application(router: router).test(.router) { client in
            func error(_ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: uri, method: .get) { response in
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    return (response.status, object?["error"] as? [String: Any] ?? [:])
                }
            }
            let domain = try await error("/domain")
            #expect(domain.0 == .serviceUnavailable && domain.1["code"] as? String == "embeddings_unavailable" && domain.1["message"] as? String == "No model.")
            let hidden = try await error("/internal")
            #expect(hidden.0 == .internalServerError && hidden.1["code"] as? String == "internal_error")
            #expect(!(hidden.1["message"] as? String ?? "").contains("/secret/path"), "no internals in the answer")
            let http = try await error("/http")
            #expect(http.0 == .contentTooLarge && http.1["code"] as? String == "payload_too_large")
        }
    }
}
