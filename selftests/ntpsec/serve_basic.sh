#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real clients get their time from the kernel path: ntpdig and chronyd
# (as a client, -Q) against the module over IPv4 and IPv6 across a veth
# pair; the counters prove the module answered and the owning socket saw
# nothing.  Then the socket is closed under the module and the kernel stays
# clean.
source "$(dirname "$0")/lib.sh"

ktap_plan 12
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair' EXIT

start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123"
ktap_check "test server attached IPv4 and IPv6 sockets" test $? -eq 0
ktap_check "status counts two sockets" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":2"'

ktap_check "ntpdig over IPv4: stratum 2, causal timestamps" \
	ntpdig_shared_clock 2 -4 -p 3 $SERVER4
ktap_check "ntpdig over IPv6: stratum 2, causal timestamps" \
	ntpdig_shared_clock 2 -6 -p 3 $SERVER6

# chronyd as a client measuring (never correcting) the clock: -Q.
chrony_offset_ok() {	# ADDR
	local out
	out=$(ip netns exec ntpc timeout 60 chronyd -Q -t 40 \
		"server $1 iburst minpoll -4 maxpoll -4 minsamples 6 maxsamples 6" \
		"pidfile /tmp/chronyd-q.pid" 2>&1)
	echo "$out" | sed 's/^/# /'
	python3 - "$out" <<'PY'
import re, sys
m = re.search(r"System clock wrong by (-?[0-9.]+) seconds", sys.argv[1])
assert m, "chronyd printed no offset"
assert abs(float(m.group(1))) < 0.001, m.group(1)
PY
}
ktap_check "chronyd -Q over IPv4: offset within 1 ms" chrony_offset_ok $SERVER4
ktap_check "chronyd -Q over IPv6: offset within 1 ms" chrony_offset_ok $SERVER6

answered=$(counter answered)
rx=$(counter rx)
echo "# rx $rx answered $answered"
ktap_check "the module answered every request" \
	test "$answered" -ge 10 -a "$answered" -eq "$rx"
ktap_check "the module passed nothing up" test "$(counter passed_up)" -eq 0
ktap_check "every reply carried a kernel receive timestamp" \
	test "$(( $(counter ts_sw) + $(counter ts_hook) ))" -eq "$answered"

stop_testserver
ktap_check "the owning socket received nothing" grep -qx "passed_up 0" /tmp/passed_up
ktap_check "closing the sockets detached them" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":0"'
ktap_check "unload" rmmod ntpsec
ktap_finish
