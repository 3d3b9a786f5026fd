/*
 * test_arp.c - ARP (RFC 826, RFC 1122 2.3.2, RFC 5227) on the virtual clock:
 * answering, the merge rule, resolution with its bounded queue, retries,
 * expiry, replacement when full, announcements and malformed packets.
 * Every sent ARP packet is read back with arp_parse and checked field by field.
 * Hostile peers: unsolicited replies, off-subnet senders, the locktime, floods
 * that must leave the gateway's entry alone, LRU replacement and refusal.
 */
#include "helpers.h"

#include "../../stack/arp.h"
#include "../../stack/ether.h"
#include "../../stack/ipv4.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/route.h"
#include "../../stack/stack.h"
#include "../../stack/trace.h"
#include "../../drivers/capture.h"

#include <stdlib.h>
#include <string.h>

#define PROTO_TEST 253            /* RFC 3692 experimental: nothing else claims it */
#define LOCKTIME   (1ull * US_PER_SEC)    /* ARP's default locktime (the fixture keeps it) */

static const uint8_t mac_new[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x33 };

/* Pop one frame and check it is the ARP packet described, padded to 60 bytes. */
static void
expect_arp(const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6], uint32_t spa,
           const uint8_t tha[6], uint32_t tpa)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len = ut_pop(f);
    struct arp_pkt a;

    ck_assert_msg(len > 0, "expected an ARP frame, none was sent");
    ck_assert_uint_eq(len, 60);                         /* RFC 894: 42 bytes padded */
    ck_assert_mem_eq(f, eth_dst, 6);
    ck_assert_mem_eq(f + 6, ut_mac_us, 6);
    ck_assert_uint_eq(get_be16(f + 12), ETH_TYPE_ARP);
    ck_assert_int_eq(arp_parse(f + 14, len - 14, &a), TS_OK);
    ck_assert_uint_eq(a.hrd, ARP_HRD_ETHER);
    ck_assert_uint_eq(a.pro, ETH_TYPE_IPV4);
    ck_assert_uint_eq(a.hln, 6);
    ck_assert_uint_eq(a.pln, 4);
    ck_assert_uint_eq(a.op, op);
    ck_assert_mem_eq(a.sha, sha, 6);
    ck_assert_uint_eq(a.spa, spa);
    ck_assert_mem_eq(a.tha, tha, 6);
    ck_assert_uint_eq(a.tpa, tpa);
    for (size_t i = 14 + ARP_PKT_LEN; i < len; i++)
        ck_assert_uint_eq(f[i], 0);                     /* padding is zeros */
}

static void
expect_request_for(uint32_t ip)
{
    expect_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_us, UT_IP_US, ut_mac_zero, ip);
}

static void
expect_nothing(void)
{
    ck_assert_uint_eq(capture_count(), 0);
}

/* Send n bytes of `marker` to dst as an IP datagram of the test protocol. */
static int
send_marked(uint32_t dst, uint8_t marker, size_t n)
{
    struct pkb *p = pkb_alloc();
    uint8_t *b;

    ck_assert_ptr_nonnull(p);
    b = pkb_put(p, n);
    ck_assert_ptr_nonnull(b);
    memset(b, marker, n);
    return ipv4_output(p, 0, dst, PROTO_TEST, 0);
}

/* Pop one frame: IPv4 to eth_dst/dst carrying the marker. */
static void
expect_marked(const uint8_t eth_dst[6], uint32_t dst, uint8_t marker, size_t n)
{
    struct ut_sent s;

    ut_pop_ipv4(&s);
    ck_assert_mem_eq(s.eth_dst, eth_dst, 6);
    ck_assert_uint_eq(s.src, UT_IP_US);
    ck_assert_uint_eq(s.dst, dst);
    ck_assert_uint_eq(s.proto, PROTO_TEST);
    ck_assert_uint_eq(s.l4len, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(s.l4[i], marker);
}

static void
inject_arp(const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6], uint32_t spa,
           const uint8_t tha[6], uint32_t tpa)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len = ut_arp_frame(f, eth_dst, sha, op, sha, spa, tha, tpa);

    ut_inject(f, len);
}

static bool
has_mac(uint32_t ip, const uint8_t mac[6])
{
    uint8_t got[6];

    return arp_lookup(ip, got) == 1 && memcmp(got, mac, 6) == 0;
}

/* Answering -------------------------------------------------------------- */

/* RFC 826: a request for our address gets exactly one reply, sender and target swapped. */
START_TEST(test_arp_request_for_us_one_reply)
{
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_US);
    ck_assert_uint_eq(capture_count(), 1);
    expect_arp(ut_mac_peer, ARP_OP_REPLY, ut_mac_us, UT_IP_US, ut_mac_peer, UT_IP_PEER);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_in), 1);
    ck_assert_uint_eq(STAT_GET(arp, reply_out), 1);
    /* RFC 826: being the target, we add the sender to the table. */
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
}
END_TEST

/* RFC 1122 2.3.2.1: a unicast request (a peer re-validating its entry) is answered too. */
START_TEST(test_arp_unicast_request_answered)
{
    inject_arp(ut_mac_us, ARP_OP_REQUEST, ut_mac_gw, UT_IP_GW, ut_mac_us, UT_IP_US);
    expect_arp(ut_mac_gw, ARP_OP_REPLY, ut_mac_us, UT_IP_US, ut_mac_gw, UT_IP_GW);
    expect_nothing();
}
END_TEST

