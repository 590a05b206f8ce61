#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Names and pools: a server name that does not resolve at start is tried
# again with a growing interval and used once it resolves; a server that
# stays unreachable has its name resolved again and follows it to its new
# address; pool members that stay unreachable or falsetickers are dropped
# and replaced by pool addresses not in use, up to maxclock.  The names
# live in /etc/netns/ntps/hosts, which "ip netns exec" mounts over
# /etc/hosts for the daemon only (the VM's overlay; never the build
# machine's), and the resolver's DNS server is a closed local port, so
# every other name fails at once.  The daemon does not touch the clock
# (disable ntp).  About 70 s.
source "$(dirname "$0")/lib.sh"

ktap_plan 9
setup_pair || ktap_skip_all "cannot set up the veth pair"
DPID= FPID=
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null
	cleanup_upstreams
	cleanup_pair
	rm -rf /etc/netns/ntps
}
trap cleanup EXIT
# chronyd on .2 to .10; .4 and .8 then fall silent, .6 becomes 1 s off.
setup_upstreams 9 || ktap_skip_all "cannot start the upstream chronyd servers"
for i in 4 6 8; do
	kill "$(cat /tmp/chrony-up$i.pid)"
done
sleep 1
ip netns exec ntpu python3 "$(dirname "$0")/fake_upstream.py" \
	--bind $UPSTREAM_NET.6 --offset 1 &
FPID=$!

mkdir -p /etc/netns/ntps
echo "nameserver 127.0.0.1" >/etc/netns/ntps/resolv.conf
HOSTS=/etc/netns/ntps/hosts
# Edited in place from now on (">" and ">>" keep the inode the daemon's
# bind mount shows).
cat >$HOSTS <<HOSTS
127.0.0.1 localhost
$UPSTREAM_NET.2 pool.test
$UPSTREAM_NET.3 pool.test
$UPSTREAM_NET.4 pool.test
$UPSTREAM_NET.6 pool.test
$UPSTREAM_NET.8 moving.test
HOSTS
cat >/tmp/ntpsecd-dns.conf <<CONF
pool pool.test iburst minpoll 1 maxpoll 1
server moving.test iburst minpoll 1 maxpoll 1
server late.test iburst minpoll 1 maxpoll 1
tos maxclock 4 minsane 2
disable ntp
CONF
export NTPSECD_SOCKET=/tmp/ntpsecd-dns.sock
LOG=/tmp/ntpsecd-dns.log
ip netns exec ntps ntpsecd -n -c /tmp/ntpsecd-dns.conf -s $NTPSECD_SOCKET -l $LOG &
DPID=$!

sources() { ip netns exec ntps ntpsecctl --json sources; }
# has ADDR [MIN_REACH]: ADDR is an association (that answered, with MIN_REACH).
has() {
	sources | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sources"]:
    if s["address"] == sys.argv[1] and s["reach"] >= int(sys.argv[2]):
        sys.exit(0)
sys.exit(1)' "$1" "${2:-0}"
}
pool_count() {
	sources | python3 -c '
import json, sys
print(sum(s["host"] == "pool.test" for s in json.load(sys.stdin)["sources"]))'
}
retried() { [ "$(grep -c 'cannot resolve late.test' $LOG)" -ge 2 ]; }

ktap_check "an unresolvable name is tried again, with a growing interval" wait_for 15 retried
grep 'cannot resolve late.test' $LOG | sed 's/^/# /'
echo "$UPSTREAM_NET.10 late.test" >>$HOSTS
ktap_check "... and used once it resolves" wait_for 40 has $UPSTREAM_NET.10 1
grep 'late.test' $LOG | tail -n 2 | sed 's/^/# /'

# moving.test moves from the silent .8 to .9; the pool grows by .5 and .7
# (only now, so the first four it takes are the ones to drop, whatever
# order the resolver sorts them in).
cat >$HOSTS <<HOSTS
127.0.0.1 localhost
$UPSTREAM_NET.2 pool.test
$UPSTREAM_NET.3 pool.test
$UPSTREAM_NET.4 pool.test
$UPSTREAM_NET.6 pool.test
$UPSTREAM_NET.5 pool.test
$UPSTREAM_NET.7 pool.test
$UPSTREAM_NET.9 moving.test
$UPSTREAM_NET.10 late.test
HOSTS
ktap_check "an unreachable server's name is resolved again: it follows the name" \
	wait_for 60 has $UPSTREAM_NET.9 1
ktap_check "... and the log says so" grep -q "server moving.test is now $UPSTREAM_NET.9" $LOG
ktap_check "the unreachable pool member is dropped" \
	wait_for 30 grep -q "pool pool.test: dropping $UPSTREAM_NET.4, unreachable" $LOG
ktap_check "the falseticker pool member is dropped" \
	wait_for 40 grep -q "pool pool.test: dropping $UPSTREAM_NET.6, a falseticker" $LOG
replaced() { has $UPSTREAM_NET.5 1 && has $UPSTREAM_NET.7 1; }
ktap_check "... both replaced by pool addresses not in use, which answer" wait_for 30 replaced
pool_ok() { [ "$(pool_count)" = 4 ] && ! has $UPSTREAM_NET.4 && ! has $UPSTREAM_NET.6; }
ktap_check "the pool keeps maxclock (4) members, none of the dropped" pool_ok
ip netns exec ntps ntpsecctl sources | sed 's/^/# /'
ktap_check "the daemon is still running" kill -0 $DPID
grep -E "pool|server|resolv" $LOG | sed 's/^/# log: /'
ktap_finish
