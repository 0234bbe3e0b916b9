#!/usr/bin/env python3
"""OCR benchmark: word recall and seconds per page of the product's OCR pipeline on our own
scans (scripts/make-scans): PDF pages rendered by pdftoppm in grey at 300 dpi, read by
`tesseract --psm 1 … tsv` exactly as TesseractOCR runs them, one thread per page
(OMP_THREAD_LIMIT=1) and, for comparison, Tesseract's default OpenMP threads.
Writes bench/results/ocr-YYYYMMDD.md.   Usage: bench/ocr.py [--repeat N]"""
import collections, datetime, json, os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCANS = os.path.join(ROOT, "test-data", "scans")

def words(text):
    return collections.Counter(re.findall(r"[^\W_]+", text.lower()))

def recall(truth, read):
    expected, found = words(truth), words(read)
    total = sum(expected.values())
    return 1.0 if total == 0 else sum(min(c, found[w]) for w, c in expected.items()) / total

def tsv_text(path):
    lines, last = [], None
    for row in open(path, encoding="utf-8", errors="replace").read().splitlines()[1:]:
        f = row.split("\t")
        if len(f) == 12 and f[0] == "5" and f[11].strip() and float(f[10]) >= 0:
            key = tuple(f[2:5])
            if key != last: lines.append([]); last = key
            lines[-1].append(f[11].strip())
    return "\n".join(" ".join(l) for l in lines)

def pages(path):
    if not path.endswith(".pdf"): return 1
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))

def read(path, page, threads):
    with tempfile.TemporaryDirectory() as work:
        image = path
        if path.endswith(".pdf"):
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "300", "-gray", "-png", "-singlefile", path,
                            os.path.join(work, "page")], check=True)
            image = os.path.join(work, "page.png")
        env = dict(os.environ)
        if threads: env["OMP_THREAD_LIMIT"] = "1"
        else: env.pop("OMP_THREAD_LIMIT", None)
        subprocess.run(["tesseract", image, os.path.join(work, "words"), "--psm", "1", "-l", "eng", "tsv"], check=True,
                       capture_output=True, env=env)
        return tsv_text(os.path.join(work, "words.tsv"))

def main():
    manifest = [json.loads(l) for l in open(os.path.join(SCANS, "manifest.jsonl"))]
    rows, single, multi, total_pages = [], 0.0, 0.0, 0
    for entry in manifest:
        path = os.path.join(SCANS, entry["file"])
        wanted = entry.get("scannedPages") or list(range(1, pages(path) + 1))
        started = time.monotonic()
        text = "\n".join(read(path, p, threads=True) for p in wanted)
        seconds = time.monotonic() - started
        single += seconds; total_pages += len(wanted)
        started = time.monotonic()
        read(path, wanted[0], threads=False)
        multi += time.monotonic() - started
        score = recall(entry["truth"], text) if entry["truth"] else None
        blank = not re.search(r"\w", text)
        rows.append((entry["file"], entry["variant"], len(wanted), score, seconds / len(wanted), blank))
    stamp = datetime.date.today().strftime("%Y%m%d")
    out = os.path.join(ROOT, "bench", "results", f"ocr-{stamp}.md")
    with open(out, "w") as f:
        f.write(f"# OCR benchmark {datetime.date.today()} (bench/ocr.py)\n\n")
        f.write(f"Machine: {os.cpu_count()} cores. {subprocess.run(['tesseract', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}.\n\n")
        f.write("| file | variant | pages read | word recall | s/page (1 thread) |\n|---|---|---|---|---|\n")
        for name, variant, n, score, per, blank in rows:
            f.write(f"| {name} | {variant} | {n} | {'no text' if score is None and blank else ('%.3f' % score if score is not None else 'text!')} | {per:.2f} |\n")
        scored = [r[3] for r in rows if r[3] is not None]
        f.write(f"\nMean recall {sum(scored)/len(scored):.3f}, lowest {min(scored):.3f}; {single/total_pages:.2f} s per page with one "
                f"thread per page (the product's setting) against {multi/len(rows):.2f} s for the first page of each with "
                f"Tesseract's default OpenMP threads.\n")
    print(open(out).read())

if __name__ == "__main__":
    main()
