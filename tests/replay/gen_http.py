#!/usr/bin/python3
"""gen_http.py - replay vectors through the HTTP server on port 80 (RFC 9110, RFC 9112), and
the TCP vectors in which the stack closes first (the HTTP server is the service that does:
it closes after a response to an HTTP/1.0 request or to `Connection: close`).

    tests/replay/gen_http.py [--out DIR] [--list] [NAME...]

The expected response bodies are the files under apps/www as they are when the vector is
generated (a changed file shows up in `make vectors`). The response head is the server's
(apps/http.c): its field order and `Server: tapstack` are the server's choice (RFC 9110 5.3:
the order of different field names does not matter), so the .assert checks the fields that
matter (status line, Content-Type, Content-Length, Connection) and the body.

NOT DETERMINISTIC YET: apps/http.c takes Date from the wall clock (time(NULL)) and
Last-Modified from the file's mtime (the checkout's time), not from the replay's virtual
clock. Their values (29 bytes each, IMF-fixdate, so the lengths are fixed) and the TCP
checksum of the segment that carries them are `volatile` in the .assert: run.sh does not
compare those bytes. The expected capture holds placeholders: T0 + the virtual time for
Date, T0 for Last-Modified. Every other byte, and every TCP field, is compared.
"""
import email.utils
import os

from veclib import (Vector, main, hello, host_arp_request, expect_arp_reply, expect_tcp, Conn,
                    T0_US, TCP_MSS, TCP_MSL_S, us)

HTTP = 80
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WWW = "apps/www"
DATA_OFF = 14 + 20 + 20            # a frame's TCP data starts here (no IP or TCP options)
TCP_CSUM = (14 + 20 + 16, 14 + 20 + 18)
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8"}


