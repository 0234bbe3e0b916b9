import DocuThinkerCore
public import Foundation
import Logging
import PostgresNIO
public import Storage

extension PostgresStore: DocumentRepository {
    /// The columns every fetch of a document selects, in the order `document(_:)` reads them.
    static let documentColumns = """
        id, owner_id, title, filename, format, status, error, page_count, size_bytes, sha256, characters, author, object_key,
        created_at, updated_at, error_message, quality_words, quality_empty_pages, quality_likely_scanned, quality_language,
        quality_language_confidence, quality_warnings, quality_ocr
        """

    static func document(_ row: PostgresRandomAccessRow) throws -> DocumentRecord {
        let pageCount: Int = try row.get(7)
        let characters: Int = try row.get(10)
        var quality: QualityReport?
        if let words = try row.get(16, as: Int?.self) {
            quality = QualityReport(
                characters: characters, words: words, pageCount: pageCount, emptyPages: try row.get(17), likelyScanned: try row.get(18),
                language: try row.get(19), languageConfidence: try row.get(20), warnings: try row.get(21))
            quality?.readOCRColumn(try row.get(22, as: String?.self))
        }
        return DocumentRecord(
            id: try row.get(0), ownerId: try row.get(1), title: try row.get(2), filename: try row.get(3),
            format: DocumentFormat(rawValue: try row.get(4)) ?? .text, status: DocumentStatus(rawValue: try row.get(5)) ?? .failed,
            error: try row.get(6), pageCount: pageCount, sizeBytes: try row.get(8), sha256: try row.get(9), characters: characters,
            author: try row.get(11), quality: quality, objectKey: try row.get(12), createdAt: try row.get(13), updatedAt: try row.get(14),
            errorMessage: try row.get(15))
    }

    private func insert(_ document: DocumentRecord, explicitTitle: Bool, on connection: PostgresConnection) async throws {
        let quality = document.quality
        try await connection.execute("""
            INSERT INTO documents (id, owner_id, title, filename, format, status, error, error_message, page_count, size_bytes, sha256,
                characters, author, object_key, title_from_upload, quality_words, quality_empty_pages, quality_likely_scanned,
                quality_language, quality_language_confidence, quality_warnings, quality_ocr, created_at, updated_at)
            VALUES (\(document.id), \(document.ownerId), \(document.title), \(document.filename), \(document.format.rawValue),
                \(document.status.rawValue), \(document.error), \(document.errorMessage), \(document.pageCount), \(document.sizeBytes),
                \(document.sha256), \(document.characters), \(document.author), \(document.objectKey), \(explicitTitle),
                \(quality?.words), \(quality?.emptyPages ?? []), \(quality?.likelyScanned ?? false), \(quality?.language ?? "und"),
                \(quality?.languageConfidence ?? 0), \(quality?.warnings ?? []), \(quality?.ocrColumn), \(document.createdAt),
                \(document.updatedAt))
            """, logger: logger)
    }

    public func insertDocument(_ document: DocumentRecord, content: DocumentContent, chunks: [ChunkRecord]) async throws {
        try await transaction { connection in
            try await insert(document, explicitTitle: true, on: connection)
            try await writeContent(documentId: document.id, content: content, sentences: [], chunks: chunks, on: connection)
            try await Self.indexKeywords(documentId: document.id, on: connection, logger: logger)
        }
    }

    public func insertPendingDocument(_ document: DocumentRecord, explicitTitle: Bool, job: JobRecord) async throws {
        try await transaction { connection in
            try await insert(document, explicitTitle: explicitTitle, on: connection)
            try await insert(job, on: connection)
        }
    }

    public func storeExtraction(documentId: String, fields: ExtractedFields, content: DocumentContent, sentences: [SentenceRecord],
                                chunks: [ChunkRecord], at date: Date) async throws -> Bool {
        try await transaction { connection in
            // Locks the document row: a concurrent delete waits, or this finds it gone.
            guard try await !connection.rows("SELECT 1 FROM documents WHERE id = \(documentId) FOR UPDATE", logger: logger).isEmpty else {
                return false
            }
            // A resumed extract stage replaces what an interrupted one may have written.
            for table in ["document_texts", "document_pages", "document_blocks", "sentences", "chunks"] {
                try await connection.execute("DELETE FROM \(unescaped: table) WHERE document_id = \(documentId)", logger: logger)
            }
            try await writeContent(documentId: documentId, content: content, sentences: sentences, chunks: chunks, on: connection)
            let quality = fields.quality
            try await connection.execute("""
                UPDATE documents SET format = \(fields.format.rawValue), page_count = \(fields.pageCount), sha256 = \(fields.sha256),
                    characters = \(fields.characters), author = \(fields.author), quality_words = \(quality.words),
                    quality_empty_pages = \(quality.emptyPages), quality_likely_scanned = \(quality.likelyScanned),
                    quality_language = \(quality.language), quality_language_confidence = \(quality.languageConfidence),
                    quality_warnings = \(quality.warnings), quality_ocr = \(quality.ocrColumn),
                    title = CASE WHEN title_from_upload THEN title ELSE COALESCE(\(fields.title), title) END, updated_at = \(date)
                WHERE id = \(documentId)
                """, logger: logger)
            return true
        }
    }

