#!/usr/bin/env bash
# HTTP end to end (apps/http.c on tapstack, 10.0.0.2:80): curl GET/HEAD/404, connection reuse
# across two URLs, a 10 MB file streamed intact in bounded memory, wget, HTTP/1.0 with and
# without keep-alive, pipelining in one write (nc and a framing-exact client), idle and
# half-request timeouts, every bad-input status (400, 405 + Allow, 413, 414, 431, 501, 505,
# path traversal raw and encoded), ab -n 5000 -c 50 with no failure, wrk with and without
# keep-alive, 200 idle connections shed while a fresh curl is answered, /status (HTML, text,
# HEAD), no socket or pkb left behind, a clean exit and a clean capture.
# T_HTTP_SERVER=host runs the same checks against http-host, the same server on the Linux
# kernel, in the peer namespace (10.0.0.3): the reference behaviour, and a way to run this file
# before the stack serves TCP. /status is then a 404 with a note, as on any kernel.
# T_HTTP_STACK_ARGS: more tapstack options (e.g. "--msl 1000" for a short TIME-WAIT).
# The checks that close many connections from the server's side (ab without keep-alive, wrk
# with Connection: close, shedding 200 idle connections) run last: each leaves a TIME-WAIT
# control block in the server's TCP for 2*MSL.
# RFC 9110, RFC 9112, RFC 9293; RFC 3986 (paths).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

BIN_DIR=$(dirname "$(readlink -f "$TAPSTACK")")
MODE=${T_HTTP_SERVER:-stack}
IDLE=3                                   # the server's idle timeout in this test, seconds
IDLE_OPT=(--http-idle-timeout "$IDLE")
WWW=$TMP/www                             # this test's document root: apps/www + made-up files
BIG_SIZE=$((10 * 1024 * 1024))

