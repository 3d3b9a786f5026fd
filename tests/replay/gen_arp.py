#!/usr/bin/python3
"""gen_arp.py - ARP replay vectors (RFC 826, RFC 1122 2.3.2, RFC 5227).

    tests/replay/gen_arp.py [--out DIR] [--list] [NAME...]

Each function returns one Vector; its expected frames are stated from the RFC rules in
veclib.expect_* (never by running the stack). See pcap/README.md for the list.
"""
from veclib import (Vector, main, hello, host_arp_request, host_arp_reply, echo_request,
                    expect_announce, expect_arp_reply, expect_arp_request, expect_echo_reply,
                    pad60, patch, Ether, ARP,
                    HOST_MAC, HOST_IP, HOST_MAC2, PEER_MAC, PEER_IP, FAR_MAC, FAR_IP, STACK_IP,
                    BCAST_MAC, ZERO_MAC, ARP_RETRY_S, ARP_TRIES, ARP_PENDING, ARP_REACHABLE_S,
                    ARP_LOCKTIME_S)


def arp_request():
    v = Vector("arp-request",
               "a request for our address gets one reply carrying our MAC, sent to the asker",
               "RFC 826 packet reception; RFC 5227 2.3 announcement at start")
    hello(v)
    v.total("one reply per request; nothing else")
    return v


def arp_other_host():
    return dropped_arp(
        "arp-other-host",
        "a request for another host's address (10.0.0.3) gets no reply",
        "RFC 826: '?Am I the target protocol address? No: done'",
        [(0.010, host_arp_request(target=PEER_IP), "ARP request who-has 10.0.0.3 tell 10.0.0.1")])


def dropped_arp(name, proves, rfc, bad):
    """Like veclib.dropped, with a second ARP request for us as the control."""
    v = Vector(name, proves, rfc)
    v.send(0.0, host_arp_request(target="10.0.0.4"), "ARP request who-has 10.0.0.4 tell 10.0.0.1")
    expect_announce(v)
    for t, frame, note in bad:
        v.send(t, frame, note + "  -> no reply")
    v.send(0.100, host_arp_request(), "ARP request who-has 10.0.0.2 tell 10.0.0.1 (the control)")
    expect_arp_reply(v, 0.100, why="RFC 826: the control request for our address is answered")
    v.total("only the announcement and the control's reply (%s)" % rfc)
    return v


def arp_malformed():
    good = host_arp_request(target="10.0.0.2")
    return dropped_arp(
        "arp-malformed",
        "requests for our address with a foreign hardware type, a foreign protocol type, "
        "wrong address lengths, an unknown opcode or a truncated body get no reply",
        "RFC 826 reception: '?Do I have the hardware type in ar$hrd? ... ?Do I speak the "
        "protocol in ar$pro?' else discard; opcodes other than request/reply (RFC 903 RARP) "
        "are not ARP's",
        [(0.010, patch(good, 14, b"\x00\x06", False), "ARP request, hardware type 6 (IEEE 802)"),
         (0.011, patch(good, 16, b"\x86\xdd", False), "ARP request, protocol type 0x86dd"),
         (0.012, patch(good, 18, b"\x08", False), "ARP request, hardware length 8"),
         (0.013, patch(good, 19, b"\x10", False), "ARP request, protocol length 16"),
         (0.014, patch(good, 20, b"\x00\x03", False), "ARP opcode 3 (RARP request)"),
         (0.015, good[:14 + 20], "ARP request cut to 20 of its 28 bytes (34-byte runt frame)")])


