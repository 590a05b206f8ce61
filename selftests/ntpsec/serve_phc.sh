#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hardware receive timestamps in the kernel path, with the test NIC
# (vphc/): its PHC runs 37 s ahead (TAI-like) and 100 ppm fast; the test
# server fits the PHC to CLOCK_REALTIME and pushes the mapping; the receive
# timestamp in a reply must equal the driver's stamp of that request,
# converted to UTC through the pushed mapping, within 1 microsecond.  The
# server turns the NIC's TX stamps on too: an interleaved reply (RFC 9769)
# must carry the driver's TX stamp of the previous reply, converted the
# same way, within 1 microsecond.  Then the NIC behaves like igb (one TX
# stamp outstanding, and late): interleaved requests fall back to basic
# replies until the stamp is back.
source "$(dirname "$0")/lib.sh"

VPHC_KMOD=${NTPSEC_VPHC_KMOD:-$NTPSEC_BUILD/$NTPSEC_KVER/selftests/ntpsec/vphc/ntpsec_vphc.ko}
VPHC_TOOL=$(dirname "$VPHC_KMOD")/vphc_tool

ktap_plan 10
[ -r "$VPHC_KMOD" ] && [ -x "$VPHC_TOOL" ] ||
	ktap_skip_all "no test NIC at $VPHC_KMOD (scripts/kbuild.sh ... selftests/ntpsec/vphc)"
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
insmod "$VPHC_KMOD" || ktap_skip_all "cannot load $VPHC_KMOD"
cleanup() {
	stop_testserver
	cleanup_pair
	rmmod ntpsec_vphc 2>/dev/null
}
trap cleanup EXIT

cleanup_pair
ip netns add ntps && ip netns add ntpc
ip link set vphc0 netns ntps
ip link set vphc1 netns ntpc
ip -n ntps addr add $SERVER4/24 dev vphc0
ip -n ntpc addr add $CLIENT4/24 dev vphc1
ip -n ntps link set vphc0 up
ip -n ntpc link set vphc1 up
ip -n ntps link set lo up
ip -n ntpc link set lo up

phc=$(ip netns exec ntps "$VPHC_TOOL" tsinfo vphc0 | sed -n 's/^phc_index \([0-9]*\)$/\1/p')
ktap_check "the server's NIC has a PHC" test -n "$phc" -a -e "/dev/ptp$phc"
"$VPHC_TOOL" phc-set "/dev/ptp$phc" 37000000000 100 >/dev/null
ktap_check "its PHC runs 37 s ahead and 100 ppm fast" \
	"$VPHC_TOOL" phc-check "/dev/ptp$phc" 37000000000 100 2000000

start_testserver /tmp/passed_up -s -H vphc0 -M /tmp/phcmap $SERVER4
ktap_check "the mapping was fitted and pushed" test $? -eq 0 -a -s /tmp/phcmap
echo "# mapping (ifindex phc_ns utc_ns freq): $(cat /tmp/phcmap)"
ip netns exec ntpc ping -c 1 -W 2 $SERVER4 >/dev/null

# phc_utc_ns STAMP: a stamp of vphc0's PHC through the pushed mapping,
# as the module converts it (UTC, ns).
phc_utc_ns() {
	python3 -c 'import sys
ifindex, phc, utc, freq = (int(x) for x in sys.argv[2].split())
d = int(sys.argv[1]) - phc
print(utc + d + ((d * freq) >> 32))' "$1" "$(cat /tmp/phcmap)"
}

# The driver stamps every frame (ARP too): try a few times to read the
# stamp of the request itself, the last frame before the reply.
check_stamp() {
	local out stamp
	out=$(probe --count 1 --wait 0.5 $SERVER4)
	stamp=$(ip netns exec ntps cat /sys/class/net/vphc0/vphc/last_rx_hwtstamp)
	echo "# reply: $out"
	echo "# driver's last RX stamp: $stamp"
	python3 - "$out" "$(phc_utc_ns "$stamp")" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
expected_ns = int(sys.argv[2])
rx = d["last_receive"]
# NTP era 0 to Unix nanoseconds (the reply's fraction has 0.23 ns steps).
got_ns = ((rx >> 32) - 2208988800) * 10**9 + ((rx & 0xffffffff) * 10**9 >> 32)
err = got_ns - expected_ns
tx = d["last_transmit"]
tx_ns = ((tx >> 32) - 2208988800) * 10**9 + ((tx & 0xffffffff) * 10**9 >> 32)
print("# receive timestamp - converted driver stamp = %d ns" % err)
print("# transmit - receive timestamp = %d ns" % (tx_ns - got_ns))
# The mapping is UTC: the reply left after it arrived, within 10 ms.
sys.exit(0 if abs(err) < 1000 and 0 <= tx_ns - got_ns < 10**7 else 1)
PY
}
ok=1
for attempt in 1 2 3; do
	check_stamp && { ok=0; break; }
