#!/usr/bin/env python3
"""Can another user tell an existing id from a missing one by how long the answer takes?
Against a running `docuthinker serve`: user A uploads a document and starts a chat; user B asks
for A's ids and for made-up ids on the id-taking routes, interleaved, many times over one
keep-alive connection. Reports per route the status codes and the median and p90 latency of both
kinds, and the difference of the medians against the spread of the samples. Standard library only.

  bench/isolation_timing.py --url http://127.0.0.1:8080 [--samples 400]
  bench/isolation_timing.py --url URL --registration DATA_DIR [--samples 60]
      (a server with DOCUTHINKER_REGISTRATION=confirm-email over DATA_DIR: registrations of a
      taken email against free ones, the answers compared byte for byte and their latency)

Writes bench/results/isolation-timing-YYYYMMDD.md (registration-timing-YYYYMMDD.md)."""
import argparse, datetime, http.client, json, os, random, re, sqlite3, statistics, time, urllib.parse, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def request(conn, method, path, token=None, body=None, ctype="application/json"):
    headers = {"Content-Type": ctype} if body is not None else {}
    if token: headers["Authorization"] = "Bearer " + token
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def account(conn):
    email = f"timing-{uuid.uuid4().hex[:10]}@example.com"
    creds = json.dumps({"email": email, "password": "timing test password 42"})
    request(conn, "POST", "/v1/auth/register", body=creds)
    status, data, _ = request(conn, "POST", "/v1/auth/login", body=creds)
    assert status == 200, data
    return json.loads(data)["accessToken"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--registration", metavar="DATA_DIR")
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    if args.registration:
        return registration(conn, args)
    alice, bob = account(conn), account(conn)
    boundary = "timing"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\n\r\n"
            "# Harbour\n\nThe tide tables show nitrate levels rising in spring.\r\n"
            f"--{boundary}--\r\n").encode()
    status, data, _ = request(conn, "POST", "/v1/documents", alice, body, f"multipart/form-data; boundary={boundary}")
    assert status in (200, 201, 202), data
    doc = json.loads(data)["id"]
    for _ in range(300):
        if json.loads(request(conn, "GET", f"/v1/documents/{doc}", alice)[1])["status"] != "processing": break
        time.sleep(0.2)
    status, data, _ = request(conn, "POST", "/v1/chats", alice, json.dumps({"documentIds": [doc]}))
    chat = json.loads(data)["id"]
    routes = [
        ("GET", "/v1/documents/{id}", doc), ("GET", "/v1/documents/{id}/text", doc),
        ("GET", "/v1/documents/{id}/analyses/summary", doc), ("GET", "/v1/documents/{id}/ocr", doc),
        ("GET", "/v1/documents/{id}/chunks", doc), ("GET", "/v1/chats/{id}", chat),
        ("PATCH", "/v1/documents/{id}", doc), ("DELETE", "/v1/chats/{id}", chat),
    ]
    lines = [f"# Existing vs missing ids as another user ({datetime.date.today()})", "",
             f"`{args.url}`, {args.samples} samples of each kind per route, interleaved at random on one",
             "keep-alive connection. 'existing': user A's id asked by user B; 'missing': a random id.", "",
             "| route | status existing / missing | median existing | median missing | p90 existing | p90 missing | diff of medians / IQR |",
             "|---|---|---|---|---|---|---|"]
    worst = 0.0
    for method, template, real in routes:
        samples = {"existing": [], "missing": []}
        statuses = {"existing": set(), "missing": set()}
        order = ["existing"] * args.samples + ["missing"] * args.samples
        random.shuffle(order)
        for kind in order:
            target = real if kind == "existing" else str(uuid.uuid4())
            payload = json.dumps({"title": "x"}) if method == "PATCH" else None
            status, _, elapsed = request(conn, method, template.replace("{id}", target), bob, payload)
            samples[kind].append(elapsed * 1000)
            statuses[kind].add(status)
        med = {k: statistics.median(v) for k, v in samples.items()}
        p90 = {k: statistics.quantiles(v, n=10)[-1] for k, v in samples.items()}
        spread = statistics.quantiles(samples["existing"] + samples["missing"], n=4)
        iqr = max(spread[2] - spread[0], 1e-6)
        ratio = abs(med["existing"] - med["missing"]) / iqr
        worst = max(worst, ratio)
        lines.append(f"| {method} {template} | {sorted(statuses['existing'])} / {sorted(statuses['missing'])} | "
                     f"{med['existing']:.3f} ms | {med['missing']:.3f} ms | {p90['existing']:.3f} ms | {p90['missing']:.3f} ms | {ratio:.2f} |")
    # A's things are untouched by B's PATCH and DELETE.
    assert json.loads(request(conn, "GET", f"/v1/documents/{doc}", alice)[1])["id"] == doc
    assert request(conn, "GET", f"/v1/chats/{chat}", alice)[0] == 200
    lines += ["", f"Largest difference of medians: {worst:.2f} of the interquartile range "
              "(below 0.5: the two kinds cannot be told apart by their median).", ""]
    out = os.path.join(ROOT, "bench", "results", f"isolation-timing-{datetime.date.today():%Y%m%d}.md")
    with open(out, "w") as f: f.write("\n".join(lines))
    print("\n".join(lines))
    print("wrote", out)


