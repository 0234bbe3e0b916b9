import Crypto
import DocuThinkerCore
import Foundation
import WebAuthn

/// The confirmation link of a sign-up that waits for its email to be confirmed
/// (`DOCUTHINKER_REGISTRATION=confirm-email`): the email and the password's hash travel inside the
/// link, sealed with AES-GCM under a key derived from the JWT secret, so nothing is stored until
/// the link comes back and nobody can read or forge one. Keys from `JWT_PREVIOUS_SECRETS` still
/// open links sealed before a rotation.
struct SignupSeal: Sendable {
    /// What a link carries.
    struct Signup: Codable, Equatable, Sendable {
        var email: String
        var passwordHash: String
        /// Seconds since 1970 after which the link no longer works.
        var expires: Double
    }

    private let keys: [SymmetricKey]

    /// Seals with a key derived from `secret`; opens with it and with those of `previousSecrets`.
    init(secret: String, previousSecrets: [String] = []) {
        keys = ([secret] + previousSecrets.filter { $0 != secret }).map { secret in
            HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)),
                                   info: Data("docuthinker sign-up confirmation v1".utf8), outputByteCount: 32)
        }
    }

    /// A link token (base64url) for this sign-up, valid for `lifetime`.
    func seal(email: String, passwordHash: String, lifetime: Duration, now: Date = .now) throws -> String {
        let signup = Signup(email: email, passwordHash: passwordHash, expires: now.addingTimeInterval(lifetime.seconds).timeIntervalSince1970)
        let sealed = try AES.GCM.seal(try JSONEncoder().encode(signup), using: keys[0])
        guard let combined = sealed.combined else { throw CryptoKitError.incorrectParameterSize }
        return Base64URL.encode(combined)
    }

    /// The sign-up in an unexpired token this server sealed, or nil.
    func open(_ token: String, now: Date = .now) -> Signup? {
        guard token.utf8.count <= 4096 else { return nil }
        guard let data = Base64URL.decode(token), let box = try? AES.GCM.SealedBox(combined: data) else { return nil }
        for key in keys {
            guard let plain = try? AES.GCM.open(box, using: key) else { continue }
            guard let signup = try? JSONDecoder().decode(Signup.self, from: plain), signup.expires > now.timeIntervalSince1970 else { return nil }
            return signup
        }
        return nil
    }
}
