#!/usr/bin/env python3
"""Telemetry end to end (run by scripts/otel-e2e): api → ai → retrieval as one trace at a real OTLP
receiver, an incoming traceparent kept, a failure while ai is down as an error span plus an ERROR
log record of the same trace (and a scrubbed Sentry event), trace ids in the JSON lines on stdout
and as the request id, ingestion stages and LLM provider calls (a local OpenAI-compatible server)
as spans, the product's metrics over OTLP and at /metrics, and OTEL_* values the build cannot
honour refused at start."""
import json, os, secrets, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1])
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, token=None, headers=None, timeout=60):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if isinstance(body, dict): request.add_header("Content-Type", "application/json")
    if token: request.add_header("Authorization", "Bearer " + token)
    for key, value in (headers or {}).items(): request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scrape(port):
    """The families of /metrics, read by prometheus-client's strict text parser: {name: [samples]}."""
    from prometheus_client.parser import text_string_to_metric_families
    status, raw = call(port, "GET", "/metrics")
    assert status == 200, status
    return {family.name: family.samples for family in text_string_to_metric_families(raw.decode())}


def requests_total(families, route):
    return sum(sample.value for sample in families.get("docuthinker_http_requests", [])
               if sample.name == "docuthinker_http_requests_total" and sample.labels.get("route") == route)


