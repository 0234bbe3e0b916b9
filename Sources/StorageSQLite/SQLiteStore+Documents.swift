import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: DocumentRepository {
    public func insertDocument(_ document: DocumentRecord, content: DocumentContent, chunks: [ChunkRecord]) async throws {
        try await pool.write { db in
            try document.insert(db)
            try Self.writeContent(db, documentId: document.id, content: content, sentences: [], chunks: chunks)
            try Self.indexKeywords(db, documentId: document.id)
        }
    }

    public func insertPendingDocument(_ document: DocumentRecord, explicitTitle: Bool, job: JobRecord) async throws {
        try await pool.write { db in
            try document.insert(db)
            try db.execute(sql: "UPDATE documents SET titleFromUpload = ? WHERE id = ?", arguments: [explicitTitle, document.id])
            try job.insert(db)
        }
    }

    public func storeExtraction(documentId: String, fields: ExtractedFields, content: DocumentContent, sentences: [SentenceRecord],
                                chunks: [ChunkRecord], at date: Date) async throws -> Bool {
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?)", arguments: [documentId]) == true else {
                return false
            }
            // A resumed extract stage replaces what an interrupted one may have written.
            for table in ["document_texts", "document_pages", "document_blocks", "sentences", "chunks"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE documentId = ?", arguments: [documentId])
            }
            try Self.writeContent(db, documentId: documentId, content: content, sentences: sentences, chunks: chunks)
            let quality = DocumentRecord.qualityColumns(fields.quality)
            try db.execute(sql: """
                UPDATE documents SET format = ?, pageCount = ?, sha256 = ?, characters = ?, author = ?,
                    \(quality.map { "\($0.0) = ?" }.joined(separator: ", ")),
                    title = CASE WHEN titleFromUpload THEN title ELSE COALESCE(?, title) END, updatedAt = ?
                WHERE id = ?
                """, arguments: StatementArguments(
                    [fields.format.rawValue, fields.pageCount, fields.sha256, fields.characters, fields.author] as [(any DatabaseValueConvertible)?]
                    + quality.map(\.1) + [fields.title, date, documentId]))
            return true
        }
    }

    public func setDocumentStatus(id: String, _ status: DocumentStatus, error: (code: String, message: String)?, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE documents SET status = ?, error = ?, errorMessage = ?, updatedAt = ? WHERE id = ?",
                           arguments: [status.rawValue, error?.code, error?.message, date, id])
        }
    }

    public func sentences(documentId: String, ownerId: String) async throws -> [SentenceRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.ordinal, s.page, s.startOffset, s.endOffset, s.role FROM sentences s JOIN documents d ON d.id = s.documentId
                WHERE s.documentId = ? AND d.ownerId = ? ORDER BY s.ordinal
                """, arguments: [documentId, ownerId]).map {
                    SentenceRecord(ordinal: $0[0], page: $0[1], start: $0[2], end: $0[3], role: ($0[4] as String?).flatMap(SentenceRole.init(rawValue:)))
                }
        }
    }

    /// Text, pages, blocks, sentences and chunks (chunks not yet keyword-indexed).
    static func writeContent(_ db: Database, documentId: String, content: DocumentContent, sentences: [SentenceRecord],
                             chunks: [ChunkRecord]) throws {
        try db.execute(sql: "INSERT INTO document_texts (documentId, text) VALUES (?, ?)", arguments: [documentId, content.text])
        let page = try db.cachedStatement(
            sql: "INSERT INTO document_pages (documentId, number, startOffset, endOffset) VALUES (?, ?, ?, ?)")
        for p in content.pages { try page.execute(arguments: [documentId, p.number, p.start, p.end]) }
        let block = try db.cachedStatement(sql: """
            INSERT INTO document_blocks (documentId, ordinal, kind, level, page, startOffset, endOffset)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (ordinal, b) in content.blocks.enumerated() {
            try block.execute(arguments: [documentId, ordinal, b.kind.rawValue, b.level, b.page, b.start, b.end])
        }
        let sentence = try db.cachedStatement(
            sql: "INSERT INTO sentences (documentId, ordinal, page, startOffset, endOffset, role) VALUES (?, ?, ?, ?, ?, ?)")
        for s in sentences { try sentence.execute(arguments: [documentId, s.ordinal, s.page, s.start, s.end, s.role?.rawValue]) }
        let chunk = try db.cachedStatement(sql: """
            INSERT INTO chunks (documentId, ordinal, page, pageEnd, startOffset, endOffset, wordCount, text, keywordIndexed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
            """)
        for c in chunks {
            try chunk.execute(arguments: [documentId, c.ordinal, c.page, c.pageEnd, c.start, c.end, c.wordCount, c.text])
        }
    }

    public func document(id: String, ownerId: String) async throws -> DocumentRecord? {
        try await pool.read { db in
            try DocumentRecord.fetchOne(db, sql: "SELECT \(DocumentRecord.selection) FROM documents WHERE id = ? AND ownerId = ?", arguments: [id, ownerId])
        }
    }

    public func document(ownerId: String, sha256: String) async throws -> DocumentRecord? {
        try await pool.read { db in
            try DocumentRecord.fetchOne(db, sql: """
                SELECT \(DocumentRecord.selection) FROM documents WHERE ownerId = ? AND sha256 = ? ORDER BY createdAt DESC LIMIT 1
                """, arguments: [ownerId, sha256])
        }
    }

    public func documentExists(id: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    public func documents(ownerId: String, limit: Int, offset: Int) async throws -> Page<DocumentRecord> {
        try await pool.read { db in
            // Cached statements: the library list is the API's most frequent read.
            let items = try DocumentRecord.fetchAll(db.cachedStatement(sql: """
                SELECT \(DocumentRecord.selection) FROM documents WHERE ownerId = ? ORDER BY createdAt DESC, rowid DESC LIMIT ? OFFSET ?
                """), arguments: [ownerId, limit, offset])
            let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM documents WHERE ownerId = ?"), arguments: [ownerId]) ?? 0
            return Page(items: items, total: total)
        }
    }

    public func libraryUsage(ownerId: String) async throws -> LibraryUsage {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM documents WHERE ownerId = ?1),
                       (SELECT COALESCE(SUM(sizeBytes), 0) FROM documents WHERE ownerId = ?1),
                       (SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.documentId WHERE d.ownerId = ?1),
                       (SELECT COUNT(*) FROM jobs WHERE ownerId = ?1 AND state IN ('queued', 'running'))
                """, arguments: [ownerId])
            return LibraryUsage(documents: row?[0] ?? 0, bytes: row?[1] ?? 0, chunks: row?[2] ?? 0, activeJobs: row?[3] ?? 0)
        }
    }

    public func documentTitles(ownerId: String, limit: Int) async throws -> [(id: String, title: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, title FROM documents WHERE ownerId = ? ORDER BY createdAt DESC, rowid DESC LIMIT ?",
                             arguments: [ownerId, limit]).map { (id: $0[0], title: $0[1]) }
        }
    }

    public func content(documentId: String, ownerId: String) async throws -> DocumentContent? {
        try await pool.read { db in
            guard let text = try String.fetchOne(db, sql: """
                SELECT t.text FROM document_texts t JOIN documents d ON d.id = t.documentId
                WHERE t.documentId = ? AND d.ownerId = ?
                """, arguments: [documentId, ownerId]) else { return nil }
            let pages = try Row.fetchAll(db, sql: """
                SELECT number, startOffset, endOffset FROM document_pages WHERE documentId = ? ORDER BY number
                """, arguments: [documentId]).map { PageRange(number: $0[0], start: $0[1], end: $0[2]) }
            let blocks = try Row.fetchAll(db, sql: """
                SELECT kind, level, page, startOffset, endOffset FROM document_blocks WHERE documentId = ? ORDER BY ordinal
                """, arguments: [documentId]).map {
                TextBlock(kind: BlockKind(rawValue: $0[0]) ?? .paragraph, level: $0[1], page: $0[2], start: $0[3], end: $0[4])
            }
            return DocumentContent(text: text, pages: pages, blocks: blocks)
        }
    }

    public func chunks(documentId: String, ownerId: String) async throws -> [ChunkRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.ordinal, c.page, c.pageEnd, c.startOffset, c.endOffset, c.wordCount, c.text
                FROM chunks c JOIN documents d ON d.id = c.documentId
                WHERE c.documentId = ? AND d.ownerId = ? ORDER BY c.ordinal
                """, arguments: [documentId, ownerId]).map {
                ChunkRecord(ordinal: $0[0], page: $0[1], pageEnd: $0[2], start: $0[3], end: $0[4], wordCount: $0[5], text: $0[6])
            }
        }
    }

    public func renameDocument(id: String, ownerId: String, title: String, at date: Date) async throws -> DocumentRecord? {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE documents SET title = ?, updatedAt = ? WHERE id = ? AND ownerId = ?",
                arguments: [title, date, id, ownerId])
            return try DocumentRecord.fetchOne(db, sql: "SELECT \(DocumentRecord.selection) FROM documents WHERE id = ? AND ownerId = ?", arguments: [id, ownerId])
        }
    }

    public func deleteDocument(id: String, ownerId: String) async throws -> DocumentRecord? {
        try await pool.write { db in
            guard let record = try DocumentRecord.fetchOne(
                db, sql: "SELECT \(DocumentRecord.selection) FROM documents WHERE id = ? AND ownerId = ?", arguments: [id, ownerId]) else { return nil }
            try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [id])
            return record
        }
    }

    public func deleteAllDocuments(ownerId: String) async throws -> [DocumentRecord] {
        try await pool.write { db in
            let records = try DocumentRecord.fetchAll(db, sql: "SELECT \(DocumentRecord.selection) FROM documents WHERE ownerId = ?", arguments: [ownerId])
            try db.execute(sql: "DELETE FROM documents WHERE ownerId = ?", arguments: [ownerId])
            return records
        }
    }
}
