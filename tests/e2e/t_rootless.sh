#!/usr/bin/env bash
# Rootless: tap0 is created persistent and owned by "nobody"; the stack runs as nobody with no
# capability at all (setpriv, inside the lab namespace), attaches to tap0 and answers ping.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

export TS_TAP_USER=nobody TS_PEER=0
lab_up

tap_owned_by_nobody() {
    local o
    o=$(ip netns exec "$TS_NS" cat "/sys/class/net/$TS_TAP/owner")
    echo "tap0 owner uid $o, nobody is $(id -u nobody)"
    [ "$o" = "$(id -u nobody)" ]
}
check rootless.tap0_owned_by_nobody tap_owned_by_nobody

stack_start_as nobody

runs_unprivileged() {
    grep -E '^(Uid|Gid|CapEff|CapPrm):' "/proc/$STACK_PID/status"
    awk -v u="$(id -u nobody)" '
        /^Uid:/ { for (i = 2; i <= 5; i++) if ($i != u) bad = 1 }
        /^Cap(Eff|Prm):/ { if ($2 !~ /^0+$/) bad = 1 }
        END { exit bad }' "/proc/$STACK_PID/status"
}
check rootless.stack_is_nobody_without_caps runs_unprivileged
check rootless.ping in_lab ping -c 3 -i 0.2 -W 2 "$STACK_IP"

stack_stop TERM
check rootless.sigterm_exit_0 test "$STACK_RC" -eq 0
check rootless.ping_fails_when_stopped bash -c "! timeout 10 ip netns exec '$TS_NS' ping -c 1 -W 1 '$STACK_IP'"

e2e_done
