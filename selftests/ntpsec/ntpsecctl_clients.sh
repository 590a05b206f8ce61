#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecctl clients against the real module: the client table counts each
# source's requests (IPv4 addresses, IPv6 /64s), lists the busiest first,
# bounded; with rate limiting on it shows who was limited, in agreement
# with the module's drop counter.  Without a table it says how to get one.
source "$(dirname "$0")/lib.sh"

ktap_plan 11
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair' EXIT
CLIENT4B=192.0.2.3
ip -n ntpc addr add $CLIENT4B/24 dev veth1
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123"
ktap_check "test server attached its sockets" test $? -eq 0

out=$(ip netns exec ntps ntpsecctl clients 2>&1)
rc=$?
echo "# $out"
ktap_check "without a table: exit 1, says how to get one" \
	bash -c '[ "$1" -eq 1 ] && grep -q "ntpsecctl ratelimit set log on" <<<"$2"' _ "$rc" "$out"

# The client log alone: counted, never limited.
ip netns exec ntps ntpsecctl ratelimit set log on &&
	ip netns exec ntps ntpsecctl ratelimit off
ktap_check "ratelimit off keeps the client log" bash -c \
	'ip netns exec ntps ntpsecctl --json ratelimit | grep -q "\"enabled\":false.*\"client_log\":true"'
probe --count 30 --rate 100 $SERVER4 >/dev/null
probe --count 10 --rate 100 --src $CLIENT4B $SERVER4 >/dev/null
probe --count 5 --rate 100 $SERVER6 >/dev/null
json=$(ip netns exec ntps ntpsecctl --json clients)
echo "# $json"
ip netns exec ntps ntpsecctl clients | sed 's/^/# /'
ktap_check "three sources, busiest first, exact counts" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
c = d["clients"]
assert d["sources"] == 3, d
assert [(x["address"], x["requests"], x["limited"]) for x in c] == [
    ("192.0.2.2", 30, 0), ("192.0.2.3", 10, 0), ("2001:db8::/64", 5, 0)], c
' "$json"
ktap_check "rates and ages are plausible" python3 -c '
import json, sys
c = json.loads(sys.argv[1])["clients"][0]
# 30 requests at 100/s: about 100/s between the first and the last.
assert 30 < c["rate"] < 200, c
assert 0 <= c["last_seen_ago"] <= c["first_seen_ago"] < 60, c
' "$json"
out=$(ip netns exec ntps ntpsecctl clients 1)
echo "$out" | sed 's/^/# /'
ktap_check "clients 1 shows one source and says how many there are" \
	bash -c '[ "$(grep -c "^192\.0\.2\." <<<"$1")" -eq 1 ] &&
		 grep -q "^(1 of 3 sources shown)$" <<<"$1"' _ "$out"

# Rate limiting on: one request per second, bursts of 2, no leak.  A new
# limit is a new table, so the counts start again.
ip netns exec ntps ntpsecctl ratelimit set interval 0 burst 2 leak 0 kod off
before=$(counter drop_ratelimit)
probe --count 20 --rate 100 --src $CLIENT4B $SERVER4 >/dev/null
probe --count 2 --rate 100 $SERVER4 >/dev/null
dropped=$(( $(counter drop_ratelimit) - before ))
json=$(ip netns exec ntps ntpsecctl --json clients)
echo "# dropped $dropped; $json"
ktap_check "the limited source shows what the drop counter counted" python3 -c '
import json, sys
c = {x["address"]: x for x in json.loads(sys.argv[1])["clients"]}
b, a = c["192.0.2.3"], c["192.0.2.2"]
assert b["requests"] == 20 and b["limited"] == int(sys.argv[2]) >= 15, b
assert a["requests"] == 2 and a["limited"] == 0, a
' "$json" "$dropped"

usage_errors=0
for bad in 0 1001 abc "1 2"; do
	# shellcheck disable=SC2086
	ip netns exec ntps ntpsecctl clients $bad >/dev/null 2>&1
	rc=$?
	echo "# clients $bad: exit $rc"
	[ $rc -eq 2 ] && usage_errors=$((usage_errors + 1))
done
ktap_check "bad counts are usage errors (exit 2)" test $usage_errors -eq 4

if command -v setpriv >/dev/null; then
	ktap_check "reading the table needs no privilege" \
		ip netns exec ntps setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all ntpsecctl clients
else
	ktap_ok "reading the table needs no privilege # SKIP no setpriv"
fi

ip netns exec ntps ntpsecctl ratelimit set log off &&
	ip netns exec ntps ntpsecctl ratelimit off
ip netns exec ntps ntpsecctl clients >/dev/null 2>&1
ktap_check "limit and log off: the table is gone" test $? -eq 1
stop_testserver
cleanup_pair
ktap_check "unload" rmmod ntpsec
ktap_finish
