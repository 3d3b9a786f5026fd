#!/usr/bin/env bash
# TCP with real clients from the lab's kernel: nc and socat move 10 MB through the echo server
# and get identical bytes back; 10 MB of chargen read and checked line by line (RFC 864); 10 MB
# into discard with a clean close; telnet to the echo port; nmap -sS over ports 1-1024 finds
# exactly 7, 9, 19 and 80 open and the rest closed. Then the stack as a client (--connect) to
# nc -l, and 100 connections opened at once (tcp_many.py) against a stack with --msl 500:
# afterwards only LISTEN and TIME-WAIT control blocks remain, and the TIME-WAITs expire after
# 2*MSL. Counters, no pkb left, tshark over each capture (no malformed frame, no bad checksum;
# one kernel quirk excepted, see tcplib.sh).
# RFC 9293, RFC 862/863/864, RFC 6298 (no timeouts on a clean link), RFC 9112 9.6.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/tcplib.sh
. "$(dirname "$0")/lib/tcplib.sh"

SIZE=$((10 * 1024 * 1024))
T=30                                     # any one transfer, seconds

head -c "$SIZE" /dev/urandom >"$TMP/in.bin"

lab_up
stack_start
stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"

# timed NAME CMD...: run CMD, note how long it took (on stderr: stdout may be redirected).
timed() {
    local name=$1 t0 t1 rc
    shift
    t0=$(date +%s.%N)
    "$@"
    rc=$?
    t1=$(date +%s.%N)
    echo "$name: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s (status $rc)" >&2
    return "$rc"
}

nc_echo_10mb() {
    timed "nc -N, 10 MB to echo and back" \
        timeout "$T" ip netns exec "$TS_NS" nc -N "$STACK_IP" 7 <"$TMP/in.bin" >"$TMP/nc.out"
    ls -l "$TMP/nc.out"
    cmp "$TMP/in.bin" "$TMP/nc.out" && rm -f "$TMP/nc.out"
}
check tcp.nc_echo_10mb_identical nc_echo_10mb

socat_echo_10mb() {
    # -t: after our EOF, wait this long for the rest of the echo (default 0.5 s is too short)
    timed "socat, 10 MB to echo and back" \
        timeout "$T" ip netns exec "$TS_NS" socat -t "$T" STDIO "TCP:$STACK_IP:7" \
        <"$TMP/in.bin" >"$TMP/socat.out"
    ls -l "$TMP/socat.out"
    cmp "$TMP/in.bin" "$TMP/socat.out" && rm -f "$TMP/socat.out"
}
check tcp.socat_echo_10mb_identical socat_echo_10mb
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check stats.echo_no_resets delta_is tcp.rst_in -eq 0 "$TMP/s0" "$TMP/s1"
check stats.echo_no_rst_out delta_is tcp.rst_out -eq 0 "$TMP/s0" "$TMP/s1"

# RFC 864: lines of 72 printing characters and CRLF, each starting one character further along
# a ring of printing characters (94 without space, as tapstack does, or 95 with it, as BSD's
# inetd does). The last line may be cut by head -c.
chargen_10mb() {
    timeout "$T" ip netns exec "$TS_NS" nc -d "$STACK_IP" 19 | head -c "$SIZE" >"$TMP/chargen.out"
    ls -l "$TMP/chargen.out"
    [ "$(stat -c %s "$TMP/chargen.out")" -eq "$SIZE" ] || { echo "short read"; return 1; }
    timeout 60 "$PY" - "$TMP/chargen.out" <<'EOF' || return 1
import sys
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\r\n")
full, last = lines[:-1], lines[-1]


def judge(ring):
    """None if every line follows the pattern on this ring, else what is wrong."""
    if not full or len(full[0]) != 72 or full[0][0] not in ring:
        return "first line %r is not 72 characters of the ring" % lines[0][:80]
    start = ring.index(full[0][0])

    def want(i):
        return bytes(ring[(start + i + k) % len(ring)] for k in range(72))
    for i, ln in enumerate(full):
        if ln != want(i):
            return "line %d (offset %d) is %r, want %r" % (i, i * 74, ln[:80], want(i))
    if not want(len(full)).startswith(last):
        return "the cut last line %r is not a prefix of the pattern" % last
    return None


why = {}
for ring in (bytes(range(33, 127)), bytes(range(32, 127))):
    why[len(ring)] = judge(ring)
    if why[len(ring)] is None:
        print("%d full lines of 72 characters + CRLF, ring of %d, then %d bytes of the next" %
              (len(full), len(ring), len(last)))
        sys.exit(0)
sys.exit("not the RFC 864 pattern: ring of 94: %s; ring of 95: %s" % (why[94], why[95]))
EOF
    rm -f "$TMP/chargen.out"
}
check tcp.chargen_10mb_rfc864_lines chargen_10mb

