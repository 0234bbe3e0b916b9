"""The CDK app synthesises offline and matches deploy/aws/cloudformation/docuthinker.yaml on the key
resources: types and counts, parameters (with defaults), conditions and rules, the condition of every
resource and output, container/target-group ports, health check paths, secret ARN patterns,
security-group rules, listeners and scaling policies, Redis and Chroma wiring, the ADOT collector sidecar
(its configuration file embedded verbatim, the same container, grants and log groups in every shape).

Each test runs twice: with the CDK app's ChromaMode default none (GraphMode database, TelemetryCollector
none) and ec2 (GraphMode neptune, TelemetryCollector xray-cloudwatch; DOCUTHINKER_CHROMA_MODE,
DOCUTHINKER_GRAPH_MODE, DOCUTHINKER_TELEMETRY_COLLECTOR), each compared with the YAML whose defaults are
set the same way. The deployable shapes (conditions
evaluated for given parameter values) come from deploy/tests/wiring_check.py's resolve()."""
import collections, copy, json, os, re, subprocess, sys, tempfile
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CDK_DIR = os.path.dirname(HERE)
CFN_DIR = os.path.join(CDK_DIR, "..", "cloudformation")
CFN = os.path.join(CFN_DIR, "docuthinker.yaml")
USER_DATA = os.path.join(CFN_DIR, "chroma-user-data.sh")
ADOT_CONFIG = os.path.join(CFN_DIR, "adot-collector-config.yaml")
sys.path.insert(0, os.path.join(CDK_DIR, "..", "..", "tests"))
from wiring_check import COLLECTOR, CfnLoader, SHAPES, flat, render, resolve  # noqa: E402


@pytest.fixture(scope="module", params=["none", "ec2"])
def templates(request):
    with open(CFN) as f:
        cfn = yaml.load(f, Loader=CfnLoader)
    cfn["Parameters"]["ChromaMode"]["Default"] = request.param
    graph_mode = "neptune" if request.param == "ec2" else "database"
    cfn["Parameters"]["GraphMode"]["Default"] = graph_mode
    telemetry = "xray-cloudwatch" if request.param == "ec2" else "none"
    cfn["Parameters"]["TelemetryCollector"]["Default"] = telemetry
    out = tempfile.mkdtemp(prefix="cdk-out-")
    env = dict(os.environ, CDK_OUTDIR=out, DOCUTHINKER_CHROMA_MODE=request.param, DOCUTHINKER_GRAPH_MODE=graph_mode,
               DOCUTHINKER_TELEMETRY_COLLECTOR=telemetry)
    subprocess.run([sys.executable, "app.py"], cwd=CDK_DIR, env=env, check=True, capture_output=True)
    with open(os.path.join(out, "DocuThinker.template.json")) as f:
        cdk = json.load(f)
    return cfn, cdk


def resources(t):
    return {k: v for k, v in t["Resources"].items() if v["Type"] != "AWS::CDK::Metadata"}


def test_same_logical_ids_and_types(templates):
    cfn, cdk = templates
    assert {k: v["Type"] for k, v in resources(cfn).items()} == {k: v["Type"] for k, v in resources(cdk).items()}


def test_same_conditions_rules_and_resource_conditions(templates):
    cfn, cdk = templates
    assert cfn["Conditions"] == cdk["Conditions"]
    assert cfn["Rules"] == cdk["Rules"]
    for section in ("Resources", "Outputs"):
        assert {k: v.get("Condition") for k, v in cfn[section].items()} == \
            {k: v.get("Condition") for k, v in cdk[section].items() if v.get("Type") != "AWS::CDK::Metadata"}, section
    for k, v in resources(cfn).items():
        for policy in ("DeletionPolicy", "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy"):
            assert v.get(policy) == resources(cdk)[k].get(policy), (k, policy)


