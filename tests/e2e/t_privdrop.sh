#!/usr/bin/env bash
# Privilege drop (apps/privdrop.c): started as root, the stack opens the tap, its capture and
# its sockets, then runs as --user (default nobody): the kernel's account of the running process
# (/proc/PID/status) shows nobody's uid and gid in all four fields, no supplementary group and no
# capability, while ping, curl and nc still work and the capture and SIGUSR1 snapshots (opened
# before the drop) still come out. A document root inside a directory closed to nobody is still
# served (its descriptor is opened before the drop); one closed to nobody itself is an error at
# start. --user root keeps root and says so; an unknown user is a one-line error; --user without
# root is a note.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)

lab_up

# status_is PID UID GID CAPS_ZERO(1|0): Uid and Gid lines (real, effective, saved, fs) all UID
# and GID, Groups empty, CapEff and CapPrm zero (or, with 0, not both zero).
status_is() {
    local pid=$1 uid=$2 gid=$3 zero=$4
    grep -E '^(Uid|Gid|Groups|CapEff|CapPrm):' "/proc/$pid/status"
    awk -v u="$uid" -v g="$gid" -v z="$zero" '
        /^Uid:/ { for (i = 2; i <= 5; i++) if ($i != u) bad = 1; seen++ }
        /^Gid:/ { for (i = 2; i <= 5; i++) if ($i != g) bad = 1; seen++ }
        /^Groups:/ { if (z == 1 && NF != 1) bad = 1; seen++ }
        /^Cap(Eff|Prm):/ { if ($2 !~ /^0+$/) caps = 1; seen++ }
        END { if (seen != 5 || bad || (z == 1 && caps) || (z == 0 && !caps)) exit 1 }' \
        "/proc/$pid/status"
}

# --- the default: root, then nobody ---
stack_start

ready_says_nobody() {
    grep -F 'tapstack: ready' "$TMP/stack.out"
    grep -q 'tapstack: ready on .* user nobody (root dropped)$' "$TMP/stack.out"
}
check privdrop.ready_line_says_nobody ready_says_nobody
check privdrop.runs_as_nobody_without_caps status_is "$STACK_PID" "$NOBODY_UID" "$NOBODY_GID" 1
check privdrop.ping in_lab ping -c 3 -i 0.2 -W 2 "$STACK_IP"

curl_index() { # URL WANT_FILE: the body is exactly WANT_FILE
    in_lab curl -sS --max-time 10 -o "$TMP/body" -w '%{http_code}\n' "$1" &&
        cmp "$TMP/body" "$2"
}
check privdrop.curl_index curl_index "http://$STACK_IP/" "$REPO/apps/www/index.html"

nc_echo() {
    local got
    got=$(printf 'privdrop line\n' | in_lab nc -q 1 -w 5 "$STACK_IP" 7)
    echo "echoed: '$got'"
    [ "$got" = "privdrop line" ]
}
check privdrop.nc_tcp_echo nc_echo

# SIGUSR1 writes to stdout, opened by the shell before the drop.
snapshot_after_drop() {
    stack_snapshot "$TMP/snap" && stat_get "$TMP/snap" rss_kb
}
check privdrop.sigusr1_snapshot snapshot_after_drop

stack_stop TERM
check privdrop.sigterm_exit_0 test "$STACK_RC" -eq 0
# The capture was opened as root: nobody still wrote the frames of the checks above into it.
capture_written() {
    local n
    n=$(pcap_count "$TMP/cap.pcap" 'icmp.type == 0 && ip.src == 10.0.0.2')
    echo "$n echo replies in the capture"
    [ "$n" -ge 3 ]
}
check privdrop.capture_written_after_drop capture_written

# --- a document root whose parents nobody cannot enter (a clone under /root): served ---
mkdir -p "$TMP/closed/www"
chmod 700 "$TMP/closed"
cp "$REPO/apps/www/index.html" "$TMP/closed/www/"
chmod 755 "$TMP/closed/www"
chmod 644 "$TMP/closed/www/index.html"
stack_start --http-root "$TMP/closed/www"
check privdrop.root_behind_closed_dir_served curl_index "http://$STACK_IP/" \
    "$TMP/closed/www/index.html"
stack_stop TERM

# start_fails NAME ARGS...: the stack exits non-zero at start (10 s at most), without a ready
# line, with exactly one line on stderr; that line is in $TMP/NAME.err.
start_fails() {
    local name=$1 rc
    shift
    timeout 10 ip netns exec "$TS_NS" "$TAPSTACK" --tap "$TS_TAP" --ip "$STACK_IP/24" \
        --gw "$HOST_IP" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
    echo "exit status $rc; stderr:"
    cat "$TMP/$name.err"
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$(wc -l <"$TMP/$name.err")" -eq 1 ] &&
        ! grep -q 'tapstack: ready' "$TMP/$name.out"
}

# --- a document root closed to nobody itself: a clear error at start ---
closed_root() {
    mkdir -p "$TMP/www700"
    cp "$REPO/apps/www/index.html" "$TMP/www700/"
    chmod 700 "$TMP/www700"
    start_fails www700 --http-root "$TMP/www700" &&
        grep -q "document root $TMP/www700: not readable by uid $NOBODY_UID" "$TMP/www700.err"
}
check privdrop.unreadable_root_is_an_error closed_root

# --- an unknown user: one line, non-zero, before anything is opened ---
unknown_user() {
    start_fails nouser --user nosuchuser && grep -q -- '--user nosuchuser: no such user' \
        "$TMP/nouser.err"
}
check privdrop.unknown_user_is_an_error unknown_user

# --- --user root: root kept, and the ready line says so ---
stack_start --user root
root_kept() {
    grep -F 'tapstack: ready' "$TMP/stack.out"
    grep -q 'tapstack: ready on .* user root (uid 0: --user kept root)$' "$TMP/stack.out" &&
        status_is "$STACK_PID" 0 0 0
}
check privdrop.user_root_keeps_root root_kept
check privdrop.user_root_ping in_lab ping -c 1 -W 2 "$STACK_IP"
stack_stop TERM

# --- not root: --user is a note, and nothing else changes (--loopback needs no tap) ---
not_root_note() {
    local as=(setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups --inh-caps=-all
        --bounding-set=-all --no-new-privs --) bin=$TAPSTACK rc
    if ! "${as[@]}" test -x "$bin"; then
        mkdir -p "$TMP/bin"
        cp "$TAPSTACK" "$TMP/bin/tapstack"
        chmod 755 "$TMP/bin" "$TMP/bin/tapstack"
        bin=$TMP/bin/tapstack
    fi
    (cd / && timeout 10 "${as[@]}" "$bin" --loopback --user root) >"$TMP/norot.out" \
        2>"$TMP/norot.err"
    rc=$?
    echo "exit status $rc"
    cat "$TMP/norot.err"
    grep '^tapstack: user' "$TMP/norot.out"
    [ "$rc" -eq 0 ] &&
        grep -q 'note: not started as root, so --user root is ignored' "$TMP/norot.err" &&
        grep -q "^tapstack: user uid $NOBODY_UID (not started as root)" "$TMP/norot.out"
}
check privdrop.user_without_root_is_a_note not_root_note

e2e_done
