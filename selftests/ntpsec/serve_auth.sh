#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Symmetric-key MACs in the kernel path: keys loaded from an ntp.keys file;
# requests MACed with AES-128-CMAC (RFC 8573), MD5 and SHA1 are answered with
# a MAC by the same key (checked by ntpdig and by an independent Python
# implementation); a wrong MAC or an unknown key gets a crypto-NAK, never a
# reply longer than the request; secrets are never readable back.
source "$(dirname "$0")/lib.sh"

ktap_plan 12
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair; rm -f /tmp/ntp.keys /tmp/wrong.keys' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123" ||
	ktap_skip_all "test server did not start"

CMAC=000102030405060708090a0b0c0d0e0f
SHA1=c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00
cat >/tmp/ntp.keys <<KEYS
# id type secret
1 AES $CMAC
2 MD5 swordfish
3 SHA1 $SHA1
KEYS
chmod 600 /tmp/ntp.keys
ktap_check "ntpsecctl keys load installs an ntp.keys file" \
	ip netns exec ntps ntpsecctl keys load /tmp/ntp.keys

keys=$(ip netns exec ntps ntpsecctl --json keys)
echo "# keys: $keys"
ktap_check "keys list shows ids and types, never secrets" python3 -c '
import json, sys
k = sorted((x["id"], x["type"]) for x in json.loads(sys.argv[1]))
assert k == [(1, "AES-128-CMAC"), (2, "MD5"), (3, "SHA1")], k
assert sys.argv[2] not in sys.argv[1] and "swordfish" not in sys.argv[1]
' "$keys" "$CMAC"

ntpdig_auth() {	# ADDR KEYID KEYFILE
	ip netns exec ntpc ntpdig -j -t 3 -a "$2" -k "$3" "$1" 2>&1
}
out=$(ntpdig_auth $SERVER4 1 /tmp/ntp.keys)
echo "# $out"
ktap_check "ntpdig with the AES (CMAC) key accepts the kernel's MAC (IPv4)" \
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["stratum"]==2' "$out"
out=$(ntpdig_auth $SERVER6 1 /tmp/ntp.keys)
ktap_check "ntpdig with the AES (CMAC) key accepts the kernel's MAC (IPv6)" \
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["stratum"]==2' "$out"

sed "s/^1 AES .*/1 AES ffeeddccbbaa99887766554433221100/" \
	/tmp/ntp.keys >/tmp/wrong.keys
out=$(ntpdig_auth $SERVER4 1 /tmp/wrong.keys)
echo "# with the wrong key: $out"
# ntpdig 1.2.2 fails on a reply whose MAC it cannot verify (a crypto-NAK
# here) with a traceback instead of a message; either way it must not
# print a time sample.
ktap_check "ntpdig with a wrong key accepts no time" \
	bash -c '! grep -q "\"offset\"" <<<"$1"' _ "$out"

probe_ok() {	# NAME KEYSPEC - every reply MACed correctly, same length
	local out
	out=$(probe --count 3 --rate 20 --key "$2" $SERVER4)
	echo "# $1: $out"
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["matched"] == 3 and d["mac_ok"] == 3 and d["mac_bad"] == 0, d
assert d["reply_len_max"] == d["request_len"], d
' "$out"
}
ktap_check "MD5-MACed requests get MD5 MACs" probe_ok md5 "2:MD5:$(printf swordfish | od -An -tx1 | tr -d ' \n')"
ktap_check "SHA1-MACed requests get SHA1 MACs" probe_ok sha1 "3:SHA1:$SHA1"
ktap_check "CMAC-MACed requests get CMAC MACs" probe_ok cmac "1:AES:$CMAC"

nak_ok() {	# NAME PROBE-ARGS...
	local name=$1 out
	shift
	out=$(probe --count 2 --rate 20 "$@" $SERVER4)
	echo "# $name: $out"
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["matched"] == 2 and d["crypto_nak"] == 2, d
assert d["reply_len_max"] == 52 < d["request_len"], d
' "$out"
}
ktap_check "a wrong MAC gets a crypto-NAK, shorter than the request" \
	nak_ok bad-mac --key "1:AES:$CMAC" --bad-mac
ktap_check "an unknown key gets a crypto-NAK, shorter than the request" \
	nak_ok unknown --key "1:AES:$CMAC" --mac-id 99

echo "# mac_ok $(counter mac_ok) mac_bad $(counter mac_bad) unknown $(counter mac_unknown_key)"
ktap_check "the counters saw the good, the bad and the unknown" \
	test "$(counter mac_ok)" -ge 11 -a "$(counter mac_bad)" -ge 3 -a \
	     "$(counter mac_unknown_key)" -eq 2
ktap_check "nothing reached the owning socket" test "$(counter passed_up)" -eq 0
ktap_finish
