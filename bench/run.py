#!/usr/bin/env python3
"""bench/run's orchestrator: DocuThinker against the usual Python RAG stack on this machine, on the
same inputs, in one run. Writes bench/results/<date>.md and prints it. See bench/run for setup.
Usage: run.py BIN VENV_PYTHON  (from the repository root)."""
import datetime, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

BIN, PY = sys.argv[1], sys.argv[2]
MODEL = "models/all-MiniLM-L6-v2"
CORPUS = [f"test-data/pdf/{n}.pdf" for n in ("R-intro", "R-admin", "R-exts", "R-lang", "R-data", "R-FAQ", "R-ints", "libtasn1")]
WORK = tempfile.mkdtemp(prefix="dt-bench-run-")
rows, notes = [], []
started_all = time.time()


def timed(cmd, **kw):
    """Runs cmd under GNU time: (stdout, wall seconds, peak RSS MB)."""
    out = subprocess.run(["/usr/bin/time", "-f", "@@%e %M"] + cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    wall, rss = re.findall(r"@@([0-9.]+) ([0-9]+)", out.stderr)[-1]
    return out.stdout, float(wall), int(rss) / 1024


def row(area, measure, ours, theirs, peer, better, unit, target=None):
    ratio = (ours / theirs if better == "higher" else theirs / ours) if ours and theirs else float("nan")
    met = "" if target is None else ("✔" if ratio >= target else "✘")
    rows.append((area, measure, ours, theirs, peer, unit, ratio, target, met))
    print(f"  {area} · {measure}: ours {ours:.3g} {unit}, {peer} {theirs:.3g} {unit} → {ratio:.2f}x {met}", flush=True)


def section(name):
    print(f"== {name} ({time.time() - started_all:.0f}s)", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read() or b"null")


def wait_ready(port, process, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode}")
        try:
            if http("GET", f"http://127.0.0.1:{port}/health/ready")[0] == 200:
                return
        except Exception:
            time.sleep(0.01)
    sys.exit("server did not become ready")


# 1. End-to-end ingest: PDF → indexed and searchable.
section("ingest")
pages = sum(int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", f], capture_output=True, text=True).stdout).group(1)) for f in CORPUS)
data_dir = os.path.join(WORK, "ingest-data")
out, ours_wall, ours_rss = timed([BIN, "ingest", "--data-dir", data_dir, "--email", "bench@example.com", "--password", "correct horse battery"] + CORPUS,
                                 env={**os.environ, "DOCUTHINKER_EMBEDDING_MODEL_DIR": MODEL, "DOCUTHINKER_BCRYPT_COST": "4"})
ours_chunks = int(re.search(r"(\d+) chunks in", out).group(1))
out, py_wall, py_rss = timed([PY, "bench/python_ingest.py", MODEL, os.path.join(WORK, "chroma-ingest")] + CORPUS,
                             env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
py = json.loads(out.strip().splitlines()[-1])
row("ingest", f"pages/s ({pages} pages, whole process)", pages / ours_wall, pages / py_wall, "pypdf+sentence-transformers+Chroma", "higher", "pages/s", 2.0)
row("ingest", "peak RSS", ours_rss, py_rss, "pypdf+sentence-transformers+Chroma", "lower", "MB", 3.0)
notes.append(f"Ingest: ours {ours_wall:.1f} s for {ours_chunks} chunks (150-word passages, 30 overlap); "
             f"Python {py_wall:.1f} s for {py['chunks']} chunks (1,000 characters, 100 overlap; {py['seconds']:.1f} s after interpreter start).")

# 2. PDF extraction.
section("extraction")
def best_of(n, fn):
    return min(fn() for _ in range(n))
def run_each(cmd):
    t = time.perf_counter()
    for f in CORPUS:
        subprocess.run(cmd(f), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
ours_extract = best_of(2, lambda: run_each(lambda f: [BIN, "extract", f]))
pdftotext = best_of(2, lambda: run_each(lambda f: ["pdftotext", "-enc", "UTF-8", f, "/dev/null"]))
out = subprocess.run([PY, "-c", """
import sys, time
from pypdf import PdfReader
t = time.perf_counter()
for f in sys.argv[1:]:
    for p in PdfReader(f).pages: p.extract_text()
print(time.perf_counter() - t)
"""] + CORPUS, capture_output=True, text=True, check=True).stdout
pypdf = float(out.strip())
row("extraction", f"pages/s ({pages} pages)", pages / ours_extract, pages / pdftotext, "pdftotext (poppler, C++)", "higher", "pages/s", 1 / 1.2)
row("extraction", f"pages/s ({pages} pages)", pages / ours_extract, pages / pypdf, "pypdf", "higher", "pages/s")

# 3. Embedding throughput on the same chunks.
section("embedding")
texts_file = os.path.join(WORK, "chunks.json")
extracted = "".join(subprocess.run([BIN, "extract", f, "--json"], capture_output=True, text=True, check=True).stdout for f in CORPUS[:4])
subprocess.run([sys.executable, "bench/manual_chunks.py", "600", texts_file], input=extracted, text=True, check=True, stderr=subprocess.DEVNULL)
out = subprocess.run([BIN, "bench-embed", texts_file, "--model", MODEL, "--repeats", "1"], capture_output=True, text=True, check=True).stdout
ours_embed = float(re.search(r"= ([0-9.]+) texts/s", out).group(1))
out = subprocess.run([PY, "-c", """
import json, sys, time, torch
from sentence_transformers import SentenceTransformer
torch.set_num_threads(2)
texts = json.load(open(sys.argv[1]))
model = SentenceTransformer(sys.argv[2], device="cpu")
model.encode(texts[:8])
t = time.perf_counter(); model.encode(texts, batch_size=32); print(len(texts) / (time.perf_counter() - t))
""", texts_file, MODEL], capture_output=True, text=True, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}).stdout
st_embed = float(out.strip().splitlines()[-1])
row("embedding", "texts/s (600 real chunks)", ours_embed, st_embed, "sentence-transformers (PyTorch CPU)", "higher", "texts/s", 1.0)

# 4. Query latency: vectors against Chroma, keyword against rank_bm25, same corpus and queries.
section("search")
search_texts = os.path.join(WORK, "search-texts.json")
extracted = "".join(subprocess.run([BIN, "extract", f"test-data/pdf/{n}.pdf", "--json"], capture_output=True, text=True, check=True).stdout
                    for n in ("R-intro", "R-admin", "R-exts", "R-lang", "R-data", "R-FAQ", "fullrefman"))
subprocess.run([sys.executable, "bench/manual_chunks.py", "2000", search_texts], input=extracted, text=True, check=True, stderr=subprocess.DEVNULL)
queries_file = os.path.join(WORK, "queries.json")
questions = [json.loads(l)["question"] for f in ("questions", "unrelated") for l in open(f"Tests/Fixtures/retrieval/{f}.jsonl")]
json.dump(questions, open(queries_file, "w"))
size = 10000
out = subprocess.run([BIN, "bench-search", search_texts, queries_file, "--sizes", str(size), "--model", MODEL,
                      "--vectors-prefix", os.path.join(WORK, "vec")], capture_output=True, text=True, check=True).stdout
ours = {m: (float(a), float(b)) for m, a, b in re.findall(r"\| \d+ \| (\w+)[^|]*\| ([0-9.]+) \| ([0-9.]+) \|", out)}
out = subprocess.run([PY, "-c", """
import sys, time, json, numpy as np, chromadb
prefix, size = sys.argv[1], int(sys.argv[2])
queries = np.fromfile(prefix + "-queries.f32", dtype=np.float32).reshape(-1, 384)
vectors = np.fromfile(f"{prefix}-{size}.f32", dtype=np.float32).reshape(-1, 384)
client = chromadb.EphemeralClient()
c = client.create_collection("bench", metadata={"hnsw:space": "cosine"})
for s in range(0, len(vectors), 5000):
    c.add(ids=[str(i) for i in range(s, min(len(vectors), s + 5000))], embeddings=vectors[s:s + 5000].tolist())
c.query(query_embeddings=[queries[0].tolist()], n_results=10)
times = []
for q in queries:
    t = time.perf_counter(); c.query(query_embeddings=[q.tolist()], n_results=10); times.append((time.perf_counter() - t) * 1000)
times.sort(); print(json.dumps([times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)], chromadb.__version__]))
""", os.path.join(WORK, "vec"), str(size)], capture_output=True, text=True, check=True).stdout
chroma = json.loads(out.strip().splitlines()[-1])
row("query", f"vector p50 ({size:,} chunks, top 10)", ours["vector"][0], chroma[0], f"Chroma {chroma[2]} (HNSW, in process)", "lower", "ms", 1.0)
row("query", f"vector p99 ({size:,} chunks)", ours["vector"][1], chroma[1], f"Chroma {chroma[2]}", "lower", "ms")
out = subprocess.run([PY, "-c", """
import sys, time, json, re
from rank_bm25 import BM25Okapi
texts, queries, size = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
tok = lambda s: re.findall(r"\\w+", s.lower())
bm25 = BM25Okapi([tok(texts[i % len(texts)]) for i in range(size)])
times = []
for q in queries:
    t = time.perf_counter(); bm25.get_top_n(tok(q), list(range(size)), n=10); times.append((time.perf_counter() - t) * 1000)
times.sort(); print(json.dumps([times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)]]))
""", search_texts, queries_file, str(size)], capture_output=True, text=True, check=True).stdout
bm25 = json.loads(out.strip().splitlines()[-1])
row("query", f"keyword p50 ({size:,} chunks)", ours["keyword"][0], bm25[0], "rank_bm25 (BM25Okapi)", "lower", "ms")
row("query", f"keyword p99 ({size:,} chunks)", ours["keyword"][1], bm25[1], "rank_bm25", "lower", "ms")
notes.append(f"Hybrid search including the query's embedding: p50 {ours['hybrid'][0]:.1f} ms, p99 {ours['hybrid'][1]:.1f} ms.")

# 5. API throughput with wrk, against a bare Hummingbird route in the same run.
section("api")
def wrk(url, token=None):
    cmd = ["wrk", "-t2", "-c32", "-d8s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"wrk: {errors.group(1)} error responses from {url}")
    return rps, p99
port = free_port()
server = subprocess.Popen([BIN, "serve", "--port", str(port), "--data-dir", data_dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env={**os.environ, "DOCUTHINKER_EMBEDDING_MODEL_DIR": MODEL, "DOCUTHINKER_BCRYPT_COST": "4"})
try:
    wait_ready(port, server)
    # The ingest's user and library: eight documents in every list, 2,433 chunks to search.
    token = http("POST", f"http://127.0.0.1:{port}/v1/auth/login", {"email": "bench@example.com", "password": "correct horse battery"})[1]["accessToken"]
    key = http("POST", f"http://127.0.0.1:{port}/v1/me/api-keys", {"name": "bench"}, token)[1]["key"]
    # `ingest` leaves each document's ingestion analyses queued for the next server: let this one
    # finish them first, so wrk measures the routes and not the analyses running beside them.
    queued_for = time.time()
    for _ in range(600):
        listed = http("GET", f"http://127.0.0.1:{port}/v1/documents?limit=100", None, token)[1]
        items = listed["items"] if isinstance(listed, dict) else listed
        jobs = [http("GET", f"http://127.0.0.1:{port}/v1/documents/{d['id']}", None, token)[1].get("job") or {} for d in items]
        if all(job.get("state") in (None, "succeeded", "failed") for job in jobs):
            break
        time.sleep(1)
    notes.append(f"The server finished the analyses `ingest` leaves queued ({time.time() - queued_for:.0f} s) before wrk started.")
    docs_rps, docs_p99 = wrk(f"http://127.0.0.1:{port}/v1/documents", token)
    search_rps, search_p99 = wrk(f"http://127.0.0.1:{port}/v1/search?q=regression%20model&mode=keyword", key)
    hybrid_rps, hybrid_p99 = wrk(f"http://127.0.0.1:{port}/v1/search?q=how%20do%20I%20fit%20a%20regression%20model", key)
finally:
    server.terminate(); server.wait(timeout=30)
bare_port = free_port()
bare = subprocess.Popen([BIN, "bench-bare-server", "--port", str(bare_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{bare_port}/bare", timeout=1); break
        except Exception:
            time.sleep(0.01)
    bare_rps, bare_p99 = wrk(f"http://127.0.0.1:{bare_port}/bare")
finally:
    bare.terminate(); bare.wait(timeout=30)
row("API", "GET /v1/documents req/s (JWT)", docs_rps, bare_rps, "bare Hummingbird route", "higher", "req/s", 0.5)
row("API", "GET /v1/documents p99", docs_p99, bare_p99, "bare Hummingbird route", "lower", "ms")
row("API", "GET /v1/search keyword req/s (API key)", search_rps, bare_rps, "bare Hummingbird route", "higher", "req/s")
notes.append(f"wrk -t2 -c32 -d8s on the same 2 cores as the server; the API logs every request (JSON access log, default level) and records Prometheus metrics. "
             f"Search's cost is the query itself (FTS5 BM25 over the user's 2,433 chunks), so it is reported without a target. Keyword search p99 {search_p99:.1f} ms; hybrid search "
             f"(embeds each query) {hybrid_rps:.0f} req/s, p99 {hybrid_p99:.1f} ms; bare route p99 {bare_p99:.2f} ms.")

# 6. Cold start: process start → /health/ready 200 with the model loaded.
section("cold start")
def cold_start():
    port, directory = free_port(), tempfile.mkdtemp(dir=WORK)
    t = time.perf_counter()
    process = subprocess.Popen([BIN, "serve", "--port", str(port), "--data-dir", directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "DOCUTHINKER_EMBEDDING_MODEL_DIR": MODEL})
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    reply = s.recv(200)
                if b" 200 " in reply:
                    return time.perf_counter() - t
            except OSError:
                time.sleep(0.002)
    finally:
        process.terminate(); process.wait(timeout=30)
starts = sorted(cold_start() for _ in range(5))
row("cold start", "process start → /health/ready 200 (median of 5)", starts[2] * 1000, 300, "target", "lower", "ms", 1.0)

# Report.
section("report")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
if subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip():
    commit += " + uncommitted changes"
cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read()).group(1)
lines = [f"# DocuThinker vs the Python RAG stack — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC",
         "", f"Commit {commit}, {os.cpu_count()} cores ({cpu}), release build; peers installed in a venv by bench/run. "
         f"Ratio = how many times better ours is (higher is better); ✔/✘ against the issue's target.", "",
         "| area | measure | DocuThinker | peer | peer value | ratio | target |", "|---|---|--:|---|--:|--:|---|"]
for area, measure, ours_v, theirs_v, peer, unit, ratio, target, met in rows:
    lines.append(f"| {area} | {measure} | {ours_v:,.2f} {unit} | {peer} | {theirs_v:,.2f} {unit} | {ratio:.2f}x | "
                 f"{'' if target is None else f'≥ {target:.2f}x {met}'} |")
lines += [""] + [f"- {n}" for n in notes] + [f"- Whole run: {time.time() - started_all:.0f} s."]
report = "\n".join(lines) + "\n"
os.makedirs("bench/results", exist_ok=True)
path = f"bench/results/{datetime.datetime.utcnow():%Y-%m-%d-%H%M}.md"
open(path, "w").write(report)
print("\n" + report + f"\nbench/run: written to {path}")
shutil.rmtree(WORK, ignore_errors=True)
