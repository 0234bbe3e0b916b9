import DocuThinkerCore
import ServerSupport
import Hummingbird
import HTTPTypes
import NIOCore
public import CoreMetrics
import Metrics
public import Prometheus

/// Where the process's own metrics go, beyond an app's request metrics: the executable bootstraps
/// swift-metrics once (ingestion, embeddings, providers, caches and rate limits emit through it)
/// into `registry`, and hands the OTLP exporter's factory when telemetry exports metrics.
public struct ProcessMetrics: Sendable {
    /// The registry swift-metrics was bootstrapped with (served at `/metrics` after the request series).
    public var registry: PrometheusCollectorRegistry?
    /// Request metrics are also recorded here (OTLP), when set.
    public var export: (any MetricsFactory)?

    /// Nothing beyond the app's own request metrics (tests, commands without a server).
    public static let none = ProcessMetrics()

    public init(registry: PrometheusCollectorRegistry? = nil, export: (any MetricsFactory)? = nil) {
        self.registry = registry
        self.export = export
    }
}

/// Prometheus metrics of one app (`GET /metrics`, text exposition format): requests by route,
/// method and status, and their latency, then the process's own metrics. Each app owns its
/// request registry, so tests and several apps in one process never share request counters.
struct RequestMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// `api`, `ai` or `serve`: a label on every series.
    let service: String
    /// The process's metrics registry and OTLP export.
    var process: ProcessMetrics = .none

    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
                                      .milliseconds(250), .seconds(1), .seconds(2.5), .seconds(10), .seconds(30)]

    func record(route: String, method: String, status: Int, elapsed: Duration) {
        let labels = [("service", service), ("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(descriptor: .init(namespace: "docuthinker", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests handled"), labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "docuthinker", metricName: "http_request_duration", unitName: "seconds",
                              helpText: "HTTP request latency"),
            labels: [("service", service), ("route", route)], buckets: Self.buckets).record(elapsed)
        if let export = process.export {
            Counter(label: "docuthinker_http_requests_total", dimensions: labels, factory: export).increment()
            Timer(label: "docuthinker_http_request_duration_seconds", dimensions: [("service", service), ("route", route)], factory: export)
                .record(duration: elapsed)
        }
    }

    /// `GET /metrics`, for whom `security` lets read it (404 to anyone else: nothing to see here).
    func addRoute(to router: Router<AppRequestContext>, security: HTTPSecurity) {
        router.get("metrics") { request, context -> Response in
            guard security.mayReadMetrics(request, context: context) else { throw APIError.notFound() }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer() + (process.registry?.emitToBuffer() ?? []))))
        }
    }
}

/// Records every request into `RequestMetrics` (errors included, with their status).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
                           elapsed: .now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            if status == 429 { ProductMetrics.rateLimited((error as? APIError)?.code ?? "rate_limited") }
            metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
                           elapsed: .now - started)
            throw error
        }
    }
}
