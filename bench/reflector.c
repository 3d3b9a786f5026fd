/*
 * reflector.c - the floor: a do-nothing TAP "stack" for `make bench`.
 * Answers ARP requests for IP with MAC, turns ICMP echo requests around in place (swap MACs
 * and IPs, type 0, RFC 1624 incremental checksum) and UDP datagrams to port 7 too (swap MACs,
 * IPs and ports: the checksum, a sum over both addresses and both ports, does not change).
 * No validation beyond bounds, no state, one read() and one write() per frame: no tap-based
 * stack can answer pings or UDP echo requests faster than this.
 * Usage: reflector TAPNAME IP MAC      (the tap must exist, e.g. from scripts/lab.sh up)
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int
main(int argc, char **argv)
{
    uint8_t mac[6], ip[4], f[65536];
    struct ifreq ifr;
    struct sigaction sa;
    int fd;

    if (argc != 4 || strlen(argv[1]) >= IFNAMSIZ || inet_pton(AF_INET, argv[2], ip) != 1 ||
        sscanf(argv[3], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
               &mac[4], &mac[5]) != 6) {
        fprintf(stderr, "usage: reflector TAPNAME IP MAC\n");
        return 2;
    }
    if ((fd = open("/dev/net/tun", O_RDWR)) < 0) {
        perror("reflector: /dev/net/tun");
        return 1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, argv[1], strlen(argv[1]));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("reflector: TUNSETIFF");
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;           /* no SA_RESTART: read() returns EINTR, loop ends */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("reflector: ready\n");
    fflush(stdout);

    while (!stop) {
        ssize_t n = read(fd, f, sizeof f);
        uint8_t *ip4 = f + 14, *icmp, tmp[4];
        size_t hl;

        if (n < 42)
            continue;                     /* EINTR, or too short for ARP and for IPv4+ICMP/UDP */
        if (f[12] == 0x08 && f[13] == 0x06 && !memcmp(f + 14, "\0\1\x08\0\6\4\0\1", 8) &&
            !memcmp(f + 38, ip, 4)) {     /* ARP request (Ethernet/IPv4) for our address */
            memcpy(f, f + 6, 6);
            memcpy(f + 6, mac, 6);
            f[21] = 2;                    /* op = reply */
            memcpy(f + 32, f + 22, 10);   /* target = the asker (sha, spa) */
            memcpy(f + 22, mac, 6);
            memcpy(f + 28, ip, 4);
        } else if (f[12] == 0x08 && f[13] == 0x00 && (ip4[0] >> 4) == 4 &&
                   (hl = (size_t)(ip4[0] & 15) * 4) >= 20 && (size_t)n >= 14 + hl + 8 &&
                   ip4[9] == 1 && !memcmp(ip4 + 16, ip, 4) && ip4[hl] == 8) {
            uint32_t sum, old;            /* ICMP echo request (type 8) to our address */

            icmp = ip4 + hl;
            memcpy(f, f + 6, 6);          /* Ethernet: back to the sender, from us */
            memcpy(f + 6, mac, 6);
            memcpy(tmp, ip4 + 12, 4);     /* IPv4: swap addresses (header checksum unchanged) */
            memcpy(ip4 + 12, ip4 + 16, 4);
            memcpy(ip4 + 16, tmp, 4);
            old = (uint32_t)(icmp[0] << 8 | icmp[1]);
            icmp[0] = 0;                  /* echo reply; RFC 1624 eqn 3: HC' = ~(~HC + ~m + m') */
            sum = (~(uint32_t)(icmp[2] << 8 | icmp[3]) & 0xffff) + (~old & 0xffff) + icmp[1];
            sum = (sum & 0xffff) + (sum >> 16);
            sum = (sum & 0xffff) + (sum >> 16);
            icmp[2] = (uint8_t)(~sum >> 8);
            icmp[3] = (uint8_t)~sum;
        } else if (f[12] == 0x08 && f[13] == 0x00 && (ip4[0] >> 4) == 4 &&
                   (hl = (size_t)(ip4[0] & 15) * 4) >= 20 && (size_t)n >= 14 + hl + 8 &&
                   ip4[9] == 17 && !memcmp(ip4 + 16, ip, 4) && (ip4[6] & 0x3f) == 0 &&
                   ip4[7] == 0 && ip4[hl + 2] == 0 && ip4[hl + 3] == 7) {
            uint8_t *udp = ip4 + hl;      /* UDP to port 7, not a fragment: echo it */

            memcpy(f, f + 6, 6);
            memcpy(f + 6, mac, 6);
            memcpy(tmp, ip4 + 12, 4);
            memcpy(ip4 + 12, ip4 + 16, 4);
            memcpy(ip4 + 16, tmp, 4);
            memcpy(tmp, udp, 2);          /* ports: source <-> destination */
            memcpy(udp, udp + 2, 2);
            memcpy(udp + 2, tmp, 2);
        } else {
            continue;
        }
        if (write(fd, f, (size_t)n) != n)
            perror("reflector: write");
    }
    close(fd);
    return 0;
}
