#!/usr/bin/env python3
"""A small OTLP/HTTP receiver (protobuf bodies, the way swift-otel sends them) for the telemetry test,
loopback only: every span, log record and metric it is sent becomes one JSON line in OUT.jsonl.
Decodes with the `opentelemetry-proto` package (PyPI). It also takes Sentry envelopes
(`POST /api/PROJECT/envelope/`, what a SENTRY_DSN pointing here sends): each event becomes a line
with its `X-Sentry-Auth` header. Usage: otlp-receiver.py PORT OUT.jsonl"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest, ExportMetricsServiceResponse
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest, ExportLogsServiceResponse

ROUTES = {"/v1/traces": (ExportTraceServiceRequest, ExportTraceServiceResponse),
          "/v1/metrics": (ExportMetricsServiceRequest, ExportMetricsServiceResponse),
          "/v1/logs": (ExportLogsServiceRequest, ExportLogsServiceResponse)}

def attrs(kvs):
    return {kv.key: kv.value.WhichOneof("value") and getattr(kv.value, kv.value.WhichOneof("value")) for kv in kvs}

def summarize(path, req):
    out = []
    if path == "/v1/traces":
        for rs in req.resource_spans:
            res = attrs(rs.resource.attributes)
            for ss in rs.scope_spans:
                for s in ss.spans:
                    out.append({"signal": "span", "service": res.get("service.name"), "name": s.name, "kind": s.kind,
                                "trace_id": s.trace_id.hex(), "span_id": s.span_id.hex(),
                                "parent_span_id": s.parent_span_id.hex(), "attributes": attrs(s.attributes),
                                "status": s.status.code, "status_message": s.status.message})
    elif path == "/v1/metrics":
        for rm in req.resource_metrics:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind = m.WhichOneof("data")
                    points = getattr(m, kind).data_points
                    out.append({"signal": "metric", "name": m.name, "type": kind,
                                "service": attrs(rm.resource.attributes).get("service.name"),
                                "points": [{"attributes": attrs(p.attributes),
                                            "value": (p.count if kind == "histogram" else
                                                      (p.as_int if p.WhichOneof("value") == "as_int" else p.as_double))}
                                           for p in points]})
    else:
        for rl in req.resource_logs:
            for sl in rl.scope_logs:
                out += [{"signal": "log", "service": attrs(rl.resource.attributes).get("service.name"),
                         "body": r.body.string_value, "trace_id": r.trace_id.hex(), "span_id": r.span_id.hex(),
                         "severity": r.severity_text, "attributes": attrs(r.attributes)} for r in sl.log_records]
    return out

def sentry(handler, body):
    """Sentry's envelope format: a header line, then item header + payload lines."""
    lines = body.split(b"\n")
    with open(OUT, "a") as f:
        for header, payload in zip(lines[1::2], lines[2::2]):
            if json.loads(header).get("type") == "event":
                f.write(json.dumps({"signal": "sentry", "path": handler.path, "auth": handler.headers.get("X-Sentry-Auth"),
                                    "content_type": handler.headers.get("Content-Type"), "event": json.loads(payload)}) + "\n")
    handler.send_response(200); handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "2"); handler.end_headers(); handler.wfile.write(b"{}")

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        kinds = ROUTES.get(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/api/") and self.path.endswith("/envelope/"):
            return sentry(self, body)
        if kinds is None or self.headers.get("Content-Type") != "application/x-protobuf":
            self.send_response(404 if kinds is None else 415); self.send_header("Content-Length", "0"); self.end_headers(); return
        req = kinds[0](); req.ParseFromString(body)
        with open(OUT, "a") as f:
            for item in summarize(self.path, req):
                f.write(json.dumps(item) + "\n")
        reply = kinds[1]().SerializeToString()  # empty message = full success
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")  # swift-otel matches this exact value
        self.send_header("Content-Length", str(len(reply))); self.end_headers(); self.wfile.write(reply)
    def log_message(self, *args): pass

if __name__ == "__main__":
    PORT, OUT = int(sys.argv[1]), sys.argv[2]
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
