import Analysis
import Foundation
import Logging
import ServiceLifecycle

/// Computes the summary and key ideas of newly uploaded documents in the background (for
/// documents too large to analyse within the upload request). A `Service` in the app's
/// `ServiceGroup`: it stops on graceful shutdown; one bad document never stops it.
final class AnalysisWarmer: Service, Sendable {
    struct Job: Sendable {
        var documentId: String
        var ownerId: String
    }

    /// The analyses every document gets at ingestion.
    static let ingestionKinds: [AnalysisKind] = [.summary, .keyIdeas]

    private let service: DocumentAnalysisService
    private let logger: Logger
    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init(service: DocumentAnalysisService, logger: Logger) {
        self.service = service
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    func enqueue(documentId: String, ownerId: String) {
        continuation.yield(Job(documentId: documentId, ownerId: ownerId))
    }

    func run() async throws {
        for await job in stream.cancelOnGracefulShutdown() {
            await warm(job)
        }
    }

    /// Computes (and caches) the ingestion analyses of one document.
    func warm(_ job: Job) async {
        for kind in Self.ingestionKinds {
            do {
                _ = try await service.analysis(documentId: job.documentId, ownerId: job.ownerId, kind: kind, parameters: .init())
            } catch {
                logger.warning("background analysis failed", metadata: [
                    "document_id": .string(job.documentId), "kind": .string(kind.rawValue), "error": "\(error)",
                ])
            }
        }
    }
}
