/*
 * tap.h - the TAP driver: Ethernet frames to and from a Linux tap device
 * (IFF_TAP | IFF_NO_PI), created or attached by name.
 */
#ifndef TS_TAP_H
#define TS_TAP_H

#include <stdint.h>
#include <stddef.h>

struct netif;

/*
 * Open tap `name` and register it as an interface with MAC `mac`. Works on a
 * persistent tap made beforehand (lab.sh), also without root if the tap is
 * owned by the caller. On failure returns NULL with a one-line reason in err.
 */
struct netif *tap_open(const char *name, const uint8_t mac[6], char *err, size_t errlen);
/* The tap device's own MAC (the host side), for choosing a different one. */
int tap_host_mac(const char *name, uint8_t mac[6]);

#endif
