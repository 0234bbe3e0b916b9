import StoreEngines
import DocuThinkerCore
import Foundation
import Hummingbird
import Logging
import ServerSupport
import Storage

/// Password change (signed in) and password reset with one-time tokens.
///
/// A reset request mails a one-time link (`…/reset-password?token=…`, valid for an hour) through
/// the configured `Mailer` — by default the outbox table and the log, where the operator of a
/// self-hosted DocuThinker finds it; `docuthinker reset-link --email …` prints one directly. The
/// request is answered the same way whether or not the account exists.
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

    static let invalidResetToken = APIError(.badRequest, code: "invalid_reset_token",
                                            message: "This reset link is invalid, expired or already used. Ask for a new one.")

    struct ResetRequested: Encodable {
        var status = "requested"
        var message = "If an account with this email exists, a link to reset its password is on its way."
    }

    /// `POST /v1/me/password`: checks the current password, stores the new one, ends every session
    /// and API key (`setPassword`) and answers a fresh token pair for this one.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(PasswordChange.self, from: request)
        let user = try await users.signedInUser(context)
        try await limits.checkAccount(user.email, context: context)
        guard try await hasher.verify(body.currentPassword, hash: user.passwordHash) else {
            await limits.failed(request, context: context, account: user.email)
            throw APIError.validation("The current password is incorrect.", field: "currentPassword")
        }
        try Self.validatePassword(body.newPassword, email: user.email)
        try await setPassword(userId: user.id, to: body.newPassword)
        context.logger.info("password changed", metadata: ["user_id": .string(user.id)])
        return try JSONIO.response(try await issue(for: user))
    }

    /// Stores a new password and ends every way into the account (refresh tokens, API keys, and
    /// through the session generation every access token issued before), for every process at once.
    func setPassword(userId: String, to password: String) async throws {
        try await users.updatePassword(userId: userId, passwordHash: try await hasher.hash(password), at: .now)
        try await sessions.currentGeneration(of: userId)
    }

    /// `POST /v1/auth/password-reset`: 202 whatever the email (no account enumeration).
    @Sendable func requestPasswordReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await limits.countAddress(request, context: context)
        let body = try await JSONIO.decode(ResetRequest.self, from: request)
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        try await sendResetLink(email: email, context: context)
        return try JSONIO.response(ResetRequested(), status: .accepted)
    }

    /// Mails a reset link when an account has this email; counts the request against the account's
    /// limit so nobody floods a person's mailbox.
    func sendResetLink(email: String, context: AppRequestContext) async throws {
        // Counted whether or not the account exists, so a 429 tells nothing about existence.
        try await limits.countAccount(email, context: context)
        guard let user = try await users.user(email: email) else { return }
        try await mailer.send(try await resets.mail(for: user))
        context.logger.info("password reset link sent", metadata: ["user_id": .string(user.id)])
    }

    /// Sets a new password with a reset token (once) and ends every session; false when the
    /// token is invalid, used or expired.
    func resetPassword(token: String, to password: String, context: AppRequestContext) async throws -> Bool {
        guard let userId = try await users.consumePasswordReset(tokenHash: TokenService.hash(refreshToken: token), at: .now) else {
            return false
        }
        try await setPassword(userId: userId, to: password)
        context.logger.info("password reset", metadata: ["user_id": .string(userId)])
        return true
    }

    /// `POST /v1/auth/password-reset/confirm`: a valid token sets the new password once and ends all sessions.
    @Sendable func confirmPasswordReset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await limits.checkAddress(request, context: context)
        let body = try await JSONIO.decode(ResetConfirmation.self, from: request)
        try Self.validatePassword(body.password)
        guard try await resetPassword(token: body.token, to: body.password, context: context) else {
            await limits.failed(request, context: context)
            throw Self.invalidResetToken
        }
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
    return try await PasswordResetLinks(accounts: store, baseURL: baseURL, lifetime: lifetime).link(for: user)
}
