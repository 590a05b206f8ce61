#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Leap seconds end to end: the guest clock is set to 23:58:50 UTC on the
# last day of its month, and the daemon is given a leap-seconds.list
# (written here with a correct SHA-1 hash) with a leap second at the end
# of that day.  It must announce it to clients (leap indicator 1, through
# the module), say so in ntpsecctl tracking, arm the kernel (adjtimex
# STA_INS), and the kernel must insert 23:59:60.  Then a damaged file and
# an expired one, given on reload, are refused with a clear log line.
# Only the VM's clock is touched; it is put back at the end.  About 100 s.
source "$(dirname "$0")/lib.sh"

ktap_plan 9
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
DPID=
start_real=$(date +%s) start_mono=$(cut -d' ' -f1 /proc/uptime)
restore_clock() {
	local up
	up=$(cut -d' ' -f1 /proc/uptime)
	date -u -s "@$(python3 -c 'import sys; print(int(sys.argv[1]) + round(float(sys.argv[3]) - float(sys.argv[2])))' \
		"$start_real" "$start_mono" "$up")" >/dev/null
}
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	cleanup_upstreams
	cleanup_pair
	restore_clock
}
trap cleanup EXIT

# The last day of the current month, 23:58:50 UTC; the leap at midnight.
leap_at=$(python3 -c '
import calendar, time
t = time.gmtime()
print(calendar.timegm((t.tm_year + (t.tm_mon == 12), t.tm_mon % 12 + 1, 1, 0, 0, 0)))')
set_to=$((leap_at - 70))
date -u -s "@$set_to" >/dev/null || ktap_skip_all "cannot set the guest clock"
echo "# guest clock set to $(date -u), leap second at $(date -u -d @$leap_at)"
MKLEAP="python3 $(dirname "$0")/make_leapfile.py"
$MKLEAP --leap-at "$leap_at" --expires $((leap_at + 180 * 86400)) >/tmp/leap.list

setup_upstreams 3 || ktap_skip_all "cannot start the upstream chronyd servers"
cat >/tmp/ntpsecd-leap.conf <<CONF
server $UPSTREAM_NET.2 iburst minpoll 1 maxpoll 1
server $UPSTREAM_NET.3 iburst minpoll 1 maxpoll 1
server $UPSTREAM_NET.4 iburst minpoll 1 maxpoll 1
leapfile /tmp/leap.list
CONF
export NTPSECD_SOCKET=/tmp/ntpsecd-leap.sock
ip netns exec ntps ntpsecd -n -c /tmp/ntpsecd-leap.conf -s $NTPSECD_SOCKET \
	-l /tmp/ntpsecd-leap.log &
DPID=$!

# adjtimex(2) status word (struct timex offset 40 on x86_64): STA_INS is 0x10.
kernel_status() {
	python3 -c '
import ctypes
buf = ctypes.create_string_buffer(256)   # struct timex, modes = 0: read
state = ctypes.CDLL(None, use_errno=True).adjtimex(buf)
print(int.from_bytes(buf.raw[40:44], "little"), state)'
}
sta_ins() { [ $(( $(kernel_status | cut -d' ' -f1) & 0x10 )) -ne 0 ]; }
tracking() { ip netns exec ntps ntpsecctl --json tracking; }
# Synchronized, the leap second pending and in the leap indicator.
announced() {
	tracking | python3 -c '
import json, sys
t = json.load(sys.stdin)
sys.exit(0 if t["synchronized"] and t["leap_pending"] == "insert" and
         t["leap"] == 1 and t["leap_source"] == "leapfile" else 1)'
}

ktap_check "the leapfile is loaded and its hash checked" \
	wait_for 10 grep -q "leapfile /tmp/leap.list: 29 entries" /tmp/ntpsecd-leap.log
ktap_check "ntpsecctl tracking shows the leap second pending, from the file" wait_for 40 announced
echo "# $(tracking)"
ip netns exec ntps ntpsecctl tracking | grep leap | sed 's/^/# /'
ktap_check "the kernel is armed: adjtimex status has STA_INS" wait_for 10 sta_ins
echo "# adjtimex status, state: $(kernel_status)"
r=$(probe --count 1 --wait 1 $SERVER4)
echo "# probe: $r"
ktap_check "clients are told: leap indicator 1 (through the module)" \
	test "$(jget "$r" leap)" = 1 -a "$(jget "$r" matched)" = 1
ktap_check "the log says what was announced and armed" \
	grep -q "kernel armed for the leap second insertion" /tmp/ntpsecd-leap.log

inserted() { dmesg | grep -q "inserting leap second"; }
ktap_check "the kernel inserted 23:59:60 at the end of the day" wait_for 90 inserted
dmesg | grep -i "leap second" | sed 's/^/# /'

# A damaged file, then an expired one, on reload: refused, said why.
$MKLEAP --leap-at "$leap_at" --expires $((leap_at + 86400)) --bad-hash >/tmp/leap.list
kill -HUP $DPID
ktap_check "a damaged leapfile is refused, naming file and line" \
	wait_for 10 grep -q "leapfile not used: /tmp/leap.list:[0-9]*: the #h hash does not match" \
	/tmp/ntpsecd-leap.log
$MKLEAP --leap-at "$leap_at" --expires $((leap_at - 86400)) >/tmp/leap.list
kill -HUP $DPID
ktap_check "an expired leapfile is said to be expired" \
	wait_for 15 grep -q "leapfile /tmp/leap.list expired on" /tmp/ntpsecd-leap.log
ktap_check "the daemon is still running" kill -0 $DPID
grep -i leap /tmp/ntpsecd-leap.log | sed 's/^/# log: /'
ktap_finish
