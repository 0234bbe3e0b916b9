#!/usr/bin/env python3
"""Reads the concatenated `docuthinker extract --json` outputs on stdin and writes the first N
chunk texts as a JSON array. Usage: ... | manual_chunks.py N OUT.json"""
import json, sys

decoder = json.JSONDecoder()
data = sys.stdin.read()
pos, chunks = 0, []
while pos < len(data):
    while pos < len(data) and data[pos].isspace():
        pos += 1
    if pos >= len(data):
        break
    obj, pos = decoder.raw_decode(data, pos)
    chunks += [c["text"] for c in obj["chunks"]]
json.dump(chunks[: int(sys.argv[1])], open(sys.argv[2], "w"))
print(f"{min(len(chunks), int(sys.argv[1]))} of {len(chunks)} chunks", file=sys.stderr)
