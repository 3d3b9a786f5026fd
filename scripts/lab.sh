#!/usr/bin/env bash
# lab.sh: build and remove the tapstack lab network, entirely inside network namespaces.
#
#  netns $TS_NS ("tslab"): lo, br0 10.0.0.1/24 (bridge, STP off, forward delay 0),
#    tap0 (persistent, NO address: 10.0.0.2 lives only inside tapstack) and veth-a in br0.
#  netns $TS_PEER_NS ("tspeer"): lo, veth-b 10.0.0.3/24 (a second host on the same bridge).
#
# Nothing is ever configured in the root namespace: every device is created with `ip -n NS`.
# IPv6 is off in both namespaces so the kernel's IPv6 chatter does not disturb counters/captures.
# Tests and benchmarks use their own names (e.g. TS_NS=tst${PID}lab) and `sweep` stale ones.
set -euo pipefail

PROG=lab.sh

# Topology; every name and address can be overridden from the environment.
TS_NS=${TS_NS:-tslab}
TS_PEER_NS=${TS_PEER_NS:-tspeer}
TS_BR=${TS_BR:-br0}
TS_BR_IP=${TS_BR_IP:-10.0.0.1/24}
TS_BR_MAC=${TS_BR_MAC:-02:74:73:00:00:01}     # fixed, so traces and captures are repeatable
TS_TAP=${TS_TAP:-tap0}
TS_TAP_USER=${TS_TAP_USER:-}
TS_PEER=${TS_PEER:-1}
TS_PEER_IP=${TS_PEER_IP:-10.0.0.3/24}
TS_PEER_MAC=${TS_PEER_MAC:-02:74:73:00:00:03}
TS_VETH_A=${TS_VETH_A:-veth-a}
TS_VETH_B=${TS_VETH_B:-veth-b}
TS_STACK_IP=${TS_STACK_IP:-10.0.0.2/24}       # only printed: the stack owns this address

usage() {
    cat <<EOF
usage: $PROG up | down | status | exec CMD [ARGS...] | sweep PREFIX | tap-owner [USER]

  up           create netns $TS_NS (bridge $TS_BR $TS_BR_IP, tap $TS_TAP without address)
               and, if TS_PEER=1, netns $TS_PEER_NS ($TS_VETH_B $TS_PEER_IP); idempotent
  down         delete both namespaces (and so their devices); idempotent
  status       namespaces, links, addresses, bridge ports, neighbours
  exec CMD...  run CMD inside $TS_NS (ip netns exec $TS_NS CMD...)
  sweep PREFIX delete namespaces named PREFIX<PID><rest> whose PID is no longer alive
               (stale labs of killed test runs); names without a PID are never touched
  tap-owner [USER]  print the owner of $TS_TAP, or recreate it persistent and owned by USER

environment (defaults): TS_NS=tslab TS_PEER_NS=tspeer TS_BR=br0 TS_BR_IP=10.0.0.1/24
  TS_BR_MAC=02:74:73:00:00:01 TS_TAP=tap0 TS_TAP_USER= (owner of the tap; empty = root)
  TS_PEER=1 TS_PEER_IP=10.0.0.3/24 TS_PEER_MAC=02:74:73:00:00:03 TS_VETH_A=veth-a TS_VETH_B=veth-b
EOF
}

die() {
    echo "$PROG: $*" >&2
    exit 1
}

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (ip netns needs CAP_SYS_ADMIN)"
    command -v ip >/dev/null || die "ip not found (apt-get install iproute2)"
}

