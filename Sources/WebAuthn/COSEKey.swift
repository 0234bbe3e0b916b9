import Crypto
import Foundation

/// A credential public key in COSE form (RFC 9053), as authenticators send it. ES256 (ECDSA on
/// P-256 with SHA-256, COSE `alg` -7) is what DocuThinker asks for and accepts.
public struct COSEKey: Sendable {
    /// The uncompressed point `04 || x || y`, how the key is stored.
    public let x963: [UInt8]

    public static let es256: Int64 = -7

    public init(_ key: CBOR) throws {
        guard key[.int(1)]?.int == 2 else { throw WebAuthnError.invalid("The credential key is not an elliptic-curve key.") }
        guard key[.int(3)]?.int == Self.es256 else { throw WebAuthnError.invalid("The credential key is not ES256.") }
        guard key[.int(-1)]?.int == 1 else { throw WebAuthnError.invalid("The credential key is not on P-256.") }
        guard let x = key[.int(-2)]?.bytes, let y = key[.int(-3)]?.bytes, x.count == 32, y.count == 32 else {
            throw WebAuthnError.invalid("The credential key's coordinates are malformed.")
        }
        x963 = [0x04] + x + y
        // Not on the curve: refused now rather than at every sign-in.
        _ = try publicKey()
    }

    public init(x963: [UInt8]) {
        self.x963 = x963
    }

    public func publicKey() throws -> P256.Signing.PublicKey {
        do {
            return try P256.Signing.PublicKey(x963Representation: x963)
        } catch {
            throw WebAuthnError.invalid("The credential key is not a point on P-256.")
        }
    }

    /// The COSE form of a P-256 key (the tests' software authenticator sends its key this way).
    public static func cbor(_ key: P256.Signing.PublicKey) -> CBOR {
        let raw = Array(key.x963Representation)
        return .map([.int(1): .int(2), .int(3): .int(es256), .int(-1): .int(1), .int(-2): .bytes(Array(raw[1..<33])), .int(-3): .bytes(Array(raw[33..<65]))])
    }
}
