import DocuThinkerCore
import Foundation
import Hummingbird
import Logging
import ServerSupport
import Storage

/// `/v1/auth/*` and `/v1/me`: registration, login, token refresh and revocation.
struct AuthController: Sendable {
    let users: any UserRepository & RefreshTokenRepository & AccountRepository
    let tokens: TokenService
    /// Ends sessions before their tokens expire (sign-out, password change, replayed refresh tokens).
    let sessions: SessionGuard
    let hasher: PasswordHasher
    /// Authentication rate limits (per client address and per account).
    let limits: AuthRateLimits
    /// Reset links and the mailer that delivers them.
    let resets: PasswordResetLinks
    let mailer: any Mailer
    /// Open registration, or registration that confirms the email first (`DOCUTHINKER_REGISTRATION`).
    var registration: RegistrationMode = .open

    struct Credentials: Decodable {
        var email: String
        var password: String
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
    }

    struct UserDTO: Encodable {
        var id: String
        var email: String
        var createdAt: Date?
    }

    /// The login / refresh answer (Contract details).
    struct TokenResponse: Encodable {
        var accessToken: String
        var refreshToken: String
        var expiresIn: Int
        var tokenType = "Bearer"
        var user: UserDTO
    }

    /// The token pair with the original's fields beside it (`customToken`, `userId`…) in one object.
    struct TokensWith<Fields: Encodable>: Encodable {
        var fields: Fields
        var tokens: TokenResponse

        func encode(to encoder: any Encoder) throws {
            try tokens.encode(to: encoder)
            try fields.encode(to: encoder)
        }
    }

    func addPublicRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("auth/register", use: register)
        group.post("auth/register/confirm", use: confirmSignup)
        group.post("auth/login", use: login)
        group.post("auth/refresh", use: refresh)
        group.post("auth/password-reset", use: requestPasswordReset)
        group.post("auth/password-reset/confirm", use: confirmPasswordReset)
    }

    func addProtectedRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("auth/logout", use: logout)
        group.post("me/password", use: changePassword)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(Credentials.self, from: request)
        switch try await signUp(body, request: request, context: context) {
        case .created(let user): return try JSONIO.response(try await issue(for: user), status: .created)
        case .confirmationSent: return try JSONIO.response(ConfirmationSent(), status: .accepted, identical: true)
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(Credentials.self, from: request)
        return try JSONIO.response(try await issue(for: try await authenticate(body, request: request, context: context)))
    }

    /// Validates and stores a new account (open registration, every register route).
    func createAccount(_ body: Credentials, request: Request, context: AppRequestContext) async throws -> UserRecord {
        try await limits.checkAddress(request, context: context)
        let email = try Self.validatedEmail(body.email)
        try Self.validatePassword(body.password, email: email)
        let user = UserRecord(
            id: UUID().uuidString.lowercased(), email: email, passwordHash: try await hasher.hash(body.password),
            createdAt: .now)
        do {
            try await users.createUser(user)
        } catch let error as StorageError where error.code == .conflict {
            await limits.failed(request, context: context)   // probing which emails exist
            throw APIError(.conflict, code: "email_taken", message: "An account with this email already exists.")
        }
        context.logger.info("user registered", metadata: ["user_id": .string(user.id)])
        return user
    }

    /// The account whose password this is (both login routes); failures count against the
    /// address and the account.
    func authenticate(_ body: Credentials, request: Request, context: AppRequestContext) async throws -> UserRecord {
        try await limits.checkAddress(request, context: context)
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        try await limits.checkAccount(email, context: context)
        let user = try await users.user(email: email)
        guard try await hasher.verify(body.password, hash: user?.passwordHash), let user else {
            await limits.failed(request, context: context, account: email)
            throw APIError.unauthorized("The email or password is incorrect.", code: "invalid_credentials")
        }
        await limits.succeeded(account: email)
        return user
    }

    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await limits.checkAddress(request, context: context)
        let body = try await JSONIO.decode(RefreshRequest.self, from: request)
        let invalid = APIError.unauthorized("The refresh token is invalid, expired or revoked.", code: "invalid_refresh_token")
        guard let record = try await users.refreshToken(hash: TokenService.hash(refreshToken: body.refreshToken)) else {
            await limits.failed(request, context: context)
            throw invalid
        }
        if record.revokedAt != nil {
            // A token already traded (or signed out) comes back: whoever holds the sign-in's newer
            // token may not be its owner, so the whole sign-in ends, its access tokens included.
            let revoked = try await users.revokeRefreshFamily(record.family, at: .now)
            await sessions.end(session: record.family, lifetime: tokens.accessLifetime)
            context.logger.warning("refresh token replayed: sign-in ended", metadata: [
                "user_id": .string(record.userId), "revoked": .stringConvertible(revoked)])
            await limits.failed(request, context: context)
            throw invalid
        }
        guard record.expiresAt > .now, try await users.revokeRefreshToken(id: record.id, at: .now),
              let user = try await users.user(id: record.userId) else {
            await limits.failed(request, context: context)
            throw invalid
        }
        return try JSONIO.response(try await issue(for: user, session: record.family))
    }

    /// Ends this sign-in: the refresh token's family and every access token of it, the one
    /// presented included.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let userId = try context.requireUser()
        let body = try await JSONIO.decode(RefreshRequest.self, from: request)
        if let record = try await users.refreshToken(hash: TokenService.hash(refreshToken: body.refreshToken)),
           record.userId == userId {
            try await users.revokeRefreshFamily(record.family, at: .now)
            await sessions.end(session: record.family, lifetime: tokens.accessLifetime)
        }
        if let presented = request.headers[.authorization]?.split(separator: " ", maxSplits: 1).last,
           let token = await tokens.accessToken(String(presented)) {
            await sessions.revoke(token)
        }
        return Response(status: .noContent)
    }

    /// A new token pair for `user`: a new sign-in, or the next tokens of `session` (a refresh).
    func issue(for user: UserRecord, session: String? = nil) async throws -> TokenResponse {
        let id = UUID().uuidString.lowercased()
        let family = session ?? id
        // Read from the database, not the cache: a token must never be issued in an ended generation.
        let generation = try await sessions.currentGeneration(of: user.id) ?? 0
        let access = try await tokens.issueAccessToken(userId: user.id, generation: generation, session: family)
        let refresh = TokenService.makeRefreshToken()
        try await users.saveRefreshToken(RefreshTokenRecord(
            id: id, userId: user.id, tokenHash: refresh.hash,
            expiresAt: Date.now.addingTimeInterval(tokens.refreshLifetime.seconds), createdAt: .now, familyId: family))
        return TokenResponse(
            accessToken: access, refreshToken: refresh.token, expiresIn: Int(tokens.accessLifetime.seconds),
            user: UserDTO(id: user.id, email: user.email, createdAt: user.createdAt))
    }

    static func validatedEmail(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: { $0.isWhitespace }) else {
            throw APIError.validation("Enter a valid email address.", field: "email")
        }
        return email
    }

    /// `PasswordPolicy`: long enough, not too long for bcrypt, not among the commonest, not the email.
    static func validatePassword(_ password: String, email: String? = nil) throws {
        try PasswordPolicy.validate(password, email: email)
    }
}
