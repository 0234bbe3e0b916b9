import APIService
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WebAuthn

/// Passkeys end to end with a software authenticator that signs like a real one.
@Suite("Passkeys")
struct PasskeyTests {
    typealias Call = LegacyRouteTests

    /// Registers the authenticator's passkey for the session's user; returns the verify answer.
    static func register(_ client: some TestClientProtocol, _ authenticator: SoftwareAuthenticator, session: Session, name: String? = nil,
                         origin: String? = nil) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        let options = try #require(try await Call.call(client, .post, "/passkey/register/options", [:], session: session).json as? [String: Any])
        let flowId = try #require(options["flowId"] as? String)
        let challenge = try #require((options["options"] as? [String: Any])?["challenge"] as? String)
        var body: [String: Any] = ["flowId": flowId, "response": authenticator.register(challenge: challenge, origin: origin)]
        if let name { body["name"] = name }
        let verified = try await Call.call(client, .post, "/passkey/register/verify", body, session: session)
        return (verified.status, verified.json as? [String: Any] ?? [:])
    }

    /// New sign-in options: the flow id and challenge.
    static func signInOptions(_ client: some TestClientProtocol, email: String? = nil) async throws -> (flowId: String, challenge: String, options: [String: Any]) {
        let answer = try #require(try await Call.call(client, .post, "/passkey/authenticate/options", email.map { ["email": $0] } ?? [:]).json as? [String: Any])
        let options = try #require(answer["options"] as? [String: Any])
        return (try #require(answer["flowId"] as? String), try #require(options["challenge"] as? String), options)
    }

    @Test func registrationAndSignInWorkEndToEnd() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            #expect(try await Call.call(client, .post, "/passkey/register/options", [:]).status == .unauthorized)
            let options = try #require(try await Call.call(client, .post, "/passkey/register/options", ["userId": ada.id], session: ada).json as? [String: Any])
            let creation = try #require(options["options"] as? [String: Any])
            #expect((creation["rp"] as? [String: Any])?["id"] as? String == "localhost")
            #expect((creation["user"] as? [String: Any])?["name"] as? String == "ada@example.com")
            #expect((creation["pubKeyCredParams"] as? [[String: Any]])?.first?["alg"] as? Int == -7)
            #expect(creation["attestation"] as? String == "none")
            #expect((creation["authenticatorSelection"] as? [String: Any])?["residentKey"] as? String == "required", "discoverable")
            #expect(Base64URL.decode(try #require(creation["challenge"] as? String))?.count == 32)

            var authenticator = SoftwareAuthenticator()
            let registered = try await Self.register(client, authenticator, session: ada, name: "  Ada's laptop  ")
            #expect(registered.status == .created, "\(registered.json)")
            let passkey = try #require(registered.json["passkey"] as? [String: Any])
            #expect(passkey["id"] as? String == authenticator.id)
            #expect(passkey["name"] as? String == "Ada's laptop")
            #expect(passkey["deviceType"] as? String == "multiDevice")
            #expect(passkey["backedUp"] as? Bool == true)
            #expect(passkey["transports"] as? [String] == ["internal", "hybrid"])
            #expect(passkey["publicKey"] == nil, "the key is never sent back")

            // Sign in with the discoverable credential (no email): a session that works.
            let flow = try await Self.signInOptions(client)
            #expect((flow.options["allowCredentials"] as? [Any])?.isEmpty == true)
            #expect(flow.options["rpId"] as? String == "localhost")
            let response = try authenticator.assert(challenge: flow.challenge, userId: ada.id)
            let signedIn = try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": flow.flowId, "response": response])
            #expect(signedIn.status == .ok, "\(String(describing: signedIn.json))")
            let answer = try #require(signedIn.json as? [String: Any])
            #expect(answer["userId"] as? String == ada.id)
            #expect(answer["email"] as? String == "ada@example.com")
            let token = try #require(answer["customToken"] as? String)
            #expect(answer["accessToken"] as? String == token)
            let me = Session(id: ada.id, email: ada.email, accessToken: token, refreshToken: "")
            #expect(try await Call.call(client, .get, "/v1/me", session: me).status == .ok)

            let listed = try #require((try await Call.call(client, .get, "/passkeys/\(ada.id)", session: ada).json as? [String: Any])?["passkeys"] as? [[String: Any]])
            #expect(listed.first?["lastUsedAt"] is String, "the sign-in is recorded")

            // With an email, the options name that account's passkeys.
            let scoped = try await Self.signInOptions(client, email: "ADA@example.com")
            #expect((scoped.options["allowCredentials"] as? [[String: Any]])?.map { $0["id"] as? String } == [authenticator.id])
            #expect((try await Self.signInOptions(client, email: "nobody@example.com").options["allowCredentials"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func replayedOrClonedAssertionsAreRefused() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            var authenticator = SoftwareAuthenticator()
            authenticator.counter = 5
            #expect(try await Self.register(client, authenticator, session: ada).status == .created)

            let flow = try await Self.signInOptions(client)
            let response = try authenticator.assert(challenge: flow.challenge, userId: ada.id)   // counter 6
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": flow.flowId, "response": response]).status == .ok)
            // The same answer again: its flow is used up.
            let replay = try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": flow.flowId, "response": response])
            #expect(replay.status == .badRequest)
            #expect(((replay.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "invalid_passkey_session")
            // The same answer on a new flow: it signed another challenge.
            let second = try await Self.signInOptions(client)
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": second.flowId, "response": response]).status == .badRequest)

            // A clone of the authenticator signs a fresh challenge with a counter that does not grow.
            var clone = authenticator
            let third = try await Self.signInOptions(client)
            let cloned = try clone.assert(challenge: third.challenge, userId: ada.id, counter: 6)
            let refused = try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": third.flowId, "response": cloned])
            #expect(refused.status == .unauthorized)
            #expect(((refused.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "passkey_rejected")
            // The genuine authenticator, whose counter moved on, still signs in.
            let fourth = try await Self.signInOptions(client)
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify",
                                        ["flowId": fourth.flowId, "response": try authenticator.assert(challenge: fourth.challenge, userId: ada.id)]).status == .ok)
        }
    }

    @Test func forgedOrMisdirectedResponsesAreRefused() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            var authenticator = SoftwareAuthenticator()
            #expect(try await Self.register(client, authenticator, session: ada, origin: "https://evil.example").status == .badRequest, "another origin")
            #expect(try await Self.register(client, authenticator, session: ada).status == .created)
            #expect(try await Self.register(client, authenticator, session: ada).status == .conflict, "registered already")
            #expect(try await Self.register(client, authenticator, session: bob).status == .conflict, "one credential, one account")

            // Options of one user cannot be finished by another.
            let options = try #require(try await Call.call(client, .post, "/passkey/register/options", [:], session: ada).json as? [String: Any])
            let challenge = try #require((options["options"] as? [String: Any])?["challenge"] as? String)
            let other = SoftwareAuthenticator()
            #expect(try await Call.call(client, .post, "/passkey/register/verify",
                                        ["flowId": options["flowId"] as Any, "response": other.register(challenge: challenge)], session: bob).status == .badRequest)
            #expect(try await Call.call(client, .post, "/passkey/register/options", ["userId": ada.id], session: bob).status == .notFound)

            var flow = try await Self.signInOptions(client)
            let wrongKey = try authenticator.assert(challenge: flow.challenge, userId: ada.id, signWith: P256.Signing.PrivateKey())
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": flow.flowId, "response": wrongKey]).status == .unauthorized)
            flow = try await Self.signInOptions(client)
            let wrongSite = try authenticator.assert(challenge: flow.challenge, userId: ada.id, rpId: "evil.example")
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": flow.flowId, "response": wrongSite]).status == .badRequest)
            flow = try await Self.signInOptions(client)
            let wrongUser = try authenticator.assert(challenge: flow.challenge, userId: bob.id)
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": flow.flowId, "response": wrongUser]).status == .unauthorized)
            flow = try await Self.signInOptions(client)
            var stranger = SoftwareAuthenticator()
            let unknown = try await Call.call(client, .post, "/passkey/authenticate/verify",
                                              ["flowId": flow.flowId, "response": try stranger.assert(challenge: flow.challenge, userId: ada.id)])
            #expect(unknown.status == .unauthorized)
            #expect(((unknown.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "passkey_unknown")
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify", ["flowId": "made-up", "response": wrongUser]).status == .badRequest)
        }
    }

    @Test func passkeysAreListedRenamedAndDeletedByTheirOwnerOnly() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let first = SoftwareAuthenticator(), second = SoftwareAuthenticator()
            #expect(try await Self.register(client, first, session: ada, name: "Phone").status == .created)
            #expect(try await Self.register(client, second, session: ada).status == .created)
            let listed = try #require((try await Call.call(client, .get, "/passkeys/\(ada.id)", session: ada).json as? [String: Any])?["passkeys"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [second.id, first.id], "newest first")
            #expect(listed.first?["name"] as? String == "Passkey", "the default name")
            #expect(try await Call.call(client, .get, "/passkeys/\(ada.id)", session: bob).status == .notFound)

            let long = String(repeating: "x", count: 80)
            let renamed = try await Call.call(client, .patch, "/passkeys/\(ada.id)/\(first.id)", ["name": " \(long) "], session: ada)
            #expect(((renamed.json as? [String: Any])?["passkey"] as? [String: Any])?["name"] as? String == String(repeating: "x", count: 60))
            #expect(try await Call.call(client, .patch, "/passkeys/\(ada.id)/\(first.id)", ["name": "   "], session: ada).status == .unprocessableContent)
            #expect(try await Call.call(client, .patch, "/passkeys/\(bob.id)/\(first.id)", ["name": "Mine"], session: bob).status == .notFound)
            #expect(try await Call.call(client, .delete, "/passkeys/\(bob.id)/\(first.id)", session: bob).status == .notFound)
            let deleted = try await Call.call(client, .delete, "/passkeys/\(ada.id)/\(first.id)", session: ada)
            #expect((deleted.json as? [String: Any])?["id"] as? String == first.id)
            #expect(try await Call.call(client, .delete, "/passkeys/\(ada.id)/\(first.id)", session: ada).status == .notFound)

            // A deleted passkey no longer signs in.
            var gone = first
            let flow = try await Self.signInOptions(client)
            #expect(try await Call.call(client, .post, "/passkey/authenticate/verify",
                                        ["flowId": flow.flowId, "response": try gone.assert(challenge: flow.challenge, userId: ada.id)]).status == .unauthorized)
        }
    }
}

