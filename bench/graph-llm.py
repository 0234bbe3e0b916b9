#!/usr/bin/env python3
"""What a model reading of a real library for the knowledge graph costs, and what our side adds.

Starts `docuthinker serve` (fresh data directory, loopback) with scripts/llm-stub.py as its
OpenAI-compatible model, uploads real manuals, asks for the estimate (tokens, dollars at three
providers' list prices), then runs the reading against the stub (which answers at once, so the
wall time is our own overhead: prompts, HTTP, validation, merging, graph saves) and reports the
graph before and after. Not part of the tests. Writes bench/results/graph-llm-<date>.md.

    python3 bench/graph-llm.py [BINARY] [FILE…]     (default .build/release/docuthinker, R-intro + libtasn1)
"""
import datetime
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "release" / "docuthinker")
FILES = sys.argv[2:] or [str(ROOT / "test-data" / "manuals" / name) for name in ("R-intro.pdf", "libtasn1.pdf")]
# USD per million input / output tokens (list prices the configuration ships with).
PRICES = {"gpt-4o-mini": (0.15, 0.60), "claude-3-5-sonnet-20241022": (3, 15), "gemini-1.5-flash": (0.075, 0.30)}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=600) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def main():
    data = tempfile.mkdtemp(prefix="dt-graph-llm-")
    port, llm_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    stub = subprocess.Popen(["python3", str(ROOT / "scripts" / "llm-stub.py"), str(llm_port)])
    env = dict(os.environ, DOCUTHINKER_DATA_DIR=data, PORT=str(port), LOG_LEVEL="warning", JWT_SECRET="bench-secret-0123456789abcdef0123",
               OPENAI_BASE_URL=f"http://127.0.0.1:{llm_port}/v1", DOCUTHINKER_LLM_MONTHLY_BUDGET_USD="none")
    server = subprocess.Popen([BINARY, "serve"], env=env, stdout=open(os.path.join(data, "server.log"), "w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                call(base, "GET", "/health")
                break
            except OSError:
                time.sleep(0.2)
        credentials = json.dumps({"email": "bench@example.com", "password": "correct horse battery"}).encode()
        token = call(base, "POST", "/v1/auth/register", credentials, headers={"Content-Type": "application/json"})["accessToken"]
        documents = []
        for path in FILES:
            boundary = uuid.uuid4().hex
            form = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{pathlib.Path(path).name}"\r\n'
                    f"Content-Type: application/octet-stream\r\n\r\n").encode() + pathlib.Path(path).read_bytes() + f"\r\n--{boundary}--\r\n".encode()
            document = call(base, "POST", "/v1/documents", form, token, {"Content-Type": "multipart/form-data; boundary=" + boundary})
            while document["status"] == "processing":
                time.sleep(0.5)
                document = call(base, "GET", f"/v1/documents/{document['id']}", token=token)
            while call(base, "GET", f"/v1/documents/{document['id']}/graph", token=token)["status"] != "ready":
                time.sleep(0.5)
            documents.append(document)
        rows = []
        for document in documents:
            before = call(base, "GET", f"/v1/documents/{document['id']}/graph", token=token)
            estimate = call(base, "GET", f"/v1/graph/llm-extraction/estimate?documentIds={document['id']}", token=token)
            started = time.monotonic()
            call(base, "POST", "/v1/graph/llm-extraction", json.dumps({"documentIds": [document["id"]]}).encode(), token,
                 {"Content-Type": "application/json"})
            while (job := call(base, "GET", "/v1/graph/llm-extraction", token=token))["state"] == "running":
                time.sleep(0.2)
            seconds = time.monotonic() - started
            after = call(base, "GET", f"/v1/documents/{document['id']}/graph", token=token)
            costs = {model: (estimate["inputTokens"] * price[0] + estimate["outputTokens"] * price[1]) / 1e6 for model, price in PRICES.items()}
            rows.append((document, estimate, job, seconds, before, after, costs))
        lines = [f"# Knowledge graph read by a language model — {datetime.date.today()}", "", f"Binary: `{BINARY}`.", "",
                 "`python3 bench/graph-llm.py` (the binary named above, 2 cores). The model is scripts/llm-stub.py on loopback, which",
                 "answers at once with the passage's capitalised words as entities: the seconds are DocuThinker's own",
                 "overhead per passage (prompt, HTTP, validation against the text, merging, saving), not a provider's latency.",
                 "Token counts are the estimate shown before a run (about four characters a token).", "",
                 "| document | pages | passages | est. input tokens | est. output tokens | gpt-4o-mini | claude-3.5-sonnet | gemini-1.5-flash | run (stub) | per passage | nodes before → after | dropped mentions |",
                 "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for document, estimate, job, seconds, before, after, costs in rows:
            lines.append(
                f"| {document['title'][:40]} | {document.get('pageCount', '?')} | {estimate['chunks']} | {estimate['inputTokens']:,} | {estimate['outputTokens']:,} "
                f"| ${costs['gpt-4o-mini']:.3f} | ${costs['claude-3-5-sonnet-20241022']:.2f} | ${costs['gemini-1.5-flash']:.3f} "
                f"| {seconds:.1f} s ({job['state']}) | {1000 * seconds / max(1, job['chunksDone']):.0f} ms | {len(before['nodes'])} → {len(after['nodes'])} "
                f"| {job['droppedMentions']} |")
        out = ROOT / "bench" / "results" / f"graph-llm-{datetime.date.today():%Y%m%d}.md"
        out.write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        print(f"written to {out}")
    finally:
        server.terminate()
        stub.terminate()
        server.wait(timeout=30)
        stub.wait(timeout=10)


if __name__ == "__main__":
    main()
