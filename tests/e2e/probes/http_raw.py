#!/usr/bin/env python3
# send raw request bytes to an HTTP server / expect: one summary line per response, framed by
# Content-Length exactly as a client must (RFC 9112 6.3), and whether the server closed.
# RFC 9112 (framing, persistence), RFC 9110 9.3.2 (no content in a response to HEAD).
#
#   http_raw.py HOST PORT PAYLOAD [--wait S] [--chunks N]
#
# PAYLOAD is Python-escaped text: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' (\xNN for any byte). It is
# sent in one write (pipelining: several requests in one write), or split into N writes with
# --chunks. Then the script reads until the server closes or S seconds (default 5) pass without
# a byte, and prints:
#   response N: STATUS REASON | content-type=... | content-length=... | connection=... | allow=...
#   | body=BYTES | sha256=...
#   end: closed-by-server after T s | end: still open after T s (we gave up) | end: reset
#   garbage: N bytes after the last response (if any)
# The methods of the requests in PAYLOAD (the first word after each blank line) tell which
# responses are to HEAD. Always exits 0 once connected: the shell checks the lines.
import hashlib
import select
import socket
import sys
import time


def methods_of(payload):
    out, rest = [], payload
    while rest.strip(b"\r\n"):
        rest = rest.lstrip(b"\r\n")
        out.append(rest.split(b" ", 1)[0])
        end = rest.find(b"\r\n\r\n")
        if end < 0:
            end = rest.find(b"\n\n")
            if end < 0:
                break
            rest = rest[end + 2:]
        else:
            rest = rest[end + 4:]
    return out


def main():
    args = sys.argv[1:]
    wait = 5.0
    chunks = 1
    if "--wait" in args:
        i = args.index("--wait")
        wait = float(args[i + 1])
        del args[i:i + 2]
    if "--chunks" in args:
        i = args.index("--chunks")
        chunks = int(args[i + 1])
        del args[i:i + 2]
    host, port, text = args[0], int(args[1]), args[2]
    payload = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    methods = methods_of(payload)

    s = socket.create_connection((host, port), timeout=5)
    t0 = time.monotonic()
    step = max(1, (len(payload) + chunks - 1) // chunks)
    for i in range(0, len(payload), step):
        s.sendall(payload[i:i + step])
        if chunks > 1:
            time.sleep(0.05)
    data = b""
    end = None
    s.setblocking(False)
    while True:
        r, _, _ = select.select([s], [], [], wait)
        if not r:
            end = "still open after %.2f s (we gave up)" % (time.monotonic() - t0)
            break
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            end = "reset after %.2f s" % (time.monotonic() - t0)
            break
        except BlockingIOError:
            continue
        if not b:
            end = "closed-by-server after %.2f s" % (time.monotonic() - t0)
            break
        data += b
    s.close()

    n = 0
    while data:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            break
        head = data[:head_end].decode("latin-1").split("\r\n")
        status = head[0]
        fields = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            fields.setdefault(k.strip().lower(), v.strip())
        length = int(fields.get("content-length", "0"))
        method = methods[n] if n < len(methods) else b"?"
        if method == b"HEAD":
            length = 0
        body = data[head_end + 4:head_end + 4 + length]
        data = data[head_end + 4 + length:]
        n += 1
        print("response %d: %s | content-type=%s | content-length=%s | connection=%s | "
              "allow=%s | body=%d | sha256=%s"
              % (n, status.split(" ", 1)[1] if " " in status else status,
                 fields.get("content-type", "-"), fields.get("content-length", "-"),
                 fields.get("connection", "-"), fields.get("allow", "-"), len(body),
                 hashlib.sha256(body).hexdigest()))
    if data:
        print("garbage: %d bytes after the last response: %r" % (len(data), data[:60]))
    print("end: " + end)


if __name__ == "__main__":
    main()
