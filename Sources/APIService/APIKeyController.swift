import DocuThinkerCore
import Crypto
import Foundation
import Hummingbird
import ServerSupport
import Storage
import WebAuthn

/// `/v1/me/api-keys`: personal API keys for programmatic access (scripts, the MCP server).
/// `POST` creates one and shows the key once; `GET` lists them (prefix, name, dates, never the
/// key); `DELETE /{id}` revokes. Only the SHA-256 of a key is stored: keys are 256 random bits,
/// so a slow password hash would add nothing but latency to every request.
struct APIKeyController: Sendable {
    static let keyPrefix = "dtk_"
    let keys: any APIKeyRepository

    struct CreateRequest: Decodable {
        var name: String?
    }

    struct KeyDTO: Encodable {
        var id: String
        var name: String
        var prefix: String
        var createdAt: Date
        var lastUsedAt: Date?
        var revokedAt: Date?
        /// Present only in the answer to `POST`.
        var key: String?

        init(_ record: APIKeyRecord, key: String? = nil) {
            id = record.id
            name = record.name
            prefix = record.prefix
            createdAt = record.createdAt
            lastUsedAt = record.lastUsedAt
            revokedAt = record.revokedAt
            self.key = key
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("me/api-keys") { request, context in
            let owner = try context.requireUser()
            let body = try await JSONIO.decode(CreateRequest.self, from: request)
            let name = (body.name ?? "API key").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 100 else { throw APIError.validation("'name' must have 1 to 100 characters.", field: "name") }
            guard try await keys.apiKeys(userId: owner).filter({ $0.revokedAt == nil }).count < 50 else {
                throw APIError(.conflict, code: "too_many_api_keys", message: "You have 50 active API keys; revoke one first.")
            }
            let (key, record) = Self.generate(userId: owner, name: name)
            try await keys.createAPIKey(record)
            return try JSONIO.response(KeyDTO(record, key: key), status: .created)
        }
        group.get("me/api-keys") { _, context in
            try JSONIO.response(try await keys.apiKeys(userId: try context.requireUser()).map { KeyDTO($0) })
        }
        group.delete("me/api-keys/:id") { _, context in
            guard try await keys.revokeAPIKey(id: try context.parameters.require("id"), userId: try context.requireUser(), at: .now) else {
                throw APIError.notFound("No such API key.")
            }
            return Response(status: .noContent)
        }
    }

    /// A new key (`dtk_` + 43 base64url characters) and the record to store.
    static func generate(userId: String, name: String, at date: Date = .now) -> (key: String, record: APIKeyRecord) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let key = keyPrefix + Base64URL.encode(bytes)
        let record = APIKeyRecord(id: UUID().uuidString.lowercased(), userId: userId, name: name, prefix: String(key.prefix(10)),
                                  keyHash: hash(key), createdAt: date)
        return (key, record)
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).hexString
    }

    /// The active key record for a presented key; records its use at most once a minute.
    static func resolve(_ key: String, in keys: any APIKeyRepository) async throws -> APIKeyRecord? {
        guard key.count <= 200, let record = try await keys.activeAPIKey(hash: hash(key)) else { return nil }
        if record.lastUsedAt.map({ Date.now.timeIntervalSince($0) > 60 }) ?? true {
            try? await keys.touchAPIKey(id: record.id, at: .now)
        }
        return record
    }
}
