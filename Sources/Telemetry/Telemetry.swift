public import CoreMetrics
public import Logging
import OTel
public import Prometheus
public import ServiceLifecycle
import Tracing

/// What `Telemetry.bootstrap` set up, for the application to use.
public struct TelemetryBackends: Sendable {
    /// The exporters' services, to run before the application in one `ServiceGroup` (they stop
    /// after it, flushing its last spans and metrics).
    public var services: [any Service]
    /// The registry swift-metrics writes to (the product's metrics, served at `/metrics`).
    public var registry: PrometheusCollectorRegistry
    /// The OTLP metrics factory when metrics are exported (request metrics are recorded there too).
    public var metricsExport: (any MetricsFactory)?
}

/// The process's telemetry: swift-log (JSON lines on stdout always, OTLP log records when on) and
/// swift-distributed-tracing (OTLP spans when on), bootstrapped once, before the application is
/// built (AsyncHTTPClient takes the tracer when a client is made, and then sends `traceparent`
/// on every call: api → ai, providers, S3, Chroma).
public enum Telemetry {
    /// Bootstraps logging, metrics and tracing for `settings`, once per process. Metrics always
    /// go to a Prometheus registry (served at `/metrics`), and also over OTLP when exported.
    ///
    /// - Parameter jsonHandler: the stdout handler for a label (the JSON lines every process writes).
    public static func bootstrap(
        settings: TelemetrySettings, logLevel: Logger.Level,
        jsonHandler: @escaping @Sendable (String, Logger.MetadataProvider?) -> any LogHandler
    ) throws -> TelemetryBackends {
        let registry = PrometheusCollectorRegistry()
        let prometheus = PrometheusMetricsFactory(registry: registry)
        var services: [any Service] = []
        // Errors go to Sentry when SENTRY_DSN is set, with or without OTLP.
        let sentry = settings.sentryDSN.map {
            SentryReporter(dsn: $0, serviceName: settings.serviceName, environment: settings.sentryEnvironment, release: settings.release)
        }
        if let sentry { services.append(sentry) }
        guard settings.isOn else {
            LoggingSystem.bootstrap { label in
                guard let sentry else { return jsonHandler(label, nil) }
                return MultiplexLogHandler([jsonHandler(label, nil), sentry.logHandler(label: label)])
            }
            MetricsSystem.bootstrap(prometheus)
            return TelemetryBackends(services: services, registry: registry, metricsExport: nil)
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.traces.enabled = settings.traces
        configuration.logs.enabled = settings.logs
        configuration.metrics.enabled = settings.metrics
        configuration.logs.level = .init(logLevel)
        // The exporter's own complaints (an unreachable collector) go to stdout as JSON, never back into OTLP.
        configuration.diagnosticLogger = .custom(Logger(label: "swift-otel") { label in jsonHandler(label, nil) })
        var otlpLogs: (@Sendable (String) -> any LogHandler)?
        if settings.logs {
            let backend = try OTel.makeLoggingBackend(configuration: configuration)
            otlpLogs = backend.factory
            services.append(backend.service)
        }
        var metricsExport: (any MetricsFactory)?
        if settings.metrics {
            let backend = try OTel.makeMetricsBackend(configuration: configuration)
            metricsExport = backend.factory
            services.append(backend.service)
            MetricsSystem.bootstrap(MultiplexMetricsHandler(factories: [prometheus, backend.factory]))
        } else {
            MetricsSystem.bootstrap(prometheus)
        }
        if settings.traces {
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            services.append(backend.service)
        }
        // Every stdout line (and Sentry event) carries `trace_id` and `span_id` inside a span; OTLP log records carry them natively.
        let provider = settings.traces ? OTel.makeLoggingMetadataProvider() : nil
        LoggingSystem.bootstrap({ label, _ in
            var handlers = [jsonHandler(label, provider)]
            if let otlpLogs { handlers.append(otlpLogs(label)) }
            if let sentry {
                var handler = sentry.logHandler(label: label)
                handler.metadataProvider = provider
                handlers.append(handler)
            }
            return handlers.count == 1 ? handlers[0] : MultiplexLogHandler(handlers)
        }, metadataProvider: nil)
        return TelemetryBackends(services: services, registry: registry, metricsExport: metricsExport)
    }
}

extension OTel.Configuration.LogLevel {
    init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info, .notice: self = .info
        case .warning: self = .warning
        case .error, .critical: self = .error
        }
    }
}