def test_resource_type_counts(templates):
    cfn, cdk = templates
    count = lambda t: collections.Counter(v["Type"] for v in resources(t).values())  # noqa: E731
    assert count(cfn) == count(cdk)
    c = count(cdk)
    assert c["AWS::ECS::Service"] == 2 and c["AWS::ECS::TaskDefinition"] == 2 and c["AWS::ElasticLoadBalancingV2::TargetGroup"] == 2
    assert c["AWS::ApplicationAutoScaling::ScalingPolicy"] == 4 and c["AWS::Logs::LogGroup"] == 5  # api, ai + 3 of the collector
    assert c["AWS::RDS::DBInstance"] == 1 and c["AWS::ElastiCache::ReplicationGroup"] == 1 and c["AWS::S3::Bucket"] == 2
    assert c["AWS::AutoScaling::AutoScalingGroup"] == 1 and c["AWS::EC2::Volume"] == 1 and c["AWS::EC2::LaunchTemplate"] == 1


def test_parameters_and_defaults(templates):
    cfn, cdk = templates
    assert set(cfn["Parameters"]) == set(cdk["Parameters"])
    for name, p in cfn["Parameters"].items():
        assert str(p.get("Default", "")) == str(cdk["Parameters"][name].get("Default", "")), name
        assert p["Type"] == cdk["Parameters"][name]["Type"], name
        for key in ("AllowedValues", "AllowedPattern", "MinValue", "MaxValue"):
            assert _stringify(p.get(key)).replace('"', "") == _stringify(cdk["Parameters"][name].get(key)).replace('"', ""), (name, key)
    assert cfn["Parameters"]["ApiPort"]["Default"] == 8080 and cfn["Parameters"]["AiPort"]["Default"] == 8000
    assert cfn["Parameters"]["ChromaMode"]["AllowedValues"] == ["none", "ec2", "external"]
    assert cfn["Parameters"]["TelemetryCollector"]["AllowedValues"] == ["none", "xray-cloudwatch", "xray-opensearch"]


def test_health_checks_and_ports(templates):
    for t in templates:
        r = resources(t)
        for tg in ("ApiTargetGroup", "AiTargetGroup"):
            p = r[tg]["Properties"]
            assert p["HealthCheckPath"] == "/health" and p["TargetType"] == "ip" and p["Matcher"] == {"HttpCode": "200"}
        assert r["ApiTargetGroup"]["Properties"]["Port"] == {"Ref": "ApiPort"}
        assert r["AiTargetGroup"]["Properties"]["Port"] == {"Ref": "AiPort"}
        for td, port in (("ApiTaskDefinition", "ApiPort"), ("AiTaskDefinition", "AiPort")):
            c = r[td]["Properties"]["ContainerDefinitions"][0]
            assert c["PortMappings"][0]["ContainerPort"] == {"Ref": port}
            assert c["HealthCheck"]["Command"] == ["CMD", "/usr/local/lib/docuthinker/healthcheck.sh"]
            assert c["ReadonlyRootFilesystem"] is True and c["User"] == "10001:10001"
        assert r["HttpsListener"]["Properties"]["Protocol"] == "HTTPS" and r["HttpsListener"]["Properties"]["Port"] == 443


def _names(items):
    """Names of an Environment/Secrets list in order; an Fn::If entry as (condition, name)."""
    out = []
    for e in items:
        if "Fn::If" in e:
            cond, yes, no = e["Fn::If"]
            out.append((cond, yes.get("Name"), no))
        else:
            out.append(e["Name"])
    return out


def _env(t, td):
    c = resources(t)[td]["Properties"]["ContainerDefinitions"][0]
    return _names(c["Environment"]), _names(c["Secrets"])


def test_same_environment_and_secret_names(templates):
    cfn, cdk = templates
    for td in ("ApiTaskDefinition", "AiTaskDefinition"):
        assert _env(cfn, td) == _env(cdk, td)


def test_same_environment_and_secrets_in_every_shape(templates):
    """Resolved for every deployable shape, the two templates pass the same names, and the same values
    wherever the value is not a string built by Fn::Sub (YAML) or Fn::Join (CDK)."""
    cfn, cdk = templates
    def values(t, shape):
        r = resolve(t, SHAPES[shape])["Resources"]
        out = {}
        for td in ("ApiTaskDefinition", "AiTaskDefinition"):
            c = r[td]["Properties"]["ContainerDefinitions"][0]
            out[td] = [(e["Name"], e.get("Value", e.get("ValueFrom"))) for e in c["Environment"] + c["Secrets"]]
        return out
    simple = lambda v: not (isinstance(v, dict) and ({"Fn::Sub", "Fn::Join"} & set(v)))  # noqa: E731
    for shape in SHAPES:
        a, b = values(cfn, shape), values(cdk, shape)
        for td in a:
            assert [n for n, _ in a[td]] == [n for n, _ in b[td]], (shape, td)
            assert [(n, v) for n, v in a[td] if simple(v)] == [(n, v) for n, v in b[td] if simple(v)], (shape, td)


