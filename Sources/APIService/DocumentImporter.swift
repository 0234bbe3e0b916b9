import DocuThinkerCore
import Extraction
import Foundation
import Logging
import Storage
import SystemPackage
import _NIOFileSystem

/// Turns a file on disk into a stored document: extraction, chunks, the original in the object
/// store and the rows, atomically (on any failure nothing is left behind, the staged file
/// included). Used by the upload routes and by `docuthinker ingest`.
public struct DocumentImporter: Sendable {
    let documents: any DocumentRepository
    let objects: any ObjectStore
    let ingestor: DocumentIngestor

    /// What an import stored.
    public struct Imported: Sendable {
        public var record: DocumentRecord
        public var sentences: Int
        public var chunks: Int
    }

    /// Imports the file at `upload.path`, which is moved into the object store (or deleted on failure).
    func importFile(_ upload: ReceivedUpload, owner: String, logger: Logger) async throws -> Imported {
        let started = ContinuousClock.now
        let processed: ProcessedDocument
        do {
            processed = try await ingestor.process(fileAt: upload.path)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(upload.path))
            throw error
        }
        let id = UUID().uuidString.lowercased()
        let now = Date.now
        let extraction = processed.extraction
        let record = DocumentRecord(
            id: id, ownerId: owner, title: Self.title(upload: upload, metadata: extraction.metadata),
            filename: upload.filename, format: extraction.format.rawValue, status: .ready,
            pageCount: extraction.metadata.pageCount, sizeBytes: processed.size, sha256: processed.sha256,
            characters: extraction.quality.characters, author: extraction.metadata.author,
            qualityJSON: String(decoding: try JSONEncoder().encode(extraction.quality), as: UTF8.self),
            objectKey: "\(owner)/\(id)", createdAt: now, updatedAt: now)
        let content = DocumentContent(text: extraction.text, pages: extraction.pages, blocks: extraction.blocks)
        let chunkRecords = processed.chunkRecords
        do {
            try await objects.put(key: record.objectKey, movingFileAt: upload.path)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(upload.path))
            throw error
        }
        do {
            try await documents.insertDocument(record, content: content, chunks: chunkRecords)
        } catch {
            try? await objects.delete(key: record.objectKey)
            throw error
        }
        logger.info("document ingested", metadata: [
            "document_id": .string(id), "format": .string(record.format), "pages": .stringConvertible(record.pageCount),
            "chunks": .stringConvertible(chunkRecords.count), "elapsed": .string("\(ContinuousClock.now - started)"),
        ])
        return Imported(record: record, sentences: processed.sentences.count, chunks: chunkRecords.count)
    }

    static func title(upload: ReceivedUpload, metadata: DocumentMetadata) -> String {
        let candidates = [upload.title, metadata.title, upload.filename.map { name in
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