mkdir -p "$WWW/sub"
cp "$REPO"/apps/www/* "$WWW"/
printf '<p>sub</p>\n' >"$WWW/sub/index.html"
head -c "$BIG_SIZE" /dev/urandom >"$WWW/big.bin"
BIG_SHA=$(sha256sum "$WWW/big.bin" | cut -d' ' -f1)
INDEX_SIZE=$(stat -c %s "$WWW/index.html")
CSS_SIZE=$(stat -c %s "$WWW/style.css")
SVG_SIZE=$(stat -c %s "$WWW/logo.svg")

lab_up
case $MODE in
stack)
    SERVER=$STACK_IP
    if ! "$TAPSTACK" --help 2>&1 | grep -q -- --http-idle-timeout; then
        IDLE=10                          # http.c's default: the checks just take longer
        IDLE_OPT=()
        note "tapstack has no --http-idle-timeout: the idle checks use the default, $IDLE s"
    fi
    read -r -a EXTRA <<<"${T_HTTP_STACK_ARGS:-}"
    stack_start --http-root "$WWW" "${IDLE_OPT[@]}" "${EXTRA[@]}"
    ;;
host)
    SERVER=${TS_PEER_IP%/*}
    # The server under test takes STACK_PID, so lib.sh's stop, watchdog and teardown apply.
    [ -x "$BIN_DIR/http-host" ] || setup_fail "no $BIN_DIR/http-host (run make)"
    start_http_host --root "$WWW" --idle-timeout "$IDLE"
    note "http-host pid $STACK_PID ready in netns $TS_PEER_NS (T_HTTP_SERVER=host)"
    ;;
*)
    setup_fail "T_HTTP_SERVER must be stack or host, not '$MODE'"
    ;;
esac
URL=http://$SERVER
[ "$MODE" = stack ] && { stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"; }

# raw NAME PAYLOAD [ARGS]: http_raw.py (framing-exact client) from the lab; output in $TMP/raw.NAME.
raw() {
    local name=$1
    shift
    in_lab "$PY" "$PROBES/http_raw.py" "$SERVER" 80 "$@" >"$TMP/raw.$name" 2>&1
    cat "$TMP/raw.$name"
}

# want NAME PATTERN...: every extended regex is in raw.NAME.
want() {
    local name=$1 p
    shift
    for p in "$@"; do
        grep -Eq -- "$p" "$TMP/raw.$name" || { echo "missing: $p"; return 1; }
    done
}

# ---- the basics ----

get_index() {
    local out
    out=$(in_lab curl -sS -o "$TMP/index.out" -w '%{http_code} %{content_type}' "$URL/")
    echo "curl: $out"
    [ "$out" = "200 text/html; charset=utf-8" ] && cmp "$TMP/index.out" "$WWW/index.html"
}
check http.get_index get_index

# RFC 9110 6.6.1: Date from a server with a clock; 8.6: Content-Length; the server says who it is.
curl_verbose_head() {
    in_lab curl -sv -o /dev/null "$URL/" 2>"$TMP/curl-v.err"
    grep '^<' "$TMP/curl-v.err"
    grep -q '^< HTTP/1.1 200 OK' "$TMP/curl-v.err" &&
        grep -q "^< Content-Length: $INDEX_SIZE" "$TMP/curl-v.err" &&
        grep -Eq '^< Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT' \
            "$TMP/curl-v.err" &&
        grep -q '^< Server: tapstack' "$TMP/curl-v.err"
}
check http.curl_v_headers curl_verbose_head

# RFC 9110 9.3.2: HEAD has GET's fields and no content.
head_index() {
    raw head "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" &&
        want head "^response 1: 200 OK .*content-length=$INDEX_SIZE .*body=0 " \
            '^end: closed-by-server' && ! grep -q '^garbage' "$TMP/raw.head" &&
        in_lab curl -sSI "$URL/" | grep -q '^HTTP/1.1 200 OK'
}
check http.head head_index

not_found() {
    local out
    out=$(in_lab curl -s -o /dev/null -w '%{http_code}' "$URL/no-such-file.html")
    echo "status $out"
    [ "$out" = 404 ]
}
check http.404 not_found

content_types() {
    local css svg
    css=$(in_lab curl -s -o /dev/null -w '%{content_type}' "$URL/style.css")
    svg=$(in_lab curl -s -o /dev/null -w '%{content_type}' "$URL/logo.svg")
    echo "style.css: $css; logo.svg: $svg"
    [ "$css" = "text/css; charset=utf-8" ] && [ "$svg" = "image/svg+xml" ]
}
check http.content_types content_types

# RFC 9110 15.4.2: a directory without its slash is redirected; with it, its index.html.
dir_redirect() {
    local out
    out=$(in_lab curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/sub")
    echo "/sub: $out"
    [ "$out" = "301 $URL/sub/" ] && in_lab curl -sSL "$URL/sub" | grep -q '<p>sub</p>'
}
check http.dir_redirect dir_redirect

# RFC 9112 9.3: HTTP/1.1 persists: curl -v with two URLs connects once and re-uses it.
connection_reuse() {
    local codes
    codes=$(in_lab curl -sv -o /dev/null -o /dev/null -w '%{http_code} ' "$URL/" \
        "$URL/style.css" 2>"$TMP/reuse.err")
    grep -E 'Connected to|Re-using|left intact|Closing' "$TMP/reuse.err"
    echo "codes: $codes"
    [ "$codes" = "200 200 " ] && grep -q 'Re-using existing connection' "$TMP/reuse.err" &&
        [ "$(grep -c 'Connected to' "$TMP/reuse.err")" -eq 1 ]
}
check http.curl_reuses_connection connection_reuse

# ---- a large file: streamed in chunks under flow control, never held whole in memory ----

hwm_kb() {
    awk '/^VmHWM:/ { print $2 }' "/proc/$STACK_PID/status"
}

big_file() {
    local sum before after
    before=$(hwm_kb)
    sum=$(in_lab curl -sS "$URL/big.bin" | sha256sum | cut -d' ' -f1)
    after=$(hwm_kb)
    echo "sha256 $sum (want $BIG_SHA); server peak RSS $before -> $after kB"
    [ "$sum" = "$BIG_SHA" ] && [ $((after - before)) -lt 4096 ]
}
check http.big_file_sha256_bounded_memory big_file

big_head() {
    raw bighead "HEAD /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" &&
        want bighead "content-type=application/octet-stream .*content-length=$BIG_SIZE .*body=0 "
}
check http.big_file_head big_head

wget_big() {
    in_lab wget -q -O "$TMP/wget.bin" "$URL/big.bin" || return 1
    local sum
    sum=$(sha256sum "$TMP/wget.bin" | cut -d' ' -f1)
    echo "wget: sha256 $sum"
    rm -f "$TMP/wget.bin"
    [ "$sum" = "$BIG_SHA" ]
}
check http.wget wget_big

# ---- versions and persistence ----

# RFC 9112 9.3: HTTP/1.0 closes by default: the response says so and the server closes.
http10_close() {
    raw h10 "GET / HTTP/1.0\r\n\r\n" &&
        want h10 "^response 1: 200 OK .*connection=close .*body=$INDEX_SIZE " \
            '^end: closed-by-server'
}
check http.http10_closes http10_close

# RFC 9112 C.2.2: an HTTP/1.0 client that asks for keep-alive gets it, until it stops asking.
http10_keep_alive() {
    raw h10ka "GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n$(
        )GET /logo.svg HTTP/1.0\r\n\r\n" &&
        want h10ka "^response 1: 200 OK .*connection=keep-alive .*body=$CSS_SIZE " \
            "^response 2: 200 OK .*connection=close .*body=$SVG_SIZE " '^end: closed-by-server'
}
check http.http10_keep_alive http10_keep_alive

http11_close() {
    raw h11c "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" &&
        want h11c '^response 1: 200 OK .*connection=close' '^end: closed-by-server'
}
check http.http11_connection_close http11_close

# RFC 9112 9.3.2: pipelined requests in one write are answered in order.
pipelined_nc() {
    local two='GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n'
    two+='GET /logo.svg HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
    printf '%b' "$two" | in_lab nc -N -w 5 "$SERVER" 80 >"$TMP/pipe.out"   # one write, two requests
    grep -a -E '^(HTTP/1.1|Content-Type)' "$TMP/pipe.out" | tr -d '\r' >"$TMP/pipe.heads"
    cat "$TMP/pipe.heads"
    printf '%s\n' 'HTTP/1.1 200 OK' 'Content-Type: text/css; charset=utf-8' 'HTTP/1.1 200 OK' \
        'Content-Type: image/svg+xml' | cmp - "$TMP/pipe.heads"
}
check http.pipelined_nc pipelined_nc

pipelined_exact() {
    raw pipe3 "GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n$(
        )HEAD /logo.svg HTTP/1.1\r\nHost: t\r\n\r\n$(
        )GET /logo.svg HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" &&
        want pipe3 "^response 1: 200 OK \| content-type=text/css.*body=$CSS_SIZE " \
            "^response 2: 200 OK \| content-type=image/svg.*body=0 " \
            "^response 3: 200 OK \| content-type=image/svg.*body=$SVG_SIZE " \
            '^end: closed-by-server' && ! grep -q '^garbage' "$TMP/raw.pipe3"
}
check http.pipelined_three_in_order pipelined_exact

# A head that arrives in 20 pieces is the same request.
split_request() {
    raw split "GET /style.css HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" --chunks 20 &&
        want split "^response 1: 200 OK .*body=$CSS_SIZE " '^end: closed-by-server'
}
check http.request_in_pieces split_request

# RFC 9112 9.5: an idle persistent connection is closed after the timeout ($IDLE s here).
idle_timeout() {
    raw idle "GET / HTTP/1.1\r\nHost: t\r\n\r\n" --wait $((IDLE + 5)) &&
        want idle '^response 1: 200 OK' \
            "^end: closed-by-server after ($((IDLE - 1))|$IDLE|$((IDLE + 1)))\."
}
check http.idle_keep_alive_closed idle_timeout

# RFC 9110 15.5.9: half a request for too long: 408, then close.
half_request() {
    raw half "GET / HTTP/1.1\r\nHost: t\r\n" --wait $((IDLE + 5)) &&
        want half '^response 1: 408 Request Timeout' '^end: closed-by-server'
}
check http.half_request_408 half_request

# ---- bad input: the right status, then close; the server never suffers ----

# bad NAME STATUS PAYLOAD: a check that the answer is STATUS and the server closes.
bad() {
    local name=$1 status=$2 payload=$3
    bad_one() {
        raw "$1" "$3" && want "$1" "^response 1: $2 " '^end: closed-by-server' &&
            ! grep -q 'root:' "$TMP/raw.$1"
    }
    check "bad.$name" bad_one "$name" "$status" "$payload"
}

LONG_TARGET=/$(head -c 9000 /dev/zero | tr '\0' a)
LONG_FIELD=$(head -c 17000 /dev/zero | tr '\0' b)
bad request_line_two_spaces 400 "GET  / HTTP/1.1\r\nHost: t\r\n\r\n"
bad request_line_http09 400 "GET /\r\n\r\n"
bad request_line_nul 400 "GET /\x00 HTTP/1.1\r\nHost: t\r\n\r\n"
bad field_no_colon 400 "GET / HTTP/1.1\r\nHost: t\r\nBogus\r\n\r\n"
bad field_space_before_colon 400 "GET / HTTP/1.1\r\nHost : t\r\n\r\n"
bad field_obs_fold 400 "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n"
bad field_nul 400 "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n"
bad field_bare_cr 400 "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n"
bad http11_no_host 400 "GET / HTTP/1.1\r\n\r\n"
bad http11_two_hosts 400 "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"
bad content_length_junk 400 "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n"
bad post_405 405 "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
bad delete_405 405 "DELETE /index.html HTTP/1.1\r\nHost: t\r\n\r\n"
bad unknown_method_501 501 "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n"
bad get_with_body_413 413 "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789"
bad get_chunked_413 413 "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
bad request_line_414 414 "GET $LONG_TARGET HTTP/1.1\r\nHost: t\r\n\r\n"
bad fields_431 431 "GET / HTTP/1.1\r\nHost: t\r\nX-Big: $LONG_FIELD\r\n\r\n"
bad version_http2_505 505 "GET / HTTP/2.0\r\nHost: t\r\n\r\n"
bad version_http3_505 505 "GET / HTTP/3\r\nHost: t\r\n\r\n"
bad traversal_raw 400 "GET /../../../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"
bad traversal_encoded 400 "GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"
bad traversal_mixed 400 "GET /.%2E/.%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"
bad traversal_encoded_slash 400 "GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: t\r\n\r\n"
bad traversal_absolute_form 400 "GET http://t/../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"
bad path_nul 400 "GET /index.html%00.txt HTTP/1.1\r\nHost: t\r\n\r\n"

# 405 names what is allowed (RFC 9110 15.5.6 MUST); a HEAD's error has no content.
allow_header() {
    want post_405 '^response 1: 405 .*allow=GET, HEAD '
}
check bad.405_has_allow allow_header
head_error_no_body() {
    raw head505 "HEAD / HTTP/2.0\r\n\r\n" && want head505 '^response 1: 505 .*body=0 ' &&
        ! grep -q '^garbage' "$TMP/raw.head505"
}
check bad.head_error_has_no_content head_error_no_body

curl_path_as_is() {
    local out
    out=$(in_lab curl -s --path-as-is -o "$TMP/passwd.out" -w '%{http_code}' \
        "$URL/../../../../etc/passwd")
    echo "status $out"
    [ "$out" = 400 ] && ! grep -q 'root:' "$TMP/passwd.out"
}
check bad.curl_path_as_is_400 curl_path_as_is

still_serving() {
    local out
    out=$(in_lab curl -s -o /dev/null -w '%{http_code}' "$URL/")
    echo "status $out"
    [ "$out" = 200 ]
}
check bad.server_still_serves still_serving

# ---- /status ----

if [ "$MODE" = stack ]; then
    status_html() {
        local ct
        ct=$(in_lab curl -sS -o "$TMP/status.html" -w '%{content_type}' "$URL/status")
        echo "content-type: $ct"
        grep -E 'h2|LISTEN|ESTABLISHED' "$TMP/status.html" | head -n 20
        [ "$ct" = "text/html; charset=utf-8" ] &&
            grep -q '<h2>Interfaces</h2>' "$TMP/status.html" &&
            grep -q "$STACK_IP/24" "$TMP/status.html" &&
            grep -q "$STACK_MAC" "$TMP/status.html" &&
            grep -q '<h2>ARP cache</h2>' "$TMP/status.html" &&
            grep -q "$HOST_IP " "$TMP/status.html" &&
            grep -q '<h2>Routes</h2>' "$TMP/status.html" &&
            grep -q '<td>0.0.0.0:80</td><td>\*:\*</td><td>LISTEN</td>' "$TMP/status.html" &&
            grep -q "<td>$STACK_IP:80</td><td>$HOST_IP:[0-9]*</td><td>ESTABLISHED</td>" \
                "$TMP/status.html" &&
            grep -q '<td>tcp.rx</td>' "$TMP/status.html" &&
            grep -q '</html>' "$TMP/status.html"
    }
    check status.html status_html

    status_text() {
        local ct
        ct=$(in_lab curl -sS -o "$TMP/status.txt" -w '%{content_type}' \
            "$URL/status?format=text")
        echo "content-type: $ct"
        head -n 40 "$TMP/status.txt"
        [ "$ct" = "text/plain; charset=utf-8" ] &&
            grep -q '^== TCP control blocks ==' "$TMP/status.txt" &&
            grep -Eq "^$STACK_IP:80 +$HOST_IP:[0-9]+ +ESTABLISHED" "$TMP/status.txt" &&
            grep -Eq '^ipv4\.rx +[1-9]' "$TMP/status.txt" && ! grep -q '<' "$TMP/status.txt"
    }
    check status.text status_text

    status_head() {
        raw shead "HEAD /status HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" &&
            want shead '^response 1: 200 OK .*content-length=[1-9][0-9]* .*body=0 '
    }
    check status.head status_head
else
    status_note() {
        local out
        out=$(in_lab curl -s -o "$TMP/status.html" -w '%{http_code}' "$URL/status")
        echo "status $out"
        [ "$out" = 404 ] && grep -q 'ss -tan' "$TMP/status.html"
    }
    check status.host_build_404_note status_note
fi

# ---- load with keep-alive ----

# wrk_run NAME MIN ARGS...: wrk made at least MIN requests (a stall detector: wrk does not
# count SYNs that go unanswered as errors) and saw no socket error and no non-2xx answer.
wrk_run() {
    local out=$TMP/wrk.$1 min=$2 n
    shift 2
    in_lab wrk "$@" "$URL/" >"$out" 2>&1
    cat "$out"
    n=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$out")
    echo "requests: ${n:-none} (want >= $min)"
    [ "${n:-0}" -ge "$min" ] && ! grep -q 'Socket errors' "$out" && ! grep -q 'Non-2xx' "$out"
}

check load.wrk_c20_keep_alive wrk_run c20 150 -t1 -c20 -d3s
check load.wrk_c1_keep_alive wrk_run c1 100 -t1 -c1 -d2s

ab_keep_alive() {
    in_lab ab -q -k -n 5000 -c 20 "$URL/" >"$TMP/abk.out" 2>&1
    grep -E 'Complete|Failed|Keep-Alive|Non-2xx|Requests per second' "$TMP/abk.out"
    grep -q '^Complete requests: *5000$' "$TMP/abk.out" &&
        grep -q '^Failed requests: *0$' "$TMP/abk.out" &&
        grep -q '^Keep-Alive requests: *5000$' "$TMP/abk.out"
}
check load.ab_keep_alive_n5000_c20 ab_keep_alive

# ---- server-side closes: TIME-WAIT in the server's TCP (last, see the top) ----

ab_close() {
    in_lab ab -q -n 5000 -c 50 "$URL/" >"$TMP/ab.out" 2>&1
    echo "ab exit status $? (124: killed after $E2E_CMD_TIMEOUT s)"
    grep -E 'Complete|Failed|Non-2xx|Requests per second|Time taken' "$TMP/ab.out"
    grep -q '^Complete requests: *5000$' "$TMP/ab.out" &&
        grep -q '^Failed requests: *0$' "$TMP/ab.out" && ! grep -q 'Non-2xx' "$TMP/ab.out"
}
check load.ab_n5000_c50 ab_close

check load.wrk_c20_connection_close wrk_run close 100 -t1 -c20 -d2s -H 'Connection: close'

# 200 connections that never send: the bounded server sheds them, and still answers a new one.
idle_crowd() {
    timeout 90 ip netns exec "$TS_NS" "$PY" "$PROBES/http_idle.py" "$SERVER" 80 200 60
}
check idle.sheds_200_idle_and_answers_curl idle_crowd

# ---- nothing left behind ----

if [ "$MODE" = stack ]; then
    # Every connection closes within the idle timeout; then the socket count is what it was.
    sockets_back() {
        local i want now
        want=$(stat_get "$TMP/s0" sock.open) || return 1
        for ((i = 0; i < 20; i++)); do
            stack_snapshot "$TMP/s1" >/dev/null || return 1
            now=$(stat_get "$TMP/s1" sock.open)
            [ "$now" = "$want" ] && break
            sleep 1
        done
        echo "sock.open: $want at start, $now now"
        [ "$now" = "$want" ]
    }
    check stats.sockets_back_to_start sockets_back
    check stats.pkb_in_use_back delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s1"
fi

stack_alive_check() {
    stack_alive && echo "server pid $STACK_PID alive"
}
check http.server_survived stack_alive_check
stack_stop TERM
check http.sigterm_exit_0 test "$STACK_RC" -eq 0

if [ "$MODE" = stack ]; then
    # The whole capture holds 10 MB files and load runs: judge its first 3000 frames (bounded).
    first_frames_clean() {
        timeout 60 editcap -r "$TMP/cap.pcap" "$TMP/first.pcap" 1-3000 || return 1
        pcap_clean "$TMP/first.pcap" "eth.src == $STACK_MAC"
    }
    check pcap.first_3000_stack_frames_clean first_frames_clean
fi

e2e_done