/* RFC 826: a request for another address is not answered (no proxy ARP). */
START_TEST(test_arp_request_for_other_ip_ignored)
{
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_OTHER);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, not_for_us), 1);
    ck_assert_uint_eq(STAT_GET(arp, reply_out), 0);
    ck_assert_uint_eq(arp_count(), 0);
}
END_TEST

/* RFC 5227 2.1.1: a probe (sender IP 0) for our address is answered; 0.0.0.0 is not learned. */
START_TEST(test_arp_probe_answered_not_learned)
{
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, 0, ut_mac_zero, UT_IP_US);
    expect_arp(ut_mac_peer, ARP_OP_REPLY, ut_mac_us, UT_IP_US, ut_mac_peer, 0);
    expect_nothing();
    ck_assert_uint_eq(arp_count(), 0);
}
END_TEST

/* Merge rule ------------------------------------------------------------- */

/* RFC 826: a packet from a KNOWN sender updates its MAC even if not for us (after the locktime). */
START_TEST(test_arp_merge_known_sender_updates_mac)
{
    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(LOCKTIME);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac_new, UT_IP_PEER, ut_mac_zero, UT_IP_OTHER);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, not_for_us), 1);
    ck_assert(has_mac(UT_IP_PEER, mac_new));
    ck_assert_uint_eq(arp_count(), 1);
}
END_TEST

/* RFC 826: a packet not for us from an UNKNOWN sender does not create an entry. */
START_TEST(test_arp_merge_unknown_sender_not_added)
{
    uint8_t got[6];

    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_OTHER);
    inject_arp(ut_mac_bcast, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_gw, UT_IP_GW);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, not_for_us), 2);
    ck_assert_int_eq(arp_lookup(UT_IP_PEER, got), 0);
    ck_assert_uint_eq(arp_count(), 0);
}
END_TEST

/* Linux arp_accept=0: a reply to us that nobody asked for creates nothing; once the sender
 * is known (it asked for us), a reply with a new MAC updates it after the locktime. */
START_TEST(test_arp_unsolicited_reply_creates_nothing)
{
    uint8_t got[6];

    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, reply_in), 1);
    ck_assert_uint_eq(STAT_GET(arp, unsolicited), 1);
    ck_assert_int_eq(arp_lookup(UT_IP_PEER, got), 0);
    ck_assert_uint_eq(arp_count(), 0);

    ut_learn(UT_IP_GW, ut_mac_gw);
    clock_advance(LOCKTIME);
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_GW, ut_mac_us, UT_IP_US);
    expect_nothing();
    ck_assert(has_mac(UT_IP_GW, mac_new));
    ck_assert_uint_eq(STAT_GET(arp, unsolicited), 1);
    /* The unsolicited reply taught nothing: a datagram for 10.0.0.3 still makes the stack ask. */
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x31, 8), TS_OK);
    expect_request_for(UT_IP_PEER);
    expect_nothing();
}
END_TEST

/* RFC 5227 3: another host's gratuitous ARP updates a known entry (after the locktime),
 * creates none. */
START_TEST(test_arp_gratuitous_from_peer_merges_only)
{
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_gw, UT_IP_GW, ut_mac_zero, UT_IP_GW);
    ck_assert_uint_eq(arp_count(), 0);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(LOCKTIME);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac_new, UT_IP_PEER, ut_mac_zero, UT_IP_PEER);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, mac_new));
    ck_assert_uint_eq(arp_count(), 1);
}
END_TEST

/* Resolution ------------------------------------------------------------- */

/* RFC 826 / RFC 1122 2.3.2.2: an unresolved next hop gets one broadcast request. */
START_TEST(test_arp_resolve_sends_one_request)
{
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x11, 10), TS_OK);
    expect_request_for(UT_IP_PEER);
    expect_nothing();
    ck_assert_uint_eq(arp_pending_count(), 1);
    /* A second packet for the same hop waits; it does not ask again. */
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x22, 10), TS_OK);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_out), 1);
    ck_assert_uint_eq(arp_pending_count(), 2);
}
END_TEST

/*
 * RFC 1122 2.3.2.2: a bounded queue that SHOULD keep at least the latest packet: when full,
 * the oldest gives way (counted); the reply sends the survivors in order.
 */
START_TEST(test_arp_pending_queue_bounded_then_flushed_in_order)
{
    const unsigned extra = 2;

    for (unsigned i = 0; i < UT_ARP_PENDING + extra; i++)
        ck_assert_int_eq(send_marked(UT_IP_PEER, (uint8_t)(1 + i), 20 + i), TS_OK);
    ck_assert_uint_eq(STAT_GET(arp, pending_full), extra);
    ck_assert_uint_eq(arp_pending_count(), UT_ARP_PENDING);
    ck_assert_uint_eq(pkb_in_use(), UT_ARP_PENDING);      /* the dropped ones were freed */
    expect_request_for(UT_IP_PEER);
    expect_nothing();

    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    ck_assert_uint_eq(capture_count(), UT_ARP_PENDING);
    for (unsigned i = extra; i < UT_ARP_PENDING + extra; i++)
        expect_marked(ut_mac_peer, UT_IP_PEER, (uint8_t)(1 + i), 20 + i);
    expect_nothing();
    ck_assert_uint_eq(arp_pending_count(), 0);
    ck_assert_uint_eq(pkb_in_use(), 0);
    /* Resolved: the next packet goes straight out. */
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x77, 5), TS_OK);
    expect_marked(ut_mac_peer, UT_IP_PEER, 0x77, 5);
    ck_assert_uint_eq(STAT_GET(arp, req_out), 1);
}
END_TEST