def arp_gratuitous_peer():
    v = Vector("arp-gratuitous-peer",
               "a peer's gratuitous ARP (its own announcement) gets no reply and creates no "
               "entry: a later datagram for that peer makes the stack ask for its MAC",
               "RFC 826 merge rule: update only an existing entry, add only when we are the "
               "target; RFC 5227 3")
    v.send(0.0, pad60(Ether(dst=BCAST_MAC, src=HOST_MAC) /
                      ARP(op=1, hwsrc=HOST_MAC, psrc=HOST_IP, hwdst=ZERO_MAC, pdst=HOST_IP)),
           "gratuitous ARP from 10.0.0.1 (request, sender IP = target IP = 10.0.0.1)  -> no reply")
    expect_announce(v)
    n = v.send(0.010, echo_request(seq=1), "echo request seq 1 from 10.0.0.1")
    expect_arp_request(v, 0.010, HOST_IP,
                       "RFC 826: the gratuitous ARP did not target us and 10.0.0.1 had no entry, "
                       "so nothing was learned: the stack must ask before it can reply")
    v.send(0.015, host_arp_reply(), "ARP reply 10.0.0.1 is-at %s" % HOST_MAC)
    expect_echo_reply(v, 0.015, n, 0,
                      why="RFC 1122 2.3.2.2: the reply held during resolution goes out when the "
                      "ARP reply arrives; RFC 792 echo reply, first IP ID of its counter")
    v.total("no reply to the gratuitous ARP; one ARP request, one echo reply")
    return v


def arp_gratuitous_update():
    t = ARP_LOCKTIME_S + 0.010
    v = Vector("arp-gratuitous-update",
               "a gratuitous ARP from a known host with a new MAC, after the locktime, updates the "
               "cache: the next reply goes to the new MAC, and the gratuitous ARP itself is not "
               "answered",
               "RFC 826 merge rule ('update the sender hardware address'); RFC 5227 3; the "
               "%g s locktime (as Linux) is the stack's configuration" % ARP_LOCKTIME_S)
    hello(v)
    v.send(t, pad60(Ether(dst=BCAST_MAC, src=HOST_MAC2) /
                    ARP(op=1, hwsrc=HOST_MAC2, psrc=HOST_IP, hwdst=ZERO_MAC, pdst=HOST_IP)),
           "gratuitous ARP: 10.0.0.1 is now at %s, %g s after it was learned  -> no reply"
           % (HOST_MAC2, t))
    n = v.send(t + 0.010, echo_request(seq=1, src_mac=HOST_MAC2),
               "echo request seq 1 from 10.0.0.1 (%s)" % HOST_MAC2)
    expect_echo_reply(v, t + 0.010, n, 0, to_mac=HOST_MAC2,
                      why="RFC 826 merge: the entry for 10.0.0.1 now holds %s, so the echo reply "
                      "goes there (no new ARP request needed)" % HOST_MAC2)
    v.total("announcement, reply to the first request, the echo reply; nothing for the "
            "gratuitous ARP")
    return v


def arp_locktime():
    t2 = ARP_LOCKTIME_S + 0.010
    v = Vector("arp-locktime",
               "a forged reply and a gratuitous ARP giving 10.0.0.1 a new MAC within %g s of "
               "learning it change nothing (echo replies still go to the old MAC); the same "
               "reply after the locktime is taken" % ARP_LOCKTIME_S,
               "RFC 826 merge rule, held back for the locktime as Linux does (first answer "
               "wins); RFC 5227 3")
    hello(v)
    v.send(0.010, host_arp_reply(src_mac=HOST_MAC2),
           "ARP reply 10.0.0.1 is-at %s (forged, 10 ms after it was learned)  -> ignored"
           % HOST_MAC2)
    n1 = v.send(0.020, echo_request(seq=1), "echo request seq 1 from 10.0.0.1 (%s)" % HOST_MAC)
    expect_echo_reply(v, 0.020, n1, 0,
                      why="the locktime kept 10.0.0.1 at %s: the forged reply was ignored"
                      % HOST_MAC)
    v.send(0.500, pad60(Ether(dst=BCAST_MAC, src=HOST_MAC2) /
                        ARP(op=1, hwsrc=HOST_MAC2, psrc=HOST_IP, hwdst=ZERO_MAC, pdst=HOST_IP)),
           "gratuitous ARP: 10.0.0.1 is at %s, 0.5 s after it was learned  -> ignored, no reply"
           % HOST_MAC2)
    n2 = v.send(0.510, echo_request(seq=2), "echo request seq 2 from 10.0.0.1 (%s)" % HOST_MAC)
    expect_echo_reply(v, 0.510, n2, 1,
                      why="still %s: a gratuitous ARP obeys the locktime too" % HOST_MAC)
    v.send(t2, host_arp_reply(src_mac=HOST_MAC2),
           "ARP reply 10.0.0.1 is-at %s, %g s after it was learned  -> taken" % (HOST_MAC2, t2))
    n3 = v.send(t2 + 0.010, echo_request(seq=3, src_mac=HOST_MAC2),
                "echo request seq 3 from 10.0.0.1 (%s)" % HOST_MAC2)
    expect_echo_reply(v, t2 + 0.010, n3, 2, to_mac=HOST_MAC2,
                      why="RFC 826 merge after the %g s locktime: 10.0.0.1 is now at %s"
                      % (ARP_LOCKTIME_S, HOST_MAC2))
    v.total("no answer to the replies or the gratuitous ARP; three echo replies, the first two "
            "to %s, the last to %s" % (HOST_MAC, HOST_MAC2))
    return v


