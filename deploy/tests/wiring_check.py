#!/usr/bin/env python3
"""Wiring check: what the deployments pass is what the binary reads, and what it needs is passed.

Sources of "passed": the api and ai task definitions (Environment and Secrets) of the CloudFormation
template and of the CDK-synthesised template, the api and ai services of deploy/compose.yaml, and
what deploy/aws/scripts/local-env.sh exports (for `api` and for `ai`).
Source of "read": Sources/**/*.swift, scanned mechanically:
  - swift-configuration keys, `forKey: "database.pool.size"` -> DATABASE_POOL_SIZE (dots become
    underscores, upper-cased: what EnvironmentVariablesProvider looks up);
  - direct reads, `environment["AWS_ACCESS_KEY_ID"]` and `getenv("X")`; an interpolated name such
    as `environment["GOOGLE_AI_API_KEY\\(n)"]` becomes a pattern (GOOGLE_AI_API_KEY<anything>).
Fails, naming the variable and where it is passed, when
  (a) a passed variable is read by no code (a loose wire: REDIS_URL before Redis exists, ...);
  (b) a required variable is missing: api and ai need DATABASE_URL, S3_BUCKET, JWT_SECRET,
      AI_SERVICE_TOKEN, AWS_REGION (and DATABASE_PASSWORD on AWS), the api AI_SERVICE_URL;
  (c) on AWS: ApiCommand/AiCommand do not default to api/ai; Bedrock is not wired (BedrockModel ->
      DOCUTHINKER_BEDROCK_MODEL on the ai task, bedrock:InvokeModel in the task role); a secret
      travels as plain Environment; DATABASE_URL carries a password or lacks sslmode=require;
      S3_BUCKET is not the documents bucket or SSE does not match the bucket's KMS key; a task keeps
      library state on a volume (only task-local scratch volumes, DOCUTHINKER_DATA_DIR on one).
Then it proves itself: an unread variable and a missing required one, injected into copies of the
parsed files, must each make it fail.

Usage: wiring_check.py CDK_TEMPLATE_JSON   (deploy/check passes the template it synthesised)
Python standard library plus PyYAML (the deploy/check venv) to read the YAML files.
"""
import copy, glob, json, os, re, subprocess, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
ROOT = os.path.dirname(DEPLOY)
CFN = os.path.join(DEPLOY, "aws", "cloudformation", "docuthinker.yaml")
COMPOSE = os.path.join(DEPLOY, "compose.yaml")
LOCAL_ENV = os.path.join(DEPLOY, "aws", "scripts", "local-env.sh")

REQUIRED = {
    "api": {"DATABASE_URL", "S3_BUCKET", "JWT_SECRET", "AI_SERVICE_TOKEN", "AWS_REGION", "AI_SERVICE_URL"},
    "ai": {"DATABASE_URL", "S3_BUCKET", "JWT_SECRET", "AI_SERVICE_TOKEN", "AWS_REGION"},
}
REQUIRED_ON_AWS = {"DATABASE_PASSWORD"}  # the URL has no password; ECS injects it from the RDS secret
# Values that must never sit in a task definition's plain Environment (visible in the console/API).
SECRET_ONLY = {"JWT_SECRET", "AI_SERVICE_TOKEN", "DATABASE_PASSWORD", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY"}


# ----------------------------------------------------------------------------- what the code reads
def code_reads(sources_dir):
    """(names, patterns): every environment variable Sources/ reads."""
    names, patterns = set(), set()
    files = sorted(glob.glob(os.path.join(sources_dir, "**", "*.swift"), recursive=True))
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                code = line.split("//", 1)[0] if line.lstrip().startswith("//") else line
                for key in re.findall(r'forKey:\s*"([A-Za-z0-9._-]+)"', code):
                    names.add(re.sub(r"[.-]", "_", key).upper())
                for literal in re.findall(r'(?:environment\[|getenv\()\s*"((?:[^"\\]|\\\([^)]*\))+)"', code):
                    if "\\(" in literal:
                        parts = re.split(r"\\\([^)]*\)", literal)
                        patterns.add("^" + ".+".join(re.escape(p) for p in parts) + "$")
                    else:
                        names.add(literal)
    return names, patterns, len(files)


def is_read(name, reads):
    names, patterns = reads
    return name in names or any(re.match(p, name) for p in patterns)


# ----------------------------------------------------------------------------- what is passed
class CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader, suffix, node):
    name = "Fn::GetAtt" if suffix == "GetAtt" else ("Ref" if suffix == "Ref" else "Fn::" + suffix)
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _tag)


