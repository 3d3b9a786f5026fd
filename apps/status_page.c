/*
 * status_page.c - the live state of the stack as one page (status_page.h):
 * what `ip addr`, `ip neigh`, `ip route`, `ss -tuan` and `nstat` show on
 * Linux, for tapstack, in HTML or plain text.
 *
 * Called by apps/http.c for GET /status. The stack renders nothing itself: it
 * offers inspection functions (netif_at, arp_at, route_at, tcp_pcb_at,
 * udp_pcb_at, stats_ctr) and this file lays out what they return. Writes into
 * the caller's buffer, never past cap; allocates nothing. Leaves out on
 * purpose: history (it is a snapshot), and anything that would change state
 * (no reset, no trace toggling).
 */
#include "status_page.h"
#include "../stack/arp.h"
#include "../stack/clock.h"
#include "../stack/netif.h"
#include "../stack/pkb.h"
#include "../stack/route.h"
#include "../stack/socket.h"
#include "../stack/stats.h"
#include "../stack/tcp.h"
#include "../stack/tcp_var.h"
#include "../stack/udp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The page being written: like snprintf, len counts what the whole page needs. */
struct page {
    char *buf;
    size_t cap;
    size_t len;
    bool html;
    int pad;                  /* text tables: blanks owed to the last cell, if another follows */
    bool row_open;            /* text tables: a cell was put on this row */
};

static void __attribute__((format(printf, 2, 3)))
put(struct page *pg, const char *fmt, ...)
{
    size_t room = pg->len < pg->cap ? pg->cap - pg->len : 0;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? pg->buf + pg->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        pg->len += (size_t)n;
}

/* n bytes as they are (counted even when they no longer fit). */
static void
put_raw(struct page *pg, const char *s, size_t n)
{
    if (pg->len < pg->cap) {
        size_t room = pg->cap - pg->len;

        memcpy(pg->buf + pg->len, s, n < room ? n : room);
    }
    pg->len += n;
}

/* Text as it is in the text page, escaped in the HTML one (names come from options). */
static void
put_text(struct page *pg, const char *s, size_t n)
{
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;

        if (pg->html) {
            switch (s[i]) {
            case '<': esc = "&lt;"; break;
            case '>': esc = "&gt;"; break;
            case '&': esc = "&amp;"; break;
            case '"': esc = "&quot;"; break;
            default: break;
            }
        }
        if (esc) {
            put_raw(pg, s + run, i - run);
            put_raw(pg, esc, strlen(esc));
            run = i + 1;
        }
    }
    put_raw(pg, s + run, n - run);
}

static void
put_str(struct page *pg, const char *s)
{
    put_text(pg, s, strlen(s));
}

static void
section(struct page *pg, const char *title)
{
    if (pg->html)
        put(pg, "<h2>%s</h2>\n", title);
    else
        put(pg, "\n== %s ==\n", title);
}

