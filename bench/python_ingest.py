#!/usr/bin/env python3
"""The usual Python RAG ingest (Open WebUI / AnythingLLM defaults): pypdf text per page,
1,000-character chunks with 100 characters of overlap split on paragraph/line/word boundaries,
sentence-transformers all-MiniLM-L6-v2 (the same weights), a persistent Chroma collection.
Usage: python_ingest.py MODEL_DIR DB_DIR PDF...  → one JSON line with pages, chunks, seconds."""
import json, sys, time

started = time.perf_counter()
from pypdf import PdfReader
from sentence_transformers import SentenceTransformer
import chromadb
import torch

torch.set_num_threads(2)
model_dir, db_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]


def split(text, size=1000, overlap=100, separators=("\n\n", "\n", " ", "")):
    """LangChain's RecursiveCharacterTextSplitter, reduced to its defaults."""
    def pieces(t, seps):
        sep = next((s for s in seps if s == "" or s in t), "")
        parts = list(t) if sep == "" else t.split(sep)
        out = []
        for p in parts:
            if len(p) > size and sep != "":
                out.extend(pieces(p, seps[seps.index(sep) + 1:]))
            elif p.strip():
                out.append(p)
        return out
    chunks, current = [], ""
    for p in pieces(text, list(separators)):
        if current and len(current) + 1 + len(p) > size:
            chunks.append(current)
            current = current[-overlap:] if overlap else ""
        current = (current + " " + p) if current else p
    if current.strip():
        chunks.append(current)
    return chunks


model = SentenceTransformer(model_dir, device="cpu")
client = chromadb.PersistentClient(path=db_dir)
collection = client.create_collection("documents", metadata={"hnsw:space": "cosine"})
pages = chunks_total = 0
for path in files:
    reader = PdfReader(path)
    texts, metadatas = [], []
    for number, page in enumerate(reader.pages, start=1):
        for chunk in split(page.extract_text() or ""):
            texts.append(chunk)
            metadatas.append({"source": path, "page": number})
    pages += len(reader.pages)
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    for start in range(0, len(texts), 5000):
        collection.add(ids=[f"{path}-{i}" for i in range(start, min(len(texts), start + 5000))],
                       embeddings=vectors[start:start + 5000].tolist(), documents=texts[start:start + 5000],
                       metadatas=metadatas[start:start + 5000])
    chunks_total += len(texts)
print(json.dumps({"pages": pages, "chunks": chunks_total, "seconds": time.perf_counter() - started}))
