#!/usr/bin/env python3
"""Wiring check: what the deployments pass is what the binary reads, and what it needs is passed.

Sources of "passed": the api and ai task definitions (Environment and Secrets) of the CloudFormation
template and of the CDK-synthesised template(s), the api and ai services of deploy/compose.yaml, and
what deploy/aws/scripts/local-env.sh exports (for `api` and for `ai`). Each template is checked in every
shape CloudFormation can deploy it in (SHAPES: ChromaMode none, ec2, external with a generated or an
own token secret; GraphMode database, neptune, aura; TelemetryCollector none, xray-cloudwatch,
xray-opensearch; with and without SentryDsnSecretArn): conditions are evaluated for those parameter values, resources whose condition is
false are dropped and each Fn::If is replaced by its chosen branch, as CloudFormation does.
Source of "read": Sources/**/*.swift, scanned mechanically:
  - swift-configuration keys, `forKey: "database.pool.size"` -> DATABASE_POOL_SIZE (dots become
    underscores, upper-cased: what EnvironmentVariablesProvider looks up);
  - direct reads, `environment["AWS_ACCESS_KEY_ID"]` and `getenv("X")`; an interpolated name such
    as `environment["GOOGLE_AI_API_KEY\\(n)"]` becomes a pattern (GOOGLE_AI_API_KEY<anything>);
  - the standard telemetry names in Sources/Telemetry: every string literal that names an OTEL_* or
    SENTRY_* variable (TelemetrySettings reads them through a helper, `value("OTEL_SERVICE_NAME")`,
    or from lists; `"OTEL_\\(signal)_EXPORTER"` becomes a pattern);
  - and what swift-otel itself reads from the environment (the process's OTel configuration): the
    OTEL_* literals of the resolved checkout .build/checkouts/swift-otel/Sources, when it is there
    (a note says so when it is not; everything the templates pass is read by Sources/Telemetry).
Fails, naming the variable and where it is passed, when
  (a) a passed variable is read by no code (a loose wire: REDIS_URL before Redis exists, ...);
  (b) a required variable is missing: api and ai need DATABASE_URL, S3_BUCKET, JWT_SECRET,
      AI_SERVICE_TOKEN, AWS_REGION (and DATABASE_PASSWORD on AWS), the api AI_SERVICE_URL;
  (c) on AWS: ApiCommand/AiCommand do not default to api/ai; Bedrock is not wired (BedrockModel ->
      DOCUTHINKER_BEDROCK_MODEL on the ai task, bedrock:InvokeModel in the task role); a secret
      travels as plain Environment; DATABASE_URL carries a password or lacks sslmode=require;
      S3_BUCKET is not the documents bucket or SSE does not match the bucket's KMS key; a task keeps
      library state on a volume (only task-local scratch volumes, DOCUTHINKER_DATA_DIR on one); api or ai
      lacks DOCUTHINKER_PUBLIC_URL (Ref PublicUrl or an https:// name: reset links, /mcp's browser
      origin, the WebAuthn relying party);
  (d) Redis: REDIS_URL is not rediss://<Cache primary endpoint>:<port> on api and ai, REDIS_AUTH_TOKEN
      is not RedisSecret's token key (ECS secrets, readable by the execution role), the cluster lacks
      transit encryption/AUTH, or it accepts more than the api and ai security groups; the api does
      not get DOCUTHINKER_TRUSTED_PROXY_HOPS=1 (it is behind the ALB);
  (e) Chroma, per shape: the api gets a Chroma variable; with none the ai gets one or a Chroma
      resource exists; with ec2 DOCUTHINKER_CHROMA_URL is not the Cloud Map name of the Chroma host
      on ChromaPort, or the host is not one instance (IMDSv2, encrypted root) in ChromaSubnetId with
      an encrypted, retained data volume in ChromaAvailabilityZone and a security group open to the
      ai tasks only; with external the URL is not ChromaUrl; with ec2/external the token is not
      DOCUTHINKER_CHROMA_TOKEN from ChromaTokenSecretArn or the generated ChromaTokenSecret;
  (f) compose: api and ai do not use the redis service, the ai does not use the chroma service;
  (g) knowledge graph, per shape (GraphMode database, neptune, aura): the api gets a graph variable (it
      reads the graph through the ai service); with database the ai gets one or a Neptune resource
      exists; with neptune DOCUTHINKER_NEPTUNE_ENDPOINT is not https://<NeptuneCluster endpoint>:<port>,
      the cluster lacks IAM authentication, encryption with the stack key, audit logs or a kept
      snapshot, its security group accepts more than the ai tasks, or the task role may not query it
      (neptune-db actions on the cluster's resource id); with aura DOCUTHINKER_NEO4J_URI is not
      Neo4jUri or DOCUTHINKER_NEO4J_PASSWORD is not Neo4jPasswordSecretArn through ECS secrets that the
      execution role may read;
  (h) telemetry, per shape (TelemetryCollector none, xray-cloudwatch, xray-opensearch; SentryDsnSecretArn):
      with none a task passes an OTEL_* variable or has a second container, or a Telemetry resource or
      X-Ray grant exists; otherwise api and ai lack OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318,
      OTEL_SERVICE_NAME=docuthinker-<service> or the dependency on the collector's START, the collector
      is essential, publishes a port, is not the pinned ADOT image, has a writable root filesystem or no
      awslogs configuration of its own, its rendered configuration (AOT_CONFIG_CONTENT) does not parse,
      listens beyond 127.0.0.1:4318 or on gRPC, does not send traces to awsxray, metrics to awsemf
      (namespace DocuThinker, TelemetryMetricsLogGroup) and logs to TelemetryLogsLogGroup or, SigV4-signed
      for osis, to OpenSearchIngestionEndpoint/v1/logs, differs between api and ai, or the task role may
      not do exactly that (X-Ray, log streams of the collector's groups only, osis:Ingest on the one
      pipeline); any task passes an OTEL_* value the binary refuses at start (a gRPC protocol, a
      propagator other than tracecontext, an exporter other than otlp/none); SENTRY_DSN is not
      SentryDsnSecretArn through ECS secrets readable by the execution role.
Then it proves itself: faults injected into copies of the parsed files (an unread variable, a missing
required one, a secret moved to plain Environment, a Chroma URL on the api, ...) must each make it fail.

Usage: wiring_check.py CDK_TEMPLATE_JSON [CDK_TEMPLATE_JSON...]
       (deploy/check passes the templates it synthesised, one per ChromaMode default)
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
# The URLs carry no password: ECS injects DATABASE_PASSWORD from the RDS secret and REDIS_AUTH_TOKEN from
# the ElastiCache AUTH secret; REDIS_URL is the shared cache and rate limits of every task.
REQUIRED_ON_AWS = {"DATABASE_PASSWORD", "REDIS_URL", "REDIS_AUTH_TOKEN"}
REQUIRED_IN_COMPOSE = {"REDIS_URL"}
# Values that must never sit in a task definition's plain Environment (visible in the console/API).
SECRET_ONLY = {"JWT_SECRET", "AI_SERVICE_TOKEN", "DATABASE_PASSWORD", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY",
               "REDIS_AUTH_TOKEN", "DOCUTHINKER_CHROMA_TOKEN", "DOCUTHINKER_NEO4J_PASSWORD", "SENTRY_DSN"}
CHROMA_VARIABLES = {"DOCUTHINKER_CHROMA_URL", "DOCUTHINKER_CHROMA_TOKEN", "DOCUTHINKER_CHROMA_TENANT",
                    "DOCUTHINKER_CHROMA_DATABASE", "DOCUTHINKER_CHROMA_COLLECTION"}
GRAPH_VARIABLES = {"DOCUTHINKER_NEPTUNE_ENDPOINT", "DOCUTHINKER_NEO4J_URI", "DOCUTHINKER_NEO4J_USER", "DOCUTHINKER_NEO4J_PASSWORD",
                   "DOCUTHINKER_NEO4J_DATABASE", "DOCUTHINKER_FALKORDB_URL", "DOCUTHINKER_FALKORDB_PASSWORD", "DOCUTHINKER_FALKORDB_GRAPH"}
NEO4J_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:docuthinker/neo4j-AbCdEf"
SENTRY_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:docuthinker/sentry-dsn-AbCdEf"
OSIS_ENDPOINT = "https://docuthinker-logs-abcdefghij.us-east-1.osis.amazonaws.com"
OSIS_PIPELINE_ARN = "arn:aws:osis:us-east-1:123456789012:pipeline/docuthinker-logs"
# The ADOT collector sidecar (TelemetryCollector not none): its container name, where it listens, the image.
COLLECTOR = "otel-collector"
OTLP_ENDPOINT = "http://127.0.0.1:4318"
ADOT_IMAGE = re.compile(r"^public\.ecr\.aws/aws-observability/aws-otel-collector:v[0-9]+\.[0-9]+\.[0-9]+$")
# The deployable shapes of the templates: parameter values (the rest keep their defaults).
OWN_TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:docuthinker/own-chroma-token-AbCdEf"
SHAPES = {
    "none": {"ChromaMode": "none", "GraphMode": "database", "TelemetryCollector": "none"},
    "ec2": {"ChromaMode": "ec2", "ChromaSubnetId": "subnet-0123456789abcdef0", "ChromaAvailabilityZone": "us-east-1a",
            "GraphMode": "database", "TelemetryCollector": "none"},
    "external": {"ChromaMode": "external", "ChromaUrl": "https://chroma.example.com:8443", "GraphMode": "database",
                 "TelemetryCollector": "none"},
    "external+own-token": {"ChromaMode": "external", "ChromaUrl": "http://10.0.5.10:8000", "ChromaTokenSecretArn": OWN_TOKEN_ARN,
                           "ChromaExternalCidr": "10.0.5.10/32", "GraphMode": "database", "TelemetryCollector": "none"},
    "neptune": {"ChromaMode": "none", "GraphMode": "neptune", "TelemetryCollector": "none"},
    "aura": {"ChromaMode": "none", "GraphMode": "aura", "Neo4jUri": "https://abc123.databases.neo4j.io", "Neo4jPasswordSecretArn": NEO4J_SECRET_ARN,
             "TelemetryCollector": "none"},
    "ec2+neptune": {"ChromaMode": "ec2", "ChromaSubnetId": "subnet-0123456789abcdef0", "ChromaAvailabilityZone": "us-east-1a",
                    "GraphMode": "neptune", "TelemetryCollector": "none"},
    "xray-cloudwatch": {"ChromaMode": "none", "GraphMode": "database", "TelemetryCollector": "xray-cloudwatch"},
    "xray-opensearch": {"ChromaMode": "none", "GraphMode": "database", "TelemetryCollector": "xray-opensearch",
                        "OpenSearchIngestionEndpoint": OSIS_ENDPOINT, "OpenSearchIngestionPipelineArn": OSIS_PIPELINE_ARN},
    "sentry": {"ChromaMode": "none", "GraphMode": "database", "TelemetryCollector": "none", "SentryDsnSecretArn": SENTRY_SECRET_ARN},
    # What deploy/check's second checkov run scans (every optional resource at once), resolved like this.
    "ec2+neptune+xray-cloudwatch+sentry": {"ChromaMode": "ec2", "ChromaSubnetId": "subnet-0123456789abcdef0",
                                           "ChromaAvailabilityZone": "us-east-1a", "GraphMode": "neptune",
                                           "TelemetryCollector": "xray-cloudwatch", "SentryDsnSecretArn": SENTRY_SECRET_ARN},
}


# ----------------------------------------------------------------------------- what the code reads
def _add_literal(literal, names, patterns):
    """A variable name, or with an interpolation (`"X_\\(n)"`) a pattern (X_<anything>)."""
    if "\\(" in literal:
        parts = re.split(r"\\\([^)]*\)", literal)
        patterns.add("^" + ".+".join(re.escape(p) for p in parts) + "$")
    else:
        names.add(literal)


# A string literal naming a standard telemetry variable (OTEL_SERVICE_NAME, "OTEL_\(signal)_EXPORTER", SENTRY_DSN).
TELEMETRY_LITERAL = re.compile(r'"((?:OTEL|SENTRY)_(?:[A-Z0-9_]|\\\([^)]*\))+)"')
SWIFT_OTEL = os.path.join(ROOT, ".build", "checkouts", "swift-otel", "Sources")


def code_reads(sources_dir, swift_otel=SWIFT_OTEL):
    """(names, patterns, files, note): every environment variable Sources/ (and swift-otel) reads."""
    names, patterns = set(), set()
    files = sorted(glob.glob(os.path.join(sources_dir, "**", "*.swift"), recursive=True))
    telemetry_dir = os.path.join(sources_dir, "Telemetry") + os.sep
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                code = line.split("//", 1)[0] if line.lstrip().startswith("//") else line
                for key in re.findall(r'forKey:\s*"([A-Za-z0-9._-]+)"', code):
                    names.add(re.sub(r"[.-]", "_", key).upper())
                for literal in re.findall(r'(?:environment\[|getenv\()\s*"((?:[^"\\]|\\\([^)]*\))+)"', code):
                    _add_literal(literal, names, patterns)
                if path.startswith(telemetry_dir):
                    for literal in TELEMETRY_LITERAL.findall(code):
                        _add_literal(literal, names, patterns)
    otel_files = sorted(glob.glob(os.path.join(swift_otel, "**", "*.swift"), recursive=True))
    for path in otel_files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.lstrip().startswith("//"):
                    for literal in TELEMETRY_LITERAL.findall(line):
                        if literal.startswith("OTEL_"):
                            _add_literal(literal, names, patterns)
    note = (f"+ swift-otel's OTEL_* names ({len(otel_files)} files of {os.path.relpath(swift_otel, ROOT)})" if otel_files else
            f"(no {os.path.relpath(swift_otel, ROOT)}: OTEL_* names from Sources/Telemetry only)")
    return names, patterns, len(files), note


def is_read(name, reads):
    names, patterns = reads
    return name in names or any(re.match(p, name) for p in patterns)


# ----------------------------------------------------------------------------- what is passed
class CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader, suffix, node):
    name = "Fn::GetAtt" if suffix == "GetAtt" else (suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix)
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


NO_VALUE = object()


def resolve(template, values):
    """The template as CloudFormation deploys it with these parameter values (the others at their
    defaults): Conditions evaluated, resources and outputs whose condition is false dropped, every
    Fn::If replaced by its chosen branch and AWS::NoValue removed. Fails on a condition it cannot
    evaluate (a function it does not know), so a new construct cannot slip through unchecked."""
    params = {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()}
    unknown = set(values) - set(params)
    if unknown:
        raise ValueError(f"shape sets unknown parameters {sorted(unknown)}")
    params.update(values)
    conditions, memo = template.get("Conditions", {}), {}

    def value(x):
        if isinstance(x, dict) and set(x) == {"Ref"} and x["Ref"] in params:
            return params[x["Ref"]]
        if isinstance(x, (str, int, float)):
            return str(x)
        raise ValueError(f"cannot evaluate {x!r} in a condition")

    def holds(expr):
        if isinstance(expr, dict) and len(expr) == 1:
            (fn, args), = expr.items()
            if fn == "Condition":
                return condition(args)
            if fn == "Fn::Equals":
                return value(args[0]) == value(args[1])
            if fn == "Fn::Not":
                return not holds(args[0])
            if fn == "Fn::And":
                return all(holds(a) for a in args)
            if fn == "Fn::Or":
                return any(holds(a) for a in args)
        raise ValueError(f"cannot evaluate condition {expr!r}")

    def condition(name):
        if name not in memo:
            memo[name] = holds(conditions[name])
        return memo[name]

    def walk(x):
        if isinstance(x, dict):
            if set(x) == {"Fn::If"}:
                name, yes, no = x["Fn::If"]
                return walk(yes if condition(name) else no)
            if x == {"Ref": "AWS::NoValue"}:
                return NO_VALUE
            out = {}
            for k, v in x.items():
                v = walk(v)
                if v is not NO_VALUE:
                    out[k] = v
            return out
        if isinstance(x, list):
            return [v for v in (walk(i) for i in x) if v is not NO_VALUE]
        return x

    out = dict(template)
    for section in ("Resources", "Outputs"):
        out[section] = {k: walk(v) for k, v in template.get(section, {}).items()
                        if "Condition" not in v or condition(v["Condition"])}
    out["ParameterValues"] = params
    return out


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
def check_passed(label, services, reads, aws, compose=False):
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
        required = REQUIRED[service] | (REQUIRED_ON_AWS if aws else set()) | (REQUIRED_IN_COMPOSE if compose else set())
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
        if service not in ("api", "ai"):
            continue  # the collector sidecar: check_telemetry
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
        # Reset links, /mcp's browser origin (the ai serves /ai/mcp through the ALB) and the WebAuthn RP:
        # without it the binary assumes http://localhost:PORT.
        public = env.get("DOCUTHINKER_PUBLIC_URL")
        if public is None:
            errors.append(f"{where}: DOCUTHINKER_PUBLIC_URL must be passed (PublicUrl or the derived https:// name), "
                          f"else reset links and passkeys use http://localhost")
        elif public != {"Ref": "PublicUrl"} and not flat(public).startswith("https://"):
            errors.append(f"{where}: DOCUTHINKER_PUBLIC_URL must be Ref PublicUrl or an https:// name of the stack (got {flat(public)})")
    api_url = flat(services.get("api", {}).get("env", {}).get("AI_SERVICE_URL", ""))
    if "AiDiscoveryService" not in api_url or "AiPort" not in api_url:
        errors.append(f"{label} api: AI_SERVICE_URL ({api_url}) does not point at the ai service (AiDiscoveryService, AiPort)")
    registries = json.dumps(resources.get("AiService", {}).get("Properties", {}).get("ServiceRegistries", []))
    if "AiDiscoveryService" not in registries:
        errors.append(f"{label}: the ai service does not register in AiDiscoveryService, so AI_SERVICE_URL resolves to nothing")
    return errors


def _secret_resources(resources):
    """What the execution role may read (secretsmanager:GetSecretValue)."""
    out = []
    for policy in resources.get("ExecutionRole", {}).get("Properties", {}).get("Policies", []):
        for st in policy.get("PolicyDocument", {}).get("Statement", []):
            actions = st.get("Action")
            if "secretsmanager:GetSecretValue" in (actions if isinstance(actions, list) else [actions]):
                res = st.get("Resource")
                out += res if isinstance(res, list) else [res]
    return out


def _sg_sources(resources, group):
    props = resources.get(group, {}).get("Properties", {})
    return sorted(json.dumps(r.get("SourceSecurityGroupId", r.get("CidrIp")), sort_keys=True) for r in props.get("SecurityGroupIngress", []))


def check_redis_and_chroma(label, shape, template, services):
    errors = []
    resources, params = template.get("Resources", {}), template.get("ParameterValues", {})
    readable = _secret_resources(resources)
    # Redis: TLS + AUTH, the token from RedisSecret through ECS secrets, reachable from api and ai only.
    cache = resources.get("Cache", {}).get("Properties", {})
    if cache.get("TransitEncryptionEnabled") is not True or "RedisSecret" not in flat(cache.get("AuthToken", "")):
        errors.append(f"{label}: the Redis cluster lacks transit encryption or the AUTH token from RedisSecret")
    if _sg_sources(resources, "CacheSecurityGroup") != sorted(json.dumps({"Ref": g}) for g in ("ApiSecurityGroup", "AiSecurityGroup")):
        errors.append(f"{label}: Redis accepts {_sg_sources(resources, 'CacheSecurityGroup')}, not exactly the api and ai security groups")
    if {"Ref": "RedisSecret"} not in readable:
        errors.append(f"{label}: the execution role may not read RedisSecret (REDIS_AUTH_TOKEN)")
    for service in ("api", "ai"):
        s = services.get(service)
        if not s:
            continue
        url = flat(s["env"].get("REDIS_URL", ""))
        if "REDIS_URL" in s["env"] and (not url.startswith("rediss://") or "Cache.PrimaryEndPoint.Address" not in url
                                        or "Cache.PrimaryEndPoint.Port" not in url or "@" in url):
            errors.append(f"{label} {service}: REDIS_URL must be rediss://<Cache primary endpoint>:<port> without a password (got {url})")
        token = flat(s["secrets"].get("REDIS_AUTH_TOKEN", ""))
        if "REDIS_AUTH_TOKEN" in s["secrets"] and not ("RedisSecret" in token and token.endswith(":token::")):
            errors.append(f"{label} {service}: REDIS_AUTH_TOKEN must be RedisSecret's token key (<secret>:token::), got {token}")
    api_env = services.get("api", {}).get("env", {})
    if api_env.get("DOCUTHINKER_TRUSTED_PROXY_HOPS") != "1":
        errors.append(f"{label} api: DOCUTHINKER_TRUSTED_PROXY_HOPS must be \"1\" behind the ALB "
                      f"(got {api_env.get('DOCUTHINKER_TRUSTED_PROXY_HOPS')!r})")

    # Chroma: the ai side only, per shape.
    api_chroma = sorted(CHROMA_VARIABLES & (set(api_env) | set(services.get("api", {}).get("secrets", {}))))
    if api_chroma:
        errors.append(f"{label} api: passes {api_chroma}; Chroma is the ai side's (the api calls ai over HTTP)")
    ai = services.get("ai", {"env": {}, "secrets": {}})
    mode = params.get("ChromaMode")
    chroma_resources = sorted(k for k in resources if k.startswith("Chroma"))
    url, token = ai["env"].get("DOCUTHINKER_CHROMA_URL"), ai["secrets"].get("DOCUTHINKER_CHROMA_TOKEN")
    if mode == "none":
        if "DOCUTHINKER_CHROMA_URL" in ai["env"] or "DOCUTHINKER_CHROMA_TOKEN" in ai["secrets"]:
            errors.append(f"{label} ai: ChromaMode=none passes a Chroma variable")
        if chroma_resources:
            errors.append(f"{label}: ChromaMode=none still creates {chroma_resources}")
        return errors
    want_token = {"Ref": "ChromaTokenSecretArn"} if params.get("ChromaTokenSecretArn") else {"Ref": "ChromaTokenSecret"}
    if token != want_token:
        errors.append(f"{label} ai: DOCUTHINKER_CHROMA_TOKEN must come from {want_token} through ECS secrets (got {token})")
    if want_token["Ref"] == "ChromaTokenSecret" and "ChromaTokenSecret" not in resources:
        errors.append(f"{label}: no ChromaTokenSecret is created although no ChromaTokenSecretArn is given")
    if want_token not in readable:
        errors.append(f"{label}: the execution role may not read the Chroma token ({want_token})")
    if mode == "external":
        if url != {"Ref": "ChromaUrl"}:
            errors.append(f"{label} ai: with ChromaMode=external DOCUTHINKER_CHROMA_URL must be ChromaUrl (got {url})")
        if any(k in resources for k in ("ChromaAutoScalingGroup", "ChromaDataVolume")):
            errors.append(f"{label}: ChromaMode=external still creates the Chroma host")
        if params.get("ChromaExternalCidr") and "AiToExternalChromaEgress" not in resources:
            errors.append(f"{label}: ChromaExternalCidr is set but the ai tasks may not reach it")
        return errors
    # ec2: one instance in ChromaSubnetId, IMDSv2, encrypted root; a retained encrypted data volume in
    # ChromaAvailabilityZone; the proxy reachable from the ai tasks only; the URL its Cloud Map name.
    flat_url = flat(url or "")
    if not (flat_url.startswith("http://") and "ChromaDiscoveryService.Name" in flat_url and "ChromaPort" in flat_url):
        errors.append(f"{label} ai: with ChromaMode=ec2 DOCUTHINKER_CHROMA_URL must be http://<ChromaDiscoveryService>.<namespace>:<ChromaPort> (got {flat_url})")
    group = resources.get("ChromaAutoScalingGroup", {})
    gp = group.get("Properties", {})
    if (str(gp.get("MinSize")), str(gp.get("MaxSize")), str(gp.get("DesiredCapacity"))) != ("1", "1", "1"):
        errors.append(f"{label}: the Chroma Auto Scaling group is not exactly one instance")
    if gp.get("VPCZoneIdentifier") != [{"Ref": "ChromaSubnetId"}]:
        errors.append(f"{label}: the Chroma group is not pinned to ChromaSubnetId (the data volume's AZ)")
    if "ResourceSignal" not in group.get("CreationPolicy", {}):
        errors.append(f"{label}: the Chroma group does not wait for the instance's healthy signal")
    data = resources.get("ChromaLaunchTemplate", {}).get("Properties", {}).get("LaunchTemplateData", {})
    if data.get("MetadataOptions", {}).get("HttpTokens") != "required":
        errors.append(f"{label}: the Chroma launch template allows IMDSv1")
    if not data.get("BlockDeviceMappings") or not all(b.get("Ebs", {}).get("Encrypted") is True for b in data["BlockDeviceMappings"]):
        errors.append(f"{label}: the Chroma root volume is not encrypted")
    user_data = flat(data.get("UserData", ""))
    for needle in ("ChromaDataVolume", "TokenSecretArn", "ChromaDiscoveryService.Id", "attach-volume", "Authorization: Bearer"):
        if needle not in user_data:
            errors.append(f"{label}: the Chroma user data does not use {needle}")
    volume = resources.get("ChromaDataVolume", {})
    if volume.get("Properties", {}).get("Encrypted") is not True or volume.get("DeletionPolicy") not in ("Retain", "Snapshot") \
            or volume.get("UpdateReplacePolicy") not in ("Retain", "Snapshot"):
        errors.append(f"{label}: the Chroma data volume must be encrypted and kept (DeletionPolicy/UpdateReplacePolicy Retain or Snapshot)")
    if volume.get("Properties", {}).get("AvailabilityZone") != {"Ref": "ChromaAvailabilityZone"}:
        errors.append(f"{label}: the Chroma data volume is not in ChromaAvailabilityZone")
    if _sg_sources(resources, "ChromaSecurityGroup") != [json.dumps({"Ref": "AiSecurityGroup"})]:
        errors.append(f"{label}: the Chroma host accepts {_sg_sources(resources, 'ChromaSecurityGroup')}, not only the ai tasks")
    role = json.dumps(resources.get("ChromaInstanceRole", {}), sort_keys=True)
    if json.dumps(want_token, sort_keys=True) not in role:
        errors.append(f"{label}: the Chroma host may not read the token it must require")
    return errors


def check_graph(label, template, services):
    errors = []
    resources, params = template.get("Resources", {}), template.get("ParameterValues", {})
    api = services.get("api", {"env": {}, "secrets": {}})
    api_graph = sorted(GRAPH_VARIABLES & (set(api["env"]) | set(api["secrets"])))
    if api_graph:
        errors.append(f"{label} api: passes {api_graph}; the graph database is the ai side's (the api reads graphs through the ai service)")
    ai = services.get("ai", {"env": {}, "secrets": {}})
    passed = GRAPH_VARIABLES & (set(ai["env"]) | set(ai["secrets"]))
    neptune = sorted(k for k in resources if k.startswith("Neptune"))
    mode = params.get("GraphMode")
    if mode != "neptune" and neptune:
        errors.append(f"{label}: GraphMode={mode} still creates {neptune}")
    if mode == "database":
        if passed:
            errors.append(f"{label} ai: GraphMode=database passes {sorted(passed)}")
        return errors
    if mode == "aura":
        if ai["env"].get("DOCUTHINKER_NEO4J_URI") != {"Ref": "Neo4jUri"} or ai["env"].get("DOCUTHINKER_NEO4J_USER") != {"Ref": "Neo4jUser"}:
            errors.append(f"{label} ai: with GraphMode=aura DOCUTHINKER_NEO4J_URI/_USER must be Neo4jUri/Neo4jUser")
        if ai["secrets"].get("DOCUTHINKER_NEO4J_PASSWORD") != {"Ref": "Neo4jPasswordSecretArn"}:
            errors.append(f"{label} ai: DOCUTHINKER_NEO4J_PASSWORD must come from Neo4jPasswordSecretArn through ECS secrets")
        if {"Ref": "Neo4jPasswordSecretArn"} not in _secret_resources(resources):
            errors.append(f"{label}: the execution role may not read Neo4jPasswordSecretArn (DOCUTHINKER_NEO4J_PASSWORD)")
        return errors
    url = flat(ai["env"].get("DOCUTHINKER_NEPTUNE_ENDPOINT", ""))
    if url != "https://${NeptuneCluster.Endpoint}:${NeptuneCluster.Port}":
        errors.append(f"{label} ai: with GraphMode=neptune DOCUTHINKER_NEPTUNE_ENDPOINT must be https://<NeptuneCluster endpoint>:<port> (got {url})")
    cluster = resources.get("NeptuneCluster", {})
    props = cluster.get("Properties", {})
    if props.get("IamAuthEnabled") is not True or props.get("StorageEncrypted") is not True \
            or "DataKey" not in flat(props.get("KmsKeyId", "")) or "audit" not in props.get("EnableCloudwatchLogsExports", []):
        errors.append(f"{label}: the Neptune cluster needs IAM authentication, encryption with the stack key and audit logs")
    if cluster.get("DeletionPolicy") not in ("Retain", "Snapshot") or cluster.get("UpdateReplacePolicy") not in ("Retain", "Snapshot"):
        errors.append(f"{label}: the Neptune cluster must be kept (DeletionPolicy/UpdateReplacePolicy Snapshot)")
    if _sg_sources(resources, "NeptuneSecurityGroup") != [json.dumps({"Ref": "AiSecurityGroup"})]:
        errors.append(f"{label}: Neptune accepts {_sg_sources(resources, 'NeptuneSecurityGroup')}, not only the ai tasks")
    grants = [st for policy in resources.get("TaskRole", {}).get("Properties", {}).get("Policies", [])
              for st in policy.get("PolicyDocument", {}).get("Statement", []) if "neptune-db:WriteDataViaQuery" in st.get("Action", [])]
    if not any(flat(st.get("Resource", "")).endswith(":${NeptuneCluster.ClusterResourceId}/*") for st in grants):
        errors.append(f"{label}: the task role may not query the stack's Neptune cluster (neptune-db actions on its resource id)")
    return errors


def render(value):
    """A CloudFormation string as text: Fn::Sub with its variables filled in (the others, pseudo parameters and
    logical ids, stay ${Name}), Fn::Join joined, Ref/GetAtt as ${Name}/${Name.Attribute} (flat()). The YAML's
    Fn::Sub [text, {variables}] and a CDK Fn::Join of the same parts render to the same text."""
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], list):
        text, variables = value["Fn::Sub"]
        return re.sub(r"\$\{([^}!]+)\}", lambda m: render(variables[m.group(1)]) if m.group(1) in variables else m.group(0), text)
    if isinstance(value, dict) and "Fn::Join" in value:
        return value["Fn::Join"][0].join(render(v) for v in value["Fn::Join"][1])
    return flat(value)


# What the binary refuses at start (Sources/Telemetry/TelemetrySettings.swift): a template passing one of
# these would leave every task failing its start.
def refused_otel_values(env):
    out = []
    for name, value in env.items():
        v = str(value).strip().lower() if isinstance(value, str) else None
        if v is None:
            continue
        if re.fullmatch(r"OTEL_EXPORTER_OTLP_(TRACES_|LOGS_|METRICS_)?PROTOCOL", name) and v not in ("http/protobuf", "http/json"):
            out.append(f"{name}={value} (OTLP/HTTP only)")
        if name == "OTEL_PROPAGATORS" and set(p.strip() for p in v.split(",")) - {"tracecontext", "none", ""}:
            out.append(f"{name}={value} (tracecontext only)")
        if re.fullmatch(r"OTEL_(TRACES|LOGS|METRICS)_EXPORTER", name) and v not in ("otlp", "none"):
            out.append(f"{name}={value} (otlp or none only)")
    return out


def _collector_config(container):
    """The sidecar's AOT_CONFIG_CONTENT, rendered and parsed (None and the error when it does not parse)."""
    text = next((render(e.get("Value")) for e in container.get("Environment", []) if e.get("Name") == "AOT_CONFIG_CONTENT"), None)
    if text is None:
        return None, "no AOT_CONFIG_CONTENT"
    try:
        return yaml.safe_load(text), None
    except yaml.YAMLError as e:
        return None, f"AOT_CONFIG_CONTENT does not parse: {e}"