/* arp_at: the entries in use as copies, incomplete then reachable, false past the last. */
START_TEST(test_arp_at_lists_entries)
{
    struct arp_entry_view v;

    ck_assert(!arp_at(0, &v));
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x31, 10), TS_OK);
    expect_request_for(UT_IP_PEER);
    ck_assert(arp_at(0, &v));
    ck_assert_uint_eq(v.ip, UT_IP_PEER);
    ck_assert(!v.reachable);
    ck_assert_uint_eq(v.waiting, 1);
    ck_assert_ptr_eq(v.nif, ut_nif);
    ck_assert(!arp_at(1, &v));

    clock_advance(UT_ARP_RETRY / 2);                /* before a retry: updated moves on */
    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_marked(ut_mac_peer, UT_IP_PEER, 0x31, 10);
    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert(arp_at(0, &v) && arp_at(1, &v) && !arp_at(2, &v));
    for (unsigned i = 0; arp_at(i, &v); i++) {
        ck_assert(v.reachable);
        ck_assert_uint_eq(v.waiting, 0);
        ck_assert_uint_eq(v.updated, clock_now());
        ck_assert_mem_eq(v.mac, v.ip == UT_IP_PEER ? ut_mac_peer : ut_mac_gw, 6);
    }
}
END_TEST

/* RFC 1122 3.3.1.2: off-link destinations resolve the gateway, not the destination. */
START_TEST(test_arp_resolves_gateway_for_offlink)
{
    const uint32_t far = IP4(192, 0, 2, 7);

    ck_assert_int_eq(send_marked(far, 0x42, 30), TS_OK);
    expect_request_for(UT_IP_GW);
    expect_nothing();
    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_gw, UT_IP_GW, ut_mac_us, UT_IP_US);
    expect_marked(ut_mac_gw, far, 0x42, 30);
    expect_nothing();
}
END_TEST

/* RFC 826 merge rule: a request from the host we are resolving completes the resolution. */
START_TEST(test_arp_merge_completes_pending_resolution)
{
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x5a, 12), TS_OK);
    expect_request_for(UT_IP_PEER);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_OTHER);
    expect_marked(ut_mac_peer, UT_IP_PEER, 0x5a, 12);
    expect_nothing();
    ck_assert_uint_eq(arp_pending_count(), 0);
}
END_TEST

/* Timers ------------------------------------------------------------------ */

/* RFC 1122 2.3.2.1: retry every retry_us exactly, give up after `retries` requests. */
START_TEST(test_arp_retry_then_resolve_fail)
{
    ck_assert_int_eq(send_marked(UT_IP_PEER, 1, 10), TS_OK);
    ck_assert_int_eq(send_marked(UT_IP_PEER, 2, 10), TS_OK);
    expect_request_for(UT_IP_PEER);
    for (unsigned i = 1; i < UT_ARP_RETRIES; i++) {
        clock_advance(UT_ARP_RETRY - 1);
        expect_nothing();
        clock_advance(1);
        ck_assert_uint_eq(clock_now(), i * UT_ARP_RETRY);
        expect_request_for(UT_IP_PEER);
        expect_nothing();
    }
    /* The last request gets its full retry interval before we give up. */
    clock_advance(UT_ARP_RETRY - 1);
    expect_nothing();
    ck_assert_uint_eq(arp_pending_count(), 2);
    ck_assert_uint_eq(STAT_GET(arp, resolve_fail), 0);
    clock_advance(1);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_out), UT_ARP_RETRIES);
    ck_assert_uint_eq(STAT_GET(arp, resolve_fail), 2);   /* one per packet dropped */
    ck_assert_uint_eq(arp_count(), 0);
    ck_assert_uint_eq(arp_pending_count(), 0);
    ck_assert_uint_eq(pkb_in_use(), 0);
    /* And nothing more, ever. */
    clock_advance(100 * UT_ARP_RETRY);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_out), UT_ARP_RETRIES);
}
END_TEST

/* RFC 1122 2.3.2.1: a reply after a retry stops the retries; no failure is counted. */
START_TEST(test_arp_reply_after_retry_stops_retries)
{
    ck_assert_int_eq(send_marked(UT_IP_PEER, 9, 10), TS_OK);
    expect_request_for(UT_IP_PEER);
    clock_advance(UT_ARP_RETRY);
    expect_request_for(UT_IP_PEER);
    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_marked(ut_mac_peer, UT_IP_PEER, 9, 10);
    clock_advance(10 * UT_ARP_RETRY);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_out), 2);
    ck_assert_uint_eq(STAT_GET(arp, resolve_fail), 0);
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
}
END_TEST

/* RFC 1122 2.3.2.1: an entry times out after reachable_us; then we ask again. */
START_TEST(test_arp_entry_expires_after_reachable)
{
    uint8_t got[6];

    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(UT_ARP_REACHABLE - 1);
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    clock_advance(1);
    ck_assert_int_eq(arp_lookup(UT_IP_PEER, got), 0);
    ck_assert_uint_eq(arp_count(), 0);
    expect_nothing();                                   /* expiry is silent */
    ck_assert_int_eq(send_marked(UT_IP_PEER, 3, 8), TS_OK);
    expect_request_for(UT_IP_PEER);
}
END_TEST