def arp_unsolicited():
    v = Vector("arp-unsolicited",
               "an ARP reply to us that nobody asked for (10.0.0.3 is-at ...) creates no entry: "
               "an echo request from 10.0.0.3 then makes the stack ask for its MAC",
               "RFC 826 merge rule as Linux applies it with arp_accept=0: only a request for "
               "our address (or our own request) creates an entry")
    v.send(0.0, host_arp_reply(src_mac=PEER_MAC, src_ip=PEER_IP),
           "ARP reply 10.0.0.3 is-at %s, unsolicited  -> ignored" % PEER_MAC)
    expect_announce(v)
    n = v.send(0.010, echo_request(seq=1, src=PEER_IP, src_mac=PEER_MAC),
               "echo request seq 1 from 10.0.0.3 (%s)" % PEER_MAC)
    expect_arp_request(v, 0.010, PEER_IP,
                       "the unsolicited reply taught nothing: to answer 10.0.0.3 the stack asks")
    v.send(0.015, host_arp_reply(src_mac=PEER_MAC, src_ip=PEER_IP),
           "ARP reply 10.0.0.3 is-at %s, to the stack's request" % PEER_MAC)
    expect_echo_reply(v, 0.015, n, 0, to_mac=PEER_MAC,
                      why="RFC 1122 2.3.2.2: the held echo reply leaves when the asked-for reply "
                      "arrives; first IP ID")
    v.total("the announcement, one ARP request, one echo reply; nothing for the unsolicited reply")
    return v


def arp_off_subnet():
    return dropped_arp(
        "arp-off-subnet",
        "requests for our address from senders outside 10.0.0.0/24 (192.168.7.7), from the "
        "subnet's broadcast address or from its number get no reply and teach nothing",
        "RFC 1122 3.3.1.1: the stack only ever asks for on-link addresses, so an off-link "
        "sender's MAC is of no use",
        [(0.010, host_arp_request(src_ip="192.168.7.7"),
          "ARP request who-has 10.0.0.2 tell 192.168.7.7"),
         (0.011, host_arp_request(src_ip="10.0.0.255"),
          "ARP request who-has 10.0.0.2 tell 10.0.0.255 (the subnet broadcast)"),
         (0.012, host_arp_request(src_ip="10.0.0.0"),
          "ARP request who-has 10.0.0.2 tell 10.0.0.0 (the subnet number)")])


