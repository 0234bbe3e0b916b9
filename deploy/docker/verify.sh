#!/usr/bin/env bash
# verify.sh — reproduces deploy/docker/Dockerfile's runtime image without a Docker engine.
#
#  1. base      debootstrap --variant=minbase bookworm (≈ debian:bookworm-slim), cached as a tarball in
#               .build-deploy-cache/ (git-ignored); extracted fresh into a temporary root each run.
#  2. build     stage-swift-runtime.sh on the existing release binary (the build stage's last step;
#               `swift build` itself is not re-run here).
#  3. model     scripts/fetch-model and scripts/fetch-gazetteers into the root (the model stage;
#               pip's cache makes reruns fast).
#  4. runtime   COPY of the staged files + runtime-setup.sh executed *inside* the root with chroot
#               (the runtime stage's RUN: apt-get install of exactly RUNTIME_PACKAGES, ldconfig, user).
#  5. checks    ldd inside the root resolves every library (none "not found", Swift libs from
#               /usr/lib/swift/linux), the binary runs as uid 10001 with the Dockerfile's ENV,
#               ENTRYPOINT and CMD (parsed from the Dockerfile), /health answers, HEALTHCHECK's
#               script passes, the embedding model loads, SIGTERM stops it.
#  6. lint      hadolint if installed (it is not on PyPI or in Debian bookworm: skipped with a note).
# Needs root (chroot, mount proc). Usage: deploy/docker/verify.sh [BINARY]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN="${1:-$REPO/.build/release/docuthinker}"
CACHE="$REPO/.build-deploy-cache"
BASE_TAR="$CACHE/bookworm-minbase.tar"
DOCKERFILE="$HERE/Dockerfile"
PORT_UNDER_TEST="${VERIFY_PORT:-18089}"
log() { echo "verify.sh: $*"; }
fail() { echo "verify.sh: FAIL: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || fail "needs root (chroot)"
[[ -x "$BIN" ]] || fail "no binary at $BIN"
command -v debootstrap >/dev/null || { log "installing debootstrap (apt)"; apt-get install -y -q debootstrap >/dev/null; }

mkdir -p "$CACHE"
if [[ ! -s "$BASE_TAR" ]]; then
  log "debootstrap minbase bookworm (first run only, ~1 min)"
  rm -rf "$CACHE/minbase.tmp"
  debootstrap --variant=minbase bookworm "$CACHE/minbase.tmp" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log"; fail "debootstrap"; }
  tar -C "$CACHE/minbase.tmp" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$CACHE/minbase.tmp"
fi

ROOT="$(mktemp -d /tmp/docuthinker-rootfs.XXXXXX)"
STAGE="$(mktemp -d /tmp/docuthinker-stage.XXXXXX)"
PID=""
cleanup() {
  [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true
  umount "$ROOT/proc" 2>/dev/null || true
  umount "$ROOT/dev" 2>/dev/null || true
  rm -rf "$ROOT" "$STAGE"
}
trap cleanup EXIT
tar -C "$ROOT" -xf "$BASE_TAR"

# -- build stage: stage the binary + Swift runtime (same script as the Dockerfile) ------------------
"$HERE/stage-swift-runtime.sh" "$BIN" "$STAGE/build"
# -- model stage ----------------------------------------------------------------------------------
DOCUTHINKER_EMBEDDING_MODEL_DIR="$STAGE/model/opt/docuthinker/models/all-MiniLM-L6-v2" "$REPO/scripts/fetch-model" >/dev/null
DOCUTHINKER_GAZETTEER_DIR="$STAGE/model/opt/docuthinker/models/gazetteers" "$REPO/scripts/fetch-gazetteers" >/dev/null
# -- runtime stage: COPY --from=build, COPY --from=model, COPY scripts, RUN runtime-setup.sh --------
cp -a "$STAGE/build/." "$ROOT/"
cp -a "$STAGE/model/." "$ROOT/"
mkdir -p "$ROOT/usr/local/lib/docuthinker"
cp "$HERE/runtime-setup.sh" "$HERE/healthcheck.sh" "$ROOT/usr/local/lib/docuthinker/"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
log "runtime-setup.sh in the chroot (apt-get install of the runtime packages)"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /usr/local/lib/docuthinker/runtime-setup.sh >"$STAGE/runtime-setup.log" 2>&1 \
  || { tail -30 "$STAGE/runtime-setup.log"; fail "runtime-setup.sh"; }
PKGS="$(grep -m1 '^RUNTIME_PACKAGES=' "$HERE/runtime-setup.sh" | cut -d'"' -f2)"
log "installed: $PKGS"

# -- ldd inside the root ---------------------------------------------------------------------------
LDD="$(chroot "$ROOT" /usr/bin/ldd /usr/local/bin/docuthinker)"
if grep -q "not found" <<<"$LDD"; then
  grep "not found" <<<"$LDD" >&2; fail "ldd: missing libraries in the runtime root"
fi
SWIFT_OUTSIDE="$(grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime' <<<"$LDD" | grep -v '/usr/lib/swift/linux/' || true)"
[[ -z "$SWIFT_OUTSIDE" ]] || { echo "$SWIFT_OUTSIDE" >&2; fail "Swift libraries resolved outside /usr/lib/swift/linux"; }
log "ldd: $(grep -c '=>' <<<"$LDD") libraries resolved inside the root, none missing"
for lib in libpoppler-glib.so.8 libopenblas.so.0 libsqlite3.so.0 libz.so.1 libswiftCore.so libFoundation.so; do
  grep -q "$lib" <<<"$LDD" || fail "ldd does not list $lib"
done
# The OCR stage's programs: Tesseract with English and orientation data, and pdftoppm.
LANGS="$(chroot "$ROOT" /usr/bin/tesseract --list-langs 2>&1)" || fail "tesseract does not run in the runtime root"
grep -qx eng <<<"$LANGS" && grep -qx osd <<<"$LANGS" || fail "tesseract lacks eng/osd data: $LANGS"
chroot "$ROOT" /usr/bin/pdftoppm -v >/dev/null 2>&1 || fail "pdftoppm does not run in the runtime root"
log "OCR programs: tesseract ($(tr '\n' ' ' <<<"$LANGS" | sed 's/List of available languages[^:]*: //')), pdftoppm"

# -- run it as the Dockerfile does: ENV + USER + WORKDIR + ENTRYPOINT + CMD -----------------------
mapfile -t DENV < <(python3 - "$DOCKERFILE" <<'PY'
import re, shlex, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
stage = text.split("AS runtime", 1)[1]
for line in stage.splitlines():
    if line.startswith("ENV "):
        for item in shlex.split(line[4:]):
            print(item)
PY
)
read -r -a ENTRY < <(python3 -c 'import json,re,sys; t=open(sys.argv[1]).read(); print(" ".join(json.loads(re.search(r"^ENTRYPOINT (.*)$",t,re.M).group(1))+json.loads(re.search(r"^CMD (.*)$",t,re.M).group(1))))' "$DOCKERFILE")
USERSPEC="$(grep -m1 '^USER ' "$DOCKERFILE" | awk '{print $2}')"
WORKDIR_RT="$(awk '/AS runtime/{r=1} r && /^WORKDIR /{print $2; exit}' "$DOCKERFILE")"
log "running ${ENTRY[*]} as $USERSPEC in $WORKDIR_RT with ${DENV[*]}"
chroot --userspec="$USERSPEC" "$ROOT" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin "${DENV[@]}" \
  PORT="$PORT_UNDER_TEST" JWT_SECRET="verify-sh-secret-verify-sh-secret-0123456789" \
  /bin/sh -c "cd $WORKDIR_RT && exec \"\$@\"" docuthinker "${ENTRY[@]}" >"$STAGE/server.log" 2>&1 &
PID=$!
ok=""
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$PORT_UNDER_TEST/health" >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.1
done
[[ -n "$ok" ]] || { cat "$STAGE/server.log" >&2; fail "/health did not answer within 5 s"; }
log "/health: $(curl -fsS "http://127.0.0.1:$PORT_UNDER_TEST/health")  /health/ready: $(curl -fsS "http://127.0.0.1:$PORT_UNDER_TEST/health/ready")"
chroot --userspec="$USERSPEC" "$ROOT" /usr/bin/env -i PORT="$PORT_UNDER_TEST" /usr/local/lib/docuthinker/healthcheck.sh \
  || fail "HEALTHCHECK script failed"
log "HEALTHCHECK script: healthy"
# The embedding model loads from the image path (the server logs it, or the index endpoint would say unavailable).
if grep -qiE 'embedding.*(unavailable|not found|missing)' "$STAGE/server.log"; then
  grep -iE 'embedding' "$STAGE/server.log" >&2; fail "embedding model not loaded"
fi
# The entity extractor's gazetteers load from the image path (the server warns when they are missing).
if grep -q 'gazetteers missing' "$STAGE/server.log"; then
  grep 'gazetteers' "$STAGE/server.log" >&2; fail "gazetteers not found in the image"
fi
[[ -z "$(find "$ROOT/var/lib/docuthinker" -maxdepth 1 -name jwt-secret)" ]] || fail "jwt-secret written despite JWT_SECRET"
[[ "$(stat -c %u "$ROOT/var/lib/docuthinker/docuthinker.sqlite")" == "10001" ]] || fail "database not owned by the non-root user"
kill -TERM "$PID"
for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && fail "did not exit within 30 s of SIGTERM"
PID=""
head -1 "$STAGE/server.log" | python3 -c 'import json,sys; json.loads(sys.stdin.readline())' || fail "first log line is not JSON"
log "image size estimate: $(du -sh --exclude=proc --exclude=dev "$ROOT" | cut -f1) (minbase + runtime packages + binary + Swift libs + model)"

# -- lint ------------------------------------------------------------------------------------------
if command -v hadolint >/dev/null; then
  hadolint "$DOCKERFILE" || fail "hadolint"
  log "hadolint: clean"
else
  log "hadolint: not installed (not on PyPI nor in Debian bookworm) - Dockerfile lint skipped"
fi
log "PASS"
