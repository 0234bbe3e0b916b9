#!/usr/bin/env python3
"""Query latency of a real Chroma server holding the same vectors as docuthinker's bench-search.
Usage: chroma_latency.py CHROMA_BIN PREFIX SIZE[,SIZE…]  (PREFIX-SIZE.f32 and PREFIX-queries.f32,
float32 row-major, 384 dimensions). Starts `chroma run` on a free loopback port in a temp dir."""
import os, socket, subprocess, sys, tempfile, time
import numpy as np
import chromadb

chroma_bin, prefix, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(",")]
queries = np.fromfile(f"{prefix}-queries.f32", dtype=np.float32).reshape(-1, 384)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
workdir = tempfile.mkdtemp()
server = subprocess.Popen([chroma_bin, "run", "--path", workdir, "--host", "127.0.0.1", "--port", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            client = chromadb.HttpClient(host="127.0.0.1", port=port); client.heartbeat(); break
        except Exception:
            time.sleep(0.3)
    version = client.get_version()
    for size in sizes:
        vectors = np.fromfile(f"{prefix}-{size}.f32", dtype=np.float32).reshape(-1, 384)
        collection = client.create_collection(f"bench{size}", metadata={"hnsw:space": "cosine"})
        started = time.perf_counter()
        step = 5000
        for start in range(0, len(vectors), step):
            part = vectors[start:start + step]
            collection.add(ids=[str(i) for i in range(start, start + len(part))], embeddings=part.tolist())
        load = time.perf_counter() - started
        collection.query(query_embeddings=[queries[0].tolist()], n_results=10)
        times = []
        for q in queries:
            t = time.perf_counter(); collection.query(query_embeddings=[q.tolist()], n_results=10); times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"| {size} | Chroma {version} (HNSW, HTTP on loopback) | {times[len(times)//2]:.2f} | {times[min(len(times)-1, len(times)*99//100)]:.2f} | {sum(times)/len(times):.2f} |  (loaded in {load:.0f} s)")
finally:
    server.terminate(); server.wait(timeout=30)
