#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interleaved mode (RFC 9769) in the kernel path, with the driver's (veth's)
# software transmit stamps: a scripted client checks each reply's mode and
# that the interleaved transmit time is the earlier reply's actual one;
# chronyd with "xleave" runs in interleaved mode against the module; then,
# reloaded with xleave_slots=0 (no state, no stamps), the module answers the
# same interleaved-form requests in correct basic mode.
source "$(dirname "$0")/lib.sh"

ktap_plan 15
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
d=$(mktemp -d)
trap 'chrony_stop; stop_testserver; cleanup_pair; rm -rf $d' EXIT

chrony_stop() {
	[ -s $d/chronyd.pid ] && kill "$(cat $d/chronyd.pid)" 2>/dev/null
	sleep 1
	rm -f $d/chronyd.pid
}

xprobe() {	# ADDR [--version V]: xleave_probe.py from the client namespace
	ip netns exec ntpc python3 "$(dirname "$0")/xleave_probe.py" "$@"
}

# check_probe EXPECT JSON: EXPECT is "interleaved" or "basic" for R3.  R2
# is basic either way: R1, a reply to a basic request, was not stamped.
check_probe() {
	python3 - "$@" <<'PY'
import json, sys
want, d = sys.argv[1], json.loads(sys.argv[2])
for k in ("r1", "r2", "r3", "r4", "r5"):
    r = d[k]
    print("# %s: %s, transmit - receive %d ns" % (k, r["mode"], r["transmit_ns"] - r["receive_ns"]))
    assert r["len"] <= r["request_len"], k
    assert r["mode"] != "bad", k
assert d["r1"]["mode"] == "basic"
assert d["r2"]["mode"] == "basic", "R1 was not stamped"
assert d["r3"]["mode"] == want
assert d["r4"]["mode"] == "basic", "a stamp is given once"
assert d["r5"]["mode"] == "basic", "unknown origin"
if want == "interleaved":
    r2, r3 = d["r2"], d["r3"]
    # R3 carries R2's actual transmit time: after R2's clock reading (its
    # basic transmit timestamp), before R2 reached the client.
    late = r3["transmit_ns"] - r2["transmit_ns"]
    print("# R2 left %d ns after its transmit timestamp was read; reached the client %d ns later"
          % (late, r2["arrived_ns"] - r3["transmit_ns"]))
    assert 0 <= late < 5 * 10**6, late
    assert r3["transmit_ns"] <= r2["arrived_ns"] + 1000
    assert r3["receive_ns"] > r2["arrived_ns"]
PY
}

start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123"
ktap_check "test server attached IPv4 and IPv6 sockets" test $? -eq 0

out=$(xprobe $SERVER4)
ktap_check "IPv4: basic, basic (R1 not stamped), interleaved with R2's driver stamp, basic (replay, unknown origin)" \
	check_probe interleaved "$out"
out=$(xprobe $SERVER6)
ktap_check "IPv6: the same" check_probe interleaved "$out"
out=$(xprobe --version 3 $SERVER4)
ktap_check "NTPv3 requests are answered in basic mode" check_probe basic "$out"

ktap_check "counters: 2 interleaved replies, 6 basic ones to interleaved-form requests" \
	test "$(counter xleave)" -eq 2 -a "$(counter xleave_basic)" -eq 6
# Stamped: the replies to requests naming one of ours (R2, R3, R4 of each
# NTPv4 probe); never those to basic, NTPv3 or unknown-origin requests.
ktap_check "counters: 6 driver stamps (interleaved clients' replies only), no hardware stamp" \
	test "$(counter txts_driver)" -eq 6 -a "$(counter txts_hw)" -eq 0
wire_histogram_ok() {	# one entry per stamp, receive stamp to actual send
	ip netns exec ntps ntpsecctl --json stats | python3 -c '
import json, sys
d = json.load(sys.stdin)
n = sum(d["wire_latency_log2_ns"])
print("# wire histogram: %d entries, mean %d ns" % (n, d["wire_latency_sum_ns"] // max(n, 1)))
sys.exit(0 if n == d["counters"]["txts_driver"] and d["wire_latency_sum_ns"] > 0 else 1)'
}
ktap_check "the receive-to-actual-transmit histogram has one entry per stamp" \
	wire_histogram_ok

# chronyd as an interleaved client; -x: it never touches the clock.
cat >$d/chrony.conf <<CONF
server $SERVER4 xleave minpoll -2 maxpoll -2
bindcmdaddress $d/chronyc/chronyc.sock
pidfile $d/chronyd.pid
driftfile $d/drift
CONF
mkdir -m 700 $d/chronyc
chronyc_x() {
	ip netns exec ntpc chronyc -h $d/chronyc/chronyc.sock -n "$@"
}
before=$(counter xleave)
ip netns exec ntpc chronyd -x -u root -f $d/chrony.conf -l $d/chrony.log
interleaved() {
	chronyc_x ntpdata $SERVER4 2>/dev/null | grep -Eq '^Interleaved +: Yes'
}
enough() { test "$(counter xleave)" -ge $((before + 10)); }
ktap_check "chronyd xleave: chronyc ntpdata says Interleaved" wait_for 90 interleaved
ktap_check "... and the module sent it at least 10 interleaved replies" wait_for 60 enough
chronyc_x ntpdata $SERVER4 | sed 's/^/# ntpdata: /'
chronyc_x sourcestats | sed 's/^/# /'
ktap_check "... its NTP tests pass" \
	bash -c "chronyc -h $d/chronyc/chronyc.sock -n ntpdata $SERVER4 |
		grep -Eq '^NTP tests +: 111 111 1111'"
chrony_stop
ip netns exec ntps ntpsecctl stats | sed 's/^/# /' | head -40
ktap_check "no stamp came late" test "$(counter txts_late)" -eq 0

# No state, no stamps: interleaved-form requests get basic replies.
stop_testserver
rmmod ntpsec
insmod "$NTPSEC_KMOD" xleave_slots=0
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123"
ktap_check "reloaded with xleave_slots=0" test $? -eq 0
out=$(xprobe $SERVER4)
ktap_check "without state every reply is a correct basic one" check_probe basic "$out"
ktap_check "... counted, with no stamps asked for" \
	test "$(counter xleave)" -eq 0 -a "$(counter xleave_basic)" -eq 0 \
	     -a "$(counter txts_driver)" -eq 0 -a "$(counter answered)" -eq 5

stop_testserver
ktap_check "unload" rmmod ntpsec
ktap_finish
