#!/usr/bin/env python3
"""Schema-light check of deploy/compose.yaml (no Docker here): YAML parses (anchors/merge keys
resolved), the eight services exist (api, ai, postgres, minio, the one-shot minio-bucket, redis,
chroma, and otel-collector under the profile telemetry), every long-running service has a healthcheck,
api/ai run the one image with the right command/ports/env, share PostgreSQL (pgvector), MinIO and Redis
and keep no volume, the ai uses Chroma, api/ai export telemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is
set, depends_on targets and conditions are valid, volumes are declared (bind mounts only of files in
deploy/, read-only); the otel-collector runs the same pinned ADOT image as the AWS sidecar
(TelemetryCollectorImage) with deploy/otel-collector.yaml (OTLP/HTTP in, debug out for every signal),
publishes on 127.0.0.1 only and is needed by no other service; and local-env.sh exports, per service,
every variable of that ECS task definition (both branches of each Fn::If, so every ChromaMode, GraphMode
and TelemetryCollector). (What the variables are worth, read or not, is deploy/tests/wiring_check.py's job.)"""
import os, re, subprocess, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
errors = []
def need(cond, msg):
    if not cond:
        errors.append(msg)

doc = yaml.safe_load(open(os.path.join(DEPLOY, "compose.yaml")))
svcs = doc.get("services", {})
need(set(svcs) == {"api", "ai", "postgres", "minio", "minio-bucket", "redis", "chroma", "otel-collector"}, f"services: {sorted(svcs)}")
allowed = {"image", "build", "command", "environment", "ports", "volumes", "healthcheck", "depends_on",
           "restart", "read_only", "tmpfs", "profiles"}