/* RFC 826 merge rule: fresh news of a sender restarts its timeout. */
START_TEST(test_arp_entry_refreshed_by_merge)
{
    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(UT_ARP_REACHABLE / 2);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_OTHER);
    clock_advance(UT_ARP_REACHABLE - 1);
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    clock_advance(1);
    ck_assert_uint_eq(arp_count(), 0);
}
END_TEST

/* Bounded cache: when full, the least recently confirmed (used) entry is replaced (counted). */
START_TEST(test_arp_cache_full_replaces_oldest)
{
    uint8_t mac[6];

    memcpy(mac, ut_mac_peer, 6);
    for (unsigned i = 0; i < UT_ARP_CACHE; i++) {
        mac[5] = (uint8_t)(0x10 + i);
        ut_learn(IP4(10, 0, 0, 10 + i), mac);
        clock_advance(US_PER_SEC);
    }
    ck_assert_uint_eq(arp_count(), UT_ARP_CACHE);
    ck_assert_uint_eq(STAT_GET(arp, cache_full), 0);
    /* Refresh the oldest (10.0.0.10): 10.0.0.11 becomes the oldest. */
    mac[5] = 0x10;
    ut_learn(IP4(10, 0, 0, 10), mac);
    mac[5] = 0x99;
    ut_learn(IP4(10, 0, 0, 99), mac);
    ck_assert_uint_eq(STAT_GET(arp, cache_full), 1);
    ck_assert_uint_eq(arp_count(), UT_ARP_CACHE);
    ck_assert_int_eq(arp_lookup(IP4(10, 0, 0, 11), mac), 0);
    for (unsigned i = 0; i < UT_ARP_CACHE; i++) {
        if (i != 1)
            ck_assert_int_eq(arp_lookup(IP4(10, 0, 0, 10 + i), mac), 1);
    }
    ck_assert_int_eq(arp_lookup(IP4(10, 0, 0, 99), mac), 1);
    ck_assert_uint_eq(mac[5], 0x99);
}
END_TEST

/* stack.h contract: zero ARP config fields take ARP's defaults (4 waiting, 1 s, 3 tries, 60 s). */
START_TEST(test_arp_zero_config_takes_defaults)
{
    struct stack_config c;

    ut_config(&c);
    memset(&c.arp, 0, sizeof(c.arp));
    ut_restart(&c);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(send_marked(UT_IP_PEER, (uint8_t)i, 8), TS_OK);
    ck_assert_uint_eq(arp_pending_count(), 4);
    ck_assert_uint_eq(STAT_GET(arp, pending_full), 2);
    expect_request_for(UT_IP_PEER);
    for (int i = 1; i < 3; i++) {
        clock_advance(US_PER_SEC - 1);
        expect_nothing();
        clock_advance(1);
        expect_request_for(UT_IP_PEER);
    }
    clock_advance(US_PER_SEC - 1);
    ck_assert_uint_eq(arp_pending_count(), 4);
    clock_advance(1);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, resolve_fail), 4);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(60 * US_PER_SEC - 1);
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    clock_advance(1);
    ck_assert_uint_eq(arp_count(), 0);
}
END_TEST

/* Announcements ---------------------------------------------------------- */

/* RFC 5227 3: announcement = broadcast request, sender and target IP ours, target MAC zero. */
START_TEST(test_arp_announce_fields)
{
    arp_announce(ut_nif);
    expect_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_us, UT_IP_US, ut_mac_zero, UT_IP_US);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, gratuitous_out), 1);
    /* Loopback has no ARP. */
    arp_announce(stack_loopback());
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, gratuitous_out), 1);
}
END_TEST

/* Malformed -------------------------------------------------------------- */

/* RFC 826: shorter than 28 bytes cannot be Ethernet/IPv4 ARP: dropped at every length. */
START_TEST(test_arp_truncated_dropped)
{
    uint8_t f[UT_FRAME_MAX];

    ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER,
                 ut_mac_zero, UT_IP_US);
    for (size_t k = 0; k < ARP_PKT_LEN; k++)
        ut_inject(f, ETH_HDR_LEN + k);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, truncated), ARP_PKT_LEN);
    ck_assert_uint_eq(STAT_GET(arp, rx), 0);
    ck_assert_uint_eq(arp_count(), 0);
}
END_TEST

/* One malformed variant of a request for us: which byte to change, and the counter. */
struct arp_bad {
    const char *what;
    size_t off;                   /* offset in the ARP packet */
    size_t n;                     /* bytes to write (1, 2, 4 or 6) */
    const uint8_t v[6];
    enum stat_id ctr;
};

