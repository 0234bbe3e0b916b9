import Analysis
import DocuThinkerCore
import Foundation
import KnowledgeGraph
import LLM
import Storage

extension LLMGraphExtraction {
    /// One run: the documents in turn, a few passages at a time; after each document its graph is
    /// built again with what the model found.
    struct Runner: Sendable {
        let owner: LLMGraphExtraction
        let ownerId: String
        let plans: [Plan]
        var job: LLMGraphJob

        /// Why a run ends before its last passage.
        enum Stop: Error {
            case cancelled, budget, failed(String)
        }

        func run() async {
            var job = job
            do {
                for plan in plans {
                    do {
                        try await read(plan, job: &job)
                    } catch let error as DomainError where error.kind == .notFound || error.kind == .unprocessable || error.kind == .conflict {
                        // Deleted or changed while waiting: the rest of the library goes on.
                        job.documentErrors.append(.init(documentId: plan.documentId, message: error.message))
                    }
                    job.documentsDone += 1
                    await owner.publish(job, ownerId: ownerId)
                }
                job.state = "succeeded"
            } catch Stop.cancelled {
                job.state = "cancelled"
            } catch Stop.budget {
                job.state = "budget_reached"
                job.error = "Stopped before the next passage would pass the cap of \(LLMGraphExtraction.dollars(job.capUSD ?? 0)); what was read is in the graph."
            } catch Stop.failed(let message) {
                job.state = "failed"
                job.error = message
            } catch is CancellationError {
                job.state = "cancelled"
            } catch {
                job.state = "failed"
                job.error = "\(error)"
            }
            await owner.finished(ownerId: ownerId, job)
        }

        /// Reads one document's remaining passages, saving what they yield every few passages, then
        /// rebuilds its graph (also when the run stops part-way: what was paid for is used).
        func read(_ plan: Plan, job: inout LLMGraphJob) async throws {
            let document = try await owner.builder.documents.document(id: plan.documentId, ownerId: ownerId)
            let validator = LLMGraphValidator(text: document.text, sentences: document.sentences)
            let records = LLMGraphRecords(store: owner.store)
            var record = try await records.load(plan.documentId)
                ?? LLMGraphRecord(provider: owner.provider.name, model: owner.provider.model, chunkCount: plan.chunkCount)
            record.chunkCount = plan.chunkCount
            var pending = plan.chunks[...]
            var stop: Stop?
            while !pending.isEmpty, stop == nil {
                let cancelled = await owner.cancelRequested(ownerId: ownerId, jobId: job.id ?? "")
                if Task.isCancelled || cancelled {
                    stop = .cancelled
                    break
                }
                // As many passages as fit the cap, up to `concurrency`.
                var batch: [ChunkRecord] = []
                var planned = job.costUSD
                for chunk in pending.prefix(owner.concurrency) {
                    let call = LLMGraphPrompt.estimatedCall(passage: chunk.text)
                    let cost = owner.pricing.cost(owner.provider.model, call.input, call.output)
                    if let cap = job.capUSD, planned + cost > cap { break }
                    planned += cost
                    batch.append(chunk)
                }
                guard !batch.isEmpty else {
                    stop = .budget
                    break
                }
                pending = pending.dropFirst(batch.count)
                let answers = await ask(batch)
                for (chunk, answer) in zip(batch, answers) {
                    switch answer {
                    case .success(let response):
                        try? await owner.store.recordUsage(userId: ownerId, .request(
                            provider: response.provider, model: response.model,
                            inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens))
                        job.inputTokens += response.usage.inputTokens
                        job.outputTokens += response.usage.outputTokens
                        job.costUSD = LLMGraphExtraction.rounded(job.costUSD + owner.pricing.cost(
                            response.model, response.usage.inputTokens, response.usage.outputTokens))
                        record.inputTokens += response.usage.inputTokens
                        record.outputTokens += response.usage.outputTokens
                        guard let proposed = LLMGraphPrompt.read(response.text) else {
                            job.failedChunks += 1
                            continue
                        }
                        let checked = validator.validate(proposed.entities, proposed.relations, start: chunk.start, end: chunk.end, page: chunk.page)
                        record.graph = record.graph.adding(checked.graph)
                        record.droppedMentions += checked.droppedMentions
                        record.droppedEntities += checked.droppedEntities
                        record.droppedRelations += checked.droppedRelations
                        job.droppedMentions += checked.droppedMentions
                        job.droppedEntities += checked.droppedEntities
                        job.droppedRelations += checked.droppedRelations
                        record.chunksRead.insert(chunk.ordinal)
                        job.chunksDone += 1
                    case .failure where Task.isCancelled:
                        stop = .cancelled
                    case .failure(let error as LLMError):
                        stop = .failed(error.code == .unavailable ? error.message : "The model failed: \(error.cause).")
                    case .failure(is CancellationError):
                        stop = .cancelled
                    case .failure(let error):
                        stop = .failed("\(error)")
                    }
                }
                try await records.save(record, documentId: plan.documentId)
                await owner.publish(job, ownerId: ownerId)
            }
            if !record.chunksRead.isEmpty {
                try await owner.builder.buildGraph(documentId: plan.documentId, ownerId: ownerId)
            }
            if let stop { throw stop }
        }

        /// The model's answers for a few passages, asked at once, in the passages' order.
        func ask(_ batch: [ChunkRecord]) async -> [Result<LLMResponse, any Error>] {
            await withTaskGroup(of: (Int, Result<LLMResponse, any Error>).self) { group in
                for (index, chunk) in batch.enumerated() {
                    group.addTask {
                        let request = LLMRequest(system: LLMGraphPrompt.system, messages: [.init(role: .user, content: LLMGraphPrompt.message(passage: chunk.text))],
                                                 maxTokens: LLMGraphPrompt.maxAnswerTokens, temperature: 0, json: true)
                        do {
                            return (index, .success(try await owner.router.complete(request)))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var out = [Result<LLMResponse, any Error>?](repeating: nil, count: batch.count)
                for await (index, result) in group { out[index] = result }
                return out.map { $0! }
            }
        }
    }
}
