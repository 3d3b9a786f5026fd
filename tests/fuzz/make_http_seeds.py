#!/usr/bin/env python3
"""make_http_seeds.py - write the seed corpus of fuzz_http (tests/fuzz/corpus/fuzz_http/).

Input format (fuzz_http.c):  split (BE16) | ctl | [at (BE16) count (BE16) fill] | request
  split  where the request is cut into two reads (modulo len + 1)
  ctl    bit 0: insert count copies of fill at offset at before parsing (reaches 414/431
         with inputs under libFuzzer's -max_len)
Seeds: a few valid requests and every bad-input case of tests/e2e/t_http.sh, each split in
the middle of its request line (and a few at other places). Plain Python; rerun after editing;
the generated files are committed (they are small).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "fuzz_http")

GOOD = {
    "get_index": b"GET / HTTP/1.1\r\nHost: t\r\n\r\n",
    "head_close": b"HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    "http10": b"GET / HTTP/1.0\r\n\r\n",
    "http10_keep_alive": b"GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "status_query": b"GET /status?format=text&refresh=5 HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n",
    "absolute_form": b"GET http://10.0.0.2:80/sub/?a=b HTTP/1.1\r\nHost: x\r\n\r\n",
    "percent_path": b"GET /a%20b/c%7e.html HTTP/1.1\r\nHost: t\r\n\r\n",
    "lf_only": b"\r\n\nGET /x HTTP/1.1\nHost: t\nContent-Length: 0\n\n",
    "pipelined": (b"GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n"
                  b"HEAD /logo.svg HTTP/1.1\r\nHost: t\r\n\r\n"
                  b"GET /logo.svg HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
    "many_fields": (b"GET /index.html HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: curl/7.88\r\n"
                    b"Accept: */*\r\nConnection: Keep-Alive, Upgrade\r\n\r\n"),
    "half": b"GET / HTTP/1.1\r\nHost: t\r\n",
}

# tests/e2e/t_http.sh's bad inputs (the long ones are grown by the harness, see below).
BAD = {
    "request_line_two_spaces": b"GET  / HTTP/1.1\r\nHost: t\r\n\r\n",
    "request_line_http09": b"GET /\r\n\r\n",
    "request_line_nul": b"GET /\x00 HTTP/1.1\r\nHost: t\r\n\r\n",
    "field_no_colon": b"GET / HTTP/1.1\r\nHost: t\r\nBogus\r\n\r\n",
    "field_space_before_colon": b"GET / HTTP/1.1\r\nHost : t\r\n\r\n",
    "field_obs_fold": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n",
    "field_nul": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n",
    "field_bare_cr": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
    "http11_no_host": b"GET / HTTP/1.1\r\n\r\n",
    "http11_two_hosts": b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "content_length_junk": b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n",
    "post_405": b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
    "delete_405": b"DELETE /index.html HTTP/1.1\r\nHost: t\r\n\r\n",
    "unknown_method_501": b"BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n",
    "get_with_body_413": b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789",
    "get_chunked_413": b"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "version_http2_505": b"GET / HTTP/2.0\r\nHost: t\r\n\r\n",
    "version_http3_505": b"GET / HTTP/3\r\nHost: t\r\n\r\n",
    "traversal_raw": b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
    "traversal_encoded": b"GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
    "traversal_mixed": b"GET /.%2E/.%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
    "traversal_encoded_slash": b"GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: t\r\n\r\n",
    "traversal_absolute_form": b"GET http://t/../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
    "path_nul": b"GET /index.html%00.txt HTTP/1.1\r\nHost: t\r\n\r\n",
    "head_505": b"HEAD / HTTP/2.0\r\n\r\n",
    "te_http10": b"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
    "cl_conflict": b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    "fragment": b"GET /a#b HTTP/1.1\r\nHost: t\r\n\r\n",
    "asterisk": b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
    "bad_escape": b"GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n",
}

# Grown seeds: (request, at, count, fill). 414: a 9000-byte target; 431: a 17000-byte field;
# the exact limits: a request line of HTTP_REQ_LINE_MAX (8192) and one byte more.
GROWN = {
    "request_line_414": (b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n", 5, 9000, ord("a")),
    "fields_431": (b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: b\r\n\r\n", 33, 17000, ord("b")),
    "request_line_8192": (b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n", 5, 8192 - 15, ord("a")),
    "request_line_8193": (b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n", 5, 8192 - 14, ord("a")),
    "query_1024": (b"GET /?q HTTP/1.1\r\nHost: t\r\n\r\n", 7, 1023, ord("q")),
    "path_4096": (b"GET /p HTTP/1.1\r\nHost: t\r\n\r\n", 5, 4096, ord("p")),
    "empty_lines_431": (b"\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n", 0, 16400, ord("\n")),
    "host_256": (b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", 22, 256, ord("h")),
}


def write(name, req, split=None, grow=None):
    if split is None:
        split = min(len(req), 5)
    ctl = 1 if grow else 0
    data = struct.pack("!HB", split, ctl)
    if grow:
        at, count, fill = grow
        data += struct.pack("!HHB", at, count, fill)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data + req)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, req in GOOD.items():
        write(name, req)
    write("get_index_split_in_crlf", GOOD["get_index"], split=15)
    write("get_index_split_at_end", GOOD["get_index"], split=len(GOOD["get_index"]) - 1)
    write("pipelined_split_second", GOOD["pipelined"], split=45)
    for name, req in BAD.items():
        write(name, req)
    for name, (req, at, count, fill) in GROWN.items():
        write(name, req, split=at + 3, grow=(at, count, fill))
    print("wrote %d seeds to %s" % (len(os.listdir(OUT)), OUT))


if __name__ == "__main__":
    main()
