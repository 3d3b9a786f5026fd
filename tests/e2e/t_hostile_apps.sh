#!/usr/bin/env bash
# Hostile clients of the sample servers, all bounded in count and time, all inside the test's
# own lab (the lab host 10.0.0.1 and the peer namespace 10.0.0.3):
#  - idle flood: 60 idle connections to echo (7), 60 to discard (9) and 20 to chargen (19),
#    held open; a fresh curl of / is answered all the same (a cap per service, a socket table
#    sized so that the small services cannot take HTTP's sockets: svc.at_cap moves,
#    sock.table_full does not); with --idle-timeout 2, every idle echo and discard connection
#    is closed by the server within 12 s (three rounds of 24, the cap) and svc.idle_closed
#    counts them;
#  - slow readers: 60 clients pipeline 8 GETs of a 1 MiB file and read 4 KiB every 4 s; all 48
#    slots are theirs, yet a GET 4 s later is answered within 3 s (the reader furthest behind
#    the minimum rate makes room: http.slow_evicted), and with a 6 s window the readers are
#    closed (http.slow_closed);
#  - /status: the lab host and the peer (the stack's own subnet) may read it by default; with
#    --status-allow 10.0.0.1/32 the peer gets the very 404 of a missing file
#    (http.status_denied).
# RFC 9112 9.5 (a server may close idle connections), RFC 1122 1.2.2 (robustness).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

PEER_IP=${TS_PEER_IP%/*}
WWW=$TMP/www
mkdir -p "$WWW"
cp "$REPO"/apps/www/* "$WWW"/
head -c $((1024 * 1024)) /dev/urandom >"$WWW/big.bin"

part() {
    note "---- $* ($SECONDS s)"
}


# http_code FROM URL: the status code curl got (FROM: in_lab or in_peer), 3 s at most.
http_code() {
    "$1" curl -s -o "$TMP/body" -w '%{http_code}' --max-time 3 "$2"
}

SECONDS=0
lab_up

# ---- 1. idle flood, with the defaults --------------------------------------------------------

part "1. idle connections to echo, discard and chargen, defaults"
stack_start
in_lab ping -c 1 -W 2 -q "$STACK_IP" >/dev/null || note "warm-up ping got no reply"
stack_snapshot "$TMP/a0" >/dev/null || setup_fail "no stats from the stack"
check idle_flood.curl_answered_while_held timeout 30 ip netns exec "$TS_NS" "$PY" \
    "$PROBES/hostile_idle_flood.py" "$STACK_IP" 7:60,9:60,19:20 0
stack_snapshot "$TMP/a1" >/dev/null || note "stats snapshot failed"
check idle_flood.services_at_cap delta_is svc.at_cap -ge 2 "$TMP/a0" "$TMP/a1"
check idle_flood.socket_table_never_full delta_is sock.table_full -eq 0 "$TMP/a0" "$TMP/a1"
note "during the flood: $(moved "$TMP/a0" "$TMP/a1" svc.at_cap sock.table_full tcp.backlog_full)"

# ---- 3 (default). /status from the lab host and from the peer ----------------------------

status_ok_from() {
    local code
    code=$(http_code "$1" "http://$STACK_IP/status?format=text")
    echo "GET /status from $1: $code"
    [ "$code" = 200 ] && grep -q '^== TCP control blocks ==' "$TMP/body"
}
check status.default_lab_host_allowed status_ok_from in_lab
check status.default_peer_same_subnet_allowed status_ok_from in_peer
stack_stop TERM

# ---- 1b. idle flood, short idle timeout; 3. /status restricted ---------------------------------

part "1b. idle connections with --idle-timeout 2; /status for 10.0.0.1/32 only"
stack_start --idle-timeout 2 --status-allow 10.0.0.1/32
in_lab ping -c 1 -W 2 -q "$STACK_IP" >/dev/null || note "warm-up ping got no reply"
stack_snapshot "$TMP/b0" >/dev/null || setup_fail "no stats from the stack"
check idle_timeout.all_shed_within_12s timeout 30 ip netns exec "$TS_NS" "$PY" \
    "$PROBES/hostile_idle_flood.py" "$STACK_IP" 7:60,9:60 12
stack_snapshot "$TMP/b1" >/dev/null || note "stats snapshot failed"
check idle_timeout.counted delta_is svc.idle_closed -ge 120 "$TMP/b0" "$TMP/b1"

status_denied_peer() {
    local code missing
    code=$(http_code in_peer "http://$STACK_IP/status")
    cp "$TMP/body" "$TMP/status.peer"
    missing=$(http_code in_peer "http://$STACK_IP/no-such-file")
    echo "GET /status from the peer $PEER_IP: $code; GET /no-such-file: $missing"
    [ "$code" = 404 ] && [ "$missing" = 404 ] && cmp "$TMP/status.peer" "$TMP/body"
}
stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"
check status.allow_list_peer_gets_404 status_denied_peer
check status.allow_list_lab_host_allowed status_ok_from in_lab
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check status.denied_counted delta_is http.status_denied -eq 1 "$TMP/s0" "$TMP/s1"
stack_stop TERM

# ---- 2. slow readers -------------------------------------------------------------------------

part "2. 60 slow readers, --http-min-rate 1024,6"
stack_start --http-root "$WWW" --http-min-rate 1024,6
in_lab ping -c 1 -W 2 -q "$STACK_IP" >/dev/null || note "warm-up ping got no reply"
stack_snapshot "$TMP/r0" >/dev/null || setup_fail "no stats from the stack"
timeout 30 ip netns exec "$TS_NS" "$PY" "$PROBES/hostile_slow_readers.py" "$STACK_IP" \
    /big.bin 60 8 14 >"$TMP/readers.out" 2>&1 &
READERS_PID=$!
BG_PIDS+=("$READERS_PID")
sleep 4
legit_get() {
    local out
    out=$(in_lab curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 3 \
        "http://$STACK_IP/")
    echo "GET / while the slow readers hold the slots: ${out:-no answer}"
    [ "${out%% *}" = 200 ]
}
check slow_readers.legit_get_within_3s legit_get
stack_snapshot "$TMP/r1" >/dev/null || note "stats snapshot failed"
check slow_readers.slowest_evicted delta_is http.slow_evicted -ge 1 "$TMP/r0" "$TMP/r1"
wait "$READERS_PID"
stack_snapshot "$TMP/r2" >/dev/null || note "stats snapshot failed"
readers_closed() {
    local c x
    cat "$TMP/readers.out"
    c=$(sed -nE 's/^connected=([0-9]+) closed=([0-9]+)$/\1/p' "$TMP/readers.out")
    x=$(sed -nE 's/^connected=([0-9]+) closed=([0-9]+)$/\2/p' "$TMP/readers.out")
    [ "${c:-0}" -ge 48 ] && [ "${x:-0}" -ge 40 ]
}
check slow_readers.closed_by_the_server readers_closed
check slow_readers.slow_closed_counted delta_is http.slow_closed -ge 20 "$TMP/r0" "$TMP/r2"
note "slow readers: $(moved "$TMP/r0" "$TMP/r2" http.slow_closed http.slow_evicted \
    http.idle_evicted)"
stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0

part "done"
e2e_done
