import Crypto
import Foundation
import Hummingbird
import Logging
import ServerSupport
import Storage
import WebAuthn

/// Passkeys (WebAuthn) with DocuThinker's original routes (`backend-spec.md` §1.2, §3.4):
/// registration by a signed-in user, sign-in with a discoverable credential (or one of an
/// email's), and management. Challenges last five minutes and are used once; a sign-in whose
/// signature counter does not grow (a cloned or replayed authenticator) is refused.
struct PasskeyController: Sendable {
    let users: any UserRepository & PasskeyRepository
    let auth: AuthController
    let party: RelyingParty
    var challengeLifetime: TimeInterval = 300

    func addPublicRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("passkey/authenticate/options", use: authenticationOptions)
        router.post("passkey/authenticate/verify", use: authenticate)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("passkey/register/options", use: registrationOptions)
        group.post("passkey/register/verify", use: register)
        group.get("passkeys/:userId") { _, context in
            struct Listed: Encodable { var message = "Passkeys retrieved"; var passkeys: [PasskeyDTO] }
            return try JSONIO.response(Listed(passkeys: try await users.passkeys(userId: try caller(context)).map(PasskeyDTO.init)))
        }
        group.patch("passkeys/:userId/:credentialId", use: rename)
        group.delete("passkeys/:userId/:credentialId") { _, context in
            struct Deleted: Encodable { var message = "Passkey deleted"; var id: String }
            let owner = try caller(context)
            let id = try context.parameters.require("credentialId")
            guard try await users.deletePasskey(id: id, userId: owner) else { throw Self.passkeyNotFound }
            context.logger.info("passkey deleted", metadata: ["user_id": .string(owner)])
            return try JSONIO.response(Deleted(id: id))
        }
    }

    /// A passkey as clients see it: never its public key.
    struct PasskeyDTO: Encodable {
        var id: String
        var name: String
        var deviceType: String
        var backedUp: Bool
        var transports: [String]
        var createdAt: Date
        var lastUsedAt: Date?

        init(_ record: PasskeyRecord) {
            id = record.id
            name = record.name
            deviceType = record.deviceType
            backedUp = record.backedUp
            transports = record.transports
            createdAt = record.createdAt
            lastUsedAt = record.lastUsedAt
        }
    }

    static let passkeyNotFound = APIError(.notFound, code: "passkey_not_found", message: "Passkey not found.")
    static let invalidSession = APIError(.badRequest, code: "invalid_passkey_session", message: "Invalid or expired passkey session. Start again.")

    /// The signed-in caller when the path's (or body's) `userId` is theirs; else 404.
    func caller(_ context: AppRequestContext, userId: String? = nil) throws -> String {
        let owner = try context.requireUser()
        guard (userId ?? context.parameters.get("userId") ?? owner) == owner else { throw LegacyAccountController.userNotFound }
        return owner
    }

    struct Descriptor: Codable { var id: String; var type = "public-key"; var transports: [String]? }

    // MARK: Registration

    @Sendable func registrationOptions(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String? }
        struct Options: Encodable {
            struct Party: Encodable { var id: String; var name: String }
            struct User: Encodable { var id: String; var name: String; var displayName: String }
            struct Parameter: Encodable { var type = "public-key"; var alg = COSEKey.es256 }
            struct Selection: Encodable { var residentKey = "required"; var requireResidentKey = true; var userVerification = "preferred" }
            var challenge: String
            var rp: Party
            var user: User
            var pubKeyCredParams = [Parameter()]
            var timeout: Int
            var attestation = "none"
            var excludeCredentials: [Descriptor]
            var authenticatorSelection = Selection()
        }
        struct Created: Encodable { var message = "Registration options generated"; var flowId: String; var options: Options }
        let body = try await Self.optionalBody(Input.self, request) ?? Input()
        let owner = try caller(context, userId: body.userId)
        guard let user = try await users.user(id: owner) else { throw APIError.accountGone }
        let (flowId, challenge) = try await newChallenge(purpose: "registration", userId: owner)
        let existing = try await users.passkeys(userId: owner).map { Descriptor(id: $0.id, transports: $0.transports) }
        let options = Options(
            challenge: Base64URL.encode(challenge), rp: .init(id: party.id, name: party.name),
            user: .init(id: Base64URL.encode(Array(user.id.utf8)), name: user.email, displayName: user.email),
            timeout: Int(challengeLifetime * 1000), excludeCredentials: existing)
        return try JSONIO.response(Created(flowId: flowId, options: options))
    }

    /// The browser's `RegistrationResponseJSON` / `AuthenticationResponseJSON`.
    struct CredentialResponse: Decodable {
        struct Inner: Decodable {
            var clientDataJSON: String
            var attestationObject: String?
            var authenticatorData: String?
            var signature: String?
            var userHandle: String?
            var transports: [String]?
        }
        var id: String
        var rawId: String?
        var type: String?
        var response: Inner
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String?; var flowId: String; var response: CredentialResponse; var name: String? }
        struct Registered: Encodable { var message = "Passkey registered successfully"; var passkey: PasskeyDTO }
        let body = try await JSONIO.decode(Input.self, from: request)
        let owner = try caller(context, userId: body.userId)
        let challenge = try await takeChallenge(body.flowId, purpose: "registration", userId: owner)
        guard let clientData = Base64URL.decode(body.response.response.clientDataJSON),
              let attestation = body.response.response.attestationObject.flatMap(Base64URL.decode) else {
            throw APIError.validation("The response lacks clientDataJSON or attestationObject (base64url).", field: "response")
        }
        let registration: RelyingParty.Registration
        do {
            registration = try party.verifyRegistration(clientDataJSON: clientData, attestationObject: attestation, challenge: challenge)
        } catch let error as WebAuthnError {
            throw Self.apiError(error, status: .badRequest, code: "passkey_verification_failed")
        }
        let id = Base64URL.encode(registration.credentialId)
        guard Base64URL.decode(body.response.id) == registration.credentialId else {
            throw APIError(.badRequest, code: "passkey_verification_failed", message: "The response's id is not the attested credential's.")
        }
        let name = String((body.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(60))
        let record = PasskeyRecord(
            id: id, userId: owner, name: name.isEmpty ? "Passkey" : name, publicKey: Data(registration.publicKey.x963),
            signCount: Int64(registration.signCount), transports: Array((body.response.response.transports ?? []).prefix(8)),
            deviceType: registration.backupEligible ? "multiDevice" : "singleDevice", backedUp: registration.backedUp, createdAt: .now)
        do {
            try await users.savePasskey(record)
        } catch let error as StorageError where error.code == .conflict {
            throw APIError(.conflict, code: "passkey_exists", message: "This passkey is already registered.")
        }
        context.logger.info("passkey registered", metadata: ["user_id": .string(owner)])
        return try JSONIO.response(Registered(passkey: PasskeyDTO(record)), status: .created)
    }

    // MARK: Sign-in

    @Sendable func authenticationOptions(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var email: String? }
        struct Options: Encodable {
            var challenge: String
            var rpId: String
            var timeout: Int
            var userVerification = "preferred"
            var allowCredentials: [Descriptor]
        }
        struct Created: Encodable { var message = "Authentication options generated"; var flowId: String; var options: Options }
        try await auth.limits.checkAddress(request, context: context)
        let body = try await Self.optionalBody(Input.self, request) ?? Input()
        // With an email, that account's passkeys (none for an unknown email: the same answer's shape).
        var allowed: [Descriptor] = []
        if let email = body.email?.trimmingCharacters(in: .whitespaces).lowercased(), !email.isEmpty,
           let user = try await users.user(email: email) {
            allowed = try await users.passkeys(userId: user.id).map { Descriptor(id: $0.id, transports: $0.transports) }
        }
        let (flowId, challenge) = try await newChallenge(purpose: "authentication", userId: nil)
        return try JSONIO.response(Created(flowId: flowId, options: Options(
            challenge: Base64URL.encode(challenge), rpId: party.id, timeout: Int(challengeLifetime * 1000), allowCredentials: allowed)))
    }

    @Sendable func authenticate(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var flowId: String; var response: CredentialResponse }
        struct SignedIn: Encodable {
            var message = "Authentication successful"
            var customToken: String
            var userId: String
            var email: String
        }
        try await auth.limits.checkAddress(request, context: context)
        let body = try await JSONIO.decode(Input.self, from: request)
        let challenge = try await takeChallenge(body.flowId, purpose: "authentication", userId: nil)
        let refused = APIError.unauthorized("Passkey authentication failed.", code: "passkey_rejected")
        guard let passkey = try await users.passkey(id: body.response.id), let user = try await users.user(id: passkey.userId) else {
            await auth.limits.failed(request, context: context)
            throw APIError.unauthorized("Passkey not recognized.", code: "passkey_unknown")
        }
        if let handle = body.response.response.userHandle, !handle.isEmpty, Base64URL.decode(handle) != Array(user.id.utf8) {
            await auth.limits.failed(request, context: context)
            throw refused
        }
        guard let clientData = Base64URL.decode(body.response.response.clientDataJSON),
              let authenticatorData = body.response.response.authenticatorData.flatMap(Base64URL.decode),
              let signature = body.response.response.signature.flatMap(Base64URL.decode) else {
            throw APIError.validation("The response lacks clientDataJSON, authenticatorData or signature (base64url).", field: "response")
        }
        let assertion: RelyingParty.Assertion
        do {
            assertion = try party.verifyAssertion(clientDataJSON: clientData, authenticatorData: authenticatorData, signature: signature,
                                                  challenge: challenge, publicKey: COSEKey(x963: Array(passkey.publicKey)))
        } catch let error as WebAuthnError {
            await auth.limits.failed(request, context: context, account: user.email)
            if case .rejected = error { throw refused }
            throw Self.apiError(error, status: .badRequest, code: "passkey_verification_failed")
        }
        // A counter that does not grow means a copy of the authenticator signed (or a replay):
        // refused, unless this authenticator keeps no counter at all (always 0).
        let count = Int64(assertion.signCount)
        if count != 0 || passkey.signCount != 0, count <= passkey.signCount {
            context.logger.warning("passkey counter did not increase: possible cloned authenticator",
                                   metadata: ["user_id": .string(user.id), "stored": "\(passkey.signCount)", "presented": "\(count)"])
            await auth.limits.failed(request, context: context, account: user.email)
            throw refused
        }
        guard try await users.recordPasskeyUse(id: passkey.id, expected: passkey.signCount, signCount: count, at: .now) else {
            throw refused   // another sign-in with this counter won the race
        }
        await auth.limits.succeeded(account: user.email)
        let tokens = try await auth.issue(for: user)
        context.logger.info("signed in with a passkey", metadata: ["user_id": .string(user.id)])
        return try JSONIO.response(AuthController.TokensWith(
            fields: SignedIn(customToken: tokens.accessToken, userId: user.id, email: user.email), tokens: tokens))
    }

    // MARK: Management

    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var name: String? }
        struct Renamed: Encodable { var message = "Passkey renamed"; var passkey: PasskeyDTO }
        let owner = try caller(context)
        let body = try await JSONIO.decode(Input.self, from: request)
        let name = String((body.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(60))
        guard !name.isEmpty else { throw APIError.validation("name is required.", field: "name") }
        guard let renamed = try await users.renamePasskey(id: try context.parameters.require("credentialId"), userId: owner, name: name) else {
            throw Self.passkeyNotFound
        }
        return try JSONIO.response(Renamed(passkey: PasskeyDTO(renamed)))
    }

    // MARK: Helpers

    private func newChallenge(purpose: String, userId: String?) async throws -> (flowId: String, challenge: [UInt8]) {
        let challenge = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let flowId = UUID().uuidString.lowercased()
        try await users.saveChallenge(WebAuthnChallengeRecord(id: flowId, purpose: purpose, userId: userId, challenge: Data(challenge),
                                                              expiresAt: Date.now.addingTimeInterval(challengeLifetime)))
        return (flowId, challenge)
    }

    /// The challenge of a flow, once: unknown, used, of another purpose or user, or expired → 400.
    private func takeChallenge(_ flowId: String, purpose: String, userId: String?) async throws -> [UInt8] {
        guard let record = try await users.takeChallenge(id: flowId), record.purpose == purpose, record.userId == userId else {
            throw Self.invalidSession
        }
        guard record.expiresAt > .now else {
            throw APIError(.badRequest, code: "passkey_session_expired", message: "The passkey session expired. Start again.")
        }
        return Array(record.challenge)
    }

    /// A JSON body when there is one (these routes also accept none).
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T? {
        guard request.headers[.contentLength] != "0", request.headers[.contentType] != nil else { return nil }
        return try await JSONIO.decode(type, from: request)
    }

    static func apiError(_ error: WebAuthnError, status: HTTPResponse.Status, code: String) -> APIError {
        switch error {
        case .invalid(let message), .rejected(let message): APIError(status, code: code, message: message)
        }
    }
}
