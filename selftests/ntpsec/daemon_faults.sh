#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults under traffic.  ntpsecd killed with SIGKILL while a client floods
# it (three times): the module detaches the dead daemon's sockets, the
# restarted daemon attaches its new ones and is served by the kernel again,
# with no operator.  Then netlink commands race a flood of hostile
# datagrams: access-list, rate-limit, key and server-state changes and
# daemon reloads in a loop.  The kernel stays clean (panic_on_warn), every
# datagram is counted once, and what reads back is exactly what was set
# last; a refused command changes nothing.
source "$(dirname "$0")/lib.sh"

ktap_plan 12
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
DPID=
FLOOD=
CHURN=
trap 'kill $FLOOD $CHURN 2>/dev/null; stop_daemon; cleanup_pair; rm -f /tmp/faults.keys /tmp/faults-bad.keys' EXIT

# No upstream servers and no discipline: the daemon only serves (LI=3).
cat >/tmp/ntpsecd-faults.conf <<CONF
kernel on
disable ntp kernel
CONF
export NTPSECD_SOCKET=/tmp/ntpsecd-faults.sock
start_daemon() {
	ip netns exec ntps ntpsecd -n -c /tmp/ntpsecd-faults.conf \
		-s $NTPSECD_SOCKET -l /tmp/ntpsecd-faults.log &
	DPID=$!
}
sockets_are() {
	ip netns exec ntps ntpsecctl --json status 2>/dev/null |
		grep -q "\"sockets\":$1[,}]"
}
legit() {	# COUNT RATE - requests from the client, JSON on stdout
	ip netns exec ntpc ntpsec_mangle -m legit -n "$1" -r "$2" -w 1 \
		$SERVER4 "[$SERVER6]:123"
}

ok=1
for i in 1 2 3; do
	start_daemon
	if ! wait_for 30 sockets_are 2; then
		echo "# round $i: the daemon did not attach its sockets"
		ok=0
		break
	fi
	a0=$(counter answered)
	legit 6000 1500 >/tmp/faults-flood.json &
	FLOOD=$!
	sleep 1.5
	a1=$(counter answered)
	kill -9 "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
	if ! wait_for 10 sockets_are 0; then
		echo "# round $i: the dead daemon's sockets stayed attached"
		ok=0
	fi
	wait $FLOOD
	FLOOD=
	echo "# round $i: the kernel answered $((a1 - a0)) before SIGKILL; flood: $(cat /tmp/faults-flood.json)"
	[ $((a1 - a0)) -gt 100 ] || ok=0
done
ktap_check "SIGKILL under traffic, three times: the sockets were detached each time" \
	test $ok -eq 1

start_daemon
ktap_check "the restarted daemon attaches its sockets again" wait_for 30 sockets_are 2
a0=$(counter answered)
p0=$(counter passed_up)
out=$(legit 200 100)
echo "# after restart: $out"
ktap_check "... and the kernel serves through them: every request answered" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
a = int(sys.argv[2]) - int(sys.argv[3])
assert d["sent"] == 200 and d["replies"] == 200 and d["longer_than_request"] == 0, d
assert a == 200, a
' "$out" "$(counter answered)" "$a0"
ktap_check "... none of them passed up" test "$(counter passed_up)" -eq "$p0"

# Netlink commands racing hostile traffic.
(umask 077
 printf '1 AES 000102030405060708090a0b0c0d0e0f\n2 MD5 swordfish\n3 SHA1 marlin\n' >/tmp/faults.keys
 printf '7 MD5 goodkey\n8 NOSUCHTYPE x\n' >/tmp/faults-bad.keys)
ctl() { ip netns exec ntps ntpsecctl "$@" >/dev/null 2>&1; }
rx0=$(counter rx)
ip netns exec ntpc ntpsec_mangle -m mix -n 30000 -r 1500 -S 77 -K /tmp/faults.keys \
	-w 2 $SERVER4 "[$SERVER6]:123" >/tmp/faults-mix.json &
FLOOD=$!
ip netns exec ntps python3 "$(dirname "$0")/state_churn.py" \
	"$NTPSEC_TOP/include/uapi/linux/ntpsec.h" $FLOOD >/tmp/faults-state.json &
