#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The amplification audit, continued from no_amplification.sh (the kernel's
# own replies) to the paths that end in ntpsecd: its userspace server when
# the module does not serve (plain requests of every version, MACs good and
# bad by each key type, unknown keys, crypto-NAKs, extension fields, RATE
# kiss-o'-death, modes 6 and 7, malformed packets), and the datagrams the
# module passes up to it (extension fields, NTS-looking requests).  On each
# path no reply is longer than its request; on top, a mix of 5,000 hostile
# datagrams through each server finds no reply longer than its request.
source "$(dirname "$0")/lib.sh"

ktap_plan 24
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_daemon; cleanup_pair; rm -f /tmp/ampd.keys' EXIT
CMAC=000102030405060708090a0b0c0d0e0f
(umask 077; printf '1 AES %s\n2 MD5 swordfish\n3 SHA1 marlin\n' $CMAC >/tmp/ampd.keys)
export NTPSECD_SOCKET=/tmp/ntpsecd-amp.sock
start_daemon() {	# KERNEL EXTRA-CONFIG-LINE...
	local line
	{
		echo "kernel $1"
		echo "disable ntp kernel"
		echo "keys /tmp/ampd.keys"
		echo "trustedkey 1 2 3"
		for line in "${@:2}"; do echo "$line"; done
	} >/tmp/ntpsecd-amp.conf
	ip netns exec ntps ntpsecd -n -c /tmp/ntpsecd-amp.conf \
		-s $NTPSECD_SOCKET -l /tmp/ntpsecd-amp.log &
	DPID=$!
	# Serving once a plain request is answered.
	wait_for 30 bash -c "[ \"\$(ip netns exec ntpc python3 $(dirname "$0")/ntp_probe.py --count 1 --wait 0.5 $SERVER4 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"matched\"])')\" = 1 ]"
}

answered_case() {	# NAME PROBE-ARGS... - answered, never longer
	local name=$1 out
	shift
	out=$(probe --count 2 --rate 20 --wait 0.5 "$@")
	echo "# $name: $out"
	ktap_check "$name: answered, reply <= request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["matched"] == 2 and d["reply_len_max"] <= d["request_len"], d
' "$out"
}
silent_case() {		# NAME PROBE-ARGS... - no reply at all
	local name=$1 out
	shift
	out=$(probe --count 2 --rate 20 --wait 0.5 "$@")
	echo "# $name: $out"
	ktap_check "$name: no reply" test "$(jget "$out" replies)" -eq 0
}
mix_case() {		# NAME - 5,000 hostile datagrams, none answered longer
	local out
	out=$(ip netns exec ntpc ntpsec_mangle -m mix -n 5000 -r 2000 -S 5 \
		-K /tmp/ampd.keys -w 2 $SERVER4 "[$SERVER6]:123")
	echo "# $1: $out"
	ktap_check "$1: 5,000 hostile datagrams, no reply longer than its request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print("# %d replies, %d octets out for %d octets in" % (d["replies"], d["reply_bytes"], d["answered_request_bytes"]))
assert d["sent"] == 5000 and d["replies"] > 0, d
assert d["longer_than_request"] == 0 and d["unmatched"] == 0, d
' "$out"
}

EF=01040024$(printf '%064d' 0)

# The userspace server alone.
ktap_check "ntpsecd serves from userspace (kernel off)" start_daemon off
answered_case "fallback: v4 client" $SERVER4
answered_case "fallback: v4 client over IPv6" $SERVER6
answered_case "fallback: v3 client" --version 3 $SERVER4
answered_case "fallback: v1 client (mode 0)" --version 1 --mode 0 $SERVER4
answered_case "fallback: AES-CMAC" --key "1:AES:$CMAC" $SERVER4
answered_case "fallback: MD5" --key "2:MD5:$(printf swordfish | od -An -tx1 | tr -d ' \n')" $SERVER4
answered_case "fallback: SHA1" --key "3:SHA1:$(printf marlin | od -An -tx1 | tr -d ' \n')" $SERVER4
answered_case "fallback: wrong MAC (crypto-NAK)" --key "1:AES:$CMAC" --bad-mac $SERVER4
answered_case "fallback: unknown key (crypto-NAK)" --key "1:AES:$CMAC" --mac-id 77 $SERVER4
answered_case "fallback: extension field" --extra $EF $SERVER4
silent_case "fallback: mode 7" --mode 7 $SERVER4
silent_case "fallback: mode 6 from the network" --mode 6 $SERVER4
out=$(ip netns exec ntps python3 "$(dirname "$0")/ntp_probe.py" --count 2 --rate 20 --wait 0.5 --mode 6 127.0.0.1)
echo "# fallback: mode 6 from localhost: $out"
ktap_check "fallback: mode 6 from localhost: nothing longer than the request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["replies"] == 0 or d["reply_len_max"] <= d["request_len"], d
' "$out"
silent_case "fallback: truncated (47 octets)" --raw 23$(printf '%092d' 0) $SERVER4
silent_case "fallback: bad extension field length" --extra 0104000f$(printf '%056d' 0) $SERVER4
mix_case "fallback"
stop_daemon

ktap_check "ntpsecd with a rate limit and kod, from userspace" \
	start_daemon off "ratelimit interval 4 burst 1 leak 0 kod"
out=$(probe --count 6 --rate 50 --wait 0.5 $SERVER4)
echo "# fallback: kod: $out"
ktap_check "fallback: RATE KoD: reply <= request" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["kod"] >= 3 and d["reply_len_max"] <= d["request_len"], d
' "$out"
stop_daemon

# The module serves; what it passes up is the daemon's.
ktap_check "ntpsecd with the kernel fast path" start_daemon on
p0=$(counter passed_up)
answered_case "passed up: extension field, answered by the daemon" --extra $EF $SERVER4
answered_case "passed up: NTS-looking fields, answered by the daemon" \
	--extra 01040024$(printf '%064d' 0)02040068$(printf '%0200d' 0) $SERVER6
ktap_check "those four went through the daemon" test $(($(counter passed_up) - p0)) -eq 4
mix_case "kernel and daemon"
stop_daemon
sed 's/^/# log: /' /tmp/ntpsecd-amp.log | tail -n 5
ktap_finish
