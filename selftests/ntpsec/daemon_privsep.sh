#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecd's privilege separation with the module and real upstreams: with
# -u it runs as nobody with only CAP_SYS_TIME, CAP_NET_BIND_SERVICE and
# CAP_NET_ADMIN, no new privileges and a seccomp filter that kills on any
# other system call, and everything it does after start-up still works
# under the filter: synchronizing, feeding the module, serving, a reload
# that resolves a name and re-reads the keys file, the control socket,
# the drift file at exit.  A keys file others can read is refused.
source "$(dirname "$0")/lib.sh"

ktap_plan 9
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
DPID=
stop_daemon() {
	[ -n "$DPID" ] || return 0
	kill "$DPID" 2>/dev/null
	wait "$DPID"
	DRC=$?
	DPID=
}
trap 'stop_daemon; cleanup_upstreams; cleanup_pair' EXIT
setup_upstreams 3 || ktap_skip_all "cannot start the upstream chronyd servers"

export dir=/tmp/privsep	# the wait_for helpers run in bash -c
rm -rf $dir
mkdir -p $dir
chmod 755 $dir
printf '1 SHA1 0a9fd8c8b0c1b2f4e1d6e8c2b1a7f4e3d2c1b0a9\n' >$dir/ntp.keys
chmod 644 $dir/ntp.keys
conf() {	# the configuration; $1: the third server's name or address
	cat >$dir/ntp.conf <<CONF
server $UPSTREAM_NET.2 iburst minpoll 3 maxpoll 4
server $UPSTREAM_NET.3 iburst minpoll 3 maxpoll 4
server $1 iburst minpoll 3 maxpoll 4
driftfile $dir/ntp.drift
keys $dir/ntp.keys
restrict default nomodify noquery
CONF
}
conf $UPSTREAM_NET.4
out=$(ntpsecd -t -c $dir/ntp.conf 2>&1)
echo "# $out"
ktap_check "a keys file others can read is refused, saying why" \
	grep -q "mode 0644 lets the group or others read.*chmod 600" <<<"$out"
chmod 600 $dir/ntp.keys
chown nobody:nogroup $dir/ntp.keys $dir
touch $dir/ntpsecd.log
chown nobody $dir/ntpsecd.log

export NTPSECD_SOCKET=$dir/ntpsecd.sock
ip netns exec ntps ntpsecd -n -c $dir/ntp.conf -s $NTPSECD_SOCKET \
	-l $dir/ntpsecd.log -u nobody:nogroup &
DPID=$!
synced() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null |
		grep -q '"synchronized":true'
}
ktap_check "as nobody under the filter it synchronizes to the chronyd servers" \
	wait_for 60 synced

status=$(grep -E '^(Uid|CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/$DPID/status)
echo "$status" | sed 's/^/# /'
# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_SYS_TIME (25).
ktap_check "uid nobody, only the three capabilities, no new privileges, Seccomp: 2" \
	test "$(echo "$status" | awk '/^Uid/ { print $2 } /^Cap/ { print $2 }
		/^NoNewPrivs/ { print $2 } /^Seccomp:/ { print $2 }' | tr '\n' ' ')" = \
	"65534 0000000002001400 0000000002001400 0000000002001400 1 2 "
ktap_check "the module holds the daemon's two sockets" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":2"'
ktap_check "ntpdig through the kernel: stratum 2, causal timestamps" \
	ntpdig_shared_clock 2 -p 3 $SERVER4

# A reload that resolves a name (NSS, /etc/hosts of the VM's overlay) and
# re-reads the keys file, under the filter.
echo "$UPSTREAM_NET.4 upstream-c.test" >>/etc/hosts
conf upstream-c.test
kill -HUP $DPID
reloaded() { grep -q "configuration reloaded" $dir/ntpsecd.log; }
ktap_check "a reload under the filter resolves a name and applies" \
	bash -c "$(declare -f wait_for reloaded); wait_for 10 reloaded && kill -0 $DPID &&
		! grep -q 'cannot resolve' $dir/ntpsecd.log"
sources=$(ip netns exec ntps ntpsecctl --json sources)
echo "# $sources"
ktap_check "... and the daemon still synchronizes and answers ntpsecctl" \
	wait_for 60 synced
stop_daemon
echo "# exit status $DRC"
ktap_check "it exits cleanly (not SIGSYS) and writes the drift file as nobody" \
	bash -c "[ $DRC -eq 0 ] && [ -s $dir/ntp.drift ]"
ktap_check "... and the module let go of its sockets" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":0"'
sed 's/^/# log: /' $dir/ntpsecd.log | tail -n 20
ktap_finish
