#!/usr/bin/env bash
# HTTP paths confined to the document root (apps/http_path.c), end to end, against tapstack
# (10.0.0.2) and then http-host, the same server on the Linux kernel (peer namespace, 10.0.0.3).
# The document root is a temporary one holding a file, a directory, symlinks inside it, and
# symlinks leading out: to a secret file outside (absolute and relative), to a directory outside,
# "..", /etc, /proc/self/environ, an index.html pointing out. Every class of hostile target,
# through curl --path-as-is and a raw socket (probes/http_dump.py, bytes as given): repeated
# slashes (//etc/passwd: merged as nginx's merge_slashes, then nothing there), dot segments raw
# and encoded, %2f %5c %00 and other encoded control bytes, backslashes, overlong and invalid
# UTF-8 (%c0%af), a 10 KB path, /proc and /dev targets, absolute-form. Each gets its 400, 404
# or 414, and no refused response holds the secret's marker or "root:x:0:0". A file inside
# (also through an inside symlink and merged slashes) still gets 200; "//sub" redirects to
# "/sub/", never to "//sub/" (another host). A document root of / or under /proc is refused
# at start with a clear line. RFC 3986 3.3 (dot-segments), RFC 9110 15.5.5 (404).
# shellcheck source=lib/lib.sh disable=SC2317 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

BIN_DIR=$(dirname "$(readlink -f "$TAPSTACK")")
WWW=$TMP/www
OUT=$TMP/outside
MARKER="tapstack-path-secret-$$-$RANDOM$RANDOM"

# The tree. Everything world-readable: only the confinement keeps the secret in, not modes.
mkdir -p "$WWW/sub" "$WWW/idx" "$OUT/dir"
printf 'ok %s\n' "$$" >"$WWW/ok.txt"
printf '<p>sub</p>\n' >"$WWW/sub/index.html"
cp "$REPO/apps/www/index.html" "$WWW/index.html"
printf '%s\n' "$MARKER" >"$OUT/secret.txt"
printf '%s inner\n' "$MARKER" >"$OUT/dir/inner.txt"
ln -s "$OUT/secret.txt" "$WWW/leak_abs"                 # a file outside, absolute
ln -s ../outside/secret.txt "$WWW/leak_rel"             # the same, relative
ln -s "$OUT/dir" "$WWW/leakdir"                         # a directory outside
ln -s ../outside/dir "$WWW/leakdir_rel"
ln -s .. "$WWW/up"                                      # ".." as a symlink
ln -s ../../outside/secret.txt "$WWW/sub/deep"          # out from a subdirectory
ln -s ../../outside/secret.txt "$WWW/idx/index.html"    # a directory's index leading out
ln -s /etc "$WWW/etc"                                   # so that //etc/passwd meets a symlink
ln -s /proc/self/environ "$WWW/environ"
ln -s ok.txt "$WWW/inside"                              # inside: served
chmod -R a+rX "$WWW" "$OUT"

# no_leak FILE: the response holds neither the marker nor a passwd line.
no_leak() {
    if grep -aqF "$MARKER" "$1"; then
        echo "LEAK: the secret's marker is in the response"
        return 1
    fi
    if grep -aq 'root:x:0:0' "$1"; then
        echo "LEAK: /etc/passwd is in the response"
        return 1
    fi
}

N=0
# by_curl WANT TARGET: curl --path-as-is sends TARGET unchanged; status WANT, nothing leaked.
by_curl() {
    local want=$1 target=$2 code out
    N=$((N + 1))
    out=$TMP/resp.$N
    code=$(in_lab curl -s --path-as-is -o "$out" -w '%{http_code}' "$URL$target")
    echo "curl $target -> $code (want $want), $(stat -c %s "$out" 2>/dev/null || echo 0) bytes"
    no_leak "$out" && [ "$code" = "$want" ]
}

# by_raw WANT TARGET: the target's bytes on the request line (Python escapes); as by_curl.
by_raw() {
    local want=$1 target=$2 line out
    N=$((N + 1))
    out=$TMP/resp.$N
    line=$(in_lab "$PY" "$PROBES/http_dump.py" "$SERVER" 80 "$target" "$out")
    echo "raw ${target:0:80} -> $line (want $want)"
    no_leak "$out" && [ "$(awk '{ print $2 }' <<<"$line")" = "$want" ]
}