def _pairs(items, value_key):
    """Name -> value of a task definition's Environment/Secrets list (Fn::If branches included)."""
    out = {}
    for item in items or []:
        if isinstance(item, dict) and "Fn::If" in item:
            for branch in item["Fn::If"][1:]:
                out.update(_pairs([branch], value_key))
        elif isinstance(item, dict) and "Name" in item:
            out[item["Name"]] = item.get(value_key)
    return out


def task_definitions(template):
    """service name -> {env, secrets, container, properties} for every ECS container."""
    out = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::ECS::TaskDefinition":
            continue
        props = resource.get("Properties", {})
        for c in props.get("ContainerDefinitions", []):
            out[c["Name"]] = {"env": _pairs(c.get("Environment"), "Value"), "secrets": _pairs(c.get("Secrets"), "ValueFrom"),
                              "container": c, "properties": props, "id": logical_id}
    return out


def compose_services(doc):
    out = {}
    for name in ("api", "ai"):
        s = (doc.get("services") or {}).get(name) or {}
        env = s.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
        out[name] = {"env": dict(env), "secrets": {}, "service": s}
    return out


def local_env_exports(role):
    """Names local-env.sh exports when sourced for `role` (api or ai), beyond a bare shell's."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    def names(script):
        dump = subprocess.run(["bash", "-c", script], capture_output=True, env=clean, check=True).stdout
        return {kv.split(b"=", 1)[0].decode() for kv in dump.split(b"\0") if kv}
    return names(f'source "{LOCAL_ENV}" {role} && env -0') - names("env -0")


def flat(value):
    """A CloudFormation value as one string (Fn::Sub text, Fn::Join parts, Ref/GetAtt names)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(flat(v) for v in value)
    if isinstance(value, dict):
        if "Fn::Join" in value:
            return flat(value["Fn::Join"][1])
        if "Fn::Sub" in value:
            return flat(value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0])
        if "Ref" in value:
            return "${" + value["Ref"] + "}"
        if "Fn::GetAtt" in value:
            return "${" + ".".join(value["Fn::GetAtt"]) + "}"
        return json.dumps(value, sort_keys=True)
    return str(value)


# ----------------------------------------------------------------------------- the checks
def check_passed(label, services, reads, aws):
    errors = []
    for service in ("api", "ai"):
        if service not in services:
            errors.append(f"{label}: no {service} task/service")
            continue
        s = services[service]
        passed = set(s["env"]) | set(s["secrets"])
        for name in sorted(passed):
            if not is_read(name, reads):
                where = "Secrets" if name in s["secrets"] else "Environment"
                errors.append(f"{label} {service}: passes {name} ({where}), which no code in Sources/ reads")
        required = REQUIRED[service] | (REQUIRED_ON_AWS if aws else set())
        for name in sorted(required - passed):
            errors.append(f"{label} {service}: required {name} is not passed")
        for name in sorted(required):
            if not is_read(name, reads):
                errors.append(f"{label} {service}: required {name} is not read by Sources/ (did the scan break?)")
        both = set(s["env"]) & set(s["secrets"])
        if both:
            errors.append(f"{label} {service}: {sorted(both)} both in Environment and Secrets")
    return errors