    /// Text, pages, blocks, sentences and chunks (chunks not yet keyword-indexed), each kind in
    /// one statement over arrays (a 1,000-page manual is a handful of round trips, not thousands).
    private func writeContent(documentId: String, content: DocumentContent, sentences: [SentenceRecord], chunks: [ChunkRecord],
                              on connection: PostgresConnection) async throws {
        try await connection.execute("INSERT INTO document_texts (document_id, text) VALUES (\(documentId), \(content.text))", logger: logger)
        if !content.pages.isEmpty {
            try await connection.execute("""
                INSERT INTO document_pages (document_id, number, start_offset, end_offset)
                SELECT \(documentId), * FROM unnest(\(content.pages.map(\.number)), \(content.pages.map(\.start)), \(content.pages.map(\.end)))
                """, logger: logger)
        }
        if !content.blocks.isEmpty {
            let blocks = content.blocks
            try await connection.execute("""
                INSERT INTO document_blocks (document_id, ordinal, kind, level, page, start_offset, end_offset)
                SELECT \(documentId), b.o - 1, b.k, NULLIF(b.l, -1), b.p, b.s, b.e
                FROM unnest(\(blocks.map(\.kind.rawValue)), \(blocks.map { $0.level ?? -1 }), \(blocks.map(\.page)), \(blocks.map(\.start)),
                            \(blocks.map(\.end))) WITH ORDINALITY AS b(k, l, p, s, e, o)
                """, logger: logger)
        }
        if !sentences.isEmpty {
            try await connection.execute("""
                INSERT INTO sentences (document_id, ordinal, page, start_offset, end_offset, role)
                SELECT \(documentId), o, p, s, e, NULLIF(r, '')
                FROM unnest(\(sentences.map(\.ordinal)), \(sentences.map(\.page)), \(sentences.map(\.start)), \(sentences.map(\.end)),
                            \(sentences.map { $0.role?.rawValue ?? "" })) AS t(o, p, s, e, r)
                """, logger: logger)
        }
        if !chunks.isEmpty {
            try await connection.execute("""
                INSERT INTO chunks (document_id, ordinal, page, page_end, start_offset, end_offset, word_count, text)
                SELECT \(documentId), * FROM unnest(\(chunks.map(\.ordinal)), \(chunks.map(\.page)), \(chunks.map(\.pageEnd)),
                    \(chunks.map(\.start)), \(chunks.map(\.end)), \(chunks.map(\.wordCount)), \(chunks.map(\.text)))
                """, logger: logger)
        }
    }

    public func setDocumentStatus(id: String, _ status: DocumentStatus, error: (code: String, message: String)?, at date: Date) async throws {
        try await execute("""
            UPDATE documents SET status = \(status.rawValue), error = \(error?.code), error_message = \(error?.message), updated_at = \(date)
            WHERE id = \(id)
            """)
    }

    public func sentences(documentId: String, ownerId: String) async throws -> [SentenceRecord] {
        try await rows("""
            SELECT s.ordinal, s.page, s.start_offset, s.end_offset, s.role FROM sentences s JOIN documents d ON d.id = s.document_id
            WHERE s.document_id = \(documentId) AND d.owner_id = \(ownerId) ORDER BY s.ordinal
            """).map {
            SentenceRecord(ordinal: try $0.get(0), page: try $0.get(1), start: try $0.get(2), end: try $0.get(3),
                           role: try $0.get(4, as: String?.self).flatMap(SentenceRole.init(rawValue:)))
        }
    }

    public func document(id: String, ownerId: String) async throws -> DocumentRecord? {
        try await rows("SELECT \(unescaped: Self.documentColumns) FROM documents WHERE id = \(id) AND owner_id = \(ownerId)")
            .first.map(Self.document)
    }

    public func document(ownerId: String, sha256: String) async throws -> DocumentRecord? {
        try await rows("""
            SELECT \(unescaped: Self.documentColumns) FROM documents WHERE owner_id = \(ownerId) AND sha256 = \(sha256)
            ORDER BY created_at DESC, seq DESC LIMIT 1
            """).first.map(Self.document)
    }

    public func documentExists(id: String) async throws -> Bool {
        try await !rows("SELECT 1 FROM documents WHERE id = \(id)").isEmpty
    }

