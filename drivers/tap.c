/*
 * tap.c - the TAP driver. One fd from /dev/net/tun; every read() is one
 * Ethernet frame and every write() sends one. The fd is non-blocking: the
 * event loop polls it and tap_read takes a bounded batch.
 */
#include "tap.h"
#include "../stack/netif.h"
#include "../stack/pkb.h"
#include "../stack/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int
tap_write(struct netif *nif, struct pkb *p)
{
    ssize_t n = write(nif->fd, p->data, p->len);

    pkb_free(p);
    return n < 0 ? TS_EIO : TS_OK;
}

/* Read up to `budget` frames; each goes up through netif_input. */
static int
tap_read(struct netif *nif, int budget)
{
    int done = 0;

    while (done < budget) {
        struct pkb *p = pkb_alloc();
        ssize_t n;

        if (p == NULL) {
            /* Pool empty: read into a scratch buffer so the tap does not stall. */
            uint8_t scratch[PKB_DATA_MAX];

            if (read(nif->fd, scratch, sizeof(scratch)) <= 0)
                break;
            done++;
            continue;
        }
        n = read(nif->fd, p->data, PKB_DATA_MAX);
        if (n <= 0) {
            pkb_free(p);
            break;
        }
        p->len = (size_t)n;
        netif_input(nif, p);
        done++;
    }
    return done;
}

static void
tap_close(struct netif *nif)
{
    if (nif->fd >= 0)
        close(nif->fd);
    nif->fd = -1;
}

static const struct netif_ops tap_ops = {
    .xmit = tap_write,
    .rx = tap_read,
    .close = tap_close,
};

/* Bring the link up if it is not (needs CAP_NET_ADMIN; lab.sh already did it). */
static int
tap_link_up(const char *name)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM, 0), err = 0;

    if (s < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        err = -errno;
    else if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
            err = -errno;
    }
    close(s);
    return err;
}

int
tap_host_mac(const char *name, uint8_t mac[6])
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM, 0), err = 0;

    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
        err = -1;
    else
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    close(s);
    return err;
}

struct netif *
tap_open(const char *name, const uint8_t mac[6], char *err, size_t errlen)
{
    struct ifreq ifr;
    struct netif *nif;
    int fd, e;

    if (strlen(name) >= IFNAMSIZ) {
        snprintf(err, errlen, "tap name '%s' is longer than %d characters", name, IFNAMSIZ - 1);
        return NULL;
    }
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        if (e == ENOENT)
            snprintf(err, errlen, "no /dev/net/tun: load the tun module (modprobe tun)");
        else if (e == EACCES || e == EPERM)
            snprintf(err, errlen, "no permission to open /dev/net/tun: run as root, or make "
                                  "a tap owned by you (TS_TAP_USER=$USER scripts/lab.sh up)");
        else
            snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(e));
        return NULL;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        e = errno;
        if (e == EBUSY)
            snprintf(err, errlen, "tap %s is busy: another process has it open", name);
        else if (e == EPERM || e == EACCES)
            snprintf(err, errlen, "no permission for tap %s: run as root, or create it owned "
                                  "by you (TS_TAP_USER=$USER scripts/lab.sh up)", name);
        else if (e == EINVAL)
            snprintf(err, errlen, "%s exists and is not a tap device", name);
        else
            snprintf(err, errlen, "cannot attach to tap %s: %s", name, strerror(e));
        close(fd);
        return NULL;
    }
    e = tap_link_up(name);
    if (e < 0 && e != -EPERM) {
        snprintf(err, errlen, "cannot bring %s up: %s", name, strerror(-e));
        close(fd);
        return NULL;
    }
    nif = netif_add(name, mac, 0, &tap_ops, NULL, fd);
    if (nif == NULL) {
        snprintf(err, errlen, "too many interfaces");
        close(fd);
        return NULL;
    }
    return nif;
}
