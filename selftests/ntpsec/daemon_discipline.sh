#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The clock discipline, against test-only upstreams whose clock runs on
# CLOCK_MONOTONIC_RAW 2.5 s ahead and 50 ppm fast: the VM's clock is stepped
# at start, then kept within 1 ms with the frequency error corrected; a
# server 1 s off is excluded as a falseticker; a RATE kiss-o'-death makes
# the daemon back off; spoofed and replayed replies are dropped.  Only the
# VM's clock is disciplined: it is the guest's own.
#
# What it measures: the step in the daemon's log; the frequency the daemon
# reports (ntpsecctl tracking) against the 50 ppm the fakes run fast; and
# the guest clock's offset from a fake, measured independently by chronyd
# -Q from the daemon's namespace, four times.  Bounded: about two and a
# half minutes under emulation, three at most.
source "$(dirname "$0")/lib.sh"

ktap_plan 9
setup_pair || ktap_skip_all "cannot set up the veth pair"
ip netns add ntpu && ip link add veth2 netns ntps type veth peer name veth3 netns ntpu
ip -n ntps addr add $UPSTREAM_NET.1/24 dev veth2
ip -n ntps link set veth2 up
ip -n ntpu link set lo up
ip -n ntpu link set veth3 up
for i in 2 3 4 5 6; do
	ip -n ntpu addr add $UPSTREAM_NET.$i/24 dev veth3
done
FAKE="python3 $(dirname "$0")/fake_upstream.py"
pids=
fake() { ip netns exec ntpu $FAKE "$@" & pids="$pids $!"; }
DPID=
cleanup() {
	[ -n "$DPID" ] && kill $DPID 2>/dev/null && wait $DPID 2>/dev/null
	kill $pids 2>/dev/null
	ip netns del ntpu 2>/dev/null
	cleanup_pair
}
trap cleanup EXIT

fake --bind $UPSTREAM_NET.2 --offset 2.5 --ppm 50
fake --bind $UPSTREAM_NET.3 --offset 2.5 --ppm 50 --spoof
fake --bind $UPSTREAM_NET.4 --offset 2.5 --ppm 50
fake --bind $UPSTREAM_NET.5 --offset 3.5 --ppm 50
fake --bind $UPSTREAM_NET.6 --kod
sleep 3		# the fakes start their clocks (and Python) first

cat >/tmp/discipline.conf <<CONF
server $UPSTREAM_NET.2 iburst minpoll 1 maxpoll 1
server $UPSTREAM_NET.3 iburst minpoll 1 maxpoll 1
server $UPSTREAM_NET.4 iburst minpoll 1 maxpoll 1
server $UPSTREAM_NET.5 iburst minpoll 1 maxpoll 1
server $UPSTREAM_NET.6 minpoll 1 maxpoll 6
kernel off
tos minsane 3
CONF
export NTPSECD_SOCKET=/tmp/discipline.sock
ip netns exec ntps ntpsecd -n -c /tmp/discipline.conf -s $NTPSECD_SOCKET \
	-l /tmp/discipline.log &
DPID=$!

stepped() { grep -qE "clock stepped by \+2\.(49|50)" /tmp/discipline.log; }
ktap_check "the clock is stepped by +2.5 s at start" wait_for 40 stepped
grep "clock stepped" /tmp/discipline.log | sed 's/^/# /'

# Against the fake clock, from another namespace: chrony's -Q measurement.
offset_now() {
	ip netns exec ntps timeout 15 chronyd -Q -t 10 \
		"server $UPSTREAM_NET.2 iburst minpoll -4 maxpoll -4 minsamples 4 maxsamples 4" \
		"pidfile /tmp/chronyd-d.pid" "port 0" 2>&1 |
		sed -n 's/.*System clock wrong by \(-\?[0-9.]*\) seconds.*/\1/p'
}
# Three readings in a row within 10 ppm, so one lucky moment is not enough.
good_in_row=0 last_freq=
freq_fixed() {
	local f
	f=$(ip netns exec ntps ntpsecctl --json tracking |
		python3 -c 'import json, sys; print("%.3f" % json.load(sys.stdin)["frequency_ppm"])')
	[ "$f" = "$last_freq" ] || echo "# frequency $f ppm"
	last_freq=$f
	python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - 50) < 10 else 1)' "$f" &&
		good_in_row=$((good_in_row + 1)) || good_in_row=0
	[ $good_in_row -ge 3 ]
}
ktap_check "the 50 ppm frequency error is corrected (within 10 ppm)" wait_until 150 freq_fixed
echo "# $(ip netns exec ntps ntpsecctl --json tracking)"

sleep 10	# the phase error left when the frequency was found goes first
worst=0 ok=1
for i in 1 2 3 4; do
	o=$(offset_now)
	echo "# offset against the fake clock: ${o:-none} s"
	[ -n "$o" ] || { ok=0; continue; }
	python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1])) < 0.001 else 1)' "$o" || ok=0
	sleep 4
done
ktap_check "the clock stays within 1 ms of the fake upstream (4 checks over 30 s)" test $ok -eq 1

src=$(ip netns exec ntps ntpsecctl --json sources)
echo "# $src"
ip netns exec ntps ntpsecctl sources | sed 's/^/# /'
state_of() {
	python3 -c '
import json, sys
for s in json.loads(sys.argv[1])["sources"]:
    if s["address"] == sys.argv[2]:
        print(s[sys.argv[3]])' "$src" "$1" "$2"
}
ktap_check "the server 1 s off is a falseticker" \
	test "$(state_of $UPSTREAM_NET.5 state)" = falseticker
ktap_check "... and the log says so" grep -q "falseticker $UPSTREAM_NET.5 excluded" /tmp/discipline.log
ktap_check "the RATE kiss-o'-death was heeded: counted, poll backed off" \
	test "$(state_of $UPSTREAM_NET.6 kod)" -ge 1 -a "$(state_of $UPSTREAM_NET.6 poll)" -gt 1
ktap_check "spoofed and replayed replies were dropped and counted" \
	test "$(state_of $UPSTREAM_NET.3 bogus)" -ge 2
ktap_check "the spoofed server is still used" \
	bash -c "[ \"$(state_of $UPSTREAM_NET.3 state)\" = survivor ] || [ \"$(state_of $UPSTREAM_NET.3 state)\" = sys.peer ]"
ktap_check "the daemon is still running" kill -0 $DPID
sed 's/^/# log: /' /tmp/discipline.log | tail -n 15
ktap_finish
