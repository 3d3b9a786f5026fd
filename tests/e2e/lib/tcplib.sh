# shellcheck shell=bash
# tests/e2e/lib/tcplib.sh: sourced by the TCP tests (t_tcp*.sh) after lib.sh.

# tcp_pcap_clean FILE: lib.sh's pcap_clean over every frame of FILE, with one exception for the
# lab's Linux kernel, not the stack: when a TCP checksum folds to 0x0000, Linux's software
# checksum (skb_checksum_help, on the way into the tap) writes 0xFFFF instead (CSUM_MANGLED_0).
# Both mean zero in one's complement (RFC 1624 3) and the stack rightly accepts them, but tshark
# calls 0xFFFF "Bad". About one kernel segment in 65536 carries it, so a 10 MB run can. Frames
# the stack sent are judged with no exception at all.
tcp_pcap_clean() {
    pcap_clean "$1" "eth.src == $STACK_MAC || !(tcp.checksum == 0xffff)"
}