    public func documents(ownerId: String, limit: Int, offset: Int) async throws -> Page<DocumentRecord> {
        let items = try await rows("""
            SELECT \(unescaped: Self.documentColumns) FROM documents WHERE owner_id = \(ownerId)
            ORDER BY created_at DESC, seq DESC LIMIT \(limit) OFFSET \(offset)
            """).map(Self.document)
        let total = try await rows("SELECT count(*) FROM documents WHERE owner_id = \(ownerId)").first?.get(0, as: Int.self) ?? 0
        return Page(items: items, total: total)
    }

    public func libraryUsage(ownerId: String) async throws -> LibraryUsage {
        guard let row = try await rows("""
            SELECT (SELECT count(*) FROM documents WHERE owner_id = \(ownerId)),
                   (SELECT COALESCE(SUM(size_bytes), 0)::bigint FROM documents WHERE owner_id = \(ownerId)),
                   (SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.owner_id = \(ownerId)),
                   (SELECT count(*) FROM jobs WHERE owner_id = \(ownerId) AND state IN ('queued', 'running'))
            """).first else { return LibraryUsage(documents: 0, bytes: 0, chunks: 0, activeJobs: 0) }
        return LibraryUsage(documents: try row.get(0, as: Int.self), bytes: try row.get(1, as: Int64.self), chunks: try row.get(2, as: Int.self),
                            activeJobs: try row.get(3, as: Int.self))
    }

    public func documentTitles(ownerId: String, limit: Int) async throws -> [(id: String, title: String)] {
        try await rows("""
            SELECT id, title FROM documents WHERE owner_id = \(ownerId) ORDER BY created_at DESC, seq DESC LIMIT \(limit)
            """).map { (id: try $0.get(0), title: try $0.get(1)) }
    }

    public func content(documentId: String, ownerId: String) async throws -> DocumentContent? {
        guard let text = try await rows("""
            SELECT t.text FROM document_texts t JOIN documents d ON d.id = t.document_id
            WHERE t.document_id = \(documentId) AND d.owner_id = \(ownerId)
            """).first?.get(0, as: String.self) else { return nil }
        let pages = try await rows("""
            SELECT number, start_offset, end_offset FROM document_pages WHERE document_id = \(documentId) ORDER BY number
            """).map { PageRange(number: try $0.get(0), start: try $0.get(1), end: try $0.get(2)) }
        let blocks = try await rows("""
            SELECT kind, level, page, start_offset, end_offset FROM document_blocks WHERE document_id = \(documentId) ORDER BY ordinal
            """).map {
            TextBlock(kind: BlockKind(rawValue: try $0.get(0)) ?? .paragraph, level: try $0.get(1), page: try $0.get(2),
                      start: try $0.get(3), end: try $0.get(4))
        }
        return DocumentContent(text: text, pages: pages, blocks: blocks)
    }

    public func chunks(documentId: String, ownerId: String) async throws -> [ChunkRecord] {
        try await rows("""
            SELECT c.ordinal, c.page, c.page_end, c.start_offset, c.end_offset, c.word_count, c.text
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.document_id = \(documentId) AND d.owner_id = \(ownerId) ORDER BY c.ordinal
            """).map {
            ChunkRecord(ordinal: try $0.get(0), page: try $0.get(1), pageEnd: try $0.get(2), start: try $0.get(3), end: try $0.get(4),
                        wordCount: try $0.get(5), text: try $0.get(6))
        }
    }

    public func renameDocument(id: String, ownerId: String, title: String, at date: Date) async throws -> DocumentRecord? {
        try await rows("""
            UPDATE documents SET title = \(title), updated_at = \(date) WHERE id = \(id) AND owner_id = \(ownerId)
            RETURNING \(unescaped: Self.documentColumns)
            """).first.map(Self.document)
    }

    public func deleteDocument(id: String, ownerId: String) async throws -> DocumentRecord? {
        try await transaction { connection in
            let deleted = try await connection.rows("""
                DELETE FROM documents WHERE id = \(id) AND owner_id = \(ownerId) RETURNING \(unescaped: Self.documentColumns)
                """, logger: logger).first.map(Self.document)
            // Vectors go with their chunks (ON DELETE CASCADE); in-memory indexes elsewhere reload.
            if deleted != nil {
                try await Self.bumpVectorGeneration(ownerId: ownerId, on: connection, logger: logger)
            }
            return deleted
        }
    }

    public func deleteAllDocuments(ownerId: String) async throws -> [DocumentRecord] {
        try await transaction { connection in
            let deleted = try await connection.rows("""
                DELETE FROM documents WHERE owner_id = \(ownerId) RETURNING \(unescaped: Self.documentColumns)
                """, logger: logger).map(Self.document)
            try await Self.bumpVectorGeneration(ownerId: ownerId, on: connection, logger: logger)
            return deleted
        }
    }
}
