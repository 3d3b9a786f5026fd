/*
 * stats.h - one named counter per event and per drop reason, netstat -s style.
 *
 * Every counter is declared once, in the table below: layer, name, what it
 * means, and (for drops) the RFC clause behind the decision. The table makes
 * the enum, the storage and the descriptions, so they never disagree.
 *
 * Input functions drop through DROP(), which counts, traces the reason and
 * frees the packet in one step (STYLE.md: "every rejection is counted, traced
 * with its reason, and freed once").
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
    X(arp,   cache_full,     "cache full: oldest entry replaced",          "") \
    X(arp,   pending_full,   "too many packets waiting for resolution",    "RFC 1122 2.3.2.2") \
    X(arp,   resolve_fail,   "no reply after the last retry",              "RFC 1122 2.3.2.1") \
    X(ipv4,  rx,             "datagrams received",                         "") \
    X(ipv4,  delivered,      "datagrams delivered to a protocol",          "") \
    X(ipv4,  tx,             "datagrams sent",                             "") \
    X(ipv4,  truncated,      "shorter than the minimum IPv4 header",       "RFC 791 3.1") \
    X(ipv4,  bad_version,    "version is not 4",                          "RFC 1122 3.2.1.1") \
    X(ipv4,  bad_hlen,       "header length below 5 words or beyond data", "RFC 791 3.1") \
    X(ipv4,  bad_len,        "total length shorter than header or frame",  "RFC 1122 3.2.1.2") \
    X(ipv4,  bad_checksum,   "bad header checksum",                        "RFC 1122 3.2.1.2") \
    X(ipv4,  bad_src,        "source is broadcast, multicast or loopback", "RFC 1122 3.2.1.3") \
    X(ipv4,  martian_lo,     "127/8 address arrived from the wire",        "RFC 1122 3.2.1.3") \
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
    X(loop,  queued,         "packets queued on the loopback interface",   "") \
    X(loop,  queue_full,     "loopback queue full",                        "")

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

/* DROP(pkb, layer, reason): the one way an input function rejects a packet. */
#define DROP(p, layer, name) \
    do { stats_drop((p), ST_##layer##_##name); return; } while (0)

void stats_reset(void);
/* Print "layer.name value" lines; all of them, or only those not zero. */
void stats_dump(FILE *f, int only_nonzero);

#endif
