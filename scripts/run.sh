#!/usr/bin/env bash
# `make run`: bring up the lab (scripts/lab.sh), run the stack in the foreground with its
# servers and the trace on, and take the lab down again when it stops (Ctrl-C).
#   make run ARGS='--pcap /tmp/x.pcap'      extra options go to tapstack
set -u
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: must run as root (the lab uses network namespaces); try: sudo make run" >&2
    exit 1
fi
TS_NS=${TS_NS:-tslab}
export TS_NS

scripts/lab.sh up || exit 1
# Take the lab down however we leave (Ctrl-C, an error, a normal exit).
trap 'scripts/lab.sh down' EXIT
# Ctrl-C reaches the stack too; this shell only waits for it to finish.
trap 'true' INT TERM

cat <<MSG

  The stack runs below with the trace on; once set up it is 'nobody', not root
  (make run ARGS='--user root' keeps root). In another terminal, as root:
    ip netns exec $TS_NS ping -c 5 10.0.0.2
    ip netns exec $TS_NS arping -c 3 -I br0 10.0.0.2
  Ctrl-C stops the stack and takes the lab down.

MSG
ip netns exec "$TS_NS" ./tapstack --tap tap0 --ip 10.0.0.2/24 --gw 10.0.0.1 --trace "$@"
rc=$?
# 130 = stopped by Ctrl-C in the shell's eyes; the stack itself exits 0 then.
exit "$rc"
