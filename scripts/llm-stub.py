#!/usr/bin/env python3
"""A local OpenAI-compatible chat-completions server for the API conformance run.

`POST /v1/chat/completions` answers every request with the same short JSON content (analysis
items citing sources 1 and 2, a sentiment score and label; for the knowledge graph's prompt, the
first capitalised words of the passage as entities), streamed as chat-completion chunks when the
request asks for `stream: true`. It speaks the protocol of the real service, so the
routes that need an LLM provider are exercised without any network. Usage: llm-stub.py PORT
"""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTENT = json.dumps({
    "items": [{"text": "The document describes its subject in plain words.", "sources": [1, 2]}],
    "score": 0.1, "label": "neutral", "description": "Neutral.",
})


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.send_error(404)
            return
        if body.get("stream"):
            chunks = [{"choices": [{"index": 0, "delta": {"content": token}}]}
                      for token in ["The document", " describes its subject", " [S1]."]]
            chunks.append({"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}})
            payload = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
            self.reply(payload.encode(), "text/event-stream")
            return
        content = CONTENT
        messages = body.get("messages", [])
        if any("knowledge graph" in str(message.get("content", "")) for message in messages):
            passage = str(messages[-1].get("content", ""))
            names = list(dict.fromkeys(re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*", passage)))[:5]
            content = json.dumps({
                "entities": [{"name": name, "type": "concept", "mentions": [name]} for name in names],
                "relations": [{"source": a, "target": b, "label": "mentioned with"} for a, b in zip(names, names[1:])],
            })
        reply = {
            "id": "chatcmpl-stub", "object": "chat.completion", "model": body.get("model", "stub"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        }
        self.reply(json.dumps(reply).encode(), "application/json")

    def reply(self, data, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