def _stringify(x):
    return json.dumps(x, sort_keys=True)


def test_secret_arn_patterns(templates):
    for t in templates:
        policy = resources(t)["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
        blob = _stringify(policy["Resource"])
        for name in ("openai", "anthropic", "google"):
            assert re.search(r"secret:\$\{SecretsPrefix\}/" + name + r"-\?\?\?\?\?\?", blob) or \
                re.search(r'"SecretsPrefix"\}, "/' + name + r'-\?\?\?\?\?\?"', blob), (name, blob)
        for ref in ("DatabaseSecret", "JwtSecret", "AiServiceTokenSecret", "RedisSecret"):
            assert {"Ref": ref} in policy["Resource"]
        # Exactly the secrets the task definitions pass; the Chroma token only with ChromaMode ec2/external,
        # the Neo4j password only with GraphMode aura, the Sentry DSN only with SentryDsnSecretArn.
        assert len(policy["Resource"]) == 10
        assert policy["Resource"][-3] == {"Fn::If": ["ChromaEnabled", {"Fn::If": [
            "HasChromaTokenSecretArn", {"Ref": "ChromaTokenSecretArn"}, {"Ref": "ChromaTokenSecret"}]}, {"Ref": "AWS::NoValue"}]}
        assert policy["Resource"][-2] == {"Fn::If": ["GraphOnAura", {"Ref": "Neo4jPasswordSecretArn"}, {"Ref": "AWS::NoValue"}]}
        assert policy["Resource"][-1] == {"Fn::If": ["HasSentryDsn", {"Ref": "SentryDsnSecretArn"}, {"Ref": "AWS::NoValue"}]}
        assert policy["Action"] == "secretsmanager:GetSecretValue"


def test_security_group_rules(templates):
    cfn, cdk = templates
    def rules(t):
        out = []
        for k, v in resources(t).items():
            if v["Type"] == "AWS::EC2::SecurityGroup":
                for rule in v["Properties"].get("SecurityGroupIngress", []):
                    out.append((k, "in", _stringify(rule.get("FromPort")), _stringify(rule.get("SourceSecurityGroupId", rule.get("CidrIp")))))
                for rule in v["Properties"].get("SecurityGroupEgress", []):
                    out.append((k, "out-inline", _stringify(rule.get("FromPort")), _stringify(rule.get("CidrIp"))))
            if v["Type"] == "AWS::EC2::SecurityGroupEgress":
                p = v["Properties"]
                out.append((k, "out", _stringify(p["FromPort"]), _stringify(p.get("DestinationSecurityGroupId", p.get("CidrIp")))))
        return sorted(out)
    assert rules(cfn) == rules(cdk)
    assert sum(1 for r in rules(cfn) if r[1] == "in" and "0.0.0.0/0" in r[3]) == 2  # only the ALB is open to the internet
    # The stores and the Chroma host accept the services that use them, nothing else.
    assert [r[3] for r in rules(cfn) if r[0] == "CacheSecurityGroup" and r[1] == "in"] == \
        [_stringify({"Ref": "AiSecurityGroup"}), _stringify({"Ref": "ApiSecurityGroup"})]
    assert [r[3] for r in rules(cfn) if r[0] == "ChromaSecurityGroup" and r[1] == "in"] == [_stringify({"Ref": "AiSecurityGroup"})]


def test_scaling_policies(templates):
    cfn, cdk = templates
    def pol(t):
        return sorted((k, v["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"])
                      for k, v in resources(t).items() if v["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert pol(cfn) == pol(cdk)


def test_no_task_local_state(templates):
    """The library lives in PostgreSQL + S3: no data volume, DOCUTHINKER_DATA_DIR on the /tmp scratch volume."""
    for t in templates:
        r = resources(t)
        for td in ("ApiTaskDefinition", "AiTaskDefinition"):
            p = r[td]["Properties"]
            assert p["Volumes"] == [{"Name": "tmp"}]
            c = p["ContainerDefinitions"][0]
            assert c["MountPoints"] == [{"SourceVolume": "tmp", "ContainerPath": "/tmp"}]
            env = {e["Name"]: e["Value"] for e in c["Environment"] if "Name" in e}
            assert env["DOCUTHINKER_DATA_DIR"].startswith("/tmp/")


def test_ai_service_discovery(templates):
    """The api reaches the ai tasks through Cloud Map inside the VPC (AI_SERVICE_URL)."""
    for t in templates:
        r = resources(t)
        assert r["AiService"]["Properties"]["ServiceRegistries"] == [{"RegistryArn": {"Fn::GetAtt": ["AiDiscoveryService", "Arn"]}}]
        assert "ServiceRegistries" not in r["ApiService"]["Properties"]
        assert r["AiDiscoveryService"]["Properties"]["NamespaceId"] == {"Ref": "ServiceNamespace"}
        assert r["AiDiscoveryService"]["Properties"]["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 10}]


def test_task_role_bucket_and_key(templates):
    for t in templates:
        statements = {s["Sid"]: s for s in resources(t)["TaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
                      if "Sid" in s}  # the Neptune statement sits under Fn::If GraphOnNeptune
        assert set(statements["BucketObjects"]["Action"]) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
        assert statements["BucketList"]["Action"] == "s3:ListBucket"
        assert set(statements["BucketKey"]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
        assert statements["BucketKey"]["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


def test_redis(templates):
    """ElastiCache with TLS and AUTH; both services get rediss:// and the token from RedisSecret (ECS secrets)."""
    for t in templates:
        r = resources(t)
        cache = r["Cache"]["Properties"]
        assert cache["TransitEncryptionEnabled"] is True and cache["AtRestEncryptionEnabled"] is True
        assert "RedisSecret" in _stringify(cache["AuthToken"])
        for td in ("ApiTaskDefinition", "AiTaskDefinition"):
            c = r[td]["Properties"]["ContainerDefinitions"][0]
            env = {e["Name"]: e["Value"] for e in c["Environment"] if "Name" in e}
            secrets = {e["Name"]: e["ValueFrom"] for e in c["Secrets"] if "Name" in e}
            url = flat(env["REDIS_URL"])
            assert url.startswith("rediss://${Cache.PrimaryEndPoint.Address}:${Cache.PrimaryEndPoint.Port}"), url
            assert flat(secrets["REDIS_AUTH_TOKEN"]) == "${RedisSecret}:token::"
        api_env = {e["Name"]: e["Value"] for e in r["ApiTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Environment"] if "Name" in e}
        assert api_env["DOCUTHINKER_TRUSTED_PROXY_HOPS"] == "1"


def test_public_url(templates):
    """api and ai get DOCUTHINKER_PUBLIC_URL (reset links, /mcp's browser origin, WebAuthn RP ID and origin):
    PublicUrl when set, else https://<first CloudFront alias | distribution domain | OriginDomainName | ALB DNS name>."""
    cases = [({}, "LoadBalancer.DNSName"),
             ({"OriginDomainName": "alb.example.org"}, "${OriginDomainName}"),
             ({"EnableCloudFront": "true", "OriginDomainName": "alb.example.org"}, "Distribution.DomainName"),
             ({"EnableCloudFront": "true", "OriginDomainName": "alb.example.org", "CloudFrontAliases": "docs.example.org",
               "CloudFrontCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}, "CloudFrontAliases"),
             ({"PublicUrl": "https://docs.example.org", "EnableCloudFront": "true", "OriginDomainName": "alb.example.org"}, None)]
    for t in templates:
        assert t["Parameters"]["PublicUrl"]["Default"] == "" and t["Parameters"]["PublicUrl"]["Type"] == "String"
        for values, needle in cases:
            r = resolve(copy.deepcopy(t), dict(values, ChromaMode="none"))["Resources"]
            for td in ("ApiTaskDefinition", "AiTaskDefinition"):
                env = {e["Name"]: e["Value"] for e in r[td]["Properties"]["ContainerDefinitions"][0]["Environment"] if "Name" in e}
                assert "DOCUTHINKER_PUBLIC_URL" in env, (td, values)
                url = env["DOCUTHINKER_PUBLIC_URL"]
                if needle is None:
                    assert url == {"Ref": "PublicUrl"}, (td, values, url)
                else:
                    assert flat(url).startswith("https://") and needle in _stringify(url) + flat(url), (td, values, url)


def test_chroma_host(templates):
    """ChromaMode=ec2: one instance in ChromaSubnetId (IMDSv2, encrypted root), a kept encrypted data volume in
    ChromaAvailabilityZone attached by the user data, which both templates take verbatim from chroma-user-data.sh."""
    with open(USER_DATA) as f:
        script = f.read()
    for t in templates:
        r = resources(t)
        group = r["ChromaAutoScalingGroup"]
        p = group["Properties"]
        assert (p["MinSize"], p["MaxSize"], p["DesiredCapacity"]) == ("1", "1", "1")
        assert p["VPCZoneIdentifier"] == [{"Ref": "ChromaSubnetId"}]
        assert group["CreationPolicy"] == {"ResourceSignal": {"Count": 1, "Timeout": "PT20M"}}
        data = r["ChromaLaunchTemplate"]["Properties"]["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert all(b["Ebs"]["Encrypted"] is True for b in data["BlockDeviceMappings"])
        assert data["UserData"] == {"Fn::Base64": {"Fn::Sub": [script, {"TokenSecretArn": {"Fn::If": [
            "HasChromaTokenSecretArn", {"Ref": "ChromaTokenSecretArn"}, {"Ref": "ChromaTokenSecret"}]}}]}}
        volume = r["ChromaDataVolume"]
        assert volume["Properties"]["Encrypted"] is True and volume["Properties"]["AvailabilityZone"] == {"Ref": "ChromaAvailabilityZone"}
        assert volume["DeletionPolicy"] == "Snapshot" and volume["UpdateReplacePolicy"] == "Snapshot"
        assert r["ChromaDiscoveryService"]["Properties"]["Name"] == "chroma"
        assert r["ChromaDiscoveryService"]["Properties"]["NamespaceId"] == {"Ref": "ServiceNamespace"}


def test_chroma_shapes(templates):
    """none: no Chroma resource or variable; ec2: the Cloud Map name on ChromaPort; external: ChromaUrl."""
    for t in templates:
        for shape, values in SHAPES.items():
            resolved = resolve(copy.deepcopy(t), values)
            r = resolved["Resources"]
            ai = r["AiTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
            url = [e["Value"] for e in ai["Environment"] if e["Name"] == "DOCUTHINKER_CHROMA_URL"]
            token = [e["ValueFrom"] for e in ai["Secrets"] if e["Name"] == "DOCUTHINKER_CHROMA_TOKEN"]
            chroma = sorted(k for k in r if k.startswith("Chroma"))
            if values.get("ChromaMode", "none") == "none":
                assert not url and not token and not chroma, shape
                continue
            assert token == [{"Ref": "ChromaTokenSecretArn"} if values.get("ChromaTokenSecretArn") else {"Ref": "ChromaTokenSecret"}], shape
            if values["ChromaMode"] == "external":
                assert url == [{"Ref": "ChromaUrl"}] and "ChromaAutoScalingGroup" not in r, shape
            else:
                assert "ChromaDiscoveryService" in _stringify(url) and "ChromaPort" in _stringify(url), shape
                assert {"ChromaAutoScalingGroup", "ChromaDataVolume", "ChromaLaunchTemplate", "ChromaSecurityGroup"} <= set(chroma)


def test_outputs(templates):
    cfn, cdk = templates
    assert set(cfn["Outputs"]) == set(cdk["Outputs"])


def test_graph_database(templates):
    """The Neptune cluster, its writer, subnet and parameter groups, security group and the task role's
    statement are the same in both, and each GraphMode passes the same graph variables to the ai only."""
    cfn, cdk = templates
    for shape in ("neptune", "aura"):
        a, b = resolve(cfn, SHAPES[shape]), resolve(cdk, SHAPES[shape])
        bare = lambda r: json.dumps({k: v for k, v in (r or {}).items() if k != "Metadata"}, sort_keys=True)  # noqa: E731
        for name in ("NeptuneCluster", "NeptuneInstance", "NeptuneSubnetGroup", "NeptuneParameterGroup", "NeptuneSecurityGroup",
                     "AiToNeptuneEgress"):
            assert (name in a["Resources"]) == (shape == "neptune"), (shape, name)
            assert bare(a["Resources"].get(name)) == bare(b["Resources"].get(name)), (shape, name)
        statements = lambda t: [flat(s["Action"]) + " on " + flat(s["Resource"])  # noqa: E731
                                for p in t["Resources"]["TaskRole"]["Properties"]["Policies"]
                                for s in p["PolicyDocument"]["Statement"] if s.get("Sid") == "NeptuneQueries"]
        assert statements(a) == statements(b) and len(statements(a)) == (1 if shape == "neptune" else 0), shape


def _collector(t, td):
    """The raw sidecar entry of a task definition: Fn::If TelemetryOn, the container, AWS::NoValue."""
    defs = resources(t)[td]["Properties"]["ContainerDefinitions"]
    assert len(defs) == 2 and defs[0]["Name"] in ("api", "ai"), td
    cond, container, no = defs[1]["Fn::If"]
    assert cond == "TelemetryOn" and no == {"Ref": "AWS::NoValue"} and container["Name"] == COLLECTOR, td
    return container


def test_collector_config_embedded_verbatim(templates):
    """adot-collector-config.yaml is AOT_CONFIG_CONTENT's Fn::Sub template in both task definitions of both templates."""
    with open(ADOT_CONFIG) as f:
        text = f.read()
    for t in templates:
        for td in ("ApiTaskDefinition", "AiTaskDefinition"):
            value = next(e["Value"] for e in _collector(t, td)["Environment"] if e["Name"] == "AOT_CONFIG_CONTENT")
            assert value["Fn::Sub"][0] == text, td
            # The shape's pieces; the other names in the text are logical ids (TelemetryMetricsLogGroup) and AWS::Region.
            assert set(value["Fn::Sub"][1]) == {"AuthExtension", "AuthExtensionId", "LogsExporter", "LogsExporterId"}, td
            assert set(re.findall(r"\$\{([A-Za-z:]+)\}", text)) - set(value["Fn::Sub"][1]) <= {"AWS::Region", "TelemetryMetricsLogGroup"}, td


def test_telemetry_every_shape(templates):
    """Per shape the two templates run the same collector (image, limits, rendered configuration, logs), give the app
    containers the same dependency, and grant the same telemetry statements and log groups; none adds nothing."""
    cfn, cdk = templates
    for shape, values in SHAPES.items():
        a, b = resolve(cfn, values)["Resources"], resolve(cdk, values)["Resources"]
        on = values["TelemetryCollector"] != "none"
        for td in ("ApiTaskDefinition", "AiTaskDefinition"):
            ca, cb = a[td]["Properties"]["ContainerDefinitions"], b[td]["Properties"]["ContainerDefinitions"]
            assert len(ca) == len(cb) == (2 if on else 1), (shape, td)
            assert ca[0].get("DependsOn") == cb[0].get("DependsOn"), (shape, td)
            if on:
                assert _stringify(ca[1]) == _stringify(cb[1]), (shape, td)
                config = yaml.safe_load(render(next(e["Value"] for e in ca[1]["Environment"] if e["Name"] == "AOT_CONFIG_CONTENT")))
                assert config["receivers"] == {"otlp": {"protocols": {"http": {"endpoint": "127.0.0.1:4318"}}}}, shape
        telemetry = lambda r: sorted(_stringify(s) for p in r["TaskRole"]["Properties"]["Policies"]  # noqa: E731
                                     for s in p["PolicyDocument"]["Statement"] if s.get("Sid", "").startswith("Telemetry"))
        assert telemetry(a) == telemetry(b) and bool(telemetry(a)) == on, shape
        def groups(r):  # the names compared as text: Fn::Sub in the YAML, Fn::Join from the CDK
            out = copy.deepcopy({k: v for k, v in r.items() if k.startswith("Telemetry")})
            for v in out.values():
                v["Properties"]["LogGroupName"] = render(v["Properties"]["LogGroupName"])
            return out
        assert _stringify(groups(a)) == _stringify(groups(b)), shape
        assert len(groups(a)) == {"none": 0, "xray-cloudwatch": 3, "xray-opensearch": 2}[values["TelemetryCollector"]], shape