discard_10mb() {
    stack_snapshot "$TMP/d0" >/dev/null || return 1
    head -c "$SIZE" /dev/zero |
        timed "nc -N, 10 MB into discard" timeout "$T" ip netns exec "$TS_NS" nc -N "$STACK_IP" 9 ||
        return 1
    stack_snapshot "$TMP/d1" >/dev/null || return 1
    # Everything was read: the server closed with a FIN, never a RST (RFC 1122 4.2.2.13).
    delta_is tcp.rst_out -eq 0 "$TMP/d0" "$TMP/d1" &&
        delta_is tcp.rst_unread -eq 0 "$TMP/d0" "$TMP/d1" &&
        delta_is tcp.data_in -ge $((SIZE / 1460)) "$TMP/d0" "$TMP/d1"
}
check tcp.discard_10mb_clean_close discard_10mb

# telnet scripted by a here-doc; the sleep keeps stdin open until the echo is back.
telnet_echo() {
    local out
    out=$({
        cat <<'EOF'
hello through telnet
EOF
        sleep 1
    } | timeout 10 ip netns exec "$TS_NS" telnet "$STACK_IP" 7 2>&1)
    echo "$out"
    grep -q "^Connected to $STACK_IP" <<<"$out" && grep -q '^hello through telnet' <<<"$out"
}
check tcp.telnet_echo telnet_echo

# head -c closes the chargen reader early: the kernel's RST ends that connection (rst_in +1).
stack_snapshot "$TMP/s2" >/dev/null || note "stats snapshot failed"
check stats.no_retransmission_timeouts_clean_link delta_is tcp.rexmit -eq 0 "$TMP/s0" "$TMP/s2"
check stats.no_fast_retransmits_clean_link delta_is tcp.fast_rexmit -eq 0 "$TMP/s0" "$TMP/s2"

nmap_ports() {
    local out open closed
    out=$(timeout 120 ip netns exec "$TS_NS" nmap -n -Pn -sS -T4 -p 1-1024 -oG - "$STACK_IP" 2>&1)
    grep -E 'Ports:|Status' <<<"$out"
    open=$(grep -o '[0-9]*/open/tcp' <<<"$out" | cut -d/ -f1 | sort -n | tr '\n' ' ')
    closed=$(grep -o 'Ignored State: closed ([0-9]*)' <<<"$out" | grep -o '[0-9]*')
    echo "open: $open; closed: ${closed:-?}"
    [ "$open" = "7 9 19 80 " ] && [ "${closed:-0}" -eq 1020 ]
}
check tcp.nmap_syn_scan_open_7_9_19_80 nmap_ports

stack_snapshot "$TMP/s3" >/dev/null || note "stats snapshot failed"
pcbs_listen_only() {
    grep '^tcp_state\.' "$TMP/s3" | grep -v ' 0$'
    [ "$(stat_get "$TMP/s3" tcp_state.all)" -eq "$(stat_get "$TMP/s3" tcp_state.LISTEN)" ] &&
        [ "$(stat_get "$TMP/s3" tcp_state.LISTEN)" -eq 4 ]
}
check tcp.after_clients_only_listeners pcbs_listen_only
check pkb.in_use_back_after_clients delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s3"

stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
mv "$TMP/cap.pcap" "$TMP/cap.clients.pcap"
check pcap.clients_clean tcp_pcap_clean "$TMP/cap.clients.pcap"
rm -f "$TMP/in.bin"