def wait_healthy(port, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None: return False
        try:
            if call(port, "GET", "/health", timeout=2)[0] == 200: return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def main():
    work = tempfile.mkdtemp(prefix="otel-e2e-")
    receiver_port, ai_port, api_port = free_port(), free_port(), free_port()
    received = os.path.join(work, "received.jsonl")
    receiver = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "otlp-receiver.py"), str(receiver_port), received],
                                stdout=subprocess.DEVNULL)
    llm_port = free_port()
    llm = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "llm-stub.py"), str(llm_port)], stdout=subprocess.DEVNULL)
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCUTHINKER_DATA_DIR": os.path.join(work, "data"),
            "JWT_SECRET": secrets.token_hex(32), "AI_SERVICE_TOKEN": secrets.token_hex(32), "DOCUTHINKER_BCRYPT_COST": "4",
            "DOCUTHINKER_EMBEDDING_MODEL_DIR": os.path.join(ROOT, "models", "all-MiniLM-L6-v2"), "LOG_LEVEL": "info",
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver_port}",
            "OTEL_BSP_SCHEDULE_DELAY": "200", "OTEL_BLRP_SCHEDULE_DELAY": "200", "OTEL_METRIC_EXPORT_INTERVAL": "500"}
    ai_log, api_log = open(os.path.join(work, "ai.log"), "w"), open(os.path.join(work, "api.log"), "w")
    ai = subprocess.Popen([BIN, "ai", "--port", str(ai_port)], stdout=ai_log, stderr=subprocess.STDOUT, cwd=work,
                          env=dict(base, OTEL_SERVICE_NAME="e2e-ai", OPENAI_BASE_URL=f"http://127.0.0.1:{llm_port}/v1",
                                   DOCUTHINKER_OPENAI_MODEL="stub-model"))
    api = subprocess.Popen([BIN, "api", "--port", str(api_port)], stdout=api_log, stderr=subprocess.STDOUT, cwd=work,
                           env=dict(base, OTEL_SERVICE_NAME="e2e-api", AI_SERVICE_URL=f"http://127.0.0.1:{ai_port}",
                                    SENTRY_DSN=f"http://e2ekey@127.0.0.1:{receiver_port}/42", SENTRY_ENVIRONMENT="e2e"))
    try:
        check("ai and api start with telemetry on", wait_healthy(ai_port, ai) and wait_healthy(api_port, api))
        creds = {"email": "otel@example.com", "password": "correct horse battery"}
        call(api_port, "POST", "/v1/auth/register", creds)
        token = json.loads(call(api_port, "POST", "/v1/auth/login", creds)[1])["accessToken"]
        boundary = "otel"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tides.md\"\r\n\r\n"
                "# Tides\n\nThe tide tables of the harbour show nitrate levels rising in spring.\r\n"
                f"--{boundary}--\r\n").encode()
        status, raw = call(api_port, "POST", "/v1/documents", body, token, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        document = json.loads(raw)["id"] if status == 201 else None
        for _ in range(300):
            if document and json.loads(call(api_port, "GET", f"/v1/documents/{document}", token=token)[1])["status"] != "processing": break
            time.sleep(0.2)
        # A search that carries the caller's own trace context.
        trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
        request = urllib.request.Request(f"http://127.0.0.1:{api_port}/v1/search?q=nitrate&mode=hybrid",
                                         headers={"Authorization": "Bearer " + token, "traceparent": f"00-{trace_id}-{parent_id}-01"})
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw, request_id = response.status, response.read(), response.headers.get("X-Request-Id")
        check("the search through api and ai answers", status == 200 and b"nitrate" in raw, str(status))
        check("its request id is the trace id", request_id == trace_id, f"{request_id} vs {trace_id}")
        # A rewrite needs the LLM provider: api → ai → the provider (a local OpenAI-compatible server).
        rewrite_trace = secrets.token_hex(16)
        status, raw = call(api_port, "GET", f"/v1/documents/{document}/analyses/rewrite?style=formal", token=token,
                           headers={"traceparent": f"00-{rewrite_trace}-{secrets.token_hex(8)}-01"})
        check("a rewrite through the provider answers", status == 200, f"{status} {raw[:120]!r}")
        # /metrics is Prometheus text (the strict parser of prometheus-client reads all of it) and moves.
        before = scrape(api_port)
        call(api_port, "GET", "/v1/documents", token=token)
        after = scrape(api_port)
        check("api's /metrics parses as Prometheus text and its request counter moves",
              requests_total(after, "/v1/documents") == requests_total(before, "/v1/documents") + 1,
              f"{requests_total(before, '/v1/documents')} → {requests_total(after, '/v1/documents')}")
        families = scrape(ai_port)
        wanted = ["docuthinker_ingestion_pages", "docuthinker_ingestion_run_duration_seconds", "docuthinker_embedding_texts",
                  "docuthinker_llm_request_duration_seconds", "docuthinker_llm_tokens", "docuthinker_cache_requests",
                  "docuthinker_ingestion_queue_depth", "docuthinker_http_requests"]
        check("ai's /metrics parses and has the product's metrics", all(name in families for name in wanted),
              ", ".join(name for name in wanted if name not in families) or "all there")
        pages = sum(sample.value for sample in families.get("docuthinker_ingestion_pages", []))
        check("the pages ingested are counted", pages == 1, str(pages))
        time.sleep(1.2)  # one more metrics export
        # ai down: the same search fails, and says so in the trace and the log.
        ai.send_signal(signal.SIGTERM)
        ai.wait(timeout=30)
        failed_trace = secrets.token_hex(16)
        status, raw = call(api_port, "GET", "/v1/search?q=nitrate&mode=hybrid", token=token,
                           headers={"traceparent": f"00-{failed_trace}-{secrets.token_hex(8)}-01"})
        check("with ai down the search answers 503", status == 503, f"{status} {raw[:80]!r}")
        api.send_signal(signal.SIGTERM)
        api.wait(timeout=30)
    finally:
        for process in (ai, api):
            if process.poll() is None: process.kill()
        time.sleep(0.5)
        for helper in (receiver, llm):
            helper.terminate()
            helper.wait(timeout=10)
    items = [json.loads(line) for line in open(received)] if os.path.exists(received) else []
    spans = [i for i in items if i["signal"] == "span"]
    logs = [i for i in items if i["signal"] == "log"]
    trace = [s for s in spans if s["trace_id"] == trace_id]
    api_server = [s for s in trace if s["service"] == "e2e-api" and s["kind"] == 2]
    api_client = [s for s in trace if s["service"] == "e2e-api" and s["kind"] == 3]
    ai_server = [s for s in trace if s["service"] == "e2e-ai" and s["kind"] == 2]
    check("the search is one trace that keeps the incoming traceparent",
          len(api_server) == 1 and api_server[0]["parent_span_id"] == parent_id,
          f"{len(trace)} spans in it; {len(spans)} spans received")
    check("api's client span to ai is a child of api's server span",
          len(api_client) >= 1 and all(c["parent_span_id"] == api_server[0]["span_id"] for c in api_client) if api_server else False)
    check("ai's server span is a child of api's client span",
          len(ai_server) == 1 and any(ai_server[0]["parent_span_id"] == c["span_id"] for c in api_client),
          ", ".join(f"{s['service']}:{s['name']}" for s in trace))
    retrieval = [s for s in trace if s["name"].startswith("retrieval")]
    check("retrieval is a span of ai inside the request",
          len(retrieval) == 1 and retrieval[0]["service"] == "e2e-ai" and ai_server and retrieval[0]["parent_span_id"] == ai_server[0]["span_id"]
          and retrieval[0]["attributes"].get("docuthinker.retrieval.mode") == "hybrid")
    store_calls = {s["name"] for s in trace if retrieval and s["parent_span_id"] == retrieval[0]["span_id"] and s["kind"] == 3}
    check("the keyword and vector store calls are client spans under retrieval",
          {"keyword search", "vector search"} <= store_calls, ", ".join(sorted(store_calls)))
    check("no query text in any span", not any("nitrate" in json.dumps(s) for s in spans))
    failed = [s for s in spans if s["trace_id"] == failed_trace and s["service"] == "e2e-api" and s["kind"] == 2]
    check("the failed search is an error span", len(failed) == 1 and failed[0]["status"] == 2,
          json.dumps(failed[0]) if failed else "none")
    errors = [l for l in logs if l["trace_id"] == failed_trace and l["severity"].lower() == "error"]
    check("and an ERROR log record of the same trace", len(errors) >= 1, json.dumps(errors[:1]))
    lines = [json.loads(l) for l in open(os.path.join(work, "api.log")) if l.startswith("{")]
    check("stdout JSON lines carry the trace id", any(l.get("trace_id") == trace_id for l in lines))
    check("and name it as the request id", any(l.get("request_id") == trace_id for l in lines))
    # The provider call: a client span under ai's handling, with the model and the tokens; AHC's POST under it.
    rewrite = [s for s in spans if s["trace_id"] == rewrite_trace]
    provider = [s for s in rewrite if s["name"] == "chat stub-model" and s["service"] == "e2e-ai" and s["kind"] == 3]
    attributes = provider[0]["attributes"] if provider else {}
    check("the provider call is a client span of the rewrite's trace with model and tokens",
          len(provider) == 1 and attributes.get("gen_ai.system") == "openai" and attributes.get("gen_ai.request.model") == "stub-model"
          and attributes.get("gen_ai.usage.input_tokens") == 100 and attributes.get("gen_ai.usage.output_tokens") == 20,
          ", ".join(f"{s['service']}:{s['name']}" for s in rewrite))
    check("the provider's HTTP request is a child of it",
          bool(provider) and any(s["parent_span_id"] == provider[0]["span_id"] and s["name"] == "POST" for s in rewrite))
    # Ingestion: one job span on ai, the stages under it, the embedding batch and the analyses under theirs.
    jobs = [s for s in spans if s["name"] == "ingestion job" and s["service"] == "e2e-ai" and s["kind"] == 5]
    job = jobs[0] if jobs else None
    stages = {s["name"]: s for s in spans if job and s["trace_id"] == job["trace_id"]}
    check("ingestion is a job span with a span per stage",
          job is not None and all(stages.get(f"ingest {stage}", {}).get("parent_span_id") == job["span_id"]
                                  for stage in ("extract", "keyword-index", "embeddings", "analyses")), ", ".join(sorted(stages)))
    check("extraction stored with its page count, embedding and analyses below their stages",
          stages.get("store extraction", {}).get("attributes", {}).get("docuthinker.document.pages") == 1
          and stages.get("store extraction", {}).get("parent_span_id") == stages.get("ingest extract", {}).get("span_id")
          and stages.get("embed batch", {}).get("parent_span_id") == stages.get("ingest embeddings", {}).get("span_id")
          and stages.get("analysis summary", {}).get("parent_span_id") == stages.get("ingest analyses", {}).get("span_id"))
    check("no document text in any span", not any("harbour" in json.dumps(s) or "Tides" in json.dumps(s) for s in spans))
    # Metrics over OTLP: request series from both services, the product's own from ai.
    metrics = [i for i in items if i["signal"] == "metric"]
    names = {(m["service"], m["name"]) for m in metrics}
    exported = [("e2e-api", "docuthinker_http_requests_total"), ("e2e-ai", "docuthinker_http_requests_total"),
                ("e2e-ai", "docuthinker_ingestion_pages_total"), ("e2e-ai", "docuthinker_llm_tokens_total"),
                ("e2e-ai", "docuthinker_embedding_texts_total"), ("e2e-ai", "docuthinker_ingestion_queue_depth")]
    check("metrics arrive over OTLP", all(name in names for name in exported),
          ", ".join(f"{a}:{b}" for a, b in exported if (a, b) not in names) or f"{len(metrics)} metric records")
    tokens = [p for m in metrics if m["name"] == "docuthinker_llm_tokens_total" for p in m["points"]
              if p["attributes"].get("direction") == "output"]
    check("provider tokens are counted", any(p["value"] >= 20 for p in tokens), json.dumps(tokens[-1:]))
    # Sentry: the failed search as one scrubbed event with its trace.
    events = [i for i in items if i["signal"] == "sentry"]
    failed_events = [e for e in events if e["event"].get("contexts", {}).get("trace", {}).get("trace_id") == failed_trace]
    event = failed_events[0]["event"] if failed_events else {}
    check("the failed search reached Sentry as an event with its route and trace",
          len(failed_events) == 1 and event.get("tags", {}).get("route") == "/v1/search" and event.get("level") == "error"
          and event.get("environment") == "e2e" and "sentry_key=e2ekey" in (failed_events[0]["auth"] or "")
          and failed_events[0]["path"] == "/api/42/envelope/", json.dumps(events)[:300])
    check("no personal data in Sentry events", events and not any("otel@example.com" in json.dumps(e) or "nitrate" in json.dumps(e)
                                                                  for e in events))
    # Values this build cannot honour stop the start with a sentence, not a crash.
    for name, value in [("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_PROPAGATORS", "tracecontext,baggage")]:
        run = subprocess.run([BIN, "api", "--port", str(free_port())], env=dict(base, **{name: value}), capture_output=True,
                             text=True, timeout=60, cwd=work)
        check(f"{name}={value} is refused at start", run.returncode == 1 and name in run.stderr, run.stderr.strip()[-160:])
    passed = sum(results)
    print(f"otel-e2e: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
