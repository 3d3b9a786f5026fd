/*
 * test_arp.c - ARP (RFC 826, RFC 1122 2.3.2, RFC 5227) on the virtual clock:
 * answering, the merge rule, resolution with its bounded queue, retries,
 * expiry, replacement when full, announcements and malformed packets.
 * Every sent ARP packet is read back with arp_parse and checked field by field.
 */
#include "helpers.h"

#include "../../stack/arp.h"
#include "../../stack/ether.h"
#include "../../stack/ipv4.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../drivers/capture.h"

#include <string.h>

#define PROTO_TEST 253            /* RFC 3692 experimental: nothing else claims it */

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

/* RFC 826: a packet from a KNOWN sender updates its MAC even if not for us. */
START_TEST(test_arp_merge_known_sender_updates_mac)
{
    ut_learn(UT_IP_PEER, ut_mac_peer);
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

/* RFC 826: a reply to us creates the entry; a later one with a new MAC updates it. */
START_TEST(test_arp_reply_creates_and_updates)
{
    inject_arp(ut_mac_us, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, reply_in), 1);
    ck_assert(has_mac(UT_IP_PEER, ut_mac_peer));
    inject_arp(ut_mac_us, ARP_OP_REPLY, mac_new, UT_IP_PEER, ut_mac_us, UT_IP_US);
    expect_nothing();
    ck_assert(has_mac(UT_IP_PEER, mac_new));
    ck_assert_uint_eq(arp_count(), 1);
}
END_TEST

/* RFC 5227 3: another host's gratuitous ARP refreshes a known entry, creates none. */
START_TEST(test_arp_gratuitous_from_peer_merges_only)
{
    inject_arp(ut_mac_bcast, ARP_OP_REQUEST, ut_mac_gw, UT_IP_GW, ut_mac_zero, UT_IP_GW);
    ck_assert_uint_eq(arp_count(), 0);
    ut_learn(UT_IP_PEER, ut_mac_peer);
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

/* Bounded cache: when full, the least recently confirmed entry is replaced (counted). */
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

Suite *
arp_suite(void)
{
    Suite *s = suite_create("arp");
    TCase *ans = ut_tcase("answer");
    TCase *merge = ut_tcase("merge");
    TCase *res = ut_tcase("resolve");
    TCase *tim = ut_tcase("timers");
    TCase *bad = ut_tcase("malformed");

    tcase_add_test(ans, test_arp_request_for_us_one_reply);
    tcase_add_test(ans, test_arp_unicast_request_answered);
    tcase_add_test(ans, test_arp_request_for_other_ip_ignored);
    tcase_add_test(ans, test_arp_probe_answered_not_learned);
    tcase_add_test(ans, test_arp_announce_fields);
    tcase_add_test(merge, test_arp_merge_known_sender_updates_mac);
    tcase_add_test(merge, test_arp_merge_unknown_sender_not_added);
    tcase_add_test(merge, test_arp_reply_creates_and_updates);
    tcase_add_test(merge, test_arp_gratuitous_from_peer_merges_only);
    tcase_add_test(res, test_arp_resolve_sends_one_request);
    tcase_add_test(res, test_arp_pending_queue_bounded_then_flushed_in_order);
    tcase_add_test(res, test_arp_resolves_gateway_for_offlink);
    tcase_add_test(res, test_arp_merge_completes_pending_resolution);
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
    suite_add_tcase(s, bad);
    return s;
}
