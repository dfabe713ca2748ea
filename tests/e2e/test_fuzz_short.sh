#!/usr/bin/env bash
# The short fuzzing run in the suite: replays every seed and regression input
# of tests/fuzz/ and fuzzes each harness for a few seconds (about 28 s in
# all). The harnesses are built with clang into this build tree's
# fuzz-build/ folder, so two build trees never share one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PATHWAYS_FUZZ_BUILD="${PATHWAYS_BIN:?run through ctest}/../fuzz-build"
exec "$here/../fuzz/run" --short