LONG10K=/$(printf 'a/%.0s' $(seq 5000))                 # a 10 KB path
LONG4K=/$(printf 'a/%.0s' $(seq 1900))                  # long, within the limits: no such file
NAME256=/$(head -c 256 /dev/zero | tr '\0' n)            # one segment over NAME_MAX

# hostile MODE: every class, each a check named MODE.path.NAME.
hostile() {
    local m=$1
    # repeated slashes: merged (nginx merge_slashes), then etc -> /etc leads out: 404
    check "$m.path.dslash_etc_passwd" by_curl 404 '//etc/passwd'
    check "$m.path.tslash_etc_passwd" by_curl 404 '///etc/passwd'
    check "$m.path.dslash_etc_passwd_raw" by_raw 404 '//etc/passwd'
    check "$m.path.dslash_absolute_form" by_raw 404 "http://$SERVER//etc/passwd"
    check "$m.path.dslash_proc_environ" by_curl 404 '//proc/self/environ'
    check "$m.path.proc_environ" by_curl 404 '/proc/self/environ'
    check "$m.path.dslash_dev_zero" by_curl 404 '//dev/zero'
    check "$m.path.symlink_environ" by_curl 404 '/environ'
    # symlinks inside the root that lead out of it: 404, never the file, never a 301
    check "$m.path.symlink_file_abs" by_curl 404 '/leak_abs'
    check "$m.path.symlink_file_rel" by_curl 404 '/leak_rel'
    check "$m.path.symlink_dir_file" by_curl 404 '/leakdir/inner.txt'
    check "$m.path.symlink_dir_rel_file" by_curl 404 '/leakdir_rel/inner.txt'
    check "$m.path.symlink_dir_no_slash" by_curl 404 '/leakdir'
    check "$m.path.symlink_dir_slash" by_curl 404 '/leakdir/'
    check "$m.path.symlink_dotdot" by_curl 404 '/up/outside/secret.txt'
    check "$m.path.symlink_dotdot_merged" by_curl 404 '//up//outside//secret.txt'
    check "$m.path.symlink_deep" by_curl 404 '/sub/deep'
    check "$m.path.index_leads_out" by_curl 404 '/idx/'
    # dot segments, raw and encoded: 400
    check "$m.path.dotdot_raw" by_curl 400 '/../../../../etc/passwd'
    check "$m.path.dotdot_dslash" by_curl 400 '//..//..//etc/passwd'
    check "$m.path.dotdot_encoded" by_curl 400 '/%2e%2e/%2e%2e/etc/passwd'
    check "$m.path.dot_mixed" by_curl 400 '/.%2E/.%2e/etc/passwd'
    check "$m.path.dotdot_outside" by_curl 400 '/../outside/secret.txt'
    # encoded separators and backslashes: 400
    check "$m.path.encoded_slash" by_curl 400 '/..%2f..%2fetc/passwd'
    check "$m.path.encoded_slash_lead" by_curl 400 '/%2fetc%2fpasswd'
    check "$m.path.encoded_backslash" by_curl 400 '/..%5c..%5cetc%5cpasswd'
    check "$m.path.backslash_raw" by_raw 400 '/..\\..\\etc\\passwd'
    check "$m.path.backslash_lead" by_raw 400 '\\etc\\passwd'
    # NUL and control bytes, encoded: 400
    check "$m.path.nul" by_curl 400 '/ok.txt%00.html'
    check "$m.path.nul_lead" by_raw 400 '/%00/etc/passwd'
    check "$m.path.crlf" by_raw 400 '/a%0d%0aX:y'
    check "$m.path.ctl_1f" by_raw 400 '/a%1fb'
    check "$m.path.del" by_raw 400 '/a%7f'
    check "$m.path.c1_nel" by_raw 400 '/a%c2%85b'
    # overlong and invalid UTF-8: 400
    check "$m.path.overlong_slash" by_curl 400 '/..%c0%af..%c0%afetc/passwd'
    check "$m.path.overlong_dot" by_raw 400 '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd'
    check "$m.path.overlong_3byte" by_raw 400 '/%e0%80%af'
    check "$m.path.surrogate" by_raw 400 '/%ed%a0%80'
    check "$m.path.invalid_ff" by_raw 400 '/%ff'
    check "$m.path.raw_high_bytes" by_raw 400 '/\xc0\xaf'
    # long paths: 414 for the line, 404 for names no file system has
    check "$m.path.long_10k" by_raw 414 "$LONG10K"
    check "$m.path.long_4k" by_raw 404 "$LONG4K"
    check "$m.path.name_over_255" by_raw 404 "$NAME256"
}

