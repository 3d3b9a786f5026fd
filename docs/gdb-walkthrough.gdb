# docs/gdb-walkthrough.gdb - the gdb walkthrough of docs/gdb.md as one command file.
#
# Run it inside a lab namespace (NS below), with the debug build:
#
#   make debug
#   ip netns exec NS gdb -q -batch -x docs/gdb-walkthrough.gdb \
#       --args build/debug/tapstack --tap tap0 --ip 10.0.0.2/24 --gw 10.0.0.1
#
# It makes its own traffic with `shell ... &` (the shell runs in the same
# namespace as gdb): one ping to the stack, then one arping for 10.0.0.99,
# an address nobody has, so that the stack drops the ARP request.
# Needs ping and arping, and br0 10.0.0.1/24 in the namespace (scripts/lab.sh up).
# If the ping never reaches the stack, `run` waits for ever: wrap the gdb
# command in `timeout 60` when a script runs it.
#
# By hand: leave out the two `shell` lines and type ping / arping yourself in
# a second terminal when gdb is waiting.

set pagination off
set confirm off
set width 0

# Step 2 of gdb.md: stop where an IPv4 datagram enters the stack.
break ipv4_input
shell (sleep 2; ping -c 1 -W 5 10.0.0.2 >/dev/null 2>&1) &
run

echo \n=== step 3: ipv4_input - how did we get here? ===\n
bt
p p->len
p p->data - p->buf
x/32xb p->data

echo \n=== step 4: ipv4_parse fills the host-order header ih ===\n
advance ipv4_parse
finish
p ih
p/x ih.src
x/4xb &ih.src
printf "%d.%d.%d.%d > %d.%d.%d.%d\n", ih.src >> 24, (ih.src >> 16) & 255, (ih.src >> 8) & 255, ih.src & 255, ih.dst >> 24, (ih.dst >> 16) & 255, (ih.dst >> 8) & 255, ih.dst & 255

echo \n=== step 5: one layer up - icmp_input ===\n
advance icmp_input
bt 3
p *ih
x/16xb p->data
next
p/x h

echo \n=== step 6: the reply on its way out - tap_write ===\n
advance tap_write
bt
p p->len
p p->data - p->buf
x/34xb p->data

echo \n=== step 7: a drop - break on stats_drop ===\n
delete
break stats_drop
commands
  silent
  printf "drop: %s.%s: %s\n", stats_desc[id].layer, stats_desc[id].name, stats_desc[id].desc
  bt
end
shell (sleep 1; arping -c 1 -w 2 -I br0 10.0.0.99 >/dev/null 2>&1) &
continue
p stats_ctr[id]
x/28xb p->data
finish
p stats_ctr[ST_arp_not_for_us]

echo \n=== done ===\n
kill
