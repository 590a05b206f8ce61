#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecctl status against the real module: version, protocol version,
# sockets and state, for people and as JSON; readable without privilege;
# independent per network namespace.
source "$(dirname "$0")/lib.sh"

ktap_plan 15
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"

modver=$(modinfo -F version "$NTPSEC_KMOD")
out=$(ntpsecctl status)
echo "$out" | sed 's/^/# /'
ktap_check "status shows the module's version" \
	grep -q "^module: *ntpsec $modver (netlink version 1)$" <<<"$out"
ktap_check "status shows no attached sockets" \
	grep -q "^attached sockets: *0$" <<<"$out"
ktap_check "status says unsynchronized before any state is pushed" \
	grep -q "^server state: *unsynchronized" <<<"$out"
# At load the module checks its AES-SIV (for NTS) against RFC 5297's
# appendix vectors; only a passing implementation is ever used.
dmesg | grep -E "ntpsec: (AES-SIV|NTS)" | sed 's/^/# /'
ktap_check "AES-SIV passed the RFC 5297 vectors at load (kernel log)" \
	bash -c 'dmesg | grep -q "ntpsec: AES-SIV-CMAC-256 (.*) passes RFC 5297 A.1 and A.2"'
ktap_check "status says NTS crypto is ready" \
	grep -q "^NTS crypto: *AES-SIV-CMAC-256 ready" <<<"$out"

json=$(ntpsecctl --json status)
ktap_check "--json status parses and carries the same facts" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["module_version"] == sys.argv[2], d
assert d["netlink_version"] == 1 and d["sockets"] == 0, d
assert d["synchronized"] is False and d["nts_crypto"] is True, d
' "$json" "$modver"

ktap_check "version shows tool and module" \
	bash -c "ntpsecctl version | grep -q '^ntpsec module $modver\$'"
ktap_check "--json version parses: tool and module versions" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["module_version"] == sys.argv[2] and d["tool_version"], d
' "$(ntpsecctl --json version)" "$modver"

# Reading needs no privilege: drop every capability.
if command -v setpriv >/dev/null; then
	ktap_check "status works without any capability" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all ntpsecctl status
else
	ktap_ok "status works without any capability # SKIP no setpriv"
fi

ip netns add ntpsec-status-test
ktap_check "status works in another network namespace" \
	ip netns exec ntpsec-status-test ntpsecctl status
ip netns del ntpsec-status-test

# The exit statuses scripts rely on (ntpsecctl(8)), each with its message.
exit_and_says() {	# STATUS PATTERN CMD...: exits STATUS, says PATTERN
	local want=$1 pattern=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "# exit $rc: $out"
	[ "$rc" -eq "$want" ] && grep -q "$pattern" <<<"$out"
}
if command -v setpriv >/dev/null; then
	ktap_check "a change without CAP_NET_ADMIN: exit 4, says what is needed" \
		exit_and_says 4 CAP_NET_ADMIN setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all \
		ntpsecctl acl add 10.0.0.0/8 deny
else
	ktap_ok "a change without CAP_NET_ADMIN: exit 4 # SKIP no setpriv"
fi
ktap_check "no daemon behind the control socket: exit 5" \
	exit_and_says 5 "ntpsecd is not running" \
	env NTPSECD_SOCKET=/nonexistent/ntpsecd.sock ntpsecctl sources

ktap_check "unload" rmmod ntpsec
ktap_check "without the module: exit 3, says modprobe ntpsec" \
	exit_and_says 3 "modprobe ntpsec" ntpsecctl status
# A family of the same name but another protocol version (test-only module).
if insmod "$NTPSEC_FAKEFAMILY_KMOD"; then
	ktap_check "a module of another netlink version: exit 6, names both versions" \
		exit_and_says 6 "netlink version 99, this tool speaks 1" ntpsecctl status
	rmmod ntpsec_fakefamily
else
	ktap_fail "a module of another netlink version: cannot load $NTPSEC_FAKEFAMILY_KMOD"
fi
ktap_finish
