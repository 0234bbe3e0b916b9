#!/usr/bin/env bash
# Usage: bench/auth-edge.sh BINARY PORT. Prints wrk figures (2 threads, 32 connections, 8 s after an 8 s warm-up).
# Authenticated GET /v1/documents and GET /v1/me under wrk, for one binary.
BIN=$1; PORT=$2
DATA=$(mktemp -d)
DOCUTHINKER_DATA_DIR=$DATA PORT=$PORT JWT_SECRET=edge-secret-0123456789abcdef0123456789 LOG_LEVEL=error $BIN serve >/dev/null 2>&1 &
PID=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.2; done
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"email":"edge@example.com","password":"correct horse battery"}' http://127.0.0.1:$PORT/v1/auth/register | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
for path in /v1/documents /v1/me; do
  wrk -t2 -c32 -d8s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT$path > /tmp/wrk.out 2>&1
  wrk -t2 -c32 -d8s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT$path | grep -E "Requests/sec|Latency|Non-2xx" | tr -s ' ' | sed "s|^|$path |"
done
kill $PID; wait $PID 2>/dev/null; rm -rf $DATA