static const struct arp_bad arp_bad[] = {
    /* RFC 826: ar$hrd must be Ethernet (1) and ar$hln 6. */
    { "hrd 6 (IEEE 802)", 0, 2, { 0x00, 0x06 }, ST_arp_bad_hw },
    { "hrd 0", 0, 2, { 0x00, 0x00 }, ST_arp_bad_hw },
    { "hln 8", 4, 1, { 8 }, ST_arp_bad_hw },
    { "hln 0", 4, 1, { 0 }, ST_arp_bad_hw },
    /* RFC 826: ar$pro must be IPv4 (0x0800) and ar$pln 4. */
    { "pro 0x86dd", 2, 2, { 0x86, 0xdd }, ST_arp_bad_proto },
    { "pln 16", 5, 1, { 16 }, ST_arp_bad_proto },
    { "pln 0", 5, 1, { 0 }, ST_arp_bad_proto },
    /* RFC 826: only request (1) and reply (2); RARP (3, 4) and InARP (8, 9) are not ours. */
    { "op 0", 6, 2, { 0, 0 }, ST_arp_bad_op },
    { "op 3", 6, 2, { 0, 3 }, ST_arp_bad_op },
    { "op 4", 6, 2, { 0, 4 }, ST_arp_bad_op },
    { "op 8", 6, 2, { 0, 8 }, ST_arp_bad_op },
    { "op 0x0101", 6, 2, { 1, 1 }, ST_arp_bad_op },
    /* RFC 826 / IEEE 802: a sender hardware address is never broadcast or multicast. */
    { "sha broadcast", 8, 6, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, ST_arp_bad_sender },
    { "sha multicast", 8, 6, { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, ST_arp_bad_sender },
    /* RFC 5227 2.1.1: our own address from another host is a conflict, never learned. */
    { "spa ours", 14, 4, { 10, 0, 0, 2 }, ST_arp_bad_sender },
};

/* RFC 826: malformed requests for us: no reply, no entry, the matching counter +1. */
START_TEST(test_arp_malformed_dropped)
{
    const struct arp_bad *c = &arp_bad[_i];
    uint8_t f[UT_FRAME_MAX];
    size_t len = ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, ARP_OP_REQUEST, ut_mac_peer,
                              UT_IP_PEER, ut_mac_zero, UT_IP_US);

    memcpy(f + ETH_HDR_LEN + c->off, c->v, c->n);
    ut_inject(f, len);
    ck_assert_msg(capture_count() == 0, "%s: answered", c->what);
    ck_assert_msg(stats_ctr[c->ctr] == 1, "%s: %s.%s is %llu, want 1", c->what,
                  stats_desc[c->ctr].layer, stats_desc[c->ctr].name,
                  (unsigned long long)stats_ctr[c->ctr]);
    ck_assert_msg(arp_count() == 0, "%s: learned", c->what);
    ck_assert_uint_eq(STAT_GET(arp, rx), 0);
}
END_TEST

/* RFC 5227 2.1.1 / RFC 826: malformed packets never update a known entry either. */
START_TEST(test_arp_malformed_does_not_merge)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    /* A reply claiming 10.0.0.3 from a multicast MAC. */
    len = ut_arp_frame(f, ut_mac_us, mac_new, ARP_OP_REPLY, mac_new, UT_IP_PEER, ut_mac_us,
                       UT_IP_US);
    f[ETH_HDR_LEN + 8] = 0x01;
    ut_inject(f, len);
    /* A valid-looking reply with a bad opcode. */
    len = ut_arp_frame(f, ut_mac_us, mac_new, 7, mac_new, UT_IP_PEER, ut_mac_us, UT_IP_US);
    ut_inject(f, len);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    ck_assert_uint_eq(STAT_GET(arp, bad_sender), 1);
    ck_assert_uint_eq(STAT_GET(arp, bad_op), 1);
}
END_TEST

/* Hostile peers ----------------------------------------------------------- */

/* Pop one frame and check it is an ARP reply from us to `to_mac`/`to_ip`. */
static void
expect_reply_to(const uint8_t to_mac[6], uint32_t to_ip)
{
    expect_arp(to_mac, ARP_OP_REPLY, ut_mac_us, UT_IP_US, to_mac, to_ip);
}

/* A made-up on-link host 10.0.0.3..10.0.0.254 (never us or the gateway) and a made-up MAC. */
static uint32_t
made_up(uint32_t *seed, uint8_t mac[6])
{
    uint32_t r = ut_rand(seed);

    mac[0] = 0x0a;                                      /* unicast, locally administered */
    mac[1] = 0xbb;
    memcpy(mac + 2, &r, 4);
    return IP4(10, 0, 0, 3 + r % 252);
}

/* Linux locktime: a forged reply for the gateway with a new MAC inside the locktime of the
 * entry's last change is refused (counted); at the locktime it is taken. */
START_TEST(test_arp_locktime_gateway_reply)
{
    ut_learn(UT_IP_GW, ut_mac_gw);
    clock_advance(LOCKTIME - 1);
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_GW, ut_mac_us, UT_IP_US);
    expect_nothing();
    ck_assert(has_mac(UT_IP_GW, ut_mac_gw));
    ck_assert_uint_eq(STAT_GET(arp, locked), 1);
    /* Off-link traffic still goes to the real gateway, without asking again. */
    ck_assert_int_eq(send_marked(IP4(192, 0, 2, 7), 0x61, 9), TS_OK);
    expect_marked(ut_mac_gw, IP4(192, 0, 2, 7), 0x61, 9);
    expect_nothing();
    clock_advance(1);
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_GW, ut_mac_us, UT_IP_US);
    ck_assert(has_mac(UT_IP_GW, mac_new));
    ck_assert_uint_eq(STAT_GET(arp, locked), 1);
    /* The change starts a new locktime: flipping straight back is refused too. */
    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_gw, UT_IP_GW, ut_mac_us, UT_IP_US);
    ck_assert(has_mac(UT_IP_GW, mac_new));
    ck_assert_uint_eq(STAT_GET(arp, locked), 2);
    expect_nothing();
}
END_TEST

/* Linux locktime: the lock counts from the last change of MAC; a refresh with the same MAC
 * does not move it (else a host that repeats itself would lock out its own new NIC). */
