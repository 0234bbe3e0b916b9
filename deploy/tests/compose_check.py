#!/usr/bin/env python3
"""Schema-light check of deploy/compose.yaml (no Docker here): YAML parses (anchors/merge keys
resolved), the five services exist, every service has a healthcheck, api/ai run the one image with
the right command/ports/env, depends_on targets exist, volumes are declared, and the env keys match
deploy/aws/scripts/local-env.sh and the ECS task definitions."""
import os, re, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
errors = []
def need(cond, msg):
    if not cond:
        errors.append(msg)

doc = yaml.safe_load(open(os.path.join(DEPLOY, "compose.yaml")))
svcs = doc.get("services", {})
need(set(svcs) == {"api", "ai", "postgres", "redis", "chroma"}, f"services: {sorted(svcs)}")
allowed = {"image", "build", "command", "environment", "env_file", "ports", "volumes", "healthcheck", "depends_on",
           "restart", "read_only", "tmpfs"}
for name, s in svcs.items():
    need(isinstance(s, dict), f"{name}: not a mapping")
    need(not (set(s) - allowed), f"{name}: unknown keys {set(s) - allowed}")
    need("image" in s, f"{name}: no image")
    hc = s.get("healthcheck", {})
    need(isinstance(hc.get("test"), list) and hc["test"][0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck.test")
    for dep in (s.get("depends_on") or {}):
        need(dep in svcs, f"{name}: depends_on unknown {dep}")
    for v in s.get("volumes", []):
        vol = v.split(":", 1)[0]
        need(vol in (doc.get("volumes") or {}), f"{name}: undeclared volume {vol}")
for name, port in (("api", "8080"), ("ai", "8000")):
    s = svcs[name]
    need(s["image"] == svcs["api"]["image"], "api and ai must run the same image")
    need(s["command"] == [name], f"{name}: command {s['command']}")
    need("AI_SERVICE_TOKEN" in s["environment"], f"{name}: AI_SERVICE_TOKEN")
    need(s["environment"]["PORT"] == port and s["ports"] == [f"{port}:{port}"], f"{name}: port")
    need(s["healthcheck"]["test"] == ["CMD", "/usr/local/lib/docuthinker/healthcheck.sh"], f"{name}: healthcheck script")
    need(s["depends_on"]["postgres"]["condition"] == "service_healthy", f"{name}: waits for postgres")
need(svcs["postgres"]["image"].startswith("pgvector/pgvector:"), "postgres must be the pgvector image")
local_env = open(os.path.join(DEPLOY, "aws", "scripts", "local-env.sh")).read()
exported = set(re.findall(r"export ([A-Z_][A-Z0-9_]*)=", local_env))
api_env = set(svcs["api"]["environment"])
need(not (api_env - exported), f"compose api env not exported by local-env.sh: {sorted(api_env - exported)}")
if errors:
    print("compose: FAIL\n  " + "\n  ".join(errors))
    sys.exit(1)
print(f"compose: OK ({len(svcs)} services, all with health checks)")

# local-env.sh exports every variable the ECS task definitions set (env and secrets).
import subprocess
cfn = open(os.path.join(DEPLOY, "aws", "cloudformation", "docuthinker.yaml")).read()
task_vars = set(re.findall(r"\{Name: ([A-Z_][A-Z0-9_]*), Value", cfn))
dump = subprocess.run(["bash", "-c", f"source {os.path.join(DEPLOY, 'aws', 'scripts', 'local-env.sh')} && env -0"],
                      capture_output=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, check=True).stdout
sourced = {kv.split(b"=", 1)[0].decode() for kv in dump.split(b"\0") if kv}
missing = sorted(task_vars - sourced)
if missing or len(task_vars) < 20:
    print(f"local-env: FAIL missing {missing} (task vars: {len(task_vars)})")
    sys.exit(1)
print(f"local-env: OK (exports all {len(task_vars)} task-definition variables)")
