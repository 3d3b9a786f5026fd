/*
 * stats.h - one named counter per event and per drop reason, netstat -s style.
 *
 * Every counter is declared once, in the table below: layer, name, what it
 * means, and (for drops) the RFC clause behind the decision. The table makes
 * the enum, the storage and the descriptions, so they never disagree.
 *
 * Input functions drop through DROP(), which counts, traces the reason and
 * frees the packet in one step (CONTRIBUTING.md: "every rejection is
 * counted, traced with its reason, and freed once").
 */
#ifndef TS_STATS_H
#define TS_STATS_H

#include <stdint.h>
#include <stdio.h>

/*  X(layer, name, description, RFC clause ("" when none)) */
#define STATS_TABLE(X) \
    X(pkb,   alloc_fail,     "packet buffer pool empty",                   "") \
    X(netif, rx,             "frames received",                            "") \
    X(netif, tx,             "frames sent",                                "") \
    X(netif, tx_err,         "driver failed to send a frame",              "") \
    X(netif, rx_too_big,     "frame larger than a packet buffer",          "") \
    X(ether, rx,             "frames accepted",                            "") \
    X(ether, tx,             "frames sent",                                "") \
    X(ether, too_short,      "frame shorter than an Ethernet header",      "IEEE 802.3") \
    X(ether, not_for_us,     "destination MAC is not ours or broadcast",   "IEEE 802.3") \
    X(ether, bad_src,        "source MAC is broadcast/multicast",          "IEEE 802.3") \
    X(ether, unknown_type,   "EtherType we do not speak",                  "RFC 894") \
    X(ether, no_headroom,    "no headroom for the Ethernet header",        "") \
    X(arp,   rx,             "ARP packets accepted",                       "") \
    X(arp,   req_in,         "requests received",                          "") \
    X(arp,   reply_in,       "replies received",                           "") \
    X(arp,   req_out,        "requests sent",                              "") \
    X(arp,   reply_out,      "replies sent",                               "") \
    X(arp,   gratuitous_out, "gratuitous announcements sent",              "RFC 5227 3") \
    X(arp,   truncated,      "shorter than an Ethernet/IPv4 ARP packet",   "RFC 826") \
    X(arp,   bad_hw,         "hardware type/length is not Ethernet",       "RFC 826") \
    X(arp,   bad_proto,      "protocol type/length is not IPv4",           "RFC 826") \
    X(arp,   bad_op,         "opcode is neither request nor reply",        "RFC 826") \
    X(arp,   bad_sender,     "sender address is broadcast/multicast/ours", "RFC 826, RFC 5227 2.1.1") \
    X(arp,   not_for_us,     "target address is not ours",                 "RFC 826") \
    X(arp,   cache_full,     "cache full: least recently used entry replaced", "") \
    X(arp,   off_subnet,     "sender is not on-link here: not cached",     "RFC 1122 3.3.1.1") \
    X(arp,   unsolicited,    "reply nobody asked for: no entry created",   "") \
    X(arp,   locked,         "MAC changed again within the locktime: kept", "") \
    X(arp,   cache_full_refused, "cache full, no entry may go: not cached", "") \
    X(arp,   evicted_pending, "waiting packet dropped: its entry was replaced", "") \
    X(arp,   pending_full,   "queue full: oldest waiting packet dropped",  "RFC 1122 2.3.2.2") \
    X(arp,   resolve_fail,   "no ARP reply after the last retry: dropped", "RFC 1122 2.3.2.1") \
    X(ipv4,  rx,             "datagrams received",                         "") \
    X(ipv4,  delivered,      "datagrams delivered to a protocol",          "") \
    X(ipv4,  tx,             "datagrams sent",                             "") \
    X(ipv4,  truncated,      "shorter than the minimum IPv4 header",       "RFC 791 3.1") \
    X(ipv4,  bad_version,    "version is not 4",                          "RFC 1122 3.2.1.1") \
    X(ipv4,  bad_hlen,       "header length below 5 words or beyond data", "RFC 791 3.1") \
    X(ipv4,  bad_len,        "total length shorter than header or frame",  "RFC 1122 3.2.1.2") \
    X(ipv4,  bad_checksum,   "bad header checksum",                        "RFC 1122 3.2.1.2") \
    X(ipv4,  bad_src,        "source is broadcast, multicast, class E, 0/8", "RFC 1122 3.2.1.3") \
    X(ipv4,  own_src,        "our own address as source from the wire",    "") \
    X(ipv4,  martian_lo,     "127/8 address arrived from the wire",        "RFC 1122 3.2.1.3") \
    X(ipv4,  l2_bcast,       "unicast datagram in a link-layer broadcast", "RFC 1122 3.3.6") \
    X(ipv4,  not_for_us,     "destination is not one of our addresses",    "RFC 1122 3.3.4.2") \
    X(ipv4,  fragment,       "fragment (reassembly not implemented)",      "RFC 791 3.2") \
    X(ipv4,  unknown_proto,  "no handler for the protocol",                "RFC 1122 3.2.2.1") \
    X(ipv4,  no_route,       "no route to the destination",                "RFC 1122 3.3.1") \
    X(ipv4,  too_big,        "larger than the MTU (no fragmentation)",     "RFC 791 3.2") \
    X(ipv4,  no_headroom,    "no headroom for the IPv4 header",            "") \
    X(ipv4,  options,        "header options seen (accepted, ignored)",    "RFC 1122 3.2.1.8") \
    X(icmp,  rx,             "messages received",                          "") \
    X(icmp,  truncated,      "shorter than an ICMP header",                "RFC 792") \
    X(icmp,  bad_checksum,   "bad ICMP checksum",                          "RFC 792") \
    X(icmp,  echo_in,        "echo requests received",                     "") \
    X(icmp,  echo_out,       "echo replies sent",                          "RFC 1122 3.2.2.6") \
    X(icmp,  echo_reply_in,  "echo replies received",                      "") \
    X(icmp,  bcast_echo,     "echo request to a broadcast address ignored", "RFC 1122 3.2.2.6") \
    X(icmp,  unreach_in,     "destination unreachable received",           "") \
    X(icmp,  other_in,       "other types received and ignored",           "RFC 1122 3.2.2") \
    X(icmp,  unreach_out,    "destination unreachable sent",               "RFC 1122 3.2.2.1") \
    X(icmp,  err_suppressed, "error not sent about an error/broadcast/fragment", "RFC 1122 3.2.2") \
    X(icmp,  rate_limited,   "error not sent: rate limit",                 "RFC 1812 4.3.2.8") \
    X(udp,   rx,             "datagrams received",                         "") \
    X(udp,   delivered,      "datagrams queued on a socket",               "") \
    X(udp,   tx,             "datagrams sent",                             "") \
    X(udp,   truncated,      "shorter than a UDP header",                  "RFC 768") \
    X(udp,   bad_len,        "length field below 8 or beyond the datagram", "RFC 768") \
    X(udp,   bad_checksum,   "bad checksum (non-zero and wrong)",          "RFC 1122 4.1.3.4") \
    X(udp,   no_checksum,    "checksum zero: none sent, accepted",         "RFC 768") \
    X(udp,   no_port,        "no socket on the port: port unreachable",    "RFC 1122 4.1.3.1") \
    X(udp,   bcast_no_port,  "broadcast to a closed port (no ICMP)",       "RFC 1122 3.2.2") \
    X(udp,   rcvq_full,      "socket receive queue full",                  "") \
    X(udp,   err_in,         "ICMP errors reported to a connected socket", "RFC 1122 4.1.3.3") \
    X(udp,   err_unconnected, "ICMP errors for an unconnected socket (ignored)", "") \
    X(sock,  opened,         "sockets opened",                             "") \
    X(sock,  closed,         "sockets closed",                             "") \
    X(sock,  table_full,     "socket table full (EMFILE)",                 "") \
    X(loop,  queued,         "packets queued on the loopback interface",   "") \
    X(loop,  queue_full,     "loopback queue full",                        "") \
    X(impair, dropped,       "frames dropped by --impair",                 "") \
    X(impair, duplicated,    "frames duplicated by --impair",              "") \
    X(impair, reordered,     "frames held back by --impair (reordered)",   "") \
    X(impair, corrupted,     "frames with a bit flipped by --impair",      "") \
    X(impair, hold_full,     "frame dropped: --impair's delay queue full", "") \
    X(svc,   idle_closed,    "echo/discard/chargen: idle past --idle-timeout, closed", "") \
    X(svc,   at_cap,         "echo/discard/chargen: at --svc-max-conns, newcomers wait", "") \
    X(http,  idle_evicted,   "idle connection closed to make room for a new one", "RFC 9112 9.5") \
    X(http,  slow_closed,    "response below --http-min-rate over its window: reset", "") \
    X(http,  slow_evicted,   "response furthest behind --http-min-rate reset for a new one", "") \
    X(http,  status_denied,  "/status from outside --status-allow: 404", "") \
    TCP_STATS(X)