START_TEST(test_arp_locktime_counts_from_change)
{
    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(LOCKTIME / 2);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    clock_advance(LOCKTIME / 2);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac_new, UT_IP_PEER, ut_mac_zero, UT_IP_OTHER);
    ck_assert(has_mac(UT_IP_PEER, mac_new));
    ck_assert_uint_eq(STAT_GET(arp, locked), 0);
}
END_TEST

/* RFC 5227 3: a gratuitous ARP (sender IP = target IP) for a known address with a new MAC is
 * refused inside the locktime and taken after it; a request for us inside the locktime is
 * still answered (to the MAC it came from), only not learned. */
START_TEST(test_arp_gratuitous_after_locktime)
{
    ut_learn(UT_IP_PEER, ut_mac_peer);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac_new, UT_IP_PEER, ut_mac_zero, UT_IP_PEER);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac_new, UT_IP_PEER, ut_mac_zero, UT_IP_US);
    expect_reply_to(mac_new, UT_IP_PEER);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    ck_assert_uint_eq(STAT_GET(arp, locked), 2);
    clock_advance(LOCKTIME);
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac_new, UT_IP_PEER, ut_mac_zero, UT_IP_PEER);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, mac_new));
    ck_assert_uint_eq(STAT_GET(arp, locked), 2);
    ck_assert_uint_eq(arp_count(), 1);
}
END_TEST

/* Linux: when two replies answer one request, the first wins; the second is inside the
 * locktime of the first and changes nothing (no flapping between proxies or a forger). */
START_TEST(test_arp_first_reply_wins)
{
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x44, 10), TS_OK);
    expect_request_for(UT_IP_PEER);
    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_marked(ut_mac_peer, UT_IP_PEER, 0x44, 10);
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    ck_assert_uint_eq(STAT_GET(arp, locked), 1);
    ck_assert_uint_eq(STAT_GET(arp, unsolicited), 0);
}
END_TEST

/* stack_config.arp.locktime_us: a longer locktime is honoured to the microsecond. */
START_TEST(test_arp_locktime_configured)
{
    struct stack_config c;

    ut_config(&c);
    c.arp.locktime_us = 5 * US_PER_SEC;
    ut_restart(&c);
    ut_learn(UT_IP_GW, ut_mac_gw);
    clock_advance(5 * US_PER_SEC - 1);
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_GW, ut_mac_us, UT_IP_US);
    ck_assert(has_mac(UT_IP_GW, ut_mac_gw));
    clock_advance(1);
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_GW, ut_mac_us, UT_IP_US);
    ck_assert(has_mac(UT_IP_GW, mac_new));
    ck_assert_uint_eq(STAT_GET(arp, locked), 1);
}
END_TEST

/* One sender outside the subnet (or no host address in it) per loop iteration. */
static const struct {
    const char *what;
    uint32_t spa;
    uint32_t tpa;
    uint16_t op;
} off_subnet[] = {
    { "request for us from 192.168.1.5", IP4(192, 168, 1, 5), UT_IP_US, ARP_OP_REQUEST },
    { "reply to us from 10.0.1.1", IP4(10, 0, 1, 1), UT_IP_US, ARP_OP_REPLY },
    { "gratuitous from 172.16.0.1", IP4(172, 16, 0, 1), IP4(172, 16, 0, 1), ARP_OP_REQUEST },
    { "request for us from the subnet broadcast", UT_IP_BCAST, UT_IP_US, ARP_OP_REQUEST },
    { "request for us from the subnet number", IP4(10, 0, 0, 0), UT_IP_US, ARP_OP_REQUEST },
    { "request for us from 255.255.255.255", 0xffffffffu, UT_IP_US, ARP_OP_REQUEST },
};

/* RFC 1122 3.3.1.1: we only ask for on-link addresses, so an off-link sender is never cached
 * (nor answered): counted as arp.off_subnet. */
START_TEST(test_arp_off_subnet_sender_ignored)
{
    uint8_t got[6];

    inject_arp(ut_mac_bcast, off_subnet[_i].op, ut_mac_peer, off_subnet[_i].spa, ut_mac_zero,
               off_subnet[_i].tpa);
    ck_assert_msg(capture_count() == 0, "%s: answered", off_subnet[_i].what);
    ck_assert_msg(arp_count() == 0, "%s: cached", off_subnet[_i].what);
    ck_assert_int_eq(arp_lookup(off_subnet[_i].spa, got), 0);
    ck_assert_uint_eq(STAT_GET(arp, off_subnet), 1);
}
END_TEST

/*
 * The flood: 200 made-up replies to us and 200 made-up requests for us. Replies create
 * nothing; requests fill the cache, replacing one another, never the gateway's entry, whose
 * MAC is still used for off-link traffic without a new request.
 */
START_TEST(test_arp_flood_keeps_gateway)
{
    uint32_t seed = 7;
    uint8_t mac[6];
    unsigned replies = 0;

    ut_learn(UT_IP_GW, ut_mac_gw);
    for (int i = 0; i < 200; i++) {
        uint32_t ip = made_up(&seed, mac);

        inject_arp(ut_mac_us, ARP_OP_REPLY, mac, ip, ut_mac_us, UT_IP_US);
        expect_nothing();
    }
    ck_assert_uint_eq(STAT_GET(arp, unsolicited), 200);
    ck_assert_uint_eq(arp_count(), 1);
    for (int i = 0; i < 200; i++) {
        uint32_t ip = made_up(&seed, mac);

        clock_advance(1000);                            /* 1 ms apart: a distinct LRU order */
        inject_arp(ut_mac_bcast, ARP_OP_REQUEST, mac, ip, ut_mac_zero, UT_IP_US);
        while (capture_count() > 0) {
            expect_reply_to(mac, ip);                   /* every request is answered */
            replies++;
        }
    }
    ck_assert_uint_eq(replies, 200);
    ck_assert_uint_eq(arp_count(), UT_ARP_CACHE);
    ck_assert_uint_gt(STAT_GET(arp, cache_full), 150);  /* made-up ones gave way to each other */
    ck_assert_uint_eq(STAT_GET(arp, cache_full_refused), 0);
    ck_assert(has_mac(UT_IP_GW, ut_mac_gw));
    ck_assert_int_eq(send_marked(IP4(198, 51, 100, 1), 0x5b, 16), TS_OK);
    expect_marked(ut_mac_gw, IP4(198, 51, 100, 1), 0x5b, 16);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_out), 0);
}
END_TEST