/* One cell: in HTML a <td>, in text the value left-aligned in `width` columns. */
static void __attribute__((format(printf, 3, 4)))
cell(struct page *pg, int width, const char *fmt, ...)
{
    char v[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    if (n < 0)
        v[0] = '\0';
    if (pg->html) {
        put(pg, "<td>");
        put_str(pg, v);
        put(pg, "</td>");
        return;
    }
    if (pg->row_open && v[0] == '\0') {
        pg->pad += 1 + width;               /* nothing to see: owe it to the next cell, if any */
        return;
    }
    if (pg->row_open)                       /* padding is owed only when a cell follows */
        put(pg, "%*s", pg->pad + 1, "");
    put_str(pg, v);
    pg->pad = width > (int)strlen(v) ? width - (int)strlen(v) : 0;
    pg->row_open = true;
}

static void
row_start(struct page *pg)
{
    if (pg->html)
        put(pg, "<tr>");
    pg->row_open = false;
}

static void
row_end(struct page *pg)
{
    put(pg, pg->html ? "</tr>\n" : "\n");
    pg->row_open = false;
}

/* A table with n columns: the header row, names in the same widths as the cells below. */
static void
table_start(struct page *pg, int n, const char *const names[], const int widths[])
{
    if (pg->html)
        put(pg, "<table>\n<tr>");
    else
        row_start(pg);
    for (int i = 0; i < n; i++) {
        if (pg->html) {
            put(pg, "<th>");
            put_str(pg, names[i]);
            put(pg, "</th>");
        } else {
            cell(pg, widths[i], "%s", names[i]);
        }
    }
    if (pg->html)
        put(pg, "</tr>\n");
    else
        row_end(pg);
}

static void
table_end(struct page *pg)
{
    if (pg->html)
        put(pg, "</table>\n");
}

/*
 * Preformatted lines, one per entry (the ARP cache, UDP sockets): pre_line
 * for each, the first opening the block, then pre_end with how many there were.
 */
static void
pre_end(struct page *pg, unsigned lines, const char *empty)
{
    if (lines == 0)
        put(pg, pg->html ? "<p class=\"none\">%s</p>\n" : "  %s\n", empty);
    else if (pg->html)
        put(pg, "</pre>\n");
}

/* One line of a preformatted block, escaped like any text (names come from options). */
static void __attribute__((format(printf, 3, 4)))
pre_line(struct page *pg, unsigned index, const char *fmt, ...)
{
    char line[160];
    va_list ap;
    int n;

    if (index == 0 && pg->html)
        put(pg, "<pre>");
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > 0)
        put_text(pg, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Sections ---------------------------------------------------------------- */

static void
put_summary(struct page *pg)
{
    uint64_t up = clock_now() / US_PER_SEC;

    if (pg->html)
        put(pg, "<p class=\"summary\">");
    put(pg, "clock %llu s%s, packet buffers %zu of %zu in use, sockets %u open, "
            "ARP entries %u (%u packets waiting), TCP control blocks %u in use",
        (unsigned long long)up, clock_is_virtual() ? " (virtual)" : "", pkb_in_use(),
        pkb_total(), socket_count(), arp_count(), arp_pending_count(), tcp_count(TCPS_CLOSED));
    put(pg, pg->html ? "</p>\n" : "\n");
}

static void
put_interfaces(struct page *pg)
{
    char mac[MAC_STRLEN], ip[IP4_STRLEN];
    struct netif *nif;

    static const char *const names[] = { "name", "MAC", "address", "MTU", "kind" };
    static const int w[] = { 8, 17, 18, 5, 0 };

    section(pg, "Interfaces");
    table_start(pg, 5, names, w);
    for (int i = 0; (nif = netif_at(i)) != NULL; i++) {
        row_start(pg);
        cell(pg, w[0], "%s", nif->name);
        cell(pg, w[1], "%s", (nif->flags & NETIF_LOOPBACK) ? "-" : mac_str(nif->mac, mac));
        if (nif->addr)
            cell(pg, w[2], "%s/%u", ip4_str(nif->addr, ip), nif->prefix);
        else
            cell(pg, w[2], "-");
        cell(pg, w[3], "%u", nif->mtu);
        cell(pg, w[4], "%s%s", (nif->flags & NETIF_LOOPBACK) ? "loopback" : "ethernet",
             nif->impair ? " impaired" : "");
        row_end(pg);
    }
    table_end(pg);
}

static void
put_routes(struct page *pg)
{
    char d[IP4_STRLEN], g[IP4_STRLEN];
    const struct route *r;

    static const char *const names[] = { "destination", "gateway", "interface" };
    static const int w[] = { 18, 15, 0 };

    section(pg, "Routes");
    table_start(pg, 3, names, w);
    for (int i = 0; (r = route_at(i)) != NULL; i++) {
        row_start(pg);
        if (r->prefix == 0)
            cell(pg, w[0], "default");
        else
            cell(pg, w[0], "%s/%u", ip4_str(r->dst, d), r->prefix);
        cell(pg, w[1], "%s", r->gw ? ip4_str(r->gw, g) : "direct");
        cell(pg, w[2], "%s", r->nif ? r->nif->name : "?");
        row_end(pg);
    }
    table_end(pg);
}

/* The ARP cache, a line per entry as arp_dump prints it. */
static void
put_arp(struct page *pg)
{
    char s[IP4_STRLEN], m[MAC_STRLEN];
    struct arp_entry_view v;
    uint64_t now = clock_now();
    unsigned i;

    section(pg, "ARP cache");
    for (i = 0; arp_at(i, &v); i++) {
        pre_line(pg, i, "%-15s %-17s %-10s %s age %llus waiting %zu\n", ip4_str(v.ip, s),
                 v.reachable ? mac_str(v.mac, m) : "(incomplete)",
                 v.reachable ? "reachable" : "incomplete", v.nif->name,
                 (unsigned long long)((now - v.updated) / US_PER_SEC), v.waiting);
    }
    pre_end(pg, i, "empty");
}

/* TCP with RFC 9293's names; sequence numbers relative to ISS and IRS, as in the trace. */
static void
put_tcp(struct page *pg)
{
    const struct tcp_config *cfg = tcp_config_get();
    static const char *const names[] = {
        "local", "remote", "state", "snd_una", "snd_nxt", "snd_wnd", "rcv_nxt", "rcv_wnd",
        "cwnd", "ssthresh", "loss", "sndq", "rcvq", "rto_ms", "accept queue",
    };
    static const int w[] = { 21, 21, 12, 8, 8, 7, 8, 7, 7, 8, 7, 11, 11, 6, 0 };
    char a[IP4_STRLEN], b[IP4_STRLEN];
    unsigned shown = 0;

    section(pg, "TCP control blocks");
    if (!pg->html)
        put(pg, "(snd_una, snd_nxt relative to ISS; rcv_nxt to IRS; queues in bytes; loss: how "
                "losses are repaired, SACK + RACK-TLP or NewReno)\n");
    else
        put(pg, "<p>snd_una, snd_nxt relative to ISS; rcv_nxt relative to IRS; "
                "queues in bytes (used/size); loss: how losses are repaired, SACK + RACK-TLP "
                "or NewReno</p>\n");
    table_start(pg, 15, names, w);
    for (unsigned i = 0; cfg && i < cfg->max_pcbs; i++) {
        const struct tcp_pcb *p = tcp_pcb_at(i);

        if (p == NULL)
            continue;
        shown++;
        row_start(pg);
        cell(pg, w[0], "%s:%u", ip4_str(p->local_ip, a), p->local_port);
        if (p->state == TCPS_LISTEN) {
            cell(pg, w[1], "*:*");
            cell(pg, w[2], "%s", tcp_state_name(p->state));
            for (int k = 3; k < 14; k++)
                cell(pg, w[k], "-");
            cell(pg, w[14], "%u/%u (+%u in SYN-RECEIVED)", p->n_accept, p->backlog,
                 p->n_syn_rcvd);
        } else {
            cell(pg, w[1], "%s:%u", ip4_str(p->remote_ip, b), p->remote_port);
            cell(pg, w[2], "%s", tcp_state_name(p->state));
            cell(pg, w[3], "%u", p->snd_una - p->iss);
            cell(pg, w[4], "%u", p->snd_nxt - p->iss);
            cell(pg, w[5], "%u", p->snd_wnd);
            cell(pg, w[6], "%u", p->rcv_nxt - p->irs);
            cell(pg, w[7], "%u", tcp_rcv_window(p));
            cell(pg, w[8], "%u", p->cwnd);
            cell(pg, w[9], "%u", p->ssthresh);
            cell(pg, w[10], "%s", p->sack_ok ? "SACK" : "NewReno");
            cell(pg, w[11], "%u/%u", p->snd.len, p->snd.size);
            cell(pg, w[12], "%u/%u", p->rcv.len, p->rcv.size);
            cell(pg, w[13], "%u", p->rto_us / 1000);
            cell(pg, w[14], "-");
        }
        row_end(pg);
    }
    table_end(pg);
    if (shown == 0)
        put(pg, pg->html ? "<p class=\"none\">no control block in use</p>\n" : "  (none)\n");
}

/* UDP sockets that have a port, a line each as udp_dump prints it. */
static void
put_udp(struct page *pg)
{
    char s1[IP4_STRLEN], s2[IP4_STRLEN], peer[IP4_STRLEN + 8];
    const struct udp_pcb *q;
    unsigned i;

    section(pg, "UDP sockets");
    for (i = 0; (q = udp_pcb_at(i)) != NULL; i++) {
        if (q->connected)
            snprintf(peer, sizeof(peer), "%s:%u", ip4_str(q->raddr, s2), q->rport);
        else
            snprintf(peer, sizeof(peer), "*:*");
        pre_line(pg, i, "udp fd %d %s:%u %s rcvq %zu/%zu (%zu bytes)\n", q->fd,
                 ip4_str(q->laddr, s1), q->lport, peer, q->rcvq.len, q->rcvq_max, q->rcvq_bytes);
    }
    pre_end(pg, i, "none");
}

static void
put_counters(struct page *pg)
{
    static const char *const names[] = { "counter", "value", "meaning", "RFC" };
    static const int w[] = { 24, 10, 50, 0 };
    const char *layer = NULL;
    bool any = false;

    section(pg, "Counters (not zero)");
    for (int i = 0; i < ST_COUNT; i++) {
        const struct stat_desc *d = &stats_desc[i];

        if (stats_ctr[i] == 0)
            continue;
        if (layer == NULL || strcmp(layer, d->layer) != 0) {
            if (layer != NULL)
                table_end(pg);
            layer = d->layer;
            if (pg->html) {
                put(pg, "<h3>%s</h3>\n", layer);
                table_start(pg, 4, names, w);
            } else {
                if (!any)
                    table_start(pg, 4, names, w);   /* text: one header for all layers */
                put(pg, "[%s]\n", layer);
            }
        }
        any = true;
        row_start(pg);
        cell(pg, w[0], "%s.%s", d->layer, d->name);
        cell(pg, w[1], "%llu", (unsigned long long)stats_ctr[i]);
        cell(pg, w[2], "%s", d->desc);
        cell(pg, w[3], "%s", d->rfc);
        row_end(pg);
    }
    if (layer != NULL)
        table_end(pg);
    if (!any)
        put(pg, pg->html ? "<p class=\"none\">all zero</p>\n" : "  (all zero)\n");
}

static const char html_head[] =
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>tapstack status</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;"
    "color:#222}\n"
    "table{border-collapse:collapse;margin:.3em 0 1em}\n"
    "th,td{border:1px solid #ccc;padding:.15em .5em;text-align:left;"
    "font-family:ui-monospace,monospace;font-size:90%}\n"
    "th{background:#eef}\npre{background:#f6f6f6;padding:.5em;overflow-x:auto}\n"
    "h2{border-bottom:2px solid #446;margin-top:1.2em}\n.none{color:#888}\n"
    "</style>\n</head>\n<body>\n"
    "<h1>tapstack status</h1>\n"
    "<p><a href=\"/\">home</a> &middot; <a href=\"/status?format=text\">as text</a> &middot; "
    "a snapshot taken when this page was asked for: reload to see it change</p>\n";

size_t
status_page_render(char *buf, size_t cap, bool html)
{
    struct page pg = { .buf = buf, .cap = cap, .len = 0, .html = html };

    if (cap > 0)
        buf[0] = '\0';
    if (html)
        put(&pg, "%s", html_head);
    else
        put(&pg, "tapstack status\n");
    put_summary(&pg);
    put_interfaces(&pg);
    put_arp(&pg);
    put_routes(&pg);
    put_tcp(&pg);
    put_udp(&pg);
    put_counters(&pg);
    if (html)
        put(&pg, "</body>\n</html>\n");
    if (cap > 0)
        buf[pg.len < cap ? pg.len : cap - 1] = '\0';
    return pg.len;
}
