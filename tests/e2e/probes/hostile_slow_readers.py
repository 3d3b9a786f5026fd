#!/usr/bin/env python3
# send: from the lab's kernel, N clients with a small receive buffer (SO_RCVBUF 4096) that each
#       pipeline K GETs of PATH in one write and then read 4 KiB every 4 s (1 KiB/s), for SECONDS /
# expect: nothing by itself: prints when the server closed each one (FIN or RST, seen in the
#         socket's TCP state), so that the test can hold the server's minimum rate
#         (--http-min-rate) against it.
#
#   hostile_slow_readers.py HOST PATH N K SECONDS
#
# Prints "slow readers: ..." and a last line "connected=C closed=X" for the test to read.
import select
import socket
import struct
import sys
import time

READ = 4096
GAP = 4.0
CLOSED_STATES = (7, 8)             # TCP_CLOSE (reset), TCP_CLOSE_WAIT (the server's FIN)


def tcp_state(s):
    """The kernel's TCP state of s: the server's FIN is seen at once, unread data or not."""
    try:
        return struct.unpack("B", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)[:1])[0]
    except OSError:
        return 7


def main():
    host, path = sys.argv[1], sys.argv[2]
    n, k, seconds = min(int(sys.argv[3]), 200), min(int(sys.argv[4]), 64), float(sys.argv[5])
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, host)).encode() * k
    t0 = time.monotonic()
    conns = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, READ)
        s.setblocking(False)
        s.connect_ex((host, 80))
        # staggered: the readers do not all read in the same instant
        conns.append({"s": s, "state": "connecting", "next": t0 + GAP * i / n, "got": 0,
                      "closed_at": None})
    while time.monotonic() - t0 < seconds:
        now = time.monotonic()
        want_w = [c["s"] for c in conns if c["state"] == "connecting"]
        for c in conns:
            if c["state"] == "open" and tcp_state(c["s"]) in CLOSED_STATES:
                c["state"] = "closed"
                c["closed_at"] = now - t0
            if c["state"] == "open" and now >= c["next"]:
                c["next"] += GAP
                try:
                    b = c["s"].recv(READ)
                except BlockingIOError:
                    continue
                except OSError:
                    b = b""
                if not b:
                    c["state"] = "closed"
                    c["closed_at"] = now - t0
                c["got"] += len(b)
        if want_w:
            _, w, _ = select.select([], want_w, [], 0.05)
            for c in conns:
                if c["s"] in w:
                    if c["s"].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        c["state"] = "open"
                        c["s"].send(req)
                    else:
                        c["state"] = "failed"
        else:
            time.sleep(0.05)
    connected = [c for c in conns if c["state"] in ("open", "closed")]
    closed = [c["closed_at"] for c in conns if c["state"] == "closed"]
    for c in conns:
        c["s"].close()
    print("slow readers: %d asked, %d connected, %d closed by the server%s, %d still reading "
          "after %.0f s; bytes read per reader: %d to %d"
          % (n, len(connected), len(closed),
             " (from %.1f s to %.1f s)" % (min(closed), max(closed)) if closed else "",
             sum(1 for c in conns if c["state"] == "open"), seconds,
             min((c["got"] for c in connected), default=0),
             max((c["got"] for c in connected), default=0)))
    print("connected=%d closed=%d" % (len(connected), len(closed)))


if __name__ == "__main__":
    main()
