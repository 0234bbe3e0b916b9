#!/usr/bin/env python3
"""Load on loopback: N concurrent keep-alive connections for S seconds against a running
`docuthinker serve`, over a mix of authenticated reads, searches, chat messages and uploads.
Reports per request type p50/p99, throughput, status counts (5xx must be zero) and the server's
peak memory (VmHWM of the PID given). Standard library only (asyncio streams, HTTP/1.1).

  bench/load.py --url http://127.0.0.1:8080 --pid PID [--connections 500] [--seconds 60] [--users 50] [--build release]

Writes bench/results/load-YYYYMMDD-BUILD-CONNECTIONS.md."""
import argparse, asyncio, collections, datetime, json, os, random, statistics, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def call(url, method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(url + path, method=method, data=body)
    request.add_header("content-type", "application/json")
    if token: request.add_header("authorization", "Bearer " + token)
    for k, v in (headers or {}).items(): request.add_header(k, v)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")

def multipart(name, data):
    boundary = "----load%d" % random.randrange(1 << 30)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/markdown\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"

def setup(url, users):
    """Users with a document (ready) and a chat each."""
    accounts = []
    for n in range(users):
        email = f"load{n}-{random.randrange(1 << 30)}@example.com"
        creds = json.dumps({"email": email, "password": "load test password 42"}).encode()
        call(url, "POST", "/v1/auth/register", creds)
        token = call(url, "POST", "/v1/auth/login", creds)["accessToken"]
        text = (f"# Harbour report {n}\n\nThe tide tables of harbour {n} show nitrate levels rising in spring. "
                "Dredging moved the northern channel. The river study measured water quality at twelve stations.\n").encode()
        body, ctype = multipart(f"report-{n}.md", text)
        doc = call(url, "POST", "/v1/documents?allowDuplicate=true", body, token, {"content-type": ctype})["id"]
        chat = call(url, "POST", "/v1/chats", json.dumps({"documentIds": [doc]}).encode(), token)["id"]
        accounts.append((token, doc, chat))
    deadline = time.time() + 300
    for token, doc, _ in accounts:
        while time.time() < deadline and call(url, "GET", f"/v1/documents/{doc}", token=token)["status"] == "processing":
            time.sleep(0.2)
    return accounts

async def connection(host, port, accounts, until, stats, mix):
    reader = writer = None
    while time.monotonic() < until:
        token, doc, chat = random.choice(accounts)
        kind = random.choices(list(mix), weights=list(mix.values()))[0]
        if kind == "read":
            method, path, body, ctype = "GET", random.choice(["/v1/documents", f"/v1/documents/{doc}", f"/v1/documents/{doc}/text"]), b"", None
        elif kind == "search":
            method, path, body, ctype = "GET", "/v1/search?q=" + random.choice(["nitrate", "tide%20tables", "northern%20channel", "water"]) + "&mode=hybrid", b"", None
        elif kind == "chat":
            method, path = "POST", f"/v1/chats/{chat}/messages"
            body, ctype = json.dumps({"content": random.choice(["What rose in spring?", "What moved the channel?"])}).encode(), "application/json"
        else:
            method, path = "POST", "/v1/documents?allowDuplicate=true"
            body, ctype = multipart("note.md", b"# Note\n\nA short note about harbour water, %d.\n" % random.randrange(1 << 40))
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n"
        if ctype: head += f"Content-Type: {ctype}\r\n"
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(head.encode() + b"\r\n" + body)
            await writer.drain()
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""): break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length": length = int(value)
                if name.lower() == "connection" and "close" in value.lower(): close = True
            await reader.readexactly(length)
            if close:
                writer.close(); reader = writer = None
        except Exception as error:
            status = "error:" + type(error).__name__
            if writer: writer.close()
            reader = writer = None
        stats[kind].append((time.monotonic() - started, status))

def peak_memory(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM"): return line.split(":")[1].strip()
    except OSError:
        return "?"

async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--build", default="debug", help="which build of the server runs (named in the results file)")
    args = parser.parse_args()
    host, port = args.url.split("//")[1].split(":")
    accounts = setup(args.url, args.users)
    mix = {"read": 50, "search": 30, "chat": 15, "upload": 5}
    stats = collections.defaultdict(list)
    until = time.monotonic() + args.seconds
    started = time.monotonic()
    await asyncio.gather(*(connection(host, int(port), accounts, until, stats, mix) for _ in range(args.connections)))
    elapsed = time.monotonic() - started
    lines = [f"# Load {datetime.date.today()}, {args.build} build, {args.connections} connections (bench/load.py)", "",
             f"{args.connections} keep-alive connections for {args.seconds} s on loopback, {args.users} users, mix {mix}; "
             f"machine: {os.cpu_count()} cores (the load generator shares them).", "",
             "| type | requests | per s | p50 ms | p99 ms | statuses |", "|---|---|---|---|---|---|"]
    total, fivexx = 0, 0
    for kind in mix:
        samples = stats[kind]
        if not samples: continue
        times = sorted(s[0] * 1000 for s in samples)
        statuses = collections.Counter(str(s[1]) for s in samples)
        fivexx += sum(c for s, c in statuses.items() if s.startswith("5"))
        total += len(samples)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        lines.append(f"| {kind} | {len(samples)} | {len(samples)/elapsed:.1f} | {statistics.median(times):.0f} | {p99:.0f} | "
                     + ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items())) + " |")
    lines += ["", f"Total {total} requests in {elapsed:.1f} s ({total/elapsed:.0f}/s); 5xx: {fivexx}; "
              f"server peak memory (VmHWM): {peak_memory(args.pid)}."]
    out = os.path.join(ROOT, "bench", "results", f"load-{datetime.date.today().strftime('%Y%m%d')}-{args.build}-{args.connections}.md")
    open(out, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))

if __name__ == "__main__":
    asyncio.run(main())