CHURN=$!
# One shell in the server's namespace runs the commands: cheaper than a
# namespace switch per command under emulation.
rounds=$(ip netns exec ntps bash -c '
ctl() { ntpsecctl "$@" >/dev/null 2>&1; }
rounds=0
while kill -0 '"$FLOOD"' 2>/dev/null; do
	rounds=$((rounds + 1))
	ctl acl add 192.0.2.0/25 deny
	ctl acl add 2001:db8::/64 allow
	ctl acl default deny
	ctl ratelimit set interval $((rounds % 5 - 3)) burst $((1 + rounds % 16)) \
		table $((256 << (rounds % 4))) kod $([ $((rounds % 2)) = 0 ] && echo on || echo off)
	ctl keys load /tmp/faults.keys
	ctl acl default allow
	ctl keys del 2
	ctl keys load /tmp/faults-bad.keys	# refused whole
	ctl acl del 192.0.2.0/25
	ctl ratelimit off
	kill -HUP '"$DPID"'	# the daemon pushes its state, limits and list
	ctl acl flush
done
echo $rounds')
wait $FLOOD
FLOOD=
wait $CHURN
churn_rc=$?
CHURN=
echo "# server state churn: $(cat /tmp/faults-state.json)"
mix=$(cat /tmp/faults-mix.json)
echo "# $rounds rounds of 12 commands raced: $mix"
stats=$(ip netns exec ntps ntpsecctl --json stats)
echo "# module: $stats"
ktap_check "racing traffic: every datagram seen and counted once" python3 -c '
import json, sys
d, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])["counters"]
drops = sum(v for k, v in c.items() if k.startswith("drop_"))
assert c["rx"] - int(sys.argv[3]) == d["sent"], (c["rx"], sys.argv[3], d["sent"])
assert c["rx"] == c["answered"] + c["passed_up"] + drops, c
print("# rx %d = answered %d + passed_up %d + drops %d (acl %d, ratelimit %d)" % (
    c["rx"], c["answered"], c["passed_up"], drops, c["drop_acl"], c["drop_ratelimit"]))
' "$mix" "$stats" "$rx0"
ktap_check "racing traffic: no reply longer than its request (kernel or daemon)" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["longer_than_request"] == 0 and d["unmatched"] == 0, d
' "$mix"

# The last word, then read back.
ctl acl flush
ctl acl add 192.0.2.128/25 deny
ctl acl add 2001:db8:1::/48 allow
ctl acl default allow
ctl ratelimit set interval -2 burst 5 leak 1 table 2048 kod on
ctl keys load /tmp/faults.keys
ctl keys del 3
acl=$(ip netns exec ntps ntpsecctl --json acl)
rl=$(ip netns exec ntps ntpsecctl --json ratelimit)
keys=$(ip netns exec ntps ntpsecctl --json keys)
echo "# acl: $acl"
echo "# ratelimit: $rl"
echo "# keys: $keys"
ktap_check "the access list reads back as set last" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
want = {"default": "allow", "rules": [{"prefix": "192.0.2.128/25", "action": "deny"},
                                     {"prefix": "2001:db8:1::/48", "action": "allow"}]}
assert d == want, d
' "$acl"
ktap_check "the rate limit reads back as set last" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
# The client log the daemon turned on stays on through "ratelimit set".
assert d == {"enabled": True, "interval": -2, "burst": 5, "leak": 1,
             "table_size": 2048, "kod": True, "client_log": True}, d
' "$rl"
ktap_check "the server state reads back as set last; refused ones changed nothing" \
	test $churn_rc -eq 0
out=$(probe --count 1 --wait 1 $SERVER4)
echo "# on the wire: $out"
ktap_check "replies carry the last state: stratum 7, no leap" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["matched"] == 1 and d["stratum"] == 7 and d["leap"] == 0, d
' "$out"
ctl keys load /tmp/faults-bad.keys
ktap_check "the keys read back as set last; a refused load added nothing" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert sorted(k["id"] for k in d) == [1, 2], d
' "$(ip netns exec ntps ntpsecctl --json keys)"
stop_daemon
ktap_check "the daemon stopped cleanly and left nothing attached" sockets_are 0
sed 's/^/# log: /' /tmp/ntpsecd-faults.log | tail -n 8
ktap_finish
