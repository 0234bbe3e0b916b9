"""The CloudFormation stack of deploy/aws/cloudformation/docuthinker.yaml expressed in CDK.

Written with CDK's L1 (Cfn*) constructs on purpose: the resources, parameters and properties are
the same as the hand-written template, so the two can be compared resource by resource
(tests/test_synth_matches_cfn.py) and both pass the same linters. Ports, health check paths and
secret names come from the constants below, in one place. The task definitions pass only variables the
binary reads (deploy/tests/wiring_check.py checks both templates); see the comments of the YAML template
for the wiring (shared PostgreSQL + S3 + Redis, no task-local state, migrations under an advisory lock at
start, the ChromaMode shapes).

`chroma_mode` (none, ec2 or external; app.py reads DOCUTHINKER_CHROMA_MODE), `graph_mode` (database,
neptune or aura; DOCUTHINKER_GRAPH_MODE) and `telemetry_collector` (none, xray-cloudwatch or xray-opensearch;
DOCUTHINKER_TELEMETRY_COLLECTOR) are only the defaults of the ChromaMode, GraphMode and TelemetryCollector
parameters: every shape is in the template, selected by CloudFormation conditions as in the YAML. deploy/check
synthesises the defaults as shipped (none, database, none), and ChromaMode ec2 with GraphMode neptune and
TelemetryCollector xray-cloudwatch, because checkov scans only the resources whose conditions hold for the
parameter defaults."""
import os
from aws_cdk import (CfnCondition, CfnOutput, CfnParameter, Fn, Stack, Aws, CfnDeletionPolicy, Token,
                     CfnCreationPolicy, CfnResourceSignal, CfnUpdatePolicy, CfnAutoScalingRollingUpdate,
                     CfnRule, CfnRuleAssertion, Validations, Acknowledgment,
                     aws_applicationautoscaling as aas, aws_autoscaling as asg, aws_cloudfront as cf, aws_ec2 as ec2,
                     aws_ecs as ecs, aws_elasticache as ec, aws_elasticloadbalancingv2 as elb,
                     aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_neptune as neptune, aws_rds as rds, aws_s3 as s3,
                     aws_secretsmanager as sm, aws_servicediscovery as sd)
from constructs import Construct

HEALTH_PATH = "/health"
API_PORT_DEFAULT = 8080
AI_PORT_DEFAULT = 8000
# Provider secrets created beforehand (PREFIX/<name>), given to the ai tasks only; name -> variable.
PROVIDER_SECRETS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "google": "GOOGLE_API_KEY"}
DATA_DIR = "/tmp/docuthinker"  # upload staging only, on the task's /tmp volume
IMAGE_HEALTHCHECK = ["CMD", "/usr/local/lib/docuthinker/healthcheck.sh"]
CHROMA_MODES = ("none", "ec2", "external")
GRAPH_MODES = ("database", "neptune", "aura")
NEPTUNE_PORT = 8182
REDIS_PORT = 6379
# The Chroma host's user data (an Fn::Sub template), the same file docuthinker.yaml embeds verbatim.
CHROMA_USER_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cloudformation", "chroma-user-data.sh")
TELEMETRY_COLLECTORS = ("none", "xray-cloudwatch", "xray-opensearch")
# The ADOT collector sidecar (TelemetryCollector not none): its image, pinned, and its configuration (AOT_CONFIG_CONTENT,
# an Fn::Sub template), the same file docuthinker.yaml embeds verbatim in both task definitions. It listens for
# OTLP/HTTP on 127.0.0.1:4318 only; the app containers of the task share localhost (awsvpc).
ADOT_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0"
ADOT_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cloudformation", "adot-collector-config.yaml")
COLLECTOR = "otel-collector"
OTLP_ENDPOINT = "http://127.0.0.1:4318"