# Names end up as file names (/run/netns/NAME) and interface names (IFNAMSIZ = 16 with the NUL).
check_names() {
    local n
    for n in "$TS_NS" "$TS_PEER_NS"; do
        [[ $n =~ ^[A-Za-z0-9_.-]{1,64}$ ]] || die "bad namespace name '$n'"
    done
    for n in "$TS_BR" "$TS_TAP" "$TS_VETH_A" "$TS_VETH_B"; do
        [[ $n =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || die "bad interface name '$n' (1..15 chars of [A-Za-z0-9_.-])"
    done
    [ "$TS_NS" != "$TS_PEER_NS" ] || die "TS_NS and TS_PEER_NS must differ"
    [[ $TS_PEER == [01] ]] || die "TS_PEER must be 0 or 1"
}

ns_exists() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
}

link_exists() { # NS DEV
    ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

# Switch IPv6 off before any device exists, so none gets a link-local address or sends RS/MLD.
ipv6_off() { # NS
    if ! ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1; then
        echo "$PROG: warning: could not disable IPv6 in $1 (kernel without IPv6?)" >&2
    fi
}

ns_create() { # NS
    if ! ns_exists "$1"; then
        ip netns add "$1"
    fi
    ipv6_off "$1"
    ip -n "$1" link set lo up
}

# Owner uid of the tap (-1 = none) from the lab namespace's sysfs.
tap_owner_uid() {
    ip netns exec "$TS_NS" cat "/sys/class/net/$TS_TAP/owner" 2>/dev/null || echo "?"
}

tap_create() {
    local want=-1
    if [ -n "$TS_TAP_USER" ]; then
        want=$(id -u -- "$TS_TAP_USER" 2>/dev/null) || die "no such user '$TS_TAP_USER'"
    fi
    if link_exists "$TS_NS" "$TS_TAP"; then
        local have
        have=$(tap_owner_uid)
        if [ "$have" != "$want" ]; then
            echo "$PROG: warning: $TS_TAP exists with owner uid $have, wanted $want;" \
                "use '$PROG tap-owner ${TS_TAP_USER:-root}' (stop the stack first)" >&2
        fi
    else
        if [ -n "$TS_TAP_USER" ]; then
            ip -n "$TS_NS" tuntap add dev "$TS_TAP" mode tap user "$TS_TAP_USER"
        else
            ip -n "$TS_NS" tuntap add dev "$TS_TAP" mode tap
        fi
    fi
    # A bridge port, never an address: only the stack answers for 10.0.0.2.
    ip -n "$TS_NS" addr flush dev "$TS_TAP"
    ip -n "$TS_NS" link set "$TS_TAP" master "$TS_BR"
    ip -n "$TS_NS" link set "$TS_TAP" up
}

tun_access_warning() {
    [ -n "$TS_TAP_USER" ] || return 0
    [ "$TS_TAP_USER" != root ] || return 0
    if command -v setpriv >/dev/null &&
        ! setpriv --reuid="$TS_TAP_USER" --regid="$(id -g -- "$TS_TAP_USER")" --clear-groups \
            -- test -r /dev/net/tun -a -w /dev/net/tun 2>/dev/null; then
        echo "$PROG: warning: /dev/net/tun is not read/writable by $TS_TAP_USER" \
            "(mode $(stat -c %a /dev/net/tun)); Debian's udev makes it 0666" >&2
    fi
}

cmd_up() {
    need_root
    check_names
    [ -e /dev/net/tun ] || die "/dev/net/tun missing (modprobe tun)"

    ns_create "$TS_NS"
    if ! link_exists "$TS_NS" "$TS_BR"; then
        ip -n "$TS_NS" link add "$TS_BR" type bridge stp_state 0 forward_delay 0
    fi
    # Forward at once (no STP listening/learning delay); fixed MAC (else it follows the ports').
    ip -n "$TS_NS" link set "$TS_BR" type bridge stp_state 0 forward_delay 0
    ip -n "$TS_NS" link set "$TS_BR" address "$TS_BR_MAC"
    if ! ip -n "$TS_NS" -4 addr show dev "$TS_BR" | grep -qF "inet $TS_BR_IP "; then
        ip -n "$TS_NS" addr add "$TS_BR_IP" dev "$TS_BR"
    fi
    ip -n "$TS_NS" link set "$TS_BR" up
    tap_create

    if [ "$TS_PEER" = 1 ]; then
        ns_create "$TS_PEER_NS"
        if ! link_exists "$TS_NS" "$TS_VETH_A"; then
            # A half-built pair from an interrupted run: remove the orphan end.
            if link_exists "$TS_PEER_NS" "$TS_VETH_B"; then
                ip -n "$TS_PEER_NS" link del "$TS_VETH_B"
            fi
            ip -n "$TS_NS" link add "$TS_VETH_A" type veth peer name "$TS_VETH_B" netns "$TS_PEER_NS"
        fi
        ip -n "$TS_NS" link set "$TS_VETH_A" master "$TS_BR"
        ip -n "$TS_NS" link set "$TS_VETH_A" up
        ip -n "$TS_PEER_NS" link set "$TS_VETH_B" address "$TS_PEER_MAC"
        if ! ip -n "$TS_PEER_NS" -4 addr show dev "$TS_VETH_B" | grep -qF "inet $TS_PEER_IP "; then
            ip -n "$TS_PEER_NS" addr add "$TS_PEER_IP" dev "$TS_VETH_B"
        fi
        ip -n "$TS_PEER_NS" link set "$TS_VETH_B" up
    fi
    tun_access_warning

    local owner=root
    [ -z "$TS_TAP_USER" ] || owner=$TS_TAP_USER
    echo "lab up: netns $TS_NS: $TS_BR ${TS_BR_IP} ($TS_BR_MAC), ports: $TS_TAP (owner $owner, no address)$([ "$TS_PEER" = 1 ] && echo ", $TS_VETH_A")"
    if [ "$TS_PEER" = 1 ]; then
        echo "        netns $TS_PEER_NS: $TS_VETH_B $TS_PEER_IP ($TS_PEER_MAC)"
    fi
    echo "run the stack:  ip netns exec $TS_NS ./tapstack --tap $TS_TAP --ip $TS_STACK_IP --gw ${TS_BR_IP%/*}"
    echo "then e.g.:      ip netns exec $TS_NS ping ${TS_STACK_IP%/*}"
}

cmd_down() {
    need_root
    check_names
    local ns pids
    for ns in "$TS_PEER_NS" "$TS_NS"; do
        if ns_exists "$ns"; then
            pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
            if [ -n "${pids// /}" ]; then
                echo "$PROG: warning: processes still in $ns: $pids(the namespace lives on" \
                    "until they end; stop them first)" >&2
            fi
            ip netns del "$ns"
            echo "lab down: deleted netns $ns"
        fi
    done
}

cmd_status() {
    need_root
    check_names
    local ns
    echo "== namespaces"
    ip netns list
    for ns in "$TS_NS" "$TS_PEER_NS"; do
        if ! ns_exists "$ns"; then
            echo "== $ns: absent"
            continue
        fi
        echo "== $ns: links"
        ip -n "$ns" -br link
        echo "== $ns: addresses"
        ip -n "$ns" -br addr
        echo "== $ns: neighbours"
        ip -n "$ns" neigh
    done
    if ns_exists "$TS_NS"; then
        echo "== $TS_NS: bridge ports"
        bridge -n "$TS_NS" link
        if link_exists "$TS_NS" "$TS_TAP"; then
            echo "== $TS_NS: $TS_TAP owner uid $(tap_owner_uid) (-1 = root only)"
        fi
    fi
}

cmd_exec() {
    need_root
    check_names
    [ $# -gt 0 ] || die "exec needs a command"
    ns_exists "$TS_NS" || die "netns $TS_NS does not exist (run '$PROG up')"
    exec ip netns exec "$TS_NS" "$@"
}

# ns_kill_pids NS: end the processes still inside NS, by PID (TERM, then KILL after 2 s).
ns_kill_pids() {
    local pids i
    pids=$(ip netns pids "$1" 2>/dev/null | tr '\n' ' ')
    [ -n "${pids// /}" ] || return 0
    echo "lab sweep: ending processes left in $1: $pids"
    # shellcheck disable=SC2086 # a list of PIDs
    kill $pids 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        [ -n "$(ip netns pids "$1" 2>/dev/null)" ] || return 0
        sleep 0.1
    done
    # shellcheck disable=SC2046
    kill -KILL $(ip netns pids "$1" 2>/dev/null) 2>/dev/null || true
}

# Delete PREFIX<digits><rest> namespaces whose PID (the digits) is gone.
cmd_sweep() {
    need_root
    local prefix=${1:-}
    [[ $prefix =~ ^[A-Za-z_.-][A-Za-z0-9_.-]*$ ]] ||
        die "sweep needs a PREFIX that starts with a letter (e.g. tst)"
    local ns rest pid
    while read -r ns _; do
        [ -n "$ns" ] || continue
        case "$ns" in "$prefix"*) ;; *) continue ;; esac
        rest=${ns#"$prefix"}
        [[ $rest =~ ^([0-9]+)([^0-9].*)?$ ]] || continue   # no PID: not ours (e.g. tslab)
        pid=${BASH_REMATCH[1]}
        if [ -d "/proc/$pid" ]; then
            continue                                       # its run is still alive
        fi
        # Processes left inside (a stack whose test was SIGKILLed) were started by that run.
        ns_kill_pids "$ns"
        ip netns del "$ns" && echo "lab sweep: deleted stale netns $ns (pid $pid gone)"
    done < <(ip netns list 2>/dev/null)
}

cmd_tap_owner() {
    need_root
    check_names
    ns_exists "$TS_NS" || die "netns $TS_NS does not exist (run '$PROG up')"
    link_exists "$TS_NS" "$TS_TAP" || die "$TS_TAP does not exist in $TS_NS"
    if [ $# -eq 0 ]; then
        local uid
        uid=$(tap_owner_uid)
        if [ "$uid" = -1 ]; then
            echo "$TS_TAP: owner uid -1 (only CAP_NET_ADMIN may attach)"
        else
            echo "$TS_TAP: owner uid $uid ($(id -nu -- "$uid" 2>/dev/null || echo '?'))"
        fi
        return
    fi
    TS_TAP_USER=$1
    [ "$TS_TAP_USER" != root ] || TS_TAP_USER=
    # Recreating the tap detaches any running stack: it is the caller's job to stop it first.
    ip -n "$TS_NS" tuntap del dev "$TS_TAP" mode tap
    tap_create
    tun_access_warning
    echo "$TS_TAP recreated, owner ${TS_TAP_USER:-root}"
}

main() {
    local cmd=${1:-}
    [ $# -eq 0 ] || shift
    case "$cmd" in
        up) cmd_up ;;
        down) cmd_down ;;
        status) cmd_status ;;
        exec) cmd_exec "$@" ;;
        sweep) cmd_sweep "$@" ;;
        tap-owner) cmd_tap_owner "$@" ;;
        -h | --help | help) usage; exit 2 ;;
        *)
            [ -z "$cmd" ] || echo "$PROG: unknown command '$cmd'" >&2
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