def check_telemetry(label, template, services):
    errors = []
    resources, params = template.get("Resources", {}), template.get("ParameterValues", {})
    mode, sentry = params.get("TelemetryCollector"), params.get("SentryDsnSecretArn")
    statements = [st for policy in resources.get("TaskRole", {}).get("Properties", {}).get("Policies", [])
                  for st in policy.get("PolicyDocument", {}).get("Statement", [])]
    def actions(st):
        a = st.get("Action", [])
        return a if isinstance(a, list) else [a]
    telemetry_resources = sorted(k for k in resources if k.startswith("Telemetry"))
    configs = {}
    for service in ("api", "ai"):
        s = services.get(service)
        if not s:
            continue
        where = f"{label} {service}"
        env, secrets = s["env"], s["secrets"]
        for problem in refused_otel_values(env):
            errors.append(f"{where}: passes {problem}, which the binary refuses at start")
        containers = s["properties"].get("ContainerDefinitions", [])
        sidecars = [c for c in containers if c.get("Name") != service]
        # Sentry: independent of the collector, the DSN from SentryDsnSecretArn through ECS secrets.
        if sentry:
            if secrets.get("SENTRY_DSN") != {"Ref": "SentryDsnSecretArn"}:
                errors.append(f"{where}: SENTRY_DSN must come from SentryDsnSecretArn through ECS secrets (got {secrets.get('SENTRY_DSN')})")
            if env.get("SENTRY_ENVIRONMENT") != {"Ref": "AWS::StackName"}:
                errors.append(f"{where}: SENTRY_ENVIRONMENT must be the stack name with SentryDsnSecretArn")
        elif any(k.startswith("SENTRY_") for k in list(env) + list(secrets)):
            errors.append(f"{where}: passes a SENTRY_* variable without SentryDsnSecretArn")
        otel = sorted(k for k in env if k.startswith("OTEL_"))
        if mode == "none":
            if otel:
                errors.append(f"{where}: TelemetryCollector=none passes {otel} (telemetry must stay off)")
            if sidecars or "DependsOn" in s["container"]:
                errors.append(f"{where}: TelemetryCollector=none still runs {[c.get('Name') for c in sidecars]} / a container dependency")
            continue
        if env.get("OTEL_EXPORTER_OTLP_ENDPOINT") != OTLP_ENDPOINT:
            errors.append(f"{where}: OTEL_EXPORTER_OTLP_ENDPOINT must be {OTLP_ENDPOINT} (the sidecar), got {env.get('OTEL_EXPORTER_OTLP_ENDPOINT')!r}")
        if env.get("OTEL_SERVICE_NAME") != f"docuthinker-{service}":
            errors.append(f"{where}: OTEL_SERVICE_NAME must be docuthinker-{service}, got {env.get('OTEL_SERVICE_NAME')!r}")
        if s["container"].get("DependsOn") != [{"ContainerName": COLLECTOR, "Condition": "START"}]:
            errors.append(f"{where}: the app container must depend on {COLLECTOR} START (got {s['container'].get('DependsOn')})")
        if [c.get("Name") for c in sidecars] != [COLLECTOR]:
            errors.append(f"{where}: the task runs {[c.get('Name') for c in sidecars]} beside the app, not exactly {COLLECTOR}")
            continue
        c = sidecars[0]
        image = c.get("Image")
        default = template.get("Parameters", {}).get("TelemetryCollectorImage", {}).get("Default", "")
        if image != {"Ref": "TelemetryCollectorImage"} or not ADOT_IMAGE.match(str(default)):
            errors.append(f"{where}: the collector image must be TelemetryCollectorImage, by default a pinned ADOT tag (got {image}, {default!r})")
        if c.get("Essential") is not False:
            errors.append(f"{where}: the collector must not be essential (the task runs on without it)")
        if c.get("PortMappings"):
            errors.append(f"{where}: the collector publishes {c['PortMappings']}; it serves the task's localhost only")
        if c.get("ReadonlyRootFilesystem") is not True or c.get("Privileged") is not False or not c.get("User"):
            errors.append(f"{where}: the collector must run non-root, unprivileged, with a read-only root filesystem")
        if not (isinstance(c.get("Memory"), int) and c["Memory"] <= 512 and isinstance(c.get("Cpu"), int) and c["Cpu"] <= 256):
            errors.append(f"{where}: the collector needs a small, hard cpu/memory share (got {c.get('Cpu')}/{c.get('Memory')})")
        logcfg = c.get("LogConfiguration", {})
        if logcfg.get("LogDriver") != "awslogs" or logcfg.get("Options", {}).get("awslogs-group") != {"Ref": "TelemetryCollectorLogGroup"}:
            errors.append(f"{where}: the collector must log through awslogs to TelemetryCollectorLogGroup")
        config, problem = _collector_config(c)
        if problem:
            errors.append(f"{where}: the collector's {problem}")
            continue
        configs[service] = config
        errors += [f"{where}: the collector's configuration {e}" for e in _check_collector_config(config, mode)]
    if mode == "none":
        if telemetry_resources:
            errors.append(f"{label}: TelemetryCollector=none still creates {telemetry_resources}")
        if any(a.startswith(("xray:", "osis:")) for st in statements for a in actions(st)):
            errors.append(f"{label}: TelemetryCollector=none still grants X-Ray/OpenSearch Ingestion to the task role")
        return errors
    if len(configs) == 2 and configs["api"] != configs["ai"]:
        errors.append(f"{label}: the api and ai collectors are configured differently")
    groups = ["TelemetryCollectorLogGroup", "TelemetryMetricsLogGroup"] + (["TelemetryLogsLogGroup"] if mode == "xray-cloudwatch" else [])
    for g in groups:
        r = resources.get(g, {})
        p = r.get("Properties", {})
        if r.get("Type") != "AWS::Logs::LogGroup" or p.get("RetentionInDays") != {"Ref": "LogRetentionDays"} \
                or p.get("KmsKeyId") != {"Fn::GetAtt": ["DataKey", "Arn"]} or r.get("DeletionPolicy") != "Retain":
            errors.append(f"{label}: {g} must be a log group with LogRetentionDays, the stack key and DeletionPolicy Retain")
    if mode != "xray-cloudwatch" and "TelemetryLogsLogGroup" in resources:
        errors.append(f"{label}: TelemetryCollector={mode} still creates TelemetryLogsLogGroup")
    xray = [st for st in statements if "xray:PutTraceSegments" in actions(st)]
    if not xray or not {"xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"} <= set(actions(xray[0])):
        errors.append(f"{label}: the task role may not send traces to X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*)")
    log_grants = [st for st in statements if "logs:PutLogEvents" in actions(st)]
    want = sorted(json.dumps({"Fn::GetAtt": [g, "Arn"]}) for g in groups if g != "TelemetryCollectorLogGroup")
    got = sorted(json.dumps(r) for st in log_grants for r in (st["Resource"] if isinstance(st.get("Resource"), list) else [st.get("Resource")]))
    if got != want:
        errors.append(f"{label}: the task role may write log streams in {got}, not exactly the collector's groups {want}")
    osis = [st for st in statements if "osis:Ingest" in actions(st)]
    want_osis = [{"Ref": "OpenSearchIngestionPipelineArn"}] if mode == "xray-opensearch" else []
    if [st.get("Resource") for st in osis] != want_osis:
        errors.append(f"{label}: osis:Ingest is granted on {[st.get('Resource') for st in osis]}, not {want_osis}")
    return errors


