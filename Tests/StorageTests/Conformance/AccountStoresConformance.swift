import DocuThinkerCore
import StoreEngines
import Foundation
import NIOCore
import Storage
import Testing

/// Users, refresh tokens, password resets, API keys, analyses, chats, usage and objects.
@Suite("Conformance: accounts, analyses, chats, usage, objects")
struct AccountStoresConformance {
    @Test(arguments: StoreEngine.all)
    func usersAreUniqueByEmailIgnoringCase(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com")
        try await store.createUser(ada)
        await #expect(throws: StorageError(.conflict, "An account with this email already exists.")) {
            try await store.createUser(Make.user("ADA@example.com"))
        }
        #expect(try await store.user(email: "Ada@Example.com")?.id == ada.id)
        #expect(try await store.user(id: "missing") == nil)
        #expect(try await store.updateProfile(userId: ada.id, theme: "dark", socialLinks: ["github": "ada", "twitter": "a\"da"])?.theme == "dark")
        #expect(try await store.user(id: ada.id)?.socialLinks == ["github": "ada", "twitter": "a\"da"])
        try await store.updatePassword(userId: ada.id, passwordHash: "$2b$04$other", at: .now)
        #expect(try await store.user(id: ada.id)?.passwordHash == "$2b$04$other")
    }

    @Test(arguments: StoreEngine.all)
    func emailsChangeOnlyToFreeAddressesAndTheOutboxKeepsMail(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        await #expect(throws: StorageError(.conflict, "An account with this email already exists.")) {
            _ = try await store.updateEmail(userId: ada.id, email: "BOB@example.com")
        }
        #expect(try await store.updateEmail(userId: ada.id, email: "ada@new.example")?.email == "ada@new.example")
        #expect(try await store.user(email: "ada@example.com") == nil)
        #expect(try await store.user(email: "Ada@New.example")?.id == ada.id)
        #expect(try await store.updateEmail(userId: "missing", email: "x@example.com") == nil)

        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for (index, recipient) in ["ada@new.example", "bob@example.com", "ADA@new.example"].enumerated() {
            try await store.enqueueMail(MailRecord(id: "m\(index)", recipient: recipient, subject: "s\(index)", body: "line 1\nline \"2\"",
                                                   createdAt: now + Double(index)))
        }
        let mails = try await store.mails(recipient: "ada@NEW.example", limit: 10)
        #expect(mails.map(\.id) == ["m2", "m0"], "newest first, the address compared ignoring case")
        #expect(mails.last?.body == "line 1\nline \"2\"")
        #expect(try await store.mails(recipient: "ada@new.example", limit: 1).map(\.id) == ["m2"])
    }

    @Test(arguments: StoreEngine.all)
    func passkeysAreTheirOwnersAndCountersMoveOnce(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let key = Data((0..<65).map { UInt8($0) })
        let first = PasskeyRecord(id: "cred-1", userId: ada.id, name: "Phone", publicKey: key, signCount: 3, transports: ["internal", "hybrid"],
                                  deviceType: "multiDevice", backedUp: true, createdAt: start)
        var second = first
        second.id = "cred-2"
        second.createdAt = start + 60
        second.transports = []
        try await store.savePasskey(first)
        try await store.savePasskey(second)
        var stolen = first
        stolen.userId = bob.id
        await #expect(throws: StorageError(.conflict, "This passkey is already registered.")) { try await store.savePasskey(stolen) }
        #expect(try await store.passkey(id: "cred-1") == first)
        #expect(try await store.passkeys(userId: ada.id).map(\.id) == ["cred-2", "cred-1"], "newest first")
        #expect(try await store.passkeys(userId: bob.id).isEmpty)
        #expect(try await store.renamePasskey(id: "cred-1", userId: bob.id, name: "Mine") == nil)
        #expect(try await store.renamePasskey(id: "cred-1", userId: ada.id, name: "Laptop")?.name == "Laptop")
        #expect(try await store.recordPasskeyUse(id: "cred-1", expected: 3, signCount: 4, at: start + 120))
        #expect(try await store.recordPasskeyUse(id: "cred-1", expected: 3, signCount: 5, at: start + 130) == false, "the counter moved already")
        #expect(try await store.passkey(id: "cred-1")?.signCount == 4)
        #expect(try await store.passkey(id: "cred-1")?.lastUsedAt == start + 120)
        #expect(try await store.deletePasskey(id: "cred-1", userId: bob.id) == false)
        #expect(try await store.deletePasskey(id: "cred-1", userId: ada.id))
        #expect(try await store.passkey(id: "cred-1") == nil)

        let challenge = WebAuthnChallengeRecord(id: "flow-1", purpose: "registration", userId: ada.id, challenge: Data([1, 2, 3]), expiresAt: start + 300)
        try await store.saveChallenge(challenge)
        #expect(try await store.takeChallenge(id: "flow-1") == challenge)
        #expect(try await store.takeChallenge(id: "flow-1") == nil, "once")
    }

    @Test(arguments: StoreEngine.all)
    func refreshTokensAndResetLinksWorkOnce(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com")
        try await store.createUser(ada)
        let token = RefreshTokenRecord(id: "t1", userId: ada.id, tokenHash: "h1", expiresAt: .now.addingTimeInterval(60), createdAt: .now)
        try await store.saveRefreshToken(token)
        #expect(try await store.refreshToken(hash: "h1")?.revokedAt == nil)
        #expect(try await store.revokeRefreshToken(id: "t1", at: .now))
        #expect(try await store.revokeRefreshToken(id: "t1", at: .now) == false)
        #expect(try await store.refreshToken(hash: "h1")?.revokedAt != nil)
        try await store.savePasswordReset(PasswordResetRecord(id: "r1", userId: ada.id, tokenHash: "reset", expiresAt: .now + 3600, createdAt: .now))
        #expect(try await store.consumePasswordReset(tokenHash: "reset", at: .now) == ada.id)
        #expect(try await store.consumePasswordReset(tokenHash: "reset", at: .now) == nil, "once")
        try await store.savePasswordReset(PasswordResetRecord(id: "r2", userId: ada.id, tokenHash: "old", expiresAt: .now - 1, createdAt: .now - 3600))
        #expect(try await store.consumePasswordReset(tokenHash: "old", at: .now) == nil, "expired")
    }

    @Test(arguments: StoreEngine.all)
    func aPasswordUpdateEndsEveryWayInAndFamiliesEndTogether(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        #expect(try await store.sessionGeneration(userId: ada.id) == 0)
        #expect(try await store.sessionGeneration(userId: "nobody") == nil)
        func token(_ id: String, _ user: String, family: String?) -> RefreshTokenRecord {
            RefreshTokenRecord(id: id, userId: user, tokenHash: "h-" + id, expiresAt: .now.addingTimeInterval(60), createdAt: .now, familyId: family)
        }
        // Two sign-ins of Ada (one saved before families were kept), one of Bob.
        for record in [token("a1", ada.id, family: "a1"), token("a2", ada.id, family: "a1"), token("legacy", ada.id, family: nil),
                       token("b1", bob.id, family: "b1")] {
            try await store.saveRefreshToken(record)
        }
        #expect(try await store.refreshToken(hash: "h-a2")?.family == "a1")
        #expect(try await store.refreshToken(hash: "h-legacy")?.family == "legacy")
        #expect(try await store.revokeRefreshFamily("a1", at: .now) == 2)
        #expect(try await store.refreshToken(hash: "h-legacy")?.revokedAt == nil, "another sign-in")
        #expect(try await store.revokeRefreshFamily("legacy", at: .now) == 1, "a token without a family is its own")
        try await store.saveRefreshToken(token("a3", ada.id, family: "a3"))
        try await store.createAPIKey(APIKeyRecord(id: "k1", userId: ada.id, name: "cli", prefix: "dtk_a", keyHash: "key-a", createdAt: .now))
        try await store.createAPIKey(APIKeyRecord(id: "k2", userId: bob.id, name: "cli", prefix: "dtk_b", keyHash: "key-b", createdAt: .now))

        try await store.updatePassword(userId: ada.id, passwordHash: "new-hash", at: .now)
        #expect(try await store.sessionGeneration(userId: ada.id) == 1)
        #expect(try await store.refreshToken(hash: "h-a3")?.revokedAt != nil)
        #expect(try await store.activeAPIKey(hash: "key-a") == nil, "API keys end with a password change")
        #expect(try await store.user(id: ada.id)?.passwordHash == "new-hash")
        // Bob is untouched.
        #expect(try await store.sessionGeneration(userId: bob.id) == 0)
        #expect(try await store.activeAPIKey(hash: "key-b")?.userId == bob.id)
        #expect(try await store.refreshToken(hash: "h-b1")?.revokedAt == nil)
    }

    @Test(arguments: StoreEngine.all)
    func apiKeysAreScopedToTheirUserAndRevocable(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        try await store.createAPIKey(APIKeyRecord(id: "k1", userId: ada.id, name: "cli", prefix: "dtk_abc", keyHash: "hash-1", createdAt: .now))
        #expect(try await store.activeAPIKey(hash: "hash-1")?.userId == ada.id)
        #expect(try await store.apiKeys(userId: bob.id).isEmpty)
        #expect(try await store.revokeAPIKey(id: "k1", userId: bob.id, at: .now) == false, "not Bob's to revoke")
        #expect(try await store.revokeAPIKey(id: "k1", userId: ada.id, at: .now))
        #expect(try await store.revokeAPIKey(id: "k1", userId: ada.id, at: .now) == false, "already revoked")
        #expect(try await store.activeAPIKey(hash: "hash-1") == nil)
        #expect(try await store.apiKeys(userId: ada.id).first?.revokedAt != nil)
    }

    @Test(arguments: StoreEngine.all)
    func analysesAreKeyedReplacedAndDeletedWithTheirDocument(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let (ada, document) = try await Make.library(store, email: "ada@example.com", chunkTexts: ["x"])
        let key = AnalysisKey(documentId: document.id, kind: "summary", parameters: "s=3", engine: "offline", engineVersion: "1")
        struct Counted: Codable, Equatable { var a: Int; var note: String }
        struct Renamed: Codable { var b: Int }
        #expect(try await store.analysis(key, as: Counted.self) == nil)
        try await store.saveAnalysis(key, result: Counted(a: 1, note: "first"), at: .now)
        try await store.saveAnalysis(key, result: Counted(a: 2, note: "ü, \"quoted\""), at: .now)
        var other = key
        other.engineVersion = "2"
        #expect(try await store.analysis(key, as: Counted.self)?.result == Counted(a: 2, note: "ü, \"quoted\""))
        #expect(try await store.analysis(key, as: Renamed.self) == nil, "a stored result of another shape counts as absent")
        #expect(try await store.analysis(other, as: Counted.self) == nil, "another engine version is another result")
        #expect(try await store.analysisCount(documentId: document.id) == 1)
        _ = try await store.deleteDocument(id: document.id, ownerId: ada.id)
        #expect(try await store.analysisCount(documentId: document.id) == 0)
    }

    @Test(arguments: StoreEngine.all)
    func analysesOfManyDocumentsAreReadInOneCallForTheirOwnerOnly(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let (ada, first) = try await Make.library(store, email: "ada@example.com", chunkTexts: ["x"])
        let second = Make.document(owner: ada.id)
        try await store.insertDocument(second, content: Make.content, chunks: Make.chunks(["y"]))
        let (_, bobs) = try await Make.library(store, email: "bob@example.com", chunkTexts: ["z"])
        struct Result: Codable, Equatable { var text: String }
        for (document, text) in [(first, "one"), (second, "two"), (bobs, "bob's")] {
            try await store.saveAnalysis(AnalysisKey(documentId: document.id, kind: "summary", parameters: "s=3", engine: "offline", engineVersion: "1"),
                                         result: Result(text: text), at: .now)
        }
        try await store.saveAnalysis(AnalysisKey(documentId: second.id, kind: "summary", parameters: "s=5", engine: "offline", engineVersion: "1"),
                                     result: Result(text: "longer"), at: .now)
        let key = AnalysisBatchKey(documentIds: [first.id, second.id, bobs.id, "missing"], kind: "summary", parameters: "s=3",
                                   engine: "offline", engineVersion: "1")
        let found = try await store.analyses(key, ownerId: ada.id, as: Result.self)
        #expect(found.mapValues(\.result) == [first.id: Result(text: "one"), second.id: Result(text: "two")], "Bob's is not Ada's to read")
        var newer = key
        newer.engineVersion = "2"
        #expect(try await store.analyses(newer, ownerId: ada.id, as: Result.self).isEmpty)
        var many = key
        many.documentIds = (0..<1_200).map { "absent-\($0)" } + [second.id]
        #expect(try await store.analyses(many, ownerId: ada.id, as: Result.self).keys.sorted() == [second.id], "more ids than one statement binds")
        #expect(try await store.analyses(AnalysisBatchKey(documentIds: [], kind: "summary", parameters: "s=3", engine: "offline", engineVersion: "1"),
                                         ownerId: ada.id, as: Result.self).isEmpty)
    }

    @Test(arguments: StoreEngine.all)
    func chatsAreScopedAndKeepTheirMessagesInOrder(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let chat = ChatRecord(id: "c1", ownerId: ada.id, title: "Rivers", documentIds: ["d1"], createdAt: .now, updatedAt: .now)
        try await store.createChat(chat)
        #expect(try await store.chat(id: "c1", ownerId: bob.id) == nil)
        #expect(try await store.chat(id: "c1", ownerId: ada.id)?.documentIds == ["d1"])
        let cited = [Citation(documentId: "d1", page: 2, start: 10, end: 24, quote: "a \"quoted\" ü")]
        for (index, role) in [ChatRole.user, .assistant, .user].enumerated() {
            try await store.appendMessage(ChatMessageRecord(chatId: "c1", role: role, content: "m\(index)", found: role == .assistant ? true : nil,
                                                            citations: role == .assistant ? cited : [], createdAt: .now), touching: "c1", at: .now)
        }
        let messages = try await store.messages(chatId: "c1")
        #expect(messages.map(\.content) == ["m0", "m1", "m2"])
        #expect(messages.map(\.role) == [.user, .assistant, .user])
        #expect(messages[1].citations == cited && messages[1].found == true && messages[0].citations.isEmpty && messages[0].found == nil)
        #expect(try await store.chats(ownerId: ada.id, limit: 10, offset: 0).total == 1)
        #expect(try await store.chats(ownerId: bob.id, limit: 10, offset: 0).total == 0)
        #expect(try await store.deleteChat(id: "c1", ownerId: bob.id) == false)
        #expect(try await store.deleteChat(id: "c1", ownerId: ada.id))
        #expect(try await store.messages(chatId: "c1").isEmpty)
    }

    @Test(arguments: StoreEngine.all)
    func usageAddsUpPerDayProviderAndModel(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com")
        try await store.createUser(ada)
        let one = UsageRecord(day: "2026-12-04", provider: "openai", model: "m", requests: 1, inputTokens: 10, outputTokens: 2)
        try await store.recordUsage(userId: ada.id, one)
        try await store.recordUsage(userId: ada.id, one)
        try await store.recordUsage(userId: ada.id, UsageRecord(day: "2026-12-04", provider: "anthropic", model: "c", requests: 1,
                                                                inputTokens: 5, outputTokens: 5))
        let rows = try await store.usage(userId: ada.id)
        #expect(rows.count == 2)
        #expect(rows.first { $0.provider == "openai" } == UsageRecord(day: "2026-12-04", provider: "openai", model: "m", requests: 2,
                                                                      inputTokens: 20, outputTokens: 4))
    }

    @Test(arguments: StoreEngine.all)
    func objectsRoundTripAndDeletingTwiceIsFine(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let objects = stores.objects
        let staged = stores.stagingDirectory + "/upload-" + UUID().uuidString
        try Data("original bytes".utf8).write(to: URL(fileURLWithPath: staged))
        try await objects.put(key: "user/doc", movingFileAt: staged)
        #expect(!FileManager.default.fileExists(atPath: staged), "moved, not copied")
        #expect(try await objects.read(key: "user/doc", maxBytes: 100) == Data("original bytes".utf8))
        try await objects.delete(key: "user/doc")
        let missingRead = await #expect(throws: StorageError.self) { _ = try await objects.read(key: "user/doc", maxBytes: 100) }
        #expect(missingRead?.code == .notFound)
        let missingStream = await #expect(throws: StorageError.self) { for try await _ in objects.stream(key: "user/doc") {} }
        #expect(missingStream?.code == .notFound)
        try await objects.delete(key: "user/doc")
    }

    @Test(arguments: StoreEngine.all)
    func largeObjectsStreamInPartsThatJoinToTheOriginal(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        var generator = SystemRandomNumberGenerator()
        let original = Data((0..<1_300_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let staged = stores.stagingDirectory + "/upload-" + UUID().uuidString
        try original.write(to: URL(fileURLWithPath: staged))
        try await stores.objects.put(key: "user/big", movingFileAt: staged)
        var joined = Data(), parts = 0
        for try await part in stores.objects.stream(key: "user/big") {
            joined.append(contentsOf: part.readableBytesView)
            parts += 1
        }
        #expect(joined == original)
        #expect(parts > 1, "streamed in parts, not read whole")
    }
}
