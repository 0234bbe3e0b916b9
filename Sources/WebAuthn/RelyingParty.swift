import Crypto
import Foundation

/// The relying party's side of WebAuthn registration and assertion (WebAuthn Level 2 §7.1, §7.2)
/// for ES256 credentials with `none` attestation: client data (type, challenge, origin), the RP
/// ID hash, user presence, the attested key and the assertion signature. Counters are compared
/// by the caller, which holds the stored value.
public struct RelyingParty: Sendable {
    /// The RP ID: the site's registrable domain (`localhost` in development).
    public var id: String
    public var name: String
    /// Origins a ceremony may come from (`https://docs.example.org`, `http://localhost:8080`).
    public var origins: [String]

    public init(id: String, name: String, origins: [String]) {
        self.id = id.lowercased()
        self.name = name
        self.origins = origins
    }

    /// What a registration proved: the new credential and its key.
    public struct Registration: Sendable {
        public var credentialId: [UInt8]
        public var publicKey: COSEKey
        public var signCount: UInt32
        public var userVerified: Bool
        public var backupEligible: Bool
        public var backedUp: Bool
    }

    /// What an assertion proved.
    public struct Assertion: Sendable {
        public var signCount: UInt32
        public var userVerified: Bool
        public var backedUp: Bool
    }

    /// Checks `navigator.credentials.create()`'s answer against the challenge this server issued.
    public func verifyRegistration(clientDataJSON: [UInt8], attestationObject: [UInt8], challenge: [UInt8]) throws -> Registration {
        try checkClientData(clientDataJSON, type: "webauthn.create", challenge: challenge)
        let attestation: CBOR
        do {
            attestation = try CBORDecoder.decodeWhole(attestationObject)
        } catch {
            throw WebAuthnError.invalid("The attestation object is not valid CBOR.")
        }
        guard let format = attestation[.text("fmt")]?.text, let authData = attestation[.text("authData")]?.bytes else {
            throw WebAuthnError.invalid("The attestation object lacks fmt or authData.")
        }
        // DocuThinker asks for no attestation: the authenticator's make and model are not checked.
        guard format == "none" else { throw WebAuthnError.invalid("Attestation format '\(format)' is not accepted; DocuThinker asks for 'none'.") }
        let data = try AuthenticatorData(authData)
        try checkAuthenticatorData(data)
        guard let credential = data.credential else { throw WebAuthnError.invalid("The response carries no credential.") }
        return Registration(credentialId: credential.id, publicKey: try COSEKey(credential.publicKey), signCount: data.signCount,
                            userVerified: data.userVerified, backupEligible: data.backupEligible, backedUp: data.backedUp)
    }

    /// Checks `navigator.credentials.get()`'s answer: the signature over the authenticator data
    /// and the client data's hash, with the credential's stored key.
    public func verifyAssertion(clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], challenge: [UInt8],
                                publicKey: COSEKey) throws -> Assertion {
        try checkClientData(clientDataJSON, type: "webauthn.get", challenge: challenge)
        let data = try AuthenticatorData(authenticatorData)
        try checkAuthenticatorData(data)
        let signed = authenticatorData + Array(SHA256.hash(data: clientDataJSON))
        guard let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature),
              try publicKey.publicKey().isValidSignature(ecdsa, for: signed) else {
            throw WebAuthnError.rejected("The passkey's signature does not verify.")
        }
        return Assertion(signCount: data.signCount, userVerified: data.userVerified, backedUp: data.backedUp)
    }

    private func checkClientData(_ json: [UInt8], type: String, challenge: [UInt8]) throws {
        struct ClientData: Decodable { var type: String; var challenge: String; var origin: String; var crossOrigin: Bool? }
        guard let client = try? JSONDecoder().decode(ClientData.self, from: Data(json)) else {
            throw WebAuthnError.invalid("The client data is not valid JSON.")
        }
        guard client.type == type else { throw WebAuthnError.invalid("The client data is for '\(client.type)', not '\(type)'.") }
        guard let sent = Base64URL.decode(client.challenge), sent == challenge else {
            throw WebAuthnError.invalid("The response answers another challenge.")
        }
        // Host names compare without case (browsers send them in lower case).
        guard origins.contains(where: { $0.lowercased() == client.origin.lowercased() }) else { throw WebAuthnError.invalid("The origin \(client.origin) is not allowed.") }
        guard client.crossOrigin != true else { throw WebAuthnError.invalid("Cross-origin ceremonies are not accepted.") }
    }

    private func checkAuthenticatorData(_ data: AuthenticatorData) throws {
        guard data.rpIdHash == Array(SHA256.hash(data: Data(id.utf8))) else {
            throw WebAuthnError.invalid("The credential belongs to another site than \(id).")
        }
        guard data.userPresent else { throw WebAuthnError.invalid("The authenticator did not confirm the user was present.") }
    }
}
