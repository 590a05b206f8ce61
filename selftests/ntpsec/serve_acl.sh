#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Access control in the kernel path: deny and allow prefixes for IPv4 and
# IPv6, the most specific wins, a default; refused datagrams are counted and
# never reach the owning socket; bad rules are refused whole.
source "$(dirname "$0")/lib.sh"

ktap_plan 12
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123" ||
	ktap_skip_all "test server did not start"
# A second client address on the same link.
ip -n ntpc addr add 192.0.2.130/24 dev veth1

acl() { ip netns exec ntps ntpsecctl acl "$@"; }
answered() {	# PROBE-ARGS... - how many of 2 requests were answered
	jget "$(probe --count 2 --rate 20 --wait 0.5 "$@")" matched
}

ktap_check "with no rules everybody is served" test "$(answered $SERVER4)" -eq 2
acl add 192.0.2.0/24 deny
ktap_check "a denied IPv4 prefix gets no answer" test "$(answered $SERVER4)" -eq 0
acl add 192.0.2.128/25 allow
ktap_check "a more specific allow wins for its addresses" \
	test "$(answered --src 192.0.2.130 $SERVER4)" -eq 2
ktap_check "... and the rest of the /24 stays denied" \
	test "$(answered --src $CLIENT4 $SERVER4)" -eq 0
ktap_check "IPv6 is not touched by IPv4 rules" test "$(answered $SERVER6)" -eq 2
acl add 2001:db8::/32 deny
ktap_check "a denied IPv6 prefix gets no answer" test "$(answered $SERVER6)" -eq 0
acl flush
acl default deny
acl add 2001:db8::2/128 allow
ktap_check "default deny with a host allowed" \
	test "$(answered $SERVER6)" -eq 2 -a "$(answered $SERVER4)" -eq 0

list=$(ip netns exec ntps ntpsecctl --json acl)
echo "# $list"
ktap_check "the list reads back as set" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d == {"default": "deny", "rules": [{"prefix": "2001:db8::2/128", "action": "allow"}]}, d
' "$list"

bad_rule() {	# ARGS... - refused with a message, the list unchanged
	local out
	out=$(acl "$@" 2>&1) && return 1
	echo "# acl $*: $out"
	[ "$(ip netns exec ntps ntpsecctl --json acl)" = "$list" ]
}
ktap_check "host bits beyond the prefix are refused, nothing applied" \
	bad_rule add 192.0.2.1/24 allow
ktap_check "a bad address or action is refused, nothing applied" \
	bash -c 'source ./lib.sh; ! ip netns exec ntps ntpsecctl acl add 300.1.1.1 allow 2>/dev/null &&
		 ! ip netns exec ntps ntpsecctl acl add 10.0.0.0/8 maybe 2>/dev/null'
ktap_check "deleting a rule that is not there says so" \
	bash -c '! ip netns exec ntps ntpsecctl acl del 198.51.100.0/24 2>&1 | grep -q "no such rule"; test ${PIPESTATUS[0]} -ne 0'

# Refused above: 2 requests each in checks 2, 4, 6 and 7.
echo "# drop_acl $(counter drop_acl), passed_up $(counter passed_up)"
ktap_check "each refused datagram was counted and none reached the socket" \
	test "$(counter drop_acl)" -eq 8 -a "$(counter passed_up)" -eq 0
ktap_finish
