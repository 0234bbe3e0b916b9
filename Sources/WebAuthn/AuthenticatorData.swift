import Foundation

/// Authenticator data (WebAuthn §6.1): the RP ID hash, flags, signature counter and, at
/// registration, the attested credential (AAGUID, credential id, COSE public key).
public struct AuthenticatorData: Sendable {
    public var rpIdHash: [UInt8]
    public var flags: UInt8
    public var signCount: UInt32
    public var credential: AttestedCredential?

    public struct AttestedCredential: Sendable {
        public var aaguid: [UInt8]
        public var id: [UInt8]
        public var publicKey: CBOR
    }

    public var userPresent: Bool { flags & 0x01 != 0 }
    public var userVerified: Bool { flags & 0x04 != 0 }
    /// Backup eligible: a passkey that can be synced (a "multi-device" credential).
    public var backupEligible: Bool { flags & 0x08 != 0 }
    public var backedUp: Bool { flags & 0x10 != 0 }
    var hasAttestedCredential: Bool { flags & 0x40 != 0 }

    public init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 37 else { throw WebAuthnError.invalid("The authenticator data is too short.") }
        rpIdHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        guard flags & 0x40 != 0 else {
            credential = nil
            return
        }
        guard bytes.count >= 55 else { throw WebAuthnError.invalid("The attested credential data is too short.") }
        let length = Int(bytes[53]) << 8 | Int(bytes[54])
        guard length > 0, length <= 1023, bytes.count >= 55 + length else { throw WebAuthnError.invalid("The credential id has a bad length.") }
        let key = try CBORDecoder.decode(bytes, from: 55 + length).value
        credential = AttestedCredential(aaguid: Array(bytes[37..<53]), id: Array(bytes[55..<55 + length]), publicKey: key)
    }
}

/// Why a WebAuthn ceremony was refused.
public enum WebAuthnError: Error, Equatable, Sendable {
    /// The response is malformed or does not match the ceremony (a 400).
    case invalid(String)
    /// The signature, key or counter is wrong (a 401 at sign-in).
    case rejected(String)
}
