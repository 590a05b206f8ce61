#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecd's configuration at run time: restrict lines and the ratelimit
# directive reach the module; a reload applies a whole new file or keeps the
# old one and says why; "kernel on" without the module refuses to start; -u
# keeps exactly the three capabilities it needs.
source "$(dirname "$0")/lib.sh"

ktap_plan 9
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
DPID=
trap '[ -n "$DPID" ] && kill $DPID 2>/dev/null; wait 2>/dev/null; cleanup_pair' EXIT
export NTPSECD_SOCKET=/tmp/config-test.sock

cat >/tmp/a.conf <<CONF
restrict default nomodify noquery
restrict 192.0.2.128/25 ignore
ratelimit interval 1 burst 3 leak 0 kod
disable ntp
CONF
ip netns exec ntps ntpsecd -n -c /tmp/a.conf -s $NTPSECD_SOCKET \
	-u nobody:nogroup -l /tmp/config-test.log &
DPID=$!
started() { ip netns exec ntps ntpsecctl --json status | grep -q '"sockets":2'; }
ktap_check "the daemon starts and attaches its sockets (as nobody)" wait_for 20 started

caps=$(sed -n 's/^CapEff:\t//p' /proc/$DPID/status)
user=$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' /proc/$DPID/status)
echo "# uid $user, CapEff $caps"
# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_SYS_TIME (25).
ktap_check "-u: runs as nobody with CAP_SYS_TIME, NET_BIND_SERVICE, NET_ADMIN only" \
	test "$user" -eq 65534 -a "$caps" = 0000000002001400

rl=$(ip netns exec ntps ntpsecctl --json ratelimit)
acl=$(ip netns exec ntps ntpsecctl --json acl)
echo "# $rl"
echo "# $acl"
ktap_check "the ratelimit directive reached the module" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["enabled"] and d["interval"] == 1 and d["burst"] == 3 and d["kod"], d
assert d["client_log"], "ntpsecd keeps the client log: %s" % d
' "$rl"
ktap_check "restrict ignore became a deny rule in the module" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert {"prefix": "192.0.2.128/25", "action": "deny"} in d["rules"], d
' "$acl"

printf 'restrict default nomodify\nserver\n' >/tmp/a.conf
kill -HUP $DPID
refused() { grep -q "reload refused" /tmp/config-test.log; }
ktap_check "a broken file on reload is refused, and the log says where" \
	bash -c "$(declare -f wait_for refused); wait_for 10 refused && grep -q 'a.conf:2' /tmp/config-test.log"
ktap_check "... and the old limits stay in force" \
	bash -c 'ip netns exec ntps ntpsecctl --json ratelimit | grep -q "\"enabled\":true"'

printf 'restrict default nomodify\ndisable ntp\n' >/tmp/a.conf
kill -HUP $DPID
reloaded() { grep -q "configuration reloaded" /tmp/config-test.log; }
ktap_check "a good file on reload applies whole: the rate limit is off" \
	bash -c "$(declare -f wait_for reloaded); wait_for 10 reloaded &&
		ip netns exec ntps ntpsecctl --json ratelimit | grep -q '\"enabled\":false'"
kill $DPID; wait $DPID 2>/dev/null; DPID=

rmmod ntpsec
printf 'kernel on\ndisable ntp\n' >/tmp/b.conf
out=$(ip netns exec ntps timeout 20 ntpsecd -n -c /tmp/b.conf -s /tmp/b.sock 2>&1)
rc=$?
echo "# $out"
ktap_check "kernel on without the module: refuses to start, says modprobe" \
	bash -c "[ $rc -eq 1 ] && grep -q 'modprobe ntpsec' <<<'$out'"
out=$(ntpsecd -t -c /tmp/a.conf 2>&1)
ktap_check "-t checks a file" grep -q "configuration OK" <<<"$out"
sed 's/^/# log: /' /tmp/config-test.log | tail -n 8
ktap_finish
