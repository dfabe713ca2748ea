#!/usr/bin/env bash
# The protobuf contracts stay clean and backward-compatible: `buf lint`
# (STANDARD rules, buf.yaml at the top) and `buf breaking` (field numbers
# never reused, nothing removed or retyped) against what partners may
# already run:
#   - PATHWAYS_PROTO_BASE when set (a tag or commit), else
#   - the merge base with main (main, else origin/main) when HEAD is not on
#     main, and the last release tag (v*) before HEAD when there is one;
#   - on main before any release tag: the previous main commit (HEAD^1).
# No base to compare with fails the test (a shallow clone without main's
# history or the tags, for example: fetch them).
# buf comes from the npm registry (@bufbuild/buf), installed once into
# .run/tools/buf; a missing npm fails the test (deploy/local/install-deps
# installs it).
set -euo pipefail
src=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
tools="$src/.run/tools/buf"
buf="$tools/node_modules/.bin/buf"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
if [ ! -x "$buf" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is not installed (deploy/local/install-deps installs it)"
    mkdir -p "$tools"
    for attempt in 1 2 3; do
        (cd "$tools" && npm install --no-audit --no-fund --silent @bufbuild/buf@1.75.0) && break
        [ "$attempt" = 3 ] && fail "could not install @bufbuild/buf from the npm registry"
        sleep $((attempt * 5))
    done
fi
cd "$src"
echo "buf $("$buf" --version): lint"
"$buf" lint || fail "buf lint"

# --- the bases to compare with ----------------------------------------------------
head=$(git rev-parse --verify HEAD) || fail "not a git checkout: nothing to compare with"
bases=()
if [ -n "${PATHWAYS_PROTO_BASE:-}" ]; then
    b=$(git rev-parse --verify -q "${PATHWAYS_PROTO_BASE}^{commit}") ||
        fail "PATHWAYS_PROTO_BASE=$PATHWAYS_PROTO_BASE is not a commit here"
    bases+=("$PATHWAYS_PROTO_BASE=$b")
else
    main=""
    for ref in main origin/main; do
        if git rev-parse --verify -q "$ref^{commit}" >/dev/null; then
            main=$ref
            break
        fi
    done
    on_main=0
    if [ -n "$main" ] && mb=$(git merge-base HEAD "$main"); then
        if [ "$mb" = "$head" ]; then
            on_main=1
        else
            bases+=("merge base with $main=$mb")
        fi
    fi
    if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD^ 2>/dev/null); then
        bases+=("release $tag=$(git rev-parse "$tag^{commit}")")
    elif [ "$on_main" = 1 ] && prev=$(git rev-parse --verify -q HEAD^1); then
        echo "no release tag yet: comparing main with its previous commit"
        bases+=("previous main commit=$prev")
    fi
fi
if [ ${#bases[@]} -eq 0 ]; then
    shallow=$(git rev-parse --is-shallow-repository)
    fail "nothing to compare the contracts with: no merge base with main, no release tag (v*)" \
        "(shallow clone: $shallow; fetch main's history and the tags, or set PATHWAYS_PROTO_BASE)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for entry in "${bases[@]}"; do
    what=${entry%=*} commit=${entry##*=}
    mkdir -p "$work/$commit"
    git archive "$commit" proto | tar -x -C "$work/$commit" ||
        fail "cannot read proto/ at $what ($commit)"
    echo "breaking changes against the $what (${commit:0:12})"
    "$buf" breaking --against "$work/$commit/proto" || fail "buf breaking against the $what"
done
echo "PASS: contracts lint clean and backward-compatible"
