# send: from the lab's kernel (10.0.0.1, ordinary sockets), N connections opened at once (all
#       connect() calls before any data): half to 10.0.0.2:7 (echo: one line each, then our
#       FIN), half to 10.0.0.2:80 (HTTP/1.0 GET / without keep-alive: the server closes first)
# expect: every connection is accepted (SYNs the backlog could not take are retransmitted by
#         the kernel and then served), every echo comes back exactly and ends with the stack's
#         FIN, every HTTP response is "200" with the full Content-Length body and ends with
#         the stack's FIN; no reset, no timeout; all within the time limit
# RFC 9293 3.5/3.6 (open and close, many at once), RFC 862, RFC 9112 9.6
# usage: tcp_many.py [N] [SECONDS]
import errno
import os
import selectors
import socket
import sys
import time

STACK_IP = os.environ.get("E2E_STACK_IP", "10.0.0.2")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
LIMIT = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0


class Conn:
    def __init__(self, i):
        self.i = i
        self.port = 7 if i % 2 == 0 else 80
        if self.port == 7:
            self.out = b"connection %03d says hello to the echo server\n" % i
        else:
            self.out = b"GET / HTTP/1.0\r\nHost: %s\r\n\r\n" % STACK_IP.encode()
        self.inb = b""
        self.sent = 0
        self.done = False
        self.t_end = None
        self.err = None
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.s.setblocking(False)
        rc = self.s.connect_ex((STACK_IP, self.port))
        if rc not in (0, errno.EINPROGRESS):
            self.err = "connect: %s" % os.strerror(rc)

    def judge(self):
        if self.port == 7:
            return None if self.inb == self.out else "echo %r, sent %r" % (self.inb[:60], self.out)
        head, sep, body = self.inb.partition(b"\r\n\r\n")
        if not sep or not head.startswith(b"HTTP/1.1 200") and not head.startswith(b"HTTP/1.0 200"):
            return "bad HTTP response: %r" % self.inb[:80]
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                want = int(line.split(b":", 1)[1])
                if want != len(body):
                    return "body %d bytes, Content-Length %d" % (len(body), want)
                return None
        return "no Content-Length"


start = time.monotonic()
conns = [Conn(i) for i in range(N)]
sel = selectors.DefaultSelector()
for c in conns:
    if c.err is None:
        sel.register(c.s, selectors.EVENT_WRITE | selectors.EVENT_READ, c)
left = sum(1 for c in conns if c.err is None)
while left > 0 and time.monotonic() - start < LIMIT:
    for key, ev in sel.select(timeout=0.5):
        c = key.data
        try:
            if ev & selectors.EVENT_WRITE and c.sent < len(c.out):
                c.sent += c.s.send(c.out[c.sent:])
                if c.sent == len(c.out):
                    if c.port == 7:
                        c.s.shutdown(socket.SHUT_WR)     # our FIN: "that was all"
                    sel.modify(c.s, selectors.EVENT_READ, c)
                continue
            if ev & selectors.EVENT_READ:
                b = c.s.recv(65536)
                if b:
                    c.inb += b
                    continue
                c.done = True                            # the stack's FIN
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EINPROGRESS):
                continue
            c.err = "%s after %d bytes in" % (os.strerror(e.errno), len(c.inb))
        c.t_end = time.monotonic() - start
        sel.unregister(c.s)
        c.s.close()
        left -= 1
elapsed = time.monotonic() - start

bad = 0
for c in conns:
    why = c.err or (None if c.done else "not finished within %.0f s" % LIMIT) or c.judge()
    if why:
        bad += 1
        if bad <= 10:
            print("  connection %d (port %d): %s" % (c.i, c.port, why))
print("%d connections (%d echo, %d HTTP) in %.2f s: %d good, %d bad" %
      (N, (N + 1) // 2, N // 2, elapsed, N - bad, bad))
ends = sorted((c.t_end, c.i, c.port) for c in conns if c.t_end is not None)
if ends:
    print("finished: half by %.3f s, 90%% by %.3f s, the last (connection %d, port %d) at %.3f s" %
          (ends[len(ends) // 2][0], ends[len(ends) * 9 // 10][0], ends[-1][1], ends[-1][2],
           ends[-1][0]))
sys.exit(1 if bad else 0)
