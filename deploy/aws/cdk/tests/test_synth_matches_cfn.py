"""The CDK app synthesises offline and matches deploy/aws/cloudformation/docuthinker.yaml on the key
resources: types and counts, parameters (with defaults), container/target-group ports, health check
paths, secret ARN patterns, security-group rules, listeners and scaling policies."""
import collections, json, os, re, subprocess, sys, tempfile
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CDK_DIR = os.path.dirname(HERE)
CFN = os.path.join(CDK_DIR, "..", "cloudformation", "docuthinker.yaml")


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


@pytest.fixture(scope="module")
def templates():
    with open(CFN) as f:
        cfn = yaml.load(f, Loader=CfnLoader)
    out = tempfile.mkdtemp(prefix="cdk-out-")
    env = dict(os.environ, CDK_OUTDIR=out)
    subprocess.run([sys.executable, "app.py"], cwd=CDK_DIR, env=env, check=True, capture_output=True)
    with open(os.path.join(out, "DocuThinker.template.json")) as f:
        cdk = json.load(f)
    return cfn, cdk


def resources(t):
    return {k: v for k, v in t["Resources"].items() if v["Type"] != "AWS::CDK::Metadata"}


def test_same_logical_ids_and_types(templates):
    cfn, cdk = templates
    assert {k: v["Type"] for k, v in resources(cfn).items()} == {k: v["Type"] for k, v in resources(cdk).items()}


def test_resource_type_counts(templates):
    cfn, cdk = templates
    count = lambda t: collections.Counter(v["Type"] for v in resources(t).values())  # noqa: E731
    assert count(cfn) == count(cdk)
    c = count(cdk)
    assert c["AWS::ECS::Service"] == 2 and c["AWS::ECS::TaskDefinition"] == 2 and c["AWS::ElasticLoadBalancingV2::TargetGroup"] == 2
    assert c["AWS::ApplicationAutoScaling::ScalingPolicy"] == 4 and c["AWS::Logs::LogGroup"] == 2
    assert c["AWS::RDS::DBInstance"] == 1 and c["AWS::ElastiCache::ReplicationGroup"] == 1 and c["AWS::S3::Bucket"] == 2


def test_parameters_and_defaults(templates):
    cfn, cdk = templates
    assert set(cfn["Parameters"]) == set(cdk["Parameters"])
    for name, p in cfn["Parameters"].items():
        assert str(p.get("Default", "")) == str(cdk["Parameters"][name].get("Default", "")), name
        assert p["Type"] == cdk["Parameters"][name]["Type"], name
    assert cfn["Parameters"]["ApiPort"]["Default"] == 8080 and cfn["Parameters"]["AiPort"]["Default"] == 8000


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


def _env(t, td):
    c = resources(t)[td]["Properties"]["ContainerDefinitions"][0]
    return [e["Name"] for e in c["Environment"]], [s["Name"] for s in c["Secrets"]]


def test_same_environment_and_secret_names(templates):
    cfn, cdk = templates
    for td in ("ApiTaskDefinition", "AiTaskDefinition"):
        assert _env(cfn, td) == _env(cdk, td)


def _stringify(x):
    return json.dumps(x, sort_keys=True)


def test_secret_arn_patterns(templates):
    for t in templates:
        policy = resources(t)["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
        blob = _stringify(policy["Resource"])
        for name in ("openai", "anthropic", "google"):
            assert re.search(r"secret:\$\{SecretsPrefix\}/" + name + r"-\?\?\?\?\?\?", blob) or \
                re.search(r'"SecretsPrefix"\}, "/' + name + r'-\?\?\?\?\?\?"', blob), (name, blob)
        for ref in ("DatabaseSecret", "JwtSecret", "AiServiceTokenSecret"):
            assert {"Ref": ref} in policy["Resource"]
        # Exactly the secrets the task definitions pass (no Redis token, no neo4j/chroma: unread by the binary).
        assert len(policy["Resource"]) == 6
        assert policy["Action"] == "secretsmanager:GetSecretValue"


def test_security_group_rules(templates):
    cfn, cdk = templates
    def rules(t):
        out = []
        for k, v in resources(t).items():
            if v["Type"] == "AWS::EC2::SecurityGroup":
                for rule in v["Properties"].get("SecurityGroupIngress", []):
                    out.append((k, "in", _stringify(rule.get("FromPort")), _stringify(rule.get("SourceSecurityGroupId", rule.get("CidrIp")))))
            if v["Type"] == "AWS::EC2::SecurityGroupEgress":
                p = v["Properties"]
                out.append((k, "out", _stringify(p["FromPort"]), _stringify(p["DestinationSecurityGroupId"])))
        return sorted(out)
    assert rules(cfn) == rules(cdk)
    assert sum(1 for r in rules(cfn) if "0.0.0.0/0" in r[3]) == 2  # only the ALB is open to the internet


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
            env = {e["Name"]: e["Value"] for e in c["Environment"]}
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
        statements = {s["Sid"]: s for s in resources(t)["TaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]}
        assert set(statements["BucketObjects"]["Action"]) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
        assert statements["BucketList"]["Action"] == "s3:ListBucket"
        assert set(statements["BucketKey"]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
        assert statements["BucketKey"]["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


def test_outputs(templates):
    cfn, cdk = templates
    assert set(cfn["Outputs"]) == set(cdk["Outputs"])
