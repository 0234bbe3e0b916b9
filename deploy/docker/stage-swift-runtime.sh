#!/usr/bin/env bash
# stage-swift-runtime.sh BINARY STAGE_DIR
# Copies the docuthinker binary to STAGE_DIR/usr/local/bin and exactly the Swift runtime shared
# libraries it links (every ldd-resolved path inside the Swift toolchain's lib/swift/linux) to
# STAGE_DIR/usr/lib/swift/linux, plus an ld.so.conf.d entry for them. Used by the Dockerfile's
# build stage and by verify.sh (same script, so the two cannot drift).
set -euo pipefail
BIN="$1"; STAGE="$2"
mkdir -p "$STAGE/usr/local/bin" "$STAGE/usr/lib/swift/linux" "$STAGE/etc/ld.so.conf.d"
install -m 0755 "$BIN" "$STAGE/usr/local/bin/docuthinker"
LIBS="$(ldd "$BIN" | awk '$3 ~ /\/lib\/swift\/linux\// {print $3}')"
if [[ -z "$LIBS" ]]; then
  echo "stage-swift-runtime: no Swift runtime libraries found by ldd (static stdlib?)" >&2
fi
for lib in $LIBS; do
  cp -L "$lib" "$STAGE/usr/lib/swift/linux/"
done
echo /usr/lib/swift/linux > "$STAGE/etc/ld.so.conf.d/swift.conf"
echo "stage-swift-runtime: $(echo "$LIBS" | grep -c . || true) Swift libraries staged"
