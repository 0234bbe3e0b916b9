#!/usr/bin/env python3
"""DocuThinker CDK app (Python). Synthesises offline: `python3 app.py` writes cdk.out/ (no `cdk` CLI,
no AWS credentials, no lookups; aws-cdk-lib runs its jsii kernel on node, which must be installed).
Deploy the synthesised template with `aws cloudformation deploy` or with `npx cdk deploy`.
DOCUTHINKER_CHROMA_MODE (none, ec2 or external; default none) sets the default of the ChromaMode
parameter, DOCUTHINKER_GRAPH_MODE (database, neptune or aura; default database) that of GraphMode and
DOCUTHINKER_TELEMETRY_COLLECTOR (none, xray-cloudwatch or xray-opensearch; default none) that of
TelemetryCollector; every shape stays in the template behind CloudFormation conditions."""
import os
import aws_cdk as cdk
from docuthinker_cdk.stack import DocuThinkerStack

app = cdk.App(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
DocuThinkerStack(app, "DocuThinker", chroma_mode=os.environ.get("DOCUTHINKER_CHROMA_MODE", "none"),
                 graph_mode=os.environ.get("DOCUTHINKER_GRAPH_MODE", "database"),
                 telemetry_collector=os.environ.get("DOCUTHINKER_TELEMETRY_COLLECTOR", "none"),
                 synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
app.synth()
