#!/usr/bin/env python3
# send one GET with a raw request target, write the whole response (head and body) to a file.
#
#   http_dump.py HOST PORT TARGET OUT
#
# TARGET is Python-escaped text ('\\x00', '\\\\' for a backslash): its bytes go on the request
# line exactly as given, nothing encoded or normalised (unlike a client library):
#   GET TARGET HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n
# Reads until the server closes or 5 s pass without a byte (at most 1 MiB), writes what came
# to OUT and prints the status line (or "no response"). Exit 0 once connected.
import select
import socket
import sys
import time


def main():
    host, port, text, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    target = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    req = b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(req)
    data = b""
    deadline = time.monotonic() + 15
    while len(data) < (1 << 20) and time.monotonic() < deadline:
        r, _, _ = select.select([s], [], [], 5)
        if not r:
            break
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        if not b:
            break
        data += b
    s.close()
    with open(out, "wb") as f:
        f.write(data)
    line = data.split(b"\r\n", 1)[0].decode("latin-1") if data else "no response"
    print(line)


if __name__ == "__main__":
    main()