/* Without the protection, the gateway learned first would be the oldest entry: the first new
 * sender past a full cache replaces the oldest entry that is not a route's next hop. */
START_TEST(test_arp_cache_full_keeps_next_hop)
{
    uint8_t mac[6], got[6];

    memcpy(mac, ut_mac_peer, 6);
    ut_learn(UT_IP_GW, ut_mac_gw);
    for (unsigned i = 0; i < UT_ARP_CACHE - 1; i++) {
        clock_advance(US_PER_SEC);
        mac[5] = (uint8_t)(0x10 + i);
        ut_learn(IP4(10, 0, 0, 10 + i), mac);
    }
    clock_advance(US_PER_SEC);
    mac[5] = 0x99;
    ut_learn(IP4(10, 0, 0, 99), mac);
    ck_assert(has_mac(UT_IP_GW, ut_mac_gw));
    ck_assert_int_eq(arp_lookup(IP4(10, 0, 0, 10), got), 0);
    ck_assert_uint_eq(STAT_GET(arp, cache_full), 1);
    /* A static route's gateway is a next hop too. */
    ck_assert_int_eq(route_add(IP4(192, 168, 5, 0), 24, IP4(10, 0, 0, 11), ut_nif), TS_OK);
    clock_advance(US_PER_SEC);
    mac[5] = 0x98;
    ut_learn(IP4(10, 0, 0, 98), mac);
    ck_assert_int_eq(arp_lookup(IP4(10, 0, 0, 11), got), 1);
    ck_assert_int_eq(arp_lookup(IP4(10, 0, 0, 12), got), 0);
    ck_assert(has_mac(UT_IP_GW, ut_mac_gw));
}
END_TEST

/* Least recently USED: sending through an entry counts as use, so a busy peer outlives idle
 * ones that were confirmed later; entries go in the order they were last used. */
START_TEST(test_arp_lru_eviction_order)
{
    static const unsigned order[] = { 11, 13, 14, 15, 16, 17, 10, 12 };
    uint8_t mac[6], got[6];

    memcpy(mac, ut_mac_peer, 6);
    for (unsigned i = 0; i < UT_ARP_CACHE; i++) {
        mac[5] = (uint8_t)(0x10 + i);
        ut_learn(IP4(10, 0, 0, 10 + i), mac);
        clock_advance(US_PER_SEC);
    }
    /* Use 10.0.0.10 (the oldest) and then 10.0.0.12. LRU order: 11 13 14 15 16 17 10 12. */
    ck_assert_int_eq(send_marked(IP4(10, 0, 0, 10), 1, 4), TS_OK);
    clock_advance(US_PER_SEC);
    ck_assert_int_eq(send_marked(IP4(10, 0, 0, 12), 2, 4), TS_OK);
    mac[5] = 0x10;
    expect_marked(mac, IP4(10, 0, 0, 10), 1, 4);
    mac[5] = 0x12;
    expect_marked(mac, IP4(10, 0, 0, 12), 2, 4);
    expect_nothing();
    for (unsigned k = 0; k < ARRAY_LEN(order); k++) {
        clock_advance(US_PER_SEC);
        mac[5] = (uint8_t)(0x80 + k);
        ut_learn(IP4(10, 0, 0, 100 + k), mac);
        ck_assert_msg(arp_lookup(IP4(10, 0, 0, order[k]), got) == 0,
                      "new entry %u: 10.0.0.%u should have gone", k + 1, order[k]);
        for (unsigned j = k + 1; j < ARRAY_LEN(order); j++)
            ck_assert_msg(arp_lookup(IP4(10, 0, 0, order[j]), got) == 1,
                          "new entry %u: 10.0.0.%u went too early", k + 1, order[j]);
    }
    ck_assert_uint_eq(STAT_GET(arp, cache_full), UT_ARP_CACHE);
}
END_TEST

/*
 * Entries with packets waiting never give way to a peer's request: with every entry waiting,
 * a new sender is refused (counted, traced with its reason) but still answered. Our own
 * resolution may take such an entry: its packets are dropped and counted.
 */