def _check_collector_config(config, mode):
    errors = []
    if not isinstance(config, dict):
        return ["is not a mapping"]
    receivers = config.get("receivers") or {}
    if receivers != {"otlp": {"protocols": {"http": {"endpoint": "127.0.0.1:4318"}}}}:
        errors.append(f"must receive OTLP/HTTP on 127.0.0.1:4318 only (got receivers {receivers})")
    exporters, service = config.get("exporters") or {}, config.get("service") or {}
    pipelines = service.get("pipelines") or {}
    for signal, exporter in (("traces", "awsxray"), ("metrics", "awsemf")):
        p = pipelines.get(signal) or {}
        if p.get("receivers") != ["otlp"] or p.get("exporters") != [exporter]:
            errors.append(f"must send {signal} from otlp to {exporter} (got {p})")
    for signal, p in pipelines.items():
        procs = (p or {}).get("processors") or []
        if not procs or procs[0] != "memory_limiter" or procs[-1] != "batch":
            errors.append(f"{signal}: processors must start with memory_limiter and end with batch (got {procs})")
    emf = exporters.get("awsemf") or {}
    if emf.get("namespace") != "DocuThinker" or emf.get("log_group_name") != "${TelemetryMetricsLogGroup}":
        errors.append(f"awsemf must write namespace DocuThinker into TelemetryMetricsLogGroup (got {emf})")
    logs_exporters = (pipelines.get("logs") or {}).get("exporters") or []
    extensions = service.get("extensions") or []
    if mode == "xray-cloudwatch":
        cw = exporters.get("awscloudwatchlogs") or {}
        if logs_exporters != ["awscloudwatchlogs"] or cw.get("log_group_name") != "${TelemetryLogsLogGroup}":
            errors.append(f"xray-cloudwatch must send logs to awscloudwatchlogs in TelemetryLogsLogGroup (got {logs_exporters}, {cw})")
        if "sigv4auth" in extensions:
            errors.append("xray-cloudwatch needs no sigv4auth")
    else:
        ex = exporters.get(logs_exporters[0]) if len(logs_exporters) == 1 else None
        if not (logs_exporters and logs_exporters[0].split("/")[0] == "otlphttp" and isinstance(ex, dict)
                and ex.get("logs_endpoint") == "${OpenSearchIngestionEndpoint}/v1/logs"
                and (ex.get("auth") or {}).get("authenticator") == "sigv4auth"):
            errors.append(f"xray-opensearch must send logs over otlphttp to OpenSearchIngestionEndpoint/v1/logs with sigv4auth (got {logs_exporters}, {ex})")
        if (config.get("extensions") or {}).get("sigv4auth", {}).get("service") != "osis" or "sigv4auth" not in extensions:
            errors.append("xray-opensearch needs the sigv4auth extension (service osis) enabled")
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
        if str(env.get("REDIS_URL")) != "redis://redis:6379":
            errors.append(f"{where}: REDIS_URL is not redis://redis:6379 (the redis service)")
        # Telemetry stays off unless the user sets the endpoint (e.g. http://otel-collector:4318, profile telemetry).
        if str(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) != "${OTEL_EXPORTER_OTLP_ENDPOINT:-}":
            errors.append(f"{where}: OTEL_EXPORTER_OTLP_ENDPOINT must be ${{OTEL_EXPORTER_OTLP_ENDPOINT:-}} (off unless set)")
        for problem in refused_otel_values(env):
            errors.append(f"{where}: passes {problem}, which the binary refuses at start")
    if services.get("api", {}).get("env", {}).get("AI_SERVICE_URL") != "http://ai:8000":
        errors.append("compose api: AI_SERVICE_URL is not http://ai:8000")
    if services.get("ai", {}).get("env", {}).get("DOCUTHINKER_CHROMA_URL") != "http://chroma:8000":
        errors.append("compose ai: DOCUTHINKER_CHROMA_URL is not http://chroma:8000 (the chroma service)")
    api_chroma = sorted(CHROMA_VARIABLES & set(services.get("api", {}).get("env", {})))
    if api_chroma:
        errors.append(f"compose api: passes {api_chroma}; Chroma is the ai side's")
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
    for label, template in model["templates"].items():
        for shape, values in SHAPES.items():
            resolved = resolve(template, values)
            services = task_definitions(resolved)
            where = f"{label}[{shape}]"
            errors += check_passed(where, services, reads, aws=True)
            errors += check_aws(where, resolved, services)
            errors += check_redis_and_chroma(where, shape, resolved, services)
            errors += check_graph(where, resolved, services)
            errors += check_telemetry(where, resolved, services)
    errors += check_passed("compose", model["compose_services"], reads, aws=False, compose=True)
    errors += check_compose(model["compose_services"])
    errors += check_local_env(model["local_env"], reads)
    return errors