def arp_probe():
    v = Vector("arp-probe",
               "an RFC 5227 probe for our address (sender IP 0.0.0.0) is answered, so the prober "
               "sees the address is taken; the reply's target IP is the probe's sender IP, 0.0.0.0",
               "RFC 5227 2.1.1 (a reply from the owner is how a conflict is detected); RFC 826 "
               "reply: swap sender and target fields")
    v.send(0.0, pad60(Ether(dst=BCAST_MAC, src=PEER_MAC) /
                      ARP(op=1, hwsrc=PEER_MAC, psrc="0.0.0.0", hwdst=ZERO_MAC, pdst=STACK_IP)),
           "ARP probe from %s: who-has 10.0.0.2, sender IP 0.0.0.0" % PEER_MAC)
    expect_announce(v)
    expect_arp_reply(v, 0.0, to_mac=PEER_MAC, to_ip="0.0.0.0",
                     why="RFC 826: reply to the asker (hardware %s, protocol address 0.0.0.0 "
                     "as it was in the sender field); RFC 5227 2.1.1" % PEER_MAC)
    v.total("one reply to the probe")
    return v


def arp_retry():
    v = Vector("arp-retry",
               "resolving a host that never answers: ARP requests at exactly 1 s intervals, %d in "
               "total, then the stack gives up (and a later datagram starts a fresh round)"
               % ARP_TRIES,
               "RFC 1122 2.3.2.1 (no more than one request per second per destination; give up "
               "eventually); retries = %d, interval = %g s are the stack's configuration"
               % (ARP_TRIES, ARP_RETRY_S))
    v.send(0.0, echo_request(seq=1, src=FAR_IP, src_mac=FAR_MAC),
           "echo request seq 1 from 10.0.0.5 (%s), whose MAC the stack has never learned "
           "from ARP" % FAR_MAC)
    expect_announce(v)
    for i in range(ARP_TRIES):
        expect_arp_request(v, i * ARP_RETRY_S, FAR_IP,
                           "RFC 1122 2.3.2.1: request %d of %d for 10.0.0.5 (to send the echo "
                           "reply), %g s after the previous one" % (i + 1, ARP_TRIES, ARP_RETRY_S)
                           if i else "RFC 826: the echo reply needs 10.0.0.5's MAC: ask "
                           "(request 1 of %d); the reply waits (RFC 1122 2.3.2.2)" % ARP_TRIES)
    t2 = ARP_TRIES * ARP_RETRY_S + 0.5
    v.send(t2, echo_request(seq=2, src=FAR_IP, src_mac=FAR_MAC),
           "echo request seq 2 from 10.0.0.5, after the stack gave up at t=%g" % (ARP_TRIES * ARP_RETRY_S))
    for i in range(ARP_TRIES):
        expect_arp_request(v, t2 + i * ARP_RETRY_S, FAR_IP,
                           "a fresh round for the new datagram: request %d of %d%s"
                           % (i + 1, ARP_TRIES, " (the first round's entry was removed when the "
                              "stack gave up; were it still incomplete, nothing would be sent)"
                              if i == 0 else ", %g s after the previous one" % ARP_RETRY_S))
    v.total("3 requests per round at 1 s intervals and no 4th (it would be at t=%g and t=%g); "
            "never an echo reply; the 5 s drain covers both give-ups"
            % (ARP_TRIES * ARP_RETRY_S, t2 + ARP_TRIES * ARP_RETRY_S))
    return v


def arp_resolve_hold():
    v = Vector("arp-resolve-hold",
               "an echo request from a host whose MAC is unknown: the stack asks, holds the "
               "reply, and sends it the moment the ARP reply arrives",
               "RFC 826; RFC 1122 2.3.2.2 (save the packet while resolving)")
    n = v.send(0.0, echo_request(seq=1), "echo request seq 1 from 10.0.0.1 (no ARP exchanged yet)")
    expect_announce(v)
    expect_arp_request(v, 0.0, HOST_IP, "RFC 826: the echo reply needs 10.0.0.1's MAC: ask")
    v.send(0.005, host_arp_reply(), "ARP reply 10.0.0.1 is-at %s" % HOST_MAC)
    expect_echo_reply(v, 0.005, n, 0,
                      why="RFC 1122 2.3.2.2: the held echo reply leaves when the MAC is known, "
                      "to that MAC; first IP ID of its counter")
    v.total("the ARP reply itself is not answered (RFC 826: only requests are)")
    return v


