#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecd end to end: it synchronizes to three chronyd servers in another
# namespace, hands its sockets to the module and serves ntpdig and chronyd
# clients through the kernel; without the module it serves them itself.
# (The VM's clock is its own: the daemon may discipline it.)
source "$(dirname "$0")/lib.sh"

ktap_plan 12
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_daemon; cleanup_upstreams; cleanup_pair' EXIT
setup_upstreams 3 || ktap_skip_all "cannot start the upstream chronyd servers"

cat >/tmp/ntpsecd.conf <<CONF
server $UPSTREAM_NET.2 iburst minpoll 3 maxpoll 4
server $UPSTREAM_NET.3 iburst minpoll 3 maxpoll 4
server $UPSTREAM_NET.4 iburst minpoll 3 maxpoll 4
driftfile /tmp/ntpsecd.drift
restrict default nomodify noquery
CONF
export NTPSECD_SOCKET=/tmp/ntpsecd.sock
start_daemon() {
	ip netns exec ntps ntpsecd -n -c /tmp/ntpsecd.conf -s $NTPSECD_SOCKET \
		-l /tmp/ntpsecd.log &
	DPID=$!
}
synced() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null |
		grep -q '"synchronized":true'
}

start_daemon
ktap_check "ntpsecd synchronizes to the chronyd servers" wait_for 60 synced
tracking=$(ip netns exec ntps ntpsecctl --json tracking)
sources=$(ip netns exec ntps ntpsecctl --json sources)
echo "# $tracking"
echo "# $sources"
ip netns exec ntps ntpsecctl sources | sed 's/^/# /'
ktap_check "stratum 2, the kernel fast path in use" python3 -c '
import json, sys
t = json.loads(sys.argv[1])
assert t["stratum"] == 2 and t["kernel_fast_path"] is True, t
' "$tracking"
ktap_check "three sources reached, one system peer" python3 -c '
import json, sys
s = json.loads(sys.argv[1])["sources"]
assert len(s) == 3 and all(x["reach"] > 0 for x in s), s
assert [x["state"] for x in s].count("sys.peer") == 1, s
' "$sources"
ktap_check "the module holds the daemon's two sockets" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":2"'

ktap_check "ntpdig through the kernel: stratum 2, causal timestamps" \
	ntpdig_shared_clock 2 -p 3 $SERVER4
out=$(ip netns exec ntpc timeout 60 chronyd -Q -t 40 \
	"server $SERVER6 iburst minpoll -4 maxpoll -4 minsamples 6 maxsamples 6" \
	"pidfile /tmp/chronyd-q.pid" 2>&1)
echo "$out" | sed 's/^/# /'
ktap_check "chronyd over IPv6 through the kernel: offset within 1 ms" python3 -c '
import re, sys
m = re.search(r"System clock wrong by (-?[0-9.]+) seconds", sys.argv[1])
assert m and abs(float(m.group(1))) < 0.001, sys.argv[1]
' "$out"
echo "# module: rx $(counter rx), answered $(counter answered), passed up $(counter passed_up)"
ktap_check "the kernel answered them all, nothing passed up" \
	test "$(counter rx)" -ge 2 -a "$(counter answered)" -eq "$(counter rx)" \
	     -a "$(counter passed_up)" -eq 0

stop_daemon
ktap_check "stopping the daemon detached its sockets" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":0"'
ktap_check "the drift file was written" test -s /tmp/ntpsecd.drift

rmmod ntpsec
start_daemon
ktap_check "without the module it synchronizes too" wait_for 90 synced
ktap_check "... and says it serves from userspace" \
	bash -c 'ip netns exec ntps ntpsecctl --json tracking | grep -q "\"kernel_fast_path\":false"'
ktap_check "ntpdig through the userspace fallback: stratum 2, causal timestamps" \
	ntpdig_shared_clock 2 -p 3 $SERVER4
stop_daemon
sed 's/^/# log: /' /tmp/ntpsecd.log | tail -n 20
ktap_finish
