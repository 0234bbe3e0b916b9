#!/usr/bin/env bash
# Source me:  source deploy/aws/scripts/local-env.sh [api|ai]      (default api)
# Exports the variables the ECS task definition of that service sets (same names, local values:
# compose.yaml's PostgreSQL, MinIO, Redis and Chroma published on localhost), so that
#   .build/release/docuthinker api   behaves like the api task, and in a second shell
#   source deploy/aws/scripts/local-env.sh ai && .build/release/docuthinker ai   like the ai task.
# Start the stores first:  docker compose -f deploy/compose.yaml up -d postgres minio minio-bucket redis chroma
# Only variables the binary reads are exported (deploy/tests/wiring_check.py). Existing values win.
_dt_role="${1:-api}"
case "$_dt_role" in api|ai) ;; *) echo "local-env.sh: role must be api or ai, not $_dt_role" >&2; unset _dt_role; return 1 2>/dev/null || exit 1;; esac
_dt_default() { local n="$1" v="$2"; if [ -z "${!n+x}" ]; then export "$n=$v"; else export "$n"; fi; }

# Both services.
_dt_default HOST 127.0.0.1
_dt_default DOCUTHINKER_DATA_DIR ./data
_dt_default LOG_LEVEL info
# Stores: compose.yaml's postgres (pgvector) and MinIO on localhost. On ECS: the RDS endpoint with
# sslmode=require, DATABASE_PASSWORD from the RDS secret, the documents bucket with SSE-KMS.
_dt_default DATABASE_URL "postgres://docuthinker@localhost:5432/docuthinker?sslmode=disable"
_dt_default DATABASE_PASSWORD docuthinker
_dt_default S3_BUCKET docuthinker
_dt_default S3_ENDPOINT http://localhost:9000
_dt_default S3_SSE ""              # MinIO without a KMS: no server-side encryption header (ECS: aws:kms)
_dt_default S3_SSE_KMS_KEY_ID ""   # ECS: the stack's KMS key
_dt_default AWS_REGION us-east-1
# MinIO's root credentials from compose.yaml (on ECS the task role signs instead).
_dt_default AWS_ACCESS_KEY_ID docuthinker
_dt_default AWS_SECRET_ACCESS_KEY docuthinker-minio
# Secrets: on ECS they come from Secrets Manager. Local development values only (>= 32 bytes).
_dt_default JWT_SECRET local-dev-only-jwt-secret-change-me-0123456789
_dt_default AI_SERVICE_TOKEN local-dev-only-ai-service-token-change-me
# Shared cache and rate limits: compose's redis (no AUTH locally; on ECS rediss://<ElastiCache> and
# REDIS_AUTH_TOKEN from Secrets Manager). An empty token means none.
_dt_default REDIS_URL redis://localhost:6379
_dt_default REDIS_AUTH_TOKEN ""
# Telemetry, off unless set (empty counts as unset). ECS with TelemetryCollector: the collector sidecar
# at http://127.0.0.1:4318; locally e.g. compose's otel-collector (profile telemetry), published on
# 127.0.0.1:4318. SENTRY_DSN (ECS: SentryDsnSecretArn, with SENTRY_ENVIRONMENT=<stack>) sends ERROR
# records to Sentry as events, with or without OTLP.
_dt_default OTEL_EXPORTER_OTLP_ENDPOINT ""
_dt_default OTEL_SERVICE_NAME "docuthinker-$_dt_role"
_dt_default SENTRY_DSN ""
_dt_default SENTRY_ENVIRONMENT ""

if [ "$_dt_role" = "api" ]; then
  # api on PORT (8080), calling the ai service.
  _dt_default PORT 8080
  _dt_default AI_SERVICE_URL "http://127.0.0.1:${AIML_PORT:-8000}"
  # No proxy in front locally, so X-Forwarded-For is ignored (ECS: 1, the ALB).
  _dt_default DOCUTHINKER_TRUSTED_PROXY_HOPS 0
  # Where people open DocuThinker: this api (reset links, /mcp's browser origin, WebAuthn RP ID
  # localhost). ECS: PublicUrl or the derived https:// name (CloudFront, OriginDomainName or the ALB).
  _dt_default DOCUTHINKER_PUBLIC_URL "http://localhost:$PORT"
else
  # ai on AIML_PORT (8000); PORT too, as in the task definition (the container health check uses it).
  _dt_default AIML_PORT 8000
  _dt_default PORT "$AIML_PORT"
  # Where people open DocuThinker: the api (default port 8080), as on ECS; /mcp accepts that origin.
  _dt_default DOCUTHINKER_PUBLIC_URL http://localhost:8080
  _dt_default DOCUTHINKER_EMBEDDING_MODEL_DIR ./models/all-MiniLM-L6-v2
  # LLM model names (the seed's defaults) and providers (empty: the offline engine answers).
  _dt_default DOCUTHINKER_OPENAI_MODEL gpt-4o-mini
  _dt_default DOCUTHINKER_CLAUDE_MODEL claude-3-5-sonnet-20241022
  _dt_default DOCUTHINKER_GEMINI_MODEL gemini-1.5-pro
  _dt_default DOCUTHINKER_BEDROCK_MODEL ""
  _dt_default OPENAI_API_KEY ""
  _dt_default ANTHROPIC_API_KEY ""
  _dt_default GOOGLE_API_KEY ""
  # Vectors in compose's chroma (published on 8001; no token locally). On ECS only with ChromaMode
  # ec2/external; set DOCUTHINKER_CHROMA_URL="" to keep the vectors in PostgreSQL (pgvector) instead.
  _dt_default DOCUTHINKER_CHROMA_URL http://localhost:8001
  _dt_default DOCUTHINKER_CHROMA_TOKEN ""
  # The knowledge graph stays in PostgreSQL's tables unless one of these names a graph database (ECS:
  # GraphMode neptune passes the Neptune endpoint, aura the Neo4j Query API address, user and password).
  _dt_default DOCUTHINKER_NEPTUNE_ENDPOINT ""
  _dt_default DOCUTHINKER_NEO4J_URI ""
  _dt_default DOCUTHINKER_NEO4J_USER neo4j
  _dt_default DOCUTHINKER_NEO4J_PASSWORD ""
fi
unset -f _dt_default
unset _dt_role