/// The WebAuthn building blocks on hostile input.
@Suite("WebAuthn parsing")
struct WebAuthnParsingTests {
    @Test func cborRoundTripsAndRefusesLies() throws {
        let value = CBOR.map([.text("fmt"): .text("none"), .int(-2): .bytes([1, 2, 3]), .int(1): .int(2), .text("n"): .array([.bool(true), .null])])
        #expect(try CBORDecoder.decodeWhole(CBOREncoder.encode(value)) == value)
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decodeWhole([0x5a, 0xff, 0xff, 0xff, 0xff, 0x00]) }   // 4 GB byte string
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decodeWhole(Array(repeating: 0x81, count: 100) + [0x00]) }   // nesting bomb
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decodeWhole([0x9f, 0x01, 0xff]) }   // indefinite length
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decodeWhole([0xa2, 0x01, 0x01, 0x01, 0x02]) }   // duplicate key
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decodeWhole([0x62, 0xff, 0xfe]) }   // invalid UTF-8
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decodeWhole([0x01, 0x02]) }   // trailing bytes
    }

    @Test func authenticatorDataAndKeysAreChecked() throws {
        let authenticator = SoftwareAuthenticator()
        let data = try AuthenticatorData(authenticator.authenticatorData(counter: 7, attested: true))
        #expect(data.signCount == 7)
        #expect(data.userPresent && data.userVerified && data.backupEligible)
        #expect(data.credential?.id == authenticator.credentialId)
        #expect(try COSEKey(try #require(data.credential?.publicKey)).x963 == Array(authenticator.key.publicKey.x963Representation))
        #expect(throws: WebAuthnError.self) { try AuthenticatorData(Array(repeating: 0, count: 36)) }
        var rs256 = COSEKey.cbor(authenticator.key.publicKey)
        if case .map(var map) = rs256 { map[.int(3)] = .int(-257); rs256 = .map(map) }
        #expect(throws: WebAuthnError.invalid("The credential key is not ES256.")) { try COSEKey(rs256) }
        var offCurve = COSEKey.cbor(authenticator.key.publicKey)
        if case .map(var map) = offCurve { map[.int(-3)] = .bytes([UInt8](repeating: 7, count: 32)); offCurve = .map(map) }
        #expect(throws: WebAuthnError.self) { try COSEKey(offCurve) }
        #expect(Base64URL.decode(Base64URL.encode([0xfb, 0xff, 0x00])) == [0xfb, 0xff, 0x00])
        #expect(Base64URL.decode("not base64!") == nil)
    }

    @Test func hostNamesCompareWithoutCase() throws {
        var authenticator = SoftwareAuthenticator()
        authenticator.rpId = "docs.example.org"
        authenticator.origin = "https://docs.example.org"
        let party = RelyingParty(id: "Docs.Example.org", name: "DocuThinker", origins: ["https://Docs.Example.org"])
        let challenge: [UInt8] = Array(repeating: 3, count: 32)
        let response = try #require(authenticator.register(challenge: Base64URL.encode(challenge))["response"] as? [String: Any])
        let registration = try party.verifyRegistration(
            clientDataJSON: try #require(Base64URL.decode(response["clientDataJSON"] as? String ?? "")),
            attestationObject: try #require(Base64URL.decode(response["attestationObject"] as? String ?? "")), challenge: challenge)
        #expect(registration.credentialId == authenticator.credentialId)
    }

    @Test func onlyNoneAttestationIsAccepted() throws {
        let authenticator = SoftwareAuthenticator()
        let party = RelyingParty(id: "localhost", name: "DocuThinker", origins: ["http://localhost:8080"])
        let challenge: [UInt8] = Array(repeating: 9, count: 32)
        let packed = authenticator.register(challenge: Base64URL.encode(challenge), format: "packed")
        let response = try #require(packed["response"] as? [String: Any])
        #expect(throws: WebAuthnError.self) {
            try party.verifyRegistration(clientDataJSON: try #require(Base64URL.decode(response["clientDataJSON"] as? String ?? "")),
                                         attestationObject: try #require(Base64URL.decode(response["attestationObject"] as? String ?? "")),
                                         challenge: challenge)
        }
    }
}
