#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile datagrams against the kernel path: 100,000 random and mutated
# ones (truncated, oversized, bad versions and modes, bogus extension-field
# lengths, NTS-looking fields, MAC trailers with good, bad and unknown keys,
# flipped bits) over IPv4 and IPv6 from a fixed seed.  panic_on_warn turns
# any WARN into a failed run.  The sender classifies every datagram with
# the shared wire parser, so each of the module's counters must have grown
# by exactly what it predicts; every datagram is counted once; no reply is
# longer than its request.
source "$(dirname "$0")/lib.sh"

COUNT=${MANGLE_COUNT:-100000}
SEED=${MANGLE_SEED:-20261126}

ktap_plan 9
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair; rm -f /tmp/mangle.keys' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123" ||
	ktap_skip_all "test server did not start"
# Keys the sender knows too: it signs some MACs right, some wrong.
(umask 077; printf '1 AES 000102030405060708090a0b0c0d0e0f\n2 MD5 swordfish\n3 SHA1 marlin\n' >/tmp/mangle.keys)
ip netns exec ntps ntpsecctl keys load /tmp/mangle.keys >/dev/null
ip netns exec ntps ntpsecctl stats >/dev/null
ip netns exec ntps ntpsecctl ratelimit off >/dev/null
ip netns exec ntps ntpsecctl acl flush >/dev/null
# Counters from zero.
rx0=$(counter rx)

t0=$(date +%s)
out=$(ip netns exec ntpc ntpsec_mangle -m mix -n "$COUNT" -S "$SEED" \
	-K /tmp/mangle.keys -w 2 $SERVER4 "[$SERVER6]:123")
rc=$?
t1=$(date +%s)
echo "# sender ($((t1 - t0)) s): $out"
stats=$(ip netns exec ntps ntpsecctl --json stats)
echo "# module: $stats"

ktap_check "the sender sent all $COUNT datagrams" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["sent"] == int(sys.argv[2]) and d["send_errors"] == 0, d
' "$out" "$COUNT"
ktap_check "the module saw every one of them (rx)" python3 -c '
import json, sys
d, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])["counters"]
assert c["rx"] - int(sys.argv[3]) == d["sent"], (c["rx"], d["sent"])
' "$out" "$stats" "$rx0"
ktap_check "every datagram counted once: rx = answered + passed_up + drops" python3 -c '
import json, sys
c = json.loads(sys.argv[1])["counters"]
drops = sum(v for k, v in c.items() if k.startswith("drop_"))
print("# rx %d = answered %d + passed_up %d + drops %d" % (c["rx"], c["answered"], c["passed_up"], drops))
assert c["rx"] == c["answered"] + c["passed_up"] + drops, c
' "$stats"
ktap_check "each verdict counter grew by what the shared parser predicts" python3 -c '
import json, sys
d, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])["counters"]
bad = {k: (c[k], v) for k, v in d["expect"].items() if k in c and c[k] != v}
for k, v in sorted(d["expect"].items()):
    print("#   %-18s expected %7d  counted %7s" % (k, v, c.get(k, "-")))
assert not bad, bad
' "$out" "$stats"
ktap_check "nothing dropped for want of a route or memory" \
	test "$(counter drop_tx_error)" -eq 0
ktap_check "no reply longer than its request, none unmatched" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print("# replies %d, %d octets for %d octets of the requests answered; longest reply %d" % (
    d["replies"], d["reply_bytes"], d["answered_request_bytes"], d["reply_len_max"]))
assert d["longer_than_request"] == 0 and d["unmatched"] == 0, d
assert d["reply_bytes"] <= d["answered_request_bytes"], d
' "$out"
ktap_check "the sender got (nearly) every answer: >= 99%" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
a = d["expect"]["answered"]
assert d["replies"] - d["duplicate"] >= 0.99 * a, (d["replies"], a)
' "$out"
ktap_check "the sender exited cleanly" test "$rc" -eq 0
stop_testserver
echo "# the owning sockets read: $(cat /tmp/passed_up)"
ktap_check "the owning sockets got no more than was passed up" python3 -c '
import sys
got = int(open("/tmp/passed_up").read().split()[1])
assert got <= int(sys.argv[1]), (got, sys.argv[1])
' "$(counter passed_up)"
ktap_finish
