#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifetimes under load: the owner's socket closed (SIGKILL) while requests
# pour in, and the module unloaded while it serves, leave the kernel clean
# (panic_on_warn catches any WARN; the runner checks for BUG lines) and the
# sockets working as plain UDP sockets.
source "$(dirname "$0")/lib.sh"

ktap_plan 6
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'kill $flood 2>/dev/null; stop_testserver; cleanup_pair' EXIT

flood_start() {	# requests for SECONDS from the client, in the background
	local rx0 i
	rx0=$(counter rx)
	probe --count $(($1 * 1500)) --rate 1500 --wait 0.2 $SERVER4 >/dev/null &
	flood=$!
	# Go on only once the flood is reaching the module.
	for i in $(seq 50); do
		[ "$(counter rx)" -gt $((rx0 + 100)) ] && return 0
		sleep 0.1
	done
	echo "# the flood did not start"
	return 1
}

ok=1
for i in 1 2 3; do
	start_testserver /tmp/passed_up -s $SERVER4 || { ok=0; break; }
	flood_start 3 || ok=0
	kill -9 "$TESTSERVER_PID"
	wait "$TESTSERVER_PID" 2>/dev/null
	TESTSERVER_PID=
	wait $flood
done
ktap_check "SIGKILL of the owner under traffic, three times" test $ok -eq 1
ktap_check "every killed owner's socket was detached" \
	bash -c 'ip netns exec ntps ntpsecctl --json status | grep -q "\"sockets\":0"'
ktap_check "the module answered during the floods" test "$(counter answered)" -gt 100

start_testserver /tmp/passed_up -s $SERVER4
flood_start 3
ktap_check "unload while serving" rmmod ntpsec
wait $flood
# The flood may be over by now; these 20 must reach the plain socket.
probe --count 20 --rate 100 --wait 0.5 $SERVER4 >/dev/null
stop_testserver
echo "# the socket, plain again, received $(cat /tmp/passed_up)"
ktap_check "after unload the owner's socket receives datagrams itself" \
	bash -c '[ "$(cut -d" " -f2 /tmp/passed_up)" -ge 20 ]'
ktap_check "load again after that" load_module
ktap_finish
