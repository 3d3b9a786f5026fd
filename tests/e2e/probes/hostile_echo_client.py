# send: from the lab's kernel (10.0.0.1, an ordinary socket), one TCP connection to the echo
#       server (10.0.0.2:7), then a numbered line every 100 ms until STOPFILE appears (or
#       MAX_S seconds pass); meant to run while t_hostile.sh floods the stack
# expect: every line comes back, exactly and in order, within LATE_S seconds (default 2); the
#         connection is never reset or closed by the stack; prints "connected" as soon as the
#         handshake is done (the caller waits for it before it starts the flood), then the
#         number of lines, the worst and the median echo time
# RFC 862, RFC 9293 (an established connection survives a SYN flood at its listener)
# usage: hostile_echo_client.py STOPFILE [MAX_S] [LATE_S]
import os
import socket
import sys
import time

STACK_IP = os.environ.get("E2E_STACK_IP", "10.0.0.2")
stopfile = sys.argv[1]
max_s = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
late_s = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0

s = socket.create_connection((STACK_IP, 7), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print("connected from %s:%d" % s.getsockname(), flush=True)

start = time.monotonic()
times = []
n = 0
buf = b""
try:
    while not os.path.exists(stopfile) and time.monotonic() - start < max_s:
        line = b"line %06d from the echo client that outlives the flood\n" % n
        t0 = time.monotonic()
        s.sendall(line)
        while len(buf) < len(line):
            left = late_s - (time.monotonic() - t0)
            if left <= 0:
                sys.exit("FAIL: line %d: %d of %d bytes back after %.1f s" %
                         (n, len(buf), len(line), late_s))
            s.settimeout(left)
            try:
                got = s.recv(4096)
            except socket.timeout:
                continue
            if not got:
                sys.exit("FAIL: line %d: the stack closed the connection" % n)
            buf += got
        if buf[:len(line)] != line:
            sys.exit("FAIL: line %d: echo %r, sent %r" % (n, buf[:len(line)], line))
        buf = buf[len(line):]
        times.append(time.monotonic() - t0)
        n += 1
        time.sleep(max(0.0, 0.1 - (time.monotonic() - t0)))
except OSError as e:
    sys.exit("FAIL: line %d: %s" % (n, e))
s.close()
times.sort()
if n == 0:
    sys.exit("FAIL: no line sent")
print("%d lines echoed in %.1f s, each within %.1f s: median %.2f ms, worst %.2f ms" %
      (n, time.monotonic() - start, late_s, 1000 * times[n // 2], 1000 * times[-1]))
