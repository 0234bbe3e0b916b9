import DocuThinkerCore
import Extraction
import Foundation
import Storage

extension IngestionPipeline {
    /// The OCR stage: reads every page without a usable text layer (as many at once as the
    /// executor has threads), recording progress page by page and keeping each page read, then
    /// stores the document's text with those pages in it. Returns the chunk count.
    func readScannedPages(_ job: JobRecord, worker: String, control: JobControl) async throws -> Int {
        let record = try await documentRecord(job)
        guard let ocr else {
            // OCR was turned off after the job was queued: store what the text layer holds.
            let processed = try await process(record, control: control) { ingestor, data in try ingestor.processSynchronously(data) }
            return try await store(processed, job: job)
        }
        let requests = try await process(record, control: control) { ingestor, data in try ingestor.extractor.extract(data).ocrRequests }
        var pages: [Int: OCRPage] = [:]
        for request in requests {
            if let saved = try await ocr.records.analysis(ocr.pageKey(job.documentId, page: request.page), as: OCRPage.self) {
                pages[request.page] = saved.result
            }
        }
        func progress() async throws {
            guard try await jobs.updateJob(jobId: job.id, worker: worker, stage: .ocr, done: pages.count, total: requests.count, at: .now) else {
                throw JobStopped(reason: .leaseLost)
            }
        }
        try await progress()
        let pending = requests.filter { pages[$0.page] == nil }
        var failures: [Int: String] = [:]
        if !pending.isEmpty {
            try await withLocalFile(record) { path in
                try await withThrowingTaskGroup(of: (OCRPage, String?).self) { group in
                    var next = 0
                    while next < min(executor.threads, pending.count) {
                        let request = pending[next]
                        group.addTask { [executor] in try await Self.read(request, path: path, reader: ocr.reader, executor: executor, control: control) }
                        next += 1
                    }
                    while let (page, failure) = try await group.next() {
                        pages[page.page] = page
                        if let failure {
                            failures[page.page] = failure
                        } else {
                            try await ocr.records.saveAnalysis(ocr.pageKey(job.documentId, page: page.page), result: page, at: .now)
                        }
                        try control.check()
                        try await progress()
                        if next < pending.count {
                            let request = pending[next]
                            group.addTask { [executor] in try await Self.read(request, path: path, reader: ocr.reader, executor: executor, control: control) }
                            next += 1
                        }
                    }
                }
            }
        }
        let read = pages
        var processed = try await process(record, control: control) { ingestor, data in try ingestor.processSynchronously(data, ocr: read) }
        if !failures.isEmpty {
            let listed = failures.keys.sorted().map(String.init).joined(separator: ", ")
            let problem = "OCR could not read page\(failures.count == 1 ? "" : "s") \(listed): \(failures.values.first ?? "")"
            guard processed.extraction.hasText else {
                throw ExtractionError(.ocrFailed, problem)
            }
            processed.extraction.quality.warnings.append(problem)
        }
        let chunks = try await store(processed, job: job)
        try await ocr.records.saveAnalysis(
            OCRStage.wordsKey(job.documentId), result: OCRWordBoxes(languages: ocr.reader.languages, pages: processed.extraction.ocrPages), at: .now)
        return chunks
    }

    /// One page read on the executor's threads; a page the reader fails on comes back empty with
    /// the reason (the document goes on without it), a stop throws `JobStopped`.
    private static func read(_ request: OCRRequest, path: String, reader: any PageReader, executor: IngestionExecutor,
                             control: JobControl) async throws -> (OCRPage, String?) {
        do {
            return (try await executor.run { try reader.read(request, file: path, interrupt: { control.isStopped }) }, nil)
        } catch let error as ExtractionError where error.code == .ocrFailed {
            return (OCRPage(page: request.page, width: 0, height: 0, dpi: nil, text: "", words: []), error.message)
        } catch is CancellationError {
            throw JobStopped(reason: control.reason ?? .shutdown)
        }
    }

    /// Runs `body` with a path to the document's original file: the object store's own file, or
    /// a private temporary copy of the object (removed afterwards).
    private func withLocalFile<Value: Sendable>(_ record: DocumentRecord, _ body: (String) async throws -> Value) async throws -> Value {
        if let path = objects.localPath(for: record.objectKey) { return try await body(path) }
        let data = try await objects.read(key: record.objectKey, maxBytes: ingestor.extractor.limits.maxBytes + 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docuthinker-ocr-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("original")
        try data.write(to: file)
        return try await body(file.path)
    }
}