def registration(conn, args):
    """Taken vs free emails through POST /v1/auth/register on a server that confirms emails."""
    taken = f"taken-{uuid.uuid4().hex[:8]}@example.com"
    creds = json.dumps({"email": taken, "password": "timing test password 42"})
    status, _, _ = request(conn, "POST", "/v1/auth/register", body=creds)
    assert status == 202, "the server must run with DOCUTHINKER_REGISTRATION=confirm-email"
    time.sleep(0.5)
    with sqlite3.connect(os.path.join(args.registration, "docuthinker.sqlite")) as db:
        mail = db.execute("SELECT body FROM outbox WHERE recipient = ?", (taken,)).fetchone()[0]
    token = re.search(r"signup=(\S+)", mail).group(1)
    assert request(conn, "POST", "/v1/auth/register/confirm", body=json.dumps({"token": token}))[0] == 201
    samples = {"taken": [], "free": []}
    bodies = {"taken": set(), "free": set()}
    order = ["taken"] * args.samples + ["free"] * args.samples
    random.shuffle(order)
    for kind in order:
        email = taken if kind == "taken" else f"free-{uuid.uuid4().hex[:10]}@example.com"
        status, data, elapsed = request(conn, "POST", "/v1/auth/register",
                                        body=json.dumps({"email": email, "password": "another timing password"}))
        samples[kind].append(elapsed * 1000)
        bodies[kind].add((status, json.dumps(json.loads(data), sort_keys=True)))
    med = {k: statistics.median(v) for k, v in samples.items()}
    spread = statistics.quantiles(samples["taken"] + samples["free"], n=4)
    ratio = abs(med["taken"] - med["free"]) / max(spread[2] - spread[0], 1e-6)
    lines = [f"# Registration of a taken email vs free ones ({datetime.date.today()})", "",
             f"`{args.url}` with DOCUTHINKER_REGISTRATION=confirm-email; {args.samples} registrations of each kind, interleaved.", "",
             "| kind | answers (status, body) | median | p90 |", "|---|---|---|---|"]
    for kind in samples:
        lines.append(f"| {kind} | {len(bodies[kind])} distinct: {sorted(bodies[kind])[0][0]} | {med[kind]:.1f} ms | "
                     f"{statistics.quantiles(samples[kind], n=10)[-1]:.1f} ms |")
    lines += ["", f"Same answers for both kinds: {bodies['taken'] == bodies['free']}. "
              f"Difference of medians: {ratio:.2f} of the interquartile range.", ""]
    out = os.path.join(ROOT, "bench", "results", f"registration-timing-{datetime.date.today():%Y%m%d}.md")
    with open(out, "w") as f: f.write("\n".join(lines))
    print("\n".join(lines))
    print("wrote", out)


if __name__ == "__main__":
    main()
