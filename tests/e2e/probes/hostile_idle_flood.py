#!/usr/bin/env python3
# send: from the lab's kernel, idle TCP connections to the small services (never a byte sent,
#       never a byte read), N of them per port, all opened at once; while they are held, a fresh
#       curl of http://HOST/ /
# expect: curl answered (200) within 5 s: the echo, discard and chargen servers cannot take the
#         sockets the HTTP server needs (a cap per service, a socket table sized for the caps);
#         with SHED_WITHIN_S > 0, every connection that got through is closed by the server
#         (FIN or RST, seen in the socket's TCP state, so that nothing is read) within that
#         bound: the idle timeout of apps/stream.c.
#
#   hostile_idle_flood.py HOST PORT:N[,PORT:N...] SHED_WITHIN_S [SHED_PORTS]
#
# SHED_PORTS (comma separated, default all): the ports whose connections must be shed. A chargen
# connection that never reads has a closed window, and the server's FIN waits behind the data.
# Prints one summary line; exit 0 only if curl got 200 (and, if asked, all were shed).
import socket
import struct
import subprocess
import sys
import time

TCP_ESTABLISHED = 1
TCP_INFO_LEN = 104


def tcp_state(s):
    """The kernel's TCP state of s (tcpi_state, the first byte of TCP_INFO)."""
    try:
        info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    except OSError:
        return 7                                   # TCP_CLOSE
    return struct.unpack("B", info[:1])[0]


def main():
    host = sys.argv[1]
    plan = [(int(p), int(n)) for p, n in (x.split(":") for x in sys.argv[2].split(","))]
    within = float(sys.argv[3])
    shed_ports = ({int(p) for p in sys.argv[4].split(",")} if len(sys.argv) > 4
                  else {p for p, _ in plan})
    socks = []
    for port, n in plan:
        for _ in range(min(n, 500)):               # bounded, whatever the caller asks
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.setblocking(False)
            s.connect_ex((host, port))
            socks.append((port, s))
    t0 = time.monotonic()
    while time.monotonic() - t0 < 3:
        if all(tcp_state(s) != 2 for _, s in socks):   # 2: SYN_SENT
            break
        time.sleep(0.05)
    connected = [(p, s) for p, s in socks if tcp_state(s) == TCP_ESTABLISHED]
    per_port = {}
    for p, _ in connected:
        per_port[p] = per_port.get(p, 0) + 1

    c0 = time.monotonic()
    curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                           "5", "http://%s/" % host], capture_output=True, text=True)
    curl_s = time.monotonic() - c0

    watched = [(p, s) for p, s in connected if p in shed_ports]
    left = len(watched)
    last = 0.0
    if within > 0:
        end = t0 + within
        while time.monotonic() < end:
            left = sum(1 for _, s in watched if tcp_state(s) == TCP_ESTABLISHED)
            if left == 0:
                break
            last = time.monotonic() - t0
            time.sleep(0.1)
    for _, s in socks:
        s.close()
    ok = curl.stdout == "200" and (within <= 0 or left == 0)
    print("idle connections: %d asked, %d established (%s); fresh curl: %s in %.2f s; %s"
          % (len(socks), len(connected),
             ", ".join("port %d: %d" % kv for kv in sorted(per_port.items())),
             curl.stdout or "failed", curl_s,
             "shedding not checked" if within <= 0 else
             "of %d on ports %s, %d still open after %.1f s (bound %.0f s)"
             % (len(watched), ",".join(str(p) for p in sorted(shed_ports)), left,
                max(last, time.monotonic() - t0) if left else last, within)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
