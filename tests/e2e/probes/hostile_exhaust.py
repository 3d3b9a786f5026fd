# send: from the lab's kernel (10.0.0.1, ordinary sockets), N TCP connections (default 40) to
#       the echo server (10.0.0.2:7) of a stack started with a small socket table
#       (--sockets 16), all connect() calls at once, then one line on each; then, in rounds,
#       the connections whose echo came back are closed (our FIN, the stack's FIN), which
#       frees descriptors for the ones still waiting
# expect: the stack serves as many as it has descriptors for; the others wait cleanly in the
#         listen backlog (connected, their line unanswered) or are refused (ECONNREFUSED at
#         connect), never reset once connected; every waiting one is served once the
#         earlier ones are gone; every echo exact; then a fresh connection is served
# RFC 9293 3.5/3.6, RFC 862; docs/limits.md (socket table: accept fails with EMFILE and
# leaves the connection queued, counted as sock.table_full)
# usage: hostile_exhaust.py [N] [SECONDS]
import errno
import os
import select
import socket
import sys
import time

STACK_IP = os.environ.get("E2E_STACK_IP", "10.0.0.2")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 40
LIMIT = float(sys.argv[2]) if len(sys.argv) > 2 else 25.0
ROUND_S = 1.5                      # how long a round waits for echoes before closing


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class Conn:
    def __init__(self, i):
        self.i = i
        self.line = b"connection %02d of %d waits its turn at the echo server\n" % (i, N)
        self.inb = b""
        self.state = "connecting"          # connecting, connected, served, refused, closed
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.s.setblocking(False)
        rc = self.s.connect_ex((STACK_IP, 7))
        if rc not in (0, errno.EINPROGRESS):
            fail("connection %d: connect: %s" % (i, os.strerror(rc)))

    def fileno(self):
        return self.s.fileno()


start = time.monotonic()
conns = [Conn(i) for i in range(N)]


def deadline_check():
    if time.monotonic() - start > LIMIT:
        states = {}
        for c in conns:
            states[c.state] = states.get(c.state, 0) + 1
        fail("not done within %.0f s: %s" % (LIMIT, states))


# Connect: all of them, or refused; SYNs the stack dropped are retransmitted by the kernel.
while any(c.state == "connecting" for c in conns):
    deadline_check()
    pending = [c for c in conns if c.state == "connecting"]
    _, w, _ = select.select([], pending, [], 0.5)
    for c in w:
        err = c.s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err == 0:
            c.state = "connected"
            c.s.sendall(c.line)
        elif err == errno.ECONNREFUSED:
            c.state = "refused"
        else:
            fail("connection %d: %s" % (c.i, os.strerror(err)))
connected = sum(c.state == "connected" for c in conns)
refused = sum(c.state == "refused" for c in conns)
print("%d connections: %d connected, %d refused, in %.2f s" %
      (N, connected, refused, time.monotonic() - start))


def read_some(c):
    try:
        got = c.s.recv(4096)
    except ConnectionResetError:
        fail("connection %d: reset by the stack (state %s, %d bytes back)" %
             (c.i, c.state, len(c.inb)))
    except BlockingIOError:
        return
    if not got:
        fail("connection %d: the stack closed it before echoing (%d bytes back)" %
             (c.i, len(c.inb)))
    c.inb += got
    if len(c.inb) >= len(c.line):
        if c.inb != c.line:
            fail("connection %d: echo %r, sent %r" % (c.i, c.inb[:70], c.line))
        c.state = "served"


def close_clean(c):
    """Our FIN; the echo server answers with its own FIN (it closes after the peer's)."""
    c.s.shutdown(socket.SHUT_WR)
    c.s.setblocking(True)
    c.s.settimeout(3.0)
    try:
        rest = c.s.recv(4096)
    except (socket.timeout, OSError) as e:
        fail("connection %d: no FIN from the stack after ours: %s" % (c.i, e))
    if rest:
        fail("connection %d: %d unexpected bytes after the echo" % (c.i, len(rest)))
    c.s.close()
    c.state = "closed"


rounds = []
while any(c.state == "connected" for c in conns):
    deadline_check()
    t_round = time.monotonic()
    while time.monotonic() - t_round < ROUND_S:
        live = [c for c in conns if c.state == "connected"]
        if not live:
            break
        r, _, _ = select.select(live, [], [], 0.1)
        for c in r:
            read_some(c)
    served = [c for c in conns if c.state == "served"]
    waiting = sum(c.state == "connected" for c in conns)
    rounds.append((len(served), waiting))
    print("round %d (%.1f s): %d served, %d waiting" %
          (len(rounds), time.monotonic() - start, len(served), waiting))
    if not served and waiting:
        fail("%d connections wait and none was served for %.1f s" % (waiting, ROUND_S))
    for c in served:
        close_clean(c)

# A fresh connection, once the crowd is gone.
s = socket.create_connection((STACK_IP, 7), timeout=5)
s.sendall(b"a fresh connection\n")
s.settimeout(3)
got = b""
while len(got) < 19:
    chunk = s.recv(100)
    if not chunk:
        break
    got += chunk
s.close()
if got != b"a fresh connection\n":
    fail("the fresh connection got %r back" % got)
print("every connected one served in %d rounds (at most %d at once), %d refused; a fresh "
      "connection is served; %.1f s" % (len(rounds), max(r[0] for r in rounds) if rounds else 0,
                                        refused, time.monotonic() - start))
