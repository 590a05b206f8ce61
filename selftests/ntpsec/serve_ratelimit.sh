#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-source rate limiting in the kernel path: a flooding source is held to
# its configured rate (within 10%), a second client is unaffected, RATE
# kiss-o'-death when asked for, and the settings read back.
source "$(dirname "$0")/lib.sh"

ktap_plan 8
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123" ||
	ktap_skip_all "test server did not start"
ip -n ntpc addr add 192.0.2.130/24 dev veth1

ip netns exec ntps ntpsecctl ratelimit set interval -3 burst 4 leak 0 table 1024 kod off
cfg=$(ip netns exec ntps ntpsecctl --json ratelimit)
echo "# $cfg"
ktap_check "the settings read back" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d == {"enabled": True, "interval": -3, "burst": 4, "leak": 0,
             "table_size": 1024, "kod": False,
             "client_log": False}, d
' "$cfg"

# The flood: 100 requests/s for 4 s from one address; the limit is one per
# 1/8 s, so 8/s plus a burst of 4.  A polite client polls at 2/s meanwhile.
probe --src $CLIENT4 --count 400 --rate 100 --wait 1 $SERVER4 >/tmp/flood.json &
flood=$!
polite=$(probe --src 192.0.2.130 --count 8 --rate 2 --wait 1 $SERVER4)
wait $flood
flood=$(cat /tmp/flood.json)
echo "# flood: $flood"
echo "# polite: $polite"
ktap_check "the flooding source is held to 8/s plus the burst, within 10%" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
elapsed = d["sent"] / 100.0
expected = elapsed * 8 + 4
assert d["sent"] == 400, d
assert abs(d["matched"] - expected) <= 0.1 * expected, (d["matched"], expected)
' "$flood"
ktap_check "the polite client got every answer" \
	test "$(jget "$polite" matched)" -eq 8
ktap_check "the drops were counted" test "$(counter drop_ratelimit)" -ge 300

ip netns exec ntps ntpsecctl ratelimit set kod on
kod=$(probe --src $CLIENT4 --count 20 --rate 100 --wait 1 $SERVER4)
echo "# with kod: $kod"
ktap_check "over the limit with kod on: RATE kiss-o'-death, no longer than the request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["kod"] >= 10 and d["reply_len_max"] <= d["request_len"], d
' "$kod"
ktap_check "the KoDs were counted" test "$(counter kod_rate)" -ge 10

ktap_check "bad settings are refused (table not a power of two)" \
	bash -c '! ip netns exec ntps ntpsecctl ratelimit set table 1000 2>/dev/null'
ip netns exec ntps ntpsecctl ratelimit off
ktap_check "off: everybody answered again" \
	test "$(jget "$(probe --src $CLIENT4 --count 20 --rate 100 $SERVER4)" matched)" -eq 20
ktap_finish
