#!/bin/sh
# runtime-setup.sh — the runtime stage's only RUN step (Dockerfile) and verify.sh's chroot step.
# Installs exactly the shared libraries the binary needs that debian:bookworm-slim lacks:
#   libpoppler-glib8 (PDF), libopenblas0-pthread (embeddings sgemm), libsqlite3-0 (storage),
#   libxml2 (Swift FoundationXML links it), libcurl4 (Swift FoundationNetworking links it; the MCP
#   SDK's HTTP transport lives there), ca-certificates (TLS to RDS and LLM providers),
#   tesseract-ocr with its English and orientation data, and poppler-utils (pdftoppm), the two
#   programs the OCR stage runs on scanned pages, and cmark-gfm with its extensions (Markdown uploads).
#   zlib1g is listed explicitly though the base has it; libstdc++6, libgcc-s1, libc6
#   are already in the base image. Then registers the Swift runtime dir and adds the non-root user.
set -eu
RUNTIME_PACKAGES="libpoppler-glib8 libopenblas0-pthread libsqlite3-0 zlib1g libxml2 libcurl4 ca-certificates tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $RUNTIME_PACKAGES
apt-get clean
rm -rf /var/lib/apt/lists/*
ldconfig
groupadd --system --gid 10001 docuthinker
useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/docuthinker --no-create-home --shell /usr/sbin/nologin docuthinker
mkdir -p /var/lib/docuthinker
chown 10001:10001 /var/lib/docuthinker
chmod 0750 /var/lib/docuthinker
chmod 0755 /usr/local/lib/docuthinker/healthcheck.sh
