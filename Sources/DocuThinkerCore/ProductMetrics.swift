public import Metrics

/// The product's own metrics, emitted through swift-metrics by the libraries that do the work
/// (one bootstrap in the executable decides where they go: `/metrics` in Prometheus text, and
/// OTLP when telemetry is on; without a bootstrap they cost nothing). Names are Prometheus
/// names; every name always carries the same dimension keys.
public enum ProductMetrics {
    /// Pages extracted (text layer or OCR), by format: ingestion pages/s is its rate.
    public static func pagesExtracted(_ pages: Int, format: String) {
        Counter(label: "docuthinker_ingestion_pages_total", dimensions: [("format", format)]).increment(by: pages)
    }

    /// One run of an ingestion job ended: `outcome` is finished, yielded, paused, stopped, retry or failed.
    public static func ingestionRun(outcome: String, duration: Duration) {
        Timer(label: "docuthinker_ingestion_run_duration_seconds", dimensions: [("outcome", outcome)]).record(duration: duration)
    }

    /// Jobs waiting to run (queued, or held under an expired lease), read at each look at the queue.
    public static func queueDepth(_ jobs: Int) {
        Gauge(label: "docuthinker_ingestion_queue_depth").record(jobs)
    }

    /// Texts embedded by the model: `purpose` is `chunks` (ingestion) or `query` (search).
    public static func embedded(_ texts: Int, purpose: String, duration: Duration) {
        Counter(label: "docuthinker_embedding_texts_total", dimensions: [("purpose", purpose)]).increment(by: texts)
        Timer(label: "docuthinker_embedding_duration_seconds", dimensions: [("purpose", purpose)]).record(duration: duration)
    }

    /// One call to an LLM provider: `outcome` is `ok` or the error code (rate_limited, timeout, …).
    public static func providerCall(provider: String, model: String, outcome: String, duration: Duration, usage: (input: Int, output: Int)?) {
        Timer(label: "docuthinker_llm_request_duration_seconds",
              dimensions: [("provider", provider), ("model", model), ("outcome", outcome)]).record(duration: duration)
        guard let usage else { return }
        let tokens = "docuthinker_llm_tokens_total"
        Counter(label: tokens, dimensions: [("provider", provider), ("model", model), ("direction", "input")]).increment(by: usage.input)
        Counter(label: tokens, dimensions: [("provider", provider), ("model", model), ("direction", "output")]).increment(by: usage.output)
    }

    /// A cache was asked: `cache` is `analysis` (stored analyses), `query_embedding` or `vector_index` (an owner's loaded vectors).
    public static func cacheLookup(_ cache: String, hit: Bool) {
        Counter(label: "docuthinker_cache_requests_total", dimensions: [("cache", cache), ("result", hit ? "hit" : "miss")]).increment()
    }

    /// A request refused by a limit (`login`, `register`, `reset`, `upload_jobs`, …).
    public static func rateLimited(_ limit: String) {
        Counter(label: "docuthinker_rate_limit_rejections_total", dimensions: [("limit", limit)]).increment()
    }
}
