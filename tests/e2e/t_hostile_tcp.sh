#!/usr/bin/env bash
# Hostile TCP peers (issue: no stalled connection lives forever, no peer dictates a segment size
# the stack cannot send or a tiny one that costs 40 bytes of header per byte):
#  1. zero-window orphans: four scapy clients at 10.0.0.5 ask HTTP for a page, never read, and
#     ACK every zero-window probe (hostile_tcp_orphans.py). HTTP gives up and closes; with
#     --tcp-orphan-timeout 3 and --tcp-max-orphans 2 the oldest two are reset at once past the
#     cap (tcp.orphan_overflow) and the others within the timeout (tcp.orphan_timeout); the
#     control blocks are free again and the socket dump shows none of them.
#  2. a peer with MSS 8960 (the lab's kernel, route advmss 8960; the tap stays at 1500 bytes)
#     downloads 1 MiB over HTTP completely: segments of at most 1460 bytes, nothing dropped as
#     too big (ipv4.too_big), no segment lost on the way down (tcp.tx_fail).
#  3. a SYN announcing MSS 1 (hostile_mss_tiny.py): 48-byte segments, tcp.mss_clamped counted.
# RFC 9293 3.7.1 and 3.8.6.1, RFC 1122 4.2.2.6 and 4.2.2.17, RFC 6691; Linux tcp_orphan_retries,
# tcp_max_orphans, tcp_min_snd_mss (CVE-2019-11479).
# shellcheck source=lib/lib.sh disable=SC2317 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/tcplib.sh
. "$(dirname "$0")/lib/tcplib.sh"

ORPHAN_TIMEOUT=3
mkdir -p "$TMP/www"
head -c 1048576 /dev/urandom >"$TMP/www/big.bin"
echo '<html><body>hostile tcp test</body></html>' >"$TMP/www/index.html"
chmod -R a+rX "$TMP/www"

lab_up
stack_start --http-root "$TMP/www" --http-idle-timeout 2 \
    --tcp-orphan-timeout "$ORPHAN_TIMEOUT" --tcp-max-orphans 2
stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"

# -- 1. zero-window orphans ---------------------------------------------------------------------
# HTTP lingers 2 s after its response (or times out after 2 s), then the orphan gets 3 s: 12 s
# is a bound with room for a loaded machine, far below "forever".
check tcp.hostile.zero_window_orphans_reset probe hostile_tcp_orphans.py 4 12
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check stats.orphan_overflow delta_is tcp.orphan_overflow -ge 1 "$TMP/s0" "$TMP/s1"
check stats.orphan_timeout delta_is tcp.orphan_timeout -ge 1 "$TMP/s0" "$TMP/s1"
orphans_all_counted() {
    local o t
    o=$(($(stat_get "$TMP/s1" tcp.orphan_overflow) - $(stat_get "$TMP/s0" tcp.orphan_overflow)))
    t=$(($(stat_get "$TMP/s1" tcp.orphan_timeout) - $(stat_get "$TMP/s0" tcp.orphan_timeout)))
    echo "reset past the cap: $o, reset by the timeout: $t (want 4 in all)"
    [ $((o + t)) -eq 4 ]
}
check stats.orphans_all_counted orphans_all_counted
check tcp.orphan_blocks_free delta_is tcp_state.all -eq 0 "$TMP/s0" "$TMP/s1"
check tcp.no_orphans_left test "$(stat_get "$TMP/s1" tcp_orphans)" -eq 0
no_orphan_in_dump() {
    local dump
    dump=$(awk '/^--- sockets ---$/ { buf = ""; inb = 1; next }
                /^--- end sockets ---$/ { if (inb) last = buf; inb = 0; next }
                inb { buf = buf $0 "\n" }
                END { printf "%s", last }' "$TMP/stack.out")
    echo "last socket dump:"
    echo "$dump"
    ! grep -q '10\.0\.0\.5:' <<<"$dump"
}
check tcp.orphans_gone_from_socket_dump no_orphan_in_dump

# -- 2. a peer announcing MSS 8960 --------------------------------------------------------------
download_big() {
    local got=$TMP/got.bin
    in_lab ip route add "$STACK_IP/32" dev "$TS_BR" src "$HOST_IP" advmss 8960 || return 1
    in_lab ip route get "$STACK_IP"
    in_lab curl -sS --max-time 20 -o "$got" "http://$STACK_IP/big.bin"
    local rc=$?
    in_lab ip route del "$STACK_IP/32" dev "$TS_BR"
    echo "curl exit status $rc; $(stat -c %s "$got" 2>/dev/null || echo 0) bytes"
    [ "$rc" -eq 0 ] && cmp "$got" "$TMP/www/big.bin"
}
check tcp.mss_8960_download_1mib download_big
stack_snapshot "$TMP/s2" >/dev/null || note "stats snapshot failed"
check stats.mss_8960_no_too_big delta_is ipv4.too_big -eq 0 "$TMP/s1" "$TMP/s2"
check stats.mss_8960_no_tx_fail delta_is tcp.tx_fail -eq 0 "$TMP/s1" "$TMP/s2"

# -- 3. MSS 1 -----------------------------------------------------------------------------------
check tcp.hostile.mss_1_floored probe hostile_mss_tiny.py 1 48
stack_snapshot "$TMP/s3" >/dev/null || note "stats snapshot failed"
check stats.mss_clamped delta_is tcp.mss_clamped -eq 1 "$TMP/s2" "$TMP/s3"
check pkb.in_use_back delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s3"

stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
check pcap.hostile_tcp_clean tcp_pcap_clean "$TMP/cap.pcap"
syn_mss_8960_seen() {
    local syn big
    syn=$(pcap_count "$TMP/cap.pcap" "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.options.mss_val == 8960")
    big=$(pcap_count "$TMP/cap.pcap" "eth.src == $STACK_MAC && tcp.len > 1460")
    echo "SYNs announcing MSS 8960: $syn; segments from the stack above 1460 bytes: $big"
    [ "$syn" -ge 1 ] && [ "$big" -eq 0 ]
}
check pcap.mss_8960_syn_and_no_big_segment syn_mss_8960_seen

e2e_done
