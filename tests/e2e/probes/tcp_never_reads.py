# send: from the lab's kernel (10.0.0.1), a connection to 10.0.0.2:19 (chargen) with a 32 KiB
#       receive buffer, then nothing: the client never reads, for SECONDS seconds; then close
# expect: the connection opens; the stack fills the client's buffer and stops there (the kernel
#         then advertises a zero window); the script reports how many bytes wait unread in the
#         kernel (FIONREAD) halfway and at the end, so the shell can tell the window closed;
#         the stack's memory and its other services are judged by the shell meanwhile
# RFC 9293 3.8.6 (flow control: the sender respects the window), 3.8.6.1 (zero-window probes),
# RFC 864
# usage: tcp_never_reads.py [SECONDS]
import fcntl
import os
import socket
import struct
import sys
import termios
import time

STACK_IP = os.environ.get("E2E_STACK_IP", "10.0.0.2")
secs = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
s.settimeout(5)
s.connect((STACK_IP, 19))
print("connected from port %d; not reading for %.1f s" % (s.getsockname()[1], secs), flush=True)


def unread():
    return struct.unpack("i", fcntl.ioctl(s.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


time.sleep(secs / 2)
mid = unread()
time.sleep(secs / 2)
end = unread()
print("unread bytes in the kernel: %d halfway, %d at the end" % (mid, end))
s.close()
if end == 0:
    sys.exit("nothing arrived: chargen did not send")
if end > 4 * 1024 * 1024:
    sys.exit("the kernel holds %d bytes: the window was not respected?" % end)
print("ok: the stack filled the window and stopped (%d bytes waiting, unchanged: %s)" %
      (end, end == mid))
