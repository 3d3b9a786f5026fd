/*
 * util.c - address formatting and parsing for the trace, options and tests.
 */
#include "ts.h"

#include <stdio.h>

char *
ip4_str(uint32_t ip, char buf[IP4_STRLEN])
{
    snprintf(buf, IP4_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
             ip & 0xff);
    return buf;
}

char *
mac_str(const uint8_t mac[6], char buf[MAC_STRLEN])
{
    snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
    return buf;
}

int
ip4_parse_str(const char *s, uint32_t *ip)
{
    uint32_t v = 0;

    for (int part = 0; part < 4; part++) {
        unsigned n = 0;
        int digits = 0;

        while (*s >= '0' && *s <= '9') {
            n = n * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || n > 255)
                return TS_EINVAL;
        }
        if (digits == 0)
            return TS_EINVAL;
        v = (v << 8) | n;
        if (part < 3 && *s++ != '.')
            return TS_EINVAL;
    }
    if (*s != '\0')
        return TS_EINVAL;
    *ip = v;
    return TS_OK;
}

int
mac_parse_str(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit((unsigned char)s[0]), lo = hi < 0 ? -1 : hex_digit((unsigned char)s[1]);

        if (hi < 0 || lo < 0)
            return TS_EINVAL;
        mac[i] = (uint8_t)(hi * 16 + lo);
        s += 2;
        if (i < 5 && *s++ != ':')
            return TS_EINVAL;
    }
    return *s == '\0' ? TS_OK : TS_EINVAL;
}
