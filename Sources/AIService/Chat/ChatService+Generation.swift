import DocuThinkerCore
import Foundation
public import LLM
import Storage

extension ChatService {
    enum Generated { case answered, fellBack(String) }

    /// The model writes the answer from numbered sentences, citing them as `[S2]`; its tokens are
    /// passed on as they arrive (markers taken out, each first citation of a valid source sent
    /// after the text it supports). `NOT_FOUND` as the answer means the sources do not answer.
    /// When no provider starts an answer, the reason is returned and nothing was sent.
    func generate(question: String, candidates: [Candidate], router: LLMRouter, source: SourceLoader,
                          into continuation: AsyncThrowingStream<Event, any Error>.Continuation) async throws -> Generated {
        let valid = try await validate(candidates, source: source)
        let numbered = candidates.enumerated().map { "[S\($0.offset + 1)] \($0.element.text)" }.joined(separator: "\n")
        let system = """
            Answer the user's question using only the numbered source sentences, in plain prose. After each claim, \
            cite the sentences it rests on as [S1] or [S1, S3]. If the sources do not answer the question, reply \
            exactly NOT_FOUND and nothing else.
            """
        let prompt = "Sources:\n\(numbered)\n\nQuestion: \(question)"
        let request = LLMRequest(system: system, messages: [.init(role: .user, content: prompt)], maxTokens: 700)
        var filter = SourceMarkerFilter()
        var text = "", held = "", decided = false
        var citations: [Citation] = []
        var cited = Set<Int>()
        var dropped = 0
        var writer: (provider: String, model: String, usage: LLMUsage?)?
        var brokeOff: String?

        func send(_ pieces: [SourceMarkerFilter.Piece]) {
            for piece in pieces {
                switch piece {
                case .text(let delta):
                    if decided {
                        text += delta
                        continuation.yield(.delta(delta))
                    } else {
                        held += delta  // until it is clear the answer is not NOT_FOUND
                    }
                case .source(let number):
                    guard cited.insert(number).inserted else { continue }
                    guard (1...candidates.count).contains(number), let citation = valid[number - 1] else { dropped += 1; continue }
                    citations.append(citation)
                    release()
                    continuation.yield(.citation(citation))
                }
            }
        }
        func release() {
            guard !decided, !held.isEmpty else { return }
            decided = true
            text = held
            continuation.yield(.delta(held))
            held = ""
        }

        do {
            reading: for try await part in router.stream(request) {
                switch part {
                case .text(let delta):
                    send(filter.feed(delta))
                    if !decided, held.count >= 9 {
                        if held.hasPrefix("NOT_FOUND") { break reading }
                        release()
                    }
                case .end(let provider, let model, let usage):
                    writer = (provider, model, usage)
                }
            }
        } catch let error as LLMError {
            if !decided, held.isEmpty, citations.isEmpty { return .fellBack(error.message) }
            brokeOff = error.message
        }
        send(filter.finish())
        let usage = UsageRecord.request(provider: writer?.provider ?? router.providers.first?.name ?? "llm",
                                        model: writer?.model ?? router.providers.first?.model ?? "unknown",
                                        // The provider's own count; estimated (4 characters a token) when it sent none.
                                        inputTokens: writer?.usage?.inputTokens ?? (system.count + prompt.count) / 4,
                                        outputTokens: writer?.usage?.outputTokens ?? (text.count + held.count) / 4)
        if !decided, held.hasPrefix("NOT_FOUND") || held.isEmpty {
            continuation.yield(.delta(Self.notFound))
            continuation.yield(.done(Answer(text: Self.notFound, found: false, citations: [], droppedCitations: dropped,
                                            usage: usage, engine: "llm", fallback: brokeOff)))
            return .answered
        }
        release()
        continuation.yield(.done(Answer(text: text, found: !citations.isEmpty, citations: citations, droppedCitations: dropped,
                                        usage: usage, engine: "llm", fallback: brokeOff)))
        return .answered
    }
}

extension UsageRecord {
    /// One model call made now.
    static func request(_ response: LLMResponse) -> UsageRecord {
        .request(provider: response.provider, model: response.model, inputTokens: response.usage.inputTokens,
                 outputTokens: response.usage.outputTokens)
    }
}