# served MODE: what lies inside still works.
served() {
    local m=$1
    check "$m.path.file_200" by_curl_body 200 '/ok.txt'
    check "$m.path.file_merged_200" by_curl_body 200 '//ok.txt'
    check "$m.path.inside_symlink_200" by_curl_body 200 '/inside'
    check "$m.path.index_200" by_curl 200 '/'
    check "$m.path.sub_index_200" by_curl 200 '/sub/'
    check "$m.path.redirect_merged" redirect_merged
}

# by_curl_body WANT TARGET: as by_curl, and the body is ok.txt.
by_curl_body() {
    by_curl "$@" && cmp "$TMP/resp.$N" "$WWW/ok.txt"
}

# "//sub" is the directory sub: 301 to "/sub/", not "//sub/" (a URL of host "sub").
redirect_merged() {
    local out
    out=$(in_lab curl -s --path-as-is -o /dev/null -w '%{http_code} %{redirect_url}' \
        "$URL//sub")
    echo "//sub: $out"
    [ "$out" = "301 $URL/sub/" ]
}

still_serving() {
    local code
    code=$(in_lab curl -s -o /dev/null -w '%{http_code}' "$URL/ok.txt")
    echo "status $code"
    stack_alive && [ "$code" = 200 ]
}

# ---- a document root of / or under /proc is refused at start ----

# refuses_root BIN ARGS...: exits non-zero within 20 s, saying why on one line.
refuses_root() {
    local rc
    timeout 20 "$@" >"$TMP/refuse.out" 2>&1
    rc=$?
    grep 'refused' "$TMP/refuse.out"
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
        grep -q 'document root .* refused: it must not be / nor lie under' "$TMP/refuse.out"
}
# ---- tapstack ----

lab_up
# (in the lab namespace, though --loopback touches no network)
check stack.root_slash_refused refuses_root ip netns exec "$TS_NS" "$TAPSTACK" --loopback \
    --http-root /
check stack.root_proc_refused refuses_root ip netns exec "$TS_NS" "$TAPSTACK" --loopback \
    --http-root /proc/self
ln -s / "$TMP/slash"
check stack.root_symlink_to_slash_refused refuses_root ip netns exec "$TS_NS" "$TAPSTACK" \
    --loopback --http-root "$TMP/slash"

stack_start --http-root "$WWW"
SERVER=$STACK_IP
URL=http://$SERVER
hostile stack
served stack
status_merged() {
    local code
    code=$(in_lab curl -s --path-as-is -o "$TMP/status.out" -w '%{http_code}' "$URL//status")
    echo "//status -> $code"
    [ "$code" = 200 ] && grep -q 'tapstack' "$TMP/status.out"
}
check stack.path.status_merged_200 status_merged
check stack.path.still_serving still_serving
no_openat2_complaint() {
    ! grep -E 'openat2|refused' "$TMP/stack.out"
}
check stack.path.no_start_complaint no_openat2_complaint
stack_stop

# ---- http-host: the same server on the Linux kernel ----

if [ -x "$BIN_DIR/http-host" ]; then
    check host.root_slash_refused refuses_root ip netns exec "$TS_PEER_NS" "$BIN_DIR/http-host" \
        --root /
    start_http_host --root "$WWW"
    SERVER=${TS_PEER_IP%/*}
    URL=http://$SERVER
    hostile host
    served host
    check host.path.still_serving still_serving
    stack_stop
else
    note "no $BIN_DIR/http-host: the http-host half is skipped (run make)"
fi

e2e_done
