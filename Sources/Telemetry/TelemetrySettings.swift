import Foundation

/// Which OpenTelemetry signals a DocuThinker process exports, read from the standard `OTEL_*`
/// variables. Telemetry is off unless an OTLP endpoint is configured, and the product behaves the
/// same either way. Values this build cannot honour are refused at start with a sentence that
/// says what to set instead: swift-otel would otherwise stop the process (`fatalError`) on them.
public struct TelemetrySettings: Sendable, Equatable {
    /// Export traces (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
    public var traces: Bool
    /// Export log records (`…_LOGS_ENDPOINT`); JSON lines on stdout are written either way.
    public var logs: Bool
    /// Export metrics (`…_METRICS_ENDPOINT`, every `OTEL_METRIC_EXPORT_INTERVAL` ms, default 60 s);
    /// `/metrics` answers in Prometheus text either way.
    public var metrics: Bool
    /// `OTEL_SERVICE_NAME`, else `docuthinker-ROLE` (`docuthinker-api`, `docuthinker-ai`, `docuthinker-serve`).
    public var serviceName: String

    /// `SENTRY_DSN`: ERROR records also go to Sentry as events (independent of OTLP; no default).
    public var sentryDSN: SentryDSN?
    /// `SENTRY_ENVIRONMENT` (e.g. production), sent with each event.
    public var sentryEnvironment: String?
    /// `SENTRY_RELEASE`, the release events name (default `docuthinker`).
    public var release = "docuthinker"

    /// Whether any OpenTelemetry signal is exported.
    public var isOn: Bool { traces || logs || metrics }

    /// Reads `environment` for a process of `role`.
    public init(environment: [String: String], role: String) throws(TelemetryConfigurationError) {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        serviceName = value("OTEL_SERVICE_NAME") ?? "docuthinker-\(role)"
        sentryEnvironment = value("SENTRY_ENVIRONMENT")
        release = value("SENTRY_RELEASE") ?? "docuthinker"
        if let dsn = value("SENTRY_DSN") {
            guard let parsed = SentryDSN(dsn) else {
                throw TelemetryConfigurationError("SENTRY_DSN is not a Sentry DSN: expected https://PUBLIC_KEY@HOST/PROJECT_ID (the value is not repeated here).")
            }
            sentryDSN = parsed
        }
        if value("OTEL_SDK_DISABLED")?.lowercased() == "true" {
            traces = false
            logs = false
            metrics = false
            return
        }
        for name in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
                     "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] {
            if let proto = value(name), !["http/protobuf", "http/json"].contains(proto.lowercased()) {
                throw TelemetryConfigurationError("\(name)=\(proto) is not available: DocuThinker exports over OTLP/HTTP. Set http/protobuf (or http/json).")
            }
        }
        if let propagators = value("OTEL_PROPAGATORS") {
            let unsupported = propagators.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !["tracecontext", "none", ""].contains($0) }
            if !unsupported.isEmpty {
                throw TelemetryConfigurationError("OTEL_PROPAGATORS=\(propagators): only W3C trace context is available. Set OTEL_PROPAGATORS=tracecontext.")
            }
        }
        if let sampler = value("OTEL_TRACES_SAMPLER"),
           !["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
             "parentbased_traceidratio"].contains(sampler.lowercased()) {
            throw TelemetryConfigurationError("OTEL_TRACES_SAMPLER=\(sampler) is not available. Use always_on, always_off, traceidratio or their parentbased_ forms.")
        }
        /// A signal is on when an endpoint reaches it and its exporter is not `none`.
        func enabled(_ signal: String) throws(TelemetryConfigurationError) -> Bool {
            let exporter = value("OTEL_\(signal)_EXPORTER")?.lowercased() ?? "otlp"
            if exporter == "none" { return false }
            guard exporter == "otlp" else {
                throw TelemetryConfigurationError("OTEL_\(signal)_EXPORTER=\(exporter) is not available. Set otlp (or none).")
            }
            return value("OTEL_EXPORTER_OTLP_ENDPOINT") != nil || value("OTEL_EXPORTER_OTLP_\(signal)_ENDPOINT") != nil
        }
        traces = try enabled("TRACES")
        logs = try enabled("LOGS")
        metrics = try enabled("METRICS")
    }
}

/// An `OTEL_*` value this build cannot honour.
public struct TelemetryConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
