import DocuThinkerCore
import StoreEngines
import Foundation
import Storage
import Testing

/// `DocumentRepository`: owner scoping, paging, pending documents, idempotent extraction, cascades.
@Suite("Conformance: documents")
struct DocumentRepositoryConformance {
    @Test(arguments: StoreEngine.all)
    func libraryUsageCountsTheOwnersDocumentsBytesPassagesAndActiveJobs(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        #expect(try await store.libraryUsage(ownerId: ada.id) == LibraryUsage(documents: 0, bytes: 0, chunks: 0, activeJobs: 0))
        for title in ["one", "two"] {
            try await store.insertDocument(Make.document(owner: ada.id, title: title), content: Make.content,
                                           chunks: Make.chunks([Make.content.text, "Another passage."]))
        }
        let pending = Make.document(owner: ada.id, title: "pending", status: .processing)
        try await store.insertPendingDocument(pending, explicitTitle: false, job: JobRecord(
            id: UUID().uuidString, documentId: pending.id, ownerId: ada.id, createdAt: .now, updatedAt: .now))
        try await store.insertDocument(Make.document(owner: bob.id, title: "bob's"), content: Make.content, chunks: Make.chunks(["Bob."]))
        // Make.document files are 10 bytes each.
        #expect(try await store.libraryUsage(ownerId: ada.id) == LibraryUsage(documents: 3, bytes: 30, chunks: 4, activeJobs: 1))
        #expect(try await store.libraryUsage(ownerId: bob.id) == LibraryUsage(documents: 1, bytes: 10, chunks: 1, activeJobs: 0))
    }

    @Test(arguments: StoreEngine.all)
    func documentsAreScopedOrderedPagedAndCascaded(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        var ids: [String] = []
        for i in 0..<5 {
            let record = Make.document(owner: ada.id, title: "doc\(i)", at: base.addingTimeInterval(Double(i)))
            ids.append(record.id)
            try await store.insertDocument(record, content: Make.content, chunks: Make.chunks([Make.content.text]))
        }
        let first = try await store.documents(ownerId: ada.id, limit: 2, offset: 0)
        #expect(first.total == 5)
        #expect(first.items.map(\.title) == ["doc4", "doc3"])
        #expect(try await store.documents(ownerId: ada.id, limit: 2, offset: 4).items.map(\.title) == ["doc0"])
        #expect(try await store.documents(ownerId: bob.id, limit: 10, offset: 0).total == 0)
        let titles = try await store.documentTitles(ownerId: ada.id, limit: 3)
        #expect(titles.map(\.title) == ["doc4", "doc3", "doc2"] && titles.map(\.id) == [ids[4], ids[3], ids[2]], "newest first, at most the limit")
        #expect(try await store.documentTitles(ownerId: bob.id, limit: 10).isEmpty, "only the owner's")
        #expect(try await store.document(id: ids[0], ownerId: bob.id) == nil)
        #expect(try await store.content(documentId: ids[0], ownerId: bob.id) == nil)
        #expect(try await store.chunks(documentId: ids[0], ownerId: bob.id).isEmpty)
        #expect(try await store.renameDocument(id: ids[0], ownerId: bob.id, title: "x", at: .now) == nil)
        #expect(try await store.deleteDocument(id: ids[0], ownerId: bob.id) == nil)

        #expect(try await store.content(documentId: ids[0], ownerId: ada.id) == Make.content)
        #expect(try await store.chunks(documentId: ids[0], ownerId: ada.id).first?.text == Make.content.text)
        #expect(try await store.renameDocument(id: ids[0], ownerId: ada.id, title: "Renamed", at: .now)?.title == "Renamed")
        #expect(try await store.deleteDocument(id: ids[0], ownerId: ada.id)?.id == ids[0])
        #expect(try await store.content(documentId: ids[0], ownerId: ada.id) == nil)
        #expect(try await store.chunkCount(documentId: ids[0]) == 0, "chunks go with their document")
        #expect(try await store.documentExists(id: ids[0]) == false)
        #expect(try await store.deleteAllDocuments(ownerId: ada.id).count == 4)
        #expect(try await store.documents(ownerId: ada.id, limit: 10, offset: 0).total == 0)
    }

