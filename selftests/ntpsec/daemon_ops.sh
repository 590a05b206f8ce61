#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecd as a service: started without -n it forks, the command returns
# only once the daemon is ready, the daemon is a session leader whose pid
# is in the -p pid file, it logs to syslog (a listener on /dev/log stands
# in for syslogd here), it refuses to start twice, and SIGTERM stops it
# cleanly: the module's sockets detached, pid file and control socket
# gone, the stop logged.  In the foreground (-n) it logs to stderr.
# About 20 s.
source "$(dirname "$0")/lib.sh"

ktap_plan 11
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
SYSLOG=/tmp/syslog.txt
LPID=
cleanup() {
	[ -f /tmp/ntpsecd-ops.pid ] && kill "$(cat /tmp/ntpsecd-ops.pid)" 2>/dev/null
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null
	rm -f /dev/log
	cleanup_pair
}
trap cleanup EXIT

# syslogd's part: every datagram on /dev/log becomes a line of $SYSLOG.
rm -f /dev/log $SYSLOG
python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "a", buffering=1)
while True:
    out.write(s.recv(4096).decode(errors="replace").rstrip("\0\n") + "\n")
' $SYSLOG &
LPID=$!
wait_for 10 test -S /dev/log || ktap_skip_all "cannot listen on /dev/log"

cat >/tmp/ntpsecd-ops.conf <<CONF
server 203.0.113.9 iburst
disable ntp
CONF
export NTPSECD_SOCKET=/tmp/ntpsecd-ops.sock
t0=$(date +%s%N)
ip netns exec ntps ntpsecd -c /tmp/ntpsecd-ops.conf -p /tmp/ntpsecd-ops.pid \
	-s $NTPSECD_SOCKET >/tmp/ntpsecd-ops.out 2>&1
rc=$?
echo "# the starting command returned $rc after $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_check "started without -n, the command returns 0 once the daemon is ready" \
	test $rc -eq 0 -a -S $NTPSECD_SOCKET
pid=$(cat /tmp/ntpsecd-ops.pid 2>/dev/null)
echo "# pid file: ${pid:-none}; $(ps -o pid,ppid,sid,comm -p "${pid:-1}" | tail -n 1)"
ktap_check "the pid file names the running daemon" \
	test -n "$pid" -a "$(cat /proc/${pid:-0}/comm 2>/dev/null)" = ntpsecd
ktap_check "... a session leader, detached from the starting shell" \
	test "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid"
ktap_check "nothing on the starting command's stdout/stderr" test ! -s /tmp/ntpsecd-ops.out
ktap_check "it logs to syslog with its pid" \
	wait_for 5 grep -q "ntpsecd\[$pid\]: ntpsecd .* starting as a daemon" $SYSLOG
ktap_check "the module serves its sockets" \
	test "$(ip netns exec ntps ntpsecctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["sockets"])')" -ge 1

ip netns exec ntps ntpsecd -c /tmp/ntpsecd-ops.conf -p /tmp/ntpsecd-ops.pid \
	-s /tmp/ntpsecd-ops2.sock >/dev/null 2>&1
rc=$?
ktap_check "a second one with the same pid file refuses to start (exit $rc), and says why" \
	bash -c "[ $rc -ne 0 ] && grep -q 'names a running ntpsecd' $SYSLOG"
kill -0 "$pid"

kill -TERM "$pid"
gone() { ! kill -0 "$pid" 2>/dev/null; }
ktap_check "SIGTERM stops it within 5 s" wait_for 5 gone
ktap_check "... pid file and control socket removed" \
	test ! -e /tmp/ntpsecd-ops.pid -a ! -e $NTPSECD_SOCKET
ktap_check "... the module's sockets detached, the stop logged" \
	bash -c "[ \"\$(ip netns exec ntps ntpsecctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"sockets\"])')\" = 0 ] &&
		grep -q 'ntpsecd\[$pid\]: stopped' $SYSLOG"
sed 's/^/# syslog: /' $SYSLOG

# In the foreground, stderr rather than syslog.
lines=$(wc -l <$SYSLOG)
ip netns exec ntps timeout -s TERM 3 ntpsecd -n -c /tmp/ntpsecd-ops.conf \
	-s $NTPSECD_SOCKET 2>/tmp/ntpsecd-ops.err
ktap_check "with -n it logs to stderr, not syslog" \
	bash -c "grep -q 'starting in the foreground' /tmp/ntpsecd-ops.err && [ \$(wc -l <$SYSLOG) -eq $lines ]"
ktap_finish