START_TEST(test_arp_cache_full_refused)
{
    char *log = NULL;
    size_t loglen = 0;
    FILE *saved = trace_out;

    for (unsigned i = 0; i < UT_ARP_CACHE; i++) {
        ck_assert_int_eq(send_marked(IP4(10, 0, 0, 10 + i), (uint8_t)i, 8), TS_OK);
        expect_request_for(IP4(10, 0, 0, 10 + i));
        clock_advance(1000);
    }
    trace_out = open_memstream(&log, &loglen);
    ck_assert_ptr_nonnull(trace_out);
    trace_on = true;
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_US);
    trace_on = false;
    fclose(trace_out);
    trace_out = saved;
    ck_assert_ptr_nonnull(strstr(log, "10.0.0.3 not learned (arp.cache_full_refused)"));
    free(log);
    expect_reply_to(ut_mac_peer, UT_IP_PEER);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, cache_full_refused), 1);
    ck_assert_uint_eq(arp_pending_count(), UT_ARP_CACHE);
    ck_assert_uint_eq(STAT_GET(arp, cache_full), 0);
    /* Our own need goes first: the least recently used waiting entry (10.0.0.10) goes. */
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x70, 8), TS_OK);
    expect_request_for(UT_IP_PEER);
    ck_assert_uint_eq(STAT_GET(arp, cache_full), 1);
    ck_assert_uint_eq(STAT_GET(arp, evicted_pending), 1);
    ck_assert_uint_eq(arp_pending_count(), UT_ARP_CACHE);
    ck_assert_uint_eq(pkb_in_use(), UT_ARP_CACHE);
}
END_TEST

/* When every entry is a route's next hop nothing may go: our own resolution is refused, its
 * packet dropped and counted, and nothing leaks. */
START_TEST(test_arp_cache_of_gateways_refuses)
{
    uint8_t mac[6], got[6];

    memcpy(mac, ut_mac_gw, 6);
    ut_learn(UT_IP_GW, ut_mac_gw);
    for (unsigned i = 1; i < UT_ARP_CACHE; i++) {
        uint32_t gw = IP4(10, 0, 0, 200 + i);

        ck_assert_int_eq(route_add(IP4(172, 16, (uint8_t)i, 0), 24, gw, ut_nif), TS_OK);
        mac[5] = (uint8_t)(0x40 + i);
        ut_learn(gw, mac);
    }
    ck_assert_int_eq(send_marked(UT_IP_PEER, 0x12, 8), TS_OK);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, cache_full_refused), 1);
    ck_assert_uint_eq(pkb_in_use(), 0);
    ck_assert_int_eq(arp_lookup(UT_IP_PEER, got), 0);
    ck_assert(has_mac(UT_IP_GW, ut_mac_gw));
    ck_assert_uint_eq(arp_count(), UT_ARP_CACHE);
}
END_TEST

Suite *
arp_suite(void)
{
    Suite *s = suite_create("arp");
    TCase *ans = ut_tcase("answer");
    TCase *merge = ut_tcase("merge");
    TCase *res = ut_tcase("resolve");
    TCase *tim = ut_tcase("timers");
    TCase *bad = ut_tcase("malformed");
    TCase *hostile = ut_tcase("hostile");

    tcase_add_test(ans, test_arp_request_for_us_one_reply);
    tcase_add_test(ans, test_arp_unicast_request_answered);
    tcase_add_test(ans, test_arp_request_for_other_ip_ignored);
    tcase_add_test(ans, test_arp_probe_answered_not_learned);
    tcase_add_test(ans, test_arp_announce_fields);
    tcase_add_test(merge, test_arp_merge_known_sender_updates_mac);
    tcase_add_test(merge, test_arp_merge_unknown_sender_not_added);
    tcase_add_test(merge, test_arp_unsolicited_reply_creates_nothing);
    tcase_add_test(merge, test_arp_gratuitous_from_peer_merges_only);
    tcase_add_test(res, test_arp_resolve_sends_one_request);
    tcase_add_test(res, test_arp_pending_queue_bounded_then_flushed_in_order);
    tcase_add_test(res, test_arp_resolves_gateway_for_offlink);
    tcase_add_test(res, test_arp_merge_completes_pending_resolution);
    tcase_add_test(res, test_arp_at_lists_entries);
    tcase_add_test(tim, test_arp_retry_then_resolve_fail);
    tcase_add_test(tim, test_arp_reply_after_retry_stops_retries);
    tcase_add_test(tim, test_arp_entry_expires_after_reachable);
    tcase_add_test(tim, test_arp_entry_refreshed_by_merge);
    tcase_add_test(tim, test_arp_cache_full_replaces_oldest);
    tcase_add_test(tim, test_arp_zero_config_takes_defaults);
    tcase_add_test(bad, test_arp_truncated_dropped);
    tcase_add_loop_test(bad, test_arp_malformed_dropped, 0, (int)ARRAY_LEN(arp_bad));
    tcase_add_test(bad, test_arp_malformed_does_not_merge);
    suite_add_tcase(s, ans);
    suite_add_tcase(s, merge);
    suite_add_tcase(s, res);
    suite_add_tcase(s, tim);
    tcase_add_test(hostile, test_arp_locktime_gateway_reply);
    tcase_add_test(hostile, test_arp_locktime_counts_from_change);
    tcase_add_test(hostile, test_arp_gratuitous_after_locktime);
    tcase_add_test(hostile, test_arp_first_reply_wins);
    tcase_add_test(hostile, test_arp_locktime_configured);
    tcase_add_loop_test(hostile, test_arp_off_subnet_sender_ignored, 0, (int)ARRAY_LEN(off_subnet));
    tcase_add_test(hostile, test_arp_flood_keeps_gateway);
    tcase_add_test(hostile, test_arp_cache_full_keeps_next_hop);
    tcase_add_test(hostile, test_arp_lru_eviction_order);
    tcase_add_test(hostile, test_arp_cache_full_refused);
    tcase_add_test(hostile, test_arp_cache_of_gateways_refuses);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, hostile);
    return s;
}
