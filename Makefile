# DocuThinker — the two commands of the README.
#   make run    installs missing system packages, builds (release), serves on :8080 (embedded SQLite, offline)
#   make test   same set-up plus the real test documents and the test servers (scripts/services: PostgreSQL
#               with pgvector, moto's S3), then the whole test suite — the store conformance suites on
#               every engine —, the browser tests (headless Chromium, scripts/browser-tests), schemathesis against
#               the served OpenAPI document (scripts/api-conformance), telemetry end to end (scripts/otel-e2e),
#               the fuzzers and the deploy checks
SWIFT ?= swift
PORT ?= 8080

.PHONY: run test build bootstrap test-data services services-stop browser-tests api-conformance bench-extract clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product docuthinker

run: build
	PORT=$(PORT) .build/release/docuthinker serve

test-data:
	@scripts/fetch-test-data
	@scripts/fetch-dev-manuals
	@scripts/make-scans

# The test servers stay up after `make test` (fast re-runs); `make services-stop` stops them.
services:
	@scripts/services start >/dev/null

services-stop:
	@scripts/services stop

test: bootstrap test-data services
	eval "$$(scripts/services env)" && DOCUTHINKER_REQUIRE_TEST_DATA=1 DOCUTHINKER_REQUIRE_SERVICES=1 \
		$(SWIFT) test --skip "RealManualAnalysisTests|RealDocumentSentenceTests|CrashLoopTests"
	# The real manuals (minutes of CPU in a debug build) and the crash loop (servers killed and
	# restarted on one port, 8 times here; 50 by default) run alone, after the rest: beside the
	# suites that time uploads and ingestion they would only slow those down.
	DOCUTHINKER_REQUIRE_TEST_DATA=1 DOCUTHINKER_CRASH_ROUNDS=8 $(SWIFT) test --skip-build \
		--filter "RealManualAnalysisTests|RealDocumentSentenceTests|CrashLoopTests"
	scripts/browser-tests
	scripts/api-conformance
	scripts/otel-e2e
	scripts/fuzz all 20
	bash deploy/check

browser-tests: bootstrap
	scripts/browser-tests

api-conformance: bootstrap
	scripts/api-conformance

bench-extract: bootstrap test-data
	bench/extract

clean:
	rm -rf .build
