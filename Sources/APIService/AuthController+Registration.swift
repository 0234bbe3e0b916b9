import DocuThinkerCore
import Foundation
import Hummingbird
import Logging
import ServerSupport
import Storage

/// How new accounts are made (`DOCUTHINKER_REGISTRATION`).
public enum RegistrationMode: String, Sendable, CaseIterable {
    /// Registering signs in at once; an email that already has an account is answered
    /// `409 email_taken`. The default when the server listens on loopback only (a laptop), where
    /// nobody else can ask.
    case open
    /// Registering mails a link that finishes it, and every registration is answered the same way
    /// (`202`), whether or not the email has an account: registration reveals nothing about who
    /// has one. The default when the server listens on any other address.
    case confirmEmail = "confirm-email"

    /// The mode `DOCUTHINKER_REGISTRATION` names, or the default for the address the server binds.
    static func resolve(_ configured: String?, host: String) -> RegistrationMode {
        if let configured, let mode = RegistrationMode(rawValue: configured.lowercased()) { return mode }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        return loopback ? .open : .confirmEmail
    }
}

/// Registration in both modes, and the confirmation of a mailed sign-up link.
extension AuthController {
    /// What a registration did: made the account (open registration), or mailed a link.
    enum SignUp {
        case created(UserRecord)
        case confirmationSent
    }

    /// The answer to every registration when emails are confirmed (the same for taken emails).
    struct ConfirmationSent: Encodable {
        var status = "confirmation_sent"
        var message = "A link to finish creating the account is on its way to this address; it works for 24 hours. "
            + "Where this server sends no email, the person who runs it finds the link in its log."
    }

    struct SignupConfirmation: Decodable {
        var token: String
    }

    /// How long a sign-up link works.
    static let signupLinkLifetime: Duration = .seconds(86_400)

    static let invalidSignupToken = APIError(.badRequest, code: "invalid_signup_token",
                                             message: "This sign-up link is invalid or expired. Register again for a new one.")

    /// Registers `body` in the server's mode (every register route: REST, legacy, GraphQL).
    func signUp(_ body: Credentials, request: Request, context: AppRequestContext) async throws -> SignUp {
        switch registration {
        case .open:
            return .created(try await createAccount(body, request: request, context: context))
        case .confirmEmail:
            try await mailSignupLink(body, request: request, context: context)
            return .confirmationSent
        }
    }

    /// Checks the email and password, then mails either a link that finishes the sign-up or, when
    /// the email has an account, a note saying so. Both paths hash the password, send one message
    /// and count against the same limits, so neither the answer, its timing nor a 429 tells them apart.
    func mailSignupLink(_ body: Credentials, request: Request, context: AppRequestContext) async throws {
        try await limits.countAddress(request, context: context)
        let email = try Self.validatedEmail(body.email)
        try Self.validatePassword(body.password, email: email)
        // Counted whether or not the account exists (nobody floods a person's inbox).
        try await limits.countAccount(email, context: context)
        let hash = try await hasher.hash(body.password)
        let mail: MailRecord
        if try await users.user(email: email) != nil {
            mail = MailRecord(
                id: UUID().uuidString.lowercased(), recipient: email, subject: "You already have a DocuThinker account",
                body: """
                    Someone asked to create a DocuThinker account for \(email), which already has one.
                    If it was you, sign in at \(resets.baseURL), or reset your password there if you forgot it.
                    If it was not you, ignore this message: nothing has changed.
                    """,
                createdAt: .now)
        } else {
            let token = try tokens.signups.seal(email: email, passwordHash: hash, lifetime: Self.signupLinkLifetime)
            mail = MailRecord(
                id: UUID().uuidString.lowercased(), recipient: email, subject: "Finish creating your DocuThinker account",
                body: """
                    Someone asked to create a DocuThinker account for \(email).
                    Open this link within 24 hours to finish; you are then signed in:

                    \(resets.publicLink("/?signup=" + token))

                    If it was not you, ignore this message: no account is made.
                    """,
                createdAt: .now)
        }
        try await mailer.send(mail)
    }

    /// `POST /v1/auth/register/confirm`: a mailed link's token makes the account and signs in (201,
    /// the token pair). Whoever holds it reads that address's mail, so a taken email may be said.
    @Sendable func confirmSignup(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await limits.checkAddress(request, context: context)
        let body = try await JSONIO.decode(SignupConfirmation.self, from: request)
        guard let signup = tokens.signups.open(body.token) else {
            await limits.failed(request, context: context)
            throw Self.invalidSignupToken
        }
        let user = UserRecord(id: UUID().uuidString.lowercased(), email: signup.email, passwordHash: signup.passwordHash, createdAt: .now)
        do {
            try await users.createUser(user)
        } catch let error as StorageError where error.code == .conflict {
            throw APIError(.conflict, code: "email_taken", message: "This email has an account now: sign in instead.")
        }
        context.logger.info("user registered (email confirmed)", metadata: ["user_id": .string(user.id)])
        return try JSONIO.response(try await issue(for: user), status: .created)
    }
}