class DocuThinkerStack(Stack):
    def __init__(self, scope: Construct, cid: str, chroma_mode: str = "none", graph_mode: str = "database",
                 telemetry_collector: str = "none", **kw) -> None:
        super().__init__(scope, cid, **kw)
        if telemetry_collector not in TELEMETRY_COLLECTORS:
            raise ValueError(f"telemetry_collector must be one of {TELEMETRY_COLLECTORS}, not {telemetry_collector!r}")
        if chroma_mode not in CHROMA_MODES:
            raise ValueError(f"chroma_mode must be one of {CHROMA_MODES}, not {chroma_mode!r}")
        if graph_mode not in GRAPH_MODES:
            raise ValueError(f"graph_mode must be one of {GRAPH_MODES}, not {graph_mode!r}")
        P = lambda name, **a: CfnParameter(self, name, **a)  # noqa: E731
        vpc_id = P("VpcId", type="AWS::EC2::VPC::Id")
        public = P("PublicSubnetIds", type="List<AWS::EC2::Subnet::Id>")
        private = P("PrivateSubnetIds", type="List<AWS::EC2::Subnet::Id>")
        cert = P("CertificateArn", type="String", allowed_pattern="^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$")
        images = {"api": P("ApiImage", type="String"), "ai": P("AiImage", type="String")}
        commands = {"api": P("ApiCommand", type="CommaDelimitedList", default="api"),
                    "ai": P("AiCommand", type="CommaDelimitedList", default="ai")}
        ports = {"api": P("ApiPort", type="Number", default=API_PORT_DEFAULT, min_value=1024, max_value=65535),
                 "ai": P("AiPort", type="Number", default=AI_PORT_DEFAULT, min_value=1024, max_value=65535)}
        ai_path = P("AiPathPattern", type="String", default="/ai/*")
        cpu_values = ["256", "512", "1024", "2048", "4096"]
        cpus = {"api": P("ApiCpu", type="String", default="512", allowed_values=cpu_values),
                "ai": P("AiCpu", type="String", default="512", allowed_values=cpu_values)}
        mems = {"api": P("ApiMemory", type="String", default="1024"), "ai": P("AiMemory", type="String", default="1024")}
        desired = P("DesiredCount", type="Number", default=2)
        min_cap = P("MinCapacity", type="Number", default=2)
        max_cap = P("MaxCapacity", type="Number", default=10)
        cpu_target = P("CpuTargetPercent", type="Number", default=70)
        req_target = P("RequestsPerTarget", type="Number", default=1000)
        prefix = P("SecretsPrefix", type="String", default="docuthinker", allowed_pattern="^[A-Za-z0-9/_+=.@-]+$")
        retention = P("LogRetentionDays", type="Number", default="30", allowed_values=[str(d) for d in (
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)])
        db_class = P("DbInstanceClass", type="String", default="db.t4g.medium")
        db_storage = P("DbAllocatedStorage", type="Number", default=20)
        cache_type = P("CacheNodeType", type="String", default="cache.t4g.micro")
        chroma = {
            "mode": P("ChromaMode", type="String", default=chroma_mode, allowed_values=list(CHROMA_MODES),
                      description="Vector index of the ai service: none (pgvector), ec2 (ChromaDB on one EC2 instance), external (ChromaUrl)."),
            "url": P("ChromaUrl", type="String", default="", allowed_pattern="^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?)?$",
                     description="ChromaMode=external only - http(s)://host:port of the Chroma server."),
            "token_arn": P("ChromaTokenSecretArn", type="String", default="",
                           allowed_pattern="^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)?$",
                           description="Optional full ARN of an existing secret holding the Chroma token; empty generates PREFIX/chroma-token."),
            "cidr": P("ChromaExternalCidr", type="String", default="", allowed_pattern="^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2})?$",
                      description="ChromaMode=external only - CIDR of a Chroma server not on HTTPS 443; opens ChromaPort to it."),
            "port": P("ChromaPort", type="Number", default=8000, min_value=1024, max_value=65535,
                      description="Port of the Chroma proxy on the ec2 instance (and of the external server with ChromaExternalCidr)."),
            "subnet": P("ChromaSubnetId", type="String", default="", allowed_pattern="^(subnet-[0-9a-f]{8,17})?$",
                        description="ChromaMode=ec2 only - one of PrivateSubnetIds, where the Chroma instance runs."),
            "az": P("ChromaAvailabilityZone", type="String", default="", allowed_pattern="^([a-z]{2}(-[a-z]+)+-[0-9][a-z])?$",
                    description="ChromaMode=ec2 only - the Availability Zone of ChromaSubnetId (the data volume is created there)."),
            "instance_type": P("ChromaInstanceType", type="String", default="t3.medium",
                               description="ChromaMode=ec2 only - instance type of the Chroma host (Nitro)."),
            "volume_size": P("ChromaVolumeSize", type="Number", default=20, min_value=1, max_value=16384,
                             description="ChromaMode=ec2 only - GiB of the encrypted gp3 data volume."),
            "image": P("ChromaImage", type="String", default="chromadb/chroma:1.5.9",
                       description="ChromaMode=ec2 only - Chroma server image (1.x, data in /data, port 8000)."),
            "ami": P("ChromaAmiId", type="AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                     default="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                     description="ChromaMode=ec2 only - Amazon Linux 2023 AMI of the Chroma host."),
        }
        graph = {
            "mode": P("GraphMode", type="String", default=graph_mode, allowed_values=list(GRAPH_MODES),
                      description="Where the ai service keeps the knowledge graph. database - PostgreSQL's tables, no graph variable is "
                                  "passed; neptune - an Amazon Neptune cluster created here (IAM database authentication, encrypted, "
                                  "reachable from the ai tasks only); aura - Neo4j Aura (or any Neo4j 5.19+) at Neo4jUri."),
            "instance_class": P("NeptuneInstanceClass", type="String", default="db.t4g.medium",
                                description="GraphMode=neptune only - instance class of the Neptune writer."),
            "uri": P("Neo4jUri", type="String", default="", allowed_pattern="^(https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?)?$",
                     description="GraphMode=aura only - the HTTP Query API address, https://<id>.databases.neo4j.io (not the neo4j+s:// "
                                 "Bolt URI); DOCUTHINKER_NEO4J_URI of the ai tasks."),
            "user": P("Neo4jUser", type="String", default="neo4j", description="GraphMode=aura only - the database user (DOCUTHINKER_NEO4J_USER)."),
            "password_arn": P("Neo4jPasswordSecretArn", type="String", default="",
                              allowed_pattern="^(arn:aws[a-zA-Z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)?$",
                              description="GraphMode=aura only - full ARN of the secret whose plain string is the Neo4j password "
                                          "(DOCUTHINKER_NEO4J_PASSWORD)."),
        }
        models = {"DOCUTHINKER_OPENAI_MODEL": P("OpenAIModel", type="String", default="gpt-4o-mini"),
                  "DOCUTHINKER_CLAUDE_MODEL": P("ClaudeModel", type="String", default="claude-3-5-sonnet-20241022"),
                  "DOCUTHINKER_GEMINI_MODEL": P("GeminiModel", type="String", default="gemini-1.5-pro"),
                  "DOCUTHINKER_BEDROCK_MODEL": P("BedrockModel", type="String", default="",
                                                 description="Bedrock model or inference profile id; empty leaves Bedrock off.")}
        enable_cf = P("EnableCloudFront", type="String", default="false", allowed_values=["true", "false"])
        cf_aliases = P("CloudFrontAliases", type="CommaDelimitedList", default="")
        cf_cert = P("CloudFrontCertificateArn", type="String", default="",
                    allowed_pattern="^(arn:aws[a-zA-Z-]*:acm:us-east-1:[0-9]{12}:certificate/.+)?$")
        origin = P("OriginDomainName", type="String", default="")
        public_url = P("PublicUrl", type="String", default="", allowed_pattern="^(https?://[a-z0-9.-]+(:[0-9]{1,5})?)?$",
                       description="Where people open DocuThinker, scheme://host[:port] in lower case without a path (e.g. "
                                   "https://docs.example.org): DOCUTHINKER_PUBLIC_URL of the api and ai tasks - the base of mailed "
                                   "password-reset links, the browser origin /mcp accepts, and the WebAuthn relying party (RP ID its host, "
                                   "origin its origin). Empty derives it - with EnableCloudFront https://<first CloudFrontAliases entry> "
                                   "(with CloudFrontCertificateArn) or https://<distribution domain>; else https://<OriginDomainName> if set; "
                                   "else https://<ALB DNS name>.")
        telemetry = {
            "mode": P("TelemetryCollector", type="String", default=telemetry_collector, allowed_values=list(TELEMETRY_COLLECTORS),
                      description="Optional ADOT collector sidecar in every api and ai task. none - no sidecar, no OTEL_* variable "
                                  "(telemetry off); xray-cloudwatch - traces to X-Ray, metrics to CloudWatch (EMF, namespace DocuThinker), "
                                  "logs to /ecs/<stack>-otel-logs; xray-opensearch - the same, logs to OpenSearchIngestionEndpoint."),
            "image": P("TelemetryCollectorImage", type="String", default=ADOT_IMAGE,
                       description="TelemetryCollector xray-cloudwatch/xray-opensearch only - the ADOT collector image, pinned."),
            "osis_endpoint": P("OpenSearchIngestionEndpoint", type="String", default="",
                               allowed_pattern="^(https://[a-z0-9.-]+\\.osis\\.amazonaws\\.com(\\.cn)?)?$",
                               description="TelemetryCollector=xray-opensearch only - https://<endpoint> of an existing OpenSearch Ingestion "
                                           "pipeline without a path (OpenTelemetry logs source on /v1/logs, no compression)."),
            "osis_arn": P("OpenSearchIngestionPipelineArn", type="String", default="",
                          allowed_pattern="^(arn:aws[a-z-]*:osis:[a-z0-9-]+:[0-9]{12}:pipeline/[a-z][a-z0-9-]{2,27})?$",
                          description="TelemetryCollector=xray-opensearch only - the ARN of that pipeline (osis:Ingest)."),
        }
        sentry_arn = P("SentryDsnSecretArn", type="String", default="",
                       allowed_pattern="^(arn:aws[a-zA-Z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)?$",
                       description="Optional full ARN of a secret whose plain string is a Sentry DSN (SENTRY_DSN of the api and ai tasks, "
                                   "with SENTRY_ENVIRONMENT=<stack name>). Empty - no Sentry.")
        create_cf = CfnCondition(self, "CreateCloudFront", expression=Fn.condition_equals(enable_cf.value_as_string, "true"))
        has_cf_cert = CfnCondition(self, "HasCloudFrontCertificate",
                                   expression=Fn.condition_not(Fn.condition_equals(cf_cert.value_as_string, "")))
        mode = chroma["mode"].value_as_string
        chroma_ec2 = CfnCondition(self, "ChromaOnEc2", expression=Fn.condition_equals(mode, "ec2"))
        chroma_external = CfnCondition(self, "ChromaExternal", expression=Fn.condition_equals(mode, "external"))
        chroma_enabled = CfnCondition(self, "ChromaEnabled", expression=Fn.condition_not(Fn.condition_equals(mode, "none")))
        has_token_arn = CfnCondition(self, "HasChromaTokenSecretArn",
                                     expression=Fn.condition_not(Fn.condition_equals(chroma["token_arn"].value_as_string, "")))
        create_token = CfnCondition(self, "CreateChromaTokenSecret",
                                    expression=Fn.condition_and(chroma_enabled, Fn.condition_not(has_token_arn)))
        open_external = CfnCondition(self, "OpenExternalChromaPort", expression=Fn.condition_and(
            chroma_external, Fn.condition_not(Fn.condition_equals(chroma["cidr"].value_as_string, ""))))
        has_public_url = CfnCondition(self, "HasPublicUrl", expression=Fn.condition_not(Fn.condition_equals(public_url.value_as_string, "")))
        has_origin = CfnCondition(self, "HasOriginDomainName", expression=Fn.condition_not(Fn.condition_equals(origin.value_as_string, "")))
        CfnRule(self, "ExternalChromaNeedsUrl", rule_condition=Fn.condition_equals(mode, "external"), assertions=[
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(chroma["url"].value_as_string, "")),
                             assert_description="ChromaMode=external needs ChromaUrl (http(s)://host:port of the Chroma server).")])
        graph_mode_value = graph["mode"].value_as_string
        on_neptune = CfnCondition(self, "GraphOnNeptune", expression=Fn.condition_equals(graph_mode_value, "neptune"))
        # aura with its password secret (the rule below refuses aura without it).
        on_aura = CfnCondition(self, "GraphOnAura", expression=Fn.condition_and(
            Fn.condition_equals(graph_mode_value, "aura"), Fn.condition_not(Fn.condition_equals(graph["password_arn"].value_as_string, ""))))
        CfnRule(self, "AuraGraphNeedsAddress", rule_condition=Fn.condition_equals(graph_mode_value, "aura"), assertions=[
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(graph["uri"].value_as_string, "")),
                             assert_description="GraphMode=aura needs Neo4jUri (https://<id>.databases.neo4j.io, the HTTP Query API)."),
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(graph["password_arn"].value_as_string, "")),
                             assert_description="GraphMode=aura needs Neo4jPasswordSecretArn (the secret holding the Neo4j password).")])
        CfnRule(self, "Ec2ChromaNeedsPlacement", rule_condition=Fn.condition_equals(mode, "ec2"), assertions=[
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(chroma["subnet"].value_as_string, "")),
                             assert_description="ChromaMode=ec2 needs ChromaSubnetId (one of PrivateSubnetIds)."),
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(chroma["az"].value_as_string, "")),
                             assert_description="ChromaMode=ec2 needs ChromaAvailabilityZone (the AZ of ChromaSubnetId).")])
        telemetry_mode = telemetry["mode"].value_as_string
        telemetry_on = CfnCondition(self, "TelemetryOn", expression=Fn.condition_not(Fn.condition_equals(telemetry_mode, "none")))
        logs_to_cloudwatch = CfnCondition(self, "TelemetryLogsToCloudWatch", expression=Fn.condition_equals(telemetry_mode, "xray-cloudwatch"))
        # xray-opensearch with its pipeline ARN (the rule below refuses xray-opensearch without it).
        logs_to_opensearch = CfnCondition(self, "TelemetryLogsToOpenSearch", expression=Fn.condition_and(
            Fn.condition_equals(telemetry_mode, "xray-opensearch"),
            Fn.condition_not(Fn.condition_equals(telemetry["osis_arn"].value_as_string, ""))))
        has_sentry = CfnCondition(self, "HasSentryDsn", expression=Fn.condition_not(Fn.condition_equals(sentry_arn.value_as_string, "")))
        CfnRule(self, "OpenSearchTelemetryNeedsPipeline", rule_condition=Fn.condition_equals(telemetry_mode, "xray-opensearch"), assertions=[
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(telemetry["osis_endpoint"].value_as_string, "")),
                             assert_description="TelemetryCollector=xray-opensearch needs OpenSearchIngestionEndpoint (https://<pipeline endpoint>)."),
            CfnRuleAssertion(assert_=Fn.condition_not(Fn.condition_equals(telemetry["osis_arn"].value_as_string, "")),
                             assert_description="TelemetryCollector=xray-opensearch needs OpenSearchIngestionPipelineArn "
                                                "(the task role may ingest into that pipeline only).")])

        part, region, account = Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID
        def secret_arn(name, suffix=""):
            return f"arn:{part}:secretsmanager:{region}:{account}:secret:{prefix.value_as_string}/{name}{suffix}"

        # KMS key
        key = kms.CfnKey(self, "DataKey", description="DocuThinker data key (secrets, S3, RDS, Redis, logs)",
                         enable_key_rotation=True, key_policy={"Version": "2012-10-17", "Statement": [
                             {"Sid": "AccountAdmin", "Effect": "Allow", "Principal": {"AWS": f"arn:{part}:iam::{account}:root"},
                              "Action": "kms:*", "Resource": "*"},
                             {"Sid": "CloudWatchLogs", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                              "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                              "Resource": "*", "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                  f"arn:{part}:logs:{region}:{account}:log-group:/ecs/{Aws.STACK_NAME}-*"}}}]})
        key.cfn_options.deletion_policy = CfnDeletionPolicy.RETAIN
        key.cfn_options.update_replace_policy = CfnDeletionPolicy.RETAIN

        def stack_secret(cid, name, gen, why):
            s = sm.CfnSecret(self, cid, name=f"{prefix.value_as_string}/{name}", kms_key_id=key.ref, generate_secret_string=gen)
            s.add_metadata("checkov", {"skip": [{"id": "CKV2_AWS_57", "comment": why}]})
            return s
        db_secret = stack_secret("DatabaseSecret", "database", sm.CfnSecret.GenerateSecretStringProperty(
            secret_string_template='{"username": "docuthinker"}', generate_string_key="password", password_length=40,
            exclude_punctuation=True), "Rotation needs a rotation Lambda and app support (later issue).")
        jwt_secret = stack_secret("JwtSecret", "jwt", sm.CfnSecret.GenerateSecretStringProperty(
            password_length=64, exclude_punctuation=True), "Rotating the HS256 key invalidates every session; operator-driven.")
        ai_token_secret = stack_secret("AiServiceTokenSecret", "ai-service-token", sm.CfnSecret.GenerateSecretStringProperty(
            password_length=64, exclude_punctuation=True), "The api and ai tasks must switch together; operator-driven rolling deploy.")
        # The ElastiCache AUTH token: resolved by CloudFormation for the cluster, REDIS_AUTH_TOKEN of the api and ai tasks.
        redis_secret = stack_secret("RedisSecret", "redis", sm.CfnSecret.GenerateSecretStringProperty(
            secret_string_template="{}", generate_string_key="token", password_length=64, exclude_punctuation=True),
            "ElastiCache AUTH token rotation is a two-step ROTATE/SET procedure done by the operator.")
        # The Chroma token (plain string; DOCUTHINKER_CHROMA_TOKEN, required by the ec2 host's proxy) unless ChromaTokenSecretArn names one.
        chroma_token_secret = stack_secret("ChromaTokenSecret", "chroma-token", sm.CfnSecret.GenerateSecretStringProperty(
            password_length=64, exclude_punctuation=True),
            "The Chroma host reads the token at boot and the ai tasks at start; rotate, then replace the instance and roll the ai service.")
        chroma_token_secret.cfn_options.condition = create_token
        chroma_token_arn = Fn.condition_if(has_token_arn.logical_id, chroma["token_arn"].value_as_string, chroma_token_secret.ref)

        # Security groups
        def sg(cid, desc, ingress, egress=None):
            return ec2.CfnSecurityGroup(self, cid, group_description=desc, vpc_id=vpc_id.value_as_string,
                                        security_group_ingress=ingress, security_group_egress=egress)
        Ingress = ec2.CfnSecurityGroup.IngressProperty
        Egress = ec2.CfnSecurityGroup.EgressProperty
        https_out = [Egress(ip_protocol="tcp", from_port=443, to_port=443, cidr_ip="0.0.0.0/0",
                            description="HTTPS to ECR, Secrets Manager, S3, Bedrock and LLM providers (through NAT)")]
        no_egress = [Egress(ip_protocol="-1", cidr_ip="127.0.0.1/32", description="no egress")]
        alb_sg = sg("AlbSecurityGroup", "DocuThinker ALB - HTTPS from the internet", [
            Ingress(ip_protocol="tcp", from_port=443, to_port=443, cidr_ip="0.0.0.0/0", description="HTTPS from clients"),
            Ingress(ip_protocol="tcp", from_port=80, to_port=80, cidr_ip="0.0.0.0/0", description="HTTP, redirected to HTTPS")])
        alb_sg.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_260", "comment": "Port 80 only redirects to HTTPS."}]})
        pnum = {k: v.value_as_number for k, v in ports.items()}
        api_sg = sg("ApiSecurityGroup", "DocuThinker api tasks - from the ALB only", [
            Ingress(ip_protocol="tcp", from_port=pnum["api"], to_port=pnum["api"], source_security_group_id=alb_sg.ref,
                    description="ALB to api")], https_out)
        ai_sg = sg("AiSecurityGroup", "DocuThinker ai tasks - from the ALB and the api only", [
            Ingress(ip_protocol="tcp", from_port=pnum["ai"], to_port=pnum["ai"], source_security_group_id=alb_sg.ref, description="ALB to ai"),
            Ingress(ip_protocol="tcp", from_port=pnum["ai"], to_port=pnum["ai"], source_security_group_id=api_sg.ref,
                    description="api to ai (AI_SERVICE_URL)")], https_out)
        db_sg = sg("DatabaseSecurityGroup", "DocuThinker PostgreSQL - from the services only", [
            Ingress(ip_protocol="tcp", from_port=5432, to_port=5432, source_security_group_id=api_sg.ref, description="api to PostgreSQL"),
            Ingress(ip_protocol="tcp", from_port=5432, to_port=5432, source_security_group_id=ai_sg.ref, description="ai to PostgreSQL")], no_egress)
        cache_sg = sg("CacheSecurityGroup", "DocuThinker Redis - from the services only", [
            Ingress(ip_protocol="tcp", from_port=6379, to_port=6379, source_security_group_id=api_sg.ref, description="api to Redis"),
            Ingress(ip_protocol="tcp", from_port=6379, to_port=6379, source_security_group_id=ai_sg.ref, description="ai to Redis")], no_egress)
        chroma_port = chroma["port"].value_as_number
        chroma_sg = sg("ChromaSecurityGroup", "DocuThinker Chroma host - from the ai tasks only", [
            Ingress(ip_protocol="tcp", from_port=chroma_port, to_port=chroma_port, source_security_group_id=ai_sg.ref,
                    description="ai to the Chroma proxy (DOCUTHINKER_CHROMA_URL)")],
            [Egress(ip_protocol="tcp", from_port=443, to_port=443, cidr_ip="0.0.0.0/0",
                    description="HTTPS to package repositories, the image registry and AWS APIs (through NAT)")])
        chroma_sg.cfn_options.condition = chroma_ec2
        ec2.CfnSecurityGroupEgress(self, "AiToChromaEgress", group_id=ai_sg.ref, ip_protocol="tcp", from_port=chroma_port, to_port=chroma_port,
                                   destination_security_group_id=chroma_sg.ref, description="ai to Chroma").cfn_options.condition = chroma_ec2
        ec2.CfnSecurityGroupEgress(self, "AiToExternalChromaEgress", group_id=ai_sg.ref, ip_protocol="tcp", from_port=chroma_port,
                                   to_port=chroma_port, cidr_ip=chroma["cidr"].value_as_string,
                                   description="ai to the external Chroma server").cfn_options.condition = open_external
        # Neptune (GraphMode=neptune): one encrypted writer with IAM database authentication, open to the ai tasks only.
        neptune_sg = sg("NeptuneSecurityGroup", "DocuThinker Neptune - from the ai tasks only", [
            Ingress(ip_protocol="tcp", from_port=NEPTUNE_PORT, to_port=NEPTUNE_PORT, source_security_group_id=ai_sg.ref,
                    description="ai to Neptune (DOCUTHINKER_NEPTUNE_ENDPOINT)")], no_egress)
        neptune_sg.cfn_options.condition = on_neptune
        ec2.CfnSecurityGroupEgress(self, "AiToNeptuneEgress", group_id=ai_sg.ref, ip_protocol="tcp", from_port=NEPTUNE_PORT,
                                   to_port=NEPTUNE_PORT, destination_security_group_id=neptune_sg.ref,
                                   description="ai to Neptune").cfn_options.condition = on_neptune
        neptune_subnets = neptune.CfnDBSubnetGroup(self, "NeptuneSubnetGroup", db_subnet_group_description="DocuThinker Neptune private subnets",
                                                   subnet_ids=private.value_as_list)
        neptune_params = neptune.CfnDBClusterParameterGroup(self, "NeptuneParameterGroup", description="DocuThinker Neptune - audit log on",
                                                            family="neptune1.3", parameters={"neptune_enable_audit_log": "1"})
        neptune_cluster = neptune.CfnDBCluster(self, "NeptuneCluster", engine_version="1.3.2.1",
            db_cluster_parameter_group_name=neptune_params.ref, db_subnet_group_name=neptune_subnets.ref,
            vpc_security_group_ids=[neptune_sg.ref], db_port=NEPTUNE_PORT, iam_auth_enabled=True, storage_encrypted=True,
            kms_key_id=key.attr_arn, backup_retention_period=7, copy_tags_to_snapshot=True, deletion_protection=True,
            enable_cloudwatch_logs_exports=["audit"])
        neptune_cluster.cfn_options.deletion_policy = CfnDeletionPolicy.SNAPSHOT
        neptune_cluster.cfn_options.update_replace_policy = CfnDeletionPolicy.SNAPSHOT
        neptune_instance = neptune.CfnDBInstance(self, "NeptuneInstance", db_cluster_identifier=neptune_cluster.ref,
                                                 db_instance_class=graph["instance_class"].value_as_string, auto_minor_version_upgrade=True)
        for resource in (neptune_subnets, neptune_params, neptune_cluster, neptune_instance):
            resource.cfn_options.condition = on_neptune
        neptune_url = f"https://{neptune_cluster.attr_endpoint}:{neptune_cluster.attr_port}"
        for cid, src, port, dst, desc in [
                ("AlbToApiEgress", alb_sg, pnum["api"], api_sg, "ALB to api targets"),
                ("AlbToAiEgress", alb_sg, pnum["ai"], ai_sg, "ALB to ai targets"),
                ("ApiToAiEgress", api_sg, pnum["ai"], ai_sg, "api to ai"),
                ("ApiToDatabaseEgress", api_sg, 5432, db_sg, "api to PostgreSQL"),
                ("AiToDatabaseEgress", ai_sg, 5432, db_sg, "ai to PostgreSQL"),
                ("ApiToCacheEgress", api_sg, 6379, cache_sg, "api to Redis"),
                ("AiToCacheEgress", ai_sg, 6379, cache_sg, "ai to Redis")]:
            ec2.CfnSecurityGroupEgress(self, cid, group_id=src.ref, ip_protocol="tcp", from_port=port, to_port=port,
                                       destination_security_group_id=dst.ref, description=desc)

        # Load balancer
        lb = elb.CfnLoadBalancer(self, "LoadBalancer", type="application", scheme="internet-facing",
                                 subnets=public.value_as_list, security_groups=[alb_sg.ref], load_balancer_attributes=[
                                     elb.CfnLoadBalancer.LoadBalancerAttributeProperty(key=k, value=v) for k, v in [
                                         ("routing.http.drop_invalid_header_fields.enabled", "true"),
                                         ("deletion_protection.enabled", "true"), ("idle_timeout.timeout_seconds", "120")]])
        lb.add_metadata("checkov", {"skip": [
            {"id": "CKV_AWS_91", "comment": "Access logs need the region's ELB account in a bucket policy; see deploy/README.md."},
            {"id": "CKV2_AWS_28", "comment": "WAF optional (cost); app enforces auth on every /v1 route."},
            {"id": "CKV2_AWS_20", "comment": "HTTP:80 only redirects to HTTPS."}]})
        tgs = {}
        for name in ("api", "ai"):
            tg = elb.CfnTargetGroup(self, f"{name.capitalize()}TargetGroup", vpc_id=vpc_id.value_as_string, target_type="ip",
                                    protocol="HTTP", port=pnum[name], health_check_enabled=True, health_check_path=HEALTH_PATH,
                                    health_check_protocol="HTTP", health_check_interval_seconds=15, health_check_timeout_seconds=5,
                                    healthy_threshold_count=2, unhealthy_threshold_count=3,
                                    matcher=elb.CfnTargetGroup.MatcherProperty(http_code="200"),
                                    target_group_attributes=[elb.CfnTargetGroup.TargetGroupAttributeProperty(
                                        key="deregistration_delay.timeout_seconds", value="30")])
            tg.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_378", "comment": "TLS terminates at the ALB; private subnets + SGs."}]})
            tgs[name] = tg
        https = elb.CfnListener(self, "HttpsListener", load_balancer_arn=lb.ref, port=443, protocol="HTTPS",
                                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                                certificates=[elb.CfnListener.CertificateProperty(certificate_arn=cert.value_as_string)],
                                default_actions=[elb.CfnListener.ActionProperty(type="forward", target_group_arn=tgs["api"].ref)])
        elb.CfnListener(self, "HttpRedirectListener", load_balancer_arn=lb.ref, port=80, protocol="HTTP",
                        default_actions=[elb.CfnListener.ActionProperty(type="redirect", redirect_config=
                            elb.CfnListener.RedirectConfigProperty(protocol="HTTPS", port="443", status_code="HTTP_301"))])
        ai_rule = elb.CfnListenerRule(self, "AiListenerRule", listener_arn=https.ref, priority=10,
                                      conditions=[elb.CfnListenerRule.RuleConditionProperty(field="path-pattern",
                                          path_pattern_config=elb.CfnListenerRule.PathPatternConfigProperty(values=[ai_path.value_as_string]))],
                                      actions=[elb.CfnListenerRule.ActionProperty(type="forward", target_group_arn=tgs["ai"].ref)])

        # Logs
        groups = {}
        for name in ("api", "ai"):
            g = logs.CfnLogGroup(self, f"{name.capitalize()}LogGroup", log_group_name=f"/ecs/{Aws.STACK_NAME}-{name}",
                                 retention_in_days=retention.value_as_number, kms_key_id=key.attr_arn)
            g.cfn_options.deletion_policy = CfnDeletionPolicy.RETAIN
            g.cfn_options.update_replace_policy = CfnDeletionPolicy.RETAIN
            groups[name] = g
        # TelemetryCollector: the sidecars' own output, the EMF events of the metrics, and (xray-cloudwatch) the OTLP log records.
        for cid, suffix, cond in (("TelemetryCollectorLogGroup", "otel-collector", telemetry_on),
                                  ("TelemetryMetricsLogGroup", "otel-metrics", telemetry_on),
                                  ("TelemetryLogsLogGroup", "otel-logs", logs_to_cloudwatch)):
            g = logs.CfnLogGroup(self, cid, log_group_name=f"/ecs/{Aws.STACK_NAME}-{suffix}",
                                 retention_in_days=retention.value_as_number, kms_key_id=key.attr_arn)
            g.cfn_options.deletion_policy = CfnDeletionPolicy.RETAIN
            g.cfn_options.update_replace_policy = CfnDeletionPolicy.RETAIN
            g.cfn_options.condition = cond
            groups[cid] = g

        # S3
        Sse = s3.CfnBucket
        logs_bucket = s3.CfnBucket(self, "AccessLogsBucket",
            bucket_encryption=Sse.BucketEncryptionProperty(server_side_encryption_configuration=[Sse.ServerSideEncryptionRuleProperty(
                server_side_encryption_by_default=Sse.ServerSideEncryptionByDefaultProperty(sse_algorithm="AES256"))]),
            public_access_block_configuration=Sse.PublicAccessBlockConfigurationProperty(block_public_acls=True, block_public_policy=True,
                ignore_public_acls=True, restrict_public_buckets=True),
            ownership_controls=Sse.OwnershipControlsProperty(rules=[Sse.OwnershipControlsRuleProperty(object_ownership="BucketOwnerEnforced")]),
            versioning_configuration=Sse.VersioningConfigurationProperty(status="Enabled"),
            lifecycle_configuration=Sse.LifecycleConfigurationProperty(rules=[Sse.RuleProperty(id="expire-logs", status="Enabled",
                expiration_in_days=365, noncurrent_version_expiration=Sse.NoncurrentVersionExpirationProperty(noncurrent_days=30))]))
        logs_bucket.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_18", "comment": "Access-log target bucket; would recurse."},
                                                      {"id": "CKV2_AWS_62", "comment": "No event consumers."}]})
        bucket = s3.CfnBucket(self, "DocumentsBucket",
            bucket_encryption=Sse.BucketEncryptionProperty(server_side_encryption_configuration=[Sse.ServerSideEncryptionRuleProperty(
                server_side_encryption_by_default=Sse.ServerSideEncryptionByDefaultProperty(sse_algorithm="aws:kms", kms_master_key_id=key.attr_arn),
                bucket_key_enabled=True)]),
            public_access_block_configuration=Sse.PublicAccessBlockConfigurationProperty(block_public_acls=True, block_public_policy=True,
                ignore_public_acls=True, restrict_public_buckets=True),
            ownership_controls=Sse.OwnershipControlsProperty(rules=[Sse.OwnershipControlsRuleProperty(object_ownership="BucketOwnerEnforced")]),
            versioning_configuration=Sse.VersioningConfigurationProperty(status="Enabled"),
            logging_configuration=Sse.LoggingConfigurationProperty(destination_bucket_name=logs_bucket.ref, log_file_prefix="documents/"),
            lifecycle_configuration=Sse.LifecycleConfigurationProperty(rules=[Sse.RuleProperty(id="noncurrent-versions", status="Enabled",
                noncurrent_version_expiration=Sse.NoncurrentVersionExpirationProperty(noncurrent_days=30),
                abort_incomplete_multipart_upload=Sse.AbortIncompleteMultipartUploadProperty(days_after_initiation=7))]))
        bucket.add_metadata("checkov", {"skip": [{"id": "CKV2_AWS_62", "comment": "No event consumers yet."}]})
        for b in (logs_bucket, bucket):
            b.cfn_options.deletion_policy = CfnDeletionPolicy.RETAIN
            b.cfn_options.update_replace_policy = CfnDeletionPolicy.RETAIN
        tls_only = lambda b: {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",  # noqa: E731
                              "Resource": [b.attr_arn, f"{b.attr_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        s3.CfnBucketPolicy(self, "AccessLogsBucketPolicy", bucket=logs_bucket.ref, policy_document={"Version": "2012-10-17", "Statement": [
            {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"{logs_bucket.attr_arn}/*", "Condition": {"StringEquals": {"aws:SourceAccount": account}}}, tls_only(logs_bucket)]})
        s3.CfnBucketPolicy(self, "DocumentsBucketPolicy", bucket=bucket.ref,
                           policy_document={"Version": "2012-10-17", "Statement": [tls_only(bucket)]})

        # IAM
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                 "Action": "sts:AssumeRole", "Condition": {"ArnLike": {"aws:SourceArn": f"arn:{part}:ecs:{region}:{account}:*"}}}]}
        execution = iam.CfnRole(self, "ExecutionRole", description="ECS task execution - image pull, logs, and exactly the DocuThinker secrets",
            assume_role_policy_document=trust,
            managed_policy_arns=[f"arn:{part}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
            policies=[iam.CfnRole.PolicyProperty(policy_name="read-docuthinker-secrets", policy_document={"Version": "2012-10-17", "Statement": [
                {"Sid": "NamedSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                 "Resource": [secret_arn(n, "-??????") for n in PROVIDER_SECRETS] + [db_secret.ref, jwt_secret.ref, ai_token_secret.ref,
                              redis_secret.ref, Fn.condition_if(chroma_enabled.logical_id, chroma_token_arn, Aws.NO_VALUE),
                              Fn.condition_if(on_aura.logical_id, graph["password_arn"].value_as_string, Aws.NO_VALUE),
                              Fn.condition_if(has_sentry.logical_id, sentry_arn.value_as_string, Aws.NO_VALUE)]},
                {"Sid": "DecryptStackSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key.attr_arn}]})])
        task_role = iam.CfnRole(self, "TaskRole",
            description="DocuThinker tasks - Bedrock (DOCUTHINKER_BEDROCK_MODEL), the documents bucket (S3_BUCKET, SSE-KMS), "
                        "with GraphMode=neptune openCypher queries on the stack's Neptune cluster, and with TelemetryCollector the "
                        "collector's exports",
            assume_role_policy_document=trust,
            policies=[iam.CfnRole.PolicyProperty(policy_name="bedrock-and-bucket", policy_document={"Version": "2012-10-17", "Statement": [
                {"Sid": "Bedrock", "Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                 "Resource": [f"arn:{part}:bedrock:{region}::foundation-model/*", f"arn:{part}:bedrock:{region}:{account}:inference-profile/*"]},
                {"Sid": "BucketObjects", "Effect": "Allow",
                 "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                 "Resource": f"{bucket.attr_arn}/*"},
                {"Sid": "BucketList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket.attr_arn},
                {"Sid": "BucketKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key.attr_arn},
                Fn.condition_if(on_neptune.logical_id, {"Sid": "NeptuneQueries", "Effect": "Allow", "Action": [
                    "neptune-db:connect", "neptune-db:ReadDataViaQuery", "neptune-db:WriteDataViaQuery", "neptune-db:DeleteDataViaQuery"],
                    "Resource": f"arn:{part}:neptune-db:{region}:{account}:{neptune_cluster.attr_cluster_resource_id}/*"}, Aws.NO_VALUE),
                # TelemetryCollector: what the ADOT sidecar sends. X-Ray's segment, telemetry and sampling actions have no
                # resource-level permissions, hence "*"; the log streams only in the collector's log groups; the one pipeline.
                Fn.condition_if(telemetry_on.logical_id, {"Sid": "TelemetryTraces", "Effect": "Allow", "Action": [
                    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                    "Resource": "*"}, Aws.NO_VALUE),
                Fn.condition_if(telemetry_on.logical_id, {"Sid": "TelemetryLogGroups", "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [groups["TelemetryMetricsLogGroup"].attr_arn,
                                 Fn.condition_if(logs_to_cloudwatch.logical_id, groups["TelemetryLogsLogGroup"].attr_arn, Aws.NO_VALUE)]},
                    Aws.NO_VALUE),
                Fn.condition_if(logs_to_opensearch.logical_id, {"Sid": "TelemetryLogsToOpenSearch", "Effect": "Allow", "Action": "osis:Ingest",
                    "Resource": telemetry["osis_arn"].value_as_string}, Aws.NO_VALUE)]})])

        # PostgreSQL + Redis
        db_subnets = rds.CfnDBSubnetGroup(self, "DatabaseSubnetGroup", db_subnet_group_description="DocuThinker PostgreSQL private subnets",
                                          subnet_ids=private.value_as_list)
        db_params = rds.CfnDBParameterGroup(self, "DatabaseParameterGroup", description="DocuThinker PostgreSQL 16 - TLS only",
                                            family="postgres16", parameters={"rds.force_ssl": "1"})
        mon_role = iam.CfnRole(self, "DatabaseMonitoringRole", assume_role_policy_document={"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            managed_policy_arns=[f"arn:{part}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"])
        db = rds.CfnDBInstance(self, "Database", engine="postgres", engine_version="16.10", db_instance_class=db_class.value_as_string,
            allocated_storage=db_storage.value_as_string, storage_type="gp3", storage_encrypted=True, kms_key_id=key.ref,
            db_name="docuthinker",
            master_username=f"{{{{resolve:secretsmanager:{db_secret.ref}:SecretString:username}}}}",
            master_user_password=f"{{{{resolve:secretsmanager:{db_secret.ref}:SecretString:password}}}}",
            db_subnet_group_name=db_subnets.ref, db_parameter_group_name=db_params.ref, vpc_security_groups=[db_sg.ref],
            publicly_accessible=False, multi_az=True, backup_retention_period=7, copy_tags_to_snapshot=True, deletion_protection=True,
            auto_minor_version_upgrade=True, enable_iam_database_authentication=True,
            enable_cloudwatch_logs_exports=["postgresql", "upgrade"], enable_performance_insights=True,
            performance_insights_kms_key_id=key.ref, performance_insights_retention_period=7,
            monitoring_interval=60, monitoring_role_arn=mon_role.attr_arn)
        db.cfn_options.deletion_policy = CfnDeletionPolicy.SNAPSHOT
        db.cfn_options.update_replace_policy = CfnDeletionPolicy.SNAPSHOT
        sm.CfnSecretTargetAttachment(self, "DatabaseSecretAttachment", secret_id=db_secret.ref, target_id=db.ref,
                                     target_type="AWS::RDS::DBInstance")
        # Redis: the cache and rate limits every api and ai task shares (rediss:// + REDIS_AUTH_TOKEN).
        cache_subnets = ec.CfnSubnetGroup(self, "CacheSubnetGroup", description="DocuThinker Redis private subnets",
                                          subnet_ids=private.value_as_list)
        cache = ec.CfnReplicationGroup(self, "Cache", replication_group_description="DocuThinker Redis", engine="redis",
            engine_version="7.1", cache_node_type=cache_type.value_as_string, num_cache_clusters=2, automatic_failover_enabled=True,
            multi_az_enabled=True, cache_subnet_group_name=cache_subnets.ref, security_group_ids=[cache_sg.ref],
            at_rest_encryption_enabled=True, kms_key_id=key.ref, transit_encryption_enabled=True,
            auth_token=f"{{{{resolve:secretsmanager:{redis_secret.ref}:SecretString:token}}}}",
            snapshot_retention_limit=3, auto_minor_version_upgrade=True)
        cache.cfn_options.deletion_policy = CfnDeletionPolicy.SNAPSHOT
        cache.cfn_options.update_replace_policy = CfnDeletionPolicy.SNAPSHOT

        # ECS
        cluster = ecs.CfnCluster(self, "Cluster", cluster_settings=[ecs.CfnCluster.ClusterSettingsProperty(name="containerInsights", value="enabled")])
        KV = ecs.CfnTaskDefinition.KeyValuePairProperty
        SEC = ecs.CfnTaskDefinition.SecretProperty
        # api -> ai inside the VPC through Cloud Map (the ALB's certificate does not name the ALB's own DNS name).
        namespace = sd.CfnPrivateDnsNamespace(self, "ServiceNamespace", name=f"{Aws.STACK_NAME}.internal", vpc=vpc_id.value_as_string,
                                              description="DocuThinker internal service names (api to ai)")
        ai_discovery = sd.CfnService(self, "AiDiscoveryService", name="ai", namespace_id=namespace.ref,
            description="The ai tasks (AI_SERVICE_URL of the api)",
            dns_config=sd.CfnService.DnsConfigProperty(routing_policy="MULTIVALUE", dns_records=[sd.CfnService.DnsRecordProperty(type="A", ttl=10)]),
            health_check_custom_config=sd.CfnService.HealthCheckCustomConfigProperty(failure_threshold=1))
        ai_url = f"http://{ai_discovery.attr_name}.{Aws.STACK_NAME}.internal:{ports['ai'].value_as_string}"

        # Chroma on EC2 (ChromaMode=ec2): one instance in an Auto Scaling group, its data on a volume that outlives it,
        # nginx in front requiring the bearer token (Chroma 1.x has no auth of its own), chroma.<stack>.internal in Cloud Map.
        # See the YAML template and cloudformation/chroma-user-data.sh.
        chroma_resources = []
        volume = ec2.CfnVolume(self, "ChromaDataVolume", availability_zone=chroma["az"].value_as_string,
                               size=chroma["volume_size"].value_as_number, volume_type="gp3", encrypted=True, kms_key_id=key.attr_arn,
                               tags=[{"key": "Name", "value": f"{Aws.STACK_NAME}-chroma-data"}])
        volume.cfn_options.deletion_policy = CfnDeletionPolicy.SNAPSHOT
        volume.cfn_options.update_replace_policy = CfnDeletionPolicy.SNAPSHOT
        chroma_discovery = sd.CfnService(self, "ChromaDiscoveryService", name="chroma", namespace_id=namespace.ref,
            description="The Chroma host (DOCUTHINKER_CHROMA_URL of the ai tasks); registered by the instance itself",
            dns_config=sd.CfnService.DnsConfigProperty(routing_policy="MULTIVALUE", dns_records=[sd.CfnService.DnsRecordProperty(type="A", ttl=10)]))
        chroma_url = Fn.condition_if(chroma_ec2.logical_id,
                                     f"http://{chroma_discovery.attr_name}.{Aws.STACK_NAME}.internal:{chroma['port'].value_as_string}",
                                     chroma["url"].value_as_string)
        asg_name = f"{Aws.STACK_NAME}-chroma"
        chroma_role = iam.CfnRole(self, "ChromaInstanceRole",
            description="DocuThinker Chroma host - attach its data volume, read the Chroma token, register in Cloud Map, report its health",
            assume_role_policy_document={"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            managed_policy_arns=[f"arn:{part}:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            policies=[iam.CfnRole.PolicyProperty(policy_name="docuthinker-chroma-host", policy_document={"Version": "2012-10-17", "Statement": [
                {"Sid": "AttachTheDataVolume", "Effect": "Allow", "Action": "ec2:AttachVolume",
                 "Resource": f"arn:{part}:ec2:{region}:{account}:volume/{volume.ref}"},
                {"Sid": "ToAnInstanceOfTheGroup", "Effect": "Allow", "Action": "ec2:AttachVolume",
                 "Resource": f"arn:{part}:ec2:{region}:{account}:instance/*",
                 "Condition": {"StringEquals": {"ec2:ResourceTag/aws:autoscaling:groupName": asg_name}}},
                {"Sid": "DescribeVolumesAndOperations", "Effect": "Allow", "Action": ["ec2:DescribeVolumes", "servicediscovery:GetOperation"],
                 "Resource": "*"},
                {"Sid": "EncryptedVolume", "Effect": "Allow", "Action": "kms:CreateGrant", "Resource": key.attr_arn,
                 "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
                {"Sid": "StackKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": key.attr_arn},
                {"Sid": "ChromaToken", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": chroma_token_arn},
                {"Sid": "CloudMapInstance", "Effect": "Allow",
                 "Action": ["servicediscovery:RegisterInstance", "servicediscovery:DeregisterInstance", "servicediscovery:GetInstance"],
                 "Resource": chroma_discovery.attr_arn},
                {"Sid": "CloudMapRecords", "Effect": "Allow", "Action": ["route53:GetHostedZone", "route53:ChangeResourceRecordSets"],
                 "Resource": f"arn:{part}:route53:::hostedzone/{namespace.attr_hosted_zone_id}"},
                {"Sid": "ReportOwnHealth", "Effect": "Allow", "Action": "autoscaling:SetInstanceHealth",
                 "Resource": f"arn:{part}:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/{asg_name}"}]})])
        chroma_profile = iam.CfnInstanceProfile(self, "ChromaInstanceProfile", roles=[chroma_role.ref])
        LT = ec2.CfnLaunchTemplate
        with open(CHROMA_USER_DATA) as f:
            user_data = f.read()
        chroma_template = LT(self, "ChromaLaunchTemplate", launch_template_data=LT.LaunchTemplateDataProperty(
            image_id=chroma["ami"].value_as_string, instance_type=chroma["instance_type"].value_as_string,
            iam_instance_profile=LT.IamInstanceProfileProperty(arn=chroma_profile.attr_arn), security_group_ids=[chroma_sg.ref],
            ebs_optimized=True, monitoring=LT.MonitoringProperty(enabled=True),
            metadata_options=LT.MetadataOptionsProperty(http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1),
            block_device_mappings=[LT.BlockDeviceMappingProperty(device_name="/dev/xvda", ebs=LT.EbsProperty(
                volume_size=16, volume_type="gp3", encrypted=True, delete_on_termination=True))],
            tag_specifications=[LT.TagSpecificationProperty(resource_type=kind, tags=[{"key": "Name", "value": f"{Aws.STACK_NAME}-{suffix}"}])
                                for kind, suffix in (("instance", "chroma"), ("volume", "chroma-root"))],
            user_data=Fn.base64(Fn.sub(user_data, {"TokenSecretArn": Token.as_string(chroma_token_arn)}))))
        group = asg.CfnAutoScalingGroup(self, "ChromaAutoScalingGroup", auto_scaling_group_name=asg_name,
            min_size="1", max_size="1", desired_capacity="1", vpc_zone_identifier=[chroma["subnet"].value_as_string],
            launch_template=asg.CfnAutoScalingGroup.LaunchTemplateSpecificationProperty(
                launch_template_id=chroma_template.ref, version=chroma_template.attr_latest_version_number),
            health_check_type="EC2", health_check_grace_period=900,
            instance_maintenance_policy=asg.CfnAutoScalingGroup.InstanceMaintenancePolicyProperty(
                min_healthy_percentage=0, max_healthy_percentage=100),
            tags=[asg.CfnAutoScalingGroup.TagPropertyProperty(key=k, value=v, propagate_at_launch=True)
                  for k, v in (("Name", f"{Aws.STACK_NAME}-chroma"), ("docuthinker:role", "chroma"))])
        group.cfn_options.creation_policy = CfnCreationPolicy(resource_signal=CfnResourceSignal(count=1, timeout="PT20M"))
        group.cfn_options.update_policy = CfnUpdatePolicy(auto_scaling_rolling_update=CfnAutoScalingRollingUpdate(
            min_instances_in_service=0, max_batch_size=1, wait_on_resource_signals=True, pause_time="PT20M"))
        chroma_resources += [volume, chroma_discovery, chroma_role, chroma_profile, chroma_template, group]
        for r in chroma_resources:
            r.cfn_options.condition = chroma_ec2
        # Optional CloudFront
        D = cf.CfnDistribution
        dist = D(self, "Distribution", distribution_config=D.DistributionConfigProperty(enabled=True, comment="DocuThinker API through CloudFront",
            aliases=Token.as_list(Fn.condition_if(has_cf_cert.logical_id, cf_aliases.value_as_list, Aws.NO_VALUE)), http_version="http2and3",
            price_class="PriceClass_100",
            origins=[D.OriginProperty(id="alb", domain_name=origin.value_as_string, custom_origin_config=D.CustomOriginConfigProperty(
                origin_protocol_policy="https-only", origin_ssl_protocols=["TLSv1.2"]))],
            default_cache_behavior=D.DefaultCacheBehaviorProperty(target_origin_id="alb", viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"], cached_methods=["GET", "HEAD"], compress=True,
                cache_policy_id="4135ea2d-6df8-44a3-9df3-4b5a84be39ad", origin_request_policy_id="216adef6-5c7f-47e4-b989-5492eafa07d3"),
            viewer_certificate=D.ViewerCertificateProperty(
                acm_certificate_arn=Fn.condition_if(has_cf_cert.logical_id, cf_cert.value_as_string, Aws.NO_VALUE).to_string(),
                cloud_front_default_certificate=Fn.condition_if(has_cf_cert.logical_id, Aws.NO_VALUE, True),
                ssl_support_method=Fn.condition_if(has_cf_cert.logical_id, "sni-only", Aws.NO_VALUE).to_string(),
                minimum_protocol_version="TLSv1.2_2021")))
        dist.cfn_options.condition = create_cf
        dist.add_metadata("checkov", {"skip": [{"id": i, "comment": c} for i, c in [
            ("CKV_AWS_68", "WAF optional (cost)."), ("CKV2_AWS_47", "No WAF by default; Swift backend, not Java."),
            ("CKV_AWS_86", "ALB and service logs cover requests."), ("CKV_AWS_310", "Single origin; DR out of scope."),
            ("CKV_AWS_305", "API, no root object."), ("CKV2_AWS_32", "API sets its own headers.")]]})

        # DOCUTHINKER_PUBLIC_URL of api and ai (reset links, /mcp's browser origin, WebAuthn RP ID and origin):
        # PublicUrl, else the CloudFront viewer name (first alias, or the distribution's domain), else
        # OriginDomainName, else the ALB's DNS name (the HTTPS listener).
        site_url = Fn.condition_if(has_public_url.logical_id, public_url.value_as_string, Fn.condition_if(
            create_cf.logical_id,
            Fn.condition_if(has_cf_cert.logical_id, f"https://{Fn.select(0, cf_aliases.value_as_list)}", f"https://{dist.attr_domain_name}"),
            Fn.condition_if(has_origin.logical_id, f"https://{origin.value_as_string}", f"https://{lb.attr_dns_name}"))).to_string()
        db_url = f"postgres://docuthinker@{db.attr_endpoint_address}:{db.attr_endpoint_port}/docuthinker?sslmode=require"
        # The library lives in PostgreSQL + S3 (SSE-KMS with the stack key); DATA_DIR only stages uploads.
        # Redis over TLS; the AUTH token travels as REDIS_AUTH_TOKEN (ECS secrets), never in the URL.
        redis_url = f"rediss://{cache.attr_primary_end_point_address}:{cache.attr_primary_end_point_port}"
        stores = [("DATABASE_URL", db_url), ("S3_BUCKET", bucket.ref), ("S3_SSE", "aws:kms"), ("S3_SSE_KMS_KEY_ID", key.attr_arn),
                  ("REDIS_URL", redis_url), ("AWS_REGION", region), ("LOG_LEVEL", "info")]
        # The ADOT collector's configuration: adot-collector-config.yaml with the shape's logs exporter (CloudWatch Logs, or
        # OTLP/HTTP to the OpenSearch Ingestion pipeline signed with SigV4 for osis) filled in by Fn::Sub, as in the YAML.
        with open(ADOT_CONFIG) as f:
            adot_config = f.read()
        to_cw = logs_to_cloudwatch.logical_id
        collector_config = Fn.sub(adot_config, {
            "AuthExtension": Token.as_string(Fn.condition_if(to_cw, "", Fn.sub('sigv4auth: {region: "${AWS::Region}", service: osis}'))),
            "AuthExtensionId": Token.as_string(Fn.condition_if(to_cw, "", ", sigv4auth")),
            "LogsExporter": Token.as_string(Fn.condition_if(to_cw,
                Fn.sub('awscloudwatchlogs: {region: "${AWS::Region}", log_group_name: "${TelemetryLogsLogGroup}", '
                       'log_stream_name: "{ServiceName}/{TaskId}"}'),
                Fn.sub('otlphttp/opensearch: {logs_endpoint: "${OpenSearchIngestionEndpoint}/v1/logs", compression: none, '
                       'auth: {authenticator: sigv4auth}}'))),
            "LogsExporterId": Token.as_string(Fn.condition_if(to_cw, "awscloudwatchlogs", "otlphttp/opensearch"))})

        def collector(name):
            """The sidecar of the `name` task: not essential, OTLP/HTTP on 127.0.0.1:4318 only, no port published."""
            return Fn.condition_if(telemetry_on.logical_id, {
                "Name": COLLECTOR, "Image": telemetry["image"].value_as_string, "Essential": False,
                "User": "4317:4317", "ReadonlyRootFilesystem": True, "Privileged": False, "Cpu": 128, "Memory": 256, "StopTimeout": 10,
                "Environment": [{"Name": "GOMEMLIMIT", "Value": "200MiB"}, {"Name": "AOT_CONFIG_CONTENT", "Value": collector_config}],
                "HealthCheck": {"Command": ["CMD", "/healthcheck"], "Interval": 15, "Timeout": 5, "Retries": 3, "StartPeriod": 10},
                "LogConfiguration": {"LogDriver": "awslogs", "Options": {
                    "awslogs-group": groups["TelemetryCollectorLogGroup"].ref, "awslogs-region": region, "awslogs-stream-prefix": name}}},
                Aws.NO_VALUE)

        services = {}
        for name in ("api", "ai"):
            env = [("HOST", "0.0.0.0"), ("PORT", ports[name].value_as_string)]
            if name == "api":
                # Behind the ALB, which appends the client's address to X-Forwarded-For (rate limits per address).
                env += [("AI_SERVICE_URL", ai_url), ("DOCUTHINKER_TRUSTED_PROXY_HOPS", "1"), ("DOCUTHINKER_PUBLIC_URL", site_url),
                        ("DOCUTHINKER_DATA_DIR", DATA_DIR)]
            else:  # the ai serves /mcp to browsers too (AiPathPattern: /ai/mcp through the ALB)
                env += [("AIML_PORT", ports["ai"].value_as_string), ("DOCUTHINKER_PUBLIC_URL", site_url), ("DOCUTHINKER_DATA_DIR", DATA_DIR),
                        ("DOCUTHINKER_EMBEDDING_MODEL_DIR", "/opt/docuthinker/models/all-MiniLM-L6-v2")]
                env += [(k, v.value_as_string) for k, v in models.items()]
            env += stores
            secrets = [("JWT_SECRET", jwt_secret.ref), ("AI_SERVICE_TOKEN", ai_token_secret.ref), ("DATABASE_PASSWORD", f"{db_secret.ref}:password::"),
                       ("REDIS_AUTH_TOKEN", f"{redis_secret.ref}:token::")]
            if name == "ai":  # the LLM providers are called by the ai service only
                secrets += [(var, secret_arn(secret)) for secret, var in PROVIDER_SECRETS.items()]
            td = ecs.CfnTaskDefinition(self, f"{name.capitalize()}TaskDefinition", family=f"{Aws.STACK_NAME}-{name}",
                requires_compatibilities=["FARGATE"], network_mode="awsvpc", cpu=cpus[name].value_as_string, memory=mems[name].value_as_string,
                execution_role_arn=execution.attr_arn, task_role_arn=task_role.attr_arn,
                runtime_platform=ecs.CfnTaskDefinition.RuntimePlatformProperty(cpu_architecture="X86_64", operating_system_family="LINUX"),
                volumes=[ecs.CfnTaskDefinition.VolumeProperty(name="tmp")],
                container_definitions=[ecs.CfnTaskDefinition.ContainerDefinitionProperty(
                    name=name, image=images[name].value_as_string, essential=True, command=commands[name].value_as_list,
                    user="10001:10001", readonly_root_filesystem=True, privileged=False, stop_timeout=30,
                    # Starts once the collector has started (not waiting for healthy: telemetry never holds the app back).
                    depends_on=Fn.condition_if(telemetry_on.logical_id, [{"ContainerName": COLLECTOR, "Condition": "START"}], Aws.NO_VALUE),
                    port_mappings=[ecs.CfnTaskDefinition.PortMappingProperty(container_port=pnum[name], protocol="tcp")],
                    mount_points=[ecs.CfnTaskDefinition.MountPointProperty(source_volume="tmp", container_path="/tmp")],
                    environment=[KV(name=k, value=v) for k, v in env] + ([Fn.condition_if(chroma_enabled.logical_id,
                        {"Name": "DOCUTHINKER_CHROMA_URL", "Value": chroma_url}, Aws.NO_VALUE),
                        Fn.condition_if(on_neptune.logical_id, {"Name": "DOCUTHINKER_NEPTUNE_ENDPOINT", "Value": neptune_url}, Aws.NO_VALUE),
                        Fn.condition_if(on_aura.logical_id, {"Name": "DOCUTHINKER_NEO4J_URI", "Value": graph["uri"].value_as_string}, Aws.NO_VALUE),
                        Fn.condition_if(on_aura.logical_id, {"Name": "DOCUTHINKER_NEO4J_USER", "Value": graph["user"].value_as_string}, Aws.NO_VALUE),
                    ] if name == "ai" else []) + [
                        Fn.condition_if(telemetry_on.logical_id, {"Name": "OTEL_EXPORTER_OTLP_ENDPOINT", "Value": OTLP_ENDPOINT}, Aws.NO_VALUE),
                        Fn.condition_if(telemetry_on.logical_id, {"Name": "OTEL_SERVICE_NAME", "Value": f"docuthinker-{name}"}, Aws.NO_VALUE),
                        Fn.condition_if(has_sentry.logical_id, {"Name": "SENTRY_ENVIRONMENT", "Value": Aws.STACK_NAME}, Aws.NO_VALUE)],
                    secrets=[SEC(name=k, value_from=v) for k, v in secrets] + ([Fn.condition_if(chroma_enabled.logical_id,
                        {"Name": "DOCUTHINKER_CHROMA_TOKEN", "ValueFrom": chroma_token_arn}, Aws.NO_VALUE),
                        Fn.condition_if(on_aura.logical_id, {"Name": "DOCUTHINKER_NEO4J_PASSWORD",
                                                             "ValueFrom": graph["password_arn"].value_as_string}, Aws.NO_VALUE),
                    ] if name == "ai" else []) + [
                        Fn.condition_if(has_sentry.logical_id, {"Name": "SENTRY_DSN", "ValueFrom": sentry_arn.value_as_string}, Aws.NO_VALUE)],
                    health_check=ecs.CfnTaskDefinition.HealthCheckProperty(command=IMAGE_HEALTHCHECK, interval=15, timeout=5, retries=3, start_period=10),
                    log_configuration=ecs.CfnTaskDefinition.LogConfigurationProperty(log_driver="awslogs", options={
                        "awslogs-group": groups[name].ref, "awslogs-region": region, "awslogs-stream-prefix": name})),
                    collector(name)])
            svc = ecs.CfnService(self, f"{name.capitalize()}Service", cluster=cluster.ref, launch_type="FARGATE", platform_version="LATEST",
                task_definition=td.ref, desired_count=desired.value_as_number, health_check_grace_period_seconds=30, propagate_tags="SERVICE",
                deployment_configuration=ecs.CfnService.DeploymentConfigurationProperty(minimum_healthy_percent=100, maximum_percent=200,
                    deployment_circuit_breaker=ecs.CfnService.DeploymentCircuitBreakerProperty(enable=True, rollback=True)),
                network_configuration=ecs.CfnService.NetworkConfigurationProperty(awsvpc_configuration=ecs.CfnService.AwsVpcConfigurationProperty(
                    assign_public_ip="DISABLED", subnets=private.value_as_list, security_groups=[(api_sg if name == "api" else ai_sg).ref])),
                load_balancers=[ecs.CfnService.LoadBalancerProperty(container_name=name, container_port=pnum[name], target_group_arn=tgs[name].ref)],
                service_registries=[ecs.CfnService.ServiceRegistryProperty(registry_arn=ai_discovery.attr_arn)] if name == "ai" else None)
            svc.add_dependency(https if name == "api" else ai_rule)
            services[name] = svc
            target = aas.CfnScalableTarget(self, f"{name.capitalize()}ScalableTarget", service_namespace="ecs",
                scalable_dimension="ecs:service:DesiredCount", resource_id=f"service/{cluster.ref}/{svc.attr_name}",
                min_capacity=min_cap.value_as_number, max_capacity=max_cap.value_as_number)
            for kind, metric, label in (("Cpu", "ECSServiceAverageCPUUtilization", None),
                                        ("Request", "ALBRequestCountPerTarget",
                                         f"{lb.attr_load_balancer_full_name}/{tgs[name].attr_target_group_full_name}")):
                aas.CfnScalingPolicy(self, f"{name.capitalize()}{kind}Scaling", policy_name=f"{name}-{'cpu' if kind == 'Cpu' else 'requests'}",
                    policy_type="TargetTrackingScaling", scaling_target_id=target.ref,
                    target_tracking_scaling_policy_configuration=aas.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                        target_value=(cpu_target if kind == "Cpu" else req_target).value_as_number, scale_in_cooldown=120, scale_out_cooldown=60,
                        predefined_metric_specification=aas.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                            predefined_metric_type=metric, resource_label=label)))

        # Outputs
        CfnOutput(self, "LoadBalancerDns", value=lb.attr_dns_name, description="Point your API domain (CNAME/alias) here.")
        CfnOutput(self, "ApiHealthUrl", value=f"https://{lb.attr_dns_name}{HEALTH_PATH}")
        CfnOutput(self, "ClusterName", value=cluster.ref, export_name=f"{Aws.STACK_NAME}-Cluster")
        CfnOutput(self, "ApiServiceName", value=services["api"].attr_name)
        CfnOutput(self, "AiServiceName", value=services["ai"].attr_name)
        CfnOutput(self, "ApiTaskFamily", value=f"{Aws.STACK_NAME}-api")
        CfnOutput(self, "AiTaskFamily", value=f"{Aws.STACK_NAME}-ai")
        CfnOutput(self, "DatabaseEndpoint", value=db.attr_endpoint_address)
        CfnOutput(self, "RedisEndpoint", value=cache.attr_primary_end_point_address)
        CfnOutput(self, "RedisUrl", value=redis_url,
                  description="REDIS_URL of the api and ai tasks (TLS; the AUTH token is RedisSecretArn's token key).")
        CfnOutput(self, "RedisSecretArn", value=redis_secret.ref)
        for oid, value, cond, desc in (
                ("ChromaServiceUrl", Fn.condition_if(chroma_ec2.logical_id, f"http://chroma.{Aws.STACK_NAME}.internal:{chroma['port'].value_as_string}",
                                                     chroma["url"].value_as_string).to_string(), chroma_enabled,
                 "DOCUTHINKER_CHROMA_URL of the ai tasks."),
                ("GeneratedChromaTokenSecretArn", chroma_token_secret.ref, create_token,
                 "The generated Chroma token (DOCUTHINKER_CHROMA_TOKEN; the bearer token the Chroma proxy requires)."),
                ("ChromaAutoScalingGroupName", group.ref, chroma_ec2, None), ("ChromaDataVolumeId", volume.ref, chroma_ec2, None)):
            CfnOutput(self, oid, value=value, description=desc).condition = cond
        CfnOutput(self, "NeptuneEndpoint", value=neptune_url,
                  description="DOCUTHINKER_NEPTUNE_ENDPOINT of the ai tasks (openCypher over HTTPS, IAM-signed).").condition = on_neptune
        CfnOutput(self, "DocumentsBucketName", value=bucket.ref,
                  description="S3_BUCKET of the tasks (and of docuthinker import when moving a library here).")
        CfnOutput(self, "AiServiceUrl", value=ai_url, description="AI_SERVICE_URL of the api tasks (inside the VPC only).")
        CfnOutput(self, "DatabaseSecretArn", value=db_secret.ref)
        CfnOutput(self, "JwtSecretArn", value=jwt_secret.ref)
        out = CfnOutput(self, "DistributionDomainName", value=dist.attr_domain_name)
        out.condition = create_cf
        CfnOutput(self, "DocuThinkerUrl", value=site_url,
                  description="DOCUTHINKER_PUBLIC_URL of the api and ai tasks (PublicUrl, or derived when that is empty); point people here.")
        # The synth-time validator reports this output's Distribution.DomainName although it sits under Fn::If
        # CreateCloudFront (the Distribution's condition); it reports outputs on the stack, so it is acknowledged
        # here. cfn-lint (deploy/check) still runs W1001 on the synthesised template and follows the condition.
        Validations.of(self).acknowledge(Acknowledgment(id="CloudFormation-Validate::W1001",
            reason="DocuThinkerUrl uses Distribution.DomainName only under Fn::If CreateCloudFront, the Distribution's own condition."))
