#!/usr/bin/env bash
# `make vectors`: regenerate every replay vector into a temporary directory, check each
# expected capture against its assertions, show what changed against the files in pcap/
# (a decoded vecdiff for expected captures), and copy the changes into pcap/ only with
# FORCE=1. New vectors (no file in pcap/ yet) are written without FORCE.
#
#   tests/replay/vectors.sh            show changes, write nothing that exists
#   FORCE=1 tests/replay/vectors.sh    also overwrite the changed files in pcap/
#
# The generators (tests/replay/gen_*.py) build expected captures from the RFC rules and
# never run the stack. After FORCE=1, review with `git diff --stat pcap/` and tick the
# vector's box in pcap/README.md (docs/replay.md "Adding a vector").
set -u
cd "$(dirname "$0")/../.."

PY=/usr/bin/python3
HERE=tests/replay
FORCE=${FORCE:-0}
TMP=$(mktemp -d /tmp/tapstack-vectors.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
NEW=$TMP/new                 # the regenerated vectors
mkdir -p "$NEW"
status=0

for g in $HERE/gen_*.py; do
    if ! $PY "$g" --out "$NEW" >"$TMP/gen.log" 2>&1; then
        echo "vectors: $g failed:"
        sed 's/^/  /' "$TMP/gen.log"
        exit 1
    fi
done

# Every expected capture must satisfy its own assertions (the generators check this too).
if ! $PY $HERE/check_assert.py --dir "$NEW" >"$TMP/assert.log" 2>&1; then
    grep -v '^ok ' "$TMP/assert.log"
    echo "vectors: an expected capture breaks its assertions; nothing written"
    exit 1
fi
tail -n 1 "$TMP/assert.log"

changed=()       # files that exist in pcap/ and differ
added=()         # files that do not exist in pcap/ yet
for f in "$NEW"/*; do
    b=$(basename "$f")
    if ! [ -e "pcap/$b" ]; then
        added+=("$b")
    elif ! cmp -s "$f" "pcap/$b"; then
        changed+=("$b")
    fi
done

for b in "${changed[@]+"${changed[@]}"}"; do
    echo
    echo "=== changed: pcap/$b"
    case $b in
    *.expected.pcap)
        n=${b%.expected.pcap}
        $PY $HERE/vecdiff.py "$NEW/$b" "pcap/$b" --in "$NEW/$n.in.pcap" --all \
            --labels new,committed | sed 's/^/  /'
        ;;
    *.in.pcap)
        $PY $HERE/vecdiff.py "$NEW/$b" "pcap/$b" --all --labels new,committed | sed 's/^/  /'
        ;;
    *)
        diff -u "pcap/$b" "$NEW/$b" | sed 's/^/  /'
        ;;
    esac
done

# Vectors in pcap/ that no generator makes any more (remove them with git rm).
for f in pcap/*.in.pcap; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .in.pcap)
    [ -e "$NEW/$n.in.pcap" ] || echo "vectors: pcap/$n.* is made by no generator (git rm it?)"
done

# Every vector needs its line (and review box) in pcap/README.md.
for f in "$NEW"/*.in.pcap; do
    n=$(basename "$f" .in.pcap)
    if ! grep -q "\`$n\`" pcap/README.md 2>/dev/null; then
        echo "vectors: pcap/README.md has no line for $n; add:"
        for g in $HERE/gen_*.py; do $PY "$g" --list "$n"; done | sed 's/^/  /'
        status=1
    fi
done

for b in "${added[@]+"${added[@]}"}"; do
    cp "$NEW/$b" "pcap/$b"
    echo "vectors: new pcap/$b"
done
if [ ${#changed[@]} -gt 0 ]; then
    if [ "$FORCE" = 1 ]; then
        for b in "${changed[@]}"; do
            cp "$NEW/$b" "pcap/$b"
            echo "vectors: overwrote pcap/$b"
        done
        echo "vectors: review the change (git diff --stat pcap/) and re-tick its box in pcap/README.md"
    else
        echo
        echo "vectors: ${#changed[@]} committed file(s) would change (above); nothing overwritten."
        echo "vectors: if the change is right, run: make vectors FORCE=1"
        status=1
    fi
else
    echo "vectors: pcap/ is up to date with the generators (${#added[@]} new file(s) written)"
fi
exit $status