def imf_date(t_us):
    """RFC 9110 5.6.7 IMF-fixdate of the capture time T0 + t_us: 'Tue, 14 Nov 2023 ...'."""
    return email.utils.formatdate((T0_US + t_us) // 10**6, usegmt=True)


def request(target, version="HTTP/1.1", close=True):
    """What curl sends (RFC 9112 3: request line, Host MUST be sent in HTTP/1.1)."""
    lines = ["GET %s %s" % (target, version), "Host: 10.0.0.2", "User-Agent: curl/7.88.1",
             "Accept: */*"]
    if close and version == "HTTP/1.1":
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Response:
    """The 200 response for a file of apps/www, as the server writes it, and where its
    volatile values lie (offsets into the response bytes)."""

    def __init__(self, path, t):
        self.rel = WWW + ("/index.html" if path.endswith("/") else path)
        with open(os.path.join(ROOT, self.rel), "rb") as f:
            self.body = f.read()
        self.type = TYPES[os.path.splitext(self.rel)[1]]
        date, lm = imf_date(us(t)), imf_date(0)
        head = ("HTTP/1.1 200 OK\r\nDate: %s\r\nServer: tapstack\r\nConnection: close\r\n"
                "Content-Type: %s\r\nContent-Length: %d\r\nLast-Modified: %s\r\n\r\n"
                % (date, self.type, len(self.body), lm)).encode()
        self.head = head
        self.bytes = head + self.body
        self.volatile = []
        for name, value in ((b"\r\nDate: ", date), (b"\r\nLast-Modified: ", lm)):
            at = head.index(name) + len(name)
            self.volatile.append((at, at + len(value)))

    def head_fields(self):
        return ('http.version=HTTP/1.1 http.status=200 http.reason=OK '
                'http.header.content-type="%s" http.header.content-length=%d '
                'http.header.connection=close' % (self.type, len(self.body)))


def send_response(v, c, t, resp, why_more=""):
    """The response in segments of at most the peer's MSS (1460), all at t: the initial window
    (RFC 5681 3.1: 3 * SMSS = 4380 bytes for SMSS 1460) and the peer's window take them all,
    and the server has set TCP_NODELAY, so the short last segment does not wait (Nagle off,
    RFC 9293 3.7.4). Each carries PSH and the ACK of the request. The volatile bytes (Date,
    Last-Modified, the TCP checksum) are marked; the first segment's assertions check the head."""
    data, off, first = resp.bytes, 0, None
    while off < len(data):
        seg = data[off:off + TCP_MSS]
        hl = len(resp.head)
        if off == 0:
            ref = None
            extra = resp.head_fields() + " http.body=file:%s[0:%d]" % (resp.rel, len(seg) - hl)
        else:
            ref = "file:%s[%d:%d]" % (resp.rel, off - hl, off - hl + len(seg))
            extra = ""
        k = c.stack(t, "PA", data=seg, data_ref=ref or "hex:" + seg.hex(),
                    why="the response, bytes %d-%d of %d (%s): RFC 9293 3.7.1 segments of at "
                    "most the peer's MSS 1460; RFC 5681 3.1 initial window 3 * 1460 and "
                    "TCP_NODELAY: all at once; ACK = the end of the request (piggybacked, RFC "
                    "9293 3.10.7.4); window: the request was read, right edge held (RFC 1122 "
                    "4.2.3.3)%s" % (off, off + len(seg) - 1, len(data),
                                    "the head, RFC 9112 4 status line; RFC 9110 8.3 "
                                    "Content-Type, 8.6 Content-Length = the file's size; "
                                    "RFC 9112 9.6 Connection: close; then the file"
                                    if off == 0 else "the file's bytes", why_more))
        if off == 0:
            first = k
            # the head's fields, checked on the real bytes (the volatile ones are not compared)
            fields, why = v.out_asserts[-1][1], v.out_asserts[-1][2]
            if ref is None:
                fields = fields.replace(" tcp.data=hex:" + seg.hex(), "")
            v.out_asserts[-1] = (v.out_asserts[-1][0], fields + " " + extra, why)
            v.volatile(k, [(a + DATA_OFF, b + DATA_OFF) for a, b in resp.volatile] + [TCP_CSUM],
                       "the Date and Last-Modified values and so the TCP checksum: apps/http.c "
                       "takes Date from the wall clock and Last-Modified from the file's mtime, "
                       "not from the replay's virtual clock; the expected capture holds "
                       "placeholders (T0 + virtual time, T0); tcp.chksum_ok checks the real one")
        off += len(seg)
    return first


def http_get():
    v = Vector("http-get",
               "GET / HTTP/1.1 with Connection: close gets 200 with the bytes of "
               "apps/www/index.html (Content-Type text/html, Content-Length = its size) in "
               "segments of 1460, 1460 and the rest, then the server closes: FIN, and after "
               "the client's FIN an ACK (TIME-WAIT). NOT YET DETERMINISTIC: Date and "
               "Last-Modified (apps/http.c: wall clock, file mtime) are not compared",
               "RFC 9110 9.3.1 (GET), 6.6.1 (Date), 8.3, 8.6; RFC 9112 4, 9.6 (close); RFC 9293 "
               "3.7.1 (MSS), 3.6 / 3.10.4 (the server closes first); RFC 5681 3.1 (initial "
               "window)")
    hello(v)
    c = Conn(v, dport=HTTP, irs=0x48545450, sport=41000)
    c.open(0.010, ack_t=0.020)
    req = request("/")
    c.peer(0.030, "PA", 1, 1, req, note="(GET / HTTP/1.1, Host, User-Agent, Accept, "
           "Connection: close: %d bytes)" % len(req))
    c.rcv(len(req))
    resp = Response("/", 0.030)
    send_response(v, c, 0.030, resp)
    L = len(resp.bytes)
    c.stack(0.030, "FA", why="the response is complete and the server closes (RFC 9112 9.6): "
            "RFC 9293 3.10.4 CLOSE, <SEQ=SND.NXT><CTL=FIN,ACK> after the data, ESTABLISHED -> "
            "FIN-WAIT-1; a segment of its own (the data had gone when the server closed)")
    c.peer(0.040, "A", 1 + len(req), 1 + 2 * TCP_MSS, note="(the client ACKs two segments)  "
           "-> no answer")
    c.peer(0.041, "FA", 1 + len(req), L + 2, note="(the client ACKs everything, our FIN "
           "included, and closes)")
    c.rcv(1)
    c.stack(0.041, "A", why="RFC 9293 3.10.7.4 fifth: our FIN is acknowledged, FIN-WAIT-1 -> "
            "FIN-WAIT-2; eighth: the client's FIN: ACK it at once, FIN-WAIT-2 -> TIME-WAIT")
    v.total("the SYN-ACK, the response in 3 segments, the FIN, the ACK of the client's FIN; "
            "nothing else (TIME-WAIT lasts 2 MSL = %d s, beyond the replay's end)"
            % (2 * TCP_MSL_S))
    return v


def tcp_fin_from_stack():
    v = Vector("tcp-fin-from-stack",
               "active close: the HTTP server answers an HTTP/1.0 request and closes first: "
               "FIN (FIN-WAIT-1), the client's ACK (FIN-WAIT-2), the client's FIN gets an ACK "
               "(TIME-WAIT); a retransmitted FIN is ACKed again and restarts the 2 MSL timer: an "
               "old segment 1 us before its end gets an ACK, one at its end a RST. NOT YET "
               "DETERMINISTIC: Date and Last-Modified of the response are not compared",
               "RFC 9293 3.6 (case 1: the local user closes first), 3.10.4 (CLOSE), 3.10.7.4 "
               "fifth and eighth (FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT; in TIME-WAIT a FIN is "
               "ACKed and restarts 2 MSL; an unacceptable segment gets an ACK), 3.4.2 (2 MSL); "
               "3.10.7.2 (LISTEN: an ACK gets a RST); MSL 30 s is the stack's configuration")
    hello(v)
    c = Conn(v, dport=HTTP, irs=0x31300000, sport=41001)
    c.open(0.010, ack_t=0.020)
    req = request("/style.css", version="HTTP/1.0")
    n_req = c.peer(0.030, "PA", 1, 1, req, note="(GET /style.css HTTP/1.0: the server will close "
                   "after the response, RFC 9112 9.3)")
    c.rcv(len(req))
    resp = Response("/style.css", 0.030)
    send_response(v, c, 0.030, resp)
    L = len(resp.bytes)
    c.stack(0.030, "FA", why="the server closes after the response to an HTTP/1.0 request "
            "(RFC 9112 9.3): RFC 9293 3.10.4 CLOSE in ESTABLISHED: <SEQ=SND.NXT><CTL=FIN,ACK>, "
            "-> FIN-WAIT-1")
    c.peer(0.040, "A", 1 + len(req), L + 2, note="(ACKs the response and the FIN: "
           "FIN-WAIT-2)  -> no answer")
    c.peer(0.050, "FA", 1 + len(req), L + 2, note="(the client's FIN)")
    c.rcv(1)
    c.stack(0.050, "A", why="RFC 9293 3.10.7.4 eighth: FIN in FIN-WAIT-2: ACK it at once, -> "
            "TIME-WAIT (2 MSL timer starts)")
    c.peer(0.060, "FA", 1 + len(req), L + 2, note="(the client's FIN again, as if our ACK was "
           "lost)")
    c.stack(0.060, "A", why="RFC 9293 3.10.7.4 (TIME-WAIT): 'The only thing that can arrive in "
            "this state is a retransmission of the remote FIN. Acknowledge it, and restart the 2 "
            "MSL timeout': the same ACK again; TIME-WAIT now ends at 0.060 + 2 MSL = %d.060"
            % (2 * TCP_MSL_S))
    end = 0.060 + 2 * TCP_MSL_S
    v.send(30.0, host_arp_request(), "ARP request who-has 10.0.0.2 tell 10.0.0.1 (the client "
           "asks again, as hosts do: the stack's entry for it would expire at 60 s)")
    expect_arp_reply(v, 30.0, why="RFC 826: the request is answered, and the merge rule "
                     "refreshes the entry for 10.0.0.1 (60 s more, the stack's configuration), so "
                     "the segments at 60.06 need no ARP")
    c.peer(end - 0.000001, "PA", 1, 1, req, note="(an old duplicate of the request, 1 us "
           "before TIME-WAIT ends)")
    c.stack(end - 0.000001, "A", why="still TIME-WAIT: the segment is not acceptable (before "
            "RCV.NXT), RFC 9293 3.10.7.4 first: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; 2 MSL = %d s "
            "(MSL %d s, the stack's configuration) have not passed since 0.060" % (2 * TCP_MSL_S,
                                                                                  TCP_MSL_S))
    n = c.peer(end, "PA", 1, 1, req, note="(the same duplicate, exactly 2 MSL after the "
               "restart)")
    expect_tcp(v, end, v.take_k(), HTTP, c.sport, (c.iss + 1) & 0xFFFFFFFF, 0, "R", 0,
               seq_ref="in[%d].tcp.ack" % n, ack_ref="",
               why="TIME-WAIT ended at exactly 0.060 + 2 MSL (timers due at an instant fire "
               "before its frames, docs/replay.md) and the TCB is deleted (RFC 9293 3.10.7.4); "
               "the port's listener answers the duplicate, RFC 9293 3.10.7.2 LISTEN: an ACK "
               "gets <SEQ=SEG.ACK><CTL=RST>")
    v.total("the SYN-ACK, the response, the FIN, the ACK of the FIN, the ACK of the "
            "retransmitted FIN, the ARP reply at 30 s, the ACK and then the RST for the "
            "duplicates; no FIN "
            "retransmission (the FIN was ACKed); nothing at the end (no connection open)")
    del n_req
    return v


def tcp_simultaneous_close():
    v = Vector("tcp-simultaneous-close",
               "simultaneous close: the HTTP server closes after its response while the "
               "client's FIN (sent before it saw the response) is on its way: FIN-WAIT-1 -> "
               "CLOSING, the client's FIN is ACKed; the client's ACK of our FIN -> TIME-WAIT, "
               "and our FIN is not sent again. NOT YET DETERMINISTIC: Date and Last-Modified of "
               "the response are not compared",
               "RFC 9293 3.6 (case 3: both close simultaneously, figure 13), 3.10.7.4 eighth "
               "(FIN in FIN-WAIT-1, our FIN not yet ACKed: CLOSING) and fifth (CLOSING: our FIN "
               "ACKed -> TIME-WAIT); RFC 6298 5.2")
    hello(v)
    c = Conn(v, dport=HTTP, irs=0x5C000000, sport=41002)
    c.open(0.010, ack_t=0.020)
    req = request("/style.css", version="HTTP/1.0")
    c.peer(0.030, "PA", 1, 1, req, note="(GET /style.css HTTP/1.0)")
    c.rcv(len(req))
    resp = Response("/style.css", 0.030)
    send_response(v, c, 0.030, resp)
    L = len(resp.bytes)
    c.stack(0.030, "FA", why="the server closes after the response (RFC 9112 9.3): RFC 9293 "
            "3.10.4 CLOSE: <SEQ=SND.NXT><CTL=FIN,ACK>, -> FIN-WAIT-1")
    c.peer(0.031, "FA", 1 + len(req), 1, note="(the client's FIN, sent before it received "
           "anything: ACK = ISS+1)")
    c.rcv(1)
    c.stack(0.031, "A", why="RFC 9293 3.10.7.4 eighth: a FIN in FIN-WAIT-1 whose segment does not "
            "acknowledge our FIN: ACK it at once, FIN-WAIT-1 -> CLOSING (3.6 case 3); SEQ = "
            "SND.NXT, after our FIN")
    c.peer(0.040, "A", 2 + len(req), L + 2, note="(the client ACKs the response and our FIN: "
           "CLOSING -> TIME-WAIT)  -> no answer")
    v.total("the SYN-ACK, the response, the FIN, the ACK of the client's FIN; no FIN "
            "retransmission at 1.030 (our FIN was ACKed: RFC 6298 5.2) and nothing at the end")
    return v


VECTORS = [http_get, tcp_fin_from_stack, tcp_simultaneous_close]

if __name__ == "__main__":
    main(VECTORS)