def arp_queue_keeps_latest():
    n_req = ARP_PENDING + 2
    v = Vector("arp-queue-keeps-latest",
               "%d echo requests while 10.0.0.1 is unresolved: the stack holds at most %d "
               "replies and, when it must drop, keeps the latest; after the ARP reply it sends "
               "the replies to seq %d..%d" % (n_req, ARP_PENDING, n_req - ARP_PENDING + 1, n_req),
               "RFC 1122 2.3.2.2 ('SHOULD save at least one (the latest) packet'); the %d-packet "
               "bound is the stack's configuration" % ARP_PENDING)
    reqs = []
    for s in range(1, n_req + 1):
        reqs.append(v.send((s - 1) * 0.001, echo_request(seq=s),
                           "echo request seq %d from 10.0.0.1 (unresolved)" % s))
        if s == 1:
            expect_announce(v)
            expect_arp_request(v, 0.0, HOST_IP,
                               "RFC 826: ask for 10.0.0.1 once; later replies join the queue "
                               "(RFC 1122 2.3.2.1: no more than one request per second)")
    v.send(0.010, host_arp_reply(), "ARP reply 10.0.0.1 is-at %s" % HOST_MAC)
    # Each reply took its IP ID when IP sent it (k = seq - 1); the oldest ones were dropped.
    for s in range(1, n_req - ARP_PENDING + 1):
        v.ipid_skip(s - 1, STACK_IP, HOST_IP, 1)
    for s in range(n_req - ARP_PENDING + 1, n_req + 1):
        expect_echo_reply(v, 0.010, reqs[s - 1], s - 1,
                          why="RFC 1122 2.3.2.2: the latest %d held replies leave in order when "
                          "the MAC arrives; this one (seq %d) took its IP ID (the stack's datagram "
                          "%d, all through one counter) when IP sent it" % (ARP_PENDING, s, s - 1))
    v.total("one ARP request, then the %d latest echo replies; the replies to seq 1..%d were "
            "the oldest and dropped" % (ARP_PENDING, n_req - ARP_PENDING))
    return v


def arp_expiry():
    t = ARP_REACHABLE_S + 1.0
    v = Vector("arp-expiry",
               "a cache entry expires %d s after it was learned: a datagram for the host after "
               "that needs a new ARP request" % ARP_REACHABLE_S,
               "RFC 1122 2.3.2.1 (MUST flush out-of-date entries); %d s is the stack's "
               "configuration" % ARP_REACHABLE_S)
    hello(v)
    n1 = v.send(0.010, echo_request(seq=1), "echo request seq 1")
    expect_echo_reply(v, 0.010, n1, 0, why="10.0.0.1's MAC is known from its request at t=0")
    n2 = v.send(t, echo_request(seq=2), "echo request seq 2, %g s later" % t)
    expect_arp_request(v, t, HOST_IP,
                       "RFC 1122 2.3.2.1: the entry learned at t=0 expired at t=%d; ask again"
                       % ARP_REACHABLE_S)
    v.send(t + 0.005, host_arp_reply(), "ARP reply 10.0.0.1 is-at %s" % HOST_MAC)
    expect_echo_reply(v, t + 0.005, n2, 1, why="the held reply leaves with the ARP reply; "
                      "second IP ID of its counter")
    v.total("nothing is sent when the entry expires; only when it is needed again")
    return v


VECTORS = [arp_request, arp_other_host, arp_malformed, arp_gratuitous_peer, arp_gratuitous_update,
           arp_probe, arp_retry, arp_resolve_hold, arp_queue_keeps_latest, arp_expiry,
           arp_locktime, arp_unsolicited, arp_off_subnet]

if __name__ == "__main__":
    main(VECTORS)