one_shot = {name for name, s in svcs.items() if isinstance(s, dict) and s.get("restart") == "no"}
need(one_shot == {"minio-bucket"}, f"one-shot services: {sorted(one_shot)}")
conditions = {"service_started", "service_healthy", "service_completed_successfully"}
for name, s in svcs.items():
    need(isinstance(s, dict), f"{name}: not a mapping")
    need(not (set(s) - allowed), f"{name}: unknown keys {set(s) - allowed}")
    need("image" in s and ":" in s["image"] and not s["image"].endswith(":latest"), f"{name}: image not pinned")
    if name not in one_shot:
        hc = s.get("healthcheck", {})
        need(isinstance(hc.get("test"), list) and hc["test"][0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck.test")
    for dep, spec in (s.get("depends_on") or {}).items():
        need(dep in svcs, f"{name}: depends_on unknown {dep}")
        need(spec.get("condition") in conditions, f"{name}: depends_on {dep} condition {spec.get('condition')}")
        if spec.get("condition") == "service_healthy":
            need("healthcheck" in svcs.get(dep, {}), f"{name}: waits for {dep} to be healthy, which has no healthcheck")
        if spec.get("condition") == "service_completed_successfully":
            need(dep in one_shot, f"{name}: waits for {dep} to complete, which is not one-shot")
    for v in s.get("volumes", []):
        vol = v.split(":", 1)[0]
        if vol.startswith("./"):  # a bind mount: a file of deploy/, read-only
            need(os.path.isfile(os.path.join(DEPLOY, vol)) and v.endswith(":ro"), f"{name}: bind mount {v} is not a read-only file of deploy/")
        else:
            need(vol in (doc.get("volumes") or {}), f"{name}: undeclared volume {vol}")
    need(name == "otel-collector" or not s.get("profiles"), f"{name}: profiles {s.get('profiles')} (only the optional collector has one)")
for name, port in (("api", "8080"), ("ai", "8000")):
    s = svcs[name]
    env = s["environment"]
    need(s["image"] == svcs["api"]["image"], "api and ai must run the same image")
    need(s["command"] == [name], f"{name}: command {s['command']}")
    need("AI_SERVICE_TOKEN" in env, f"{name}: AI_SERVICE_TOKEN")
    need(env["PORT"] == port and s["ports"] == [f"{port}:{port}"], f"{name}: port")
    need(s["healthcheck"]["test"] == ["CMD", "/usr/local/lib/docuthinker/healthcheck.sh"], f"{name}: healthcheck script")
    need(s["depends_on"]["postgres"]["condition"] == "service_healthy", f"{name}: waits for postgres")
    need(s["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully", f"{name}: waits for the bucket")
    need(s["depends_on"].get("redis", {}).get("condition") == "service_healthy", f"{name}: waits for redis")
    need(env.get("REDIS_URL") == "redis://redis:6379", f"{name}: REDIS_URL must be redis://redis:6379")
    need(not s.get("volumes") and s.get("read_only") is True, f"{name}: must keep no state (read-only, no volume)")
    need(env.get("DOCUTHINKER_DATA_DIR", "").startswith("/tmp/") and "/tmp" in s.get("tmpfs", []), f"{name}: data dir must be on the /tmp tmpfs")
    need(env.get("DATABASE_URL", "").startswith("postgres://docuthinker@postgres:5432/docuthinker"), f"{name}: DATABASE_URL")
    need(env.get("DATABASE_PASSWORD") == svcs["postgres"]["environment"]["POSTGRES_PASSWORD"], f"{name}: DATABASE_PASSWORD != postgres's")
    need(env.get("S3_ENDPOINT") == "http://minio:9000" and env.get("S3_BUCKET"), f"{name}: S3_ENDPOINT/S3_BUCKET")
    need(env.get("AWS_ACCESS_KEY_ID") == svcs["minio"]["environment"]["MINIO_ROOT_USER"]
         and env.get("AWS_SECRET_ACCESS_KEY") == svcs["minio"]["environment"]["MINIO_ROOT_PASSWORD"], f"{name}: MinIO credentials")
    for secret in ("JWT_SECRET", "AI_SERVICE_TOKEN"):
        need(re.fullmatch(r"\$\{" + secret + r":\?[^}]+\}", env.get(secret, "")), f"{name}: {secret} must be ${{{secret}:?...}}")
    # Telemetry off unless the user sets the endpoint (the collector is optional, under a profile).
    need(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}", f"{name}: OTEL_EXPORTER_OTLP_ENDPOINT must be ${{...:-}}")
    need("otel-collector" not in s["depends_on"], f"{name}: must not depend on the optional otel-collector")
need(svcs["api"]["environment"].get("AI_SERVICE_URL") == "http://ai:8000", "api: AI_SERVICE_URL must be http://ai:8000")
need("AI_SERVICE_URL" not in svcs["ai"]["environment"], "ai: AI_SERVICE_URL is the api's")
need(svcs["ai"]["environment"].get("AIML_PORT") == "8000", "ai: AIML_PORT")
need(svcs["ai"]["environment"].get("DOCUTHINKER_CHROMA_URL") == "http://chroma:8000", "ai: DOCUTHINKER_CHROMA_URL must be http://chroma:8000")
need(svcs["ai"]["depends_on"].get("chroma", {}).get("condition") == "service_healthy", "ai: waits for chroma")
need(not any(k.startswith("DOCUTHINKER_CHROMA_") for k in svcs["api"]["environment"]), "api: Chroma is the ai side's")
need(svcs["redis"]["image"].startswith("redis:7.") and not svcs["redis"].get("volumes"), "redis: redis 7 image, cache only (no volume)")
need(svcs["chroma"]["image"].startswith("chromadb/chroma:1.") and any(v.endswith(":/data") for v in svcs["chroma"].get("volumes", [])),
     "chroma: chromadb/chroma 1.x with its /data on a volume")
need("127.0.0.1:8000:8000" not in svcs["chroma"].get("ports", []) and "8000:8000" not in svcs["chroma"].get("ports", []),
     "chroma: host port 8000 is the ai service's")
need(svcs["postgres"]["image"].startswith("pgvector/pgvector:"), "postgres must be the pgvector image")
need(svcs["minio"]["image"].startswith("minio/minio:") and svcs["minio-bucket"]["image"].startswith("minio/mc:"), "minio images")
bucket = svcs["api"]["environment"]["S3_BUCKET"]
need(svcs["minio-bucket"]["command"][-1] == f"minio/{bucket}", f"minio-bucket must create {bucket}")
need(svcs["minio-bucket"]["depends_on"]["minio"]["condition"] == "service_healthy", "minio-bucket waits for minio")

sys.path.insert(0, HERE)
from wiring_check import CfnLoader  # noqa: E402  (keeps !If & co. as Fn::If mappings)
cfn = yaml.load(open(os.path.join(DEPLOY, "aws", "cloudformation", "docuthinker.yaml")), Loader=CfnLoader)

# The optional collector: the AWS sidecar's image (same pinned tag), deploy/otel-collector.yaml mounted read-only.
oc = svcs["otel-collector"]
need(oc.get("profiles") == ["telemetry"], f"otel-collector: profiles {oc.get('profiles')}, not [telemetry]")
need(oc["image"] == cfn["Parameters"]["TelemetryCollectorImage"]["Default"],
     f"otel-collector: image {oc['image']} is not the AWS sidecar's {cfn['Parameters']['TelemetryCollectorImage']['Default']}")
need(oc.get("healthcheck", {}).get("test") == ["CMD", "/healthcheck"], "otel-collector: healthcheck must be the image's /healthcheck")
need(all(p.startswith("127.0.0.1:") for p in oc.get("ports", [])) and "127.0.0.1:4318:4318" in oc.get("ports", []),
     f"otel-collector: ports {oc.get('ports')} (OTLP/HTTP on 127.0.0.1:4318 of the host only)")
config_path = next((c.split("=", 1)[1] for c in oc.get("command", []) if c.startswith("--config=")), None)
mount = next((v.split(":") for v in oc.get("volumes", []) if config_path and v.split(":")[1] == config_path), None)
need(mount is not None and mount[0] == "./otel-collector.yaml", f"otel-collector: --config {config_path} is not deploy/otel-collector.yaml mounted")
collector = yaml.safe_load(open(os.path.join(DEPLOY, "otel-collector.yaml")))
need(collector.get("receivers") == {"otlp": {"protocols": {"http": {"endpoint": "0.0.0.0:4318"}}}},
     f"otel-collector.yaml: receivers {collector.get('receivers')} (OTLP/HTTP on 4318 only: the binary exports nothing else)")
pipelines = collector.get("service", {}).get("pipelines", {})
need(set(pipelines) == {"traces", "metrics", "logs"} and all("debug" in p.get("exporters", []) and p.get("receivers") == ["otlp"]
                                                          for p in pipelines.values()),
     f"otel-collector.yaml: traces, metrics and logs must go from otlp to debug (got {pipelines})")
need("health_check" in collector.get("service", {}).get("extensions", []) and
     collector.get("extensions", {}).get("health_check", {}).get("endpoint") == "127.0.0.1:13133",
     "otel-collector.yaml: the health_check extension on 127.0.0.1:13133 (what /healthcheck asks)")
if errors:
    print("compose: FAIL\n  " + "\n  ".join(errors))
    sys.exit(1)
print(f"compose: OK ({len(svcs)} services, long-running ones with health checks; api/ai stateless on PostgreSQL + MinIO + Redis, ai on Chroma; "
      f"otel-collector optional (profile telemetry), {oc['image'].rsplit(':', 1)[1]} as on AWS)")


# local-env.sh exports, for each service, every variable its ECS task definition sets (env and secrets),
# in any shape: the entries behind an Fn::If (the Chroma, graph, telemetry, Sentry variables) count with both branches.


def names(items):
    out = set()
    for item in items:
        if isinstance(item, dict) and "Fn::If" in item:
            out |= names(item["Fn::If"][1:])
        elif isinstance(item, dict) and "Name" in item:
            out.add(item["Name"])
    return out


script = os.path.join(DEPLOY, "aws", "scripts", "local-env.sh")
total = 0
for logical_id, service in (("ApiTaskDefinition", "api"), ("AiTaskDefinition", "ai")):
    container = cfn["Resources"][logical_id]["Properties"]["ContainerDefinitions"][0]
    task_vars = names(container["Environment"]) | names(container["Secrets"])
    dump = subprocess.run(["bash", "-c", f'source "{script}" {service} && env -0'],
                          capture_output=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, check=True).stdout
    sourced = {kv.split(b"=", 1)[0].decode() for kv in dump.split(b"\0") if kv}
    missing = sorted(task_vars - sourced)
    if missing or len(task_vars) < 10:
        print(f"local-env: FAIL ({service}) missing {missing} (task vars: {len(task_vars)})")
        sys.exit(1)
    total += len(task_vars)
print(f"local-env: OK (exports every task-definition variable: api and ai, {total} in all)")
