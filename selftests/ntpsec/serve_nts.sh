#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NTS (RFC 8915) in the kernel path.  With cookie master keys pushed, the
# module opens each request's cookie, checks its authenticator and answers
# with the unique identifier, fresh cookies sealed under the current key
# (one per cookie and placeholder) and its own authenticator: the client
# side here verifies all of it with OpenSSL's AES-SIV, an implementation
# independent of the kernel's.  Bad cookies and authenticators get NTS
# NAKs, malformed requests are dropped and counted, no reply is longer than
# its request, and without keys NTS requests go to the owning socket.
source "$(dirname "$0")/lib.sh"

ktap_plan 14
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123"
ktap_check "test server attached its sockets" test $? -eq 0

nts() { ip netns exec ntpc ntpsec_ntsprobe query "$@"; }
json_ok() {	# JSON PYTHON-EXPR: the expression over d holds
	python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert eval(sys.argv[2]), d' "$1" "$2"
}

ip netns exec ntps ntpsec_ntsprobe keys 42 3
ktap_check "three master keys pushed, ntpsecctl nts keys lists their ids only" bash -c '
out=$(ip netns exec ntps ntpsecctl --json nts keys)
echo "# $out"
python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert [k[\"id\"] for k in d[\"keys\"]] == [100,101,102] and d[\"keys\"][0][\"current\"], d" "$out" &&
! grep -qi secret <<<"$out"'

out=$(nts --key 0 --count 20 $SERVER4)
echo "# current key, IPv4: $out"
ktap_check "20 requests under the current key: 20 verified replies, each cookie opens to the session's keys" \
	json_ok "$out" 'd["ok"] == 20 and d["cookies"] == 20 == d["cookies_valid"]'
ktap_check "... and no reply longer than its request" \
	json_ok "$out" '0 < d["reply_len_max"] <= d["request_len"]'

out=$(nts --key 2 --placeholders 3 --count 5 $SERVER6)
echo "# an older key, 3 placeholders, IPv6: $out"
ktap_check "an older key's cookie is accepted; four fresh cookies under the current key" \
	json_ok "$out" 'd["ok"] == 5 and d["cookies"] == 20 == d["cookies_valid"] and d["reply_len_max"] <= d["request_len"]'

out=$(nts --key 0 --placeholders 7 $SERVER4)
echo "# 7 placeholders: $out"
ktap_check "eight cookies asked (the most a client holds): eight given, reply no longer" \
	json_ok "$out" 'd["ok"] == 1 and d["cookies"] == 8 == d["cookies_valid"] and d["reply_len_max"] <= d["request_len"]'
before=$(counter drop_too_many_efs)
out=$(nts --key 0 --placeholders 9 $SERVER4)
echo "# 9 placeholders: $out"
ktap_check "more than ten extension fields: dropped and counted" \
	test "$(jget "$out" no_reply)" -eq 1 -a "$(counter drop_too_many_efs)" -eq $((before + 1))

out=$(nts --key 0 --key-id 7 --count 3 $SERVER4)
echo "# unknown key id: $out"
ktap_check "a cookie under a key the module lacks: NTS NAK" json_ok "$out" 'd["nak"] == 3 and d["ok"] == 0'
out=$(nts --key 0 --tamper cookie --count 3 $SERVER4)
echo "# tampered cookie: $out"
ktap_check "a forged cookie: NTS NAK" json_ok "$out" 'd["nak"] == 3 and d["ok"] == 0'
out=$(nts --key 0 --tamper auth --count 3 $SERVER4)
echo "# wrong authenticator key: $out"
ktap_check "an authenticator under the wrong key: NTS NAK, never shorter than needed" \
	json_ok "$out" 'd["nak"] == 3 and d["ok"] == 0 and d["reply_len_max"] <= d["request_len"]'

before=$(counter drop_nts_malformed)
out=$(nts --key 0 --tamper no-uid $SERVER4)
o2=$(nts --key 0 --tamper after-auth $SERVER4)
echo "# no unique identifier: $out; a field after the authenticator: $o2"
dropped=$(( $(counter drop_nts_malformed) - before ))
ktap_check "malformed NTS requests: no reply, counted" \
	test "$(jget "$out" no_reply)" -eq 1 -a "$(jget "$o2" no_reply)" -eq 1 -a "$dropped" -eq 2

stats=$(ip netns exec ntps ntpsecctl --json stats)
echo "# $stats"
ktap_check "counters: 26 NTS answers, 9 NAKs, every datagram accounted for" python3 -c '
import json, sys
c = json.loads(sys.argv[1])["counters"]
assert c["nts_ok"] == 26 and c["nts_nak"] == 9, c
drops = sum(v for k, v in c.items() if k.startswith("drop_"))
assert c["rx"] == c["answered"] + c["passed_up"] + drops, c
assert c["passed_up"] == 0, c
' "$stats"

ip netns exec ntps ntpsec_ntsprobe keys --clear
up=$(counter passed_up)
out=$(nts --key 0 $SERVER4)
echo "# keys cleared: $out"
ktap_check "without keys NTS requests go to the owning socket" \
	test "$(jget "$out" no_reply)" -eq 1 -a "$(counter passed_up)" -eq $((up + 1))

stop_testserver
cleanup_pair
ktap_check "unload" rmmod ntpsec
ktap_finish
