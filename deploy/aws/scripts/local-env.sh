#!/usr/bin/env bash
# Source me:  source deploy/aws/scripts/local-env.sh
# Exports the variables the ECS task definitions set (same names, local values), so that
# `.build/release/docuthinker api` behaves like the api task locally, and a second shell with
# DOCUTHINKER_ROLE=ai running `docuthinker ai` behaves like the ai task. Existing values win.
_dt_default() { local n="$1" v="$2"; if [ -z "${!n+x}" ]; then export "$n=$v"; else export "$n"; fi; }

export DOCUTHINKER_ROLE="${DOCUTHINKER_ROLE:-api}"
# LLM model names (the seed's defaults).
export DOCUTHINKER_OPENAI_MODEL="${DOCUTHINKER_OPENAI_MODEL:-gpt-4o-mini}"
export DOCUTHINKER_CLAUDE_MODEL="${DOCUTHINKER_CLAUDE_MODEL:-claude-3-5-sonnet-20241022}"
export DOCUTHINKER_GEMINI_MODEL="${DOCUTHINKER_GEMINI_MODEL:-gemini-1.5-pro}"
# Ports: api on PORT (8080), ai on AIML_PORT (8000); the ai task gets PORT=$AIML_PORT.
export AIML_PORT="${AIML_PORT:-8000}"
if [ "$DOCUTHINKER_ROLE" = "ai" ]; then export PORT="${PORT:-$AIML_PORT}"; else export PORT="${PORT:-8080}"; fi
export HOST="${HOST:-127.0.0.1}"
export AI_SERVICE_URL="${AI_SERVICE_URL:-http://127.0.0.1:${AIML_PORT}}"
# Stores (compose.yaml's services on localhost).
export DATABASE_URL="${DATABASE_URL:-postgres://docuthinker:docuthinker@localhost:5432/docuthinker}"
export REDIS_URL="${REDIS_URL:-redis://localhost:6379}"
export DOCUTHINKER_CHROMA_URL="${DOCUTHINKER_CHROMA_URL:-http://localhost:8001}"
export S3_BUCKET="${S3_BUCKET:-docuthinker-local}"
export S3_ENDPOINT="${S3_ENDPOINT:-}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export DOCUTHINKER_DATA_DIR="${DOCUTHINKER_DATA_DIR:-./data}"
export DOCUTHINKER_EMBEDDING_MODEL_DIR="${DOCUTHINKER_EMBEDDING_MODEL_DIR:-./models/all-MiniLM-L6-v2}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
# Secrets: in ECS they come from Secrets Manager; locally leave them unset or put them in .env.
# JWT_SECRET placeholder: >= 32 bytes; replace for anything but local development.
export JWT_SECRET="${JWT_SECRET:-local-dev-only-jwt-secret-change-me-0123456789}"
# The api <-> ai shared token (both processes need the same value).
export AI_SERVICE_TOKEN="${AI_SERVICE_TOKEN:-local-dev-only-ai-service-token-change-me}"
_dt_default DATABASE_PASSWORD docuthinker
_dt_default REDIS_AUTH_TOKEN ""
_dt_default OPENAI_API_KEY ""
_dt_default ANTHROPIC_API_KEY ""
_dt_default GOOGLE_API_KEY ""
_dt_default DOCUTHINKER_NEO4J_URI "bolt://localhost:7687"
_dt_default DOCUTHINKER_NEO4J_USER neo4j
_dt_default DOCUTHINKER_NEO4J_PASSWORD password
unset -f _dt_default
