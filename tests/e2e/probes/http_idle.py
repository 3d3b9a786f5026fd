#!/usr/bin/env python3
# send: N TCP connections that never send a byte, then a fresh curl while they are held /
# expect: curl answered (200) within its time limit, and every idle connection that got
# through closed by the server (FIN or RST) within the bound: RFC 9112 9.5 (a server may close
# idle connections), and a bounded server that sheds them instead of locking up.
#
#   http_idle.py HOST PORT N SHED_WITHIN_S
#
# Prints one summary line; exit 0 only if curl got 200 and every connected socket was shed.
# Sockets whose connect never completed (SYNs dropped while the server's backlog was full) are
# counted and allowed: the server owes them nothing.
import select
import socket
import subprocess
import sys
import time


def main():
    host, port, n, within = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        socks.append(s)
    state = {s: "connecting" for s in socks}      # connecting -> open -> shed
    t0 = time.monotonic()
    last_shed = [0.0]

    def progress(timeout):
        want_w = [s for s in socks if state[s] == "connecting"]
        want_r = [s for s in socks if state[s] == "open"]
        if not want_w and not want_r:
            return
        r, w, _ = select.select(want_r, want_w, [], timeout)
        for s in w:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            state[s] = "open" if err == 0 else "failed"
        for s in r:
            try:
                b = s.recv(4096)
            except (ConnectionResetError, BlockingIOError, OSError):
                b = b""
            if not b:
                state[s] = "shed"
                last_shed[0] = time.monotonic() - t0

    # Let the connects complete (bounded), then ask a fresh client while they are held.
    end = time.monotonic() + 3
    while time.monotonic() < end and any(v == "connecting" for v in state.values()):
        progress(0.1)
    opened = sum(1 for v in state.values() if v != "connecting" and v != "failed")
    c0 = time.monotonic()
    curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                           "20", "http://%s:%d/" % (host, port)], capture_output=True, text=True)
    curl_s = time.monotonic() - c0

    # Every connection that got through must be shed within the bound.
    end = t0 + within
    while time.monotonic() < end:
        if not any(v in ("connecting", "open") for v in state.values()):
            break
        progress(0.2)
    counts = {}
    for v in state.values():
        counts[v] = counts.get(v, 0) + 1
    for s in socks:
        s.close()
    ok = curl.stdout == "200" and counts.get("open", 0) == 0 and counts.get("shed", 0) > 0
    print("idle connections: %d asked, %d connected within 3 s; fresh curl: %s in %.2f s; "
          "the last shed at %.1f s; at the end (%.1f s): %s"
          % (n, opened, curl.stdout or "failed", curl_s, last_shed[0], time.monotonic() - t0,
             ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
