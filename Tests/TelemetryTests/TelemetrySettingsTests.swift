import Telemetry
import Testing

@Suite("Telemetry settings from OTEL_* variables")
struct TelemetrySettingsTests {
    @Test func offUnlessAnEndpointIsConfigured() throws {
        let none = try TelemetrySettings(environment: [:], role: "api")
        #expect(!none.isOn && none.serviceName == "docuthinker-api")
        let both = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"], role: "ai")
        #expect(both.traces && both.logs && both.metrics && both.serviceName == "docuthinker-ai")
        let tracesOnly = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces",
                                                             "OTEL_SERVICE_NAME": "edge"], role: "api")
        #expect(tracesOnly.traces && !tracesOnly.logs && !tracesOnly.metrics && tracesOnly.serviceName == "edge")
        let metricsOnly = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://c:4318/v1/metrics"], role: "api")
        #expect(metricsOnly.isOn && metricsOnly.metrics && !metricsOnly.traces)
        let logsOff = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_LOGS_EXPORTER": "none"], role: "api")
        #expect(logsOff.traces && !logsOff.logs)
        let metricsOff = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_METRICS_EXPORTER": "none"], role: "api")
        #expect(metricsOff.traces && !metricsOff.metrics)
        let disabled = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"], role: "api")
        #expect(!disabled.isOn)
        let blank = try TelemetrySettings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "  "], role: "serve")
        #expect(!blank.isOn, "an empty endpoint is no endpoint")
    }

    /// swift-otel stops the process (fatalError) on these; DocuThinker refuses them with a sentence instead.
    @Test func valuesThisBuildCannotHonourAreRefused() {
        let endpoint = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]
        for (name, value) in [("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
                              ("OTEL_PROPAGATORS", "tracecontext,baggage"), ("OTEL_PROPAGATORS", "b3"),
                              ("OTEL_TRACES_SAMPLER", "xray"), ("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote"),
                              ("OTEL_TRACES_EXPORTER", "zipkin"), ("OTEL_METRICS_EXPORTER", "prometheus"),
                              ("SENTRY_DSN", "not a dsn"), ("SENTRY_DSN", "https://sentry.example/42"),
                              ("SENTRY_DSN", "https://key@sentry.example/project")] {
            #expect(throws: TelemetryConfigurationError.self, "\(name)=\(value)") {
                try TelemetrySettings(environment: endpoint.merging([name: value]) { $1 }, role: "api")
            }
        }
        for (name, value) in [("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), ("OTEL_PROPAGATORS", "tracecontext"),
                              ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")] {
            #expect(throws: Never.self) { try TelemetrySettings(environment: endpoint.merging([name: value]) { $1 }, role: "api") }
        }
    }
}
