public import Logging
import OTel
public import ServiceLifecycle
import Tracing

/// The process's telemetry: swift-log (JSON lines on stdout always, OTLP log records when on) and
/// swift-distributed-tracing (OTLP spans when on), bootstrapped once, before the application is
/// built (AsyncHTTPClient takes the tracer when a client is made, and then sends `traceparent`
/// on every call: api → ai, providers, S3, Chroma).
public enum Telemetry {
    /// Bootstraps logging and tracing for `settings`; returns the exporters' services, to run
    /// before the application in one `ServiceGroup` (they stop after it, flushing its last spans).
    ///
    /// - Parameter jsonHandler: the stdout handler for a label (the JSON lines every process writes).
    public static func bootstrap(
        settings: TelemetrySettings, logLevel: Logger.Level,
        jsonHandler: @escaping @Sendable (String, Logger.MetadataProvider?) -> any LogHandler
    ) throws -> [any Service] {
        guard settings.isOn else {
            LoggingSystem.bootstrap { label in jsonHandler(label, nil) }
            return []
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.traces.enabled = settings.traces
        configuration.logs.enabled = settings.logs
        configuration.metrics.enabled = false
        configuration.logs.level = .init(logLevel)
        // The exporter's own complaints (an unreachable collector) go to stdout as JSON, never back into OTLP.
        configuration.diagnosticLogger = .custom(Logger(label: "swift-otel") { label in jsonHandler(label, nil) })
        var services: [any Service] = []
        var otlpLogs: (@Sendable (String) -> any LogHandler)?
        if settings.logs {
            let backend = try OTel.makeLoggingBackend(configuration: configuration)
            otlpLogs = backend.factory
            services.append(backend.service)
        }
        if settings.traces {
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            services.append(backend.service)
        }
        // Every stdout line carries `trace_id` and `span_id` inside a span; OTLP log records carry them natively.
        let provider = settings.traces ? OTel.makeLoggingMetadataProvider() : nil
        LoggingSystem.bootstrap({ label, _ in
            let json = jsonHandler(label, provider)
            guard let otlpLogs else { return json }
            return MultiplexLogHandler([json, otlpLogs(label)])
        }, metadataProvider: nil)
        return services
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