    @Test(arguments: StoreEngine.all)
    func extractionOfAPendingDocumentCanBeRepeatedWithoutDuplicates(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com")
        try await store.createUser(ada)
        var pending = Make.document(owner: ada.id, title: "upload-name", status: .processing)
        pending.quality = nil
        let job = JobRecord(id: UUID().uuidString, documentId: pending.id, ownerId: ada.id, createdAt: .now, updatedAt: .now)
        try await store.insertPendingDocument(pending, explicitTitle: false, job: job)
        #expect(try await store.content(documentId: pending.id, ownerId: ada.id) == nil, "no text before extraction")
        #expect(try await store.document(id: pending.id, ownerId: ada.id)?.status == .processing)

        #expect(try await store.document(id: pending.id, ownerId: ada.id)?.quality == nil, "no quality report before extraction")
        let fields = ExtractedFields(format: .docx, sha256: "f00d", author: "Ada", quality: Make.quality(), title: "Title From The File")
        // Roles round-trip; a sentence without one (stored before roles were kept) stays without.
        let sentences = [SentenceRecord(ordinal: 0, page: 1, start: 0, end: 9, role: .heading),
                         SentenceRecord(ordinal: 1, page: 2, start: 11, end: 18, role: .notice),
                         SentenceRecord(ordinal: 2, page: 2, start: 19, end: 20)]
        for _ in 0..<2 {  // a resumed extract stage writes again
            #expect(try await store.storeExtraction(documentId: pending.id, fields: fields, content: Make.content, sentences: sentences,
                                                    chunks: Make.chunks(["Page one.", "Page two."]), at: .now))
        }
        #expect(try await store.chunks(documentId: pending.id, ownerId: ada.id).map(\.ordinal) == [0, 1])
        #expect(try await store.sentences(documentId: pending.id, ownerId: ada.id) == sentences)
        let stored = try #require(try await store.document(id: pending.id, ownerId: ada.id))
        #expect(stored.title == "Title From The File", "the file's title replaces a name nobody chose")
        #expect(stored.pageCount == 2 && stored.sha256 == "f00d" && stored.author == "Ada")
        // A second upload of the same file is found by its checksum, among the owner's documents only.
        #expect(try await store.document(ownerId: ada.id, sha256: "f00d")?.id == pending.id)
        #expect(try await store.document(ownerId: ada.id, sha256: "beef") == nil)
        #expect(try await store.document(ownerId: "someone-else", sha256: "f00d") == nil)
        #expect(stored.format == .docx && stored.characters == 20)
        #expect(stored.quality == Make.quality(), "the quality report round-trips field by field")
        #expect(try await store.documents(ownerId: ada.id, limit: 10, offset: 0).items.first?.quality == Make.quality())

        try await store.setDocumentStatus(id: pending.id, .failed, error: ("unreadable", "cut short"), at: .now)
        let failed = try #require(try await store.document(id: pending.id, ownerId: ada.id))
        #expect(failed.status == .failed && failed.error == "unreadable" && failed.errorMessage == "cut short")

        _ = try await store.deleteDocument(id: pending.id, ownerId: ada.id)
        #expect(try await store.storeExtraction(documentId: pending.id, fields: fields, content: Make.content, sentences: sentences,
                                                chunks: [], at: .now) == false, "nothing is written for a deleted document")
        #expect(try await store.sentences(documentId: pending.id, ownerId: ada.id).isEmpty)
    }

    @Test(arguments: StoreEngine.all)
    func anExplicitTitleIsKept(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com")
        try await store.createUser(ada)
        let pending = Make.document(owner: ada.id, title: "Chosen", status: .processing)
        try await store.insertPendingDocument(pending, explicitTitle: true, job: JobRecord(
            id: UUID().uuidString, documentId: pending.id, ownerId: ada.id, createdAt: .now, updatedAt: .now))
        _ = try await store.storeExtraction(documentId: pending.id, fields: ExtractedFields(
            format: .pdf, sha256: "", author: nil, quality: Make.quality(pageCount: 1, characters: 1), title: "From the file"),
            content: Make.content, sentences: [], chunks: [], at: .now)
        #expect(try await store.document(id: pending.id, ownerId: ada.id)?.title == "Chosen")
    }
}