def self_test(model, reads):
    """Each injected fault must be reported by name; returns the faults that were not, and the count."""
    missed, count = [], [0]
    cdk = next(k for k in model["templates"] if k.startswith("CDK"))
    def expect(description, mutate, needle):
        count[0] += 1
        m = copy.deepcopy(model)
        mutate(m)
        if not any(needle in e for e in run_all(m, reads)):
            missed.append(description)
    def container(m, label, logical_id):
        return m["templates"][label]["Resources"][logical_id]["Properties"]["ContainerDefinitions"][0]
    def add_env(label, logical_id, name, value="x"):
        return lambda m: container(m, label, logical_id)["Environment"].append({"Name": name, "Value": value})
    def drop(label, logical_id, key, name):
        def mutate(m):
            c = container(m, label, logical_id)
            c[key] = [e for e in c[key] if not (isinstance(e, dict) and e.get("Name") == name)]
        return mutate
    def move_to_env(label, logical_id, name):
        def mutate(m):
            drop(label, logical_id, "Secrets", name)(m)
            add_env(label, logical_id, name)(m)
        return mutate
    def set_env(label, logical_id, name, value):
        def mutate(m):
            for e in container(m, label, logical_id)["Environment"]:
                if isinstance(e, dict) and e.get("Name") == name:
                    e["Value"] = value
        return mutate
    expect("unread DOCUTHINKER_UNKNOWN_SETTING in the CloudFormation api task",
           add_env("CloudFormation", "ApiTaskDefinition", "DOCUTHINKER_UNKNOWN_SETTING"), "passes DOCUTHINKER_UNKNOWN_SETTING")
    expect("DOCUTHINKER_NEO4J_URI on the CloudFormation api task", add_env("CloudFormation", "ApiTaskDefinition", "DOCUTHINKER_NEO4J_URI"),
           "the graph database is the ai side's")
    expect("DOCUTHINKER_NEO4J_PASSWORD as plain Environment in the CDK ai task",
           add_env(cdk, "AiTaskDefinition", "DOCUTHINKER_NEO4J_PASSWORD"), "DOCUTHINKER_NEO4J_PASSWORD is plain Environment")
    def neptune_open(m):
        m["templates"]["CloudFormation"]["Resources"]["NeptuneSecurityGroup"]["Properties"]["SecurityGroupIngress"].append(
            {"IpProtocol": "tcp", "FromPort": 8182, "ToPort": 8182, "SourceSecurityGroupId": {"Ref": "ApiSecurityGroup"}})
    expect("Neptune open to the api tasks", neptune_open, "Neptune accepts")
    def neptune_no_iam(m):
        m["templates"][cdk]["Resources"]["NeptuneCluster"]["Properties"]["IamAuthEnabled"] = False
    expect("a Neptune cluster without IAM authentication", neptune_no_iam, "needs IAM authentication")
    expect("unread DOCUTHINKER_SYNC_VECTOR in the CDK ai task", add_env(cdk, "AiTaskDefinition", "DOCUTHINKER_SYNC_VECTOR"),
           "passes DOCUTHINKER_SYNC_VECTOR")
    expect("missing DATABASE_PASSWORD in the CDK ai task", drop(cdk, "AiTaskDefinition", "Secrets", "DATABASE_PASSWORD"), "required DATABASE_PASSWORD")
    expect("missing JWT_SECRET in the CloudFormation api task", drop("CloudFormation", "ApiTaskDefinition", "Secrets", "JWT_SECRET"),
           "required JWT_SECRET")
    expect("missing REDIS_AUTH_TOKEN in the CDK api task", drop(cdk, "ApiTaskDefinition", "Secrets", "REDIS_AUTH_TOKEN"), "required REDIS_AUTH_TOKEN")
    expect("REDIS_AUTH_TOKEN as plain Environment in the CloudFormation ai task",
           move_to_env("CloudFormation", "AiTaskDefinition", "REDIS_AUTH_TOKEN"), "REDIS_AUTH_TOKEN is plain Environment")
    expect("DOCUTHINKER_CHROMA_TOKEN as plain Environment in the CDK ai task",
           add_env(cdk, "AiTaskDefinition", "DOCUTHINKER_CHROMA_TOKEN"), "DOCUTHINKER_CHROMA_TOKEN is plain Environment")
    expect("REDIS_URL without TLS in the CDK ai task", set_env(cdk, "AiTaskDefinition", "REDIS_URL", "redis://cache:6379"), "REDIS_URL must be rediss://")
    expect("DOCUTHINKER_CHROMA_URL on the CloudFormation api task",
           add_env("CloudFormation", "ApiTaskDefinition", "DOCUTHINKER_CHROMA_URL", "http://chroma:8000"), "Chroma is the ai side's")
    expect("no DOCUTHINKER_PUBLIC_URL on the CDK ai task", drop(cdk, "AiTaskDefinition", "Environment", "DOCUTHINKER_PUBLIC_URL"),
           "DOCUTHINKER_PUBLIC_URL must be passed")
    expect("no DOCUTHINKER_TRUSTED_PROXY_HOPS on the CloudFormation api task",
           drop("CloudFormation", "ApiTaskDefinition", "Environment", "DOCUTHINKER_TRUSTED_PROXY_HOPS"), "DOCUTHINKER_TRUSTED_PROXY_HOPS must be")
    def volume_not_kept(m):
        del m["templates"]["CloudFormation"]["Resources"]["ChromaDataVolume"]["DeletionPolicy"]
    expect("a Chroma data volume deleted with the stack", volume_not_kept, "data volume must be encrypted and kept")
    def chroma_open(m):
        m["templates"][cdk]["Resources"]["ChromaSecurityGroup"]["Properties"]["SecurityGroupIngress"].append(
            {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "CidrIp": "10.0.0.0/8"})
    expect("the Chroma host open to the VPC", chroma_open, "not only the ai tasks")
    def compose_unread(m):
        m["compose_services"]["ai"]["env"]["DOCUTHINKER_UNKNOWN_SETTING"] = "1"
    expect("unread DOCUTHINKER_UNKNOWN_SETTING in compose ai", compose_unread, "passes DOCUTHINKER_UNKNOWN_SETTING")
    def compose_missing(m):
        del m["compose_services"]["api"]["env"]["AI_SERVICE_URL"]
    expect("missing AI_SERVICE_URL in compose api", compose_missing, "required AI_SERVICE_URL")
    def compose_no_chroma(m):
        del m["compose_services"]["ai"]["env"]["DOCUTHINKER_CHROMA_URL"]
    expect("compose ai without the chroma service", compose_no_chroma, "DOCUTHINKER_CHROMA_URL is not http://chroma:8000")
    def local_unread(m):
        m["local_env"]["api"] = m["local_env"]["api"] | {"DOCUTHINKER_UNKNOWN_SETTING"}
    expect("unread DOCUTHINKER_UNKNOWN_SETTING exported by local-env.sh", local_unread, "exports DOCUTHINKER_UNKNOWN_SETTING")
    def serve_default(m):
        m["templates"]["CloudFormation"]["Parameters"]["ApiCommand"]["Default"] = "serve"
    expect("ApiCommand defaulting to serve", serve_default, "ApiCommand defaults")
    # Telemetry (the collector sits behind Fn::If TelemetryOn in the raw templates).
    def sidecar(m, label, logical_id):
        defs = m["templates"][label]["Resources"][logical_id]["Properties"]["ContainerDefinitions"]
        return next(c["Fn::If"][1] for c in defs if "Fn::If" in c and c["Fn::If"][1].get("Name") == COLLECTOR)
    def collector_on_all_interfaces(m):
        e = next(e for e in sidecar(m, "CloudFormation", "ApiTaskDefinition")["Environment"] if e["Name"] == "AOT_CONFIG_CONTENT")
        e["Value"]["Fn::Sub"][0] = e["Value"]["Fn::Sub"][0].replace("127.0.0.1:4318", "0.0.0.0:4318")
    expect("the CloudFormation api collector listening on 0.0.0.0", collector_on_all_interfaces, "on 127.0.0.1:4318 only")
    def collector_essential(m):
        sidecar(m, cdk, "AiTaskDefinition")["Essential"] = True
    expect("an essential collector in the CDK ai task", collector_essential, "must not be essential")
    def collector_latest(m):
        m["templates"]["CloudFormation"]["Parameters"]["TelemetryCollectorImage"]["Default"] = \
            "public.ecr.aws/aws-observability/aws-otel-collector:latest"
    expect("the collector image at :latest", collector_latest, "a pinned ADOT tag")
    def no_collector_dependency(m):
        container(m, cdk, "ApiTaskDefinition").pop("DependsOn")
    expect("the CDK api container not waiting for the collector", no_collector_dependency, "must depend on otel-collector START")
    def no_xray(m):
        statements = m["templates"][cdk]["Resources"]["TaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        statements[:] = [s for s in statements if not ("Fn::If" in s and s["Fn::If"][1].get("Sid") == "TelemetryTraces")]
    expect("a task role without X-Ray", no_xray, "may not send traces to X-Ray")
    expect("OTEL_EXPORTER_OTLP_PROTOCOL=grpc on the CloudFormation api task",
           add_env("CloudFormation", "ApiTaskDefinition", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), "refuses at start")
    expect("SENTRY_DSN as plain Environment in the CloudFormation ai task",
           add_env("CloudFormation", "AiTaskDefinition", "SENTRY_DSN", "https://key@o1.ingest.sentry.io/1"), "SENTRY_DSN is plain Environment")
    def compose_telemetry_on(m):
        m["compose_services"]["api"]["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel-collector:4318"
    expect("compose api with telemetry always on", compose_telemetry_on, "off unless set")
    return missed, count[0]


def main():
    if len(sys.argv) < 2 or not all(os.path.exists(a) for a in sys.argv[1:]):
        print("usage: wiring_check.py CDK_TEMPLATE_JSON [CDK_TEMPLATE_JSON...] (synthesised DocuThinker.template.json files)")
        return 2
    names, patterns, files, otel_note = code_reads(os.path.join(ROOT, "Sources"))
    reads = (names, patterns)
    with open(CFN) as f:
        templates = {"CloudFormation": yaml.load(f, Loader=CfnLoader)}
    for path in sys.argv[1:]:
        with open(path) as f:
            cdk = json.load(f)
        templates[f"CDK(ChromaMode default {cdk.get('Parameters', {}).get('ChromaMode', {}).get('Default')})"] = cdk
    with open(COMPOSE) as f:
        compose = yaml.safe_load(f)
    model = {"templates": templates, "compose_services": compose_services(compose),
             "local_env": {r: local_env_exports(r) for r in ("api", "ai")}}
    print(f"code reads {len(names)} variables + {len(patterns)} pattern(s) ({files} Swift files scanned {otel_note})")
    for label, template in templates.items():
        for shape, values in SHAPES.items():
            services = task_definitions(resolve(template, values))
            for service in ("api", "ai"):
                s = services.get(service, {"env": {}, "secrets": {}})
                secrets = f" + secrets {','.join(s['secrets'])}" if s["secrets"] else ""
                print(f"  {label}[{shape}] {service}: {','.join(s['env'])}{secrets}")
    for service in ("api", "ai"):
        s = model["compose_services"][service]
        print(f"  compose {service}: {','.join(s['env'])}")
    for role, exported in model["local_env"].items():
        print(f"  local-env.sh {role}: {','.join(sorted(exported))}")
    errors = run_all(model, reads)
    missed, injected = self_test(model, reads)
    for e in errors:
        print("FAIL " + e)
    for m in missed:
        print("FAIL self-test: the check did not catch " + m)
    if errors or missed:
        print(f"wiring: FAILED ({len(errors)} problems, {len(missed)} self-test misses)")
        return 1
    print(f"wiring: OK ({len(templates)} templates x {len(SHAPES)} shapes + compose + local-env.sh: every passed variable is read, "
          f"every required one is passed; {injected} injected faults caught)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