done
ktap_check "reply's receive time = driver stamp through the mapping, within 1 us" test $ok -eq 0
ktap_check "the module counted hardware stamps" test "$(counter ts_hw)" -ge 1

# Interleaved: R0 basic; R1, to a request naming R0, is basic too but
# stamped (its client is in interleaved mode); then a request naming R1's
# receive timestamp gets R1's hardware TX stamp.  Only replies ask the
# driver for TX stamps, so its last one is R1's until R2 leaves.  The
# mapping is trusted for 16 s after its fit: each try fits a new one (a
# test server restart).
xprobe_once() {	# ORIGIN RECEIVE
	ip netns exec ntpc python3 "$(dirname "$0")/xleave_probe.py" \
		--once "$1" "$2" $SERVER4
}
check_tx_stamp() {
	local r0 r1 r2 stamp
	stop_testserver
	start_testserver /tmp/passed_up -s -H vphc0 -M /tmp/phcmap $SERVER4 ||
		return 1
	r0=$(xprobe_once 0 0)
	r1=$(xprobe_once "$(jget "$r0" receive)" "$(jget "$r0" arrived)")
	stamp=$(ip netns exec ntps cat /sys/class/net/vphc0/vphc/last_tx_hwtstamp)
	r2=$(xprobe_once "$(jget "$r1" receive)" "$(jget "$r1" arrived)")
	echo "# R1: $r1"
	echo "# R2: $r2"
	echo "# driver's last TX stamp after R1: $stamp"
	tx_stamp_ok "$r2" "$stamp"
}
tx_stamp_ok() {	# REPLY STAMP: REPLY is interleaved and carries PHC STAMP
	python3 - "$1" "$(phc_utc_ns "$2")" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
err = r["transmit_ns"] - int(sys.argv[2])
print("# the reply is %s; its transmit timestamp - converted TX stamp = %d ns"
      % (r["mode"], err))
sys.exit(0 if r["mode"] == "interleaved" and abs(err) < 1000 else 1)
PY
}
ok=1
for attempt in 1 2 3; do
	check_tx_stamp && { ok=0; break; }
done
ktap_check "interleaved reply's transmit time = R1's driver TX stamp through the mapping, within 1 us" \
	test $ok -eq 0
ktap_check "the module counted hardware TX stamps, no driver ones" \
	test "$(counter txts_hw)" -ge 1 -a "$(counter txts_driver)" -eq 0

ktap_check "no stamp was rejected as stale while the mapping was fresh" \
	test "$(counter ts_phc_stale)" -eq 0

# Like igb: one TX stamp outstanding at a time, and R1's delivered 10 s
# late.  An interleaved request before it is back gets a basic reply, which
# the busy NIC does not stamp (the driver does); once it is back, the same
# request gets the interleaved reply with R1's stamp.
P=/sys/module/ntpsec_vphc/parameters
stop_testserver
start_testserver /tmp/passed_up -s -H vphc0 -M /tmp/phcmap $SERVER4
basic=$(counter xleave_basic)
r0=$(xprobe_once 0 0)
echo 1 >$P/tx_stamp_single
echo 10000000 >$P/tx_stamp_delay_us
r1=$(xprobe_once "$(jget "$r0" receive)" "$(jget "$r0" arrived)")
stamp=$(ip netns exec ntps cat /sys/class/net/vphc0/vphc/last_tx_hwtstamp)
r2=$(xprobe_once "$(jget "$r1" receive)" "$(jget "$r1" arrived)")
echo 0 >$P/tx_stamp_delay_us
echo 0 >$P/tx_stamp_single
echo "# R2 before R1's stamp: $r2"
ktap_check "before the stamp is back: a basic reply, counted" \
	test "$(jget "$r2" mode)" = basic -a \
	     "$(counter xleave_basic)" -eq $((basic + 2))
sleep 10
r3=$(xprobe_once "$(jget "$r1" receive)" "$(jget "$r1" arrived)")
echo "# R3: $r3"
# R2's driver stamp was drained with R3's request, the first after it.
late_ok() {
	tx_stamp_ok "$r3" "$stamp" && test "$(counter txts_driver)" -ge 1
}
ktap_check "once it is back: the same request answered interleaved with R1's stamp; R2 stamped by the driver" \
	late_ok
ktap_finish
