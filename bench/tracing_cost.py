#!/usr/bin/env python3
"""The cost of tracing, measured in one run: four `docuthinker serve` processes of the same build:
`off` (no OTLP endpoint: no tracing middleware at all), `traces` (every span exported, always_on
sampling; log and metric exporters `none`), `all` (spans, log records and metrics exported) and
`sampled` (`all`, keeping a tenth of the traces), all to a real OTLP/HTTP receiver on loopback (scripts/otlp-receiver.py). Authenticated reads
(bench/load.py's read mix: the document list, one document, its text) on keep-alive connections,
in rotating phases (off, traces, all, traces, all, off, …) so that drift of the machine falls on all. Reports per phase and in total: requests/s, p50/p99, and
the server's CPU time per request (from /proc, the figure the load generator's own share of
the 2 cores does not blur), and how many spans the receiver got.

  bench/tracing_cost.py [--bin .build/release/docuthinker] [--connections 32] [--seconds 15] [--rounds 3]

Needs .build-otel-venv (scripts/otel-e2e makes it). Writes bench/results/tracing-cost-YYYYMMDD-BUILD.md."""
import argparse, asyncio, collections, datetime, json, os, secrets, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import load  # noqa: E402  (setup and the keep-alive connection loop)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(binary, work, name, extra):
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "DOCUTHINKER_DATA_DIR": os.path.join(work, name), "JWT_SECRET": secrets.token_hex(32),
           "DOCUTHINKER_BCRYPT_COST": "4", "LOG_LEVEL": "info",
           "DOCUTHINKER_EMBEDDING_MODEL_DIR": os.path.join(ROOT, "models", "all-MiniLM-L6-v2"), **extra}
    process = subprocess.Popen([binary, "serve", "--port", str(port)], env=env, cwd=work,
                               stdout=open(os.path.join(work, name + ".log"), "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            load.call(url, "GET", "/health")
            return process, url
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not start; see {work}/{name}.log")


async def phase(url, accounts, connections, seconds):
    host, port = url.split("//")[1].split(":")
    stats = collections.defaultdict(list)
    started = time.monotonic()
    await asyncio.gather(*(load.connection(host, int(port), accounts, started + seconds, stats, {"read": 1})
                           for _ in range(connections)))
    return stats["read"], time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "docuthinker"))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=8)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    build = os.path.basename(os.path.dirname(binary))
    venv_python = os.path.join(ROOT, ".build-otel-venv", "bin", "python")
    work = tempfile.mkdtemp(prefix="tracing-cost-")
    received = os.path.join(work, "received.jsonl")
    receiver_port = free_port()
    receiver = subprocess.Popen([venv_python, os.path.join(ROOT, "scripts", "otlp-receiver.py"), str(receiver_port), received])
    servers = {}
    try:
        otlp = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver_port}", "OTEL_TRACES_SAMPLER": "always_on"}
        servers["off"] = start_server(binary, work, "off", {})
        servers["traces"] = start_server(binary, work, "traces", dict(otlp, OTEL_SERVICE_NAME="bench-traces",
                                                                      OTEL_LOGS_EXPORTER="none", OTEL_METRICS_EXPORTER="none"))
        servers["all"] = start_server(binary, work, "all", dict(otlp, OTEL_SERVICE_NAME="bench-all"))
        # The knob for a busy deployment: a tenth of the traces (a parent's decision is kept).
        servers["sampled"] = start_server(binary, work, "sampled", dict(otlp, OTEL_SERVICE_NAME="bench-sampled",
                                                                        OTEL_TRACES_SAMPLER="parentbased_traceidratio",
                                                                        OTEL_TRACES_SAMPLER_ARG="0.1"))
        accounts = {name: load.setup(url, args.users) for name, (_, url) in servers.items()}
        for name, (_, url) in servers.items():  # warm up both
            asyncio.run(phase(url, accounts[name], args.connections, 3))
        names = list(servers)
        rows, totals = [], {name: [[], 0.0, 0.0] for name in names}
        order = []
        for round_ in range(args.rounds):
            order += names[round_ % len(names):] + names[:round_ % len(names)]
        for index, name in enumerate(order):
            process, url = servers[name]
            cpu_before = cpu_seconds(process.pid)
            samples, elapsed = asyncio.run(phase(url, accounts[name], args.connections, args.seconds))
            cpu = cpu_seconds(process.pid) - cpu_before
            ok = [s for s in samples if s[1] == 200]
            times = sorted(s[0] * 1000 for s in ok)
            bad = len(samples) - len(ok)
            rows.append((index + 1, name, len(ok) / elapsed, statistics.median(times), times[int(len(times) * 0.99)],
                         cpu / max(1, len(ok)) * 1e6, bad))
            totals[name][0] += times
            totals[name][1] += elapsed
            totals[name][2] += cpu
        time.sleep(6)  # the batch span processor's 5-second delay: the last spans arrive
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
        receiver.terminate()
        receiver.wait(timeout=10)
    kinds = collections.Counter()
    for line in open(received) if os.path.exists(received) else []:
        item = json.loads(line)
        kinds[(item.get("service"), item["signal"])] += 1
    summary = {}
    for name, (times, elapsed, cpu) in totals.items():
        times.sort()
        summary[name] = (len(times) / elapsed, statistics.median(times), times[int(len(times) * 0.99)], cpu / len(times) * 1e6)
    off = summary["off"]
    lines = [f"# The cost of tracing, {datetime.date.today()}, {build} build (bench/tracing_cost.py)", "",
             f"Four `serve` processes of one binary; {args.connections} keep-alive connections of authenticated reads "
             f"(GET /v1/documents, /v1/documents/ID, /v1/documents/ID/text; {args.users} users) for {args.seconds} s per phase, "
             f"phases rotating over {args.rounds} rounds. `traces` exports every span (always_on) over OTLP/HTTP to a "
             f"receiver on loopback (log and metric exporters `none`); `all` also exports log records (one access-log record per "
             f"request at LOG_LEVEL=info) and metrics; `sampled` is `all` with parentbased_traceidratio 0.1; `off` has no endpoint. Machine: {os.cpu_count()} cores, shared with the "
             "Python load generator and the receiver.", "",
             "| phase | telemetry | req/s | p50 ms | p99 ms | server CPU µs/request | non-200 |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {i} | {n} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {cpu:.0f} | {bad} |" for i, n, rps, p50, p99, cpu, bad in rows]
    lines += ["", "| telemetry | req/s | p50 ms | p99 ms | server CPU µs/request |", "|---|---|---|---|---|"]
    lines += [f"| {n} | {s[0]:.0f} | {s[1]:.2f} | {s[2]:.2f} | {s[3]:.0f} |" for n, s in summary.items()]
    for name in names[1:]:
        on = summary[name]
        lines += ["", f"`{name}` against `off`: throughput {100 * (on[0] / off[0] - 1):+.1f}%, p50 {100 * (on[1] / off[1] - 1):+.1f}%, "
                  f"server CPU per request {100 * (on[3] / off[3] - 1):+.1f}% ({on[3] - off[3]:+.0f} µs); {len(totals[name][0])} requests "
                  f"in its phases. Received from it: " + ", ".join(f"{count} {signal}s" for (service, signal), count in sorted(kinds.items())
                                                                 if service == f"bench-{name}") + "."]
    out = os.path.join(ROOT, "bench", "results", f"tracing-cost-{datetime.date.today().strftime('%Y%m%d')}-{build}.md")
    open(out, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
