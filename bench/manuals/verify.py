#!/usr/bin/env python3
"""Checks bench/manuals/questions.jsonl against the fetched documents.

    bench/manuals/verify.py [QUESTIONS.jsonl [DIR]]

For every question: `answer` must occur (whitespace-normalised) in the text of
the first page in `pages` as `pdftotext -f N -l N` prints it (PDF), or in the
document's text (HTML: tag-stripped; Markdown: the raw file; DOCX: the text of
word/document.xml); each of `terms` must be lower-case and occur in `answer`.
Needs poppler-utils (pdftotext). DIR defaults to test-data/manuals/ (fetch it
with scripts/fetch-dev-manuals). Exits 1 on any problem.
"""
import json, os, re, subprocess, sys, zipfile, html
from html.parser import HTMLParser
from functools import lru_cache
HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'questions.jsonl')
DIR = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', '..', 'test-data', 'manuals')
norm = lambda s: re.sub(r'\s+', ' ', s).strip()

@lru_cache(None)
def pdf_page(f, n):
    return subprocess.run(['pdftotext', '-f', str(n), '-l', str(n), f'{DIR}/{f}', '-'], capture_output=True, text=True, check=True).stdout

class T(HTMLParser):
    def __init__(s): super().__init__(); s.out = []; s.skip = 0
    def handle_starttag(s, t, a):
        if t in ('script', 'style'): s.skip += 1
        if t in ('p', 'div', 'li', 'h1', 'h2', 'h3', 'pre', 'br', 'dt', 'dd', 'tr'): s.out.append('\n')
    def handle_endtag(s, t):
        if t in ('script', 'style'): s.skip -= 1
    def handle_data(s, d):
        if not s.skip: s.out.append(d)

@lru_cache(None)
def doc_text(f):
    p = f'{DIR}/{f}'
    if f.endswith('.html'):
        t = T(); t.feed(open(p, encoding='utf-8').read()); return ''.join(t.out)
    if f.endswith('.docx'):
        x = zipfile.ZipFile(p).read('word/document.xml').decode()
        paras = re.findall(r'<w:p[ >].*?</w:p>', x, re.S)
        return '\n'.join(html.unescape(''.join(re.findall(r'<w:t[^>]*>([^<]*)</w:t>', q))) for q in paras)
    return open(p, encoding='utf-8').read()

bad = 0; ids = set(); rows = [json.loads(l) for l in open(QFILE) if l.strip()]
for r in rows:
    assert r['id'] not in ids, r['id']; ids.add(r['id'])
    if r.get('file') is None: continue
    f = r['file']; a = norm(r['answer'])
    if f.endswith('.pdf'):
        ok = [n for n in r['pages'] if a in norm(pdf_page(f, n))]
        if not ok or ok[0] != r['pages'][0]:
            where = []
            # search all pages to help fix
            whole = subprocess.run(['pdftotext', f'{DIR}/{f}', '-'], capture_output=True, text=True).stdout.split('\f')
            where = [i for i, pg in enumerate(whole, 1) if a in norm(pg)]
            print(f"FAIL {r['id']} {f} pages={r['pages']} found on={where}: {a[:90]}"); bad += 1; continue
    else:
        if r['pages'] != [1] or a not in norm(doc_text(f)):
            print(f"FAIL {r['id']} {f}: {a[:90]}"); bad += 1; continue
    for t in r['terms']:
        if t != t.lower() or t not in a.lower():
            print(f"TERM {r['id']} {t!r} not in answer"); bad += 1
    if not 1 <= len(r['terms']) <= 3: print(f"TERMS count {r['id']}"); bad += 1
    if r['style'] not in ('paraphrase', 'howto', 'keyword'): print(f"STYLE {r['id']}"); bad += 1
print(f"{len(rows)} rows, {bad} problems")
sys.exit(1 if bad else 0)