/* TCP's counters (tcp_in.c, tcp_out.c, tcp_timer.c, tcp.c). */
#define TCP_STATS(X) \
    X(tcp,   rx,             "segments received",                          "") \
    X(tcp,   tx,             "segments sent",                              "") \
    X(tcp,   truncated,      "shorter than a TCP header",                  "RFC 9293 3.1") \
    X(tcp,   bad_hlen,       "data offset below 5 or beyond the segment",  "RFC 9293 3.1") \
    X(tcp,   bad_option,     "malformed option length",                    "RFC 9293 3.1") \
    X(tcp,   bad_checksum,   "bad checksum",                               "RFC 9293 3.1") \
    X(tcp,   bcast,          "segment to a broadcast/multicast address",   "RFC 1122 4.2.3.10") \
    X(tcp,   no_conn,        "no connection or listener: RST sent",        "RFC 9293 3.10.7.1") \
    X(tcp,   rst_no_conn,    "RST for no connection: ignored",             "RFC 9293 3.10.7.1") \
    X(tcp,   rst_listen,     "RST to a listener: ignored",                 "RFC 9293 3.10.7.2") \
    X(tcp,   ack_listen,     "ACK to a listener: RST sent",                "RFC 9293 3.10.7.2") \
    X(tcp,   no_syn_listen,  "neither SYN nor RST/ACK to a listener",      "RFC 9293 3.10.7.2") \
    X(tcp,   syn_evicted,    "oldest half-open connection dropped for a new SYN", "") \
    X(tcp,   backlog_full,   "SYN dropped: SYN queue and backlog full",    "RFC 9293 3.10.7.2") \
    X(tcp,   no_pcb,         "no free control block",                      "") \
    X(tcp,   tw_recycled,    "TIME-WAIT cut short: its block was needed",  "RFC 9293 3.4.2") \
    X(tcp,   no_pcb_syn,     "SYN dropped: no free control block",         "") \
    X(tcp,   bad_ack,        "unacceptable ACK",                           "RFC 9293 3.10.7.4, RFC 5961 5.2") \
    X(tcp,   rst_bad,        "RST in SYN-SENT without an acceptable ACK",  "RFC 9293 3.10.7.3") \
    X(tcp,   no_syn,         "no SYN in SYN-SENT",                         "RFC 9293 3.10.7.3") \
    X(tcp,   closed,         "segment for a closed connection",            "RFC 9293 3.10.7.1") \
    X(tcp,   dup_syn,        "retransmitted SYN: SYN-ACK sent again",      "RFC 9293 3.10.7.4") \
    X(tcp,   out_of_window,  "not acceptable: outside the receive window", "RFC 9293 3.10.7.4") \
    X(tcp,   dup_data,       "duplicate data trimmed",                     "RFC 9293 3.10.7.4") \
    X(tcp,   rst_in_window,  "RST in window but not at RCV.NXT: challenge ACK", "RFC 5961 3.2") \
    X(tcp,   syn_in_window,  "SYN on a synchronized connection: challenge ACK", "RFC 5961 4.2") \
    X(tcp,   challenge_ack,  "challenge ACKs sent",                        "RFC 5961") \
    X(tcp,   challenge_ack_limited, "challenge ACK not sent: over 100 a second", "RFC 5961 7") \
    X(tcp,   no_ack,         "segment without ACK on a synchronized connection", "RFC 9293 3.10.7.4") \
    X(tcp,   refused,        "connection refused (RST to our SYN)",        "RFC 9293 3.10.7.3") \
    X(tcp,   rst_in,         "connections reset by the peer",              "RFC 9293 3.10.7.4") \
    X(tcp,   rst_out,        "RSTs sent",                                  "") \
    X(tcp,   rst_unread,     "closed with unread data: RST sent",          "RFC 1122 4.2.2.13") \
    X(tcp,   data_in,        "in-order data segments",                     "") \
    X(tcp,   ooo_kept,       "out-of-order segments kept",                 "RFC 9293 3.10.7.4") \
    X(tcp,   ooo_full,       "out-of-order segment dropped: ranges full",  "") \
    X(tcp,   data_after_fin, "data after the peer's FIN: ignored",         "RFC 9293 3.10.7.4") \
    X(tcp,   rexmit,         "retransmission timeouts",                    "RFC 6298 5.4") \
    X(tcp,   window_probe,   "zero-window probes sent",                    "RFC 9293 3.8.6.1") \
    X(tcp,   window_update,  "window updates sent after the app read",     "RFC 1122 4.2.3.3") \
    X(tcp,   delayed_ack,    "ACKs sent by the delayed-ACK timer",         "RFC 1122 4.2.3.2") \
    X(tcp,   dup_ack,        "duplicate ACKs received",                    "RFC 5681 2") \
    X(tcp,   fast_rexmit,    "fast retransmits (3 dup ACKs, or RACK)",    "RFC 5681 3.2, RFC 6675") \
    X(tcp,   partial_ack,    "NewReno partial ACKs: next hole resent",     "RFC 6582 3.2") \
    X(tcp,   sack_bad,       "SACK option of a bad length: ignored",       "RFC 2018 3") \
    X(tcp,   sack_ignored,   "SACK block outside what was sent: ignored",  "RFC 2018 3") \
    X(tcp,   dsack_out,      "duplicates reported with a D-SACK block",    "RFC 2883 4") \
    X(tcp,   dsack_in,       "D-SACK blocks received",                     "RFC 2883 4") \
    X(tcp,   rack_lost,      "segments judged lost by RACK",               "RFC 8985 6.2") \
    X(tcp,   sack_rexmit,    "lost segments sent again (SACK recovery)",   "RFC 6675 5") \
    X(tcp,   tlp,            "tail loss probes sent",                      "RFC 8985 7.3") \
    X(tcp,   tlp_recovered,  "tail loss probes that repaired a loss",      "RFC 8985 7.4") \
    X(tcp,   undo,           "recoveries undone: retransmissions D-SACKed", "RFC 3708, RFC 4015") \
    X(tcp,   keepalive_probe, "keep-alive probes sent",                    "RFC 1122 4.2.3.6") \
    X(tcp,   icmp_in,        "ICMP unreachable about a connection",        "RFC 1122 4.2.3.9") \
    X(tcp,   icmp_ignored,   "ICMP error matching no connection/sequence", "RFC 5927 4.1") \
    X(tcp,   keepalive_drop, "connections dropped: keep-alive unanswered", "RFC 1122 4.2.3.6") \
    X(tcp,   orphan_timeout, "orphans reset: no progress within the orphan timeout", "") \
    X(tcp,   orphan_overflow, "orphans reset: the oldest, past the orphan cap", "") \
    X(tcp,   mss_clamped,    "peer MSS below the floor: raised to it",     "CVE-2019-11479") \
    X(tcp,   tx_fail,        "segment not handed to the interface: sent again later", "") \
    X(tcp,   timeout_drop,   "connections dropped after too many retransmissions", "RFC 1122 4.2.3.5")

enum stat_id {
#define STAT_ENUM(layer, name, desc, rfc) ST_##layer##_##name,
    STATS_TABLE(STAT_ENUM)
#undef STAT_ENUM
    ST_COUNT
};

struct stat_desc {
    const char *layer;
    const char *name;
    const char *desc;
    const char *rfc;
};

extern uint64_t stats_ctr[ST_COUNT];
extern const struct stat_desc stats_desc[ST_COUNT];

#define STAT_INC(layer, name)  (stats_ctr[ST_##layer##_##name]++)
#define STAT_GET(layer, name)  (stats_ctr[ST_##layer##_##name])

struct pkb;
/* Count the drop, trace it with its reason and RFC, free the packet. */
void stats_drop(struct pkb *p, enum stat_id id);
/* The same for a packet on its way out (the trace line shows '>'). */
void stats_drop_out(struct pkb *p, enum stat_id id);

/* DROP(pkb, layer, reason): the one way an input function rejects a packet. */
#define DROP(p, layer, name) \
    do { stats_drop((p), ST_##layer##_##name); return; } while (0)

void stats_reset(void);
/* Print "layer.name value" lines; all of them, or only those not zero. */
void stats_dump(FILE *f, int only_nonzero);

#endif
