import DocuThinkerCore
public import Logging
public import ServiceLifecycle
public import Storage
import KnowledgeGraph

/// Brings every ready document's knowledge graph to the extractor's version in the background:
/// documents ingested before graphs existed, graphs of an older extraction version, and builds
/// that failed. Runs at start and then every `interval`, a batch at a time, logging its progress;
/// new uploads get their graph from the ingestion job itself.
public struct GraphRebuildService: Service {
    let builder: GraphBuilder
    let store: any GraphStore
    let logger: Logger
    var interval: Duration = .seconds(300)
    var batch = 16
    /// Waits for the database's migrations before the first query.
    let startsAfter: @Sendable () async throws -> Void

    public init(builder: GraphBuilder, store: any GraphStore, logger: Logger, startsAfter: @escaping @Sendable () async throws -> Void = {}) {
        self.builder = builder
        self.store = store
        self.logger = logger
        self.startsAfter = startsAfter
    }

    static var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    public func run() async throws {
        try await startsAfter()
        while !Self.stopping {
            await rebuildStale()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Rebuilds every stale graph it finds (skipping documents that fail, so one bad document
    /// cannot stall the rest). Returns how many graphs were built.
    @discardableResult
    public func rebuildStale() async -> Int {
        var built = 0
        var failed: Set<DocumentReference> = []
        let started = ContinuousClock.now
        while !Self.stopping {
            let pending: [DocumentReference]
            do {
                pending = try await store.documentsNeedingGraph(version: EntityExtractor.version, limit: batch + failed.count)
                    .filter { !failed.contains($0) }
            } catch {
                logger.warning("knowledge graph rebuild: cannot list documents", metadata: ["error": "\(error)"])
                return built
            }
            if pending.isEmpty { break }
            for reference in pending {
                if Self.stopping { return built }
                do {
                    try await builder.buildGraph(documentId: reference.documentId, ownerId: reference.ownerId)
                    built += 1
                } catch {
                    failed.insert(reference)
                    logger.warning("knowledge graph rebuild failed", metadata: ["document_id": .string(reference.documentId), "error": "\(error)"])
                }
            }
            logger.info("knowledge graph rebuild", metadata: [
                "built": .stringConvertible(built), "version": .stringConvertible(EntityExtractor.version),
                "seconds": .stringConvertible((ContinuousClock.now - started).components.seconds),
            ])
        }
        return built
    }
}
