#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# No reply is ever longer than its request, on every path of the kernel's
# server: plain requests of every version, MACs good and bad, unknown keys,
# crypto-NAKs, RATE kiss-o'-death; and what the module must not answer
# (modes 6 and 7, extension fields, malformed packets) gets nothing from it.
# The counters account for every datagram.
source "$(dirname "$0")/lib.sh"

ktap_plan 18
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair; rm -f /tmp/amp.keys' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123" ||
	ktap_skip_all "test server did not start"
CMAC=000102030405060708090a0b0c0d0e0f
printf '1 AES %s\n2 MD5 swordfish\n' $CMAC >/tmp/amp.keys
ip netns exec ntps ntpsecctl keys load /tmp/amp.keys >/dev/null

sent_total=0
answered_case() {	# NAME PROBE-ARGS... - answered, never longer
	local name=$1 out
	shift
	out=$(probe --count 2 --rate 20 --wait 0.5 "$@")
	echo "# $name: $out"
	sent_total=$((sent_total + 2))
	ktap_check "$name: answered, reply <= request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["matched"] == 2 and d["reply_len_max"] <= d["request_len"], d
' "$out"
}
silent_case() {		# NAME PROBE-ARGS... - the module sends nothing
	local name=$1 out
	shift
	out=$(probe --count 2 --rate 20 --wait 0.5 "$@")
	echo "# $name: $out"
	sent_total=$((sent_total + 2))
	ktap_check "$name: no reply" test "$(jget "$out" replies)" -eq 0
}

answered_case "v4 client" $SERVER4
answered_case "v4 client over IPv6" $SERVER6
answered_case "v3 client" --version 3 $SERVER4
answered_case "v2 client" --version 2 $SERVER4
answered_case "v1 client (mode 0)" --version 1 --mode 0 $SERVER4
answered_case "CMAC" --key "1:AES:$CMAC" $SERVER4
answered_case "wrong MAC (crypto-NAK)" --key "1:AES:$CMAC" --bad-mac $SERVER4
answered_case "unknown key (crypto-NAK)" --key "1:AES:$CMAC" --mac-id 77 $SERVER4
answered_case "crypto-NAK as a request" --extra 00000000 $SERVER4
silent_case "mode 7" --mode 7 $SERVER4
silent_case "mode 6 (the daemon's)" --mode 6 $SERVER4
silent_case "extension field (the daemon's)" --extra 01040020$(printf '%056d' 0) $SERVER4
silent_case "truncated (47 octets)" --raw 23$(printf '%092d' 0) $SERVER4
silent_case "version 5" --version 5 $SERVER4
silent_case "bad extension field length" --extra 0104000f$(printf '%056d' 0) $SERVER4

ip netns exec ntps ntpsecctl ratelimit set interval 4 burst 1 leak 0 kod on >/dev/null
out=$(probe --count 6 --rate 50 --wait 0.5 $SERVER4)
echo "# kod: $out"
sent_total=$((sent_total + 6))
ktap_check "RATE KoD: reply <= request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["kod"] >= 4 and d["reply_len_max"] <= d["request_len"], d
' "$out"
ip netns exec ntps ntpsecctl ratelimit off >/dev/null

stats=$(ip netns exec ntps ntpsecctl --json stats)
echo "# $stats"
ktap_check "every datagram counted once: rx = answered + passed up + drops" python3 -c '
import json, sys
c = json.loads(sys.argv[1])["counters"]
drops = sum(v for k, v in c.items() if k.startswith("drop_"))
assert c["rx"] == int(sys.argv[2]), (c["rx"], sys.argv[2])
assert c["rx"] == c["answered"] + c["passed_up"] + drops, c
' "$stats" "$sent_total"
stop_testserver
ktap_check "the owning socket got exactly the mode 6 and extension field requests" \
	grep -qx "passed_up 4" /tmp/passed_up
ktap_finish