# --connect: the stack is the client, nc -l in the lab the server. A plain background command
# (not a function: that subshell would inherit lib.sh's traps).
connect_to_nc() {
    local ncpid i rc
    printf 'hello from nc in the lab\n' >"$TMP/answer.txt"
    timeout 20 ip netns exec "$TS_NS" nc -N -l 8000 <"$TMP/answer.txt" >"$TMP/nc-server.out" &
    ncpid=$!
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$TS_NS" ss -ltn 2>/dev/null | grep -q ':8000 ' && break
        sleep 0.05
    done
    stack_start --connect "$HOST_IP:8000" --send "hello from tapstack's client"
    for ((i = 0; i < 300; i++)); do
        stack_alive || break
        sleep 0.05
    done
    stack_stop TERM
    rc=$STACK_RC
    wait "$ncpid"
    echo "stack exit status $rc; nc -l got: '$(cat "$TMP/nc-server.out")'"
    grep '^client:' "$TMP/stack.out"
    [ "$rc" -eq 0 ] &&
        grep -q 'client: received [0-9]* bytes: hello from nc in the lab' "$TMP/stack.out" &&
        grep -q 'client: server closed' "$TMP/stack.out" &&
        [ "$(cat "$TMP/nc-server.out")" = "hello from tapstack's client" ]
}
check tcp.connect_client_to_nc connect_to_nc
if [ -s "$TMP/cap.pcap" ]; then mv "$TMP/cap.pcap" "$TMP/cap.connect.pcap"; fi
check pcap.connect_clean tcp_pcap_clean "$TMP/cap.connect.pcap"

# 100 connections at once against a stack whose TIME-WAIT is 2 * 500 ms.
# (One ping first: a fresh stack has not resolved 10.0.0.1 yet, and its ARP queue holds only 4
# packets per address, so a burst of 100 SYN-ACKs would otherwise wait for SYN retransmissions.)
stack_start --msl 500
in_lab ping -c 1 -W 2 -q "$STACK_IP" >/dev/null || note "warm-up ping got no reply"
stack_snapshot "$TMP/m0" >/dev/null || note "stats snapshot failed"
check tcp.100_connections_at_once probe tcp_many.py 100 20
stack_snapshot "$TMP/m1" >/dev/null || note "stats snapshot failed"
# The echo listener's backlog is 32: SYNs beyond it are dropped and come again 1 s later.
note "SYNs dropped with the backlog full: $(stat_get "$TMP/m1" tcp.backlog_full)," \
    "accept() refused with the socket table full: $(stat_get "$TMP/m1" sock.table_full)"
only_time_wait_left() {
    grep '^tcp_state\.' "$TMP/m1" | grep -v ' 0$'
    local all listen tw
    all=$(stat_get "$TMP/m1" tcp_state.all)
    listen=$(stat_get "$TMP/m1" tcp_state.LISTEN)
    tw=$(stat_get "$TMP/m1" tcp_state.TIME-WAIT)
    echo "control blocks: $all in use, $listen LISTEN, $tw TIME-WAIT (the HTTP half closes first)"
    [ "$listen" -eq 4 ] && [ "$tw" -ge 1 ] && [ "$all" -eq $((listen + tw)) ]
}
check tcp.100_only_time_wait_left only_time_wait_left
time_wait_expires() {
    local i all
    for ((i = 0; i < 40; i++)); do
        sleep 0.1
        stack_snapshot "$TMP/m2" >/dev/null || return 1
        all=$(stat_get "$TMP/m2" tcp_state.all)
        [ "$all" -eq 4 ] && break
    done
    echo "after $(((i + 1) * 100)) ms: $all control blocks," \
        "$(stat_get "$TMP/m2" tcp_state.TIME-WAIT) in TIME-WAIT"
    [ "$all" -eq 4 ] && [ "$(stat_get "$TMP/m2" tcp_state.LISTEN)" -eq 4 ]
}
check tcp.100_time_wait_expires_after_2msl time_wait_expires
check stats.100_no_resets delta_is tcp.rst_out -eq 0 "$TMP/m0" "$TMP/m2"
check stats.100_sockets_closed delta_is sock.closed -ge 100 "$TMP/m0" "$TMP/m2"
check pkb.in_use_back_after_100 delta_is pkb.in_use -eq 0 "$TMP/m0" "$TMP/m2"
stack_stop TERM
check stack.msl_run_sigterm_exit_0 test "$STACK_RC" -eq 0
check pcap.100_connections_clean tcp_pcap_clean "$TMP/cap.pcap"

e2e_done
