/*
 * udp.h - the User Datagram Protocol (RFC 768, RFC 1122 4.1): parse and emit
 * the header, demultiplex datagrams to protocol control blocks by port, send.
 *
 * A struct udp_pcb is the UDP half of a SOCK_DGRAM socket. Its memory belongs
 * to the socket table (socket.c); udp.c links it into its own list of bound
 * pcbs when it gets a port, and unlinks it in udp_close(). udp.c never sets
 * errno: it returns enum ts_err codes (and TS_EADDRINUSE) that socket.c maps.
 */
#ifndef TS_UDP_H
#define TS_UDP_H

#include "ts.h"
#include "pkb.h"

#include <stdio.h>

#define UDP_HDR_LEN          8
#define UDP_CSUM_OFF         6        /* the checksum field's offset in the header */
#define UDP_EPHEMERAL_FIRST  49152    /* RFC 6335 6: the dynamic/private range */
#define UDP_EPHEMERAL_LAST   65535

/* A result beyond enum ts_err (ts.h) that only the transports return:
 * the port is taken, or no ephemeral port is left. socket.c: EADDRINUSE. */

struct netif;
struct ipv4_hdr;

struct udp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint16_t len;             /* header + data, in bytes */
    uint16_t csum;            /* 0 = the sender computed none (RFC 768) */
};

/*
 * One UDP endpoint. laddr 0 means "any of our addresses" (0.0.0.0); raddr and
 * rport are set by udp_connect and then filter what the pcb receives.
 */
struct udp_pcb {
    struct udp_pcb *next;     /* udp.c's list of pcbs that have a port */
    uint32_t laddr;           /* local address, host order; 0 = any */
    uint16_t lport;           /* local port; 0 = not bound yet */
    uint32_t raddr;           /* connected peer (when connected) */
    uint16_t rport;
    bool connected;
    bool laddr_from_connect;  /* laddr was chosen by connect: disconnect resets it */
    bool reuseaddr;           /* SO_REUSEADDR: may share a port with others that set it */
    struct pkb_queue rcvq;    /* datagrams waiting for udp_recv, data at the payload */
    size_t rcvq_bytes;        /* payload bytes in rcvq */
    size_t rcvbuf;            /* SO_RCVBUF: payload bytes the queue may hold */
    size_t rcvq_max;          /* datagrams the queue may hold (each pins a pkb) */
    bool err_pending;         /* an ICMP error arrived for this (connected) pcb */
    uint8_t err_type, err_code;
    int fd;                   /* the owning descriptor, shown in the trace */
};

/* Parse and validate a UDP header (RFC 768). Host byte order out.
 * TS_ETRUNC: fewer than 8 bytes; TS_EBADLEN: the length field lies. */
int udp_parse(const uint8_t *b, size_t n, struct udp_hdr *h);
/* Write an 8-byte header at b, checksum field as given in h. */
void udp_emit(uint8_t *b, const struct udp_hdr *h);
/* The checksum of a datagram b[0..n) whose checksum field is zero (RFC 768
 * pseudo-header included); 0 becomes 0xffff, because 0 means "none". */
uint16_t udp_checksum(uint32_t src, uint32_t dst, const uint8_t *b, size_t n);

/* Forget every pcb, pick a random ephemeral start (rand32()). Called by stack_init. */
void udp_init(void);

/* Registered with ipv4_register(IPPROTO_UDP). Owns p. */
void udp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih);
/* Registered with icmp_register_err(IPPROTO_UDP): an ICMP error quoting one
 * of our datagrams; marks the connected pcb it is about (RFC 1122 4.1.3.3). */
void udp_icmp_error(uint8_t type, uint8_t code, const struct ipv4_hdr *quoted,
                    const uint8_t *l4, size_t l4len);

/* A fresh pcb (not bound, not listed). fd is only for the trace. */
void udp_pcb_init(struct udp_pcb *pcb, int fd, size_t rcvbuf, size_t rcvq_max);
/*
 * Give pcb the local address/port (port 0: an ephemeral one). Fails with
 * TS_EADDRINUSE if another pcb holds the port on an overlapping address
 * (the same one, or either is 0.0.0.0) unless both set reuseaddr. The
 * caller has checked that addr is one of ours. TS_EINVAL if already bound.
 */
int udp_bind(struct udp_pcb *pcb, uint32_t addr, uint16_t port);
/* Fix the peer: only its datagrams are received, and udp_output's default
 * destination. Binds an ephemeral port first if needed. TS_ENOROUTE, TS_EADDRINUSE. */
int udp_connect(struct udp_pcb *pcb, uint32_t addr, uint16_t port);
void udp_disconnect(struct udp_pcb *pcb);
/*
 * Send len bytes to dst:dport (binds an ephemeral port first if needed).
 * Returns TS_OK once the datagram is handed to IPv4 (it may still wait for
 * ARP), or TS_ENOROUTE, TS_EMSGSIZE (larger than the route's MTU: no
 * fragmentation), TS_ENOMEM (no packet buffer), TS_EADDRINUSE.
 */
int udp_output(struct udp_pcb *pcb, const void *data, size_t len, uint32_t dst, uint16_t dport);
/* True if a datagram is waiting. */
bool udp_readable(const struct udp_pcb *pcb);
/*
 * Copy the oldest datagram's payload into buf (at most cap bytes; the rest
 * of a longer datagram is lost, as with BSD sockets) and its source into
 * *src / *sport. Dequeues it unless peek. Returns the bytes copied; the
 * caller has checked udp_readable().
 */
size_t udp_recv(struct udp_pcb *pcb, void *buf, size_t cap, uint32_t *src, uint16_t *sport,
                bool peek);
/* Unlist the pcb and free its queue. */
void udp_close(struct udp_pcb *pcb);

/* One line per pcb, netstat -un style. */
void udp_dump(FILE *f);
/* The i-th pcb that has a local port (in udp_dump's order), or NULL past the last. */
const struct udp_pcb *udp_pcb_at(unsigned i);

#endif
