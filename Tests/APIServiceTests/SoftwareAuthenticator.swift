import Crypto
import Foundation
import WebAuthn

/// A WebAuthn authenticator in software, for the tests: a P-256 key, a credential id and a
/// signature counter; it answers `create()` and `get()` options as a browser with a platform
/// authenticator does (`none` attestation, DER ECDSA signatures over authData || SHA-256(clientData)).
struct SoftwareAuthenticator {
    let key = P256.Signing.PrivateKey()
    let credentialId: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    var counter: UInt32 = 0
    var rpId = "localhost"
    var origin = "http://localhost:8080"
    /// Synced passkeys (backup eligible and backed up), as a password manager's.
    var synced = true

    var id: String { Base64URL.encode(credentialId) }

    func clientData(type: String, challenge: String, origin: String? = nil) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin ?? self.origin)","crossOrigin":false}"#.utf8)
    }

    func authenticatorData(counter: UInt32, attested: Bool, rpId: String? = nil) -> [UInt8] {
        var flags: UInt8 = 0x01 | 0x04   // user present, verified
        if synced { flags |= 0x08 | 0x10 }
        if attested { flags |= 0x40 }
        var data = Array(SHA256.hash(data: Data((rpId ?? self.rpId).utf8))) + [flags]
        data += [UInt8(counter >> 24), UInt8(counter >> 16 & 0xff), UInt8(counter >> 8 & 0xff), UInt8(counter & 0xff)]
        if attested {
            data += [UInt8](repeating: 0, count: 16) + [UInt8(credentialId.count >> 8), UInt8(credentialId.count & 0xff)] + credentialId
            data += CBOREncoder.encode(COSEKey.cbor(key.publicKey))
        }
        return data
    }

    /// `navigator.credentials.create()`'s answer to registration options (their `challenge`).
    func register(challenge: String, origin: String? = nil, format: String = "none") -> [String: Any] {
        let attestation = CBOREncoder.encode(.map([
            .text("fmt"): .text(format), .text("attStmt"): .map([:]), .text("authData"): .bytes(authenticatorData(counter: counter, attested: true)),
        ]))
        return ["id": id, "rawId": id, "type": "public-key", "response": [
            "clientDataJSON": Base64URL.encode(clientData(type: "webauthn.create", challenge: challenge, origin: origin)),
            "attestationObject": Base64URL.encode(attestation), "transports": ["internal", "hybrid"],
        ]]
    }

    /// `navigator.credentials.get()`'s answer: the counter grows first, as a real authenticator's.
    mutating func assert(challenge: String, userId: String, counter next: UInt32? = nil, origin: String? = nil, rpId: String? = nil,
                         signWith other: P256.Signing.PrivateKey? = nil) throws -> [String: Any] {
        counter = next ?? counter + 1
        let data = authenticatorData(counter: counter, attested: false, rpId: rpId)
        let client = clientData(type: "webauthn.get", challenge: challenge, origin: origin)
        let signature = try (other ?? key).signature(for: data + Array(SHA256.hash(data: client))).derRepresentation
        return ["id": id, "rawId": id, "type": "public-key", "response": [
            "clientDataJSON": Base64URL.encode(client), "authenticatorData": Base64URL.encode(data),
            "signature": Base64URL.encode(signature), "userHandle": Base64URL.encode(Array(userId.utf8)),
        ]]
    }
}
