#!/usr/bin/env bash
# The protobuf contracts stay clean and backward-compatible: `buf lint`
# (STANDARD rules, buf.yaml at the top) and `buf breaking` against the
# previous commit (field numbers never reused, nothing removed or retyped).
# buf comes from the npm registry (@bufbuild/buf), installed once into
# .run/tools/buf. Exit 77 (skipped) when npm is not available.
set -euo pipefail
src=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
tools="$src/.run/tools/buf"
buf="$tools/node_modules/.bin/buf"
if [ ! -x "$buf" ]; then
    command -v npm >/dev/null 2>&1 || { echo "SKIP: npm is not installed"; exit 77; }
    mkdir -p "$tools"
    for attempt in 1 2 3; do
        (cd "$tools" && npm install --no-audit --no-fund --silent @bufbuild/buf@1.75.0) && break
        [ "$attempt" = 3 ] && { echo "FAIL: could not install @bufbuild/buf from the npm registry"; exit 1; }
        sleep $((attempt * 5))
    done
fi
cd "$src"
echo "buf $("$buf" --version): lint"
"$buf" lint || { echo "FAIL: buf lint"; exit 1; }
if git rev-parse --verify -q HEAD~1 >/dev/null; then
    echo "breaking changes against HEAD~1"
    "$buf" breaking --against ".git#ref=HEAD~1,subdir=proto" || { echo "FAIL: buf breaking"; exit 1; }
else
    echo "no previous commit: breaking check not applicable"
fi
echo "PASS: contracts lint clean and backward-compatible"
