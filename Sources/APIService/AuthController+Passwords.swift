import StoreEngines
import DocuThinkerCore
import Foundation
import Hummingbird
import Logging
import ServerSupport
import Storage

/// Password change (signed in) and password reset with one-time tokens.
///
/// DocuThinker sends no mail, so a reset link is made by the operator: `docuthinker reset-link
/// --email …` prints `…/reset-password?token=…` (valid for an hour, usable once). A request made
/// from the web page is answered the same way whether or not the account exists, and is logged
/// for the operator with the user id, never a token.
extension AuthController {
    struct PasswordChange: Decodable {
        var currentPassword: String
        var newPassword: String
    }

    struct ResetRequest: Decodable {
        var email: String
    }

    struct ResetConfirmation: Decodable {
        var token: String
        var password: String
    }

    struct ResetRequested: Encodable {
        var status = "requested"
        var message = "If an account with this email exists, the administrator of this DocuThinker can create a reset link for it."
    }

    /// `POST /v1/me/password`: checks the current password, stores the new one, ends every other
    /// session (refresh tokens revoked) and answers a fresh token pair for this one.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(PasswordChange.self, from: request)
        let user = try await users.signedInUser(context)
        try await limits.checkAccount(user.email, context: context)
        guard try await hasher.verify(body.currentPassword, hash: user.passwordHash) else {
            await limits.failed(request, context: context, account: user.email)
            throw APIError.validation("The current password is incorrect.", field: "currentPassword")
        }
        try Self.validatePassword(body.newPassword)
        try await users.updatePassword(userId: user.id, passwordHash: try await hasher.hash(body.newPassword), at: .now)
        context.logger.info("password changed", metadata: ["user_id": .string(user.id)])
        return try JSONIO.response(try await issue(for: user))
    }

    /// `POST /v1/auth/password-reset`: 202 whatever the email (no account enumeration).
    @Sendable func requestPasswordReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await limits.countAddress(request, context: context)
        let body = try await JSONIO.decode(ResetRequest.self, from: request)
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        if let user = try await users.user(email: email) {
            context.logger.notice("password reset requested; create a link with: docuthinker reset-link --email <the user's email>",
                                  metadata: ["user_id": .string(user.id)])
        }
        return try JSONIO.response(ResetRequested(), status: .accepted)
    }

    /// `POST /v1/auth/password-reset/confirm`: a valid token sets the new password once and ends all sessions.
    @Sendable func confirmPasswordReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await limits.checkAddress(request, context: context)
        let body = try await JSONIO.decode(ResetConfirmation.self, from: request)
        try Self.validatePassword(body.password)
        guard let userId = try await users.consumePasswordReset(tokenHash: TokenService.hash(refreshToken: body.token), at: .now) else {
            await limits.failed(request, context: context)
            throw APIError(.badRequest, code: "invalid_reset_token",
                           message: "This reset link is invalid, expired or already used. Ask for a new one.")
        }
        try await users.updatePassword(userId: userId, passwordHash: try await hasher.hash(body.password), at: .now)
        context.logger.info("password reset", metadata: ["user_id": .string(userId)])
        return Response(status: .noContent)
    }
}

/// `docuthinker reset-link`: a one-time reset link for the account with this email.
public func makePasswordResetLink(email: String, baseURL: String, configuration: AppConfiguration,
                                  lifetime: Duration = .seconds(3600)) async throws -> String {
    let store = try await migratedStores(configuration).database
    guard let user = try await store.user(email: email.trimmingCharacters(in: .whitespaces).lowercased()) else {
        throw StartupError(description: "No account has the email \(email).")
    }
    let token = TokenService.makeRefreshToken()
    try await store.savePasswordReset(PasswordResetRecord(
        id: UUID().uuidString.lowercased(), userId: user.id, tokenHash: token.hash,
        expiresAt: Date.now.addingTimeInterval(lifetime.seconds), createdAt: .now))
    let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    return base + "/reset-password?token=" + token.token
}
