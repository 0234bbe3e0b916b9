import StoreEngines
import AIService
import DocuThinkerCore
import HTTPTypes
import Extraction
import Foundation
import Logging
import NIOPosix
import ServerSupport
import Storage
import SystemPackage
import _NIOFileSystem

/// Documents as every edge (REST, the legacy routes, MCP, `docuthinker ingest`) handles them:
/// accepting an upload, reading one with its job, deleting. Uploads are stored and answered at
/// once; the ingestion job does the rest.
struct DocumentService: Sendable {
    let documents: any DocumentRepository & JobRepository
    let objects: any ObjectStore
    /// Used only for the quick inspection of an upload (format, PDF open, DOCX container).
    let extractor: DocumentExtractor
    let backend: any AIBackend
    /// What a user's library may hold (nil: no limits, as for `docuthinker ingest`).
    var quota: UploadQuota? = nil

    /// A stored document and its job.
    struct Accepted: Sendable {
        var record: DocumentRecord
        var job: JobRecord
    }

    /// Inspects the staged file (refusing what is plainly unreadable with a typed `ExtractionError`),
    /// moves it into the object store and stores the document as `processing` with its job, then
    /// wakes the workers. On any failure nothing is left behind, the staged file included.
    func accept(_ upload: ReceivedUpload, owner: String, allowDuplicate: Bool = false, logger: Logger) async throws -> Accepted {
        // The same file again is offered back, unless its earlier copy failed (then this is the retry).
        if !allowDuplicate, let sha256 = upload.sha256, let existing = try await documents.document(ownerId: owner, sha256: sha256),
           existing.status != .failed {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(upload.path))
            logger.info("duplicate upload", metadata: ["document_id": .string(existing.id)])
            throw DocumentErrors.duplicate(existing)
        }
        if let quota {
            do {
                try quota.check(try await documents.libraryUsage(ownerId: owner), incoming: Int64(upload.size))
            } catch {
                _ = try? await FileSystem.shared.removeItem(at: FilePath(upload.path))
                logger.notice("upload refused by quota", metadata: ["error": "\(error)"])
                throw error
            }
        }
        let inspection: DocumentExtractor.Inspection
        do {
            let extractor = extractor
            inspection = try await NIOThreadPool.singleton.runIfActive {
                try extractor.inspect(try Data(contentsOf: URL(fileURLWithPath: upload.path), options: .alwaysMapped))
            }
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(upload.path))
            throw error
        }
        let id = UUID().uuidString.lowercased()
        let now = Date.now
        let explicitTitle = [upload.title, inspection.title].contains { !($0 ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let record = DocumentRecord(
            id: id, ownerId: owner, title: Self.title(upload: upload, metadataTitle: inspection.title),
            filename: upload.filename, format: inspection.format, status: .processing,
            pageCount: inspection.pageCount ?? 0, sizeBytes: upload.size, sha256: upload.sha256 ?? "", characters: 0, author: inspection.author,
            quality: nil, objectKey: "\(owner)/\(id)", createdAt: now, updatedAt: now)
        let job = JobRecord(id: UUID().uuidString.lowercased(), documentId: id, ownerId: owner, createdAt: now, updatedAt: now)
        do {
            try await objects.put(key: record.objectKey, movingFileAt: upload.path)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(upload.path))
            throw error
        }
        do {
            try await documents.insertPendingDocument(record, explicitTitle: explicitTitle, job: job)
        } catch {
            try? await objects.delete(key: record.objectKey)
            throw error
        }
        logger.info("document accepted", metadata: [
            "document_id": .string(id), "format": .string(record.format.rawValue), "bytes": .stringConvertible(upload.size),
        ])
        // The job is persisted: when the AI side cannot be reached now, its workers find it later.
        try? await backend.wakeIngestion()
        return Accepted(record: record, job: job)
    }

    /// The caller's document, or a 404.
    func document(id: String, owner: String) async throws -> DocumentRecord {
        guard let record = try await documents.document(id: id, ownerId: owner) else { throw DocumentErrors.notFound }
        return record
    }

    /// Waits until the document is `ready` or `failed` (for routes whose answer needs the result,
    /// like the legacy `/upload`); throws `document_processing` after `timeout`.
    func waitUntilProcessed(id: String, owner: String, timeout: Duration) async throws -> DocumentRecord {
        let deadline = ContinuousClock.now + timeout
        while true {
            let record = try await document(id: id, owner: owner)
            if record.status != .processing { return record }
            guard ContinuousClock.now < deadline else { throw DocumentErrors.stillProcessing }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Renames the caller's document. The title is trimmed and must keep 1 to 300 characters
    /// (`validation_failed` on `title` otherwise).
    func rename(id: String, owner: String, title: String) async throws -> DocumentRecord {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 300 else {
            throw DomainError(.invalid, code: "validation_failed", message: "The title must have 1 to 300 characters.", details: ["field": "title"])
        }
        guard let record = try await documents.renameDocument(id: id, ownerId: owner, title: title, at: .now) else {
            throw DocumentErrors.notFound
        }
        return record
    }

    /// Deletes the document with everything derived from it — rows, chunks, keyword entries,
    /// vectors, cached analyses, its job — in one transaction, stops work running on it, then
    /// deletes the file. False when it is not the caller's.
    func delete(id: String, owner: String) async throws -> Bool {
        guard let record = try await documents.deleteDocument(id: id, ownerId: owner) else { return false }
        await removed([record])
        return true
    }

    /// Deletes all of the caller's documents; returns how many.
    func deleteAll(owner: String) async throws -> Int {
        let records = try await documents.deleteAllDocuments(ownerId: owner)
        await removed(records)
        return records.count
    }

    private func removed(_ records: [DocumentRecord]) async {
        for record in records {
            try? await backend.documentDeleted(documentId: record.id, ownerId: record.ownerId)
            try? await objects.delete(key: record.objectKey)
        }
    }

    static func title(upload: ReceivedUpload, metadataTitle: String?) -> String {
        let candidates = [upload.title, metadataTitle, upload.filename.map { name in
            let base = (name as NSString).deletingPathExtension
            return base.isEmpty ? name : base
        }]
        for candidate in candidates {
            let trimmed = (candidate ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return String(trimmed.prefix(300)) }
        }
        return "Untitled document"
    }
}
