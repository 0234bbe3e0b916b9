import DocuThinkerCore
public import Foundation
import KnowledgeGraph
public import LLM
public import Logging
public import Storage

/// The prices and budget language-model reading is measured against.
public struct LLMGraphPricing: Sendable {
    /// USD for some tokens of a model (0 when its price is unknown).
    public var cost: @Sendable (_ model: String, _ input: Int, _ output: Int) -> Double
    /// Each user's monthly cap in USD (nil: none).
    public var monthlyBudgetUSD: Double?

    public init(cost: @escaping @Sendable (String, Int, Int) -> Double, monthlyBudgetUSD: Double?) {
        self.cost = cost
        self.monthlyBudgetUSD = monthlyBudgetUSD
    }
}

/// Reads a user's documents with the configured language model, passage by passage, and merges
/// what it finds (checked against the text by `LLMGraphValidator`) into their knowledge graph.
/// One run per user at a time; its progress is kept in the shared cache, so any AI process can
/// report it, and what each document yielded is stored as it goes, so nothing paid for is lost
/// when a run stops. Every call is counted in the user's usage and the run never passes its cap.
public actor LLMGraphExtraction {
    public typealias Store = any DocumentRepository & AnalysisRepository & UsageRepository

    let router: LLMRouter
    let store: Store
    let builder: GraphBuilder
    let cache: any Cache
    let pricing: LLMGraphPricing
    let logger: Logger
    /// Passages asked at once.
    let concurrency: Int
    /// A running job whose progress has not moved for this long was cut short.
    let staleAfter: TimeInterval = 300
    private var tasks: [String: Task<Void, Never>] = [:]
    private var local: [String: LLMGraphJob] = [:]

    public init(router: LLMRouter, store: Store, builder: GraphBuilder, cache: any Cache, pricing: LLMGraphPricing,
                logger: Logger, concurrency: Int = 4) {
        self.router = router
        self.store = store
        self.builder = builder
        self.cache = cache
        self.pricing = pricing
        self.logger = logger
        self.concurrency = max(1, concurrency)
    }

    nonisolated var provider: (name: String, model: String) { (router.providers.first?.name ?? "none", router.providers.first?.model ?? "none") }

    // MARK: Estimate

    /// One document's passages still to read.
    struct Plan: Sendable {
        var documentId: String
        /// The passages not read yet.
        var chunks: [ChunkRecord]
        /// All of the document's passages.
        var chunkCount: Int
        var alreadyRead: Bool { chunks.isEmpty }
    }

    /// What reading the documents (all the caller's ready ones when nil) would cost.
    public func estimate(ownerId: String, documentIds: [String]?) async throws -> LLMGraphEstimate {
        try await estimate(ownerId: ownerId, plans: try await plans(ownerId: ownerId, documentIds: documentIds))
    }

    func estimate(ownerId: String, plans: [Plan]) async throws -> LLMGraphEstimate {
        var input = 0, output = 0, chunks = 0
        for plan in plans {
            for chunk in plan.chunks {
                let call = LLMGraphPrompt.estimatedCall(passage: chunk.text)
                input += call.input
                output += call.output
                chunks += 1
            }
        }
        let budget = try await budget(ownerId: ownerId)
        let cost = Self.rounded(pricing.cost(provider.model, input, output))
        return LLMGraphEstimate(
            provider: provider.name, model: provider.model, documents: plans.count { !$0.alreadyRead },
            documentsAlreadyRead: plans.count(where: \.alreadyRead), chunks: chunks, inputTokens: input, outputTokens: output,
            estimatedCostUSD: cost, priceKnown: pricing.cost(provider.model, 1_000_000, 1_000_000) > 0, budget: budget,
            fitsBudget: budget.remainingUSD.map { cost <= $0 } ?? true)
    }

    /// The caller's month so far.
    func budget(ownerId: String) async throws -> LLMBudget {
        let month = String(Date.now.formatted(.iso8601.year().month()).prefix(7))
        let spent = try await store.usage(userId: ownerId).filter { $0.day.hasPrefix(month) }
            .reduce(0.0) { $0 + pricing.cost($1.model, $1.inputTokens, $1.outputTokens) }
        let cap = pricing.monthlyBudgetUSD
        return LLMBudget(month: month, monthlyUSD: cap, spentUSD: Self.rounded(spent), remainingUSD: cap.map { Self.rounded(max(0, $0 - spent)) })
    }

    /// The passages still to read in each document: the named ones (404 when one is not the
    /// caller's) or every ready document of the caller.
    func plans(ownerId: String, documentIds: [String]?) async throws -> [Plan] {
        var ids: [String] = []
        if let documentIds {
            for id in Self.unique(documentIds) {
                guard let record = try await store.document(id: id, ownerId: ownerId) else { throw DocumentErrors.notFound }
                if record.status == .ready { ids.append(id) }
            }
        } else {
            var offset = 0
            while true {
                let page = try await store.documents(ownerId: ownerId, limit: 200, offset: offset)
                ids += page.items.filter { $0.status == .ready }.map(\.id)
                offset += page.items.count
                if page.items.isEmpty || offset >= page.total { break }
            }
        }
        let records = LLMGraphRecords(store: store)
        var plans: [Plan] = []
        for id in ids {
            let read = try await records.load(id)?.chunksRead ?? []
            let chunks = try await store.chunks(documentId: id, ownerId: ownerId)
            plans.append(Plan(documentId: id, chunks: chunks.filter { !read.contains($0.ordinal) }, chunkCount: chunks.count))
        }
        return plans
    }

    // MARK: Jobs

    /// The caller's current or last run (`idle` when none).
    public func job(ownerId: String) async -> LLMGraphJob {
        if tasks[ownerId] != nil, let job = local[ownerId] { return job }
        guard let data = await cache.value(forKey: Self.jobKey(ownerId)), var job = try? AIContract.decoder.decode(LLMGraphJob.self, from: data) else {
            return local[ownerId] ?? .idle
        }
        if job.isRunning, let updated = job.updatedAt, Date.now.timeIntervalSince(updated) > staleAfter {
            job.state = "interrupted"
            job.error = "The AI service running it stopped; start again to continue (what was read is kept)."
        }
        return job
    }

    /// Starts reading the documents. Refused while a run of the caller's is going (409), when the
    /// remaining budget is spent, or when the estimate passes it and no `maxCostUSD` says to go as
    /// far as it allows (422 `budget_exceeded`).
    public func start(ownerId: String, _ request: LLMGraphStartRequest) async throws -> LLMGraphJob {
        if let max = request.maxCostUSD, !(max > 0 && max.isFinite) {
            throw DomainError(.invalid, code: "validation_failed", message: "maxCostUSD must be a positive number of dollars.",
                              details: ["field": "maxCostUSD"])
        }
        guard !(await job(ownerId: ownerId)).isRunning else {
            throw DomainError(.conflict, code: "extraction_running",
                              message: "A model is already reading your library; wait for it to finish or cancel it.")
        }
        let plans = try await plans(ownerId: ownerId, documentIds: request.documentIds)
        let estimate = try await estimate(ownerId: ownerId, plans: plans)
        let remaining = estimate.budget.remainingUSD
        if let remaining, remaining <= 0, estimate.chunks > 0 {
            throw DomainError(.unprocessable, code: "budget_exceeded",
                              message: "Your model budget for \(estimate.budget.month) is used up (\(Self.dollars(estimate.budget.monthlyUSD ?? 0))).",
                              details: ["spentUSD": "\(estimate.budget.spentUSD)"])
        }
        if let remaining, request.maxCostUSD == nil, estimate.estimatedCostUSD > remaining {
            throw DomainError(.unprocessable, code: "budget_exceeded", message: """
                Reading these documents is estimated at \(Self.dollars(estimate.estimatedCostUSD)), more than the \(Self.dollars(remaining)) \
                left of your budget this month: choose fewer documents, or set maxCostUSD to read as far as it allows.
                """, details: ["estimatedCostUSD": "\(estimate.estimatedCostUSD)", "remainingUSD": "\(remaining)"])
        }
        let cap = [request.maxCostUSD, remaining].compactMap { $0 }.min()
        let now = Date.now
        var job = LLMGraphJob(state: "running", id: UUID().uuidString.lowercased(), provider: provider.name, model: provider.model,
                              documentsTotal: plans.count { !$0.alreadyRead }, chunksTotal: estimate.chunks,
                              estimatedCostUSD: estimate.estimatedCostUSD, capUSD: cap, startedAt: now, updatedAt: now)
        if estimate.chunks == 0 {
            job.state = "succeeded"
            job.finishedAt = now
        }
        await publish(job, ownerId: ownerId)
        guard job.isRunning else { return job }
        let runner = Runner(owner: self, ownerId: ownerId, plans: plans.filter { !$0.alreadyRead }, job: job)
        tasks[ownerId] = Task { await runner.run() }
        logger.info("llm graph extraction started", metadata: [
            "owner": .string(ownerId), "documents": .stringConvertible(job.documentsTotal), "chunks": .stringConvertible(job.chunksTotal),
            "estimated_usd": .stringConvertible(job.estimatedCostUSD),
        ])
        return job
    }

    /// Stops the caller's run after the passages being read (in this process or, through the
    /// shared cache, another one).
    public func cancel(ownerId: String) async -> LLMGraphJob {
        let job = await job(ownerId: ownerId)
        guard job.isRunning, let id = job.id else { return job }
        await cache.set(Data(id.utf8), forKey: Self.cancelKey(ownerId), ttl: .seconds(3_600))
        tasks[ownerId]?.cancel()
        if let task = tasks[ownerId] { await task.value }
        return await self.job(ownerId: ownerId)
    }

    /// Waits for the caller's run in this process to end (tests and shutdown).
    public func wait(ownerId: String) async {
        await tasks[ownerId]?.value
    }

    func publish(_ job: LLMGraphJob, ownerId: String) async {
        var job = job
        job.updatedAt = .now
        local[ownerId] = job
        if let data = try? AIContract.encoder.encode(job) { await cache.set(data, forKey: Self.jobKey(ownerId), ttl: .seconds(30 * 86_400)) }
    }

    func finished(ownerId: String, _ job: LLMGraphJob) async {
        var job = job
        job.finishedAt = .now
        await publish(job, ownerId: ownerId)
        tasks[ownerId] = nil
        await cache.remove([Self.cancelKey(ownerId)])
        logger.info("llm graph extraction ended", metadata: [
            "owner": .string(ownerId), "state": .string(job.state), "chunks": .stringConvertible(job.chunksDone),
            "usd": .stringConvertible(job.costUSD), "dropped_mentions": .stringConvertible(job.droppedMentions),
        ])
    }

    func cancelRequested(ownerId: String, jobId: String) async -> Bool {
        guard let data = await cache.value(forKey: Self.cancelKey(ownerId)) else { return false }
        return String(decoding: data, as: UTF8.self) == jobId
    }

    static func jobKey(_ ownerId: String) -> String { "graph-llm-job:\(ownerId)" }
    static func cancelKey(_ ownerId: String) -> String { "graph-llm-cancel:\(ownerId)" }
    static func rounded(_ usd: Double) -> Double { (usd * 1_000_000).rounded() / 1_000_000 }
    static func dollars(_ usd: Double) -> String { String(format: "$%.4f", usd) }
    static func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }
}
