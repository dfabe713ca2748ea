# shellcheck shell=bash
# A free block of loopback ports for one test, chosen at run time: the e2e
# tests and the fault suite bind every service at PATHWAYS_PORT_BASE + N, so
# a fixed block fails with "Address already in use" whenever anything else on
# the machine holds one of its ports.
#
#   source tests/lib/ports.sh
#   pw_claim_port_block        # PATHWAYS_PORT_BASE is now a free block
#
# The block ctest assigns (PATHWAYS_PORT_BASE) is only where the search
# starts. A block is taken when every port in it can be bound on 127.0.0.1
# and no other test holds its lock (a flock on a file in
# PATHWAYS_PORT_LOCK_DIR, default /tmp/pathways-ports, kept until this shell
# and every process it started have exited), so tests of several build trees
# and `ctest -j` never share a block. What remains is the moment between the
# probe and the services' bind, in which a process that takes no lock could
# still take a port.

# Ports per block (a test uses base+0 .. base+99) and blocks tried.
PW_PORT_BLOCK_SIZE=100
PW_PORT_BLOCK_TRIES=200

# _pw_block_bindable BASE: true when every port of the block binds on
# 127.0.0.1 (with SO_REUSEADDR, as ZeroMQ binds, so TIME_WAIT does not count).
_pw_block_bindable() {
    python3 - "$1" "$PW_PORT_BLOCK_SIZE" <<'EOF'
import socket, sys
base, size = int(sys.argv[1]), int(sys.argv[2])
for port in range(base, base + size):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
EOF
}

# pw_claim_port_block: moves PATHWAYS_PORT_BASE (exported) to the first free,
# unlocked block at or after its value and holds that block's lock. Calling
# it again keeps the block already held. Returns 1, with a message, when no
# block is free.
pw_claim_port_block() {
    local start=${PATHWAYS_PORT_BASE:?pw_claim_port_block: PATHWAYS_PORT_BASE is not set}
    local dir=${PATHWAYS_PORT_LOCK_DIR:-/tmp/pathways-ports} base try fd lock
    [ -z "${PW_PORT_BLOCK_FD:-}" ] || return 0
    # Shared by every user of the machine: sticky and world-writable, like /tmp.
    [ -d "$dir" ] || mkdir -m 1777 "$dir" 2>/dev/null || [ -d "$dir" ] ||
        { echo "pw_claim_port_block: cannot create $dir" >&2 && return 1; }
    for ((try = 0; try < PW_PORT_BLOCK_TRIES; try++)); do
        base=$((start + try * PW_PORT_BLOCK_SIZE))
        [ $((base + PW_PORT_BLOCK_SIZE)) -le 65000 ] || break
        lock="$dir/$base.lock"
        [ -e "$lock" ] || (umask 0 && : >>"$lock") 2>/dev/null || true
        # In braces: a redirection on exec itself would send the test's
        # stderr to /dev/null for good (and every FAIL message with it).
        { exec {fd}<"$lock"; } 2>/dev/null || continue
        if flock -n "$fd" && _pw_block_bindable "$base"; then
            PW_PORT_BLOCK_FD=$fd
            export PATHWAYS_PORT_BASE=$base
            [ "$base" = "$start" ] ||
                echo "ports: block $start is in use; using $base..$((base + PW_PORT_BLOCK_SIZE - 1))"
            return 0
        fi
        exec {fd}<&-
    done
    echo "pw_claim_port_block: no free block of $PW_PORT_BLOCK_SIZE ports from $start" >&2
    return 1
}

# pw_free_port FROM TO: prints the first port of FROM..TO nothing accepts
# connections on (for a server a test starts inside its block, such as a
# private PostgreSQL cluster). Returns 1, with a message, when none is.
pw_free_port() {
    local p
    for p in $(seq "$1" "$2"); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "pw_free_port: no free port in $1..$2" >&2
    return 1
}