def check_aws(label, template, services):
    errors = []
    params = template.get("Parameters", {})
    resources = template.get("Resources", {})
    for service, param, default in (("api", "ApiCommand", "api"), ("ai", "AiCommand", "ai")):
        if str(params.get(param, {}).get("Default")) != default:
            errors.append(f"{label}: parameter {param} defaults to {params.get(param, {}).get('Default')!r}, not {default!r}")
        if service in services and services[service]["container"].get("Command") != {"Ref": param}:
            errors.append(f"{label} {service}: Command is not Ref {param}")
    if "BedrockModel" not in params or str(params["BedrockModel"].get("Default", "")) != "":
        errors.append(f"{label}: parameter BedrockModel (default empty) missing")
    ai_env = services.get("ai", {}).get("env", {})
    if ai_env.get("DOCUTHINKER_BEDROCK_MODEL") != {"Ref": "BedrockModel"}:
        errors.append(f"{label} ai: DOCUTHINKER_BEDROCK_MODEL is not Ref BedrockModel, so Bedrock can never be enabled")
    task_role = json.dumps(resources.get("TaskRole", {}))
    if "bedrock:InvokeModel" not in task_role:
        errors.append(f"{label}: the task role may not invoke Bedrock")

    bucket = resources.get("DocumentsBucket", {}).get("Properties", {})
    sse = (bucket.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration") or [{}])[0].get("ServerSideEncryptionByDefault", {})
    for service, s in services.items():
        env, secrets = s["env"], s["secrets"]
        where = f"{label} {service}"
        for name in sorted(SECRET_ONLY & set(env)):
            errors.append(f"{where}: {name} is plain Environment; pass it in Secrets")
        url = flat(env.get("DATABASE_URL", ""))
        if "DATABASE_URL" in env:
            if not re.match(r"^postgres(ql)?://[^:@/]+@", url):
                errors.append(f"{where}: DATABASE_URL must name the user without a password (got {url})")
            if "sslmode=require" not in url and "sslmode=verify-full" not in url:
                errors.append(f"{where}: DATABASE_URL lacks sslmode=require (RDS forces TLS)")
            if "Database.Endpoint.Address" not in url:
                errors.append(f"{where}: DATABASE_URL does not point at the stack's Database")
        if "DATABASE_PASSWORD" in secrets and not flat(secrets["DATABASE_PASSWORD"]).endswith(":password::"):
            errors.append(f"{where}: DATABASE_PASSWORD must be the RDS secret's password key (<secret>:password::)")
        if "DatabaseSecret" not in flat(secrets.get("DATABASE_PASSWORD", "")):
            errors.append(f"{where}: DATABASE_PASSWORD does not come from DatabaseSecret")
        if env.get("S3_BUCKET") != {"Ref": "DocumentsBucket"}:
            errors.append(f"{where}: S3_BUCKET is not the documents bucket")
        if env.get("AWS_REGION") != {"Ref": "AWS::Region"}:
            errors.append(f"{where}: AWS_REGION is not the stack's region")
        if sse.get("SSEAlgorithm") == "aws:kms":
            if env.get("S3_SSE") != "aws:kms" or env.get("S3_SSE_KMS_KEY_ID") != sse.get("KMSMasterKeyID"):
                errors.append(f"{where}: the bucket is SSE-KMS with the stack key; pass S3_SSE=aws:kms and S3_SSE_KMS_KEY_ID of that key")
        if "S3_ENDPOINT" in env:
            errors.append(f"{where}: S3_ENDPOINT is for S3-compatible servers; on AWS leave it unset (virtual-hosted requests)")
        # No library state on the task: only task-local scratch volumes, the data dir on one of them.
        volumes = {v["Name"]: v for v in s["properties"].get("Volumes", [])}
        for name, v in volumes.items():
            if set(v) - {"Name"}:
                errors.append(f"{where}: volume {name} is not task-local scratch ({sorted(set(v) - {'Name'})})")
            if name == "data":
                errors.append(f"{where}: a 'data' volume is back; the library lives in PostgreSQL + S3")
        mounts = {m["ContainerPath"]: m["SourceVolume"] for m in s["container"].get("MountPoints", [])}
        data_dir = env.get("DOCUTHINKER_DATA_DIR", "/var/lib/docuthinker")
        if not isinstance(data_dir, str) or not any(data_dir == p or data_dir.startswith(p.rstrip("/") + "/") for p in mounts):
            errors.append(f"{where}: DOCUTHINKER_DATA_DIR {data_dir!r} is not on a writable scratch mount ({sorted(mounts)})")
        if "/var/lib/docuthinker" in mounts:
            errors.append(f"{where}: a volume is mounted on the image's data directory /var/lib/docuthinker")
    api_url = flat(services.get("api", {}).get("env", {}).get("AI_SERVICE_URL", ""))
    if "AiDiscoveryService" not in api_url or "AiPort" not in api_url:
        errors.append(f"{label} api: AI_SERVICE_URL ({api_url}) does not point at the ai service (AiDiscoveryService, AiPort)")
    registries = json.dumps(resources.get("AiService", {}).get("Properties", {}).get("ServiceRegistries", []))
    if "AiDiscoveryService" not in registries:
        errors.append(f"{label}: the ai service does not register in AiDiscoveryService, so AI_SERVICE_URL resolves to nothing")
    return errors


def check_compose(services):
    errors = []
    for service, s in services.items():
        svc, env = s["service"], s["env"]
        where = f"compose {service}"
        if svc.get("env_file"):
            errors.append(f"{where}: env_file passes variables this check cannot see; list them under environment")
        if svc.get("volumes"):
            errors.append(f"{where}: volumes {svc['volumes']}: the library lives in PostgreSQL + MinIO, not on a volume")
        if svc.get("command") != [service]:
            errors.append(f"{where}: command {svc.get('command')} is not [{service!r}]")
        for name in ("JWT_SECRET", "AI_SERVICE_TOKEN"):
            if not re.fullmatch(r"\$\{" + name + r":\?[^}]+\}", str(env.get(name, ""))):
                errors.append(f"{where}: {name} must come from the environment as ${{{name}:?message}}")
        if str(env.get("S3_ENDPOINT")) != "http://minio:9000":
            errors.append(f"{where}: S3_ENDPOINT is not http://minio:9000")
        if not str(env.get("DATABASE_URL", "")).startswith("postgres://") or "@postgres:5432/" not in str(env.get("DATABASE_URL", "")):
            errors.append(f"{where}: DATABASE_URL does not point at the postgres service")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            if name not in env:
                errors.append(f"{where}: {name} (MinIO's credentials) missing")
    if services.get("api", {}).get("env", {}).get("AI_SERVICE_URL") != "http://ai:8000":
        errors.append("compose api: AI_SERVICE_URL is not http://ai:8000")
    return errors


def check_local_env(exports, reads):
    errors = []
    for role, names in exports.items():
        for name in sorted(names):
            if not is_read(name, reads):
                errors.append(f"local-env.sh ({role}): exports {name}, which no code in Sources/ reads")
    return errors


def run_all(model, reads):
    errors = []
    errors += check_passed("CloudFormation", model["cfn_services"], reads, aws=True)
    errors += check_aws("CloudFormation", model["cfn"], model["cfn_services"])
    errors += check_passed("CDK", model["cdk_services"], reads, aws=True)
    errors += check_aws("CDK", model["cdk"], model["cdk_services"])
    errors += check_passed("compose", model["compose_services"], reads, aws=False)
    errors += check_compose(model["compose_services"])
    errors += check_local_env(model["local_env"], reads)
    return errors


def self_test(model, reads):
    """Each injected fault must be reported by name; returns the faults that were not."""
    missed = []
    def expect(description, mutate, needle):
        m = copy.deepcopy(model)
        mutate(m)
        if not any(needle in e for e in run_all(m, reads)):
            missed.append(description)
    def add_env(template_key, service, name):
        def mutate(m):
            props = m[template_key]["Resources"][m[template_key + "_services"][service]["id"]]["Properties"]
            props["ContainerDefinitions"][0]["Environment"].append({"Name": name, "Value": "x"})
            m[template_key + "_services"] = task_definitions(m[template_key])
        return mutate
    def drop_secret(template_key, service, name):
        def mutate(m):
            c = m[template_key]["Resources"][m[template_key + "_services"][service]["id"]]["Properties"]["ContainerDefinitions"][0]
            c["Secrets"] = [s for s in c["Secrets"] if s["Name"] != name]
            m[template_key + "_services"] = task_definitions(m[template_key])
        return mutate
    expect("unread REDIS_URL in the CloudFormation api task", add_env("cfn", "api", "REDIS_URL"), "passes REDIS_URL")
    expect("unread DOCUTHINKER_CHROMA_URL in the CDK ai task", add_env("cdk", "ai", "DOCUTHINKER_CHROMA_URL"), "passes DOCUTHINKER_CHROMA_URL")
    expect("missing DATABASE_PASSWORD in the CDK ai task", drop_secret("cdk", "ai", "DATABASE_PASSWORD"), "required DATABASE_PASSWORD")
    expect("missing JWT_SECRET in the CloudFormation api task", drop_secret("cfn", "api", "JWT_SECRET"), "required JWT_SECRET")
    def compose_unread(m):
        m["compose_services"]["ai"]["env"]["REDIS_URL"] = "redis://redis:6379"
    expect("unread REDIS_URL in compose ai", compose_unread, "passes REDIS_URL")
    def compose_missing(m):
        del m["compose_services"]["api"]["env"]["AI_SERVICE_URL"]
    expect("missing AI_SERVICE_URL in compose api", compose_missing, "required AI_SERVICE_URL")
    def local_unread(m):
        m["local_env"]["api"] = m["local_env"]["api"] | {"DOCUTHINKER_NEO4J_URI"}
    expect("unread DOCUTHINKER_NEO4J_URI exported by local-env.sh", local_unread, "exports DOCUTHINKER_NEO4J_URI")
    def serve_default(m):
        m["cfn"]["Parameters"]["ApiCommand"]["Default"] = "serve"
    expect("ApiCommand defaulting to serve", serve_default, "ApiCommand defaults")
    return missed


def main():
    if len(sys.argv) != 2 or not os.path.exists(sys.argv[1]):
        print("usage: wiring_check.py CDK_TEMPLATE_JSON (the synthesised DocuThinker.template.json)")
        return 2
    names, patterns, files = code_reads(os.path.join(ROOT, "Sources"))
    reads = (names, patterns)
    with open(CFN) as f:
        cfn = yaml.load(f, Loader=CfnLoader)
    with open(sys.argv[1]) as f:
        cdk = json.load(f)
    with open(COMPOSE) as f:
        compose = yaml.safe_load(f)
    model = {"cfn": cfn, "cfn_services": task_definitions(cfn), "cdk": cdk, "cdk_services": task_definitions(cdk),
             "compose_services": compose_services(compose), "local_env": {r: local_env_exports(r) for r in ("api", "ai")}}
    print(f"code reads {len(names)} variables + {len(patterns)} pattern(s) ({files} Swift files scanned)")
    for label, key in (("CloudFormation", "cfn_services"), ("CDK", "cdk_services"), ("compose", "compose_services")):
        for service in ("api", "ai"):
            s = model[key].get(service, {"env": {}, "secrets": {}})
            secrets = f" + secrets {','.join(s['secrets'])}" if s["secrets"] else ""
            print(f"  {label} {service}: {','.join(s['env'])}{secrets}")
    for role, exported in model["local_env"].items():
        print(f"  local-env.sh {role}: {','.join(sorted(exported))}")
    errors = run_all(model, reads)
    missed = self_test(model, reads)
    for e in errors:
        print("FAIL " + e)
    for m in missed:
        print("FAIL self-test: the check did not catch " + m)
    if errors or missed:
        print(f"wiring: FAILED ({len(errors)} problems, {len(missed)} self-test misses)")
        return 1
    print("wiring: OK (every passed variable is read, every required one is passed; 8 injected faults caught)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
