import DocuThinkerCore
import Foundation
import Logging
import Storage
import WebAuthn

/// Sends a person a message (today: a password-reset link). Small on purpose, so an SMTP or SES
/// mailer can replace the default without touching the routes.
public protocol Mailer: Sendable {
    func send(_ mail: MailRecord) async throws
}

/// The default mailer: keeps the message in the store's outbox table (shared by every `api`
/// process) and writes it to the log, where the operator of a self-hosted DocuThinker reads it.
struct OutboxMailer: Mailer {
    let outbox: any OutboxRepository
    let logger: Logger

    func send(_ mail: MailRecord) async throws {
        try await outbox.enqueueMail(mail)
        logger.notice("mail to \(mail.recipient): \(mail.subject)\n\(mail.body)", metadata: ["mail_id": .string(mail.id)])
    }
}

/// How the public API mails people: the mailer and the address the links point at.
struct AccountMail: Sendable {
    var mailer: any Mailer
    var publicURL: String
    /// The passkeys' relying party (its id and the origins ceremonies may come from).
    var relyingParty: RelyingParty
    /// Whether registering signs in at once or first mails a link.
    var registration: RegistrationMode = .open
}

/// One-time password-reset links: the token is stored as its SHA-256, valid for `lifetime`, and
/// the link points at the web client's reset page under `baseURL` (`DOCUTHINKER_PUBLIC_URL`,
/// never the request's Host header, which a caller chooses).
struct PasswordResetLinks: Sendable {
    let accounts: any AccountRepository
    let baseURL: String
    var lifetime: Duration = .seconds(3600)

    /// Stores a new reset for the user and returns the link that carries its token.
    func link(for user: UserRecord) async throws -> String {
        let token = TokenService.makeRefreshToken()
        try await accounts.savePasswordReset(PasswordResetRecord(
            id: UUID().uuidString.lowercased(), userId: user.id, tokenHash: token.hash,
            expiresAt: Date.now.addingTimeInterval(lifetime.seconds), createdAt: .now))
        return publicLink("/reset-password?token=" + token.token)
    }

    /// `path` (which starts with `/`) under the public URL, however that URL ends.
    func publicLink(_ path: String) -> String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + path
    }

    /// The message that carries a reset link.
    func mail(for user: UserRecord) async throws -> MailRecord {
        let link = try await link(for: user)
        let minutes = Int(lifetime.seconds / 60)
        return MailRecord(
            id: UUID().uuidString.lowercased(), recipient: user.email, subject: "Reset your DocuThinker password",
            body: """
                Someone asked to reset the password of your DocuThinker account (\(user.email)).
                Open this link within \(minutes) minutes to choose a new password; it works once:

                \(link)

                If you did not ask for this, ignore this message: your password stays as it is.
                """,
            createdAt: .now)
    }
}
